// SPDX-License-Identifier: MIT
/*
 * test-bisect: the Bayesian bisect model against a brute-force posterior
 * (table), its answers, errors and step choice, and the four rules on
 * synthetic histories with flaky, infra, other-title and broken ranges
 * (core/bisect-sim.h: the fake runner).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/bisect-sim.h"
#include "core/bisect.h"
#include "tap.h"

#define N 8

struct ev {
	int commit;
	unsigned boots, crashes; /* boots 0: a build failure */
};

struct post_case {
	const char *name;
	double a, b, eps;
	struct ev ev[6];
	int nev;
};

static const struct post_case post_cases[] = {
    {"no evidence", 1, 1, 0, {{0}}, 0},
    {"bad end crashed", 1, 1, 0, {{N, 3, 1}}, 1},
    {"passes at 3, crash at 8", 1, 1, 0, {{N, 4, 2}, {3, 10, 0}}, 2},
    {"crash at 5 excludes 6..8", 0.1, 1, 0, {{N, 4, 2}, {5, 2, 1}, {4, 6, 0}}, 3},
    {"background: crash at 2", 1, 1, 0.02, {{N, 4, 2}, {2, 5, 1}, {6, 5, 2}}, 3},
    {"skipped commit 4", 0.5, 2, 0, {{N, 4, 2}, {4, 0, 0}, {3, 20, 0}, {5, 3, 3}}, 4},
    {"many boots", 0.1, 1, 0.001, {{N, 400, 50}, {1, 300, 0}, {7, 200, 30}, {6, 100, 0}}, 4},
};

/* The posterior straight from the formula in bisect.h, commit by commit. */
static void brute(const struct post_case *pc, double *post)
{
	unsigned f[N + 1] = {0}, s[N + 1] = {0};
	double max = -INFINITY, z = 0;

	for (int e = 0; e < pc->nev; e++) {
		f[pc->ev[e].commit] += pc->ev[e].crashes;
		s[pc->ev[e].commit] += pc->ev[e].boots - pc->ev[e].crashes;
	}
	for (int k = 1; k <= N; k++) {
		double F = 0, S = 0, l = 0;

		for (int i = 1; i < k; i++) {
			if (f[i])
				l += pc->eps > 0 ? f[i] * log(pc->eps) : -INFINITY;
			l += s[i] * log1p(-pc->eps);
		}
		for (int i = k; i <= N; i++) {
			F += f[i];
			S += s[i];
		}
		l += lgamma(pc->a + F) + lgamma(pc->b + S) - lgamma(pc->a + pc->b + F + S) -
		     (lgamma(pc->a) + lgamma(pc->b) - lgamma(pc->a + pc->b));
		post[k] = l;
		if (l > max)
			max = l;
	}
	for (int k = 1; k <= N; k++)
		z += post[k] = exp(post[k] - max);
	for (int k = 1; k <= N; k++)
		post[k] /= z;
}

static void test_posterior(void)
{
	for (size_t i = 0; i < sizeof(post_cases) / sizeof(post_cases[0]); i++) {
		const struct post_case *pc = &post_cases[i];
		struct bisect_prior pr = {pc->a, pc->b, pc->eps};
		struct bisect *b;
		double want[N + 1], err = 0, sum = 0;

		if (bisect_new(N, &pr, &b) < 0) {
			ok(0, "posterior %s: bisect_new", pc->name);
			continue;
		}
		for (int e = 0; e < pc->nev; e++)
			if (pc->ev[e].boots)
				bisect_add(b, pc->ev[e].commit, pc->ev[e].boots, pc->ev[e].crashes);
			else
				bisect_skip(b, pc->ev[e].commit);
		brute(pc, want);
		for (int k = 1; k <= N; k++) {
			err = fmax(err, fabs(bisect_prob(b, k) - want[k]));
			sum += bisect_prob(b, k);
		}
		ok(err < 1e-9 && fabs(sum - 1) < 1e-9, "posterior %s: matches the formula (max error %.2g)",
		   pc->name, err);
		bisect_free(b);
	}
}

/*
 * bisect_new_measured: the bad end's measured boots are evidence at n, and so
 * give the posterior over k that the default prior updated by them gives.
 */
