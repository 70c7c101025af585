// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Docker/OCI seccomp profiles: parse, validate, evaluate includes/excludes, compile.
 *
 * Semantics follow what users get from `docker run --security-opt seccomp=FILE` and
 * podman: moby's setupSeccomp() selects rules (archMap, includes/excludes by Go arch,
 * capabilities, minKernel) and runc's InitSeccomp() turns them into libseccomp rules
 * (native architecture always present, rules equal to the default action skipped,
 * several conditions on one argument split into separate, OR-ed rules).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/capability.h>

#include "lib/json.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

int cap_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcmp(cap_names[i], name) == 0)
			return i;
	return -1;
}

int parse_caps(const char *spec, uint64_t *caps)
{
	static const char *const docker_default[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
		"CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT",
		"CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
	};
	char *list, *tok, *save = NULL;
	int ret = 0;

	*caps = 0;
	if (!strcmp(spec, "all")) {
		*caps = ~0ULL;
		return 0;
	}
	if (!strcmp(spec, "default")) {
		for (size_t i = 0; i < ARRAY_SIZE(docker_default); i++)
			*caps |= 1ULL << cap_by_name(docker_default[i]);
		return 0;
	}
	if (!strcmp(spec, "none"))
		return 0;
	list = strdup(spec);
	if (!list)
		return -ENOMEM;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int n = cap_by_name(tok);

		if (n < 0) {
			sc_err("--caps: unknown capability \"%s\"", tok);
			ret = -EINVAL;
			break;
		}
		*caps |= 1ULL << n;
	}
	free(list);
	return ret;
}

int eval_ctx_current(struct sc_eval_ctx *ctx)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	const struct sc_arch *a = arch_native();
	struct utsname u;

	memset(ctx, 0, sizeof(*ctx));
	if (!a)
		return -ENOTSUP;
	ctx->goarch = a->goarch;
	ctx->native = a->token;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	ctx->caps = (uint64_t)data[1].effective << 32 | data[0].effective;
	if (uname(&u) < 0)
		return -errno;
	if (sscanf(u.release, "%u.%u", &ctx->kmajor, &ctx->kminor) != 2)
		return -EINVAL;
	return 0;
}

