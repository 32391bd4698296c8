// SPDX-License-Identifier: MIT
/*
 * oopsfarm power on|off|reset|status BOARD: switch a described board's
 * power (tools/board/power.h), for LAVA device dictionaries and people.
 *
 * BOARD is a description's name, looked up in the boards directories
 * (board_desc_find(), doc/boards.md), or its path.  A failure is
 * EXIT_INFRA: a LAVA power action that runs this fails as an
 * infrastructure error, never as a kernel failure.  A GPIO line is handed
 * to a holder process that keeps the request (and so the relay's level)
 * after this command exits; `status` names it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "board/power.h"
#include "oopsfarm.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: oopsfarm power on|off|reset|status BOARD\n\n"
		   "Switches BOARD's power through the method its description gives (a command, pdudaemon,\n"
		   "a GPIO relay, or a person); reset is the description's reset, else off, delay, on.\n"
		   "status prints the last action and the process holding a GPIO line.  BOARD is a\n"
		   "description's name in $OOPSFARM_BOARDS, ~/.config/oopsfarm/boards, /etc/oopsfarm/boards\n"
		   "or ./devices/boards (NAME.yaml), or a path (doc/boards.md).\n\n"
		   "pdudaemon's answer only says it accepted the request: whether the board came up is\n"
		   "for its console to tell.\n\n"
		   "Exit status: 0 done, 2 usage, 3 the board's power cannot be switched.\n");
}

/* GPIO: the holder process keeps the line at its level after we exit */
static int gpio_action(const struct board_desc *d, enum board_power_action a)
{
	char err[ERR_MAX], what[128];
	int pid, r;

	if (a == BOARD_RESET) {
		r = power_hold_gpio(d, false, &pid, err, sizeof(err));
		if (r == 0) {
			usleep((useconds_t)(d->power.delay * 1e6));
			r = power_hold_gpio(d, true, &pid, err, sizeof(err));
		}
	} else {
		r = power_hold_gpio(d, a == BOARD_ON, &pid, err, sizeof(err));
	}
	if (r < 0) {
		errorf("power", "%s", err);
		return EXIT_INFRA;
	}
	board_gpio_describe(&d->power, what, sizeof(what));
	power_state_write(d, a, pid, what);
	printf("%s: %s; %s held by pid %d until the next 'oopsfarm power'\n", d->name,
	       a == BOARD_OFF ? "off" : "on", what, pid);
	return EXIT_OK;
}

int cmd_power(int argc, char **argv)
{
	static const char *const actions[] = {"on", "off", "reset", "status"};
	char path[4096], err[1024], line[1024];
	struct board_desc *d;
	int a, r;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return EXIT_OK;
	}
	for (a = 0; a < 4 && argc == 3; a++)
		if (!strcmp(argv[1], actions[a]))
			break;
	if (argc != 3 || a == 4) {
		errorf("power", "expected 'on|off|reset|status BOARD'");
		return usage_hint("power");
	}
	if (board_desc_find(argv[2], path, sizeof(path), err, sizeof(err)) < 0) {
		errorf("power", "%s: not configured: %s", argv[2], err);
		return EXIT_INFRA;
	}
	if ((r = board_desc_load(path, &d, err, sizeof(err))) < 0) {
		errorf("power", "%s", err);
		return EXIT_INFRA;
	}
	if (a == 3) {
		r = power_state_read(d, line, sizeof(line), NULL);
		printf("%s: %s (power: %s)\n", d->name, r < 0 ? "never switched by oopsfarm power" : line,
		       board_power_kind_name(d->power.kind));
		board_desc_free(d);
		return EXIT_OK;
	}
	if (d->power.kind == POWER_GPIO) {
		r = gpio_action(d, (enum board_power_action)a);
		board_desc_free(d);
		return r;
	}
	r = board_power_switch(d, (enum board_power_action)a, NULL, -1, err, sizeof(err));
	if (r < 0) {
		errorf("power", "%s", err);
		board_desc_free(d);
		return EXIT_INFRA;
	}
	power_state_write(d, (enum board_power_action)a, 0, NULL);
	if (d->power.kind == POWER_PDU)
		printf("%s: pdudaemon accepted '%s' (whether the board came up is for its console to tell)\n",
		       d->name, actions[a]);
	else
		printf("%s: %s done\n", d->name, actions[a]);
	board_desc_free(d);
	return EXIT_OK;
}
