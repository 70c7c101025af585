/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef SC_REFPROG_H
#define SC_REFPROG_H

#include <stdbool.h>
#include "record/recorder.h"

/*
 * Reference programs on sys_enter for the benchmark (bpf/reference.bpf.c): an empty
 * program (the cost floor, tp_btf or raw_tp), the recorder's previous design (dense
 * 64-bit per-CPU counters), or the design it did not take, counters in cgroup local
 * storage (needs BPF_MAP_TYPE_CGRP_STORAGE: see refprog__supported). Never used to
 * record.
 */
enum sc_ref {
	SC_REF_EMPTY_BTF,
	SC_REF_EMPTY_RAW,
	SC_REF_CGRP_STORAGE,
	SC_REF_PREVIOUS,
	SC_REFS,
};
struct sc_refprog;
/* Whether this kernel can load @which (feature probe, nothing loaded). */
bool refprog__supported(enum sc_ref which);
struct sc_refprog *refprog__open(enum sc_ref which);	/* loaded, not attached; NULL + errno */
/* SC_REF_CGRP_STORAGE, SC_REF_PREVIOUS: count the calls of the cgroup whose v2 directory is @dir. */
int refprog__track(struct sc_refprog *p, const char *dir);
/* The same: what was counted for @dir, both phases and ABIs (exact sums, in ->n). */
int refprog__read(struct sc_refprog *p, const char *dir, struct sc_slot_counts *c);
int refprog__attach(struct sc_refprog *p);
void refprog__detach(struct sc_refprog *p);
void refprog__destroy(struct sc_refprog *p);
/* BPF map memory of the program's own maps, as the kernel reports it (0 for the floors). */
uint64_t refprog__memory(const struct sc_refprog *p);

#endif
