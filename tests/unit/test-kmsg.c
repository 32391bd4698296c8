// SPDX-License-Identifier: MIT
/* test-kmsg: /dev/kmsg records, console rendering, lost records, CRC-32. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "kmsg.h"
#include "oops.h"
#include "tap.h"

static char scratch[KMSG_RECORD_MAX + 2];

static int parse(const char *s, struct kmsg_record *r)
{
	return kmsg_record_parse(s, strlen(s), scratch, sizeof(scratch), r);
}

static char *render(const struct kmsg_record *r)
{
	static char out[4096];

	kmsg_record_render(r, out, sizeof(out));
	return out;
}

static int nreports;
static char last_title[OOPS_TITLE_MAX];
static void on_report(const struct oops_report *r, void *ud)
{
	nreports++;
	snprintf(last_title, sizeof(last_title), "%s", r->title);
}

int main(void)
{
	struct kmsg_record r;

	ok_int(crc32_update(0, "123456789", 9), 0xcbf43926, "crc32 check value (same as zlib)");
	ok_int(crc32_update(0, "", 0), 0, "crc32 of nothing is 0");
	ok_int(crc32_update(crc32_update(0, "1234", 4), "56789", 5), 0xcbf43926,
	       "crc32 continues across calls");

	ok_int(parse("6,339,5140900,-;NET: Registered PF_INET6 protocol family\n", &r), 0, "plain record");
	ok_int(r.prio, 6, "prio");
	ok_int(r.seq, 339, "seq");
	ok_int(r.usec, 5140900, "usec");
	ok_int(r.flags, '-', "flags");
	ok_str(r.text, "NET: Registered PF_INET6 protocol family", "text without newline");
	ok_str(render(&r), "[    5.140900] NET: Registered PF_INET6 protocol family\n",
	       "rendered like the console");

	ok_int(parse("4,12,12345678901,-,caller=T42;x\n", &r), 0, "caller field");
	ok_str(r.caller, "T42", "caller id");
	ok_str(render(&r), "[12345.678901][   T42] x\n", "caller rendered as [%%6s]");

	ok_int(parse("3,7,100,-;a\\x0ab\\x5cc\\x09d\\xe2\\x82\\xac\n", &r), 0, "escapes");
	ok_str(r.text, "a\nb\\c\td\xe2\x82\xac", "\\xNN unescaped (newline, backslash, tab, utf-8)");
	ok_str(render(&r), "[    0.000100] a\n[    0.000100] b\\c\td\xe2\x82\xac\n",
	       "multi-line text repeats the prefix");
	ok_int(parse("3,8,100,-;bad \\xZZ and \\x4 and \\\n", &r), 0, "broken escapes are kept");
	ok_str(r.text, "bad \\xZZ and \\x4 and \\", "broken escapes literal");

	ok_int(parse("6,1000,1000000,-;usb 1-1: new device\n SUBSYSTEM=usb\n DEVICE=c189:1\n", &r), 0,
	       "continuation lines");
	ok_str(r.text, "usb 1-1: new device", "text stops at the dictionary");
	ok_str(r.dict, "SUBSYSTEM=usb\nDEVICE=c189:1\n", "dictionary lines");
	ok_str(render(&r), "[    1.000000] usb 1-1: new device\n", "dictionary is not rendered");
	ok_int(parse("6,1001,0,-;x\n KEY=a\\x20b\n", &r), 0, "escaped dictionary");
	ok_str(r.dict, "KEY=a b\n", "dictionary unescaped");

	ok_int(parse("6,5,0,-;", &r), 0, "empty text");
	ok_str(render(&r), "[    0.000000] \n", "empty text renders one line");
	ok_int(parse("6,5,1,-;no newline at end", &r), 0, "record without trailing newline");
	ok_str(r.text, "no newline at end", "text to the end of the buffer");

	/* Malformed records: a clear error, never a crash. */
	const char *bad[] = {
	    "",
	    "no semicolon at all\n",
	    "6,1,2;missing flags\n",
	    "6,1;short\n",
	    "x,1,2,-;prio\n",
	    "6,y,2,-;seq\n",
	    "6,1,z,-;usec\n",
	    "6,1,2,--;flags too long\n",
	    "6,1,2,;empty flags\n",
	    "6,99999999999999999999999,2,-;overflow\n",
	    "2000,1,2,-;prio too big\n",
	    "6,1,2\n,-;newline in header\n",
	    ",,,;\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok_int(kmsg_record_parse(bad[i], strlen(bad[i]), scratch, sizeof(scratch), &r), -EINVAL,
		       "malformed record %zu is -EINVAL", i);
	ok_int(kmsg_record_parse("6,1,2,-;abc\n", 12, scratch, 5, &r), -ENOBUFS, "small scratch: -ENOBUFS");

	/* Random bytes never crash the parser. */
	srand(1);
	int accepted = 0;
	for (int i = 0; i < 20000; i++) {
		char buf[64];
		size_t n = (size_t)(rand() % 64), k = 0;

		/* Half of them start with a valid header, so the text paths run too. */
		if (i % 2 && n > 8) {
			memcpy(buf, "6,1,2,-;", 8);
			k = 8;
		}
		for (; k < n; k++)
			buf[k] = "0123456789,;-\\x \nabc"[rand() % 20];
		if (kmsg_record_parse(buf, n, scratch, sizeof(scratch), &r) == 0) {
			char out[256];

			accepted++;
			kmsg_record_render(&r, out, sizeof(out));
		}
	}
	ok(accepted > 0, "random records: no crash (%d accepted)", accepted);

	/* Rendering into a small buffer cuts at a line boundary. */
	{
		char out[40];
		size_t need;

		parse("3,7,100,-;first line\\x0asecond line is longer\n", &r);
		need = kmsg_record_render(&r, out, sizeof(out));
		ok_int(need, 15 + 11 + 15 + 22, "render returns the full length");
		ok_str(out, "[    0.000100] first line\n", "cut output ends at a whole line");
	}

	/* Sequence numbers. */
	{
		struct kmsg_seq s = {0};

		ok_int(kmsg_seq_note(&s, 0), 0, "first record 0: nothing lost");
		ok_int(kmsg_seq_note(&s, 1), 0, "next in order");
		ok_int(kmsg_seq_note(&s, 5), 3, "hole of 3 (EPIPE)");
		ok_int(s.lost, 3, "total lost");
		ok_int(kmsg_seq_note(&s, 6), 0, "in order again");
		struct kmsg_seq s2 = {0};
		ok_int(kmsg_seq_note(&s2, 40), 40, "reader starting at 40 missed 40");
		ok_int(kmsg_seq_note(&s2, 3), 0, "going back restarts");
		ok_int(kmsg_seq_note(&s2, 4), 0, "and counts on from there");
	}

	/* The point of rendering: lib/oops finds the same crash as on the console. */
	{
		const char *recs[] = {
		    "4,500,2101000,-;------------[ cut here ]------------\n",
		    "4,501,2101100,-;WARNING: CPU: 1 PID: 52 at drivers/misc/lkdtm/bugs.c:97 "
		    "lkdtm_WARNING+0x8/0x10 [lkdtm]\n",
		    "4,502,2101200,-;Modules linked in: lkdtm\n",
		    "4,503,2101300,-;CPU: 1 UID: 0 PID: 52 Comm: sh Not tainted 7.2.13 #1 PREEMPT\n",
		    "4,504,2101400,-;pc : lkdtm_WARNING+0x8/0x10 [lkdtm]\n",
		    "4,505,2101500,-;lr : lkdtm_do_action+0x24/0x48 [lkdtm]\n",
		    "4,506,2101600,-;Call trace:\\x0a lkdtm_WARNING+0x8/0x10 [lkdtm] (P)\\x0a "
		    "lkdtm_do_action+0x24/0x48 [lkdtm]\\x0a direct_entry+0x10c/0x174 [lkdtm]\\x0a "
		    "full_proxy_write+0x60/0xb0\n",
		    "4,507,2101700,-;---[ end trace 0000000000000000 ]---\n",
		};
		struct oops_parser *p = oops_parser_new(on_report, NULL);
		char out[4096];

		for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
			parse(recs[i], &r);
			size_t n = kmsg_record_render(&r, out, sizeof(out));
			oops_parser_feed(p, out, n);
		}
		oops_parser_finish(p);
		oops_parser_free(p);
		ok_int(nreports, 1, "rendered records give one report");
		ok_str(last_title, "WARNING in lkdtm_WARNING", "with the console's title");
	}
	return tap_done();
}
