/* SPDX-License-Identifier: MIT */
/*
 * console.h - what every path that stores a boot reads from its console
 * (oopsfarm run, record, lava collect and ingest): the crash reports as
 * store rows, the agent's BEGIN and END lines and the kernel banner's
 * variant stamp; console_facts_fill() hands them to the verdict rule
 * (core/verdict.h).
 */
#ifndef OOPSFARM_CONSOLE_H
#define OOPSFARM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "oops.h"
#include "core/verdict.h"
#include "store/logs.h"
#include "store/store.h"
#include "util/file.h"

#define BOOT_MAX_CRASHES 32

struct crash_set {
	const char *target; /* the campaign's title; NULL: any crash is the target */
	bool target_hit;
	int n;
	struct store_crash c[BOOT_MAX_CRASHES];
	char titles[BOOT_MAX_CRASHES][OOPS_TITLE_MAX];
	char frames[BOOT_MAX_CRASHES][OOPS_FRAME_MAX];
	char hashes[BOOT_MAX_CRASHES][17];
};

/* Parses a console log into set (set->target is kept, the rest reset). */
void crash_set_parse(struct crash_set *set, const char *buf, size_t len);

/*
 * What the agent said on the console (the build-id it saw, its verdict),
 * and the kernel banner: its "Linux version" line and the stamp after '#'
 * (build-kernel.sh stamps each variant: "#of-<key>").  Longer values are
 * cut to the buffer: they are compared with what the variant expects, and
 * a cut one then differs, which is reported.
 */
struct agent_seen {
	bool begin, end;
	char build_id[128];
	char verdict[32];
	bool banner;
	char stamp[64];
};

/* Decodes the agent's protocol lines and the banner of a console log into a. */
void agent_decode(const char *buf, size_t len, struct agent_seen *a);

/* The console facts of the verdict rule, pointing into cs and a. */
void console_facts_fill(struct console_facts *f, size_t len, const struct crash_set *cs,
			const struct agent_seen *a);

#endif
