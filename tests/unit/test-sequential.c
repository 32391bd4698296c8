// SPDX-License-Identifier: MIT
/*
 * test-sequential: the campaign's sequential rule (tools/core/sequential.c)
 * on synthetic outcome sequences: decisions, the strict index order (a gap
 * stops it, a given-up boot is skipped), discordant pairs, the llr path.
 */
#include <string.h>

#include "core/sequential.h"
#include "tap.h"

#define N 400

static void fill(signed char *a, int n, int v)
{
	memset(a, v, n);
}

int main(void)
{
	struct campaign_until below = {.test = SEQ_BELOW,
				       .rate = 0.5,
				       .ratio = 0.1,
				       .alpha = 0.05,
				       .beta = 0.05,
				       .max_boots = N,
				       .treatment_idx = 0,
				       .control_idx = -1};
	struct campaign_until cmp = {.test = SEQ_COMPARE,
				     .ratio = 0.2,
				     .alpha = 0.05,
				     .beta = 0.05,
				     .max_boots = N,
				     .control_idx = 0,
				     .treatment_idx = 1};
	signed char ctl[N], trt[N];
	double path[N];
	struct seq_state s = {0};
	unsigned c;
	int at;

	fill(trt, N, 0);
	seq_evaluate(&below, NULL, trt, N, &s);
	ok(s.sprt.decision == SPRT_H1 && s.at_decision > 0 && s.at_decision < 20,
	   "below: no crash at all accepts H1 early (after %d boots)", s.at_decision);
	at = s.at_decision;
	ok_int(s.used, N, "... and still consumes every known boot");

	fill(trt, N, 1);
	seq_evaluate(&below, NULL, trt, N, &s);
	ok(s.sprt.decision == SPRT_H0 && s.at_decision > 0,
	   "below: crashing every boot accepts H0 (after %d)", s.at_decision);

	fill(trt, N, 0);
	trt[2] = -1;
	seq_evaluate(&below, NULL, trt, N, &s);
	ok(s.used == 2 && s.sprt.decision == SPRT_CONTINUE,
	   "a boot not finished yet stops the consumption (used %d)", s.used);

	fill(trt, N, 0);
	trt[2] = -2;
	seq_evaluate(&below, NULL, trt, N, &s);
	ok(s.used == N - 1 && s.at_decision == at, "a boot given up is skipped, the decision unchanged");

	fill(trt, N, 0);
	s.path = path;
	seq_evaluate(&below, NULL, trt, 10, &s);
	ok(s.npath == 10 && path[1] > path[0], "the llr path has one point per consumed boot, rising");
	ok(path[9] == s.sprt.hi, "... and stays at the bound it reached");
	s.path = NULL;

	/* compare: ABAB pairs */
	fill(ctl, N, 1);
	fill(trt, N, 1);
	seq_evaluate(&cmp, ctl, trt, N, &s);
	ok(s.discordant == 0 && s.sprt.decision == SPRT_CONTINUE,
	   "compare: concordant pairs carry no information");

	fill(trt, N, 0);
	seq_evaluate(&cmp, ctl, trt, N, &s);
	ok(s.discordant == N && s.sprt.decision == SPRT_H1,
	   "compare: only the control crashing accepts H1 (after %d)", s.at_decision);

	for (int i = 0; i < N; i++) {
		ctl[i] = i % 2;
		trt[i] = !(i % 2);
	}
	seq_evaluate(&cmp, ctl, trt, N, &s);
	ok(s.sprt.decision == SPRT_H0, "compare: the treatment crashing as often as the control accepts H0");

	fill(ctl, N, 0);
	ctl[5] = -1;
	fill(trt, N, 0);
	seq_evaluate(&cmp, ctl, trt, N, &s);
	ok_int(s.used, 5, "compare: a control boot not finished stops the pairs");

	ok(seq_fixed_n(&below, &c) > 0, "the fixed-N test at the same error rates needs %u boots",
	   seq_fixed_n(&below, &c));
	{
		unsigned n = seq_fixed_n(&cmp, &c);

		ok(n > 0 && c <= n, "compare: fixed-N pairs (%u) and an acceptance number (%u)", n, c);
	}
	return tap_done();
}
