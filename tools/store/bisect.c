// SPDX-License-Identifier: MIT
/* store/bisect.c - a bisect's rows (store/bisect.h). */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/bisect.h"

static const char *const event_names[] = {
    [BEV_BUILT] = "built", [BEV_BUILD_FAILED] = "build-failed",
    [BEV_PASS] = "pass",   [BEV_TARGET] = "target",
    [BEV_OTHER] = "other", [BEV_INFRA] = "infra",
    [BEV_PLAN] = "plan",
};

const char *bisect_event_name(enum bisect_event_kind k)
{
	return (unsigned)k < sizeof(event_names) / sizeof(event_names[0]) ? event_names[k] : "?";
}

static int event_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (!strcmp(name, event_names[i]))
			return (int)i;
	return -1;
}

/*
 * v5: the bisect tables.  Before v5, `oopsfarm bisect` created them on first
 * use in v3 and v4 files; that shape is exactly the CREATE below, so this
 * one step takes both a file with them and one without, and then adds what
 * v5 adds to either (boot_uid: the row of the
 * boots table a boot through the farm loop also is; confidence: the one
 * the bisect was asked to reach, for its report).
 */
const char store_schema_v5[] =
    "CREATE TABLE IF NOT EXISTS bisects (id INTEGER PRIMARY KEY, good TEXT NOT NULL,"
    "  bad TEXT NOT NULL, target TEXT NOT NULL, tree TEXT, ncommits INTEGER,"
    "  created TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE IF NOT EXISTS bisect_events (bisect_id INTEGER NOT NULL REFERENCES bisects(id),"
    "  seq INTEGER NOT NULL, commit_idx INTEGER NOT NULL, sha TEXT NOT NULL, kind TEXT NOT NULL,"
    "  title TEXT, log_path TEXT, wall_ms INTEGER, plan_boots INTEGER,"
    "  finished TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  PRIMARY KEY (bisect_id, seq));"
    "ALTER TABLE bisect_events ADD COLUMN boot_uid TEXT;"
    "ALTER TABLE bisects ADD COLUMN confidence REAL;";

/* v6: the bad end's boots measured before the bisect (--measured C/N) */
const char store_schema_v6[] = "ALTER TABLE bisects ADD COLUMN measured_boots INTEGER;"
			       "ALTER TABLE bisects ADD COLUMN measured_crashes INTEGER;";

int store_bisect_find(struct store *s, const char *good, const char *bad, const char *target, int64_t *ret_id,
		      char *ret_other, size_t othersize)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	int r = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, good, bad, target FROM bisects ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 1),
			   *b = (const char *)sqlite3_column_text(st, 2);
		const char *t = (const char *)sqlite3_column_text(st, 3);

		if (!strcmp(g, good) && !strcmp(b, bad) && !strcmp(t, target)) {
			*ret_id = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
			return 1;
		}
		snprintf(ret_other, othersize, "%.12s..%.12s for '%s'", g, b, t);
		sqlite3_finalize(st);
		return -EEXIST;
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : store_fail(s);
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return strdup(v ? v : "");
}

int store_bisect_one(struct store *s, struct bisect_row *ret)
{
	sqlite3_stmt *st;
	int r;

	if (sqlite3_prepare_v2(
		store_db(s),
		"SELECT id, good, bad, target, tree, ncommits, confidence, measured_boots, measured_crashes"
		" FROM bisects ORDER BY id LIMIT 1",
		-1, &st, NULL) != SQLITE_OK)
		return store_fail(s);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		struct bisect_row b = {
		    .id = sqlite3_column_int64(st, 0),
		    .good = dup_col(st, 1),
		    .bad = dup_col(st, 2),
		    .target = dup_col(st, 3),
		    .tree = dup_col(st, 4),
		    .ncommits = sqlite3_column_int(st, 5),
		    /* a bisect from before v5: the default */
		    .confidence =
			sqlite3_column_type(st, 6) == SQLITE_NULL ? 0.95 : sqlite3_column_double(st, 6),
		    /* NULL before v6: none */
		    .measured_boots = (unsigned)sqlite3_column_int(st, 7),
		    .measured_crashes = (unsigned)sqlite3_column_int(st, 8),
		};

		sqlite3_finalize(st);
		if (!b.good || !b.bad || !b.target || !b.tree) {
			store_bisect_row_clear(&b);
			return -ENOMEM;
		}
		*ret = b;
		return 1;
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : store_fail(s);
}

