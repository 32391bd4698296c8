// SPDX-License-Identifier: MIT
/*
 * oopsfarm run CAMPAIGN: the local farm on the QEMU SMMUv3 board.
 *
 * Builds each variant's kernel (devices/qemu-smmuv3/build-kernel.sh, cached),
 * its initramfs (the init binary + the kernel's modules) and each setup's
 * device tree, then boots variants interleaved boot by boot (ABAB...) so that
 * drift on the host does not bias one side.  Each finished boot is parsed from
 * its raw console and stored at once, in one transaction; the raw console is
 * kept compressed.  A boot already in the store is not booted again, so a run
 * killed with -9 resumes where it stopped and counts nothing twice.  Infra
 * errors (QEMU did not start, the console never opened) are stored, shown and
 * retried, never counted in a rate.
 *
 * Exit: 0 the campaign ran (whatever it measured), 2 usage or bad spec,
 * 3 infra (a build failed, the store cannot be written).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>
#include <sqlite3.h>

#include "campaign.h"
#include "boot.h"
#include "oops.h"
#include "proto.h"
#include "oopsfarm.h"
#include "qemu.h"
#include "stats.h"
#include "store.h"

#define RECIPE "devices/qemu-smmuv3"
#define MAX_RETRIES 2

struct variant_art {
	char kdir[1024];	/* build-kernel.sh output */
	char initrd[1024];
	char build_id[128];
	char version[256];
	int64_t id;
	unsigned boots, fails;
};

struct setup_art {
	char dtb[1024];
	int64_t id;
};

