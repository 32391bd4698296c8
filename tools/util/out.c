// SPDX-License-Identifier: MIT
/* out.c - see out.h. */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/out.h"
#include "util/utf8.h"

void json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char buf[UTF8_PEOPLE_MAX];

	fputc('"', f);
	while (*p) {
		int len;
		const char *r;

		switch (*p) {
		case '"':
			fputs("\\\"", f);
			p++;
			continue;
		case '\\':
			fputs("\\\\", f);
			p++;
			continue;
		case '\n':
			fputs("\\n", f);
			p++;
			continue;
		case '\r':
			fputs("\\r", f);
			p++;
			continue;
		case '\t':
			fputs("\\t", f);
			p++;
			continue;
		}
		r = utf8_people(p, &len, buf);
		if (!r)
			fwrite(p, 1, len, f);
		else if (r == buf) /* a control or bidi character: the same one, escaped */
			fprintf(f, "\\u%04x", (unsigned)utf8_decode(p, len));
		else
			fputs(r, f);
		p += len;
	}
	fputc('"', f);
}

void people_vprintf(FILE *f, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0) {
		/* out of memory: say so where the text would be */
		fputs("(out of memory)", f);
		return;
	}
	text_escape(f, s);
	free(s);
}

void people_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	people_vprintf(f, fmt, ap);
	va_end(ap);
}

void out_init(struct out *o, FILE *f, bool json)
{
	*o = (struct out){.f = f, .json = json};
	o->first[0] = true;
}

/* The separator and the key of the next member or element; false for a
 * text-only column (no key in an object). */
static bool member(struct out *o, const char *key)
{
	bool in_object = o->depth > 0 && !o->array[o->depth];

	if (in_object && !key)
		return false;
	if (!o->first[o->depth])
		fputc(',', o->f);
	o->first[o->depth] = false;
	if (in_object) {
		json_escape(o->f, key);
		fputc(':', o->f);
	}
	return true;
}

static void open(struct out *o, const char *key, char c)
{
	if (!o->json)
		return;
	assert(o->depth < OUT_MAX_DEPTH);
	member(o, key);
	fputc(c, o->f);
	o->first[++o->depth] = true;
	o->array[o->depth] = c == '[';
}

static void close_(struct out *o, char c)
{
	if (!o->json)
		return;
	assert(o->depth > 0);
	fputc(c, o->f);
	if (--o->depth == 0) {
		fputc('\n', o->f);
		o->first[0] = true;
	}
}

void out_obj_open(struct out *o, const char *key)
{
	open(o, key, '{');
}

void out_obj_close(struct out *o)
{
	close_(o, '}');
}

void out_arr_open(struct out *o, const char *key)
{
	open(o, key, '[');
}

void out_arr_close(struct out *o)
{
	close_(o, ']');
}

void out_begin(struct out *o)
{
	if (o->json)
		out_obj_open(o, NULL);
}

void out_end(struct out *o)
{
	if (o->json)
		out_obj_close(o);
	else
		fputc('\n', o->f);
}

void out_str(struct out *o, const char *key, const char *textfmt, const char *val)
{
	if (o->json) {
		if (!member(o, key))
			return;
		if (val)
			json_escape(o->f, val);
		else
			fputs("null", o->f);
	} else if (textfmt) {
		people_printf(o->f, textfmt, val ? val : "-");
	}
}

void out_u64(struct out *o, const char *key, const char *textfmt, unsigned long long val)
{
	if (o->json) {
		if (!member(o, key))
			return;
		fprintf(o->f, "%llu", val);
	} else if (textfmt) {
		fprintf(o->f, textfmt, val);
	}
}

void out_i64(struct out *o, const char *key, const char *textfmt, long long val)
{
	if (o->json) {
		if (!member(o, key))
			return;
		fprintf(o->f, "%lld", val);
	} else if (textfmt) {
		fprintf(o->f, textfmt, val);
	}
}

void out_double(struct out *o, const char *key, const char *textfmt, double val)
{
	if (o->json) {
		if (!member(o, key))
			return;
		fprintf(o->f, "%.6g", val);
	} else if (textfmt) {
		fprintf(o->f, textfmt, val);
	}
}

void out_bool(struct out *o, const char *key, const char *textfmt, bool val)
{
	if (o->json) {
		if (!member(o, key))
			return;
		fputs(val ? "true" : "false", o->f);
	} else if (textfmt) {
		fprintf(o->f, textfmt, val ? "yes" : "no");
	}
}

void out_hex64(struct out *o, const char *key, const char *textfmt, unsigned long long val)
{
	if (o->json) {
		if (!member(o, key))
			return;
		fprintf(o->f, "\"%016llx\"", val);
	} else if (textfmt) {
		fprintf(o->f, textfmt, val);
	}
}

void out_text(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	va_start(ap, fmt);
	people_vprintf(o->f, fmt, ap);
	va_end(ap);
}

int out_flush(struct out *o)
{
	if (fflush(o->f) == EOF || ferror(o->f))
		return errno ? -errno : -EIO;
	return 0;
}
