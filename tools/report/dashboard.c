// SPDX-License-Identifier: MIT
/* dashboard.c - a nightly plan's page over time; see dashboard.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/dashboard.h"
#include "report/report.h"
#include "stats.h"

#define TOP_TITLES 5

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;color:#1f2328;max-width:1120px;margin:24px auto;padding:0 16px}"
    "h1{font-size:22px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d0d7de}"
    "table{border-collapse:collapse;margin:8px 0 12px;width:100%;font-size:13px}"
    "th,td{border-bottom:1px solid #e6e9ec;padding:4px 7px;text-align:left}"
    "th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".title{font-family:ui-monospace,monospace}.flag{color:#cf222e;font-weight:600}.muted{color:#59636e}"
    "svg text{font:11px system-ui,sans-serif;fill:#59636e}a{color:#0969da}";

static void esc(FILE *f, const char *s)
{
	xml_escape(f, s, true);
}

static const char *known_link(const struct known_issue *known, unsigned nknown, const char *title)
{
	for (unsigned i = 0; i < nknown; i++)
		if (!strcmp(known[i].title, title))
			return known[i].link;
	return NULL;
}

/* what the diff said about night i against the done night before it */
struct flag {
	struct diff_result r;
	bool computed;
	const struct night *base;
};

static int flags_compute(const struct night *nights, unsigned n, const struct known_issue *known,
			 unsigned nknown, struct flag *fl)
{
	const struct night *prev = NULL;

	for (unsigned i = 0; i < n; i++) {
		struct diff_input in = {.tonight = &nights[i],
					.base = prev,
					.nbase = prev ? 1 : 0,
					.known = known,
					.nknown = nknown};

		if (!strcmp(nights[i].status, "running"))
			continue;
		if (diff_compute(&in, &fl[i].r) < 0)
			return -ENOMEM;
		fl[i].computed = true;
		fl[i].base = prev;
		if (!strcmp(nights[i].status, "done"))
			prev = &nights[i];
	}
	return 0;
}

/* the distinct setups, in the nights' order of first appearance */
static unsigned setups_of(const struct night *nights, unsigned n, const char **out, unsigned max)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		for (unsigned c = 0; c < nights[i].ncells; c++) {
			unsigned j;

			for (j = 0; j < k && strcmp(out[j], nights[i].cells[c].setup); j++)
				;
			if (j == k && k < max)
				out[k++] = nights[i].cells[c].setup;
		}
	return k;
}

static const struct night_cell *cell(const struct night *n, const char *variant, const char *setup)
{
	for (unsigned c = 0; c < n->ncells; c++)
		if (!strcmp(n->cells[c].variant, variant) && !strcmp(n->cells[c].setup, setup))
			return &n->cells[c];
	return NULL;
}

static const char *const palette[] = {"#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#1b7c83"};

enum { W = 900, L = 56, R = 20, T = 28, H = 220, B = 64 };

/* One chart per setup: each variant's pass rate (%) per night, a point
 * with its 95% Wilson interval as a bar; x is the night (its date under
 * it), nights without boots of the cell are left out of its line. */
