// SPDX-License-Identifier: MIT
/*
 * report-junit.c - `oopsfarm report --junit FILE`: JUnit XML for CI.
 *
 * One <testsuite> per variant and setup (never pooled across setups), one
 * <testcase> per boot in boot order (boots.id), named by its boot uid.  A
 * crash is a <failure> carrying its crash titles, a hang a <failure
 * type="hang">, and an infra error is <skipped> with its reason: it says
 * nothing about the kernel, as it stays out of every rate.  Each suite's
 * properties carry the target rate and its 95% Wilson interval, so a CI
 * dashboard shows the figure the text report prints.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "report/report.h"

struct totals {
	unsigned tests, failures, skipped;
	double seconds;
};

static void totals_read(sqlite3 *db, const char *where, int64_t cid, const struct report_cell *c,
			struct totals *t)
{
	char sql[512];
	sqlite3_stmt *st;

	snprintf(sql, sizeof(sql),
		 "SELECT count(*), count(*) FILTER (WHERE verdict IN ('crash','hang')),"
		 " count(*) FILTER (WHERE verdict = 'infra'), coalesce(sum(wall_ms), 0)"
		 " FROM boots WHERE campaign_id = ?1%s", where);
	memset(t, 0, sizeof(*t));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, cid);
	if (c) {
		sqlite3_bind_int64(st, 2, c->variant_id);
		sqlite3_bind_int64(st, 3, c->setup_id);
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		t->tests = sqlite3_column_int(st, 0);
		t->failures = sqlite3_column_int(st, 1);
		t->skipped = sqlite3_column_int(st, 2);
		t->seconds = sqlite3_column_int64(st, 3) / 1000.0;
	}
	sqlite3_finalize(st);
}

static void property(FILE *f, const char *name, const char *value)
{
	fprintf(f, "      <property name=\"%s\" value=\"", name);
	xml_escape(f, value, true);
	fputs("\"/>\n", f);
}

/* The crash titles of one boot: "; "-joined for the message, one per line
 * (kind, frame, target, corrupted) for the body. */
static void boot_failure(FILE *f, sqlite3_stmt *crashes, int64_t boot_id, const char *target)
{
	bool first = true;

	sqlite3_reset(crashes);
	sqlite3_bind_int64(crashes, 1, boot_id);
	fputs("      <failure type=\"crash\" message=\"", f);
	while (sqlite3_step(crashes) == SQLITE_ROW) {
		if (!first)
			fputs("; ", f);
		xml_escape(f, (const char *)sqlite3_column_text(crashes, 0), true);
		first = false;
	}
	fputs("\">", f);
	sqlite3_reset(crashes);
	while (sqlite3_step(crashes) == SQLITE_ROW) {
		const char *title = (const char *)sqlite3_column_text(crashes, 0);
		const char *frame = (const char *)sqlite3_column_text(crashes, 2);

		xml_escape(f, title, false);
		fputs(" (", f);
		xml_escape(f, (const char *)sqlite3_column_text(crashes, 1), false);
		if (frame && *frame) {
			fputs(", in ", f);
			xml_escape(f, frame, false);
		}
		if (target[0] && !strcmp(title, target))
			fputs(", the target", f);
		if (sqlite3_column_int(crashes, 3))
			fputs(", corrupted", f);
		fputs(")\n", f);
	}
	fputs("</failure>\n", f);
}

