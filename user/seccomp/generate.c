// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>

#include "lib/json.h"
#include "seccomp/crd.h"
#include "seccomp/generate.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"

/*
 * README, "What a generated profile contains". The second line is the vDSO's: a program
 * reads the clock without a syscall while the clocksource lets the vDSO do it, and with
 * the syscall where it does not (a VM without a stable TSC: hpet, acpi_pm; measured
 * under qemu on Debian's 6.1 kernel, where the agent's own filter, recorded on a host
 * with the vDSO at work, refused clock_gettime). Nothing a run shows tells them apart.
 */
const char *const sc_always_allowed[] = {
	"execve", "exit", "exit_group", "rt_sigreturn", "sigreturn", "restart_syscall",
	"clock_gettime", "clock_getres", "gettimeofday", "time", "getcpu", NULL,
};

const struct sc_companion sc_companions[] = {
	{ { "clone", "clone3", "fork", "vfork" }, { "futex", "sched_yield" },
	  "tasks that share memory wait for each other (futex) and yield (sched_yield) only when they "
	  "happen to contend: a run without contention shows neither" },
	{ { "epoll_ctl" }, { "epoll_wait", "epoll_pwait", "epoll_pwait2" },
	  "a program that registered with an epoll set waits on it with whichever call its library or "
	  "runtime picks (glibc epoll_wait, Go's netpoller epoll_pwait), maybe not during the recording" },
	{ { "nanosleep", "clock_nanosleep" }, { "nanosleep", "clock_nanosleep" },
	  "the same sleep is either call, by library and version (glibc >= 2.31 clock_nanosleep, Go nanosleep)" },
	{ { NULL } },
};

/*
 * Calls whose callers try them first and take an older path when, and only when, they
 * fail with ENOSYS (README, "Fallback calls"). A profile that did not see one of them
 * answers it ENOSYS, not EPERM: a run learned where the call was refused (Docker's
 * default answers clone3 ENOSYS) or not made (another kernel, another library version)
 * then still takes the older path it was learned with.
 */
const struct sc_fallback sc_fallbacks[] = {
	{ "clone3", "glibc >= 2.34 (pthread_create, posix_spawn): clone3, then clone on ENOSYS only" },
	{ "faccessat2", "glibc >= 2.33 faccessat, access with flags, euidaccess: then faccessat" },
	{ "statx", "glibc's statx() (and on i386 the whole stat family): then fstatat; crun: then fstat" },
	{ "preadv2", "glibc preadv2 with no flags: then preadv" },
	{ "pwritev2", "glibc pwritev2 with no flags: then pwritev" },
	{ "fchmodat2", "glibc >= 2.39 fchmodat with AT_SYMLINK_NOFOLLOW: then O_PATH and /proc" },
	{ "execveat", "glibc fexecve: then execve of /proc/self/fd/N" },
	{ "sendmmsg", "glibc's resolver (res_send): then one send per query" },
	{ "getrandom", "glibc >= 2.36 arc4random and Go >= 1.24 crypto/rand: then /dev/urandom (any other error aborts)" },
	{ "move_mount", "crun: then mount(2)" },
	{ "pidfd_open", "crun: then kill(2) by pid" },
	{ "pidfd_send_signal", "crun: then kill(2)" },
	/* i386 (compat): glibc tries the 64-bit time call first, then the 32-bit one */
	{ "clock_gettime64", "glibc on i386 (after the vDSO): then clock_gettime" },
	{ "clock_getres_time64", "glibc on i386: then clock_getres" },
	{ "clock_settime64", "glibc on i386: then clock_settime" },
	{ "clock_adjtime64", "glibc on i386: then clock_adjtime" },
	{ "timer_gettime64", "glibc on i386: then timer_gettime" },
	{ "timer_settime64", "glibc on i386: then timer_settime" },
	{ "timerfd_gettime64", "glibc on i386: then timerfd_gettime" },
	{ "sched_rr_get_interval_time64", "glibc on i386: then sched_rr_get_interval" },
	{ "recvmmsg_time64", "glibc on i386: then recvmmsg (socketcall)" },
	{ NULL, NULL },
};

