/* SPDX-License-Identifier: MIT */
/*
 * console.h - a real board's serial console, local or on the network, read
 * without blocking by the farm's event loop or `oopsfarm board console`.
 *
 * Kinds (board-desc.h, struct board_console):
 *   tty      console-tty.c: termios raw mode at the described speed, held
 *            exclusively (TIOCEXCL, flock, and a UUCP lock file
 *            LCK..NAME in $OOPSFARM_LOCK_DIR or /run/lock, as picocom and
 *            tio do), the settings restored on close;
 *   tty-usb  the same, on the adapter that matches (serial-list.h);
 *   raw      console-net.c: a TCP byte stream (ser2net `tcp`);
 *   telnet   telnet, options negotiated and stripped (ser2net `telnet`);
 *   rfc2217  telnet with the COM-PORT-OPTION: the speed is set, breaks sent
 *            as SET-CONTROL (ser2net `telnet(rfc2217)`, labgrid's default).
 *
 * A console that goes away (a USB adapter unplugged while its board is off,
 * a ser2net connection dropped) is reopened by console_tick(): a tty by the
 * path it was described with, so a /dev/serial/by-id name finds the
 * adapter again whatever ttyUSBn it gets.  console_fd() is -1 meanwhile.
 *
 * All functions return 0 (or a count) or -errno, with a message in err
 * where they take one; none prints.
 */
#ifndef OOPSFARM_BOARD_CONSOLE_H
#define OOPSFARM_BOARD_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "board-desc.h"

struct console;

/*
 * Opens the console described by c.  -ENOENT the tty or adapter is not
 * there; -EBUSY another program holds it (err names the lock and pid);
 * -EACCES; -ECONNREFUSED and friends for network consoles; -EINVAL a speed
 * termios cannot set.  c must outlive the console.
 */
int console_open(const struct board_console *c, struct console **ret, char *err, size_t errsize);

/* The fd to poll for input, or -1 while the console is gone. */
int console_fd(const struct console *con);

/*
 * Reads what has arrived, board bytes only (telnet commands removed), at
 * most n.  0 when nothing is there now; -ENODEV when the console just went
 * away (then console_fd() is -1 until console_tick() reopens it).
 */
ssize_t console_read(struct console *con, void *buf, size_t n);

/* Drops everything that arrived and was not read (bytes of an earlier boot). */
void console_discard(struct console *con);

/* Writes all of buf (telnet: 0xff doubled).  -ENODEV while gone. */
int console_write(struct console *con, const void *buf, size_t n);

/*
 * Tries to reopen a console that went away: 1 reopened now, 0 still gone
 * (or never lost).  Cheap enough to call on every tick.
 */
int console_tick(struct console *con);
bool console_gone(const struct console *con);
/* How many times the console was reopened. */
int console_reopens(const struct console *con);

/*
 * A serial break (tty: tcsendbreak; telnet: IAC BREAK; RFC 2217:
 * SET-CONTROL break on, 250 ms, off).  -EOPNOTSUPP on a raw TCP console,
 * which has no way to send one.
 */
int console_break(struct console *con);

/*
 * The magic SysRq keys over serial, the way engineers type them: for each
 * key a break, then the key.  "wt" asks for blocked tasks, then all tasks.
 * 0, or the break's error (nothing is sent without a break).
 */
int console_sysrq(struct console *con, const char *keys);

/* Closes, restoring a tty's settings and dropping its locks; NULL is fine. */
void console_close(struct console *con);

/*
 * The telnet stream filter (console-net.c), exposed for its table test.
 * Feeds n received bytes; puts the board's bytes in out (at most n) and
 * the replies the protocol needs in reply (at most 3 * n bytes).  Returns
 * the number of board bytes.
 */
struct telnet_state {
	int state;
	unsigned char cmd;
	bool rfc2217;
	unsigned char answered[2][256 / 8]; /* options already answered, per DO and WILL */
};
size_t telnet_filter(struct telnet_state *st, const unsigned char *in, size_t n, unsigned char *out,
		     unsigned char *reply, size_t *ret_reply_len);

#endif