int report_junit(const struct report *r, FILE *f)
{
	sqlite3_stmt *boots = NULL, *crashes = NULL;
	struct totals all;
	int e = 0;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT b.id, b.boot_uid, b.verdict, coalesce(b.infra_reason, ''),"
			       " coalesce(b.wall_ms, 0), coalesce(b.log_path, ''), b.source, b.lava_job_id,"
			       " (SELECT j.server FROM lava_jobs j WHERE j.campaign_id = b.campaign_id"
			       "  AND j.job_id = b.lava_job_id ORDER BY j.id LIMIT 1), coalesce(b.board, '')"
			       " FROM boots b WHERE b.campaign_id = ? AND b.variant_id = ? AND b.setup_id = ?"
			       " ORDER BY b.id", -1, &boots, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db,
			       "SELECT title, kind, coalesce(frame, ''), corrupted FROM crashes"
			       " WHERE boot_id = ? ORDER BY ord", -1, &crashes, NULL) != SQLITE_OK) {
		e = -EIO;
		goto out;
	}
	totals_read(r->db, "", r->cid, NULL, &all);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"oopsfarm ", f);
	xml_escape(f, r->name, true);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%.3f\">\n", all.tests,
		all.failures, all.skipped, all.seconds);

	for (int i = 0; i < r->ncells; i++) {
		const struct report_cell *c = &r->cells[i];
		struct totals t;
		char buf[64], a[32], b[32];

		totals_read(r->db, " AND variant_id = ?2 AND setup_id = ?3", r->cid, c, &t);
		fputs("  <testsuite name=\"", f);
		xml_escape(f, c->variant, true);
		fputs(" on ", f);
		xml_escape(f, c->setup, true);
		fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%.3f\">\n",
			t.tests, t.failures, t.skipped, t.seconds);
		fputs("    <properties>\n", f);
		property(f, "campaign", r->name);
		property(f, "variant", c->variant);
		property(f, "setup", c->setup);
		property(f, "target", r->target);
		snprintf(buf, sizeof(buf), "%u", c->boots);
		property(f, "boots_counted", buf);
		snprintf(buf, sizeof(buf), "%u", c->fails);
		property(f, "target_failures", buf);
		snprintf(buf, sizeof(buf), "%.6f", c->boots ? (double)c->fails / c->boots : 0.0);
		property(f, "target_rate", buf);
		snprintf(buf, sizeof(buf), "[%s, %s]", report_pct(c->lo, a, sizeof(a)),
			 report_pct(c->hi, b, sizeof(b)));
		property(f, "target_rate_ci95", buf);
		snprintf(buf, sizeof(buf), "%u", c->hangs);
		property(f, "hangs", buf);
		snprintf(buf, sizeof(buf), "%u", c->infra);
		property(f, "infra_errors", buf);
		snprintf(buf, sizeof(buf), "local %u, lava %u", c->local, c->lava);
		property(f, "sources", buf);
		fputs("    </properties>\n", f);

		sqlite3_reset(boots);
		sqlite3_bind_int64(boots, 1, r->cid);
		sqlite3_bind_int64(boots, 2, c->variant_id);
		sqlite3_bind_int64(boots, 3, c->setup_id);
		while (sqlite3_step(boots) == SQLITE_ROW) {
			const char *verdict = (const char *)sqlite3_column_text(boots, 2);
			const char *reason = (const char *)sqlite3_column_text(boots, 3);
			const char *log = (const char *)sqlite3_column_text(boots, 5);
			const char *source = (const char *)sqlite3_column_text(boots, 6);
			const char *board = (const char *)sqlite3_column_text(boots, 9);
			char url[1024];

			fputs("    <testcase name=\"", f);
			xml_escape(f, (const char *)sqlite3_column_text(boots, 1), true);
			fputs("\" classname=\"", f);
			xml_escape(f, r->name, true);
			fputc('.', f);
			xml_escape(f, c->variant, true);
			fputc('.', f);
			xml_escape(f, c->setup, true);
			fprintf(f, "\" time=\"%.3f\">\n", sqlite3_column_int64(boots, 4) / 1000.0);
			if (!strcmp(verdict, "crash")) {
				boot_failure(f, crashes, sqlite3_column_int64(boots, 0), r->target);
			} else if (!strcmp(verdict, "hang")) {
				fputs("      <failure type=\"hang\" message=\"hang", f);
				if (*reason) {
					fputs(": ", f);
					xml_escape(f, reason, true);
				}
				fputs("\"/>\n", f);
			} else if (!strcmp(verdict, "infra")) {
				fputs("      <skipped message=\"infra error", f);
				if (*reason) {
					fputs(": ", f);
					xml_escape(f, reason, true);
				}
				fputs("\"/>\n", f);
			}
			/* where to look: the log, the board, the LAVA job */
			fputs("      <system-out>verdict: ", f);
			xml_escape(f, verdict, false);
			fputs("\nsource: ", f);
			xml_escape(f, source, false);
			if (*board) {
				fputs("\nboard: ", f);
				xml_escape(f, board, false);
			}
			if (*log) {
				fputs("\nlog: ", f);
				xml_escape(f, log, false);
			}
			if (report_lava_url((const char *)sqlite3_column_text(boots, 8),
					    sqlite3_column_int64(boots, 7), url, sizeof(url))) {
				fputs("\nlava job: ", f);
				xml_escape(f, url, false);
			}
			fputs("\n</system-out>\n    </testcase>\n", f);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	if (ferror(f))
		e = -EIO;
out:
	sqlite3_finalize(boots);
	sqlite3_finalize(crashes);
	return e;
}
