// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A recording session: run a command in a fresh cgroup v2, count every syscall of
 * every task in that cgroup until the last one exits, sum the counters.
 *
 * Only the command is recorded: the cgroup is tracked before the child exists, and the
 * child is born inside it with clone3(CLONE_INTO_CGROUP) and calls execve() at once,
 * so the first recorded syscall is the command's own execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <ftw.h>
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

#include "lib/util.h"
#include "record/cgroup.h"
#include "record/session.h"

extern char **environ;

struct session {
	char cg[PATH_MAX];	/* the command's cgroup */
	bool cg_made;
	int cgfd;
	uint64_t cgid;
	uint32_t slot;
	struct sc_recorder *rec;
	struct sc_slot_counts *raw;
	struct sc_slot_counts *total[SC_RECORD_SLOTS];	/* running totals per slot (32-bit wrap) */
	unsigned read_every_ms;
	int interrupted;	/* the signal that stopped the wait for leftovers */
	struct sigaction saved[NSIG];	/* the dispositions before ours, restored after */
	bool caught;
	int errpipe[2];		/* the child's execve errno, if it fails */
};

static volatile pid_t child_pid;
/* a signal that came once the command had exited, while processes it left ran on */
static volatile sig_atomic_t stop_signal;

/* The command gets the signal as it would without us; once it is gone, we stop. */
static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
	else
		stop_signal = sig;
}

/* nftw callback: remove the cgroups below the root of the walk, deepest first */
static int rmdir_below(const char *path, const struct stat *st, int type, struct FTW *f)
{
	if (type == FTW_DP && f->level > 0 && rmdir(path) < 0)
		sc_warn("cannot remove cgroup %s: %s", path, strerror(errno));
	return 0;
}

/* The command's cgroup, right below the root of the cgroup v2 hierarchy. */
static int make_cgroup(struct session *s)
{
	char mnt[PATH_MAX];
	int err = cgroup__v2_mount(mnt, sizeof(mnt));

	if (err) {
		sc_err("no cgroup v2 hierarchy in /proc/self/mountinfo (%s): record needs one, "
		       "pure (/sys/fs/cgroup) or hybrid (/sys/fs/cgroup/unified)", strerror(-err));
		return err;
	}
	if ((size_t)snprintf(s->cg, sizeof(s->cg), "%s/syscensus-record-%d", mnt, (int)getpid()) >= sizeof(s->cg)) {
		sc_err("cgroup path too long under %s", mnt);
		return -ENAMETOOLONG;
	}
	if (mkdir(s->cg, 0755) < 0) {
		err = -errno;
		sc_err("cannot create cgroup %s: %s%s", s->cg, strerror(-err), err == -EACCES || err == -EPERM ?
		       " (record needs root: it creates a cgroup and loads BPF programs)" : "");
		return err;
	}
	s->cg_made = true;
	s->cgfd = open(s->cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->cgfd < 0 || (err = cgroup__id(s->cg, &s->cgid)) < 0) {
		err = s->cgfd < 0 ? -errno : err;
		sc_err("cannot open cgroup %s: %s", s->cg, strerror(-err));
		return err;
	}
	return 0;
}

/* The recorder, following the cgroups created below the command's own. */
static int start_recorder(struct session *s, enum sc_attach attach)
{
	struct sc_recorder_opts ro = { .capacity = SC_RECORD_SLOTS, .attach = attach, .watch_cgroups = true,
				       .watch_root = s->cgid, .watch_root_level = 1 };
	int err;

	s->rec = recorder__open(&ro);
	if (!s->rec)
		return -errno;
	if ((err = recorder__track(s->rec, s->cgid, &s->slot))) {
		sc_err("cannot track cgroup %s: %s", s->cg, strerror(-err));
		return err;
	}
	sc_debug("recording cgroup %s (id %llu, slot %u) with %s", s->cg, (unsigned long long)s->cgid, s->slot,
		 recorder__attach_name(s->rec));
	return 0;
}

