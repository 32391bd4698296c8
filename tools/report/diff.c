// SPDX-License-Identifier: MIT
/* diff.c - what changed between nights; see diff.h and doc/nightly.md. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oopsfarm.h"
#include "report/diff.h"
#include "report/report.h"
#include "stats.h"

const char *diff_kind_name(enum diff_kind k)
{
	static const char *const names[] = {"new", "gone", "rate", "pass", "infra", "no-baseline", "not-run"};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* the baseline of one cell: the same variant and setup, pooled over nights */
struct pooled {
	bool seen;
	unsigned boots, pass, infra;
};

static const struct night_cell *find_cell(const struct night *n, const char *variant, const char *setup)
{
	for (unsigned i = 0; i < n->ncells; i++)
		if (!strcmp(n->cells[i].variant, variant) && !strcmp(n->cells[i].setup, setup))
			return &n->cells[i];
	return NULL;
}

static unsigned title_boots(const struct night_cell *c, const char *title)
{
	for (unsigned i = 0; c && i < c->ntitles; i++)
		if (!strcmp(c->titles[i].title, title))
			return c->titles[i].boots;
	return 0;
}

static const char *known_link(const struct diff_input *in, const char *title)
{
	for (unsigned i = 0; i < in->nknown; i++)
		if (!strcmp(in->known[i].title, title))
			return in->known[i].link;
	return NULL;
}

struct builder {
	struct diff_item *items;
	unsigned n, cap;
};

static struct diff_item *add(struct builder *b, enum diff_kind kind, const struct night_cell *c)
{
	struct diff_item *it;

	if (b->n == b->cap) {
		unsigned cap = b->cap ? 2 * b->cap : 32;
		struct diff_item *p = realloc(b->items, cap * sizeof(*p));

		if (!p)
			return NULL;
		b->items = p;
		b->cap = cap;
	}
	it = &b->items[b->n++];
	*it = (struct diff_item){.kind = kind, .variant = c->variant, .setup = c->setup, .p = 1, .q = 1};
	return it;
}

/* k/n against bk/bn, both ways: tonight above the baseline? */
static bool rate_up(unsigned k, unsigned n, unsigned bk, unsigned bn)
{
	return n && bn && (double)k * bn > (double)bk * n;
}

/* The titles of the cell's baseline, each once, pooled over the nights:
 * the gone ones are those with no boot tonight. */
static int add_gone(struct builder *b, const struct diff_input *in, const struct night_cell *c, unsigned bn)
{
	for (unsigned j = 0; j < in->nbase; j++) {
		const struct night_cell *bc = find_cell(&in->base[j], c->variant, c->setup);

		for (unsigned t = 0; bc && t < bc->ntitles; t++) {
			const char *title = bc->titles[t].title;
			struct diff_item *it;
			unsigned bk = 0;
			bool dup = false;

			if (title_boots(c, title))
				continue;
			/* said once, at the first baseline night that has it */
			for (unsigned e = 0; e < j && !dup; e++)
				dup = title_boots(find_cell(&in->base[e], c->variant, c->setup), title) > 0;
			if (dup)
				continue;
			for (unsigned e = j; e < in->nbase; e++)
				bk += title_boots(find_cell(&in->base[e], c->variant, c->setup), title);
			if (!(it = add(b, DIFF_GONE, c)))
				return -ENOMEM;
			it->title = title;
			it->k = 0, it->n = c->boots, it->bk = bk, it->bn = bn;
			it->p = stats_fisher_greater(bk, bn - bk, 0, c->boots);
			it->bound = stats_upper_bound(0, c->boots, 0.95);
			it->link = known_link(in, title);
		}
	}
	return 0;
}

