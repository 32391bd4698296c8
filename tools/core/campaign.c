// SPDX-License-Identifier: MIT
/* campaign.c - the campaign spec, read with libyaml's document API. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "board/board.h"
#include "util/yaml-doc.h"
#include "core/campaign.h"
#include "util/msg.h"

struct ctx {
	yaml_document_t doc;
	const char *path;
	char *err;
	size_t errsize;
};

static int fail(struct ctx *x, yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = yaml_doc_failv(x->err, x->errsize, x->path, n, fmt, ap);
	va_end(ap);
	return r;
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

static int num(struct ctx *x, yaml_node_t *map, const char *what, const char *key, int min, int max, int def,
	       int *ret)
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

static int real(struct ctx *x, yaml_node_t *map, const char *what, const char *key, double min, double max,
		double def, double *ret)
{
	yaml_node_t *n = get(x, map, key);
	char *end;
	double v;

	if (!n) {
		if (def < 0)
			return fail(x, map, "%s: '%s' is missing", what, key);
		*ret = def;
		return 0;
	}
	if (n->type != YAML_SCALAR_NODE)
		return fail(x, n, "%s: '%s' must be a number", what, key);
	errno = 0;
	v = strtod((char *)n->data.scalar.value, &end);
	if (errno || *end || end == (char *)n->data.scalar.value || !(v > min) || !(v < max))
		return fail(x, n, "%s: '%s' must be a number above %g and below %g, not '%s'", what, key, min,
			    max, n->data.scalar.value);
	*ret = v;
	return 0;
}

static const char *const phase_names[] = {"start",  "kernel", "agent_begin", "agent_end",
					  "settle", "idle",   NULL};

static double *phase_field(struct campaign_timeouts *t, int i)
{
	double *f[] = {&t->start, &t->kernel, &t->agent_begin, &t->agent_end, &t->settle, &t->idle};

	return f[i];
}

void campaign_timeouts_default(struct campaign_timeouts *t)
{
	*t = (struct campaign_timeouts){
	    .start = 20,
	    .kernel = 30,
	    .agent_begin = 20,
	    .agent_end = 120,
	    .settle = 3,
	    .idle = 30,
	};
}

int campaign_timeout_set(struct campaign_timeouts *t, const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	char *end;
	double v;

	if (!eq)
		return -EINVAL;
	v = strtod(eq + 1, &end);
	if (*end || end == eq + 1 || !(v > 0))
		return -EINVAL;
	for (int i = 0; phase_names[i]; i++)
		if (strlen(phase_names[i]) == (size_t)(eq - assignment) &&
		    !strncmp(phase_names[i], assignment, eq - assignment)) {
			*phase_field(t, i) = v;
			return 0;
		}
	return -EINVAL;
}

static int load_timeouts(struct ctx *x, yaml_node_t *n, struct campaign_timeouts *t)
{
	int r;

	if (n->type != YAML_MAPPING_NODE)
		return fail(x, n, "timeouts: a mapping of phase: seconds is needed");
	if ((r = check_keys(x, n, "timeouts", phase_names)))
		return r;
	for (int i = 0; phase_names[i]; i++)
		if ((r = real(x, n, "timeouts", phase_names[i], 0, 1e6, *phase_field(t, i),
			      phase_field(t, i))))
			return r;
	return 0;
}

int campaign_variant_index(const struct campaign *c, const char *name)
{
	for (int i = 0; i < c->nvariants; i++)
		if (!strcmp(c->variants[i].name, name))
			return i;
	return -1;
}

static int load_until(struct ctx *x, yaml_node_t *n, struct campaign *c)
{
	static const char *const keys[] = {"test",  "control", "treatment", "ratio", "rate",
					   "alpha", "beta",    "max_boots", NULL};
	struct campaign_until *u = &c->until;
	char *test = NULL;
	int r;

	if (n->type != YAML_MAPPING_NODE)
		return fail(x, n,
			    "until: a mapping is needed (test, treatment, ratio, alpha, beta, max_boots)");
	if ((r = check_keys(x, n, "until", keys)) || (r = str(x, n, "until", "test", true, &test)))
		return r;
	if (!strcmp(test, "compare"))
		u->test = SEQ_COMPARE;
	else if (!strcmp(test, "below"))
		u->test = SEQ_BELOW;
	else {
		free(test);
		return fail(x, get(x, n, "test"), "until: 'test' must be 'compare' or 'below'");
	}
	free(test);
	if ((r = str(x, n, "until", "treatment", true, &u->treatment)) ||
	    (u->test == SEQ_COMPARE && (r = str(x, n, "until", "control", true, &u->control))) ||
	    (r = real(x, n, "until", "ratio", 0, 1, -1, &u->ratio)) ||
	    (u->test == SEQ_BELOW && (r = real(x, n, "until", "rate", 0, 1, -1, &u->rate))) ||
	    (r = real(x, n, "until", "alpha", 0, 0.5, 0.05, &u->alpha)) ||
	    (r = real(x, n, "until", "beta", 0, 0.5, 0.1, &u->beta)) ||
	    (r = num(x, n, "until", "max_boots", 1, 10000000, c->boots, &u->max_boots)))
		return r;
	if (u->test == SEQ_BELOW && get(x, n, "control"))
		return fail(x, get(x, n, "control"), "until: a 'below' test has no control");
	if (u->test == SEQ_COMPARE && get(x, n, "rate"))
		return fail(x, get(x, n, "rate"), "until: a 'compare' test has no rate");
	u->treatment_idx = campaign_variant_index(c, u->treatment);
	if (u->treatment_idx < 0)
		return fail(x, get(x, n, "treatment"), "until: no variant is named '%s'", u->treatment);
	if (u->test == SEQ_COMPARE) {
		u->control_idx = campaign_variant_index(c, u->control);
		if (u->control_idx < 0)
			return fail(x, get(x, n, "control"), "until: no variant is named '%s'", u->control);
		if (u->control_idx == u->treatment_idx)
			return fail(x, get(x, n, "control"),
				    "until: control and treatment are the same variant");
	} else {
		u->control_idx = -1;
	}
	return 0;
}

void campaign_until_format(const struct campaign_until *u, char *buf, size_t size)
{
	if (u->test == SEQ_COMPARE)
		snprintf(buf, size,
			 "compare control=%s treatment=%s ratio=%.10g alpha=%.10g beta=%.10g max_boots=%d",
			 u->control, u->treatment, u->ratio, u->alpha, u->beta, u->max_boots);
	else
		snprintf(buf, size,
			 "below treatment=%s rate=%.10g ratio=%.10g alpha=%.10g beta=%.10g max_boots=%d",
			 u->treatment, u->rate, u->ratio, u->alpha, u->beta, u->max_boots);
}

int campaign_until_parse(const char *line, struct campaign_until *u)
{
	char *copy = strdup(line), *save = NULL, *w;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	memset(u, 0, sizeof(*u));
	u->control_idx = u->treatment_idx = -1;
	w = strtok_r(copy, " ", &save);
	if (w && !strcmp(w, "compare"))
		u->test = SEQ_COMPARE;
	else if (w && !strcmp(w, "below"))
		u->test = SEQ_BELOW;
	else
		r = -EINVAL;
	while (!r && (w = strtok_r(NULL, " ", &save))) {
		char *v = strchr(w, '=');

		if (!v) {
			r = -EINVAL;
			break;
		}
		*v++ = '\0';
		if (!strcmp(w, "control"))
			u->control = strdup(v);
		else if (!strcmp(w, "treatment"))
			u->treatment = strdup(v);
		else if (!strcmp(w, "ratio"))
			u->ratio = atof(v);
		else if (!strcmp(w, "rate"))
			u->rate = atof(v);
		else if (!strcmp(w, "alpha"))
			u->alpha = atof(v);
		else if (!strcmp(w, "beta"))
			u->beta = atof(v);
		else if (!strcmp(w, "max_boots"))
			u->max_boots = atoi(v);
	}
	free(copy);
	if (!r &&
	    (!u->treatment || (u->test == SEQ_COMPARE && !u->control) || !(u->alpha > 0) || !(u->beta > 0)))
		r = -EINVAL;
	return r;
}

bool campaign_name_valid(const char *s)
{
	return s && s[0] && s[0] != '.' && strlen(s) <= CAMPAIGN_NAME_MAX &&
	       !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")];
}

bool campaign_names_check(const char *cmd, const char *campaign, const char *variant, const char *setup)
{
	const char *const names[][2] = {{"campaign", campaign}, {"variant", variant}, {"setup", setup}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i][1] && !campaign_name_valid(names[i][1])) {
			errorf(cmd, "--%s '%s': a name is " CAMPAIGN_NAME_RULE, names[i][0], names[i][1]);
			return false;
		}
	return true;
}

static int load_variant(struct ctx *x, yaml_node_t *n, struct campaign_variant *v, int i)
{
	static const char *const keys[] = {"name", "kernel", "patches", NULL};
	char what[64];
	yaml_node_t *p;
	int r;

	snprintf(what, sizeof(what), "variants[%d]", i);
	if (n->type != YAML_MAPPING_NODE)
		return fail(x, n, "%s must be a mapping", what);
	if ((r = check_keys(x, n, what, keys)) || (r = str(x, n, what, "name", true, &v->name)) ||
	    (r = str(x, n, what, "kernel", false, &v->kernel_src)))
		return r;
	if (!campaign_name_valid(v->name))
		return fail(x, get(x, n, "name"), "%s: the name '%s' is not " CAMPAIGN_NAME_RULE, what,
			    v->name);
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
	static const char *const keys[] = {"name", "board", "vcpus", "memory_mb", "extra_nodes", "cpu", NULL};
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
	if (!campaign_name_valid(s->name))
		return fail(x, get(x, n, "name"), "%s: the name '%s' is not " CAMPAIGN_NAME_RULE, what,
			    s->name);
	if (!s->board)
		s->board = strdup("qemu-smmuv3");
	if (!board_kind_find(s->board))
		return fail(x, get(x, n, "board"), "%s: board '%s' is not known (known: %s)", what, s->board,
			    board_kind_names());
	if (!s->cpu)
		s->cpu = strdup("max,pauth-impdef=on");
	return 0;
}

int campaign_load(const char *path, struct campaign **ret, char *ret_err, size_t errsize)
{
	return campaign_load_extra(path, NULL, ret, ret_err, errsize);
}

int campaign_load_extra(const char *path, const char *const *extra, struct campaign **ret, char *ret_err,
			size_t errsize)
{
	static const char *const base_keys[] = {"campaign", "target",	"variants", "setups", "boots", "stop",
						"until",    "timeouts", "boards",   "agent",  NULL};
	const char *keys[32];
	size_t nk = 0;
	struct ctx x = {.path = path, .err = ret_err, .errsize = errsize};
	yaml_node_t *root, *n;
	struct campaign *c;
	int r;

	/* a file that embeds a campaign (a nightly plan) names its own keys too */
	for (size_t i = 0; base_keys[i]; i++)
		keys[nk++] = base_keys[i];
	for (size_t i = 0; extra && extra[i] && nk < sizeof(keys) / sizeof(keys[0]) - 1; i++)
		keys[nk++] = extra[i];
	keys[nk] = NULL;
	if ((r = yaml_doc_load(path, &x.doc, ret_err, errsize)) < 0)
		return r;
	if ((r = yaml_doc_dup_keys(&x.doc, path, YAML_DUP_ERROR, ret_err, errsize)) < 0) {
		yaml_document_delete(&x.doc);
		return r;
	}
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
	if ((r = check_keys(&x, root, "campaign", keys)) ||
	    (r = str(&x, root, "campaign", "campaign", true, &c->name)) ||
	    (r = str(&x, root, "campaign", "target", false, &c->target)) ||
	    (r = num(&x, root, "campaign", "boots", 1, 10000000, 100, &c->boots)) ||
	    (r = str(&x, root, "campaign", "agent", false, &c->agent_args)))
		goto out;
	/* the name becomes a directory and a key: keep it a plain word */
	if (!campaign_name_valid(c->name)) {
		r = fail(&x, get(&x, root, "campaign"), "campaign: the name '%s' is not " CAMPAIGN_NAME_RULE,
			 c->name);
		goto out;
	}
	if ((r = num(&x, root, "campaign", "boards", 1, 256, 1, &c->boards)))
		goto out;
	campaign_timeouts_default(&c->timeouts);
	n = get(&x, root, "timeouts");
	if (n && (r = load_timeouts(&x, n, &c->timeouts)))
		goto out;
	n = get(&x, root, "variants");
	if (!n || n->type != YAML_SEQUENCE_NODE ||
	    n->data.sequence.items.top == n->data.sequence.items.start) {
		r = fail(&x, n ? n : root, "campaign: 'variants' must be a non-empty list");
		goto out;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if (c->nvariants >= CAMPAIGN_MAX_VARIANTS) {
			r = fail(&x, n, "campaign: more than %d variants", CAMPAIGN_MAX_VARIANTS);
			goto out;
		}
		r = load_variant(&x, yaml_document_get_node(&x.doc, *it), &c->variants[c->nvariants],
				 c->nvariants);
		c->nvariants++;
		if (r)
			goto out;
		for (int j = 0; j < c->nvariants - 1; j++)
			if (!strcmp(c->variants[j].name, c->variants[c->nvariants - 1].name)) {
				r = fail(&x, yaml_document_get_node(&x.doc, *it),
					 "variants: '%s' is named twice", c->variants[j].name);
				goto out;
			}
	}
	n = get(&x, root, "setups");
	if (!n || n->type != YAML_SEQUENCE_NODE ||
	    n->data.sequence.items.top == n->data.sequence.items.start) {
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
		/* two setups of one name would pool their boots into one row */
		for (int j = 0; j < c->nsetups - 1; j++)
			if (!strcmp(c->setups[j].name, c->setups[c->nsetups - 1].name)) {
				r = fail(&x, yaml_document_get_node(&x.doc, *it),
					 "setups: '%s' is named twice", c->setups[j].name);
				goto out;
			}
	}
	/* the stopping rule, now that the variants are known */
	n = get(&x, root, "stop");
	if (n && (n->type != YAML_SCALAR_NODE || (strcmp((char *)n->data.scalar.value, "fixed") &&
						  strcmp((char *)n->data.scalar.value, "sequential")))) {
		r = fail(&x, n, "campaign: 'stop' must be 'fixed' or 'sequential'");
		goto out;
	}
	c->stop = n && !strcmp((char *)n->data.scalar.value, "sequential") ? STOP_SEQUENTIAL : STOP_FIXED;
	n = get(&x, root, "until");
	if (c->stop == STOP_SEQUENTIAL && !n) {
		r = fail(&x, get(&x, root, "stop"), "campaign: 'stop: sequential' needs an 'until' rule");
		goto out;
	}
	/* with stop: fixed, the rule waits for `oopsfarm run --until` */
	c->has_until = n != NULL;
	if (n && (r = load_until(&x, n, c)))
		goto out;
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

