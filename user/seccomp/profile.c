// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Docker/OCI seccomp profiles: parse, validate, evaluate includes/excludes.
 *
 * Semantics follow what users get from `docker run --security-opt seccomp=FILE` and
 * podman: moby's setupSeccomp() selects rules (archMap, includes/excludes by Go arch,
 * capabilities, minKernel) and runc's InitSeccomp() turns them into libseccomp rules
 * (native architecture always present, rules equal to the default action skipped,
 * several conditions on one argument split into separate, OR-ed rules).
 *
 * seccomp/: everything that speaks profiles and filters: syscall names (syscalls.c),
 * parsing (this file), the evaluation context (context.c), compiling (compile.c), the
 * classic-BPF interpreter that answers as the kernel would (filter.c), generating a
 * profile from observed counts (generate.c) and file names for images (filename.c).
 * seccomp/ may call record/ (the counts' types) and lib/.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "seccomp/profile.h"
#include "seccomp/filter.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"

int profile__parse_unknown_policy(const char *s, enum sc_unknown_policy *out)
{
	if (strcmp(s, "fail") == 0)
		*out = SC_UNKNOWN_FAIL;
	else if (strcmp(s, "warn") == 0)
		*out = SC_UNKNOWN_WARN;
	else {
		sc_err("--unknown-syscalls: expected fail or warn, not \"%s\"", s);
		return -EINVAL;
	}
	return 0;
}

/* ---- parsing ---------------------------------------------------------------- */

struct pctx {
	const char *file;
	char *err;
	size_t errlen;
	const struct sc_eval_ctx *ev;
	enum sc_unknown_policy unknown;
};

static int fail(struct pctx *pc, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct pctx *pc, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(pc->err, pc->errlen, "%s: %s%s%s", pc->file, path, *path ? ": " : "", msg);
	return -EINVAL;
}

static void warn(struct pctx *pc, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct pctx *pc, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sc_warn("%s: %s%s%s", pc->file, path, *path ? ": " : "", msg);
}

enum act_kind { ACT_PLAIN, ACT_WITH_ERRNO, ACT_WITH_TRACE };

/* Warn about each field of @obj that is not in @known (runc ignores them too). */
static void warn_unknown_fields(struct pctx *pc, const cJSON *obj, const char *path,
				const char *const *known, size_t n)
{
	char sub[256];
	const cJSON *f;
	size_t i;

	cJSON_ArrayForEach(f, obj) {
		for (i = 0; i < n && strcmp(f->string, known[i]); i++)
			;
		if (i < n)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", f->string);
		warn(pc, sub, "unknown field ignored");
	}
}

static const struct {
	const char *name;
	uint32_t action;
	enum act_kind kind;
} actions[] = {
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, ACT_PLAIN },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), ACT_WITH_ERRNO },
	/* Docker and runc map SCMP_ACT_KILL to killing the thread */
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, ACT_PLAIN },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, ACT_PLAIN },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, ACT_PLAIN },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, ACT_PLAIN },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), ACT_WITH_TRACE },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, ACT_PLAIN },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, ACT_PLAIN },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* An errno value as a profile may give it: 1..4095 (what the kernel can return). */
static int get_errno(struct pctx *pc, const cJSON *v, const char *path, uint32_t *out)
{
	uint64_t n;
	int ret = json_u64(v, &n);

	if (!cJSON_IsNumber(v))
		return fail(pc, path, "expected a number");
	if (ret == -EINVAL)
		return fail(pc, path, "%s is not a whole number", v->valuestring);
	if (ret || n < 1 || n > 4095)
		return fail(pc, path, "%s is outside 1..4095", v->valuestring);
	*out = n;
	return 0;
}

