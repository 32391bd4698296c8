/* SPDX-License-Identifier: MIT */
/*
 * bisect-run.h - `oopsfarm bisect`: the Bayesian bisect (core/bisect.h)
 * driven on a kernel git tree, every build and boot in the store.
 *
 * The commits are git rev-list --first-parent good..bad (oldest first); the
 * tree is one worktree, checked out at each commit in turn and rebuilt in
 * place by the build command (incremental, ccache).  A boot is one run of
 * the boot command, whose output is the console: the oops parser reads it
 * and the target title decides (crash_set_parse, core/console.h).  Exit
 * statuses: build 0 built, anything else a build failure (git bisect's
 * 125: the commit is skipped); boot 0 a boot, anything else infra (retried,
 * never evidence).  Both commands run with sh -c in the tree, with
 * OOPSFARM_COMMIT (the sha), OOPSFARM_BOOT (the boot's index at this
 * commit, 0, 1, ...: a boot killed before it was stored gets its index
 * again) and OOPSFARM_TREE in their environment.  After --resume the
 * commit in the tree is built again (one more build event).
 *
 * Order: the ends first (the bad end until it shows the target, at most
 * end_boots; the good end good_boots times unless vouched), then steps
 * chosen by bisect_choose() until one commit holds the confidence or
 * max_boots is spent.  Every event goes in the store as it finishes;
 * --resume replays them and goes on.
 */
#ifndef OOPSFARM_BISECT_RUN_H
#define OOPSFARM_BISECT_RUN_H

#include <stdbool.h>

struct bisect_run_opts {
	const char *tree, *good, *bad, *target;
	const char *build_cmd; /* NULL: none (the boot command builds) */
	const char *boot_cmd;
	const char *store_path;
	const char *log_dir; /* NULL: <store>.logs */
	double confidence;   /* 0.95 */
	double build_cost;   /* boots per build, for the step rule; < 0: measured
			      * (mean build wall time / mean boot wall time) */
	int max_boots;	     /* 0: no cap */
	int end_boots;	     /* the bad end's budget to show the target */
	int good_boots;	     /* boots of the good end (0: vouched) */
	bool resume;
	bool json;
};

/* Exit statuses of bisect_run (also the command's). */
enum {
	BISECT_DONE = 0,     /* an answer, or the budget spent: the posterior is printed */
	BISECT_NO_REPRO = 1, /* the bad end never showed the target, or the good end did */
	BISECT_BAD_INPUT =
	    2,		  /* ends swapped or unrelated, a store of another bisect, ends that do not build */
	BISECT_INFRA = 3, /* git, the store or the boot command failed */
};

/* Runs (or resumes) the bisect; prints progress on stderr and the result on stdout. */
int bisect_run(const struct bisect_run_opts *o);

#endif
