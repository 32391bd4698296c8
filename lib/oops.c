// SPDX-License-Identifier: MIT
/*
 * oops.c - streaming kernel crash report parser.  See oops.h for the model
 * and doc/signatures.md for titles, kinds and the hash.
 *
 * Everything here is a plain scan over bounded lines: prefix tests, memchr
 * and strstr on at most OOPS_LINE_MAX bytes per line against a fixed table,
 * so the work per input byte has a constant bound.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oops.h"

#define FRAMES_KEPT	64
#define QUIET_LINES	12	/* non-report lines that close a report */
#define YOUNG_LINES	40	/* a report is "young" this long if no stack yet */

/* How a header entry builds its title. */
enum title_rule {
	T_FIXED,	/* fmt is the title, no frame */
	T_FRAME,	/* fmt "...%s" gets the guilty frame */
	T_WARNING,	/* WARNING: CPU..at file func / new format */
	T_UNABLE,	/* arm64 "Unable to handle kernel X at virtual address" */
	T_KASAN,	/* "BUG: KASAN: type in func" + Read/Write */
	T_SANITIZER,	/* "BUG: KFENCE: what in func" -> "KFENCE: what in F" */
	T_KCSAN,	/* "BUG: KCSAN: data-race in a / b" */
	T_UBSAN,	/* "UBSAN: type in file:line" */
	T_PANIC,	/* "Kernel panic - not syncing: msg" */
	T_SPINLOCK,	/* "BUG: spinlock X on CPU#n" */
	T_BUG_GENERIC,	/* "BUG: text" */
	T_PERCPU,	/* "BUG: using X() in preemptible [..] code" */
	T_KASAN_RANGE,	/* "KASAN: null-ptr-deref in range [...]" */
};

/* Which frames are tried, in order, for the guilty frame. */
enum frame_src {
	F_PC_TRACE,	/* pc/RIP, then the call trace */
	F_HDR_PC_TRACE,	/* function in the header line, then pc, then trace */
	F_TRACE,	/* the call trace only */
	F_AT_TRACE,	/* lockdep's first "at: func", then the trace after "stack backtrace:" */
};

/* Extra frames that are generic for one kind of report only. */
enum skip_set {
	S_NONE = 0,
	S_SCHED = 1,	/* scheduler and waiting primitives */
	S_LOCK = 2,	/* locking primitives */
	S_ALLOC = 4,	/* allocators (kmemleak, KASAN frees) */
	S_IRQ = 8,	/* timer and IRQ plumbing (stalls) */
	S_HELPER = 16,	/* refcount/kobject/debugobjects/usercopy helpers */
};

enum hdr_flags {
	H_SECONDARY = 1,	/* part of a young report already open */
	H_ANYWHERE = 2,		/* may appear mid-line (after other text) */
	H_NO_STACK = 4,		/* title needs no frame; no stack expected */
	H_SAN_END = 8,		/* a "=====" line closes the report */
};

struct header {
	const char *match;	/* literal prefix (or substring with H_ANYWHERE) */
	enum oops_kind kind;
	enum title_rule rule;
	const char *fmt;
	enum frame_src src;
	unsigned skip;
	unsigned flags;
	const char *contains;	/* optional second literal the line must hold */
};

/*
 * The header table.  Order matters: the first entry whose match (and
 * contains) fits wins, so specific entries come before general ones.
 */
