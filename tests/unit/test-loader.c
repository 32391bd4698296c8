// SPDX-License-Identifier: MIT
/*
 * test-loader: modules.* parsing and the two load schedules, checked on the
 * fake sys's call log: order, overlap, threads, failures, the barrier.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-sys.h"
#include "loader.h"
#include "modset.h"
#include "sys.h"
#include "tap.h"

#define D "/lib/modules/t"

static struct modset ms;

static int fake_read(const char *path, char **ret_buf, size_t *ret_len, void *userdata)
{
	return sys_read_file(path, ret_buf, ret_len);
}

static const struct modset_opts fake_opts = {.read = fake_read};
static char events[64][160];
static int nevents;

static void on_event(const struct loader_event *e, void *ud)
{
	if (nevents < 64)
		snprintf(events[nevents++], sizeof(events[0]), "%s %s%s%s", e->mod->name,
			 mod_result_name(e->result), e->why ? " " : "", e->why ? e->why : "");
}

static const char *event_of(const char *name)
{
	size_t l = strlen(name);

	for (int i = 0; i < nevents; i++)
		if (!strncmp(events[i], name, l) && events[i][l] == ' ')
			return events[i] + l + 1;
	return "(none)";
}

static void setup(const char *dep, const char *load, const char *softdep, const char *options,
		  const char *blocklist)
{
	fake_sys_reset();
	modset_free(&ms);
	fake_sys_file(D "/modules.dep", dep);
	fake_sys_file(D "/modules.load", load);
	if (softdep)
		fake_sys_file(D "/modules.softdep", softdep);
	if (options)
		fake_sys_file(D "/modules.options", options);
	if (blocklist)
		fake_sys_file(D "/modules.blocklist", blocklist);
	fake_sys_file(D "/modules.alias",
		      "alias of:N*T*Cvirtio,mmio virtio_mmio\nalias platform:gpio-keys gpio_keys\n");
	if (modset_read(&ms, D, &fake_opts) < 0)
		diag("modset_read failed");
	nevents = 0;
}

static int run(enum loader_mode mode, int threads, struct loader_summary *sum)
{
	struct loader_opts o = {.mode = mode, .threads = threads, .barrier_timeout_ms = 2000};

	return loader_run(&ms, &o, on_event, NULL, sum);
}

/* finit_module call of name: its log entry, or NULL. */
static const struct fake_call *call(const char *name)
{
	int i = fake_sys_find("finit_module", name);

	return i < 0 ? NULL : fake_sys_call(i);
}

static bool before(const char *a, const char *b)
{
	const struct fake_call *x = call(a), *y = call(b);

	return x && y && x->end_us <= y->start_us;
}

static const char *DEP = "kernel/a.ko:\n"
			 "kernel/b.ko: kernel/a.ko\n"
			 "kernel/c.ko: kernel/b.ko kernel/a.ko\n"
			 "kernel/d.ko:\n"
			 "kernel/drivers/gpio-keys.ko:\n"
			 "kernel/virtio_mmio.ko:\n";

