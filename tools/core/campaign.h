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

#include <stdbool.h>
#include <stddef.h>

#define CAMPAIGN_MAX_VARIANTS 16
#define CAMPAIGN_MAX_SETUPS   16
#define CAMPAIGN_MAX_PATCHES  8
/* infra retries of one boot before it is given up */
#define CAMPAIGN_MAX_RETRIES 2

/* Bounds of a spec file (size, nesting, one document): YAML_DOC_MAX_* in
 * util/yaml-doc.h, checked before it is parsed. */

struct campaign_variant {
	char *name;
	char *kernel_src; /* NULL: Debian's linux-source (fetch-kernel.sh) */
	char *patches[CAMPAIGN_MAX_PATCHES];
	int npatches;
};

struct campaign_setup {
	char *name;
	char *board; /* "qemu-smmuv3" */
	int vcpus, memory_mb, extra_nodes;
	char *cpu;
};

enum stop_rule {
	STOP_FIXED,	 /* exactly `boots` per variant and setup */
	STOP_SEQUENTIAL, /* until a decision on the target (SPRT), at most until.max_boots */
};

enum seq_test {
	SEQ_COMPARE, /* H0: treatment rate >= control's; H1: <= ratio x control's */
	SEQ_BELOW,   /* H0: treatment rate >= rate; H1: <= ratio x rate */
};

/* the sequential rule (doc/campaign.md, doc/statistics.md) */
struct campaign_until {
	enum seq_test test;
	char *control;	 /* SEQ_COMPARE: the variant that crashes */
	char *treatment; /* the variant under test */
	int control_idx, treatment_idx;
	double ratio; /* the minimum effect: H1's rate as a fraction of H0's */
	double rate;  /* SEQ_BELOW: H0's rate */
	double alpha, beta;
	int max_boots; /* per variant and setup */
};

/* per-phase limits of one boot; CPU limits count QEMU's CPU seconds */
struct campaign_timeouts {
	double start;	    /* wall: QEMU up and its console open */
	double kernel;	    /* CPU: console open -> the kernel starts init */
	double agent_begin; /* CPU: init started -> the agent's BEGIN line */
	double agent_end;   /* CPU: BEGIN -> END */
	double settle;	    /* wall: END -> the guest powered off */
	double idle;	    /* wall: no console output at all (an idle guest burns no CPU) */
};

struct campaign {
	char *path;
	char *name;
	char *target; /* crash title the campaign is about */
	struct campaign_variant variants[CAMPAIGN_MAX_VARIANTS];
	int nvariants;
	struct campaign_setup setups[CAMPAIGN_MAX_SETUPS];
	int nsetups;
	int boots; /* per variant and setup */
	enum stop_rule stop;
	struct campaign_until until; /* STOP_SEQUENTIAL, or `run --until` */
	bool has_until;
	struct campaign_timeouts timeouts;
	int boards; /* boards booting at once (QEMU instances) */
	/* agent knobs, passed on the kernel command line as oopsfarm.KEY=VALUE */
	char *agent_args;
};

int campaign_load(const char *path, struct campaign **ret, char *ret_err, size_t errsize);
/* The same, for a file that embeds a campaign: the top-level keys in extra
 * (NULL-terminated, may be NULL) are allowed and left to the caller. */
int campaign_load_extra(const char *path, const char *const *extra, struct campaign **ret, char *ret_err,
			size_t errsize);
void campaign_free(struct campaign *c);
/* The index of the variant named name, or -1. */
int campaign_variant_index(const struct campaign *c, const char *name);
/* Drops every variant (the quick flag --variant replaces them). */
void campaign_clear_variants(struct campaign *c);

/* The sequential rule as one line (stored with the campaign, read by report). */
void campaign_until_format(const struct campaign_until *u, char *buf, size_t size);
/* Parses that line back; 0 or -EINVAL. */
int campaign_until_parse(const char *line, struct campaign_until *u);

/* Defaults: start 20, kernel 30, agent_begin 20, agent_end 120, settle 3, idle 30. */
void campaign_timeouts_default(struct campaign_timeouts *t);
/* "PHASE=SECONDS" (a --timeout flag); 0 or -EINVAL. */
int campaign_timeout_set(struct campaign_timeouts *t, const char *assignment);

/*
 * The agent's knobs as kernel arguments: each word of c->agent_args as
 * oopsfarm.KEY=VALUE (words already prefixed stay as they are), space
 * separated; "" without knobs.  The same string for a local board and a
 * LAVA job.  Returns a malloc'd string, or NULL (ENOMEM).
 */
char *campaign_kernel_args(const struct campaign *c);

/*
 * The one check of a name (campaign, variant, setup) wherever it enters: a
 * spec, a flag, a store.  A name becomes a directory, a file name part and
 * a QEMU option value, so it is a plain word: CAMPAIGN_NAME_RULE.
 */
bool campaign_name_valid(const char *s);

/* The longest name: three of them and a number make a boot's uid, and a
 * name is part of a file name (NAME_MAX 255). */
#define CAMPAIGN_NAME_MAX 100
/* The rule in words, for every message that refuses a name. */
#define CAMPAIGN_NAME_RULE "letters, digits, '.', '_' and '-', at most 100 of them, not starting with '.'"

/*
 * The same check on a command's --campaign, --variant and --setup (NULL:
 * not given): true, or false with "oopsfarm CMD: --variant '../x': a name
 * is " CAMPAIGN_NAME_RULE " on stderr.
 */
bool campaign_names_check(const char *cmd, const char *campaign, const char *variant, const char *setup);

#endif
