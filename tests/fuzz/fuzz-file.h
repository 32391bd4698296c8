/* SPDX-License-Identifier: MIT */
/*
 * fuzz-file.h - the fuzz targets whose reader takes a path: the input as
 * an in-memory file, /proc/self/fd/N of a memfd, rewritten for each input.
 */
#ifndef OOPSFARM_FUZZ_FILE_H
#define OOPSFARM_FUZZ_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The path of a file that holds exactly data[0..size). */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		fd = memfd_create("fuzz-input", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	return path;
}

/* An error message: NUL-terminated within its buffer, and not empty. */
static inline void fuzz_check_err(const char *err, size_t size)
{
	if (!memchr(err, '\0', size) || !err[0])
		abort();
}

#endif
