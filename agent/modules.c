// SPDX-License-Identifier: MIT
/*
 * modules.c - reading modules.load, modules.dep and friends, see modules.h.
 *
 * The files are small (a few hundred modules on a phone), so the table is
 * a plain array with linear lookups; the files are read through the sys
 * seam so tests can serve them from memory.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules.h"
#include "sys.h"

void module_canonical(const char *path_or_name, char *out, size_t size)
{
	const char *b = strrchr(path_or_name, '/');
	size_t n = 0;

	b = b ? b + 1 : path_or_name;
	for (; *b && n + 1 < size; b++) {
		if (!strncmp(b, ".ko", 3) && (b[3] == '\0' || b[3] == '.'))
			break;
		out[n++] = *b == '-' ? '_' : *b;
	}
	if (size)
		out[n] = '\0';
}

int modset_find(const struct modset *ms, const char *name)
{
	for (int i = 0; i < ms->n; i++)
		if (!strcmp(ms->mods[i].name, name))
			return i;
	return -1;
}

static int add_module(struct modset *ms, const char *path)
{
	char name[256];
	struct module *m;
	int i;

	module_canonical(path, name, sizeof(name));
	i = modset_find(ms, name);
	if (i >= 0) {
		if (!ms->mods[i].path[0] && path[0]) {
			free(ms->mods[i].path);
			ms->mods[i].path = strdup(path);
		}
		return i;
	}
	m = realloc(ms->mods, sizeof(*m) * (size_t)(ms->n + 1));
	if (!m)
		return -ENOMEM;
	ms->mods = m;
	m = &ms->mods[ms->n];
	memset(m, 0, sizeof(*m));
	m->name = strdup(name);
	m->path = strdup(path);
	m->params = strdup("");
	m->load_index = -1;
	if (!m->name || !m->path || !m->params)
		return -ENOMEM;
	return ms->n++;
}

static int waits_add(struct module *m, int idx)
{
	int *w;

	for (int i = 0; i < m->nwaits; i++)
		if (m->waits[i] == idx)
			return 0;
	w = realloc(m->waits, sizeof(*w) * (size_t)(m->nwaits + 1));
	if (!w)
		return -ENOMEM;
	m->waits = w;
	m->waits[m->nwaits++] = idx;
	return 0;
}

/*
 * Splits a line into whitespace-separated words in place; returns the
 * count (at most max).  '#' starts a comment.
 */
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* Calls fn for each line of the file; -ENOENT when it does not exist. */
static int for_each_line(const char *dir, const char *file, int (*fn)(struct modset *, char *, int, void *),
			 struct modset *ms, void *ctx)
{
	char path[4096], *buf, *p;
	size_t len;
	int r, lineno = 0;

	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, file);
	r = sys_read_file(path, &buf, &len);
	if (r < 0)
		return r;
	for (p = buf; p && *p;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		lineno++;
		r = fn(ms, p, lineno, ctx);
		if (r < 0)
			break;
		p = nl ? nl + 1 : NULL;
	}
	free(buf);
	return r < 0 ? r : 0;
}

struct read_ctx {
	modset_warn_fn warn;
	void *userdata;
	const char *file;
	/* modules.dep lines kept until every module has an index */
	char **dep_lines;
	int ndep;
	/* modules.alias */
	char **alias_pat;
	int *alias_mod;
	int nalias;
};

static void warnf(struct read_ctx *c, int line, const char *fmt, const char *arg)
{
	char msg[512];

	if (!c->warn)
		return;
	snprintf(msg, sizeof(msg), fmt, arg);
	c->warn(c->file, line, msg, c->userdata);
}

static int dep_line(struct modset *ms, char *line, int lineno, void *ctx)
{
	struct read_ctx *c = ctx;
	char *colon = strchr(line, ':'), **l;
	int r;

	if (!colon)
		return 0;
	*colon = '\0';
	r = add_module(ms, line);
	if (r < 0)
		return r;
	l = realloc(c->dep_lines, sizeof(*l) * (size_t)(c->ndep + 1));
	if (!l)
		return -ENOMEM;
	c->dep_lines = l;
	/* "index\0deps": keep the module's index in front of its deps */
	if (asprintf(&c->dep_lines[c->ndep], "%d %s", r, colon + 1) < 0)
		return -ENOMEM;
	c->ndep++;
	return 0;
}

