// SPDX-License-Identifier: MIT
/*
 * test-proto: the serial protocol.  Encode with the agent's writer, mangle
 * the bytes the way a serial console does (kernel lines in the middle of an
 * agent line, lost lines, flipped bits, garbage), decode with the host's
 * decoder, and check what comes out and what is counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "proto.h"
#include "tap.h"

/* The writer's output, line by line. */
static char out[1 << 20];
static size_t out_len;
static int nwrites;

static int capture(const void *buf, size_t len, void *ud)
{
	memcpy(out + out_len, buf, len);
	out_len += len;
	nwrites++;
	return 0;
}

/* What the decoder reported. */
struct seen {
	int nmsg;
	struct {
		unsigned seq, boot;
		enum proto_type type;
		bool recovered;
		char f1[256], v1[256]; /* first field */
		char all[1024];	       /* "k=v|k=v" */
	} msg[256];
	int nrep;
	char rep[4][70000];
	bool rep_complete[4];
	int nproblem[4];
	unsigned problem_seq[4]; /* seq of the last problem of each kind */
};
static struct seen S;

/* Console text passed on, kept apart from S: it may be large. */
static char con[1 << 21];
static size_t con_len;

static void on_msg(const struct proto_msg *m, void *ud)
{
	if (S.nmsg >= 256)
		return;
	typeof(S.msg[0]) *x = &S.msg[S.nmsg++];
	x->seq = m->seq;
	x->boot = m->boot;
	x->type = m->type;
	x->recovered = m->recovered;
	x->all[0] = '\0';
	if (m->nfields) {
		snprintf(x->f1, sizeof(x->f1), "%s", m->fields[0].key);
		snprintf(x->v1, sizeof(x->v1), "%s", m->fields[0].value);
	}
	for (int i = 0; i < m->nfields; i++) {
		size_t l = strlen(x->all);
		snprintf(x->all + l, sizeof(x->all) - l, "%s%s=%s", i ? "|" : "", m->fields[i].key,
			 m->fields[i].value);
	}
}

static void on_report(const struct proto_report *r, void *ud)
{
	if (S.nrep >= 4)
		return;
	snprintf(S.rep[S.nrep], sizeof(S.rep[0]), "%s", r->text);
	S.rep_complete[S.nrep++] = r->complete;
}

static void on_problem(enum proto_problem what, uint32_t seq, uint32_t count, uint64_t off, void *ud)
{
	S.nproblem[what] += (int)count;
	S.problem_seq[what] = seq;
}

static void on_console(const char *buf, size_t len, void *ud)
{
	if (con_len + len < sizeof(con)) {
		memcpy(con + con_len, buf, len);
		con_len += len;
		con[con_len] = '\0';
	} else {
		con_len = sizeof(con); /* overflowed: no test expects this much */
	}
}

static const struct proto_decoder_ops ops = {on_msg, on_report, on_problem, on_console};

/* Decodes buf in chunks of chunk bytes (0: all at once). */
static struct proto_stats decode(const char *buf, size_t len, size_t chunk)
{
	struct proto_decoder *d = proto_decoder_new(&ops, NULL);
	struct proto_stats st;

	memset(&S, 0, sizeof(S));
	con_len = 0;
	con[0] = '\0';
	if (!chunk)
		chunk = len ? len : 1;
	for (size_t o = 0; o < len; o += chunk)
		proto_decoder_feed(d, buf + o, len - o < chunk ? len - o : chunk);
	proto_decoder_finish(d);
	proto_decoder_stats(d, &st);
	proto_decoder_free(d);
	return st;
}

static struct proto_writer W;

static void send_mod(const char *name, unsigned us)
{
	struct proto_line l;

	proto_line_start(&l, PROTO_MOD);
	proto_line_add(&l, "name", name);
	proto_line_add(&l, "res", "ok");
	proto_line_addf(&l, "us", "%u", us);
	proto_writer_send(&W, &l);
}

/*
 * A small boot: BEGIN, three MODs, CASE, END.  Returns the bytes in out.
 * Boots differ the way real ones do: their boot_id and module times.
 */
