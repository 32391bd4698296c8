/* SPDX-License-Identifier: MIT */
/*
 * report.h - what `oopsfarm report` shares between its outputs: the text
 * and JSON report (tools/report/text.c), JUnit XML (tools/report/junit.c)
 * and the self-contained HTML page (tools/report/html.c).
 *
 * cmd-report.c reads the campaign and its cells (one per variant and board
 * setup, never pooled across setups) once; each writer then reads what else
 * it needs (boots in order, crash titles, logs) from the same store.  Every
 * piece of text from the store goes through xml_escape(): titles come from
 * kernel consoles and hold < > & and quotes, sometimes bytes that are not
 * UTF-8.
 */
#ifndef OOPSFARM_REPORT_H
#define OOPSFARM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

/* What to report, as `oopsfarm report` takes it. */
struct report_opts {
	bool bisect;	      /* the store's bisect (report_bisect()), not a campaign */
	const char *store;    /* the store's path (read, never created) */
	const char *campaign; /* NULL: the newest campaign */
	bool json;	      /* one JSON object instead of the text */
	const char *junit;    /* also write JUnit XML there (NULL: no) */
	const char *html;     /* also write the HTML page there (NULL: no) */
	const char *kcidb;    /* also write kcidb v5.3 JSON there (NULL: no) */
	const char *origin;   /* kcidb ids' origin ([a-z0-9_]+; NULL: "oopsfarm") */
};

/*
 * Prints the campaign's report on stdout (text or JSON) and writes the
 * files asked for.  Returns the exit status: 0 printed (whatever it
 * says), 2 no such campaign, 3 the store or a file failed.
 */
int report_print(const struct report_opts *o);

struct report_cell {
	char variant[128], setup[128];
	int64_t variant_id, setup_id;
	int agent; /* 1: boots with our agent; 0: without (setup "<name> (no agent)") */
	unsigned boots, fails, infra, hangs; /* boots and fails exclude infra errors */
	unsigned local, lava;		     /* boots by source, infra errors included */
	double lo, hi;			     /* 95% Wilson interval of fails / boots */
};

struct report {
	struct store *s;
	int64_t cid;
	const char *name;		 /* campaign */
	const char *target;		 /* "" when every crash counts */
	const char *store;		 /* the store's path, as given */
	const struct report_cell *cells; /* sorted by setup, then variant */
	int ncells;
	const char *origin; /* kcidb's origin (NULL: "oopsfarm") */
};

/* "12.0%", "0.35%", "0.021%": a rate for people (buf is returned). */
const char *report_pct(double p, char *buf, size_t size);

/* The cell of cells[first..] with the same setup that fails most: what every
 * other variant of the setup is compared with. */
const struct report_cell *report_worst(const struct report_cell *cells, int ncells, int first);

/*
 * Each cell against the worst of its setup: Fisher's exact p and the 99%
 * detection bound.  Returns false for the worst cell itself and when the
 * worst one never failed (nothing to compare).
 */
bool report_compare(const struct report_cell *worst, const struct report_cell *c, double *ret_p,
		    double *ret_bound);

/*
 * Escapes s for XML and HTML text and attribute values: & < > " ' as
 * entities; with attr, tab, CR and LF as character references too (an
 * attribute keeps them).  Bytes that are not valid UTF-8, and control
 * characters XML 1.0 forbids, become U+FFFD, so the output always parses.
 */
void xml_escape(FILE *f, const char *s, bool attr);

/*
 * A LAVA job's page, server + "/scheduler/job/" + job, from the server as
 * stored in lava_jobs (a trailing / and an /api/v0.2 or /RPC2 suffix are
 * dropped; without a scheme it is https).  Returns false when there is no
 * link to give (no server or job, or not a web address).
 */
bool report_lava_url(const char *server, int64_t job, char *buf, size_t size);

/*
 * kcidb I/O JSON, schema v5.3 (tools/report/kcidb.c; mapping in
 * doc/nightly.md): the campaign's checkout, a build per variant, a test
 * per boot, an issue per crash title and an incident per boot showing it.
 * dir is unused.  Returns 0 or -errno.
 */
int report_kcidb(const struct report *r, const char *dir, FILE *f);
/* true when origin fits kcidb's "^[a-z0-9_]+$" */
bool report_origin_valid(const char *origin);
/* kcidb's test status of a verdict: pass PASS, crash and hang FAIL, infra ERROR */
const char *report_kcidb_status(const char *verdict);

/* An href to a stored log (or a URL as it is): the path relative to
 * page_dir, percent-encoded (report/html.c). */
void report_href(FILE *f, const char *page_dir, const char *log);

/* JUnit XML: one testsuite per cell, one testcase per boot (in boot order).
 * Returns 0 or -errno (write errors included). */
int report_junit(const struct report *r, FILE *f);

/* The page style every HTML report shares (report/html.c). */
extern const char report_css[];

/*
 * `oopsfarm report` on a bisect (report/bisect.c): the store's bisect
 * replayed from its events (bisect_event_apply(), the driver's own rule):
 * the answer, the posterior over commits now, and how it moved step by
 * step (a step: the ends, then each plan with its builds and boots), as
 * text or JSON on stdout, and with o->html a self-contained page whose
 * chart is the posterior per step (a row per step, a column per commit;
 * more than BISECT_REPORT_COLUMNS commits are binned).  Commits are
 * numbered 1..n as in doc/bisect.md; a sha is shown where the store has
 * one (the commits that were built or booted).  Returns the exit status:
 * 0 printed, 2 the store holds no bisect, 3 the store or a file failed.
 */
int report_bisect(const struct report_opts *o);
#define BISECT_REPORT_COLUMNS 240

/*
 * The HTML page (one file: inline CSS and SVG, no script, no external
 * resource).  page_dir is the directory the page is written to: links to
 * the boots' logs are relative to it.  Returns 0 or -errno.
 */
int report_html(const struct report *r, const char *page_dir, FILE *f);

/*
 * Boot-order charts (SVG).  A chart has up to two panels sharing the x axis
 * (observation number).  Panel CHART_COUNTS shows counts: each variant's
 * cumulative target failures, with a band (the running 95% Wilson interval
 * times the boots so far).  Panel CHART_SEQUENTIAL is drawn only when some
 * series asks for it: a sequential test's path (the log-likelihood ratio
 * after each observation) with its decision bounds as horizontal lines.
 *
 * The hook for a sequential test: pass one more element in series[] with
 * .panel = CHART_SEQUENTIAL, .y = the llr after each observation (n of
 * them), .bounds = { lower, upper } and .nbounds = 2 (labels optional).
 * report_html() does that with seq_from_store()'s path when the campaign
 * was run with a sequential rule.
 */
enum chart_panel {
	CHART_COUNTS,
	CHART_SEQUENTIAL,
};

struct chart_series {
	const char *name; /* legend */
	enum chart_panel panel;
	const double *y;       /* y[i]: the value after observation i + 1 */
	const double *lo, *hi; /* optional band, n values each (NULL: none) */
	int n;
	int color;	  /* palette index */
	double bounds[2]; /* horizontal lines in the series' panel */
	const char *bound_labels[2];
	int nbounds;
};

struct chart {
	const char *title; /* the SVG's accessible name */
	const char *xlabel;
	const char *ylabel;	/* CHART_COUNTS */
	const char *ylabel_seq; /* CHART_SEQUENTIAL */
	const struct chart_series *series;
	int nseries;
};

void chart_svg(FILE *f, const struct chart *c);

#endif
