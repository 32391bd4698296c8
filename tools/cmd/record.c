// SPDX-License-Identifier: MIT
/*
 * oopsfarm record: store one finished boot from its console log.
 *
 * The verdict is the one rule of core/verdict.c, as for `run` and the LAVA
 * collector: --infra REASON and --hang are the board's facts, the agent's
 * BEGIN/END lines and the banner are read from the log, and --agent,
 * --build-id and --stamp say what was meant to boot.  The boot's unique id
 * (--uid) makes recording twice a no-op, so a collector that restarts
 * never counts a boot twice.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/campaign.h"
#include "core/console.h"
#include "core/verdict.h"
#include "oopsfarm.h"
#include "store/store.h"

static void usage(void)
{
	printf("usage: oopsfarm record --store FILE --campaign NAME --variant NAME --setup NAME\n"
	       "                       --uid ID [--seq N] [--target TITLE] [--infra REASON | --hang]\n"
	       "                       [--agent] [--build-id HEX] [--stamp STAMP] LOG\n\n"
	       "Parses the console LOG and stores the boot once (a second record of the same\n"
	       "--uid changes nothing).  A crash in the console always wins over --infra/--hang.\n"
	       "  --agent           the oopsfarm agent was init: no BEGIN line is an infra error\n"
	       "  --build-id HEX    the build-id the agent must report (else a wrong kernel: infra)\n"
	       "  --stamp STAMP     the variant stamp the banner must show after '#'\n");
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"store", required_argument, NULL, 's'},	{"campaign", required_argument, NULL, 'c'},
	    {"variant", required_argument, NULL, 'v'},	{"setup", required_argument, NULL, 'S'},
	    {"uid", required_argument, NULL, 'u'},	{"seq", required_argument, NULL, 'n'},
	    {"target", required_argument, NULL, 't'},	{"infra", required_argument, NULL, 'i'},
	    {"hang", no_argument, NULL, 'H'},		{"agent", no_argument, NULL, 'A'},
	    {"build-id", required_argument, NULL, 'B'}, {"stamp", required_argument, NULL, 'M'},
	    {"help", no_argument, NULL, 'h'},		{0}};
	const char *path = NULL, *campaign = NULL, *variant = NULL, *setup = NULL, *uid = NULL;
	const char *infra = NULL;
	struct crash_set x = {0};
	struct store *s = NULL;
	struct store_boot b = {.host_load = -1};
	struct boot_facts facts = {0};
	struct boot_decision d = {0};
	struct agent_seen seen;
	int opt, r, seq = 0;
	bool hang = false;
	char *log;
	size_t len = 0;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 'c':
			campaign = optarg;
			break;
		case 'v':
			variant = optarg;
			break;
		case 'S':
			setup = optarg;
			break;
		case 'u':
			uid = optarg;
			break;
		case 'n':
			seq = atoi(optarg);
			break;
		case 't':
			x.target = optarg;
			break;
		case 'i':
			infra = optarg;
			break;
		case 'H':
			hang = true;
			break;
		case 'A':
			facts.agent_expected = true;
			break;
		case 'B':
			facts.expect_build_id = optarg;
			break;
		case 'M':
			facts.expect_stamp = optarg;
			break;
		case 'h':
			usage();
			return EXIT_OK;
		default:
			return usage_hint("record");
		}
	}
	if (!path || !campaign || !variant || !setup || !uid || optind != argc - 1) {
		errorf("record", "--store, --campaign, --variant, --setup, --uid and one LOG are needed");
		return usage_hint("record");
	}
	if (!campaign_names_check("record", campaign, variant, setup)) {
		return usage_hint("record");
	}
	log = file_slurp(argv[optind], &len);
	if (!log) {
		errorf("record", "cannot read '%s': %s", argv[optind], strerror(errno));
		return EXIT_INFRA;
	}
	crash_set_parse(&x, log, len);
	agent_decode(log, len, &seen);
	free(log);
	console_facts_fill(&facts.con, len, &x, &seen);
	facts.board_failed = infra;
	facts.phase_limit = hang ? "" : NULL;
	if (boot_verdict_decide(&facts, &d) < 0) {
		errorf("record", "cannot decide the verdict: %s", strerror(ENOMEM));
		return EXIT_INFRA;
	}

	r = store_open(path, &s);
	if (r < 0) {
		errorf("record", "cannot open store '%s': %s", path, store_strerror(r));
		return EXIT_INFRA;
	}
	if ((r = store_campaign(s, campaign, x.target, NULL, &b.campaign_id)) < 0 ||
	    (r = store_variant(s, b.campaign_id, variant, NULL, NULL, NULL, NULL, &b.variant_id)) < 0 ||
	    (r = store_setup(s, b.campaign_id, setup, 0, 0, NULL, NULL, &b.setup_id)) < 0)
		goto fail;
	b.boot_uid = uid;
	b.seq = seq;
	b.verdict = d.verdict;
	b.infra_reason = d.reason;
	b.target_hit = d.counted && d.verdict == VERDICT_CRASH && x.target_hit;
	b.build_id = seen.begin ? seen.build_id : facts.expect_build_id;
	b.log_path = argv[optind];
	/* record does not know the setup: an agent's BEGIN line says it ran */
	b.no_agent = !facts.agent_expected && !seen.begin;
	b.crashes = x.c;
	b.ncrashes = x.n;
	r = store_add_boot(s, &b);
	if (r < 0)
		goto fail;
	printf("%s %s%s\n", uid, verdict_name(b.verdict), r == 0 ? " (already recorded)" : "");
	boot_decision_clear(&d);
	store_close(s);
	return EXIT_OK;
fail:
	errorf("record", "cannot write to store '%s': %s", path, store_strerror(r));
	boot_decision_clear(&d);
	store_close(s);
	return EXIT_INFRA;
}
