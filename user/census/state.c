// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The state file: the census as one JSON document, written atomically (temp file,
 * fsync, rename) and read back with errors that name the file and the field.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "census/census.h"
#include "lib/json.h"
#include "lib/util.h"

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

static cJSON *health_json(const struct sc_census *c)
{
	cJSON *h = cJSON_CreateObject();

	if (!h)
		return NULL;
	cJSON_AddStringToObject(h, "attach", c->health.attach);
	add_u64(h, "capacity", c->health.capacity);
	add_u64(h, "tracked", c->n_live);
	add_u64(h, "table_full", c->health.table_full);
	add_u64(h, "events_lost", c->health.events_lost);
	add_u64(h, "untracked", c->health.untracked);
	add_u64(h, "denied_lost", c->health.denied_lost);
	cJSON_AddBoolToObject(h, "denials", c->health.denials);
	cJSON_AddBoolToObject(h, "args", c->health.args);
	add_u64(h, "args_lost", c->health.args_lost);
	cJSON_AddStringToObject(h, "pin_dir", c->health.pin_dir);
	cJSON_AddStringToObject(h, "confinement", c->health.confinement);
	add_u64(h, "self_refused", c->health.self_refused);
	/* the kernel's BPF statistics of the programs (kernel.bpf_stats_enabled) */
	cJSON_AddBoolToObject(h, "stats_enabled", c->health.stats_enabled);
	add_u64(h, "enter_run_ns", c->health.enter_ns);
	add_u64(h, "enter_runs", c->health.enter_runs);
	add_u64(h, "deny_run_ns", c->health.deny_ns);
	add_u64(h, "deny_runs", c->health.deny_runs);
	return h;
}

/* {"namespace", "name", "uid", "workload"}: what is known of them */
cJSON *pod__json(const struct sc_pod *p)
{
	cJSON *o = cJSON_CreateObject();

	if (o && p->ns)
		cJSON_AddStringToObject(o, "namespace", p->ns);
	if (o && p->name)
		cJSON_AddStringToObject(o, "name", p->name);
	if (o && p->uid)
		cJSON_AddStringToObject(o, "uid", p->uid);
	if (o && p->workload)
		cJSON_AddStringToObject(o, "workload", p->workload);
	return o;
}

static cJSON *containers_json(const struct sc_image *img)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t k = 0; a && k < img->n_ctrs; k++) {
		cJSON *ct = cJSON_CreateObject();

		if (!ct || !cJSON_AddItemToArray(a, ct)) {
			cJSON_Delete(ct);
			cJSON_Delete(a);
			return NULL;
		}
		cJSON_AddStringToObject(ct, "id", img->ctrs[k].id);
		if (img->ctrs[k].name)
			cJSON_AddStringToObject(ct, "name", img->ctrs[k].name);
		add_u64(ct, "first_seen", (uint64_t)img->ctrs[k].first);
		add_u64(ct, "last_seen", (uint64_t)img->ctrs[k].last);
		if (img->ctrs[k].pod.name)
			cJSON_AddItemToObject(ct, "pod", pod__json(&img->ctrs[k].pod));
	}
	return a;
}

/* A row of @n numbers appended to @arr: the row, or NULL (out of memory; nothing appended). */
static cJSON *u64_row(cJSON *arr, const uint64_t *v, size_t n)
{
	cJSON *row = cJSON_CreateArray();

	if (!row || !cJSON_AddItemToArray(arr, row)) {
		cJSON_Delete(row);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(row, json_u64_node(v[i]));
	return row;
}

/* [abi, nr, filter answer (SECCOMP_RET_*), count, first, last] */
static cJSON *denied_json(const struct sc_image *img)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t k = 0; a && k < img->n_denied; k++) {
		const struct sc_denial *d = &img->denied[k];
		const uint64_t v[] = { d->abi, d->nr, d->ret, d->count, (uint64_t)d->first, (uint64_t)d->last };
		cJSON *row = u64_row(a, v, ARRAY_SIZE(v));

		if (!row) {
			cJSON_Delete(a);
			return NULL;
		}
		/* [..., container, enforced profile]: which container, under which profile */
		cJSON_AddItemToArray(row, cJSON_CreateString(d->ctr));
		cJSON_AddItemToArray(row, cJSON_CreateString(d->profile));
	}
	return a;
}

