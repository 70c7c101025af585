// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests, no privileges needed: the JSON layer, the profile parser over malformed,
 * hostile and real-world profiles, evaluation of includes/excludes, compilation, and
 * profile generation. Prints "name: PASS|FAIL" per check and a closing count line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "census/census.h"
#include "record/cgroup.h"
#include "seccomp/filename.h"
#include "census/runtime.h"
#include "lib/json.h"
#include "seccomp/generate.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"

static int passed, failed;
static const char *fixtures = "tests/fixtures";

#define CHECK(cond, name, ...) ({						\
	bool __ok = (cond);							\
	if (__ok) {								\
		passed++;							\
		printf("%s: PASS\n", name);					\
	} else {								\
		failed++;							\
		printf("%s: FAIL: ", name);					\
		printf(__VA_ARGS__);						\
		printf("\n");							\
	}									\
	__ok;									\
})

static struct sc_eval_ctx ctx_amd64(uint64_t caps)
{
	return (struct sc_eval_ctx){ .goarch = "amd64", .native = SCMP_ARCH_X86_64, .caps = caps,
				     .kmajor = 6, .kminor = 1 };
}

static struct sc_profile *load_text(const char *text, enum sc_unknown_policy u, const struct sc_eval_ctx *ctx,
				    char *err, size_t errlen)
{
	cJSON *doc = json_parse(text, strlen(text), err, errlen);

	if (!doc)
		return NULL;
	return profile__from_json(doc, "t.json", ctx, u, err, errlen);
}

/* A profile that must be rejected with @want in the message. */
static void rejects(const char *name, const char *text, const char *want)
{
	struct sc_eval_ctx ctx = ctx_amd64(~0ULL);
	char err[1024] = "";
	struct sc_profile *p = load_text(text, SC_UNKNOWN_FAIL, &ctx, err, sizeof(err));

	CHECK(!p && strstr(err, want), name, "expected an error containing '%s', got %s'%s'", want,
	      p ? "a valid profile and " : "", err);
	profile__free(p);
}

static void test_grow(void)
{
	size_t cap = 0, n = 0;
	int *v = NULL, *p;
	bool ok = true;

	for (int i = 0; i < 100 && ok; i++) {
		p = sc_grow(v, &cap, n, sizeof(*v), 4);
		ok = p != NULL && cap > n;
		if (p) {
			v = p;
			v[n++] = i;
		}
	}
	for (int i = 0; i < 100 && ok; i++)
		ok = v[i] == i;
	CHECK(ok && cap == 128, "grow: 100 appends keep every element, capacity doubles from 4", "cap %zu", cap);
	cap = SIZE_MAX / 2 + 1;
	CHECK(sc_grow(v, &cap, cap, sizeof(*v), 4) == NULL && cap == SIZE_MAX / 2 + 1,
	      "grow: a size that would overflow is refused, the array left as it was", "accepted");
	free(v);
}

