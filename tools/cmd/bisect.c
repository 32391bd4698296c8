// SPDX-License-Identifier: MIT
/*
 * oopsfarm bisect simulate: the bisect rules on synthetic histories
 * (core/bisect-sim.h), as a table or JSON lines.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bisect-run.h"
#include "core/bisect-sim.h"
#include "core/campaign.h"
#include "oopsfarm.h"

/* syzkaller's pkg/bisect tests each commit 10 times; git bisect boots once */
#define SYZKALLER_CUSTOMARY_N 10
#define GIT_CUSTOMARY_N	      1

static void sim_usage(FILE *f)
{
	fprintf(
	    f, "usage: oopsfarm bisect simulate [--commits N] [--rate P] [--build-cost C] [--build-fail F]\n"
	       "                                [--infra I] [--other O] [--confidence Q] [--trials T]\n"
	       "                                [--seed S] [--rule NAME[,NAME...]] [--max-n N] [--boards K]\n"
	       "                                [--measured M] [--json]\n\n"
	       "Runs each bisect rule (oopsfarm, git-retry, syzkaller, entropy-greedy, git-measured)\n"
	       "on the same seeded synthetic histories and prints boots, builds, cost (boots + C x\n"
	       "builds) and accuracy.  The fixed rules are shown at the smallest N that meets\n"
	       "--confidence (min-n: the trials do not show their accuracy below it, the one-sided\n"
	       "95%% upper bound is at least Q), at their customary N, and at the smallest N right on\n"
	       "as many trials as oopsfarm's rule (equal-acc).  git-measured is git-retry with N from\n"
	       "the rate measured at the bad end (3 crashes), its n in tenths of the boots per crash.\n"
	       "--boards K: oopsfarm's rule boots in rounds of K as `oopsfarm bisect --boards K`\n"
	       "does; rounds (wall time in boots) are shown.  --measured M: oopsfarm's rule starts\n"
	       "with M boots of the bad end measured before the bisect and not counted, as\n"
	       "`oopsfarm bisect --measured C/M` does (a large M: the rate known, as the fixed rules'\n"
	       "tuned N knows it).\n");
}

static void print_result(const struct bisect_sim_params *p, const struct bisect_sim_result *r,
			 const char *choice, bool json)
{
	if (json) {
		printf(
		    "{\"version\":1,\"rule\":\"%s\",\"n\":%d,\"choice\":\"%s\",\"commits\":%d,\"rate\":%g,"
		    "\"build_cost\":%g,\"build_fail\":%g,\"infra\":%g,\"other\":%g,\"confidence\":%g,"
		    "\"seed\":%llu,\"trials\":%d,\"mean_boots\":%.1f,\"p90_boots\":%.0f,\"mean_builds\":%.2f,"
		    "\"p90_builds\":%.0f,\"mean_cost\":%.1f,\"p90_cost\":%.0f,\"accuracy\":%.4f,"
		    "\"accuracy_lo\":%.4f,\"accuracy_hi\":%.4f,\"meets\":%s,\"boards\":%d,\"mean_rounds\":%."
		    "1f,"
		    "\"p90_rounds\":%.0f,\"measured\":%d}\n",
		    bisect_rule_name(r->rule), r->n, choice, p->commits, p->rate, p->build_cost,
		    p->build_fail, p->infra, p->other, p->confidence, (unsigned long long)p->seed, r->trials,
		    r->mean_boots, r->p90_boots, r->mean_builds, r->p90_builds, r->mean_cost, r->p90_cost,
		    r->accuracy, r->accuracy_lo, r->accuracy_hi,
		    bisect_sim_meets(r, p->confidence) ? "true" : "false", p->boards > 1 ? p->boards : 1,
		    r->mean_rounds, r->p90_rounds, r->rule == RULE_OOPSFARM ? p->measured : 0);
		return;
	}
	printf("%-15s %5d %-9s %10.1f %8.0f %8.2f %6.0f %10.1f %8.0f %7.4f %7.4f %7.4f %-5s %8.1f %6.0f\n",
	       bisect_rule_name(r->rule), r->n, choice, r->mean_boots, r->p90_boots, r->mean_builds,
	       r->p90_builds, r->mean_cost, r->p90_cost, r->accuracy, r->accuracy_lo, r->accuracy_hi,
	       bisect_sim_meets(r, p->confidence) ? "yes" : "no", r->mean_rounds, r->p90_rounds);
}

