// SPDX-License-Identifier: MIT
/* board.c - the one table of board kinds, and what every backend shares. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "board/board-desc.h"
#include "board/board.h"
#include "util/clock.h"

/* the backends, one file each */
extern const struct board_ops qemu_board_ops;
extern const struct board_ops replay_board_ops;
extern const struct board_ops desk_board_ops;

/* clang-format off */
static const struct board_kind kinds[] = {
	{ "qemu-smmuv3", &qemu_board_ops,   "devices/qemu-smmuv3", 0, "ttyAMA0" },
	/* tests only: the console plays $OOPSFARM_REPLAY_CONSOLE (board/replay.c) */
	{ "replay",      &replay_board_ops, NULL, 0, NULL },
	/* a real board: `board:` is its description; it boots what it has */
	{ "desk",        &desk_board_ops,   NULL, 1, NULL },
};
/* clang-format on */

/*
 * The kind of board, read once: a built-in kind (*ret_desc NULL), or the
 * desk kind with the description board names, loaded into *ret_desc (the
 * caller frees it).  NULL with why in err: the description's own error when
 * board finds one that does not read, else "no kind".  "desk" itself is no
 * board: a desk board is named by its description.
 */
static const struct board_kind *kind_of(const char *board, struct board_desc **ret_desc, char *err,
					size_t errsize)
{
	char path[4096];
	size_t i;

	*ret_desc = NULL;
	for (i = 0; board && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, board) && strcmp(board, "desk"))
			return &kinds[i];
	if (board && strcmp(board, "desk") && board_desc_find(board, path, sizeof(path), err, errsize) == 0) {
		if (board_desc_load(path, ret_desc, err, errsize) < 0)
			return NULL;
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (kinds[i].ops == &desk_board_ops)
				return &kinds[i];
	}
	snprintf(err, errsize, "board '%s' is no kind (known: %s)", board ? board : "", board_kind_names());
	return NULL;
}

const struct board_kind *board_kind_find(const char *name)
{
	char err[1024];
	struct board_desc *d;
	const struct board_kind *k = kind_of(name, &d, err, sizeof(err));

	board_desc_free(d);
	return k;
}

int board_recipe(const char *board, char *ret, size_t size, char *err, size_t errsize)
{
	struct board_desc *d;
	const struct board_kind *k = kind_of(board, &d, err, errsize);

	if (!k)
		return -ENOENT;
	snprintf(ret, size, "%s", k->recipe ? k->recipe : "");
	/* a desk board boots what it has, unless it flashes what a recipe builds */
	if (d && d->flash.kind != FLASH_NONE && d->flash.product && d->flash.recipe)
		snprintf(ret, size, "%s", d->flash.recipe);
	board_desc_free(d);
	return 0;
}

int board_kernel_console(const char *board, char *ret, size_t size, char *err, size_t errsize)
{
	struct board_desc *d;
	const struct board_kind *k = kind_of(board, &d, err, errsize);

	if (!k)
		return -ENOENT;
	snprintf(ret, size, "%s", k->kernel_console ? k->kernel_console : "");
	if (d && d->console.kernel)
		snprintf(ret, size, "%s", d->console.kernel);
	board_desc_free(d);
	return 0;
}

const char *board_kind_names(void)
{
	static char names[256];

	if (!names[0])
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "",
				 strcmp(kinds[i].name, "desk") ? kinds[i].name : "or a board description");
	return names;
}

double board_now(void)
{
	return clock_now();
}

static const struct {
	const char *text;
	int exit_code;
} last_words[] = {
    {"Kernel panic - not syncing", 1},
    {"reboot: Power down", 0},
    {"reboot: System halted", 0},
    {"reboot: Restarting system", 0},
};

void board_scan_reset(struct board_scan *s)
{
	s->tail[0] = '\0';
	s->last_words = -1;
}

enum board_phase board_scan_feed(struct board_scan *s, enum board_phase p, const char *data, size_t n)
{
	char buf[4096 + sizeof(s->tail)];

	while (n) {
		size_t keep = strlen(s->tail), chunk = n < 4096 ? n : 4096, len = keep + chunk;

		memcpy(buf, s->tail, keep);
		memcpy(buf + keep, data, chunk);
		buf[len] = '\0';
		/* NULs on a console would hide what follows them from strstr */
		for (size_t i = keep; i < len; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		if (p < PHASE_AGENT_BEGIN && strstr(buf, "Run /init as init process"))
			p = PHASE_AGENT_BEGIN;
		if (p < PHASE_AGENT_END && strstr(buf, "OOPSFARM:1:BEGIN:"))
			p = PHASE_AGENT_END;
		if (p < PHASE_SETTLE && strstr(buf, ":END:verdict="))
			p = PHASE_SETTLE;
		for (size_t i = 0; s->last_words < 0 && i < sizeof(last_words) / sizeof(last_words[0]); i++)
			if (strstr(buf, last_words[i].text))
				s->last_words = last_words[i].exit_code;
		keep = len > 200 ? 200 : len;
		memmove(s->tail, buf + len - keep, keep);
		s->tail[keep] = '\0';
		data += chunk;
		n -= chunk;
	}
	return p;
}

double board_phase_limit(const struct campaign_timeouts *t, enum board_phase p)
{
	switch (p) {
	case PHASE_KERNEL:
		return t->kernel;
	case PHASE_AGENT_BEGIN:
		return t->agent_begin;
	case PHASE_AGENT_END:
		return t->agent_end;
	default:
		return 0;
	}
}

const char *board_phase_name(enum board_phase p)
{
	static const char *const names[] = {"start", "kernel", "agent_begin", "agent_end", "settle", "off"};

	return (unsigned)p < NPHASES ? names[p] : "?";
}
