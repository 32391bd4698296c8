// SPDX-License-Identifier: MIT
/*
 * test-modules: libmodprobe's rules, one check each with the tiny examples
 * of the facts sheet (../shared/research/libmodprobe.md §9), the module
 * sets of ../shared/cases/modules/ (skipped when absent), and a seeded
 * property test on random module graphs.  Loads are checked by the rules
 * (modcheck.h) on the fake sys's call log, not against recorded orders.
 *
 * MODULES_PROP_N sets the number of random graphs (default 300),
 * MODULES_PROP_SEED the first seed (default 1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake-sys.h"
#include "loader.h"
#include "modcheck.h"
#include "modfile.h"
#include "modplan.h"
#include "modset.h"
#include "sys.h"
#include "tap.h"

#define D "/lib/modules/t"

static struct modset ms;
static int nwarn;
static char warns[4096];

static int fake_read(const char *path, char **ret_buf, size_t *ret_len, void *userdata)
{
	return sys_read_file(path, ret_buf, ret_len);
}

static void on_warn(const char *file, int line, const char *msg, void *userdata)
{
	nwarn++;
	if (strlen(warns) + strlen(msg) + 2 < sizeof(warns)) {
		strcat(warns, msg);
		strcat(warns, "\n");
	}
}

struct files {
	const char *dep, *list, *softdep, *options, *blocklist, *alias, *cmdline;
};

static int setup(struct files f)
{
	struct modset_opts o = {.read = fake_read, .warn = on_warn, .cmdline = f.cmdline};

	fake_sys_reset();
	modset_free(&ms);
	nwarn = 0;
	warns[0] = '\0';
	fake_sys_file(D "/modules.dep", f.dep);
	if (f.list)
		fake_sys_file(D "/modules.load", f.list);
	if (f.softdep)
		fake_sys_file(D "/modules.softdep", f.softdep);
	if (f.options)
		fake_sys_file(D "/modules.options", f.options);
	if (f.blocklist)
		fake_sys_file(D "/modules.blocklist", f.blocklist);
	if (f.alias)
		fake_sys_file(D "/modules.alias", f.alias);
	return modset_read(&ms, D, &o);
}

/* The plan as text: tasks "a b", waves "t1, t2", "|" between waves, '*' for sequential. */
static const char *plan_str(void)
{
	static char out[2048];
	struct modplan p;

	out[0] = '\0';
	if (modplan_build(&ms, &p) < 0)
		return "(error)";
	for (int w = 0; w < p.nwaves; w++) {
		if (w)
			strcat(out, " | ");
		for (int t = 0; t < p.waves[w].ntasks; t++) {
			if (t)
				strcat(out, ", ");
			if (p.waves[w].sequential)
				strcat(out, "*");
			for (int k = 0; k < p.waves[w].tasks[t].n; k++) {
				if (k)
					strcat(out, " ");
				strcat(out, ms.mods[p.waves[w].tasks[t].e[k].mod].name);
			}
		}
	}
	modplan_free(&p);
	return out;
}

static const char *params_of(const char *name)
{
	int i = fake_sys_find("finit_module", name);

	return i < 0 ? "(not loaded)" : fake_sys_call(i)->params;
}

static bool loaded_name(const char *name)
{
	int i = fake_sys_find("finit_module", name);

	return i >= 0 && (fake_sys_call(i)->ret == 0 || fake_sys_call(i)->ret == -EEXIST);
}

static int check(enum loader_mode mode, int threads, const char *what, struct modcheck_result *res)
{
	struct loader_opts o = {.mode = mode, .threads = threads, .barrier_timeout_ms = 1000};

	return modcheck_run(&ms, &o, what, res);
}

/* ---- the rules of the facts sheet, §9 ---- */

