// SPDX-License-Identifier: MIT
/*
 * loader.c - parallel module loading in android and eager mode, see
 * loader.h.
 *
 * One mutex guards the schedule and the event callback; it is never held
 * across finit_module, jitter sleeps or the barrier, so threads overlap in
 * the kernel exactly as much as the schedule allows.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"
#include "sys.h"

const char *mod_result_name(enum mod_result r)
{
	switch (r) {
	case MOD_PENDING: return "pending";
	case MOD_OK: return "ok";
	case MOD_EXISTS: return "exists";
	case MOD_FAILED: return "fail";
	case MOD_SKIPPED: return "skip";
	case MOD_BLOCKED: return "blocked";
	}
	return "?";
}

/*
 * One table for module load errors, in the words kmod and busybox use:
 * what the errno means when finit_module returns it, not strerror's
 * generic text ("No such file or directory" for an unknown symbol).
 */
static const struct {
	int err;
	const char *name;
	const char *text;
} errtab[] = {
	{ ENOEXEC, "ENOEXEC", "invalid module format" },
	{ ENOENT, "ENOENT", "unknown symbol in module, or unknown parameter" },
	{ ESRCH, "ESRCH", "module has wrong symbol version" },
	{ EINVAL, "EINVAL", "invalid parameters" },
	{ EEXIST, "EEXIST", "module already loaded" },
	{ ENOMEM, "ENOMEM", "out of memory" },
	{ EPERM, "EPERM", "operation not permitted" },
	{ EACCES, "EACCES", "permission denied" },
	{ EKEYREJECTED, "EKEYREJECTED", "module signature rejected" },
	{ ENOKEY, "ENOKEY", "required key not available (unsigned module)" },
	{ EBUSY, "EBUSY", "device or resource busy" },
	{ ENODEV, "ENODEV", "no such device (init found no hardware)" },
	{ ENXIO, "ENXIO", "no such device or address" },
	{ ETIMEDOUT, "ETIMEDOUT", "timed out" },
	{ EFAULT, "EFAULT", "bad address" },
	{ EFBIG, "EFBIG", "module too large" },
	{ ENOSPC, "ENOSPC", "no space left (module area full)" },
	{ ENOSYS, "ENOSYS", "function not implemented" },
	{ EIO, "EIO", "input/output error" },
	{ EAGAIN, "EAGAIN", "resource temporarily unavailable" },
	{ EINTR, "EINTR", "interrupted" },
};

const char *module_strerror(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].err == err)
			return errtab[i].text;
	return strerror(err);
}

const char *errno_name(int err)
{
	static __thread char buf[16];

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].err == err)
			return errtab[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t loader_jitter(uint64_t seed, const char *name, uint32_t max_us)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a of the name, mixed with the seed */

	if (!max_us)
		return 0;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	h ^= seed;
	return (uint32_t)(splitmix64(&h) % max_us);
}

struct loader {
	const struct modset *ms;
	const struct loader_opts *o;
	loader_event_fn fn;
	void *userdata;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t t0;
	uint64_t rng;
	enum mod_result *res;
	bool *needed;
	bool *inflight;		/* inside finit_module: a thread that dies there leaves it set */
	int *order;		/* scheduling key: modules.load position first */
	struct loader_summary sum;
	bool any_started;

	/* barrier */
	pthread_mutex_t block;
	pthread_cond_t bcond;
	int b_target, b_arrived;
	bool b_open;

	/* android: the current wave */
	int *wave;
	int nwave;
	int wave_no;
	bool wave_failed;

	/* eager */
	int *ready;
	int nready;
	int running;
	bool excl_pending, excl_running;
	int *unmet;
	int remaining;
};

static bool loaded(const struct loader *L, int i)
{
	return L->res[i] == MOD_OK || L->res[i] == MOD_EXISTS;
}

static bool finished(const struct loader *L, int i)
{
	return L->res[i] != MOD_PENDING;
}