/* Runs argv, returns 0 and the last line of its stdout; stderr passes through. */
static int run_capture(const char *const *argv, char *ret_last, size_t size)
{
	int pipefd[2], status;
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "oopsfarm run: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	ret_last[0] = '\0';
	while ((n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) > 0) {
		char *nl;

		len += n;
		buf[len] = '\0';
		/* keep only the last complete line and what follows it */
		while ((nl = strchr(buf, '\n')) && nl[1]) {
			len -= nl + 1 - buf;
			memmove(buf, nl + 1, len + 1);
		}
		if (len >= sizeof(buf) - 1)
			len = 0;
	}
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(ret_last, size, "%s", buf);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* mkdir -p, without a shell */
static int mkdir_p(const char *path)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static void read_line_file(const char *dir, const char *name, char *out, size_t size)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(out, size, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

/* A boot of this index that counts (not infra) is already stored. */
static bool boot_done(struct store *s, const char *uid_prefix)
{
	sqlite3_stmt *st;
	bool done = false;
	char like[600];

	snprintf(like, sizeof(like), "%s#%%", uid_prefix);
	sqlite3_prepare_v2(store_db(s), "SELECT 1 FROM boots WHERE boot_uid LIKE ? AND verdict != 'infra'",
			   -1, &st, NULL);
	sqlite3_bind_text(st, 1, like, -1, SQLITE_TRANSIENT);
	done = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return done;
}

static int attempts_stored(struct store *s, const char *uid_prefix)
{
	sqlite3_stmt *st;
	char like[600];
	int n = 0;

	snprintf(like, sizeof(like), "%s#%%", uid_prefix);
	sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM boots WHERE boot_uid LIKE ?", -1, &st, NULL);
	sqlite3_bind_text(st, 1, like, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void usage(void)
{
	printf("usage: oopsfarm run [options] CAMPAIGN.yaml\n\n"
	       "  --store FILE      results store (default build/run/<campaign>/results.db)\n"
	       "  --init FILE       static init for the initramfs (default the aarch64 agent)\n"
	       "  --boots N         boots per variant and setup (overrides the spec)\n"
	       "  --append ARGS     extra kernel command line\n"
	       "  --cpu-limit SEC   QEMU CPU seconds before a boot counts as hung (default 60)\n"
	       "  -h, --help        this help\n\n"
	       "Interleaves variants boot by boot, stores each boot at once, resumes a stopped\n"
	       "run without counting a boot twice, and prints the report at the end.\n");
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "init", required_argument, NULL, 'i' },
		{ "boots", required_argument, NULL, 'n' },
		{ "append", required_argument, NULL, 'a' },
		{ "cpu-limit", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *store_path = NULL, *init = "build/aarch64-linux-gnu/oopsfarm-agent", *extra = "";
	struct variant_art va[CAMPAIGN_MAX_VARIANTS] = { 0 };
	struct setup_art sa[CAMPAIGN_MAX_SETUPS] = { 0 };
	char dir[512], path[1024], err[512], last[1024], spath[1024], agent_cmdline[1024] = "";
	struct campaign *c;
	struct store *s;
	int opt, r, boots = 0, done = 0, total;
	int64_t cid;
	double cpu_limit = 60, t0;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': store_path = optarg; break;
		case 'i': init = optarg; break;
		case 'n': boots = atoi(optarg); break;
		case 'a': extra = optarg; break;
		case 'c': cpu_limit = atof(optarg); break;
		case 'h': usage(); return EXIT_OK;
		default: return usage_hint("run");
		}
	}
	if (optind != argc - 1) {
		errorf("run", "one campaign file is needed");
		return usage_hint("run");
	}
	if (campaign_load(argv[optind], &c, err, sizeof(err)) < 0) {
		errorf("run", "%s", err);
		return EXIT_USAGE;
	}
	if (boots > 0)
		c->boots = boots;
	if (access(init, R_OK) < 0) {
		errorf("run", "cannot read the init binary '%s': %s (make agent CROSS_COMPILE=aarch64-linux-gnu-)",
		       init, strerror(errno));
		campaign_free(c);
		return EXIT_INFRA;
	}
	snprintf(dir, sizeof(dir), "build/run/%s", c->name);
	snprintf(path, sizeof(path), "%s/logs", dir);
	if (mkdir_p(path) < 0) {
		errorf("run", "cannot make '%s': %s", path, strerror(errno));
		campaign_free(c);
		return EXIT_INFRA;
	}
	if (!store_path) {
		snprintf(spath, sizeof(spath), "%s/results.db", dir);
		store_path = spath;
	}
	r = store_open(store_path, &s);
	if (r < 0) {
		errorf("run", "cannot open store '%s': %s", store_path, strerror(-r));
		campaign_free(c);
		return EXIT_INFRA;
	}
	store_campaign(s, c->name, c->target, c->path, &cid);

	/* artifacts: kernels (cached by build-kernel.sh), initramfs, DTBs */
	for (int v = 0; v < c->nvariants; v++) {
		const char *bargv[CAMPAIGN_MAX_PATCHES + 2];
		int k = 0;

		bargv[k++] = RECIPE "/build-kernel.sh";
		for (int p = 0; p < c->variants[v].npatches; p++)
			bargv[k++] = c->variants[v].patches[p];
		bargv[k] = NULL;
		if (c->variants[v].kernel_src)
			setenv("KERNEL_SRC", c->variants[v].kernel_src, 1);
		else
			unsetenv("KERNEL_SRC");
		fprintf(stderr, "oopsfarm run: building variant '%s'\n", c->variants[v].name);
		if (run_capture(bargv, va[v].kdir, sizeof(va[v].kdir)) < 0 || !va[v].kdir[0]) {
			errorf("run", "building the kernel of variant '%s' failed", c->variants[v].name);
			goto infra;
		}
		read_line_file(va[v].kdir, "build-id", va[v].build_id, sizeof(va[v].build_id));
		read_line_file(va[v].kdir, "VERSION", va[v].version, sizeof(va[v].version));
		snprintf(va[v].initrd, sizeof(va[v].initrd), "%s/%s.cpio", dir, c->variants[v].name);
		{
			const char *margv[] = { RECIPE "/mkinitramfs.sh", va[v].initrd, init, va[v].kdir, NULL };

			if (run_capture(margv, last, sizeof(last)) < 0) {
				errorf("run", "building the initramfs of variant '%s' failed", c->variants[v].name);
				goto infra;
			}
		}
		{
			char patches[2048] = "";

			for (int p = 0; p < c->variants[v].npatches; p++)
				snprintf(patches + strlen(patches), sizeof(patches) - strlen(patches), "%s%s",
					 p ? " " : "", c->variants[v].patches[p]);
			store_variant(s, cid, c->variants[v].name, va[v].version, patches, NULL, va[v].build_id,
				      &va[v].id);
		}
	}
	for (int i = 0; i < c->nsetups; i++) {
		struct campaign_setup *st = &c->setups[i];

		if (st->extra_nodes > 0) {
			char n[16], smp[16], mem[16];
			const char *wargv[] = { RECIPE "/widen-dtb.sh", sa[i].dtb, n, smp, mem, NULL };

			snprintf(sa[i].dtb, sizeof(sa[i].dtb), "%s/%s.dtb", dir, st->name);
			snprintf(n, sizeof(n), "%d", st->extra_nodes);
			snprintf(smp, sizeof(smp), "%d", st->vcpus);
			snprintf(mem, sizeof(mem), "%d", st->memory_mb);
			if (run_capture(wargv, last, sizeof(last)) < 0) {
				errorf("run", "building the device tree of setup '%s' failed", st->name);
				goto infra;
			}
		}
		store_setup(s, cid, st->name, st->vcpus, st->memory_mb, NULL, st->cpu, &sa[i].id);
	}

	/* the agent's knobs, each as oopsfarm.KEY=VALUE on the kernel command line */
	if (c->agent_args) {
		char *copy = strdup(c->agent_args), *save = NULL;

		for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
			snprintf(agent_cmdline + strlen(agent_cmdline), sizeof(agent_cmdline) - strlen(agent_cmdline),
				 "%s%s%s", agent_cmdline[0] ? " " : "", strncmp(w, "oopsfarm.", 9) ? "oopsfarm." : "", w);
		free(copy);
	}
	total = c->boots * c->nvariants * c->nsetups;
	t0 = time(NULL);
	for (int b = 0; b < c->boots; b++) {
		for (int i = 0; i < c->nsetups; i++) {
			for (int v = 0; v < c->nvariants; v++) {
				struct campaign_setup *st = &c->setups[i];
				char uidp[512], uid[600], log[1024], append[2048], started[32], qerr[1100];
				struct qemu_opts qo = { 0 };
				struct qemu_result qr;
				struct crash_set bp = { .target = c->target };
				struct agent_seen seen;
				struct store_boot sb = { 0 };
				time_t now = time(NULL);
				char *buf;
				size_t len = 0;
				int attempt;

				snprintf(uidp, sizeof(uidp), "%s/%s/%s/%d", c->name, c->variants[v].name, st->name, b);
				if (boot_done(s, uidp)) {
					done++;
					continue;
				}
				attempt = attempts_stored(s, uidp);
				if (attempt > MAX_RETRIES) {
					done++;	/* given up: its infra errors are in the store */
					continue;
				}
				snprintf(uid, sizeof(uid), "%s#%d", uidp, attempt);
				snprintf(log, sizeof(log), "%s/logs/%s-%s-%d.%d.log", dir, c->variants[v].name,
					 st->name, b, attempt);
				snprintf(append, sizeof(append), "console=ttyAMA0 panic=-1 %s %s", agent_cmdline, extra);
				strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
				snprintf(path, sizeof(path), "%s/Image", va[v].kdir);
				qo.kernel = path;
				qo.initrd = va[v].initrd;
				qo.dtb = sa[i].dtb[0] ? sa[i].dtb : NULL;
				qo.append = append;
				qo.cpu = st->cpu;
				qo.smp = st->vcpus;
				qo.mem_mb = st->memory_mb;
				qo.cpu_limit_s = cpu_limit;
				qo.idle_limit_s = 30;
				/* the agent's END line: "OOPSFARM:<seq>:END:" */
				qo.done_marker = ":END:verdict=";
				qo.done_grace_s = 3;
				qo.log_path = log;
				snprintf(qerr, sizeof(qerr), "%s.qemu", log);
				qo.stderr_path = qerr;
				r = qemu_boot(&qo, &qr);
				{
					struct stat sq;

					if (stat(qerr, &sq) == 0 && sq.st_size == 0)
						unlink(qerr);
				}

				buf = file_slurp(log, &len);
				memset(&seen, 0, sizeof(seen));
				if (buf) {
					crash_set_parse(&bp, buf, len);
					agent_decode(buf, len, &seen);
				}
				sb.boot_uid = uid;
				sb.campaign_id = cid;
				sb.variant_id = va[v].id;
				sb.setup_id = sa[i].id;
				sb.seq = b;
				sb.started = started;
				sb.wall_ms = (int64_t)(qr.wall_s * 1000);
				sb.cpu_ms = (int64_t)(qr.cpu_s * 1000);
				sb.knobs = c->agent_args;
				sb.build_id = va[v].build_id;
				sb.crashes = bp.c;
				sb.ncrashes = bp.n;
				sb.target_hit = bp.target_hit;
				/*
				 * The console decides: a crash is a crash whatever else happened.
				 * All variants of one tree print the same release, so the build-id
				 * in the agent's BEGIN line tells which variant really booted; a
				 * mismatch, like a QEMU that did not start, is an infra error.
				 * With the agent as init, a pass needs its END line; an init that
				 * is not the agent (no BEGIN line) passes by powering off.
				 */
				if (bp.n)
					sb.verdict = VERDICT_CRASH;
				else if (r < 0 || !qr.started ||
					 (!qr.hung && !qr.done_killed && qr.exit_code != 0 && qr.exit_code != 1))
					sb.verdict = VERDICT_INFRA, sb.infra_reason = r < 0 ? qr.error : "qemu failed";
				else if (!len)
					sb.verdict = VERDICT_INFRA, sb.infra_reason = "empty console";
				else if (seen.begin && va[v].build_id[0] && strcmp(seen.build_id, va[v].build_id))
					sb.verdict = VERDICT_INFRA, sb.infra_reason = "build-id mismatch";
				else if (qr.hung || (seen.begin && !seen.end))
					sb.verdict = VERDICT_HANG;
				else
					sb.verdict = VERDICT_PASS;
				snprintf(path, sizeof(path), "%s.zst", log);
				sb.log_path = path;
				if (buf)
					log_keep_compressed(log, buf, len);
				free(buf);
				r = store_add_boot(s, &sb);
				if (r < 0) {
					errorf("run", "cannot store boot '%s': %s", uid, strerror(-r));
					goto infra;
				}
				if (sb.verdict == VERDICT_INFRA) {
					fprintf(stderr, "\noopsfarm run: %s: infra error (%s), retrying\n", uid,
						sb.infra_reason);
					v--;	/* the same boot again */
					continue;
				}
				done++;
				va[v].boots++;
				va[v].fails += sb.target_hit;
				/* progress: boots done, per-variant target counts, ETA */
				{
					double el = difftime(time(NULL), t0);
					int left = total - done;

					fprintf(stderr, "\r[%d/%d]", done, total);
					for (int k = 0; k < c->nvariants; k++) {
						double lo, hi;

						stats_wilson(va[k].fails, va[k].boots, 1.959964, &lo, &hi);
						fprintf(stderr, " %s %u/%u [%.1f%%,%.1f%%]", c->variants[k].name,
							va[k].fails, va[k].boots, lo * 100, hi * 100);
					}
					if (va[0].boots)
						fprintf(stderr, " ETA %.0fs   ", el / (done ? done : 1) * left);
				}
			}
		}
	}
	fprintf(stderr, "\n");
	store_close(s);
	{
		char *rargv[] = { "report", "--store", (char *)store_path, "--campaign", c->name, NULL };

		optind = 1;
		r = cmd_report(5, rargv);
	}
	campaign_free(c);
	return r;
infra:
	store_close(s);
	campaign_free(c);
	return EXIT_INFRA;
}
