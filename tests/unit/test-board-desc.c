// SPDX-License-Identifier: MIT
/*
 * test-board-desc: commands split into argv without a shell (a table, the
 * expected words written by hand after what bash makes of each line), and
 * labgrid's sysfs GPIO numbers mapped to chip and offset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board/board-desc.h"
#include "tap.h"

/* clang-format off */
static const struct {
	const char *line;
	const char *words; /* the argv joined by '|', or NULL when refused */
	char refused;      /* the operator the error names */
} split[] = {
	{ "telnet localhost 7001", "telnet|localhost|7001", 0 },
	{ "  pduclient\t--daemon  localhost --hostname pdu01 --port 3 --command on ",
	  "pduclient|--daemon|localhost|--hostname|pdu01|--port|3|--command|on", 0 },
	{ "relay-ctl --port 'outlet 2' on", "relay-ctl|--port|outlet 2|on", 0 },
	{ "echo \"a \\\"b\\\" c\" d\\ e", "echo|a \"b\" c|d e", 0 },
	{ "x 'it''s' \"\"", "x|its|", 0 },
	{ "usbrelay HURTM_1=0 a~b c#d", "usbrelay|HURTM_1=0|a~b|c#d", 0 },
	{ "'&&' \"|\" '$HOME'", "&&|||$HOME", 0 },
	{ "relay 3 on && sleep 1", NULL, '&' },
	{ "relay 3 on; sleep 1", NULL, ';' },
	{ "relay 3 on | tee log", NULL, '|' },
	{ "relay 3 on > /dev/null", NULL, '>' },
	{ "relay $PORT on", NULL, '$' },
	{ "relay \"$PORT\" on", NULL, '$' },
	{ "relay `cat port` on", NULL, '`' },
	{ "relay (3) on", NULL, '(' },
	{ "rm *.log", NULL, '*' },
	{ "cat ~/x", NULL, '~' },
	{ "relay on # comment", NULL, '#' },
	{ "relay 'on", NULL, '\'' },
	{ "relay \"on", NULL, '"' },
	{ "   ", NULL, 0 },
};
/* clang-format on */

static void join(char **argv, char *buf, size_t size)
{
	buf[0] = '\0';
	for (char **a = argv; *a; a++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", a == argv ? "" : "|", *a);
}

static void mkchip(const char *dir, const char *name, int base, int ngpio, const char *label)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/base", dir, name);
	f = fopen(p, "w");
	fprintf(f, "%d\n", base);
	fclose(f);
	snprintf(p, sizeof(p), "%s/%s/ngpio", dir, name);
	f = fopen(p, "w");
	fprintf(f, "%d\n", ngpio);
	fclose(f);
	snprintf(p, sizeof(p), "%s/%s/label", dir, name);
	f = fopen(p, "w");
	fprintf(f, "%s\n", label);
	fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/test-board-desc-XXXXXX", buf[512], err[512], *chip;
	int off;

	for (size_t i = 0; i < sizeof(split) / sizeof(split[0]); i++) {
		char **argv = NULL;
		int r = board_argv_split(split[i].line, &argv, err, sizeof(err));

		if (split[i].words) {
			if (r == 0)
				join(argv, buf, sizeof(buf));
			ok_str(r == 0 ? buf : err, split[i].words, "split [%s]", split[i].line);
		} else {
			char want[4] = {'\'', split[i].refused, '\'', 0};

			/* an open quote is named as "unterminated '" */
			if (split[i].refused == '\'' || split[i].refused == '"')
				snprintf(want, sizeof(want), "d %c", split[i].refused);
			ok(r == -22 && (!split[i].refused || strstr(err, want)), "refused [%s]: %s",
			   split[i].line, r ? err : "accepted");
		}
		board_argv_free(argv);
	}

	/* QEMU virt's pl061 in the arm64 guest has base 504 (peripherals.md); a
	 * second chip shows the search does not stop at the first */
	if (!mkdtemp(dir))
		return 1;
	mkchip(dir, "gpiochip504", 504, 8, "9030000.pl061");
	mkchip(dir, "gpiochip400", 400, 32, "usb-gpio");
	ok(board_gpio_sysfs_map(dir, 505, &chip, &off) == 0 && !strcmp(chip, "9030000.pl061") && off == 1,
	   "sysfs 505 is pl061 line 1");
	free(chip);
	ok(board_gpio_sysfs_map(dir, 431, &chip, &off) == 0 && !strcmp(chip, "usb-gpio") && off == 31,
	   "sysfs 431 is usb-gpio line 31");
	free(chip);
	ok(board_gpio_sysfs_map(dir, 512, &chip, &off) == -2, "sysfs 512 is past every chip: -ENOENT");
	ok(board_gpio_sysfs_map(dir, 399, &chip, &off) == -2, "sysfs 399 is before every chip: -ENOENT");
	snprintf(buf, sizeof(buf), "rm -rf '%s'", dir);
	if (system(buf))
		diag("cannot remove %s", dir);
	return tap_done();
}
