// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's journal of new cgroups (census/journal.c), read back at every start: the
 * records read must be exactly the bytes they were read from (written again, they give
 * the same text), and nothing past the first torn record is taken.
 */
#include "fuzz.h"
#include "census/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_jentry *v = NULL, *rest = NULL;
	size_t n = 0, cap = 0, whole, at = 0, n_rest = 0, cap_rest = 0;
	char rec[2 * PATH_MAX + 64];
	bool nomem;

	whole = journal__parse((const char *)data, size, &v, &n, &cap, &nomem);
	if (whole > size)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t len = journal__format(rec, sizeof(rec), v[i].cgid, v[i].path, v[i].key);

		if (!len || at + len > whole || memcmp(rec, data + at, len))
			abort();	/* a record read is one the agent writes, byte for byte */
		at += len;
	}
	if (at != whole)
		abort();
	/* it stopped at a record it cannot read: from there, not even one record is there */
	if (!nomem && whole < size &&
	    (journal__parse((const char *)data + whole, size - whole, &rest, &n_rest, &cap_rest, &nomem), n_rest && !nomem))
		abort();
	journal__free(rest, n_rest);
	journal__free(v, n);
	return 0;
}
