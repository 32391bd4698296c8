// SPDX-License-Identifier: MIT
/* farm.c - the local farm's event loop; see farm.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/console.h"
#include "core/farm.h"
#include "core/verdict.h"
#include "stats.h"
#include "store/ledger.h"
#include "store/queries.h"
#include "util/msg.h"
#include "util/out.h"

#define MAX_RETRIES CAMPAIGN_MAX_RETRIES

static volatile sig_atomic_t stop_signal;

void farm_stop(void)
{
	stop_signal = 1;
}

/* The slot ledger a flashing board keeps (board.h), in the store. */
static int ledger_get(void *ctx, const char *board, const char *slot, struct board_slot_state *ret)
{
	struct store_slot row;
	int r = store_slot_get(ctx, board, slot, &row);

	if (r < 0)
		return r;
	snprintf(ret->variant, sizeof(ret->variant), "%s", row.variant);
	snprintf(ret->build_id, sizeof(ret->build_id), "%s", row.build_id);
	snprintf(ret->state, sizeof(ret->state), "%s", row.state);
	ret->flashes = row.flashes;
	ret->mismatches = row.mismatches;
	return 0;
}

static int ledger_set(void *ctx, const char *board, const char *slot, const char *variant,
		      const char *build_id, const char *state)
{
	return store_slot_set(ctx, board, slot, variant, build_id, state);
}

struct board_ledger farm_ledger(struct store *s)
{
	return (struct board_ledger){.ctx = s, .get = ledger_get, .set = ledger_set};
}

/* one board of the farm and the boot it runs */
struct farm_slot {
	const struct board_ops *ops; /* the kind of board it is now */
	const char *board_name;	     /* the setup's board: it was created for */
	struct board *board;
	bool busy;
	int v, i, b, attempt;
	char uid[600], log[1024], qerr[1100], started[32];
	char append[FARM_CMDLINE_MAX + 1]; /* the setup's console= and the farm's cmdline */
	double load;
	bool rearm;   /* its console fired: watch it again at the next tick */
	int power_fd; /* in the epoll set: readable when the board is off */
	struct board_boot bb;
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
	if (f->hold)
		return false;
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

/* Marks one stored outcome (resume). */
static void on_outcome(const struct store_outcome *o, void *userdata)
{
	struct farm *f = userdata;
	int v, i;

	for (v = 0; v < f->c->nvariants && f->va[v].id != o->variant_id; v++)
		;
	for (i = 0; i < f->c->nsetups && f->sa[i].id != o->setup_id; i++)
		;
	if (v == f->c->nvariants || i == f->c->nsetups || o->seq < 0 || o->seq >= f->boots)
		return;
	if (o->given_up) {
		if (*outcome(f, i, v, o->seq) == -1) {
			*outcome(f, i, v, o->seq) = -2;
			f->done++;
		}
		return;
	}
	*outcome(f, i, v, o->seq) = o->target_hit ? 1 : 0;
	f->va[v].boots++;
	f->va[v].fails += o->target_hit;
	f->done++;
}

char *farm_cmdline(const struct campaign *c, const char *extra, char *err, size_t errsize)
{
	char *kargs = campaign_kernel_args(c), *line = NULL;

	if (!kargs || asprintf(&line, "panic=-1%s%s%s%s", *kargs ? " " : "", kargs,
			       extra && *extra ? " " : "", extra ? extra : "") < 0) {
		free(kargs);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	free(kargs);
	if (strlen(line) + FARM_CONSOLE_ROOM > FARM_CMDLINE_MAX) {
		snprintf(err, errsize,
			 "the kernel command line would be %zu bytes: the kernel keeps %d and drops the rest "
			 "(fewer agent knobs, or a shorter --append)",
			 strlen(line) + FARM_CONSOLE_ROOM, FARM_CMDLINE_MAX);
		free(line);
		return NULL;
	}
	return line;
}

int farm_resume(struct farm *f)
{
	int r;

	f->total = f->boots * f->c->nvariants * f->c->nsetups;
	f->outcome = malloc((size_t)f->total);
	if (!f->outcome)
		return -ENOMEM;
	memset(f->outcome, -1, (size_t)f->total);
	f->done = 0;
	/* each setup's console= (a desk board's from its description) */
	for (int i = 0; i < f->c->nsetups; i++) {
		char err[1024];

		if (board_kernel_console(f->c->setups[i].board, f->sa[i].console, sizeof(f->sa[i].console),
					 err, sizeof(err)) < 0)
			f->sa[i].console[0] = 0; /* the kind was checked; a description gone since: none */
	}
	r = store_outcomes_each(f->s, f->cid, MAX_RETRIES, on_outcome, f);
	if (r < 0)
		return r;
	for (int i = 0; i < f->c->nsetups; i++)
		seq_update(f, i);
	return f->done;
}

void farm_release(struct farm *f)
{
	free(f->outcome);
	f->outcome = NULL;
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
				: st.sprt.decision == SPRT_H1	  ? st.sprt.hi
								  : st.sprt.lo,
				st.sprt.lo, st.sprt.hi,
				st.sprt.decision == SPRT_H1   ? " H1"
				: st.sprt.decision == SPRT_H0 ? " H0"
							      : "");
		}
	if (f->started_now > 0 && f->done > 0)
		fprintf(stderr, " ETA %.0fs%s  ", el / f->started_now * left,
			f->sequential ? " (at most)" : "");
	if (f->infra)
		fprintf(stderr, " infra %d", f->infra);
	fprintf(stderr, "   ");
}