static void setup_chart(FILE *f, const char *setup, const struct night *nights, unsigned n)
{
	const char *variants[16];
	unsigned nv = 0;
	double dx = n > 1 ? (double)(W - L - R) / (n - 1) : 0;

	for (unsigned i = 0; i < n; i++)
		for (unsigned c = 0; c < nights[i].ncells; c++) {
			unsigned j;

			if (strcmp(nights[i].cells[c].setup, setup))
				continue;
			for (j = 0; j < nv && strcmp(variants[j], nights[i].cells[c].variant); j++)
				;
			if (j == nv && nv < 16)
				variants[nv++] = nights[i].cells[c].variant;
		}
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\""
		" width=\"100%%\" style=\"max-width:%dpx\" aria-label=\"pass rate on ",
		W, T + H + B, W);
	esc(f, setup);
	fputs(" per night\"><title>Pass rate on ", f);
	esc(f, setup);
	fputs(" per night, with 95% Wilson intervals</title>\n", f);
	fprintf(f,
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fbfcfd\" stroke=\"#d0d7de\"/>\n",
		L, T, W - L - R, H);
	for (int y = 0; y <= 100; y += 20)
		fprintf(f,
			"<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e9ec\"/><text x=\"%d\""
			" y=\"%.1f\" text-anchor=\"end\">%d%%</text>\n",
			L, W - R, T + H - y * H / 100.0, T + H - y * H / 100.0, L - 6,
			T + H - y * H / 100.0 + 4, y);
	for (unsigned i = 0; i < n; i++)
		fprintf(f,
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-35 %.1f "
			"%d)\">%s</text>\n",
			L + i * dx, T + H + 16, L + i * dx, T + H + 16, nights[i].date);
	for (unsigned v = 0; v < nv; v++) {
		const char *col = palette[v % (sizeof(palette) / sizeof(palette[0]))];
		bool first = true;

		fprintf(f, "<g class=\"series\"><title>");
		esc(f, variants[v]);
		fprintf(f, "</title><text x=\"%d\" y=\"%d\" fill=\"%s\">", L + 90 * (int)v, T - 10, col);
		esc(f, variants[v]);
		fprintf(f, "</text>\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
			col);
		for (unsigned i = 0; i < n; i++) {
			const struct night_cell *c = cell(&nights[i], variants[v], setup);

			if (!c || !c->boots)
				continue;
			fprintf(f, "%s%.1f,%.1f", first ? "" : " ", L + i * dx,
				T + H - 100.0 * c->pass / c->boots * H / 100);
			first = false;
		}
		fputs("\"/>\n", f);
		for (unsigned i = 0; i < n; i++) {
			const struct night_cell *c = cell(&nights[i], variants[v], setup);
			double lo, hi;

			if (!c || !c->boots)
				continue;
			stats_wilson(c->pass, c->boots, 1.959964, &lo, &hi);
			fprintf(
			    f,
			    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			    "stroke-opacity=\"0.5\""
			    " stroke-width=\"6\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n",
			    L + i * dx, L + i * dx, T + H - lo * H, T + H - hi * H, col, L + i * dx,
			    T + H - (double)c->pass / c->boots * H, col);
		}
		fputs("</g>\n", f);
	}
	fputs("</svg>\n", f);
}

static void nights_table(FILE *f, const struct night *nights, unsigned n, const struct flag *fl)
{
	fputs("<table class=\"nights\"><tr><th>night</th><th>commit</th><th>setup</th><th>variant</th>"
	      "<th>status</th><th class=\"n\">boots</th><th class=\"n\">pass</th><th class=\"n\">rate</th>"
	      "<th class=\"n\">95% Wilson</th><th class=\"n\">infra</th><th>diff</th></tr>\n",
	      f);
	for (unsigned i = 0; i < n; i++) {
		const struct night *nt = &nights[i];
		bool flagged = fl[i].computed && diff_exit_status(&fl[i].r);

		if (!nt->ncells) {
			fprintf(
			    f,
			    "<tr data-night=\"%s\"><td>%s</td><td><code>%.12s</code></td><td colspan=\"2\""
			    " class=\"muted\">no boots</td><td>",
			    nt->date, nt->date, nt->commit);
			esc(f, nt->status);
			fprintf(f, "</td><td colspan=\"5\"></td><td>%s</td></tr>\n",
				flagged ? "<span class=\"flag\">flagged</span>" : "");
		}
		for (unsigned c = 0; c < nt->ncells; c++) {
			const struct night_cell *cl = &nt->cells[c];
			char rate[32], a[32], b[32];
			double lo, hi;

			stats_wilson(cl->pass, cl->boots, 1.959964, &lo, &hi);
			fprintf(f, "<tr data-night=\"%s\" data-setup=\"", nt->date);
			esc(f, cl->setup);
			fputs("\" data-variant=\"", f);
			esc(f, cl->variant);
			fprintf(f, "\"><td>%s</td><td><code>%.12s</code></td><td>", nt->date, nt->commit);
			esc(f, cl->setup);
			fputs("</td><td>", f);
			esc(f, cl->variant);
			fputs("</td><td>", f);
			esc(f, nt->status);
			fprintf(
			    f,
			    "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n rate\">%s</td>"
			    "<td class=\"n wilson\">[%s, %s]</td><td class=\"n\">%u</td><td>%s</td></tr>\n",
			    cl->boots, cl->pass,
			    cl->boots ? report_pct((double)cl->pass / cl->boots, rate, sizeof(rate)) : "-",
			    report_pct(lo, a, sizeof(a)), report_pct(hi, b, sizeof(b)), cl->infra,
			    flagged ? "<span class=\"flag\">flagged</span>" : "");
		}
	}
	fputs("</table>\n", f);
}

