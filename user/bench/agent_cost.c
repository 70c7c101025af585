// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's own cost: this binary's agent, default interval, its own state and pin
 * directories, with every live cgroup of the host (the SC_BENCH_MANY ones included)
 * tracked; its CPU time over the measure and its resident memory. Then, with --churn,
 * the same agent while container-like cgroups come and go (churn_run), and what its
 * state file says they did against what they did (churn_check): census/census.h for
 * the file's keys only, the agent itself is a process of this binary.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/internal.h"
#include "census/census.h"
#include "lib/json.h"
#include "lib/paths.h"
#include "lib/util.h"
#include "record/cgroup.h"

#define MAX_THREADS	4096	/* threads of one measured process, at most */
#define CHURN_RATE	10	/* container-like cgroups created and removed per second */
#define CHURN_CALLS	1000	/* getppid() calls of each one's process */
#define CHURN_WINDOW	10	/* seconds of the first and last CPU windows: one agent tick each */
#define STATE_MAX	(32u << 20)	/* the state file after the longest churn fits */

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

/* resident and peak resident KiB of @pid */
static int proc_mem(pid_t pid, unsigned long *rss_kb, unsigned long *hwm_kb)
{
	char path[64], *text, *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	text = sc_read_file(path, 1 << 16, NULL);
	if (!text)
		return -errno;
	*rss_kb = (p = strstr(text, "VmRSS:")) ? strtoul(p + 6, NULL, 10) : 0;
	*hwm_kb = (p = strstr(text, "VmHWM:")) ? strtoul(p + 6, NULL, 10) : 0;
	free(text);
	return 0;
}

/* What the agent used up to one moment. */
struct usage {
	struct timespec t;
	uint64_t cpu_ns;
	unsigned long rss_kb, hwm_kb;
};

static int usage_read(pid_t pid, struct usage *u)
{
	int err;

	clock_gettime(CLOCK_MONOTONIC, &u->t);
	if ((err = bench__cpu_ns(pid, &u->cpu_ns)) || (err = proc_mem(pid, &u->rss_kb, &u->hwm_kb)))
		return err;
	return 0;
}

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* % of one core between @a and @b */
static double cpu_share(const struct usage *a, const struct usage *b)
{
	return (double)(b->cpu_ns - a->cpu_ns) / 1e9 / elapsed(&a->t, &b->t) * 100;
}

/* a wait status as a shell shows it */
static int exit_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* -ECHILD (reaped, said) when the agent @pid exited: a zombie, whose usage still reads. */
static int agent_alive(pid_t pid, const char *when)
{
	int st;

	if (waitpid(pid, &st, WNOHANG) != pid)
		return 0;
	sc_warn("agent cost: the agent exited (status %d) %s", exit_code(st), when);
	return -ECHILD;
}

/*
 * @secs seconds of the agent @pid after its start-up: CPU and memory printed, the CPU
 * share also into *@share.
 * Returns 0, or -ECHILD when the agent exited meanwhile (reaped), or -errno (said).
 */
static int agent_measure(pid_t pid, unsigned secs, double *share)
{
	struct timespec d = { secs, 0 };
	struct usage a, b;
	int err;

	if ((err = usage_read(pid, &a)))
		goto fail;
	nanosleep(&d, NULL);
	if ((err = usage_read(pid, &b)))
		goto fail;
	if ((err = agent_alive(pid, "during the measure")))
		return err;
	*share = cpu_share(&a, &b);
	printf("\nagent: %.3f%% of one core over %.0f s at the default interval, %lu KiB "
	       "resident (peak %lu KiB), with %d live cgroups named like containers tracked (and "
	       "every container cgroup of the host)\n",
	       *share, elapsed(&a.t, &b.t), b.rss_kb, b.hwm_kb, SC_BENCH_MANY);
	return 0;
fail:
	sc_warn("agent cost: cannot read the agent's usage: %s", strerror(-err));
	return err;
}

