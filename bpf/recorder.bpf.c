// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus recorder: count syscalls per cgroup v2 on raw_syscalls:sys_enter.
 *
 * The hot path runs on every syscall of the machine, so it is built to stay close to
 * an empty program on the same hook:
 *  - no helper call on tp_btf; everything is read through BTF pointers;
 *  - a per-CPU memo (struct sc_cache) of the last css_set seen on this CPU and its
 *    slot: a hit costs two compares against the task's css_set and its cgroup, and
 *    one against the table's epoch. Only a miss walks to the cgroup id
 *    (css_set->dfl_cgrp->kn->id) and probes the table;
 *  - no map insert and no hash map: the cgroup table is a plain ARRAY addressed by a
 *    multiplicative hash of the cgroup id with bounded linear probing; the counters
 *    are a PERCPU_ARRAY indexed by the same slot (no atomics, no shared cache line).
 *    The verifier inlines both lookups into pointer arithmetic;
 *  - the seccomp state of the task comes from thread_info, which the syscall entry
 *    code has just read: counting "before the filter" apart costs nothing.
 *
 * The table is filled by userspace (record: its one cgroup; agent: every cgroup that
 * exists when it starts) and, for the agent, by the cgroup_mkdir program below, so a
 * cgroup is counted from its creation, before any task enters it. Every change to
 * the table bumps sc_epoch, which invalidates the per-CPU memos.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "syscensus.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Table capacity - 1 (capacity is a power of two); set between open and load. */
const volatile __u32 slot_mask = 0;
/*
 * Which new cgroups the mkdir program claims: all of them (0, the agent), or the
 * descendants of cgroup watch_root, whose depth is watch_root_level (record: the
 * cgroups the recorded command creates below its own), and with claim_containers
 * the containers' besides.
 */
const volatile __u64 watch_root = 0;
const volatile __u32 watch_root_level = 0;
/*
 * Only cgroups that can hold a container take a slot (agent; with watch_root, record
 * of a command that starts containers): those named like a container's
 * (runtime__container_id() in userspace reads the same names) and those below one.
 * System slices, pod-level cgroups and conmon scopes do not.
 */
const volatile __u32 claim_containers = 0;
/*
 * Benchmark only: stop the sys_enter path after a part of it (1: the memo, 2: + the
 * key, 3: + the probe of the key table; 0, always outside the benchmark: all of it),
 * so that `syscensus bench` can say what each part costs. A constant of the frozen
 * rodata: the verifier removes the branches it makes, at 0 they cost nothing.
 */
const volatile __u32 bench_stage = 0;

/*
 * record: keep the risky arguments of a few syscalls (struct sc_arg_key). 0 for the
 * agent and the benchmark's recorder rows: the verifier then removes the branch, and
 * their hot path is the same instruction for instruction.
 */
const volatile __u32 record_args = 0;

/* Bumped by every change to the table (here and from userspace through mmap). */
__u64 sc_epoch = 0;
/* cgroups that found no free slot at creation (capacity exceeded): not counted */
__u64 sc_table_full = 0;
/* events the ring buffer had no room for (the agent reconciles by walking cgroupfs) */
__u64 sc_events_lost = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);	/* userspace claims slots with compare-and-swap */
	__uint(max_entries, 1);			/* resized to the capacity before load */
	__type(key, __u32);
	__type(value, struct sc_cgroup_ent);
} sc_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);		/* resized to the capacity before load */
	__type(key, __u32);
	__type(value, struct sc_counts);
} sc_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sc_cache);
} sc_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} sc_events SEC(".maps");

/*
 * (cgroup, ABI, number, answer) refused since the agent's last drain (every tick):
 * a few per container. 8,192 keeps the map near 0.7 MiB; when it is full, the
 * refusal is counted in sc_denied_lost and said in status.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct sc_deny_key);
	__type(value, __u64);
} sc_denied SEC(".maps");

/* denials the map had no room for */
__u64 sc_denied_lost = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SC_ARGS_MAX);
	__type(key, struct sc_arg_key);
	__type(value, __u8);
} sc_args SEC(".maps");

/* argument values the map had no room for: the profile keeps names only */
__u64 sc_args_lost = 0;

/* Whether @nr (native) is one whose arguments are kept. */
static __always_inline bool sc_is_arg_nr(long nr)
{
	return nr == SC_NR_IOCTL || nr == SC_NR_SOCKET || nr == SC_NR_CLONE || nr == SC_NR_PERSONALITY ||
	       nr == SC_NR_PRCTL || nr == SC_NR_UNSHARE;
}

