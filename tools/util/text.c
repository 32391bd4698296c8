// SPDX-License-Identifier: MIT
/* text.c - see text.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

int text_append(char **s, size_t *len, size_t *cap, const void *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 256;
		char *p;

		while (c < *len + n + 1)
			c *= 2;
		p = realloc(*s, c);
		if (!p)
			return -ENOMEM;
		*s = p;
		*cap = c;
	}
	memcpy(*s + *len, data, n);
	*len += n;
	(*s)[*len] = '\0';
	return 0;
}

int array_grow(void **p, size_t n, size_t *cap, size_t elsize)
{
	size_t c = *cap;
	void *np;

	if (n < c)
		return 0;
	while (c <= n)
		c = c ? c * 2 : 16;
	if (c > SIZE_MAX / elsize || !(np = realloc(*p, c * elsize)))
		return -ENOMEM;
	*p = np;
	*cap = c;
	return 0;
}

int text_printf(char **s, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	char *buf = NULL;
	int n, r;

	va_start(ap, fmt);
	n = vasprintf(&buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return errno == EOVERFLOW || errno == EINVAL ? -EINVAL : -ENOMEM;
	r = text_append(s, len, cap, buf, (size_t)n);
	free(buf);
	return r;
}

char *text_format(const char *fmt, ...)
{
	va_list ap;
	char *buf = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&buf, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : buf;
}

void text_copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (!size)
		return;
	if (n < size) {
		memcpy(dst, src, n + 1);
		return;
	}
	memcpy(dst, src, size - 1);
	dst[size - 1] = '\0';
	if (size > 4)
		memcpy(dst + size - 4, "...", 4);
}