/* [phase, nr (native), value]: the argument values of its calls (census.h, struct sc_argv) */
static cJSON *args_json(const struct sc_image *img)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t k = 0; a && k < img->n_argv; k++) {
		const uint64_t v[] = { img->argv[k].phase, img->argv[k].nr, img->argv[k].value };

		if (!u64_row(a, v, ARRAY_SIZE(v))) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

static cJSON *image_json(const struct sc_image *img)
{
	cJSON *o = cJSON_CreateObject(), *a;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "image", img->key);
	if (img->n_aliases) {
		cJSON *al = cJSON_AddArrayToObject(o, "aliases");

		for (size_t k = 0; al && k < img->n_aliases; k++)
			cJSON_AddItemToArray(al, cJSON_CreateString(img->aliases[k]));
	}
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
	if (img->modes) {
		cJSON *m = cJSON_AddArrayToObject(o, "modes");

		if (m && (img->modes & SC_MODE_NNP))
			cJSON_AddItemToArray(m, cJSON_CreateString("no-new-privileges"));
		if (m && (img->modes & SC_MODE_PRIV))
			cJSON_AddItemToArray(m, cJSON_CreateString("privileges"));
	}
	if (img->exec_sessions) {
		add_u64(o, "exec_sessions", img->exec_sessions);
		add_u64(o, "last_exec", (uint64_t)img->last_exec);
	}
	if (img->uncounted || img->untabled_keys) {
		add_u64(o, "uncounted", img->uncounted);
		add_u64(o, "untabled_keys", img->untabled_keys);
	}
	cJSON_AddItemToObject(o, "containers", containers_json(img));
	/* [phase (0 before a filter, 1 under one), abi (0 native, 1 compat), nr, count, first, last] */
	cJSON_AddItemToObject(o, "calls", vec_json(&img->calls, true));
	cJSON_AddItemToObject(o, "denied", denied_json(img));
	cJSON_AddItemToObject(o, "args", args_json(img));
	if (img->args_partial)
		cJSON_AddBoolToObject(o, "args_partial", true);
	if (img->args_lost)
		add_u64(o, "args_lost", img->args_lost);
	return o;
}

static cJSON *live_json(const struct sc_live *l)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	add_u64(o, "cgroup_id", l->cgid);
	add_u64(o, "slot", l->slot);
	cJSON_AddStringToObject(o, "path", l->path);
	cJSON_AddStringToObject(o, "image", l->img->key);
	cJSON_AddStringToObject(o, "container", l->ctr);
	if (l->ref)
		cJSON_AddStringToObject(o, "ref", l->ref);
	if (l->uncounted_folded)
		add_u64(o, "uncounted_folded", l->uncounted_folded);
	/* [phase, abi, nr, counter value already folded into the image] */
	cJSON_AddItemToObject(o, "folded", vec_json(&l->folded, false));
	return o;
}

/*
 * cJSON's adders fail quietly when memory runs out: the document is checked whole at
 * the end (json_render() sees a missing node as a short document), and every node
 * created here is either attached or freed.
 */
static bool add_all(cJSON *arr, cJSON *item)
{
	if (item && cJSON_AddItemToArray(arr, item))
		return true;
	cJSON_Delete(item);
	return false;
}

