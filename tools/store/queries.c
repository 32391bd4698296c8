// SPDX-License-Identifier: MIT
/* queries.c - see queries.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/queries.h"

static int prepare(struct store *s, const char *sql, sqlite3_stmt **ret)
{
	return sqlite3_prepare_v2(store_db(s), sql, -1, ret, NULL) == SQLITE_OK ? 0 : store_fail(s);
}

int store_boot_attempts(struct store *s, const char *uid_prefix)
{
	sqlite3_stmt *st;
	char *like;
	int n = 0, r;

	if (asprintf(&like, "%s#%%", uid_prefix) < 0)
		return -ENOMEM;
	r = prepare(s, "SELECT count(*) FROM boots WHERE boot_uid LIKE ?", &st);
	if (r < 0) {
		free(like);
		return r;
	}
	sqlite3_bind_text(st, 1, like, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	free(like);
	return r == SQLITE_ROW ? n : store_fail(s);
}

int store_campaign_find(struct store *s, const char *name, int64_t *ret_id, char **ret_target, int *ret_boots)
{
	sqlite3_stmt *st;
	char *target = NULL;
	int r;

	r = prepare(
	    s,
	    "SELECT c.id, coalesce(c.target, ''), (SELECT count(*) FROM boots b WHERE b.campaign_id = c.id)"
	    " FROM campaigns c WHERE c.name = ?",
	    &st);
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 0;
	}
	if (r != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail(s);
	}
	if (ret_target && !(target = strdup((const char *)sqlite3_column_text(st, 1)))) {
		sqlite3_finalize(st);
		return -ENOMEM;
	}
	if (ret_id)
		*ret_id = sqlite3_column_int64(st, 0);
	if (ret_target)
		*ret_target = target;
	if (ret_boots)
		*ret_boots = sqlite3_column_int(st, 2);
	sqlite3_finalize(st);
	return 1;
}

int store_outcomes_each(struct store *s, int64_t campaign_id, int max_retries,
			void (*fn)(const struct store_outcome *o, void *userdata), void *userdata)
{
	sqlite3_stmt *st;
	int r;

	r = prepare(s,
		    "SELECT variant_id, setup_id, seq, target_hit FROM boots"
		    " WHERE campaign_id = ? AND verdict != 'infra'",
		    &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, campaign_id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		fn(&(struct store_outcome){.variant_id = sqlite3_column_int64(st, 0),
					   .setup_id = sqlite3_column_int64(st, 1),
					   .seq = sqlite3_column_int(st, 2),
					   .target_hit = sqlite3_column_int(st, 3) != 0},
		   userdata);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return store_fail(s);
	/* boots given up after their retries: done, and never in a rate */
	r = prepare(s,
		    "SELECT variant_id, setup_id, seq FROM boots WHERE campaign_id = ? AND verdict = 'infra'"
		    " GROUP BY variant_id, setup_id, seq HAVING count(*) > ?",
		    &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int(st, 2, max_retries);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		fn(&(struct store_outcome){.variant_id = sqlite3_column_int64(st, 0),
					   .setup_id = sqlite3_column_int64(st, 1),
					   .seq = sqlite3_column_int(st, 2),
					   .given_up = true},
		   userdata);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : store_fail(s);
}

/* clang-format off */
/* the columns of a night (STORE_Q_NIGHT_*) */
#define NIGHT_COLS "id, campaign_id, plan, night, tree, ref, git_commit, plan_hash, status, reason, started, finished"
/* a cell's setup: boots without our agent are a cell of their own */
#define NO_AGENT "CASE WHEN b.agent = 0 THEN ' (no agent)' ELSE '' END"

