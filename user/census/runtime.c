// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/json.h"
#include "census/runtime.h"
#include "lib/util.h"

/* containerd (Kubernetes and Docker namespaces) and CRI-O keep a bundle per container */
static const char *const default_bundle_roots[] = {
	"/run/containerd/io.containerd.runtime.v2.task/k8s.io",
	"/run/containerd/io.containerd.runtime.v2.task/moby",
	/* dockerd with the containerd it starts itself (no system containerd) */
	"/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby",
	"/run/containers/storage/overlay-containers",
};

void runtime__roots_default(struct sc_runtime_roots *r)
{
	memset(r, 0, sizeof(*r));
	r->storage = SC_DEFAULT_STORAGE_ROOT;
	r->docker = SC_DEFAULT_DOCKER_ROOT;
	for (size_t i = 0; i < ARRAY_SIZE(default_bundle_roots); i++)
		r->bundles[r->n_bundles++] = default_bundle_roots[i];
}

int runtime__roots_option(struct sc_runtime_roots *r, const char *opt, const char *dir)
{
	if (!strcmp(opt, "storage-root")) {
		r->storage = dir;
	} else if (!strcmp(opt, "docker-root")) {
		r->docker = dir;
	} else if (!strcmp(opt, "bundle-root")) {
		if (!r->bundles_given) {
			r->n_bundles = 0;
			r->bundles_given = true;
		}
		if (r->n_bundles == SC_MAX_BUNDLE_ROOTS) {
			sc_err("--bundle-root: at most %d", SC_MAX_BUNDLE_ROOTS);
			return -E2BIG;
		}
		r->bundles[r->n_bundles++] = dir;
	} else {
		return -ENOENT;
	}
	return 0;
}

/* runtime state files can list thousands of containers */
#define STATE_FILE_MAX	(64u << 20)

