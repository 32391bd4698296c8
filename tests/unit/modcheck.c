// SPDX-License-Identifier: MIT
/* modcheck.c - module loads checked by the rules, see modcheck.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-sys.h"
#include "modcheck.h"
#include "tap.h"

#define EV_MAX 4096

static struct {
	char name[128];
	enum mod_result res;
	char why[200];
} ev[EV_MAX];
static int nev;
static char evbuf[300];

static void on_event(const struct loader_event *e, void *ud)
{
	if (nev < EV_MAX) {
		snprintf(ev[nev].name, sizeof(ev[0].name), "%s", e->mod->name);
		ev[nev].res = e->result;
		snprintf(ev[nev].why, sizeof(ev[0].why), "%s", e->why ? e->why : "");
		nev++;
	}
}

const char *modcheck_event(const char *name)
{
	for (int i = 0; i < nev; i++)
		if (!strcmp(ev[i].name, name)) {
			snprintf(evbuf, sizeof(evbuf), "%s%s%s", mod_result_name(ev[i].res),
				 ev[i].why[0] ? " " : "", ev[i].why);
			return evbuf;
		}
	return NULL;
}

int modcheck_plan(const struct modset *ms, const struct modplan *p, const char *what)
{
	char *before = calloc((size_t)ms->n + 1, 1), *intask = calloc((size_t)ms->n + 1, 1);
	int bad = 0;

	for (int w = 0; w < p->nwaves; w++) {
		for (int t = 0; t < p->waves[w].ntasks; t++) {
			const struct modplan_task *tk = &p->waves[w].tasks[t];

			memset(intask, 0, (size_t)ms->n);
			for (int k = 0; k < tk->n; k++) {
				const struct module *m = &ms->mods[tk->e[k].mod];

				if (before[tk->e[k].mod] && bad++ < 5)
					diag("%s: plan loads %s again in wave %d", what, m->name, w + 1);
				for (int d = 0; d < m->ndeps; d++)
					if (m->deps[d] != tk->e[k].mod && !before[m->deps[d]] &&
					    !intask[m->deps[d]] && bad++ < 5)
						diag("%s: plan wave %d task %d: %s before its dependency %s",
						     what, w + 1, t + 1, m->name, ms->mods[m->deps[d]].name);
				intask[tk->e[k].mod] = 1;
			}
		}
		for (int t = 0; t < p->waves[w].ntasks; t++)
			for (int k = 0; k < p->waves[w].tasks[t].n; k++)
				before[p->waves[w].tasks[t].e[k].mod] = 1;
	}
	free(before);
	free(intask);
	return bad;
}

/* A real load of the fake: finit_module or init_module, not the ENOSYS probe. */
static bool is_load(const struct fake_call *c)
{
	return (!strcmp(c->op, "finit_module") || !strcmp(c->op, "init_module")) && c->ret != -ENOSYS;
}

static bool is_ok(int ret)
{
	return ret == 0 || ret == -EEXIST;
}

int modcheck_run(const struct modset *ms, const struct loader_opts *o, const char *what,
		 struct modcheck_result *ret)
{
	struct modcheck_result res = {0};
	struct modplan p;
	char *closure = calloc((size_t)ms->n + 1, 1);
	int *stack = malloc(sizeof(int) * ((size_t)ms->n + 1)), nstack = 0, bad = 0, real_failures = 0;
	bool plan_skips = false;
	int first;

	nev = 0;
	if (modplan_build(ms, &p) < 0) {
		diag("%s: modplan_build failed", what);
		return 1;
	}
	bad += modcheck_plan(ms, &p, what);
	for (int k = 0; k < p.nskipped; k++)
		plan_skips |= p.skipped[k].kind != MODPLAN_BLOCKED;
	first = fake_sys_ncalls();
	res.r = loader_run(ms, o, on_event, NULL, &res.sum);

