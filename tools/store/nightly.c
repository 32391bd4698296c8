// SPDX-License-Identifier: MIT
/* store/nightly.c - the nights table and its queries; see nightly.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/nightly.h"
#include "store/queries.h"

/* a text column, copied ("" for NULL) */
static char *col(struct store_rows *st, int i)
{
	return strdup(store_rows_text(st, i));
}

/* the night of the current row (STORE_Q_NIGHT_* columns) */
static int night_row(struct store_rows *st, struct night *n)
{
	memset(n, 0, sizeof(*n));
	n->id = store_rows_int(st, 0);
	n->campaign_id = store_rows_int(st, 1);
	n->plan = col(st, 2);
	n->date = col(st, 3);
	n->tree = col(st, 4);
	n->ref = col(st, 5);
	n->commit = col(st, 6);
	n->plan_hash = col(st, 7);
	n->status = col(st, 8);
	n->reason = store_rows_null(st, 9) ? NULL : col(st, 9);
	n->started = col(st, 10);
	n->finished = col(st, 11);
	if (!n->plan || !n->date || !n->tree || !n->ref || !n->commit || !n->plan_hash || !n->status ||
	    (!store_rows_null(st, 9) && !n->reason) || !n->started || !n->finished) {
		night_free(n);
		return -ENOMEM;
	}
	return 0;
}

/* the one night of an opened query: 1 and *ret, 0 none, -errno */
static int one_night(struct store_rows *st, struct night *ret)
{
	int r = store_rows_next(st) ? (night_row(st, ret) < 0 ? -ENOMEM : 1) : 0, e = store_rows_close(st);

	if (e < 0 && r >= 0) {
		if (r == 1)
			night_free(ret);
		r = e;
	}
	return r;
}

int store_night_find(struct store *s, const char *plan, const char *date, struct night *ret)
{
	struct store_rows *st;
	int r = store_rows_open(s, STORE_Q_NIGHT_FIND, &st, "tt", plan, date);

	return r < 0 ? r : one_night(st, ret);
}

int store_night_begin(struct store *s, const char *plan, const char *date, int64_t campaign_id,
		      const char *tree, const char *ref, const char *commit, const char *plan_hash,
		      int64_t *ret_id, struct night *ret_night)
{
	struct night n;
	int r = store_night_find(s, plan, date, &n), inserted = r == 0;

	if (r == 0)
		r = store_exec(s, STORE_Q_NIGHT_ADD, "ttitttt", plan, date, campaign_id, tree, ref, commit,
			       plan_hash);
	if (r == 0 && (r = store_night_find(s, plan, date, &n)) == 0)
		r = -EIO; /* inserted, and not there */
	if (r < 0)
		return r;
	*ret_id = n.id;
	if (ret_night)
		*ret_night = n;
	else
		night_free(&n);
	return !inserted;
}

int store_night_finish(struct store *s, int64_t night_id, const char *status, const char *reason)
{
	return store_exec(s, STORE_Q_NIGHT_FINISH, "tti", status, reason, night_id);
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

int store_night_cells(struct store *s, struct night *n)
{
	struct store_rows *st;
	int r;

	/* verdicts per cell: every boot row, infra attempts included */
	if ((r = store_rows_open(s, STORE_Q_NIGHT_CELLS, &st, "i", n->campaign_id)) < 0)
		return r;
	while (store_rows_next(st)) {
		struct night_cell *c = cell_of(n, store_rows_text(st, 0), store_rows_text(st, 1));

		if (!c) {
			store_rows_close(st);
			return -ENOMEM;
		}
		c->pass = store_rows_int(st, 2);
		c->crash = store_rows_int(st, 3);
		c->hang = store_rows_int(st, 4);
		c->infra = store_rows_int(st, 5);
		c->boots = c->pass + c->crash + c->hang;
	}
	if ((r = store_rows_close(st)) < 0)
		return r;
	/* titles: a boot counts once per title; infra boots (a wrong kernel's
	 * crashes) never count */
	if ((r = store_rows_open(s, STORE_Q_NIGHT_TITLES, &st, "i", n->campaign_id)) < 0)
		return r;
	while (store_rows_next(st)) {
		struct night_cell *c = cell_of(n, store_rows_text(st, 0), store_rows_text(st, 1));
		struct night_title *t;

		if (!c || !(t = realloc(c->titles, (c->ntitles + 1) * sizeof(*t)))) {
			store_rows_close(st);
			return -ENOMEM;
		}
		c->titles = t;
		t = &c->titles[c->ntitles++];
		t->title = col(st, 2);
		t->boots = store_rows_int(st, 3);
		t->first_boot = store_rows_int(st, 4);
		t->first_log = col(st, 5);
		if (!t->title || !t->first_log) {
			store_rows_close(st);
			return -ENOMEM;
		}
	}
	return store_rows_close(st);
}

int store_nights(struct store *s, const char *plan, bool with_cells, struct night **ret, unsigned *ret_n)
{
	struct night *v = NULL, *p;
	unsigned n = 0;
	struct store_rows *st;
	int r = store_rows_open(s, STORE_Q_NIGHTS_OF_PLAN, &st, "t", plan);

	if (r < 0)
		return r;
	while (store_rows_next(st)) {
		if (!(p = realloc(v, (n + 1) * sizeof(*v))) || night_row(st, &p[n]) < 0) {
			v = p ? p : v;
			r = -ENOMEM;
			goto fail;
		}
		v = p;
		n++;
	}
	r = store_rows_close(st);
	st = NULL;
	if (r < 0)
		goto fail;
	for (unsigned i = 0; with_cells && i < n; i++)
		if ((r = store_night_cells(s, &v[i])) < 0)
			goto fail;
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	store_rows_close(st);
	nights_free(v, n);
	return r;
}

int store_night_of_campaign(struct store *s, int64_t campaign_id, struct night *ret)
{
	struct store_rows *st;
	int r = store_rows_open(s, STORE_Q_NIGHT_OF_CAMPAIGN, &st, "i", campaign_id);

	return r < 0 ? r : one_night(st, ret);
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
