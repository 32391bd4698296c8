// SPDX-License-Identifier: MIT
/* nightly.c - the plan, the night, the lock, one night's run; see nightly.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "board/board.h"
#include "core/artifacts.h"
#include "core/farm.h"
#include "core/nightly.h"
#include "oopsfarm.h"
#include "report/dashboard.h"
#include "store/nightly.h"
#include "store/store.h"
#include "util/msg.h"
#include "util/text.h"

/* ---- the plan ---------------------------------------------------------- */

static const char *const plan_keys[] = {"tree", "ref", "known_issues", "no_agent", "store", "lava", NULL};

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* a non-empty scalar, or NULL */
static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length ? (const char *)n->data.scalar.value
									 : NULL;
}

static int plan_fail(char *err, size_t size, const char *path, yaml_node_t *n, const char *msg,
		     const char *arg)
{
	char *m = NULL;
	size_t len = 0, cap = 0;

	/* msg is one of this file's formats, with one %s */
	if (text_printf(&m, &len, &cap, msg, arg ? arg : "") < 0)
		return -ENOMEM;
	snprintf(err, size, "%s:%zu: %s", path, n ? n->start_mark.line + 1 : 1, m);
	free(m);
	return -EINVAL;
}

static void fnv1a(const char *buf, size_t len, char ret[17])
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)buf[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(ret, 17, "%016llx", h);
}

int nightly_variant_index(const struct nightly_plan *p, const char *name)
{
	for (int i = 0; i < p->c->nvariants; i++)
		if (!strcmp(p->c->variants[i].name, name))
			return i;
	return -1;
}

/* A path of the plan relative to the plan file's directory, malloc'd. */
static char *plan_relative(const char *plan_path, const char *v)
{
	const char *slash = strrchr(plan_path, '/');
	char *r = NULL;

	if (v[0] == '/' || !slash)
		return strdup(v);
	if (asprintf(&r, "%.*s/%s", (int)(slash - plan_path), plan_path, v) < 0)
		return NULL;
	return r;
}

