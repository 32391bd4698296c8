// SPDX-License-Identifier: MIT
/*
 * report/bisect.c - `oopsfarm report` on a bisect (report.h): the events
 * replayed through the driver's own rule into the model, a snapshot of the
 * posterior after each step, then text or JSON (the same out_* calls) and
 * the HTML page.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bisect-run.h"
#include "core/bisect.h"
#include "oopsfarm.h"
#include "report/report.h"
#include "store/bisect.h"
#include "store/store.h"
#include "util/msg.h"
#include "util/out.h"

/* the posterior after one step */
struct step {
	int commit;				/* the planned commit; 0 for the ends */
	unsigned boots, targets, infra, builds; /* this step's events */
	int lo, hi;				/* the leading range (lo, hi] */
	double mass, entropy;
	double *post; /* [n + 1], post[i] for commits 1..n */
};

struct replay {
	struct bisect *b;
	int n;
	char (*sha)[48]; /* [n + 1]; "" where the store has none */
	struct step *steps;
	int nsteps, cap;
	unsigned boots, infra, other, builds, failed;
	int err;
};

static int snapshot(struct replay *r)
{
	struct step *s = &r->steps[r->nsteps - 1];

	s->post = malloc((r->n + 1) * sizeof(double));
	if (!s->post)
		return -ENOMEM;
	for (int i = 0; i <= r->n; i++)
		s->post[i] = bisect_prob(r->b, i);
	bisect_answer(r->b, 1, &s->lo, &s->hi, &s->mass);
	s->entropy = bisect_entropy(r->b);
	return 0;
}