/*
 * runc 1.1 (libcontainer/standard_init_linux.go): without no-new-privileges the filter
 * goes in before finalizeNamespace, with it after the user, capabilities, working
 * directory and the command's path lookup, just before execve. So the calls of those
 * steps fall under the filter in one mode and before it in the other: the capabilities
 * (capget, capset, prctl for the bounding set and keep-caps), the user (setgroups,
 * setgid, setuid, setres[gu]id as Go's runtime may issue them), the working directory
 * (chdir, fchdir, getcwd), stdio ownership (fstat, fchown), the parent check (getppid),
 * the path lookup (newfstatat, faccessat2) and the sync with the parent (read, write).
 * Measured with podman and Docker on runc 1.1.5: learned with no-new-privileges, a
 * busybox profile lacked capget, capset, chdir, faccessat2, fstat, read, setgid,
 * setgroups and setuid, and runc could not start the container without it.
 */
const char *const sc_runtime_setup[] = {
	"capget", "capset", "prctl", "setgroups", "setgid", "setuid", "setresgid", "setresuid",
	"chdir", "fchdir", "getcwd", "fstat", "fchown", "getppid", "newfstatat", "faccessat2",
	"read", "write", NULL,
};

bool generate__is_runtime_setup(int abi, int nr)
{
	const struct sc_arch *arch = arch_of_abi(abi);
	const char *name = arch && nr >= 0 && nr < SC_NR_OVERFLOW ? syscall_name(arch->token, nr) : NULL;

	for (size_t i = 0; name && sc_runtime_setup[i]; i++)
		if (!strcmp(name, sc_runtime_setup[i]))
			return true;
	return false;
}

void generate__add_runtime_setup(struct sc_tally *t, const struct sc_tally *before)
{
	for (int a = 0; a < SC_NR_ABIS; a++)
		for (int nr = 0; nr < SC_NR_OVERFLOW; nr++)
			if (before->n[a][nr] && generate__is_runtime_setup(a, nr))
				t->n[a][nr] += before->n[a][nr];
}

