// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The micro benchmark: ns per getppid() in every configuration (nothing attached, the
 * floors, the recorder, the design not taken, under a filter, denied, the external
 * tools), interleaved over the runs, paired within each run; then the proof, from the
 * counters, that the measured path counted every timed call.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bench/internal.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"

#define TOOL_RUNS 7	/* external tools take seconds to start: measured in the first runs only */

enum cfg {
	NONE, FLOOR_BTF, REC_BTF, REC_MANY, PREV_BTF, STAGE1, STAGE2, STAGE3, STAGE4, STAGE5, STAGE6, STAGE7, STAGE8, REF_CGS, FLOOR_RAW, REC_RAW,
	REC_DENY, REC_NOARGS,
	FA_NONE, FA_FLOOR, FA_REC, FA_DENY, FD_NONE, FD_REC, FD_DENY, AR_NONE, AR_NOARGS, AR_REC,
	SYSCOUNT, BPFTRACE, STRACE, NCFG
};

/* what is attached for a configuration */
enum att {
	AT_NONE, AT_FLOOR_BTF, AT_FLOOR_RAW, AT_REF_CGS, AT_REF_PREV, AT_REC_BTF, AT_REC_RAW, AT_REC_MANY,
	AT_REC_DENY, AT_REC_NOARGS, AT_REC_STAGE1, AT_TOOL = AT_REC_STAGE1 + 8
};

#define SELF		SC_BENCH_SELF
#define FILTER_ALLOWS	SC_BENCH_FILTER_ALLOWS
#define FILTER_DENIES	SC_BENCH_FILTER_DENIES