/*
 * The value of @nr's risky argument, from its first two arguments, kept if new. Inlined:
 * as a called subprogram it cost every call of the recorder about 20 ns (bench, getppid).
 */
static __always_inline void sc_note_args(__u32 slot, __u32 phase, __u32 nr, __u64 a0, __u64 a1)
{
	struct sc_arg_key k = { .slot = slot, .nr = nr, .phase = phase };
	__u8 one = 1;
	long err;

	if (nr == SC_NR_IOCTL)
		k.value = (__u32)a1;
	else if (nr == SC_NR_SOCKET)
		k.value = (__u32)a0 | (a1 & 0xf) << 32;
	else if (nr == SC_NR_CLONE || nr == SC_NR_UNSHARE)
		k.value = a0 & SC_CLONE_NS;
	else
		k.value = (__u32)a0;
	if (bpf_map_lookup_elem(&sc_args, &k))
		return;
	err = bpf_map_update_elem(&sc_args, &k, &one, BPF_NOEXIST);
	if (err && err != -17 /* EEXIST: another CPU was first */)
		__sync_fetch_and_add(&sc_args_lost, 1);
}

/* the parts of the path, and the least a program can do, measured apart (bench/micro.c) */
#define SC_STAGE_MEMO		1	/* the memo: task -> slot */
#define SC_STAGE_KEY		2	/* + the key (phase, ABI, number) */
#define SC_STAGE_PROBE		3	/* + the probe of the key table */
#define SC_STAGE_NO_MEMO	4	/* the whole path without the memo: walk to the id, probe the table */
#define SC_STAGE_LEAST_NR	5	/* the least: compare nr and return */
#define SC_STAGE_LEAST_LOAD	6	/* ... one load from a map, no helper */
#define SC_STAGE_LEAST_TASK	7	/* ... one helper call: the current task */
#define SC_STAGE_LEAST_PCPU	8	/* ... one lookup in a per-CPU array (the memo) */


__u64 sc_bench_word = 0;	/* what SC_STAGE_LEAST_LOAD reads */

/* The least programs: what any program that reads memory or calls a helper pays here. */
static __always_inline int sc_bench_least(long nr)
{
	__u32 zero = 0;
	__u64 v = nr;

	if (bench_stage == SC_STAGE_LEAST_LOAD)
		v = *(volatile __u64 *)&sc_bench_word;
	else if (bench_stage == SC_STAGE_LEAST_TASK)
		v = (__u64)bpf_get_current_task_btf();
	else if (bench_stage == SC_STAGE_LEAST_PCPU)
		v = (__u64)bpf_map_lookup_elem(&sc_cache, &zero);
	barrier_var(v);
	return 0;
}

/* Slot of @cgid, or SC_SLOT_NONE when it is not tracked. */
static __always_inline __u32 sc_find(__u64 cgid)
{
	__u32 h = sc_slot_hash(cgid), slot;
	struct sc_cgroup_ent *ent;
	int i;

#pragma unroll
	for (i = 0; i < SC_PROBES; i++) {
		slot = (h + i) & slot_mask;
		ent = bpf_map_lookup_elem(&sc_cgroups, &slot);
		if (!ent || ent->cgid == SC_SLOT_EMPTY)
			return SC_SLOT_NONE;
		if (ent->cgid == cgid)
			return slot;
	}
	return SC_SLOT_NONE;
}

/*
 * First time cgroup @ent makes @key: mark it seen (the set stays exact whatever
 * follows) and claim an entry of its key table for it. Returns the counter index, or
 * SC_SLOT_KEYS (the "uncounted" bucket) when the probe sequence has no room. Another
 * CPU may claim the same key at the same time: compare-and-swap, and whoever loses
 * finds the winner's entry.
 */