/* Records a result and reports it; called with L->lock held. */
static void record(struct loader *L, struct loader_event *e)
{
	L->res[e->index] = e->result;
	switch (e->result) {
	case MOD_OK: L->sum.ok++; break;
	case MOD_EXISTS: L->sum.exists++; break;
	case MOD_FAILED: L->sum.failed++; break;
	case MOD_SKIPPED: L->sum.skipped++; break;
	case MOD_BLOCKED: L->sum.blocked++; break;
	case MOD_PENDING: break;
	}
	if (e->result == MOD_OK || e->result == MOD_EXISTS || e->result == MOD_FAILED) {
		if (!L->any_started || e->start_us < L->sum.first_start_us)
			L->sum.first_start_us = e->start_us;
		if (e->end_us > L->sum.last_end_us)
			L->sum.last_end_us = e->end_us;
		L->any_started = true;
	}
	if (L->fn)
		L->fn(e, L->userdata);
}

static void record_simple(struct loader *L, int i, enum mod_result r, int err, const char *why)
{
	struct loader_event e = { .mod = &L->ms->mods[i], .index = i, .result = r, .err = err, .why = why };

	record(L, &e);
}

/* Sets up the barrier for target members; called before threads start. */
static void barrier_arm(struct loader *L, int target)
{
	pthread_mutex_lock(&L->block);
	L->b_target = target < L->o->threads ? target : L->o->threads;
	L->b_arrived = 0;
	L->b_open = L->b_target <= 1;
	pthread_mutex_unlock(&L->block);
}

/* Returns true when this thread actually waited. */
static bool barrier_wait(struct loader *L)
{
	struct timespec ts;
	bool waited = false;

	pthread_mutex_lock(&L->block);
	if (!L->b_open) {
		waited = true;
		if (++L->b_arrived >= L->b_target) {
			L->b_open = true;
			L->sum.barrier_met++;
			pthread_cond_broadcast(&L->bcond);
		} else {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += L->o->barrier_timeout_ms / 1000;
			ts.tv_nsec += (long)(L->o->barrier_timeout_ms % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			while (!L->b_open) {
				if (pthread_cond_timedwait(&L->bcond, &L->block, &ts) == ETIMEDOUT) {
					/* Someone will not come (a failure, too few threads): go. */
					if (!L->b_open)
						L->sum.barrier_timeouts++;
					L->b_open = true;
					pthread_cond_broadcast(&L->bcond);
				}
			}
		}
	}
	pthread_mutex_unlock(&L->block);
	return waited;
}

/* init_module needs the image in memory: read the whole file. */
static int init_module_fallback(int fd, const char *params)
{
	struct stat st;
	char *img;
	size_t got = 0;
	int r;

	if (fstat(fd, &st) < 0)
		return -errno;
	img = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!img)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, img + got, (size_t)st.st_size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	r = sys_init_module(img, got, params);
	free(img);
	return r;
}

static void load_one(struct loader *L, int i, int thread)
{
	const struct module *m = &L->ms->mods[i];
	struct loader_event e = { .mod = m, .index = i, .thread = thread, .wave = L->wave_no };
	char path[4096];
	int fd, r;

	if (L->o->mode == LOADER_EAGER)
		e.wave = 0;
	e.jitter_us = loader_jitter(L->o->seed, m->name, L->o->jitter_us);
	if (e.jitter_us)
		sys_sleep_us(e.jitter_us);
	if (m->barrier)
		e.barrier = barrier_wait(L);
	if (m->path[0] == '/')
		snprintf(path, sizeof(path), "%s", m->path);
	else
		snprintf(path, sizeof(path), "%s/%s", L->ms->dir, m->path);
	pthread_mutex_lock(&L->lock);
	L->inflight[i] = true;
	pthread_mutex_unlock(&L->lock);
	fd = sys_open(path, O_RDONLY | O_CLOEXEC);
	e.start_us = sys_now_us() - L->t0;
	if (fd < 0) {
		r = fd;
	} else {
		r = sys_finit_module(fd, m->params, 0);
		/* Kernels without finit_module (or a seccomp'd one) still have init_module. */
		if (r == -ENOSYS)
			r = init_module_fallback(fd, m->params);
		close(fd);
	}
	e.end_us = sys_now_us() - L->t0;
	if (r == 0) {
		e.result = MOD_OK;
	} else if (r == -EEXIST) {
		e.result = MOD_EXISTS;
	} else {
		e.result = MOD_FAILED;
		e.err = r;
		e.why = fd < 0 ? "cannot open module file" : module_strerror(r);
	}
	pthread_mutex_lock(&L->lock);
	record(L, &e);
	if (e.result == MOD_FAILED)
		L->wave_failed = true;
	pthread_mutex_unlock(&L->lock);
}

