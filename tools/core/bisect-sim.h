/* SPDX-License-Identifier: MIT */
/*
 * bisect-sim.h - the bisect rules on synthetic histories: the fake runner
 * behind `oopsfarm bisect simulate`, bench/bisect-results.txt and
 * tests/unit/test-bisect.c.  Pure: seeded randomness, no I/O, no clock.
 *
 * A history has commits 0..n: 0 is good, n is bad, the culprit k is drawn
 * uniformly from 1..n.  Each commit 1..n-1 fails to build with probability
 * build_fail (the culprit may be one of them).  A boot is infra with
 * probability infra (costs a boot, is retried, never evidence); otherwise it
 * shows the target with probability rate at commits >= k (0 before), and
 * else another crash title with probability other (a pass for the rules
 * that read titles, a "bad" for syzkaller's any-crash rule).
 *
 * Trial t of seed s draws the same history and the same boot stream for
 * every rule, so the rules are compared on the same histories.
 *
 * The rules (names as printed):
 * - "oopsfarm": the Bayesian posterior (core/bisect.h), information per
 *   unit cost with builds costed, batches up to 256 boots;
 * - "entropy-greedy": the same posterior, one boot at a time, the commit of
 *   most expected information, builds not costed (BBChop);
 * - "git-retry": binary search; a commit is bad at its first target crash
 *   in up to N boots, good after N passes;
 * - "syzkaller": binary search; N boots at each commit, bad when any boot
 *   crashed with any title;
 * - "git-measured": git-retry as a user can run it, who does not know the
 *   rate: the bad end is booted until the target shows GIT_MEASURED_CRASHES
 *   times, and N is n/10 times the boots per crash seen there (n is in
 *   tenths, so that min-n can tune it finely).
 * All start by checking the bad end with their own test (the Bayesian ones:
 * boot it until the target shows end_crashes times, up to end_budget boots)
 * and trust the good end (vouched).
 * measured > 0 gives oopsfarm's rule that many boots of the bad end measured
 * before the bisect, not counted in its cost, as `oopsfarm bisect --measured
 * CRASHES/BOOTS` takes the campaign run that found the crash: evidence at
 * the bad end (their crashes from a stream of their own, so the boot stream
 * stays the same).  With many of them the rule knows the rate about as well
 * as the fixed rules' N, tuned on these trials, does.
 * An answer is a range (lo, hi] whose inner commits do not build; it is
 * right when the culprit is in it.  No answer (the bad end did not show the
 * crash) is wrong.
 */
#ifndef OOPSFARM_BISECT_SIM_H
#define OOPSFARM_BISECT_SIM_H

#include <stdint.h>

/* git-measured's bad-end check: target crashes that measure the rate */
#define GIT_MEASURED_CRASHES 3

enum bisect_rule {
	RULE_OOPSFARM,
	RULE_GIT_RETRY,
	RULE_SYZKALLER,
	RULE_ENTROPY_GREEDY,
	RULE_GIT_MEASURED,
	NRULES
};

/* "oopsfarm", "git-retry", ...; NULL out of range */
const char *bisect_rule_name(enum bisect_rule r);
/* the rule named name, or -1 */
int bisect_rule_find(const char *name);

struct bisect_sim_params {
	int commits;	   /* n >= 1 */
	double rate;	   /* target crash rate at and after the culprit, (0, 1] */
	double build_cost; /* one build, in boots */
	double build_fail; /* fraction of commits 1..n-1 that do not build */
	double infra;	   /* fraction of boots lost to infra */
	double other;	   /* fraction of boots showing another title */
	double confidence; /* the Bayesian rules stop here */
	int trials;
	uint64_t seed;
	int end_budget;		 /* the Bayesian rules' bad-end check: boots before giving up */
	int end_crashes;	 /* ... and target crashes it must show (BISECT_END_CRASHES) */
	long max_boots;		 /* per trial; the rule's answer so far when reached */
	double prior_a, prior_b; /* the Bayesian rules' Beta prior on the rate */
	int boards;		 /* the Bayesian rules boot in rounds of this many, as
				  * `oopsfarm bisect --boards K` does (0 or 1: one) */
	int measured;		 /* oopsfarm's rule: bad-end boots measured beforehand (0: none) */
};

/* 1,000 commits, rate 0.129, confidence 0.95, 1000 trials, seed 1, no builds cost,
 * end budget 2000, BISECT_END_CRASHES, max boots 10^6, the default prior. */
void bisect_sim_params_default(struct bisect_sim_params *p);

struct bisect_sim_result {
	enum bisect_rule rule;
	int n; /* boots per commit of a fixed rule; 0 for the Bayesian ones */
	int trials, right;
	double accuracy;    /* right / trials */
	double accuracy_lo; /* its one-sided 95% lower bound (Clopper-Pearson) */
	double accuracy_hi; /* its one-sided 95% upper bound */
	double mean_boots, p90_boots;
	double mean_builds, p90_builds;
	double mean_cost, p90_cost;	/* boots + build_cost x builds */
	double mean_rounds, p90_rounds; /* rounds of boards boots (= boots attempted with one) */
};

/*
 * Runs the trials of rule r (n: boots per commit of a fixed rule, ignored by
 * the others) into *ret.  Returns 0, -EINVAL (bad parameters) or -ENOMEM.
 */
int bisect_sim_run(const struct bisect_sim_params *p, enum bisect_rule r, int n,
		   struct bisect_sim_result *ret);

/*
 * The smallest n (1..max_n) with which the fixed rule r meets the
 * confidence (bisect_sim_meets) on these trials, into *ret.  Returns 0,
 * -ERANGE when max_n does not (ret holds max_n's figures), -EINVAL or -ENOMEM.
 */
int bisect_sim_min_n(const struct bisect_sim_params *p, enum bisect_rule r, int max_n,
		     struct bisect_sim_result *ret);

/*
 * The smallest n (1..max_n) with which the fixed rule r is right on at
 * least the fraction accuracy of these trials: the fixed rule at another
 * rule's accuracy on the same seeded histories (a paired comparison at
 * equal accuracy).  Returns as bisect_sim_min_n().
 */
int bisect_sim_min_n_matching(const struct bisect_sim_params *p, enum bisect_rule r, int max_n,
			      double accuracy, struct bisect_sim_result *ret);

/* One-sided lower confidence bound (Clopper-Pearson) of k successes in n at level conf. */
double bisect_binom_lower(int k, int n, double conf);

/*
 * The rule meets confidence conf: the trials do not show its accuracy below
 * conf, i.e. the one-sided 95% upper bound of the accuracy is at least conf
 * (a one-sided binomial test at 5%).  A rule whose answers are right with
 * probability exactly conf passes 95% of the time; the lower bound is
 * printed too (accuracy_lo >= conf: shown to be at least conf).
 */
int bisect_sim_meets(const struct bisect_sim_result *r, double conf);

#endif