/* `lava:`: the plan's LAVA setups (nightly.h). */
static int plan_lava(struct nightly_plan *p, const char *path, yaml_document_t *doc, yaml_node_t *n,
		     char *err, size_t size)
{
	static const char *const keys[] = {"setup", "url",     "token_file", "definitions",
					   "jobs",  "variant", "timeout",    NULL};
	size_t cnt;

	if (!n)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return plan_fail(err, size, path, n, "plan: 'lava' must be a list of LAVA setups%s", NULL);
	cnt = n->data.sequence.items.top - n->data.sequence.items.start;
	if (cnt > CAMPAIGN_MAX_SETUPS)
		return plan_fail(err, size, path, n, "plan: more than 16 LAVA setups%s", NULL);
	if (!(p->lava = calloc(cnt + 1, sizeof(*p->lava))))
		return -ENOMEM;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(doc, *it), *l;
		struct nightly_lava *lv = &p->lava[p->nlava++];
		const char *setup = scalar(map_get(doc, e, "setup")), *url = scalar(map_get(doc, e, "url")),
			   *v;

		if (!e || e->type != YAML_MAPPING_NODE || !setup || !url)
			return plan_fail(err, size, path, e ? e : n,
					 "plan: each LAVA setup needs a 'setup' and a 'url'%s", NULL);
		for (yaml_node_pair_t *kv = e->data.mapping.pairs.start; kv < e->data.mapping.pairs.top;
		     kv++) {
			const char *k = scalar(yaml_document_get_node(doc, kv->key));
			int known = 0;

			for (int i = 0; k && keys[i]; i++)
				known |= !strcmp(k, keys[i]);
			if (!known)
				return plan_fail(err, size, path, yaml_document_get_node(doc, kv->key),
						 "plan: LAVA setup: unknown key '%s'", k ? k : "");
		}
		if (!campaign_name_valid(setup))
			return plan_fail(err, size, path, e, "plan: LAVA setup name '%s' is not a valid name",
					 setup);
		for (int i = 0; i < p->c->nsetups; i++)
			if (!strcmp(p->c->setups[i].name, setup))
				return plan_fail(err, size, path, e,
						 "plan: LAVA setup '%s' is also in setups:", setup);
		for (unsigned i = 0; i + 1 < p->nlava; i++)
			if (!strcmp(p->lava[i].setup, setup))
				return plan_fail(err, size, path, e, "plan: LAVA setup '%s' is named twice",
						 setup);
		lv->setup = strdup(setup);
		lv->url = strdup(url);
		if ((v = scalar(map_get(doc, e, "token_file"))) && !(lv->token_file = plan_relative(path, v)))
			return -ENOMEM;
		v = scalar(map_get(doc, e, "variant"));
		lv->variant = strdup(v ? v : p->c->variants[0].name);
		if (!lv->setup || !lv->url || !lv->variant)
			return -ENOMEM;
		if (nightly_variant_index(p, lv->variant) < 0)
			return plan_fail(err, size, path, e, "plan: LAVA setup: no variant '%s'",
					 lv->variant);
		lv->timeout = 3600;
		if ((v = scalar(map_get(doc, e, "timeout"))) && !((lv->timeout = strtod(v, NULL)) > 0))
			return plan_fail(err, size, path, e,
					 "plan: LAVA setup: 'timeout' must be seconds, not '%s'", v);
		l = map_get(doc, e, "definitions");
		if (l && l->type != YAML_SEQUENCE_NODE)
			return plan_fail(err, size, path, l,
					 "plan: LAVA setup: 'definitions' must be a list of files%s", NULL);
		if (l) {
			cnt = l->data.sequence.items.top - l->data.sequence.items.start;
			if (!(lv->definitions = calloc(cnt + 1, sizeof(char *))))
				return -ENOMEM;
			for (yaml_node_item_t *d = l->data.sequence.items.start;
			     d < l->data.sequence.items.top; d++) {
				if (!(v = scalar(yaml_document_get_node(doc, *d))))
					return plan_fail(err, size, path, l,
							 "plan: LAVA setup: a definition is not a file%s",
							 NULL);
				if (!(lv->definitions[lv->ndefinitions++] = plan_relative(path, v)))
					return -ENOMEM;
				if (access(lv->definitions[lv->ndefinitions - 1], R_OK) < 0)
					return plan_fail(err, size, path, l,
							 "plan: LAVA setup: cannot read definition '%s'",
							 lv->definitions[lv->ndefinitions - 1]);
			}
		}
		l = map_get(doc, e, "jobs");
		if (l && l->type != YAML_SEQUENCE_NODE)
			return plan_fail(err, size, path, l,
					 "plan: LAVA setup: 'jobs' must be a list of job ids%s", NULL);
		if (l) {
			cnt = l->data.sequence.items.top - l->data.sequence.items.start;
			if (!(lv->jobs = calloc(cnt + 1, sizeof(*lv->jobs))))
				return -ENOMEM;
			for (yaml_node_item_t *d = l->data.sequence.items.start;
			     d < l->data.sequence.items.top; d++) {
				char *end;

				v = scalar(yaml_document_get_node(doc, *d));
				if (!v || (lv->jobs[lv->njobs++] = strtoll(v, &end, 10)) <= 0 || *end)
					return plan_fail(err, size, path, l,
							 "plan: LAVA setup: '%s' is not a job id",
							 v ? v : "");
			}
		}
		if (!lv->ndefinitions && !lv->njobs)
			return plan_fail(err, size, path, e,
					 "plan: LAVA setup '%s' names no definitions and no jobs", setup);
	}
	return 0;
}

/* The plan's own keys, from its YAML document. */
static int plan_extras(struct nightly_plan *p, const char *path, yaml_document_t *doc, char *err, size_t size)
{
	yaml_node_t *root = yaml_document_get_root_node(doc), *n;
	const char *v;
	char real[PATH_MAX];

	n = map_get(doc, root, "tree");
	if (!(v = scalar(n)))
		return plan_fail(err, size, path, n ? n : root, "plan: 'tree' (a local git repository) is %s",
				 n ? "not a path" : "missing");
	/* a URL would mean fetching: oopsfarm never does */
	if (strstr(v, "://") || (strchr(v, ':') && v[0] != '/' && v[0] != '.'))
		return plan_fail(err, size, path, n,
				 "plan: 'tree' must be a local path, not '%s' (oopsfarm never"
				 " fetches; keep a local mirror)",
				 v);
	if (!realpath(v, real))
		return plan_fail(err, size, path, n, "plan: 'tree' '%s' does not exist", v);
	p->tree = strdup(real);
	n = map_get(doc, root, "ref");
	if (n && !scalar(n))
		return plan_fail(err, size, path, n, "plan: 'ref' must be a branch, tag or commit%s", NULL);
	p->ref = strdup(n ? scalar(n) : "HEAD");
	n = map_get(doc, root, "store");
	if (n && !(v = scalar(n)))
		return plan_fail(err, size, path, n, "plan: 'store' must be a file name%s", NULL);
	if (n)
		p->store = strdup(v);
	n = map_get(doc, root, "no_agent");
	p->agent_expected = true;
	if (n) {
		v = scalar(n);
		if (!v || (strcmp(v, "true") && strcmp(v, "false")))
			return plan_fail(err, size, path, n, "plan: 'no_agent' must be true or false%s",
					 NULL);
		p->agent_expected = !strcmp(v, "false");
	}
	n = map_get(doc, root, "known_issues");
	if (n && n->type != YAML_SEQUENCE_NODE)
		return plan_fail(err, size, path, n, "plan: 'known_issues' must be a list of {title, link}%s",
				 NULL);
	if (n) {
		size_t cnt = n->data.sequence.items.top - n->data.sequence.items.start;

		p->known = calloc(cnt + 1, sizeof(*p->known));
		if (!p->known)
			return -ENOMEM;
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
		     it++) {
			yaml_node_t *e = yaml_document_get_node(doc, *it);
			const char *title = scalar(map_get(doc, e, "title")),
				   *link = scalar(map_get(doc, e, "link"));

			if (!e || e->type != YAML_MAPPING_NODE || !title || !link)
				return plan_fail(err, size, path, e,
						 "plan: each known issue needs a 'title' and a"
						 " 'link'%s",
						 NULL);
			p->known[p->nknown].title = strdup(title);
			p->known[p->nknown++].link = strdup(link);
		}
	}
	if (!p->tree || !p->ref)
		return -ENOMEM;
	return plan_lava(p, path, doc, map_get(doc, root, "lava"), err, size);
}

