// SPDX-License-Identifier: MIT
/*
 * fake-sys.c - agent/sys.h for unit tests, see fake-sys.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../agent/modfile.h"
#include "fake-sys.h"
#include "modset.h"
#include "../../agent/sys.h"

#define LOG_MAX	  4096
#define FILES_MAX 64
#define MODS_MAX  128

struct shared_log {
	int n;
	struct fake_call calls[LOG_MAX];
};

static struct shared_log *flog;
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *path, *content;
} files[FILES_MAX];
static struct {
	char name[64];
	int err;
	uint32_t delay_us;
} mods[MODS_MAX];
static int nmods;
static bool no_finit;
static bool kernel_decompress;
static int kmsg_fd = -1;

static struct shared_log *log_get(void)
{
	if (!flog) {
		/* Shared across fork(): children's calls land in the same log. */
		flog = mmap(NULL, sizeof(*flog), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (flog == MAP_FAILED)
			abort();
		flog->n = 0;
	}
	return flog;
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

static struct fake_call *log_start(const char *op, const char *arg)
{
	struct shared_log *l = log_get();
	int i = __atomic_fetch_add(&l->n, 1, __ATOMIC_SEQ_CST);
	struct fake_call *c;

	if (i >= LOG_MAX)
		return NULL;
	c = &l->calls[i];
	snprintf(c->op, sizeof(c->op), "%s", op);
	snprintf(c->arg, sizeof(c->arg), "%s", arg);
	c->params[0] = '\0';
	c->pid = getpid();
	c->tid = (int)syscall(SYS_gettid);
	c->start_us = sys_now_us();
	c->end_us = c->start_us;
	return c;
}

static int log_end(struct fake_call *c, int ret)
{
	if (c) {
		c->ret = ret;
		c->end_us = sys_now_us();
	}
	return ret;
}

void fake_sys_reset(void)
{
	pthread_mutex_lock(&fake_lock);
	log_get()->n = 0;
	for (int i = 0; i < FILES_MAX; i++) {
		free(files[i].path);
		free(files[i].content);
		files[i].path = files[i].content = NULL;
	}
	nmods = 0;
	no_finit = false;
	kernel_decompress = false;
	kmsg_fd = -1;
	pthread_mutex_unlock(&fake_lock);
}

void fake_sys_module(const char *name, int err, uint32_t delay_us)
{
	pthread_mutex_lock(&fake_lock);
	for (int i = 0; i < nmods; i++)
		if (!strcmp(mods[i].name, name)) {
			mods[i].err = err;
			mods[i].delay_us = delay_us;
			pthread_mutex_unlock(&fake_lock);
			return;
		}
	if (nmods < MODS_MAX) {
		snprintf(mods[nmods].name, sizeof(mods[0].name), "%s", name);
		mods[nmods].err = err;
		mods[nmods++].delay_us = delay_us;
	}
	pthread_mutex_unlock(&fake_lock);
}

void fake_sys_no_finit(bool on)
{
	no_finit = on;
}

void fake_sys_kernel_decompress(bool on)
{
	kernel_decompress = on;
}

static int file_find(const char *path)
{
	for (int i = 0; i < FILES_MAX; i++)
		if (files[i].path && !strcmp(files[i].path, path))
			return i;
	return -1;
}

static void file_set_locked(const char *path, const char *content)
{
	int i = file_find(path);

	if (i < 0) {
		if (!content)
			return;
		for (i = 0; i < FILES_MAX && files[i].path; i++)
			;
		if (i == FILES_MAX)
			abort();
		files[i].path = strdup(path);
	}
	free(files[i].content);
	files[i].content = content ? strdup(content) : NULL;
	if (!content) {
		free(files[i].path);
		files[i].path = NULL;
	}
}

void fake_sys_file(const char *path, const char *content)
{
	pthread_mutex_lock(&fake_lock);
	file_set_locked(path, content);
	pthread_mutex_unlock(&fake_lock);
}

const char *fake_sys_file_get(const char *path)
{
	int i = file_find(path);

	return i < 0 ? NULL : files[i].content;
}

void fake_sys_kmsg(int fd)
{
	kmsg_fd = fd;
}

