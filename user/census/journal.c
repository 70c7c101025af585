// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "census/journal.h"
#include "lib/util.h"

size_t journal__format(char *buf, size_t len, uint64_t cgid, const char *path, const char *key)
{
	size_t pl = strlen(path), kl = strlen(key);
	int n;

	if (pl >= PATH_MAX || kl >= PATH_MAX)
		return 0;
	n = snprintf(buf, len, "%llu %zu %s %zu %s\n", (unsigned long long)cgid, pl, path, kl, key);
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

/* Decimal digits at @p (at most 20, no leading zero, the value at most @max), then ' '; 0 and *@out, or -1. */
static int number(const char **p, const char *end, uint64_t max, uint64_t *out)
{
	const char *q = *p;
	uint64_t v = 0;

	for (; q < end && *q >= '0' && *q <= '9' && q - *p < 20; q++) {
		if (v > (UINT64_MAX - (uint64_t)(*q - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	/* canonical: no leading zero (a record reads back as the agent wrote it) */
	if (q == *p || (q - *p > 1 && **p == '0') || q >= end || *q != ' ' || v > max)
		return -1;
	*out = v;
	*p = q + 1;
	return 0;
}

/* A "LEN BYTES" field at *@p, then @sep; advanced past it. NULL when malformed or out of memory (*@nomem). */
static char *field(const char **p, const char *end, char sep, bool *nomem)
{
	uint64_t n;
	char *s;

	if (number(p, end, PATH_MAX - 1, &n) || (size_t)(end - *p) < n + 1 || (*p)[n] != sep ||
	    memchr(*p, '\0', n))
		return NULL;
	if (!(s = strndup(*p, n))) {
		*nomem = true;
		return NULL;
	}
	*p += n + 1;
	return s;
}

size_t journal__parse(const char *text, size_t len, struct sc_jentry **v, size_t *n, size_t *cap, bool *nomem)
{
	const char *p = text, *end = text + len;

	*nomem = false;
	while (p < end) {
		const char *rec = p;
		struct sc_jentry *g;
		char *path = NULL, *key = NULL;
		uint64_t cgid;

		if (number(&p, end, UINT64_MAX, &cgid) || !(path = field(&p, end, ' ', nomem)) ||
		    !(key = field(&p, end, '\n', nomem)) || !(g = sc_grow(*v, cap, *n, sizeof(**v), 16))) {
			if (path && key)
				*nomem = true;	/* sc_grow() */
			free(path);
			free(key);
			return (size_t)(rec - text);
		}
		*v = g;
		(*v)[(*n)++] = (struct sc_jentry){ .cgid = cgid, .path = path, .key = key };
	}
	return len;
}

void journal__free(struct sc_jentry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].key);
	}
	free(v);
}