static void rules(void)
{
	struct modcheck_result res;

	/* 1. hard-dep order */
	setup((struct files){.dep = "cc.ko: bb.ko aa.ko\nbb.ko: aa.ko\naa.ko:\n", .list = "cc\n"});
	ok_str(plan_str(), "aa | bb | cc", "§9.1 hard deps: one dependency per wave");
	ok_int(check(LOADER_ANDROID, 2, "§9.1", &res), 0, "§9.1 android: loads by the rules");
	ok(res.r == 0 && res.loaded == 3, "§9.1 android: all three load");
	ok_int(check(LOADER_EAGER, 2, "§9.1 eager", &res), 0, "§9.1 eager: same rules");

	/* 2. map order and LIFO */
	setup((struct files){.dep = "aa.ko:\nbb.ko:\ncc.ko: bb.ko aa.ko\ndd.ko:\nzz.ko: aa.ko\n",
			     .list = "zz\ndd\ncc\n"});
	ok_str(plan_str(), "dd, aa | zz, bb | cc", "§9.2 candidates by name, threads take the last first");
	ok_int(check(LOADER_ANDROID, 1, "§9.2", &res), 0, "§9.2 android n=1 by the rules");
	{
		const char *want[] = {"dd", "aa", "zz", "bb", "cc"};
		bool inorder = true;
		int k = 0;

		for (int i = 0; i < fake_sys_ncalls() && k < 5; i++)
			if (!strcmp(fake_sys_call(i)->op, "finit_module"))
				inorder &= !strcmp(fake_sys_call(i)->arg, want[k++]);
		ok(inorder && k == 5, "§9.2 one thread loads dd, aa, zz, bb, cc");
	}

	/* 3. softdeps inline; missing and failing ones ignored */
	setup((struct files){.dep = "aa.ko:\nbb.ko:\ncc.ko:\n",
			     .list = "aa\n",
			     .softdep = "softdep aa pre: bb missing post: cc\n"});
	ok_str(plan_str(), "bb aa cc", "§9.3 pre-softdep, module, post-softdep in one task");
	fake_sys_module("bb", ENOENT, 0);
	fake_sys_module("cc", ENOEXEC, 0);
	ok_int(check(LOADER_ANDROID, 2, "§9.3", &res), 0, "§9.3 by the rules");
	ok(res.r == 0 && loaded_name("aa"), "§9.3 bb and cc fail, aa still loads, the result is 0");
	ok(res.sum.failed == 2, "§9.3 the two softdep failures are reported (%d)", res.sum.failed);
	fake_sys_module("bb", ENOENT, 0);
	fake_sys_module("cc", ENOEXEC, 0);
	ok(check(LOADER_EAGER, 2, "§9.3 eager", &res) == 0 && res.r == 0 && loaded_name("aa"),
	   "§9.3 eager: a failed softdep counts as done");

	/* 4. softdep subject form */
	setup((struct files){.dep = "foo-bar.ko:\npp.ko:\ndd.ko:\n",
			     .list = "foo_bar\npp\n",
			     .softdep = "softdep foo-bar pre: dd\nsoftdep pp.ko pre: dd\n"});
	ok_str(plan_str(), "pp, foo_bar", "§9.4 softdep subjects 'foo-bar' and 'pp.ko' never match");
	ok(strstr(warns, "not written canonical") != NULL, "§9.4 and the reader says why");

	/* 5. load_sequential from options and the command line */
	setup((struct files){.dep = "aa.ko:\nbb.ko:\ncc.ko: aa.ko\ndd.ko:\nee.ko: dd.ko\n",
			     .list = "ee\ncc\nbb\naa\ndd\n",
			     .options = "options bb foo=1\n",
			     .cmdline = "console=ttyS0 bb.load_sequential=1 dd.load_sequential=1\n"});
	ok_str(plan_str(), "*bb | *dd | aa | ee, cc",
	       "§9.5 sequential modules: waves of their own, by name, first");
	ok_int(check(LOADER_ANDROID, 4, "§9.5", &res), 0, "§9.5 by the rules");
	ok_str(params_of("bb"), "foo=1", "§9.5 bb gets its options without load_sequential=1");
	ok_str(params_of("dd"), "", "§9.5 dd gets no parameters");
	{
		const struct fake_call *b = fake_sys_call(fake_sys_find("finit_module", "bb"));
		const struct fake_call *d = fake_sys_call(fake_sys_find("finit_module", "dd"));
		const struct fake_call *a = fake_sys_call(fake_sys_find("finit_module", "aa"));

		ok(b->end_us <= d->start_us && d->end_us <= a->start_us,
		   "§9.5 bb, then dd, then the parallel wave");
	}

	/* 6. the substring match */
	setup((struct files){.dep = "ee.ko:\ncc.ko:\n",
			     .list = "ee\ncc\n",
			     .cmdline = "ee.load_sequential=10 cc.xload_sequential=1"});
	ok(ms.mods[modset_find(&ms, "ee")].sequential && ms.mods[modset_find(&ms, "cc")].sequential,
	   "§9.6 load_sequential=10 and xload_sequential=1 count, as a substring");
	ok_str(ms.mods[modset_find(&ms, "ee")].params, "0", "§9.6 the kernel gets '0'");
	ok_str(ms.mods[modset_find(&ms, "cc")].params, "x", "§9.6 and 'x'");

	/* 7. a failure inside a wave */
	setup(
	    (struct files){.dep = "aa.ko:\nbb.ko:\ncc.ko: aa.ko\ndd.ko:\nee.ko: dd.ko\nff.ko: ee.ko dd.ko\n",
			   .list = "ff\ncc\nbb\naa\n"});
	fake_sys_module("aa", ENOENT, 0);
	ok_int(check(LOADER_ANDROID, 2, "§9.7", &res), 0, "§9.7 by the rules");
	ok(res.r == -EIO && loaded_name("bb") && loaded_name("dd"),
	   "§9.7 wave 1 still loads bb and dd, then -EIO");
	ok(fake_sys_find("finit_module", "ee") < 0 && fake_sys_find("finit_module", "ff") < 0 &&
	       fake_sys_find("finit_module", "cc") < 0,
	   "§9.7 ee, ff, cc never tried");
	ok_str(modcheck_event("cc"), "skip waits for aa, which did not load",
	       "§9.7 cc skipped with the reason");
	ok_str(modcheck_event("ee"), "skip stopped after a wave with a failure", "§9.7 ee: the run stopped");

	/* 8. EEXIST */
	setup((struct files){.dep = "dd.ko:\nee.ko: dd.ko\nff.ko: ee.ko dd.ko\n", .list = "ff\n"});
	fake_sys_module("dd", EEXIST, 0);
	ok_int(check(LOADER_ANDROID, 2, "§9.8", &res), 0, "§9.8 by the rules");
	ok(res.r == 0 && res.sum.ok == 2 && res.sum.exists == 1,
	   "§9.8 EEXIST is loaded, not counted as fresh");

	/* 9. missing from modules.dep: departure, the rest loads */
	setup((struct files){.dep = "aa.ko:\nbb.ko:\n", .list = "aa\nzz\nbb\n"});
	ok_int(check(LOADER_ANDROID, 2, "§9.9", &res), 0, "§9.9 by the rules");
	ok(res.r == -EIO && loaded_name("aa") && loaded_name("bb"),
	   "§9.9 zz unknown: aa and bb load, the run fails (libmodprobe loads nothing)");
	ok_str(modcheck_event("zz"), "skip not in modules.dep", "§9.9 zz reported with the reason");

	/* 10. blocklisted dependency */
	setup((struct files){.dep = "xx.ko: zz.ko yy.ko\nyy.ko:\nzz.ko:\nww.ko:\n",
			     .list = "xx\nww\n",
			     .blocklist = "blocklist zz\n"});
	ok_str(plan_str(), "ww", "§10 parallel: ww only, none of xx's dependencies");
	for (int mode = 0; mode < 2; mode++) {
		ok_int(check(mode, 2, "§9.10", &res), 0, "§9.10 %s by the rules", mode ? "eager" : "android");
		ok(res.r == 0 && loaded_name("ww") && !loaded_name("yy"), "§9.10 %s: ww loads, result 0",
		   mode ? "eager" : "android");
		ok_str(modcheck_event("xx"), "blocked needs zz, which is in modules.blocklist",
		       "§9.10 xx: blocked, with why");
	}

	/* 11. absolute and relative paths for one module: departure, it works */
	setup((struct files){.dep = "/abs/aa.ko:\nbb.ko: aa.ko\n", .list = "bb\n"});
	ok_str(plan_str(), "aa | bb", "§9.11 /abs/aa.ko and aa.ko are one module (libmodprobe spins)");
	ok(check(LOADER_ANDROID, 1, "§9.11", &res) == 0 && res.r == 0, "§9.11 loads");
	ok(fake_sys_find("open", "/abs/aa.ko") >= 0 && fake_sys_find("open", D "/bb.ko") >= 0,
	   "§9.11 absolute paths as they are, relative ones in the directory");

	/* 12. whitespace: departure, read anyway, with a warning */
	setup((struct files){.dep = "aa.ko: \ncc.ko:  bb.ko\nbb.ko:\nee.ko:\tbb.ko\n",
			     .list = "aa\r\n  cc\nee\n"});
	ok_str(plan_str(), "bb, aa | ee, cc", "§9.12 trailing, double, tab and CR blanks read as blanks");
	ok(nwarn >= 4 && strstr(warns, "libmodprobe"), "§9.12 each such line warned (%d)", nwarn);

	/* 13. one-letter names: departure, accepted */
	setup((struct files){.dep = "a.ko:\n", .list = "a\n"});
	ok_str(plan_str(), "a", "§9.13 a.ko is a module here (libmodprobe rejects it)");

	/* 14. options precedence */
	setup((struct files){.dep = "bb.ko:\n",
			     .list = "bb\n",
			     .options = "options bb x=1\noptions bb y=2\n",
			     .cmdline = "bb.y=9 bb.w=\"q r\"\n"});
	ok_str(ms.mods[0].params, "x=1 y=9 w=\"q r\"", "§9.14 first options line, then the command line");
	ok(strstr(warns, "first one wins") != NULL, "§9.14 the second options line is reported");

	/* 15. aliases, sorted */
	setup((struct files){.dep = "top.ko:\nzeta.ko:\nalpha.ko:\nmid.ko:\n",
			     .list = "top\n",
			     .alias = "alias grp zeta\nalias grp alpha\nalias g* mid\n",
			     .softdep = "softdep top pre: grp\n"});
	ok_str(plan_str(), "alpha mid zeta top", "§9.15 every alias target, sorted");

	/* dashes, duplicates, comments */
	setup((struct files){.dep = "# c\nkernel/foo-bar.ko:\nkernel/b_c.ko: kernel/foo-bar.ko\n",
			     .list = "# comment\nfoo_bar.ko\nb-c\nkernel/foo-bar.ko\nb_c\n"});
	ok(ms.nload == 2 && nwarn == 0, "dash/underscore and duplicates: 2 modules, no warning");
	ok_str(plan_str(), "foo_bar | b_c", "and planned once each");

	/* load_sequential reached only as a softdep target: in the task */
	setup((struct files){.dep = "aa.ko:\nbb.ko:\n",
			     .list = "aa\n",
			     .softdep = "softdep aa pre: bb\n",
			     .options = "options bb load_sequential=1\n"});
	ok_str(plan_str(), "bb aa", "a sequential softdep target loads inline in its user's task");

	/* hard cycle */
	setup((struct files){.dep = "aa.ko: bb.ko\nbb.ko: aa.ko\ncc.ko:\n", .list = "aa\ncc\n"});
	ok(check(LOADER_ANDROID, 2, "cycle", &res) == 0 && res.r == -EIO && loaded_name("cc"),
	   "a dependency cycle: reported, the rest loads");
	ok(modcheck_event("aa") && strstr(modcheck_event("aa"), "cycle"), "with the reason: %s",
	   modcheck_event("aa") ? modcheck_event("aa") : "(none)");
}

