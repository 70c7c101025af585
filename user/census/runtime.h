/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cgroup -> container -> image: container ids from the cgroup path layouts of the
 * common runtimes, image names from the runtimes' own on-disk state. Everything read
 * here comes from containers and is untrusted: ids are validated (64 hex digits)
 * before they are used in a path, image names are only ever data.
 */
#ifndef SC_RUNTIME_H
#define SC_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "lib/paths.h"

#define SC_CTR_ID_LEN	64

#define SC_MAX_BUNDLE_ROOTS	16

/* Where the runtimes keep their state; NULL entries are skipped. */
struct sc_runtime_roots {
	const char *storage;	/* containers/storage (podman, CRI-O): overlay-containers/containers.json */
	const char *docker;	/* Docker: containers/<id>/config.v2.json */
	/* OCI bundle roots: <root>/<id>/config.json (containerd, CRI-O) */
	const char *bundles[SC_MAX_BUNDLE_ROOTS];
	size_t n_bundles;
	bool bundles_given;	/* --bundle-root replaced the defaults */
};

/* The usual places: containers/storage, Docker's data root, containerd's and CRI-O's bundles. */
void runtime__roots_default(struct sc_runtime_roots *r);
/*
 * The options every command that reads the runtimes' state accepts: --storage-root,
 * --docker-root and --bundle-root (repeatable; the first replaces the default bundle
 * roots). @opt is the option's name without dashes. 0, -ENOENT when @opt is not one of
 * them, or -E2BIG after saying so.
 */
int runtime__roots_option(struct sc_runtime_roots *r, const char *opt, const char *dir);
#define SC_RUNTIME_ROOTS_HELP \
	"  --storage-root DIR  containers/storage of podman and CRI-O (default " SC_DEFAULT_STORAGE_ROOT ")\n" \
	"  --docker-root DIR   Docker's data root (default " SC_DEFAULT_DOCKER_ROOT ")\n" \
	"  --bundle-root DIR   OCI bundles as <DIR>/<id>/config.json; repeat; replaces the defaults\n"

/*
 * Container id from a cgroup path (relative to the cgroup2 mount): the innermost
 * component of the form libpod-<id>, crio-<id>, cri-containerd-<id>, docker-<id>
 * (with or without .scope) or a bare <id> (cgroupfs layouts: /docker/<id>,
 * /kubepods/.../pod<uid>/<id>). A conmon scope (libpod-conmon-, crio-conmon-) is the
 * runtime's monitor, not a container: no id. Returns the layout's name ("podman",
 * "cri-o", "containerd", "docker", "cgroupfs") and fills @id, or NULL.
 */
const char *runtime__container_id(const char *cgpath, char id[SC_CTR_ID_LEN + 1]);

/*
 * @name as the engines name an image: Docker's distribution/reference defaults
 * ("nginx" -> "docker.io/library/nginx:latest", "me/app:1" -> "docker.io/me/app:1"), a
 * name with a registry domain ("localhost/x:1", "quay.io/a/b") kept, ":latest" added
 * when there is neither tag nor digest. 0, -EINVAL (not a reference) or -ENAMETOOLONG.
 */
int runtime__normalize_image(const char *name, char *out, size_t len);

/*
 * The Kubernetes pod a container belongs to, from what the CRI runtimes write into its
 * OCI bundle's annotations (containerd's CRI plugin, CRI-O) or its Docker labels
 * (cri-dockerd). Every field NULL when the container is not a pod's.
 */
struct sc_pod {
	char *ns;		/* namespace */
	char *name;		/* pod name */
	char *uid;		/* pod UID */
	char *workload;		/* "Kind/name" or "name" (kind unsure), inferred from the pod name */
};

struct sc_container_info {
	char *image;		/* image name, normalized (runtime__normalize_image); NULL: unknown */
	char *image_id;		/* image id, "sha256:<config digest>", for every runtime; NULL: unknown */
	char *name;		/* container name; NULL: unknown */
	const char *source;	/* which state file answered: "containers-storage", "docker", "oci-bundle" */
	struct sc_pod pod;
	/* a pod's sandbox ("pause") container: it holds the pod's namespaces, not an image to profile */
	bool sandbox;
};

/*
 * The workload that created a pod, inferred from the pod's name as the controllers
 * build it, into @out: "Deployment/web" for web-<template hash>-<suffix>,
 * "CronJob/backup" for backup-<minutes>-<suffix>, "StatefulSet/db" for db-<ordinal>,
 * and the bare owner's name for <owner>-<suffix> (a ReplicaSet, DaemonSet or Job: the
 * name does not tell which). Hashes and suffixes use the alphabet of Kubernetes' random
 * strings (no vowels, no 0, 1, 3). 0, or -ENOENT when the name shows no owner.
 */
int runtime__workload(const char *pod, char *out, size_t len);

void pod__free(struct sc_pod *p);
/* A copy of @src into @dst (whose fields must be NULL). 0 or -ENOMEM (@dst then freed). */
int pod__copy(struct sc_pod *dst, const struct sc_pod *src);

/*
 * Look container @id up in the runtimes' state under @roots. Returns 0 and fills @out
 * (free with container_info__free), 1 for a pod's sandbox container (@out has its pod
 * and no image; free it too), -ENOENT when no runtime knows it, or -errno.
 */
int runtime__resolve(const struct sc_runtime_roots *roots, const char *id, struct sc_container_info *out);
void container_info__free(struct sc_container_info *ci);

/*
 * The OCI bundle config.json of container @id (what the runtime enforces: linux.seccomp)
 * under the bundle roots, then containers/storage's userdata. Parsed (free with
 * cJSON_Delete), its path in @path; NULL when there is none.
 */
cJSON *runtime__bundle_config(const struct sc_runtime_roots *roots, const char *id, char *path, size_t len);

/* Forget cached state files (containers.json is cached by mtime). */
void runtime__cleanup(void);

#endif
