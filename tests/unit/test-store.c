// SPDX-License-Identifier: MIT
/*
 * test-store: the results store (tools/store/) on a real SQLite file:
 * one row per boot whatever happens, the named queries of queries.h, the
 * slot ledger and the v3 -> v4 migration, and a file that is not a store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/ledger.h"
#include "store/queries.h"
#include "store/store.h"
#include "tap.h"

struct counts {
	int counted, hits, given_up;
};

static void on_outcome(const struct store_outcome *o, void *userdata)
{
	struct counts *c = userdata;

	if (o->given_up) {
		c->given_up++;
		return;
	}
	c->counted++;
	c->hits += o->target_hit;
}

int main(void)
{
	char path[] = "/tmp/test-store-XXXXXX", *target = NULL;
	struct store_crash cr = {.title = "WARNING in foo",
				 .kind = "warning",
				 .frame = "foo",
				 .hash = "00000000000000aa",
				 .start = 10,
				 .end = 90};
	struct store *s = NULL;
	struct counts c = {0};
	int64_t cid, vid, sid, id2;
	int fd = mkstemp(path), r, boots = -1;

	if (fd < 0)
		return 1;
	close(fd);
	unlink(path);
	ok_int(store_open(path, &s), 0, "a new store is created");
	ok(store_campaign(s, "race", "WARNING in foo", NULL, &cid) == 0 && cid > 0, "a campaign");
	ok(store_campaign(s, "race", "WARNING in foo", NULL, &id2) == 0 && id2 == cid,
	   "... found again by name");
	ok(store_variant(s, cid, "shipped", "7.2", NULL, NULL, "ab", &vid) == 0, "a variant");
	ok(store_setup(s, cid, "smp2", 2, 1024, NULL, NULL, &sid) == 0, "a setup");

	for (int i = 0; i < 3; i++) {
		char uid[64];
		struct store_boot b = {.boot_uid = uid,
				       .campaign_id = cid,
				       .variant_id = vid,
				       .setup_id = sid,
				       .seq = i,
				       .verdict = i == 1 ? VERDICT_CRASH : VERDICT_PASS,
				       .target_hit = i == 1,
				       .crashes = &cr,
				       .ncrashes = i == 1,
				       .host_load = -1};

		snprintf(uid, sizeof(uid), "race/shipped/smp2/%d#0", i);
		ok_int(store_add_boot(s, &b), 1, "boot %d stored", i);
	}
	{
		struct store_boot b = {.boot_uid = "race/shipped/smp2/1#0",
				       .campaign_id = cid,
				       .variant_id = vid,
				       .setup_id = sid,
				       .seq = 1,
				       .verdict = VERDICT_PASS,
				       .host_load = -1};

		ok_int(store_add_boot(s, &b), 0, "the same boot_uid again is a no-op");
	}
	/* boot 3: infra three times, given up */
	for (int a = 0; a < 3; a++) {
		char uid[64];
		struct store_boot b = {.boot_uid = uid,
				       .campaign_id = cid,
				       .variant_id = vid,
				       .setup_id = sid,
				       .seq = 3,
				       .verdict = VERDICT_INFRA,
				       .infra_reason = "empty console",
				       .host_load = -1};

		snprintf(uid, sizeof(uid), "race/shipped/smp2/3#%d", a);
		store_add_boot(s, &b);
	}
	ok_int(store_boot_attempts(s, "race/shipped/smp2/3"), 3, "three attempts of boot 3 stored");
	ok_int(store_boot_attempts(s, "race/shipped/smp2/0"), 1, "one of boot 0");
	ok_int(store_boot_attempts(s, "race/shipped/smp2/9"), 0, "none of boot 9");
	ok_int(store_count_boots(s, cid, vid, sid), 6, "six rows in all");

	r = store_campaign_find(s, "race", &id2, &target, &boots);
	ok(r == 1 && id2 == cid && target && !strcmp(target, "WARNING in foo") && boots == 6,
	   "store_campaign_find: id, target, boots");
	free(target);
	target = NULL;
	ok_int(store_campaign_find(s, "nope", &id2, &target, &boots), 0, "an unknown campaign is 0");
	ok(!target && boots == 6, "... with the rets untouched");

	r = store_outcomes_each(s, cid, 2, on_outcome, &c);
	ok(r == 0 && c.counted == 3 && c.hits == 1, "outcomes: three counted boots, one target");
	ok_int(c.given_up, 1, "... and boot 3 given up after more than 2 retries");
	memset(&c, 0, sizeof(c));
	store_outcomes_each(s, cid, 3, on_outcome, &c);
	ok_int(c.given_up, 0, "with 3 retries allowed it is not given up yet");
	/* v4: the flash method and slot of a boot, and the slot ledger */
	{
		struct store_boot b = {.boot_uid = "race/shipped/smp2/4#0",
				       .campaign_id = cid,
				       .variant_id = vid,
				       .setup_id = sid,
				       .seq = 4,
				       .verdict = VERDICT_PASS,
				       .host_load = -1,
				       .flash_method = "slots",
				       .slot = "b"};
		struct store_slot sl;
		sqlite3_stmt *st;
		char got[64] = "";

		ok_int(store_add_boot(s, &b), 1, "a boot with its flash method and slot");
		if (sqlite3_prepare_v2(store_db(s),
				       "SELECT flash_method || ' ' || slot FROM boots WHERE seq = 4", -1, &st,
				       NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				snprintf(got, sizeof(got), "%s", (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
		ok_str(got, "slots b", "... stored");
		ok_int(store_slot_get(s, "desk1", "a", &sl), -ENOENT, "a slot never recorded: -ENOENT");
		store_slot_set(s, "desk1", "a", "shipped", "aa11", "flashing");
		store_slot_set(s, "desk1", "a", "shipped", "aa11", "ok");
		ok(store_slot_get(s, "desk1", "a", &sl) == 0 && !strcmp(sl.state, "ok") &&
		       !strcmp(sl.build_id, "aa11") && !strcmp(sl.variant, "shipped") && sl.flashes == 1 &&
		       sl.mismatches == 0,
		   "flashing then ok: one flash, the variant and build-id kept");
		store_slot_set(s, "desk1", "a", NULL, "bb22", "wrong");
		ok(store_slot_get(s, "desk1", "a", &sl) == 0 && !strcmp(sl.state, "wrong") &&
		       !strcmp(sl.build_id, "aa11") && sl.flashes == 1 && sl.mismatches == 1,
		   "a boot of another build-id: wrong, one mismatch, the flashed build-id kept");
		store_slot_set(s, "desk1", "a", "shipped", "aa11", "flashing");
		store_slot_set(s, "desk1", "a", "shipped", "aa11", "failed");
		ok(store_slot_get(s, "desk1", "a", &sl) == 0 && !strcmp(sl.state, "failed") &&
		       sl.flashes == 2 && sl.mismatches == 1,
		   "a failed reflash: failed, two flashes");
		ok(store_slot_get(s, "desk2", "a", &sl) == -ENOENT, "boards are apart");
		ok(store_slot_set(s, "desk1", "a", "x", "y", "bogus") < 0, "an unknown state is refused");
	}
	store_close(s);
	store_close(NULL);

	/* a v3 store (v4's and v5's additions removed) is migrated when opened */
	{
		sqlite3 *db;
		struct store_slot sl;
		int ok3 = sqlite3_open(path, &db) == SQLITE_OK &&
			  sqlite3_exec(db,
				       "DROP TABLE slot_ledger; ALTER TABLE boots DROP COLUMN flash_method;"
				       " ALTER TABLE boots DROP COLUMN slot; DROP TABLE bisect_events;"
				       " DROP TABLE bisects; PRAGMA user_version = 3;",
				       NULL, NULL, NULL) == SQLITE_OK;

		sqlite3_close(db);
		ok(ok3, "a v3 store made");
		s = NULL;
		ok_int(store_open(path, &s), 0, "... opens");
		ok(s && store_slot_get(s, "desk1", "a", &sl) == -ENOENT &&
		       store_slot_set(s, "desk1", "a", "v", "b", "ok") == 0,
		   "... with an empty slot ledger after the migration");
		ok_int(store_count_boots(s, cid, vid, sid), 7, "... and its boots");
		store_close(s);
	}

	/* a file that is not a store */
	{
		FILE *f = fopen(path, "w");

		fputs("this is not SQLite, just text long enough to hold a header and more of it\n", f);
		fclose(f);
		s = NULL;
		r = store_open(path, &s);
		ok(r < 0 && !s, "a file that is not SQLite is refused (%s)", strerror(-r));
	}
	unlink(path);
	return tap_done();
}