void store_bisect_row_clear(struct bisect_row *r)
{
	if (!r)
		return;
	free(r->good);
	free(r->bad);
	free(r->target);
	free(r->tree);
	memset(r, 0, sizeof(*r));
}

int store_bisect_create(struct store *s, const char *good, const char *bad, const char *target,
			const char *tree, int ncommits, double confidence, unsigned measured_boots,
			unsigned measured_crashes, int64_t *ret_id)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	int r;

	if (sqlite3_prepare_v2(
		db,
		"INSERT INTO bisects (good, bad, target, tree, ncommits, confidence, measured_boots,"
		" measured_crashes) VALUES (?,?,?,?,?,?,?,?)",
		-1, &st, NULL) != SQLITE_OK)
		return store_fail(s);
	sqlite3_bind_text(st, 1, good, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, bad, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, tree, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, ncommits);
	sqlite3_bind_double(st, 6, confidence);
	sqlite3_bind_int64(st, 7, measured_boots);
	sqlite3_bind_int64(st, 8, measured_crashes);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return store_fail(s);
	*ret_id = sqlite3_last_insert_rowid(db);
	return 0;
}

int store_bisect_event_add(struct store *s, int64_t bisect_id, const struct bisect_event *e)
{
	sqlite3_stmt *st;
	int r;

	if (sqlite3_prepare_v2(
		store_db(s),
		"INSERT INTO bisect_events (bisect_id, seq, commit_idx, sha, kind, title, log_path,"
		" wall_ms, plan_boots, boot_uid) VALUES (?,?,?,?,?,?,?,?,?,?)",
		-1, &st, NULL) != SQLITE_OK)
		return store_fail(s);
	sqlite3_bind_int64(st, 1, bisect_id);
	sqlite3_bind_int(st, 2, e->seq);
	sqlite3_bind_int(st, 3, e->commit);
	sqlite3_bind_text(st, 4, e->sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, bisect_event_name(e->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, e->log_path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, e->wall_ms);
	if (e->kind == BEV_PLAN)
		sqlite3_bind_int(st, 9, e->plan_boots);
	sqlite3_bind_text(st, 10, e->boot_uid, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : store_fail(s);
}

int store_bisect_events_each(struct store *s, int64_t bisect_id,
			     void (*fn)(const struct bisect_event *e, void *userdata), void *userdata)
{
	sqlite3_stmt *st;
	int r;

	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT seq, commit_idx, sha, kind, title, log_path, wall_ms, plan_boots, "
			       "boot_uid FROM bisect_events"
			       " WHERE bisect_id = ? ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		return store_fail(s);
	sqlite3_bind_int64(st, 1, bisect_id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct bisect_event e = {
		    .seq = sqlite3_column_int(st, 0),
		    .commit = sqlite3_column_int(st, 1),
		    .sha = (const char *)sqlite3_column_text(st, 2),
		    .title = (const char *)sqlite3_column_text(st, 4),
		    .log_path = (const char *)sqlite3_column_text(st, 5),
		    .wall_ms = sqlite3_column_int64(st, 6),
		    .plan_boots = sqlite3_column_int(st, 7),
		    .boot_uid = (const char *)sqlite3_column_text(st, 8),
		};
		int k = event_kind((const char *)sqlite3_column_text(st, 3));

		if (k < 0)
			continue; /* a kind from a newer oopsfarm: not ours to count */
		e.kind = k;
		fn(&e, userdata);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : store_fail(s);
}