static int by_boots(const void *a, const void *b)
{
	const struct night_title *x = *(const struct night_title *const *)a,
				 *y = *(const struct night_title *const *)b;

	return x->boots != y->boots ? (x->boots < y->boots ? 1 : -1) : strcmp(x->title, y->title);
}

static int top_titles(FILE *f, const struct night *nights, unsigned n, const struct known_issue *known,
		      unsigned nknown)
{
	fputs("<table class=\"top\"><tr><th>night</th><th>setup</th><th>variant</th><th>title</th>"
	      "<th class=\"n\">boots</th></tr>\n",
	      f);
	for (unsigned i = 0; i < n; i++)
		for (unsigned c = 0; c < nights[i].ncells; c++) {
			const struct night_cell *cl = &nights[i].cells[c];
			const struct night_title **v = calloc(cl->ntitles + 1, sizeof(*v));

			if (!v)
				return -ENOMEM;
			for (unsigned t = 0; t < cl->ntitles; t++)
				v[t] = &cl->titles[t];
			qsort(v, cl->ntitles, sizeof(*v), by_boots);
			for (unsigned t = 0; t < cl->ntitles && t < TOP_TITLES; t++) {
				const char *link = known_link(known, nknown, v[t]->title);

				fprintf(f, "<tr data-night=\"%s\"><td>%s</td><td>", nights[i].date,
					nights[i].date);
				esc(f, cl->setup);
				fputs("</td><td>", f);
				esc(f, cl->variant);
				fputs("</td><td class=\"title\">", f);
				esc(f, v[t]->title);
				if (link) {
					fputs(" <a class=\"known\" href=\"", f);
					esc(f, link);
					fputs("\">known issue</a>", f);
				}
				fprintf(f, "</td><td class=\"n\">%u/%u</td></tr>\n", v[t]->boots, cl->boots);
			}
			free(v);
		}
	fputs("</table>\n", f);
	return 0;
}