void action_str(uint32_t a, char *buf, size_t len)
{
	/* SECCOMP_RET_ACTION_FULL: the upper 16 bits; ERRNO and TRACE carry data below */
	switch (a & 0xffff0000U) {
	case SCMP_ACT_ALLOW: snprintf(buf, len, "SCMP_ACT_ALLOW"); return;
	case SCMP_ACT_KILL_PROCESS: snprintf(buf, len, "SCMP_ACT_KILL_PROCESS"); return;
	case SCMP_ACT_KILL_THREAD: snprintf(buf, len, "SCMP_ACT_KILL_THREAD"); return;
	case SCMP_ACT_TRAP: snprintf(buf, len, "SCMP_ACT_TRAP"); return;
	case SCMP_ACT_LOG: snprintf(buf, len, "SCMP_ACT_LOG"); return;
	case SCMP_ACT_NOTIFY: snprintf(buf, len, "SCMP_ACT_NOTIFY"); return;
	case SCMP_ACT_ERRNO(0): snprintf(buf, len, "SCMP_ACT_ERRNO(%u)", a & 0xffff); return;
	case SCMP_ACT_TRACE(0): snprintf(buf, len, "SCMP_ACT_TRACE(%u)", a & 0xffff); return;
	}
	snprintf(buf, len, "0x%08x", a);
}

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
	if (errno_ret && !cJSON_IsNull(errno_ret)) {
		if (actions[i].kind == ACT_PLAIN)
			return fail(pc, errno_path, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
				    v->valuestring);
		if (get_errno(pc, errno_ret, errno_path, &e))
			return -EINVAL;
	} else {
		/* runc: EPERM unless the profile says otherwise */
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
static int filter_applies(struct pctx *pc, const cJSON *f, const char *path, bool include, bool *applies)
{
	char sub[256];
	const cJSON *c, *arches, *caps, *mk;

	*applies = true;
	if (!f || cJSON_IsNull(f))
		return 0;
	if (!cJSON_IsObject(f))
		return fail(pc, path, "expected an object with arches, caps or minKernel");
	cJSON_ArrayForEach(c, f) {
		if (strcmp(c->string, "arches") && strcmp(c->string, "caps") && strcmp(c->string, "minKernel")) {
			snprintf(sub, sizeof(sub), "%s.%s", path, c->string);
			warn(pc, sub, "unknown field ignored");
		}
	}
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

static int parse_cond(struct pctx *pc, const cJSON *a, const char *path, struct sc_cond *c)
{
	char sub[256];
	const cJSON *f;
	uint64_t v;
	size_t i;
	int ret;

	if (!cJSON_IsObject(a))
		return fail(pc, path, "expected an object with index, value, valueTwo and op");
	cJSON_ArrayForEach(f, a) {
		if (strcmp(f->string, "index") && strcmp(f->string, "value") &&
		    strcmp(f->string, "valueTwo") && strcmp(f->string, "op")) {
			snprintf(sub, sizeof(sub), "%s.%s", path, f->string);
			warn(pc, sub, "unknown field ignored");
		}
	}
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

static int parse_rule(struct pctx *pc, struct sc_profile *p, const cJSON *r, unsigned idx,
		      uint32_t default_errno)
{
	struct sc_rule *rule = &p->rules[idx];
	char path[64], sub[128];
	const cJSON *names, *name, *f, *c;
	bool inc, exc;
	size_t i;

	snprintf(path, sizeof(path), "syscalls[%u]", idx);
	rule->idx = idx;
	if (!cJSON_IsObject(r))
		return fail(pc, path, "expected an object");
	cJSON_ArrayForEach(f, r) {
		for (i = 0; i < ARRAY_SIZE(rule_fields); i++)
			if (strcmp(f->string, rule_fields[i]) == 0)
				break;
		if (i == ARRAY_SIZE(rule_fields)) {
			snprintf(sub, sizeof(sub), "%s.%s", path, f->string);
			warn(pc, sub, "unknown field ignored");
		}
	}
	names = cJSON_GetObjectItemCaseSensitive(r, "names");
	name = cJSON_GetObjectItemCaseSensitive(r, "name");
	if (names && cJSON_IsNull(names))
		names = NULL;
	if (name && cJSON_IsNull(name))
		name = NULL;
	if (names && name && cJSON_GetArraySize(names) > 0)
		return fail(pc, path, "use either \"name\" or \"names\", not both");
	if (names) {
		snprintf(sub, sizeof(sub), "%s.names", path);
		if (!is_str_array(names))
			return fail(pc, sub, "expected an array of syscall names");
	}
	if (name && !cJSON_IsString(name)) {
		snprintf(sub, sizeof(sub), "%s.name", path);
		return fail(pc, sub, "expected a string");
	}
	rule->names = calloc((names ? cJSON_GetArraySize(names) : 0) + 1, sizeof(char *));
	if (!rule->names)
		return fail(pc, path, "out of memory");
	if (name && add_name(pc, rule, name, path, "%s.name", 0))
		return -EINVAL;
	i = 0;
	cJSON_ArrayForEach(c, names)
		if (add_name(pc, rule, c, path, "%s.names[%zu]", i++))
			return -EINVAL;
	if (!names && !name)
		return fail(pc, path, "no \"names\" (or \"name\")");

	f = cJSON_GetObjectItemCaseSensitive(r, "action");
	snprintf(sub, sizeof(sub), "%s.action", path);
	if (!f)
		return fail(pc, sub, "missing");
	{
		char epath[128];

		snprintf(epath, sizeof(epath), "%s.errnoRet", path);
		if (get_action(pc, f, sub, cJSON_GetObjectItemCaseSensitive(r, "errnoRet"), epath,
			       default_errno, &rule->action))
			return -EINVAL;
	}
	f = cJSON_GetObjectItemCaseSensitive(r, "errno");
	if (f && !cJSON_IsNull(f) && !cJSON_IsString(f)) {
		snprintf(sub, sizeof(sub), "%s.errno", path);
		return fail(pc, sub, "expected a string such as \"EPERM\"");
	}
	f = cJSON_GetObjectItemCaseSensitive(r, "comment");
	if (f && !cJSON_IsNull(f) && !cJSON_IsString(f)) {
		snprintf(sub, sizeof(sub), "%s.comment", path);
		return fail(pc, sub, "expected a string");
	}

	f = cJSON_GetObjectItemCaseSensitive(r, "args");
	if (f && !cJSON_IsNull(f)) {
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
	}

	snprintf(sub, sizeof(sub), "%s.includes", path);
	if (filter_applies(pc, cJSON_GetObjectItemCaseSensitive(r, "includes"), sub, true, &inc))
		return -EINVAL;
	snprintf(sub, sizeof(sub), "%s.excludes", path);
	if (filter_applies(pc, cJSON_GetObjectItemCaseSensitive(r, "excludes"), sub, false, &exc))
		return -EINVAL;
	rule->active = inc && exc;
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

static const char *const top_fields[] = {
	"defaultAction", "defaultErrnoRet", "defaultErrno", "architectures", "archMap",
	"syscalls", "flags", "listenerPath", "listenerMetadata", "comment",
};

static int parse_profile(struct pctx *pc, struct sc_profile *p)
{
	const cJSON *doc = p->doc, *f, *c, *am;
	uint32_t default_errno = EPERM;
	char sub[256];
	size_t i, n;

	if (!cJSON_IsObject(doc))
		return fail(pc, "", "expected a JSON object with defaultAction and syscalls");
	cJSON_ArrayForEach(f, doc) {
		for (i = 0; i < ARRAY_SIZE(top_fields); i++)
			if (strcmp(f->string, top_fields[i]) == 0)
				break;
		if (i == ARRAY_SIZE(top_fields))
			warn(pc, f->string, "unknown field ignored");
	}

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

	f = cJSON_GetObjectItemCaseSensitive(doc, "architectures");
	am = cJSON_GetObjectItemCaseSensitive(doc, "archMap");
	if (f && cJSON_IsNull(f))
		f = NULL;
	if (am && cJSON_IsNull(am))
		am = NULL;
	if (f && am)
		return fail(pc, "archMap", "\"architectures\" and \"archMap\" cannot be used together");
	n = 0;
	if (f) {
		if (!cJSON_IsArray(f))
			return fail(pc, "architectures", "expected an array of strings");
		n = cJSON_GetArraySize(f);
	}
	if (am) {
		if (!cJSON_IsArray(am))
			return fail(pc, "archMap", "expected an array of objects");
		cJSON_ArrayForEach(c, am)
			n += 1 + cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "subArchitectures"));
	}
	p->arches = calloc(n + 1, sizeof(*p->arches));
	if (!p->arches)
		return fail(pc, "", "out of memory");
	i = 0;
	cJSON_ArrayForEach(c, f) {
		snprintf(sub, sizeof(sub), "architectures[%zu]", i++);
		if (add_arch(pc, p, c, sub))
			return -EINVAL;
	}
	i = 0;
	cJSON_ArrayForEach(c, am) {
		const cJSON *arch, *subs, *s;
		const struct sc_arch *a;
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
		/* validate every entry, keep only the native architecture's (moby) */
		cJSON_ArrayForEach(s, subs) {
			snprintf(sub, sizeof(sub), "archMap[%zu].subArchitectures[%zu]", i, k++);
			if (!cJSON_IsString(s) || !arch_by_docker(s->valuestring))
				return fail(pc, sub, "unknown architecture %s%s%s",
					    cJSON_IsString(s) ? "\"" : "",
					    cJSON_IsString(s) ? s->valuestring : "(not a string)",
					    cJSON_IsString(s) ? "\"" : "");
		}
		if (a->token == pc->ev->native) {
			snprintf(sub, sizeof(sub), "archMap[%zu].architecture", i);
			if (add_arch(pc, p, arch, sub))
				return -EINVAL;
			k = 0;
			cJSON_ArrayForEach(s, subs) {
				snprintf(sub, sizeof(sub), "archMap[%zu].subArchitectures[%zu]", i, k++);
				if (add_arch(pc, p, s, sub))
					return -EINVAL;
			}
		}
		i++;
	}

	f = cJSON_GetObjectItemCaseSensitive(doc, "flags");
	if (f && !cJSON_IsNull(f)) {
		if (!is_str_array(f))
			return fail(pc, "flags", "expected an array of strings");
		i = 0;
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
	}

	f = cJSON_GetObjectItemCaseSensitive(doc, "syscalls");
	if (f && !cJSON_IsNull(f)) {
		if (!cJSON_IsArray(f))
			return fail(pc, "syscalls", "expected an array of rules");
		n = cJSON_GetArraySize(f);
		p->rules = calloc(n + 1, sizeof(*p->rules));
		if (!p->rules)
			return fail(pc, "", "out of memory");
		i = 0;
		cJSON_ArrayForEach(c, f) {
			p->n_rules = i + 1;	/* so that profile__free() sees it */
			if (parse_rule(pc, p, c, i, default_errno))
				return -EINVAL;
			i++;
		}
	}
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

/* ---- compiling ---------------------------------------------------------------- */

static int add_rule(scmp_filter_ctx f, uint32_t action, int nr, const struct sc_rule *r,
		    struct sc_compile_stats *st)
{
	struct scmp_arg_cmp cmp[6];
	unsigned count[6] = {};
	bool split = false;
	size_t i;
	int ret;

	if (r->n_conds == 0) {
		ret = seccomp_rule_add(f, action, nr, 0);
		st->rules += ret == 0;
		return ret;
	}
	for (i = 0; i < r->n_conds; i++)
		if (++count[r->conds[i].index] > 1)
			split = true;
	/* runc: several conditions on one argument become separate (OR-ed) rules */
	if (split || r->n_conds > 6) {
		for (i = 0; i < r->n_conds; i++) {
			cmp[0] = (struct scmp_arg_cmp){ r->conds[i].index, r->conds[i].op,
							r->conds[i].value, r->conds[i].value2 };
			ret = seccomp_rule_add_array(f, action, nr, 1, cmp);
			if (ret)
				return ret;
			st->rules++;
		}
		return 0;
	}
	for (i = 0; i < r->n_conds; i++)
		cmp[i] = (struct scmp_arg_cmp){ r->conds[i].index, r->conds[i].op,
						r->conds[i].value, r->conds[i].value2 };
	ret = seccomp_rule_add_array(f, action, nr, r->n_conds, cmp);
	st->rules += ret == 0;
	return ret;
}

static scmp_filter_ctx new_filter(const struct sc_profile *p, bool nnp)
{
	scmp_filter_ctx f = seccomp_init(p->default_action);

	if (!f)
		return NULL;
	if (seccomp_attr_set(f, SCMP_FLTATR_CTL_NNP, nnp) ||
	    (p->flag_log && seccomp_attr_set(f, SCMP_FLTATR_CTL_LOG, 1)) ||
	    (p->flag_ssb && seccomp_attr_set(f, SCMP_FLTATR_CTL_SSB, 1)) ||
	    (p->flag_tsync && seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1))) {
		seccomp_release(f);
		return NULL;
	}
	return f;
}

static bool name_seen(const struct sc_profile *p, size_t ri, size_t ni)
{
	const char *name = p->rules[ri].names[ni];

	for (size_t r = 0; r <= ri; r++) {
		if (!p->rules[r].active)
			continue;
		for (size_t k = 0; k < p->rules[r].n_names; k++) {
			if (r == ri && k == ni)
				return false;
			if (strcmp(p->rules[r].names[k], name) == 0)
				return true;
		}
	}
	return false;
}

int profile__compile(const struct sc_profile *p, const struct sc_eval_ctx *ctx, bool nnp,
		     scmp_filter_ctx *out, struct sc_compile_stats *st, char *err, size_t errlen)
{
	scmp_filter_ctx nat = NULL, other = NULL;
	char act[40];
	int ret = 0;

	memset(st, 0, sizeof(*st));
	/*
	 * Two filters merged at the end: the native architecture alone, and the others.
	 * libseccomp names rules by native number and translates them by name for other
	 * architectures, so a syscall newer than libseccomp (known to syscensus only) can
	 * be added natively by number but not translated: it goes to the native filter only.
	 */
	nat = new_filter(p, nnp);
	if (!nat) {
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: cannot create a seccomp filter", p->file);
		goto out;
	}
	for (size_t i = 0; i < p->n_arches; i++) {
		if (p->arches[i] == ctx->native)
			continue;
		if (!other) {
			other = new_filter(p, nnp);
			if (!other || seccomp_arch_remove(other, SCMP_ARCH_NATIVE)) {
				ret = -ENOMEM;
				snprintf(err, errlen, "%s: cannot create a seccomp filter", p->file);
				goto out;
			}
		}
		ret = seccomp_arch_add(other, p->arches[i]);
		if (ret && ret != -EEXIST) {
			snprintf(err, errlen, "%s: architecture %s: %s", p->file,
				 arch_by_token(p->arches[i])->docker, strerror(-ret));
			goto out;
		}
	}
	for (size_t ri = 0; ri < p->n_rules; ri++) {
		const struct sc_rule *r = &p->rules[ri];

		if (!r->active)
			continue;
		for (size_t ni = 0; ni < r->n_names; ni++) {
			bool supp, added = false;
			int nr = syscall_rule_nr(r->names[ni], &supp);

			if (nr == -1 || r->action == p->default_action) {
				if (nr == -1)
					st->skipped_absent++;
				else
					st->skipped_default++;
				continue;
			}
			if (!name_seen(p, ri, ni)) {
				if (r->action == SCMP_ACT_ALLOW && r->n_conds == 0)
					st->syscalls_allowed++;
				else if (r->action == SCMP_ACT_ALLOW)
					st->syscalls_conditional++;
			}
			/* pseudo-numbers (socketcall, _llseek...) only exist on other arches */
			if (nr >= 0) {
				ret = add_rule(nat, r->action, nr, r, st);
				if (ret) {
					action_str(r->action, act, sizeof(act));
					snprintf(err, errlen, "%s: syscalls[%u]: %s for \"%s\": %s", p->file,
						 r->idx, act, r->names[ni], strerror(-ret));
					goto out;
				}
				added = true;
			}
			if (other && !supp) {
				ret = add_rule(other, r->action, nr, r, st);
				/* -EFAULT/-EDOM: absent on every other arch of the filter */
				if (ret && ret != -EFAULT && ret != -EDOM) {
					action_str(r->action, act, sizeof(act));
					snprintf(err, errlen, "%s: syscalls[%u]: %s for \"%s\": %s", p->file,
						 r->idx, act, r->names[ni], strerror(-ret));
					goto out;
				}
				added |= ret == 0;
				ret = 0;
			}
			if (!added)
				st->skipped_absent++;
		}
	}
	if (other) {
		ret = seccomp_merge(nat, other);
		if (ret) {
			snprintf(err, errlen, "%s: merging architectures: %s", p->file, strerror(-ret));
			goto out;
		}
		other = NULL;	/* merged: released by libseccomp */
	}
	*out = nat;
	nat = NULL;
out:
	if (other)
		seccomp_release(other);
	if (nat)
		seccomp_release(nat);
	return ret;
}
