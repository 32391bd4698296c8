/* SPDX-License-Identifier: MIT */
/*
 * kmsg.h - /dev/kmsg records: parse them, turn them into console lines,
 * and notice records the reader lost.
 *
 * A read() of /dev/kmsg returns exactly one record (Documentation/ABI/
 * testing/dev-kmsg):
 *
 *	prio,seq,usec,flags[,more...];text\n
 *	 KEY=VALUE\n			(zero or more dictionary lines)
 *
 * prio is facility * 8 + level, seq counts records from boot, usec is the
 * monotonic timestamp, flags is '-' (or 'c'/'+' on old kernels for
 * continuation fragments), and "more" may carry "caller=T123" on kernels
 * with CONFIG_PRINTK_CALLER.  In text and dictionary values the kernel
 * escapes every byte below 0x20, above 0x7e, and the backslash itself as
 * "\xNN", so a multi-line message (a record whose text holds newlines)
 * still fits in one line.
 *
 * kmsg_record_render() writes a record the way the kernel's console does
 * ("[%5lu.%06lu] " before each line of the text, "[%6s]" caller id when
 * present), so that lib/oops sees the same bytes whether it reads a
 * board's /dev/kmsg or the host's serial capture, and a crash gets the same
 * title and signature on both sides.
 *
 * Sequence numbers have no holes in the kernel; a hole seen by a reader
 * means records were overwritten before they were read (read() returns
 * EPIPE once when that happens).  struct kmsg_seq counts those losses.
 */
#ifndef OOPSFARM_KMSG_H
#define OOPSFARM_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KMSG_RECORD_MAX 8192 /* a read buffer that holds any record (CONSOLE_EXT_LOG_MAX) */

struct kmsg_record {
	unsigned int prio; /* facility * 8 + level */
	uint64_t seq;
	uint64_t usec;
	char flags;	  /* '-', 'c' or '+' */
	char caller[16];  /* "T123" or "C1" from caller=, "" when absent */
	const char *text; /* unescaped text, NUL-terminated, may contain '\n' */
	size_t text_len;
	const char *dict; /* unescaped "KEY=VALUE\n" lines, NUL-terminated, "" if none */
	size_t dict_len;
};

/*
 * Parses one record from buf[0..len) (what one read() returned).  The
 * unescaped text and dictionary go into scratch, which must hold len + 2
 * bytes (unescaping never makes anything longer); ret->text and ret->dict
 * point into it.  A backslash that does not start a valid "\xNN" escape is
 * kept as is.
 * Returns 0, -EINVAL when the header is malformed (no ';', a missing or
 * non-numeric field, a number that overflows), -ENOBUFS when scratch is
 * too small.  ret is untouched on failure.
 */
int kmsg_record_parse(const char *buf, size_t len, char *scratch, size_t scratch_size,
		      struct kmsg_record *ret);

/*
 * Writes the record as console lines into out (size bytes, always
 * NUL-terminated when size > 0): each line of the text becomes
 * "[%5lu.%06lu] line\n", or "[%5lu.%06lu][%6s] line\n" with a caller id.
 * Returns the length the full rendering needs, like snprintf(): when it is
 * >= size the output was cut.
 */
size_t kmsg_record_render(const struct kmsg_record *r, char *out, size_t size);

/* Tracks sequence numbers of records read, in order. */
struct kmsg_seq {
	bool started;
	uint64_t next; /* the seq expected next */
	uint64_t lost; /* total records missed so far, first gap included */
};

/*
 * Notes that record seq was read.  Returns how many records were missed
 * just before it: for the first record, every record before it (seq
 * counts from 0 at boot, so a first seq of 40 means 40 records were gone
 * before the reader started); afterwards, the size of the hole.  A seq that
 * goes backwards (another boot's log, a reset reader) restarts the count
 * and returns 0.
 */
uint64_t kmsg_seq_note(struct kmsg_seq *s, uint64_t seq);

#endif
