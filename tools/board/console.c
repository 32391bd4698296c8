// SPDX-License-Identifier: MIT
/*
 * console.c - a board's console whatever its kind (console.h): opening,
 * reopening one that went away, the magic SysRq sequence.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console-backend.h"
#include "serial-list.h"
#include "util/msg.h"

/* how often a console that went away is looked for, seconds */
#define REOPEN_INTERVAL 0.1

double console_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int console_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pf = {.fd = fd, .events = POLLOUT};

			if (poll(&pf, 1, 5000) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		if (w < 0)
			return -errno;
		p += w;
		n -= w;
	}
	return 0;
}

static bool is_tty(const struct console *con)
{
	return con->c->kind == CONSOLE_TTY || con->c->kind == CONSOLE_TTY_USB;
}

/* the adapter that matches, by its by-id name when it has one */
static int usb_path(const struct board_console *c, char *ret, size_t size, char *err, size_t errsize)
{
	const char *sys = getenv("OOPSFARM_SYSFS") ? getenv("OOPSFARM_SYSFS") : "/sys";
	const char *dev = getenv("OOPSFARM_DEV") ? getenv("OOPSFARM_DEV") : "/dev";
	struct serial_port *ports;
	int n, r, found = -1;
	char what[512];

	if ((r = serial_list(sys, dev, &ports, &n)) < 0) {
		snprintf(err, errsize, "cannot list USB-serial adapters in %s: %s", sys, strerror(-r));
		return r;
	}
	for (int i = 0; i < n && found < 0; i++)
		if (serial_port_matches(&ports[i], &c->match))
			found = i;
	if (found >= 0)
		snprintf(ret, size, "%s", ports[found].by_id[0] ? ports[found].by_id : ports[found].dev);
	free(ports);
	if (found < 0) {
		board_console_describe(c, what, sizeof(what));
		snprintf(err, errsize, "no USB-serial adapter plugged in matches the console (%s)", what);
		return -ENOENT;
	}
	return 0;
}

static int open_now(struct console *con, char *err, size_t errsize)
{
	char path[PATH_MAX];
	int r;

	if (!is_tty(con))
		return console_net_open(con, err, errsize);
	if (con->c->kind == CONSOLE_TTY)
		return console_tty_open(con, con->c->path, err, errsize);
	if ((r = usb_path(con->c, path, sizeof(path), err, errsize)))
		return r;
	return console_tty_open(con, path, err, errsize);
}

int console_open(const struct board_console *c, struct console **ret, char *err, size_t errsize)
{
	struct console *con;
	int r;

	if (c->kind == CONSOLE_NONE) {
		snprintf(err, errsize, "no console described");
		return -EINVAL;
	}
	con = calloc(1, sizeof(*con));
	if (!con)
		return -ENOMEM;
	con->c = c;
	con->fd = -1;
	if ((r = open_now(con, err, errsize))) {
		free(con);
		return r;
	}
	*ret = con;
	return 0;
}

int console_fd(const struct console *con)
{
	return con->fd;
}

bool console_gone(const struct console *con)
{
	return con->gone;
}

int console_reopens(const struct console *con)
{
	return con->reopens;
}

static void lose(struct console *con)
{
	if (is_tty(con))
		console_tty_close(con);
	else if (con->fd >= 0)
		close(con->fd);
	con->fd = -1;
	con->gone = true;
	con->next_try = console_now();
}

ssize_t console_read(struct console *con, void *buf, size_t n)
{
	ssize_t got;

	if (con->gone)
		return -ENODEV;
	if (!is_tty(con))
		got = console_net_read(con, buf, n);
	else {
		got = read(con->fd, buf, n);
		/* a USB adapter unplugged, or the far end of a pty closed: EIO; or EOF */
		if (got == 0 && n)
			got = -ENODEV;
		else if (got < 0)
			got = errno == EAGAIN || errno == EINTR ? 0 : -ENODEV;
	}
	if (got == -ENODEV)
		lose(con);
	return got;
}

void console_discard(struct console *con)
{
	char buf[4096];

	if (is_tty(con) && con->fd >= 0)
		tcflush(con->fd, TCIFLUSH);
	while (!con->gone && console_read(con, buf, sizeof(buf)) > 0)
		;
}

int console_write(struct console *con, const void *buf, size_t n)
{
	if (con->gone)
		return -ENODEV;
	return is_tty(con) ? console_write_all(con->fd, buf, n) : console_net_write(con, buf, n);
}

int console_tick(struct console *con)
{
	char err[ERR_MAX];
	double now;

	if (!con->gone)
		return 0;
	now = console_now();
	if (now < con->next_try)
		return 0;
	con->next_try = now + REOPEN_INTERVAL;
	if (open_now(con, err, sizeof(err)))
		return 0;
	con->gone = false;
	con->reopens++;
	return 1;
}

int console_break(struct console *con)
{
	if (con->gone)
		return -ENODEV;
	return is_tty(con) ? console_tty_break(con) : console_net_break(con);
}

int console_sysrq(struct console *con, const char *keys)
{
	for (const char *k = keys; *k; k++) {
		int r = console_break(con);

		if (r < 0)
			return r;
		/* the kernel takes the key that follows a break within 5 s as SysRq */
		if ((r = console_write(con, k, 1)) < 0)
			return r;
		/* give the dump of one key time to start before the next break */
		usleep(200000);
	}
	return 0;
}

void console_close(struct console *con)
{
	if (!con)
		return;
	if (is_tty(con))
		console_tty_close(con);
	else if (con->fd >= 0)
		close(con->fd);
	free(con);
}
