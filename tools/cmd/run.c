// SPDX-License-Identifier: MIT
/*
 * oopsfarm run CAMPAIGN: the local farm on the QEMU SMMUv3 board.
 *
 * Builds each variant's kernel (devices/qemu-smmuv3/build-kernel.sh, cached),
 * its initramfs (the init binary + the kernel's modules) and each setup's
 * device tree, then boots variants interleaved boot by boot (ABAB...) so that
 * drift on the host does not bias one side, on K boards at once from one
 * event loop (epoll; board.h).  Each finished boot is parsed from its raw
 * console and stored at once, in one transaction; the raw console is kept
 * compressed.  A boot already in the store is not booted again, so a run
 * killed with -9 resumes (--resume) where it stopped and counts nothing
 * twice.  Infra errors (QEMU did not start, the console never opened, the
 * wrong kernel booted) are stored, shown and retried, never counted in a
 * rate.  With --until the campaign stops at its sequential verdict (seq.h).
 *
 * Exit: 0 the campaign ran (whatever it measured), 2 usage or bad spec,
 * 3 infra (a build failed, the store cannot be written), 130 interrupted.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/resource.h>
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

#include "core/campaign.h"
#include "core/console.h"
#include "core/verdict.h"
#include "oops.h"
#include "proto.h"
#include "oopsfarm.h"
#include "core/artifacts.h"
#include "board/board.h"
#include "core/sequential.h"
#include "stats.h"
#include "store/store.h"

#define MAX_RETRIES CAMPAIGN_MAX_RETRIES

struct variant_art {
	struct variant_artifacts a;
	int64_t id;
	unsigned boots, fails;
};

struct setup_art {
	char dtb[1024];
	int64_t id;
	struct seq_state seq;	/* the sequential rule on this setup's outcomes so far */
};

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


static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* one board of the farm and the boot it runs */
struct slot {
	struct board *board;
	bool busy;
	int v, i, b, attempt;
	char uid[600], log[1024], qerr[1100], started[32], kernel[1100], append[2048];
	double load;
	bool rearm;		/* its console fired: watch it again at the next tick */
	int power_fd;		/* in the epoll set: readable when the board is off */
	struct board_boot bb;
};

/* the whole run's state */
struct farm {
	struct campaign *c;
	struct store *s;
	int64_t cid;
	const char *dir;
	struct variant_art *va;
	struct setup_art *sa;
	const char *cmdline;		/* console=, panic=, the agent's knobs, --append */
	bool sequential;
	bool agent_expected;		/* init is the oopsfarm agent (not --no-agent) */
	int boots;			/* per variant and setup: the cap */
	/* outcomes[setup][variant][boot]: -1 unknown, 0 no target, 1 target */
	signed char *outcome;
	/* the next boot to hand out, in ABAB order */
	int next_b, next_i, next_v;
	/* infra retries wait here, first out */
	struct { int v, i, b; } retry[64];
	int nretry;
	int done, total, started_now, infra;
	double t0, boards_cpu;
	struct slot *slots;
};

static signed char *outcome(struct farm *f, int i, int v, int b)
{
	return &f->outcome[((size_t)i * f->c->nvariants + v) * f->boots + b];
}

static bool decided(const struct farm *f, int i)
{
	return f->sequential && f->sa[i].seq.sprt.decision != SPRT_CONTINUE;
}

/* Re-evaluates the sequential rule of setup i after its outcomes changed,
 * and says so when it has just decided. */
static void seq_update(struct farm *f, int i)
{
	const struct campaign_until *u = &f->c->until;
	bool before = decided(f, i);

	if (!f->sequential)
		return;
	f->sa[i].seq.path = NULL;
	seq_evaluate(u, u->test == SEQ_COMPARE ? outcome(f, i, u->control_idx, 0) : NULL,
		     outcome(f, i, u->treatment_idx, 0), f->boots, &f->sa[i].seq);
	/* said once, while booting (a resumed decision was said before) */
	if (!before && decided(f, i) && f->t0 > 0) {
		char line[512];

		seq_describe(u, &f->sa[i].seq, line, sizeof(line));
		fprintf(stderr, "\noopsfarm run: %s: %s\n", f->c->setups[i].name, line);
	}
}

