// SPDX-License-Identifier: MIT
/*
 * oops.c - streaming kernel crash report parser: the engine.  The rules it
 * runs (headers, title formats, skip lists) are data in oops-formats.c; see
 * oops.h for the model and doc/signatures.md for the contract.
 *
 * Three layers:
 *  1. canon_line(): one console line, whatever its wrapping (CRLF, '>'
 *     quotes, indentation, <N>, timestamps, caller ids, syslog, journal,
 *     dmesg -T, LAVA YAML), becomes its kernel text and context;
 *  2. parse_segment(): header lines open reports, the lines that follow in
 *     the same context fill the report's window;
 *  3. report_close(): the title engine runs syzbot's formats, recipes and
 *     normalisations over the window.
 * Every step is a bounded scan: patterns have no backtracking beyond a
 * fixed number of tries, frame names are matched against all skip lists at
 * once by an Aho-Corasick automaton built at start-up.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oops-formats.h"
#include "oops.h"

#define QUIET_LINES 64	 /* kept lines in a row that do not look like a report */
#define PANIC_CUT   22	 /* section 4: a panic after this many lines is another report */
#define OTHER_LINES 4000 /* lines of other contexts that close a report */
#define CALLER_MAX  16
#define MAX_CAPS    8
#define MAX_CANDS   1024 /* surviving candidates kept per group */
#define CAND_POOL   32768
#define STAR_TRIES  256 /* '*' positions tried per pattern and line */

/* ---- small string helpers ---- */

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_lhex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool starts(const char *s, const char *lit)
{
	return !strncmp(s, lit, strlen(lit));
}

