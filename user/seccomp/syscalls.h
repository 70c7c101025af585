/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef SC_SYSCALLS_H
#define SC_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>

/* A seccomp architecture as Docker/OCI profiles, libseccomp and Go name it. */
struct sc_arch {
	const char *docker;	/* "SCMP_ARCH_X86_64" */
	uint32_t token;		/* libseccomp SCMP_ARCH_X86_64 */
	const char *goarch;	/* "amd64": what includes/excludes.arches compare with */
};

const struct sc_arch *arch_by_docker(const char *name);
const struct sc_arch *arch_by_token(uint32_t token);
/* The architecture this binary runs on. */
const struct sc_arch *arch_native(void);
/* The architecture of the recorder's ABI slot (native or compat), NULL if none. */
const struct sc_arch *arch_of_abi(int abi);

/*
 * Name of syscall @nr on @arch: libseccomp's table, then syscensus's own list of
 * syscalls newer than the libseccomp build (numbers common to all ABIs since 5.1).
 * Returns a static or interned string, or NULL when nobody can name it.
 */
const char *syscall_name(uint32_t arch, int nr);

/*
 * Number of @name on @arch, or -1 when the syscall does not exist there (libseccomp's
 * negative pseudo-numbers, for multiplexed calls such as socketcall, count as absent).
 */
int syscall_nr(uint32_t arch, const char *name);

/*
 * Number for seccomp_rule_add(): libseccomp's native number or pseudo-number, which it
 * translates for every architecture of the filter; -1 when the name is unknown to
 * libseccomp. @supplement is set when the name is only known to syscensus's list.
 */
int syscall_rule_nr(const char *name, bool *supplement);

/* Whether any architecture we know has @name. */
bool syscall_known(const char *name);

/* Free the name cache (valgrind-clean exit). */
/*
 * What to call syscall @nr of recorder ABI @abi in a report: its name, "#NR" when no
 * table names it, "(number >= SC_NR_OVERFLOW)" for the overflow bucket. @buf is used for "#NR".
 */
const char *syscall_label(int abi, int nr, char *buf, size_t len);

void syscalls_cleanup(void);

#endif
