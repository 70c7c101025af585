/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BPF side seen from userspace: load (or adopt a pinned instance), attach, claim
 * and release cgroup slots, read their counters, receive cgroup events.
 * record/ is the only folder that includes the generated skeletons: recorder.c the
 * recorder's, refprog.c the benchmark's reference programs.
 */
#ifndef SC_RECORDER_H
#define SC_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "syscensus.h"

enum sc_attach {
	SC_ATTACH_AUTO,		/* tp_btf, or raw_tp where tp_btf does not load (probed) */
	SC_ATTACH_BTF,		/* BTF-typed tracepoint (kernel >= 5.5 with BTF) */
	SC_ATTACH_RAW,		/* raw tracepoint: the fallback, forced for measurements */
};

/* --attach: "auto", "tp_btf" or "raw_tp". 0, or -EINVAL after saying what is accepted. */
int recorder__parse_attach(const char *s, enum sc_attach *out);

struct sc_recorder_opts {
	unsigned capacity;	/* cgroups tracked at once; rounded up to a power of two */
	enum sc_attach attach;
	bool watch_cgroups;	/* claim a slot for every new cgroup v2 and send events (agent) */
	bool denials;		/* with watch_cgroups: record syscalls refused by seccomp filters */
	/*
	 * With watch_cgroups: claim the cgroups named like a container's and those below one
	 * (agent: only those; record: those besides the descendants of watch_root).
	 */
	bool claim_containers;
	unsigned bench_stage;	/* benchmark only: stop the hot path after part 1, 2 or 3 (0: all) */
	bool record_args;	/* record (tp_btf only): keep the risky arguments of a few syscalls */
	/*
	 * With watch_cgroups: 0, every new cgroup (agent); or only the cgroups created below
	 * the cgroup of this id, at depth watch_root_level under the root (record).
	 */
	uint64_t watch_root;
	unsigned watch_root_level;
	/*
	 * bpffs directory to pin maps and links in, so that counting goes on while the
	 * agent is stopped or killed and a restart adopts them; NULL: nothing pinned,
	 * everything goes when the process exits (record, bench).
	 */
	const char *pin_dir;
};

/* Counts of one cgroup per ABI, summed over CPUs (what a profile is made of). */
struct sc_tally {
	uint64_t n[SC_NR_ABIS][SC_NR_PER_ABI];
};

/*
 * What a read of a slot gives, per seccomp phase and ABI: the calls of each key summed
 * over the CPUs, with the carries of their 16-bit counters, modulo 2^32 (fold the
 * difference with sc_counter_delta()); the keys seen that have no counter of their own (the
 * cgroup's key table had no room for them), and the calls of those keys, together.
 */
struct sc_slot_counts {
	uint64_t n[SC_PHASES][SC_NR_ABIS][SC_NR_PER_ABI];
	uint64_t untabled[SC_NKEYS / 64];
	uint64_t uncounted;	/* modulo 2^32 too */
};

/* Whether (phase, abi, nr) ran in @c without a counter of its own. */
static inline bool slot_counts__untabled(const struct sc_slot_counts *c, int phase, int abi, int nr)
{
	unsigned key = (phase * SC_NR_ABIS + abi) * SC_NR_PER_ABI + nr;

	return (c->untabled[key / 64] >> (key % 64)) & 1;
}

/*
 * How far behind a read can be: one 16-bit wrap in flight (counted, not yet carried)
 * per CPU, 2^16 calls each; 2^26 covers 1,024 CPUs.
 */
#define SC_READ_BEHIND_MAX	(1U << 26)

/*
 * Calls since the value @folded, given a read @cur of the same counter: the sums are
 * exact modulo 2^32, so the difference is the true one while fewer than 2^32 - 2^26
 * calls of one key happen between two reads (readers keep far below that: see
 * sc_read_interval_max()). A difference within SC_READ_BEHIND_MAX of 2^32 is a read
 * behind the one folded (between a counter's wrap and its carry): 0, and @folded stays
 * (the callers add what this returns); the next read has those calls. A slot's counters
 * never restart while it is live: a recorder loaded anew makes the agent drop the live
 * cgroups it had saved.
 */
