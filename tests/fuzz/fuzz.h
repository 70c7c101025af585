/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libFuzzer harnesses for the parsers of input a user, a container or a runtime controls
 * (make fuzz). Each harness is one file defining LLVMFuzzerTestOneInput; what they share
 * is here: a private directory, and writing the input where a parser reads a file.
 */
#ifndef SC_FUZZ_H
#define SC_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir_path[PATH_MAX];

static inline void fuzz_dir_remove(void)
{
	if (fuzz_dir_path[0])
		sc_rm_tree(fuzz_dir_path);
}

/* The harness's private directory, made once (under $TMPDIR or /tmp), removed at exit. */
static inline const char *fuzz_dir(void)
{
	if (!fuzz_dir_path[0]) {
		snprintf(fuzz_dir_path, sizeof(fuzz_dir_path), "%s/syscensus-fuzz.XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(fuzz_dir_path) || atexit(fuzz_dir_remove))
			abort();
	}
	return fuzz_dir_path;
}

/* Write @size bytes to @path (directories made), replacing it. Aborts on failure: the harness is broken. */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	char dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (sc_mkdir_p(dir, 0700))
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd))
		abort();
}

/* @data as a NUL-terminated string (malloc'd; the harness frees it). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