/* ---- android ---- */

struct vec {
	int *v;
	int n;
};

/* Runs the loader's threads (worker n gets { L, n }) and waits for them;
 * -EAGAIN when not one could start.  th and args hold L->o->threads. */
static int run_threads(struct loader *L, void *(*fn)(void *), pthread_t *th, void *(*args)[2])
{
	int started = 0;

	for (int t = 0; t < L->o->threads; t++) {
		args[t][0] = L;
		args[t][1] = (void *)(intptr_t)(t + 1);
		if (pthread_create(&th[t], NULL, fn, args[t]) != 0)
			break;
		started++;
	}
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	return started ? 0 : -EAGAIN;
}

static void *android_worker(void *arg)
{
	struct loader *L = ((void **)arg)[0];
	int thread = (int)(intptr_t)((void **)arg)[1];

	pthread_mutex_lock(&L->lock);
	while (L->nwave > 0) {
		int i = L->wave[--L->nwave];

		pthread_mutex_unlock(&L->lock);
		load_one(L, i, thread);
		pthread_mutex_lock(&L->lock);
	}
	pthread_mutex_unlock(&L->lock);
	return NULL;
}

static int by_name(const void *a, const void *b, void *ms)
{
	const struct modset *s = ms;

	return strcmp(s->mods[*(const int *)a].name, s->mods[*(const int *)b].name);
}