static int parse_double(const char *s, double *ret)
{
	char *end;

	errno = 0;
	*ret = strtod(s, &end);
	return errno || end == s || *end ? -EINVAL : 0;
}

static int cmd_simulate(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"commits", required_argument, NULL, 'n'},
	    {"rate", required_argument, NULL, 'p'},
	    {"build-cost", required_argument, NULL, 'C'},
	    {"build-fail", required_argument, NULL, 'F'},
	    {"infra", required_argument, NULL, 'I'},
	    {"other", required_argument, NULL, 'O'},
	    {"confidence", required_argument, NULL, 'q'},
	    {"trials", required_argument, NULL, 't'},
	    {"seed", required_argument, NULL, 's'},
	    {"rule", required_argument, NULL, 'r'},
	    {"max-n", required_argument, NULL, 'M'},
	    {"prior-a", required_argument, NULL, 'a'},
	    {"prior-b", required_argument, NULL, 'b'},
	    {"boards", required_argument, NULL, 'k'},
	    {"measured", required_argument, NULL, 'm'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct bisect_sim_params p;
	bool json = false;
	unsigned only = 0; /* the rules asked for, a bit each (0: all) */
	int max_n = 4096, c, ret = EXIT_OK;
	double ours = -1; /* oopsfarm's accuracy, once run */

	bisect_sim_params_default(&p);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		double v;

		if (c == 'h') {
			sim_usage(stdout);
			return EXIT_OK;
		}
		if (c == 'j') {
			json = true;
			continue;
		}
		if (c == 'r') {
			for (char *name = optarg, *end; name; name = end) {
				int r;

				end = strchr(name, ',');
				if (end)
					*end++ = 0;
				r = bisect_rule_find(name);
				if (r < 0) {
					errorf("bisect",
					       "unknown rule '%s' (oopsfarm, git-retry, syzkaller, "
					       "entropy-greedy, git-measured)",
					       name);
					return usage_hint("bisect simulate");
				}
				only |= 1u << r;
			}
			continue;
		}
		if (c == '?' || parse_double(optarg, &v) < 0) {
			if (c != '?')
				errorf("bisect", "'%s' is not a number", optarg);
			return usage_hint("bisect simulate");
		}
		switch (c) {
		case 'n':
			p.commits = (int)v;
			break;
		case 'p':
			p.rate = v;
			break;
		case 'C':
			p.build_cost = v;
			break;
		case 'F':
			p.build_fail = v;
			break;
		case 'I':
			p.infra = v;
			break;
		case 'O':
			p.other = v;
			break;
		case 'q':
			p.confidence = v;
			break;
		case 't':
			p.trials = (int)v;
			break;
		case 's':
			p.seed = (uint64_t)v;
			break;
		case 'M':
			max_n = (int)v;
			break;
		case 'a':
			p.prior_a = v;
			break;
		case 'b':
			p.prior_b = v;
			break;
		case 'k':
			p.boards = (int)v;
			break;
		case 'm':
			p.measured = (int)v;
			break;
		}
	}
	if (optind < argc) {
		errorf("bisect", "unexpected argument '%s'", argv[optind]);
		return usage_hint("bisect simulate");
	}
	if (!json) {
		printf("# %d commits, rate %g, build cost %g, build failures %g, infra %g, other titles %g,"
		       " confidence %g, %d trials, seed %llu, measured %d\n",
		       p.commits, p.rate, p.build_cost, p.build_fail, p.infra, p.other, p.confidence,
		       p.trials, (unsigned long long)p.seed, p.measured);
		printf("%-15s %5s %-9s %10s %8s %8s %6s %10s %8s %7s %7s %7s %-5s %8s %6s\n", "rule", "n",
		       "choice", "mean_boots", "p90", "builds", "p90", "mean_cost", "p90", "acc", "acc_lo",
		       "acc_hi", "meets", "rounds", "p90");
	}
	for (int r = 0; r < NRULES; r++) {
		struct bisect_sim_result res;
		int err;

		if (only && !(only & 1u << r))
			continue;
		if (r == RULE_OOPSFARM || r == RULE_ENTROPY_GREEDY) {
			err = bisect_sim_run(&p, r, 0, &res);
			if (!err)
				print_result(&p, &res, "bayes", json);
			if (!err && r == RULE_OOPSFARM)
				ours = res.accuracy;
		} else {
			int customary = r == RULE_SYZKALLER ? SYZKALLER_CUSTOMARY_N : GIT_CUSTOMARY_N;

			/* -ERANGE: max_n did not suffice, its figures are shown as "max-n" */
			err = bisect_sim_min_n(&p, r, max_n, &res);
			if (!err || err == -ERANGE) {
				print_result(&p, &res, err ? "max-n" : "min-n", json);
				err = 0;
			}
			/* git-measured has no customary N: it is ours, not a tool's */
			if (!err && r != RULE_GIT_MEASURED && !(err = bisect_sim_run(&p, r, customary, &res)))
				print_result(&p, &res, "customary", json);
			/* at oopsfarm's accuracy on the same histories */
			if (!err && ours >= 0) {
				err = bisect_sim_min_n_matching(&p, r, max_n, ours, &res);
				if (!err || err == -ERANGE) {
					print_result(&p, &res, err ? "max-n" : "equal-acc", json);
					err = 0;
				}
			}
		}
		if (err < 0) {
			errorf("bisect", "simulate %s: %s", bisect_rule_name(r), strerror(-err));
			ret = err == -EINVAL ? EXIT_USAGE : EXIT_INFRA;
			break;
		}
		fflush(stdout);
	}
	return ret;
}