static const struct {
	const char *name;
	enum cfg base;		/* added cost = this - base */
	enum cfg floor;		/* whose added cost the ratio divides by */
	unsigned div;		/* fewer calls for slow configurations */
	enum att att;
	enum sc_bench_who who;
	bool prctl;		/* the loop calls prctl(PR_GET_DUMPABLE), not getppid */
} cfgs[NCFG] = {
	[NONE] = { "nothing attached", NONE, NONE, 1, AT_NONE, SELF },
	[FLOOR_BTF] = { "empty tp_btf program (floor)", NONE, FLOOR_BTF, 1, AT_FLOOR_BTF, SELF },
	[REC_BTF] = { "syscensus, tp_btf, 1 cgroup tracked", NONE, FLOOR_BTF, 1, AT_REC_BTF, SELF },
	[REC_MANY] = { "syscensus, tp_btf, 1,000 cgroups tracked", NONE, FLOOR_BTF, 1, AT_REC_MANY,
		       SELF },
	[PREV_BTF] = { "previous design: 64-bit per-CPU counters", NONE, FLOOR_BTF, 1, AT_REF_PREV, SELF },
	/* the recorder stopped after a part of its path: what each part costs */
	[STAGE1] = { "part 1: the memo (task -> slot)", NONE, FLOOR_BTF, 1, AT_REC_STAGE1, SELF },
	[STAGE2] = { "part 2: + the key (phase, ABI, number)", NONE, FLOOR_BTF, 1, AT_REC_STAGE1 + 1, SELF },
	[STAGE3] = { "part 3: + the probe of the key table", NONE, FLOOR_BTF, 1, AT_REC_STAGE1 + 2, SELF },
	[STAGE4] = { "not taken: no memo (walk and probe each call)", NONE, FLOOR_BTF, 1, AT_REC_STAGE1 + 3, SELF },
	/* what any program pays beyond the empty one, on this machine */
	[STAGE5] = { "least: compare nr, nothing else", NONE, FLOOR_BTF, 1, AT_REC_STAGE1 + 4, SELF },
	[STAGE6] = { "least: one load from a map, no helper", NONE, FLOOR_BTF, 1, AT_REC_STAGE1 + 5, SELF },
	[STAGE7] = { "least: one helper call (the current task)", NONE, FLOOR_BTF, 1, AT_REC_STAGE1 + 6, SELF },
	[STAGE8] = { "least: one per-CPU map lookup", NONE, FLOOR_BTF, 1, AT_REC_STAGE1 + 7, SELF },
	[REF_CGS] = { "not taken: counters in cgroup local storage", NONE, FLOOR_BTF, 1, AT_REF_CGS,
		      SELF },
	[FLOOR_RAW] = { "empty raw_tp program (fallback floor)", NONE, FLOOR_RAW, 1, AT_FLOOR_RAW,
			SELF },
	[REC_RAW] = { "syscensus, raw_tp fallback", NONE, FLOOR_RAW, 1, AT_REC_RAW, SELF },
	[REC_DENY] = { "syscensus --denials (+sys_exit), no filter", NONE, FLOOR_BTF, 1, AT_REC_DENY,
		       SELF },
	[REC_NOARGS] = { "syscensus --args off", NONE, FLOOR_BTF, 1, AT_REC_NOARGS, SELF },
	[FA_NONE] = { "under a filter, allowed: nothing attached", FA_NONE, FLOOR_BTF, 1, AT_NONE,
		      FILTER_ALLOWS },
	/* under a filter the hook costs differently (measured higher here): its own floor */
	[FA_FLOOR] = { "under a filter, allowed: empty program (floor)", FA_NONE, FA_FLOOR, 1,
		       AT_FLOOR_BTF, FILTER_ALLOWS },
	[FA_REC] = { "under a filter, allowed: syscensus", FA_NONE, FA_FLOOR, 1, AT_REC_BTF,
		     FILTER_ALLOWS },
	[FA_DENY] = { "under a filter, allowed: syscensus --denials", FA_NONE, FA_FLOOR, 1,
		      AT_REC_DENY, FILTER_ALLOWS },
	[FD_NONE] = { "denied (EPERM): nothing attached", FD_NONE, FLOOR_BTF, 1, AT_NONE,
		      FILTER_DENIES },
	[FD_REC] = { "denied (EPERM): syscensus", FD_NONE, FLOOR_BTF, 1, AT_REC_BTF, FILTER_DENIES },
	[FD_DENY] = { "denied (EPERM): syscensus --denials", FD_NONE, FLOOR_BTF, 1, AT_REC_DENY,
		      FILTER_DENIES },
	/* a call whose argument is kept: only such calls pay for it (the floor's cost per call is the same) */
	[AR_NONE] = { "prctl: nothing attached", AR_NONE, FLOOR_BTF, 1, AT_NONE, SELF, true },
	[AR_NOARGS] = { "prctl: syscensus --args off", AR_NONE, FLOOR_BTF, 1, AT_REC_NOARGS, SELF, true },
	[AR_REC] = { "prctl: syscensus (its argument kept)", AR_NONE, FLOOR_BTF, 1, AT_REC_BTF, SELF, true },
	[SYSCOUNT] = { "libbpf-tools syscount", NONE, FLOOR_BTF, 1, AT_TOOL, SELF },
	[BPFTRACE] = { "bpftrace @[cgroup, args->id] = count()", NONE, FLOOR_BTF, 1, AT_TOOL, SELF },
	[STRACE] = { "strace -f -c", NONE, FLOOR_BTF, 100, AT_TOOL, SELF },
};

/* the tools' configurations, in the order of enum sc_bench_tool */
_Static_assert(BPFTRACE - SYSCOUNT == SC_TOOL_BPFTRACE && STRACE - SYSCOUNT == SC_TOOL_STRACE &&
		       NCFG - SYSCOUNT == SC_NTOOLS,
	       "configurations SYSCOUNT.. follow enum sc_bench_tool");

struct sc_micro {
	struct sc_bench *b;
	unsigned long n, runs;
	struct sc_worker workers[3];	/* by enum sc_bench_who; SELF's unused */
	struct sc_tool tools[SC_NTOOLS];	/* configuration SYSCOUNT + i */
	bool enabled[NCFG];
	double *samples[NCFG], *scratch;	/* samples[k][run]: NAN when not measured */
	unsigned long taken[NCFG];	/* runs measured */
	struct sc_slot_counts *t;
	int getppid_nr;
};

