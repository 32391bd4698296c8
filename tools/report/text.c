// SPDX-License-Identifier: MIT
/*
 * text.c - the text and JSON report: what a campaign measured, per variant
 * and board setup (report_print(), called by `oopsfarm report` and at the
 * end of `oopsfarm run`).
 *
 * Never pooled across setups.  Rates exclude infra errors, which are shown
 * apart.  The target rate comes with a 95% Wilson interval; each variant is
 * compared with the worst variant of its setup by Fisher's exact test, and a
 * variant with no target failure gets the detection bound: the rate at which
 * we would have seen the crash with 99% probability.  Exit 0 when the report
 * is printed, whatever it says; 2 usage or unknown campaign; 3 store error.
 */
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oopsfarm.h"
#include "report/report.h"
#include "stats.h"
#include "core/sequential.h"
#include "store/queries.h"
#include "util/utf8.h"
#include "store/store.h"

#define MAX_CELLS 64

const char *report_pct(double p, char *buf, size_t size)
{
	if (p > 0 && p < 0.001)
		snprintf(buf, size, "%.3f%%", p * 100);
	else
		snprintf(buf, size, "%.2g%%", p * 100);
	if (p >= 0.01)
		snprintf(buf, size, "%.1f%%", p * 100);
	return buf;
}

const struct report_cell *report_worst(const struct report_cell *cells, int ncells, int first)
{
	const struct report_cell *worst = NULL;

	for (int j = first; j < ncells && !strcmp(cells[j].setup, cells[first].setup); j++)
		if (!worst || (cells[j].boots && (!worst->boots || (double)cells[j].fails / cells[j].boots >
								       (double)worst->fails / worst->boots)))
			worst = &cells[j];
	return worst;
}

bool report_compare(const struct report_cell *worst, const struct report_cell *c, double *ret_p,
		    double *ret_bound)
{
	if (c == worst || !worst->fails)
		return false;
	*ret_p = stats_fisher_exact(worst->fails, worst->boots - worst->fails, c->fails, c->boots - c->fails);
	*ret_bound = stats_upper_bound(c->fails, c->boots, 0.99);
	return true;
}

void xml_escape(FILE *f, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char buf[UTF8_PEOPLE_MAX];

	while (*p) {
		int len = 1;
		const char *r = NULL;

		switch (*p) {
		case '&':
			r = "&amp;";
			break;
		case '<':
			r = "&lt;";
			break;
		case '>':
			r = "&gt;";
			break;
		case '"':
			r = "&quot;";
			break;
		case '\'':
			r = "&#39;";
			break;
		case '\t':
		case '\n':
		case '\r':
			if (attr)
				fprintf(f, "&#%d;", *p);
			else
				fputc(*p, f);
			p++;
			continue;
		default:
			r = utf8_people(p, &len, buf);
			/* U+FFFE and U+FFFF are not XML characters */
			if (!r && len == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
				r = UTF8_REPLACEMENT;
			if (!r) {
				fwrite(p, 1, len, f);
				p += len;
				continue;
			}
			if (r[0] == '<') { /* "<U+202E>" */
				fprintf(f, "&lt;%.*s&gt;", (int)strlen(r) - 2, r + 1);
				r = NULL;
			}
		}
		if (r)
			fputs(r, f);
		p += len;
	}
}

bool report_lava_url(const char *server, int64_t job, char *buf, size_t size)
{
	static const char *const api[] = {"/api/v0.2", "/RPC2"};
	const char *scheme = "https://";
	size_t len;

	if (!server || !*server || job <= 0)
		return false;
	if (!strncasecmp(server, "http://", 7) || !strncasecmp(server, "https://", 8))
		scheme = "";
	else if (strstr(server, "://"))
		return false; /* only web links */
	len = strlen(server);
	for (bool again = true; again;) {
		again = false;
		while (len && server[len - 1] == '/')
			len--, again = true;
		for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
			size_t n = strlen(api[i]);

			if (len >= n && !strncasecmp(server + len - n, api[i], n))
				len -= n, again = true;
		}
	}
	snprintf(buf, size, "%s%.*s/scheduler/job/%lld", scheme, (int)len, server, (long long)job);
	return true;
}

static int write_junit(const struct report *r, const char *dir, FILE *f)
{
	return report_junit(r, f);
}

/* Writes one of the report's files through path.tmp and a rename, so a
 * reader never sees half a page.  Returns an exit status. */
