// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A recording session: run a command in a fresh cgroup v2, count every syscall of
 * every task in that cgroup until the last one exits, sum the counters.
 *
 * Only the command is recorded: the cgroup is tracked before the child exists, and the
 * child is born inside it with clone3(CLONE_INTO_CGROUP) and calls execve() at once,
 * so the first recorded syscall is the command's own execve.
 *
 * With containers, the recorder also claims every container cgroup created meanwhile
 * (the BPF side claims it at creation, before any task enters it); the cgroup events
 * say which slot is whose, and each such slot is kept apart from the command's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <ftw.h>
#include <limits.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "record/cgroup.h"
#include "record/session.h"

extern char **environ;

/* Whose calls a slot holds. */
enum slot_kind {
	SLOT_COMMAND,		/* the command's cgroup or one below it (and any slot no event named) */
	SLOT_CONTAINER,		/* a container's, created while the command or its leftovers ran */
	SLOT_LATE,		/* a container's created after that: not the command's doing */
};

/* In the errno the child sends back: its filter, not its execve, failed. */
#define CHILD_FILTER_FAILED 0x40000000

/* How often a container that the runtime's state does not name yet is looked up again. */
#define RETRY_MS 100

struct session {
	const struct sc_record_opts *o;
	char mnt[PATH_MAX];	/* the cgroup2 mount */
	char cg[PATH_MAX];	/* the command's cgroup */
	const char *cg_rel;	/* ... below the mount */
	bool cg_made;
	int cgfd;
	uint64_t cgid;
	uint32_t slot;
	struct sc_recorder *rec;
	struct sc_slot_counts *raw;
	struct sc_slot_counts *total[SC_RECORD_SLOTS];	/* running totals per slot (the sums wrap at 2^32) */
	unsigned read_every_ms;
	int interrupted;	/* the signal that stopped the wait for leftovers */
	struct sigaction saved[NSIG];	/* the dispositions before ours, restored after */
	bool caught;
	int errpipe[2];		/* the child's execve errno, if it fails */
	/* with containers */
	int evfd;		/* the recorder's cgroup events */
	bool taking;		/* new container cgroups are the command's: it or its leftovers run */
	uint8_t kind[SC_RECORD_SLOTS];
	char *path[SC_RECORD_SLOTS];	/* a container slot's cgroup, below the mount */
	uint64_t slot_cgid[SC_RECORD_SLOTS];
	bool pending[SC_RECORD_SLOTS];	/* on_container wants to be called again */
	struct timespec folded, retried;
	int err;		/* a read failed: said, the recording is void */
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
	char *mnt = s->mnt;
	int err = cgroup__v2_mount(mnt, sizeof(s->mnt));

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
	s->cg_rel = s->cg + strlen(mnt);
	s->cgfd = open(s->cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->cgfd < 0 || (err = cgroup__id(s->cg, &s->cgid)) < 0) {
		err = s->cgfd < 0 ? -errno : err;
		sc_err("cannot open cgroup %s: %s", s->cg, strerror(-err));
		return err;
	}
	return 0;
}

/* The recorder, following the cgroups created below the command's own. */
static int start_recorder(struct session *s)
{
	struct sc_recorder_opts ro = { .capacity = SC_RECORD_SLOTS, .attach = s->o->attach, .watch_cgroups = true,
				       .watch_root = s->cgid, .watch_root_level = 1,
				       .claim_containers = s->o->containers,
				       /* what the engine's filter refuses a container is part of what it learned */
				       .denials = s->o->containers && s->o->attach != SC_ATTACH_RAW,
				       .record_args = s->o->args };
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
	s->evfd = s->o->containers ? recorder__events_fd(s->rec) : -1;
	s->taking = s->o->containers;
	return 0;
}

/*
 * Every claimed slot read and folded into its running total: the sums are modulo
 * 2^32, so a recording reads at least every sc_read_interval_max() seconds. 0 or
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

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Whether @rel (below the mount) is the command's cgroup or below it. */
static bool in_command(const struct session *s, const char *rel)
{
	size_t n = strlen(s->cg_rel);

	return !strncmp(rel, s->cg_rel, n) && (rel[n] == '/' || !rel[n]);
}

static void ask_container(struct session *s, uint32_t slot)
{
	s->pending[slot] = s->o->on_container &&
			   s->o->on_container(s->o->ctx, s->slot_cgid[slot], s->path[slot]) > 0;
}