static void test_json(void)
{
	char err[256] = "";
	uint64_t v = 0;
	cJSON *d = json_parse("{\"a\": 18446744073709551615, \"b\": [1, -2, 3.5, 1e3], \"s\": \"9\"}", 61, err, sizeof(err));
	struct sc_buf b = {};

	if (!CHECK(d != NULL, "json: parses numbers", "%s", err))
		return;
	CHECK(json_u64(cJSON_GetObjectItem(d, "a"), &v) == 0 && v == UINT64_MAX, "json: 2^64-1 is exact",
	      "got %llu", (unsigned long long)v);
	CHECK(json_u64(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "b"), 1), &v) == -EINVAL,
	      "json: negative is not a u64", "accepted");
	CHECK(json_u64(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "b"), 2), &v) == -EINVAL,
	      "json: fraction is not a u64", "accepted");
	CHECK(json_u64(cJSON_GetObjectItem(d, "s"), &v) == -EINVAL, "json: string is not a number", "accepted");
	json_write(&b, d);
	CHECK(!b.oom && strstr(b.data, "18446744073709551615") && strstr(b.data, "1e3"),
	      "json: writer keeps number text", "%s", b.data);
	sc_buf_free(&b);
	cJSON_Delete(d);

	{
		char deep[200];

		memset(deep, '[', 65);
		memset(deep + 65, ']', 65);
		deep[130] = '\0';
		d = json_parse(deep, 130, err, sizeof(err));
		CHECK(!d && strstr(err, "nesting deeper than 64"), "json: 65 levels refused", "%s", err);
		cJSON_Delete(d);
		d = json_parse(deep + 1, 128, err, sizeof(err));
		CHECK(d != NULL, "json: 64 levels accepted", "%s", err);
		cJSON_Delete(d);
	}
	{
		/* hostile: a million opening brackets must be refused, not recursed into */
		size_t n = 1000000;
		char *big = malloc(n);

		memset(big, '{', n);
		d = json_parse(big, n, err, sizeof(err));
		CHECK(!d && strstr(err, "nesting"), "json: 10^6 nested objects refused", "%s", err);
		cJSON_Delete(d);
		free(big);
	}
	d = json_parse("{\"a\": 1,\n \"b\": }", 16, err, sizeof(err));
	CHECK(!d && strstr(err, "line 2"), "json: malformed input names the line", "%s", err);
	d = json_parse("{} {}", 5, err, sizeof(err));
	CHECK(!d && strstr(err, "after the JSON value"), "json: trailing data refused", "%s", err);
	d = json_parse("{\"a\":\"\\\"1\", \"b\": 2}", 19, err, sizeof(err));
	CHECK(d && json_u64(cJSON_GetObjectItem(d, "b"), &v) == 0 && v == 2,
	      "json: digits inside escaped strings are not numbers", "%s", err);
	cJSON_Delete(d);
	d = json_parse("{\"a\": 1\0}", 9, err, sizeof(err));
	CHECK(!d && strstr(err, "NUL"), "json: NUL byte refused", "%s", err);
	cJSON_Delete(d);
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
	struct sc_eval_ctx no_admin = ctx_amd64(0), admin = ctx_amd64(1ULL << 21);
	struct sc_compile_stats st;
	scmp_filter_ctx f = NULL;
	struct sc_profile *p;
	char err[1024] = "";

	p = load_text(text, SC_UNKNOWN_FAIL, &no_admin, err, sizeof(err));
	CHECK(!p && strstr(err, "foobar"), "semantics: unknown name fails by default", "%s", err);
	p = load_text(text, SC_UNKNOWN_WARN, &no_admin, err, sizeof(err));
	if (!CHECK(p != NULL, "semantics: --unknown-syscalls=warn loads", "%s", err))
		return;
	CHECK(p->n_arches == 2 && p->arches[0] == SCMP_ARCH_X86_64 && p->arches[1] == SCMP_ARCH_X86,
	      "semantics: archMap keeps the native entry only", "%zu arches", p->n_arches);
	CHECK(p->rules[0].n_names == 1, "semantics: unknown name skipped with warn", "%zu names", p->rules[0].n_names);
	CHECK(!p->rules[1].active && p->rules[2].active, "semantics: caps without CAP_SYS_ADMIN",
	      "mount %d clone %d", p->rules[1].active, p->rules[2].active);
	CHECK(p->rules[3].active && !p->rules[4].active, "semantics: includes.arches by Go arch",
	      "amd64 %d s390x %d", p->rules[3].active, p->rules[4].active);
	CHECK(!p->rules[5].active, "semantics: minKernel above the running kernel", "active");
	CHECK(p->rules[6].conds[0].value == UINT64_MAX, "semantics: arg value 2^64-1 exact",
	      "%llu", (unsigned long long)p->rules[6].conds[0].value);
	CHECK(p->rules[7].action == SCMP_ACT_ERRNO(38), "semantics: errnoRet 38", "0x%x", p->rules[7].action);
	CHECK(p->default_action == SCMP_ACT_ERRNO(38), "semantics: defaultErrnoRet", "0x%x", p->default_action);
	CHECK(profile__compile(p, &no_admin, false, &f, &st, err, sizeof(err)) == 0 &&
	      st.syscalls_allowed == 2 && st.syscalls_conditional == 2,
	      "semantics: compiles (2 allowed, 2 conditional)", "%s allowed %u conditional %u", err,
	      st.syscalls_allowed, st.syscalls_conditional);
	if (f)
		seccomp_release(f);
	profile__free(p);

	p = load_text(text, SC_UNKNOWN_WARN, &admin, err, sizeof(err));
	CHECK(p && p->rules[1].active && !p->rules[2].active, "semantics: caps with CAP_SYS_ADMIN", "%s", err);
	profile__free(p);
}

