// SPDX-License-Identifier: MIT
/* seq.c - see seq.h. */
#include <stdio.h>
#include <string.h>

#include "seq.h"

static void hypotheses(const struct campaign_until *u, double *p0, double *p1)
{
	if (u->test == SEQ_COMPARE) {
		*p0 = 0.5;
		*p1 = u->ratio / (1 + u->ratio);
	} else {
		*p0 = u->rate;
		*p1 = u->ratio * u->rate;
	}
}

void seq_evaluate(const struct campaign_until *u, const signed char *control, const signed char *treatment,
		  int n, struct seq_state *out)
{
	double *path = out->path, p0, p1;

	hypotheses(u, &p0, &p1);
	memset(out, 0, sizeof(*out));
	out->path = path;
	stats_sprt_init(&out->sprt, p0, p1, u->alpha, u->beta);
	for (int i = 0; i < n; i++) {
		int x;

		/* -2: given up after infra retries; skipping it depends on no outcome */
		if (treatment[i] == -2 || (u->test == SEQ_COMPARE && control[i] == -2))
			continue;
		if (treatment[i] < 0 || (u->test == SEQ_COMPARE && control[i] < 0))
			break;
		out->used++;
		if (u->test == SEQ_BELOW) {
			x = treatment[i];
		} else if (control[i] != treatment[i]) {
			x = treatment[i];	/* 1: the treatment is the one that crashed */
			out->discordant++;
		} else {
			x = -1;
		}
		if (x >= 0 && out->sprt.decision == SPRT_CONTINUE && stats_sprt_add(&out->sprt, x) != SPRT_CONTINUE)
			out->at_decision = out->used;
		if (path)
			path[out->npath++] = out->sprt.decision == SPRT_CONTINUE ? out->sprt.llr
				: out->sprt.decision == SPRT_H1 ? out->sprt.hi : out->sprt.lo;
	}
}

void seq_describe(const struct campaign_until *u, const struct seq_state *s, char *buf, size_t size)
{
	const char *unit = u->test == SEQ_COMPARE ? "pairs" : "boots";
	int at = s->sprt.decision == SPRT_CONTINUE ? s->used : s->at_decision;
	char h1[256];

	if (u->test == SEQ_COMPARE)
		snprintf(h1, sizeof(h1), "%s crashes at most %g times as often as %s", u->treatment, u->ratio,
			 u->control);
	else
		snprintf(h1, sizeof(h1), "%s crashes in less than %g%% of boots", u->treatment,
			 100 * u->ratio * u->rate);
	switch (s->sprt.decision) {
	case SPRT_H1:
		snprintf(buf, size, "decided after %d %s: %s (SPRT, alpha %g, beta %g)", at, unit, h1, u->alpha,
			 u->beta);
		break;
	case SPRT_H0:
		if (u->test == SEQ_COMPARE)
			snprintf(buf, size, "decided after %d %s: %s does not crash less than %s (SPRT, alpha %g, beta %g)",
				 at, unit, u->treatment, u->control, u->alpha, u->beta);
		else
			snprintf(buf, size, "decided after %d %s: %s still crashes in %g%% or more of boots (SPRT, alpha %g, beta %g)",
				 at, unit, u->treatment, 100 * u->rate, u->alpha, u->beta);
		break;
	default:
		snprintf(buf, size, "no decision after %d %s (log-likelihood ratio %.2f, bounds %.2f and %.2f)", at,
			 unit, s->sprt.llr, s->sprt.lo, s->sprt.hi);
		break;
	}
}

unsigned seq_fixed_n(const struct campaign_until *u, unsigned *ret_c)
{
	double p0, p1;

	hypotheses(u, &p0, &p1);
	return stats_fixed_n_below(p0, p1, u->alpha, u->beta, 100000, ret_c);
}
