// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The one evaluation of a profile against what an image was observed to do: parse
 * (once), compile with libseccomp, export the classic BPF program, and run it on
 * every observed syscall (seccomp/filter.c), so that the answer is the kernel's:
 * defaultAction, errnoRet, architectures/archMap, includes/excludes by arch, caps
 * and minKernel all count as they would when the profile is loaded.
 *   breaking     observed, and the profile would not let it run
 *   conditional  allowed only for some arguments (the conditions are listed)
 *   unused       allowed, never observed
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drift/drift.h"
#include "lib/util.h"
#include "seccomp/filter.h"
#include "seccomp/generate.h"
#include "seccomp/syscalls.h"

const char *const sc_finding_names[SC_FINDING_KINDS] = {
	[SC_BREAKING] = "breaking",
	[SC_CONDITIONAL] = "conditional",
	[SC_UNUSED] = "unused",
};

static const char *op_str(enum scmp_compare op)
{
	switch (op) {
	case SCMP_CMP_NE: return "!=";
	case SCMP_CMP_LT: return "<";
	case SCMP_CMP_LE: return "<=";
	case SCMP_CMP_EQ: return "==";
	case SCMP_CMP_GE: return ">=";
	case SCMP_CMP_GT: return ">";
	case SCMP_CMP_MASKED_EQ: return "&";
	default: return "?";
	}
}

static bool rule_names(const struct sc_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (!strcmp(r->names[i], name))
			return true;
	return false;
}

/* The argument conditions of the active rules that name @name, as text. */
static void conditions(const struct sc_profile *p, const char *name, struct sc_buf *b)
{
	for (size_t r = 0; r < p->n_rules; r++) {
		const struct sc_rule *ru = &p->rules[r];
		char act[48];

		if (!ru->active || !ru->n_conds || !rule_names(ru, name))
			continue;
		action_str(ru->action, act, sizeof(act));
		sc_buf_printf(b, "%s%s if", b->len ? "; " : "", act);
		for (size_t c = 0; c < ru->n_conds; c++) {
			const struct sc_cond *cd = &ru->conds[c];

			if (cd->op == SCMP_CMP_MASKED_EQ)
				sc_buf_printf(b, "%s arg%u & 0x%llx == 0x%llx", c ? " &&" : "", cd->index,
					      (unsigned long long)cd->value, (unsigned long long)cd->value2);
			else
				sc_buf_printf(b, "%s arg%u %s 0x%llx", c ? " &&" : "", cd->index, op_str(cd->op),
					      (unsigned long long)cd->value);
		}
	}
}

/* Takes @detail in every case. 0 or -ENOMEM. */
static int add_finding(struct sc_eval *ev, enum sc_finding_kind kind, const char *name, const char *arch,
		       uint64_t count, uint32_t ret, char *detail)
{
	struct sc_finding *f = sc_grow(ev->f, &ev->cap_f, ev->n_f, sizeof(*f), 16);

	if (!f) {
		free(detail);
		return -ENOMEM;
	}
	ev->f = f;
	ev->f[ev->n_f++] = (struct sc_finding){ .kind = kind, .name = name, .arch = arch, .count = count,
						.ret = ret, .detail = detail };
	ev->n[kind]++;
	return 0;
}

/*
 * Whether every condition of the profile's active rules on @name reads only argument bits
 * the recorder keeps: then a vector made from a kept value is answered as the call was.
 */
static bool judgeable(const struct sc_profile *p, const char *name, int nr)
{
	for (size_t r = 0; r < p->n_rules; r++) {
		const struct sc_rule *ru = &p->rules[r];

		if (!ru->active || !rule_names(ru, name))
			continue;
		for (size_t c = 0; c < ru->n_conds; c++)
			if (!generate__arg_judgeable(nr, ru->conds[c].index, ru->conds[c].op, ru->conds[c].value))
				return false;
	}
	return true;
}

/*
 * A call the profile allows for some arguments only, put to the filter with each argument
 * value the image showed (@a): how many it refuses, their values in @out (malloc'd). -1
 * when that cannot be told (the values not all known: not kept, lost, more than a rule
 * takes; or a condition on bits the recorder does not keep): the call stays conditional.
 * -ENOMEM.
 */
