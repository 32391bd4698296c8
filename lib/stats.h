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

/* Normal quantile for a two-sided confidence level (0.95 -> 1.959964). */
double stats_z(double conf);

#endif
