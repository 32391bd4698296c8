// SPDX-License-Identifier: MIT
/*
 * test-diff: the nightly diff (tools/report/diff.c) as a table of
 * synthetic nights, tonight and baseline in, findings and exit status out;
 * then 100 quiet nights at a fixed seed, where the share of nights with a
 * false regression must stay at or below the stated FDR level, judged by a
 * one-sided binomial test.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/diff.h"
#include "stats.h"
#include "tap.h"

/*
 * A night as text: cells separated by ';', each
 * "variant|setup|boots|pass|infra|TITLE=boots|TITLE=boots...", boots
 * counting pass, crash and hang (infra apart).
 */
static void night_parse(const char *spec, const char *hash, struct night *n)
{
	char *copy = strdup(spec), *save = NULL;

	memset(n, 0, sizeof(*n));
	n->plan = strdup("p");
	n->date = strdup("night");
	n->plan_hash = strdup(hash);
	n->status = strdup("done");
	n->cells = calloc(8, sizeof(*n->cells));
	for (char *c = strtok_r(copy, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
		struct night_cell *cell = &n->cells[n->ncells++];
		char *fsave = NULL, *f;
		int i = 0;

		cell->titles = calloc(64, sizeof(*cell->titles));
		for (f = strtok_r(c, "|", &fsave); f; f = strtok_r(NULL, "|", &fsave), i++) {
			char *eq = strrchr(f, '=');

			if (i == 0)
				cell->variant = strdup(f);
			else if (i == 1)
				cell->setup = strdup(f);
			else if (i == 2)
				cell->boots = atoi(f);
			else if (i == 3)
				cell->pass = atoi(f);
			else if (i == 4)
				cell->infra = atoi(f);
			else if (eq) {
				cell->titles[cell->ntitles].title = strndup(f, eq - f);
				cell->titles[cell->ntitles].first_log = strdup("");
				cell->titles[cell->ntitles++].boots = atoi(eq + 1);
			}
		}
	}
	free(copy);
}

/* the findings a person reads: new and gone titles, significant changes;
 * '!' a regression, '*' significant and not one */
static void summary(const struct diff_result *r, char *buf, size_t size)
{
	buf[0] = '\0';
	for (unsigned i = 0; i < r->nitems; i++) {
		const struct diff_item *it = &r->items[i];
		size_t len = strlen(buf);

		if (it->kind == DIFF_NO_BASELINE || it->kind == DIFF_NOT_RUN) {
			snprintf(buf + len, size - len, "%s%s %s", len ? ", " : "", diff_kind_name(it->kind),
				 it->setup);
			continue;
		}
		if (!(it->kind == DIFF_NEW || it->kind == DIFF_GONE || it->significant))
			continue;
		snprintf(buf + len, size - len, "%s%s %s/%s%s%s%s", len ? ", " : "", diff_kind_name(it->kind),
			 it->setup, it->title ? it->title : "", it->up ? " up" : "",
			 it->regression	   ? "!"
			 : it->significant ? "*"
					   : "",
			 it->link ? " [known]" : "");
	}
}

static const struct known_issue known[] = {
    {"WARNING in lkdtm_WARNING", "https://example.org/known/1"},
};

/* clang-format off */
static const struct {
	const char *what;
	const char *tonight, *base1, *base2;	/* base2 NULL: one baseline night */
	const char *hash_tonight;		/* NULL: the baselines' "h1" */
	const char *status;			/* NULL: done */
	const char *want;
	unsigned regressions;
	int exit;
} cases[] = {
	{ "the same night again: nothing changed",
	  "head|q|12|10|0|WARNING in foo=2", "head|q|12|10|0|WARNING in foo=2", NULL, NULL, NULL, "", 0, 0 },
	{ "a new title in 8 of 12 boots: new, a regression",
	  "head|q|12|4|0|BUG in bar=8", "head|q|12|12|0", NULL, NULL, NULL,
	  "pass q/!, new q/BUG in bar up!", 2, 1 },
	{ "a new title in 1 boot of 12: listed, not significant",
	  "head|q|12|11|0|BUG in bar=1", "head|q|12|12|0", NULL, NULL, NULL, "new q/BUG in bar up", 0, 0 },
	{ "a known title's rate rises 2/12 -> 12/12: a regression, labelled",
	  "head|q|12|0|0|WARNING in lkdtm_WARNING=12", "head|q|12|10|0|WARNING in lkdtm_WARNING=2", NULL, NULL, NULL,
	  "pass q/!, rate q/WARNING in lkdtm_WARNING up! [known]", 2, 1 },
	{ "a rate falls 12/12 -> 2/12: significant, not a regression",
	  "head|q|12|10|0|WARNING in foo=2", "head|q|12|0|0|WARNING in foo=12", NULL, NULL, NULL,
	  "pass q/ up*, rate q/WARNING in foo*", 0, 0 },
	{ "a title gone: listed with its bound, never a regression",
	  "head|q|12|12|0", "head|q|12|4|0|BUG in bar=8", NULL, NULL, NULL, "pass q/ up*, gone q/BUG in bar*", 0, 0 },
	{ "the pass rate falls through hangs (no title): a regression",
	  "head|q|20|2|0", "head|q|20|18|0", NULL, NULL, NULL, "pass q/!", 1, 1 },
	{ "infra errors rise: shown apart, never a regression",
	  "head|q|20|20|10", "head|q|20|20|0", NULL, NULL, NULL, "infra q/ up*", 0, 0 },
	{ "never pooled: a title of setup a is new on setup b",
	  "head|a|12|4|0|BUG in bar=8;head|b|12|4|0|BUG in bar=8", "head|a|12|4|0|BUG in bar=8;head|b|12|12|0", NULL,
	  NULL, NULL, "pass b/!, new b/BUG in bar up!", 2, 1 },
	{ "never pooled: variants are cells of their own",
	  "head|q|12|12|0;fix|q|12|4|0|BUG in bar=8", "head|q|12|4|0|BUG in bar=8;fix|q|12|12|0", NULL, NULL, NULL,
	  "pass q/ up*, gone q/BUG in bar*, pass q/!, new q/BUG in bar up!", 2, 1 },
	{ "two baseline nights pooled: gone once, with both nights' count",
	  "head|q|12|12|0", "head|q|12|10|0|WARNING in foo=2", "head|q|12|9|0|WARNING in foo=3", NULL, NULL,
	  "gone q/WARNING in foo", 0, 0 },
	{ "two baseline nights: a title of either is not new",
	  "head|q|12|11|0|WARNING in foo=1", "head|q|12|12|0", "head|q|12|11|0|WARNING in foo=1", NULL, NULL, "", 0, 0 },
	{ "twenty titles each 1 boot more than before: no false alarm",
	  "head|q|100|80|0|t01=2|t02=2|t03=2|t04=2|t05=2|t06=2|t07=2|t08=2|t09=2|t10=2|t11=2|t12=2|t13=2|t14=2|t15=2"
	  "|t16=2|t17=2|t18=2|t19=2|t20=2",
	  "head|q|100|80|0|t01=1|t02=1|t03=1|t04=1|t05=1|t06=1|t07=1|t08=1|t09=1|t10=1|t11=1|t12=1|t13=1|t14=1|t15=1"
	  "|t16=1|t17=1|t18=1|t19=1|t20=1", NULL, NULL, NULL, "", 0, 0 },
	{ "a setup the baseline never had: not compared",
	  "head|q|12|12|0;head|new|12|0|0|BUG in bar=12", "head|q|12|12|0", NULL, NULL, NULL, "no-baseline new", 0, 0 },
	{ "a setup of the baseline with no boots tonight (its lab down): said, not compared, not zero crashes",
	  "head|q|12|12|0", "head|q|12|12|0;head|lab|12|4|0|BUG in bar=8", "head|lab|12|12|0", NULL, NULL,
	  "not-run lab", 0, 0 },
	{ "tonight's build failed: no findings, exit 1",
	  "", "head|q|12|12|0", NULL, NULL, "build-failed", "", 0, 1 },
	{ "a changed plan: compared, and said to be unlike",
	  "head|q|12|12|0", "head|q|12|12|0", NULL, "h2", NULL, "", 0, 0 },
};
/* clang-format on */

static void table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct night t, b[2];
		struct diff_input in = {
		    .tonight = &t, .base = b, .nbase = cases[i].base2 ? 2 : 1, .known = known, .nknown = 1};
		struct diff_result r;
		char got[1024];

		night_parse(cases[i].tonight, cases[i].hash_tonight ? cases[i].hash_tonight : "h1", &t);
		if (cases[i].status) {
			free(t.status);
			t.status = strdup(cases[i].status);
		}
		night_parse(cases[i].base1, "h1", &b[0]);
		if (cases[i].base2)
			night_parse(cases[i].base2, "h1", &b[1]);
		if (!ok(diff_compute(&in, &r) == 0, "%s: computed", cases[i].what))
			continue;
		summary(&r, got, sizeof(got));
		ok_str(got, cases[i].want, "%s: findings", cases[i].what);
		ok(r.regressions == cases[i].regressions && diff_exit_status(&r) == cases[i].exit &&
		       r.unlike_plans == (cases[i].hash_tonight != NULL),
		   "%s: %u regressions (want %u), exit %d, unlike plans %d", cases[i].what, r.regressions,
		   cases[i].regressions, diff_exit_status(&r), r.unlike_plans);
		diff_result_clear(&r);
		night_free(&t);
		for (unsigned k = 0; k < in.nbase; k++)
			night_free(&b[k]);
	}
}

