// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "census/census.h"
#include "lib/json.h"
#include "seccomp/generate.h"
#include "lib/util.h"

/* ---- sparse counters ---- */

struct sc_vent *vec_get(struct sc_vec *v, uint16_t key, bool create)
{
	size_t lo = 0, hi = v->n;
	struct sc_vent *e;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v->e[mid].key == key)
			return &v->e[mid];
		if (v->e[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!create)
		return NULL;
	if (!(e = sc_grow(v->e, &v->cap, v->n, sizeof(*e), 32)))
		return NULL;
	v->e = e;
	memmove(&v->e[lo + 1], &v->e[lo], (v->n - lo) * sizeof(*v->e));
	v->n++;
	memset(&v->e[lo], 0, sizeof(v->e[lo]));
	v->e[lo].key = key;
	return &v->e[lo];
}

static void vec_free(struct sc_vec *v)
{
	free(v->e);
	memset(v, 0, sizeof(*v));
}

/* ---- images and live cgroups ---- */

static void image_free(struct sc_image *img)
{
	if (!img)
		return;
	free(img->key);
	free(img->cgpath);
	free(img->runtime);
	for (size_t i = 0; i < img->n_ids; i++)
		free(img->ids[i]);
	free(img->ids);
	for (size_t i = 0; i < img->n_ctrs; i++)
		free(img->ctrs[i].name);
	free(img->ctrs);
	free(img->incomplete);
	free(img->denied);
	vec_free(&img->calls);
	free(img);
}

static void live_free(struct sc_live *l)
{
	if (!l)
		return;
	free(l->path);
	vec_free(&l->folded);
	free(l);
}

void census__free(struct sc_census *c)
{
	for (size_t i = 0; i < c->n_images; i++)
		image_free(c->images[i]);
	free(c->images);
	for (size_t i = 0; i < c->n_live; i++)
		live_free(c->live[i]);
	free(c->live);
	memset(c, 0, sizeof(*c));
}

struct sc_image *census__image(struct sc_census *c, const char *key, bool create)
{
	struct sc_image *img, **v;

	for (size_t i = 0; i < c->n_images; i++)
		if (!strcmp(c->images[i]->key, key))
			return c->images[i];
	if (!create)
		return NULL;
	if (!(v = sc_grow(c->images, &c->cap_images, c->n_images, sizeof(*v), 16)))
		return NULL;
	c->images = v;
	img = calloc(1, sizeof(*img));
	if (!img || !(img->key = strdup(key))) {
		free(img);
		return NULL;
	}
	img->unknown = !strncmp(key, SC_UNKNOWN_PREFIX, strlen(SC_UNKNOWN_PREFIX));
	c->images[c->n_images++] = img;
	return img;
}

void image__add_container(struct sc_image *img, const char *id, const char *name, int64_t now)
{
	struct sc_container *ct;

	for (size_t i = 0; i < img->n_ctrs; i++)
		if (!strcmp(img->ctrs[i].id, id))
			return;
	if (img->n_ctrs == SC_MAX_CONTAINERS) {
		/* keep the most recent: drop the oldest */
		free(img->ctrs[0].name);
		memmove(&img->ctrs[0], &img->ctrs[1], (img->n_ctrs - 1) * sizeof(*img->ctrs));
		img->n_ctrs--;
	} else {
		ct = realloc(img->ctrs, (img->n_ctrs + 1) * sizeof(*ct));
		if (!ct)
			return;
		img->ctrs = ct;
	}
	ct = &img->ctrs[img->n_ctrs++];
	memset(ct, 0, sizeof(*ct));
	snprintf(ct->id, sizeof(ct->id), "%s", id);
	ct->name = name ? strdup(name) : NULL;
	ct->first = ct->last = now;
	img->ctrs_total++;
}

void image__add_id(struct sc_image *img, const char *id)
{
	char **v;

	if (!id || img->n_ids >= SC_MAX_IMAGE_IDS)
		return;
	for (size_t i = 0; i < img->n_ids; i++)
		if (!strcmp(img->ids[i], id))
			return;
	v = realloc(img->ids, (img->n_ids + 1) * sizeof(*v));
	if (!v)
		return;
	img->ids = v;
	if ((img->ids[img->n_ids] = strdup(id)))
		img->n_ids++;
}

void image__set_incomplete(struct sc_image *img, const char *why)
{
	if (img->incomplete)
		return;	/* the first reason is the one that matters */
	img->incomplete = strdup(why);
}

