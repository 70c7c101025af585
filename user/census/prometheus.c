// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Prometheus's HTTP API (/api/v1/query, instant queries) through libcurl: redirects,
 * TLS, proxies and timeouts are a well-kept library's job. Every answer is bounded in
 * size and checked for shape; labels and values come from whatever the server holds,
 * so they are validated as untrusted input, and only the series of the agents' scrape
 * job are asked for: another target cannot add syscalls to an image.
 *
 * Why max_over_time and not increase(): an agent's counters are cumulative over its
 * saved state, so the highest value a series reached in the window is what that node
 * counted; increase() extrapolates, and gives nothing for a series scraped once. Per
 * node first (max by the node label), then summed over nodes: the same node under two
 * series (scraped twice, its address changed) is not counted twice. A node whose state
 * was lost starts again from zero: its syscalls stay in the union, and its count is the
 * larger of the two runs (never the two added, never doubled).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <linux/seccomp.h>

#include "census/metrics.h"
#include "census/prometheus.h"
#include "lib/util.h"
#include "seccomp/syscalls.h"

static bool curl_ready;

struct answer {
	struct sc_buf b;
	bool too_big, oom;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;

	if (a->b.len + n > SC_PROM_MAX_ANSWER) {
		a->too_big = true;
		return 0;	/* curl stops with CURLE_WRITE_ERROR */
	}
	if (sc_buf_add(&a->b, p, n)) {
		a->oom = true;
		return 0;
	}
	return n;
}

const char *prometheus__redact(const char *url, char *buf, size_t len)
{
	const char *host = strstr(url, "://"), *at, *end;

	host = host ? host + 3 : url;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (!at)
		snprintf(buf, len, "%s", url);
	else
		snprintf(buf, len, "%.*s%s", (int)(host - url), url, at + 1);
	return buf;
}

/* The answer's error, or the HTTP status, into @why. */
static void answer_error(const struct answer *a, long status, char *why, size_t len)
{
	cJSON *doc = a->b.data ? cJSON_Parse(a->b.data) : NULL;
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "errorType");
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(doc, "error");

	if (cJSON_IsString(err))
		snprintf(why, len, "HTTP %ld, %s: %.300s", status, cJSON_IsString(type) ? type->valuestring : "error",
			 err->valuestring);
	else
		snprintf(why, len, "HTTP %ld%s", status, doc ? "" : " (not a Prometheus API answer)");
	cJSON_Delete(doc);
}

static CURL *request(const char *url, const char *form, struct answer *a)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)SC_PROM_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* a proxy or a path prefix may redirect: followed, still a POST, never to another scheme */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "syscensus/" SC_VERSION);
	return h;
}

/* data.result of a successful answer, an array owned by *@doc; NULL when it is not an instant vector. */
static cJSON *vector(const char *text, size_t len, cJSON **doc)
{
	const cJSON *data, *type;
	cJSON *res = NULL;

	*doc = text ? cJSON_ParseWithLength(text, len) : NULL;
	data = cJSON_GetObjectItemCaseSensitive(*doc, "data");
	type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
	if (cJSON_IsString(type) && !strcmp(type->valuestring, "vector"))
		res = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsArray(res)) {
		cJSON_Delete(*doc);
		*doc = NULL;
		return NULL;
	}
	return res;
}

/*
 * The instant vector @q evaluates to: data.result of the answer (an array owned by
 * *@doc). NULL after saying why, naming the URL (without its credentials).
 */
static cJSON *query(const struct sc_prom_opts *o, const char *q, cJSON **doc)
{
	char url[2048], shown[2048], why[512], *esc = NULL, *form = NULL;
	struct answer a = {};
	long status = 0;
	CURLcode rc;
	CURL *h;
	cJSON *res;

	*doc = NULL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
			sc_err("cannot initialise libcurl");
			return NULL;
		}
		curl_ready = true;
	}
	if ((size_t)snprintf(url, sizeof(url), "%s%sapi/v1/query", o->url,
			     o->url[strlen(o->url) - 1] == '/' ? "" : "/") >= sizeof(url)) {
		sc_err("--prometheus: URL too long");
		return NULL;
	}
	prometheus__redact(url, shown, sizeof(shown));
	if (!(h = request(url, "", &a)) || !(esc = curl_easy_escape(h, q, 0)) ||
	    asprintf(&form, "query=%s&time=%lld", esc, (long long)time(NULL)) < 0) {
		sc_err("out of memory");
		curl_free(esc);
		if (h)
			curl_easy_cleanup(h);
		return NULL;
	}
	curl_free(esc);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	free(form);
	if (rc != CURLE_OK) {
		sc_err("--prometheus %s: %s", shown, a.too_big ? "the answer is larger than 256 MiB"
						     : a.oom ? "out of memory" : curl_easy_strerror(rc));
		sc_buf_free(&a.b);
		return NULL;
	}
	if (status != 200) {
		answer_error(&a, status, why, sizeof(why));
		sc_err("--prometheus %s: %s (query %s)", shown, why, q);
		sc_buf_free(&a.b);
		return NULL;
	}
	res = vector(a.b.data, a.b.len, doc);
	sc_buf_free(&a.b);
	if (!res)
		sc_err("--prometheus %s: the answer is not an instant vector (data.resultType \"vector\", data.result)", shown);
	return res;
}

