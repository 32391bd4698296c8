/* SPDX-License-Identifier: MIT */
/*
 * console-backend.h - what console.c shares with its two backends
 * (console-tty.c, console-net.c); not for other callers (console.h is).
 */
#ifndef OOPSFARM_BOARD_CONSOLE_BACKEND_H
#define OOPSFARM_BOARD_CONSOLE_BACKEND_H

#include <limits.h>
#include <termios.h>

#include "console.h"

struct console {
	const struct board_console *c;
	int fd; /* -1 while gone */
	bool gone;
	int reopens;
	double next_try; /* CLOCK_MONOTONIC seconds of the next reopen attempt */
	/* tty */
	char dev[PATH_MAX];  /* the device opened (a by-id link resolved) */
	char lock[PATH_MAX]; /* our UUCP lock file, "" when none */
	struct termios saved;
	bool have_saved;
	/* network */
	struct telnet_state tn;
};

/* 0 and con->fd set up, or -errno with err */
int console_tty_open(struct console *con, const char *path, char *err, size_t errsize);
void console_tty_close(struct console *con);
int console_tty_break(struct console *con);

int console_net_open(struct console *con, char *err, size_t errsize);
ssize_t console_net_read(struct console *con, void *buf, size_t n);
int console_net_write(struct console *con, const void *buf, size_t n);
int console_net_break(struct console *con);

/* writes all of buf to fd, waiting while it is full; -errno */
int console_write_all(int fd, const void *buf, size_t n);
double console_now(void);

#endif
