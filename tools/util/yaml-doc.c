// SPDX-License-Identifier: MIT
/* yaml-doc.c - a YAML file into a libyaml document. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/yaml-doc.h"

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
	if (off >= 0 && (size_t)off < errsize)
		vsnprintf(err + off, errsize - off, fmt, ap);
	return -EINVAL;
}
