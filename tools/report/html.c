// SPDX-License-Identifier: MIT
/*
 * report-html.c - `oopsfarm report --html FILE`: one page people can share.
 *
 * One file with inline CSS and inline SVG, no script and no external
 * resource, so it can be mailed, attached to a bug or opened from a CI
 * artifact as it is.  Per board setup (never pooled): the target rate of
 * each variant with its 95% Wilson interval as numbers and as a bar, Fisher's
 * p against the worst variant, hangs and infra errors apart, where the boots
 * ran (local boards, LAVA), the sequential path over boots as a chart, and
 * per variant its crash titles with a link to the first boot's log.
 *
 * Links to logs are relative to the page's directory, so a page kept next
 * to the run's logs (or copied with them) keeps working; a LAVA boot links
 * to its job page too.  Every piece of text goes through xml_escape().
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"
#include "store/queries.h"
#include "core/sequential.h"
#include "stats.h"

/* boots listed per variant in the page; the store has them all */
#define BOOT_LIST_MAX 200
/* points per chart line; longer series are sampled (the last point kept) */
#define CHART_POINTS_MAX 1500

static const char *const palette[] = {
    "#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#1b7c83", "#bf3989", "#57606a",
};
#define NCOLORS (int)(sizeof(palette) / sizeof(palette[0]))

const char report_css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#fff;"
    "max-width:1120px;margin:24px auto;padding:0 16px}"
    "h1{font-size:22px;margin:0 0 6px}"
    "h2{font-size:18px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid #d0d7de}"
    "h3{font-size:15px;margin:20px 0 6px}"
    "code,.title{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:13px}"
    ".target{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:1px 6px}"
    ".wide{overflow-x:auto}"
    "table{border-collapse:collapse;margin:8px 0 12px;width:100%;font-size:13px}"
    "th,td{border-bottom:1px solid #e6e9ec;padding:4px 7px;text-align:left;vertical-align:middle}"
    "table.rates td{white-space:nowrap}"
    "th{background:#f6f8fa;font-weight:600;font-size:13px}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}"
    ".muted{color:#59636e}.infra{color:#9a6700}.hang{color:#8250df}"
    ".badge{font-size:11px;border-radius:8px;padding:0 6px;margin-left:6px;"
    "background:#ffebe9;color:#cf222e}"
    ".note{background:#f6f8fa;border-left:3px solid #d0d7de;padding:6px 10px;margin:8px 0}"
    "figure{margin:12px 0}figcaption{color:#59636e;font-size:13px}"
    "svg text{font:11px system-ui,sans-serif;fill:#59636e}"
    "details{margin:6px 0 14px}summary{cursor:pointer;color:#0969da}"
    "a{color:#0969da}footer{margin-top:36px;color:#59636e;font-size:12px}";

static void esc(FILE *f, const char *s)
{
	xml_escape(f, s, true);
}

static const char *color(int i)
{
	return palette[((i % NCOLORS) + NCOLORS) % NCOLORS];
}

/* ---- links ------------------------------------------------------------- */

/* Splits an absolute path into its components, resolving . and .. (in place). */
static int path_split(char *p, char **comp, int max)
{
	int n = 0;

	for (char *save = NULL, *tok = strtok_r(p, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (n)
				n--;
			continue;
		}
		if (n < max)
			comp[n++] = tok;
	}
	return n;
}

/* The absolute form of path, through realpath() of the path or of its
 * directory where they exist, so that it compares with the page's. */
static void path_absolute(const char *path, char *buf, size_t size)
{
	char cwd[PATH_MAX], real[PATH_MAX], dir[PATH_MAX];
	const char *slash;

	if (realpath(path, real)) {
		snprintf(buf, size, "%s", real);
		return;
	}
	slash = strrchr(path, '/');
	if (slash && slash != path) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		if (realpath(dir, real)) {
			snprintf(buf, size, "%s%s", real, slash);
			return;
		}
	}
	/* past PATH_MAX no file can be named: the path stays as given */
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)) ||
	    snprintf(buf, size, "%s/%s", cwd, path) >= (int)size)
		snprintf(buf, size, "%s", path);
}

/* Writes an href: the URL as it is when it is one, else the log's path
 * relative to the page's directory, percent-encoded. */