static const char *label(const cJSON *s, const char *name)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "metric"), name);

	return cJSON_IsString(l) && strlen(l->valuestring) <= 4096 ? l->valuestring : NULL;
}

/* A sample's value as a whole number, 0 to 2^63. false: not one (NaN, infinite, negative, text). */
static bool value(const cJSON *s, uint64_t *v)
{
	const cJSON *val = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "value"), 1);
	char *end;
	double d;

	if (!cJSON_IsString(val))
		return false;
	d = strtod(val->valuestring, &end);
	if (end == val->valuestring || *end || !(d >= 0 && d < 9.2e18))
		return false;
	*v = (uint64_t)(d + 0.5);
	return true;
}

/* The image a sample names (its label decoded, see metrics.c), created in @c if new. */
static struct sc_image *image_of(struct sc_census *c, const cJSON *s, bool create, bool *oom)
{
	const char *l = label(s, "image");
	char key[4097];
	struct sc_image *img;

	if (!l || !l[0] || metrics__label_decode(l, key, sizeof(key)))
		return NULL;
	img = census__image(c, key, create);
	if (!img && create)
		*oom = true;
	if (img)
		img->args_partial = true;	/* the series carry names, not argument values */
	return img;
}

/* The syscall a sample names on recorder ABI @abi: a name, "#NR", or the overflow bucket. -1: none. */
static int syscall_of_label(int abi, const char *name)
{
	const struct sc_arch *a = arch_of_abi(abi);
	char nb[16];
	uint64_t nr;
	int n;

	if (!name)
		return -1;
	if (name[0] == '#')
		return sc_parse_u64(name + 1, SC_NR_OVERFLOW - 1, &nr) ? -1 : (int)nr;
	if (!strcmp(name, syscall_label(abi, SC_NR_OVERFLOW, nb, sizeof(nb))))
		return SC_NR_OVERFLOW;
	n = a ? syscall_nr(a->token, name) : -1;
	return n >= 0 && n < SC_NR_OVERFLOW ? n : -1;
}

/* An action as action_str() writes it, back to a SECCOMP_RET_* value. false: unknown. */
static bool parse_action(const char *s, uint32_t *ret)
{
	static const struct {
		const char *name;
		uint32_t ret;
	} fixed[] = {
		{ "SCMP_ACT_KILL_PROCESS", SECCOMP_RET_KILL_PROCESS }, { "SCMP_ACT_KILL_THREAD", SECCOMP_RET_KILL_THREAD },
		{ "SCMP_ACT_TRAP", SECCOMP_RET_TRAP }, { "SCMP_ACT_NOTIFY", SECCOMP_RET_USER_NOTIF },
		{ "SCMP_ACT_LOG", SECCOMP_RET_LOG },
	};
	unsigned v;
	char end;

	if (!s)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		if (!strcmp(s, fixed[i].name)) {
			*ret = fixed[i].ret;
			return true;
		}
	if (sscanf(s, "SCMP_ACT_ERRNO(%u%c", &v, &end) == 2 && end == ')' && v <= SECCOMP_RET_DATA) {
		*ret = SECCOMP_RET_ERRNO | v;
		return true;
	}
	return false;
}

/*
 * `METRIC{job="JOB"}[W]`, and the aggregations around it: @by the labels kept; a
 * counter is taken per node (its highest value) and summed, a gauge as @agg says.
 */
static void selector(const struct sc_prom_opts *o, const char *metric, char *buf, size_t len)
{
	snprintf(buf, len, "%s{job=\"%s\"}[%llds]", metric, o->job, (long long)o->window);
}

typedef int (*sample_fn)(struct sc_census *c, const cJSON *s, unsigned *skipped);

/* @fn on each sample of @res. 0 or -ENOMEM. */
static int apply(struct sc_census *c, const cJSON *res, sample_fn fn, unsigned *skipped)
{
	const cJSON *s;
	int err = 0;

	cJSON_ArrayForEach(s, res)
		if ((err = fn(c, s, skipped)))
			break;
	return err;
}

