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

#endif
