// SPDX-License-Identifier: MIT
/* clock.c - see clock.h. */
#include <time.h>

#include "util/clock.h"

double clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
