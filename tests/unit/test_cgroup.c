// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Finding the cgroup2 mount (record/cgroup.c) in pure v2, hybrid and v1-only mountinfo. */
#include "lib/util.h"
#include "record/cgroup.h"
#include "test.h"

void test_cgroup(void)
{
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "mountinfo-pure-v2", "/sys/fs/cgroup" },
		{ "mountinfo-hybrid", "/sys/fs/cgroup/unified" },
		{ "mountinfo-v1-only", NULL },
	};
	char path[512], mnt[4096], name[128];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret;

		snprintf(path, sizeof(path), "%s/%s", test_fixtures, cases[i].file);
		snprintf(name, sizeof(name), "cgroup2 mount: %s", cases[i].file);
		ret = cgroup__v2_mount_from(path, mnt, sizeof(mnt));
		if (cases[i].want)
			ASSERT_MSG(ret == 0 && strcmp(mnt, cases[i].want) == 0, name, "ret %d, got \"%s\", expected \"%s\"",
				   ret, ret ? "" : mnt, cases[i].want);
		else
			ASSERT_EQ(ret, -ENOENT, name);
	}
}
