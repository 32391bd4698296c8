/* SPDX-License-Identifier: MIT */
/*
 * lava.h - `oopsfarm lava ...`: job templates rendered with libyaml, and
 * LAVA's REST API v0.2 over libcurl.  tools/cmd-lava.c dispatches; each
 * subcommand is an int lava_cmd_<name>(int argc, char **argv) returning an
 * oopsfarm exit status (oopsfarm.h).
 */
#ifndef OOPSFARM_LAVA_H
#define OOPSFARM_LAVA_H

#include <stddef.h>

struct lava_param {
	const char *key, *value;
};

/*
 * Renders the job template at template_path (jobs/*.yaml) with params and
 * `boots` (boot, test) pairs into a job definition, through libyaml's parse
 * and emit: a value can never break the YAML.  Returns 0 and a malloc'd
 * NUL-terminated YAML text in *ret_yaml, or -errno with a message naming
 * the file, line and key in err.  (tools/lava-render.c)
 */
int lava_render(const char *template_path, const struct lava_param *params, int nparams, int boots,
		char **ret_yaml, char *err, size_t errsize);

int lava_cmd_render(int argc, char **argv);	/* tools/lava-render.c */
int lava_cmd_submit(int argc, char **argv);	/* tools/lava-submit.c */
int lava_cmd_status(int argc, char **argv);	/* tools/lava-submit.c */
int lava_cmd_collect(int argc, char **argv);	/* tools/lava-collect.c */
int lava_cmd_cancel(int argc, char **argv);	/* tools/lava-submit.c */

#endif
