/* SPDX-License-Identifier: MIT */
/*
 * campaign.h - the campaign spec: one YAML file that `oopsfarm run`, LAVA
 * submission, nightly runs and bisect all read.  Format: doc/campaign.md.
 *
 * campaign_load() parses and validates; on error it returns -EINVAL and puts
 * a message naming the file, line and field in ret_err.
 */
#ifndef OOPSFARM_CAMPAIGN_H
#define OOPSFARM_CAMPAIGN_H

#define CAMPAIGN_MAX_VARIANTS 16
#define CAMPAIGN_MAX_SETUPS 16
#define CAMPAIGN_MAX_PATCHES 8

struct campaign_variant {
	char *name;
	char *kernel_src;	/* NULL: Debian's linux-source (fetch-kernel.sh) */
	char *patches[CAMPAIGN_MAX_PATCHES];
	int npatches;
};

struct campaign_setup {
	char *name;
	char *board;		/* "qemu-smmuv3" */
	int vcpus, memory_mb, extra_nodes;
	char *cpu;
};

enum stop_rule {
	STOP_FIXED,		/* exactly `boots` per variant and setup */
};

struct campaign {
	char *path;
	char *name;
	char *target;		/* crash title the campaign is about */
	struct campaign_variant variants[CAMPAIGN_MAX_VARIANTS];
	int nvariants;
	struct campaign_setup setups[CAMPAIGN_MAX_SETUPS];
	int nsetups;
	int boots;		/* per variant and setup */
	enum stop_rule stop;
	/* agent knobs, passed on the kernel command line as oopsfarm.KEY=VALUE */
	char *agent_args;
};

int campaign_load(const char *path, struct campaign **ret, char *ret_err, size_t errsize);
void campaign_free(struct campaign *c);

#endif
