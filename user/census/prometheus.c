// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Prometheus's HTTP API (/api/v1/query, instant queries) through libcurl: redirects,
 * TLS, proxies and timeouts are a well-kept library's job. Every answer is bounded in
 * size and checked for shape; labels and values come from whatever the server holds,
 * so they are validated as untrusted input.
 *
 * Why max_over_time and not increase(): an agent's counters are cumulative over its
 * saved state, so the highest value a series reached in the window is what that node
 * counted; increase() extrapolates, and gives nothing for a series scraped once. A node
 * whose state was lost starts again from zero: its syscalls stay in the union, and its
 * count is the larger of the two runs (never the two added, never doubled).
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
	bool too_big;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;

	if (a->b.len + n > SC_PROM_MAX_ANSWER) {
		a->too_big = true;
		return 0;	/* curl stops with CURLE_WRITE_ERROR */
	}
	return sc_buf_add(&a->b, p, n) ? 0 : n;
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

/*
 * The instant vector @query evaluates to: data.result of the answer (an array owned by
 * *@doc). NULL after saying why, naming the URL.
 */
static cJSON *query(const struct sc_prom_opts *o, const char *q, cJSON **doc)
{
	char url[2048], why[512], *esc, *form = NULL;
	struct answer a = {};
	long status = 0;
	CURLcode rc;
	CURL *h;
	const cJSON *data, *type, *res = NULL;

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
		sc_err("--prometheus %s: URL too long", o->url);
		return NULL;
	}
	if (!(h = curl_easy_init()) || !(esc = curl_easy_escape(h, q, 0)) ||
	    asprintf(&form, "query=%s&time=%lld", esc, (long long)time(NULL)) < 0) {
		sc_err("out of memory");
		if (h)
			curl_easy_cleanup(h);
		return NULL;
	}
	curl_free(esc);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)SC_PROM_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "syscensus/" SC_VERSION);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	free(form);
	if (rc != CURLE_OK) {
		sc_err("--prometheus %s: %s", url, a.too_big ? "the answer is larger than 256 MiB" : curl_easy_strerror(rc));
		sc_buf_free(&a.b);
		return NULL;
	}
	if (status != 200) {
		answer_error(&a, status, why, sizeof(why));
		sc_err("--prometheus %s: %s (query %s)", url, why, q);
		sc_buf_free(&a.b);
		return NULL;
	}
	*doc = a.b.data ? cJSON_ParseWithLength(a.b.data, a.b.len) : NULL;
	sc_buf_free(&a.b);
	data = cJSON_GetObjectItemCaseSensitive(*doc, "data");
	type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
	if (cJSON_IsString(type) && !strcmp(type->valuestring, "vector"))
		res = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsArray(res)) {
		sc_err("--prometheus %s: the answer is not an instant vector (data.resultType \"vector\", data.result)", url);
		cJSON_Delete(*doc);
		*doc = NULL;
		return NULL;
	}
	return (cJSON *)res;
}

/* One sample of a vector: a label, and the value as a whole number. false: not usable. */
static bool sample(const cJSON *s, const char *label, const char **lv, uint64_t *v)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(s, "metric");
	const cJSON *l = label ? cJSON_GetObjectItemCaseSensitive(m, label) : NULL;
	const cJSON *val = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "value"), 1);
	double d;

	if ((label && (!cJSON_IsString(l) || !l->valuestring[0] || strlen(l->valuestring) > 4096)) ||
	    !cJSON_IsString(val))
		return false;
	d = strtod(val->valuestring, NULL);
	if (!(d >= 0 && d < 9.2e18))	/* NaN and infinities too */
		return false;
	if (lv)
		*lv = label ? l->valuestring : NULL;
	*v = (uint64_t)(d + 0.5);
	return true;
}

static const char *label(const cJSON *s, const char *name)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "metric"), name);

	return cJSON_IsString(l) ? l->valuestring : NULL;
}

