/* SPDX-License-Identifier: MIT */
/*
 * oops.h - the kernel crash report parser shared by the board agent and
 * the host tools.
 *
 * Feed console text (a serial capture, a LAVA log, /dev/kmsg records turned
 * into console lines by kmsg.h) in chunks of any size with oops_parser_feed()
 * and call oops_parser_finish() at the end of the stream.  Each crash report
 * found is handed to the callback once it is complete, in the order the
 * reports start in the stream.
 *
 * How it works: the stream is cut into lines (LF or CRLF; a line longer than
 * OOPS_LINE_MAX is cut and the rest is ignored).  One canonicalising layer
 * takes off what wraps the kernel's text (mail quotes, indentation, <N>
 * levels, timestamps, caller ids, syslog, journal and dmesg -T prefixes,
 * LAVA YAML) and notes the line's context (caller id, timestamped or
 * bare).  A line that holds a header keyword (BUG:, WARNING:, Unable to
 * handle kernel, ..., lib/oops-formats.c) opens a report; the report's
 * window takes the next lines of its context until the next header, an
 * end marker, a board restart, a long run of lines that are not part of a
 * report, or the size cap (OOPS_REPORT_MAX bytes, OOPS_REPORT_LINES
 * lines), which marks it corrupted.  Lines such as "Internal error: Oops"
 * after "Unable to handle kernel" belong to the report open.  Matching is
 * by literal scans and small bounded patterns: no regular expressions, no
 * backtracking, time linear in the input, memory bounded.
 *
 * Titles are syzbot's (syzkaller pkg/report/linux.go; doc/signatures.md):
 * each header's formats are tried on the window, the earliest match wins,
 * its recipe finds the guilty frame ("in foo"): the first candidate not
 * on the skip lists, or for stalls and hangs the frame syzbot's selectors
 * pick.  When no frame can be found the title ends in "in corrupted" and
 * the corrupted flag is set, as syzbot does.
 *
 * The signature hash is specified in doc/signatures.md: 64-bit FNV-1a over
 * the title and the first OOPS_HASH_FRAMES non-generic frames (with none,
 * every frame of the report, up to OOPS_MAX_FRAMES), each frame a bare
 * function name.
 */
#ifndef OOPSFARM_OOPS_H
#define OOPSFARM_OOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OOPS_LINE_MAX	  1024	      /* bytes kept of one console line */
#define OOPS_REPORT_MAX	  (64 * 1024) /* bytes kept of one report */
#define OOPS_REPORT_LINES 1000	      /* lines of one report */
#define OOPS_TITLE_MAX	  256
#define OOPS_FRAME_MAX	  128
#define OOPS_HASH_FRAMES  4  /* frames that go into the hash */
#define OOPS_MAX_FRAMES	  16 /* frames kept per report */

/* The closed set of report kinds; oops_kind_name() gives the stable names. */
enum oops_kind {
	OOPS_KIND_OOPS,	      /* "oops": bad memory access, Internal error, GPF */
	OOPS_KIND_BUG,	      /* "bug": kernel BUG at, BUG: (other) */
	OOPS_KIND_WARNING,    /* "warning": WARN_ON and friends */
	OOPS_KIND_KASAN,      /* "kasan" */
	OOPS_KIND_KFENCE,     /* "kfence" */
	OOPS_KIND_KCSAN,      /* "kcsan" */
	OOPS_KIND_KMSAN,      /* "kmsan" */
	OOPS_KIND_UBSAN,      /* "ubsan" */
	OOPS_KIND_LOCKDEP,    /* "lockdep": possible deadlock, inconsistent lock state */
	OOPS_KIND_HUNG,	      /* "hung": INFO: task hung */
	OOPS_KIND_SOFTLOCKUP, /* "softlockup": soft/hard lockup, workqueue lockup */
	OOPS_KIND_RCU_STALL,  /* "rcu-stall" */
	OOPS_KIND_PANIC,      /* "panic": Kernel panic - not syncing */
	OOPS_KIND_LEAK,	      /* "leak": kmemleak */
	OOPS_KIND_OTHER,      /* "other" */
	OOPS_KIND_COUNT
};

struct oops_report {
	char title[OOPS_TITLE_MAX];
	enum oops_kind kind;
	int format;		    /* row of the title format in lib/oops-formats.c,
				     * -1 for a header-line fallback title */
	char frame[OOPS_FRAME_MAX]; /* guilty frame, "" when none */
	uint64_t start;		    /* stream offset of the header line's first byte */
	uint64_t end;		    /* offset just past the report's last line */
	bool corrupted;
	uint64_t hash; /* see doc/signatures.md */
	/* The report's own text: its lines, normalised (no timestamps, no
	 * caller ids, LF endings), capped at OOPS_REPORT_MAX bytes. */
	const char *text;
	size_t text_len;
	/* The stack used for the title and hash, bare function names: the
	 * non-generic frames of the title's stack, or when it has none every
	 * frame of the report.  The hash takes the first nhash of them. */
	const char *frames[OOPS_MAX_FRAMES];
	int nframes;
	int nhash;
};

struct oops_parser;

/*
 * Called once per complete report.  The report and its strings are valid
 * only during the call.
 */
typedef void (*oops_report_fn)(const struct oops_report *r, void *userdata);

/* Returns a new parser, or NULL with errno ENOMEM. */
struct oops_parser *oops_parser_new(oops_report_fn fn, void *userdata);

/* Frees the parser; NULL is fine.  Reports still open are dropped. */
void oops_parser_free(struct oops_parser *p);

/*
 * Feeds len bytes of the stream.  Reports that this input completes are
 * passed to the callback before it returns.  Returns 0.
 */
int oops_parser_feed(struct oops_parser *p, const void *buf, size_t len);

/*
 * Ends the stream: a last line without newline is taken, and a report still
 * open is closed (reports cut by the end of the stream are not marked
 * corrupted for that alone: a panic is usually the last thing on a console;
 * but a report cut before any stack could be read is).  Returns 0.  The
 * parser can be fed again after this, as a new stream with offsets that go
 * on from where they stopped.
 */
int oops_parser_finish(struct oops_parser *p);

/* Bytes consumed so far. */
uint64_t oops_parser_offset(const struct oops_parser *p);

/* Stable lowercase name of a kind ("oops", "warning", "rcu-stall", ...). */
const char *oops_kind_name(enum oops_kind kind);

/*
 * Convenience for whole buffers: parses buf and calls fn for each report.
 * Returns the number of reports, or -ENOMEM.
 */
int oops_parse_buffer(const void *buf, size_t len, oops_report_fn fn, void *userdata);

/* True for frames on the global skip list (syzbot section 8.1): never guilty. */
bool oops_frame_is_generic(const char *func);

/* FNV-1a 64 over the title and each of the nframes frames, as
 * doc/signatures.md specifies. */
uint64_t oops_signature_hash(const char *title, const char *const *frames, int nframes);

#endif
