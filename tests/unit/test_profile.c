// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The profile parser and compiler (seccomp/profile.c): malformed and hostile profiles
 * rejected with a message naming the JSON path, includes/excludes evaluated as Docker
 * does, and the real-world profiles of Docker and podman loaded and compiled.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/util.h"
#include "test.h"

struct sc_eval_ctx test_ctx_amd64(uint64_t caps)
{
	return (struct sc_eval_ctx){ .goarch = "amd64", .native = SCMP_ARCH_X86_64, .caps = caps,
				     .kmajor = 6, .kminor = 1 };
}

struct sc_profile *test_profile_text(const char *text, enum sc_unknown_policy u,
				     const struct sc_eval_ctx *ctx, char *err, size_t errlen)
{
	cJSON *doc = json_parse(text, strlen(text), err, errlen);

	if (!doc)
		return NULL;
	return profile__from_json(doc, "t.json", ctx, u, err, errlen);
}

/* A profile that must be rejected with @want in the message. */
static void rejects(const char *name, const char *text, const char *want)
{
	struct sc_eval_ctx ctx = test_ctx_amd64(~0ULL);
	char err[1024] = "";
	struct sc_profile *p = test_profile_text(text, SC_UNKNOWN_FAIL, &ctx, err, sizeof(err));

	ASSERT_MSG(!p && strstr(err, want), name, "expected an error containing '%s', got %s'%s'", want,
		   p ? "a valid profile and " : "", err);
	profile__free(p);
}

static void test_rejects(void)
{
	rejects("profile: unknown action", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALOW\"}]}",
		"t.json: syscalls[0].action: unknown action \"SCMP_ACT_ALOW\"");
	rejects("profile: unknown default action", "{\"defaultAction\":\"ALLOW\"}", "defaultAction: unknown action");
	rejects("profile: missing defaultAction", "{\"syscalls\":[]}", "defaultAction: missing");
	rejects("profile: unknown op", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQQ\"}]}]}",
		"syscalls[0].args[0].op: unknown operator \"SCMP_CMP_EQQ\"");
	rejects("profile: arg index 6", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		"syscalls[0].args[0].index: expected an argument index 0..5");
	rejects("profile: value above 2^64-1", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":18446744073709551616,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		"syscalls[0].args[0].value: 18446744073709551616 is larger than 2^64-1");
	rejects("profile: negative value", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		"syscalls[0].args[0].value: -1 is not a whole number");
	rejects("profile: unknown arch", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_Z80\"]}",
		"architectures[0]: unknown architecture \"SCMP_ARCH_Z80\"");
	rejects("profile: architectures with archMap", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],\"archMap\":[]}",
		"cannot be used together");
	rejects("profile: names of wrong type", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":\"read\",\"action\":\"SCMP_ACT_ALLOW\"}]}",
		"syscalls[0].names: expected an array of syscall names");
	rejects("profile: name and names", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"name\":\"read\",\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		"use either \"name\" or \"names\"");
	rejects("profile: errnoRet 0", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":0}",
		"defaultErrnoRet: 0 is outside 1..4095");
	rejects("profile: errnoRet 4096", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":4096}]}",
		"syscalls[0].errnoRet: 4096 is outside 1..4095");
	rejects("profile: errnoRet with ALLOW", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}]}",
		"syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	rejects("profile: unknown syscall", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",\"foobar\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		"syscalls[0].names[1]: unknown syscall \"foobar\"");
	rejects("profile: top level array", "[]", "expected a JSON object");
	rejects("profile: bad minKernel", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"four\"}}]}",
		"syscalls[0].includes.minKernel: expected a kernel version");
	rejects("profile: archMap unknown sub-arch", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_NOPE\"]}]}",
		"archMap[0].subArchitectures[0]: unknown architecture \"SCMP_ARCH_NOPE\"");
	rejects("profile: unknown flag", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]}",
		"flags[0]: unknown flag");
}

