/* SPDX-License-Identifier: MIT */
/*
 * readfile.h - a whole file into memory, for the agent and the host.
 *
 * Reads until end of file rather than trusting st_size: files in /proc
 * and /sys report 0.  The buffer grows by doubling and always ends in a
 * NUL after the data, so text can be parsed in place.
 */
#ifndef OOPSFARM_READFILE_H
#define OOPSFARM_READFILE_H

#include <stddef.h>

/*
 * Reads fd from its current position to the end into a malloc'd buffer;
 * the caller frees *ret_buf (ret_len may be NULL).  fd stays open.
 * Returns 0, -errno of read(2), or -ENOMEM; nothing is set on failure.
 */
int readfile_fd(int fd, char **ret_buf, size_t *ret_len);

/* open(path, O_RDONLY | O_CLOEXEC | flags), then readfile_fd(); 0 or -errno. */
int readfile(const char *path, int flags, char **ret_buf, size_t *ret_len);

#endif
