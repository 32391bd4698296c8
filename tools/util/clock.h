/* SPDX-License-Identifier: MIT */
/*
 * clock.h - the one monotonic clock of the host side: phase limits, LAVA
 * polling, progress lines and benchmarks all measure with it.
 */
#ifndef OOPSFARM_CLOCK_H
#define OOPSFARM_CLOCK_H

/* CLOCK_MONOTONIC in seconds (arbitrary origin, never goes back). */
double clock_now(void);

#endif