static void test_semantics(void)
{
	const char *text =
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
		"\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\"]},"
		"{\"architecture\":\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[\"SCMP_ARCH_ARM\"]}],"
		"\"syscalls\":["
		"{\"names\":[\"read\",\"foobar\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
		"{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]},"
		"\"args\":[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		"{\"names\":[\"arch_prctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"amd64\",\"x32\"]}},"
		"{\"names\":[\"s390_pci_mmio_read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"s390x\"]}},"
		"{\"names\":[\"future_call\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"99.0\"}},"
		"{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}"
		"]}";
	struct sc_eval_ctx no_admin = test_ctx_amd64(0), admin = test_ctx_amd64(1ULL << 21);
	struct sc_compile_stats st;
	scmp_filter_ctx f = NULL;
	struct sc_profile *p;
	char err[1024] = "";
	int ret;

	p = test_profile_text(text, SC_UNKNOWN_FAIL, &no_admin, err, sizeof(err));
	ASSERT_MSG(!p && strstr(err, "foobar"), "semantics: unknown name fails by default", "%s", err);
	profile__free(p);
	p = test_profile_text(text, SC_UNKNOWN_WARN, &no_admin, err, sizeof(err));
	if (!ASSERT_MSG(p != NULL, "semantics: --unknown-syscalls=warn loads", "%s", err))
		return;
	ASSERT_MSG(p->n_arches == 2 && p->arches[0] == SCMP_ARCH_X86_64 && p->arches[1] == SCMP_ARCH_X86,
		   "semantics: archMap keeps the native entry only", "%zu arches", p->n_arches);
	ASSERT_EQ(p->rules[0].n_names, 1, "semantics: unknown name skipped with warn");
	ASSERT_MSG(!p->rules[1].active && p->rules[2].active, "semantics: caps without CAP_SYS_ADMIN",
		   "mount %d clone %d", p->rules[1].active, p->rules[2].active);
	ASSERT_MSG(p->rules[3].active && !p->rules[4].active, "semantics: includes.arches by Go arch",
		   "amd64 %d s390x %d", p->rules[3].active, p->rules[4].active);
	ASSERT_FALSE(p->rules[5].active, "semantics: minKernel above the running kernel");
	ASSERT_EQ(p->rules[6].conds[0].value, UINT64_MAX, "semantics: arg value 2^64-1 exact");
	ASSERT_EQ(p->rules[7].action, SCMP_ACT_ERRNO(38), "semantics: errnoRet 38");
	ASSERT_EQ(p->default_action, SCMP_ACT_ERRNO(38), "semantics: defaultErrnoRet");
	ret = profile__compile(p, &no_admin, false, &f, &st, err, sizeof(err));
	ASSERT_MSG(ret == 0 && st.syscalls_allowed == 2 && st.syscalls_conditional == 2,
		   "semantics: compiles (2 allowed, 2 conditional)", "ret %d %s, allowed %u conditional %u", ret,
		   err, st.syscalls_allowed, st.syscalls_conditional);
	if (f)
		seccomp_release(f);
	profile__free(p);

	p = test_profile_text(text, SC_UNKNOWN_WARN, &admin, err, sizeof(err));
	ASSERT_MSG(p && p->rules[1].active && !p->rules[2].active, "semantics: caps with CAP_SYS_ADMIN", "%s",
		   p ? "wrong rules active" : err);
	profile__free(p);
}

static void test_real_world(void)
{
	const char *files[] = { "docker-default.json", "/usr/share/containers/seccomp.json" };
	struct sc_eval_ctx ctx;
	char err[1024] = "", path[512], name[128];
	struct sc_compile_stats st;
	scmp_filter_ctx f = NULL;
	struct sc_profile *p;
	int ret = eval_ctx_current(&ctx);

	if (!SETUP_OK(!ret, "real-world", "the evaluation context of this process: %s", strerror(-ret)))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (files[i][0] == '/')
			snprintf(path, sizeof(path), "%s", files[i]);
		else
			snprintf(path, sizeof(path), "%s/%s", test_fixtures, files[i]);
		snprintf(name, sizeof(name), "real-world: %s loads and compiles", files[i]);
		if (access(path, R_OK)) {
			SKIP(name, "%s: %s", path, strerror(errno));
			continue;
		}
		p = profile__load(path, &ctx, SC_UNKNOWN_FAIL, err, sizeof(err));
		f = NULL;
		ret = p ? profile__compile(p, &ctx, false, &f, &st, err, sizeof(err)) : -EINVAL;
		ASSERT_MSG(ret == 0 && st.syscalls_allowed > 300, name, "ret %d %s, %u allowed", ret, err,
			   ret ? 0 : st.syscalls_allowed);
		snprintf(name, sizeof(name), "real-world: %s archMap gives x86_64, x86, x32", files[i]);
		ASSERT_MSG(p && p->n_arches == 3 && p->arches[0] == SCMP_ARCH_X86_64 && p->arches[1] == SCMP_ARCH_X86 &&
			   p->arches[2] == SCMP_ARCH_X32, name, "%zu architectures", p ? p->n_arches : 0);
		if (f)
			seccomp_release(f);
		profile__free(p);
	}
}

