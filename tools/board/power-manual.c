// SPDX-License-Identifier: MIT
/* power-manual.c - a board without a relay: a person switches it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "power.h"

int power_manual(const struct board_desc *d, enum board_power_action a, FILE *in, FILE *out, char *err,
		 size_t errsize)
{
	static const char *const what[] = {"switch ON", "switch OFF", "switch OFF, then ON again,"};
	char line[256];

	fprintf(out, "oopsfarm: %s the power of board '%s' (%s) now, then press Enter: ", what[a], d->name,
		d->power.manual_name ? d->power.manual_name : d->name);
	fflush(out);
	if (!fgets(line, sizeof(line), in)) {
		fputc('\n', out);
		snprintf(err, errsize, "%s: manual power %s: no answer on the terminal (nobody to switch it)",
			 d->name, board_power_action_name(a));
		return -ENOTTY;
	}
	return 0;
}
