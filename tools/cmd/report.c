// SPDX-License-Identifier: MIT
/*
 * oopsfarm report: options, then report_print() (report/text.c).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "oopsfarm.h"
#include "report/report.h"

static void usage(void)
{
	printf(
	    "usage: oopsfarm report --store FILE [--campaign NAME] [--json] [--junit FILE] [--html FILE]\n"
	    "                       [--kcidb FILE [--origin NAME]]\n"
	    "       oopsfarm report --store FILE --bisect [--json] [--html FILE]\n\n"
	    "Per variant and setup: boots (infra errors apart), target failures with a 95%%\n"
	    "Wilson interval, other crash titles, and each variant against the worst one of\n"
	    "its setup (Fisher's exact test, 99%% detection bound).\n\n"
	    "  --junit FILE  also write JUnit XML: a testsuite per variant and setup, a testcase per boot\n"
	    "  --html FILE   also write one self-contained HTML page (rates, intervals, charts, logs)\n"
	    "  --kcidb FILE  also write KernelCI's kcidb JSON (v5.3): checkout, builds, a test per boot,\n"
	    "                an issue per crash title, an incident per boot (doc/nightly.md)\n"
	    "  --origin NAME the kcidb ids' origin, [a-z0-9_]+ (default oopsfarm)\n"
	    "  --bisect      the store's bisect: the answer, the posterior over commits and how it\n"
	    "                moved per step; --html draws the posterior per step\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"store", required_argument, NULL, 's'},  {"campaign", required_argument, NULL, 'c'},
	    {"json", no_argument, NULL, 'j'},	      {"junit", required_argument, NULL, 'J'},
	    {"html", required_argument, NULL, 'H'},   {"kcidb", required_argument, NULL, 'K'},
	    {"origin", required_argument, NULL, 'O'}, {"bisect", no_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},	      {0}};
	struct report_opts o = {0};
	int opt;

	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			o.store = optarg;
			break;
		case 'c':
			o.campaign = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'J':
			o.junit = optarg;
			break;
		case 'H':
			o.html = optarg;
			break;
		case 'K':
			o.kcidb = optarg;
			break;
		case 'O':
			if (!report_origin_valid(optarg)) {
				errorf("report",
				       "--origin '%s': kcidb wants lowercase letters, digits and '_'",
				       optarg);
				return usage_hint("report");
			}
			o.origin = optarg;
			break;
		case 'b':
			o.bisect = true;
			break;
		case 'h':
			usage();
			return EXIT_OK;
		default:
			return usage_hint("report");
		}
	}
	if (!o.store) {
		errorf("report", "--store is needed");
		return usage_hint("report");
	}
	if (o.bisect && (o.campaign || o.junit || o.kcidb)) {
		errorf("report", "--bisect takes --json and --html, not --campaign, --junit or --kcidb");
		return usage_hint("report");
	}
	return o.bisect ? report_bisect(&o) : report_print(&o);
}
