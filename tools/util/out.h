/* SPDX-License-Identifier: MIT */
/*
 * out.h - text and JSON from the same print calls (after iproute2's
 * json_print and util-linux's jsonwrt), so the two cannot drift apart.
 *
 * A writer is in text or JSON mode.  In JSON mode out_obj_open() and
 * out_arr_open() nest objects and arrays (a key names the member inside an
 * object; NULL inside an array or at the top), and each out_<type>() adds
 * one "key":value member; in text mode the same calls print the value with
 * their printf format (NULL: nothing), and out_text() prints what only
 * people read.  A JSON document is compact (no spaces); a top-level value
 * ends with a newline when it closes, so one object per line is the
 * natural shape (`oopsfarm parse --json`).
 *
 * Text mode is text for people: what out_str() and out_text() print goes
 * through text_escape() (util/utf8.h), so console bytes cannot drive the
 * terminal.  JSON strings are valid UTF-8: valid multibyte sequences pass through,
 * control bytes are \u00XX escapes and every byte that is not valid UTF-8
 * becomes U+FFFD.
 */
#ifndef OOPSFARM_OUT_H
#define OOPSFARM_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>

#define OUT_MAX_DEPTH 16

struct out {
	FILE *f;
	bool json;
	int depth;		       /* open objects and arrays */
	bool first[OUT_MAX_DEPTH + 1]; /* no member yet at this depth */
	bool array[OUT_MAX_DEPTH + 1]; /* the container at this depth is an array */
};

/* A writer on f (stdout, a file) in JSON or text mode. */
void out_init(struct out *o, FILE *f, bool json);

/* Objects and arrays (JSON only; text mode ignores them).  Past
 * OUT_MAX_DEPTH levels the writer is a programming error (assert). */
void out_obj_open(struct out *o, const char *key);
void out_obj_close(struct out *o);
void out_arr_open(struct out *o, const char *key);
void out_arr_close(struct out *o);

/* One member: key (JSON; NULL in an object: text only; in an array the
 * key is not used) and the text format (NULL: JSON only).  A NULL string
 * is JSON null and "-" in text. */
void out_str(struct out *o, const char *key, const char *textfmt, const char *val);
void out_u64(struct out *o, const char *key, const char *textfmt, unsigned long long val);
void out_i64(struct out *o, const char *key, const char *textfmt, long long val);
void out_double(struct out *o, const char *key, const char *textfmt, double val);
void out_bool(struct out *o, const char *key, const char *textfmt, bool val);
/* A 64-bit value as a 16-digit hex string ("%016llx" in JSON). */
void out_hex64(struct out *o, const char *key, const char *textfmt, unsigned long long val);

/* Text only: printf to the writer in text mode, nothing in JSON mode. */
void out_text(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The old flat calls: one top-level object per line (text: a line). */
void out_begin(struct out *o);
void out_end(struct out *o);

/* Flushes f: 0, or -errno when anything written to it failed. */
int out_flush(struct out *o);

/* printf for people: the formatted text through text_escape(). */
void people_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void people_vprintf(FILE *f, const char *fmt, va_list ap);

/* JSON string escaping into f (as out_str does). */
void json_escape(FILE *f, const char *s);

#endif
