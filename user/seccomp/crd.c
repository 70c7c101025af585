// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/json.h"
#include "seccomp/crd.h"
#include "seccomp/filename.h"

void crd__name(const char *image, char out[SC_CRD_NAME_MAX])
{
	uint8_t h[32];
	size_t n = 0;
	bool dash = false;

	for (const char *c = image; *c && n < 200; c++) {
		char ch = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && n)
				out[n++] = '-';
			dash = false;
			if (n < 200)
				out[n++] = ch;
		} else {
			dash = true;
		}
	}
	sc_sha256(image, strlen(image), h);
	snprintf(out + n, SC_CRD_NAME_MAX - n, "%s%02x%02x%02x%02x", n ? "-" : "p-", h[0], h[1], h[2], h[3]);
}

/*
 * A string for an annotation: printable ASCII kept, '%' and every other byte as %XX, so
 * that any name a runtime gave (untrusted, maybe not UTF-8) is valid YAML and reads back.
 */
static int annotation_value(const char *s, cJSON *o, const char *key)
{
	struct sc_buf b = {};
	cJSON *v;

	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c >= 0x20 && *c < 0x7f && *c != '%')
			sc_buf_add(&b, (const char *)c, 1);
		else
			sc_buf_printf(&b, "%%%02X", *c);
	v = b.oom ? NULL : cJSON_CreateString(b.data ? b.data : "");
	sc_buf_free(&b);
	return v && json_add(o, key, v) ? 0 : -ENOMEM;
}

static bool plain_key(const char *k)
{
	static const char *const special[] = { "true", "false", "null", "yes", "no", "on", "off", "y", "n" };

	/* a letter first: no number, no .inf; and none of the words YAML reads as a boolean or null */
	if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z')))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(special); i++)
		if (!strcasecmp(k, special[i]))
			return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
		      *k == '.' || *k == '/' || *k == '-' || *k == '_'))
			return false;
	return true;
}

/* YAML's double-quoted style: " and \ escaped, control bytes as \xNN (strings here are ASCII) */
static void yaml_string(struct sc_buf *b, const char *s)
{
	sc_buf_puts(b, "\"");
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			sc_buf_printf(b, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			sc_buf_printf(b, "\\x%02x", *c);
		else
			sc_buf_add(b, (const char *)c, 1);
	}
	sc_buf_puts(b, "\"");
}

static bool is_block(const cJSON *n)
{
	return (cJSON_IsObject(n) || cJSON_IsArray(n)) && n->child;
}

static void yaml_scalar(struct sc_buf *b, const cJSON *n)
{
	if (cJSON_IsString(n))
		yaml_string(b, n->valuestring);
	else if (cJSON_IsNumber(n) && n->valuestring)
		sc_buf_puts(b, n->valuestring);
	else if (cJSON_IsNumber(n))
		sc_buf_printf(b, "%" PRId64, (int64_t)n->valuedouble);
	else if (cJSON_IsBool(n))
		sc_buf_puts(b, cJSON_IsTrue(n) ? "true" : "false");
	else if (cJSON_IsObject(n))
		sc_buf_puts(b, "{}");
	else if (cJSON_IsArray(n))
		sc_buf_puts(b, "[]");
	else
		sc_buf_puts(b, "null");
}

static void pad(struct sc_buf *b, int n)
{
	sc_buf_printf(b, "%*s", n, "");
}

static void yaml_block(struct sc_buf *b, const cJSON *n, int ind, bool inline_first);

/* after "key:" or "-": a scalar on the same line, a block below it */
static void yaml_value(struct sc_buf *b, const cJSON *v, int ind)
{
	if (!is_block(v)) {
		sc_buf_puts(b, " ");
		yaml_scalar(b, v);
		sc_buf_puts(b, "\n");
	} else {
		sc_buf_puts(b, "\n");
		yaml_block(b, v, ind + 2, false);
	}
}

/* A non-empty object or array at indentation @ind; @inline_first: its first line follows a "- " */
static void yaml_block(struct sc_buf *b, const cJSON *n, int ind, bool inline_first)
{
	for (const cJSON *c = n->child; c; c = c->next) {
		if (!(inline_first && c == n->child))
			pad(b, ind);
		if (cJSON_IsObject(n)) {
			if (plain_key(c->string))
				sc_buf_puts(b, c->string);
			else
				yaml_string(b, c->string ? c->string : "");
			sc_buf_puts(b, ":");
			yaml_value(b, c, ind);
		} else if (cJSON_IsObject(c) && c->child) {
			sc_buf_puts(b, "- ");
			yaml_block(b, c, ind + 2, true);
		} else {
			sc_buf_puts(b, "-");
			yaml_value(b, c, ind);
		}
	}
}

static int refuse(char *err, size_t errlen, const char *fmt, const char *what)
{
	snprintf(err, errlen, fmt, what);
	return -EINVAL;
}