static int get_action(struct pctx *pc, const cJSON *v, const char *path, const cJSON *errno_ret,
		      const char *errno_path, uint32_t default_errno, uint32_t *out)
{
	uint32_t e = 0;
	size_t i;

	if (!cJSON_IsString(v))
		return fail(pc, path, "expected a string such as \"SCMP_ACT_ALLOW\"");
	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (strcmp(actions[i].name, v->valuestring) == 0)
			break;
	if (i == ARRAY_SIZE(actions))
		return fail(pc, path, "unknown action \"%s\"", v->valuestring);
	if (actions[i].action == SCMP_ACT_NOTIFY)
		warn(pc, path, "SCMP_ACT_NOTIFY hands the call to a listener (listenerPath, a seccomp agent); "
			       "with none, as under syscensus exec, the call fails with ENOSYS");
	if (errno_ret && !cJSON_IsNull(errno_ret)) {
		if (actions[i].kind == ACT_PLAIN)
			return fail(pc, errno_path, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
				    v->valuestring);
		if (get_errno(pc, errno_ret, errno_path, &e))
			return -EINVAL;
	} else {
		/* runc: EPERM unless errnoRet (or, for the default action, defaultErrnoRet) says otherwise */
		e = actions[i].kind == ACT_WITH_ERRNO ? default_errno : EPERM;
	}
	*out = actions[i].kind == ACT_PLAIN ? actions[i].action : actions[i].action | e;
	return 0;
}

static bool is_str_array(const cJSON *v)
{
	const cJSON *c;

	if (!cJSON_IsArray(v))
		return false;
	cJSON_ArrayForEach(c, v)
		if (!cJSON_IsString(c))
			return false;
	return true;
}

static bool str_in(const cJSON *arr, const char *s)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, arr)
		if (strcmp(c->valuestring, s) == 0)
			return true;
	return false;
}

/* includes / excludes: validate, and say whether the rule applies (moby semantics). */
static const char *const filter_fields[] = { "arches", "caps", "minKernel" };

static int filter_applies(struct pctx *pc, const cJSON *f, const char *path, bool include, bool *applies)
{
	char sub[256];
	const cJSON *c, *arches, *caps, *mk;

	*applies = true;
	if (!f || cJSON_IsNull(f))
		return 0;
	if (!cJSON_IsObject(f))
		return fail(pc, path, "expected an object with arches, caps or minKernel");
	warn_unknown_fields(pc, f, path, filter_fields, ARRAY_SIZE(filter_fields));
	arches = cJSON_GetObjectItemCaseSensitive(f, "arches");
	caps = cJSON_GetObjectItemCaseSensitive(f, "caps");
	mk = cJSON_GetObjectItemCaseSensitive(f, "minKernel");
	if (arches && !cJSON_IsNull(arches)) {
		snprintf(sub, sizeof(sub), "%s.arches", path);
		if (!is_str_array(arches))
			return fail(pc, sub, "expected an array of strings");
		if (cJSON_GetArraySize(arches) > 0 && str_in(arches, pc->ev->goarch) != include)
			*applies = false;
	}
	if (caps && !cJSON_IsNull(caps)) {
		snprintf(sub, sizeof(sub), "%s.caps", path);
		if (!is_str_array(caps))
			return fail(pc, sub, "expected an array of strings");
		cJSON_ArrayForEach(c, caps) {
			int cap = cap_by_name(c->valuestring);
			bool held = cap >= 0 && (pc->ev->caps >> cap) & 1;

			if (cap < 0)
				warn(pc, sub, "unknown capability \"%s\" (taken as not held)", c->valuestring);
			/* includes: every listed cap is needed; excludes: any one excludes */
			if (include ? !held : held)
				*applies = false;
		}
	}
	if (mk && !cJSON_IsNull(mk)) {
		unsigned maj, min;
		char tail;

		snprintf(sub, sizeof(sub), "%s.minKernel", path);
		if (!cJSON_IsString(mk) || sscanf(mk->valuestring, "%u.%u%c", &maj, &min, &tail) != 2)
			return fail(pc, sub, "expected a kernel version such as \"4.8\"");
		bool ge = pc->ev->kmajor > maj || (pc->ev->kmajor == maj && pc->ev->kminor >= min);
		if (include ? !ge : ge)
			*applies = false;
	}
	return 0;
}

