// SPDX-License-Identifier: MIT
/*
 * test-desk-flash: the desk kind's flasher (board/desk.c) as the farm
 * drives it, with a Pixel-like device on USB: tests/unit/fake-fastboot
 * stands in for the client and the phone (the one part that cannot exist
 * here; tests/t-fastboot-desk.sh runs the same code against U-Boot's real
 * UDP fastboot, which has no set_active).  The console is a real pty, the
 * power a real command, the ledger the real store.  Checked through the
 * argv the fake recorded: the product check before anything, each slot
 * flashed once (the ledger), set_active with the variant's slot, a slot
 * flashed again after a failed flash, a slot that booted the wrong kernel
 * twice no longer flashed, and the RAM boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/board.h"
#include "core/farm.h"
#include "store/ledger.h"
#include "tap.h"

static char dir[] = "/tmp/oopsfarm-deskfb-XXXXXX";
static char tty[256];

static void put(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *take_log(void)
{
	char p[512], *s;

	snprintf(p, sizeof(p), "%s/log", dir);
	s = tap_slurp(p, NULL);
	put("log", "");
	return s ? s : strdup("");
}

/* "getvar product flash boot_a set_active a continue": the commands, in order */
static void commands(const char *log, char *out, size_t n)
{
	const char *p = log;

	out[0] = '\0';
	/* each call: -s SERIAL ARGS... -- ; keep ARGS (file paths dropped) */
	while ((p = strstr(p, "-s\n"))) {
		const char *e = strstr(p, "\n--\n"), *a;
		int word = 0;

		if (!e)
			break;
		p = strchr(p + 3, '\n') + 1; /* past the serial */
		for (a = p; a < e; word++) {
			const char *nl = strchr(a, '\n');

			if (!nl || nl > e)
				nl = e;
			if (word < 2 && *a != '/')
				snprintf(out + strlen(out), n - strlen(out), "%s%.*s", out[0] ? " " : "",
					 (int)(nl - a), a);
			a = nl + 1;
		}
		p = e + 4;
	}
}

static void description(const char *method, const char *product)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "kind: desk\nname: pixel\nconsole: {tty: \"%s\"}\n"
		 "power: {command: {on: [true], off: [true]}}\n"
		 "flash:\n  fastboot: {serial: 1A2B3C4D}\n  product: %s\n  method: %s\n  wait: 2\n"
		 "  image: {header_version: 4}\n",
		 tty, product, method);
	put("pixel.yaml", text);
}

struct run {
	int r;
	struct board_result res;
	char cmds[512];
};

/* One boot's start (then an abort: the console part is the desk tests'). */
static struct run boot(struct store *s, const char *variant, int index, const char *build_id)
{
	char path[512], kernel[512], initrd[512], log[512];
	struct board_ledger lg = farm_ledger(s);
	const struct board_kind *k;
	struct board *b;
	struct run out = {0};
	char *l;

	snprintf(path, sizeof(path), "%s/pixel.yaml", dir);
	snprintf(kernel, sizeof(kernel), "%s/Image-%s", dir, variant);
	snprintf(initrd, sizeof(initrd), "%s/initrd", dir);
	snprintf(log, sizeof(log), "%s/console.log", dir);
	put(kernel + strlen(dir) + 1, build_id);
	k = board_kind_find(path);
	b = k ? k->ops->create(0, path) : NULL;
	if (!b) {
		out.r = -ENOENT;
		return out;
	}
	out.r = k->ops->start(b, &(struct board_boot){.kernel = kernel,
						      .initrd = initrd,
						      .append = "console=ttySAC0,115200",
						      .log_path = log,
						      .limits = {.start = 5, .settle = 0},
						      .variant = variant,
						      .variant_index = index,
						      .build_id = build_id,
						      .work_dir = dir,
						      .ledger = &lg});
	k->ops->abort(b);
	k->ops->result(b, &out.res);
	k->ops->destroy(b);
	l = take_log();
	commands(l, out.cmds, sizeof(out.cmds));
	free(l);
	return out;
}

