// SPDX-License-Identifier: MIT
/* store.c - see store.h and doc/store.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "store/bisect.h"
#include "store/ledger.h"
#include "store/store.h"

struct store {
	sqlite3 *db;
};

static const char schema_v1[] =
    "CREATE TABLE campaigns ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, target TEXT, spec TEXT,"
    "  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE variants ("
    "  id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  name TEXT NOT NULL, source_version TEXT, patches TEXT, image_sha256 TEXT, build_id TEXT,"
    "  UNIQUE (campaign_id, name));"
    "CREATE TABLE setups ("
    "  id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  name TEXT NOT NULL, vcpus INTEGER, memory_mb INTEGER, dtb_sha256 TEXT, cpu_model TEXT,"
    "  UNIQUE (campaign_id, name));"
    "CREATE TABLE boots ("
    "  id INTEGER PRIMARY KEY, boot_uid TEXT NOT NULL UNIQUE,"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  variant_id INTEGER NOT NULL REFERENCES variants(id),"
    "  setup_id INTEGER NOT NULL REFERENCES setups(id),"
    "  seq INTEGER NOT NULL,"
    "  verdict TEXT NOT NULL CHECK (verdict IN ('pass','crash','hang','infra')),"
    "  infra_reason TEXT, target_hit INTEGER NOT NULL DEFAULT 0,"
    "  started TEXT, wall_ms INTEGER, cpu_ms INTEGER, knobs TEXT, build_id TEXT, log_path TEXT);"
    "CREATE INDEX boots_by_cell ON boots (campaign_id, variant_id, setup_id);"
    "CREATE TABLE crashes ("
    "  id INTEGER PRIMARY KEY, boot_id INTEGER NOT NULL REFERENCES boots(id),"
    "  ord INTEGER NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL, frame TEXT,"
    "  hash TEXT, corrupted INTEGER NOT NULL, start_off INTEGER, end_off INTEGER);"
    "CREATE INDEX crashes_by_title ON crashes (title);";

/* v2: where a boot ran (local board or LAVA job), the host's load, and the
 * LAVA jobs a campaign submitted (submission and collection are idempotent) */
static const char schema_v2[] =
    "ALTER TABLE boots ADD COLUMN source TEXT NOT NULL DEFAULT 'local';"
    "ALTER TABLE boots ADD COLUMN board TEXT;"
    "ALTER TABLE boots ADD COLUMN host_load REAL;"
    "ALTER TABLE boots ADD COLUMN lava_job_id INTEGER;"
    "ALTER TABLE campaigns ADD COLUMN until TEXT;"
    "CREATE TABLE lava_jobs ("
    "  id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  server TEXT NOT NULL, job_id INTEGER NOT NULL,"
    "  variant_id INTEGER REFERENCES variants(id), setup_id INTEGER REFERENCES setups(id),"
    "  device_type TEXT, batch INTEGER, boots INTEGER NOT NULL,"
    "  state TEXT, health TEXT, submitted TEXT, collected TEXT,"
    "  log_offset INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (server, job_id));";

/* v3: nightly runs, one row per plan and night (store/nightly.h), and
 * whether our agent was init on each boot: 1, 0, NULL before v3 */
static const char schema_v3[] =
    "CREATE TABLE nights ("
    "  id INTEGER PRIMARY KEY, plan TEXT NOT NULL, night TEXT NOT NULL,"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  tree TEXT, ref TEXT, git_commit TEXT, plan_hash TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('running','done','build-failed')), reason TEXT,"
    "  started TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), finished TEXT,"
    "  UNIQUE (plan, night));"
    "ALTER TABLE boots ADD COLUMN agent INTEGER;";

/* the last SQLite failure, in SQLite's words, for store_strerror() */
static char last_msg[512];
static int last_r;

static int sql_err(sqlite3 *db)
{
	int rc = sqlite3_errcode(db) & 0xff, r = -EIO;

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		r = -EBUSY;
	else if (rc == SQLITE_CANTOPEN || rc == SQLITE_PERM || rc == SQLITE_READONLY)
		r = -EACCES;
	else if (rc == SQLITE_NOMEM)
		r = -ENOMEM;
	else if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
		r = -EBADMSG;
	else if (rc == SQLITE_FULL)
		r = -ENOSPC;
	snprintf(last_msg, sizeof(last_msg), "%s", sqlite3_errmsg(db));
	last_r = r;
	return r;
}

int store_fail(struct store *s)
{
	return sql_err(s->db);
}