static void href_log(FILE *f, const char *page_dir, const char *log)
{
	char a[PATH_MAX], b[PATH_MAX], *pc[256], *lc[256];
	int np, nl, common = 0;

	if (!strncmp(log, "http://", 7) || !strncmp(log, "https://", 8)) {
		esc(f, log);
		return;
	}
	snprintf(a, sizeof(a), "%s", page_dir);
	path_absolute(log, b, sizeof(b));
	np = path_split(a, pc, 256);
	nl = path_split(b, lc, 256);
	while (common < np && common < nl - 1 && !strcmp(pc[common], lc[common]))
		common++;
	for (int i = common; i < np; i++)
		fputs("../", f);
	for (int i = common; i < nl; i++) {
		for (const unsigned char *p = (const unsigned char *)lc[i]; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._~+,=@", *p))
				fputc(*p, f);
			else
				fprintf(f, "%%%02X", *p);
		}
		if (i < nl - 1)
			fputc('/', f);
	}
}

struct boot_ref {
	char uid[256], log[PATH_MAX], source[16], server[512], verdict[16];
	int64_t lava_job;
};

static bool boot_ref_read(struct store *s, int64_t boot_id, struct boot_ref *b)
{
	struct store_rows *st;
	bool ok = false;

	if (store_rows_open(s, STORE_Q_BOOT_REF, &st, "i", boot_id) < 0)
		return false;
	if (store_rows_next(st)) {
		snprintf(b->uid, sizeof(b->uid), "%s", store_rows_text(st, 0));
		snprintf(b->log, sizeof(b->log), "%s", store_rows_text(st, 1));
		snprintf(b->source, sizeof(b->source), "%s", store_rows_text(st, 2));
		b->lava_job = store_rows_int(st, 3);
		snprintf(b->server, sizeof(b->server), "%s", store_rows_text(st, 4));
		snprintf(b->verdict, sizeof(b->verdict), "%s", store_rows_text(st, 5));
		ok = true;
	}
	store_rows_close(st);
	return ok;
}

/* "uid (log, LAVA job 1234)" with links */
static void boot_links(FILE *f, const char *page_dir, const struct boot_ref *b)
{
	char url[1024];

	fputs("<code>", f);
	esc(f, b->uid);
	fputs("</code>", f);
	if (b->log[0]) {
		fputs(" <a class=\"log\" href=\"", f);
		href_log(f, page_dir, b->log);
		fputs("\">log</a>", f);
	}
	if (!strcmp(b->source, "lava")) {
		if (report_lava_url(b->server, b->lava_job, url, sizeof(url))) {
			fputs(" <a class=\"lava\" href=\"", f);
			esc(f, url);
			fprintf(f, "\">LAVA job %lld</a>", (long long)b->lava_job);
		} else if (b->lava_job > 0) {
			fprintf(f, " <span class=\"muted\">LAVA job %lld</span>", (long long)b->lava_job);
		}
	}
}

/* ---- charts ------------------------------------------------------------ */

/* A round step giving about n ticks over range (1, 2, 5 x 10^k); at least
 * min_step (1 for counts of boots). */
static double nice_step(double range, int n, double min_step)
{
	double raw = range / n, mag, step;

	if (raw <= 0)
		return min_step > 0 ? min_step : 1;
	mag = pow(10, floor(log10(raw)));
	step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
	return step < min_step ? min_step : step;
}

struct panel {
	double top, height, ymin, ymax;
};

enum { CH_W = 900, CH_L = 64, CH_R = 20, CH_PANEL1 = 240, CH_PANEL2 = 170, CH_GAP = 44 };

static double px(double x, double xmax)
{
	return CH_L + x / xmax * (CH_W - CH_L - CH_R);
}

static double py(const struct panel *p, double y)
{
	return p->top + p->height - (y - p->ymin) / (p->ymax - p->ymin) * p->height;
}

static void fmt_tick(double v, double step, char *buf, size_t size)
{
	if (step >= 1 || fabs(v) < 1e-12)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.*f", (int)ceil(-log10(step)), v);
}