/* Picks the next boot to start; false when there is none left now. */
static bool next_boot(struct farm *f, int *v, int *i, int *b)
{
	if (f->nretry > 0) {
		f->nretry--;
		*v = f->retry[0].v, *i = f->retry[0].i, *b = f->retry[0].b;
		memmove(f->retry, f->retry + 1, f->nretry * sizeof(f->retry[0]));
		return true;
	}
	while (f->next_b < f->boots) {
		int bv = f->next_v, bi = f->next_i, bb = f->next_b;

		if (++f->next_v == f->c->nvariants) {
			f->next_v = 0;
			if (++f->next_i == f->c->nsetups) {
				f->next_i = 0;
				f->next_b++;
			}
		}
		if (decided(f, bi) || *outcome(f, bi, bv, bb) != -1)
			continue;
		*v = bv, *i = bi, *b = bb;
		return true;
	}
	return false;
}

/* The variant and setup indexes of stored ids, and a boot index in range. */
static bool stored_cell(struct farm *f, sqlite3_stmt *st, int *v, int *i, int *b)
{
	int64_t vid = sqlite3_column_int64(st, 0), sid = sqlite3_column_int64(st, 1);

	*b = sqlite3_column_int(st, 2);
	for (*v = 0; *v < f->c->nvariants && f->va[*v].id != vid; (*v)++)
		;
	for (*i = 0; *i < f->c->nsetups && f->sa[*i].id != sid; (*i)++)
		;
	return *v < f->c->nvariants && *i < f->c->nsetups && *b >= 0 && *b < f->boots;
}

/* Fills the outcomes of boots already in the store (resume). */
static int load_outcomes(struct farm *f)
{
	sqlite3_stmt *st;
	int n = 0, v, i, b;

	if (sqlite3_prepare_v2(store_db(f->s),
			       "SELECT variant_id, setup_id, seq, target_hit FROM boots"
			       " WHERE campaign_id = ? AND verdict != 'infra'", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, f->cid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!stored_cell(f, st, &v, &i, &b))
			continue;
		*outcome(f, i, v, b) = sqlite3_column_int(st, 3) ? 1 : 0;
		f->va[v].boots++;
		f->va[v].fails += sqlite3_column_int(st, 3) ? 1 : 0;
		n++;
	}
	sqlite3_finalize(st);
	/* boots given up after their retries: done, and never in a rate */
	if (sqlite3_prepare_v2(store_db(f->s),
			       "SELECT variant_id, setup_id, seq FROM boots WHERE campaign_id = ? AND verdict = 'infra'"
			       " GROUP BY variant_id, setup_id, seq HAVING count(*) > ?", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, f->cid);
	sqlite3_bind_int(st, 2, MAX_RETRIES);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (stored_cell(f, st, &v, &i, &b) && *outcome(f, i, v, b) == -1) {
			*outcome(f, i, v, b) = -2;
			n++;
		}
	}
	sqlite3_finalize(st);
	return n;
}

static void progress(struct farm *f)
{
	double el = board_now() - f->t0;
	int left = f->total - f->done;

	fprintf(stderr, "\r[%d/%d]", f->done, f->total);
	for (int k = 0; k < f->c->nvariants; k++) {
		double lo, hi;

		stats_wilson(f->va[k].fails, f->va[k].boots, 1.959964, &lo, &hi);
		fprintf(stderr, " %s %u/%u [%.1f%%,%.1f%%]", f->c->variants[k].name, f->va[k].fails,
			f->va[k].boots, lo * 100, hi * 100);
	}
	if (f->sequential)
		for (int i = 0; i < f->c->nsetups; i++) {
			const struct seq_state st = f->sa[i].seq;

			fprintf(stderr, " | %s llr %.2f [%.2f,%.2f]%s", f->c->setups[i].name,
				st.sprt.decision == SPRT_CONTINUE ? st.sprt.llr
				: st.sprt.decision == SPRT_H1 ? st.sprt.hi : st.sprt.lo,
				st.sprt.lo, st.sprt.hi,
				st.sprt.decision == SPRT_H1 ? " H1" : st.sprt.decision == SPRT_H0 ? " H0" : "");
		}
	if (f->started_now > 0 && f->done > 0)
		fprintf(stderr, " ETA %.0fs%s  ", el / f->started_now * left, f->sequential ? " (at most)" : "");
	if (f->infra)
		fprintf(stderr, " infra %d", f->infra);
	fprintf(stderr, "   ");
}