static void test_real_world(void)
{
	struct sc_eval_ctx ctx;
	struct sc_compile_stats st;
	scmp_filter_ctx f = NULL;
	struct sc_profile *p;
	char err[1024] = "", path[512];
	const char *files[] = { "docker-default.json", "/usr/share/containers/seccomp.json" };

	if (eval_ctx_current(&ctx))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char name[128];

		if (files[i][0] == '/')
			snprintf(path, sizeof(path), "%s", files[i]);
		else
			snprintf(path, sizeof(path), "%s/%s", fixtures, files[i]);
		if (access(path, R_OK)) {
			printf("real-world %s: SKIP: not installed\n", path);
			continue;
		}
		snprintf(name, sizeof(name), "real-world: %s loads and compiles", files[i]);
		p = profile__load(path, &ctx, SC_UNKNOWN_FAIL, err, sizeof(err));
		f = NULL;
		CHECK(p && profile__compile(p, &ctx, false, &f, &st, err, sizeof(err)) == 0 && st.syscalls_allowed > 300,
		      name, "%s", err);
		snprintf(name, sizeof(name), "real-world: %s archMap gives x86_64, x86, x32", files[i]);
		CHECK(p && p->n_arches == 3 && p->arches[0] == SCMP_ARCH_X86_64 && p->arches[1] == SCMP_ARCH_X86 &&
		      p->arches[2] == SCMP_ARCH_X32, name, "wrong architectures");
		if (f)
			seccomp_release(f);
		profile__free(p);
	}
	p = profile__load("/nonexistent/p.json", &ctx, SC_UNKNOWN_FAIL, err, sizeof(err));
	CHECK(!p && strstr(err, "/nonexistent/p.json: No such file"), "files: missing file named", "%s", err);
	{
		char tmp[] = "/tmp/syscensus-unit-XXXXXX";
		int fd = mkstemp(tmp);
		char *big = calloc(1, (5u << 20));

		memset(big, ' ', 5u << 20);
		if (fd >= 0 && write(fd, big, 5u << 20) == (ssize_t)(5u << 20)) {
			p = profile__load(tmp, &ctx, SC_UNKNOWN_FAIL, err, sizeof(err));
			CHECK(!p && strstr(err, "larger than 4 MiB"), "files: over 4 MiB refused", "%s", err);
		}
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		free(big);
	}
}