static void make_boot_id(unsigned id)
{
	struct proto_line l;

	out_len = 0;
	nwrites = 0;
	proto_writer_init(&W, capture, NULL);
	proto_line_start(&l, PROTO_BEGIN);
	proto_line_addf(&l, "v", "%d", PROTO_VERSION);
	proto_line_addf(&l, "boot_id", "0000-%u", id);
	proto_line_add(&l, "release", "7.2.13");
	proto_writer_send(&W, &l);
	send_mod("arm_smmu_v3", 12345 + (id - 1) * 7);
	send_mod("gpio_keys", 2345 + (id - 1) * 3);
	send_mod("rtc_pl031", 99 + id - 1);
	proto_line_start(&l, PROTO_CASE);
	proto_line_add(&l, "case", "boot");
	proto_line_add(&l, "result", "pass");
	proto_writer_send(&W, &l);
	proto_line_start(&l, PROTO_END);
	proto_line_add(&l, "verdict", "pass");
	proto_line_addf(&l, "lines", "%u", W.seq + 1);
	proto_writer_send(&W, &l);
}

static void make_boot(void)
{
	make_boot_id(1);
}

/* Start offset of line i (0-based) of out. */
static size_t line_at(int i)
{
	size_t o = 0;

	while (i-- > 0)
		o = (size_t)((char *)memchr(out + o, '\n', out_len - o) - out) + 1;
	return o;
}

static char buf[1 << 20];

/* Copies lines of out in the given order (indexes into out's lines) to buf. */
static size_t lines_in_order(const int *order, int n)
{
	size_t o = 0;

	for (int i = 0; i < n; i++) {
		size_t a = line_at(order[i]), b = line_at(order[i] + 1);

		memcpy(buf + o, out + a, b - a);
		o += b - a;
	}
	return o;
}

/* Every message of the last decode belongs to boot 1. */
static bool all_boot_one(void)
{
	for (int i = 0; i < S.nmsg; i++)
		if (S.msg[i].boot != 1)
			return false;
	return S.nmsg > 0;
}

/* Decodes buf whole, byte by byte and in 7-byte chunks; true when the stats agree. */
static bool same_any_chunking(size_t len, struct proto_stats *ret)
{
	struct proto_stats a = decode(buf, len, 0), b = decode(buf, len, 1), c = decode(buf, len, 7);

	*ret = a;
	return !memcmp(&a, &b, sizeof(a)) && !memcmp(&a, &c, sizeof(a));
}

/* A BEGIN and then a report of at least min bytes of frame lines, in out; returns its length. */
static size_t make_report(char *text, size_t min)
{
	struct proto_line l;
	size_t tl = 0;

	for (int i = 0; tl < min; i++)
		tl += (size_t)sprintf(text + tl, " frame_%d+0x%x/0x100 [mod]\n", i, i * 4);
	out_len = 0;
	proto_writer_init(&W, capture, NULL);
	proto_line_start(&l, PROTO_BEGIN);
	proto_writer_send(&W, &l);
	ok_int(proto_writer_report(&W, 1, text, tl), 0, "report of %zu bytes sent", tl);
	return tl;
}