static void panel_axes(FILE *f, const struct panel *p, double xmax, const char *ylabel, bool integer_y)
{
	double ystep = nice_step(p->ymax - p->ymin, 5, integer_y ? 1 : 0);
	double xstep = nice_step(xmax, 8, 1);
	char buf[32];

	fprintf(f,
		"<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"#fbfcfd\""
		" stroke=\"#d0d7de\"/>\n",
		CH_L, p->top, CH_W - CH_L - CH_R, p->height);
	for (double y = ceil(p->ymin / ystep) * ystep; y <= p->ymax + 1e-9; y += ystep) {
		fmt_tick(y, ystep, buf, sizeof(buf));
		fprintf(f,
			"<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e9ec\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			CH_L, CH_W - CH_R, py(p, y), py(p, y), CH_L - 6, py(p, y) + 4, buf);
	}
	for (double x = 0; x <= xmax + 1e-9; x += xstep)
		fprintf(f,
			"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d0d7de\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
			px(x, xmax), px(x, xmax), p->top + p->height, p->top + p->height + 4, px(x, xmax),
			p->top + p->height + 16, x);
	fprintf(f, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">",
		p->top + p->height / 2, p->top + p->height / 2);
	esc(f, ylabel);
	fputs("</text>\n", f);
}

/* the points of a line: (0, 0) then (i + 1, v[i]), sampled past CHART_POINTS_MAX */
static void points(FILE *f, const struct panel *p, double xmax, const double *v, int n, bool reverse)
{
	int step = n > CHART_POINTS_MAX ? (n + CHART_POINTS_MAX - 1) / CHART_POINTS_MAX : 1;

	if (!reverse)
		fprintf(f, "%.1f,%.1f", px(0, xmax), py(p, 0));
	for (int k = 0; k < n; k++) {
		int i = reverse ? n - 1 - k : k;

		if (i % step && i != n - 1)
			continue;
		fprintf(f, " %.1f,%.1f", px(i + 1, xmax), py(p, v[i]));
	}
	if (reverse)
		fprintf(f, " %.1f,%.1f", px(0, xmax), py(p, 0));
}

/* The legend: one swatch and name per series, in rows; returns the last
 * row's baseline.  With draw false it only measures. */
static double chart_legend(FILE *f, const struct chart *c, bool draw)
{
	double x = CH_L, y = 14;

	for (int i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];
		double w = 24 + 6.2 * strlen(s->name ? s->name : "");
		bool line = s->panel == CHART_SEQUENTIAL;

		if (x + w > CH_W - CH_R && x > CH_L) {
			x = CH_L;
			y += 16;
		}
		if (draw) {
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"%d\" fill=\"%s\"/>"
				"<text x=\"%.1f\" y=\"%.1f\">",
				x, line ? y - 5 : y - 9, line ? 3 : 10, color(s->color), x + 16, y);
			esc(f, s->name);
			fputs("</text>\n", f);
		}
		x += w;
	}
	return y;
}

void chart_svg(FILE *f, const struct chart *c)
{
	struct panel p[2] = {{.top = 0}, {.top = 0}};
	bool has_seq = false;
	double xmax = 1, step;
	int height;

	for (int i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];
		struct panel *q = &p[s->panel == CHART_SEQUENTIAL];

		has_seq |= s->panel == CHART_SEQUENTIAL;
		if (s->n > xmax)
			xmax = s->n;
		for (int k = 0; k < s->n; k++) {
			double lo = s->lo ? s->lo[k] : s->y[k], hi = s->hi ? s->hi[k] : s->y[k];

			q->ymin = fmin(q->ymin, fmin(lo, s->y[k]));
			q->ymax = fmax(q->ymax, fmax(hi, s->y[k]));
		}
		for (int k = 0; k < s->nbounds && k < 2; k++) {
			q->ymin = fmin(q->ymin, s->bounds[k]);
			q->ymax = fmax(q->ymax, s->bounds[k]);
		}
	}
	/* both panels hold 0 (where every line starts); counts go up to a
	 * round number, the sequential panel is padded */
	step = nice_step(p[0].ymax, 5, 1);
	p[0].ymax = p[0].ymax < 1 ? 1 : ceil(p[0].ymax / step) * step;
	if (has_seq) {
		double pad = (p[1].ymax - p[1].ymin) * 0.08 + 0.1;

		p[1].ymin -= pad;
		p[1].ymax += pad;
	}
	/* the legend's rows (wrapped) decide where the panels start */
	p[0].top = chart_legend(f, c, false) + 16;
	p[0].height = CH_PANEL1;
	p[1].top = p[0].top + p[0].height + CH_GAP;
	p[1].height = CH_PANEL2;
	height = (int)(has_seq ? p[1].top + p[1].height : p[0].top + p[0].height) + 44;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\""
		" viewBox=\"0 0 %d %d\" width=\"100%%\" style=\"max-width:%dpx\" aria-label=\"",
		CH_W, height, CH_W);
	esc(f, c->title);
	fputs("\">\n<title>", f);
	esc(f, c->title);
	fputs("</title>\n", f);
	chart_legend(f, c, true);

	for (int k = 0; k < (has_seq ? 2 : 1); k++)
		panel_axes(f, &p[k], xmax, k ? c->ylabel_seq : c->ylabel, k == 0);
	fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", CH_L + (CH_W - CH_L - CH_R) / 2.0,
		height - 8);
	esc(f, c->xlabel);
	fputs("</text>\n", f);

	for (int i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];
		const struct panel *q = &p[s->panel == CHART_SEQUENTIAL];

		fputs("<g class=\"series\"><title>", f);
		esc(f, s->name);
		fputs("</title>\n", f);
		if (s->lo && s->hi && s->n) {
			fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.13\" stroke=\"none\" points=\"",
				color(s->color));
			points(f, q, xmax, s->hi, s->n, false);
			points(f, q, xmax, s->lo, s->n, true);
			fputs("\"/>\n", f);
		}
		for (int k = 0; k < s->nbounds && k < 2; k++) {
			fprintf(f,
				"<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
				" stroke-dasharray=\"6 4\"/>",
				CH_L, CH_W - CH_R, py(q, s->bounds[k]), py(q, s->bounds[k]), color(s->color));
			if (s->bound_labels[k]) {
				fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", CH_W - CH_R - 4,
					py(q, s->bounds[k]) + (s->bounds[k] >= 0 ? -4 : 12));
				esc(f, s->bound_labels[k]);
				fputs("</text>", f);
			}
			fputc('\n', f);
		}
		if (s->n) {
			fprintf(f,
				"<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
				" stroke-linejoin=\"round\" points=\"",
				color(s->color));
			points(f, q, xmax, s->y, s->n, false);
			fputs("\"/>\n", f);
		}
		fputs("</g>\n", f);
	}
	fputs("</svg>\n", f);
}