/* ---- churn: container-like cgroups created, used and removed under the agent ---- */

struct churn {
	char parent[PATH_MAX];	/* <mnt>/libpod_parent, podman's cgroupfs parent */
	bool made_parent;	/* created here, to remove */
	uint64_t *ids;		/* ids of the cgroups churned */
	size_t n, cap;
	unsigned long long calls;	/* getppid() calls made by processes that ran */
	unsigned failed;	/* processes that could not run in their cgroup */
	struct usage *u;	/* one sample per second of churn, and one before */
	unsigned nu;
};

/* rmdir @dir, which can be busy for a moment after its last task was reaped */
static int rmdir_cgroup(const char *dir)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 1000; i++) {
		if (rmdir(dir) == 0)
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&ms, NULL);
	}
	sc_warn("churn: cannot remove cgroup %s: %s", dir, strerror(errno));
	return -errno;
}

/* A process in @dir that makes CHURN_CALLS getppid() calls and exits. 0, or -errno. */
static int churn_process(struct churn *c, const char *dir)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (bench__write_pid(dir, getpid()))
			_exit(1);
		for (int i = 0; i < CHURN_CALLS; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		c->calls += CHURN_CALLS;
	else
		c->failed++;
	return 0;
}

/* One container's life: cgroup libpod-<64 hex>, a process in it, the cgroup removed. */
static int churn_one(struct churn *c)
{
	char dir[PATH_MAX + 80], hex[65];
	unsigned char id[32];
	uint64_t *ids;
	int err = 0;

	if (getrandom(id, sizeof(id), 0) != sizeof(id))
		return -EIO;
	for (size_t i = 0; i < sizeof(id); i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	snprintf(dir, sizeof(dir), "%s/libpod-%s", c->parent, hex);
	if (mkdir(dir, 0755) < 0) {
		err = -errno;
		sc_warn("churn: cannot create cgroup %s: %s", dir, strerror(-err));
		return err;
	}
	ids = sc_grow(c->ids, &c->cap, c->n, sizeof(*ids), 256);
	if (!ids) {
		err = -ENOMEM;
		goto cleanup;
	}
	c->ids = ids;
	if ((err = cgroup__id(dir, &ids[c->n])))
		goto cleanup;
	c->n++;
	err = churn_process(c, dir);
cleanup:
	if (err)
		sc_warn("churn: cgroup %s: %s", dir, strerror(-err));
	rmdir_cgroup(dir);
	return err;
}

static void ts_add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000) {
		t->tv_nsec -= 1000000000;
		t->tv_sec++;
	}
}

/* libpod_parent under the cgroup v2 mount, made if missing; samples for @secs seconds */
static int churn_setup(struct churn *c, const struct sc_bench *b, unsigned secs)
{
	struct stat st;

	if ((size_t)snprintf(c->parent, sizeof(c->parent), "%s/libpod_parent", b->mnt) >=
	    sizeof(c->parent))
		return -ENAMETOOLONG;
	if (stat(c->parent, &st) < 0) {
		if (mkdir(c->parent, 0755) < 0)
			return -errno;
		c->made_parent = true;
	}
	c->u = calloc(secs + 1, sizeof(*c->u));
	return c->u ? 0 : -ENOMEM;
}

/*
 * @secs seconds of CHURN_RATE cgroups a second, on a fixed schedule (a late one does not
 * move the next), the agent @pid sampled every second. 0, -ECHILD (agent gone, reaped)
 * or -errno (said).
 */
static int churn_run(struct churn *c, pid_t pid, unsigned secs)
{
	struct timespec next;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &next);
	if ((err = usage_read(pid, &c->u[0])))
		goto fail;
	c->nu = 1;
	for (unsigned s = 0; s < secs; s++) {
		for (int i = 0; i < CHURN_RATE; i++) {
			if ((err = churn_one(c)))
				return err;
			ts_add_ns(&next, 1000000000 / CHURN_RATE);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) ==
			       EINTR)
				;
		}
		if ((err = usage_read(pid, &c->u[c->nu])))
			goto fail;
		c->nu++;
		if ((err = agent_alive(pid, "during the churn")))
			return err;
	}
	return 0;