cJSON *census__json(const struct sc_census *c, int64_t now)
{
	cJSON *doc = cJSON_CreateObject(), *imgs, *live;
	struct sc_image **sorted = NULL;

	if (!doc)
		return NULL;
	cJSON_AddStringToObject(doc, "format", SC_STATE_FORMAT);
	add_u64(doc, "version", SC_STATE_VERSION);
	add_u64(doc, "started", (uint64_t)c->started);
	add_u64(doc, "saved", (uint64_t)now);
	cJSON_AddItemToObject(doc, "recorder", health_json(c));
	imgs = cJSON_AddArrayToObject(doc, "images");
	live = cJSON_AddArrayToObject(doc, "live");
	if (!imgs || !live || (c->n_images && !(sorted = malloc(c->n_images * sizeof(*sorted)))))
		goto fail;
	if (sorted) {
		memcpy(sorted, c->images, c->n_images * sizeof(*sorted));
		qsort(sorted, c->n_images, sizeof(*sorted), census__cmp_image);
	}
	for (size_t i = 0; i < c->n_images; i++)
		if (!add_all(imgs, image_json(sorted[i])))
			goto fail;
	for (size_t i = 0; i < c->n_live; i++)
		if (!add_all(live, live_json(c->live[i])))
			goto fail;
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

/* A string field copied into *@dst (absent: left NULL). 0 or -ENOMEM. */
static int dup_field(const cJSON *o, const char *key, char **dst)
{
	const char *s = json_str(o, key);

	if (s && !(*dst = strdup(s)))
		return -ENOMEM;
	return 0;
}

static int load_pod(struct ld *ld, const cJSON *o, struct sc_pod *p)
{
	const cJSON *f;
	int err;

	if (!o)
		return 0;
	if (!cJSON_IsObject(o))
		return bad(ld, "containers[].pod must be an object");
	cJSON_ArrayForEach(f, o)
		if (!cJSON_IsString(f))
			return bad(ld, "containers[].pod's fields must be strings");
	if (!json_str(o, "name"))
		return bad(ld, "containers[].pod must have a name");
	pod__free(p);	/* a container listed twice: the last one's */
	if ((err = dup_field(o, "namespace", &p->ns)) || (err = dup_field(o, "name", &p->name)) ||
	    (err = dup_field(o, "uid", &p->uid)) || (err = dup_field(o, "workload", &p->workload)))
		return err;
	return 0;
}

static int load_containers(struct ld *ld, const cJSON *arr, struct sc_image *img)
{
	struct sc_container *ct;
	const cJSON *x;
	int err;

	cJSON_ArrayForEach(x, arr) {
		const char *id = json_str(x, "id");
		uint64_t f, l;

		if (!id || strlen(id) > SC_CTR_ID_LEN)
			return bad(ld, "containers[].id must be a container id");
		if ((err = get_u64(ld, x, "first_seen", INT64_MAX, &f)) ||
		    (err = get_u64(ld, x, "last_seen", INT64_MAX, &l)))
			return err;
		if (!(ct = image__add_container(img, id, json_str(x, "name"), (int64_t)f)))
			return -ENOMEM;
		ct->last = (int64_t)l;
		if ((err = load_pod(ld, cJSON_GetObjectItemCaseSensitive(x, "pod"), &ct->pod)))
			return err;
	}
	return 0;
}

static int load_denied(struct ld *ld, const cJSON *arr, struct sc_image *img)
{
	struct sc_denial *d;
	const cJSON *x, *y;

	cJSON_ArrayForEach(x, arr) {
		uint64_t f[6] = {};
		const char *s[2] = { "", "" };
		size_t k = 0;
		int n = cJSON_IsArray(x) ? cJSON_GetArraySize(x) : 0;

		/* 6 values (older state files), or 6 and the container and profile short ids */
		if (n != 6 && n != 8)
			return bad(ld, "each denied row must be [abi, nr, action, count, first, last(, container, profile)]");
		cJSON_ArrayForEach(y, x) {
			if (k < 6 && (!cJSON_IsNumber(y) || json_u64(y, &f[k])))
				return bad(ld, "denied values must be unsigned integers");
			if (k >= 6 && (!cJSON_IsString(y) || strlen(y->valuestring) >= SC_SHORT_ID ||
				       strspn(y->valuestring, "0123456789abcdef") != strlen(y->valuestring)))
				return bad(ld, "denied: the container and profile must be short hex ids");
			if (k >= 6)
				s[k - 6] = y->valuestring;
			k++;
		}
		if (f[0] >= SC_NR_ABIS || f[1] >= SC_NR_PER_ABI || f[2] > UINT32_MAX)
			return bad(ld, "denied: abi, syscall number or action out of range");
		if (!(d = image__add_denial(img, (int)f[0], (int)f[1], (uint32_t)f[2], f[3], (int64_t)f[4], s[0], s[1])))
			return -ENOMEM;
		d->last = (int64_t)f[5];
	}
	return 0;
}

static int load_args(struct ld *ld, const cJSON *o, struct sc_image *img)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "args"), *x, *y;
	int err;

	/* an older state file kept no argument values: its images' profiles cannot restrict them */
	img->args_partial = !arr || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "args_partial"));
	if ((err = get_u64(ld, o, "args_lost", UINT64_MAX, &img->args_lost)))
		return err;
	if (arr && !cJSON_IsArray(arr))
		return bad(ld, "\"args\" must be an array of [phase, syscall, value]");
	cJSON_ArrayForEach(x, arr) {
		uint64_t f[3] = {};
		size_t k = 0;

		if (!cJSON_IsArray(x) || cJSON_GetArraySize(x) != 3)
			return bad(ld, "each args row must be [phase, syscall, value]");
		cJSON_ArrayForEach(y, x)
			if (!cJSON_IsNumber(y) || json_u64(y, &f[k++]))
				return bad(ld, "args values must be unsigned integers");
		if (f[0] >= SC_PHASES || f[1] >= SC_NR_PER_ABI || !generate__is_arg_nr((int)f[1]))
			return bad(ld, "args: phase out of range, or a syscall whose arguments are not kept");
		if ((err = image__add_arg(img, (int)f[0], (int)f[1], f[2])))
			return err;
	}
	return 0;
}