static int report_write_file(const char *path, const struct report *r,
			     int (*fn)(const struct report *r, const char *dir, FILE *f))
{
	char tmp[4096], dir[4096];
	const char *slash = strrchr(path, '/');
	FILE *f;
	int e;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		e = -errno;
		goto fail;
	}
	e = fn(r, dir, f);
	if (fclose(f) != 0 && !e)
		e = -errno;
	if (!e && rename(tmp, path) < 0)
		e = -errno;
	if (!e)
		return EXIT_OK;
	unlink(tmp);
fail:
	errorf("report", "cannot write '%s': %s", path, strerror(-e));
	return EXIT_INFRA;
}

/* The campaign's sequential rule, per setup, when it was run with one. */
static void report_sequential(struct out *o, struct store *s, int64_t cid, const struct report_cell *cells,
			      int ncells)
{
	bool any = false;

	for (int i = 0; i < ncells; i++) {
		struct campaign_until u;
		struct seq_state st;
		char line[1024];
		unsigned fixed_c = 0, fixed_n;

		if (i && !strcmp(cells[i].setup, cells[i - 1].setup))
			continue;
		if (seq_from_store(s, cid, cells[i].setup_id, cells[i].agent, &u, &st, NULL) <= 0)
			continue;
		seq_describe(&u, &st, line, sizeof(line));
		fixed_n = seq_fixed_n(&u, &fixed_c);
		if (!any) {
			out_arr_open(o, "sequential");
			out_text(o, "\n");
		}
		out_obj_open(o, NULL);
		out_str(o, "setup", NULL, cells[i].setup);
		out_str(o, "test", NULL, u.test == SEQ_COMPARE ? "compare" : "below");
		out_str(o, "decision", NULL,
			st.sprt.decision == SPRT_H1   ? "H1"
			: st.sprt.decision == SPRT_H0 ? "H0"
						      : "none");
		out_i64(o, "used", NULL, st.used);
		out_i64(o, "at_decision", NULL, st.at_decision);
		out_double(o, "llr", NULL, st.sprt.llr);
		out_arr_open(o, "bounds");
		out_double(o, NULL, NULL, st.sprt.lo);
		out_double(o, NULL, NULL, st.sprt.hi);
		out_arr_close(o);
		out_double(o, "alpha", NULL, u.alpha);
		out_double(o, "beta", NULL, u.beta);
		out_u64(o, "fixed_n", NULL, fixed_n);
		out_u64(o, "fixed_c", NULL, fixed_c);
		out_str(o, "sentence", NULL, line);
		out_obj_close(o);
		if (!o->json) {
			printf("[%s] sequential: %s.\n", cells[i].setup, line);
			if (u.test == SEQ_COMPARE) {
				/* discordant pairs come at pC(1-pT) + pT(1-pC) per pair */
				double pc = -1, pt = -1, pd;

				for (int j = i; j < ncells && !strcmp(cells[j].setup, cells[i].setup); j++) {
					double p =
					    cells[j].boots ? (double)cells[j].fails / cells[j].boots : 0;

					if (!strcmp(cells[j].variant, u.control))
						pc = p;
					else if (!strcmp(cells[j].variant, u.treatment))
						pt = p;
				}
				pd = pc >= 0 && pt >= 0 ? pc * (1 - pt) + pt * (1 - pc) : 0;
				printf("[%s] a fixed-size test at the same error rates needs %u discordant "
				       "pairs",
				       cells[i].setup, fixed_n);
				if (pd > 0)
					printf(", about %.0f pairs at the rates seen here", fixed_n / pd);
				printf(" (this one used %d pairs, %d discordant).\n", st.used, st.discordant);
			} else {
				printf(
				    "[%s] a fixed-size test at the same error rates needs %u boots of %s.\n",
				    cells[i].setup, fixed_n, u.treatment);
			}
			if (st.sprt.decision != SPRT_CONTINUE)
				printf("[%s] The rates and intervals above are fixed-N figures after a "
				       "sequential stop:"
				       " they do not account for the stopping rule; the sequential verdict "
				       "does.\n",
				       cells[i].setup);
		}
		any = true;
		seq_until_free(&u);
	}
	if (any)
		out_arr_close(o);
}

