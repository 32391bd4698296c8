// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the protocol decoder in lib/proto (make fuzz).
 * Checks, on any console bytes, the promises of proto.h:
 *  - the same messages, reports, problems, statistics and console text
 *    whether the input is fed at once, in chunks of 1..64 bytes, or one
 *    byte at a time (short inputs);
 *  - console text is the input with agent lines taken out: a subsequence
 *    of it, in order, and all of it when the input holds no 'O' (nothing
 *    that could start the prefix);
 *  - every message has a valid type and a boot >= 1 that never goes down,
 *    statistics agree with the callbacks, reports are at most
 *    PROTO_REPORT_MAX bytes and NUL-terminated;
 *  - a value encoded by the writer decodes to the same bytes.
 * Time and memory are bounded by libFuzzer's -timeout and -rss_limit_mb
 * (the decoder allocates PROTO_DECODER_MEM_MAX once).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "proto.h"

/* What one decode produced: a running hash of the events, and counts. */
struct run {
	uint32_t events; /* CRC over every callback's data, in order */
	uint64_t msgs, reports;
	uint64_t problems[PROTO_REORDERED + 1]; /* counts by enum proto_problem */
	unsigned int last_boot;
	uint8_t *console;
	size_t console_len, console_cap;
};

static void mix(struct run *r, const void *p, size_t n)
{
	r->events = crc32_update(r->events, p, n);
}

static void on_msg(const struct proto_msg *m, void *ud)
{
	struct run *r = ud;

	if ((unsigned)m->type >= PROTO_TYPE_COUNT || !m->type_name || m->boot < 1 || m->boot < r->last_boot ||
	    m->nfields < 0 || m->nfields > PROTO_FIELDS_MAX)
		abort();
	for (int i = 0; i < m->nfields; i++) {
		if (!m->fields[i].key[0] || m->fields[i].value[m->fields[i].value_len] != '\0')
			abort();
		mix(r, m->fields[i].key, strlen(m->fields[i].key) + 1);
		mix(r, m->fields[i].value, m->fields[i].value_len);
	}
	r->last_boot = m->boot;
	r->msgs++;
	mix(r, &m->seq, sizeof(m->seq));
	mix(r, &m->crc, sizeof(m->crc));
	mix(r, &m->type, sizeof(m->type));
	mix(r, &m->boot, sizeof(m->boot));
	mix(r, &m->recovered, sizeof(m->recovered));
	mix(r, &m->offset, sizeof(m->offset));
}

static void on_report(const struct proto_report *rep, void *ud)
{
	struct run *r = ud;

	if (rep->len > PROTO_REPORT_MAX || rep->text[rep->len] != '\0')
		abort();
	r->reports++;
	mix(r, rep->text, rep->len);
	mix(r, &rep->boot, sizeof(rep->boot));
	mix(r, &rep->id, sizeof(rep->id));
	mix(r, &rep->complete, sizeof(rep->complete));
}

static void on_problem(enum proto_problem what, uint32_t seq, uint32_t count, uint64_t offset, void *ud)
{
	struct run *r = ud;

	if (count == 0 || (unsigned)what > PROTO_REORDERED)
		abort();
	r->problems[what] += count;
	mix(r, &what, sizeof(what));
	mix(r, &seq, sizeof(seq));
	mix(r, &count, sizeof(count));
	mix(r, &offset, sizeof(offset));
}

static void on_console(const char *buf, size_t len, void *ud)
{
	struct run *r = ud;

	if (!len)
		abort(); /* console_out() never passes empty text */
	if (r->console_len + len > r->console_cap)
		abort(); /* more console text than input */
	memcpy(r->console + r->console_len, buf, len);
	r->console_len += len;
}

static const struct proto_decoder_ops ops = {on_msg, on_report, on_problem, on_console};

static void run(const uint8_t *d, size_t len, size_t chunk, struct run *r)
{
	struct proto_decoder *dec = proto_decoder_new(&ops, r);
	struct proto_stats st;

	if (!dec)
		abort();
	free(r->console);
	memset(r, 0, sizeof(*r));
	r->console_cap = len;
	r->console = malloc(len + 1);
	for (size_t off = 0; off < len; off += chunk)
		if (proto_decoder_feed(dec, d + off, len - off < chunk ? len - off : chunk) != 0)
			abort();
	if (proto_decoder_finish(dec) != 0)
		abort();
	proto_decoder_stats(dec, &st);
	proto_decoder_free(dec);
	if (st.lines != r->msgs || st.lost != r->problems[PROTO_LOST] ||
	    st.corrupt != r->problems[PROTO_CORRUPT] || st.duplicate != r->problems[PROTO_DUPLICATE] ||
	    st.reordered != r->problems[PROTO_REORDERED] || st.boots > st.lines || st.recovered > st.lines)
		abort();
	mix(r, &st, sizeof(st));
}

static bool same(const struct run *a, const struct run *b)
{
	return a->events == b->events && a->console_len == b->console_len &&
	       !memcmp(a->console, b->console, a->console_len);
}

/* A value through the writer and back through the decoder. */
static struct {
	const char *want;
	size_t len;
	bool seen;
} rt;

static void rt_msg(const struct proto_msg *m, void *ud)
{
	const char *v = proto_msg_get(m, "text");

	if (!v || m->fields[2].value_len != rt.len || memcmp(m->fields[2].value, rt.want, rt.len))
		abort();
	rt.seen = true;
}

static int rt_write(const void *buf, size_t len, void *ud)
{
	static const struct proto_decoder_ops rops = {.msg = rt_msg};
	struct proto_decoder *dec = proto_decoder_new(&rops, NULL);

	proto_decoder_feed(dec, buf, len);
	proto_decoder_finish(dec);
	proto_decoder_free(dec);
	return 0;
}

static void round_trip(const uint8_t *d, size_t len)
{
	struct proto_writer w;
	struct proto_line l;

	if (len > 300)
		len = 300; /* fits a line even fully escaped */
	proto_writer_init(&w, rt_write, NULL);
	proto_line_start(&l, PROTO_LOG);
	proto_line_add(&l, "level", "info");
	proto_line_add(&l, "what", "fuzz");
	if (proto_line_addn(&l, "text", (const char *)d, len) != 0)
		abort();
	rt.want = (const char *)d;
	rt.len = len;
	rt.seen = false;
	if (proto_writer_send(&w, &l) != 0 || !rt.seen)
		abort();
}

static struct run a, b;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t len)
{
	size_t chunk = len ? (size_t)(d[0] % 64) + 1 : 1;
	size_t i = 0, j = 0;

	run(d, len, len ? len : 1, &a);
	/* Console text is a subsequence of the input. */
	for (; i < a.console_len && j < len; j++)
		if (a.console[i] == d[j])
			i++;
	if (i != a.console_len)
		abort();
	if (!memchr(d, 'O', len) && (a.console_len != len || memcmp(a.console, d, len)))
		abort();
	run(d, len, chunk, &b);
	if (!same(&a, &b))
		abort();
	if (len <= 4096) {
		run(d, len, 1, &b);
		if (!same(&a, &b))
			abort();
	}
	round_trip(d, len);
	return 0;
}