static void shuffle(struct loader *L, int *v, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(splitmix64(&L->rng) % (uint64_t)(i + 1));
		int t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

static int run_android(struct loader *L)
{
	const struct modset *ms = L->ms;
	struct vec *vecs = calloc((size_t)ms->n, sizeof(*vecs));
	int *pending = malloc(sizeof(int) * (size_t)(ms->nload + 1)), npending = 0;
	pthread_t *th = malloc(sizeof(*th) * (size_t)L->o->threads);
	void *(*args)[2] = malloc(sizeof(*args) * (size_t)L->o->threads);
	int r = 0;
	bool stop = false;

	if (!vecs || !pending || !th || !args) {
		r = -ENOMEM;
		goto out;
	}
	/* std::map order: the scan goes through modules by canonical name. */
	for (int k = 0; k < ms->nload; k++) {
		int i = ms->load[k];

		if (ms->mods[i].blocklisted)
			continue;
		vecs[i].v = malloc(sizeof(int) * (size_t)ms->mods[i].nwaits);
		if (!vecs[i].v) {
			r = -ENOMEM;
			goto out;
		}
		memcpy(vecs[i].v, ms->mods[i].waits, sizeof(int) * (size_t)ms->mods[i].nwaits);
		vecs[i].n = ms->mods[i].nwaits;
		pending[npending++] = i;
	}
	qsort_r(pending, (size_t)npending, sizeof(int), by_name, (void *)ms);

	while (npending > 0 && !stop) {
		int progress = 0;

		L->wave_no++;
		L->nwave = 0;
		L->wave_failed = false;
		for (int k = 0; k < npending && !stop; k++) {
			struct vec *v = &vecs[pending[k]];
			int last;

			if (!v->n)
				continue;
			last = v->v[v->n - 1];
			if (ms->mods[last].blocklisted) {
				/* libmodprobe: "hard-dependencies cannot be blocklisted" */
				char why[300];

				snprintf(why, sizeof(why), "dependency %s is blocklisted", ms->mods[last].name);
				pthread_mutex_lock(&L->lock);
				record_simple(L, pending[k], MOD_FAILED, -EPERM, why);
				pthread_mutex_unlock(&L->lock);
				stop = true;
				break;
			}
			if (finished(L, last))
				continue;
			if (ms->mods[last].sequential) {
				load_one(L, last, 0);
				continue;
			}
			bool dup = false;
			for (int w = 0; w < L->nwave; w++)
				dup |= L->wave[w] == last;
			if (!dup)
				L->wave[L->nwave++] = last;
		}
		if (stop)
			break;
		if (L->o->shuffle)
			shuffle(L, L->wave, L->nwave);
		int nb = 0;
		for (int w = 0; w < L->nwave; w++)
			nb += ms->mods[L->wave[w]].barrier;
		barrier_arm(L, nb);
		/* As libmodprobe: always `threads` threads, however small the wave. */
		if (L->nwave > 0) {
			if ((r = run_threads(L, android_worker, th, args)) < 0)
				goto out;
		}
		L->sum.waves = L->wave_no;
		/* A thread that died in finit_module (an oops) left its module in flight. */
		pthread_mutex_lock(&L->lock);
		for (int i = 0; i < ms->n; i++)
			if (L->inflight[i] && !finished(L, i)) {
				record_simple(L, i, MOD_FAILED, -EINTR, "loader thread died in finit_module");
				L->wave_failed = true;
			}
		pthread_mutex_unlock(&L->lock);
		if (L->wave_failed)
			break;
		/* Drop loaded modules from the pending list and from every list. */
		int np = 0;
		for (int k = 0; k < npending; k++) {
			int i = pending[k];
			struct vec *v = &vecs[i];
			int n = 0;

			for (int w = 0; w < v->n; w++) {
				if (loaded(L, v->v[w]))
					progress++;
				else
					v->v[n++] = v->v[w];
			}
			v->n = n;
			if (!loaded(L, i))
				pending[np++] = i;
		}
		npending = np;
		if (!progress && npending) {
			r = -ELOOP;	/* nothing could move: would spin forever */
			break;
		}
	}
out:
	if (vecs)
		for (int i = 0; i < ms->n; i++)
			free(vecs[i].v);
	free(vecs);
	free(pending);
	free(th);
	free(args);
	return r;
}

/* ---- eager ---- */

static int pick_ready(struct loader *L)
{
	int best = 0;

	if (L->o->shuffle)
		return (int)(splitmix64(&L->rng) % (uint64_t)L->nready);
	for (int k = 1; k < L->nready; k++)
		if (L->order[L->ready[k]] < L->order[L->ready[best]])
			best = k;
	return best;
}

/* After i finished: wake its users, or skip them if it failed.  Lock held. */
static void eager_done(struct loader *L, int i)
{
	const struct modset *ms = L->ms;

	L->remaining--;
	for (int j = 0; j < ms->n; j++) {
		if (!L->needed[j] || finished(L, j) || j == i)
			continue;
		bool waits = false;
		for (int w = 1; w < ms->mods[j].nwaits; w++)
			waits |= ms->mods[j].waits[w] == i;
		if (!waits)
			continue;
		if (loaded(L, i)) {
			if (--L->unmet[j] == 0)
				L->ready[L->nready++] = j;
		} else {
			char why[300];

			snprintf(why, sizeof(why), "waits for %s, which did not load", ms->mods[i].name);
			record_simple(L, j, MOD_SKIPPED, 0, why);
			eager_done(L, j);
		}
	}
}

static void *eager_worker(void *arg)
{
	struct loader *L = ((void **)arg)[0];
	int thread = (int)(intptr_t)((void **)arg)[1];

	pthread_mutex_lock(&L->lock);
	for (;;) {
		if (L->nready == 0 && L->running == 0) {
			/* Nothing ready and nothing that could make anything ready. */
			pthread_cond_broadcast(&L->cond);
			break;
		}
		if (L->nready == 0 || L->excl_running) {
			pthread_cond_wait(&L->cond, &L->lock);
			continue;
		}
		int k = -1, i;
		bool seq;

		if (L->excl_pending) {
			/* A load_sequential module is waiting for the others to drain. */
			for (int q = 0; q < L->nready && k < 0; q++)
				if (L->ms->mods[L->ready[q]].sequential)
					k = q;
		}
		if (k < 0) {
			L->excl_pending = false;
			k = pick_ready(L);
		}
		i = L->ready[k];
		seq = L->ms->mods[i].sequential;
		if (seq && L->running > 0) {
			/* load_sequential: let the running loads finish, start no new ones */
			L->excl_pending = true;
			pthread_cond_wait(&L->cond, &L->lock);
			continue;
		}
		L->ready[k] = L->ready[--L->nready];
		L->running++;
		if (seq) {
			L->excl_pending = false;
			L->excl_running = true;
		}
		pthread_mutex_unlock(&L->lock);
		load_one(L, i, thread);
		pthread_mutex_lock(&L->lock);
		L->running--;
		if (seq)
			L->excl_running = false;
		eager_done(L, i);
		pthread_cond_broadcast(&L->cond);
	}
	pthread_mutex_unlock(&L->lock);
	return NULL;
}

static int run_eager(struct loader *L)
{
	const struct modset *ms = L->ms;
	pthread_t *th = malloc(sizeof(*th) * (size_t)L->o->threads);
	void *(*args)[2] = malloc(sizeof(*args) * (size_t)L->o->threads);
	int nb = 0, r = 0;

	L->ready = malloc(sizeof(int) * (size_t)(ms->n + 1));
	L->unmet = calloc((size_t)ms->n + 1, sizeof(int));
	if (!th || !args || !L->ready || !L->unmet) {
		r = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < ms->n; i++) {
		if (!L->needed[i] || finished(L, i))
			continue;
		L->remaining++;
		for (int w = 1; w < ms->mods[i].nwaits; w++) {
			int d = ms->mods[i].waits[w];

			if (ms->mods[d].blocklisted) {
				char why[300];

				snprintf(why, sizeof(why), "dependency %s is blocklisted", ms->mods[d].name);
				record_simple(L, i, MOD_FAILED, -EPERM, why);
				break;
			}
			L->unmet[i]++;
		}
	}
	/* Users of modules that failed already are skipped before anything starts. */
	for (int i = 0; i < ms->n; i++)
		if (L->needed[i] && L->res[i] == MOD_FAILED)
			eager_done(L, i);
	for (int i = 0; i < ms->n; i++)
		if (L->needed[i] && !finished(L, i) && L->unmet[i] == 0)
			L->ready[L->nready++] = i;
	/* Barrier members that can run together: those waiting for no other member. */
	for (int i = 0; i < ms->n; i++) {
		bool indep = true;

		if (!L->needed[i] || finished(L, i) || !ms->mods[i].barrier)
			continue;
		for (int w = 1; w < ms->mods[i].nwaits; w++)
			indep &= !ms->mods[ms->mods[i].waits[w]].barrier;
		nb += indep;
	}
	barrier_arm(L, nb);
	if ((r = run_threads(L, eager_worker, th, args)) < 0)
		goto out;
out:
	free(th);
	free(args);
	return r;
}

int loader_run(const struct modset *ms, const struct loader_opts *opts, loader_event_fn fn,
	       void *userdata, struct loader_summary *ret)
{
	struct loader L = { .ms = ms, .o = opts, .fn = fn, .userdata = userdata };
	struct loader_opts o = *opts;
	pthread_condattr_t ca;
	int r = 0, *stack = NULL, nstack = 0;

	if (o.threads < 1)
		o.threads = 1;
	if (!o.barrier_timeout_ms)
		o.barrier_timeout_ms = 5000;
	L.o = &o;
	L.rng = o.seed;
	L.t0 = sys_now_us();
	pthread_mutex_init(&L.lock, NULL);
	pthread_cond_init(&L.cond, NULL);
	pthread_mutex_init(&L.block, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&L.bcond, &ca);
	pthread_condattr_destroy(&ca);

	L.res = calloc((size_t)ms->n + 1, sizeof(*L.res));
	L.needed = calloc((size_t)ms->n + 1, sizeof(*L.needed));
	L.order = malloc(sizeof(int) * (size_t)(ms->n + 1));
	L.wave = malloc(sizeof(int) * (size_t)(ms->n + 1));
	L.inflight = calloc((size_t)ms->n + 1, sizeof(*L.inflight));
	stack = malloc(sizeof(int) * (size_t)(ms->n + 1) * 2);
	if (!L.res || !L.needed || !L.order || !L.wave || !L.inflight || !stack) {
		r = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < ms->n; i++)
		L.order[i] = ms->mods[i].load_index >= 0 ? ms->mods[i].load_index : ms->nload + i;

	/* What is needed: modules.load minus the blocklist, and what they wait for. */
	pthread_mutex_lock(&L.lock);
	for (int k = 0; k < ms->nload; k++) {
		int i = ms->load[k];

		if (ms->mods[i].blocklisted) {
			record_simple(&L, i, MOD_BLOCKED, 0, "in modules.blocklist");
			continue;
		}
		if (!L.needed[i]) {
			L.needed[i] = true;
			stack[nstack++] = i;
		}
	}
	while (nstack) {
		int i = stack[--nstack];

		for (int w = 1; w < ms->mods[i].nwaits; w++) {
			int d = ms->mods[i].waits[w];

			if (!L.needed[d] && !ms->mods[d].blocklisted) {
				L.needed[d] = true;
				stack[nstack++] = d;
			}
		}
	}
	pthread_mutex_unlock(&L.lock);

	r = o.mode == LOADER_EAGER ? run_eager(&L) : run_android(&L);

	/* Whatever is left was never tried: say why. */
	pthread_mutex_lock(&L.lock);
	for (int i = 0; i < ms->n; i++) {
		char why[300] = "stopped after a wave with a failure";

		if (!L.needed[i] || finished(&L, i))
			continue;
		if (L.inflight[i]) {
			/* An oops in finit_module kills the calling thread, not the process. */
			record_simple(&L, i, MOD_FAILED, -EINTR, "loader thread died in finit_module");
			continue;
		}
		for (int w = 1; w < ms->mods[i].nwaits; w++) {
			int d = ms->mods[i].waits[w];

			if (L.res[d] == MOD_FAILED || L.res[d] == MOD_SKIPPED) {
				snprintf(why, sizeof(why), "waits for %s, which did not load", ms->mods[d].name);
				break;
			}
		}
		if (r == -ELOOP || o.mode == LOADER_EAGER)
			if (!strncmp(why, "stopped", 7))
				snprintf(why, sizeof(why), "dependency cycle");
		record_simple(&L, i, MOD_SKIPPED, 0, why);
	}
	pthread_mutex_unlock(&L.lock);
	if (r == -ELOOP)
		r = -EIO;
	if (r == 0 && (L.sum.failed || L.sum.skipped))
		r = -EIO;
out:
	L.sum.wall_us = sys_now_us() - L.t0;
	if (ret)
		*ret = L.sum;
	free(L.res);
	free(L.needed);
	free(L.order);
	free(L.wave);
	free(L.inflight);
	free(L.ready);
	free(L.unmet);
	free(stack);
	pthread_mutex_destroy(&L.lock);
	pthread_cond_destroy(&L.cond);
	pthread_mutex_destroy(&L.block);
	pthread_cond_destroy(&L.bcond);
	return r;
}
