// SPDX-License-Identifier: MIT
/* bisect-farm.c - a bisect's boots through the farm loop (bisect-farm.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/artifacts.h"
#include "core/bisect-farm.h"
#include "core/bisect-lava.h"
#include "core/farm.h"
#include "util/file.h"

struct bisect_farm {
	struct bisect_farm_opts o;
	struct campaign c; /* one setup, one variant (the commit); borrows o.c's strings */
	char name[64], variant[64], dir[1024];
	struct variant_art va;
	struct setup_art sa;
	char *cmdline, *cmdline_commit; /* the campaign's; with the commit's cmdline file */
	char kargs[1024];		/* the commit's cmdline file */
	int64_t cid;
	struct bisect_lava_opts lopts;
	struct bisect_lava *lava; /* NULL: the local farm loop */
	bool kept;		  /* boots take the kernel from its directory */
};

/* The first line of dir/name into out ("" when there is none). */
static void first_line(const char *dir, const char *name, char *out, size_t size)
{
	char path[1200], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf = file_slurp(path, &len);
	snprintf(out, size, "%.*s", buf ? (int)strcspn(buf, "\n") : 0, buf ? buf : "");
	free(buf);
}

int bisect_farm_open(const struct bisect_farm_opts *o, struct bisect_farm **ret, char *err, size_t errsize)
{
	struct bisect_farm *bf = calloc(1, sizeof(*bf));
	const struct campaign_setup *st = NULL;
	char logs[1100];

	if (!bf) {
		snprintf(err, errsize, "out of memory");
		return -ENOMEM;
	}
	bf->o = *o;
	for (int i = 0; i < o->c->nsetups && !st; i++)
		if (!o->setup || !strcmp(o->c->setups[i].name, o->setup))
			st = &o->c->setups[i];
	if (!st) {
		snprintf(err, errsize, "campaign '%s' has no setup '%s'",
			 o->c->path ? o->c->path : o->c->name, o->setup ? o->setup : "(any)");
		goto inval;
	}
	bf->sa.kind = board_kind_find(st->board);
	{
		char recipe[1024], e[1024];

		/* a desk board boots what it has, unless it flashes what a recipe builds */
		bf->kept = o->lava || (bf->sa.kind && strcmp(bf->sa.kind->name, "desk")) ||
			   (board_recipe(st->board, recipe, sizeof(recipe), e, sizeof(e)) == 0 && recipe[0]);
	}
	if (o->lava && (!bf->sa.kind || !bf->sa.kind->recipe)) {
		snprintf(err, errsize, "setup '%s': board '%s' has no kernel recipe for LAVA jobs", st->name,
			 st->board);
		goto inval;
	}
	if (!o->lava && (!bf->sa.kind || !bf->sa.kind->ops)) {
		snprintf(err, errsize, "setup '%s': board '%s' has no local backend (known: %s)", st->name,
			 st->board, board_kind_names());
		goto inval;
	}
	if (!o->lava && bf->sa.kind->max_boards && o->boards > bf->sa.kind->max_boards) {
		snprintf(err, errsize, "setup '%s': a %s board is one board: --boards %d, not %d", st->name,
			 bf->sa.kind->name, bf->sa.kind->max_boards, o->boards);
		goto inval;
	}
	if (bf->sa.kind->recipe && (!o->init || access(o->init, R_OK) < 0)) {
		snprintf(err, errsize,
			 "cannot read the init binary '%s': %s (make agent CROSS_COMPILE=aarch64-linux-gnu-)",
			 o->init ? o->init : "", strerror(o->init ? errno : EINVAL));
		goto inval;
	}
	/* the step's campaign: the setup, the limits, the knobs, one variant */
	bf->c.name = bf->name;
	bf->c.target = o->target ? (char *)o->target : o->c->target;
	bf->c.setups[0] = *st;
	bf->c.nsetups = 1;
	bf->c.variants[0].name = bf->variant;
	bf->c.nvariants = 1;
	bf->c.timeouts = o->c->timeouts;
	bf->c.agent_args = o->c->agent_args;
	bf->c.boards = o->boards;
	snprintf(bf->name, sizeof(bf->name), "bisect-%lld", (long long)o->bisect_id);
	snprintf(bf->dir, sizeof(bf->dir), "%s", o->dir);
	bf->o.dir = bf->dir;
	snprintf(logs, sizeof(logs), "%s/logs", o->dir);
	if (file_mkdir_p(logs) < 0) {
		snprintf(err, errsize, "cannot make '%s': %s", logs, strerror(errno));
		goto io;
	}
	if (bf->sa.kind->recipe && artifacts_setup_dtb(bf->sa.kind->recipe, st, o->dir, o->lava != NULL,
						       bf->sa.dtb, sizeof(bf->sa.dtb), err, errsize) < 0)
		goto io;
	bf->cmdline = farm_cmdline(&bf->c, NULL, err, errsize);
	if (!bf->cmdline) {
		bisect_farm_free(bf);
		return -EINVAL;
	}
	if (store_campaign(o->s, bf->name, bf->c.target, o->c->path, &bf->cid) < 0 ||
	    store_setup(o->s, bf->cid, st->name, st->vcpus, st->memory_mb, NULL, st->cpu, &bf->sa.id) < 0) {
		snprintf(err, errsize, "cannot write the campaign of the bisect to the store");
		goto io;
	}
	if (o->lava) {
		struct bisect_lava_where w = {
		    .s = o->s,
		    .cid = bf->cid,
		    .sid = bf->sa.id,
		    .campaign = bf->name,
		    .c = o->c,
		    .st = &bf->c.setups[0],
		    .target = bf->c.target,
		    .dtb = bf->sa.dtb,
		    .dir = bf->dir,
		    .boards = o->boards,
		    .no_agent = o->no_agent,
		};
		int r;

		bf->lopts = *o->lava;
		bf->o.lava = &bf->lopts;
		r = bisect_lava_open(&bf->lopts, &w, &bf->lava, err, errsize);
		if (r < 0) {
			bisect_farm_free(bf);
			return r;
		}
	}
	*ret = bf;
	return 0;
inval:
	bisect_farm_free(bf);
	return -EINVAL;
io:
	bisect_farm_free(bf);
	return -EIO;
}