static bool is_id(const char *s, size_t len)
{
	if (len != SC_CTR_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* "<prefix><id>" or "<prefix><id>.scope" */
static bool match_prefixed(const char *comp, size_t len, const char *prefix, char *id)
{
	size_t pl = strlen(prefix);

	if (len < pl || strncmp(comp, prefix, pl))
		return false;
	comp += pl;
	len -= pl;
	if (len > 6 && !strncmp(comp + len - 6, ".scope", 6))
		len -= 6;
	if (!is_id(comp, len))
		return false;
	memcpy(id, comp, len);
	id[len] = '\0';
	return true;
}

const char *runtime__container_id(const char *cgpath, char id[SC_CTR_ID_LEN + 1])
{
	static const struct {
		const char *prefix, *runtime;
	} layouts[] = {
		{ "libpod-", "podman" },
		{ "crio-", "cri-o" },
		{ "cri-containerd-", "containerd" },
		{ "docker-", "docker" },
		{ "", "cgroupfs" },
	};
	const char *end = cgpath + strlen(cgpath), *start;

	/* components from the innermost outwards; bounded by the path length */
	while (end > cgpath) {
		size_t len;

		start = end;
		while (start > cgpath && start[-1] != '/')
			start--;
		len = end - start;
		if ((len >= 14 && !strncmp(start, "libpod-conmon-", 14)) ||
		    (len >= 12 && !strncmp(start, "crio-conmon-", 12)))
			return NULL;	/* the runtime's monitor, not a container */
		for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
			if (match_prefixed(start, len, layouts[i].prefix, id))
				return layouts[i].runtime;
		end = start;
		while (end > cgpath && end[-1] == '/')
			end--;
	}
	return NULL;
}

void pod__free(struct sc_pod *p)
{
	free(p->ns);
	free(p->name);
	free(p->uid);
	free(p->workload);
	memset(p, 0, sizeof(*p));
}

int pod__copy(struct sc_pod *dst, const struct sc_pod *src)
{
	if ((src->ns && !(dst->ns = strdup(src->ns))) || (src->name && !(dst->name = strdup(src->name))) ||
	    (src->uid && !(dst->uid = strdup(src->uid))) ||
	    (src->workload && !(dst->workload = strdup(src->workload)))) {
		pod__free(dst);
		return -ENOMEM;
	}
	return 0;
}

void container_info__free(struct sc_container_info *ci)
{
	free(ci->image);
	free(ci->image_id);
	free(ci->name);
	pod__free(&ci->pod);
	memset(ci, 0, sizeof(*ci));
}

/* Kubernetes' random strings (k8s.io/apimachinery/pkg/util/rand): no vowels, no 0, 1, 3 */
static bool k8s_random(const char *s, size_t n, size_t min, size_t max)
{
	return n >= min && n <= max && strspn(s, "bcdfghjklmnpqrstvwxz2456789") >= n;
}

static bool all_digits(const char *s, size_t n)
{
	return n && strspn(s, "0123456789") >= n && (n == 1 || s[0] != '0');
}

int runtime__workload(const char *pod, char *out, size_t len)
{
	const char *d1 = strrchr(pod, '-'), *d2 = NULL;
	size_t n1, n2 = 0;
	int w = -1;

	if (!d1 || d1 == pod || strlen(pod) > 253)
		return -ENOENT;
	n1 = strlen(d1 + 1);
	for (const char *p = d1 - 1; p > pod && !d2; p--)
		if (*p == '-')
			d2 = p;
	if (d2)
		n2 = d1 - d2 - 1;
	/*
	 * <cronjob>-<scheduled time in minutes>-<5>, tried first: the minutes can be made of
	 * the random alphabet's digits only (2, 4-9), as a template hash can
	 */
	if (d2 && d2 > pod && k8s_random(d1 + 1, n1, 5, 5) && all_digits(d2 + 1, n2) && n2 >= 8)
		w = snprintf(out, len, "CronJob/%.*s", (int)(d2 - pod), pod);
	/* <deployment>-<pod-template-hash>-<5>: the hash is a 32-bit FNV in that alphabet, 6 to 10 long */
	else if (d2 && d2 > pod && k8s_random(d1 + 1, n1, 5, 5) && k8s_random(d2 + 1, n2, 6, 10))
		w = snprintf(out, len, "Deployment/%.*s", (int)(d2 - pod), pod);
	/* <replicaset, daemonset or job>-<5> */
	else if (k8s_random(d1 + 1, n1, 5, 5))
		w = snprintf(out, len, "%.*s", (int)(d1 - pod), pod);
	/* <statefulset>-<ordinal> */
	else if (all_digits(d1 + 1, n1) && n1 <= 9)
		w = snprintf(out, len, "StatefulSet/%.*s", (int)(d1 - pod), pod);
	return w > 0 && (size_t)w < len ? 0 : -ENOENT;
}

static char *dup_str(const cJSON *o, const char *key)
{
	const char *v = json_str(o, key);

	return v && v[0] ? strdup(v) : NULL;
}

/* Where each CRI runtime writes the pod: OCI annotations (containerd, CRI-O) or Docker labels (cri-dockerd). */
struct pod_keys {
	const char *ns, *name, *uid, *ctr, *type, *sandbox_type;
};

static const struct pod_keys containerd_keys = {
	"io.kubernetes.cri.sandbox-namespace", "io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-uid",
	"io.kubernetes.cri.container-name", "io.kubernetes.cri.container-type", "sandbox",
};
static const struct pod_keys crio_keys = {
	"io.kubernetes.pod.namespace", "io.kubernetes.pod.name", "io.kubernetes.pod.uid",
	"io.kubernetes.container.name", "io.kubernetes.cri-o.ContainerType", "sandbox",
};
static const struct pod_keys dockershim_keys = {
	"io.kubernetes.pod.namespace", "io.kubernetes.pod.name", "io.kubernetes.pod.uid",
	"io.kubernetes.container.name", "io.kubernetes.docker.type", "podsandbox",
};

/*
 * The pod of a container from the strings of @o under @k: 0 when @o names a pod (then
 * @out->pod, and @out->name from the container name), -ENOENT when not, -ENOMEM.
 */
static int pod_from(const cJSON *o, const struct pod_keys *k, struct sc_container_info *out)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, k->type);
	char workload[300];	/* "StatefulSet/" and a name of up to 253 bytes */

	if (!(out->pod.name = dup_str(o, k->name)))
		return -ENOENT;
	out->pod.ns = dup_str(o, k->ns);
	out->pod.uid = dup_str(o, k->uid);
	if (!runtime__workload(out->pod.name, workload, sizeof(workload)))
		out->pod.workload = strdup(workload);
	out->sandbox = cJSON_IsString(type) && !strcmp(type->valuestring, k->sandbox_type);
	if (!out->name)
		out->name = dup_str(o, k->ctr);
	return 0;
}

