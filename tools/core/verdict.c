// SPDX-License-Identifier: MIT
/* verdict.c - the verdict rule; see verdict.h and doc/store.md. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/verdict.h"

static bool known(const char *s)
{
	return s && s[0];
}

static const char * or (const char *s, const char *dflt)
{
	return known(s) ? s : dflt;
}

/* Sets the verdict and a formatted reason (fmt NULL: no reason). */
static int decide(struct boot_decision *ret, enum boot_verdict v, bool counted, const char *fmt, ...)
{
	char *reason = NULL;
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&reason, fmt, ap) < 0)
			reason = NULL;
		va_end(ap);
		if (!reason)
			return -ENOMEM;
	}
	*ret = (struct boot_decision){.verdict = v, .counted = counted, .reason = reason};
	return 0;
}

/* The boot's verdict once the agent said BEGIN and nothing decided yet. */
static int agent_began(const struct boot_facts *f, struct boot_decision *ret)
{
	const struct console_facts *c = &f->con;
	const struct lab_facts *l = &f->lab;

	if (c->agent_end) {
		/* error is the agent failing (no /dev/kmsg, no modules.dep),
		 * not the kernel: the console held no crash, so it is infra */
		if (!strcmp(c->agent_verdict, "error"))
			return decide(ret, VERDICT_INFRA, true,
				      "the agent could not do its job (END verdict=error)");
		return decide(ret, VERDICT_PASS, true, NULL);
	}
	if (l->canceled && l->last)
		return decide(ret, VERDICT_INFRA, true, "the agent never ended: job canceled");
	if (l->timeout)
		return decide(ret, VERDICT_HANG, true, "the agent never ended (%s: %s)", l->name, l->error);
	if (l->name && l->last && !l->complete)
		return decide(ret, VERDICT_INFRA, true, "the agent never ended (%s)",
			      or (l->error, l->job_reason));
	/* the kernel stopped before the agent could end, and the board or
	 * the next boot's start told */
	return decide(ret, VERDICT_HANG, true, "the agent never ended");
}

/* No BEGIN line: the agent never started (or none was expected). */
static int no_begin(const struct boot_facts *f, struct boot_decision *ret)
{
	const struct lab_facts *l = &f->lab;

	if (!f->agent_expected) {
		/* a lab job that does not run our agent: a clean console
		 * passes, unless the lab timed out or cut the job here */
		if (l->timeout && !l->canceled)
			return decide(ret, VERDICT_HANG, true, "%s: %s", l->name, l->error);
		if (l->name && l->last && (l->canceled || !l->complete))
			return decide(ret, VERDICT_INFRA, true, "%s",
				      l->canceled ? "job canceled" : or (l->error, l->job_reason));
		return decide(ret, VERDICT_PASS, true, NULL);
	}
	/* a kernel that printed and then stopped before init is a hang; no
	 * kernel at all, or a lab giving up, is infra */
	if (l->timeout && !l->canceled && f->con.banner)
		return decide(ret, VERDICT_HANG, true, "no agent BEGIN line (%s)", l->error);
	if (l->name)
		return decide(ret, VERDICT_INFRA, true, "no agent BEGIN line (%s)",
			      l->canceled ? "job canceled"
					  : or (l->error, or (l->job_reason, "LAVA job ended")));
	return decide(ret, VERDICT_INFRA, true, "no agent BEGIN line (the board stopped without it)");
}

int boot_verdict_decide(const struct boot_facts *f, struct boot_decision *ret)
{
	const struct console_facts *c = &f->con;

	/*
	 * A wrong kernel first: its crashes are not the variant's.  The
	 * build-id needs the agent's BEGIN; the banner stamp tells even when
	 * the crash came before the agent (or no agent runs).
	 */
	if (c->agent_begin && known(f->expect_build_id) && strcmp(c->build_id, f->expect_build_id))
		return decide(ret, VERDICT_INFRA, false, "build-id mismatch: booted %s, expected %s",
			      or (c->build_id, "(none)"), f->expect_build_id);
	if (c->banner && known(f->expect_stamp) && strcmp(c->stamp, f->expect_stamp))
		return decide(ret, VERDICT_INFRA, false, "wrong kernel: banner #%s, expected #%s",
			      or (c->stamp, "(none)"), f->expect_stamp);
	/* the console decides, whatever the board or the lab said */
	if (c->ncrashes > 0)
		return decide(ret, VERDICT_CRASH, true, NULL);
	if (f->board_failed)
		return decide(ret, VERDICT_INFRA, true, "%s", or (f->board_failed, "the board failed"));
	/* a lab boot with no console still says why through the lab */
	if (!c->len && !(f->lab.name && f->agent_expected))
		return decide(ret, VERDICT_INFRA, true, "empty console");
	if (f->phase_limit)
		return decide(ret, VERDICT_HANG, true, known(f->phase_limit) ? "%s" : NULL, f->phase_limit);
	if (!c->agent_begin)
		return no_begin(f, ret);
	return agent_began(f, ret);
}

void boot_decision_clear(struct boot_decision *d)
{
	if (!d)
		return;
	free(d->reason);
	d->reason = NULL;
}
