// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A program that makes more distinct syscalls than the recorder counts one by one in a
 * cgroup (SC_SLOT_KEYS): about 160 of them, each once, each harmless (a bad fd, a
 * path that does not exist, a NULL pointer, an impossible id: they fail at once and
 * change nothing). The recorder must still put every one of them in the profile.
 * x86_64 only; prints the number of calls made.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

#define BADFD	-1L
#define NOPATH	((long)"/nonexistent/syscensus-many")
#define NOPID	0x7ffffff0L

static const struct {
	long nr, a0, a1, a2, a3, a4, a5;
} calls[] = {
	{ SYS_read, BADFD }, { SYS_write, BADFD }, { SYS_close, BADFD }, { SYS_fstat, BADFD },
	{ SYS_lseek, BADFD }, { SYS_mmap, 0, 0, 0, 0, BADFD }, { SYS_mprotect, 0, 0, 0 },
	{ SYS_munmap, 0, 0 }, { SYS_brk, 0 }, { SYS_rt_sigprocmask, 0, 0, 0, 8 }, { SYS_ioctl, BADFD },
	{ SYS_pread64, BADFD }, { SYS_pwrite64, BADFD }, { SYS_readv, BADFD }, { SYS_writev, BADFD },
	{ SYS_access, NOPATH }, { SYS_pipe, 0 }, { SYS_select, -1 }, { SYS_sched_yield },
	{ SYS_mremap, 0, 0, 0, 0 }, { SYS_msync, 0, 0, 0 }, { SYS_madvise, 0, 0, 0 }, { SYS_dup, BADFD },
	{ SYS_dup2, BADFD, BADFD }, { SYS_nanosleep, 0 }, { SYS_getitimer, -1 }, { SYS_alarm, 0 },
	{ SYS_setitimer, -1 }, { SYS_getpid }, { SYS_sendfile, BADFD, BADFD }, { SYS_socket, -1 },
	{ SYS_connect, BADFD }, { SYS_accept, BADFD }, { SYS_sendto, BADFD }, { SYS_recvfrom, BADFD },
	{ SYS_sendmsg, BADFD }, { SYS_recvmsg, BADFD }, { SYS_shutdown, BADFD }, { SYS_bind, BADFD },
	{ SYS_listen, BADFD }, { SYS_getsockname, BADFD }, { SYS_getpeername, BADFD },
	{ SYS_socketpair, -1 }, { SYS_setsockopt, BADFD }, { SYS_getsockopt, BADFD },
	{ SYS_wait4, NOPID, 0, 1 /* WNOHANG */ }, { SYS_kill, NOPID, 0 }, { SYS_uname, 0 },
	{ SYS_semget, 0x5c5c5c5c, 0, 0 }, { SYS_semop, -1 }, { SYS_semctl, -1 }, { SYS_shmdt, 0 },
	{ SYS_msgget, 0x5c5c5c5c, 0 }, { SYS_msgsnd, -1 }, { SYS_msgrcv, -1, 0, 0, 0, 04000 },
	{ SYS_msgctl, -1 }, { SYS_fcntl, BADFD }, { SYS_flock, BADFD }, { SYS_fsync, BADFD },
	{ SYS_fdatasync, BADFD }, { SYS_truncate, NOPATH }, { SYS_ftruncate, BADFD },
	{ SYS_getdents, BADFD }, { SYS_getcwd, 0, 0 }, { SYS_chdir, NOPATH }, { SYS_fchdir, BADFD },
	{ SYS_rename, NOPATH, NOPATH }, { SYS_mkdir, NOPATH }, { SYS_rmdir, NOPATH },
	{ SYS_link, NOPATH, NOPATH }, { SYS_unlink, NOPATH }, { SYS_symlink, NOPATH, NOPATH },
	{ SYS_readlink, NOPATH, 0, 0 }, { SYS_chmod, NOPATH }, { SYS_fchmod, BADFD },
	{ SYS_chown, NOPATH }, { SYS_fchown, BADFD }, { SYS_lchown, NOPATH }, { SYS_gettimeofday, 0, 0 },
	{ SYS_getrlimit, -1 }, { SYS_getrusage, -100 }, { SYS_sysinfo, 0 }, { SYS_times, 0 },
	{ SYS_ptrace, -1 }, { SYS_getuid }, { SYS_syslog, -1 }, { SYS_getgid }, { SYS_setuid, -1 },
	{ SYS_setgid, -1 }, { SYS_geteuid }, { SYS_getegid }, { SYS_setpgid, -1 }, { SYS_getppid },
	{ SYS_getpgrp }, { SYS_setreuid, -1, -1 }, { SYS_setregid, -1, -1 }, { SYS_getgroups, 0, 0 },
	{ SYS_setgroups, -1 }, { SYS_setresuid, -1, -1, -1 }, { SYS_getresuid, 0, 0, 0 },
	{ SYS_setresgid, -1, -1, -1 }, { SYS_getresgid, 0, 0, 0 }, { SYS_getpgid, 0 },
	{ SYS_setfsuid, -1 }, { SYS_setfsgid, -1 }, { SYS_getsid, 0 }, { SYS_capget, 0, 0 },
	{ SYS_capset, 0, 0 }, { SYS_rt_sigpending, 0, 8 }, { SYS_sigaltstack, 0, 0 },
	{ SYS_utime, NOPATH, 0 }, { SYS_mknod, NOPATH }, { SYS_personality, 0xffffffff },
	{ SYS_statfs, NOPATH }, { SYS_fstatfs, BADFD }, { SYS_sysfs, -1 }, { SYS_getpriority, -1 },
	{ SYS_setpriority, -1 }, { SYS_sched_setparam, -1 }, { SYS_sched_getparam, -1 },
	{ SYS_sched_setscheduler, -1 }, { SYS_sched_getscheduler, -1 },
	{ SYS_sched_get_priority_max, -1 }, { SYS_sched_get_priority_min, -1 },
	{ SYS_sched_rr_get_interval, -1 }, { SYS_mlock, 0, 0 }, { SYS_munlock, 0, 0 },
	{ SYS_mlockall, 0 }, { SYS_prctl, -1 }, { SYS_arch_prctl, -1 }, { SYS_adjtimex, 0 },
	{ SYS_setrlimit, -1 }, { SYS_chroot, NOPATH }, { SYS_umount2, NOPATH, 0 },
	{ SYS_swapoff, NOPATH }, { SYS_gettid }, { SYS_readahead, BADFD }, { SYS_setxattr, NOPATH },
	{ SYS_lsetxattr, NOPATH }, { SYS_fsetxattr, BADFD }, { SYS_getxattr, NOPATH },
	{ SYS_lgetxattr, NOPATH }, { SYS_fgetxattr, BADFD }, { SYS_listxattr, NOPATH },
	{ SYS_llistxattr, NOPATH }, { SYS_flistxattr, BADFD }, { SYS_removexattr, NOPATH },
	{ SYS_lremovexattr, NOPATH }, { SYS_fremovexattr, BADFD }, { SYS_tkill, NOPID, 0 },
	{ SYS_time, 0 }, { SYS_sched_setaffinity, 0, 0, 0 }, { SYS_sched_getaffinity, 0, 0, 0 },
	{ SYS_io_setup, 0, 0 }, { SYS_io_destroy, 0 }, { SYS_epoll_create, 0 },
	{ SYS_getdents64, BADFD }, { SYS_fadvise64, BADFD }, { SYS_timer_create, -1 },
	{ SYS_timer_delete, -1 }, { SYS_clock_getres, -1 }, { SYS_epoll_wait, BADFD },
	{ SYS_epoll_ctl, BADFD }, { SYS_tgkill, NOPID, NOPID, 0 }, { SYS_utimes, NOPATH, 0 },
	{ SYS_waitid, -1 }, { SYS_keyctl, -1 }, { SYS_ioprio_get, -1 }, { SYS_inotify_add_watch, BADFD },
	{ SYS_openat, BADFD, (long)"x" }, { SYS_mkdirat, BADFD, (long)"x" },
	{ SYS_unlinkat, BADFD, (long)"x" }, { SYS_faccessat, BADFD, (long)"x" },
	{ SYS_splice, BADFD, 0, BADFD }, { SYS_tee, BADFD, BADFD }, { SYS_timerfd_create, -1 },
	{ SYS_eventfd2, 0, -1 }, { SYS_epoll_create1, -1 }, { SYS_dup3, BADFD, BADFD, 0 },
	{ SYS_pipe2, 0, 0 }, { SYS_inotify_init1, -1 }, { SYS_prlimit64, NOPID, 0, 0, 0 },
	{ SYS_syncfs, BADFD }, { SYS_setns, BADFD }, { SYS_getcpu, 0, 0, 0 }, { SYS_getrandom, 0, 0, 0 },
	{ SYS_memfd_create, 0, 0 }, { SYS_statx, BADFD, (long)"x", 0, 0, 0 },
	{ SYS_pidfd_open, 0, -1 },
};

int main(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++, n++)
		syscall(calls[i].nr, calls[i].a0, calls[i].a1, calls[i].a2, calls[i].a3, calls[i].a4, calls[i].a5);
	printf("%u calls\n", n);
	return 0;
}
