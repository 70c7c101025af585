// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus bench: what the recorder adds to a syscall, side by side with the floor of
 * the design (an empty program on the same hook) and with the tools users would pick
 * instead (libbpf-tools syscount, bpftrace, strace), in one run, interleaved, medians.
 * The process runs in a tracked cgroup, so the full hot path is measured; the counters
 * are checked afterwards to prove it ran. Nothing here passes or fails on a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include <seccomp.h>

#include "record/cgroup.h"
#include "cmd/cmds.h"
#include "record/recorder.h"
#include "record/refprog.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"

#define MANY 1000	/* "1,000 live cgroups tracked" */
#define TOOL_RUNS 7	/* external tools take seconds to start: measured in the first runs only */

enum cfg {
	NONE, FLOOR_BTF, REC_BTF, REC_MANY, REF_CGS, FLOOR_RAW, REC_RAW, REC_DENY,
	FA_NONE, FA_FLOOR, FA_REC, FA_DENY, FD_NONE, FD_REC, FD_DENY,
	SYSCOUNT, BPFTRACE, STRACE, NCFG
};

/* what is attached for a configuration */
enum att { AT_NONE, AT_FLOOR_BTF, AT_FLOOR_RAW, AT_REF_CGS, AT_REC_BTF, AT_REC_RAW, AT_REC_MANY, AT_REC_DENY, AT_TOOL };
/* who runs the loop: this process (no filter), or a child under a filter that allows or denies getppid */
enum who { SELF, FILTER_ALLOWS, FILTER_DENIES };

static const struct {
	const char *name;
	enum cfg base;		/* added cost = this - base */
	enum cfg floor;		/* whose added cost the ratio divides by */
	unsigned div;		/* fewer calls for slow configurations */
	enum att att;
	enum who who;
} cfgs[NCFG] = {
	[NONE] = { "nothing attached", NONE, NONE, 1, AT_NONE, SELF },
	[FLOOR_BTF] = { "empty tp_btf program (floor)", NONE, FLOOR_BTF, 1, AT_FLOOR_BTF, SELF },
	[REC_BTF] = { "syscensus, tp_btf, 1 cgroup tracked", NONE, FLOOR_BTF, 1, AT_REC_BTF, SELF },
	[REC_MANY] = { "syscensus, tp_btf, 1,000 cgroups tracked", NONE, FLOOR_BTF, 1, AT_REC_MANY, SELF },
	[REF_CGS] = { "not taken: counters in cgroup local storage", NONE, FLOOR_BTF, 1, AT_REF_CGS, SELF },
	[FLOOR_RAW] = { "empty raw_tp program (fallback floor)", NONE, FLOOR_RAW, 1, AT_FLOOR_RAW, SELF },
	[REC_RAW] = { "syscensus, raw_tp fallback", NONE, FLOOR_RAW, 1, AT_REC_RAW, SELF },
	[REC_DENY] = { "syscensus --denials (+sys_exit), no filter", NONE, FLOOR_BTF, 1, AT_REC_DENY, SELF },
	[FA_NONE] = { "under a filter, allowed: nothing attached", FA_NONE, FLOOR_BTF, 1, AT_NONE, FILTER_ALLOWS },
	/* under a filter the hook costs differently (measured higher here): its own floor */
	[FA_FLOOR] = { "under a filter, allowed: empty program (floor)", FA_NONE, FA_FLOOR, 1, AT_FLOOR_BTF, FILTER_ALLOWS },
	[FA_REC] = { "under a filter, allowed: syscensus", FA_NONE, FA_FLOOR, 1, AT_REC_BTF, FILTER_ALLOWS },
	[FA_DENY] = { "under a filter, allowed: syscensus --denials", FA_NONE, FA_FLOOR, 1, AT_REC_DENY, FILTER_ALLOWS },
	[FD_NONE] = { "denied (EPERM): nothing attached", FD_NONE, FLOOR_BTF, 1, AT_NONE, FILTER_DENIES },
	[FD_REC] = { "denied (EPERM): syscensus", FD_NONE, FLOOR_BTF, 1, AT_REC_BTF, FILTER_DENIES },
	[FD_DENY] = { "denied (EPERM): syscensus --denials", FD_NONE, FLOOR_BTF, 1, AT_REC_DENY, FILTER_DENIES },
	[SYSCOUNT] = { "libbpf-tools syscount", NONE, FLOOR_BTF, 1, AT_TOOL, SELF },
	[BPFTRACE] = { "bpftrace @[cgroup, args->id] = count()", NONE, FLOOR_BTF, 1, AT_TOOL, SELF },
	[STRACE] = { "strace -f -c", NONE, FLOOR_BTF, 100, AT_TOOL, SELF },
};

