// SPDX-License-Identifier: MIT
/*
 * oopsfarm - the host-side CLI.  One table of subcommands; each one is
 * tools/cmd/<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "oopsfarm.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
    {"parse", cmd_parse, "find kernel crash reports in console logs"},
    {"decode", cmd_decode, "the board agent's protocol lines in console logs"},
    {"campaign", cmd_campaign, "check campaign specs"},
    {"run", cmd_run, "boot a campaign on a QEMU or desk board"},
    {"record", cmd_record, "store one finished boot from its console log"},
    {"report", cmd_report, "rates, intervals and verdicts of a campaign, or a bisect"},
    {"lava", cmd_lava, "render, submit, follow and collect LAVA jobs"},
    {"power", cmd_power, "switch a board's power on, off or reset"},
    {"modules", cmd_modules, "the plan the board agent loads a module directory with"},
    {"nightly", cmd_nightly, "run a nightly plan's night; what changed since the night before"},
    {"board", cmd_board, "check board descriptions, list serial adapters, read a console"},
    {"image", cmd_image, "write and read Android boot and vendor_boot images"},
    {"fastboot", cmd_fastboot, "check, flash, switch slots and boot a fastboot board"},
    {"bisect", cmd_bisect, "find the commit that brought a flaky crash (simulate, step)"},
};

static int help(FILE *f)
{
	fprintf(f, "usage: oopsfarm <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "  %-10s %s\n", "help", "this list");
	fprintf(f, "\n'oopsfarm <command> --help' tells more.\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help(stdout) ? EXIT_USAGE : (argc < 2 ? EXIT_USAGE : EXIT_OK);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "oopsfarm: '%s' is not a command\n\n", argv[1]);
	help(stderr);
	return EXIT_USAGE;
}
