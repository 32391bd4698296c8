/* SPDX-License-Identifier: MIT */
/*
 * store/bisect.h - a bisect's evidence in the results store: one row per
 * bisect (its ends, target and tree) and one row per build or boot, in the
 * order they finished, so that `oopsfarm bisect --resume` replays exactly
 * what was seen and an audit can follow every step.  The tables
 * (bisects, bisect_events; doc/store.md) are schema version 5, with v6's
 * measured columns: store_open() migrates older files (store_schema_v5, _v6).
 * Each event is one INSERT (its own transaction): a run killed with -9
 * loses at most the build or boot in flight, never counts one twice.
 */
#ifndef OOPSFARM_STORE_BISECT_H
#define OOPSFARM_STORE_BISECT_H

#include <stdint.h>

#include "store/store.h"

enum bisect_event_kind {
	BEV_BUILT,	  /* the commit built */
	BEV_BUILD_FAILED, /* it did not: skipped, no evidence */
	BEV_PASS,	  /* a boot without the target (and no crash) */
	BEV_TARGET,	  /* a boot that showed the target title */
	BEV_OTHER,	  /* a boot with another crash title: shown, not evidence */
	BEV_INFRA,	  /* the boot command failed: retried, not evidence */
	BEV_PLAN,	  /* a step chosen: up to plan_boots boots at the commit, until
			   * the target shows (resume finishes it) */
};

const char *bisect_event_name(enum bisect_event_kind k);

struct bisect_event {
	int seq;    /* 0, 1, ... within the bisect */
	int commit; /* 0 (good end) .. n (bad end) */
	const char *sha;
	enum bisect_event_kind kind;
	const char *title;    /* BEV_OTHER / BEV_TARGET: the first such title; else NULL */
	const char *log_path; /* the console or build log; may be NULL */
	int64_t wall_ms;
	int plan_boots;	      /* BEV_PLAN only */
	const char *boot_uid; /* a boot through the farm loop: its boots row; else NULL */
};

/* the schema's steps to versions 5 and 6, run by store_open() (store.c) */
extern const char store_schema_v5[];
extern const char store_schema_v6[];

/*
 * The bisect of good..bad for target in the store: 1 when stored (its id
 * in *ret_id), 0 when not.  When the store holds a bisect with other ends
 * or another target it returns -EEXIST and puts them in ret_other
 * ("GOOD..BAD for 'TITLE'").  -EIO on an SQLite error.
 */
int store_bisect_find(struct store *s, const char *good, const char *bad, const char *target, int64_t *ret_id,
		      char *ret_other, size_t othersize);

/* A bisect row (strings malloc'd; store_bisect_row_clear frees them). */
struct bisect_row {
	int64_t id;
	char *good, *bad, *target, *tree;
	int ncommits;
	double confidence;			   /* asked for (0.95 for a bisect stored before v5) */
	unsigned measured_boots, measured_crashes; /* the bad end measured beforehand
						    * (--measured; 0/0 for none, and before v6) */
};

/* The store's bisect (the first; `oopsfarm bisect` keeps one per store) into
 * *ret: 1, 0 when the store holds none, -EIO (-ENOMEM). */
int store_bisect_one(struct store *s, struct bisect_row *ret);
void store_bisect_row_clear(struct bisect_row *r);

/* Creates the bisect row; 0 or -EIO.  measured_boots/_crashes: the bad
 * end's boots measured before the bisect and how many showed the target
 * (0, 0: none). */
int store_bisect_create(struct store *s, const char *good, const char *bad, const char *target,
			const char *tree, int ncommits, double confidence, unsigned measured_boots,
			unsigned measured_crashes, int64_t *ret_id);

/* Appends one event; 0, or -EIO (also when seq is taken: nothing twice). */
int store_bisect_event_add(struct store *s, int64_t bisect_id, const struct bisect_event *e);

/* Calls fn for each event of the bisect in seq order; 0 or -EIO. */
int store_bisect_events_each(struct store *s, int64_t bisect_id,
			     void (*fn)(const struct bisect_event *e, void *userdata), void *userdata);

#endif