static const char *const cond_fields[] = { "index", "value", "valueTwo", "op" };

static int parse_cond(struct pctx *pc, const cJSON *a, const char *path, struct sc_cond *c)
{
	char sub[256];
	const cJSON *f;
	uint64_t v;
	size_t i;
	int ret;

	if (!cJSON_IsObject(a))
		return fail(pc, path, "expected an object with index, value, valueTwo and op");
	warn_unknown_fields(pc, a, path, cond_fields, ARRAY_SIZE(cond_fields));
	snprintf(sub, sizeof(sub), "%s.index", path);
	f = cJSON_GetObjectItemCaseSensitive(a, "index");
	if (!f)
		return fail(pc, sub, "missing");
	if (!cJSON_IsNumber(f) || json_u64(f, &v) || v > 5)
		return fail(pc, sub, "expected an argument index 0..5");
	c->index = v;

	static const char *const vf[] = { "value", "valueTwo" };
	for (int k = 0; k < 2; k++) {
		snprintf(sub, sizeof(sub), "%s.%s", path, vf[k]);
		f = cJSON_GetObjectItemCaseSensitive(a, vf[k]);
		v = 0;
		if (!f && k == 0)
			return fail(pc, sub, "missing");
		if (f) {
			if (!cJSON_IsNumber(f))
				return fail(pc, sub, "expected a number");
			ret = json_u64(f, &v);
			if (ret == -ERANGE)
				return fail(pc, sub, "%s is larger than 2^64-1", f->valuestring);
			if (ret)
				return fail(pc, sub, "%s is not a whole number in 0..2^64-1", f->valuestring);
		}
		if (k == 0)
			c->value = v;
		else
			c->value2 = v;
	}
	snprintf(sub, sizeof(sub), "%s.op", path);
	f = cJSON_GetObjectItemCaseSensitive(a, "op");
	if (!f)
		return fail(pc, sub, "missing");
	if (!cJSON_IsString(f))
		return fail(pc, sub, "expected a string such as \"SCMP_CMP_EQ\"");
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i].name, f->valuestring) == 0)
			break;
	if (i == ARRAY_SIZE(ops))
		return fail(pc, sub, "unknown operator \"%s\"", f->valuestring);
	c->op = ops[i].op;
	return 0;
}

static const char *const rule_fields[] = {
	"names", "name", "action", "errnoRet", "errno", "args", "comment", "includes", "excludes",
};

/* One syscall name of a rule: validated, kept, or skipped with a warning (runc's way). */
static int add_name(struct pctx *pc, struct sc_rule *rule, const cJSON *c, const char *path,
		    const char *fmt, size_t i)
{
	char sub[256];

	snprintf(sub, sizeof(sub), fmt, path, i);
	if (!*c->valuestring)
		return fail(pc, sub, "empty syscall name");
	if (!syscall_known(c->valuestring)) {
		if (pc->unknown == SC_UNKNOWN_FAIL)
			return fail(pc, sub, "unknown syscall \"%s\" (--unknown-syscalls=warn skips it, as runc does)",
				    c->valuestring);
		warn(pc, sub, "unknown syscall \"%s\" skipped", c->valuestring);
		return 0;
	}
	rule->names[rule->n_names] = strdup(c->valuestring);
	if (!rule->names[rule->n_names])
		return fail(pc, path, "out of memory");
	rule->n_names++;
	return 0;
}

