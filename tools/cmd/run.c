// SPDX-License-Identifier: MIT
/*
 * oopsfarm run CAMPAIGN: the local farm (core/farm.h).
 *
 * Options and the campaign's overrides, then each variant's kernel and
 * initramfs and each setup's device tree from the board kind's recipe
 * (core/artifacts.h), then the farm loop, then the report
 * (report_print()).  Ctrl-C stops cleanly: every finished boot is stored.
 *
 * Exit: 0 the campaign ran (whatever it measured), 2 usage or bad spec,
 * 3 infra (a build failed, the store cannot be written), 130 interrupted.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "board/board.h"
#include "core/artifacts.h"
#include "core/campaign.h"
#include "core/farm.h"
#include "oopsfarm.h"
#include "report/report.h"
#include "store/queries.h"
#include "store/store.h"

static void on_signal(int sig)
{
	farm_stop();
}

/* --variant NAME[=PATCH[,PATCH...]] */
static int add_variant(struct campaign *c, const char *arg, bool *replaced)
{
	struct campaign_variant *v;
	const char *eq = strchr(arg, '=');
	char *patches, *save = NULL;

	if (!*replaced) {
		campaign_clear_variants(c);
		*replaced = true;
	}
	if (c->nvariants >= CAMPAIGN_MAX_VARIANTS) {
		errorf("run", "--variant %s: more than %d variants", arg, CAMPAIGN_MAX_VARIANTS);
		return -E2BIG;
	}
	v = &c->variants[c->nvariants++];
	v->name = eq ? strndup(arg, eq - arg) : strdup(arg);
	if (!campaign_name_valid(v->name))
		return -EINVAL;
	if (!eq || !eq[1])
		return 0;
	patches = strdup(eq + 1);
	for (char *p = strtok_r(patches, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (v->npatches >= CAMPAIGN_MAX_PATCHES) {
			errorf("run", "--variant %s: more than %d patches", v->name, CAMPAIGN_MAX_PATCHES);
			free(patches);
			return -E2BIG;
		}
		if (access(p, R_OK) < 0) {
			errorf("run", "--variant %s: cannot read patch '%s': %s", v->name, p,
			       strerror(errno));
			free(patches);
			return -ENOENT;
		}
		v->patches[v->npatches++] = strdup(p);
	}
	free(patches);
	return 0;
}

/* The campaign the quick flags describe when no spec is given: the demo's board setup. */
static struct campaign *quick_campaign(void)
{
	struct campaign *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->path = strdup("(command line)");
	c->name = strdup("quick");
	c->boots = 100;
	c->boards = 1;
	campaign_timeouts_default(&c->timeouts);
	c->setups[0] = (struct campaign_setup){
	    .name = strdup("smp2-wide1000"),
	    .board = strdup("qemu-smmuv3"),
	    .vcpus = 2,
	    .memory_mb = 1024,
	    .extra_nodes = 1000,
	    .cpu = strdup("max,pauth-impdef=on"),
	};
	c->nsetups = 1;
	c->variants[0].name = strdup("shipped");
	c->nvariants = 1;
	c->agent_args = strdup("mode=android threads=4 settle_ms=300");
	return c;
}

static void usage(void)
{
	printf("usage: oopsfarm run [options] [CAMPAIGN.yaml]\n\n"
	       "  --resume          continue a campaign the store already holds boots of\n"
	       "  --until           stop at the campaign's sequential verdict (its 'until' rule)\n"
	       "  --boards K        boot K boards at once (default: the spec's 'boards', or 1)\n"
	       "  --boots N         boots per variant and setup (with --until: the cap)\n"
	       "  --variant NAME[=PATCH[,PATCH]]  a kernel variant (repeat; replaces the spec's)\n"
	       "  --kernel-src DIR  kernel tree of variants that name none (default Debian's linux-source)\n"
	       "  --target TITLE    the crash title the campaign is about\n"
	       "  --name NAME       campaign name (default: the spec's, or 'quick')\n"
	       "  --timeout PHASE=SEC  a phase limit: start, kernel, agent_begin, agent_end, settle, idle\n"
	       "  --store FILE      results store (default build/run/<campaign>/results.db)\n"
	       "  --init FILE       static init for the initramfs (default the aarch64 agent)\n"
	       "  --no-agent        the init is not the oopsfarm agent: a clean console passes\n"
	       "  --append ARGS     extra kernel command line\n"
	       "  -h, --help        this help\n\n"
	       "Without CAMPAIGN.yaml the flags describe one: the demo's board setup (-smp 2, 1000 extra\n"
	       "gpio-keys nodes) and the variants given with --variant.  Variants are interleaved boot by\n"
	       "boot, each boot is stored at once, Ctrl-C stops cleanly, and the report is printed at the\n"
	       "end.  Exit: 0 ran (whatever it found), 2 usage, 3 infra, 130 interrupted.\n");
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {{"store", required_argument, NULL, 's'},
					     {"init", required_argument, NULL, 'i'},
					     {"no-agent", no_argument, NULL, 'A'},
					     {"boots", required_argument, NULL, 'n'},
					     {"append", required_argument, NULL, 'a'},
					     {"boards", required_argument, NULL, 'k'},
					     {"resume", no_argument, NULL, 'r'},
					     {"until", no_argument, NULL, 'u'},
					     {"variant", required_argument, NULL, 'V'},
					     {"kernel-src", required_argument, NULL, 'K'},
					     {"target", required_argument, NULL, 'T'},
					     {"name", required_argument, NULL, 'N'},
					     {"timeout", required_argument, NULL, 't'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *store_path = NULL, *init = "build/aarch64-linux-gnu/oopsfarm-agent", *extra = "";
	const char *kernel_src = NULL, *target = NULL, *name = NULL;
	const char *variant_args[CAMPAIGN_MAX_VARIANTS], *timeout_args[16];
	int nvariant_args = 0, ntimeout_args = 0, boards = 0;
	bool resume = false, until = false, replaced = false, no_agent = false;
	struct variant_art va[CAMPAIGN_MAX_VARIANTS] = {0};
	struct setup_art sa[CAMPAIGN_MAX_SETUPS] = {0};
	char dir[512], path[1024], err[ERR_MAX], spath[1024], *cmdline = NULL;
	const char *recipe;
	char recipe_buf[1024], rec_i[1024];
	struct campaign *c;
	struct store *s;
	struct farm f = {0};
	struct sigaction sact = {.sa_handler = on_signal}, old_int, old_term;
	struct rusage ru0, ru1;
	int opt, r, boots = 0, stored;
	long cores;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			store_path = optarg;
			break;
		case 'i':
			init = optarg;
			break;
		case 'A':
			no_agent = true;
			break;
		case 'n':
			boots = atoi(optarg);
			if (boots < 1) {
				errorf("run", "--boots needs a positive number, not '%s'", optarg);
				return usage_hint("run");
			}
			break;
		case 'a':
			extra = optarg;
			break;
		case 'k':
			boards = atoi(optarg);
			if (boards < 1 || boards > 256) {
				errorf("run", "--boards needs a number from 1 to 256, not '%s'", optarg);
				return usage_hint("run");
			}
			break;
		case 'r':
			resume = true;
			break;
		case 'u':
			until = true;
			break;
		case 'V':
			if (nvariant_args == CAMPAIGN_MAX_VARIANTS) {
				errorf("run", "more than %d variants", CAMPAIGN_MAX_VARIANTS);
				return EXIT_USAGE;
			}
			variant_args[nvariant_args++] = optarg;
			break;
		case 'K':
			kernel_src = optarg;
			break;
		case 'T':
			target = optarg;
			break;
		case 'N':
			name = optarg;
			break;
		case 't':
			if (ntimeout_args == 16)
				return usage_hint("run");
			timeout_args[ntimeout_args++] = optarg;
			break;
		case 'h':
			usage();
			return EXIT_OK;
		default:
			return usage_hint("run");
		}
	}
	if (optind < argc - 1) {
		errorf("run", "one campaign file at most");
		return usage_hint("run");
	}
	if (optind == argc - 1) {
		if (campaign_load(argv[optind], &c, err, sizeof(err)) < 0) {
			errorf("run", "%s", err);
			return EXIT_USAGE;
		}
	} else if (!nvariant_args) {
		errorf("run", "a campaign file or --variant flags are needed");
		return usage_hint("run");
	} else if (!(c = quick_campaign())) {
		return EXIT_INFRA;
	}
	for (int k = 0; k < nvariant_args; k++) {
		r = add_variant(c, variant_args[k], &replaced);
		if (r < 0) {
			if (r != -ENOENT && r != -E2BIG) /* those said what they are */
				errorf("run", "--variant '%s': a plain NAME[=PATCH[,PATCH]] is needed",
				       variant_args[k]);
			campaign_free(c);
			return EXIT_USAGE;
		}
		for (int j = 0; j < c->nvariants - 1; j++)
			if (!strcmp(c->variants[j].name, c->variants[c->nvariants - 1].name)) {
				errorf("run", "--variant: '%s' is named twice", c->variants[j].name);
				campaign_free(c);
				return EXIT_USAGE;
			}
	}
	for (int k = 0; k < ntimeout_args; k++)
		if (campaign_timeout_set(&c->timeouts, timeout_args[k]) < 0) {
			errorf("run",
			       "--timeout '%s': PHASE=SECONDS is needed, PHASE one of start, kernel,"
			       " agent_begin, agent_end, settle, idle",
			       timeout_args[k]);
			campaign_free(c);
			return EXIT_USAGE;
		}
	if (kernel_src)
		for (int v = 0; v < c->nvariants; v++)
			if (!c->variants[v].kernel_src)
				c->variants[v].kernel_src = strdup(kernel_src);
	if (target) {
		free(c->target);
		c->target = strdup(target);
	}
	if (name) {
		if (!campaign_name_valid(name)) {
			errorf("run", "--name '%s': a name is " CAMPAIGN_NAME_RULE, name);
			campaign_free(c);
			return EXIT_USAGE;
		}
		free(c->name);
		c->name = strdup(name);
	}
	if (boots > 0)
		c->boots = boots;
	if (boards > 0)
		c->boards = boards;
	if (until || c->stop == STOP_SEQUENTIAL) {
		if (!c->has_until) {
			errorf("run", "--until needs the campaign's 'until' rule (doc/campaign.md)");
			campaign_free(c);
			return EXIT_USAGE;
		}
		if (replaced) {
			/* the rule names variants by name: find them again */
			c->until.control_idx =
			    c->until.control ? campaign_variant_index(c, c->until.control) : -1;
			c->until.treatment_idx = campaign_variant_index(c, c->until.treatment);
			if (c->until.treatment_idx < 0 ||
			    (c->until.test == SEQ_COMPARE && c->until.control_idx < 0)) {
				errorf("run",
				       "--until: the rule's variants are not among the --variant ones");
				campaign_free(c);
				return EXIT_USAGE;
			}
		}
		f.sequential = true;
		if (boots > 0)
			c->until.max_boots = boots;
		c->boots = c->until.max_boots;
	}
	/* each setup's board kind; the variants are built with their one recipe */
	for (int i = 0; i < c->nsetups; i++) {
		sa[i].kind = board_kind_find(c->setups[i].board);
		if (!sa[i].kind || !sa[i].kind->ops) {
			errorf("run", "setup '%s': board '%s' has no local backend (known: %s)",
			       c->setups[i].name, c->setups[i].board, board_kind_names());
			campaign_free(c);
			return EXIT_USAGE;
		}
		if (sa[i].kind->max_boards && c->boards > sa[i].kind->max_boards) {
			errorf("run", "setup '%s': a %s board is one board: run it with boards: %d, not %d",
			       c->setups[i].name, sa[i].kind->name, sa[i].kind->max_boards, c->boards);
			campaign_free(c);
			return EXIT_USAGE;
		}
		if (board_recipe(c->setups[i].board, i ? rec_i : recipe_buf, sizeof(recipe_buf), err,
				 sizeof(err)) < 0) {
			errorf("run", "setup '%s': %s", c->setups[i].name, err);
			campaign_free(c);
			return EXIT_USAGE;
		}
		if (i > 0 && strcmp(rec_i, recipe_buf)) {
			errorf("run",
			       "setups '%s' and '%s' boot kernels from different recipes: one run builds one",
			       c->setups[0].name, c->setups[i].name);
			campaign_free(c);
			return EXIT_USAGE;
		}
	}
	cmdline = farm_cmdline(c, extra, err, sizeof(err));
	if (!cmdline) {
		errorf("run", "%s", err);
		campaign_free(c);
		return EXIT_USAGE;
	}
	recipe = recipe_buf[0] ? recipe_buf : NULL;
	if (recipe && access(init, R_OK) < 0) {
		errorf("run",
		       "cannot read the init binary '%s': %s (make agent CROSS_COMPILE=aarch64-linux-gnu-)",
		       init, strerror(errno));
		free(cmdline);
		campaign_free(c);
		return EXIT_INFRA;
	}
	/* oversubscribed vCPUs hide races (-smp 8 on 2 cores: 0 crashes in 100 boots) */
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 0; i < c->nsetups; i++)
		if ((long)c->boards * c->setups[i].vcpus > cores)
			fprintf(
			    stderr,
			    "oopsfarm run: warning: %d boards x %d vCPUs (setup '%s') exceed the host's %ld"
			    " cores: oversubscribed vCPUs hide races; each boot records the host's load\n",
			    c->boards, c->setups[i].vcpus, c->setups[i].name, cores);
	snprintf(dir, sizeof(dir), "build/run/%s", c->name);
	snprintf(path, sizeof(path), "%s/logs", dir);
	if (file_mkdir_p(path) < 0) {
		errorf("run", "cannot make '%s': %s", path, strerror(errno));
		free(cmdline);
		campaign_free(c);
		return EXIT_INFRA;
	}
	if (!store_path) {
		snprintf(spath, sizeof(spath), "%s/results.db", dir);
		store_path = spath;
	}
	r = store_open(store_path, &s);
	if (r < 0) {
		errorf("run", "cannot open store '%s': %s", store_path, store_strerror(r));
		free(cmdline);
		campaign_free(c);
		return EXIT_INFRA;
	}
	/* a campaign that has boots already continues only when asked to */
	{
		char *stored_target = NULL;
		int known;

		stored = 0;
		known = store_campaign_find(s, c->name, NULL, &stored_target, &stored);
		if (known < 0) {
			errorf("run", "cannot read store '%s': %s", store_path, store_strerror(known));
			store_close(s);
			free(cmdline);
			campaign_free(c);
			return EXIT_INFRA;
		}
		if (stored > 0 && !resume) {
			errorf("run",
			       "campaign '%s' already has %d boots in '%s': --resume continues it,"
			       " --store or --name starts another",
			       c->name, stored, store_path);
			free(stored_target);
			store_close(s);
			free(cmdline);
			campaign_free(c);
			return EXIT_USAGE;
		}
		if (known && strcmp(stored_target, c->target ? c->target : "")) {
			errorf("run", "campaign '%s' in '%s' is about '%s', not '%s': --name starts another",
			       c->name, store_path, stored_target, c->target ? c->target : "(any crash)");
			free(stored_target);
			store_close(s);
			free(cmdline);
			campaign_free(c);
			return EXIT_USAGE;
		}
		free(stored_target);
	}
	if (store_campaign(s, c->name, c->target, c->path, &f.cid) < 0)
		goto store_failed;
	if (f.sequential) {
		char line[512];

		campaign_until_format(&c->until, line, sizeof(line));
		if (store_campaign_set_until(s, f.cid, line) < 0)
			goto store_failed;
	}
	/* artifacts: kernels (cached by build-kernel.sh), initramfs, DTBs */
	for (int v = 0; v < c->nvariants; v++) {
		if (recipe) {
			fprintf(stderr, "oopsfarm run: building variant '%s'\n", c->variants[v].name);
			if (artifacts_variant(recipe, &c->variants[v], init, dir, &va[v].a, err,
					      sizeof(err)) < 0) {
				errorf("run", "%s", err);
				goto infra;
			}
		}
		if (store_variant(s, f.cid, c->variants[v].name, va[v].a.version, va[v].a.patches, NULL,
				  va[v].a.build_id, &va[v].id) < 0)
			goto store_failed;
	}
	for (int i = 0; i < c->nsetups; i++) {
		struct campaign_setup *st = &c->setups[i];

		if (recipe && artifacts_setup_dtb(recipe, st, dir, false, sa[i].dtb, sizeof(sa[i].dtb), err,
						  sizeof(err)) < 0) {
			errorf("run", "%s", err);
			goto infra;
		}
		if (store_setup(s, f.cid, st->name, st->vcpus, st->memory_mb, NULL, st->cpu, &sa[i].id) < 0)
			goto store_failed;
	}

	f.c = c;
	f.agent_expected = !no_agent;
	f.s = s;
	f.dir = dir;
	f.va = va;
	f.sa = sa;
	f.cmdline = cmdline;
	f.boots = c->boots;
	r = farm_resume(&f);
	if (r < 0)
		goto store_failed;
	if (r > 0)
		fprintf(stderr, "oopsfarm run: resuming '%s': %d boots stored\n", c->name, r);
	fprintf(stderr, "oopsfarm run: %s: %d variants x %d setups x %s%d boots on %d board%s\n", c->name,
		c->nvariants, c->nsetups, f.sequential ? "at most " : "", c->boots, c->boards,
		c->boards == 1 ? "" : "s");

	sigaction(SIGINT, &sact, &old_int);
	sigaction(SIGTERM, &sact, &old_term);
	getrusage(RUSAGE_SELF, &ru0);
	f.t0 = board_now();
	r = farm_loop(&f, c->boards);
	getrusage(RUSAGE_SELF, &ru1);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	fprintf(stderr, "\n");
	{
		double own = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
			     (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
			     (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
			     (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;

		if (f.started_now > 0)
			fprintf(stderr,
				"oopsfarm run: %d boots in %.0f s; orchestrator %.2f CPU-s (%.2f%% of the"
				" boards' %.1f CPU-s)\n",
				f.started_now, board_now() - f.t0, own,
				f.boards_cpu > 0 ? 100 * own / f.boards_cpu : 0, f.boards_cpu);
	}
	farm_release(&f);
	free(cmdline);
	if (r == -EINTR) {
		fprintf(stderr, "oopsfarm run: interrupted: every finished boot is stored; `oopsfarm run "
				"--resume` continues\n");
		store_close(s);
		campaign_free(c);
		return 128 + SIGINT;
	}
	store_close(s);
	if (r < 0) {
		campaign_free(c);
		return EXIT_INFRA;
	}
	r = report_print(&(struct report_opts){.store = store_path, .campaign = c->name});
	campaign_free(c);
	return r;
store_failed:
	errorf("run", "cannot write to store '%s'", store_path);
infra:
	farm_release(&f);
	free(cmdline);
	store_close(s);
	campaign_free(c);
	return EXIT_INFRA;
}
