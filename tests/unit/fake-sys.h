/* SPDX-License-Identifier: MIT */
/*
 * fake-sys.h - the test double for agent/sys.h.
 *
 * Every call is logged with its pid, thread id, start and end time, in a
 * MAP_SHARED log so that calls made by a forked child (the agent's loader
 * and provoke processes) show up in the parent's log too.  Files are
 * served from an in-memory table (unknown paths are ENOENT, so the host's
 * own /proc never leaks into a test); module files are any path ending in
 * ".ko", opened as a memfd that holds the path, from which the fake
 * finit_module/init_module learn the module's name.  Modules can be told
 * to fail with an errno or to take a given time.  /dev/kmsg is whatever fd
 * the test gives (one end of a SOCK_SEQPACKET socketpair); a record that
 * reads "\x01EPIPE" makes sys_read() return -EPIPE instead, as the kernel
 * does after an overrun.
 */
#ifndef OOPSFARM_FAKE_SYS_H
#define OOPSFARM_FAKE_SYS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define FAKE_EPIPE_RECORD                                                                                    \
	"\x01"                                                                                               \
	"EPIPE"

struct fake_call {
	char op[16]; /* "finit_module", "init_module", "mount", "reboot", "write", "fork", "kmsg_open", "open"
		      */
	char arg[200];	  /* module name, path, "path=value", ... */
	char params[200]; /* finit_module/init_module: the parameters */
	pid_t pid;
	int tid;
	uint64_t start_us, end_us;
	int ret;
};

/* Clears the log, the files and the module settings. */
void fake_sys_reset(void);

/* Module name (canonical) fails with -err (0: succeeds) after delay_us. */
void fake_sys_module(const char *name, int err, uint32_t delay_us);

/* finit_module returns -ENOSYS for every module (exercises init_module). */
void fake_sys_no_finit(bool on);

/*
 * Whether finit_module(MODULE_INIT_COMPRESSED_FILE) decompresses (as a
 * kernel with CONFIG_MODULE_DECOMPRESS) or says EOPNOTSUPP (default).
 * Module files ending in .ko.xz, .ko.zst, .ko.gz are served compressed.
 */
void fake_sys_kernel_decompress(bool on);

/* Serves content at path (copied); NULL content removes it. */
void fake_sys_file(const char *path, const char *content);

/* The current content of a file of the table (sys_write_file updates it), or NULL. */
const char *fake_sys_file_get(const char *path);

/* The fd sys_kmsg_open() dups; -1: ENOENT. */
void fake_sys_kmsg(int fd);

int fake_sys_ncalls(void);
const struct fake_call *fake_sys_call(int i);

/* Index of the first call with op and arg (arg NULL: any), or -1. */
int fake_sys_find(const char *op, const char *arg);

/* How many calls of op overlapped in time at most. */
int fake_sys_max_overlap(const char *op);

/* Number of distinct threads that made calls of op. */
int fake_sys_threads(const char *op);

#endif
