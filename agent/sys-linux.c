// SPDX-License-Identifier: MIT
/*
 * sys-linux.c - agent/sys.h on a real kernel.  Every function converts to
 * -errno right at the syscall.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "readfile.h"
#include "sys.h"

int sys_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	return n < 0 ? -errno : n;
}

int sys_read_file(const char *path, char **ret_buf, size_t *ret_len)
{
	return readfile(path, 0, ret_buf, ret_len);
}

int sys_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;
	size_t len = strlen(s);

	if (fd < 0)
		return -errno;
	/* One write: sysfs, procfs and debugfs take the value in one go. */
	if (write(fd, s, len) < 0)
		r = -errno;
	close(fd);
	return r;
}

int sys_finit_module(int fd, const char *params, int flags)
{
	return syscall(SYS_finit_module, fd, params, flags) < 0 ? -errno : 0;
}

int sys_init_module(const void *image, size_t len, const char *params)
{
	return syscall(SYS_init_module, image, len, params) < 0 ? -errno : 0;
}

int sys_mount(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data)
{
	return mount(src, target, fstype, flags, data) < 0 ? -errno : 0;
}

int sys_reboot(int cmd)
{
	return reboot(cmd) < 0 ? -errno : 0;
}

int sys_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

pid_t sys_fork(void)
{
	pid_t p = fork();

	return p < 0 ? -errno : p;
}

uint64_t sys_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void sys_sleep_us(uint64_t us)
{
	struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