/* ---- the page ---------------------------------------------------------- */

/* the 95% interval as a bar on a 0..scale axis */
static void interval_bar(FILE *f, const struct report_cell *c, double scale, int colour)
{
	const double w = 130, h = 18;
	double rate = c->boots ? (double)c->fails / c->boots : 0;
	double x0 = c->lo / scale * w, x1 = c->hi / scale * w;
	char a[32], b[32], d[32];

	fprintf(
	    f,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bar\" width=\"%.0f\" height=\"%.0f\""
	    " viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"%s [%s, %s]\"><title>%s [%s, %s]</title>",
	    w + 2, h, w + 2, h, report_pct(rate, a, sizeof(a)), report_pct(c->lo, b, sizeof(b)),
	    report_pct(c->hi, d, sizeof(d)), a, b, d);
	fprintf(f, "<line x1=\"1\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d0d7de\"/>", w + 1, h / 2,
		h / 2);
	fprintf(f,
		"<rect x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"%.1f\" rx=\"2\" fill=\"%s\""
		" fill-opacity=\"0.35\"/>",
		1 + x0, fmax(x1 - x0, 1.5), h - 8, color(colour));
	fprintf(f,
		"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"2\" y2=\"%.1f\" stroke=\"%s\""
		" stroke-width=\"2\"/></svg>",
		1 + rate / scale * w, 1 + rate / scale * w, h - 2, color(colour));
}

/* the axis of the interval bars of a setup: a round rate above every upper bound */
static double bar_scale(const struct report_cell *cells, int first, int end)
{
	static const double steps[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1};
	double top = 0;

	for (int i = first; i < end; i++)
		top = fmax(top, cells[i].hi);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (top <= steps[i])
			return steps[i];
	return 1;
}

/* the colour of a variant: its rank among the campaign's variant names */
static int variant_colour(const struct report *r, const char *variant)
{
	int rank = 0;

	for (int i = 0; i < r->ncells; i++) {
		bool seen = false;

		if (strcmp(r->cells[i].variant, variant) >= 0)
			continue;
		for (int j = 0; j < i; j++)
			seen |= !strcmp(r->cells[j].variant, r->cells[i].variant);
		rank += !seen;
	}
	return rank;
}

static void sources(FILE *f, const struct report_cell *c)
{
	if (c->local && c->lava)
		fprintf(f, "local %u, LAVA %u", c->local, c->lava);
	else if (c->lava)
		fprintf(f, "LAVA %u", c->lava);
	else
		fprintf(f, "local %u", c->local);
}

