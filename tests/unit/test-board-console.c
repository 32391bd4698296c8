// SPDX-License-Identifier: MIT
/*
 * test-board-console: the telnet stream filter (board bytes out, each
 * option request answered once, subnegotiations dropped), fed whole and
 * byte by byte; USB adapter matching on labgrid's and pyserial's locations.
 */
#include <string.h>

#include "board/console.h"
#include "board/serial-list.h"
#include "tap.h"

/* clang-format off */
#define S(...) ((const unsigned char[]){ __VA_ARGS__ }), sizeof((const unsigned char[]){ __VA_ARGS__ })

/* IAC=255 DONT=254 DO=253 WONT=252 WILL=251 SB=250 SE=240; options:
 * 0 binary, 1 echo, 3 suppress-go-ahead, 5 status, 24 terminal type, 44 com-port */
static const struct {
	const char *what;
	const unsigned char *in;
	size_t n;
	bool rfc2217;
	const char *out;     /* board bytes */
	size_t out_n;
	const unsigned char *reply;
	size_t reply_n;
} cases[] = {
	{ "plain bytes pass", S('o', 'k', '\r', '\n'), false, "ok\r\n", 4, S(0) },
	{ "IAC IAC is one 0xff data byte", S('a', 255, 255, 'b'), false, "a\xff"
									   "b",
	  3, S(0) },
	{ "DO binary, DO sga: WILL both", S(255, 253, 0, 255, 253, 3), false, "", 0, S(255, 251, 0, 255, 251, 3) },
	{ "DO terminal type: WONT", S(255, 253, 24, 'x'), false, "x", 1, S(255, 252, 24) },
	{ "WILL echo: DO; WILL status: DONT", S(255, 251, 1, 255, 251, 5), false, "", 0,
	  S(255, 253, 1, 255, 254, 5) },
	{ "DO com-port without RFC 2217: WONT", S(255, 253, 44), false, "", 0, S(255, 252, 44) },
	{ "DO com-port with RFC 2217: WILL", S(255, 253, 44), true, "", 0, S(255, 251, 44) },
	{ "a request repeated is answered once", S(255, 253, 24, 255, 253, 24), false, "", 0, S(255, 252, 24) },
	{ "subnegotiation dropped, IAC IAC inside it too",
	  S('a', 255, 250, 44, 107, 255, 255, 0, 255, 240, 'b'), true, "ab", 2, S(0) },
	{ "NOP and GA are nothing", S('a', 255, 241, 255, 249, 'b'), false, "ab", 2, S(0) },
};
/* clang-format on */

int main(void)
{
	unsigned char out[64], reply[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t reply_n = cases[i].reply_n == 1 && !cases[i].reply[0] ? 0 : cases[i].reply_n;

		for (int bytewise = 0; bytewise < 2; bytewise++) {
			struct telnet_state st = {.rfc2217 = cases[i].rfc2217};
			size_t o = 0, rl = 0, r;

			if (!bytewise) {
				o = telnet_filter(&st, cases[i].in, cases[i].n, out, reply, &rl);
			} else {
				for (size_t k = 0; k < cases[i].n; k++) {
					o += telnet_filter(&st, cases[i].in + k, 1, out + o, reply + rl, &r);
					rl += r;
				}
			}
			ok(o == cases[i].out_n && !memcmp(out, cases[i].out, o) && rl == reply_n &&
			       !memcmp(reply, cases[i].reply, rl),
			   "%s%s (%zu bytes out, %zu reply)", cases[i].what, bytewise ? ", byte by byte" : "",
			   o, rl);
		}
	}

	{
		struct serial_port p = {.vid = 0x0403, .pid = 0x6001};
		struct board_usb_match m = {0};

		strcpy(p.serial, "FT-BOARD-01");
		strcpy(p.location, "1-1.2");
		ok(serial_port_matches(&p, &m), "an empty match takes any adapter");
		m.serial = "FT-BOARD-01";
		m.location = "1.2";
		ok(serial_port_matches(&p, &m), "serial and labgrid's bus-less port path 1.2 match 1-1.2");
		m.location = "1-1.2";
		m.vid = 0x0403;
		ok(serial_port_matches(&p, &m), "sysfs location and VID match");
		m.location = "1.3";
		ok(!serial_port_matches(&p, &m), "another port does not");
		m.location = NULL;
		m.pid = 0x6015;
		ok(!serial_port_matches(&p, &m), "another PID does not");
		m.pid = 0;
		m.serial = "FT-BOARD-02";
		ok(!serial_port_matches(&p, &m), "another serial does not");
		strcpy(p.location, "1-1.2:1.1");
		m.serial = NULL;
		m.location = "1.2";
		ok(serial_port_matches(&p, &m),
		   "a multi-interface adapter's location 1-1.2:1.1 is at port 1.2");
	}
	return tap_done();
}