void census__merge_image(struct sc_census *c, struct sc_image *from, struct sc_image *to)
{
	for (size_t i = 0; i < from->calls.n; i++) {
		const struct sc_vent *f = &from->calls.e[i];
		struct sc_vent *e = vec_get(&to->calls, f->key, true);

		if (!e)
			continue;
		if (!e->count || (f->first && f->first < e->first))
			e->first = f->first;
		if (f->last > e->last)
			e->last = f->last;
		e->count += f->count;
	}
	for (size_t i = 0; i < from->n_denied; i++) {
		const struct sc_denial *d = &from->denied[i];

		image__add_denial(to, d->abi, d->nr, d->ret, d->count, d->last);
	}
	if (from->first && (!to->first || from->first < to->first))
		to->first = from->first;
	if (from->last > to->last)
		to->last = from->last;
	for (size_t i = 0; i < c->n_live; i++)
		if (c->live[i]->img == from)
			c->live[i]->img = to;
	for (size_t i = 0; i < c->n_images; i++) {
		if (c->images[i] != from)
			continue;
		c->images[i] = c->images[--c->n_images];
		image_free(from);
		return;
	}
}

size_t census__prune(struct sc_census *c)
{
	size_t dropped = 0;

	for (size_t i = 0; i < c->n_images;) {
		struct sc_image *img = c->images[i];
		bool live = false;

		for (size_t k = 0; k < c->n_live && !live; k++)
			live = c->live[k]->img == img;
		if (!img->unknown || img->calls.n || img->n_denied || img->incomplete || live) {
			i++;
			continue;
		}
		c->images[i] = c->images[--c->n_images];
		image_free(img);
		dropped++;
	}
	return dropped;
}

void image__add_denial(struct sc_image *img, int abi, int nr, uint32_t ret, uint64_t count, int64_t now)
{
	struct sc_denial *d;

	for (size_t i = 0; i < img->n_denied; i++) {
		d = &img->denied[i];
		if (d->abi == abi && d->nr == nr && d->ret == ret) {
			d->count += count;
			d->last = now;
			return;
		}
	}
	d = realloc(img->denied, (img->n_denied + 1) * sizeof(*d));
	if (!d)
		return;
	img->denied = d;
	d = &img->denied[img->n_denied++];
	*d = (struct sc_denial){ .abi = abi, .nr = nr, .ret = ret, .count = count, .first = now, .last = now };
	if (now > img->last)
		img->last = now;
}

struct sc_live *census__live(struct sc_census *c, uint64_t cgid)
{
	for (size_t i = 0; i < c->n_live; i++)
		if (c->live[i]->cgid == cgid)
			return c->live[i];
	return NULL;
}

struct sc_live *census__add_live(struct sc_census *c, uint64_t cgid, uint32_t slot, const char *path,
				 struct sc_image *img, const char *ctr)
{
	struct sc_live *l, **v;

	if (!(v = sc_grow(c->live, &c->cap_live, c->n_live, sizeof(*v), 64)))
		return NULL;
	c->live = v;
	l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path ? path : ""))) {
		free(l);
		return NULL;
	}
	l->cgid = cgid;
	l->slot = slot;
	l->img = img;
	snprintf(l->ctr, sizeof(l->ctr), "%s", ctr ? ctr : "");
	c->live[c->n_live++] = l;
	return l;
}

void census__drop_live(struct sc_census *c, struct sc_live *l)
{
	for (size_t i = 0; i < c->n_live; i++) {
		if (c->live[i] != l)
			continue;
		c->live[i] = c->live[--c->n_live];
		live_free(l);
		return;
	}
}

uint64_t census__fold(struct sc_live *l, const struct sc_slot_counts *cur, int64_t now)
{
	uint64_t added = 0;

	for (int p = 0; p < SC_PHASES; p++)
		for (int a = 0; a < SC_NR_ABIS; a++)
			for (int nr = 0; nr < SC_NR_PER_ABI; nr++) {
				uint64_t v = cur->n[p][a][nr], d;
				uint16_t key = SC_KEY(p, a, nr);
				struct sc_vent *f, *e;

				if (!v)
					continue;
				f = vec_get(&l->folded, key, true);
				if (!f)
					continue;
				/* below what was folded: the counters restarted from zero */
				d = v >= f->count ? v - f->count : v;
				if (!d)
					continue;
				e = vec_get(&l->img->calls, key, true);
				if (!e)
					continue;
				if (!e->count)
					e->first = now;
				e->count += d;
				e->last = now;
				f->count = v;
				added += d;
			}
	if (added) {
		l->img->last = now;
		for (size_t i = 0; i < l->img->n_ctrs; i++)
			if (!strcmp(l->img->ctrs[i].id, l->ctr))
				l->img->ctrs[i].last = now;
	}
	return added;
}

