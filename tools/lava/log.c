// SPDX-License-Identifier: MIT
/* lava-log.c - see lava-log.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lava/log.h"
#include "util/text.h"
#include "util/msg.h"

/* a growable string */
struct str {
	char *p;
	size_t len, cap;
};

static int str_set(struct str *s, const unsigned char *v, size_t len)
{
	s->len = 0;
	return text_append(&s->p, &s->len, &s->cap, v, len);
}

enum { F_DT, F_LVL, F_MSG, F_CASE, F_DEF, F_RESULT, F_LEVEL, F_ETYPE, F_EMSG, F_N };

struct parser {
	yaml_parser_t y;
	yaml_event_t ev;
	bool have_ev;
	struct str f[F_N];
	char *err;
	size_t errsize;
};

static int parser_open(struct parser *p, const char *text, size_t len, char *err, size_t errsize)
{
	memset(p, 0, sizeof(*p));
	p->err = err;
	p->errsize = errsize;
	if (!yaml_parser_initialize(&p->y))
		return -ENOMEM;
	yaml_parser_set_input_string(&p->y, (const unsigned char *)text, len);
	return 0;
}

static void parser_close(struct parser *p)
{
	if (p->have_ev)
		yaml_event_delete(&p->ev);
	yaml_parser_delete(&p->y);
	for (int i = 0; i < F_N; i++)
		free(p->f[i].p);
}

static int next(struct parser *p)
{
	if (p->have_ev)
		yaml_event_delete(&p->ev);
	p->have_ev = false;
	if (!yaml_parser_parse(&p->y, &p->ev)) {
		snprintf(p->err, p->errsize, "line %zu: %s%s%s", p->y.problem_mark.line + 1,
			 p->y.problem ? p->y.problem : "YAML error", p->y.context ? " " : "",
			 p->y.context ? p->y.context : "");
		return -EBADMSG;
	}
	p->have_ev = true;
	return p->ev.type;
}

/* Skips the node whose start event is current (a scalar, or a whole collection). */
static int skip_node(struct parser *p)
{
	int depth = 0, t;

	t = p->ev.type;
	if (t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT)
		return 0;
	do {
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT)
			depth++;
		else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth == 0)
			break;
		t = next(p);
		if (t < 0)
			return t;
	} while (t != YAML_STREAM_END_EVENT);
	return 0;
}

static int scalar_to(struct parser *p, int field)
{
	return str_set(&p->f[field], p->ev.data.scalar.value, p->ev.data.scalar.length);
}

/* A job definition: one document holding one mapping; 0 once at its start. */
static int open_definition(struct parser *p, const char *yaml, size_t len, char *err, size_t errsize)
{
	int r = parser_open(p, yaml, len, err, errsize);

	if (r < 0)
		return r;
	if (next(p) != YAML_STREAM_START_EVENT || next(p) != YAML_DOCUMENT_START_EVENT ||
	    next(p) != YAML_MAPPING_START_EVENT) {
		parser_close(p);
		return -EBADMSG;
	}
	return 0;
}

static bool key_is(const yaml_event_t *ev, const char *k)
{
	size_t n = strlen(k);

	return ev->data.scalar.length == n && !memcmp(ev->data.scalar.value, k, n);
}

/* msg of lvl results: a mapping; keep the fields that tell a result */
static int results_map(struct parser *p)
{
	static const struct {
		const char *key;
		int field;
	} keep[] = {
	    {"case", F_CASE},	{"definition", F_DEF},	 {"result", F_RESULT},
	    {"level", F_LEVEL}, {"error_type", F_ETYPE}, {"error_msg", F_EMSG},
	};
	int t, r;

	for (;;) {
		int field = -1;

		t = next(p);
		if (t < 0)
			return t;
		if (t == YAML_MAPPING_END_EVENT)
			return 0;
		if (t != YAML_SCALAR_EVENT) { /* a complex key: skip it and its value */
			if ((r = skip_node(p)) < 0 || (t = next(p)) < 0 || (r = skip_node(p)) < 0)
				return t < 0 ? t : r;
			continue;
		}
		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if (key_is(&p->ev, keep[i].key))
				field = keep[i].field;
		t = next(p);
		if (t < 0)
			return t;
		if (field >= 0 && t == YAML_SCALAR_EVENT) {
			if ((r = scalar_to(p, field)) < 0)
				return r;
		} else if ((r = skip_node(p)) < 0) {
			return r;
		}
	}
}

