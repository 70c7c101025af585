// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Merging what was observed into a profile a team wrote, without loosening anything
 * it says: names are only added to a plain ALLOW rule (no arguments, no includes or
 * excludes), an argument value the team's conditions refuse gets a rule of its own
 * (that value only), rules with argument conditions, errnoRet and comments stay as they
 * are, and pruning only ever removes names from plain ALLOW rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift/drift.h"
#include "drift/merge.h"
#include "lib/json.h"
#include "lib/util.h"
#include "seccomp/generate.h"
#include "seccomp/syscalls.h"

/* Add @name to @v unless it is there. 0 or -ENOMEM. */
static int add_name(const char ***v, size_t *n, size_t *cap, const char *name)
{
	const char **x;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], name))
			return 0;
	if (!(x = sc_grow(*v, cap, *n, sizeof(*x), 8)))
		return -ENOMEM;
	*v = x;
	(*v)[(*n)++] = name;
	return 0;
}

/* A rule that allows its names whatever the arguments, arch and caps: where we add and prune. */
static bool plain_allow(const cJSON *r)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(r, "action");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(r, "args");
	const cJSON *inc = cJSON_GetObjectItemCaseSensitive(r, "includes");
	const cJSON *exc = cJSON_GetObjectItemCaseSensitive(r, "excludes");

	return cJSON_IsString(a) && !strcmp(a->valuestring, "SCMP_ACT_ALLOW") &&
	       cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r, "names")) &&
	       (!args || cJSON_IsNull(args) || !cJSON_GetArraySize(args)) &&
	       (!inc || cJSON_IsNull(inc) || !inc->child) && (!exc || cJSON_IsNull(exc) || !exc->child);
}

/* Rebuild a names array sorted and without duplicates. 0 or -ENOMEM (@names unchanged). */
static int sort_names(cJSON *names)
{
	size_t n = cJSON_GetArraySize(names), k = 0;
	const char **v = calloc(n + 1, sizeof(*v));
	cJSON *x, *fresh = cJSON_CreateArray();

	if (!v || !fresh)
		goto nomem;
	cJSON_ArrayForEach(x, names)
		if (cJSON_IsString(x))
			v[k++] = x->valuestring;
	qsort(v, k, sizeof(*v), sc_cmp_str);
	for (size_t i = 0; i < k; i++)
		if ((!i || strcmp(v[i], v[i - 1])) && !cJSON_AddItemToArray(fresh, cJSON_CreateString(v[i])))
			goto nomem;
	free(v);
	/* swap the children: the node keeps its place in the document */
	while (names->child)
		cJSON_Delete(cJSON_DetachItemViaPointer(names, names->child));
	while (fresh->child)
		cJSON_AddItemToArray(names, cJSON_DetachItemViaPointer(fresh, fresh->child));
	cJSON_Delete(fresh);
	return 0;
nomem:
	free(v);
	cJSON_Delete(fresh);
	return -ENOMEM;
}

/*
 * The generated rule that answers ENOSYS for fallback calls never observed: a name now
 * observed and allowed leaves it (a syscall in two rules is answered by whichever
 * libseccomp added first), and the rule goes when it has no name left.
 */
static void leave_fallback_rule(cJSON *rules, const struct sc_change *c)
{
	cJSON *r, *next, *x, *xn;

	for (r = rules ? rules->child : NULL; r; r = next) {
		const cJSON *cm = cJSON_GetObjectItemCaseSensitive(r, "comment");
		cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");

		next = r->next;
		if (!cJSON_IsString(cm) || strcmp(cm->valuestring, SC_FALLBACK_COMMENT) || !cJSON_IsArray(names))
			continue;
		for (x = names->child; x; x = xn) {
			xn = x->next;
			for (size_t i = 0; cJSON_IsString(x) && i < c->n_added; i++)
				if (!strcmp(x->valuestring, c->added[i])) {
					cJSON_Delete(cJSON_DetachItemViaPointer(names, x));
					break;
				}
		}
		if (!names->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(rules, r));
	}
}