/* ---- list files ---- */

static void lists(void)
{
	static const struct {
		const char *cmdline, *bootconfig;
		bool recovery;
		const char *want;
	} t[] = {
	    {"console=ttyS0", NULL, false, "modules.load"},
	    {"androidboot.mode=charger", NULL, false, "modules.load.charger"},
	    {NULL, "androidboot.mode = \"charger\"\n", true, "modules.load.charger"},
	    {NULL, NULL, true, "modules.load.recovery"},
	    {"androidboot.force_normal_boot=1", NULL, true, "modules.load"},
	    {NULL, "androidboot.force_normal_boot = \"1\"\n", true, "modules.load"},
	    {"androidboot.mode=normal", NULL, false, "modules.load"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok_str(modset_list_name(t[i].cmdline, t[i].bootconfig, t[i].recovery), t[i].want,
		       "list file: %s / %s%s", t[i].cmdline ? t[i].cmdline : "-",
		       t[i].bootconfig ? "bootconfig" : "-", t[i].recovery ? " / recovery" : "");

	struct modset_opts o = {.read = fake_read, .list = "modules.load.charger"};
	fake_sys_reset();
	modset_free(&ms);
	fake_sys_file(D "/modules.dep", "aa.ko:\nbb.ko:\n");
	fake_sys_file(D "/modules.load", "aa\n");
	ok(modset_read(&ms, D, &o) == 0 && ms.nload == 1 && strstr(ms.list, "/modules.load") &&
	       !strstr(ms.list, "charger"),
	   "a missing modules.load.charger falls back to modules.load");
	fake_sys_file(D "/modules.load.charger", "bb\n");
	modset_free(&ms);
	ok(modset_read(&ms, D, &o) == 0 && ms.nload == 1 && !strcmp(ms.mods[ms.load[0]].name, "bb"),
	   "modules.load.charger when there");

	/* O_NOFOLLOW, on real files */
	char dir[] = "/tmp/test-modules.XXXXXX", p[256], q[256];
	if (mkdtemp(dir)) {
		FILE *f;

		snprintf(p, sizeof(p), "%s/modules.dep", dir);
		if ((f = fopen(p, "w"))) {
			fputs("aa.ko:\n", f);
			fclose(f);
		}
		snprintf(p, sizeof(p), "%s/real.load", dir);
		if ((f = fopen(p, "w"))) {
			fputs("aa\n", f);
			fclose(f);
		}
		snprintf(q, sizeof(q), "%s/modules.load", dir);
		if (symlink("real.load", q) < 0)
			diag("symlink: %s", strerror(errno));
		modset_free(&ms);
		ok(modset_read(&ms, dir, NULL) == 0 && ms.nload == 0,
		   "§9.16 a symlinked modules.load reads as absent");
		unlink(q);
		unlink(p);
		snprintf(p, sizeof(p), "%s/modules.dep", dir);
		unlink(p);
		rmdir(dir);
	}
}

/* ---- compressed modules ---- */

static char decomp_of[8][48];

static void on_decomp(const struct loader_event *e, void *ud)
{
	int i = e->mod->name[0] - 'a';

	if (i >= 0 && i < 8)
		snprintf(decomp_of[i], sizeof(decomp_of[0]), "%s %s%s%s", mod_result_name(e->result),
			 e->decomp ? e->decomp : "-", e->why && e->result != MOD_OK ? " " : "",
			 e->why && e->result != MOD_OK ? e->why : "");
}

static void compressed(void)
{
	struct files f = {
	    .dep = "kernel/aa.ko.xz:\nkernel/bb.ko.zst: kernel/aa.ko.xz\nkernel/cc.ko.gz: kernel/bb.ko.zst\n"
		   "kernel/dd.ko:\n",
	    .list = "cc\ndd\n"};
	struct loader_opts o = {.mode = LOADER_ANDROID, .threads = 2};
	struct modcheck_result res;

	for (int kernel = 1; kernel >= 0; kernel--) {
		setup(f);
		fake_sys_kernel_decompress(kernel);
		ok_int(modcheck_run(&ms, &o, kernel ? "compressed, kernel" : "compressed, agent", &res), 0,
		       "compressed modules, %s decompresses: by the rules",
		       kernel ? "the kernel" : "the agent");
		setup(f);
		fake_sys_kernel_decompress(kernel);
		memset(decomp_of, 0, sizeof(decomp_of));
		loader_run(&ms, &o, on_decomp, NULL, NULL);
		if (kernel)
			ok(!strcmp(decomp_of[0], "ok kernel") && !strcmp(decomp_of[1], "ok kernel") &&
			       !strcmp(decomp_of[2], "ok kernel") && !strcmp(decomp_of[3], "ok -"),
			   "MODULE_INIT_COMPRESSED_FILE: the kernel decompresses .xz, .zst, .gz (%s, %s, %s)",
			   decomp_of[0], decomp_of[1], decomp_of[2]);
		else
			ok(!strcmp(decomp_of[0], "ok xz") && !strcmp(decomp_of[1], "ok zstd") &&
			       !strcmp(decomp_of[2], "ok gzip") && fake_sys_find("init_module", "cc") >= 0,
			   "EOPNOTSUPP: the agent decompresses with liblzma, libzstd, zlib (%s, %s, %s)",
			   decomp_of[0], decomp_of[1], decomp_of[2]);
	}
	setup(f);
	fake_sys_file(D "/kernel/bb.ko.zst", "not zstd at all");
	memset(decomp_of, 0, sizeof(decomp_of));
	ok_int(loader_run(&ms, &o, on_decomp, NULL, NULL), -EIO, "a corrupt compressed module fails the run");
	ok_str(decomp_of[1], "fail zstd cannot decompress module file", "with the reason");
	ok_str(decomp_of[2], "skip - waits for bb, which did not load", "and its user is skipped");

	/* the decompressors alone */
	static const struct {
		const char *in;
		enum modfile_comp c;
		int want;
	} t[] = {
	    {"", MODFILE_XZ, -EBADMSG},
	    {"\xfd"
	     "7zXZ",
	     MODFILE_XZ, -EBADMSG},
	    {"\x28\xb5\x2f\xfd", MODFILE_ZSTD, -EBADMSG},
	    {"\x1f\x8b", MODFILE_GZIP, -EBADMSG},
	    {"x", MODFILE_PLAIN, -EINVAL},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		void *img = NULL;
		size_t len;

		ok_int(modfile_decompress(t[i].c, t[i].in, strlen(t[i].in), &img, &len), t[i].want,
		       "modfile_decompress: %s input %zu of %zu", modfile_comp_name(t[i].c), i + 1,
		       sizeof(t) / sizeof(t[0]));
		free(img);
	}
	ok(modfile_compression("a/b.ko.xz") == MODFILE_XZ &&
	       modfile_compression("b.ko.zst") == MODFILE_ZSTD &&
	       modfile_compression("b.ko.gz") == MODFILE_GZIP && modfile_compression("b.ko") == MODFILE_PLAIN,
	   "compression by suffix");
}

/* ---- the cases of ../shared/cases/modules ---- */

static void cases(void)
{
	const char *base = getenv("OOPSFARM_CASES") ? getenv("OOPSFARM_CASES") : "../shared/cases";
	static const char *names[] = {"softdep-order", "softdep-orphan-dep", "blocklisted-dep",
				      "sm8450-vendor_ramdisk"};

	for (size_t c = 0; c < sizeof(names) / sizeof(names[0]); c++) {
		char dir[512];
		struct stat st;
		struct modset_opts o = {.warn = on_warn};

		snprintf(dir, sizeof(dir), "%s/modules/%s", base, names[c]);
		if (stat(dir, &st) < 0) {
			skip("case not found", "case %s", names[c]);
			continue;
		}
		fake_sys_reset();
		modset_free(&ms);
		if (modset_read(&ms, dir, &o) < 0) {
			ok(false, "case %s: reads", names[c]);
			continue;
		}
		for (int mode = 0; mode < 2; mode++)
			for (int threads = 1; threads <= 4; threads *= 2) {
				struct modcheck_result res;
				char what[128];

				snprintf(what, sizeof(what), "case %s %s threads=%d", names[c],
					 mode ? "eager" : "android", threads);
				fake_sys_reset();
				/* small delays so that threads really overlap */
				for (int i = 0; i < ms.n; i++)
					fake_sys_module(ms.mods[i].name, 0, (uint32_t)(i % 7) * 150);
				ok_int(modcheck_run(&ms,
						    &(struct loader_opts){.mode = mode, .threads = threads},
						    what, &res),
				       0, "%s: by the rules", what);
				if (!strcmp(names[c], "blocklisted-dep"))
					ok(res.r == 0 &&
					       !strcmp(modcheck_event("b") ? modcheck_event("b") : "",
						       "blocked needs a, which is in modules.blocklist") &&
					       loaded_name("c") && !loaded_name("a"),
					   "%s: b blocked with the reason, c loads, result 0", what);
				else if (!strcmp(names[c], "sm8450-vendor_ramdisk"))
					ok(res.r == 0 && ms.nload == 89 && res.sum.failed == 0 &&
					       res.skipped_events == 0,
					   "%s: %d listed, %d loaded, none failed", what, ms.nload,
					   res.loaded);
				else
					ok(res.r == 0 && res.loaded == ms.n,
					   "%s: every module loads, result 0", what);
			}
	}
}

/* ---- random graphs ---- */

static uint64_t rnd_state;

static uint32_t rnd(uint32_t n)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return n ? (uint32_t)((z ^ (z >> 31)) % n) : 0;
}

/*
 * A plain sequential loader, written apart from lib/modplan.c from the
 * facts sheet's insmod-with-deps: the set of modules it loads, given that
 * every load succeeds, is what the parallel plan must load too.
 */
static int ref_nloaded;
static bool ref_looped;

static void ref_load(int m, char *loaded, int *stack, bool *ok)
{
	const struct module *mod = &ms.mods[m];
	int outer = stack[m];

	if (loaded[m])
		return;
	/* entered again with nothing loaded since: libmodprobe would never return */
	if (!mod->in_dep || mod->blocklisted || (stack[m] && stack[m] - 1 == ref_nloaded)) {
		ref_looped |= stack[m] && stack[m] - 1 == ref_nloaded;
		*ok = false;
		return;
	}
	stack[m] = ref_nloaded + 1;
	for (int k = mod->ndeps - 1; k >= 0 && *ok; k--)
		if (mod->deps[k] != m)
			ref_load(mod->deps[k], loaded, stack, ok);
	if (!*ok) {
		stack[m] = outer;
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int s = 0; s < mod->nsoft; s++) {
			int c[64], nc;

			if (mod->soft[s].post != (pass == 1))
				continue;
			nc = modset_resolve(&ms, mod->soft[s].target, c, 64);
			for (int k = 0; k < nc && k < 64; k++) {
				bool sok = true;

				ref_load(c[k], loaded, stack, &sok);
			}
		}
		if (pass == 0 && !loaded[m]) {
			loaded[m] = 1;
			ref_nloaded++;
		}
	}
	stack[m] = outer;
}

