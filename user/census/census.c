// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The census: per image, the syscalls its containers made (sparse counters keyed by
 * seccomp phase, ABI and number), its containers and image ids; per tracked cgroup,
 * what was already folded in. This file owns the model and the folding of counter
 * reads into it; state.c saves and loads it, agent.c runs the loop that feeds it,
 * status.c shows it. census/ may call record/, seccomp/ and lib/, nothing above.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/seccomp.h>
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
	for (size_t i = 0; i < img->n_aliases; i++)
		free(img->aliases[i]);
	free(img->aliases);
	free(img->cgpath);
	free(img->runtime);
	for (size_t i = 0; i < img->n_ids; i++)
		free(img->ids[i]);
	free(img->ids);
	for (size_t i = 0; i < img->n_ctrs; i++) {
		free(img->ctrs[i].name);
		pod__free(&img->ctrs[i].pod);
	}
	free(img->ctrs);
	free(img->incomplete);
	free(img->denied);
	free(img->argv);
	free(img->written);
	vec_free(&img->calls);
	free(img);
}

static void live_free(struct sc_live *l)
{
	if (!l)
		return;
	free(l->path);
	free(l->ref);
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

struct sc_container *image__add_container(struct sc_image *img, const char *id, const char *name, int64_t now)
{
	struct sc_container *ct;

	for (size_t i = 0; i < img->n_ctrs; i++)
		if (!strcmp(img->ctrs[i].id, id))
			return &img->ctrs[i];
	if (img->n_ctrs == SC_MAX_CONTAINERS) {
		/* keep the most recent: drop the oldest */
		free(img->ctrs[0].name);
		pod__free(&img->ctrs[0].pod);
		memmove(&img->ctrs[0], &img->ctrs[1], (img->n_ctrs - 1) * sizeof(*img->ctrs));
		img->n_ctrs--;
	} else {
		ct = sc_grow(img->ctrs, &img->cap_ctrs, img->n_ctrs, sizeof(*ct), 4);
		if (!ct)
			return NULL;
		img->ctrs = ct;
	}
	ct = &img->ctrs[img->n_ctrs];
	memset(ct, 0, sizeof(*ct));
	snprintf(ct->id, sizeof(ct->id), "%s", id);
	if (name && !(ct->name = strdup(name)))
		return NULL;
	ct->first = ct->last = now;
	img->n_ctrs++;
	img->ctrs_total++;
	return ct;
}

/* A copy of @s appended to the string array @v (@n used, @cap allocated). 0 or -ENOMEM. */
static int push_copy(char ***v, size_t *n, size_t *cap, const char *s)
{
	char **g = sc_grow(*v, cap, *n, sizeof(**v), 4);

	if (!g)
		return -ENOMEM;
	*v = g;
	if (!(g[*n] = strdup(s)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

int image__add_id(struct sc_image *img, const char *id)
{
	if (!id)
		return 0;
	for (size_t i = 0; i < img->n_ids; i++) {
		char *x = img->ids[i];

		if (strcmp(x, id))
			continue;
		/* seen again: the current one, last */
		memmove(&img->ids[i], &img->ids[i + 1], (img->n_ids - i - 1) * sizeof(*img->ids));
		img->ids[img->n_ids - 1] = x;
		return 0;
	}
	if (img->n_ids >= SC_MAX_IMAGE_IDS) {
		/* bounded: the oldest goes */
		free(img->ids[0]);
		memmove(&img->ids[0], &img->ids[1], (img->n_ids - 1) * sizeof(*img->ids));
		img->n_ids--;
	}
	return push_copy(&img->ids, &img->n_ids, &img->cap_ids, id);
}

static int image_unite(struct sc_image *to, const struct sc_image *from);

int image__add_alias(struct sc_image *img, const char *name)
{
	for (size_t i = 0; i < img->n_aliases; i++)
		if (!strcmp(img->aliases[i], name))
			return 0;
	if (push_copy(&img->aliases, &img->n_aliases, &img->cap_aliases, name))
		return -ENOMEM;
	/* a new file to write: the profile is written again, under every name */
	free(img->written);
	img->written = NULL;
	return 0;
}

static const char *current_id(const struct sc_image *img)
{
	return img->n_ids ? img->ids[img->n_ids - 1] : NULL;
}

struct sc_image *census__image_named(struct sc_census *c, const char *name)
{
	for (size_t i = 0; i < c->n_images; i++) {
		struct sc_image *img = c->images[i];

		if (!strcmp(img->key, name))
			return img;
		for (size_t k = 0; k < img->n_aliases; k++)
			if (!strcmp(img->aliases[k], name))
				return img;
	}
	return NULL;
}

int live__set_ref(struct sc_live *l, const char *name)
{
	char *r = name ? strdup(name) : NULL;

	if (name && !r)
		return -ENOMEM;
	free(l->ref);
	l->ref = r;
	return 0;
}

/*
 * Alias @k of @img leaves it, as an image of its own holding a copy of what @img observed
 * (its profile does not shrink), with the lives of its containers. The new image, or NULL.
 */
static struct sc_image *split_alias(struct sc_census *c, struct sc_image *img, size_t k)
{
	struct sc_image *n = calloc(1, sizeof(*n)), **v;
	bool ok;

	/* built apart, inserted whole: out of memory, the alias stays as it was */
	ok = n && (n->key = strdup(img->aliases[k])) && !image_unite(n, img) &&
	     (!img->runtime || (n->runtime = strdup(img->runtime))) &&
	     (!img->incomplete || (n->incomplete = strdup(img->incomplete)));
	for (size_t i = 0; ok && i < img->n_ids; i++)
		ok = !image__add_id(n, img->ids[i]);
	for (size_t i = 0; ok && i < img->n_ctrs; i++) {
		struct sc_container *ct = image__add_container(n, img->ctrs[i].id, img->ctrs[i].name, img->ctrs[i].first);

		ok = ct && (ct->pod.name || !pod__copy(&ct->pod, &img->ctrs[i].pod));
		if (ct)
			ct->last = img->ctrs[i].last;
	}
	if (!ok || !(v = sc_grow(c->images, &c->cap_images, c->n_images, sizeof(*v), 16))) {
		image_free(n);
		return NULL;
	}
	c->images = v;
	n->ctrs_total = img->ctrs_total;
	c->images[c->n_images++] = n;
	free(img->aliases[k]);
	img->aliases[k] = img->aliases[--img->n_aliases];
	for (size_t i = 0; i < c->n_live; i++)
		if (c->live[i]->img == img && c->live[i]->ref && !strcmp(c->live[i]->ref, n->key))
			c->live[i]->img = n;
	return n;
}

int census__unite_name(struct sc_census *c, struct sc_image *img, const char *name)
{
	struct sc_image *o = census__image_named(c, name);
	char **names;
	size_t n = 0;
	int err = 0;

	if (o == img)
		return 0;
	if (!o)
		return img->n_aliases < SC_MAX_ALIASES ? image__add_alias(img, name) : 0;
	/* past the bound, the two stay apart (each name keeps its image), as census__attribute() does */
	if (o->unknown || img->unknown || img->n_aliases + 1 + o->n_aliases > SC_MAX_ALIASES)
		return 0;
	/* @o's names are @img's from now on: copied before the merge frees them */
	if (!(names = calloc(o->n_aliases + 1, sizeof(*names))))
		return -ENOMEM;
	for (size_t k = 0; k <= o->n_aliases && !err; k++)
		if (!(names[n++] = strdup(k ? o->aliases[k - 1] : o->key)))
			err = -ENOMEM;
	if (!err) {
		img->ctrs_total += o->ctrs_total;
		if (o->nodes > img->nodes)
			img->nodes = o->nodes;
		if (o->last_new_known > img->last_new_known)
			img->last_new_known = o->last_new_known;
		err = census__merge_image(c, o, img);
	}
	for (size_t k = 0; k < n && !err; k++)
		if (names[k] && !census__image_named(c, names[k]) && img->n_aliases < SC_MAX_ALIASES)
			err = image__add_alias(img, names[k]);
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	return err;
}

int image__drop_alias(struct sc_image *img, const char *name)
{
	for (size_t k = 0; k < img->n_aliases; k++) {
		if (strcmp(img->aliases[k], name))
			continue;
		free(img->aliases[k]);
		img->aliases[k] = img->aliases[--img->n_aliases];
		return 1;
	}
	return 0;
}

struct sc_image *census__attribute(struct sc_census *c, const char *name, const char *id)
{
	struct sc_image *img = census__image_named(c, name);

	if (img && (!id || !current_id(img) || !strcmp(current_id(img), id)))
		goto found;
	if (img && strcmp(img->key, name)) {
		/* an alias whose tag moved: it leaves with what was seen, then is a new name */
		for (size_t k = 0; k < img->n_aliases; k++)
			if (!strcmp(img->aliases[k], name))
				return split_alias(c, img, k) ? census__attribute(c, name, id) : NULL;
	}
	if (img) {
		/* its own name runs another id: the other names of the old one leave */
		while (img->n_aliases)
			if (!split_alias(c, img, img->n_aliases - 1))
				return NULL;
		goto found;
	}
	for (size_t i = 0; id && i < c->n_images && !img; i++)
		if (!c->images[i]->unknown && current_id(c->images[i]) && !strcmp(current_id(c->images[i]), id))
			img = c->images[i];
	/* bounded: past SC_MAX_ALIASES a name is an image of its own (two profiles of one id) */
	if (img && img->n_aliases < SC_MAX_ALIASES) {
		if (image__add_alias(img, name))
			return NULL;
		goto found;
	}
	if (!(img = census__image(c, name, true)))
		return NULL;
found:
	return image__add_id(img, id) ? NULL : img;
}

void image__set_incomplete(struct sc_image *img, const char *why)
{
	if (img->incomplete)
		return;	/* the first reason is the one that matters */
	img->incomplete = strdup(why);
}

int image__add_arg(struct sc_image *img, int phase, int nr, uint64_t value)
{
	struct sc_argv *v;
	size_t same = 0;

	for (size_t i = 0; i < img->n_argv; i++) {
		if (img->argv[i].phase != phase || img->argv[i].nr != nr)
			continue;
		if (img->argv[i].value == value)
			return 0;
		same++;
	}
	if (same >= SC_IMAGE_ARG_VALUES)
		return 0;	/* already more than a profile restricts to */
	v = sc_grow(img->argv, &img->cap_argv, img->n_argv, sizeof(*v), 8);
	if (!v)
		return -ENOMEM;
	img->argv = v;
	img->argv[img->n_argv++] = (struct sc_argv){ (uint8_t)phase, (uint16_t)nr, value };
	return 0;
}

int image__args(const struct sc_image *img, struct sc_args *a)
{
	int phase = image__profile_phase(img);

	memset(a, 0, sizeof(*a));
	a->kept = !img->args_partial;
	a->unkept = "some of its calls were counted without their argument values (agent --args off, a raw_tp "
		    "recorder or one pinned by an older syscensus, a state file from before)";
	a->lost = img->args_lost;
	if (!img->n_argv)
		return 0;
	if (!(a->v = calloc(img->n_argv, sizeof(*a->v))))
		return -ENOMEM;
	for (size_t i = 0; i < img->n_argv; i++) {
		const struct sc_argv *x = &img->argv[i];

		if (phase == SC_PHASES || x->phase == phase || generate__is_runtime_setup(SC_ABI_NATIVE, x->nr))
			a->v[a->n++] = (struct sc_arg_value){ x->nr, x->value };
	}
	return 0;
}

/* What @from observed added to @to (not its containers, ids or names). 0 or -ENOMEM. */
static int image_unite(struct sc_image *to, const struct sc_image *from)
{
	to->modes |= from->modes;
	to->args_partial |= from->args_partial;
	to->args_lost += from->args_lost;
	for (size_t i = 0; i < from->n_argv; i++)
		if (image__add_arg(to, from->argv[i].phase, from->argv[i].nr, from->argv[i].value))
			return -ENOMEM;
	for (size_t i = 0; i < from->calls.n; i++) {
		const struct sc_vent *f = &from->calls.e[i];
		struct sc_vent *e = vec_get(&to->calls, f->key, true);

		if (!e)
			return -ENOMEM;
		if (!e->count || (f->first && f->first < e->first))
			e->first = f->first;
		if (f->last > e->last)
			e->last = f->last;
		e->count += f->count;
	}
	for (size_t i = 0; i < from->n_denied; i++) {
		const struct sc_denial *d = &from->denied[i];

		if (!image__add_denial(to, d->abi, d->nr, d->ret, d->count, d->last, d->ctr, d->profile))
			return -ENOMEM;
	}
	to->uncounted += from->uncounted;
	to->untabled_keys += from->untabled_keys;
	to->exec_sessions += from->exec_sessions;
	if (from->last_exec > to->last_exec)
		to->last_exec = from->last_exec;
	if (from->first && (!to->first || from->first < to->first))
		to->first = from->first;
	if (from->last > to->last)
		to->last = from->last;
	return 0;
}

int census__merge_image(struct sc_census *c, struct sc_image *from, struct sc_image *to)
{
	if (image_unite(to, from))
		return -ENOMEM;
	for (size_t i = 0; i < c->n_live; i++)
		if (c->live[i]->img == from)
			c->live[i]->img = to;
	for (size_t i = 0; i < c->n_images; i++) {
		if (c->images[i] != from)
			continue;
		c->images[i] = c->images[--c->n_images];
		image_free(from);
		return 0;
	}
	return 0;
}

size_t census__prune(struct sc_census *c)
{
	struct sc_image *gone = NULL;
	size_t dropped = 0;

	/* one pass to mark the images a live cgroup points to: the prune stays linear */
	for (size_t i = 0; i < c->n_images; i++)
		c->images[i]->mark = false;
	for (size_t k = 0; k < c->n_live; k++)
		c->live[k]->img->mark = true;
	for (size_t i = 0; i < c->n_images;) {
		struct sc_image *img = c->images[i];

		if (!img->unknown || img->mark || img == gone || !strcmp(img->key, SC_UNKNOWN_GONE) ||
		    !strcmp(img->key, SC_POD_SANDBOXES)) {
			i++;
			continue;
		}
		/* what it did stays, in one entry for all such cgroups: the state stays bounded */
		if (img->calls.n || img->n_denied || img->incomplete) {
			if (!gone && !(gone = census__image(c, SC_UNKNOWN_GONE, true)))
				return dropped;
			gone->ctrs_total++;
			if (img->incomplete)
				image__set_incomplete(gone, img->incomplete);
			/* moves the last image into i, or fails with nothing moved */
			if (census__merge_image(c, img, gone))
				return dropped;	/* out of memory: kept as it is, tried again next tick */
		} else {
			c->images[i] = c->images[--c->n_images];
			image_free(img);
		}
		dropped++;
	}
	return dropped;
}

struct sc_denial *image__add_denial(struct sc_image *img, int abi, int nr, uint32_t ret, uint64_t count,
				    int64_t now, const char *ctr, const char *profile)
{
	struct sc_denial *d;

	for (size_t i = 0; i < img->n_denied; i++) {
		d = &img->denied[i];
		if (d->abi == abi && d->nr == nr && d->ret == ret && !strncmp(d->ctr, ctr, SC_SHORT_ID - 1) &&
		    !strncmp(d->profile, profile, SC_SHORT_ID - 1)) {
			d->count += count;
			d->last = now;
			return d;
		}
	}
	/* bounded: past SC_MAX_DENIALS, refusals of new containers or profiles are kept together */
	if (img->n_denied >= SC_MAX_DENIALS && (ctr[0] || profile[0]))
		return image__add_denial(img, abi, nr, ret, count, now, "", "");
	d = sc_grow(img->denied, &img->cap_denied, img->n_denied, sizeof(*d), 4);
	if (!d)
		return NULL;
	img->denied = d;
	d = &img->denied[img->n_denied++];
	*d = (struct sc_denial){ .abi = abi, .nr = nr, .ret = ret, .count = count, .first = now, .last = now };
	snprintf(d->ctr, sizeof(d->ctr), "%.12s", ctr);
	snprintf(d->profile, sizeof(d->profile), "%.12s", profile);
	if (now > img->last)
		img->last = now;
	return d;
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

/* What @cur says of @key beyond what was folded, added to @l's image. 0 or -ENOMEM. */
static int fold_one(struct sc_live *l, uint16_t key, uint64_t v, int64_t now, uint64_t *added)
{
	struct sc_vent *f = vec_get(&l->folded, key, true), *e;
	uint64_t d;

	if (!f)
		return -ENOMEM;
	d = sc_counter_delta(v, f->count);
	if (!d)
		return 0;
	e = vec_get(&l->img->calls, key, true);
	if (!e)
		return -ENOMEM;
	if (!e->count)
		e->first = now;
	e->count += d;
	e->last = now;
	f->count += d;
	*added += d;
	return 0;
}

/*
 * A key that ran without a counter of its own (its cgroup's key table was full): it is
 * in the image's set with a count of at least one; its calls are in the image's
 * uncounted total.
 */
static int fold_untabled(struct sc_live *l, uint16_t key, int64_t now)
{
	struct sc_vent *e = vec_get(&l->img->calls, key, false);

	if (e && e->count)
		return 0;
	if (!(e = vec_get(&l->img->calls, key, true)))
		return -ENOMEM;
	e->count = 1;
	e->first = e->last = now;
	l->img->untabled_keys++;
	return 0;
}

static void fold_uncounted(struct sc_live *l, uint64_t v)
{
	uint64_t d = sc_counter_delta(v, l->uncounted_folded);

	l->uncounted_folded += d;
	l->img->uncounted += d;
}

/* Whether calls under a filter were already folded from @l: its container has started. */
static bool folded_filtered(const struct sc_live *l)
{
	for (size_t i = 0; i < l->folded.n; i++)
		if (SC_KEY_PHASE(l->folded.e[i].key) == SC_FILTERED && l->folded.e[i].count)
			return true;
	return false;
}

int census__fold(struct sc_live *l, const struct sc_slot_counts *cur, int64_t now, uint64_t *added)
{
	bool started = l->ctr[0] && folded_filtered(l);
	uint64_t phase_added[SC_PHASES] = {};
	int err = 0;

	*added = 0;
	for (int p = 0; p < SC_PHASES; p++)
		for (int a = 0; a < SC_NR_ABIS; a++)
			for (int nr = 0; nr < SC_NR_PER_ABI && !err; nr++) {
				if (cur->n[p][a][nr])
					err = fold_one(l, SC_KEY(p, a, nr), cur->n[p][a][nr], now, &phase_added[p]);
				else if (slot_counts__untabled(cur, p, a, nr))
					err = fold_untabled(l, SC_KEY(p, a, nr), now);
			}
	*added = phase_added[SC_UNFILTERED] + phase_added[SC_FILTERED];
	/* a runtime set up another process in a container already running under its filter */
	if (started && phase_added[SC_UNFILTERED]) {
		l->img->exec_sessions++;
		l->img->last_exec = now;
	}
	if (!err && cur->uncounted)
		fold_uncounted(l, cur->uncounted);
	if (*added) {
		l->img->last = now;
		for (size_t i = 0; i < l->img->n_ctrs; i++)
			if (!strcmp(l->img->ctrs[i].id, l->ctr))
				l->img->ctrs[i].last = now;
	}
	return err;
}

bool image__confined(const struct sc_image *img)
{
	for (size_t i = 0; i < img->calls.n; i++)
		if (SC_KEY_PHASE(img->calls.e[i].key) == SC_FILTERED && img->calls.e[i].count)
			return true;
	return false;
}

int image__profile_phase(const struct sc_image *img)
{
	return !img->unknown && image__confined(img) ? SC_FILTERED : SC_PHASES;
}

void image__tally(const struct sc_image *img, struct sc_tally *t)
{
	int phase = image__profile_phase(img);
	struct sc_tally *before = phase == SC_FILTERED ? calloc(1, sizeof(*before)) : NULL;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < img->calls.n; i++) {
		const struct sc_vent *e = &img->calls.e[i];

		if (sc_vent_in_phase(e, phase))
			t->n[SC_KEY_ABI(e->key)][SC_KEY_NR(e->key)] += e->count;
		else if (before)
			before->n[SC_KEY_ABI(e->key)][SC_KEY_NR(e->key)] += e->count;
	}
	/* the runtime's steps that fall under the filter in the other no-new-privileges mode */
	if (before)
		generate__add_runtime_setup(t, before);
	else if (phase == SC_FILTERED)
		sc_warn("out of memory: the profile of %s may lack the runtime's calls of the other mode", img->key);
	free(before);
}

int64_t image__last_new(const struct sc_image *img)
{
	int phase = image__profile_phase(img);
	int64_t last = 0;

	if (img->last_new_known)
		return img->last_new_known;
	for (size_t i = 0; i < img->calls.n; i++)
		if (sc_vent_in_phase(&img->calls.e[i], phase) && img->calls.e[i].first > last)
			last = img->calls.e[i].first;
	return last;
}

/* @s seconds as "3d 4h", "2h 5m", "40s". */
static void span(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, len, "%lldd %lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, len, "%lldh %lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, len, "%lldm %llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, len, "%llds", (long long)s);
}

void image__confidence(const struct sc_image *img, int64_t now, char *buf, size_t len)
{
	int64_t last_new = image__last_new(img);
	char obs[32], ago[32], t[32], nodes[32] = "", execs[64] = "";

	span(img->last - img->first, obs, sizeof(obs));
	span(now - last_new, ago, sizeof(ago));
	sc_fmt_time(last_new, t, sizeof(t));
	if (img->nodes)
		snprintf(nodes, sizeof(nodes), " on %u node%s", img->nodes, img->nodes == 1 ? "" : "s");
	/* the calls of commands run with exec are in the profile: a reviewer wants to know */
	if (img->exec_sessions)
		snprintf(execs, sizeof(execs), ", exec sessions seen (%llu)", (unsigned long long)img->exec_sessions);
	if (!now) {
		char from[32];

		sc_fmt_time(img->first, from, sizeof(from));
		snprintf(buf, len, "seen from %s in %llu container%s%s, last new syscall %s%s", from,
			 (unsigned long long)img->ctrs_total, img->ctrs_total == 1 ? "" : "s", nodes, t, execs);
		return;
	}
	snprintf(buf, len, "observed %s in %llu container%s%s, last new syscall %s (%s ago)%s", obs,
		 (unsigned long long)img->ctrs_total, img->ctrs_total == 1 ? "" : "s", nodes, t, last_new ? ago : "-",
		 execs);
}

int census__cmp_image(const void *a, const void *b)
{
	const struct sc_image *x = *(struct sc_image *const *)a, *y = *(struct sc_image *const *)b;

	if (x->unknown != y->unknown)
		return x->unknown - y->unknown;
	return strcmp(x->key, y->key);
}

cJSON *image__profile(const struct sc_image *img, const char **note)
{
	bool confined = image__profile_phase(img) == SC_FILTERED;
	struct sc_tally *t = malloc(sizeof(*t));
	struct sc_unnamed *un = NULL;
	struct sc_refused *ref;
	struct sc_args args;
	char comment[768], conf[160];
	size_t n_un = 0, n_ref = 0;
	cJSON *doc;

	if (!t)
		return NULL;
	image__tally(img, t);
	if (image__args(img, &args)) {
		free(t);
		return NULL;
	}
	/* what the enforced filter refused with an errno is answered alike (--denials) */
	ref = img->n_denied ? calloc(img->n_denied, sizeof(*ref)) : NULL;
	for (size_t i = 0; ref && i < img->n_denied; i++)
		if ((img->denied[i].ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
			ref[n_ref++] = (struct sc_refused){ img->denied[i].abi, img->denied[i].nr,
							    img->denied[i].ret & SECCOMP_RET_DATA };
	*note = confined ? "calls made under the runtime's seccomp filter (the runtime's own setup excluded)"
			 : "never seen under a seccomp filter: every call, the runtime's setup included";
	doc = generate__profile(t, ref, n_ref, &args, &un, &n_un);
	free(args.v);
	free(t);
	free(ref);
	free(un);	/* unnamed numbers cannot be written; status lists them */
	if (!doc)
		return NULL;
	image__confidence(img, 0, conf, sizeof(conf));
	snprintf(comment, sizeof(comment), "syscensus: observed profile of %s%s; %s%s%s%s", img->key,
		 confined ? "" : " (never seen under a seccomp filter: includes the container runtime's setup)",
		 conf, img->incomplete ? "; INCOMPLETE: " : "", img->incomplete ? img->incomplete : "",
		 img->n_aliases ? "; the same image id also runs as " : "");
	for (size_t k = 0; k < img->n_aliases; k++) {
		size_t used = strlen(comment);

		if (used + 4 >= sizeof(comment))
			break;
		snprintf(comment + used, sizeof(comment) - used, "%s%s", k ? ", " : "", img->aliases[k]);
	}
	if (!cJSON_AddItemToObject(doc, "comment", cJSON_CreateString(comment))) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

size_t image__workloads(const struct sc_image *img, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t k = 0; k < img->n_ctrs; k++) {
		const struct sc_pod *p = &img->ctrs[k].pod;
		char one[600];
		bool dup = false;

		if (!p->name)
			continue;
		snprintf(one, sizeof(one), "%s/%s%s", p->ns ? p->ns : "?", p->workload ? "" : "pod/",
			 p->workload ? p->workload : p->name);
		/* earlier containers of the same workload: the list is short, a scan will do */
		for (size_t j = 0; j < k && !dup; j++) {
			const struct sc_pod *q = &img->ctrs[j].pod;
			char other[600];

			if (!q->name)
				continue;
			snprintf(other, sizeof(other), "%s/%s%s", q->ns ? q->ns : "?", q->workload ? "" : "pod/",
				 q->workload ? q->workload : q->name);
			dup = !strcmp(one, other);
		}
		if (dup)
			continue;
		n++;
		if (used + strlen(one) + 6 >= len) {
			if (used + 4 < len)
				snprintf(buf + used, len - used, "%s...", used ? ", " : "");
			used = len;	/* full: count the rest only */
			continue;
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", one);
	}
	return n;
}