int nightly_plan_load(const char *path, struct nightly_plan **ret, char *err, size_t errsize)
{
	struct nightly_plan *p = calloc(1, sizeof(*p));
	yaml_parser_t parser;
	yaml_document_t doc;
	size_t len = 0;
	char *buf;
	int r;

	if (!p)
		return -ENOMEM;
	/* the campaign part, checked as any campaign */
	r = campaign_load_extra(path, plan_keys, &p->c, err, errsize);
	if (r < 0) {
		free(p);
		return r;
	}
	buf = file_slurp(path, &len);
	if (!buf) {
		r = -errno;
		snprintf(err, errsize, "cannot read '%s': %s", path, strerror(errno));
		nightly_plan_free(p);
		return r;
	}
	fnv1a(buf, len, p->hash);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_parser_delete(&parser);
		free(buf);
		nightly_plan_free(p);
		snprintf(err, errsize, "%s: not valid YAML", path);
		return -EINVAL;
	}
	r = plan_extras(p, path, &doc, err, errsize);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(buf);
	if (r < 0) {
		nightly_plan_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

void nightly_plan_free(struct nightly_plan *p)
{
	if (!p)
		return;
	campaign_free(p->c);
	free(p->tree);
	free(p->ref);
	free(p->store);
	for (unsigned i = 0; i < p->nknown; i++) {
		free((char *)p->known[i].title);
		free((char *)p->known[i].link);
	}
	free(p->known);
	for (unsigned i = 0; i < p->nlava; i++) {
		free(p->lava[i].setup);
		free(p->lava[i].url);
		free(p->lava[i].token_file);
		free(p->lava[i].variant);
		for (unsigned k = 0; k < p->lava[i].ndefinitions; k++)
			free(p->lava[i].definitions[k]);
		free(p->lava[i].definitions);
		free(p->lava[i].jobs);
	}
	free(p->lava);
	free(p);
}

char *nightly_store_path(const struct nightly_plan *p, const char *store)
{
	if (store || p->store)
		return strdup(store ? store : p->store);
	return text_format("build/nightly/%s/results.db", p->c->name);
}

int nightly_date(const char *arg, char ret[11])
{
	struct tm tm = {0};
	time_t now;
	char back[11];

	if (!arg) {
		now = time(NULL);
		strftime(ret, 11, "%Y-%m-%d", gmtime(&now));
		return 0;
	}
	/* strptime accepts 2026-2-30; a round trip through timegm does not */
	if (strlen(arg) != 10 || !strptime(arg, "%Y-%m-%d", &tm))
		return -EINVAL;
	now = timegm(&tm);
	strftime(back, sizeof(back), "%Y-%m-%d", gmtime(&now));
	if (strcmp(back, arg))
		return -EINVAL;
	memcpy(ret, arg, 11);
	return 0;
}

/* git never reaches the network from here: local paths only */
static const char *const git_env[] = {"GIT_ALLOW_PROTOCOL=file", "GIT_TERMINAL_PROMPT=0", NULL};

int nightly_resolve(const char *tree, const char *ref, char ret[41], char *err, size_t errsize)
{
	const char *check[] = {"git", "-C", tree, "rev-parse", "--git-dir", NULL};
	char *spec = text_format("%s^{commit}", ref), out[256];
	const char *argv[] = {"git", "-C", tree, "rev-parse", "--verify", "--quiet", spec, NULL};
	int r;

	if (!spec)
		return -ENOMEM;

	r = artifacts_run(check, git_env, out, sizeof(out));
	if (r < 0) {
		snprintf(err, errsize, "'%s' is not a git repository%s", tree,
			 r == -EIO ? "" : " (cannot run git)");
		free(spec);
		return -EIO;
	}
	r = artifacts_run(argv, git_env, out, sizeof(out));
	free(spec);
	if (r < 0 || strlen(out) != 40 || out[strspn(out, "0123456789abcdef")]) {
		snprintf(err, errsize, "ref '%s' does not resolve to a commit in '%s'", ref, tree);
		return -ENOENT;
	}
	memcpy(ret, out, 41);
	return 0;
}

int nightly_lock(const char *path, const char *night, int *ret_fd, char *err, size_t errsize)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644), r;
	char holder[256] = "";
	ssize_t n;

	if (fd < 0) {
		r = -errno;
		snprintf(err, errsize, "cannot open lock '%s': %s", path, strerror(errno));
		return r;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		n = pread(fd, holder, sizeof(holder) - 1, 0);
		holder[n > 0 ? n : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		snprintf(err, errsize,
			 "another night of this plan is running (%s); two nights never run at once"
			 " (lock '%s')",
			 holder[0] ? holder : "holder unknown", path);
		close(fd);
		return r;
	}
	/* who holds it, for the message above */
	{
		time_t now = time(NULL);
		char when[32];

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
		n = snprintf(holder, sizeof(holder), "night %s, pid %ld, since %s\n", night, (long)getpid(),
			     when);
		if (ftruncate(fd, 0) < 0 || pwrite(fd, holder, n, 0) != n)
			fprintf(stderr, "oopsfarm nightly: cannot write lock '%s', ignoring\n", path);
	}
	*ret_fd = fd;
	return 0;
}