static int ref_skipped;

static bool plan_looped(void)
{
	struct modplan p;
	bool looped = false;

	if (modplan_build(&ms, &p) < 0)
		return false;
	for (int k = 0; k < p.nwarnings; k++)
		looped |=
		    strstr(p.warnings[k], "cycle") != NULL || strstr(p.warnings[k], "cannot load") != NULL;
	for (int k = 0; k < p.nskipped; k++)
		looped |= p.skipped[k].kind == MODPLAN_CYCLE;
	modplan_free(&p);
	return looped;
}

static int ref_check(const char *what)
{
	char loaded[64] = {0};
	int stack[64] = {0}, bad = 0;

	ref_nloaded = 0;
	ref_looped = false;
	for (int k = 0; k < ms.nload; k++) {
		bool ok = true;
		char before[64];
		int i = ms.load[k];

		memcpy(before, loaded, sizeof(before));
		ref_load(i, loaded, stack, &ok);
		if (!ok) { /* our departure: nothing of a module that cannot load */
			memcpy(loaded, before, sizeof(loaded));
			ref_nloaded = 0;
			ref_looped = false;
			for (int j = 0; j < 64; j++)
				ref_nloaded += loaded[j];
		}
	}
	/*
	 * A dependency loop makes libmodprobe recurse forever; where it is
	 * met depends on what loaded before, which differs between waves and
	 * a walk of the list.  Both sides refuse the loop; compare the rest.
	 */
	if (ref_looped || plan_looped()) {
		ref_skipped++;
		return 0;
	}
	for (int i = 0; i < ms.n && i < 64; i++)
		if (loaded[i] != (char)loaded_name(ms.mods[i].name) && bad++ < 3)
			diag("%s: %s: sequential reference %s, parallel %s", what, ms.mods[i].name,
			     loaded[i] ? "loads" : "does not load",
			     loaded_name(ms.mods[i].name) ? "loads" : "does not");
	return bad;
}

