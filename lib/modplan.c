// SPDX-License-Identifier: MIT
/*
 * modplan.c - libmodprobe's parallel waves, computed ahead, see modplan.h.
 *
 * The plan is what the loop would do if every finit_module succeeded: a
 * failure can only stop it early (android mode stops after the wave), so
 * the real run is always a prefix of the plan.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modplan.h"

struct planner {
	const struct modset *ms;
	struct modplan *p;
	bool *done;   /* loaded by an earlier wave (or a sequential one of this round) */
	int *mark;    /* == task: already in the task being built */
	int *entered; /* task length + 1 when m's expansion began, 0: not in one */
	int task;
	struct modplan_task *t;
	int err; /* -ENOMEM seen */
};

static void warnf(struct planner *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(struct planner *P, const char *fmt, ...)
{
	struct modplan *p = P->p;
	char msg[512], **w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (int i = 0; i < p->nwarnings; i++)
		if (!strcmp(p->warnings[i], msg))
			return;
	w = realloc(p->warnings, sizeof(*w) * (size_t)(p->nwarnings + 1));
	if (!w || !(w[p->nwarnings] = strdup(msg))) {
		if (w)
			p->warnings = w;
		P->err = -ENOMEM;
		return;
	}
	p->warnings = w;
	p->nwarnings++;
}

static void skip(struct planner *P, const char *name, int mod, enum modplan_skip_kind kind, const char *fmt,
		 ...) __attribute__((format(printf, 5, 6)));
static void skip(struct planner *P, const char *name, int mod, enum modplan_skip_kind kind, const char *fmt,
		 ...)
{
	struct modplan *p = P->p;
	struct modplan_skip *s;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s = realloc(p->skipped, sizeof(*s) * (size_t)(p->nskipped + 1));
	if (!s) {
		P->err = -ENOMEM;
		return;
	}
	p->skipped = s;
	s += p->nskipped;
	s->module = strdup(name);
	s->reason = strdup(msg);
	s->mod = mod;
	s->kind = kind;
	if (!s->module || !s->reason) {
		free(s->module);
		free(s->reason);
		P->err = -ENOMEM;
		return;
	}
	p->nskipped++;
}

static void task_add(struct planner *P, int m, bool soft)
{
	struct modplan_entry *e = realloc(P->t->e, sizeof(*e) * (size_t)(P->t->n + 1));

	if (!e) {
		P->err = -ENOMEM;
		return;
	}
	P->t->e = e;
	e[P->t->n++] = (struct modplan_entry){.mod = m, .soft = soft};
	P->mark[m] = P->task;
}

static int expand(struct planner *P, int m, bool soft);
static bool looping(struct planner *P, int m);

/* A softdep target: every module it resolves to, by name; failures ignored. */
static void expand_soft(struct planner *P, int subj, const char *target)
{
	const struct modset *ms = P->ms;
	int c[64], n = modset_resolve(ms, target, c, 64);

	if (n == 0)
		warnf(P, "softdep '%s' of %s: not in modules.dep, ignored", target, ms->mods[subj].name);
	for (int k = 0; k < n && k < 64; k++) {
		if (ms->mods[c[k]].blocklisted) {
			warnf(P, "softdep '%s' of %s: %s is in modules.blocklist, ignored", target,
			      ms->mods[subj].name, ms->mods[c[k]].name);
			continue;
		}
		if (looping(P, c[k])) {
			warnf(P, "softdep '%s' of %s: a cycle back to %s, ignored", target,
			      ms->mods[subj].name, ms->mods[c[k]].name);
			continue;
		}
		if (expand(P, c[k], true) < 0)
			warnf(P, "softdep '%s' of %s: %s cannot load (its dependencies), ignored", target,
			      ms->mods[subj].name, ms->mods[c[k]].name);
	}
}

/*
 * libmodprobe has no cycle check: entering m again from inside its own
 * expansion terminates only if something loaded in between (the inner
 * call then sees more loaded); otherwise it would recurse forever.
 */
static bool looping(struct planner *P, int m)
{
	return P->entered[m] && P->entered[m] - 1 == P->t->n;
}

/* insmod-with-deps: appends m, what it needs and its softdeps to the task. */
static int expand(struct planner *P, int m, bool soft)
{
	const struct module *mod = &P->ms->mods[m];
	int outer = P->entered[m];

	if (P->done[m] || P->mark[m] == P->task)
		return 0;
	if (!mod->in_dep || mod->blocklisted || looping(P, m))
		return -1;
	P->entered[m] = P->t->n + 1;
	for (int k = mod->ndeps - 1; k >= 0; k--) {
		if (mod->deps[k] == m)
			continue;
		if (expand(P, mod->deps[k], soft) < 0) {
			P->entered[m] = outer;
			return -1;
		}
	}
	for (int k = 0; k < mod->nsoft; k++)
		if (!mod->soft[k].post)
			expand_soft(P, m, mod->soft[k].target);
	task_add(P, m, soft);
	for (int k = 0; k < mod->nsoft; k++)
		if (mod->soft[k].post)
			expand_soft(P, m, mod->soft[k].target);
	P->entered[m] = outer;
	return 0;
}

/* Builds the task of candidate c; returns it empty when nothing is to load. */
static struct modplan_task build_task(struct planner *P, int c)
{
	struct modplan_task t = {0};

	P->task++;
	P->t = &t;
	expand(P, c, false);
	P->t = NULL;
	return t;
}

static int add_wave(struct planner *P, struct modplan_task *tasks, int ntasks, bool seq)
{
	struct modplan *p = P->p;
	struct modplan_wave *w = realloc(p->waves, sizeof(*w) * (size_t)(p->nwaves + 1));

	if (!w)
		return -ENOMEM;
	p->waves = w;
	w[p->nwaves++] = (struct modplan_wave){.tasks = tasks, .ntasks = ntasks, .sequential = seq};
	for (int k = 0; k < ntasks; k++)
		for (int j = 0; j < tasks[k].n; j++)
			p->in_plan[tasks[k].e[j].mod] = true;
	return 0;
}

/*
 * The first module in m's hard closure that cannot load (blocklisted or
 * not in modules.dep), or -1.  seen[] marks visited modules.
 */
static int hard_problem(const struct modset *ms, int m, char *seen)
{
	if (seen[m])
		return -1;
	seen[m] = 1;
	if (!ms->mods[m].in_dep || ms->mods[m].blocklisted)
		return m;
	for (int k = 0; k < ms->mods[m].ndeps; k++) {
		int r = hard_problem(ms, ms->mods[m].deps[k], seen);

		if (r >= 0)
			return r;
	}
	return -1;
}

static int by_name(const void *a, const void *b, void *ms)
{
	const struct modset *s = ms;

	return strcmp(s->mods[*(const int *)a].name, s->mods[*(const int *)b].name);
}

struct pend {
	int self;
	int *v; /* [self, deps...] not loaded yet */
	int n;
};

static void hash_str(uint64_t *h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s;; p++) {
		*h = (*h ^ *p) * 0x100000001b3ull;
		if (!*p)
			break;
	}
}

