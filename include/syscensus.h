/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Types and constants shared by the BPF programs (bpf/) and the loader (user/).
 * Only fixed-width types, explicit padding, no pointers: one definition for both sides.
 */
#ifndef SYSCENSUS_H
#define SYSCENSUS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>	/* userspace; BPF gets the types from vmlinux.h */
#endif

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

/*
 * What is derived from SC_NR_PER_ABI assumes: userspace packs (phase, ABI, number)
 * into one key with shifts and a mask (census.h), and a denial keeps the number in
 * 16 bits (struct sc_deny_key).
 */
_Static_assert((SC_NR_PER_ABI & (SC_NR_PER_ABI - 1)) == 0, "SC_NR_PER_ABI must be a power of two");
_Static_assert(SC_NR_OVERFLOW <= 0xffff, "struct sc_deny_key.nr is 16 bits");

/*
 * Whether the calling task was already under a seccomp filter. A container runtime
 * sets up the container (mount, pivot_root, sethostname, setns...) before it installs
 * the filter, then makes the calls the container needs to start (close fds, capset,
 * the exec fifo, execve) after. Counting both phases apart lets the agent keep the
 * runtime's setup out of an image's profile, on any runtime.
 */
#define SC_UNFILTERED	0
#define SC_FILTERED	1
#define SC_PHASES	2

/* Slots probed in the cgroup table before giving up (linear probing). */
#define SC_PROBES	8

/* Cgroup table entry states, besides a live cgroup id. */
#define SC_SLOT_EMPTY	0ULL		/* never used: ends a probe sequence */
#define SC_SLOT_DEAD	(~0ULL)		/* removed: probing continues past it */
#define SC_SLOT_BUSY	(~1ULL)		/* being released by userspace: not free yet */
#define SC_SLOT_NONE	(~0U)		/* "no slot" in the per-CPU cache and in events */

/*
 * What is counted: a key per (seccomp phase, ABI, number), key = row * SC_NR_PER_ABI +
 * nr with row = phase * SC_NR_ABIS + abi (2,048 keys).
 */
#define SC_ROWS		(SC_PHASES * SC_NR_ABIS)
#define SC_NKEYS	(SC_ROWS * SC_NR_PER_ABI)

/*
 * Keys of one cgroup counted one by one. A container makes 40 to 150 distinct
 * (phase, ABI, syscall) keys (runc's setup before its filter is 70 of them: a busybox
 * container makes 110, nginx 144); a key that finds its cgroup's table full is still
 * recorded as seen (the set stays exact) and its calls go to the cgroup's "uncounted"
 * bucket (the total stays exact). 184 entries probed 16 deep leave no key of those
 * without a counter; the per-CPU counters are 16 bits wide to pay for them (376 bytes
 * per cgroup and CPU, 47 KiB on a 128-CPU node), with a 16-bit carry per counter in
 * the CPU-independent entry: exact counts whatever the calls' rate.
 */
#define SC_SLOT_KEYS	184
/* Entries of a cgroup's key table probed before a key is taken as not there. */
#define SC_KEY_PROBES	16

/* Counters of a cgroup, with its uncounted bucket, rounded up to whole 64-bit words. */
#define SC_SLOT_COUNTERS	((SC_SLOT_KEYS + 1 + 3) / 4 * 4)

/*
 * One entry of the cgroup table (BPF_MAP_TYPE_ARRAY, power-of-two size, mmapped by
 * userspace): everything of a tracked cgroup that does not depend on the CPU count,
 * 1,008 bytes. The index of the entry is the slot; the same index selects the counter
 * block. Written on the hot path only the first time a cgroup makes a key (then the
 * bit of @seen is set and the key claimed in @keys, by compare-and-swap) and once per
 * 65,536 calls of a key on a CPU (@carry), so the lines are read-mostly and shared by
 * the CPUs without bouncing. Userspace zeroes an entry (after an RCU grace period)
 * before it is free again.
 */
struct sc_cgroup_ent {
	__u64 cgid;	/* cgroup v2 id (kernfs node id), SC_SLOT_EMPTY, _DEAD or _BUSY */
	/* key + 1 counted in counter i, 0: free; open addressing from sc_key_home() */
	__u16 keys[SC_SLOT_KEYS];
	/* wraps of counter i on any CPU, modulo 2^16: counter i's calls are carry * 2^16 + the CPUs' n[i] */
	__u16 carry[SC_SLOT_COUNTERS];
	__u64 seen[SC_NKEYS / 64];	/* every key the cgroup made, counted or not */
};

/*
 * Counters of one tracked cgroup on one CPU (BPF_MAP_TYPE_PERCPU_ARRAY value, indexed
 * by slot): n[i] counts the key in keys[i]; n[SC_SLOT_KEYS] the calls of keys that
 * found no room. 16 bits: the program that wraps one to 0 adds one to the entry's
 * carry[i] (a compare-and-swap, after the wrap), and never reset while the slot is
 * live. Userspace sums the CPUs' counters and 2^16 x the carry modulo 2^32, which is
 * the total modulo 2^32, and folds the difference with what it folded before: exact
 * while a cgroup makes fewer than 2^32 - 2^26 calls of one key between two reads (the agent
 * and record read far more often: sc_read_interval_max()). A read that falls between a
 * wrap and its carry is 2^16 behind per CPU: the difference then looks negative and is
 * not folded (sc_counter_delta()); the next read has it. No per-CPU counter is ever written
 * by userspace except to zero a slot that no program can reach.
 */
struct sc_counts {
	__u16 n[SC_SLOT_COUNTERS];	/* to 8 bytes: what the kernel allocates per CPU anyway */
};