/*
 * Every claimed slot read and folded into its running total: the per-CPU counters are
 * 32 bits, so a recording reads at least every sc_read_interval_max() seconds. 0 or
 * -errno (said).
 */
static int fold_slots(struct session *s)
{
	int err;

	for (uint32_t slot = 0; slot < recorder__capacity(s->rec) && slot < SC_RECORD_SLOTS; slot++) {
		if (!recorder__slot_cgid(s->rec, slot))
			continue;
		if (!s->total[slot] && !(s->total[slot] = calloc(1, sizeof(*s->total[slot])))) {
			sc_err("out of memory");
			return -ENOMEM;
		}
		if ((err = recorder__read(s->rec, slot, s->raw))) {
			sc_err("cannot read the counters: %s", strerror(-err));
			return err;
		}
		slot_counts__fold(s->total[slot], s->raw);
	}
	return 0;
}

/* While the command's leftovers run: fold now and then; on a signal, kill them and stop. */
static int fold_tick(void *ctx)
{
	struct session *s = ctx;

	if (stop_signal) {
		s->interrupted = stop_signal;
		return 1;
	}
	fold_slots(s);
	return 0;
}

/* Wait for @pid, folding the counters meanwhile. 0 or -errno (said). */
static int wait_child(struct session *s, pid_t pid, int *status)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, fd >= 0 ? WNOHANG : 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			sc_err("waitpid: %s", strerror(errno));
			if (fd >= 0)
				close(fd);
			return -errno;
		}
		if (r == 0 && poll(&pfd, 1, s->read_every_ms) == 0)
			fold_slots(s);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