static void test_measured(void)
{
	static const struct {
		unsigned boots, crashes;
		struct ev ev[3];
		int nev;
	} cases[] = {
	    {0, 0, {{N, 5, 1}, {3, 10, 0}}, 2},
	    {132, 9, {{N, 5, 1}, {3, 10, 0}}, 2},
	    {1000, 129, {{N, 8, 1}, {4, 20, 0}, {6, 3, 1}}, 3},
	    {10, 0, {{N, 30, 2}, {2, 5, 0}}, 2},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bisect_prior pr;
		struct bisect *m, *b;
		double err = 0;

		bisect_prior_default(&pr);
		pr.a += cases[i].crashes;
		pr.b += cases[i].boots - cases[i].crashes;
		if (bisect_new_measured(N, NULL, cases[i].boots, cases[i].crashes, &m) < 0 ||
		    bisect_new(N, &pr, &b) < 0) {
			ok(0, "measured %u/%u: models", cases[i].crashes, cases[i].boots);
			continue;
		}
		for (int e = 0; e < cases[i].nev; e++) {
			bisect_add(m, cases[i].ev[e].commit, cases[i].ev[e].boots, cases[i].ev[e].crashes);
			bisect_add(b, cases[i].ev[e].commit, cases[i].ev[e].boots, cases[i].ev[e].crashes);
		}
		for (int k = 1; k <= N; k++)
			err = fmax(err, fabs(bisect_prob(m, k) - bisect_prob(b, k)));
		ok(err < 1e-9 && bisect_commit(m, N)->boots == cases[i].boots + cases[i].ev[0].boots,
		   "measured %u/%u: the posterior of a prior updated by them (max error %.2g), "
		   "counted at the bad end",
		   cases[i].crashes, cases[i].boots, err);
		bisect_free(m);
		bisect_free(b);
	}
	{
		struct bisect *m = NULL;

		ok(bisect_new_measured(N, NULL, 3, 4, &m) == -EINVAL && !m,
		   "measured: more crashes than boots: -EINVAL");
	}
}

static void test_answer_and_errors(void)
{
	struct bisect_prior pr;
	struct bisect *b;
	int lo, hi;
	bool ans;
	double m;

	bisect_prior_default(&pr);
	ok_int(bisect_new(0, &pr, &b), -EINVAL, "no commits: -EINVAL");
	pr.eps = 1;
	ok_int(bisect_new(4, &pr, &b), -EINVAL, "background rate 1: -EINVAL");
	bisect_prior_default(&pr);
	if (bisect_new(N, &pr, &b) < 0)
		return;
	ok_int(bisect_add(b, 3, 1, 2), -EINVAL, "more crashes than boots: -EINVAL");
	ok_int(bisect_add(b, N + 1, 1, 0), -EINVAL, "commit past the bad end: -EINVAL");
	ok_int(bisect_skip(b, N), -EINVAL, "the bad end cannot be skipped");
	ok(!bisect_answer(b, 0.95, &lo, &hi, &m), "no evidence: no answer");
	bisect_add(b, N, 5, 2);
	bisect_add(b, 5, 1, 1);
	ok_int(bisect_skip(b, 5), -EINVAL, "a booted commit cannot be skipped");
	bisect_skip(b, 4);
	ok_int(bisect_add(b, 4, 1, 0), -EINVAL, "boots at a skipped commit: -EINVAL");
	bisect_add(b, 3, 60, 0);
	ans = bisect_answer(b, 0.95, &lo, &hi, &m);
	ok(ans && lo == 3 && hi == 5,
	   "4 does not build, 3 passes 60 times, 5 crashes: the answer is (3,5] (got (%d,%d] at %.3f)", lo,
	   hi, m);
	ok(!bisect_answer(b, 0.9999, NULL, NULL, NULL), "not at 0.9999");
	ok(fabs(bisect_prob(b, 4) - bisect_prob(b, 5)) < 1e-12,
	   "a skipped commit shares its range's evidence");
	bisect_free(b);

	/* the good end's boots say nothing on k */
	bisect_new(N, &pr, &b);
	bisect_add(b, N, 3, 1);
	m = bisect_prob(b, 1);
	bisect_add(b, 0, 50, 0);
	ok(fabs(bisect_prob(b, 1) - m) < 1e-12, "good-end boots do not move the posterior");
	bisect_free(b);
}

static void test_choose(void)
{
	struct bisect_prior pr;
	struct bisect_costs co = {.build = 0, .max_batch = 64};
	struct bisect_step st;
	struct bisect *b;
	int r;

	bisect_prior_default(&pr);
	bisect_new(1, &pr, &b);
	bisect_add(b, 1, 2, 1);
	ok_int(bisect_choose(b, &co, &st), -ENOENT, "one commit: nothing to choose");
	bisect_free(b);

	bisect_new(64, &pr, &b);
	bisect_add(b, 64, 10, 3);
	r = bisect_choose(b, &co, &st);
	ok(r == 0 && st.commit >= 16 && st.commit <= 48 && st.boots >= 1,
	   "free builds: a commit in the middle half (%d x%d)", st.commit, st.boots);
	/* with dear builds a commit already built is worth more */
	bisect_built(b, 20);
	co.build = 1000;
	r = bisect_choose(b, &co, &st);
	ok(r == 0 && st.commit == 20, "dear builds: the built commit (got %d)", st.commit);
	co.build = 0;
	for (int i = 1; i < 64; i++)
		if (i != 20)
			bisect_skip(b, i);
	r = bisect_choose(b, &co, &st);
	ok(r == 0 && st.commit == 20, "the only buildable commit (got %d)", st.commit);
	bisect_free(b);
}

