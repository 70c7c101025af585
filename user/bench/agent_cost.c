// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's own cost: this binary's agent, default interval, its own state and pin
 * directories, with every live cgroup of the host (the SC_BENCH_MANY ones included)
 * tracked; its CPU time over the measure and its resident memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/internal.h"
#include "lib/util.h"

#define MAX_THREADS	4096	/* threads of one measured process, at most */

int bench__cpu_ns(pid_t pid, uint64_t *ns)
{
	char dir[64], file[64 + 256 + 16];
	struct dirent *de;
	unsigned n = 0;
	uint64_t sum = 0;
	int ret = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (n < MAX_THREADS && (de = readdir(d))) {
		char *text;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s/schedstat", dir, de->d_name);
		text = sc_read_file(file, 256, NULL);
		if (!text) {
			if (errno == ENOENT || errno == ESRCH)
				continue;	/* the thread exited since readdir() */
			ret = -errno;
			break;
		}
		/* "on-CPU ns, waiting ns, timeslices": the first is the task's sum_exec_runtime */
		sum += strtoull(text, NULL, 10);
		free(text);
		n++;
	}
	closedir(d);
	if (!ret && !n)
		ret = -ESRCH;
	*ns = sum;
	return ret;
}

/* utime+stime in clock ticks and resident KiB of @pid */
static int proc_usage(pid_t pid, unsigned long long *ticks, unsigned long *rss_kb,
		      unsigned long *hwm_kb)
{
	char path[64], *text, *p;
	unsigned long long ut = 0, st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = sc_read_file(path, 4096, NULL);
	if (!text)
		return -errno;
	p = strrchr(text, ')');
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
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

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/*
 * After the start-up, @secs seconds of the agent @pid: CPU and memory printed. Returns 0,
 * or -ECHILD when the agent exited meanwhile (reaped), or -errno (said).
 */
static int agent_measure(pid_t pid, unsigned secs)
{
	struct timespec a, b, settle = { 12, 0 }, d = { secs, 0 };
	unsigned long long t0 = 0, t1 = 0;
	unsigned long rss = 0, hwm = 0;
	int err, st;

	nanosleep(&settle, NULL);	/* start-up walk and first write out of the measure */
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((err = proc_usage(pid, &t0, &rss, &hwm)))
		goto fail;
	nanosleep(&d, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if ((err = proc_usage(pid, &t1, &rss, &hwm)))
		goto fail;
	/* an agent that exited is a zombie: its usage reads, without memory */
	if (waitpid(pid, &st, WNOHANG) == pid) {
		sc_warn("agent cost: the agent exited (status %d) during the measure",
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return -ECHILD;
	}
	printf("\nagent: %.3f%% of one core over %.0f s at the default interval, %lu KiB resident "
	       "(peak %lu KiB), with every cgroup of the host tracked (%d+); BPF counters: %zu bytes "
	       "per tracked cgroup and CPU\n",
	       (double)(t1 - t0) / sysconf(_SC_CLK_TCK) / elapsed(&a, &b) * 100, elapsed(&a, &b), rss,
	       hwm, SC_BENCH_MANY, sizeof(struct sc_counts));
	return 0;
fail:
	sc_warn("agent cost: cannot read the agent's usage: %s", strerror(-err));
	return err;
}

void agent_cost__run(struct sc_bench *b)
{
	char dir[] = "/tmp/syscensus-bench-agent.XXXXXX", pin[80], self[PATH_MAX];
	bool made;
	ssize_t n;
	pid_t pid;

	made = mkdtemp(dir) != NULL;
	if (!made || (n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		sc_warn("agent cost: cannot prepare: %s", strerror(errno));
		goto cleanup;
	}
	self[n] = '\0';
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/syscensus-bench-%d", (int)getpid());
	pid = fork();
	if (pid < 0) {
		sc_warn("agent cost: cannot start the agent: %s", strerror(errno));
		goto cleanup;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (bench__child_setup(b->home, devnull, false) == 0)
			execl(self, "syscensus", "agent", "--state-dir", dir, "--pin-dir", pin,
			      "--capacity", "2048", (char *)NULL);
		_exit(127);
	}
	if (agent_measure(pid, b->o->agent_secs) != -ECHILD) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	recorder__unpin(pin);
cleanup:
	if (made)
		sc_rm_tree(dir);
}
