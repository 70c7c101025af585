/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Types and constants shared by the BPF programs (bpf/) and the loader (user/).
 * Only fixed-width types, explicit padding, no pointers: one definition for both sides.
 */
#ifndef SYSCENSUS_H
#define SYSCENSUS_H

/*
 * Syscall ABIs kept apart. On x86_64 the compat ABI is ia32 (int 0x80 / sysenter
 * from 32-bit code, TS_COMPAT set); its numbers are a different table and must never be
 * named with the native one.
 */
#define SC_ABI_NATIVE	0
#define SC_ABI_COMPAT	1
#define SC_NR_ABIS	2

/*
 * Syscall numbers counted per ABI. Linux 6.18 ends below 480 on every ABI we know;
 * the last entry of each ABI is the overflow bucket: a number >= SC_NR_OVERFLOW is
 * counted there, so userspace can say "n calls with a number it could not keep"
 * instead of losing them.
 */
#define SC_NR_PER_ABI	512
#define SC_NR_OVERFLOW	(SC_NR_PER_ABI - 1)

/* Slots probed in the cgroup table before giving up (linear probing). */
#define SC_PROBES	8

/* Cgroup table entry states, besides a live cgroup id. */
#define SC_SLOT_EMPTY	0ULL		/* never used: ends a probe sequence */
#define SC_SLOT_DEAD	(~0ULL)		/* removed: probing continues past it */

/*
 * One entry of the cgroup table (BPF_MAP_TYPE_ARRAY, power-of-two size).
 * The index of the entry is the slot; the same index selects the counter block.
 */
struct sc_cgroup_ent {
	__u64 cgid;	/* cgroup v2 id (kernfs node id), SC_SLOT_EMPTY or SC_SLOT_DEAD */
};

/*
 * Counters of one tracked cgroup on one CPU (BPF_MAP_TYPE_PERCPU_ARRAY value,
 * indexed by slot). 32 bits per CPU: userspace sums CPUs into 64-bit totals, and a
 * single CPU cannot issue 2^32 calls of one syscall between two reads of the agent.
 */
struct sc_counts {
	__u32 n[SC_NR_ABIS][SC_NR_PER_ABI];
};

/*
 * Home slot of a cgroup id in the table: Fibonacci hashing (cgroup ids are sequential
 * kernfs inode numbers, which a plain mask would cluster). Probing goes on linearly,
 * modulo the capacity, for at most SC_PROBES slots. Both sides must agree on this.
 */
static inline __u32 sc_slot_hash(__u64 cgid)
{
	return (__u32)((cgid * 0x9E3779B97F4A7C15ULL) >> 32);
}

#endif /* SYSCENSUS_H */