void nightly_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* ---- one night ------------------------------------------------------- */

/* The commit checked out in dir: a local clone sharing tree's objects. */
static int checkout(const char *tree, const char *commit, const char *dir, char *err, size_t errsize)
{
	const char *clone[] = {"git", "clone", "--quiet", "--shared", "--no-checkout", tree, dir, NULL};
	const char *co[] = {"git", "-C", dir, "checkout", "--quiet", "--force", "--detach", commit, NULL};
	char *gitdir = text_format("%s/.git", dir), out[256];
	struct stat st;
	int r;

	if (!gitdir)
		return -ENOMEM;
	r = stat(gitdir, &st);
	free(gitdir);
	if (r < 0 && artifacts_run(clone, git_env, out, sizeof(out)) < 0) {
		snprintf(err, errsize, "cannot clone '%s' into '%s'", tree, dir);
		return -EIO;
	}
	if (artifacts_run(co, git_env, out, sizeof(out)) < 0) {
		snprintf(err, errsize, "cannot check out %s in '%s'", commit, dir);
		return -EIO;
	}
	return 0;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
	farm_stop();
}

struct night_run {
	const struct nightly_opts *o;
	struct nightly_plan *p;
	struct store *s;
	char *plan, *store_path, *dir; /* the plan's name, store and build/nightly/<plan> */
	char *ndir;		       /* dir/<date>: the night's logs and initramfs */
	char date[11], commit[41];
	int64_t cid, night_id;
	int64_t lava_sid[CAMPAIGN_MAX_SETUPS]; /* the LAVA setups' ids */
	bool lava_failed[CAMPAIGN_MAX_SETUPS];
};

/* Builds every variant (when the boards boot our kernels) and stores the
 * variants and setups.  1 when a variant did not build (stored as the
 * night's status), 0, or -errno after saying what failed. */
