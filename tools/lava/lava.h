/* SPDX-License-Identifier: MIT */
/*
 * lava.h - `oopsfarm lava ...`: job templates rendered with libyaml, and
 * LAVA's REST API v0.2 over libcurl.  tools/cmd/lava.c dispatches; each
 * subcommand is an int lava_cmd_<name>(int argc, char **argv) returning an
 * oopsfarm exit status (oopsfarm.h).
 */
#ifndef OOPSFARM_LAVA_H
#define OOPSFARM_LAVA_H

#include <stddef.h>
#include <stdio.h>

struct lava_param {
	const char *key, *value;
};

/*
 * The most a rendered job definition may be, in bytes: 64 MiB.  Aliases of
 * aliases grow exponentially ("billion laughs"), so the cap is on the bytes
 * written, not on the events read; past it, render fails with -EFBIG and
 * "would be over 64 MiB" in err, and memory stays near the cap.
 */
#define RENDER_MAX_BYTES (64 << 20)

/*
 * Renders the job template at template_path (jobs/NAME.yaml) with params and
 * `boots` (boot, test) pairs into a job definition, through libyaml's parse
 * and emit: a value can never break the YAML.  Returns 0 and a malloc'd
 * NUL-terminated YAML text in *ret_yaml, or -errno with a message naming
 * the file, line and key in err.  (tools/lava/render.c)
 */
int lava_render(const char *template_path, const struct lava_param *params, int nparams, int boots,
		char **ret_yaml, char *err, size_t errsize);

/*
 * How templates look (doc/lava-jobs.md): a top-level `x-oopsfarm-params`
 * mapping declares each parameter (type str|int, default, example, pattern,
 * doc) and render drops it; `{{ NAME }}` in any scalar is its value; the
 * sequence item `- x-oopsfarm-repeat: [ACTIONS]` becomes ACTIONS `boots`
 * times, with {{ boot }} (1..boots) and {{ boot_padded }} (001..); {{ boots }}
 * is defined everywhere.  A parameter comes from params (the last of a key
 * wins), else its example with LAVA_RENDER_EXAMPLE, else its default.
 *
 * Errors, with err holding "FILE:LINE: what, naming the key":
 *   -EINVAL    a parameter problem: unknown key, missing value, not a whole
 *              number, not matching its pattern; boots out of range or > 1
 *              without a repeat block
 *   -EBADMSG   the template is not valid YAML or not a valid template
 *   -ENOENT, -EACCES, -EIO ...   the template cannot be read
 *   -ENOMEM
 */
#define LAVA_RENDER_EXAMPLE 0x1 /* unset parameters take the template's example values */
int lava_render_flags(const char *template_path, const struct lava_param *params, int nparams, int boots,
		      unsigned flags, char **ret_yaml, char *err, size_t errsize);

/* Prints the template's parameters, one per line; errors as lava_render(). */
int lava_template_describe(const char *template_path, FILE *out, char *err, size_t errsize);

int lava_cmd_render(int argc, char **argv);  /* tools/lava/render.c */
int lava_cmd_submit(int argc, char **argv);  /* tools/lava/submit.c */
int lava_cmd_status(int argc, char **argv);  /* tools/lava/submit.c */
int lava_cmd_collect(int argc, char **argv); /* tools/lava/collect.c */
int lava_cmd_cancel(int argc, char **argv);  /* tools/lava/submit.c */

#endif