static int step_new(struct replay *r, int commit)
{
	if (r->nsteps && snapshot(r) < 0)
		return -ENOMEM;
	if (r->nsteps == r->cap) {
		int cap = r->cap ? 2 * r->cap : 16;
		struct step *ns = realloc(r->steps, cap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		r->steps = ns;
		r->cap = cap;
	}
	r->steps[r->nsteps++] = (struct step){.commit = commit};
	return 0;
}

static void on_event(const struct bisect_event *e, void *userdata)
{
	struct replay *r = userdata;
	struct step *s;

	if (r->err || e->commit < 0 || e->commit > r->n)
		return;
	if (!r->nsteps || e->kind == BEV_PLAN)
		if ((r->err = step_new(r, e->kind == BEV_PLAN ? e->commit : 0)) < 0)
			return;
	if (e->sha)
		snprintf(r->sha[e->commit], sizeof(r->sha[0]), "%s", e->sha);
	bisect_event_apply(r->b, e->kind, e->commit);
	s = &r->steps[r->nsteps - 1];
	switch (e->kind) {
	case BEV_BUILT:
	case BEV_BUILD_FAILED:
		s->builds++;
		r->builds++;
		r->failed += e->kind == BEV_BUILD_FAILED;
		break;
	case BEV_INFRA:
		s->infra++;
		r->infra++;
		break;
	case BEV_OTHER:
	case BEV_PASS:
	case BEV_TARGET:
		s->boots++;
		s->targets += e->kind == BEV_TARGET;
		r->boots++;
		r->other += e->kind == BEV_OTHER;
		break;
	case BEV_PLAN:
		break;
	}
}

static void replay_free(struct replay *r)
{
	for (int i = 0; i < r->nsteps; i++)
		free(r->steps[i].post);
	free(r->steps);
	free(r->sha);
	bisect_free(r->b);
}

/* "#7 1a2b3c4d5e6f" or "#7" into buf */
static const char *commit_name(const struct replay *r, int i, char *buf, size_t size)
{
	if (i <= 0)
		snprintf(buf, size, "ends");
	else
		snprintf(buf, size, "#%d%s%.12s", i, r->sha[i][0] ? " " : "", r->sha[i]);
	return buf;
}

/* the range (lo, hi] as "#lo+1" or "#lo+1..#hi" */
static const char *range_name(int lo, int hi, char *buf, size_t size)
{
	if (hi - lo == 1)
		snprintf(buf, size, "#%d", hi);
	else
		snprintf(buf, size, "#%d..#%d", lo + 1, hi);
	return buf;
}

static void print(struct out *o, const struct bisect_row *row, const struct replay *r)
{
	const struct step *last = &r->steps[r->nsteps - 1];
	bool decided = bisect_answer(r->b, row->confidence, NULL, NULL, NULL);
	char a[64], b[64];

	out_obj_open(o, NULL);
	out_u64(o, "version", NULL, 1);
	out_obj_open(o, "bisect");
	out_str(o, "good", "bisect %.12s", row->good);
	out_str(o, "bad", "..%.12s", row->bad);
	out_u64(o, "commits", " (%llu commits)", row->ncommits);
	out_str(o, "target", " for '%s'\n", row->target);
	out_str(o, "tree", "tree %s\n", row->tree);
	out_obj_close(o);
	out_bool(o, "decided", NULL, decided);
	out_text(o, "%s: ", decided ? "answer" : "undecided");
	if (last->hi - last->lo == 1)
		out_text(o, "%s", decided ? "first bad commit " : "most likely ");
	else
		out_text(o, "%s", decided ? "first bad commit in " : "most likely in ");
	out_text(o, "%s", range_name(last->lo, last->hi, a, sizeof(a)));
	out_str(o, "first_bad", " %.12s", r->sha[last->hi][0] ? r->sha[last->hi] : NULL);
	out_i64(o, "range_lo", NULL, last->lo);
	out_i64(o, "range_hi", NULL, last->hi);
	out_double(o, "probability", " at %.4f", last->mass);
	out_double(o, "confidence", decided ? " (asked %g)\n" : ", below the %g asked\n", row->confidence);
	out_u64(o, "boots", "%llu boots", r->boots);
	out_u64(o, "other", " (%llu with another title)", r->other);
	out_u64(o, "infra", ", %llu infra", r->infra);
	out_u64(o, "builds", ", %llu builds", r->builds);
	out_u64(o, "build_failures", " (%llu failed)", r->failed);
	out_double(o, "rate_mean", "; crash rate after the culprit about %.3f\n", bisect_rate_mean(r->b));
	out_u64(o, "measured_boots", NULL, row->measured_boots);
	out_u64(o, "measured_crashes", NULL, row->measured_crashes);
	if (row->measured_boots)
		out_text(o,
			 "the bad end measured before the bisect: the target in %u of %u boots (in the bad "
			 "end's row below)\n",
			 row->measured_crashes, row->measured_boots);

	out_text(o, "\nthe posterior now (commits above 0.001 or booted):\n  %-20s %8s %6s %7s\n", "commit",
		 "prob", "boots", "target");
	out_arr_open(o, "commits");
	for (int i = 1; i <= r->n; i++) {
		const struct bisect_commit *c = bisect_commit(r->b, i);
		double p = bisect_prob(r->b, i);

		if (!o->json && p < 0.001 && !c->boots && !c->skipped)
			continue;
		out_obj_open(o, NULL);
		out_i64(o, "index", NULL, i);
		out_text(o, "  %-20s", commit_name(r, i, a, sizeof(a)));
		out_str(o, "sha", NULL, r->sha[i][0] ? r->sha[i] : NULL);
		out_double(o, "probability", " %8.4f", p);
		out_u64(o, "boots", " %6llu", c->boots);
		out_u64(o, "crashes", " %7llu", c->crashes);
		out_bool(o, "built", NULL, c->built);
		out_bool(o, "skipped", c->skipped ? "  does not build" : "", c->skipped);
		out_text(o, "\n");
		out_obj_close(o);
	}
	out_arr_close(o);

	out_text(o, "\nhow it moved (after each step):\n  %-4s %-20s %5s %6s %5s %6s  %-12s %7s %7s\n",
		 "step", "commit", "boots", "target", "infra", "builds", "leading", "mass", "entropy");
	out_arr_open(o, "steps");
	for (int k = 0; k < r->nsteps; k++) {
		const struct step *s = &r->steps[k];

		out_obj_open(o, NULL);
		out_i64(o, "step", "  %-4lld", k);
		out_text(o, " %-20s", commit_name(r, s->commit, a, sizeof(a)));
		out_i64(o, "commit", NULL, s->commit);
		out_str(o, "sha", NULL, s->commit > 0 && r->sha[s->commit][0] ? r->sha[s->commit] : NULL);
		out_u64(o, "boots", " %5llu", s->boots);
		out_u64(o, "target", " %6llu", s->targets);
		out_u64(o, "infra", " %5llu", s->infra);
		out_u64(o, "builds", " %6llu", s->builds);
		out_text(o, "  %-12s", range_name(s->lo, s->hi, b, sizeof(b)));
		out_i64(o, "leading_lo", NULL, s->lo);
		out_i64(o, "leading_hi", NULL, s->hi);
		out_double(o, "mass", " %7.4f", s->mass);
		out_double(o, "entropy", " %7.3f\n", s->entropy);
		out_arr_open(o, "posterior");
		for (int i = 1; o->json && i <= r->n; i++)
			out_double(o, NULL, NULL, s->post[i]);
		out_arr_close(o);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
}

/* ---- HTML -------------------------------------------------------------- */

static void esc(FILE *f, const char *s)
{
	xml_escape(f, s, true);
}

/*
 * The posterior per step: a row per step (the ends first), a column per
 * commit (or per bin of commits when there are more than the columns),
 * each cell's red the probability; the commit a step booted is outlined.
 */
static void heatmap(FILE *f, const struct replay *r)
{
	int cols = r->n < BISECT_REPORT_COLUMNS ? r->n : BISECT_REPORT_COLUMNS;
	double cw = cols <= 30 ? 24 : 720.0 / cols, ch = 16, left = 150, top = 20;
	int every = (int)ceil(30 / cw); /* a label every 30 px at least */
	double w = left + cols * cw + 20, h = top + r->nsteps * ch + 40;
	char a[64];

	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
		"aria-label=\"posterior over commits per step\">\n",
		w, h);
	for (int k = 0; k < r->nsteps; k++) {
		const struct step *s = &r->steps[k];
		double y = top + k * ch;

		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + ch - 4);
		fprintf(f, "%d: ", k);
		esc(f, commit_name(r, s->commit, a, sizeof(a)));
		fprintf(f, "</text>\n");
		for (int c = 0; c < cols; c++) {
			/* commits lo..hi of this column */
			int lo = 1 + (int)((long long)c * r->n / cols),
			    hi = (int)((long long)(c + 1) * r->n / cols);
			double p = 0;

			for (int i = lo; i <= hi; i++)
				p += s->post[i];
			fprintf(f,
				"<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"#cf222e\" "
				"fill-opacity=\"%.3f\" stroke=\"%s\" stroke-width=\"%s\"><title>step %d, ",
				left + c * cw, y, cw, ch - 1, p > 0 ? 0.04 + 0.96 * p : 0,
				s->commit >= lo && s->commit <= hi ? "#1f2328" : "#e6e9ec",
				s->commit >= lo && s->commit <= hi ? "1.5" : "0.3", k);
			if (lo == hi)
				esc(f, commit_name(r, lo, a, sizeof(a)));
			else
				fprintf(f, "#%d..#%d", lo, hi);
			fprintf(f, ": %.4f</title></rect>\n", p);
		}
	}
	/* the commit axis */
	for (int c = 0; c < cols; c += every) {
		int lo = 1 + (int)((long long)c * r->n / cols);

		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">#%d</text>\n",
			left + (c + 0.5) * cw, top + r->nsteps * ch + 14, lo);
	}
	fprintf(
	    f,
	    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">commit (good end 0 .. bad end %d)</text>\n",
	    left + cols * cw / 2, top + r->nsteps * ch + 32, r->n);
	fprintf(f, "<text x=\"%.0f\" y=\"12\" text-anchor=\"end\">step: booted</text>\n</svg>\n", left - 6);
}