static int start_boot(struct farm *f, struct slot *sl, int v, int i, int b)
{
	struct campaign_setup *st = &f->c->setups[i];
	char uidp[512];
	time_t now = time(NULL);
	double load[1] = { -1 };

	sl->v = v, sl->i = i, sl->b = b;
	snprintf(uidp, sizeof(uidp), "%s/%s/%s/%d", f->c->name, f->c->variants[v].name, st->name, b);
	sl->attempt = attempts_stored(f->s, uidp);
	snprintf(sl->uid, sizeof(sl->uid), "%s#%d", uidp, sl->attempt);
	snprintf(sl->log, sizeof(sl->log), "%s/logs/%s-%s-%d.%d.log", f->dir, f->c->variants[v].name, st->name, b,
		 sl->attempt);
	snprintf(sl->qerr, sizeof(sl->qerr), "%s.qemu", sl->log);
	snprintf(sl->kernel, sizeof(sl->kernel), "%s", f->va[v].a.image);
	snprintf(sl->append, sizeof(sl->append), "%s", f->cmdline);
	strftime(sl->started, sizeof(sl->started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	getloadavg(load, 1);
	sl->load = load[0];
	sl->bb = (struct board_boot){
		.kernel = sl->kernel, .initrd = f->va[v].a.initrd, .dtb = f->sa[i].dtb[0] ? f->sa[i].dtb : NULL,
		.append = sl->append, .cpu = st->cpu, .smp = st->vcpus, .mem_mb = st->memory_mb,
		.log_path = sl->log, .stderr_path = sl->qerr, .limits = f->c->timeouts,
	};
	sl->busy = true;
	f->started_now++;
	return qemu_board_ops.start(sl->board, &sl->bb);
}

/* The boot on sl is over: parse, decide, store.  -errno when the store fails. */
static int finish_boot(struct farm *f, struct slot *sl)
{
	struct board_result qr;
	struct crash_set bp = { .target = f->c->target };
	struct agent_seen seen;
	struct boot_facts facts = { 0 };
	struct boot_decision d;
	struct store_boot sb = { 0 };
	struct variant_art *va = &f->va[sl->v];
	char zpath[1100];
	size_t len = 0;
	char *buf;
	struct stat sq;
	int r;

	qemu_board_ops.result(sl->board, &qr);
	sl->busy = false;
	f->boards_cpu += qr.cpu_s;
	if (stat(sl->qerr, &sq) == 0 && sq.st_size == 0)
		unlink(sl->qerr);
	buf = file_slurp(sl->log, &len);
	memset(&seen, 0, sizeof(seen));
	if (buf) {
		crash_set_parse(&bp, buf, len);
		agent_decode(buf, len, &seen);
	}
	sb.boot_uid = sl->uid;
	sb.campaign_id = f->cid;
	sb.variant_id = va->id;
	sb.setup_id = f->sa[sl->i].id;
	sb.seq = sl->b;
	sb.started = sl->started;
	sb.wall_ms = (int64_t)(qr.wall_s * 1000);
	sb.cpu_ms = (int64_t)(qr.cpu_s * 1000);
	sb.knobs = f->c->agent_args;
	sb.build_id = seen.begin ? seen.build_id : va->a.build_id;
	sb.crashes = bp.c;
	sb.ncrashes = bp.n;
	sb.source = "local";
	sb.board = "qemu";
	sb.host_load = sl->load;
	/* the verdict rule (core/verdict.c): the console, then the board */
	console_facts_fill(&facts.con, len, &bp, &seen);
	facts.expect_build_id = va->a.build_id;
	facts.expect_stamp = va->a.stamp;
	facts.agent_expected = f->agent_expected;
	if (!qr.started || (!qr.hung && !qr.done_killed && qr.exit_code != 0 && qr.exit_code != 1))
		facts.board_failed = qr.why[0] ? qr.why : "qemu failed";
	if (qr.hung)
		facts.phase_limit = qr.why;
	if (boot_verdict_decide(&facts, &d) < 0) {
		free(buf);
		return -ENOMEM;
	}
	sb.verdict = d.verdict;
	sb.target_hit = d.counted && d.verdict == VERDICT_CRASH && bp.target_hit;
	sb.infra_reason = d.reason;
	snprintf(zpath, sizeof(zpath), "%s.zst", sl->log);
	sb.log_path = zpath;
	if (buf)
		log_keep_compressed(sl->log, buf, len);
	free(buf);
	r = store_add_boot(f->s, &sb);
	if (r < 0) {
		errorf("run", "cannot store boot '%s': %s", sl->uid, strerror(-r));
		boot_decision_clear(&d);
		return r;
	}
	if (sb.verdict == VERDICT_INFRA) {
		f->infra++;
		fprintf(stderr, "\noopsfarm run: %s: infra error (%s)%s\n", sl->uid, d.reason,
			sl->attempt < MAX_RETRIES ? ", retrying" : ", given up");
		if (sl->attempt < MAX_RETRIES && f->nretry < (int)(sizeof(f->retry) / sizeof(f->retry[0]))) {
			f->retry[f->nretry].v = sl->v, f->retry[f->nretry].i = sl->i, f->retry[f->nretry].b = sl->b;
			f->nretry++;
		} else {
			f->done++;	/* given up: its infra errors are in the store */
			*outcome(f, sl->i, sl->v, sl->b) = -2;
			seq_update(f, sl->i);
		}
		boot_decision_clear(&d);
		return 0;
	}
	boot_decision_clear(&d);
	*outcome(f, sl->i, sl->v, sl->b) = sb.target_hit ? 1 : 0;
	f->done++;
	va->boots++;
	va->fails += sb.target_hit;
	seq_update(f, sl->i);
	return 0;
}

/* epoll data: the slot's index, with this bit for its power fd */
#define POWER_EVENT 0x80000000u

/* Runs a busy board's timers; finishes its boot when it is over, else
 * keeps its console (one-shot) and power fds in the epoll set. */
static int service(struct farm *f, struct slot *sl, int ep, int *watched, double now, int *busy)
{
	int k = sl - f->slots, fd;
	struct epoll_event ev;

	if (qemu_board_ops.tick(sl->board, now)) {
		if (*watched >= 0)
			epoll_ctl(ep, EPOLL_CTL_DEL, *watched, NULL);
		if (sl->power_fd >= 0)
			epoll_ctl(ep, EPOLL_CTL_DEL, sl->power_fd, NULL);
		*watched = sl->power_fd = -1;
		(*busy)--;
		if (finish_boot(f, sl) < 0)
			return -EIO;
		progress(f);
		return 0;
	}
	/* the console fd appears once QEMU is up, and goes at its end;
	 * one-shot: a console wakes the loop at most once per tick */
	fd = qemu_board_ops.fd(sl->board);
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLONESHOT, .data.u32 = k };
	if (fd != *watched) {
		if (*watched >= 0)
			epoll_ctl(ep, EPOLL_CTL_DEL, *watched, NULL);
		if (fd >= 0)
			epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
		*watched = fd;
	} else if (fd >= 0 && sl->rearm) {
		epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
	}
	sl->rearm = false;
	fd = qemu_board_ops.power_fd(sl->board);
	if (fd >= 0 && sl->power_fd != fd) {
		ev = (struct epoll_event){ .events = EPOLLIN, .data.u32 = k | POWER_EVENT };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0)
			sl->power_fd = fd;
	}
	return 0;
}

