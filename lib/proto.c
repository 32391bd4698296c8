// SPDX-License-Identifier: MIT
/*
 * proto.c - the agent's serial line protocol, see proto.h and
 * doc/protocol.md.
 *
 * The decoder works line by line on a bounded buffer.  A line that holds
 * the prefix but fails its CRC is usually an agent line that the kernel's
 * console output cut in two: the kernel prints whole lines, so the console
 * shows "A<kernel line>\n<kernel lines>\nB\n" for the agent line A+B.  The
 * decoder keeps A (with the kernel text after it) for a few lines, and
 * when a line ending in ":<8 hex>" arrives it tries every join point of
 * A against that CRC.  A false match needs a CRC-32 collision for one of at
 * most PROTO_LINE_MAX join points, about 1 in 4 million per candidate line.
 *
 * Every buffer is allocated by proto_decoder_new() with a fixed size
 * (PROTO_DECODER_MEM_MAX in all), and every console byte is copied into
 * the line buffer once, scanned for the prefix once, and, when it is part
 * of a line that may be agent output, CRC'd a bounded number of times:
 * the work is linear in the input however it is chunked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "hex.h"
#include "proto.h"

#define PREFIX_LEN	(sizeof(PROTO_PREFIX) - 1)
#define LINEBUF_MAX	8192	    /* console lines longer than this are cut */
#define PENDING_LINES	64	    /* lines a split agent line waits for its tail */
#define HELD_MAX	(16 * 1024) /* console bytes held back meanwhile */
#define JOIN_TRIES_MAX	8	    /* lines that could end it, tried as its tail */
#define JOIN_PARSES_MAX 4	    /* CRC matches parsed per tail: a real one is the first */

static const char *const type_names[PROTO_TYPE_COUNT] = {
    [PROTO_BEGIN] = "BEGIN", [PROTO_LOG] = "LOG",     [PROTO_MOD] = "MOD",
    [PROTO_LOAD] = "LOAD",   [PROTO_CRASH] = "CRASH", [PROTO_REPORT] = "REPORT",
    [PROTO_CASE] = "CASE",   [PROTO_END] = "END",     [PROTO_UNKNOWN] = "UNKNOWN",
};

const char *proto_type_name(enum proto_type type)
{
	if ((unsigned)type >= PROTO_TYPE_COUNT)
		return NULL;
	return type_names[type];
}

/* ---- encoder ---- */

static bool needs_escape(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == '%';
}

size_t proto_escape(const char *value, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		size_t need = needs_escape(c) ? 3 : 1;

		/* Never cut inside an escape: stop before a value that will not fit. */
		if (o + need + 1 > cap)
			break;
		if (need == 3) {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	if (cap)
		out[o] = '\0';
	return o;
}

void proto_line_start(struct proto_line *l, enum proto_type type)
{
	l->type = type;
	l->len = 0;
	l->cut = false;
	l->payload[0] = '\0';
}

/* Room for "OOPSFARM:4294967295:UNKNOWN:" + ":crc8\n": keep it out of the payload. */
#define FRAME_ROOM  (PREFIX_LEN + 10 + 1 + 8 + 1 + 1 + 8 + 1 + 1)
#define PAYLOAD_MAX (PROTO_LINE_MAX - FRAME_ROOM)

int proto_line_addn(struct proto_line *l, const char *key, const char *value, size_t len)
{
	size_t klen = strlen(key), room, n, full = 0;

	if (l->len + (l->len ? 1 : 0) + klen + 1 >= PAYLOAD_MAX) {
		l->cut = true;
		return -E2BIG;
	}
	if (l->len)
		l->payload[l->len++] = ' ';
	memcpy(l->payload + l->len, key, klen);
	l->len += klen;
	l->payload[l->len++] = '=';
	room = PAYLOAD_MAX - l->len;
	n = proto_escape(value, len, l->payload + l->len, room);
	l->len += n;
	l->payload[l->len] = '\0';
	for (size_t i = 0; i < len; i++)
		full += needs_escape((unsigned char)value[i]) ? 3 : 1;
	if (full != n) {
		l->cut = true;
		return -E2BIG;
	}
	return 0;
}

int proto_line_add(struct proto_line *l, const char *key, const char *value)
{
	if (!value)
		value = "";
	return proto_line_addn(l, key, value, strlen(value));
}

int proto_line_addf(struct proto_line *l, const char *key, const char *fmt, ...)
{
	char buf[PROTO_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf)) {
		/* Longer than any line: what fits goes in, and the cut is said. */
		proto_line_addn(l, key, buf, sizeof(buf) - 1);
		l->cut = true;
		return -E2BIG;
	}
	return proto_line_addn(l, key, buf, (size_t)n);
}