static bool in_names(const char *const *names, size_t from, size_t to, const char *name)
{
	for (size_t i = from; i < to; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* The companions of what names[from..n) holds, on @arch, appended; returns the new count. */
static size_t add_companions(const char **names, size_t from, size_t n, const struct sc_arch *arch)
{
	size_t end = n;

	for (const struct sc_companion *c = sc_companions; c->seen[0]; c++) {
		bool hit = false;

		for (size_t i = 0; i < ARRAY_SIZE(c->seen) && c->seen[i] && !hit; i++)
			hit = in_names(names, from, end, c->seen[i]);
		for (size_t i = 0; hit && i < ARRAY_SIZE(c->add) && c->add[i]; i++)
			if (syscall_nr(arch->token, c->add[i]) >= 0 && !in_names(names, from, n, c->add[i]))
				names[n++] = c->add[i];
	}
	return n;
}

bool generate__is_companion(const struct sc_tally *t, int abi, const char *name)
{
	const struct sc_arch *arch = arch_of_abi(abi);

	for (const struct sc_companion *c = sc_companions; arch && c->seen[0]; c++) {
		bool adds = false;

		for (size_t i = 0; i < ARRAY_SIZE(c->add) && c->add[i] && !adds; i++)
			adds = !strcmp(c->add[i], name);
		for (size_t i = 0; adds && i < ARRAY_SIZE(c->seen) && c->seen[i]; i++) {
			int nr = syscall_nr(arch->token, c->seen[i]);

			if (nr >= 0 && nr < SC_NR_PER_ABI && t->n[abi][nr])
				return true;
		}
	}
	return false;
}

bool sc_is_always_allowed(const char *name)
{
	for (size_t i = 0; sc_always_allowed[i]; i++)
		if (!strcmp(sc_always_allowed[i], name))
			return true;
	return false;
}

static bool abi_seen(const struct sc_tally *t, int abi)
{
	for (int n = 0; n < SC_NR_PER_ABI; n++)
		if (t->n[abi][n])
			return true;
	return false;
}

void generate__totals(const struct sc_tally *t, unsigned *distinct, uint64_t *calls)
{
	*distinct = 0;
	*calls = 0;
	for (int a = 0; a < SC_NR_ABIS; a++)
		for (int n = 0; n < SC_NR_PER_ABI; n++) {
			*distinct += t->n[a][n] != 0;
			*calls += t->n[a][n];
		}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names to allow, sorted and unique; NULL on allocation failure. */
static const char **allowed_names(const struct sc_tally *t, size_t *count, struct sc_unnamed **un,
				  size_t *n_un)
{
	size_t cap = SC_NR_ABIS * (SC_NR_PER_ABI + ARRAY_SIZE(sc_always_allowed) + 4 * ARRAY_SIZE(sc_companions)),
	       n = 0, k = 0;
	const char **names = calloc(cap, sizeof(*names));
	struct sc_unnamed *u = calloc(SC_NR_ABIS * SC_NR_PER_ABI, sizeof(*u));

	if (!names || !u) {
		free(names);
		free(u);
		return NULL;
	}
	for (int a = 0; a < SC_NR_ABIS; a++) {
		const struct sc_arch *arch = arch_of_abi(a);
		size_t from = n;

		if (!abi_seen(t, a))
			continue;
		for (int nr = 0; nr < SC_NR_PER_ABI; nr++) {
			const char *name;

			if (!t->n[a][nr])
				continue;
			name = nr == SC_NR_OVERFLOW || !arch ? NULL : syscall_name(arch->token, nr);
			if (name)
				names[n++] = name;
			else
				u[k++] = (struct sc_unnamed){ a, nr == SC_NR_OVERFLOW ? -1 : nr, t->n[a][nr] };
		}
		if (arch)
			n = add_companions(names, from, n, arch);
		for (size_t i = 0; arch && sc_always_allowed[i]; i++)
			if (syscall_nr(arch->token, sc_always_allowed[i]) >= 0)
				names[n++] = sc_always_allowed[i];
	}
	qsort(names, n, sizeof(*names), cmp_str);
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		if (w == 0 || strcmp(names[w - 1], names[i]))
			names[w++] = names[i];
	n = w;
	*count = n;
	*un = u;
	*n_un = k;
	return names;
}

#define SC_STR_(x) #x
#define SC_STR(x) SC_STR_(x)

/* The syscalls whose risky argument is kept, and how a rule compares it (x86_64 numbers). */
static const struct {
	int nr;
	const char *name;
	unsigned index;		/* the argument compared */
	uint64_t mask;		/* SCMP_CMP_MASKED_EQ's mask */
} arg_rules[] = {
	{ SC_NR_IOCTL, "ioctl", 1, 0xffffffffULL },
	{ SC_NR_SOCKET, "socket", 0, 0xffffffffULL },	/* and the type: below */
	{ SC_NR_CLONE, "clone", 0, SC_CLONE_NS },
	{ SC_NR_PERSONALITY, "personality", 0, 0xffffffffULL },
	{ SC_NR_PRCTL, "prctl", 0, 0xffffffffULL },
	{ SC_NR_UNSHARE, "unshare", 0, SC_CLONE_NS },
};

static cJSON *masked_eq(unsigned index, uint64_t mask, uint64_t value)
{
	cJSON *c = cJSON_CreateObject();

	if (!c || !json_add(c, "index", json_u64_node(index)) || !json_add(c, "value", json_u64_node(mask)) ||
	    !json_add(c, "valueTwo", json_u64_node(value)) || !json_add(c, "op", cJSON_CreateString("SCMP_CMP_MASKED_EQ"))) {
		cJSON_Delete(c);
		return NULL;
	}
	return c;
}

/* One ALLOW rule for @name with its argument @value (struct sc_arg_key's encoding). */
static cJSON *arg_rule(size_t r, uint64_t value)
{
	cJSON *rule = cJSON_CreateObject(), *names, *args;

	if (!rule || !(names = cJSON_AddArrayToObject(rule, "names")) ||
	    !cJSON_AddItemToArray(names, cJSON_CreateString(arg_rules[r].name)) ||
	    !json_add(rule, "action", cJSON_CreateString("SCMP_ACT_ALLOW")) || !(args = cJSON_AddArrayToObject(rule, "args")))
		goto fail;
	if (arg_rules[r].nr == SC_NR_SOCKET) {
		/* the family, and the type without SOCK_NONBLOCK and SOCK_CLOEXEC */
		if (!cJSON_AddItemToArray(args, masked_eq(0, 0xffffffffULL, value & 0xffffffffULL)) ||
		    !cJSON_AddItemToArray(args, masked_eq(1, 0xf, value >> 32)))
			goto fail;
	} else if (!cJSON_AddItemToArray(args, masked_eq(arg_rules[r].index, arg_rules[r].mask, value))) {
		goto fail;
	}
	if (!json_add(rule, "comment", cJSON_CreateString(SC_ARGS_COMMENT)))
		goto fail;
	return rule;
fail:
	cJSON_Delete(rule);
	return NULL;
}

cJSON *generate__arg_rule(int nr, uint64_t value, const char *comment)
{
	for (size_t r = 0; r < ARRAY_SIZE(arg_rules); r++) {
		cJSON *rule;

		if (arg_rules[r].nr != nr)
			continue;
		rule = arg_rule(r, value);
		if (rule && comment) {
			cJSON *c = cJSON_CreateString(comment);

			if (!c || !cJSON_ReplaceItemInObjectCaseSensitive(rule, "comment", c)) {
				cJSON_Delete(c);
				cJSON_Delete(rule);
				return NULL;
			}
		}
		return rule;
	}
	return NULL;
}

bool generate__arg_judgeable(int nr, unsigned index, int op, uint64_t mask)
{
	for (size_t r = 0; r < ARRAY_SIZE(arg_rules); r++) {
		uint64_t kept;

		if (arg_rules[r].nr != nr)
			continue;
		/* socket keeps two: the family (low word of arg0) and the type without its flags (arg1 & 0xf) */
		if (nr == SC_NR_SOCKET && index <= 1)
			kept = index ? 0xf : 0xffffffffULL;
		else if (index == arg_rules[r].index)
			kept = arg_rules[r].mask;
		else
			return false;	/* an argument the recorder does not keep */
		if (op == SCMP_CMP_MASKED_EQ)
			return !(mask & ~kept);
		/* a comparison of the whole word: only where the whole low word is kept */
		return kept == 0xffffffffULL;
	}
	return false;
}

void generate__arg_vector(int nr, uint64_t value, uint64_t args[6])
{
	memset(args, 0, 6 * sizeof(*args));
	for (size_t r = 0; r < ARRAY_SIZE(arg_rules); r++) {
		if (arg_rules[r].nr != nr)
			continue;
		if (nr == SC_NR_SOCKET) {
			args[0] = value & 0xffffffffULL;
			args[1] = value >> 32;
		} else {
			args[arg_rules[r].index] = value;
		}
	}
}

bool generate__arg_syscall(const char *name, int *nr)
{
	for (size_t r = 0; r < ARRAY_SIZE(arg_rules); r++)
		if (!strcmp(name, arg_rules[r].name)) {
			*nr = arg_rules[r].nr;
			return true;
		}
	return false;
}

bool generate__is_arg_nr(int nr)
{
	for (size_t r = 0; r < ARRAY_SIZE(arg_rules); r++)
		if (nr == arg_rules[r].nr)
			return true;
	return false;
}

int generate__arg_value(const char *name, const struct sc_cond *c, size_t n, int *nr, uint64_t *value)
{
	for (size_t r = 0; r < ARRAY_SIZE(arg_rules); r++) {
		if (strcmp(name, arg_rules[r].name))
			continue;
		*nr = arg_rules[r].nr;
		if (arg_rules[r].nr == SC_NR_SOCKET) {
			if (n != 2 || c[0].index != 0 || c[0].op != SCMP_CMP_MASKED_EQ || c[0].value != 0xffffffffULL ||
			    c[1].index != 1 || c[1].op != SCMP_CMP_MASKED_EQ || c[1].value != 0xf || c[1].value2 > 0xf)
				return -ENOENT;
			*value = (c[0].value2 & 0xffffffffULL) | c[1].value2 << 32;
			return 0;
		}
		if (n != 1 || c[0].index != arg_rules[r].index || c[0].op != SCMP_CMP_MASKED_EQ ||
		    c[0].value != arg_rules[r].mask || (c[0].value2 & ~arg_rules[r].mask))
			return -ENOENT;
		*value = c[0].value2;
		return 0;
	}
	return -ENOENT;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

bool generate__arg_values(const struct sc_args *a, int nr, uint64_t vals[SC_ARG_VALUES_MAX], size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < a->n; i++) {
		bool dup = false;

		if (a->v[i].nr != nr)
			continue;
		for (size_t k = 0; k < *n; k++)
			dup |= vals[k] == a->v[i].value;
		if (dup)
			continue;
		if (*n == SC_ARG_VALUES_MAX)
			return true;
		vals[(*n)++] = a->v[i].value;
	}
	return false;
}

/*
 * For each syscall of arg_rules that @names (the plain ALLOW rule's, @n of them) holds,
 * seen on the native ABI only, with at most SC_ARG_VALUES_MAX values: the name leaves the
 * plain rule and gets one rule per value. Why a name stays plain is said in @why.
 * Returns the new count of @names, or -1 (out of memory).
 */
static long restrict_args(cJSON *rules, const char **names, size_t n, const struct sc_tally *t,
			  const struct sc_args *args, struct sc_buf *why)
{
	for (size_t r = 0; r < ARRAY_SIZE(arg_rules); r++) {
		const struct sc_arch *compat = arch_of_abi(SC_ABI_COMPAT);
		int cnr = compat ? syscall_nr(compat->token, arg_rules[r].name) : -1;
		uint64_t vals[SC_ARG_VALUES_MAX];
		size_t nv = 0, at = n;
		bool many = false;

		for (size_t i = 0; i < n; i++)
			if (!strcmp(names[i], arg_rules[r].name))
				at = i;
		if (at == n || !t->n[SC_ABI_NATIVE][arg_rules[r].nr])
			continue;
		for (size_t i = 0; i < args->n_plain; i++)
			many |= args->plain[i] == arg_rules[r].nr;
		if (many) {
			sc_buf_printf(why, "%s%s: allowed whatever its arguments by an earlier run", why->len ? "; " : "",
				      arg_rules[r].name);
			continue;
		}
		if (cnr >= 0 && cnr < SC_NR_PER_ABI && t->n[SC_ABI_COMPAT][cnr]) {
			sc_buf_printf(why, "%s%s: also called by 32-bit code (arguments kept for 64-bit only)",
				      why->len ? "; " : "", arg_rules[r].name);
			continue;
		}
		many = generate__arg_values(args, arg_rules[r].nr, vals, &nv);
		if (many || !nv) {
			sc_buf_printf(why, "%s%s: %s", why->len ? "; " : "", arg_rules[r].name,
				      many ? "more than " SC_STR(SC_ARG_VALUES_MAX) " argument values" : "no argument value kept");
			continue;
		}
		qsort(vals, nv, sizeof(vals[0]), cmp_u64);
		for (size_t k = 0; k < nv; k++) {
			cJSON *rule = arg_rule(r, vals[k]);

			if (!rule || !cJSON_AddItemToArray(rules, rule)) {
				cJSON_Delete(rule);
				return -1;
			}
		}
		memmove(&names[at], &names[at + 1], (n - at - 1) * sizeof(*names));
		n--;
	}
	return (long)n;
}

static int cmp_refused(const void *a, const void *b)
{
	const struct sc_refused *x = a, *y = b;

	if (x->err != y->err)
		return x->err < y->err ? -1 : 1;
	return x->abi != y->abi ? x->abi - y->abi : x->nr - y->nr;
}

/* @name in an errno rule already written to @rules. */
static bool in_errno_rules(const cJSON *rules, const char *name)
{
	const cJSON *r, *x;

	cJSON_ArrayForEach(r, rules) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");

		if (!cJSON_IsString(act) || strcmp(act->valuestring, "SCMP_ACT_ERRNO"))
			continue;
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r, "names"))
			if (cJSON_IsString(x) && !strcmp(x->valuestring, name))
				return true;
	}
	return false;
}