const char *store_strerror(int r)
{
	return r < 0 && r == last_r && last_msg[0] ? last_msg : strerror(-r);
}

int store_open(const char *path, struct store **ret)
{
	struct store *s = calloc(1, sizeof(*s));
	sqlite3_stmt *st;
	int version = 0, r;

	if (!s)
		return -ENOMEM;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		r = sql_err(s->db);
		store_close(s);
		return r;
	}
	sqlite3_busy_timeout(s->db, 10000);
	/* Switching a new file to WAL while another process creates it can
	 * answer SQLITE_BUSY without calling the busy handler: retried here,
	 * within the same 10 s bound. */
	for (int tries = 0;; tries++) {
		r = sqlite3_exec(s->db,
				 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
				 "PRAGMA foreign_keys=ON;",
				 NULL, NULL, NULL);
		if (r == SQLITE_OK)
			break;
		if ((r != SQLITE_BUSY && r != SQLITE_LOCKED) || tries >= 500)
			goto fail;
		usleep(20000);
	}
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > STORE_SCHEMA_VERSION) {
		store_close(s);
		return -EPROTO;
	}
	/* migrations: one step per version, each in its own transaction */
	for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
		static const char *const steps[] = {schema_v1,	     schema_v2,	      schema_v3,
						    store_schema_v4, store_schema_v5, store_schema_v6};
		char bump[64];

		int now = -1;

		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d; COMMIT", v + 1);
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
		/* another process may have migrated while we waited for the
		 * lock: the version is read again inside the transaction */
		if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				now = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
		}
		if (now > v) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			v = now - 1;
			continue;
		}
		if (sqlite3_exec(s->db, steps[v], NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(s->db, bump, NULL, NULL, NULL) != SQLITE_OK) {
			r = sql_err(s->db);
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			store_close(s);
			return r;
		}
	}
	*ret = s;
	return 0;
fail:
	r = sql_err(s->db);
	store_close(s);
	return r;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s);
}

sqlite3 *store_db(struct store *s)
{
	return s->db;
}

const char *verdict_name(enum boot_verdict v)
{
	static const char *const names[] = {"pass", "crash", "hang", "infra"};

	return (unsigned)v < 4 ? names[v] : "infra";
}

enum boot_verdict verdict_from_name(const char *name)
{
	for (int v = VERDICT_PASS; v <= VERDICT_INFRA; v++)
		if (name && !strcmp(name, verdict_name(v)))
			return v;
	return VERDICT_INFRA;
}

