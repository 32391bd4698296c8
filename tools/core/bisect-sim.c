// SPDX-License-Identifier: MIT
/*
 * bisect-sim.c - the bisect rules against a fake runner on synthetic
 * histories (bisect-sim.h).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/bisect.h"
#include "core/bisect-sim.h"

static const char *const rule_names[NRULES] = {
    [RULE_OOPSFARM] = "oopsfarm",	  [RULE_GIT_RETRY] = "git-retry",
    [RULE_SYZKALLER] = "syzkaller",	  [RULE_ENTROPY_GREEDY] = "entropy-greedy",
    [RULE_GIT_MEASURED] = "git-measured",
};

const char *bisect_rule_name(enum bisect_rule r)
{
	return (unsigned)r < NRULES ? rule_names[r] : NULL;
}

int bisect_rule_find(const char *name)
{
	for (int r = 0; r < NRULES; r++)
		if (!strcmp(name, rule_names[r]))
			return r;
	return -1;
}

void bisect_sim_params_default(struct bisect_sim_params *p)
{
	memset(p, 0, sizeof(*p));
	p->commits = 1000;
	p->rate = 0.129;
	p->confidence = 0.95;
	p->trials = 1000;
	p->seed = 1;
	p->end_budget = 2000;
	p->end_crashes = BISECT_END_CRASHES;
	p->max_boots = 1000000;
	p->prior_a = BISECT_PRIOR_A;
	p->prior_b = BISECT_PRIOR_B;
}

/* splitmix64: small, seedable, good enough for a simulation */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
	return (rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

enum outcome { OUT_PASS, OUT_TARGET, OUT_OTHER, OUT_INFRA };

/* one trial's history, its boot stream and what a rule spent on it */
struct trial {
	const struct bisect_sim_params *p;
	int culprit;
	bool *nobuild; /* [n + 1] */
	char *built;   /* [n + 1] this rule's builds: 0 not tried, 1 built, 2 failed */
	uint64_t rng;  /* the boots */
	uint64_t mrng; /* the bad end's boots measured before the bisect */
	long boots, builds, rounds;
};

static enum outcome boot(struct trial *t, int commit)
{
	const struct bisect_sim_params *p = t->p;

	t->boots++;
	if (p->infra > 0 && rng_unit(&t->rng) < p->infra)
		return OUT_INFRA;
	if (commit >= t->culprit && rng_unit(&t->rng) < p->rate)
		return OUT_TARGET;
	if (p->other > 0 && rng_unit(&t->rng) < p->other)
		return OUT_OTHER;
	return OUT_PASS;
}

/* Builds commit once; false when it does not build. */
static bool build(struct trial *t, int commit)
{
	if (!t->built[commit]) {
		t->builds++;
		t->built[commit] = t->nobuild[commit] ? 2 : 1;
	}
	return t->built[commit] == 1;
}

static bool over_budget(const struct trial *t)
{
	return t->boots >= t->p->max_boots;
}

/* A fixed rule's test of one commit: 1 bad, 0 good.  Infra boots are retried. */
static int fixed_test(struct trial *t, enum bisect_rule r, int n, int commit)
{
	int bad = 0;

	for (int i = 0; i < n && !over_budget(t);) {
		enum outcome o = boot(t, commit);

		if (o == OUT_INFRA)
			continue;
		i++;
		if (o == OUT_TARGET || (r == RULE_SYZKALLER && o == OUT_OTHER)) {
			bad = 1;
			if (r == RULE_GIT_RETRY)
				break;
		}
	}
	return bad;
}

/* git bisect (with skip) driven by a fixed per-commit test; 1 when right */
static int run_fixed(struct trial *t, enum bisect_rule r, int n)
{
	int lo = 0, hi = t->p->commits;

	build(t, hi);
	if (r == RULE_GIT_MEASURED) {
		/* measure the rate at the bad end, then git-retry with N from it */
		int boots = 0, crashes = 0;

		while (boots < t->p->end_budget && crashes < GIT_MEASURED_CRASHES && !over_budget(t)) {
			enum outcome o = boot(t, hi);

			if (o == OUT_INFRA)
				continue;
			boots++;
			crashes += o == OUT_TARGET;
		}
		if (!crashes)
			return 0;
		n = (int)ceil(n / 10.0 * boots / crashes);
		r = RULE_GIT_RETRY;
	} else if (!fixed_test(t, r, n, hi)) {
		return 0;
	}
	while (hi - lo > 1 && !over_budget(t)) {
		int mid = lo + (hi - lo) / 2, j = -1;

		/* git bisect skip: the next candidate nearest to the middle */
		for (int d = 0; d < hi - lo && j < 0; d++) {
			if (mid + d < hi && build(t, mid + d))
				j = mid + d;
			else if (d && mid - d > lo && build(t, mid - d))
				j = mid - d;
		}
		if (j < 0)
			break;
		if (fixed_test(t, r, n, j))
			hi = j;
		else
			lo = j;
	}
	return lo < t->culprit && t->culprit <= hi;
}

static int run_bayes(struct trial *t, enum bisect_rule r)
{
	const struct bisect_sim_params *p = t->p;
	struct bisect_prior pr;
	struct bisect_costs co = {
	    .build = p->build_cost, .max_batch = 256, .rate_crashes = BISECT_RATE_CRASHES};
	struct bisect *b;
	int lo, hi, seen = 0, ret, K = r == RULE_OOPSFARM && p->boards > 1 ? p->boards : 1;
	unsigned measured = r == RULE_OOPSFARM ? (unsigned)p->measured : 0, crashes = 0;

	if (r == RULE_ENTROPY_GREEDY) {
		co.max_batch = 1;
		co.ignore_builds = true;
		co.rate_crashes = 0;
	}
	bisect_prior_default(&pr);
	pr.a = p->prior_a;
	pr.b = p->prior_b;
	/* oopsfarm's: the campaign run that found the crash, evidence, not cost */
	for (unsigned i = 0; i < measured; i++)
		crashes += rng_unit(&t->mrng) < p->rate;
	if (bisect_new_measured(p->commits, &pr, measured, crashes, &b) < 0)
		return -ENOMEM;
	co.boards = K;
	/* the bad end must show the target (this build of it: measured or not) */
	build(t, p->commits);
	for (int i = 0; i < p->end_budget && seen < p->end_crashes && !over_budget(t);) {
		t->rounds++;
		for (int k = 0; k < K && i < p->end_budget; k++) {
			enum outcome o = boot(t, p->commits);

			if (o == OUT_INFRA)
				continue;
			i++;
			seen += o == OUT_TARGET;
			bisect_add(b, p->commits, 1, o == OUT_TARGET);
		}
	}
	if (!seen) {
		bisect_free(b);
		return 0;
	}
	while (!bisect_answer(b, p->confidence, NULL, NULL, NULL) && !over_budget(t)) {
		struct bisect_step st;

		if (bisect_choose(b, &co, &st) < 0)
			break;
		if (!build(t, st.commit)) {
			bisect_skip(b, st.commit);
			continue;
		}
		bisect_built(b, st.commit);
		/* rounds of K, stopping after the first that shows the target
		 * (infra boots are booted again in the next round) */
		for (int i = 0; i < st.boots && !over_budget(t);) {
			bool hit = false;

			t->rounds++;
			for (int k = 0, n = st.boots - i < K ? st.boots - i : K; k < n; k++) {
				enum outcome o = boot(t, st.commit);

				if (o == OUT_INFRA)
					continue;
				i++;
				bisect_add(b, st.commit, 1, o == OUT_TARGET);
				hit |= o == OUT_TARGET;
			}
			if (hit || bisect_answer(b, p->confidence, NULL, NULL, NULL))
				break;
		}
	}
	bisect_answer(b, p->confidence, &lo, &hi, NULL);
	ret = lo < t->culprit && t->culprit <= hi;
	bisect_free(b);
	return ret;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double p90(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(int)ceil(0.9 * n) - 1];
}

int bisect_sim_run(const struct bisect_sim_params *p, enum bisect_rule r, int n,
		   struct bisect_sim_result *ret)
{
	struct trial t = {.p = p};
	double *boots, *builds, *cost, *rounds;
	struct bisect_sim_result res = {.rule = r, .trials = p->trials};
	int err = 0;

	if (p->commits < 1 || !(p->rate > 0 && p->rate <= 1) || p->trials < 1 || (unsigned)r >= NRULES ||
	    !(p->confidence > 0 && p->confidence < 1) || p->build_fail < 0 || p->build_fail >= 1 ||
	    p->infra < 0 || p->infra >= 1 || p->other < 0 || p->other >= 1 || p->build_cost < 0 ||
	    p->boards < 0 || p->measured < 0 ||
	    ((r == RULE_GIT_RETRY || r == RULE_SYZKALLER || r == RULE_GIT_MEASURED) && n < 1))
		return -EINVAL;
	res.n = r == RULE_GIT_RETRY || r == RULE_SYZKALLER || r == RULE_GIT_MEASURED ? n : 0;
	t.nobuild = calloc(p->commits + 1, sizeof(bool));
	t.built = calloc(p->commits + 1, 1);
	boots = calloc(p->trials, sizeof(double));
	builds = calloc(p->trials, sizeof(double));
	cost = calloc(p->trials, sizeof(double));
	rounds = calloc(p->trials, sizeof(double));
	if (!t.nobuild || !t.built || !boots || !builds || !cost || !rounds) {
		err = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < p->trials; i++) {
		uint64_t h = p->seed * 0x2545f4914f6cdd1dULL + (uint64_t)i;
		int right;

		/* the history: culprit and build failures from one stream */
		t.culprit = 1 + (int)(rng_next(&h) % (uint64_t)p->commits);
		for (int c = 1; c < p->commits; c++)
			t.nobuild[c] = rng_unit(&h) < p->build_fail;
		memset(t.built, 0, p->commits + 1);
		t.rng = rng_next(&h);
		t.mrng = t.rng ^ 0x6a09e667f3bcc909ULL;
		t.boots = t.builds = t.rounds = 0;
		right =
		    r == RULE_OOPSFARM || r == RULE_ENTROPY_GREEDY ? run_bayes(&t, r) : run_fixed(&t, r, n);
		if (right < 0) {
			err = right;
			goto out;
		}
		res.right += right;
		boots[i] = t.boots;
		builds[i] = t.builds;
		cost[i] = t.boots + p->build_cost * t.builds;
		/* the fixed rules boot one at a time: a round is a boot */
		rounds[i] = r == RULE_OOPSFARM || r == RULE_ENTROPY_GREEDY ? t.rounds : t.boots;
		res.mean_rounds += rounds[i] / p->trials;
		res.mean_boots += boots[i] / p->trials;
		res.mean_builds += builds[i] / p->trials;
		res.mean_cost += cost[i] / p->trials;
	}
	res.p90_boots = p90(boots, p->trials);
	res.p90_builds = p90(builds, p->trials);
	res.p90_cost = p90(cost, p->trials);
	res.p90_rounds = p90(rounds, p->trials);
	res.accuracy = (double)res.right / p->trials;
	res.accuracy_lo = bisect_binom_lower(res.right, p->trials, 0.95);
	res.accuracy_hi = 1 - bisect_binom_lower(p->trials - res.right, p->trials, 0.95);
	*ret = res;
out:
	free(t.nobuild);
	free(t.built);
	free(boots);
	free(builds);
	free(cost);
	free(rounds);
	return err;
}

int bisect_sim_meets(const struct bisect_sim_result *r, double conf)
{
	return r->accuracy_hi >= conf;
}

/*
 * Runs rule r with n into *res: 1 when it is accurate enough, 0 not, -errno.
 * Enough: at least min_accuracy right on these trials when that is > 0,
 * else it meets the confidence (bisect_sim_meets).
 */
static int try_n(const struct bisect_sim_params *p, enum bisect_rule r, int n, double min_accuracy,
		 struct bisect_sim_result *res)
{
	int err = bisect_sim_run(p, r, n, res);

	if (err < 0)
		return err;
	return min_accuracy > 0 ? res->accuracy >= min_accuracy : bisect_sim_meets(res, p->confidence);
}

static int min_n(const struct bisect_sim_params *p, enum bisect_rule r, int max_n, double min_accuracy,
		 struct bisect_sim_result *ret)
{
	struct bisect_sim_result res, good;
	int lo = 0, hi = 0, k;

	/* double until it meets, then halve the gap: accuracy grows with n
	 * (not strictly on a finite set of trials, hence "smallest found") */
	for (int n = 1;; n = n * 2 > max_n && n < max_n ? max_n : n * 2) {
		k = try_n(p, r, n, min_accuracy, &res);
		if (k < 0)
			return k;
		if (k) {
			hi = n;
			good = res;
			break;
		}
		lo = n;
		if (n >= max_n) {
			*ret = res;
			return -ERANGE;
		}
	}
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;

		k = try_n(p, r, mid, min_accuracy, &res);
		if (k < 0)
			return k;
		if (k) {
			hi = mid;
			good = res;
		} else {
			lo = mid;
		}
	}
	*ret = good;
	return 0;
}

int bisect_sim_min_n(const struct bisect_sim_params *p, enum bisect_rule r, int max_n,
		     struct bisect_sim_result *ret)
{
	return min_n(p, r, max_n, 0, ret);
}

int bisect_sim_min_n_matching(const struct bisect_sim_params *p, enum bisect_rule r, int max_n,
			      double accuracy, struct bisect_sim_result *ret)
{
	return min_n(p, r, max_n, accuracy > 0 ? accuracy : 1e-9, ret);
}

/* P(X >= k) for X ~ Binomial(n, q) */
static double binom_tail(int k, int n, double q)
{
	double s = 0;

	if (k <= 0)
		return 1;
	if (q <= 0)
		return 0;
	if (q >= 1)
		return 1;
	for (int i = k; i <= n; i++)
		s +=
		    exp(lgamma(n + 1) - lgamma(i + 1) - lgamma(n - i + 1) + i * log(q) + (n - i) * log1p(-q));
	return s;
}

double bisect_binom_lower(int k, int n, double conf)
{
	double lo = 0, hi = 1;

	if (k <= 0 || n <= 0)
		return 0;
	/* the q at which seeing k or more has probability 1 - conf */
	for (int i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2;

		if (binom_tail(k, n, mid) < 1 - conf)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}