int proto_line_format(const struct proto_line *l, uint32_t seq, char *out, size_t size)
{
	const char *tn = proto_type_name(l->type);
	int n;
	uint32_t crc;

	if (!tn || l->type == PROTO_UNKNOWN)
		return -EINVAL;
	n = snprintf(out, size, PROTO_PREFIX "%u:%s:%s", seq, tn, l->payload);
	if (n < 0 || (size_t)n + 10 >= size)
		return -ENOBUFS;
	crc = crc32_update(0, out, (size_t)n);
	n += snprintf(out + n, size - (size_t)n, ":%08x\n", crc);
	return n;
}

void proto_writer_init(struct proto_writer *w, proto_write_fn write, void *userdata)
{
	w->seq = 0;
	w->write = write;
	w->userdata = userdata;
}

int proto_writer_send(struct proto_writer *w, const struct proto_line *l)
{
	char buf[PROTO_LINE_MAX + 16];
	int n = proto_line_format(l, ++w->seq, buf, sizeof(buf));

	if (n < 0)
		return n;
	return w->write ? w->write(buf, (size_t)n, w->userdata) : 0;
}

int proto_writer_report(struct proto_writer *w, unsigned int id, const char *text, size_t len)
{
	size_t parts = len ? (len + PROTO_CHUNK_RAW - 1) / PROTO_CHUNK_RAW : 1;
	int first_err = 0;

	for (size_t i = 0; i < parts; i++) {
		struct proto_line l;
		size_t off = i * PROTO_CHUNK_RAW;
		size_t n = len - off < PROTO_CHUNK_RAW ? len - off : PROTO_CHUNK_RAW;
		int r;

		proto_line_start(&l, PROTO_REPORT);
		proto_line_addf(&l, "id", "%u", id);
		proto_line_addf(&l, "part", "%zu/%zu", i + 1, parts);
		proto_line_addn(&l, "text", text + off, n);
		r = proto_writer_send(w, &l);
		if (r < 0 && !first_err)
			first_err = r;
	}
	return first_err;
}

/* ---- decoder ---- */

/* Chunks a report keeps; chunk i of a report numbered from seq s has seq s + i - 1. */
#define REPORT_CHUNKS (PROTO_REPORT_MAX / PROTO_CHUNK_RAW)

enum slot_state { SLOT_NONE, SLOT_SEEN, SLOT_MISSING };

/* What the decoder knows about one sequence number of the current boot. */
struct seq_slot {
	uint8_t state;
	uint32_t crc;	 /* SEEN: the line's CRC, to tell a duplicate from a restart */
	uint64_t offset; /* MISSING: offset of the line that showed the gap */
};

struct proto_decoder {
	struct proto_decoder_ops ops;
	void *userdata;
	struct proto_stats stats;

	char line[LINEBUF_MAX];
	size_t line_len;
	uint64_t offset; /* stream offset of line[0] */

	/* A split agent line waiting for its tail: its first PROTO_LINE_MAX bytes. */
	char frag[PROTO_LINE_MAX];
	uint32_t frag_crc[PROTO_LINE_MAX + 1]; /* CRC of frag[0..i) */
	size_t frag_len;
	uint64_t frag_offset;
	int pending_lines; /* 0 when nothing is pending */
	int pending_tries; /* lines tried as its tail */
	bool frag_partial; /* the head holds only part of the prefix: maybe not ours */
	char *held;	   /* console bytes held back while pending, after frag */
	size_t held_len;

	/* Sequence state of the current boot: slots for (hi - window, hi]. */
	bool in_boot, has_begin, end_seen;
	unsigned int boot;
	uint32_t hi, end_seq;
	unsigned int boot_lines; /* lines delivered in this boot */
	struct seq_slot slot[PROTO_SEQ_WINDOW];