static void plan_hash(const struct modset *ms, struct modplan *p)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (int w = 0; w < p->nwaves; w++) {
		hash_str(&h, "wave");
		for (int t = 0; t < p->waves[w].ntasks; t++) {
			hash_str(&h, "task");
			for (int k = 0; k < p->waves[w].tasks[t].n; k++) {
				const struct module *m = &ms->mods[p->waves[w].tasks[t].e[k].mod];

				hash_str(&h, m->name);
				hash_str(&h, m->params);
				hash_str(&h, m->sequential ? "seq" : "");
			}
		}
	}
	p->hash = h;
}

int modplan_build(const struct modset *ms, struct modplan *p)
{
	struct planner P = {.ms = ms, .p = p};
	struct pend *pend = NULL;
	int npend = 0, *cand = NULL, r = 0, ndone = 0;
	char *seen = NULL;

	memset(p, 0, sizeof(*p));
	p->n = ms->n;
	p->in_plan = calloc((size_t)ms->n + 1, sizeof(bool));
	P.done = calloc((size_t)ms->n + 1, sizeof(bool));
	P.entered = calloc((size_t)ms->n + 1, sizeof(int));
	P.mark = calloc((size_t)ms->n + 1, sizeof(int));
	pend = calloc((size_t)ms->nload + 1, sizeof(*pend));
	cand = malloc(sizeof(int) * ((size_t)ms->nload + 1));
	seen = malloc((size_t)ms->n + 1);
	if (!p->in_plan || !P.done || !P.entered || !P.mark || !pend || !cand || !seen) {
		r = -ENOMEM;
		goto out;
	}

	for (int k = 0; k < ms->unknown; k++)
		skip(&P, ms->unknown_names[k], -1, MODPLAN_MISSING, "not in modules.dep");
	for (int k = 0; k < ms->nload; k++) {
		int i = ms->load[k], bad;

		memset(seen, 0, (size_t)ms->n);
		bad = hard_problem(ms, i, seen);
		if (bad == i) {
			skip(&P, ms->mods[i].name, i, MODPLAN_BLOCKED, "in modules.blocklist");
		} else if (bad >= 0 && ms->mods[bad].blocklisted) {
			skip(&P, ms->mods[i].name, i, MODPLAN_BLOCKED,
			     "needs %s, which is in modules.blocklist", ms->mods[bad].name);
		} else if (bad >= 0) {
			skip(&P, ms->mods[i].name, i, MODPLAN_MISSING,
			     "needs %s, which is not in modules.dep", ms->mods[bad].name);
		} else {
			struct pend *e = &pend[npend++];

			e->self = i;
			e->v = malloc(sizeof(int) * (size_t)(ms->mods[i].ndeps + 1));
			if (!e->v) {
				r = -ENOMEM;
				goto out;
			}
			e->v[e->n++] = i;
			for (int d = 0; d < ms->mods[i].ndeps; d++)
				if (ms->mods[i].deps[d] != i)
					e->v[e->n++] = ms->mods[i].deps[d];
		}
	}
	/* libmodprobe keeps them in a std::map: by name, duplicates gone. */
	qsort_r(pend, (size_t)npend, sizeof(*pend), by_name, (void *)ms);

	while (npend > 0) {
		int ncand = 0, before = ndone;

		for (int k = 0; k < npend; k++) {
			int c = pend[k].v[pend[k].n - 1];
			bool dup = false;

			if (ms->mods[c].sequential) {
				struct modplan_task t = build_task(&P, c), *tp;

				if (!t.n)
					continue;
				tp = malloc(sizeof(*tp));
				if (tp)
					*tp = t;
				if (!tp || add_wave(&P, tp, 1, true) < 0) {
					free(tp);
					free(t.e);
					r = -ENOMEM;
					goto out;
				}
				for (int j = 0; j < t.n; j++)
					P.done[t.e[j].mod] = true;
				continue;
			}
			for (int j = 0; j < ncand; j++)
				dup |= cand[j] == c;
			if (!dup)
				cand[ncand++] = c;
		}
		if (ncand > 0) {
			struct modplan_task *tasks = calloc((size_t)ncand, sizeof(*tasks));
			int nt = 0;

			if (!tasks) {
				r = -ENOMEM;
				goto out;
			}
			/* Workers pop from the back: the last candidate starts first. */
			for (int j = ncand - 1; j >= 0; j--) {
				struct modplan_task t = build_task(&P, cand[j]);

				if (t.n)
					tasks[nt++] = t;
			}
			if (nt == 0) {
				free(tasks);
			} else {
				if (add_wave(&P, tasks, nt, false) < 0) {
					for (int j = 0; j < nt; j++)
						free(tasks[j].e);
					free(tasks);
					r = -ENOMEM;
					goto out;
				}
				for (int j = 0; j < nt; j++)
					for (int k = 0; k < tasks[j].n; k++)
						P.done[tasks[j].e[k].mod] = true;
			}
		}
		if (P.err) {
			r = P.err;
			goto out;
		}
		/* Drop what is loaded, from every list and from the pending map. */
		ndone = 0;
		for (int i = 0; i < ms->n; i++)
			ndone += P.done[i];
		int np = 0;
		for (int k = 0; k < npend; k++) {
			struct pend *e = &pend[k];
			int n = 0;

			for (int j = 0; j < e->n; j++)
				if (!P.done[e->v[j]])
					e->v[n++] = e->v[j];
			e->n = n;
			if (P.done[e->self])
				free(e->v);
			else
				pend[np++] = *e;
		}
		npend = np;
		if (ndone == before && npend > 0) {
			/* Nothing moved: what is left waits for itself. */
			for (int k = 0; k < npend; k++) {
				int c = pend[k].v[pend[k].n - 1];

				skip(&P, ms->mods[pend[k].self].name, pend[k].self, MODPLAN_CYCLE,
				     "dependency cycle through %s", ms->mods[c].name);
				free(pend[k].v);
			}
			npend = 0;
		}
	}
	r = P.err;
	plan_hash(ms, p);
out:
	for (int k = 0; k < npend; k++)
		free(pend[k].v);
	free(pend);
	free(cand);
	free(seen);
	free(P.done);
	free(P.entered);
	free(P.mark);
	if (r < 0)
		modplan_free(p);
	return r;
}