/* Duplicates and reordering are told apart from loss, and start no boot. */
static void test_order(void)
{
	struct proto_stats st;
	size_t n;

	make_boot();
	{
		static const int dup[] = {0, 1, 2, 2, 3, 4, 5};

		n = lines_in_order(dup, 7);
		ok(same_any_chunking(n, &st), "duplicate: same result in any chunking");
		ok(st.lines == 6 && st.duplicate == 1 && st.lost == 0 && st.reordered == 0 && st.boots == 1,
		   "a line twice: one duplicate, nothing lost");
		ok(S.nmsg == 6 && all_boot_one(), "the duplicate is not delivered again, one boot");
		ok(S.nproblem[PROTO_DUPLICATE] == 1 && S.problem_seq[PROTO_DUPLICATE] == 3,
		   "duplicate of seq 3 reported");
	}
	{
		static const int dup_begin[] = {0, 0, 1, 2, 3, 0, 4, 5};

		n = lines_in_order(dup_begin, 8);
		ok(same_any_chunking(n, &st), "duplicate BEGIN: same result in any chunking");
		ok(st.boots == 1 && st.duplicate == 2 && st.lost == 0 && all_boot_one(),
		   "BEGIN twice at once and again later: no phantom boot (boots %llu)",
		   (unsigned long long)st.boots);
	}
	{
		static const int swap[] = {0, 2, 1, 3, 4, 5};

		n = lines_in_order(swap, 6);
		ok(same_any_chunking(n, &st), "swap: same result in any chunking");
		ok(st.lines == 6 && st.reordered == 1 && st.lost == 0 && st.duplicate == 0 && st.boots == 1,
		   "two lines swapped: one reordered, nothing lost");
		ok(all_boot_one() && S.msg[2].seq == 2, "the late line is delivered, in its boot");
		ok(S.nproblem[PROTO_LOST] == 0 && S.nproblem[PROTO_REORDERED] == 1, "no loss reported");
	}
	{
		static const int far[] = {0, 2, 3, 4, 1, 5};

		n = lines_in_order(far, 6);
		st = decode(buf, n, 0);
		ok(st.reordered == 1 && st.lost == 0 && all_boot_one(),
		   "a line three places late: reordered");
	}
	{
		static const int begin_late[] = {1, 0, 2, 3, 4, 5};

		n = lines_in_order(begin_late, 6);
		ok(same_any_chunking(n, &st), "late BEGIN: same result in any chunking");
		ok(st.boots == 1 && st.reordered == 1 && st.lost == 0 && all_boot_one(),
		   "BEGIN after line 2: one boot, reordered, nothing lost");
	}
	{
		static const int mixed[] = {0, 2, 2, 1, 4, 5}; /* 3 lost, 2 twice, 1 late */

		n = lines_in_order(mixed, 6);
		ok(same_any_chunking(n, &st), "mixed: same result in any chunking");
		ok(st.lost == 1 && st.duplicate == 1 && st.reordered == 1 && st.boots == 1 && all_boot_one(),
		   "loss, duplicate and reordering counted apart (lost %llu dup %llu reord %llu)",
		   (unsigned long long)st.lost, (unsigned long long)st.duplicate,
		   (unsigned long long)st.reordered);
		ok(S.problem_seq[PROTO_LOST] == 4, "the lost number is 4 (seq %u)",
		   S.problem_seq[PROTO_LOST]);
	}
	{
		/* A whole boot replayed (a log pasted twice): all duplicates. */
		static const int twice[] = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5};

		n = lines_in_order(twice, 12);
		st = decode(buf, n, 0);
		ok(st.boots == 1 && st.duplicate == 6 && st.lines == 6 && st.lost == 0,
		   "a boot's lines twice: 6 duplicates, one boot");
	}
	{
		/* A line after END belongs to a new boot, even when its number fits. */
		size_t o;

		make_boot_id(1);
		memcpy(buf, out, out_len);
		o = out_len;
		make_boot_id(2);
		n = line_at(1);
		memcpy(buf + o, out + n, out_len - n); /* boot 2 lost its BEGIN */
		st = decode(buf, o + out_len - n, 0);
		ok(S.msg[S.nmsg - 1].boot == 2 && st.duplicate == 0 && st.reordered == 0,
		   "after END, lines that start over make boot 2");
	}
	/* A long boot: numbers lost deep inside it are found as the window moves. */
	{
		struct proto_line l;
		size_t o = 0;

		out_len = 0;
		proto_writer_init(&W, capture, NULL);
		proto_line_start(&l, PROTO_BEGIN);
		proto_writer_send(&W, &l);
		for (unsigned i = 0; i < 3 * PROTO_SEQ_WINDOW; i++)
			send_mod("m", i);
		for (int i = 0; i <= 3 * PROTO_SEQ_WINDOW; i++) {
			size_t a = line_at(i), b = line_at(i + 1);

			if (i == 10 || i == 11 || i == 100)
				continue; /* seq 11, 12, 101 lost */
			if (i == 50) {	  /* seq 51 comes 20 lines late, seq 52 twice */
				memcpy(buf + o, out + line_at(51), line_at(52) - line_at(51));
				o += line_at(52) - line_at(51);
				continue;
			}
			memcpy(buf + o, out + a, b - a);
			o += b - a;
			if (i == 70) {
				memcpy(buf + o, out + line_at(50), line_at(51) - line_at(50));
				o += line_at(51) - line_at(50);
			}
		}
		ok(same_any_chunking(o, &st), "long boot: same result in any chunking");
		ok(st.lost == 3 && st.reordered == 1 && st.duplicate == 1 && st.boots == 1 && all_boot_one(),
		   "long boot: 3 lost, 1 late, 1 twice, one boot (lost %llu reord %llu dup %llu boots %llu)",
		   (unsigned long long)st.lost, (unsigned long long)st.reordered,
		   (unsigned long long)st.duplicate, (unsigned long long)st.boots);
	}
}