/* Run @q and call @fn on each sample of it. 0, -EIO (said) or -ENOMEM. */
static int each(struct sc_census *c, const struct sc_prom_opts *o, const char *q, sample_fn fn, unsigned *skipped)
{
	cJSON *doc, *res = query(o, q, &doc);
	int err;

	if (!res)
		return -EIO;
	err = apply(c, res, fn, skipped);
	cJSON_Delete(doc);
	if (err == -ENOMEM)
		sc_err("out of memory");
	return err;
}

static int set_first(struct sc_census *c, const cJSON *s, unsigned *skipped)
{
	bool oom = false;
	struct sc_image *img = image_of(c, s, true, &oom);
	uint64_t v;

	if (img && value(s, &v) && v <= INT64_MAX)
		img->first = (int64_t)v;
	return oom ? -ENOMEM : 0;
}

/* the per-image figures, once the images exist */
#define PER_IMAGE(fn, field, cast)							\
static int fn(struct sc_census *c, const cJSON *s, unsigned *skipped)			\
{											\
	bool none = false;								\
	struct sc_image *img = image_of(c, s, false, &none);				\
	uint64_t v;									\
											\
	if (img && value(s, &v) && v <= INT64_MAX)					\
		img->field = (cast)v;							\
	return 0;									\
}
PER_IMAGE(set_last, last, int64_t)
PER_IMAGE(set_last_new, last_new_known, int64_t)
PER_IMAGE(set_containers, ctrs_total, uint64_t)
PER_IMAGE(set_execs, exec_sessions, uint64_t)
PER_IMAGE(set_uncounted, uncounted, uint64_t)
PER_IMAGE(set_nodes, nodes, unsigned)

static int add_call(struct sc_census *c, const cJSON *s, unsigned *skipped)
{
	const char *abil = label(s, "abi"), *phase = label(s, "phase");
	int abi = abil ? metrics__abi_of_label(abil) : -1, nr = abi >= 0 ? syscall_of_label(abi, label(s, "syscall")) : -1;
	int p = phase && !strcmp(phase, "filtered") ? SC_FILTERED : phase && !strcmp(phase, "unfiltered") ? SC_UNFILTERED : -1;
	bool oom = false;
	struct sc_image *img;
	struct sc_vent *e;
	uint64_t v;

	if (nr < 0 || p < 0 || !value(s, &v) || !v) {
		++*skipped;
		return 0;
	}
	if (!(img = image_of(c, s, true, &oom)))
		return oom ? -ENOMEM : (++*skipped, 0);
	if (!(e = vec_get(&img->calls, SC_KEY(p, abi, nr), true)))
		return -ENOMEM;
	e->count += v;
	e->first = img->first;
	e->last = img->last;
	return 0;
}

static int add_denial(struct sc_census *c, const cJSON *s, unsigned *skipped)
{
	const char *abil = label(s, "abi");
	int abi = abil ? metrics__abi_of_label(abil) : -1, nr = abi >= 0 ? syscall_of_label(abi, label(s, "syscall")) : -1;
	bool oom = false;
	struct sc_image *img;
	uint32_t ret;
	uint64_t v;

	if (nr < 0 || !parse_action(label(s, "action"), &ret) || !value(s, &v) || !v) {
		++*skipped;
		return 0;
	}
	if (!(img = image_of(c, s, true, &oom)))
		return oom ? -ENOMEM : (++*skipped, 0);
	return image__add_denial(img, abi, nr, ret, v, img->last, "", "") ? 0 : -ENOMEM;
}

static int set_census_nodes(struct sc_census *c, const cJSON *s, unsigned *skipped)
{
	uint64_t v;

	if (value(s, &v))
		c->nodes = (unsigned)(v > 1u << 30 ? 1u << 30 : v);
	return 0;
}