static void copy_str(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- patterns (notation in oops-formats.h) ---- */

struct pmatch {
	const char *cap[MAX_CAPS][2];
	int ncap;
	int tries;
	bool icase; /* the alternative started with '~' */
};

static bool same_char(const struct pmatch *m, char a, char b)
{
	if (m->icase && a >= 'A' && a <= 'Z')
		a |= 0x20;
	if (m->icase && b >= 'A' && b <= 'Z')
		b |= 0x20;
	return a == b;
}

/* An address token "[<ffff>]", "[ffff]", "[<0xffff>]".  Returns its end or NULL. */
static const char *match_addr(const char *s)
{
	const char *p = s;

	if (*p++ != '[')
		return NULL;
	if (*p == '<')
		p++;
	if (p[0] == '0' && p[1] == 'x')
		p += 2;
	if (!is_hex(*p))
		return NULL;
	while (is_hex(*p))
		p++;
	if (*p == '>')
		p++;
	if (*p != ']')
		return NULL;
	return p + 1;
}

/* "{...}" token at *pp against s; returns the end of the match or NULL. */
static const char *match_token(const char **pp, const char *s)
{
	const char *p = *pp + 1, *close = strchr(p, '}'), *q;
	size_t n = close - p;

	*pp = close + 1;
	if (memchr(p, '|', n)) {
		/* literal alternatives; an empty one matches nothing */
		for (const char *a = p; a <= close;) {
			const char *e = a;

			while (e < close && *e != '|')
				e++;
			if (!strncmp(s, a, e - a))
				return s + (e - a);
			a = e + 1;
		}
		return NULL;
	}
	switch (*p) {
	case 'F':
		q = s;
		while (is_ident(*q))
			q++;
		return q > s && (*q == '.' || *q == '+') ? q : NULL;
	case 'S': {
		const char *dot = NULL;

		q = s;
		while (is_alnum(*q) || *q == '_' || *q == '/' || *q == '.' || *q == '-') {
			if (*q == '.')
				dot = q;
			q++;
		}
		if (!dot || dot + 1 == q || *q != ':' || !is_digit(q[1]))
			return NULL;
		q++;
		while (is_digit(*q))
			q++;
		return q;
	}
	case 'N':
		q = s;
		while (is_digit(*q))
			q++;
		return q > s ? q : NULL;
	case 'X':
		q = s;
		while (is_hex(*q))
			q++;
		return q > s ? q : NULL;
	case 'T':
		q = s;
		while ((*q >= 'a' && *q <= 'z') || *q == '-')
			q++;
		return q > s ? q : NULL;
	case 'W':
		q = s;
		while (is_ident(*q))
			q++;
		return q > s ? q : NULL;
	case 'A':
		return match_addr(s);
	case 'a':
		q = s;
		for (int i = 0; i < 2; i++) {
			const char *e = match_addr(q);

			if (!e || (*e != ' ' && *e != '\t'))
				break;
			q = e;
			while (*q == ' ' || *q == '\t')
				q++;
		}
		return q;
	case '_':
		q = s;
		while (*q == ' ' || *q == '\t')
			q++;
		return q;
	case 'E':
		q = s;
		while (*q == ' ' || *q == '\t')
			q++;
		return *q ? NULL : q;
	case 'R':
		return s + strlen(s);
	case '.':
		return *s ? s + 1 : NULL;
	}
	return NULL;
}

/* Matches pattern [p, pe) at s; returns the end of the match or NULL. */
static const char *pat_here(const char *p, const char *pe, const char *s, struct pmatch *m)
{
	while (p < pe) {
		switch (*p) {
		case '*': {
			/* shortest first; a literal next is looked for with strchr */
			char next = p + 1 < pe && !strchr("*{()\\", p[1]) ? p[1] : 0;

			int ncap = m->ncap;

			for (const char *t = s;;) {
				const char *e;

				if (next && !(t = strchr(t, next)))
					return NULL;
				if ((e = pat_here(p + 1, pe, t, m)))
					return e;
				m->ncap = ncap;
				if (!*t || ++m->tries > STAR_TRIES)
					return NULL;
				t++;
			}
		}
		case '{':
			s = match_token(&p, s);
			if (!s)
				return NULL;
			break;
		case '(':
			if (m->ncap < MAX_CAPS)
				m->cap[m->ncap][0] = s;
			p++;
			break;
		case ')':
			if (m->ncap < MAX_CAPS)
				m->cap[m->ncap++][1] = s;
			p++;
			break;
		case '\\':
			p++;
			/* fall through */
		default:
			if (!*s || !same_char(m, *s, *p))
				return NULL;
			s++;
			p++;
		}
	}
	return s;
}

/*
 * Finds pattern pat (alternatives " || ") in line; returns the start of the
 * earliest match or NULL, with the captures in m.  Pattern and line lengths
 * are bounded, and so is the work.
 */
static const char *find_icase(const char *s, const char *lit, size_t n)
{
	for (; *s; s++)
		if (!strncasecmp(s, lit, n))
			return s;
	return NULL;
}

static const char *pat_find(const char *pat, const char *line, struct pmatch *m)
{
	const char *best = NULL;
	struct pmatch bm = {0};

	for (const char *a = pat; a;) {
		const char *sep = strstr(a, " || ");
		const char *ae = sep ? sep : a + strlen(a);
		bool icase = *a == '~';
		bool anchored = a[icase] == '^';
		const char *p = a + icase + anchored;
		size_t lit = 0;

		/* the literal run the pattern starts with, for strstr */
		while (p + lit < ae && !strchr("*{()\\", p[lit]))
			lit++;
		char key[64];

		/* glibc's strstr is the fast one: the literal gets its NUL */
		if (lit >= sizeof(key))
			lit = sizeof(key) - 1;
		memcpy(key, p, lit);
		key[lit] = '\0';
		for (const char *s = line; *s && (!best || s < best);) {
			struct pmatch t = {.icase = icase};

			if (lit) {
				if (anchored)
					s = !(icase ? strncasecmp : strncmp)(s, p, lit) ? s : NULL;
				else if (icase)
					s = find_icase(s, p, lit);
				else
					s = lit == 1 ? strchr(s, key[0]) : strstr(s, key);
				if (!s || (best && s >= best))
					break;
			}
			if (pat_here(p, ae, s, &t)) {
				best = s;
				bm = t;
				break;
			}
			if (anchored)
				break;
			s++;
		}
		if (!best && anchored && !lit) {
			struct pmatch t = {.icase = icase};

			if (pat_here(p, ae, line, &t)) {
				best = line;
				bm = t;
			}
		}
		a = sep ? sep + 4 : NULL;
	}
	if (best && m)
		*m = bm;
	return best;
}

/* ---- frame-name lists: one Aho-Corasick automaton for all of them ---- */

#define AC_STATES 8192
#define AC_EDGES  16384 /* open-addressing table of (state, byte) -> state */
#define AC_PATS	  640

struct ac_pat {
	const char *pat;      /* the skip pattern */
	unsigned char list;   /* its list */
	unsigned char keylen; /* the literal the automaton finds */
	short next;	      /* next pattern ending in the same state */
};

static struct {
	uint32_t edge_key[AC_EDGES]; /* state << 8 | byte, plus 1; 0 is empty */
	uint16_t edge_to[AC_EDGES];
	uint16_t fail[AC_STATES];
	uint16_t dict[AC_STATES]; /* nearest state on the fail chain with patterns */
	short out[AC_STATES];	  /* first pattern ending here, -1 */
	struct ac_pat pats[AC_PATS];
	int nstates, npats;
	bool ready;
} ac;

static unsigned ac_slot(uint32_t key)
{
	return (key * 2654435761u) >> (32 - 14);
}

static int ac_goto(int state, unsigned char c)
{
	uint32_t key = ((uint32_t)state << 8 | c) + 1;

	for (unsigned i = ac_slot(key);; i = (i + 1) & (AC_EDGES - 1)) {
		if (ac.edge_key[i] == key)
			return ac.edge_to[i];
		if (!ac.edge_key[i])
			return -1;
	}
}

static int ac_add_edge(int state, unsigned char c)
{
	uint32_t key = ((uint32_t)state << 8 | c) + 1;
	unsigned i = ac_slot(key);

	while (ac.edge_key[i])
		i = (i + 1) & (AC_EDGES - 1);
	if (ac.nstates >= AC_STATES)
		return -1;
	ac.edge_key[i] = key;
	ac.edge_to[i] = ac.nstates;
	ac.out[ac.nstates] = -1;
	return ac.nstates++;
}

/* The literal a skip pattern is found by: its start up to ".*" or "\d". */
static size_t skip_key(const char *pat, const char **ret_key)
{
	const char *k = pat + (*pat == '^');
	size_t n = 0;

	while (k[n] && k[n] != '$' && k[n] != '\\' && !(k[n] == '.' && k[n + 1] == '*'))
		n++;
	*ret_key = k;
	return n;
}

__attribute__((constructor)) static void ac_build(void)
{
	static int queue[AC_STATES];
	int qh = 0, qt = 0;

	ac.nstates = 1;
	ac.out[0] = -1;
	for (int l = 0; l < SKIP_LISTS; l++) {
		const char *const *v = oops_skip_lists[l].names;

		for (int i = 0; v && v[i] && ac.npats < AC_PATS; i++) {
			const char *key;
			size_t n = skip_key(v[i], &key);
			int s = 0;

			for (size_t j = 0; j < n; j++) {
				int t = ac_goto(s, key[j]);

				if (t < 0 && (t = ac_add_edge(s, key[j])) < 0)
					return; /* tables too small: ac.ready stays false */
				s = t;
			}
			ac.pats[ac.npats] = (struct ac_pat){v[i], l, n, ac.out[s]};
			ac.out[s] = ac.npats++;
		}
	}
	/* breadth first: fail links; every state is enqueued once */
	for (int c = 0; c < 256; c++) {
		int t = ac_goto(0, c);

		if (t > 0) {
			ac.fail[t] = 0;
			queue[qt++] = t;
		}
	}
	while (qh < qt) {
		int s = queue[qh++];

		ac.dict[s] = ac.out[ac.fail[s]] >= 0 ? ac.fail[s] : ac.dict[ac.fail[s]];
		for (int c = 0; c < 256; c++) {
			int t = ac_goto(s, c), f;

			if (t < 0)
				continue;
			f = ac.fail[s];
			while (f && ac_goto(f, c) < 0)
				f = ac.fail[f];
			f = ac_goto(f, c);
			ac.fail[t] = f > 0 && f != t ? f : 0;
			queue[qt++] = t;
		}
	}
	ac.ready = true;
}

/* Checks the rest of skip pattern pat, whose key was found at name[at]. */
static bool skip_verify(const struct ac_pat *ap, const char *name, size_t at)
{
	const char *p = ap->pat;
	const char *s = name + at + ap->keylen;

	if (*p == '^' && at)
		return false;
	p += (*p == '^') + ap->keylen;
	while (*p) {
		if (p[0] == '.' && p[1] == '*') {
			/* a gap: the rest is a literal searched further on */
			const char *rest = p + 2;

			return strstr(s, rest) != NULL;
		}
		if (p[0] == '\\' && p[1] == 'd') {
			if (!is_digit(*s))
				return false;
			s++;
			p += 2;
			continue;
		}
		if (*p == '$')
			return !*s;
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return true;
}

/* The lists (bit per list) that name is on; one pass over the name. */
static uint64_t name_lists(const char *name)
{
	uint64_t mask = 0;
	int s = 0;

	if (!ac.ready)
		return 0;
	for (size_t i = 0; name[i]; i++) {
		int t;

		while ((t = ac_goto(s, name[i])) < 0 && s)
			s = ac.fail[s];
		s = t < 0 ? 0 : t;
		for (int d = s; d; d = ac.dict[d]) {
			for (int k = ac.out[d]; k >= 0; k = ac.pats[k].next) {
				const struct ac_pat *ap = &ac.pats[k];

				if (!(mask >> ap->list & 1) && skip_verify(ap, name, i + 1 - ap->keylen))
					mask |= 1ULL << ap->list;
			}
			if (ac.out[d] < 0 && !ac.dict[d])
				break;
		}
	}
	/* patterns with an empty key ("\d..." or ".*" first) are not used */
	return mask;
}

bool oops_frame_is_generic(const char *func)
{
	return name_lists(func) & 1;
}

/* Section 9.1: each prefix on its own, the shortest result wins. */
static const char *strip_syscall_prefix(const char *name)
{
	const char *best = name;

	for (int i = 0; oops_syscall_prefixes[i]; i++) {
		size_t n = strlen(oops_syscall_prefixes[i]);

		if (!strncmp(name, oops_syscall_prefixes[i], n) && name[n] && strlen(name + n) < strlen(best))
			best = name + n;
	}
	return best;
}

/* ---- kinds ---- */

static const char *const kind_names[OOPS_KIND_COUNT] = {
    [OOPS_KIND_OOPS] = "oops",
    [OOPS_KIND_BUG] = "bug",
    [OOPS_KIND_WARNING] = "warning",
    [OOPS_KIND_KASAN] = "kasan",
    [OOPS_KIND_KFENCE] = "kfence",
    [OOPS_KIND_KCSAN] = "kcsan",
    [OOPS_KIND_KMSAN] = "kmsan",
    [OOPS_KIND_UBSAN] = "ubsan",
    [OOPS_KIND_LOCKDEP] = "lockdep",
    [OOPS_KIND_HUNG] = "hung",
    [OOPS_KIND_SOFTLOCKUP] = "softlockup",
    [OOPS_KIND_RCU_STALL] = "rcu-stall",
    [OOPS_KIND_PANIC] = "panic",
    [OOPS_KIND_LEAK] = "leak",
    [OOPS_KIND_OTHER] = "other",
};

const char *oops_kind_name(enum oops_kind kind)
{
	if ((unsigned)kind >= OOPS_KIND_COUNT)
		return "other";
	return kind_names[kind];
}

/* ---- the parser state ---- */

enum ctx { CTX_NONE, CTX_CONSOLE, CTX_CALLER };

/* One console line after canon_line(). */
struct canon {
	const char *s;	   /* the kernel's text */
	bool prefixed;	   /* a console prefix was recognised */
	bool questionable; /* section 2 */
	char caller[CALLER_MAX];
};

struct open_report {
	bool open;
	int hdr; /* index in oops_headers[] */
	enum ctx ctx;
	char caller[CALLER_MAX];
	bool nmi; /* "Sending NMI from CPU" seen: [ Cn] lines belong */
	uint64_t start;
	uint64_t end; /* end of the last line that belongs */
	char *text;   /* all lines, for the caller */
	size_t text_len;
	size_t text_kept; /* text_len at the last line that belongs */
	char *win;	  /* the window: kept lines, NUL-separated */
	size_t win_len;
	uint32_t *lines; /* offsets of the window lines in win */
	int nlines;
	int quiet, other;
	bool capped;
	bool cut;		 /* the window takes no more lines */
	char indent[CALLER_MAX]; /* blanks before an unprefixed header */
};

struct oops_parser {
	oops_report_fn fn;
	void *userdata;
	uint64_t offset;     /* bytes consumed */
	uint64_t line_start; /* offset of the current line's first byte */
	/* the physical line being read: twice a line, so that the kernel
	 * line that starts inside it has its OOPS_LINE_MAX bytes too */
	char line[2 * OOPS_LINE_MAX + 1];
	size_t line_len;
	char seg[OOPS_LINE_MAX + 1]; /* one canonical segment of it */
	struct open_report slot[2];
	struct open_report *cur; /* the report that takes lines */
	struct title_result *eng;
	/* In caller-id logs a report's window goes on past the next report's
	 * header (section 4): the earlier report waits here, its offsets and
	 * text fixed, taking window lines until the current one closes. */
	struct open_report *pend;
};

static struct title_result *engine_new(void);

struct oops_parser *oops_parser_new(oops_report_fn fn, void *userdata)
{
	struct oops_parser *p = calloc(1, sizeof(*p));

	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->fn = fn;
	p->userdata = userdata;
	for (int i = 0; i < 2; i++) {
		struct open_report *r = &p->slot[i];

		r->text = malloc(OOPS_REPORT_MAX + 1);
		r->win = malloc(OOPS_REPORT_MAX + 1);
		r->lines = malloc(OOPS_REPORT_LINES * sizeof(r->lines[0]));
		if (!r->text || !r->win || !r->lines) {
			oops_parser_free(p);
			errno = ENOMEM;
			return NULL;
		}
	}
	p->eng = engine_new();
	if (!p->eng) {
		oops_parser_free(p);
		errno = ENOMEM;
		return NULL;
	}
	p->cur = &p->slot[0];
	p->pend = &p->slot[1];
	return p;
}

void oops_parser_free(struct oops_parser *p)
{
	if (!p)
		return;
	free(p->eng);
	for (int i = 0; i < 2; i++) {
		free(p->slot[i].text);
		free(p->slot[i].win);
		free(p->slot[i].lines);
	}
	free(p);
}

uint64_t oops_parser_offset(const struct oops_parser *p)
{
	return p->offset;
}

/* ---- layer 1: console shapes ---- */

/* "[   12.345678]" at s: returns its length or 0. */
static size_t timestamp_len(const char *s)
{
	const char *p = s;

	if (*p++ != '[')
		return 0;
	while (*p == ' ')
		p++;
	if (!is_digit(*p))
		return 0;
	while (is_digit(*p))
		p++;
	if (*p++ != '.' || !is_digit(*p))
		return 0;
	while (is_digit(*p))
		p++;
	return *p == ']' ? (size_t)(p + 1 - s) : 0;
}

/* "[ T123]", "[T123]", "[ C1]" at s: returns its length or 0. */
static size_t caller_len(const char *s)
{
	const char *p = s;

	if (*p++ != '[')
		return 0;
	while (*p == ' ')
		p++;
	if ((*p != 'T' && *p != 'C') || !is_digit(p[1]))
		return 0;
	p++;
	while (is_digit(*p))
		p++;
	return *p == ']' ? (size_t)(p + 1 - s) : 0;
}

/* "Nov 25 10:00:00 host kernel: ", "2026-11-25T10:00:00.1+00:00 host kernel: ":
 * returns the length up to the text or 0; a syslog line of another program
 * is not kernel text and gives 0. */
static size_t syslog_len(const char *s)
{
	const char *k;
	size_t n = strnlen(s, 96);

	if (n < 16)
		return 0;
	if (!((s[0] >= 'A' && s[0] <= 'Z' && s[3] == ' ' && (s[4] == ' ' || is_digit(s[4]))) ||
	      (is_digit(s[0]) && is_digit(s[3]) && s[4] == '-' && s[10] == 'T')))
		return 0;
	k = memmem(s, n, " kernel: ", 9);
	if (!k || !memchr(s, ':', k - s))
		return 0;
	return k - s + 9;
}

/* "[Tue Nov 25 10:00:00 2026] " (dmesg -T): returns its length or 0. */
static size_t dmesg_t_len(const char *s)
{
	if (s[0] != '[' || !(s[1] >= 'A' && s[1] <= 'Z') || strnlen(s, 27) < 26 || s[4] != ' ' ||
	    s[25] != ']' || s[14] != ':')
		return 0;
	return 26;
}

/* Decodes the JSON string at s (just past the opening quote) in place. */
static bool json_string(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (*r == '"') {
			*w = '\0';
			return true;
		}
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		switch (*++r) {
		case 'n':
		case 'r':
		case 't':
			*w++ = ' ';
			break;
		case 'u': {
			unsigned v = 0;
			int i;

			for (i = 1; i <= 4 && is_hex(r[i]); i++)
				v = v * 16 + (is_digit(r[i]) ? r[i] - '0' : (r[i] | 0x20) - 'a' + 10);
			r += i - 1;
			*w++ = v && v < 0x80 ? (char)v : ' ';
			break;
		}
		case '\0':
			return false;
		default:
			*w++ = *r;
		}
	}
	return false;
}

/*
 * A LAVA job log line: "- {"dt": "...", "lvl": "target", "msg": "..."}".
 * Returns 1 with the message as line for the board's console ("target",
 * "feedback"), -1 for LAVA's own lines, 0 when line is not one.
 */
static int lava_line(char *line)
{
	char *s = line, *lvl, *msg;

	while (*s == ' ')
		s++;
	if (!starts(s, "- {\"dt\": \"") || !(lvl = strstr(s, "\"lvl\": \"")))
		return 0;
	lvl += 8;
	if (!starts(lvl, "target\"") && !starts(lvl, "feedback\""))
		return -1;
	msg = strstr(lvl, "\"msg\": \"");
	if (!msg || !json_string(msg + 8))
		return -1;
	memmove(line, msg + 8, strlen(msg + 8) + 1);
	return 1;
}

/*
 * Layer 1: the kernel text of one console line in p->seg (raw, len bytes).
 * Returns false for lines that are not console text.
 */
static bool canon_line(struct oops_parser *p, const char *raw, size_t len, struct canon *c)
{
	char *line = p->seg;
	const char *s, *t;
	size_t w = 0, n;

	/* NULs would hide the rest of the line; CRs and colour codes go */
	if (len > OOPS_LINE_MAX)
		len = OOPS_LINE_MAX;
	if (!memchr(raw, '\r', len) && !memchr(raw, '\x1b', len) && !memchr(raw, '\0', len)) {
		memcpy(line, raw, len);
		w = len;
		len = 0; /* the plain line is copied: skip the loop */
	}
	for (size_t i = 0; i < len && w < OOPS_LINE_MAX; i++) {
		unsigned char ch = raw[i];

		if (ch > '\x1b') {
			line[w++] = ch;
			continue;
		}
		if (ch == '\r')
			continue;
		if (raw[i] == '\x1b' && i + 1 < len && raw[i + 1] == '[') {
			size_t j = i + 2;

			while (j < len && j < i + 16 && (is_digit(raw[j]) || raw[j] == ';'))
				j++;
			if (j < len && raw[j] == 'm') {
				i = j;
				continue;
			}
		}
		line[w++] = raw[i] ? raw[i] : ' ';
	}
	line[w] = '\0';
	if (line[0] == ' ' || line[0] == '-') {
		int l = lava_line(line);

		if (l < 0)
			return false;
	}

	memset(c, 0, sizeof(*c));
	s = line;
	/* mail quoting, any depth: "> > text" */
	t = s;
	while (*t == ' ' || *t == '\t')
		t++;
	if (*t == '>') {
		while (*t == '>') {
			t++;
			if (*t == ' ')
				t++;
		}
		s = t;
	}
	/* blanks before a prefix go; before a frame they are the frame's */
	t = s;
	while (*t == ' ' || *t == '\t')
		t++;
	if (t != s && (timestamp_len(t) || (*t == '<' && is_digit(t[1]))))
		s = t;

	if ((n = syslog_len(s)) || (n = dmesg_t_len(s))) {
		s += n;
		c->prefixed = true;
	}
	if (starts(s, "** ") && (t = strstr(s + 3, " printk messages dropped ** ")))
		s = t + strlen(" printk messages dropped ** ");
	if (s[0] == '<' && is_digit(s[1])) {
		t = s + 1;
		while (is_digit(*t) && t - s < 5)
			t++;
		if (*t == '>')
			s = t + 1;
	}
	if ((n = timestamp_len(s))) {
		s += n;
		c->prefixed = true;
		if ((n = caller_len(s))) {
			const char *q = s + 1;

			while (*q == ' ')
				q++;
			copy_str(c->caller, sizeof(c->caller), q, s + n - 1 - q);
			s += n;
		}
	} else if ((n = caller_len(s))) {
		const char *q = s + 1;

		while (*q == ' ')
			q++;
		copy_str(c->caller, sizeof(c->caller), q, s + n - 1 - q);
		s += n;
		c->prefixed = true;
	}
	if (c->prefixed && *s == ' ')
		s++;
	c->s = s;
	if (c->prefixed) {
		size_t l = strlen(s);

		if ((strstr(s, " ? ") && !strstr(s, "<EOI>")) ||
		    (l >= 13 && !strcmp(s + l - 13, " (unreliable)")))
			c->questionable = true;
	}
	return true;
}

/*
 * A kernel timestamp inside a physical line, after other text (another CPU
 * or user space printed a partial line first).  Text of blanks and quote
 * marks only does not count.  Returns its position or 0.
 */
static size_t find_inner_timestamp(const char *s, size_t len)
{
	bool text = false;
	const char *b = memchr(s, '[', len);

	/* no '[', or one that only blanks come before: nothing to split */
	if (!b || !memchr(b + 1, '[', len - (b + 1 - s))) {
		if (!b || b == s || strspn(s, " \t>") >= (size_t)(b - s))
			return 0;
	}
	for (size_t i = 0; i + 3 < len; i++) {
		if (s[i] == '[' && text) {
			size_t j = i + 1;

			while (j < len && s[j] == ' ')
				j++;
			if (j >= len || !is_digit(s[j]))
				continue;
			while (j < len && is_digit(s[j]))
				j++;
			if (j >= len || s[j] != '.')
				continue;
			j++;
			if (j >= len || !is_digit(s[j]))
				continue;
			while (j < len && is_digit(s[j]))
				j++;
			if (j < len && s[j] == ']')
				return i;
		}
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '>' && s[i] != '\r')
			text = true;
		if (s[i] == '[' && !text)
			return 0;
	}
	return 0;
}

