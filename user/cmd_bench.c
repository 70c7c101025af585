// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus bench: what the recorder adds to a syscall, side by side with the floor of
 * the design (an empty program on the same hook), in one run, interleaved, medians.
 * The process runs in a tracked cgroup, so the full hot path is measured (table hit,
 * counter increment); the counters are checked afterwards to prove it ran.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmds.h"
#include "recorder.h"
#include "syscalls.h"
#include "util.h"

enum cfg { NONE, FLOOR_BTF, REC_BTF, FLOOR_RAW, REC_RAW, NCFG };

static const char *const cfg_name[NCFG] = {
	[NONE] = "nothing attached",
	[FLOOR_BTF] = "empty tp_btf program (floor)",
	[REC_BTF] = "syscensus recorder, tp_btf",
	[FLOOR_RAW] = "empty raw_tp program (fallback floor)",
	[REC_RAW] = "syscensus recorder, raw_tp fallback",
};

static double loop_ns(unsigned long n)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int move_self(const char *cgroup_dir)
{
	char file[PATH_MAX], pid[24];
	int fd, n, ret = 0;

	snprintf(file, sizeof(file), "%s/cgroup.procs", cgroup_dir);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (write(fd, pid, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

/* our cgroup v2 path relative to the mount, from "0::/path" in /proc/self/cgroup */
static int own_cgroup(char *buf, size_t len)
{
	char *text = sc_read_file("/proc/self/cgroup", 65536, NULL), *p;
	int ret = -ENOENT;

	if (!text)
		return -errno;
	p = strstr(text, "0::");
	if (p && (p == text || p[-1] == '\n')) {
		p += 3;
		p[strcspn(p, "\n")] = '\0';
		ret = (size_t)snprintf(buf, len, "%s", p) < len ? 0 : -ENAMETOOLONG;
	}
	free(text);
	return ret;
}

int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "calls", required_argument, NULL, 'n' },
		{ "runs", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sc_recorder_opts ro = { .capacity = SC_PROBES };
	struct sc_recorder *rec[2] = {};
	struct sc_floor *floor[2] = {};
	double *samples[NCFG] = {}, med[NCFG];
	char mnt[PATH_MAX], cg[PATH_MAX], home_rel[PATH_MAX], home[PATH_MAX];
	unsigned long n = 2000000, runs = 7;
	struct sc_slot_counts *t = NULL;
	bool moved = false, made = false;
	int ret = SC_EXIT_FAIL, c, err, getppid_nr;
	uint64_t v, cgid;
	uint32_t slot[2];
	cpu_set_t cpus;

	while ((c = getopt_long(argc, argv, "n:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 'r':
			if (sc_parse_u64(optarg, 1000000000, &v) || v == 0) {
				sc_err("-%c: expected a positive number, not \"%s\"", c, optarg);
				return SC_EXIT_USAGE;
			}
			*(c == 'n' ? &n : &runs) = v;
			break;
		case 'h':
			printf("Usage: syscensus bench [-n CALLS] [-r RUNS]\n"
			       "ns per getppid() with nothing attached, with an empty program on\n"
			       "raw_syscalls:sys_enter (the floor) and with the recorder, interleaved;\n"
			       "prints medians and the ratio of added costs (recorder/floor).\n");
			return SC_EXIT_OK;
		default:
			return SC_EXIT_USAGE;
		}
	}
	getppid_nr = syscall_nr(arch_native()->token, "getppid");
	t = calloc(1, sizeof(*t));
	for (int i = 0; i < NCFG; i++)
		samples[i] = calloc(runs, sizeof(double));
	for (int i = 0; i < NCFG; i++)
		if (!samples[i] || !t) {
			sc_err("out of memory");
			goto out;
		}
	/* one CPU: the comparison should not depend on migrations */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	if ((err = cgroup__v2_mount(mnt, sizeof(mnt))) || (err = own_cgroup(home_rel, sizeof(home_rel)))) {
		sc_err("no cgroup v2 hierarchy: %s", strerror(-err));
		goto out;
	}
	if ((size_t)snprintf(home, sizeof(home), "%s%s", mnt, home_rel) >= sizeof(home) ||
	    (size_t)snprintf(cg, sizeof(cg), "%s/syscensus-bench-%d", mnt, (int)getpid()) >= sizeof(cg)) {
		sc_err("cgroup path too long under %s", mnt);
		goto out;
	}
	if (mkdir(cg, 0755) < 0) {
		sc_err("cannot create cgroup %s: %s", cg, strerror(errno));
		goto out;
	}
	made = true;
	if ((err = cgroup__id(cg, &cgid)) || (err = move_self(cg))) {
		sc_err("cannot move into cgroup %s: %s", cg, strerror(-err));
		goto out;
	}
	moved = true;

	for (int m = 0; m < 2; m++) {
		ro.attach = m == 0 ? SC_ATTACH_BTF : SC_ATTACH_RAW;
		floor[m] = floor__open(ro.attach);
		rec[m] = recorder__open(&ro);
		if (!floor[m] || !rec[m])
			goto out;
		recorder__detach(rec[m]);
		if ((err = recorder__track(rec[m], cgid, &slot[m]))) {
			sc_err("cannot track the benchmark's cgroup: %s", strerror(-err));
			goto out;
		}
	}

	printf("syscensus bench: getppid() x %lu per run, %lu runs interleaved, median ns per call\n",
	       n, runs);
	loop_ns(n / 10 + 1);	/* warm up */
	for (unsigned long r = 0; r < runs; r++) {
		for (int k = 0; k < NCFG; k++) {
			err = 0;
			if (k == FLOOR_BTF || k == FLOOR_RAW)
				err = floor__attach(floor[k == FLOOR_RAW]);
			else if (k == REC_BTF || k == REC_RAW)
				err = recorder__attach(rec[k == REC_RAW]);
			if (err) {
				sc_err("cannot attach for \"%s\": %s", cfg_name[k], strerror(-err));
				goto out;
			}
			samples[k][r] = loop_ns(n);
			if (k == FLOOR_BTF || k == FLOOR_RAW)
				floor__detach(floor[k == FLOOR_RAW]);
			else if (k == REC_BTF || k == REC_RAW)
				recorder__detach(rec[k == REC_RAW]);
		}
	}
	for (int k = 0; k < NCFG; k++) {
		qsort(samples[k], runs, sizeof(double), cmp_double);
		med[k] = samples[k][runs / 2];
	}
	printf("%-40s %9s %9s %12s\n", "configuration", "ns/call", "added", "added/floor");
	for (int k = 0; k < NCFG; k++) {
		double added = med[k] - med[NONE];
		int fl = k >= FLOOR_RAW ? FLOOR_RAW : FLOOR_BTF;

		if (k == NONE)
			printf("%-40s %9.1f %9s %12s\n", cfg_name[k], med[k], "-", "-");
		else
			printf("%-40s %9.1f %9.1f %12.2f\n", cfg_name[k], med[k], added,
			       added / (med[fl] - med[NONE]));
	}
	printf("ratio of added costs, recorder/floor: tp_btf %.2f, raw_tp %.2f\n",
	       (med[REC_BTF] - med[NONE]) / (med[FLOOR_BTF] - med[NONE]),
	       (med[REC_RAW] - med[NONE]) / (med[FLOOR_RAW] - med[NONE]));

	/* proof that the measured path counted: every getppid of the recorder's runs */
	ret = SC_EXIT_OK;
	for (int m = 0; m < 2; m++) {
		if ((err = recorder__read(rec[m], slot[m], t))) {
			sc_err("cannot read counters: %s", strerror(-err));
			ret = SC_EXIT_FAIL;
			continue;
		}
		printf("check: %s recorder counted %llu getppid calls (%lu issued while attached)%s\n",
		       m ? "raw_tp" : "tp_btf", (unsigned long long)t->n[SC_UNFILTERED][SC_ABI_NATIVE][getppid_nr],
		       n * runs, t->n[SC_UNFILTERED][SC_ABI_NATIVE][getppid_nr] >= n * runs ? "" : "  <- MISSING CALLS");
		if (t->n[SC_UNFILTERED][SC_ABI_NATIVE][getppid_nr] < n * runs)
			ret = SC_EXIT_FAIL;
	}
out:
	for (int m = 0; m < 2; m++) {
		recorder__destroy(rec[m]);
		floor__destroy(floor[m]);
	}
	if (moved && (err = move_self(home)))
		sc_warn("cannot move back to cgroup %s: %s", home, strerror(-err));
	if (made && rmdir(cg) < 0)
		sc_warn("cannot remove cgroup %s: %s", cg, strerror(errno));
	for (int i = 0; i < NCFG; i++)
		free(samples[i]);
	free(t);
	return ret;
}