	/* The closure, computed here from the modset alone. */
	for (int k = 0; k < ms->nload; k++)
		if (!ms->mods[ms->load[k]].blocklisted && !closure[ms->load[k]]) {
			closure[ms->load[k]] = 1;
			stack[nstack++] = ms->load[k];
		}
	while (nstack) {
		const struct module *m = &ms->mods[stack[--nstack]];
		int next[256], nn = 0;

		for (int d = 0; d < m->ndeps && nn < 256; d++)
			next[nn++] = m->deps[d];
		for (int s = 0; s < m->nsoft; s++) {
			int c[64], nc = modset_resolve(ms, m->soft[s].target, c, 64);

			for (int k = 0; k < nc && k < 64 && nn < 256; k++)
				next[nn++] = c[k];
		}
		for (int k = 0; k < nn; k++)
			if (!closure[next[k]] && !ms->mods[next[k]].blocklisted) {
				closure[next[k]] = 1;
				stack[nstack++] = next[k];
			}
	}

	for (int i = first; i < fake_sys_ncalls(); i++) {
		const struct fake_call *c = fake_sys_call(i);
		int m, loads = 0;

		if (!is_load(c))
			continue;
		m = modset_find(ms, c->arg);
		if (m < 0 || !closure[m]) {
			if (bad++ < 5)
				diag("%s: %s loaded, outside the closure of the list", what, c->arg);
			continue;
		}
		real_failures += !is_ok(c->ret);
		for (int j = first; j < fake_sys_ncalls(); j++)
			loads += is_load(fake_sys_call(j)) && !strcmp(fake_sys_call(j)->arg, c->arg);
		if (loads > 1 && bad++ < 5)
			diag("%s: %s loaded %d times", what, c->arg, loads);
		for (int d = 0; d < ms->mods[m].ndeps; d++) {
			const char *dn = ms->mods[ms->mods[m].deps[d]].name;
			bool done = false;

			if (ms->mods[m].deps[d] == m)
				continue;
			for (int j = first; j < fake_sys_ncalls(); j++) {
				const struct fake_call *x = fake_sys_call(j);

				done |= is_load(x) && !strcmp(x->arg, dn) && is_ok(x->ret) &&
					x->end_us <= c->start_us;
			}
			if (!done && bad++ < 5)
				diag("%s: %s started before its dependency %s finished", what, c->arg, dn);
		}
	}

	/* Reported failures are the fake's errors, one for one. */
	for (int i = 0; i < ms->n; i++) {
		bool real = false;
		const char *e = modcheck_event(ms->mods[i].name);

		for (int j = first; j < fake_sys_ncalls(); j++) {
			const struct fake_call *x = fake_sys_call(j);

			real |= is_load(x) && !is_ok(x->ret) && !strcmp(x->arg, ms->mods[i].name);
		}
		if (real != (e && !strncmp(e, "fail", 4)) && bad++ < 5)
			diag("%s: %s: finit_module %s, reported '%s'", what, ms->mods[i].name,
			     real ? "failed" : "did not fail", e ? e : "(nothing)");
	}
	for (int i = 0; i < nev; i++) {
		res.loaded += ev[i].res == MOD_OK || ev[i].res == MOD_EXISTS;
		res.failed_events += ev[i].res == MOD_FAILED;
		res.skipped_events += ev[i].res == MOD_SKIPPED;
		res.blocked_events += ev[i].res == MOD_BLOCKED;
		if ((ev[i].res == MOD_SKIPPED || ev[i].res == MOD_BLOCKED || ev[i].res == MOD_FAILED) &&
		    !ev[i].why[0] && bad++ < 5)
			diag("%s: %s %s without a reason", what, ev[i].name, mod_result_name(ev[i].res));
	}
	if (!real_failures) {
		if (res.skipped_events && !plan_skips && bad++ < 5)
			diag("%s: %d modules skipped with no failure and nothing missing", what,
			     res.skipped_events);
		if ((res.r == 0) == plan_skips && bad++ < 5)
			diag("%s: loader returned %d with no failure (plan skips: %d)", what, res.r,
			     plan_skips);
		for (int k = 0; k < ms->nload; k++) {
			const char *e = modcheck_event(ms->mods[ms->load[k]].name);
			bool kept = true;

			for (int s = 0; s < p.nskipped; s++)
				kept &= p.skipped[s].mod != ms->load[k];
			if (kept && (!e || (strncmp(e, "ok", 2) && strncmp(e, "exists", 6))) && bad++ < 5)
				diag("%s: listed %s did not load: %s", what, ms->mods[ms->load[k]].name,
				     e ? e : "(nothing)");
		}
	}
	modplan_free(&p);
	free(closure);
	free(stack);
	if (ret)
		*ret = res;
	return bad;
}