bool image__confined(const struct sc_image *img)
{
	for (size_t i = 0; i < img->calls.n; i++)
		if (SC_KEY_PHASE(img->calls.e[i].key) == SC_FILTERED && img->calls.e[i].count)
			return true;
	return false;
}

cJSON *image__profile(const struct sc_image *img, const char **note)
{
	bool confined = !img->unknown && image__confined(img);
	struct sc_tally *t = calloc(1, sizeof(*t));
	struct sc_unnamed *un = NULL;
	char comment[512];
	size_t n_un = 0;
	cJSON *doc;

	if (!t)
		return NULL;
	for (size_t i = 0; i < img->calls.n; i++) {
		const struct sc_vent *e = &img->calls.e[i];

		if (confined && SC_KEY_PHASE(e->key) != SC_FILTERED)
			continue;
		t->n[SC_KEY_ABI(e->key)][SC_KEY_NR(e->key)] += e->count;
	}
	*note = confined ? "calls made under the runtime's seccomp filter (the runtime's own setup excluded)"
			 : "never seen under a seccomp filter: every call, the runtime's setup included";
	doc = observed__profile(t, &un, &n_un);
	free(t);
	free(un);	/* unnamed numbers cannot be written; status lists them */
	if (!doc)
		return NULL;
	snprintf(comment, sizeof(comment), "syscensus: observed profile of %s%s%s%s", img->key,
		 confined ? "" : " (never seen under a seccomp filter: includes the container runtime's setup)",
		 img->incomplete ? "; INCOMPLETE: " : "", img->incomplete ? img->incomplete : "");
	cJSON_AddItemToObject(doc, "comment", cJSON_CreateString(comment));
	return doc;
}

/* ---- state file ---- */

static cJSON *vec_json(const struct sc_vec *v, bool times)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < v->n; i++) {
		const struct sc_vent *e = &v->e[i];
		cJSON *row = cJSON_CreateArray();

		if (!row)
			break;
		cJSON_AddItemToArray(row, json_u64_node(SC_KEY_PHASE(e->key)));
		cJSON_AddItemToArray(row, json_u64_node(SC_KEY_ABI(e->key)));
		cJSON_AddItemToArray(row, json_u64_node(SC_KEY_NR(e->key)));
		cJSON_AddItemToArray(row, json_u64_node(e->count));
		if (times) {
			cJSON_AddItemToArray(row, json_u64_node((uint64_t)e->first));
			cJSON_AddItemToArray(row, json_u64_node((uint64_t)e->last));
		}
		cJSON_AddItemToArray(arr, row);
	}
	return arr;
}

static void add_u64(cJSON *o, const char *k, uint64_t v)
{
	cJSON_AddItemToObject(o, k, json_u64_node(v));
}

static int cmp_image(const void *a, const void *b)
{
	return strcmp((*(struct sc_image *const *)a)->key, (*(struct sc_image *const *)b)->key);
}

