// SPDX-License-Identifier: MIT
/*
 * console-tty.c - a local serial console through termios: raw mode at the
 * described speed, held exclusively, restored on close.
 *
 * Exclusive use as picocom and tio do it: a UUCP lock file LCK..ttyUSB0
 * holding our pid in ten columns (other programs that honour them, minicom,
 * picocom, ModemManager, wait), flock() on the fd (tio, pyserial's
 * exclusive), and TIOCEXCL so that even programs that ignore both get
 * EBUSY from open().  A lock file whose pid is dead is stale and removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "console-backend.h"

static const struct {
	int baud;
	speed_t code;
} speeds[] = {
    {50, B50},		 {75, B75},	      {110, B110},	   {134, B134},		{150, B150},
    {200, B200},	 {300, B300},	      {600, B600},	   {1200, B1200},	{1800, B1800},
    {2400, B2400},	 {4800, B4800},	      {9600, B9600},	   {19200, B19200},	{38400, B38400},
    {57600, B57600},	 {115200, B115200},   {230400, B230400},   {460800, B460800},	{500000, B500000},
    {576000, B576000},	 {921600, B921600},   {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000},
    {2000000, B2000000}, {3000000, B3000000}, {4000000, B4000000},
};

static const char *lock_dir(void)
{
	return getenv("OOPSFARM_LOCK_DIR") ? getenv("OOPSFARM_LOCK_DIR") : "/run/lock";
}

/* The UUCP lock: 0 taken (or no lock directory to write to), -EBUSY held by a live pid. */
static int lock_take(struct console *con, char *err, size_t errsize)
{
	/* the name under /dev, '/' made '_' (LCK..ttyUSB0, LCK..pts_3), as lockdev does */
	const char *base = strncmp(con->dev, "/dev/", 5) ? strrchr(con->dev, '/') + 1 : con->dev + 5;
	char buf[32], name[256];
	int fd, pid;

	snprintf(name, sizeof(name), "%s", base);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '_';
	snprintf(con->lock, sizeof(con->lock), "%s/LCK..%s", lock_dir(), name);
	for (int tries = 0; tries < 2; tries++) {
		fd = open(con->lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			snprintf(buf, sizeof(buf), "%10d\n", (int)getpid());
			/* an empty lock file still locks: a short write is no failure */
			ssize_t w = write(fd, buf, strlen(buf));

			(void)w;
			close(fd);
			return 0;
		}
		if (errno != EEXIST) {
			/* no lock directory we may write to: flock and TIOCEXCL still hold */
			con->lock[0] = '\0';
			return 0;
		}
		fd = open(con->lock, O_RDONLY | O_CLOEXEC);
		pid = 0;
		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof(buf) - 1);

			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			pid = atoi(buf);
		}
		if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)) {
			snprintf(err, errsize, "cannot open console '%s': locked by pid %d (%s)", con->dev,
				 pid, con->lock);
			con->lock[0] = '\0';
			return -EBUSY;
		}
		unlink(con->lock); /* stale */
	}
	con->lock[0] = '\0';
	return 0;
}

int console_tty_open(struct console *con, const char *path, char *err, size_t errsize)
{
	struct termios t;
	char real[PATH_MAX];
	speed_t code = 0;
	int r, fd;

	if (con->c->speed) {
		for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
			if (speeds[i].baud == con->c->speed)
				code = speeds[i].code;
		if (!code) {
			snprintf(err, errsize, "console '%s': %d baud is not a speed termios can set", path,
				 con->c->speed);
			return -EINVAL;
		}
	}
	/* locks name the device, not the /dev/serial/by-id link to it */
	if (!realpath(path, real)) {
		r = -errno;
		snprintf(err, errsize, "cannot open console '%s': %s", path, strerror(-r));
		return r;
	}
	snprintf(con->dev, sizeof(con->dev), "%s", real);
	if ((r = lock_take(con, err, errsize)))
		return r;
	fd = open(real, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errsize, "cannot open console '%s': %s", path,
			 r == -EBUSY ? "in exclusive use by another program (TIOCEXCL)" : strerror(-r));
		goto fail;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		snprintf(err, errsize, "cannot open console '%s': another program holds it (flock)", path);
		close(fd);
		r = -EBUSY;
		goto fail;
	}
	if (tcgetattr(fd, &con->saved) < 0) {
		r = -errno;
		snprintf(err, errsize, "console '%s' is not a tty: %s", path, strerror(-r));
		close(fd);
		goto fail;
	}
	con->have_saved = true;
	t = con->saved;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(CRTSCTS | CSTOPB);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (code)
		cfsetspeed(&t, code);
	if (tcsetattr(fd, TCSANOW, &t) < 0) {
		r = -errno;
		snprintf(err, errsize, "cannot set console '%s' to raw at %d baud: %s", path, con->c->speed,
			 strerror(-r));
		close(fd);
		con->have_saved = false;
		goto fail;
	}
	/* programs that honour no lock still get EBUSY now (ENOTTY-safe) */
	ioctl(fd, TIOCEXCL);
	con->fd = fd;
	return 0;
fail:
	if (con->lock[0])
		unlink(con->lock);
	con->lock[0] = '\0';
	return r;
}

void console_tty_close(struct console *con)
{
	if (con->fd >= 0) {
		ioctl(con->fd, TIOCNXCL);
		if (con->have_saved)
			tcsetattr(con->fd, TCSANOW, &con->saved);
		close(con->fd);
	}
	con->fd = -1;
	con->have_saved = false;
	if (con->lock[0])
		unlink(con->lock);
	con->lock[0] = '\0';
}

int console_tty_break(struct console *con)
{
	/* 0: between 0.25 and 0.5 s, which every UART's break detector sees */
	return tcsendbreak(con->fd, 0) < 0 ? -errno : 0;
}