/* One rule of the profile as the CRD's: names, action, errnoRet, args; or why it cannot be. */
static int crd_rule(const cJSON *rule, cJSON *out, char *err, size_t errlen)
{
	static const char *const kept[] = { "names", "action", "errnoRet", "args" };
	const cJSON *f, *arg;
	uint64_t v;

	if (!cJSON_IsObject(rule))
		return refuse(err, errlen, "%s", "a rule that is not an object");
	if (cJSON_GetObjectItemCaseSensitive(rule, "name") && cJSON_GetObjectItemCaseSensitive(rule, "names"))
		return refuse(err, errlen, "%s", "a rule with both name and names");
	cJSON_ArrayForEach(f, rule) {
		bool keep = false;

		if (!f->string)
			continue;

		for (size_t i = 0; i < ARRAY_SIZE(kept); i++)
			keep |= !strcmp(f->string, kept[i]);
		if (!strcmp(f->string, "includes") || !strcmp(f->string, "excludes"))
			return refuse(err, errlen, "a rule with \"%s\" (capabilities, architectures or kernel "
				      "versions) has no equivalent in a SeccompProfile", f->string);
		/* the older single-name form */
		if (!strcmp(f->string, "name") && cJSON_IsString(f)) {
			const char *one = f->valuestring;

			if (!json_add(out, "names", cJSON_CreateStringArray(&one, 1)))
				return -ENOMEM;
		} else if (keep && !json_add(out, f->string, cJSON_Duplicate(f, true))) {
			return -ENOMEM;
		}
	}
	cJSON_ArrayForEach(arg, cJSON_GetObjectItemCaseSensitive(rule, "args")) {
		static const char *const nums[] = { "value", "valueTwo" };

		for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
			const cJSON *x = cJSON_GetObjectItemCaseSensitive(arg, nums[i]);

			if (x && json_u64(x, &v))
				return refuse(err, errlen, "an argument %s that is not a whole number from 0 to "
					      "2^64-1", nums[i]);
			if (x && v > (uint64_t)INT64_MAX)
				return refuse(err, errlen, "an argument %s above 2^63-1: the SeccompProfile API "
					      "holds values as int64", nums[i]);
		}
	}
	return 0;
}

/* The spec from the profile: defaultAction, architectures, syscalls. */
static int crd_spec(const cJSON *p, cJSON *spec, char *err, size_t errlen)
{
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(p, "defaultAction");
	const cJSON *derr = cJSON_GetObjectItemCaseSensitive(p, "defaultErrnoRet");
	const cJSON *arches = cJSON_GetObjectItemCaseSensitive(p, "architectures");
	const cJSON *rule;
	cJSON *rules;
	uint64_t e;
	int ret;

	static const char *const known[] = { "defaultAction", "defaultErrnoRet", "architectures", "syscalls",
					     "flags", "listenerPath", "listenerMetadata", "comment" };
	const cJSON *f;

	if (!cJSON_IsString(def))
		return refuse(err, errlen, "%s", "the profile has no defaultAction");
	/* archMap (Docker's per-host architectures) and anything else: no equivalent, refused */
	cJSON_ArrayForEach(f, p) {
		bool ok = false;

		for (size_t i = 0; f->string && i < ARRAY_SIZE(known); i++)
			ok |= !strcmp(f->string, known[i]);
		if (!ok)
			return refuse(err, errlen, "the profile's \"%s\" has no equivalent in a SeccompProfile "
				      "(list its architectures instead of archMap)", f->string ? f->string : "?");
	}
	/* runc answers SCMP_ACT_ERRNO without a number with EPERM: only that default can be said */
	if (derr && (json_u64(derr, &e) || e != EPERM))
		return refuse(err, errlen, "%s", "defaultErrnoRet other than 1 (EPERM): the SeccompProfile "
			      "API has no default errno");
	if (!json_add(spec, "defaultAction", cJSON_CreateString(def->valuestring)) ||
	    (cJSON_IsArray(arches) && !json_add(spec, "architectures", cJSON_Duplicate(arches, true))))
		return -ENOMEM;
	/* the same fields in the SeccompProfile's spec */
	for (size_t i = 4; i < 7; i++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(p, known[i]);

		if (x && !json_add(spec, known[i], cJSON_Duplicate(x, true)))
			return -ENOMEM;
	}
	if (!(rules = cJSON_AddArrayToObject(spec, "syscalls")))
		return -ENOMEM;
	cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(p, "syscalls")) {
		cJSON *r = cJSON_CreateObject();

		if (!r || !cJSON_AddItemToArray(rules, r)) {
			cJSON_Delete(r);
			return -ENOMEM;
		}
		if ((ret = crd_rule(rule, r, err, errlen)))
			return ret;
	}
	return 0;
}

int crd__render(const cJSON *profile, const char *image, struct sc_buf *b, char *err, size_t errlen)
{
	const cJSON *note = cJSON_GetObjectItemCaseSensitive(profile, "comment");
	cJSON *o = cJSON_CreateObject(), *md, *ann, *labels, *spec;
	char name[SC_CRD_NAME_MAX];
	int ret = -ENOMEM;

	memset(b, 0, sizeof(*b));
	crd__name(image, name);
	if (!o || !json_add(o, "apiVersion", cJSON_CreateString(SC_CRD_API)) ||
	    !json_add(o, "kind", cJSON_CreateString(SC_CRD_KIND)) || !(md = cJSON_AddObjectToObject(o, "metadata")) ||
	    !json_add(md, "name", cJSON_CreateString(name)) || !(labels = cJSON_AddObjectToObject(md, "labels")) ||
	    !json_add(labels, "app.kubernetes.io/managed-by", cJSON_CreateString("syscensus")) ||
	    !(ann = cJSON_AddObjectToObject(md, "annotations")) || annotation_value(image, ann, "syscensus.io/learned-from") ||
	    (cJSON_IsString(note) && annotation_value(note->valuestring, ann, "syscensus.io/comment")) ||
	    !(spec = cJSON_AddObjectToObject(o, "spec")))
		goto out;
	if ((ret = crd_spec(profile, spec, err, errlen)))
		goto out;
	sc_buf_puts(b, "# syscensus: the seccomp profile of ");
	for (const char *c = name; *c; c++)	/* the name is [a-z0-9-]: safe in a comment */
		sc_buf_add(b, c, 1);
	sc_buf_puts(b, " (see its syscensus.io/learned-from annotation) for the Security Profiles Operator\n");
	yaml_block(b, o, 0, false);
	ret = b->oom ? -ENOMEM : 0;
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (ret)
		sc_buf_free(b);
	cJSON_Delete(o);
	return ret;
}