/* the figures of one finding, against sums done by hand */
static void figures(void)
{
	struct night t, b;
	struct diff_input in = {.tonight = &t, .base = &b, .nbase = 1};
	struct diff_result r;

	night_parse("head|q|12|4|0|BUG in bar=8", "h", &t);
	night_parse("head|q|12|0|0|GONE in baz=12", "h", &b);
	if (!ok(diff_compute(&in, &r) == 0 && r.nitems == 4, "figures: 4 findings (pass, new, gone, infra)"))
		return;
	/* C(12,8)/C(24,8) = 495/735471 */
	ok(fabs(r.items[1].p - 495.0 / 735471.0) < 1e-9, "new 8/12 vs 0/12: one-sided p = %.6g",
	   r.items[1].p);
	/* 1 - 0.05^(1/12) */
	ok(fabs(r.items[2].bound - (1 - pow(0.05, 1.0 / 12))) < 1e-9,
	   "gone: detection bound %.4f on 12 boots", r.items[2].bound);
	ok(r.ntests == 3 && r.items[3].kind == DIFF_INFRA && r.items[3].q == r.items[3].p,
	   "the family holds pass, new and gone; infra stays apart");
	diff_result_clear(&r);
	night_free(&t);
	night_free(&b);
}

static uint64_t rng = 0x6f6f70736661726dULL; /* fixed seed */