/* console= of a setup's kernels: one rule (board_kernel_console()), a table */
static void test_kernel_console(void)
{
	static const struct {
		const char *file, *yaml; /* file NULL: yaml is a kind's name */
		int ret;
		const char *want; /* the console, or a word of the error */
	} cases[] = {
	    {NULL, "qemu-smmuv3", 0, "ttyAMA0"},
	    {NULL, "replay", 0, ""},
	    {"pixel.yaml", "kind: desk\nconsole: {tty: /dev/ttyUSB0, kernel: \"ttySAC0,115200n8\"}\n", 0,
	     "ttySAC0,115200n8"},
	    {"plain.yaml", "kind: desk\nconsole: {tty: /dev/ttyUSB0}\n", 0, ""},
	    {"two.yaml", "kind: desk\nconsole: {tty: /dev/ttyUSB0, kernel: ttyS0 quiet}\n", -ENOENT,
	     "console.kernel"},
	    {"eq.yaml", "kind: desk\nconsole: {tty: /dev/ttyUSB0, kernel: \"console=ttyS0\"}\n", -ENOENT,
	     "one word"},
	    {NULL, "no-such-board", -ENOENT, "no kind"},
	};
	char *line, err[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[512], got[BOARD_KERNEL_CONSOLE_MAX + 1] = "?";
		const char *board = cases[i].yaml;
		int r;

		if (cases[i].file) {
			put(cases[i].file, cases[i].yaml);
			snprintf(path, sizeof(path), "%s/%s", dir, cases[i].file);
			board = path;
		}
		err[0] = 0;
		r = board_kernel_console(board, got, sizeof(got), err, sizeof(err));
		ok(r == cases[i].ret &&
		       (r ? strstr(err, cases[i].want) != NULL : !strcmp(got, cases[i].want)),
		   "kernel console of %s: %d '%s' (%s)", cases[i].file ? cases[i].file : cases[i].yaml, r,
		   r ? err : got, cases[i].want);
	}
	line = farm_cmdline(&(struct campaign){0}, "quiet", err, sizeof(err));
	ok(line && !strstr(line, "console=") && strstr(line, "panic=-1"),
	   "farm_cmdline leaves console= to each setup: '%s'", line ? line : err);
	free(line);
}

