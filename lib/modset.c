// SPDX-License-Identifier: MIT
/*
 * modset.c - reading a module directory as libmodprobe does, see modset.h.
 *
 * A phone's first stage has a few hundred modules and a desktop kernel a
 * few thousand, so the table is a plain array with linear lookups.  Files
 * come through a read callback so the agent's tests can serve them from
 * memory and the host can read a directory it merely has a copy of.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modset.h"
#include "readfile.h"

#define NAME_MAX_LEN 256
#define FIELDS_MAX   1024

static const char *const suffixes[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};

void module_canonical(const char *path_or_name, char *out, size_t size)
{
	const char *b = strrchr(path_or_name, '/');
	size_t len, n;

	if (!size)
		return;
	b = b ? b + 1 : path_or_name;
	len = strlen(b);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t s = strlen(suffixes[i]);

		if (len > s && !strcmp(b + len - s, suffixes[i])) {
			len -= s;
			break;
		}
	}
	for (n = 0; n < len && n + 1 < size; n++)
		out[n] = b[n] == '-' ? '_' : b[n];
	out[n] = '\0';
}

int modset_find(const struct modset *ms, const char *name)
{
	for (int i = 0; i < ms->n; i++)
		if (!strcmp(ms->mods[i].name, name))
			return i;
	return -1;
}

void modset_module_path(const struct modset *ms, const struct module *m, char *out, size_t size)
{
	if (m->path[0] == '/')
		snprintf(out, size, "%s", m->path);
	else
		snprintf(out, size, "%s/%s", ms->dir, m->path);
}

int modset_read_file(const char *path, char **ret_buf, size_t *ret_len, void *userdata)
{
	return readfile(path, O_NOFOLLOW, ret_buf, ret_len);
}

struct reader {
	struct modset *ms;
	const struct modset_opts *o;
	const char *file; /* for warnings */
	int line;
	bool irregular; /* this line's blanks differ from single spaces */
};

static void warn(struct reader *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct reader *R, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!R->o->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	R->o->warn(R->file, R->line, msg, R->o->userdata);
}

/*
 * Splits a line into fields at blanks (space, tab, CR), dropping empty
 * ones.  libmodprobe splits at every single space, so a tab, a CR or two
 * spaces give it fields we do not have: R->irregular tells.
 */