void modplan_free(struct modplan *p)
{
	if (!p)
		return;
	for (int w = 0; w < p->nwaves; w++) {
		for (int t = 0; t < p->waves[w].ntasks; t++)
			free(p->waves[w].tasks[t].e);
		free(p->waves[w].tasks);
	}
	free(p->waves);
	for (int k = 0; k < p->nskipped; k++) {
		free(p->skipped[k].module);
		free(p->skipped[k].reason);
	}
	free(p->skipped);
	for (int k = 0; k < p->nwarnings; k++)
		free(p->warnings[k]);
	free(p->warnings);
	free(p->in_plan);
	memset(p, 0, sizeof(*p));
}

int modplan_warn_absent(struct modplan *p, const struct modset *ms)
{
	struct planner P = {.ms = ms, .p = p};
	int n = 0;

	for (int i = 0; i < ms->n && i < p->n; i++) {
		char path[4096];
		int fd;

		if (!p->in_plan[i])
			continue;
		modset_module_path(ms, &ms->mods[i], path, sizeof(path));
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		warnf(&P, "%s: cannot open '%s': %s (planned from the metadata)", ms->mods[i].name, path,
		      strerror(errno));
		n++;
	}
	return P.err ? P.err : n;
}

void modplan_hash_hex(const struct modplan *p, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)p->hash);
}

int modplan_entries(const struct modplan *p)
{
	int n = 0;

	for (int w = 0; w < p->nwaves; w++)
		for (int t = 0; t < p->waves[w].ntasks; t++)
			n += p->waves[w].tasks[t].n;
	return n;
}
