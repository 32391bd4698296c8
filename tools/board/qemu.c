// SPDX-License-Identifier: MIT
/*
 * qemu.c - the QEMU board: qemu-system-aarch64 -M virt,iommu=smmuv3, one
 * process per boot, driven without blocking by the farm's event loop
 * (board.h).
 *
 * Power is the process.  The console is a file chardev: QEMU writes every
 * byte to the log file and never waits for us (a socket chardev makes the
 * guest's UART stall whenever the reader is late, since each byte is its
 * own write).  The loop watches the file with inotify, whose IN_MODIFY
 * events coalesce while unread, and reads what is new at most once per tick
 * (EPOLLONESHOT): about ten wakeups a second per board, whatever the guest
 * prints.  Phase limits count QEMU's own CPU time (utime+stime from /proc);
 * QEMU dies with us (PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board/board.h"

struct board {
	int index;
	pid_t pid;
	int fd;	    /* inotify on the log file */
	int log_fd; /* the log file, read as it grows */
	int pidfd;  /* readable when QEMU exits */
	bool over, reaped;
	const struct board_boot *bb;
	double t_start, phase_wall, last_output, cpu;
	enum board_phase phase;
	struct board_scan scan;
	int status;
	struct rusage ru;
	struct board_result r;
};

/* utime + stime of pid in seconds, from /proc/pid/stat; -1 when gone */
static double proc_cpu(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the comm field may hold spaces: fields count from the last ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}

static struct board *qemu_create(int index, const char *board)
{
	struct board *b = calloc(1, sizeof(*b));

	if (b) {
		b->index = index;
		b->fd = -1;
		b->log_fd = -1;
		b->pidfd = -1;
		b->pid = -1;
	}
	return b;
}

static void enter(struct board *b, enum board_phase p)
{
	double c = proc_cpu(b->pid);

	if (c >= 0)
		b->cpu = c;
	for (enum board_phase q = b->phase + 1; q <= p; q++)
		b->r.phase_cpu[q] = b->cpu;
	b->phase = p;
	b->phase_wall = board_now();
}

/* Moves the phase on when the console shows its marker; the markers may be
 * split across reads, so the tail of the last read is searched with it. */
static void scan(struct board *b, const char *data, size_t n)
{
	enum board_phase p = board_scan_feed(&b->scan, b->phase, data, n);

	if (p != b->phase)
		enter(b, p);
}

/* The boot is over: reap QEMU (killing it first when asked), clean up. */
static int finish(struct board *b, bool kill_it)
{
	if (!b->reaped) {
		if (kill_it)
			kill(b->pid, SIGKILL);
		wait4(b->pid, &b->status, 0, &b->ru);
		b->reaped = true;
	}
	/* the last bytes, for the phase markers (the log file has them all anyway) */
	if (b->log_fd >= 0) {
		char buf[65536];
		ssize_t n;

		while ((n = read(b->log_fd, buf, sizeof(buf))) > 0)
			scan(b, buf, n);
		close(b->log_fd);
	}
	b->log_fd = -1;
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	if (b->pidfd >= 0)
		close(b->pidfd);
	b->pidfd = -1;
	/* the exact CPU time of the whole boot, from the kernel's accounting */
	b->r.cpu_s = b->ru.ru_utime.tv_sec + b->ru.ru_utime.tv_usec / 1e6 + b->ru.ru_stime.tv_sec +
		     b->ru.ru_stime.tv_usec / 1e6;
	if (b->r.cpu_s < b->cpu)
		b->r.cpu_s = b->cpu;
	b->r.wall_s = board_now() - b->t_start;
	b->r.phase = b->phase;
	if (!b->r.hung && !b->r.done_killed && !kill_it && WIFEXITED(b->status))
		b->r.exit_code = WEXITSTATUS(b->status);
	b->over = true;
	return 1;
}