	/* The report being reassembled: chunk i at rep[(i - 1) * PROTO_CHUNK_RAW]. */
	bool rep_active;
	unsigned int rep_boot, rep_id;
	unsigned long rep_parts, rep_have;
	uint64_t rep_end_seq; /* seq its last chunk should have */
	bool rep_cut;	      /* a chunk was too long, or past PROTO_REPORT_MAX */
	char *rep;
	uint16_t rep_chunk_len[REPORT_CHUNKS]; /* 0: not arrived (+1 biased) */
	/* The last report delivered: its late chunks are dropped. */
	bool done_valid;
	unsigned int done_boot, done_id;

	/* Unescaped field storage for the message being delivered. */
	char fieldbuf[PROTO_LINE_MAX * 2];
};

_Static_assert(sizeof(struct proto_decoder) + HELD_MAX + PROTO_REPORT_MAX + 1 <= PROTO_DECODER_MEM_MAX,
	       "PROTO_DECODER_MEM_MAX in proto.h is the documented bound");
_Static_assert(LINEBUF_MAX + PROTO_LINE_MAX <= HELD_MAX, "a cut head's rest always fits in held");

struct proto_decoder *proto_decoder_new(const struct proto_decoder_ops *ops, void *userdata)
{
	struct proto_decoder *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (ops)
		d->ops = *ops;
	d->userdata = userdata;
	d->held = malloc(HELD_MAX);
	d->rep = malloc(PROTO_REPORT_MAX + 1);
	if (!d->held || !d->rep) {
		proto_decoder_free(d);
		errno = ENOMEM;
		return NULL;
	}
	return d;
}

void proto_decoder_free(struct proto_decoder *d)
{
	if (!d)
		return;
	free(d->held);
	free(d->rep);
	free(d);
}

void proto_decoder_stats(const struct proto_decoder *d, struct proto_stats *ret)
{
	*ret = d->stats;
}

const char *proto_msg_get(const struct proto_msg *m, const char *key)
{
	for (int i = 0; i < m->nfields; i++)
		if (!strcmp(m->fields[i].key, key))
			return m->fields[i].value;
	return NULL;
}

static void console_out(struct proto_decoder *d, const char *buf, size_t len)
{
	if (len && d->ops.console)
		d->ops.console(buf, len, d->userdata);
}

/* Parses ":xxxxxxxx" at the end of s[0..n); returns true and the CRC. */
static bool tail_crc(const char *s, size_t n, uint32_t *ret)
{
	uint32_t v = 0;

	if (n < 9 || s[n - 9] != ':')
		return false;
	for (size_t i = n - 8; i < n; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return false;
		v = v << 4 | (uint32_t)h;
	}
	*ret = v;
	return true;
}

/*
 * Checks that s[0..n) (no newline) is one complete agent line with a good
 * CRC and splits it into m, unescaping into d->fieldbuf.  Returns true on
 * success.
 */
static bool parse_line(struct proto_decoder *d, const char *s, size_t n, struct proto_msg *m)
{
	const char *p, *end, *t;
	uint64_t seq = 0;
	uint32_t crc;
	size_t tlen;
	char *fb = d->fieldbuf;

	if (n < PREFIX_LEN || n > PROTO_LINE_MAX || memcmp(s, PROTO_PREFIX, PREFIX_LEN))
		return false;
	if (!tail_crc(s, n, &crc) || crc32_update(0, s, n - 9) != crc)
		return false;
	end = s + n - 9;
	p = s + PREFIX_LEN;
	if (p >= end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		seq = seq * 10 + (uint64_t)(*p - '0');
		if (seq > UINT32_MAX)
			return false;
	}
	if (p >= end || *p++ != ':')
		return false;
	t = p;
	while (p < end && *p >= 'A' && *p <= 'Z')
		p++;
	tlen = (size_t)(p - t);
	if (!tlen || tlen >= 16 || p >= end || *p != ':')
		return false;
	p++;

	memset(m, 0, sizeof(*m));
	m->seq = (uint32_t)seq;
	m->crc = crc;
	m->type = PROTO_UNKNOWN;
	for (int i = 0; i < PROTO_UNKNOWN; i++)
		if (strlen(type_names[i]) == tlen && !memcmp(type_names[i], t, tlen))
			m->type = (enum proto_type)i;
	/* fieldbuf: "TYPE\0" then "key\0value\0" pairs; never longer than the line. */
	memcpy(fb, t, tlen);
	fb[tlen] = '\0';
	m->type_name = fb;
	fb += tlen + 1;

	while (p < end && m->nfields < PROTO_FIELDS_MAX) {
		const char *tok = p, *eq, *te;

		te = memchr(p, ' ', (size_t)(end - p));
		if (!te)
			te = end;
		p = te < end ? te + 1 : end;
		eq = memchr(tok, '=', (size_t)(te - tok));
		if (!eq || eq == tok)
			continue; /* not a field: a newer agent's extension, skip it */
		struct proto_field *f = &m->fields[m->nfields++];
		memcpy(fb, tok, (size_t)(eq - tok));
		fb[eq - tok] = '\0';
		f->key = fb;
		fb += eq - tok + 1;
		f->value = fb;
		for (const char *v = eq + 1; v < te;) {
			if (*v == '%' && te - v >= 3 && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
				*fb++ = (char)(hexval(v[1]) << 4 | hexval(v[2]));
				v += 3;
			} else {
				*fb++ = *v++;
			}
		}
		f->value_len = (size_t)(fb - f->value);
		*fb++ = '\0';
	}
	return true;
}