/* --boards K: steps in rounds of K, priced in rounds (bisect.h) */
static const struct boards_case {
	int K;
	double build;
} boards_cases[] = {
    {0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 10}, {8, 10}, {8, 60}, {64, 60},
};

static void test_boards(void)
{
	struct bisect_prior pr;
	struct bisect_step one, st;
	struct bisect *b;

	bisect_prior_default(&pr);
	bisect_new(100, &pr, &b);
	bisect_add(b, 100, 12, 2);
	bisect_add(b, 60, 10, 0);
	for (size_t i = 0; i < sizeof(boards_cases) / sizeof(boards_cases[0]); i++) {
		const struct boards_case *bc = &boards_cases[i];
		struct bisect_costs co = {.build = bc->build, .max_batch = 256, .boards = bc->K};
		struct bisect_costs co1 = {.build = bc->build, .max_batch = 256, .boards = 1};
		int K = bc->K > 1 ? bc->K : 1;

		ok(bisect_choose(b, &co1, &one) == 0 && bisect_choose(b, &co, &st) == 0,
		   "K=%d build %g: a step", bc->K, bc->build);
		ok(st.boots >= K && st.boots % K == 0, "K=%d build %g: %d boots, a multiple of K", bc->K,
		   bc->build, st.boots);
		/* rounds: never more than boots / K, plus the build when not built */
		ok(st.cost <= (double)st.boots / K + bc->build + 1e-9, "K=%d build %g: cost %.2f in rounds",
		   bc->K, bc->build, st.cost);
		if (K == 1)
			ok(st.commit == one.commit && st.boots == one.boots,
			   "K=%d: the one-board step (%d x%d)", bc->K, st.commit, st.boots);
		else
			ok(st.boots >= one.boots, "K=%d build %g: at least the one-board batch (%d >= %d)",
			   bc->K, bc->build, st.boots, one.boots);
	}
	bisect_free(b);
}

/* the simulator with K boards: what `bisect --boards K` saves in wall time */
static void test_sim_boards(void)
{
	struct bisect_sim_params p;
	struct bisect_sim_result one, two, four;

	bisect_sim_params_default(&p);
	p.commits = 13;
	p.rate = 0.25;
	p.build_cost = 21;
	p.trials = 300;
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &one);
	p.boards = 2;
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &two);
	p.boards = 4;
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &four);
	ok(one.mean_rounds == one.mean_boots, "one board: a round is a boot (%.1f)", one.mean_rounds);
	ok(two.mean_rounds < 0.7 * one.mean_rounds && two.mean_rounds >= two.mean_boots / 2,
	   "two boards: %.1f rounds for %.1f boots, against %.1f with one", two.mean_rounds, two.mean_boots,
	   one.mean_rounds);
	ok(four.mean_rounds < two.mean_rounds && four.mean_rounds >= four.mean_boots / 4,
	   "four boards: %.1f rounds for %.1f boots", four.mean_rounds, four.mean_boots);
	ok(bisect_sim_meets(&two, 0.95) && bisect_sim_meets(&four, 0.95),
	   "two and four boards still meet 0.95 (%.3f, %.3f)", two.accuracy, four.accuracy);
}

static void test_binom(void)
{
	ok(bisect_binom_lower(0, 100, 0.95) == 0, "lower bound of 0/100 is 0");
	ok(fabs(bisect_binom_lower(100, 100, 0.95) - pow(0.05, 0.01)) < 1e-9,
	   "lower bound of 100/100 is 0.05^(1/100)");
	/* P(X >= 90 | q) at the bound is 5% */
	{
		double q = bisect_binom_lower(90, 100, 0.95), t = 0;

		for (int i = 90; i <= 100; i++)
			t += exp(lgamma(101) - lgamma(i + 1) - lgamma(101 - i) + i * log(q) +
				 (100 - i) * log1p(-q));
		ok(fabs(t - 0.05) < 1e-6 && q > 0.83 && q < 0.86,
		   "lower bound of 90/100 (%.4f) leaves 5%% above", q);
	}
}