void campaign_clear_variants(struct campaign *c)
{
	for (int i = 0; i < c->nvariants; i++) {
		free(c->variants[i].name);
		free(c->variants[i].kernel_src);
		for (int j = 0; j < c->variants[i].npatches; j++)
			free(c->variants[i].patches[j]);
	}
	memset(c->variants, 0, sizeof(c->variants));
	c->nvariants = 0;
}

void campaign_free(struct campaign *c)
{
	if (!c)
		return;
	campaign_clear_variants(c);
	for (int i = 0; i < c->nsetups; i++) {
		free(c->setups[i].name);
		free(c->setups[i].board);
		free(c->setups[i].cpu);
	}
	free(c->path);
	free(c->name);
	free(c->target);
	free(c->agent_args);
	free(c->until.control);
	free(c->until.treatment);
	free(c);
}

char *campaign_kernel_args(const struct campaign *c)
{
	const char *p = c->agent_args ? c->agent_args : "";
	/* a word of n >= 1 bytes grows by at most "oopsfarm." and a space */
	char *out = malloc(strlen(p) * 11 + 1), *o = out;

	if (!out)
		return NULL;
	while (*p) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (!n)
			break;
		if (o != out)
			*o++ = ' ';
		if (strncmp(p, "oopsfarm.", 9))
			o = stpcpy(o, "oopsfarm.");
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = '\0';
	return out;
}