static int write_html(const char *path, const struct bisect_row *row, const struct replay *r)
{
	FILE *f = fopen(path, "w");
	const struct step *last;
	bool decided;
	char a[64], b[64];
	int ret;

	if (!f)
		return -errno;
	last = &r->steps[r->nsteps - 1];
	decided = bisect_answer(r->b, row->confidence, NULL, NULL, NULL);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Bisect ");
	esc(f, row->target);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Bisect <span class=\"title target\">",
		report_css);
	esc(f, row->target);
	fprintf(f, "</span></h1>\n<p class=\"muted\"><code>");
	esc(f, row->good);
	fprintf(f, "</code>..<code>");
	esc(f, row->bad);
	fprintf(f, "</code>, %d commits, tree <code>", r->n);
	esc(f, row->tree);
	fprintf(f, "</code></p>\n<p class=\"note\">%s %s <code>",
		decided ? "First bad commit" : "Undecided; most likely",
		range_name(last->lo, last->hi, a, sizeof(a)));
	esc(f, r->sha[last->hi]);
	fprintf(f,
		"</code> at probability %.4f (%s %g). %u boots (%u with another title, %u infra, never "
		"evidence), %u builds (%u failed).</p>\n",
		last->mass, decided ? "asked" : "below the", row->confidence, r->boots, r->other, r->infra,
		r->builds, r->failed);
	fprintf(f, "<h2>The posterior per step</h2>\n<figure class=\"wide\">\n");
	heatmap(f, r);
	fprintf(f,
		"<figcaption>Each row is the posterior over the culprit after a step (the ends first); the "
		"darker the red, the more probable the commit. The outlined cell is the commit the step "
		"booted.</figcaption>\n</figure>\n");
	fprintf(
	    f,
	    "<h2>Steps</h2>\n<table>\n<tr><th class=\"n\">step</th><th>commit</th><th class=\"n\">boots</th>"
	    "<th class=\"n\">target</th><th class=\"n\">infra</th><th class=\"n\">builds</th><th>leading</th>"
	    "<th class=\"n\">mass</th><th class=\"n\">entropy</th></tr>\n");
	for (int k = 0; k < r->nsteps; k++) {
		const struct step *s = &r->steps[k];

		fprintf(f, "<tr><td class=\"n\">%d</td><td class=\"title\">", k);
		esc(f, commit_name(r, s->commit, a, sizeof(a)));
		fprintf(f,
			"</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
			"<td class=\"n\">%u</td><td>%s</td><td class=\"n\">%.4f</td><td "
			"class=\"n\">%.3f</td></tr>\n",
			s->boots, s->targets, s->infra, s->builds, range_name(s->lo, s->hi, b, sizeof(b)),
			s->mass, s->entropy);
	}
	fprintf(f, "</table>\n<footer>oopsfarm report, doc/bisect.md</footer>\n</body>\n</html>\n");
	ret = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	return ret;
}

