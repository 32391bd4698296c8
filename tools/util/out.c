// SPDX-License-Identifier: MIT
/* Shared output helpers: errors, usage hints, text/JSON printing. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oopsfarm.h"

void json_escape(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			/* control bytes and bytes that are not valid UTF-8 on
			 * their own are escaped so the output stays valid JSON */
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void out_begin(struct out *o)
{
	o->first = true;
	if (o->json)
		fputc('{', o->f);
}

void out_end(struct out *o)
{
	fputs(o->json ? "}\n" : "\n", o->f);
}

static void out_key(struct out *o, const char *key)
{
	if (!o->first)
		fputc(',', o->f);
	o->first = false;
	json_escape(o->f, key);
	fputc(':', o->f);
}

void out_str(struct out *o, const char *key, const char *textfmt, const char *val)
{
	if (o->json && !key)
		return;		/* a text-only column */
	if (o->json) {
		out_key(o, key);
		json_escape(o->f, val);
	} else if (textfmt) {
		fprintf(o->f, textfmt, val);
	}
}

void out_u64(struct out *o, const char *key, const char *textfmt, unsigned long long val)
{
	if (o->json) {
		out_key(o, key);
		fprintf(o->f, "%llu", val);
	} else if (textfmt) {
		fprintf(o->f, textfmt, val);
	}
}

void out_bool(struct out *o, const char *key, const char *textfmt, bool val)
{
	if (o->json) {
		out_key(o, key);
		fputs(val ? "true" : "false", o->f);
	} else if (textfmt) {
		fprintf(o->f, textfmt, val ? "yes" : "no");
	}
}

void out_hex64(struct out *o, const char *key, const char *textfmt, unsigned long long val)
{
	if (o->json) {
		out_key(o, key);
		fprintf(o->f, "\"%016llx\"", val);
	} else if (textfmt) {
		fprintf(o->f, textfmt, val);
	}
}
