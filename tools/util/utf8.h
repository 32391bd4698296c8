/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - UTF-8 as the host side's outputs check it, and the one rule for
 * text that people read.
 *
 * Console bytes are untrusted: a crash title, a frame or a module name can
 * hold ESC and OSC sequences that drive a terminal, or a bidi override
 * (U+202E) that makes a title read backwards in a browser (Trojan Source,
 * CVE-2021-42574).  The stored logs keep every raw byte; what is shown to
 * people goes through utf8_people(), whatever the medium:
 *
 *   - C0 controls other than TAB and LF, DEL: "\xNN" (CR too: it would
 *     overwrite the line);
 *   - C1 controls (U+0080-U+009F) and the bidi formatting characters
 *     (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): "<U+XXXX>";
 *   - bytes that are not valid UTF-8: U+FFFD.
 *
 * JSON is data, not text for people: json_escape() writes the same
 * characters as \u escapes, so a consumer gets the original text back.
 */
#ifndef OOPSFARM_UTF8_H
#define OOPSFARM_UTF8_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* U+FFFD REPLACEMENT CHARACTER, encoded */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

/*
 * The length (1 to 4) of the valid UTF-8 sequence that starts at p, or 0
 * when p does not start one (a stray continuation byte, an overlong form,
 * a UTF-16 surrogate, past U+10FFFF, or cut by the terminating NUL).  p is
 * NUL-terminated; a NUL byte is a sequence of length 1.
 */
int utf8_char_len(const unsigned char *p);

/* The code point of the valid sequence of length len at p. */
uint32_t utf8_decode(const unsigned char *p, int len);

/* Longest replacement utf8_people() writes, with its NUL. */
#define UTF8_PEOPLE_MAX 12

/*
 * What people see for the character at p (NUL-terminated).  Sets *len to
 * the bytes it covers (at least 1).  Returns NULL when the character is
 * safe as it is (write those *len bytes), or the replacement text in buf
 * (UTF8_PEOPLE_MAX bytes).  TAB and LF are safe here; a caller that wants
 * them escaped too (an XML attribute) checks them first.
 */
const char *utf8_people(const unsigned char *p, int *len, char buf[UTF8_PEOPLE_MAX]);

/* s as text for a terminal or a mail: utf8_people() on every character. */
void text_escape(FILE *f, const char *s);

#endif
