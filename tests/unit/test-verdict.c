// SPDX-License-Identifier: MIT
/*
 * test-verdict: the verdict rule (tools/core/verdict.c) as a table of
 * cases, facts in, verdict and reason out: every combination doc/store.md
 * ("The verdict") names, for a local board, a LAVA boot and `record`.
 */
#include <string.h>

#include "core/verdict.h"
#include "tap.h"

#define BID   "0123456789abcdef0123456789abcdef01234567"
#define OTHER "fedcba9876543210fedcba9876543210fedcba98"

/* consoles */
#define CLEAN                                                                                                \
	{                                                                                                    \
		.len = 900, .agent_begin = true, .agent_end = true, .build_id = BID,                         \
		.agent_verdict = "pass", .banner = true, .stamp = "of-aaaa"                                  \
	}
#define CRASHED                                                                                              \
	{                                                                                                    \
		.len = 900, .ncrashes = 1, .agent_begin = true, .build_id = BID, .agent_verdict = "",        \
		.banner = true, .stamp = "of-aaaa"                                                           \
	}
#define NO_AGENT                                                                                             \
	{                                                                                                    \
		.len = 900, .build_id = "", .agent_verdict = "", .banner = true, .stamp = "of-aaaa"          \
	}
#define NO_END                                                                                               \
	{                                                                                                    \
		.len = 900, .agent_begin = true, .build_id = BID, .agent_verdict = "", .banner = true,       \
		.stamp = "of-aaaa"                                                                           \
	}

static const struct lab_facts lava_ok = {
    .name = "LAVA", .error = "", .last = true, .complete = true, .job_reason = "LAVA job Complete"};

