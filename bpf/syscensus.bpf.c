// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus recorder: count syscalls per cgroup on raw_syscalls:sys_enter.
 *
 * The hot path runs on every syscall of the machine, so it is built to stay close to
 * an empty program on the same hook:
 *  - no helper call on tp_btf: the cgroup id is read through BTF pointers
 *    (task->cgroups->dfl_cgrp->kn->id, what bpf_get_current_cgroup_id() returns);
 *  - no map insert, no hash map: the cgroup table is a plain ARRAY addressed by a
 *    multiplicative hash of the cgroup id with bounded linear probing, and the
 *    counters are a PERCPU_ARRAY indexed by the same slot. The verifier inlines both
 *    lookups into pointer arithmetic;
 *  - per-CPU counters: no atomic instruction, no cache line shared between CPUs.
 * Userspace owns the table: it writes a cgroup id into a free slot before the cgroup
 * runs anything, and reads the counters from the slot.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "syscensus.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Table capacity - 1 (capacity is a power of two); set between open and load. */
const volatile __u32 slot_mask = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* resized to the capacity before load */
	__type(key, __u32);
	__type(value, struct sc_cgroup_ent);
} sc_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);		/* resized to the capacity before load */
	__type(key, __u32);
	__type(value, struct sc_counts);
} sc_counts SEC(".maps");

/* arch/x86/include/asm/thread_info.h: "32bit syscall active (64BIT)" */
#define TS_COMPAT 0x0002

static __always_inline void sc_count(__u64 cgid, long nr, __u32 abi)
{
	__u32 h = sc_slot_hash(cgid);
	struct sc_cgroup_ent *ent;
	struct sc_counts *c;
	__u32 slot, idx;
	int i;

#pragma unroll
	for (i = 0; i < SC_PROBES; i++) {
		slot = (h + i) & slot_mask;
		ent = bpf_map_lookup_elem(&sc_cgroups, &slot);
		if (!ent || ent->cgid == SC_SLOT_EMPTY)
			return;
		if (ent->cgid != cgid)
			continue;
		c = bpf_map_lookup_elem(&sc_counts, &slot);
		if (!c)
			return;
		idx = nr < SC_NR_OVERFLOW ? (__u32)nr : SC_NR_OVERFLOW;
		idx += abi * SC_NR_PER_ABI;
		/* bound for the verifier; always true */
		if (idx < SC_NR_ABIS * SC_NR_PER_ABI)
			((__u32 *)c->n)[idx]++;
		return;
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sc_enter_btf, struct pt_regs *regs, long nr)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 abi = SC_ABI_NATIVE;

	/* nr == -1: a tracer or seccomp RET_TRACE skipped the call; not a syscall */
	if (nr < 0)
		return 0;
#ifdef __TARGET_ARCH_x86
	if (t->thread_info.status & TS_COMPAT)
		abi = SC_ABI_COMPAT;
#endif
	sc_count(t->cgroups->dfl_cgrp->kn->id, nr, abi);
	return 0;
}

/*
 * Fallback for kernels where tp_btf does not load (no BTF-typed tracepoints):
 * helpers and CO-RE reads instead of direct BTF pointer walks.
 */
SEC("raw_tp/sys_enter")
int sc_enter_raw(struct bpf_raw_tracepoint_args *ctx)
{
	long nr = (long)ctx->args[1];
	__u32 abi = SC_ABI_NATIVE;

	if (nr < 0)
		return 0;
#ifdef __TARGET_ARCH_x86
	{
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();

		if (BPF_CORE_READ(t, thread_info.status) & TS_COMPAT)
			abi = SC_ABI_COMPAT;
	}
#endif
	sc_count(bpf_get_current_cgroup_id(), nr, abi);
	return 0;
}