static __noinline __u32 sc_claim_key(struct sc_cgroup_ent *ent, __u32 key)
{
	__u32 h = sc_key_home(key), j, p, i, cur, s, want = key + 1, w = (key / 64) & (SC_NKEYS / 64 - 1);
	__u64 bit = 1ULL << (key % 64), old, nv;
	__u64 *quads;

	if (!ent)
		return SC_SLOT_KEYS;
	if (!(ent->seen[w] & bit))
		__sync_fetch_and_or(&ent->seen[w], bit);
	/*
	 * Compare-and-swap works on 64 bits here (narrower atomics need a newer instruction
	 * set than the programs are built for): on the aligned word of four entries that
	 * holds keys[j] (little-endian: entry j % 4 is bits 16 * (j % 4) and up), retried
	 * while only the other entries of the word change.
	 */
	quads = (__u64 *)ent->keys;
	for (i = 0; i < SC_KEY_PROBES; i++) {
		/* a division: this is the slow path, and its range is plain to the verifier */
		j = (h + i) % SC_SLOT_KEYS;
		p = j / 4;
		s = (j % 4) * 16;
		barrier_var(p);
		if (p >= SC_SLOT_KEYS / 4)
			break;
		for (int attempt = 0; attempt < 4; attempt++) {
			old = *(volatile __u64 *)&quads[p];
			cur = (__u32)(old >> s) & 0xffff;
			if (cur == want)
				return j;
			if (cur)
				break;	/* another key's: probe on */
			nv = old | ((__u64)want << s);
			if (__sync_val_compare_and_swap(&quads[p], old, nv) == old)
				return j;
		}
	}
	return SC_SLOT_KEYS;
}

/*
 * The counter of @key in the cgroup in @slot: a hit is one load and a compare (the
 * key's home entry is its own, in the common case); a key not met before takes the
 * claim path. SC_SLOT_KEYS: the uncounted bucket; SC_SLOT_KEYS + 1: no entry.
 */
static __always_inline __u32 sc_key_index(__u32 slot, __u32 key)
{
	struct sc_cgroup_ent *ent = bpf_map_lookup_elem(&sc_cgroups, &slot);
	__u32 h = sc_key_home(key), j = SC_SLOT_KEYS, i, k;

	if (!ent)
		return SC_SLOT_KEYS + 1;
#pragma unroll
	for (i = 0; i < SC_KEY_PROBES; i++) {
		__u32 e = h + i < SC_SLOT_KEYS ? h + i : h + i - SC_SLOT_KEYS;

		if (e >= SC_SLOT_KEYS)
			break;
		k = ent->keys[e];
		if (k == key + 1) {
			j = e;
			break;
		}
		if (!k || i == SC_KEY_PROBES - 1) {
			j = sc_claim_key(ent, key);
			break;
		}
	}
	return j;
}

/*
 * Counter @j of the cgroup in @slot wrapped to 0 on this CPU: 2^16 calls go to its
 * carry, in the CPU-independent entry. Once per 65,536 calls of a key on a CPU, so a
 * compare-and-swap of the word of four carries that holds it (a carry wraps within its
 * 16 bits, modulo 2^16 as userspace reads it); should every attempt meet another CPU's
 * change of the same word, an atomic add of the word does it, and gives back what a wrap
 * of this carry then adds to the next one's field.
 */
static __noinline void sc_carry(__u32 slot, __u32 j)
{
	struct sc_cgroup_ent *ent = bpf_map_lookup_elem(&sc_cgroups, &slot);
	__u32 p = j / 4, s = (j % 4) * 16;
	__u64 *word, old, nv;

	barrier_var(p);
	if (!ent || p >= SC_SLOT_COUNTERS / 4)
		return;
	word = &((__u64 *)ent->carry)[p];	/* checked once: the verifier follows the pointer */
	for (int attempt = 0; attempt < 8; attempt++) {
		old = *(volatile __u64 *)word;
		nv = (old & ~(0xffffULL << s)) | ((((old >> s) + 1) & 0xffff) << s);
		if (__sync_val_compare_and_swap(word, old, nv) == old)
			return;
	}
	/* an add; a carry that wrapped in it took one from its neighbour's field: given back */
	old = __sync_fetch_and_add(word, 1ULL << s);
	if (((old >> s) & 0xffff) == 0xffff && s < 48)
		__sync_fetch_and_sub(word, 1ULL << (s + 16));
}

/* One call counted in counter @j of the cgroup in @slot, on this CPU. */
static __always_inline void sc_count(__u32 slot, __u32 j)
{
	struct sc_counts *c = bpf_map_lookup_elem(&sc_counts, &slot);
	__u16 v;

	/* the compiler knows j <= SC_SLOT_KEYS; the verifier must see the check */
	barrier_var(j);
	if (!c || j > SC_SLOT_KEYS)
		return;
	v = c->n[j] + 1;
	c->n[j] = v;
	if (!v)
		sc_carry(slot, j);	/* after the wrap: a read in between is behind, never ahead */
}

