// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What every stage of the bench does with the processes it starts: put them in a cgroup,
 * give them their output, and check that a tool is installed. Calls lib/ only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/internal.h"
#include "lib/util.h"

int bench__write_pid(const char *cgroup_dir, pid_t pid)
{
	char file[PATH_MAX], buf[24];
	int fd, n, ret = 0;
	ssize_t w;

	if ((size_t)snprintf(file, sizeof(file), "%s/cgroup.procs", cgroup_dir) >= sizeof(file))
		return -ENAMETOOLONG;
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	w = write(fd, buf, n);
	if (w != n)
		ret = w < 0 ? -errno : -EIO;	/* a short write leaves errno as it was */
	close(fd);
	return ret;
}

int bench__child_setup(const char *cgroup_dir, int fd, bool in)
{
	int err;

	if (fd < 0) {
		err = -errno;	/* from the caller's open() */
		sc_err("no output for %d: %s", (int)getpid(), strerror(-err));
		return err;
	}
	if ((err = bench__write_pid(cgroup_dir, getpid()))) {
		sc_err("cannot move %d into cgroup %s: %s", (int)getpid(), cgroup_dir, strerror(-err));
		return err;
	}
	if ((in && dup2(fd, STDIN_FILENO) < 0) || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0) {
		err = -errno;
		sc_err("cannot redirect the output of %d: %s", (int)getpid(), strerror(-err));
		return err;
	}
	return 0;
}

bool bench__have(const char *prog)
{
	char *p = sc_resolve_command(prog);
	bool found = p != NULL;

	free(p);
	return found;
}
