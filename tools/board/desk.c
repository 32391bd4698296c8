// SPDX-License-Identifier: MIT
/*
 * desk.c - the desk board kind's ops (desk.h): a real board's console and
 * power, the same phases and limits as the QEMU kind, wall time instead of
 * the board's CPU time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/console.h"
#include "board/desk.h"
#include "board/fastboot.h"
#include "board/power.h"
#include "core/bootimg.h"
#include "util/file.h"
#include "util/msg.h"

struct board {
	struct board_desc *d;
	int index;
	struct console *con;
	struct power_gpio *gpio;
	const struct board_boot *bb;
	int log_fd, err_fd;
	bool over, powered;
	double t_start, phase_wall, last_output, sysrq_until;
	enum board_phase phase;
	struct board_scan scan;
	struct board_result r;
	/* the flasher (desk.h): the fastboot client's target and state */
	struct fastboot_dev fb;
	char target[300];
};

static struct board *desk_create(int index, const char *board)
{
	char path[4096], err[1024];
	struct board *b;

	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	/* campaign_load() read it (board_kind_find()): failing now, it changed under us */
	if (board_desc_find(board, path, sizeof(path), err, sizeof(err)) < 0 ||
	    board_desc_load(path, &b->d, err, sizeof(err)) < 0) {
		fprintf(stderr, "oopsfarm: %s\n", err);
		free(b);
		return NULL;
	}
	if (desk_flashes(b->d)) {
		const struct board_flash *fl = &b->d->flash;

		if (fl->kind == FLASH_FASTBOOT_USB)
			snprintf(b->target, sizeof(b->target), "%s", fl->serial);
		else
			snprintf(b->target, sizeof(b->target), "%s:%s:%d", fl->protocol, fl->host, fl->port);
		b->fb.tool = getenv("OOPSFARM_FASTBOOT");
		b->fb.target = b->target;
	}
	b->index = index;
	b->log_fd = b->err_fd = -1;
	b->over = true;
	return b;
}

static void enter(struct board *b, enum board_phase p, double now)
{
	/* phase_cpu holds wall seconds since power-on: a real board's own time */
	for (enum board_phase q = b->phase + 1; q <= p; q++)
		b->r.phase_cpu[q] = now - b->t_start;
	b->phase = p;
	b->phase_wall = now;
}

static void power_off(struct board *b)
{
	char err[ERR_MAX];

	if (!b->powered)
		return;
	b->powered = false;
	if (board_power_switch(b->d, BOARD_OFF, &b->gpio, b->err_fd, err, sizeof(err)) < 0 && b->err_fd >= 0)
		dprintf(b->err_fd, "oopsfarm: %s\n", err);
}

static int finish(struct board *b, double now)
{
	power_off(b);
	if (b->log_fd >= 0)
		close(b->log_fd);
	if (b->err_fd >= 0)
		close(b->err_fd);
	b->log_fd = b->err_fd = -1;
	b->r.wall_s = now - b->t_start;
	b->r.cpu_s = 0; /* a real board's CPU time is its own */
	b->r.phase = b->phase;
	b->over = true;
	return 1;
}

static int fail_start(struct board *b, const char *fmt, const char *msg)
{
	snprintf(b->r.why, sizeof(b->r.why), fmt, msg);
	if (b->err_fd >= 0)
		dprintf(b->err_fd, "oopsfarm: %s\n", b->r.why);
	finish(b, board_now());
	return -EIO;
}

bool desk_flashes(const struct board_desc *d)
{
	return d->flash.kind != FLASH_NONE && d->flash.product;
}

/* The variant's boot.img from the boot's kernel, initramfs and command
 * line, into work_dir/fastboot/<variant>.boot.img.  0, or -errno with why. */