static void problem(struct proto_decoder *d, enum proto_problem what, uint32_t seq, uint32_t count,
		    uint64_t offset)
{
	if (d->ops.problem)
		d->ops.problem(what, seq, count, offset, d->userdata);
}

/* ---- reports ---- */

/* Appends s to rep at *w; the caller made sure it fits (see report_flush). */
static void rep_put(struct proto_decoder *d, size_t *w, const char *s, size_t n)
{
	memcpy(d->rep + *w, s, n);
	*w += n;
}

/*
 * Delivers the report being assembled.  The chunks sit at fixed places;
 * they are moved together, with a mark for each run of missing ones.  A
 * mark (under 64 bytes) takes the place of at least one missing chunk
 * (PROTO_CHUNK_RAW bytes), so the text never overtakes a chunk not yet
 * moved.
 */
static void report_flush(struct proto_decoder *d)
{
	unsigned long n = d->rep_parts < REPORT_CHUNKS ? d->rep_parts : REPORT_CHUNKS;
	struct proto_report r;
	size_t w = 0;
	char mark[64];
	int k;

	if (!d->rep_active)
		return;
	for (unsigned long i = 0; i < n;) {
		if (d->rep_chunk_len[i]) {
			size_t len = d->rep_chunk_len[i] - 1u;

			memmove(d->rep + w, d->rep + i * PROTO_CHUNK_RAW, len);
			w += len;
			i++;
			continue;
		}
		unsigned long j = i;
		while (j < n && !d->rep_chunk_len[j])
			j++;
		k = snprintf(mark, sizeof(mark), "\n[oopsfarm: %lu report chunk(s) lost]\n", j - i);
		rep_put(d, &w, mark, (size_t)k);
		i = j;
	}
	if (d->rep_parts > REPORT_CHUNKS) {
		/* The last chunk's place is free for this mark: nothing follows it. */
		k = snprintf(mark, sizeof(mark), "\n[oopsfarm: report cut at %u KiB]\n",
			     PROTO_REPORT_MAX / 1024);
		if (w + (size_t)k > PROTO_REPORT_MAX)
			w = PROTO_REPORT_MAX - (size_t)k;
		rep_put(d, &w, mark, (size_t)k);
	}
	d->rep[w] = '\0';
	r.boot = d->rep_boot;
	r.id = d->rep_id;
	r.text = d->rep;
	r.len = w;
	r.complete = d->rep_have == d->rep_parts && !d->rep_cut;
	d->rep_active = false;
	d->done_valid = true;
	d->done_boot = d->rep_boot;
	d->done_id = d->rep_id;
	if (d->ops.report)
		d->ops.report(&r, d->userdata);
}