long lava_log_parse(const char *buf, size_t len, lava_log_fn fn, void *userdata, char *err, size_t errsize)
{
	struct parser p;
	long n = 0;
	int t, r = 0;

	err[0] = '\0';
	if (parser_open(&p, buf, len, err, errsize) < 0)
		return -ENOMEM;
	for (int i = 0; i < F_N; i++)
		if ((r = str_set(&p.f[i], (const unsigned char *)"", 0)) < 0)
			goto out;
	if ((t = next(&p)) != YAML_STREAM_START_EVENT) {
		r = t < 0 ? t : -EBADMSG;
		goto out;
	}
	t = next(&p);
	if (t == YAML_STREAM_END_EVENT)
		goto out; /* empty: no entries */
	if (t != YAML_DOCUMENT_START_EVENT || (t = next(&p)) != YAML_SEQUENCE_START_EVENT) {
		if (t >= 0)
			snprintf(err, errsize, "line %zu: a LAVA log is a YAML list",
				 p.ev.start_mark.line + 1);
		r = -EBADMSG;
		goto out;
	}
	for (;;) {
		struct lava_log_entry e;
		bool msg_scalar = false;

		t = next(&p);
		if (t < 0) {
			r = t;
			goto out;
		}
		if (t == YAML_SEQUENCE_END_EVENT)
			break;
		if (t != YAML_MAPPING_START_EVENT) {
			snprintf(err, errsize, "line %zu: a LAVA log entry is a mapping {dt, lvl, msg}",
				 p.ev.start_mark.line + 1);
			r = -EBADMSG;
			goto out;
		}
		e = (struct lava_log_entry){.line = p.ev.start_mark.line};
		for (int i = 0; i < F_N; i++)
			p.f[i].len = 0, p.f[i].p[0] = '\0';
		for (unsigned seen = 0;;) {
			int field = -1;

			t = next(&p);
			if (t < 0) {
				r = t;
				goto out;
			}
			if (t == YAML_MAPPING_END_EVENT)
				break;
			if (t == YAML_SCALAR_EVENT) {
				if (key_is(&p.ev, "dt"))
					field = F_DT;
				else if (key_is(&p.ev, "lvl"))
					field = F_LVL;
				else if (key_is(&p.ev, "msg"))
					field = F_MSG;
			} else if ((r = skip_node(&p)) < 0) {
				goto out;
			}
			if (field >= 0 && (seen & 1u << field))
				e.dup_keys++; /* the last one wins, as PyYAML reads it */
			if (field >= 0)
				seen |= 1u << field;
			t = next(&p);
			if (t < 0) {
				r = t;
				goto out;
			}
			if (t == YAML_SCALAR_EVENT && field >= 0) {
				if ((r = scalar_to(&p, field)) < 0)
					goto out;
				if (field == F_MSG)
					msg_scalar = true;
			} else if (t == YAML_MAPPING_START_EVENT && field == F_MSG) {
				if ((r = results_map(&p)) < 0)
					goto out;
			} else if ((r = skip_node(&p)) < 0) {
				goto out;
			}
		}
		e.dt = p.f[F_DT].p;
		e.lvl = p.f[F_LVL].p;
		e.msg = msg_scalar ? p.f[F_MSG].p : NULL;
		e.msg_len = msg_scalar ? p.f[F_MSG].len : 0;
		e.res_case = p.f[F_CASE].p;
		e.res_definition = p.f[F_DEF].p;
		e.res_result = p.f[F_RESULT].p;
		e.res_level = p.f[F_LEVEL].p;
		e.res_error_type = p.f[F_ETYPE].p;
		e.res_error_msg = p.f[F_EMSG].p;
		n++;
		if (fn && (r = fn(&e, userdata)) < 0)
			goto out;
	}
	/* the end of the list: the document and the stream must end too */
	if ((t = next(&p)) != YAML_DOCUMENT_END_EVENT || (t = next(&p)) != YAML_STREAM_END_EVENT) {
		if (t >= 0)
			snprintf(err, errsize, "line %zu: text after the LAVA log's list",
				 p.ev.start_mark.line + 1);
		r = -EBADMSG;
	}
out:
	parser_close(&p);
	return r < 0 ? r : n;
}

