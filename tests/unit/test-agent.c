// SPDX-License-Identifier: MIT
/*
 * test-agent: the agent's configuration and one whole boot against the fake
 * sys: modules from an in-memory /lib/modules, /dev/kmsg from a
 * SOCK_SEQPACKET socketpair with an EPIPE record, an lkdtm provocation,
 * and the protocol lines decoded by the host's decoder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "config.h"
#include "fake-sys.h"
#include "proto.h"
#include "tap.h"

static char out[1 << 20];
static size_t out_len;

static int capture(const void *buf, size_t len, void *ud)
{
	if (out_len + len < sizeof(out)) {
		memcpy(out + out_len, buf, len);
		out_len += len;
		out[out_len] = '\0';
	}
	return 0;
}

/* Decoded lines as "TYPE k=v k=v" strings. */
static char lines[256][1100];
static int nlines;
static char report[70000];
static struct proto_stats st;

static void on_msg(const struct proto_msg *m, void *ud)
{
	if (nlines >= 256)
		return;
	char *s = lines[nlines++];
	size_t o = (size_t)snprintf(s, 1100, "%s", m->type_name);
	for (int i = 0; i < m->nfields && o < 1100; i++)
		o += (size_t)snprintf(s + o, 1100 - o, " %s=%s", m->fields[i].key, m->fields[i].value);
}

static void on_report(const struct proto_report *r, void *ud)
{
	snprintf(report, sizeof(report), "%s", r->text);
}

static void decode(void)
{
	struct proto_decoder_ops ops = {.msg = on_msg, .report = on_report};
	struct proto_decoder *d = proto_decoder_new(&ops, NULL);

	nlines = 0;
	report[0] = '\0';
	proto_decoder_feed(d, out, out_len);
	proto_decoder_finish(d);
	proto_decoder_stats(d, &st);
	proto_decoder_free(d);
}

/* The first decoded line that starts with prefix, or "". */
static const char *find(const char *prefix)
{
	for (int i = 0; i < nlines; i++)
		if (!strncmp(lines[i], prefix, strlen(prefix)))
			return lines[i];
	return "";
}

static int count(const char *prefix)
{
	int n = 0;

	for (int i = 0; i < nlines; i++)
		n += !strncmp(lines[i], prefix, strlen(prefix));
	return n;
}

static const char *warning_records[] = {
    "6,0,0,-;Booting Linux on physical CPU 0x0000000000 [0x000f0510]",
    "6,1,100,-;Linux version 7.2.13 (oopsfarm@oopsfarm)",
    FAKE_EPIPE_RECORD,
    "6,5,1000000,-;arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features 0x00008305)",
    "4,6,2101000,-;------------[ cut here ]------------",
    "4,7,2101100,-;WARNING: CPU: 1 PID: 52 at drivers/misc/lkdtm/bugs.c:97 lkdtm_WARNING+0x8/0x10 [lkdtm]",
    "4,8,2101200,-;Modules linked in: lkdtm",
    "4,9,2101300,-;CPU: 1 UID: 0 PID: 52 Comm: init Not tainted 7.2.13 #1 PREEMPT",
    "4,10,2101400,-;pc : lkdtm_WARNING+0x8/0x10 [lkdtm]",
    "4,11,2101500,-;lr : lkdtm_do_action+0x24/0x48 [lkdtm]",
    "4,12,2101600,-;Call trace:\\x0a lkdtm_WARNING+0x8/0x10 [lkdtm] (P)\\x0a lkdtm_do_action+0x24/0x48 "
    "[lkdtm]\\x0a direct_entry+0x10c/0x174 [lkdtm]\\x0a full_proxy_write+0x60/0xb0",
    "4,13,2101700,-;---[ end trace 0000000000000000 ]---",
    "6,14,2200000,-;after the warning",
};

static int kmsg_pair[2];

static void setup_board(bool with_kmsg)
{
	fake_sys_reset();
	fake_sys_file("/proc/sys/kernel/osrelease", "7.2.13\n");
	fake_sys_file("/proc/sys/kernel/random/boot_id", "5b1f6a3e-0000-4000-8000-000000000001\n");
	fake_sys_file("/proc/cmdline", "console=ttyAMA0 oopsfarm.threads=2\n");
	fake_sys_file("/lib/modules/7.2.13/modules.dep",
		      "kernel/drivers/iommu/arm/arm-smmu-v3/arm_smmu_v3.ko:\n"
		      "kernel/drivers/gpio/gpio-pl061.ko:\n"
		      "kernel/drivers/input/keyboard/gpio_keys.ko:\n"
		      "kernel/drivers/misc/lkdtm/lkdtm.ko:\n");
	fake_sys_file("/lib/modules/7.2.13/modules.load",
		      "kernel/drivers/iommu/arm/arm-smmu-v3/arm_smmu_v3.ko\n"
		      "kernel/drivers/gpio/gpio-pl061.ko\n"
		      "kernel/drivers/input/keyboard/gpio_keys.ko\n"
		      "kernel/drivers/misc/lkdtm/lkdtm.ko\n");
	if (with_kmsg) {
		if (kmsg_pair[0] > 0) {
			close(kmsg_pair[0]);
			close(kmsg_pair[1]);
		}
		socketpair(AF_UNIX, SOCK_SEQPACKET, 0, kmsg_pair);
		fake_sys_kmsg(kmsg_pair[0]);
	}
}