/* The added names into the first plain ALLOW rule of @rules, or a new one. 0 or -ENOMEM. */
static int add_to_rules(cJSON *rules, const struct sc_change *c)
{
	cJSON *r, *target = NULL, *names;

	cJSON_ArrayForEach(r, rules)
		if (!target && plain_allow(r))
			target = r;
	if (!target) {
		target = cJSON_CreateObject();
		if (!target || !cJSON_AddItemToArray(rules, target)) {
			cJSON_Delete(target);
			return -ENOMEM;
		}
		if (!cJSON_AddItemToObject(target, "names", cJSON_CreateArray()) ||
		    !cJSON_AddStringToObject(target, "action", "SCMP_ACT_ALLOW") ||
		    !cJSON_AddStringToObject(target, "comment", "observed by syscensus"))
			return -ENOMEM;
	}
	leave_fallback_rule(rules, c);
	names = cJSON_GetObjectItemCaseSensitive(target, "names");
	for (size_t i = 0; i < c->n_added; i++)
		if (!cJSON_AddItemToArray(names, cJSON_CreateString(c->added[i])))
			return -ENOMEM;
	return sort_names(names);
}

/* The last time @img made syscall @name (any ABI, any phase), 0 if never. */
static int64_t last_seen(const struct sc_image *img, const char *name)
{
	int64_t last = 0;

	for (size_t i = 0; i < img->calls.n; i++) {
		const struct sc_vent *e = &img->calls.e[i];
		const struct sc_arch *arch = arch_of_abi(SC_KEY_ABI(e->key));
		const char *n = arch ? syscall_name(arch->token, SC_KEY_NR(e->key)) : NULL;

		if (n && !strcmp(n, name) && e->last > last)
			last = e->last;
	}
	return last;
}

/* Remove from the plain ALLOW rules what was unused for @pr->after. 0 or -ENOMEM. */
static int prune_rules(cJSON *rules, struct sc_change *c, const struct sc_prune *pr)
{
	cJSON *r;

	cJSON_ArrayForEach(r, rules) {
		cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names"), *x, *next;
		char **rv;

		if (!plain_allow(r))
			continue;
		for (x = names->child; x; x = next) {
			next = x->next;
			if (!cJSON_IsString(x) || sc_is_always_allowed(x->valuestring) ||
			    pr->now - last_seen(c->img, x->valuestring) < pr->after)
				continue;
			if (!(rv = sc_grow(c->removed, &c->cap_removed, c->n_removed, sizeof(*rv), 8)))
				return -ENOMEM;
			c->removed = rv;
			if (!(rv[c->n_removed] = strdup(x->valuestring)))
				return -ENOMEM;
			c->n_removed++;
			cJSON_Delete(cJSON_DetachItemViaPointer(names, x));
		}
	}
	return 0;
}

/* The refused argument values of finding @f into @c. 0 or -ENOMEM. */
static int add_values(struct sc_change *c, const struct sc_finding *f)
{
	int nr;

	if (!generate__arg_syscall(f->name, &nr))
		return add_name(&c->added, &c->n_added, &c->cap_added, f->name);
	for (size_t k = 0; k < f->n_values; k++) {
		struct sc_arg_value *v = sc_grow(c->added_values, &c->cap_added_values, c->n_added_values,
						 sizeof(*v), 8);
		const char **n;

		if (!v)
			return -ENOMEM;
		c->added_values = v;
		n = sc_grow(c->added_values_names, &c->cap_added_values_names, c->n_added_values, sizeof(*n), 8);
		if (!n)
			return -ENOMEM;
		c->added_values_names = n;
		c->added_values[c->n_added_values] = (struct sc_arg_value){ nr, f->values[k] };
		c->added_values_names[c->n_added_values++] = f->name;
	}
	return 0;
}

/* One ALLOW rule per added argument value, after the others. 0 or -ENOMEM. */
#define SC_VALUE_RULE_COMMENT "observed by syscensus: this argument value"

