// SPDX-License-Identifier: MIT
/*
 * seq-sim: boots to a decision of oopsfarm's sequential rule (tools/core/sequential.c,
 * the code `oopsfarm run --until` runs), by simulation, against the
 * fixed-N test with the same error rates.  Prints numbers; asserts nothing.
 *
 *   seq-sim [RUNS]   (default 20000 simulated campaigns per scenario)
 *
 * compare: pairs of boots (control, treatment) with true rates pC, pT; the
 * fixed-N comparator is the smallest n per arm for which a one-sided
 * Fisher exact test at level alpha has power 1 - beta at pT = ratio x pC
 * (exact enumeration).  below: treatment boots with true rate p; the
 * comparator is stats_fixed_n_below().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sequential.h"
#include "stats.h"

/* xorshift64*: fast, reproducible */
static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static double lchoose(int n, int k)
{
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
}

/* one-sided Fisher p: P(control crashes >= a | margins), the hypergeometric tail */
static double fisher_greater(int a, int n1, int c, int n2)
{
	int k = a + c, lo = k > n2 ? k - n2 : 0, hi = k < n1 ? k : n1;
	double den = lchoose(n1 + n2, k), p = 0;

	for (int x = a; x <= hi; x++)
		if (x >= lo)
			p += exp(lchoose(n1, x) + lchoose(n2, k - x) - den);
	return p;
}

static double binom_pmf(int k, int n, double p)
{
	if (p <= 0)
		return k == 0;
	return exp(lchoose(n, k) + k * log(p) + (n - k) * log1p(-p));
}

/* power of the one-sided Fisher test with n per arm at (pc, pt), level alpha */
static double fisher_power(int n, double pc, double pt, double alpha)
{
	double power = 0;

	for (int a = 0; a <= n; a++) {
		double pa = binom_pmf(a, n, pc);

		if (pa < 1e-12)
			continue;
		for (int c = 0; c <= n; c++) {
			double pcc = binom_pmf(c, n, pt);

			if (pcc < 1e-12)
				continue;
			if (fisher_greater(a, n, c, n) <= alpha)
				power += pa * pcc;
		}
	}
	return power;
}

static int fisher_fixed_n(double pc, double pt, double alpha, double beta)
{
	int lo = 2, hi = 4000;

	/* power grows with n (near enough for a design); bisection */
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (fisher_power(mid, pc, pt, alpha) >= 1 - beta)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void run(const char *label, const struct campaign_until *u, double pc, double pt, int runs, int cap)
{
	signed char *ctl = malloc(cap), *trt = malloc(cap);
	int *used = malloc(runs * sizeof(int)), h1 = 0, h0 = 0, none = 0;
	double sum = 0;

	for (int r = 0; r < runs; r++) {
		struct seq_state st = {0};
		int b;

		memset(ctl, -1, cap);
		memset(trt, -1, cap);
		/* add boots one pair at a time until the rule decides */
		for (b = 0; b < cap; b++) {
			ctl[b] = uniform() < pc;
			trt[b] = uniform() < pt;
			seq_evaluate(u, ctl, trt, b + 1, &st);
			if (st.sprt.decision != SPRT_CONTINUE)
				break;
		}
		used[r] = b < cap ? b + 1 : cap;
		sum += used[r];
		if (st.sprt.decision == SPRT_H1)
			h1++;
		else if (st.sprt.decision == SPRT_H0)
			h0++;
		else
			none++;
	}
	qsort(used, runs, sizeof(int), cmp_int);
	printf("  %-34s mean %6.1f  median %4d  p90 %4d  | said fixed %5.1f%%  not fixed %5.1f%%  capped "
	       "%4.1f%%\n",
	       label, sum / runs, used[runs / 2], used[runs * 9 / 10], 100.0 * h1 / runs, 100.0 * h0 / runs,
	       100.0 * none / runs);
	free(ctl);
	free(trt);
	free(used);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 20000;
	struct campaign_until cmp = {
	    .test = SEQ_COMPARE,
	    .control = "unpatched-platform",
	    .treatment = "shipped",
	    .ratio = 0.2,
	    .alpha = 0.01,
	    .beta = 0.05,
	    .max_boots = 1000,
	};
	struct campaign_until cmp5 = cmp, below = {
					      .test = SEQ_BELOW,
					      .treatment = "shipped",
					      .rate = 0.01,
					      .ratio = 0.1,
					      .alpha = 0.01,
					      .beta = 0.05,
					      .max_boots = 5000,
					  };
	unsigned c, nd;
	double pc = 0.129;

	cmp5.ratio = 0.1, cmp5.alpha = 0.05, cmp5.beta = 0.1;
	printf("seq-sim: %d simulated campaigns per line (boots per arm; pairs for compare)\n\n", runs);
	for (int k = 0; k < 2; k++) {
		const struct campaign_until *u = k ? &cmp5 : &cmp;
		int nf;

		nd = seq_fixed_n(u, &c);
		nf = fisher_fixed_n(pc, u->ratio * pc, u->alpha, u->beta);
		printf("compare, H1: treatment <= %g x control, alpha %g, beta %g, control at %.1f%%\n",
		       u->ratio, u->alpha, u->beta, 100 * pc);
		printf("  fixed-N: one-sided Fisher needs %d boots per arm; the discordant-pair test %u "
		       "pairs (c = %u)\n",
		       nf, nd, c);
		run("treatment never crashes (0%)", u, pc, 0, runs, u->max_boots);
		run("treatment at the H1 boundary", u, pc, u->ratio * pc, runs, u->max_boots);
		run("treatment = control (H0)", u, pc, pc, runs, u->max_boots);
		printf("\n");
	}
	nd = stats_fixed_n_below(below.rate, below.ratio * below.rate, below.alpha, below.beta, 100000, &c);
	printf("below, H0: treatment >= %g%%, H1: <= %g%%, alpha %g, beta %g\n", 100 * below.rate,
	       100 * below.ratio * below.rate, below.alpha, below.beta);
	printf("  fixed-N: %u boots with at most %u crashes; with 0 allowed: %u\n", nd, c,
	       (unsigned)ceil(log(below.alpha) / log1p(-below.rate)));
	run("treatment never crashes (0%)", &below, 0, 0, runs / 4, below.max_boots);
	run("treatment at 0.1%", &below, 0, 0.001, runs / 4, below.max_boots);
	run("treatment at 1% (H0)", &below, 0, 0.01, runs / 4, below.max_boots);
	return 0;
}