int fake_sys_ncalls(void)
{
	int n = log_get()->n;

	return n > LOG_MAX ? LOG_MAX : n;
}

const struct fake_call *fake_sys_call(int i)
{
	return &log_get()->calls[i];
}

int fake_sys_find(const char *op, const char *arg)
{
	for (int i = 0; i < fake_sys_ncalls(); i++) {
		const struct fake_call *c = fake_sys_call(i);

		if (!strcmp(c->op, op) && (!arg || !strcmp(c->arg, arg)))
			return i;
	}
	return -1;
}

int fake_sys_max_overlap(const char *op)
{
	int best = 0;

	for (int i = 0; i < fake_sys_ncalls(); i++) {
		const struct fake_call *a = fake_sys_call(i);
		int n = 0;

		if (strcmp(a->op, op))
			continue;
		/* Calls running at the moment a started. */
		for (int j = 0; j < fake_sys_ncalls(); j++) {
			const struct fake_call *b = fake_sys_call(j);

			if (!strcmp(b->op, op) && b->start_us <= a->start_us && b->end_us > a->start_us)
				n++;
		}
		if (n > best)
			best = n;
	}
	return best;
}

int fake_sys_threads(const char *op)
{
	int tids[LOG_MAX], n = 0;

	for (int i = 0; i < fake_sys_ncalls(); i++) {
		const struct fake_call *c = fake_sys_call(i);
		bool seen = false;

		if (strcmp(c->op, op))
			continue;
		for (int k = 0; k < n; k++)
			seen |= tids[k] == c->tid;
		if (!seen)
			tids[n++] = c->tid;
	}
	return n;
}

/* ---- the sys.h implementation ---- */

static size_t has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

static int memfd_with(const char *name, const char *content)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (write(fd, content, strlen(content)) < 0) {
		close(fd);
		return -EIO;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* A memfd holding content compressed as a module file of that suffix would be. */
static int memfd_compressed(const char *content, enum modfile_comp c)
{
	size_t len = strlen(content), cap = len + 1024, out = 0;
	unsigned char *buf = malloc(cap);
	int fd = -ENOMEM;

	if (!buf)
		return -ENOMEM;
	if (c == MODFILE_XZ) {
		if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)content, len, buf,
					    &out, cap) != LZMA_OK)
			out = 0;
	} else if (c == MODFILE_ZSTD) {
		size_t r = ZSTD_compress(buf, cap, content, len, 3);

		out = ZSTD_isError(r) ? 0 : r;
	} else {
		z_stream z = {0};

		if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK) {
			z.next_in = (unsigned char *)content;
			z.avail_in = (uInt)len;
			z.next_out = buf;
			z.avail_out = (uInt)cap;
			if (deflate(&z, Z_FINISH) == Z_STREAM_END)
				out = z.total_out;
			deflateEnd(&z);
		}
	}
	if (out) {
		fd = memfd_create("module", MFD_CLOEXEC);
		if (fd < 0 || write(fd, buf, out) != (ssize_t)out) {
			if (fd >= 0)
				close(fd);
			fd = -EIO;
		} else {
			lseek(fd, 0, SEEK_SET);
		}
	}
	free(buf);
	return fd;
}

int sys_open(const char *path, int flags)
{
	struct fake_call *c = log_start("open", path);
	int i, r;

	pthread_mutex_lock(&fake_lock);
	i = file_find(path);
	if (i >= 0)
		r = memfd_with("file", files[i].content);
	else if (has_suffix(path, ".ko"))
		r = memfd_with("module", path); /* the fake module's "image" is its path */
	else if (has_suffix(path, ".ko.xz") || has_suffix(path, ".ko.zst") || has_suffix(path, ".ko.gz"))
		r = memfd_compressed(path, modfile_compression(path));
	else
		r = -ENOENT;
	pthread_mutex_unlock(&fake_lock);
	return log_end(c, r);
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	if (n < 0)
		return -errno;
	if ((size_t)n == sizeof(FAKE_EPIPE_RECORD) - 1 && !memcmp(buf, FAKE_EPIPE_RECORD, (size_t)n))
		return -EPIPE;
	return n;
}

