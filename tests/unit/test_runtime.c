// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* cgroup path -> container id (census/runtime.c), for every layout the agent knows. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "census/runtime.h"
#include "lib/util.h"
#include "test.h"

/* cri-dockerd's pods from Docker's state: the labels count only under cri-dockerd's container name */
static void test_dockershim(void)
{
	static const char *id = "d0c0d0c0d0c0d0c0d0c0d0c0d0c0d0c0d0c0d0c0d0c0d0c0d0c0d0c0d0c0d0c0";
	static const struct {
		const char *name, *type, *want_pod;
		int want;
	} cases[] = {
		{ "/k8s_web_web-7d4b9c8f6d-x2kqz_shop_u1_0", "container", "web-7d4b9c8f6d-x2kqz", 0 },
		{ "/k8s_POD_web-7d4b9c8f6d-x2kqz_shop_u1_0", "podsandbox", "web-7d4b9c8f6d-x2kqz", 1 },
		/* an image's own LABELs, in a container docker run named: not a pod, never a sandbox */
		{ "/innocent", "podsandbox", NULL, 0 },
		{ "/k8s_web_other-pod_shop_u1_0", "container", NULL, 0 },
	};
	char dir[] = "/tmp/syscensus-unit-XXXXXX", path[512], name[32];
	struct sc_runtime_roots roots = {};
	struct sc_container_info ci;

	if (!mkdtemp(dir)) {
		ASSERT_MSG(false, "dockershim_tmp", "mkdtemp: %s", strerror(errno));
		return;
	}
	roots.docker = dir;
	snprintf(path, sizeof(path), "%s/containers", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/containers/%s", dir, id);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", dir, id);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		FILE *f = fopen(path, "w");
		int ret;

		if (!f)
			break;
		fprintf(f, "{\"ID\":\"%s\",\"Image\":\"sha256:%064d\",\"Name\":\"%s\",\"Config\":{\"Image\":\"nginx:1\","
			   "\"Labels\":{\"io.kubernetes.pod.name\":\"web-7d4b9c8f6d-x2kqz\",\"io.kubernetes.pod.namespace\":"
			   "\"shop\",\"io.kubernetes.container.name\":\"web\",\"io.kubernetes.docker.type\":\"%s\"}}}",
			id, 0, cases[i].name, cases[i].type);
		fclose(f);
		ret = runtime__resolve(&roots, id, &ci);
		snprintf(name, sizeof(name), "dockershim_%zu", i);
		ASSERT_MSG(ret == cases[i].want && (cases[i].want_pod ? ci.pod.name && !strcmp(ci.pod.name, cases[i].want_pod)
								    : !ci.pod.name),
			   name, "%s: got %d, pod %s; expected %d, pod %s", cases[i].name, ret,
			   ci.pod.name ? ci.pod.name : "none", cases[i].want, cases[i].want_pod ? cases[i].want_pod : "none");
		if (ret >= 0)
			container_info__free(&ci);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/containers/%s", dir, id);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/containers", dir);
	rmdir(path);
	rmdir(dir);
}

void test_runtime(void)
{
	test_dockershim();
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
	char path[256], got[SC_CTR_ID_LEN + 1] = "", name[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *rt;

		snprintf(path, sizeof(path), cases[i].fmt, id);
		rt = runtime__container_id(path, got);
		snprintf(name, sizeof(name), "container_id_%zu", i);
		if (cases[i].runtime)
			ASSERT_MSG(rt && !strcmp(rt, cases[i].runtime) && !strcmp(got, id), name,
				   "%s: got %s %s, expected %s", path, rt ? rt : "no id", rt ? got : "", cases[i].runtime);
		else
			ASSERT_MSG(!rt, name, "%s: unexpected %s", path, rt);
	}
	/* image names as the engines name them */
	static const struct {
		const char *in, *out;	/* out NULL: not a reference, left alone */
	} refs[] = {
		{ "nginx", "docker.io/library/nginx:latest" },
		{ "nginx:1.22", "docker.io/library/nginx:1.22" },
		{ "docker.io/library/nginx:1.22", "docker.io/library/nginx:1.22" },
		{ "me/app:1", "docker.io/me/app:1" },
		{ "docker.io/nginx", "docker.io/library/nginx:latest" },
		{ "localhost/app:1", "localhost/app:1" },
		{ "localhost:5000/app", "localhost:5000/app:latest" },
		{ "quay.io/a/b-c__d.e:v1.2_3", "quay.io/a/b-c__d.e:v1.2_3" },
		{ "registry:5000/ns/img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "registry:5000/ns/img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
		{ "UPPER/Case:1", NULL },
		{ "../../../../tmp/x", NULL },
		{ ".hidden", NULL },
		{ "..", NULL },
		{ "a//b", NULL },
		{ "a/", NULL },
		{ "a:", NULL },
		{ "a___b", NULL },
		{ "a:.tag", NULL },
		{ "", NULL },
	};
	char norm[512];

	for (size_t i = 0; i < ARRAY_SIZE(refs); i++) {
		int err = runtime__normalize_image(refs[i].in, norm, sizeof(norm));

		snprintf(name, sizeof(name), "normalize_image_%zu", i);
		if (refs[i].out)
			ASSERT_MSG(!err && !strcmp(norm, refs[i].out), name, "\"%s\": got %s, expected %s", refs[i].in,
				   err ? "an error" : norm, refs[i].out);
		else
			ASSERT_MSG(err == -EINVAL, name, "\"%s\": got %s, expected -EINVAL", refs[i].in, err ? "another error" : norm);
	}

	/* workloads from pod names, as the controllers make them */
	static const struct {
		const char *pod, *workload;
	} pods[] = {
		{ "web-7d4b9c8f6d-x2kqz", "Deployment/web" },
		{ "my-api-v2-5c8b7d9f4-h7x2m", "Deployment/my-api-v2" },
		{ "backup-28712345-9zq4t", "CronJob/backup" },
		{ "fluentd-8kx2z", "fluentd" },		/* ReplicaSet, DaemonSet or Job: not said */
		{ "db-0", "StatefulSet/db" },
		{ "kafka-broker-12", "StatefulSet/kafka-broker" },
		{ "db-01", NULL },			/* an ordinal has no leading zero */
		{ "nginx", NULL },
		{ "web-aaaaa", NULL },			/* vowels are not in the random alphabet */
		{ "-x2kqz", NULL },
		{ "web-", NULL },
		{ "", NULL },
	};
	char wl[256];

	for (size_t i = 0; i < ARRAY_SIZE(pods); i++) {
		int err = runtime__workload(pods[i].pod, wl, sizeof(wl));

		snprintf(name, sizeof(name), "workload_%zu", i);
		if (pods[i].workload)
			ASSERT_MSG(!err && !strcmp(wl, pods[i].workload), name, "\"%s\": got %s, expected %s", pods[i].pod,
				   err ? "none" : wl, pods[i].workload);
		else
			ASSERT_MSG(err == -ENOENT, name, "\"%s\": got %s, expected none", pods[i].pod, err ? "?" : wl);
	}
	ASSERT_MSG(runtime__workload("web-7d4b9c8f6d-x2kqz", wl, 8) == -ENOENT, "workload_short_buffer",
		   "a buffer too small must give no workload");

	/* the nested form: the innermost container id wins */
	snprintf(path, sizeof(path), "/docker/%s/libpod-%.63s1", id, id);
	ASSERT_MSG(runtime__container_id(path, got) && got[63] == '1', "container_id_innermost", "%s: got %s", path, got);
}
