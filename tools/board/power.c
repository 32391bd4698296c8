// SPDX-License-Identifier: MIT
/*
 * power.c - one power action of a described board, whatever the method,
 * and the state `oopsfarm power` keeps between calls (the last action, the
 * process holding a GPIO line).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "power.h"
#include "util/msg.h"

/* labgrid's SysfsGPIO gives a global number: find its chip and offset now */
static int gpio_resolve(const struct board_power *pw, struct board_power *copy, char *err, size_t errsize)
{
	const char *dir = getenv("OOPSFARM_SYSFS_GPIO") ? getenv("OOPSFARM_SYSFS_GPIO") : "/sys/class/gpio";
	int r;

	*copy = *pw;
	if (pw->chip || pw->sysfs_index < 0)
		return 0;
	r = board_gpio_sysfs_map(dir, pw->sysfs_index, &copy->chip, &copy->line);
	if (r < 0)
		snprintf(err, errsize, "sysfs GPIO %d: no chip under %s covers it", pw->sysfs_index, dir);
	return r;
}

static int gpio_switch(const struct board_desc *d, bool on, struct power_gpio **gpio, char *err,
		       size_t errsize)
{
	struct board_power pw;
	int r;

	if (*gpio)
		return power_gpio_set(*gpio, on, err, errsize);
	if ((r = gpio_resolve(&d->power, &pw, err, errsize)))
		return r;
	r = power_gpio_request(&pw, on, "oopsfarm", gpio, err, errsize);
	if (pw.chip != d->power.chip)
		free(pw.chip);
	return r;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};

	while (s > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* pdudaemon sleeps a delay before on and off too: a pduclient line's
 * --delay as given, else the description's for reboots only */
static int pdu_delay(const struct board_desc *d, const struct board_pdu *p)
{
	if (p->delay >= 0)
		return p->delay;
	return strcmp(p->command, "reboot") ? -1 : (int)(d->power.delay + 0.5);
}

static int run_steps(const struct board_desc *d, enum board_power_action a, int out_fd, char *err,
		     size_t errsize)
{
	char e[ERR_MAX];

	for (int i = 0; i < d->power.nsteps[a]; i++) {
		const struct board_step *s = &d->power.steps[a][i];
		int r;

		if (s->pdu)
			r = power_pdu_request(s->pdu, pdu_delay(d, s->pdu), e, sizeof(e));
		else
			r = power_cmd_run(s->argv, out_fd, POWER_TIMEOUT_S, e, sizeof(e));
		if (r < 0) {
			snprintf(err, errsize, "%s: power %s: %s", d->name, board_power_action_name(a), e);
			return r;
		}
	}
	return 0;
}

int board_power_switch(const struct board_desc *d, enum board_power_action a, struct power_gpio **gpio,
		       int out_fd, char *err, size_t errsize)
{
	char e[ERR_MAX];
	int r;

	switch (d->power.kind) {
	case POWER_CMD:
	case POWER_PDU:
		if (a != BOARD_RESET || d->power.nsteps[BOARD_RESET])
			return run_steps(d, a, out_fd, err, errsize);
		if ((r = run_steps(d, BOARD_OFF, out_fd, err, errsize)))
			return r;
		sleep_s(d->power.delay);
		return run_steps(d, BOARD_ON, out_fd, err, errsize);
	case POWER_GPIO:
		r = gpio_switch(d, a == BOARD_ON, gpio, e, sizeof(e));
		if (!r && a == BOARD_RESET) {
			sleep_s(d->power.delay);
			r = power_gpio_set(*gpio, true, e, sizeof(e));
		}
		if (r < 0)
			snprintf(err, errsize, "%s: power %s: %s", d->name, board_power_action_name(a), e);
		return r;
	case POWER_MANUAL: {
		/* the person is at the controlling terminal, not the farm's pipes */
		FILE *tty = fopen("/dev/tty", "r+");

		r = power_manual(d, a, tty ? tty : stdin, tty ? tty : stderr, err, errsize);
		if (tty)
			fclose(tty);
		return r;
	}
	case POWER_NONE:
		break;
	}
	snprintf(err, errsize, "%s: no power method described", d->name);
	return -ENOTSUP;
}

const char *power_state_dir(void)
{
	static char dir[512];

	if (getenv("OOPSFARM_STATE_DIR"))
		snprintf(dir, sizeof(dir), "%s", getenv("OOPSFARM_STATE_DIR"));
	else if (getenv("XDG_RUNTIME_DIR"))
		snprintf(dir, sizeof(dir), "%s/oopsfarm", getenv("XDG_RUNTIME_DIR"));
	else
		snprintf(dir, sizeof(dir), "/tmp/oopsfarm-%u", (unsigned)getuid());
	return dir;
}

static void state_path(const struct board_desc *d, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s.power", power_state_dir(), d->name);
}

int power_state_write(const struct board_desc *d, enum board_power_action a, int holder_pid, const char *what)
{
	char path[768], tmp[800];
	FILE *f;

	mkdir(power_state_dir(), 0700);
	state_path(d, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	/* "ACTION UNIXTIME HOLDER_PID WHAT" */
	fprintf(f, "%s %lld %d %s\n", a == BOARD_OFF ? "off" : "on", (long long)time(NULL), holder_pid,
		what ? what : "-");
	if (fclose(f) || rename(tmp, path))
		return -errno;
	return 0;
}

int power_state_read(const struct board_desc *d, char *buf, size_t size, int *ret_holder_pid)
{
	char path[768], line[512], action[8], what[400] = "";
	long long t;
	int pid = 0;
	time_t tt;
	FILE *f;

	state_path(d, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "%7s %lld %d %399[^\n]", action, &t, &pid, what) < 3) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	tt = (time_t)t;
	strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S UTC", gmtime(&tt));
	/* a holder that died released the line */
	if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH) {
		snprintf(buf, size, "%s since %s; the holder of %s (pid %d) is gone: the line is released",
			 action, line, what, pid);
		pid = 0;
	} else if (pid > 0) {
		snprintf(buf, size, "%s since %s; %s held by pid %d", action, line, what, pid);
	} else {
		snprintf(buf, size, "%s since %s (last switched by oopsfarm; the board itself is not asked)",
			 action, line);
	}
	if (ret_holder_pid)
		*ret_holder_pid = pid;
	return 0;
}

