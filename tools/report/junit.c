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

#include "report/report.h"
#include "store/queries.h"

struct totals {
	unsigned tests, failures, skipped;
	double seconds;
};

/* The totals of the campaign (c NULL) or of one cell. */
static void totals_read(struct store *s, int64_t cid, const struct report_cell *c, struct totals *t)
{
	struct store_rows *st;

	memset(t, 0, sizeof(*t));
	if ((c ? store_rows_open(s, STORE_Q_TOTALS_CELL, &st, "iiid", cid, c->variant_id, c->setup_id,
				 c->agent)
	       : store_rows_open(s, STORE_Q_TOTALS, &st, "i", cid)) < 0)
		return;
	if (store_rows_next(st)) {
		t->tests = (int)store_rows_int(st, 0);
		t->failures = (int)store_rows_int(st, 1);
		t->skipped = (int)store_rows_int(st, 2);
		t->seconds = store_rows_int(st, 3) / 1000.0;
	}
	store_rows_close(st);
}

static void property(FILE *f, const char *name, const char *value)
{
	fprintf(f, "      <property name=\"%s\" value=\"", name);
	xml_escape(f, value, true);
	fputs("\"/>\n", f);
}

/* The crash titles of one boot: "; "-joined for the message, one per line
 * (kind, frame, target, corrupted) for the body. */
static void boot_failure(FILE *f, struct store_rows *crashes, int64_t boot_id, const char *target)
{
	bool first = true;

	store_rows_rebind(crashes, "i", boot_id);
	fputs("      <failure type=\"crash\" message=\"", f);
	while (store_rows_next(crashes)) {
		if (!first)
			fputs("; ", f);
		xml_escape(f, (const char *)store_rows_text(crashes, 0), true);
		first = false;
	}
	fputs("\">", f);
	store_rows_rebind(crashes, NULL);
	while (store_rows_next(crashes)) {
		const char *title = (const char *)store_rows_text(crashes, 0);
		const char *frame = (const char *)store_rows_text(crashes, 2);

		xml_escape(f, title, false);
		fputs(" (", f);
		xml_escape(f, (const char *)store_rows_text(crashes, 1), false);
		if (frame && *frame) {
			fputs(", in ", f);
			xml_escape(f, frame, false);
		}
		if (target[0] && !strcmp(title, target))
			fputs(", the target", f);
		if ((int)store_rows_int(crashes, 3))
			fputs(", corrupted", f);
		fputs(")\n", f);
	}
	fputs("</failure>\n", f);
}

int report_junit(const struct report *r, FILE *f)
{
	struct store_rows *boots = NULL, *crashes = NULL;
	struct totals all;
	int e = 0;

	if (store_rows_open(r->s, STORE_Q_CELL_BOOTS, &boots, "iiid", r->cid, (int64_t)0, (int64_t)0, 1) <
		0 ||
	    store_rows_open(r->s, STORE_Q_BOOT_CRASHES, &crashes, "i", (int64_t)0) < 0) {
		e = -EIO;
		goto out;
	}
	totals_read(r->s, r->cid, NULL, &all);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"oopsfarm ", f);
	xml_escape(f, r->name, true);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%.3f\">\n", all.tests,
		all.failures, all.skipped, all.seconds);

	for (int i = 0; i < r->ncells; i++) {
		const struct report_cell *c = &r->cells[i];
		struct totals t;
		char buf[64], a[32], b[32];

		totals_read(r->s, r->cid, c, &t);
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

		store_rows_rebind(boots, "iiid", r->cid, c->variant_id, c->setup_id, c->agent);
		while (store_rows_next(boots)) {
			const char *verdict = (const char *)store_rows_text(boots, 2);
			const char *reason = (const char *)store_rows_text(boots, 3);
			const char *log = (const char *)store_rows_text(boots, 5);
			const char *source = (const char *)store_rows_text(boots, 6);
			const char *board = (const char *)store_rows_text(boots, 9);
			char url[1024];

			fputs("    <testcase name=\"", f);
			xml_escape(f, (const char *)store_rows_text(boots, 1), true);
			fputs("\" classname=\"", f);
			xml_escape(f, r->name, true);
			fputc('.', f);
			xml_escape(f, c->variant, true);
			fputc('.', f);
			xml_escape(f, c->setup, true);
			fprintf(f, "\" time=\"%.3f\">\n", store_rows_int(boots, 4) / 1000.0);
			if (!strcmp(verdict, "crash")) {
				boot_failure(f, crashes, store_rows_int(boots, 0), r->target);
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
			if (report_lava_url((const char *)store_rows_text(boots, 8), store_rows_int(boots, 7),
					    url, sizeof(url))) {
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
	store_rows_close(boots);
	store_rows_close(crashes);
	return e;
}