static int load_image(struct sc_census *c, struct ld *ld, const cJSON *o)
{
	const char *key = json_str(o, "image");
	struct sc_image *img;
	const cJSON *x;
	uint64_t first, last, v_exec;
	int err;

	if (!key)
		return bad(ld, "\"image\" must be a string");
	if (census__image(c, key, false))
		return bad(ld, "image listed twice");
	/* a key that an earlier image lists as an alias (an edited file): the key wins */
	for (size_t i = 0; i < c->n_images; i++)
		if (image__drop_alias(c->images[i], key))
			sc_warn("%s: %s is an image and an alias of %s: kept as the image (that image's "
				"observation no longer goes into its profile)", ld->file, key, c->images[i]->key);
	if (!(img = census__image(c, key, true)))
		return -ENOMEM;
	if ((err = dup_field(o, "cgroup_path", &img->cgpath)) || (err = dup_field(o, "runtime", &img->runtime)) ||
	    (err = dup_field(o, "incomplete", &img->incomplete)))
		return err;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "image_ids"))
		if (cJSON_IsString(x) && (err = image__add_id(img, x->valuestring)))
			return err;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "aliases")) {
		if (!cJSON_IsString(x) || !x->valuestring[0])
			return bad(ld, "aliases must be image names");
		/* a name is one image's: listed twice, the first one keeps it */
		if (img->n_aliases < SC_MAX_ALIASES && !census__image_named(c, x->valuestring) &&
		    (err = image__add_alias(img, x->valuestring)))
			return err;
	}
	/* optional (older state files have none): unknown strings are ignored */
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "modes"))
		if (cJSON_IsString(x))
			img->modes |= !strcmp(x->valuestring, "no-new-privileges") ? SC_MODE_NNP
				      : !strcmp(x->valuestring, "privileges") ? SC_MODE_PRIV : 0;
	if ((err = get_u64(ld, o, "first_seen", INT64_MAX, &first)) ||
	    (err = get_u64(ld, o, "last_seen", INT64_MAX, &last)) ||
	    (err = load_containers(ld, cJSON_GetObjectItemCaseSensitive(o, "containers"), img)) ||
	    (err = get_u64(ld, o, "containers_total", UINT64_MAX, &img->ctrs_total)) ||
	    (err = get_u64(ld, o, "uncounted", UINT64_MAX, &img->uncounted)) ||
	    (err = get_u64(ld, o, "untabled_keys", UINT64_MAX, &img->untabled_keys)) ||
	    (err = get_u64(ld, o, "exec_sessions", UINT64_MAX, &img->exec_sessions)) ||
	    (err = get_u64(ld, o, "last_exec", INT64_MAX, &v_exec)) ||
	    (err = load_denied(ld, cJSON_GetObjectItemCaseSensitive(o, "denied"), img)) ||
	    (err = load_args(ld, o, img)))
		return err;
	img->first = (int64_t)first;
	img->last = (int64_t)last;
	img->last_exec = (int64_t)v_exec;
	return load_vec(ld, cJSON_GetObjectItemCaseSensitive(o, "calls"), &img->calls, true);
}

static int load_live(struct sc_census *c, struct ld *ld, const cJSON *x)
{
	const char *img_key = json_str(x, "image"), *ctr = json_str(x, "container");
	struct sc_image *img;
	struct sc_live *l;
	uint64_t cgid, slot;
	int err;

	if ((err = get_u64(ld, x, "cgroup_id", UINT64_MAX, &cgid)) || (err = get_u64(ld, x, "slot", UINT32_MAX, &slot)))
		return err;
	if (!img_key || !(img = census__image(c, img_key, false)))
		return bad(ld, "\"image\" must name an image of the file");
	l = census__add_live(c, cgid, (uint32_t)slot, json_str(x, "path"), img, ctr);
	if (!l || live__set_ref(l, json_str(x, "ref")))
		return -ENOMEM;
	if ((err = get_u64(ld, x, "uncounted_folded", UINT64_MAX, &l->uncounted_folded)))
		return err;
	return load_vec(ld, cJSON_GetObjectItemCaseSensitive(x, "folded"), &l->folded, false);
}