static int qemu_start(struct board *b, const struct board_boot *bb)
{
	char chardev[4096], smp[16], mem[16];
	const char *argv[48];
	int argc = 0;

	memset(&b->r, 0, sizeof(b->r));
	for (int p = 0; p < NPHASES; p++)
		b->r.phase_cpu[p] = -1;
	b->r.phase_cpu[PHASE_START] = 0;
	b->r.exit_code = -1;
	b->bb = bb;
	b->fd = -1;
	b->over = b->reaped = false;
	b->cpu = 0;
	b->phase = PHASE_START;
	board_scan_reset(&b->scan);
	b->status = 0;
	memset(&b->ru, 0, sizeof(b->ru));
	b->t_start = b->phase_wall = board_now();
	/* the log exists and is watched before QEMU writes its first byte */
	b->log_fd = open(bb->log_path, O_RDONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0644);
	b->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (b->log_fd < 0 || b->fd < 0 || inotify_add_watch(b->fd, bb->log_path, IN_MODIFY) < 0) {
		snprintf(b->r.why, sizeof(b->r.why), "cannot watch the console log '%s': %s", bb->log_path,
			 strerror(errno));
		finish(b, false);
		return -EIO;
	}
	snprintf(chardev, sizeof(chardev), "file,id=ser0,path=%s", bb->log_path);
	snprintf(smp, sizeof(smp), "%d", bb->smp > 0 ? bb->smp : 2);
	snprintf(mem, sizeof(mem), "%d", bb->mem_mb > 0 ? bb->mem_mb : 1024);
	argv[argc++] = getenv("OOPSFARM_QEMU") ? getenv("OOPSFARM_QEMU") : "qemu-system-aarch64";
	argv[argc++] = "-M";
	argv[argc++] = "virt,iommu=smmuv3";
	argv[argc++] = "-cpu";
	argv[argc++] = bb->cpu ? bb->cpu : "max,pauth-impdef=on";
	argv[argc++] = "-smp";
	argv[argc++] = smp;
	argv[argc++] = "-m";
	argv[argc++] = mem;
	argv[argc++] = "-no-reboot";
	argv[argc++] = "-display";
	argv[argc++] = "none";
	argv[argc++] = "-monitor";
	argv[argc++] = "none";
	argv[argc++] = "-nic";
	argv[argc++] = "none";
	argv[argc++] = "-device";
	argv[argc++] = "pvpanic-pci";
	argv[argc++] = "-action";
	argv[argc++] = "panic=exit-failure";
	argv[argc++] = "-kernel";
	argv[argc++] = bb->kernel;
	argv[argc++] = "-initrd";
	argv[argc++] = bb->initrd;
	argv[argc++] = "-append";
	argv[argc++] = bb->append;
	if (bb->dtb) {
		argv[argc++] = "-dtb";
		argv[argc++] = bb->dtb;
	}
	argv[argc++] = "-chardev";
	argv[argc++] = chardev;
	argv[argc++] = "-serial";
	argv[argc++] = "chardev:ser0";
	argv[argc] = NULL;

	b->pid = fork();
	if (b->pid < 0) {
		snprintf(b->r.why, sizeof(b->r.why), "fork: %s", strerror(errno));
		b->reaped = true;
		finish(b, false);
		return -EAGAIN;
	}
	if (b->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* QEMU never outlives the orchestrator */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		/* Ctrl-C goes to the orchestrator, which powers boards off itself */
		setpgid(0, 0);
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		/* QEMU's own messages go next to the console log, for infra reasons */
		if (bb->stderr_path) {
			int e = open(bb->stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (e >= 0)
				dup2(e, STDERR_FILENO);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	b->pidfd = (int)syscall(SYS_pidfd_open, b->pid, 0);
	return 0;
}

static int qemu_fd(struct board *b)
{
	return b->fd;
}

static int qemu_power_fd(struct board *b)
{
	return b->pidfd;
}

static int qemu_input(struct board *b)
{
	char buf[65536];
	ssize_t n;

	if (b->over)
		return 1;
	/* empty the inotify queue, then read what is new in the log */
	while (read(b->fd, buf, sizeof(buf)) > 0)
		;
	while ((n = read(b->log_fd, buf, sizeof(buf))) > 0) {
		b->last_output = board_now();
		if (b->phase == PHASE_START) {
			b->r.started = true;
			enter(b, PHASE_KERNEL);
		}
		scan(b, buf, n);
	}
	return 0;
}

static int hang(struct board *b, const char *fmt, double v)
{
	b->r.hung = true;
	snprintf(b->r.why, sizeof(b->r.why), fmt, board_phase_name(b->phase), v);
	return finish(b, true);
}

static int qemu_tick(struct board *b, double now)
{
	const struct campaign_timeouts *t = &b->bb->limits;
	double c, limit = 0;

	if (b->over)
		return 1;
	if (wait4(b->pid, &b->status, WNOHANG, &b->ru) == b->pid) {
		b->reaped = true;
		qemu_input(b);
		if (b->phase == PHASE_START) {
			snprintf(b->r.why, sizeof(b->r.why),
				 "qemu exited with status %d before the console opened",
				 WIFEXITED(b->status) ? WEXITSTATUS(b->status) : 128 + WTERMSIG(b->status));
			return finish(b, false);
		}
		enter(b, PHASE_OFF);
		return finish(b, false);
	}
	if (b->phase == PHASE_START) {
		/* QEMU is up, its console not heard from yet */
		if (now - b->t_start > t->start) {
			snprintf(b->r.why, sizeof(b->r.why), "no console output in %.0f s", t->start);
			return finish(b, true);
		}
		return 0;
	}
	c = proc_cpu(b->pid);
	if (c >= 0)
		b->cpu = c;
	/* the agent is done but the guest cannot power off, e.g. a loader died
	 * holding a device lock: stop waiting */
	if (b->phase == PHASE_SETTLE) {
		if (now - b->phase_wall > t->settle) {
			b->r.done_killed = true;
			return finish(b, true);
		}
		return 0;
	}
	if (t->idle > 0 && now - b->last_output > t->idle)
		return hang(b, "no console output in %s for %.0f s", t->idle);
	limit = board_phase_limit(t, b->phase);
	if (limit > 0 && b->cpu - b->r.phase_cpu[b->phase] > limit)
		return hang(b, "%s took more than %.0f QEMU CPU-s", limit);
	/* the wall-clock safety net, far above any CPU limit */
	if (limit > 0 && now - b->phase_wall > 10 * limit + 30)
		return hang(b, "%s took more than %.0f s of wall time", 10 * limit + 30);
	return 0;
}

static void qemu_result(struct board *b, struct board_result *r)
{
	*r = b->r;
}

static void qemu_abort(struct board *b)
{
	if (!b->over && b->pid > 0)
		finish(b, true);
}

static void qemu_destroy(struct board *b)
{
	if (!b)
		return;
	qemu_abort(b);
	free(b);
}

const struct board_ops qemu_board_ops = {
    .kind = "qemu",
    .create = qemu_create,
    .start = qemu_start,
    .fd = qemu_fd,
    .power_fd = qemu_power_fd,
    .input = qemu_input,
    .tick = qemu_tick,
    .result = qemu_result,
    .abort = qemu_abort,
    .destroy = qemu_destroy,
};
