// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/util.h"

struct numtok {
	const char *p;
	size_t len;
};

struct scan {
	struct numtok *nums;
	size_t n, cap;
};

static void offset_to_linecol(const char *text, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/*
 * Lexical pre-pass: nesting depth, and the source text of every number outside
 * strings, in document order (the order in which cJSON creates number nodes).
 * Malformed input is left for cJSON to report; this pass only must not misread it.
 */
static int prescan(const char *t, size_t len, struct scan *sc, size_t *bad_off)
{
	int depth = 0;
	size_t i = 0;

	while (i < len) {
		char c = t[i];

		if (c == '"') {
			for (i++; i < len && t[i] != '"'; i++) {
				if (t[i] != '\\')
					continue;
				/* cJSON would end the C string there: "rea\u0000d" would read as "rea" */
				if (i + 5 < len && !memcmp(t + i, "\\u0000", 6)) {
					*bad_off = i;
					return -EILSEQ;
				}
				i++;
			}
			i++;
		} else if (c == '{' || c == '[') {
			if (++depth > SC_JSON_MAX_DEPTH) {
				*bad_off = i;
				return -ELOOP;
			}
			i++;
		} else if (c == '}' || c == ']') {
			depth--;
			i++;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t s = i;

			while (i < len && (strchr("+-.eE", t[i]) || (t[i] >= '0' && t[i] <= '9')))
				i++;
			struct numtok *p = sc_grow(sc->nums, &sc->cap, sc->n, sizeof(*p), 64);

			if (!p)
				return -ENOMEM;
			sc->nums = p;
			sc->nums[sc->n].p = t + s;
			sc->nums[sc->n].len = i - s;
			sc->n++;
		} else {
			i++;
		}
	}
	return 0;
}

/* Pre-order walk giving number nodes their source text; returns -1 on mismatch. */
static int attach_numbers(cJSON *item, struct scan *sc, size_t *k)
{
	for (; item; item = item->next) {
		if (cJSON_IsNumber(item)) {
			if (*k >= sc->n)
				return -1;
			item->valuestring = strndup(sc->nums[*k].p, sc->nums[*k].len);
			if (!item->valuestring)
				return -1;
			(*k)++;
		}
		if (item->child && attach_numbers(item->child, sc, k))
			return -1;
	}
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* The first key of object @o that appears twice, or NULL. -ENOMEM when it cannot tell. */
static int object_duplicate(const cJSON *o, const char **dup)
{
	size_t n = 0, i = 0;
	const cJSON **v;
	const cJSON *c;

	*dup = NULL;
	for (c = o->child; c; c = c->next)
		n++;
	if (n < 2)
		return 0;
	if (!(v = malloc(n * sizeof(*v))))
		return -ENOMEM;
	for (c = o->child; c; c = c->next)
		v[i++] = c;
	qsort(v, n, sizeof(*v), cmp_key);
	for (i = 1; i < n && !*dup; i++)
		if (!strcmp(v[i]->string, v[i - 1]->string))
			*dup = v[i]->string;
	free(v);
	return 0;
}

/*
 * A key twice in one object: cJSON keeps the first value, Go's encoding/json (Docker,
 * runc, podman) the last, so the two readers would see different documents. Depth-first;
 * nesting is bounded by the parse. Returns true with "PATH: duplicate key" in @err.
 */
static bool duplicate_in(const cJSON *it, char *path, size_t plen, size_t used, char *err, size_t errlen)
{
	const char *dup;
	size_t idx = 0;

	for (; it; it = it->next, idx++) {
		size_t n = used;

		if (it->string)
			n += snprintf(path + used, used < plen ? plen - used : 0, "%s%s", used ? "." : "", it->string);
		else
			n += snprintf(path + used, used < plen ? plen - used : 0, "[%zu]", idx);
		if (n >= plen)
			n = plen - 1;
		if (cJSON_IsObject(it) && !object_duplicate(it, &dup) && dup) {
			snprintf(err, errlen, "%s%sduplicate key \"%.80s\" (Docker and runc would take its last "
				 "value, this reader its first)", path, n ? ": " : "", dup);
			return true;
		}
		if (it->child && duplicate_in(it->child, path, plen, n, err, errlen))
			return true;
		path[used] = '\0';
	}
	return false;
}

bool json_duplicate_key(const cJSON *root, char *err, size_t errlen)
{
	char path[256] = "";
	const char *dup;

	if (cJSON_IsObject(root) && !object_duplicate(root, &dup) && dup) {
		snprintf(err, errlen, "duplicate key \"%.80s\" (Docker and runc would take its last value, this "
			 "reader its first)", dup);
		return true;
	}
	return root && root->child && duplicate_in(root->child, path, sizeof(path), 0, err, errlen);
}

cJSON *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct scan sc = {};
	char sub[512];
	cJSON *root = NULL;
	const char *end = NULL;
	size_t bad = 0, k = 0;
	int line, col, ret;

	ret = prescan(text, len, &sc, &bad);
	if (ret == -EILSEQ) {
		offset_to_linecol(text, bad, &line, &col);
		snprintf(err, errlen, "line %d, column %d: \\u0000 in a string (a NUL character: no name or "
			 "path holds one)", line, col);
		goto out;
	} else if (ret == -ELOOP) {
		offset_to_linecol(text, bad, &line, &col);
		snprintf(err, errlen, "line %d, column %d: nesting deeper than %d levels",
			 line, col, SC_JSON_MAX_DEPTH);
		goto out;
	} else if (ret) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* Go's encoding/json (Docker, runc, podman) refuses a byte-order mark: so do we */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		snprintf(err, errlen, "line 1, column 1: a UTF-8 byte-order mark, which Docker, runc and podman refuse");
		goto out;
	}
	if (memchr(text, '\0', len)) {
		offset_to_linecol(text, (const char *)memchr(text, '\0', len) - text, &line, &col);
		snprintf(err, errlen, "line %d, column %d: NUL byte in JSON text", line, col);
		goto out;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!root) {
		const char *ep = cJSON_GetErrorPtr();
		size_t off = ep && ep >= text && ep <= text + len ? (size_t)(ep - text) : 0;

		offset_to_linecol(text, off, &line, &col);
		snprintf(err, errlen, "line %d, column %d: malformed JSON%s", line, col,
			 off >= len ? " (unexpected end of input)" : "");
		goto out;
	}
	/* trailing garbage after the value */
	while (end && end < text + len && strchr(" \t\r\n", *end))
		end++;
	if (end && end < text + len) {
		offset_to_linecol(text, end - text, &line, &col);
		snprintf(err, errlen, "line %d, column %d: unexpected data after the JSON value", line, col);
		cJSON_Delete(root);
		root = NULL;
		goto out;
	}
	if (json_duplicate_key(root, sub, sizeof(sub))) {
		snprintf(err, errlen, "%s", sub);
		cJSON_Delete(root);
		root = NULL;
		goto out;
	}
	if (attach_numbers(root, &sc, &k) || k != sc.n) {
		snprintf(err, errlen, "internal error: number tokens do not match the parse tree");
		cJSON_Delete(root);
		root = NULL;
	}
out:
	free(sc.nums);
	return root;
}

