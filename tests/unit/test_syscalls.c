// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Syscall names per architecture (seccomp/syscalls.c), newer ones than libseccomp knows included. */
#include <stddef.h>

#include "seccomp/syscalls.h"
#include "test.h"

void test_syscalls(void)
{
	ASSERT_STREQ(syscall_name(SCMP_ARCH_X86_64, 462), "mseal", "names: 462 is mseal on x86_64 (newer than libseccomp)");
	ASSERT_MSG(syscall_name(SCMP_ARCH_X86, 5) && strcmp(syscall_name(SCMP_ARCH_X86, 5), "open") == 0 &&
		   syscall_name(SCMP_ARCH_X86_64, 5) && strcmp(syscall_name(SCMP_ARCH_X86_64, 5), "fstat") == 0,
		   "names: 5 is open on x86, fstat on x86_64", "got %s on x86, %s on x86_64",
		   syscall_name(SCMP_ARCH_X86, 5) ?: "NULL", syscall_name(SCMP_ARCH_X86_64, 5) ?: "NULL");
}
