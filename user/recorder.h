/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BPF side seen from userspace: load, attach, track cgroups, read their counters.
 * recorder.c is the only file that includes the generated skeletons.
 */
#ifndef SC_RECORDER_H
#define SC_RECORDER_H

#include <stdint.h>
#include "syscensus.h"

enum sc_attach {
	SC_ATTACH_AUTO,		/* tp_btf, or raw_tp where tp_btf does not load (probed) */
	SC_ATTACH_BTF,		/* BTF-typed tracepoint (kernel >= 5.5 with BTF) */
	SC_ATTACH_RAW,		/* raw tracepoint: the fallback, forced for measurements */
};

struct sc_recorder_opts {
	unsigned capacity;	/* cgroups tracked at once; rounded up to a power of two */
	enum sc_attach attach;
};

/* Counts of one cgroup, summed over CPUs. */
struct sc_tally {
	uint64_t n[SC_NR_ABIS][SC_NR_PER_ABI];
};

struct sc_recorder;

/* Open, configure, load and attach. NULL with errno set; the reason is printed. */
struct sc_recorder *recorder__open(const struct sc_recorder_opts *opts);
void recorder__destroy(struct sc_recorder *r);
const char *recorder__attach_name(const struct sc_recorder *r);

/*
 * Start counting cgroup @cgid: claims a slot (counters zeroed first). Returns 0 and the
 * slot, or -ENOSPC when the SC_PROBES slots it may use are all taken.
 */
int recorder__track(struct sc_recorder *r, uint64_t cgid, uint32_t *slot);
/* Stop counting: the slot becomes reusable (its counters are zeroed on reuse). */
int recorder__untrack(struct sc_recorder *r, uint32_t slot);
/* Sum the slot's per-CPU counters into @t. Returns 0 or -errno. */
int recorder__read(struct sc_recorder *r, uint32_t slot, struct sc_tally *t);

/* Detach/attach the recorder's program (benchmarks). Returns 0 or -errno. */
int recorder__detach(struct sc_recorder *r);
int recorder__attach(struct sc_recorder *r);

/* An empty program on the same hook: the cost floor, for benchmarks. */
struct sc_floor;
struct sc_floor *floor__open(enum sc_attach attach);	/* loaded, not attached */
int floor__attach(struct sc_floor *f);
void floor__detach(struct sc_floor *f);
void floor__destroy(struct sc_floor *f);

#endif
