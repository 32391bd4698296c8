/* SPDX-License-Identifier: MIT */
/*
 * queries.h - the named queries the rest of the host side asks the store
 * (every SQL statement lives under tools/store/; the schema is in
 * store.c and doc/store.md).  Each returns 0 (or a count) on success and
 * -errno on failure: -EIO for an SQLite error, -ENOMEM.
 */
#ifndef OOPSFARM_QUERIES_H
#define OOPSFARM_QUERIES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* How many attempts of one boot are stored: boots whose uid is uid_prefix
 * followed by "#<attempt>".  A count, or -errno. */
int store_boot_attempts(struct store *s, const char *uid_prefix);

/*
 * The campaign named name: 1 when stored, with its id, its target (malloc'd,
 * "" for any crash; free it) and its number of stored boots; 0 when there
 * is none (the rets untouched); -errno.  ret_* may be NULL.
 */
int store_campaign_find(struct store *s, const char *name, int64_t *ret_id, char **ret_target,
			int *ret_boots);

/* One stored outcome of a campaign, as `run --resume` needs it. */
struct store_outcome {
	int64_t variant_id, setup_id;
	int seq;
	bool target_hit;
	bool given_up;	/* infra more than max_retries times: done, never in a rate */
};

/*
 * Calls fn for every boot of the campaign that counts (verdict not infra)
 * and for every boot index given up after more than max_retries infra
 * errors.  Returns 0, or -errno.
 */
int store_outcomes_each(struct store *s, int64_t campaign_id, int max_retries,
			void (*fn)(const struct store_outcome *o, void *userdata), void *userdata);

#endif