/* ---- layer 2: headers and report windows ---- */

/* Header keywords are found by their first 4 bytes: a 64 Kbit filter. */
static uint8_t key4_filter[8192];
static uint8_t key_shift[65536]; /* by 2-byte block: the shift, 0..3 */
static uint8_t key_len[64];

static unsigned key4_hash(const char *s)
{
	uint32_t v;

	memcpy(&v, s, 4);
	return (v * 2654435761u) >> 16;
}

__attribute__((constructor)) static void key4_build(void)
{
	for (size_t i = 0; i < oops_nheaders; i++) {
		unsigned h = key4_hash(oops_headers[i].key);

		key4_filter[h >> 3] |= 1 << (h & 7);
	}
	for (size_t i = 0; i < oops_nheaders && i < 64; i++)
		key_len[i] = strlen(oops_headers[i].key);
	memset(key_shift, 3, sizeof(key_shift));
	for (size_t i = 0; i < oops_nheaders; i++) {
		const unsigned char *k = (const unsigned char *)oops_headers[i].key;

		for (int j = 0; j < 3; j++) {
			unsigned b = k[j] | k[j + 1] << 8;

			if (key_shift[b] > 2 - j)
				key_shift[b] = 2 - j;
		}
	}
}

static bool header_excluded(const struct oops_header *h, const char *s)
{
	if (h->need && !pat_find(h->need, s, NULL))
		return true;
	for (int i = 0; h->excl && h->excl[i]; i++)
		if (pat_find(h->excl[i], s, NULL))
			return true;
	return false;
}