static void report_chunk(struct proto_decoder *d, const struct proto_msg *m)
{
	const char *id = proto_msg_get(m, "id"), *part = proto_msg_get(m, "part");
	const struct proto_field *text = NULL;
	unsigned long i, n, rid;
	size_t len;
	char *e;

	for (int k = 0; k < m->nfields; k++)
		if (!strcmp(m->fields[k].key, "text"))
			text = &m->fields[k];
	if (!id || !part || !text)
		return;
	errno = 0;
	rid = strtoul(id, &e, 10);
	if (*e || errno || rid > UINT32_MAX)
		return;
	i = strtoul(part, &e, 10);
	if (*e != '/' || i == 0 || errno)
		return;
	n = strtoul(e + 1, &e, 10);
	if (*e || n == 0 || i > n || errno)
		return;
	if (d->rep_active && (d->rep_boot != m->boot || d->rep_id != rid || d->rep_parts != n))
		report_flush(d);
	if (!d->rep_active) {
		if (d->done_valid && d->done_boot == m->boot && d->done_id == rid)
			return; /* a late chunk of a report already delivered */
		d->rep_active = true;
		d->rep_boot = m->boot;
		d->rep_id = (unsigned int)rid;
		d->rep_parts = n;
		d->rep_have = 0;
		d->rep_cut = false;
		d->rep_end_seq = (uint64_t)m->seq + (n - i);
		memset(d->rep_chunk_len, 0, sizeof(d->rep_chunk_len));
	}
	if (i > REPORT_CHUNKS) {
		d->rep_cut = true;
		return;
	}
	if (d->rep_chunk_len[i - 1])
		return; /* the same chunk again, under another seq: keep the first */
	len = text->value_len;
	if (len > PROTO_CHUNK_RAW) {
		len = PROTO_CHUNK_RAW;
		d->rep_cut = true;
	}
	memcpy(d->rep + (i - 1) * PROTO_CHUNK_RAW, text->value, len);
	d->rep_chunk_len[i - 1] = (uint16_t)(len + 1);
	d->rep_have++;
	if (d->rep_have == d->rep_parts)
		report_flush(d);
}

/* ---- sequence numbers ---- */

static struct seq_slot *slot_of(struct proto_decoder *d, uint32_t seq)
{
	return &d->slot[seq % PROTO_SEQ_WINDOW];
}

/* True when seq is one the window still remembers: hi - window < seq <= hi. */
static bool in_window(const struct proto_decoder *d, uint32_t seq)
{
	return seq <= d->hi && d->hi - seq < PROTO_SEQ_WINDOW;
}

/* Reports runs of missing numbers in [from, to) of the window as lost. */
static void lose_range(struct proto_decoder *d, uint32_t from, uint32_t to)
{
	uint32_t run = 0, first = 0;
	uint64_t off = 0;

	for (uint32_t s = from; s < to; s++) {
		struct seq_slot *sl = slot_of(d, s);

		if (sl->state == SLOT_MISSING) {
			if (!run) {
				first = s;
				off = sl->offset;
			}
			run++;
		} else if (run) {
			d->stats.lost += run;
			problem(d, PROTO_LOST, first, run, off);
			run = 0;
		}
		sl->state = SLOT_NONE;
	}
	if (run) {
		d->stats.lost += run;
		problem(d, PROTO_LOST, first, run, off);
	}
}

/* Lowest seq of a window whose top is hi (seq 0 is never missing). */
static uint32_t window_low(uint32_t hi)
{
	return hi >= PROTO_SEQ_WINDOW ? hi - PROTO_SEQ_WINDOW + 1 : 1;
}

/* seq > d->hi arrived: slide the window, marking the numbers skipped. */
static void advance(struct proto_decoder *d, uint32_t seq, uint32_t crc, uint64_t offset)
{
	uint32_t lo_old = window_low(d->hi), lo_new = window_low(seq);
	uint32_t gap_from = d->hi + 1;

	/* Numbers that leave the window without having arrived are lost. */
	lose_range(d, lo_old, lo_new < gap_from ? lo_new : gap_from);
	/* Skipped numbers already below the new window are lost at once. */
	if (gap_from < lo_new) {
		d->stats.lost += lo_new - gap_from;
		problem(d, PROTO_LOST, gap_from, lo_new - gap_from, offset);
		gap_from = lo_new;
	}
	for (uint32_t s = gap_from; s < seq; s++) {
		struct seq_slot *sl = slot_of(d, s);

		sl->state = SLOT_MISSING;
		sl->offset = offset;
	}
	d->hi = seq;
	slot_of(d, seq)->state = SLOT_SEEN;
	slot_of(d, seq)->crc = crc;
}

/* Ends the current boot: what is still missing is lost, the report goes out. */
static void boot_end(struct proto_decoder *d)
{
	if (d->in_boot)
		lose_range(d, window_low(d->hi), d->hi);
	report_flush(d);
	d->in_boot = false;
}

