// SPDX-License-Identifier: MIT
/*
 * oopsfarm board check|serial|console: real boards' descriptions
 * (tools/board/board-desc.h, doc/boards.md), the USB-serial adapters
 * plugged in, and a board's console.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/board.h"
#include "board/board-desc.h"
#include "board/console.h"
#include "board/serial-list.h"
#include "oopsfarm.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: oopsfarm board check [--json] FILE...\n"
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
	char buf[1024], key[32];
	struct out o;

	out_init(&o, stdout, json);
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
		board_gpio_describe(&d->power, buf, sizeof(buf));
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
	if ((d->power.kind == POWER_CMD || d->power.kind == POWER_PDU) && !d->power.nsteps[BOARD_RESET] &&
	    !json)
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
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {}};
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
		char err[ERR_MAX];
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

static int board_serial(int argc, char **argv)
{
	const char *sys = getenv("OOPSFARM_SYSFS") ? getenv("OOPSFARM_SYSFS") : "/sys";
	const char *dev = getenv("OOPSFARM_DEV") ? getenv("OOPSFARM_DEV") : "/dev";
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	struct serial_port *ports;
	char ids[64];
	int n, r;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && !json)) {
		errorf("board", "serial takes no argument but --json");
		return usage_hint("board");
	}
	if ((r = serial_list(sys, dev, &ports, &n)) < 0) {
		errorf("board", "cannot read '%s/class/tty': %s", sys, strerror(-r));
		return EXIT_INFRA;
	}
	if (!n && !json)
		fprintf(stderr, "oopsfarm board: no USB-serial adapter plugged in\n");
	for (int i = 0; i < n; i++) {
		struct serial_port *p = &ports[i];
		struct out o;

		/* pyserial's hwid: USB VID:PID=0403:6001 SER=A1B2C3 LOCATION=1-1.2 */
		snprintf(ids, sizeof(ids), "%04X:%04X", p->vid, p->pid);
		out_init(&o, stdout, json);
		out_begin(&o);
		if (json)
			out_u64(&o, "version", NULL, 1);
		out_str(&o, "device", "%s", p->dev);
		out_str(&o, "vid_pid", "  USB VID:PID=%s", ids);
		out_str(&o, "serial", p->serial[0] ? " SER=%s" : NULL, p->serial);
		out_str(&o, "location", " LOCATION=%s", p->location);
		out_str(&o, "interface", NULL, p->interface);
		out_str(&o, "manufacturer", "  %s", p->manufacturer);
		out_str(&o, "product", " %s", p->product);
		out_str(&o, "by_id", p->by_id[0] ? "\n  by-id %s" : NULL, p->by_id);
		out_end(&o);
	}
	free(ports);
	return EXIT_OK;
}

static volatile sig_atomic_t console_stop;
static void console_signal(int sig)
{
	console_stop = 1;
}

/* Copies a board's console to stdout until TEXT or the time limit. */
static int board_console(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"timeout", required_argument, NULL, 't'}, {"until", required_argument, NULL, 'u'},
	    {"send", required_argument, NULL, 's'},    {"sysrq", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},	       {}};
	const char *until = NULL, *send = NULL;
	char path[4096], err[1024], buf[4096], tail[8192] = "", what[512];
	struct sigaction sa = {.sa_handler = console_signal};
	double timeout = 10, end;
	struct board_desc *d;
	struct console *con;
	bool sysrq = false, seen = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "t:u:s:qh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			timeout = atof(optarg);
			break;
		case 'u':
			until = optarg;
			break;
		case 's':
			send = optarg;
			break;
		case 'q':
			sysrq = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return usage_hint("board");
		}
	}
	if (optind != argc - 1 || timeout <= 0 || (until && (!*until || strlen(until) >= sizeof(tail) / 2))) {
		errorf("board", "console needs one BOARD, a positive --timeout and a short --until");
		return usage_hint("board");
	}
	if (board_desc_find(argv[optind], path, sizeof(path), err, sizeof(err)) < 0 ||
	    board_desc_load(path, &d, err, sizeof(err)) < 0) {
		errorf("board", "%s", err);
		return EXIT_INFRA;
	}
	board_console_describe(&d->console, what, sizeof(what));
	if ((r = console_open(&d->console, &con, err, sizeof(err))) < 0) {
		errorf("board", "%s: %s", d->name, err);
		board_desc_free(d);
		return EXIT_INFRA;
	}
	/* Ctrl-C ends the copy but still restores the tty */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (send && (r = console_write(con, send, strlen(send))) < 0)
		errorf("board", "%s: cannot write to the console: %s", d->name, strerror(-r));
	if (sysrq && (r = console_sysrq(con, "wt")) < 0)
		errorf("board", "%s: SysRq not sent: %s", d->name,
		       r == -EOPNOTSUPP ? "a raw TCP console cannot send a break" : strerror(-r));
	end = board_now() + timeout;
	while (!console_stop && !seen && board_now() < end) {
		struct pollfd p = {.fd = console_fd(con), .events = POLLIN};
		ssize_t n;

		if (console_tick(con) == 1)
			fprintf(stderr, "oopsfarm board: %s: console %s is back, reopened\n", d->name, what);
		if (p.fd < 0) {
			usleep(50000);
			continue;
		}
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = console_read(con, buf, sizeof(buf));
		if (n == -ENODEV) {
			fprintf(stderr, "oopsfarm board: %s: console %s went away, waiting for it\n", d->name,
				what);
			continue;
		}
		if (n <= 0)
			continue;
		if (fwrite(buf, 1, n, stdout) != (size_t)n)
			break;
		fflush(stdout);
		if (until) {
			/* the text may be split across reads: search the tail with the new bytes */
			size_t tl = strlen(tail), keep = strlen(until) - 1;

			for (ssize_t i = 0; i < n; i++) {
				if (tl == sizeof(tail) - 1) {
					memmove(tail, tail + tl - keep, keep);
					tl = keep;
				}
				tail[tl++] = buf[i] ? buf[i] : ' ';
			}
			tail[tl] = '\0';
			seen = strstr(tail, until) != NULL;
		}
	}
	console_close(con);
	board_desc_free(d);
	return until && !seen ? EXIT_TESTFAIL : EXIT_OK;
}

int cmd_board(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "check"))
		return board_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "serial"))
		return board_serial(argc - 1, argv + 1);
	if (!strcmp(argv[1], "console"))
		return board_console(argc - 1, argv + 1);
	errorf("board", "'%s' is not a board command (check, serial, console)", argv[1]);
	return usage_hint("board");
}