static int load_line(struct modset *ms, char *line, int lineno, void *ctx)
{
	struct read_ctx *c = ctx;
	char *w[4], name[256];
	int i, *l;

	if (split_words(line, w, 4) < 1)
		return 0;
	module_canonical(w[0], name, sizeof(name));
	i = modset_find(ms, name);
	if (i < 0) {
		ms->unknown++;
		warnf(c, lineno, "module '%s' is not in modules.dep, ignoring", w[0]);
		return 0;
	}
	if (ms->mods[i].load_index >= 0)
		return 0;
	l = realloc(ms->load, sizeof(*l) * (size_t)(ms->nload + 1));
	if (!l)
		return -ENOMEM;
	ms->load = l;
	ms->mods[i].load_index = ms->nload;
	ms->load[ms->nload++] = i;
	return 0;
}

static int options_line(struct modset *ms, char *line, int lineno, void *ctx)
{
	struct read_ctx *c = ctx;
	char *w[64], name[256], params[2048] = "";
	int n = split_words(line, w, 64), i;
	size_t len = 0;

	if (n < 2 || strcmp(w[0], "options"))
		return 0;
	module_canonical(w[1], name, sizeof(name));
	i = modset_find(ms, name);
	if (i < 0) {
		warnf(c, lineno, "options for unknown module '%s', ignoring", w[1]);
		return 0;
	}
	for (int k = 2; k < n; k++) {
		/* Android's marker for the loader, not a parameter of the module. */
		if (!strcmp(w[k], "load_sequential=1")) {
			ms->mods[i].sequential = true;
			continue;
		}
		len += (size_t)snprintf(params + len, sizeof(params) - len, "%s%s", len ? " " : "", w[k]);
		if (len >= sizeof(params))
			len = sizeof(params) - 1;
	}
	/* Several options lines for one module add up, as in modprobe. */
	char *p;
	if (asprintf(&p, "%s%s%s", ms->mods[i].params, ms->mods[i].params[0] && params[0] ? " " : "",
		     params) < 0)
		return -ENOMEM;
	free(ms->mods[i].params);
	ms->mods[i].params = p;
	return 0;
}

static int blocklist_line(struct modset *ms, char *line, int lineno, void *ctx)
{
	char *w[3], name[256];
	int i;

	if (split_words(line, w, 3) < 2 || strcmp(w[0], "blocklist"))
		return 0;
	module_canonical(w[1], name, sizeof(name));
	i = modset_find(ms, name);
	if (i >= 0)
		ms->mods[i].blocklisted = true;
	return 0;
}

static int alias_line(struct modset *ms, char *line, int lineno, void *ctx)
{
	struct read_ctx *c = ctx;
	char *w[4], name[256], **pat;
	int *mod, i;

	if (split_words(line, w, 4) < 3 || strcmp(w[0], "alias"))
		return 0;
	module_canonical(w[2], name, sizeof(name));
	i = modset_find(ms, name);
	if (i < 0)
		return 0;
	pat = realloc(c->alias_pat, sizeof(*pat) * (size_t)(c->nalias + 1));
	if (!pat)
		return -ENOMEM;
	c->alias_pat = pat;
	mod = realloc(c->alias_mod, sizeof(*mod) * (size_t)(c->nalias + 1));
	if (!mod)
		return -ENOMEM;
	c->alias_mod = mod;
	c->alias_pat[c->nalias] = strdup(w[1]);
	if (!c->alias_pat[c->nalias])
		return -ENOMEM;
	c->alias_mod[c->nalias++] = i;
	return 0;
}

/* A softdep target: a module name, or else an alias of one. */
static int resolve(struct modset *ms, struct read_ctx *c, const char *word)
{
	char name[256];
	int i;

	module_canonical(word, name, sizeof(name));
	i = modset_find(ms, name);
	if (i >= 0)
		return i;
	for (int k = 0; k < c->nalias; k++)
		if (!fnmatch(c->alias_pat[k], word, 0))
			return c->alias_mod[k];
	return -1;
}