/* Whether Docker container @doc's name is the one cri-dockerd gives the pod its @labels name. */
static bool dockershim_named(const cJSON *doc, const cJSON *labels)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "Name");
	const char *pod = json_str(labels, dockershim_keys.name), *ns = json_str(labels, dockershim_keys.ns);
	const char *type = json_str(labels, dockershim_keys.type), *ctr = json_str(labels, dockershim_keys.ctr);
	char want[1200];
	int n;

	if (!cJSON_IsString(name) || !pod || !ns)
		return false;
	n = snprintf(want, sizeof(want), "/k8s_%s_%s_%s_", type && !strcmp(type, "podsandbox") ? "POD" : ctr ? ctr : "",
		     pod, ns);
	return n > 0 && (size_t)n < sizeof(want) && !strncmp(name->valuestring, want, (size_t)n);
}

/*
 * A runtime file that cannot be used is said once while it stays as it is (the agent
 * retries an unattributed container's files at every fold): remembered by path and by
 * what lstat() says of it, in a small ring.
 */
#define SAID_RING 256
static uint64_t said[SAID_RING];
static unsigned said_next;

static void warn_file(const char *path, const char *msg)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a of the path, then the file's identity */
	struct stat st;

	for (const char *c = path; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	if (lstat(path, &st) == 0)
		h ^= ((uint64_t)st.st_ino * 31 + (uint64_t)st.st_size) * 1099511628211ULL ^
		     ((uint64_t)st.st_mtim.tv_sec << 20 ^ (uint64_t)st.st_mtim.tv_nsec);
	for (unsigned i = 0; i < SAID_RING; i++)
		if (said[i] == h)
			return;
	said[said_next++ % SAID_RING] = h;
	sc_warn("%s (said once while the file stays as it is)", msg);
}

/* A parsed state file, kept while its mtime and size do not change. */
struct cached_json {
	char path[PATH_MAX];
	struct timespec mtime;
	off_t size;
	cJSON *doc;
};

static struct cached_json containers_json;

