// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The runtimes' state files, as the agent reads them to name a container: the first
 * byte picks the file the rest becomes (containers/storage containers.json, Docker
 * config.v2.json or repositories.json, an OCI bundle's config.json), then the container
 * is resolved and its bundle read.
 */
#include "fuzz.h"
#include "census/runtime.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const files[] = {
		"storage/overlay-containers/containers.json",
		"docker/containers/" ID "/config.v2.json",
		"docker/image/overlay2/repositories.json",
		"bundles/" ID "/config.json",
	};
	struct sc_runtime_roots roots = {};
	struct sc_container_info ci = {};
	char path[PATH_MAX], storage[PATH_MAX], docker[PATH_MAX], bundles[PATH_MAX], bpath[PATH_MAX];
	const char *dir = fuzz_dir();

	if (!size)
		return 0;
	sc_verbose = -1;
	snprintf(path, sizeof(path), "%s/%s", dir, files[data[0] % 4]);
	fuzz_write(path, data + 1, size - 1);
	snprintf(storage, sizeof(storage), "%s/storage", dir);
	snprintf(docker, sizeof(docker), "%s/docker", dir);
	snprintf(bundles, sizeof(bundles), "%s/bundles", dir);
	roots.storage = storage;
	roots.docker = docker;
	roots.bundles[0] = bundles;
	roots.n_bundles = 1;
	if (runtime__resolve(&roots, ID, &ci) >= 0)	/* 1: a pod's sandbox, its pod filled */
		container_info__free(&ci);
	cJSON_Delete(runtime__bundle_config(&roots, ID, bpath, sizeof(bpath)));
	runtime__cleanup();	/* the cache goes by mtime: the next input may have the same */
	unlink(path);
	return 0;
}
