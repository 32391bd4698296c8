/* SPDX-License-Identifier: MIT */
/*
 * bisect-farm.h - the boots of `oopsfarm bisect` through the farm loop
 * (core/farm.h), so that a bisect boots on any board kind a campaign can
 * name (qemu-smmuv3, a desk board, replay) with the same board ops, phase
 * limits, console capture and verdict rule (boot_verdict_decide()) as
 * `oopsfarm run`.
 *
 * A bisect is one campaign row in the store, named "bisect-<id>", with the
 * campaign's chosen setup as its one setup and one variant per commit,
 * named by the commit's first 12 hex digits.  Each boot is a row of the
 * boots table like any run's (its console kept compressed), and the
 * bisect's driver is told of each through the farm's stored hook.  A step
 * at a commit is farm_loop() on K boards with the commit's variant capped
 * at the boots stored so far plus the step's batch; infra boots are retried
 * by the farm (CAMPAIGN_MAX_RETRIES) and never counted.
 *
 * A commit's kernel is a directory that the bisect's build command fills
 * ($OOPSFARM_OUT): Image (the kernel; for the replay board, its recording
 * list), and optionally build-id and stamp (one line each: what the verdict
 * checks the boot against), kernelrelease, gen_init_cpio and
 * modules/lib/modules/<release>/ (build-kernel.sh's layout), from which the
 * board kind's recipe (mkinitramfs.sh) makes the initramfs with the init
 * binary.  A board kind without a recipe boots Image alone.  An optional
 * file cmdline (one line) adds kernel parameters to this commit's boots.
 *
 * With lava set, the boots are LAVA jobs instead (core/bisect-lava.h): the
 * same campaign rows, the recipe's initramfs and DTB staged for the
 * worker, each job's boots stored by lava_ingest_job() (source 'lava') and
 * handed to the hook the same way.
 */
#ifndef OOPSFARM_BISECT_FARM_H
#define OOPSFARM_BISECT_FARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/campaign.h"
#include "core/verdict.h"
#include "store/store.h"

struct bisect_farm;

/* Where a bisect's LAVA jobs go (`oopsfarm bisect --lava URL`). */
struct bisect_lava_opts {
	const char *url;
	const char *token_file;	   /* NULL: $OOPSFARM_LAVA_TOKEN */
	const char *artifacts_url; /* NULL: file://<artifacts_dir> */
	const char *artifacts_dir; /* NULL: <dir>/lava-artifacts */
	const char *template;	   /* NULL: jobs/<setup board>.yaml */
	int boots_per_job;	   /* 0: 4 */
	double timeout;		   /* seconds a step waits for its jobs; 0: 3600 */
};

struct bisect_farm_opts {
	const struct campaign *c; /* the board setup, agent knobs, limits; borrowed */
	const char *setup;	  /* the setup's name; NULL: the campaign's first */
	const char *target;	  /* the bisect's target title (NULL: the campaign's) */
	const char *init;	  /* the agent binary for the initramfs (recipe kinds) */
	const char *dir;	  /* where logs/, the initramfs and DTB go */
	struct store *s;
	int64_t bisect_id;		     /* names the campaign row "bisect-<id>" */
	int boards;			     /* K, >= 1 */
	bool no_agent;			     /* init is not our agent: no BEGIN/END expected */
	const struct bisect_lava_opts *lava; /* NULL: the local farm loop */
};

/*
 * Finds the setup and its board kind, makes its DTB (recipe kinds) and the
 * campaign and setup rows.  0 into *ret, -EINVAL (no such setup, a kind
 * without a local backend, more boards than the kind has; with lava: no
 * template for the board or recipe, a bad URL or token) or -EIO, or with
 * lava -ECONNREFUSED, -ETIMEDOUT, -EACCES (the server), with a message in
 * err.  Free with bisect_farm_free().
 */
int bisect_farm_open(const struct bisect_farm_opts *o, struct bisect_farm **ret, char *err, size_t errsize);
void bisect_farm_free(struct bisect_farm *bf);

/*
 * The commit's kernel from kdir (see above), as variant name.  0, or -EIO
 * with a message in err (no Image, the initramfs failed, the store, a
 * cmdline file that makes the kernel command line too long: farm_cmdline()).
 */
int bisect_farm_kernel(struct bisect_farm *bf, const char *name, const char *kdir, char *err, size_t errsize);

/*
 * Whether the setup's boots take the commit's kernel from its directory, so
 * that a commit built once boots again without a build when the bisect
 * comes back to it: a kind with a recipe (qemu-smmuv3), the replay board,
 * a desk board that flashes what a recipe builds, and LAVA.  False for a
 * desk board that boots what it has: there the build command installs the
 * commit, and coming back to a commit builds (installs) it again.
 */
bool bisect_farm_kernel_kept(const struct bisect_farm *bf);

/* Called for each boot once it is stored; true stops handing out boots. */
typedef bool (*bisect_farm_hook)(const struct store_boot *sb, const struct boot_decision *d, void *userdata);

/*
 * Boots the kernel of the last bisect_farm_kernel() up to m more times on K
 * boards (LAVA: K jobs at a time), calling hook after each stored boot;
 * once hook returns true no more boots or jobs are started.  0, or -errno
 * from the farm loop, the store or the LAVA server, with a message in err.
 */
int bisect_farm_boot(struct bisect_farm *bf, int m, bisect_farm_hook hook, void *userdata, char *err,
		     size_t errsize);

#endif