static const cJSON *load_cached(struct cached_json *c, const char *path)
{
	char err[256];
	struct stat st;
	size_t len;
	char *text;

	if (stat(path, &st) < 0) {
		cJSON_Delete(c->doc);
		c->doc = NULL;
		return NULL;
	}
	if (c->doc && !strcmp(c->path, path) && st.st_mtim.tv_sec == c->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == c->mtime.tv_nsec && st.st_size == c->size)
		return c->doc;
	cJSON_Delete(c->doc);
	c->doc = NULL;
	text = sc_read_untrusted(path, STATE_FILE_MAX, &len);
	if (!text) {
		char msg[PATH_MAX + 128];

		snprintf(msg, sizeof(msg), "%s: %s", path, sc_read_error(errno));
		warn_file(path, msg);
		return NULL;
	}
	c->doc = json_parse(text, len, err, sizeof(err));
	free(text);
	if (!c->doc) {
		char msg[PATH_MAX + 300];

		snprintf(msg, sizeof(msg), "%s: %s", path, err);
		warn_file(path, msg);
		return NULL;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->mtime = st.st_mtim;
	c->size = st.st_size;
	return c->doc;
}

void runtime__cleanup(void)
{
	cJSON_Delete(containers_json.doc);
	memset(&containers_json, 0, sizeof(containers_json));
}

/*
 * containers/storage: overlay-containers/containers.json is an array of
 * {"id", "names", "image" (image id), "metadata" (a JSON *string* holding
 * "image-name", "name")}.
 */
static int from_storage(const char *root, const char *id, struct sc_container_info *out)
{
	char path[PATH_MAX], err[256];
	const cJSON *doc, *ent;
	cJSON *meta = NULL;

	if ((size_t)snprintf(path, sizeof(path), "%s/overlay-containers/containers.json", root) >= sizeof(path))
		return -ENAMETOOLONG;
	doc = load_cached(&containers_json, path);
	if (!cJSON_IsArray(doc))
		return -ENOENT;
	cJSON_ArrayForEach(ent, doc) {
		const cJSON *eid = cJSON_GetObjectItemCaseSensitive(ent, "id");
		const cJSON *md = cJSON_GetObjectItemCaseSensitive(ent, "metadata");

		if (!cJSON_IsString(eid) || strcmp(eid->valuestring, id))
			continue;
		if (cJSON_IsString(md)) {
			meta = json_parse(md->valuestring, strlen(md->valuestring), err, sizeof(err));
			if (!meta)
				sc_warn("%s: container %.12s: metadata: %s", path, id, err);
		}
		out->image = meta ? dup_str(meta, "image-name") : NULL;
		out->name = meta ? dup_str(meta, "name") : NULL;
		out->image_id = dup_str(ent, "image");
		cJSON_Delete(meta);
		out->source = "containers-storage";
		/* the image's id as Docker records it: sha256:<config digest>, the same kind for every runtime */
		if (out->image_id && is_id(out->image_id, strlen(out->image_id))) {
			char *full = malloc(7 + SC_CTR_ID_LEN + 1);

			if (full) {
				snprintf(full, 7 + SC_CTR_ID_LEN + 1, "sha256:%s", out->image_id);
				free(out->image_id);
				out->image_id = full;
			}
		}
		return 0;
	}
	return -ENOENT;
}

/* A path component of a reference: [a-z0-9]+ joined by '.', '_', "__" or runs of '-'. */
static bool ref_component(const char *s, size_t n)
{
	size_t i = 0, run, sep;

	for (;;) {
		for (run = 0; i + run < n && ((s[i + run] >= 'a' && s[i + run] <= 'z') ||
					      (s[i + run] >= '0' && s[i + run] <= '9')); run++)
			;
		if (!run)
			return false;
		if ((i += run) == n)
			return true;
		if (s[i] == '.')
			sep = 1;
		else if (s[i] == '_')
			sep = i + 1 < n && s[i + 1] == '_' ? 2 : 1;
		else if (s[i] == '-')
			for (sep = 0; i + sep < n && s[i + sep] == '-'; sep++)
				;
		else
			return false;
		if ((i += sep) == n)
			return false;
	}
}

/*
 * Whether @name is a reference by Docker's grammar (distribution/reference): [domain/]path
 * [:tag][@digest], at most 255 bytes. Anything else is left as the runtime wrote it.
 */
static bool is_reference(const char *name, const char **path, bool *domain, bool *tagged)
{
	size_t len = strlen(name);
	const char *at = strchr(name, '@'), *slash = strchr(name, '/'), *end, *p, *colon;

	if (!len || len > 255)
		return false;
	end = at ? at : name + len;
	if (at && (strncmp(at + 1, "sha256:", 7) || strlen(at + 8) != 64 || strspn(at + 8, "0123456789abcdef") != 64))
		return false;
	*domain = slash && slash < end && (memchr(name, '.', slash - name) || memchr(name, ':', slash - name) ||
					   (slash - name == 9 && !strncmp(name, "localhost", 9)));
	if (*domain && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") <
			       (size_t)(slash - name))
		return false;
	*path = *domain ? slash + 1 : name;
	/* the tag: after the last ':' of the last component */
	p = strrchr(*path, '/');
	colon = memchr(p ? p : *path, ':', end - (p ? p : *path));
	if (colon && (colon + 1 == end || end - colon - 1 > 128 ||
		      strspn(colon + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") <
			      (size_t)(end - colon - 1) || colon[1] == '.' || colon[1] == '-'))
		return false;
	*tagged = colon || at;
	for (p = *path; p < (colon ? colon : end);) {
		const char *next = memchr(p, '/', (colon ? colon : end) - p);
		size_t n = (next ? next : (colon ? colon : end)) - p;

		if (!ref_component(p, n))
			return false;
		p += n + (next != NULL);
		if (next && p == (colon ? colon : end))
			return false;
	}
	return true;
}

int runtime__normalize_image(const char *name, char *out, size_t len)
{
	const char *path;
	bool domain, tagged;
	size_t n;

	if (!is_reference(name, &path, &domain, &tagged))
		return -EINVAL;
	/* the distribution/reference rules Docker applies: docker.io, library/, :latest */
	/* docker.io/nginx is docker.io/library/nginx, as Docker names it */
	if (domain && path - name == 10 && !strncmp(name, "docker.io/", 10) && !strchr(path, '/'))
		n = (size_t)snprintf(out, len, "docker.io/library/%s%s", path, tagged ? "" : ":latest");
	else
		n = (size_t)snprintf(out, len, "%s%s%s%s", domain ? "" : "docker.io/",
				     !domain && !strchr(path, '/') ? "library/" : "", name, tagged ? "" : ":latest");
	return n < len ? 0 : -ENAMETOOLONG;
}

/* Whether @ref names image @id by its id (a hex prefix of at least 12 digits, or sha256:<hex>). */
static bool names_id(const char *ref, const char *id)
{
	const char *hex = strncmp(ref, "sha256:", 7) ? ref : ref + 7;
	size_t n = strlen(hex);

	if (!id || strncmp(id, "sha256:", 7) || n < 12 || n > 64 || strspn(hex, "0123456789abcdef") != n)
		return false;
	return !strncmp(id + 7, hex, n);
}

/*
 * A name for image @id from Docker's <root>/image/<driver>/repositories.json
 * ({"Repositories": {"repo": {"repo:tag": "sha256:..."}}}): the first tagged one in
 * byte order, so that one image always gets the same name. NULL if none.
 */
static char *docker_name_of(const char *root, const char *id)
{
	static const char *const drivers[] = { "overlay2", "fuse-overlayfs", "btrfs", "zfs", "vfs", "devicemapper" };
	char path[PATH_MAX], err[256], *best = NULL;
	const cJSON *repo, *tag;
	cJSON *doc;

	for (size_t d = 0; d < ARRAY_SIZE(drivers) && !best; d++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/image/%s/repositories.json", root, drivers[d]) >= sizeof(path) ||
		    access(path, F_OK) < 0 || !(doc = json_parse_untrusted(path, err, sizeof(err))))
			continue;
		cJSON_ArrayForEach(repo, cJSON_GetObjectItemCaseSensitive(doc, "Repositories"))
			cJSON_ArrayForEach(tag, repo)
				if (cJSON_IsString(tag) && !strcmp(tag->valuestring, id) && tag->string &&
				    !strchr(tag->string, '@') && (!best || strcmp(tag->string, best) < 0)) {
					free(best);
					best = strdup(tag->string);
				}
		cJSON_Delete(doc);
	}
	return best;
}

/*
 * Docker: containers/<id>/config.v2.json: {"Image": "sha256:...", "Name", "Config": {"Image": name}}.
 * Config.Image is what `docker run` was given: a short name, a full one, or the image's id.
 */
static int from_docker(const char *root, const char *id, struct sc_container_info *out)
{
	char path[PATH_MAX], err[256];
	const cJSON *cfg;
	cJSON *doc;

	if ((size_t)snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, id) >= sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, F_OK) < 0)
		return -ENOENT;
	doc = json_parse_untrusted(path, err, sizeof(err));
	if (!doc) {
		warn_file(path, err);
		return -EINVAL;
	}
	cfg = cJSON_GetObjectItemCaseSensitive(doc, "Config");
	out->image = dup_str(cfg, "Image");
	out->image_id = dup_str(doc, "Image");
	/*
	 * a pod's container run by cri-dockerd: its labels name the pod. An image's LABELs are
	 * merged into them too, so they count only when the container's name is the one
	 * cri-dockerd gives for that pod: /k8s_<container or POD>_<pod>_<namespace>_...
	 */
	if (dockershim_named(doc, cJSON_GetObjectItemCaseSensitive(cfg, "Labels")))
		pod_from(cJSON_GetObjectItemCaseSensitive(cfg, "Labels"), &dockershim_keys, out);
	if (!out->name)
		out->name = dup_str(doc, "Name");
	out->source = "docker";
	cJSON_Delete(doc);
	/* run by id: the name the image store gives that id, so that one image is one profile */
	if (out->image && names_id(out->image, out->image_id)) {
		char *named = docker_name_of(root, out->image_id);

		if (named) {
			free(out->image);
			out->image = named;
		}
	}
	/* Docker keeps its container names with a leading '/' */
	if (out->name && out->name[0] == '/')
		memmove(out->name, out->name + 1, strlen(out->name));
	return 0;
}