static int prepare_night(struct night_run *nr, struct variant_art *va, struct setup_art *sa,
			 const char *recipe)
{
	struct campaign *c = nr->p->c;
	char *src = text_format("%s/src/%s", nr->dir, nr->commit), err[ERR_MAX];
	int r;

	bool from_tree = false;

	/* a variant with a `kernel:` of its own (a pinned reference tree)
	 * builds from it; the others from the tree's commit */
	for (int v = 0; v < c->nvariants; v++)
		from_tree |= !c->variants[v].kernel_src;
	if (!src)
		return -ENOMEM;
	if (recipe && file_mkdir_p(nr->ndir) < 0) {
		r = -errno;
		errorf("nightly", "cannot make '%s': %s", nr->ndir, strerror(errno));
		goto out;
	}
	if (recipe && from_tree && (r = checkout(nr->p->tree, nr->commit, src, err, sizeof(err))) < 0) {
		errorf("nightly", "%s", err);
		goto out;
	}
	for (int v = 0; v < c->nvariants; v++) {
		if (recipe) {
			if (!c->variants[v].kernel_src && !(c->variants[v].kernel_src = strdup(src))) {
				r = -ENOMEM;
				goto out;
			}
			if (strcmp(c->variants[v].kernel_src, src))
				fprintf(stderr,
					"oopsfarm nightly: building variant '%s' from its own kernel '%s'\n",
					c->variants[v].name, c->variants[v].kernel_src);
			else
				fprintf(stderr, "oopsfarm nightly: building variant '%s' at %.12s\n",
					c->variants[v].name, nr->commit);
			if (artifacts_variant(recipe, &c->variants[v], nr->o->init, nr->ndir, &va[v].a, err,
					      sizeof(err)) < 0) {
				char *reason = text_format("variant '%s': %s", c->variants[v].name, err);

				errorf("nightly",
				       "night %s: the build failed: %s; recorded as a build failure",
				       nr->date, reason ? reason : err);
				r = store_night_finish(nr->s, nr->night_id, "build-failed",
						       reason ? reason : err);
				free(reason);
				if (r < 0)
					goto store_failed;
				r = 1;
				goto out;
			}
		} else {
			snprintf(va[v].a.version, sizeof(va[v].a.version), "git:%s", nr->commit);
		}
		if ((r = store_variant(nr->s, nr->cid, c->variants[v].name, va[v].a.version, va[v].a.patches,
				       NULL, va[v].a.build_id, &va[v].id)) < 0)
			goto store_failed;
	}
	for (int i = 0; i < c->nsetups; i++) {
		struct campaign_setup *st = &c->setups[i];

		if (recipe && artifacts_setup_dtb(recipe, st, nr->ndir, false, sa[i].dtb, sizeof(sa[i].dtb),
						  err, sizeof(err)) < 0) {
			errorf("nightly", "%s", err);
			r = -EIO;
			goto out;
		}
		if ((r = store_setup(nr->s, nr->cid, st->name, st->vcpus, st->memory_mb, NULL, st->cpu,
				     &sa[i].id)) < 0)
			goto store_failed;
	}
	for (unsigned i = 0; i < nr->p->nlava; i++)
		if ((r = store_setup(nr->s, nr->cid, nr->p->lava[i].setup, 0, 0, NULL, NULL,
				     &nr->lava_sid[i])) < 0)
			goto store_failed;
	r = 0;
out:
	free(src);
	return r;
store_failed:
	errorf("nightly", "cannot write to store '%s': %s", nr->store_path, strerror(-r));
	goto out;
}

/* "LAVA setups not run: 'a', 'b'" when a LAVA setup failed tonight (a new
 * string), else NULL; *ret_r -ENOMEM when it could not be made */
