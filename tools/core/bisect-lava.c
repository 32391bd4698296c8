// SPDX-License-Identifier: MIT
/* bisect-lava.c - a bisect's boots as LAVA jobs (bisect-lava.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bisect-lava.h"
#include "lava/api.h"
#include "lava/collect.h"
#include "lava/submit.h"
#include "util/file.h"

struct bisect_lava {
	struct bisect_lava_opts o;
	struct bisect_lava_where w;
	struct lava_api *a;
	char *token, *agent_args;
	struct lava_submit ls;
	char adir[1200], base[PATH_MAX + 8], logdir[1200];
	/* the commit booted now */
	char variant[64], build_id[128], kargs[1024];
	int64_t vid;
	/* a step's hook, as lava_ingest's stored_fn sees it */
	bisect_farm_hook hook;
	void *userdata;
	int got; /* boots handed to it */
	bool stop;
};

int bisect_lava_open(const struct bisect_lava_opts *o, const struct bisect_lava_where *w,
		     struct bisect_lava **ret, char *err, size_t errsize)
{
	struct lava_api_opts aopts = {.retries = 3};
	struct bisect_lava *bl = calloc(1, sizeof(*bl));
	char tpath[1100], dst[1400], e2[1024];
	int r;

	if (!bl) {
		snprintf(err, errsize, "out of memory");
		return -ENOMEM;
	}
	bl->o = *o;
	bl->w = *w;
	if (!bl->o.boots_per_job)
		bl->o.boots_per_job = 4;
	if (!(bl->o.timeout > 0))
		bl->o.timeout = 3600;
	bl->ls.template = o->template;
	lava_submit_template(&bl->ls, w->st, tpath, sizeof(tpath));
	if (access(tpath, R_OK) < 0) {
		snprintf(err, errsize,
			 "setup '%s': no LAVA job template '%s' for board '%s': %s (--template)", w->st->name,
			 tpath, w->st->board ? w->st->board : "?", strerror(errno));
		r = -EINVAL;
		goto fail;
	}
	r = lava_token_read(o->token_file, &bl->token, e2, sizeof(e2));
	if (r < 0) {
		snprintf(err, errsize, "%s", e2);
		r = r == -ENOENT ? -EINVAL : r;
		goto fail;
	}
	r = lava_api_new(o->url, bl->token, &aopts, &bl->a);
	if (r < 0) {
		if (r == -EPERM)
			snprintf(err, errsize,
				 "not sending the token over plain http to '%s' (https or a loopback host)",
				 o->url);
		else
			snprintf(err, errsize, "'%s' is not an http(s) URL", o->url);
		r = -EINVAL;
		goto fail;
	}
	bl->agent_args = campaign_kernel_args(w->c);
	if (!bl->agent_args) {
		snprintf(err, errsize, "out of memory");
		r = -ENOMEM;
		goto fail;
	}
	if (o->artifacts_dir)
		snprintf(bl->adir, sizeof(bl->adir), "%s", o->artifacts_dir);
	else
		snprintf(bl->adir, sizeof(bl->adir), "%s/lava-artifacts", w->dir);
	snprintf(bl->logdir, sizeof(bl->logdir), "%s/lava-logs", w->dir);
	if (file_mkdir_p(bl->adir) < 0 || file_mkdir_p(bl->logdir) < 0) {
		r = -errno;
		snprintf(err, errsize, "cannot make '%s': %s", bl->adir, strerror(errno));
		goto fail;
	}
	if (o->artifacts_url) {
		size_t n;

		snprintf(bl->base, sizeof(bl->base), "%s", o->artifacts_url);
		while ((n = strlen(bl->base)) > 1 && bl->base[n - 1] == '/')
			bl->base[n - 1] = '\0';
	} else {
		char real[PATH_MAX];

		if (!realpath(bl->adir, real)) {
			r = -errno;
			snprintf(err, errsize, "cannot resolve '%s': %s", bl->adir, strerror(errno));
			goto fail;
		}
		snprintf(bl->base, sizeof(bl->base), "file://%s", real);
	}
	snprintf(dst, sizeof(dst), "%s/%s.dtb", bl->adir, w->st->name);
	if ((r = lava_stage(w->dtb, dst)) < 0) {
		snprintf(err, errsize, "cannot stage '%s': %s", dst, strerror(-r));
		goto fail;
	}
	bl->ls = (struct lava_submit){
	    .a = bl->a,
	    .s = w->s,
	    .cid = w->cid,
	    .campaign = w->campaign,
	    .template = o->template,
	    .base = bl->base,
	    .agent_args = bl->agent_args,
	    .priority = "medium",
	};
	/* the server is asked now: unreachable or a refused token stops the bisect before a build */
	r = lava_submit_open(&bl->ls, e2, sizeof(e2));
	if (r < 0) {
		snprintf(err, errsize, "LAVA at %s: %s", lava_api_url(bl->a), e2);
		goto fail;
	}
	*ret = bl;
	return 0;
fail:
	bisect_lava_free(bl);
	return r;
}