/* Boots what is left of the campaign on nboards boards.  0, -EINTR, or -errno. */
static int farm_loop(struct farm *f, int nboards)
{
	struct slot *slots = calloc(nboards, sizeof(*slots));
	struct epoll_event evs[16];
	int ep = epoll_create1(EPOLL_CLOEXEC), busy = 0, r = 0;
	int *watched = calloc(nboards, sizeof(int));
	double last_tick = 0;

	if (!slots || !watched || ep < 0) {
		free(slots);
		free(watched);
		return -ENOMEM;
	}
	f->slots = slots;
	for (int k = 0; k < nboards; k++) {
		slots[k].board = qemu_board_ops.create(k);
		slots[k].power_fd = -1;
		watched[k] = -1;
		if (!slots[k].board) {
			r = -ENOMEM;
			goto out;
		}
	}
	for (;;) {
		int n, v, i, b;
		double now;

		/* hand out boots to idle boards */
		for (int k = 0; k < nboards && !stop_signal; k++) {
			if (slots[k].busy || !next_boot(f, &v, &i, &b))
				continue;
			start_boot(f, &slots[k], v, i, b);
			busy++;
		}
		if (!busy || stop_signal)
			break;
		n = epoll_wait(ep, evs, 16, 100);
		if (n < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		now = board_now();
		for (int e = 0; e < n; e++) {
			int k = evs[e].data.u32 & ~POWER_EVENT;
			struct slot *sl = &slots[k];

			if (!sl->busy)
				continue;
			if (evs[e].data.u32 & POWER_EVENT) {
				/* powered off: the boot ends now, not at the next tick */
				if ((r = service(f, sl, ep, &watched[k], now, &busy)) < 0)
					goto out;
				continue;
			}
			qemu_board_ops.input(sl->board);
			sl->rearm = true;
		}
		if (n > 0 && now - last_tick < 0.1)
			continue;
		last_tick = now;
		for (int k = 0; k < nboards; k++)
			if (slots[k].busy && (r = service(f, &slots[k], ep, &watched[k], now, &busy)) < 0)
				goto out;
	}
	if (stop_signal) {
		/* Ctrl-C: boots in flight are not finished, so they are not stored */
		for (int k = 0; k < nboards; k++)
			if (slots[k].busy) {
				qemu_board_ops.abort(slots[k].board);
				unlink(slots[k].log);
				unlink(slots[k].qerr);
			}
		r = -EINTR;
	}
out:
	for (int k = 0; k < nboards; k++)
		qemu_board_ops.destroy(slots[k].board);
	close(ep);
	free(slots);
	free(watched);
	return r;
}

/* --variant NAME[=PATCH[,PATCH...]] */
static int add_variant(struct campaign *c, const char *arg, bool *replaced)
{
	struct campaign_variant *v;
	const char *eq = strchr(arg, '=');
	char *patches, *save = NULL;

	if (!*replaced) {
		campaign_clear_variants(c);
		*replaced = true;
	}
	if (c->nvariants >= CAMPAIGN_MAX_VARIANTS)
		return -E2BIG;
	v = &c->variants[c->nvariants++];
	v->name = eq ? strndup(arg, eq - arg) : strdup(arg);
	if (!v->name[0] || v->name[strspn(v->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")])
		return -EINVAL;
	if (!eq || !eq[1])
		return 0;
	patches = strdup(eq + 1);
	for (char *p = strtok_r(patches, ",", &save); p && v->npatches < CAMPAIGN_MAX_PATCHES;
	     p = strtok_r(NULL, ",", &save)) {
		if (access(p, R_OK) < 0) {
			errorf("run", "--variant %s: cannot read patch '%s': %s", v->name, p, strerror(errno));
			free(patches);
			return -ENOENT;
		}
		v->patches[v->npatches++] = strdup(p);
	}
	free(patches);
	return 0;
}

/* The campaign the quick flags describe when no spec is given: the demo's board setup. */
static struct campaign *quick_campaign(void)
{
	struct campaign *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->path = strdup("(command line)");
	c->name = strdup("quick");
	c->boots = 100;
	c->boards = 1;
	campaign_timeouts_default(&c->timeouts);
	c->setups[0] = (struct campaign_setup){
		.name = strdup("smp2-wide1000"), .board = strdup("qemu-smmuv3"), .vcpus = 2, .memory_mb = 1024,
		.extra_nodes = 1000, .cpu = strdup("max,pauth-impdef=on"),
	};
	c->nsetups = 1;
	c->variants[0].name = strdup("shipped");
	c->nvariants = 1;
	c->agent_args = strdup("mode=android threads=4 settle_ms=300");
	return c;
}

static void usage(void)
{
	printf("usage: oopsfarm run [options] [CAMPAIGN.yaml]\n\n"
	       "  --resume          continue a campaign the store already holds boots of\n"
	       "  --until           stop at the campaign's sequential verdict (its 'until' rule)\n"
	       "  --boards K        boot K boards at once (default: the spec's 'boards', or 1)\n"
	       "  --boots N         boots per variant and setup (with --until: the cap)\n"
	       "  --variant NAME[=PATCH[,PATCH]]  a kernel variant (repeat; replaces the spec's)\n"
	       "  --kernel-src DIR  kernel tree of variants that name none (default Debian's linux-source)\n"
	       "  --target TITLE    the crash title the campaign is about\n"
	       "  --name NAME       campaign name (default: the spec's, or 'quick')\n"
	       "  --timeout PHASE=SEC  a phase limit: start, kernel, agent_begin, agent_end, settle, idle\n"
	       "  --store FILE      results store (default build/run/<campaign>/results.db)\n"
	       "  --init FILE       static init for the initramfs (default the aarch64 agent)\n"
	       "  --no-agent        the init is not the oopsfarm agent: a clean console passes\n"
	       "  --append ARGS     extra kernel command line\n"
	       "  -h, --help        this help\n\n"
	       "Without CAMPAIGN.yaml the flags describe one: the demo's board setup (-smp 2, 1000 extra\n"
	       "gpio-keys nodes) and the variants given with --variant.  Variants are interleaved boot by\n"
	       "boot, each boot is stored at once, Ctrl-C stops cleanly, and the report is printed at the\n"
	       "end.  Exit: 0 ran (whatever it found), 2 usage, 3 infra, 130 interrupted.\n");
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "init", required_argument, NULL, 'i' },
		{ "no-agent", no_argument, NULL, 'A' },
		{ "boots", required_argument, NULL, 'n' },
		{ "append", required_argument, NULL, 'a' },
		{ "boards", required_argument, NULL, 'k' },
		{ "resume", no_argument, NULL, 'r' },
		{ "until", no_argument, NULL, 'u' },
		{ "variant", required_argument, NULL, 'V' },
		{ "kernel-src", required_argument, NULL, 'K' },
		{ "target", required_argument, NULL, 'T' },
		{ "name", required_argument, NULL, 'N' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *store_path = NULL, *init = "build/aarch64-linux-gnu/oopsfarm-agent", *extra = "";
	const char *kernel_src = NULL, *target = NULL, *name = NULL;
	const char *variant_args[CAMPAIGN_MAX_VARIANTS], *timeout_args[16];
	int nvariant_args = 0, ntimeout_args = 0, boards = 0;
	bool resume = false, until = false, replaced = false, no_agent = false;
	struct variant_art va[CAMPAIGN_MAX_VARIANTS] = { 0 };
	struct setup_art sa[CAMPAIGN_MAX_SETUPS] = { 0 };
	char dir[512], path[1024], err[512], spath[1024], agent_cmdline[1024] = "", cmdline[2048];
	struct campaign *c;
	struct store *s;
	struct farm f = { 0 };
	struct sigaction sact = { .sa_handler = on_signal }, old_int, old_term;
	struct rusage ru0, ru1;
	int opt, r, boots = 0, stored;
	long cores;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': store_path = optarg; break;
		case 'i': init = optarg; break;
		case 'A': no_agent = true; break;
		case 'n':
			boots = atoi(optarg);
			if (boots < 1) {
				errorf("run", "--boots needs a positive number, not '%s'", optarg);
				return usage_hint("run");
			}
			break;
		case 'a': extra = optarg; break;
		case 'k':
			boards = atoi(optarg);
			if (boards < 1 || boards > 256) {
				errorf("run", "--boards needs a number from 1 to 256, not '%s'", optarg);
				return usage_hint("run");
			}
			break;
		case 'r': resume = true; break;
		case 'u': until = true; break;
		case 'V':
			if (nvariant_args == CAMPAIGN_MAX_VARIANTS) {
				errorf("run", "more than %d variants", CAMPAIGN_MAX_VARIANTS);
				return EXIT_USAGE;
			}
			variant_args[nvariant_args++] = optarg;
			break;
		case 'K': kernel_src = optarg; break;
		case 'T': target = optarg; break;
		case 'N': name = optarg; break;
		case 't':
			if (ntimeout_args == 16)
				return usage_hint("run");
			timeout_args[ntimeout_args++] = optarg;
			break;
		case 'h': usage(); return EXIT_OK;
		default: return usage_hint("run");
		}
	}
	if (optind < argc - 1) {
		errorf("run", "one campaign file at most");
		return usage_hint("run");
	}
	if (optind == argc - 1) {
		if (campaign_load(argv[optind], &c, err, sizeof(err)) < 0) {
			errorf("run", "%s", err);
			return EXIT_USAGE;
		}
	} else if (!nvariant_args) {
		errorf("run", "a campaign file or --variant flags are needed");
		return usage_hint("run");
	} else if (!(c = quick_campaign())) {
		return EXIT_INFRA;
	}
	for (int k = 0; k < nvariant_args; k++) {
		r = add_variant(c, variant_args[k], &replaced);
		if (r < 0) {
			if (r != -ENOENT)
				errorf("run", "--variant '%s': a plain NAME[=PATCH[,PATCH]] is needed", variant_args[k]);
			campaign_free(c);
			return EXIT_USAGE;
		}
		for (int j = 0; j < c->nvariants - 1; j++)
			if (!strcmp(c->variants[j].name, c->variants[c->nvariants - 1].name)) {
				errorf("run", "--variant: '%s' is named twice", c->variants[j].name);
				campaign_free(c);
				return EXIT_USAGE;
			}
	}
	for (int k = 0; k < ntimeout_args; k++)
		if (campaign_timeout_set(&c->timeouts, timeout_args[k]) < 0) {
			errorf("run", "--timeout '%s': PHASE=SECONDS is needed, PHASE one of start, kernel,"
			       " agent_begin, agent_end, settle, idle", timeout_args[k]);
			campaign_free(c);
			return EXIT_USAGE;
		}
	if (kernel_src)
		for (int v = 0; v < c->nvariants; v++)
			if (!c->variants[v].kernel_src)
				c->variants[v].kernel_src = strdup(kernel_src);
	if (target) {
		free(c->target);
		c->target = strdup(target);
	}
	if (name) {
		free(c->name);
		c->name = strdup(name);
	}
	if (boots > 0)
		c->boots = boots;
	if (boards > 0)
		c->boards = boards;
	if (until || c->stop == STOP_SEQUENTIAL) {
		if (!c->has_until) {
			errorf("run", "--until needs the campaign's 'until' rule (doc/campaign.md)");
			campaign_free(c);
			return EXIT_USAGE;
		}
		if (replaced) {
			/* the rule names variants by name: find them again */
			c->until.control_idx = c->until.control ? campaign_variant_index(c, c->until.control) : -1;
			c->until.treatment_idx = campaign_variant_index(c, c->until.treatment);
			if (c->until.treatment_idx < 0 || (c->until.test == SEQ_COMPARE && c->until.control_idx < 0)) {
				errorf("run", "--until: the rule's variants are not among the --variant ones");
				campaign_free(c);
				return EXIT_USAGE;
			}
		}
		f.sequential = true;
		if (boots > 0)
			c->until.max_boots = boots;
		c->boots = c->until.max_boots;
	}
	if (access(init, R_OK) < 0) {
		errorf("run", "cannot read the init binary '%s': %s (make agent CROSS_COMPILE=aarch64-linux-gnu-)",
		       init, strerror(errno));
		campaign_free(c);
		return EXIT_INFRA;
	}
	/* oversubscribed vCPUs hide races (-smp 8 on 2 cores: 0 crashes in 100 boots) */
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 0; i < c->nsetups; i++)
		if ((long)c->boards * c->setups[i].vcpus > cores)
			fprintf(stderr, "oopsfarm run: warning: %d boards x %d vCPUs (setup '%s') exceed the host's %ld"
				" cores: oversubscribed vCPUs hide races; each boot records the host's load\n",
				c->boards, c->setups[i].vcpus, c->setups[i].name, cores);
	snprintf(dir, sizeof(dir), "build/run/%s", c->name);
	snprintf(path, sizeof(path), "%s/logs", dir);
	if (artifacts_mkdir_p(path) < 0) {
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
	/* a campaign that has boots already continues only when asked to */
	{
		sqlite3_stmt *st;
		char stored_target[512] = "";
		bool known = false;

		stored = 0;
		sqlite3_prepare_v2(store_db(s),
				   "SELECT coalesce(c.target, ''), (SELECT count(*) FROM boots b WHERE b.campaign_id = c.id)"
				   " FROM campaigns c WHERE c.name = ?", -1, &st, NULL);
		sqlite3_bind_text(st, 1, c->name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			known = true;
			snprintf(stored_target, sizeof(stored_target), "%s", sqlite3_column_text(st, 0));
			stored = sqlite3_column_int(st, 1);
		}
		sqlite3_finalize(st);
		if (stored > 0 && !resume) {
			errorf("run", "campaign '%s' already has %d boots in '%s': --resume continues it,"
			       " --store or --name starts another", c->name, stored, store_path);
			store_close(s);
			campaign_free(c);
			return EXIT_USAGE;
		}
		if (known && strcmp(stored_target, c->target ? c->target : "")) {
			errorf("run", "campaign '%s' in '%s' is about '%s', not '%s': --name starts another", c->name,
			       store_path, stored_target, c->target ? c->target : "(any crash)");
			store_close(s);
			campaign_free(c);
			return EXIT_USAGE;
		}
	}
	store_campaign(s, c->name, c->target, c->path, &f.cid);
	if (f.sequential) {
		char line[512];

		campaign_until_format(&c->until, line, sizeof(line));
		store_campaign_set_until(s, f.cid, line);
	}
	/* artifacts: kernels (cached by build-kernel.sh), initramfs, DTBs */
	for (int v = 0; v < c->nvariants; v++) {
		fprintf(stderr, "oopsfarm run: building variant '%s'\n", c->variants[v].name);
		if (artifacts_variant(&c->variants[v], init, dir, &va[v].a, err, sizeof(err)) < 0) {
			errorf("run", "%s", err);
			goto infra;
		}
		store_variant(s, f.cid, c->variants[v].name, va[v].a.version, va[v].a.patches, NULL, va[v].a.build_id,
			      &va[v].id);
	}
	for (int i = 0; i < c->nsetups; i++) {
		struct campaign_setup *st = &c->setups[i];

		if (artifacts_setup_dtb(st, dir, sa[i].dtb, sizeof(sa[i].dtb), err, sizeof(err)) < 0) {
			errorf("run", "%s", err);
			goto infra;
		}
		store_setup(s, f.cid, st->name, st->vcpus, st->memory_mb, NULL, st->cpu, &sa[i].id);
	}

	/* the agent's knobs, each as oopsfarm.KEY=VALUE on the kernel command line */
	if (c->agent_args) {
		char *copy = strdup(c->agent_args), *save = NULL;

		for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
			snprintf(agent_cmdline + strlen(agent_cmdline), sizeof(agent_cmdline) - strlen(agent_cmdline),
				 "%s%s%s", agent_cmdline[0] ? " " : "", strncmp(w, "oopsfarm.", 9) ? "oopsfarm." : "", w);
		free(copy);
	}
	snprintf(cmdline, sizeof(cmdline), "console=ttyAMA0 panic=-1 %s %s", agent_cmdline, extra);

	f.c = c;
	f.agent_expected = !no_agent;
	f.s = s;
	f.dir = dir;
	f.va = va;
	f.sa = sa;
	f.cmdline = cmdline;
	f.boots = c->boots;
	f.total = c->boots * c->nvariants * c->nsetups;
	f.outcome = malloc((size_t)f.total);
	if (!f.outcome)
		goto infra;
	memset(f.outcome, -1, (size_t)f.total);
	r = load_outcomes(&f);
	if (r < 0)
		goto infra;
	f.done = r;
	if (r > 0)
		fprintf(stderr, "oopsfarm run: resuming '%s': %d boots stored\n", c->name, r);
	for (int i = 0; i < c->nsetups; i++)
		seq_update(&f, i);
	fprintf(stderr, "oopsfarm run: %s: %d variants x %d setups x %s%d boots on %d board%s\n", c->name,
		c->nvariants, c->nsetups, f.sequential ? "at most " : "", c->boots, c->boards,
		c->boards == 1 ? "" : "s");

	sigaction(SIGINT, &sact, &old_int);
	sigaction(SIGTERM, &sact, &old_term);
	getrusage(RUSAGE_SELF, &ru0);
	f.t0 = board_now();
	r = farm_loop(&f, c->boards);
	getrusage(RUSAGE_SELF, &ru1);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	fprintf(stderr, "\n");
	{
		double own = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
			     (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;

		if (f.started_now > 0)
			fprintf(stderr, "oopsfarm run: %d boots in %.0f s; orchestrator %.2f CPU-s (%.2f%% of the"
				" boards' %.1f CPU-s)\n", f.started_now, board_now() - f.t0, own,
				f.boards_cpu > 0 ? 100 * own / f.boards_cpu : 0, f.boards_cpu);
	}
	if (r == -EINTR) {
		fprintf(stderr, "oopsfarm run: interrupted: every finished boot is stored; `oopsfarm run --resume` continues\n");
		store_close(s);
		campaign_free(c);
		free(f.outcome);
		return 128 + SIGINT;
	}
	store_close(s);
	free(f.outcome);
	if (r < 0) {
		campaign_free(c);
		return EXIT_INFRA;
	}
	{
		char *rargv[] = { "report", "--store", (char *)store_path, "--campaign", c->name, NULL };

		optind = 1;
		r = cmd_report(5, rargv);
	}
	campaign_free(c);
	return r;
infra:
	free(f.outcome);
	store_close(s);
	campaign_free(c);
	return EXIT_INFRA;
}
