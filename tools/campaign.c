// SPDX-License-Identifier: MIT
/* campaign.c - the campaign spec, read with libyaml's document API. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "campaign.h"

struct ctx {
	yaml_document_t doc;
	const char *path;
	char *err;
	size_t errsize;
};

static int fail(struct ctx *x, yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int off = snprintf(x->err, x->errsize, "%s:%zu: ", x->path, n ? n->start_mark.line + 1 : 0);

	va_start(ap, fmt);
	vsnprintf(x->err + off, x->errsize - off, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static yaml_node_t *get(struct ctx *x, yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&x->doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(&x->doc, p->value);
	}
	return NULL;
}

/* Every key of map must be one of the allowed ones: a typo is an error. */
static int check_keys(struct ctx *x, yaml_node_t *map, const char *what, const char *const *allowed)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&x->doc, p->key);
		const char *const *a;

		for (a = allowed; *a; a++)
			if (k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, *a))
				break;
		if (!*a)
			return fail(x, k, "%s: unknown key '%s'", what,
				    k->type == YAML_SCALAR_NODE ? (char *)k->data.scalar.value : "?");
	}
	return 0;
}

static int str(struct ctx *x, yaml_node_t *map, const char *what, const char *key, bool need, char **ret)
{
	yaml_node_t *n = get(x, map, key);

	if (!n) {
		if (need)
			return fail(x, map, "%s: '%s' is missing", what, key);
		return 0;
	}
	if (n->type != YAML_SCALAR_NODE || !n->data.scalar.length)
		return fail(x, n, "%s: '%s' must be a non-empty string", what, key);
	*ret = strdup((char *)n->data.scalar.value);
	return *ret ? 0 : -ENOMEM;
}

static int num(struct ctx *x, yaml_node_t *map, const char *what, const char *key, int min, int max,
	       int def, int *ret)
{
	yaml_node_t *n = get(x, map, key);
	char *end;
	long v;

	if (!n) {
		*ret = def;
		return 0;
	}
	if (n->type != YAML_SCALAR_NODE)
		return fail(x, n, "%s: '%s' must be a number", what, key);
	errno = 0;
	v = strtol((char *)n->data.scalar.value, &end, 10);
	if (errno || *end || end == (char *)n->data.scalar.value || v < min || v > max)
		return fail(x, n, "%s: '%s' must be a whole number from %d to %d, not '%s'", what, key, min,
			    max, n->data.scalar.value);
	*ret = (int)v;
	return 0;
}

static bool plain_word(const char *s)
{
	return s[0] != '.' &&
	       !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")];
}

static int load_variant(struct ctx *x, yaml_node_t *n, struct campaign_variant *v, int i)
{
	static const char *const keys[] = { "name", "kernel", "patches", NULL };
	char what[64];
	yaml_node_t *p;
	int r;

	snprintf(what, sizeof(what), "variants[%d]", i);
	if (n->type != YAML_MAPPING_NODE)
		return fail(x, n, "%s must be a mapping", what);
	if ((r = check_keys(x, n, what, keys)) || (r = str(x, n, what, "name", true, &v->name)) ||
	    (r = str(x, n, what, "kernel", false, &v->kernel_src)))
		return r;
	if (!plain_word(v->name))
		return fail(x, get(x, n, "name"), "%s: the name '%s' may hold only letters, digits, '.', '_' and '-'",
			    what, v->name);
	p = get(x, n, "patches");
	if (!p)
		return 0;
	if (p->type != YAML_SEQUENCE_NODE)
		return fail(x, p, "%s: 'patches' must be a list of files", what);
	for (yaml_node_item_t *it = p->data.sequence.items.start; it < p->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(&x->doc, *it);

		if (e->type != YAML_SCALAR_NODE)
			return fail(x, e, "%s: each patch must be a file name", what);
		if (v->npatches >= CAMPAIGN_MAX_PATCHES)
			return fail(x, e, "%s: more than %d patches", what, CAMPAIGN_MAX_PATCHES);
		v->patches[v->npatches++] = strdup((char *)e->data.scalar.value);
	}
	return 0;
}

static int load_setup(struct ctx *x, yaml_node_t *n, struct campaign_setup *s, int i)
{
	static const char *const keys[] = { "name", "board", "vcpus", "memory_mb", "extra_nodes", "cpu", NULL };
	char what[64];
	int r;

	snprintf(what, sizeof(what), "setups[%d]", i);
	if (n->type != YAML_MAPPING_NODE)
		return fail(x, n, "%s must be a mapping", what);
	if ((r = check_keys(x, n, what, keys)) || (r = str(x, n, what, "name", true, &s->name)) ||
	    (r = str(x, n, what, "board", false, &s->board)) ||
	    (r = num(x, n, what, "vcpus", 1, 64, 2, &s->vcpus)) ||
	    (r = num(x, n, what, "memory_mb", 128, 65536, 1024, &s->memory_mb)) ||
	    (r = num(x, n, what, "extra_nodes", 0, 100000, 0, &s->extra_nodes)) ||
	    (r = str(x, n, what, "cpu", false, &s->cpu)))
		return r;
	if (!plain_word(s->name))
		return fail(x, get(x, n, "name"), "%s: the name '%s' may hold only letters, digits, '.', '_' and '-'",
			    what, s->name);
	if (!s->board)
		s->board = strdup("qemu-smmuv3");
	if (strcmp(s->board, "qemu-smmuv3"))
		return fail(x, get(x, n, "board"), "%s: board '%s' is not known (known: qemu-smmuv3)", what,
			    s->board);
	if (!s->cpu)
		s->cpu = strdup("max,pauth-impdef=on");
	return 0;
}

