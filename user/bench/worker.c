// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The timed loop, and the worker that runs it under a seccomp filter: a filter cannot be
 * removed once loaded, so the configurations "under a filter" run in a child of the bench,
 * started in the bench's tracked cgroup and on its CPU.
 */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <seccomp.h>

#include "bench/internal.h"

double bench__loop_ns(unsigned long n)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
}

double bench__loop_prctl_ns(unsigned long n)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned long i = 0; i < n; i++)
		syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
}

/*
 * The child: load the filter, say whether it loaded (0 or -errno), then answer each call
 * count with ns per call, until 0.
 */
static void __attribute__((noreturn)) worker_main(int fd, enum sc_bench_who who)
{
	scmp_filter_ctx f;
	unsigned long n;
	int err = -ENOMEM;
	double ns;

	/* allow everything; refuse acct (never called) or getppid (the loop) */
	f = seccomp_init(SCMP_ACT_ALLOW);
	if (f)
		err = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM),
				       who == SC_BENCH_FILTER_DENIES ? SCMP_SYS(getppid) : SCMP_SYS(acct),
				       0);
	if (f && !err)
		err = seccomp_load(f);
	if (f)
		seccomp_release(f);
	if (send(fd, &err, sizeof(err), MSG_NOSIGNAL) != sizeof(err) || err)
		_exit(1);
	while (recv(fd, &n, sizeof(n), 0) == sizeof(n) && n) {
		ns = bench__loop_ns(n);
		if (send(fd, &ns, sizeof(ns), MSG_NOSIGNAL) != sizeof(ns))
			_exit(1);
	}
	_exit(0);
}

/*
 * A socket pair rather than pipes: MSG_NOSIGNAL, so a worker that died is an error
 * here and not a SIGPIPE that kills the bench; SEQPACKET keeps each number whole.
 */
int worker__start(struct sc_worker *w, enum sc_bench_who who)
{
	int sv[2], err = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	w->pid = fork();
	if (w->pid < 0) {
		err = -errno;
		w->pid = 0;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (w->pid == 0) {
		close(sv[0]);
		worker_main(sv[1], who);
	}
	/* the child's end closed here, so that its exit is an end of file */
	close(sv[1]);
	w->fd = sv[0];
	/* its filter loaded or not: a worker without one would time the wrong thing */
	if (recv(w->fd, &err, sizeof(err), 0) != sizeof(err))
		err = -ECHILD;
	if (err)
		worker__stop(w);
	return err;
}

double worker__loop(struct sc_worker *w, unsigned long n)
{
	double ns = -1;

	if (send(w->fd, &n, sizeof(n), MSG_NOSIGNAL) != sizeof(n) ||
	    recv(w->fd, &ns, sizeof(ns), 0) != sizeof(ns))
		return -1;
	return ns;
}

void worker__stop(struct sc_worker *w)
{
	unsigned long zero = 0;

	if (w->pid <= 0)
		return;
	if (send(w->fd, &zero, sizeof(zero), MSG_NOSIGNAL) < 0)
		kill(w->pid, SIGKILL);
	close(w->fd);
	waitpid(w->pid, NULL, 0);
	w->pid = 0;
}