static void test_generate(void)
{
	struct sc_tally *t = calloc(1, sizeof(*t));
	struct sc_unnamed *un = NULL;
	struct sc_buf a = {}, b = {};
	size_t n_un = 0;
	cJSON *d1, *d2;
	int rd = syscall_nr(SCMP_ARCH_X86_64, "read"), wr = syscall_nr(SCMP_ARCH_X86_64, "write");
	int open32 = syscall_nr(SCMP_ARCH_X86, "open");

	t->n[SC_ABI_NATIVE][wr] = 3;
	t->n[SC_ABI_NATIVE][rd] = 5;
	t->n[SC_ABI_NATIVE][500] = 2;	/* no table names 500 */
	d1 = observed__profile(t, &un, &n_un);
	json_write(&a, d1);
	CHECK(n_un == 1 && un[0].nr == 500 && un[0].count == 2, "generate: unnamed number reported, not named",
	      "%zu unnamed", n_un);
	free(un);
	d2 = observed__profile(t, &un, &n_un);
	json_write(&b, d2);
	free(un);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "generate: deterministic bytes", "differ");
	CHECK(strstr(a.data, "\"exit_group\"") && strstr(a.data, "\"execve\"") && !strstr(a.data, "\"sigreturn\"") &&
	      strstr(a.data, "\"read\"") < strstr(a.data, "\"write\""),
	      "generate: sorted, with the always-allowed set", "%s", a.data);
	CHECK(!strstr(a.data, "SCMP_ARCH_X86\""), "generate: no ia32 arch when none observed", "%s", a.data);
	cJSON_Delete(d1);
	cJSON_Delete(d2);
	sc_buf_free(&a);

	/* ia32 only: named with the i386 table, listed under SCMP_ARCH_X86 */
	memset(t, 0, sizeof(*t));
	t->n[SC_ABI_COMPAT][open32] = 1;
	t->n[SC_ABI_COMPAT][SC_NR_OVERFLOW] = 4;
	d1 = observed__profile(t, &un, &n_un);
	json_write(&a, d1);
	CHECK(strstr(a.data, "\"open\"") && strstr(a.data, "\"SCMP_ARCH_X86\"") && strstr(a.data, "\"sigreturn\""),
	      "generate: ia32 calls named with the x86 table", "%s", a.data);
	CHECK(n_un == 1 && un[0].nr == -1 && un[0].count == 4, "generate: overflow bucket reported", "%zu", n_un);
	free(un);
	cJSON_Delete(d1);
	sc_buf_free(&a);
	sc_buf_free(&b);
	free(t);

	CHECK(syscall_name(SCMP_ARCH_X86_64, 462) && strcmp(syscall_name(SCMP_ARCH_X86_64, 462), "mseal") == 0,
	      "names: 462 is mseal on x86_64 (newer than libseccomp)", "%s", syscall_name(SCMP_ARCH_X86_64, 462));
	CHECK(syscall_name(SCMP_ARCH_X86, 5) && strcmp(syscall_name(SCMP_ARCH_X86, 5), "open") == 0 &&
	      strcmp(syscall_name(SCMP_ARCH_X86_64, 5), "fstat") == 0, "names: 5 is open on x86, fstat on x86_64", "wrong");
}

static void test_atomic_write(void)
{
	char dir[] = "/tmp/syscensus-unit-XXXXXX", path[600], *text;
	struct dirent *de;
	int entries = 0;
	DIR *d;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/p.json", dir);
	CHECK(sc_write_file_atomic(path, "old\n", 4) == 0 && sc_write_file_atomic(path, "new\n", 4) == 0,
	      "atomic write: replace", "failed");
	text = sc_read_file(path, 100, NULL);
	CHECK(text && strcmp(text, "new\n") == 0, "atomic write: content replaced", "%s", text ? text : "none");
	free(text);
	d = opendir(dir);
	while (d && (de = readdir(d)))
		entries += de->d_name[0] != '.';
	if (d)
		closedir(d);
	CHECK(entries == 1, "atomic write: no temp file left", "%d entries", entries);
	snprintf(path, sizeof(path), "%s/missing/p.json", dir);
	CHECK(sc_write_file_atomic(path, "x", 1) == -ENOENT, "atomic write: error when the directory is missing", "no error");
	snprintf(path, sizeof(path), "%s/p.json", dir);
	unlink(path);
	rmdir(dir);
}

static void test_cgroup_mount(void)
{
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "mountinfo-pure-v2", "/sys/fs/cgroup" },
		{ "mountinfo-hybrid", "/sys/fs/cgroup/unified" },
		{ "mountinfo-v1-only", NULL },
	};
	char path[512], mnt[4096], name[128];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret;

		snprintf(path, sizeof(path), "%s/%s", fixtures, cases[i].file);
		snprintf(name, sizeof(name), "cgroup2 mount: %s", cases[i].file);
		ret = cgroup__v2_mount_from(path, mnt, sizeof(mnt));
		if (cases[i].want)
			CHECK(ret == 0 && strcmp(mnt, cases[i].want) == 0, name, "ret %d, got %s", ret, ret ? "" : mnt);
		else
			CHECK(ret == -ENOENT, name, "ret %d", ret);
	}
}

