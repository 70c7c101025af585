// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock FAMILY TYPE: opens one socket and prints "ok", "refused" (EPERM, a profile's
 * answer) or the error. The argument-rule tests record and enforce it. Written in C, not
 * a script, so that nothing else opens a socket: an interpreter's start-up depends on the
 * environment (without HOME, python asks the passwd database, and glibc tries nscd's
 * AF_UNIX socket), which made the recorded families differ between machines.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int lookup(const char *name, const char *const names[], const int values[], int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return values[i];
	return -1;
}

int main(int argc, char **argv)
{
	static const char *const fams[] = { "inet", "inet6", "netlink" };
	static const int famv[] = { AF_INET, AF_INET6, AF_NETLINK };
	static const char *const types[] = { "dgram", "stream", "raw" };
	static const int typev[] = { SOCK_DGRAM, SOCK_STREAM, SOCK_RAW };
	int fam, type, fd;

	if (argc != 3 || (fam = lookup(argv[1], fams, famv, 3)) < 0 ||
	    (type = lookup(argv[2], types, typev, 3)) < 0) {
		fprintf(stderr, "usage: sock inet|inet6|netlink dgram|stream|raw\n");
		return 2;
	}
	fd = socket(fam, type, 0);
	if (fd < 0) {
		puts(errno == EPERM ? "refused" : strerror(errno));
		return 0;
	}
	close(fd);
	puts("ok");
	return 0;
}
