/* SPDX-License-Identifier: MIT */
/*
 * board.h - what the farm's event loop needs from a board: power it on with
 * one boot's inputs, watch its console, tell when the boot is over.
 *
 * One table of ops per board kind, in one file per backend (board/qemu.c;
 * a serial console with a GPIO relay and fastboot fit the same table: their
 * console is an fd, their power an action, their limits the same phases).
 * The farm loop (core/farm.c) finds the table by the setup's `board:` kind
 * through board_kind_find() and calls a board only through it; the kinds
 * are listed once, in board/board.c.  The loop owns an epoll set: it watches board_ops.fd() and calls
 * input() when it is readable, and tick() at least every 100 ms and as soon
 * as power_fd() is readable; tick() returns 1 once the boot is over, then
 * result() says what happened.
 *
 * A boot goes through phases, each with its own limit
 * (struct campaign_timeouts): start (power on, console open; wall time),
 * kernel (to "Run /init"), agent_begin (to the agent's BEGIN line),
 * agent_end (to its END line), settle (to power-off; wall time).  The middle
 * three are counted in the board's own CPU time where the board has one (a
 * QEMU process), so a loaded host does not turn slow boots into false hangs;
 * a guest that sits idle burns no CPU, so a wall-clock idle limit (no console
 * output at all) catches those.
 */
#ifndef OOPSFARM_BOARD_H
#define OOPSFARM_BOARD_H

#include <stdbool.h>

#include "core/campaign.h"

enum board_phase {
	PHASE_START,
	PHASE_KERNEL,
	PHASE_AGENT_BEGIN,
	PHASE_AGENT_END,
	PHASE_SETTLE,
	PHASE_OFF,
	NPHASES
};

const char *board_phase_name(enum board_phase p);

/* The limit of phase p from t (kernel, agent begin, agent end); 0: none. */
double board_phase_limit(const struct campaign_timeouts *t, enum board_phase p);

/*
 * What a board with A/B slots keeps about each slot across boots and runs:
 * which variant and build-id it holds, so that a resumed campaign does not
 * flash again, and a slot that booted the wrong kernel is flashed again.
 * The farm gives it (core/farm.c, kept in the store: store/ledger.h); a
 * board never touches the store itself.  States: "flashing" (a flash
 * began: a run killed in it left a mix), "ok", "failed" (the flash
 * failed), "wrong" (it booted another build-id than it should hold).
 * Functions return 0 or -errno; get() gives -ENOENT for a slot never
 * recorded.
 */
struct board_slot_state {
	char variant[128], build_id[128], state[16];
	int flashes;	/* times oopsfarm flashed it */
	int mismatches; /* boots of it that showed another build-id */
};
struct board_ledger {
	void *ctx;
	int (*get)(void *ctx, const char *board, const char *slot, struct board_slot_state *ret);
	/* sets variant, build_id and state; a state of "flashing" counts a flash */
	int (*set)(void *ctx, const char *board, const char *slot, const char *variant, const char *build_id,
		   const char *state);
};

/* one boot's inputs (pointers must live until the boot is over) */
struct board_boot {
	const char *kernel, *initrd, *dtb, *append, *cpu;
	int smp, mem_mb;
	const char *log_path;	 /* the raw console, complete */
	const char *stderr_path; /* the board tool's own messages (infra reasons) */
	struct campaign_timeouts limits;
	/* what a flashing board needs (others ignore it) */
	const char *variant;		   /* the variant's name */
	int variant_index;		   /* its index in the campaign (A/B: 0 slot a, 1 slot b) */
	const char *build_id;		   /* the kernel's build-id ("" unknown) */
	const char *work_dir;		   /* where the board may write images (the run's directory) */
	const struct board_ledger *ledger; /* NULL: nothing is remembered across boots */
};

