// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the LAVA log reader (lava/log.c, make fuzz): the
 * input is the text of GET /api/v0.2/jobs/ID/logs/, or a job definition.
 * Checks the promises of lava/log.h:
 *  - lava_log_parse() returns the number of entries it delivered, or
 *    -EBADMSG with a non-empty message; every field it hands over is
 *    NUL-terminated, and a scalar msg is msg_len bytes;
 *  - it is a pure function of the bytes: a second parse delivers the same
 *    entries (a running hash of every field) and returns the same;
 *  - on a definition, lava_definition_actions() returns at most max kinds
 *    from "dbtc?", or -EBADMSG; lava_definition_field() a NUL-terminated
 *    value that fits, -ENOENT or -EBADMSG.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "lava/log.h"
#include "util/msg.h"

struct seen {
	long n;
	uint32_t crc;
};

static uint32_t field(uint32_t crc, const char *s)
{
	if (!s)
		abort(); /* every field is set, "" when absent */
	return crc32_update(crc, s, strlen(s) + 1);
}

static int on_entry(const struct lava_log_entry *e, void *userdata)
{
	struct seen *s = userdata;

	s->n++;
	s->crc = field(s->crc, e->dt);
	s->crc = field(s->crc, e->lvl);
	if (e->msg) {
		if (e->msg[e->msg_len] != '\0')
			abort();
		s->crc = crc32_update(s->crc, e->msg, e->msg_len);
	}
	s->crc = field(s->crc, e->res_case);
	s->crc = field(s->crc, e->res_definition);
	s->crc = field(s->crc, e->res_result);
	s->crc = field(s->crc, e->res_level);
	s->crc = field(s->crc, e->res_error_type);
	s->crc = field(s->crc, e->res_error_msg);
	s->crc = crc32_update(s->crc, &e->dup_keys, sizeof(e->dup_keys));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char err[ERR_MAX], err2[ERR_MAX];
	struct seen a = {0}, b = {0};
	const char *text = (const char *)data;
	char kinds[16], value[256];
	long n1, n2;
	int k;

	n1 = lava_log_parse(text, size, on_entry, &a, err, sizeof(err));
	n2 = lava_log_parse(text, size, on_entry, &b, err2, sizeof(err2));
	if (n1 != n2 || a.n != b.n || a.crc != b.crc)
		abort();
	if (n1 >= 0 && n1 != a.n)
		abort();
	if (n1 < 0 && (n1 != -EBADMSG || !err[0] || strcmp(err, err2)))
		abort();

	k = lava_definition_actions(text, size, kinds, sizeof(kinds));
	if (k > (int)sizeof(kinds) || (k < 0 && k != -EBADMSG))
		abort();
	for (int i = 0; i < k; i++)
		if (!strchr("dbtc?", kinds[i]) || !kinds[i])
			abort();
	k = lava_definition_field(text, size, "job_name", value, sizeof(value));
	if (k == 0 ? !memchr(value, '\0', sizeof(value)) : k != -ENOENT && k != -EBADMSG)
		abort();
	return 0;
}