static void test_sim(void)
{
	struct bisect_sim_params p;
	struct bisect_sim_result r1, r2, r, less_measured;
	int err;

	bisect_sim_params_default(&p);
	p.commits = 100;
	p.trials = 200;
	p.rate = 1;
	for (int rule = 0; rule < NRULES; rule++) {
		err = bisect_sim_run(&p, rule, 1, &r);

		ok(err == 0 && r.right == r.trials, "a deterministic crash: %s is always right (%d/%d)",
		   bisect_rule_name(rule), r.right, r.trials);
	}
	err = bisect_sim_min_n(&p, RULE_GIT_RETRY, 64, &r);
	ok(err == 0 && r.n == 1, "a deterministic crash: git needs N = 1");

	/* (at 100 commits, 20% and 5-10% broken the rule measures 0.92 over these
	 * trials, below 0.95: open, see doc/bisect.md; not asserted here) */
	p.rate = 0.2;
	p.build_fail = 0.1;
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &r1);
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &r2);
	ok(!memcmp(&r1, &r2, sizeof(r1)), "same seed, same figures");
	err = bisect_sim_run(&p, RULE_GIT_RETRY, 1, &r);
	ok(err == 0 && r.accuracy < 0.5, "flaky: plain git bisect is mostly wrong (%.3f)", r.accuracy);
	/* git with retries at the Bayesian rule's accuracy, on the same histories */
	err = bisect_sim_min_n_matching(&p, RULE_GIT_RETRY, 256, r1.accuracy, &r);
	ok(err == 0 && r.accuracy >= r1.accuracy && r.n > 1,
	   "equal accuracy: git needs N = %d for %.3f (>= %.3f)", r.n, r.accuracy, r1.accuracy);
	{
		struct bisect_sim_result less;

		bisect_sim_run(&p, RULE_GIT_RETRY, r.n - 1, &less);
		ok(less.accuracy < r1.accuracy, "... and N = %d falls short (%.3f)", r.n - 1, less.accuracy);
	}

	p.infra = 0.3;
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &r2);
	/* infra is never evidence: the accuracy stays within the other's bounds */
	ok(r2.accuracy_hi >= r1.accuracy && r2.accuracy_lo <= r1.accuracy && r2.mean_boots > r1.mean_boots,
	   "30%% infra boots: the same accuracy (%.3f vs %.3f), more boots (%.0f > %.0f)", r2.accuracy,
	   r1.accuracy, r2.mean_boots, r1.mean_boots);
	p.infra = 0;

	p.other = 0.2;
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &r2);
	bisect_sim_run(&p, RULE_SYZKALLER, 20, &r);
	ok(r2.accuracy_hi >= r1.accuracy && r.accuracy < 0.5,
	   "another title in 20%% of boots: oopsfarm as accurate as without (%.3f), any-crash-is-bad is not "
	   "(%.3f)",
	   r2.accuracy, r.accuracy);
	p.other = 0;

	p.seed = 7;
	p.build_cost = 60;
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &r1);
	bisect_sim_run(&p, RULE_ENTROPY_GREEDY, 0, &r2);
	ok(r1.mean_builds < r2.mean_builds && r1.mean_cost < r2.mean_cost,
	   "build cost 60: oopsfarm builds less (%.1f < %.1f) and costs less (%.0f < %.0f) than "
	   "entropy-greedy",
	   r1.mean_builds, r2.mean_builds, r1.mean_cost, r2.mean_cost);
	/* the rate measured before: fewer boots, the same histories and accuracy bound */
	p.seed = 1;
	p.build_cost = 0;
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &r1);
	p.measured = 10000;
	bisect_sim_run(&p, RULE_OOPSFARM, 0, &r2);
	bisect_sim_run(&p, RULE_GIT_RETRY, 10, &r);
	ok(r2.mean_boots < r1.mean_boots && bisect_sim_meets(&r2, p.confidence),
	   "--measured 10000: fewer boots (%.1f < %.1f), still meets %.2f (%.3f)", r2.mean_boots,
	   r1.mean_boots, p.confidence, r2.accuracy);
	p.measured = 0;
	bisect_sim_run(&p, RULE_GIT_RETRY, 10, &less_measured);
	ok(!memcmp(&r, &less_measured, sizeof(r)), "--measured is oopsfarm's alone: git-retry unchanged");
	ok_int(bisect_rule_find("syzkaller"), RULE_SYZKALLER, "rule names");
	ok_int(bisect_rule_find("nope"), -1, "unknown rule");
	p.commits = 0;
	ok_int(bisect_sim_run(&p, RULE_OOPSFARM, 0, &r), -EINVAL, "no commits: -EINVAL");
}

int main(void)
{
	test_posterior();
	test_measured();
	test_answer_and_errors();
	test_choose();
	test_boards();
	test_sim_boards();
	test_binom();
	test_sim();
	return tap_done();
}
