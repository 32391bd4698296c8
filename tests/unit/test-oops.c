// SPDX-License-Identifier: MIT
/*
 * test-oops: the parser against every fixture in tests/fixtures/.
 *
 * A fixture is a header, then the raw log:
 *   #oopsfarm-fixture v1
 *   #source: where the log comes from
 *   #report: KIND ok|corrupted TITLE     (one per expected report, in order)
 *   #frames: F1 F2 ...                   (its hash frames, doc/signatures.md)
 *   #hash: 16 hex digits                 (its signature hash)
 *   #end
 *   <raw console bytes>
 * With UPDATE=1 the #report lines are rewritten from what the parser finds
 * (review the diff).  Every fixture is also checked for the invariants of
 * doc/signatures.md and parsed in several chunk sizes.
 *
 * tests/fixtures/formats/NNN-name.log holds one synthetic report per title
 * format row NNN of lib/oops-formats.c, made of the kernel's own printk
 * strings: its first report must come from that row, and every row must
 * have its fixture.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oops-formats.h"
#include "oops.h"
#include "tap.h"

#define MAX_REPORTS 64

struct got {
	int n;
	struct {
		char title[OOPS_TITLE_MAX];
		char frame[OOPS_FRAME_MAX];
		enum oops_kind kind;
		int format;
		bool corrupted;
		uint64_t start, end, hash;
		char frames[512]; /* the hash frames, blank-separated */
	} r[MAX_REPORTS];
};

static void collect(const struct oops_report *r, void *userdata)
{
	struct got *g = userdata;

	if (g->n >= MAX_REPORTS)
		return;
	strcpy(g->r[g->n].title, r->title);
	strcpy(g->r[g->n].frame, r->frame);
	g->r[g->n].kind = r->kind;
	g->r[g->n].format = r->format;
	g->r[g->n].corrupted = r->corrupted;
	g->r[g->n].start = r->start;
	g->r[g->n].end = r->end;
	g->r[g->n].hash = r->hash;
	g->r[g->n].frames[0] = '\0';
	for (int i = 0; i < r->nhash; i++) {
		size_t l = strlen(g->r[g->n].frames);

		snprintf(g->r[g->n].frames + l, sizeof(g->r[g->n].frames) - l, "%s%s", i ? " " : "",
			 r->frames[i]);
	}
	g->n++;
}

static void parse_chunked(const char *buf, size_t len, size_t chunk, struct got *g)
{
	struct oops_parser *p = oops_parser_new(collect, g);

	memset(g, 0, sizeof(*g));
	for (size_t off = 0; off < len; off += chunk)
		oops_parser_feed(p, buf + off, len - off < chunk ? len - off : chunk);
	oops_parser_finish(p);
	oops_parser_free(p);
}

static bool same(const struct got *a, const struct got *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->r[i].title, b->r[i].title) || a->r[i].start != b->r[i].start ||
		    a->r[i].end != b->r[i].end || a->r[i].hash != b->r[i].hash ||
		    a->r[i].corrupted != b->r[i].corrupted)
			return false;
	return true;
}

static bool row_seen[512];

