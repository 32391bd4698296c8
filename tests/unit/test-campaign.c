// SPDX-License-Identifier: MIT
/* test-campaign: the campaign spec reader, the until rule's line and the knobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/campaign.h"
#include "tap.h"

static char dir[] = "/tmp/test-campaign-XXXXXX";

/* Writes text to a spec file and loads it; returns campaign_load()'s result. */
static int load(const char *name, const char *text, struct campaign **ret, char *err, size_t errsize)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.yaml", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	*ret = NULL;
	err[0] = '\0';
	return campaign_load(path, ret, err, errsize);
}

int main(void)
{
	struct campaign *c = NULL;
	struct campaign_until u = {0};
	char err[1024], line[512], *k;
	int r;

	if (!mkdtemp(dir))
		return 1;

	r = load("full",
		 "campaign: race\n"
		 "target: \"WARNING in foo\"\n"
		 "variants:\n"
		 "  - name: shipped\n"
		 "  - name: unpatched\n"
		 "    patches: [a.patch, b.patch]\n"
		 "setups:\n"
		 "  - name: smp2\n"
		 "    vcpus: 4\n"
		 "  - name: replayed\n"
		 "    board: replay\n"
		 "boots: 20\n"
		 "until: {test: compare, control: unpatched, treatment: shipped, ratio: 0.2, alpha: 0.01}\n"
		 "timeouts: {kernel: 45}\n"
		 "agent: \"threads=4 oopsfarm.seed=7\"\n",
		 &c, err, sizeof(err));
	ok_int(r, 0, "a full spec loads (%s)", err);
	if (r == 0) {
		ok_str(c->name, "race", "its name");
		ok_str(c->target, "WARNING in foo", "its target");
		ok_int(c->nvariants, 2, "two variants");
		ok(c->variants[1].npatches == 2 && !strcmp(c->variants[1].patches[1], "b.patch"),
		   "the patches, in order");
		ok_int(c->nsetups, 2, "two setups");
		ok_str(c->setups[0].board, "qemu-smmuv3", "the default board kind");
		ok_int(c->setups[0].vcpus, 4, "vcpus");
		ok_int(c->setups[1].memory_mb, 1024, "the default memory");
		ok_str(c->setups[1].board, "replay", "a board kind from the board table");
		ok_int(c->boots, 20, "boots");
		ok(c->has_until && c->until.test == SEQ_COMPARE && c->until.control_idx == 1 &&
		       c->until.treatment_idx == 0,
		   "the until rule finds its variants");
		ok(c->until.alpha == 0.01 && c->until.beta == 0.1 && c->until.max_boots == 20,
		   "until: alpha given, beta and max_boots by default");
		ok(c->timeouts.kernel == 45 && c->timeouts.start == 20,
		   "a timeout given, the others by default");
		ok_int(campaign_variant_index(c, "unpatched"), 1, "campaign_variant_index finds a variant");
		ok_int(campaign_variant_index(c, "nope"), -1, "... and not an unknown one");
		k = campaign_kernel_args(c);
		ok_str(k, "oopsfarm.threads=4 oopsfarm.seed=7", "knobs as kernel arguments, prefixed once");
		free(k);
		campaign_until_format(&c->until, line, sizeof(line));
		ok_str(
		    line,
		    "compare control=unpatched treatment=shipped ratio=0.2 alpha=0.01 beta=0.1 max_boots=20",
		    "the until rule as one line");
		ok_int(campaign_until_parse(line, &u), 0, "the line parses back");
		ok(u.test == SEQ_COMPARE && !strcmp(u.control, "unpatched") && u.ratio == 0.2 &&
		       u.max_boots == 20,
		   "... to the same rule");
		free(u.control);
		free(u.treatment);
		campaign_free(c);
	}

	r = load("noknobs", "campaign: x\nvariants: [{name: a}]\nsetups: [{name: s}]\n", &c, err,
		 sizeof(err));
	ok_int(r, 0, "a minimal spec loads");
	if (r == 0) {
		k = campaign_kernel_args(c);
		ok_str(k, "", "no knobs: no kernel arguments");
		free(k);
		campaign_free(c);
	}

	r = load("board", "campaign: x\nvariants: [{name: a}]\nsetups: [{name: s, board: pixel9}]\n", &c, err,
		 sizeof(err));
	ok(r < 0 &&
	       strstr(err,
		      "board 'pixel9' is not known (known: qemu-smmuv3, replay, or a board description)"),
	   "an unknown board names the known kinds (%s)", err);
	r = load("typo", "campaign: x\nvariants:\n  - name: a\n    patchs: [p]\nsetups: [{name: s}]\n", &c,
		 err, sizeof(err));
	ok(r < 0 && strstr(err, "typo.yaml:4: variants[0]: unknown key 'patchs'"),
	   "a typo names file and line (%s)", err);

	r = load("twosetups", "campaign: x\nvariants: [{name: a}]\nsetups: [{name: s}, {name: s}]\n", &c, err,
		 sizeof(err));
	ok(r < 0 && strstr(err, "setups: 's' is named twice"), "two setups of one name are refused (%s)",
	   err);
	ok(campaign_name_valid("smp2-wide_1.0") && !campaign_name_valid("..") &&
	       !campaign_name_valid("../x") && !campaign_name_valid("a,b") && !campaign_name_valid("") &&
	       !campaign_name_valid(NULL),
	   "one name check: plain words only, no '..', ',', '/' or empty");
	{
		struct campaign_timeouts t;

		campaign_timeouts_default(&t);
		ok(campaign_timeout_set(&t, "agent_end=7.5") == 0 && t.agent_end == 7.5,
		   "a timeout set by PHASE=SEC");
		ok(campaign_timeout_set(&t, "boot=3") < 0, "an unknown phase is refused");
		ok(campaign_timeout_set(&t, "kernel=-1") < 0, "a negative limit is refused");
	}
	campaign_free(NULL);

	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("cannot remove %s", dir);
	}
	return tap_done();
}
