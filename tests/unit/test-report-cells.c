// SPDX-License-Identifier: MIT
/*
 * test-report-cells: the report's cells never pool boots with our agent and
 * boots without it (a lab's own LAVA jobs, --no-agent runs).  A table of
 * boots goes into a real store; the cells (STORE_Q_CELLS, which text, JSON,
 * HTML, JUnit and the sequential test read) and each cell's titles and
 * totals (the per-cell queries, with the cell's agent flag) must be the
 * table below, and kcidb's tests must name the same setups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/queries.h"
#include "store/store.h"
#include "tap.h"

struct row {
	const char *setup, *variant;
	bool agent;
	enum boot_verdict verdict;
	bool hit;
	const char *title; /* NULL: no crash */
};

/* clang-format off */
static const struct row boots[] = {
	/* smp2: agent and no-agent boots of both variants */
	{"smp2", "head",  true,  VERDICT_CRASH, true,  "WARNING in foo"},
	{"smp2", "head",  true,  VERDICT_PASS,  false, NULL},
	{"smp2", "head",  false, VERDICT_CRASH, true,  "WARNING in foo"},
	{"smp2", "head",  false, VERDICT_CRASH, false, "BUG in bar"},
	{"smp2", "head",  false, VERDICT_INFRA, false, NULL},
	{"smp2", "fix",   true,  VERDICT_PASS,  false, NULL},
	{"smp2", "fix",   false, VERDICT_HANG,  false, NULL},
	/* lab: no agent only */
	{"lab",  "head",  false, VERDICT_PASS,  false, NULL},
	{"lab",  "head",  false, VERDICT_CRASH, false, "BUG in bar"},
};

struct cell {
	const char *variant, *setup;
	int agent, boots, fails, infra, hangs;
	const char *titles; /* the cell's titles, "|"-joined, the target first */
};

static const struct cell want[] = {
	{"head", "lab (no agent)",  0, 2, 0, 0, 0, "BUG in bar"},
	{"fix",  "smp2",            1, 1, 0, 0, 0, ""},
	{"head", "smp2",            1, 2, 1, 0, 0, "WARNING in foo"},
	{"fix",  "smp2 (no agent)", 0, 1, 0, 0, 1, ""},
	{"head", "smp2 (no agent)", 0, 2, 1, 1, 0, "WARNING in foo|BUG in bar"},
};
/* clang-format on */

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t id_of(const char **names, int64_t *ids, int *n, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(names[i], name))
			return ids[i];
	names[*n] = name;
	return ids[(*n)++] = 0;
}

int main(void)
{
	char path[] = "/tmp/test-report-cells-XXXXXX";
	const char *vnames[4], *snames[4];
	int64_t vids[4], sids[4], cid;
	int nv = 0, ns = 0, fd = mkstemp(path), k = 0;
	struct store *s = NULL;
	struct store_rows *st, *t;

	if (fd < 0)
		return 1;
	close(fd);
	unlink(path);
	ok_int(store_open(path, &s), 0, "a new store");
	ok_int(store_campaign(s, "mixed", "WARNING in foo", NULL, &cid), 0, "a campaign");
	for (size_t i = 0; i < N(boots); i++) {
		const struct row *b = &boots[i];
		struct store_crash cr = {.title = b->title, .kind = "warning", .hash = "00000000000000aa"};
		char uid[64];
		int64_t vid = id_of(vnames, vids, &nv, b->variant), sid = id_of(snames, sids, &ns, b->setup);

		if (!vid)
			store_variant(s, cid, b->variant, "7.2", NULL, NULL, "", &vids[nv - 1]);
		if (!sid)
			store_setup(s, cid, b->setup, 2, 1024, NULL, NULL, &sids[ns - 1]);
		snprintf(uid, sizeof(uid), "mixed/%zu", i);
		ok_int(store_add_boot(
			   s, &(struct store_boot){.boot_uid = uid,
						   .campaign_id = cid,
						   .variant_id = id_of(vnames, vids, &nv, b->variant),
						   .setup_id = id_of(snames, sids, &ns, b->setup),
						   .seq = (int)i,
						   .verdict = b->verdict,
						   .infra_reason = b->verdict == VERDICT_INFRA ? "x" : NULL,
						   .target_hit = b->hit,
						   .crashes = &cr,
						   .ncrashes = b->title != NULL,
						   .host_load = -1,
						   .no_agent = !b->agent}),
		       1, "boot %zu stored (%s, %s, agent %d)", i, b->setup, b->variant, b->agent);
	}

	ok_int(store_rows_open(s, STORE_Q_CELLS, &st, "i", cid), 0, "the cells");
	for (; store_rows_next(st); k++) {
		const struct cell *w = (size_t)k < N(want) ? &want[k] : NULL;
		char titles[256] = "", got[512], exp[512];
		int64_t vid = store_rows_int(st, 2), sid = store_rows_int(st, 3);
		int agent = (int)store_rows_int(st, 9);

		/* the cell's own titles and totals, by its agent flag */
		if (store_rows_open(s, STORE_Q_CELL_TITLES, &t, "iiitd", cid, vid, sid, "WARNING in foo",
				    agent) == 0) {
			while (store_rows_next(t))
				snprintf(titles + strlen(titles), sizeof(titles) - strlen(titles), "%s%s",
					 titles[0] ? "|" : "", store_rows_text(t, 0));
			store_rows_close(t);
		}
		snprintf(got, sizeof(got),
			 "%s on %s: agent %d, %lld boots, %lld fails, %lld infra, %lld hangs; %s",
			 store_rows_text(st, 0), store_rows_text(st, 1), agent,
			 (long long)store_rows_int(st, 4), (long long)store_rows_int(st, 5),
			 (long long)store_rows_int(st, 6), (long long)store_rows_int(st, 7), titles);
		if (w)
			snprintf(exp, sizeof(exp),
				 "%s on %s: agent %d, %d boots, %d fails, %d infra, %d hangs; %s", w->variant,
				 w->setup, w->agent, w->boots, w->fails, w->infra, w->hangs, w->titles);
		ok_str(got, w ? exp : "(no more cells)", "cell %d", k);
		if (store_rows_open(s, STORE_Q_TOTALS_CELL, &t, "iiid", cid, vid, sid, agent) == 0) {
			ok(store_rows_next(t) && w && store_rows_int(t, 0) == w->boots + w->infra,
			   "cell %d: its totals count its own boots only", k);
			store_rows_close(t);
		}
	}
	store_rows_close(st);
	ok_int(k, N(want), "%zu cells, none pooled", N(want));

	/* kcidb's tests: each boot in its cell's setup, with its agent flag */
	ok_int(store_rows_open(s, STORE_Q_KCIDB_TESTS, &st, "i", cid), 0, "kcidb's tests");
	for (k = 0; store_rows_next(st); k++) {
		const struct row *b = &boots[k];
		char exp[128];

		snprintf(exp, sizeof(exp), "%s%s", b->setup, b->agent ? "" : " (no agent)");
		ok(!strcmp(store_rows_text(st, 2), exp) && store_rows_int(st, 12) == b->agent,
		   "kcidb test %d: setup '%s', agent %d", k, exp, b->agent);
	}
	store_rows_close(st);
	store_close(s);
	unlink(path);
	return tap_done();
}
