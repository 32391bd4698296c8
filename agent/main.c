// SPDX-License-Identifier: MIT
/*
 * oopsfarm-agent: the board side of oopsfarm.
 *
 * As PID 1 (the /init of an oopsfarm initramfs) it mounts proc, sysfs,
 * devtmpfs and debugfs, runs one boot (agent/agent.h), and ends with the
 * configured action: poweroff, reboot or halt.  PID 1 must never exit (the
 * kernel panics when it does), so when the action fails or is "none" it
 * stays, reaping children, forever.
 *
 * Under another init (Android init, systemd), or with --service, it is a
 * service: no mounts, protocol lines on stdout (or oopsfarm.console), and
 * it exits 0 when the boot passed, 1 when it failed, 3 when it could not
 * do its job; an action other than "none" is still honoured.
 *
 * Settings: /etc/oopsfarm.conf, then /proc/cmdline (oopsfarm.KEY=VALUE);
 * in service mode also KEY=VALUE arguments, which win.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "config.h"
#include "sys.h"

static int console_write(const void *buf, size_t len, void *userdata)
{
	int fd = *(int *)userdata;
	const char *p = buf;

	/* One write() per line; loop only if the tty took part of it. */
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void pid1_setup(void)
{
	static const struct {
		const char *src, *target, *type;
	} mounts[] = {
	    {"proc", "/proc", "proc"},
	    {"sysfs", "/sys", "sysfs"},
	    {"devtmpfs", "/dev", "devtmpfs"},
	    {"debugfs", "/sys/kernel/debug", "debugfs"},
	};
	int fd;

	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		mkdir(mounts[i].target, 0755);
		/* EBUSY: mounted already (devtmpfs automount); fine. */
		sys_mount(mounts[i].src, mounts[i].target, mounts[i].type, MS_NOSUID | MS_NOEXEC, NULL);
	}
	/* The kernel opened /dev/console for us if the initramfs had it; make sure. */
	fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	/* Keyboard Ctrl-Alt-Del and friends must not kill the board's PID 1. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
}

static void config_load(struct agent_config *cfg, bool service, int argc, char **argv)
{
	char *buf;

	config_defaults(cfg, service);
	if (sys_read_file("/etc/oopsfarm.conf", &buf, NULL) == 0) {
		config_parse_file(cfg, buf);
		free(buf);
	}
	if (sys_read_file("/proc/cmdline", &buf, NULL) == 0) {
		config_parse_cmdline(cfg, buf);
		free(buf);
	}
	for (int i = 1; service && i < argc; i++) {
		char *a = argv[i], *eq;

		if (!strncmp(a, "oopsfarm.", 9))
			a += 9;
		eq = strchr(a, '=');
		if (!eq || a[0] == '-')
			continue;
		*eq = '\0';
		config_set(cfg, a, eq + 1);
		*eq = '=';
	}
}

static void final_action(enum end_action a)
{
	static const int cmds[] = {RB_POWER_OFF, RB_AUTOBOOT, RB_HALT_SYSTEM};

	if (a == ACTION_NONE)
		return;
	sync();
	sys_reboot(cmds[a]);
}

int main(int argc, char **argv)
{
	bool pid1 = getpid() == 1, service = !pid1;
	struct agent_config cfg;
	enum agent_verdict v;
	int fd = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--service"))
			service = true;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf(
			    "usage: oopsfarm-agent [--service] [KEY=VALUE...]\n"
			    "As /init: PID-1 mode. Settings: /etc/oopsfarm.conf, oopsfarm.KEY=VALUE\n"
			    "on the kernel command line, arguments (service mode). See doc/protocol.md.\n");
			return 0;
		}
	}
	if (pid1)
		pid1_setup();
	config_load(&cfg, service, argc, argv);
	if (cfg.console[0]) {
		int c = open(cfg.console, O_WRONLY | O_NOCTTY | O_CLOEXEC);

		if (c >= 0)
			fd = c;
	}
	v = agent_run(&cfg, console_write, &fd);
	final_action(cfg.action);
	if (!pid1)
		return v == VERDICT_PASS ? 0 : v == VERDICT_FAIL ? 1 : 3;
	/* PID 1 must not exit: stay and reap whatever ends. */
	for (;;) {
		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			pause();
	}
}
