// SPDX-License-Identifier: MIT
/*
 * oopsfarm lava collect: LAVA jobs of a campaign into the store, one row per
 * boot (see lava-collect.h).
 *
 * Incremental and restartable: each job's log is fetched from where the last
 * fetch stopped (lava_jobs.log_offset counts the log's lines; LAVA's
 * ?start=N counts the same lines), appended to a local copy, and only whole
 * lines that parse are kept.  The local copy is cut back to log_offset lines
 * at the next start, so a collector killed between the two writes neither
 * loses nor repeats a line.  A finished job is split into its boots, each
 * stored in its own transaction under a unique boot_uid; then the job is
 * marked collected.  Killed anywhere, run again: the same rows.
 *
 * The console decides (doc/store.md): a boot whose console holds a crash is
 * a crash whatever LAVA says; LAVA 2023.01 files a panic met by a monitor as
 * an InfrastructureError.  Without a crash: no agent BEGIN, a canceled job,
 * a lost connection or a wrong build-id is infra with a reason; an agent that
 * began and never ended is a hang; BEGIN and END is a pass.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "core/artifacts.h"
#include "core/console.h"
#include "core/verdict.h"
#include "core/campaign.h"
#include "lava/actions.h"
#include "lava/api.h"
#include "lava/collect.h"
#include "store/queries.h"
#include "lava/log.h"
#include "lava/lava.h"
#include "oopsfarm.h"
#include "util/out.h"
#include "util/text.h"

#define MAX_ACTIONS 1024

struct pair {
	char *con;
	size_t len, cap;
	char first_dt[40], last_dt[40];
	char error[512]; /* LAVA's first error while this pair ran */
};

struct split {
	const char *kinds; /* the definition's top-level actions, or NULL */
	int nkinds;
	struct pair *pairs;
	int npairs;
	size_t cap;
	char job_error[512]; /* LAVA's job result, when it failed */
	bool job_result;     /* LAVA's job result line arrived: the log is whole */
	bool oom;
	unsigned dup_keys; /* repeated dt/lvl/msg keys in the log's entries */
};

static int con_add(struct pair *p, const char *s, size_t n)
{
	if (text_append(&p->con, &p->len, &p->cap, s, n) < 0 ||
	    text_append(&p->con, &p->len, &p->cap, "\n", 1) < 0)
		return -ENOMEM;
	return 0;
}

/* "start: 4 boot-image-retry (timeout ...)": a top-level action begins */
static int top_action(const char *msg, const char **ret_name)
{
	int n = 0;
	const char *p = msg + 7;

	if (strncmp(msg, "start: ", 7) || !isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p))
		n = n * 10 + (*p++ - '0');
	if (*p != ' ')
		return -1; /* "start: 4.1 ...": a sub-action */
	*ret_name = p + 1;
	return n;
}

static int on_entry(const struct lava_log_entry *e, void *userdata)
{
	struct split *sp = userdata;
	struct pair *cur = sp->npairs ? &sp->pairs[sp->npairs - 1] : NULL;
	const char *name;
	int n;

	sp->dup_keys += e->dup_keys;
	if (e->msg && !strcmp(e->lvl, "info") && (n = top_action(e->msg, &name)) > 0) {
		bool boot = sp->kinds ? (n <= sp->nkinds && sp->kinds[n - 1] == 'b') : lava_boot_action(name);

		if (boot) {
			if (ARRAY_GROW(sp->pairs, sp->npairs, sp->cap) < 0)
				return -ENOMEM;
			cur = &sp->pairs[sp->npairs++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->first_dt, sizeof(cur->first_dt), "%s", e->dt);
		}
	}
	if (!cur)
		goto job; /* before the first boot: the deploy */
	snprintf(cur->last_dt, sizeof(cur->last_dt), "%s", e->dt);
	if (e->msg && (!strcmp(e->lvl, "target") || !strcmp(e->lvl, "feedback"))) {
		if (con_add(cur, e->msg, e->msg_len) < 0)
			return -ENOMEM;
	} else if (e->msg && !strcmp(e->lvl, "error") && !cur->error[0]) {
		snprintf(cur->error, sizeof(cur->error), "%s", e->msg);
	}
job:
	if (!strcmp(e->lvl, "results") && !strcmp(e->res_definition, "lava") && !strcmp(e->res_case, "job")) {
		sp->job_result = true;
		if (strcmp(e->res_result, "pass"))
			snprintf(sp->job_error, sizeof(sp->job_error), "%s%s%s", e->res_error_type,
				 e->res_error_type[0] && e->res_error_msg[0] ? ": " : "", e->res_error_msg);
	} else if (!cur && e->msg && !strcmp(e->lvl, "error") && !sp->job_error[0]) {
		snprintf(sp->job_error, sizeof(sp->job_error), "%s", e->msg);
	}
	return 0;
}

static void split_free(struct split *sp)
{
	for (int i = 0; i < sp->npairs; i++)
		free(sp->pairs[i].con);
	free(sp->pairs);
}

/* "2026-11-25T06:08:49.813864" -> seconds since the epoch (UTC) */
static double dt_seconds(const char *dt)
{
	struct tm tm = {0};
	const char *rest = strptime(dt, "%Y-%m-%dT%H:%M:%S", &tm);

	if (!rest)
		return -1;
	return (double)timegm(&tm) + (*rest == '.' ? atof(rest) : 0);
}

