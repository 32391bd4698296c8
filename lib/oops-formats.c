// SPDX-License-Identifier: MIT
/*
 * oops-formats.c - the tables of the crash parser: report headers, title
 * formats, skip lists.  The engine that reads them is lib/oops.c; the
 * pattern notation is in lib/oops-formats.h.
 *
 * Source: syzkaller pkg/report/linux.go as described, in our own words, by
 * ../shared/research/syzbot-titles.md (section numbers below).  Entries
 * marked "oopsfarm" are local additions, each with its reason; they are
 * listed in doc/signatures.md.
 */
#include "oops-formats.h"

/* The tables are laid out for reading, row by row. */
/* clang-format off */

/* ---- headers (section 3), in syzkaller's order ---- */

static const char *const excl_bug[] = {
	"ODEBUG:", "Boot_DEBUG:", "xlog_status:", "DEBUG:", "BUG: no syscalls can create resource", NULL,
};

static const char *const excl_warning[] = {
	"WARNING: /etc/ssh/moduli does not exist, using fixed modulus",
	"WARNING: workqueue cpumask: online intersect > possible intersect",
	"WARNING: {The|the} mand mount option",
	"WARNING: Unsupported flag value\\(s\\) of 0x%x in DT_FLAGS_1",
	"WARNING: Unprivileged eBPF is enabled with eIBRS",
	"WARNING: fbcon: Driver '*' missed to adjust virtual screen size \\({N}x{N} vs. {N}x{N}\\)",
	"WARNING: See https* for mitigation options.",
	"WARNING: kernel not compiled with CPU_SRSO",
	"EXT4-{fs|FS}: || EXT4-{fs|FS} \\(*\\):",
	"~warning: * uses deprecated v2 capabilities",
	"~warning: * uses wireless extensions",
	"XFS \\(*\\): WARNING",
	/* oopsfarm: a deprecation notice printed on every boot of 6.x */
	"WARNING: Flushing system-wide workqueues",
	NULL,
};

static const char *const excl_info[] = {
	"INFO: lockdep is turned off", "INFO: Stall ended before state dump start", "INFO: NMI handler",
	"INFO: recovery required on readonly filesystem", "{handler|interrupt}*took too long",
	"INFO: sys_* is not present in /proc/kallsyms", "INFO: no syscalls can create resource",
	"rmt_storage:INFO:", "_INFO:", NULL,
};

static const char *const excl_gpf[] = { "general protection fault* error:{N} in ", NULL };
static const char *const excl_boot[] = { "Parsing ELF", "Decompressing Linux", "Unknown parameter '", NULL };
static const char *const excl_fatal[] = { "ALSA", "fatal error: cannot create timer", NULL };
static const char *const excl_panic[] = { "_panic:", "xlog_status:", "ddb.onpanic:", "evtlog_status:", NULL };

enum {
	H_BUG, H_WARNING, H_INFO, H_UNABLE, H_GPF, H_STACKSEG, H_KPANIC, H_DFAULT, H_RUST, H_KBUG,
	H_KBUG2, H_KMALLOC, H_DIVERR, H_DIVERR2, H_INVOP, H_INT3, H_UBSAN, H_BOOT, H_UNREG,
	H_VFSCLOSE, H_VFSBUSY, H_INTERR, H_UNHANDLED, H_ALIGN, H_TRUSTY, H_FATAL, H_SYZFAIL,
	H_SYZFATAL, H_PANIC, H_HARDLOCKUP,
};

const struct oops_header oops_headers[] = {
	[H_BUG] = { "BUG:", excl_bug, NULL, 0 },
	[H_WARNING] = { "WARNING:", excl_warning, NULL, 0 },
	[H_INFO] = { "INFO:", excl_info, NULL, 0 },
	[H_UNABLE] = { "Unable to handle kernel", NULL, NULL, 0 },
	[H_GPF] = { "general protection fault", excl_gpf, NULL, 0 },
	[H_STACKSEG] = { "stack segment: ", NULL, NULL, 0 },
	[H_KPANIC] = { "Kernel panic", NULL, NULL, 0 },
	[H_DFAULT] = { "PANIC: double fault", NULL, NULL, 0 },
	[H_RUST] = { "rust_kernel: panicked", NULL, NULL, 0 },
	[H_KBUG] = { "kernel BUG", NULL, NULL, 0 },
	[H_KBUG2] = { "Kernel BUG", NULL, NULL, 0 },
	[H_KMALLOC] = { "BUG kmalloc-", NULL, NULL, 0 },
	[H_DIVERR] = { "divide error:", NULL, NULL, 0 },
	[H_DIVERR2] = { "divide_error:", NULL, NULL, 0 },
	[H_INVOP] = { "invalid opcode:", NULL, NULL, 0 },
	[H_INT3] = { "int3:", NULL, NULL, 0 },
	[H_UBSAN] = { "UBSAN:", NULL, NULL, 0 },
	[H_BOOT] = { "Booting the kernel.", excl_boot, NULL, 0 },
	[H_UNREG] = { "unregister_netdevice: waiting for", NULL, NULL, 0 },
	[H_VFSCLOSE] = { "VFS: Close: file count is 0", NULL, NULL, 0 },
	[H_VFSBUSY] = { "VFS: Busy inodes after unmount", NULL, NULL, 0 },
	/* oopsfarm: die() always prints "Internal error: msg: esr [#n]";
	 * drivers print "mmc0: Internal error: bad CRC" */
	[H_INTERR] = { "Internal error:", NULL, "Internal error:* \\[#", 0 },
	[H_UNHANDLED] = { "Unhandled fault:", NULL, NULL, 0 },
	[H_ALIGN] = { "Alignment trap:", NULL, NULL, 0 },
	[H_TRUSTY] = { "trusty: panic", NULL, NULL, 0 },
	[H_FATAL] = { "fatal error:", excl_fatal, NULL, 0 },
	[H_SYZFAIL] = { "SYZFAIL:", NULL, NULL, 0 },
	[H_SYZFATAL] = { "SYZFATAL:", NULL, NULL, 0 },
	[H_PANIC] = { "panic:", excl_panic, NULL, 0 },
	/* oopsfarm: the NMI watchdog's report, which syzbot's VMs never print
	 * (they panic on it first); a board with hardlockup_panic=0 does */
	[H_HARDLOCKUP] = { "Watchdog detected hard LOCKUP", NULL, NULL, OH_LOCAL },
};
const size_t oops_nheaders = sizeof(oops_headers) / sizeof(oops_headers[0]);

