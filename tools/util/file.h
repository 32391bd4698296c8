/* SPDX-License-Identifier: MIT */
/* file.h - whole-file reads and directory trees, for the host side. */
#ifndef OOPSFARM_FILE_H
#define OOPSFARM_FILE_H

#include <stddef.h>

/* Reads a whole file; returns a malloc'd buffer (NUL-terminated) or NULL with errno. */
char *file_slurp(const char *path, size_t *ret_len);

/* Writes size bytes of buf to path.tmp, then renames it to path: never
 * half a file at path.  0 or -errno (path.tmp removed). */
int file_write_atomic(const char *path, const void *buf, size_t size);

/* mkdir -p path (mode 0755); 0 or -errno. */
int file_mkdir_p(const char *path);

#endif