/* "names" or "name": validated, unknown names failing or skipped by the policy. */
static int parse_names(struct pctx *pc, struct sc_rule *rule, const cJSON *r, const char *path)
{
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(r, "name"), *c;
	char sub[128];
	size_t i = 0;

	if (names && cJSON_IsNull(names))
		names = NULL;
	if (name && cJSON_IsNull(name))
		name = NULL;
	if (names && name && cJSON_GetArraySize(names) > 0)
		return fail(pc, path, "use either \"name\" or \"names\", not both");
	if (names && !is_str_array(names)) {
		snprintf(sub, sizeof(sub), "%s.names", path);
		return fail(pc, sub, "expected an array of syscall names");
	}
	if (name && !cJSON_IsString(name)) {
		snprintf(sub, sizeof(sub), "%s.name", path);
		return fail(pc, sub, "expected a string");
	}
	if (!names && !name)
		return fail(pc, path, "no \"names\" (or \"name\")");
	rule->names = calloc((names ? cJSON_GetArraySize(names) : 0) + 1, sizeof(char *));
	if (!rule->names)
		return fail(pc, path, "out of memory");
	if (name && add_name(pc, rule, name, path, "%s.name", 0))
		return -EINVAL;
	cJSON_ArrayForEach(c, names)
		if (add_name(pc, rule, c, path, "%s.names[%zu]", i++))
			return -EINVAL;
	return 0;
}

/* "args": the argument conditions. */
static int parse_args(struct pctx *pc, struct sc_rule *rule, const cJSON *f, const char *path)
{
	char sub[128];
	const cJSON *c;

	if (!f || cJSON_IsNull(f))
		return 0;
	snprintf(sub, sizeof(sub), "%s.args", path);
	if (!cJSON_IsArray(f))
		return fail(pc, sub, "expected an array");
	rule->conds = calloc(cJSON_GetArraySize(f) + 1, sizeof(*rule->conds));
	if (!rule->conds)
		return fail(pc, path, "out of memory");
	cJSON_ArrayForEach(c, f) {
		snprintf(sub, sizeof(sub), "%s.args[%zu]", path, rule->n_conds);
		if (parse_cond(pc, c, sub, &rule->conds[rule->n_conds]))
			return -EINVAL;
		rule->n_conds++;
	}
	return 0;
}

/* An optional string field: absent, null or a string. */
static int opt_string(struct pctx *pc, const cJSON *r, const char *key, const char *path, const char *what)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(r, key);
	char sub[128];

	if (!f || cJSON_IsNull(f) || cJSON_IsString(f))
		return 0;
	snprintf(sub, sizeof(sub), "%s.%s", path, key);
	return fail(pc, sub, "%s", what);
}

/* The errno a name such as "ENOSYS" stands for, or 0. */
static int errno_by_name(const char *name)
{
	static const struct { const char *alias; int e; } aliases[] = {
		{ "EWOULDBLOCK", EWOULDBLOCK }, { "EDEADLOCK", EDEADLOCK }, { "ENOTSUP", ENOTSUP },
	};

	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(name, aliases[i].alias))
			return aliases[i].e;
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	return 0;
}

/*
 * podman's "errno"/"defaultErrno" strings: runc, crun and containers/common read the
 * numbers (errnoRet, defaultErrnoRet) only, so the string never changes what the call
 * returns. Said when it names no errno, or another errno than the one returned.
 */
static void check_errno_name(struct pctx *pc, const cJSON *f, const char *path, const char *num_key,
			     uint32_t action)
{
	int e;

	if (!cJSON_IsString(f) || (action & ~0xffffU) != SCMP_ACT_ERRNO(0))
		return;
	e = errno_by_name(f->valuestring);
	if (!e)
		warn(pc, path, "\"%s\" is no errno name (runtimes ignore this field: the call returns %s, %u)",
		     f->valuestring, strerrorname_np(action & 0xffff) ?: "?", action & 0xffff);
	else if ((uint32_t)e != (action & 0xffff))
		warn(pc, path, "\"%s\" is not what the call returns: runtimes read %s only, and it returns %s "
		     "(%u); set \"%s\": %d to return %s", f->valuestring, num_key,
		     strerrorname_np(action & 0xffff) ?: "?", action & 0xffff, num_key, e, f->valuestring);
}