static char *lava_reason(const struct night_run *nr, int *ret_r)
{
	char *s = NULL;
	size_t len = 0, cap = 0;

	*ret_r = 0;
	for (unsigned i = 0; i < nr->p->nlava && !*ret_r; i++)
		if (nr->lava_failed[i])
			*ret_r = text_printf(&s, &len, &cap, "%s'%s'",
					     len ? ", " : "LAVA setups not run: ", nr->p->lava[i].setup);
	if (*ret_r < 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Boots the night on the farm.  0, -EINTR, or -errno. */
static int boot_night(struct night_run *nr, struct variant_art *va, struct setup_art *sa)
{
	struct campaign *c = nr->p->c;
	struct farm f = {0};
	struct sigaction sact = {.sa_handler = on_signal}, old_int, old_term;
	char *cmdline = NULL, *logs = text_format("%s/logs", nr->ndir), err[ERR_MAX];
	int r;

	if (!logs)
		return -ENOMEM;
	if (!(cmdline = farm_cmdline(c, NULL, err, sizeof(err)))) {
		errorf("nightly", "%s", err);
		free(logs);
		return -E2BIG;
	}
	if (file_mkdir_p(logs) < 0) {
		r = -errno;
		free(logs);
		free(cmdline);
		return r;
	}
	free(logs);
	f.c = c;
	f.s = nr->s;
	f.cid = nr->cid;
	f.dir = nr->ndir;
	f.va = va;
	f.sa = sa;
	f.cmdline = cmdline;
	f.boots = c->boots;
	f.agent_expected = nr->p->agent_expected;
	r = farm_resume(&f);
	if (r > 0)
		fprintf(stderr, "oopsfarm nightly: resuming night %s: %d boots stored\n", nr->date, r);
	if (r >= 0) {
		sigaction(SIGINT, &sact, &old_int);
		sigaction(SIGTERM, &sact, &old_term);
		f.t0 = board_now();
		r = farm_loop(&f, nr->o->boards > 0 ? nr->o->boards : c->boards);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		fprintf(stderr, "\n");
	}
	farm_release(&f);
	free(cmdline);
	return interrupted ? -EINTR : r;
}

/* "N boots stored in T s (P pass, C crash, H hang, I infra)" for the night */
static void summary_line(struct night_run *nr, double seconds)
{
	struct night n = {.campaign_id = nr->cid};
	unsigned pass = 0, crash = 0, hang = 0, infra = 0;

	if (store_night_cells(nr->s, &n) == 0)
		for (unsigned i = 0; i < n.ncells; i++) {
			pass += n.cells[i].pass;
			crash += n.cells[i].crash;
			hang += n.cells[i].hang;
			infra += n.cells[i].infra;
		}
	night_free(&n);
	printf(
	    "oopsfarm nightly: %s night %s at %.12s: %u boots stored in %.0f s (%u pass, %u crash, %u hang,"
	    " %u infra)\n",
	    nr->plan, nr->date, nr->commit, pass + crash + hang + infra, seconds, pass, crash, hang, infra);
}

int nightly_run(const struct nightly_opts *o)
{
	struct night_run nr = {.o = o};
	struct variant_art va[CAMPAIGN_MAX_VARIANTS] = {0};
	struct setup_art sa[CAMPAIGN_MAX_SETUPS] = {0};
	struct night stored;
	char err[ERR_MAX], *lock = NULL, *name = NULL, *reason = NULL, recipe_buf[1024], rec_i[1024];
	int64_t vids[CAMPAIGN_MAX_VARIANTS] = {0};
	const char *recipe = NULL;
	int lockfd = -1, r, status = EXIT_USAGE;
	double t0 = board_now();

	if (nightly_plan_load(o->plan_path, &nr.p, err, sizeof(err)) < 0) {
		errorf("nightly", "%s", err);
		return EXIT_USAGE;
	}
	if (nightly_date(o->night, nr.date) < 0) {
		errorf("nightly", "--night '%s': a date YYYY-MM-DD is needed", o->night);
		goto out;
	}
	for (int i = 0; i < nr.p->c->nsetups; i++) {
		sa[i].kind = board_kind_find(nr.p->c->setups[i].board);
		if (!sa[i].kind || !sa[i].kind->ops ||
		    board_recipe(nr.p->c->setups[i].board, i ? rec_i : recipe_buf, sizeof(recipe_buf), err,
				 sizeof(err)) < 0 ||
		    (i > 0 && strcmp(rec_i, recipe_buf))) {
			errorf("nightly",
			       "setup '%s': board '%s' has no local backend, or another recipe than the"
			       " first setup's",
			       nr.p->c->setups[i].name, nr.p->c->setups[i].board);
			goto out;
		}
	}
	status = EXIT_INFRA;
	recipe = recipe_buf[0] ? recipe_buf : NULL;
	if (recipe && access(o->init, R_OK) < 0) {
		errorf("nightly",
		       "cannot read the init binary '%s': %s (make agent CROSS_COMPILE=aarch64-linux-gnu-)",
		       o->init, strerror(errno));
		goto out;
	}
	if (!(nr.plan = strdup(nr.p->c->name)) || !(nr.dir = text_format("build/nightly/%s", nr.plan)) ||
	    !(nr.ndir = text_format("%s/%s", nr.dir, nr.date)) ||
	    !(nr.store_path = nightly_store_path(nr.p, o->store)) ||
	    !(lock = text_format("%s/nightly.lock", nr.dir)) ||
	    !(name = text_format("%s@%s", nr.plan, nr.date)))
		goto nomem;
	if (file_mkdir_p(nr.dir) < 0) {
		errorf("nightly", "cannot make '%s': %s", nr.dir, strerror(errno));
		goto out;
	}
	if ((r = nightly_lock(lock, nr.date, &lockfd, err, sizeof(err))) < 0) {
		errorf("nightly", "%s", err);
		goto out;
	}
	if ((r = store_open(nr.store_path, &nr.s)) < 0) {
		errorf("nightly", "cannot open store '%s': %s", nr.store_path, strerror(-r));
		goto out;
	}
	/* a night stored before resumes with its commit: the branch may have moved */
	r = store_night_find(nr.s, nr.plan, nr.date, &stored);
	if (r < 0)
		goto store_failed;
	if (r == 1) {
		snprintf(nr.commit, sizeof(nr.commit), "%s", stored.commit);
		nr.night_id = stored.id;
		nr.cid = stored.campaign_id;
		if (strcmp(stored.status, "running")) {
			fprintf(stderr, "oopsfarm nightly: night %s of '%s' is stored already (%s%s%s)\n",
				nr.date, nr.plan, stored.status, stored.reason ? ": " : "",
				stored.reason ? stored.reason : "");
			status = strcmp(stored.status, "done") ? EXIT_TESTFAIL : EXIT_OK;
			night_free(&stored);
			goto out;
		}
		if (strcmp(stored.plan_hash, nr.p->hash))
			fprintf(stderr,
				"oopsfarm nightly: warning: the plan changed since night %s started\n",
				nr.date);
		night_free(&stored);
	} else {
		if ((r = nightly_resolve(nr.p->tree, nr.p->ref, nr.commit, err, sizeof(err))) < 0) {
			errorf("nightly", "%s", err);
			status = r == -ENOENT ? EXIT_USAGE : EXIT_INFRA;
			goto out;
		}
		if (store_campaign(nr.s, name, nr.p->c->target, nr.p->c->path, &nr.cid) < 0 ||
		    store_night_begin(nr.s, nr.plan, nr.date, nr.cid, nr.p->tree, nr.p->ref, nr.commit,
				      nr.p->hash, &nr.night_id, NULL) < 0)
			goto store_failed;
	}
	/* the boots' uids are the night's campaign's: unique over nights */
	free(nr.p->c->name);
	if (!(nr.p->c->name = strdup(name)))
		goto nomem;
	r = prepare_night(&nr, va, sa, recipe);
	if (r == 1) {
		status = EXIT_TESTFAIL; /* the build failed, and is stored so */
		goto out;
	}
	if (r < 0)
		goto out; /* prepare_night() said what failed */
	fprintf(stderr, "oopsfarm nightly: %s night %s at %.12s: %d variants x %d setups x %d boots\n",
		nr.plan, nr.date, nr.commit, nr.p->c->nvariants, nr.p->c->nsetups, nr.p->c->boots);
	/* the lab's jobs run while the local boards boot */
	for (int v = 0; v < nr.p->c->nvariants; v++)
		vids[v] = va[v].id;
	nightly_lava_submit(nr.s, nr.cid, nr.p, vids, nr.lava_sid, nr.lava_failed);
	r = boot_night(&nr, va, sa);
	if (r >= 0 && nr.p->nlava) {
		char *logdir = text_format("%s/lava", nr.ndir);
		unsigned got;

		r = logdir ? nightly_lava_collect(nr.s, nr.cid, name, nr.p, logdir, nr.lava_failed, &got)
			   : -ENOMEM;
		free(logdir);
		if (r >= 0)
			reason = lava_reason(&nr, &r);
	}
	if (r == -EINTR) {
		fprintf(stderr,
			"oopsfarm nightly: interrupted: every finished boot is stored; the same command"
			" resumes night %s\n",
			nr.date);
		status = 128 + SIGINT;
		goto out;
	}
	if (r < 0 || store_night_finish(nr.s, nr.night_id, "done", reason) < 0)
		goto store_failed;
	summary_line(&nr, board_now() - t0);
	store_close(nr.s);
	nr.s = NULL;
	nightly_unlock(lockfd);
	lockfd = -1;
	/* the morning's page: what changed since the night before */
	status = nightly_diff(&(struct nightly_diff_opts){
	    .plan_path = o->plan_path, .store = nr.store_path, .night = nr.date, .baseline = 1});
	/* a lab that was down is infra, unless the night found a regression */
	if (reason && status == EXIT_OK) {
		errorf("nightly", "night %s: %s", nr.date, reason);
		status = EXIT_INFRA;
	}
out:
	store_close(nr.s);
	nightly_unlock(lockfd);
	nightly_plan_free(nr.p);
	free(nr.plan);
	free(nr.dir);
	free(nr.ndir);
	free(nr.store_path);
	free(lock);
	free(name);
	free(reason);
	return status;
nomem:
	errorf("nightly", "out of memory");
	status = EXIT_INFRA;
	goto out;
store_failed:
	errorf("nightly", "cannot use store '%s'", nr.store_path);
	status = EXIT_INFRA;
	goto out;
}

/* ---- the diff ------------------------------------------------------- */

static const struct night *find_date(const struct night *v, unsigned n, const char *date)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(v[i].date, date))
			return &v[i];
	return NULL;
}