void bisect_lava_free(struct bisect_lava *bl)
{
	if (!bl)
		return;
	lava_submit_release(&bl->ls);
	lava_api_free(bl->a);
	if (bl->token)
		memset(bl->token, 0, strlen(bl->token));
	free(bl->token);
	free(bl->agent_args);
	free(bl);
}

int bisect_lava_kernel(struct bisect_lava *bl, const char *name, int64_t vid,
		       const struct variant_artifacts *a, const char *kernel_args, char *err, size_t errsize)
{
	char vdir[1300], dst[1400];
	int r;

	snprintf(bl->variant, sizeof(bl->variant), "%s", name);
	snprintf(bl->build_id, sizeof(bl->build_id), "%s", a->build_id);
	snprintf(bl->kargs, sizeof(bl->kargs), "%s", kernel_args ? kernel_args : "");
	bl->vid = vid;
	snprintf(vdir, sizeof(vdir), "%s/%s", bl->adir, name);
	if (file_mkdir_p(vdir) < 0) {
		snprintf(err, errsize, "cannot make '%s': %s", vdir, strerror(errno));
		return -errno;
	}
	snprintf(dst, sizeof(dst), "%s/Image", vdir);
	if ((r = lava_stage(a->image, dst)) < 0 ||
	    (snprintf(dst, sizeof(dst), "%s/initrd.cpio", vdir), r = lava_stage(a->initrd, dst)) < 0) {
		snprintf(err, errsize, "cannot stage the artifacts of '%s' in '%s': %s", name, vdir,
			 strerror(-r));
		return r;
	}
	return 0;
}

/* lava_ingest's stored_fn: a boot of this commit goes to the bisect */
static void stored(const struct store_boot *sb, const struct boot_decision *d, void *userdata)
{
	struct bisect_lava *bl = userdata;

	/* a job of another commit, left by a killed run: its boot is a row
	 * without an event, which the driver counts after the step */
	if (sb->variant_id != bl->vid)
		return;
	bl->got++;
	if (bl->hook(sb, d, bl->userdata))
		bl->stop = true;
}

/* Waits for every job of the campaign not collected yet and stores their boots. */
static int wait_jobs(struct bisect_lava *bl, char *err, size_t errsize)
{
	struct lava_ingest in = {
	    .s = bl->w.s,
	    .campaign = bl->w.campaign,
	    .campaign_id = bl->w.cid,
	    .target = bl->w.target,
	    .knobs = bl->w.c->agent_args,
	    .logdir = bl->logdir,
	    .agent_expected = !bl->w.no_agent,
	    .stored_fn = stored,
	    .userdata = bl,
	};
	struct lava_collect_opts co = {
	    .url = lava_api_url(bl->a),
	    .token = bl->token,
	    .api = {.retries = 3},
	    .wait = true,
	    .quiet = true,
	    .interval = 1,
	    .timeout = bl->o.timeout,
	};
	int r = lava_collect_campaign(&in, &co, NULL, err, errsize);

	return r == -ENOENT ? 0 : r;
}

int bisect_lava_boot(struct bisect_lava *bl, int m, bisect_farm_hook hook, void *userdata, char *err,
		     size_t errsize)
{
	const char *server = lava_api_url(bl->a);
	int r, K = bl->w.boards > 0 ? bl->w.boards : 1, bpj = bl->o.boots_per_job;

	bl->hook = hook;
	bl->userdata = userdata;
	bl->stop = false;
	bl->got = 0;
	/* jobs a killed run submitted: theirs first, never submitted again,
	 * and their boots are part of the m */
	r = wait_jobs(bl, err, errsize);
	if (r < 0)
		return r;
	m -= bl->got;
	while (m > 0 && !bl->stop) {
		/* a round: up to K jobs, the step's boots spread over them */
		int per = (m + K - 1) / K < bpj ? (m + K - 1) / K : bpj;

		for (int j = 0; j < K && m > 0; j++) {
			struct lava_submit_batch b = {
			    .variant = bl->variant,
			    .vid = bl->vid,
			    .build_id = bl->build_id,
			    .st = bl->w.st,
			    .sid = bl->w.sid,
			    .boots = per < m ? per : m,
			    .kernel_args = bl->kargs,
			};
			char name[512], *yaml;
			int64_t id;

			r = lava_job_next(bl->w.s, bl->w.cid, server, bl->vid, bl->w.sid, &b.batch,
					  &b.boot_base);
			if (r < 0) {
				snprintf(err, errsize, "cannot read the LAVA jobs of '%s' from the store",
					 bl->variant);
				return r;
			}
			r = lava_submit_job(&bl->ls, &b, &yaml, &id, name, sizeof(name), err, errsize);
			if (r < 0)
				return r;
			fprintf(stderr, "  LAVA job %lld %s: %d boot%s (%s)\n", (long long)id, name, b.boots,
				b.boots == 1 ? "" : "s", r == 1 ? "adopted from the server" : "submitted");
			m -= b.boots;
		}
		r = wait_jobs(bl, err, errsize);
		if (r < 0)
			return r;
	}
	return 0;
}
