// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Profile generation (seccomp/generate.c): a tally of observed calls in, a profile with
 * deterministic bytes out, ia32 calls named with the i386 table, numbers no table
 * names reported rather than invented.
 */
#include <stdlib.h>

#include "lib/json.h"
#include "lib/util.h"
#include "seccomp/generate.h"
#include "seccomp/syscalls.h"
#include "test.h"

static void native(struct sc_tally *t)
{
	int rd = syscall_nr(SCMP_ARCH_X86_64, "read"), wr = syscall_nr(SCMP_ARCH_X86_64, "write");
	struct sc_unnamed *un = NULL;
	struct sc_buf a = {}, b = {};
	size_t n_un = 0;
	cJSON *d1, *d2;

	memset(t, 0, sizeof(*t));
	t->n[SC_ABI_NATIVE][wr] = 3;
	t->n[SC_ABI_NATIVE][rd] = 5;
	t->n[SC_ABI_NATIVE][500] = 2;	/* no table names 500 */
	d1 = generate__profile(t, NULL, 0, NULL, &un, &n_un);
	json_write(&a, d1);
	ASSERT_MSG(n_un == 1 && un[0].nr == 500 && un[0].count == 2, "generate: unnamed number reported, not named",
		   "%zu unnamed", n_un);
	free(un);
	d2 = generate__profile(t, NULL, 0, NULL, &un, &n_un);
	json_write(&b, d2);
	free(un);
	ASSERT_MSG(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "generate: deterministic bytes",
		   "differ:\n%s\n%s", a.data, b.data);
	ASSERT_MSG(strstr(a.data, "\"exit_group\"") && strstr(a.data, "\"execve\"") && !strstr(a.data, "\"sigreturn\"") &&
		   strstr(a.data, "\"read\"") < strstr(a.data, "\"write\""),
		   "generate: sorted, with the always-allowed set", "%s", a.data);
	ASSERT_MSG(!strstr(a.data, "SCMP_ARCH_X86\""), "generate: no ia32 arch when none observed", "%s", a.data);
	cJSON_Delete(d1);
	cJSON_Delete(d2);
	sc_buf_free(&a);
	sc_buf_free(&b);
}

/* ia32 only: named with the i386 table, listed under SCMP_ARCH_X86 */
static void ia32(struct sc_tally *t)
{
	int open32 = syscall_nr(SCMP_ARCH_X86, "open");
	struct sc_unnamed *un = NULL;
	struct sc_buf a = {};
	size_t n_un = 0;
	cJSON *d;

	memset(t, 0, sizeof(*t));
	t->n[SC_ABI_COMPAT][open32] = 1;
	t->n[SC_ABI_COMPAT][SC_NR_OVERFLOW] = 4;
	d = generate__profile(t, NULL, 0, NULL, &un, &n_un);
	json_write(&a, d);
	ASSERT_MSG(strstr(a.data, "\"open\"") && strstr(a.data, "\"SCMP_ARCH_X86\"") && strstr(a.data, "\"sigreturn\""),
		   "generate: ia32 calls named with the x86 table", "%s", a.data);
	ASSERT_MSG(n_un == 1 && un[0].nr == -1 && un[0].count == 4, "generate: overflow bucket reported",
		   "%zu unnamed", n_un);
	free(un);
	cJSON_Delete(d);
	sc_buf_free(&a);
}

/* Companion calls: a clone brings futex and sched_yield, epoll_ctl the epoll waits; nothing else does */
static void companions(struct sc_tally *t)
{
	struct sc_unnamed *un = NULL;
	struct sc_buf a = {}, b = {};
	size_t n_un = 0;
	const char *first;
	cJSON *d;

	memset(t, 0, sizeof(*t));
	t->n[SC_ABI_NATIVE][syscall_nr(SCMP_ARCH_X86_64, "read")] = 1;
	d = generate__profile(t, NULL, 0, NULL, &un, &n_un);
	json_write(&a, d);
	free(un);
	cJSON_Delete(d);
	ASSERT_MSG(!strstr(a.data, "\"futex\"") && !strstr(a.data, "\"epoll_wait\"") && !strstr(a.data, "\"nanosleep\""),
		   "generate: no companion without its trigger", "%s", a.data);
	t->n[SC_ABI_NATIVE][syscall_nr(SCMP_ARCH_X86_64, "clone3")] = 1;
	t->n[SC_ABI_NATIVE][syscall_nr(SCMP_ARCH_X86_64, "epoll_ctl")] = 2;
	t->n[SC_ABI_NATIVE][syscall_nr(SCMP_ARCH_X86_64, "epoll_wait")] = 2;
	d = generate__profile(t, NULL, 0, NULL, &un, &n_un);
	json_write(&b, d);
	free(un);
	cJSON_Delete(d);
	ASSERT_MSG(strstr(b.data, "\"futex\"") && strstr(b.data, "\"sched_yield\"") && strstr(b.data, "\"epoll_pwait\"") &&
		   strstr(b.data, "\"epoll_pwait2\"") && !strstr(b.data, "\"nanosleep\""),
		   "generate: clone3 adds futex and sched_yield, epoll_ctl the epoll waits", "%s", b.data);
	first = strstr(b.data, "\"epoll_wait\"");
	ASSERT_MSG(first && !strstr(first + 1, "\"epoll_wait\""),
		   "generate: a companion already seen is listed once", "%s", b.data);
	ASSERT_MSG(generate__is_companion(t, SC_ABI_NATIVE, "futex") && !generate__is_companion(t, SC_ABI_NATIVE, "read") &&
		   !generate__is_companion(t, SC_ABI_NATIVE, "nanosleep"),
		   "generate: companions known as such (drift does not call them unused)", "futex/read/nanosleep");
	sc_buf_free(&a);
	sc_buf_free(&b);
}

void test_generate(void)
{
	struct sc_tally *t = calloc(1, sizeof(*t));

	if (!SETUP_OK(t, "generate: unnamed number reported, not named", "no memory for a tally"))
		return;
	native(t);
	ia32(t);
	companions(t);
	free(t);
}