/*
 * Slot of the calling task's cgroup, through the per-CPU memo @c: a hit is three
 * compares (css_set, its cgroup, the table's epoch); a miss walks to the cgroup id
 * and probes the table. SC_SLOT_NONE: not tracked. READ(p, field) is the read method,
 * as in SC_ROW: SC_DIRECT on tp_btf (BTF pointers, no helper call on the hot path),
 * BPF_CORE_READ on raw_tp. A macro rather than a function taking the values, so that
 * the walk to the id stays on the miss path (on raw_tp its reads are helper calls,
 * which the compiler may not move there itself).
 */
#define SC_MEMO_SLOT(c, t, READ) ({							\
	__u64 __epoch = *(volatile __u64 *)&sc_epoch;					\
	struct css_set *__cs = READ(t, cgroups);					\
	struct cgroup *__cg = READ(__cs, dfl_cgrp);					\
	struct kernfs_node *__kn;							\
											\
	if ((c)->css_set != (__u64)__cs || (c)->cgrp != (__u64)__cg ||			\
	    (c)->epoch != __epoch) {							\
		__kn = READ(__cg, kn);							\
		(c)->slot = sc_find(READ(__kn, id));					\
		(c)->css_set = (__u64)__cs;						\
		(c)->cgrp = (__u64)__cg;						\
		(c)->epoch = __epoch;							\
	}										\
	(c)->slot;									\
})

SEC("tp_btf/sys_enter")
int BPF_PROG(sc_enter_btf, struct pt_regs *regs, long nr)
{
	struct task_struct *t;
	struct sc_cache *c;
	__u32 zero = 0, slot, key, j;

	/* nr == -1: a tracer or seccomp RET_TRACE skipped the call; not a syscall */
	if (nr < 0)
		return 0;
	if (bench_stage >= SC_STAGE_LEAST_NR)
		return sc_bench_least(nr);
	t = bpf_get_current_task_btf();
	if (bench_stage == SC_STAGE_NO_MEMO) {
		slot = sc_find(t->cgroups->dfl_cgrp->kn->id);
		if (slot != SC_SLOT_NONE)
			sc_count(slot, sc_key_index(slot, sc_key(SC_ROW(t, SC_DIRECT), nr)));
		return 0;
	}
	c = bpf_map_lookup_elem(&sc_cache, &zero);
	if (!c)
		return 0;
	slot = SC_MEMO_SLOT(c, t, SC_DIRECT);
	if (bench_stage == SC_STAGE_MEMO) {
		c->pad = slot;
		return 0;
	}
	/* most calls of a host are of cgroups not tracked: nothing more to read for them */
	if (slot == SC_SLOT_NONE)
		return 0;
	key = sc_key(SC_ROW(t, SC_DIRECT), nr);
	if (bench_stage == SC_STAGE_KEY) {
		c->pad = key;
		return 0;
	}
	j = sc_key_index(slot, key);
	if (bench_stage == SC_STAGE_PROBE) {
		c->pad = j;
		return 0;
	}
	sc_count(slot, j);
	/* native calls only: a compat call's arguments are other registers */
	if (record_args && !(key / SC_NR_PER_ABI % SC_NR_ABIS) && sc_is_arg_nr(nr))
		sc_note_args(slot, key / SC_NR_PER_ABI / SC_NR_ABIS, nr, regs->di, regs->si);
	return 0;
}

/*
 * Fallback for kernels where tp_btf does not load (no BTF-typed tracepoints):
 * CO-RE reads instead of direct BTF pointer walks.
 */
SEC("raw_tp/sys_enter")
int sc_enter_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	long nr = (long)ctx->args[1];
	struct sc_cache *c;
	__u32 zero = 0, slot, key;

	if (nr < 0)
		return 0;
	c = bpf_map_lookup_elem(&sc_cache, &zero);
	if (!c)
		return 0;
	slot = SC_MEMO_SLOT(c, t, BPF_CORE_READ);
	if (slot != SC_SLOT_NONE) {
		key = sc_key(SC_ROW(t, BPF_CORE_READ), nr);
		sc_count(slot, sc_key_index(slot, key));
	}
	return 0;
}