/*
 * The OCI bundle config.json of container @id below @root: <root>/<id>/config.json
 * (containerd) or <root>/<id>/userdata/config.json (CRI-O, podman). Parsed, with its
 * path in @path; NULL when absent or unreadable (said).
 */
static cJSON *bundle_at(const char *root, const char *id, char *path, size_t len)
{
	static const char *const layouts[] = { "%s/%s/config.json", "%s/%s/userdata/config.json" };
	char err[256];
	cJSON *doc;

	for (size_t l = 0; l < ARRAY_SIZE(layouts); l++) {
		if ((size_t)snprintf(path, len, layouts[l], root, id) >= len || access(path, F_OK) < 0)
			continue;
		doc = json_parse_untrusted(path, err, sizeof(err));
		if (doc)
			return doc;
		warn_file(path, err);
	}
	path[0] = '\0';
	return NULL;
}

cJSON *runtime__bundle_config(const struct sc_runtime_roots *roots, const char *id, char *path, size_t len)
{
	char storage[PATH_MAX];
	cJSON *doc;

	path[0] = '\0';
	if (!is_id(id, strlen(id)))
		return NULL;
	for (size_t i = 0; i < roots->n_bundles; i++)
		if (roots->bundles[i] && (doc = bundle_at(roots->bundles[i], id, path, len)))
			return doc;
	if (roots->storage && (size_t)snprintf(storage, sizeof(storage), "%s/overlay-containers", roots->storage) <
					 sizeof(storage))
		return bundle_at(storage, id, path, len);
	return NULL;
}