/*
 * Section 3: the header of line s, the first keyword in table order that
 * the line holds and that is not excluded; -1 for none.  One pass over the
 * line with the 4-byte filter.
 */
static int find_header(const char *s)
{
	size_t len = strlen(s);
	int best = -1;

	if (len < 4 || starts(s, "---[ ") || strstr(s, "OOPSFARM:"))
		return -1;
	for (size_t i = 0; i + 4 <= len; i++) {
		unsigned h, sh;

		/* Wu-Manber: the last two bytes of a 4-byte window say how far
		 * the next keyword start can be */
		while ((sh = key_shift[(unsigned char)s[i + 2] | (unsigned char)s[i + 3] << 8])) {
			i += sh;
			if (i + 4 > len)
				return best;
		}
		h = key4_hash(s + i);
		if (!(key4_filter[h >> 3] >> (h & 7) & 1))
			continue;
		for (size_t k = 0; k < oops_nheaders && (best < 0 || (int)k < best); k++) {
			const char *key = oops_headers[k].key;

			if (key[0] == s[i] && key[1] == s[i + 1] && !strncmp(s + i, key, key_len[k]) &&
			    !header_excluded(&oops_headers[k], s))
				best = k;
		}
	}
	return best;
}

/* "Word by task 12:" at s after the literal word: true when it fits. */
static bool by_task(const char *s)
{
	if (!starts(s, " by task ") || !is_digit(s[9]))
		return false;
	s += 9;
	while (is_digit(*s))
		s++;
	return *s == ':';
}

/*
 * Section 6.3: the kind of stack-start marker on line s, or -1.  Kinds:
 * 0 "Call Trace"/"Call trace", 1 "Allocated:", 2 "Allocated by task n:",
 * 3 "Freed:", 4 "Freed by task n:", 5 " backtrace:"/" backtrace (crc x):"
 * not after 'k' (so not "stack backtrace:"), 6 "Backtrace:", 7 "Uninit was
 * stored to memory at", 8 riscv "status: x badaddr: x cause: x".
 */
static int marker_kind(const char *s)
{
	const char *q;

	if ((q = strstr(s, "Call ")) && (starts(q + 5, "Trace") || starts(q + 5, "trace")))
		return 0;
	for (q = strstr(s, "Allocated"); q; q = strstr(q + 1, "Allocated")) {
		if (q[9] == ':')
			return 1;
		if (by_task(q + 9))
			return 2;
	}
	for (q = strstr(s, "Freed"); q; q = strstr(q + 1, "Freed")) {
		if (q[5] == ':')
			return 3;
		if (by_task(q + 5))
			return 4;
	}
	for (q = strstr(s, "acktrace"); q; q = strstr(q + 1, "acktrace")) {
		if (q > s && q[-1] == 'B' && q[8] == ':')
			return 6;
		if (q >= s + 2 && q[-1] == 'b' && q[-2] == ' ' && (q == s + 2 || q[-3] != 'k') &&
		    (q[8] == ':' || pat_find("^ \\(crc {X}\\):", q + 8, NULL)))
			return 5;
	}
	if (strstr(s, "Uninit was stored to memory at"))
		return 7;
	if ((q = strstr(s, "status: ")) && pat_find("status: {X} badaddr: {X} cause: {X}", q, NULL))
		return 8;
	return -1;
}

static bool is_stack_marker(const char *s)
{
	return marker_kind(s) >= 0;
}

/* Lines that show the board restarted: they close any open report. */
static const char *const reboot_markers[] = {
    "U-Boot ", "Booting Linux on physical CPU", "Linux version ", "Starting kernel ...", "DRAM:  ",
};

static bool is_reboot_marker(const char *s)
{
	for (size_t i = 0; i < sizeof(reboot_markers) / sizeof(reboot_markers[0]); i++)
		if (starts(s, reboot_markers[i]))
			return true;
	return false;
}

/*
 * Section 6.2: a frame line, "  [<addr>] [<addr>] func+0x..", or arm32's
 * "[<addr>] (f) from [<addr>] (g+0x..)".  Returns the number of names (0..2)
 * copied to ret (each OOPS_FRAME_MAX).
 */
static int frame_names(const char *s, char ret[2][OOPS_FRAME_MAX])
{
	const char *p = s, *q;
	int n = 0;

	while (*p == ' ')
		p++;
	for (int i = 0; i < 2; i++) {
		q = match_addr(p);
		if (!q || *q != ' ')
			break;
		p = q;
		while (*p == ' ')
			p++;
	}
	if (*p == '(' && p > s) {
		/* arm32: the first name may hold dots */
		q = ++p;
		while (is_ident(*q) || *q == '.')
			q++;
		if (q == p || *q != ')' || !starts(q, ") from "))
			return 0;
		copy_str(ret[n++], OOPS_FRAME_MAX, p, q - p);
		p = strchr(q + 7, '(');
		if (p) {
			q = ++p;
			while (is_ident(*q))
				q++;
			if (q > p && *q == '+')
				copy_str(ret[n++], OOPS_FRAME_MAX, p, q - p);
		}
		return n;
	}
	q = p;
	while (is_ident(*q))
		q++;
	if (q == p || (*q != '.' && *q != '+'))
		return 0;
	copy_str(ret[0], OOPS_FRAME_MAX, p, q - p);
	return 1;
}

/* A fault-injection frame: " [<a>] should_fail+0x" (section 6.1). */
static bool is_fault_injection(const char *s)
{
	char f[2][OOPS_FRAME_MAX];

	return frame_names(s, f) == 1 && (!strcmp(f[0], "should_fail") || !strcmp(f[0], "should_failslab"));
}

/* Lines that belong to a report even though they are not frames. */
static const char *const report_line_prefixes[] = {
    "CPU: ",
    "Hardware name:",
    "Modules linked in:",
    "Call trace:",
    "Call Trace:",
    "Stack:",
    "Workqueue:",
    "Mem abort info:",
    "Data abort info:",
    "user pgtable:",
    "swapper pgtable:",
    "Internal error",
    "---[ ",
    "Kernel Offset:",
    "PHYS_OFFSET:",
    "CPU features:",
    "Memory Limit:",
    "SMP: stopping",
    "Rebooting in",
    "note: ",
    "Tainted:",
    "irq event stamp:",
    "hardirqs last",
    "softirqs last",
    "#PF:",
    "PGD ",
    "Showing all locks held",
    "stack backtrace:",
    "Allocated by task",
    "Freed by task",
    "Last potentially related",
    "Second to last potentially",
    "The buggy address",
    "which belongs to",
    "Memory state around",
    "page:",
    "flags:",
    "raw:",
    "head:",
    "page dumped because",
    "page_owner",
    "page last",
    "Read of size",
    "Write of size",
    "Read at addr",
    "Write at addr",
    "=====",
    "-----",
    "Kernel panic",
    "Sending NMI",
    "NMI backtrace",
    "Task dump for",
    "task:",
    "rcu: ",
    "Code: ",
    "FS: ",
    "CS: ",
    "CR2: ",
    "DR0: ",
    "DR3: ",
    "DR6: ",
    "PKRU: ",
    "NIP",
    "LR ",
    "REGS:",
    "MSR:",
    "GPR",
    "CFAR:",
    "IRQMASK:",
    "PC is at",
    "LR is at",
    "pc ",
    "lr ",
    "Exception stack",
    "Backtrace:",
    "Process ",
    "Unable to handle",
    "ESR",
    "FAR",
    "EC ",
    "ISV",
    "KASAN: ",
    "BUG: ",
    "WARNING: ",
    "INFO: ",
    "other info",
    "Possible unsafe",
    "Chain exists",
    " *** DEADLOCK",
    "many lock",
    "lock(",
    "but task",
    "and ",
    "the existing",
    "which lock",
    "to a ",
    "-> #",
    "{",
    "}",
    "... ",
    "[ BUG",
    "[ ",
    "in_atomic():",
    "preempt_count:",
    "RCU nest depth:",
    "Preemption disabled at:",
    "hung_task:",
    "\"echo 0 >",
    "Not tainted",
    "kmemleak:",
    "unreferenced object",
    "comm \"",
    "hex dump",
    "backtrace",
    "Object ",
    "Redzone ",
    "Padding ",
    "watchdog:",
    "Dumping ftrace",
    "CR4: ",
    "<",
    "? ",
    "value changed:",
    "Reported by",
    "Uninit was",
    "Local variable",
    "Bytes ",
    "Byte ",
    "index ",
    "shift exponent",
    "signed integer",
    "load of value",
    "member access",
    "variable length",
    "division",
    "pointer ",
    "execution reached",
    "Out-of-bounds",
    "Corrupted memory",
    "Invalid free",
    "Use-after-free",
    "kfence-#",
    "allocated by task",
    "freed by task",
    "The task",
    "is trying to",
    "just changed",
    "leaving the kernel",
    "last function:",
    "Oops",
    "RIP: ",
    "EIP: ",
    "Kernel BUG",
    "kernel BUG",
    "invalid opcode",
    "general protection",
    "Dumping",
    "rcu_",
    "\t",
};