/* Whether @rel is below the cgroup of a container the recording follows (systemd inside it, nested engines). */
static bool below_container(const struct session *s, const char *rel)
{
	for (uint32_t i = 0; i < SC_RECORD_SLOTS; i++) {
		size_t n = s->path[i] ? strlen(s->path[i]) : 0;

		if (s->kind[i] == SLOT_CONTAINER && n && !strncmp(rel, s->path[i], n) && rel[n] == '/')
			return true;
	}
	return false;
}

/* A container cgroup appeared: its slot is kept apart, and who it is asked while it exists. */
static void container_made(struct session *s, const struct sc_event *e, const char *rel)
{
	char full[PATH_MAX];

	if (e->slot == SC_SLOT_NONE || e->slot >= SC_RECORD_SLOTS)
		return;		/* no room: counted in the recorder's table_full */
	if (!s->taking && !below_container(s, rel)) {
		s->kind[e->slot] = SLOT_LATE;
		return;
	}
	/* an event's path may be cut: the kernel's own is asked then */
	if (strlen(rel) >= SC_EV_PATH_MAX - 1 && !cgroup__path_of(s->mnt, e->cgid, full, sizeof(full)))
		rel = full;
	free(s->path[e->slot]);
	if (!(s->path[e->slot] = strdup(rel))) {
		s->err = -ENOMEM;
		return;
	}
	s->kind[e->slot] = SLOT_CONTAINER;
	s->slot_cgid[e->slot] = e->cgid;
	ask_container(s, e->slot);
}

static int on_event(void *ctx, const struct sc_event *e)
{
	struct session *s = ctx;
	char rel[SC_EV_PATH_MAX];

	snprintf(rel, sizeof(rel), "%.*s", (int)sizeof(e->path) - 1, e->path);
	if (in_command(s, rel))
		return 0;	/* below the command's own: counted with it */
	if (e->kind == SC_EV_MKDIR)
		container_made(s, e, rel);
	else if (e->kind == SC_EV_RMDIR && e->slot < SC_RECORD_SLOTS && s->pending[e->slot])
		ask_container(s, e->slot);	/* the last chance: the runtime may still have its state */
	return 0;
}

/*
 * One wait for @fd (-1: none) and the cgroup events, at most @timeout_ms; then what is
 * due: the events handled, the counters folded, the pending containers asked again.
 * Returns @fd's revents, or -errno.
 */
static int pump(struct session *s, int fd, short events, int timeout_ms)
{
	struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = s->evfd, .events = POLLIN } };
	bool pending = false;
	int err;

	for (uint32_t i = 0; i < SC_RECORD_SLOTS; i++)
		pending |= s->pending[i];
	if (pending && timeout_ms > RETRY_MS)
		timeout_ms = RETRY_MS;
	if (poll(p, 2, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	if (s->evfd >= 0 && (err = recorder__poll_events(s->rec, 0, on_event, s)) < 0 && err != -EINTR) {
		sc_err("cannot read the cgroup events: %s", strerror(-err));
		return err;
	}
	if (ms_since(&s->folded) >= (long)s->read_every_ms) {
		if ((err = fold_slots(s)))
			return err;
		clock_gettime(CLOCK_MONOTONIC, &s->folded);
	}
	if (pending && ms_since(&s->retried) >= RETRY_MS) {
		for (uint32_t i = 0; i < SC_RECORD_SLOTS; i++)
			if (s->pending[i])
				ask_container(s, i);
		clock_gettime(CLOCK_MONOTONIC, &s->retried);
	}
	return s->err ? s->err : p[0].revents;
}

/* Wait for @pid, folding the counters meanwhile. 0 or -errno (said). */
static int wait_child(struct session *s, pid_t pid, int *status)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), err = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			err = -errno;
			sc_err("waitpid: %s", strerror(errno));
			break;
		}
		/* without a pidfd (Linux < 5.3), a short wait */
		if ((err = pump(s, fd, POLLIN, fd >= 0 ? (int)s->read_every_ms : 100)) < 0)
			break;
		err = 0;
	}
	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * Wait until the command's cgroup is empty (its leftovers gone), reaping them (we are
 * their subreaper). 0, -EINTR when a signal stopped the wait, or -errno.
 */