/* ---- skip lists (section 8) ---- */

static const char *const skip_global[] = {
	/* sanitizer and checker internals */
	"__sanitizer", "__asan", "kasan", "hwasan", "__msan", "kmsan", "kcsan_setup_watchpoint",
	"check_memory_region", "check_heap_object", "check_object", "read_word_at_a_time",
	"read_once_.*nocheck", "write_once_.*nocheck", "print_address_description",
	/* panic, trap and bug-report plumbing */
	"panic", "invalid_op", "report_bug", "fixup_bug", "print_report", "print_usage_bug", "do_error",
	"_trap$", "do_trap", "program_check_exception", "program_check_common", "assertfail",
	"print_tainted", "^get_taint$", "__fortify_report",
	/* stack dumping and warn paths */
	"show_stack", "dump_stack", "walk_stack", "dump_backtrace", "warn_slowpath", "warn_alloc",
	"warn_bogus", "__warn", "stack_trace_consume_entry", "arch_stack_walk", "stack_trace_save",
	"hex_dump_to_buffer", "print_hex_dump",
	/* allocation, freeing, page cache; k?v?(m|z|c)alloc is a substring test */
	"alloc_page", "malloc", "zalloc", "calloc", "krealloc", "kmem_cache", "allocate_slab",
	"__alloc_frozen_pages_noprof", "folio_alloc", "folio_unlock", "filemap_alloc_folio",
	"__filemap_get_folio", "find_or_create_page", "do_read_cache_folio", "read_cache_page",
	"pagecache_get_page", "grab_cache_page_write_begin", "slab_", "^kfree$", "^kvfree$",
	"kfree_skb", "^lock_page", "^unlock_page", "xas_start", "xas_load", "xas_find",
	"find_lock_entries", "truncate_inode_pages_range", "__phys_addr", "mark_buffer_dirty",
	/* debug objects, might_* */
	"debug_object", "timer_is_static_object", "work_is_static_object", "__might_fault",
	"might_fault", "might_sleep", "__might_resched",
	/* lockdep and lock primitives */
	"print_unlock", "imbalance_bug", "lockdep", "bh_enable", "bh_disable", "lock_acquire",
	"lock_release", "lock_class", "mark_lock", "reacquire_held_locks", "mark_held_locks",
	"raw_spin_rq", "spin_lock", "spin_trylock", "spin_unlock", "read_lock", "read_trylock",
	"write_lock", "write_trylock", "read_unlock", "write_unlock", "^down$", "down_read",
	"down_write", "down_read_trylock", "down_write_trylock", "down_trylock", "up_read", "up_write",
	"^mutex_", "^__mutex_", "^rt_mutex_", "owner_on_cpu", "osq_lock", "osq_unlock",
	"trace_hardirq", "trace_softirq", "lockdep_hardirq", "lockdep_softirq", "seqprop_assert",
	"lock_timer_base",
	/* atomics, bitops, wakeups, refcounts */
	"atomic_dec", "atomic_inc", "atomic_read", "atomic_set", "atomic_or", "atomic_xor",
	"atomic_and", "atomic_add", "atomic_sub", "atomic_fetch", "atomic_xchg", "atomic_cmpxchg",
	"atomic_try", "atomic64_dec", "atomic64_inc", "atomic64_read", "atomic64_set", "atomic64_or",
	"atomic64_xor", "atomic64_and", "atomic64_add", "atomic64_sub", "atomic64_fetch",
	"atomic64_xchg", "atomic64_cmpxchg", "atomic64_try", "set_bit", "clear_bit", "change_bit",
	"test_bit", "__wake_up", "^refcount_", "^kref_", "ref_tracker",
	/* mem*, str* and formatting helpers */
	"memcpy", "memcmp", "memset", "memchr", "memmove", "memdup", "strcmp", "strncmp", "strcpy",
	"strlcpy", "strncpy", "strscpy", "strlen", "strstr", "strnstr", "strnlen", "strchr", "strdup",
	"strndup", "string", "pointer", "snprintf", "scnprintf", "kasprintf", "kvasprintf", "printk",
	"va_format",
	/* user copy and iov */
	"copy_to_user", "copy_from_user", "copy_to_iter", "copy_from_iter", "copy_page_to_iter",
	"copy_page_from_iter", "copy_folio_to_iter", "^copyin$", "^copyout$", "put_user", "get_user",
	"extract_user_to_sg", "extract_iter_to_sg",
	/* lists, trees, hashes, ids */
	"list_add", "list_del", "list_replace", "list_move", "list_splice", "^rb_", "^__rb_",
	"^klist_", "rhashtable_lookup", "ida_free",
	/* dev_* logging */
	"dev_info", "dev_notice", "dev_warn", "dev_err", "dev_alert", "dev_crit", "dev_emerg",
	/* timers, workqueues, completions, SRCU */
	"del_timer", "flush_work", "__cancel_work_timer", "cancel_work_sync", "try_to_grab_pending",
	"flush_workqueue", "drain_workqueue", "destroy_workqueue", "queue_work", "finish_wait",
	"kthread_stop", "^complete$", "wait_for_completion", "insert_work", "__queue_delayed_work",
	"queue_delayed_work_on", "__timer_delete_sync", "sk_stop_timer_sync", "__mod_timer",
	"cleanup_srcu_struct",
	/* device model and teardown */
	"kobject_", "add_uevent_var", "get_device_parent", "device_add", "device_del",
	"device_unregister", "device_destroy", "device_release", "devres_release_all",
	"hwrng_unregister", "i2c_del_adapter", "__unregister_client", "device_for_each_child",
	"rollback_registered", "unregister_netdev", "sysfs_remove", "device_remove_file",
	"tty_unregister_device", "^put_device$",
	/* USB */
	"dummy_urb_enqueue", "usb_kill_urb", "usb_kill_anchored_urbs", "usb_control_msg",
	"usb_hcd_submit_urb", "usb_submit_urb",
	/* MMIO and port I/O */
	"readb$", "readw$", "readl$", "readq$", "writeb$", "writew$", "writel$", "writeq$",
	"logic_in", "logic_out",
	/* CRC */
	"^crc\\d", "crc_itu_t",
	/* VFS references */
	"^iput$", "^iput_final$", "^ihold$", "drop_nlink", "fast_dput", "dput",
	/* arm64 fault entry */
	"do_kernel_fault", "do_translation_fault", "do_mem_abort", "el1_abort", "el1h_64_sync",
	/* misc */
	"perf_trace", "_indirect_thunk_",
	NULL,
};

