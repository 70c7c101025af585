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

/* What @d's bundle enforces, against what the agent saw of its image. */
static void evaluate_one(struct sc_deployed *d, struct sc_census *c, const struct sc_runtime_roots *roots,
			 const struct sc_eval_ctx *base)
{
	struct sc_eval_ctx ctx = *base;
	cJSON *cfg, *sec;

	/* includes/excludes.caps: the container's own effective capabilities */
	proc_seccomp(d->pid, &d->mode, &d->filters, &ctx.caps);
	cfg = runtime__bundle_config(roots, d->id, d->bundle, sizeof(d->bundle));
	sec = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg, "linux"), "seccomp");
	d->has_seccomp = cJSON_IsObject(sec);
	d->ev.img = d->image ? census__image(c, d->image, false) : NULL;
	d->observed = d->ev.img != NULL;
	if (!d->observed) {
		d->empty.key = d->image ? d->image : (char *)"?";
		d->ev.img = &d->empty;
	}
	snprintf(d->ev.profile, sizeof(d->ev.profile), "%s:linux.seccomp", d->bundle[0] ? d->bundle : "?");
	d->ev.has_profile = d->has_seccomp;
	if (d->has_seccomp)
		drift__evaluate(&d->ev, &ctx, cJSON_DetachItemViaPointer(cJSON_GetObjectItemCaseSensitive(cfg, "linux"),
									 sec));
	cJSON_Delete(cfg);
}

int drift__deployed(struct sc_deployment *dep, struct sc_census *c, const struct sc_runtime_roots *roots,
		    const struct sc_eval_ctx *ctx)
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

		int err = runtime__resolve(roots, dep->v[i].id, &ci);

		if (err == 0) {
			dep->v[i].image = ci.image;
			ci.image = NULL;
		}
		if (err >= 0)
			container_info__free(&ci);
	}
	if (dep->n)
		qsort(dep->v, dep->n, sizeof(*dep->v), cmp_deployed);
	for (size_t i = 0; i < dep->n; i++) {
		evaluate_one(&dep->v[i], c, roots, ctx);
		dep->unconfined += dep->v[i].mode == 0;
	}
	return 0;
}

void drift__deployment_free(struct sc_deployment *dep)
{
	for (size_t i = 0; i < dep->n; i++) {
		drift__eval_free(&dep->v[i].ev);
		free(dep->v[i].image);
	}
	free(dep->v);
	memset(dep, 0, sizeof(*dep));
}
