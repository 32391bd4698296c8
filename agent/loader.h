/* SPDX-License-Identifier: MIT */
/*
 * loader.h - the parallel module loader.
 *
 * Two schedules over the plan of lib/modplan.h (built here from the modset,
 * the same plan `oopsfarm modules plan` prints):
 *
 * LOADER_ANDROID runs the plan as AOSP libmodprobe's LoadModulesParallel
 *   does: wave after wave, a join after each; a load_sequential wave runs
 *   alone on the calling thread (thread 0); a parallel wave starts
 *   `threads` threads that take its tasks in order and load each task's
 *   modules one after the other.  A module already loaded by another task
 *   is not loaded again; one being loaded by another thread is waited for
 *   (the kernel would make a second finit_module wait and return EEXIST).
 *   No wave runs after a wave in which a module that had to load failed.
 * LOADER_EAGER loads the same modules, each as soon as everything it waits
 *   for (its modules.dep dependencies, its pre-softdeps, the modules it is
 *   a post-softdep of) has finished, on `threads` workers, for the most
 *   overlap.  A softdep order that would close a cycle is dropped (the
 *   plan does the same).  A failure skips only the modules that need the
 *   failed one as a hard dependency; a failed softdep counts as done.  A load_sequential
 *   module runs alone: it waits for the running loads and holds back new
 *   ones.
 *
 * In both, every module starts after its modules.dep dependencies have
 * finished; a module whose dependency did not load is skipped, with the
 * reason.  Both load with finit_module (init_module when the kernel says
 * ENOSYS) and count EEXIST as loaded.  What the plan leaves out is
 * reported first: blocklisted modules and the modules that need one as
 * MOD_BLOCKED (not a failure, as in libmodprobe), listed modules
 * modules.dep lacks and dependency cycles as MOD_SKIPPED.
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

#include "modset.h"

enum loader_mode { LOADER_ANDROID, LOADER_EAGER };

enum mod_result {
	MOD_PENDING, /* never started (only seen when the loader died) */
	MOD_OK,
	MOD_EXISTS, /* EEXIST: loaded before us, counts as loaded */
	MOD_FAILED,
	MOD_SKIPPED, /* not tried: a dependency failed, the run stopped, not in modules.dep, a cycle */
	MOD_BLOCKED, /* in modules.blocklist, or needs a module that is */
};

/* "ok", "exists", "fail", "skip", "blocked", "pending" */
const char *mod_result_name(enum mod_result r);

struct loader_opts {
	enum loader_mode mode;
	int threads; /* >= 1 */
	bool shuffle;
	uint64_t seed;
	uint32_t jitter_us;	     /* 0: none */
	uint32_t barrier_timeout_ms; /* how long barrier members wait at most */
};

struct loader_event {
	const struct module *mod;
	int index; /* into the modset */
	enum mod_result result;
	int err;		   /* -errno for MOD_FAILED */
	const char *why;	   /* for skips and failures: a short reason */
	uint64_t start_us, end_us; /* finit_module entry and return, from loader start */
	uint32_t jitter_us;	   /* delay applied before it */
	int thread;		   /* 0 inline, 1..threads */
	int wave;		   /* android: 1-based wave; eager: 0 */
	bool barrier;		   /* waited at the barrier */
	const char *decomp;	   /* compressed module: "kernel" (finit_module decompressed
				    * it), "xz", "zstd", "gzip" (the agent did); NULL: plain */
};

/* Called once per module, from loader threads, one call at a time. */
typedef void (*loader_event_fn)(const struct loader_event *e, void *userdata);

struct loader_summary {
	int ok, exists, failed, skipped, blocked;
	int waves;	 /* android: plan waves started */
	int barrier_met; /* barrier releases because everyone arrived */
	int barrier_timeouts;
	uint64_t first_start_us, last_end_us; /* from loader start */
	uint64_t wall_us;		      /* whole loader run */
};

/*
 * Loads the modules of ms->load (and what they need).  Returns 0 when
 * every module that had to load did (blocklisted ones and failed softdep
 * targets do not count: both are reported, as events and in the summary),
 * -EIO when one failed or was skipped, -ENOMEM/-EAGAIN when the loader
 * itself could not run.  The summary is filled in either way.
 */
int loader_run(const struct modset *ms, const struct loader_opts *opts, loader_event_fn fn, void *userdata,
	       struct loader_summary *ret);

/* Short words for module load errors, e.g. -ENOEXEC -> "invalid module format". */
const char *module_strerror(int err);

/* "ENOENT", "EEXIST", ...; "E<n>" for others (static buffer for those). */
const char *errno_name(int err);

/* Seeded per-module jitter in [0, max_us): the same for a seed and name. */
uint32_t loader_jitter(uint64_t seed, const char *name, uint32_t max_us);

#endif
