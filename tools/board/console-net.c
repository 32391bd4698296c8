// SPDX-License-Identifier: MIT
/*
 * console-net.c - a serial console on the network, as ser2net serves it:
 * raw TCP, telnet (RFC 854: options refused but binary and suppress-go-ahead,
 * commands stripped), or telnet with RFC 2217's COM-PORT-OPTION, which
 * sets the port's speed and sends breaks.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console-backend.h"

enum {
	IAC = 255,
	DONT = 254,
	DO = 253,
	WONT = 252,
	WILL = 251,
	SB = 250,
	BRK = 243,
	SE = 240,
	OPT_BINARY = 0,
	OPT_ECHO = 1,
	OPT_SGA = 3,
	OPT_COM_PORT = 44,
	/* RFC 2217 client-to-server commands */
	CP_SET_BAUDRATE = 1,
	CP_SET_DATASIZE = 2,
	CP_SET_PARITY = 3,
	CP_SET_STOPSIZE = 4,
	CP_SET_CONTROL = 5,
	CP_BREAK_ON = 5,
	CP_BREAK_OFF = 6,
};

enum { TN_DATA, TN_IAC, TN_OPT, TN_SB, TN_SB_IAC };

/* the options we take on (WILL from us) and want the server to take (DO) */
static bool we_will(const struct telnet_state *st, unsigned char opt)
{
	return opt == OPT_BINARY || opt == OPT_SGA || (st->rfc2217 && opt == OPT_COM_PORT);
}

static bool they_may(unsigned char opt)
{
	return opt == OPT_BINARY || opt == OPT_SGA || opt == OPT_ECHO;
}

size_t telnet_filter(struct telnet_state *st, const unsigned char *in, size_t n, unsigned char *out,
		     unsigned char *reply, size_t *ret_reply_len)
{
	size_t o = 0, rl = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char b = in[i];

		switch (st->state) {
		case TN_DATA:
			if (b == IAC)
				st->state = TN_IAC;
			else
				out[o++] = b;
			break;
		case TN_IAC:
			st->state = TN_DATA;
			if (b == IAC)
				out[o++] = IAC; /* an escaped 0xff data byte */
			else if (b >= WILL && b <= DONT) {
				st->cmd = b;
				st->state = TN_OPT;
			} else if (b == SB)
				st->state = TN_SB;
			/* NOP, GA, DM, AYT...: nothing to do */
			break;
		case TN_OPT: {
			/* answer each request once: a loop of replies is the classic telnet bug */
			int which = st->cmd == DO || st->cmd == DONT ? 0 : 1;
			unsigned char *seen = &st->answered[which][b / 8], bit = 1u << (b % 8), ans;

			st->state = TN_DATA;
			if (st->cmd == DO)
				ans = we_will(st, b) ? WILL : WONT;
			else if (st->cmd == WILL)
				ans = they_may(b) ? DO : DONT;
			else if (st->cmd == DONT)
				ans = WONT;
			else
				ans = DONT;
			if (*seen & bit)
				break;
			*seen |= bit;
			reply[rl++] = IAC;
			reply[rl++] = ans;
			reply[rl++] = b;
			break;
		}
		case TN_SB:
			/* subnegotiations (RFC 2217 notifications) carry no console bytes */
			if (b == IAC)
				st->state = TN_SB_IAC;
			break;
		case TN_SB_IAC:
			st->state = b == SE ? TN_DATA : TN_SB;
			break;
		}
	}
	*ret_reply_len = rl;
	return o;
}

static int com_port(struct console *con, unsigned char cmd, const unsigned char *val, size_t vl)
{
	unsigned char buf[32];
	size_t l = 0;

	buf[l++] = IAC;
	buf[l++] = SB;
	buf[l++] = OPT_COM_PORT;
	buf[l++] = cmd;
	for (size_t i = 0; i < vl; i++) {
		buf[l++] = val[i];
		if (val[i] == IAC)
			buf[l++] = IAC;
	}
	buf[l++] = IAC;
	buf[l++] = SE;
	return console_write_all(con->fd, buf, l);
}