static void step_usage(FILE *f)
{
	fprintf(f,
		"usage: git bisect run oopsfarm bisect step (--target TITLE | --campaign FILE) --boot CMD\n"
		"                      [--build CMD] [--tree DIR] [--rate P] [--background EPS]\n"
		"                      [--alpha A] [--beta B] [--max-boots N] [--logs DIR]\n\n"
		"Tests the checkout for git bisect run: builds it (a failure is git's skip), then boots\n"
		"it until Wald's sequential test of 'the target shows at rate EPS (0)' against 'at rate\n"
		"P (0.1)' decides at error rates A (0.05, good called bad) and B (0.05, bad called\n"
		"good).  With EPS 0 one target crash is bad, and good is enough passes in a row (28 at\n"
		"P 0.1).  Exit: 0 good, 1 bad, 125 skip (no build, infra 3 times in a row, undecided\n"
		"after --max-boots, default 200); 255 on bad options, which stops git bisect run.\n");
}

static int cmd_step(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"target", required_argument, NULL, 't'},
	    {"campaign", required_argument, NULL, 'c'},
	    {"boot", required_argument, NULL, 'R'},
	    {"build", required_argument, NULL, 'B'},
	    {"tree", required_argument, NULL, 'T'},
	    {"rate", required_argument, NULL, 'p'},
	    {"background", required_argument, NULL, 'e'},
	    {"alpha", required_argument, NULL, 'a'},
	    {"beta", required_argument, NULL, 'b'},
	    {"max-boots", required_argument, NULL, 'm'},
	    {"logs", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct bisect_step_opts o = {.tree = ".", .rate = 0.1, .alpha = 0.05, .beta = 0.05, .max_boots = 200};
	struct campaign *camp = NULL;
	char logs[256];
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		double v = 0;

		if (c && strchr("peabm", c) && parse_double(optarg, &v) < 0) {
			errorf("bisect step", "'%s' is not a number", optarg);
			campaign_free(camp);
			return BISECT_STEP_ABORT;
		}
		switch (c) {
		case 'h':
			step_usage(stdout);
			campaign_free(camp);
			return EXIT_OK;
		case 't':
			o.target = optarg;
			break;
		case 'c': {
			char e[ERR_MAX];

			campaign_free(camp);
			if (campaign_load(optarg, &camp, e, sizeof(e)) < 0) {
				errorf("bisect step", "%s", e);
				return BISECT_STEP_ABORT;
			}
			break;
		}
		case 'R':
			o.boot_cmd = optarg;
			break;
		case 'B':
			o.build_cmd = optarg;
			break;
		case 'T':
			o.tree = optarg;
			break;
		case 'p':
			o.rate = v;
			break;
		case 'e':
			o.eps = v;
			break;
		case 'a':
			o.alpha = v;
			break;
		case 'b':
			o.beta = v;
			break;
		case 'm':
			o.max_boots = (int)v;
			break;
		case 'L':
			o.log_dir = optarg;
			break;
		default:
			fprintf(stderr,
				"Try 'oopsfarm bisect step --help' (exit 255 stops git bisect run)\n");
			campaign_free(camp);
			return BISECT_STEP_ABORT;
		}
	}
	if (!o.target && camp)
		o.target = camp->target;
	if (optind < argc || !o.target || !o.boot_cmd) {
		errorf("bisect step", "a target (--target or a campaign's) and --boot are needed");
		ret = BISECT_STEP_ABORT;
	} else if (!(o.eps >= 0 && o.eps < o.rate && o.rate < 1) || !(o.alpha > 0 && o.alpha < 0.5) ||
		   !(o.beta > 0 && o.beta < 0.5) || o.max_boots < 1) {
		errorf("bisect step", "0 <= --background < --rate < 1, --alpha and --beta in (0, 0.5), "
				      "--max-boots at least 1");
		ret = BISECT_STEP_ABORT;
	} else {
		if (!o.log_dir) {
			snprintf(logs, sizeof(logs), "%s/oopsfarm-bisect-step",
				 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
			o.log_dir = logs;
		}
		ret = bisect_step_run(&o);
	}
	campaign_free(camp);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: oopsfarm bisect --good REV --bad REV (--target TITLE | --campaign FILE) --boot CMD\n"
		"                       --store FILE [--tree DIR] [--build CMD] [--confidence Q] "
		"[--max-boots N]\n"
		"                       [--end-boots N] [--good-boots N | --good-vouched] [--build-cost C]\n"
		"                       [--measured C/N] [--boards K] [--logs DIR] [--resume] [--json]\n"
		"       oopsfarm bisect --good REV --bad REV --campaign FILE [--setup NAME] --build CMD\n"
		"                       --store FILE [--init FILE] [--no-agent] [options above]\n"
		"       oopsfarm bisect ... --campaign FILE --build CMD --lava URL [--token-file FILE]\n"
		"                       [--artifacts-url BASE] [--artifacts-dir DIR] [--template FILE]\n"
		"                       [--boots-per-job N]\n"
		"       oopsfarm bisect simulate [options]\n"
		"       git bisect run oopsfarm bisect step [options]   (see --help there)\n\n"
		"Finds the first commit of good..bad (git rev-list --first-parent) whose boots show the\n"
		"target crash title, however rarely, with a Bayesian posterior over the culprit\n"
		"(doc/bisect.md).  Each step checks out a commit in --tree, runs the build command\n"
		"(exit 0 built, else the commit is skipped) and the boot command (its output is the\n"
		"console; exit 0 a boot, else infra, retried), both with sh -c in the tree and\n"
		"OOPSFARM_COMMIT, OOPSFARM_BOOT, OOPSFARM_TREE set.  Every build and boot goes in the\n"
		"store; --resume goes on after an interruption.  Without --boot, boots go through the farm\n"
		"loop on the campaign's setup (any board kind; the build command leaves the commit's kernel\n"
		"in $OOPSFARM_OUT); with --lava URL, each step submits LAVA jobs of the commit\n"
		"(as `oopsfarm lava submit`) and waits for them.  --boards K boots K at a time at the\n"
		"step's commit (LAVA: K jobs at a time).  --measured C/N: the bad end showed the target\n"
		"in C of N boots before (the campaign run that found it): evidence on the rate, not\n"
		"boots spent.  Exit: 0 an answer or the budget spent,\n"
		"1 the bad end never showed the target (or the good end did), 2 bad input, 3 infra.\n");
}

