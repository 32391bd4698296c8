// SPDX-License-Identifier: MIT
/*
 * lava-render.c - `oopsfarm lava render`: a LAVA job template (jobs/NAME.yaml)
 * and parameters in, a LAVA job definition out.
 *
 * A template is a plain YAML LAVA job with two additions (doc/lava-jobs.md):
 *  - a top-level `x-oopsfarm-params:` mapping declares the parameters:
 *    NAME: {type: str|int, default: V, example: V, pattern: ERE, doc: TEXT};
 *    render removes it;
 *  - a sequence item `- x-oopsfarm-repeat: [ITEMS]` is replaced by ITEMS,
 *    `boots` times over; inside it {{ boot }} (1..boots) and
 *    {{ boot_padded }} (001..) name the copy.  {{ boots }} is defined
 *    everywhere.
 * `{{ NAME }}` inside any scalar is replaced by the parameter's value.
 *
 * Everything works on libyaml events, never on text: the template is parsed
 * into a list of events, and fresh events are emitted from it, so a value
 * becomes exactly one scalar whatever it holds (quotes, colons, newlines,
 * `{{`: values are never expanded again).  A scalar that is exactly one
 * placeholder of an int parameter becomes a plain YAML integer; every other
 * substituted scalar stays a string, quoted when YAML would read it as
 * something else.  Aliases are expanded and anchors dropped, so a repeated
 * block never defines an anchor twice.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "lava/lava.h"
#include "oopsfarm.h"
#include "util/text.h"

#define PARAMS_KEY "x-oopsfarm-params"
#define REPEAT_KEY "x-oopsfarm-repeat"
#define MAX_DEPTH  200
#define MAX_BOOTS  100000
/* aliases of aliases grow exponentially ("billion laughs"): cap the output */
#define MAX_EMITTED 20000000
/* and the rendered text itself: at most RENDER_MAX_BYTES (lava.h) */

/* One parse event, with owned copies of its strings. */
struct tev {
	yaml_event_type_t type;
	char *anchor, *tag, *value; /* value: scalar text, or the alias's anchor name */
	size_t length;
	int implicit, plain_implicit, quoted_implicit, style;
	size_t line;   /* 1-based */
	size_t end;    /* node events: one past the node's last event */
	size_t target; /* ALIAS: index of the aliased node */
};

struct param {
	char *name, *doc, *def, *example, *pattern;
	bool is_int, has_def, has_example, has_re;
	regex_t re;
	size_t line;
	const char *value; /* the one render uses */
};

struct render {
	const char *path;
	struct tev *ev;
	size_t nev, cap;
	size_t root; /* index of the root node */
	struct param *params;
	int nparams;
	size_t params_line; /* 0: the template declares no parameters */
	int boots;
	int boot; /* 0 outside a repeat block, else 1..boots */
	char boots_str[16], boot_str[16], boot_padded[16];
	int repeats; /* repeat blocks seen */
	yaml_emitter_t em;
	size_t emitted;
	FILE *out;	  /* the rendered text */
	size_t out_bytes; /* written to out so far */
	bool out_over;	  /* RENDER_MAX_BYTES was reached */
	char *err;
	size_t errsize;
};

static int fail(struct render *r, size_t line, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct render *r, size_t line, int errnum, const char *fmt, ...)
{
	va_list ap;
	int off;

	if (line)
		off = snprintf(r->err, r->errsize, "%s:%zu: ", r->path, line);
	else
		off = snprintf(r->err, r->errsize, "%s: ", r->path);
	if (off < 0 || (size_t)off >= r->errsize)
		return -errnum;
	va_start(ap, fmt);
	vsnprintf(r->err + off, r->errsize - off, fmt, ap);
	va_end(ap);
	return -errnum;
}