static cJSON *parse_path(const char *path, bool untrusted, char *err, size_t errlen)
{
	char sub[256];
	size_t len;
	char *text;
	cJSON *root;

	/* "-": standard input (a pipe: sc_read_file reads to the end) */
	text = untrusted ? sc_read_untrusted(path, SC_JSON_MAX_SIZE, &len)
			 : sc_read_file(strcmp(path, "-") ? path : "/dev/stdin", SC_JSON_MAX_SIZE, &len);
	if (!text) {
		if (errno == EFBIG)
			snprintf(err, errlen, "%s: file larger than %u MiB", path, SC_JSON_MAX_SIZE >> 20);
		else
			snprintf(err, errlen, "%s: %s", path, untrusted ? sc_read_error(errno) : strerror(errno));
		return NULL;
	}
	root = json_parse(text, len, sub, sizeof(sub));
	if (!root)
		snprintf(err, errlen, "%s: %s", path, sub);
	free(text);
	return root;
}

cJSON *json_parse_file(const char *path, char *err, size_t errlen)
{
	return parse_path(path, false, err, errlen);
}

cJSON *json_parse_untrusted(const char *path, char *err, size_t errlen)
{
	return parse_path(path, true, err, errlen);
}

int json_u64(const cJSON *num, uint64_t *out)
{
	if (!cJSON_IsNumber(num) || !num->valuestring)
		return -EINVAL;
	return sc_parse_u64(num->valuestring, UINT64_MAX, out);
}