/* OCI bundle config.json annotations (containerd CRI, CRI-O) */
static int from_bundle(const char *root, const char *id, struct sc_container_info *out)
{
	static const struct {
		const char *image, *image_id, *name;
		const struct pod_keys *pod;
	} keys[] = {
		{ "io.kubernetes.cri.image-name", "io.kubernetes.cri.image-id", "io.kubernetes.cri.container-name",
		  &containerd_keys },
		{ "io.kubernetes.cri-o.ImageName", "io.kubernetes.cri-o.ImageRef", "io.kubernetes.cri-o.ContainerName",
		  &crio_keys },
	};
	char path[PATH_MAX];
	cJSON *doc = bundle_at(root, id, path, sizeof(path));
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(doc, "annotations");

	for (size_t k = 0; cJSON_IsObject(ann) && k < ARRAY_SIZE(keys); k++) {
		if (pod_from(ann, keys[k].pod, out) == 0 && out->sandbox) {
			out->source = "oci-bundle";
			cJSON_Delete(doc);
			return 0;
		}
		if (!(out->image = dup_str(ann, keys[k].image))) {
			container_info__free(out);
			continue;
		}
		out->image_id = dup_str(ann, keys[k].image_id);
		if (!out->name)
			out->name = dup_str(ann, keys[k].name);
		out->source = "oci-bundle";
		cJSON_Delete(doc);
		return 0;
	}
	cJSON_Delete(doc);
	return -ENOENT;
}

/* The image name as the engines name it (runtime__normalize_image), in place; unchanged if it cannot be. */
static void normalize(struct sc_container_info *ci)
{
	char buf[1024], *n;

	if (!ci->image || runtime__normalize_image(ci->image, buf, sizeof(buf)) || !strcmp(buf, ci->image) ||
	    !(n = strdup(buf)))
		return;
	free(ci->image);
	ci->image = n;
}

static int resolve(const struct sc_runtime_roots *roots, const char *id, struct sc_container_info *out);

int runtime__resolve(const struct sc_runtime_roots *roots, const char *id, struct sc_container_info *out)
{
	int err = resolve(roots, id, out);

	if (!err && out->sandbox)
		return 1;
	if (!err)
		normalize(out);
	return err;
}

/*
 * The pod of a container containers/storage named (CRI-O's, podman's): from its OCI
 * bundle's annotations, which CRI-O writes (the sandbox's included). Nothing for podman's.
 */
static void pod_of_bundle(const struct sc_runtime_roots *roots, const char *id, struct sc_container_info *out)
{
	char path[PATH_MAX], *stored = out->name;
	cJSON *doc = runtime__bundle_config(roots, id, path, sizeof(path));
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(doc, "annotations");

	/* a pod's container goes by its name in the pod spec, not the runtime's k8s_... */
	out->name = NULL;
	if (cJSON_IsObject(ann) && pod_from(ann, &crio_keys, out) && pod_from(ann, &containerd_keys, out))
		pod__free(&out->pod);
	if (out->name)
		free(stored);
	else
		out->name = stored;
	cJSON_Delete(doc);
}

static int resolve(const struct sc_runtime_roots *roots, const char *id, struct sc_container_info *out)
{
	int err = -ENOENT;

	memset(out, 0, sizeof(*out));
	if (!is_id(id, strlen(id)))
		return -EINVAL;
	if (roots->storage && !from_storage(roots->storage, id, out) && out->image) {
		pod_of_bundle(roots, id, out);	/* CRI-O keeps its containers there too */
		return 0;
	}
	container_info__free(out);
	if (roots->docker && !from_docker(roots->docker, id, out) && (out->image || out->sandbox))
		return 0;
	container_info__free(out);
	for (size_t i = 0; i < roots->n_bundles; i++) {
		if (roots->bundles[i] && !from_bundle(roots->bundles[i], id, out) && (out->image || out->sandbox))
			return 0;
		container_info__free(out);
	}
	return err;
}
