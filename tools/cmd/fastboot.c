// SPDX-License-Identifier: MIT
/*
 * oopsfarm fastboot: check, flash, switch slots and boot a fastboot board
 * by hand or from scripts, through board/fastboot.h (doc/fastboot.md).
 *
 * Every command that writes or boots (flash, slot, set-active, boot,
 * continue, reboot) needs --product and checks the device first: a device
 * that is not the board described gets nothing.
 * Exit status: 0 done, 2 usage or a bad target/slot, 3 infra (no answer,
 * wrong device, image too large, no such partition, the device failed).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/fastboot.h"
#include "oopsfarm.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: oopsfarm fastboot -s TARGET [--product P] [--serialno S] [--timeout SEC]\n"
		"                         [--rate MB/S] [--tool PATH] COMMAND [ARGS]\n\n"
		"TARGET: a USB serial, udp:HOST[:PORT] or tcp:HOST[:PORT].  Commands:\n"
		"  check                  getvar product (and serialno on USB) against --product/--serialno\n"
		"  getvar NAME            print one variable\n"
		"  flash PARTITION FILE   write FILE (checked against max-download-size and the partition)\n"
		"  slot a|b               select the slot in misc's A/B control block (flashes misc)\n"
		"  set-active a|b         fastboot set_active\n"
		"  boot FILE              RAM boot, nothing written\n"
		"  continue | reboot\n\n"
		"Commands that write or boot need --product; the device is checked first.\n"
		"The client is $OOPSFARM_FASTBOOT or --tool (default: fastboot); every call has\n"
		"its own limit: --timeout (default 20 s), plus the bytes moved at --rate\n"
		"(default 0.2 MB/s) for flash and boot.\n\n"
		"Exit status: 0 done, 2 usage, 3 infra (no answer, wrong device, the image does\n"
		"not fit, no such partition, the device failed).\n");
}

static int fb_fail(struct fastboot_dev *d, int r)
{
	errorf("fastboot", "%s", d->why[0] ? d->why : fastboot_strerror(r));
	return r == -EINVAL ? EXIT_USAGE : EXIT_INFRA;
}

int cmd_fastboot(int argc, char **argv)
{
	static const struct option options[] = {
	    {"product", required_argument, NULL, 'p'},
	    {"serialno", required_argument, NULL, 'S'},
	    {"timeout", required_argument, NULL, 't'},
	    {"tool", required_argument, NULL, 'T'},
	    {"rate", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct fastboot_dev d = {.tool = getenv("OOPSFARM_FASTBOOT")};
	const char *product = NULL, *serialno = NULL;
	int c;
	optind = 1;
	/* "+": stop at the command, its own arguments are not options */
	while ((c = getopt_long(argc, argv, "+hs:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 's':
			d.target = optarg;
			break;
		case 'p':
			product = optarg;
			break;
		case 'S':
			serialno = optarg;
			break;
		case 't': {
			char *end;
			d.timeout_s = strtod(optarg, &end);
			if (*end || d.timeout_s <= 0) {
				errorf("fastboot", "--timeout: '%s' is not a positive number of seconds",
				       optarg);
				return usage_hint("fastboot");
			}
			break;
		}
		case 'T':
			d.tool = optarg;
			break;
		case 'r': {
			char *end;
			d.flash_rate = strtod(optarg, &end) * 1e6;
			if (*end || d.flash_rate <= 0) {
				errorf("fastboot", "--rate: '%s' is not a positive number of MB/s", optarg);
				return usage_hint("fastboot");
			}
			break;
		}
		default:
			return usage_hint("fastboot");
		}
	}
	if (optind >= argc) {
		errorf("fastboot", "expected a command");
		return usage_hint("fastboot");
	}
	if (!d.target || fastboot_target_parse(d.target) < 0) {
		errorf("fastboot", "-s: '%s' is not a USB serial, udp:HOST[:PORT] or tcp:HOST[:PORT]",
		       d.target ? d.target : "");
		return usage_hint("fastboot");
	}
	const char *cmd = argv[optind];
	char **a = argv + optind + 1;
	int na = argc - optind - 1;
	static const struct {
		const char *name;
		int nargs;
		bool writes;
	} cmds[] = {
	    {"check", 0, false},     {"getvar", 1, false}, {"flash", 2, true},	  {"slot", 1, true},
	    {"set-active", 1, true}, {"boot", 1, true},	   {"continue", 0, true}, {"reboot", 0, true},
	};
	int k = -1;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i].name))
			k = i;
	if (k < 0) {
		errorf("fastboot", "'%s' is not a fastboot command", cmd);
		return usage_hint("fastboot");
	}
	if (na != cmds[k].nargs) {
		errorf("fastboot", "%s takes %d argument(s)", cmd, cmds[k].nargs);
		return usage_hint("fastboot");
	}
	if ((cmds[k].writes || !strcmp(cmd, "check")) && !product) {
		errorf("fastboot",
		       "%s: --product is required (the device is checked before anything is written)", cmd);
		return usage_hint("fastboot");
	}

	int r = 0;
	if (product) {
		r = fastboot_check(&d, product, serialno);
		if (r < 0)
			return fb_fail(&d, r);
		r = 0;
	}
	if (!strcmp(cmd, "check")) {
		printf("fastboot device '%s' is product '%s'\n", d.target, product);
	} else if (!strcmp(cmd, "getvar")) {
		char v[512];
		r = fastboot_getvar(&d, a[0], v, sizeof(v));
		if (r == 0)
			printf("%s\n", v);
	} else if (!strcmp(cmd, "flash")) {
		r = fastboot_flash(&d, a[0], a[1]);
		if (r == 0)
			printf("flashed '%s' to %s in %.2f s\n", a[1], a[0], d.last_s);
	} else if (!strcmp(cmd, "slot")) {
		char dir[] = "/tmp/oopsfarm-misc-XXXXXX";
		if (!mkdtemp(dir)) {
			errorf("fastboot", "cannot make a scratch directory: %s", strerror(errno));
			return EXIT_INFRA;
		}
		r = fastboot_select_slot_misc(&d, a[0], dir);
		char path[64];
		snprintf(path, sizeof(path), "%s/misc-slot-%c.img", dir, a[0][a[0][0] == '_']);
		unlink(path);
		rmdir(dir);
		if (r == 0)
			printf("slot %s selected in misc\n", a[0]);
	} else if (!strcmp(cmd, "set-active")) {
		r = fastboot_set_active(&d, a[0]);
	} else if (!strcmp(cmd, "boot")) {
		r = fastboot_boot(&d, a[0]);
	} else if (!strcmp(cmd, "continue")) {
		r = fastboot_continue(&d);
	} else {
		r = fastboot_reboot(&d);
	}
	if (d.retries)
		errorf("fastboot", "%d getvar call(s) without an answer were asked again", d.retries);
	return r < 0 ? fb_fail(&d, r) : EXIT_OK;
}
