/* SPDX-License-Identifier: MIT */
/*
 * store/ledger.h - the slot ledger: what each A/B slot of a fastboot board
 * holds, kept in the store (schema v4) so that a resumed campaign does not
 * flash a slot again, and a slot found holding the wrong kernel is.
 *
 * One row per board and slot: the variant and build-id oopsfarm last
 * flashed (or began to flash) there, the state, how many times oopsfarm
 * flashed it, and how many boots of it showed another build-id than the
 * row's.  States:
 *   "flashing"  a flash began and has not ended: a run killed in it left a
 *               mix, never a good flash;
 *   "ok"        the flash ended well;
 *   "failed"    the flash failed (the slot holds a mix);
 *   "wrong"     a boot of the slot showed another build-id: what the slot
 *               holds is not what the row says.
 * Schema v4 also gives every boot its flash method ("ram", "slots"; NULL
 * when the board was not flashed) and slot (store.h, struct store_boot).
 *
 * Functions return 0 or -errno: -EIO an SQLite error, -ENOENT no row.
 */
#ifndef OOPSFARM_STORE_LEDGER_H
#define OOPSFARM_STORE_LEDGER_H

#include "store/store.h"

/* the schema's step to version 4, run by store_open() (store.c) */
extern const char store_schema_v4[];

struct store_slot {
	char variant[128], build_id[128], state[16];
	int flashes, mismatches;
	char updated[32]; /* ISO 8601 UTC */
};

/* The row of board's slot into *ret; -ENOENT when there is none. */
int store_slot_get(struct store *s, const char *board, const char *slot, struct store_slot *ret);

/*
 * Records what board's slot holds: variant and build_id (NULL: keep the
 * row's) and state.  "flashing" counts one more flash; "wrong" one more
 * mismatch (then build_id is what the boot showed, kept apart: the row's
 * build-id stays what oopsfarm flashed).  One transaction.
 */
int store_slot_set(struct store *s, const char *board, const char *slot, const char *variant,
		   const char *build_id, const char *state);

#endif