/*
 * A child that runs the timed loop under a seccomp filter (which cannot be removed
 * once loaded, so not in this process): it reads a call count, answers ns per call.
 */
struct worker {
	pid_t pid;
	int to, from;
};

/* An external tracer, started for one measurement and stopped after it. */
struct tool {
	const char *const *argv;
	const char *ready;	/* printed once it is attached */
	pid_t pid;
	char out[64];		/* its output file */
};

static char self_pid[16];
/* line-buffered: syscount says it is ready on a stdout that is a file */
static const char *const argv_syscount[] = { "stdbuf", "-oL", "syscount", NULL };
static const char *const argv_bpftrace[] = {
	"bpftrace", "-e", "tracepoint:raw_syscalls:sys_enter { @[cgroup, args->id] = count(); }", NULL
};
static const char *const argv_strace[] = { "strace", "-f", "-c", "-p", self_pid, NULL };

static double loop_ns(unsigned long n)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
}

static int worker_start(struct worker *w, enum who who)
{
	int to[2], from[2];
	scmp_filter_ctx f;

	if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
		return -errno;
	w->pid = fork();
	if (w->pid < 0)
		return -errno;
	if (w->pid == 0) {
		unsigned long n;
		double ns;

		close(to[1]);
		close(from[0]);
		/* allow everything; refuse acct (never called) or getppid (the loop) */
		f = seccomp_init(SCMP_ACT_ALLOW);
		if (!f || seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), who == FILTER_DENIES ? SCMP_SYS(getppid)
											: SCMP_SYS(acct), 0) ||
		    seccomp_load(f))
			_exit(1);
		seccomp_release(f);
		while (read(to[0], &n, sizeof(n)) == sizeof(n) && n) {
			ns = loop_ns(n);
			if (write(from[1], &ns, sizeof(ns)) != sizeof(ns))
				_exit(1);
		}
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	w->to = to[1];
	w->from = from[0];
	return 0;
}

static double worker_loop(struct worker *w, unsigned long n)
{
	double ns = -1;

	if (write(w->to, &n, sizeof(n)) != sizeof(n) || read(w->from, &ns, sizeof(ns)) != sizeof(ns))
		return -1;
	return ns;
}