int campaign_load(const char *path, struct campaign **ret, char *ret_err, size_t errsize)
{
	static const char *const keys[] = { "campaign", "target", "variants", "setups", "boots", "stop",
					    "agent", NULL };
	struct ctx x = { .path = path, .err = ret_err, .errsize = errsize };
	yaml_parser_t parser;
	yaml_node_t *root, *n;
	struct campaign *c;
	FILE *f;
	int r;

	f = fopen(path, "rb");
	if (!f) {
		snprintf(ret_err, errsize, "cannot open '%s': %s", path, strerror(errno));
		return -errno;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &x.doc)) {
		snprintf(ret_err, errsize, "%s:%zu: %s", path, parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not valid YAML");
		yaml_parser_delete(&parser);
		fclose(f);
		return -EINVAL;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	c = calloc(1, sizeof(*c));
	if (!c) {
		yaml_document_delete(&x.doc);
		return -ENOMEM;
	}
	c->path = strdup(path);
	root = yaml_document_get_root_node(&x.doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		r = fail(&x, root, "a campaign is a YAML mapping");
		goto out;
	}
	if ((r = check_keys(&x, root, "campaign", keys)) || (r = str(&x, root, "campaign", "campaign", true, &c->name)) ||
	    (r = str(&x, root, "campaign", "target", false, &c->target)) ||
	    (r = num(&x, root, "campaign", "boots", 1, 10000000, 100, &c->boots)) ||
	    (r = str(&x, root, "campaign", "agent", false, &c->agent_args)))
		goto out;
	/* the name becomes a directory and a key: keep it a plain word */
	if (!plain_word(c->name)) {
		r = fail(&x, get(&x, root, "campaign"),
			 "campaign: the name '%s' may hold only letters, digits, '.', '_' and '-'", c->name);
		goto out;
	}
	n = get(&x, root, "stop");
	if (n && (n->type != YAML_SCALAR_NODE || strcmp((char *)n->data.scalar.value, "fixed"))) {
		r = fail(&x, n, "campaign: 'stop' must be 'fixed' (sequential stopping is not built yet)");
		goto out;
	}
	n = get(&x, root, "variants");
	if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top == n->data.sequence.items.start) {
		r = fail(&x, n ? n : root, "campaign: 'variants' must be a non-empty list");
		goto out;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if (c->nvariants >= CAMPAIGN_MAX_VARIANTS) {
			r = fail(&x, n, "campaign: more than %d variants", CAMPAIGN_MAX_VARIANTS);
			goto out;
		}
		r = load_variant(&x, yaml_document_get_node(&x.doc, *it), &c->variants[c->nvariants], c->nvariants);
		c->nvariants++;
		if (r)
			goto out;
		for (int j = 0; j < c->nvariants - 1; j++)
			if (!strcmp(c->variants[j].name, c->variants[c->nvariants - 1].name)) {
				r = fail(&x, yaml_document_get_node(&x.doc, *it), "variants: '%s' is named twice",
					 c->variants[j].name);
				goto out;
			}
	}
	n = get(&x, root, "setups");
	if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top == n->data.sequence.items.start) {
		r = fail(&x, n ? n : root, "campaign: 'setups' must be a non-empty list");
		goto out;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if (c->nsetups >= CAMPAIGN_MAX_SETUPS) {
			r = fail(&x, n, "campaign: more than %d setups", CAMPAIGN_MAX_SETUPS);
			goto out;
		}
		r = load_setup(&x, yaml_document_get_node(&x.doc, *it), &c->setups[c->nsetups], c->nsetups);
		c->nsetups++;
		if (r)
			goto out;
	}
	r = 0;
out:
	yaml_document_delete(&x.doc);
	if (r) {
		campaign_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

void campaign_free(struct campaign *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nvariants; i++) {
		free(c->variants[i].name);
		free(c->variants[i].kernel_src);
		for (int j = 0; j < c->variants[i].npatches; j++)
			free(c->variants[i].patches[j]);
	}
	for (int i = 0; i < c->nsetups; i++) {
		free(c->setups[i].name);
		free(c->setups[i].board);
		free(c->setups[i].cpu);
	}
	free(c->path);
	free(c->name);
	free(c->target);
	free(c->agent_args);
	free(c);
}
