// SPDX-License-Identifier: MIT
/*
 * replay.c - the replay board, for tests only: its console plays a recorded
 * console file ($OOPSFARM_REPLAY_CONSOLE) through a non-blocking pipe, in
 * odd-sized writes at each tick, and it powers off at the end of the file.
 *
 * It lets the farm loop, the console capture and the verdict of `oopsfarm
 * run` be tested on a known console, without QEMU or a kernel: the same
 * console must get the same verdict here as through `record` and `lava
 * ingest` (tests/t-verdict-paths.sh).  It boots no kernel (its board kind
 * has no recipe), so no build-id or stamp is expected.
 *
 * $OOPSFARM_REPLAY_CONSOLE may list several files separated by ':'; each
 * start of a board plays the next one, in turn, so a test sets the share
 * of boots that crash (tests/t-nightly.sh).  When it is unset, the boot's
 * kernel file holds that list instead (one line): a bisect's build command
 * writes it per commit, so the console depends on the commit booted
 * (tests/t-bisect.sh).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/board.h"
#include "util/text.h"
#include "util/file.h"

/* odd, so lines and protocol records are cut mid-way */
#define CHUNK 997

struct board {
	char *data; /* the recording */
	size_t len, sent;
	int rd, wr; /* the console pipe */
	int log_fd; /* the boot's raw console */
	bool over;
	unsigned starts; /* which file of the list plays next */
	struct board_result r;
};

static struct board *replay_create(int index, const char *board)
{
	struct board *b = calloc(1, sizeof(*b));

	if (b)
		b->rd = b->wr = b->log_fd = -1;
	return b;
}

static void replay_close(struct board *b)
{
	if (b->rd >= 0)
		close(b->rd);
	if (b->wr >= 0)
		close(b->wr);
	if (b->log_fd >= 0)
		close(b->log_fd);
	b->rd = b->wr = b->log_fd = -1;
	free(b->data);
	b->data = NULL;
}

static int replay_fail(struct board *b, int r, const char *what, const char *path)
{
	/* the path is the user's: formatted whole, cut with "..." only to fit why[] */
	char *why = text_format("replay: %s '%s': %s", what, path ? path : "", strerror(-r));

	text_copy_cut(b->r.why, sizeof(b->r.why), why ? why : what);
	free(why);
	replay_close(b);
	b->over = true;
	return r;
}

/* The k-th file of the ':'-separated list, a new string (NULL: no memory). */
static char *replay_pick(const char *list, unsigned k)
{
	unsigned n = 1;
	const char *p = list;

	for (const char *c = list; *c; c++)
		n += *c == ':';
	for (k %= n; k > 0; k--)
		p = strchr(p, ':') + 1;
	return strndup(p, strcspn(p, ":"));
}

static int replay_start(struct board *b, const struct board_boot *bb)
{
	const char *list = getenv("OOPSFARM_REPLAY_CONSOLE");
	char *klist = NULL, *path;
	bool listed;
	size_t klen;
	int p[2], r = 0;

	/* no list in the environment: the "kernel" file names the consoles (bisect's builds) */
	if ((!list || !list[0]) && bb->kernel && (klist = file_slurp(bb->kernel, &klen)))
		klist[strcspn(klist, "\n")] = '\0';
	if (klist)
		list = klist;
	listed = list && list[0];
	path = listed ? replay_pick(list, b->starts++) : NULL;
	free(klist); /* list is not used past here */

	replay_close(b);
	memset(&b->r, 0, sizeof(b->r));
	b->over = false;
	b->sent = 0;
	if (listed && !path)
		r = replay_fail(b, -ENOMEM, "cannot pick a console of OOPSFARM_REPLAY_CONSOLE", NULL);
	else if (!path || !path[0])
		r = replay_fail(b, -ENOENT, "OOPSFARM_REPLAY_CONSOLE is not set", NULL);
	else if (!(b->data = file_slurp(path, &b->len)))
		r = replay_fail(b, -errno, "cannot read", path);
	else if ((b->log_fd = open(bb->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		r = replay_fail(b, -errno, "cannot write", bb->log_path);
	else if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
		r = replay_fail(b, -errno, "cannot make a pipe for", path);
	free(path);
	if (r < 0)
		return r;
	b->rd = p[0];
	b->wr = p[1];
	b->r.started = true;
	b->r.phase = PHASE_KERNEL;
	return 0;
}

static int replay_fd(struct board *b)
{
	return b->over ? -1 : b->rd;
}

static int replay_power_fd(struct board *b)
{
	return -1;
}

/* Copies what the pipe holds to the log; the end of the pipe is power-off. */
static int replay_input(struct board *b)
{
	char buf[4096];
	ssize_t n;

	while (b->rd >= 0 && (n = read(b->rd, buf, sizeof(buf))) != 0) {
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (write(b->log_fd, buf, n) != n)
			return -EIO;
	}
	b->over = true;
	return 0;
}

static int replay_tick(struct board *b, double now)
{
	if (b->over)
		return 1;
	/* odd-sized writes until the pipe is full: the reader gets them cut
	 * anywhere, as a UART's bytes arrive */
	while (b->wr >= 0 && b->sent < b->len) {
		size_t n = b->len - b->sent < CHUNK ? b->len - b->sent : CHUNK;
		ssize_t w = write(b->wr, b->data + b->sent, n);

		if (w <= 0)
			break;
		b->sent += w;
	}
	if (b->wr >= 0 && b->sent == b->len) {
		close(b->wr);
		b->wr = -1;
	}
	return 0;
}

static void replay_result(struct board *b, struct board_result *r)
{
	if (b->r.started) {
		b->r.phase = PHASE_OFF;
		b->r.exit_code = 0; /* powered off at the end of the file */
	}
	*r = b->r;
	replay_close(b);
}

static void replay_abort(struct board *b)
{
	replay_close(b);
	b->over = true;
}

static void replay_destroy(struct board *b)
{
	if (!b)
		return;
	replay_close(b);
	free(b);
}

const struct board_ops replay_board_ops = {
    .kind = "replay",
    .create = replay_create,
    .start = replay_start,
    .fd = replay_fd,
    .power_fd = replay_power_fd,
    .input = replay_input,
    .tick = replay_tick,
    .result = replay_result,
    .abort = replay_abort,
    .destroy = replay_destroy,
};
