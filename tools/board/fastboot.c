// SPDX-License-Identifier: MIT
/*
 * fastboot.c - Debian's fastboot client with an argv and a limit per call
 * (fastboot.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board/fastboot.h"
#include "core/abctl.h"
#include "util/clock.h"
#include "util/text.h"

/* exec failure, told apart from the client's own exit codes */
#define EXIT_NOEXEC 127

static int fail(struct fastboot_dev *d, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct fastboot_dev *d, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	return err;
}

static bool port_ok(const char *p)
{
	char *end;
	errno = 0;
	long v = strtol(p, &end, 10);
	return *p >= '0' && *p <= '9' && !*end && !errno && v >= 1 && v <= 65535;
}

int fastboot_target_parse(const char *t)
{
	if (!t || !*t)
		return -EINVAL;
	int kind = -1;
	if (!strncmp(t, "udp:", 4))
		kind = FASTBOOT_UDP;
	else if (!strncmp(t, "tcp:", 4))
		kind = FASTBOOT_TCP;
	if (kind >= 0) {
		const char *host = t + 4, *colon = strchr(host, ':');
		size_t hl = colon ? (size_t)(colon - host) : strlen(host);
		if (hl == 0 || (colon && !port_ok(colon + 1)))
			return -EINVAL;
		for (size_t i = 0; i < hl; i++)
			if (host[i] <= ' ' || host[i] > '~')
				return -EINVAL;
		return kind;
	}
	for (const char *p = t; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == ':')
			return -EINVAL;
	return FASTBOOT_USB;
}

/* The last non-empty line of out that is not the client's timing line. */
static void last_line(const char *out, char *ret, size_t n)
{
	const char *best = NULL, *p = out;
	size_t bestlen = 0;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		while (l && (p[l - 1] == '\r' || p[l - 1] == ' '))
			l--;
		if (l && strncmp(p, "Finished. Total time", 20)) {
			best = p;
			bestlen = l;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (bestlen >= n)
		bestlen = n - 1;
	memcpy(ret, best ? best : "", bestlen);
	ret[bestlen] = 0;
}

int fastboot_run(struct fastboot_dev *d, const char *const *args, double limit_s, char **ret_out)
{
	const char *tool = d->tool ? d->tool : "fastboot";
	if (fastboot_target_parse(d->target) < 0)
		return fail(d, -EINVAL,
			    "bad fastboot target '%s' (a USB serial, udp:HOST[:PORT] or tcp:HOST[:PORT])",
			    d->target ? d->target : "");
	if (limit_s <= 0)
		limit_s = d->timeout_s > 0 ? d->timeout_s : 20;
	size_t n = 0;
	while (args[n])
		n++;
	const char **argv = calloc(n + 4, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	argv[0] = tool;
	argv[1] = "-s";
	argv[2] = d->target;
	memcpy(argv + 3, args, n * sizeof(*argv));

	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		free(argv);
		return -errno;
	}
	double t0 = clock_now();
	pid_t pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(pfd[0]);
		close(pfd[1]);
		free(argv);
		return r;
	}
	if (pid == 0) {
		setpgid(0, 0);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(tool, (char *const *)argv);
		_exit(EXIT_NOEXEC);
	}
	setpgid(pid, pid); /* either side may win the race; both set the same */
	close(pfd[1]);
	free(argv);

	char *out = NULL;
	size_t len = 0, cap = 0;
	text_append(&out, &len, &cap, "", 0);
	bool timed_out = false;
	for (;;) {
		double left = limit_s - (clock_now() - t0);
		if (left <= 0) {
			timed_out = true;
			break;
		}
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		int pr = poll(&p, 1, (int)(left * 1000) + 1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0)
			continue;
		char buf[4096];
		ssize_t k = read(pfd[0], buf, sizeof(buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* EOF: the client (and any child holding the pipe) is done */
		/* keep the last 64 KiB at most: a chatty client must not grow us */
		if (len > 65536) {
			memmove(out, out + len - 32768, 32768 + 1);
			len = 32768;
		}
		text_append(&out, &len, &cap, buf, k);
	}
	close(pfd[0]);
	/* EOF is not the end: a client that closed its output may still run,
	 * so its exit is awaited under the same limit */
	int status = 0;
	while (!timed_out) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (clock_now() - t0 >= limit_s)
			timed_out = true;
		else
			usleep(10000);
	}
	if (timed_out) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	d->last_s = clock_now() - t0;

	int r = 0;
	if (timed_out) {
		r = fail(d, -ETIMEDOUT, "no answer from fastboot device '%s' within %g s (fastboot %s)",
			 d->target, limit_s, args[0]);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_NOEXEC && (!out || !*out)) {
		r = fail(d, -ENOENT, "cannot run the fastboot client '%s'", tool);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char line[400];
		last_line(out ? out : "", line, sizeof(line));
		r = fail(d, -EIO, "fastboot %s on '%s' failed: %s", args[0], d->target,
			 *line ? line : "(no output)");
	}
	if (ret_out)
		*ret_out = out;
	else
		free(out);
	return r;
}

int fastboot_getvar(struct fastboot_dev *d, const char *name, char *ret, size_t n)
{
	const char *args[] = {"getvar", name, NULL};
	char *out = NULL;
	int r = fastboot_run(d, args, 0, &out);
	/* A getvar changes nothing, so a lost answer is asked again (seen over
	 * UDP on a loaded host: one call in several hundred); the first
	 * silence is counted in d->retries for the caller to show. */
	for (int i = 0; r == -ETIMEDOUT && i < 1; i++) {
		free(out);
		out = NULL;
		d->retries++;
		r = fastboot_run(d, args, 0, &out);
	}
	/* "getvar:NAME    FAILED (remote: 'Variable not implemented')", and
	 * the client (29.0.6) still exits 0 */
	if ((r == 0 || r == -EIO) && out && strstr(out, "FAILED (remote:")) {
		char line[400];
		last_line(out, line, sizeof(line));
		r = fail(d, -ENOENT, "the device has no variable '%s': %s", name, line);
	}
	if (r < 0) {
		free(out);
		return r;
	}
	/* the client prints "NAME: VALUE" */
	size_t nl = strlen(name);
	const char *p = out;
	r = fail(d, -EIO, "no '%s:' line in the answer of fastboot getvar", name);
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		if (l > nl + 1 && !strncmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = p + l - v;
			while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			if (vl >= n)
				vl = n - 1;
			memcpy(ret, v, vl);
			ret[vl] = 0;
			r = 0;
			break;
		}
		p = eol ? eol + 1 : NULL;
	}
	free(out);
	return r;
}

