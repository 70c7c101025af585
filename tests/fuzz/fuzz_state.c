// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The agent's state file: loaded, then used as status, metrics and profiles use it. */
#include "fuzz.h"
#include "census/census.h"
#include "census/metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[PATH_MAX];
	struct sc_census c = {};
	struct sc_buf b = {};

	sc_verbose = -1;
	if (!path[0])
		snprintf(path, sizeof(path), "%s/state.json", fuzz_dir());
	fuzz_write(path, data, size);
	if (census__load(&c, path) == 0) {
		cJSON *doc = census__json(&c, 1000);

		cJSON_Delete(doc);
		metrics__render(&c, NULL, &b);
		for (size_t i = 0; i < c.n_images; i++) {
			const char *note;
			char conf[160];

			cJSON_Delete(image__profile(c.images[i], &note));
			image__confidence(c.images[i], 1000, conf, sizeof(conf));
		}
		census__prune(&c);
	}
	sc_buf_free(&b);
	census__free(&c);
	return 0;
}
