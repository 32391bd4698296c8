// SPDX-License-Identifier: MIT
/*
 * agent.c - one boot from BEGIN to END, see agent.h.
 *
 * Single-threaded: this process may be PID 1, so it never loads modules or
 * pokes lkdtm itself; children do that, and this loop only polls kmsg and
 * the loader's pipe.  Everything written to the console goes through one
 * proto_writer, so the sequence numbers are one series per boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "crc32.h"
#include "kmsg.h"
#include "loader.h"
#include "modplan.h"
#include "modset.h"
#include "oops.h"
#include "sys.h"

#define MAX_SIGS      256
#define PIPE_LINE_MAX PROTO_LINE_MAX

struct agent {
	const struct agent_config *cfg;
	struct proto_writer w;
	struct oops_parser *parser;
	int kmsg_fd;
	struct kmsg_seq kseq;
	uint64_t kmsg_records, kmsg_bad, kmsg_epipe;
	int nreports;
	uint64_t sigs[MAX_SIGS];
	int nsigs;
	/* loader child */
	pid_t loader_pid;
	int loader_fd;
	char pbuf[PIPE_LINE_MAX * 4];
	size_t plen;
	bool load_done, load_ok, load_timed_out;
	uint64_t load_span_us;
	int mod_failed;
	pid_t provoke_pid;
	int provoke_status;
	bool provoke_done;
};

const char *agent_verdict_name(enum agent_verdict v)
{
	switch (v) {
	case VERDICT_PASS:
		return "pass";
	case VERDICT_FAIL:
		return "fail";
	case VERDICT_ERROR:
		return "error";
	}
	return "?";
}

static void send(struct agent *a, struct proto_line *l)
{
	proto_writer_send(&a->w, l);
}

static void log_line(struct agent *a, const char *level, const char *what, const char *msg)
{
	struct proto_line l;

	proto_line_start(&l, PROTO_LOG);
	proto_line_add(&l, "level", level);
	proto_line_add(&l, "what", what);
	proto_line_add(&l, "msg", msg);
	send(a, &l);
}

static void log_fmt(struct agent *a, const char *level, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void log_fmt(struct agent *a, const char *level, const char *what, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(a, level, what, msg);
}

int notes_build_id(const void *notes, size_t len, char *out, size_t size)
{
	const unsigned char *p = notes, *end = p + len;

	/* Elf_Nhdr: namesz, descsz, type (native endian), name and desc padded to 4. */
	while (end - p >= 12) {
		uint32_t namesz, descsz, type;

		memcpy(&namesz, p, 4);
		memcpy(&descsz, p + 4, 4);
		memcpy(&type, p + 8, 4);
		p += 12;
		size_t nlen = (namesz + 3u) & ~3u, dlen = (descsz + 3u) & ~3u;
		if (nlen > (size_t)(end - p) || dlen > (size_t)(end - p - nlen))
			break;
		if (type == 3 && namesz == 4 && !memcmp(p, "GNU", 4)) {
			size_t o = 0;

			for (uint32_t i = 0; i < descsz && o + 3 <= size; i++)
				o += (size_t)snprintf(out + o, size - o, "%02x", p[nlen + i]);
			return o ? 0 : -ENOENT;
		}
		p += nlen + dlen;
	}
	return -ENOENT;
}

/* Reads a small text file, first line only; "unknown" when missing. */
static void read_line(const char *path, char *out, size_t size)
{
	char *buf;
	size_t len;

	snprintf(out, size, "unknown");
	if (sys_read_file(path, &buf, &len) < 0)
		return;
	buf[strcspn(buf, "\n")] = '\0';
	if (buf[0])
		snprintf(out, size, "%s", buf);
	free(buf);
}

/* ---- kmsg watching ---- */

static void on_report(const struct oops_report *r, void *userdata)
{
	struct agent *a = userdata;
	struct proto_line l;
	char hash[17], id[40];
	bool seen = false;

	a->nreports++;
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)r->hash);
	for (int i = 0; i < a->nsigs; i++)
		seen |= a->sigs[i] == r->hash;
	proto_line_start(&l, PROTO_CRASH);
	proto_line_addf(&l, "id", "%d", a->nreports);
	proto_line_add(&l, "kind", oops_kind_name(r->kind));
	proto_line_add(&l, "hash", hash);
	proto_line_addf(&l, "corrupted", "%d", r->corrupted);
	proto_line_add(&l, "title", r->title);
	send(a, &l);
	/* One test case per signature, the first time it shows up in this boot. */
	if (!seen) {
		if (a->nsigs < MAX_SIGS)
			a->sigs[a->nsigs++] = r->hash;
		snprintf(id, sizeof(id), "crash_%s", hash);
		proto_line_start(&l, PROTO_CASE);
		proto_line_add(&l, "case", id);
		proto_line_add(&l, "result", "fail");
		proto_line_add(&l, "kind", oops_kind_name(r->kind));
		proto_line_add(&l, "title", r->title);
		send(a, &l);
	}
	proto_writer_report(&a->w, (unsigned)a->nreports, r->text, r->text_len);
}

