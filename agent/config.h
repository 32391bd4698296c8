/* SPDX-License-Identifier: MIT */
/*
 * config.h - the agent's settings.
 *
 * Sources, later ones winning: built-in defaults, the optional file
 * /etc/oopsfarm.conf in the initramfs ("key=value" lines, '#' comments),
 * then the kernel command line, read from /proc/cmdline, where every
 * "oopsfarm.key=value" word is a setting.  The command line is the only
 * way in: the kernel passes dotted parameters neither to init's argv nor
 * to its environment.
 *
 * A wrong value never stops a boot: it is noted (config_problem) with the
 * key, the value and the default that is used instead, and the agent
 * reports it in a LOG line right after BEGIN.  Unknown keys are noted too.
 * The keys, values and defaults are listed in doc/protocol.md.
 */
#ifndef OOPSFARM_AGENT_CONFIG_H
#define OOPSFARM_AGENT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "loader.h"

enum end_action { ACTION_POWEROFF, ACTION_REBOOT, ACTION_HALT, ACTION_NONE };

#define CONFIG_PROBLEMS_MAX 16

struct agent_config {
	bool load; /* mode=off turns loading off */
	enum loader_mode mode;
	int threads; /* 0: one per CPU */
	uint64_t seed;
	bool shuffle;
	uint32_t jitter_us;
	char barrier[512]; /* module names, ',' separated */
	uint32_t barrier_timeout_ms;
	uint32_t settle_ms;	  /* keep watching kmsg this long after loading */
	uint32_t load_timeout_ms; /* kill the loader after this */
	enum end_action action;
	int panic_on_oops; /* -1: leave the kernel's setting */
	int panic_on_warn;
	char provoke[256];	  /* lkdtm crash types, ',' separated */
	uint32_t provoke_wait_ms; /* watch this long after each provocation */
	char moddir[256];	  /* "" : /lib/modules/<release> */
	char modules_load[256];	  /* "" : <moddir>/modules.load */
	char console[128];	  /* where protocol lines go; "" : /dev/console or stdout */

	int nproblems;
	char problems[CONFIG_PROBLEMS_MAX][200];
};

/* Fills in the defaults; service is true when not running as PID 1. */
void config_defaults(struct agent_config *c, bool service);

/*
 * Sets one key.  Returns 0, -EINVAL for a bad value (the default stays and
 * a problem is noted), -ENOENT for an unknown key (noted too).
 */
int config_set(struct agent_config *c, const char *key, const char *value);

/* Applies every "oopsfarm.key=value" word of a kernel command line. */
void config_parse_cmdline(struct agent_config *c, const char *cmdline);

/* Applies "key=value" lines (a config file's contents). */
void config_parse_file(struct agent_config *c, const char *text);

const char *config_action_name(enum end_action a);
const char *config_mode_name(const struct agent_config *c);

#endif