static void feed_records(const char **recs, int n)
{
	for (int i = 0; i < n; i++)
		if (write(kmsg_pair[1], recs[i], strlen(recs[i])) < 0)
			diag("write to the kmsg socket failed");
}

int main(void)
{
	struct agent_config c;

	/* ---- configuration ---- */
	config_defaults(&c, false);
	ok(c.mode == LOADER_ANDROID && c.action == ACTION_POWEROFF && c.settle_ms == 3000,
	   "PID-1 defaults: android, poweroff, 3 s settle");
	config_defaults(&c, true);
	ok_int(c.action, ACTION_NONE, "service default action: none");
	config_parse_file(&c, "# board file\nthreads=3\n  seed = 1\noopsfarm.settle_ms=500\n\nshuffle=1\n");
	ok(c.threads == 3 && c.settle_ms == 500 && c.shuffle, "config file: values, comments, prefix");
	ok_int(c.nproblems, 1, "'seed = 1' with spaces is reported");
	config_defaults(&c, false);
	config_parse_cmdline(&c, "console=ttyAMA0 oopsfarm.threads=4 oopsfarm.mode=eager quiet "
				 "oopsfarm.seed=0x10 oopsfarm.threads=abc oopsfarm.bogus=1 oopsfarm.noval "
				 "oopsfarm.action=reboot oopsfarm.barrier=arm_smmu_v3,gpio_keys "
				 "oopsfarm.panic_on_warn=1 oopsfarm.jitter_us=-5 oopsfarm.mode=off");
	ok(c.threads == 4 && c.mode == LOADER_EAGER && c.seed == 16 && c.action == ACTION_REBOOT,
	   "cmdline: threads, mode, hex seed, action");
	ok(!c.load, "mode=off turns loading off");
	ok_str(c.barrier, "arm_smmu_v3,gpio_keys", "barrier list");
	ok(c.panic_on_warn == 1 && c.panic_on_oops == -1, "panic_on_warn set, panic_on_oops left alone");
	ok_int(c.nproblems, 4, "four problems: abc, bogus, noval, -5");
	ok_str(c.problems[0], "bad value for 'threads': 'abc' (want 0..256 (0: one per CPU)), ignoring",
	       "a clear line for a bad value");
	ok(strstr(c.problems[1], "unknown key 'bogus'") != NULL, "unknown key reported");
	ok_int(config_set(&c, "threads", "999"), -EINVAL, "out of range: -EINVAL");
	ok_int(c.threads, 4, "and the value stays");

	/* ---- build-id from ELF notes ---- */
	{
		unsigned char notes[64] = {0};
		uint32_t h1[3] = {4, 4, 1}, h2[3] = {4, 5, 3};
		char id[64];

		memcpy(notes, h1, 12);
		memcpy(notes + 12, "Xen", 4);
		memcpy(notes + 20, h2, 12);
		memcpy(notes + 32, "GNU", 4);
		memcpy(notes + 36, "\xde\xad\xbe\xef\x01", 5);
		ok(notes_build_id(notes, 44, id, sizeof(id)) == 0 && !strcmp(id, "deadbeef01"),
		   "build-id found after another note (%s)", id);
		ok_int(notes_build_id(notes, 30, id, sizeof(id)), -ENOENT, "truncated notes: -ENOENT");
	}

	/* ---- one whole boot ---- */
	setup_board(true);
	feed_records(warning_records, sizeof(warning_records) / sizeof(warning_records[0]));
	fake_sys_module("gpio_keys", 0, 20000);
	config_defaults(&c, false);
	config_parse_cmdline(&c, "oopsfarm.threads=2 oopsfarm.settle_ms=100 oopsfarm.provoke=WARNING "
				 "oopsfarm.provoke_wait_ms=50 oopsfarm.panic_on_warn=0 oopsfarm.seed=7 "
				 "oopsfarm.barrier=gpio_keys,nosuchmod oopsfarm.bad=1");
	out_len = 0;
	enum agent_verdict v = agent_run(&c, capture, NULL);
	decode();
	ok_int(v, VERDICT_FAIL, "a crash makes the verdict fail");
	ok(st.lost == 0 && st.corrupt == 0 && st.boots == 1, "every line decodes, one boot");
	ok(strstr(find("BEGIN"), " release=7.2.13 build_id=unknown ") &&
	       strstr(find("BEGIN"), " threads=2 seed=7 shuffle=0 jitter_us=0 barrier=gpio_keys,nosuchmod "),
	   "BEGIN has identity and knobs: %s", find("BEGIN"));
	ok(strstr(find("BEGIN"), "boot_id=5b1f6a3e-0000-4000-8000-000000000001") != NULL, "boot id");
	ok(strstr(find("LOG level=warn what=config"), "unknown key 'bad'") != NULL,
	   "config problem reported");
	ok(strstr(out, "nosuchmod") && count("LOG level=warn what=modules msg=barrier") == 1,
	   "unknown barrier module reported");
	ok_int(count("MOD "), 4, "one MOD line per module");
	ok(strstr(find("MOD name=gpio_keys"), " res=ok start_us=") != NULL, "MOD line: %s",
	   find("MOD name=gpio_keys"));
	ok(strstr(find("LOAD"), "mode=android threads=2 res=ok ok=4 ") != NULL, "LOAD summary: %s",
	   find("LOAD"));
	ok(strstr(find("LOG level=warn what=kmsg-lost"), " n=3 before_seq=5 ") != NULL,
	   "EPIPE: 3 lost records reported: %s", find("LOG level=warn what=kmsg-lost"));
	ok(!strncmp(find("CRASH"), "CRASH id=1 kind=warning hash=", 29), "CRASH line");
	ok(strstr(find("CRASH"), " title=WARNING in lkdtm_WARNING") != NULL, "crash title: %s",
	   find("CRASH"));
	ok(strstr(find("CASE case=crash_"), " result=fail kind=warning title=WARNING in lkdtm_WARNING") !=
	       NULL,
	   "a test case for the signature");
	ok(strstr(report, "lkdtm_do_action") && strstr(report, "---[ end trace"), "report text reassembled");
	ok(!strncmp(find("CASE case=modules"), "CASE case=modules result=pass measurement=", 42) &&
	       strstr(find("CASE case=modules"), " units=ms"),
	   "modules case passes, with the load time: %s", find("CASE case=modules"));
	ok_str(find("CASE case=boot"), "CASE case=boot result=fail verdict=fail", "boot case fails");
	ok(strstr(find("END"), "END verdict=fail crashes=1 signatures=1 kmsg_records=12 kmsg_lost=3 ") !=
	       NULL,
	   "END: %s", find("END"));
	ok_int(fake_sys_find("write", "/proc/sys/kernel/panic_on_warn=0") >= 0, 1,
	       "panic_on_warn set through /proc/sys");
	{
		int w = fake_sys_find("write", "/sys/kernel/debug/provoke-crash/DIRECT=WARNING");
		int f = fake_sys_find("finit_module", "gpio_keys");

		ok(w >= 0 && fake_sys_call(w)->pid != getpid(), "lkdtm provoked from a child process");
		ok(f >= 0 && fake_sys_call(f)->pid != getpid(),
		   "modules loaded by a forked loader, not by the agent");
		ok(count("LOG level=info what=provoke") == 2, "provocation logged before and after");
	}
	ok(!strncmp(lines[0], "BEGIN", 5) && !strncmp(lines[nlines - 1], "END", 3), "BEGIN first, END last");

	/* ---- a module that fails ---- */
	setup_board(true);
	fake_sys_module("gpio_pl061", ENOEXEC, 0);
	config_defaults(&c, false);
	config_parse_cmdline(&c, "oopsfarm.threads=1 oopsfarm.settle_ms=0");
	out_len = 0;
	v = agent_run(&c, capture, NULL);
	decode();
	ok_int(v, VERDICT_FAIL, "a failed module fails the boot");
	ok(strstr(find("MOD name=gpio_pl061"), " res=fail ") &&
	       strstr(find("MOD name=gpio_pl061"), " err=ENOEXEC why=invalid module format"),
	   "failure in words: %s", find("MOD name=gpio_pl061"));
	ok(!strncmp(find("CASE case=modules"), "CASE case=modules result=fail", 29), "modules case fails");
	ok_str(find("CASE case=boot"), "CASE case=boot result=fail verdict=fail", "boot case fails");

	/* ---- a clean boot ---- */
	setup_board(true);
	config_defaults(&c, false);
	config_parse_cmdline(&c, "oopsfarm.settle_ms=0 oopsfarm.mode=eager");
	out_len = 0;
	v = agent_run(&c, capture, NULL);
	decode();
	ok_int(v, VERDICT_PASS, "clean boot passes");
	ok_str(find("CASE case=boot"), "CASE case=boot result=pass verdict=pass", "boot case passes");
	ok(strstr(find("LOAD"), "mode=eager") != NULL, "eager mode used");

	/* ---- nothing to work with: error, but still BEGIN..END ---- */
	setup_board(false);
	fake_sys_file("/lib/modules/7.2.13/modules.dep", NULL);
	fake_sys_kmsg(-1);
	config_defaults(&c, false);
	config_parse_cmdline(&c, "oopsfarm.settle_ms=0");
	out_len = 0;
	v = agent_run(&c, capture, NULL);
	decode();
	ok_int(v, VERDICT_ERROR, "no kmsg and no modules: error");
	ok(strstr(find("LOG level=error what=modules"), "cannot read the module set") != NULL,
	   "says why (modules)");
	ok(strstr(find("LOG level=error what=kmsg"), "cannot open /dev/kmsg") != NULL, "says why (kmsg)");
	ok(!strncmp(lines[nlines - 1], "END verdict=error", 17), "and still ends with END");
	return tap_done();
}