static int start_boot(struct farm *f, struct farm_slot *sl, int v, int i, int b)
{
	struct campaign_setup *st = &f->c->setups[i];
	const struct board_ops *ops = f->sa[i].kind->ops;
	int r;
	char uidp[512];
	time_t now = time(NULL);
	double load[1] = {-1};

	sl->v = v, sl->i = i, sl->b = b;
	snprintf(uidp, sizeof(uidp), "%s/%s/%s/%d", f->c->name, f->c->variants[v].name, st->name, b);
	r = store_boot_attempts(f->s, uidp);
	sl->attempt = r > 0 ? r : 0;
	snprintf(sl->uid, sizeof(sl->uid), "%s#%d", uidp, sl->attempt);
	snprintf(sl->log, sizeof(sl->log), "%s/logs/%s-%s-%d.%d.log", f->dir, f->c->variants[v].name,
		 st->name, b, sl->attempt);
	snprintf(sl->qerr, sizeof(sl->qerr), "%s.qemu", sl->log);
	strftime(sl->started, sizeof(sl->started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	getloadavg(load, 1);
	sl->load = load[0];
	snprintf(sl->append, sizeof(sl->append), "%s%s%s%s", f->sa[i].console[0] ? "console=" : "",
		 f->sa[i].console, f->sa[i].console[0] ? " " : "", f->cmdline ? f->cmdline : "");
	sl->bb = (struct board_boot){
	    .kernel = f->va[v].a.image,
	    .initrd = f->va[v].a.initrd,
	    .dtb = f->sa[i].dtb[0] ? f->sa[i].dtb : NULL,
	    .append = sl->append,
	    .cpu = st->cpu,
	    .smp = st->vcpus,
	    .mem_mb = st->memory_mb,
	    .log_path = sl->log,
	    .stderr_path = sl->qerr,
	    .limits = f->c->timeouts,
	    .variant = f->c->variants[v].name,
	    .variant_index = v,
	    .build_id = f->va[v].a.build_id,
	    .work_dir = f->dir,
	    .ledger = &f->ledger,
	};
	f->ledger = farm_ledger(f->s);
	/* a board of the setup's kind: the slot's, or a new one */
	if (sl->ops != ops || strcmp(sl->board_name, st->board)) {
		if (sl->ops)
			sl->ops->destroy(sl->board);
		sl->ops = ops;
		sl->board_name = st->board;
		sl->board = ops->create(sl - f->slots, st->board);
		if (!sl->board)
			return -ENOMEM;
	}
	sl->busy = true;
	f->started_now++;
	return ops->start(sl->board, &sl->bb);
}

/* The boot on sl is over: parse, decide, store.  -errno when the store fails. */
static int finish_boot(struct farm *f, struct farm_slot *sl)
{
	struct board_result qr;
	struct crash_set bp = {.target = f->c->target};
	struct agent_seen seen;
	struct boot_facts facts = {0};
	struct boot_decision d;
	struct store_boot sb = {0};
	struct variant_art *va = &f->va[sl->v];
	char zpath[1100];
	size_t len = 0;
	char *buf;
	struct stat sq;
	int r;

	sl->ops->result(sl->board, &qr);
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
	sb.board = sl->ops->kind;
	sb.host_load = sl->load;
	sb.flash_method = qr.method;
	sb.slot = qr.slot;
	/* the verdict rule (core/verdict.c): the console, then the board */
	console_facts_fill(&facts.con, len, &bp, &seen);
	facts.expect_build_id = va->a.build_id;
	facts.expect_stamp = va->a.stamp;
	facts.agent_expected = f->agent_expected;
	sb.no_agent = !f->agent_expected;
	if (!qr.started || (!qr.hung && !qr.done_killed && qr.exit_code != 0 && qr.exit_code != 1))
		facts.board_failed = qr.why[0] ? qr.why : "the board failed";
	if (qr.hung)
		facts.phase_limit = qr.why;
	if (boot_verdict_decide(&facts, &d) < 0) {
		free(buf);
		return -ENOMEM;
	}
	/* a slot that booted another kernel than it should hold (the rule's
	 * "wrong kernel"): the ledger says so, and the board flashes it again */
	if (!d.counted && qr.slot[0] && seen.begin &&
	    store_slot_set(f->s, qr.ledger_board, qr.slot, NULL, seen.build_id, "wrong") < 0)
		errorf("run", "cannot write the slot ledger of '%s', ignoring", qr.ledger_board);
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
		errorf("run", "cannot store boot '%s': %s", sl->uid, store_strerror(r));
		boot_decision_clear(&d);
		return r;
	}
	if (f->stored && f->stored(&sb, &d, f->userdata))
		f->hold = true;
	if (sb.verdict == VERDICT_INFRA) {
		f->infra++;
		people_printf(stderr, "\noopsfarm run: %s: infra error (%s)%s\n", sl->uid, d.reason,
			      sl->attempt < MAX_RETRIES ? ", retrying" : ", given up");
		if (sl->attempt < MAX_RETRIES && f->nretry < (int)(sizeof(f->retry) / sizeof(f->retry[0]))) {
			f->retry[f->nretry].v = sl->v, f->retry[f->nretry].i = sl->i,
			f->retry[f->nretry].b = sl->b;
			f->nretry++;
		} else {
			f->done++; /* given up: its infra errors are in the store */
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
static int service(struct farm *f, struct farm_slot *sl, int ep, int *watched, double now, int *busy)
{
	int k = sl - f->slots, fd;
	struct epoll_event ev;

	if (sl->ops->tick(sl->board, now)) {
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
	fd = sl->ops->fd(sl->board);
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLONESHOT, .data.u32 = k};
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
	fd = sl->ops->power_fd(sl->board);
	if (fd >= 0 && sl->power_fd != fd) {
		ev = (struct epoll_event){.events = EPOLLIN, .data.u32 = k | POWER_EVENT};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0)
			sl->power_fd = fd;
	}
	return 0;
}

/* Boots what is left of the campaign on nboards boards.  0, -EINTR, or -errno. */
int farm_loop(struct farm *f, int nboards)
{
	struct farm_slot *slots = calloc(nboards, sizeof(*slots));
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
		slots[k].power_fd = -1;
		watched[k] = -1;
	}
	for (;;) {
		int n, v, i, b;
		double now;

		/* hand out boots to idle boards */
		for (int k = 0; k < nboards && !stop_signal; k++) {
			if (slots[k].busy || !next_boot(f, &v, &i, &b))
				continue;
			if (start_boot(f, &slots[k], v, i, b) == -ENOMEM) {
				r = -ENOMEM;
				goto out;
			}
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
			struct farm_slot *sl = &slots[k];

			if (!sl->busy)
				continue;
			if (evs[e].data.u32 & POWER_EVENT) {
				/* powered off: the boot ends now, not at the next tick */
				if ((r = service(f, sl, ep, &watched[k], now, &busy)) < 0)
					goto out;
				continue;
			}
			sl->ops->input(sl->board);
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
				slots[k].ops->abort(slots[k].board);
				unlink(slots[k].log);
				unlink(slots[k].qerr);
			}
		r = -EINTR;
	}
out:
	for (int k = 0; k < nboards; k++)
		if (slots[k].ops)
			slots[k].ops->destroy(slots[k].board);
	close(ep);
	free(slots);
	free(watched);
	return r;
}