int sys_read_file(const char *path, char **ret_buf, size_t *ret_len)
{
	int i, r = 0;

	pthread_mutex_lock(&fake_lock);
	i = file_find(path);
	if (i < 0) {
		r = -ENOENT;
	} else {
		char *b = strdup(files[i].content);

		if (!b) {
			r = -ENOMEM;
		} else {
			*ret_buf = b;
			if (ret_len)
				*ret_len = strlen(b);
		}
	}
	pthread_mutex_unlock(&fake_lock);
	return r;
}

int sys_write_file(const char *path, const char *s)
{
	char arg[200];
	struct fake_call *c;

	snprintf(arg, sizeof(arg), "%s=%s", path, s);
	c = log_start("write", arg);
	pthread_mutex_lock(&fake_lock);
	file_set_locked(path, s);
	pthread_mutex_unlock(&fake_lock);
	return log_end(c, 0);
}

/* The fake module's behaviour; name from its "image" (the path). */
static int module_call(const char *op, const char *image, size_t len, const char *params)
{
	char path[4096], name[256];
	struct fake_call *c;
	int err = 0;
	uint32_t delay = 0;

	snprintf(path, sizeof(path), "%.*s", (int)len, image);
	module_canonical(path, name, sizeof(name));
	c = log_start(op, name);
	if (c)
		snprintf(c->params, sizeof(c->params), "%s", params ? params : "");
	pthread_mutex_lock(&fake_lock);
	for (int i = 0; i < nmods; i++)
		if (!strcmp(mods[i].name, name)) {
			err = mods[i].err;
			delay = mods[i].delay_us;
		}
	pthread_mutex_unlock(&fake_lock);
	if (delay)
		sys_sleep_us(delay);
	return log_end(c, err ? -abs(err) : 0);
}

int sys_finit_module(int fd, const char *params, int flags)
{
	char image[4096];
	ssize_t n = pread(fd, image, sizeof(image), 0);

	if (n < 0)
		return -errno;
	if (flags & 4) { /* MODULE_INIT_COMPRESSED_FILE */
		void *img;
		size_t ilen;
		enum modfile_comp c = image[0] == '\xfd'   ? MODFILE_XZ
				      : image[0] == '\x28' ? MODFILE_ZSTD
							   : MODFILE_GZIP;
		int r;

		if (!kernel_decompress)
			return log_end(log_start("finit_compressed", "EOPNOTSUPP"), -EOPNOTSUPP);
		if (modfile_decompress(c, image, (size_t)n, &img, &ilen) < 0)
			return log_end(log_start("finit_compressed", "EBADMSG"), -EBADMSG);
		r = module_call("finit_module", (const char *)img, ilen, params);
		free(img);
		return r;
	}
	if (no_finit) {
		char path[4096], name[256];

		snprintf(path, sizeof(path), "%.*s", (int)n, image);
		module_canonical(path, name, sizeof(name));
		return log_end(log_start("finit_module", name), -ENOSYS);
	}
	return module_call("finit_module", image, (size_t)n, params);
}

int sys_init_module(const void *image, size_t len, const char *params)
{
	return module_call("init_module", image, len, params);
}

int sys_mount(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data)
{
	char arg[200];

	snprintf(arg, sizeof(arg), "%s:%s", fstype ? fstype : "", target);
	return log_end(log_start("mount", arg), 0);
}

int sys_reboot(int cmd)
{
	char arg[32];

	snprintf(arg, sizeof(arg), "%#x", (unsigned)cmd);
	return log_end(log_start("reboot", arg), 0);
}

int sys_kmsg_open(void)
{
	struct fake_call *c = log_start("kmsg_open", "/dev/kmsg");
	int r = kmsg_fd < 0 ? -ENOENT : dup(kmsg_fd);

	if (r >= 0)
		fcntl(r, F_SETFL, O_NONBLOCK);
	return log_end(c, r < 0 && kmsg_fd >= 0 ? -errno : r);
}

pid_t sys_fork(void)
{
	pid_t p;

	fflush(NULL);
	p = fork();
	if (p > 0)
		log_end(log_start("fork", ""), (int)p);
	return p < 0 ? -errno : p;
}