int nightly_diff(const struct nightly_diff_opts *o)
{
	struct nightly_plan *p = NULL;
	struct store *s = NULL;
	struct night *all = NULL, *base = NULL;
	const struct night *tonight;
	unsigned n = 0, nbase = 0;
	struct diff_result res;
	char err[ERR_MAX], *path = NULL;
	int r, status = EXIT_INFRA;

	if (nightly_plan_load(o->plan_path, &p, err, sizeof(err)) < 0) {
		errorf("nightly", "%s", err);
		return EXIT_USAGE;
	}
	if (!(path = nightly_store_path(p, o->store))) {
		errorf("nightly", "out of memory");
		goto out;
	}
	if (access(path, R_OK) < 0) {
		errorf("nightly", "no nights stored: cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if ((r = store_open(path, &s)) < 0 || (r = store_nights(s, p->c->name, true, &all, &n)) < 0) {
		errorf("nightly", "cannot read store '%s': %s", path, strerror(-r));
		goto out;
	}
	tonight = o->night ? find_date(all, n, o->night) : (n ? &all[n - 1] : NULL);
	if (!tonight) {
		errorf("nightly", "plan '%s' has no night %s in '%s'", p->c->name,
		       o->night ? o->night : "at all", path);
		status = EXIT_USAGE;
		goto out;
	}
	if (!strcmp(tonight->status, "running")) {
		errorf("nightly",
		       "night %s is not finished (killed?): run `oopsfarm nightly` for it again to resume",
		       tonight->date);
		status = EXIT_USAGE;
		goto out;
	}
	/* the baseline: the night asked for, or the N done nights before */
	base = calloc(n + 1, sizeof(*base));
	if (!base)
		goto out;
	if (o->against) {
		const struct night *a = find_date(all, n, o->against);

		if (!a || strcmp(a->status, "done")) {
			errorf("nightly", "--against %s: no such night of '%s' that ran (%s)", o->against,
			       p->c->name, a ? a->status : "not stored");
			status = EXIT_USAGE;
			goto out;
		}
		base[nbase++] = *a;
	} else {
		int want = o->baseline > 0 ? o->baseline : 1;

		for (const struct night *b = tonight; b-- > all && (int)nbase < want;)
			if (!strcmp(b->status, "done"))
				base[nbase++] = *b;
		/* oldest first, as the nights are */
		for (unsigned i = 0; i < nbase / 2; i++) {
			struct night t = base[i];

			base[i] = base[nbase - 1 - i];
			base[nbase - 1 - i] = t;
		}
	}
	{
		struct diff_input in = {.tonight = tonight,
					.base = base,
					.nbase = nbase,
					.known = p->known,
					.nknown = p->nknown,
					.level = o->level};

		if (diff_compute(&in, &res) < 0)
			goto out;
		if (diff_print(&in, &res, o->json, stdout) < 0) {
			diff_result_clear(&res);
			goto out;
		}
		status = diff_exit_status(&res);
		diff_result_clear(&res);
	}
out:
	free(base); /* its nights are all's */
	nights_free(all, n);
	store_close(s);
	nightly_plan_free(p);
	free(path);
	return status;
}

/* ---- the dashboard -------------------------------------------------- */

int nightly_dashboard(const char *plan_path, const char *store_path, const char *html)
{
	struct nightly_plan *p = NULL;
	struct store *s = NULL;
	struct night *all = NULL;
	unsigned n = 0;
	char err[ERR_MAX], *path = NULL, *tmp = NULL, *pagedir = NULL, dir[PATH_MAX];
	const char *slash = strrchr(html, '/');
	int r, status = EXIT_INFRA;
	FILE *f;

	if (nightly_plan_load(plan_path, &p, err, sizeof(err)) < 0) {
		errorf("nightly", "%s", err);
		return EXIT_USAGE;
	}
	/* links are relative to the page's directory: it must exist */
	if (!(path = nightly_store_path(p, store_path)) || !(tmp = text_format("%s.tmp", html)) ||
	    !(pagedir = slash ? strndup(html, slash - html) : strdup("."))) {
		errorf("nightly", "out of memory");
		goto out;
	}
	if (access(path, R_OK) < 0 || (r = store_open(path, &s)) < 0 ||
	    (r = store_nights(s, p->c->name, true, &all, &n)) < 0) {
		errorf("nightly", "cannot read store '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!realpath(pagedir[0] ? pagedir : "/", dir)) {
		errorf("nightly", "cannot write '%s': %s", html, strerror(errno));
		goto out;
	}
	if (!(f = fopen(tmp, "w"))) {
		errorf("nightly", "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	r = report_dashboard(p->c->name, all, n, p->known, p->nknown, dir, f);
	if (fclose(f) != 0 && !r)
		r = -EIO;
	if (r < 0 || rename(tmp, html) < 0) {
		errorf("nightly", "cannot write '%s': %s", html, strerror(r < 0 ? -r : errno));
		unlink(tmp);
		goto out;
	}
	fprintf(stderr, "oopsfarm nightly: %u nights of '%s' on '%s'\n", n, p->c->name, html);
	status = EXIT_OK;
out:
	nights_free(all, n);
	store_close(s);
	nightly_plan_free(p);
	free(path);
	free(tmp);
	free(pagedir);
	return status;
}
