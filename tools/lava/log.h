/* SPDX-License-Identifier: MIT */
/*
 * lava-log.h - LAVA job logs, read with libyaml.
 *
 * A LAVA 2023.01 job log (GET /api/v0.2/jobs/ID/logs/) is a YAML list with
 * one entry per line: `- {"dt": ..., "lvl": ..., "msg": ...}`.  It is YAML,
 * not JSON: PyYAML tags some values (`! "null"`), and `msg` is a string for
 * most levels (lvl `target` is the board's console, one line per entry;
 * `feedback` is console read while finishing), a mapping for `results`, and
 * sometimes a list.  The API's ?start=N counts these lines, which is what
 * makes incremental collection possible.
 *
 * lava_log_parse() calls fn once per entry, in order.  It never joins or
 * splits lines by text: the structure comes from the YAML parser.  A text
 * that is not such a list fails with -EBADMSG and a message naming the line
 * (1-based) and libyaml's problem; entries before it were delivered.
 */
#ifndef OOPSFARM_LAVA_LOG_H
#define OOPSFARM_LAVA_LOG_H

#include <stddef.h>

struct lava_log_entry {
	size_t line;	 /* 0-based line of the entry in the text */
	const char *dt;	 /* "" when absent */
	const char *lvl; /* "" when absent */
	const char *msg; /* a scalar msg (NUL-terminated); NULL when msg is a mapping or list */
	size_t msg_len;
	/* lvl "results": first-level fields of msg ("" when absent) */
	const char *res_case, *res_definition, *res_result, *res_level, *res_error_type, *res_error_msg;
	/* dt, lvl or msg given more than once: the last one is kept, as
	 * LAVA's own reader (PyYAML) keeps it; how many repeats */
	unsigned dup_keys;
};

/* Returns 0 to go on, <0 to stop (lava_log_parse() returns it). */
typedef int (*lava_log_fn)(const struct lava_log_entry *e, void *userdata);

/* Parses buf; returns the number of entries, -EBADMSG, -ENOMEM, or what fn returned. */
long lava_log_parse(const char *buf, size_t len, lava_log_fn fn, void *userdata, char *err, size_t errsize);

/*
 * The kinds of a job definition's top-level actions, in order ('d' deploy,
 * 'b' boot, 't' test, 'c' command, '?' other): LAVA numbers them 1..n in its
 * log ("start: 3 lava-test-monitor-retry").  Returns how many (at most max),
 * or -EBADMSG.
 */
int lava_definition_actions(const char *yaml, size_t len, char *kinds, int max);

/*
 * A top-level scalar of a job definition (e.g. "device_type", "job_name")
 * into out.  0, -ENOENT (absent or not a scalar) or -EBADMSG.
 */
int lava_definition_field(const char *yaml, size_t len, const char *key, char *out, size_t size);

#endif
