/* SPDX-License-Identifier: MIT */
/*
 * modplan.h - the load plan of a module set, as libmodprobe's
 * LoadModulesParallel() would run it when every load succeeds.
 *
 * The same plan is printed by `oopsfarm modules plan` on the host and run
 * by the board agent (agent/loader.h), so both show the same hash.
 *
 * Shape: a list of waves; a wave is a list of tasks that run at the same
 * time, one per thread; a task is the modules one thread loads one after
 * the other.  The plan is built as libmodprobe does it:
 *   - every listed module keeps the list [itself, its modules.dep
 *     dependencies]; each round looks at the last entry not loaded yet of
 *     each listed module, in name order;
 *   - a load_sequential module found there becomes a wave of its own, in
 *     that order, before the round's parallel wave;
 *   - the others form the parallel wave, without duplicates; the tasks
 *     are listed in the order threads take them (libmodprobe's workers
 *     take from the back of the list: the last candidate starts first);
 *   - a task is what load-with-aliases does for its candidate: each hard
 *     dependency not loaded yet (last listed first, each with its own
 *     dependencies and softdeps), then its pre-softdeps with theirs, the
 *     module itself, then its post-softdeps.  Modules loaded in an earlier
 *     wave are left out; a module may appear in two tasks of one wave, the
 *     second load finds it loaded (EEXIST);
 *   - entries reached through a softdep are marked soft: a failure there
 *     is ignored, as libmodprobe ignores softdep results.
 * Hence every module of a task starts after each of its modules.dep
 * dependencies finished: in an earlier wave or earlier in its task.
 *
 * Departures from libmodprobe, on purpose (doc/modules.md): a listed
 * module whose dependencies include a blocklisted module, or a module
 * modules.dep does not have, is skipped with that reason and the rest
 * goes on (libmodprobe drops the first silently and fails the whole call
 * for the second); dependency cycles are reported instead of recursing
 * forever.
 *
 * The hash covers, wave by wave and task by task, each module's name, its
 * parameters and its sequential mark: never file contents, seeds or the
 * thread count.  It is FNV-1a 64 over that text, printed as 16 hex digits.
 */
#ifndef OOPSFARM_MODPLAN_H
#define OOPSFARM_MODPLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "modset.h"

struct modplan_entry {
	int mod;   /* index into the modset */
	bool soft; /* reached through a softdep: its failure is ignored */
};

struct modplan_task {
	struct modplan_entry *e;
	int n;
};

struct modplan_wave {
	struct modplan_task *tasks;
	int ntasks;
	bool sequential; /* one load_sequential module (and its softdeps), alone */
};

enum modplan_skip_kind {
	MODPLAN_BLOCKED, /* in modules.blocklist, or needs a module that is */
	MODPLAN_MISSING, /* not in modules.dep, or needs a module that is not */
	MODPLAN_CYCLE,	 /* its dependencies go round in a circle */
};

struct modplan_skip {
	char *module; /* canonical name */
	int mod;      /* index into the modset, -1 when modules.dep lacks it */
	enum modplan_skip_kind kind;
	char *reason; /* e.g. "needs a, which is in modules.blocklist" */
};

struct modplan {
	struct modplan_wave *waves;
	int nwaves;
	struct modplan_skip *skipped; /* listed modules the plan does not load */
	int nskipped;
	char **warnings; /* softdep targets missing or blocked, cycles, ... */
	int nwarnings;
	bool *in_plan; /* [modset n]: appears in some task */
	int n;
	uint64_t hash;
};

/*
 * Builds the plan of ms.  Returns 0 or -ENOMEM (then *ret is empty and
 * freeable).  A skipped module or a warning is not an error.
 */
int modplan_build(const struct modset *ms, struct modplan *ret);

/* Frees what modplan_build() allocated; a zeroed plan is fine. */
void modplan_free(struct modplan *p);

/*
 * Adds a warning for each planned module whose file cannot be opened for
 * reading (the plan keeps it: it comes from the metadata alone).  Returns
 * how many, or -ENOMEM.
 */
int modplan_warn_absent(struct modplan *p, const struct modset *ms);

/* The hash as 16 lowercase hex digits, into out[17]. */
void modplan_hash_hex(const struct modplan *p, char out[17]);

/* Number of module loads in the plan (entries in tasks, duplicates too). */
int modplan_entries(const struct modplan *p);

#endif
