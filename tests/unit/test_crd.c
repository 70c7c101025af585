// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * SeccompProfile objects (seccomp/crd.c): names valid for the API server and distinct
 * for distinct images, the spec the same as the profile's, and what the API cannot
 * hold refused rather than dropped. The schema itself is checked by the suite
 * (tests/kubernetes.sh, the SPO CRD's openAPIV3Schema).
 */
#include <errno.h>

#include "lib/json.h"
#include "lib/util.h"
#include "seccomp/crd.h"
#include "test.h"

static int render(const char *profile, struct sc_buf *b, char *err, size_t len)
{
	char perr[128];
	cJSON *doc = json_parse(profile, strlen(profile), perr, sizeof(perr));
	int ret;

	if (!doc)
		return -EBADMSG;
	ret = crd__render(doc, "docker.io/library/nginx:1.22", b, err, len);
	cJSON_Delete(doc);
	return ret;
}

static bool dns_subdomain(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 253 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-.") == n && s[0] != '-' &&
	       s[n - 1] != '-' && s[0] != '.' && !strstr(s, "..");
}

void test_crd(void)
{
	static const char *const images[] = {
		"docker.io/library/nginx:1.22", "docker.io/library/nginx-1.22", "UPPER/Case:1", "../../x", "",
		"%%%", "registry:5000/ns/img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	};
	char name[SC_CRD_NAME_MAX], prev[SC_CRD_NAME_MAX] = "", err[256], tname[48], longimg[700];
	struct sc_buf b = {};
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(images); i++) {
		crd__name(images[i], name);
		snprintf(tname, sizeof(tname), "crd_name_valid_%zu", i);
		ASSERT_MSG(dns_subdomain(name), tname, "\"%s\" -> \"%s\": not a DNS-1123 subdomain", images[i], name);
		snprintf(tname, sizeof(tname), "crd_name_distinct_%zu", i);
		ASSERT_MSG(strcmp(name, prev), tname, "\"%s\" and the one before both -> \"%s\"", images[i], name);
		snprintf(prev, sizeof(prev), "%s", name);
	}
	memset(longimg, 'a', sizeof(longimg) - 1);
	longimg[sizeof(longimg) - 1] = '\0';
	crd__name(longimg, name);
	ASSERT_MSG(dns_subdomain(name) && strlen(name) <= 209, "crd_name_long", "%zu bytes: %.40s...", strlen(name), name);
	crd__name("docker.io/library/nginx:1.22", name);
	ASSERT_MSG(!strncmp(name, "docker-io-library-nginx-1-22-", 29) && strlen(name) == 37, "crd_name_readable",
		   "got %s", name);

	ret = render("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		     "\"comment\":\"learned\",\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\","
		     "\"comment\":\"x\"},{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
		     "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,"
		     "\"op\":\"SCMP_CMP_EQ\"}]}]}", &b, err, sizeof(err));
	ASSERT_MSG(!ret && b.data && strstr(b.data, "  defaultAction: \"SCMP_ACT_ERRNO\"\n") &&
		   strstr(b.data, "    - names:\n        - \"clone3\"\n      action: \"SCMP_ACT_ERRNO\"\n      errnoRet: 38\n") &&
		   strstr(b.data, "        - index: 0\n          value: 1\n          op: \"SCMP_CMP_EQ\"\n") &&
		   strstr(b.data, "syscensus.io/comment: \"learned\"") && !strstr(b.data, "\"x\"") &&
		   !strstr(b.data, "defaultErrnoRet"), "crd_render_spec", "ret %d (%s):\n%s", ret, err,
		   b.data ? b.data : "");
	sc_buf_free(&b);

	static const struct {
		const char *profile, *why;
	} refused[] = {
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[]}", "defaultErrnoRet" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"bpf\"],\"action\":\"SCMP_ACT_ALLOW\","
		  "\"includes\":{\"caps\":[\"CAP_BPF\"]}}]}", "includes" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\","
		  "\"args\":[{\"index\":1,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]}]}", "2^63-1" },
		{ "{\"syscalls\":[]}", "defaultAction" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}],"
		  "\"syscalls\":[]}", "archMap" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[[1]]}", "not an object" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"name\":\"read\",\"names\":[\"write\"],"
		  "\"action\":\"SCMP_ACT_ALLOW\"}]}", "both name and names" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\","
		  "\"args\":[{\"index\":1,\"value\":1.5,\"op\":\"SCMP_CMP_EQ\"}]}]}", "whole number" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		err[0] = '\0';
		ret = render(refused[i].profile, &b, err, sizeof(err));
		snprintf(tname, sizeof(tname), "crd_refuses_%zu", i);
		ASSERT_MSG(ret == -EINVAL && strstr(err, refused[i].why) && !b.data, tname,
			   "ret %d, err \"%s\", expected -EINVAL naming %s", ret, err, refused[i].why);
		sc_buf_free(&b);
	}
	/* the spec's other fields, as the profile has them */
	ret = render("{\"defaultAction\":\"SCMP_ACT_LOG\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":[]}", &b,
		     err, sizeof(err));
	ASSERT_MSG(!ret && b.data && strstr(b.data, "  flags:\n    - \"SECCOMP_FILTER_FLAG_LOG\"\n"), "crd_render_flags",
		   "ret %d (%s):\n%s", ret, err, b.data ? b.data : "");
	sc_buf_free(&b);

	/* an untrusted image name becomes printable ASCII in the annotation */
	{
		cJSON *doc = cJSON_Parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");

		ret = crd__render(doc, "evil\n\"name\xff%", &b, err, sizeof(err));
		ASSERT_MSG(!ret && b.data && strstr(b.data, "syscensus.io/learned-from: \"evil%0A\\\"name%FF%25\"\n"),
			   "crd_annotation_escaped", "ret %d:\n%s", ret, b.data ? b.data : "");
		sc_buf_free(&b);
		cJSON_Delete(doc);
	}
}