/*
 * One rule per errno for the calls of @ref (sorted here) the profile does not allow:
 * answered as the learning run's filter answered them. 0 or -ENOMEM.
 */
static int add_refused(cJSON *rules, struct sc_refused *ref, size_t n_ref, const char **allowed, size_t n_allowed)
{
	cJSON *rule = NULL, *names = NULL;
	unsigned rule_err = 0;

	if (n_ref)
		qsort(ref, n_ref, sizeof(*ref), cmp_refused);
	for (size_t i = 0; i < n_ref; i++) {
		const struct sc_arch *arch = arch_of_abi(ref[i].abi);
		const char *name = arch && ref[i].nr >= 0 ? syscall_name(arch->token, ref[i].nr) : NULL;

		if (!name || !ref[i].err || ref[i].err > 4095 || in_names(allowed, 0, n_allowed, name) ||
		    in_errno_rules(rules, name))
			continue;
		if (!rule || ref[i].err != rule_err) {
			rule_err = ref[i].err;
			if (!(rule = cJSON_CreateObject()) || !cJSON_AddItemToArray(rules, rule)) {
				cJSON_Delete(rule);
				return -ENOMEM;
			}
			if (!(names = cJSON_AddArrayToObject(rule, "names")) ||
			    !cJSON_AddStringToObject(rule, "action", "SCMP_ACT_ERRNO") ||
			    !cJSON_AddItemToObject(rule, "errnoRet", json_u64_node(ref[i].err)) ||
			    !cJSON_AddStringToObject(rule, "comment", SC_REFUSED_COMMENT))
				return -ENOMEM;
		}
		if (!cJSON_AddItemToArray(names, cJSON_CreateString(name)))
			return -ENOMEM;
	}
	return 0;
}