static void worker_stop(struct worker *w)
{
	unsigned long zero = 0;

	if (w->pid <= 0)
		return;
	if (write(w->to, &zero, sizeof(zero)) < 0)
		kill(w->pid, SIGKILL);
	close(w->to);
	close(w->from);
	waitpid(w->pid, NULL, 0);
	w->pid = 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Lower quartile, median and upper quartile of the @m values of @v (sorted in place). */
struct quart {
	double q1, med, q3;
	unsigned long m;
};

static struct quart quartiles(double *v, unsigned long m)
{
	struct quart q = { NAN, NAN, NAN, m };

	if (!m)
		return q;
	qsort(v, m, sizeof(double), cmp_double);
	q.q1 = v[(m - 1) / 4];
	q.med = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
	q.q3 = v[(3 * (m - 1) + 3) / 4];
	return q;
}

/*
 * Per run, paired: @k's cost minus @base's (if @base >= 0), divided (if @per >= 0) by
 * @per's minus @per_base's, all measured in the same run; quartiles over the runs. Pairing
 * cancels what drifts between runs (here "nothing attached" moves by 15% from one
 * invocation to the next), which medians taken apart do not.
 */
static struct quart paired(double *const *s, unsigned long runs, int k, int base, int per, int per_base,
			   double *scratch)
{
	unsigned long m = 0;

	for (unsigned long r = 0; r < runs; r++) {
		double d = s[k][r] - (base < 0 ? 0 : s[base][r]), f = per < 0 ? 1 : s[per][r] - s[per_base][r];

		if (!isnan(d) && !isnan(f) && f > 0)
			scratch[m++] = d / f;
	}
	return quartiles(scratch, m);
}

static int write_pid(const char *cgroup_dir, pid_t pid)
{
	char file[PATH_MAX], buf[24];
	int fd, n, ret = 0;

	snprintf(file, sizeof(file), "%s/cgroup.procs", cgroup_dir);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	if (write(fd, buf, n) != n)
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

static void tool_stop(struct tool *t)
{
	if (t->pid <= 0)
		return;
	kill(t->pid, SIGINT);
	waitpid(t->pid, NULL, 0);
	t->pid = 0;
	unlink(t->out);
}

/* Start the tool and wait (at most 30 s) until it says it is attached. */
static int tool_start(struct tool *t, const char *cgroup_home)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int fd;

	snprintf(t->out, sizeof(t->out), "/tmp/syscensus-bench-tool.XXXXXX");
	fd = mkstemp(t->out);
	if (fd < 0)
		return -errno;
	t->pid = fork();
	if (t->pid < 0) {
		close(fd);
		return -errno;
	}
	if (t->pid == 0) {
		/* out of the measured cgroup: the tool's own calls are not the workload's */
		write_pid(cgroup_home, getpid());
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execvp(t->argv[0], (char *const *)t->argv);
		_exit(127);
	}
	close(fd);
	for (int i = 0; i < 1500; i++) {
		char *text = sc_read_file(t->out, 1 << 20, NULL);
		bool ready = text && strstr(text, t->ready);
		int st;

		free(text);
		if (ready) {
			nanosleep(&pause, NULL);
			return 0;
		}
		if (waitpid(t->pid, &st, WNOHANG) == t->pid) {
			t->pid = 0;
			unlink(t->out);
			return -ECHILD;
		}
		nanosleep(&pause, NULL);
	}
	{
		char *text = sc_read_file(t->out, 4096, NULL);

		sc_debug("%s: no \"%s\" after 30 s; it printed: %s", t->argv[0], t->ready, text ? text : "?");
		free(text);
	}
	tool_stop(t);
	return -ETIMEDOUT;
}

/*
 * Macro: nginx serving a 1 KiB file to wrk on loopback, requests per second with
 * nothing attached, with the empty program, with the recorder and with the agent
 * (its recorder, plus its userspace at a 1 s interval). nginx runs in the tracked
 * cgroup; wrk and the agent out of it.
 */
static int rm_tree(const char *p, const struct stat *st, int flag, struct FTW *f);

struct macro {
	char dir[64];
	pid_t nginx;
	int port;
};

static int macro_start(struct macro *m, const char *cg_tracked)
{
	char conf[PATH_MAX], file[PATH_MAX], text[1024];
	char page[1024];
	int fd, n;

	snprintf(m->dir, sizeof(m->dir), "/tmp/syscensus-macro.XXXXXX");
	if (!mkdtemp(m->dir))
		return -errno;
	m->port = 18000 + getpid() % 1000;
	memset(page, 'x', sizeof(page));
	snprintf(file, sizeof(file), "%s/f", m->dir);
	snprintf(conf, sizeof(conf), "%s/nginx.conf", m->dir);
	n = snprintf(text, sizeof(text),
		     "daemon off; master_process off; worker_processes 1; pid %s/pid; error_log %s/err;\n"
		     "events { worker_connections 256; }\n"
		     "http { access_log off; client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s;\n"
		     "  uwsgi_temp_path %s; scgi_temp_path %s;\n"
		     "  server { listen 127.0.0.1:%d; root %s; } }\n",
		     m->dir, m->dir, m->dir, m->dir, m->dir, m->dir, m->dir, m->port, m->dir);
	if ((fd = open(conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 || write(fd, text, n) != n) {
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	close(fd);
	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 ||
	    write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) {
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	close(fd);
	m->nginx = fork();
	if (m->nginx < 0)
		return -errno;
	if (m->nginx == 0) {
		int devnull = open("/dev/null", O_RDWR);

		write_pid(cg_tracked, getpid());
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execlp("nginx", "nginx", "-c", conf, "-e", "/dev/null", (char *)NULL);
		_exit(127);
	}
	usleep(300 * 1000);
	return waitpid(m->nginx, NULL, WNOHANG) == 0 ? 0 : -ECHILD;
}

static void macro_stop(struct macro *m)
{
	if (m->nginx > 0) {
		kill(m->nginx, SIGTERM);
		waitpid(m->nginx, NULL, 0);
	}
	if (m->dir[0])
		nftw(m->dir, rm_tree, 8, FTW_DEPTH | FTW_PHYS);
}

/* requests per second that wrk gets in @secs seconds, or -1 */
static double wrk_rps(const struct macro *m, const char *home, int secs)
{
	char url[64], dur[16], out[] = "/tmp/syscensus-wrk.XXXXXX", *text, *p;
	int fd = mkstemp(out), st;
	double rps = -1;
	pid_t pid;

	if (fd < 0)
		return -1;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/f", m->port);
	snprintf(dur, sizeof(dur), "%ds", secs);
	pid = fork();
	if (pid == 0) {
		write_pid(home, getpid());
		dup2(fd, 1);
		dup2(fd, 2);
		execlp("wrk", "wrk", "-t1", "-c16", "-d", dur, url, (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    (text = sc_read_file(out, 1 << 20, NULL))) {
		if ((p = strstr(text, "Requests/sec:")))
			rps = strtod(p + 13, NULL);
		free(text);
	}
	unlink(out);
	return rps;
}

static int rm_tree(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

/* utime+stime in clock ticks and resident KiB of @pid */
static int proc_usage(pid_t pid, unsigned long long *ticks, unsigned long *rss_kb, unsigned long *hwm_kb)
{
	char path[64], *text, *p;
	unsigned long long ut = 0, st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = sc_read_file(path, 4096, NULL);
	if (!text)
		return -errno;
	p = strrchr(text, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
		free(text);
		return -EINVAL;
	}
	free(text);
	*ticks = ut + st;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	text = sc_read_file(path, 1 << 16, NULL);
	if (!text)
		return -errno;
	*rss_kb = (p = strstr(text, "VmRSS:")) ? strtoul(p + 6, NULL, 10) : 0;
	*hwm_kb = (p = strstr(text, "VmHWM:")) ? strtoul(p + 6, NULL, 10) : 0;
	free(text);
	return 0;
}

/*
 * The agent's own cost: this binary's agent, default interval, its own state and pin
 * directories, with every live cgroup of the host (the MANY ones included) tracked.
 */
static void agent_cost(unsigned secs, const char *home)
{
	char dir[] = "/tmp/syscensus-bench-agent.XXXXXX", pin[80], self[PATH_MAX];
	unsigned long long t0 = 0, t1 = 0;
	unsigned long rss = 0, hwm = 0;
	struct timespec a, b, settle = { 12, 0 };
	ssize_t n;
	pid_t pid;

	if (!mkdtemp(dir) || (n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		sc_warn("agent cost: cannot prepare: %s", strerror(errno));
		return;
	}
	self[n] = '\0';
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/syscensus-bench-%d", (int)getpid());
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		write_pid(home, getpid());
		dup2(devnull, 1);
		dup2(devnull, 2);
		execl(self, "syscensus", "agent", "--state-dir", dir, "--pin-dir", pin, "--capacity", "2048",
		      (char *)NULL);
		_exit(127);
	}
	if (pid < 0)
		return;
	nanosleep(&settle, NULL);	/* start-up walk and first write out of the measure */
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (proc_usage(pid, &t0, &rss, &hwm) == 0) {
		struct timespec d = { secs, 0 };

		nanosleep(&d, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (proc_usage(pid, &t1, &rss, &hwm) == 0)
			printf("\nagent: %.3f%% of one core over %.0f s at the default interval, %lu KiB resident "
			       "(peak %lu KiB), with every cgroup of the host tracked (%d+); BPF counters: %zu bytes "
			       "per tracked cgroup and CPU\n",
			       (double)(t1 - t0) / sysconf(_SC_CLK_TCK) /
				       ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9) * 100,
			       (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9, rss, hwm, MANY,
			       sizeof(struct sc_counts));
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	recorder__unpin(pin);
	nftw(dir, rm_tree, 8, FTW_DEPTH | FTW_PHYS);
}

static bool have(const char *prog)
{
	char *p = sc_resolve_command(prog);

	free(p);
	return p != NULL;
}

int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "calls", required_argument, NULL, 'n' },
		{ "runs", required_argument, NULL, 'r' },
		{ "no-tools", no_argument, NULL, 'T' },
		{ "macro", no_argument, NULL, 'M' },
		{ "agent-cost", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sc_recorder_opts ro = { .capacity = SC_PROBES };
	struct sc_recorder *rec[4] = {};	/* tp_btf, raw_tp, tp_btf with MANY cgroups, tp_btf + denials */
	struct worker workers[3] = {};
	struct sc_refprog *ref[3] = {};	/* SC_REF_EMPTY_BTF, SC_REF_EMPTY_RAW, SC_REF_CGRP_STORAGE */
	struct tool tools[NCFG] = {
		[SYSCOUNT] = { argv_syscount, "Ctrl+C" },
		[BPFTRACE] = { argv_bpftrace, "Attaching" },
		[STRACE] = { argv_strace, "attached" },
	};
	double *samples[NCFG] = {}, *scratch = NULL;	/* samples[k][run]: NAN when not measured */
	unsigned long n = 200000, runs = 31, taken[NCFG] = {};
	char mnt[PATH_MAX], cg[PATH_MAX], many[PATH_MAX], home_rel[PATH_MAX], home[PATH_MAX], sub[PATH_MAX + 16];
	struct sc_slot_counts *t = NULL;
	bool moved = false, made = false, enabled[NCFG], tools_on = true, macro_on = false;
	unsigned agent_secs = 0;
	int ret = SC_EXIT_FAIL, c, err, getppid_nr, made_many = 0;
	uint64_t v, cgid, id;
	uint32_t slot[4], s;
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
		case 'T':
			tools_on = false;
			break;
		case 'M':
			macro_on = true;
			break;
		case 'G':
			if (sc_parse_u64(optarg, 3600, &v) || v < 10) {
				sc_err("--agent-cost: expected 10 to 3600 seconds, not \"%s\"", optarg);
				return SC_EXIT_USAGE;
			}
			agent_secs = (unsigned)v;
			break;
		case 'h':
			printf("Usage: syscensus bench [-n CALLS] [-r RUNS] [--no-tools] [--macro] [--agent-cost SEC]\n"
			       "ns per getppid() with nothing attached, with an empty program on\n"
			       "raw_syscalls:sys_enter (the floor), with the recorder (1 and %d cgroups\n"
			       "tracked, tp_btf and raw_tp), and with syscount, bpftrace and strace -f -c\n"
			       "when installed (fewer calls for strace), and with the design the recorder\n"
			       "did not take (counters in cgroup local storage). Configurations interleaved,\n"
			       "each one's added cost and its ratio to the floor's paired within a run,\n"
			       "median and quartiles over the runs. Defaults: -n 200000 -r 31.\n"
			       "--macro: also nginx serving a 1 KiB file to wrk on loopback, requests/s with\n"
			       "nothing, the empty program, the recorder and the recorder with --denials.\n"
			       "--agent-cost SEC: run the agent (default interval) for SEC seconds with the\n"
			       "%d live cgroups and report its CPU and resident memory.\n", MANY, MANY);
			return SC_EXIT_OK;
		default:
			return SC_EXIT_USAGE;
		}
	}
	snprintf(self_pid, sizeof(self_pid), "%d", (int)getpid());
	for (int k = 0; k < NCFG; k++)
		enabled[k] = true;
	enabled[SYSCOUNT] = tools_on && have("syscount") && have("stdbuf");
	enabled[BPFTRACE] = tools_on && have("bpftrace");
	enabled[STRACE] = tools_on && have("strace");
	getppid_nr = syscall_nr(arch_native()->token, "getppid");
	t = calloc(1, sizeof(*t));
	scratch = calloc(runs, sizeof(double));
	for (int i = 0; i < NCFG; i++) {
		samples[i] = calloc(runs, sizeof(double));
		for (unsigned long r = 0; samples[i] && r < runs; r++)
			samples[i][r] = NAN;
	}
	for (int i = 0; i < NCFG; i++)
		if (!samples[i] || !t || !scratch) {
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
	    (size_t)snprintf(cg, sizeof(cg), "%s/syscensus-bench-%d", mnt, (int)getpid()) >= sizeof(cg) ||
	    (size_t)snprintf(many, sizeof(many), "%s-many", cg) >= sizeof(many)) {
		sc_err("cgroup path too long under %s", mnt);
		goto out;
	}
	if (mkdir(cg, 0755) < 0 || mkdir(many, 0755) < 0) {
		sc_err("cannot create cgroup %s: %s", cg, strerror(errno));
		goto out;
	}
	made = true;
	if ((err = cgroup__id(cg, &cgid)) || (err = write_pid(cg, getpid()))) {
		sc_err("cannot move into cgroup %s: %s", cg, strerror(-err));
		goto out;
	}
	moved = true;

	for (int m = 0; m < 4; m++) {
		ro.attach = m == 1 ? SC_ATTACH_RAW : SC_ATTACH_BTF;
		ro.capacity = m == 2 ? 2 * MANY : SC_PROBES;
		ro.watch_cgroups = ro.denials = m == 3;
		if (m < 2 && !(ref[m] = refprog__open(m ? SC_REF_EMPTY_RAW : SC_REF_EMPTY_BTF)))
			goto out;
		rec[m] = recorder__open(&ro);
		if (!rec[m])
			goto out;
		recorder__detach(rec[m]);
		if ((err = recorder__track(rec[m], cgid, &slot[m]))) {
			sc_err("cannot track the benchmark's cgroup: %s", strerror(-err));
			goto out;
		}
	}
	if (!recorder__denials(rec[3]))
		enabled[REC_DENY] = enabled[FA_DENY] = enabled[FD_DENY] = false;
	/* the design not taken, where the kernel has cgroup local storage (feature probe) */
	if (!refprog__supported(SC_REF_CGRP_STORAGE)) {
		printf("note: no BPF_MAP_TYPE_CGRP_STORAGE in this kernel: the cgroup storage row is left out\n");
		enabled[REF_CGS] = false;
	} else if (!(ref[2] = refprog__open(SC_REF_CGRP_STORAGE)) || (err = refprog__track(ref[2], cg))) {
		sc_warn("cannot set up the cgroup storage program: left out");
		enabled[REF_CGS] = false;
	}
	/* the workers start in this cgroup and on this CPU */
	for (int w = FILTER_ALLOWS; w <= FILTER_DENIES; w++)
		if ((err = worker_start(&workers[w], w))) {
			sc_err("cannot start a worker under a seccomp filter: %s", strerror(-err));
			goto out;
		}
	/* MANY - 1 more live cgroups, each tracked */
	for (int i = 0; i < MANY - 1; i++) {
		snprintf(sub, sizeof(sub), "%s/c%d", many, i);
		if (mkdir(sub, 0755) < 0 || cgroup__id(sub, &id) || recorder__track(rec[2], id, &s)) {
			sc_err("cannot create and track cgroup %s", sub);
			goto out;
		}
		made_many++;
	}

	printf("syscensus bench: getppid() x %lu per run (strace: / %u), %lu runs, configurations interleaved\n"
	       "(order reversed every other run); added costs and ratios are paired within each run,\n"
	       "then the median and quartiles [q1, q3] over the runs\n",
	       n, cfgs[STRACE].div, runs);
	loop_ns(n / 10 + 1);	/* warm up */
	for (unsigned long r = 0; r < runs; r++) {
		for (int i = 0; i < NCFG; i++) {
			int k = r % 2 ? NCFG - 1 - i : i;
			enum att at = cfgs[k].att;
			struct sc_recorder *rc = at == AT_REC_BTF ? rec[0] : at == AT_REC_RAW ? rec[1] :
						 at == AT_REC_MANY ? rec[2] : at == AT_REC_DENY ? rec[3] : NULL;
			struct sc_refprog *rp = at == AT_FLOOR_BTF ? ref[0] : at == AT_FLOOR_RAW ? ref[1] :
						at == AT_REF_CGS ? ref[2] : NULL;
			double ns;

			/* tools take seconds to start: the first runs only */
			if (!enabled[k] || (at == AT_TOOL && r >= TOOL_RUNS))
				continue;
			err = 0;
			if (rp)
				err = refprog__attach(rp);
			else if (rc)
				err = recorder__attach(rc);
			else if (at == AT_TOOL)
				err = tool_start(&tools[k], home);
			if (err) {
				sc_warn("cannot start \"%s\" (%s): left out", cfgs[k].name, strerror(-err));
				enabled[k] = false;
				continue;
			}
			if (cfgs[k].who == SELF)
				ns = loop_ns(n / cfgs[k].div + 1);
			else
				ns = worker_loop(&workers[cfgs[k].who], n);
			if (ns > 0) {
				samples[k][r] = ns;
				taken[k]++;
			}
			if (rp)
				refprog__detach(rp);
			else if (rc)
				recorder__detach(rc);
			else if (at == AT_TOOL)
				tool_stop(&tools[k]);
		}
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "\rrun %lu/%lu", r + 1, runs);
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r");
	printf("%-46s %8s %8s %21s %5s\n", "configuration", "ns/call", "added", "added/floor [q1, q3]", "runs");
	for (int k = 0; k < NCFG; k++) {
		struct quart ns, added, ratio;

		if (k == FA_NONE || k == FD_NONE)
			printf("%s\n", k == FA_NONE ? "-- a task under a seccomp filter that allows getppid:"
						     : "-- a task whose filter refuses getppid (EPERM):");
		ns = paired(samples, runs, k, -1, -1, 0, scratch);
		if (!ns.m) {
			printf("%-46s %8s %8s %21s %5s\n", cfgs[k].name, "-", "-", "-", "0");
			continue;
		}
		if ((int)cfgs[k].base == k) {
			printf("%-46s %8.1f %8s %21s %5lu\n", cfgs[k].name, ns.med, "-", "-", ns.m);
			continue;
		}
		added = paired(samples, runs, k, cfgs[k].base, -1, 0, scratch);
		ratio = paired(samples, runs, k, cfgs[k].base, cfgs[k].floor, cfgs[cfgs[k].floor].base, scratch);
		if (k == (int)cfgs[k].floor)
			printf("%-46s %8.1f %8.1f %21s %5lu\n", cfgs[k].name, ns.med, added.med, "1 (floor)", ns.m);
		else
			printf("%-46s %8.1f %8.1f %7.2f [%5.2f, %5.2f] %5lu\n", cfgs[k].name, ns.med, added.med,
			       ratio.med, ratio.q1, ratio.q3, ns.m);
		if (k == FD_DENY)
			printf("--\n");
	}
	{
		struct quart q[4];

		q[0] = paired(samples, runs, REC_BTF, NONE, FLOOR_BTF, NONE, scratch);
		q[1] = paired(samples, runs, REC_MANY, NONE, FLOOR_BTF, NONE, scratch);
		q[2] = paired(samples, runs, REC_RAW, NONE, FLOOR_RAW, NONE, scratch);
		printf("recorder / floor (added costs, paired medians): tp_btf %.2f, 1,000 cgroups %.2f, raw_tp %.2f\n",
		       q[0].med, q[1].med, q[2].med);
		for (int k = SYSCOUNT; k <= BPFTRACE; k++) {
			if (!taken[k])
				continue;
			q[0] = paired(samples, runs, REC_BTF, NONE, k, NONE, scratch);
			q[3] = paired(samples, runs, FLOOR_BTF, NONE, k, NONE, scratch);
			printf("recorder / %s (added costs): %.2f [%.2f, %.2f] over %lu runs; the empty program alone: %.2f\n",
			       k == SYSCOUNT ? "syscount" : "bpftrace", q[0].med, q[0].q1, q[0].q3, q[0].m, q[3].med);
		}
	}
	printf("memory: %zu bytes of counters per tracked cgroup and CPU, %d CPUs\n", sizeof(struct sc_counts),
	       libbpf_num_possible_cpus());

	/* proof that the measured path counted: every getppid of the recorder's runs */
	ret = SC_EXIT_OK;
	for (int m = 0; m < 4; m++) {
		static const enum cfg which[] = { REC_BTF, REC_RAW, REC_MANY, REF_CGS };
		/* REC_BTF's recorder also ran under the allowing filter (FA_REC) */
		unsigned long want = n * (taken[which[m]] + (m == 0 ? taken[FA_REC] : 0));
		uint64_t got;

		if (!taken[which[m]])
			continue;
		err = m < 3 ? recorder__read(rec[m], slot[m], t) : refprog__read(ref[2], cg, t);
		if (err) {
			sc_err("cannot read counters: %s", strerror(-err));
			ret = SC_EXIT_FAIL;
			continue;
		}
		/* the worker's calls are under its filter: the other phase row */
		got = t->n[SC_UNFILTERED][SC_ABI_NATIVE][getppid_nr] + t->n[SC_FILTERED][SC_ABI_NATIVE][getppid_nr];
		printf("check: %s counted %llu getppid calls (%lu issued while attached)%s\n",
		       cfgs[which[m]].name, (unsigned long long)got, want, got >= want ? "" : "  <- MISSING CALLS");
		if (got < want)
			ret = SC_EXIT_FAIL;
	}
	if (macro_on && ret == SC_EXIT_OK) {
		static const char *const mname[] = { "nothing attached", "empty tp_btf program (floor)",
						     "syscensus recorder (the agent's programs)",
						     "syscensus recorder + --denials" };
		struct macro m = {};
		double rps[4][16] = {}, mm[4];
		struct quart beyond;
		int mk = recorder__denials(rec[3]) ? 4 : 3;	/* configurations measured */
		unsigned long mruns = runs < 16 ? runs : 16;
		cpu_set_t all;

		if (!have("nginx") || !have("wrk")) {
			printf("macro: needs nginx and wrk (apt-get install nginx-light wrk)\n");
		} else if ((err = macro_start(&m, cg))) {
			sc_warn("macro: cannot start nginx: %s", strerror(-err));
		} else {
			/* nginx on one CPU and wrk on another: less scheduling noise than letting them mix */
			CPU_ZERO(&all);
			CPU_SET(0, &all);
			sched_setaffinity(m.nginx, sizeof(all), &all);
			CPU_ZERO(&all);
			CPU_SET(libbpf_num_possible_cpus() > 1 ? 1 : 0, &all);
			sched_setaffinity(0, sizeof(all), &all);
			wrk_rps(&m, home, 1);	/* warm up */
			for (unsigned long r = 0; r < mruns; r++)
				for (int i = 0; i < mk; i++) {
					int k = r % 2 ? mk - 1 - i : i;

					if (k == 1)
						refprog__attach(ref[0]);
					else if (k == 2)
						recorder__attach(rec[0]);
					else if (k == 3)
						recorder__attach(rec[3]);
					rps[k][r] = wrk_rps(&m, home, 3);
					refprog__detach(ref[0]);
					recorder__detach(rec[0]);
					recorder__detach(rec[3]);
				}
			printf("\nmacro: nginx, 1 KiB file, wrk -t1 -c16 3 s per run, %lu runs interleaved;\n"
			       "losses paired within each run, median and quartiles over the runs\n", mruns);
			printf("%-46s %12s %24s\n", "configuration", "requests/s", "loss % [q1, q3]");
			for (int k = 0; k < mk; k++) {
				struct quart q;

				for (unsigned long r = 0; r < mruns; r++)
					scratch[r] = (rps[0][r] - rps[k][r]) / rps[0][r] * 100;
				q = quartiles(scratch, mruns);
				memcpy(scratch, rps[k], mruns * sizeof(double));
				mm[k] = quartiles(scratch, mruns).med;
				if (k == 0)
					printf("%-46s %12.0f %24s\n", mname[k], mm[k], "-");
				else
					printf("%-46s %12.0f %7.2f [%6.2f, %6.2f]\n", mname[k], mm[k], q.med, q.q1, q.q3);
			}
			printf("loss beyond the empty program's, in points:");
			for (int k = 2; k < mk; k++) {
				for (unsigned long r = 0; r < mruns; r++)
					scratch[r] = (rps[1][r] - rps[k][r]) / rps[0][r] * 100;
				beyond = quartiles(scratch, mruns);
				printf("%s %.2f [%.2f, %.2f]", k == 2 ? " recorder" : ", with --denials", beyond.med,
				       beyond.q1, beyond.q3);
			}
			printf("\n");
		}
		macro_stop(&m);
	}
	if (agent_secs && ret == SC_EXIT_OK)
		agent_cost(agent_secs, home);
out:
	for (int k = 0; k < NCFG; k++)
		tool_stop(&tools[k]);
	for (int w = 0; w < 3; w++)
		worker_stop(&workers[w]);
	for (int m = 0; m < 4; m++)
		recorder__destroy(rec[m]);
	for (int m = 0; m < 3; m++)
		refprog__destroy(ref[m]);
	if (moved && (err = write_pid(home, getpid())))
		sc_warn("cannot move back to cgroup %s: %s", home, strerror(-err));
	for (int i = 0; i < made_many; i++) {
		snprintf(sub, sizeof(sub), "%s/c%d", many, i);
		rmdir(sub);
	}
	if (made && (rmdir(cg) < 0 || rmdir(many) < 0))
		sc_warn("cannot remove cgroup %s: %s", cg, strerror(errno));
	for (int i = 0; i < NCFG; i++)
		free(samples[i]);
	free(scratch);
	free(t);
	return ret;
}
