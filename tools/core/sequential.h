/* SPDX-License-Identifier: MIT */
/*
 * sequential.h - the sequential verdict of a campaign (doc/statistics.md).
 *
 * The outcomes of one setup's boots, in boot-index order, feed Wald's SPRT
 * (lib/stats.h).  Boots are consumed strictly in index order and a gap (a
 * boot not finished yet, or an infra error waiting for its retry) stops the
 * consumption, so the order in which boards happen to finish (crashing boots
 * are shorter) cannot bias the test.
 *
 * - compare: boots of the control and the treatment run in pairs (ABAB...).
 *   A pair where exactly one of them hit the target is discordant; under H0
 *   (equal rates) the treatment is the one that crashed with probability
 *   theta = 1/2; under H1 (treatment rate = ratio x control rate, rates
 *   small) theta = ratio / (1 + ratio).  Concordant pairs carry no
 *   information on theta.  This is the sequential form of McNemar's test.
 * - below: each treatment boot is a Bernoulli observation, H0 p = rate,
 *   H1 p = ratio x rate.
 * In both, accepting H1 means "the treatment removes the crash (down to the
 * stated effect)"; accepting H0 means "it does not".
 */
#ifndef OOPSFARM_SEQ_H
#define OOPSFARM_SEQ_H

#include <stddef.h>
#include <stdint.h>

#include "core/campaign.h"
#include "stats.h"

/* outcomes: -1 not known (yet), -2 given up (infra errors only: skipped),
 * 0 no target crash, 1 target crash */
struct seq_state {
	struct sprt sprt;
	int used;	 /* boots (below) or pairs (compare) consumed */
	int at_decision; /* boots or pairs consumed when it decided */
	int discordant;	 /* compare: informative pairs */
	/* the llr after each consumed boot or pair, for charts (optional) */
	double *path;
	int npath;
};

/* Evaluates from scratch; path is filled when out->path points to room for n doubles. */
void seq_evaluate(const struct campaign_until *u, const signed char *control, const signed char *treatment,
		  int n, struct seq_state *out);

/* One sentence: the decision, after how many boots, with the error rates. */
void seq_describe(const struct campaign_until *u, const struct seq_state *s, char *buf, size_t size);

/* The fixed-size test at the same error rates: observations it needs (discordant
 * pairs for compare, treatment boots for below), and its acceptance number. */
unsigned seq_fixed_n(const struct campaign_until *u, unsigned *ret_c);

struct store;

/*
 * The rule stored with campaign cid (NULL: none, returns 0) evaluated on the
 * stored boots of one setup, those with our agent (agent 1) or without (0):
 * never the two pooled.  path: NULL, or filled with a malloc'd array of
 * the llr after each consumed observation (free it).  Returns 1 when the
 * campaign has a rule, 0 when not, -errno on error.
 */
int seq_from_store(struct store *s, int64_t cid, int64_t setup_id, int agent, struct campaign_until *u,
		   struct seq_state *st, double **path);
void seq_until_free(struct campaign_until *u);

#endif