static void kmsg_drain(struct agent *a)
{
	static char buf[KMSG_RECORD_MAX + 1], scratch[KMSG_RECORD_MAX + 2], text[4 * KMSG_RECORD_MAX];
	struct kmsg_record rec;

	while (a->kmsg_fd >= 0) {
		ssize_t n = sys_read(a->kmsg_fd, buf, KMSG_RECORD_MAX);

		if (n == -EAGAIN || n == -EINTR)
			return;
		if (n == -EPIPE) {
			/*
			 * The ring buffer overwrote records we had not read; the next
			 * read gives the oldest one left, and its seq says how many.
			 */
			a->kmsg_epipe++;
			continue;
		}
		if (n <= 0) {
			log_fmt(a, "error", "kmsg", "reading /dev/kmsg failed: %s, watching stops",
				n == 0 ? "end of file" : strerror((int)-n));
			close(a->kmsg_fd);
			a->kmsg_fd = -1;
			return;
		}
		if (kmsg_record_parse(buf, (size_t)n, scratch, sizeof(scratch), &rec) < 0) {
			if (a->kmsg_bad++ == 0)
				log_fmt(a, "warn", "kmsg", "malformed record '%.60s', ignoring", buf);
			continue;
		}
		a->kmsg_records++;
		uint64_t first = !a->kseq.started;
		uint64_t missed = kmsg_seq_note(&a->kseq, rec.seq);
		if (missed) {
			struct proto_line l;

			proto_line_start(&l, PROTO_LOG);
			proto_line_add(&l, "level", "warn");
			proto_line_add(&l, "what", "kmsg-lost");
			proto_line_addf(&l, "n", "%llu", (unsigned long long)missed);
			proto_line_addf(&l, "before_seq", "%llu", (unsigned long long)rec.seq);
			proto_line_add(&l, "msg",
				       first ? "records overwritten before the agent started"
					     : "records overwritten before they were read");
			send(a, &l);
		}
		size_t tl = kmsg_record_render(&rec, text, sizeof(text));
		if (tl >= sizeof(text))
			tl = strlen(text);
		oops_parser_feed(a->parser, text, tl);
	}
}

/* ---- the loader child ---- */

struct child_ctx {
	int fd;
};

static void pipe_send(int fd, char tag, const struct proto_line *l)
{
	char buf[PROTO_LINE_MAX + 4];
	int n = snprintf(buf, sizeof(buf), "%c%s\n", tag, l->payload);

	/* Under PIPE_BUF: one write is atomic, whatever the threads do. */
	if (write(fd, buf, (size_t)n) < 0)
		return;
}

static void on_loader_event(const struct loader_event *e, void *userdata)
{
	struct child_ctx *c = userdata;
	struct proto_line l;

	proto_line_start(&l, PROTO_MOD);
	proto_line_add(&l, "name", e->mod->name);
	proto_line_add(&l, "res", mod_result_name(e->result));
	if (e->result == MOD_OK || e->result == MOD_EXISTS || (e->result == MOD_FAILED && e->end_us)) {
		proto_line_addf(&l, "start_us", "%llu", (unsigned long long)e->start_us);
		proto_line_addf(&l, "us", "%llu", (unsigned long long)(e->end_us - e->start_us));
		proto_line_addf(&l, "thr", "%d", e->thread);
		if (e->wave)
			proto_line_addf(&l, "wave", "%d", e->wave);
		if (e->jitter_us)
			proto_line_addf(&l, "jitter_us", "%u", e->jitter_us);
		if (e->barrier)
			proto_line_add(&l, "barrier", "1");
	}
	if (e->err)
		proto_line_add(&l, "err", errno_name(e->err));
	if (e->why && e->result != MOD_OK)
		proto_line_add(&l, "why", e->why);
	if (e->decomp)
		proto_line_add(&l, "decomp", e->decomp);
	pipe_send(c->fd, 'M', &l);
}