static const char *const sql[STORE_Q_COUNT] = {
	[STORE_Q_CAMPAIGN_BY_NAME] =
		"SELECT id, name, coalesce(target, '') FROM campaigns WHERE name = ?1",
	[STORE_Q_CAMPAIGN_NEWEST] =
		"SELECT id, name, coalesce(target, '') FROM campaigns ORDER BY id DESC LIMIT 1",
	[STORE_Q_CAMPAIGN_BY_ID] =
		"SELECT coalesce(target, ''), spec FROM campaigns WHERE id = ?1",
	[STORE_Q_CAMPAIGN_UNTIL] =
		"SELECT until FROM campaigns WHERE id = ?1",
	[STORE_Q_VARIANT_BUILD_ID] =
		"SELECT coalesce(build_id, '') FROM variants WHERE id = ?1",
	[STORE_Q_CELLS] =
		"SELECT v.name, st.name || " NO_AGENT ","
		" b.variant_id, b.setup_id,"
		" count(*) FILTER (WHERE verdict != 'infra'),"
		" coalesce(sum(target_hit) FILTER (WHERE verdict != 'infra'), 0),"
		" count(*) FILTER (WHERE verdict = 'infra'),"
		" count(*) FILTER (WHERE verdict = 'hang'),"
		" count(*) FILTER (WHERE source = 'lava'), coalesce(b.agent, 1)"
		" FROM boots b JOIN variants v ON v.id = b.variant_id JOIN setups st ON st.id = b.setup_id"
		" WHERE b.campaign_id = ?1 GROUP BY b.variant_id, b.setup_id, coalesce(b.agent, 1) ORDER BY 2, v.name",
	[STORE_Q_OTHER_TITLES] =
		"SELECT c.title, count(DISTINCT c.boot_id),"
		" (SELECT b2.log_path FROM crashes c2 JOIN boots b2 ON b2.id = c2.boot_id"
		"  WHERE c2.title = c.title AND b2.campaign_id = ?1 AND b2.variant_id = ?2"
		"  AND b2.setup_id = ?3 AND coalesce(b2.agent, 1) = ?5 ORDER BY b2.seq LIMIT 1)"
		" FROM crashes c JOIN boots b ON b.id = c.boot_id"
		" WHERE b.campaign_id = ?1 AND b.variant_id = ?2 AND b.setup_id = ?3 AND coalesce(b.agent, 1) = ?5"
		" AND c.title != ?4"
		" AND b.verdict != 'infra'"
		" GROUP BY c.title ORDER BY 2 DESC, 1",
	[STORE_Q_CELL_TITLES] =
		"SELECT c.title, min(c.kind), count(DISTINCT c.boot_id), min(b.id)"
		" FROM crashes c JOIN boots b ON b.id = c.boot_id"
		" WHERE b.campaign_id = ?1 AND b.variant_id = ?2 AND b.setup_id = ?3 AND coalesce(b.agent, 1) = ?5"
		" AND b.verdict != 'infra'"
		" GROUP BY c.title ORDER BY c.title = ?4 DESC, 3 DESC, 1",
	[STORE_Q_CELL_FAILING] =
		"SELECT id, (SELECT count(*) FROM boots b2 WHERE b2.campaign_id = ?1"
		"  AND b2.variant_id = ?2 AND b2.setup_id = ?3 AND coalesce(b2.agent, 1) = ?5"
		"  AND b2.verdict IN ('crash','hang'))"
		" FROM boots WHERE campaign_id = ?1 AND variant_id = ?2 AND setup_id = ?3 AND coalesce(agent, 1) = ?5"
		" AND verdict IN ('crash','hang') ORDER BY id LIMIT ?4",
	[STORE_Q_CELL_BOOTS] =
		"SELECT b.id, b.boot_uid, b.verdict, coalesce(b.infra_reason, ''),"
		" coalesce(b.wall_ms, 0), coalesce(b.log_path, ''), b.source, b.lava_job_id,"
		" (SELECT j.server FROM lava_jobs j WHERE j.campaign_id = b.campaign_id"
		"  AND j.job_id = b.lava_job_id ORDER BY j.id LIMIT 1), coalesce(b.board, '')"
		" FROM boots b WHERE b.campaign_id = ?1 AND b.variant_id = ?2 AND b.setup_id = ?3"
		" AND coalesce(b.agent, 1) = ?4 ORDER BY b.id",
	[STORE_Q_TOTALS] =
		"SELECT count(*), count(*) FILTER (WHERE verdict IN ('crash','hang')),"
		" count(*) FILTER (WHERE verdict = 'infra'), coalesce(sum(wall_ms), 0)"
		" FROM boots WHERE campaign_id = ?1",
	[STORE_Q_TOTALS_CELL] =
		"SELECT count(*), count(*) FILTER (WHERE verdict IN ('crash','hang')),"
		" count(*) FILTER (WHERE verdict = 'infra'), coalesce(sum(wall_ms), 0)"
		" FROM boots WHERE campaign_id = ?1 AND variant_id = ?2 AND setup_id = ?3 AND coalesce(agent, 1) = ?4",
	[STORE_Q_BOOT_CRASHES] =
		"SELECT title, kind, coalesce(frame, ''), corrupted FROM crashes"
		" WHERE boot_id = ?1 ORDER BY ord",
	[STORE_Q_BOOT_REF] =
		"SELECT b.boot_uid, coalesce(b.log_path, ''), b.source,"
		" coalesce(b.lava_job_id, 0), coalesce((SELECT j.server FROM lava_jobs j"
		"  WHERE j.campaign_id = b.campaign_id AND j.job_id = b.lava_job_id"
		"  ORDER BY j.id LIMIT 1), ''), b.verdict"
		" FROM boots b WHERE b.id = ?1",
	[STORE_Q_SETUP_OUTCOMES] =
		"SELECT variant_id, target_hit FROM boots WHERE campaign_id = ?1 AND setup_id = ?2"
		" AND coalesce(agent, 1) = ?3 AND verdict != 'infra' ORDER BY id",
	[STORE_Q_SETUP_APART] =
		"SELECT v.name, b.verdict, coalesce(b.infra_reason, ''), b.source, count(*)"
		" FROM boots b JOIN variants v ON v.id = b.variant_id"
		" WHERE b.campaign_id = ?1 AND b.setup_id = ?2 AND coalesce(b.agent, 1) = ?3"
		" AND b.verdict IN ('hang','infra')"
		" GROUP BY v.name, b.verdict, b.infra_reason, b.source"
		" ORDER BY v.name, b.verdict, 5 DESC",
	[STORE_Q_SETUP_NBOOTS] =
		"SELECT coalesce(max(seq) + 1, 0) FROM boots WHERE campaign_id = ?1 AND setup_id = ?2"
		" AND coalesce(agent, 1) = ?3",
	[STORE_Q_SETUP_SEQ_OUTCOMES] =
		"SELECT v.name, b.seq, max(b.verdict != 'infra'),"
		" max(CASE WHEN b.verdict != 'infra' THEN b.target_hit END), count(*)"
		" FROM boots b JOIN variants v ON v.id = b.variant_id"
		" WHERE b.campaign_id = ?1 AND b.setup_id = ?2 AND coalesce(b.agent, 1) = ?3 GROUP BY v.name, b.seq",
	[STORE_Q_KCIDB_BUILDS] =
		"SELECT v.name, coalesce(v.source_version, ''), coalesce(v.patches, ''), coalesce(v.build_id, ''),"
		" coalesce((SELECT b.board FROM boots b WHERE b.variant_id = v.id AND b.board IS NOT NULL"
		"  ORDER BY b.id LIMIT 1), '')"
		" FROM variants v WHERE v.campaign_id = ?1 ORDER BY v.id",
	[STORE_Q_KCIDB_TESTS] =
		"SELECT b.boot_uid, v.name, st.name || " NO_AGENT ","
		" b.verdict, coalesce(b.infra_reason, ''),"
		" coalesce(b.started, ''), b.wall_ms, coalesce(b.log_path, ''), coalesce(b.board, ''),"
		" b.source, b.seq, coalesce(b.build_id, ''), coalesce(b.agent, 1)"
		" FROM boots b JOIN variants v ON v.id = b.variant_id JOIN setups st ON st.id = b.setup_id"
		" WHERE b.campaign_id = ?1 ORDER BY b.id",
	[STORE_Q_KCIDB_ISSUES] =
		"SELECT c.title, min(c.kind) FROM crashes c JOIN boots b ON b.id = c.boot_id"
		" WHERE b.campaign_id = ?1 AND b.verdict = 'crash' GROUP BY c.title ORDER BY c.title",
	[STORE_Q_KCIDB_INCIDENTS] =
		"SELECT DISTINCT b.boot_uid, v.name, c.title FROM crashes c JOIN boots b ON b.id = c.boot_id"
		" JOIN variants v ON v.id = b.variant_id WHERE b.campaign_id = ?1 AND b.verdict = 'crash'"
		" ORDER BY b.id, c.title",
	[STORE_Q_LAVA_JOBS] =
		"SELECT j.id, j.job_id, j.server, j.variant_id, j.setup_id, coalesce(j.batch, 0), j.boots,"
		" j.log_offset, coalesce(j.state, ''), coalesce(j.health, ''), j.collected IS NOT NULL,"
		" v.name, s.name, coalesce(v.build_id, ''), coalesce(j.device_type, ''),"
		" (SELECT coalesce(sum(k.boots), 0) FROM lava_jobs k WHERE k.campaign_id = j.campaign_id"
		"  AND k.server = j.server AND k.variant_id = j.variant_id AND k.setup_id = j.setup_id"
		"  AND k.batch < j.batch)"
		" FROM lava_jobs j JOIN variants v ON v.id = j.variant_id JOIN setups s ON s.id = j.setup_id"
		" WHERE j.campaign_id = ?1 ORDER BY j.id",
	[STORE_Q_LAVA_STATUS] =
		"SELECT j.id, j.job_id, j.server, v.name, s.name, coalesce(j.state, ''),"
		" coalesce(j.health, ''), coalesce(j.batch, 0), j.boots, j.collected IS NOT NULL,"
		" (SELECT count(*) FROM boots b WHERE b.lava_job_id = j.job_id AND b.campaign_id = j.campaign_id)"
		" FROM lava_jobs j JOIN campaigns c ON c.id = j.campaign_id"
		" JOIN variants v ON v.id = j.variant_id JOIN setups s ON s.id = j.setup_id"
		" WHERE c.name = ?1 ORDER BY j.id",
	[STORE_Q_LAVA_JOB_STORED] =
		"SELECT 1 FROM lava_jobs WHERE campaign_id = ?1 AND server = ?2 AND variant_id = ?3"
		" AND setup_id = ?4 AND batch = ?5",
	[STORE_Q_LAVA_NEXT_BATCH] =
		"SELECT coalesce(max(batch), 0) + 1, coalesce(sum(boots), 0) FROM lava_jobs WHERE campaign_id = ?1"
		" AND server = ?2 AND variant_id = ?3 AND setup_id = ?4",
	[STORE_Q_LAVA_ADD_JOB] =
		"INSERT OR IGNORE INTO lava_jobs (campaign_id, server, job_id, variant_id, setup_id,"
		" device_type, batch, boots, state, health, submitted)"
		" VALUES (?,?,?,?,?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
	[STORE_Q_LAVA_SET_OFFSET] =
		"UPDATE lava_jobs SET log_offset = ?1 WHERE id = ?2",
	[STORE_Q_LAVA_SET_STATE] =
		"UPDATE lava_jobs SET state = ?1, health = ?2 WHERE id = ?3",
	[STORE_Q_LAVA_SET_COLLECTED] =
		"UPDATE lava_jobs SET state = ?1, health = ?2,"
		" collected = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?3",
	[STORE_Q_NIGHT_FIND] =
		"SELECT " NIGHT_COLS " FROM nights WHERE plan = ?1 AND night = ?2",
	[STORE_Q_NIGHT_OF_CAMPAIGN] =
		"SELECT " NIGHT_COLS " FROM nights WHERE campaign_id = ?1",
	[STORE_Q_NIGHTS_OF_PLAN] =
		"SELECT " NIGHT_COLS " FROM nights WHERE plan = ?1 ORDER BY night",
	[STORE_Q_NIGHT_ADD] =
		"INSERT INTO nights (plan, night, campaign_id, tree, ref, git_commit, plan_hash, status)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, 'running')",
	[STORE_Q_NIGHT_FINISH] =
		"UPDATE nights SET status = ?1, reason = ?2,"
		" finished = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?3",
	[STORE_Q_NIGHT_CELLS] =
		"SELECT v.name, st.name || " NO_AGENT ", sum(b.verdict = 'pass'), sum(b.verdict = 'crash'),"
		" sum(b.verdict = 'hang'), sum(b.verdict = 'infra')"
		" FROM boots b JOIN variants v ON v.id = b.variant_id JOIN setups st ON st.id = b.setup_id"
		" WHERE b.campaign_id = ?1 GROUP BY 2, v.name ORDER BY 2, v.name",
	[STORE_Q_NIGHT_TITLES] =
		"SELECT g.vn, g.sn, g.title, g.n, g.first, (SELECT log_path FROM boots WHERE id = g.first) FROM"
		" (SELECT v.name AS vn, st.name || " NO_AGENT " AS sn, c.title AS title,"
		"  count(DISTINCT b.id) AS n, min(b.id) AS first"
		"  FROM crashes c JOIN boots b ON b.id = c.boot_id JOIN variants v ON v.id = b.variant_id"
		"  JOIN setups st ON st.id = b.setup_id"
		"  WHERE b.campaign_id = ?1 AND b.verdict = 'crash' GROUP BY sn, v.name, c.title) g"
		" ORDER BY g.sn, g.vn, g.title",
	[STORE_Q_BISECT_ORPHANS] =
		"SELECT b.boot_uid, v.name, b.verdict, b.infra_reason, b.target_hit,"
		" (SELECT c.title FROM crashes c WHERE c.boot_id = b.id ORDER BY c.ord LIMIT 1),"
		" b.log_path, b.wall_ms"
		" FROM boots b JOIN variants v ON v.id = b.variant_id JOIN campaigns k ON k.id = b.campaign_id"
		" WHERE k.name = 'bisect-' || ?1 AND b.boot_uid NOT IN"
		"  (SELECT boot_uid FROM bisect_events WHERE bisect_id = ?1 AND boot_uid IS NOT NULL)"
		" ORDER BY b.id",
};
/* clang-format on */