enum line_kind { LINE_NEXT, LINE_NEW_BOOT, LINE_DUPLICATE, LINE_REORDERED };

/*
 * Where a valid line belongs.  doc/protocol.md states the rules: a number
 * seen before with the same CRC is a duplicate, a number the window is
 * still waiting for arrived late, a number seen before with another CRC
 * or below the window starts a boot whose BEGIN was lost.
 */
static enum line_kind classify(const struct proto_decoder *d, const struct proto_msg *m)
{
	const struct seq_slot *sl;

	if (!d->in_boot)
		return LINE_NEW_BOOT;
	if (m->seq > d->hi) {
		if (m->type == PROTO_BEGIN || (d->end_seen && m->seq > d->end_seq))
			return LINE_NEW_BOOT;
		return LINE_NEXT;
	}
	if (!in_window(d, m->seq))
		return LINE_NEW_BOOT;
	sl = &d->slot[m->seq % PROTO_SEQ_WINDOW];
	if (sl->state == SLOT_SEEN)
		return sl->crc == m->crc ? LINE_DUPLICATE : LINE_NEW_BOOT;
	if (sl->state != SLOT_MISSING)
		return LINE_NEW_BOOT;
	/* A late BEGIN belongs to a boot that started without one, soon enough. */
	if (m->type == PROTO_BEGIN && (d->has_begin || d->end_seen || d->boot_lines > PROTO_LATE_BEGIN_LINES))
		return LINE_NEW_BOOT;
	return LINE_REORDERED;
}

/* Sequence bookkeeping, report assembly and the msg callback for one line. */
static void deliver(struct proto_decoder *d, struct proto_msg *m)
{
	enum line_kind kind = classify(d, m);

	if (kind == LINE_DUPLICATE) {
		/* Already delivered: count it, do not deliver it again. */
		d->stats.duplicate++;
		problem(d, PROTO_DUPLICATE, m->seq, 1, m->offset);
		return;
	}
	d->stats.lines++;
	if (m->recovered)
		d->stats.recovered++;
	if (kind == LINE_NEW_BOOT) {
		boot_end(d);
		memset(d->slot, 0, sizeof(d->slot));
		d->in_boot = true;
		d->has_begin = false;
		d->end_seen = false;
		d->boot_lines = 0;
		d->hi = 0;
		d->boot++;
	}
	if (kind == LINE_REORDERED) {
		struct seq_slot *sl = slot_of(d, m->seq);

		sl->state = SLOT_SEEN;
		sl->crc = m->crc;
		d->stats.reordered++;
		problem(d, PROTO_REORDERED, m->seq, 1, m->offset);
	} else {
		advance(d, m->seq, m->crc, m->offset);
	}
	if (m->type == PROTO_BEGIN) {
		d->has_begin = true;
		d->stats.boots++;
	}
	if (m->type == PROTO_END && (!d->end_seen || m->seq > d->end_seq)) {
		d->end_seen = true;
		d->end_seq = m->seq;
	}
	d->boot_lines++;
	m->boot = d->boot;
	if (d->ops.msg)
		d->ops.msg(m, d->userdata);
	if (m->type == PROTO_REPORT)
		report_chunk(d, m);
	/* A report whose missing chunks are now out of the window is done. */
	if (d->rep_active && (uint64_t)window_low(d->hi) > d->rep_end_seq)
		report_flush(d);
}

/* ---- split lines ---- */

/* Gives up the pending split line: it counts as corrupt, its text goes out. */
static void pending_drop(struct proto_decoder *d)
{
	if (!d->pending_lines)
		return;
	/* A line that merely starts like the prefix ("Oops") is not counted. */
	if (!d->frag_partial) {
		d->stats.corrupt++;
		problem(d, PROTO_CORRUPT, 0, 1, d->frag_offset);
	}
	d->pending_lines = 0;
	console_out(d, d->frag, d->frag_len);
	console_out(d, d->held, d->held_len);
	d->held_len = 0;
}

/* Holds console text back while a split line waits; gives up when full. */
static void held_add(struct proto_decoder *d, const char *s, size_t n)
{
	if (d->held_len + n > HELD_MAX) {
		/* Cannot hold more: the wait ends, and everything goes out in order. */
		pending_drop(d);
		console_out(d, s, n);
		return;
	}
	memcpy(d->held + d->held_len, s, n);
	d->held_len += n;
}