/*
 * The rule answering ENOSYS for the fallback calls not in @allowed (nor in an errno
 * rule already) that an ABI of @t has (none: no rule). 0 or -ENOMEM.
 */
static int add_fallbacks(cJSON *rules, const struct sc_tally *t, const char **allowed, size_t n_allowed)
{
	cJSON *rule = NULL, *names = NULL;

	for (const struct sc_fallback *f = sc_fallbacks; f->name; f++) {
		bool known = false;

		for (int a = 0; a < SC_NR_ABIS && !known; a++) {
			const struct sc_arch *arch = arch_of_abi(a);

			known = arch && (a == SC_ABI_NATIVE || abi_seen(t, a)) && syscall_nr(arch->token, f->name) >= 0;
		}
		if (!known || in_names(allowed, 0, n_allowed, f->name) || in_errno_rules(rules, f->name))
			continue;
		if (!rule) {
			if (!(rule = cJSON_CreateObject()) || !cJSON_AddItemToArray(rules, rule)) {
				cJSON_Delete(rule);
				return -ENOMEM;
			}
			if (!(names = cJSON_AddArrayToObject(rule, "names")))
				return -ENOMEM;
		}
		if (!cJSON_AddItemToArray(names, cJSON_CreateString(f->name)))
			return -ENOMEM;
	}
	if (rule && (!cJSON_AddStringToObject(rule, "action", "SCMP_ACT_ERRNO") ||
		     !cJSON_AddItemToObject(rule, "errnoRet", json_u64_node(ENOSYS)) ||
		     !cJSON_AddStringToObject(rule, "comment", SC_FALLBACK_COMMENT)))
		return -ENOMEM;
	return 0;
}

