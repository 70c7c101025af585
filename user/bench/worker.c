// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The timed loop, and the worker that runs it under a seccomp filter: a filter cannot be
 * removed once loaded, so the configurations "under a filter" run in a child of the bench,
 * started in the bench's tracked cgroup and on its CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* The child: load the filter, then answer each call count with ns per call, until 0. */
static void __attribute__((noreturn)) worker_main(int in, int out, enum sc_bench_who who)
{
	scmp_filter_ctx f;
	unsigned long n;
	double ns;

	/* allow everything; refuse acct (never called) or getppid (the loop) */
	f = seccomp_init(SCMP_ACT_ALLOW);
	if (!f ||
	    seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM),
			     who == SC_BENCH_FILTER_DENIES ? SCMP_SYS(getppid) : SCMP_SYS(acct), 0) ||
	    seccomp_load(f))
		_exit(1);
	seccomp_release(f);
	while (read(in, &n, sizeof(n)) == sizeof(n) && n) {
		ns = bench__loop_ns(n);
		if (write(out, &ns, sizeof(ns)) != sizeof(ns))
			_exit(1);
	}
	_exit(0);
}

int worker__start(struct sc_worker *w, enum sc_bench_who who)
{
	int to[2], from[2];

	if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
		return -errno;
	w->pid = fork();
	if (w->pid < 0)
		return -errno;
	if (w->pid == 0) {
		close(to[1]);
		close(from[0]);
		worker_main(to[0], from[1], who);
	}
	close(to[0]);
	close(from[1]);
	w->to = to[1];
	w->from = from[0];
	return 0;
}

double worker__loop(struct sc_worker *w, unsigned long n)
{
	double ns = -1;

	if (write(w->to, &n, sizeof(n)) != sizeof(n) ||
	    read(w->from, &ns, sizeof(ns)) != sizeof(ns))
		return -1;
	return ns;
}

void worker__stop(struct sc_worker *w)
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
