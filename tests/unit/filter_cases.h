/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Hand-assembled classic BPF programs with the answer filter__run() must give, shared by
 * test_filter.c (the interpreter alone) and test_filter_kernel.c (the same programs
 * loaded into the kernel, whose answer must be the interpreter's).
 */
#ifndef SC_FILTER_CASES_H
#define SC_FILTER_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

struct filter_case {
	const char *name;
	const struct sock_filter *insns;
	size_t n;
	/* the seccomp_data the program runs on (filter__run has no instruction pointer: 0) */
	int nr;
	uint32_t arch;
	uint64_t args[6];
	uint32_t want;		/* filter__run's answer */
	/*
	 * The kernel refuses to load the program and the exact answer does not matter, as
	 * long as it is a kill (SECCOMP_RET_KILL_THREAD or _PROCESS): no call gets through.
	 */
	bool want_kill;
};

extern const struct filter_case filter_cases[];
extern const size_t n_filter_cases;

/*
 * The syscall number of the cases: none on x86_64 (or any architecture), so that a
 * kernel that lets it through answers ENOSYS, and nothing runs.
 */
#define FC_NR		1000

#endif
