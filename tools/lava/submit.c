// SPDX-License-Identifier: MIT
/*
 * oopsfarm lava submit | status | cancel: a campaign as LAVA jobs.
 *
 * submit builds (or finds cached) what the local farm boots, the variants'
 * kernels and initramfs and the setups' device trees, stages them in one
 * directory that the worker reads (file:// by default, or --artifacts-url
 * when that directory is served), renders one job per variant, setup and
 * batch of --boots-per-job boots with lava_render() (jobs/<board>.yaml), and
 * submits them batch by batch, variants interleaved, so that both sides of a
 * comparison run side by side in the lab.
 *
 * Idempotent: each job is in the store (lava_jobs) with its variant, setup
 * and batch the moment the server accepts it, and its job_name
 * ("oopsfarm CAMPAIGN VARIANT SETUP #BATCH") and metadata carry the campaign,
 * so a submit run again after a kill, or after the answer to a submission
 * was lost, first adopts the jobs the server has and submits only the rest.
 * Campaign names must be unique on a LAVA server.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "util/clock.h"
#include "board/board.h"
#include "core/artifacts.h"
#include "core/console.h"
#include "core/campaign.h"
#include "lava/api.h"
#include "util/text.h"
#include "lava/collect.h"
#include "lava/log.h"
#include "lava/lava.h"
#include "lava/submit.h"
#include "oopsfarm.h"
#include "store/queries.h"
#include "store/store.h"

struct lava_server_job {
	char name[512];
	int64_t id;
	char state[32], health[32];
};

/* Jobs the server already has for the campaign: by job_name. */
static int server_jobs(struct lava_api *a, const char *campaign, struct lava_server_job **ret, int *ret_n,
		       char *err, size_t errsize)
{
	char prefix[300], *esc, path[1024];
	struct lava_server_job *v = NULL;
	size_t cap = 0;
	int n = 0, offset = 0, r = 0;

	snprintf(prefix, sizeof(prefix), "oopsfarm %s ", campaign);
	esc = curl_escape(prefix, 0);
	if (!esc)
		return -ENOMEM;
	for (;;) {
		json_t *page, *results;
		size_t i;

		snprintf(path, sizeof(path),
			 "jobs/?description__startswith=%s&limit=500&offset=%d&ordering=id", esc, offset);
		r = lava_api_get_json(a, path, &page, err, errsize);
		if (r < 0)
			break;
		results = json_object_get(page, "results");
		for (i = 0; i < json_array_size(results); i++) {
			json_t *j = json_array_get(results, i);
			const char *d = json_string_value(json_object_get(j, "description"));

			if (!d)
				continue;
			if (ARRAY_GROW(v, n, cap) < 0) {
				json_decref(page);
				r = -ENOMEM;
				goto out;
			}
			snprintf(v[n].name, sizeof(v[n].name), "%s", d);
			v[n].id = json_integer_value(json_object_get(j, "id"));
			snprintf(v[n].state, sizeof(v[n].state), "%s",
				 json_string_value(json_object_get(j, "state")) ?: "");
			snprintf(v[n].health, sizeof(v[n].health), "%s",
				 json_string_value(json_object_get(j, "health")) ?: "");
			n++;
		}
		offset += (int)i;
		i = json_is_null(json_object_get(page, "next")) || !json_object_get(page, "next") || !i;
		json_decref(page);
		if (i)
			break;
	}
out:
	curl_free(esc);
	if (r < 0) {
		free(v);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int lava_job_record(struct store *s, int64_t cid, const char *server, int64_t job_id, int64_t vid,
		    int64_t sid, const char *device_type, int batch, int boots, const char *state,
		    const char *health)
{
	return store_exec(s, STORE_Q_LAVA_ADD_JOB, "itiiitddtt", cid, server, job_id, vid, sid, device_type,
			  batch, boots, state, health);
}

int lava_job_submit(struct lava_api *a, const char *yaml, int64_t *ret_id, char *err, size_t errsize)
{
	json_t *body = json_pack("{s:s}", "definition", yaml), *ans = NULL;
	int64_t id;
	int r;

	r = body ? lava_api_post_json(a, "jobs/", body, &ans, err, errsize) : -ENOMEM;
	json_decref(body);
	if (r < 0)
		return r;
	id = json_integer_value(json_array_get(json_object_get(ans, "job_ids"), 0));
	json_decref(ans);
	if (id <= 0) {
		snprintf(err, errsize, "LAVA at %s accepted the job but gave no job id", lava_api_url(a));
		return -EPROTO;
	}
	*ret_id = id;
	return 0;
}

bool lava_job_stored(struct store *s, int64_t cid, const char *server, int64_t vid, int64_t sid, int batch)
{
	struct store_rows *st;
	bool found;

	if (store_rows_open(s, STORE_Q_LAVA_JOB_STORED, &st, "itiid", cid, server, vid, sid, batch) < 0)
		return false;
	found = store_rows_next(st);
	store_rows_close(st);
	return found;
}

int lava_job_next(struct store *s, int64_t cid, const char *server, int64_t vid, int64_t sid, int *ret_batch,
		  int *ret_base)
{
	struct store_rows *st;
	int r;

	if ((r = store_rows_open(s, STORE_Q_LAVA_NEXT_BATCH, &st, "itii", cid, server, vid, sid)) < 0)
		return r;
	if (store_rows_next(st)) {
		*ret_batch = (int)store_rows_int(st, 0);
		*ret_base = (int)store_rows_int(st, 1);
	}
	return store_rows_close(st) < 0 ? -EIO : 0;
}

int lava_stage(const char *src, const char *dst)
{
	struct stat a, b;
	char tmp[1200], buf[65536];
	FILE *in, *out;
	size_t n;

	if (stat(src, &a) < 0)
		return -errno;
	if (stat(dst, &b) == 0 && a.st_size == b.st_size && b.st_mtime >= a.st_mtime)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	in = fopen(src, "rb");
	out = fopen(tmp, "wb");
	if (!in || !out) {
		int r = -errno;

		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return r;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	fclose(in);
	if (fclose(out) != 0)
		return -EIO;
	return rename(tmp, dst) < 0 ? -errno : 0;
}

int lava_submit_open(struct lava_submit *ls, char *err, size_t errsize)
{
	ls->sj = NULL;
	ls->nsj = 0;
	ls->checked[0] = '\0';
	return ls->a ? server_jobs(ls->a, ls->campaign, &ls->sj, &ls->nsj, err, errsize) : 0;
}

void lava_submit_release(struct lava_submit *ls)
{
	free(ls->sj);
	ls->sj = NULL;
	ls->nsj = 0;
}

void lava_submit_template(const struct lava_submit *ls, const struct campaign_setup *st, char *buf,
			  size_t size)
{
	if (ls->template)
		snprintf(buf, size, "%s", ls->template);
	else
		snprintf(buf, size, "jobs/%s.yaml", st->board ? st->board : "qemu-smmuv3");
}

/* Whether the server has the device type: once per type in a row, 0 or -errno. */
static int check_device_type(struct lava_submit *ls, const char *dtype, const char *setup, const char *tpath,
			     char *err, size_t errsize)
{
	char q[128];
	json_t *dt = NULL;
	int r;

	if (!strcmp(ls->checked, dtype))
		return 0;
	snprintf(q, sizeof(q), "devicetypes/%s/", dtype);
	r = lava_api_get_json(ls->a, q, &dt, err, errsize);
	json_decref(dt);
	if (r == -ENOENT) {
		snprintf(err, errsize, "LAVA at %s has no device type '%s' (setup '%s', %s)",
			 lava_api_url(ls->a), dtype, setup, tpath);
		return -ENODEV;
	}
	if (r < 0)
		return r;
	snprintf(ls->checked, sizeof(ls->checked), "%s", dtype);
	return 0;
}

int lava_submit_job(struct lava_submit *ls, const struct lava_submit_batch *b, char **ret_yaml,
		    int64_t *ret_id, char *name, size_t namesize, char *err, size_t errsize)
{
	const struct campaign_setup *st = b->st;
	char tpath[1100], sbatch[16], sbase[16], svcpus[16], smem[16], snodes[16], sjobmin[16];
	char kurl[1600], iurl[1600], durl[1600], dtype[64], e2[4096];
	struct lava_param p[20];
	char *yaml = NULL;
	int64_t job_id = 0;
	int np = 0, r, adopted = 0;

	*ret_yaml = NULL;
	lava_submit_template(ls, st, tpath, sizeof(tpath));
	snprintf(sbatch, sizeof(sbatch), "%d", b->batch);
	snprintf(sbase, sizeof(sbase), "%d", b->boot_base);
	snprintf(svcpus, sizeof(svcpus), "%d", st->vcpus);
	snprintf(smem, sizeof(smem), "%d", st->memory_mb);
	snprintf(snodes, sizeof(snodes), "%d", st->extra_nodes);
	/* a minute per boot is plenty (a boot takes seconds), plus the deploy */
	snprintf(sjobmin, sizeof(sjobmin), "%d", 5 + b->boots * 2);
	snprintf(kurl, sizeof(kurl), "%s/%s/Image", ls->base, b->variant);
	snprintf(iurl, sizeof(iurl), "%s/%s/initrd.cpio", ls->base, b->variant);
	snprintf(durl, sizeof(durl), "%s/%s.dtb", ls->base, st->name);
	p[np++] = (struct lava_param){"campaign", ls->campaign};
	p[np++] = (struct lava_param){"variant", b->variant};
	p[np++] = (struct lava_param){"setup", st->name};
	p[np++] = (struct lava_param){"batch", sbatch};
	p[np++] = (struct lava_param){"boot_base", sbase};
	p[np++] = (struct lava_param){"build_id", b->build_id && b->build_id[0] ? b->build_id : "unknown"};
	p[np++] = (struct lava_param){"kernel_url", kurl};
	p[np++] = (struct lava_param){"initrd_url", iurl};
	p[np++] = (struct lava_param){"dtb_url", durl};
	p[np++] = (struct lava_param){"vcpus", svcpus};
	if (st->cpu)
		p[np++] = (struct lava_param){"cpu", st->cpu};
	p[np++] = (struct lava_param){"memory_mb", smem};
	p[np++] = (struct lava_param){"extra_nodes", snodes};
	p[np++] = (struct lava_param){"agent_args", ls->agent_args ? ls->agent_args : ""};
	p[np++] = (struct lava_param){"kernel_args", b->kernel_args ? b->kernel_args : ""};
	p[np++] = (struct lava_param){"job_minutes", sjobmin};
	p[np++] = (struct lava_param){"priority", ls->priority ? ls->priority : "medium"};
	r = lava_render(tpath, p, np, b->boots, &yaml, err, errsize);
	if (r < 0)
		return r;
	name[0] = dtype[0] = '\0';
	lava_definition_field(yaml, strlen(yaml), "job_name", name, namesize);
	lava_definition_field(yaml, strlen(yaml), "device_type", dtype, sizeof(dtype));
	if (!ls->a) {
		*ret_yaml = yaml;
		*ret_id = 0;
		return 2;
	}
	/* a device type the server lacks: say so once, plainly */
	r = check_device_type(ls, dtype, st->name, tpath, err, errsize);
	if (r < 0) {
		free(yaml);
		return r;
	}
	for (int k = 0; k < ls->nsj && !job_id; k++)
		if (!strcmp(ls->sj[k].name, name) && strcmp(ls->sj[k].health, "Canceled"))
			job_id = ls->sj[k].id;
	if (job_id) {
		adopted = 1;
		r = lava_job_record(ls->s, ls->cid, lava_api_url(ls->a), job_id, b->vid, b->sid, dtype,
				    b->batch, b->boots, "", "");
	} else {
		r = lava_job_submit(ls->a, yaml, &job_id, e2, sizeof(e2));
		if (r < 0) {
			snprintf(err, errsize, "%s: %s", name, e2);
			free(yaml);
			/* the server's 400 is not the template's -EINVAL: not a usage error */
			return r == -EINVAL ? -EREMOTEIO : r;
		}
		r = lava_job_record(ls->s, ls->cid, lava_api_url(ls->a), job_id, b->vid, b->sid, dtype,
				    b->batch, b->boots, "Submitted", "Unknown");
	}
	free(yaml);
	*ret_id = job_id;
	if (r < 0) {
		snprintf(err, errsize,
			 "job %lld was submitted but cannot be recorded in the store (a run again adopts it)",
			 (long long)job_id);
		return -EIO;
	}
	return adopted;
}

static int common_token(const char *cmd, const char *token_file, char **ret)
{
	char err[ERR_MAX];
	int r = lava_token_read(token_file, ret, err, sizeof(err));

	if (r < 0) {
		errorf(cmd, "%s", err);
		return r == -ENOENT ? EXIT_USAGE : EXIT_INFRA;
	}
	return 0;
}

static int api_exit(int r)
{
	return r == -EINVAL ? EXIT_INFRA : EXIT_INFRA;
}

static void submit_usage(void)
{
	printf("usage: oopsfarm lava submit --url URL [options] CAMPAIGN.yaml\n\n"
	       "  --url URL            the LAVA server (http://host:port)\n"
	       "  --token-file FILE    the API token (default $OOPSFARM_LAVA_TOKEN); never printed\n"
	       "  --insecure           send the token over plain http to a host that is not loopback\n"
	       "  --store FILE         results store (default build/run/<campaign>/results.db)\n"
	       "  --boots-per-job N    (boot, test) pairs per job (default 10)\n"
	       "  --artifacts-url BASE where the worker finds the staged artifacts (default file://<dir>)\n"
	       "  --artifacts-dir DIR  where they are staged (default build/run/<campaign>/lava-artifacts)\n"
	       "  --template FILE      job template (default jobs/<setup board>.yaml)\n"
	       "  --init FILE          static init for the initramfs (default the aarch64 agent)\n"
	       "  --append ARGS        extra kernel command line\n"
	       "  --priority P         high, medium or low (default medium)\n"
	       "  --dry-run            print the jobs, submit nothing\n"
	       "  -v, --verbose        one line per API request (never the token)\n\n"
	       "Submits one job per variant, setup and batch (the campaign's boots per variant and setup,\n"
	       "--boots-per-job at a time) and records them in the store.  Run again, it submits only what\n"
	       "the store and the server do not have.  Exit: 0, 2 usage or bad spec, 3 build, server or "
	       "store.\n");
}

int lava_cmd_submit(int argc, char **argv)
{
	static const struct option opts[] = {{"url", required_argument, NULL, 'u'},
					     {"token-file", required_argument, NULL, 'T'},
					     {"store", required_argument, NULL, 's'},
					     {"boots-per-job", required_argument, NULL, 'n'},
					     {"artifacts-url", required_argument, NULL, 'A'},
					     {"artifacts-dir", required_argument, NULL, 'D'},
					     {"template", required_argument, NULL, 't'},
					     {"init", required_argument, NULL, 'i'},
					     {"append", required_argument, NULL, 'a'},
					     {"priority", required_argument, NULL, 'p'},
					     {"dry-run", no_argument, NULL, 'd'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"insecure", no_argument, NULL, 'I'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *url = NULL, *token_file = NULL, *store_path = NULL, *art_url = NULL, *art_dir = NULL;
	const char *template = NULL, *init = "build/aarch64-linux-gnu/oopsfarm-agent", *append = "";
	const char *priority = "medium";
	struct lava_api_opts aopts = {.retries = -1};
	struct variant_artifacts va[CAMPAIGN_MAX_VARIANTS];
	int64_t vid[CAMPAIGN_MAX_VARIANTS], sid[CAMPAIGN_MAX_SETUPS], cid;
	char dtb[CAMPAIGN_MAX_SETUPS][1100];
	char dir[1024], spath[1100], adir[1200], base[PATH_MAX + 8], err[4096 + 600], *agent_args = NULL;
	struct lava_submit ls = {0};
	struct campaign *c = NULL;
	struct store *s = NULL;
	struct lava_api *a = NULL;
	char *token = NULL;
	const struct board_kind *kind;
	const char *recipe;
	bool dry = false;
	int opt, r, bpj = 10, rc = EXIT_OK, nbatches, submitted = 0, adopted = 0, present = 0;
	double t0;

	while ((opt = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			url = optarg;
			break;
		case 'T':
			token_file = optarg;
			break;
		case 's':
			store_path = optarg;
			break;
		case 'n':
			bpj = atoi(optarg);
			if (bpj < 1 || bpj > 500) {
				errorf("lava submit",
				       "--boots-per-job needs a number from 1 to 500, not '%s'", optarg);
				return usage_hint("lava submit");
			}
			break;
		case 'A':
			art_url = optarg;
			break;
		case 'D':
			art_dir = optarg;
			break;
		case 't':
			template = optarg;
			break;
		case 'i':
			init = optarg;
			break;
		case 'a':
			append = optarg;
			break;
		case 'p':
			priority = optarg;
			break;
		case 'd':
			dry = true;
			break;
		case 'v':
			aopts.verbose = true;
			break;
		case 'I':
			aopts.insecure = true;
			break;
		case 'h':
			submit_usage();
			return EXIT_OK;
		default:
			return usage_hint("lava submit");
		}
	}
	if ((!url && !dry) || optind != argc - 1) {
		errorf("lava submit", "--url and one CAMPAIGN.yaml are needed");
		return usage_hint("lava submit");
	}
	if (campaign_load(argv[optind], &c, err, sizeof(err)) < 0) {
		errorf("lava submit", "%s", err);
		return EXIT_USAGE;
	}
	if (!dry && (rc = common_token("lava submit", token_file, &token)))
		goto out;
	if (url && (r = lava_api_new(url, token, &aopts, &a)) < 0) {
		if (r == -EPERM)
			errorf("lava submit",
			       "not sending the token over plain http to '%s' (https, a loopback host, or "
			       "--insecure)",
			       url);
		else
			errorf("lava submit", "'%s' is not an http(s) URL", url);
		rc = EXIT_USAGE;
		goto out;
	}
	if (access(init, R_OK) < 0) {
		errorf("lava submit",
		       "cannot read the init binary '%s': %s (make agent CROSS_COMPILE=aarch64-linux-gnu-)",
		       init, strerror(errno));
		rc = EXIT_INFRA;
		goto out;
	}
	snprintf(dir, sizeof(dir), "build/run/%s", c->name);
	if (!store_path) {
		snprintf(spath, sizeof(spath), "%s/results.db", dir);
		store_path = spath;
	}
	if (art_dir)
		snprintf(adir, sizeof(adir), "%s", art_dir);
	else
		snprintf(adir, sizeof(adir), "%s/lava-artifacts", dir);
	if (file_mkdir_p(dir) < 0 || file_mkdir_p(adir) < 0) {
		errorf("lava submit", "cannot make '%s': %s", adir, strerror(errno));
		rc = EXIT_INFRA;
		goto out;
	}
	if (art_url) {
		snprintf(base, sizeof(base), "%s", art_url);
		while (strlen(base) > 1 && base[strlen(base) - 1] == '/')
			base[strlen(base) - 1] = '\0';
	} else {
		char real[PATH_MAX];

		if (!realpath(adir, real)) {
			errorf("lava submit", "cannot resolve '%s': %s", adir, strerror(errno));
			rc = EXIT_INFRA;
			goto out;
		}
		snprintf(base, sizeof(base), "file://%s", real);
	}
	/* the agent's knobs, each as oopsfarm.KEY=VALUE, as `oopsfarm run` passes them */
	agent_args = campaign_kernel_args(c);
	if (!agent_args) {
		errorf("lava submit", "out of memory");
		rc = EXIT_INFRA;
		goto out;
	}
	r = store_open(store_path, &s);
	if (r < 0) {
		errorf("lava submit", "cannot open store '%s': %s", store_path, store_strerror(r));
		rc = EXIT_INFRA;
		goto out;
	}
	if ((r = store_campaign(s, c->name, c->target, c->path, &cid)) < 0) {
		errorf("lava submit", "cannot write to store '%s': %s", store_path, store_strerror(r));
		rc = EXIT_INFRA;
		goto out;
	}
	/* artifacts: the same recipe calls as `oopsfarm run` */
	kind = board_kind_find(c->setups[0].board);
	recipe = kind ? kind->recipe : NULL;
	if (!recipe) {
		errorf("lava submit", "board '%s' has no kernel recipe", c->setups[0].board);
		rc = EXIT_USAGE;
		goto out;
	}
	for (int v = 0; v < c->nvariants; v++) {
		char src[1200], dst[1500], vdir[1400];

		fprintf(stderr, "oopsfarm lava submit: building variant '%s'\n", c->variants[v].name);
		if (artifacts_variant(recipe, &c->variants[v], init, dir, &va[v], err, sizeof(err)) < 0) {
			errorf("lava submit", "%s", err);
			rc = EXIT_INFRA;
			goto out;
		}
		snprintf(vdir, sizeof(vdir), "%s/%s", adir, c->variants[v].name);
		file_mkdir_p(vdir);
		snprintf(src, sizeof(src), "%s", va[v].image);
		snprintf(dst, sizeof(dst), "%s/Image", vdir);
		if ((r = lava_stage(src, dst)) < 0 || (snprintf(dst, sizeof(dst), "%s/initrd.cpio", vdir),
						       r = lava_stage(va[v].initrd, dst)) < 0) {
			errorf("lava submit", "cannot stage the artifacts of '%s' in '%s': %s",
			       c->variants[v].name, vdir, strerror(-r));
			rc = EXIT_INFRA;
			goto out;
		}
		r = store_variant(s, cid, c->variants[v].name, va[v].version, va[v].patches, NULL,
				  va[v].build_id, &vid[v]);
		if (r < 0) {
			errorf("lava submit", "cannot write to store '%s': %s", store_path,
			       store_strerror(r));
			rc = EXIT_INFRA;
			goto out;
		}
	}
	for (int i = 0; i < c->nsetups; i++) {
		struct campaign_setup *st = &c->setups[i];
		char dst[1300];

		/* the template always passes -dtb: a setup without extra nodes gets
		 * QEMU's own tree for its vCPUs and memory (widen-dtb.sh with 0) */
		if (artifacts_setup_dtb(recipe, st, dir, true, dtb[i], sizeof(dtb[i]), err, sizeof(err)) <
		    0) {
			errorf("lava submit", "%s", err);
			rc = EXIT_INFRA;
			goto out;
		}
		snprintf(dst, sizeof(dst), "%s/%s.dtb", adir, st->name);
		if ((r = lava_stage(dtb[i], dst)) < 0) {
			errorf("lava submit", "cannot stage '%s': %s", dst, strerror(-r));
			rc = EXIT_INFRA;
			goto out;
		}
		r = store_setup(s, cid, st->name, st->vcpus, st->memory_mb, NULL, st->cpu, &sid[i]);
		if (r < 0) {
			errorf("lava submit", "cannot write to store '%s': %s", store_path,
			       store_strerror(r));
			rc = EXIT_INFRA;
			goto out;
		}
	}
	/* what the server already has (a submit whose answer was lost, a store copied elsewhere) */
	ls = (struct lava_submit){.a = dry ? NULL : a,
				  .s = s,
				  .cid = cid,
				  .campaign = c->name,
				  .template = template,
				  .base = base,
				  .agent_args = agent_args,
				  .priority = priority};
	r = lava_submit_open(&ls, err, sizeof(err));
	if (r < 0) {
		errorf("lava submit", "%s", err);
		rc = api_exit(r);
		goto out;
	}
	nbatches = (c->boots + bpj - 1) / bpj;
	t0 = clock_now();
	for (int b = 1; b <= nbatches && rc == EXIT_OK; b++) {
		for (int i = 0; i < c->nsetups && rc == EXIT_OK; i++) {
			for (int v = 0; v < c->nvariants; v++) {
				struct lava_submit_batch jb = {
				    .variant = c->variants[v].name,
				    .vid = vid[v],
				    .build_id = va[v].build_id,
				    .st = &c->setups[i],
				    .sid = sid[i],
				    .batch = b,
				    .boots = b < nbatches ? bpj : c->boots - (nbatches - 1) * bpj,
				    .boot_base = (b - 1) * bpj,
				    .kernel_args = append,
				};
				char name[512], *yaml;
				int64_t job_id;

				if (!dry && lava_job_stored(s, cid, lava_api_url(a), vid[v], sid[i], b)) {
					present++;
					continue;
				}
				r = lava_submit_job(&ls, &jb, &yaml, &job_id, name, sizeof(name), err,
						    sizeof(err));
				if (r == 2) {
					printf("%s", yaml);
					free(yaml);
					continue;
				}
				if (r < 0) {
					errorf("lava submit", "%s", err);
					rc = r == -EINVAL || r == -EBADMSG ? EXIT_USAGE : EXIT_INFRA;
					break;
				}
				submitted += r == 0;
				adopted += r == 1;
				printf("%lld %s\n", (long long)job_id, name);
			}
		}
	}
	if (!dry)
		fprintf(stderr,
			"oopsfarm lava submit: %s: %d jobs submitted, %d adopted from the server, %d already "
			"in the"
			" store (%d variants x %d setups x %d batches of up to %d boots) in %.2f s\n",
			c->name, submitted, adopted, present, c->nvariants, c->nsetups, nbatches, bpj,
			clock_now() - t0);
out:
	free(agent_args);
	lava_submit_release(&ls);
	lava_api_free(a);
	if (token)
		memset(token, 0, strlen(token));
	free(token);
	store_close(s);
	campaign_free(c);
	return rc;
}

/* ---- status and cancel ---- */

struct job_line {
	int64_t row, job;
	char server[512], variant[128], setup[128], state[32], health[32];
	int batch, boots, stored;
	bool collected;
};

static int load_lines(struct store *s, const char *campaign, struct job_line **ret, int *ret_n)
{
	struct store_rows *st;
	struct job_line *v = NULL;
	size_t cap = 0;
	int n = 0, r;

	if ((r = store_rows_open(s, STORE_Q_LAVA_STATUS, &st, "t", campaign)) < 0)
		return r;
	while (store_rows_next(st)) {
		if (ARRAY_GROW(v, n, cap) < 0) {
			free(v);
			store_rows_close(st);
			return -ENOMEM;
		}
		v[n].row = store_rows_int(st, 0);
		v[n].job = store_rows_int(st, 1);
		snprintf(v[n].server, sizeof(v[n].server), "%s", store_rows_text(st, 2));
		snprintf(v[n].variant, sizeof(v[n].variant), "%s", store_rows_text(st, 3));
		snprintf(v[n].setup, sizeof(v[n].setup), "%s", store_rows_text(st, 4));
		snprintf(v[n].state, sizeof(v[n].state), "%s", store_rows_text(st, 5));
		snprintf(v[n].health, sizeof(v[n].health), "%s", store_rows_text(st, 6));
		v[n].batch = store_rows_int(st, 7);
		v[n].boots = store_rows_int(st, 8);
		v[n].collected = store_rows_int(st, 9);
		v[n].stored = store_rows_int(st, 10);
		n++;
	}
	if (store_rows_close(st) < 0) {
		free(v);
		return -EIO;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static void update_line(struct store *s, const struct job_line *l)
{
	if (store_exec(s, STORE_Q_LAVA_SET_STATE, "tti", l->state, l->health, l->row) < 0)
		fprintf(stderr, "oopsfarm lava: cannot record the state of job %lld: %s, ignoring\n",
			(long long)l->job, store_errmsg(s));
}

/* status and cancel share their options and their walk over the jobs */
static int jobs_cmd(int argc, char **argv, bool cancel)
{
	static const struct option opts[] = {{"store", required_argument, NULL, 's'},
					     {"campaign", required_argument, NULL, 'c'},
					     {"token-file", required_argument, NULL, 'T'},
					     {"job", required_argument, NULL, 'j'},
					     {"offline", no_argument, NULL, 'o'},
					     {"json", no_argument, NULL, 'J'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"insecure", no_argument, NULL, 'I'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *cmd = cancel ? "lava cancel" : "lava status";
	const char *store_path = NULL, *campaign = NULL, *token_file = NULL;
	struct lava_api_opts aopts = {.retries = -1};
	struct lava_api *a = NULL;
	struct job_line *lines = NULL;
	struct store *s = NULL;
	struct out o;
	char *token = NULL, err[2048];
	bool offline = false, json = false;
	long long only = 0;
	int opt, r, n = 0, rc = EXIT_OK, done = 0, shown = 0;

	while ((opt = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			store_path = optarg;
			break;
		case 'c':
			campaign = optarg;
			break;
		case 'T':
			token_file = optarg;
			break;
		case 'j':
			only = atoll(optarg);
			break;
		case 'o':
			offline = true;
			break;
		case 'J':
			json = true;
			break;
		case 'v':
			aopts.verbose = true;
			break;
		case 'I':
			aopts.insecure = true;
			break;
		case 'h':
			printf("usage: oopsfarm %s --store FILE --campaign NAME [--token-file FILE] [--job "
			       "ID]%s\n\n%s",
			       cmd, cancel ? "" : " [--offline] [--json]",
			       cancel
				   ? "Cancels the campaign's LAVA jobs that have not finished (or job ID).  "
				     "Their boots\n"
				     "are collected as infra errors.  Exit: 0, 2 usage, 3 server or store.\n"
				   : "One line per LAVA job of the campaign: id, variant, setup, batch, "
				     "state, health, boots\n"
				     "stored; the server is asked unless --offline.  Exit: 0, 2 usage, 3 "
				     "server or store.\n");
			return EXIT_OK;
		default:
			return usage_hint(cmd);
		}
	}
	if (!store_path || !campaign || optind != argc) {
		errorf(cmd, "--store and --campaign are needed");
		return usage_hint(cmd);
	}
	if (cancel)
		offline = false;
	if (!offline && (rc = common_token(cmd, token_file, &token)))
		return rc;
	r = store_open(store_path, &s);
	if (r < 0) {
		errorf(cmd, "cannot open store '%s': %s", store_path, store_strerror(r));
		rc = EXIT_INFRA;
		goto out;
	}
	if (load_lines(s, campaign, &lines, &n) < 0) {
		errorf(cmd, "cannot read the jobs of '%s' from '%s'", campaign, store_path);
		rc = EXIT_INFRA;
		goto out;
	}
	if (!n) {
		errorf(cmd, "campaign '%s' has no LAVA jobs in '%s'", campaign, store_path);
		rc = EXIT_USAGE;
		goto out;
	}
	out_init(&o, stdout, json);
	out_obj_open(&o, NULL);
	out_u64(&o, "version", NULL, 1);
	out_str(&o, "campaign", NULL, campaign);
	out_arr_open(&o, "jobs");
	for (int k = 0; k < n; k++) {
		struct job_line *l = &lines[k];

		if (only && l->job != only)
			continue;
		if (!offline && (!a || strcmp(lava_api_url(a), l->server))) {
			lava_api_free(a);
			a = NULL;
			if ((r = lava_api_new(l->server, token, &aopts, &a)) < 0) {
				if (r == -EPERM)
					errorf(cmd,
					       "not sending the token over plain http to '%s' (https, a "
					       "loopback host, or --insecure)",
					       l->server);
				else
					errorf(cmd, "bad server URL '%s' in the store", l->server);
				rc = EXIT_INFRA;
				break;
			}
		}
		if (cancel && strcmp(l->state, "Finished") && !l->collected) {
			char q[64], *body = NULL;
			size_t len;

			snprintf(q, sizeof(q), "jobs/%lld/cancel/", (long long)l->job);
			r = lava_api_get(a, q, &body, &len, err, sizeof(err));
			free(body);
			if (r < 0) {
				errorf(cmd, "job %lld: %s", (long long)l->job, err);
				rc = EXIT_INFRA;
				if (r != -EINVAL && r != -ENOENT)
					break;
				continue;
			}
			done++;
		}
		if (!offline) {
			char q[64];
			json_t *j = NULL;

			snprintf(q, sizeof(q), "jobs/%lld/", (long long)l->job);
			r = lava_api_get_json(a, q, &j, err, sizeof(err));
			if (r < 0) {
				errorf(cmd, "job %lld: %s", (long long)l->job, err);
				rc = EXIT_INFRA;
				if (r != -ENOENT)
					break;
				continue;
			}
			snprintf(l->state, sizeof(l->state), "%s",
				 json_string_value(json_object_get(j, "state")) ?: "");
			snprintf(l->health, sizeof(l->health), "%s",
				 json_string_value(json_object_get(j, "health")) ?: "");
			json_decref(j);
			update_line(s, l);
		}
		if (cancel)
			continue;
		shown++;
		out_obj_open(&o, NULL);
		out_u64(&o, "job", "%-7llu", (unsigned long long)l->job);
		out_str(&o, "variant", " %-20s", l->variant);
		out_str(&o, "setup", " %-16s", l->setup);
		out_u64(&o, "batch", " #%-4llu", (unsigned long long)l->batch);
		out_str(&o, "state", " %-10s", l->state);
		out_str(&o, "health", " %-10s", l->health);
		out_u64(&o, "boots", " %llu", (unsigned long long)l->boots);
		out_u64(&o, "stored", " boots, %llu stored", (unsigned long long)l->stored);
		out_bool(&o, "collected", ", collected: %s\n", l->collected);
		out_obj_close(&o);
	}
	out_arr_close(&o);
	out_obj_close(&o);
	if (out_flush(&o) < 0) {
		errorf(cmd, "cannot write the output: %s", strerror(errno ? errno : EIO));
		rc = EXIT_INFRA;
	}
	if (cancel)
		fprintf(stderr, "oopsfarm lava cancel: %s: %d jobs canceled\n", campaign, done);
out:
	free(lines);
	lava_api_free(a);
	if (token)
		memset(token, 0, strlen(token));
	free(token);
	store_close(s);
	return rc;
}

int lava_cmd_status(int argc, char **argv)
{
	return jobs_cmd(argc, argv, false);
}

int lava_cmd_cancel(int argc, char **argv)
{
	return jobs_cmd(argc, argv, true);
}
