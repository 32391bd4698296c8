/* SPDX-License-Identifier: MIT */
/*
 * text.h - a growable text buffer, the one the tools share (HTTP bodies,
 * LAVA consoles and log fields, rendered jobs).
 */
#ifndef OOPSFARM_TEXT_H
#define OOPSFARM_TEXT_H

#include <stddef.h>

/*
 * Appends n bytes of data to the buffer *s of length *len and capacity
 * *cap (all zero for an empty one), growing it by doubling, and keeps it
 * NUL-terminated.  Returns 0, or -ENOMEM with the buffer unchanged.
 */
int text_append(char **s, size_t *len, size_t *cap, const void *data, size_t n);

#endif
