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
 * With a campaign and no boot command, boots go through the farm loop on
 * the campaign's setup instead (core/bisect-farm.h): any board kind, the
 * one verdict rule, each boot a row of the boots table as well.  The build
 * command then also gets OOPSFARM_OUT, the directory it leaves the
 * commit's kernel in (Image, build-id, stamp, modules/: bisect-farm.h).
 *
 * K boards (boards > 1): a step boots its commit K at a time.  With the
 * boot command, in rounds of K parallel runs (OOPSFARM_BOARD is 0..K-1,
 * OOPSFARM_BOOT distinct), stopping after the first round that shows the
 * target; through the farm loop, K boards kept busy until the target shows
 * (the boots in flight then finish and count).  The step rule plans in
 * rounds (bisect_costs.boards, doc/bisect.md).  Builds never run beside
 * boots: one tree holds one commit.
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

#include "core/bisect-farm.h"
#include "core/bisect.h"
#include "core/campaign.h"
#include "store/bisect.h"

struct bisect_run_opts {
	const char *tree, *good, *bad, *target;
	const char *build_cmd;		     /* NULL: none (the boot command builds) */
	const char *boot_cmd;		     /* NULL: through the farm loop on campaign */
	const struct campaign *campaign;     /* the board setup, limits, knobs (farm loop) */
	const char *setup;		     /* the campaign's setup (NULL: its first) */
	const char *init;		     /* the agent binary (farm loop, recipe kinds) */
	bool no_agent;			     /* the boards' init is not our agent */
	const struct bisect_lava_opts *lava; /* the campaign's setup on LAVA (NULL: local) */
	int boards;			     /* K boards booting at once (0: one) */
	const char *store_path;
	const char *log_dir; /* NULL: <store>.logs */
	double confidence;   /* 0.95 */
	double build_cost;   /* boots per build, for the step rule; < 0: measured
			      * (mean build wall time / mean boot wall time) */
	int max_boots;	     /* 0: no cap */
	int end_boots;	     /* the bad end's budget to show the target */
	int good_boots;	     /* boots of the good end (0: vouched) */
	/* the bad end measured before the bisect (--measured C/N: e.g. the
	 * campaign run that found the crash): N boots, C of them the target.
	 * Evidence at the bad end (bisect_new_measured), not boots spent; 0/0: none.  Stored with the
	 * bisect; --resume uses the stored ones (other ones: bad input). */
	unsigned measured_boots, measured_crashes;
	bool resume;
	bool json;
};

/* the most boards a bisect boots at once */
#define BISECT_MAX_BOARDS 64

/* Exit statuses of bisect_run (also the command's). */
enum {
	BISECT_DONE = 0,     /* an answer, or the budget spent: the posterior is printed */
	BISECT_NO_REPRO = 1, /* the bad end never showed the target, or the good end did */
	BISECT_BAD_INPUT =
	    2,		  /* ends swapped or unrelated, a store of another bisect, ends that do not build */
	BISECT_INFRA = 3, /* git, the store or the boot command failed */
};

/*
 * The one rule from a stored event to the model, for the driver (live and
 * on --resume) and for `oopsfarm report`: built marks the commit built,
 * build-failed skips it, pass and other are a boot without the target,
 * target a boot with it; infra and plan are no evidence.  0 or -EINVAL
 * (what bisect_add/skip/built say).
 */
int bisect_event_apply(struct bisect *b, enum bisect_event_kind k, int commit);

/* Runs (or resumes) the bisect; prints progress on stderr and the result on stdout. */
int bisect_run(const struct bisect_run_opts *o);

/*
 * `oopsfarm bisect step`: the test of one commit for `git bisect run`.
 * Builds the checkout in tree (build_cmd; a failure is git's skip), then
 * boots it with boot_cmd (as the driver does, board 0) until Wald's
 * sequential test (lib/stats.h) of H0: the target shows at rate eps
 * against H1: at rate p decides at error rates alpha (calling a good
 * commit bad) and beta (calling a bad commit good), or max_boots pass
 * undecided.  With eps = 0 one target crash is proof (bad at once), and
 * good is N passes in a row, N = ceil(log(beta / (1 - alpha)) / log(1 - p)).
 * Infra boots are retried, never evidence; 3 in a row skip the commit.
 * Logs go to log_dir/<seq>-boot-<sha>.log.  Prints one line per boot on
 * stderr and the verdict on stdout.
 */
struct bisect_step_opts {
	const char *tree, *target, *build_cmd, *boot_cmd, *log_dir;
	double rate, eps, alpha, beta;
	int max_boots;
};

/* git bisect run's exit codes */
enum {
	BISECT_STEP_GOOD = 0,
	BISECT_STEP_BAD = 1,
	BISECT_STEP_SKIP = 125,	 /* build failed, infra, undecided */
	BISECT_STEP_ABORT = 255, /* our own failure: git bisect run stops */
};

/* Returns one of BISECT_STEP_*. */
int bisect_step_run(const struct bisect_step_opts *o);

#endif