fail:
	sc_warn("churn: cannot read the agent's usage: %s", strerror(-err));
	return err;
}

static void churn_print(const struct churn *c, double steady)
{
	unsigned last = c->nu ? c->nu - 1 : 0;
	/* short churns: the first and last halves, overlapping by a second when @last is odd */
	unsigned w = last >= 2 * CHURN_WINDOW ? CHURN_WINDOW : (last + 1) / 2;
	unsigned long max = 0;
	long grown;

	if (!c->nu)
		return;
	for (unsigned i = 0; i < c->nu; i++)
		if (c->u[i].rss_kb > max)
			max = c->u[i].rss_kb;
	printf("\nchurn: %d container-like cgroups a second (libpod_parent/libpod-<64 hex>, a "
	       "process of %d getppid() calls in each, then removed) for %u s under the agent: "
	       "%zu cgroups churned, %llu calls made, %u processes that could not run\n",
	       CHURN_RATE, CHURN_CALLS, last, c->n, c->calls, c->failed);
	if (!w)
		return;
	printf("churn: agent CPU %.3f%% of one core over the first %u s, %.3f%% over the last %u s "
	       "(%.3f%% before the churn)\n",
	       cpu_share(&c->u[0], &c->u[w]), w, cpu_share(&c->u[last - w], &c->u[last]), w,
	       steady);
	grown = (long)c->u[last].rss_kb - (long)c->u[0].rss_kb;
	printf("churn: agent RSS first %lu KiB, last %lu KiB, max %lu KiB (%+ld KiB, %.0f bytes "
	       "per cgroup churned)\n",
	       c->u[0].rss_kb, c->u[last].rss_kb, max, grown, c->n ? grown * 1024.0 / c->n : 0.0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* getppid() calls of one image's "calls" rows [phase, abi, nr, count, first, last] */
static unsigned long long image_getppid(const cJSON *img)
{
	unsigned long long n = 0;
	const cJSON *row;

	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(img, "calls")) {
		uint64_t abi, nr, count;

		if (cJSON_GetArraySize(row) >= 4 && !json_u64(cJSON_GetArrayItem(row, 1), &abi) &&
		    !json_u64(cJSON_GetArrayItem(row, 2), &nr) &&
		    !json_u64(cJSON_GetArrayItem(row, 3), &count) && abi == 0 && nr == SYS_getppid)
			n += count;
	}
	return n;
}

/* Whether the image key @key is unknown/<id> of a churned cgroup (c->ids sorted). */
static bool churned(const struct churn *c, const char *key)
{
	size_t plen = strlen(SC_UNKNOWN_PREFIX);
	uint64_t id;

	return key && !strncmp(key, SC_UNKNOWN_PREFIX, plen) &&
	       !sc_parse_u64(key + plen, UINT64_MAX, &id) &&
	       bsearch(&id, c->ids, c->n, sizeof(id), cmp_u64);
}

/*
 * The stopped agent's state file against the churn: the churned cgroups it folded, the
 * getppid() calls it counted in them, made and counted printed. 0, or -errno (said).
 */
static int churn_check(struct churn *c, const char *state_dir)
{
	char path[PATH_MAX], err[256];
	unsigned long long counted = 0;
	size_t len, folded = 0, live = 0;
	const cJSON *x;
	cJSON *doc;
	char *text;
	int ret;

	snprintf(path, sizeof(path), "%s/" SC_STATE_FILE, state_dir);
	text = sc_read_file(path, STATE_MAX, &len);
	if (!text) {
		ret = -errno;
		sc_warn("churn: cannot read %s: %s", path, strerror(-ret));
		return ret;
	}
	doc = json_parse(text, len, err, sizeof(err));
	free(text);
	if (!doc) {
		sc_warn("churn: %s: %s", path, err);
		return -EINVAL;
	}
	qsort(c->ids, c->n, sizeof(*c->ids), cmp_u64);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, "images")) {
		const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "image"));
		uint64_t n = 0;

		/* gone cgroups no runtime knew are kept together (the run's state dir is its own) */
		if (key && !strcmp(key, SC_UNKNOWN_GONE) &&
		    !json_u64(cJSON_GetObjectItemCaseSensitive(x, "containers_total"), &n)) {
			folded += n;
			counted += image_getppid(x);
		} else if (churned(c, key)) {
			folded++;
			counted += image_getppid(x);
		}
	}
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, "live")) {
		uint64_t id;

		live += !json_u64(cJSON_GetObjectItemCaseSensitive(x, "cgroup_id"), &id) &&
			bsearch(&id, c->ids, c->n, sizeof(id), cmp_u64);
	}
	cJSON_Delete(doc);
	printf("churn: state file %zu KiB: %zu of %zu churned cgroups folded (as unknown/<cgroup "
	       "id> while live, then in " SC_UNKNOWN_GONE "), %zu still live; getppid calls counted %llu, made %llu: %s\n",
	       len / 1024, folded, c->n, live, counted, c->calls,
	       counted == c->calls ? "match" : "MISMATCH");
	return 0;
}