int diff_compute(const struct diff_input *in, struct diff_result *ret)
{
	const struct night *t = in->tonight;
	struct builder b = {0};
	struct diff_result r = {.level = in->level > 0 ? in->level : 0.05};
	double *p = NULL, *q = NULL;
	unsigned *fam = NULL, m = 0;

	for (unsigned j = 0; j < in->nbase; j++)
		if (strcmp(in->base[j].plan_hash ? in->base[j].plan_hash : "",
			   t->plan_hash ? t->plan_hash : ""))
			r.unlike_plans = true;
	if (t->status && !strcmp(t->status, "build-failed")) {
		r.build_failed = true;
		*ret = r;
		return 0;
	}
	for (unsigned i = 0; i < t->ncells; i++) {
		const struct night_cell *c = &t->cells[i];
		struct pooled base = {0};
		struct diff_item *it;

		for (unsigned j = 0; j < in->nbase; j++) {
			const struct night_cell *bc = find_cell(&in->base[j], c->variant, c->setup);

			if (!bc)
				continue;
			base.seen = true;
			base.boots += bc->boots;
			base.pass += bc->pass;
			base.infra += bc->infra;
		}
		if (!base.seen) {
			if (!(it = add(&b, DIFF_NO_BASELINE, c)))
				goto nomem;
			it->k = c->pass, it->n = c->boots;
			continue;
		}
		/* the pass rate: a fall is a regression */
		if (!(it = add(&b, DIFF_PASS, c)))
			goto nomem;
		it->k = c->pass, it->n = c->boots, it->bk = base.pass, it->bn = base.boots;
		it->up = rate_up(it->k, it->n, it->bk, it->bn);
		if (c->boots && base.boots)
			it->p = stats_fisher_exact(c->pass, c->boots - c->pass, base.pass,
						   base.boots - base.pass);
		/* tonight's titles: new, or a rate to compare */
		for (unsigned k = 0; k < c->ntitles; k++) {
			unsigned bk = 0;

			for (unsigned j = 0; j < in->nbase; j++)
				bk += title_boots(find_cell(&in->base[j], c->variant, c->setup),
						  c->titles[k].title);
			if (!(it = add(&b, bk ? DIFF_RATE : DIFF_NEW, c)))
				goto nomem;
			it->title = c->titles[k].title;
			it->k = c->titles[k].boots, it->n = c->boots, it->bk = bk, it->bn = base.boots;
			it->up = it->k && rate_up(it->k, it->n, bk, base.boots);
			it->link = known_link(in, it->title);
			it->first_boot = c->titles[k].first_boot;
			if (!bk)
				it->p = stats_fisher_greater(it->k, it->n - it->k, 0, base.boots);
			else
				it->p = stats_fisher_exact(it->k, it->n - it->k, bk, base.boots - bk);
		}
		if (add_gone(&b, in, c, base.boots) < 0)
			goto nomem;
		/* infra apart: never in the family, never a regression */
		if (!(it = add(&b, DIFF_INFRA, c)))
			goto nomem;
		it->k = c->infra, it->n = c->boots + c->infra;
		it->bk = base.infra, it->bn = base.boots + base.infra;
		it->up = rate_up(it->k, it->n, it->bk, it->bn);
		if (it->n && it->bn)
			it->p = stats_fisher_exact(it->k, it->n - it->k, it->bk, it->bn - it->bk);
		it->q = it->p;
		it->significant = it->p <= r.level;
	}
	/* the baseline's cells tonight did not boot: once each, pooled */
	for (unsigned j = 0; j < in->nbase; j++)
		for (unsigned i = 0; i < in->base[j].ncells; i++) {
			const struct night_cell *bc = &in->base[j].cells[i];
			struct diff_item *it;
			bool said = find_cell(t, bc->variant, bc->setup) != NULL;

			for (unsigned e = 0; e < j && !said; e++)
				said = find_cell(&in->base[e], bc->variant, bc->setup) != NULL;
			if (said)
				continue;
			if (!(it = add(&b, DIFF_NOT_RUN, bc)))
				goto nomem;
			for (unsigned e = j; e < in->nbase; e++) {
				const struct night_cell *x = find_cell(&in->base[e], bc->variant, bc->setup);

				it->bk += x ? x->pass : 0;
				it->bn += x ? x->boots : 0;
			}
		}
	/* one Benjamini-Hochberg family: every new, gone, rate and pass test */
	p = malloc((b.n + 1) * sizeof(*p));
	q = malloc((b.n + 1) * sizeof(*q));
	fam = malloc((b.n + 1) * sizeof(*fam));
	if (!p || !q || !fam)
		goto nomem;
	for (unsigned i = 0; i < b.n; i++)
		if (b.items[i].kind <= DIFF_PASS) {
			fam[m] = i;
			p[m++] = b.items[i].p;
		}
	if (stats_bh_adjust(p, m, q) < 0)
		goto nomem;
	for (unsigned j = 0; j < m; j++) {
		struct diff_item *it = &b.items[fam[j]];

		it->q = q[j];
		it->significant = q[j] <= r.level;
		/* worse tonight: a title new or up, the pass rate down */
		if (it->kind == DIFF_PASS)
			it->regression = it->significant && rate_up(it->bk, it->bn, it->k, it->n);
		else
			it->regression = it->significant && it->kind != DIFF_GONE && it->up;
		r.regressions += it->regression;
	}
	free(p);
	free(q);
	free(fam);
	r.items = b.items;
	r.nitems = b.n;
	r.ntests = m;
	*ret = r;
	return 0;
nomem:
	free(p);
	free(q);
	free(fam);
	free(b.items);
	return -ENOMEM;
}