static int wait_leftovers(struct session *s)
{
	char file[PATH_MAX];
	int fd, ret;

	if ((size_t)snprintf(file, sizeof(file), "%s/cgroup.events", s->cg) >= sizeof(file))
		return -ENAMETOOLONG;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		/* read on the polled fd itself: that re-arms POLLPRI (kernfs) */
		if ((ret = cgroup__events_populated(fd)) <= 0)
			break;
		if (stop_signal) {
			s->interrupted = stop_signal;
			ret = -EINTR;
			break;
		}
		/* cgroup.events raises POLLPRI on change; the timeout covers missed edges */
		if ((ret = pump(s, fd, POLLPRI, 500)) < 0)
			break;
	}
	close(fd);
	return ret < 0 ? ret : 0;
}

/* The container cgroups of the recording that still hold a task. */
static unsigned containers_running(struct session *s)
{
	char path[PATH_MAX];
	unsigned n = 0;

	for (uint32_t i = 0; i < SC_RECORD_SLOTS; i++)
		if (s->kind[i] == SLOT_CONTAINER && (size_t)snprintf(path, sizeof(path), "%s%s", s->mnt, s->path[i]) <
		    sizeof(path) && cgroup__populated(path) > 0)
			n++;
	return n;
}

/*
 * After the command: the containers it started run on (`docker run -d`, or an engine
 * that returns before its container is gone): wait for them, or for a signal, which
 * stops the wait but not them. 0 or -errno.
 */
static int wait_containers(struct session *s, struct sc_recording *out)
{
	unsigned n;
	int err;

	/* the events of what the command did, then the window closes */
	if ((err = pump(s, -1, 0, 0)) < 0)
		return err;
	s->taking = false;
	if (!(n = containers_running(s)))
		return 0;
	sc_info("waiting for the %u container%s started while the command ran to exit (a signal stops the "
		"recording, not the container%s)", n, n == 1 ? "" : "s", n == 1 ? "" : "s");
	while ((n = containers_running(s))) {
		if (stop_signal) {
			s->interrupted = stop_signal;
			out->ctrs_running = n;
			sc_warn("%s: stopped recording %u running container%s; the profile holds what %s did until now",
				strsignal(stop_signal), n, n == 1 ? "" : "s", n == 1 ? "it" : "they");
			return 0;
		}
		if ((err = pump(s, -1, 0, 200)) < 0)
			return err;
	}
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
	/* child: nothing but its filter and execve, so the recording starts with the command */
	if (s->o->filter) {
		if ((s->o->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, s->o->filter) < 0) {
			e = errno | CHILD_FILTER_FAILED;
			if (write(s->errpipe[1], &e, sizeof(e)) < 0)
				_exit(127);
			_exit(127);
		}
	}
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
	if (r == sizeof(e) && (e & CHILD_FILTER_FAILED)) {
		sc_err("cannot install the seccomp filter before running %s: %s", path, strerror(e & ~CHILD_FILTER_FAILED));
		waitpid(pid, NULL, 0);
		return 127;
	}
	if (r == sizeof(e)) {
		sc_err("record: cannot execute %s: %s", path, strerror(e));
		waitpid(pid, NULL, 0);
		return 127;
	}
	if ((err = wait_child(s, pid, status)))
		return err;
	child_pid = 0;
	err = wait_leftovers(s);
	if (err == -EINTR)
		return stop_leftovers(s);
	if (err < 0 && !s->err)
		sc_warn("cannot tell whether %s is empty (%s): the recording may miss its last calls", s->cg,
			strerror(-err));
	return s->err;
}

struct arg_ctx {
	struct session *s;
	struct sc_recording *out;
};

/* recorder__read_args' callback: a value of a slot of the recording, with whose slot it is. */
static void take_arg(void *ctx, const struct sc_arg_key *k)
{
	struct arg_ctx *a = ctx;
	struct sc_record_arg *v;

	if (k->slot >= SC_RECORD_SLOTS || a->s->kind[k->slot] == SLOT_LATE)
		return;
	if (!(v = realloc(a->out->args, (a->out->n_args + 1) * sizeof(*v)))) {
		a->out->args_lost++;	/* said like a full map: names only */
		return;
	}
	a->out->args = v;
	a->out->args[a->out->n_args++] = (struct sc_record_arg){
		a->s->kind[k->slot] == SLOT_CONTAINER ? a->s->slot_cgid[k->slot] : 0, k->phase, k->nr, k->value };
}

/* recorder__drain_denials' callback: the container cgroups' refusals into the recording. */
static void take_denial(void *ctx, const struct sc_deny_key *k, uint64_t count)
{
	struct sc_recording *out = ctx;
	struct sc_record_denial *d;

	for (size_t i = 0; i < out->n_ctrs; i++) {
		if (out->ctrs[i].cgid != k->cgid)
			continue;
		if (!(d = realloc(out->denied, (out->n_denied + 1) * sizeof(*d))))
			return;		/* out of memory: the profile answers it with the default */
		out->denied = d;
		out->denied[out->n_denied++] = (struct sc_record_denial){ k->cgid, k->abi, k->nr, k->ret, count };
		return;
	}
}