static int boot_image(struct board *b, char *path, size_t size, char *why, size_t n)
{
	const struct board_flash *fl = &b->d->flash;
	const struct board_boot *bb = b->bb;
	size_t klen = 0, rlen = 0, isize = 0;
	char *kernel = NULL, *ramdisk = NULL, dir[1100];
	void *img = NULL;
	int r;

	if (!bb->kernel || !bb->kernel[0] || !bb->work_dir) {
		snprintf(why, n,
			 "flash: no kernel was built for variant '%s' (the description's flash.recipe builds "
			 "them)",
			 bb->variant ? bb->variant : "?");
		return -EINVAL;
	}
	snprintf(dir, sizeof(dir), "%s/fastboot", bb->work_dir);
	snprintf(path, size, "%s/%s.boot.img", dir, bb->variant);
	kernel = file_slurp(bb->kernel, &klen);
	if (!kernel || (bb->initrd && !(ramdisk = file_slurp(bb->initrd, &rlen)))) {
		r = -errno;
		snprintf(why, n, "flash: cannot read '%s': %s", kernel ? bb->initrd : bb->kernel,
			 strerror(errno));
		goto out;
	}
	r = bootimg_boot_build(
	    &(struct bootimg_boot){
		.header_version = fl->header_version,
		.page_size = fl->page_size,
		.kernel = {kernel, klen},
		.ramdisk = {ramdisk, rlen},
		.cmdline = bb->append,
		.base = fl->base,
		.kernel_offset = fl->kernel_offset,
	    },
	    &img, &isize);
	if (r < 0) {
		snprintf(why, n, "flash: cannot build a v%u boot.img of variant '%s': %s", fl->header_version,
			 bb->variant, strerror(-r));
		goto out;
	}
	if ((r = file_mkdir_p(dir)) < 0 || (r = file_write_atomic(path, img, isize)) < 0)
		snprintf(why, n, "flash: cannot write '%s': %s", path, strerror(-r));
out:
	free(kernel);
	free(ramdisk);
	free(img);
	return r;
}

/* The device answers fastboot and is the board described, within flash.wait. */
static int fb_wait(struct board *b)
{
	const struct board_flash *fl = &b->d->flash;
	double t0 = board_now();
	int r;

	/* the client waits for a device that is not there yet; a getvar
	 * without an answer is asked once more (fastboot.h): half each */
	b->fb.timeout_s = fl->wait_s / 2;
	r = fastboot_check(&b->fb, fl->product, fl->serialno ? fl->serialno : fl->serial);
	b->fb.timeout_s = 0;
	if (r == -ETIMEDOUT)
		snprintf(b->fb.why, sizeof(b->fb.why),
			 "fastboot device '%s' did not answer within %.0f s of power-on", b->target,
			 board_now() - t0);
	return r;
}

/* Says what the flasher does, in the boot's stderr (shown with an infra error). */
static void note(struct board *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct board *b, const char *fmt, ...)
{
	va_list ap;

	if (b->err_fd < 0)
		return;
	va_start(ap, fmt);
	dprintf(b->err_fd, "oopsfarm: ");
	vdprintf(b->err_fd, fmt, ap);
	dprintf(b->err_fd, "\n");
	va_end(ap);
}

/*
 * After power-on: the device checked, then the variant booted by the
 * description's method.  A/B: the variant's slot (index 0 a, 1 b) is
 * flashed unless the ledger says it holds the variant's build-id, then
 * selected, then `continue`.  0, or -errno with b->fb.why (infra).
 */
