/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the sys_enter programs read from the calling task: which row of the counters
 * (seccomp phase x ABI) a call goes to. Shared by the recorder and the reference
 * programs of the benchmark, so that both do the same work per call.
 */
#ifndef SYSCENSUS_TASK_BPF_H
#define SYSCENSUS_TASK_BPF_H

/*
 * Row of the counters: (seccomp phase, ABI) of the calling task, from thread_info.
 * READ(t, field) is a direct load on tp_btf (BTF pointers) and a CO-RE probe read on
 * raw_tp: on tp_btf the helper calls would cost more than the rest of the path.
 */
#define SC_ROW(t, READ) ({								\
	__u32 __row = 0;								\
	if (bpf_core_field_exists(t->thread_info.syscall_work)) {			\
		/* SYSCALL_WORK_SECCOMP is set when the task gets a filter (>= 5.11) */	\
		if (READ(t, thread_info.syscall_work) &					\
		    (1ULL << bpf_core_enum_value(enum syscall_work_bit, SYSCALL_WORK_BIT_SECCOMP))) \
			__row = SC_FILTERED * SC_NR_ABIS;				\
	} else if (READ(t, seccomp.mode)) {						\
		__row = SC_FILTERED * SC_NR_ABIS;					\
	}										\
	if (SC_IS_COMPAT(t, READ))							\
		__row += SC_ABI_COMPAT;							\
	__row;										\
})
#define SC_DIRECT(t, f)	((t)->f)

/*
 * What depends on the architecture, and only that: through which ABI the current
 * syscall came in, SC_IS_COMPAT(t, READ), and where its number is, sc_syscall_nr().
 * An architecture not handled here is an #error, never "every call is native": a
 * compat call counted under the native table would put another syscall's name in
 * the profile.
 *
 * x86: ia32 calls (int 0x80, sysenter, syscall from 32-bit code) set TS_COMPAT in
 * thread_info.status for the duration of the call; it is per call, not per task (a
 * 64-bit task may make an int 0x80 call). The number is in orig_ax.
 *
 * arm64 is refused, not implemented: an AArch32 task has TIF_32BIT in
 * thread_info.flags (per task, an AArch32 task only makes compat calls) and the
 * number is in regs->syscallno, but there is no vmlinux/aarch64/vmlinux.h, userspace
 * names compat numbers only for x86_64 (SCMP_ARCH_ARM would be needed), and none of
 * it could be run here.
 */
#if defined(__TARGET_ARCH_x86)
/* arch/x86/include/asm/thread_info.h: "32bit syscall active (64BIT)" */
#define TS_COMPAT 0x0002
#define SC_IS_COMPAT(t, READ)	(READ(t, thread_info.status) & TS_COMPAT)

/*
 * Number of the current syscall (-1: skipped by a tracer or seccomp RET_TRACE). A CO-RE
 * probe read, so any pt_regs pointer will do (a tp_btf argument, bpf_task_pt_regs());
 * the sys_enter hot path has the number as a tracepoint argument and does not use it.
 */
static __always_inline long sc_syscall_nr(struct pt_regs *regs)
{
	return (long)BPF_CORE_READ(regs, orig_ax);
}
#else
#error "syscensus: no syscall ABI detection for this architecture (see task.bpf.h): only x86 is supported"
#endif

/* The key of (row, nr), nr >= 0; a number past the table goes to the row's overflow number. */
static __always_inline __u32 sc_key(__u32 row, long nr)
{
	return (nr < SC_NR_OVERFLOW ? (__u32)nr : SC_NR_OVERFLOW) + row * SC_NR_PER_ABI;
}

#endif /* SYSCENSUS_TASK_BPF_H */