struct board_result {
	bool started;		/* the console opened */
	bool hung;		/* a phase went past its limit */
	enum board_phase phase; /* the phase it ended in */
	bool done_killed;	/* the agent ended but the guest did not power off */
	int exit_code;		/* 0 poweroff, 1 pvpanic, other: the board failed; -1 killed */
	double cpu_s, wall_s;
	double phase_cpu[NPHASES]; /* board CPU seconds when each phase began; -1 never */
	char why[256];		   /* why it hung or did not start */
	/* a flashing board: how this boot's kernel got there ("" not flashed:
	 * "ram", "slots"), the slot it booted ("a", "b"; "" none), and the
	 * name its slots are kept under in the ledger */
	char method[8], slot[4], ledger_board[128];
};

struct board;

struct board_ops {
	const char *kind;
	/* board: the setup's `board:` value (a kind, or a desk board's
	 * description); kinds with one kind of board ignore it */
	struct board *(*create)(int index, const char *board);
	/* powers on; 0, or -errno when it cannot (result().why says why) */
	int (*start)(struct board *b, const struct board_boot *bb);
	int (*fd)(struct board *b);	  /* the console to watch now, or -1 */
	int (*power_fd)(struct board *b); /* readable once the board is off (QEMU: a pidfd), or -1 */
	int (*input)(struct board *b);	  /* the console is readable */
	int (*tick)(struct board *b, double now);
	void (*result)(struct board *b, struct board_result *r);
	void (*abort)(struct board *b); /* power off at once (Ctrl-C) */
	void (*destroy)(struct board *b);
};

/*
 * A board kind: the setup's `board:` value, its ops (NULL: no local
 * backend, e.g. a board only reached through LAVA) and its recipe
 * directory (build-kernel.sh, mkinitramfs.sh, widen-dtb.sh; NULL: the board
 * boots no kernel of ours, as the replay board does).
 */
struct board_kind {
	const char *name;
	const struct board_ops *ops;
	const char *recipe;
	int max_boards;		    /* boards at once for the whole run (one physical board: 1); 0 any */
	const char *kernel_console; /* console= for its kernels; NULL: the board's description says */
};

/* The kind named name, or NULL when none is.  A name that is no kind but
 * finds a board description (board_desc_find(), doc/boards.md) that reads
 * without error is the `desk` kind. */
const struct board_kind *board_kind_find(const char *name);

/*
 * The recipe directory that builds the kernels a setup's board boots: its
 * kind's, or for a desk board the description's flash.recipe (a board that
 * flashes what we build).  "" in ret when the board boots what it has.
 * 0, or -ENOENT when board names no kind (err says why).
 */
int board_recipe(const char *board, char *ret, size_t size, char *err, size_t errsize);

/*
 * The console= value of the kernels a setup's board boots, into ret: the
 * kind's (qemu-smmuv3: ttyAMA0), or for a desk board its description's
 * console.kernel.  "" when neither says: the command line then names no
 * console, and the board's device tree (stdout-path) or bootloader picks
 * it; a wrong console= would hide the kernel's messages from the UART the
 * farm reads.  0, or -ENOENT when board names no kind (err says why).
 */
int board_kernel_console(const char *board, char *ret, size_t size, char *err, size_t errsize);

/* The known kinds' names, comma-separated, for messages (static storage). */
const char *board_kind_names(void);

/* The backends' tables are named only in their own files and in the kinds
 * table of board/board.c, which declares them: nothing else calls a
 * backend directly. */

/*
 * The console markers of a boot's phases, for every board kind that reads
 * a console: "Run /init as init process" (agent_begin), the agent's BEGIN
 * (agent_end) and END (settle) lines, and the kernel's last words (a panic:
 * exit code 1; "reboot: Power down", halted, restarting: 0).  Markers split
 * across reads are found: the scanner keeps the tail of what it saw.
 */
struct board_scan {
	char tail[256];
	int last_words; /* -1 none yet, else the exit code they mean */
};
void board_scan_reset(struct board_scan *s);
/* Feeds n console bytes; returns the phase they move a boot in phase p to. */
enum board_phase board_scan_feed(struct board_scan *s, enum board_phase p, const char *data, size_t n);

/* CLOCK_MONOTONIC seconds (util/clock.h) */
double board_now(void);

#endif
