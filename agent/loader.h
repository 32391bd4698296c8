/* SPDX-License-Identifier: MIT */
/*
 * loader.h - the parallel module loader.
 *
 * Two schedules over the waits lists of modules.h:
 *
 * LOADER_ANDROID follows AOSP libmodprobe's Modprobe::LoadModulesParallel:
 *   repeat until every module of modules.load is loaded:
 *     for each pending module, in name order, take the last entry of its
 *     waits list (its deepest unloaded dependency, or itself when nothing
 *     is left): a load_sequential=1 module is loaded right there, inline;
 *     the others are collected, without duplicates, into this wave;
 *     start `threads` threads that pop the wave from the back, join them;
 *     stop after a wave in which anything failed;
 *     drop loaded modules from every waits list.
 * LOADER_EAGER starts each module as soon as everything in its waits list
 *   is loaded, on `threads` workers, for the most overlap; a failure skips
 *   only the modules that wait for the failed one.  A load_sequential=1
 *   module runs alone: it waits for the running loads and holds back new
 *   ones.
 *
 * Both load with finit_module (init_module when the kernel says ENOSYS),
 * count EEXIST as loaded, skip modules that wait for a failed one (and, in
 * android mode, everything after the failed wave), and never load
 * blocklisted modules of modules.load (a blocklisted dependency makes its
 * users fail, as in libmodprobe).
 *
 * Race knobs: shuffle (a seeded permutation of each wave, or a seeded pick
 * among the ready modules), a start barrier (barrier members wait until
 * all barrier members that can run together have arrived, or a timeout,
 * then enter finit_module at once), and seeded per-module jitter (a delay
 * in [0, jitter_us) before finit_module, the same for a module and seed in
 * every boot).
 *
 * The loader runs in the calling process with pthreads: the agent calls it
 * in a forked child so that PID 1 never enters finit_module.
 */
#ifndef OOPSFARM_AGENT_LOADER_H
#define OOPSFARM_AGENT_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "modules.h"

enum loader_mode { LOADER_ANDROID, LOADER_EAGER };

enum mod_result {
	MOD_PENDING,	/* never started (only seen when the loader died) */
	MOD_OK,
	MOD_EXISTS,	/* EEXIST: loaded before us, counts as loaded */
	MOD_FAILED,
	MOD_SKIPPED,	/* not tried: a module it waits for failed, or the run stopped */
	MOD_BLOCKED,	/* in modules.blocklist */
};

/* "ok", "exists", "fail", "skip", "blocked", "pending" */
const char *mod_result_name(enum mod_result r);

struct loader_opts {
	enum loader_mode mode;
	int threads;			/* >= 1 */
	bool shuffle;
	uint64_t seed;
	uint32_t jitter_us;		/* 0: none */
	uint32_t barrier_timeout_ms;	/* how long barrier members wait at most */
};

struct loader_event {
	const struct module *mod;
	int index;			/* into the modset */
	enum mod_result result;
	int err;			/* -errno for MOD_FAILED */
	const char *why;		/* for skips and failures: a short reason */
	uint64_t start_us, end_us;	/* finit_module entry and return, from loader start */
	uint32_t jitter_us;		/* delay applied before it */
	int thread;			/* 0 inline, 1..threads */
	int wave;			/* android: 1-based wave; eager: 0 */
	bool barrier;			/* waited at the barrier */
};

/* Called once per module, from loader threads, one call at a time. */
typedef void (*loader_event_fn)(const struct loader_event *e, void *userdata);

struct loader_summary {
	int ok, exists, failed, skipped, blocked;
	int waves;
	int barrier_met;		/* barrier releases because everyone arrived */
	int barrier_timeouts;
	uint64_t first_start_us, last_end_us;	/* from loader start */
	uint64_t wall_us;		/* whole loader run */
};

/*
 * Loads the modules of ms->load (and what they wait for).  Returns 0 when
 * every module loaded (or was blocklisted), -EIO when any failed or was
 * skipped, -ENOMEM/-EAGAIN when the loader itself could not run.  The
 * summary is filled in either way.
 */
int loader_run(const struct modset *ms, const struct loader_opts *opts, loader_event_fn fn,
	       void *userdata, struct loader_summary *ret);

/* Short words for module load errors, e.g. -ENOEXEC -> "invalid module format". */
const char *module_strerror(int err);

/* "ENOENT", "EEXIST", ...; "E<n>" for others (static buffer for those). */
const char *errno_name(int err);

/* Seeded per-module jitter in [0, max_us): the same for a seed and name. */
uint32_t loader_jitter(uint64_t seed, const char *name, uint32_t max_us);

#endif
