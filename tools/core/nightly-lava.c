// SPDX-License-Identifier: MIT
/*
 * nightly-lava.c - a night's LAVA setups (nightly.h): a lab's own job
 * definitions submitted, existing jobs adopted, all of them collected into
 * the night's campaign through tools/lava (submit and collect's code).
 *
 * Resuming a killed night submits only the definitions the store has no
 * job for (lava_jobs: the night's campaign, the setup, batch = the
 * definition's place in the plan); a job submitted but killed before it
 * was recorded runs once more on the lab and only the new one is stored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nightly.h"
#include "core/verdict.h"
#include "lava/api.h"
#include "lava/collect.h"
#include "lava/log.h"
#include "store/store.h"
#include "util/file.h"
#include "util/msg.h"

static int api_open(const struct nightly_lava *lv, struct lava_api **ret, char **ret_token, char *err,
		    size_t errsize)
{
	int r = lava_token_read(lv->token_file, ret_token, err, errsize);

	if (r < 0)
		return r;
	r = lava_api_new(lv->url, *ret_token, NULL, ret);
	if (r == -EPERM)
		snprintf(err, errsize,
			 "not sending the token over plain http to '%s' (https or a loopback host)", lv->url);
	else if (r < 0)
		snprintf(err, errsize, "cannot use LAVA server '%s'", lv->url);
	return r;
}

static void token_free(char *token)
{
	if (token)
		memset(token, 0, strlen(token));
	free(token);
}

/* One setup's jobs submitted and recorded: 0 or -errno with err. */
static int setup_submit(struct store *s, int64_t cid, const struct nightly_lava *lv, int64_t vid, int64_t sid,
			char *err, size_t errsize)
{
	struct lava_api *a = NULL;
	char *token = NULL;
	unsigned batch = 0, submitted = 0;
	int r = api_open(lv, &a, &token, err, errsize);

	for (unsigned k = 0; r >= 0 && k < lv->ndefinitions; k++) {
		char dtype[64] = "", *yaml;
		size_t len = 0;
		int64_t id;

		/* the plan's definitions come first (batch 1..n), then its job ids */
		if (lava_job_stored(s, cid, lava_api_url(a), vid, sid, ++batch))
			continue;
		if (!(yaml = file_slurp(lv->definitions[k], &len))) {
			r = -errno;
			snprintf(err, errsize, "cannot read '%s': %s", lv->definitions[k], strerror(errno));
			break;
		}
		lava_definition_field(yaml, len, "device_type", dtype, sizeof(dtype));
		r = lava_job_submit(a, yaml, &id, err, errsize);
		free(yaml);
		if (r < 0)
			break;
		submitted++;
		if ((r = lava_job_record(s, cid, lava_api_url(a), id, vid, sid, dtype, batch, 1, "Submitted",
					 "Unknown")) < 0)
			snprintf(err, errsize, "LAVA job %lld was submitted but cannot be recorded",
				 (long long)id);
	}
	/* an existing job: LAVA keeps it; it is this night's once recorded here */
	for (unsigned k = 0; r >= 0 && k < lv->njobs; k++)
		if ((r = lava_job_record(s, cid, lava_api_url(a), lv->jobs[k], vid, sid, "", ++batch, 1, "",
					 "")) < 0)
			snprintf(err, errsize, "cannot record LAVA job %lld", lv->jobs[k]);
	if (r >= 0 && submitted)
		fprintf(stderr, "oopsfarm nightly: LAVA setup '%s': %u jobs submitted to %s\n", lv->setup,
			submitted, lava_api_url(a));
	lava_api_free(a);
	token_free(token);
	return r;
}

int nightly_lava_submit(struct store *s, int64_t cid, const struct nightly_plan *p, const int64_t *vids,
			const int64_t *sids, bool *failed)
{
	char err[ERR_MAX];

	for (unsigned i = 0; i < p->nlava; i++) {
		const struct nightly_lava *lv = &p->lava[i];
		int r = setup_submit(s, cid, lv, vids[nightly_variant_index(p, lv->variant)], sids[i], err,
				     sizeof(err));

		if (r < 0) {
			errorf("nightly", "LAVA setup '%s': %s; its boots are not run tonight", lv->setup,
			       err);
			failed[i] = true;
		}
	}
	return 0;
}

int nightly_lava_collect(struct store *s, int64_t cid, const char *campaign, const struct nightly_plan *p,
			 const char *logdir, bool *failed, unsigned *ret_boots)
{
	char err[ERR_MAX];

	*ret_boots = 0;
	if (p->nlava && file_mkdir_p(logdir) < 0) {
		errorf("nightly", "cannot make '%s': %s", logdir, strerror(errno));
		return -errno;
	}
	for (unsigned i = 0; i < p->nlava; i++) {
		const struct nightly_lava *lv = &p->lava[i];
		struct lava_api *a = NULL;
		char *token = NULL;
		struct lava_ingest in = {.s = s,
					 .campaign = campaign,
					 .campaign_id = cid,
					 .target = p->c->target,
					 .knobs = NULL,
					 .logdir = logdir,
					 .agent_detect = true,
					 .lab_kernel = true};
		int r;

		if (failed[i])
			continue;
		/* the server's own form of the URL: the jobs are recorded under it */
		r = api_open(lv, &a, &token, err, sizeof(err));
		if (r >= 0) {
			struct lava_collect_opts co = {.url = lava_api_url(a),
						       .token = token,
						       .api = {.retries = -1},
						       .wait = true,
						       .quiet = true,
						       .interval = 2,
						       .timeout = lv->timeout};

			r = lava_collect_campaign(&in, &co, NULL, err, sizeof(err));
		}
		lava_api_free(a);
		token_free(token);
		*ret_boots += in.stored;
		fprintf(stderr,
			"oopsfarm nightly: LAVA setup '%s': %u boots stored (%u pass, %u crash, %u hang, %u "
			"infra)\n",
			lv->setup, in.stored, in.by_verdict[VERDICT_PASS], in.by_verdict[VERDICT_CRASH],
			in.by_verdict[VERDICT_HANG], in.by_verdict[VERDICT_INFRA]);
		if (r < 0 && r != -ENOENT) {
			errorf("nightly", "LAVA setup '%s': %s", lv->setup, err);
			failed[i] = true;
		}
	}
	return 0;
}
