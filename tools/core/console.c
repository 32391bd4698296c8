// SPDX-License-Identifier: MIT
/* console.c - see console.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/console.h"
#include "proto.h"

static void on_report(const struct oops_report *r, void *userdata)
{
	struct crash_set *s = userdata;
	int i = s->n;

	if (!s->target || !strcmp(r->title, s->target))
		s->target_hit = true;
	if (i >= BOOT_MAX_CRASHES)
		return;
	snprintf(s->titles[i], OOPS_TITLE_MAX, "%s", r->title);
	snprintf(s->frames[i], OOPS_FRAME_MAX, "%s", r->frame);
	snprintf(s->hashes[i], sizeof(s->hashes[i]), "%016llx", (unsigned long long)r->hash);
	s->c[i] = (struct store_crash){
	    .title = s->titles[i],
	    .kind = oops_kind_name(r->kind),
	    .frame = s->frames[i],
	    .hash = s->hashes[i],
	    .corrupted = r->corrupted,
	    .start = r->start,
	    .end = r->end,
	};
	s->n++;
}

void crash_set_parse(struct crash_set *set, const char *buf, size_t len)
{
	set->target_hit = false;
	set->n = 0;
	oops_parse_buffer(buf, len, on_report, set);
}

static void on_agent_msg(const struct proto_msg *m, void *userdata)
{
	struct agent_seen *a = userdata;
	const char *v;

	if (m->type == PROTO_BEGIN && !a->begin) {
		a->begin = true;
		v = proto_msg_get(m, "build_id");
		snprintf(a->build_id, sizeof(a->build_id), "%s", v ? v : "");
	} else if (m->type == PROTO_END) {
		a->end = true;
		v = proto_msg_get(m, "verdict");
		snprintf(a->verdict, sizeof(a->verdict), "%s", v ? v : "");
	}
}

/* The first "Linux version" line, and the word after its " #". */
static void banner_find(const char *buf, size_t len, struct agent_seen *a)
{
	static const char key[] = "Linux version ";
	const char *p = memmem(buf, len, key, sizeof(key) - 1), *end, *h;
	size_t n;

	if (!p)
		return;
	a->banner = true;
	end = memchr(p, '\n', len - (p - buf));
	if (!end)
		end = buf + len;
	for (h = p; h + 1 < end && !(h[0] == ' ' && h[1] == '#'); h++)
		;
	if (h + 1 >= end)
		return;
	h += 2;
	for (n = 0; h + n < end && h[n] != ' ' && h[n] != '\r'; n++)
		;
	if (n >= sizeof(a->stamp))
		n = sizeof(a->stamp) - 1;
	memcpy(a->stamp, h, n);
	a->stamp[n] = '\0';
}

void agent_decode(const char *buf, size_t len, struct agent_seen *a)
{
	struct proto_decoder_ops ops = {.msg = on_agent_msg};
	struct proto_decoder *d = proto_decoder_new(&ops, a);

	memset(a, 0, sizeof(*a));
	banner_find(buf, len, a);
	if (!d)
		return;
	proto_decoder_feed(d, buf, len);
	proto_decoder_finish(d);
	proto_decoder_free(d);
}

void console_facts_fill(struct console_facts *f, size_t len, const struct crash_set *cs,
			const struct agent_seen *a)
{
	*f = (struct console_facts){
	    .len = len,
	    .ncrashes = cs->n,
	    .agent_begin = a->begin,
	    .agent_end = a->end,
	    .build_id = a->build_id,
	    .agent_verdict = a->verdict,
	    .banner = a->banner,
	    .stamp = a->stamp,
	};
}
