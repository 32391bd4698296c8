/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - UTF-8 as the host side's outputs check it: JSON strings and
 * XML/HTML text pass valid sequences through and turn every other byte
 * into U+FFFD, so that a console's stray bytes never break a report.
 */
#ifndef OOPSFARM_UTF8_H
#define OOPSFARM_UTF8_H

/* U+FFFD REPLACEMENT CHARACTER, encoded */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

/*
 * The length (1 to 4) of the valid UTF-8 sequence that starts at p, or 0
 * when p does not start one (a stray continuation byte, an overlong form,
 * a UTF-16 surrogate, past U+10FFFF, or cut by the terminating NUL).  p is
 * NUL-terminated; a NUL byte is a sequence of length 1.
 */
int utf8_char_len(const unsigned char *p);

#endif
