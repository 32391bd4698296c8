/* SPDX-License-Identifier: MIT */
/*
 * msg.h - the host side's messages for people, on stderr: lowercase, what
 * failed first, the subject quoted, no full stop (doc/hacking.md).
 */
#ifndef OOPSFARM_MSG_H
#define OOPSFARM_MSG_H

#include <limits.h>

/*
 * The size of an error buffer (`char err[ERR_MAX]`) that library calls fill
 * for a command to print: room for a whole path (PATH_MAX) and the message
 * around it, so a long path is never cut from the message that names it.
 * Text quoted from a file past that is cut, and the cut ends in "...".
 */
#define ERR_MAX (PATH_MAX + 1024)

/* "oopsfarm <cmd>: " + message + newline, on stderr. */
void errorf(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "Try 'oopsfarm CMD --help'" and returns EXIT_USAGE (2). */
int usage_hint(const char *cmd);

#endif
