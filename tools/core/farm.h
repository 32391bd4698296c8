/* SPDX-License-Identifier: MIT */
/*
 * farm.h - the local farm: boots a campaign's variants interleaved boot by
 * boot (ABAB...) on K boards from one event loop (epoll), stores each
 * finished boot at once, and stops at the sequential verdict when asked.
 *
 * `oopsfarm run` (cmd/run.c) parses its options, builds the artifacts, fills
 * a struct farm and calls farm_resume() then farm_loop().  The loop calls
 * each board only through its ops table (board/board.h), found by the
 * setup's `board:` kind; each finished boot goes through the verdict rule
 * (core/verdict.h) into the store.  A boot already stored is not booted
 * again, so a run killed with -9 resumes where it stopped and counts nothing
 * twice; infra errors are stored, shown and retried (CAMPAIGN_MAX_RETRIES
 * times), never counted in a rate.
 */
#ifndef OOPSFARM_FARM_H
#define OOPSFARM_FARM_H

#include <stdbool.h>
#include <stdint.h>

#include "board/board-desc.h"
#include "board/board.h"
#include "core/artifacts.h"
#include "core/campaign.h"
#include "core/sequential.h"
#include "core/verdict.h"
#include "store/store.h"

struct variant_art {
	struct variant_artifacts a;
	int64_t id;
	unsigned boots, fails;
};

struct setup_art {
	const struct board_kind *kind;		    /* the setup's board: kind (with ops) */
	char console[BOARD_KERNEL_CONSOLE_MAX + 1]; /* console= of its kernels, "": none
						     * (board_kernel_console(); farm_resume fills it) */
	char dtb[1024];
	int64_t id;
	struct seq_state seq; /* the sequential rule on this setup's outcomes so far */
};

struct farm_slot;

/* The whole run's state.  The caller fills the first block. */
struct farm {
	struct campaign *c;
	struct store *s;
	int64_t cid;
	const char *dir;	/* build/run/<campaign>: logs/ go there */
	struct variant_art *va; /* [c->nvariants], ids stored */
	struct setup_art *sa;	/* [c->nsetups], ids stored, kinds found */
	const char *cmdline;	/* panic=, the agent's knobs, --append (farm_cmdline);
				 * each setup's console= goes before it */
	bool sequential;	/* stop at the campaign's until rule */
	bool agent_expected;	/* init is the oopsfarm agent (not --no-agent) */
	int boots;		/* per variant and setup: the cap */
	/* Optional: called after each boot is stored (infra too) with its
	 * decision; returning true stops handing out boots (those in flight
	 * finish and are stored, and the hook sees them).  `oopsfarm bisect`
	 * stops a step at the first target crash with it. */
	bool (*stored)(const struct store_boot *sb, const struct boot_decision *d, void *userdata);
	void *userdata;
	/* the loop's own */
	signed char *outcome;	    /* [setup][variant][boot]: -1 unknown, 0, 1 target, -2 given up */
	int next_b, next_i, next_v; /* the next boot to hand out, in ABAB order */
	struct {
		int v, i, b;
	} retry[64]; /* infra retries wait here, first out */
	int nretry;
	bool hold; /* the stored hook said stop */
	int done, total, started_now, infra;
	double t0, boards_cpu;
	struct farm_slot *slots;
	struct board_ledger ledger; /* the store's slot ledger, for flashing boards */
};

/*
 * The kernel command line of a campaign's local boots but for the console:
 * panic=-1, the agent's knobs (campaign_kernel_args()) and extra (NULL:
 * none).  The farm puts each setup's "console=NAME " before it
 * (board_kernel_console()).  An arm64 kernel keeps at most
 * COMMAND_LINE_SIZE (2048) bytes and drops the rest without a word, so a
 * line that would be longer with the longest console= is refused: NULL with
 * "the kernel command line would be N bytes: ..." in err (or "out of
 * memory").  Returns a malloc'd string.
 */
#define FARM_CMDLINE_MAX  2047
#define FARM_CONSOLE_ROOM (sizeof("console= ") - 1 + BOARD_KERNEL_CONSOLE_MAX)
char *farm_cmdline(const struct campaign *c, const char *extra, char *err, size_t errsize);

/*
 * Allocates the outcomes and fills them from the store (resume), then runs
 * the sequential rule on them.  Returns the number of boots already done,
 * or -errno.
 */
int farm_resume(struct farm *f);

/* Boots what is left on nboards boards.  0, -EINTR after farm_stop(), or -errno. */
int farm_loop(struct farm *f, int nboards);

/* Asks the loop to stop: async-signal-safe (a SIGINT handler calls it).
 * Boots in flight are powered off and not stored. */
void farm_stop(void);

/* The slot ledger kept in store s, as a flashing board reads and writes
 * it (board.h, store/ledger.h); s must outlive its use. */
struct board_ledger farm_ledger(struct store *s);

/* Frees what farm_resume() allocated; f stays the caller's. */
void farm_release(struct farm *f);

#endif
