/* SPDX-License-Identifier: MIT */
/*
 * modset.h - a module directory as Android's libmodprobe reads it.
 *
 * modset_read() reads, from one module directory, in libmodprobe's order:
 *   modules.alias	"alias <glob> <module>", kept in file order
 *   modules.dep	"<path>: <dep path> ...", every dependency, deepest
 *			last (depmod's transitive order); a later line for
 *			the same module replaces an earlier one; paths are
 *			absolute or relative to the directory, per path
 *   modules.softdep	"softdep <module> pre: a b post: c"; lines for one
 *			module add up; the subject must be written canonical
 *   the list file	modules.load (or .recovery / .charger, see
 *			modset_list_name()); one module a line, first field
 *   modules.options	"options <module> <params...>": the first line for
 *			a module wins, later ones are reported and ignored
 *   modules.blocklist	"blocklist <module>"
 *   the kernel command line: every "<module>.<param>=<value>" word adds
 *			"<param>=<value>" after the file options
 * A missing file reads as empty, except modules.dep (-ENOENT).  Lines
 * starting with '#' (after blanks) and empty lines are skipped.  Anything
 * else that does not parse is reported through the warn callback and
 * ignored; nothing is fatal.  Where this reader departs from libmodprobe
 * on purpose (whitespace, one-letter names, compressed suffixes, options
 * without file, dyn_options) is in doc/modules.md.
 *
 * Names are canonical: the text after the last '/', without ".ko" (or
 * ".ko.xz", ".ko.zst", ".ko.gz"), with every '-' turned into '_'.
 *
 * "load_sequential=1" anywhere in a module's options (file or command
 * line, matched as a substring as libmodprobe does) marks the module
 * sequential and is taken out of the parameters it gets.
 *
 * The result owns every string; modset_free() frees it.  Only files are
 * read: whether a .ko exists is the caller's business (the planner warns).
 */
#ifndef OOPSFARM_MODSET_H
#define OOPSFARM_MODSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct modset_softdep {
	char *target; /* as written: a module name or an alias */
	bool post;    /* post: (else pre:) */
};

struct module {
	char *name;  /* canonical */
	char *path;  /* as in modules.dep; "" when it has no line there */
	bool in_dep; /* has its own modules.dep line */
	int *deps;   /* modules.dep dependencies, file order, indices */
	int ndeps;
	struct modset_softdep *soft; /* softdeps whose subject is this module, file order */
	int nsoft;
	char *params;	  /* options for finit_module, load_sequential=1 taken out */
	bool has_options; /* an options line was seen (the first one wins) */
	bool sequential;  /* load_sequential=1 */
	bool blocklisted;
	int load_index; /* first position in the list file, -1 if not listed */
	/*
	 * The modules this one waits for in eager mode: [0] is itself, then
	 * its dependencies, its pre-softdep targets, and the modules it is a
	 * post-softdep of.
	 */
	int *waits;
	int nwaits;
	bool barrier; /* in the agent's start barrier set (set by the caller) */
};

struct modset_alias {
	char *glob;
	char *target;
};

struct modset {
	char *dir;
	char *list; /* the list file that was read (path) */
	struct module *mods;
	int n;
	int *load; /* list order, indices into mods, no duplicates */
	int nload;
	char **unknown_names; /* listed names modules.dep does not have */
	int unknown;
	struct modset_alias *alias;
	int nalias;
};

/* Reads a whole file into a malloc'd NUL-terminated buffer; 0 or -errno. */
typedef int (*modset_read_fn)(const char *path, char **ret_buf, size_t *ret_len, void *userdata);

/* A problem in a file (line 0: not tied to a line); never fatal. */
typedef void (*modset_warn_fn)(const char *file, int line, const char *msg, void *userdata);

struct modset_opts {
	/*
	 * The list file: a name in the directory or an absolute path.  NULL:
	 * modules.load.  When a name other than modules.load is missing in
	 * the directory, modules.load is read instead (first-stage init does
	 * the same for .recovery and .charger).
	 */
	const char *list;
	const char *cmdline; /* kernel command line, NULL: none */
	modset_read_fn read; /* NULL: modset_read_file() */
	modset_warn_fn warn; /* NULL: problems are not reported */
	void *userdata;	     /* for read and warn */
};

/*
 * Reads the module set of dir.  Returns 0, -ENOENT when modules.dep is
 * missing, -ENOMEM.  On failure *ms is left empty (freeable).
 */
int modset_read(struct modset *ms, const char *dir, const struct modset_opts *o);

/* Frees what modset_read() allocated; a zeroed modset is fine. */
void modset_free(struct modset *ms);

/*
 * The default reader: open(O_RDONLY|O_NOFOLLOW) as libmodprobe, so a
 * config file that is a symlink reads as missing (-ELOOP).
 */
int modset_read_file(const char *path, char **ret_buf, size_t *ret_len, void *userdata);

/* Index of the module with canonical name name, or -1. */
int modset_find(const struct modset *ms, const char *name);

/* Writes the canonical form of a path or name into out (size bytes). */
void module_canonical(const char *path_or_name, char *out, size_t size);

/*
 * The file a module is opened from: its modules.dep path when absolute,
 * else dir/path.  Writes into out (size bytes).
 */
void modset_module_path(const struct modset *ms, const struct module *m, char *out, size_t size);

/*
 * Resolves a softdep target as libmodprobe's load-with-aliases: the
 * canonical name and the target of every alias whose glob matches the
 * name as written, sorted by name, each once; only modules with a
 * modules.dep line count.  Writes up to max indices into ret and returns
 * how many there are (may exceed max).
 */
int modset_resolve(const struct modset *ms, const char *name, int *ret, int max);

/*
 * The list file first-stage init reads in the boot mode that a kernel
 * command line and a bootconfig (either may be NULL) describe:
 * "modules.load.charger" when androidboot.mode is charger,
 * "modules.load.recovery" when recovery is true (the caller found
 * /system/bin/recovery) and androidboot.force_normal_boot is not 1,
 * else "modules.load".
 */
const char *modset_list_name(const char *cmdline, const char *bootconfig, bool recovery);

/*
 * Marks the modules named in list (separated by ',', '+' or spaces) as
 * barrier members.  Returns how many were found; names not in the set are
 * passed to warn.
 */
int modset_mark_barrier(struct modset *ms, const char *list, modset_warn_fn warn, void *userdata);

#endif