static int add_value_rules(cJSON *rules, const struct sc_change *c)
{
	for (size_t i = 0; i < c->n_added_values; i++) {
		cJSON *r = generate__arg_rule(c->added_values[i].nr, c->added_values[i].value, SC_VALUE_RULE_COMMENT);

		if (!r || !cJSON_AddItemToArray(rules, r)) {
			cJSON_Delete(r);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Whether rule @r is a value rule of @name added by add_value_rules(). */
static bool is_value_rule_of(const cJSON *r, const char *name)
{
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
	const char *comment = json_str(r, "comment");

	return comment && !strcmp(comment, SC_VALUE_RULE_COMMENT) && cJSON_GetArraySize(names) == 1 &&
	       cJSON_IsString(names->child) && !strcmp(names->child->valuestring, name);
}

/*
 * The merged document evaluated again: a value rule that does not take (a deny rule of
 * the team's matches the value first, a default action that makes ALLOW rules moot) is
 * taken out again, and its syscall left to the team as conditional, so that the profile
 * says only what works and a second run adds nothing. 0 or -ENOMEM.
 */
static int check_value_rules(struct sc_change *c, cJSON *doc, const char *path, const struct sc_eval_ctx *ctx)
{
	struct sc_eval ev = { .img = c->img };
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "syscalls"), *copy = cJSON_Duplicate(doc, true);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	snprintf(ev.profile, sizeof(ev.profile), "%s", path);
	if (drift__evaluate(&ev, ctx, copy)) {
		drift__eval_free(&ev);
		return -ENOMEM;	/* it compiled before the rules were added: these are ours */
	}
	for (size_t i = 0; i < ev.n_f && !err; i++) {
		const struct sc_finding *f = &ev.f[i];
		cJSON *r, *next;
		size_t keep = 0;

		if (f->kind != SC_BREAKING || !f->n_values)
			continue;
		for (r = rules ? rules->child : NULL; r; r = next) {
			next = r->next;
			if (is_value_rule_of(r, f->name))
				cJSON_Delete(cJSON_DetachItemViaPointer(rules, r));
		}
		for (size_t k = 0; k < c->n_added_values; k++)
			if (strcmp(c->added_values_names[k], f->name)) {
				c->added_values[keep] = c->added_values[k];
				c->added_values_names[keep++] = c->added_values_names[k];
			}
		c->n_added_values = keep;
		err = add_name(&c->conditional, &c->n_conditional, &c->cap_conditional, f->name);
	}
	drift__eval_free(&ev);
	return err;
}

/* The names of @ev's breaking and conditional findings into @c. 0 or -ENOMEM. */
static int take_findings(struct sc_change *c, const struct sc_eval *ev)
{
	int err = 0;

	for (size_t i = 0; i < ev->n_f && !err; i++) {
		const struct sc_finding *f = &ev->f[i];

		if (f->kind == SC_BREAKING && f->n_values)
			err = add_values(c, f);
		else if (f->kind == SC_BREAKING)
			err = add_name(&c->added, &c->n_added, &c->cap_added, f->name);
		else if (f->kind == SC_CONDITIONAL)
			err = add_name(&c->conditional, &c->n_conditional, &c->cap_conditional, f->name);
	}
	return err;
}

cJSON *drift__merge(struct sc_change *c, const char *path, const struct sc_eval_ctx *ctx,
		    const struct sc_prune *prune, char *err, size_t errlen)
{
	struct sc_eval ev = { .img = c->img };
	cJSON *doc = NULL, *rules;
	int ret = -ENOMEM;

	snprintf(ev.profile, sizeof(ev.profile), "%s", path);
	if (drift__evaluate(&ev, ctx, NULL)) {
		snprintf(err, errlen, "%s", ev.error ? ev.error : "cannot evaluate");
		goto out;
	}
	/* the document the profile was parsed from: edited, not parsed again */
	doc = ev.p->doc;
	ev.p->doc = NULL;
	if (take_findings(c, &ev))
		goto nomem;
	rules = cJSON_GetObjectItemCaseSensitive(doc, "syscalls");
	if (!rules || cJSON_IsNull(rules)) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "syscalls");
		if (!(rules = cJSON_AddArrayToObject(doc, "syscalls")))
			goto nomem;
	}
	if ((c->n_added && add_to_rules(rules, c)) || add_value_rules(rules, c) ||
	    (c->n_added_values && check_value_rules(c, doc, path, ctx)) ||
	    (prune->on && prune->now - c->img->first >= prune->after && prune_rules(rules, c, prune)))
		goto nomem;
	ret = 0;
	goto out;
nomem:
	snprintf(err, errlen, "%.400s: out of memory", path);
out:
	drift__eval_free(&ev);
	if (ret) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

void drift__change_free(struct sc_change *c)
{
	free(c->added);
	free(c->conditional);
	free(c->added_values);
	free(c->added_values_names);
	for (size_t i = 0; i < c->n_removed; i++)
		free(c->removed[i]);
	free(c->removed);
	memset(c, 0, sizeof(*c));
}
