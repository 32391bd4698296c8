/* SPDX-License-Identifier: MIT */
/*
 * msg.h - the host side's messages for people, on stderr: lowercase, what
 * failed first, the subject quoted, no full stop (doc/hacking.md).
 */
#ifndef OOPSFARM_MSG_H
#define OOPSFARM_MSG_H

/* "oopsfarm <cmd>: " + message + newline, on stderr. */
void errorf(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "Try 'oopsfarm CMD --help'" and returns EXIT_USAGE (2). */
int usage_hint(const char *cmd);

#endif
