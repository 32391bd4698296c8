// SPDX-License-Identifier: MIT
/* yaml-doc.c - a YAML file into a libyaml document. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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
		int n = vsnprintf(err + off, errsize - off, fmt, ap);

		/* quoted text past the buffer: say it was cut */
		if (n >= 0 && (size_t)n >= errsize - off && errsize > 4)
			memcpy(err + errsize - 4, "...", 4);
	}
	return -EINVAL;
}
