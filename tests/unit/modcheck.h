/* SPDX-License-Identifier: MIT */
/*
 * modcheck.h - checks a module load by the rules, from the fake sys's call
 * log and the loader's events, never from a recorded expected order.
 *
 * modcheck_run() runs the loader on a module set and checks:
 *   order    every finit_module of a module starts after each of its
 *            modules.dep dependencies finished loading (ok or EEXIST);
 *   closure  only modules of the closure of the list load: listed
 *            modules, their dependencies and softdep targets, recursively,
 *            never a blocklisted one; none loads twice;
 *   failures the modules reported failed are exactly those whose
 *            finit_module returned an error; with no such error, nothing
 *            is reported skipped unless the plan skipped it for a missing
 *            module or a cycle, and the result is 0 exactly then;
 *   complete with no error, every listed module the plan keeps loads.
 * It also checks the plan itself: in every task, each module's
 * dependencies are loaded in an earlier wave or earlier in its task.
 * Problems go to diag(); the return value is the number of rules broken.
 */
#ifndef OOPSFARM_MODCHECK_H
#define OOPSFARM_MODCHECK_H

#include "../../agent/loader.h"
#include "modplan.h"
#include "modset.h"

struct modcheck_result {
	int r; /* loader_run's return */
	struct loader_summary sum;
	int loaded; /* modules loaded (ok or exists) */
	int failed_events, skipped_events, blocked_events;
};

/* Checks the plan's structure; returns the number of problems. */
int modcheck_plan(const struct modset *ms, const struct modplan *p, const char *what);

/* Runs the loader with o on ms (fake sys state already set) and checks. */
int modcheck_run(const struct modset *ms, const struct loader_opts *o, const char *what,
		 struct modcheck_result *ret);

/* The loader's event for module name in the last modcheck_run: "res why", or NULL. */
const char *modcheck_event(const char *name);

#endif