static bool has_word(const char *s, const char *w)
{
	return s && strcasestr(s, w);
}

int lava_ingest_job(struct lava_ingest *in, const struct lava_job_row *job, const struct lava_job_info *info,
		    const char *log, size_t len, char *err, size_t errsize)
{
	char kinds[MAX_ACTIONS], job_reason[700];
	struct split sp = {0};
	struct crash_set cs = {.target = in->target};
	struct agent_seen seen;
	struct boot_facts facts;
	struct boot_decision d;
	bool canceled = info->health && !strcmp(info->health, "Canceled"), agent;
	int nk = -1, r, nboots;
	long n;

	if (info->definition)
		nk = lava_definition_actions(info->definition, strlen(info->definition), kinds, MAX_ACTIONS);
	if (nk > 0) {
		sp.kinds = kinds;
		sp.nkinds = nk;
	}
	n = lava_log_parse(log, len, on_entry, &sp, err, errsize);
	if (sp.dup_keys)
		fprintf(stderr,
			"oopsfarm lava: job %lld: %u repeated keys in its log's entries: the last one wins, "
			"as LAVA reads it\n",
			(long long)job->job_id, sp.dup_keys);
	if (n < 0) {
		char e2[512];

		snprintf(e2, sizeof(e2), "%s", err);
		snprintf(err, errsize, "malformed log of LAVA job %lld: %s", (long long)job->job_id, e2);
		split_free(&sp);
		return n == -ENOMEM ? -ENOMEM : -EBADMSG;
	}
	if (!sp.job_result && !info->allow_truncated) {
		snprintf(err, errsize, "the log of LAVA job %lld is truncated: %ld lines and no job result",
			 (long long)job->job_id, n);
		split_free(&sp);
		return -EBADMSG;
	}
	/* why the job as a whole failed, for boots with nothing better to say */
	if (sp.job_error[0])
		snprintf(job_reason, sizeof(job_reason), "LAVA: %s", sp.job_error);
	else if (info->failure_comment && info->failure_comment[0])
		snprintf(job_reason, sizeof(job_reason), "LAVA: %s", info->failure_comment);
	else if (!sp.job_result)
		snprintf(job_reason, sizeof(job_reason), "LAVA log truncated");
	else
		snprintf(job_reason, sizeof(job_reason), "LAVA job %s",
			 info->health ? info->health : "ended");
	nboots = job->boots > sp.npairs ? job->boots : sp.npairs;
	agent = in->agent_expected;
	if (in->agent_detect) {
		/* a lab's own job may not run our agent: its definition's monitor
		 * or any boot's BEGIN line says it does (one boot whose kernel died
		 * before init is still a boot of a job with the agent) */
		agent = info->definition && strstr(info->definition, "OOPSFARM:");
		for (int p = 0; p < sp.npairs && !agent; p++) {
			agent_decode(sp.pairs[p].con ? sp.pairs[p].con : "", sp.pairs[p].len, &seen);
			agent = seen.begin;
		}
	}
	for (int p = 0; p < nboots; p++) {
		struct pair empty = {0}, *pr = p < sp.npairs ? &sp.pairs[p] : &empty;
		bool last = p == sp.npairs - 1;
		struct store_boot b = {.host_load = -1};
		char uid[800], path[1200], zpath[1300], reason[800] = "", started[32] = "";
		double t0 = dt_seconds(pr->first_dt), t1 = dt_seconds(pr->last_dt);

		crash_set_parse(&cs, pr->con ? pr->con : "", pr->len);
		agent_decode(pr->con ? pr->con : "", pr->len, &seen);
		/* the verdict rule (core/verdict.c): the console, then LAVA */
		facts = (struct boot_facts){
		    .expect_build_id = in->lab_kernel ? NULL : job->build_id,
		    .expect_stamp = in->stamp,
		    .agent_expected = agent,
		    .lab =
			{
			    .name = "LAVA",
			    .error = pr->error,
			    .timeout = has_word(pr->error, "timed out") || has_word(pr->error, "timeout"),
			    .canceled = canceled,
			    .last = last,
			    .complete = info->health && !strcmp(info->health, "Complete"),
			    .job_reason = job_reason,
			},
		};
		console_facts_fill(&facts.con, pr->len, &cs, &seen);
		if (p >= sp.npairs) {
			snprintf(reason, sizeof(reason), "the LAVA job ended before this boot (%s)",
				 canceled ? "canceled" : job_reason);
			facts.board_failed = reason;
		}
		r = boot_verdict_decide(&facts, &d);
		if (r < 0) {
			split_free(&sp);
			return r;
		}
		b.verdict = d.verdict;
		snprintf(uid, sizeof(uid), "%s/%s/%s/lava-%s-%lld-%d", in->campaign, job->variant, job->setup,
			 in->server_id, (long long)job->job_id, p + 1);
		if (pr->first_dt[0]) {
			/* LAVA's dt is UTC without a zone */
			snprintf(started, sizeof(started), "%.19sZ", pr->first_dt);
		}
		b.boot_uid = uid;
		b.campaign_id = in->campaign_id;
		b.variant_id = job->variant_id;
		b.setup_id = job->setup_id;
		b.seq = job->boot_base + p;
		b.infra_reason = d.reason;
		b.target_hit = d.counted && b.verdict == VERDICT_CRASH && cs.target_hit;
		b.started = started[0] ? started : NULL;
		b.wall_ms = t0 >= 0 && t1 >= t0 ? (int64_t)((t1 - t0) * 1000) : 0;
		b.knobs = in->knobs;
		b.build_id = seen.begin ? seen.build_id : in->lab_kernel ? NULL : job->build_id;
		b.crashes = cs.c;
		b.ncrashes = cs.n < BOOT_MAX_CRASHES ? cs.n : BOOT_MAX_CRASHES;
		b.source = "lava";
		b.board = info->device && info->device[0] ? info->device : NULL;
		b.lava_job_id = job->job_id;
		b.no_agent = !agent;
		zpath[0] = '\0';
		if (in->logdir && pr->len &&
		    (!campaign_name_valid(job->variant) || !campaign_name_valid(job->setup))) {
			/* names come from the store, which anyone may have written: never a path outside
			 * logdir */
			snprintf(err, errsize,
				 "the store names variant '%s' and setup '%s': not valid names, no log path "
				 "is made of them",
				 job->variant, job->setup);
			boot_decision_clear(&d);
			split_free(&sp);
			return -EINVAL;
		}
		if (in->logdir && pr->len) {
			snprintf(path, sizeof(path), "%s/%s-%s-lava%lld-%d.log", in->logdir, job->variant,
				 job->setup, (long long)job->job_id, p + 1);
			snprintf(zpath, sizeof(zpath), "%s.zst", path);
			if (access(zpath, F_OK) < 0 && log_keep_compressed(path, pr->con, pr->len) < 0)
				fprintf(stderr, "oopsfarm lava: cannot write '%s', ignoring\n", zpath);
		}
		b.log_path = zpath[0] ? zpath : NULL;
		r = store_add_boot(in->s, &b);
		if (r > 0 && in->stored_fn)
			in->stored_fn(&b, &d, in->userdata);
		boot_decision_clear(&d);
		if (r < 0) {
			snprintf(err, errsize, "cannot store boot '%s': %s", uid, store_strerror(r));
			split_free(&sp);
			return r;
		}
		if (r > 0) {
			in->stored++;
			in->by_verdict[b.verdict]++;
		} else {
			in->again++;
		}
	}
	split_free(&sp);
	return nboots;
}

