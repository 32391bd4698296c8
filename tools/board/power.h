/* SPDX-License-Identifier: MIT */
/*
 * power.h - switching a described board's power (board-desc.h), one
 * backend per file:
 *   power-cmd.c     an argv per action, run without a shell (uhubctl,
 *                   usbrelay, a lab script); success is its exit status 0;
 *   power-pdu.c     pdudaemon, over its TCP listener (what pduclient
 *                   speaks) or its HTTP listener;
 *   power-gpiod.c   a relay on a GPIO line, libgpiod v1 (Debian 12's 1.6);
 *   power-manual.c  a person at the terminal, asked and waited for.
 *
 * pdudaemon answers once it has queued (or, for a reboot, waited out) a
 * request, whatever the PDU then did: a 0 from a pdudaemon step means
 * "accepted", never "the board is on".  Whether a board came up is the
 * console's to say.
 *
 * A GPIO relay keeps its level only while the line request is held.  The
 * farm holds it in its own process (struct power_gpio) for as long as the
 * board should be on; `oopsfarm power` hands it to a holder process
 * (power_hold_gpio()) that outlives the command, and records who holds what
 * in a state file (power_state_*).
 *
 * All functions return 0 or -errno and put a message naming the board, the
 * action and the cause in err (errsize bytes); they print nothing, except
 * power_manual(), whose job is to ask.
 */
#ifndef OOPSFARM_BOARD_POWER_H
#define OOPSFARM_BOARD_POWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "board-desc.h"

/* Longest a power command or a pdudaemon request may take, seconds. */
#define POWER_TIMEOUT_S 60

/*
 * Runs argv (argv[0] found on PATH) and waits for it, at most timeout_s
 * seconds.  Its stdout and stderr go to out_fd (-1: inherited).  0 when it
 * exited 0; -ENOENT it cannot be run; -EIO it exited non-zero or was
 * killed; -ETIMEDOUT it took too long (then it is killed).
 */
int power_cmd_run(char *const *argv, int out_fd, double timeout_s, char *err, size_t errsize);

/*
 * Sends one request to pdudaemon and reads its answer.  0: accepted
 * (TCP "ack", HTTP 200); -EREMOTEIO: refused (TCP "nack", HTTP 500: an
 * unknown PDU, port or command); -ECONNREFUSED, -EHOSTUNREACH...: no
 * daemon there; -EPROTO: an answer that is neither; -ETIMEDOUT.
 * delay_s >= 0 is sent as the request's delay (whole seconds; a reboot's
 * pause between off and on, 5 s when not sent).
 */
int power_pdu_request(const struct board_pdu *p, int delay_s, char *err, size_t errsize);

/* A GPIO output line requested through libgpiod (power-gpiod.c). */
struct power_gpio;

/*
 * Requests the line of pw (chip by name, label, path or number; line by
 * offset or name; active-low) as an output at level on, for consumer.
 * -ENOENT no such chip or line; -EBUSY the line is held (err names the
 * holder); -EACCES; -EINVAL no chip or line in pw.  *ret holds the request
 * until power_gpio_release().
 */
int power_gpio_request(const struct board_power *pw, bool on, const char *consumer, struct power_gpio **ret,
		       char *err, size_t errsize);
int power_gpio_set(struct power_gpio *g, bool on, char *err, size_t errsize);
/* "gpiochip0 line 5" into buf */
void power_gpio_describe(const struct power_gpio *g, char *buf, size_t size);
/* Releases the request (the line goes back to the chip's default); NULL is fine. */
void power_gpio_release(struct power_gpio *g);

/*
 * Tells the person at in/out what to switch on board d and waits for Enter.
 * -ENOTTY when in reaches its end first (nobody there to do it).
 */
int power_manual(const struct board_desc *d, enum board_power_action a, FILE *in, FILE *out, char *err,
		 size_t errsize);

/*
 * Switches d's power once: the steps of action a, in order (a reset
 * without steps is off, the description's delay, on).  For POWER_GPIO,
 * *gpio is the held request: requested when NULL, set when not, and kept
 * for the caller to hold.  out_fd takes the commands' output.  The first
 * failing step ends it.
 */
int board_power_switch(const struct board_desc *d, enum board_power_action a, struct power_gpio **gpio,
		       int out_fd, char *err, size_t errsize);

/*
 * `oopsfarm power` state, one file per board in the state directory
 * ($OOPSFARM_STATE_DIR, else $XDG_RUNTIME_DIR/oopsfarm, else
 * /tmp/oopsfarm-UID): the last action, when, and the holder of a GPIO line.
 */
const char *power_state_dir(void);
/* Records action a on d (holder_pid > 0: a holder process keeps the line). */
int power_state_write(const struct board_desc *d, enum board_power_action a, int holder_pid,
		      const char *what);
/* The state line for d into buf; -ENOENT never switched. */
int power_state_read(const struct board_desc *d, char *buf, size_t size, int *ret_holder_pid);

/*
 * Starts (or replaces) the holder process of d's GPIO line at level on:
 * a child that requests the line, reports back, and holds it until
 * SIGTERM.  0 and *ret_pid once the line is held; the request's error
 * otherwise.  power_unhold() stops a running holder (the line is released).
 */
int power_hold_gpio(const struct board_desc *d, bool on, int *ret_pid, char *err, size_t errsize);
int power_unhold(const struct board_desc *d);

#endif