int power_unhold(const struct board_desc *d)
{
	char buf[512];
	int pid = 0;

	if (power_state_read(d, buf, sizeof(buf), &pid) < 0 || pid <= 0)
		return 0;
	if (kill(pid, SIGTERM) < 0)
		return errno == ESRCH ? 0 : -errno;
	/* the holder is not our child: wait until it is gone (it releases on SIGTERM) */
	for (int i = 0; i < 500 && kill(pid, 0) == 0; i++)
		usleep(10000);
	return kill(pid, 0) == 0 ? -EBUSY : 0;
}

static volatile sig_atomic_t holder_stop;
static void holder_signal(int sig)
{
	holder_stop = 1;
}

int power_hold_gpio(const struct board_desc *d, bool on, int *ret_pid, char *err, size_t errsize)
{
	int pipefd[2], r;
	char msg[512];
	ssize_t n;
	pid_t pid;

	if ((r = power_unhold(d)) < 0) {
		snprintf(err, errsize, "%s: the previous holder of its GPIO line does not stop", d->name);
		return r;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		struct power_gpio *g = NULL;
		sigset_t none;
		int null = open("/dev/null", O_RDWR);

		close(pipefd[0]);
		/* a daemon of its own: no terminal, no signals from the shell's group */
		setsid();
		signal(SIGTERM, holder_signal);
		signal(SIGINT, holder_signal);
		signal(SIGHUP, SIG_IGN);
		r = gpio_switch(d, on, &g, msg, sizeof(msg));
		if (r < 0) {
			if (write(pipefd[1], msg, strlen(msg)) < 0)
				_exit(2);
			_exit(1);
		}
		if (write(pipefd[1], "", 1) < 0)
			_exit(2);
		close(pipefd[1]);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		sigemptyset(&none);
		while (!holder_stop)
			sigsuspend(&none);
		power_gpio_release(g);
		_exit(0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, sizeof(msg) - 1);
	close(pipefd[0]);
	if (n == 1 && msg[0] == '\0') {
		*ret_pid = pid;
		return 0;
	}
	waitpid(pid, NULL, 0);
	msg[n > 0 ? n : 0] = '\0';
	snprintf(err, errsize, "%s: power %s: %s", d->name, on ? "on" : "off",
		 n > 0 ? msg : "the holder died");
	return -EIO;
}
