// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tracers users would pick instead of syscensus (libbpf-tools syscount, bpftrace,
 * strace), each started for one measurement, out of the measured cgroup, and stopped
 * after it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/internal.h"
#include "lib/util.h"

static char self_pid[16];
/* line-buffered: syscount says it is ready on a stdout that is a file */
static const char *const argv_syscount[] = { "stdbuf", "-oL", "syscount", NULL };
static const char *const argv_bpftrace[] = {
	"bpftrace", "-e", "tracepoint:raw_syscalls:sys_enter { @[cgroup, args->id] = count(); }", NULL
};
static const char *const argv_strace[] = { "strace", "-f", "-c", "-p", self_pid, NULL };

static const struct {
	const char *const *argv;
	const char *ready;	/* printed once it is attached */
	const char *needs;	/* another program it needs, or NULL */
} tools[SC_NTOOLS] = {
	[SC_TOOL_SYSCOUNT] = { argv_syscount, "Ctrl+C", "syscount" },
	[SC_TOOL_BPFTRACE] = { argv_bpftrace, "Attaching", NULL },
	[SC_TOOL_STRACE] = { argv_strace, "attached", NULL },
};

bool tool__available(enum sc_bench_tool which)
{
	const char *needs = tools[which].needs;

	return bench__have(tools[which].argv[0]) && (!needs || bench__have(needs));
}

void tool__stop(struct sc_tool *t)
{
	if (t->pid <= 0)
		return;
	kill(t->pid, SIGINT);
	waitpid(t->pid, NULL, 0);
	t->pid = 0;
	unlink(t->out);
}

/* Fork the tool with its output to t->out. Returns 0 or -errno. */
static int tool_fork(struct sc_tool *t, const char *home)
{
	const char *const *argv = tools[t->which].argv;
	int fd, err;

	snprintf(self_pid, sizeof(self_pid), "%d", (int)getpid());
	snprintf(t->out, sizeof(t->out), "/tmp/syscensus-bench-tool.XXXXXX");
	fd = mkstemp(t->out);
	if (fd < 0)
		return -errno;
	t->pid = fork();
	if (t->pid < 0) {
		err = -errno;
		close(fd);
		unlink(t->out);
		return err;
	}
	if (t->pid == 0) {
		/* out of the measured cgroup: the tool's own calls are not the workload's */
		if (bench__child_setup(home, fd, false) == 0)
			execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd);
	return 0;
}

/* Start the tool and wait (at most 30 s) until it says it is attached. */
int tool__start(struct sc_tool *t, const char *home)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	const char *ready = tools[t->which].ready;
	char *text;
	int err;

	err = tool_fork(t, home);
	if (err)
		return err;
	for (int i = 0; i < 1500; i++) {
		bool seen;
		int st;

		text = sc_read_file(t->out, 1 << 20, NULL);
		seen = text && strstr(text, ready);
		free(text);
		if (seen) {
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
	text = sc_read_file(t->out, 4096, NULL);
	sc_debug("%s: no \"%s\" after 30 s; it printed: %s", tools[t->which].argv[0], ready,
		 text ? text : "?");
	free(text);
	tool__stop(t);
	return -ETIMEDOUT;
}
