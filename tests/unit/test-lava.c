// SPDX-License-Identifier: MIT
/*
 * test-lava: the LAVA job log reader (tools/lava/log.c), the job renderer
 * (tools/lava/render.c) and the splitter that turns a job log into one
 * stored boot per (boot, test) pair (lava_ingest_job(), tools/lava/collect.c),
 * on inline logs, the real templates in jobs/ and the real job logs of
 * tests/fixtures/lava/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lava/collect.h"
#include "lava/lava.h"
#include "lava/log.h"
#include "store/store.h"
#include "tap.h"

struct seen {
	int n, target, results;
	char last_msg[256], result[32];
};

static int on_entry(const struct lava_log_entry *e, void *userdata)
{
	struct seen *s = userdata;

	s->n++;
	if (!strcmp(e->lvl, "target"))
		s->target++;
	if (e->msg)
		snprintf(s->last_msg, sizeof(s->last_msg), "%s", e->msg);
	if (!strcmp(e->lvl, "results")) {
		s->results++;
		snprintf(s->result, sizeof(s->result), "%s", e->res_result);
	}
	return 0;
}

/* The fixture's log, decompressed; NULL when zstd is missing. */
static char *fixture(const char *name, size_t *len)
{
	char cmd[256], path[] = "/tmp/test-lava-XXXXXX";
	int fd = mkstemp(path);
	char *buf;

	if (fd < 0)
		return NULL;
	close(fd);
	snprintf(cmd, sizeof(cmd), "zstdcat tests/fixtures/lava/%s.yaml.zst > %s 2>/dev/null", name, path);
	buf = system(cmd) == 0 ? tap_slurp(path, len) : NULL;
	unlink(path);
	return buf;
}

static void test_log(void)
{
	static const char log[] =
	    "- {\"dt\": \"2026-11-25T06:38:07.93\", \"lvl\": \"info\", \"msg\": \"start: 0 validate\"}\n"
	    "- {\"dt\": \"2026-11-25T06:38:08.01\", \"lvl\": \"target\", \"msg\": \"Linux version 7.2\"}\n"
	    "- {\"dt\": \"2026-11-25T06:38:08.02\", \"lvl\": \"target\", \"msg\": ! \"null\"}\n"
	    "- {\"dt\": \"2026-11-25T06:38:09.00\", \"lvl\": \"results\", \"msg\": {\"case\": \"job\", "
	    "\"definition\": \"lava\", \"result\": \"pass\"}}\n";
	struct seen s = {0};
	char err[256] = "";
	long n;

	n = lava_log_parse(log, sizeof(log) - 1, on_entry, &s, err, sizeof(err));
	ok(n == 4 && s.n == 4, "four entries, one per line (%ld: %s)", n, err);
	ok_int(s.target, 2, "two console lines");
	ok_str(s.last_msg, "null", "a PyYAML-tagged scalar is read as its value");
	ok(s.results == 1 && !strcmp(s.result, "pass"), "a results mapping gives its fields");

	memset(&s, 0, sizeof(s));
	n = lava_log_parse("- {\"dt\": \"x\", \"lvl\": \"info\", \"msg\": \"a\"}\n- {\"dt\": [\n", 44,
			   on_entry, &s, err, sizeof(err));
	ok(n == -EBADMSG && strstr(err, "line"), "a broken log is -EBADMSG naming the line (%s)", err);
}