cJSON *census__json(const struct sc_census *c, int64_t now)
{
	cJSON *doc = cJSON_CreateObject(), *h, *imgs, *live;
	struct sc_image **sorted = NULL;

	if (!doc)
		return NULL;
	cJSON_AddStringToObject(doc, "format", SC_STATE_FORMAT);
	add_u64(doc, "version", SC_STATE_VERSION);
	add_u64(doc, "started", (uint64_t)c->started);
	add_u64(doc, "saved", (uint64_t)now);
	h = cJSON_AddObjectToObject(doc, "recorder");
	if (h) {
		cJSON_AddStringToObject(h, "attach", c->health.attach);
		add_u64(h, "capacity", c->health.capacity);
		add_u64(h, "tracked", c->n_live);
		add_u64(h, "table_full", c->health.table_full);
		add_u64(h, "events_lost", c->health.events_lost);
		add_u64(h, "untracked", c->health.untracked);
		add_u64(h, "denied_lost", c->health.denied_lost);
		cJSON_AddBoolToObject(h, "denials", c->health.denials);
		cJSON_AddStringToObject(h, "pin_dir", c->health.pin_dir);
	}
	imgs = cJSON_AddArrayToObject(doc, "images");
	if (c->n_images && !(sorted = malloc(c->n_images * sizeof(*sorted))))
		goto fail;
	if (sorted) {
		memcpy(sorted, c->images, c->n_images * sizeof(*sorted));
		qsort(sorted, c->n_images, sizeof(*sorted), cmp_image);
	}
	for (size_t i = 0; imgs && i < c->n_images; i++) {
		const struct sc_image *img = sorted[i];
		cJSON *o = cJSON_CreateObject(), *a;

		if (!o)
			goto fail;
		cJSON_AddItemToArray(imgs, o);
		cJSON_AddStringToObject(o, "image", img->key);
		if (img->cgpath)
			cJSON_AddStringToObject(o, "cgroup_path", img->cgpath);
		if (img->runtime)
			cJSON_AddStringToObject(o, "runtime", img->runtime);
		a = cJSON_AddArrayToObject(o, "image_ids");
		for (size_t k = 0; a && k < img->n_ids; k++)
			cJSON_AddItemToArray(a, cJSON_CreateString(img->ids[k]));
		add_u64(o, "first_seen", (uint64_t)img->first);
		add_u64(o, "last_seen", (uint64_t)img->last);
		if (img->incomplete)
			cJSON_AddStringToObject(o, "incomplete", img->incomplete);
		add_u64(o, "containers_total", img->ctrs_total);
		a = cJSON_AddArrayToObject(o, "containers");
		for (size_t k = 0; a && k < img->n_ctrs; k++) {
			cJSON *ct = cJSON_CreateObject();

			if (!ct)
				goto fail;
			cJSON_AddItemToArray(a, ct);
			cJSON_AddStringToObject(ct, "id", img->ctrs[k].id);
			if (img->ctrs[k].name)
				cJSON_AddStringToObject(ct, "name", img->ctrs[k].name);
			add_u64(ct, "first_seen", (uint64_t)img->ctrs[k].first);
			add_u64(ct, "last_seen", (uint64_t)img->ctrs[k].last);
		}
		/* [phase (0 before a filter, 1 under one), abi (0 native, 1 compat), nr, count, first, last] */
		cJSON_AddItemToObject(o, "calls", vec_json(&img->calls, true));
		/* [abi, nr, filter answer (SECCOMP_RET_*), count, first, last] */
		a = cJSON_AddArrayToObject(o, "denied");
		for (size_t k = 0; a && k < img->n_denied; k++) {
			const struct sc_denial *d = &img->denied[k];
			cJSON *row = cJSON_CreateArray();

			if (!row)
				goto fail;
			cJSON_AddItemToArray(a, row);
			cJSON_AddItemToArray(row, json_u64_node(d->abi));
			cJSON_AddItemToArray(row, json_u64_node(d->nr));
			cJSON_AddItemToArray(row, json_u64_node(d->ret));
			cJSON_AddItemToArray(row, json_u64_node(d->count));
			cJSON_AddItemToArray(row, json_u64_node((uint64_t)d->first));
			cJSON_AddItemToArray(row, json_u64_node((uint64_t)d->last));
		}
	}
	live = cJSON_AddArrayToObject(doc, "live");
	for (size_t i = 0; live && i < c->n_live; i++) {
		const struct sc_live *l = c->live[i];
		cJSON *o = cJSON_CreateObject();

		if (!o)
			goto fail;
		cJSON_AddItemToArray(live, o);
		add_u64(o, "cgroup_id", l->cgid);
		add_u64(o, "slot", l->slot);
		cJSON_AddStringToObject(o, "path", l->path);
		cJSON_AddStringToObject(o, "image", l->img->key);
		cJSON_AddStringToObject(o, "container", l->ctr);
		/* [phase, abi, nr, counter value already folded into the image] */
		cJSON_AddItemToObject(o, "folded", vec_json(&l->folded, false));
	}
	free(sorted);
	return doc;
fail:
	free(sorted);
	cJSON_Delete(doc);
	return NULL;
}

int census__save(const struct sc_census *c, const char *path, int64_t now)
{
	struct sc_buf b = {};
	int err = json_render(census__json(c, now), &b);

	if (err)
		return err;
	err = sc_write_file_atomic(path, b.data, b.len);
	sc_buf_free(&b);
	return err;
}

