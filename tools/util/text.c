// SPDX-License-Identifier: MIT
/* text.c - see text.h. */
#include <errno.h>
#include <stdint.h>
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
