// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the LAVA job template renderer (lava/render.c,
 * make fuzz).  The input is a template; it is rendered with its examples
 * (LAVA_RENDER_EXAMPLE), with 1 and with 3 boots.  Checks lava.h:
 *  - 0 with a NUL-terminated definition of at most RENDER_MAX_BYTES that
 *    libyaml reads back as one document, or one of the documented errors
 *    with a non-empty message (and *ret_yaml untouched);
 *  - rendering is a pure function: the same template renders the same;
 *  - lava_template_describe() agrees on whether the template is valid.
 * Aliases of aliases ("billion laughs") stop at the byte cap: memory stays
 * in libFuzzer's -rss_limit_mb, time in its -timeout.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "fuzz-file.h"
#include "lava/lava.h"
#include "util/msg.h"

static bool documented(int r)
{
	return r == -EINVAL || r == -EBADMSG || r == -EFBIG || r == -ENOMEM;
}

/* The rendered text is YAML: libyaml parses it to the end, one document. */
static void check_yaml(const char *yaml)
{
	yaml_parser_t p;
	yaml_event_t e;
	int docs = 0;

	if (strlen(yaml) > (1 << 20))
		return; /* big outputs: the cap is checked, reading them back is slow */
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml, strlen(yaml));
	for (;;) {
		if (!yaml_parser_parse(&p, &e))
			abort();
		if (e.type == YAML_DOCUMENT_START_EVENT)
			docs++;
		if (e.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	if (docs != 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char err[ERR_MAX], err2[ERR_MAX];
	const char *path = fuzz_file(data, size);
	int ok = -1;

	for (int boots = 1; boots <= 3; boots += 2) {
		char *y1 = (char *)"untouched", *y2 = (char *)"untouched";
		int r1 = lava_render_flags(path, NULL, 0, boots, LAVA_RENDER_EXAMPLE, &y1, err, sizeof(err));
		int r2 =
		    lava_render_flags(path, NULL, 0, boots, LAVA_RENDER_EXAMPLE, &y2, err2, sizeof(err2));

		if (r1 != r2)
			abort();
		if (r1 == 0) {
			size_t len = strlen(y1);

			if (len > RENDER_MAX_BYTES || strcmp(y1, y2))
				abort();
			check_yaml(y1);
			free(y1);
			free(y2);
			ok = 1;
		} else {
			if (!documented(r1) || strcmp(y1, "untouched") || strcmp(y2, "untouched"))
				abort();
			fuzz_check_err(err, sizeof(err));
			if (strcmp(err, err2))
				abort();
		}
	}
	if (ok > 0) {
		FILE *f = fopen("/dev/null", "w");

		if (lava_template_describe(path, f, err, sizeof(err)) != 0)
			abort();
		fclose(f);
	}
	return 0;
}
