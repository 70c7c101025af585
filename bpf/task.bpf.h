/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the sys_enter programs read from the calling task: which row of the counters
 * (seccomp phase x ABI) a call goes to. Shared by the recorder and the reference
 * programs of the benchmark, so that both do the same work per call.
 */
#ifndef SYSCENSUS_TASK_BPF_H
#define SYSCENSUS_TASK_BPF_H

/* arch/x86/include/asm/thread_info.h: "32bit syscall active (64BIT)" */
#define TS_COMPAT 0x0002

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
	if (SC_IS_COMPAT(READ(t, thread_info.status)))					\
		__row += SC_ABI_COMPAT;							\
	__row;										\
})
#define SC_DIRECT(t, f)	((t)->f)

#ifdef __TARGET_ARCH_x86
#define SC_IS_COMPAT(status)	((status) & TS_COMPAT)
#else
#define SC_IS_COMPAT(status)	0
#endif

/* Index of (row, nr) in struct sc_counts seen as a flat array; nr >= 0 */
static __always_inline __u32 sc_index(__u32 row, long nr)
{
	return (nr < SC_NR_OVERFLOW ? (__u32)nr : SC_NR_OVERFLOW) + row * SC_NR_PER_ABI;
}

#endif /* SYSCENSUS_TASK_BPF_H */
