/* SPDX-License-Identifier: MIT */
/* file.h - whole-file reads and directory trees, for the host side. */
#ifndef OOPSFARM_FILE_H
#define OOPSFARM_FILE_H

#include <stddef.h>

/* Reads a whole file; returns a malloc'd buffer (NUL-terminated) or NULL with errno. */
char *file_slurp(const char *path, size_t *ret_len);

/* mkdir -p path (mode 0755); 0 or -errno. */
int file_mkdir_p(const char *path);

#endif
