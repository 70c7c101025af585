// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus bench: what the recorder adds to a syscall, side by side with the floor of
 * the design (an empty program on the same hook) and with the tools users would pick
 * instead (libbpf-tools syscount, bpftrace, strace), in one run, interleaved, medians.
 * The process runs in a tracked cgroup, so the full hot path is measured; the counters
 * are checked afterwards to prove it ran. Nothing here passes or fails on a time.
 *
 * bench/ owns the measures and their statistics: this file the run and what all its
 * measures share (the CPU, the cgroups, the recorders and reference programs), micro.c
 * the ns per call of every configuration and the counter check, worker.c the timed loop
 * and the child under a seccomp filter, tools.c the external tracers, stats.c the
 * quartiles and paired ratios, macro.c nginx and wrk, agent_cost.c the agent's own cost.
 * It may call record/ (the programs, cgroups), seccomp/ (syscall numbers) and lib/;
 * commands call bench__run() only (bench.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/internal.h"
#include "record/cgroup.h"
#include "lib/util.h"

/* our cgroup v2 path relative to the mount, from "0::/path" in /proc/self/cgroup */
static int own_cgroup(char *buf, size_t len)
{
	char *text = sc_read_file("/proc/self/cgroup", 65536, NULL), *p, *end;
	int ret = -ENOENT;

	if (!text)
		return -errno;
	/* the v2 line, wherever it is among the v1 ones of a hybrid host */
	for (p = text; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "\n");
		if (strncmp(p, "0::", 3))
			continue;
		*end = '\0';
		ret = (size_t)snprintf(buf, len, "%s", p + 3) < len ? 0 : -ENAMETOOLONG;
		break;
	}
	free(text);
	return ret;
}

/* One CPU, and a tracked cgroup of our own, with the parent of the many beside it. */
static int env_setup(struct sc_bench *b)
{
	char rel[PATH_MAX];
	cpu_set_t cpus;
	int err;

	/* one CPU: the comparison should not depend on migrations */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
		sc_warn("cannot pin the bench to one CPU (migrations will add noise): %s",
			strerror(errno));

	if ((err = cgroup__v2_mount(b->mnt, sizeof(b->mnt))) ||
	    (err = own_cgroup(rel, sizeof(rel)))) {
		sc_err("no cgroup v2 hierarchy: %s", strerror(-err));
		return err;
	}
	if ((size_t)snprintf(b->home, sizeof(b->home), "%s%s", b->mnt, rel) >= sizeof(b->home) ||
	    (size_t)snprintf(b->cg, sizeof(b->cg), "%s/syscensus-bench-%d", b->mnt, (int)getpid()) >=
		    sizeof(b->cg) ||
	    (size_t)snprintf(b->many, sizeof(b->many), "%s-many", b->cg) >= sizeof(b->many)) {
		sc_err("cgroup path too long under %s", b->mnt);
		return -ENAMETOOLONG;
	}
	if (mkdir(b->cg, 0755) < 0) {
		err = -errno;
		sc_err("cannot create cgroup %s: %s", b->cg, strerror(-err));
		return err;
	}
	b->made_cg = true;
	if (mkdir(b->many, 0755) < 0) {
		err = -errno;
		sc_err("cannot create cgroup %s: %s", b->many, strerror(-err));
		return err;
	}
	b->made_many_dir = true;
	if ((err = cgroup__id(b->cg, &b->cgid)) || (err = bench__write_pid(b->cg, getpid()))) {
		sc_err("cannot move into cgroup %s: %s", b->cg, strerror(-err));
		return err;
	}
	b->moved = true;
	return 0;
}

