// SPDX-License-Identifier: MIT
/* qemu.c - see qemu.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qemu.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

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

int qemu_boot(const struct qemu_opts *o, struct qemu_result *r)
{
	char dir[] = "/tmp/oopsfarm-qemu-XXXXXX", sock[128], chardev[4096], smp[16], mem[16];
	const char *argv[48];
	int argc = 0, fd = -1, status = 0;
	struct rusage ru = { 0 };
	double start = now(), last_cpu = 0, last_output, done_at = 0;
	char tail[256] = "";
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->exit_code = -1;
	if (!mkdtemp(dir)) {
		snprintf(r->error, sizeof(r->error), "cannot make a temporary directory: %s", strerror(errno));
		return -errno;
	}
	snprintf(sock, sizeof(sock), "%s/console", dir);
	snprintf(chardev, sizeof(chardev), "socket,id=ser0,path=%s,server=on,wait=on,logfile=%s", sock,
		 o->log_path);
	snprintf(smp, sizeof(smp), "%d", o->smp > 0 ? o->smp : 2);
	snprintf(mem, sizeof(mem), "%d", o->mem_mb > 0 ? o->mem_mb : 1024);
	argv[argc++] = o->qemu ? o->qemu : "qemu-system-aarch64";
	argv[argc++] = "-M";
	argv[argc++] = "virt,iommu=smmuv3";
	argv[argc++] = "-cpu";
	argv[argc++] = o->cpu ? o->cpu : "max,pauth-impdef=on";
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
	argv[argc++] = o->kernel;
	argv[argc++] = "-initrd";
	argv[argc++] = o->initrd;
	argv[argc++] = "-append";
	argv[argc++] = o->append;
	if (o->dtb) {
		argv[argc++] = "-dtb";
		argv[argc++] = o->dtb;
	}
	argv[argc++] = "-chardev";
	argv[argc++] = chardev;
	argv[argc++] = "-serial";
	argv[argc++] = "chardev:ser0";
	argv[argc] = NULL;

	pid = fork();
	if (pid < 0) {
		snprintf(r->error, sizeof(r->error), "fork: %s", strerror(errno));
		rmdir(dir);
		return -errno;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* QEMU never outlives the orchestrator */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		/* QEMU's own messages go next to the console log, for infra reasons */
		if (o->stderr_path) {
			int e = open(o->stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (e >= 0)
				dup2(e, STDERR_FILENO);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}

	/* the console socket appears once QEMU is up; it waits for us */
	while (now() - start < 20) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		if (waitpid(pid, &status, WNOHANG) == pid) {
			snprintf(r->error, sizeof(r->error), "qemu exited with status %d before the console opened",
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			unlink(sock);
			rmdir(dir);
			return -EIO;
		}
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
		usleep(20000);
	}
	if (fd < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(r->error, sizeof(r->error), "the console never opened");
		unlink(sock);
		rmdir(dir);
		return -ETIMEDOUT;
	}
	r->started = true;

	last_output = now();
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char buf[65536 + 256];
		size_t keep = strlen(tail);
		ssize_t n = 0;
		double c;

		/* keep reading: a full socket would stall the guest (logfile has it all) */
		if (poll(&pfd, 1, 100) > 0) {
			n = read(fd, buf + keep, sizeof(buf) - keep - 1);
			if (n <= 0) {
				/* console closed: QEMU is exiting */
				wait4(pid, &status, 0, &ru);
				break;
			}
			last_output = now();
			/* look for the marker across chunk boundaries */
			if (o->done_marker && done_at == 0) {
				memcpy(buf, tail, keep);
				buf[keep + n] = '\0';
				for (size_t i = 0; i < keep + (size_t)n; i++)
					if (buf[i] == '\0')
						buf[i] = ' ';
				if (strstr(buf, o->done_marker))
					done_at = now();
				keep += n;
				n = keep > 200 ? 200 : keep;
				memcpy(tail, buf + keep - n, n);
				tail[n] = '\0';
			}
		}
		/* the boot is over (the agent said so) but the guest cannot power
		 * off, e.g. a loader died holding a device lock: stop waiting */
		if (done_at > 0 && now() - done_at > o->done_grace_s) {
			r->done_killed = true;
			kill(pid, SIGKILL);
			wait4(pid, &status, 0, &ru);
			break;
		}
		if (o->idle_limit_s > 0 && done_at == 0 && now() - last_output > o->idle_limit_s) {
			r->hung = true;
			kill(pid, SIGKILL);
			wait4(pid, &status, 0, &ru);
			break;
		}
		if (wait4(pid, &status, WNOHANG, &ru) == pid)
			break;
		c = proc_cpu(pid);
		if (c >= 0)
			last_cpu = c;
		if ((o->cpu_limit_s > 0 && last_cpu > o->cpu_limit_s) ||
		    (o->cpu_limit_s > 0 && now() - start > 10 * o->cpu_limit_s + 30)) {
			r->hung = true;
			kill(pid, SIGKILL);
			wait4(pid, &status, 0, &ru);
			break;
		}
	}
	close(fd);
	/* the exact CPU time of the whole boot, from the kernel's accounting */
	r->cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
		   ru.ru_stime.tv_usec / 1e6;
	if (r->cpu_s < last_cpu)
		r->cpu_s = last_cpu;
	r->wall_s = now() - start;
	if (!r->hung && !r->done_killed && WIFEXITED(status))
		r->exit_code = WEXITSTATUS(status);
	unlink(sock);
	rmdir(dir);
	return 0;
}
