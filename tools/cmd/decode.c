// SPDX-License-Identifier: MIT
/*
 * oopsfarm decode [--json] [--console FILE] [FILE...]: the agent's protocol
 * lines in console logs (doc/protocol.md).
 *
 * Text mode prints one line per agent line ("boot seq TYPE key=value ...",
 * values unescaped and quoted when they hold spaces), each reassembled crash
 * report, and a last summary line.  With --json, one object per line:
 *   {"version":1,"file":F,"boot":B,"seq":S,"type":"CASE","recovered":false,"fields":{...}}
 *   {"version":1,"file":F,"boot":B,"type":"report","id":N,"complete":true,"text":"..."}
 *   {"version":1,"file":F,"type":"stats","lines":..,"recovered":..,"corrupt":..,"lost":..,"duplicate":..,"boots":..}
 * --console FILE writes the console text without the agent's lines (the
 * kernel's own output, with agent lines taken out even from the middle of
 * kernel lines), ready for `oopsfarm parse`.
 * Exit status: 0 decoded, 2 usage, 3 a file could not be read.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oopsfarm.h"
#include "proto.h"

struct decode_ctx {
	struct out o;
	const char *file;
	FILE *console;
};

/* A field's value in text: bare, or quoted when it holds blanks or quotes. */
static void text_value(struct out *o, const char *v)
{
	if (o->json)
		return;
	if (strpbrk(v, " \t\n\"") || !*v)
		json_escape(o->f, v);
	else
		fputs(v, o->f);
}

/* The start of each JSON line; nothing in text. */
static void line_open(struct decode_ctx *c)
{
	out_obj_open(&c->o, NULL);
	out_u64(&c->o, "version", NULL, 1);
	out_str(&c->o, "file", NULL, c->file);
}

static void on_msg(const struct proto_msg *m, void *userdata)
{
	struct decode_ctx *c = userdata;
	struct out *o = &c->o;

	line_open(c);
	out_u64(o, "boot", "%llu ", m->boot);
	out_u64(o, "seq", "%llu ", m->seq);
	out_str(o, "type", "%s", m->type_name);
	out_bool(o, "recovered", NULL, m->recovered);
	out_obj_open(o, "fields");
	for (int i = 0; i < m->nfields; i++) {
		out_str(o, m->fields[i].key, NULL, m->fields[i].value);
		out_text(o, " %s=", m->fields[i].key);
		text_value(o, m->fields[i].value);
	}
	out_obj_close(o);
	if (m->recovered)
		out_text(o, " (recovered)");
	out_obj_close(o);
	out_text(o, "\n");
}

static void on_report(const struct proto_report *r, void *userdata)
{
	struct decode_ctx *c = userdata;
	struct out *o = &c->o;

	line_open(c);
	out_u64(o, "boot", NULL, r->boot);
	out_str(o, "type", NULL, "report");
	out_u64(o, "id", NULL, r->id);
	out_bool(o, "complete", NULL, r->complete);
	out_str(o, "text", NULL, r->text);
	out_obj_close(o);
	out_text(o, "--- report %u of boot %u%s ---\n%s", r->id, r->boot, r->complete ? "" : " (incomplete)",
		 r->text);
	if (r->len && r->text[r->len - 1] != '\n')
		out_text(o, "\n");
	out_text(o, "--- end of report %u ---\n", r->id);
}

static void on_problem(enum proto_problem what, uint32_t seq, uint32_t count, uint64_t offset, void *userdata)
{
	static const char *const names[] = {"lost", "corrupt", "duplicate", "reordered"};
	struct decode_ctx *c = userdata;

	if (!c->o.json)
		fprintf(stderr, "oopsfarm decode: %s: %s %u line(s) at offset %llu (seq %u)\n", c->file,
			names[what], count, (unsigned long long)offset, seq);
}

static void on_console(const char *buf, size_t len, void *userdata)
{
	struct decode_ctx *c = userdata;

	if (c->console)
		fwrite(buf, 1, len, c->console);
}

