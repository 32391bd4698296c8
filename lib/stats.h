/* SPDX-License-Identifier: MIT */
/*
 * stats.h - the statistics behind oopsfarm's answers.
 *
 * Crash rates are binomial proportions: k boots of n hit the target crash.
 * Infra errors never enter n (callers leave them out).  Every function is
 * pure and exact where it can be; see doc/statistics.md for the formulas.
 */
#ifndef OOPSFARM_STATS_H
#define OOPSFARM_STATS_H

/*
 * Wilson score interval for k successes in n trials at normal quantile z
 * (1.959964 for 95%).  n == 0 gives [0, 1].
 */
void stats_wilson(unsigned k, unsigned n, double z, double *ret_lo, double *ret_hi);

/*
 * Two-sided Fisher exact test on the 2x2 table
 *   a b   (variant A: crashed, did not)
 *   c d   (variant B: crashed, did not)
 * Returns the p-value: the summed probability of all tables with the same
 * margins that are no more likely than the one observed.
 */
double stats_fisher_exact(unsigned a, unsigned b, unsigned c, unsigned d);

/*
 * Smallest crash rate p that would have shown at least k+1 crashes in n
 * boots with probability conf, i.e. the one-sided Clopper-Pearson upper
 * bound.  For k == 0 this is 1 - (1 - conf)^(1/n): "if the crash were still
 * there at p or more, we would have seen it with probability conf".
 */
double stats_upper_bound(unsigned k, unsigned n, double conf);

/*
 * One-sided Fisher exact test on the same 2x2 table: the probability,
 * with the margins fixed, of a table with a or more in the top-left cell,
 * i.e. that variant (or night) A crashes this much more often than B by
 * chance alone.  The upper tail of the hypergeometric distribution.
 */
double stats_fisher_greater(unsigned a, unsigned b, unsigned c, unsigned d);

/*
 * P(X >= k) for X ~ Binomial(n, p): the one-sided binomial test of "the
 * rate is at most p" after k successes in n trials.
 */
double stats_binom_at_least(unsigned k, unsigned n, double p);

/*
 * Benjamini-Hochberg: the adjusted p-values (q-values) of the n p-values
 * p[] into ret_q[] (may be p itself).  Rejecting every hypothesis with
 * q <= level keeps the expected share of false discoveries among the
 * rejections at or below level, for independent or positively dependent
 * tests; when every hypothesis is true it is the chance of any rejection.
 * q_(i) = min over j >= i of p_(j) n / j, p sorted ascending, capped at 1.
 * Returns 0, or -1 when out of memory (ret_q untouched).
 */
int stats_bh_adjust(const double *p, unsigned n, double *ret_q);

/* Normal quantile for a two-sided confidence level (0.95 -> 1.959964). */
double stats_z(double conf);

/*
 * Wald's sequential probability ratio test (SPRT) for Bernoulli
 * observations, H0: p = p0 against H1: p = p1.  Each observation adds its
 * log-likelihood ratio log(L1/L0) to llr; the test accepts H1 when llr
 * reaches log((1-beta)/alpha) and H0 when it falls to log(beta/(1-alpha)).
 * The bounds hold whenever the test stops (that is what it is built for),
 * so stopping at the first crossing is valid; Wald's bounds are slightly
 * conservative: the real error rates are at most alpha/(1-beta) and
 * beta/(1-alpha), and usually below alpha and beta.
 */
enum sprt_decision {
	SPRT_CONTINUE = 0,
	SPRT_H0 = -1, /* accept H0 */
	SPRT_H1 = 1,  /* accept H1 */
};

struct sprt {
	double p0, p1; /* Bernoulli parameter under H0 and H1 */
	double lo, hi; /* log bounds: accept H0 at <= lo, H1 at >= hi */
	double llr;
	unsigned n;	    /* observations so far */
	unsigned n_decided; /* observations when it decided (0: not yet) */
	enum sprt_decision decision;
};

void stats_sprt_init(struct sprt *s, double p0, double p1, double alpha, double beta);

/* Adds one observation (x: 1 success, 0 failure); returns the decision,
 * which stays fixed once made (later observations still count in n). */
enum sprt_decision stats_sprt_add(struct sprt *s, int x);

/*
 * Fixed-N designs at the same error rates, to compare a sequential test
 * with: the smallest n (and acceptance number c) such that "at most c
 * successes in n" has P <= alpha under p0 and P >= 1 - beta under p1
 * (p1 < p0).  Returns n, or 0 when above max_n.
 */
unsigned stats_fixed_n_below(double p0, double p1, double alpha, double beta, unsigned max_n,
			     unsigned *ret_c);

#endif