/* Whether @t holds a native call of one of the arg_rules syscalls. */
static bool any_arg_call(const struct sc_tally *t)
{
	for (size_t r = 0; r < ARRAY_SIZE(arg_rules); r++)
		if (t->n[SC_ABI_NATIVE][arg_rules[r].nr])
			return true;
	return false;
}

cJSON *generate__profile(const struct sc_tally *t, const struct sc_refused *ref, size_t n_ref,
			 const struct sc_args *args, struct sc_unnamed **un, size_t *n_un)
{
	cJSON *doc = cJSON_CreateObject(), *arches, *rules, *rule, *names;
	struct sc_refused *sorted = n_ref ? malloc(n_ref * sizeof(*sorted)) : NULL;
	const char **list = NULL, **plain = NULL;
	struct sc_buf why = {};
	size_t n = 0, n_plain;

	*un = NULL;
	*n_un = 0;
	if (!doc || (n_ref && !sorted)) {
		cJSON_Delete(doc);
		free(sorted);
		return NULL;
	}
	if (n_ref)
		memcpy(sorted, ref, n_ref * sizeof(*sorted));
	list = allowed_names(t, &n, un, n_un);
	if (!list || !(plain = calloc(n + 1, sizeof(*plain))))
		goto fail;
	memcpy(plain, list, n * sizeof(*plain));
	if (!cJSON_AddStringToObject(doc, "defaultAction", "SCMP_ACT_ERRNO") ||
	    !cJSON_AddItemToObject(doc, "defaultErrnoRet", json_u64_node(1)) ||
	    !(arches = cJSON_AddArrayToObject(doc, "architectures")))
		goto fail;
	for (int a = 0; a < SC_NR_ABIS; a++) {
		const struct sc_arch *arch = arch_of_abi(a);

		/* the native ABI is always listed: the filter always has it (runc, libseccomp) */
		if (arch && (a == SC_ABI_NATIVE || abi_seen(t, a)))
			cJSON_AddItemToArray(arches, cJSON_CreateString(arch->docker));
	}
	if (!(rules = cJSON_AddArrayToObject(doc, "syscalls")) || !(rule = cJSON_CreateObject()))
		goto fail;
	cJSON_AddItemToArray(rules, rule);
	if (!(names = cJSON_AddArrayToObject(rule, "names")) || !cJSON_AddStringToObject(rule, "action", "SCMP_ACT_ALLOW"))
		goto fail;
	n_plain = n;
	if (args && args->kept && !args->lost) {
		long k = restrict_args(rules, plain, n, t, args, &why);

		if (k < 0)
			goto fail;
		n_plain = (size_t)k;
	} else if (args && args->kept) {
		sc_buf_printf(&why, "%llu argument values found no room: every name allowed whatever its arguments",
			      (unsigned long long)args->lost);
	} else if (args && args->unkept && any_arg_call(t)) {
		sc_buf_printf(&why, "%s: every name allowed whatever its arguments", args->unkept);
	}
	for (size_t i = 0; i < n_plain; i++)
		cJSON_AddItemToArray(names, cJSON_CreateString(plain[i]));
	if ((why.len && !json_add(rule, "comment", cJSON_CreateString(why.data))) || why.oom ||
	    add_refused(rules, sorted, n_ref, list, n) || add_fallbacks(rules, t, list, n))
		goto fail;
	sc_buf_free(&why);
	free(plain);
	free(list);
	free(sorted);
	return doc;
fail:
	free(list);
	free(plain);
	sc_buf_free(&why);
	free(sorted);
	free(*un);
	*un = NULL;
	*n_un = 0;
	cJSON_Delete(doc);
	return NULL;
}