cJSON *json_u64_node(uint64_t v)
{
	char txt[24];
	cJSON *n;

	snprintf(txt, sizeof(txt), "%" PRIu64, v);
	n = cJSON_CreateNumber((double)v);
	if (!n)
		return NULL;
	n->valuestring = strdup(txt);
	if (!n->valuestring) {
		cJSON_Delete(n);
		return NULL;
	}
	return n;
}

static void write_string(struct sc_buf *b, const char *s)
{
	char esc[8];

	sc_buf_add(b, "\"", 1);
	while (*s) {
		/* a run that needs no escape, in one copy (state files are mostly such runs) */
		size_t n = 0;

		while (s[n] && s[n] != '"' && s[n] != '\\' && (unsigned char)s[n] >= 0x20)
			n++;
		sc_buf_add(b, s, n);
		s += n;
		if (!*s)
			break;
		switch (*s) {
		case '"': sc_buf_add(b, "\\\"", 2); break;
		case '\\': sc_buf_add(b, "\\\\", 2); break;
		case '\n': sc_buf_add(b, "\\n", 2); break;
		case '\t': sc_buf_add(b, "\\t", 2); break;
		case '\r': sc_buf_add(b, "\\r", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned char)*s);
			sc_buf_add(b, esc, 6);
		}
		s++;
	}
	sc_buf_add(b, "\"", 1);
}

static void indent(struct sc_buf *b, int level)
{
	for (int i = 0; i < level; i++)
		sc_buf_puts(b, "  ");
}

static void write_item(struct sc_buf *b, const cJSON *it, int level)
{
	const cJSON *c;

	if (cJSON_IsString(it)) {
		write_string(b, it->valuestring);
	} else if (cJSON_IsNumber(it)) {
		if (it->valuestring)
			sc_buf_puts(b, it->valuestring);
		else if (it->valuedouble == (double)(int64_t)it->valuedouble)
			sc_buf_printf(b, "%" PRId64, (int64_t)it->valuedouble);
		else
			sc_buf_printf(b, "%.17g", it->valuedouble);
	} else if (cJSON_IsBool(it)) {
		sc_buf_puts(b, cJSON_IsTrue(it) ? "true" : "false");
	} else if (cJSON_IsNull(it)) {
		sc_buf_puts(b, "null");
	} else if (cJSON_IsArray(it) || cJSON_IsObject(it)) {
		bool obj = cJSON_IsObject(it);

		if (!it->child) {
			sc_buf_puts(b, obj ? "{}" : "[]");
			return;
		}
		sc_buf_puts(b, obj ? "{\n" : "[\n");
		for (c = it->child; c; c = c->next) {
			indent(b, level + 1);
			if (obj) {
				write_string(b, c->string ? c->string : "");
				sc_buf_puts(b, ": ");
			}
			write_item(b, c, level + 1);
			sc_buf_puts(b, c->next ? ",\n" : "\n");
		}
		indent(b, level);
		sc_buf_puts(b, obj ? "}" : "]");
	} else {
		sc_buf_puts(b, "null");
	}
}

void json_write(struct sc_buf *b, const cJSON *item)
{
	write_item(b, item, 0);
	sc_buf_puts(b, "\n");
}

int json_render(cJSON *doc, struct sc_buf *b)
{
	if (!doc)
		return -ENOMEM;
	json_write(b, doc);
	cJSON_Delete(doc);
	if (b->oom || !b->data) {
		sc_buf_free(b);
		return -ENOMEM;
	}
	return 0;
}

int json_print(cJSON *doc)
{
	struct sc_buf b = {};
	int err = json_render(doc, &b);

	if (!err && fwrite(b.data, 1, b.len, stdout) != b.len)
		err = -EIO;
	sc_buf_free(&b);
	return err;
}

bool json_add(cJSON *o, const char *key, cJSON *item)
{
	if (item && o && cJSON_AddItemToObject(o, key, item))
		return true;
	cJSON_Delete(item);
	return false;
}

const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}
