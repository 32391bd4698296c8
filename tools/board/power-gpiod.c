// SPDX-License-Identifier: MIT
/*
 * power-gpiod.c - a relay on a GPIO line, through libgpiod's v1 API (the
 * one in Debian 12, libgpiod 1.6; it speaks the kernel's v1 character
 * device uAPI, so the kernel needs CONFIG_GPIO_CDEV_V1).  Everything that
 * knows libgpiod's API is in this file: a v2 port touches nothing else.
 *
 * The level holds only while the request does: releasing it hands the line
 * back to the chip (most keep the last value, gpio-sim returns to its pull).
 */
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "power.h"

struct power_gpio {
	struct gpiod_chip *chip;
	struct gpiod_line *line;
	char what[128];
};

int power_gpio_request(const struct board_power *pw, bool on, const char *consumer, struct power_gpio **ret,
		       char *err, size_t errsize)
{
	struct power_gpio *g;
	int r, flags = pw->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;

	if (!pw->chip || (pw->line < 0 && !pw->line_name)) {
		snprintf(err, errsize, "GPIO power: no chip or line given");
		return -EINVAL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	/* a name (gpiochip0), a path, a number or a label (9030000.pl061) */
	g->chip = gpiod_chip_open_lookup(pw->chip);
	if (!g->chip) {
		r = errno ? -errno : -ENOENT;
		snprintf(err, errsize, "GPIO chip '%s': %s", pw->chip,
			 r == -ENOENT ? "no such chip (gpiodetect lists them)" : strerror(-r));
		free(g);
		return r;
	}
	if (pw->line_name)
		g->line = gpiod_chip_find_line(g->chip, pw->line_name);
	else
		g->line = gpiod_chip_get_line(g->chip, (unsigned)pw->line);
	if (!g->line) {
		r = errno && errno != ENOENT ? -errno : -ENOENT;
		if (pw->line_name)
			snprintf(err, errsize, "GPIO chip '%s' has no line named '%s'", pw->chip,
				 pw->line_name);
		else
			snprintf(err, errsize, "GPIO chip '%s' has no line %d (it has %u)", pw->chip,
				 pw->line, gpiod_chip_num_lines(g->chip));
		gpiod_chip_close(g->chip);
		free(g);
		return r;
	}
	snprintf(g->what, sizeof(g->what), "%s line %u", gpiod_chip_name(g->chip),
		 gpiod_line_offset(g->line));
	if (gpiod_line_request_output_flags(g->line, consumer, flags, on ? 1 : 0) < 0) {
		r = -errno;
		if (r == -EBUSY && gpiod_line_update(g->line) == 0 && gpiod_line_consumer(g->line))
			snprintf(err, errsize, "%s is busy: held by '%s'", g->what,
				 gpiod_line_consumer(g->line));
		else
			snprintf(err, errsize, "cannot request %s as an output: %s", g->what, strerror(-r));
		gpiod_chip_close(g->chip);
		free(g);
		return r;
	}
	*ret = g;
	return 0;
}

int power_gpio_set(struct power_gpio *g, bool on, char *err, size_t errsize)
{
	if (gpiod_line_set_value(g->line, on ? 1 : 0) < 0) {
		int r = -errno;

		snprintf(err, errsize, "cannot set %s: %s", g->what, strerror(-r));
		return r;
	}
	return 0;
}

void power_gpio_describe(const struct power_gpio *g, char *buf, size_t size)
{
	snprintf(buf, size, "%s", g->what);
}

void power_gpio_release(struct power_gpio *g)
{
	if (!g)
		return;
	gpiod_line_release(g->line);
	gpiod_chip_close(g->chip);
	free(g);
}
