// SPDX-License-Identifier: MIT
/* msg.c - see msg.h. */
#include <stdarg.h>
#include <stdio.h>

#include "oopsfarm.h"
#include "util/msg.h"
#include "util/out.h"

void errorf(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "oopsfarm %s: ", cmd);
	va_start(ap, fmt);
	people_vprintf(stderr, fmt, ap); /* the message may quote a console */
	va_end(ap);
	fputc('\n', stderr);
}

int usage_hint(const char *cmd)
{
	fprintf(stderr, "Try 'oopsfarm %s --help'\n", cmd);
	return EXIT_USAGE;
}