/* ---- collect: the server side ---- */

struct collector {
	struct lava_ingest in;
	struct store *s;
	const char *url; /* only jobs of this server (NULL: all) */
	char *token;	 /* not owned */
	struct lava_api_opts opts;
	struct lava_api *api[8]; /* one per server */
	int napi;
	const char *dir; /* job logs */
	bool quiet;
	unsigned fetched_lines, jobs_done;
};

static struct lava_api *api_for(struct collector *c, const char *server, char *err, size_t errsize)
{
	struct lava_api *a;
	int r;

	for (int i = 0; i < c->napi; i++)
		if (!strcmp(lava_api_url(c->api[i]), server))
			return c->api[i];
	r = c->napi == (int)(sizeof(c->api) / sizeof(c->api[0]))
		? -E2BIG
		: lava_api_new(server, c->token, &c->opts, &a);
	if (r == -EPERM) {
		snprintf(
		    err, errsize,
		    "not sending the token over plain http to '%s' (https, a loopback host, or --insecure)",
		    server);
		return NULL;
	}
	if (r < 0) {
		snprintf(err, errsize, "cannot use LAVA server '%s'", server);
		return NULL;
	}
	c->api[c->napi++] = a;
	return a;
}

static void job_log_path(struct collector *c, struct lava_api *a, int64_t job, char *buf, size_t size)
{
	snprintf(buf, size, "%s/job-%s-%lld.yaml", c->dir, lava_api_server_id(a), (long long)job);
}

/* Lines in the local copy; a copy longer than what the store says is cut back. */
static int64_t local_lines(const char *path, int64_t want)
{
	FILE *f = fopen(path, "r+");
	int64_t lines = 0;
	off_t off = 0, keep = 0;
	int ch;

	if (!f)
		return 0;
	while ((ch = getc_unlocked(f)) != EOF) {
		off++;
		if (ch == '\n') {
			if (lines < want)
				keep = off;
			lines++;
		}
	}
	if (lines > want || off != keep) {
		/* a fetch that died between writing and recording */
		fflush(f);
		if (ftruncate(fileno(f), keep) < 0) {
			fclose(f);
			return -1;
		}
		lines = lines < want ? lines : want;
	}
	fclose(f);
	return lines;
}

static int set_offset(struct collector *c, const struct lava_job_row *j, int64_t off)
{
	return store_exec(c->s, STORE_Q_LAVA_SET_OFFSET, "ii", off, j->row_id);
}

/*
 * Fetches the job's new log lines into the local copy.  Returns the number
 * of new lines, or -errno with err.  *ret_partial: the answer ended inside
 * a line (that line comes again next time).
 */