static int parse_rule(struct pctx *pc, struct sc_profile *p, const cJSON *r, unsigned idx)
{
	struct sc_rule *rule = &p->rules[idx];
	char path[64], sub[128], epath[128];
	const cJSON *f;
	bool inc, exc;

	snprintf(path, sizeof(path), "syscalls[%u]", idx);
	rule->idx = idx;
	if (!cJSON_IsObject(r))
		return fail(pc, path, "expected an object");
	warn_unknown_fields(pc, r, path, rule_fields, ARRAY_SIZE(rule_fields));
	if (parse_names(pc, rule, r, path))
		return -EINVAL;
	f = cJSON_GetObjectItemCaseSensitive(r, "action");
	snprintf(sub, sizeof(sub), "%s.action", path);
	if (!f)
		return fail(pc, sub, "missing");
	snprintf(epath, sizeof(epath), "%s.errnoRet", path);
	/* runc (getAction): a rule's ERRNO without errnoRet is EPERM, whatever defaultErrnoRet says */
	if (get_action(pc, f, sub, cJSON_GetObjectItemCaseSensitive(r, "errnoRet"), epath, EPERM,
		       &rule->action) ||
	    opt_string(pc, r, "errno", path, "expected a string such as \"EPERM\"") ||
	    opt_string(pc, r, "comment", path, "expected a string") ||
	    parse_args(pc, rule, cJSON_GetObjectItemCaseSensitive(r, "args"), path))
		return -EINVAL;
	snprintf(sub, sizeof(sub), "%s.includes", path);
	if (filter_applies(pc, cJSON_GetObjectItemCaseSensitive(r, "includes"), sub, true, &inc))
		return -EINVAL;
	snprintf(sub, sizeof(sub), "%s.excludes", path);
	if (filter_applies(pc, cJSON_GetObjectItemCaseSensitive(r, "excludes"), sub, false, &exc))
		return -EINVAL;
	rule->active = inc && exc;
	snprintf(sub, sizeof(sub), "%s.errno", path);
	check_errno_name(pc, cJSON_GetObjectItemCaseSensitive(r, "errno"), sub, "errnoRet", rule->action);
	return 0;
}

static int add_arch(struct pctx *pc, struct sc_profile *p, const cJSON *v, const char *path)
{
	const struct sc_arch *a;

	if (!cJSON_IsString(v))
		return fail(pc, path, "expected a string such as \"SCMP_ARCH_X86_64\"");
	a = arch_by_docker(v->valuestring);
	if (!a)
		return fail(pc, path, "unknown architecture \"%s\"", v->valuestring);
	for (size_t i = 0; i < p->n_arches; i++)
		if (p->arches[i] == a->token)
			return 0;
	p->arches[p->n_arches++] = a->token;
	return 0;
}

bool profile__has_arch(const struct sc_profile *p, uint32_t token)
{
	for (size_t i = 0; i < p->n_arches; i++)
		if (p->arches[i] == token)
			return true;
	return false;
}

static const char *const top_fields[] = {
	"defaultAction", "defaultErrnoRet", "defaultErrno", "architectures", "archMap",
	"syscalls", "flags", "listenerPath", "listenerMetadata", "comment",
};