/*
 * Agent only: claim a slot for every new cgroup v2 when it is created, before any task
 * can enter it, and tell userspace (which resolves it to a container while the cgroup
 * and the runtime's state are there). Free slots have zeroed counters (userspace
 * zeroes before freeing), so nothing from a previous owner leaks in.
 */
static __always_inline __u32 sc_claim(__u64 cgid)
{
	__u32 h = sc_slot_hash(cgid), slot;
	struct sc_cgroup_ent *ent;
	__u64 old;
	int i;

	/*
	 * As recorder__track: the whole sequence first. Userspace may already hold the id
	 * past a slot freed since (the agent's walk of cgroupfs can see the directory
	 * before this program runs); claiming the free slot would put it there twice.
	 */
	slot = sc_find(cgid);
	if (slot != SC_SLOT_NONE)
		return slot;
#pragma unroll
	for (i = 0; i < SC_PROBES; i++) {
		slot = (h + i) & slot_mask;
		ent = bpf_map_lookup_elem(&sc_cgroups, &slot);
		if (!ent)
			break;
		old = ent->cgid;
		if (old == cgid)
			return slot;
		if (old != SC_SLOT_EMPTY && old != SC_SLOT_DEAD)
			continue;
		if (__sync_val_compare_and_swap(&ent->cgid, old, cgid) == old)
			return slot;
		if (ent->cgid == cgid)	/* userspace claimed it for the same cgroup */
			return slot;
	}
	return SC_SLOT_NONE;
}

static __always_inline void sc_emit(__u32 kind, __u64 cgid, __u32 slot, __u32 level, const char *path)
{
	struct sc_event *e = bpf_ringbuf_reserve(&sc_events, sizeof(*e), 0);

	if (!e) {
		__sync_fetch_and_add(&sc_events_lost, 1);
		return;
	}
	e->cgid = cgid;
	e->kind = kind;
	e->slot = slot;
	e->level = level;
	e->pad = 0;
	if (bpf_probe_read_kernel_str(e->path, sizeof(e->path), path) < 0)
		e->path[0] = 0;
	bpf_ringbuf_submit(e, 0);
}

/* A cgroup directory name read for the container test: the longest prefix, 64 hex digits, ".scope". */
#define SC_NAME_BUF	96