/* cgroup path -> container id, for every layout the agent knows */
static void test_container_ids(void)
{
	static const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	static const struct {
		const char *fmt, *runtime;
	} cases[] = {
		{ "/libpod_parent/libpod-%s", "podman" },
		{ "/machine.slice/libpod-%s.scope", "podman" },
		{ "/machine.slice/libpod-%s.scope/container", "podman" },	/* innermost match */
		{ "/kubepods.slice/kubepods-burstable.slice/crio-%s.scope", "cri-o" },
		{ "/kubepods/besteffort/pod1234/cri-containerd-%s.scope", "containerd" },
		{ "/system.slice/docker-%s.scope", "docker" },
		{ "/docker/%s", "cgroupfs" },
		{ "/kubepods/burstable/podabc/%s", "cgroupfs" },
		{ "/machine.slice/libpod-conmon-%s.scope", NULL },
		{ "/system.slice/crio-conmon-%s.scope", NULL },
		{ "/user.slice/user-1000.slice/session-2.scope", NULL },
		{ "/libpod_parent/libpod-%s.scopex", NULL },
		{ "/docker/%s0", NULL },			/* 65 hex digits */
		{ "/", NULL },
		{ "", NULL },
	};
	char path[256], got[SC_CTR_ID_LEN + 1], name[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *rt;

		snprintf(path, sizeof(path), cases[i].fmt, id);
		rt = runtime__container_id(path, got);
		snprintf(name, sizeof(name), "container_id_%zu", i);
		if (cases[i].runtime)
			CHECK(rt && !strcmp(rt, cases[i].runtime) && !strcmp(got, id), name, "%s: %s", path,
			      rt ? rt : "no id");
		else
			CHECK(!rt, name, "%s: unexpected %s", path, rt);
	}
	/* the nested form: the innermost container id wins */
	snprintf(path, sizeof(path), "/docker/%s/libpod-%.63s1", id, id);
	CHECK(runtime__container_id(path, got) && got[63] == '1', "container_id_innermost", "%s", got);
}

static void test_names(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "localhost/bb:1", "localhost%2Fbb%3A1" },
		{ "../../etc/passwd", "%2E.%2F..%2Fetc%2Fpasswd" },
		{ "..", "%2E." },
		{ ".", "%2E" },
		{ "/abs", "%2Fabs" },
		{ "A", "%41" },
		{ "a%41", "a%2541" },
		{ "", "%00" },
		{ "registry:5000/ns/img@sha256:ab", "registry%3A5000%2Fns%2Fimg%40sha256%3Aab" },
	};
	char out[SC_NAME_MAX], out2[SC_NAME_MAX], longname[600], name[32];
	uint8_t d[32];
	char hex[65];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		image_file_name(cases[i].in, out);
		snprintf(name, sizeof(name), "image_file_name_%zu", i);
		CHECK(!strcmp(out, cases[i].out), name, "\"%s\" -> \"%s\", expected \"%s\"", cases[i].in, out,
		      cases[i].out);
	}
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	image_file_name(longname, out);
	longname[300] = 'b';
	image_file_name(longname, out2);
	CHECK(strlen(out) < 250 && strchr(out, '~') && strcmp(out, out2), "image_file_name_long",
	      "%zu bytes: %s", strlen(out), out);
	/* FIPS 180-2 test vector */
	sc_sha256("abc", 3, d);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256_abc", "%s", hex);
	sc_sha256(longname, 599, d);	/* several blocks */
	CHECK(d[0] || d[1], "sha256_multiblock", "zero digest");
}