static int flash_and_boot(struct board *b)
{
	const struct board_flash *fl = &b->d->flash;
	const struct board_boot *bb = b->bb;
	const struct board_ledger *lg = bb->ledger;
	struct board_slot_state st = {0};
	char img[1200], slot[2] = {0};
	int r;

	if ((r = fb_wait(b)) < 0)
		return r;
	if (fl->method == FLASH_RAM) {
		snprintf(b->r.method, sizeof(b->r.method), "ram");
		if ((r = boot_image(b, img, sizeof(img), b->fb.why, sizeof(b->fb.why))) < 0)
			return r;
		note(b, "fastboot boot %s (RAM)", img);
		return fastboot_boot(&b->fb, img);
	}
	snprintf(b->r.method, sizeof(b->r.method), "slots");
	if (bb->variant_index > 1) {
		snprintf(b->fb.why, sizeof(b->fb.why),
			 "flash: A/B slots hold two variants, '%s' is the campaign's variant %d", bb->variant,
			 bb->variant_index + 1);
		return -EINVAL;
	}
	slot[0] = "ab"[bb->variant_index];
	snprintf(b->r.slot, sizeof(b->r.slot), "%s", slot);
	if (lg && (r = lg->get(lg->ctx, b->r.ledger_board, slot, &st)) < 0 && r != -ENOENT) {
		snprintf(b->fb.why, sizeof(b->fb.why), "flash: cannot read the slot ledger: %s",
			 strerror(-r));
		return r;
	}
	/* a slot that booted the wrong kernel again after its reflash: stop flashing it */
	if (!strcmp(st.state, "wrong") && st.mismatches >= 2) {
		snprintf(b->fb.why, sizeof(b->fb.why),
			 "flash: slot %s booted another build-id than the one flashed, %d times: not "
			 "flashing it again",
			 slot, st.mismatches);
		return -EIO;
	}
	if (!lg || strcmp(st.state, "ok") || strcmp(st.build_id, bb->build_id) || !bb->build_id[0]) {
		struct fastboot_image im = {"boot", img};

		if ((r = boot_image(b, img, sizeof(img), b->fb.why, sizeof(b->fb.why))) < 0)
			return r;
		note(b, "flashing variant '%s' (build-id %s) into slot %s; the ledger said: %s %s",
		     bb->variant, bb->build_id, slot, st.state[0] ? st.state : "nothing", st.build_id);
		/* "flashing" first: a run killed in the flash leaves no "ok" behind */
		if (lg && (r = lg->set(lg->ctx, b->r.ledger_board, slot, bb->variant, bb->build_id,
				       "flashing")) < 0) {
			snprintf(b->fb.why, sizeof(b->fb.why), "flash: cannot write the slot ledger: %s",
				 strerror(-r));
			return r;
		}
		r = fastboot_flash_slot(&b->fb, slot, &im, 1);
		if (lg)
			lg->set(lg->ctx, b->r.ledger_board, slot, bb->variant, bb->build_id,
				r < 0 ? "failed" : "ok");
		if (r < 0)
			return r;
	}
	r = fl->select == FLASH_SELECT_MISC ? fastboot_select_slot_misc(&b->fb, slot, bb->work_dir)
					    : fastboot_set_active(&b->fb, slot);
	if (r < 0)
		return r;
	return fastboot_continue(&b->fb);
}

