/* SPDX-License-Identifier: MIT */
/*
 * dashboard.h - one self-contained HTML page per nightly plan, over time
 * (`oopsfarm nightly dashboard PLAN --html FILE`, doc/nightly.md).
 *
 * The page holds, from the nights as the store has them (oldest first):
 *   - the pass rate per setup and variant per night, with its 95% Wilson
 *     interval: a chart per setup (chart_svg() of report.h, x = the nights
 *     that ran) and a table (class "nights", a row per night and cell with
 *     data-night, data-setup and data-variant attributes, so a test reads
 *     the figures back);
 *   - the top titles per night and cell (class "top");
 *   - each title's first and last night, with a link to its first boot's
 *     console, relative to the page (class "titles");
 *   - the nights the diff flagged against the night before (class
 *     "flagged"): regressions, build failures.
 * Inline CSS and SVG only: no script, no external resource.
 */
#ifndef OOPSFARM_DASHBOARD_H
#define OOPSFARM_DASHBOARD_H

#include <stdio.h>

#include "report/diff.h"
#include "store/nightly.h"

/*
 * Writes the page of plan's nights (with their cells) to f; links to logs
 * are relative to page_dir.  known labels titles.  Returns 0 or -errno.
 */
int report_dashboard(const char *plan, const struct night *nights, unsigned n,
		     const struct known_issue *known, unsigned nknown, const char *page_dir, FILE *f);

#endif
