/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef SC_JSON_H
#define SC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "lib/util.h"

#define SC_JSON_MAX_DEPTH	64
#define SC_JSON_MAX_SIZE	(4u << 20)	/* profiles and state files: 4 MiB at most */

/*
 * Parse @len bytes of JSON. Every number node keeps its exact source text in
 * ->valuestring (cJSON only keeps a double, which cannot hold 2^64-1), so callers read
 * integers with json_u64(). Nesting deeper than SC_JSON_MAX_DEPTH is refused.
 * On error returns NULL and writes "line L, column C: reason" into @err.
 */
cJSON *json_parse(const char *text, size_t len, char *err, size_t errlen);

/*
 * Whether an object of @root has a key twice (json_parse refuses such documents: readers
 * disagree on which value counts). True with the path and the key in @err.
 */
bool json_duplicate_key(const cJSON *root, char *err, size_t errlen);

/* Read and parse a file of at most SC_JSON_MAX_SIZE bytes; @err gets "FILE: reason". */
cJSON *json_parse_file(const char *path, char *err, size_t errlen);
/* The same for a file containers or runtimes control (sc_read_untrusted): no "-". */
cJSON *json_parse_untrusted(const char *path, char *err, size_t errlen);

/* Exact unsigned integer value of a number node: 0, -EINVAL (not a plain integer), -ERANGE. */
int json_u64(const cJSON *num, uint64_t *out);

/* Deterministic, diff-friendly output: 2-space indent, one array element per line. */
void json_write(struct sc_buf *b, const cJSON *item);

/*
 * json_write @doc into @b and free @doc (NULL counts as an allocation failure).
 * Returns 0, or -ENOMEM with @b freed.
 */
int json_render(cJSON *doc, struct sc_buf *b);
/* The same to stdout. Returns 0, -ENOMEM or -EIO. */
int json_print(cJSON *doc);

/* A number node whose text is the exact decimal @v. NULL on allocation failure. */
cJSON *json_u64_node(uint64_t v);

/* The string member @key of object @o, or NULL when absent or not a string. */
const char *json_str(const cJSON *o, const char *key);

/* @item (may be NULL: a failed allocation) added to object @o as @key, or freed. False on failure. */
bool json_add(cJSON *o, const char *key, cJSON *item);

#endif