static int split_fields(struct reader *R, char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	size_t len = strlen(line);

	R->irregular = line[0] == ' ' || (len && line[len - 1] == ' ') || strchr(line, '\t') ||
		       strchr(line, '\r') || strstr(line, "  ");
	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

static void note_irregular(struct reader *R)
{
	if (R->irregular)
		warn(R, "tab, CR or extra spaces: libmodprobe splits at single spaces and reads this line "
			"differently");
}

static int add_module(struct modset *ms, const char *name)
{
	struct module *m;
	int i = modset_find(ms, name);

	if (i >= 0)
		return i;
	m = realloc(ms->mods, sizeof(*m) * (size_t)(ms->n + 1));
	if (!m)
		return -ENOMEM;
	ms->mods = m;
	m = &ms->mods[ms->n];
	memset(m, 0, sizeof(*m));
	m->name = strdup(name);
	m->path = strdup("");
	m->params = strdup("");
	m->load_index = -1;
	if (!m->name || !m->path || !m->params)
		return -ENOMEM;
	return ms->n++;
}

static int set_str(char **dst, const char *src)
{
	char *s = strdup(src);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int add_int(int **v, int *n, int x)
{
	int *nv = realloc(*v, sizeof(int) * (size_t)(*n + 1));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = x;
	return 0;
}

/* ---- one function per file ---- */

static int alias_line(struct reader *R, char *line)
{
	struct modset *ms = R->ms;
	char *f[4];
	struct modset_alias *a;

	if (split_fields(R, line, f, 4) != 3 || strcmp(f[0], "alias")) {
		warn(R, "not 'alias <glob> <module>', ignoring");
		return 0;
	}
	a = realloc(ms->alias, sizeof(*a) * (size_t)(ms->nalias + 1));
	if (!a)
		return -ENOMEM;
	ms->alias = a;
	a[ms->nalias].glob = strdup(f[1]);
	a[ms->nalias].target = strdup(f[2]);
	if (!a[ms->nalias].glob || !a[ms->nalias].target)
		return -ENOMEM;
	ms->nalias++;
	return 0;
}

static int dep_line(struct reader *R, char *line)
{
	struct modset *ms = R->ms;
	char *f[FIELDS_MAX], name[NAME_MAX_LEN], *colon;
	int n = split_fields(R, line, f, FIELDS_MAX), i, r;
	struct module *m;

	if (n < 1 || !(colon = strchr(f[0], ':'))) {
		warn(R, "no ':' after the module path, ignoring");
		return 0;
	}
	note_irregular(R);
	if (colon[1])
		warn(R, "'%s' glued to the ':' is not a dependency (as in libmodprobe), ignoring", colon + 1);
	*colon = '\0';
	module_canonical(f[0], name, sizeof(name));
	if (!name[0]) {
		warn(R, "empty module name, ignoring");
		return 0;
	}
	i = add_module(ms, name);
	if (i < 0)
		return i;
	m = &ms->mods[i];
	if (m->in_dep)
		warn(R, "second line for '%s': it replaces the first, as in libmodprobe", name);
	if ((r = set_str(&m->path, f[0])) < 0)
		return r;
	m->in_dep = true;
	m->ndeps = 0;
	for (int k = 1; k < n; k++) {
		char dn[NAME_MAX_LEN];
		int d;

		module_canonical(f[k], dn, sizeof(dn));
		d = add_module(ms, dn);
		if (d < 0)
			return d;
		m = &ms->mods[i]; /* add_module may move the table */
		if (!ms->mods[d].path[0] && (r = set_str(&ms->mods[d].path, f[k])) < 0)
			return r;
		if ((r = add_int(&m->deps, &m->ndeps, d)) < 0)
			return r;
	}
	return 0;
}

static int softdep_line(struct reader *R, char *line)
{
	struct modset *ms = R->ms;
	char *f[FIELDS_MAX];
	int n = split_fields(R, line, f, FIELDS_MAX), subj, mode = 0;
	struct module *m;

	if (n < 4 || strcmp(f[0], "softdep")) {
		warn(R, "not 'softdep <module> pre: ... post: ...', ignoring");
		return 0;
	}
	note_irregular(R);
	/* libmodprobe compares the subject as written with canonical names. */
	subj = modset_find(ms, f[1]);
	if (subj < 0 || !ms->mods[subj].in_dep) {
		char c[NAME_MAX_LEN];

		module_canonical(f[1], c, sizeof(c));
		if (strcmp(c, f[1]) && modset_find(ms, c) >= 0)
			warn(R,
			     "softdep subject '%s' is not written canonical ('%s'): libmodprobe never "
			     "matches it, ignoring",
			     f[1], c);
		else
			warn(R, "softdep for '%s', which modules.dep does not have, ignoring", f[1]);
		return 0;
	}
	for (int k = 2; k < n; k++) {
		struct modset_softdep *s;

		if (!strcmp(f[k], "pre:") || !strcmp(f[k], "post:")) {
			mode = f[k][1] == 'r' ? 1 : 2;
			continue;
		}
		if (!mode) {
			warn(R,
			     "softdep target '%s' before 'pre:' or 'post:': the rest of the line is ignored",
			     f[k]);
			return 0;
		}
		m = &ms->mods[subj];
		s = realloc(m->soft, sizeof(*s) * (size_t)(m->nsoft + 1));
		if (!s)
			return -ENOMEM;
		m->soft = s;
		s[m->nsoft].target = strdup(f[k]);
		s[m->nsoft].post = mode == 2;
		if (!s[m->nsoft].target)
			return -ENOMEM;
		m->nsoft++;
	}
	return 0;
}

static int list_line(struct reader *R, char *line)
{
	struct modset *ms = R->ms;
	char *f[2], name[NAME_MAX_LEN];
	int i;

	if (split_fields(R, line, f, 2) < 1)
		return 0;
	if (line[0] == ' ' || line[0] == '\t')
		warn(R, "leading blank: libmodprobe drops this entry");
	module_canonical(f[0], name, sizeof(name));
	i = modset_find(ms, name);
	if (i < 0 || !ms->mods[i].in_dep) {
		char **u;

		for (int k = 0; k < ms->unknown; k++)
			if (!strcmp(ms->unknown_names[k], name))
				return 0;
		warn(R, "module '%s' is not in modules.dep", f[0]);
		u = realloc(ms->unknown_names, sizeof(*u) * (size_t)(ms->unknown + 1));
		if (!u)
			return -ENOMEM;
		ms->unknown_names = u;
		if (!(u[ms->unknown] = strdup(name)))
			return -ENOMEM;
		ms->unknown++;
		return 0;
	}
	if (ms->mods[i].load_index >= 0)
		return 0; /* a duplicate: loading again would do nothing */
	ms->mods[i].load_index = ms->nload;
	return add_int(&ms->load, &ms->nload, i);
}

static int options_line(struct reader *R, char *line)
{
	struct modset *ms = R->ms;
	char *f[FIELDS_MAX], name[NAME_MAX_LEN], *p;
	int n = split_fields(R, line, f, FIELDS_MAX), i;
	size_t len = 1;

	if (n >= 2 && !strcmp(f[0], "dyn_options")) {
		warn(R, "dyn_options runs a program at boot; not supported, ignoring");
		return 0;
	}
	if (n < 2 || strcmp(f[0], "options")) {
		warn(R, "not 'options <module> <params>', ignoring");
		return 0;
	}
	module_canonical(f[1], name, sizeof(name));
	i = modset_find(ms, name);
	if (i < 0) {
		warn(R, "options for '%s', which modules.dep does not have, ignoring", f[1]);
		return 0;
	}
	if (ms->mods[i].has_options) {
		warn(R, "second options line for '%s': the first one wins, as in libmodprobe, ignoring",
		     name);
		return 0;
	}
	for (int k = 2; k < n; k++)
		len += strlen(f[k]) + 1;
	p = malloc(len);
	if (!p)
		return -ENOMEM;
	p[0] = '\0';
	for (int k = 2; k < n; k++) {
		if (k > 2)
			strcat(p, " ");
		strcat(p, f[k]);
	}
	free(ms->mods[i].params);
	ms->mods[i].params = p;
	ms->mods[i].has_options = true;
	return 0;
}

static int blocklist_line(struct reader *R, char *line)
{
	char *f[3], name[NAME_MAX_LEN];
	int i;

	if (split_fields(R, line, f, 3) != 2 || strcmp(f[0], "blocklist")) {
		warn(R, "not 'blocklist <module>', ignoring");
		return 0;
	}
	module_canonical(f[1], name, sizeof(name));
	i = add_module(R->ms, name);
	if (i < 0)
		return i;
	R->ms->mods[i].blocklisted = true;
	return 0;
}

/* Calls fn for each line that is not empty or a comment; -ENOENT when missing. */
static int read_lines(struct reader *R, const char *file, int (*fn)(struct reader *, char *))
{
	char path[4096], *buf, *p;
	int r;

	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", R->ms->dir, file);
	r = R->o->read ? R->o->read(path, &buf, NULL, R->o->userdata)
		       : modset_read_file(path, &buf, NULL, NULL);
	if (r < 0)
		return r;
	R->file = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	R->line = 0;
	for (p = buf; p && *p;) {
		char *nl = strchr(p, '\n'), *q = p;

		if (nl)
			*nl = '\0';
		R->line++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q && *q != '#' && *q != '\r' && (r = fn(R, p)) < 0)
			break;
		r = 0;
		p = nl ? nl + 1 : NULL;
	}
	R->line = 0;
	free(buf);
	return r;
}

/* ---- the kernel command line ---- */

static int append_param(struct module *m, const char *param, size_t plen, const char *value, size_t vlen)
{
	size_t old = strlen(m->params);
	char *p = malloc(old + plen + vlen + 3);

	if (!p)
		return -ENOMEM;
	sprintf(p, "%s%s%.*s=%.*s", m->params, old ? " " : "", (int)plen, param, (int)vlen, value);
	free(m->params);
	m->params = p;
	return 0;
}

/*
 * "<mod>.<param>=<value>" words; double quotes protect spaces and stay in
 * the value, as the kernel's own parser leaves them to the module.
 */
static int cmdline_options(struct reader *R, const char *cmdline)
{
	const char *p = cmdline;
	int r;

	while (*p) {
		const char *w, *e, *dot, *eq;
		bool quoted = false;
		char name[NAME_MAX_LEN];
		int i;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		for (w = e = p; *e && (quoted || (*e != ' ' && *e != '\t' && *e != '\n')); e++)
			quoted ^= *e == '"';
		p = e;
		eq = memchr(w, '=', (size_t)(e - w));
		dot = memchr(w, '.', (size_t)(e - w));
		if (!eq || !dot || dot > eq || dot == w || dot + 1 == eq || (size_t)(dot - w) >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(dot - w), w);
		module_canonical(name, name, sizeof(name));
		i = modset_find(R->ms, name);
		if (i < 0)
			continue; /* androidboot.*, oopsfarm.*, modules we do not have */
		r = append_param(&R->ms->mods[i], dot + 1, (size_t)(eq - dot - 1), eq + 1,
				 (size_t)(e - eq - 1));
		if (r < 0)
			return r;
	}
	return 0;
}

/* libmodprobe takes "load_sequential=1" out as a substring; so do we. */
static void take_sequential(struct module *m)
{
	static const char key[] = "load_sequential=1";
	char *s = strstr(m->params, key);

	if (!s)
		return;
	m->sequential = true;
	memmove(s, s + sizeof(key) - 1, strlen(s + sizeof(key) - 1) + 1);
	/* One blank fewer where it was, and none at the ends. */
	if (s > m->params && s[-1] == ' ' && (*s == ' ' || *s == '\0'))
		memmove(s - 1, s, strlen(s) + 1);
	else if (s == m->params && *s == ' ')
		memmove(s, s + 1, strlen(s + 1) + 1);
}

/* ---- softdep resolution and eager waits ---- */

static int by_name(const void *a, const void *b, void *ms)
{
	const struct modset *s = ms;

	return strcmp(s->mods[*(const int *)a].name, s->mods[*(const int *)b].name);
}

int modset_resolve(const struct modset *ms, const char *name, int *ret, int max)
{
	int tmp[64], n = 0;
	char c[NAME_MAX_LEN];
	int i;

	module_canonical(name, c, sizeof(c));
	i = modset_find(ms, c);
	if (i >= 0 && ms->mods[i].in_dep)
		tmp[n++] = i;
	for (int k = 0; k < ms->nalias && n < 64; k++) {
		bool dup = false;

		if (fnmatch(ms->alias[k].glob, name, 0))
			continue;
		i = modset_find(ms, ms->alias[k].target);
		for (int j = 0; j < n; j++)
			dup |= tmp[j] == i;
		if (i >= 0 && ms->mods[i].in_dep && !dup)
			tmp[n++] = i;
	}
	qsort_r(tmp, (size_t)n, sizeof(int), by_name, (void *)ms);
	for (int k = 0; k < n && k < max; k++)
		ret[k] = tmp[k];
	return n;
}

static int waits_add(struct module *m, int idx)
{
	for (int i = 0; i < m->nwaits; i++)
		if (m->waits[i] == idx)
			return 0;
	return add_int(&m->waits, &m->nwaits, idx);
}

static int build_waits(struct modset *ms)
{
	int r;

	for (int i = 0; i < ms->n; i++) {
		struct module *m = &ms->mods[i];

		if ((r = waits_add(m, i)) < 0)
			return r;
		for (int k = 0; k < m->ndeps; k++)
			if ((r = waits_add(m, m->deps[k])) < 0)
				return r;
	}
	for (int i = 0; i < ms->n; i++) {
		for (int k = 0; k < ms->mods[i].nsoft; k++) {
			int t[64], nt = modset_resolve(ms, ms->mods[i].soft[k].target, t, 64);

			for (int j = 0; j < nt && j < 64; j++) {
				if (t[j] == i)
					continue;
				r = ms->mods[i].soft[k].post ? waits_add(&ms->mods[t[j]], i)
							     : waits_add(&ms->mods[i], t[j]);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

/* ---- the whole set ---- */

int modset_read(struct modset *ms, const char *dir, const struct modset_opts *opts)
{
	struct modset_opts none = {0};
	struct reader R = {.ms = ms, .o = opts ? opts : &none};
	const char *list = R.o->list ? R.o->list : "modules.load";
	int r;

	memset(ms, 0, sizeof(*ms));
	ms->dir = strdup(dir);
	if (!ms->dir)
		return -ENOMEM;

	R.file = "modules.alias";
	r = read_lines(&R, "modules.alias", alias_line);
	if (r < 0 && r != -ENOMEM)
		r = 0;
	if (r == 0) {
		R.file = "modules.dep";
		r = read_lines(&R, "modules.dep", dep_line);
	}
	if (r == 0) {
		r = read_lines(&R, "modules.softdep", softdep_line);
		if (r < 0 && r != -ENOMEM)
			r = 0;
	}
	if (r == 0) {
		r = read_lines(&R, list, list_line);
		if (r < 0 && r != -ENOMEM && list[0] != '/' && strcmp(list, "modules.load")) {
			/* first stage: a missing .recovery or .charger list falls back */
			list = "modules.load";
			r = read_lines(&R, list, list_line);
		}
		if (r < 0 && r != -ENOMEM) {
			R.file = list;
			warn(&R, "cannot read the list file: %s; nothing is listed", strerror(-r));
			r = 0;
		}
		if (list[0] == '/')
			ms->list = strdup(list);
		else if (asprintf(&ms->list, "%s/%s", dir, list) < 0)
			ms->list = NULL;
		if (!ms->list)
			r = -ENOMEM;
	}
	if (r == 0) {
		r = read_lines(&R, "modules.options", options_line);
		if (r < 0 && r != -ENOMEM)
			r = 0;
	}
	if (r == 0) {
		r = read_lines(&R, "modules.blocklist", blocklist_line);
		if (r < 0 && r != -ENOMEM)
			r = 0;
	}
	if (r == 0 && R.o->cmdline)
		r = cmdline_options(&R, R.o->cmdline);
	for (int i = 0; r == 0 && i < ms->n; i++)
		take_sequential(&ms->mods[i]);
	if (r == 0)
		r = build_waits(ms);
	if (r < 0)
		modset_free(ms);
	return r;
}

void modset_free(struct modset *ms)
{
	if (!ms)
		return;
	for (int i = 0; i < ms->n; i++) {
		struct module *m = &ms->mods[i];

		free(m->name);
		free(m->path);
		free(m->params);
		free(m->deps);
		free(m->waits);
		for (int k = 0; k < m->nsoft; k++)
			free(m->soft[k].target);
		free(m->soft);
	}
	for (int k = 0; k < ms->unknown; k++)
		free(ms->unknown_names[k]);
	free(ms->unknown_names);
	for (int k = 0; k < ms->nalias; k++) {
		free(ms->alias[k].glob);
		free(ms->alias[k].target);
	}
	free(ms->alias);
	free(ms->mods);
	free(ms->load);
	free(ms->dir);
	free(ms->list);
	memset(ms, 0, sizeof(*ms));
}

/* The value of key=... in a command line or bootconfig text, into out. */
static bool boot_value(const char *text, const char *key, char *out, size_t size)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && (p = strstr(p, key)); p += kl) {
		const char *v = p + kl;

		if (p > text && p[-1] != ' ' && p[-1] != '\n' && p[-1] != '\t')
			continue;
		while (*v == ' ')
			v++;
		if (*v != '=')
			continue;
		v++;
		while (*v == ' ')
			v++;
		if (*v == '"')
			v++;
		size_t n = strcspn(v, "\" \n\t");
		snprintf(out, size, "%.*s", (int)n, v);
		return true;
	}
	return false;
}

const char *modset_list_name(const char *cmdline, const char *bootconfig, bool recovery)
{
	char v[32];

	if ((bootconfig && boot_value(bootconfig, "androidboot.mode", v, sizeof(v)) &&
	     !strcmp(v, "charger")) ||
	    (cmdline && strstr(cmdline, "androidboot.mode=charger")))
		return "modules.load.charger";
	if (recovery) {
		bool normal =
		    (bootconfig && boot_value(bootconfig, "androidboot.force_normal_boot", v, sizeof(v)) &&
		     !strcmp(v, "1")) ||
		    (cmdline && boot_value(cmdline, "androidboot.force_normal_boot", v, sizeof(v)) &&
		     !strcmp(v, "1"));

		if (!normal)
			return "modules.load.recovery";
	}
	return "modules.load";
}

int modset_mark_barrier(struct modset *ms, const char *list, modset_warn_fn warnfn, void *userdata)
{
	char buf[1024], *save, *tok;
	int found = 0;

	snprintf(buf, sizeof(buf), "%s", list ? list : "");
	for (tok = strtok_r(buf, ",+ ", &save); tok; tok = strtok_r(NULL, ",+ ", &save)) {
		char name[NAME_MAX_LEN];
		int i;

		module_canonical(tok, name, sizeof(name));
		i = modset_find(ms, name);
		if (i < 0 || !ms->mods[i].in_dep) {
			if (warnfn) {
				char msg[300];

				snprintf(msg, sizeof(msg), "barrier module '%s' is not in the set, ignoring",
					 tok);
				warnfn("barrier", 0, msg, userdata);
			}
			continue;
		}
		ms->mods[i].barrier = true;
		found++;
	}
	return found;
}
