// SPDX-License-Identifier: MIT
/*
 * power-pdu.c - pdudaemon's two listeners, spoken directly (Debian 12 has
 * no pduclient):
 *   TCP   "PDU PORT COMMAND[ DELAY]", answered "ack\n" or "nack\n" once the
 *         request has run through pdudaemon's queue (a reboot: after its
 *         delay), then closed;
 *   HTTP  GET /power/control/COMMAND?hostname=PDU&port=PORT[&delay=D],
 *         answered 200 "OK - accepted request" or 500 "Invalid request".
 * Both answer the same whether or not the PDU did what it was told
 * (pdudaemon retries and logs, then says "ack" anyway).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "power.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A connected TCP socket to host:port, or -errno. */
static int tcp_connect(const char *host, int port, double timeout_s)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	char service[16];
	int fd = -1, r = -EHOSTUNREACH;

	snprintf(service, sizeof(service), "%d", port);
	if (getaddrinfo(host, service, &hints, &res))
		return -EHOSTUNREACH;
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd p;
		socklen_t len = sizeof(r);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			r = -errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) {
			r = -errno;
			close(fd);
			fd = -1;
			continue;
		}
		p = (struct pollfd){.fd = fd, .events = POLLOUT};
		if (poll(&p, 1, (int)(timeout_s * 1000)) != 1) {
			r = -ETIMEDOUT;
		} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &r, &len) == 0 && r == 0) {
			break;
		} else {
			r = r > 0 ? -r : -ECONNREFUSED;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd >= 0 ? fd : r;
}

/* Sends req, reads the whole answer (the server closes) into ans. */
static int exchange(int fd, const char *req, char *ans, size_t size, double timeout_s)
{
	size_t off = 0, len = strlen(req);
	double end = now_s() + timeout_s;

	while (off < len) {
		ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		struct pollfd p = {.fd = fd, .events = POLLOUT};

		if (n > 0) {
			off += n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (poll(&p, 1, (int)((end - now_s()) * 1000)) <= 0)
			return -ETIMEDOUT;
	}
	off = 0;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		double left = end - now_s();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, ans + off, size - 1 - off, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -errno;
		off += n;
		if (n == 0 || off == size - 1)
			break;
	}
	ans[off] = '\0';
	return 0;
}

/* percent-encoding of a query value */
static void url_encode(const char *s, char *out, size_t size)
{
	size_t o = 0;

	for (; *s && o + 4 < size; s++) {
		unsigned char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c))
			out[o++] = c;
		else
			o += snprintf(out + o, size - o, "%%%02X", c);
	}
	out[o] = '\0';
}

int power_pdu_request(const struct board_pdu *p, int delay_s, char *err, size_t errsize)
{
	char req[1024], ans[2048], delay[32] = "", epdu[256], eport[128];
	/* a reboot's answer comes after its delay (5 s by default) */
	double timeout = POWER_TIMEOUT_S + (delay_s > 0 ? delay_s : 5);
	const char *lname = p->listener == PDU_HTTP ? "http" : "tcp";
	int fd, r, status = 0;

	fd = tcp_connect(p->daemon, p->daemon_port, 10);
	if (fd < 0) {
		snprintf(err, errsize, "pdudaemon at %s:%d (%s): cannot connect: %s", p->daemon,
			 p->daemon_port, lname, strerror(-fd));
		return fd;
	}
	if (p->listener == PDU_TCP) {
		if (delay_s >= 0)
			snprintf(delay, sizeof(delay), " %d", delay_s);
		snprintf(req, sizeof(req), "%s %s %s%s", p->pdu, p->port, p->command, delay);
	} else {
		if (delay_s >= 0)
			snprintf(delay, sizeof(delay), "&delay=%d", delay_s);
		url_encode(p->pdu, epdu, sizeof(epdu));
		url_encode(p->port, eport, sizeof(eport));
		snprintf(req, sizeof(req),
			 "GET /power/control/%s?hostname=%s&port=%s%s HTTP/1.0\r\nHost: %s:%d\r\n"
			 "Connection: close\r\n\r\n",
			 p->command, epdu, eport, delay, p->daemon, p->daemon_port);
	}
	r = exchange(fd, req, ans, sizeof(ans), timeout);
	close(fd);
	if (r < 0) {
		snprintf(err, errsize, "pdudaemon at %s:%d (%s): %s %s %s: %s", p->daemon, p->daemon_port,
			 lname, p->pdu, p->port, p->command, strerror(-r));
		return r;
	}
	ans[strcspn(ans, "\r\n")] = '\0';
	if (p->listener == PDU_TCP) {
		if (!strcmp(ans, "ack"))
			return 0;
		r = !strcmp(ans, "nack") ? -EREMOTEIO : -EPROTO;
	} else {
		if (sscanf(ans, "HTTP/%*d.%*d %d", &status) == 1 && status == 200)
			return 0;
		r = status >= 400 ? -EREMOTEIO : -EPROTO;
	}
	snprintf(err, errsize, "pdudaemon at %s:%d (%s) %s '%s %s %s': '%.200s'", p->daemon, p->daemon_port,
		 lname, r == -EREMOTEIO ? "refused" : "gave an unknown answer to", p->pdu, p->port,
		 p->command, ans);
	return r;
}