int generate__parse_forms(const char *s, unsigned *forms)
{
	if (!strcmp(s, "docker"))
		*forms = SC_FORM_DOCKER;
	else if (!strcmp(s, "crd"))
		*forms = SC_FORM_CRD;
	else if (!strcmp(s, "both"))
		*forms = SC_FORM_DOCKER | SC_FORM_CRD;
	else {
		sc_err("--profiles-format: expected docker, crd or both, not \"%s\"", s);
		return -EINVAL;
	}
	return 0;
}

int generate__parse_format(const char *s, enum sc_profile_format *out)
{
	static const char *const names[] = { [SC_PF_OCI] = "oci", [SC_PF_COMPLAIN] = "complain",
					     [SC_PF_SYSTEMD] = "systemd", [SC_PF_CRD] = "crd" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum sc_profile_format)i;
			return 0;
		}
	sc_err("--format: expected oci, complain, systemd or crd, not \"%s\"", s);
	return -EINVAL;
}

/*
 * systemd.exec(5): an allow list; what it does not list gets SystemCallErrorNumber=
 * (EPERM, as the OCI profile's defaultErrnoRet); SystemCallArchitectures= the ABIs seen.
 * systemd itself also lets execve, exit, exit_group, getrlimit, rt_sigreturn, sigreturn
 * and the time and sleep calls through.
 */
static void render_systemd(const cJSON *doc, const char *what, struct sc_buf *b)
{
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "syscalls"), *rule, *x;
	const cJSON *arches = cJSON_GetObjectItemCaseSensitive(doc, "architectures");
	const cJSON *note = cJSON_GetObjectItemCaseSensitive(doc, "comment");
	char safe[256];
	size_t col;
	bool first;

	/* a command's name is anybody's: one line of printable text in the comment */
	snprintf(safe, sizeof(safe), "%s", what);
	for (char *c = safe; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	sc_buf_printf(b, "# syscensus: the syscalls %s made (systemd.exec(5), SystemCallFilter=)\n", safe);
	if (cJSON_IsString(note))
		sc_buf_printf(b, "# %s\n", note->valuestring);
	sc_buf_puts(b, "[Service]\n");
	/*
	 * Every ALLOW rule's names, those of argument rules as bare names (systemd cannot
	 * compare arguments: allowing the name is the side that cannot break the service).
	 */
	const char *names[SC_NR_ABIS * SC_NR_PER_ABI];
	size_t n = 0;

	cJSON_ArrayForEach(rule, rules) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(rule, "action");

		if (!cJSON_IsString(act) || strcmp(act->valuestring, "SCMP_ACT_ALLOW"))
			continue;
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(rule, "names"))
			if (cJSON_IsString(x) && n < ARRAY_SIZE(names) && !in_names(names, 0, n, x->valuestring))
				names[n++] = x->valuestring;
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	sc_buf_puts(b, "SystemCallFilter=");
	col = 17;
	first = true;
	for (size_t i = 0; i < n; i++) {
		/* long lines folded with systemd's line continuation */
		if (!first && col + 1 + strlen(names[i]) > 96) {
			sc_buf_puts(b, " \\\n ");
			col = 1;
		} else if (!first) {
			sc_buf_puts(b, " ");
			col++;
		}
		sc_buf_puts(b, names[i]);
		col += strlen(names[i]);
		first = false;
	}
	sc_buf_puts(b, "\n");
	sc_buf_puts(b, "SystemCallErrorNumber=EPERM\nSystemCallArchitectures=native");
	cJSON_ArrayForEach(x, arches)
		if (cJSON_IsString(x) && !strcmp(x->valuestring, "SCMP_ARCH_X86") && arch_native()->token != SCMP_ARCH_X86)
			sc_buf_puts(b, " x86");
	sc_buf_puts(b, "\n");
}