static void loader_child(const struct agent_config *cfg, struct modset *ms, int fd)
{
	struct child_ctx c = {fd};
	struct loader_opts o = {
	    .mode = cfg->mode,
	    .threads = cfg->threads,
	    .shuffle = cfg->shuffle,
	    .seed = cfg->seed,
	    .jitter_us = cfg->jitter_us,
	    .barrier_timeout_ms = cfg->barrier_timeout_ms,
	};
	struct loader_summary s;
	struct proto_line l;
	int r = loader_run(ms, &o, on_loader_event, &c, &s);

	proto_line_start(&l, PROTO_LOAD);
	proto_line_add(&l, "mode", cfg->mode == LOADER_EAGER ? "eager" : "android");
	proto_line_addf(&l, "threads", "%d", o.threads);
	proto_line_add(&l, "res", r == 0 ? "ok" : r == -EIO ? "fail" : "error");
	proto_line_addf(&l, "ok", "%d", s.ok);
	proto_line_addf(&l, "exists", "%d", s.exists);
	proto_line_addf(&l, "failed", "%d", s.failed);
	proto_line_addf(&l, "skipped", "%d", s.skipped);
	proto_line_addf(&l, "blocked", "%d", s.blocked);
	proto_line_addf(&l, "waves", "%d", s.waves);
	proto_line_addf(&l, "span_us", "%llu", (unsigned long long)(s.last_end_us - s.first_start_us));
	proto_line_addf(&l, "wall_us", "%llu", (unsigned long long)s.wall_us);
	proto_line_addf(&l, "barrier_met", "%d", s.barrier_met);
	proto_line_addf(&l, "barrier_timeouts", "%d", s.barrier_timeouts);
	if (r < 0 && r != -EIO)
		proto_line_add(&l, "err", errno_name(r));
	pipe_send(fd, 'L', &l);
}

/* Lines from the loader: 'M' MOD, 'L' LOAD; each becomes a protocol line. */
static void loader_read(struct agent *a)
{
	ssize_t n;

	for (;;) {
		n = read(a->loader_fd, a->pbuf + a->plen, sizeof(a->pbuf) - a->plen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(a->loader_fd);
			a->loader_fd = -1;
			return;
		}
		a->plen += (size_t)n;
		char *nl;
		while ((nl = memchr(a->pbuf, '\n', a->plen))) {
			struct proto_line l;
			size_t len = (size_t)(nl - a->pbuf);

			/* The child formatted the payload already: pass it on as is. */
			proto_line_start(&l, a->pbuf[0] == 'L' ? PROTO_LOAD : PROTO_MOD);
			if (len > 1 && len - 1 < sizeof(l.payload)) {
				memcpy(l.payload, a->pbuf + 1, len - 1);
				l.payload[len - 1] = '\0';
				l.len = len - 1;
			}
			if (a->pbuf[0] == 'L') {
				const char *sp = strstr(l.payload, " span_us=");

				a->load_ok = strstr(l.payload, " res=ok ") != NULL;
				a->load_span_us = sp ? strtoull(sp + 9, NULL, 10) : 0;
				a->load_done = true;
			}
			if (a->pbuf[0] == 'M' &&
			    (strstr(l.payload, " res=fail") || strstr(l.payload, " res=skip")))
				a->mod_failed++;
			send(a, &l);
			memmove(a->pbuf, nl + 1, a->plen - len - 1);
			a->plen -= len + 1;
		}
		if (a->plen == sizeof(a->pbuf))
			a->plen = 0; /* a runaway line: drop it rather than stall */
	}
}

/* Reaps every child that ended; notes the loader's and provoker's ends. */
static void reap(struct agent *a)
{
	int st;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == a->loader_pid) {
			a->loader_pid = 0;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				log_fmt(a, "error", "loader", "loader process ended with %s %d",
					WIFSIGNALED(st) ? "signal" : "status",
					WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		} else if (p == a->provoke_pid) {
			a->provoke_pid = 0;
			a->provoke_status = st;
			a->provoke_done = true;
		}
	}
}