struct store_rows {
	sqlite3_stmt *st;
	struct store *s;
	bool failed;
	int err; /* store_fail() when it failed */
};

static int bind(sqlite3_stmt *st, const char *types, va_list ap)
{
	int r = SQLITE_OK;

	for (int k = 1; types && types[k - 1] && r == SQLITE_OK; k++) {
		switch (types[k - 1]) {
		case 'i':
			r = sqlite3_bind_int64(st, k, va_arg(ap, int64_t));
			break;
		case 'd':
			r = sqlite3_bind_int(st, k, va_arg(ap, int));
			break;
		case 't':
			r = sqlite3_bind_text(st, k, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
			break;
		default:
			r = SQLITE_MISUSE;
			break;
		}
	}
	return r == SQLITE_OK ? 0 : -EIO;
}

int store_rows_open(struct store *s, enum store_q q, struct store_rows **ret, const char *types, ...)
{
	struct store_rows *r;
	va_list ap;
	int e;

	*ret = NULL;
	if ((unsigned)q >= STORE_Q_COUNT || !sql[q])
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->s = s;
	if (sqlite3_prepare_v2(store_db(s), sql[q], -1, &r->st, NULL) != SQLITE_OK) {
		free(r);
		return store_fail(s);
	}
	va_start(ap, types);
	e = bind(r->st, types, ap);
	va_end(ap);
	if (e < 0) {
		store_rows_close(r);
		return e;
	}
	*ret = r;
	return 0;
}

bool store_rows_next(struct store_rows *r)
{
	int e;

	if (!r || r->failed)
		return false;
	e = sqlite3_step(r->st);
	if (e == SQLITE_ROW)
		return true;
	if (e != SQLITE_DONE) {
		r->failed = true;
		r->err = store_fail(r->s);
	}
	return false;
}

int store_rows_rebind(struct store_rows *r, const char *types, ...)
{
	va_list ap;
	int e;

	sqlite3_reset(r->st);
	r->failed = false;
	if (!types)
		return 0;
	va_start(ap, types);
	e = bind(r->st, types, ap);
	va_end(ap);
	return e;
}

int64_t store_rows_int(struct store_rows *r, int col)
{
	return sqlite3_column_int64(r->st, col);
}

const char *store_rows_text(struct store_rows *r, int col)
{
	const char *t = (const char *)sqlite3_column_text(r->st, col);

	return t ? t : "";
}

bool store_rows_null(struct store_rows *r, int col)
{
	return sqlite3_column_type(r->st, col) == SQLITE_NULL;
}

int store_rows_close(struct store_rows *r)
{
	int e;

	if (!r)
		return 0;
	e = r->failed ? r->err : 0;
	sqlite3_finalize(r->st);
	free(r);
	return e;
}

int store_exec(struct store *s, enum store_q q, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int e;

	if ((unsigned)q >= STORE_Q_COUNT || !sql[q])
		return -EINVAL;
	if (sqlite3_prepare_v2(store_db(s), sql[q], -1, &st, NULL) != SQLITE_OK)
		return store_fail(s);
	va_start(ap, types);
	e = bind(st, types, ap);
	va_end(ap);
	if (e == 0 && sqlite3_step(st) != SQLITE_DONE)
		e = store_fail(s);
	sqlite3_finalize(st);
	return e;
}