static void test_files(void)
{
	char tmp[] = "/tmp/syscensus-unit-XXXXXX", err[1024] = "";
	const size_t big_len = 5u << 20;
	/* reading the file comes before any evaluation: any context will do */
	struct sc_eval_ctx ctx = test_ctx_amd64(0);
	struct sc_profile *p;
	char *big = NULL;
	ssize_t wrote;
	int fd = -1;

	p = profile__load("/nonexistent/p.json", &ctx, SC_UNKNOWN_FAIL, err, sizeof(err));
	ASSERT_MSG(!p && strstr(err, "/nonexistent/p.json: No such file"), "files: missing file named", "%s", err);
	profile__free(p);

	big = malloc(big_len);
	fd = mkstemp(tmp);
	if (!big || fd < 0) {
		SETUP_OK(false, "files: over 4 MiB refused", "%s", !big ? "no memory for 5 MiB" : strerror(errno));
		goto out;
	}
	memset(big, ' ', big_len);
	wrote = write(fd, big, big_len);
	if (wrote != (ssize_t)big_len) {
		SETUP_OK(false, "files: over 4 MiB refused", "writing %s: %s", tmp,
			   wrote < 0 ? strerror(errno) : "short write");
		goto out;
	}
	p = profile__load(tmp, &ctx, SC_UNKNOWN_FAIL, err, sizeof(err));
	ASSERT_MSG(!p && strstr(err, "larger than 4 MiB"), "files: over 4 MiB refused", "%s", err);
	profile__free(p);
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(big);
}

/* runc: a rule's ERRNO without errnoRet returns EPERM, not defaultErrnoRet */
static void test_rule_errno_default(void)
{
	struct sc_eval_ctx ctx = test_ctx_amd64(~0ULL);
	char err[1024] = "";
	struct sc_profile *p = test_profile_text(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":[\"getpid\"],"
		"\"action\":\"SCMP_ACT_ERRNO\"}]}", SC_UNKNOWN_FAIL, &ctx, err, sizeof(err));

	ASSERT_MSG(p && p->n_rules == 1 && p->default_action == SCMP_ACT_ERRNO(38) &&
		   p->rules[0].action == SCMP_ACT_ERRNO(EPERM),
		   "profile: a rule's ERRNO without errnoRet is EPERM (runc), the default keeps defaultErrnoRet",
		   "%s default %#x, rule %#x", err, p ? p->default_action : 0, p && p->n_rules ? p->rules[0].action : 0);
	profile__free(p);
}

/*
 * A conditional rule covered by an unconditional one with the same action compiles to the
 * unconditional verdict (and, under ASan, without the leak libseccomp 2.5.4 has for it on
 * x86, where socket is also socketcall).
 */
static void test_covered_conditions(void)
{
	static const char text[] = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
		"\"syscalls\":[{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":2,\"value\":9,\"op\":\"SCMP_CMP_NE\"}]},"
		"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":3,\"value\":0,\"op\":\"SCMP_CMP_NE\"}]},"
		"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":21505,\"op\":\"SCMP_CMP_EQ\"}]}]}";
	struct sc_eval_ctx ctx = test_ctx_amd64(0);
	struct sc_compile_stats st;
	struct sc_filter f = {};
	char err[1024] = "";
	struct sc_profile *p = test_profile_text(text, SC_UNKNOWN_FAIL, &ctx, err, sizeof(err));

	if (!ASSERT_OK_PTR(p, "covered_conditions: parse") ||
	    !ASSERT_OK(profile__filter(p, &ctx, &f, &st, err, sizeof(err)), "covered_conditions: compile")) {
		profile__free(p);
		return;
	}
	ASSERT_EQ(filter__verdict(&f, SCMP_ARCH_X86_64, 41).kind, SC_V_ALLOW, "covered_conditions: socket allowed");
	ASSERT_EQ(filter__verdict(&f, SCMP_ARCH_X86, 359).kind, SC_V_ALLOW, "covered_conditions: socket allowed (x86)");
	ASSERT_EQ(filter__verdict(&f, SCMP_ARCH_X86_64, 16).kind, SC_V_CONDITIONAL, "covered_conditions: ioctl still conditional");
	filter__free(&f);
	profile__free(p);
}

void test_profile(void)
{
	test_covered_conditions();
	test_rule_errno_default();
	test_rejects();
	test_semantics();
	test_real_world();
	test_files();
}
