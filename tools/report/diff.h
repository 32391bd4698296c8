/* SPDX-License-Identifier: MIT */
/*
 * diff.h - what changed between nightly runs, with significance
 * (`oopsfarm nightly diff`, doc/nightly.md "The diff").
 *
 * diff_compute() is a pure function: tonight's night and its baseline
 * nights (already read from the store, struct night in store/nightly.h)
 * in, a list of findings out.  Each board setup and variant is a cell of
 * its own, never pooled with another; the baseline pools the same cell
 * over its nights.  Per cell:
 *
 *   new     a title tonight that no baseline boot showed.  Always listed,
 *           with its count and the one-sided Fisher p-value of "tonight's
 *           rate is above the baseline's" (k of n tonight, 0 of m before);
 *   gone    a title of the baseline absent tonight, with the detection
 *           bound: the per-boot rate at which tonight's n boots would have
 *           shown it with 95% probability (1 - 0.05^(1/n));
 *   rate    a title seen on both sides: two-sided Fisher exact test;
 *   pass    the pass rate (pass / counted boots): two-sided Fisher;
 *   infra   infra errors / all boots: two-sided Fisher, shown apart, never
 *           corrected with the rest and never a regression.
 *
 * The false discovery rate is controlled with Benjamini-Hochberg over
 * every new, gone, rate and pass test of the night (all cells together) at
 * the level asked for (default 5%): a finding is significant when its
 * q-value is at or below the level.  A regression is a significant new
 * title, a significant rise of a title's rate, or a significant fall of
 * the pass rate.  A title on the known-issue list keeps its figures and
 * its tests; it is labelled with its link.
 */
#ifndef OOPSFARM_DIFF_H
#define OOPSFARM_DIFF_H

#include <stdbool.h>
#include <stdio.h>

#include "store/nightly.h"

enum diff_kind {
	DIFF_NEW,
	DIFF_GONE,
	DIFF_RATE,
	DIFF_PASS,
	DIFF_INFRA,
	DIFF_NO_BASELINE, /* a cell the baseline nights never had: not compared */
	DIFF_NOT_RUN,	  /* a baseline cell with no boots tonight (a lab down, a
			   * setup dropped): said, never read as zero crashes */
};

/* the name used in JSON and text ("new", "gone", "rate", "pass", "infra", "no-baseline") */
const char *diff_kind_name(enum diff_kind k);

struct known_issue {
	const char *title; /* matched exactly against crash titles */
	const char *link;
};

struct diff_item {
	enum diff_kind kind;
	const char *variant, *setup; /* point into tonight's (or, not-run, a baseline) night */
	const char *title;	     /* new, gone, rate; NULL otherwise */
	unsigned k, n;		     /* tonight: boots showing it, of n */
	unsigned bk, bn;	     /* the baseline's, pooled over its nights */
	double p;		     /* the test's p-value (1 when untested) */
	double q;		     /* Benjamini-Hochberg q-value; infra: = p */
	double bound;		     /* gone: the 95% detection bound on n */
	bool up;		     /* tonight's rate is above the baseline's */
	bool significant;	     /* q <= level */
	bool regression;
	const char *link;   /* the known issue's link, or NULL */
	int64_t first_boot; /* new: tonight's first boot showing it */
};

struct diff_input {
	const struct night *tonight;
	const struct night *base; /* the baseline nights, with their cells */
	unsigned nbase;
	const struct known_issue *known;
	unsigned nknown;
	double level; /* the FDR level; 0: 0.05 */
};

struct diff_result {
	struct diff_item *items; /* cells in tonight's order; per cell: pass,
				  * new, rate, gone, infra */
	unsigned nitems;
	unsigned ntests; /* the Benjamini-Hochberg family's size */
	unsigned regressions;
	bool build_failed; /* tonight did not build: no items */
	bool unlike_plans; /* a baseline night ran another plan (hash) */
	double level;
};

/* Computes the diff into *ret.  0, or -ENOMEM (ret untouched). */
int diff_compute(const struct diff_input *in, struct diff_result *ret);

/* Frees the items; r may be NULL. */
void diff_result_clear(struct diff_result *r);

/*
 * The exit status of `nightly diff` (STYLE's taxonomy): 1 when a
 * regression was found or tonight's build failed, 0 otherwise.
 */
int diff_exit_status(const struct diff_result *r);

/*
 * Prints the diff: a text summary that fits a mail body (significant
 * findings, every new and gone title, unchanged counts summed up), or
 * with json one object ("version": 1, every finding).  Returns 0 or -EIO.
 */
int diff_print(const struct diff_input *in, const struct diff_result *r, bool json, FILE *f);

#endif