static double uniform(void)
{
	/* splitmix64 */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (z >> 11) * 0x1.0p-53;
}

#define SIM_TITLES 30
#define SIM_SETUPS 2
#define SIM_BOOTS  200

/* One night of boots drawn at fixed rates: each title independently per
 * boot, a hang when none, infra before anything. */
static void quiet_night(struct night *n, char (*names)[16])
{
	memset(n, 0, sizeof(*n));
	n->plan = strdup("sim");
	n->date = strdup("night");
	n->plan_hash = strdup("h");
	n->status = strdup("done");
	n->ncells = SIM_SETUPS;
	n->cells = calloc(SIM_SETUPS, sizeof(*n->cells));
	for (int s = 0; s < SIM_SETUPS; s++) {
		struct night_cell *c = &n->cells[s];
		unsigned hits[SIM_TITLES] = {0};

		c->variant = strdup("head");
		c->setup = strdup(s ? "b" : "a");
		c->titles = calloc(SIM_TITLES, sizeof(*c->titles));
		for (int k = 0; k < SIM_BOOTS; k++) {
			bool crashed = false;

			if (uniform() < 0.03) {
				c->infra++;
				continue;
			}
			c->boots++;
			/* rates from 0.25% to 7.5%: rare titles come and go */
			for (int t = 0; t < SIM_TITLES; t++)
				if (uniform() < 0.0025 * (t + 1)) {
					hits[t]++;
					crashed = true;
				}
			if (!crashed && uniform() >= 0.02)
				c->pass++;
		}
		for (int t = 0; t < SIM_TITLES; t++)
			if (hits[t]) {
				c->titles[c->ntitles].title = strdup(names[t]);
				c->titles[c->ntitles].first_log = strdup("");
				c->titles[c->ntitles++].boots = hits[t];
			}
	}
}

static void quiet_nights(void)
{
	char names[SIM_TITLES][16];
	struct night prev, cur;
	unsigned alarms = 0, nights = 100;
	double level = 0.05, p;

	for (int t = 0; t < SIM_TITLES; t++)
		snprintf(names[t], sizeof(names[t]), "title %02d", t);
	quiet_night(&prev, names);
	for (unsigned i = 0; i < nights; i++) {
		struct diff_input in = {.tonight = &cur, .base = &prev, .nbase = 1, .level = level};
		struct diff_result r;

		quiet_night(&cur, names);
		if (diff_compute(&in, &r) == 0) {
			alarms += r.regressions > 0;
			diff_result_clear(&r);
		}
		night_free(&prev);
		prev = cur;
	}
	night_free(&prev);
	/* H0: the false-alarm share is at most the level; it stands unless
	 * this many alarms would be rarer than 5% at the level */
	p = stats_binom_at_least(alarms, nights, level);
	ok(p > 0.05,
	   "100 quiet nights (2 setups, 30 titles, %d boots): %u with a false regression;"
	   " P(>= %u | share %.0f%%) = %.3g, not below 5%%",
	   SIM_BOOTS, alarms, alarms, level * 100, p);
}

int main(void)
{
	table();
	figures();
	quiet_nights();
	return tap_done();
}
