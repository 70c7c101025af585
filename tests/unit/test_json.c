// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The JSON layer (lib/json.c): exact 64-bit numbers, number text kept on output, and
 * the limits that make hostile input an error rather than a crash: nesting depth,
 * NUL bytes, trailing data.
 */
#include <stdlib.h>

#include "lib/json.h"
#include "lib/util.h"
#include "test.h"

static void numbers(void)
{
	char err[256] = "";
	uint64_t v = 0;
	cJSON *d = json_parse("{\"a\": 18446744073709551615, \"b\": [1, -2, 3.5, 1e3], \"s\": \"9\"}", 61, err, sizeof(err));
	struct sc_buf b = {};
	int ret;

	if (!ASSERT_MSG(d != NULL, "json: parses numbers", "%s", err))
		return;
	ret = json_u64(cJSON_GetObjectItem(d, "a"), &v);
	ASSERT_MSG(ret == 0 && v == UINT64_MAX, "json: 2^64-1 is exact", "ret %d, got %llu", ret,
		   (unsigned long long)v);
	ASSERT_EQ(json_u64(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "b"), 1), &v), -EINVAL,
		  "json: negative is not a u64");
	ASSERT_EQ(json_u64(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "b"), 2), &v), -EINVAL,
		  "json: fraction is not a u64");
	ASSERT_EQ(json_u64(cJSON_GetObjectItem(d, "s"), &v), -EINVAL, "json: string is not a number");
	json_write(&b, d);
	ASSERT_MSG(!b.oom && strstr(b.data, "18446744073709551615") && strstr(b.data, "1e3"),
		   "json: writer keeps number text", "%s", b.data);
	sc_buf_free(&b);
	cJSON_Delete(d);
}

static void limits(void)
{
	char err[256] = "", deep[200];
	size_t n = 1000000;
	uint64_t v = 0;
	char *big;
	cJSON *d;

	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	deep[130] = '\0';
	d = json_parse(deep, 130, err, sizeof(err));
	ASSERT_MSG(!d && strstr(err, "nesting deeper than 64"), "json: 65 levels refused", "%s", err);
	cJSON_Delete(d);
	d = json_parse(deep + 1, 128, err, sizeof(err));
	ASSERT_MSG(d != NULL, "json: 64 levels accepted", "%s", err);
	cJSON_Delete(d);

	/* hostile: a million opening brackets must be refused, not recursed into */
	big = malloc(n);
	if (SETUP_OK(big, "json: 10^6 nested objects refused", "no memory for 10^6 bytes")) {
		memset(big, '{', n);
		d = json_parse(big, n, err, sizeof(err));
		ASSERT_MSG(!d && strstr(err, "nesting"), "json: 10^6 nested objects refused", "%s", err);
		cJSON_Delete(d);
		free(big);
	}

	d = json_parse("{\"a\": 1,\n \"b\": }", 16, err, sizeof(err));
	ASSERT_MSG(!d && strstr(err, "line 2"), "json: malformed input names the line", "%s", err);
	d = json_parse("{} {}", 5, err, sizeof(err));
	ASSERT_MSG(!d && strstr(err, "after the JSON value"), "json: trailing data refused", "%s", err);
	d = json_parse("{\"a\":\"\\\"1\", \"b\": 2}", 19, err, sizeof(err));
	ASSERT_MSG(d && json_u64(cJSON_GetObjectItem(d, "b"), &v) == 0 && v == 2,
		   "json: digits inside escaped strings are not numbers", "%s", err);
	cJSON_Delete(d);
	d = json_parse("{\"a\": 1\0}", 9, err, sizeof(err));
	ASSERT_MSG(!d && strstr(err, "NUL"), "json: NUL byte refused", "%s", err);
	cJSON_Delete(d);
}

/* What Go's encoding/json (Docker, runc, podman) reads differently is refused, said. */
static void as_the_runtimes(void)
{
	static const struct {
		const char *name, *text, *want;
	} refused[] = {
		/* "valid, ERRNO(1)" for cJSON's first value, allow-all for Docker's last one */
		{ "json: duplicate top-level key refused",
		  "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}",
		  "duplicate key \"defaultAction\"" },
		{ "json: duplicate key in a rule refused, with its path",
		  "{\"syscalls\":[{\"names\":[\"read\"]},{\"action\":\"SCMP_ACT_ALLOW\",\"action\":\"SCMP_ACT_ERRNO\"}]}",
		  "syscalls[1]: duplicate key \"action\"" },
		{ "json: byte-order mark refused", "\xef\xbb\xbf{\"defaultAction\":\"SCMP_ACT_ERRNO\"}",
		  "byte-order mark" },
	};
	char err[512];
	cJSON *d;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err[0] = '\0';
		d = json_parse(refused[i].text, strlen(refused[i].text), err, sizeof(err));
		ASSERT_MSG(!d && strstr(err, refused[i].want), refused[i].name, "got %s \"%s\", expected an error with \"%s\"",
			   d ? "a document and" : "", err, refused[i].want);
		cJSON_Delete(d);
	}
	d = json_parse("{\"a\":{\"x\":1},\"b\":{\"x\":2}}", 25, err, sizeof(err));
	ASSERT_MSG(d != NULL, "json: one key in two objects is no duplicate", "%s", err);
	cJSON_Delete(d);
}

void test_json(void)
{
	numbers();
	limits();
	as_the_runtimes();
}
