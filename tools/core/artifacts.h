/* SPDX-License-Identifier: MIT */
/*
 * artifacts.h - what a campaign boots, built from its board kind's recipe
 * directory (struct board_kind.recipe, e.g. devices/qemu-smmuv3/): each
 * variant's kernel (build-kernel.sh, cached) and initramfs (mkinitramfs.sh:
 * the agent + the kernel's modules), and each setup's widened device tree
 * (widen-dtb.sh).  The recipes are run with an argv, never a shell, and
 * their environment is passed as envp: the orchestrator's own environment
 * is never changed.  Shared by `oopsfarm run` and `oopsfarm lava submit`.
 */
#ifndef OOPSFARM_ARTIFACTS_H
#define OOPSFARM_ARTIFACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/campaign.h"
#include "util/file.h"

struct variant_artifacts {
	char kdir[1024];  /* build-kernel.sh's output: Image, modules, build-id, VERSION */
	char image[1100]; /* kdir/Image */
	char initrd[1024];
	char build_id[128]; /* vmlinux's GNU build-id, "" when unknown */
	char stamp[64];	    /* the banner's variant stamp (after '#'), "" when unknown */
	char version[256];  /* the exact source version */
	char patches[2048]; /* the variant's patches, space-separated */
};

/*
 * Builds (or finds in the cache) variant v's kernel with recipe/ and writes
 * its initramfs to dir/<variant>.cpio with init as /init.  KERNEL_SRC is
 * the variant's kernel_src, or unset.  0, or -EIO with a message in err
 * (the recipe's stderr went to ours).
 */
int artifacts_variant(const char *recipe, const struct campaign_variant *v, const char *init, const char *dir,
		      struct variant_artifacts *ret, char *err, size_t errsize);

/*
 * The setup's device tree: dir/<setup>.dtb with its extra nodes, or "" in
 * ret_dtb when the setup has none (the machine's own tree is used) unless
 * always is set (then the machine's tree for the setup's vCPUs and memory).
 */
int artifacts_setup_dtb(const char *recipe, const struct campaign_setup *s, const char *dir, bool always,
			char *ret_dtb, size_t size, char *err, size_t errsize);

/*
 * Runs argv (found in PATH) with our environment, where each NAME=VALUE of
 * set replaces or adds a variable and each bare NAME of set removes one
 * (set may be NULL).  0 when it exits 0, with the last line of its stdout
 * in ret_last; -EIO when it fails, -errno when it cannot start.
 */
int artifacts_run(const char *const *argv, const char *const *set, char *ret_last, size_t size);

#endif
