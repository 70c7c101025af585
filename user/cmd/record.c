// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus record: run a command in a fresh cgroup v2, count every syscall of every
 * task in that cgroup until the last one exits, write the profile.
 *
 * Only the command is recorded: the cgroup is tracked before the child exists, and the
 * child is born inside it with clone3(CLONE_INTO_CGROUP) and calls execve() at once,
 * so the first recorded syscall is the command's own execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record/cgroup.h"
#include "cmd/cmds.h"
#include "lib/json.h"
#include "seccomp/generate.h"
#include "record/recorder.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"

/* slots: the command's cgroup and up to RECORD_SLOTS - 1 created below it (16 KiB per CPU each) */
#define RECORD_SLOTS 64

extern char **environ;

static volatile pid_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus record [OPTIONS] -- CMD [ARG...]\n"
		"Run CMD in its own cgroup, record the syscalls of CMD and of every thread and\n"
		"child it starts, until the last one exits, and write a Docker/OCI seccomp profile.\n\n"
		"  -o, --output FILE   profile destination (default: stdout); replaced atomically\n"
		"      --report FILE   also write counts per ABI and syscall as JSON\n"
		"      --attach MODE   auto (default), tp_btf or raw_tp\n"
		"  -h, --help          this text\n\n"
		"Exit status: CMD's own (128+N if killed by signal N); 1 if recording failed.\n");
}

/* nftw callback: remove the cgroups below the root of the walk, deepest first */
static int rmdir_below(const char *path, const struct stat *st, int type, struct FTW *f)
{
	if (type == FTW_DP && f->level > 0 && rmdir(path) < 0)
		sc_warn("cannot remove cgroup %s: %s", path, strerror(errno));
	return 0;
}