static int load_health(struct sc_census *c, struct ld *ld, const cJSON *x)
{
	const char *at = json_str(x, "attach"), *pd = json_str(x, "pin_dir"), *cf = json_str(x, "confinement");
	uint64_t v;
	int err;

	if (!x)
		return 0;
	snprintf(ld->where, sizeof(ld->where), "recorder");
	snprintf(c->health.attach, sizeof(c->health.attach), "%s", at ? at : "");
	snprintf(c->health.pin_dir, sizeof(c->health.pin_dir), "%s", pd ? pd : "");
	snprintf(c->health.confinement, sizeof(c->health.confinement), "%s", cf ? cf : "");
	if ((err = get_u64(ld, x, "capacity", UINT32_MAX, &v)))
		return err;
	c->health.capacity = (uint32_t)v;
	if ((err = get_u64(ld, x, "table_full", UINT64_MAX, &c->health.table_full)) ||
	    (err = get_u64(ld, x, "events_lost", UINT64_MAX, &c->health.events_lost)) ||
	    (err = get_u64(ld, x, "untracked", UINT64_MAX, &c->health.untracked)) ||
	    (err = get_u64(ld, x, "denied_lost", UINT64_MAX, &c->health.denied_lost)) ||
	    (err = get_u64(ld, x, "enter_run_ns", UINT64_MAX, &c->health.enter_ns)) ||
	    (err = get_u64(ld, x, "enter_runs", UINT64_MAX, &c->health.enter_runs)) ||
	    (err = get_u64(ld, x, "deny_run_ns", UINT64_MAX, &c->health.deny_ns)) ||
	    (err = get_u64(ld, x, "deny_runs", UINT64_MAX, &c->health.deny_runs)) ||
	    (err = get_u64(ld, x, "self_refused", UINT64_MAX, &c->health.self_refused)) ||
	    (err = get_u64(ld, x, "args_lost", UINT64_MAX, &c->health.args_lost)))
		return err;
	c->health.denials = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "denials"));
	c->health.args = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "args"));
	c->health.stats_enabled = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "stats_enabled"));
	return 0;
}

/* format, version, start and save times */
static int load_header(struct sc_census *c, struct ld *ld, const cJSON *doc)
{
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
	uint64_t v;
	int err;

	snprintf(ld->where, sizeof(ld->where), "format");
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, SC_STATE_FORMAT))
		return bad(ld, "not a syscensus state file");
	snprintf(ld->where, sizeof(ld->where), "version");
	if ((err = get_u64(ld, doc, "version", UINT32_MAX, &v)))
		return err;
	if (v != SC_STATE_VERSION) {
		sc_err("%s: version %llu, but this syscensus reads version %d only; it was written by "
		       "another syscensus release: keep it, and use that release or move the file away",
		       ld->file, (unsigned long long)v, SC_STATE_VERSION);
		return -EPROTO;
	}
	snprintf(ld->where, sizeof(ld->where), "started");
	if ((err = get_u64(ld, doc, "started", INT64_MAX, &v)))
		return err;
	c->started = (int64_t)v;
	if ((err = get_u64(ld, doc, "saved", INT64_MAX, &v)))
		return err;
	c->saved = (int64_t)v;
	return 0;
}

int census__load(struct sc_census *c, const char *path)
{
	struct ld ld = { .file = path };
	const cJSON *x;
	char err[512];
	cJSON *doc;
	int ret, i = 0;

	memset(c, 0, sizeof(*c));
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	doc = json_parse_file(path, err, sizeof(err));
	if (!doc) {
		sc_err("%s", err);
		return -EINVAL;
	}
	ret = load_header(c, &ld, doc);
	if (!ret)
		ret = load_health(c, &ld, cJSON_GetObjectItemCaseSensitive(doc, "recorder"));
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, "images")) {
		snprintf(ld.where, sizeof(ld.where), "images[%d]", i++);
		if (ret || (ret = load_image(c, &ld, x)))
			break;
	}
	i = 0;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, "live")) {
		snprintf(ld.where, sizeof(ld.where), "live[%d]", i++);
		if (ret || (ret = load_live(c, &ld, x)))
			break;
	}
	if (ret == -ENOMEM)
		sc_err("%s: out of memory", path);
	cJSON_Delete(doc);
	if (ret)
		census__free(c);
	return ret;
}