static int desk_start(struct board *b, const struct board_boot *bb)
{
	char err[ERR_MAX];

	memset(&b->r, 0, sizeof(b->r));
	snprintf(b->r.ledger_board, sizeof(b->r.ledger_board), "%s", b->d->name);
	for (int p = 0; p < NPHASES; p++)
		b->r.phase_cpu[p] = -1;
	b->r.phase_cpu[PHASE_START] = 0;
	b->r.exit_code = -1;
	b->bb = bb;
	b->over = false;
	b->phase = PHASE_START;
	board_scan_reset(&b->scan);
	b->sysrq_until = 0;
	b->t_start = b->phase_wall = b->last_output = board_now();
	b->err_fd =
	    bb->stderr_path ? open(bb->stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
	b->log_fd = open(bb->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (b->log_fd < 0)
		return fail_start(b, "cannot write the console log: %s", strerror(errno));
	/* the console is open before power returns, and stays open between boots */
	if (!b->con && console_open(&b->d->console, &b->con, err, sizeof(err)) < 0)
		return fail_start(b, "console: %s", err);
	console_tick(b->con);
	if (console_gone(b->con))
		return fail_start(b, "console: %s", "the console went away and has not come back");
	/* whatever arrived before power-on belongs to no boot */
	console_discard(b->con);
	b->powered = true;
	if (board_power_switch(b->d, BOARD_ON, &b->gpio, b->err_fd, err, sizeof(err)) < 0)
		return fail_start(b, "%s", err);
	/* the console is read once start returns: a bootloader's few lines
	 * wait in the tty's buffer meanwhile */
	if (desk_flashes(b->d) && flash_and_boot(b) < 0)
		return fail_start(b, "%s", b->fb.why);
	b->phase_wall = board_now();
	return 0;
}

static int desk_fd(struct board *b)
{
	return b->con && !b->over ? console_fd(b->con) : -1;
}

static int desk_power_fd(struct board *b)
{
	return -1;
}

/* Moves the phase on; the kernel's last words start the settle time. */
static void scan(struct board *b, const char *data, size_t n, double now)
{
	bool ended = b->scan.last_words >= 0;
	enum board_phase p = board_scan_feed(&b->scan, b->phase, data, n);

	if (p != b->phase)
		enter(b, p, now);
	if (!ended && b->scan.last_words >= 0)
		b->phase_wall = now;
}

static int desk_input(struct board *b)
{
	char buf[4096];
	ssize_t n;

	if (b->over)
		return 1;
	while ((n = console_read(b->con, buf, sizeof(buf))) > 0) {
		double now = board_now();

		if (write(b->log_fd, buf, n) != n) {
			snprintf(b->r.why, sizeof(b->r.why), "cannot write the console log: %s",
				 strerror(errno));
			return finish(b, now);
		}
		b->last_output = now;
		if (b->phase == PHASE_START) {
			b->r.started = true;
			enter(b, PHASE_KERNEL, now);
		}
		scan(b, buf, n, now);
	}
	return 0;
}

/* A phase limit fired: ask the kernel for its task dumps, then give up. */
static int hang(struct board *b, double now, const char *fmt, double v)
{
	char what[160];
	int r;

	b->r.hung = true;
	snprintf(what, sizeof(what), fmt, board_phase_name(b->phase), v);
	r = console_sysrq(b->con, "wt");
	snprintf(b->r.why, sizeof(b->r.why), "%s; SysRq w,t %s", what,
		 r == 0		    ? "sent"
		 : r == -EOPNOTSUPP ? "not sent (a raw TCP console has no break)"
				    : "not sent (the console is gone)");
	if (r < 0)
		return finish(b, now);
	b->sysrq_until = now + SYSRQ_WAIT;
	return 0;
}

static int desk_tick(struct board *b, double now)
{
	const struct campaign_timeouts *t = &b->bb->limits;
	double limit = 0;

	if (b->over)
		return 1;
	if (console_tick(b->con) == 1 && b->err_fd >= 0)
		dprintf(b->err_fd, "oopsfarm: the console came back and was reopened\n");
	desk_input(b);
	if (b->over)
		return 1;
	if (b->sysrq_until) {
		/* the dump is landing in the log */
		return now >= b->sysrq_until ? finish(b, now) : 0;
	}
	if (b->phase == PHASE_START) {
		if (now - b->phase_wall > t->start) {
			snprintf(b->r.why, sizeof(b->r.why), "no console output in %.0f s after power-on",
				 t->start);
			return finish(b, now);
		}
		return 0;
	}
	/* the agent's END, or the kernel's last words: what follows is trailing output */
	if (b->phase == PHASE_SETTLE || b->scan.last_words >= 0) {
		if (now - b->phase_wall > t->settle) {
			b->r.exit_code = b->scan.last_words > 0 ? 1 : 0;
			if (b->phase == PHASE_SETTLE)
				enter(b, PHASE_OFF, now);
			return finish(b, now);
		}
		return 0;
	}
	if (t->idle > 0 && now - b->last_output > t->idle)
		return hang(b, now, "no console output in %s for %.0f s", t->idle);
	limit = board_phase_limit(t, b->phase);
	if (limit > 0 && now - b->phase_wall > limit)
		return hang(b, now, "%s took more than %.0f s", limit);
	return 0;
}

static void desk_result(struct board *b, struct board_result *r)
{
	*r = b->r;
}

static void desk_abort(struct board *b)
{
	if (!b->over)
		finish(b, board_now());
}

static void desk_destroy(struct board *b)
{
	if (!b)
		return;
	desk_abort(b);
	/* released only now: between boots the request holds the relay off */
	power_gpio_release(b->gpio);
	console_close(b->con);
	board_desc_free(b->d);
	free(b);
}

const struct board_ops desk_board_ops = {
    .kind = "desk",
    .create = desk_create,
    .start = desk_start,
    .fd = desk_fd,
    .power_fd = desk_power_fd,
    .input = desk_input,
    .tick = desk_tick,
    .result = desk_result,
    .abort = desk_abort,
    .destroy = desk_destroy,
};