static int64_t fetch_log(struct collector *c, struct lava_api *a, struct lava_job_row *j, const char *path,
			 bool *ret_partial, char *err, size_t errsize)
{
	char q[128], perr[512];
	char *body = NULL;
	size_t len = 0, whole;
	int64_t have, lines = 0;
	FILE *f;
	int r;

	*ret_partial = false;
	have = local_lines(path, j->log_offset);
	if (have < 0) {
		snprintf(err, errsize, "cannot cut '%s' back: %s", path, strerror(errno));
		return -EIO;
	}
	if (have != j->log_offset) {
		/* the local copy is shorter (lost): fetch again from where it ends */
		j->log_offset = have;
		set_offset(c, j, have);
	}
	snprintf(q, sizeof(q), "jobs/%lld/logs/?start=%lld", (long long)j->job_id, (long long)j->log_offset);
	r = lava_api_get(a, q, &body, &len, err, errsize);
	if (r == -ENOENT)
		return 0; /* LAVA answers 404 when there is nothing past start */
	if (r < 0)
		return r;
	/* whole lines only */
	whole = len;
	while (whole > 0 && body[whole - 1] != '\n')
		whole--;
	*ret_partial = whole < len;
	for (size_t i = 0; i < whole; i++)
		lines += body[i] == '\n';
	if (!lines) {
		free(body);
		return 0;
	}
	if (lava_log_parse(body, whole, NULL, NULL, perr, sizeof(perr)) < 0) {
		/* the line numbers of the chunk are relative to log_offset */
		snprintf(err, errsize, "malformed log of LAVA job %lld after line %lld: %s",
			 (long long)j->job_id, (long long)j->log_offset, perr);
		free(body);
		return -EBADMSG;
	}
	f = fopen(path, "a");
	if (!f || fwrite(body, 1, whole, f) != whole || fclose(f) != 0) {
		snprintf(err, errsize, "cannot write '%s': %s", path, strerror(errno));
		free(body);
		return -EIO;
	}
	free(body);
	j->log_offset += lines;
	if (set_offset(c, j, j->log_offset) < 0) {
		snprintf(err, errsize, "cannot record the log offset of job %lld", (long long)j->job_id);
		return -EIO;
	}
	c->fetched_lines += lines;
	return lines;
}