/* Polls kmsg and the loader pipe until deadline_us, or until done() says so. */
static void watch(struct agent *a, uint64_t deadline_us, bool (*done)(struct agent *))
{
	for (;;) {
		struct pollfd pf[2];
		int n = 0;
		uint64_t now;

		kmsg_drain(a);
		if (a->loader_fd >= 0)
			loader_read(a);
		reap(a);
		if (done && done(a))
			return;
		now = sys_now_us();
		if (now >= deadline_us)
			return;
		if (a->kmsg_fd >= 0)
			pf[n++] = (struct pollfd){.fd = a->kmsg_fd, .events = POLLIN};
		if (a->loader_fd >= 0)
			pf[n++] = (struct pollfd){.fd = a->loader_fd, .events = POLLIN};
		/*
		 * A child ending does not wake poll: look again every 50 ms while
		 * one runs.  Otherwise sleep until a record or the deadline: each
		 * idle wakeup costs ~2 ms of CPU on an emulated board.
		 */
		uint64_t left = (deadline_us - now) / 1000, cap = a->loader_pid || a->provoke_pid ? 50 : 1000;
		poll(pf, (nfds_t)n, (int)(left > cap ? cap : left + 1));
	}
}

static bool loader_finished(struct agent *a)
{
	return a->loader_fd < 0 && a->loader_pid == 0;
}

static bool provoke_finished(struct agent *a)
{
	return a->provoke_done;
}

static void run_loader(struct agent *a, struct modset *ms)
{
	const struct agent_config *cfg = a->cfg;
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		log_fmt(a, "error", "loader", "pipe failed: %s, not loading modules", strerror(errno));
		return;
	}
	pid = sys_fork();
	if (pid < 0) {
		log_fmt(a, "error", "loader", "fork failed: %s, not loading modules", strerror((int)-pid));
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		loader_child(cfg, ms, p[1]);
		_exit(0);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	a->loader_fd = p[0];
	a->loader_pid = pid;
	watch(a, sys_now_us() + (uint64_t)cfg->load_timeout_ms * 1000, loader_finished);
	if (!loader_finished(a)) {
		a->load_timed_out = true;
		log_fmt(a, "error", "loader", "loader still running after %u ms, killing it",
			cfg->load_timeout_ms);
		if (a->loader_pid > 0)
			kill(a->loader_pid, SIGKILL);
		watch(a, sys_now_us() + 1000000, loader_finished);
		if (a->loader_fd >= 0) {
			close(a->loader_fd);
			a->loader_fd = -1;
		}
	}
}

