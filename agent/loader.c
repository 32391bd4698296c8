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
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"
#include "modfile.h"
#include "modplan.h"
#include "readfile.h"
#include "sys.h"

const char *mod_result_name(enum mod_result r)
{
	switch (r) {
	case MOD_PENDING:
		return "pending";
	case MOD_OK:
		return "ok";
	case MOD_EXISTS:
		return "exists";
	case MOD_FAILED:
		return "fail";
	case MOD_SKIPPED:
		return "skip";
	case MOD_BLOCKED:
		return "blocked";
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
    {ENOEXEC, "ENOEXEC", "invalid module format"},
    {ENOENT, "ENOENT", "unknown symbol in module, or unknown parameter"},
    {ESRCH, "ESRCH", "module has wrong symbol version"},
    {EINVAL, "EINVAL", "invalid parameters"},
    {EEXIST, "EEXIST", "module already loaded"},
    {ENOMEM, "ENOMEM", "out of memory"},
    {EPERM, "EPERM", "operation not permitted"},
    {EACCES, "EACCES", "permission denied"},
    {EKEYREJECTED, "EKEYREJECTED", "module signature rejected"},
    {ENOKEY, "ENOKEY", "required key not available (unsigned module)"},
    {EBUSY, "EBUSY", "device or resource busy"},
    {ENODEV, "ENODEV", "no such device (init found no hardware)"},
    {ENXIO, "ENXIO", "no such device or address"},
    {ETIMEDOUT, "ETIMEDOUT", "timed out"},
    {EFAULT, "EFAULT", "bad address"},
    {EFBIG, "EFBIG", "module too large"},
    {ENOSPC, "ENOSPC", "no space left (module area full)"},
    {ENOSYS, "ENOSYS", "function not implemented"},
    {EIO, "EIO", "input/output error"},
    {EAGAIN, "EAGAIN", "resource temporarily unavailable"},
    {EINTR, "EINTR", "interrupted"},
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
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a of the name, mixed with the seed */

	if (!max_us)
		return 0;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	h ^= seed;
	return (uint32_t)(splitmix64(&h) % max_us);
}

struct loader {
	const struct modset *ms;
	const struct modplan *plan;
	const struct loader_opts *o;
	loader_event_fn fn;
	void *userdata;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t t0;
	uint64_t rng;
	enum mod_result *res;
	bool *needed;	/* in the plan */
	bool *hard;	/* in the plan other than through a softdep only */
	bool *inflight; /* claimed by a thread: a thread that dies in finit_module leaves it set */
	int *owner;	/* tid of the thread that claimed it */
	int *order;	/* scheduling key: modules.load position first */
	struct loader_summary sum;
	bool any_started;
	bool hard_fail;	       /* a module that had to load did not: the run fails */
	bool plan_fail;	       /* the plan skips a listed module (not for the blocklist) */
	bool no_kernel_decomp; /* the kernel said it cannot decompress modules */

	/* barrier */
	pthread_mutex_t block;
	pthread_cond_t bcond;
	int b_target, b_arrived;
	bool b_open;

	/* android: the wave being run */
	const struct modplan_wave *wave;
	int *torder; /* its tasks in the order threads take them */
	int next_task;
	int wave_no;
	bool wave_failed;

	/* eager */
	int *ready;
	int nready;
	int running;
	bool excl_pending, excl_running;
	int *unmet;
	int **users; /* [i]: modules that wait for i, as index*2 + hard */
	int *nusers;
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
	case MOD_OK:
		L->sum.ok++;
		break;
	case MOD_EXISTS:
		L->sum.exists++;
		break;
	case MOD_FAILED:
		L->sum.failed++;
		break;
	case MOD_SKIPPED:
		L->sum.skipped++;
		break;
	case MOD_BLOCKED:
		L->sum.blocked++;
		break;
	case MOD_PENDING:
		break;
	}
	if ((e->result == MOD_FAILED || e->result == MOD_SKIPPED) && L->hard[e->index])
		L->hard_fail = true;
	if (e->result == MOD_OK || e->result == MOD_EXISTS || e->result == MOD_FAILED) {
		if (!L->any_started || e->start_us < L->sum.first_start_us)
			L->sum.first_start_us = e->start_us;
		if (e->end_us > L->sum.last_end_us)
			L->sum.last_end_us = e->end_us;
		L->any_started = true;
	}
	if (L->fn)
		L->fn(e, L->userdata);
	pthread_cond_broadcast(&L->cond);
}