/* per-format lists (section 8.2) */
#define SKIP(...) ((const char *const[]){ __VA_ARGS__, NULL })
enum {
	S_NONE, S_KASAN, S_KASAN_FREE, S_KMSAN_USB, S_KMSAN, S_SPINLOCK, S_SCHED_ATOMIC, S_BAD_PAGE,
	S_PREEMPT, S_LEAK, S_LOCK_SOCK, S_ODEBUG, S_USERCOPY, S_KOBJECT, S_PROC, S_REFCOUNT,
	S_KMALLOC, S_USB_URB, S_CIRCULAR, S_SUSP_RCU, S_RCU_STALL, S_NONSTATIC, S_SCHEDULE,
	S_STACK_CHK, S_STACK_END, S_STACK_OVF, S_RUST, S_SKB, S_UBSAN,
};

const struct oops_skip_list oops_skip_lists[SKIP_LISTS] = {
	[SKIP_GLOBAL] = { skip_global },
	[S_KASAN] = { SKIP("kernel_fault", "tag_check", "mem_abort", "^el1_", "^el1h_") },
	[S_KASAN_FREE] = { SKIP("slab_", "kfree", "vunmap", "vfree") },
	[S_KMSAN_USB] = { SKIP("alloc_skb", "usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
			       "usb_interrupt_msg", "usb_control_msg") },
	[S_KMSAN] = { SKIP("alloc_skb", "netlink_ack", "netlink_rcv_skb", "_encrypt$", "^crypto_",
			   "^cipher_", "^drbg_", "^rng_") },
	[S_SPINLOCK] = { SKIP("spin_", "_lock", "_unlock") },
	[S_SCHED_ATOMIC] = { SKIP("schedule") },
	[S_BAD_PAGE] = { SKIP("free_page", "put_page", "get_page", "update_page", "release_page",
			      "free_unref", "^folio", "^_folio", "^__folio", "^___folio",
			      "truncate_inode_pages", "page_frag_free", "alloc", "vmap", "page_owner") },
	[S_PREEMPT] = { SKIP("dump_stack", "preemption", "preempt", "debug_", "processor_id", "this_cpu") },
	[S_LEAK] = { SKIP("kmemleak", "mmap", "kmem", "slab", "alloc", "create_object", "idr_get",
			  "list_lru_init", "kasprintf", "kvasprintf", "pcpu_create", "strdup", "strndup",
			  "memdup") },
	[S_LOCK_SOCK] = { SKIP("lock_sock", "release_sock") },
	[S_ODEBUG] = { SKIP("debug_", "rcu", "hrtimer_", "timer_", "work_", "percpu_", "vunmap", "vfree",
			    "__free_", "debug_check", "kobject_") },
	[S_USERCOPY] = { SKIP("usercopy", "__check") },
	[S_KOBJECT] = { SKIP("kobject_") },
	[S_PROC] = { SKIP("proc_") },
	[S_REFCOUNT] = { SKIP("refcount", "kobject_") },
	[S_KMALLOC] = { SKIP("kmalloc", "krealloc", "slab", "kmem") },
	[S_USB_URB] = { SKIP("usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg", "usb_interrupt_msg",
			     "usb_control_msg") },
	[S_CIRCULAR] = { SKIP("process_one_work", "flush_workqueue", "drain_workqueue", "destroy_workqueue") },
	[S_SUSP_RCU] = { SKIP("rcu", "kmem", "slab") },
	[S_RCU_STALL] = { SKIP("apic_timer_interrupt", "rcu") },
	[S_NONSTATIC] = { SKIP("stack", "lock", "IRQ") },
	[S_SCHEDULE] = { SKIP("schedule") },
	[S_STACK_CHK] = { SKIP("stack_chk") },
	[S_STACK_END] = { SKIP("schedule", "retint_kernel") },
	[S_STACK_OVF] = { SKIP("bad_stack") },
	/* oopsfarm: "rust_begin_unwind" too, for mangled names (no demangler) */
	[S_RUST] = { SKIP("__rustc::rust_begin_unwind", "rust_begin_unwind") },
	[S_SKB] = { SKIP("^skb_") },
	[S_UBSAN] = { SKIP("ubsan", "overflow") },
	/* section 8.4, matched on names without syscall prefixes */
	[SKIP_STALL_ANCHOR] = { SKIP(
		"process_one_work", "do_syscall_", "do_fast_syscall_", "sysenter_dispatch",
		"tracesys_phase2", "el0_svc_handler", "invoke_syscall", "ret_fast_syscall",
		"netif_receive_skb", "do_softirq", "call_timer_fn", "_run_timers", "run_timer_softirq",
		"hrtimer_run", "run_ksoftirqd", "smpboot_thread_fn", "^kthread$", "start_secondary",
		"cpu_startup_entry", "ret_from_fork", "vfs_write", "vfs_read", "vfs_iter_read",
		"vfs_iter_write", "do_iter_read", "do_iter_write", "call_read_iter", "call_write_iter",
		"new_sync_read", "new_sync_write", "vfs_ioctl", "ksys_ioctl", "compat_ioctl",
		"compat_sys_ioctl", "blkdev_driver_ioctl", "blkdev_ioctl", "do_iter_readv_writev",
		"^call_mmap", "mmap_region", "do_mmap", "do_dentry_open", "vfs_open", "^sock_sendmsg",
		"^sock_recvmsg", "^sock_release", "^__sock_release", "^setsockopt$", "kernel_setsockopt",
		"sock_common_setsockopt", "^listen$", "kernel_listen", "sk_common_release", "^sock_mmap",
		"^accept$", "kernel_accept", "^sock_do_ioctl", "^sock_ioctl", "^compat_sock_ioctl",
		"^nfnetlink_rcv_msg", "^rtnetlink_rcv_msg", "^netlink_dump", "^socketpair", "^connect",
		"^ioctl", "^sys_socketpair", "^sys_connect", "^sys_ioctl", "__do_fault", "do_page_fault",
		"^page_fault$", "__fput", "task_work_run", "exit_to_usermode", "smp_call_function",
		"tasklet_action", "tasklet_hi_action") },
	[SKIP_HANG_GENERIC] = { SKIP("sched", "_lock", "_slowlock", "down", "rwsem", "completion", "kthread",
				     "wait", "synchronize", "context_switch", "__switch_to",
				     "cancel_delayed_work", "rcu_barrier") },
};