static void provoke(struct agent *a, const char *type)
{
	pid_t pid;

	log_fmt(a, "info", "provoke", "lkdtm %s", type);
	a->provoke_done = false;
	pid = sys_fork();
	if (pid < 0) {
		log_fmt(a, "error", "provoke", "fork failed: %s", strerror((int)-pid));
		return;
	}
	if (pid == 0) {
		/* An oops here kills this child, which is the point. */
		int r = sys_write_file("/sys/kernel/debug/provoke-crash/DIRECT", type);
		_exit(r < 0 ? 1 : 0);
	}
	a->provoke_pid = pid;
	watch(a, sys_now_us() + (uint64_t)a->cfg->provoke_wait_ms * 1000, provoke_finished);
	/* The crash report may come after the child ends: watch the full time. */
	watch(a, sys_now_us() + (uint64_t)a->cfg->provoke_wait_ms * 1000, NULL);
	if (a->provoke_done) {
		int st = a->provoke_status;

		log_fmt(a, "info", "provoke", "lkdtm %s: writer %s %d", type,
			WIFSIGNALED(st) ? "killed by signal" : "exited with",
			WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	} else {
		log_fmt(a, "warn", "provoke", "lkdtm %s: writer still blocked", type);
	}
}

static void set_sysctl(struct agent *a, const char *name, int value)
{
	char path[128], v[8];
	int r;

	if (value < 0)
		return;
	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	snprintf(v, sizeof(v), "%d", value);
	r = sys_write_file(path, v);
	if (r < 0)
		log_fmt(a, "warn", "sysctl", "cannot set %s=%d: %s", name, value, strerror(-r));
}

static void modset_warn(const char *file, int line, const char *msg, void *userdata)
{
	log_fmt(userdata, "warn", "modules", "%s:%d: %s", file, line, msg);
}

static int modset_sys_read(const char *path, char **ret_buf, size_t *ret_len, void *userdata)
{
	return sys_read_file(path, ret_buf, ret_len);
}

/*
 * The module set as first-stage init would read it: the list file of the
 * boot mode (unless oopsfarm.modules_load names one), the command line's
 * module options.
 */
static int read_modset(const struct agent_config *cfg, const char *moddir, const char *cmdline,
		       modset_warn_fn warn, void *userdata, struct modset *ret)
{
	struct modset_opts o = {
	    .cmdline = cmdline, .read = modset_sys_read, .warn = warn, .userdata = userdata};
	char *bootconfig = NULL;
	size_t len;
	int fd, r;

	if (cfg->modules_load[0]) {
		o.list = cfg->modules_load;
	} else {
		bool recovery = (fd = sys_open("/system/bin/recovery", O_RDONLY | O_CLOEXEC)) >= 0;

		if (fd >= 0)
			close(fd);
		if (sys_read_file("/proc/bootconfig", &bootconfig, &len) < 0)
			bootconfig = NULL;
		o.list = modset_list_name(cmdline, bootconfig, recovery);
	}
	r = modset_read(ret, moddir, &o);
	free(bootconfig);
	return r;
}

/* CRC over each module's path and contents, in modules.load order. */
static uint32_t modset_crc(const struct modset *ms)
{
	uint32_t crc = 0;

	for (int k = 0; k < ms->nload; k++) {
		const struct module *m = &ms->mods[ms->load[k]];
		char path[4096], *buf;
		size_t len;

		modset_module_path(ms, m, path, sizeof(path));
		crc = crc32_update(crc, m->path, strlen(m->path) + 1);
		if (sys_read_file(path, &buf, &len) == 0) {
			crc = crc32_update(crc, buf, len);
			free(buf);
		}
	}
	return crc;
}

enum agent_verdict agent_run(const struct agent_config *cfg_in, proto_write_fn write, void *userdata)
{
	struct agent_config cfg = *cfg_in;
	struct agent a = {.cfg = &cfg, .kmsg_fd = -1, .loader_fd = -1};
	struct modset ms = {0};
	char release[128], boot_id[64], build_id[96] = "unknown", moddir[512], plan_hash[17] = "-";
	char *buf, *cmdline = NULL;
	size_t len;
	uint32_t cmdline_crc = 0;
	bool have_mods = false, error = false;
	struct proto_line l;
	enum agent_verdict v;
	int r;

	proto_writer_init(&a.w, write, userdata);
	if (cfg.threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		cfg.threads = n > 0 ? (int)n : 1;
	}

	/* Who we are. */
	read_line("/proc/sys/kernel/osrelease", release, sizeof(release));
	read_line("/proc/sys/kernel/random/boot_id", boot_id, sizeof(boot_id));
	if (sys_read_file("/sys/kernel/notes", &buf, &len) == 0) {
		notes_build_id(buf, len, build_id, sizeof(build_id));
		free(buf);
	}
	if (sys_read_file("/proc/cmdline", &cmdline, &len) == 0)
		cmdline_crc = crc32_update(0, cmdline, len);
	else
		cmdline = NULL;
	if (cfg.moddir[0])
		snprintf(moddir, sizeof(moddir), "%s", cfg.moddir);
	else
		snprintf(moddir, sizeof(moddir), "/lib/modules/%s", release);

	/* Module problems are reported after BEGIN: collect them in a second pass. */
	if (cfg.load)
		have_mods = read_modset(&cfg, moddir, cmdline, NULL, NULL, &ms) == 0;
	if (have_mods) {
		struct modplan plan;

		/* The loader builds the same plan again: this is its hash, as the host prints it. */
		if (modplan_build(&ms, &plan) == 0) {
			modplan_hash_hex(&plan, plan_hash);
			modplan_free(&plan);
		}
	}

	proto_line_start(&l, PROTO_BEGIN);
	proto_line_addf(&l, "v", "%d", PROTO_VERSION);
	proto_line_add(&l, "agent", AGENT_VERSION);
	proto_line_add(&l, "boot_id", boot_id);
	proto_line_add(&l, "release", release);
	proto_line_add(&l, "build_id", build_id);
	proto_line_addf(&l, "cmdline_crc", "%08x", cmdline_crc);
	proto_line_addf(&l, "modset_crc", "%08x", have_mods ? modset_crc(&ms) : 0);
	proto_line_addf(&l, "modules", "%d", have_mods ? ms.nload : 0);
	proto_line_add(&l, "mode", config_mode_name(&cfg));
	proto_line_addf(&l, "threads", "%d", cfg.threads);
	proto_line_addf(&l, "seed", "%llu", (unsigned long long)cfg.seed);
	proto_line_addf(&l, "shuffle", "%d", cfg.shuffle);
	proto_line_addf(&l, "jitter_us", "%u", cfg.jitter_us);
	proto_line_add(&l, "barrier", cfg.barrier[0] ? cfg.barrier : "-");
	proto_line_addf(&l, "barrier_timeout_ms", "%u", cfg.barrier_timeout_ms);
	proto_line_addf(&l, "settle_ms", "%u", cfg.settle_ms);
	proto_line_add(&l, "action", config_action_name(cfg.action));
	proto_line_addf(&l, "panic_on_oops", "%d", cfg.panic_on_oops);
	proto_line_addf(&l, "panic_on_warn", "%d", cfg.panic_on_warn);
	proto_line_add(&l, "provoke", cfg.provoke[0] ? cfg.provoke : "-");
	proto_line_add(&l, "plan", plan_hash);
	send(&a, &l);

	for (int i = 0; i < cfg.nproblems; i++)
		log_line(&a, "warn", "config", cfg.problems[i]);
	if (cfg.load) {
		struct modset tmp;

		/* Read again with warnings on, now that they can be reported. */
		r = read_modset(&cfg, moddir, cmdline, modset_warn, &a, &tmp);
		if (r < 0) {
			log_fmt(&a, "error", "modules", "cannot read the module set in '%s': %s", moddir,
				strerror(-r));
			error = true;
		}
		modset_free(&tmp);
		if (have_mods && cfg.barrier[0])
			modset_mark_barrier(&ms, cfg.barrier, modset_warn, &a);
	}

	set_sysctl(&a, "panic_on_oops", cfg.panic_on_oops);
	set_sysctl(&a, "panic_on_warn", cfg.panic_on_warn);

	a.parser = oops_parser_new(on_report, &a);
	r = sys_kmsg_open();
	if (r < 0) {
		log_fmt(&a, "error", "kmsg", "cannot open /dev/kmsg: %s, crashes are left to the host",
			strerror(-r));
		error = true;
	} else {
		a.kmsg_fd = r;
	}
	kmsg_drain(&a);

	if (have_mods)
		run_loader(&a, &ms);
	watch(&a, sys_now_us() + (uint64_t)cfg.settle_ms * 1000, NULL);

	if (cfg.provoke[0]) {
		char list[sizeof(cfg.provoke)], *save, *t;

		snprintf(list, sizeof(list), "%s", cfg.provoke);
		for (t = strtok_r(list, ",+ ", &save); t; t = strtok_r(NULL, ",+ ", &save))
			provoke(&a, t);
	}
	kmsg_drain(&a);
	if (a.parser)
		oops_parser_finish(a.parser);

	if (cfg.load) {
		bool mods_ok = have_mods && a.load_done && a.load_ok && !a.load_timed_out;

		proto_line_start(&l, PROTO_CASE);
		proto_line_add(&l, "case", "modules");
		proto_line_add(&l, "result", mods_ok ? "pass" : "fail");
		/* LAVA records measurement/units with the case: first to last finit_module. */
		if (a.load_done) {
			proto_line_addf(&l, "measurement", "%llu.%03llu",
					(unsigned long long)a.load_span_us / 1000,
					(unsigned long long)a.load_span_us % 1000);
			proto_line_add(&l, "units", "ms");
		}
		send(&a, &l);
		if (!mods_ok && !have_mods)
			error = true;
		else if (!mods_ok)
			a.mod_failed++;
	}
	if (a.nreports || a.mod_failed)
		v = VERDICT_FAIL;
	else
		v = error ? VERDICT_ERROR : VERDICT_PASS;
	proto_line_start(&l, PROTO_CASE);
	proto_line_add(&l, "case", "boot");
	proto_line_add(&l, "result", v == VERDICT_PASS ? "pass" : "fail");
	proto_line_add(&l, "verdict", agent_verdict_name(v));
	send(&a, &l);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	proto_line_start(&l, PROTO_END);
	proto_line_add(&l, "verdict", agent_verdict_name(v));
	proto_line_addf(&l, "crashes", "%d", a.nreports);
	proto_line_addf(&l, "signatures", "%d", a.nsigs);
	proto_line_addf(&l, "kmsg_records", "%llu", (unsigned long long)a.kmsg_records);
	proto_line_addf(&l, "kmsg_lost", "%llu", (unsigned long long)a.kseq.lost);
	proto_line_addf(&l, "cpu_us", "%llu",
			(unsigned long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000ull +
			    (unsigned long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec));
	proto_line_addf(&l, "maxrss_kb", "%ld", ru.ru_maxrss);
	proto_line_addf(&l, "lines", "%u", a.w.seq + 1);
	send(&a, &l);

	if (a.kmsg_fd >= 0)
		close(a.kmsg_fd);
	oops_parser_free(a.parser);
	modset_free(&ms);
	free(cmdline);
	return v;
}