int generate__render(cJSON *doc, enum sc_profile_format fmt, const char *what, struct sc_buf *b)
{
	cJSON *def;

	memset(b, 0, sizeof(*b));
	if (!doc)
		return -ENOMEM;
	if (fmt == SC_PF_SYSTEMD) {
		render_systemd(doc, what, b);
		cJSON_Delete(doc);
		if (b->oom) {
			sc_buf_free(b);
			return -ENOMEM;
		}
		return 0;
	}
	if (fmt == SC_PF_CRD) {
		char err[256];
		int ret = crd__render(doc, what, b, err, sizeof(err));

		cJSON_Delete(doc);
		if (ret)
			sc_err("the profile of %s cannot be a SeccompProfile: %s", what, err);
		return ret;
	}
	if (fmt == SC_PF_COMPLAIN) {
		/* what the profile refuses is logged by the kernel and let run: a rollout's first step */
		def = cJSON_CreateString("SCMP_ACT_LOG");
		if (!def || !cJSON_ReplaceItemInObjectCaseSensitive(doc, "defaultAction", def)) {
			cJSON_Delete(def);
			cJSON_Delete(doc);
			return -ENOMEM;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "defaultErrnoRet");
	}
	return json_render(doc, b);
}

cJSON *generate__report(const struct sc_tally *t)
{
	cJSON *doc = cJSON_CreateObject(), *abis, *always;
	unsigned distinct;
	uint64_t calls;

	if (!doc)
		return NULL;
	generate__totals(t, &distinct, &calls);
	cJSON_AddItemToObject(doc, "calls", json_u64_node(calls));
	cJSON_AddItemToObject(doc, "distinct", json_u64_node(distinct));
	abis = cJSON_AddObjectToObject(doc, "abis");
	for (int a = 0; abis && a < SC_NR_ABIS; a++) {
		const struct sc_arch *arch = arch_of_abi(a);
		cJSON *o, *sys, *unn;
		const char *names[SC_NR_PER_ABI];
		int idx[SC_NR_PER_ABI], n = 0;

		if (!abi_seen(t, a))
			continue;
		o = cJSON_AddObjectToObject(abis, arch ? arch->docker : "SCMP_ARCH_COMPAT");
		sys = cJSON_AddObjectToObject(o, "syscalls");
		unn = cJSON_AddArrayToObject(o, "unnamed");
		if (!sys || !unn)
			break;
		for (int nr = 0; nr < SC_NR_OVERFLOW; nr++) {
			const char *name;

			if (!t->n[a][nr])
				continue;
			name = arch ? syscall_name(arch->token, nr) : NULL;
			if (name) {
				names[n] = name;
				idx[n++] = nr;
			} else {
				cJSON *u = cJSON_CreateObject();

				cJSON_AddItemToObject(u, "nr", json_u64_node(nr));
				cJSON_AddItemToObject(u, "count", json_u64_node(t->n[a][nr]));
				cJSON_AddItemToArray(unn, u);
			}
		}
		/* sorted by name: insertion sort over at most SC_NR_OVERFLOW entries */
		for (int i = 1; i < n; i++)
			for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
				const char *tn = names[j];
				int ti = idx[j];

				names[j] = names[j - 1];
				idx[j] = idx[j - 1];
				names[j - 1] = tn;
				idx[j - 1] = ti;
			}
		for (int i = 0; i < n; i++)
			cJSON_AddItemToObject(sys, names[i], json_u64_node(t->n[a][idx[i]]));
		cJSON_AddItemToObject(o, "overflow", json_u64_node(t->n[a][SC_NR_OVERFLOW]));
	}
	always = cJSON_AddArrayToObject(doc, "alwaysAllowed");
	for (size_t i = 0; always && sc_always_allowed[i]; i++)
		cJSON_AddItemToArray(always, cJSON_CreateString(sc_always_allowed[i]));
	/* the companion rules: what a profile gets when it shows their trigger (README) */
	always = cJSON_AddArrayToObject(doc, "companions");
	for (const struct sc_companion *co = sc_companions; always && co->seen[0]; co++) {
		cJSON *o = cJSON_CreateObject(), *s, *ad;

		if (!o || !cJSON_AddItemToArray(always, o))
			break;
		s = cJSON_AddArrayToObject(o, "whenSeen");
		ad = cJSON_AddArrayToObject(o, "added");
		for (size_t i = 0; s && i < ARRAY_SIZE(co->seen) && co->seen[i]; i++)
			cJSON_AddItemToArray(s, cJSON_CreateString(co->seen[i]));
		for (size_t i = 0; ad && i < ARRAY_SIZE(co->add) && co->add[i]; i++)
			cJSON_AddItemToArray(ad, cJSON_CreateString(co->add[i]));
		cJSON_AddStringToObject(o, "why", co->why);
	}
	return doc;
}
