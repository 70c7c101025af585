// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The shipped sample: issues a known set of syscalls, some rare, one from a thread and
 * one from a forked child, and checks each result. Exit 0 when everything worked; on
 * the first failure it prints "NAME: strerror" and exits 3, which is how a too-strict
 * profile shows (EPERM from the denied call).
 * Built native and, where gcc-multilib exists, as a 32-bit static binary (ia32 ABI).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "%s: %s\n", what, strerror(errno));
		exit(3);
	}
}

static void *thread_fn(void *arg)
{
	struct sysinfo si;

	/* the only sysinfo of the program: recorded from a second thread */
	*(int *)arg = syscall(SYS_sysinfo, &si) == 0 ? 0 : errno;
	return NULL;
}

int main(void)
{
	unsigned char rnd[16], vec[1];
	pthread_t th;
	int fd, tfd, thread_err = -1, status;
	void *page;
	pid_t pid;

	fd = syscall(SYS_memfd_create, "syscensus-sample", 0);
	check(fd >= 0, "memfd_create");
	check(syscall(SYS_flock, fd, LOCK_EX) == 0, "flock");
	tfd = syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0);
	check(tfd >= 0, "timerfd_create");
	check(syscall(SYS_getrandom, rnd, sizeof(rnd), 0) == (long)sizeof(rnd), "getrandom");
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(page != MAP_FAILED, "mmap");
	check(syscall(SYS_mincore, page, 4096, vec) == 0, "mincore");

	/* explicit, so that futex is always there whether pthread_join waits or not */
	check(syscall(SYS_futex, &thread_err, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0, "futex");
	errno = pthread_create(&th, NULL, thread_fn, &thread_err);
	check(errno == 0, "pthread_create");
	pthread_join(th, NULL);
	errno = thread_err;
	check(thread_err == 0, "sysinfo");

	pid = fork();
	check(pid >= 0, "fork");
	if (pid == 0) {
		struct tms t;

		/* the only times() of the program: recorded from a child process */
		if (syscall(SYS_times, &t) == (long)-1) {
			fprintf(stderr, "times: %s\n", strerror(errno));
			_exit(3);
		}
		_exit(0);
	}
	check(waitpid(pid, &status, 0) == pid, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		exit(3);
	printf("sample: all syscalls succeeded\n");
	return 0;
}