/* Whether @b holds 64 lower-case hex digits at @off, then "" or ".scope". */
static __always_inline bool sc_id_at(const char *b, __u32 off)
{
	const char *s;
	int i;

	if (off > SC_NAME_BUF - 72)
		return false;
	for (i = 0; i < 64; i++) {
		char ch = b[off + i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
	}
	s = b + off + 64;
	return !s[0] || (s[0] == '.' && s[1] == 's' && s[2] == 'c' && s[3] == 'o' && s[4] == 'p' && s[5] == 'e' &&
			 !s[6]);
}

static __always_inline bool sc_prefix(const char *b, const char *p, __u32 n)
{
	for (__u32 i = 0; i < n && i < SC_NAME_BUF; i++)
		if (b[i] != p[i])
			return false;
	return true;
}

/*
 * The layouts of runtime__container_id(): <id>, libpod-<id>, docker-<id>, crio-<id>,
 * cri-containerd-<id>, each optionally .scope. A conmon scope (libpod-conmon-<id>) is
 * not one: "conmon-" is not hex.
 */
static __always_inline bool sc_container_name(struct kernfs_node *kn)
{
	char b[SC_NAME_BUF] = {};

	if (bpf_probe_read_kernel_str(b, sizeof(b), BPF_CORE_READ(kn, name)) < 0)
		return false;
	return sc_id_at(b, 0) || (sc_prefix(b, "libpod-", 7) && sc_id_at(b, 7)) ||
	       (sc_prefix(b, "docker-", 7) && sc_id_at(b, 7)) || (sc_prefix(b, "crio-", 5) && sc_id_at(b, 5)) ||
	       (sc_prefix(b, "cri-containerd-", 15) && sc_id_at(b, 15));
}

/* Levels above a new cgroup looked at for a container's (systemd inside a container nests). */
#define SC_CONTAINER_DEPTH 8

static __always_inline struct cgroup *sc_parent(struct cgroup *c)
{
	/* cgroup_parent(): the parent's css is its "self" member */
	struct cgroup_subsys_state *parent = BPF_CORE_READ(c, self.parent);

	return parent ? (struct cgroup *)((void *)parent - bpf_core_field_offset(struct cgroup, self)) : NULL;
}

/* Whether @cgrp or one of its parents is a container's cgroup (claim_containers). */
static __always_inline bool sc_in_container(struct cgroup *cgrp)
{
	struct cgroup *c = cgrp;
	int i;

	for (i = 0; i < SC_CONTAINER_DEPTH && c && BPF_CORE_READ(c, level) > 0; i++) {
		if (sc_container_name(BPF_CORE_READ(c, kn)))
			return true;
		c = sc_parent(c);
	}
	return false;
}

/* Descendants deeper than this below watch_root are not followed. */
#define SC_WATCH_DEPTH 32

/* Whether @cgrp is watch_root or below it. */
static __always_inline bool sc_below_root(struct cgroup *cgrp)
{
	struct cgroup *c = cgrp;
	int i;

	for (i = 0; i < SC_WATCH_DEPTH && c; i++) {
		if (BPF_CORE_READ(c, level) <= (int)watch_root_level)
			return BPF_CORE_READ(c, level) == (int)watch_root_level && BPF_CORE_READ(c, kn, id) == watch_root;
		c = sc_parent(c);
	}
	return false;
}

/*
 * Whether the mkdir/rmdir programs look at @cgrp: below watch_root (record), or in a
 * container (agent; record of a command that starts containers), or, with neither
 * set, every cgroup. CO-RE reads: cgroup creation is not a hot path.
 */
static __always_inline bool sc_watched(struct cgroup *cgrp)
{
	if (watch_root && sc_below_root(cgrp))
		return true;
	if (claim_containers)
		return sc_in_container(cgrp);
	return !watch_root;
}

static __always_inline void sc_on_mkdir(__u64 cgid, __u32 level, const char *path)
{
	__u32 slot = sc_claim(cgid);

	if (slot == SC_SLOT_NONE)
		__sync_fetch_and_add(&sc_table_full, 1);
	/* the new cgroup may reuse the memory of one a memo says is untracked */
	__sync_fetch_and_add(&sc_epoch, 1);
	sc_emit(SC_EV_MKDIR, cgid, slot, level, path);
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(sc_mkdir_btf, struct cgroup *cgrp, const char *path)
{
	/* cgroup v1 hierarchies are not ours; record follows its own subtree only */
	if (cgrp->root->hierarchy_id != 0 || !sc_watched(cgrp))
		return 0;
	sc_on_mkdir(cgrp->kn->id, cgrp->level, path);
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(sc_rmdir_btf, struct cgroup *cgrp, const char *path)
{
	__u64 cgid;

	if (cgrp->root->hierarchy_id != 0 || !sc_watched(cgrp))
		return 0;
	cgid = cgrp->kn->id;
	sc_emit(SC_EV_RMDIR, cgid, sc_find(cgid), cgrp->level, path);
	return 0;
}

SEC("raw_tp/cgroup_mkdir")
int sc_mkdir_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct cgroup *cgrp = (struct cgroup *)ctx->args[0];

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0 || !sc_watched(cgrp))
		return 0;
	sc_on_mkdir(BPF_CORE_READ(cgrp, kn, id), BPF_CORE_READ(cgrp, level), (const char *)ctx->args[1]);
	return 0;
}

SEC("raw_tp/cgroup_rmdir")
int sc_rmdir_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct cgroup *cgrp = (struct cgroup *)ctx->args[0];
	__u64 cgid;

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0 || !sc_watched(cgrp))
		return 0;
	cgid = BPF_CORE_READ(cgrp, kn, id);
	sc_emit(SC_EV_RMDIR, cgid, sc_find(cgid), BPF_CORE_READ(cgrp, level), (const char *)ctx->args[1]);
	return 0;
}

/*
 * Denials (agent --denials). A syscall the filter refuses never reaches sys_enter but
 * does reach sys_exit, with the errno; the entry hooks that would see the refusal
 * itself (fexit on __secure_computing/__seccomp_filter) cannot be attached on kernels
 * that do not let them be traced. So: on sys_exit, a failed call of a task under a
 * filter, for a syscall that the filter does not always allow according to the
 * kernel's own seccomp action cache (seccomp_filter->cache, the bitmap of calls the
 * filter allows whatever the arguments), is a refusal. A call allowed only for some
 * arguments that fails for another reason is reported too: the report says so. A
 * KILL_* action marks the task's seccomp mode dead and never returns: those are
 * counted once, when the task exits.
 */
