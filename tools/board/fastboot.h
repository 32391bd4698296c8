/* SPDX-License-Identifier: MIT */
/*
 * fastboot.h - flashing and booting a board through its bootloader's
 * fastboot, by running Debian's `fastboot` client (android-tools 29.0.6).
 *
 * The client runs with an argv (never a shell) as
 *   TOOL -s TARGET ARGS...
 * in its own process group, with stdout and stderr captured together (the
 * client prints getvar answers on stderr), and with a timeout on every
 * call: the client waits forever when no device answers, so a call that
 * outlives its limit is killed (SIGKILL to the group) and returns
 * -ETIMEDOUT.
 *
 * TARGET is what `-s` takes: a USB serial number (a Pixel on the desk),
 * `udp:HOST[:PORT]` or `tcp:HOST[:PORT]` (a network fastboot such as
 * U-Boot's; the client's default port is 5554).
 *
 * Before anything is written, fastboot_check() compares `getvar product`
 * (and `getvar serialno` on USB, where a serial is given) with the board
 * description; a mismatch writes nothing.  fastboot_flash() also checks
 * the image against `getvar max-download-size` and
 * `getvar partition-size:NAME` before it sends a byte.
 *
 * Error numbers, the same for every call here:
 *   -ETIMEDOUT  no answer within the limit (not in fastboot mode, gone,
 *               hung mid-flash): infra
 *   -ENXIO      the device is not the board described (product/serialno)
 *   -ENOENT     the client is not installed; or (getvar, flash) the
 *               device has no such variable / partition
 *   -EFBIG      the image is larger than max-download-size
 *   -ENOSPC     the image is larger than the partition
 *   -EIO        the client or the device said FAILED (why[] says what)
 *   -EINVAL     a bad target, slot or argument (a description error)
 * Every failure leaves a one-line reason in why[] for messages; all
 * device-side failures are infra for the verdict (never a kernel failure).
 */
#ifndef OOPSFARM_FASTBOOT_H
#define OOPSFARM_FASTBOOT_H

#include <stddef.h>

enum fastboot_transport { FASTBOOT_USB, FASTBOOT_UDP, FASTBOOT_TCP };

/*
 * The transport of a -s target: udp:/tcp: with a non-empty host and an
 * optional port 1..65535, else a USB serial (printable, no blanks, no
 * ':').  Returns the transport or -EINVAL.
 */
int fastboot_target_parse(const char *target);

struct fastboot_dev {
	const char *tool;   /* the client (path or name on PATH); NULL: "fastboot" */
	const char *target; /* the -s argument */
	double timeout_s;   /* per call; <= 0: 20 s */
	double flash_rate;  /* flash/boot limit adds size / flash_rate s; <= 0: 0.2 MB/s */
	char why[512];	    /* the last failure, one line */
	double last_s;	    /* wall seconds of the last call */
	int retries;	    /* getvar calls asked again after no answer (they are, once) */
};

/*
 * Runs the client with args (NULL-terminated; -s TARGET is added in
 * front) under a limit of limit_s seconds (<= 0: d->timeout_s).  The
 * combined output is returned in *ret_out (malloc'd, NUL-terminated; the
 * caller frees it) when ret_out is not NULL, on success and on -EIO alike.
 * Returns 0 when the client exits 0, or -ETIMEDOUT, -ENOENT, -EIO,
 * -EINVAL (a bad target), -errno of fork/pipe.
 */
int fastboot_run(struct fastboot_dev *d, const char *const *args, double limit_s, char **ret_out);

/* `getvar NAME` into ret (up to n-1 bytes).  -ENOENT: the device answered
 * FAILED (no such variable).  A call without an answer is made once more
 * (d->retries counts it): a getvar changes nothing on the device. */
int fastboot_getvar(struct fastboot_dev *d, const char *name, char *ret, size_t n);

/* A getvar answer as a number (hex 0x.. or decimal), e.g. max-download-size. */
int fastboot_getvar_u64(struct fastboot_dev *d, const char *name, unsigned long long *ret);

/*
 * Checks that the device answers and is the board described: its product
 * equals product, and on USB its serialno equals serialno (when not
 * NULL).  0, -ENXIO (why: "product is 'x', the board description says
 * 'y'"), or the errors of fastboot_getvar().
 */
int fastboot_check(struct fastboot_dev *d, const char *product, const char *serialno);

/*
 * Writes file into partition (a full name such as "boot_a"): checks the
 * size against max-download-size and partition-size:PARTITION first.
 * -ENOENT also when the file cannot be read (why says which).
 */
int fastboot_flash(struct fastboot_dev *d, const char *partition, const char *file);

/* One image of a slot: the partition's name without suffix ("boot",
 * "vendor_boot", "dtbo") and the file. */
struct fastboot_image {
	const char *partition, *file;
};

/*
 * Flashes a variant's images into one slot ("a" or "b"): each into
 * PARTITION_SLOT, in order, each checked as fastboot_flash() does.  Stops
 * at the first failure and returns its error (why[] names the partition):
 * the slot then holds a mix and must be flashed again before it boots.
 */
int fastboot_flash_slot(struct fastboot_dev *d, const char *slot, const struct fastboot_image *imgs,
			size_t n);

/* `set_active SLOT` (slot "a" or "b"). */
int fastboot_set_active(struct fastboot_dev *d, const char *slot);

/*
 * Selects slot ("a" or "b") through the misc partition's bootloader
 * control block (core/abctl.h): builds the misc image in dir (a scratch
 * directory) and flashes it to "misc".  For bootloaders whose set_active
 * does nothing (U-Boot 2023.01) but that honour the block (ab_select).
 */
int fastboot_select_slot_misc(struct fastboot_dev *d, const char *slot, const char *dir);

/* `boot FILE`: RAM boot, nothing written (the limit grows with the size). */
int fastboot_boot(struct fastboot_dev *d, const char *file);

/* `continue` (leave fastboot, boot as usual) and `reboot`. */
int fastboot_continue(struct fastboot_dev *d);
int fastboot_reboot(struct fastboot_dev *d);

/* Text for the error numbers above ("no answer", "wrong device", ...). */
const char *fastboot_strerror(int err);

#endif
