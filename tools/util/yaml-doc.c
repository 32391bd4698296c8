// SPDX-License-Identifier: MIT
/* yaml-doc.c - a YAML file into a libyaml document. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/out.h"
#include "util/yaml-doc.h"

/*
 * Bounds before libyaml's document loader, whose time grows with the square
 * of the nesting depth: a spec is at most YAML_DOC_MAX_BYTES, nested at most
 * YAML_DOC_MAX_DEPTH levels, and one document.  One pass of events, which
 * stops at the first level too deep; f is rewound.  0 or -EINVAL (err).
 */
static int prescan(FILE *f, const char *path, char *err, size_t errsize)
{
	yaml_parser_t p;
	yaml_event_t e;
	int depth = 0, docs = 0, r = 0;
	long size;

	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > YAML_DOC_MAX_BYTES) {
		snprintf(err, errsize, "%s: %ld bytes: a spec or description is at most %d", path, size,
			 YAML_DOC_MAX_BYTES);
		return -EINVAL;
	}
	rewind(f);
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	for (bool done = false; !done && !r;) {
		if (!yaml_parser_parse(&p, &e))
			break; /* the loader reports the syntax error */
		switch (e.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > YAML_DOC_MAX_DEPTH) {
				snprintf(err, errsize, "%s:%zu: nested more than %d levels deep", path,
					 e.start_mark.line + 1, YAML_DOC_MAX_DEPTH);
				r = -EINVAL;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				snprintf(err, errsize,
					 "%s:%zu: a second YAML document: a spec or description is one", path,
					 e.start_mark.line + 1);
				r = -EINVAL;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	rewind(f);
	return r;
}

int yaml_doc_load(const char *path, yaml_document_t *doc, char *err, size_t errsize)
{
	yaml_parser_t parser;
	FILE *f = fopen(path, "rb");
	int r = 0;

	if (!f) {
		r = -errno;
		snprintf(err, errsize, "cannot open '%s': %s", path, strerror(-r));
		return r;
	}
	r = prescan(f, path, err, errsize);
	if (r < 0) {
		fclose(f);
		return r;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, doc)) {
		snprintf(err, errsize, "%s:%zu: %s", path, parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not valid YAML");
		r = -EINVAL;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return r;
}

int yaml_doc_failv(char *err, size_t errsize, const char *path, const yaml_node_t *n, const char *fmt,
		   va_list ap)
{
	int off = snprintf(err, errsize, "%s:%zu: ", path, n ? n->start_mark.line + 1 : 0);

	/* a path longer than err: the message is cut, never written past it */
	if (off >= 0 && (size_t)off < errsize) {
		int w = vsnprintf(err + off, errsize - off, fmt, ap);

		/* quoted text past the buffer: say it was cut */
		if (w >= 0 && (size_t)w >= errsize - off && errsize > 4)
			memcpy(err + errsize - 4, "...", 4);
	}
	return -EINVAL;
}

struct dup_ctx {
	yaml_document_t *doc;
	yaml_node_pair_t *pairs;
};

static const yaml_node_t *pair_key(const struct dup_ctx *c, int i)
{
	return yaml_document_get_node(c->doc, c->pairs[i].key);
}

/* the values of two scalar keys */
static int key_cmp(const struct dup_ctx *c, int a, int b)
{
	const yaml_node_t *ka = pair_key(c, a), *kb = pair_key(c, b);
	size_t la = ka->data.scalar.length, lb = kb->data.scalar.length;
	int r = memcmp(ka->data.scalar.value, kb->data.scalar.value, la < lb ? la : lb);

	return r ? r : la < lb ? -1 : la > lb;
}

/* by key value, then by position: equal keys end up next to each other, in file order */
static int cmp_pairs(const void *a, const void *b, void *arg)
{
	int ia = *(const int *)a, ib = *(const int *)b, r = key_cmp(arg, ia, ib);

	return r ? r : ia - ib;
}

/* a key for a message: at most 80 bytes of it */
#define KEY_FMT(k)                                                                                           \
	(int)((k)->data.scalar.length > 80 ? 80 : (k)->data.scalar.length),                                  \
	    (const char *)(k)->data.scalar.value

int yaml_doc_dup_keys(yaml_document_t *doc, const char *path, enum yaml_dup_mode mode, char *err,
		      size_t errsize)
{
	int removed = 0;

	for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
		struct dup_ctx c = {doc, n->data.mapping.pairs.start};
		int npairs, nkeys = 0, *idx;
		bool *drop;

		if (n->type != YAML_MAPPING_NODE)
			continue;
		npairs = n->data.mapping.pairs.top - n->data.mapping.pairs.start;
		if (npairs < 2)
			continue;
		idx = malloc(npairs * sizeof(*idx));
		drop = calloc(npairs, sizeof(*drop));
		if (!idx || !drop) {
			free(idx), free(drop);
			snprintf(err, errsize, "%s: out of memory", path);
			return -ENOMEM;
		}
		for (int i = 0; i < npairs; i++) {
			const yaml_node_t *k = pair_key(&c, i);

			if (k && k->type == YAML_SCALAR_NODE)
				idx[nkeys++] = i;
		}
		qsort_r(idx, nkeys, sizeof(*idx), cmp_pairs, &c);
		/* each run of equal keys: all but the last (in file order) repeat */
		int first_repeat = -1, first_of = -1;

		for (int j = 0; j + 1 < nkeys; j++) {
			if (!!key_cmp(&c, idx[j], idx[j + 1]))
				continue;
			drop[idx[j]] = true;
			/* the repeat is the later pair; its first occurrence starts the run */
			int run = j;

			while (run > 0 && !key_cmp(&c, idx[run - 1], idx[j]))
				run--;
			if (first_repeat < 0 || idx[j + 1] < first_repeat)
				first_repeat = idx[j + 1], first_of = idx[run];
			if (mode == YAML_DUP_LAST_WINS) {
				const yaml_node_t *k = pair_key(&c, idx[j + 1]);

				people_printf(stderr, "%s:%zu: duplicate key '%.*s': the last one wins\n",
					      path, k->start_mark.line + 1, KEY_FMT(k));
			}
		}
		if (mode == YAML_DUP_ERROR && first_repeat >= 0) {
			const yaml_node_t *k = pair_key(&c, first_repeat);
			const yaml_node_t *f = pair_key(&c, first_of);

			snprintf(err, errsize, "%s:%zu: duplicate key '%.*s' (first at line %zu)", path,
				 k->start_mark.line + 1, KEY_FMT(k), f->start_mark.line + 1);
			free(idx), free(drop);
			return -EINVAL;
		}
		if (mode == YAML_DUP_LAST_WINS) {
			int w = 0;

			for (int i = 0; i < npairs; i++)
				if (!drop[i])
					c.pairs[w++] = c.pairs[i];
				else
					removed++;
			n->data.mapping.pairs.top = c.pairs + w;
		}
		free(idx), free(drop);
	}
	return removed;
}
