// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for /dev/kmsg records in lib/kmsg (make fuzz).  The
 * input is what one read() of /dev/kmsg returned.  Checks the promises of
 * kmsg.h:
 *  - kmsg_record_parse() returns 0, -EINVAL or -ENOBUFS, leaves ret
 *    untouched on failure, and on success gives NUL-terminated text and
 *    dictionary no longer than the record, prio <= 1023, a caller id that
 *    fits;
 *  - parsing is a pure function: parsing again gives the same record;
 *    a scratch buffer one byte short of len + 2 is refused;
 *  - kmsg_record_render() returns the full length whatever the buffer
 *    size, writes exactly that with a large enough buffer (one console
 *    line per line of text, each starting with the timestamp), and with a
 *    smaller one a NUL-terminated prefix of it that ends at a line end;
 *  - kmsg_seq_note() on sequence numbers taken from the input: lost grows
 *    by exactly what each call returns, until a restart sets it to 0.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmsg.h"

static char scratch[KMSG_RECORD_MAX * 4 + 2], scratch2[KMSG_RECORD_MAX * 4 + 2];

/* Text may hold NUL bytes (from "\\x00"): lengths come from the renderer. */
static void check_render(const struct kmsg_record *r)
{
	static char full[1 << 20], part[1 << 20];
	static size_t ends[1 << 16];
	size_t need = kmsg_record_render(r, full, sizeof(full)), lines = 1, nends = 0;

	if (need >= sizeof(full))
		return; /* larger than any record this target can build */
	if (need == 0 || full[need] != '\0' || full[0] != '[' || full[need - 1] != '\n')
		abort();
	/* One console line per line of text; a trailing newline adds none. */
	for (size_t i = 0; i + 1 < r->text_len; i++)
		if (r->text[i] == '\n')
			lines++;
	for (size_t i = 0; i < need; i++)
		if (full[i] == '\n') {
			if (nends < sizeof(ends) / sizeof(ends[0]))
				ends[nends] = i + 1;
			nends++;
			if (i + 1 < need && full[i + 1] != '[')
				abort();
		}
	if (nends != lines || nends > sizeof(ends) / sizeof(ends[0]))
		abort();
	/* Smaller buffers: the same length returned, the lines that fit whole. */
	for (size_t size = 0; size <= need; size += need / 7 + 1) {
		size_t n = 0;

		memset(part, 'x', size + 1);
		if (kmsg_record_render(r, part, size) != need)
			abort();
		if (!size) {
			if (part[0] != 'x')
				abort(); /* size 0: nothing written */
			continue;
		}
		for (size_t k = 0; k < nends && ends[k] < size; k++)
			n = ends[k];
		if (memcmp(part, full, n) || part[n] != '\0')
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t len)
{
	struct kmsg_record r, r2, untouched;
	int ret;

	if (len > KMSG_RECORD_MAX * 4)
		return 0;
	memset(&untouched, 0x5a, sizeof(untouched));
	r = untouched;
	ret = kmsg_record_parse((const char *)d, len, scratch, len + 2, &r);
	if (ret != 0 && ret != -EINVAL && ret != -ENOBUFS)
		abort();
	if (ret == -ENOBUFS)
		abort(); /* len + 2 always suffices */
	if (ret) {
		if (memcmp(&r, &untouched, sizeof(r)))
			abort();
	} else {
		if (r.prio > 1023 || r.text != scratch || r.text[r.text_len] != '\0' ||
		    r.dict[r.dict_len] != '\0' || r.text_len + r.dict_len > len ||
		    strnlen(r.caller, sizeof(r.caller)) >= sizeof(r.caller))
			abort();
		if (r.dict_len && r.dict[r.dict_len - 1] != '\n')
			abort();
		/* Pure: the same record again, from another scratch buffer. */
		if (kmsg_record_parse((const char *)d, len, scratch2, len + 2, &r2) != 0 ||
		    r2.prio != r.prio || r2.seq != r.seq || r2.usec != r.usec || r2.flags != r.flags ||
		    strcmp(r2.caller, r.caller) || r2.text_len != r.text_len ||
		    memcmp(r2.text, r.text, r.text_len) || r2.dict_len != r.dict_len ||
		    memcmp(r2.dict, r.dict, r.dict_len))
			abort();
		/* Too small a scratch buffer is refused, and ret left alone. */
		r2 = untouched;
		if (kmsg_record_parse((const char *)d, len, scratch2, len + 1, &r2) != -ENOBUFS ||
		    memcmp(&r2, &untouched, sizeof(r2)))
			abort();
		check_render(&r);
	}

	/* Sequence numbers: 8 bytes each. */
	struct kmsg_seq s = {0};
	uint64_t lost = 0;
	for (size_t off = 0; off + 8 <= len && off < 8 * 64; off += 8) {
		uint64_t seq, missed;

		memcpy(&seq, d + off, 8);
		seq >>= d[off] & 63; /* small numbers too */
		bool restart = s.started && seq < s.next;
		missed = kmsg_seq_note(&s, seq);
		if (restart) {
			if (missed != 0 || s.lost != 0)
				abort();
			lost = 0;
		} else {
			lost += missed;
		}
		if (s.lost != lost || !s.started)
			abort();
	}
	return 0;
}