void bisect_farm_free(struct bisect_farm *bf)
{
	if (!bf)
		return;
	bisect_lava_free(bf->lava);
	free(bf->cmdline);
	free(bf->cmdline_commit);
	free(bf);
}

bool bisect_farm_kernel_kept(const struct bisect_farm *bf)
{
	return bf->kept;
}

int bisect_farm_kernel(struct bisect_farm *bf, const char *name, const char *kdir, char *err, size_t errsize)
{
	struct variant_artifacts *a = &bf->va.a;
	const char *recipe = bf->sa.kind->recipe;

	memset(&bf->va, 0, sizeof(bf->va));
	snprintf(bf->variant, sizeof(bf->variant), "%s", name);
	snprintf(a->kdir, sizeof(a->kdir), "%s", kdir);
	if ((size_t)snprintf(a->image, sizeof(a->image), "%s/Image", kdir) >= sizeof(a->image)) {
		snprintf(err, errsize, "the kernel directory '%s' is too long a path", kdir);
		return -ENAMETOOLONG;
	}
	if (access(a->image, R_OK) < 0) {
		snprintf(err, errsize, "the build left no kernel '%s': %s", a->image, strerror(errno));
		return -EIO;
	}
	first_line(kdir, "build-id", a->build_id, sizeof(a->build_id));
	first_line(kdir, "stamp", a->stamp, sizeof(a->stamp));
	first_line(kdir, "VERSION", a->version, sizeof(a->version));
	first_line(kdir, "cmdline", bf->kargs, sizeof(bf->kargs));
	free(bf->cmdline_commit);
	bf->cmdline_commit = NULL;
	/* the one command line rule, the commit's words as its extra (refused past the kernel's bound) */
	if (bf->kargs[0] && !(bf->cmdline_commit = farm_cmdline(&bf->c, bf->kargs, err, errsize)))
		return -EIO;
	if (recipe) {
		char mk[1100], last[1024];
		const char *margv[] = {mk, a->initrd, bf->o.init, kdir, NULL};

		if ((size_t)snprintf(a->initrd, sizeof(a->initrd), "%s/%s.cpio", bf->dir, name) >=
			sizeof(a->initrd) ||
		    (size_t)snprintf(mk, sizeof(mk), "%s/mkinitramfs.sh", recipe) >= sizeof(mk)) {
			snprintf(err, errsize, "the initramfs path of '%s' is too long", name);
			return -ENAMETOOLONG;
		}
		if (artifacts_run(margv, NULL, last, sizeof(last)) < 0) {
			snprintf(err, errsize, "the initramfs of '%s' failed (%s)", name, mk);
			return -EIO;
		}
	}
	if (store_variant(bf->o.s, bf->cid, name, a->version, "", NULL, a->build_id, &bf->va.id) < 0) {
		snprintf(err, errsize, "cannot write variant '%s' to the store", name);
		return -EIO;
	}
	if (bf->lava)
		return bisect_lava_kernel(bf->lava, name, bf->va.id, a, bf->kargs, err, errsize);
	return 0;
}

static void farm_fill(struct bisect_farm *bf, struct farm *f)
{
	*f = (struct farm){
	    .c = &bf->c,
	    .s = bf->o.s,
	    .cid = bf->cid,
	    .dir = bf->dir,
	    .va = &bf->va,
	    .sa = &bf->sa,
	    .cmdline = bf->cmdline_commit ? bf->cmdline_commit : bf->cmdline,
	    .agent_expected = !bf->o.no_agent,
	};
}

/* more boots than one commit ever gets (the farm's outcome array per step) */
#define MAX_BOOTS_AT_ONE_COMMIT 65536

int bisect_farm_boot(struct bisect_farm *bf, int m, bisect_farm_hook hook, void *userdata, char *err,
		     size_t errsize)
{
	struct farm f;
	int done, r;

	if (bf->lava)
		return bisect_lava_boot(bf->lava, m, hook, userdata, err, errsize);

	/* the boots stored at this commit so far (given-up infra included):
	 * the step boots the next m indices */
	farm_fill(bf, &f);
	f.boots = MAX_BOOTS_AT_ONE_COMMIT;
	bf->va.boots = bf->va.fails = 0;
	done = farm_resume(&f);
	farm_release(&f);
	if (done < 0) {
		snprintf(err, errsize, "the farm loop failed: %s", strerror(-done));
		return done;
	}
	farm_fill(bf, &f);
	f.boots = done + m < MAX_BOOTS_AT_ONE_COMMIT ? done + m : MAX_BOOTS_AT_ONE_COMMIT;
	bf->va.boots = bf->va.fails = 0; /* farm_resume counts them again */
	f.stored = hook;
	f.userdata = userdata;
	r = farm_resume(&f);
	if (r >= 0) {
		f.t0 = board_now();
		r = farm_loop(&f, bf->o.boards);
	}
	farm_release(&f);
	if (r < 0)
		snprintf(err, errsize, "the farm loop failed: %s", strerror(-r));
	return r < 0 ? r : 0;
}