static void test_render(void)
{
	struct lava_param p[] = {{"variant", "shipped"}, {"setup", "smp2"}, {"batch", "3"}};
	char err[512] = "", *yaml = NULL;
	int r;

	r = lava_render_flags("jobs/qemu-smmuv3.yaml", p, 3, 2, LAVA_RENDER_EXAMPLE, &yaml, err, sizeof(err));
	ok(r == 0 && yaml, "the QEMU template renders with 2 boots (%s)", err);
	if (yaml) {
		char kinds[16];
		int nk = lava_definition_actions(yaml, strlen(yaml), kinds, 16);
		int boots = 0;

		for (int i = 0; i < nk; i++)
			boots += kinds[i] == 'b';
		ok(nk > 2 && boots == 2, "the rendered job has two boot actions (%d actions)", nk);
		ok(!strstr(yaml, "x-oopsfarm"), "the template's own keys are gone");
		ok(strstr(yaml, "shipped") != NULL, "a parameter reaches the job");
		free(yaml);
	}
	yaml = NULL;
	p[2].value = "three";
	r = lava_render_flags("jobs/qemu-smmuv3.yaml", p, 3, 1, LAVA_RENDER_EXAMPLE, &yaml, err, sizeof(err));
	ok(r == -EINVAL && !yaml && strstr(err, "batch"),
	   "an int parameter that is not a number: -EINVAL naming it (%s)", err);
	p[2] = (struct lava_param){"no_such_key", "1"};
	r = lava_render_flags("jobs/qemu-smmuv3.yaml", p, 3, 1, LAVA_RENDER_EXAMPLE, &yaml, err, sizeof(err));
	ok(r == -EINVAL && strstr(err, "no_such_key"), "an unknown parameter: -EINVAL naming it");
	r = lava_render("jobs/no-such-board.yaml", p, 0, 1, &yaml, err, sizeof(err));
	ok(r == -ENOENT, "a missing template: -ENOENT");
}

/* lava_ingest_job() on a real 2-boot job log: split, decided, stored once. */
static void test_split(void)
{
	char path[] = "/tmp/test-lava-store-XXXXXX", err[512] = "", *log, *def;
	struct lava_job_row job = {.job_id = 41, .boots = 2};
	struct lava_job_info info = {.health = "Complete", .device = "qemu-01"};
	struct lava_ingest in = {.campaign = "c", .server_id = "unit", .agent_expected = true};
	struct store *s = NULL;
	size_t len = 0, dlen = 0;
	sqlite3_stmt *st;
	int fd = mkstemp(path), n;

	log = fixture("warning", &len);
	def = tap_slurp("tests/fixtures/lava/warning.def.yaml", &dlen);
	if (fd < 0 || !log || !def) {
		skip("zstd or the fixture is missing", "the splitter on a real job log");
		goto out;
	}
	close(fd);
	unlink(path);
	if (store_open(path, &s) < 0 ||
	    store_campaign(s, "c", "WARNING in lkdtm_WARNING", NULL, &in.campaign_id) < 0 ||
	    store_variant(s, in.campaign_id, "shipped", NULL, NULL, NULL, NULL, &job.variant_id) < 0 ||
	    store_setup(s, in.campaign_id, "smp2", 2, 1024, NULL, NULL, &job.setup_id) < 0) {
		ok(0, "a store for the splitter");
		goto out;
	}
	in.s = s;
	in.target = "WARNING in lkdtm_WARNING";
	snprintf(job.variant, sizeof(job.variant), "shipped");
	snprintf(job.setup, sizeof(job.setup), "smp2");
	info.definition = def;
	n = lava_ingest_job(&in, &job, &info, log, len, err, sizeof(err));
	ok(n == 2 && in.stored == 2, "the job splits into its 2 boots, both stored (%d: %s)", n, err);
	ok(in.by_verdict[VERDICT_CRASH] == 2, "both crash: lkdtm's WARNING in each console");
	n = lava_ingest_job(&in, &job, &info, log, len, err, sizeof(err));
	ok(n == 2 && in.stored == 2 && in.again == 2, "ingesting it again stores nothing new");
	if (sqlite3_prepare_v2(store_db(s), "SELECT group_concat(boot_uid, ' ') FROM boots", -1, &st, NULL) ==
		SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok_str((const char *)sqlite3_column_text(st, 0),
		       "c/shipped/smp2/lava-unit-41-1 c/shipped/smp2/lava-unit-41-2",
		       "boot ids name the server, the job and the pair");
	sqlite3_finalize(st);
	/* cut at a line end, halfway */
	len /= 2;
	while (len > 0 && log[len - 1] != '\n')
		len--;
	n = lava_ingest_job(&in, &job, &info, log, len, err, sizeof(err));
	ok(n == -EBADMSG && strstr(err, "truncated"), "a log cut before LAVA's job result is refused (%s)",
	   err);
out:
	store_close(s);
	unlink(path);
	free(log);
	free(def);
}

int main(void)
{
	test_log();
	test_render();
	test_split();
	return tap_done();
}
