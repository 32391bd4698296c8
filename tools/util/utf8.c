// SPDX-License-Identifier: MIT
/* utf8.c - see utf8.h. */
#include "util/utf8.h"

int utf8_char_len(const unsigned char *p)
{
	unsigned lo, hi;

	if (p[0] < 0x80)
		return 1;
	/* a NUL ends the string, and is never a continuation byte */
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		lo = p[0] == 0xe0 ? 0xa0 : 0x80;
		hi = p[0] == 0xed ? 0x9f : 0xbf; /* no UTF-16 surrogates */
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		lo = p[0] == 0xf0 ? 0x90 : 0x80;
		hi = p[0] == 0xf4 ? 0x8f : 0xbf;
		if (p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

uint32_t utf8_decode(const unsigned char *p, int len)
{
	static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	uint32_t c = p[0] & lead_mask[len];

	for (int i = 1; i < len; i++)
		c = c << 6 | (p[i] & 0x3f);
	return c;
}

static bool is_bidi_control(uint32_t c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

const char *utf8_people(const unsigned char *p, int *len, char buf[UTF8_PEOPLE_MAX])
{
	int n = utf8_char_len(p);
	uint32_t c;

	*len = n ? n : 1;
	if (!n)
		return UTF8_REPLACEMENT;
	if (n == 1) {
		if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f) {
			snprintf(buf, UTF8_PEOPLE_MAX, "\\x%02x", *p);
			return buf;
		}
		return NULL;
	}
	c = utf8_decode(p, n);
	if ((c >= 0x80 && c <= 0x9f) || is_bidi_control(c)) {
		snprintf(buf, UTF8_PEOPLE_MAX, "<U+%04X>", (unsigned)c);
		return buf;
	}
	return NULL;
}

void text_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char buf[UTF8_PEOPLE_MAX];

	while (*p) {
		int len;
		const char *r = utf8_people(p, &len, buf);

		if (r)
			fputs(r, f);
		else
			fwrite(p, 1, len, f);
		p += len;
	}
}
