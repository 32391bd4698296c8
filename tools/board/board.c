// SPDX-License-Identifier: MIT
/* board.c - the one table of board kinds, and what every backend shares. */
#include <stdio.h>
#include <string.h>

#include "board/board.h"
#include "util/clock.h"

/* clang-format off */
static const struct board_kind kinds[] = {
	{ "qemu-smmuv3", &qemu_board_ops,   "devices/qemu-smmuv3" },
	/* tests only: the console plays $OOPSFARM_REPLAY_CONSOLE (board/replay.c) */
	{ "replay",      &replay_board_ops, NULL },
};
/* clang-format on */

const struct board_kind *board_kind_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

const char *board_kind_names(void)
{
	static char names[256];

	if (!names[0])
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "",
				 kinds[i].name);
	return names;
}

double board_now(void)
{
	return clock_now();
}

const char *board_phase_name(enum board_phase p)
{
	static const char *const names[] = { "start", "kernel", "agent_begin", "agent_end", "settle", "off" };

	return (unsigned)p < NPHASES ? names[p] : "?";
}