struct sc_micro *micro__new(struct sc_bench *b)
{
	struct sc_micro *m = calloc(1, sizeof(*m));
	bool oom;

	if (!m)
		return NULL;
	m->b = b;
	m->n = b->o->calls;
	m->runs = b->o->runs;
	for (int k = 0; k < NCFG; k++)
		m->enabled[k] = true;
	for (int i = 0; i < SC_NTOOLS; i++) {
		m->tools[i].which = i;
		m->enabled[SYSCOUNT + i] = b->o->tools && tool__available(i);
	}
	m->getppid_nr = syscall_nr(arch_native()->token, "getppid");
	m->t = calloc(1, sizeof(*m->t));
	m->scratch = calloc(m->runs, sizeof(double));
	oom = !m->t || !m->scratch;
	for (int k = 0; k < NCFG; k++) {
		m->samples[k] = calloc(m->runs, sizeof(double));
		oom |= !m->samples[k];
		for (unsigned long r = 0; m->samples[k] && r < m->runs; r++)
			m->samples[k][r] = NAN;
	}
	if (oom) {
		micro__free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

void micro__free(struct sc_micro *m)
{
	if (!m)
		return;
	for (int i = 0; i < SC_NTOOLS; i++)
		tool__stop(&m->tools[i]);
	for (int w = 0; w < 3; w++)
		worker__stop(&m->workers[w]);
	for (int k = 0; k < NCFG; k++)
		free(m->samples[k]);
	free(m->scratch);
	free(m->t);
	free(m);
}

int micro__start(struct sc_micro *m)
{
	struct sc_bench *b = m->b;
	int err;

	if (!recorder__denials(b->rec[SC_BENCH_REC_DENY]))
		m->enabled[REC_DENY] = m->enabled[FA_DENY] = m->enabled[FD_DENY] = false;
	if (!b->ref[SC_REF_CGRP_STORAGE])
		m->enabled[REF_CGS] = false;
	if (!b->ref[SC_REF_PREVIOUS])
		m->enabled[PREV_BTF] = false;
	/* the workers start in this cgroup and on this CPU */
	for (int w = FILTER_ALLOWS; w <= FILTER_DENIES; w++)
		if ((err = worker__start(&m->workers[w], w))) {
			sc_err("cannot start a worker under a seccomp filter: %s", strerror(-err));
			return err;
		}
	return 0;
}

static struct sc_recorder *recorder_of(const struct sc_bench *b, enum att at)
{
	if (at >= AT_REC_STAGE1 && at < AT_TOOL)
		return b->rec[SC_BENCH_REC_STAGE1 + (at - AT_REC_STAGE1)];
	switch (at) {
	case AT_REC_BTF:
		return b->rec[SC_BENCH_REC_BTF];
	case AT_REC_RAW:
		return b->rec[SC_BENCH_REC_RAW];
	case AT_REC_MANY:
		return b->rec[SC_BENCH_REC_MANY];
	case AT_REC_DENY:
		return b->rec[SC_BENCH_REC_DENY];
	case AT_REC_NOARGS:
		return b->rec[SC_BENCH_REC_NOARGS];
	default:
		return NULL;
	}
}

static struct sc_refprog *refprog_of(const struct sc_bench *b, enum att at)
{
	switch (at) {
	case AT_FLOOR_BTF:
		return b->ref[SC_REF_EMPTY_BTF];
	case AT_FLOOR_RAW:
		return b->ref[SC_REF_EMPTY_RAW];
	case AT_REF_CGS:
		return b->ref[SC_REF_CGRP_STORAGE];
	case AT_REF_PREV:
		return b->ref[SC_REF_PREVIOUS];
	default:
		return NULL;
	}
}

/* One measure of configuration @k in run @r: attach, time the loop, detach. */
static void measure(struct sc_micro *m, int k, unsigned long r)
{
	enum att at = cfgs[k].att;
	struct sc_recorder *rc = recorder_of(m->b, at);
	struct sc_refprog *rp = refprog_of(m->b, at);
	struct sc_tool *tool = at == AT_TOOL ? &m->tools[k - SYSCOUNT] : NULL;
	double ns;
	int err = 0;

	if (rp)
		err = refprog__attach(rp);
	else if (rc)
		err = recorder__attach(rc);
	else if (tool)
		err = tool__start(tool, m->b->home);
	if (err) {
		sc_warn("cannot start \"%s\" (%s): left out", cfgs[k].name, strerror(-err));
		m->enabled[k] = false;
		return;
	}
	if (cfgs[k].who == SELF)
		ns = cfgs[k].prctl ? bench__loop_prctl_ns(m->n / cfgs[k].div + 1) : bench__loop_ns(m->n / cfgs[k].div + 1);
	else
		ns = worker__loop(&m->workers[cfgs[k].who], m->n);
	if (ns > 0) {
		m->samples[k][r] = ns;
		m->taken[k]++;
	}
	if (rp)
		refprog__detach(rp);
	else if (rc)
		recorder__detach(rc);
	else if (tool)
		tool__stop(tool);
}

/* The runs, configurations interleaved, their order reversed every other run. */
static void measure_all(struct sc_micro *m)
{
	printf("syscensus bench: getppid() x %lu per run (strace: / %u), %lu runs, configurations interleaved\n"
	       "(order reversed every other run); added costs and ratios are paired within each run,\n"
	       "then the median and quartiles [q1, q3] over the runs\n",
	       m->n, cfgs[STRACE].div, m->runs);
	bench__loop_ns(m->n / 10 + 1);	/* warm up */
	for (unsigned long r = 0; r < m->runs; r++) {
		for (int i = 0; i < NCFG; i++) {
			int k = r % 2 ? NCFG - 1 - i : i;

			/* tools take seconds to start: the first runs only */
			if (!m->enabled[k] || (cfgs[k].att == AT_TOOL && r >= TOOL_RUNS))
				continue;
			measure(m, k, r);
		}
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "\rrun %lu/%lu", r + 1, m->runs);
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r");
}

static struct sc_quart paired(struct sc_micro *m, int k, int base, int per, int per_base)
{
	return stats__paired(m->samples, m->runs, k, base, per, per_base, m->scratch);
}

/* The table's row for configuration @k, with the section lines around it. */
static void print_row(struct sc_micro *m, int k)
{
	struct sc_quart ns, added, ratio;
	const char *name = cfgs[k].name;

	if (k == FA_NONE || k == FD_NONE || k == AR_NONE)
		printf("%s\n", k == FA_NONE ? "-- a task under a seccomp filter that allows getppid:"
				: k == FD_NONE ? "-- a task whose filter refuses getppid (EPERM):"
					       : "-- prctl(PR_GET_DUMPABLE), a call whose argument record keeps:");
	ns = paired(m, k, -1, -1, 0);
	if (!ns.m) {
		printf("%-46s %8s %8s %21s %5s\n", name, "-", "-", "-", "0");
		return;
	}
	if ((int)cfgs[k].base == k) {
		printf("%-46s %8.1f %8s %21s %5lu\n", name, ns.med, "-", "-", ns.m);
		return;
	}
	added = paired(m, k, cfgs[k].base, -1, 0);
	ratio = paired(m, k, cfgs[k].base, cfgs[k].floor, cfgs[cfgs[k].floor].base);
	if (k == (int)cfgs[k].floor)
		printf("%-46s %8.1f %8.1f %21s %5lu\n", name, ns.med, added.med, "1 (floor)", ns.m);
	else
		printf("%-46s %8.1f %8.1f %7.2f [%5.2f, %5.2f] %5lu\n", name, ns.med, added.med,
		       ratio.med, ratio.q1, ratio.q3, ns.m);
	if (k == AR_REC)
		printf("--\n");
}

/* The table, the recorder's ratios to the floors and to the tools, the memory. */
static void print_all(struct sc_micro *m)
{
	struct sc_quart q[4];

	printf("ns/call: the median over the runs of each configuration alone. added: the median over the\n"
	       "runs of (this configuration - the section's \"nothing attached\", same run), so it differs\n"
	       "from the difference of the two ns/call medians by the runs' drift (a few ns here)\n");
	printf("%-46s %8s %8s %21s %5s\n", "configuration", "ns/call", "added", "added/floor [q1, q3]",
	       "runs");
	for (int k = 0; k < NCFG; k++)
		print_row(m, k);
	q[0] = paired(m, REC_BTF, NONE, FLOOR_BTF, NONE);
	q[1] = paired(m, REC_MANY, NONE, FLOOR_BTF, NONE);
	q[2] = paired(m, REC_RAW, NONE, FLOOR_RAW, NONE);
	q[3] = paired(m, PREV_BTF, NONE, FLOOR_BTF, NONE);
	printf("recorder / floor (added costs, paired medians): tp_btf %.2f, 1,000 cgroups %.2f, raw_tp %.2f\n",
	       q[0].med, q[1].med, q[2].med);
	if (q[3].m) {
		struct sc_quart d = paired(m, REC_BTF, NONE, PREV_BTF, NONE);

		printf("recorder / previous design (added costs): %.2f [%.2f, %.2f]; previous design / floor %.2f\n",
		       d.med, d.q1, d.q3, q[3].med);
	}
	for (int k = SYSCOUNT; k <= BPFTRACE; k++) {
		if (!m->taken[k])
			continue;
		q[0] = paired(m, REC_BTF, NONE, k, NONE);
		q[3] = paired(m, FLOOR_BTF, NONE, k, NONE);
		printf("recorder / %s (added costs): %.2f [%.2f, %.2f] over %lu runs; the empty program alone: %.2f\n",
		       k == SYSCOUNT ? "syscount" : "bpftrace", q[0].med, q[0].q1, q[0].q3, q[0].m,
		       q[3].med);
	}
}

void micro__run(struct sc_micro *m)
{
	measure_all(m);
	print_all(m);
}

/* proof that the measured path counted: every getppid of the recorder's runs */
int micro__check(struct sc_micro *m)
{
	static const struct {
		enum cfg cfg;
		int rec;	/* its recorder, or -1 - its reference program */
	} which[] = {
		{ REC_BTF, SC_BENCH_REC_BTF },
		{ REC_RAW, SC_BENCH_REC_RAW },
		{ REC_MANY, SC_BENCH_REC_MANY },
		{ PREV_BTF, -1 - SC_REF_PREVIOUS },
		{ REF_CGS, -1 - SC_REF_CGRP_STORAGE },
	};
	struct sc_bench *b = m->b;
	int ret = 0, err;

	if (m->getppid_nr < 0) {
		sc_err("getppid: no syscall number for this architecture");
		return -ENOSYS;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(which); i++) {
		enum cfg k = which[i].cfg;
		int rec = which[i].rec;
		/* REC_BTF's recorder also ran under the allowing filter (FA_REC) */
		unsigned long want = m->n * (m->taken[k] + (k == REC_BTF ? m->taken[FA_REC] : 0));
		uint64_t got;

		if (!m->taken[k])
			continue;
		err = rec >= 0 ? recorder__read(b->rec[rec], b->slot[rec], m->t)
			       : refprog__read(b->ref[-1 - rec], b->cg, m->t);
		if (err) {
			sc_err("cannot read counters: %s", strerror(-err));
			ret = ret ?: err;
			continue;
		}
		/* the worker's calls are under its filter: the other phase row */
		got = m->t->n[SC_UNFILTERED][SC_ABI_NATIVE][m->getppid_nr] +
		      m->t->n[SC_FILTERED][SC_ABI_NATIVE][m->getppid_nr];
		printf("check: %s counted %llu getppid calls (%lu issued while attached)%s\n",
		       cfgs[k].name, (unsigned long long)got, want,
		       got >= want ? "" : "  <- MISSING CALLS");
		if (got < want)
			ret = ret ?: -ENODATA;
	}
	return ret;
}
