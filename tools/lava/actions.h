/* SPDX-License-Identifier: MIT */
/*
 * actions.h - LAVA's own names for the top-level action of each boot
 * method, so a job log is split at its boots without the job's definition
 * (`lava ingest` of a lab's existing jobs) and whatever the method:
 * "depthcharge-action" or "grub-main-action" hold no word "boot".
 *
 * The names are the `name` of the action class each Boot strategy of
 * lava_dispatcher/actions/boot/ returns (LAVA 2023.01, read from the
 * installed lava-dispatcher); tests/unit/test-lava-actions.c lists them.
 */
#ifndef OOPSFARM_LAVA_ACTIONS_H
#define OOPSFARM_LAVA_ACTIONS_H

#include <stdbool.h>

/*
 * True when the text after "start: N " of a top-level action line (e.g.
 * "depthcharge-action (timeout 00:05:00) [common]") names a boot action.
 */
bool lava_boot_action(const char *name);

#endif