static void random_graph(uint64_t seed, char *dep, char *list, char *soft, char *opts, char *block,
			 char *cmdline)
{
	rnd_state = seed * 0x2545f4914f6cdd1dull;
	int n = 2 + (int)rnd(24);
	bool abs = rnd(2);

	dep[0] = list[0] = soft[0] = opts[0] = block[0] = cmdline[0] = '\0';
	/* depmod's modules.dep: the transitive closure, deepest last */
	char closure[32][32] = {{0}};
	for (int i = 0; i < n; i++) {
		int nd = (int)rnd(4);

		for (int k = 0; k < nd && i > 0; k++) {
			int d = (int)rnd((uint32_t)i);

			closure[i][d] = 1;
			for (int j = 0; j < d; j++)
				closure[i][j] |= closure[d][j];
		}
	}
	for (int i = 0; i < n; i++) {
		char line[1024];
		int len = snprintf(line, sizeof(line), "%skernel/m%02d%s.ko:", abs ? "/lib/modules/t/" : "",
				   i, i % 5 == 3 ? "-x" : "");

		for (int j = i - 1; j >= 0; j--)
			if (closure[i][j] && !(rnd(40) == 0)) /* now and then not transitive */
				len += snprintf(
				    line + len, sizeof(line) - (size_t)len, " %skernel/m%02d%s.ko",
				    rnd(2) && abs ? "/lib/modules/t/" : "", j, j % 5 == 3 ? "-x" : "");
		if (rnd(30) == 0)
			len += snprintf(line + len, sizeof(line) - (size_t)len, " kernel/nothere.ko");
		strcat(dep, line);
		strcat(dep, "\n");
	}
	int nl = 1 + (int)rnd((uint32_t)n);
	for (int k = 0; k < nl; k++)
		sprintf(list + strlen(list), "m%02d%s\n", (int)rnd((uint32_t)n), rnd(3) ? "" : ".ko");
	if (rnd(10) == 0)
		strcat(list, "unknown\n");
	for (int k = (int)rnd(5); k > 0; k--) {
		int s = (int)rnd((uint32_t)n);

		sprintf(soft + strlen(soft), "softdep m%02d%s pre: m%02d%s post: m%02d\n", s,
			s % 5 == 3 ? "_x" : "", (int)rnd((uint32_t)n), rnd(2) ? "" : "-x",
			(int)rnd((uint32_t)n + 2));
	}
	for (int k = (int)rnd(3); k > 0; k--)
		sprintf(block + strlen(block), "blocklist m%02d\n", (int)rnd((uint32_t)n));
	for (int k = (int)rnd(3); k > 0; k--)
		sprintf(opts + strlen(opts), "options m%02d p=%u%s\n", (int)rnd((uint32_t)n), rnd(100),
			rnd(2) ? " load_sequential=1" : "");
	for (int k = (int)rnd(3); k > 0; k--)
		sprintf(cmdline + strlen(cmdline), "m%02d.load_sequential=1 m%02d.q=%u ",
			(int)rnd((uint32_t)n), (int)rnd((uint32_t)n), rnd(9));
}