/* ---- loading, with errors that name the file and the field ---- */

struct ld {
	const char *file;
	char where[160];
};

static int bad(struct ld *ld, const char *what)
{
	sc_err("%s: %s: %s", ld->file, ld->where, what);
	return -EINVAL;
}

static int get_u64(struct ld *ld, const cJSON *o, const char *key, uint64_t max, uint64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v) {
		*out = 0;
		return 0;
	}
	if (!cJSON_IsNumber(v) || json_u64(v, out) || *out > max) {
		snprintf(ld->where + strlen(ld->where), sizeof(ld->where) - strlen(ld->where), ".%s", key);
		return bad(ld, "expected an unsigned integer");
	}
	return 0;
}

static const char *get_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int load_vec(struct ld *ld, const cJSON *arr, struct sc_vec *v, bool times)
{
	const cJSON *row;
	size_t want = times ? 6 : 4, i = 0;

	if (arr && !cJSON_IsArray(arr))
		return bad(ld, "expected an array of rows");
	cJSON_ArrayForEach(row, arr) {
		uint64_t f[6] = {};
		const cJSON *x;
		size_t k = 0;
		struct sc_vent *e;

		if (!cJSON_IsArray(row) || (size_t)cJSON_GetArraySize(row) != want)
			return bad(ld, times ? "each row must be [phase, abi, nr, count, first, last]"
					     : "each row must be [phase, abi, nr, count]");
		cJSON_ArrayForEach(x, row)
			if (!cJSON_IsNumber(x) || json_u64(x, &f[k++]))
				return bad(ld, "row values must be unsigned integers");
		if (f[0] >= SC_PHASES || f[1] >= SC_NR_ABIS || f[2] >= SC_NR_PER_ABI)
			return bad(ld, "phase, abi or syscall number out of range");
		e = vec_get(v, SC_KEY(f[0], f[1], f[2]), true);
		if (!e)
			return -ENOMEM;
		e->count = f[3];
		e->first = (int64_t)f[4];
		e->last = (int64_t)f[5];
		i++;
	}
	return 0;
}

static int load_image(struct sc_census *c, struct ld *ld, const cJSON *o)
{
	const char *key = get_str(o, "image"), *s;
	const cJSON *a, *x;
	struct sc_image *img;
	uint64_t v;
	int err;

	if (!key)
		return bad(ld, "\"image\" must be a string");
	if (census__image(c, key, false))
		return bad(ld, "image listed twice");
	img = census__image(c, key, true);
	if (!img)
		return -ENOMEM;
	if ((s = get_str(o, "cgroup_path")))
		img->cgpath = strdup(s);
	if ((s = get_str(o, "runtime")))
		img->runtime = strdup(s);
	if ((s = get_str(o, "incomplete")))
		img->incomplete = strdup(s);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "image_ids"))
		if (cJSON_IsString(x))
			image__add_id(img, x->valuestring);
	if ((err = get_u64(ld, o, "first_seen", INT64_MAX, &v)))
		return err;
	img->first = (int64_t)v;
	if ((err = get_u64(ld, o, "last_seen", INT64_MAX, &v)))
		return err;
	img->last = (int64_t)v;
	a = cJSON_GetObjectItemCaseSensitive(o, "containers");
	cJSON_ArrayForEach(x, a) {
		const char *id = get_str(x, "id");
		uint64_t f, l;

		if (!id || strlen(id) > SC_CTR_ID_LEN)
			return bad(ld, "containers[].id must be a container id");
		if ((err = get_u64(ld, x, "first_seen", INT64_MAX, &f)) ||
		    (err = get_u64(ld, x, "last_seen", INT64_MAX, &l)))
			return err;
		image__add_container(img, id, get_str(x, "name"), (int64_t)f);
		img->ctrs[img->n_ctrs - 1].last = (int64_t)l;
	}
	if ((err = get_u64(ld, o, "containers_total", UINT64_MAX, &img->ctrs_total)))
		return err;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "denied")) {
		uint64_t f[6] = {};
		const cJSON *y;
		size_t k = 0;

		if (!cJSON_IsArray(x) || cJSON_GetArraySize(x) != 6)
			return bad(ld, "each denied row must be [abi, nr, action, count, first, last]");
		cJSON_ArrayForEach(y, x)
			if (!cJSON_IsNumber(y) || json_u64(y, &f[k++]))
				return bad(ld, "denied values must be unsigned integers");
		if (f[0] >= SC_NR_ABIS || f[1] >= SC_NR_PER_ABI || f[2] > UINT32_MAX)
			return bad(ld, "denied: abi, syscall number or action out of range");
		image__add_denial(img, (int)f[0], (int)f[1], (uint32_t)f[2], f[3], (int64_t)f[4]);
		img->denied[img->n_denied - 1].last = (int64_t)f[5];
	}
	return load_vec(ld, cJSON_GetObjectItemCaseSensitive(o, "calls"), &img->calls, true);
}