/* A container slot's counts, handed to @out. 0 or -ENOMEM. */
static int take_container(struct session *s, uint32_t slot, struct sc_recording *out)
{
	struct sc_record_cgroup *c;

	if (!(c = realloc(out->ctrs, (out->n_ctrs + 1) * sizeof(*c))))
		return -ENOMEM;
	out->ctrs = c;
	c = &out->ctrs[out->n_ctrs++];
	c->cgid = s->slot_cgid[slot];
	c->path = s->path[slot];
	c->counts = s->total[slot];
	s->path[slot] = NULL;
	s->total[slot] = NULL;
	return 0;
}

/*
 * Every claimed slot is the command's cgroup or one created below it, even if removed
 * since, or a container's the events named.
 */
static int sum_slots(struct session *s, struct sc_recording *out)
{
	struct sc_recorder_stats st;
	int err = fold_slots(s);

	if (err)
		return err;
	for (uint32_t slot = 0; slot < SC_RECORD_SLOTS; slot++) {
		if (!s->total[slot] || s->kind[slot] == SLOT_LATE)
			continue;
		if (s->kind[slot] == SLOT_CONTAINER) {
			if (take_container(s, slot, out)) {
				sc_err("out of memory");
				return -ENOMEM;
			}
			continue;
		}
		slot_counts__sum_phases(s->total[slot], &out->tally);
		slot_counts__sum_phase(s->total[slot], SC_FILTERED, &out->filtered);
		out->uncounted += s->total[slot]->uncounted;
		if (slot != s->slot)
			out->subcgroups++;
	}
	out->args_kept = recorder__args(s->rec);
	if (out->args_kept) {
		struct arg_ctx a = { s, out };
		uint64_t lost;

		recorder__read_args(s->rec, take_arg, &a, &lost);
		out->args_lost += lost;
	}
	if (recorder__denials(s->rec) && (err = recorder__drain_denials(s->rec, take_denial, out)) < 0)
		sc_warn("cannot read what the containers' filters refused: %s", strerror(-err));
	recorder__stats(s->rec, &st);
	if (st.denied_lost)
		sc_warn("%llu refusals by seccomp filters found the denial map full: calls the engine's filter "
			"refused may be answered by the profile's default errno", (unsigned long long)st.denied_lost);
	out->table_full = st.table_full;
	out->events_lost = st.events_lost;
	return 0;
}

void recording__free(struct sc_recording *r)
{
	for (size_t i = 0; i < r->n_ctrs; i++) {
		free(r->ctrs[i].path);
		free(r->ctrs[i].counts);
	}
	free(r->ctrs);
	free(r->denied);
	free(r->args);
	r->ctrs = NULL;
	r->denied = NULL;
	r->args = NULL;
	r->n_ctrs = r->n_denied = r->n_args = 0;
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
	for (int i = 0; i < SC_RECORD_SLOTS; i++) {
		free(s->total[i]);
		free(s->path[i]);
	}
}

int record__run(const struct sc_record_opts *o, char **argv, struct sc_recording *out)
{
	struct session s = { .o = o, .cgfd = -1, .errpipe = { -1, -1 }, .evfd = -1 };
	unsigned every;
	char *path = sc_resolve_command(argv[0]);
	int ret;

	memset(out, 0, sizeof(*out));
	if (!path) {
		sc_err("record: %s: %s", argv[0], strerror(errno));
		return 127;
	}
	clock_gettime(CLOCK_MONOTONIC, &s.folded);
	s.retried = s.folded;
	s.raw = malloc(sizeof(*s.raw));
	if (!s.raw) {
		sc_err("out of memory");
		ret = -ENOMEM;
	} else if (!(ret = make_cgroup(&s)) && !(ret = start_recorder(&s))) {
		every = sc_read_interval_max(recorder__ncpus(s.rec));
		s.read_every_ms = (every > 10 ? 10 : every) * 1000;
		ret = run_command(&s, path, argv, &out->status);
		if (!ret && o->containers && !s.interrupted)
			ret = wait_containers(&s, out);
	}
	if (!ret)
		ret = sum_slots(&s, out);
	out->interrupted = s.interrupted;
	end_session(&s);
	free(path);
	if (ret)
		recording__free(out);
	return ret;
}