static void churn_free(struct churn *c)
{
	if (c->made_parent && rmdir(c->parent) < 0)
		sc_warn("churn: cannot remove cgroup %s: %s", c->parent, strerror(errno));
	free(c->ids);
	free(c->u);
}

/* ---- the run ---- */

/* The agent out of the measured cgroup, its output dropped. The pid, or -errno. */
static pid_t agent_start(const struct sc_bench *b, const char *dir, const char *pin)
{
	char self[PATH_MAX];
	ssize_t n;
	pid_t pid;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = '\0';
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (bench__child_setup(b->home, devnull, false) == 0)
			execl(self, "syscensus", "agent", "--state-dir", dir, "--pin-dir", pin,
			      "--capacity", "2048", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* SIGTERM: the agent folds and saves everything, then exits. 0, or -EIO when it failed (said). */
static int agent_stop(pid_t pid)
{
	int st;

	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	sc_warn("agent cost: the agent stopped with status %d", exit_code(st));
	return -EIO;
}

void agent_cost__run(struct sc_bench *b)
{
	char dir[] = "/tmp/syscensus-bench-agent.XXXXXX", pin[80];
	struct timespec settle = { 12, 0 };
	unsigned secs = b->o->churn_secs;
	struct churn ch = {};
	double steady = 0;
	bool made;
	pid_t pid;
	int err;

	made = mkdtemp(dir) != NULL;
	if (!made || (secs && (err = churn_setup(&ch, b, secs)))) {
		sc_warn("agent cost: cannot prepare: %s", strerror(made ? -err : errno));
		goto cleanup;
	}
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/syscensus-bench-%d", (int)getpid());
	pid = agent_start(b, dir, pin);
	if (pid < 0) {
		sc_warn("agent cost: cannot start the agent: %s", strerror(-pid));
		goto cleanup;
	}
	nanosleep(&settle, NULL);	/* start-up walk and first write out of the measure */
	err = agent_measure(pid, b->o->agent_secs, &steady);
	if (!err && secs) {
		err = churn_run(&ch, pid, secs);
		churn_print(&ch, steady);
	}
	/* a churn cut short is still checked: what was made against what was counted */
	if (err != -ECHILD && agent_stop(pid) == 0 && ch.nu)
		churn_check(&ch, dir);
	recorder__unpin(pin);
cleanup:
	churn_free(&ch);
	if (made)
		sc_rm_tree(dir);
}