int report_bisect(const struct report_opts *o)
{
	struct bisect_row row = {0};
	struct replay r = {0};
	struct store *s;
	struct out out;
	int k, ret = EXIT_INFRA;

	/* a report reads a store, it never creates one */
	k = access(o->store, R_OK) < 0 ? -errno : store_open(o->store, &s);
	if (k < 0) {
		errorf("report", "cannot open store '%s': %s", o->store, strerror(-k));
		return EXIT_INFRA;
	}
	k = store_bisect_one(s, &row);
	if (k <= 0) {
		if (k)
			errorf("report", "cannot read store '%s': %s", o->store, store_errmsg(s));
		else
			errorf("report", "no bisect in '%s'", o->store);
		store_close(s);
		return k ? EXIT_INFRA : EXIT_USAGE;
	}
	r.n = row.ncommits;
	r.sha = calloc(r.n + 1, sizeof(*r.sha));
	if (!r.sha || bisect_new_measured(r.n, NULL, row.measured_boots, row.measured_crashes, &r.b) < 0) {
		errorf("report", "out of memory");
		goto out;
	}
	snprintf(r.sha[0], sizeof(r.sha[0]), "%s", row.good);
	snprintf(r.sha[r.n], sizeof(r.sha[0]), "%s", row.bad);
	if (store_bisect_events_each(s, row.id, on_event, &r) < 0 || r.err) {
		errorf("report", "cannot read the bisect in '%s'", o->store);
		goto out;
	}
	if (!r.nsteps && step_new(&r, 0) < 0)
		goto out;
	if (snapshot(&r) < 0)
		goto out;
	out_init(&out, stdout, o->json);
	print(&out, &row, &r);
	if (out_flush(&out) < 0) {
		errorf("report", "cannot write the report: %s", strerror(errno));
		goto out;
	}
	if (o->html && (k = write_html(o->html, &row, &r)) < 0) {
		errorf("report", "cannot write '%s': %s", o->html, strerror(-k));
		goto out;
	}
	ret = EXIT_OK;
out:
	replay_free(&r);
	store_bisect_row_clear(&row);
	store_close(s);
	return ret;
}
