// SPDX-License-Identifier: MIT
/*
 * test-fastboot: the flasher (tools/board/fastboot.c) against
 * tests/unit/fake-fastboot, a stand-in for the client with a phone on USB
 * (the only part that cannot exist here; tests/t-fastboot.sh drives the
 * same code against a real U-Boot fastboot).  The fake records every argv,
 * so the tests see exactly what would reach the device: the checks before
 * a flash, nothing after a refusal, set_active with its slot, arguments
 * passed verbatim (no shell), and a device that never answers killed at
 * the limit.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/fastboot.h"
#include "tap.h"

static char dir[] = "/tmp/oopsfarm-fakefb-XXXXXX";

static void put(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *get(const char *name)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	char *s = tap_slurp(p, NULL);
	return s ? s : strdup("");
}

/* a fresh device: a Pixel 6 on USB */
static void device(const char *mode)
{
	put("product", "oriole\n");
	put("serialno", "1A2B3C4D\n");
	put("max-download-size", "0x10000\n"); /* 64 KiB */
	put("parts", "boot_a 65536\nboot_b 65536\nmisc 4096\ndtbo_a 100\n");
	put("mode", mode);
	put("log", "");
	char p[256];
	snprintf(p, sizeof(p), "%s/current-slot", dir);
	unlink(p);
}

