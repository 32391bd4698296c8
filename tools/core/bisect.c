// SPDX-License-Identifier: MIT
/*
 * bisect.c - the posterior over the culprit, kept as segments between
 * booted commits, and the information-per-cost step rule (bisect.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/bisect.h"

struct segment {
	int lo, hi;	 /* commits lo+1..hi */
	bool booted_end; /* hi has boots (false: the open tail before any boot of n) */
	int nskipped;	 /* commits lo+1..hi-1 known not to build */
	double mass;	 /* posterior, normalised */
	double rate;	 /* E[p | k in this segment] */
};

struct bisect {
	int n;
	struct bisect_prior pr;
	struct bisect_commit *c; /* [n + 1] */
	int *booted;		 /* commits 1..n with boots, ascending */
	int nbooted;
	int *skipped; /* commits known not to build, ascending */
	int nskipped;
	struct segment *seg; /* [nbooted + 1] */
	int nseg;
	double entropy;
};

void bisect_prior_default(struct bisect_prior *pr)
{
	pr->a = BISECT_PRIOR_A;
	pr->b = BISECT_PRIOR_B;
	pr->eps = 0;
}

static double lbeta(double a, double b)
{
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

static void sorted_insert(int *v, int *nv, int x)
{
	int i = *nv;

	while (i > 0 && v[i - 1] > x) {
		v[i] = v[i - 1];
		i--;
	}
	v[i] = x;
	(*nv)++;
}

/* Rebuilds the segments and their posterior masses from the evidence. */
static void recompute(struct bisect *b)
{
	const struct bisect_prior *pr = &b->pr;
	double *logw = NULL, stack[64];
	int T = b->nbooted, ns = 0, si = 0;
	double F = 0, S = 0, max = -INFINITY, z = 0;

	logw = T + 1 <= 64 ? stack : malloc((T + 1) * sizeof(*logw));
	if (!logw)
		abort(); /* T + 1 doubles: only when memory is gone */

	for (int s = 0; s < T; s++) {
		struct segment *g = &b->seg[ns++];

		g->lo = s ? b->booted[s - 1] : 0;
		g->hi = b->booted[s];
		g->booted_end = true;
	}
	if (!T || b->booted[T - 1] < b->n) {
		struct segment *g = &b->seg[ns++];

		g->lo = T ? b->booted[T - 1] : 0;
		g->hi = b->n;
		g->booted_end = false;
	}
	b->nseg = ns;

	/* the Beta part, from the right: F, S are the counts at commits >= hi of segment s */
	for (int s = ns - 1; s >= 0; s--) {
		struct segment *g = &b->seg[s];

		if (g->booted_end) {
			const struct bisect_commit *c = &b->c[g->hi];

			F += c->crashes;
			S += c->boots - c->crashes;
		}
		logw[s] = log(g->hi - g->lo) + lbeta(pr->a + F, pr->b + S) - lbeta(pr->a, pr->b);
		g->rate = (pr->a + F) / (pr->a + pr->b + F + S);
	}
	/* the background part, from the left: booted commits before segment s */
	{
		double bg = 0;

		for (int s = 0; s < ns; s++) {
			struct segment *g = &b->seg[s];

			logw[s] += bg;
			if (g->booted_end) {
				const struct bisect_commit *c = &b->c[g->hi];

				if (c->crashes)
					bg += pr->eps > 0 ? c->crashes * log(pr->eps) : -INFINITY;
				bg += (c->boots - c->crashes) * log1p(-pr->eps);
			}
			if (logw[s] > max)
				max = logw[s];
		}
	}
	for (int s = 0; s < ns; s++) {
		b->seg[s].mass = isfinite(max) ? exp(logw[s] - max) : 1;
		z += b->seg[s].mass;
	}
	b->entropy = 0;
	for (int s = 0; s < ns; s++) {
		struct segment *g = &b->seg[s];
		int len = g->hi - g->lo;

		g->mass /= z;
		b->entropy -= g->mass > 0 ? g->mass * log(g->mass / len) : 0;
		g->nskipped = 0;
		while (si < b->nskipped && b->skipped[si] <= g->lo)
			si++;
		while (si < b->nskipped && b->skipped[si] < g->hi) {
			g->nskipped++;
			si++;
		}
	}
	if (logw != stack)
		free(logw);
}

int bisect_new(int n, const struct bisect_prior *pr, struct bisect **ret)
{
	struct bisect *b;

	if (n < 1 || !(pr->a > 0) || !(pr->b > 0) || !(pr->eps >= 0 && pr->eps < 1))
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->n = n;
	b->pr = *pr;
	b->c = calloc(n + 1, sizeof(*b->c));
	b->booted = calloc(n + 1, sizeof(int));
	b->skipped = calloc(n + 1, sizeof(int));
	b->seg = calloc(n + 2, sizeof(*b->seg));
	if (!b->c || !b->booted || !b->skipped || !b->seg) {
		bisect_free(b);
		return -ENOMEM;
	}
	recompute(b);
	*ret = b;
	return 0;
}

int bisect_new_measured(int n, const struct bisect_prior *pr, unsigned measured_boots,
			unsigned measured_crashes, struct bisect **ret)
{
	struct bisect_prior def;
	int k;

	if (measured_crashes > measured_boots)
		return -EINVAL;
	if (!pr) {
		bisect_prior_default(&def);
		pr = &def;
	}
	k = bisect_new(n, pr, ret);
	if (k < 0)
		return k;
	if (measured_boots && (k = bisect_add(*ret, n, measured_boots, measured_crashes)) < 0) {
		bisect_free(*ret);
		*ret = NULL;
	}
	return k;
}

void bisect_free(struct bisect *b)
{
	if (!b)
		return;
	free(b->c);
	free(b->booted);
	free(b->skipped);
	free(b->seg);
	free(b);
}

int bisect_ncommits(const struct bisect *b)
{
	return b->n;
}

int bisect_add(struct bisect *b, int commit, unsigned boots, unsigned crashes)
{
	struct bisect_commit *c;

	if (commit < 0 || commit > b->n || crashes > boots)
		return -EINVAL;
	c = &b->c[commit];
	if (c->skipped)
		return -EINVAL;
	if (!boots)
		return 0;
	c->built = true;
	if (commit > 0 && !c->boots)
		sorted_insert(b->booted, &b->nbooted, commit);
	c->boots += boots;
	c->crashes += crashes;
	if (commit > 0)
		recompute(b);
	return 0;
}

int bisect_skip(struct bisect *b, int commit)
{
	struct bisect_commit *c;

	if (commit < 1 || commit >= b->n)
		return -EINVAL;
	c = &b->c[commit];
	if (c->boots)
		return -EINVAL;
	if (c->skipped)
		return 0;
	c->skipped = true;
	c->built = false;
	sorted_insert(b->skipped, &b->nskipped, commit);
	recompute(b);
	return 0;
}

int bisect_built(struct bisect *b, int commit)
{
	if (commit < 0 || commit > b->n || b->c[commit].skipped)
		return -EINVAL;
	b->c[commit].built = true;
	return 0;
}

const struct bisect_commit *bisect_commit(const struct bisect *b, int i)
{
	return &b->c[i];
}

static const struct segment *segment_of(const struct bisect *b, int i)
{
	int lo = 0, hi = b->nseg - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (b->seg[mid].hi < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &b->seg[lo];
}

double bisect_prob(const struct bisect *b, int i)
{
	const struct segment *g;

	if (i < 1 || i > b->n)
		return 0;
	g = segment_of(b, i);
	return g->mass / (g->hi - g->lo);
}

double bisect_rate_mean(const struct bisect *b)
{
	double r = 0;

	for (int s = 0; s < b->nseg; s++)
		r += b->seg[s].mass * b->seg[s].rate;
	return r;
}

double bisect_entropy(const struct bisect *b)
{
	return b->entropy;
}

bool bisect_answer(const struct bisect *b, double conf, int *ret_lo, int *ret_hi, double *ret_mass)
{
	const struct segment *best = NULL;

	for (int s = 0; s < b->nseg; s++)
		if (!best || b->seg[s].mass > best->mass)
			best = &b->seg[s];
	if (ret_lo)
		*ret_lo = best->lo;
	if (ret_hi)
		*ret_hi = best->hi;
	if (ret_mass)
		*ret_mass = best->mass;
	return best->booted_end && best->nskipped == best->hi - best->lo - 1 && best->mass >= conf;
}

/* The look-ahead of one candidate: boot j up to m times, stop at the first
 * target crash.  A = P(k <= j), P1 = sum over k <= j of pi log pi, rate =
 * E[p | k <= j]. */
struct cand {
	int j;
	double A, P1, rate;
};

/* Entropy of pi reweighted by w1 on k <= j, w2 on k > j. */
static double entropy_after(const struct cand *c, double Ptot, double w1, double w2)
{
	double B = 1 - c->A, Z = w1 * c->A + w2 * B, h;

	if (Z <= 0)
		return 0;
	h = (w1 > 0 ? w1 * (c->P1 + c->A * log(w1)) : 0) + (w2 > 0 ? w2 * (Ptot - c->P1 + B * log(w2)) : 0);
	return log(Z) - h / Z;
}

/*
 * Expected rounds of "up to m boots in rounds of K, stop after the first
 * round with a crash" at rate r, q = (1 - r)^m: the sum over rounds of
 * P(no crash before it), (1 - q) / (1 - (1 - r)^K).  With K = 1 that is the
 * expected boots, (1 - q) / r.
 */
static double batch_rounds(double r, double q, int m, int K)
{
	return r > 0 ? (1 - q) / -expm1(K * log1p(-r)) : (double)m / K;
}

static void consider(const struct bisect *b, const struct bisect_costs *co, const struct cand *c, double Ptot,
		     struct bisect_step *best, double *best_score)
{
	double eps = b->pr.eps, build = co->ignore_builds || b->c[c->j].built ? 0 : co->build;
	double l1 = log1p(-c->rate), l2 = log1p(-eps);
	int K = co->boards > 1 ? co->boards : 1, max = (co->max_batch + K - 1) / K * K;

	/* batches of K, 2K, 4K, ... rounds of K boards each, up to max */
	for (int m = K;; m = m * 2 > max && m < max ? max : m * 2) {
		double q1 = exp(m * l1), q2 = exp(m * l2);
		double pnc = c->A * q1 + (1 - c->A) * q2;
		double h =
		    pnc * entropy_after(c, Ptot, q1, q2) + (1 - pnc) * entropy_after(c, Ptot, 1 - q1, 1 - q2);
		double gain = b->entropy - h;
		double cost =
		    c->A * batch_rounds(c->rate, q1, m, K) + (1 - c->A) * batch_rounds(eps, q2, m, K) + build;
		double score = gain / cost;

		if (gain > 1e-12 && score > *best_score) {
			*best_score = score;
			best->commit = c->j;
			best->boots = m;
			best->gain = gain;
			best->cost = cost;
		}
		if (m >= max)
			break;
	}
}

/* The commit nearest to lo + x inside lo+1..hi-1 that is not known to fail its build, or -1. */
static int snap(const struct bisect *b, const struct segment *g, int x)
{
	for (int d = 0; d < g->hi - g->lo; d++) {
		int j = g->lo + x + d;

		if (j > g->lo && j < g->hi && !b->c[j].skipped)
			return j;
		j = g->lo + x - d;
		if (j > g->lo && j < g->hi && !b->c[j].skipped)
			return j;
	}
	return -1;
}

/*
 * Entropy over k gives no value to boots where the target surely shows, yet
 * those pin p, and without them passes just before the culprit stay weak
 * evidence (a tiny p explains them).  So once one range holds half the
 * mass, the commits at and after it first collect rate_crashes crashes: at
 * the lowest commit there that showed the target, until it shows it again.
 */
static bool rate_step(const struct bisect *b, const struct bisect_costs *co, struct bisect_step *ret)
{
	const struct segment *g = NULL;
	unsigned F = 0;
	int bad = -1;

	for (int s = 0; s < b->nseg; s++)
		if (!g || b->seg[s].mass > g->mass)
			g = &b->seg[s];
	if (g->mass < 0.5 || !g->booted_end)
		return false;
	for (int i = b->nbooted - 1; i >= 0 && b->booted[i] >= g->hi; i--) {
		F += b->c[b->booted[i]].crashes;
		if (b->c[b->booted[i]].crashes)
			bad = b->booted[i];
	}
	if (F >= (unsigned)co->rate_crashes || bad < 0)
		return false;
	ret->commit = bad;
	ret->boots =
	    co->boards > 1 ? (co->max_batch + co->boards - 1) / co->boards * co->boards : co->max_batch;
	ret->gain = 0;
	ret->cost = 1 / bisect_rate_mean(b);
	return true;
}

int bisect_choose(const struct bisect *b, const struct bisect_costs *co, struct bisect_step *ret)
{
	static const double quantiles[] = {0.02, 0.05, 0.1, 0.2, 0.3,  0.4, 0.5,
					   0.6,	 0.7,  0.8, 0.9, 0.95, 0.98};
	static const double fractions[] = {0.25, 0.5, 0.75};
	struct bisect_step best = {.commit = -1};
	double best_score = 0, Ptot = -b->entropy, cdf = 0, plp = 0, mr = 0;

	if (co->rate_crashes > 0 && rate_step(b, co, ret))
		return 0;

	for (int s = 0; s < b->nseg; s++) {
		const struct segment *g = &b->seg[s];
		int len = g->hi - g->lo;
		double d = g->mass / len, dl = d > 0 ? d * log(d) : 0;
		int xs[sizeof(quantiles) / sizeof(quantiles[0]) + 4], nx = 0;

		/* interior commits where the CDF crosses a quantile, and fixed fractions */
		for (size_t q = 0; q < sizeof(quantiles) / sizeof(quantiles[0]); q++)
			if (d > 0 && quantiles[q] > cdf && quantiles[q] < cdf + g->mass)
				xs[nx++] = (int)ceil((quantiles[q] - cdf) / d);
		for (size_t q = 0; q < sizeof(fractions) / sizeof(fractions[0]); q++)
			xs[nx++] = (int)(fractions[q] * len + 0.5);
		for (int i = 0; i < nx; i++) {
			int j = len > 1 ? snap(b, g, xs[i] < 1 ? 1 : xs[i] > len - 1 ? len - 1 : xs[i]) : -1;
			int x = j - g->lo;
			struct cand c;

			if (j < 0)
				continue;
			c.j = j;
			c.A = cdf + x * d;
			c.P1 = plp + x * dl;
			c.rate = c.A > 0 ? (mr + x * d * g->rate) / c.A : g->rate;
			consider(b, co, &c, Ptot, &best, &best_score);
		}
		cdf += g->mass;
		plp += len * dl;
		mr += g->mass * g->rate;
		/* the segment's end: booted already (or the bad end) */
		{
			struct cand c = {.j = g->hi, .A = cdf, .P1 = plp};

			c.rate = cdf > 0 ? mr / cdf : g->rate;
			if (g->hi < b->n)
				consider(b, co, &c, Ptot, &best, &best_score);
		}
	}
	if (best.commit < 0)
		return -ENOENT;
	*ret = best;
	return 0;
}