static void check_fixture(const char *dir, const char *name)
{
	char path[4096], *data, *body, *end;
	size_t len, blen;
	struct got g, g2;
	static const size_t chunks[] = {1, 2, 3, 7, 61, 4096};
	int nexp = 0;
	char exp_line[MAX_REPORTS][512];
	char exp_frames[MAX_REPORTS][512], exp_hash[MAX_REPORTS][32];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	data = tap_slurp(path, &len);
	if (!ok(data != NULL, "%s: readable", name))
		return;
	end = strstr(data, "\n#end\n");
	if (!ok(!strncmp(data, "#oopsfarm-fixture v1\n", 21) && end, "%s: has a fixture header", name)) {
		free(data);
		return;
	}
	body = end + 6;
	blen = len - (body - data);
	for (char *l = data; l < end; l = strchr(l, '\n') + 1) {
		if (!strncmp(l, "#report: ", 9) && nexp < MAX_REPORTS) {
			size_t n = strcspn(l + 9, "\n");

			exp_frames[nexp][0] = exp_hash[nexp][0] = '\0';
			snprintf(exp_line[nexp++], sizeof(exp_line[0]), "%.*s", (int)n, l + 9);
		} else if (!strncmp(l, "#frames:", 8) && nexp > 0) {
			size_t n = strcspn(l + 8, "\n");
			const char *v = l + 8 + (l[8] == ' ');

			snprintf(exp_frames[nexp - 1], sizeof(exp_frames[0]), "%.*s", (int)(n - (v - l - 8)),
				 v);
		} else if (!strncmp(l, "#hash: ", 7) && nexp > 0) {
			snprintf(exp_hash[nexp - 1], sizeof(exp_hash[0]), "%.*s", (int)strcspn(l + 7, "\n"),
				 l + 7);
		}
	}

	parse_chunked(body, blen, blen ? blen : 1, &g);

	if (getenv("UPDATE") && *getenv("UPDATE")) {
		FILE *f = fopen(path, "wb");

		for (char *l = data; l < end + 1; l = strchr(l, '\n') + 1)
			if (strncmp(l, "#report: ", 9) && strncmp(l, "#frames:", 8) &&
			    strncmp(l, "#hash: ", 7))
				fwrite(l, 1, strchr(l, '\n') + 1 - l, f);
		for (int i = 0; i < g.n; i++) {
			fprintf(f, "#report: %s %s %s\n", oops_kind_name(g.r[i].kind),
				g.r[i].corrupted ? "corrupted" : "ok", g.r[i].title);
			fprintf(f, "#frames:%s%s\n", g.r[i].frames[0] ? " " : "", g.r[i].frames);
			fprintf(f, "#hash: %016llx\n", (unsigned long long)g.r[i].hash);
			snprintf(exp_frames[i], sizeof(exp_frames[0]), "%s", g.r[i].frames);
			snprintf(exp_hash[i], sizeof(exp_hash[0]), "%016llx",
				 (unsigned long long)g.r[i].hash);
		}
		fputs("#end\n", f);
		fwrite(body, 1, blen, f);
		fclose(f);
		diag("%s: rewrote %d expected reports", name, g.n);
		nexp = g.n;
		for (int i = 0; i < g.n; i++)
			snprintf(exp_line[i], sizeof(exp_line[0]), "%s %s %s", oops_kind_name(g.r[i].kind),
				 g.r[i].corrupted ? "corrupted" : "ok", g.r[i].title);
	}

	ok_int(g.n, nexp, "%s: %d reports", name, nexp);
	for (int i = 0; i < g.n && i < nexp; i++) {
		char gotl[512];

		snprintf(gotl, sizeof(gotl), "%s %s %s", oops_kind_name(g.r[i].kind),
			 g.r[i].corrupted ? "corrupted" : "ok", g.r[i].title);
		ok_str(gotl, exp_line[i], "%s: report %d", name, i + 1);
		if (exp_hash[i][0]) {
			char h[32];

			snprintf(h, sizeof(h), "%016llx", (unsigned long long)g.r[i].hash);
			ok_str(g.r[i].frames, exp_frames[i], "%s: report %d frames", name, i + 1);
			ok_str(h, exp_hash[i], "%s: report %d hash", name, i + 1);
		}
	}

	for (int i = 0; i < g.n; i++)
		if (g.r[i].format >= 0 && g.r[i].format < 512)
			row_seen[g.r[i].format] = true;
	if (name[0] >= '0' && name[0] <= '9') {
		int row = atoi(name);

		ok(g.n > 0 && g.r[0].format == row, "%s: first report from format row %d (got %d)", name, row,
		   g.n > 0 ? g.r[0].format : -2);
	}

	/* invariants */
	for (int i = 0; i < g.n; i++) {
		struct got from;

		ok(g.r[i].title[0], "%s: report %d has a title", name, i + 1);
		ok(g.r[i].start < g.r[i].end && g.r[i].end <= blen,
		   "%s: report %d: start %llu < end %llu <= %zu", name, i + 1,
		   (unsigned long long)g.r[i].start, (unsigned long long)g.r[i].end, blen);
		if (i > 0)
			ok(g.r[i].start >= g.r[i - 1].end, "%s: report %d starts after report %d ends", name,
			   i + 1, i);
		parse_chunked(body + g.r[i].start, blen - g.r[i].start, 4096, &from);
		ok(from.n > 0 && !strcmp(from.r[0].title, g.r[i].title) && from.r[0].start == 0,
		   "%s: parsing again from report %d's start finds it first", name, i + 1);
		parse_chunked(body + g.r[i].end, blen - g.r[i].end, 4096, &from);
		ok(from.n == g.n - i - 1, "%s: parsing again from report %d's end finds only the %d after it",
		   name, i + 1, g.n - i - 1);
	}

	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		parse_chunked(body, blen, chunks[c], &g2);
		ok(same(&g, &g2), "%s: same reports in %zu-byte chunks", name, chunks[c]);
	}
	free(data);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[1024];
	int n = 0;

	if (!ok(d != NULL, "fixture directory %s", dir))
		return;
	while ((e = readdir(d)) && n < 1024)
		if (strstr(e->d_name, ".log"))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	for (int i = 0; i < n; i++) {
		check_fixture(dir, names[i]);
		free(names[i]);
	}
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
	char formats[4096];

	check_dir(dir);
	snprintf(formats, sizeof(formats), "%s/formats", dir);
	check_dir(formats);
	/* row coverage: each title format has a fixture that uses it */
	for (size_t i = 0; i < oops_nformats && i < 512; i++)
		ok(row_seen[i], "format row %zu (%s) is matched by a fixture", i, oops_formats[i].title);
	return tap_done();
}
