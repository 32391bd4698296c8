// SPDX-License-Identifier: MIT
/* store/nightly.c - the nights table and its queries; see nightly.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/nightly.h"

/* v3: nightly runs, one row per plan and night */
const char store_schema_v3[] =
    "CREATE TABLE nights ("
    "  id INTEGER PRIMARY KEY, plan TEXT NOT NULL, night TEXT NOT NULL,"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  tree TEXT, ref TEXT, git_commit TEXT, plan_hash TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('running','done','build-failed')), reason TEXT,"
    "  started TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), finished TEXT,"
    "  UNIQUE (plan, night));"
    /* whether our agent was init on the boot: 1, 0, NULL before v3 */
    "ALTER TABLE boots ADD COLUMN agent INTEGER;";

static int prepare(struct store *s, const char *sql, sqlite3_stmt **ret)
{
	return sqlite3_prepare_v2(store_db(s), sql, -1, ret, NULL) == SQLITE_OK ? 0 : -EIO;
}

static char *col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return strdup(v ? v : "");
}

#define NIGHT_COLS                                                                                           \
	"id, campaign_id, plan, night, tree, ref, git_commit, plan_hash, status, reason, started, finished"

static int night_row(sqlite3_stmt *st, struct night *n)
{
	memset(n, 0, sizeof(*n));
	n->id = sqlite3_column_int64(st, 0);
	n->campaign_id = sqlite3_column_int64(st, 1);
	n->plan = col(st, 2);
	n->date = col(st, 3);
	n->tree = col(st, 4);
	n->ref = col(st, 5);
	n->commit = col(st, 6);
	n->plan_hash = col(st, 7);
	n->status = col(st, 8);
	n->reason = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : col(st, 9);
	n->started = col(st, 10);
	n->finished = col(st, 11);
	if (!n->plan || !n->date || !n->tree || !n->ref || !n->commit || !n->plan_hash || !n->status ||
	    !n->started || !n->finished) {
		night_free(n);
		return -ENOMEM;
	}
	return 0;
}

int store_night_find(struct store *s, const char *plan, const char *date, struct night *ret)
{
	sqlite3_stmt *st;
	int r = prepare(s, "SELECT " NIGHT_COLS " FROM nights WHERE plan = ? AND night = ?", &st);

	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, plan, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		r = night_row(st, ret) < 0 ? -ENOMEM : 1;
	else
		r = r == SQLITE_DONE ? 0 : -EIO;
	sqlite3_finalize(st);
	return r;
}

int store_night_begin(struct store *s, const char *plan, const char *date, int64_t campaign_id,
		      const char *tree, const char *ref, const char *commit, const char *plan_hash,
		      int64_t *ret_id, struct night *ret_night)
{
	struct night n;
	sqlite3_stmt *st;
	int r = store_night_find(s, plan, date, &n);

	if (r == 1) {
		*ret_id = n.id;
		if (ret_night)
			*ret_night = n;
		else
			night_free(&n);
		return 1;
	}
	if (r < 0)
		return r;
	r = prepare(s,
		    "INSERT INTO nights (plan, night, campaign_id, tree, ref, git_commit, plan_hash, status)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, 'running')",
		    &st);
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, plan, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, campaign_id);
	sqlite3_bind_text(st, 4, tree, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, commit, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, plan_hash, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	*ret_id = sqlite3_last_insert_rowid(store_db(s));
	if (ret_night && store_night_find(s, plan, date, ret_night) != 1)
		return -EIO;
	return 0;
}

int store_night_finish(struct store *s, int64_t night_id, const char *status, const char *reason)
{
	sqlite3_stmt *st;
	int r = prepare(s,
			"UPDATE nights SET status = ?, reason = ?,"
			" finished = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
			&st);

	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, night_id);
	r = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	sqlite3_finalize(st);
	return r;
}

static struct night_cell *cell_of(struct night *n, const char *variant, const char *setup)
{
	struct night_cell *c;

	for (unsigned i = 0; i < n->ncells; i++)
		if (!strcmp(n->cells[i].variant, variant) && !strcmp(n->cells[i].setup, setup))
			return &n->cells[i];
	c = realloc(n->cells, (n->ncells + 1) * sizeof(*c));
	if (!c)
		return NULL;
	n->cells = c;
	c = &n->cells[n->ncells];
	memset(c, 0, sizeof(*c));
	c->variant = strdup(variant);
	c->setup = strdup(setup);
	if (!c->variant || !c->setup) {
		free(c->variant);
		free(c->setup);
		return NULL;
	}
	n->ncells++;
	return c;
}

