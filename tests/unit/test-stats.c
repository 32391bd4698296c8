// SPDX-License-Identifier: MIT
/* test-stats: the statistics against values computed independently (R, scipy). */
#include <math.h>

#include "stats.h"
#include "tap.h"

static bool near(double got, double want, double tol)
{
	return fabs(got - want) <= tol;
}

int main(void)
{
	double lo, hi;

	ok(near(stats_z(0.95), 1.959964, 1e-5), "z for 95%% is 1.959964 (%f)", stats_z(0.95));
	ok(near(stats_z(0.99), 2.575829, 1e-5), "z for 99%% is 2.575829");

	/* by hand: centre 0.132603, half-width 0.035110 -> [0.09749, 0.16771] */
	stats_wilson(45, 350, stats_z(0.95), &lo, &hi);
	ok(near(lo, 0.09749, 2e-4) && near(hi, 0.16771, 2e-4), "wilson 45/350 = [%.4f, %.4f]", lo, hi);
	stats_wilson(0, 350, stats_z(0.95), &lo, &hi);
	ok(lo == 0.0 && near(hi, 0.010862, 1e-4), "wilson 0/350 = [0, %.4f]", hi);
	stats_wilson(5, 240, stats_z(0.95), &lo, &hi);
	ok(near(lo, 0.008937, 2e-4) && near(hi, 0.047843, 2e-4), "wilson 5/240 = [%.4f, %.4f]", lo, hi);
	stats_wilson(0, 0, 1.96, &lo, &hi);
	ok(lo == 0.0 && hi == 1.0, "wilson with no boots is [0, 1]");
	stats_wilson(10, 10, 1.96, &lo, &hi);
	ok(hi == 1.0 && lo > 0.65, "wilson 10/10 ends at 1");

	/* exact sum in Python: 1.2539e-14 */
	ok(stats_fisher_exact(45, 305, 0, 350) < 1e-12, "fisher 45/350 vs 0/350 is tiny (%g)",
	   stats_fisher_exact(45, 305, 0, 350));
	/* exact sum with math.comb in Python: 0.0302816 */
	ok(near(stats_fisher_exact(5, 235, 0, 241), 0.0302816, 1e-6), "fisher 5/240 vs 0/241 = %.5f",
	   stats_fisher_exact(5, 235, 0, 241));
	/* R: fisher.test(matrix(c(3,1,1,3),2)) p = 0.4857 */
	ok(near(stats_fisher_exact(3, 1, 1, 3), 0.48571, 1e-4), "fisher 3,1,1,3 = %.5f",
	   stats_fisher_exact(3, 1, 1, 3));
	ok(near(stats_fisher_exact(0, 10, 0, 10), 1.0, 1e-9), "fisher with no crashes at all is 1");

	/* "0 of 1500, so if present at 0.31% or more we would have seen it with 99%" */
	ok(near(stats_upper_bound(0, 1500, 0.99), 0.003066, 1e-5), "upper bound 0/1500 at 99%% = %.6f",
	   stats_upper_bound(0, 1500, 0.99));
	ok(near(stats_upper_bound(0, 100, 0.95), 0.029513, 1e-5), "rule of three: 0/100 at 95%% = %.4f",
	   stats_upper_bound(0, 100, 0.95));
	/* Clopper-Pearson by bisection on the exact binomial CDF in Python: 0.0616192 */
	ok(near(stats_upper_bound(2, 100, 0.95), 0.0616192, 1e-6), "upper bound 2/100 at 95%% = %.5f",
	   stats_upper_bound(2, 100, 0.95));

	/* SPRT, H0 theta = 0.5 vs H1 theta = 1/11, alpha 0.05, beta 0.1: bounds log(18) = 2.890
	 * and log(0.1/0.95) = -2.251; a 0 adds log((10/11)/0.5) = 0.5978, a 1 adds -1.7047 */
	{
		struct sprt sp;
		int d = 0;

		stats_sprt_init(&sp, 0.5, 1.0 / 11, 0.05, 0.1);
		ok(near(sp.hi, 2.890372, 1e-6) && near(sp.lo, -2.251292, 1e-6), "sprt bounds %.6f %.6f",
		   sp.lo, sp.hi);
		for (int i = 0; i < 4; i++)
			d |= stats_sprt_add(&sp, 0);
		ok(d == SPRT_CONTINUE && near(sp.llr, 4 * 0.597837, 1e-5),
		   "sprt: four 0s do not decide (%.4f)", sp.llr);
		ok(stats_sprt_add(&sp, 0) == SPRT_H1 && sp.n_decided == 5, "sprt: the fifth 0 accepts H1");
		ok(stats_sprt_add(&sp, 1) == SPRT_H1 && sp.n == 6, "sprt: a decision stays made");
		stats_sprt_init(&sp, 0.5, 1.0 / 11, 0.05, 0.1);
		stats_sprt_add(&sp, 1);
		ok(stats_sprt_add(&sp, 1) == SPRT_H0 && sp.n_decided == 2, "sprt: two 1s accept H0");
		stats_sprt_init(&sp, 0.01, 0, 0.01, 0.05);
		ok(stats_sprt_add(&sp, 1) == SPRT_H0,
		   "sprt: a success impossible under H1 accepts H0 at once");
	}
	/* 0.99^n <= 0.01 first at n = 459 (log 0.01 / log 0.99 = 458.2) */
	{
		unsigned c = 99, n = stats_fixed_n_below(0.01, 0, 0.01, 0.05, 2000, &c);

		ok(n == 459 && c == 0, "fixed n for 'below 1%%' at 99%% is 459 with c = 0 (%u, %u)", n, c);
		/* exact sums with math.comb in Python: n = 93, c = 1 */
		n = stats_fixed_n_below(0.05, 0.005, 0.05, 0.1, 2000, &c);
		ok(n == 93 && c == 1,
		   "fixed n for 5%% vs 0.5%% at alpha 5%%, beta 10%% is 93, c = 1 (%u, %u)", n, c);
	}
	/* one-sided Fisher and the binomial tail, exact sums by hand (Python's
	 * math.comb), and Benjamini-Hochberg as R's p.adjust(p, "BH") */
	ok(near(stats_fisher_greater(5, 235, 0, 241), 0.0302816, 1e-6),
	   "fisher greater 5/240 vs 0/241 = %.6f", stats_fisher_greater(5, 235, 0, 241));
	ok(near(stats_fisher_greater(12, 0, 2, 10), 3.36519e-05, 1e-9), "fisher greater 12/12 vs 2/12 = %.4g",
	   stats_fisher_greater(12, 0, 2, 10));
	ok(near(stats_fisher_greater(3, 1, 1, 3), 0.242857, 1e-6), "fisher greater 3,1,1,3 = %.6f",
	   stats_fisher_greater(3, 1, 1, 3));
	ok(near(stats_fisher_greater(1, 3, 3, 1), 0.985714, 1e-6),
	   "fisher greater the other way round = %.6f", stats_fisher_greater(1, 3, 3, 1));
	ok(near(stats_binom_at_least(10, 100, 0.05), 0.0281883, 1e-6), "P(Bin(100,0.05) >= 10) = %.6f",
	   stats_binom_at_least(10, 100, 0.05));
	ok(near(stats_binom_at_least(3, 10, 0.3), 0.617217, 1e-6) && stats_binom_at_least(0, 10, 0.3) == 1.0,
	   "P(Bin(10,0.3) >= 3) = %.6f, >= 0 is 1", stats_binom_at_least(3, 10, 0.3));
	{
		const double p[] = {0.01, 0.04, 0.03, 0.005, 0.2}, want[] = {0.025, 0.05, 0.05, 0.025, 0.2};
		double q[5];
		bool same = stats_bh_adjust(p, 5, q) == 0;

		for (int i = 0; i < 5; i++)
			same = same && near(q[i], want[i], 1e-12);
		ok(same, "BH q-values %g %g %g %g %g", q[0], q[1], q[2], q[3], q[4]);
		ok(stats_bh_adjust(p, 0, q) == 0, "BH of no p-values");
	}
	return tap_done();
}
