/* SPDX-License-Identifier: MIT */
/*
 * desk.h - the `desk` board kind: a real board described once
 * (board-desc.h), driven through the farm's ops table (board.h).
 *
 * A desk board is its console (console.h), its power (power.h) and
 * optionally a fastboot flasher (fastboot.h, below).  Without a flasher a
 * desk board boots whatever it has: the boot's kernel, initrd and command
 * line are not used, and the verdict rule's build-id check tells a board
 * that booted something else.
 *
 * One boot:
 *   start   opens the console if it is not open (it stays open across
 *           boots, so the next boot's first bytes are never lost, and a
 *           USB adapter that vanished is reopened by name), drops what
 *           arrived before (bytes from before power-on never count),
 *           then powers the board on.  A console or power failure is
 *           -EIO with result().why saying which: the boot is infra.
 *   input   copies the console to the boot's log and moves the phases on
 *           the same console markers as the QEMU kind.
 *   tick    the phase limits, in wall seconds (a real board's own time);
 *           after the agent's END line or the kernel's last words (a
 *           panic, "reboot: Power down"), `settle` seconds of trailing
 *           output, then power off.  On a hang the
 *           console first sends a break and the magic SysRq keys w and t
 *           (blocked tasks, all tasks), gives the dump SYSRQ_WAIT seconds
 *           to land in the log, then powers off; result().why says
 *           whether the keys were sent.
 * Power actions run synchronously (a command has POWER_TIMEOUT_S): the
 * loop waits for them.  A GPIO relay's line request is held by the board
 * from its first power-on until it is destroyed, at the off level between
 * boots: released, a line goes back to what its chip does.
 *
 * The flasher (doc/fastboot.md), when the description has a fastboot
 * flasher with a product: after power-on, start waits for the device to
 * answer fastboot (flash.wait seconds) and checks its product (and
 * serialno on USB), then boots the boot's variant one of two ways:
 *   ram    a boot.img of the boot's kernel, initramfs and command line
 *          (built into work_dir/fastboot/), sent with `fastboot boot`;
 *   slots  variant 0 in slot a, variant 1 in slot b, each flashed once:
 *          the ledger (board.h, struct board_ledger) says what each slot
 *          holds, and a slot is flashed only when it does not hold the
 *          variant's build-id in state "ok"; then the slot is selected
 *          (set_active, or misc's A/B control block) and `continue`d.
 * A device that does not answer, is another product, or fails a flash
 * makes start fail (-EIO...): the boot is infra, with the fastboot
 * reason, and the farm retries it; a failed flash leaves its slot
 * "failed" in the ledger, so the retry flashes it again.  A slot whose
 * boot shows another build-id is marked "wrong" by the farm (the verdict
 * rule's wrong kernel); it is flashed again, and after two such boots it
 * is not flashed any more (each boot of it is infra, saying so).
 * result() gives the method and slot, stored with the boot.
 *
 * A setup's `board:` names the description (board_kind_find() makes it
 * the desk kind); create() reads it.  One description is one physical
 * board: its board_kind has max_boards 1, and `oopsfarm run` refuses
 * more (a second board of the same description would find its console
 * locked).
 */
#ifndef OOPSFARM_BOARD_DESK_H
#define OOPSFARM_BOARD_DESK_H

#include "board/board-desc.h"
#include "board/board.h"

/* The description has a flasher oopsfarm drives (fastboot with a product). */
bool desk_flashes(const struct board_desc *d);

/* seconds a SysRq dump is given before a hung board is powered off */
#define SYSRQ_WAIT 3.0

#endif
