// SPDX-License-Identifier: MIT
/*
 * oopsfarm report: what a campaign measured, per variant and board setup.
 *
 * Never pooled across setups.  Rates exclude infra errors, which are shown
 * apart.  The target rate comes with a 95% Wilson interval; each variant is
 * compared with the worst variant of its setup by Fisher's exact test, and a
 * variant with no target failure gets the detection bound: the rate at which
 * we would have seen the crash with 99% probability.  Exit 0 when the report
 * is printed, whatever it says; 2 usage or unknown campaign; 3 store error.
 */
#include <errno.h>
#include <getopt.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "oopsfarm.h"
#include "stats.h"
#include "seq.h"
#include "store.h"

#define MAX_CELLS 64

struct cell {
	char variant[128], setup[128];
	int64_t variant_id, setup_id;
	unsigned boots, fails, infra, hangs;
	double lo, hi;
};

static const char *pct(double p, char *buf, size_t size)
{
	if (p > 0 && p < 0.001)
		snprintf(buf, size, "%.3f%%", p * 100);
	else
		snprintf(buf, size, "%.2g%%", p * 100);
	if (p >= 0.01)
		snprintf(buf, size, "%.1f%%", p * 100);
	return buf;
}

/* The campaign's sequential rule, per setup, when it was run with one. */
static void report_sequential(sqlite3 *db, int64_t cid, const struct cell *cells, int ncells, bool json)
{
	bool any = false;

	for (int i = 0; i < ncells; i++) {
		struct campaign_until u;
		struct seq_state st;
		char line[1024];
		unsigned fixed_c = 0, fixed_n;

		if (i && cells[i].setup_id == cells[i - 1].setup_id)
			continue;
		if (seq_from_store(db, cid, cells[i].setup_id, &u, &st, NULL) <= 0)
			continue;
		seq_describe(&u, &st, line, sizeof(line));
		fixed_n = seq_fixed_n(&u, &fixed_c);
		if (json) {
			printf("%s{\"setup\":", any ? "," : ",\"sequential\":[");
			json_escape(stdout, cells[i].setup);
			printf(",\"test\":\"%s\",\"decision\":\"%s\",\"used\":%d,\"at_decision\":%d,"
			       "\"llr\":%.6f,\"bounds\":[%.6f,%.6f],\"alpha\":%g,\"beta\":%g,"
			       "\"fixed_n\":%u,\"fixed_c\":%u,\"sentence\":",
			       u.test == SEQ_COMPARE ? "compare" : "below",
			       st.sprt.decision == SPRT_H1 ? "H1" : st.sprt.decision == SPRT_H0 ? "H0" : "none",
			       st.used, st.at_decision, st.sprt.llr, st.sprt.lo, st.sprt.hi, u.alpha, u.beta, fixed_n,
			       fixed_c);
			json_escape(stdout, line);
			printf("}");
		} else {
			if (!any)
				printf("\n");
			printf("[%s] sequential: %s.\n", cells[i].setup, line);
			if (u.test == SEQ_COMPARE)
				printf("[%s] a fixed-size test at the same error rates needs %u discordant pairs"
				       " (this one used %d of its %d pairs).\n", cells[i].setup, fixed_n, st.discordant,
				       st.used);
			else
				printf("[%s] a fixed-size test at the same error rates needs %u boots of %s.\n",
				       cells[i].setup, fixed_n, u.treatment);
			if (st.sprt.decision != SPRT_CONTINUE)
				printf("[%s] The rates and intervals above are fixed-N figures after a sequential stop:"
				       " they do not account for the stopping rule; the sequential verdict does.\n",
				       cells[i].setup);
		}
		any = true;
		seq_until_free(&u);
	}
	if (json && any)
		printf("]");
}

