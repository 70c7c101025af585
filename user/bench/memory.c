// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The recorder's kernel memory: every map as the kernel counts it (fdinfo memlock,
 * map_mem_usage), then the same layout at 1,024 tracked cgroups for 8, 64 and 128
 * possible CPUs, beside the previous design's layout and the peers' published
 * figures. The projection multiplies the kernel's own bytes per entry (and per CPU for
 * the per-CPU maps) measured here; nothing is a count of our own struct sizes alone.
 */
#include <stdio.h>
#include <string.h>

#include "bench/internal.h"
#include "lib/util.h"

#define AT_CGROUPS	1024

static const int cpu_counts[] = { 8, 64, 128 };

/* What a map costs, from the kernel's figure here: fixed part, per entry, per entry and CPU. */
struct map_cost {
	double fixed, per_entry, per_entry_cpu;
};

/*
 * The kernel's bytes for @m on @ncpus CPUs, split by the map's kind: the table and the
 * counters grow with the cgroups (the counters with the CPUs too), the argument map with
 * the cgroups (SC_ARGS_PER_SLOT entries each), the memo with the CPUs, the ring buffer,
 * the denial map and .bss stay as they are.
 */
static struct map_cost cost_of(const struct sc_map_mem *m, int ncpus)
{
	struct map_cost c = {};
	double b = (double)m->bytes;

	if (!strcmp(m->name, "counts"))
		c.per_entry_cpu = b / m->max_entries / ncpus;
	else if (!strcmp(m->name, "cgroups"))
		c.per_entry = b / m->max_entries;
	else if (!strcmp(m->name, "args") && m->max_entries > 1)
		c.per_entry = b / m->max_entries * SC_ARGS_PER_SLOT;
	else if (!strcmp(m->name, "memo"))
		c.fixed = b / ncpus;	/* per CPU: multiplied below like a per-CPU map of one entry */
	else
		c.fixed = b;
	return c;
}

static double at(const struct map_cost *c, const char *name, int cgroups, int cpus)
{
	if (!strcmp(name, "memo"))
		return c->fixed * cpus;
	return c->fixed + c->per_entry * cgroups + c->per_entry_cpu * cgroups * cpus;
}

/* The kernel's figures for every map of @r. Returns the total. */
static double kernel_table(const struct sc_recorder *r, struct sc_map_mem *m)
{
	uint64_t total = recorder__memory(r, m);

	printf("\nmemory: BPF maps of the recorder as the kernel counts them (fdinfo memlock), %d CPUs here\n",
	       recorder__ncpus(r));
	printf("  %-8s %9s %8s %14s\n", "map", "entries", "value", "bytes");
	for (int i = 0; i < SC_RECORDER_MAPS; i++)
		printf("  %-8s %9u %8u %14llu%s\n", m[i].name, m[i].max_entries, m[i].value_size,
		       (unsigned long long)m[i].bytes, m[i].per_cpu ? "  (per CPU)" : "");
	printf("  %-8s %9s %8s %14llu\n", "total", "", "", (unsigned long long)total);
	return (double)total;
}

static double args_cost(const struct map_cost *c, const struct sc_map_mem *m)
{
	for (int i = 0; i < SC_RECORDER_MAPS; i++)
		if (!strcmp(m[i].name, "args"))
			return c[i].per_entry;
	return 0;
}

void memory__print(struct sc_bench *b)
{
	const struct sc_recorder *r = b->rec[SC_BENCH_REC_DENY] ? b->rec[SC_BENCH_REC_DENY] : b->rec[SC_BENCH_REC_MANY];
	struct sc_map_mem m[SC_RECORDER_MAPS], many[SC_RECORDER_MAPS];
	int ncpus = recorder__ncpus(r);
	struct map_cost c[SC_RECORDER_MAPS];
	double per_cgroup128, shared, per_cpu;

	/* the recorder with denials (it has every map), sized like the agent's for the table */
	kernel_table(b->rec[SC_BENCH_REC_MANY], many);
	recorder__memory(r, m);
	for (int i = 0; i < SC_RECORDER_MAPS; i++)
		c[i] = cost_of(!strcmp(m[i].name, "cgroups") || !strcmp(m[i].name, "counts") ||
				       !strcmp(m[i].name, "args") ? &many[i] : &m[i],
			       ncpus);
	printf("at %d tracked cgroups, from the kernel's bytes per entry and CPU measured here:\n", AT_CGROUPS);
	printf("  %-44s %10s %10s %10s\n", "", "8 CPUs", "64 CPUs", "128 CPUs");
	printf("  %-44s", "syscensus (MiB, every map)");
	for (size_t k = 0; k < ARRAY_SIZE(cpu_counts); k++) {
		double t = 0;

		for (int i = 0; i < SC_RECORDER_MAPS; i++)
			t += at(&c[i], m[i].name, AT_CGROUPS, cpu_counts[k]);
		printf(" %10.1f", t / 1048576);
	}
	/* the previous design: dense 64-bit counters per key, 8-byte table entries, same other maps */
	printf("\n  %-44s", "previous design (MiB, every map)");
	for (size_t k = 0; k < ARRAY_SIZE(cpu_counts); k++) {
		double t = (double)AT_CGROUPS * cpu_counts[k] * sizeof(struct sc_dense_counts) +
			   (double)AT_CGROUPS * sizeof(uint64_t);

		for (int i = 0; i < SC_RECORDER_MAPS; i++)
			if (strcmp(m[i].name, "counts") && strcmp(m[i].name, "cgroups"))
				t += at(&c[i], m[i].name, AT_CGROUPS, cpu_counts[k]);
		printf(" %10.1f", t / 1048576);
	}
	per_cgroup128 = shared = per_cpu = 0;
	for (int i = 0; i < SC_RECORDER_MAPS; i++) {
		shared += c[i].per_entry;
		per_cpu += c[i].per_entry_cpu;
	}
	per_cgroup128 = shared + per_cpu * 128;
	printf("\nper tracked cgroup: %.1f KiB at 128 CPUs (%.0f bytes shared, of them %.0f for argument values; %.0f per "
	       "CPU); previous design %.1f KiB (%zu per CPU)\n", per_cgroup128 / 1024, shared, args_cost(c, m), per_cpu,
	       (128.0 * sizeof(struct sc_dense_counts) + 8) / 1024,
	       sizeof(struct sc_dense_counts));
	printf("peers, per container whatever the CPU count: Security Profiles Operator 1 KiB (u8[1024] per "
	       "mount namespace), Inspektor Gadget 501 B (their published layouts; both keep the set, no counts)\n");
	if (b->ref[SC_REF_PREVIOUS])
		printf("(the previous design's own program here: %llu bytes for %d slots on %d CPUs, as the kernel counts)\n",
		       (unsigned long long)refprog__memory(b->ref[SC_REF_PREVIOUS]), SC_PROBES, ncpus);
}