int main(void)
{
	struct loader_summary sum;
	int r;

	/* ---- parsing ---- */
	setup(DEP, "kernel/c.ko\nkernel/d.ko\n# comment\nkernel/nothere.ko\ngpio-keys\n",
	      "softdep d pre: gpio-keys post: platform:gpio-keys\n",
	      "options c x=1 load_sequential=1 y=2\noptions c z=3\n", NULL);
	ok_int(ms.nload, 3, "modules.load: 3 known entries");
	ok_int(ms.unknown, 1, "one unknown entry counted");
	int c = modset_find(&ms, "c"), g = modset_find(&ms, "gpio_keys");
	ok(c >= 0 && g >= 0, "canonical names (gpio-keys -> gpio_keys)");
	ok_str(ms.mods[c].params, "x=1 y=2",
	       "first options line wins (libmodprobe), load_sequential removed");
	ok(ms.mods[c].sequential, "load_sequential=1 noted");
	ok(ms.mods[c].nwaits == 3 && ms.mods[c].waits[0] == c &&
	       !strcmp(ms.mods[ms.mods[c].waits[2]].name, "a"),
	   "waits: self, then modules.dep order");
	int d = modset_find(&ms, "d");
	ok(ms.mods[d].nwaits == 2 && ms.mods[d].waits[1] == g, "pre softdep appended to waits");
	ok(ms.mods[g].nwaits == 2 && ms.mods[g].waits[1] == d,
	   "post softdep via alias: gpio_keys waits for d");
	{
		char n[64];
		module_canonical("/lib/modules/x/kernel/foo-bar.ko.xz", n, sizeof(n));
		ok_str(n, "foo_bar", "canonical: dir, compression suffix, dashes");
	}
	fake_sys_file(D "/modules.dep", NULL);
	struct modset ms2;
	ok_int(modset_read(&ms2, D, &fake_opts), -ENOENT, "missing modules.dep: -ENOENT");

	/* ---- dependency order, android ---- */
	setup(DEP, "kernel/c.ko\nkernel/d.ko\n", NULL, NULL, NULL);
	fake_sys_module("a", 0, 20000);
	r = run(LOADER_ANDROID, 4, &sum);
	ok_int(r, 0, "android: all loaded");
	ok_int(sum.ok, 4, "a, b, c, d loaded (a and b as dependencies)");
	ok(before("a", "b") && before("b", "c"), "dependencies first: a < b < c");
	ok_int(sum.waves, 3, "three waves: {a,d} {b} {c}");
	ok(call("d") && call("a") && call("d")->start_us < call("a")->end_us,
	   "d and a in the same wave overlap");

	/* ---- threads and overlap ---- */
	const char *six =
	    "kernel/m1.ko:\nkernel/m2.ko:\nkernel/m3.ko:\nkernel/m4.ko:\nkernel/m5.ko:\nkernel/m6.ko:\n";
	const char *sixl =
	    "kernel/m1.ko\nkernel/m2.ko\nkernel/m3.ko\nkernel/m4.ko\nkernel/m5.ko\nkernel/m6.ko\n";
	for (int t = 1; t <= 4; t++) {
		setup(six, sixl, NULL, NULL, NULL);
		for (int i = 1; i <= 6; i++) {
			char n[8];
			snprintf(n, sizeof(n), "m%d", i);
			fake_sys_module(n, 0, 30000);
		}
		run(LOADER_ANDROID, t, &sum);
		ok(fake_sys_max_overlap("finit_module") == (t < 6 ? t : 6) &&
		       fake_sys_threads("finit_module") == t,
		   "android threads=%d: %d threads used, %d at once", t, fake_sys_threads("finit_module"),
		   fake_sys_max_overlap("finit_module"));
		run(LOADER_EAGER, t, &sum);
	}
	setup(six, sixl, NULL, NULL, NULL);
	for (int i = 1; i <= 6; i++) {
		char n[8];
		snprintf(n, sizeof(n), "m%d", i);
		fake_sys_module(n, 0, 30000);
	}
	run(LOADER_EAGER, 3, &sum);
	ok_int(fake_sys_max_overlap("finit_module"), 3, "eager threads=3: 3 at once");
	ok_int(sum.waves, 0, "eager has no waves");

	/* ---- eager starts users as soon as their own deps are in ---- */
	setup("kernel/a.ko:\nkernel/b.ko: kernel/a.ko\nkernel/slow.ko:\n", "kernel/b.ko\nkernel/slow.ko\n",
	      NULL, NULL, NULL);
	fake_sys_module("a", 0, 10000);
	fake_sys_module("slow", 0, 150000);
	run(LOADER_EAGER, 2, &sum);
	ok(call("b") && call("slow") && call("b")->start_us < call("slow")->end_us,
	   "eager: b starts while slow still loads");
	fake_sys_reset();
	fake_sys_file(D "/modules.dep", "kernel/a.ko:\nkernel/b.ko: kernel/a.ko\nkernel/slow.ko:\n");
	fake_sys_module("a", 0, 10000);
	fake_sys_module("slow", 0, 150000);
	run(LOADER_ANDROID, 2, &sum);
	ok(before("slow", "b"), "android: b waits for the whole wave (join)");

	/* ---- softdeps ---- */
	setup("kernel/e.ko:\nkernel/f.ko:\nkernel/g.ko:\nkernel/h.ko:\n",
	      "kernel/e.ko\nkernel/f.ko\nkernel/g.ko\nkernel/h.ko\n", "softdep e pre: f\nsoftdep g post: h\n",
	      NULL, NULL);
	for (int mode = 0; mode < 2; mode++) {
		fake_sys_reset();
		fake_sys_module("f", 0, 20000);
		fake_sys_module("g", 0, 20000);
		r = run(mode, 4, &sum);
		ok(r == 0 && before("f", "e"), "%s: pre softdep f loads before e",
		   mode ? "eager" : "android");
		if (mode)
			ok(before("g", "h"), "eager: post softdep h loads after g");
		else /* libmodprobe: h is a wave-1 candidate too; in g's task it comes after g */
			ok(call("g") && call("h"), "android: post softdep h and g both load");
	}

	/* ---- load_sequential ---- */
	setup(six, sixl, NULL, "options m3 load_sequential=1\n", NULL);
	for (int mode = 0; mode < 2; mode++) {
		fake_sys_reset();
		for (int i = 1; i <= 6; i++) {
			char n[8];
			snprintf(n, sizeof(n), "m%d", i);
			fake_sys_module(n, 0, 20000);
		}
		run(mode, 4, &sum);
		const struct fake_call *s = call("m3");
		bool alone = s != NULL;
		for (int i = 0; i < fake_sys_ncalls(); i++) {
			const struct fake_call *x = fake_sys_call(i);
			if (x != s && !strcmp(x->op, "finit_module") && x->start_us < s->end_us &&
			    x->end_us > s->start_us)
				alone = false;
		}
		ok(alone && sum.ok == 6, "%s: load_sequential module runs alone", mode ? "eager" : "android");
	}
	setup(six, sixl, NULL, "options m3 load_sequential=1\n", NULL);
	run(LOADER_ANDROID, 4, &sum);
	ok(call("m3") && fake_sys_call(fake_sys_find("finit_module", "m3"))->tid != call("m1")->tid,
	   "android: sequential module loaded inline, not on a wave thread");

	/* ---- blocklist ---- */
	setup("kernel/x.ko:\nkernel/y.ko: kernel/z.ko\nkernel/z.ko:\nkernel/w.ko:\n",
	      "kernel/x.ko\nkernel/y.ko\nkernel/w.ko\n", NULL, NULL, "blocklist x\nblocklist z\n");
	r = run(LOADER_EAGER, 2, &sum);
	ok(!call("x") && !call("z"), "blocklisted modules are never loaded");
	ok_str(event_of("x"), "blocked in modules.blocklist", "x reported blocked");
	ok_str(event_of("y"), "blocked needs z, which is in modules.blocklist",
	       "a blocklisted dependency skips its user, with the reason (libmodprobe)");
	ok(call("w") != NULL && r == 0, "others load; not a failure, as in libmodprobe");
	setup("kernel/x.ko:\nkernel/w.ko:\n", "kernel/x.ko\nkernel/w.ko\n", NULL, NULL, "blocklist x\n");
	ok_int(run(LOADER_ANDROID, 2, &sum), 0, "a blocklisted module alone is not a failure");
	ok_int(sum.blocked, 1, "counted as blocked");

	/* ---- failure propagation ---- */
	setup(DEP, "kernel/c.ko\nkernel/d.ko\nkernel/virtio_mmio.ko\n", NULL, NULL, NULL);
	fake_sys_module("a", ENOENT, 0);
	fake_sys_module("d", 0, 20000);
	r = run(LOADER_ANDROID, 2, &sum);
	ok_int(r, -EIO, "android: a failure fails the run");
	ok_str(event_of("a"), "fail unknown symbol in module, or unknown parameter", "errno in words");
	ok_str(event_of("b"), "skip waits for a, which did not load", "dependent skipped with the reason");
	ok_str(event_of("c"), "skip waits for b, which did not load", "and its dependent too");
	ok(call("d") && call("virtio_mmio"), "the rest of the failed wave still ran");
	ok(!call("b") && sum.failed == 1 && sum.skipped == 2, "nothing after the failed wave");

	setup(DEP, "kernel/c.ko\nkernel/d.ko\nkernel/gpio-keys.ko\n", NULL, NULL, NULL);
	fake_sys_module("b", ENOEXEC, 0);
	fake_sys_module("a", 0, 10000);
	r = run(LOADER_EAGER, 2, &sum);
	ok_str(event_of("b"), "fail invalid module format", "eager: b fails (ENOEXEC)");
	ok_str(event_of("c"), "skip waits for b, which did not load", "eager: its user is skipped");
	ok(call("d") && call("gpio_keys") && sum.ok == 3, "eager: unrelated modules load");

	/* ---- EEXIST and ENOSYS ---- */
	setup(DEP, "kernel/b.ko\n", NULL, NULL, NULL);
	fake_sys_module("a", EEXIST, 0);
	ok_int(run(LOADER_ANDROID, 1, &sum), 0, "EEXIST counts as loaded");
	ok(sum.exists == 1 && call("b"), "and its user loads");
	setup(DEP, "kernel/b.ko\n", NULL, NULL, NULL);
	fake_sys_no_finit(true);
	ok_int(run(LOADER_ANDROID, 1, &sum), 0, "finit_module ENOSYS: init_module instead");
	ok(fake_sys_find("init_module", "a") >= 0 && fake_sys_find("init_module", "b") >= 0,
	   "init_module got the image (the fake reads the name from it)");

	/* ---- start barrier ---- */
	{
		const char *dep =
		    "kernel/p.ko:\nkernel/q.ko: kernel/slowdep.ko\nkernel/slowdep.ko:\nkernel/o.ko:\n";
		const char *load = "kernel/p.ko\nkernel/q.ko\nkernel/o.ko\n";
		long gap[2];

		for (int with = 0; with < 2; with++) {
			struct loader_opts o = {
			    .mode = LOADER_EAGER, .threads = 3, .barrier_timeout_ms = 2000};
			setup(dep, load, NULL, NULL, NULL);
			fake_sys_module("slowdep", 0, 100000);
			if (with)
				modset_mark_barrier(&ms, "p,q", NULL, NULL);
			loader_run(&ms, &o, on_event, NULL, &sum);
			gap[with] = labs((long)call("p")->start_us - (long)call("q")->start_us);
			if (with)
				ok(sum.barrier_met == 1 && sum.barrier_timeouts == 0,
				   "barrier met by both members");
		}
		ok(gap[0] > 80000, "without barrier p and q start %ld us apart", gap[0]);
		ok(gap[1] < 20000, "with barrier they enter finit_module together (%ld us)", gap[1]);
		ok(call("o")->start_us < call("q")->start_us, "non-members do not wait");

		/* members that cannot meet: released by the timeout */
		struct loader_opts o = {.mode = LOADER_ANDROID, .threads = 1, .barrier_timeout_ms = 100};
		setup(dep, load, NULL, NULL, NULL);
		modset_mark_barrier(&ms, "p,o", NULL, NULL);
		loader_run(&ms, &o, on_event, NULL, &sum);
		ok(sum.ok == 4 && sum.barrier_timeouts == 0,
		   "one thread: the barrier caps at 1, nobody waits");
		o.threads = 3;
		setup(dep, load, NULL, NULL, NULL);
		modset_mark_barrier(&ms, "p,q", NULL, NULL); /* q is in wave 2, p in wave 1 */
		loader_run(&ms, &o, on_event, NULL, &sum);
		ok(sum.ok == 4, "android: members in different waves still load");
	}

	/* ---- shuffle and jitter are seeded ---- */
	{
		char order[2][64];

		for (int k = 0; k < 2; k++) {
			struct loader_opts o = {
			    .mode = LOADER_ANDROID, .threads = 1, .shuffle = true, .seed = 42};
			setup(six, sixl, NULL, NULL, NULL);
			loader_run(&ms, &o, on_event, NULL, &sum);
			order[k][0] = '\0';
			for (int i = 0; i < fake_sys_ncalls(); i++)
				if (!strcmp(fake_sys_call(i)->op, "finit_module"))
					strcat(order[k], fake_sys_call(i)->arg);
		}
		ok(!strcmp(order[0], order[1]), "same seed, same order (%s)", order[0]);
		ok(strcmp(order[0], "m6m5m4m3m2m1") != 0, "shuffled: not the plain order");
		ok(loader_jitter(7, "gpio_keys", 1000) == loader_jitter(7, "gpio_keys", 1000) &&
		       loader_jitter(7, "gpio_keys", 1000) < 1000,
		   "jitter: seeded and in range");
		ok(loader_jitter(7, "gpio_keys", 1000000) != loader_jitter(8, "gpio_keys", 1000000),
		   "jitter depends on the seed");
		ok_int(loader_jitter(7, "x", 0), 0, "no jitter when max is 0");
	}

	/* ---- errno words ---- */
	ok_str(module_strerror(-ENOEXEC), "invalid module format", "ENOEXEC");
	ok_str(module_strerror(-ESRCH), "module has wrong symbol version", "ESRCH");
	ok_str(errno_name(-ENOENT), "ENOENT", "errno names");
	ok_str(errno_name(-9999), "E9999", "unknown errno name");

	/* ---- a dependency cycle through softdeps does not hang ---- */
	setup("kernel/s1.ko:\nkernel/s2.ko:\n", "kernel/s1.ko\nkernel/s2.ko\n",
	      "softdep s1 pre: s2\nsoftdep s2 pre: s1\n", NULL, NULL);
	ok_int(run(LOADER_EAGER, 2, &sum), 0,
	       "eager: a softdep cycle does not hang: the edge closing it is dropped");
	ok(sum.ok == 2 && (before("s1", "s2") || before("s2", "s1")), "and both load, one after the other");
	ok_int(run(LOADER_ANDROID, 2, &sum), 0,
	       "android: a softdep cycle loads both in one wave, as libmodprobe");

	modset_free(&ms);
	return tap_done();
}