/* folding deltas, restarts from zero, and the state file round trip */
/* calls census__fold() added, or -1 when it failed */
static int64_t fold_added(struct sc_live *l, const struct sc_slot_counts *cur, int64_t now)
{
	uint64_t added;

	return census__fold(l, cur, now, &added) ? -1 : (int64_t)added;
}

static void test_census(void)
{
	struct sc_census c = {}, back;
	struct sc_slot_counts *cur = calloc(1, sizeof(*cur));
	struct sc_image *img;
	struct sc_live *l;
	struct sc_vent *e;
	char path[] = "/tmp/syscensus-unit-state.XXXXXX";
	int fd = mkstemp(path), err;

	if (!cur || fd < 0) {
		CHECK(false, "census_setup", "no memory or temp file");
		return;
	}
	close(fd);
	img = census__image(&c, "localhost/x:1", true);
	image__add_container(img, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "n", 100);
	l = census__add_live(&c, 42, 7, "/libpod_parent/x", img, img->ctrs[0].id);
	cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 5;
	cur->n[SC_UNFILTERED][SC_ABI_NATIVE][165] = 1;	/* mount, before the filter */
	CHECK(fold_added(l, cur, 100) == 6, "census_fold_first", "%s", "");
	cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 9;
	CHECK(fold_added(l, cur, 200) == 4, "census_fold_delta", "%s", "");
	CHECK(fold_added(l, cur, 300) == 0, "census_fold_nothing_new", "%s", "");
	e = vec_get(&img->calls, SC_KEY(SC_FILTERED, SC_ABI_NATIVE, 0), false);
	CHECK(e && e->count == 9 && e->first == 100 && e->last == 200, "census_counts_and_times", "%llu",
	      e ? (unsigned long long)e->count : 0ULL);
	CHECK(image__confined(img), "census_confined", "%s", "");
	err = census__save(&c, path, 400);
	CHECK(!err && !census__load(&back, path) && back.n_images == 1 && back.n_live == 1 &&
	      back.live[0]->slot == 7 && back.live[0]->folded.n == 2 && back.images[0]->calls.n == 2 &&
	      back.images[0]->n_ctrs == 1 && back.saved == 400, "census_save_load", "err %d", err);
	/* counters that restarted from zero (recorder reloaded) add what they hold */
	memset(cur, 0, sizeof(*cur));
	cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 2;
	if (back.n_live)
		CHECK(fold_added(back.live[0], cur, 500) == 2, "census_fold_after_reset", "%s", "");
	census__free(&back);
	/* a state file from another version is refused */
	{
		const char *v2 = "{\"format\":\"syscensus-state\",\"version\":2}";

		sc_write_file_atomic(path, v2, strlen(v2));
	}
	CHECK(census__load(&back, path) == -EPROTO, "census_refuses_version", "%s", "");
	{
		const char *bad_row = "{\"format\":\"syscensus-state\",\"version\":1,"
				      "\"images\":[{\"image\":\"a\",\"calls\":[[0,0,600,1,0,0]]}]}";

		sc_write_file_atomic(path, bad_row, strlen(bad_row));
	}
	CHECK(census__load(&back, path) == -EINVAL, "census_refuses_bad_row", "%s", "");
	/* an unknown cgroup that made no call and is gone is forgotten; one that did is kept */
	census__image(&c, SC_UNKNOWN_PREFIX "77", true);
	img = census__image(&c, SC_UNKNOWN_PREFIX "78", true);
	if (img)
		vec_get(&img->calls, SC_KEY(0, 0, 1), true)->count = 3;
	CHECK(census__prune(&c) == 1 && census__image(&c, SC_UNKNOWN_PREFIX "78", false) &&
	      !census__image(&c, SC_UNKNOWN_PREFIX "77", false), "census_prune_idle_unknown", "%s", "");
	unlink(path);
	census__free(&c);
	free(cur);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		fixtures = argv[1];
	test_json();
	test_rejects();
	test_semantics();
	test_real_world();
	test_generate();
	test_grow();
	test_atomic_write();
	test_cgroup_mount();
	test_container_ids();
	test_names();
	test_census();
	syscalls_cleanup();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