/* each title once: its first and last night, and its first boot's console */
static int titles_table(FILE *f, const struct night *nights, unsigned n, const struct known_issue *known,
			unsigned nknown, const char *page_dir)
{
	struct seen {
		const char *title, *first, *last, *log;
		unsigned nights;
	} *s = NULL;
	unsigned ns = 0, cap = 0;

	for (unsigned i = 0; i < n; i++)
		for (unsigned c = 0; c < nights[i].ncells; c++)
			for (unsigned t = 0; t < nights[i].cells[c].ntitles; t++) {
				const struct night_title *tt = &nights[i].cells[c].titles[t];
				unsigned j;

				for (j = 0; j < ns && strcmp(s[j].title, tt->title); j++)
					;
				if (j == ns) {
					if (ns == cap) {
						struct seen *p =
						    realloc(s, (cap = cap ? 2 * cap : 16) * sizeof(*s));

						if (!p) {
							free(s);
							return -ENOMEM;
						}
						s = p;
					}
					s[ns++] = (struct seen){.title = tt->title,
								.first = nights[i].date,
								.log = tt->first_log};
				}
				/* a night counts once however many cells show it */
				if (s[j].last != nights[i].date)
					s[j].nights++;
				s[j].last = nights[i].date;
			}
	fputs("<table class=\"titles\"><tr><th>title</th><th>first night</th><th>last night</th>"
	      "<th class=\"n\">nights</th><th>first boot</th></tr>\n",
	      f);
	for (unsigned j = 0; j < ns; j++) {
		const char *link = known_link(known, nknown, s[j].title);

		fputs("<tr><td class=\"title\">", f);
		esc(f, s[j].title);
		if (link) {
			fputs(" <a class=\"known\" href=\"", f);
			esc(f, link);
			fputs("\">known issue</a>", f);
		}
		fprintf(
		    f,
		    "</td><td class=\"first\">%s</td><td class=\"last\">%s</td><td class=\"n\">%u</td><td>",
		    s[j].first, s[j].last, s[j].nights);
		if (s[j].log && s[j].log[0]) {
			fputs("<a class=\"console\" href=\"", f);
			report_href(f, page_dir, s[j].log);
			fputs("\">console</a>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	free(s);
	return 0;
}

static void flagged_list(FILE *f, const struct night *nights, unsigned n, const struct flag *fl)
{
	unsigned k = 0;

	fputs("<ul class=\"flagged\">\n", f);
	for (unsigned i = 0; i < n; i++) {
		if (!fl[i].computed || !diff_exit_status(&fl[i].r))
			continue;
		k++;
		fprintf(f, "<li data-night=\"%s\"><b>%s</b>", nights[i].date, nights[i].date);
		if (fl[i].r.build_failed) {
			fputs(": the build failed", f);
			if (nights[i].reason) {
				fputs(" (", f);
				esc(f, nights[i].reason);
				fputs(")", f);
			}
		} else {
			fprintf(f, " against %s:", fl[i].base ? fl[i].base->date : "-");
		}
		for (unsigned j = 0; j < fl[i].r.nitems; j++) {
			const struct diff_item *it = &fl[i].r.items[j];

			if (!it->regression)
				continue;
			fputs(" <span class=\"regression\">", f);
			if (it->title)
				fprintf(f, "%s ", diff_kind_name(it->kind));
			esc(f, it->title ? it->title : "pass rate");
			fprintf(f, " on ");
			esc(f, it->setup);
			fprintf(f, " (%u/%u, before %u/%u, q=%.2g)</span>;", it->k, it->n, it->bk, it->bn,
				it->q);
		}
		fputs("</li>\n", f);
	}
	if (!k)
		fputs("<li class=\"muted\">none</li>\n", f);
	fputs("</ul>\n", f);
}

int report_dashboard(const char *plan, const struct night *nights, unsigned n,
		     const struct known_issue *known, unsigned nknown, const char *page_dir, FILE *f)
{
	struct flag *fl = calloc(n + 1, sizeof(*fl));
	const char *setups[64];
	unsigned nsetups;
	int r = 0;

	if (!fl)
		return -ENOMEM;
	if (flags_compute(nights, n, known, nknown, fl) < 0) {
		r = -ENOMEM;
		goto out;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Nightly ", f);
	esc(f, plan);
	fprintf(f, "</title><style>%s</style></head><body>\n<h1>Nightly ", css);
	esc(f, plan);
	fprintf(f, "</h1>\n<p class=\"muted\">%u nights", n);
	if (n)
		fprintf(f, ", %s to %s", nights[0].date, nights[n - 1].date);
	fputs(". Each setup and variant on its own, never pooled; infra errors apart.</p>\n", f);
	fputs("<h2>Pass rate per night</h2>\n", f);
	nsetups = setups_of(nights, n, setups, 64);
	for (unsigned i = 0; i < nsetups; i++)
		setup_chart(f, setups[i], nights, n);
	nights_table(f, nights, n, fl);
	fputs("<h2>Nights the diff flagged</h2>\n<p class=\"muted\">Each night against the night before that "
	      "ran"
	      " (Benjamini-Hochberg at 5%).</p>\n",
	      f);
	flagged_list(f, nights, n, fl);
	fputs("<h2>Top titles per night</h2>\n", f);
	if (!r)
		r = top_titles(f, nights, n, known, nknown);
	fputs("<h2>Titles over time</h2>\n", f);
	if (!r)
		r = titles_table(f, nights, n, known, nknown, page_dir);
	fputs("<footer>oopsfarm nightly dashboard</footer>\n</body></html>\n", f);
	if (!r && ferror(f))
		r = -EIO;
out:
	for (unsigned i = 0; i < n; i++)
		diff_result_clear(&fl[i].r);
	free(fl);
	return r;
}