/* Console bytes go out in order and none is dropped, whatever the lines hold. */
static void test_console_bytes(void)
{
	static char in[200000];
	struct proto_stats st;
	size_t n = 0;

	/* A head longer than 2 KiB, then a 20 KiB kernel line while it waits. */
	n += (size_t)sprintf(in + n, "OOPSFARM:5:MOD:name=");
	memset(in + n, 'h', 3000);
	n += 3000;
	in[n++] = '\n';
	for (int i = 0; i < 20000; i++)
		in[n++] = (char)('a' + i % 26);
	in[n++] = '\n';
	n += (size_t)sprintf(in + n, "[    1.0] the end\n");
	memcpy(buf, in, n);
	for (size_t chunk = 0; chunk < 3; chunk++) {
		st = decode(buf, n, chunk ? 4096 * chunk + 1 : 0);
		ok(con_len == n && !memcmp(con, in, n) && st.corrupt == 1,
		   "long head and long held line: all %zu bytes out in order (chunk %zu, got %zu)", n, chunk,
		   con_len);
	}

	/* 1 MiB without a newline: passed on byte for byte. */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i % 251 ? 'A' + i % 23 : 'O');
	st = decode(buf, sizeof(buf), 0);
	ok(con_len == sizeof(buf) && !memcmp(con, buf, sizeof(buf)) && st.lines == 0,
	   "a 1 MiB line without newline is passed on whole");
}

/* Reports: chunks that come late or twice still make the same text. */
static void test_report_order(void)
{
	static char text[3000];
	struct proto_stats st;
	size_t n;
	int order[16], parts;

	make_report(text, 2000);
	parts = (int)W.seq - 1;
	for (int i = 0; i <= parts; i++)
		order[i] = i;
	order[2] = 3; /* chunks 2 and 3 swapped */
	order[3] = 2;
	n = lines_in_order(order, parts + 1);
	st = decode(buf, n, 0);
	ok(S.nrep == 1 && S.rep_complete[0] && !strcmp(S.rep[0], text) && st.reordered == 1,
	   "swapped chunks: one complete report, text identical");
	order[parts + 1] = 4; /* and chunk 4 again at the end */
	n = lines_in_order(order, parts + 2);
	st = decode(buf, n, 0);
	ok(S.nrep == 1 && S.rep_complete[0] && !strcmp(S.rep[0], text) && st.duplicate == 1,
	   "a chunk twice: text identical");
}

/* CRC combination (used to join split lines) agrees with the plain CRC. */
static void test_crc_combine(void)
{
	const char *a = "OOPSFARM:7:MOD:name=", *b = "gpio_keys res=ok us=2345";
	uint32_t whole = crc32_update(crc32_update(0, a, strlen(a)), b, strlen(b));

	ok_int(crc32_concat(crc32_update(0, a, strlen(a)), crc32_update(0, b, strlen(b)), strlen(b)), whole,
	       "crc32_concat");
	ok_int(crc32_concat(whole, 0, 0), whole, "crc32_concat with an empty tail");
}