static void usage(void)
{
	printf("usage: oopsfarm report --store FILE [--campaign NAME] [--json]\n\n"
	       "Per variant and setup: boots (infra errors apart), target failures with a 95%%\n"
	       "Wilson interval, other crash titles, and each variant against the worst one of\n"
	       "its setup (Fisher's exact test, 99%% detection bound).\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "campaign", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL, *campaign = NULL;
	bool json = false;
	struct store *s;
	sqlite3 *db;
	sqlite3_stmt *st;
	struct cell cells[MAX_CELLS];
	int ncells = 0, opt, r;
	int64_t cid = -1;
	char target[512] = "", name[256] = "";
	double z = stats_z(0.95);

	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 's': path = optarg; break;
		case 'c': campaign = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(); return EXIT_OK;
		default: return usage_hint("report");
		}
	}
	if (!path) {
		errorf("report", "--store is needed");
		return usage_hint("report");
	}
	/* a report reads a store, it never creates one */
	r = access(path, R_OK) < 0 ? -errno : store_open(path, &s);
	if (r < 0) {
		errorf("report", "cannot open store '%s': %s", path, strerror(-r));
		return EXIT_INFRA;
	}
	db = store_db(s);
	/* the named campaign, or the newest one */
	sqlite3_prepare_v2(db, campaign ? "SELECT id, name, coalesce(target,'') FROM campaigns WHERE name = ?"
				       : "SELECT id, name, coalesce(target,'') FROM campaigns ORDER BY id DESC LIMIT 1",
			   -1, &st, NULL);
	if (campaign)
		sqlite3_bind_text(st, 1, campaign, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		cid = sqlite3_column_int64(st, 0);
		snprintf(name, sizeof(name), "%s", sqlite3_column_text(st, 1));
		snprintf(target, sizeof(target), "%s", sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (cid < 0) {
		errorf("report", campaign ? "no campaign '%s' in '%s'" : "no campaign in '%s'%s",
		       campaign ? campaign : path, campaign ? path : "");
		store_close(s);
		return EXIT_USAGE;
	}

	sqlite3_prepare_v2(db,
		"SELECT v.name, st.name, b.variant_id, b.setup_id,"
		" count(*) FILTER (WHERE verdict != 'infra'),"
		" coalesce(sum(target_hit) FILTER (WHERE verdict != 'infra'), 0),"
		" count(*) FILTER (WHERE verdict = 'infra'),"
		" count(*) FILTER (WHERE verdict = 'hang')"
		" FROM boots b JOIN variants v ON v.id = b.variant_id JOIN setups st ON st.id = b.setup_id"
		" WHERE b.campaign_id = ? GROUP BY b.variant_id, b.setup_id ORDER BY st.name, v.name",
		-1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW && ncells < MAX_CELLS) {
		struct cell *c = &cells[ncells++];

		snprintf(c->variant, sizeof(c->variant), "%s", sqlite3_column_text(st, 0));
		snprintf(c->setup, sizeof(c->setup), "%s", sqlite3_column_text(st, 1));
		c->variant_id = sqlite3_column_int64(st, 2);
		c->setup_id = sqlite3_column_int64(st, 3);
		c->boots = sqlite3_column_int(st, 4);
		c->fails = sqlite3_column_int(st, 5);
		c->infra = sqlite3_column_int(st, 6);
		c->hangs = sqlite3_column_int(st, 7);
		stats_wilson(c->fails, c->boots, z, &c->lo, &c->hi);
	}
	sqlite3_finalize(st);

	if (json) {
		printf("{\"version\":1,\"campaign\":");
		json_escape(stdout, name);
		printf(",\"target\":");
		json_escape(stdout, target);
		printf(",\"cells\":[");
	} else {
		printf("campaign %s\ntarget   %s\n\n", name, target[0] ? target : "(none: every crash counts)");
		printf("%-22s %-16s %6s %6s %8s %-18s %6s %5s\n", "VARIANT", "SETUP", "BOOTS", "FAILS", "RATE",
		       "95% CI", "INFRA", "HANGS");
	}
	for (int i = 0; i < ncells; i++) {
		struct cell *c = &cells[i];
		char a[32], b[32], d[32];

		if (json) {
			printf("%s{\"variant\":", i ? "," : "");
			json_escape(stdout, c->variant);
			printf(",\"setup\":");
			json_escape(stdout, c->setup);
			printf(",\"boots\":%u,\"target_failures\":%u,\"rate\":%.6f,\"ci95\":[%.6f,%.6f],"
			       "\"infra\":%u,\"hangs\":%u,\"other\":[",
			       c->boots, c->fails, c->boots ? (double)c->fails / c->boots : 0.0, c->lo, c->hi,
			       c->infra, c->hangs);
		} else {
			snprintf(d, sizeof(d), "[%s, %s]", pct(c->lo, a, sizeof(a)), pct(c->hi, b, sizeof(b)));
			printf("%-22s %-16s %6u %6u %8s %-18s %6u %5u\n", c->variant, c->setup, c->boots, c->fails,
			       pct(c->boots ? (double)c->fails / c->boots : 0.0, a, sizeof(a)), d, c->infra,
			       c->hangs);
		}
		/* other crash titles: counted on their own, never in the target rate */
		sqlite3_prepare_v2(db,
			"SELECT c.title, count(DISTINCT c.boot_id),"
			" (SELECT b2.log_path FROM crashes c2 JOIN boots b2 ON b2.id = c2.boot_id"
			"  WHERE c2.title = c.title AND b2.campaign_id = ?1 AND b2.variant_id = ?2"
			"  AND b2.setup_id = ?3 ORDER BY b2.seq LIMIT 1)"
			" FROM crashes c JOIN boots b ON b.id = c.boot_id"
			" WHERE b.campaign_id = ?1 AND b.variant_id = ?2 AND b.setup_id = ?3 AND c.title != ?4"
			" GROUP BY c.title ORDER BY 2 DESC, 1", -1, &st, NULL);
		sqlite3_bind_int64(st, 1, cid);
		sqlite3_bind_int64(st, 2, c->variant_id);
		sqlite3_bind_int64(st, 3, c->setup_id);
		sqlite3_bind_text(st, 4, target, -1, SQLITE_TRANSIENT);
		for (int k = 0; sqlite3_step(st) == SQLITE_ROW; k++) {
			const char *title = (const char *)sqlite3_column_text(st, 0);
			const char *log = (const char *)sqlite3_column_text(st, 2);

			if (json) {
				printf("%s{\"title\":", k ? "," : "");
				json_escape(stdout, title);
				printf(",\"boots\":%d,\"first_log\":", sqlite3_column_int(st, 1));
				json_escape(stdout, log ? log : "");
				printf("}");
			} else {
				printf("    other: %4d x %s  (first: %s)\n", sqlite3_column_int(st, 1), title,
				       log ? log : "-");
			}
		}
		sqlite3_finalize(st);
		if (json)
			printf("]}");
	}
	if (json)
		printf("],\"comparisons\":[");
	else
		printf("\n");

	/* each setup: every variant against the one that fails most */
	for (int i = 0, nc = 0; i < ncells; i++) {
		struct cell *worst = NULL;

		if (i && !strcmp(cells[i].setup, cells[i - 1].setup))
			continue;
		for (int j = i; j < ncells && !strcmp(cells[j].setup, cells[i].setup); j++)
			if (!worst || (cells[j].boots && (!worst->boots ||
				(double)cells[j].fails / cells[j].boots > (double)worst->fails / worst->boots)))
				worst = &cells[j];
		for (int j = i; j < ncells && !strcmp(cells[j].setup, cells[i].setup); j++) {
			struct cell *c = &cells[j];
			double p, bound;
			char sentence[1024], a[32], b[32], e[32], g[32];

			if (c == worst || !worst->fails)
				continue;
			p = stats_fisher_exact(worst->fails, worst->boots - worst->fails, c->fails,
					       c->boots - c->fails);
			bound = stats_upper_bound(c->fails, c->boots, 0.99);
			if (c->fails == 0)
				snprintf(sentence, sizeof(sentence),
					 "%s crashes in %s [%s, %s] of %u boots; %s: 0 of %u, so if the crash were "
					 "still present at %s or more we would have seen it with 99%% probability "
					 "(Fisher p = %.3g)", worst->variant,
					 pct((double)worst->fails / worst->boots, a, sizeof(a)),
					 pct(worst->lo, b, sizeof(b)), pct(worst->hi, e, sizeof(e)), worst->boots,
					 c->variant, c->boots, pct(bound, g, sizeof(g)), p);
			else
				snprintf(sentence, sizeof(sentence),
					 "%s crashes in %s [%s, %s] of %u boots; %s: %u of %u (Fisher p = %.3g)",
					 worst->variant, pct((double)worst->fails / worst->boots, a, sizeof(a)),
					 pct(worst->lo, b, sizeof(b)), pct(worst->hi, e, sizeof(e)), worst->boots,
					 c->variant, c->fails, c->boots, p);
			if (json) {
				printf("%s{\"setup\":", nc++ ? "," : "");
				json_escape(stdout, c->setup);
				printf(",\"worse\":");
				json_escape(stdout, worst->variant);
				printf(",\"better\":");
				json_escape(stdout, c->variant);
				printf(",\"fisher_p\":%.6g,\"detect_bound_99\":%.6f,\"sentence\":", p, bound);
				json_escape(stdout, sentence);
				printf("}");
			} else {
				printf("[%s] %s.\n", c->setup, sentence);
			}
		}
	}
	if (json)
		printf("]");
	report_sequential(db, cid, cells, ncells, json);
	if (json)
		printf("}\n");
	store_close(s);
	return EXIT_OK;
}