static void rates_table(FILE *f, const struct report *r, int first, int end)
{
	const struct report_cell *worst = report_worst(r->cells, r->ncells, first);
	double scale = bar_scale(r->cells, first, end);
	char a[32], b[32];

	fprintf(f,
		"<div class=\"wide\"><table class=\"rates\">\n<thead><tr><th>variant</th>"
		"<th class=\"n\">boots</th><th>ran on</th><th class=\"n\">target<br>failures</th>"
		"<th class=\"n\">rate</th><th class=\"n\">95%% Wilson<br>interval</th>"
		"<th>interval, 0 to %s</th><th class=\"n\">Fisher p<br>vs worst</th>"
		"<th class=\"n\">99%% detection<br>bound</th><th class=\"n\">hangs</th>"
		"<th class=\"n\">infra<br>errors</th></tr></thead>\n<tbody>\n",
		report_pct(scale, a, sizeof(a)));
	for (int i = first; i < end; i++) {
		const struct report_cell *c = &r->cells[i];
		int colour = variant_colour(r, c->variant);
		double p, bound;

		fprintf(f, "<tr><td><span class=\"sw\" style=\"background:%s\"></span>", color(colour));
		esc(f, c->variant);
		fprintf(f, "</td><td class=\"n\">%u</td><td>", c->boots);
		sources(f, c);
		fprintf(f, "</td><td class=\"n\">%u</td><td class=\"n\">%s</td>", c->fails,
			report_pct(c->boots ? (double)c->fails / c->boots : 0, a, sizeof(a)));
		fprintf(f, "<td class=\"n\">[%s, ", report_pct(c->lo, a, sizeof(a)));
		fprintf(f, "%s]</td><td>", report_pct(c->hi, b, sizeof(b)));
		interval_bar(f, c, scale, colour);
		if (report_compare(worst, c, &p, &bound))
			fprintf(f, "</td><td class=\"n\">%.3g</td><td class=\"n\">%s</td>", p,
				c->fails ? "&#8212;" : report_pct(bound, a, sizeof(a)));
		else
			fprintf(f, "</td><td class=\"n muted\">%s</td><td class=\"n\">&#8212;</td>",
				c == worst && worst->fails ? "worst" : "&#8212;");
		fprintf(f, "<td class=\"n hang\">%u</td><td class=\"n infra\">%u</td></tr>\n", c->hangs,
			c->infra);
	}
	fputs("</tbody></table></div>\n", f);
}

/* each variant against the worst one, as the text report says it */
static void comparisons(FILE *f, const struct report *r, int first, int end)
{
	const struct report_cell *worst = report_worst(r->cells, r->ncells, first);
	char a[32], b[32], d[32];

	for (int i = first; i < end; i++) {
		const struct report_cell *c = &r->cells[i];
		double p, bound;

		if (!report_compare(worst, c, &p, &bound))
			continue;
		fputs("<p class=\"sentence\">", f);
		esc(f, worst->variant);
		fprintf(f, " crashes in %s [%s, %s] of %u boots; ",
			report_pct((double)worst->fails / worst->boots, a, sizeof(a)),
			report_pct(worst->lo, b, sizeof(b)), report_pct(worst->hi, d, sizeof(d)),
			worst->boots);
		esc(f, c->variant);
		if (c->fails)
			fprintf(f, ": %u of %u (Fisher p = %.3g).</p>\n", c->fails, c->boots, p);
		else
			fprintf(f,
				": 0 of %u, so if the crash were still present at %s or more we would have"
				" seen it with 99%% probability (Fisher p = %.3g).</p>\n",
				c->boots, report_pct(bound, a, sizeof(a)), p);
	}
}

/*
 * The sequential path over boots of one setup: each variant's cumulative
 * target failures against its boot number (boots in boot order, infra
 * errors left out as in the rates), with the running Wilson band; plus the
 * sequential test's path when the campaign was run with a rule.
 */
