// SPDX-License-Identifier: MIT
/* queries.c - see queries.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/queries.h"

static int prepare(struct store *s, const char *sql, sqlite3_stmt **ret)
{
	return sqlite3_prepare_v2(store_db(s), sql, -1, ret, NULL) == SQLITE_OK ? 0 : -EIO;
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
	return r == SQLITE_ROW ? n : -EIO;
}

int store_campaign_find(struct store *s, const char *name, int64_t *ret_id, char **ret_target,
			int *ret_boots)
{
	sqlite3_stmt *st;
	char *target = NULL;
	int r;

	r = prepare(s,
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
		return -EIO;
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
		fn(&(struct store_outcome){ .variant_id = sqlite3_column_int64(st, 0),
					    .setup_id = sqlite3_column_int64(st, 1),
					    .seq = sqlite3_column_int(st, 2),
					    .target_hit = sqlite3_column_int(st, 3) != 0 },
		   userdata);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return -EIO;
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
		fn(&(struct store_outcome){ .variant_id = sqlite3_column_int64(st, 0),
					    .setup_id = sqlite3_column_int64(st, 1),
					    .seq = sqlite3_column_int(st, 2),
					    .given_up = true },
		   userdata);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : -EIO;
}