static int refused_values(const struct sc_eval *ev, const struct sc_filter *f, const struct sc_arch *arch,
			  const char *name, int nr, const struct sc_args *a, uint64_t **out, uint32_t *ret)
{
	uint64_t vals[SC_ARG_VALUES_MAX], args[6];
	size_t n = 0, bad = 0;

	*out = NULL;
	if (!a || !a->kept || a->lost || !generate__is_arg_nr(nr) || generate__arg_values(a, nr, vals, &n) || !n ||
	    !judgeable(ev->p, name, nr))
		return -1;
	for (size_t k = 0; k < n; k++) {
		uint32_t r;

		generate__arg_vector(nr, vals[k], args);
		if (ret_allows(r = filter__run(f, arch->token, nr, args)))
			continue;
		if (!bad)
			*ret = r;	/* the answer the container would get */
		vals[bad++] = vals[k];
	}
	if (bad && !(*out = malloc(bad * sizeof(**out))))
		return -ENOMEM;
	if (bad)
		memcpy(*out, vals, bad * sizeof(**out));
	return (int)bad;
}

/* One syscall of one ABI: observed @count times (0: never) and what the filter answers. */
static int judge(struct sc_eval *ev, const struct sc_filter *f, const struct sc_arch *arch, int abi, int nr,
		 const struct sc_tally *t, const struct sc_args *a)
{
	uint64_t count = t->n[abi][nr];
	const char *name = syscall_name(arch->token, nr);
	struct sc_verdict v;
	struct sc_buf b = {};

	if (!name)
		return 0;
	v = filter__verdict(f, arch->token, nr);
	if (count && v.kind == SC_V_DENY)
		return add_finding(ev, SC_BREAKING, name, arch->docker, count, v.ret, NULL);
	if (count && v.kind == SC_V_CONDITIONAL) {
		uint64_t *bad = NULL;
		uint32_t bad_ret = v.ret;
		int n = abi == SC_ABI_NATIVE ? refused_values(ev, f, arch, name, nr, a, &bad, &bad_ret) : -1;

		if (n == -ENOMEM)
			return -ENOMEM;
		/* the values the image showed: refused ones break, else they are all allowed */
		if (n > 0) {
			sc_buf_printf(&b, "argument value%s refused:", n > 1 ? "s" : "");
			for (int k = 0; k < n; k++)
				sc_buf_printf(&b, " 0x%llx", (unsigned long long)bad[k]);
			if (b.oom || add_finding(ev, SC_BREAKING, name, arch->docker, count, bad_ret, b.data)) {
				if (b.oom)
					sc_buf_free(&b);
				free(bad);
				return -ENOMEM;
			}
			ev->f[ev->n_f - 1].values = bad;
			ev->f[ev->n_f - 1].n_values = (size_t)n;
			return 0;
		}
		conditions(ev->p, name, &b);
		if (n == 0)
			sc_buf_printf(&b, "; every argument value observed is allowed");
		if (b.oom) {
			sc_buf_free(&b);
			return -ENOMEM;
		}
		return add_finding(ev, SC_CONDITIONAL, name, arch->docker, count, v.ret, b.data);
	}
	/* what every generated profile allows, or allows with what was seen, is not "unused" */
	if (!count && v.kind == SC_V_ALLOW && !sc_is_always_allowed(name) && !generate__is_companion(t, abi, name))
		return add_finding(ev, SC_UNUSED, name, arch->docker, 0, v.ret, NULL);
	return 0;
}

static bool abi_used(const struct sc_tally *t, int abi)
{
	for (int nr = 0; nr < SC_NR_OVERFLOW; nr++)
		if (t->n[abi][nr])
			return true;
	return false;
}

/* Every syscall of every ABI the image used (and the native one) through the filter. */
static int judge_all(struct sc_eval *ev, const struct sc_filter *f, const struct sc_tally *t, const struct sc_args *a)
{
	int err = 0;

	for (int abi_i = 0; abi_i < SC_NR_ABIS && !err; abi_i++) {
		const struct sc_arch *arch = arch_of_abi(abi_i);

		/* an ABI never used: its allowed calls are not "unused" findings */
		if (!arch || (abi_i != SC_ABI_NATIVE && !abi_used(t, abi_i)))
			continue;
		for (int nr = 0; nr < SC_NR_OVERFLOW && !err; nr++)
			err = judge(ev, f, arch, abi_i, nr, t, a);
	}
	return err;
}