/* INSERT OR IGNORE then SELECT id: the "get or create" of names */
static int get_or_create(struct store *s, const char *insert, const char *select, int64_t campaign_id,
			 const char *name, const char *const *texts, const int *ints, int64_t *ret_id)
{
	sqlite3_stmt *st;
	int i = 1, r = -EIO;

	if (sqlite3_prepare_v2(s->db, insert, -1, &st, NULL) != SQLITE_OK)
		return sql_err(s->db);
	if (campaign_id >= 0)
		sqlite3_bind_int64(st, i++, campaign_id);
	sqlite3_bind_text(st, i++, name, -1, SQLITE_TRANSIENT);
	for (; texts && *texts != (const char *)-1; texts++)
		sqlite3_bind_text(st, i++, *texts, -1, SQLITE_TRANSIENT);
	for (; ints && *ints != -1; ints++)
		sqlite3_bind_int(st, i++, *ints);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return sql_err(s->db);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db, select, -1, &st, NULL) != SQLITE_OK)
		return sql_err(s->db);
	i = 1;
	if (campaign_id >= 0)
		sqlite3_bind_int64(st, i++, campaign_id);
	sqlite3_bind_text(st, i, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*ret_id = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

#define END_TEXTS ((const char *)-1)

int store_campaign(struct store *s, const char *name, const char *target, const char *spec, int64_t *ret_id)
{
	const char *t[] = {target, spec, END_TEXTS};

	return get_or_create(s, "INSERT OR IGNORE INTO campaigns (name, target, spec) VALUES (?, ?, ?)",
			     "SELECT id FROM campaigns WHERE name = ?", -1, name, t, NULL, ret_id);
}

int store_campaign_set_until(struct store *s, int64_t campaign_id, const char *until)
{
	sqlite3_stmt *st;
	int r = 0;

	if (sqlite3_prepare_v2(s->db, "UPDATE campaigns SET until = ? WHERE id = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return sql_err(s->db);
	sqlite3_bind_text(st, 1, until, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, campaign_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = sql_err(s->db);
	sqlite3_finalize(st);
	return r;
}

int store_variant(struct store *s, int64_t campaign_id, const char *name, const char *source_version,
		  const char *patches, const char *image_sha256, const char *build_id, int64_t *ret_id)
{
	const char *t[] = {source_version, patches, image_sha256, build_id, END_TEXTS};

	return get_or_create(s,
			     "INSERT OR IGNORE INTO variants (campaign_id, name, source_version, patches,"
			     " image_sha256, build_id) VALUES (?, ?, ?, ?, ?, ?)",
			     "SELECT id FROM variants WHERE campaign_id = ? AND name = ?", campaign_id, name,
			     t, NULL, ret_id);
}

int store_setup(struct store *s, int64_t campaign_id, const char *name, int vcpus, int memory_mb,
		const char *dtb_sha256, const char *cpu_model, int64_t *ret_id)
{
	const char *t[] = {dtb_sha256, cpu_model, END_TEXTS};
	const int n[] = {vcpus, memory_mb, -1};

	return get_or_create(s,
			     "INSERT OR IGNORE INTO setups (campaign_id, name, dtb_sha256, cpu_model,"
			     " vcpus, memory_mb) VALUES (?, ?, ?, ?, ?, ?)",
			     "SELECT id FROM setups WHERE campaign_id = ? AND name = ?", campaign_id, name, t,
			     n, ret_id);
}

int store_add_boot(struct store *s, const struct store_boot *b)
{
	sqlite3_stmt *st = NULL;
	int64_t boot_id;
	int r;

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return sql_err(s->db);
	if (sqlite3_prepare_v2(
		s->db,
		"INSERT OR IGNORE INTO boots (boot_uid, campaign_id, variant_id, setup_id, seq,"
		" verdict, infra_reason, target_hit, started, wall_ms, cpu_ms, knobs, build_id,"
		" log_path, source, board, host_load, lava_job_id, agent, flash_method, slot)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		-1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, b->boot_uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, b->campaign_id);
	sqlite3_bind_int64(st, 3, b->variant_id);
	sqlite3_bind_int64(st, 4, b->setup_id);
	sqlite3_bind_int(st, 5, b->seq);
	sqlite3_bind_text(st, 6, verdict_name(b->verdict), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, b->infra_reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 8, b->target_hit);
	sqlite3_bind_text(st, 9, b->started, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 10, b->wall_ms);
	sqlite3_bind_int64(st, 11, b->cpu_ms);
	sqlite3_bind_text(st, 12, b->knobs, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 13, b->build_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 14, b->log_path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 15, b->source ? b->source : "local", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 16, b->board, -1, SQLITE_TRANSIENT);
	if (b->host_load >= 0)
		sqlite3_bind_double(st, 17, b->host_load);
	if (b->lava_job_id > 0)
		sqlite3_bind_int64(st, 18, b->lava_job_id);
	sqlite3_bind_int(st, 19, !b->no_agent);
	sqlite3_bind_text(st, 20, b->flash_method && *b->flash_method ? b->flash_method : NULL, -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 21, b->slot && *b->slot ? b->slot : NULL, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_changes(s->db) == 0) {
		/* this boot was stored before: counted once */
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	boot_id = sqlite3_last_insert_rowid(s->db);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO crashes (boot_id, ord, title, kind, frame, hash, corrupted,"
			       " start_off, end_off) VALUES (?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < b->ncrashes; i++) {
		const struct store_crash *c = &b->crashes[i];

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, boot_id);
		sqlite3_bind_int(st, 2, i);
		sqlite3_bind_text(st, 3, c->title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, c->kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, c->frame, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, c->hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 7, c->corrupted);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)c->start);
		sqlite3_bind_int64(st, 9, (sqlite3_int64)c->end);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		r = sql_err(s->db);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
	return 1;
fail:
	r = sql_err(s->db);
	sqlite3_finalize(st);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

int store_count_boots(struct store *s, int64_t campaign_id, int64_t variant_id, int64_t setup_id)
{
	sqlite3_stmt *st;
	int n = -EIO;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT count(*) FROM boots WHERE campaign_id = ? AND variant_id = ?"
			       " AND setup_id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_err(s->db);
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, variant_id);
	sqlite3_bind_int64(st, 3, setup_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

const char *store_errmsg(struct store *s)
{
	return sqlite3_errmsg(store_db(s));
}

int store_check(struct store *s)
{
	sqlite3_stmt *st;
	int r = -EBADMSG;

	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK)
		return sql_err(s->db);
	if (sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok"))
		r = 0;
	sqlite3_finalize(st);
	return r;
}
