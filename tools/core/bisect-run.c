// SPDX-License-Identifier: MIT
/*
 * bisect-run.c - the bisect driver: git, the build and boot commands, the
 * store, the model (bisect-run.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/bisect-farm.h"
#include "core/bisect-run.h"
#include "core/bisect.h"
#include "core/console.h"
#include "store/bisect.h"
#include "store/queries.h"
#include "stats.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/file.h"

#define SHA_MAX		   64
#define MAX_INFRA_IN_A_ROW 3

struct run {
	const struct bisect_run_opts *o;
	char (*sha)[SHA_MAX]; /* [n + 1]: 0 good, n bad */
	int n;
	struct bisect *b;
	struct store *s;
	int64_t id;
	int seq;		/* the next event's */
	int boots, builds;	/* events so far (infra boots counted: they cost) */
	double boot_s, build_s; /* their wall time: the measured build cost */
	int checked_out;	/* the commit built in the tree now; -1 none */
	int farm_commit;	/* the commit whose kernel the farm boots now; -1 none */
	int *boots_at;		/* [n + 1] boots stored per commit (infra too): OOPSFARM_BOOT */
	/* the last step planned and how far it went (resume finishes it) */
	int plan_commit, plan_boots, plan_done;
	bool plan_hit;
	char log_dir[4096];
	int K;					   /* boards at once */
	unsigned measured_boots, measured_crashes; /* the bad end's, before the bisect */
	struct bisect_farm *bf;			   /* boots through the farm loop; NULL: the boot command */
	/* the farm's batch, as its stored hook sees it */
	int cur_commit, infra_row, hook_err, batch_evidence;
	bool batch_hit;
};

/* what a build or boot command is told, in its environment */
struct cmd_env {
	const char *sha; /* OOPSFARM_COMMIT; NULL: nothing is set */
	int seq;	 /* OOPSFARM_BOOT */
	int board;	 /* OOPSFARM_BOARD */
	const char *out; /* OOPSFARM_OUT; may be NULL */
};

/* Starts argv (cmd == NULL) or sh -c cmd in dir, stdout to out_fd (and
 * stderr too unless errs_too is false), with env; its pid or -errno. */
static pid_t spawn_start(char *const argv[], const char *cmd, const char *dir, const struct cmd_env *env,
			 int out_fd, bool errs_too)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		char num[16];

		if (dir && chdir(dir) < 0)
			_exit(127);
		dup2(out_fd, 1);
		if (errs_too)
			dup2(out_fd, 2);
		if (env && env->sha) {
			setenv("OOPSFARM_COMMIT", env->sha, 1);
			snprintf(num, sizeof(num), "%d", env->seq);
			setenv("OOPSFARM_BOOT", num, 1);
			snprintf(num, sizeof(num), "%d", env->board);
			setenv("OOPSFARM_BOARD", num, 1);
			setenv("OOPSFARM_TREE", dir, 1);
			if (env->out)
				setenv("OOPSFARM_OUT", env->out, 1);
		}
		if (cmd)
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		else
			execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Its exit status (128 + signal when killed), or -errno. */