int fastboot_getvar_u64(struct fastboot_dev *d, const char *name, unsigned long long *ret)
{
	char v[128];
	int r = fastboot_getvar(d, name, v, sizeof(v));
	if (r < 0)
		return r;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 0);
	if (end == v || *end || errno || v[0] == '-')
		return fail(d, -EIO, "getvar %s: '%s' is not a number", name, v);
	*ret = x;
	return 0;
}

int fastboot_check(struct fastboot_dev *d, const char *product, const char *serialno)
{
	char got[256];
	int r = fastboot_getvar(d, "product", got, sizeof(got));
	if (r < 0)
		return r;
	if (product && strcmp(got, product))
		return fail(d, -ENXIO,
			    "fastboot device '%s' is product '%s', the board description says '%s'",
			    d->target, got, product);
	if (serialno && fastboot_target_parse(d->target) == FASTBOOT_USB) {
		r = fastboot_getvar(d, "serialno", got, sizeof(got));
		if (r < 0)
			return r;
		if (strcmp(got, serialno))
			return fail(d, -ENXIO,
				    "fastboot device '%s' has serialno '%s', the board description says '%s'",
				    d->target, got, serialno);
	}
	return 0;
}

/* The limit of a call that moves size bytes. */
static double size_limit(struct fastboot_dev *d, long long size)
{
	double base = d->timeout_s > 0 ? d->timeout_s : 20;
	double rate = d->flash_rate > 0 ? d->flash_rate : 0.2e6;
	return base + size / rate;
}