static void property(void)
{
	int count = getenv("MODULES_PROP_N") ? atoi(getenv("MODULES_PROP_N")) : 300;
	uint64_t seed0 = getenv("MODULES_PROP_SEED") ? strtoull(getenv("MODULES_PROP_SEED"), NULL, 0) : 1;
	int bad_graphs = 0, bad_ref = 0, runs = 0, ref_runs = 0;
	uint64_t first_bad = 0;

	for (int g = 0; g < count; g++) {
		static char dep[32768], list[2048], soft[2048], opts[1024], block[512], cmdline[1024];
		uint64_t seed = seed0 + (uint64_t)g;
		int bad = 0;

		random_graph(seed, dep, list, soft, opts, block, cmdline);
		if (setup((struct files){.dep = dep,
					 .list = list,
					 .softdep = soft,
					 .options = opts,
					 .blocklist = block,
					 .cmdline = cmdline}) < 0) {
			bad_graphs++;
			continue;
		}
		for (int mode = 0; mode < 2; mode++) {
			struct modcheck_result res;
			char what[64];
			bool fails = rnd(3) == 0;

			snprintf(what, sizeof(what), "seed %llu %s", (unsigned long long)seed,
				 mode ? "eager" : "android");
			fake_sys_reset();
			for (int i = 0; i < ms.n; i++)
				fake_sys_module(ms.mods[i].name,
						fails && rnd(6) == 0 ? (rnd(2) ? ENOENT : EEXIST) : 0,
						rnd(4) == 0 ? 200 : 0);
			bad += modcheck_run(
			    &ms,
			    &(struct loader_opts){
				.mode = mode, .threads = 1 + (int)rnd(4), .shuffle = rnd(2), .seed = seed},
			    what, &res);
			runs++;
			bool any_fail = false;
			for (int i = 0; i < fake_sys_ncalls(); i++)
				any_fail |= fake_sys_call(i)->ret < 0 && fake_sys_call(i)->ret != -EEXIST;
			if (!any_fail) {
				int rb = ref_check(what);

				ref_runs++;
				bad_ref += rb != 0;
				bad += rb;
			}
		}
		if (bad && !bad_graphs++) {
			first_bad = seed;
			diag("modules.dep:\n%s# list:\n%s# softdep:\n%s# options:\n%s# blocklist:\n%s# "
			     "cmdline: %s",
			     dep, list, soft, opts, block, cmdline);
		}
	}
	ok(bad_graphs == 0,
	   "property: %d random graphs (seeds %llu..%llu), %d loads checked by the rules; %d without a "
	   "failure "
	   "compared with the sequential reference, %d of them left out for a dependency loop%s",
	   count, (unsigned long long)seed0, (unsigned long long)(seed0 + (uint64_t)count - 1), runs,
	   ref_runs, ref_skipped, bad_graphs ? "" : ", all clean");
	if (bad_graphs)
		diag("%d graphs broke a rule (%d against the sequential reference); first seed %llu",
		     bad_graphs, bad_ref, (unsigned long long)first_bad);
}

int main(void)
{
	rules();
	lists();
	compressed();
	cases();
	property();
	modset_free(&ms);
	return tap_done();
}
