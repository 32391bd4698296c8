// SPDX-License-Identifier: MIT
/*
 * crashinit: a throwaway /init for the QEMU SMMUv3 board, used to check
 * the kernel recipe and to capture real crash consoles before the real
 * board agent exists.  Build:
 *
 *   aarch64-linux-gnu-gcc -static -O2 -Wall -o crashinit crashinit.c
 *
 * What it does, in order:
 *   1. mounts proc, sysfs, devtmpfs and debugfs;
 *   2. loads every module listed in /lib/modules/<release>/modules.load
 *      with finit_module(), one after the other (a second pass retries the
 *      ones that failed, in case the list is not in dependency order);
 *   3. if /proc/cmdline has crash=TYPE[,TYPE...], forks a child that writes
 *      each TYPE in turn to /sys/kernel/debug/provoke-crash/DIRECT (lkdtm).
 *      A child, because an oops kills the writing task, and some types
 *      (HUNG_TASK) never return; pid 1 must stay alive to power the
 *      machine off.  Several types: SPINLOCKUP only takes a lock and
 *      returns, the second SPINLOCKUP is the one that locks up;
 *   4. sleeps crashwait=SECONDS (default 5) and powers off.
 * Every step prints a "crashinit:" line with the uptime on the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_MODULES 512

static double uptime(void)
{
	double up = 0;
	FILE *f = fopen("/proc/uptime", "r");

	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = 0;
		fclose(f);
	}
	return up;
}

#define say(fmt, ...) \
	do { \
		printf("crashinit: [%8.3f] " fmt "\n", uptime(), ##__VA_ARGS__); \
		fflush(stdout); \
	} while (0)

static void do_mount(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		say("mount %s on %s: %s", type, dir, strerror(errno));
}

/* Reads the whole small file into buf; returns its length or -1. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, len = 0;

	if (fd < 0)
		return -1;
	while (len < (ssize_t)size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Value of KEY=value in the kernel command line, copied into out. */
static int cmdline_arg(const char *cmdline, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while ((p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " \n");

			if (n >= size)
				n = size - 1;
			memcpy(out, p + klen + 1, n);
			out[n] = '\0';
			return 1;
		}
		p += klen;
	}
	return 0;
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = (ret && errno != EEXIST) ? -errno : 0;
	close(fd);
	return ret;
}

static void load_modules(void)
{
	static char list[64 * 1024];
	char *mods[MAX_MODULES], path[512], dir[256];
	int err[MAX_MODULES];
	int n = 0, loaded = 0, pass, i;
	struct utsname u;
	char *line, *save;

	uname(&u);
	snprintf(dir, sizeof(dir), "/lib/modules/%s", u.release);
	snprintf(path, sizeof(path), "%s/modules.load", dir);
	if (read_file(path, list, sizeof(list)) < 0) {
		say("no %s: %s", path, strerror(errno));
		return;
	}
	for (line = strtok_r(list, "\n", &save); line && n < MAX_MODULES;
	     line = strtok_r(NULL, "\n", &save))
		if (*line && *line != '#')
			mods[n++] = line;

	for (i = 0; i < n; i++)
		err[i] = 1;	/* not tried yet */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if (err[i] == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, mods[i]);
			err[i] = load_module(path);
			if (err[i] == 0)
				loaded++;
			else if (pass == 1)
				say("module %s: %s", mods[i], strerror(-err[i]));
		}
	}
	say("loaded %d/%d modules", loaded, n);
}

static void provoke(char *types)
{
	const char *direct = "/sys/kernel/debug/provoke-crash/DIRECT";
	pid_t pid = fork();
	char *type, *save;

	if (pid < 0) {
		say("fork: %s", strerror(errno));
		return;
	}
	if (pid != 0)
		return;
	for (type = strtok_r(types, ",", &save); type; type = strtok_r(NULL, ",", &save)) {
		int fd = open(direct, O_WRONLY);

		if (fd < 0) {
			say("open %s: %s", direct, strerror(errno));
			_exit(1);
		}
		say("provoking %s", type);
		if (write(fd, type, strlen(type)) < 0)
			say("write %s: %s", type, strerror(errno));
		else
			say("%s returned", type);
		close(fd);
	}
	_exit(0);
}

int main(void)
{
	char cmdline[4096] = "", type[256], wait_s[16];
	int wait_secs = 5, i, status;

	do_mount("proc", "/proc", "proc");
	do_mount("sysfs", "/sys", "sysfs");
	do_mount("devtmpfs", "/dev", "devtmpfs");
	do_mount("debugfs", "/sys/kernel/debug", "debugfs");
	say("started");

	read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	if (cmdline_arg(cmdline, "crashwait", wait_s, sizeof(wait_s)))
		wait_secs = atoi(wait_s);

	load_modules();

	if (cmdline_arg(cmdline, "crash", type, sizeof(type)))
		provoke(type);

	/* Sleep in one-second steps, reaping the child if it comes back. */
	for (i = 0; i < wait_secs; i++) {
		sleep(1);
		while (waitpid(-1, &status, WNOHANG) > 0)
			;
	}
	say("powering off");
	sync();
	reboot(RB_POWER_OFF);
	say("reboot: %s", strerror(errno));
	for (;;)
		pause();
}