static const struct header headers[] = {
	/* arm64, arm, riscv: the fault line, then "Internal error: Oops" */
	{ "Unable to handle kernel ", OOPS_KIND_OOPS, T_UNABLE, NULL, F_PC_TRACE, 0, H_ANYWHERE, NULL },
	/* x86 and powerpc page faults */
	{ "BUG: kernel NULL pointer dereference", OOPS_KIND_OOPS, T_FRAME,
	  "BUG: unable to handle kernel NULL pointer dereference in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "BUG: Kernel NULL pointer dereference", OOPS_KIND_OOPS, T_FRAME,
	  "BUG: unable to handle kernel NULL pointer dereference in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "BUG: unable to handle kernel NULL pointer dereference", OOPS_KIND_OOPS, T_FRAME,
	  "BUG: unable to handle kernel NULL pointer dereference in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "BUG: unable to handle kernel paging request", OOPS_KIND_OOPS, T_FRAME,
	  "BUG: unable to handle kernel paging request in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "BUG: unable to handle page fault", OOPS_KIND_OOPS, T_FRAME,
	  "BUG: unable to handle kernel paging request in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "BUG: Unable to handle kernel data access", OOPS_KIND_OOPS, T_FRAME,
	  "BUG: unable to handle kernel paging request in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "BUG: Unable to handle kernel instruction fetch", OOPS_KIND_OOPS, T_FRAME,
	  "BUG: unable to handle kernel paging request in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "BUG: unable to handle kernel", OOPS_KIND_OOPS, T_FRAME,
	  "BUG: unable to handle kernel in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },

	/* sanitizers */
	{ "BUG: KASAN: ", OOPS_KIND_KASAN, T_KASAN, NULL, F_HDR_PC_TRACE, S_ALLOC, H_ANYWHERE | H_SAN_END, NULL },
	{ "BUG: KFENCE: ", OOPS_KIND_KFENCE, T_SANITIZER, "KFENCE: ", F_HDR_PC_TRACE, S_ALLOC, H_ANYWHERE | H_SAN_END, NULL },
	{ "BUG: KMSAN: ", OOPS_KIND_KMSAN, T_SANITIZER, "KMSAN: ", F_HDR_PC_TRACE, 0, H_ANYWHERE | H_SAN_END, NULL },
	{ "BUG: KCSAN: ", OOPS_KIND_KCSAN, T_KCSAN, NULL, F_TRACE, 0, H_ANYWHERE | H_SAN_END, NULL },
	{ "UBSAN: ", OOPS_KIND_UBSAN, T_UBSAN, NULL, F_TRACE, 0, H_SAN_END, NULL },
	/* secondary to a general protection fault */
	{ "KASAN: ", OOPS_KIND_KASAN, T_KASAN_RANGE, NULL, F_PC_TRACE, 0, H_SECONDARY, NULL },

	/* kernel BUG at file:line! */
	{ "kernel BUG at lib/list_debug.c", OOPS_KIND_BUG, T_FRAME, "BUG: corrupted list in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "kernel BUG at mm/usercopy.c", OOPS_KIND_BUG, T_FRAME, "BUG: bad usercopy in %s", F_PC_TRACE, S_HELPER, H_ANYWHERE, NULL },
	{ "kernel BUG at ", OOPS_KIND_BUG, T_FRAME, "kernel BUG in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "Kernel BUG at ", OOPS_KIND_BUG, T_FRAME, "kernel BUG in %s", F_PC_TRACE, 0, H_ANYWHERE, NULL },

	/* WARN_ON and lockdep's WARNING banners */
	{ "WARNING: possible circular locking dependency detected", OOPS_KIND_LOCKDEP, T_FRAME,
	  "possible deadlock in %s", F_AT_TRACE, S_LOCK, 0, NULL },
	{ "WARNING: possible recursive locking detected", OOPS_KIND_LOCKDEP, T_FRAME,
	  "possible deadlock in %s", F_AT_TRACE, S_LOCK, 0, NULL },
	{ "WARNING: possible irq lock inversion dependency detected", OOPS_KIND_LOCKDEP, T_FRAME,
	  "possible deadlock in %s", F_AT_TRACE, S_LOCK, 0, NULL },
	{ "WARNING: ", OOPS_KIND_LOCKDEP, T_FRAME, "possible deadlock in %s", F_AT_TRACE, S_LOCK, 0,
	  "lock order detected" },
	{ "WARNING: inconsistent lock state", OOPS_KIND_LOCKDEP, T_FRAME,
	  "inconsistent lock state in %s", F_AT_TRACE, S_LOCK, 0, NULL },
	{ "WARNING: suspicious RCU usage", OOPS_KIND_LOCKDEP, T_FRAME,
	  "WARNING: suspicious RCU usage in %s", F_TRACE, S_LOCK, 0, NULL },
	{ "WARNING: bad unlock balance detected", OOPS_KIND_LOCKDEP, T_FRAME,
	  "WARNING: bad unlock balance in %s", F_TRACE, S_LOCK, 0, NULL },
	{ "WARNING: held lock freed", OOPS_KIND_LOCKDEP, T_FRAME,
	  "WARNING: held lock freed in %s", F_TRACE, S_LOCK | S_ALLOC, 0, NULL },
	{ "WARNING: lock held when returning to user space", OOPS_KIND_LOCKDEP, T_FIXED,
	  "WARNING: lock held when returning to user space", F_TRACE, 0, H_NO_STACK, NULL },
	{ "WARNING: Nested lock was not taken", OOPS_KIND_LOCKDEP, T_FRAME,
	  "WARNING: nested lock was not taken in %s", F_TRACE, S_LOCK, 0, NULL },
	{ "WARNING: still has locks held", OOPS_KIND_LOCKDEP, T_FRAME,
	  "WARNING: still has locks held in %s", F_TRACE, S_LOCK, 0, NULL },
	{ "WARNING: kernel stack regs at ", OOPS_KIND_WARNING, T_FIXED,
	  "WARNING: kernel stack regs has bad value", F_TRACE, 0, H_NO_STACK, NULL },
	{ "WARNING: kernel stack frame pointer at ", OOPS_KIND_WARNING, T_FIXED,
	  "WARNING: kernel stack frame pointer has bad value", F_TRACE, 0, H_NO_STACK, NULL },
	{ "WARNING: CPU: ", OOPS_KIND_WARNING, T_WARNING, NULL, F_HDR_PC_TRACE, 0, H_ANYWHERE, NULL },
	{ "WARNING: at ", OOPS_KIND_WARNING, T_WARNING, NULL, F_HDR_PC_TRACE, 0, 0, NULL },
	/* new format "WARNING: file:line at func+off, CPU#n: comm/pid" */
	{ "WARNING: ", OOPS_KIND_WARNING, T_WARNING, NULL, F_HDR_PC_TRACE, 0, 0, ", CPU#" },

	/* older kernels print lockdep banners as INFO: */
	{ "INFO: possible circular locking dependency detected", OOPS_KIND_LOCKDEP, T_FRAME,
	  "possible deadlock in %s", F_AT_TRACE, S_LOCK, 0, NULL },
	{ "INFO: possible recursive locking detected", OOPS_KIND_LOCKDEP, T_FRAME,
	  "possible deadlock in %s", F_AT_TRACE, S_LOCK, 0, NULL },
	{ "INFO: possible irq lock inversion dependency detected", OOPS_KIND_LOCKDEP, T_FRAME,
	  "possible deadlock in %s", F_AT_TRACE, S_LOCK, 0, NULL },
	{ "INFO: ", OOPS_KIND_LOCKDEP, T_FRAME, "possible deadlock in %s", F_AT_TRACE, S_LOCK, 0,
	  "lock order detected" },
	{ "INFO: inconsistent lock state", OOPS_KIND_LOCKDEP, T_FRAME,
	  "inconsistent lock state in %s", F_AT_TRACE, S_LOCK, 0, NULL },
	{ "INFO: suspicious RCU usage", OOPS_KIND_LOCKDEP, T_FRAME,
	  "WARNING: suspicious RCU usage in %s", F_TRACE, S_LOCK, 0, NULL },
	{ "INFO: trying to register non-static key", OOPS_KIND_LOCKDEP, T_FRAME,
	  "INFO: trying to register non-static key in %s", F_TRACE, S_LOCK, 0, NULL },
	/* hung tasks and stalls */
	{ "INFO: task ", OOPS_KIND_HUNG, T_FRAME, "INFO: task hung in %s", F_TRACE, S_SCHED | S_LOCK,
	  H_ANYWHERE, " blocked for more than " },
	{ "INFO: task ", OOPS_KIND_HUNG, T_FRAME, "INFO: task can't die in %s", F_TRACE, S_SCHED | S_LOCK,
	  H_ANYWHERE, " can't die for more than " },
	{ "INFO: rcu_", OOPS_KIND_RCU_STALL, T_FRAME, "INFO: rcu detected stall in %s", F_PC_TRACE,
	  S_IRQ, H_ANYWHERE, " stall" },
	{ "INFO: rcu ", OOPS_KIND_RCU_STALL, T_FRAME, "INFO: rcu detected stall in %s", F_PC_TRACE,
	  S_IRQ, H_ANYWHERE, " stall" },
	{ "BUG: soft lockup", OOPS_KIND_SOFTLOCKUP, T_FRAME, "BUG: soft lockup in %s", F_PC_TRACE,
	  S_IRQ | S_LOCK, H_ANYWHERE, NULL },
	{ "Watchdog detected hard LOCKUP", OOPS_KIND_SOFTLOCKUP, T_FRAME, "BUG: hard lockup in %s",
	  F_PC_TRACE, S_IRQ, H_ANYWHERE, NULL },
	{ "BUG: workqueue lockup", OOPS_KIND_SOFTLOCKUP, T_FIXED, "BUG: workqueue lockup", F_TRACE, 0,
	  H_ANYWHERE | H_NO_STACK, NULL },

	/* x86 traps; "Oops: " prefixes them on newer kernels (see line_strip) */
	/* only at the line start: "traps: prog[1] general protection fault ip:..." is user space */
	{ "general protection fault", OOPS_KIND_OOPS, T_FRAME, "general protection fault in %s",
	  F_PC_TRACE, 0, 0, NULL },
	{ "stack segment: ", OOPS_KIND_OOPS, T_FRAME, "stack segment fault in %s", F_PC_TRACE, 0, 0, NULL },
	{ "divide error: ", OOPS_KIND_OOPS, T_FRAME, "divide error in %s", F_PC_TRACE, 0, 0, NULL },
	{ "PANIC: double fault", OOPS_KIND_OOPS, T_FRAME, "PANIC: double fault in %s", F_PC_TRACE, 0, 0, NULL },
	{ "invalid opcode: ", OOPS_KIND_BUG, T_FRAME, "invalid opcode in %s", F_PC_TRACE, 0, H_SECONDARY, NULL },
	/* die(): "Internal error: %s: %x [#%d]"; drivers print "Internal error" too */
	{ "Internal error: ", OOPS_KIND_OOPS, T_FRAME, "Internal error in %s", F_PC_TRACE, 0,
	  H_SECONDARY, " [#" },
	{ "Oops: ", OOPS_KIND_OOPS, T_FRAME, "Oops in %s", F_PC_TRACE, 0, H_SECONDARY, NULL },
	{ "Oops - ", OOPS_KIND_OOPS, T_FRAME, "Oops in %s", F_PC_TRACE, 0, H_SECONDARY, NULL },

	/* BUG: others */
	{ "BUG: sleeping function called from invalid context", OOPS_KIND_BUG, T_FRAME,
	  "BUG: sleeping function called from invalid context in %s", F_TRACE, S_SCHED | S_LOCK, H_ANYWHERE, NULL },
	{ "BUG: scheduling while atomic", OOPS_KIND_BUG, T_FRAME, "BUG: scheduling while atomic in %s",
	  F_TRACE, S_SCHED, H_ANYWHERE, NULL },
	{ "BUG: Bad page state", OOPS_KIND_BUG, T_FRAME, "BUG: Bad page state in %s", F_TRACE, S_ALLOC,
	  H_ANYWHERE, NULL },
	{ "BUG: Bad page map", OOPS_KIND_BUG, T_FRAME, "BUG: Bad page map in %s", F_TRACE, 0, H_ANYWHERE, NULL },
	{ "BUG: Bad rss-counter state", OOPS_KIND_BUG, T_FIXED, "BUG: Bad rss-counter state", F_TRACE, 0,
	  H_ANYWHERE | H_NO_STACK, NULL },
	{ "BUG: spinlock ", OOPS_KIND_LOCKDEP, T_SPINLOCK, "BUG: spinlock ", F_PC_TRACE, S_LOCK, H_ANYWHERE, NULL },
	{ "BUG: rwlock ", OOPS_KIND_LOCKDEP, T_SPINLOCK, "BUG: rwlock ", F_PC_TRACE, S_LOCK, H_ANYWHERE, NULL },
	{ "BUG: using ", OOPS_KIND_BUG, T_PERCPU, NULL, F_TRACE, 0, H_ANYWHERE, " in preemptible " },
	{ "BUG: workqueue leaked ", OOPS_KIND_BUG, T_FRAME,
	  "BUG: workqueue leaked lock or atomic in %s", F_TRACE, 0, H_ANYWHERE, NULL },
	{ "BUG: memory leak", OOPS_KIND_LEAK, T_FRAME, "memory leak in %s", F_TRACE, S_ALLOC, 0, NULL },
	{ "unreferenced object 0x", OOPS_KIND_LEAK, T_FRAME, "memory leak in %s", F_TRACE, S_ALLOC, H_SECONDARY, NULL },
	{ "BUG: ", OOPS_KIND_BUG, T_FRAME, "BUG: stack guard page was hit in %s", F_PC_TRACE, 0, 0,
	  "stack guard page was hit" },
	{ "BUG: Invalid wait context", OOPS_KIND_LOCKDEP, T_FRAME, "BUG: Invalid wait context in %s",
	  F_TRACE, S_LOCK, 0, NULL },
	{ "BUG: looking up invalid subclass", OOPS_KIND_LOCKDEP, T_FRAME,
	  "BUG: looking up invalid subclass in %s", F_TRACE, S_LOCK, 0, NULL },
	{ "BUG: MAX_LOCKDEP", OOPS_KIND_LOCKDEP, T_BUG_GENERIC, NULL, F_TRACE, 0, H_NO_STACK, NULL },
	{ "BUG: still has locks held", OOPS_KIND_LOCKDEP, T_FRAME, "BUG: still has locks held in %s",
	  F_TRACE, S_LOCK, 0, NULL },
	{ "BUG: ", OOPS_KIND_BUG, T_BUG_GENERIC, NULL, F_TRACE, 0, 0, NULL },

	{ "Kernel panic - not syncing", OOPS_KIND_PANIC, T_PANIC, NULL, F_TRACE, 0, H_ANYWHERE, NULL },
	{ "kernel panic - not syncing", OOPS_KIND_PANIC, T_PANIC, NULL, F_TRACE, 0, H_ANYWHERE, NULL },
};

/*
 * Benign lines that look like headers.  Each is a literal prefix of the
 * line (after the timestamp and caller id are gone).  Documented in
 * doc/signatures.md; keep this table short and every entry explained.
 */
static const char *const suppressions[] = {
	"INFO: lockdep is turned off",		/* lockdep note after its first report */
	"INFO: Stall ended before state dump start", /* RCU: stall resolved itself */
	"INFO: NMI handler",			/* "took too long to run": perf, not a crash */
	"WARNING: The mand mount option",	/* mount deprecation notice */
	"WARNING: workqueue cpumask: online intersect > possible intersect",
	"WARNING: Flushing system-wide workqueues", /* deprecation note */
};

/* Lines that show the board restarted: they close any open report. */
static const char *const reboot_markers[] = {
	"U-Boot ",
	"Booting Linux on physical CPU",
	"Linux version ",
	"Starting kernel ...",
	"DRAM:  ",
};

/* Frames that are never guilty: reporting, dumping and trap plumbing.
 * A trailing '*' makes the entry a prefix. */
static const char *const generic_frames[] = {
	"dump_stack", "dump_stack_lvl", "__dump_stack", "show_stack", "dump_backtrace",
	"show_trace_log_lvl", "show_regs", "__show_regs", "show_regs_print_info",
	"print_report", "print_address_description*", "kasan_report*", "__kasan_report",
	"kasan_check_range", "check_memory_region*", "__asan_*", "__kasan_check_*",
	"kasan_check_*", "__hwasan_*", "kfence_report_error", "kfence_handle_page_fault",
	"kcsan_report*", "kcsan_setup_watchpoint", "__tsan_*", "kmsan_report",
	"__msan_*", "kmsan_internal_*", "ubsan_epilogue", "__ubsan_handle_*", "handle_overflow",
	"warn_slowpath*", "__warn", "__warn_printk", "warn_bogus_irq_restore",
	"report_bug", "bug_handler", "call_break_hook", "brk_handler",
	"do_debug_exception", "el1_dbg", "el1h_64_sync_handler", "el1h_64_sync",
	"el1_abort", "el1_da", "el1_pc", "el1_undef", "el1_bti", "el1_fpac", "do_mem_abort",
	"do_translation_fault", "do_page_fault", "__do_kernel_fault", "die_kernel_fault",
	"die", "arm64_notify_die", "do_bad_area", "do_undefinstr", "do_el1_undef", "bug_brk_handler",
	"handle_bug", "exc_invalid_op", "asm_exc_invalid_op", "do_trap", "do_error_trap",
	"exc_general_protection", "asm_exc_general_protection", "page_fault_oops",
	"kernelmode_fixup_or_oops", "__bad_area_nosemaphore", "bad_area_nosemaphore",
	"do_user_addr_fault", "exc_page_fault", "asm_exc_page_fault", "do_kern_addr_fault",
	"no_context", "__die", "oops_end", "__die_body",
	"panic", "nmi_panic", "vpanic", "check_panic_on_warn", "__stack_chk_fail",
	"__might_sleep", "___might_sleep", "__might_resched", "__might_fault", "might_fault",
	"__cant_sleep", "__cant_migrate", "__schedule_bug", "schedule_debug",
	"lockdep_rcu_suspicious", "lockdep_*", "print_usage_bug", "print_circular_bug*",
	"check_noncircular", "check_prev_add", "check_prevs_add", "validate_chain",
	"__lock_acquire", "lock_acquire*", "lock_release", "__lock_release", "mark_lock*",
	"mark_usage", "print_lock_class_header", "check_deadlock", "print_deadlock_bug",
	"debug_check_no_locks_freed", "print_unlock_imbalance_bug", "lock_is_held_type",
	"rcu_lockdep_current_cpu_online", "valid_state", "print_irq_inversion_bug",
	"check_usage_*", "check_irq_usage", "register_lock_class", "look_up_lock_class",
	"memcpy", "memmove", "memset", "memcmp", "memchr", "strcmp", "strncmp", "strlen",
	"strnlen", "strcpy", "strncpy", "strscpy", "strchr", "strrchr", "__memcpy*", "__memset*",
	"__memmove*", "__memcpy", "__memset", "__memmove", "memcpy_*",
	"_copy_to_user", "_copy_from_user", "copy_to_user", "copy_from_user", "__copy_*",
	"__arch_copy_*", "copy_user_*", "raw_copy_*", "instrument_*", "check_object_size",
	"__check_object_size", "__list_add_valid*", "__list_del_entry_valid*",
	"list_add", "list_del", "__list_add", "__list_del", "__list_del_entry", "list_del_init",
	"list_move", "list_move_tail", "list_add_tail", "list_splice*",
	"__bug", "bug", "BUG", "do_exit", "make_task_dead", "rewind_stack_and_make_dead",
	"nmi_cpu_backtrace", "nmi_trigger_cpumask_backtrace", "arch_trigger_cpumask_backtrace",
	"trigger_single_cpu_backtrace", "trigger_all_cpu_backtrace",
	"sysrq_handle_crash", "__handle_sysrq", "ret_from_fork", "ret_from_fork_asm",
	"kthread",
};

static const char *const sched_frames[] = {
	"__schedule", "schedule", "schedule_*", "io_schedule*", "__switch_to", "__switch_to_asm",
	"context_switch", "preempt_schedule*", "__cond_resched", "_cond_resched", "cond_resched",
	"wait_for_completion*", "__wait_for_common", "wait_for_common*", "do_wait_for_common",
	"__wait_*", "wait_on_*", "out_of_line_wait_on_bit*", "bit_wait*", "__wait_on_bit*",
	"folio_wait_*", "__folio_lock*", "wait_event_*", "msleep", "usleep_range*", "__flush_work",
	"flush_work", "__synchronize_srcu", "synchronize_srcu", "synchronize_rcu*",
	"__wait_rcu_gp", "rcu_barrier", "schedule_hrtimeout*", "do_nanosleep",
	"percpu_down_write", "percpu_rwsem_wait", "__percpu_down_read",
};

static const char *const lock_frames[] = {
	"_raw_spin_*", "_raw_read_*", "_raw_write_*", "do_raw_spin_*", "do_raw_read_*",
	"do_raw_write_*", "queued_spin_*", "queued_read_*", "queued_write_*",
	"native_queued_spin_*", "__pv_queued_spin_*", "pv_queued_spin_*", "spin_lock*",
	"spin_unlock*", "spin_dump", "spin_bug", "rwlock_bug",
	"__mutex_lock*", "mutex_lock*", "mutex_unlock", "__mutex_unlock_slowpath*",
	"mutex_trylock", "__rt_mutex_*", "rt_mutex_*", "rt_spin_*",
	"down", "down_*", "__down*", "up", "up_read", "up_write", "rwsem_down_*",
	"__rwsem_*", "rwsem_*", "percpu_down_*", "__percpu_down_*", "percpu_up_*",
	"__lock_page*", "lock_page*", "__lock_sock", "lock_sock*", "release_sock",
	"rcu_read_lock*", "rcu_read_unlock*", "__rcu_read_*",
};

static const char *const alloc_frames[] = {
	"kmalloc*", "__kmalloc*", "kmem_cache_alloc*", "__kmem_cache_alloc*", "kzalloc*",
	"kcalloc*", "kmalloc_array*", "krealloc*", "__krealloc", "kvmalloc*", "__kvmalloc*",
	"kvzalloc*", "kmemdup*", "kstrdup*", "kmemleak_alloc*", "slab_post_alloc_hook",
	"slab_alloc*", "__slab_alloc*", "___slab_alloc", "alloc_pages*", "__alloc_pages*",
	"__vmalloc*", "vmalloc*", "vzalloc*", "kfree", "kfree_sensitive", "kvfree",
	"kmem_cache_free*", "__kmem_cache_free", "slab_free*", "__slab_free", "do_slab_free",
	"kasan_slab_free", "__kasan_slab_free", "____kasan_slab_free", "kasan_save_*",
	"kasan_set_track", "kasan_*", "__kasan_*", "free_pages*", "__free_pages*",
	"free_unref_page*", "free_pages_prepare", "bad_page", "free_page_is_bad*",
	"__free_one_page", "free_pcppages_bulk", "page_frag_alloc*", "__folio_put",
	"folio_put", "put_page", "__put_page", "release_pages", "__page_cache_release",
};

static const char *const irq_frames[] = {
	"rcu_*", "print_cpu_stall*", "print_other_cpu_stall", "check_cpu_stall*",
	"rcu_dump_cpu_stacks", "dump_cpu_task", "sched_show_task", "show_stack",
	"update_process_times", "tick_*", "__tick_*", "hrtimer_*", "__hrtimer_*",
	"__run_hrtimer", "arch_timer_handler_*", "handle_percpu_devid_irq",
	"generic_handle_domain_irq", "generic_handle_irq*", "handle_domain_irq",
	"__handle_domain_irq", "gic_handle_irq", "call_on_irq_stack", "do_interrupt_handler",
	"el1_interrupt", "el1h_64_irq*", "el0_interrupt", "el0t_64_irq*", "__irq_exit_rcu",
	"irq_exit_rcu", "irq_exit", "__sysvec_apic_timer_interrupt", "sysvec_apic_timer_interrupt",
	"asm_sysvec_apic_timer_interrupt", "local_apic_timer_interrupt", "hrtimer_interrupt",
	"watchdog_timer_fn", "softlockup_fn", "__do_softirq", "handle_softirqs",
	"do_softirq*", "irq_exit*", "__irq_svc", "el1_irq", "timer_interrupt",
	"scheduler_tick", "sched_tick", "account_process_tick", "handle_irq_event*",
	"__handle_irq_event_percpu", "nmi_handle", "default_do_nmi", "exc_nmi", "asm_exc_nmi",
	"end_repeat_nmi", "ipi_handler", "do_handle_IPI", "ipi_handler_*",
	"flush_smp_call_function_queue", "__flush_smp_call_function_queue",
	"generic_smp_call_function_single_interrupt", "smp_call_function*",
	"__sysvec_call_function*", "sysvec_call_function*", "asm_sysvec_call_function*",
};

static const char *const helper_frames[] = {
	"refcount_warn_saturate", "refcount_*", "__refcount_*", "debug_print_object",
	"debug_object_*", "debug_check_*", "__debug_object_*", "debug_objects_*", "kobject_*",
	"usercopy_warn", "usercopy_abort", "__check_heap_object", "check_heap_object",
	"__check_object_size", "check_object_size",
};

struct name_list {
	const char *const *v;
	size_t n;
};
#define NAME_LIST(a) { a, sizeof(a) / sizeof((a)[0]) }

static bool name_in(const char *func, const struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *e = l->v[i];
		size_t n = strlen(e);

		if (n && e[n - 1] == '*') {
			if (!strncmp(func, e, n - 1))
				return true;
		} else if (!strcmp(func, e)) {
			return true;
		}
	}
	return false;
}

static const struct name_list generic_list = NAME_LIST(generic_frames);
static const struct name_list sched_list = NAME_LIST(sched_frames);
static const struct name_list lock_list = NAME_LIST(lock_frames);
static const struct name_list alloc_list = NAME_LIST(alloc_frames);
static const struct name_list irq_list = NAME_LIST(irq_frames);
static const struct name_list helper_list = NAME_LIST(helper_frames);

bool oops_frame_is_generic(const char *func)
{
	return name_in(func, &generic_list);
}

static bool frame_skipped(const char *func, unsigned skip)
{
	if (!*func || name_in(func, &generic_list))
		return true;
	if ((skip & S_SCHED) && name_in(func, &sched_list))
		return true;
	if ((skip & S_LOCK) && name_in(func, &lock_list))
		return true;
	if ((skip & S_ALLOC) && name_in(func, &alloc_list))
		return true;
	if ((skip & S_IRQ) && name_in(func, &irq_list))
		return true;
	if ((skip & S_HELPER) && name_in(func, &helper_list))
		return true;
	return false;
}

static const char *const kind_names[OOPS_KIND_COUNT] = {
	[OOPS_KIND_OOPS] = "oops",
	[OOPS_KIND_BUG] = "bug",
	[OOPS_KIND_WARNING] = "warning",
	[OOPS_KIND_KASAN] = "kasan",
	[OOPS_KIND_KFENCE] = "kfence",
	[OOPS_KIND_KCSAN] = "kcsan",
	[OOPS_KIND_KMSAN] = "kmsan",
	[OOPS_KIND_UBSAN] = "ubsan",
	[OOPS_KIND_LOCKDEP] = "lockdep",
	[OOPS_KIND_HUNG] = "hung",
	[OOPS_KIND_SOFTLOCKUP] = "softlockup",
	[OOPS_KIND_RCU_STALL] = "rcu-stall",
	[OOPS_KIND_PANIC] = "panic",
	[OOPS_KIND_LEAK] = "leak",
	[OOPS_KIND_OTHER] = "other",
};

const char *oops_kind_name(enum oops_kind kind)
{
	if ((unsigned)kind >= OOPS_KIND_COUNT)
		return "other";
	return kind_names[kind];
}

/* ---- the parser state ---- */

struct open_report {
	bool open;
	const struct header *hdr;
	char line[OOPS_LINE_MAX + 1];	/* header line, from the match on */
	char caller[24];		/* caller id of the header line, "" if none */
	uint64_t start;
	uint64_t end;			/* end of the last line that belongs */
	char *text;
	size_t text_len;
	size_t text_kept;		/* text_len at the last line that belongs */
	int lines, quiet;
	bool young;			/* no stack seen yet */
	bool capped;
	/* stack collection */
	bool in_trace;			/* inside the first call trace */
	bool trace_done;		/* the first trace has ended */
	bool want_backtrace;		/* lockdep: frames only after "stack backtrace:" */
	char hdr_frame[OOPS_FRAME_MAX];
	char pc_frame[OOPS_FRAME_MAX];
	char at_frame[OOPS_FRAME_MAX];
	char access[8];			/* KASAN "Read"/"Write" */
	char frames[FRAMES_KEPT][OOPS_FRAME_MAX];
	int nframes;
};

struct oops_parser {
	oops_report_fn fn;
	void *userdata;
	uint64_t offset;		/* bytes consumed */
	uint64_t line_start;		/* offset of the current line's first byte */
	char line[OOPS_LINE_MAX + 1];	/* the physical line being read */
	size_t line_len;
	char seg[OOPS_LINE_MAX + 1];	/* one normalised segment of it */
	struct open_report rep;
};

struct oops_parser *oops_parser_new(oops_report_fn fn, void *userdata)
{
	struct oops_parser *p = calloc(1, sizeof(*p));

	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->fn = fn;
	p->userdata = userdata;
	p->rep.text = malloc(OOPS_REPORT_MAX + 1);
	if (!p->rep.text) {
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

void oops_parser_free(struct oops_parser *p)
{
	if (!p)
		return;
	free(p->rep.text);
	free(p);
}

uint64_t oops_parser_offset(const struct oops_parser *p)
{
	return p->offset;
}

/* ---- small string helpers ---- */

static bool starts(const char *s, const char *lit)
{
	return !strncmp(s, lit, strlen(lit));
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void copy_str(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * Reads a symbol "name[.suffix...]+0xOFF[/0xSIZE]" at s.  Returns true and
 * the bare name (up to the first '.' or '+', as syzbot's titles use it)
 * when s holds one.  Offsets are required: a bare word is not a frame.
 */
static bool parse_symbol(const char *s, char *ret_name, size_t size)
{
	const char *p = s;
	size_t n;

	if (!is_ident(*p) || is_digit(*p))
		return false;
	while (is_ident(*p))
		p++;
	n = p - s;
	/* compiler suffixes: .constprop.0 .isra.0 .part.0 .cold .llvm.123 */
	while (*p == '.' && (is_ident(p[1]))) {
		p++;
		while (is_ident(*p))
			p++;
	}
	if (p[0] != '+' || p[1] != '0' || p[2] != 'x' || !is_hex(p[3]))
		return false;
	copy_str(ret_name, size, s, n);
	return true;
}

/*
 * A symbolized frame without offset, as syzbot's reports print inlined
 * functions: "name path/file.c:123 [inline]".  Returns the name.
 */
static bool parse_inline_symbol(const char *s, char *ret_name, size_t size)
{
	const char *p = s, *q;
	size_t n;

	if (!is_ident(*p) || is_digit(*p))
		return false;
	while (is_ident(*p))
		p++;
	n = p - s;
	while (*p == '.' && is_ident(p[1])) {
		p++;
		while (is_ident(*p))
			p++;
	}
	if (*p != ' ')
		return false;
	q = p + 1;
	/* the next word is a source file with a line number */
	while (*q && *q != ' ' && *q != ':')
		q++;
	if (*q != ':' || !is_digit(q[1]) || q - p < 4 || q[-2] != '.')
		return false;
	copy_str(ret_name, size, s, n);
	return true;
}

/* Skips "[<ffff...>] " address prefixes (x86 old, riscv, arm64 old) and
 * powerpc's "[c00000000fe3b9c0] [c000000000123400] " stack/pc pairs. */
static const char *skip_pc_brackets(const char *s)
{
	for (int i = 0; i < 2; i++) {
		const char *p = s;

		while (*p == ' ')
			p++;
		if (p[0] == '[' && p[1] == '<') {
			p += 2;
			while (is_hex(*p))
				p++;
			if (p[0] != '>' || p[1] != ']')
				break;
			s = p + 2;
		} else if (p[0] == '[' && is_hex(p[1])) {
			const char *q = p + 1;

			while (is_hex(*q))
				q++;
			/* 8 or 16 hex digits: an address, not "[42]" */
			if (*q != ']' || (q - p - 1 != 8 && q - p - 1 != 16))
				break;
			s = q + 1;
		} else {
			break;
		}
	}
	while (*s == ' ')
		s++;
	return s;
}

/*
 * A call trace line: leading blanks, optional "[<addr>]" and the symbol.
 * Lines with "? " are unreliable frames on x86 and are not frames for us.
 * Returns true and the function name.
 */
static bool parse_frame_line(const char *s, char *ret_name, size_t size)
{
	const char *p = s;

	while (*p == ' ' || *p == '\t')
		p++;
	p = skip_pc_brackets(p);
	if (p[0] == '?' && p[1] == ' ')
		return false;
	/* arm32: "[<c010a3a0>] (unwind_backtrace) from [<c0106e50>] (show_stack+0x10/0x14)" */
	if (*p == '(') {
		const char *q = p + 1;
		size_t n = 0;

		while (is_ident(q[n]))
			n++;
		if (n && (q[n] == ')' || q[n] == '+' || q[n] == '.') && !is_digit(*q)) {
			copy_str(ret_name, size, q, n);
			return true;
		}
		return false;
	}
	return parse_symbol(p, ret_name, size) || parse_inline_symbol(p, ret_name, size);
}

/* Register lines that name the faulting function: pc, RIP, NIP, epc, PC is at. */
static bool parse_pc_line(const char *s, char *ret_name, size_t size)
{

	static const char *const pcs[] = { "pc : ", "epc : ", "PC is at ", "pc: " };
	const char *p;

	for (size_t i = 0; i < sizeof(pcs) / sizeof(pcs[0]); i++)
		if (starts(s, pcs[i]))
		{
			p = skip_pc_brackets(s + strlen(pcs[i]));
			return parse_symbol(p, ret_name, size) || parse_inline_symbol(p, ret_name, size);
		}
	if (starts(s, "RIP: ") || starts(s, "EIP: ") || starts(s, "IP: ")) {
		p = strchr(s, ':') + 1;
		while (*p == ' ')
			p++;
		/* "RIP: 0010:func+0x.." or "RIP: 0010:[<ffffffff..>]  [<..>] func+0x" */
		if (is_hex(p[0]) && is_hex(p[1]) && is_hex(p[2]) && is_hex(p[3]) && p[4] == ':')
			p += 5;
		p = skip_pc_brackets(p);
		return parse_symbol(p, ret_name, size) || parse_inline_symbol(p, ret_name, size);
	}
	if (starts(s, "NIP [") || starts(s, "NIP:  [") || starts(s, "NIP: [")) {
		p = strchr(s, ']');
		if (!p)
			return false;
		p++;
		while (*p == ' ')
			p++;
		return parse_symbol(p, ret_name, size);
	}
	return false;
}

/*
 * The caller-visible prefixes a console line may carry: "<4>",
 * "[   12.345678]", "[ T123]", "[ C1]", and combinations.  Returns the
 * number of bytes to skip and copies the caller id (e.g. "T123").
 */
static size_t line_prefix(const char *s, size_t len, char *caller, size_t csize)
{
	size_t i = 0;

	caller[0] = '\0';
	/* syslog and journal: "Nov 25 10:00:00 host kernel: ",
	 * "2026-11-25T10:00:00.123+00:00 host kernel: " */
	if (len > 16 && ((s[0] >= 'A' && s[0] <= 'Z' && s[3] == ' ') ||
			 (is_digit(s[0]) && is_digit(s[3]) && s[4] == '-'))) {
		const char *k = memmem(s, len < 96 ? len : 96, " kernel: ", 9);

		if (k && memchr(s, ':', k - s))
			i = k - s + 9;
	}
	/* dmesg -T: "[Tue Nov 25 10:00:00 2026] " */
	if (i < len && s[i] == '[' && i + 26 < len && s[i + 1] >= 'A' && s[i + 1] <= 'Z' &&
	    s[i + 4] == ' ' && s[i + 25] == ']')
		i += 26;
	if (i < len && s[i] == '<') {
		size_t j = i + 1;

		while (j < len && j < i + 5 && is_digit(s[j]))
			j++;
		if (j < len && s[j] == '>' && j > i + 1)
			i = j + 1;
	}
	for (;;) {
		size_t j = i;

		if (j >= len || s[j] != '[')
			break;
		j++;
		while (j < len && s[j] == ' ')
			j++;
		if (j < len && is_digit(s[j])) {
			/* [   12.345678] */
			while (j < len && is_digit(s[j]))
				j++;
			if (j >= len || s[j] != '.')
				break;
			j++;
			while (j < len && is_digit(s[j]))
				j++;
		} else if (j < len && (s[j] == 'T' || s[j] == 'C') && j + 1 < len && is_digit(s[j + 1])) {
			size_t k = j;

			j++;
			while (j < len && is_digit(s[j]))
				j++;
			copy_str(caller, csize, s + k, j - k);
		} else {
			break;
		}
		if (j >= len || s[j] != ']')
			break;
		i = j + 1;
	}
	if (i > 0 && i < len && s[i] == ' ')
		i++;
	return i;
}

/* Finds a kernel timestamp "[ digits.digits]" that starts after position 0. */
static size_t find_inner_timestamp(const char *s, size_t len)
{
	for (size_t i = 1; i + 3 < len; i++) {
		size_t j;

		if (s[i] != '[')
			continue;
		j = i + 1;
		while (j < len && s[j] == ' ')
			j++;
		if (j >= len || !is_digit(s[j]))
			continue;
		while (j < len && is_digit(s[j]))
			j++;
		if (j >= len || s[j] != '.')
			continue;
		j++;
		if (j >= len || !is_digit(s[j]))
			continue;
		while (j < len && is_digit(s[j]))
			j++;
		if (j < len && s[j] == ']')
			return i;
	}
	return 0;
}

/* First characters of all headers, and of those that may come mid-line. */
static bool header_first[256], anywhere_first[256];

/* run once before main(), so parsers in any thread see the tables ready */
__attribute__((constructor)) static void header_tables_init(void)
{
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		header_first[(unsigned char)headers[i].match[0]] = true;
		if (headers[i].flags & H_ANYWHERE)
			anywhere_first[(unsigned char)headers[i].match[0]] = true;
	}
}

static bool header_fits(const struct header *h, const char *s)
{
	if (!starts(s, h->match))
		return false;
	if (h->contains && !strstr(s, h->contains))
		return false;
	return true;
}

static bool suppressed(const char *s)
{
	for (size_t i = 0; i < sizeof(suppressions) / sizeof(suppressions[0]); i++)
		if (starts(s, suppressions[i]))
			return true;
	return false;
}

/*
 * Finds the header on a normalised line.  At the line start every entry
 * may match; later in the line only H_ANYWHERE entries (text printed by
 * another CPU or by user space before the kernel's line).  Lines of the
 * agent's protocol ("OOPSFARM:") carry titles as data and never match
 * mid-line.  Returns the entry and the match position.
 */
static const struct header *find_header(const char *s, size_t *ret_pos)
{
	const size_t n = sizeof(headers) / sizeof(headers[0]);
	const char *t = s;

	/* "[ BUG: Invalid wait context ]", "Oops: general protection fault" */
	if (t[0] == '[' && t[1] == ' ')
		t += 2;
	if (t[0] == 'O' && starts(t, "Oops: ") && !is_digit(t[6]))
		t += 6;
	/* the first character rules out most entries, and most lines */
	if (header_first[(unsigned char)*t]) {
		for (size_t i = 0; i < n; i++) {
			if (headers[i].match[0] == *t && header_fits(&headers[i], t)) {
				if (suppressed(t))
					return NULL;
				*ret_pos = t - s;
				return &headers[i];
			}
		}
	}
	/* "---[ end Kernel panic - not syncing: ... ]---" closes a report */
	if (s[0] == '-' && starts(s, "---[ "))
		return NULL;
	if (!*s || strstr(s, "OOPSFARM:"))
		return NULL;
	/* Headers after other text: one pass over the line, trying the
	 * entries at each word that starts with one of their first letters.
	 * The earliest match in the line wins. */
	for (const char *m = s + 1; *m; m++) {
		if (!anywhere_first[(unsigned char)*m] || is_ident(m[-1]))
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!(headers[i].flags & H_ANYWHERE) || headers[i].match[0] != *m)
				continue;
			if (!header_fits(&headers[i], m) || suppressed(m))
				continue;
			*ret_pos = m - s;
			return &headers[i];
		}
	}
	return NULL;
}

static bool is_reboot_marker(const char *s)
{
	for (size_t i = 0; i < sizeof(reboot_markers) / sizeof(reboot_markers[0]); i++)
		if (starts(s, reboot_markers[i]))
			return true;
	return false;
}

/* Lines that belong to a report even though they are not frames. */
static const char *const report_line_prefixes[] = {
	"CPU: ", "Hardware name:", "Modules linked in:", "Call trace:", "Call Trace:",
	"Stack:", "Workqueue:", "Mem abort info:", "Data abort info:", "user pgtable:",
	"swapper pgtable:", "Internal error", "---[ ", "Kernel Offset:", "PHYS_OFFSET:",
	"CPU features:", "Memory Limit:", "SMP: stopping", "Rebooting in", "note: ",
	"Tainted:", "irq event stamp:", "hardirqs last", "softirqs last", "#PF:", "PGD ",
	"Showing all locks held", "stack backtrace:", "Allocated by task", "Freed by task",
	"Last potentially related", "Second to last potentially", "The buggy address",
	"which belongs to", "Memory state around", "page:", "flags:", "raw:", "head:",
	"page dumped because", "page_owner", "page last", "Read of size", "Write of size",
	"=====", "-----", "Kernel panic", "Sending NMI", "NMI backtrace", "Task dump for",
	"task:", "rcu: ", "pc : ", "lr : ", "sp : ", "pstate: ", "Code: ", "RIP: ", "RSP: ",
	"RAX: ", "RDX: ", "RBP: ", "R10: ", "R13: ", "FS: ", "CS: ", "CR2: ", "DR0: ", "DR3: ",
	"DR6: ", "PKRU: ", "EIP: ", "EAX: ", "ESI: ", "DS: ", "CR0: ", "NIP", "LR ", "REGS:",
	"MSR:", "GPR", "CFAR:", "IRQMASK:", "epc : ", "ra : ", "status: ", "PC is at",
	"LR is at", "pc ", "lr ", "Exception stack", "Backtrace:", "Process ", "Unable to handle",
	"ESR", "FAR", "EC ", "ISV", "KASAN: ", "BUG: ", "WARNING: ", "INFO: ", "other info",
	"Possible unsafe", "Chain exists", " *** DEADLOCK", "many lock", "lock(", "but task",
	"and ", "the existing", "which lock", "to a ", "-> #", "{", "}", "... ", "[ BUG", "[ ",
	"in_atomic():", "preempt_count:", "RCU nest depth:", "Preemption disabled at:",
	"hung_task:", "\"echo 0 >", "Not tainted", "kmemleak:", "unreferenced object",
	"comm \"", "hex dump", "backtrace", "Object ", "Redzone ", "Padding ", "Disabling lock",
	"watchdog:", "Dumping ftrace", "CR4: ", "<", "? ", "value changed:", "Reported by",
	"Uninit was", "Local variable", "Bytes ", "Byte ", "index ", "shift exponent",
	"signed integer", "load of value", "member access", "variable length", "division",
	"pointer ", "execution reached", "Out-of-bounds", "Corrupted memory", "Invalid free",
	"Use-after-free", "kfence-#", "allocated by task", "freed by task", "The task",
};

static bool is_report_line(const char *s)
{
	char name[OOPS_FRAME_MAX];

	if (*s == ' ' || *s == '\t')
		return true;
	for (size_t i = 0; i < sizeof(report_line_prefixes) / sizeof(report_line_prefixes[0]); i++)
		if (starts(s, report_line_prefixes[i]))
			return true;
	/* register dumps: "x29: ffff", "R10: 0000", "a0 : 0000", "GPR00:" */
	{
		const char *p = s;

		while (is_ident(*p) && p - s < 6)
			p++;
		if (p > s && (*p == ':' || (p[0] == ' ' && p[1] == ':')))
			return true;
	}
	/* the arm64 page table walk "[0000000000000000] pgd=..." */
	if (s[0] == '[' && strstr(s, "] pgd="))
		return true;
	/* lockdep's "ffff888... (&lock){+.+.}-{3:3}, at: func+0x5a/0x70" */
	if (strstr(s, ", at: "))
		return true;
	return parse_frame_line(s, name, sizeof(name));
}

/* ---- title building ---- */

/* Removes "+0x12/0x34" offsets, "0x..." numbers and long hex words
 * (addresses), so that titles never carry them. */
static void scrub(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (r[0] == '+' && r[1] == '0' && r[2] == 'x') {
			r += 3;
			while (is_hex(*r) || *r == '/' || *r == 'x')
				r++;
			continue;
		}
		if ((r == s || !is_ident(r[-1])) && r[0] == '0' && r[1] == 'x' && is_hex(r[2])) {
			r += 2;
			while (is_hex(*r))
				r++;
			/* drop the number and one blank around it */
			if (*r == ' ' && (w == s || w[-1] == ' '))
				r++;
			continue;
		}
		if (r == s || !is_ident(r[-1])) {
			size_t n = 0;
			bool letter = false;

			while (is_hex(r[n])) {
				if (!is_digit(r[n]))
					letter = true;
				n++;
			}
			/* 8+ hex digits with a letter or 16 digits: an address */
			if (!is_ident(r[n]) && (n >= 16 || (n >= 8 && letter))) {
				r += n;
				if (*r == ' ' && (w == s || w[-1] == ' '))
					r++;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	/* trailing blanks */
	while (w > s && (w[-1] == ' ' || w[-1] == '\t'))
		*--w = '\0';
}

static const char *guilty_frame(const struct open_report *r, int *ret_index)
{
	/* refcount_warn_saturate, kobject_add and friends WARN on behalf
	 * of their caller */
	unsigned skip = r->hdr->skip | (r->hdr->rule == T_WARNING ? S_HELPER : 0);
	const char *f;

	*ret_index = -1;
	switch (r->hdr->src) {
	case F_AT_TRACE:
		if (r->at_frame[0] && !frame_skipped(r->at_frame, skip))
			return r->at_frame;
		break;
	case F_HDR_PC_TRACE:
		if (r->hdr_frame[0] && !frame_skipped(r->hdr_frame, skip))
			return r->hdr_frame;
		/* fall through */
	case F_PC_TRACE:
		f = r->pc_frame;
		if (f[0] && !frame_skipped(f, skip))
			return f;
		break;
	case F_TRACE:
		break;
	}
	for (int i = 0; i < r->nframes; i++) {
		if (!frame_skipped(r->frames[i], skip)) {
			*ret_index = i;
			return r->frames[i];
		}
	}
	return NULL;
}

/* Copies the word after "prefix" up to one of the stop characters. */
static void word_after(const char *s, const char *stops, char *out, size_t size)
{
	size_t n = strcspn(s, stops);

	copy_str(out, size, s, n);
}

static void build_title(struct open_report *r, struct oops_report *out, const char *frame)
{
	const struct header *h = r->hdr;
	const char *s = r->line;
	const char *f = frame ? frame : "corrupted";
	char buf[OOPS_TITLE_MAX], w[OOPS_TITLE_MAX];
	const char *p;

	switch (h->rule) {
	case T_FIXED:
		snprintf(out->title, sizeof(out->title), "%s", h->fmt);
		return;
	case T_FRAME:
		snprintf(out->title, sizeof(out->title), h->fmt, f);
		return;
	case T_KASAN_RANGE:
		word_after(s + strlen("KASAN: "), " ", w, sizeof(w));
		snprintf(out->title, sizeof(out->title), "KASAN: %s in %s", w, f);
		return;
	case T_WARNING:
		/* special WARNINGs named after the file that warns */
		if (strstr(s, "lib/refcount.c"))
			snprintf(out->title, sizeof(out->title), "WARNING: refcount bug in %s", f);
		else if (strstr(s, "lib/debugobjects.c"))
			snprintf(out->title, sizeof(out->title), "WARNING: ODEBUG bug in %s", f);
		else if (strstr(s, "lib/kobject.c"))
			snprintf(out->title, sizeof(out->title), "WARNING: kobject bug in %s", f);
		else if (strstr(s, "mm/usercopy.c"))
			snprintf(out->title, sizeof(out->title), "WARNING: bad usercopy in %s", f);
		else if (strstr(s, "kernel/locking/lockdep.c"))
			snprintf(out->title, sizeof(out->title), "WARNING: locking bug in %s", f);
		else
			snprintf(out->title, sizeof(out->title), "WARNING in %s", f);
		return;
	case T_UNABLE:
		/* "Unable to handle kernel X at virtual address ..." */
		p = s + strlen("Unable to handle kernel ");
		{
			const char *e = strstr(p, " at virtual address");
			size_t n = e ? (size_t)(e - p) : strcspn(p, ",");

			copy_str(w, sizeof(w), p, n);
			scrub(w);
			snprintf(out->title, sizeof(out->title), "BUG: unable to handle kernel %s in %s", w, f);
		}
		return;
	case T_KASAN:
		p = s + strlen("BUG: KASAN: ");
		word_after(p, " :", w, sizeof(w));
		if (r->access[0])
			snprintf(out->title, sizeof(out->title), "KASAN: %s %s in %s", w, r->access, f);
		else
			snprintf(out->title, sizeof(out->title), "KASAN: %s in %s", w, f);
		return;
	case T_SANITIZER:
		/* "BUG: KFENCE: use-after-free read in func+0x.." -> up to " in " */
		p = s + strlen("BUG: ");
		{
			const char *e = strstr(p, " in ");
			size_t n = e ? (size_t)(e - p) : strcspn(p, "\n");

			copy_str(w, sizeof(w), p, n);
			scrub(w);
			snprintf(out->title, sizeof(out->title), "%s in %s", w, f);
		}
		return;
	case T_KCSAN:
		/* syzbot drops the "BUG: ": "KCSAN: data-race in a / b" */
		copy_str(buf, sizeof(buf), s + strlen("BUG: "), strlen(s + strlen("BUG: ")));
		scrub(buf);
		snprintf(out->title, sizeof(out->title), "%s", buf);
		return;
	case T_UBSAN:
		p = s + strlen("UBSAN: ");
		{
			const char *e = strstr(p, " in ");
			size_t n = e ? (size_t)(e - p) : strcspn(p, " ");

			copy_str(w, sizeof(w), p, n);
			snprintf(out->title, sizeof(out->title), "UBSAN: %s in %s", w, f);
		}
		return;
	case T_PANIC:
		p = strstr(s, "not syncing");
		p += strlen("not syncing");
		while (*p == ':' || *p == ' ')
			p++;
		copy_str(buf, sizeof(buf), p, strlen(p));
		{
			char *e = strstr(buf, "Attempted to kill");

			/* "Attempted to kill init! exitcode=0x0000000b" */
			if (e && (e = strchr(e, '!')))
				e[1] = '\0';
		}
		scrub(buf);
		snprintf(out->title, sizeof(out->title), "kernel panic: %s", buf);
		return;
	case T_SPINLOCK:
		/* "BUG: spinlock lockup suspected on CPU#0, ..." */
		p = s + strlen(h->fmt);
		{
			const char *e = strstr(p, " on CPU");
			size_t n = e ? (size_t)(e - p) : strcspn(p, ",:");

			copy_str(w, sizeof(w), p, n);
			snprintf(out->title, sizeof(out->title), "%s%s in %s", h->fmt, w, f);
		}
		return;
	case T_PERCPU:
		/* "BUG: using smp_processor_id() in preemptible [00000000] code: a/1" */
		p = s + strlen("BUG: using ");
		word_after(p, " ", w, sizeof(w));
		snprintf(out->title, sizeof(out->title), "BUG: using %s in preemptible code in %s", w, f);
		return;
	case T_BUG_GENERIC:
		p = s + strlen("BUG: ");
		copy_str(buf, sizeof(buf), p, strcspn(p, ":,"));
		scrub(buf);
		snprintf(out->title, sizeof(out->title), "BUG: %s", buf);
		return;
	}
}

static bool title_needs_frame(const struct header *h)
{
	switch (h->rule) {
	case T_FIXED:
	case T_KCSAN:
	case T_PANIC:
	case T_BUG_GENERIC:
		return false;
	default:
		return true;
	}
}

uint64_t oops_signature_hash(const char *title, const char *const *frames, int nframes)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *s;

	for (s = title; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	for (int i = 0; i < nframes && i < OOPS_HASH_FRAMES; i++) {
		h ^= '\n';
		h *= 0x100000001b3ULL;
		for (s = frames[i]; *s; s++) {
			h ^= (unsigned char)*s;
			h *= 0x100000001b3ULL;
		}
	}
	return h;
}

static void report_reset(struct open_report *r)
{
	char *text = r->text;

	memset(r, 0, sizeof(*r));
	r->text = text;
}

static void report_close(struct oops_parser *p)
{
	struct open_report *r = &p->rep;
	struct oops_report out;
	const char *frame;
	int idx;

	if (!r->open)
		return;
	memset(&out, 0, sizeof(out));
	frame = guilty_frame(r, &idx);
	build_title(r, &out, frame);
	out.kind = r->hdr->kind;
	out.start = r->start;
	out.end = r->end;
	/* cut (size cap), no frame for a title that needs one, or closed
	 * before any of its stack arrived */
	out.corrupted = r->capped || (!frame && title_needs_frame(r->hdr)) ||
			(r->young && !(r->hdr->flags & H_NO_STACK) && r->hdr->kind != OOPS_KIND_PANIC);
	if (frame)
		copy_str(out.frame, sizeof(out.frame), frame, strlen(frame));

	/* the stack for the hash: the guilty frame and the non-generic frames after it */
	if (frame) {
		out.frames[out.nframes++] = out.frame;
		for (int i = idx + 1; i < r->nframes && out.nframes < OOPS_MAX_FRAMES; i++) {
			if (frame_skipped(r->frames[i], r->hdr->skip | S_HELPER))
				continue;
			if (!strcmp(r->frames[i], out.frames[out.nframes - 1]))
				continue;
			out.frames[out.nframes++] = r->frames[i];
		}
	}
	out.hash = oops_signature_hash(out.title, out.frames, out.nframes);
	r->text[r->text_kept] = '\0';
	out.text = r->text;
	out.text_len = r->text_kept;
	p->fn(&out, p->userdata);
	report_reset(r);
}

static void text_append(struct open_report *r, const char *s, size_t n)
{
	if (r->text_len + n + 1 > OOPS_REPORT_MAX) {
		r->capped = true;
		return;
	}
	memcpy(r->text + r->text_len, s, n);
	r->text_len += n;
	r->text[r->text_len++] = '\n';
}

static void report_open(struct oops_parser *p, const struct header *h, const char *s,
			const char *caller, uint64_t start, uint64_t end)
{
	struct open_report *r = &p->rep;
	char name[OOPS_FRAME_MAX];
	const char *q;

	report_reset(r);
	r->open = true;
	r->hdr = h;
	r->start = start;
	r->end = end;
	r->young = true;
	r->lines = 1;
	r->want_backtrace = h->src == F_AT_TRACE;
	copy_str(r->line, sizeof(r->line), s, strlen(s));
	copy_str(r->caller, sizeof(r->caller), caller, strlen(caller));
	text_append(r, s, strlen(s));
	r->text_kept = r->text_len;

	/* the function named in the header line itself */
	if (h->rule == T_WARNING) {
		q = strstr(s, " at ");
		if (q) {
			q += 4;
			if (!parse_symbol(q, name, sizeof(name))) {
				q += strcspn(q, " ");
				while (*q == ' ')
					q++;
				if (!parse_symbol(q, name, sizeof(name)))
					name[0] = '\0';
			}
			copy_str(r->hdr_frame, sizeof(r->hdr_frame), name, strlen(name));
		}
	} else if (h->src == F_HDR_PC_TRACE) {
		q = strstr(s, " in ");
		if (q && (parse_symbol(q + 4, name, sizeof(name)) ||
			  parse_inline_symbol(q + 4, name, sizeof(name))))
			copy_str(r->hdr_frame, sizeof(r->hdr_frame), name, strlen(name));
	}
}

/* A line inside an open report: collect what the title needs. */
static void report_collect(struct open_report *r, const char *s)
{
	char name[OOPS_FRAME_MAX];
	const char *q;

	if (r->hdr->rule == T_KASAN && !r->access[0]) {
		if (starts(s, "Read of size") || starts(s, "Read at addr"))
			strcpy(r->access, "Read");
		else if (starts(s, "Write of size") || starts(s, "Write at addr"))
			strcpy(r->access, "Write");
	}
	if (!r->at_frame[0] && r->hdr->src == F_AT_TRACE && (q = strstr(s, ", at: "))) {
		q = skip_pc_brackets(q + 6);
		if (parse_symbol(q, name, sizeof(name)) && !frame_skipped(name, r->hdr->skip))
			copy_str(r->at_frame, sizeof(r->at_frame), name, strlen(name));
	}
	if (r->want_backtrace) {
		if (starts(s, "stack backtrace:"))
			r->want_backtrace = false;
		return;
	}
	if (!r->pc_frame[0] && !r->trace_done && parse_pc_line(s, name, sizeof(name))) {
		copy_str(r->pc_frame, sizeof(r->pc_frame), name, strlen(name));
		return;
	}
	if (r->trace_done)
		return;
	if (starts(s, "Call trace:") || starts(s, "Call Trace:") || starts(s, "Backtrace:") ||
	    starts(s, "backtrace")) {
		r->young = false;
		return;
	}
	if (parse_frame_line(s, name, sizeof(name))) {
		r->young = false;
		r->in_trace = true;
		if (r->nframes < FRAMES_KEPT)
			copy_str(r->frames[r->nframes++], OOPS_FRAME_MAX, name, strlen(name));
		return;
	}
	if (!r->in_trace)
		return;
	/* lines that may sit inside a trace without ending it */
	q = s;
	while (*q == ' ' || *q == '\t')
		q++;
	if (*q == '<' || *q == '?' || starts(q, "RIP: ") || starts(q, "RSP: ") || starts(q, "RAX: ") ||
	    starts(q, "RDX: ") || starts(q, "RBP: ") || starts(q, "R10: ") || starts(q, "R13: ") ||
	    starts(q, "Code: ") || starts(q, "Exception stack") || starts(q, "[<") || is_hex(*q) ||
	    starts(q, "irq event stamp") || starts(q, "hardirqs ") || starts(q, "softirqs "))
		return;
	r->trace_done = true;
}

/* Handles one line segment at stream offset off; end is just past it. */
static void parse_segment(struct oops_parser *p, const char *raw, size_t len, uint64_t off,
			  uint64_t end)
{
	struct open_report *r = &p->rep;
	char caller[24];
	size_t pre, pos = 0;
	const struct header *h;
	const char *s;
	char *line = p->seg;

	/* NULs would hide the rest of the line from the string functions;
	 * terminal colour codes (ESC [ ... m) are dropped */
	{
		size_t w = 0;

		for (size_t i = 0; i < len && i < OOPS_LINE_MAX; i++) {
			if (raw[i] == '\x1b' && i + 1 < len && raw[i + 1] == '[') {
				size_t j = i + 2;

				while (j < len && j < i + 16 && (is_digit(raw[j]) || raw[j] == ';'))
					j++;
				if (j < len && raw[j] == 'm') {
					i = j;
					continue;
				}
			}
			line[w++] = raw[i] ? raw[i] : ' ';
		}
		line[w] = '\0';
	}
	pre = line_prefix(line, strlen(line), caller, sizeof(caller));
	s = line + pre;

	if (r->open && is_reboot_marker(s)) {
		report_close(p);
		return;
	}

	h = find_header(s, &pos);
	if (h && r->open && (h->flags & H_SECONDARY) && r->young && r->lines < YOUNG_LINES)
		h = NULL;	/* belongs to the report open now */
	/* symbolized reports repeat the header once per inlined frame:
	 * "BUG: KASAN: ... in inlined file.h:12 [inline]", then the caller */
	if (h && r->open && h == r->hdr && (h->flags & H_SAN_END) && r->young && r->lines <= 3)
		h = NULL;
	if (h) {
		report_close(p);
		/* The report starts at the line's first byte, prefix and any
		 * text before the header included, so that parsing again from
		 * start sees the same line, caller id and all. */
		report_open(p, h, s + pos, caller, off, end);
		if (h->flags & H_NO_STACK)
			r->trace_done = true;
		return;
	}
	if (!r->open)
		return;

	r->lines++;
	text_append(r, s, strlen(s));
	/* lines from another caller are kept in the text but not read */
	if (r->caller[0] && caller[0] && strcmp(caller, r->caller)) {
		r->quiet++;
	} else if (is_report_line(s)) {
		report_collect(r, s);
		r->quiet = 0;
		r->end = end;
		r->text_kept = r->text_len;
		if (starts(s, "---[ end ") ||
		    ((r->hdr->flags & H_SAN_END) && starts(s, "=====") && r->lines > 2)) {
			report_close(p);
			return;
		}
	} else if (*s) {
		r->quiet++;
	}
	if (r->capped || r->lines >= OOPS_REPORT_LINES) {
		r->capped = true;
		report_close(p);
		return;
	}
	if (r->quiet >= QUIET_LINES)
		report_close(p);
}

/*
 * One physical line, without its line ending; end is the offset just past
 * the line ending.  Another CPU or user space may have printed a partial
 * line with the kernel's line going on after it: split at each kernel
 * timestamp found inside the line.
 */
static void parse_line(struct oops_parser *p, uint64_t end)
{
	const char *s = p->line;
	size_t len = p->line_len;
	uint64_t off = p->line_start;

	while (len && s[len - 1] == '\r')
		len--;
	for (;;) {
		size_t inner = find_inner_timestamp(s, len);

		if (!inner)
			break;
		parse_segment(p, s, inner, off, off + inner);
		s += inner;
		len -= inner;
		off += inner;
	}
	parse_segment(p, s, len, off, end);
}

int oops_parser_feed(struct oops_parser *p, const void *buf, size_t len)
{
	const char *s = buf;

	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t n = nl ? (size_t)(nl - s) : len;
		size_t room = OOPS_LINE_MAX - p->line_len;
		size_t take = n < room ? n : room;

		/* bytes beyond OOPS_LINE_MAX are counted but not kept */
		memcpy(p->line + p->line_len, s, take);
		p->line_len += take;
		p->offset += n;
		s += n;
		len -= n;
		if (nl) {
			p->offset++;
			s++;
			len--;
			parse_line(p, p->offset);
			p->line_len = 0;
			p->line_start = p->offset;
		}
	}
	return 0;
}

int oops_parser_finish(struct oops_parser *p)
{
	if (p->offset > p->line_start)
		parse_line(p, p->offset);
	report_close(p);
	p->line_start = p->offset;
	p->line_len = 0;
	return 0;
}

struct buffer_ctx {
	oops_report_fn fn;
	void *userdata;
	int count;
};

static void buffer_cb(const struct oops_report *r, void *userdata)
{
	struct buffer_ctx *c = userdata;

	c->count++;
	c->fn(r, c->userdata);
}

int oops_parse_buffer(const void *buf, size_t len, oops_report_fn fn, void *userdata)
{
	struct buffer_ctx c = { fn, userdata, 0 };
	struct oops_parser *p = oops_parser_new(buffer_cb, &c);

	if (!p)
		return -ENOMEM;
	oops_parser_feed(p, buf, len);
	oops_parser_finish(p);
	oops_parser_free(p);
	return c.count;
}
