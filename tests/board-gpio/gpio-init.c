// SPDX-License-Identifier: MIT
/*
 * gpio-init.c - PID 1 of tests/t-board-gpio.sh: oopsfarm's GPIO relay code
 * (tools/board/power-gpiod.c, linked as it is, built static for aarch64
 * with Debian's libgpiod-dev:arm64) driving real lines of QEMU virt's
 * pl061 under Debian's own arm64 kernel.
 *
 * The guest cannot judge the lines itself: reading a line back through
 * libgpiod turns it into an input.  So at each step it prints
 *   GPIO-STEP name ...
 * on the console and waits for a line on the console; meanwhile the host
 * reads the pl061's data and direction registers through the QEMU monitor.
 * Results of calls that need no outside check are printed as
 *   GPIO-RESULT name r=-ERRNO err=MESSAGE
 * and the last line is GPIO-DONE, then the guest powers off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board/power.h"

static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* one write per line: the kernel's console output cannot split it */
	if (write(1, line, (size_t)n) < 0)
		return;
}

/* Tells the host where we are and waits until it has looked. */
static void step(const char *name)
{
	char c;

	say("GPIO-STEP %s", name);
	while (read(0, &c, 1) == 1 && c != '\n')
		;
}

static void die(void)
{
	say("GPIO-DONE failed");
	sync();
	reboot(RB_POWER_OFF);
	_exit(1);
}

static struct power_gpio *request(const char *chip, int line, bool active_low, bool on)
{
	struct board_power pw = {
	    .kind = POWER_GPIO, .chip = (char *)chip, .line = line, .active_low = active_low};
	struct power_gpio *g = NULL;
	char err[256];
	int r = power_gpio_request(&pw, on, "oopsfarm-test", &g, err, sizeof(err));

	if (r < 0) {
		say("GPIO-RESULT request-%s-%d r=%d err=%s", chip, line, r, err);
		die();
	}
	return g;
}

static void set(struct power_gpio *g, bool on)
{
	char err[256];
	int r = power_gpio_set(g, on, err, sizeof(err));

	if (r < 0) {
		say("GPIO-RESULT set r=%d err=%s", r, err);
		die();
	}
}

/* A request that must fail: its errno and message go to the host. */
static void refused(const char *name, const char *chip, int line)
{
	struct board_power pw = {.kind = POWER_GPIO, .chip = (char *)chip, .line = line};
	struct power_gpio *g = NULL;
	char err[256] = "";
	int r = power_gpio_request(&pw, true, "oopsfarm-second", &g, err, sizeof(err));

	say("GPIO-RESULT %s r=%d err=%s", name, r, err);
	power_gpio_release(g);
}

int main(void)
{
	struct power_gpio *g;
	char what[64];
	int fd;

	/* the initramfs holds only /init: devtmpfs gives /dev/console and
	 * /dev/gpiochip0; libgpiod checks in sysfs that a chip is one */
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0 && errno != EBUSY)
		return 1;
	mkdir("/sys", 0755);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
		return 1;
	fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return 1;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);

	step("start");

	/* line 1, active-high, by chip name: on is high */
	g = request("gpiochip0", 1, false, true);
	power_gpio_describe(g, what, sizeof(what));
	say("GPIO-RESULT describe %s", what);
	step("line1-on");
	sleep(1);
	step("line1-on-held");
	set(g, false);
	step("line1-off");
	refused("busy", "gpiochip0", 1);
	set(g, true);
	step("line1-on-again");
	power_gpio_release(g);
	step("line1-released");

	/* line 2, active-low, the chip by its label: on is low */
	g = request("9030000.pl061", 2, true, true);
	step("line2-on");
	set(g, false);
	step("line2-off");
	power_gpio_release(g);

	refused("nochip", "gpiochip7", 1);
	refused("noline", "gpiochip0", 8);
	say("GPIO-DONE ok");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