static int softdep_line(struct modset *ms, char *line, int lineno, void *ctx)
{
	struct read_ctx *c = ctx;
	char *w[64], name[256];
	int n = split_words(line, w, 64), mod, r;
	bool pre = true;

	if (n < 3 || strcmp(w[0], "softdep"))
		return 0;
	module_canonical(w[1], name, sizeof(name));
	mod = modset_find(ms, name);
	if (mod < 0)
		return 0;
	for (int k = 2; k < n; k++) {
		int d;

		if (!strcmp(w[k], "pre:")) {
			pre = true;
			continue;
		}
		if (!strcmp(w[k], "post:")) {
			pre = false;
			continue;
		}
		d = resolve(ms, c, w[k]);
		if (d < 0) {
			warnf(c, lineno, "softdep on unknown module '%s', ignoring", w[k]);
			continue;
		}
		/*
		 * libmodprobe: a pre-softdep p of mod is waited for when p is in
		 * modules.load; a post-softdep s of mod waits for mod when s is.
		 */
		if (pre && ms->mods[d].load_index >= 0 && ms->mods[mod].load_index >= 0)
			r = waits_add(&ms->mods[mod], d);
		else if (!pre && ms->mods[d].load_index >= 0)
			r = waits_add(&ms->mods[d], mod);
		else
			r = 0;
		if (r < 0)
			return r;
	}
	return 0;
}

int modset_read(struct modset *ms, const char *dir, const char *load_path, modset_warn_fn warn,
		void *userdata)
{
	struct read_ctx c = { .warn = warn, .userdata = userdata };
	int r;

	memset(ms, 0, sizeof(*ms));
	ms->dir = strdup(dir);
	if (!ms->dir)
		return -ENOMEM;

	c.file = "modules.dep";
	r = for_each_line(dir, "modules.dep", dep_line, ms, &c);
	if (r < 0)
		goto out;
	/* Now every module of modules.dep has an index: fill in the waits. */
	for (int k = 0; k < c.ndep; k++) {
		char *w[512];
		int self = atoi(c.dep_lines[k]);
		int n = split_words(strchr(c.dep_lines[k], ' ') ? strchr(c.dep_lines[k], ' ') + 1 : (char *)"", w, 512);

		r = waits_add(&ms->mods[self], self);
		for (int i = 0; r >= 0 && i < n; i++) {
			int d = add_module(ms, w[i]);

			r = d < 0 ? d : waits_add(&ms->mods[self], d);
		}
		if (r < 0)
			goto out;
	}
	for (int i = 0; i < ms->n; i++)
		if (!ms->mods[i].nwaits && (r = waits_add(&ms->mods[i], i)) < 0)
			goto out;

	c.file = "modules.load";
	r = for_each_line(dir, load_path ? load_path : "modules.load", load_line, ms, &c);
	if (r < 0)
		goto out;
	c.file = "modules.options";
	r = for_each_line(dir, "modules.options", options_line, ms, &c);
	if (r < 0 && r != -ENOENT)
		goto out;
	c.file = "modules.blocklist";
	r = for_each_line(dir, "modules.blocklist", blocklist_line, ms, &c);
	if (r < 0 && r != -ENOENT)
		goto out;
	c.file = "modules.alias";
	r = for_each_line(dir, "modules.alias", alias_line, ms, &c);
	if (r < 0 && r != -ENOENT)
		goto out;
	c.file = "modules.softdep";
	r = for_each_line(dir, "modules.softdep", softdep_line, ms, &c);
	if (r == -ENOENT)
		r = 0;
out:
	for (int k = 0; k < c.ndep; k++)
		free(c.dep_lines[k]);
	free(c.dep_lines);
	for (int k = 0; k < c.nalias; k++)
		free(c.alias_pat[k]);
	free(c.alias_pat);
	free(c.alias_mod);
	if (r < 0)
		modset_free(ms);
	return r;
}

void modset_free(struct modset *ms)
{
	if (!ms)
		return;
	for (int i = 0; i < ms->n; i++) {
		free(ms->mods[i].name);
		free(ms->mods[i].path);
		free(ms->mods[i].params);
		free(ms->mods[i].waits);
	}
	free(ms->mods);
	free(ms->load);
	free(ms->dir);
	memset(ms, 0, sizeof(*ms));
}

int modset_mark_barrier(struct modset *ms, const char *list, modset_warn_fn warn, void *userdata)
{
	char buf[1024], *save, *tok;
	int found = 0;

	snprintf(buf, sizeof(buf), "%s", list ? list : "");
	for (tok = strtok_r(buf, ",+ ", &save); tok; tok = strtok_r(NULL, ",+ ", &save)) {
		char name[256];
		int i;

		module_canonical(tok, name, sizeof(name));
		i = modset_find(ms, name);
		if (i < 0) {
			if (warn) {
				char msg[300];

				snprintf(msg, sizeof(msg), "barrier module '%s' is not in the set, ignoring", tok);
				warn("barrier", 0, msg, userdata);
			}
			continue;
		}
		ms->mods[i].barrier = true;
		found++;
	}
	return found;
}