/* clang-format off */
static const struct {
	const char *what;
	struct boot_facts f;
	enum boot_verdict verdict;
	bool counted;
	const char *reason;
} cases[] = {
	/* the wrong kernel, before anything else */
	{ "build-id mismatch, no crash: infra",
	  { .con = { .len = 900, .agent_begin = true, .agent_end = true, .build_id = OTHER, .agent_verdict = "pass",
		     .stamp = "" },
	    .expect_build_id = BID, .agent_expected = true },
	  VERDICT_INFRA, false, "build-id mismatch: booted " OTHER ", expected " BID },
	{ "build-id mismatch with a crash: infra, the crash not counted",
	  { .con = { .len = 900, .ncrashes = 2, .agent_begin = true, .build_id = OTHER, .agent_verdict = "",
		     .stamp = "" },
	    .expect_build_id = BID, .agent_expected = true },
	  VERDICT_INFRA, false, "build-id mismatch: booted " OTHER ", expected " BID },
	{ "stamp mismatch with a crash before BEGIN: infra, not counted",
	  { .con = { .len = 900, .ncrashes = 1, .build_id = "", .agent_verdict = "", .banner = true,
		     .stamp = "of-bbbb" },
	    .expect_build_id = BID, .expect_stamp = "of-aaaa", .agent_expected = true },
	  VERDICT_INFRA, false, "wrong kernel: banner #of-bbbb, expected #of-aaaa" },
	{ "a banner without a stamp when one is expected: infra",
	  { .con = { .len = 900, .ncrashes = 1, .build_id = "", .agent_verdict = "", .banner = true, .stamp = "" },
	    .expect_stamp = "of-aaaa", .agent_expected = true },
	  VERDICT_INFRA, false, "wrong kernel: banner #(none), expected #of-aaaa" },
	{ "no banner (console cut): the stamp stays unknown, the crash counts",
	  { .con = { .len = 900, .ncrashes = 1, .build_id = "", .agent_verdict = "", .stamp = "" },
	    .expect_stamp = "of-aaaa", .agent_expected = true },
	  VERDICT_CRASH, true, NULL },
	{ "matching build-id and stamp, crash: crash",
	  { .con = CRASHED, .expect_build_id = BID, .expect_stamp = "of-aaaa", .agent_expected = true },
	  VERDICT_CRASH, true, NULL },
	{ "expected build-id unknown: not checked",
	  { .con = { .len = 900, .agent_begin = true, .agent_end = true, .build_id = OTHER, .agent_verdict = "pass",
		     .stamp = "" },
	    .agent_expected = true },
	  VERDICT_PASS, true, NULL },
	/* the console decides over the board and the lab */
	{ "crash and a board failure: crash",
	  { .con = CRASHED, .board_failed = "qemu exited with 255", .agent_expected = true }, VERDICT_CRASH, true,
	  NULL },
	{ "crash and a phase limit: crash",
	  { .con = CRASHED, .phase_limit = "no console output in agent_end for 3 s", .agent_expected = true },
	  VERDICT_CRASH, true, NULL },
	{ "crash in a canceled LAVA job: crash",
	  { .con = CRASHED, .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "", .canceled = true, .last = true, .job_reason = "" } },
	  VERDICT_CRASH, true, NULL },
	{ "crash without any agent: crash",
	  { .con = { .len = 900, .ncrashes = 1, .build_id = "", .agent_verdict = "", .stamp = "" } }, VERDICT_CRASH,
	  true, NULL },
	/* the board */
	{ "the board could not boot: infra with its words",
	  { .con = { .len = 0, .build_id = "", .agent_verdict = "", .stamp = "" },
	    .board_failed = "console never opened", .agent_expected = true },
	  VERDICT_INFRA, true, "console never opened" },
	{ "a LAVA job that ended before the boot: infra",
	  { .con = { .len = 0, .build_id = "", .agent_verdict = "", .stamp = "" },
	    .board_failed = "the LAVA job ended before this boot (canceled)", .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "", .canceled = true, .job_reason = "" } },
	  VERDICT_INFRA, true, "the LAVA job ended before this boot (canceled)" },
	{ "an empty console on a local board: infra",
	  { .con = { .len = 0, .build_id = "", .agent_verdict = "", .stamp = "" }, .agent_expected = true },
	  VERDICT_INFRA, true, "empty console" },
	{ "an empty console, no agent expected: infra",
	  { .con = { .len = 0, .build_id = "", .agent_verdict = "", .stamp = "" } }, VERDICT_INFRA, true,
	  "empty console" },
	{ "a phase limit: hang named by the board",
	  { .con = NO_END, .phase_limit = "no console output in agent_end for 3 s", .agent_expected = true },
	  VERDICT_HANG, true, "no console output in agent_end for 3 s" },
	{ "a phase limit before BEGIN: hang",
	  { .con = NO_AGENT, .phase_limit = "kernel took more than 60 QEMU CPU-s", .agent_expected = true },
	  VERDICT_HANG, true, "kernel took more than 60 QEMU CPU-s" },
	{ "a phase limit after END: hang",
	  { .con = CLEAN, .phase_limit = "settle took more than 5 QEMU CPU-s", .agent_expected = true },
	  VERDICT_HANG, true, "settle took more than 5 QEMU CPU-s" },
	{ "record --hang: a hang without words",
	  { .con = NO_AGENT, .phase_limit = "" }, VERDICT_HANG, true, NULL },
	/* the agent */
	{ "BEGIN and END pass: pass", { .con = CLEAN, .expect_build_id = BID, .agent_expected = true },
	  VERDICT_PASS, true, NULL },
	{ "END verdict=fail without a crash on the console: pass (the console decides)",
	  { .con = { .len = 900, .agent_begin = true, .agent_end = true, .build_id = BID, .agent_verdict = "fail",
		     .stamp = "" },
	    .agent_expected = true },
	  VERDICT_PASS, true, NULL },
	{ "END verdict=error, no crash: infra",
	  { .con = { .len = 900, .agent_begin = true, .agent_end = true, .build_id = BID, .agent_verdict = "error",
		     .stamp = "" },
	    .agent_expected = true },
	  VERDICT_INFRA, true, "the agent could not do its job (END verdict=error)" },
	{ "END verdict=error with a crash: crash",
	  { .con = { .len = 900, .ncrashes = 1, .agent_begin = true, .agent_end = true, .build_id = BID,
		     .agent_verdict = "error", .stamp = "" },
	    .agent_expected = true },
	  VERDICT_CRASH, true, NULL },
	{ "END verdict=error through LAVA: infra",
	  { .con = { .len = 900, .agent_begin = true, .agent_end = true, .build_id = BID, .agent_verdict = "error",
		     .stamp = "" },
	    .agent_expected = true, .lab = lava_ok },
	  VERDICT_INFRA, true, "the agent could not do its job (END verdict=error)" },
	{ "no BEGIN, agent expected, local board powered off: infra",
	  { .con = NO_AGENT, .agent_expected = true }, VERDICT_INFRA, true,
	  "no agent BEGIN line (the board stopped without it)" },
	{ "no BEGIN, agent expected, LAVA: infra with LAVA's reason",
	  { .con = NO_AGENT, .agent_expected = true, .lab = lava_ok }, VERDICT_INFRA, true,
	  "no agent BEGIN line (LAVA job Complete)" },
	{ "no BEGIN, LAVA timed out after the banner: hang",
	  { .con = NO_AGENT, .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "auto-login timed out", .timeout = true, .last = true,
		     .job_reason = "" } },
	  VERDICT_HANG, true, "no agent BEGIN line (auto-login timed out)" },
	{ "no BEGIN, LAVA timed out with no banner: infra",
	  { .con = { .len = 40, .build_id = "", .agent_verdict = "", .stamp = "" }, .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "boot timed out", .timeout = true, .last = true, .job_reason = "" } },
	  VERDICT_INFRA, true, "no agent BEGIN line (boot timed out)" },
	{ "no BEGIN, job canceled: infra",
	  { .con = NO_AGENT, .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "x timed out", .timeout = true, .canceled = true, .last = true,
		     .job_reason = "" } },
	  VERDICT_INFRA, true, "no agent BEGIN line (job canceled)" },
	{ "no BEGIN, LAVA empty console: infra through the lab",
	  { .con = { .len = 0, .build_id = "", .agent_verdict = "", .stamp = "" }, .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "", .last = true, .job_reason = "LAVA: bootloader failed" } },
	  VERDICT_INFRA, true, "no agent BEGIN line (LAVA: bootloader failed)" },
	{ "no BEGIN, no agent expected, clean console: pass",
	  { .con = NO_AGENT }, VERDICT_PASS, true, NULL },
	{ "no BEGIN, no agent expected, LAVA complete: pass",
	  { .con = NO_AGENT, .lab = lava_ok }, VERDICT_PASS, true, NULL },
	{ "no BEGIN, no agent expected, LAVA timed out: hang",
	  { .con = NO_AGENT,
	    .lab = { .name = "LAVA", .error = "test timed out", .timeout = true, .last = true, .job_reason = "" } },
	  VERDICT_HANG, true, "LAVA: test timed out" },
	{ "no BEGIN, no agent expected, LAVA incomplete: infra",
	  { .con = NO_AGENT,
	    .lab = { .name = "LAVA", .error = "", .last = true, .job_reason = "LAVA: power failed" } },
	  VERDICT_INFRA, true, "LAVA: power failed" },
	{ "BEGIN without END, local: hang",
	  { .con = NO_END, .agent_expected = true }, VERDICT_HANG, true, "the agent never ended" },
	{ "BEGIN without END, LAVA canceled in this boot: infra",
	  { .con = NO_END, .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "", .canceled = true, .last = true, .job_reason = "" } },
	  VERDICT_INFRA, true, "the agent never ended: job canceled" },
	{ "BEGIN without END, LAVA timed out: hang with LAVA's words",
	  { .con = NO_END, .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "lava-test-monitor timed out after 60 seconds", .timeout = true,
		     .last = true, .job_reason = "" } },
	  VERDICT_HANG, true, "the agent never ended (LAVA: lava-test-monitor timed out after 60 seconds)" },
	{ "BEGIN without END, last boot of an incomplete job: infra",
	  { .con = NO_END, .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "", .last = true, .job_reason = "LAVA: power failed" } },
	  VERDICT_INFRA, true, "the agent never ended (LAVA: power failed)" },
	{ "BEGIN without END, not the last boot (the board rebooted): hang",
	  { .con = NO_END, .agent_expected = true,
	    .lab = { .name = "LAVA", .error = "", .last = false, .job_reason = "" } },
	  VERDICT_HANG, true, "the agent never ended" },
	{ "BEGIN without END, last boot of a complete job: hang",
	  { .con = NO_END, .agent_expected = true, .lab = lava_ok }, VERDICT_HANG, true, "the agent never ended" },
};
/* clang-format on */

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct boot_decision d = {.verdict = -1};
		int r = boot_verdict_decide(&cases[i].f, &d);

		ok(r == 0 && d.verdict == cases[i].verdict && d.counted == cases[i].counted &&
		       (cases[i].reason ? d.reason && !strcmp(d.reason, cases[i].reason) : !d.reason),
		   "%s", cases[i].what);
		if (d.verdict != cases[i].verdict ||
		    (d.reason && cases[i].reason && strcmp(d.reason, cases[i].reason)))
			diag("got %s (%s), counted %d", verdict_name(d.verdict),
			     d.reason ? d.reason : "no reason", d.counted);
		boot_decision_clear(&d);
	}
	boot_decision_clear(NULL);
	return tap_done();
}
