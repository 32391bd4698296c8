// SPDX-License-Identifier: MIT
/*
 * oopsfarm power on|off|reset BOARD: switch a board's power, for LAVA device
 * dictionaries (devices/lava/devices/) and the local farm.
 *
 * No relay or GPIO is wired up yet (the hardware issue does it), so every
 * board is "not configured" and the command fails with EXIT_INFRA: a LAVA
 * power action that runs it fails as an infrastructure error, never as a
 * kernel failure.
 */
#include <stdio.h>
#include <string.h>

#include "oopsfarm.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: oopsfarm power on|off|reset BOARD\n\n"
		   "Switches BOARD's power through its relay or GPIO line; reset is off, then on\n"
		   "(for fastboot boards: into the bootloader's fastboot mode).\n\n"
		   "Exit status: 0 done, 2 usage, 3 the board's power cannot be switched.\n");
}

int cmd_power(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc != 3 || (strcmp(argv[1], "on") && strcmp(argv[1], "off") && strcmp(argv[1], "reset"))) {
		errorf("power", "expected 'on|off|reset BOARD'");
		return usage_hint("power");
	}
	errorf("power", "%s: not configured (no relay or GPIO set up for it)", argv[2]);
	return EXIT_INFRA;
}