/* One archMap entry: validated whole, kept only for the native architecture (moby). */
static int parse_archmap_entry(struct pctx *pc, struct sc_profile *p, const cJSON *c, size_t i)
{
	const cJSON *arch, *subs, *s;
	const struct sc_arch *a;
	char sub[256];
	size_t k = 0;

	snprintf(sub, sizeof(sub), "archMap[%zu]", i);
	if (!cJSON_IsObject(c))
		return fail(pc, sub, "expected an object with architecture and subArchitectures");
	arch = cJSON_GetObjectItemCaseSensitive(c, "architecture");
	subs = cJSON_GetObjectItemCaseSensitive(c, "subArchitectures");
	snprintf(sub, sizeof(sub), "archMap[%zu].architecture", i);
	if (!arch || !cJSON_IsString(arch))
		return fail(pc, sub, "expected a string such as \"SCMP_ARCH_X86_64\"");
	a = arch_by_docker(arch->valuestring);
	if (!a)
		return fail(pc, sub, "unknown architecture \"%s\"", arch->valuestring);
	snprintf(sub, sizeof(sub), "archMap[%zu].subArchitectures", i);
	if (subs && !cJSON_IsNull(subs) && !cJSON_IsArray(subs))
		return fail(pc, sub, "expected an array of strings");
	cJSON_ArrayForEach(s, subs) {
		snprintf(sub, sizeof(sub), "archMap[%zu].subArchitectures[%zu]", i, k++);
		if (!cJSON_IsString(s) || !arch_by_docker(s->valuestring))
			return fail(pc, sub, "unknown architecture %s%s%s", cJSON_IsString(s) ? "\"" : "",
				    cJSON_IsString(s) ? s->valuestring : "(not a string)", cJSON_IsString(s) ? "\"" : "");
	}
	if (a->token != pc->ev->native)
		return 0;
	snprintf(sub, sizeof(sub), "archMap[%zu].architecture", i);
	if (add_arch(pc, p, arch, sub))
		return -EINVAL;
	k = 0;
	cJSON_ArrayForEach(s, subs) {
		snprintf(sub, sizeof(sub), "archMap[%zu].subArchitectures[%zu]", i, k++);
		if (add_arch(pc, p, s, sub))
			return -EINVAL;
	}
	return 0;
}

/* "architectures" or "archMap" (not both): the architectures the filter also covers. */
static int parse_arches(struct pctx *pc, struct sc_profile *p)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(p->doc, "architectures");
	const cJSON *am = cJSON_GetObjectItemCaseSensitive(p->doc, "archMap"), *c;
	char sub[64];
	size_t i = 0, n = 0;

	if (f && cJSON_IsNull(f))
		f = NULL;
	if (am && cJSON_IsNull(am))
		am = NULL;
	if (f && am)
		return fail(pc, "archMap", "\"architectures\" and \"archMap\" cannot be used together");
	if (f && !cJSON_IsArray(f))
		return fail(pc, "architectures", "expected an array of strings");
	if (am && !cJSON_IsArray(am))
		return fail(pc, "archMap", "expected an array of objects");
	n = f ? cJSON_GetArraySize(f) : 0;
	cJSON_ArrayForEach(c, am)
		n += 1 + cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "subArchitectures"));
	p->arches = calloc(n + 1, sizeof(*p->arches));
	if (!p->arches)
		return fail(pc, "", "out of memory");
	cJSON_ArrayForEach(c, f) {
		snprintf(sub, sizeof(sub), "architectures[%zu]", i++);
		if (add_arch(pc, p, c, sub))
			return -EINVAL;
	}
	i = 0;
	cJSON_ArrayForEach(c, am)
		if (parse_archmap_entry(pc, p, c, i++))
			return -EINVAL;
	return 0;
}

