// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Profiles (Docker/OCI JSON, every accepted form): parsed, validated, compiled, evaluated,
 * and rendered as a SeccompProfile.
 */
#include "fuzz.h"
#include "lib/json.h"
#include "seccomp/crd.h"
#include "seccomp/filter.h"
#include "seccomp/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sc_eval_ctx ctx;
	static bool ready;
	struct sc_compile_stats st;
	struct sc_filter f = {};
	struct sc_profile *p;
	char err[1024];
	cJSON *doc;

	if (!ready) {
		if (eval_ctx_current(&ctx))
			abort();
		ready = true;
		sc_verbose = -1;	/* warnings are expected: do not flood the fuzzer's output */
	}
	doc = json_parse((const char *)data, size, err, sizeof(err));
	if (!doc)
		return 0;
	{
		struct sc_buf y;

		if (crd__render(doc, "fuzz/image:1", &y, err, sizeof(err)) == 0)
			sc_buf_free(&y);
	}
	p = profile__from_json(doc, "fuzz.json", &ctx, SC_UNKNOWN_WARN, err, sizeof(err));
	if (p && profile__filter(p, &ctx, &f, &st, err, sizeof(err)) == 0) {
		/* what diff and check do with the compiled filter */
		for (int nr = 0; nr < 450; nr += 7)
			filter__verdict(&f, SCMP_ARCH_X86_64, nr);
		filter__free(&f);
	}
	profile__free(p);
	return 0;
}