static void setup_chart(FILE *f, const struct report *r, int first, int end)
{
	int nv = end - first, ns = 0, *count = calloc(nv, sizeof(int)), *fails = calloc(nv, sizeof(int));
	struct chart_series *series = calloc(nv + 1, sizeof(*series));
	double **arrays = calloc(3 * nv, sizeof(double *)), *path = NULL, z = stats_z(0.95);
	char(*names)[192] = calloc(nv + 1, sizeof(*names)), title[512], lh0[256], lh1[256];
	char sentence[1024];
	struct campaign_until u;
	struct seq_state seq;
	struct chart chart;
	struct store_rows *st = NULL;
	bool has_seq = false;

	if (!count || !fails || !series || !arrays || !names)
		goto out;
	for (int i = 0; i < nv; i++) {
		const struct report_cell *c = &r->cells[first + i];

		for (int k = 0; k < 3; k++)
			if (!(arrays[3 * i + k] = calloc(c->boots + 1, sizeof(double))))
				goto out;
	}
	if (store_rows_open(r->s, STORE_Q_SETUP_OUTCOMES, &st, "iid", r->cid, r->cells[first].setup_id,
			    r->cells[first].agent) < 0)
		goto out;
	while (store_rows_next(st)) {
		int64_t vid = store_rows_int(st, 0);
		double lo, hi;
		int i, n;

		for (i = 0; i < nv && r->cells[first + i].variant_id != vid; i++)
			;
		if (i == nv || count[i] >= (int)r->cells[first + i].boots)
			continue;
		fails[i] += (int)store_rows_int(st, 1) != 0;
		n = ++count[i];
		stats_wilson(fails[i], n, z, &lo, &hi);
		arrays[3 * i][n - 1] = fails[i];
		arrays[3 * i + 1][n - 1] = n * lo;
		arrays[3 * i + 2][n - 1] = n * hi;
	}
	for (int i = 0; i < nv; i++) {
		const struct report_cell *c = &r->cells[first + i];

		snprintf(names[i], sizeof(names[i]), "%s: %d of %d", c->variant, fails[i], count[i]);
		series[ns++] = (struct chart_series){
		    .name = names[i],
		    .panel = CHART_COUNTS,
		    .y = arrays[3 * i],
		    .lo = arrays[3 * i + 1],
		    .hi = arrays[3 * i + 2],
		    .n = count[i],
		    .color = variant_colour(r, c->variant),
		};
	}

	/* the hook's user: the campaign's sequential rule, when it has one */
	if (seq_from_store(r->s, r->cid, r->cells[first].setup_id, r->cells[first].agent, &u, &seq, &path) ==
	    1) {
		has_seq = true;
		if (path) {
			const char *unit = u.test == SEQ_COMPARE ? "pair" : "boot";

			snprintf(names[nv], sizeof(names[nv]),
				 "SPRT log-likelihood ratio after each %s of %s%s%s", unit, u.treatment,
				 u.control ? " and " : "", u.control ? u.control : "");
			if (u.test == SEQ_COMPARE) {
				snprintf(lh0, sizeof(lh0), "accept H0: %s crashes as often as %s",
					 u.treatment, u.control);
				snprintf(lh1, sizeof(lh1), "accept H1: %s crashes at most %g times as often",
					 u.treatment, u.ratio);
			} else {
				snprintf(lh0, sizeof(lh0), "accept H0: %s crashes in %g%% or more",
					 u.treatment, 100 * u.rate);
				snprintf(lh1, sizeof(lh1), "accept H1: %s crashes in less than %g%%",
					 u.treatment, 100 * u.ratio * u.rate);
			}
			series[ns++] = (struct chart_series){
			    .name = names[nv],
			    .panel = CHART_SEQUENTIAL,
			    .y = path,
			    .n = seq.npath,
			    .color = NCOLORS - 1,
			    .bounds = {seq.sprt.lo, seq.sprt.hi},
			    .bound_labels = {lh0, lh1},
			    .nbounds = 2,
			};
		}
	}

	snprintf(title, sizeof(title), "cumulative target failures per variant against boot number, setup %s",
		 r->cells[first].setup);
	chart = (struct chart){
	    .title = title,
	    .xlabel = has_seq && u.test == SEQ_COMPARE ? "boot number of each variant (pair number)"
						       : "boot number of each variant",
	    .ylabel = "target failures",
	    .ylabel_seq = "log-likelihood ratio",
	    .series = series,
	    .nseries = ns,
	};
	fputs("<figure>\n", f);
	chart_svg(f, &chart);
	fputs("<figcaption>The sequential path over boots: each variant's cumulative target failures in boot"
	      " order (infra errors left out, as in the rates); the band is the running 95% Wilson interval"
	      " times the boots so far.",
	      f);
	if (has_seq)
		fputs(
		    " Below: the sequential test's log-likelihood ratio; it stops at the first crossing of a"
		    " dashed bound.",
		    f);
	fputs("</figcaption>\n</figure>\n", f);
	if (has_seq) {
		seq_describe(&u, &seq, sentence, sizeof(sentence));
		fputs("<p class=\"note\">Sequential verdict: ", f);
		esc(f, sentence);
		fputs(".", f);
		if (seq.sprt.decision != SPRT_CONTINUE)
			fputs(" The rates and intervals above are fixed-N figures after a sequential stop:"
			      " they do not account for the stopping rule; the sequential verdict does.",
			      f);
		fputs("</p>\n", f);
		seq_until_free(&u);
	}
out:
	store_rows_close(st);
	if (arrays)
		for (int i = 0; i < 3 * nv; i++)
			free(arrays[i]);
	free(arrays);
	free(path);
	free(names);
	free(series);
	free(count);
	free(fails);
}