int lava_definition_actions(const char *yaml, size_t len, char *kinds, int max)
{
	struct parser p;
	char err[ERR_MAX];
	int t, n = 0, r = 0;

	if ((r = open_definition(&p, yaml, len, err, sizeof(err))) < 0)
		return r;
	for (;;) {
		bool actions;

		t = next(&p);
		if (t < 0 || t == YAML_MAPPING_END_EVENT) {
			r = t < 0 ? t : 0;
			break;
		}
		actions = t == YAML_SCALAR_EVENT && key_is(&p.ev, "actions");
		if (t != YAML_SCALAR_EVENT && (r = skip_node(&p)) < 0)
			break;
		t = next(&p);
		if (t < 0) {
			r = t;
			break;
		}
		if (!actions || t != YAML_SEQUENCE_START_EVENT) {
			if ((r = skip_node(&p)) < 0)
				break;
			continue;
		}
		/* - deploy: {...}  - boot: {...}  - test: {...} */
		while ((t = next(&p)) == YAML_MAPPING_START_EVENT) {
			char k = '?';

			if ((t = next(&p)) == YAML_SCALAR_EVENT) {
				k = key_is(&p.ev, "deploy")    ? 'd'
				    : key_is(&p.ev, "boot")    ? 'b'
				    : key_is(&p.ev, "test")    ? 't'
				    : key_is(&p.ev, "command") ? 'c'
							       : '?';
			}
			if (n < max)
				kinds[n] = k;
			n++;
			/* the rest of this action's mapping */
			if (t < 0 || (t != YAML_SCALAR_EVENT && skip_node(&p) < 0)) {
				r = -EBADMSG;
				goto out;
			}
			for (;;) {
				t = next(&p); /* a value, then maybe more keys */
				if (t < 0 || t == YAML_MAPPING_END_EVENT)
					break;
				if (skip_node(&p) < 0) {
					r = -EBADMSG;
					goto out;
				}
			}
			if (t < 0) {
				r = t;
				goto out;
			}
		}
		if (t != YAML_SEQUENCE_END_EVENT) {
			r = -EBADMSG;
			goto out;
		}
	}
out:
	parser_close(&p);
	if (r < 0)
		return r;
	return n < max ? n : max;
}

int lava_definition_field(const char *yaml, size_t len, const char *key, char *out, size_t size)
{
	struct parser p;
	char err[ERR_MAX];
	int t, r = -ENOENT;

	if ((r = open_definition(&p, yaml, len, err, sizeof(err))) < 0)
		return r;
	for (;;) {
		bool want;

		t = next(&p);
		if (t < 0 || t == YAML_MAPPING_END_EVENT) {
			r = t < 0 ? t : -ENOENT;
			break;
		}
		want = t == YAML_SCALAR_EVENT && key_is(&p.ev, key);
		if (t != YAML_SCALAR_EVENT && skip_node(&p) < 0) {
			r = -EBADMSG;
			break;
		}
		if ((t = next(&p)) < 0) {
			r = t;
			break;
		}
		if (want) {
			if (t == YAML_SCALAR_EVENT) {
				snprintf(out, size, "%.*s", (int)p.ev.data.scalar.length,
					 (const char *)p.ev.data.scalar.value);
				r = 0;
			}
			break;
		}
		if (skip_node(&p) < 0) {
			r = -EBADMSG;
			break;
		}
	}
	parser_close(&p);
	return r;
}