/* A label name as PromQL accepts it: [a-zA-Z_][a-zA-Z0-9_]*. */
static bool label_name(const char *s)
{
	if (!s[0] || strlen(s) > 128 || !(s[0] == '_' || ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')))
			return false;
	return true;
}

/* A job name put in a selector: what scrape configurations use, nothing to escape. */
static bool job_name(const char *s)
{
	if (!s[0] || strlen(s) > 128)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') || strchr("_-.:/", *s)))
			return false;
	return true;
}

/* A name another node counts under an image's id: the two are one image here. */
static int add_alias(struct sc_census *c, const cJSON *s, unsigned *skipped)
{
	const char *l = label(s, "alias"), *k = label(s, "image");
	char name[4097], key[4097];
	struct sc_image *img;

	if (!k || !k[0] || !l || !l[0] || metrics__label_decode(k, key, sizeof(key)) ||
	    metrics__label_decode(l, name, sizeof(name))) {
		(*skipped)++;
		return 0;
	}
	/* by name: the key may be an alias already, after an earlier series (one image per name) */
	img = census__image_named(c, key);
	if (!img && !(img = census__image(c, key, true)))
		return -ENOMEM;
	img->args_partial = true;	/* the series carry names, not argument values */
	return census__unite_name(c, img, name);
}

/*
 * The queries after the node count, in order. A gauge is taken as its lowest or highest
 * value over every node; a counter per node (its highest value), then summed; COUNT is how
 * many nodes have a series.
 */
enum agg { AGG_MIN, AGG_MAX, AGG_SUM, AGG_COUNT };

static const struct union_query {
	enum agg agg;
	const char *metric, *by;
	sample_fn fn;
} queries[] = {
	{ AGG_MIN, "syscensus_image_first_seen_timestamp_seconds", "image", set_first },
	{ AGG_MAX, "syscensus_image_last_seen_timestamp_seconds", "image", set_last },
	{ AGG_MAX, "syscensus_image_last_new_syscall_timestamp_seconds", "image", set_last_new },
	{ AGG_SUM, "syscensus_image_containers_total", "image", set_containers },
	{ AGG_SUM, "syscensus_image_exec_sessions_total", "image", set_execs },
	{ AGG_SUM, "syscensus_image_uncounted_calls_total", "image", set_uncounted },
	{ AGG_SUM, "syscensus_syscalls_total", "image, syscall, abi, phase", add_call },
	{ AGG_SUM, "syscensus_seccomp_denials_total", "image, syscall, abi, action", add_denial },
	{ AGG_COUNT, "syscensus_syscalls_total", "image", set_nodes },
	/* last: the names' images exist, and their calls are in */
	{ AGG_COUNT, "syscensus_image_alias_info", "image, alias", add_alias },
};

static void build(const struct sc_prom_opts *o, const struct union_query *u, char *q, size_t len)
{
	char sel[256];

	selector(o, u->metric, sel, sizeof(sel));
	switch (u->agg) {
	case AGG_MIN:
	case AGG_MAX:
		snprintf(q, len, "%s by (%s) (%s_over_time(%s))", u->agg == AGG_MIN ? "min" : "max", u->by,
			 u->agg == AGG_MIN ? "min" : "max", sel);
		break;
	case AGG_SUM:
		snprintf(q, len, "sum by (%s) (max by (%s, %s) (max_over_time(%s)))", u->by, u->by, o->node_label, sel);
		break;
	case AGG_COUNT:
		snprintf(q, len, "count by (%s) (count by (%s, %s) (max_over_time(%s)))", u->by, u->by, o->node_label, sel);
		break;
	}
}

int census__from_prometheus(struct sc_census *c, const struct sc_prom_opts *o)
{
	char q[640], sel[256], shown[1024];
	unsigned skipped = 0;
	int err;

	if (!label_name(o->node_label)) {
		sc_err("--node-label: \"%s\" is not a Prometheus label name", o->node_label);
		return -EINVAL;
	}
	if (!job_name(o->job)) {
		sc_err("--job: \"%s\" is not a job name (letters, digits, _ - . : /)", o->job);
		return -EINVAL;
	}
	selector(o, "syscensus_build_info", sel, sizeof(sel));
	snprintf(q, sizeof(q), "count(count by (%s) (max_over_time(%s)))", o->node_label, sel);
	if ((err = each(c, o, q, set_census_nodes, &skipped)))
		return err;
	if (!c->nodes) {
		sc_err("--prometheus %s: no agent of job \"%s\" reported in the last %llds (are they scraped, with "
		       "`agent --metrics`, under that job? see --job)", prometheus__redact(o->url, shown, sizeof(shown)),
		       o->job, (long long)o->window);
		return -ENOENT;
	}
	/* the images and their times first: the calls take them */
	for (size_t k = 0; k < ARRAY_SIZE(queries); k++) {
		build(o, &queries[k], q, sizeof(q));
		if ((err = each(c, o, q, queries[k].fn, &skipped)))
			return err;
	}
	if (skipped)
		sc_warn("--prometheus %s: %u series not understood were left out (a syscall, ABI or action this "
			"machine's %s tables do not know, or a malformed label)",
			prometheus__redact(o->url, shown, sizeof(shown)), skipped,
			arch_native() ? arch_native()->docker : "?");
	return 0;
}

int prometheus__fold_answer(struct sc_census *c, unsigned kind, const char *text, size_t len)
{
	unsigned skipped = 0;
	cJSON *doc, *res = vector(text, len, &doc);
	int err;

	if (!res)
		return -EINVAL;
	kind %= ARRAY_SIZE(queries) + 1;
	err = apply(c, res, kind ? queries[kind - 1].fn : set_census_nodes, &skipped);
	cJSON_Delete(doc);
	return err;
}

void prometheus__cleanup(void)
{
	if (curl_ready)
		curl_global_cleanup();
	curl_ready = false;
}
