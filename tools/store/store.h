/* SPDX-License-Identifier: MIT */
/*
 * store.h - the results store: one SQLite file, one row per finished boot.
 *
 * WAL mode, one transaction per boot, so a run killed with -9 loses at most
 * the boot in flight, and every boot that finished is counted once: a boot
 * carries a unique id (boot_uid) and inserting it again is a no-op.  The
 * schema is in doc/store.md; PRAGMA user_version holds its version and
 * store_open() migrates older files forward.
 */
#ifndef OOPSFARM_STORE_H
#define OOPSFARM_STORE_H

#include <stdbool.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION 6

struct store;

enum boot_verdict {
	VERDICT_PASS,  /* the agent's end line came, no crash on the console */
	VERDICT_CRASH, /* the console holds a crash (whatever else happened) */
	VERDICT_HANG,  /* the kernel stopped making progress, no crash */
	VERDICT_INFRA, /* power, flashing, console, build-id mismatch: no crash */
};

struct store_crash {
	const char *title, *kind, *frame, *hash;
	bool corrupted;
	uint64_t start, end;
};

struct store_boot {
	const char *boot_uid; /* unique: campaign + variant + setup + index + attempt */
	int64_t campaign_id, variant_id, setup_id;
	int seq; /* the boot's index in the campaign */
	enum boot_verdict verdict;
	const char *infra_reason; /* NULL unless VERDICT_INFRA */
	bool target_hit;	  /* the campaign's target title appeared */
	const char *started;	  /* ISO 8601 UTC */
	int64_t wall_ms, cpu_ms;
	const char *knobs;    /* the agent's knobs, as printed in its begin line */
	const char *build_id; /* what the agent saw booted */
	const char *log_path;
	const struct store_crash *crashes;
	int ncrashes;
	/* v2 */
	const char *source;  /* "local" (NULL) or "lava" */
	const char *board;   /* the board or LAVA device that ran it */
	double host_load;    /* 1-min load average at the boot's start; <0 unknown */
	int64_t lava_job_id; /* 0 unless a LAVA boot */
	/* v3 */
	bool no_agent; /* our agent was not init (a lab's own job, --no-agent):
			* rates of the two kinds are never pooled */
	/* v4 (store/ledger.h) */
	const char *flash_method; /* "ram", "slots"; NULL or "": the board was not flashed */
	const char *slot;	  /* the A/B slot booted ("a", "b"); NULL or "": none */
};

/* Opens or creates path; returns 0 or -errno (-EPROTO: newer schema than this build). */
int store_open(const char *path, struct store **ret);
void store_close(struct store *s);

/* Returns the id of the campaign named name, creating it. */
int store_campaign(struct store *s, const char *name, const char *target, const char *spec, int64_t *ret_id);
/* The campaign's sequential rule (campaign_until_format), or NULL for none. */
int store_campaign_set_until(struct store *s, int64_t campaign_id, const char *until);
int store_variant(struct store *s, int64_t campaign_id, const char *name, const char *source_version,
		  const char *patches, const char *image_sha256, const char *build_id, int64_t *ret_id);
int store_setup(struct store *s, int64_t campaign_id, const char *name, int vcpus, int memory_mb,
		const char *dtb_sha256, const char *cpu_model, int64_t *ret_id);

/* Records a finished boot and its crashes in one transaction.  Returns 1
 * when stored, 0 when this boot_uid was stored before, -errno on error. */
int store_add_boot(struct store *s, const struct store_boot *b);

/* Number of stored boots of a campaign (resume uses it). */
int store_count_boots(struct store *s, int64_t campaign_id, int64_t variant_id, int64_t setup_id);

/* The underlying handle, for the queries of tools/store/ only. */
struct sqlite3 *store_db(struct store *s);

/* SQLite's quick integrity check: 0, -EBADMSG (the file is corrupt), -errno. */
int store_check(struct store *s);

/* SQLite's words for the last error on s (sqlite3_errmsg). */
const char *store_errmsg(struct store *s);

/*
 * For the code of tools/store/ after a SQLite call failed on s: the -errno
 * for SQLite's error code (-EBUSY busy or locked, -EACCES cannot open or
 * read-only, -ENOMEM, -EBADMSG corrupt or not a database, -ENOSPC full,
 * -EIO otherwise), and SQLite's message kept for store_strerror().
 */
int store_fail(struct store *s);

/*
 * What to print for a store function's -errno r: SQLite's own words when r
 * came from the last SQLite failure ("database disk image is malformed",
 * "attempt to write a readonly database"), else strerror(-r).
 */
const char *store_strerror(int r);

const char *verdict_name(enum boot_verdict v);
/* The verdict named name (as stored); anything else (NULL too) is VERDICT_INFRA. */
enum boot_verdict verdict_from_name(const char *name);

#endif