int drift__evaluate(struct sc_eval *ev, const struct sc_eval_ctx *ctx, cJSON *doc)
{
	struct sc_compile_stats st;
	struct sc_filter f = {};
	struct sc_tally *t = malloc(sizeof(*t));
	struct sc_args a = {};
	char err[512] = "";
	int ret;

	if (!t || image__args(ev->img, &a)) {
		free(t);
		cJSON_Delete(doc);
		ev->error = strdup("out of memory");
		return -ENOMEM;
	}
	image__tally(ev->img, t);
	ev->p = doc ? profile__from_json(doc, ev->profile, ctx, SC_UNKNOWN_WARN, err, sizeof(err))
		    : profile__load(ev->profile, ctx, SC_UNKNOWN_WARN, err, sizeof(err));
	if (!ev->p)
		ret = -EINVAL;
	else if (!(ret = profile__filter(ev->p, ctx, &f, &st, err, sizeof(err))))
		ret = judge_all(ev, &f, t, &a);
	if (ret == -ENOMEM && !err[0])
		snprintf(err, sizeof(err), "%.400s: out of memory", ev->profile);
	if (ret)
		ev->error = strdup(err[0] ? err : strerror(-ret));
	filter__free(&f);
	free(a.v);
	free(t);
	return ret;
}

void drift__eval_free(struct sc_eval *ev)
{
	for (size_t k = 0; k < ev->n_f; k++) {
		free(ev->f[k].detail);
		free(ev->f[k].values);
	}
	free(ev->f);
	free(ev->error);
	profile__free(ev->p);
	memset(ev, 0, sizeof(*ev));
}

void drift__profile_path(struct sc_eval *ev, const struct sc_image *img, const char *name, const char *dir)
{
	char file[SC_NAME_MAX];

	ev->img = img;
	ev->name = name;
	image_file_name(name, file);
	snprintf(ev->profile, sizeof(ev->profile), "%s/%s.json", dir, file);
}

int drift__parse_format(const char *s, enum sc_format *out)
{
	if (!strcmp(s, "text"))
		*out = SC_FMT_TEXT;
	else if (!strcmp(s, "json"))
		*out = SC_FMT_JSON;
	else if (!strcmp(s, "markdown") || !strcmp(s, "md"))
		*out = SC_FMT_MARKDOWN;
	else {
		sc_err("--format: expected text, json or markdown, not \"%s\"", s);
		return -EINVAL;
	}
	return 0;
}

static bool is_known_profile(const struct sc_drift *d, const char *file)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(strrchr(d->ev[i].profile, '/') + 1, file))
			return true;
	return false;
}

/* The *.json files of @dir that belong to no image of the report. 0 or -errno (said). */
static int find_stale(struct sc_drift *d, const char *dir)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *dh = opendir(dir);
	int ret = 0;

	if (!dh) {
		sc_err("%s: %s", dir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(dh))) {
		size_t len = strlen(de->d_name);
		char **v;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") || is_known_profile(d, de->d_name))
			continue;
		if (!(v = sc_grow(d->stale, &cap, d->n_stale, sizeof(*v), 8)) || !(v[d->n_stale] = strdup(de->d_name))) {
			if (v)
				d->stale = v;
			sc_err("out of memory listing %s", dir);
			ret = -ENOMEM;
			break;
		}
		d->stale = v;
		d->n_stale++;
	}
	closedir(dh);
	if (d->n_stale)
		qsort(d->stale, d->n_stale, sizeof(*d->stale), sc_cmp_str);
	return ret;
}

int drift__against(struct sc_drift *d, const struct sc_census *c, const char *dir, const struct sc_eval_ctx *ctx)
{
	int ret = 0;

	size_t names = 1;

	memset(d, 0, sizeof(*d));
	d->nodes = c->nodes;
	for (size_t i = 0; i < c->n_images; i++)
		names += 1 + c->images[i]->n_aliases;
	d->ev = calloc(names, sizeof(*d->ev));
	if (!d->ev) {
		sc_err("out of memory");
		return -ENOMEM;
	}
	/* every name of an image has its profile, judged against the image's one observation */
	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];

		if (img->unknown || (!img->calls.n && !img->n_denied))
			continue;
		for (size_t k = 0; k <= img->n_aliases; k++) {
			struct sc_eval *ev = &d->ev[d->n];

			drift__profile_path(ev, img, k ? img->aliases[k - 1] : img->key, dir);
			ev->has_profile = access(ev->profile, F_OK) == 0;
			if (ev->has_profile && drift__evaluate(ev, ctx, NULL))
				ret = -EINVAL;
			d->n++;
		}
	}
	if (find_stale(d, dir))
		ret = -EIO;
	return ret;
}

void drift__free(struct sc_drift *d)
{
	for (size_t i = 0; i < d->n; i++)
		drift__eval_free(&d->ev[i]);
	free(d->ev);
	for (size_t i = 0; i < d->n_stale; i++)
		free(d->stale[i]);
	free(d->stale);
	memset(d, 0, sizeof(*d));
}