/* ---- formats (section 7), per header in syzkaller's order ---- */

#define K(k) OOPS_KIND_##k
#define AT "at: {a}({F})"

const struct oops_format oops_formats[] = {
	/* 7.1 BUG: */
	{ H_BUG, K(KASAN), 0, SEL_FIRST, S_KASAN, "BUG: KASAN:",
	  { "BUG: KASAN: ({T}) in {F}", "({Read|Write}) {of size|at addr} " },
	  "KASAN: %1 %2 in %F", "find:BUG: KASAN: * in ({F});" R2, NULL },
	{ H_BUG, K(KASAN), 0, SEL_FIRST, S_KASAN_FREE, "BUG: KASAN:",
	  { "BUG: KASAN: {double-free or invalid-free|double-free|invalid-free} in {F}" },
	  "KASAN: invalid-free in %F", "find:BUG: KASAN: * in ({F});" R2, NULL },
	{ H_BUG, K(KASAN), 0, SEL_FIRST, 0, "BUG: KASAN:",
	  { "BUG: KASAN: ({T}) on address", "({Read|Write}) of size {N}" }, "KASAN: %1 %2", NULL, NULL },
	{ H_BUG, K(KASAN), OF_C, SEL_FIRST, 0, "BUG: KASAN:", { "BUG: KASAN: ({R})" }, "KASAN: %1", NULL, NULL },
	{ H_BUG, K(KMSAN), OF_NS, SEL_FIRST, S_KMSAN_USB, "BUG: KMSAN: kernel-usb-infoleak",
	  { "BUG: KMSAN: kernel-usb-infoleak* in {F}" }, "KMSAN: kernel-usb-infoleak in %F",
	  "find:BUG: KMSAN: * in ({F});stack;find:Local variable * created at: || Uninit was created at:;stack",
	  NULL },
	{ H_BUG, K(KMSAN), OF_NS, SEL_FIRST, S_KMSAN, "BUG: KMSAN:", { "BUG: KMSAN: ({T}) in {F}" },
	  "KMSAN: %1 in %F",
	  "find:BUG: KMSAN: * in ({F});stack;find:Local variable * created at: || Uninit was created at:;stack",
	  NULL },
	{ H_BUG, K(KCSAN), OF_NS, SEL_FIRST, 0, "BUG: KCSAN: data-race", { "BUG: KCSAN: ({R})" }, "KCSAN: %1",
	  NULL, NULL },
	{ H_BUG, K(KCSAN), OF_NS, SEL_FIRST, 0, "BUG: KCSAN:", { "BUG: KCSAN: ({R})" }, "KCSAN: %1", NULL, NULL },
	{ H_BUG, K(KFENCE), 0, SEL_FIRST, 0, "BUG: KFENCE: ({use-after-free|out-of-bounds} {read|write}) in {F}",
	  { NULL }, "KFENCE: %1 in %F", "find:BUG: KFENCE: * in ({F});stack", NULL },
	{ H_BUG, K(KFENCE), OF_NS, SEL_FIRST, 0, "BUG: KFENCE: invalid free in {F}", { NULL },
	  "KFENCE: invalid free in %F", "find:BUG: KFENCE: * in ({F});stack", NULL },
	{ H_BUG, K(KFENCE), 0, SEL_FIRST, 0, "BUG: KFENCE: (invalid {read|write}) in {F}", { NULL },
	  "KFENCE: %1 in %F", "find:BUG: KFENCE: * in ({F});stack", NULL },
	{ H_BUG, K(KFENCE), OF_NS, SEL_FIRST, 0, "BUG: KFENCE: memory corruption in {F}", { NULL },
	  "KFENCE: memory corruption in %F", "find:BUG: KFENCE: * in ({F});stack", NULL },
	{ H_BUG, K(OOPS), 0, SEL_FIRST, 0,
	  "BUG: unable to handle kernel paging request || BUG: unable to handle page fault for address"
	  " || BUG: Unable to handle kernel data access", { NULL },
	  "BUG: unable to handle kernel paging request in %F", R1, NULL },
	{ H_BUG, K(OOPS), 0, SEL_FIRST, 0,
	  "BUG: unable to handle kernel NULL pointer dereference || BUG: kernel NULL pointer dereference"
	  " || BUG: Kernel NULL pointer dereference", { NULL },
	  "BUG: unable to handle kernel NULL pointer dereference in %F", R1, NULL },
	{ H_BUG, K(OOPS), OF_C, SEL_FIRST, 0, "BUG: unable to handle kernel || BUG: Unable to handle kernel",
	  { NULL }, "BUG: unable to handle kernel", NULL, NULL },
	{ H_BUG, K(LOCKDEP), 0, SEL_FIRST, S_SPINLOCK,
	  "BUG: ({spinlock|rwlock}) ({lockup suspected|already unlocked|recursion|cpu recursion|bad magic"
	  "|wrong owner|wrong CPU|trylock failure on UP})", { NULL }, "BUG: %1 %2 in %F", R2, NULL },
	{ H_BUG, K(SOFTLOCKUP), 0, SEL_STALL, 0, "BUG: soft lockup", { NULL }, "BUG: soft lockup in %F", R1, NULL },
	{ H_BUG, K(LOCKDEP), 0, SEL_FIRST, 0, "BUG: *still has locks held!", { "BUG: *still has locks held!",
	  "{A}{_}({F})" }, "BUG: still has locks held in %1", NULL, NULL },
	{ H_BUG, K(BUG), 0, SEL_FIRST, S_SCHED_ATOMIC, "BUG: scheduling while atomic", { NULL },
	  "BUG: scheduling while atomic in %F", R2, NULL },
	{ H_BUG, K(LOCKDEP), OF_NS, SEL_FIRST, 0, "BUG: lock held when returning to user space",
	  { "BUG: lock held when returning to user space", "leaving the kernel with locks still held", AT },
	  "BUG: lock held when returning to user space in %1", NULL, NULL },
	{ H_BUG, K(LOCKDEP), 0, SEL_FIRST, 0, "BUG: bad unlock balance detected!", { NULL },
	  "BUG: bad unlock balance in %F", "find:{A}{_}({F});" R2, NULL },
	{ H_BUG, K(LOCKDEP), 0, SEL_FIRST, 0, "BUG: held lock freed!",
	  { "BUG: held lock freed!", "{A}{_}({F})" }, "BUG: held lock freed in %1", NULL, NULL },
	{ H_BUG, K(BUG), OF_NS, SEL_FIRST, 0, "BUG: Bad rss-counter state", { NULL }, "BUG: Bad rss-counter state",
	  NULL, NULL },
	{ H_BUG, K(BUG), OF_NS, SEL_FIRST, 0, "BUG: non-zero nr_ptes on freeing mm", { NULL },
	  "BUG: non-zero nr_ptes on freeing mm", NULL, NULL },
	{ H_BUG, K(BUG), OF_NS, SEL_FIRST, 0, "BUG: non-zero nr_pmds on freeing mm", { NULL },
	  "BUG: non-zero nr_pmds on freeing mm", NULL, NULL },
	{ H_BUG, K(BUG), 0, SEL_FIRST, 0, "BUG: Dentry * still in use",
	  { "BUG: Dentry * still in use \\({N}\\) \\[unmount of *\\]" }, "BUG: Dentry still in use in unmount",
	  NULL, NULL },
	{ H_BUG, K(BUG), 0, SEL_FIRST, S_BAD_PAGE, "BUG: Bad page ({state|cache})", { NULL },
	  "BUG: Bad page %1 in %F", "find:page last allocated;stack", NULL },
	{ H_BUG, K(BUG), 0, SEL_FIRST, 0, "BUG: Bad page map", { NULL }, "BUG: Bad page map", NULL, NULL },
	{ H_BUG, K(SOFTLOCKUP), OF_NS, SEL_FIRST, 0, "BUG: workqueue lockup", { NULL }, "BUG: workqueue lockup",
	  NULL, NULL },
	{ H_BUG, K(BUG), 0, SEL_FIRST, 0, "BUG: sleeping function called from invalid context at ", { NULL },
	  "BUG: sleeping function called from invalid context in %F", R2, NULL },
	{ H_BUG, K(BUG), 0, SEL_FIRST, S_PREEMPT, "BUG: using ({W})\\(\\) in preemptible", { NULL },
	  "BUG: using %1() in preemptible code in %F", R2, NULL },
	{ H_BUG, K(BUG), OF_NS, SEL_FIRST, 0, "BUG: workqueue leaked lock or atomic",
	  { "BUG: workqueue leaked lock or atomic", "last function: ({W})" },
	  "BUG: workqueue leaked lock or atomic in %1", NULL, NULL },
	{ H_BUG, K(LEAK), 0, SEL_FIRST, S_LEAK, "BUG: memory leak", { NULL }, "memory leak in %F",
	  "find:backtrace: || backtrace \\(crc {X}\\):;stack", NULL },
	{ H_BUG, K(BUG), 0, SEL_STALL, 0, "BUG: *stack guard page was hit at", { NULL },
	  "BUG: stack guard page was hit in %F", R1, NULL },
	{ H_BUG, K(LOCKDEP), 0, SEL_FIRST, S_LOCK_SOCK, "BUG: Invalid wait context", { NULL },
	  "WARNING: locking bug in %F", R2, NULL },
	{ H_BUG, K(BUG), OF_C, SEL_FIRST, 0, "BUG:{E}", { NULL }, "BUG: corrupted", NULL, NULL },

	/* 7.2 WARNING: */
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, S_ODEBUG,
	  "WARNING: *lib/debugobjects.c*{ debug_print| debug_check| at}", { NULL },
	  "WARNING: ODEBUG bug in %F", RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, S_USERCOPY, "WARNING: *mm/usercopy.c*{ usercopy_warn| at}",
	  { NULL }, "WARNING: bad usercopy in %F", RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, S_KOBJECT, "WARNING: *lib/kobject.c*{ kobject_| at}", { NULL },
	  "WARNING: kobject bug in %F", RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, S_PROC, "WARNING: *fs/proc/generic.c*{ proc_register| at}",
	  { NULL }, "WARNING: proc registration bug in %F", RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, S_REFCOUNT, "WARNING: *lib/refcount.c*{ refcount_| at}",
	  { NULL }, "WARNING: refcount bug in %F", RW, R2 },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, S_LOCK_SOCK, "WARNING: *kernel/locking/lockdep.c*lock_",
	  { NULL }, "WARNING: locking bug in %F", RW, R2 },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, 0, "WARNING: *still has locks held!",
	  { "WARNING: *still has locks held!", "at: ({F})" }, "WARNING: still has locks held in %1", NULL, NULL },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, 0, "WARNING: Nested lock was not taken", { NULL },
	  "WARNING: nested lock was not taken in %F", RW, R2 },
	{ H_WARNING, K(LOCKDEP), OF_NS, SEL_FIRST, 0, "WARNING: lock held when returning to user space",
	  { "WARNING: lock held when returning to user space", "leaving the kernel with locks still held", AT },
	  "WARNING: lock held when returning to user space in %1", NULL, NULL },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, S_KMALLOC,
	  "WARNING: *mm/*.c* malloc || WARNING: *mm/*.c* {.}malloc || WARNING: *mm/*.c* k{.}malloc", { NULL },
	  "WARNING: kmalloc bug in %F", RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, 0, "WARNING: *mm/vmalloc.c*__vmalloc_node", { NULL },
	  "WARNING: zero-size vmalloc in %F", RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, S_USB_URB, "WARNING: * usb_submit_urb", { NULL },
	  "WARNING in %F/usb_submit_urb", RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, 0, "WARNING: {S} at 0x{X}, CPU#{N}", { NULL }, "WARNING in %F",
	  RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, 0, "WARNING:* at {S} {F}", { NULL }, "WARNING in %F", RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, 0, "WARNING: {S} at {F}", { NULL }, "WARNING in %F", RW, R2 },
	{ H_WARNING, K(WARNING), 0, SEL_FIRST, 0, "WARNING: \\[*\\] {S} at {F}", { NULL }, "WARNING in %F", RW,
	  R2 },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, S_CIRCULAR, "WARNING: possible circular locking dependency detected",
	  { "WARNING: possible circular locking dependency detected", "is trying to acquire lock" },
	  "possible deadlock in %F", "find:" AT ";find:" AT ";stack", NULL },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, 0, "WARNING: possible irq lock inversion dependency detected",
	  { "WARNING: possible irq lock inversion dependency detected", "just changed the state of lock", AT },
	  "possible deadlock in %1", NULL, NULL },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, 0, "WARNING: *-safe -> *-unsafe lock order detected", { NULL },
	  "possible deadlock in %F", "find:which became *at:;stack", NULL },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, 0, "WARNING: possible recursive locking detected",
	  { "WARNING: possible recursive locking detected", "is trying to acquire lock", AT },
	  "possible deadlock in %1", NULL, NULL },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, 0, "WARNING: inconsistent lock state",
	  { "WARNING: inconsistent lock state", "takes", AT }, "inconsistent lock state in %F", R2, NULL },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, S_SUSP_RCU, "WARNING: suspicious RCU usage",
	  { "WARNING: suspicious RCU usage", "{S}" }, "WARNING: suspicious RCU usage in %F", R2, NULL },
	{ H_WARNING, K(WARNING), OF_NS, SEL_FIRST, 0, "WARNING: kernel stack regs at {X} in * has bad '(*)' value",
	  { NULL }, "WARNING: kernel stack regs has bad '%1' value", NULL, NULL },
	{ H_WARNING, K(WARNING), OF_NS, SEL_FIRST, 0, "WARNING: kernel stack frame pointer at {X} in * has bad value",
	  { NULL }, "WARNING: kernel stack frame pointer has bad value", NULL, NULL },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, 0, "WARNING: bad unlock balance detected!", { NULL },
	  "WARNING: bad unlock balance in %F", "find:{A}{_}({F});" R2, NULL },
	{ H_WARNING, K(LOCKDEP), 0, SEL_FIRST, 0, "WARNING: held lock freed!",
	  { "WARNING: held lock freed!", "at:{_}{a}({F})" }, "WARNING: held lock freed in %1", NULL, NULL },
	{ H_WARNING, K(WARNING), OF_NS, SEL_FIRST, 0, "WARNING: kernel stack regs * has bad 'bp' value", { NULL },
	  "WARNING: kernel stack regs has bad value", NULL, NULL },
	{ H_WARNING, K(WARNING), OF_NS, SEL_FIRST, 0, "WARNING: kernel stack frame pointer * has bad value",
	  { NULL }, "WARNING: kernel stack regs has bad value", NULL, NULL },
	{ H_WARNING, K(WARNING), OF_C, SEL_FIRST, 0, "WARNING:{E}", { NULL }, "WARNING: corrupted", NULL, NULL },

	/* 7.3 INFO: */
	{ H_INFO, K(LOCKDEP), 0, SEL_FIRST, 0, "INFO: possible circular locking dependency detected \\]",
	  { "INFO: possible circular locking dependency detected \\]", "is trying to acquire lock", AT },
	  "possible deadlock in %1", NULL, NULL },
	{ H_INFO, K(LOCKDEP), 0, SEL_FIRST, 0, "INFO: possible irq lock inversion dependency detected \\]",
	  { "INFO: possible irq lock inversion dependency detected \\]", "just changed the state of lock", AT },
	  "possible deadlock in %1", NULL, NULL },
	{ H_INFO, K(LOCKDEP), 0, SEL_FIRST, 0, "INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \\]",
	  { "INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \\]", "is trying to acquire", AT },
	  "possible deadlock in %1", NULL, NULL },
	{ H_INFO, K(LOCKDEP), 0, SEL_FIRST, 0, "INFO: possible recursive locking detected \\]",
	  { "INFO: possible recursive locking detected \\]", "is trying to acquire lock", AT },
	  "possible deadlock in %1", NULL, NULL },
	{ H_INFO, K(LOCKDEP), 0, SEL_FIRST, 0, "INFO: inconsistent lock state \\]",
	  { "INFO: inconsistent lock state \\]", "takes", AT }, "inconsistent lock state in %1", NULL, NULL },
	{ H_INFO, K(RCU_STALL), 0, SEL_STALL, S_RCU_STALL,
	  "INFO: rcu_{preempt|sched|bh|tasks} {self-detected|detected}{ expedited|} stall", { NULL },
	  "INFO: rcu detected stall in %F", "find:apic_timer_interrupt;pc;stack",
	  "find:apic_timer_interrupt || Exception stack || el1h_64_irq;stack" },
	{ H_INFO, K(LOCKDEP), 0, SEL_FIRST, S_NONSTATIC, "INFO: trying to register non-static key", { NULL },
	  "INFO: trying to register non-static key in %F", R2, NULL },
	{ H_INFO, K(LOCKDEP), 0, SEL_FIRST, S_SUSP_RCU, "INFO: suspicious RCU usage",
	  { "INFO: suspicious RCU usage", "{S}" }, "INFO: suspicious RCU usage in %F", R2, NULL },
	{ H_INFO, K(HUNG), OF_SPAN, SEL_HANG, 0, "INFO: task * blocked {in I/O wait for|for} more than {N} seconds",
	  { NULL }, "INFO: task hung in %F", R2, NULL },
	{ H_INFO, K(HUNG), 0, SEL_FIRST, S_SCHEDULE, "INFO: task * can't die for more than ", { NULL },
	  "INFO: task can't die in %F", R2, NULL },
	{ H_INFO, K(BUG), OF_C, SEL_FIRST, 0, "INFO: ({Freed|Allocated}) in ({R})", { NULL }, "INFO: %1 in %2",
	  NULL, NULL },
	{ H_INFO, K(OTHER), OF_C, SEL_FIRST, 0, "INFO:{E}", { NULL }, "INFO: corrupted", NULL, NULL },

	/* 7.4 other headers */
	{ H_UNABLE, K(OOPS), 0, SEL_FIRST, 0,
	  "Unable to handle kernel ({paging request|NULL pointer dereference|access to user memory})", { NULL },
	  "BUG: unable to handle kernel %1 in %F", R1, NULL },
	{ H_GPF, K(OOPS), 0, SEL_FIRST, 0, "general protection fault*:", { NULL },
	  "general protection fault in %F", R1, NULL },
	{ H_STACKSEG, K(OOPS), 0, SEL_FIRST, 0, "stack segment: ", { NULL }, "stack segment fault in %F", R1,
	  NULL },
	{ H_KPANIC, K(PANIC), OF_NS, SEL_FIRST, 0,
	  "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: ({F})", { NULL },
	  "kernel panic: stack is corrupted in %1", NULL, NULL },
	{ H_KPANIC, K(PANIC), 0, SEL_FIRST, S_STACK_CHK,
	  "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: ", { NULL },
	  "kernel panic: stack is corrupted in %F", R2, NULL },
	{ H_KPANIC, K(PANIC), 0, SEL_STALL, S_STACK_END, "Kernel panic - not syncing: corrupted stack end",
	  { "Kernel panic - not syncing: corrupted stack end detected inside scheduler" },
	  "kernel panic: corrupted stack end in %F", R2, NULL },
	{ H_KPANIC, K(PANIC), 0, SEL_STALL, S_STACK_OVF, "Kernel panic - not syncing: kernel stack overflow",
	  { NULL }, "kernel stack overflow in %F", R2, NULL },
	{ H_KPANIC, K(PANIC), 0, SEL_FIRST, 0, "Kernel panic - not syncing: Attempted to kill init!", { NULL },
	  "kernel panic: Attempted to kill init!", NULL, NULL },
	{ H_KPANIC, K(PANIC), 0, SEL_FIRST, 0,
	  "Kernel panic - not syncing: Couldn't open N_TTY ldisc for * --- error -{N}", { NULL },
	  "kernel panic: Couldn't open N_TTY ldisc", NULL, NULL },
	{ H_KPANIC, K(PANIC), OF_C, SEL_FIRST, 0, "Kernel panic - not syncing: Fatal exception", { NULL },
	  "kernel panic: Fatal exception", NULL, NULL },
	{ H_KPANIC, K(PANIC), OF_C, SEL_FIRST, 0, "Kernel panic - not syncing: panic_on_warn set", { NULL },
	  "kernel panic: panic_on_warn set", NULL, NULL },
	{ H_KPANIC, K(PANIC), OF_C, SEL_FIRST, 0, "Kernel panic - not syncing: hung_task: blocked tasks", { NULL },
	  "kernel panic: hung_task: blocked tasks", NULL, NULL },
	{ H_KPANIC, K(PANIC), 0, SEL_FIRST, 0, "Kernel panic - not syncing: ({R})", { NULL }, "kernel panic: %1",
	  NULL, NULL },
	{ H_DFAULT, K(OOPS), 0, SEL_FIRST, 0, "PANIC: double fault", { NULL }, "PANIC: double fault in %F", R3,
	  NULL },
	{ H_RUST, K(PANIC), 0, SEL_FIRST, S_RUST, "rust_kernel: panicked",
	  { "rust_kernel: panicked at ", "({R})" }, "%1 in %F", R2, NULL },
	{ H_KBUG, K(BUG), 0, SEL_FIRST, S_USERCOPY, "kernel BUG at mm/usercopy.c", { NULL },
	  "BUG: bad usercopy in %F", R2, NULL },
	{ H_KBUG, K(BUG), 0, SEL_FIRST, 0, "kernel BUG at lib/list_debug.c", { NULL }, "BUG: corrupted list in %F",
	  R2, NULL },
	{ H_KBUG, K(BUG), 0, SEL_FIRST, S_SKB, "kernel BUG at ", { NULL }, "kernel BUG in %F", R1, NULL },
	{ H_KBUG2, K(BUG), 0, SEL_FIRST, 0, "Kernel BUG ({R})", { NULL }, "kernel BUG %1", NULL, NULL },
	{ H_KMALLOC, K(BUG), 0, SEL_FIRST, 0, "BUG kmalloc-*: Object already free", { NULL },
	  "BUG: Object already free", NULL, NULL },
	{ H_DIVERR, K(OOPS), 0, SEL_FIRST, 0, "divide error: ", { NULL }, "divide error in %F", R3, NULL },
	{ H_DIVERR2, K(OOPS), 0, SEL_FIRST, 0, "divide_error: ", { NULL }, "divide error in %F", R3, NULL },
	{ H_INVOP, K(OOPS), 0, SEL_FIRST, 0, "invalid opcode: ", { NULL }, "invalid opcode in %F", R3, NULL },
	{ H_INT3, K(OOPS), 0, SEL_FIRST, 0, "int3: ", { NULL }, "int3 in %F", R1, NULL },
	{ H_UBSAN, K(UBSAN), 0, SEL_FIRST, S_UBSAN, "UBSAN:", { "UBSAN: Undefined behaviour in" },
	  "UBSAN: undefined-behaviour in %F", R2, NULL },
	{ H_UBSAN, K(UBSAN), 0, SEL_FIRST, S_UBSAN, "UBSAN: array-index-out-of-bounds in", { NULL },
	  "UBSAN: array-index-out-of-bounds in %F", R2, NULL },
	{ H_UBSAN, K(UBSAN), 0, SEL_FIRST, S_UBSAN, "UBSAN:", { "UBSAN: (*) in" }, "UBSAN: %1 in %F", R2, NULL },
	{ H_BOOT, K(OTHER), OF_NS | OF_START, SEL_FIRST, 0, "^Booting the kernel", { NULL },
	  "unexpected kernel reboot", NULL, NULL },
	{ H_UNREG, K(OTHER), OF_NS, SEL_FIRST, 0, "unregister_netdevice: waiting for * to become free", { NULL },
	  "unregister_netdevice: waiting for DEV to become free", NULL, NULL },
	{ H_VFSCLOSE, K(OTHER), OF_NS, SEL_FIRST, 0, "VFS: Close: file count is 0", { NULL },
	  "VFS: Close: file count is zero (use-after-free)", NULL, NULL },
	{ H_VFSBUSY, K(OTHER), OF_NS, SEL_FIRST, 0, "VFS: Busy inodes after unmount", { NULL },
	  "VFS: Busy inodes after unmount (use-after-free)", NULL, NULL },
	{ H_INTERR, K(OOPS), 0, SEL_FIRST, 0, "Internal error:", { NULL }, "Internal error in %F", R1, NULL },
	{ H_UNHANDLED, K(OOPS), 0, SEL_FIRST, 0, "Unhandled fault:", { NULL }, "Unhandled fault in %F", R1, NULL },
	{ H_ALIGN, K(OOPS), 0, SEL_FIRST, 0, "Alignment trap:", { NULL }, "Alignment trap in %F", R1, NULL },
	{ H_TRUSTY, K(PANIC), OF_NS, SEL_FIRST, 0, "trusty: panic*ASSERT FAILED",
	  { "trusty: panic \\(*\\):{ DEBUG|} ASSERT FAILED at \\(*\\): ({R})" }, "trusty: ASSERT FAILED: %1",
	  NULL, NULL },
	{ H_TRUSTY, K(PANIC), OF_C, SEL_FIRST, 0, "trusty: panic*ASSERT FAILED*: ({R})", { NULL },
	  "trusty: ASSERT FAILED: %1", NULL, NULL },
	{ H_TRUSTY, K(PANIC), OF_NS, SEL_FIRST, 0, "trusty: panic", { "trusty: panic \\(*\\): ({R})" },
	  "trusty: panic: %1", NULL, NULL },
	{ H_FATAL, K(OTHER), OF_NS, SEL_FIRST, 0, "fatal error:", { NULL }, "go runtime error", NULL, NULL },
	{ H_SYZFAIL, K(OTHER), OF_NS, SEL_FIRST, 0, "SYZFAIL:({R})", { NULL }, "SYZFAIL:%1", NULL, NULL },
	{ H_SYZFATAL, K(OTHER), OF_NS, SEL_FIRST, 0, "SYZFATAL:({R})", { NULL }, "SYZFATAL:%1", NULL, NULL },
	{ H_PANIC, K(PANIC), OF_NS, SEL_FIRST, 0, "panic: Sentry detected * stuck task", { NULL },
	  "panic: Sentry detected stuck tasks", NULL, NULL },
	{ H_PANIC, K(PANIC), OF_NS, SEL_FIRST, 0, "panic:({R})", { NULL }, "panic:%1", NULL, NULL },
	/* oopsfarm */
	{ H_HARDLOCKUP, K(SOFTLOCKUP), 0, SEL_STALL, 0, "Watchdog detected hard LOCKUP", { NULL },
	  "BUG: hard lockup in %F", R1, NULL },
};
const size_t oops_nformats = sizeof(oops_formats) / sizeof(oops_formats[0]);


const char *const oops_syscall_prefixes[] = {
	"SYSC_", "SyS_", "sys_", "__x64_", "__ia32_", "__arm64_", "____sys_", "___sys_", "__sys_",
	"__se_", "__se_sys_", "__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_", NULL,
};

const char *const oops_not_new[] = {
	"invalid opcode: 0000", "Kernel panic - not syncing", "unregister_netdevice: waiting for",
	"PANIC: double fault", "Internal error:", NULL,
};

const char *const oops_extra_boundaries[] = {
	"vmalloc: allocation failure:", "FAULT_INJECTION: forcing a failure", "FAULT_FLAG_ALLOW_RETRY missing",
	NULL,
};
/* clang-format on */
