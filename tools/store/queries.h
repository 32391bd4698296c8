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
	bool given_up; /* infra more than max_retries times: done, never in a rate */
};

/*
 * Calls fn for every boot of the campaign that counts (verdict not infra)
 * and for every boot index given up after more than max_retries infra
 * errors.  Returns 0, or -errno.
 */
int store_outcomes_each(struct store *s, int64_t campaign_id, int max_retries,
			void (*fn)(const struct store_outcome *o, void *userdata), void *userdata);

/*
 * Every other query is named here and written once in queries.c, so that
 * the schema's owner sees all SQL in one folder.  A caller opens the rows
 * of a named query with its parameters, reads columns by index (in the
 * order of the query's SELECT list, documented next to its name) and
 * closes it.  Parameter types, one letter each: 'i' int64_t, 'd' int,
 * 't' const char * (NULL binds SQL NULL).
 */
enum store_q {
	/* id, name, target: the campaign named ?1 */
	STORE_Q_CAMPAIGN_BY_NAME,
	/* id, name, target: the newest campaign */
	STORE_Q_CAMPAIGN_NEWEST,
	/* target, spec: campaign ?1 (id) */
	STORE_Q_CAMPAIGN_BY_ID,
	/* until: campaign ?1's sequential rule (NULL: none) */
	STORE_Q_CAMPAIGN_UNTIL,
	/* build_id: variant ?1 (id) */
	STORE_Q_VARIANT_BUILD_ID,
	/* variant, setup, variant_id, setup_id, boots, fails, infra, hangs, lava,
	 * agent: campaign ?1's cells, by setup then variant (rates exclude
	 * infra).  Boots without our agent (boots.agent = 0) are a cell of their
	 * own, never pooled with the agent's: their setup is "<name> (no agent)".
	 * Every query below that names a cell or a setup takes its agent flag
	 * (1 or 0) too, as the parameter it names. */
	STORE_Q_CELLS,
	/* title, boots, first log: campaign ?1, variant ?2, setup ?3, agent ?5,
	 * titles other than ?4, of boots that are not infra */
	STORE_Q_OTHER_TITLES,
	/* title, kind, boots, first boot id: crash titles of campaign ?1,
	 * variant ?2, setup ?3, agent ?5 (not infra), the target ?4 first */
	STORE_Q_CELL_TITLES,
	/* id, failing boots in all: the first ?4 crashing or hanging boots of
	 * campaign ?1, variant ?2, setup ?3, agent ?5 */
	STORE_Q_CELL_FAILING,
	/* id, uid, verdict, reason, wall_ms, log, source, lava job, server, board:
	 * the boots of campaign ?1, variant ?2, setup ?3, agent ?4, in order */
	STORE_Q_CELL_BOOTS,
	/* tests, failures (crash, hang), skipped (infra), wall ms: campaign ?1 */
	STORE_Q_TOTALS,
	/* the same for campaign ?1, variant ?2, setup ?3, agent ?4 */
	STORE_Q_TOTALS_CELL,
	/* title, kind, frame, corrupted: the crashes of boot ?1, in order */
	STORE_Q_BOOT_CRASHES,
	/* uid, log, source, lava job, server, verdict: boot ?1 */
	STORE_Q_BOOT_REF,
	/* variant_id, target_hit: counted boots of campaign ?1, setup ?2, agent
	 * ?3, in order */
	STORE_Q_SETUP_OUTCOMES,
	/* variant, verdict, reason, source, count: hangs and infra errors of
	 * campaign ?1, setup ?2, agent ?3, by reason */
	STORE_Q_SETUP_APART,
	/* boot indexes of campaign ?1, setup ?2, agent ?3: max(seq) + 1 */
	STORE_Q_SETUP_NBOOTS,
	/* variant, seq, counted, target_hit, rows: per boot index of campaign
	 * ?1, setup ?2, agent ?3 */
	STORE_Q_SETUP_SEQ_OUTCOMES,
	/* id, job, server, variant_id, setup_id, batch, boots, log offset,
	 * state, health, collected, variant, setup, build_id, device type,
	 * boot base: the LAVA jobs of campaign ?1 */
	STORE_Q_LAVA_JOBS,
	/* id, job, server, variant, setup, state, health, batch, boots,
	 * collected, boots stored: the LAVA jobs of the campaign named ?1 */
	STORE_Q_LAVA_STATUS,
	/* 1 when campaign ?1 has a job on server ?2 for variant ?3, setup ?4,
	 * batch ?5 */
	STORE_Q_LAVA_JOB_STORED,
	/* campaign, server, variant, setup: the next batch and the boots of the batches before */
	STORE_Q_LAVA_NEXT_BATCH,
	/* INSERT: campaign, server, job, variant, setup, device type, batch,
	 * boots, state, health; submitted now (a job stored is kept) */
	STORE_Q_LAVA_ADD_JOB,
	/* UPDATE: job row ?2's log offset to ?1 */
	STORE_Q_LAVA_SET_OFFSET,
	/* UPDATE: job row ?3's state ?1 and health ?2 */
	STORE_Q_LAVA_SET_STATE,
	/* UPDATE: the same, and collected now */
	STORE_Q_LAVA_SET_COLLECTED,
	/* variant, source version, patches, build_id, board of its first boot:
	 * the variants of campaign ?1 (kcidb builds) */
	STORE_Q_KCIDB_BUILDS,
	/* uid, variant, setup ("<name> (no agent)" without our agent), verdict,
	 * reason, started, wall_ms (NULL unknown), log, board, source, seq,
	 * build_id, agent: the boots of campaign ?1 in order (kcidb tests) */
	STORE_Q_KCIDB_TESTS,
	/* title, kind: the crash titles of campaign ?1's crash boots (kcidb issues) */
	STORE_Q_KCIDB_ISSUES,
	/* uid, variant, title: each crash boot of campaign ?1 and each title it
	 * shows, once (kcidb incidents) */
	STORE_Q_KCIDB_INCIDENTS,
	/* id, campaign_id, plan, night, tree, ref, commit, plan hash, status,
	 * reason (NULL none), started, finished: the night of plan ?1 on date
	 * ?2 (store/nightly.h) */
	STORE_Q_NIGHT_FIND,
	/* the same columns: the night whose campaign is ?1 */
	STORE_Q_NIGHT_OF_CAMPAIGN,
	/* the same columns: every night of plan ?1, oldest first */
	STORE_Q_NIGHTS_OF_PLAN,
	/* INSERT: plan, night, campaign, tree, ref, commit, plan hash; status
	 * "running" */
	STORE_Q_NIGHT_ADD,
	/* UPDATE night ?3: status ?1, reason ?2, finished now */
	STORE_Q_NIGHT_FINISH,
	/* variant, setup ("<name> (no agent)" without our agent), pass, crash,
	 * hang, infra: the cells of campaign ?1, every boot row */
	STORE_Q_NIGHT_CELLS,
	/* variant, setup (as above), title, boots, first boot id, its log: the
	 * titles of campaign ?1's crash boots, a boot once per title */
	STORE_Q_NIGHT_TITLES,
	/* uid, variant, verdict, infra_reason, target_hit, first crash title,
	 * log_path, wall_ms: the boots the farm stored for bisect ?1 (campaign
	 * "bisect-?1") that none of its events holds, in stored order (a kill -9
	 * between the two writes leaves one; resume counts it then) */
	STORE_Q_BISECT_ORPHANS,
	STORE_Q_COUNT
};

struct store_rows;

/* Opens the rows of query q with its parameters.  0, or -EIO (SQLite
 * refused it), -ENOMEM; *ret is NULL on failure. */
int store_rows_open(struct store *s, enum store_q q, struct store_rows **ret, const char *types, ...);

/* The next row: true, or false at the end or on an error (close says). */
bool store_rows_next(struct store_rows *r);

/* Runs the query again from its start, with new parameters (types NULL:
 * the same ones).  0 or -EIO. */
int store_rows_rebind(struct store_rows *r, const char *types, ...);

/* Column col of the current row: as a number (0 for NULL), as text
 * ("" for NULL; valid until the next call on r), or whether it is NULL. */
int64_t store_rows_int(struct store_rows *r, int col);
const char *store_rows_text(struct store_rows *r, int col);
bool store_rows_null(struct store_rows *r, int col);

/* Closes r (NULL is fine).  0, or -EIO when a step failed. */
int store_rows_close(struct store_rows *r);

/* Runs a query that returns no rows (UPDATE, INSERT).  0 or -EIO. */
int store_exec(struct store *s, enum store_q q, const char *types, ...);

#endif
