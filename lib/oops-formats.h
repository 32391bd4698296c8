/* SPDX-License-Identifier: MIT */
/*
 * oops-formats.h - the data of the crash parser (lib/oops-formats.c), apart
 * from its engine (lib/oops.c).  Private to lib/.
 *
 * The rules are syzkaller's (pkg/report/linux.go) as set out in
 * ../shared/research/syzbot-titles.md, section numbers below refer to it.
 *
 * Patterns.  Every line test in the tables is a small pattern, matched by
 * oops.c without regular expressions, without backtracking beyond a fixed
 * number of tries per line:
 *   text     literal bytes; "\c" is the literal c
 *   ^        (first byte only) the match must start at the line start
 *   ~        (first byte only) letters match in either case
 *   *        any run of bytes within the line (shortest first)
 *   {F}      a function: [A-Za-z0-9_]+ directly followed by '.' or '+'
 *   {S}      a source position: [A-Za-z0-9_/.-]+ ".ext:" digits
 *   {N} {X}  decimal digits; hex digits
 *   {T}      [a-z-]+ (a KASAN bug type)       {W}  [A-Za-z0-9_]+
 *   {A}      one address "[<hex>]" / "[hex]"  {a}  0..2 addresses, each
 *            followed by blanks
 *   {_}      blanks, maybe none                 {E}  blanks to the line end
 *   {R}      the rest of the line               {.}  any one byte
 *   {x|y|z}  one of the literals, in that order (an empty one matches
 *            nothing)
 *   ( )      capture: the title template's %1, %2, ...
 *   " || "   separates whole alternatives (the earliest match wins)
 *
 * Skip patterns (frame names, section 8): a literal searched anywhere in
 * the name, "^" and "$" anchor it, ".*" is a gap, "\d" a digit.
 */
#ifndef OOPSFARM_OOPS_FORMATS_H
#define OOPSFARM_OOPS_FORMATS_H

#include <stddef.h>

#include "oops.h"

/* header keywords (section 3) */
enum {
	OH_LOCAL = 1, /* an oopsfarm addition, not syzbot's */
};

struct oops_header {
	const char *key;	 /* found anywhere in the line */
	const char *const *excl; /* NULL-terminated exclusion patterns */
	const char *need;	 /* oopsfarm: a pattern the line must hold */
	unsigned flags;
};

/* formats (section 7) */
enum {
	OF_NS = 1,    /* no stack needed (section 10) */
	OF_C = 2,     /* always corrupted */
	OF_START = 4, /* the title must start the window */
	OF_SPAN = 8,  /* the title may go on over the next line */
};

enum oops_selector {
	SEL_FIRST, /* the first surviving candidate */
	SEL_STALL, /* section 6.4: the callee above an anchor */
	SEL_HANG,  /* section 6.4: task hung */
};

/*
 * A recipe (section 6.1) is steps separated by ';':
 *   pc       find the pc line (RIP:, pc :, NIP, epc :, PC is at)
 *   trace    find the trace marker (Call Trace:, Call trace:, Backtrace:)
 *   stack    take a candidate from each frame line up to a stack start
 *   find:P   find a line matching pattern P; its capture is a candidate
 *   intr     find a pc line or powerpc "--- interrupt: n at f"
 * Named recipes: R1 "pc;trace;stack", R2 "trace;stack", R3 "pc",
 * RW "intr;stack" with alternative R2.
 */
#define R1 "pc;trace;stack"
#define R2 "trace;stack"
#define R3 "pc"
#define RW "intr;stack"

struct oops_format {
	unsigned char header; /* index in oops_headers[] */
	unsigned char kind;   /* enum oops_kind */
	unsigned char flags;  /* OF_* */
	unsigned char sel;    /* enum oops_selector */
	unsigned char skip;   /* index in oops_skip_lists[], 0: global only */
	const char *title;    /* title pattern: the earliest match wins */
	const char *rep[4];   /* report pattern: rep[0] on a line from the title
			       * on, each next one on a later line; NULL: title */
	const char *tmpl;     /* %1.. captures, %F frame, %G second frame */
	const char *recipe;   /* NULL: no frame */
	const char *alt;      /* recipe tried when the first fails */
};

/* Skip lists: list 0 is global, then one per format that has its own,
 * then the selectors' name lists. */
enum {
	SKIP_GLOBAL = 0,
	SKIP_STALL_ANCHOR = 62, /* section 8.4, on prefix-stripped names */
	SKIP_HANG_GENERIC = 63, /* section 6.4 step 2 */
	SKIP_LISTS = 64,
};

struct oops_skip_list {
	const char *const *names; /* NULL-terminated skip patterns */
};

extern const struct oops_header oops_headers[];
extern const size_t oops_nheaders;
extern const struct oops_format oops_formats[];
extern const size_t oops_nformats;
extern const struct oops_skip_list oops_skip_lists[SKIP_LISTS];

/* Syscall wrapper prefixes (section 9.1). */
extern const char *const oops_syscall_prefixes[];
/* Header lines that do not start a new report (section 4). */
extern const char *const oops_not_new[];
/* Lines that close a second report cut (section 4) besides headers. */
extern const char *const oops_extra_boundaries[];

#endif