static int parse_flags(struct pctx *pc, struct sc_profile *p)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(p->doc, "flags"), *c;
	char sub[64];
	size_t i = 0;

	if (!f || cJSON_IsNull(f))
		return 0;
	if (!is_str_array(f))
		return fail(pc, "flags", "expected an array of strings");
	cJSON_ArrayForEach(c, f) {
		snprintf(sub, sizeof(sub), "flags[%zu]", i++);
		if (strcmp(c->valuestring, "SECCOMP_FILTER_FLAG_LOG") == 0)
			p->flag_log = true;
		else if (strcmp(c->valuestring, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			p->flag_ssb = true;
		else if (strcmp(c->valuestring, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
			p->flag_tsync = true;
		else if (strcmp(c->valuestring, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
			warn(pc, sub, "%s only matters with SCMP_ACT_NOTIFY; ignored", c->valuestring);
		else
			return fail(pc, sub, "unknown flag \"%s\"", c->valuestring);
	}
	return 0;
}

static int parse_rules(struct pctx *pc, struct sc_profile *p)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(p->doc, "syscalls"), *c;
	size_t i = 0;

	if (!f || cJSON_IsNull(f))
		return 0;
	if (!cJSON_IsArray(f))
		return fail(pc, "syscalls", "expected an array of rules");
	p->rules = calloc(cJSON_GetArraySize(f) + 1, sizeof(*p->rules));
	if (!p->rules)
		return fail(pc, "", "out of memory");
	cJSON_ArrayForEach(c, f) {
		p->n_rules = i + 1;	/* so that profile__free() sees it */
		if (parse_rule(pc, p, c, i))
			return -EINVAL;
		i++;
	}
	return 0;
}

static int parse_profile(struct pctx *pc, struct sc_profile *p)
{
	const cJSON *doc = p->doc, *f;
	uint32_t default_errno = EPERM;

	if (!cJSON_IsObject(doc))
		return fail(pc, "", "expected a JSON object with defaultAction and syscalls");
	warn_unknown_fields(pc, doc, "", top_fields, ARRAY_SIZE(top_fields));
	f = cJSON_GetObjectItemCaseSensitive(doc, "defaultErrnoRet");
	if (f && !cJSON_IsNull(f) && get_errno(pc, f, "defaultErrnoRet", &default_errno))
		return -EINVAL;
	f = cJSON_GetObjectItemCaseSensitive(doc, "defaultErrno");
	if (f && !cJSON_IsNull(f) && !cJSON_IsString(f))
		return fail(pc, "defaultErrno", "expected a string such as \"ENOSYS\"");
	f = cJSON_GetObjectItemCaseSensitive(doc, "defaultAction");
	if (!f)
		return fail(pc, "defaultAction", "missing");
	if (get_action(pc, f, "defaultAction", NULL, NULL, default_errno, &p->default_action))
		return -EINVAL;
	check_errno_name(pc, cJSON_GetObjectItemCaseSensitive(doc, "defaultErrno"), "defaultErrno", "defaultErrnoRet",
			 p->default_action);
	if (parse_arches(pc, p) || parse_flags(pc, p) || parse_rules(pc, p))
		return -EINVAL;
	return 0;
}

void profile__free(struct sc_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++) {
		for (size_t k = 0; k < p->rules[i].n_names; k++)
			free(p->rules[i].names[k]);
		free(p->rules[i].names);
		free(p->rules[i].conds);
	}
	free(p->rules);
	free(p->arches);
	free(p->file);
	cJSON_Delete(p->doc);
	free(p);
}

struct sc_profile *profile__from_json(cJSON *doc, const char *file, const struct sc_eval_ctx *ctx,
				      enum sc_unknown_policy unknown, char *err, size_t errlen)
{
	struct pctx pc = { .file = file, .err = err, .errlen = errlen, .ev = ctx, .unknown = unknown };
	struct sc_profile *p = calloc(1, sizeof(*p));

	if (!p || !(p->file = strdup(file))) {
		snprintf(err, errlen, "%s: out of memory", file);
		free(p);
		cJSON_Delete(doc);
		return NULL;
	}
	p->doc = doc;
	if (parse_profile(&pc, p)) {
		profile__free(p);
		return NULL;
	}
	return p;
}

struct sc_profile *profile__load(const char *path, const struct sc_eval_ctx *ctx,
				 enum sc_unknown_policy unknown, char *err, size_t errlen)
{
	cJSON *doc = json_parse_file(path, err, errlen);

	if (!doc)
		return NULL;
	return profile__from_json(doc, path, ctx, unknown, err, errlen);
}
