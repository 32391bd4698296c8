/* SPDX-License-Identifier: MIT */
/* logs.h - the boots' raw consoles, kept compressed next to the store. */
#ifndef OOPSFARM_LOGS_H
#define OOPSFARM_LOGS_H

#include <stddef.h>

/* Writes buf zstd-compressed to path.zst and removes path; 0 or -errno. */
int log_keep_compressed(const char *path, const char *buf, size_t len);

#endif