int fastboot_flash(struct fastboot_dev *d, const char *partition, const char *file)
{
	struct stat st;
	if (stat(file, &st) < 0 || !S_ISREG(st.st_mode))
		return fail(d, -ENOENT, "cannot read image '%s'", file);
	unsigned long long max, psize;
	int r = fastboot_getvar_u64(d, "max-download-size", &max);
	if (r < 0)
		return r;
	if ((unsigned long long)st.st_size > max)
		return fail(d, -EFBIG,
			    "image '%s' (%lld bytes) is larger than the device's max-download-size (%llu)",
			    file, (long long)st.st_size, max);
	char var[128];
	snprintf(var, sizeof(var), "partition-size:%s", partition);
	r = fastboot_getvar_u64(d, var, &psize);
	if (r == -ENOENT)
		return fail(d, -ENOENT, "fastboot device '%s' has no partition '%s'", d->target, partition);
	if (r < 0)
		return r;
	if ((unsigned long long)st.st_size > psize)
		return fail(d, -ENOSPC, "image '%s' (%lld bytes) is larger than partition '%s' (%llu)", file,
			    (long long)st.st_size, partition, psize);
	const char *args[] = {"flash", partition, file, NULL};
	return fastboot_run(d, args, size_limit(d, st.st_size), NULL);
}

int fastboot_flash_slot(struct fastboot_dev *d, const char *slot, const struct fastboot_image *imgs, size_t n)
{
	int s = abctl_slot_parse(slot);
	if (s < 0)
		return fail(d, -EINVAL, "bad slot '%s' (a or b)", slot);
	const char suffix = s ? 'b' : 'a';
	for (size_t i = 0; i < n; i++) {
		char part[128];
		snprintf(part, sizeof(part), "%s_%c", imgs[i].partition, suffix);
		int r = fastboot_flash(d, part, imgs[i].file);
		if (r < 0) {
			char why[sizeof(d->why)];
			snprintf(why, sizeof(why),
				 "slot %c not flashed (stopped at %.64s, %zu of %zu done): %.300s", suffix,
				 part, i, n, d->why);
			memcpy(d->why, why, sizeof(why));
			return r;
		}
	}
	return 0;
}

int fastboot_set_active(struct fastboot_dev *d, const char *slot)
{
	if (abctl_slot_parse(slot) < 0)
		return fail(d, -EINVAL, "bad slot '%s' (a or b)", slot);
	const char *args[] = {"set_active", slot[0] == '_' ? slot + 1 : slot, NULL};
	return fastboot_run(d, args, 0, NULL);
}

int fastboot_select_slot_misc(struct fastboot_dev *d, const char *slot, const char *dir)
{
	int s = abctl_slot_parse(slot);
	if (s < 0)
		return fail(d, -EINVAL, "bad slot '%s' (a or b)", slot);
	unsigned char misc[ABCTL_MISC_SIZE];
	abctl_misc_image(s, misc);
	char path[4096];
	snprintf(path, sizeof(path), "%s/misc-slot-%c.img", dir, "ab"[s]);
	FILE *f = fopen(path, "wb");
	if (!f)
		return fail(d, -errno, "cannot write '%s': %s", path, strerror(errno));
	size_t w = fwrite(misc, 1, sizeof(misc), f);
	if (fclose(f) != 0 || w != sizeof(misc))
		return fail(d, -EIO, "cannot write '%s'", path);
	return fastboot_flash(d, "misc", path);
}

int fastboot_boot(struct fastboot_dev *d, const char *file)
{
	struct stat st;
	if (stat(file, &st) < 0 || !S_ISREG(st.st_mode))
		return fail(d, -ENOENT, "cannot read image '%s'", file);
	unsigned long long max;
	int r = fastboot_getvar_u64(d, "max-download-size", &max);
	if (r < 0)
		return r;
	if ((unsigned long long)st.st_size > max)
		return fail(d, -EFBIG,
			    "image '%s' (%lld bytes) is larger than the device's max-download-size (%llu)",
			    file, (long long)st.st_size, max);
	const char *args[] = {"boot", file, NULL};
	return fastboot_run(d, args, size_limit(d, st.st_size), NULL);
}

int fastboot_continue(struct fastboot_dev *d)
{
	const char *args[] = {"continue", NULL};
	return fastboot_run(d, args, 0, NULL);
}

int fastboot_reboot(struct fastboot_dev *d)
{
	const char *args[] = {"reboot", NULL};
	return fastboot_run(d, args, 0, NULL);
}

const char *fastboot_strerror(int err)
{
	switch (err) {
	case -ETIMEDOUT:
		return "no answer";
	case -ENXIO:
		return "wrong device";
	case -ENOENT:
		return "not found";
	case -EFBIG:
		return "image larger than the download buffer";
	case -ENOSPC:
		return "image larger than the partition";
	case -EIO:
		return "device or client failed";
	case -EINVAL:
		return "bad argument";
	default:
		return strerror(-err);
	}
}