static inline uint64_t sc_counter_delta(uint64_t cur, uint64_t folded)
{
	uint32_t d = (uint32_t)cur - (uint32_t)folded;

	return d <= UINT32_MAX - SC_READ_BEHIND_MAX ? d : 0;
}

/*
 * How often a reader reads, so that sc_counter_delta() stays exact with room to spare:
 * 2^31 calls (half the window) of one key of one cgroup at 10 million calls per second
 * on every one of @ncpus CPUs, in seconds (at least 1).
 */
static inline unsigned sc_read_interval_max(int ncpus)
{
	uint64_t s = (1ULL << 31) / ((uint64_t)(ncpus > 0 ? ncpus : 1) * 10000000ULL);

	return s ? (unsigned)s : 1;
}

/* Health figures kept by the BPF side. */
struct sc_recorder_stats {
	uint64_t epoch;		/* changes to the cgroup table */
	uint64_t table_full;	/* cgroups created while the table had no room */
	uint64_t events_lost;	/* cgroup events the ring buffer had no room for */
	uint64_t denied_lost;	/* denials the denial map had no room for */
};

struct sc_recorder;

/* Say why BPF programs did not load (privileges, BTF, or libbpf's error). */
void recorder__explain_load_error(int err);

/* Open, configure, load and attach (or adopt). NULL with errno set; the reason is printed. */
struct sc_recorder *recorder__open(const struct sc_recorder_opts *opts);
/* Free userspace resources; pinned maps and links stay (see recorder__unpin). */
void recorder__destroy(struct sc_recorder *r);
const char *recorder__attach_name(const struct sc_recorder *r);
uint32_t recorder__capacity(const struct sc_recorder *r);
/* BPF map memory of the recorder: what the kernel says each map takes (fdinfo memlock). */
struct sc_map_mem {
	const char *name;	/* "cgroups", "counts", "memo", "events", "denied", "args", "bss" */
	uint64_t bytes;		/* 0: the kernel did not say */
	bool per_cpu;
	uint32_t value_size, max_entries;
};
#define SC_RECORDER_MAPS 7
/* "memlock:" of a map's fd, as the kernel computes it (map_mem_usage since 6.5); 0 if absent. */
uint64_t recorder__map_memlock(int fd);
/* Fills @m[SC_RECORDER_MAPS]; returns the total bytes. */
uint64_t recorder__memory(const struct sc_recorder *r, struct sc_map_mem *m);
/*
 * The recorder's own cost as the kernel measures it (BPF run-time statistics: the
 * sysctl kernel.bpf_stats_enabled=1 makes the kernel time every program run).
 */
struct sc_prog_cost {
	uint64_t run_ns;	/* total time in the program */
	uint64_t runs;		/* runs timed */
};
/*
 * The sys_enter program's (@enter) and, with denials, the sys_exit one's (@deny).
 * Returns 0, or -ENODATA when the statistics are off (the figures are what was timed
 * while they were on).
 */
int recorder__cost(const struct sc_recorder *r, struct sc_prog_cost *enter, struct sc_prog_cost *deny);
/* Possible CPUs, as the per-CPU maps are sized. */
int recorder__ncpus(const struct sc_recorder *r);
/* True when the programs were already running, pinned, and this process adopted them. */
bool recorder__adopted(const struct sc_recorder *r);
void recorder__stats(const struct sc_recorder *r, struct sc_recorder_stats *st);

/*
 * Start counting cgroup @cgid: claims a free slot (free slots have zeroed counters) or
 * finds the one it has. Returns 0 and the slot, or -ENOSPC when the SC_PROBES slots it
 * may use are all taken.
 */
int recorder__track(struct sc_recorder *r, uint64_t cgid, uint32_t *slot);
/*
 * Stop counting the cgroup in @slot: its final counts go to @last (may be NULL), its
 * counters are zeroed and the slot becomes free. Returns 0 or -errno.
 */
