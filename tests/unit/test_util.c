// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/util.c: the one array-growing helper, and the atomic file replacement. */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/util.h"
#include "test.h"

static void test_grow(void)
{
	size_t cap = 0, n = 0;
	int *v = NULL, *p;
	bool ok = true;

	for (int i = 0; i < 100 && ok; i++) {
		p = sc_grow(v, &cap, n, sizeof(*v), 4);
		ok = p != NULL && cap > n;
		if (p) {
			v = p;
			v[n++] = i;
		}
	}
	for (int i = 0; i < 100 && ok; i++)
		ok = v[i] == i;
	ASSERT_MSG(ok && cap == 128, "grow: 100 appends keep every element, capacity doubles from 4",
		   "%s, cap %zu", ok ? "elements kept" : "an append failed or lost an element", cap);
	cap = SIZE_MAX / 2 + 1;
	ASSERT_MSG(sc_grow(v, &cap, cap, sizeof(*v), 4) == NULL && cap == SIZE_MAX / 2 + 1,
		   "grow: a size that would overflow is refused, the array left as it was", "accepted, cap %zu", cap);
	free(v);
}

static void test_atomic_write(void)
{
	char dir[] = "/tmp/syscensus-unit-XXXXXX", path[600], *text;
	struct dirent *de;
	int entries = 0, ret1, ret2;
	DIR *d;

	if (!mkdtemp(dir)) {
		SETUP_OK(false, "atomic write: replace", "mkdtemp %s: %s", dir, strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/p.json", dir);
	ret1 = sc_write_file_atomic(path, "old\n", 4);
	ret2 = sc_write_file_atomic(path, "new\n", 4);
	ASSERT_MSG(ret1 == 0 && ret2 == 0, "atomic write: replace", "first write %d, second %d", ret1, ret2);
	text = sc_read_file(path, 100, NULL);
	ASSERT_STREQ(text, "new\n", "atomic write: content replaced");
	free(text);
	d = opendir(dir);
	while (d && (de = readdir(d)))
		entries += de->d_name[0] != '.';
	if (d)
		closedir(d);
	ASSERT_EQ(entries, 1, "atomic write: no temp file left");
	snprintf(path, sizeof(path), "%s/missing/p.json", dir);
	ASSERT_EQ(sc_write_file_atomic(path, "x", 1), -ENOENT, "atomic write: error when the directory is missing");
	snprintf(path, sizeof(path), "%s/p.json", dir);
	unlink(path);
	rmdir(dir);
}

void test_util(void)
{
	test_grow();
	test_atomic_write();
}
