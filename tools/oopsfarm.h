/* SPDX-License-Identifier: MIT */
/*
 * oopsfarm.h - what the subcommands of the oopsfarm CLI share.
 *
 * Each subcommand lives in tools/cmd/<name>.c and exports one
 * int cmd_<name>(int argc, char **argv) that returns the exit status:
 * 0 ok, 1 a test failed or a regression was found, 2 usage, 3 infra or
 * unreadable input, 4 skip.  tools/oopsfarm.c dispatches by name.
 */
#ifndef OOPSFARM_TOOLS_H
#define OOPSFARM_TOOLS_H

#include <stdbool.h>
#include <stdio.h>

enum {
	EXIT_OK = 0,
	EXIT_TESTFAIL = 1,
	EXIT_USAGE = 2,
	EXIT_INFRA = 3,
	EXIT_SKIP = 4,
};

int cmd_parse(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_campaign(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_lava(int argc, char **argv);
int cmd_power(int argc, char **argv);
int cmd_modules(int argc, char **argv);
int cmd_nightly(int argc, char **argv);
int cmd_board(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_fastboot(int argc, char **argv);
int cmd_bisect(int argc, char **argv);

#include "util/msg.h"

#include "util/out.h"

#endif
