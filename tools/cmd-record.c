// SPDX-License-Identifier: MIT
/*
 * oopsfarm record: store one finished boot from its console log.
 *
 * The console decides: a log that holds a crash report is a crash, whatever
 * the caller says (--infra, --hang); without a crash, --infra REASON makes it
 * an infra error and --hang a hang; otherwise it passed.  The boot's unique
 * id (--uid) makes recording twice a no-op, so a collector that restarts
 * never counts a boot twice.  `oopsfarm run` and the LAVA collector use the
 * same path (boot_record()).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "oopsfarm.h"
#include "store.h"

static void usage(void)
{
	printf("usage: oopsfarm record --store FILE --campaign NAME --variant NAME --setup NAME\n"
	       "                       --uid ID [--seq N] [--target TITLE] [--infra REASON | --hang] LOG\n\n"
	       "Parses the console LOG and stores the boot once (a second record of the same\n"
	       "--uid changes nothing).  A crash in the console always wins over --infra/--hang.\n");
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "campaign", required_argument, NULL, 'c' },
		{ "variant", required_argument, NULL, 'v' },
		{ "setup", required_argument, NULL, 'S' },
		{ "uid", required_argument, NULL, 'u' },
		{ "seq", required_argument, NULL, 'n' },
		{ "target", required_argument, NULL, 't' },
		{ "infra", required_argument, NULL, 'i' },
		{ "hang", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL, *campaign = NULL, *variant = NULL, *setup = NULL, *uid = NULL;
	const char *infra = NULL;
	struct crash_set x = { 0 };
	struct store *s = NULL;
	struct store_boot b = { .host_load = -1 };
	int opt, r, seq = 0;
	bool hang = false;
	char *log;
	size_t len = 0;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': path = optarg; break;
		case 'c': campaign = optarg; break;
		case 'v': variant = optarg; break;
		case 'S': setup = optarg; break;
		case 'u': uid = optarg; break;
		case 'n': seq = atoi(optarg); break;
		case 't': x.target = optarg; break;
		case 'i': infra = optarg; break;
		case 'H': hang = true; break;
		case 'h': usage(); return EXIT_OK;
		default: return usage_hint("record");
		}
	}
	if (!path || !campaign || !variant || !setup || !uid || optind != argc - 1) {
		errorf("record", "--store, --campaign, --variant, --setup, --uid and one LOG are needed");
		return usage_hint("record");
	}
	log = file_slurp(argv[optind], &len);
	if (!log) {
		errorf("record", "cannot read '%s': %s", argv[optind], strerror(errno));
		return EXIT_INFRA;
	}
	crash_set_parse(&x, log, len);
	free(log);

	r = store_open(path, &s);
	if (r < 0) {
		errorf("record", "cannot open store '%s': %s", path, strerror(-r));
		return EXIT_INFRA;
	}
	if ((r = store_campaign(s, campaign, x.target, NULL, &b.campaign_id)) < 0 ||
	    (r = store_variant(s, b.campaign_id, variant, NULL, NULL, NULL, NULL, &b.variant_id)) < 0 ||
	    (r = store_setup(s, b.campaign_id, setup, 0, 0, NULL, NULL, &b.setup_id)) < 0)
		goto fail;
	b.boot_uid = uid;
	b.seq = seq;
	b.target_hit = x.target_hit;
	b.log_path = argv[optind];
	b.crashes = x.c;
	b.ncrashes = x.n;
	if (x.n)
		b.verdict = VERDICT_CRASH;
	else if (infra)
		b.verdict = VERDICT_INFRA, b.infra_reason = infra;
	else if (hang)
		b.verdict = VERDICT_HANG;
	else
		b.verdict = VERDICT_PASS;
	r = store_add_boot(s, &b);
	if (r < 0)
		goto fail;
	printf("%s %s%s\n", uid, verdict_name(b.verdict), r == 0 ? " (already recorded)" : "");
	store_close(s);
	return EXIT_OK;
fail:
	errorf("record", "cannot write to store '%s': %s", path, strerror(-r));
	store_close(s);
	return EXIT_INFRA;
}