void diff_result_clear(struct diff_result *r)
{
	if (!r)
		return;
	free(r->items);
	r->items = NULL;
	r->nitems = 0;
}

int diff_exit_status(const struct diff_result *r)
{
	return r->build_failed || r->regressions > 0 ? EXIT_TESTFAIL : EXIT_OK;
}

/* ,"key":"value" */
static void kv(FILE *f, const char *key, const char *value)
{
	fprintf(f, ",\"%s\":", key);
	json_escape(f, value);
}

static void json_num(FILE *f, const char *key, double v)
{
	fprintf(f, ",\"%s\":", key);
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

static int print_json(const struct diff_input *in, const struct diff_result *r, FILE *f)
{
	const struct night *t = in->tonight;

	fputs("{\"version\":1,\"plan\":", f);
	json_escape(f, t->plan ? t->plan : "");
	kv(f, "night", t->date ? t->date : "");
	kv(f, "commit", t->commit ? t->commit : "");
	kv(f, "status", t->status ? t->status : "");
	fputs(",\"baseline\":[", f);
	for (unsigned j = 0; j < in->nbase; j++) {
		fputs(j ? "," : "", f);
		json_escape(f, in->base[j].date ? in->base[j].date : "");
	}
	fprintf(f,
		"],\"unlike_plans\":%s,\"build_failed\":%s,\"fdr\":%g,\"tests\":%u,\"regressions\":%u,"
		"\"items\":[",
		r->unlike_plans ? "true" : "false", r->build_failed ? "true" : "false", r->level, r->ntests,
		r->regressions);
	for (unsigned i = 0; i < r->nitems; i++) {
		const struct diff_item *it = &r->items[i];

		fprintf(f, "%s{\"kind\":\"%s\",\"variant\":", i ? "," : "", diff_kind_name(it->kind));
		json_escape(f, it->variant);
		kv(f, "setup", it->setup);
		if (it->title) {
			kv(f, "title", it->title);
		}
		fprintf(f, ",\"count\":%u,\"boots\":%u,\"base_count\":%u,\"base_boots\":%u", it->k, it->n,
			it->bk, it->bn);
		json_num(f, "p", it->p);
		json_num(f, "q", it->q);
		if (it->kind == DIFF_GONE)
			json_num(f, "bound", it->bound);
		fprintf(f, ",\"up\":%s,\"significant\":%s,\"regression\":%s", it->up ? "true" : "false",
			it->significant ? "true" : "false", it->regression ? "true" : "false");
		if (it->link) {
			kv(f, "known", it->link);
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* "3/12 (25.0%)" */
static const char *frac(unsigned k, unsigned n, char *buf, size_t size)
{
	char pct[32];

	snprintf(buf, size, "%u/%u (%s)", k, n, n ? report_pct((double)k / n, pct, sizeof(pct)) : "-");
	return buf;
}

static void print_item(const struct diff_item *it, FILE *f)
{
	char a[64], b[64], pct[32];
	const char *what = it->kind == DIFF_NEW	   ? "new"
			   : it->kind == DIFF_GONE ? "gone"
			   : it->up		   ? "rate up"
						   : "rate down";

	if (it->kind == DIFF_PASS)
		what = it->up ? "pass up" : "pass down";
	fprintf(f, "  %-9s %s: %s tonight, %s before, p=%.2g q=%.2g%s\n", what,
		it->title ? it->title : "pass rate", frac(it->k, it->n, a, sizeof(a)),
		frac(it->bk, it->bn, b, sizeof(b)), it->p, it->q, it->regression ? "  REGRESSION" : "");
	if (it->kind == DIFF_GONE)
		fprintf(
		    f,
		    "            had it stayed at %s per boot or more, %u boots would have shown it with 95%%"
		    " probability\n",
		    report_pct(it->bound, pct, sizeof(pct)), it->n);
	if (it->link)
		fprintf(f, "            known issue: %s\n", it->link);
}

static int print_text(const struct diff_input *in, const struct diff_result *r, FILE *f)
{
	const struct night *t = in->tonight;
	unsigned quiet = 0;

	fprintf(f, "nightly %s, night %s", t->plan, t->date);
	if (t->commit && t->commit[0])
		fprintf(f, " (commit %.12s)", t->commit);
	if (in->nbase) {
		fprintf(f, " against %s", in->base[in->nbase - 1].date);
		if (in->nbase > 1)
			fprintf(f, " and %u nights before (pooled per setup)", in->nbase - 1);
	} else {
		fprintf(f, ": no baseline night");
	}
	fputc('\n', f);
	if (r->unlike_plans)
		fprintf(f, "note: unlike plans: the plan file changed between the nights compared\n");
	if (r->build_failed) {
		fprintf(f, "the night's build failed%s%s: no boots, nothing compared\n",
			t->reason ? ": " : "", t->reason ? t->reason : "");
		return ferror(f) ? -EIO : 0;
	}
	for (unsigned i = 0; i < r->nitems; i++) {
		const struct diff_item *it = &r->items[i];

		if (it->kind == DIFF_PASS || it->kind == DIFF_NO_BASELINE) {
			char a[64];

			fprintf(f, "%s on %s: %u boots, pass %s%s\n", it->variant, it->setup, it->n,
				frac(it->k, it->n, a, sizeof(a)),
				it->kind == DIFF_NO_BASELINE ? "; not in the baseline, not compared" : "");
		}
		if (it->kind == DIFF_NOT_RUN) {
			fprintf(f, "%s on %s: no boots tonight (%u before): not compared\n", it->variant,
				it->setup, it->bn);
			continue;
		}
		if (it->kind == DIFF_INFRA) {
			char a[64], b[64];

			if (it->k || it->bk)
				fprintf(f,
					"  infra     %s tonight, %s before, p=%.2g%s (apart, never a "
					"regression)\n",
					frac(it->k, it->n, a, sizeof(a)), frac(it->bk, it->bn, b, sizeof(b)),
					it->p, it->significant ? ", changed" : "");
			continue;
		}
		/* new and gone titles always; rates and the pass rate when significant */
		if (it->kind == DIFF_NEW || it->kind == DIFF_GONE ||
		    ((it->kind == DIFF_RATE || it->kind == DIFF_PASS) && it->significant))
			print_item(it, f);
		else if (it->kind == DIFF_RATE)
			quiet++;
	}
	fprintf(f,
		"%u regression%s; %u title rate%s without a significant change (Benjamini-Hochberg over %u"
		" tests at FDR %g%%)\n",
		r->regressions, r->regressions == 1 ? "" : "s", quiet, quiet == 1 ? "" : "s", r->ntests,
		r->level * 100);
	return ferror(f) ? -EIO : 0;
}

int diff_print(const struct diff_input *in, const struct diff_result *r, bool json, FILE *f)
{
	return json ? print_json(in, r, f) : print_text(in, r, f);
}