static void record_simple(struct loader *L, int i, enum mod_result r, int err, const char *why)
{
	struct loader_event e = {.mod = &L->ms->mods[i], .index = i, .result = r, .err = err, .why = why};

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

/* init_module needs the image in memory. */
static int init_module_fallback(int fd, const char *params)
{
	char *img;
	size_t len;
	int r = readfile_fd(fd, &img, &len);

	if (r < 0)
		return r;
	r = sys_init_module(img, len, params);
	free(img);
	return r;
}

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

/*
 * A compressed module: the kernel decompresses it if it can (5.17+ with
 * CONFIG_MODULE_DECOMPRESS); one that cannot says EOPNOTSUPP (EINVAL for
 * the unknown flag before 5.17), and from then on the agent decompresses.
 * *how says which did; *bad_file is set when the file would not decompress.
 */
static int load_compressed(struct loader *L, int fd, enum modfile_comp comp, const char *params,
			   const char **how, bool *bad_file)
{
	char *data;
	void *img;
	size_t len, ilen;
	int r;

	if (!__atomic_load_n(&L->no_kernel_decomp, __ATOMIC_RELAXED)) {
		r = sys_finit_module(fd, params, MODULE_INIT_COMPRESSED_FILE);
		if (r != -EOPNOTSUPP && r != -EINVAL && r != -ENOSYS) {
			*how = "kernel";
			return r;
		}
		__atomic_store_n(&L->no_kernel_decomp, true, __ATOMIC_RELAXED);
	}
	*how = modfile_comp_name(comp);
	if ((r = readfile_fd(fd, &data, &len)) < 0)
		return r;
	r = modfile_decompress(comp, data, len, &img, &ilen);
	free(data);
	if (r < 0) {
		*bad_file = true;
		return r;
	}
	r = sys_init_module(img, ilen, params);
	free(img);
	return r;
}

/* Loads module i, which the caller claimed (inflight); returns its result. */
static enum mod_result load_one(struct loader *L, int i, int thread)
{
	const struct module *m = &L->ms->mods[i];
	struct loader_event e = {.mod = m, .index = i, .thread = thread, .wave = L->wave_no};
	char path[4096];
	enum modfile_comp comp;
	bool bad_file = false;
	int fd, r;

	if (L->o->mode == LOADER_EAGER)
		e.wave = 0;
	e.jitter_us = loader_jitter(L->o->seed, m->name, L->o->jitter_us);
	if (e.jitter_us)
		sys_sleep_us(e.jitter_us);
	if (m->barrier)
		e.barrier = barrier_wait(L);
	modset_module_path(L->ms, m, path, sizeof(path));
	comp = modfile_compression(path);
	fd = sys_open(path, O_RDONLY | O_CLOEXEC);
	e.start_us = sys_now_us() - L->t0;
	if (fd < 0) {
		r = fd;
	} else if (comp != MODFILE_PLAIN) {
		r = load_compressed(L, fd, comp, m->params, &e.decomp, &bad_file);
		close(fd);
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
		e.why = fd < 0	   ? "cannot open module file"
			: bad_file ? "cannot decompress module file"
				   : module_strerror(r);
	}
	pthread_mutex_lock(&L->lock);
	record(L, &e);
	pthread_mutex_unlock(&L->lock);
	return e.result;
}

/* Claims i for the calling thread; lock held. */
static void claim(struct loader *L, int i)
{
	L->inflight[i] = true;
	L->owner[i] = (int)syscall(SYS_gettid);
}

/*
 * Waits, lock held, while another thread loads i: the kernel would make a
 * second finit_module of it wait and return EEXIST, so this is the same
 * order without the second call.  A loader thread that an oops killed in
 * finit_module never comes back: its module is failed here.
 */
static void wait_inflight(struct loader *L, int i)
{
	while (L->inflight[i] && !finished(L, i)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (pthread_cond_timedwait(&L->cond, &L->lock, &ts) == ETIMEDOUT && !finished(L, i) &&
		    syscall(SYS_tgkill, getpid(), L->owner[i], 0) < 0 && errno == ESRCH)
			record_simple(L, i, MOD_FAILED, -EINTR, "loader thread died in finit_module");
	}
}

/* The first modules.dep dependency of i that is not loaded, or -1; lock held. */
static int unmet_dep(struct loader *L, int i)
{
	const struct module *m = &L->ms->mods[i];

	for (int k = 0; k < m->ndeps; k++)
		if (m->deps[k] != i && !loaded(L, m->deps[k]))
			return m->deps[k];
	return -1;
}

/* ---- android ---- */

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

/* One module of a task: skipped when a dependency did not load. */
static void run_entry(struct loader *L, const struct modplan_entry *e, int thread)
{
	int i = e->mod, d;
	enum mod_result r;

	pthread_mutex_lock(&L->lock);
	wait_inflight(L, i);
	if (finished(L, i)) {
		/* Loaded by another task, or failed there: no second try. */
		if (!loaded(L, i) && !e->soft)
			L->wave_failed = true;
		pthread_mutex_unlock(&L->lock);
		return;
	}
	d = unmet_dep(L, i);
	if (d >= 0) {
		char why[300];

		snprintf(why, sizeof(why), "waits for %s, which did not load", L->ms->mods[d].name);
		record_simple(L, i, MOD_SKIPPED, 0, why);
		if (!e->soft)
			L->wave_failed = true;
		pthread_mutex_unlock(&L->lock);
		return;
	}
	claim(L, i);
	pthread_mutex_unlock(&L->lock);
	r = load_one(L, i, thread);
	if (r == MOD_FAILED && !e->soft) {
		pthread_mutex_lock(&L->lock);
		L->wave_failed = true;
		pthread_mutex_unlock(&L->lock);
	}
}

static void run_task(struct loader *L, const struct modplan_task *t, int thread)
{
	for (int k = 0; k < t->n; k++)
		run_entry(L, &t->e[k], thread);
}

static void *android_worker(void *arg)
{
	struct loader *L = ((void **)arg)[0];
	int thread = (int)(intptr_t)((void **)arg)[1];

	pthread_mutex_lock(&L->lock);
	while (L->next_task < L->wave->ntasks) {
		const struct modplan_task *t = &L->wave->tasks[L->torder[L->next_task++]];

		pthread_mutex_unlock(&L->lock);
		run_task(L, t, thread);
		pthread_mutex_lock(&L->lock);
	}
	pthread_mutex_unlock(&L->lock);
	return NULL;
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

/* Barrier members in a wave, each counted once. */
static int wave_barrier_members(struct loader *L, const struct modplan_wave *w)
{
	int n = 0;

	for (int t = 0; t < w->ntasks; t++)
		for (int k = 0; k < w->tasks[t].n; k++) {
			int i = w->tasks[t].e[k].mod;
			bool dup = false;

			for (int u = 0; u < t && !dup; u++)
				for (int j = 0; j < w->tasks[u].n; j++)
					dup |= w->tasks[u].e[j].mod == i;
			n += L->ms->mods[i].barrier && !dup;
		}
	return n;
}

static int run_android(struct loader *L)
{
	const struct modplan *p = L->plan;
	pthread_t *th = malloc(sizeof(*th) * (size_t)L->o->threads);
	void *(*args)[2] = malloc(sizeof(*args) * (size_t)L->o->threads);
	int r = 0, maxt = 1;

	for (int w = 0; w < p->nwaves; w++)
		maxt = p->waves[w].ntasks > maxt ? p->waves[w].ntasks : maxt;
	L->torder = malloc(sizeof(int) * (size_t)maxt);
	if (!th || !args || !L->torder) {
		r = -ENOMEM;
		goto out;
	}
	for (int w = 0; w < p->nwaves; w++) {
		const struct modplan_wave *wave = &p->waves[w];

		L->wave = wave;
		L->wave_no = w + 1;
		L->wave_failed = false;
		L->next_task = 0;
		for (int t = 0; t < wave->ntasks; t++)
			L->torder[t] = t;
		if (L->o->shuffle)
			shuffle(L, L->torder, wave->ntasks);
		barrier_arm(L, wave_barrier_members(L, wave));
		L->sum.waves = L->wave_no;
		if (wave->sequential) {
			/* load_sequential: after the previous wave, alone, on this thread */
			run_task(L, &wave->tasks[0], 0);
		} else if ((r = run_threads(L, android_worker, th, args)) < 0) {
			goto out;
		}
		/* A thread that died in finit_module (an oops) left its module in flight. */
		pthread_mutex_lock(&L->lock);
		for (int i = 0; i < L->ms->n; i++)
			if (L->inflight[i] && !finished(L, i))
				record_simple(L, i, MOD_FAILED, -EINTR, "loader thread died in finit_module");
		pthread_mutex_unlock(&L->lock);
		/* As libmodprobe: no wave after a failed one. */
		if (L->wave_failed || L->hard_fail)
			break;
	}
out:
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

/*
 * After i finished: its users are one step closer, or skipped when i was
 * a hard dependency that did not load (a softdep that did not load counts
 * as met, as libmodprobe ignores softdep results).  Lock held.
 */
static void eager_done(struct loader *L, int i)
{
	L->remaining--;
	for (int k = 0; k < L->nusers[i]; k++) {
		int j = L->users[i][k] / 2, hard = L->users[i][k] % 2;

		if (finished(L, j))
			continue;
		if (loaded(L, i) || !hard) {
			if (--L->unmet[j] == 0)
				L->ready[L->nready++] = j;
		} else {
			char why[300];

			snprintf(why, sizeof(why), "waits for %s, which did not load", L->ms->mods[i].name);
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
		claim(L, i);
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

/* user waits for of. */
static int add_edge(struct loader *L, int of, int user, bool hard)
{
	int *u;

	for (int k = 0; k < L->nusers[of]; k++)
		if (L->users[of][k] / 2 == user)
			return 0;
	u = realloc(L->users[of], sizeof(int) * (size_t)(L->nusers[of] + 1));
	if (!u)
		return -ENOMEM;
	L->users[of] = u;
	u[L->nusers[of]++] = user * 2 + hard;
	L->unmet[user]++;
	return 0;
}

/* Whether b waits, directly or not, for a. */
static bool reaches(struct loader *L, int a, int b, char *seen)
{
	int *stack = L->ready, n = 0; /* ready is free until the threads start */
	bool found = false;

	memset(seen, 0, (size_t)L->ms->n);
	stack[n++] = a;
	seen[a] = 1;
	while (n && !found) {
		int x = stack[--n];

		for (int k = 0; k < L->nusers[x]; k++) {
			int u = L->users[x][k] / 2;

			found |= u == b;
			if (!seen[u]) {
				seen[u] = 1;
				stack[n++] = u;
			}
		}
	}
	return found;
}

static int run_eager(struct loader *L)
{
	const struct modset *ms = L->ms;
	pthread_t *th = malloc(sizeof(*th) * (size_t)L->o->threads);
	void *(*args)[2] = malloc(sizeof(*args) * (size_t)L->o->threads);
	int nb = 0, r = 0;
	char *seen = malloc((size_t)ms->n + 1);

	L->ready = malloc(sizeof(int) * (size_t)(ms->n + 1));
	L->unmet = calloc((size_t)ms->n + 1, sizeof(int));
	L->users = calloc((size_t)ms->n + 1, sizeof(*L->users));
	L->nusers = calloc((size_t)ms->n + 1, sizeof(int));
	if (!th || !args || !seen || !L->ready || !L->unmet || !L->users || !L->nusers) {
		r = -ENOMEM;
		goto out;
	}
	/* The plan's modules, each waiting for its hard dependencies... */
	for (int i = 0; i < ms->n; i++) {
		const struct module *m = &ms->mods[i];

		if (!L->needed[i])
			continue;
		L->remaining++;
		for (int k = 0; k < m->ndeps; k++)
			if (m->deps[k] != i && L->needed[m->deps[k]] &&
			    (r = add_edge(L, m->deps[k], i, true)) < 0)
				goto out;
	}
	/* ...and for its softdeps, in the order libmodprobe loads them, unless that closes a cycle. */
	for (int i = 0; i < ms->n; i++) {
		const struct module *m = &ms->mods[i];

		for (int k = 0; L->needed[i] && k < m->nsoft; k++) {
			int t[64], nt = modset_resolve(ms, m->soft[k].target, t, 64);

			for (int j = 0; j < nt && j < 64; j++) {
				int from = m->soft[k].post ? i : t[j], to = m->soft[k].post ? t[j] : i;

				if (from == to || !L->needed[t[j]] || reaches(L, to, from, seen))
					continue;
				if ((r = add_edge(L, from, to, false)) < 0)
					goto out;
			}
		}
	}
	for (int i = 0; i < ms->n; i++)
		if (L->needed[i] && L->unmet[i] == 0)
			L->ready[L->nready++] = i;
	/* Barrier members that can run together: those waiting for no other member. */
	for (int i = 0; i < ms->n; i++) {
		bool indep = true;

		if (!L->needed[i] || !ms->mods[i].barrier)
			continue;
		for (int k = 0; k < ms->mods[i].ndeps; k++)
			indep &= !ms->mods[ms->mods[i].deps[k]].barrier;
		nb += indep;
	}
	barrier_arm(L, nb);
	if ((r = run_threads(L, eager_worker, th, args)) < 0)
		goto out;
out:
	free(th);
	free(args);
	free(seen);
	return r;
}

int loader_run(const struct modset *ms, const struct loader_opts *opts, loader_event_fn fn, void *userdata,
	       struct loader_summary *ret)
{
	struct loader L = {.ms = ms, .o = opts, .fn = fn, .userdata = userdata};
	struct loader_opts o = *opts;
	struct modplan plan;
	struct module *stub = NULL;
	pthread_condattr_t ca;
	int r = 0;

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

	r = modplan_build(ms, &plan);
	if (r < 0) {
		memset(&plan, 0, sizeof(plan));
		goto out;
	}
	L.plan = &plan;
	L.res = calloc((size_t)ms->n + 1, sizeof(*L.res));
	L.needed = calloc((size_t)ms->n + 1, sizeof(*L.needed));
	L.hard = calloc((size_t)ms->n + 1, sizeof(*L.hard));
	L.order = malloc(sizeof(int) * (size_t)(ms->n + 1));
	L.inflight = calloc((size_t)ms->n + 1, sizeof(*L.inflight));
	L.owner = calloc((size_t)ms->n + 1, sizeof(*L.owner));
	stub = calloc((size_t)plan.nskipped + 1, sizeof(*stub));
	if (!L.res || !L.needed || !L.hard || !L.order || !L.inflight || !L.owner || !stub) {
		r = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < ms->n; i++) {
		L.order[i] = ms->mods[i].load_index >= 0 ? ms->mods[i].load_index : ms->nload + i;
		L.needed[i] = plan.in_plan[i];
	}
	for (int w = 0; w < plan.nwaves; w++)
		for (int t = 0; t < plan.waves[w].ntasks; t++)
			for (int k = 0; k < plan.waves[w].tasks[t].n; k++)
				L.hard[plan.waves[w].tasks[t].e[k].mod] |= !plan.waves[w].tasks[t].e[k].soft;

	/* What the plan leaves out, with its reason: blocklisted is no failure. */
	pthread_mutex_lock(&L.lock);
	for (int k = 0; k < plan.nskipped; k++) {
		const struct modplan_skip *s = &plan.skipped[k];
		struct loader_event e = {.index = s->mod, .why = s->reason};

		e.result = s->kind == MODPLAN_BLOCKED ? MOD_BLOCKED : MOD_SKIPPED;
		if (s->mod < 0) {
			/* a listed name modules.dep does not have: no module to point at */
			stub[k].name = s->module;
			stub[k].path = "";
			stub[k].params = "";
			e.mod = &stub[k];
			if (L.fn)
				L.fn(&e, L.userdata);
			L.sum.skipped++;
			L.plan_fail = true;
			continue;
		}
		e.mod = &ms->mods[s->mod];
		L.plan_fail |= e.result == MOD_SKIPPED;
		record(&L, &e);
	}
	pthread_mutex_unlock(&L.lock);

	r = o.mode == LOADER_EAGER ? run_eager(&L) : run_android(&L);

	/* Whatever is left was never tried: say why. */
	pthread_mutex_lock(&L.lock);
	for (int i = 0; i < ms->n; i++) {
		char why[300] = "stopped after a wave with a failure";
		int d;

		if (!L.needed[i] || finished(&L, i))
			continue;
		if (L.inflight[i]) {
			/* An oops in finit_module kills the calling thread, not the process. */
			record_simple(&L, i, MOD_FAILED, -EINTR, "loader thread died in finit_module");
			continue;
		}
		d = unmet_dep(&L, i);
		if (d >= 0 && finished(&L, d))
			snprintf(why, sizeof(why), "waits for %s, which did not load", ms->mods[d].name);
		else if (o.mode == LOADER_EAGER)
			snprintf(why, sizeof(why), "dependency cycle");
		record_simple(&L, i, MOD_SKIPPED, 0, why);
	}
	pthread_mutex_unlock(&L.lock);
	if (r == 0 && (L.hard_fail || L.plan_fail))
		r = -EIO;
out:
	L.sum.wall_us = sys_now_us() - L.t0;
	if (ret)
		*ret = L.sum;
	free(L.res);
	free(L.needed);
	free(L.hard);
	free(L.order);
	free(L.inflight);
	free(L.owner);
	free(L.torder);
	free(L.ready);
	free(L.unmet);
	if (L.users)
		for (int i = 0; i < ms->n; i++)
			free(L.users[i]);
	free(L.users);
	free(L.nusers);
	free(stub);
	modplan_free(&plan);
	pthread_mutex_destroy(&L.lock);
	pthread_cond_destroy(&L.cond);
	pthread_mutex_destroy(&L.block);
	pthread_cond_destroy(&L.bcond);
	return r;
}
