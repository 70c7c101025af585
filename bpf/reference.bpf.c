// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reference programs for `syscensus bench`, never used to record:
 *  - empty programs on the recorder's hooks: the cost floor (what attaching anything
 *    at all to sys_enter costs), which the recorder's added cost is divided by;
 *  - the previous design of the recorder, dense 64-bit per-CPU counters per tracked
 *    cgroup (every key its own counter; 2 MiB per cgroup on a 128-CPU node), measured
 *    beside the current one so that the change can be checked on any machine;
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
	__type(value, struct sc_dense_counts);
} ref_cgrp_counts SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(cgrp_storage_btf, struct pt_regs *regs, long nr)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct sc_dense_counts *c;
	__u32 idx;

	if (nr < 0)
		return 0;
	c = bpf_cgrp_storage_get(&ref_cgrp_counts, t->cgroups->dfl_cgrp, 0, 0);
	idx = sc_key(SC_ROW(t, SC_DIRECT), nr);
	if (c && idx < SC_NKEYS)
		__sync_fetch_and_add(&c->n[idx], 1);
	return 0;
}

/*
 * The previous design, as it counted: a table of cgroup ids (SC_PROBES slots here:
 * the benchmark tracks one cgroup), the same per-CPU memo, and a block of dense 64-bit
 * counters per slot and CPU incremented in place.
 */
__u64 prev_epoch = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SC_PROBES);
	__type(key, __u32);
	__type(value, __u64);
} prev_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SC_PROBES);
	__type(key, __u32);
	__type(value, struct sc_dense_counts);
} prev_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sc_cache);
} prev_cache SEC(".maps");

static __always_inline __u32 prev_find(__u64 cgid)
{
	__u32 h = sc_slot_hash(cgid), slot;
	__u64 *ent;
	int i;

#pragma unroll
	for (i = 0; i < SC_PROBES; i++) {
		slot = (h + i) & (SC_PROBES - 1);
		ent = bpf_map_lookup_elem(&prev_cgroups, &slot);
		if (!ent || *ent == SC_SLOT_EMPTY)
			return SC_SLOT_NONE;
		if (*ent == cgid)
			return slot;
	}
	return SC_SLOT_NONE;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(prev_btf, struct pt_regs *regs, long nr)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 epoch = *(volatile __u64 *)&prev_epoch;
	struct css_set *cs = t->cgroups;
	struct cgroup *cg = cs->dfl_cgrp;
	struct sc_dense_counts *n;
	struct sc_cache *c;
	__u32 zero = 0, idx;

	if (nr < 0)
		return 0;
	c = bpf_map_lookup_elem(&prev_cache, &zero);
	if (!c)
		return 0;
	if (c->css_set != (__u64)cs || c->cgrp != (__u64)cg || c->epoch != epoch) {
		c->slot = prev_find(cg->kn->id);
		c->css_set = (__u64)cs;
		c->cgrp = (__u64)cg;
		c->epoch = epoch;
	}
	if (c->slot == SC_SLOT_NONE)
		return 0;
	n = bpf_map_lookup_elem(&prev_counts, &c->slot);
	idx = sc_key(SC_ROW(t, SC_DIRECT), nr);
	if (n && idx < SC_NKEYS)
		n->n[idx]++;
	return 0;
}