int cmd_bisect(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"tree", required_argument, NULL, 'T'},
	    {"good", required_argument, NULL, 'g'},
	    {"bad", required_argument, NULL, 'b'},
	    {"target", required_argument, NULL, 't'},
	    {"campaign", required_argument, NULL, 'c'},
	    {"build", required_argument, NULL, 'B'},
	    {"boot", required_argument, NULL, 'R'},
	    {"store", required_argument, NULL, 's'},
	    {"logs", required_argument, NULL, 'L'},
	    {"confidence", required_argument, NULL, 'q'},
	    {"max-boots", required_argument, NULL, 'm'},
	    {"end-boots", required_argument, NULL, 'e'},
	    {"good-boots", required_argument, NULL, 'G'},
	    {"good-vouched", no_argument, NULL, 'V'},
	    {"build-cost", required_argument, NULL, 'C'},
	    {"boards", required_argument, NULL, 'k'},
	    {"setup", required_argument, NULL, 'S'},
	    {"init", required_argument, NULL, 'i'},
	    {"no-agent", no_argument, NULL, 'A'},
	    {"lava", required_argument, NULL, 1000},
	    {"token-file", required_argument, NULL, 1001},
	    {"artifacts-url", required_argument, NULL, 1002},
	    {"artifacts-dir", required_argument, NULL, 1003},
	    {"template", required_argument, NULL, 1004},
	    {"boots-per-job", required_argument, NULL, 1005},
	    {"measured", required_argument, NULL, 1006},
	    {"resume", no_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct bisect_run_opts o = {
	    .tree = ".",
	    .confidence = 0.95,
	    .build_cost = -1,
	    .end_boots = 200,
	    .good_boots = 8,
	    .boards = 0, /* --boards, else the campaign's boards:, else 1 */
	    .init = "build/aarch64-linux-gnu/oopsfarm-agent",
	};
	struct bisect_lava_opts lava = {0};
	struct campaign *camp = NULL;
	int c, ret;

	if (argc >= 2 && !strcmp(argv[1], "simulate"))
		return cmd_simulate(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "step"))
		return cmd_step(argc - 1, argv + 1);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		double v = 0;

		if (c < 256 && strchr("qmeGCk", c) && parse_double(optarg, &v) < 0) {
			errorf("bisect", "'%s' is not a number", optarg);
			return usage_hint("bisect");
		}
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'T':
			o.tree = optarg;
			break;
		case 'g':
			o.good = optarg;
			break;
		case 'b':
			o.bad = optarg;
			break;
		case 't':
			o.target = optarg;
			break;
		case 'c': {
			char e[ERR_MAX];

			if (campaign_load(optarg, &camp, e, sizeof(e)) < 0) {
				errorf("bisect", "%s", e);
				return EXIT_USAGE;
			}
			break;
		}
		case 'B':
			o.build_cmd = optarg;
			break;
		case 'R':
			o.boot_cmd = optarg;
			break;
		case 's':
			o.store_path = optarg;
			break;
		case 'L':
			o.log_dir = optarg;
			break;
		case 'q':
			o.confidence = v;
			break;
		case 'm':
			o.max_boots = (int)v;
			break;
		case 'e':
			o.end_boots = (int)v;
			break;
		case 'G':
			o.good_boots = (int)v;
			break;
		case 'V':
			o.good_boots = 0;
			break;
		case 'C':
			o.build_cost = v;
			break;
		case 'k':
			o.boards = (int)v;
			if (v != o.boards || o.boards < 1 || o.boards > BISECT_MAX_BOARDS) {
				errorf("bisect", "--boards needs a number from 1 to %d, not '%s'",
				       BISECT_MAX_BOARDS, optarg);
				return usage_hint("bisect");
			}
			break;
		case 'S':
			o.setup = optarg;
			break;
		case 'i':
			o.init = optarg;
			break;
		case 'A':
			o.no_agent = true;
			break;
		case 1000:
			lava.url = optarg;
			o.lava = &lava;
			break;
		case 1001:
			lava.token_file = optarg;
			break;
		case 1002:
			lava.artifacts_url = optarg;
			break;
		case 1003:
			lava.artifacts_dir = optarg;
			break;
		case 1004:
			lava.template = optarg;
			break;
		case 1005:
			if (parse_double(optarg, &v) < 0 || v != (int)v || v < 1 || v > 500) {
				errorf("bisect", "--boots-per-job needs a number from 1 to 500, not '%s'",
				       optarg);
				return usage_hint("bisect");
			}
			lava.boots_per_job = (int)v;
			break;
		case 1006: {
			unsigned long crashes, boots = 0;
			char *end, *slash = strchr(optarg, '/');

			errno = 0;
			crashes = strtoul(optarg, &end, 10);
			if (slash && end == slash && isdigit((unsigned char)optarg[0]) &&
			    isdigit((unsigned char)slash[1]))
				boots = strtoul(slash + 1, &end, 10);
			if (errno || *end || !boots || boots > 10000000 || crashes > boots) {
				errorf("bisect",
				       "--measured needs CRASHES/BOOTS of the bad end, e.g. 9/132 (at least "
				       "one boot, at most 10^7, no more crashes than boots), not '%s'",
				       optarg);
				return usage_hint("bisect");
			}
			o.measured_crashes = (unsigned)crashes;
			o.measured_boots = (unsigned)boots;
			break;
		}
		case 'r':
			o.resume = true;
			break;
		case 'j':
			o.json = true;
			break;
		default:
			return usage_hint("bisect");
		}
	}
	if (!o.target && camp)
		o.target = camp->target;
	o.campaign = camp;
	if (!o.boards)
		o.boards = camp && camp->boards > 0 && camp->boards <= BISECT_MAX_BOARDS ? camp->boards : 1;
	if (optind < argc) {
		errorf("bisect", "unexpected argument '%s'", argv[optind]);
		ret = usage_hint("bisect");
	} else if (!o.good || !o.bad || (!o.boot_cmd && !camp) || !o.store_path || !o.target) {
		errorf("bisect", "--good, --bad, --store, a target (--target or a campaign's) and --boot or "
				 "--campaign are needed");
		ret = usage_hint("bisect");
	} else if (o.lava && (o.boot_cmd || !camp)) {
		errorf("bisect",
		       "--lava boots the campaign's setup as LAVA jobs: it needs --campaign and no --boot");
		ret = usage_hint("bisect");
	} else if (!o.lava && (lava.token_file || lava.artifacts_url || lava.artifacts_dir || lava.template ||
			       lava.boots_per_job)) {
		errorf("bisect",
		       "--token-file, --artifacts-url, --artifacts-dir, --template and --boots-per-job "
		       "go with --lava");
		ret = usage_hint("bisect");
	} else if (!o.boot_cmd && !o.build_cmd) {
		errorf("bisect", "booting through the campaign's board needs --build: it leaves each "
				 "commit's kernel in $OOPSFARM_OUT");
		ret = usage_hint("bisect");
	} else if (!(o.confidence > 0 && o.confidence < 1) || o.end_boots < 1 || o.good_boots < 0) {
		errorf("bisect", "--confidence must be in (0, 1), --end-boots at least 1");
		ret = usage_hint("bisect");
	} else {
		ret = bisect_run(&o);
	}
	campaign_free(camp);
	return ret;
}
