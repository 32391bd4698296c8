// SPDX-License-Identifier: MIT
/*
 * oopsfarm modules plan DIR [--list FILE] [--cmdline STR] [--recovery]
 *                           [--threads N] [--json]
 *
 * Reads a module directory (lib/modset.h) and prints the plan the board
 * agent would run with it (lib/modplan.h): waves of tasks, sequential
 * modules, skipped modules with their reasons, warnings, and the plan
 * hash that the agent prints in its BEGIN line.  The planning is lib's;
 * this file parses options and prints.
 *
 * Exit: 0 the plan loads every listed module, 1 something is skipped or
 * the directory cannot be read (the output is printed either way), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modplan.h"
#include "modset.h"
#include "oopsfarm.h"

#define PLAN_JSON_VERSION 1

struct warns {
	char **v;
	int n;
};

static void collect(const char *file, int line, const char *msg, void *userdata)
{
	struct warns *w = userdata;
	char **v = realloc(w->v, sizeof(*v) * (size_t)(w->n + 1)), *s;

	if (!v)
		return;
	w->v = v;
	if (line > 0 ? asprintf(&s, "%s:%d: %s", file, line, msg) < 0 : asprintf(&s, "%s: %s", file, msg) < 0)
		return;
	v[w->n++] = s;
}

static void print_json(const struct modset *ms, const struct modplan *p, const struct warns *w,
		       const char *error, const char *hash, int threads)
{
	bool first = true;

	printf("{\"version\":%d,\"hash\":", PLAN_JSON_VERSION);
	json_escape(stdout, hash);
	printf(",\"list\":");
	json_escape(stdout, ms->list ? ms->list : "");
	printf(",\"threads\":%d", threads);
	if (error) {
		printf(",\"error\":");
		json_escape(stdout, error);
	}
	printf(",\"waves\":[");
	for (int i = 0; i < p->nwaves; i++) {
		printf("%s[", i ? "," : "");
		for (int t = 0; t < p->waves[i].ntasks; t++) {
			printf("%s[", t ? "," : "");
			for (int k = 0; k < p->waves[i].tasks[t].n; k++) {
				if (k)
					putchar(',');
				json_escape(stdout, ms->mods[p->waves[i].tasks[t].e[k].mod].name);
			}
			putchar(']');
		}
		putchar(']');
	}
	printf("],\"sequential\":[");
	for (int i = 0; i < ms->n; i++) {
		if (!p->in_plan || !p->in_plan[i] || !ms->mods[i].sequential)
			continue;
		if (!first)
			putchar(',');
		first = false;
		json_escape(stdout, ms->mods[i].name);
	}
	printf("],\"skipped\":[");
	for (int k = 0; k < p->nskipped; k++) {
		printf("%s{\"module\":", k ? "," : "");
		json_escape(stdout, p->skipped[k].module);
		printf(",\"reason\":");
		json_escape(stdout, p->skipped[k].reason);
		putchar('}');
	}
	printf("],\"warnings\":[");
	for (int k = 0; k < w->n + p->nwarnings; k++) {
		if (k)
			putchar(',');
		json_escape(stdout, k < w->n ? w->v[k] : p->warnings[k - w->n]);
	}
	printf("]}\n");
}

static void print_text(const struct modset *ms, const struct modplan *p, const struct warns *w,
		       const char *hash, int threads)
{
	printf("plan %s: %s, %d listed, %d waves, %d loads, threads %s", hash, ms->list,
	       ms->nload + ms->unknown, p->nwaves, modplan_entries(p), threads ? "" : "one per CPU");
	if (threads)
		printf("%d", threads);
	putchar('\n');
	for (int i = 0; i < p->nwaves; i++) {
		const struct modplan_wave *wv = &p->waves[i];

		printf("wave %d%s: %d task%s\n", i + 1, wv->sequential ? " (sequential)" : "", wv->ntasks,
		       wv->ntasks == 1 ? "" : "s");
		for (int t = 0; t < wv->ntasks; t++) {
			printf("  ");
			for (int k = 0; k < wv->tasks[t].n; k++) {
				const struct module *m = &ms->mods[wv->tasks[t].e[k].mod];

				printf("%s%s%s%s%s", k ? " " : "", m->name, m->params[0] ? "(" : "",
				       m->params, m->params[0] ? ")" : "");
			}
			putchar('\n');
		}
	}
	for (int k = 0; k < p->nskipped; k++)
		printf("skipped %s: %s\n", p->skipped[k].module, p->skipped[k].reason);
	for (int k = 0; k < w->n + p->nwarnings; k++)
		printf("warning: %s\n", k < w->n ? w->v[k] : p->warnings[k - w->n]);
}

static int plan(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"list", required_argument, NULL, 'l'},
	    {"cmdline", required_argument, NULL, 'c'},
	    {"recovery", no_argument, NULL, 'r'},
	    {"threads", required_argument, NULL, 't'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *list = NULL, *cmdline = NULL;
	char listbuf[PATH_MAX], hash[17] = "-", *end, err[600] = "";
	bool json = false, recovery = false;
	int c, threads = 0, r;
	struct warns w = {0};
	struct modset ms = {0};
	struct modplan p = {0};

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = optarg;
			break;
		case 'c':
			cmdline = optarg;
			break;
		case 'r':
			recovery = true;
			break;
		case 'j':
			json = true;
			break;
		case 't':
			errno = 0;
			threads = (int)strtol(optarg, &end, 10);
			if (errno || *end || !*optarg || threads < 0 || threads > 256) {
				errorf("modules plan", "bad --threads '%s' (want 0..256, 0: one per CPU)",
				       optarg);
				return usage_hint("modules");
			}
			break;
		case 'h':
			printf("usage: oopsfarm modules plan DIR [--list FILE] [--cmdline STR] [--recovery]\n"
			       "                               [--threads N] [--json]\n"
			       "The plan the board agent runs with module directory DIR, as Android's\n"
			       "first stage would load it (doc/modules.md). --list: the list file (a name\n"
			       "in DIR or a path; default modules.load, or .charger/.recovery by the\n"
			       "command line and --recovery); --cmdline: the kernel command line\n"
			       "(MODULE.PARAM=VALUE, MODULE.load_sequential=1). Exit 0: every listed module\n"
			       "is planned; 1: something is skipped or unreadable; 2: usage.\n");
			return EXIT_OK;
		default:
			return usage_hint("modules");
		}
	}
	if (optind + 1 != argc) {
		errorf("modules plan",
		       optind >= argc ? "a module directory is needed" : "one module directory only");
		return usage_hint("modules");
	}
	if (!list)
		list = modset_list_name(cmdline, NULL, recovery);
	else if (list[0] != '/' && strchr(list, '/')) {
		/* a path from here, not a name in DIR */
		if (!getcwd(listbuf, sizeof(listbuf) - strlen(list) - 2)) {
			errorf("modules plan", "cannot get the current directory: %s", strerror(errno));
			return EXIT_TESTFAIL;
		}
		strcat(listbuf, "/");
		strcat(listbuf, list);
		list = listbuf;
	}
	struct modset_opts mo = {.list = list, .cmdline = cmdline, .warn = collect, .userdata = &w};

	r = modset_read(&ms, argv[optind], &mo);
	if (r < 0) {
		snprintf(err, sizeof(err), "cannot read the module set in '%s': %s", argv[optind],
			 strerror(-r));
		errorf("modules plan", "%s", err);
	} else if ((r = modplan_build(&ms, &p)) < 0 || (r = modplan_warn_absent(&p, &ms)) < 0) {
		snprintf(err, sizeof(err), "cannot plan: %s", strerror(-r));
		errorf("modules plan", "%s", err);
	} else {
		modplan_hash_hex(&p, hash);
	}
	if (json)
		print_json(&ms, &p, &w, err[0] ? err : NULL, hash, threads);
	else if (!err[0])
		print_text(&ms, &p, &w, hash, threads);
	r = err[0] || p.nskipped ? EXIT_TESTFAIL : EXIT_OK;
	for (int k = 0; k < w.n; k++)
		free(w.v[k]);
	free(w.v);
	modplan_free(&p);
	modset_free(&ms);
	return r;
}

int cmd_modules(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "plan"))
		return plan(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: oopsfarm modules plan DIR [options]   (oopsfarm modules plan --help)\n");
		return EXIT_OK;
	}
	errorf("modules", argc < 2 ? "a subcommand is needed: plan" : "unknown subcommand '%s'",
	       argc < 2 ? "" : argv[1]);
	return usage_hint("modules");
}
