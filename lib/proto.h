/* SPDX-License-Identifier: MIT */
/*
 * proto.h - the serial protocol between the board agent and the host.
 *
 * The agent shares the serial console with the kernel, so its output is a
 * sequence of lines that the host must find inside arbitrary console text:
 *
 *	OOPSFARM:<seq>:<TYPE>:<payload>:<crc>\n
 *
 * <seq> is a decimal line number that starts at 1 with the BEGIN line of
 * each boot, <TYPE> one of the words below, <payload> a space-separated
 * list of key=value fields in a fixed order per type, and <crc> eight
 * lowercase hex digits: CRC-32 (crc32.h) over every byte from the 'O' of
 * the prefix to the end of the payload.  Values escape '%', space, and every
 * byte outside 0x21..0x7e as %XX, so a line never holds a space inside a
 * value, a newline, or a control character; ':' is allowed in values (the
 * CRC is always the last field).  doc/protocol.md has every type and field.
 *
 * The encoder builds a line and hands it to a write callback in one call,
 * so the agent can put it on the console with one write().  The decoder
 * takes console bytes in chunks of any size and:
 *  - finds the prefix anywhere in a line (kernel text may come before it);
 *  - checks the CRC; a line the kernel split by printing its own lines in
 *    the middle of it ("OOPSFARM:7:MOD:na" + kernel lines + "me=x ...:crc")
 *    is put back together by trying the join points against the CRC, and
 *    counted as recovered; one that cannot be is counted as corrupt;
 *  - tells lost, duplicated and reordered lines apart, per boot (below);
 *  - reassembles chunked REPORT lines into the crash report text;
 *  - passes every byte that is not agent output on as console text, in
 *    order and none dropped, so the crash parser sees the kernel's lines
 *    without the agent's.
 *
 * Sequence numbers.  The decoder remembers the last PROTO_SEQ_WINDOW
 * numbers of the current boot: for each, whether it arrived and the
 * line's CRC.  A valid line whose number is
 *  - above every number seen: the next line; numbers skipped wait in the
 *    window;
 *  - one the window is waiting for: a reordered line (PROTO_REORDERED),
 *    delivered;
 *  - one seen before, with the same CRC: a duplicate (PROTO_DUPLICATE),
 *    counted and not delivered again;
 *  - one seen before with another CRC, or below the window: the numbers
 *    started over, so a new boot whose BEGIN was lost.
 * A number still missing when it leaves the window, or when its boot ends,
 * is lost (PROTO_LOST).  A BEGIN starts a new boot unless it is a
 * duplicate, or the late BEGIN of a boot that started without one at most
 * PROTO_LATE_BEGIN_LINES lines earlier and has no END yet; any line
 * numbered above its boot's END starts a new boot too.  So a duplicate or
 * a reordered line never counts as lost and never starts a boot; the one
 * ambiguity left is a boot that lost its BEGIN and stopped within
 * PROTO_LATE_BEGIN_LINES lines, followed by a boot whose BEGIN then looks
 * late: the new boot is told apart at its second line.
 *
 * Limits.  A decoder allocates everything in proto_decoder_new(), at most
 * PROTO_DECODER_MEM_MAX bytes, whatever it is fed.  Console lines longer
 * than 8 KiB are looked at 8 KiB at a time (their bytes still all go out
 * as console text); a split agent line waits at most 64 lines or 16 KiB of
 * console text for its tail; a report keeps at most PROTO_REPORT_MAX bytes
 * of text, and says so in the text when it was cut.  The work is linear
 * in the input, however it is chunked.
 */
#ifndef OOPSFARM_PROTO_H
#define OOPSFARM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_PREFIX	       "OOPSFARM:"
#define PROTO_VERSION	       1
#define PROTO_LINE_MAX	       1024 /* one line, newline included */
#define PROTO_FIELDS_MAX       32
#define PROTO_CHUNK_RAW	       256	    /* report bytes per REPORT line, before escaping */
#define PROTO_SEQ_WINDOW       64	    /* sequence numbers a decoder remembers per boot */
#define PROTO_LATE_BEGIN_LINES 8	    /* a BEGIN this late still belongs to its boot */
#define PROTO_REPORT_MAX       (128 * 1024) /* report text kept per report, in bytes */
#define PROTO_DECODER_MEM_MAX  (192 * 1024) /* all a decoder allocates, in bytes */

enum proto_type {
	PROTO_BEGIN,   /* first line of a boot: identity and knobs */
	PROTO_LOG,     /* agent diagnostics: bad config, lost kmsg records, ... */
	PROTO_MOD,     /* one module's load result and times (not a test case) */
	PROTO_LOAD,    /* loader summary: counts and total time */
	PROTO_CRASH,   /* one crash report seen in kmsg */
	PROTO_REPORT,  /* one chunk of a crash report's text */
	PROTO_CASE,    /* a LAVA test case: case=<id> result=pass|fail */
	PROTO_END,     /* last line of a boot: the verdict */
	PROTO_UNKNOWN, /* a valid line of a type this decoder does not know */
	PROTO_TYPE_COUNT
};

/* "BEGIN", "LOG", ...; NULL for out-of-range values. */
const char *proto_type_name(enum proto_type type);

/* ---- encoder ---- */

struct proto_line {
	enum proto_type type;
	size_t len; /* payload bytes so far */
	bool cut;   /* a value did not fit and was shortened */
	char payload[PROTO_LINE_MAX];
};