int main(void)
{
	char spath[512], *msg;
	struct store *s = NULL;
	struct store_slot sl;
	struct run r;
	int master, slave;

	if (!mkdtemp(dir) || openpty(&master, &slave, tty, NULL, NULL) < 0) {
		perror("test-desk-flash");
		return 1;
	}
	test_kernel_console();
	setenv("FAKE_FB_DIR", dir, 1);
	setenv("OOPSFARM_FASTBOOT", "tests/unit/fake-fastboot", 1);
	setenv("OOPSFARM_LOCK_DIR", dir, 1);
	put("product", "oriole\n");
	put("serialno", "1A2B3C4D\n");
	put("max-download-size", "0x100000\n");
	put("parts", "boot_a 65536\nboot_b 65536\nmisc 4096\n");
	put("mode", "ok");
	put("initrd", "ramdisk bytes");
	put("log", "");
	snprintf(spath, sizeof(spath), "%s/results.db", dir);
	ok_int(store_open(spath, &s), 0, "a store for the ledger");
	description("slots", "oriole");

	r = boot(s, "A", 0, "b1");
	ok_int(r.r, 0, "variant A's first boot starts");
	ok_str(r.cmds,
	       "getvar product getvar serialno getvar max-download-size getvar partition-size:boot_a flash "
	       "boot_a "
	       "set_active a continue",
	       "  product and serialno checked, the image's size, slot a flashed, set active, continued");
	ok(!strcmp(r.res.method, "slots") && !strcmp(r.res.slot, "a") && !strcmp(r.res.ledger_board, "pixel"),
	   "  the result says slots, slot a, board 'pixel'");
	ok(store_slot_get(s, "pixel", "a", &sl) == 0 && !strcmp(sl.state, "ok") &&
	       !strcmp(sl.build_id, "b1") && sl.flashes == 1,
	   "  the ledger: slot a holds b1, flashed once");
	r = boot(s, "B", 1, "b2");
	ok_str(r.cmds,
	       "getvar product getvar serialno getvar max-download-size getvar partition-size:boot_b flash "
	       "boot_b "
	       "set_active b continue",
	       "variant B: slot b");
	r = boot(s, "A", 0, "b1");
	ok_str(r.cmds, "getvar product getvar serialno set_active a continue", "A again: not flashed again");

	/* a new build of A: the slot holds another build-id */
	r = boot(s, "A", 0, "b3");
	ok_str(r.cmds,
	       "getvar product getvar serialno getvar max-download-size getvar partition-size:boot_a flash "
	       "boot_a "
	       "set_active a continue",
	       "a new build-id of A: slot a flashed again");

	/* a flash that fails: infra, and the retry flashes again */
	put("parts", "boot_b 65536\nmisc 4096\n");
	r = boot(s, "A", 0, "b4");
	ok(r.r < 0 && strstr(r.res.why, "boot_a"), "a partition the device lacks: start fails, named (%s)",
	   r.res.why);
	ok(!r.res.started, "  the boot never started (infra)");
	ok(store_slot_get(s, "pixel", "a", &sl) == 0 && !strcmp(sl.state, "failed"), "  the ledger: failed");
	put("parts", "boot_a 65536\nboot_b 65536\nmisc 4096\n");
	r = boot(s, "A", 0, "b4");
	ok_str(r.cmds,
	       "getvar product getvar serialno getvar max-download-size getvar partition-size:boot_a flash "
	       "boot_a "
	       "set_active a continue",
	       "  the retry flashes slot a again");

	/* slot b booted the wrong kernel twice (the farm's verdict marks it) */
	store_slot_set(s, "pixel", "b", NULL, "b1", "wrong");
	r = boot(s, "B", 1, "b2");
	ok_str(r.cmds,
	       "getvar product getvar serialno getvar max-download-size getvar partition-size:boot_b flash "
	       "boot_b "
	       "set_active b continue",
	       "slot b marked wrong once: flashed again");
	store_slot_set(s, "pixel", "b", NULL, "b1", "wrong");
	r = boot(s, "B", 1, "b2");
	ok(r.r < 0 && strstr(r.res.why, "not flashing it again") && !strstr(r.cmds, "flash"),
	   "wrong twice: not flashed again, infra (%s)", r.res.why);

	/* three variants do not fit two slots */
	r = boot(s, "C", 2, "b5");
	ok(r.r < 0 && strstr(r.res.why, "two variants"), "a third variant on A/B slots: refused (%s)",
	   r.res.why);

	/* another product: nothing but the check */
	description("slots", "raven");
	r = boot(s, "A", 0, "b6");
	ok(r.r < 0 && strstr(r.res.why, "is product 'oriole', the board description says 'raven'"),
	   "a wrong product: start fails, named");
	ok_str(r.cmds, "getvar product", "  nothing flashed, nothing booted");

	/* no device in fastboot mode: the wait ends */
	description("slots", "oriole");
	put("mode", "absent");
	r = boot(s, "A", 0, "b4");
	ok(r.r < 0 && strstr(r.res.why, "did not answer within"), "no device: start fails at flash.wait (%s)",
	   r.res.why);
	put("mode", "ok");

	/* RAM boot: the boot.img sent, nothing written */
	description("ram", "oriole");
	r = boot(s, "B", 1, "b2");
	ok_str(r.cmds, "getvar product getvar serialno getvar max-download-size boot",
	       "RAM boot: checked, then fastboot boot");
	ok(!strcmp(r.res.method, "ram") && !r.res.slot[0], "  the result says ram, no slot");

	store_close(s);
	close(master);
	close(slave);
	msg = NULL;
	if (asprintf(&msg, "rm -rf %s", dir) > 0 && system(msg) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(msg);
	return tap_done();
}