/* clone3() with CLONE_INTO_CGROUP: the child starts its life inside the cgroup. */
static pid_t spawn_in_cgroup(int cgfd, const char *path, char **argv, int errpipe)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)cgfd,
	};
	pid_t pid;

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid != 0)
		return pid;
	/* child: nothing but execve, so the recording starts with the command */
	execve(path, argv, environ);
	{
		int e = errno;

		if (write(errpipe, &e, sizeof(e)) < 0)
			_exit(127);
	}
	_exit(127);
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "report", required_argument, NULL, 'R' },
		{ "attach", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	/* the command's cgroup, and those it creates below it: claimed by the mkdir program */
	struct sc_recorder_opts ropts = { .capacity = RECORD_SLOTS, .attach = SC_ATTACH_AUTO, .watch_cgroups = true };
	const char *output = "-", *report = NULL;
	char mnt[PATH_MAX], cg[PATH_MAX], *cmd_path = NULL;
	struct sc_recorder *rec = NULL;
	struct sc_tally *tally = NULL;
	struct sc_slot_counts *raw = NULL;
	struct sc_unnamed *un = NULL;
	struct sc_buf out = {};
	cJSON *doc = NULL;
	int ret = SC_EXIT_FAIL, cgfd = -1, pipefd[2] = { -1, -1 }, status = 0, c, err;
	bool cg_made = false;
	size_t n_un = 0;
	struct sc_recorder_stats st;
	unsigned subs = 0;
	uint64_t cgid;
	uint32_t slot;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'R':
			report = optarg;
			break;
		case 'A':
			if (recorder__parse_attach(optarg, &ropts.attach))
				return SC_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		sc_err("record: no command given");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	cmd_path = sc_resolve_command(argv[optind]);
	if (!cmd_path) {
		sc_err("record: %s: %s", argv[optind], strerror(errno));
		return 127;
	}
	tally = calloc(1, sizeof(*tally));
	raw = calloc(1, sizeof(*raw));
	if (!tally || !raw) {
		sc_err("out of memory");
		goto out;
	}

	err = cgroup__v2_mount(mnt, sizeof(mnt));
	if (err) {
		sc_err("no cgroup v2 hierarchy in /proc/self/mountinfo (%s): record needs one, "
		       "pure (/sys/fs/cgroup) or hybrid (/sys/fs/cgroup/unified)", strerror(-err));
		goto out;
	}
	if ((size_t)snprintf(cg, sizeof(cg), "%s/syscensus-record-%d", mnt, (int)getpid()) >= sizeof(cg)) {
		sc_err("cgroup path too long under %s", mnt);
		goto out;
	}
	if (mkdir(cg, 0755) < 0) {
		sc_err("cannot create cgroup %s: %s%s", cg, strerror(errno),
		       errno == EACCES || errno == EPERM ?
		       " (record needs root: it creates a cgroup and loads BPF programs)" : "");
		goto out;
	}
	cg_made = true;
	cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0 || (err = cgroup__id(cg, &cgid)) < 0) {
		sc_err("cannot open cgroup %s: %s", cg, strerror(cgfd < 0 ? errno : -err));
		goto out;
	}

	ropts.watch_root = cgid;
	ropts.watch_root_level = 1;	/* right below the root of the hierarchy */
	rec = recorder__open(&ropts);
	if (!rec)
		goto out;
	err = recorder__track(rec, cgid, &slot);
	if (err) {
		sc_err("cannot track cgroup %s: %s", cg, strerror(-err));
		goto out;
	}
	sc_debug("recording cgroup %s (id %llu, slot %u) with %s", cg, (unsigned long long)cgid, slot,
		 recorder__attach_name(rec));

	/* descendants that daemonize are re-parented to us, and reaped */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		sc_debug("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		sc_err("pipe: %s", strerror(errno));
		goto out;
	}
	signal(SIGINT, forward_signal);
	signal(SIGTERM, forward_signal);
	signal(SIGHUP, forward_signal);
	signal(SIGQUIT, forward_signal);

	pid = spawn_in_cgroup(cgfd, cmd_path, &argv[optind], pipefd[1]);
	if (pid < 0) {
		sc_err("cannot start %s in cgroup %s: %s%s", argv[optind], cg, strerror(errno),
		       errno == ENOSYS || errno == EINVAL ? " (clone3 with CLONE_INTO_CGROUP needs Linux >= 5.7)" : "");
		goto out;
	}
	child_pid = pid;
	close(pipefd[1]);
	pipefd[1] = -1;
	{
		int e;
		ssize_t r;

		do
			r = read(pipefd[0], &e, sizeof(e));
		while (r < 0 && errno == EINTR);
		if (r == sizeof(e)) {
			sc_err("record: cannot execute %s: %s", cmd_path, strerror(e));
			waitpid(pid, NULL, 0);
			ret = 127;
			goto out;
		}
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			sc_err("waitpid: %s", strerror(errno));
			goto out;
		}
	}
	child_pid = 0;
	err = cgroup__wait_empty(cg);
	if (err < 0)
		sc_warn("cannot tell whether %s is empty (%s): the recording may miss its last calls",
			cg, strerror(-err));

	/* every claimed slot is the command's cgroup or one created below it, even if removed since */
	for (uint32_t s = 0; s < recorder__capacity(rec); s++) {
		if (!recorder__slot_cgid(rec, s))
			continue;
		err = recorder__read(rec, s, raw);
		if (err) {
			sc_err("cannot read the counters: %s", strerror(-err));
			goto out;
		}
		/* a command run by record is not a container: what it does before a filter counts too */
		slot_counts__sum_phases(raw, tally);
		if (s != slot)
			subs++;
	}
	recorder__stats(rec, &st);
	if (subs)
		sc_debug("%u cgroups created below %s were recorded too", subs, cg);
	if (st.table_full)
		sc_warn("%llu cgroups created by %s below its own found no free slot in the recorder's table "
			"(%d slots): their calls are missing from the profile", (unsigned long long)st.table_full,
			argv[optind], RECORD_SLOTS);
	recorder__destroy(rec);
	rec = NULL;

	doc = observed__profile(tally, &un, &n_un);
	if (!doc) {
		sc_err("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_un; i++) {
		const struct sc_arch *a = arch_of_abi(un[i].abi);

		if (un[i].nr < 0)
			sc_warn("%llu calls with a syscall number >= %d (%s) were counted but cannot be named; "
				"the profile does not allow them", (unsigned long long)un[i].count,
				SC_NR_OVERFLOW, a ? a->docker : "compat ABI");
		else
			sc_warn("syscall %d (%s) was called %llu times but no table names it: "
				"the profile cannot allow it (Docker profiles only hold names)",
				un[i].nr, a ? a->docker : "compat ABI", (unsigned long long)un[i].count);
	}
	json_write(&out, doc);
	if (out.oom) {
		sc_err("out of memory");
		goto out;
	}
	err = sc_write_file_atomic(output, out.data, out.len);
	if (err) {
		sc_err("cannot write %s: %s", output, strerror(-err));
		goto out;
	}
	if (report) {
		cJSON *rep = observed__report(tally);
		cJSON *cmdv = rep ? cJSON_CreateStringArray((const char *const *)&argv[optind], argc - optind) : NULL;

		sc_buf_free(&out);
		if (cmdv)
			cJSON_AddItemToObject(rep, "command", cmdv);
		if (rep)
			json_write(&out, rep);
		cJSON_Delete(rep);
		if (!rep || !cmdv || out.oom) {
			sc_err("out of memory");
			goto out;
		}
		err = sc_write_file_atomic(report, out.data, out.len);
		if (err) {
			sc_err("cannot write %s: %s", report, strerror(-err));
			goto out;
		}
	}
	{
		unsigned distinct;
		uint64_t calls;

		observed__totals(tally, &distinct, &calls);
		sc_info("recorded %llu calls of %u distinct syscalls from %s%s%s",
			(unsigned long long)calls, distinct, argv[optind],
			strcmp(output, "-") ? "; profile written to " : "", strcmp(output, "-") ? output : "");
	}
	if (WIFEXITED(status))
		ret = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		ret = 128 + WTERMSIG(status);
out:
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	recorder__destroy(rec);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (cgfd >= 0)
		close(cgfd);
	if (cg_made) {
		/* a failure above may leave the command's descendants behind: wait for them */
		if (cgroup__populated(cg) > 0)
			cgroup__wait_empty(cg);
		/* cgroups the command created and left: deepest first */
		nftw(cg, rmdir_below, 16, FTW_DEPTH | FTW_PHYS);
		if (rmdir(cg) < 0)
			sc_warn("cannot remove cgroup %s: %s", cg, strerror(errno));
	}
	sc_buf_free(&out);
	cJSON_Delete(doc);
	free(un);
	free(tally);
	free(raw);
	free(cmd_path);
	return ret;
}
