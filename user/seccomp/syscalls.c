// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <seccomp.h>

#include "syscensus.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"

static const struct sc_arch arches[] = {
	{ "SCMP_ARCH_X86",         SCMP_ARCH_X86,         "x86" },
	{ "SCMP_ARCH_X86_64",      SCMP_ARCH_X86_64,      "amd64" },
	{ "SCMP_ARCH_X32",         SCMP_ARCH_X32,         "x32" },
	{ "SCMP_ARCH_ARM",         SCMP_ARCH_ARM,         "arm" },
	{ "SCMP_ARCH_AARCH64",     SCMP_ARCH_AARCH64,     "arm64" },
	{ "SCMP_ARCH_MIPS",        SCMP_ARCH_MIPS,        "mips" },
	{ "SCMP_ARCH_MIPS64",      SCMP_ARCH_MIPS64,      "mips64" },
	{ "SCMP_ARCH_MIPS64N32",   SCMP_ARCH_MIPS64N32,   "mips64n32" },
	{ "SCMP_ARCH_MIPSEL",      SCMP_ARCH_MIPSEL,      "mipsle" },
	{ "SCMP_ARCH_MIPSEL64",    SCMP_ARCH_MIPSEL64,    "mips64le" },
	{ "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32, "mips64n32le" },
	{ "SCMP_ARCH_PPC",         SCMP_ARCH_PPC,         "ppc" },
	{ "SCMP_ARCH_PPC64",       SCMP_ARCH_PPC64,       "ppc64" },
	{ "SCMP_ARCH_PPC64LE",     SCMP_ARCH_PPC64LE,     "ppc64le" },
	{ "SCMP_ARCH_S390",        SCMP_ARCH_S390,        "s390" },
	{ "SCMP_ARCH_S390X",       SCMP_ARCH_S390X,       "s390x" },
	{ "SCMP_ARCH_PARISC",      SCMP_ARCH_PARISC,      "parisc" },
	{ "SCMP_ARCH_PARISC64",    SCMP_ARCH_PARISC64,    "parisc64" },
	{ "SCMP_ARCH_RISCV64",     SCMP_ARCH_RISCV64,     "riscv64" },
};

const struct sc_arch *arch_by_docker(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (strcmp(arches[i].docker, name) == 0)
			return &arches[i];
	return NULL;
}

const struct sc_arch *arch_by_token(uint32_t token)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i].token == token)
			return &arches[i];
	return NULL;
}

const struct sc_arch *arch_native(void)
{
	return arch_by_token(seccomp_arch_native());
}

const struct sc_arch *arch_of_abi(int abi)
{
	const struct sc_arch *n = arch_native();

	if (!n)
		return NULL;
	if (abi == 0)
		return n;
	/* the compat ABI the BPF side tells apart (TS_COMPAT) */
	if (n->token == SCMP_ARCH_X86_64)
		return arch_by_token(SCMP_ARCH_X86);
	return NULL;
}

/*
 * Syscalls added to Linux after the libseccomp this was built with may have been
 * released: libseccomp 2.5.4 stops at 450 (Debian patches in 451-452). Since Linux 5.1
 * (424) new syscalls have one number on every ABI; these were checked against the
 * running 6.18 kernel's syscall trace events. map_shadow_stack is x86_64-only.
 */
static const struct {
	const char *name;
	int nr;
	bool native_only;
} supplement[] = {
	{ "cachestat", 451 }, { "fchmodat2", 452 }, { "map_shadow_stack", 453, true },
	{ "futex_wake", 454 }, { "futex_wait", 455 }, { "futex_requeue", 456 },
	{ "statmount", 457 }, { "listmount", 458 }, { "lsm_get_self_attr", 459 },
	{ "lsm_set_self_attr", 460 }, { "lsm_list_modules", 461 }, { "mseal", 462 },
	{ "setxattrat", 463 }, { "getxattrat", 464 }, { "listxattrat", 465 },
	{ "removexattrat", 466 }, { "open_tree_attr", 467 }, { "file_getattr", 468 },
	{ "file_setattr", 469 },
};

static bool supplement_applies(uint32_t arch, size_t i)
{
	if (arch != SCMP_ARCH_X86_64 && arch != SCMP_ARCH_X86 && arch != SCMP_ARCH_AARCH64 &&
	    arch != SCMP_ARCH_ARM && arch != SCMP_ARCH_RISCV64 && arch != SCMP_ARCH_S390X &&
	    arch != SCMP_ARCH_PPC64LE)
		return false;
	return !supplement[i].native_only || arch == SCMP_ARCH_X86_64;
}

/* Names from libseccomp (malloc'd there), kept per architecture slot and number. */
#define NAME_CACHE_NR 1024
static struct {
	uint32_t arch;
	char *name[NAME_CACHE_NR];
	bool looked[NAME_CACHE_NR];
} cache[4];

const char *syscall_label(int abi, int nr, char *buf, size_t len)
{
	static char overflow[32];	/* not in @buf: callers size it for "#NR" */
	const struct sc_arch *arch = arch_of_abi(abi);
	const char *n = arch && nr != SC_NR_OVERFLOW ? syscall_name(arch->token, nr) : NULL;

	if (nr == SC_NR_OVERFLOW) {
		if (!overflow[0])
			snprintf(overflow, sizeof(overflow), "(number >= %d)", SC_NR_OVERFLOW);
		return overflow;
	}
	if (n)
		return n;
	snprintf(buf, len, "#%d", nr);
	return buf;
}

void syscalls_cleanup(void)
{
	for (size_t a = 0; a < ARRAY_SIZE(cache); a++) {
		for (size_t i = 0; i < NAME_CACHE_NR; i++)
			free(cache[a].name[i]);
		memset(&cache[a], 0, sizeof(cache[a]));
	}
}

const char *syscall_name(uint32_t arch, int nr)
{
	char *name = NULL;
	size_t a;

	if (nr < 0)
		return NULL;
	for (a = 0; a < ARRAY_SIZE(cache); a++)
		if (cache[a].arch == arch || cache[a].arch == 0)
			break;
	if (a < ARRAY_SIZE(cache) && nr < NAME_CACHE_NR) {
		cache[a].arch = arch;
		if (!cache[a].looked[nr]) {
			cache[a].name[nr] = seccomp_syscall_resolve_num_arch(arch, nr);
			cache[a].looked[nr] = true;
		}
		name = cache[a].name[nr];
	}
	if (name)
		return name;
	for (size_t i = 0; i < ARRAY_SIZE(supplement); i++)
		if (supplement[i].nr == nr && supplement_applies(arch, i))
			return supplement[i].name;
	return NULL;
}

int syscall_nr(uint32_t arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	if (nr >= 0)
		return nr;
	if (nr != __NR_SCMP_ERROR)
		return -1;	/* pseudo-syscall: not a real number on this arch */
	for (size_t i = 0; i < ARRAY_SIZE(supplement); i++)
		if (strcmp(supplement[i].name, name) == 0 && supplement_applies(arch, i))
			return supplement[i].nr;
	return -1;
}

int syscall_rule_nr(const char *name, bool *supp)
{
	int nr = seccomp_syscall_resolve_name(name);

	*supp = false;
	if (nr != __NR_SCMP_ERROR)
		return nr;
	for (size_t i = 0; i < ARRAY_SIZE(supplement); i++)
		if (strcmp(supplement[i].name, name) == 0) {
			*supp = true;
			return supplement[i].nr;
		}
	return -1;
}

bool syscall_known(const char *name)
{
	bool supp;

	return syscall_rule_nr(name, &supp) != -1;
}