static int spawn_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Runs argv with its stdout read into *ret_out (malloc'd); the exit status or -errno. */
static int spawn_read(char *const argv[], char **ret_out)
{
	size_t len = 0, cap = 4096;
	char *buf;
	int pfd[2];
	ssize_t n;
	pid_t pid;

	if (pipe(pfd) < 0)
		return -errno;
	pid = spawn_start(argv, NULL, NULL, NULL, pfd[1], false);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return pid;
	}
	buf = malloc(cap);
	while (buf && (n = read(pfd[0], buf + len, cap - len - 1)) > 0) {
		len += n;
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	close(pfd[0]);
	if (buf)
		buf[len] = 0;
	*ret_out = buf;
	return spawn_wait(pid);
}

/* git -C tree ARGS... into *ret_out (malloc'd, trailing newline cut); the exit status or -errno. */
static int git(const char *tree, char **ret_out, const char *a1, const char *a2, const char *a3,
	       const char *a4)
{
	char *argv[] = {"git", "-C", (char *)tree, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
	char *out = NULL;
	int r = spawn_read(argv, &out);

	if (out) {
		size_t l = strlen(out);

		while (l && out[l - 1] == '\n')
			out[--l] = 0;
	}
	if (ret_out)
		*ret_out = out;
	else
		free(out);
	return r;
}

static void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "oopsfarm bisect: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Fills r->sha and r->n from good..bad; a BISECT_* status. */
static int commits(struct run *r)
{
	const struct bisect_run_opts *o = r->o;
	char *good = NULL, *bad = NULL, *list = NULL, spec[2 * SHA_MAX + 4];
	char gref[1024], bref[1024];
	int ret = BISECT_BAD_INPUT, st;

	snprintf(gref, sizeof(gref), "%s^{commit}", o->good);
	snprintf(bref, sizeof(bref), "%s^{commit}", o->bad);
	if (git(o->tree, &good, "rev-parse", "--verify", "-q", gref) || !good || !*good) {
		err("'%s' is not a commit in '%s'", o->good, o->tree);
		goto out;
	}
	if (git(o->tree, &bad, "rev-parse", "--verify", "-q", bref) || !bad || !*bad) {
		err("'%s' is not a commit in '%s'", o->bad, o->tree);
		goto out;
	}
	st = git(o->tree, NULL, "merge-base", "--is-ancestor", good, bad);
	if (st) {
		if (!git(o->tree, NULL, "merge-base", "--is-ancestor", bad, good))
			err("good '%s' comes after bad '%s': swapped?", o->good, o->bad);
		else
			err("good '%s' is not an ancestor of bad '%s'", o->good, o->bad);
		goto out;
	}
	snprintf(spec, sizeof(spec), "%s..%s", good, bad);
	if (git(o->tree, &list, "rev-list", "--first-parent", "--reverse", spec) || !list || !*list) {
		err("no commits between good '%s' and bad '%s'", o->good, o->bad);
		goto out;
	}
	r->n = 0;
	for (char *p = list; *p; p++)
		r->n += *p == '\n';
	r->n++;
	r->sha = calloc(r->n + 1, sizeof(*r->sha));
	r->boots_at = calloc(r->n + 1, sizeof(int));
	if (!r->sha || !r->boots_at) {
		ret = BISECT_INFRA;
		goto out;
	}
	snprintf(r->sha[0], SHA_MAX, "%s", good);
	{
		int i = 1;

		for (char *line = strtok(list, "\n"); line && i <= r->n; line = strtok(NULL, "\n"))
			snprintf(r->sha[i++], SHA_MAX, "%s", line);
	}
	ret = BISECT_DONE;
out:
	free(good);
	free(bad);
	free(list);
	return ret;
}

int bisect_event_apply(struct bisect *b, enum bisect_event_kind k, int commit)
{
	switch (k) {
	case BEV_BUILT:
		return bisect_built(b, commit);
	case BEV_BUILD_FAILED:
		return bisect_skip(b, commit);
	case BEV_PASS:
	case BEV_OTHER:
	case BEV_TARGET:
		return bisect_add(b, commit, 1, k == BEV_TARGET);
	case BEV_INFRA:
	case BEV_PLAN:
		return 0;
	}
	return -EINVAL;
}

/* One build or boot event into the model and the tallies (replayed or live). */
static void count(struct run *r, int commit, enum bisect_event_kind k)
{
	bool evidence = k == BEV_PASS || k == BEV_OTHER || k == BEV_TARGET;

	if (commit == r->plan_commit && evidence) {
		r->plan_done++;
		r->plan_hit |= k == BEV_TARGET;
	}
	if (commit == r->plan_commit && k == BEV_BUILD_FAILED)
		r->plan_hit = true; /* the step is over */
	bisect_event_apply(r->b, k, commit);
	if (k == BEV_BUILT || k == BEV_BUILD_FAILED)
		r->builds++;
	if (evidence || k == BEV_INFRA) {
		r->boots_at[commit]++;
		r->boots++;
	}
}

static void replay(const struct bisect_event *e, void *userdata)
{
	struct run *r = userdata;

	r->seq = e->seq + 1;
	if (e->commit < 0 || e->commit > r->n)
		return;
	if (e->kind == BEV_PLAN) {
		r->plan_commit = e->commit;
		r->plan_boots = e->plan_boots;
		r->plan_done = 0;
		r->plan_hit = false;
		return;
	}
	if (e->kind == BEV_BUILT || e->kind == BEV_BUILD_FAILED)
		r->build_s += e->wall_ms / 1000.0;
	else
		r->boot_s += e->wall_ms / 1000.0;
	count(r, e->commit, e->kind);
}

/* Stores one event and counts it; 0 or -EIO.  wall_ms: how long it took. */
static int record_uid(struct run *r, int commit, enum bisect_event_kind k, const char *title, const char *log,
		      int64_t wall_ms, const char *boot_uid)
{
	struct bisect_event e = {
	    .seq = r->seq,
	    .commit = commit,
	    .sha = r->sha[commit],
	    .kind = k,
	    .title = title,
	    .log_path = log,
	    .wall_ms = wall_ms,
	    .plan_boots = r->plan_boots,
	    .boot_uid = boot_uid,
	};

	if (k == BEV_BUILT || k == BEV_BUILD_FAILED)
		r->build_s += e.wall_ms / 1000.0;
	else if (k != BEV_PLAN)
		r->boot_s += e.wall_ms / 1000.0;
	if (store_bisect_event_add(r->s, r->id, &e) < 0) {
		err("cannot store event %d in '%s': %s", r->seq, r->o->store_path, store_errmsg(r->s));
		return -EIO;
	}
	r->seq++;
	if (k != BEV_PLAN)
		count(r, commit, k);
	return 0;
}

static int record(struct run *r, int commit, enum bisect_event_kind k, const char *title, const char *log,
		  int64_t wall_ms)
{
	return record_uid(r, commit, k, title, log, wall_ms, NULL);
}

/* The farm's variant of a commit: its first 12 hex digits (bisect-farm.h). */
#define VARIANT_NAME_SIZE 13
static void commit_variant(const struct run *r, int commit, char name[VARIANT_NAME_SIZE])
{
	snprintf(name, VARIANT_NAME_SIZE, "%.12s", r->sha[commit]);
}

static int64_t since_ms(double t0)
{
	return (int64_t)((clock_now() - t0) * 1000);
}

static int open_log(struct run *r, const char *what, int commit, int board, char *path, size_t size)
{
	snprintf(path, size, "%s/%04d-%s%.0d-%.12s.log", r->log_dir, r->seq, what, board, r->sha[commit]);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

static bool decided(const struct run *r)
{
	return bisect_answer(r->b, r->o->confidence, NULL, NULL, NULL);
}

static bool over_budget(const struct run *r)
{
	return r->o->max_boots > 0 && r->boots >= r->o->max_boots;
}

/* where the commit's kernel goes through the farm ($OOPSFARM_OUT, bisect-farm.h) */
static void kernel_dir(const struct run *r, int commit, char *out, size_t size)
{
	snprintf(out, size, "%s/kernels/%.12s", r->log_dir, r->sha[commit]);
}

/*
 * The commit ready to boot: checked out and built, or through the farm with
 * a kept kernel (bisect_farm_kernel_kept), the kernel it built before.
 * 1 ready, 0 it does not build (stored as build-failed), -errno.
 */
static int build(struct run *r, int commit)
{
	char path[4200], out[4200], why[1024] = "", name[VARIANT_NAME_SIZE];
	struct cmd_env env = {.sha = r->sha[commit], .seq = r->seq};
	double t0 = clock_now();
	int fd, st;
	pid_t pid;

	if (r->bf && bisect_commit(r->b, commit)->built && bisect_farm_kernel_kept(r->bf)) {
		/* built before, its kernel kept in its own directory: boot it again
		 * without checking it out or building (the tree may hold another) */
		if (r->farm_commit == commit)
			return 1;
		kernel_dir(r, commit, out, sizeof(out));
		commit_variant(r, commit, name);
		if (bisect_farm_kernel(r->bf, name, out, why, sizeof(why)) == 0) {
			fprintf(stderr, "  %.12s: the kernel it built before (%s)\n", r->sha[commit], out);
			r->farm_commit = commit;
			return 1;
		}
		fprintf(stderr, "  %.12s: its kernel is gone (%s): built again\n", r->sha[commit], why);
		why[0] = 0;
	}
	if (r->checked_out == commit)
		return 1;
	if (git(r->o->tree, NULL, "checkout", "-q", "--detach", r->sha[commit])) {
		err("cannot check out %.12s in '%s' (local changes?)", r->sha[commit], r->o->tree);
		return -EIO;
	}
	r->checked_out = -1;
	if (!r->o->build_cmd) {
		r->checked_out = commit;
		return 1;
	}
	if (r->bf) {
		kernel_dir(r, commit, out, sizeof(out));
		if (file_mkdir_p(out) < 0) {
			err("cannot create '%s': %s", out, strerror(errno));
			return -errno;
		}
		env.out = out;
	}
	fd = open_log(r, "build", commit, 0, path, sizeof(path));
	if (fd < 0) {
		err("cannot create '%s': %s", path, strerror(errno));
		return -errno;
	}
	fprintf(stderr, "  build %.12s ...", r->sha[commit]);
	pid = spawn_start(NULL, r->o->build_cmd, r->o->tree, &env, fd, true);
	close(fd);
	st = pid < 0 ? pid : spawn_wait(pid);
	if (st < 0)
		return st;
	commit_variant(r, commit, name);
	if (!st && r->bf && bisect_farm_kernel(r->bf, name, out, why, sizeof(why)) < 0)
		st = -1; /* built, but no kernel to boot: a build failure */
	fprintf(stderr, " %s (%.0f s)%s%s\n", st == 0 ? "built" : "failed", clock_now() - t0,
		why[0] ? ": " : "", why);
	if (record(r, commit, st ? BEV_BUILD_FAILED : BEV_BUILT, NULL, path, since_ms(t0)) < 0)
		return -EIO;
	if (st)
		return 0;
	r->checked_out = commit;
	if (r->bf)
		r->farm_commit = commit;
	return 1;
}

/* The kind of a boot command's run from its exit status and console. */
static int boot_kind(const char *target, int st, const char *path, const char **ret_title, char **ret_buf)
{
	struct crash_set cs = {.target = target};
	size_t len;
	char *buf;
	int k;

	*ret_title = NULL;
	*ret_buf = NULL;
	if (st)
		return BEV_INFRA;
	buf = file_slurp(path, &len);
	if (!buf) {
		err("cannot read '%s'", path);
		return -EIO;
	}
	crash_set_parse(&cs, buf, len);
	k = cs.target_hit ? BEV_TARGET : cs.n ? BEV_OTHER : BEV_PASS;
	/* the title points into cs, which is on the stack: copy it to buf */
	for (int i = 0; i < cs.n && !*ret_title; i++)
		if (k == BEV_OTHER || !strcmp(cs.c[i].title, target)) {
			snprintf(buf, len + 1, "%s", cs.c[i].title);
			*ret_title = buf;
		}
	*ret_buf = buf;
	return k;
}

static void said(const struct run *r, int commit, int k, const char *title)
{
	fprintf(stderr, "  boot %.12s: %s%s%s%s\n", r->sha[commit], bisect_event_name(k), title ? " '" : "",
		title ? title : "", title ? "'" : "");
}

/*
 * One round: the boot command n times at once at commit (board 0..n-1),
 * each stored in board order once all are over.  The number of boots
 * that were evidence (not infra), or -errno; *hit when one showed the target.
 */
static int boot_round(struct run *r, int commit, int n, bool *hit)
{
	char path[BISECT_MAX_BOARDS][4200];
	pid_t pid[BISECT_MAX_BOARDS];
	double t0[BISECT_MAX_BOARDS];
	int st[BISECT_MAX_BOARDS], got = 0, ret = 0;

	for (int k = 0; k < n; k++) {
		struct cmd_env env = {.sha = r->sha[commit], .seq = r->boots_at[commit] + k, .board = k};
		int fd = open_log(r, "boot", commit, k, path[k], sizeof(path[k]));

		if (fd < 0) {
			err("cannot create '%s': %s", path[k], strerror(errno));
			ret = -errno;
			n = k;
			break;
		}
		t0[k] = clock_now();
		pid[k] = spawn_start(NULL, r->o->boot_cmd, r->o->tree, &env, fd, true);
		close(fd);
		if (pid[k] < 0) {
			ret = pid[k];
			n = k;
			break;
		}
	}
	for (int k = 0; k < n; k++) {
		st[k] = spawn_wait(pid[k]);
		t0[k] = clock_now() - t0[k];
	}
	for (int k = 0; k < n && !ret; k++) {
		const char *title;
		char *buf;
		int kind = st[k] < 0 ? st[k] : boot_kind(r->o->target, st[k], path[k], &title, &buf);

		if (kind < 0) {
			ret = kind;
			break;
		}
		if (record(r, commit, kind, title, path[k], (int64_t)(t0[k] * 1000)) < 0)
			ret = -EIO;
		said(r, commit, kind, title);
		free(buf);
		got += kind != BEV_INFRA;
		*hit |= kind == BEV_TARGET;
		if (kind == BEV_INFRA && ++r->infra_row >= MAX_INFRA_IN_A_ROW * n && !ret) {
			err("the boot command failed %d times in a row at %.12s (exit %d): see '%s'",
			    r->infra_row, r->sha[commit], st[k], path[k]);
			ret = -EIO;
		}
		if (kind != BEV_INFRA)
			r->infra_row = 0;
	}
	return ret < 0 ? ret : got;
}

/*
 * A stored boot's event kind from its stored verdict (core/verdict.c decided
 * it; a wrong kernel's crashes are infra there, so never evidence), and the
 * title the event keeps in *title: the target, another crash's first title,
 * "hang: ..." in hang (room for 300), or the infra reason.
 */
static int boot_event_kind(const struct run *r, enum boot_verdict v, bool target_hit, const char *reason,
			   const char *first_title, const char **title, char *hang, size_t hangsize)
{
	switch (v) {
	case VERDICT_CRASH:
		*title = target_hit ? r->o->target : first_title;
		return target_hit ? BEV_TARGET : BEV_OTHER;
	case VERDICT_HANG:
		/* no target: a boot without it, stored with its words */
		snprintf(hang, hangsize, "hang: %s", reason ? reason : "no progress");
		*title = hang;
		return BEV_OTHER;
	case VERDICT_PASS:
		*title = NULL;
		return BEV_PASS;
	case VERDICT_INFRA:
		break;
	}
	*title = reason;
	return BEV_INFRA;
}

/* The farm's stored hook: one boot of the batch, from its verdict (core/verdict.c). */
static bool farm_boot_stored(const struct store_boot *sb, const struct boot_decision *d, void *userdata)
{
	struct run *r = userdata;
	const char *title;
	char hang[300];
	int k = boot_event_kind(r, d->counted ? d->verdict : VERDICT_INFRA, sb->target_hit, d->reason,
				sb->ncrashes ? sb->crashes[0].title : NULL, &title, hang, sizeof(hang));

	if (record_uid(r, r->cur_commit, k, title, sb->log_path, sb->wall_ms, sb->boot_uid) < 0) {
		r->hook_err = -EIO;
		return true;
	}
	fprintf(stderr, "\n");
	said(r, r->cur_commit, k, title);
	r->batch_hit |= k == BEV_TARGET;
	r->batch_evidence += k != BEV_INFRA;
	if (k != BEV_INFRA)
		r->infra_row = 0;
	else if (++r->infra_row >= MAX_INFRA_IN_A_ROW * r->K) {
		err("%d boots in a row at %.12s were infra (last: %s): see '%s'", r->infra_row,
		    r->sha[r->cur_commit], d->reason ? d->reason : "?", sb->log_path);
		r->hook_err = -EIO;
	}
	return r->batch_hit || r->hook_err || decided(r) || over_budget(r);
}

static int adopt_orphans(struct run *r);

/*
 * Boots commit up to m times (K at once), stopping once the target shows,
 * the bisect is decided or the budget spent; infra boots are retried and do
 * not count against m.  1 the target showed, 0 not, -errno.
 */
static int boot_batch(struct run *r, int commit, int m)
{
	int done = 0;
	bool hit = false;

	if (r->bf) {
		r->cur_commit = commit;
		r->batch_hit = false;
		r->batch_evidence = 0;
		r->hook_err = 0;
		/* the farm gives a boot up after its infra retries: the next
		 * loop boots another, until m were evidence */
		while (r->batch_evidence < m && !r->batch_hit && !r->hook_err && !decided(r) &&
		       !over_budget(r)) {
			char why[4096];
			int k = bisect_farm_boot(r->bf, m - r->batch_evidence, farm_boot_stored, r, why,
						 sizeof(why));

			fputc('\n', stderr); /* after the farm's progress line */
			if (k < 0) {
				err("at %.12s: %s", r->sha[commit], why);
				return k;
			}
		}
		/* boots a LAVA step stored for another commit (jobs a killed run
		 * left running): counted now, at their own commit */
		if (!r->hook_err && adopt_orphans(r) < 0)
			return -EIO;
		return r->hook_err ? r->hook_err : r->batch_hit;
	}
	while (done < m && !hit && !decided(r) && !over_budget(r)) {
		int n = m - done < r->K ? m - done : r->K, got;

		if (r->o->max_boots > 0 && r->o->max_boots - r->boots < n)
			n = r->o->max_boots - r->boots;
		got = boot_round(r, commit, n, &hit);
		if (got < 0)
			return got;
		done += got;
	}
	return hit;
}

static int subject(const struct run *r, int commit, char *buf, size_t size)
{
	char *out = NULL;

	git(r->o->tree, &out, "log", "-1", "--format=%s", r->sha[commit]);
	snprintf(buf, size, "%s", out ? out : "");
	free(out);
	return 0;
}

static void print_result(const struct run *r, bool decided)
{
	int lo, hi, top[5], ntop = 0;
	double mass;
	char subj[256];

	bisect_answer(r->b, r->o->confidence, &lo, &hi, &mass);
	/* the 5 most probable, by insertion (ties: the earlier commit first) */
	for (int i = 1; i <= r->n; i++) {
		int j;

		if (ntop == 5 && bisect_prob(r->b, i) <= bisect_prob(r->b, top[4]))
			continue;
		j = ntop < 5 ? ntop++ : 4;
		top[j] = i;
		for (; j > 0 && bisect_prob(r->b, top[j]) > bisect_prob(r->b, top[j - 1]); j--) {
			int t = top[j];

			top[j] = top[j - 1];
			top[j - 1] = t;
		}
	}
	if (r->o->json) {
		/* first_bad only when decided; the leading range (range_lo, range_hi]
		 * and its probability either way */
		printf("{\"version\":1,\"decided\":%s,\"confidence\":%g,", decided ? "true" : "false",
		       r->o->confidence);
		if (decided)
			printf("\"first_bad\":\"%s\",", r->sha[hi]);
		else
			printf("\"first_bad\":null,");
		printf("\"range_lo\":\"%s\",\"range_hi\":\"%s\",\"probability\":%.6f,\"boots\":%d,"
		       "\"builds\":%d,\"commits\":%d,\"rate_mean\":%.4f,\"measured_boots\":%u,"
		       "\"measured_crashes\":%u,\"top\":[",
		       r->sha[lo], r->sha[hi], mass, r->boots, r->builds, r->n, bisect_rate_mean(r->b),
		       r->measured_boots, r->measured_crashes);
		for (int i = 0; i < ntop; i++)
			printf("%s{\"commit\":\"%s\",\"probability\":%.6f}", i ? "," : "", r->sha[top[i]],
			       bisect_prob(r->b, top[i]));
		printf("]}\n");
		return;
	}
	subject(r, hi, subj, sizeof(subj));
	if (decided && hi - lo == 1)
		printf("first bad commit: %s %s (probability %.4f)\n", r->sha[hi], subj, mass);
	else if (decided)
		printf("first bad commit in %.12s..%.12s (the commits before %.12s do not build), "
		       "probability %.4f\n",
		       r->sha[lo], r->sha[hi], r->sha[hi], mass);
	else
		printf("undecided: the most likely range %.12s..%.12s holds %.4f, below %g\n", r->sha[lo],
		       r->sha[hi], mass, r->o->confidence);
	printf("%d boots, %d builds over %d commits; crash rate after the culprit about %.3f\n", r->boots,
	       r->builds, r->n, bisect_rate_mean(r->b));
	if (r->measured_boots)
		printf("(with the bad end's %u of %u boots measured before the bisect)\n",
		       r->measured_crashes, r->measured_boots);
	printf("top commits (all, and how they moved: oopsfarm report --store %s --bisect):\n",
	       r->o->store_path);
	for (int i = 0; i < ntop; i++) {
		const struct bisect_commit *c = bisect_commit(r->b, top[i]);

		subject(r, top[i], subj, sizeof(subj));
		printf("  %.6f  %.12s  %u/%u boots showed the target%s  %s\n", bisect_prob(r->b, top[i]),
		       r->sha[top[i]], c->crashes, c->boots, c->skipped ? ", does not build" : "", subj);
	}
}

/* this run's boots and target crashes at the bad end (the measured ones left out) */
static unsigned bad_boots(const struct run *r)
{
	return bisect_commit(r->b, r->n)->boots - r->measured_boots;
}

static unsigned bad_crashes(const struct run *r)
{
	return bisect_commit(r->b, r->n)->crashes - r->measured_crashes;
}

/* The ends; BISECT_DONE to go on. */
static int check_ends(struct run *r)
{
	const struct bisect_run_opts *o = r->o;
	const struct bisect_commit *good = bisect_commit(r->b, 0);
	int k;

	if (good->crashes) {
		err("the good end %.12s shows '%s'", r->sha[0], o->target);
		return BISECT_NO_REPRO;
	}
	/* a budget spent here is no error either: the posterior is printed */
	while (good->boots < (unsigned)o->good_boots && !over_budget(r)) {
		if ((k = build(r, 0)) <= 0) {
			if (!k)
				err("the good end %.12s does not build", r->sha[0]);
			return k ? BISECT_INFRA : BISECT_BAD_INPUT;
		}
		if ((k = boot_batch(r, 0, o->good_boots - good->boots)) < 0)
			return BISECT_INFRA;
		if (k) {
			err("the good end %.12s shows '%s'", r->sha[0], o->target);
			return BISECT_NO_REPRO;
		}
	}
	/* this build of the bad end must show it, whatever was measured before */
	while (!bad_crashes(r) && !over_budget(r)) {
		if (bad_boots(r) >= (unsigned)o->end_boots) {
			err("the bad end %.12s did not show '%s' in %u boots", r->sha[r->n], o->target,
			    bad_boots(r));
			return BISECT_NO_REPRO;
		}
		if ((k = build(r, r->n)) <= 0) {
			if (!k)
				err("the bad end %.12s does not build", r->sha[r->n]);
			return k ? BISECT_INFRA : BISECT_BAD_INPUT;
		}
		if (boot_batch(r, r->n, o->end_boots - bad_boots(r)) < 0)
			return BISECT_INFRA;
	}
	return BISECT_DONE;
}

/*
 * Boots the farm stored but no event holds: a kill -9 between the farm's
 * write and the event's.  Each becomes its event now, so that a finished
 * boot counts once, never zero times.  Returns how many, or -EIO.
 */
static int adopt_orphans(struct run *r)
{
	struct store_rows *st;
	int n = 0, e;

	if (store_rows_open(r->s, STORE_Q_BISECT_ORPHANS, &st, "i", r->id) < 0)
		return -EIO;
	while (store_rows_next(st)) {
		const char *uid = store_rows_text(st, 0), *variant = store_rows_text(st, 1), *title;
		char hang[300];
		int commit = -1, k;

		for (int i = 0; variant && i <= r->n && commit < 0; i++) {
			char name[VARIANT_NAME_SIZE];

			commit_variant(r, i, name);
			if (!strcmp(name, variant))
				commit = i;
		}
		if (commit < 0)
			continue; /* not a commit of this bisect: bisect_farm names them */
		k = boot_event_kind(r, verdict_from_name(store_rows_text(st, 2)), store_rows_int(st, 4),
				    store_rows_text(st, 3), store_rows_text(st, 5), &title, hang,
				    sizeof(hang));
		if (record_uid(r, commit, k, title, store_rows_text(st, 6), store_rows_int(st, 7), uid) < 0) {
			store_rows_close(st);
			return -EIO;
		}
		n++;
	}
	e = store_rows_close(st);
	return e < 0 ? -EIO : n;
}

int bisect_run(const struct bisect_run_opts *o)
{
	struct run r = {.o = o,
			.checked_out = -1,
			.farm_commit = -1,
			.plan_commit = -1,
			.K = o->boards > 1 ? o->boards : 1};
	struct bisect_costs co = {.build = o->build_cost,
				  .max_batch = 256,
				  .rate_crashes = BISECT_RATE_CRASHES,
				  .boards = o->boards > 1 ? o->boards : 1};
	char other[512];
	int ret, k;

	ret = commits(&r);
	if (ret)
		return ret;
	if (o->log_dir)
		snprintf(r.log_dir, sizeof(r.log_dir), "%s", o->log_dir);
	else
		snprintf(r.log_dir, sizeof(r.log_dir), "%s.logs", o->store_path);
	if (file_mkdir_p(r.log_dir) < 0) {
		err("cannot create '%s': %s", r.log_dir, strerror(errno));
		ret = BISECT_INFRA;
		goto out;
	}
	{
		/* the build and boot commands run in the tree: they get it absolute */
		char *abs = realpath(r.log_dir, NULL);

		if (abs)
			snprintf(r.log_dir, sizeof(r.log_dir), "%s", abs);
		free(abs);
	}
	if ((k = store_open(o->store_path, &r.s)) < 0) {
		err("cannot open store '%s': %s", o->store_path, strerror(-k));
		ret = BISECT_INFRA;
		goto out;
	}
	k = store_bisect_find(r.s, r.sha[0], r.sha[r.n], o->target, &r.id, other, sizeof(other));
	if (k == -EEXIST) {
		err("store '%s' holds another bisect (%s); use another --store", o->store_path, other);
		ret = BISECT_BAD_INPUT;
		goto out;
	}
	if (k < 0 ||
	    (k == 0 && store_bisect_create(r.s, r.sha[0], r.sha[r.n], o->target, o->tree, r.n, o->confidence,
					   o->measured_boots, o->measured_crashes, &r.id) < 0)) {
		err("cannot read or write store '%s'", o->store_path);
		ret = BISECT_INFRA;
		goto out;
	}
	if (k == 1 && !o->resume) {
		err("store '%s' already holds this bisect: --resume goes on with it", o->store_path);
		ret = BISECT_BAD_INPUT;
		goto out;
	}
	r.measured_boots = o->measured_boots;
	r.measured_crashes = o->measured_crashes;
	if (k == 1) {
		/* resumed: the measurement is the stored one (`bisect` keeps one per store) */
		struct bisect_row row;

		if (store_bisect_one(r.s, &row) <= 0) {
			err("cannot read store '%s'", o->store_path);
			ret = BISECT_INFRA;
			goto out;
		}
		r.measured_boots = row.measured_boots;
		r.measured_crashes = row.measured_crashes;
		store_bisect_row_clear(&row);
		if (o->measured_boots &&
		    (r.measured_boots != o->measured_boots || r.measured_crashes != o->measured_crashes)) {
			err("store '%s' holds this bisect with --measured %u/%u, not %u/%u", o->store_path,
			    r.measured_crashes, r.measured_boots, o->measured_crashes, o->measured_boots);
			ret = BISECT_BAD_INPUT;
			goto out;
		}
	}
	if (bisect_new_measured(r.n, NULL, r.measured_boots, r.measured_crashes, &r.b) < 0) {
		ret = BISECT_INFRA;
		goto out;
	}
	if (!o->boot_cmd) {
		struct bisect_farm_opts fo = {
		    .c = o->campaign,
		    .setup = o->setup,
		    .target = o->target,
		    .init = o->init,
		    .dir = r.log_dir,
		    .s = r.s,
		    .bisect_id = r.id,
		    .boards = r.K,
		    .no_agent = o->no_agent,
		    .lava = o->lava,
		};
		char e[1024];

		k = bisect_farm_open(&fo, &r.bf, e, sizeof(e));
		if (k < 0) {
			err("%s", e);
			ret = k == -EINVAL ? BISECT_BAD_INPUT : BISECT_INFRA;
			goto out;
		}
	}
	if (store_bisect_events_each(r.s, r.id, replay, &r) < 0) {
		err("cannot read store '%s'", o->store_path);
		ret = BISECT_INFRA;
		goto out;
	}
	if (r.bf && (k = adopt_orphans(&r)) != 0) {
		if (k < 0) {
			err("cannot read store '%s'", o->store_path);
			ret = BISECT_INFRA;
			goto out;
		}
		fprintf(stderr, "  %d boot%s stored by the farm and not yet counted: counted now\n", k,
			k == 1 ? "" : "s");
	}
	fprintf(stderr, "bisect %.12s..%.12s: %d commits, target '%s'%s\n", r.sha[0], r.sha[r.n], r.n,
		o->target, r.seq ? " (resumed)" : "");
	if (r.seq)
		fprintf(stderr, "  %d boots and %d builds stored before\n", r.boots, r.builds);
	if (r.measured_boots)
		fprintf(
		    stderr,
		    "  the bad end measured before: the target in %u of %u boots (evidence on the rate)\n",
		    r.measured_crashes, r.measured_boots);
	ret = check_ends(&r);
	if (ret)
		goto out;
	while (!decided(&r) && !over_budget(&r)) {
		struct bisect_step st;
		int lo, hi;
		double mass;

		if (r.plan_commit > 0 && !r.plan_hit && r.plan_done < r.plan_boots) {
			/* a step the interrupted run had begun */
			st.commit = r.plan_commit;
			st.boots = r.plan_boots - r.plan_done;
		} else {
			/* the build cost in boots: given, or measured (mean build / mean boot wall time) */
			co.build = o->build_cost >= 0 ? o->build_cost
				   : r.builds && r.boots && r.boot_s > 0
				       ? (r.build_s / r.builds) / (r.boot_s / r.boots)
				       : 0;
			if (bisect_choose(r.b, &co, &st) < 0)
				break;
			r.plan_boots = st.boots;
			if (record(&r, st.commit, BEV_PLAN, NULL, NULL, 0) < 0) {
				ret = BISECT_INFRA;
				goto out;
			}
			r.plan_commit = st.commit;
			r.plan_done = 0;
			r.plan_hit = false;
		}
		bisect_answer(r.b, o->confidence, &lo, &hi, &mass);
		fprintf(stderr, "step: %.12s (commit %d of %d) up to %d boots; now %.12s..%.12s at %.3f\n",
			r.sha[st.commit], st.commit, r.n, st.boots, r.sha[lo], r.sha[hi], mass);
		k = build(&r, st.commit);
		if (k > 0)
			k = boot_batch(&r, st.commit, st.boots);
		if (k < 0) {
			ret = BISECT_INFRA;
			goto out;
		}
	}
	print_result(&r, decided(&r));
	ret = BISECT_DONE;
out:
	bisect_farm_free(r.bf);
	bisect_free(r.b);
	store_close(r.s);
	free(r.sha);
	free(r.boots_at);
	return ret;
}

/* ---- oopsfarm bisect step ------------------------------------------------ */

/* Runs cmd in tree with env, output to path: its exit status or -errno. */
static int step_spawn(const struct bisect_step_opts *o, const char *cmd, const struct cmd_env *env,
		      const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	pid_t pid;

	if (fd < 0) {
		err("cannot create '%s': %s", path, strerror(errno));
		return -errno;
	}
	pid = spawn_start(NULL, cmd, o->tree, env, fd, true);
	close(fd);
	return pid < 0 ? pid : spawn_wait(pid);
}

int bisect_step_run(const struct bisect_step_opts *o)
{
	struct sprt t;
	char *sha = NULL, path[4200];
	int st, infra_row = 0, ret = BISECT_STEP_ABORT;

	if (git(o->tree, &sha, "rev-parse", "--verify", "-q", "HEAD") || !sha || !*sha) {
		err("step: '%s' is not a git checkout", o->tree);
		goto out;
	}
	if (file_mkdir_p(o->log_dir) < 0) {
		err("step: cannot create '%s': %s", o->log_dir, strerror(errno));
		goto out;
	}
	if (o->build_cmd) {
		struct cmd_env env = {.sha = sha};

		snprintf(path, sizeof(path), "%s/build-%.12s.log", o->log_dir, sha);
		st = step_spawn(o, o->build_cmd, &env, path);
		if (st < 0)
			goto out;
		if (st) {
			printf("skip: %.12s does not build (exit %d): see '%s'\n", sha, st, path);
			ret = BISECT_STEP_SKIP;
			goto out;
		}
	}
	stats_sprt_init(&t, o->eps, o->rate, o->alpha, o->beta);
	for (int seq = 0; t.decision == SPRT_CONTINUE && (int)t.n < o->max_boots; seq++) {
		struct cmd_env env = {.sha = sha, .seq = seq};
		const char *title;
		char *buf;
		int k;

		snprintf(path, sizeof(path), "%s/%04d-boot-%.12s.log", o->log_dir, seq, sha);
		st = step_spawn(o, o->boot_cmd, &env, path);
		if (st < 0)
			goto out;
		k = boot_kind(o->target, st, path, &title, &buf);
		if (k < 0)
			goto out;
		fprintf(stderr, "  boot %.12s: %s%s%s%s\n", sha, bisect_event_name(k), title ? " '" : "",
			title ? title : "", title ? "'" : "");
		free(buf);
		if (k == BEV_INFRA) {
			if (++infra_row >= MAX_INFRA_IN_A_ROW) {
				printf(
				    "skip: the boot command failed %d times in a row at %.12s (exit %d): see "
				    "'%s'\n",
				    infra_row, sha, st, path);
				ret = BISECT_STEP_SKIP;
				goto out;
			}
			continue;
		}
		infra_row = 0;
		stats_sprt_add(&t, k == BEV_TARGET);
	}
	if (t.decision == SPRT_H1) {
		printf("bad: %.12s showed '%s' (boot %u)\n", sha, o->target, t.n);
		ret = BISECT_STEP_BAD;
	} else if (t.decision == SPRT_H0) {
		printf("good: %.12s, %u boots without enough of '%s' (a rate of %g would have shown, "
		       "with probability %g)\n",
		       sha, t.n, o->target, o->rate, 1 - o->beta);
		ret = BISECT_STEP_GOOD;
	} else {
		printf("skip: %.12s undecided after %u boots\n", sha, t.n);
		ret = BISECT_STEP_SKIP;
	}
out:
	free(sha);
	return ret;
}