static char *dupn(const unsigned char *s, size_t n)
{
	char *d;

	if (!s)
		return NULL;
	d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static char *dup0(const unsigned char *s)
{
	return s ? dupn(s, strlen((const char *)s)) : NULL;
}

static void render_free(struct render *r)
{
	for (size_t i = 0; i < r->nev; i++) {
		free(r->ev[i].anchor);
		free(r->ev[i].tag);
		free(r->ev[i].value);
	}
	free(r->ev);
	for (int i = 0; i < r->nparams; i++) {
		struct param *p = &r->params[i];

		free(p->name);
		free(p->doc);
		free(p->def);
		free(p->example);
		free(p->pattern);
		if (p->has_re)
			regfree(&p->re);
	}
	free(r->params);
}

/* ---- parsing: the template into a flat list of events ---------------------------------- */

static int add_event(struct render *r, const yaml_event_t *e)
{
	struct tev *t;

	if (ARRAY_GROW(r->ev, r->nev, r->cap) < 0)
		return -ENOMEM;
	t = &r->ev[r->nev];
	memset(t, 0, sizeof(*t));
	t->type = e->type;
	t->line = e->start_mark.line + 1;
	t->end = r->nev + 1;
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		t->anchor = dup0(e->data.scalar.anchor);
		t->tag = dup0(e->data.scalar.tag);
		t->value = dupn(e->data.scalar.value, e->data.scalar.length);
		t->length = e->data.scalar.length;
		t->plain_implicit = e->data.scalar.plain_implicit;
		t->quoted_implicit = e->data.scalar.quoted_implicit;
		t->style = e->data.scalar.style;
		if (!t->value)
			return -ENOMEM;
		break;
	case YAML_ALIAS_EVENT:
		t->value = dup0(e->data.alias.anchor);
		if (!t->value)
			return -ENOMEM;
		break;
	case YAML_SEQUENCE_START_EVENT:
		t->anchor = dup0(e->data.sequence_start.anchor);
		t->tag = dup0(e->data.sequence_start.tag);
		t->implicit = e->data.sequence_start.implicit;
		t->style = e->data.sequence_start.style;
		break;
	case YAML_MAPPING_START_EVENT:
		t->anchor = dup0(e->data.mapping_start.anchor);
		t->tag = dup0(e->data.mapping_start.tag);
		t->implicit = e->data.mapping_start.implicit;
		t->style = e->data.mapping_start.style;
		break;
	default:
		break;
	}
	r->nev++;
	return 0;
}