_Static_assert(sizeof(struct sc_counts) % 8 == 0, "per-CPU values are allocated in 8-byte units");
_Static_assert(sizeof(struct sc_cgroup_ent) <= 1024, "a cgroup's CPU-independent state stays under 1 KiB");
_Static_assert(SC_NKEYS < 0xffff, "a key + 1 fits in 16 bits");
/* keys and carries are changed four at a time, by a 64-bit compare-and-swap on an aligned word */
_Static_assert(SC_SLOT_KEYS % 4 == 0 && __builtin_offsetof(struct sc_cgroup_ent, keys) % 8 == 0 &&
	       __builtin_offsetof(struct sc_cgroup_ent, carry) % 8 == 0,
	       "the key table and the carries are made of aligned 64-bit words");

/*
 * Home of @key in a cgroup's key table: multiplicative hash scaled to SC_SLOT_KEYS
 * ("fastrange": no division on the hot path). Both sides must agree on this.
 */
static inline __u32 sc_key_home(__u32 key)
{
	return (__u32)(((__u64)(__u32)(key * 0x9E3779B1U) * SC_SLOT_KEYS) >> 32);
}

/*
 * Benchmark references only (bpf/reference.bpf.c), never used to record: every key
 * with its own 64-bit counter, 16 KiB per cgroup. The previous design kept one of
 * these per tracked cgroup and CPU (2 MiB per cgroup on a 128-CPU node); the
 * cgroup-storage design keeps one per cgroup, shared by the CPUs.
 */
struct sc_dense_counts {
	__u64 n[SC_NKEYS];
};

/*
 * Per-CPU memo of the last cgroup seen on this CPU, so that the hot path does not walk
 * task->cgroups->dfl_cgrp->kn->id and probe the table on every call. Keyed by the
 * task's css_set pointer (what task->cgroups points to), checked against the cgroup
 * it belongs to (css_sets are freed and their memory reused) and against sc_epoch,
 * which every change to the table bumps (slots are freed and reused).
 * (A per-CPU generation inside the memo instead of the global epoch was tried: it
 * measured slower, 1.34-1.44 against 1.20-1.25 in alternating runs.)
 */
struct sc_cache {
	__u64 css_set;	/* task->cgroups, as a number */
	__u64 cgrp;	/* css_set->dfl_cgrp, as a number */
	__u64 epoch;	/* sc_epoch when this was filled */
	__u32 slot;	/* slot of the cgroup, or SC_SLOT_NONE: not tracked */
	__u32 pad;
};

/*
 * A syscall the seccomp filter refused (a failed sys_exit of a confined task for a call
 * the filter does not always allow) or killed the task for (sched_process_exit of a
 * task whose seccomp mode is "dead"). Key of a HASH map
 * whose value is a __u64 count; entries exist only for refused calls, so the map is
 * written on the denial path only. Userspace reads and deletes them atomically.
 */
struct sc_deny_key {
	__u64 cgid;
	__u16 abi;
	__u16 nr;
	__u32 ret;	/* the filter's answer: SECCOMP_RET_ERRNO | errno, TRAP, KILL_PROCESS */
};

/*
 * Arguments that carry the risk of a call, recorded (native ABI, tp_btf) for a few
 * syscalls: one HASH entry per (slot, phase, number, value) first seen, so the map is
 * written only when a value is new. record reads it once at the end; the agent reads it
 * every tick and deletes what a save holds, so it holds what is new since the last
 * save. When it is full, sc_args_lost counts what was not kept and the profiles of the
 * cgroups concerned fall back to the names alone. The value kept per syscall (x86_64
 * numbers):
 *   ioctl (16)        the request, low 32 bits (musl passes an int: sign-extended)
 *   socket (41)       the family (low 32 bits) | the type without flags (& 0xf) << 32
 *   clone (56)        the flags' namespace bits (& SC_CLONE_NS)
 *   personality (135) the persona, low 32 bits
 *   prctl (157)       the option, low 32 bits
 *   unshare (272)     the flags' namespace bits (& SC_CLONE_NS)
 */
#define SC_ARGS_MAX	4096
/* the agent's: SC_ARGS_PER_SLOT per cgroup slot, SC_ARGS_MAX to SC_ARGS_MAX_AGENT entries */
#define SC_ARGS_PER_SLOT	8
#define SC_ARGS_MAX_AGENT	65536
/* CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET and NEWTIME */
#define SC_CLONE_NS	0x7E020080ULL
#define SC_NR_IOCTL	16
#define SC_NR_SOCKET	41
#define SC_NR_CLONE	56
#define SC_NR_PERSONALITY 135
#define SC_NR_PRCTL	157
#define SC_NR_UNSHARE	272

struct sc_arg_key {
	__u32 slot;
	__u16 nr;
	__u8 phase;
	__u8 pad;
	__u64 value;
};

/*
 * Events from the cgroup_mkdir/cgroup_rmdir programs to the agent (ring buffer), for
 * the cgroups the programs claim a slot for (the agent: those named like a container's;
 * record: every one below its own).
 */
#define SC_EV_MKDIR	1	/* a cgroup v2 appeared; slot is where it is counted */
#define SC_EV_RMDIR	2	/* a cgroup v2 was removed: read its counters, free the slot */
#define SC_EV_PATH_MAX	448

struct sc_event {
	__u64 cgid;
	__u32 kind;
	__u32 slot;	/* SC_SLOT_NONE if the table had no room (capacity exceeded) */
	__u32 level;	/* depth below the root */
	__u32 pad;
	char path[SC_EV_PATH_MAX];	/* relative to the cgroup2 mount; NUL-terminated, may be cut */
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
