/* SPDX-License-Identifier: MIT */
/*
 * yaml-doc.h - a YAML file read whole into a libyaml document, for every
 * reader of a spec or description (core/campaign.c, board/board-desc.c).
 */
#ifndef OOPSFARM_YAML_DOC_H
#define OOPSFARM_YAML_DOC_H

#include <stdarg.h>
#include <stddef.h>
#include <yaml.h>

/*
 * Bounds checked before libyaml's document loader, whose time grows with the
 * square of the nesting depth: a file of oopsfarm's own (a campaign spec, a
 * nightly plan, a board description) is at most YAML_DOC_MAX_BYTES, nested
 * at most YAML_DOC_MAX_DEPTH levels, and one document.  Past them the load
 * fails with -EINVAL and "PATH[:LINE]: ..." in err, before any tree is built.
 */
#define YAML_DOC_MAX_BYTES (1 << 20)
#define YAML_DOC_MAX_DEPTH 64

/*
 * Loads the first document of the file at path into *doc (free it with
 * yaml_document_delete()).  0; -errno when the file cannot be opened
 * ("cannot open 'PATH': ..." in err); -EINVAL when it is not YAML
 * ("PATH:LINE: problem" in err, also for the bounds above), *doc then
 * untouched.
 */
int yaml_doc_load(const char *path, yaml_document_t *doc, char *err, size_t errsize);

/*
 * Keys that repeat in a mapping (scalar keys, compared by value; YAML 1.2
 * says keys are unique, libyaml's loader does not check).
 *
 * YAML_DUP_ERROR, for oopsfarm's own files: the first repeated key (in file
 * order) fails with -EINVAL and "PATH:LINE: duplicate key 'K' (first at
 * line N)" in err.
 *
 * YAML_DUP_LAST_WINS, for files written for other tools (labgrid
 * environments, LAVA device dictionaries), read the way those tools read
 * them (PyYAML and ruamel keep the last value): the earlier pairs are taken
 * out of the mapping, so every reader sees only the last one, and each
 * repeat is a warning on stderr, "PATH:LINE: duplicate key 'K': the last
 * one wins".  Returns how many were taken out.
 *
 * Time: O(n log n) for a mapping of n pairs.  -ENOMEM when out of memory.
 */
enum yaml_dup_mode { YAML_DUP_ERROR, YAML_DUP_LAST_WINS };
int yaml_doc_dup_keys(yaml_document_t *doc, const char *path, enum yaml_dup_mode mode, char *err,
		      size_t errsize);

/* "PATH:LINE: " and the message into err (LINE 0 without a node); returns -EINVAL. */
int yaml_doc_failv(char *err, size_t errsize, const char *path, const yaml_node_t *n, const char *fmt,
		   va_list ap);

#endif
