/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef SC_BENCH_H
#define SC_BENCH_H

#include <stdbool.h>

#define SC_BENCH_MANY	1000	/* "1,000 live cgroups tracked" */

/* What `syscensus bench` was asked to measure (its options). */
struct sc_bench_opts {
	unsigned long calls;	/* -n: getppid() calls per configuration and run */
	unsigned long runs;	/* -r: interleaved runs */
	bool tools;		/* syscount, bpftrace, strace where installed (--no-tools: false) */
	bool macro;		/* --macro: nginx serving wrk */
	unsigned agent_secs;	/* --agent-cost: seconds of the agent to measure, 0 for none */
	unsigned churn_secs;	/* --churn: seconds of cgroup churn under that agent, 0 for none */
};

/*
 * Measure, print the tables on stdout, check that the recorder counted every timed call.
 * Returns 0, or -errno when the set-up failed or a counter missed calls (said on stderr
 * or in a "check:" line).
 */
int bench__run(const struct sc_bench_opts *o);

#endif
