// SPDX-License-Identifier: MIT
/*
 * kcidb.c - a campaign (or a night) in KernelCI's common report format,
 * kcidb I/O schema v5.3 (`oopsfarm report --kcidb FILE [--origin NAME]`).
 * The mapping is in doc/nightly.md ("kcidb"); in short:
 *   checkouts  one per campaign: for a night, its tree, ref and commit;
 *   builds     one per variant: its source version, patches, build-id, and
 *              the board recipe's kernel fragment as the config;
 *   tests      one per stored boot, path "oopsfarm.boot": pass -> PASS,
 *              crash or hang -> FAIL, infra -> ERROR; the console log linked
 *              (file:// URL of the kept log);
 *   issues     one per crash title (the signature), version 1;
 *   incidents  one per counted boot that shows the title.
 * Every id starts with "<origin>:" and holds the campaign's name (a night's
 * is "<plan>@<date>"), so nights never collide; a test's is the boot's uid,
 * an incident's the boot's uid and the issue's key.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oopsfarm.h"
#include "report/report.h"
#include "store/nightly.h"
#include "store/queries.h"

bool report_origin_valid(const char *origin)
{
	return origin && origin[0] && !origin[strspn(origin, "abcdefghijklmnopqrstuvwxyz0123456789_")];
}

const char *report_kcidb_status(const char *verdict)
{
	if (!strcmp(verdict, "pass"))
		return "PASS";
	if (!strcmp(verdict, "crash") || !strcmp(verdict, "hang"))
		return "FAIL";
	return "ERROR";
}

/* "origin:campaign" + suffix as a JSON string */
static void id(FILE *f, const char *origin, const char *campaign, const char *sep, const char *suffix)
{
	char *s;

	if (asprintf(&s, "%s:%s%s%s", origin, campaign, suffix ? sep : "", suffix ? suffix : "") < 0) {
		fputs("\"\"", f);
		return;
	}
	json_escape(f, s);
	free(s);
}

/* "title-<FNV-1a 64 of the title>": stable over runs and nights */
static const char *title_key(const char *title, char buf[24])
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	snprintf(buf, 24, "title-%016llx", h);
	return buf;
}

/* an issue's id: one per title */
static void issue_id(FILE *f, const char *origin, const char *title)
{
	char key[24];

	fprintf(f, "\"%s:%s\"", origin, title_key(title, key));
}

/* ,"key":"value" */
static void kv(FILE *f, const char *key, const char *value)
{
	fprintf(f, ",\"%s\":", key);
	json_escape(f, value);
}

static const char *text(struct store_rows *st, int i)
{
	return store_rows_text(st, i);
}

/* file:///absolute/path of a stored log, or false when there is none */
static bool log_url(const char *path, char *buf, size_t size)
{
	char abs[PATH_MAX];

	if (!path[0] || !realpath(path, abs))
		return false;
	snprintf(buf, size, "file://%s", abs);
	return true;
}

static void checkout(const struct report *r, const char *origin, const struct night *n, bool is_night,
		     FILE *f)
{
	fputs("\"checkouts\":[{\"id\":", f);
	id(f, origin, r->name, "", NULL);
	fprintf(f, ",\"origin\":\"%s\"", origin);
	if (is_night) {
		const char *slash = strrchr(n->tree, '/');

		kv(f, "tree_name", slash && slash[1] ? slash + 1 : n->tree);
		kv(f, "git_repository_branch", n->ref);
		if (strlen(n->commit) == 40) {
			kv(f, "git_commit_hash", n->commit);
		}
		kv(f, "start_time", n->started);
		fputs(",\"valid\":true,\"misc\":{\"plan\":", f);
		json_escape(f, n->plan);
		kv(f, "night", n->date);
		kv(f, "plan_hash", n->plan_hash);
		kv(f, "status", n->status);
		fputs("}", f);
	}
	kv(f, "comment", r->name);
	fputs("}]", f);
}

static int builds(const struct report *r, const char *origin, const struct night *n, bool is_night, FILE *f)
{
	struct store_rows *st;
	int k = 0, rc = store_rows_open(r->s, STORE_Q_KCIDB_BUILDS, &st, "i", r->cid);

	if (rc < 0)
		return rc;
	fputs(",\"builds\":[", f);
	while (store_rows_next(st)) {
		const char *board = text(st, 4);

		fputs(k++ ? ",{\"id\":" : "{\"id\":", f);
		id(f, origin, r->name, "/", text(st, 0));
		fputs(",\"checkout_id\":", f);
		id(f, origin, r->name, "", NULL);
		fprintf(f, ",\"origin\":\"%s\",\"architecture\":\"arm64\"", origin);
		if (board[0] && strcmp(board, "replay")) {
			char cfg[512];

			snprintf(cfg, sizeof(cfg), "allnoconfig + devices/%s/kernel.fragment", board);
			kv(f, "config_name", cfg);
		}
		/* a variant with boots stored was built (a night whose build
		 * failed stores no variant rows) */
		fputs(",\"status\":\"PASS\",\"comment\":", f);
		json_escape(f, text(st, 1));
		fputs(",\"misc\":{\"variant\":", f);
		json_escape(f, text(st, 0));
		kv(f, "source_version", text(st, 1));
		kv(f, "patches", text(st, 2));
		kv(f, "build_id", text(st, 3));
		if (is_night) {
			kv(f, "commit", n->commit);
		}
		fputs("}}", f);
	}
	rc = store_rows_close(st);
	fputs("]", f);
	return rc;
}