#define N_REPORT_PREFIXES (sizeof(report_line_prefixes) / sizeof(report_line_prefixes[0]))

/* report_line_prefixes[] by first byte: rl_idx[rl_start[c] .. rl_start[c + 1]) */
static uint16_t rl_start[257], rl_idx[N_REPORT_PREFIXES];
static uint8_t rl_len[N_REPORT_PREFIXES];

__attribute__((constructor)) static void report_prefixes_build(void)
{
	for (size_t i = 0; i < N_REPORT_PREFIXES; i++) {
		rl_start[(unsigned char)report_line_prefixes[i][0] + 1]++;
		rl_len[i] = strlen(report_line_prefixes[i]);
	}
	for (int c = 0; c < 256; c++)
		rl_start[c + 1] += rl_start[c];
	{
		uint16_t fill[256];

		memcpy(fill, rl_start, sizeof(fill));
		for (size_t i = 0; i < N_REPORT_PREFIXES; i++)
			rl_idx[fill[(unsigned char)report_line_prefixes[i][0]]++] = i;
	}
}

static bool is_report_line(const char *s)
{
	char f[2][OOPS_FRAME_MAX];
	unsigned char c = *s;

	if (c == ' ' || c == '\t')
		return true;
	for (int k = rl_start[c]; k < rl_start[c + 1]; k++) {
		const char *pre = report_line_prefixes[rl_idx[k]];

		if ((!pre[1] || pre[1] == s[1]) && !strncmp(s, pre, rl_len[rl_idx[k]]))
			return true;
	}
	/* register dumps: "x29: ffff", "R10: 0000", "a0 : 0000", "GPR00:" */
	{
		const char *p = s;

		while (is_ident(*p) && p - s < 6)
			p++;
		if (p > s && (*p == ':' || (p[0] == ' ' && p[1] == ':')))
			return true;
	}
	if (s[0] == '[' && strstr(s, "] pgd="))
		return true;
	if (strstr(s, ", at: ") || strstr(s, "at: "))
		return true;
	return frame_names(s, f) > 0;
}

static void report_reset(struct open_report *r)
{
	char *text = r->text, *win = r->win;
	uint32_t *lines = r->lines;

	memset(r, 0, sizeof(*r));
	r->text = text;
	r->win = win;
	r->lines = lines;
}

static void text_append(struct open_report *r, const char *s, size_t n)
{
	if (r->text_len + n + 1 > OOPS_REPORT_MAX) {
		r->capped = true;
		return;
	}
	memcpy(r->text + r->text_len, s, n);
	r->text_len += n;
	r->text[r->text_len++] = '\n';
}

static void win_append(struct open_report *r, const char *s)
{
	size_t n = strlen(s);

	if (r->nlines >= OOPS_REPORT_LINES || r->win_len + n + 1 > OOPS_REPORT_MAX) {
		r->capped = true;
		return;
	}
	r->lines[r->nlines++] = r->win_len;
	memcpy(r->win + r->win_len, s, n + 1);
	r->win_len += n + 1;
}

static const char *win_line(const struct open_report *r, int i)
{
	return r->win + r->lines[i];
}

/* ---- layer 3: the title engine ---- */

struct group {
	char pool[CAND_POOL];	   /* the surviving candidates' names */
	uint16_t names[MAX_CANDS]; /* their offsets in pool */
	size_t used;
	int n;
};

struct recipe_run {
	const struct open_report *r;
	const struct oops_format *f;
	struct group g[2];
	int cur; /* current group */
	bool failed;
};

static bool skipped(const struct recipe_run *x, const char *name)
{
	uint64_t m = name_lists(name);

	return !*name || (m & 1) || (x->f->skip && (m >> x->f->skip & 1));
}

static void add_candidate(struct recipe_run *x, const char *name)
{
	struct group *g = &x->g[x->cur];

	size_t n = strlen(name) + 1;

	if (g->n < MAX_CANDS && g->used + n <= CAND_POOL && !skipped(x, name)) {
		memcpy(g->pool + g->used, name, n);
		g->names[g->n++] = g->used;
		g->used += n;
	}
}

/*
 * Section 6.2: the pc line (not anchored): "IP", "NIP", "pc " or
 * "PC is at", an optional ':', a blank, then "[digits:]", up to two
 * addresses and a function (returned in ret, true), or a bare 0x.../(null)
 * form (true, ret empty).
 */
static bool pc_line(const char *s, char *ret)
{
	static const char *const keys[] = {"IP", "NIP", "pc ", "PC is at"};

	ret[0] = '\0';
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		for (const char *p = strstr(s, keys[k]); p; p = strstr(p + 1, keys[k])) {
			const char *q = p + strlen(keys[k]), *e;

			if (*q == ':')
				q++;
			if (*q != ' ')
				continue;
			q++;
			e = q;
			while (is_digit(*e))
				e++;
			if (e > q && *e == ':')
				q = e + 1;
			if (q[0] == '0' && q[1] == 'x')
				return true;
			if (starts(q, "(null)") || strstr(q, "(null)"))
				return true;
			for (int i = 0; i < 2; i++) {
				e = match_addr(q);
				if (!e || *e != ' ')
					break;
				q = e;
				while (*q == ' ')
					q++;
			}
			e = q;
			while (is_ident(*e))
				e++;
			if (e > q && (*e == '.' || *e == '+')) {
				copy_str(ret, OOPS_FRAME_MAX, q, e - q);
				return true;
			}
		}
	}
	return false;
}

static bool trace_marker(const char *s)
{
	return strstr(s, "Call Trace:") || strstr(s, "Call trace:") || strstr(s, "Backtrace:");
}

/* One step of a recipe from line *cur; false when it fails. */
static bool run_step(struct recipe_run *x, const char *step, size_t len, const char *next, int *cur)
{
	const struct open_report *r = x->r;
	char name[OOPS_FRAME_MAX], pat[256];
	struct pmatch m;

	if (len == 5 && starts(step, "stack")) {
		char f[2][OOPS_FRAME_MAX];
		char npat[256] = "";

		if (next && starts(next, "find:")) {
			size_t n = strcspn(next + 5, ";");

			copy_str(npat, sizeof(npat), next + 5, n);
		}
		for (; *cur < r->nlines; (*cur)++) {
			const char *s = win_line(r, *cur);
			int n;

			if (npat[0] && pat_find(npat, s, &m))
				return true; /* the find after us is done too */
			if (is_stack_marker(s))
				break;
			if (is_fault_injection(s)) {
				x->failed = true;
				return false;
			}
			n = frame_names(s, f);
			for (int i = 0; i < n; i++)
				add_candidate(x, f[i]);
		}
		return true;
	}
	if (len > 5 && starts(step, "find:"))
		copy_str(pat, sizeof(pat), step + 5, len - 5);
	for (; *cur < r->nlines; (*cur)++) {
		const char *s = win_line(r, *cur);
		bool hit = false;

		if (is_fault_injection(s)) {
			x->failed = true;
			return false;
		}
		if ((len == 2 && starts(step, "pc")) || (len == 4 && starts(step, "intr"))) {
			hit = pc_line(s, name);
			if (!hit && step[0] == 'i' && pat_find("--- interrupt: {N} at ({F})", s, &m)) {
				hit = true;
				copy_str(name, sizeof(name), m.cap[0][0], m.cap[0][1] - m.cap[0][0]);
			}
			if (hit && name[0])
				add_candidate(x, name);
		} else if (len == 5 && starts(step, "trace")) {
			hit = trace_marker(s);
		} else if (pat_find(pat, s, &m)) {
			hit = true;
			if (m.ncap)
				copy_str(name, sizeof(name), m.cap[0][0], m.cap[0][1] - m.cap[0][0]),
				    add_candidate(x, name);
		}
		if (hit) {
			(*cur)++;
			return true;
		}
	}
	return false;
}