/* The recorders and the floors, loaded, tracking our cgroup, detached. */
static int programs_open(struct sc_bench *b)
{
	struct sc_recorder_opts ro = { .capacity = SC_PROBES };
	int err;

	for (int m = 0; m < SC_BENCH_NREC; m++) {
		ro.attach = m == SC_BENCH_REC_RAW ? SC_ATTACH_RAW : SC_ATTACH_BTF;
		ro.capacity = m == SC_BENCH_REC_MANY ? 2 * SC_BENCH_MANY : SC_PROBES;
		ro.watch_cgroups = ro.denials = m == SC_BENCH_REC_DENY;
		ro.bench_stage = m >= SC_BENCH_REC_STAGE1 && m <= SC_BENCH_REC_STAGE8 ? 1 + m - SC_BENCH_REC_STAGE1 : 0;
		/* as the agent and record run (--args on), but for the --args off rows */
		ro.record_args = m == SC_BENCH_REC_BTF || m == SC_BENCH_REC_MANY || m == SC_BENCH_REC_DENY;
		/* the floors, one per hook: SC_REF_EMPTY_BTF, SC_REF_EMPTY_RAW */
		if (m < 2 && !(b->ref[m] = refprog__open(m ? SC_REF_EMPTY_RAW : SC_REF_EMPTY_BTF)))
			return errno ? -errno : -EINVAL;
		b->rec[m] = recorder__open(&ro);
		if (!b->rec[m])
			return errno ? -errno : -EINVAL;
		recorder__detach(b->rec[m]);
		if ((err = recorder__track(b->rec[m], b->cgid, &b->slot[m]))) {
			sc_err("cannot track the benchmark's cgroup: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}

/* The design not taken, where the kernel has cgroup local storage (feature probe). */
/* The previous design, beside the current one in the same run. */
static void previous_open(struct sc_bench *b)
{
	struct sc_refprog **p = &b->ref[SC_REF_PREVIOUS];

	if (!(*p = refprog__open(SC_REF_PREVIOUS)) || refprog__track(*p, b->cg)) {
		sc_warn("cannot set up the previous design's program: left out");
		refprog__destroy(*p);
		*p = NULL;
	}
}

static void cgrp_storage_open(struct sc_bench *b)
{
	struct sc_refprog **p = &b->ref[SC_REF_CGRP_STORAGE];

	if (!refprog__supported(SC_REF_CGRP_STORAGE)) {
		printf("note: no BPF_MAP_TYPE_CGRP_STORAGE in this kernel: the cgroup storage row is left out\n");
	} else if (!(*p = refprog__open(SC_REF_CGRP_STORAGE)) || refprog__track(*p, b->cg)) {
		sc_warn("cannot set up the cgroup storage program: left out");
		refprog__destroy(*p);
		*p = NULL;
	}
}

/* SC_BENCH_MANY - 1 more live cgroups, each tracked by the MANY recorder */
static int track_many(struct sc_bench *b)
{
	char sub[PATH_MAX + 96];
	uint64_t id;
	uint32_t s;
	int err;

	for (int i = 0; i < SC_BENCH_MANY - 1; i++) {
		/* named like a container's: the agent (--agent-cost) tracks them as it would containers */
		snprintf(sub, sizeof(sub), "%s/libpod-%064x", b->many, i);
		if (mkdir(sub, 0755) < 0) {
			err = -errno;
			goto fail;
		}
		b->made_many++;
		if ((err = cgroup__id(sub, &id)) ||
		    (err = recorder__track(b->rec[SC_BENCH_REC_MANY], id, &s)))
			goto fail;
	}
	return 0;
fail:
	sc_err("cannot create and track cgroup %s: %s", sub, strerror(-err));
	return err;
}

/* Everything env_setup, programs_open and track_many did, undone. */
static void env_teardown(struct sc_bench *b)
{
	char sub[PATH_MAX + 96];
	int err;

	for (int m = 0; m < SC_BENCH_NREC; m++)
		recorder__destroy(b->rec[m]);
	for (int m = 0; m < SC_BENCH_NREF; m++)
		refprog__destroy(b->ref[m]);
	if (b->moved && (err = bench__write_pid(b->home, getpid())))
		sc_warn("cannot move back to cgroup %s: %s", b->home, strerror(-err));
	for (int i = 0; i < b->made_many; i++) {
		snprintf(sub, sizeof(sub), "%s/libpod-%064x", b->many, i);
		rmdir(sub);
	}
	if (b->made_cg && rmdir(b->cg) < 0)
		sc_warn("cannot remove cgroup %s: %s", b->cg, strerror(errno));
	if (b->made_many_dir && rmdir(b->many) < 0)
		sc_warn("cannot remove cgroup %s: %s", b->many, strerror(errno));
}

int bench__run(const struct sc_bench_opts *o)
{
	struct sc_micro *m = NULL;
	struct sc_bench *b;
	int err;

	b = calloc(1, sizeof(*b));
	if (b) {
		b->o = o;
		m = micro__new(b);
	}
	if (!m) {
		sc_err("out of memory");
		err = -ENOMEM;
		goto cleanup;
	}
	if ((err = env_setup(b)) || (err = programs_open(b)))
		goto cleanup;
	cgrp_storage_open(b);
	previous_open(b);
	if ((err = micro__start(m)) || (err = track_many(b)))
		goto cleanup;
	micro__run(m);
	memory__print(b);
	err = micro__check(m);
	if (err)
		goto cleanup;
	if (o->macro)
		macro__run(b);
	if (o->agent_secs)
		agent_cost__run(b);
cleanup:
	micro__free(m);
	if (b)
		env_teardown(b);
	free(b);
	return err;
}
