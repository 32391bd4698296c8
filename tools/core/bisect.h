/* SPDX-License-Identifier: MIT */
/*
 * bisect.h - Bayesian bisection of a flaky crash: the model and the choice
 * of the next step.  Pure: no I/O, no clock, no randomness (doc/bisect.md).
 *
 * Commits are numbered 0..n in history order: 0 is the good end, n the bad
 * end, and the culprit k is one of 1..n, the first commit whose boots show
 * the target at some rate p > 0.  Before k a boot shows it at the stated
 * background rate eps (0: never).  The prior on k is uniform over 1..n; p
 * has a Beta(a, b) prior and is integrated out, never plugged in:
 *
 *   L(k) = prod_{i<k} eps^f_i (1-eps)^(s_i)  x  B(a + F_k, b + S_k) / B(a, b)
 *
 * where f_i / s_i are the target / other boots at commit i and F_k / S_k
 * their sums over the commits i >= k.  Only infra-free boots enter; a boot
 * whose crash has another title is an s (it did not show the target).  A
 * commit that fails to build is marked skipped: it keeps its prior mass and
 * gets no evidence (git bisect's exit 125).  Between two booted commits the
 * likelihood is the same for every k, so the posterior is kept as segments
 * (t_{i-1}, t_i] ending at the booted commits: O(booted commits) per update
 * whatever n is.
 *
 * The answer is a range of commits: a segment whose commits other than its
 * booted end are all known not to build (usually just one commit).  The
 * bisect is decided when one such range holds at least the confidence.
 *
 * The step rule (bisect_choose) is expected information per unit cost: for
 * each candidate commit j and batch size m it computes the expected drop in
 * the posterior's entropy from "boot j up to m times, stop at the first
 * target crash", divided by the expected boots plus the build cost when j is
 * not built yet, and takes the best.  The rate in that look-ahead is the
 * posterior mean of p (the posterior itself stays integrated).  Why this
 * rule and not a deeper lookahead: doc/bisect.md.
 */
#ifndef OOPSFARM_BISECT_H
#define OOPSFARM_BISECT_H

#include <stdbool.h>

struct bisect;

struct bisect_prior {
	double a, b; /* Beta(a, b) on the crash rate p; a, b > 0 */
	double eps;  /* background rate before the culprit, [0, 1) */
};

/*
 * The default prior on p, Beta(0.1, 1): density ~ p^-0.9, close to
 * log-uniform, so a crash in 1 boot of 100 is about as plausible a priori
 * as 1 in 10.  Beta(1, 1) puts most of its mass on high rates and makes a
 * few passes look like strong evidence; on the simulator's 1%..13% rows
 * its accuracy fell to 0.88..0.93 at --confidence 0.95 (doc/bisect.md).
 */
#define BISECT_PRIOR_A 0.1
#define BISECT_PRIOR_B 1.0
/* The bad-end check: the target must show this many times (it pins p). */
#define BISECT_END_CRASHES 1
/* bisect_costs.rate_crashes of the oopsfarm rule */
#define BISECT_RATE_CRASHES 3

/* Beta(BISECT_PRIOR_A, BISECT_PRIOR_B), no background. */
void bisect_prior_default(struct bisect_prior *pr);

/*
 * A bisect over commits 0..n (n >= 1) into *ret.  Returns 0, -EINVAL (n < 1
 * or a prior out of range) or -ENOMEM.  Free with bisect_free().
 */
int bisect_new(int n, const struct bisect_prior *pr, struct bisect **ret);
void bisect_free(struct bisect *b);

/*
 * A bisect that starts with the bad end's boots measured before it (e.g. the
 * campaign run that found the crash: measured_boots, of which
 * measured_crashes showed the target) as evidence at commit n; pr NULL: the
 * default prior.  Since every culprit k <= n, boots at n weigh on p alone:
 * the posterior over k is the one the Beta prior updated by them,
 * Beta(a + crashes, b + boots - crashes), gives.  The one way the driver,
 * `oopsfarm report` and the simulator start.  0, -EINVAL (crashes > boots,
 * or as bisect_new) or -ENOMEM.
 */
int bisect_new_measured(int n, const struct bisect_prior *pr, unsigned measured_boots,
			unsigned measured_crashes, struct bisect **ret);
int bisect_ncommits(const struct bisect *b);

/*
 * Evidence.  commit is 0..n; boots counts infra-free boots, crashes those
 * that showed the target (crashes <= boots).  Boots of the good end (0) say
 * nothing on k and are only kept for the end check.  Returns 0 or -EINVAL
 * (out of range, or a commit marked skipped).
 */
int bisect_add(struct bisect *b, int commit, unsigned boots, unsigned crashes);
/* The commit does not build: 0, or -EINVAL (out of range, the bad end, or booted). */
int bisect_skip(struct bisect *b, int commit);
/* The commit was built (its build cost is paid); 0 or -EINVAL. */
int bisect_built(struct bisect *b, int commit);

/* per-commit state, for reports and the driver */
struct bisect_commit {
	unsigned boots, crashes;
	bool built, skipped;
};
/* Commit i's evidence; i must be 0..n. */
const struct bisect_commit *bisect_commit(const struct bisect *b, int i);

/* Posterior probability that commit i (1..n) is the culprit; 0 outside. */
double bisect_prob(const struct bisect *b, int i);

/* Posterior mean of p. */
double bisect_rate_mean(const struct bisect *b);

/*
 * The most probable answer range (lo, hi] (commits lo+1..hi) and its mass.
 * Returns true when it is an answer: a range that cannot be narrowed (one
 * commit, or its others do not build) holding at least conf.
 */
bool bisect_answer(const struct bisect *b, double conf, int *ret_lo, int *ret_hi, double *ret_mass);

/* The posterior's entropy in nats (over commits). */
double bisect_entropy(const struct bisect *b);

/* What a step costs and may do. */
struct bisect_costs {
	double build;	    /* one build, in boots (0: free) */
	int max_batch;	    /* the most boots planned at one commit (>= 1) */
	bool ignore_builds; /* plan as if builds were free (the BBChop rule) */
	int rate_crashes;   /* target crashes wanted at and after the leading range
			     * once it holds half the mass, to pin p (0: none) */
	int boards;	    /* boards booting at once (0 or 1: one).  With K > 1 a
			     * step boots in rounds of K at its commit and stops
			     * after the first round that shows the target; batches
			     * are multiples of K and cost is counted in rounds
			     * (one round: one boot's wall time), build in rounds too */
};

struct bisect_step {
	int commit;  /* 1..n: boot this one (build it first when not built) */
	int boots;   /* up to this many, stopping at the first target crash
		      * (with K boards: a multiple of K, stopping after the
		      * first round of K that shows it) */
	double gain; /* expected nats gained */
	double cost; /* expected boots (rounds with K boards) + build cost */
};

/*
 * The next step: the (commit, batch) of highest expected information per
 * unit cost (per round of c->boards boots when K > 1).  Returns 0, or -ENOENT when no commit is left to learn
 * from (every candidate is skipped and the bad end has no boots).
 */
int bisect_choose(const struct bisect *b, const struct bisect_costs *c, struct bisect_step *ret);

#endif
