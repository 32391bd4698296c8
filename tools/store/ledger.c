// SPDX-License-Identifier: MIT
/* store/ledger.c - the slot ledger and the v4 schema step; see ledger.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store/ledger.h"

/* v4: how each boot's kernel got onto a flashing board, and the ledger of
 * what each board's A/B slots hold */
const char store_schema_v4[] = "ALTER TABLE boots ADD COLUMN flash_method TEXT;"
			       "ALTER TABLE boots ADD COLUMN slot TEXT;"
			       "CREATE TABLE slot_ledger ("
			       "  board TEXT NOT NULL, slot TEXT NOT NULL, variant TEXT, build_id TEXT,"
			       "  state TEXT NOT NULL CHECK (state IN ('flashing','ok','failed','wrong')),"
			       "  flashes INTEGER NOT NULL DEFAULT 0, mismatches INTEGER NOT NULL DEFAULT 0,"
			       "  seen_build_id TEXT,"
			       "  updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
			       "  PRIMARY KEY (board, slot));";

static void copy_col(sqlite3_stmt *st, int i, char *dst, size_t n)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", v ? v : "");
}

int store_slot_get(struct store *s, const char *board, const char *slot, struct store_slot *ret)
{
	sqlite3_stmt *st;
	int r = -ENOENT;

	if (sqlite3_prepare_v2(
		store_db(s),
		"SELECT variant, build_id, state, flashes, mismatches, updated FROM slot_ledger"
		" WHERE board = ? AND slot = ?",
		-1, &st, NULL) != SQLITE_OK)
		return store_fail(s);
	sqlite3_bind_text(st, 1, board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, slot, -1, SQLITE_TRANSIENT);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		copy_col(st, 0, ret->variant, sizeof(ret->variant));
		copy_col(st, 1, ret->build_id, sizeof(ret->build_id));
		copy_col(st, 2, ret->state, sizeof(ret->state));
		ret->flashes = sqlite3_column_int(st, 3);
		ret->mismatches = sqlite3_column_int(st, 4);
		copy_col(st, 5, ret->updated, sizeof(ret->updated));
		r = 0;
		break;
	case SQLITE_DONE:
		break;
	default:
		r = store_fail(s);
	}
	sqlite3_finalize(st);
	return r;
}

int store_slot_set(struct store *s, const char *board, const char *slot, const char *variant,
		   const char *build_id, const char *state)
{
	bool wrong = !strcmp(state, "wrong");
	sqlite3_stmt *st;
	int r = 0;

	/* a "wrong" boot keeps the row's variant and build-id (what was
	 * flashed) and notes what was seen */
	if (sqlite3_prepare_v2(
		store_db(s),
		"INSERT INTO slot_ledger (board, slot, variant, build_id, state, flashes, mismatches,"
		" seen_build_id) VALUES (?1, ?2, ?3, CASE WHEN ?6 THEN NULL ELSE ?4 END, ?5, ?5 = 'flashing',"
		" ?6, CASE WHEN ?6 THEN ?4 END)"
		" ON CONFLICT (board, slot) DO UPDATE SET"
		"  variant = CASE WHEN ?6 OR ?3 IS NULL THEN variant ELSE ?3 END,"
		"  build_id = CASE WHEN ?6 OR ?4 IS NULL THEN build_id ELSE ?4 END,"
		"  seen_build_id = CASE WHEN ?6 THEN ?4 ELSE seen_build_id END,"
		"  state = ?5, flashes = flashes + (?5 = 'flashing'), mismatches = mismatches + ?6,"
		"  updated = strftime('%Y-%m-%dT%H:%M:%SZ','now')",
		-1, &st, NULL) != SQLITE_OK)
		return store_fail(s);
	sqlite3_bind_text(st, 1, board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, slot, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, variant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, build_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, wrong);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = store_fail(s);
	sqlite3_finalize(st);
	return r;
}