static int parse_template(struct render *r, FILE *f)
{
	size_t stack[MAX_DEPTH + 1];
	int depth = 0, docs = 0, ret = 0;
	yaml_parser_t p;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_file(&p, f);
	for (;;) {
		yaml_event_t e;
		bool done;

		if (!yaml_parser_parse(&p, &e)) {
			if (ferror(f))
				ret = fail(r, 0, EIO, "cannot read: %s", strerror(errno ? errno : EIO));
			else if (p.context)
				ret = fail(r, p.problem_mark.line + 1, EBADMSG,
					   "column %zu: not valid YAML: %s (%s from line %zu)",
					   p.problem_mark.column + 1, p.problem, p.context,
					   p.context_mark.line + 1);
			else
				ret = fail(r, p.problem_mark.line + 1, EBADMSG,
					   "column %zu: not valid YAML: %s", p.problem_mark.column + 1,
					   p.problem ? p.problem : "parse error");
			break;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		if (e.type == YAML_DOCUMENT_START_EVENT && ++docs > 1)
			ret = fail(r, e.start_mark.line + 1, EBADMSG,
				   "a template is one YAML document, not several");
		else if ((e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT) &&
			 depth == MAX_DEPTH)
			ret = fail(r, e.start_mark.line + 1, EBADMSG, "nested more than %d levels deep",
				   MAX_DEPTH);
		else
			ret = add_event(r, &e);
		yaml_event_delete(&e);
		if (ret < 0)
			break;
		switch (r->ev[r->nev - 1].type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			stack[depth++] = r->nev - 1;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			r->ev[stack[--depth]].end = r->nev;
			break;
		default:
			break;
		}
		if (done)
			break;
	}
	yaml_parser_delete(&p);
	if (ret < 0)
		return ret;
	/* STREAM_START DOCUMENT_START node DOCUMENT_END STREAM_END */
	if (docs == 0 || r->nev < 5)
		return fail(r, 0, EBADMSG, "empty template");
	r->root = 2;
	if (r->ev[r->root].type != YAML_MAPPING_START_EVENT)
		return fail(r, r->ev[r->root].line, EBADMSG,
			    "a job template is a mapping (job_name, device_type, actions, ..., " PARAMS_KEY
			    ")");
	return 0;
}

/* Aliases point at the latest node with their anchor before them (YAML's rule). */
static int resolve_aliases(struct render *r)
{
	for (size_t i = 0; i < r->nev; i++) {
		struct tev *a = &r->ev[i];
		size_t j;

		if (a->type != YAML_ALIAS_EVENT)
			continue;
		for (j = i; j-- > 0;)
			if (r->ev[j].anchor && !strcmp(r->ev[j].anchor, a->value))
				break;
		if (j == (size_t)-1)
			return fail(r, a->line, EBADMSG, "alias '*%s' names no anchor before it", a->value);
		if (r->ev[j].end > i)
			return fail(r, a->line, EBADMSG, "alias '*%s' is inside the node it names", a->value);
		a->target = j;
	}
	return 0;
}

static size_t deref(const struct render *r, size_t i)
{
	return r->ev[i].type == YAML_ALIAS_EVENT ? r->ev[i].target : i;
}

static bool is_scalar(const struct render *r, size_t i, const char *s)
{
	i = deref(r, i);
	return r->ev[i].type == YAML_SCALAR_EVENT && !strcmp(r->ev[i].value, s);
}

/* ---- parameters ------------------------------------------------------------------------ */

static const char *const builtins[] = {"boots", "boot", "boot_padded", NULL};

/* [a-z][a-z0-9_]*, len bytes of s */
static bool valid_name(const char *s, size_t len)
{
	if (!len || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static struct param *find_param(struct render *r, const char *name, size_t len)
{
	for (int i = 0; i < r->nparams; i++)
		if (strlen(r->params[i].name) == len && !strncmp(r->params[i].name, name, len))
			return &r->params[i];
	return NULL;
}

static int param_field(struct render *r, struct param *p, size_t k, size_t v)
{
	static const char *const fields[] = {"doc", "type", "default", "example", "pattern", NULL};
	const char *key;
	char *text;
	int f;

	k = deref(r, k);
	v = deref(r, v);
	if (r->ev[k].type != YAML_SCALAR_EVENT)
		return fail(r, r->ev[k].line, EBADMSG, PARAMS_KEY ": %s: keys are words", p->name);
	key = r->ev[k].value;
	for (f = 0; fields[f]; f++)
		if (!strcmp(key, fields[f]))
			break;
	if (!fields[f])
		return fail(r, r->ev[k].line, EBADMSG,
			    PARAMS_KEY ": %s: unknown key '%s' (doc, type, default, example, pattern)",
			    p->name, key);
	if (r->ev[v].type != YAML_SCALAR_EVENT)
		return fail(r, r->ev[v].line, EBADMSG, PARAMS_KEY ": %s: '%s' must be a scalar", p->name,
			    key);
	text = strdup(r->ev[v].value);
	if (!text)
		return -ENOMEM;
	switch (f) {
	case 0:
		free(p->doc);
		p->doc = text;
		break;
	case 1:
		if (strcmp(text, "str") && strcmp(text, "int")) {
			free(text);
			return fail(r, r->ev[v].line, EBADMSG,
				    PARAMS_KEY ": %s: type must be 'str' or 'int', not '%s'", p->name,
				    r->ev[v].value);
		}
		p->is_int = !strcmp(text, "int");
		free(text);
		break;
	case 2:
		free(p->def);
		p->def = text;
		p->has_def = true;
		break;
	case 3:
		free(p->example);
		p->example = text;
		p->has_example = true;
		break;
	case 4: {
		/* anchored: the pattern must match the whole value */
		size_t n = strlen(text) + 5;
		char *full = malloc(n);
		int rc;

		if (!full) {
			free(text);
			return -ENOMEM;
		}
		snprintf(full, n, "^(%s)$", text);
		if (p->has_re)
			regfree(&p->re);
		rc = regcomp(&p->re, full, REG_EXTENDED | REG_NOSUB);
		free(full);
		p->has_re = rc == 0;
		free(p->pattern);
		p->pattern = text;
		if (rc) {
			char msg[128];

			regerror(rc, &p->re, msg, sizeof(msg));
			return fail(r, r->ev[v].line, EBADMSG, PARAMS_KEY ": %s: bad pattern '%s': %s",
				    p->name, text, msg);
		}
		break;
	}
	}
	return 0;
}

static int load_params(struct render *r)
{
	size_t m = 0;

	for (size_t k = r->root + 1; r->ev[k].type != YAML_MAPPING_END_EVENT;) {
		size_t v = r->ev[k].end;

		if (is_scalar(r, k, PARAMS_KEY)) {
			r->params_line = r->ev[k].line;
			m = deref(r, v);
			break;
		}
		k = r->ev[v].end;
	}
	if (!r->params_line)
		return 0;
	if (r->ev[m].type != YAML_MAPPING_START_EVENT)
		return fail(r, r->ev[m].line, EBADMSG,
			    PARAMS_KEY " must be a mapping of NAME: {type, default, example, pattern, doc}");
	for (size_t k = m + 1; r->ev[k].type != YAML_MAPPING_END_EVENT;) {
		size_t v = r->ev[k].end, kk = deref(r, k), vv = deref(r, v), next = r->ev[v].end;
		const char *name = r->ev[kk].value;
		struct param *p, *n;
		int ret;

		if (r->ev[kk].type != YAML_SCALAR_EVENT || !valid_name(name, strlen(name)))
			return fail(r, r->ev[kk].line, EBADMSG,
				    PARAMS_KEY ": parameter names are [a-z][a-z0-9_]*, not '%s'",
				    r->ev[kk].type == YAML_SCALAR_EVENT ? name : "(not a scalar)");
		for (int b = 0; builtins[b]; b++)
			if (!strcmp(name, builtins[b]))
				return fail(r, r->ev[kk].line, EBADMSG,
					    PARAMS_KEY ": '%s' is built in (boots, boot, boot_padded)", name);
		if (find_param(r, name, strlen(name)))
			return fail(r, r->ev[kk].line, EBADMSG, PARAMS_KEY ": '%s' is declared twice", name);
		if (r->ev[vv].type != YAML_MAPPING_START_EVENT)
			return fail(r, r->ev[vv].line, EBADMSG,
				    PARAMS_KEY
				    ": %s: a mapping {type, default, example, pattern, doc} is needed",
				    name);
		n = realloc(r->params, (r->nparams + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		r->params = n;
		p = &r->params[r->nparams++];
		memset(p, 0, sizeof(*p));
		p->line = r->ev[kk].line;
		if (!(p->name = strdup(name)))
			return -ENOMEM;
		for (size_t fk = vv + 1; r->ev[fk].type != YAML_MAPPING_END_EVENT;) {
			size_t fv = r->ev[fk].end;

			if ((ret = param_field(r, p, fk, fv)))
				return ret;
			fk = r->ev[fv].end;
		}
		k = next;
	}
	return 0;
}

/* The value must suit the parameter: a whole number for int, the pattern if any. */
static int check_value(struct render *r, struct param *p, const char *v, const char *from)
{
	if (p->is_int) {
		const char *s = v + (*v == '-');
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (!(*s >= '0' && *s <= '9') || *end || errno || n < INT_MIN || n > INT_MAX)
			return fail(r, p->line, EINVAL,
				    "parameter '%s' must be a whole number, not '%s' (%s)", p->name, v, from);
	}
	if (p->has_re && regexec(&p->re, v, 0, NULL, 0))
		return fail(r, p->line, EINVAL, "parameter '%s' must match '%s', not '%s' (%s)", p->name,
			    p->pattern, v, from);
	return 0;
}

static void list_names(struct render *r, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < r->nparams && off < size; i++) {
		int n = snprintf(buf + off, size - off, "%s%s", i ? ", " : "", r->params[i].name);

		if (n < 0)
			break;
		off += n;
	}
	if (!r->nparams)
		snprintf(buf, size, "none");
}

static int choose_values(struct render *r, const struct lava_param *set, int nset, unsigned flags)
{
	int ret;

	for (int i = 0; i < nset; i++) {
		struct param *p = set[i].key ? find_param(r, set[i].key, strlen(set[i].key)) : NULL;

		if (!p) {
			char names[1024];

			list_names(r, names, sizeof(names));
			return fail(r, r->params_line, EINVAL,
				    "unknown parameter '%s' (this template takes: %s)",
				    set[i].key ? set[i].key : "", names);
		}
		if (!set[i].value)
			return fail(r, p->line, EINVAL, "parameter '%s' is given no value", p->name);
		p->value = set[i].value; /* the last --set of a key wins */
	}
	for (int i = 0; i < r->nparams; i++) {
		struct param *p = &r->params[i];
		const char *from = "--set";

		if (!p->value && (flags & LAVA_RENDER_EXAMPLE) && p->has_example) {
			p->value = p->example;
			from = "its example";
		}
		if (!p->value && p->has_def) {
			p->value = p->def;
			from = "its default";
		}
		if (!p->value) {
			if (flags & LAVA_RENDER_EXAMPLE)
				return fail(r, p->line, EINVAL,
					    "parameter '%s' has no example and no default", p->name);
			return fail(r, p->line, EINVAL,
				    "parameter '%s' is not set and has no default (--set %s=VALUE)", p->name,
				    p->name);
		}
		if ((ret = check_value(r, p, p->value, from)))
			return ret;
	}
	return 0;
}

/* ---- substitution ---------------------------------------------------------------------- */

struct buf {
	char *s;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
	return text_append(&b->s, &b->len, &b->cap, s, n);
}

/* The value of placeholder name[0..len); *ret_int tells whether it is a number. */
static int lookup(struct render *r, const struct tev *e, const char *name, size_t len, const char **ret,
		  bool *ret_int)
{
	struct param *p;

	if (len == 5 && !strncmp(name, "boots", 5)) {
		*ret = r->boots_str;
		*ret_int = true;
		return 0;
	}
	if ((len == 4 && !strncmp(name, "boot", 4)) || (len == 11 && !strncmp(name, "boot_padded", 11))) {
		if (!r->boot)
			return fail(r, e->line, EBADMSG, "'{{ %.*s }}' is only defined inside " REPEAT_KEY,
				    (int)len, name);
		*ret = len == 4 ? r->boot_str : r->boot_padded;
		*ret_int = len == 4;
		return 0;
	}
	p = find_param(r, name, len);
	if (!p)
		return fail(r, e->line, EBADMSG,
			    "'{{ %.*s }}' names no parameter (declare it under " PARAMS_KEY ")", (int)len,
			    name);
	*ret = p->value;
	*ret_int = p->is_int;
	return 0;
}

/*
 * Expands the placeholders of scalar e.  Returns 0 with *ret = NULL when it
 * has none, else a malloc'd string; *ret_int when the scalar is exactly one
 * placeholder of a number.
 */
static int substitute(struct render *r, const struct tev *e, char **ret, bool *ret_int)
{
	const char *s = e->value, *end = e->value + e->length, *open;
	struct buf b = {0};
	int count = 0, ret_code;
	bool whole = false, num = false;

	*ret = NULL;
	*ret_int = false;
	if (!memmem(s, e->length, "{{", 2))
		return 0;
	while ((open = memmem(s, end - s, "{{", 2))) {
		const char *close = memmem(open + 2, end - open - 2, "}}", 2), *n, *ne, *val = NULL;

		if (!close) {
			free(b.s);
			return fail(r, e->line, EBADMSG, "'{{' without '}}' in '%.60s'", e->value);
		}
		for (n = open + 2; n < close && *n == ' '; n++)
			;
		for (ne = close; ne > n && ne[-1] == ' '; ne--)
			;
		if (!valid_name(n, ne - n)) {
			free(b.s);
			return fail(r, e->line, EBADMSG, "bad placeholder '%.*s' (names are [a-z][a-z0-9_]*)",
				    (int)(close + 2 - open), open);
		}
		if ((ret_code = lookup(r, e, n, ne - n, &val, &num)) < 0 ||
		    (ret_code = buf_add(&b, s, open - s)) < 0 ||
		    (ret_code = buf_add(&b, val, strlen(val))) < 0) {
			free(b.s);
			return ret_code;
		}
		whole = count++ == 0 && open == e->value && close + 2 == end;
		s = close + 2;
	}
	if ((ret_code = buf_add(&b, s, end - s)) < 0) {
		free(b.s);
		return ret_code;
	}
	*ret = b.s;
	*ret_int = whole && num;
	return 0;
}

/* Would a YAML 1.1 reader (PyYAML, as LAVA uses) take this plain scalar for a non-string? */
static bool looks_typed(const char *s)
{
	static const char *const words[] = {"y",   "n",	   "yes", "no", "true", "false", "on",
					    "off", "null", "~",	  "<<", "=",	NULL};

	if (!*s || strchr("0123456789+-.~", *s))
		return true;
	for (int i = 0; words[i]; i++)
		if (!strcasecmp(s, words[i]))
			return true;
	return false;
}

/* ---- emitting -------------------------------------------------------------------------- */

/* libyaml's output handler: every byte goes through here, so the cap is on bytes. */
static int emit_write(void *data, unsigned char *buf, size_t n)
{
	struct render *r = data;

	if (n > RENDER_MAX_BYTES - r->out_bytes) {
		r->out_over = true;
		return 0;
	}
	r->out_bytes += n;
	return fwrite(buf, 1, n, r->out) == n;
}

static int emit(struct render *r, yaml_event_t *e, size_t line)
{
	if (++r->emitted > MAX_EMITTED) {
		yaml_event_delete(e);
		return fail(r, line, EBADMSG,
			    "the template expands to more than %d YAML events (aliases of aliases?)",
			    MAX_EMITTED);
	}
	if (!yaml_emitter_emit(&r->em, e) && r->out_over)
		return fail(r, line, EFBIG, "the rendered job would be over %d MiB (aliases of aliases?)",
			    RENDER_MAX_BYTES >> 20);
	if (r->em.error)
		return fail(r, line, EBADMSG, "cannot emit YAML: %s",
			    r->em.problem ? r->em.problem : "emitter error");
	return 0;
}

static int emit_node(struct render *r, size_t i, int depth, size_t *ret_next);

static int emit_scalar(struct render *r, const struct tev *t)
{
	yaml_event_t e;
	char *val;
	bool num;
	int ret;

	if ((ret = substitute(r, t, &val, &num)) < 0)
		return ret;
	if (!val) {
		ret = yaml_scalar_event_initialize(&e, NULL, (yaml_char_t *)t->tag, (yaml_char_t *)t->value,
						   (int)t->length, t->plain_implicit, t->quoted_implicit,
						   t->style);
	} else if (num && !t->tag) { /* an explicit tag (!!str) wins */
		ret = yaml_scalar_event_initialize(&e, NULL, NULL, (yaml_char_t *)val, -1, 1, 0,
						   YAML_PLAIN_SCALAR_STYLE);
	} else {
		/* a string: plain only if a reader would still see a string */
		ret = yaml_scalar_event_initialize(&e, NULL, (yaml_char_t *)t->tag, (yaml_char_t *)val, -1,
						   !looks_typed(val), 1, t->style);
	}
	if (!ret) {
		ret = fail(r, t->line, EINVAL, "cannot make a YAML scalar of '%.60s' (not valid UTF-8?)",
			   val ? val : t->value);
		free(val);
		return ret;
	}
	free(val);
	return emit(r, &e, t->line);
}

/* A sequence item of the form `- x-oopsfarm-repeat: [ITEMS]`? */
static int emit_item(struct render *r, size_t i, int depth, size_t *ret_next)
{
	size_t k = i + 1, v, seq;
	int ret;

	if (r->ev[i].type != YAML_MAPPING_START_EVENT || r->ev[k].type == YAML_MAPPING_END_EVENT ||
	    !is_scalar(r, k, REPEAT_KEY))
		return emit_node(r, i, depth, ret_next);
	v = r->ev[k].end;
	seq = deref(r, v);
	if (r->ev[v].end != r->ev[i].end - 1)
		return fail(r, r->ev[k].line, EBADMSG,
			    REPEAT_KEY " must be the only key of its sequence item");
	if (r->ev[seq].type != YAML_SEQUENCE_START_EVENT)
		return fail(r, r->ev[seq].line, EBADMSG, REPEAT_KEY " takes a sequence of actions");
	if (r->boot)
		return fail(r, r->ev[k].line, EBADMSG, REPEAT_KEY " inside " REPEAT_KEY);
	r->repeats++;
	for (int b = 1; b <= r->boots; b++) {
		int width = snprintf(NULL, 0, "%d", r->boots);

		r->boot = b;
		snprintf(r->boot_str, sizeof(r->boot_str), "%d", b);
		snprintf(r->boot_padded, sizeof(r->boot_padded), "%0*d", width < 3 ? 3 : width, b);
		for (size_t j = seq + 1; r->ev[j].type != YAML_SEQUENCE_END_EVENT;)
			if ((ret = emit_item(r, j, depth + 1, &j)) < 0)
				return ret;
	}
	r->boot = 0;
	*ret_next = r->ev[i].end;
	return 0;
}

static int emit_node(struct render *r, size_t i, int depth, size_t *ret_next)
{
	const struct tev *t = &r->ev[i];
	yaml_event_t e;
	size_t j;
	int ret;

	if (depth > MAX_DEPTH * 4)
		return fail(r, t->line, EBADMSG, "aliases nest too deep");
	switch (t->type) {
	case YAML_ALIAS_EVENT:
		if ((ret = emit_node(r, t->target, depth + 1, &j)) < 0)
			return ret;
		break;
	case YAML_SCALAR_EVENT:
		if ((ret = emit_scalar(r, t)) < 0)
			return ret;
		break;
	case YAML_SEQUENCE_START_EVENT:
		yaml_sequence_start_event_initialize(&e, NULL, (yaml_char_t *)t->tag, t->implicit, t->style);
		if ((ret = emit(r, &e, t->line)) < 0)
			return ret;
		for (j = i + 1; r->ev[j].type != YAML_SEQUENCE_END_EVENT;)
			if ((ret = emit_item(r, j, depth + 1, &j)) < 0)
				return ret;
		yaml_sequence_end_event_initialize(&e);
		if ((ret = emit(r, &e, t->line)) < 0)
			return ret;
		break;
	case YAML_MAPPING_START_EVENT:
		yaml_mapping_start_event_initialize(&e, NULL, (yaml_char_t *)t->tag, t->implicit, t->style);
		if ((ret = emit(r, &e, t->line)) < 0)
			return ret;
		for (j = i + 1; r->ev[j].type != YAML_MAPPING_END_EVENT;) {
			size_t v = r->ev[j].end, next = r->ev[v].end, done;

			if (is_scalar(r, j, PARAMS_KEY)) {
				if (i != r->root)
					return fail(r, r->ev[j].line, EBADMSG,
						    PARAMS_KEY " belongs at the top level");
				j = next;
				continue;
			}
			if (is_scalar(r, j, REPEAT_KEY))
				return fail(r, r->ev[j].line, EBADMSG,
					    REPEAT_KEY " must be a sequence item of its own: '- " REPEAT_KEY
						       ": [...]'");
			if ((ret = emit_node(r, j, depth + 1, &done)) < 0 ||
			    (ret = emit_node(r, v, depth + 1, &done)) < 0)
				return ret;
			j = next;
		}
		yaml_mapping_end_event_initialize(&e);
		if ((ret = emit(r, &e, t->line)) < 0)
			return ret;
		break;
	default:
		return fail(r, t->line, EBADMSG, "unexpected YAML event %d", t->type);
	}
	*ret_next = t->end;
	return 0;
}

static int emit_document(struct render *r, char **ret_yaml)
{
	yaml_event_t e;
	size_t len = 0, next;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);
	int ret = 0;

	if (!f)
		return -errno;
	if (!yaml_emitter_initialize(&r->em)) {
		fclose(f);
		free(text);
		return -ENOMEM;
	}
	r->out = f;
	r->out_bytes = 0;
	r->out_over = false;
	yaml_emitter_set_output(&r->em, emit_write, r);
	yaml_emitter_set_unicode(&r->em, 1);
	yaml_emitter_set_width(&r->em, -1); /* long regexes stay on one line */
	yaml_emitter_set_indent(&r->em, 2);
	yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
	ret = emit(r, &e, 0);
	if (!ret) {
		yaml_document_start_event_initialize(&e, NULL, NULL, NULL, 1);
		ret = emit(r, &e, 0);
	}
	if (!ret)
		ret = emit_node(r, r->root, 0, &next);
	if (!ret) {
		yaml_document_end_event_initialize(&e, 1);
		ret = emit(r, &e, 0);
	}
	if (!ret) {
		yaml_stream_end_event_initialize(&e);
		ret = emit(r, &e, 0);
	}
	if (!ret && !yaml_emitter_flush(&r->em))
		ret = r->out_over
			  ? fail(r, 0, EFBIG, "the rendered job would be over %d MiB (aliases of aliases?)",
				 RENDER_MAX_BYTES >> 20)
			  : fail(r, 0, EIO, "cannot write the rendered job");
	yaml_emitter_delete(&r->em);
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && r->boots > 1 && !r->repeats)
		ret = fail(r, 0, EINVAL, "%d boots asked for, but the template has no " REPEAT_KEY " block",
			   r->boots);
	if (ret < 0) {
		free(text);
		return ret;
	}
	*ret_yaml = text;
	return 0;
}

static int render_load(struct render *r, const char *path, char *err, size_t errsize)
{
	FILE *f;
	int ret;

	r->path = path;
	r->err = err;
	r->errsize = errsize;
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		fail(r, 0, -ret, "cannot open: %s", strerror(-ret));
		return ret;
	}
	ret = parse_template(r, f);
	fclose(f);
	if (!ret)
		ret = resolve_aliases(r);
	if (!ret)
		ret = load_params(r);
	return ret;
}

int lava_render_flags(const char *template_path, const struct lava_param *params, int nparams, int boots,
		      unsigned flags, char **ret_yaml, char *err, size_t errsize)
{
	struct render r = {0};
	int ret;

	if (errsize)
		err[0] = 0;
	ret = render_load(&r, template_path, err, errsize);
	if (!ret && (boots < 1 || boots > MAX_BOOTS))
		ret = fail(&r, 0, EINVAL, "boots must be 1 to %d, not %d", MAX_BOOTS, boots);
	if (!ret)
		ret = choose_values(&r, params, nparams, flags);
	if (!ret) {
		r.boots = boots;
		snprintf(r.boots_str, sizeof(r.boots_str), "%d", boots);
		ret = emit_document(&r, ret_yaml);
	}
	render_free(&r);
	return ret;
}

int lava_render(const char *template_path, const struct lava_param *params, int nparams, int boots,
		char **ret_yaml, char *err, size_t errsize)
{
	return lava_render_flags(template_path, params, nparams, boots, 0, ret_yaml, err, errsize);
}

int lava_template_describe(const char *template_path, FILE *out, char *err, size_t errsize)
{
	struct render r = {0};
	int ret;

	if (errsize)
		err[0] = 0;
	ret = render_load(&r, template_path, err, errsize);
	if (!ret) {
		fprintf(out, "%-16s %-4s %-24s %s\n", "PARAMETER", "TYPE", "DEFAULT", "DOC");
		for (int i = 0; i < r.nparams; i++) {
			const struct param *p = &r.params[i];

			fprintf(out, "%-16s %-4s %-24s %s", p->name, p->is_int ? "int" : "str",
				p->has_def ? (*p->def ? p->def : "''") : "(required)", p->doc ? p->doc : "");
			if (p->has_example)
				fprintf(out, " (e.g. %s)", p->example);
			fputc('\n', out);
		}
	}
	render_free(&r);
	return ret;
}

/* ---- oopsfarm lava render ---------------------------------------------------------------- */

static void render_usage(FILE *f)
{
	fprintf(f, "usage: oopsfarm lava render [--example] [--set KEY=VALUE ...] [--boots N] FILE\n"
		   "       oopsfarm lava render --list FILE\n\n"
		   "Prints the LAVA job that template FILE (jobs/NAME.yaml) makes with these parameters;\n"
		   "doc/lava-jobs.md tells how templates declare them.\n\n"
		   "  -e, --example        parameters not set take the template's example values\n"
		   "  -s, --set KEY=VALUE  a parameter (repeat; the last one of a key wins)\n"
		   "  -n, --boots N        (boot, test) pairs in the job (default 1)\n"
		   "  -l, --list           the template's parameters, with defaults and examples\n"
		   "  -h, --help           this help\n\n"
		   "Exit status: 0 rendered, 2 usage or a bad parameter, 3 the template cannot be read or is "
		   "malformed.\n");
}

int lava_cmd_render(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"example", no_argument, NULL, 'e'},     {"set", required_argument, NULL, 's'},
	    {"boots", required_argument, NULL, 'n'}, {"list", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},	     {0}};
	struct lava_param *set = NULL;
	int nset = 0, boots = 1, opt, ret;
	unsigned flags = 0;
	bool list = false;
	char err[ERR_MAX], *yaml = NULL, *end;
	long n;

	optind = 0; /* getopt may have run for another command of this process */
	while ((opt = getopt_long(argc, argv, "es:n:lh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			flags |= LAVA_RENDER_EXAMPLE;
			break;
		case 's': {
			char *eq = strchr(optarg, '=');
			struct lava_param *t;

			if (!eq || eq == optarg) {
				errorf("lava render", "--set wants KEY=VALUE, not '%s'", optarg);
				free(set);
				return usage_hint("lava render");
			}
			t = realloc(set, (nset + 1) * sizeof(*t));
			if (!t) {
				free(set);
				errorf("lava render", "out of memory");
				return EXIT_INFRA;
			}
			set = t;
			*eq = 0; /* argv is ours to cut */
			set[nset].key = optarg;
			set[nset++].value = eq + 1;
			break;
		}
		case 'n':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 1 || n > MAX_BOOTS) {
				errorf("lava render", "--boots wants a whole number from 1 to %d, not '%s'",
				       MAX_BOOTS, optarg);
				free(set);
				return usage_hint("lava render");
			}
			boots = (int)n;
			break;
		case 'l':
			list = true;
			break;
		case 'h':
			render_usage(stdout);
			free(set);
			return EXIT_OK;
		default:
			free(set);
			return usage_hint("lava render");
		}
	}
	if (optind != argc - 1) {
		errorf("lava render",
		       optind >= argc ? "a template FILE is needed" : "one template FILE only");
		free(set);
		return usage_hint("lava render");
	}
	if (list)
		ret = lava_template_describe(argv[optind], stdout, err, sizeof(err));
	else
		ret = lava_render_flags(argv[optind], set, nset, boots, flags, &yaml, err, sizeof(err));
	free(set);
	if (ret < 0) {
		errorf("lava render", "%s", err[0] ? err : strerror(-ret));
		/* refused input (a bad value, a job past RENDER_MAX_BYTES) is the user's */
		return ret == -EINVAL || ret == -EFBIG ? EXIT_USAGE : EXIT_INFRA;
	}
	if (yaml) {
		fputs(yaml, stdout);
		free(yaml);
	}
	if (fflush(stdout)) {
		errorf("lava render", "cannot write: %s", strerror(errno));
		return EXIT_INFRA;
	}
	return EXIT_OK;
}
