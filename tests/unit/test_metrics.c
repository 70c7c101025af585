// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The Prometheus exposition (census/metrics.c): hostile image names stay inside their
 * label value (escaped, non-UTF-8 bytes replaced), counts are those of the profile,
 * unattributed cgroups are not listed.
 */
#include <stdlib.h>

#include "census/census.h"
#include "census/metrics.h"
#include "lib/util.h"
#include "seccomp/syscalls.h"
#include "test.h"

/* lines of @text that start with @prefix */
static unsigned lines_with(const char *text, const char *prefix)
{
	unsigned n = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

void test_metrics(void)
{
	static const char hostile[] = "evil\"} 1\nsyscensus_images 99\n\\x\xff\xc0\xaf:1";
	struct sc_census c = {};
	struct sc_image *img, *unk;
	struct sc_buf b = {};
	int read_nr = syscall_nr(arch_native()->token, "read");

	img = census__image(&c, hostile, true);
	unk = census__image(&c, SC_UNKNOWN_PREFIX "42", true);
	if (!ASSERT_OK_PTR(img, "metrics: image") || !ASSERT_OK_PTR(unk, "metrics: unknown"))
		goto out;
	unk->unknown = true;
	vec_get(&img->calls, SC_KEY(SC_UNFILTERED, SC_ABI_NATIVE, read_nr), true)->count = 7;
	vec_get(&unk->calls, SC_KEY(SC_UNFILTERED, SC_ABI_NATIVE, read_nr), true)->count = 5;
	img->ctrs_total = 2;
	if (!ASSERT_OK(metrics__render(&c, NULL, &b), "metrics: render"))
		goto out;
	/* one sample per series: the name's newline did not start a line of its own */
	ASSERT_EQ(lines_with(b.data, "syscensus_images "), 1, "metrics: no injected sample");
	ASSERT_EQ(lines_with(b.data, "syscensus_syscalls_total{"), 1, "metrics: unattributed cgroup not listed");
	test__has_substr("metrics: label escaped",
			 b.data, "syscensus_syscalls_total{image=\"evil\\\"} 1\\nsyscensus_images 99\\n\\\\x"
				 "%FF%C0%AF:1\",syscall=\"read\",abi=\"x86_64\",phase=\"unfiltered\"} 7\n");
	/* the label reads back as the name (the format's own escapes undone by Prometheus) */
	{
		char back[128];

		ASSERT_OK(metrics__label_decode("evil\"} 1\nsyscensus_images 99\n\\x%FF%C0%AF:1", back, sizeof(back)),
			  "metrics: label decodes");
		ASSERT_STREQ(back, hostile, "metrics: label decodes to the name");
		ASSERT_NEQ(metrics__label_decode("a%zz", back, sizeof(back)), 0, "metrics: bad escape refused");
	}
	test__has_substr("metrics: containers", b.data, ":1\"} 2\n");
	test__has_substr("metrics: help and type", b.data, "# TYPE syscensus_syscalls_total counter\n");
	ASSERT_EQ(metrics__abi_of_label(metrics__abi_label(SC_ABI_NATIVE)), SC_ABI_NATIVE, "metrics: abi label round trip");
	ASSERT_EQ(metrics__abi_of_label("sparc"), -1, "metrics: unknown abi label");
out:
	sc_buf_free(&b);
	census__free(&c);
}
