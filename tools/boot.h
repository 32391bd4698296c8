/* SPDX-License-Identifier: MIT */
/*
 * boot.h - what every path that stores a boot shares (oopsfarm record, run):
 * reading a console log and turning its crash reports into store rows.
 */
#ifndef OOPSFARM_BOOT_H
#define OOPSFARM_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "oops.h"
#include "store.h"

#define BOOT_MAX_CRASHES 32

struct crash_set {
	const char *target;	/* the campaign's title; NULL: any crash is the target */
	bool target_hit;
	int n;
	struct store_crash c[BOOT_MAX_CRASHES];
	char titles[BOOT_MAX_CRASHES][OOPS_TITLE_MAX];
	char frames[BOOT_MAX_CRASHES][OOPS_FRAME_MAX];
	char hashes[BOOT_MAX_CRASHES][17];
};

/* Parses a console log into set (set->target is kept, the rest reset). */
void crash_set_parse(struct crash_set *set, const char *buf, size_t len);

/* Reads a whole file; returns a malloc'd buffer (NUL-terminated) or NULL with errno. */
char *file_slurp(const char *path, size_t *ret_len);

/* What the agent said on the console: the build-id it saw, its verdict. */
struct agent_seen {
	bool begin, end;
	char build_id[128];
	char verdict[32];
};

/* Decodes the agent's protocol lines in a console log into a. */
void agent_decode(const char *buf, size_t len, struct agent_seen *a);

/* Writes buf zstd-compressed to path.zst and removes path; 0 or -errno. */
int log_keep_compressed(const char *path, const char *buf, size_t len);

#endif
