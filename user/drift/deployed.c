// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `diff --deployed`: every running container, the profile its OCI bundle enforces
 * (linux.seccomp in config.json), its seccomp mode and filter count as the kernel
 * reports them (/proc/PID/status), and its image's observed calls against that profile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift/drift.h"
#include "lib/util.h"
#include "record/cgroup.h"

/* "Seccomp:" mode, "Seccomp_filters:" count and effective caps of @pid */
static int proc_seccomp(int pid, int *mode, int *filters, uint64_t *caps)
{
	char path[64], *text, *p;

	*mode = *filters = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	text = sc_read_file(path, 1 << 16, NULL);
	if (!text)
		return -errno;
	if ((p = strstr(text, "\nSeccomp:")))
		*mode = atoi(p + 9);
	if ((p = strstr(text, "\nSeccomp_filters:")))
		*filters = atoi(p + 17);
	if ((p = strstr(text, "\nCapEff:")))
		*caps = strtoull(p + 8, NULL, 16);
	free(text);
	return 0;
}

static int first_pid(const char *cgdir)
{
	char path[PATH_MAX], *text;
	int pid = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", cgdir) >= sizeof(path))
		return 0;
	text = sc_read_file(path, 1 << 20, NULL);
	if (text)
		pid = atoi(text);
	free(text);
	return pid;
}

static int cmp_deployed(const void *a, const void *b)
{
	const struct sc_deployed *x = a, *y = b;
	int c = strcmp(x->image ? x->image : "", y->image ? y->image : "");

	return c ? c : strcmp(x->id, y->id);
}

struct walk {
	struct sc_deployment *dep;
	int err;
};

/* A cgroup of a container with a task in it: a running container */
static void on_cgroup(void *ctx, const char *abs, const char *rel)
{
	struct walk *w = ctx;
	struct sc_deployment *dep = w->dep;
	char id[SC_CTR_ID_LEN + 1];
	struct sc_deployed *v;
	int pid;

	if (w->err || !runtime__container_id(rel, id) || (pid = first_pid(abs)) <= 0)
		return;
	if (!(v = sc_grow(dep->v, &dep->cap, dep->n, sizeof(*v), 8))) {
		w->err = -ENOMEM;
		return;
	}
	dep->v = v;
	v = &dep->v[dep->n++];
	memset(v, 0, sizeof(*v));
	snprintf(v->id, sizeof(v->id), "%s", id);
	v->pid = pid;
}

/*
 * The profile CRI-O says the pod asked for (io.kubernetes.cri-o.SeccompProfilePath):
 * "localhost/PATH" or an absolute path, a name relative to the kubelet's seccomp root
 * (as localhostProfile is), "unconfined", "runtime/default"; into d->requested.
 */
static void requested_profile(struct sc_deployed *d, const cJSON *cfg, const char *kubelet_root)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg, "annotations"),
							  "io.kubernetes.cri-o.SeccompProfilePath");
	const char *p;

	if (!cJSON_IsString(v))
		return;
	p = v->valuestring;
	if (!strncmp(p, "localhost/", 10))
		p += 10;
	/* the kubelet gives CRI-O absolute paths below its root: read them below ours */
	if (!strncmp(p, SC_KUBELET_SECCOMP_ROOT "/", sizeof(SC_KUBELET_SECCOMP_ROOT)))
		p += sizeof(SC_KUBELET_SECCOMP_ROOT);
	if (!*p || !strcmp(p, "unconfined") || !strcmp(p, "runtime/default") || !strcmp(p, "docker/default"))
		snprintf(d->requested, sizeof(d->requested), "%s", *p ? p : "unconfined");
	else if (strstr(p, ".."))
		snprintf(d->requested, sizeof(d->requested), "(a path with \"..\": not read)");
	else if (p[0] == '/')
		snprintf(d->requested, sizeof(d->requested), "%s", p);
	else if ((size_t)snprintf(d->requested, sizeof(d->requested), "%s/%s", kubelet_root, p) >= sizeof(d->requested))
		snprintf(d->requested, sizeof(d->requested), "(too long a path below %s)", kubelet_root);
}

