// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for oopsfarm's own YAML readers (make fuzz): a campaign
 * spec (core/campaign.c, which nightly plans go through too) and a board
 * description (board/board-desc.c: labgrid environments, LAVA device
 * dictionaries, our own), both through util/yaml-doc.c.  Checks their
 * promises:
 *  - 0, or a negative errno with a non-empty message ("PATH:LINE: ...");
 *  - the size, depth and one-document bounds hold before libyaml's loader
 *    (time and memory stay in libFuzzer's -timeout and -rss_limit_mb);
 *  - reading is a pure function of the bytes: a second read gives the
 *    same status and the same message;
 *  - a campaign that loads has at least one variant and one setup, with
 *    names that are unique within their list.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board/board-desc.h"
#include "core/campaign.h"
#include "fuzz-file.h"
#include "util/msg.h"

static char err1[ERR_MAX], err2[ERR_MAX];

/* Two reads of the same bytes agree; true when both failed (as they should: same status and message). */
static bool both_failed(int r1, int r2)
{
	if (r1 != r2 || r1 > 0)
		abort();
	if (r1 == 0)
		return false;
	fuzz_check_err(err1, sizeof(err1));
	if (strcmp(err1, err2))
		abort();
	return true;
}

static void check_campaign(const char *path)
{
	struct campaign *c = NULL, *c2 = NULL;
	int r1, r2;

	err1[0] = err2[0] = '\0';
	r1 = campaign_load(path, &c, err1, sizeof(err1));
	r2 = campaign_load(path, &c2, err2, sizeof(err2));
	if (both_failed(r1, r2))
		return;
	if (c->nvariants < 1 || c->nsetups < 1)
		abort();
	for (int i = 0; i < c->nvariants; i++)
		for (int j = i + 1; j < c->nvariants; j++)
			if (!strcmp(c->variants[i].name, c->variants[j].name))
				abort();
	for (int i = 0; i < c->nsetups; i++)
		for (int j = i + 1; j < c->nsetups; j++)
			if (!strcmp(c->setups[i].name, c->setups[j].name))
				abort();
	campaign_free(c);
	campaign_free(c2);
}

static void check_board(const char *path)
{
	struct board_desc *d = NULL, *d2 = NULL;
	int r1, r2;

	err1[0] = err2[0] = '\0';
	r1 = board_desc_load(path, &d, err1, sizeof(err1));
	r2 = board_desc_load(path, &d2, err2, sizeof(err2));
	if (both_failed(r1, r2))
		return;
	board_desc_free(d);
	board_desc_free(d2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);

	check_campaign(path);
	check_board(path);
	return 0;
}