/* the cell named by the row's first two columns (variant, setup) */
static struct night_cell *row_cell(struct night *n, sqlite3_stmt *st)
{
	return cell_of(n, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
}

/* boots without our agent are a cell of their own: "<setup> (no agent)" */
#define NO_AGENT "CASE WHEN b.agent = 0 THEN ' (no agent)' ELSE '' END"

int store_night_cells(struct store *s, struct night *n)
{
	sqlite3_stmt *st;
	int r;

	/* verdicts per cell: every boot row, infra attempts included */
	r = prepare(
	    s,
	    "SELECT v.name, st.name || " NO_AGENT ", sum(b.verdict = 'pass'), sum(b.verdict = 'crash'),"
	    " sum(b.verdict = 'hang'), sum(b.verdict = 'infra')"
	    " FROM boots b JOIN variants v ON v.id = b.variant_id JOIN setups st ON st.id = b.setup_id"
	    " WHERE b.campaign_id = ? GROUP BY 2, v.name ORDER BY 2, v.name",
	    &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, n->campaign_id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct night_cell *c = row_cell(n, st);

		if (!c) {
			sqlite3_finalize(st);
			return -ENOMEM;
		}
		c->pass = sqlite3_column_int(st, 2);
		c->crash = sqlite3_column_int(st, 3);
		c->hang = sqlite3_column_int(st, 4);
		c->infra = sqlite3_column_int(st, 5);
		c->boots = c->pass + c->crash + c->hang;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return -EIO;
	/* titles: a boot counts once per title; infra boots (a wrong kernel's
	 * crashes) never count */
	r = prepare(
	    s,
	    "SELECT g.vn, g.sn, g.title, g.n, g.first, (SELECT log_path FROM boots WHERE id = g.first) FROM"
	    " (SELECT v.name AS vn, st.name || " NO_AGENT
	    " AS sn, c.title AS title, count(DISTINCT b.id) AS n,"
	    "  min(b.id) AS first"
	    "  FROM crashes c JOIN boots b ON b.id = c.boot_id JOIN variants v ON v.id = b.variant_id"
	    "  JOIN setups st ON st.id = b.setup_id"
	    "  WHERE b.campaign_id = ? AND b.verdict = 'crash' GROUP BY sn, v.name, c.title) g"
	    " ORDER BY g.sn, g.vn, g.title",
	    &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, n->campaign_id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct night_cell *c = row_cell(n, st);
		struct night_title *t;

		if (!c || !(t = realloc(c->titles, (c->ntitles + 1) * sizeof(*t)))) {
			sqlite3_finalize(st);
			return -ENOMEM;
		}
		c->titles = t;
		t = &c->titles[c->ntitles++];
		t->title = col(st, 2);
		t->boots = sqlite3_column_int(st, 3);
		t->first_boot = sqlite3_column_int64(st, 4);
		t->first_log = col(st, 5);
		if (!t->title || !t->first_log) {
			sqlite3_finalize(st);
			return -ENOMEM;
		}
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : -EIO;
}

int store_nights(struct store *s, const char *plan, bool with_cells, struct night **ret, unsigned *ret_n)
{
	struct night *v = NULL, *p;
	unsigned n = 0;
	sqlite3_stmt *st;
	int r = prepare(s, "SELECT " NIGHT_COLS " FROM nights WHERE plan = ? ORDER BY night", &st);

	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, plan, -1, SQLITE_TRANSIENT);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (!(p = realloc(v, (n + 1) * sizeof(*v))) || night_row(st, &p[n]) < 0) {
			v = p ? p : v;
			r = -ENOMEM;
			goto fail;
		}
		v = p;
		n++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r != SQLITE_DONE) {
		r = -EIO;
		goto fail;
	}
	for (unsigned i = 0; with_cells && i < n; i++)
		if ((r = store_night_cells(s, &v[i])) < 0)
			goto fail;
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	sqlite3_finalize(st);
	nights_free(v, n);
	return r;
}

int store_night_of_campaign(struct store *s, int64_t campaign_id, struct night *ret)
{
	sqlite3_stmt *st;
	int r = prepare(s, "SELECT " NIGHT_COLS " FROM nights WHERE campaign_id = ?", &st);

	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, campaign_id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		r = night_row(st, ret) < 0 ? -ENOMEM : 1;
	else
		r = r == SQLITE_DONE ? 0 : -EIO;
	sqlite3_finalize(st);
	return r;
}

void night_free(struct night *n)
{
	if (!n)
		return;
	for (unsigned i = 0; i < n->ncells; i++) {
		for (unsigned k = 0; k < n->cells[i].ntitles; k++) {
			free(n->cells[i].titles[k].title);
			free(n->cells[i].titles[k].first_log);
		}
		free(n->cells[i].titles);
		free(n->cells[i].variant);
		free(n->cells[i].setup);
	}
	free(n->cells);
	free(n->plan);
	free(n->date);
	free(n->tree);
	free(n->ref);
	free(n->commit);
	free(n->plan_hash);
	free(n->status);
	free(n->reason);
	free(n->started);
	free(n->finished);
	memset(n, 0, sizeof(*n));
}

void nights_free(struct night *n, unsigned count)
{
	for (unsigned i = 0; n && i < count; i++)
		night_free(&n[i]);
	free(n);
}
