// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The Prometheus exposition (census/metrics.c): hostile image names stay inside their
 * label value (escaped, non-UTF-8 bytes replaced), counts are those of the profile,
 * unattributed cgroups are not listed.
 */
#include <stdlib.h>

#include "census/census.h"
#include "census/metrics.h"
#include "census/prometheus.h"
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

/*
 * Another name of an image's id: exported beside the image, and in the cluster view the
 * image that name is another node's key of is merged in, its calls with it.
 */
static void test_metrics_aliases(int read_nr)
{
	static const char answer[] = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
				     "[{\"metric\":{\"image\":\"a:1\",\"alias\":\"b:1\"},\"value\":[0,\"1\"]}]}}";
	struct sc_census c = {};
	struct sc_image *a = census__image(&c, "a:1", true), *b2 = census__image(&c, "b:1", true);
	struct sc_buf b = {};
	size_t kinds = 0;

	if (!ASSERT_OK_PTR(a, "metrics: alias image") || !ASSERT_OK_PTR(b2, "metrics: alias other image"))
		goto out;
	vec_get(&b2->calls, SC_KEY(SC_UNFILTERED, SC_ABI_NATIVE, read_nr), true)->count = 3;
	image__add_alias(a, "x:1");
	if (ASSERT_OK(metrics__render(&c, NULL, &b), "metrics: render aliases"))
		test__has_substr("metrics: alias series", b.data, "syscensus_image_alias_info{image=\"a:1\",alias=\"x:1\"} 1\n");
	/* the alias query is the last kind: find it by what it does */
	while (kinds < 32 && c.n_images == 2) {
		prometheus__fold_answer(&c, (unsigned)++kinds, answer, strlen(answer));
	}
	ASSERT_MSG(c.n_images == 1 && census__image_named(&c, "b:1") == a && a->calls.n == 1 && a->n_aliases == 2,
		   "metrics: cluster view unites an alias with another node's key",
		   "%zu images, b:1 %s a:1, %zu calls, %zu aliases; expected 1 image, b:1 an alias of a:1 with its call",
		   c.n_images, census__image_named(&c, "b:1") == a ? "in" : "not in", a->calls.n, a->n_aliases);
out:
	sc_buf_free(&b);
	census__free(&c);
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
	test_metrics_aliases(read_nr);
out:
	sc_buf_free(&b);
	census__free(&c);
}
