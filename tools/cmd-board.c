// SPDX-License-Identifier: MIT
/*
 * oopsfarm board check|serial|console: real boards' descriptions
 * (tools/board/board-desc.h, doc/boards.md), the USB-serial adapters
 * plugged in, and a board's console.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board-desc.h"
#include "oopsfarm.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: oopsfarm board check [--json] FILE...\n"
		   "       oopsfarm board serial [--json]\n"
		   "       oopsfarm board console [--timeout S] [--until TEXT] [--send TEXT] [--sysrq] BOARD\n\n"
		   "check    reads board descriptions (a labgrid environment, a rendered LAVA device\n"
		   "         dictionary, or oopsfarm's own YAML: doc/boards.md) and prints the console,\n"
		   "         power and flash methods found, and what is ignored.  It reads files only.\n"
		   "serial   lists the USB-serial adapters plugged in (VID:PID, serial number, USB\n"
		   "         location, /dev/serial/by-id name), from sysfs.\n"
		   "console  copies BOARD's console to stdout (raw bytes) until TEXT is seen or S seconds\n"
		   "         pass (default 10); --send writes TEXT to it first, --sysrq sends a break and\n"
		   "         the magic SysRq keys w and t (blocked tasks, all tasks).\n\n"
		   "Exit status: 0 ok; 2 usage, a bad description or unsupported resources (named);\n"
		   "3 a file or device that cannot be read; console: 1 when TEXT was not seen.\n");
}

static void check_print(const struct board_desc *d, bool json)
{
	struct out o = { .f = stdout, .json = json };
	char buf[1024], key[32];

	out_begin(&o);
	if (json)
		out_u64(&o, "version", NULL, 1);
	out_str(&o, "file", "%s\n", d->path);
	out_str(&o, "board", "  board    %s\n", d->name);
	out_str(&o, "format", "  format   %s\n", board_format_name(d->format));
	out_str(&o, "console_kind", NULL, board_console_kind_name(d->console.kind));
	board_console_describe(&d->console, buf, sizeof(buf));
	out_str(&o, "console", "  console  %s\n", buf);
	out_str(&o, "power_kind", "  power    %s\n", board_power_kind_name(d->power.kind));
	if (d->power.kind == POWER_GPIO) {
		if (d->power.chip)
			snprintf(buf, sizeof(buf), "chip %s line %s%s", d->power.chip,
				 d->power.line_name ? d->power.line_name : "", d->power.active_low ? " active-low" : "");
		else
			snprintf(buf, sizeof(buf), "sysfs GPIO %d%s", d->power.sysfs_index,
				 d->power.active_low ? " active-low" : "");
		if (d->power.chip && !d->power.line_name)
			snprintf(buf, sizeof(buf), "chip %s line %d%s", d->power.chip, d->power.line,
				 d->power.active_low ? " active-low" : "");
		out_str(&o, "gpio", "    gpio   %s\n", buf);
	} else if (d->power.kind == POWER_MANUAL) {
		out_str(&o, "manual", "    manual %s\n", d->power.manual_name);
	}
	for (int a = 0; a < BOARD_NACTIONS; a++)
		for (int i = 0; i < d->power.nsteps[a]; i++) {
			snprintf(key, sizeof(key), "%s_%d", board_power_action_name(a), i);
			board_step_describe(&d->power.steps[a][i], buf, sizeof(buf));
			if (json)
				out_str(&o, key, NULL, buf);
			else
				printf("    %-6s %s\n", board_power_action_name(a), buf);
		}
	if ((d->power.kind == POWER_CMD || d->power.kind == POWER_PDU) && !d->power.nsteps[BOARD_RESET] && !json)
		printf("    reset  off, %.0f s, on\n", d->power.delay);
	board_flash_describe(&d->flash, buf, sizeof(buf));
	out_str(&o, "flash", "  flash    %s\n", buf);
	buf[0] = '\0';
	for (int i = 0; i < d->nignored; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? ", " : "", d->ignored[i]);
	if (d->nignored || json)
		out_str(&o, "ignored", "  ignored  %s\n", buf);
	if (json)
		out_end(&o);
}

static int board_check(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "help", no_argument, NULL, 'h' },
					      {} };
	int c, rc = EXIT_OK;
	bool json = false;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'h') {
			usage(stdout);
			return EXIT_OK;
		} else
			return usage_hint("board");
	}
	if (optind == argc) {
		errorf("board", "check needs a description file");
		return usage_hint("board");
	}
	for (int i = optind; i < argc; i++) {
		struct board_desc *d;
		char err[1024];
		int r = board_desc_load(argv[i], &d, err, sizeof(err));

		if (r < 0) {
			errorf("board", "%s", err);
			/* a file that is not there is unreadable input; a bad one is the user's to fix */
			if (rc != EXIT_INFRA)
				rc = r == -EINVAL || r == -EOPNOTSUPP ? EXIT_USAGE : EXIT_INFRA;
			continue;
		}
		check_print(d, json);
		board_desc_free(d);
	}
	return rc;
}

int cmd_board(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "check"))
		return board_check(argc - 1, argv + 1);
	errorf("board", "'%s' is not a board command (check, serial, console)", argv[1]);
	return usage_hint("board");
}