/* Section 6.4. */
static bool select_frame(const struct recipe_run *x, const struct group *g, char *ret)
{
	const char *prev;

	if (!g->n)
		return false;
	switch (x->f->sel) {
	case SEL_STALL:
		prev = strip_syscall_prefix(g->pool + g->names[0]);
		for (int i = 0; i < g->n; i++) {
			const char *c = strip_syscall_prefix(g->pool + g->names[i]);

			if (name_lists(c) >> SKIP_STALL_ANCHOR & 1) {
				copy_str(ret, OOPS_FRAME_MAX,
					 strstr(c, "smp_call_function") ? "smp_call_function" : prev,
					 strlen(strstr(c, "smp_call_function") ? "smp_call_function" : prev));
				return true;
			}
			prev = c;
		}
		return false;
	case SEL_HANG:
		for (int i = 0; i < g->n; i++) {
			const char *c = strip_syscall_prefix(g->pool + g->names[i]);

			if (strstr(c, "rtnl_lock")) {
				copy_str(ret, OOPS_FRAME_MAX, c, strlen(c));
				return true;
			}
			if (strstr(c, "synchronize_rcu") || strstr(c, "synchronize_srcu") ||
			    strstr(c, "synchronize_net") || strstr(c, "synchronize_sched")) {
				strcpy(ret, "synchronize_rcu");
				return true;
			}
		}
		for (int i = 0; i < g->n; i++) {
			const char *c = strip_syscall_prefix(g->pool + g->names[i]);

			if (!(name_lists(c) >> SKIP_HANG_GENERIC & 1)) {
				copy_str(ret, OOPS_FRAME_MAX, c, strlen(c));
				return true;
			}
		}
		return false;
	default:
		prev = strip_syscall_prefix(g->pool + g->names[0]);
		copy_str(ret, OOPS_FRAME_MAX, prev, strlen(prev));
		return true;
	}
}

/* Runs recipe from line start; frames in ret (two), false when it fails. */
static bool run_recipe(struct recipe_run *x, const char *recipe, int start, char *ret0, char *ret1)
{
	int cur = start, nstack = 0;
	bool ok = true;

	x->g[0].n = x->g[1].n = 0;
	x->g[0].used = x->g[1].used = 0;
	x->cur = 0;
	x->failed = false;
	for (const char *s = recipe; s && *s;) {
		const char *e = strchr(s, ';');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *next = e ? e + 1 : NULL;

		if (!run_step(x, s, n, next, &cur)) {
			ok = false;
			break;
		}
		if (n == 5 && starts(s, "stack")) {
			nstack++;
			if (next && starts(next, "find:"))
				next = strchr(next, ';') ? strchr(next, ';') + 1 : NULL;
			if (x->cur == 0)
				x->cur = 1;
		}
		s = next;
	}
	strcpy(ret0, "corrupted");
	strcpy(ret1, "corrupted");
	if (!select_frame(x, &x->g[0], ret0))
		ok = false;
	if (nstack > 1 && !select_frame(x, &x->g[1], ret1))
		ok = false;
	return ok && !x->failed;
}

/* ---- section 9.2 and 9.3: title normalisation ---- */

/* One left-to-right pass of rule i over s; true when something changed. */
static bool norm_pass(char *s, int rule)
{
	char out[OOPS_TITLE_MAX * 2];
	size_t w = 0;
	bool changed = false;

	for (size_t i = 0; s[i] && w < sizeof(out) - 8;) {
		const char *p = s + i;
		size_t n = 0;

		switch (rule) {
		case 1: /* syz-executor.N[/N|:N] */
		case 2: /* syzkallerN[/N|:N] */ {
			const char *key = rule == 1 ? "syz-executor" : "syzkaller";
			size_t k = strlen(key);

			if (!strncmp(p, key, k)) {
				size_t j = k;

				if (rule == 1 && p[j] == '.' && is_digit(p[j + 1]))
					j++;
				if (is_digit(p[j])) {
					while (is_digit(p[j]))
						j++;
					if ((p[j] == '/' || p[j] == ':') && is_digit(p[j + 1])) {
						j++;
						while (is_digit(p[j]))
							j++;
					}
					memcpy(out + w, key, k);
					w += k;
					i += j;
					changed = true;
					continue;
				}
			}
			break;
		}
		case 3: /* non-alnum, [0x], 6+ [0-9a-f] -> ADDR */
			if (i > 0 && !is_alnum(p[-1])) {
				size_t j = (p[0] == '0' && p[1] == 'x') ? 2 : 0;

				while (is_lhex(p[j + n]))
					n++;
				if (n >= 6 && !(j == 0 && !strncmp(p, "ADDR", 4))) {
					memcpy(out + w, "ADDR", 4);
					w += 4;
					i += j + n;
					changed = true;
					continue;
				}
			}
			break;
		case 4: { /* a.b.c.d -> IP */
			size_t j = 0;
			int parts = 0;

			if (i > 0 && is_digit(p[-1]))
				break;
			while (parts < 4) {
				size_t d = 0;

				while (is_digit(p[j + d]) && d < 4)
					d++;
				if (d < 1 || d > 3)
					break;
				j += d;
				parts++;
				if (parts < 4) {
					if (p[j] != '.')
						break;
					j++;
				}
			}
			if (parts == 4 && !is_digit(p[j])) {
				memcpy(out + w, "IP", 2);
				w += 2;
				i += j;
				changed = true;
				continue;
			}
			break;
		}
		case 5: /* .word:12:3 -> .word:LINE */
			if (p[0] == '.' && is_ident(p[1])) {
				size_t j = 1;

				while (is_ident(p[j]))
					j++;
				if (p[j] == ':' && is_digit(p[j + 1]) && strncmp(p + j, ":LINE", 5)) {
					size_t e = j;

					while (p[e] == ':' && is_digit(p[e + 1])) {
						e++;
						while (is_digit(p[e]))
							e++;
					}
					memcpy(out + w, p, j);
					w += j;
					memcpy(out + w, ":LINE", 5);
					w += 5;
					i += e;
					changed = true;
					continue;
				}
			}
			break;
		case 6: /* name+0xH/0xH -> name */
			if (p[0] == '+' && p[1] == '0' && p[2] == 'x' && w > 0 &&
			    (is_ident(out[w - 1]) || out[w - 1] == '.')) {
				size_t j = 3;

				while (is_alnum(p[j]))
					j++;
				if (p[j] == '/' && p[j + 1] == '0' && p[j + 2] == 'x') {
					j += 3;
					while (is_alnum(p[j]))
						j++;
					i += j;
					changed = true;
					continue;
				}
			}
			break;
		case 7: /* CPU#n -> CPU */
			if (!strncmp(p, "CPU#", 4) && is_digit(p[4])) {
				size_t j = 4;

				while (is_digit(p[j]))
					j++;
				memcpy(out + w, "CPU", 3);
				w += 3;
				i += j;
				changed = true;
				continue;
			}
			break;
		case 8: /* a number between non-word characters -> NUM */
			if (i > 0 && !is_ident(p[-1]) && is_digit(p[0])) {
				size_t j = 0;

				while (is_digit(p[j]))
					j++;
				if (!is_ident(p[j])) {
					memcpy(out + w, "NUM", 3);
					w += 3;
					i += j;
					changed = true;
					continue;
				}
			}
			break;
		case 9: /* 7+ digits anywhere -> NUM */
			if (is_digit(p[0])) {
				size_t j = 0;

				while (is_digit(p[j]))
					j++;
				if (j >= 7) {
					memcpy(out + w, "NUM", 3);
					w += 3;
					i += j;
					changed = true;
					continue;
				}
				memcpy(out + w, p, j);
				w += j;
				i += j;
				continue;
			}
			break;
		}
		out[w++] = s[i++];
	}
	out[w] = '\0';
	copy_str(s, OOPS_TITLE_MAX, out, w);
	return changed;
}

