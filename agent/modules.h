/* SPDX-License-Identifier: MIT */
/*
 * modules.h - the module set of a boot: modules.load and the depmod files
 * that say how to load it.
 *
 * modset_read() reads, from one modules directory (/lib/modules/<release>):
 *   modules.load	the modules to load, one a line (path or name); the
 *			membership, as on Android
 *   modules.dep	"path: dep1 dep2 ..." with every dependency, deepest
 *			last (depmod's order)
 *   modules.softdep	"softdep mod pre: a b post: c d"
 *   modules.options	"options mod params..."; "load_sequential=1" there
 *			marks a module that must load alone (Android)
 *   modules.blocklist	"blocklist mod"
 *   modules.alias	"alias pattern mod", to resolve softdeps that name
 *			an alias rather than a module
 * Only modules.load and modules.dep are required.  Names are canonical as
 * in libmodprobe: basename, no ".ko", '-' turned into '_'.
 *
 * The result is a table of every module needed (those listed plus their
 * dependencies), each with "waits", the list the loaders schedule by: the
 * module itself, then its modules.dep dependencies, then pre-softdeps, then
 * modules it is a post-softdep of, exactly the vector libmodprobe's
 * LoadModulesParallel() builds.  Softdeps count only when the other module
 * is in modules.load, as there.
 */
#ifndef OOPSFARM_AGENT_MODULES_H
#define OOPSFARM_AGENT_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct module {
	char *name;		/* canonical */
	char *path;		/* as in modules.dep, relative to the directory */
	char *params;		/* from modules.options, without load_sequential=1 */
	int *waits;		/* [0] is the module itself; see above */
	int nwaits;
	int load_index;		/* position in modules.load, -1 for dependencies only */
	bool sequential;	/* load_sequential=1 */
	bool blocklisted;
	bool barrier;		/* in the start barrier set (set by the caller) */
};

struct modset {
	char *dir;
	struct module *mods;
	int n;
	int *load;		/* modules.load order, indices into mods */
	int nload;
	int unknown;		/* modules.load entries missing from modules.dep */
};

/* Problems found while reading, for the caller's log (never fatal). */
typedef void (*modset_warn_fn)(const char *file, int line, const char *msg, void *userdata);

/*
 * Reads the module set from dir.  load_path is the modules.load to use
 * (NULL: dir/modules.load).  Entries of modules.load that modules.dep does
 * not know are reported through warn and counted in ->unknown.  Returns 0,
 * -ENOENT when modules.load or modules.dep is missing, -ENOMEM.
 */
int modset_read(struct modset *ms, const char *dir, const char *load_path, modset_warn_fn warn,
		void *userdata);

/* Frees what modset_read() allocated; a zeroed modset is fine. */
void modset_free(struct modset *ms);

/* Index of the module with canonical name name, or -1. */
int modset_find(const struct modset *ms, const char *name);

/* Writes the canonical form of a path or name into out (size bytes). */
void module_canonical(const char *path_or_name, char *out, size_t size);

/*
 * Marks the modules named in list (separated by ',', '+' or spaces) as
 * barrier members.  Returns how many were found; names not in the set are
 * passed to warn.
 */
int modset_mark_barrier(struct modset *ms, const char *list, modset_warn_fn warn, void *userdata);

#endif