int report_print(const struct report_opts *o)
{
	const char *path = o->store, *campaign = o->campaign, *junit = o->junit, *html = o->html;
	bool json = o->json;
	struct out out;
	struct store *s;
	struct store_rows *st = NULL;
	struct report_cell cells[MAX_CELLS];
	struct report rep;
	int ncells = 0, r;
	int64_t cid = -1;
	char target[512] = "", name[256] = "";
	double z = stats_z(0.95);

	/* a report reads a store, it never creates one */
	r = access(path, R_OK) < 0 ? -errno : store_open(path, &s);
	if (r < 0) {
		errorf("report", "cannot open store '%s': %s", path, store_strerror(r));
		return EXIT_INFRA;
	}
	/* a corrupt store gives no report, never an empty one (exit 0 would
	 * let a CI pass on a JUnit file without tests) */
	r = store_check(s);
	if (r < 0) {
		errorf("report", "store '%s' %s", path,
		       r == -EBADMSG ? "is corrupt (sqlite quick_check failed)" : store_errmsg(s));
		store_close(s);
		return EXIT_INFRA;
	}
	/* the named campaign, or the newest one */
	r = campaign ? store_rows_open(s, STORE_Q_CAMPAIGN_BY_NAME, &st, "t", campaign)
		     : store_rows_open(s, STORE_Q_CAMPAIGN_NEWEST, &st, NULL);
	if (r == 0 && store_rows_next(st)) {
		cid = store_rows_int(st, 0);
		snprintf(name, sizeof(name), "%s", store_rows_text(st, 1));
		snprintf(target, sizeof(target), "%s", store_rows_text(st, 2));
	}
	if (r < 0 || store_rows_close(st) < 0) {
		errorf("report", "cannot read store '%s': %s", path, store_errmsg(s));
		store_close(s);
		return EXIT_INFRA;
	}
	if (cid < 0) {
		errorf("report", campaign ? "no campaign '%s' in '%s'" : "no campaign in '%s'%s",
		       campaign ? campaign : path, campaign ? path : "");
		store_close(s);
		return EXIT_USAGE;
	}

	r = store_rows_open(s, STORE_Q_CELLS, &st, "i", cid);
	while (r == 0 && ncells < MAX_CELLS && store_rows_next(st)) {
		struct report_cell *c = &cells[ncells++];

		snprintf(c->variant, sizeof(c->variant), "%s", store_rows_text(st, 0));
		snprintf(c->setup, sizeof(c->setup), "%s", store_rows_text(st, 1));
		c->variant_id = store_rows_int(st, 2);
		c->setup_id = store_rows_int(st, 3);
		c->boots = store_rows_int(st, 4);
		c->fails = store_rows_int(st, 5);
		c->infra = store_rows_int(st, 6);
		c->hangs = store_rows_int(st, 7);
		c->lava = store_rows_int(st, 8);
		c->agent = (int)store_rows_int(st, 9);
		c->local = c->boots + c->infra - c->lava;
		stats_wilson(c->fails, c->boots, z, &c->lo, &c->hi);
	}
	if (r < 0 || store_rows_close(st) < 0) {
		errorf("report", "cannot read store '%s': %s", path, store_errmsg(s));
		store_close(s);
		return EXIT_INFRA;
	}

	out_init(&out, stdout, json);
	out_obj_open(&out, NULL);
	out_u64(&out, "version", NULL, 1);
	out_str(&out, "campaign", "campaign %s\n", name);
	out_str(&out, "target", NULL, target);
	out_text(&out, "target   %s\n\n", target[0] ? target : "(none: every crash counts)");
	out_text(&out, "%-22s %-16s %6s %6s %8s %-18s %6s %5s\n", "VARIANT", "SETUP", "BOOTS", "FAILS",
		 "RATE", "95% CI", "INFRA", "HANGS");
	out_arr_open(&out, "cells");
	for (int i = 0; i < ncells; i++) {
		struct report_cell *c = &cells[i];
		char a[32], b[32], d[32];

		double rate = c->boots ? (double)c->fails / c->boots : 0.0;

		snprintf(d, sizeof(d), "[%s, %s]", report_pct(c->lo, a, sizeof(a)),
			 report_pct(c->hi, b, sizeof(b)));
		out_obj_open(&out, NULL);
		out_str(&out, "variant", "%-22s ", c->variant);
		out_str(&out, "setup", "%-16s ", c->setup);
		out_bool(&out, "agent", NULL, c->agent);
		out_u64(&out, "boots", "%6llu ", c->boots);
		out_u64(&out, "target_failures", "%6llu ", c->fails);
		out_double(&out, "rate", NULL, rate);
		out_str(&out, NULL, "%8s ", report_pct(rate, a, sizeof(a)));
		out_arr_open(&out, "ci95");
		out_double(&out, NULL, NULL, c->lo);
		out_double(&out, NULL, NULL, c->hi);
		out_arr_close(&out);
		out_str(&out, NULL, "%-18s ", d);
		out_u64(&out, "infra", "%6llu ", c->infra);
		out_u64(&out, "hangs", "%5llu\n", c->hangs);
		out_arr_open(&out, "other");
		/* other crash titles: counted on their own, never in the target
		 * rate; a wrong kernel's crashes (infra) are not the variant's */
		store_rows_open(s, STORE_Q_OTHER_TITLES, &st, "iiitd", cid, c->variant_id, c->setup_id,
				target, c->agent);
		for (int k = 0; store_rows_next(st); k++) {
			const char *title = store_rows_text(st, 0);
			const char *log = store_rows_null(st, 2) ? NULL : store_rows_text(st, 2);

			out_obj_open(&out, NULL);
			out_str(&out, "title", NULL, title);
			out_i64(&out, "boots", "    other: %4lld x ", store_rows_int(st, 1));
			out_str(&out, NULL, "%s", title);
			out_str(&out, "first_log", "  (first: %s)\n", log ? log : (json ? "" : NULL));
			out_obj_close(&out);
		}
		store_rows_close(st);
		out_arr_close(&out);
		out_obj_close(&out);
	}
	out_arr_close(&out);
	out_text(&out, "\n");
	out_arr_open(&out, "comparisons");

	/* each setup: every variant against the one that fails most */
	for (int i = 0; i < ncells; i++) {
		const struct report_cell *worst;

		if (i && !strcmp(cells[i].setup, cells[i - 1].setup))
			continue;
		worst = report_worst(cells, ncells, i);
		for (int j = i; j < ncells && !strcmp(cells[j].setup, cells[i].setup); j++) {
			const struct report_cell *c = &cells[j];
			double p, bound;
			char sentence[1024], a[32], b[32], e[32], g[32];

			if (!report_compare(worst, c, &p, &bound))
				continue;
			if (c->fails == 0)
				snprintf(
				    sentence, sizeof(sentence),
				    "%s crashes in %s [%s, %s] of %u boots; %s: 0 of %u, so if the crash "
				    "were "
				    "still present at %s or more we would have seen it with 99%% probability "
				    "(Fisher p = %.3g)",
				    worst->variant,
				    report_pct((double)worst->fails / worst->boots, a, sizeof(a)),
				    report_pct(worst->lo, b, sizeof(b)), report_pct(worst->hi, e, sizeof(e)),
				    worst->boots, c->variant, c->boots, report_pct(bound, g, sizeof(g)), p);
			else
				snprintf(
				    sentence, sizeof(sentence),
				    "%s crashes in %s [%s, %s] of %u boots; %s: %u of %u (Fisher p = %.3g)",
				    worst->variant,
				    report_pct((double)worst->fails / worst->boots, a, sizeof(a)),
				    report_pct(worst->lo, b, sizeof(b)), report_pct(worst->hi, e, sizeof(e)),
				    worst->boots, c->variant, c->fails, c->boots, p);
			out_obj_open(&out, NULL);
			out_str(&out, "setup", "[%s] ", c->setup);
			out_str(&out, "worse", NULL, worst->variant);
			out_str(&out, "better", NULL, c->variant);
			out_double(&out, "fisher_p", NULL, p);
			out_double(&out, "detect_bound_99", NULL, bound);
			out_str(&out, "sentence", "%s.\n", sentence);
			out_obj_close(&out);
		}
	}
	out_arr_close(&out);
	report_sequential(&out, s, cid, cells, ncells);
	out_obj_close(&out);
	if (out_flush(&out) < 0) {
		errorf("report", "cannot write the report: %s", strerror(errno ? errno : EIO));
		store_close(s);
		return EXIT_INFRA;
	}

	/* the files people share: written after the report, from the same cells */
	rep = (struct report){.s = s,
			      .cid = cid,
			      .name = name,
			      .target = target,
			      .store = path,
			      .cells = cells,
			      .ncells = ncells,
			      .origin = o->origin};
	r = EXIT_OK;
	if (junit)
		r = report_write_file(junit, &rep, write_junit);
	if (html && r == EXIT_OK)
		r = report_write_file(html, &rep, report_html);
	if (o->kcidb && r == EXIT_OK)
		r = report_write_file(o->kcidb, &rep, report_kcidb);
	store_close(s);
	return r;
}
