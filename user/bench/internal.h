/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Between the files of bench/ (see bench.c); commands include bench.h only. */
#ifndef SC_BENCH_INTERNAL_H
#define SC_BENCH_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bench/bench.h"
#include "record/recorder.h"
#include "record/refprog.h"

/* The recorders of a run, by what they measure; the refprogs are indexed by enum sc_ref. */
enum sc_bench_rec {
	SC_BENCH_REC_BTF,	/* tp_btf, 1 cgroup tracked */
	SC_BENCH_REC_RAW,	/* raw_tp fallback */
	SC_BENCH_REC_MANY,	/* tp_btf with SC_BENCH_MANY cgroups tracked */
	SC_BENCH_REC_DENY,	/* tp_btf + denials */
	SC_BENCH_REC_STAGE1,	/* tp_btf stopped after a part of the path, or doing the least (bench_stage 1..8) */
	SC_BENCH_REC_STAGE8 = SC_BENCH_REC_STAGE1 + 7,
	SC_BENCH_REC_NOARGS,	/* tp_btf, --args off: no argument values kept */
	SC_BENCH_NREC,
};
#define SC_BENCH_NREF	SC_REFS	/* by enum sc_ref */

/* What a run sets up for all its measures (bench.c); torn down by bench__run. */
struct sc_bench {
	const struct sc_bench_opts *o;
	char mnt[PATH_MAX];	/* the cgroup v2 mount */
	char home[PATH_MAX];	/* the cgroup the bench started in: tools, wrk, the agent run there */
	char cg[PATH_MAX];	/* the tracked cgroup the bench, its workers and nginx run in */
	char many[PATH_MAX];	/* parent of the SC_BENCH_MANY - 1 other tracked cgroups */
	uint64_t cgid;		/* cg's id */
	bool made_cg, made_many_dir;	/* created, to remove */
	bool moved;		/* this process moved into cg, to move back */
	int made_many;		/* children of many created */
	struct sc_recorder *rec[SC_BENCH_NREC];	/* each tracks cg, none attached between measures */
	uint32_t slot[SC_BENCH_NREC];		/* cg's slot in each */
	struct sc_refprog *ref[SC_BENCH_NREF];	/* NULL when left out (cgroup storage) */
};

/* Move @pid into the cgroup v2 directory @cgroup_dir. Returns 0 or -errno. */
int bench__write_pid(const char *cgroup_dir, pid_t pid);
/*
 * In a child before exec: move into @cgroup_dir (out of the measured cgroup, or into it),
 * then @fd on stdout and stderr, and on stdin too when @in. Says what failed on stderr.
 * Returns 0 or -errno; the child then _exit()s.
 */
int bench__child_setup(const char *cgroup_dir, int fd, bool in);
/* Whether @prog is installed (in PATH). */
bool bench__have(const char *prog);


/* stats.c: lower quartile, median and upper quartile of @m values. */
struct sc_quart {
	double q1, med, q3;
	unsigned long m;
};
/* Quartiles of the @m values of @v (sorted in place); NAN for none. */
struct sc_quart stats__quartiles(double *v, unsigned long m);
/*
 * Per run, paired: @k's cost minus @base's (if @base >= 0), divided (if @per >= 0) by
 * @per's minus @per_base's, all of samples @s measured in the same run; quartiles over
 * the @runs runs (@scratch holds @runs values).
 */
struct sc_quart stats__paired(double *const *s, unsigned long runs, int k, int base, int per,
			      int per_base, double *scratch);

/* worker.c: ns per getppid() over @n calls, timed in this process. */
double bench__loop_ns(unsigned long n);
/* The same with prctl(PR_GET_DUMPABLE): a call whose argument record keeps. */
double bench__loop_prctl_ns(unsigned long n);

/*
 * Who runs the loop: this process (no filter), or a child under a filter that allows or
 * denies getppid.
 */
enum sc_bench_who { SC_BENCH_SELF, SC_BENCH_FILTER_ALLOWS, SC_BENCH_FILTER_DENIES };

/*
 * A child that runs the timed loop under a seccomp filter (which cannot be removed
 * once loaded, so not in this process): it reads a call count, answers ns per call.
 */
struct sc_worker {
	pid_t pid;
	int fd;		/* our end of the socket pair: call counts out, ns per call in */
};
/* Fork a worker in this cgroup and on this CPU, its filter loaded. Returns 0 or -errno. */
int worker__start(struct sc_worker *w, enum sc_bench_who who);
/* ns per call of @n calls in the worker, or -1. */
double worker__loop(struct sc_worker *w, unsigned long n);
/* Stop and reap the worker; a worker never started is left alone. */
void worker__stop(struct sc_worker *w);

/* tools.c: the tracers users would pick instead of syscensus. */
enum sc_bench_tool { SC_TOOL_SYSCOUNT, SC_TOOL_BPFTRACE, SC_TOOL_STRACE, SC_NTOOLS };

/* An external tracer, started for one measurement and stopped after it. */
struct sc_tool {
	enum sc_bench_tool which;
	pid_t pid;
	char out[64];		/* its output file */
};
/* Whether the tool and what it needs are installed. */
bool tool__available(enum sc_bench_tool which);
/* Start the tool out of the measured cgroup, in @home, and wait until it is attached. */
int tool__start(struct sc_tool *t, const char *home);
/* Stop and reap the tool, remove its output; a tool not running is left alone. */
void tool__stop(struct sc_tool *t);

/* micro.c: ns per getppid() for every configuration, interleaved; opaque. */
struct sc_micro;
/* NULL with errno set when memory runs out. */
struct sc_micro *micro__new(struct sc_bench *b);
/* Leave out what the run's programs cannot measure, start the workers. Returns 0 or -errno. */
int micro__start(struct sc_micro *m);
/* The interleaved runs, then the tables. */
void micro__run(struct sc_micro *m);
/* Whether the recorders counted every timed call. Returns 0 or -errno (said). */
int micro__check(struct sc_micro *m);
/* Stop the tools and workers, free; NULL is fine. */
void micro__free(struct sc_micro *m);

/* memory.c: every map's bytes as the kernel counts them, and the layout at 1,024 cgroups for 8-128 CPUs. */
void memory__print(struct sc_bench *b);

/*
 * macro.c: nginx serving wrk, nginx's CPU time per request and requests per second.
 * Never fails the run.
 */
void macro__run(struct sc_bench *b);
/*
 * agent_cost.c: the agent's CPU and memory for b->o->agent_secs, then under
 * b->o->churn_secs of container-like cgroups coming and going (its counts of their calls
 * checked). Never fails the run.
 */
void agent_cost__run(struct sc_bench *b);
/*
 * On-CPU ns of every thread of @pid so far (/proc/PID/task/TID/schedstat): finer than
 * the clock ticks of /proc/PID/stat. 0, -ESRCH or -errno.
 */
int bench__cpu_ns(pid_t pid, uint64_t *ns);

#endif