static struct fastboot_dev dev(const char *target)
{
	return (struct fastboot_dev){.tool = "tests/unit/fake-fastboot", .target = target, .timeout_s = 5};
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_targets(void)
{
	static const struct {
		const char *t;
		int want;
	} t[] = {
	    {"1A2B3C4D", FASTBOOT_USB},
	    {"udp:127.0.0.1", FASTBOOT_UDP},
	    {"udp:127.0.0.1:5554", FASTBOOT_UDP},
	    {"tcp:board7.lab:5555", FASTBOOT_TCP},
	    {"udp:fe80--1", FASTBOOT_UDP},
	    {"", -EINVAL},
	    {NULL, -EINVAL},
	    {"udp:", -EINVAL},
	    {"udp::5554", -EINVAL},
	    {"udp:host:0", -EINVAL},
	    {"udp:host:65536", -EINVAL},
	    {"udp:host:55x", -EINVAL},
	    {"tcp:host:", -EINVAL},
	    {"ser ial", -EINVAL},
	    {"usb:1-2", -EINVAL},
	    {"a\tb", -EINVAL},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok_int(fastboot_target_parse(t[i].t), t[i].want, "target '%s'", t[i].t ? t[i].t : "(null)");
}

static void test_check(void)
{
	device("ok");
	struct fastboot_dev d = dev("1A2B3C4D");
	ok_int(fastboot_check(&d, "oriole", "1A2B3C4D"), 0, "check: product and serialno match");
	char *log = get("log");
	ok_str(log, "-s\n1A2B3C4D\ngetvar\nproduct\n--\n-s\n1A2B3C4D\ngetvar\nserialno\n--\n",
	       "check: getvar product, then serialno, with -s SERIAL in front");
	free(log);

	device("ok");
	ok_int(fastboot_check(&d, "raven", "1A2B3C4D"), -ENXIO, "check: another product is -ENXIO");
	ok(strstr(d.why, "is product 'oriole', the board description says 'raven'") != NULL,
	   "check: why names both");
	device("ok");
	ok_int(fastboot_check(&d, "oriole", "99999999"), -ENXIO, "check: another serialno is -ENXIO");
	device("ok");
	d = dev("udp:127.0.0.1:5554");
	ok_int(fastboot_check(&d, "oriole", "99999999"), 0, "check over udp: serialno is not compared");
	log = get("log");
	ok_int(count(log, "serialno"), 0, "check over udp: serialno not even asked");
	free(log);
}

static void test_flash(void)
{
	char img[256], big[256], name[256];
	snprintf(img, sizeof(img), "%s/boot.img", dir);
	snprintf(big, sizeof(big), "%s/big.img", dir);
	/* a file name a shell would split and run: the argv carries it verbatim */
	snprintf(name, sizeof(name), "%s/x; touch pwned $(id).img", dir);
	FILE *f = fopen(img, "w");
	for (int i = 0; i < 5000; i++)
		fputc(1 + i % 250, f); /* no NUL: compared as strings below */
	fclose(f);
	f = fopen(big, "w");
	for (int i = 0; i < 70000; i++)
		fputc(i, f);
	fclose(f);
	f = fopen(name, "w");
	fputs("x", f);
	fclose(f);

	device("ok");
	struct fastboot_dev d = dev("1A2B3C4D");
	ok_int(fastboot_flash(&d, "boot_b", img), 0, "flash boot_b");
	char *log = get("log");
	char want[1024];
	snprintf(
	    want, sizeof(want),
	    "-s\n1A2B3C4D\ngetvar\nmax-download-size\n--\n-s\n1A2B3C4D\ngetvar\npartition-size:boot_b\n--\n"
	    "-s\n1A2B3C4D\nflash\nboot_b\n%s\n--\n",
	    img);
	ok_str(log, want, "flash: size checks, then flash PARTITION FILE");
	free(log);
	char *flashed = get("flashed-boot_b"), *orig = get("boot.img");
	ok(!strcmp(flashed, orig) && strlen(orig) > 0, "flash: the device got the file");
	free(flashed);
	free(orig);

	device("ok");
	ok_int(fastboot_flash(&d, "misc", name), 0, "flash: a file name with ; and $( )");
	log = get("log");
	ok(strstr(log, "flash\nmisc\n") && strstr(log, "x; touch pwned $(id).img\n--\n"),
	   "flash: name passed verbatim");
	ok(access("pwned", F_OK) != 0, "flash: no shell ran it");
	free(log);

	static const struct {
		const char *what, *part, *file;
		int want;
		const char *why;
	} bad[] = {
	    {"larger than max-download-size", "boot_a", "big", -EFBIG, "max-download-size (65536)"},
	    {"larger than the partition", "dtbo_a", "boot", -ENOSPC, "larger than partition 'dtbo_a' (100)"},
	    {"no such partition", "vendor_boot_a", "boot", -ENOENT, "has no partition 'vendor_boot_a'"},
	    {"no such file", "boot_a", "nofile", -ENOENT, "cannot read image"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		device("ok");
		char p[256];
		snprintf(p, sizeof(p), "%s/%s.img", dir, bad[i].file);
		d.why[0] = 0;
		ok_int(fastboot_flash(&d, bad[i].part, p), bad[i].want, "flash refused: %s", bad[i].what);
		ok(strstr(d.why, bad[i].why) != NULL, "flash refused: %s: '%s'", bad[i].what, d.why);
		log = get("log");
		ok_int(count(log, "\nflash\n"), 0, "flash refused: %s: no flash command sent", bad[i].what);
		free(log);
	}
}

static void test_slots(void)
{
	device("ok");
	struct fastboot_dev d = dev("1A2B3C4D");
	ok_int(fastboot_set_active(&d, "b"), 0, "set_active b");
	char v[32];
	ok(fastboot_getvar(&d, "current-slot", v, sizeof(v)) == 0 && !strcmp(v, "b"),
	   "current-slot is b after it");
	ok_int(fastboot_set_active(&d, "_a"), 0, "set_active _a");
	char *log = get("log");
	ok_int(count(log, "set_active\nb\n--\n"), 1, "argv: set_active b");
	ok_int(count(log, "set_active\na\n--\n"), 1, "argv: set_active a (suffix without _)");
	free(log);
	ok(fastboot_getvar(&d, "current-slot", v, sizeof(v)) == 0 && !strcmp(v, "a"),
	   "current-slot is a again");
	device("ok");
	ok_int(fastboot_set_active(&d, "c"), -EINVAL, "set_active c: -EINVAL");
	log = get("log");
	ok_str(log, "", "set_active c: nothing sent");
	free(log);

	device("ok");
	ok_int(fastboot_select_slot_misc(&d, "b", dir), 0, "slot b through misc");
	char *misc = get("flashed-misc");
	ok(misc[0] == 0 && misc[2048] == 'b' && !memcmp(misc + 2052, "BCAB", 4),
	   "misc: control block for b at 2048");
	free(misc);
}

static void test_flash_slot(void)
{
	char boot[256], vb[256], big[256];
	snprintf(boot, sizeof(boot), "%s/boot.img", dir);
	snprintf(vb, sizeof(vb), "%s/x; touch pwned $(id).img", dir);
	snprintf(big, sizeof(big), "%s/big.img", dir);
	struct fastboot_image imgs[] = {{"boot", boot}, {"misc", vb}};
	device("ok");
	put("parts", "boot_a 65536\nboot_b 65536\nmisc_a 4096\nmisc_b 4096\n");
	struct fastboot_dev d = dev("1A2B3C4D");
	ok_int(fastboot_flash_slot(&d, "b", imgs, 2), 0, "flash_slot b: two images");
	char *log = get("log");
	ok(strstr(log, "flash\nboot_b\n") && strstr(log, "flash\nmisc_b\n") && !strstr(log, "_a\n"),
	   "flash_slot b: boot_b and misc_b, nothing of slot a");
	free(log);

	/* the second image is too large: the first is written, the error says the slot is a mix */
	put("parts", "boot_a 65536\nmisc_a 0\n");
	put("log", "");
	struct fastboot_image two[] = {{"boot", boot}, {"misc", big}};
	ok_int(fastboot_flash_slot(&d, "a", two, 2), -EFBIG,
	       "flash_slot a: stops at the image that does not fit");
	ok(strstr(d.why, "slot a not flashed (stopped at misc_a, 1 of 2 done)") != NULL,
	   "flash_slot: why ('%s')", d.why);
	ok_int(fastboot_flash_slot(&d, "x", two, 2), -EINVAL, "flash_slot x: -EINVAL");
}

static void test_getvar(void)
{
	device("ok");
	struct fastboot_dev d = dev("1A2B3C4D");
	char v[64] = "untouched";
	ok_int(fastboot_getvar(&d, "version-baseband", v, sizeof(v)), -ENOENT,
	       "getvar of an unknown variable: -ENOENT (the client exits 0)");
	ok(strstr(d.why, "Variable not implemented") != NULL, "getvar: why quotes the device");
	unsigned long long x;
	ok(fastboot_getvar_u64(&d, "max-download-size", &x) == 0 && x == 65536, "getvar_u64: hex");
	ok_int(fastboot_getvar_u64(&d, "product", &x), -EIO, "getvar_u64 of a word: -EIO");
}

static void test_absent(void)
{
	device("absent");
	struct fastboot_dev d = dev("1A2B3C4D");
	d.timeout_s = 0.5;
	ok_int(fastboot_check(&d, "oriole", NULL), -ETIMEDOUT, "a device not in fastboot mode: -ETIMEDOUT");
	ok(strstr(d.why, "no answer from fastboot device '1A2B3C4D' within 0.5 s") != NULL,
	   "why: no answer within the limit ('%s')", d.why);
	ok(d.last_s >= 0.5 && d.last_s < 4, "the call ended at its limit, not the fake's 1000 s");
	ok_int(d.retries, 1, "the getvar was asked once more, and counted");
	char *log = get("log");
	ok_int(count(log, "getvar\nproduct\n--\n"), 2, "two getvar product calls reached the client");
	free(log);
	char *pid = get("pid");
	ok(kill(atoi(pid), 0) < 0 && errno == ESRCH, "the client was killed, not left behind");
	free(pid);

	device("hang-flash");
	char img[256];
	snprintf(img, sizeof(img), "%s/boot.img", dir);
	d.timeout_s = 0.5;
	d.flash_rate = 1e9;
	ok_int(fastboot_flash(&d, "boot_a", img), -ETIMEDOUT, "a flash that stalls mid-download: -ETIMEDOUT");

	device("closed");
	d = dev("1A2B3C4D");
	d.timeout_s = 0.5;
	ok_int(fastboot_check(&d, "oriole", NULL), -ETIMEDOUT,
	       "a client that closes its output and hangs: -ETIMEDOUT");

	d = dev("1A2B3C4D");
	d.tool = "/nonexistent/fastboot";
	device("ok");
	ok_int(fastboot_check(&d, "oriole", NULL), -ENOENT, "no client installed: -ENOENT");
	ok(strstr(d.why, "cannot run the fastboot client '/nonexistent/fastboot'") != NULL,
	   "why names the client");
	d = dev("udp:");
	ok_int(fastboot_check(&d, "oriole", NULL), -EINVAL, "a bad target: -EINVAL, nothing run");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	setenv("FAKE_FB_DIR", dir, 1);
	test_targets();
	test_check();
	test_flash();
	test_slots();
	test_flash_slot();
	test_getvar();
	test_absent();
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("cannot remove %s", dir);
	return tap_done();
}