int main(void)
{
	struct proto_line l;
	struct proto_stats st;
	char line[PROTO_LINE_MAX + 16];
	int n;

	/* Encoding: the exact bytes, and the CRC over prefix..payload. */
	proto_line_start(&l, PROTO_CASE);
	proto_line_add(&l, "case", "boot");
	proto_line_add(&l, "result", "pass");
	n = proto_line_format(&l, 7, line, sizeof(line));
	{
		const char *body = "OOPSFARM:7:CASE:case=boot result=pass";
		char want[128];

		snprintf(want, sizeof(want), "%s:%08x\n", body, crc32_update(0, body, strlen(body)));
		ok_str(line, want, "case line format");
		ok_int(n, (int)strlen(want), "length returned");
	}
	proto_line_start(&l, PROTO_CRASH);
	proto_line_add(&l, "title", "BUG: unable to handle kernel 100% \"bad\"\n\x01\xff");
	proto_line_format(&l, 1, line, sizeof(line));
	ok(strstr(line, ":CRASH:title=BUG:%20unable%20to%20handle%20kernel%20100%25%20\"bad\"%0A%01%FF:") !=
	       NULL,
	   "escaping: space, %%, newline, control, 8-bit; ':' stays");
	ok(!strchr(line, ' ') && strchr(line, '\n') == line + strlen(line) - 1, "no space, one newline");

	/* Values that do not fit are cut, at an escape boundary. */
	{
		char big[3000];

		memset(big, ' ', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		proto_line_start(&l, PROTO_LOG);
		ok_int(proto_line_add(&l, "msg", big), -E2BIG, "oversized value: -E2BIG");
		ok(l.cut, "cut flag set");
		n = proto_line_format(&l, 3, line, sizeof(line));
		ok(n > 0 && n <= PROTO_LINE_MAX, "cut line fits PROTO_LINE_MAX (%d)", n);
		st = decode(line, (size_t)n, 0);
		ok_int(st.lines, 1, "cut line still decodes");
		ok_int(strlen(S.msg[0].v1) % 1, 0, "value made of whole escapes");
		proto_line_start(&l, PROTO_LOG);
		ok_int(proto_line_addf(&l, "msg", "%s", big + 1000), -E2BIG,
		       "oversized printf value: -E2BIG");
		ok(l.cut, "and the cut flag set");
	}

	/* Round trip, in one piece and byte by byte. */
	make_boot();
	ok_int(nwrites, 6, "one write per line");
	for (size_t chunk = 0; chunk <= 7; chunk += 1) {
		st = decode(out, out_len, chunk);
		if (chunk > 1 && chunk < 7)
			continue;
		ok(st.lines == 6 && st.lost == 0 && st.corrupt == 0 && st.boots == 1,
		   "round trip, chunk %zu: 6 lines, nothing lost", chunk);
	}
	ok_int(S.msg[0].type, PROTO_BEGIN, "first is BEGIN");
	ok_int(S.msg[0].seq, 1, "BEGIN is seq 1");
	ok_str(S.msg[1].all, "name=arm_smmu_v3|res=ok|us=12345", "MOD fields in order");
	ok_str(S.msg[4].all, "case=boot|result=pass", "CASE fields");
	ok_int(S.msg[5].type, PROTO_END, "END last");
	ok_int(con_len, 0, "no console text");

	/* CRLF and kernel text before and after whole lines. */
	{
		size_t o = 0;
		const char *k1 = "[    2.100000] arm-smmu-v3 9050000.smmuv3: ias 44-bit\r\n";

		for (int i = 0; i < 6; i++) {
			size_t a = line_at(i), b = line_at(i + 1);

			o += (size_t)sprintf(buf + o, "%s", k1);
			memcpy(buf + o, out + a, b - a - 1);
			o += b - a - 1;
			o += (size_t)sprintf(buf + o, "\r\n");
		}
		st = decode(buf, o, 3);
		ok(st.lines == 6 && st.lost == 0 && st.corrupt == 0, "CRLF and kernel lines between: all 6");
		ok(strstr(con, "ias 44-bit\r\n[") != NULL && !strstr(con, "OOPSFARM"),
		   "console text keeps the kernel lines, not the agent's");
	}

	/* Kernel text before the prefix on the same line. */
	{
		size_t a = line_at(2), b = line_at(3);
		size_t o = (size_t)sprintf(buf, "[    2.200000] Unable to hand");

		memcpy(buf + o, out + a, b - a);
		o += b - a;
		o += (size_t)sprintf(buf + o, "le kernel NULL pointer dereference\n");
		st = decode(buf, o, 0);
		ok(st.lines == 1 && st.corrupt == 0, "agent line inside a kernel line is found");
		ok_str(con, "[    2.200000] Unable to handle kernel NULL pointer dereference\n",
		       "and the kernel line is put back together around it");
		ok_int(st.lost, 2, "a stream that starts at seq 3 lost 2 lines");
	}

	/* Mid-line interleaving: kernel lines inside an agent line, at every cut. */
	{
		size_t a = line_at(2), b = line_at(3); /* MOD gpio_keys */
		int good = 0, total = 0, console_ok = 0;
		const char *kern = "[    2.101000] Unable to handle kernel NULL pointer dereference\r\n"
				   "[    2.101100] Mem abort info:\r\n";

		for (size_t cut = 1; cut < b - a; cut++) {
			size_t o = 0;

			memcpy(buf, out, a);
			o = a;
			memcpy(buf + o, out + a, cut);
			o += cut;
			o += (size_t)sprintf(buf + o, "%s", kern);
			memcpy(buf + o, out + a + cut, out_len - a - cut);
			o += out_len - a - cut;
			st = decode(buf, o, 5);
			total++;
			if (st.lines == 6 && st.lost == 0)
				good++;
			if (!strcmp(con, kern))
				console_ok++;
		}
		/* Every cut, even inside the prefix ("OOPSF" + kernel lines + "ARM:..."). */
		ok(good == total, "split agent line rebuilt at %d of %d cuts", good, total);
		ok(console_ok == good, "kernel text intact around every rebuilt line (%d)", console_ok);

		/* The lead's fixture shape: cut after "us=1". */
		char *cut = memmem(out + a, b - a, "us=", 3);
		size_t c = (size_t)(cut - out) + 4, o;

		memcpy(buf, out, c);
		o = c + (size_t)sprintf(buf + c, "%s", kern);
		memcpy(buf + o, out + c, out_len - c);
		o += out_len - c;
		st = decode(buf, o, 0);
		ok_int(st.recovered, 1, "counted as recovered");
		ok(S.msg[2].recovered && !strcmp(S.msg[2].all, "name=gpio_keys|res=ok|us=2345"),
		   "recovered fields: %s", S.msg[2].all);
	}

	/* Kernel lines that merely start like the prefix are console text, not corruption. */
	{
		const char *k = "OK, Oopsie\r\nOOPS not ours\r\n[    1.0] x\r\n";
		size_t o = (size_t)sprintf(buf, "%s", k);

		memcpy(buf + o, out, out_len);
		st = decode(buf, o + out_len, 0);
		ok(st.lines == 6 && st.corrupt == 0 && st.lost == 0,
		   "look-alike lines: no corruption counted");
		ok(!strncmp(con, k, strlen(k)), "and they are passed on in order");
	}

	/* Corruption: a flipped byte fails the CRC, and the gap is loss. */
	{
		size_t a = line_at(3);

		memcpy(buf, out, out_len);
		buf[a + 20] ^= 0x01;
		st = decode(buf, out_len, 0);
		ok_int(st.corrupt, 1, "flipped bit: one corrupt line");
		ok_int(st.lost, 1, "and its seq counts as lost");
		ok_int(st.lines, 5, "the other 5 arrive");
		ok_int(S.nproblem[PROTO_CORRUPT], 1, "corrupt reported through the callback");
		ok(strstr(con, "OOPSFARM") != NULL, "a corrupt line is passed on as console text");
	}

	/* Loss: a whole line missing. */
	{
		size_t a = line_at(2), b = line_at(4);

		memcpy(buf, out, a);
		memcpy(buf + a, out + b, out_len - b);
		st = decode(buf, out_len - (b - a), 0);
		ok(st.lost == 2 && st.corrupt == 0 && st.lines == 4, "two lines dropped: lost 2");
		ok_int(S.nproblem[PROTO_LOST], 2, "loss reported through the callback");
	}

	/* Two boots; the second one's BEGIN is lost. */
	{
		size_t o = 0, a;

		for (unsigned id = 1; id <= 3; id++) {
			make_boot_id(id);
			a = id == 3 ? line_at(1) : 0; /* the third boot without BEGIN */
			memcpy(buf + o, out + a, out_len - a);
			o += out_len - a;
		}
		st = decode(buf, o, 0);
		ok_int(st.boots, 2, "two BEGIN lines");
		ok_int(st.lost, 1, "the third boot lost its BEGIN");
		ok_int(S.msg[S.nmsg - 1].boot, 3, "three boots told apart by the numbers");
		ok_int(st.duplicate, 0, "no duplicates");
	}

	/* Report chunks: a long report in pieces, reassembled. */
	{
		char text[3000];
		size_t tl = make_report(text, 2500);

		int parts = (int)((tl + PROTO_CHUNK_RAW - 1) / PROTO_CHUNK_RAW);
		ok_int(W.seq, 1 + parts, "%d chunks", parts);
		st = decode(out, out_len, 0);
		ok_int(S.nrep, 1, "one report reassembled");
		ok(S.rep_complete[0] && !strcmp(S.rep[0], text), "text identical, complete");

		/* lose chunk 3 */
		size_t a = line_at(3), b = line_at(4);
		memcpy(buf, out, a);
		memcpy(buf + a, out + b, out_len - b);
		st = decode(buf, out_len - (b - a), 0);
		ok(S.nrep == 1 && !S.rep_complete[0], "missing chunk: incomplete");
		ok(strstr(S.rep[0], "[oopsfarm: 1 report chunk(s) lost]") != NULL, "gap marked in the text");

		/* lose the last chunk: delivered incomplete at the end of the stream */
		a = line_at(parts);
		st = decode(out, a, 0);
		ok(S.nrep == 1 && !S.rep_complete[0], "last chunk missing: incomplete at finish");

		/* empty report: one chunk */
		out_len = 0;
		proto_writer_init(&W, capture, NULL);
		proto_writer_report(&W, 9, "", 0);
		st = decode(out, out_len, 0);
		ok(S.nrep == 1 && S.rep_complete[0] && S.rep[0][0] == '\0', "empty report: one empty chunk");
	}

	/* Garbage: random bytes, with and without prefixes, never crash. */
	{
		srand(7);
		for (int round = 0; round < 200; round++) {
			size_t o = 0;

			while (o < 8000) {
				int r = rand() % 10;
				if (r == 0)
					o += (size_t)sprintf(buf + o, PROTO_PREFIX "%d:CASE:x=%%zz:", rand());
				else if (r == 1)
					o += (size_t)sprintf(buf + o, ":%08x\n", (unsigned)rand());
				else
					buf[o++] = (char)rand();
			}
			decode(buf, o, (size_t)(rand() % 100 + 1));
		}
		ok(1, "200 rounds of garbage decoded without a crash");
		make_boot();
		memset(buf, 'x', 20000);
		memcpy(buf + 20000, out, out_len);
		st = decode(buf, 20000 + out_len, 333);
		ok(st.lines == 6, "a 20 KB line without newline before the boot: still 6 lines (%llu)",
		   (unsigned long long)st.lines);
	}

	/* An unknown type with a good CRC is delivered as PROTO_UNKNOWN. */
	{
		const char *body = "OOPSFARM:1:FUTURE:a=b";
		n = snprintf(buf, sizeof(buf), "%s:%08x\n", body, crc32_update(0, body, strlen(body)));
		st = decode(buf, (size_t)n, 0);
		ok(S.nmsg == 1 && S.msg[0].type == PROTO_UNKNOWN, "unknown type kept for newer agents");
	}

	/* The LAVA monitor pattern reads case lines: check it with the shape the docs give. */
	{
		proto_line_start(&l, PROTO_CASE);
		proto_line_add(&l, "case", "crash_0123456789abcdef");
		proto_line_add(&l, "result", "fail");
		proto_line_add(&l, "title", "WARNING in lkdtm_WARNING");
		proto_line_format(&l, 12, line, sizeof(line));
		ok(!strncmp(line, "OOPSFARM:12:CASE:case=crash_0123456789abcdef result=fail title=", 62),
		   "case id and result come first, in fixed order");
	}
	test_order();
	test_console_bytes();
	test_report_order();
	test_crc_combine();
	return tap_done();
}
