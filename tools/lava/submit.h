/* SPDX-License-Identifier: MIT */
/*
 * submit.h - one LAVA job of a campaign, submitted or adopted and recorded
 * (tools/lava/submit.c): what `oopsfarm lava submit` and a bisect's LAVA
 * steps (core/bisect-farm.h) share.
 *
 * A struct lava_submit holds what every job of a campaign has in common:
 * the server, the store rows, the template, where the worker finds the
 * staged artifacts, the agent knobs.  lava_submit_open() lists the jobs the
 * server already has for the campaign (by job_name), so that a job whose
 * answer was lost, or that a killed run submitted without recording it, is
 * adopted rather than submitted again.  lava_submit_job() renders one
 * (variant, setup, batch) job with lava_render(), checks once per device
 * type that the server has it, adopts or submits it, and records it in
 * lava_jobs the moment the server accepted it.
 */
#ifndef OOPSFARM_LAVA_SUBMIT_H
#define OOPSFARM_LAVA_SUBMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/campaign.h"
#include "lava/api.h"
#include "store/store.h"

struct lava_server_job;

struct lava_submit {
	struct lava_api *a; /* NULL: a dry run (render only) */
	struct store *s;
	int64_t cid;
	const char *campaign;	/* its name: the jobs' names and metadata */
	const char *template;	/* NULL: jobs/<setup board>.yaml */
	const char *base;	/* where the worker finds the artifacts (file://DIR or a URL) */
	const char *agent_args; /* oopsfarm.KEY=VALUE words */
	const char *priority;	/* high, medium, low */
	/* filled by lava_submit_open() */
	struct lava_server_job *sj;
	int nsj;
	char checked[64]; /* the device type last found on the server */
};

/* One job: a variant's batch of boots on a setup. */
struct lava_submit_batch {
	const char *variant; /* its artifacts are staged in <base>/<variant>/ */
	int64_t vid;
	const char *build_id; /* "" when unknown */
	const struct campaign_setup *st;
	int64_t sid;
	int batch;		 /* 1, 2, ... per (variant, setup) */
	int boots;		 /* (boot, test) pairs */
	int boot_base;		 /* the campaign index of its first boot */
	const char *kernel_args; /* more kernel parameters ("" none) */
};

/*
 * Lists the jobs the server has for ls->campaign.  0, or -errno from
 * lava_api_get_json() with a message in err.  A dry run lists nothing.
 */
int lava_submit_open(struct lava_submit *ls, char *err, size_t errsize);
void lava_submit_release(struct lava_submit *ls);

/*
 * The template's path for a setup into buf: ls->template, else
 * jobs/<board>.yaml.
 */
void lava_submit_template(const struct lava_submit *ls, const struct campaign_setup *st, char *buf,
			  size_t size);

/*
 * Renders job b and, unless a dry run, adopts it from the server (same
 * job_name, not canceled) or submits it, then records it.  Returns 0
 * submitted, 1 adopted, 2 a dry run (the YAML in *ret_yaml, malloc'd; NULL
 * otherwise), with the job id in *ret_id and its job_name in name.
 * Errors, with a message in err: -EINVAL or -EBADMSG (the template or a
 * parameter), -ENODEV (the server has no such device type), -EREMOTEIO
 * (the server rejected the job: its 400 message), -EIO with *ret_id set
 * (submitted but not recorded: a run again adopts it), or -errno from the
 * API.
 */
int lava_submit_job(struct lava_submit *ls, const struct lava_submit_batch *b, char **ret_yaml,
		    int64_t *ret_id, char *name, size_t namesize, char *err, size_t errsize);

/*
 * The next batch of (campaign cid, server, variant vid, setup sid): one past
 * the last the store has, and the boots of the batches before it (its
 * boot_base).  0 or -errno from the store.
 */
int lava_job_next(struct store *s, int64_t cid, const char *server, int64_t vid, int64_t sid, int *ret_batch,
		  int *ret_base);

/* Copies src to dst unless dst has the same size and is not older.  0 or -errno. */
int lava_stage(const char *src, const char *dst);

#endif