static void normalise_title(char *s)
{
	char *w = s;

	for (int rule = 1; rule <= 9; rule++)
		for (int k = 0; k < 32 && norm_pass(s, rule); k++)
			;
	/* section 9.3 */
	if (strlen(s) > 120)
		s[120] = '\0';
	for (char *r = s; *r; r++) {
		unsigned char c = *r == '\t' ? ' ' : (unsigned char)*r;

		if (c < 0x20 || c >= 0x7f)
			continue;
		if (c == ' ' && (w == s || w[-1] == ' '))
			continue;
		*w++ = c;
	}
	while (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

/* Fills template tmpl with captures and frames. */
static void fill_template(char *out, const char *tmpl, const struct pmatch *m, char fr[2][OOPS_FRAME_MAX])
{
	size_t w = 0;

	for (const char *t = tmpl; *t && w < OOPS_TITLE_MAX * 2 - 1; t++) {
		const char *src = NULL;
		size_t n = 0;

		if (t[0] == '%' && t[1] >= '1' && t[1] <= '9') {
			int i = t[1] - '1';

			if (i < m->ncap) {
				src = m->cap[i][0];
				n = m->cap[i][1] - src;
			}
			t++;
		} else if (t[0] == '%' && (t[1] == 'F' || t[1] == 'G')) {
			src = fr[t[1] == 'G'];
			n = strlen(src);
			t++;
		} else {
			out[w++] = *t;
			continue;
		}
		if (src) {
			if (n > OOPS_TITLE_MAX * 2 - 1 - w)
				n = OOPS_TITLE_MAX * 2 - 1 - w;
			memcpy(out + w, src, n);
			w += n;
		}
	}
	out[w] = '\0';
}

/* Section 10: the stack checks on the window; true when it fails them. */
static bool stack_missing(const struct open_report *r)
{
	int first[9];
	bool any = false, valid = false;

	for (int k = 0; k < 9; k++)
		first[k] = -1;
	for (int i = 0; i < r->nlines; i++) {
		int k = marker_kind(win_line(r, i));

		if (k >= 0 && first[k] < 0)
			first[k] = i;
	}
	for (int k = 0; k < 9; k++) {
		int at = first[k];
		bool frames = false;

		if (at < 0)
			continue;
		any = true;
		if (r->nlines - at - 1 < 2)
			return true; /* call trace is missed */
		if (k == 8) {
			valid = true; /* the riscv register marker needs no frames */
			continue;
		}
		for (int i = at + 1; i < r->nlines && i <= at + 15; i++) {
			const char *s = win_line(r, i);
			char f[2][OOPS_FRAME_MAX];

			if (frame_names(s, f) || strstr(s, "(stack is not available)")) {
				frames = true;
				break;
			}
			if (is_stack_marker(s))
				break;
		}
		if (!frames)
			return true; /* no frames in a stack trace */
		valid = true;
	}
	return !any || !valid;
}

/* The window text from the header keyword to the line's end (section 5.4). */
static void fallback_title(const struct open_report *r, char *out)
{
	const char *s = win_line(r, 0);
	const char *k = strstr(s, oops_headers[r->hdr].key);

	copy_str(out, OOPS_TITLE_MAX * 2, k ? k : s, strlen(k ? k : s));
}

/* The title engine's work space, one per parser (too big for a stack). */
struct title_result {
	char raw[OOPS_TITLE_MAX * 2];
	const struct oops_format *f;
	char frames[2][OOPS_FRAME_MAX];
	struct recipe_run x; /* x.g[0]: the surviving frames of the title's stack */
	char two[2 * OOPS_LINE_MAX + 2];
	int keylines[OOPS_REPORT_LINES];
	char all[OOPS_MAX_FRAMES][OOPS_FRAME_MAX];
	bool corrupted;
};

static struct title_result *engine_new(void)
{
	return malloc(sizeof(struct title_result));
}

/* Report pattern of f (section 5): the line it starts on, or -1. */
static int report_match(const struct open_report *r, const struct oops_format *f, int title_line,
			struct pmatch *m)
{
	int first = -1, line = title_line;
	struct pmatch part;

	memset(m, 0, sizeof(*m));
	if (!f->rep[0]) {
		pat_find(f->title, win_line(r, title_line), m);
		return title_line;
	}
	for (int k = 0; k < 4 && f->rep[k]; k++) {
		int i;

		for (i = k ? line + 1 : 0; i < r->nlines; i++)
			if (pat_find(f->rep[k], win_line(r, i), &part))
				break;
		if (i >= r->nlines)
			return -1;
		for (int c = 0; c < part.ncap && m->ncap < MAX_CAPS; c++) {
			m->cap[m->ncap][0] = part.cap[c][0];
			m->cap[m->ncap++][1] = part.cap[c][1];
		}
		if (k == 0)
			first = i;
		line = i;
	}
	return first;
}

static void build_title(const struct open_report *r, struct title_result *t)
{
	struct recipe_run *x = &t->x;
	const char *key = oops_headers[r->hdr].key;
	struct {
		int line;
		const char *col;
		size_t order;
	} cand[32];
	int nc = 0, nkey = 0;
	bool title_only = false;
	int *keyl = t->keylines;

	/* every title pattern holds its header's keyword: only the lines
	 * with it are searched */
	for (int l = 0; l < r->nlines; l++)
		if (strstr(win_line(r, l), key))
			keyl[nkey++] = l;

	t->raw[0] = '\0';
	t->f = NULL;
	t->corrupted = false;
	x->g[0].n = 0;
	/* every format of the group that matches, by window offset */
	for (size_t i = 0; i < oops_nformats && nc < 32; i++) {
		const struct oops_format *f = &oops_formats[i];

		if (f->header != r->hdr)
			continue;
		for (int kl = 0; kl < nkey; kl++) {
			int l = keyl[kl];
			const char *s = win_line(r, l), *col;

			if ((f->flags & OF_START) && l > 0)
				break;
			col = pat_find(f->title, s, NULL);
			if (!col && (f->flags & OF_SPAN) && l + 1 < r->nlines) {
				/* "INFO: task <name cut by a newline> blocked" */
				char *two = t->two;

				snprintf(two, sizeof(t->two), "%s\n%s", s, win_line(r, l + 1));
				col = pat_find(f->title, two, NULL);
				col = col ? s + (col - two) : NULL;
				if (col && col >= s + strlen(s))
					col = NULL;
			}
			if (col) {
				int j = nc++;

				/* insertion by (line, column), table order on ties */
				while (j > 0 && (cand[j - 1].line > l ||
						 (cand[j - 1].line == l && cand[j - 1].col > col))) {
					cand[j] = cand[j - 1];
					j--;
				}
				cand[j].line = l;
				cand[j].col = col;
				cand[j].order = i;
				break;
			}
		}
	}
	for (int c = 0; c < nc; c++) {
		const struct oops_format *f = &oops_formats[cand[c].order];
		struct pmatch m;
		int start = report_match(r, f, cand[c].line, &m);

		if (start < 0) {
			title_only = true;
			continue;
		}
		t->f = f;
		strcpy(t->frames[0], "corrupted");
		strcpy(t->frames[1], "corrupted");
		if (f->recipe) {
			x->r = r;
			x->f = f;
			if (!run_recipe(x, f->recipe, start, t->frames[0], t->frames[1])) {
				t->corrupted = true;
				if (f->alt)
					t->corrupted =
					    !run_recipe(x, f->alt, start, t->frames[0], t->frames[1]);
			}
		}
		fill_template(t->raw, f->tmpl, &m, t->frames);
		if (f->flags & OF_C)
			t->corrupted = true;
		if (!t->corrupted && pat_find("\\[{_}{N}.{N}\\]", t->raw, NULL))
			t->corrupted = true;
		if (!t->corrupted && !(f->flags & OF_NS) && stack_missing(r))
			t->corrupted = true;
		return;
	}
	fallback_title(r, t->raw);
	t->corrupted = title_only || pat_find("\\[{_}{N}.{N}\\]", t->raw, NULL);
}

/* ---- the hash ---- */

uint64_t oops_signature_hash(const char *title, const char *const *frames, int nframes)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *s;

	for (s = title; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	for (int i = 0; i < nframes; i++) {
		h ^= '\n';
		h *= 0x100000001b3ULL;
		for (s = frames[i]; *s; s++) {
			h ^= (unsigned char)*s;
			h *= 0x100000001b3ULL;
		}
	}
	return h;
}

static void report_emit(struct oops_parser *p, struct open_report *r)
{
	struct title_result *t = p->eng;
	const struct group *g = &t->x.g[0];
	struct oops_report out;
	const char *in;
	int nall = 0;

	if (!r->open)
		return;
	memset(&out, 0, sizeof(out));
	build_title(r, t);
	copy_str(out.title, sizeof(out.title), t->raw, strlen(t->raw));
	normalise_title(out.title);
	if (!out.title[0])
		strcpy(out.title, "corrupted");
	out.kind = t->f ? (enum oops_kind)t->f->kind : OOPS_KIND_OTHER;
	out.format = t->f ? (int)(t->f - oops_formats) : -1;
	if (!t->f) {
		/* a fallback title: the kind of the group's catch-all row */
		for (size_t i = 0; i < oops_nformats; i++)
			if (oops_formats[i].header == r->hdr)
				out.kind = oops_formats[i].kind;
	}
	out.corrupted = t->corrupted || r->capped;
	out.start = r->start;
	out.end = r->end;
	/* section 9.4: the frame is the word after the title's last " in " */
	for (const char *s = strstr(out.title, " in "); s; s = strstr(s + 1, " in "))
		in = s;
	in = NULL;
	for (const char *s = strstr(out.title, " in "); s; s = strstr(s + 1, " in "))
		in = s + 4;
	if (in && strcmp(in, "corrupted")) {
		size_t n = 0;

		while (is_ident(in[n]) || in[n] == ':')
			n++;
		copy_str(out.frame, sizeof(out.frame), in, n);
	}

	/* the hash (doc/signatures.md): the title and the top non-generic
	 * frames; with none, the whole frame list of the window */
	for (int i = 0; i < g->n && out.nframes < OOPS_MAX_FRAMES; i++) {
		const char *f = strip_syscall_prefix(g->pool + g->names[i]);

		/* what the hang selector passes over is generic too */
		if (t->f && t->f->sel == SEL_HANG && (name_lists(f) >> SKIP_HANG_GENERIC & 1))
			continue;
		if (out.nframes && !strcmp(out.frames[out.nframes - 1], f))
			continue;
		out.frames[out.nframes++] = f;
	}
	if (!out.nframes) {
		char f[2][OOPS_FRAME_MAX];

		for (int i = 0; i < r->nlines && nall < OOPS_MAX_FRAMES; i++) {
			int n = frame_names(win_line(r, i), f);

			for (int k = 0; k < n && nall < OOPS_MAX_FRAMES; k++)
				strcpy(t->all[nall++], f[k]);
		}
		for (int i = 0; i < nall; i++)
			out.frames[out.nframes++] = t->all[i];
	}
	out.hash = oops_signature_hash(out.title, out.frames,
				       nall				? out.nframes
				       : out.nframes < OOPS_HASH_FRAMES ? out.nframes
									: OOPS_HASH_FRAMES);
	out.nhash = nall ? out.nframes : out.nframes < OOPS_HASH_FRAMES ? out.nframes : OOPS_HASH_FRAMES;
	r->text[r->text_kept] = '\0';
	out.text = r->text;
	out.text_len = r->text_kept;
	p->fn(&out, p->userdata);
	report_reset(r);
}

/* Closes the current report, and before it the one that waits. */
static void report_close(struct oops_parser *p)
{
	if (p->pend->open)
		report_emit(p, p->pend);
	if (p->cur->open)
		report_emit(p, p->cur);
}

static void report_open(struct oops_parser *p, int hdr, const struct canon *c, uint64_t start, uint64_t end)
{
	struct open_report *r = p->cur;

	report_reset(r);
	r->open = true;
	r->hdr = hdr;
	r->start = start;
	r->end = end;
	r->ctx = c->caller[0] ? CTX_CALLER : c->prefixed ? CTX_CONSOLE : CTX_NONE;
	copy_str(r->caller, sizeof(r->caller), c->caller, strlen(c->caller));
	/* a pasted log without prefixes may be indented as a whole: the
	 * header's indentation is taken off the report's lines */
	if (!c->prefixed)
		copy_str(r->indent, sizeof(r->indent), c->s, strspn(c->s, " \t"));
	text_append(r, c->s + strlen(r->indent), strlen(c->s + strlen(r->indent)));
	r->text_kept = r->text_len;
	win_append(r, c->s + strlen(r->indent));
}

/* Section 4: does a line of context c belong to the open report? */
static bool in_context(const struct open_report *r, const struct canon *c)
{
	switch (r->ctx) {
	case CTX_CALLER:
		return !strcmp(c->caller, r->caller) || (r->nmi && c->caller[0] == 'C');
	case CTX_CONSOLE:
		return c->prefixed;
	default:
		return true;
	}
}

/* Handles one line segment at stream offset off; end is just past it. */
static void parse_segment(struct oops_parser *p, const char *raw, size_t len, uint64_t off, uint64_t end)
{
	struct open_report *r = p->cur, *w = p->pend;
	bool absorbed = false;
	struct canon c;
	const char *s;
	int h;

	if (!canon_line(p, raw, len, &c))
		return;
	s = c.s;
	/* section 3: a header the kernel is about to print again is none */
	if (r->open && r->nlines == 1 && strstr(s, "** replaying previous printk message **")) {
		report_reset(r);
		return;
	}
	if (r->open && is_reboot_marker(s)) {
		report_close(p);
		return;
	}
	h = c.questionable ? -1 : find_header(s);
	if (h >= 0 && r->open) {
		bool part = false;

		/* section 4: "Internal error: Oops" after "Unable to handle",
		 * "invalid opcode: 0000" after "kernel BUG at", ... do not start
		 * a report; a panic does after PANIC_CUT lines (panic-tail cut) */
		for (int i = 0; oops_not_new[i]; i++)
			if (strstr(s, oops_not_new[i]))
				part = true;
		if (part && strstr(s, "Kernel panic - not syncing") && r->nlines >= PANIC_CUT)
			part = false;
		/* symbolized reports repeat the header once per inlined frame */
		if (h == r->hdr && r->nlines <= 3 && !strncmp(s, win_line(r, 0), 11))
			part = true;
		if (part && in_context(r, &c))
			h = -1;
		/* section 4: with caller ids, another context's report does
		 * not cut this one (it is a duplicate, as for syzbot) */
		if (r->ctx == CTX_CALLER && !in_context(r, &c))
			h = -1;
		/* a header the report takes in is its own: parsing again from
		 * the report's end must not find it */
		if (h < 0)
			absorbed = true;
	}
	/* the waiting report's window: same context, up to a late panic */
	if (w->open && !w->cut && in_context(w, &c) && !c.questionable) {
		if ((strstr(s, "Kernel panic - not syncing") ||
		     strstr(s, "WARNING: possible circular locking dependency detected")) &&
		    w->nlines >= PANIC_CUT)
			w->cut = true;
		else
			win_append(w, s);
	}
	if (h >= 0) {
		if (w->open)
			report_emit(p, w);
		if (r->open && r->ctx == CTX_CALLER) {
			/* r waits, its window open: no cut with caller ids */
			p->pend = r;
			p->cur = w;
			win_append(r, s);
		} else {
			report_close(p);
		}
		report_open(p, h, &c, off, end);
		return;
	}
	if (!r->open)
		return;

	if (r->indent[0] && !c.prefixed && starts(s, r->indent))
		s += strlen(r->indent);
	text_append(r, s, strlen(s));
	if (!in_context(r, &c) || c.questionable ||
	    strstr(s, "Disabling lock debugging due to kernel taint")) {
		if (absorbed) {
			r->end = end;
			r->text_kept = r->text_len;
		}
		if (++r->other >= OTHER_LINES)
			report_close(p);
		return;
	}
	win_append(r, s);
	if (strstr(s, "Sending NMI from CPU"))
		r->nmi = true;
	if (absorbed || is_report_line(s)) {
		r->quiet = 0;
		r->end = end;
		r->text_kept = r->text_len;
		if (starts(s, "---[ end ")) {
			report_close(p);
			return;
		}
	} else if (*s) {
		r->quiet++;
	}
	if (r->ctx != CTX_CALLER) {
		for (int i = 0; oops_extra_boundaries[i]; i++)
			if (strstr(s, oops_extra_boundaries[i])) {
				report_close(p);
				return;
			}
	}
	if (r->capped || r->quiet >= QUIET_LINES)
		report_close(p);
}

/*
 * One physical line, without its line ending; end is the offset just past
 * the line ending.  A kernel line may start in the middle of another line:
 * split at each kernel timestamp found inside the line.
 */
static void parse_line(struct oops_parser *p, uint64_t end)
{
	const char *s = p->line;
	size_t len = p->line_len;
	uint64_t off = p->line_start;

	while (len && s[len - 1] == '\r')
		len--;
	p->line[len] = '\0';
	/* LAVA YAML lines carry timestamps inside their message; a line
	 * that starts as kernel text is one line, as for syzbot.  Otherwise
	 * the line splits once, at the first timestamp in its first
	 * OOPS_LINE_MAX bytes: the kernel line found there is then read as
	 * it would be from its own start (parsing again from a report's
	 * start finds the same report). */
	if (!(len > 10 && (s[0] == '-' || s[0] == ' ') && memmem(s, len < 16 ? len : 16, "{\"dt\"", 5)) &&
	    !timestamp_len(s) && !(s[0] == '<' && len > 1 && is_digit(s[1]))) {
		size_t inner = find_inner_timestamp(s, len < OOPS_LINE_MAX ? len : OOPS_LINE_MAX);

		if (inner) {
			parse_segment(p, s, inner, off, off + inner);
			s += inner;
			len -= inner;
			off += inner;
		}
	}
	parse_segment(p, s, len, off, end);
}

int oops_parser_feed(struct oops_parser *p, const void *buf, size_t len)
{
	const char *s = buf;

	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t n = nl ? (size_t)(nl - s) : len;
		size_t room = 2 * OOPS_LINE_MAX - p->line_len;
		size_t take = n < room ? n : room;

		/* bytes beyond 2 * OOPS_LINE_MAX are counted but not kept */
		memcpy(p->line + p->line_len, s, take);
		p->line_len += take;
		p->offset += n;
		s += n;
		len -= n;
		if (nl) {
			p->offset++;
			s++;
			len--;
			parse_line(p, p->offset);
			p->line_len = 0;
			p->line_start = p->offset;
		}
	}
	return 0;
}

int oops_parser_finish(struct oops_parser *p)
{
	if (p->offset > p->line_start)
		parse_line(p, p->offset);
	report_close(p);
	p->line_start = p->offset;
	p->line_len = 0;
	return 0;
}

struct buffer_ctx {
	oops_report_fn fn;
	void *userdata;
	int count;
};

static void buffer_cb(const struct oops_report *r, void *userdata)
{
	struct buffer_ctx *c = userdata;

	c->count++;
	c->fn(r, c->userdata);
}

int oops_parse_buffer(const void *buf, size_t len, oops_report_fn fn, void *userdata)
{
	struct buffer_ctx c = {fn, userdata, 0};
	struct oops_parser *p = oops_parser_new(buffer_cb, &c);

	if (!p)
		return -ENOMEM;
	oops_parser_feed(p, buf, len);
	oops_parser_finish(p);
	oops_parser_free(p);
	return c.count;
}
