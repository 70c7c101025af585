// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * marker N: makes the sysinfo syscall exactly N times, then exits 0. The churn test
 * (tests/churn.sh) runs it as the whole of a container FROM scratch, statically linked,
 * so that every container of an image adds a known number of one syscall that neither
 * the runtime nor libc makes on its own.
 */
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>

int main(int argc, char **argv)
{
	struct sysinfo si;
	long n = argc == 2 ? strtol(argv[1], NULL, 10) : -1;

	if (n < 0 || n > 1000000)
		return 2;
	for (long i = 0; i < n; i++)
		if (syscall(SYS_sysinfo, &si) != 0)
			return 3;
	return 0;
}
