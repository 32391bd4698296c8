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

/*
 * Room for element n of the array *p of capacity *cap elements of elsize
 * bytes (git's ALLOC_GROW): when n == *cap the array doubles (from 16).
 * Returns 0, or -ENOMEM with *p and *cap unchanged (the caller frees).
 * ARRAY_GROW(p, n, cap) is the call for a typed pointer p and a size_t cap.
 */
int array_grow(void **p, size_t n, size_t *cap, size_t elsize);
#define ARRAY_GROW(p, n, cap) array_grow((void **)&(p), (n), &(cap), sizeof(*(p)))

/*
 * Appends printf-formatted text to the buffer, as text_append(): never cut,
 * whatever the length of the strings formatted (paths, names from a user's
 * file).  Returns 0, or -ENOMEM (or -EINVAL: a bad format) with the buffer
 * unchanged.  With *s NULL and *len, *cap 0 it makes a new string, freed
 * with free().
 */
int text_printf(char **s, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A new string, printf-formatted and never cut; free() it.  NULL when out of
 * memory (or a bad format). */
char *text_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Copies src into the fixed field dst of size bytes (a struct's message
 * field); when src does not fit, its end is replaced by "..." so a cut is
 * never silent (util/msg.h's rule).  dst is always NUL-terminated.
 */
void text_copy_cut(char *dst, size_t size, const char *src);

#endif