static int load_jobs(struct collector *c, struct lava_job_row **ret, int *ret_n)
{
	struct store_rows *st;
	struct lava_job_row *rows = NULL;
	size_t cap = 0;
	int n = 0, r;

	if ((r = store_rows_open(c->s, STORE_Q_LAVA_JOBS, &st, "i", c->in.campaign_id)) < 0)
		return r;
	while (store_rows_next(st)) {
		struct lava_job_row *j;

		if (ARRAY_GROW(rows, n, cap) < 0) {
			free(rows);
			store_rows_close(st);
			return -ENOMEM;
		}
		j = &rows[n++];
		memset(j, 0, sizeof(*j));
		j->row_id = store_rows_int(st, 0);
		j->job_id = store_rows_int(st, 1);
		snprintf(j->server, sizeof(j->server), "%s", store_rows_text(st, 2));
		j->campaign_id = c->in.campaign_id;
		j->variant_id = store_rows_int(st, 3);
		j->setup_id = store_rows_int(st, 4);
		j->batch = store_rows_int(st, 5);
		j->boots = store_rows_int(st, 6);
		j->log_offset = store_rows_int(st, 7);
		snprintf(j->state, sizeof(j->state), "%s", store_rows_text(st, 8));
		snprintf(j->health, sizeof(j->health), "%s", store_rows_text(st, 9));
		j->collected = store_rows_int(st, 10);
		snprintf(j->variant, sizeof(j->variant), "%s", store_rows_text(st, 11));
		snprintf(j->setup, sizeof(j->setup), "%s", store_rows_text(st, 12));
		snprintf(j->build_id, sizeof(j->build_id), "%s", store_rows_text(st, 13));
		snprintf(j->device_type, sizeof(j->device_type), "%s", store_rows_text(st, 14));
		j->boot_base = store_rows_int(st, 15);
	}
	if (store_rows_close(st) < 0) {
		free(rows);
		return -EIO;
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}

static void set_state(struct collector *c, const struct lava_job_row *j, bool collected)
{
	if (store_exec(c->s, collected ? STORE_Q_LAVA_SET_COLLECTED : STORE_Q_LAVA_SET_STATE, "tti", j->state,
		       j->health, j->row_id) < 0)
		fprintf(stderr, "oopsfarm lava: cannot record the state of job %lld: %s, ignoring\n",
			(long long)j->job_id, store_errmsg(c->s));
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * One round for one job: state, new log lines, and when it is finished, its
 * boots.  Returns 1 when the job is collected (now or before), 0 when it is
 * still running, -errno on error (err).
 */
static int collect_job(struct collector *c, struct lava_job_row *j, char *err, size_t errsize)
{
	char q[64], path[1200];
	struct lava_api *a;
	json_t *info = NULL;
	bool partial, finished;
	int64_t got;
	int r;

	if (j->collected)
		return 1;
	if (!(a = api_for(c, j->server, err, errsize)))
		return -EINVAL;
	snprintf(q, sizeof(q), "jobs/%lld/", (long long)j->job_id);
	r = lava_api_get_json(a, q, &info, err, errsize);
	if (r < 0)
		return r;
	snprintf(j->state, sizeof(j->state), "%s", jstr(info, "state") ? jstr(info, "state") : "");
	snprintf(j->health, sizeof(j->health), "%s", jstr(info, "health") ? jstr(info, "health") : "");
	finished = !strcmp(j->state, "Finished");
	job_log_path(c, a, j->job_id, path, sizeof(path));
	/* every round takes what is new, so a long job is never read at once */
	do {
		got = fetch_log(c, a, j, path, &partial, err, errsize);
	} while (got > 0 && finished);
	if (got < 0) {
		json_decref(info);
		return (int)got;
	}
	if (!finished) {
		set_state(c, j, false);
		json_decref(info);
		return 0;
	}
	{
		struct lava_job_info ji = {
		    .health = j->health,
		    .device = jstr(info, "actual_device"),
		    .failure_comment = jstr(info, "failure_comment"),
		    .definition = jstr(info, "definition"),
		};
		const char *end = jstr(info, "end_time");
		size_t len = 0;
		char *log = file_slurp(path, &len);
		struct tm tm = {0};

		/* LAVA may still be writing the end of a job that just finished;
		 * a minute after its end a log without the job result is what it is */
		if (end && strptime(end, "%Y-%m-%dT%H:%M:%S", &tm) && time(NULL) - timegm(&tm) > 60)
			ji.allow_truncated = true;
		if (!strcmp(j->health, "Canceled"))
			ji.allow_truncated = true;
		if (!log && errno != ENOENT) {
			snprintf(err, errsize, "cannot read '%s': %s", path, strerror(errno));
			json_decref(info);
			return -EIO;
		}
		r = lava_ingest_job(&c->in, j, &ji, log ? log : "", log ? len : 0, err, errsize);
		free(log);
		if (r == -EBADMSG && strstr(err, "is truncated") && !partial) {
			/* not an error yet: the rest of the log is on its way */
			json_decref(info);
			return 0;
		}
		if (r < 0) {
			json_decref(info);
			return r;
		}
	}
	set_state(c, j, true);
	j->collected = true;
	c->jobs_done++;
	{
		size_t len = 0;
		char *log = file_slurp(path, &len);

		if (log && log_keep_compressed(path, log, len) < 0)
			fprintf(stderr, "oopsfarm lava collect: cannot compress '%s', ignoring\n", path);
		free(log);
	}
	json_decref(info);
	return 1;
}

static void collect_usage(void)
{
	printf(
	    "usage: oopsfarm lava collect --store FILE --campaign NAME [options]\n\n"
	    "  --url URL          only the jobs of this server (default: every server the store names)\n"
	    "  --token-file FILE  the API token (default $OOPSFARM_LAVA_TOKEN); never printed\n"
	    "  --insecure         send the token over plain http to a host that is not loopback\n"
	    "  --wait             poll until every job is collected\n"
	    "  --interval SEC     between polls (default 2)\n"
	    "  --timeout SEC      give up waiting after this (default 3600)\n"
	    "  --logs DIR         job logs and boot consoles (default: next to the store, lava-<campaign>/)\n"
	    "  -v, --verbose      one line per API request (never the token)\n"
	    "  -q, --quiet        no progress lines\n\n"
	    "Fetches the campaign's LAVA jobs' logs incrementally and stores each finished job's boots,\n"
	    "one row per boot, parsed like local boots.  Collecting again, or after a kill or a server\n"
	    "restart, neither loses nor doubles a boot.  Exit: 0 every job collected (or, without --wait,\n"
	    "nothing failed), 2 usage, 3 server unreachable, token refused, bad log or store error.\n");
}

static int open_campaign(const char *cmd, const char *store_path, const char *campaign, struct store **ret_s,
			 int64_t *ret_id, char *target, size_t tsize)
{
	struct store_rows *st;
	int r = store_open(store_path, ret_s);
	bool found = false;

	if (r < 0) {
		errorf(cmd, "cannot open store '%s': %s", store_path, store_strerror(r));
		return EXIT_INFRA;
	}
	if (store_rows_open(*ret_s, STORE_Q_CAMPAIGN_BY_NAME, &st, "t", campaign) == 0) {
		if (store_rows_next(st)) {
			found = true;
			*ret_id = store_rows_int(st, 0);
			snprintf(target, tsize, "%s", store_rows_text(st, 2));
		}
		store_rows_close(st);
	}
	if (!found) {
		errorf(cmd, "store '%s' has no campaign '%s'", store_path, campaign);
		store_close(*ret_s);
		return EXIT_USAGE;
	}
	return 0;
}

/* the agent knobs the jobs ran with: from the campaign file submit recorded */
static void campaign_knobs(struct store *s, int64_t cid, char *knobs, size_t size)
{
	struct store_rows *st;
	struct campaign *c;
	char err[ERR_MAX];

	knobs[0] = '\0';
	if (store_rows_open(s, STORE_Q_CAMPAIGN_BY_ID, &st, "i", cid) < 0)
		return;
	if (store_rows_next(st) && !store_rows_null(st, 1) &&
	    campaign_load(store_rows_text(st, 1), &c, err, sizeof(err)) == 0) {
		snprintf(knobs, size, "%s", c->agent_args ? c->agent_args : "");
		campaign_free(c);
	}
	store_rows_close(st);
}

int lava_collect_campaign(struct lava_ingest *in, const struct lava_collect_opts *o, int *ret_left, char *err,
			  size_t errsize)
{
	struct collector c = {
	    .in = *in, .s = in->s, .url = o->url, .opts = o->api, .dir = in->logdir, .quiet = o->quiet};
	struct lava_job_row *jobs = NULL;
	double t0 = clock_now();
	int r, njobs = 0, rc = 0, left = 0;

	c.token = (char *)o->token;
	if (load_jobs(&c, &jobs, &njobs) < 0) {
		snprintf(err, errsize, "cannot read the jobs of '%s' from the store", in->campaign);
		return -EIO;
	}
	if (!njobs) {
		free(jobs);
		snprintf(err, errsize, "campaign '%s' has no LAVA jobs", in->campaign);
		return -ENOENT;
	}
	for (;;) {
		int failed = 0, unreachable = 0, fatal = 0;

		left = 0;
		for (int k = 0; k < njobs && !unreachable && !fatal; k++) {
			struct lava_job_row *j = &jobs[k];
			struct lava_api *a;

			if (j->collected || j->failed)
				continue;
			if (c.url && (a = api_for(&c, c.url, err, errsize)) &&
			    strcmp(lava_api_url(a), j->server))
				continue;
			/* the server id in the boots' uids is the job's server's */
			a = api_for(&c, j->server, err, errsize);
			c.in.server_id = a ? lava_api_server_id(a) : "";
			r = collect_job(&c, j, err, errsize);
			if (r >= 0)
				continue;
			if (r == -ECONNREFUSED || r == -ETIMEDOUT || r == -EIO) {
				/* the server is down or failing: every job would say the same */
				unreachable++;
				if (!o->wait) {
					errorf("lava collect", "job %lld: %s", (long long)j->job_id, err);
					failed++;
					rc = r == -EIO ? -EIO : -ECONNREFUSED;
				}
				continue;
			}
			errorf("lava collect", "job %lld: %s", (long long)j->job_id, err);
			failed++;
			rc = r == -EACCES || r == -ENOMEM ? r : -EIO;
			if (r == -EACCES || r == -ENOMEM)
				fatal++; /* the same for every job */
			else
				j->failed = true; /* this job only: a malformed log, a job gone */
		}
		for (int k = 0; k < njobs; k++)
			left += !jobs[k].collected && !jobs[k].failed &&
				(!c.url ||
				 !strcmp(jobs[k].server, lava_api_url(api_for(&c, c.url, err, errsize))));
		if (!c.quiet)
			fprintf(stderr,
				"oopsfarm lava collect: %s: %d/%d jobs collected, %u boots stored (%u pass, "
				"%u crash,"
				" %u hang, %u infra)%s, %.1f s\n",
				in->campaign, njobs - left, njobs, c.in.stored, c.in.by_verdict[VERDICT_PASS],
				c.in.by_verdict[VERDICT_CRASH], c.in.by_verdict[VERDICT_HANG],
				c.in.by_verdict[VERDICT_INFRA],
				c.in.again ? " (some were stored before)" : "", clock_now() - t0);
		if (fatal || !o->wait || !left)
			break;
		if (clock_now() - t0 > o->timeout) {
			snprintf(err, errsize, "%d jobs not collected after %.0f s", left, o->timeout);
			rc = -ETIMEDOUT;
			break;
		}
		if (unreachable && !c.quiet)
			people_printf(stderr, "oopsfarm lava collect: %s, trying again\n", err);
		{
			struct timespec ts = {(time_t)o->interval,
					      (long)((o->interval - (time_t)o->interval) * 1e9)};

			nanosleep(&ts, NULL);
		}
	}
	free(jobs);
	for (int i = 0; i < c.napi; i++)
		lava_api_free(c.api[i]);
	in->stored = c.in.stored;
	in->again = c.in.again;
	memcpy(in->by_verdict, c.in.by_verdict, sizeof(in->by_verdict));
	if (ret_left)
		*ret_left = left;
	return rc;
}

int lava_cmd_collect(int argc, char **argv)
{
	static const struct option opts[] = {{"store", required_argument, NULL, 's'},
					     {"campaign", required_argument, NULL, 'c'},
					     {"url", required_argument, NULL, 'u'},
					     {"token-file", required_argument, NULL, 'T'},
					     {"wait", no_argument, NULL, 'w'},
					     {"interval", required_argument, NULL, 'i'},
					     {"timeout", required_argument, NULL, 't'},
					     {"logs", required_argument, NULL, 'L'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"insecure", no_argument, NULL, 'I'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct lava_collect_opts co = {.api = {.retries = -1}, .interval = 2, .timeout = 3600};
	struct lava_ingest in = {0};
	struct store *s = NULL;
	const char *store_path = NULL, *campaign = NULL, *logs = NULL, *token_file = NULL;
	char target[512], knobs[1024], dir[1200], err[2048], *token = NULL;
	int opt, r, rc = EXIT_OK;

	while ((opt = getopt_long(argc, argv, "hvq", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			store_path = optarg;
			break;
		case 'c':
			campaign = optarg;
			break;
		case 'u':
			co.url = optarg;
			break;
		case 'T':
			token_file = optarg;
			break;
		case 'w':
			co.wait = true;
			break;
		case 'i':
			co.interval = atof(optarg);
			break;
		case 't':
			co.timeout = atof(optarg);
			break;
		case 'L':
			logs = optarg;
			break;
		case 'v':
			co.api.verbose = true;
			break;
		case 'I':
			co.api.insecure = true;
			break;
		case 'q':
			co.quiet = true;
			break;
		case 'h':
			collect_usage();
			return EXIT_OK;
		default:
			return usage_hint("lava collect");
		}
	}
	if (!store_path || !campaign || optind != argc) {
		errorf("lava collect", "--store and --campaign are needed");
		return usage_hint("lava collect");
	}
	if (!campaign_names_check("lava collect", campaign, NULL, NULL))
		return usage_hint("lava collect");
	r = lava_token_read(token_file, &token, err, sizeof(err));
	if (r < 0) {
		errorf("lava collect", "%s", err);
		return r == -ENOENT ? EXIT_USAGE : EXIT_INFRA;
	}
	r = open_campaign("lava collect", store_path, campaign, &s, &in.campaign_id, target, sizeof(target));
	if (r) {
		free(token);
		return r;
	}
	campaign_knobs(s, in.campaign_id, knobs, sizeof(knobs));
	if (logs) {
		snprintf(dir, sizeof(dir), "%s", logs);
	} else {
		char *copy = strdup(store_path);

		snprintf(dir, sizeof(dir), "%s/lava-%s", copy ? dirname(copy) : ".", campaign);
		free(copy);
	}
	if (file_mkdir_p(dir) < 0) {
		errorf("lava collect", "cannot make '%s': %s", dir, strerror(errno));
		rc = EXIT_INFRA;
		goto out;
	}
	in.s = s;
	in.campaign = campaign;
	in.agent_detect = true;
	in.target = target[0] ? target : NULL;
	in.knobs = knobs[0] ? knobs : NULL;
	in.logdir = dir;
	co.token = token;
	r = lava_collect_campaign(&in, &co, NULL, err, sizeof(err));
	if (r == -ENOENT) {
		errorf("lava collect", "campaign '%s' has no LAVA jobs in '%s' (oopsfarm lava submit)",
		       campaign, store_path);
		rc = EXIT_USAGE;
	} else if (r == -ETIMEDOUT || (r == -EIO && strstr(err, "cannot read the jobs"))) {
		errorf("lava collect", "%s", err);
		rc = EXIT_INFRA;
	} else if (r < 0) {
		rc = EXIT_INFRA; /* each failed job was named */
	}
out:
	if (token)
		memset(token, 0, strlen(token));
	free(token);
	store_close(s);
	return rc;
}

/* ---- ingest: a stored job log, no server ---- */

static void ingest_usage(void)
{
	printf(
	    "usage: oopsfarm lava ingest --store FILE --campaign NAME --variant NAME --setup NAME\n"
	    "                            --boots N [options] JOB-LOG.yaml...\n\n"
	    "  --job ID           LAVA job id of the first log (default 1; each next log +1)\n"
	    "  --server NAME      the server the logs came from (default 'local'), for the boot ids\n"
	    "  --definition FILE  the jobs' definition (which actions are boots; default: action names)\n"
	    "  --build-id HEX     the build-id the agent must report (default: the variant's in the store)\n"
	    "  --stamp STAMP      the variant stamp the kernel banner must show after '#' (default: not "
	    "checked)\n"
	    "  --no-agent         the jobs do not run the oopsfarm agent: a clean console passes\n"
	    "                     (default: a job runs it when its definition or a console shows it)\n"
	    "  --device NAME      the LAVA device that ran them\n"
	    "  --health H         LAVA's health of the jobs: Complete (default), Incomplete, Canceled\n"
	    "  --repeat K         ingest each log K times as K jobs (benchmarks)\n"
	    "  --logs DIR         keep each boot's console there, compressed\n\n"
	    "Stores the boots of LAVA job logs saved earlier (GET /api/v0.2/jobs/ID/logs/), exactly\n"
	    "as `oopsfarm lava collect` does; again is a no-op.  Exit 0, 2 usage, 3 bad log or store.\n");
}

int lava_cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"store", required_argument, NULL, 's'},	{"campaign", required_argument, NULL, 'c'},
	    {"variant", required_argument, NULL, 'V'},	{"setup", required_argument, NULL, 'S'},
	    {"boots", required_argument, NULL, 'n'},	{"job", required_argument, NULL, 'j'},
	    {"server", required_argument, NULL, 'u'},	{"definition", required_argument, NULL, 'D'},
	    {"build-id", required_argument, NULL, 'B'}, {"device", required_argument, NULL, 'd'},
	    {"health", required_argument, NULL, 'H'},	{"target", required_argument, NULL, 't'},
	    {"repeat", required_argument, NULL, 'R'},	{"logs", required_argument, NULL, 'L'},
	    {"stamp", required_argument, NULL, 'M'},	{"no-agent", no_argument, NULL, 'A'},
	    {"help", no_argument, NULL, 'h'},		{0}};
	const char *stamp = NULL;
	bool no_agent = false;
	const char *store_path = NULL, *campaign = NULL, *variant = NULL, *setup = NULL, *server = "local";
	const char *defpath = NULL, *build_id = NULL, *device = NULL, *target = NULL, *logs = NULL;
	const char *health = "Complete";
	struct lava_ingest in = {0};
	struct lava_job_row job = {0};
	struct store *s = NULL;
	char *def = NULL, err[2048];
	long long first = 1; /* the job id of the first log */
	int opt, r, boots = 0, repeat = 1, rc = EXIT_OK;
	size_t dlen;
	double t0 = clock_now();

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			store_path = optarg;
			break;
		case 'c':
			campaign = optarg;
			break;
		case 'V':
			variant = optarg;
			break;
		case 'S':
			setup = optarg;
			break;
		case 'n':
			boots = atoi(optarg);
			break;
		case 'j':
			first = atoll(optarg);
			break;
		case 'u':
			server = optarg;
			break;
		case 'D':
			defpath = optarg;
			break;
		case 'B':
			build_id = optarg;
			break;
		case 'd':
			device = optarg;
			break;
		case 'H':
			health = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'R':
			repeat = atoi(optarg);
			break;
		case 'L':
			logs = optarg;
			break;
		case 'M':
			stamp = optarg;
			break;
		case 'A':
			no_agent = true;
			break;
		case 'h':
			ingest_usage();
			return EXIT_OK;
		default:
			return usage_hint("lava ingest");
		}
	}
	if (!store_path || !campaign || !variant || !setup || boots < 1 || repeat < 1 || optind >= argc) {
		errorf("lava ingest",
		       "--store, --campaign, --variant, --setup, --boots N and a log are needed");
		return usage_hint("lava ingest");
	}
	if (!campaign_names_check("lava ingest", campaign, variant, setup))
		return usage_hint("lava ingest");
	if (defpath && !(def = file_slurp(defpath, &dlen))) {
		errorf("lava ingest", "cannot read '%s': %s", defpath, strerror(errno));
		return EXIT_INFRA;
	}
	if (logs && file_mkdir_p(logs) < 0) {
		errorf("lava ingest", "cannot make '%s': %s", logs, strerror(errno));
		free(def);
		return EXIT_INFRA;
	}
	r = store_open(store_path, &s);
	if (r < 0) {
		errorf("lava ingest", "cannot open store '%s': %s", store_path, store_strerror(r));
		free(def);
		return EXIT_INFRA;
	}
	if ((r = store_campaign(s, campaign, target, NULL, &in.campaign_id)) < 0 ||
	    (r = store_variant(s, in.campaign_id, variant, NULL, NULL, NULL, build_id, &job.variant_id)) <
		0 ||
	    (r = store_setup(s, in.campaign_id, setup, 0, 0, NULL, NULL, &job.setup_id)) < 0) {
		errorf("lava ingest", "cannot write to store '%s': %s", store_path, store_strerror(r));
		rc = EXIT_INFRA;
		goto out;
	}
	if (!build_id) {
		struct store_rows *st;

		if (store_rows_open(s, STORE_Q_VARIANT_BUILD_ID, &st, "i", job.variant_id) == 0) {
			if (store_rows_next(st))
				snprintf(job.build_id, sizeof(job.build_id), "%s", store_rows_text(st, 0));
			store_rows_close(st);
		}
	} else {
		snprintf(job.build_id, sizeof(job.build_id), "%s", build_id);
	}
	{
		struct store_rows *st;

		if (store_rows_open(s, STORE_Q_CAMPAIGN_BY_ID, &st, "i", in.campaign_id) == 0) {
			static char stored_target[512];

			if (store_rows_next(st)) {
				snprintf(stored_target, sizeof(stored_target), "%s", store_rows_text(st, 0));
				in.target = stored_target[0] ? stored_target : NULL;
			}
			store_rows_close(st);
		}
	}
	in.s = s;
	in.campaign = campaign;
	/* --no-agent says so; else each job tells (its definition, its consoles) */
	in.agent_detect = !no_agent;
	in.stamp = stamp;
	in.logdir = logs;
	in.server_id = server;
	snprintf(job.variant, sizeof(job.variant), "%s", variant);
	snprintf(job.setup, sizeof(job.setup), "%s", setup);
	job.campaign_id = in.campaign_id;
	job.boots = boots;
	for (int i = optind; i < argc; i++) {
		size_t len;
		char *log = file_slurp(argv[i], &len);
		struct lava_job_info ji = {.health = health,
					   .device = device,
					   .definition = def,
					   .allow_truncated = !strcmp(health, "Canceled")};

		if (!log) {
			errorf("lava ingest", "cannot read '%s': %s", argv[i], strerror(errno));
			rc = EXIT_INFRA;
			continue;
		}
		for (int k = 0; k < repeat; k++) {
			/* one log, one job: batch n holds boots (n-1)*boots .. */
			job.batch = (i - optind) * repeat + k + 1;
			job.boot_base = (job.batch - 1) * boots;
			job.job_id = first + job.batch - 1;
			r = lava_ingest_job(&in, &job, &ji, log, len, err, sizeof(err));
			if (r < 0) {
				errorf("lava ingest", "%s: %s", argv[i], err);
				rc = EXIT_INFRA;
				break;
			}
		}
		free(log);
	}
	fprintf(stderr,
		"oopsfarm lava ingest: %u boots stored in %.2f s (%u pass, %u crash, %u hang, %u infra)%s\n",
		in.stored, clock_now() - t0, in.by_verdict[VERDICT_PASS], in.by_verdict[VERDICT_CRASH],
		in.by_verdict[VERDICT_HANG], in.by_verdict[VERDICT_INFRA],
		in.again ? ", the others were stored before" : "");
out:
	free(def);
	store_close(s);
	return rc;
}
