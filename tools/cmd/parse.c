// SPDX-License-Identifier: MIT
/*
 * oopsfarm parse [--json] [FILE...]: the crash reports in console logs.
 *
 * A stable interface for scripts: with --json one object per report per
 * line, keys version, file, title, kind, frame, corrupted, start, end,
 * hash, in the order the reports appear.  Exit 0 whether or not reports
 * were found, 2 for usage errors, 3 when a file cannot be read (the other
 * files are still parsed).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oops.h"
#include "oopsfarm.h"

struct parse_ctx {
	struct out o;
	const char *file;
	int count;
	bool text; /* print the report text after each row */
};

static void print_report(const struct oops_report *r, void *userdata)
{
	struct parse_ctx *c = userdata;
	struct out *o = &c->o;

	if (c->count == 0)
		out_text(o, "%-20s %-10s %-9s %10s %10s  %-16s %s\n", "FILE", "KIND", "CORRUPTED", "START",
			 "END", "HASH", "TITLE");
	c->count++;
	out_begin(o);
	out_u64(o, "version", NULL, 1);
	out_str(o, "file", "%-20s ", c->file);
	out_str(o, "title", NULL, r->title);
	out_str(o, "kind", "%-10s ", oops_kind_name(r->kind));
	out_str(o, "frame", NULL, r->frame);
	out_bool(o, "corrupted", "%-9s ", r->corrupted);
	out_u64(o, "start", "%10llu ", r->start);
	out_u64(o, "end", "%10llu  ", r->end);
	out_hex64(o, "hash", "%016llx ", r->hash);
	out_str(o, NULL, "%s", r->title);
	if (c->text)
		out_str(o, "text", NULL, r->text);
	out_end(o);
	if (c->text)
		out_text(o, "%s\n", r->text);
}

static int parse_fd(struct parse_ctx *c, int fd)
{
	struct oops_parser *p = oops_parser_new(print_report, c);
	char buf[65536];
	ssize_t n;

	if (!p)
		return -ENOMEM;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			oops_parser_free(p);
			return -errno;
		}
		oops_parser_feed(p, buf, n);
	}
	oops_parser_finish(p);
	oops_parser_free(p);
	return 0;
}

static void usage(void)
{
	printf("usage: oopsfarm parse [--json] [--text] [FILE...]\n\n"
	       "Finds kernel crash reports (oops, WARNING, BUG, KASAN, hung task, panic, ...)\n"
	       "in console logs; reads standard input when no file is given.\n\n"
	       "  -j, --json   one JSON object per report per line\n"
	       "  -t, --text   add each report's normalised text\n"
	       "  -h, --help   this help\n\n"
	       "Exit status: 0 parsed (reports or not), 2 usage, 3 a file could not be read.\n");
}

int cmd_parse(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"text", no_argument, NULL, 't'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct parse_ctx c = {0};
	bool json = false;
	int opt, ret = EXIT_OK;

	while ((opt = getopt_long(argc, argv, "jth", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 't':
			c.text = true;
			break;
		case 'h':
			usage();
			return EXIT_OK;
		default:
			return usage_hint("parse");
		}
	}
	out_init(&c.o, stdout, json);
	if (optind >= argc) {
		c.file = "-";
		if (parse_fd(&c, STDIN_FILENO) < 0) {
			errorf("parse", "cannot read standard input: %s", strerror(errno));
			return EXIT_INFRA;
		}
		return EXIT_OK;
	}
	for (int i = optind; i < argc; i++) {
		int fd, r;

		c.file = argv[i];
		fd = !strcmp(argv[i], "-") ? STDIN_FILENO : open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			errorf("parse", "cannot open '%s': %s", argv[i], strerror(errno));
			ret = EXIT_INFRA;
			continue;
		}
		r = parse_fd(&c, fd);
		if (r < 0) {
			errorf("parse", "cannot read '%s': %s", argv[i], strerror(-r));
			ret = EXIT_INFRA;
		}
		if (fd != STDIN_FILENO)
			close(fd);
	}
	if (out_flush(&c.o) < 0) {
		errorf("parse", "cannot write the output: %s", strerror(errno ? errno : EIO));
		return EXIT_INFRA;
	}
	return ret;
}