/* What @d's bundle enforces, against what the agent saw of its image. */
static void evaluate_one(struct sc_deployed *d, struct sc_census *c, const struct sc_runtime_roots *roots,
			 const char *kubelet_root, const struct sc_eval_ctx *base)
{
	struct sc_eval_ctx ctx = *base;
	cJSON *cfg, *sec;

	/* includes/excludes.caps: the container's own effective capabilities */
	proc_seccomp(d->pid, &d->mode, &d->filters, &ctx.caps);
	cfg = runtime__bundle_config(roots, d->id, d->bundle, sizeof(d->bundle));
	requested_profile(d, cfg, kubelet_root);
	sec = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg, "linux"), "seccomp");
	d->has_seccomp = cJSON_IsObject(sec);
	/* no profile in the bundle, but a Localhost file named: that file (kubelet's layout) */
	d->from_file = !d->has_seccomp && d->requested[0] == '/';
	d->ev.img = d->image ? census__image_named(c, d->image) : NULL;
	d->observed = d->ev.img != NULL;
	if (!d->observed) {
		d->empty.key = d->image ? d->image : (char *)"?";
		d->ev.img = &d->empty;
	}
	if (d->from_file)
		snprintf(d->ev.profile, sizeof(d->ev.profile), "%s", d->requested);
	else
		snprintf(d->ev.profile, sizeof(d->ev.profile), "%s:linux.seccomp", d->bundle[0] ? d->bundle : "?");
	d->ev.has_profile = d->has_seccomp || d->from_file;
	if (d->has_seccomp)
		drift__evaluate(&d->ev, &ctx, cJSON_DetachItemViaPointer(cJSON_GetObjectItemCaseSensitive(cfg, "linux"),
									 sec));
	else if (d->from_file)
		drift__evaluate(&d->ev, &ctx, NULL);	/* profile__load() of the file, errors said */
	cJSON_Delete(cfg);
}

int drift__deployed(struct sc_deployment *dep, struct sc_census *c, const struct sc_runtime_roots *roots,
		    const char *kubelet_root, const struct sc_eval_ctx *ctx)
{
	struct walk w = { .dep = dep };
	char mnt[PATH_MAX];

	memset(dep, 0, sizeof(*dep));
	if (cgroup__v2_mount(mnt, sizeof(mnt))) {
		sc_err("no cgroup v2 hierarchy: cannot find running containers");
		return -ENOENT;
	}
	if (cgroup__walk(mnt, 1u << 20, on_cgroup, &w, NULL))
		sc_warn("some cgroups under %s could not be read: running containers may be missing", mnt);
	if (w.err) {
		sc_err("out of memory listing the running containers");
		return w.err;
	}
	/* images first: resolve, then sort, so that the report is in a stable order */
	for (size_t i = 0; i < dep->n; i++) {
		struct sc_container_info ci;

		struct sc_deployed *d = &dep->v[i];
		int err = runtime__resolve(roots, d->id, &ci);

		if (err == 0) {
			d->image = ci.image;
			d->name = ci.name;
			d->pod = ci.pod;
			ci.image = ci.name = NULL;
			memset(&ci.pod, 0, sizeof(ci.pod));
		}
		d->sandbox = err == 1;
		if (err >= 0)
			container_info__free(&ci);
	}
	/* pods' sandboxes hold namespaces, run no workload: not reported */
	for (size_t i = 0; i < dep->n;) {
		if (dep->v[i].sandbox)
			dep->v[i] = dep->v[--dep->n];
		else
			i++;
	}
	if (dep->n)
		qsort(dep->v, dep->n, sizeof(*dep->v), cmp_deployed);
	for (size_t i = 0; i < dep->n; i++) {
		evaluate_one(&dep->v[i], c, roots, kubelet_root, ctx);
		dep->unconfined += dep->v[i].mode == 0;
	}
	return 0;
}

void drift__deployment_free(struct sc_deployment *dep)
{
	for (size_t i = 0; i < dep->n; i++) {
		drift__eval_free(&dep->v[i].ev);
		free(dep->v[i].image);
		free(dep->v[i].name);
		pod__free(&dep->v[i].pod);
	}
	free(dep->v);
	memset(dep, 0, sizeof(*dep));
}