/*
 * Checks candidate join point k of the pending fragment with the tail
 * s[0..n): head frag[0..k), then s.  On a CRC match, parses the line and
 * delivers it.  *parses counts the parse attempts (CRC matches).
 */
static bool join_at(struct proto_decoder *d, size_t k, const char *s, size_t n, uint32_t got, uint32_t want,
		    int *parses)
{
	char cand[PROTO_LINE_MAX + 1];
	struct proto_msg m;
	size_t len = k + n;

	if (got != want)
		return false;
	if (++*parses > JOIN_PARSES_MAX)
		return false;
	memcpy(cand, d->frag, k);
	memcpy(cand + k, s, n);
	if (!parse_line(d, cand, len, &m))
		return false;
	m.recovered = true;
	m.offset = d->frag_offset;
	/* The kernel text that followed the head, then what was held. */
	d->pending_lines = 0;
	console_out(d, d->frag + k, d->frag_len - k);
	console_out(d, d->held, d->held_len);
	d->held_len = 0;
	deliver(d, &m);
	return true;
}

/*
 * Tries every join point of the pending fragment with the line s[0..n):
 * the head is frag[0..k), the rest of frag is kernel text, and s is the
 * tail.  The tail may be short enough that the CRC field itself was cut,
 * or even empty (kernel text right before the agent's newline).
 *
 * Linear: the tail's CRC is computed once and combined with the head's
 * prefix CRCs (crc32_concat_op, tabulated: four lookups per join point), a short
 * tail needs a ':' at a fixed place, and a pending line takes at most
 * JOIN_TRIES_MAX tails that can end an agent line, so each byte of the
 * fragment is looked at a bounded number of times.
 */
static bool pending_join(struct proto_decoder *d, const char *s, size_t n)
{
	size_t kmax;
	int parses = 0;
	uint32_t want = 0;

	if (n > PROTO_LINE_MAX)
		return false;
	kmax = d->frag_len < PROTO_LINE_MAX - n ? d->frag_len : PROTO_LINE_MAX - n;
	if (n >= 9) {
		uint32_t op, ctail;

		if (!tail_crc(s, n, &want))
			return false;
		if (++d->pending_tries > JOIN_TRIES_MAX)
			return false;
		op = crc32_concat_gen(n - 9);
		ctail = crc32_update(0, s, n - 9);
		/*
		 * The operator is linear: tabulate it per byte of its input
		 * (1 KiB of XORs) so that each join point costs four lookups.
		 */
		uint32_t tab[4][256];
		for (int j = 0; j < 4; j++) {
			tab[j][0] = 0;
			for (int bit = 0; bit < 8; bit++)
				tab[j][1 << bit] = crc32_concat_op((uint32_t)1 << (8 * j + bit), 0, op);
			for (int b = 3; b < 256; b++)
				if (b & (b - 1))
					tab[j][b] = tab[j][b & (b - 1)] ^ tab[j][b & -b];
		}
		for (size_t k = 1; k <= kmax; k++) {
			uint32_t c = d->frag_crc[k];

			if (k + n < PREFIX_LEN + 9 ||
			    (k < PREFIX_LEN && memcmp(s, &PROTO_PREFIX[k], PREFIX_LEN - k)))
				continue;
			c = tab[0][c & 0xff] ^ tab[1][c >> 8 & 0xff] ^ tab[2][c >> 16 & 0xff] ^
			    tab[3][c >> 24];
			if (join_at(d, k, s, n, c ^ ctail, want, &parses))
				return true;
		}
		return false;
	}
	/* The CRC field straddles the join: s is its last n hex digits. */
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return false;
	if (++d->pending_tries > JOIN_TRIES_MAX)
		return false;
	for (size_t k = 9 - n; k <= kmax; k++) {
		size_t colon = k + n - 9, i;

		if (k + n < PREFIX_LEN + 9 || d->frag[colon] != ':')
			continue;
		want = 0;
		for (i = colon + 1; i < k && hexval(d->frag[i]) >= 0; i++)
			want = want << 4 | (uint32_t)hexval(d->frag[i]);
		if (i < k)
			continue;
		for (i = 0; i < n; i++)
			want = want << 4 | (uint32_t)hexval(s[i]);
		if (join_at(d, k, s, n, d->frag_crc[colon], want, &parses))
			return true;
	}
	return false;
}

