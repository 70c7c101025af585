/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's journal of new cgroups (STATE-DIR/journal, see census/agent.c): one
 * record per line, "CGID LEN PATH LEN KEY\n", lengths in bytes, so that paths and image
 * names may hold any byte but NUL. Written by one write() per record; a record torn by a
 * kill is the last one and is left out when the file is read back.
 */
#ifndef SC_JOURNAL_H
#define SC_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sc_jentry {
	uint64_t cgid;
	char *path, *key;
};

/* @cgid's record into @buf. Its length, or 0 when @path or @key is too long (>= PATH_MAX) or @buf too small. */
size_t journal__format(char *buf, size_t len, uint64_t cgid, const char *path, const char *key);

/*
 * The whole records at the start of @text[0..@len) appended to *@v (*@n entries, *@cap
 * allocated); returns how many bytes they take: where a torn or malformed record
 * begins, or @len. Numbers are decimal digits without a leading zero; a length is below PATH_MAX and is
 * followed by exactly that many bytes, then ' ' or '\n'. On out of memory, stops there
 * and sets *@nomem (the rest is not torn: it must not be cut off).
 */
size_t journal__parse(const char *text, size_t len, struct sc_jentry **v, size_t *n, size_t *cap, bool *nomem);

void journal__free(struct sc_jentry *v, size_t n);

#endif
