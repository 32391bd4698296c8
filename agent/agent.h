/* SPDX-License-Identifier: MIT */
/*
 * agent.h - one boot of the board agent, from BEGIN to END.
 *
 * agent_run() is everything the agent does between the mounts of PID 1
 * (agent/main.c) and the final poweroff/reboot:
 *   1. reads who it is: kernel release, boot id, build-id from
 *      /sys/kernel/notes, a CRC of /proc/cmdline and of the module set;
 *   2. reads the module set as first-stage init would (lib/modset.h: the
 *      list file of the boot mode, module options from the command line)
 *      and writes BEGIN with those, every knob and the load plan's hash
 *      (lib/modplan.h), then a LOG line for each configuration problem
 *      and each problem in the module files;
 *   3. applies panic_on_oops / panic_on_warn through /proc/sys if set;
 *   4. opens /dev/kmsg (from its first record) and starts watching: every
 *      record is rendered as console text (lib/kmsg) and fed to lib/oops;
 *      each crash report gives a CRASH line, a CASE line the first time its
 *      signature is seen, and its text as REPORT chunks; lost records
 *      (EPIPE, sequence holes) give LOG lines;
 *   5. forks the loader (agent/loader.h) and turns its results, sent over a
 *      pipe, into MOD lines and one LOAD line, while watching kmsg; kills it
 *      after load_timeout_ms;
 *   6. watches for settle_ms more, because races often fire late (deferred
 *      probe, async work);
 *   7. provokes each configured lkdtm crash from a forked child (never from
 *      this process: an oops kills the writer) and watches provoke_wait_ms
 *      after each;
 *   8. writes CASE modules, CASE boot and END with the verdict.
 * Every step that fails is reported and skipped: the caller may be PID 1.
 */
#ifndef OOPSFARM_AGENT_AGENT_H
#define OOPSFARM_AGENT_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "proto.h"

#define AGENT_VERSION "0.1"

enum agent_verdict {
	VERDICT_PASS,  /* no crash, every module loaded */
	VERDICT_FAIL,  /* a crash, or a module failed */
	VERDICT_ERROR, /* the agent could not do its job (no kmsg, no modules.dep) */
};

const char *agent_verdict_name(enum agent_verdict v);

/*
 * Runs one boot and writes protocol lines through write.  Returns the
 * verdict.  Never exits, never prints elsewhere.
 */
enum agent_verdict agent_run(const struct agent_config *cfg, proto_write_fn write, void *userdata);

/*
 * Finds the GNU build-id in an ELF note section (/sys/kernel/notes) and
 * writes it as lowercase hex into out.  Returns 0 or -ENOENT.
 */
int notes_build_id(const void *notes, size_t len, char *out, size_t size);

#endif