static int decode_fd(struct decode_ctx *c, int fd)
{
	static const struct proto_decoder_ops ops = {on_msg, on_report, on_problem, on_console};
	struct proto_decoder *d = proto_decoder_new(&ops, c);
	struct proto_stats st;
	char buf[65536];
	ssize_t n;

	if (!d)
		return -ENOMEM;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			proto_decoder_free(d);
			return -errno;
		}
		proto_decoder_feed(d, buf, (size_t)n);
	}
	proto_decoder_finish(d);
	proto_decoder_stats(d, &st);
	proto_decoder_free(d);
	line_open(c);
	out_str(&c->o, "type", NULL, "stats");
	out_str(&c->o, NULL, "# %s: ", c->file);
	out_u64(&c->o, "lines", "%llu lines ", st.lines);
	out_u64(&c->o, "recovered", "(%llu recovered), ", st.recovered);
	out_u64(&c->o, "corrupt", "%llu corrupt, ", st.corrupt);
	out_u64(&c->o, "lost", "%llu lost, ", st.lost);
	out_u64(&c->o, "duplicate", NULL, st.duplicate);
	out_u64(&c->o, "boots", "%llu boots\n", st.boots);
	out_obj_close(&c->o);
	return 0;
}

static void usage(void)
{
	printf("usage: oopsfarm decode [--json] [--console FILE] [FILE...]\n\n"
	       "Decodes the board agent's protocol lines (OOPSFARM:seq:TYPE:...:crc) in console\n"
	       "logs, rebuilds lines split by kernel output, reassembles crash reports and\n"
	       "counts lost and corrupt lines.  Reads standard input when no file is given.\n\n"
	       "  -j, --json          one JSON object per line\n"
	       "  -c, --console FILE  write the console text without agent lines to FILE\n"
	       "  -h, --help          this help\n\n"
	       "Exit status: 0 decoded, 2 usage, 3 a file could not be read.\n");
}

int cmd_decode(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"console", required_argument, NULL, 'c'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct decode_ctx c = {0};
	bool json = false;
	int opt, ret = EXIT_OK;
	const char *console = NULL;

	while ((opt = getopt_long(argc, argv, "jc:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'c':
			console = optarg;
			break;
		case 'h':
			usage();
			return EXIT_OK;
		default:
			return usage_hint("decode");
		}
	}
	out_init(&c.o, stdout, json);
	if (console) {
		c.console = fopen(console, "w");
		if (!c.console) {
			errorf("decode", "cannot open '%s': %s", console, strerror(errno));
			return EXIT_INFRA;
		}
	}
	if (optind >= argc) {
		c.file = "-";
		if (decode_fd(&c, STDIN_FILENO) < 0) {
			errorf("decode", "cannot read standard input: %s", strerror(errno));
			ret = EXIT_INFRA;
		}
	}
	for (int i = optind; i < argc; i++) {
		int fd, r;

		c.file = argv[i];
		fd = !strcmp(argv[i], "-") ? STDIN_FILENO : open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			errorf("decode", "cannot open '%s': %s", argv[i], strerror(errno));
			ret = EXIT_INFRA;
			continue;
		}
		r = decode_fd(&c, fd);
		if (r < 0) {
			errorf("decode", "cannot read '%s': %s", argv[i], strerror(-r));
			ret = EXIT_INFRA;
		}
		if (fd != STDIN_FILENO)
			close(fd);
	}
	if (c.console) {
		bool bad = ferror(c.console);

		/* fclose flushes: a full disk shows here */
		if (fclose(c.console) == EOF || bad) {
			errorf("decode", "cannot write '%s': %s", console, strerror(errno ? errno : EIO));
			ret = EXIT_INFRA;
		}
	}
	if (out_flush(&c.o) < 0) {
		errorf("decode", "cannot write the output: %s", strerror(errno ? errno : EIO));
		ret = EXIT_INFRA;
	}
	return ret;
}
