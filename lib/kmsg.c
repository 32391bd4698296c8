// SPDX-License-Identifier: MIT
/*
 * kmsg.c - /dev/kmsg record parsing and console rendering, see kmsg.h.
 *
 * Parsing is one pass over the record with explicit bounds: the input is
 * whatever a read() returned, and a fuzzer or a future kernel may hand us
 * anything, so every field is checked and nothing relies on a NUL.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "kmsg.h"

/* Parses a decimal number in [p, end); returns 0 or -EINVAL. */
static int parse_u64(const char *p, const char *end, uint64_t *ret)
{
	uint64_t v = 0;

	if (p == end)
		return -EINVAL;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*ret = v;
	return 0;
}

/* Unescapes [p, end) to out; returns bytes written. */
static size_t unescape(const char *p, const char *end, char *out)
{
	char *o = out;

	while (p < end) {
		if (*p == '\\' && end - p >= 4 && p[1] == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
			*o++ = (char)(hexval(p[2]) << 4 | hexval(p[3]));
			p += 4;
		} else {
			*o++ = *p++;
		}
	}
	return (size_t)(o - out);
}

int kmsg_record_parse(const char *buf, size_t len, char *scratch, size_t scratch_size,
		      struct kmsg_record *ret)
{
	const char *end = buf + len, *semi, *p, *f, *nl;
	uint64_t fields[3];
	struct kmsg_record r = {0};
	size_t n;

	if (!buf || len == 0)
		return -EINVAL;
	semi = memchr(buf, ';', len);
	nl = memchr(buf, '\n', len);
	if (!semi || (nl && nl < semi))
		return -EINVAL;
	if (scratch_size < len + 2)
		return -ENOBUFS;

	/* Header: prio,seq,usec,flags[,key=value...] */
	p = buf;
	for (int i = 0; i < 3; i++) {
		f = memchr(p, ',', (size_t)(semi - p));
		if (!f || parse_u64(p, f, &fields[i]) < 0)
			return -EINVAL;
		p = f + 1;
	}
	if (fields[0] > 1023) /* facility and level fit in 10 bits */
		return -EINVAL;
	r.prio = (unsigned int)fields[0];
	r.seq = fields[1];
	r.usec = fields[2];
	f = memchr(p, ',', (size_t)(semi - p));
	if (!f)
		f = semi;
	if (f - p != 1)
		return -EINVAL;
	r.flags = *p;
	/* Optional fields after flags; only caller= is used. */
	while (f < semi) {
		const char *q = f + 1, *e = memchr(q, ',', (size_t)(semi - q));

		if (!e)
			e = semi;
		if (e - q > 7 && !memcmp(q, "caller=", 7) && (size_t)(e - q - 7) < sizeof(r.caller)) {
			memcpy(r.caller, q + 7, (size_t)(e - q - 7));
			r.caller[e - q - 7] = '\0';
		}
		f = e;
	}

	/* Text up to the first newline (or the end of the buffer). */
	p = semi + 1;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		nl = end;
	n = unescape(p, nl, scratch);
	scratch[n] = '\0';
	r.text = scratch;
	r.text_len = n;

	/* Dictionary: lines that start with a space; anything else is ignored. */
	char *d = scratch + n + 1, *d0 = d;
	p = nl < end ? nl + 1 : end;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));

		if (!e)
			e = end;
		if (*p == ' ' && e - p > 1) {
			d += unescape(p + 1, e, d);
			*d++ = '\n';
		}
		p = e < end ? e + 1 : end;
	}
	/* The text's NUL and the dictionary's '\n's never outgrow len + 2. */
	*d = '\0';
	r.dict = d0;
	r.dict_len = (size_t)(d - d0);
	*ret = r;
	return 0;
}

size_t kmsg_record_render(const struct kmsg_record *r, char *out, size_t size)
{
	char prefix[64];
	int plen;
	size_t need = 0;
	const char *p = r->text, *end = r->text + r->text_len;

	if (r->caller[0])
		plen =
		    snprintf(prefix, sizeof(prefix), "[%5lu.%06lu][%6s] ", (unsigned long)(r->usec / 1000000),
			     (unsigned long)(r->usec % 1000000), r->caller);
	else
		plen = snprintf(prefix, sizeof(prefix), "[%5lu.%06lu] ", (unsigned long)(r->usec / 1000000),
				(unsigned long)(r->usec % 1000000));
	if (size)
		out[0] = '\0';

	/* The console repeats the prefix on every line of a multi-line record. */
	do {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t llen = (size_t)((nl ? nl : end) - p);

		if (need + (size_t)plen + llen + 1 < size) {
			memcpy(out + need, prefix, (size_t)plen);
			memcpy(out + need + plen, p, llen);
			out[need + plen + llen] = '\n';
			out[need + plen + llen + 1] = '\0';
		} else if (size && need < size) {
			out[need] = '\0';
			size = need; /* cut at a line boundary, keep it there */
		}
		need += (size_t)plen + llen + 1;
		p = nl ? nl + 1 : end;
		/* A trailing newline does not make an empty console line. */
	} while (p < end);
	return need;
}

uint64_t kmsg_seq_note(struct kmsg_seq *s, uint64_t seq)
{
	uint64_t missed = 0;

	if (!s->started || seq < s->next) {
		missed = s->started ? 0 : seq;
		s->started = true;
		if (missed == 0 && seq < s->next)
			s->lost = 0;
	} else {
		missed = seq - s->next;
	}
	s->lost += missed;
	s->next = seq + 1;
	return missed;
}