/* The syscall a label names on recorder ABI @abi: a name, or "#NR" for an unnamed one. -1: none. */
static int syscall_of_label(int abi, const char *name)
{
	const struct sc_arch *a = arch_of_abi(abi);
	uint64_t nr;

	if (name[0] == '#')
		return sc_parse_u64(name + 1, SC_NR_PER_ABI - 1, &nr) ? -1 : (int)nr;
	return a ? syscall_nr(a->token, name) : -1;
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

/* W as PromQL writes a range: seconds. */
static void range(const struct sc_prom_opts *o, char *buf, size_t len)
{
	snprintf(buf, len, "%llds", (long long)o->window);
}

/* Per image: the value of `AGG by (image) (AGG_over_time(METRIC[W]))` into @set(img, v). */
static int per_image(struct sc_census *c, const struct sc_prom_opts *o, const char *agg, const char *metric,
		     void (*set)(struct sc_image *img, uint64_t v))
{
	char q[512], w[32];
	cJSON *doc, *res, *s;
	const char *key;
	uint64_t v;

	range(o, w, sizeof(w));
	snprintf(q, sizeof(q), "%s by (image) (%s_over_time(%s[%s]))", !strcmp(agg, "sum") ? "sum" : agg,
		 !strcmp(agg, "sum") ? "max" : agg, metric, w);
	if (!(res = query(o, q, &doc)))
		return -EIO;
	cJSON_ArrayForEach(s, res) {
		struct sc_image *img;

		if (!sample(s, "image", &key, &v))
			continue;
		if (!(img = census__image(c, key, true))) {
			cJSON_Delete(doc);
			sc_err("out of memory");
			return -ENOMEM;
		}
		set(img, v);
	}
	cJSON_Delete(doc);
	return 0;
}

static void set_first(struct sc_image *img, uint64_t v) { img->first = (int64_t)v; }
static void set_last(struct sc_image *img, uint64_t v) { img->last = (int64_t)v; }
static void set_last_new(struct sc_image *img, uint64_t v) { img->last_new_known = (int64_t)v; }
static void set_containers(struct sc_image *img, uint64_t v) { img->ctrs_total = v; }
static void set_uncounted(struct sc_image *img, uint64_t v) { img->uncounted = v; }
static void set_execs(struct sc_image *img, uint64_t v) { img->exec_sessions = v; }
/*
 * Whether a node saw the image confined, until its calls are read (then cleared): a
 * confined image's calls are its filtered phase, as on the nodes.
 */
static void set_confined(struct sc_image *img, uint64_t v) { img->mark = v > 0; }

static int syscalls(struct sc_census *c, const struct sc_prom_opts *o, unsigned *skipped)
{
	char q[256], w[32];
	cJSON *doc, *res, *s;
	const char *key;
	uint64_t v;

	range(o, w, sizeof(w));
	snprintf(q, sizeof(q), "sum by (image, syscall, abi) (max_over_time(syscensus_syscalls_total[%s]))", w);
	if (!(res = query(o, q, &doc)))
		return -EIO;
	cJSON_ArrayForEach(s, res) {
		const char *sys = label(s, "syscall"), *abil = label(s, "abi");
		int abi = abil ? metrics__abi_of_label(abil) : -1, nr = abi >= 0 && sys ? syscall_of_label(abi, sys) : -1;
		struct sc_image *img;
		struct sc_vent *e;

		if (!sample(s, "image", &key, &v) || !v || nr < 0) {
			++*skipped;
			continue;
		}
		if (!(img = census__image(c, key, true)) ||
		    !(e = vec_get(&img->calls, SC_KEY(img->mark ? SC_FILTERED : SC_UNFILTERED, abi, nr),
				  true))) {
			cJSON_Delete(doc);
			sc_err("out of memory");
			return -ENOMEM;
		}
		e->count += v;
		e->first = img->first;
		e->last = img->last;
	}
	cJSON_Delete(doc);
	return 0;
}

static int denials(struct sc_census *c, const struct sc_prom_opts *o, unsigned *skipped)
{
	char q[256], w[32];
	cJSON *doc, *res, *s;
	const char *key;
	uint64_t v;

	range(o, w, sizeof(w));
	snprintf(q, sizeof(q), "sum by (image, syscall, abi, action) (max_over_time(syscensus_seccomp_denials_total[%s]))", w);
	if (!(res = query(o, q, &doc)))
		return -EIO;
	cJSON_ArrayForEach(s, res) {
		const char *sys = label(s, "syscall"), *abil = label(s, "abi"), *act = label(s, "action");
		int abi = abil ? metrics__abi_of_label(abil) : -1, nr = abi >= 0 && sys ? syscall_of_label(abi, sys) : -1;
		struct sc_image *img;
		uint32_t ret;

		if (!sample(s, "image", &key, &v) || !v || nr < 0 || !act || !parse_action(act, &ret)) {
			++*skipped;
			continue;
		}
		if (!(img = census__image(c, key, true)) ||
		    !image__add_denial(img, abi, nr, ret, v, img->last, "", "")) {
			cJSON_Delete(doc);
			sc_err("out of memory");
			return -ENOMEM;
		}
	}
	cJSON_Delete(doc);
	return 0;
}

/* How many nodes reported anything in the window: @c->nodes. */
static int nodes(struct sc_census *c, const struct sc_prom_opts *o)
{
	char q[512], w[32];
	cJSON *doc, *res;
	uint64_t v = 0;

	range(o, w, sizeof(w));
	snprintf(q, sizeof(q), "count(max by (%s) (max_over_time(syscensus_build_info[%s])))", o->node_label, w);
	if (!(res = query(o, q, &doc)))
		return -EIO;
	if (cJSON_GetArraySize(res) == 1)
		sample(cJSON_GetArrayItem(res, 0), NULL, NULL, &v);
	c->nodes = (unsigned)(v > 1u << 30 ? 1u << 30 : v);
	cJSON_Delete(doc);
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

/* Per image, how many nodes reported calls of it. */
static int image_nodes(struct sc_census *c, const struct sc_prom_opts *o)
{
	char q[512], w[32];
	cJSON *doc, *res, *s;
	const char *key;
	uint64_t v;

	range(o, w, sizeof(w));
	snprintf(q, sizeof(q), "count by (image) (max by (image, %s) (max_over_time(syscensus_syscalls_total[%s])))",
		 o->node_label, w);
	if (!(res = query(o, q, &doc)))
		return -EIO;
	cJSON_ArrayForEach(s, res) {
		struct sc_image *img;

		if (sample(s, "image", &key, &v) && (img = census__image(c, key, false)))
			img->nodes = (unsigned)(v > 1u << 30 ? 1u << 30 : v);
	}
	cJSON_Delete(doc);
	return 0;
}

int census__from_prometheus(struct sc_census *c, const struct sc_prom_opts *o)
{
	unsigned skipped = 0;
	int err;

	if (!label_name(o->node_label)) {
		sc_err("--node-label: \"%s\" is not a Prometheus label name", o->node_label);
		return -EINVAL;
	}
	/* what an image's calls are (its phase), and their times, before the calls */
	if ((err = nodes(c, o)) || (err = per_image(c, o, "max", "syscensus_image_confined", set_confined)) ||
	    (err = per_image(c, o, "min", "syscensus_image_first_seen_timestamp_seconds", set_first)) ||
	    (err = per_image(c, o, "max", "syscensus_image_last_seen_timestamp_seconds", set_last)) ||
	    (err = per_image(c, o, "max", "syscensus_image_last_new_syscall_timestamp_seconds", set_last_new)) ||
	    (err = per_image(c, o, "sum", "syscensus_image_containers_total", set_containers)) ||
	    (err = per_image(c, o, "sum", "syscensus_image_uncounted_calls_total", set_uncounted)) ||
	    (err = per_image(c, o, "sum", "syscensus_image_exec_sessions_total", set_execs)) ||
	    (err = syscalls(c, o, &skipped)) || (err = denials(c, o, &skipped)) || (err = image_nodes(c, o)))
		return err;
	for (size_t i = 0; i < c->n_images; i++)
		c->images[i]->mark = false;
	if (skipped)
		sc_warn("--prometheus %s: %u series not understood (unknown syscall, ABI or action) were left out",
			o->url, skipped);
	return 0;
}

void prometheus__cleanup(void)
{
	if (curl_ready)
		curl_global_cleanup();
	curl_ready = false;
}