/* Starts an empty line of the given type. */
void proto_line_start(struct proto_line *l, enum proto_type type);

/*
 * Appends " key=value" (no space before the first field), escaping value.
 * key must be [a-z0-9_]+.  A value that does not fit is cut at an escape
 * boundary and l->cut is set.  Returns 0 or -E2BIG when cut.
 */
int proto_line_add(struct proto_line *l, const char *key, const char *value);
int proto_line_addf(struct proto_line *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like proto_line_add() for a value that is not NUL-terminated. */
int proto_line_addn(struct proto_line *l, const char *key, const char *value, size_t len);

/*
 * Writes the complete line "OOPSFARM:seq:TYPE:payload:crc\n" to out.
 * Returns its length, or -ENOBUFS when size is too small (PROTO_LINE_MAX
 * always suffices).
 */
int proto_line_format(const struct proto_line *l, uint32_t seq, char *out, size_t size);

/* Escapes value into out (cap bytes, NUL-terminated); returns the escaped length. */
size_t proto_escape(const char *value, size_t len, char *out, size_t cap);

/* Writes buf[0..len) to the console in one call; returns 0 or -errno. */
typedef int (*proto_write_fn)(const void *buf, size_t len, void *userdata);

struct proto_writer {
	uint32_t seq; /* seq of the last line sent; 0 before BEGIN */
	proto_write_fn write;
	void *userdata;
};

/* Prepares a writer; the first line sent gets seq 1. */
void proto_writer_init(struct proto_writer *w, proto_write_fn write, void *userdata);

/*
 * Numbers, formats and writes one line.  The seq is used even when the
 * write fails, so the host sees the gap.  Returns 0 or the write's -errno.
 */
int proto_writer_send(struct proto_writer *w, const struct proto_line *l);

/*
 * Sends a crash report's text as REPORT lines "id=<id> part=<i>/<n>
 * text=<escaped chunk>", PROTO_CHUNK_RAW bytes of text per line (fewer if
 * the escaped chunk would not fit).  Returns 0 or the first write error.
 */
int proto_writer_report(struct proto_writer *w, unsigned int id, const char *text, size_t len);

/* ---- decoder ---- */

struct proto_field {
	const char *key;
	const char *value; /* unescaped, NUL-terminated */
	size_t value_len;  /* values may contain NUL bytes after unescaping */
};

struct proto_msg {
	uint32_t seq;
	uint32_t crc; /* the line's CRC field */
	enum proto_type type;
	const char *type_name; /* as on the line, also for PROTO_UNKNOWN */
	int nfields;
	struct proto_field fields[PROTO_FIELDS_MAX];
	bool recovered;	   /* put back together from a split line */
	uint64_t offset;   /* stream offset of the prefix's first byte */
	unsigned int boot; /* 1 for the first BEGIN seen, 0 before any */
};

/* The value of key in m, or NULL. */
const char *proto_msg_get(const struct proto_msg *m, const char *key);

struct proto_report {
	unsigned int boot;
	unsigned int id;
	const char *text; /* NUL-terminated; lost chunks and a cut marked inline */
	size_t len;
	bool complete; /* every chunk arrived, none cut */
};

/*
 * Reports are delivered once all their chunks have arrived, or, with chunks
 * missing, when the missing ones leave the sequence window or the boot
 * ends; chunks that come after that are dropped.
 */
enum proto_problem {
	PROTO_LOST,	 /* count numbers from seq on never arrived; offset: the line after the gap */
	PROTO_CORRUPT,	 /* a line with the prefix failed its CRC and could not be rebuilt (seq 0) */
	PROTO_DUPLICATE, /* line seq arrived again, the same bytes; not delivered again */
	PROTO_REORDERED, /* line seq arrived after a higher one of its boot; delivered */
};

struct proto_decoder_ops {
	void (*msg)(const struct proto_msg *m, void *userdata);
	void (*report)(const struct proto_report *r, void *userdata);
	void (*problem)(enum proto_problem what, uint32_t seq, uint32_t count, uint64_t offset,
			void *userdata);
	/* Console text that is not agent output, in stream order. */
	void (*console)(const char *buf, size_t len, void *userdata);
};

struct proto_stats {
	uint64_t lines; /* valid agent lines, recovered ones included */
	uint64_t recovered;
	uint64_t corrupt;
	uint64_t lost;	    /* missing sequence numbers */
	uint64_t duplicate; /* lines seen twice (not in lines) */
	uint64_t reordered; /* lines that came late (in lines) */
	uint64_t boots;	    /* BEGIN lines */
};

struct proto_decoder;

/*
 * Returns a new decoder (any op may be NULL), or NULL with errno ENOMEM.
 * Callbacks are called from within feed and finish, in stream order; the
 * pointers they get are valid during the call only.
 */
struct proto_decoder *proto_decoder_new(const struct proto_decoder_ops *ops, void *userdata);
void proto_decoder_free(struct proto_decoder *d);

/* Feeds console bytes, in chunks of any size.  Returns 0 (it allocates nothing). */
int proto_decoder_feed(struct proto_decoder *d, const void *buf, size_t len);

/*
 * Ends the stream: a last line without newline is taken, a pending split
 * line is given up (corrupt), numbers still missing are lost, a report
 * still being assembled is delivered as incomplete.  Returns 0.
 */
int proto_decoder_finish(struct proto_decoder *d);

void proto_decoder_stats(const struct proto_decoder *d, struct proto_stats *ret);

#endif