int recorder__release(struct sc_recorder *r, uint32_t slot, struct sc_slot_counts *last);
/*
 * The same for @n slots at once, with one grace period for all (each costs a
 * synchronize_rcu: milliseconds): @done(ctx, i, 0 or -errno, @buf) after slot i is read
 * into @buf and given back.
 */
typedef void (*sc_release_fn)(void *ctx, size_t i, int err, const struct sc_slot_counts *last);
void recorder__release_batch(struct sc_recorder *r, const uint32_t *slots, size_t n, struct sc_slot_counts *buf,
			     sc_release_fn done, void *ctx);
/* The cgroup id in @slot: 0 for a free slot. */
uint64_t recorder__slot_cgid(const struct sc_recorder *r, uint32_t slot);
/* Whether the recorder's pins are still in its pin directory (true when not pinned). */
bool recorder__pinned(const struct sc_recorder *r);
/* One harmless bpf() call on the recorder's maps: 0, or -errno (EPERM: not allowed). */
int recorder__probe(struct sc_recorder *r);
/* Sum the slot's per-CPU counters. Returns 0 or -errno. */
int recorder__read(struct sc_recorder *r, uint32_t slot, struct sc_slot_counts *c);
/*
 * Fold the read @cur of a slot into its running totals @total (which started at zero
 * with the slot): what record does between its reads, so that a long recording loses
 * nothing to the wrap at 2^32.
 */
void slot_counts__fold(struct sc_slot_counts *total, const struct sc_slot_counts *cur);
/*
 * Both phases of @c added into @t (what `record` reports: everything the command did);
 * a key without a counter of its own counts once (it ran at least once).
 */
void slot_counts__sum_phases(const struct sc_slot_counts *c, struct sc_tally *t);
/* Phase @phase of @c added into @t, as above (a container's profile: SC_FILTERED). */
void slot_counts__sum_phase(const struct sc_slot_counts *c, int phase, struct sc_tally *t);
/* Whether @c holds a call made under a seccomp filter. */
bool slot_counts__filtered(const struct sc_slot_counts *c);

/*
 * Cgroup events (watch_cgroups): calls @cb for each pending event, waiting at most
 * @timeout_ms for the first. Returns the number of events or -errno.
 */
typedef int (*sc_event_fn)(void *ctx, const struct sc_event *e);
int recorder__poll_events(struct sc_recorder *r, int timeout_ms, sc_event_fn cb, void *ctx);

/* Whether the risky arguments of a few syscalls are kept (record_args, on tp_btf). */
bool recorder__args(const struct sc_recorder *r);
/*
 * Calls @cb for each (slot, phase, syscall, argument value) in the map (struct
 * sc_arg_key); @lost gets how many values found the map full since the recorder was
 * loaded (it only grows). Returns how many.
 */
typedef void (*sc_arg_fn)(void *ctx, const struct sc_arg_key *k);
int recorder__read_args(struct sc_recorder *r, sc_arg_fn cb, void *ctx, uint64_t *lost);
/*
 * Delete @n keys read before (the agent, once a save holds them): the programs add a
 * value again when it is seen again, so the map holds what is new since the last save.
 * 0 or -errno (the last failure).
 */
int recorder__forget_args(struct sc_recorder *r, const struct sc_arg_key *keys, size_t n);

/* The fd to poll (POLLIN) for pending cgroup events; -1 without watch_cgroups. */
int recorder__events_fd(const struct sc_recorder *r);

/* Whether syscalls refused by seccomp filters are recorded (agent --denials, tp_btf). */
bool recorder__denials(const struct sc_recorder *r);
/* Calls @cb for each (cgroup, ABI, nr, filter answer) refused since the last drain. */
typedef void (*sc_denial_fn)(void *ctx, const struct sc_deny_key *k, uint64_t count);
int recorder__drain_denials(struct sc_recorder *r, sc_denial_fn cb, void *ctx);

/* Detach/attach the sys_enter program (benchmarks). Returns 0 or -errno. */
int recorder__detach(struct sc_recorder *r);
int recorder__attach(struct sc_recorder *r);

/* Remove the pins of @pin_dir: the BPF programs stop when nobody holds them. */
int recorder__unpin(const char *pin_dir);

#endif
