// SPDX-License-Identifier: MIT
/*
 * power-cmd.c - a power action as an external command: an argv, run
 * without a shell, with a time limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "power.h"

int power_cmd_run(char *const *argv, int out_fd, double timeout_s, char *err, size_t errsize)
{
	char line[512];
	int status, pidfd, ready[2];
	pid_t pid;

	board_argv_format(argv, line, sizeof(line));
	/* a close-on-exec pipe tells an exec failure from the command's own exit */
	if (pipe2(ready, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(ready[0]);
		close(ready[1]);
		snprintf(err, errsize, "cannot run '%s': %s", line, strerror(-r));
		return r;
	}
	if (pid == 0) {
		int e;

		close(ready[0]);
		if (out_fd >= 0) {
			dup2(out_fd, STDOUT_FILENO);
			dup2(out_fd, STDERR_FILENO);
		}
		setpgid(0, 0);
		execvp(argv[0], argv);
		e = errno;
		if (write(ready[1], &e, sizeof(e)) < 0)
			_exit(126);
		_exit(127);
	}
	close(ready[1]);
	{
		int e;

		if (read(ready[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
			close(ready[0]);
			waitpid(pid, &status, 0);
			snprintf(err, errsize, "cannot run '%s': %s", line, strerror(e));
			return -e;
		}
	}
	close(ready[0]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		int r;

		do
			r = poll(&p, 1, (int)(timeout_s * 1000));
		while (r < 0 && errno == EINTR);
		close(pidfd);
		if (r == 0) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(err, errsize, "'%s' took more than %.0f s, killed", line, timeout_s);
			return -ETIMEDOUT;
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(err, errsize, "'%s' exited with status %d", line, WEXITSTATUS(status));
	else
		snprintf(err, errsize, "'%s' was killed by signal %d", line, WTERMSIG(status));
	return -EIO;
}
