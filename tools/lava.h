/* SPDX-License-Identifier: MIT */
/*
 * lava.h - `oopsfarm lava ...`: job templates rendered with libyaml, and
 * LAVA's REST API v0.2 over libcurl.  tools/cmd-lava.c dispatches; each
 * subcommand is an int lava_cmd_<name>(int argc, char **argv) returning an
 * oopsfarm exit status (oopsfarm.h).
 */
#ifndef OOPSFARM_LAVA_H
#define OOPSFARM_LAVA_H

int lava_cmd_render(int argc, char **argv);	/* tools/lava-render.c */
int lava_cmd_submit(int argc, char **argv);	/* tools/lava-submit.c */
int lava_cmd_status(int argc, char **argv);	/* tools/lava-submit.c */
int lava_cmd_collect(int argc, char **argv);	/* tools/lava-collect.c */
int lava_cmd_cancel(int argc, char **argv);	/* tools/lava-submit.c */

#endif