static int tests(const struct report *r, const char *origin, FILE *f)
{
	struct store_rows *st;
	char url[PATH_MAX + 16];
	int k = 0, rc = store_rows_open(r->s, STORE_Q_KCIDB_TESTS, &st, "i", r->cid);

	if (rc < 0)
		return rc;
	fputs(",\"tests\":[", f);
	while (store_rows_next(st)) {
		/* a boot's uid is unique in the store (it starts with the campaign) */
		fputs(k++ ? ",{\"id\":" : "{\"id\":", f);
		id(f, origin, text(st, 0), "", NULL);
		fputs(",\"build_id\":", f);
		id(f, origin, r->name, "/", text(st, 1));
		fprintf(f, ",\"origin\":\"%s\",\"path\":\"oopsfarm.boot\",\"status\":\"%s\"", origin,
			report_kcidb_status(text(st, 3)));
		if (text(st, 5)[0]) {
			kv(f, "start_time", text(st, 5));
		}
		if (!store_rows_null(st, 6))
			fprintf(f, ",\"duration\":%.3f", store_rows_int(st, 6) / 1000.0);
		if (log_url(text(st, 7), url, sizeof(url))) {
			kv(f, "log_url", url);
		}
		fputs(",\"environment\":{\"comment\":", f);
		json_escape(f, text(st, 2));
		fputs(",\"misc\":{\"setup\":", f);
		json_escape(f, text(st, 2));
		kv(f, "board", text(st, 8));
		kv(f, "source", text(st, 9));
		fprintf(f, ",\"agent\":%s", store_rows_int(st, 12) ? "true" : "false");
		fputs("}},\"misc\":{\"verdict\":", f);
		json_escape(f, text(st, 3));
		if (text(st, 4)[0]) {
			kv(f, "infra_reason", text(st, 4));
		}
		fprintf(f, ",\"seq\":%d,\"booted_build_id\":", (int)store_rows_int(st, 10));
		json_escape(f, text(st, 11));
		fputs("}}", f);
	}
	rc = store_rows_close(st);
	fputs("]", f);
	return rc;
}

/* issues (one per title) and incidents (one per counted boot showing it) */
static int issues(const struct report *r, const char *origin, FILE *f)
{
	struct store_rows *st;
	int k = 0, rc = store_rows_open(r->s, STORE_Q_KCIDB_ISSUES, &st, "i", r->cid);

	if (rc < 0)
		return rc;
	fputs(",\"issues\":[", f);
	while (store_rows_next(st)) {
		fputs(k++ ? ",{\"id\":" : "{\"id\":", f);
		issue_id(f, origin, text(st, 0));
		fprintf(f, ",\"version\":1,\"origin\":\"%s\",\"culprit\":{\"code\":true},\"report_subject\":",
			origin);
		json_escape(f, text(st, 0));
		kv(f, "comment", text(st, 0));
		fputs(",\"misc\":{\"kind\":", f);
		json_escape(f, text(st, 1));
		fputs("}}", f);
	}
	if ((rc = store_rows_close(st)) < 0)
		return rc;
	fputs("]", f);
	if ((rc = store_rows_open(r->s, STORE_Q_KCIDB_INCIDENTS, &st, "i", r->cid)) < 0)
		return rc;
	fputs(",\"incidents\":[", f);
	k = 0;
	while (store_rows_next(st)) {
		char *suffix, key[24];

		if (asprintf(&suffix, "%s/%s", text(st, 0), title_key(text(st, 2), key)) < 0)
			break;
		fputs(k++ ? ",{\"id\":" : "{\"id\":", f);
		id(f, origin, suffix, "", NULL);
		free(suffix);
		fprintf(f, ",\"origin\":\"%s\",\"issue_id\":", origin);
		issue_id(f, origin, text(st, 2));
		fputs(",\"issue_version\":1,\"build_id\":", f);
		id(f, origin, r->name, "/", text(st, 1));
		fputs(",\"test_id\":", f);
		id(f, origin, text(st, 0), "", NULL);
		fputs(",\"present\":true}", f);
	}
	rc = store_rows_close(st);
	fputs("]", f);
	return rc;
}

int report_kcidb(const struct report *r, const char *dir, FILE *f)
{
	const char *origin = r->origin ? r->origin : "oopsfarm";
	struct night n = {0};
	bool is_night;
	int rc;

	/* the night behind the campaign, when it is one (schema v3) */
	rc = store_night_of_campaign(r->s, r->cid, &n);
	if (rc < 0)
		return rc;
	is_night = rc == 1;
	fputs("{\"version\":{\"major\":5,\"minor\":3},", f);
	checkout(r, origin, &n, is_night, f);
	rc = builds(r, origin, &n, is_night, f);
	if (!rc)
		rc = tests(r, origin, f);
	if (!rc)
		rc = issues(r, origin, f);
	fputs("}\n", f);
	night_free(&n);
	if (rc)
		return rc;
	return ferror(f) ? -EIO : 0;
}
