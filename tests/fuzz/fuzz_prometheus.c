// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Prometheus's answers, as diff/propose/status --prometheus read them: the first byte
 * picks which query the rest answers; several answers fold into one census, which is
 * then used as diff and propose use it.
 */
#include "fuzz.h"
#include "census/census.h"
#include "census/prometheus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_census c = {};
	size_t at = 0;

	sc_verbose = -1;
	/* answers separated by NUL bytes, each opened by the byte that says which query */
	while (at < size) {
		size_t end = at;

		while (end < size && data[end])
			end++;
		if (end > at)
			prometheus__fold_answer(&c, data[at], (const char *)data + at + 1, end - at - 1);
		at = end + 1;
	}
	for (size_t i = 0; i < c.n_images; i++) {
		const char *note;

		cJSON_Delete(image__profile(c.images[i], &note));
	}
	census__free(&c);
	return 0;
}