/* hangs and infra errors of a setup, by reason: apart from every rate */
static void apart_table(FILE *f, const struct report *r, int first)
{
	struct store_rows *st;
	bool any = false;

	if (store_rows_open(r->s, STORE_Q_SETUP_APART, &st, "iid", r->cid, r->cells[first].setup_id,
			    r->cells[first].agent) < 0)
		return;
	while (store_rows_next(st)) {
		const char *verdict = (const char *)store_rows_text(st, 1);
		const char *reason = (const char *)store_rows_text(st, 2);

		if (!any)
			fputs(
			    "<h3>Hangs and infra errors</h3>\n<p class=\"muted\">Infra errors (power,"
			    " console, flashing, LAVA) say nothing about the kernel: they are in no rate."
			    "  A hang counts as a boot without the target crash.</p>\n<table class=\"apart\">"
			    "<thead><tr><th>variant</th><th>verdict</th><th>reason</th><th>ran on</th>"
			    "<th class=\"n\">boots</th></tr></thead><tbody>\n",
			    f);
		any = true;
		fputs("<tr><td>", f);
		esc(f, (const char *)store_rows_text(st, 0));
		fprintf(f, "</td><td class=\"%s\">", !strcmp(verdict, "hang") ? "hang" : "infra");
		esc(f, verdict);
		fputs("</td><td>", f);
		esc(f, *reason ? reason : "-");
		fputs("</td><td>", f);
		esc(f, (const char *)store_rows_text(st, 3));
		fprintf(f, "</td><td class=\"n\">%d</td></tr>\n", (int)store_rows_int(st, 4));
	}
	if (any)
		fputs("</tbody></table>\n", f);
	store_rows_close(st);
}

/* one variant's crash titles, with the first boot's log, and its failing boots */
static void cell_crashes(FILE *f, const struct report *r, const char *page_dir, const struct report_cell *c)
{
	struct store_rows *st, *titles = NULL;
	struct boot_ref b;
	int nfailing = 0, listed = 0;

	fputs("<h3>Crash titles of <span class=\"sw\" style=\"background:", f);
	fputs(color(variant_colour(r, c->variant)), f);
	fputs("\"></span>", f);
	esc(f, c->variant);
	fputs("</h3>\n", f);
	if (store_rows_open(r->s, STORE_Q_CELL_TITLES, &st, "iiitd", r->cid, c->variant_id, c->setup_id,
			    r->target, c->agent) < 0)
		return;
	for (int k = 0; store_rows_next(st); k++) {
		const char *title = (const char *)store_rows_text(st, 0);

		if (!k)
			fputs("<table class=\"titles\"><thead><tr><th>crash title</th><th>kind</th>"
			      "<th class=\"n\">boots</th><th>first boot</th></tr></thead><tbody>\n",
			      f);
		fputs("<tr><td class=\"title\">", f);
		esc(f, title);
		if (r->target[0] && !strcmp(title, r->target))
			fputs("<span class=\"badge\">target</span>", f);
		fputs("</td><td>", f);
		esc(f, (const char *)store_rows_text(st, 1));
		fprintf(f, "</td><td class=\"n\">%d</td><td>", (int)store_rows_int(st, 2));
		if (boot_ref_read(r->s, store_rows_int(st, 3), &b))
			boot_links(f, page_dir, &b);
		fputs("</td></tr>\n", f);
		nfailing = 1;
	}
	store_rows_close(st);
	if (!nfailing) {
		fputs("<p class=\"muted\">No crash in any boot.</p>\n", f);
	} else {
		fputs("</tbody></table>\n", f);
	}

	/* every failing boot, for whoever wants to read more than the first */
	if (store_rows_open(r->s, STORE_Q_CELL_FAILING, &st, "iiidd", r->cid, c->variant_id, c->setup_id,
			    BOOT_LIST_MAX, c->agent) < 0)
		return;
	if (store_rows_open(r->s, STORE_Q_BOOT_CRASHES, &titles, "i", (int64_t)0) < 0) {
		store_rows_close(st);
		return;
	}
	while (store_rows_next(st)) {
		int64_t id = store_rows_int(st, 0);

		if (!listed++) {
			nfailing = (int)store_rows_int(st, 1);
			fprintf(f, "<details><summary>%d crashing or hanging boot%s", nfailing,
				nfailing == 1 ? "" : "s");
			if (nfailing > BOOT_LIST_MAX)
				fprintf(f, " (the first %d)", BOOT_LIST_MAX);
			fputs("</summary>\n<table class=\"boots\"><thead><tr><th>boot</th><th>verdict</th>"
			      "<th>ran on</th><th>crash titles</th></tr></thead><tbody>\n",
			      f);
		}
		if (!boot_ref_read(r->s, id, &b))
			continue;
		fputs("<tr><td>", f);
		boot_links(f, page_dir, &b);
		fputs("</td><td>", f);
		esc(f, b.verdict);
		fputs("</td><td>", f);
		esc(f, b.source);
		fputs("</td><td class=\"title\">", f);
		store_rows_rebind(titles, "i", id);
		for (int k = 0; store_rows_next(titles); k++) {
			if (k)
				fputs("<br>", f);
			esc(f, (const char *)store_rows_text(titles, 0));
		}
		fputs("</td></tr>\n", f);
	}
	if (listed)
		fputs("</tbody></table></details>\n", f);
	store_rows_close(titles);
	store_rows_close(st);
}

