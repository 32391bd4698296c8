// SPDX-License-Identifier: MIT
/* oopsfarm campaign check FILE...: validate campaign specs, print what they ask for. */
#include <stdio.h>
#include <string.h>

#include "core/campaign.h"
#include "oopsfarm.h"
#include "core/sequential.h"

int cmd_campaign(int argc, char **argv)
{
	int ret = EXIT_OK;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: oopsfarm campaign check FILE...\n\nValidates campaign specs "
		       "(doc/campaign.md) and prints the boots they ask for.\n");
		return EXIT_OK;
	}
	if (argc < 3 || strcmp(argv[1], "check")) {
		errorf("campaign", "expected 'check FILE...'");
		return usage_hint("campaign");
	}
	for (int i = 2; i < argc; i++) {
		struct campaign *c;
		char err[ERR_MAX];

		if (campaign_load(argv[i], &c, err, sizeof(err)) < 0) {
			errorf("campaign", "%s", err);
			ret = EXIT_USAGE;
			continue;
		}
		printf("%s: campaign '%s', target '%s'\n", argv[i], c->name,
		       c->target ? c->target : "(any crash)");
		for (int v = 0; v < c->nvariants; v++) {
			printf("  variant %-20s", c->variants[v].name);
			for (int p = 0; p < c->variants[v].npatches; p++)
				printf(" %s", c->variants[v].patches[p]);
			printf("\n");
		}
		for (int s = 0; s < c->nsetups; s++)
			printf("  setup   %-20s %s -smp %d -m %d, +%d nodes, cpu %s\n", c->setups[s].name,
			       c->setups[s].board, c->setups[s].vcpus, c->setups[s].memory_mb,
			       c->setups[s].extra_nodes, c->setups[s].cpu);
		printf("  %d boots per variant and setup, %d in all, variants interleaved, on %d board%s\n",
		       c->boots, c->boots * c->nvariants * c->nsetups, c->boards, c->boards == 1 ? "" : "s");
		if (c->has_until) {
			char line[512];
			unsigned fc, fn = seq_fixed_n(&c->until, &fc);

			campaign_until_format(&c->until, line, sizeof(line));
			printf("  until   %s%s\n          (a fixed-size test at the same error rates needs "
			       "%u %s)\n",
			       line, c->stop == STOP_SEQUENTIAL ? "" : "  [with oopsfarm run --until]", fn,
			       c->until.test == SEQ_COMPARE ? "discordant pairs" : "boots");
		}
		printf("  limits  start %gs, kernel %g CPU-s, agent_begin %g CPU-s, agent_end %g CPU-s, "
		       "settle %gs,"
		       " idle %gs\n",
		       c->timeouts.start, c->timeouts.kernel, c->timeouts.agent_begin, c->timeouts.agent_end,
		       c->timeouts.settle, c->timeouts.idle);
		campaign_free(c);
	}
	return ret;
}