/*
 * True when the line starts with part of the prefix and then differs: the
 * head of an agent line that kernel output cut inside the prefix.
 */
static bool partial_prefix(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && k < PREFIX_LEN && s[k] == PROTO_PREFIX[k])
		k++;
	return k > 0 && k < PREFIX_LEN && k < n;
}

/*
 * Keeps s[0..body) (the head of a split agent line, plus the kernel text
 * after it) and waits for the tail.  A head is at most PROTO_LINE_MAX
 * bytes; the rest of the line, and its end s[body..n), go to the held text
 * that follows the fragment.
 */
static void pending_start(struct proto_decoder *d, const char *s, size_t body, size_t n, uint64_t offset)
{
	d->frag_len = body < sizeof(d->frag) ? body : sizeof(d->frag);
	memcpy(d->frag, s, d->frag_len);
	d->frag_crc[0] = 0;
	for (size_t i = 0; i < d->frag_len; i++)
		d->frag_crc[i + 1] = crc32_update(d->frag_crc[i], d->frag + i, 1);
	d->frag_offset = offset;
	d->frag_partial = !(d->frag_len >= PREFIX_LEN && !memcmp(d->frag, PROTO_PREFIX, PREFIX_LEN));
	d->pending_lines = 1;
	d->pending_tries = 0;
	d->held_len = 0;
	held_add(d, s + d->frag_len, n - d->frag_len);
}

/* One console line, s[0..n) including its newline if it had one. */
static void process_line(struct proto_decoder *d, const char *s, size_t n, uint64_t offset)
{
	size_t body = n;
	const char *p;
	struct proto_msg m;

	while (body && (s[body - 1] == '\n' || s[body - 1] == '\r'))
		body--;
	p = memmem(s, body, PROTO_PREFIX, PREFIX_LEN);
	if (!p) {
		if (d->pending_lines && pending_join(d, s, body))
			return; /* the line was the tail: all of it was agent output */
		if (partial_prefix(s, body)) {
			/* Kernel text inside the prefix itself: "OOPSF[ 1.2] ...". */
			pending_drop(d);
			pending_start(d, s, body, n, offset);
			return;
		}
		if (d->pending_lines) {
			held_add(d, s, n);
			if (d->pending_lines && ++d->pending_lines > PENDING_LINES)
				pending_drop(d);
			return;
		}
		console_out(d, s, n);
		return;
	}
	/* Agent lines do not nest: a new prefix ends any wait for a tail. */
	pending_drop(d);
	console_out(d, s, (size_t)(p - s));
	if (parse_line(d, p, body - (size_t)(p - s), &m)) {
		m.offset = offset + (uint64_t)(p - s);
		deliver(d, &m);
		return;
	}
	pending_start(d, p, body - (size_t)(p - s), n - (size_t)(p - s), offset + (uint64_t)(p - s));
}

int proto_decoder_feed(struct proto_decoder *d, const void *buf, size_t len)
{
	const char *s = buf;

	while (len) {
		/*
		 * Look for the newline only as far as the line buffer can take:
		 * scanning the whole rest of the buffer for every slice of an
		 * overlong line would make one big feed quadratic.
		 */
		size_t room = LINEBUF_MAX - d->line_len;
		size_t scan = len < room ? len : room;
		const char *nl = memchr(s, '\n', scan);
		size_t take = nl ? (size_t)(nl - s) + 1 : len;

		if (d->line_len + take > LINEBUF_MAX) {
			/* An overlong line: process what fits as a line of its own. */
			take = LINEBUF_MAX - d->line_len;
			memcpy(d->line + d->line_len, s, take);
			process_line(d, d->line, LINEBUF_MAX, d->offset);
			d->offset += LINEBUF_MAX;
			d->line_len = 0;
		} else {
			memcpy(d->line + d->line_len, s, take);
			d->line_len += take;
			if (nl) {
				process_line(d, d->line, d->line_len, d->offset);
				d->offset += d->line_len;
				d->line_len = 0;
			}
		}
		s += take;
		len -= take;
	}
	return 0;
}

int proto_decoder_finish(struct proto_decoder *d)
{
	if (d->line_len) {
		process_line(d, d->line, d->line_len, d->offset);
		d->offset += d->line_len;
		d->line_len = 0;
	}
	pending_drop(d);
	boot_end(d);
	return 0;
}
