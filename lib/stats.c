// SPDX-License-Identifier: MIT
/* stats.c - see stats.h. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "stats.h"

void stats_wilson(unsigned k, unsigned n, double z, double *ret_lo, double *ret_hi)
{
	double p, z2, den, centre, half;

	if (n == 0) {
		*ret_lo = 0.0;
		*ret_hi = 1.0;
		return;
	}
	p = (double)k / n;
	z2 = z * z;
	den = 1.0 + z2 / n;
	centre = (p + z2 / (2.0 * n)) / den;
	half = z * sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * (double)n)) / den;
	*ret_lo = centre - half < 0.0 ? 0.0 : centre - half;
	*ret_hi = centre + half > 1.0 ? 1.0 : centre + half;
	/* exact ends: no successes means the lower bound is 0, all means 1 */
	if (k == 0)
		*ret_lo = 0.0;
	if (k == n)
		*ret_hi = 1.0;
}

/* log of the hypergeometric probability of a table with these margins */
static double log_hyper(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return lgamma(a + b + 1.0) + lgamma(c + d + 1.0) + lgamma(a + c + 1.0) + lgamma(b + d + 1.0) -
	       lgamma(a + 1.0) - lgamma(b + 1.0) - lgamma(c + 1.0) - lgamma(d + 1.0) -
	       lgamma(a + b + c + d + 1.0);
}

double stats_fisher_exact(unsigned a, unsigned b, unsigned c, unsigned d)
{
	unsigned r1 = a + b, c1 = a + c, n = a + b + c + d;
	unsigned lo = r1 + c1 > n ? r1 + c1 - n : 0;
	unsigned hi = r1 < c1 ? r1 : c1;
	double obs = log_hyper(a, b, c, d), p = 0.0;

	for (unsigned x = lo; x <= hi; x++) {
		double l = log_hyper(x, r1 - x, c1 - x, n - r1 - c1 + x);

		/* relative tolerance as R's fisher.test, against rounding */
		if (l <= obs + 1e-7 * fabs(obs) + 1e-12)
			p += exp(l);
	}
	return p > 1.0 ? 1.0 : p;
}

/* P(X <= k) for X ~ Binomial(n, p) */
static double binom_cdf(unsigned k, unsigned n, double p)
{
	double s = 0.0;

	if (p <= 0.0)
		return 1.0;
	if (p >= 1.0)
		return k >= n ? 1.0 : 0.0;
	for (unsigned i = 0; i <= k && i <= n; i++)
		s += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) + i * log(p) +
			 (n - i) * log1p(-p));
	return s;
}

double stats_fisher_greater(unsigned a, unsigned b, unsigned c, unsigned d)
{
	unsigned r1 = a + b, c1 = a + c, n = a + b + c + d;
	unsigned hi = r1 < c1 ? r1 : c1;
	double p = 0.0;

	for (unsigned x = a; x <= hi; x++)
		p += exp(log_hyper(x, r1 - x, c1 - x, n - r1 - c1 + x));
	return p > 1.0 ? 1.0 : p;
}

double stats_binom_at_least(unsigned k, unsigned n, double p)
{
	if (k == 0)
		return 1.0;
	if (k > n)
		return 0.0;
	double s = 1.0 - binom_cdf(k - 1, n, p);

	return s < 0.0 ? 0.0 : s;
}

static int bh_cmp(const void *x, const void *y, void *p)
{
	double a = ((const double *)p)[*(const unsigned *)x], b = ((const double *)p)[*(const unsigned *)y];

	return a < b ? -1 : a > b;
}

int stats_bh_adjust(const double *p, unsigned n, double *ret_q)
{
	unsigned *idx = malloc((n ? n : 1) * sizeof(*idx));
	double *q = malloc((n ? n : 1) * sizeof(*q)), run = 1.0;

	if (!idx || !q) {
		free(idx);
		free(q);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), bh_cmp, (void *)p);
	/* from the largest p down: the running minimum keeps q monotone */
	for (unsigned r = n; r > 0; r--) {
		double v = p[idx[r - 1]] * n / r;

		if (v < run)
			run = v;
		q[idx[r - 1]] = run;
	}
	for (unsigned i = 0; i < n; i++)
		ret_q[i] = q[i];
	free(idx);
	free(q);
	return 0;
}

double stats_upper_bound(unsigned k, unsigned n, double conf)
{
	double lo = 0.0, hi = 1.0;

	if (n == 0 || k >= n)
		return 1.0;
	if (k == 0)
		return 1.0 - pow(1.0 - conf, 1.0 / n);
	/* bisection on P(X <= k | p) = 1 - conf; it falls as p grows */
	for (int i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2.0;

		if (binom_cdf(k, n, mid) > 1.0 - conf)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2.0;
}

double stats_z(double conf)
{
	/* inverse of the normal CDF by bisection on erfc: exact enough */
	double lo = 0.0, hi = 10.0, tail = (1.0 - conf) / 2.0;

	for (int i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2.0;

		if (0.5 * erfc(mid / sqrt(2.0)) > tail)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2.0;
}

void stats_sprt_init(struct sprt *s, double p0, double p1, double alpha, double beta)
{
	*s = (struct sprt){.p0 = p0, .p1 = p1};
	s->lo = log(beta / (1 - alpha));
	s->hi = log((1 - beta) / alpha);
}

enum sprt_decision stats_sprt_add(struct sprt *s, int x)
{
	double l1 = x ? s->p1 : 1 - s->p1, l0 = x ? s->p0 : 1 - s->p0;

	s->n++;
	if (s->decision != SPRT_CONTINUE)
		return s->decision;
	/* an observation impossible under one hypothesis decides at once */
	if (l0 <= 0)
		s->llr = INFINITY;
	else if (l1 <= 0)
		s->llr = -INFINITY;
	else
		s->llr += log(l1 / l0);
	if (s->llr >= s->hi)
		s->decision = SPRT_H1;
	else if (s->llr <= s->lo)
		s->decision = SPRT_H0;
	if (s->decision != SPRT_CONTINUE)
		s->n_decided = s->n;
	return s->decision;
}

unsigned stats_fixed_n_below(double p0, double p1, double alpha, double beta, unsigned max_n, unsigned *ret_c)
{
	for (unsigned n = 1; n <= max_n; n++) {
		/* the largest c that keeps the level, then check the power */
		unsigned c = 0;
		bool any = false;

		while (c <= n && binom_cdf(c, n, p0) <= alpha)
			c++, any = true;
		if (!any)
			continue;
		c--;
		if (binom_cdf(c, n, p1) >= 1 - beta) {
			if (ret_c)
				*ret_c = c;
			return n;
		}
	}
	return 0;
}