#define SC_SECCOMP_MODE_DEAD	3
#define SC_RET_KILL_PROCESS	0x80000000U
#define SC_RET_ERRNO		0x00050000U

static __always_inline void sc_deny(struct task_struct *t, long nr, __u32 ret)
{
	struct sc_deny_key k = {};
	__u64 one = 1, *v;

	k.cgid = t->cgroups->dfl_cgrp->kn->id;
	k.abi = SC_IS_COMPAT(t, SC_DIRECT) ? SC_ABI_COMPAT : SC_ABI_NATIVE;
	k.nr = nr >= 0 && nr < SC_NR_OVERFLOW ? nr : SC_NR_OVERFLOW;
	k.ret = ret;
	v = bpf_map_lookup_elem(&sc_denied, &k);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return;
	}
	if (bpf_map_update_elem(&sc_denied, &k, &one, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&sc_denied, &k);	/* raced with another CPU */
		if (v)
			__sync_fetch_and_add(v, 1);
		else
			__sync_fetch_and_add(&sc_denied_lost, 1);
	}
}

/*
 * The kernel's seccomp action cache (struct action_cache, kernel/seccomp.c): per ABI, a
 * bitmap of unsigned longs with one bit per syscall number, NR_syscalls bits rounded
 * up to whole words; a number past its end is never "always allowed" (the filter runs).
 */
#define SC_WORD_BITS	(8 * sizeof(unsigned long))

/*
 * Every syscall number the kernel has gets its own counter and its own denial key: the
 * cache's bitmaps (NR_syscalls, rounded up to whole words) must fit in SC_NR_PER_ABI.
 * Checked against the vmlinux.h the programs are built with; on a running kernel with
 * more numbers, the extra ones are counted in the overflow bucket and their denials
 * are not reported.
 */
_Static_assert(sizeof(((struct action_cache *)0)->allow_native) * 8 <= SC_NR_PER_ABI,
	       "the kernel has more native syscalls than SC_NR_PER_ABI counts: raise it");
_Static_assert(sizeof(((struct action_cache *)0)->allow_compat) * 8 <= SC_NR_PER_ABI,
	       "the kernel has more compat syscalls than SC_NR_PER_ABI counts: raise it");

/*
 * Whether filter @f allows syscall @nr (>= 0) whatever the arguments, per the kernel's
 * cache. The bitmap's size is the running kernel's (CO-RE), not vmlinux.h's. A failed
 * call of a confined task is rare enough for a probe read of the one word needed.
 */
static __always_inline bool sc_always_allowed(struct seccomp_filter *f, long nr, bool compat)
{
	const unsigned long *bitmap = compat ? f->cache.allow_compat : f->cache.allow_native;
	__u32 words = (compat ? bpf_core_field_size(f->cache.allow_compat)
			      : bpf_core_field_size(f->cache.allow_native)) / sizeof(unsigned long);
	unsigned long word;

	if (nr / SC_WORD_BITS >= words)
		return false;
	if (bpf_probe_read_kernel(&word, sizeof(word), bitmap + nr / SC_WORD_BITS))
		return true;		/* cannot tell: say nothing rather than a wrong denial */
	return word & (1UL << (nr % SC_WORD_BITS));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sc_deny_exit_btf, struct pt_regs *regs, long ret)
{
	struct task_struct *t;
	struct seccomp_filter *f;
	long nr;

	if (ret >= 0 || ret < -4095)	/* success: the common case, one compare */
		return 0;
	t = bpf_get_current_task_btf();
	if (!(t->thread_info.syscall_work &
	      (1ULL << bpf_core_enum_value(enum syscall_work_bit, SYSCALL_WORK_BIT_SECCOMP))))
		return 0;		/* no filter: a plain error */
	nr = sc_syscall_nr(regs);
	f = t->seccomp.filter;
	if (nr < 0 || nr >= SC_NR_PER_ABI || !f)
		return 0;
	if (sc_always_allowed(f, nr, SC_IS_COMPAT(t, SC_DIRECT)))
		return 0;		/* a plain error */
	sc_deny(t, nr, SC_RET_ERRNO | (__u32)-ret);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sc_deny_kill, struct task_struct *p, bool group_dead)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs;

	if (t->seccomp.mode != SC_SECCOMP_MODE_DEAD)
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(t);
	if (!regs)
		return 0;
	sc_deny(t, sc_syscall_nr(regs), SC_RET_KILL_PROCESS);
	return 0;
}