/* clone3() with CLONE_INTO_CGROUP: the child starts its life inside the cgroup. */
static pid_t spawn_in_cgroup(struct session *s, const char *path, char **argv)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)s->cgfd,
	};
	pid_t pid;
	int e;

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid != 0)
		return pid;
	/* child: nothing but execve, so the recording starts with the command */
	execve(path, argv, environ);
	e = errno;
	if (write(s->errpipe[1], &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Start the command and wait for it, then for the last task of its cgroup. 0, 127 or -errno. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, 0 };

/*
 * Forward the signals the command would get, except those the caller ignores: an
 * ignored signal stays ignored across execve, so leaving it alone starts the command
 * exactly as it would start without syscensus (nohup, env --ignore-signal). A handled
 * one is reset to its default by execve, as it would be.
 */
static int catch_forwarded(struct session *s)
{
	struct sigaction sa = { .sa_handler = forward_signal };

	sigemptyset(&sa.sa_mask);
	for (const int *sig = forwarded; *sig; sig++) {
		if (sigaction(*sig, NULL, &s->saved[*sig]) < 0)
			return -errno;
		if (s->saved[*sig].sa_handler != SIG_IGN && sigaction(*sig, &sa, NULL) < 0)
			return -errno;
		s->caught = true;
	}
	return 0;
}

static void restore_forwarded(struct session *s)
{
	if (!s->caught)
		return;
	for (const int *sig = forwarded; *sig; sig++)
		if (s->saved[*sig].sa_handler != SIG_IGN)
			sigaction(*sig, &s->saved[*sig], NULL);
}

/*
 * A signal while the processes the command left behind ran on: they are killed (what
 * they did until then is in the recording), and the recording is said to be cut.
 */
static int stop_leftovers(struct session *s)
{
	int err = cgroup__kill(s->cg);

	sc_warn("%s: the command had exited; the processes it left behind were %s; the profile holds "
		"what they did until then", strsignal(s->interrupted), err ? "left running (no cgroup.kill)" : "killed");
	if (!err && cgroup__wait_empty(s->cg, 0, NULL, NULL) < 0)
		sc_warn("cannot tell whether %s is empty", s->cg);
	return 0;
}

static int run_command(struct session *s, const char *path, char **argv, int *status)
{
	ssize_t r;
	pid_t pid;
	int e, err;

	/* descendants that daemonize are re-parented to us, and reaped */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		sc_debug("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	if (pipe2(s->errpipe, O_CLOEXEC) < 0 || catch_forwarded(s)) {
		sc_err("cannot prepare to run %s: %s", argv[0], strerror(errno));
		return -errno;
	}
	pid = spawn_in_cgroup(s, path, argv);
	if (pid < 0) {
		err = -errno;
		sc_err("cannot start %s in cgroup %s: %s%s", argv[0], s->cg, strerror(-err),
		       err == -ENOSYS || err == -EINVAL ? " (clone3 with CLONE_INTO_CGROUP needs Linux >= 5.7)" : "");
		return err;
	}
	child_pid = pid;
	close(s->errpipe[1]);
	s->errpipe[1] = -1;
	do
		r = read(s->errpipe[0], &e, sizeof(e));
	while (r < 0 && errno == EINTR);
	if (r == sizeof(e)) {
		sc_err("record: cannot execute %s: %s", path, strerror(e));
		waitpid(pid, NULL, 0);
		return 127;
	}
	if ((err = wait_child(s, pid, status)))
		return err;
	child_pid = 0;
	err = cgroup__wait_empty(s->cg, s->read_every_ms, fold_tick, s);
	if (err == -EINTR)
		return stop_leftovers(s);
	if (err < 0)
		sc_warn("cannot tell whether %s is empty (%s): the recording may miss its last calls", s->cg,
			strerror(-err));
	return 0;
}

/* Every claimed slot is the command's cgroup or one created below it, even if removed since. */
static int sum_slots(struct session *s, struct sc_recording *out)
{
	struct sc_recorder_stats st;
	int err = fold_slots(s);

	if (err)
		return err;
	for (uint32_t slot = 0; slot < SC_RECORD_SLOTS; slot++) {
		if (!s->total[slot])
			continue;
		slot_counts__sum_phases(s->total[slot], &out->tally);
		out->uncounted += s->total[slot]->uncounted;
		if (slot != s->slot)
			out->subcgroups++;
	}
	recorder__stats(s->rec, &st);
	out->table_full = st.table_full;
	return 0;
}

static void end_session(struct session *s)
{
	restore_forwarded(s);
	recorder__destroy(s->rec);
	for (int i = 0; i < 2; i++)
		if (s->errpipe[i] >= 0)
			close(s->errpipe[i]);
	if (s->cgfd >= 0)
		close(s->cgfd);
	if (s->cg_made) {
		/* a failure above may leave the command's descendants behind: wait for them */
		if (cgroup__populated(s->cg) > 0)
			cgroup__wait_empty(s->cg, 0, NULL, NULL);
		/* cgroups the command created and left: deepest first */
		nftw(s->cg, rmdir_below, 16, FTW_DEPTH | FTW_PHYS);
		if (rmdir(s->cg) < 0)
			sc_warn("cannot remove cgroup %s: %s", s->cg, strerror(errno));
	}
	free(s->raw);
	for (int i = 0; i < SC_RECORD_SLOTS; i++)
		free(s->total[i]);
}

int record__run(enum sc_attach attach, char **argv, struct sc_recording *out)
{
	struct session s = { .cgfd = -1, .errpipe = { -1, -1 } };
	unsigned every;
	char *path = sc_resolve_command(argv[0]);
	int ret;

	memset(out, 0, sizeof(*out));
	if (!path) {
		sc_err("record: %s: %s", argv[0], strerror(errno));
		return 127;
	}
	s.raw = malloc(sizeof(*s.raw));
	if (!s.raw) {
		sc_err("out of memory");
		ret = -ENOMEM;
	} else if (!(ret = make_cgroup(&s)) && !(ret = start_recorder(&s, attach))) {
		every = sc_read_interval_max(recorder__ncpus(s.rec));
		s.read_every_ms = (every > 10 ? 10 : every) * 1000;
		ret = run_command(&s, path, argv, &out->status);
	}
	if (!ret)
		ret = sum_slots(&s, out);
	out->interrupted = s.interrupted;
	end_session(&s);
	free(path);
	return ret;
}