int report_html(const struct report *r, const char *page_dir, FILE *f)
{
	char dir[PATH_MAX], when[64];
	unsigned boots = 0, local = 0, lava = 0, infra = 0;
	time_t now = time(NULL);
	struct tm tm;

	/* the page's directory exists: the page is being written in it */
	if (!realpath(page_dir, dir))
		return -errno;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	for (int i = 0; i < r->ncells; i++) {
		boots += r->cells[i].boots;
		infra += r->cells[i].infra;
		local += r->cells[i].local;
		lava += r->cells[i].lava;
	}

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"oopsfarm report\">\n<title>oopsfarm: ",
	      f);
	esc(f, r->name);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>Campaign ", report_css);
	esc(f, r->name);
	fputs("</h1>\n<p>Target: ", f);
	if (r->target[0]) {
		fputs("<code class=\"target\">", f);
		esc(f, r->target);
		fputs("</code>", f);
	} else {
		fputs("none: every crash counts", f);
	}
	fprintf(f,
		"</p>\n<p class=\"muted\">%u boot%s counted, %u infra error%s apart; ran on local boards %u,"
		" LAVA %u.  Store <code>",
		boots, boots == 1 ? "" : "s", infra, infra == 1 ? "" : "s", local, lava);
	esc(f, r->store);
	fprintf(f, "</code>, %s.</p>\n</header>\n", when);
	if (!r->ncells)
		fputs("<p>No boot recorded yet.</p>\n", f);

	for (int first = 0, end; first < r->ncells; first = end) {
		for (end = first; end < r->ncells && !strcmp(r->cells[end].setup, r->cells[first].setup);
		     end++)
			;
		fputs("<section class=\"setup\">\n<h2>Setup ", f);
		esc(f, r->cells[first].setup);
		fputs("</h2>\n", f);
		rates_table(f, r, first, end);
		comparisons(f, r, first, end);
		setup_chart(f, r, first, end);
		apart_table(f, r, first);
		for (int i = first; i < end; i++)
			cell_crashes(f, r, dir, &r->cells[i]);
		fputs("</section>\n", f);
	}
	fputs(
	    "<footer>Made by <code>oopsfarm report --html</code>. Rates count the boots of one variant on one"
	    " setup, never pooled across setups, without infra errors. Intervals are 95% Wilson score"
	    " intervals; each variant is compared with the one that fails most on its setup by Fisher's exact"
	    " test; a variant with no target failure gets the rate at which we would have seen the crash with"
	    " 99% probability.</footer>\n</body>\n</html>\n",
	    f);
	return ferror(f) ? -EIO : 0;
}

void report_href(FILE *f, const char *page_dir, const char *log)
{
	href_log(f, page_dir, log);
}
