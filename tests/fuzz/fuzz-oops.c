// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for lib/oops (make fuzz).  Checks, on any input:
 * every report has a title; start < end <= length; reports do not
 * overlap; the same input fed in other chunk sizes gives the same reports;
 * parsing again from a report's start finds that report first, and from
 * its end finds only the reports after it; the hash is the hash of the
 * title and frames the report gives.  Seeds (make fuzz): the fixtures and
 * the syzkaller training logs when ../shared is there.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oops.h"

#define MAXR 256

struct rep {
	char title[OOPS_TITLE_MAX];
	uint64_t start, end, hash;
};

struct got {
	int n;
	struct rep r[MAXR];
};

static void collect(const struct oops_report *r, void *userdata)
{
	struct got *g = userdata;

	if (!r->title[0])
		abort();
	if (r->text_len > OOPS_REPORT_MAX)
		abort();
	if (r->nhash < 0 || r->nhash > r->nframes || r->nframes > OOPS_MAX_FRAMES)
		abort();
	if (r->format < -1 || oops_signature_hash(r->title, r->frames, r->nhash) != r->hash)
		abort();
	for (int i = 0; i < r->nframes; i++)
		if (!r->frames[i] || !r->frames[i][0])
			abort();
	if (g->n < MAXR) {
		strcpy(g->r[g->n].title, r->title);
		g->r[g->n].start = r->start;
		g->r[g->n].end = r->end;
		g->r[g->n].hash = r->hash;
	}
	g->n++;
}

static void run(const uint8_t *d, size_t len, size_t chunk, struct got *g)
{
	struct oops_parser *p = oops_parser_new(collect, g);

	g->n = 0;
	for (size_t off = 0; off < len; off += chunk)
		oops_parser_feed(p, d + off, len - off < chunk ? len - off : chunk);
	oops_parser_finish(p);
	oops_parser_free(p);
}

static struct got a, b;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t len)
{
	size_t chunk = len ? (d[0] % 17) + 1 : 1;

	run(d, len, len ? len : 1, &a);
	for (int i = 0; i < a.n && i < MAXR; i++) {
		if (!(a.r[i].start < a.r[i].end && a.r[i].end <= len))
			abort();
		if (i && a.r[i].start < a.r[i - 1].end)
			abort();
	}
	run(d, len, chunk, &b);
	if (a.n != b.n)
		abort();
	for (int i = 0; i < a.n && i < MAXR; i++)
		if (strcmp(a.r[i].title, b.r[i].title) || a.r[i].start != b.r[i].start ||
		    a.r[i].end != b.r[i].end || a.r[i].hash != b.r[i].hash)
			abort();
	if (a.n > 0 && a.n <= MAXR) {
		/* re-parse from the first report's start */
		uint64_t s = a.r[0].start;
		char t[OOPS_TITLE_MAX];

		strcpy(t, a.r[0].title);
		run(d + s, len - s, 4096, &b);
		if (b.n < 1 || strcmp(b.r[0].title, t) || b.r[0].start != 0)
			abort();
		/* and from its end, the others only */
		s = a.r[0].end;
		run(d + s, len - s, 4096, &b);
		if (b.n != a.n - 1)
			abort();
	}
	return 0;
}
