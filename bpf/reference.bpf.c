// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reference programs for `syscensus bench`, never used to record:
 *  - empty programs on the recorder's hooks: the cost floor (what attaching anything
 *    at all to sys_enter costs), which the recorder's added cost is divided by;
 *  - the design the recorder did not take: counters kept in the cgroup's own local
 *    storage (BPF_MAP_TYPE_CGRP_STORAGE, Linux >= 6.2) instead of a slot table and
 *    per-CPU counters. It needs no table and no memo, but its lookup is a helper call
 *    and its counters are shared by the CPUs, so an exact count needs an atomic add.
 *    The benchmark measures it beside the recorder so the choice can be checked on
 *    any machine.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "syscensus.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(empty_btf, struct pt_regs *regs, long nr)
{
	return 0;
}

SEC("raw_tp/sys_enter")
int empty_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return 0;
}

/* Storage exists only for the cgroups userspace created it for: the others are not counted. */
struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sc_counts);
} ref_cgrp_counts SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(cgrp_storage_btf, struct pt_regs *regs, long nr)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct sc_counts *c;
	__u32 idx;

	if (nr < 0)
		return 0;
	c = bpf_cgrp_storage_get(&ref_cgrp_counts, t->cgroups->dfl_cgrp, 0, 0);
	idx = sc_index(SC_ROW(t, SC_DIRECT), nr);
	if (c && idx < SC_PHASES * SC_NR_ABIS * SC_NR_PER_ABI)
		__sync_fetch_and_add(&((__u64 *)c->n)[idx], 1);
	return 0;
}