int console_net_open(struct console *con, char *err, size_t errsize)
{
	const struct board_console *c = con->c;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	char service[16];
	int fd = -1, r = -EHOSTUNREACH;

	snprintf(service, sizeof(service), "%d", c->port);
	if ((r = getaddrinfo(c->host, service, &hints, &res))) {
		snprintf(err, errsize, "console %s:%d: %s", c->host, c->port, gai_strerror(r));
		return -EHOSTUNREACH;
	}
	r = -EHOSTUNREACH;
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		/* a blocking connect: ser2net is local or on the lab's LAN */
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			r = -errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errsize, "cannot connect to console %s:%d: %s", c->host, c->port, strerror(-r));
		return r;
	}
	con->fd = fd;
	memset(&con->tn, 0, sizeof(con->tn));
	con->tn.rfc2217 = c->kind == CONSOLE_RFC2217;
	/* Plain telnet stays passive, as telnet(1) to a port other than 23 does:
	 * LAVA's `telnet HOST PORT` often reaches a raw ser2net port, where
	 * negotiation bytes would land on the board's UART.  RFC 2217 is
	 * asked for explicitly, and its client speaks first. */
	if (c->kind == CONSOLE_RFC2217) {
		unsigned char hello[] = {IAC, WILL, OPT_BINARY, IAC, DO,   OPT_BINARY,	IAC, WILL, OPT_SGA,
					 IAC, DO,   OPT_SGA,	IAC, WILL, OPT_COM_PORT};

		/* what we asked for counts as answered, so the server's echo of it is not answered again */
		con->tn.answered[0][OPT_BINARY / 8] |= 1u << OPT_BINARY;
		con->tn.answered[1][OPT_BINARY / 8] |= 1u << OPT_BINARY;
		con->tn.answered[0][OPT_SGA / 8] |= 1u << OPT_SGA;
		con->tn.answered[1][OPT_SGA / 8] |= 1u << OPT_SGA;
		con->tn.answered[0][OPT_COM_PORT / 8] |= 1u << (OPT_COM_PORT % 8);
		r = console_write_all(fd, hello, sizeof(hello));
		if (!r && c->speed) {
			unsigned char baud[4] = {c->speed >> 24, c->speed >> 16, c->speed >> 8, c->speed};
			unsigned char eight = 8, none = 1, one = 1;

			if (!(r = com_port(con, CP_SET_BAUDRATE, baud, 4)) &&
			    !(r = com_port(con, CP_SET_DATASIZE, &eight, 1)) &&
			    !(r = com_port(con, CP_SET_PARITY, &none, 1)))
				r = com_port(con, CP_SET_STOPSIZE, &one, 1);
		}
		if (r < 0) {
			snprintf(err, errsize, "console %s:%d: RFC 2217 negotiation: %s", c->host, c->port,
				 strerror(-r));
			close(fd);
			con->fd = -1;
			return r;
		}
	}

	return 0;
}

ssize_t console_net_read(struct console *con, void *buf, size_t n)
{
	unsigned char raw[4096], reply[3 * sizeof(raw)];
	bool telnet = con->c->kind != CONSOLE_RAW;
	ssize_t got;
	size_t rl;

	if (!n)
		return 0;
	got = recv(con->fd, telnet ? raw : buf, telnet && n > sizeof(raw) ? sizeof(raw) : n, MSG_DONTWAIT);
	if (got == 0)
		return -ENODEV; /* the server closed */
	if (got < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -ENODEV;
	if (telnet) {
		/* a read of telnet commands only yields no board bytes: still no EOF */
		got = (ssize_t)telnet_filter(&con->tn, raw, got, buf, reply, &rl);
		if (rl)
			console_write_all(con->fd, reply, rl);
	}
	return got;
}

int console_net_write(struct console *con, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	unsigned char esc[2 * 256];
	size_t l = 0;
	int r;

	if (con->c->kind == CONSOLE_RAW)
		return console_write_all(con->fd, buf, n);
	for (size_t i = 0; i < n; i++) {
		esc[l++] = p[i];
		if (p[i] == IAC)
			esc[l++] = IAC;
		if (l >= sizeof(esc) - 2 || i == n - 1) {
			if ((r = console_write_all(con->fd, esc, l)))
				return r;
			l = 0;
		}
	}
	return 0;
}

int console_net_break(struct console *con)
{
	static const unsigned char brk[] = {IAC, BRK};
	unsigned char on = CP_BREAK_ON, off = CP_BREAK_OFF;
	int r;

	switch (con->c->kind) {
	case CONSOLE_TELNET:
		return console_write_all(con->fd, brk, sizeof(brk));
	case CONSOLE_RFC2217:
		if ((r = com_port(con, CP_SET_CONTROL, &on, 1)))
			return r;
		usleep(250000);
		return com_port(con, CP_SET_CONTROL, &off, 1);
	default:
		return -EOPNOTSUPP;
	}
}
