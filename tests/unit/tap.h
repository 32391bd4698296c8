/* SPDX-License-Identifier: MIT */
/*
 * tap.h - the tiny test harness shared by every unit test.
 *
 * A test program calls ok()/skip() once per check and returns tap_done()
 * from main().  Each check prints one TAP line ("ok 3 - title" or
 * "not ok 3 - title"); failures also print the file and line as a TAP
 * comment.  tests/run adds up the lines of all programs and prints the
 * final "N passed, N failed, N skipped" line.
 */
#ifndef OOPSFARM_TAP_H
#define OOPSFARM_TAP_H

#include <stdbool.h>
#include <stddef.h>

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* Compare two strings; prints both on mismatch.  NULL equals only NULL. */
#define ok_str(got, want, ...) tap_ok_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define ok_int(got, want, ...)                                                                               \
	tap_ok_int((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)

bool tap_ok(bool pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool tap_ok_str(const char *got, const char *want, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
bool tap_ok_int(long long got, long long want, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Returns the exit status for main(): 0 when nothing failed. */
int tap_done(void);

/* Reads a whole file; returns a malloc'd NUL-terminated buffer or NULL. */
char *tap_slurp(const char *path, size_t *ret_len);

#endif
