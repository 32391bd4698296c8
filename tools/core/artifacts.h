/* SPDX-License-Identifier: MIT */
/*
 * artifacts.h - what a campaign boots, built from the board recipe
 * (devices/qemu-smmuv3/): each variant's kernel (build-kernel.sh, cached)
 * and initramfs (mkinitramfs.sh: the agent + the kernel's modules), and each
 * setup's widened device tree (widen-dtb.sh).  The recipes are run with an
 * argv, never a shell.  Shared by `oopsfarm lava submit` (and meant for
 * `oopsfarm run`, which still has its own copy of these calls).
 */
#ifndef OOPSFARM_ARTIFACTS_H
#define OOPSFARM_ARTIFACTS_H

#include <stddef.h>

#include "core/campaign.h"

#define ARTIFACTS_RECIPE "devices/qemu-smmuv3"

struct variant_artifacts {
	char kdir[1024];	/* build-kernel.sh's output: Image, modules, build-id, VERSION */
	char image[1100];	/* kdir/Image */
	char initrd[1024];
	char build_id[128];	/* vmlinux's GNU build-id, "" when unknown */
	char stamp[64];		/* the banner's variant stamp (after '#'), "" when unknown */
	char version[256];	/* the exact source version */
	char patches[2048];	/* the variant's patches, space-separated */
};

/*
 * Builds (or finds in the cache) variant v's kernel and writes its
 * initramfs to dir/<variant>.cpio with init as /init.  0, or -EIO with a
 * message in err (the recipe's stderr went to ours).
 */
int artifacts_variant(const struct campaign_variant *v, const char *init, const char *dir,
		      struct variant_artifacts *ret, char *err, size_t errsize);

/*
 * The setup's device tree: dir/<setup>.dtb with its extra nodes, or "" in
 * ret_dtb when the setup has none (the machine's own tree is used).
 */
int artifacts_setup_dtb(const struct campaign_setup *s, const char *dir, char *ret_dtb, size_t size,
			char *err, size_t errsize);

/* Runs argv; 0 when it exits 0, with the last line of its stdout in ret_last. */
int artifacts_run(const char *const *argv, char *ret_last, size_t size);

/* mkdir -p; 0 or -errno. */
int artifacts_mkdir_p(const char *path);

#endif
