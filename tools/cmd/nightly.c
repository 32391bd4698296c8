// SPDX-License-Identifier: MIT
/*
 * oopsfarm nightly: options, then nightly_run() or nightly_diff()
 * (core/nightly.c).  doc/nightly.md tells the whole story.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nightly.h"
#include "oopsfarm.h"

static void usage(void)
{
	printf(
	    "usage: oopsfarm nightly PLAN.yaml [--night DATE] [--store FILE] [--init FILE] [--boards K]\n"
	    "       oopsfarm nightly diff PLAN.yaml [NIGHT] [--against NIGHT | --baseline N] [--fdr Q] "
	    "[--json]\n"
	    "       oopsfarm nightly dashboard PLAN.yaml --html FILE [--store FILE]\n\n"
	    "The first form runs one night of the plan: it resolves the plan's ref in its local git tree,\n"
	    "builds, boots every setup (local boards, and the lab's own LAVA jobs of its lava: setups)\n"
	    "and stores the night with its date, commit and plan hash, then\n"
	    "prints what changed since the night before.  Killed, the same command resumes the night.\n"
	    "  --night DATE    the night's date, YYYY-MM-DD (default today, UTC)\n"
	    "  --store FILE    results store (default the plan's store:, or "
	    "build/nightly/<plan>/results.db)\n"
	    "  --init FILE     static init for the initramfs (default the aarch64 agent)\n"
	    "  --boards K      boot K boards at once (default the plan's boards)\n\n"
	    "The second form compares a night (default the newest) with its baseline, per setup and\n"
	    "variant: new and gone crash titles, rate changes (Fisher's exact test, Benjamini-Hochberg\n"
	    "over all tests), infra changes apart.\n"
	    "  --against NIGHT the one baseline night\n"
	    "  --baseline N    the N finished nights before (default 1), pooled per setup\n"
	    "  --fdr Q         the false discovery rate (default 0.05)\n"
	    "  --json          one JSON object for scripts\n\n"
	    "The third form writes one self-contained HTML page of the plan over time: pass rates per\n"
	    "setup per night with Wilson intervals, top titles, each title's first and last night, and\n"
	    "the nights the diff flagged.\n\n"
	    "Exit: 0 no regression, 1 a regression or a failed build, 2 usage or a bad plan or ref,\n"
	    "3 infra (store, git, the plan's lock held, a LAVA setup not run), 130 interrupted.\n");
}

static int cmd_nightly_diff(int argc, char **argv)
{
	static const struct option opts[] = {{"against", required_argument, NULL, 'a'},
					     {"baseline", required_argument, NULL, 'b'},
					     {"fdr", required_argument, NULL, 'q'},
					     {"json", no_argument, NULL, 'j'},
					     {"store", required_argument, NULL, 's'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct nightly_diff_opts o = {.baseline = 1};
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			o.against = optarg;
			break;
		case 'b':
			o.baseline = (int)strtol(optarg, &end, 10);
			if (*end || o.baseline < 1) {
				errorf("nightly", "--baseline needs a positive number, not '%s'", optarg);
				return usage_hint("nightly");
			}
			break;
		case 'q':
			o.level = strtod(optarg, &end);
			if (*end || !(o.level > 0 && o.level < 1)) {
				errorf("nightly", "--fdr needs a number between 0 and 1, not '%s'", optarg);
				return usage_hint("nightly");
			}
			break;
		case 'j':
			o.json = true;
			break;
		case 's':
			o.store = optarg;
			break;
		case 'h':
			usage();
			return EXIT_OK;
		default:
			return usage_hint("nightly");
		}
	}
	if (optind >= argc || argc - optind > 2) {
		errorf("nightly", "diff: a plan file and at most one night are needed");
		return usage_hint("nightly");
	}
	o.plan_path = argv[optind];
	o.night = optind + 1 < argc ? argv[optind + 1] : NULL;
	return nightly_diff(&o);
}

static int cmd_nightly_dashboard(int argc, char **argv)
{
	static const struct option opts[] = {{"html", required_argument, NULL, 'H'},
					     {"store", required_argument, NULL, 's'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *html = NULL, *store = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'H':
			html = optarg;
			break;
		case 's':
			store = optarg;
			break;
		case 'h':
			usage();
			return EXIT_OK;
		default:
			return usage_hint("nightly");
		}
	}
	if (optind != argc - 1 || !html) {
		errorf("nightly", "dashboard: a plan file and --html FILE are needed");
		return usage_hint("nightly");
	}
	return nightly_dashboard(argv[optind], store, html);
}

int cmd_nightly(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"night", required_argument, NULL, 'n'}, {"store", required_argument, NULL, 's'},
	    {"init", required_argument, NULL, 'i'},  {"boards", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},	     {0}};
	struct nightly_opts o = {.init = "build/aarch64-linux-gnu/oopsfarm-agent"};
	int opt;

	if (argc > 1 && !strcmp(argv[1], "diff"))
		return cmd_nightly_diff(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "dashboard"))
		return cmd_nightly_dashboard(argc - 1, argv + 1);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			o.night = optarg;
			break;
		case 's':
			o.store = optarg;
			break;
		case 'i':
			o.init = optarg;
			break;
		case 'k':
			o.boards = atoi(optarg);
			if (o.boards < 1 || o.boards > 256) {
				errorf("nightly", "--boards needs a number from 1 to 256, not '%s'", optarg);
				return usage_hint("nightly");
			}
			break;
		case 'h':
			usage();
			return EXIT_OK;
		default:
			return usage_hint("nightly");
		}
	}
	if (optind != argc - 1) {
		errorf("nightly", "one plan file is needed");
		return usage_hint("nightly");
	}
	o.plan_path = argv[optind];
	return nightly_run(&o);
}
