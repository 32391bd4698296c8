/* SPDX-License-Identifier: MIT */
/*
 * sys.h - the agent's seam to the kernel.
 *
 * Every call that needs root or a real kernel goes through these
 * functions, so that the agent's core can run in unit tests without either.
 * agent/sys-linux.c implements them with the real syscalls for the board;
 * tests/unit/fake-sys.c implements them for tests: it logs every call with
 * thread and time, can make a named module fail or take a given time, and
 * gives a SOCK_SEQPACKET socket in place of /dev/kmsg.
 *
 * The seam is at link time (a set of functions, not an ops table) because
 * the agent is one static binary: nothing to choose at run time, and
 * nothing for LD_PRELOAD to hook.  All return 0 or a value, or -errno.
 */
#ifndef OOPSFARM_AGENT_SYS_H
#define OOPSFARM_AGENT_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* open(2); returns the fd or -errno. */
int sys_open(const char *path, int flags);

/* read(2) on an fd from sys_open()/sys_kmsg_open(); returns bytes or -errno. */
ssize_t sys_read(int fd, void *buf, size_t len);

/*
 * Reads a whole file into a malloc'd buffer with a NUL after the data
 * (files in /proc and /sys report size 0, so this reads until EOF).
 * Returns 0 or -errno; on success the caller frees *ret_buf.
 */
int sys_read_file(const char *path, char **ret_buf, size_t *ret_len);

/* Writes s to path (O_WRONLY, no O_CREAT: /proc/sys and debugfs files). */
int sys_write_file(const char *path, const char *s);

int sys_finit_module(int fd, const char *params, int flags);
int sys_init_module(const void *image, size_t len, const char *params);

int sys_mount(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data);

/* reboot(2) with RB_POWER_OFF, RB_AUTOBOOT or RB_HALT_SYSTEM. */
int sys_reboot(int cmd);

/* Opens /dev/kmsg for reading, non-blocking; returns the fd or -errno. */
int sys_kmsg_open(void);

/* fork(2); returns the pid, 0 in the child, or -errno. */
pid_t sys_fork(void);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t sys_now_us(void);
void sys_sleep_us(uint64_t us);

#endif
