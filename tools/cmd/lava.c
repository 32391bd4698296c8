// SPDX-License-Identifier: MIT
/* cmd-lava.c - `oopsfarm lava SUBCOMMAND`: see lava.h. */
#include <stdio.h>
#include <string.h>

#include "lava/lava.h"
#include "lava/collect.h"
#include "oopsfarm.h"

struct lava_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

/* each row lands with the file that implements it */
static const struct lava_command lava_commands[] = {
    {"render", lava_cmd_render, "print the LAVA job a template (jobs/NAME.yaml) makes"},
    {"submit", lava_cmd_submit, "submit a campaign as LAVA jobs (idempotent)"},
    {"status", lava_cmd_status, "the state of a campaign's LAVA jobs"},
    {"collect", lava_cmd_collect, "store the boots of finished LAVA jobs (incremental, idempotent)"},
    {"cancel", lava_cmd_cancel, "cancel a campaign's unfinished LAVA jobs"},
    {"ingest", lava_cmd_ingest, "store the boots of saved LAVA job logs"},
    {NULL, NULL, NULL},
};

static void lava_usage(FILE *f)
{
	fprintf(f, "usage: oopsfarm lava SUBCOMMAND [options]\n\n");
	for (const struct lava_command *c = lava_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->help);
	fprintf(f,
		"\nThe token comes from --token-file FILE or $OOPSFARM_LAVA_TOKEN; it is never printed.\n");
}

int cmd_lava(int argc, char **argv)
{
	if (argc < 2) {
		lava_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		lava_usage(stdout);
		return EXIT_OK;
	}
	for (const struct lava_command *c = lava_commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->fn(argc - 1, argv + 1);
	errorf("lava", "unknown subcommand '%s'", argv[1]);
	lava_usage(stderr);
	return EXIT_USAGE;
}