int census__load(struct sc_census *c, const char *path)
{
	struct ld ld = { .file = path };
	const cJSON *x, *fmt;
	char err[512];
	cJSON *doc;
	uint64_t v;
	int ret = 0, i = 0;

	memset(c, 0, sizeof(*c));
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	doc = json_parse_file(path, err, sizeof(err));
	if (!doc) {
		sc_err("%s", err);
		return -EINVAL;
	}
	fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
	snprintf(ld.where, sizeof(ld.where), "format");
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, SC_STATE_FORMAT)) {
		ret = bad(&ld, "not a syscensus state file");
		goto out;
	}
	snprintf(ld.where, sizeof(ld.where), "version");
	if ((ret = get_u64(&ld, doc, "version", UINT32_MAX, &v)))
		goto out;
	if (v != SC_STATE_VERSION) {
		sc_err("%s: version %llu, but this syscensus reads version %d only; it was written by "
		       "another syscensus release: keep it, and use that release or move the file away",
		       path, (unsigned long long)v, SC_STATE_VERSION);
		ret = -EPROTO;
		goto out;
	}
	snprintf(ld.where, sizeof(ld.where), "started");
	if ((ret = get_u64(&ld, doc, "started", INT64_MAX, &v)))
		goto out;
	c->started = (int64_t)v;
	if ((ret = get_u64(&ld, doc, "saved", INT64_MAX, &v)))
		goto out;
	c->saved = (int64_t)v;
	x = cJSON_GetObjectItemCaseSensitive(doc, "recorder");
	if (x) {
		const char *at = get_str(x, "attach"), *pd = get_str(x, "pin_dir");

		snprintf(ld.where, sizeof(ld.where), "recorder");
		snprintf(c->health.attach, sizeof(c->health.attach), "%s", at ? at : "");
		snprintf(c->health.pin_dir, sizeof(c->health.pin_dir), "%s", pd ? pd : "");
		if ((ret = get_u64(&ld, x, "capacity", UINT32_MAX, &v)))
			goto out;
		c->health.capacity = (uint32_t)v;
		if ((ret = get_u64(&ld, x, "table_full", UINT64_MAX, &c->health.table_full)) ||
		    (ret = get_u64(&ld, x, "events_lost", UINT64_MAX, &c->health.events_lost)) ||
		    (ret = get_u64(&ld, x, "untracked", UINT64_MAX, &c->health.untracked)) ||
		    (ret = get_u64(&ld, x, "denied_lost", UINT64_MAX, &c->health.denied_lost)))
			goto out;
		c->health.denials = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "denials"));
	}
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, "images")) {
		snprintf(ld.where, sizeof(ld.where), "images[%d]", i++);
		if ((ret = load_image(c, &ld, x)))
			goto out;
	}
	i = 0;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, "live")) {
		const char *img_key = get_str(x, "image"), *ctr = get_str(x, "container");
		struct sc_image *img;
		struct sc_live *l;
		uint64_t cgid, slot;

		snprintf(ld.where, sizeof(ld.where), "live[%d]", i++);
		if ((ret = get_u64(&ld, x, "cgroup_id", UINT64_MAX, &cgid)) ||
		    (ret = get_u64(&ld, x, "slot", UINT32_MAX, &slot)))
			goto out;
		if (!img_key || !(img = census__image(c, img_key, false))) {
			ret = bad(&ld, "\"image\" must name an image of the file");
			goto out;
		}
		l = census__add_live(c, cgid, (uint32_t)slot, get_str(x, "path"), img, ctr);
		if (!l) {
			ret = -ENOMEM;
			goto out;
		}
		if ((ret = load_vec(&ld, cJSON_GetObjectItemCaseSensitive(x, "folded"), &l->folded, false)))
			goto out;
	}
out:
	cJSON_Delete(doc);
	if (ret)
		census__free(c);
	return ret;
}
