// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Profile against profile (`diff A.json B.json`): both compiled into the filters the
 * kernel would run, and every syscall number of every architecture either profile
 * covers put to both. What one lets run and the other refuses, what one allows only
 * for some arguments, and where both refuse but answer differently (EPERM against
 * ENOSYS decides whether a library falls back).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift/drift.h"
#include "lib/json.h"
#include "lib/util.h"
#include "seccomp/filter.h"
#include "seccomp/syscalls.h"

const char *const sc_pchange_names[SC_CHANGE_KINDS] = {
	[SC_ONLY_A] = "only_a", [SC_ONLY_B] = "only_b", [SC_COND] = "conditional", [SC_ANSWER] = "answer",
};

static const char *const change_text[SC_CHANGE_KINDS] = {
	[SC_ONLY_A] = "allowed by A only", [SC_ONLY_B] = "allowed by B only",
	[SC_COND] = "allowed for some arguments by one, not alike by the other",
	[SC_ANSWER] = "refused by both, with different answers",
};

/* The architectures the filters cover: the native one, and the others either lists. */
static size_t arches_of(const struct sc_profile *a, const struct sc_profile *b, uint32_t native, uint32_t *out,
			size_t max)
{
	const struct sc_profile *p[2] = { a, b };
	size_t n = 0;

	out[n++] = native;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < p[k]->n_arches; i++) {
			size_t j = 0;

			while (j < n && out[j] != p[k]->arches[i])
				j++;
			if (j == n && n < max)
				out[n++] = p[k]->arches[i];
		}
	return n;
}

static int add_change(struct sc_comparison *c, enum sc_pchange_kind kind, const char *arch, const char *name,
		      struct sc_verdict va, struct sc_verdict vb)
{
	struct sc_pchange *v;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;

		if (!(v = realloc(c->v, cap * sizeof(*v))))
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (struct sc_pchange){ .kind = kind, .arch = arch, .name = name, .a = va, .b = vb };
	c->count[kind]++;
	return 0;
}

static bool names_it(const struct sc_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (!strcmp(r->names[i], name))
			return true;
	return false;
}

/* Whether every active rule of @a for @name has its twin (action and conditions) in @b. */
static bool rules_in(const struct sc_profile *a, const struct sc_profile *b, const char *name)
{
	for (size_t i = 0; i < a->n_rules; i++) {
		const struct sc_rule *r = &a->rules[i];
		bool twin = false;

		if (!r->active || !names_it(r, name))
			continue;
		for (size_t j = 0; j < b->n_rules && !twin; j++) {
			const struct sc_rule *q = &b->rules[j];

			twin = q->active && names_it(q, name) && q->action == r->action && q->n_conds == r->n_conds &&
			       (!r->n_conds || !memcmp(q->conds, r->conds, r->n_conds * sizeof(*r->conds)));
		}
		if (!twin)
			return false;
	}
	return true;
}

/*
 * How @va and @vb differ for syscall @name, if they do; -1: they agree. Two conditional
 * answers agree only when both profiles give the syscall the same rules: the filters'
 * answer with zero arguments says nothing of the values each allows.
 */
static int change_of(const struct sc_comparison *c, const char *name, struct sc_verdict va, struct sc_verdict vb)
{
	if (va.kind == SC_V_CONDITIONAL && vb.kind == SC_V_CONDITIONAL)
		return va.ret == vb.ret && rules_in(c->a, c->b, name) && rules_in(c->b, c->a, name) ? -1 : SC_COND;
	if (va.kind == vb.kind && va.ret == vb.ret)
		return -1;
	if (va.kind == SC_V_CONDITIONAL || vb.kind == SC_V_CONDITIONAL)
		return SC_COND;
	if (va.kind == SC_V_ALLOW && vb.kind == SC_V_ALLOW)
		return -1;	/* ALLOW against LOG: both let it run */
	if (va.kind == SC_V_ALLOW)
		return SC_ONLY_A;
	if (vb.kind == SC_V_ALLOW)
		return SC_ONLY_B;
	return SC_ANSWER;
}

int drift__compare(struct sc_comparison *c, const char *a, const char *b, const struct sc_eval_ctx *ctx)
{
	struct sc_filter fa = {}, fb = {};
	struct sc_compile_stats st;
	uint32_t arches[8];
	size_t n_arches;
	char err[1024];
	int ret = -EINVAL;

	memset(c, 0, sizeof(*c));
	c->a = profile__load(a, ctx, SC_UNKNOWN_FAIL, err, sizeof(err));
	if (c->a)
		c->b = profile__load(b, ctx, SC_UNKNOWN_FAIL, err, sizeof(err));
	if (!c->a || !c->b || profile__filter(c->a, ctx, &fa, &st, err, sizeof(err)) ||
	    profile__filter(c->b, ctx, &fb, &st, err, sizeof(err))) {
		sc_err("%s", err);
		goto out;
	}
	n_arches = arches_of(c->a, c->b, ctx->native, arches, sizeof(arches) / sizeof(arches[0]));
	for (size_t i = 0; i < n_arches; i++) {
		const struct sc_arch *arch = arch_by_token(arches[i]);

		for (int nr = 0; arch && nr < SC_NR_OVERFLOW; nr++) {
			const char *name = syscall_name(arches[i], nr);
			struct sc_verdict va, vb;
			int kind;

			if (!name)
				continue;
			va = filter__verdict(&fa, arches[i], nr);
			vb = filter__verdict(&fb, arches[i], nr);
			if ((kind = change_of(c, name, va, vb)) >= 0 && add_change(c, kind, arch->docker, name, va, vb)) {
				sc_err("out of memory");
				ret = -ENOMEM;
				goto out;
			}
		}
	}
	ret = 0;
out:
	filter__free(&fa);
	filter__free(&fb);
	return ret;
}

void drift__comparison_free(struct sc_comparison *c)
{
	profile__free(c->a);
	profile__free(c->b);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static void verdict_str(struct sc_verdict v, char *buf, size_t len)
{
	if (v.kind == SC_V_CONDITIONAL) {
		char act[48];

		action_str(v.ret, act, sizeof(act));
		snprintf(buf, len, "conditional (%s with zero arguments)", act);
		return;
	}
	action_str(v.ret, buf, len);
}

static int render_json(const struct sc_comparison *c, const char *a, const char *b)
{
	cJSON *doc = cJSON_CreateObject(), *arr = NULL;
	bool ok = json_add(doc, "a", cJSON_CreateString(a)) && json_add(doc, "b", cJSON_CreateString(b)) &&
		  json_add(doc, "changes", arr = cJSON_CreateArray());
	char va[128], vb[128];

	for (size_t i = 0; ok && i < c->n; i++) {
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			ok = false;
			break;
		}
		verdict_str(c->v[i].a, va, sizeof(va));
		verdict_str(c->v[i].b, vb, sizeof(vb));
		ok = json_add(o, "kind", cJSON_CreateString(sc_pchange_names[c->v[i].kind])) &&
		     json_add(o, "arch", cJSON_CreateString(c->v[i].arch)) &&
		     json_add(o, "syscall", cJSON_CreateString(c->v[i].name)) &&
		     json_add(o, "a", cJSON_CreateString(va)) && json_add(o, "b", cJSON_CreateString(vb));
	}
	if (!ok) {
		cJSON_Delete(doc);
		return -ENOMEM;
	}
	return json_print(doc);
}

int drift__render_comparison(const struct sc_comparison *c, const char *a, const char *b, enum sc_format fmt)
{
	bool md = fmt == SC_FMT_MARKDOWN;
	char va[128], vb[128];

	if (fmt == SC_FMT_JSON)
		return render_json(c, a, b);
	if (!c->n) {
		printf("%s and %s answer every syscall alike\n", a, b);
		return 0;
	}
	printf(md ? "**A**: `%s`  \n**B**: `%s`\n" : "A: %s\nB: %s\n", a, b);
	for (int k = 0; k < SC_CHANGE_KINDS; k++) {
		if (!c->count[k])
			continue;
		printf(md ? "\n### %s (%u)\n\n| syscall | arch | A | B |\n|---|---|---|---|\n" : "\n%s (%u):\n",
		       change_text[k], c->count[k]);
		for (size_t i = 0; i < c->n; i++) {
			if (c->v[i].kind != (enum sc_pchange_kind)k)
				continue;
			verdict_str(c->v[i].a, va, sizeof(va));
			verdict_str(c->v[i].b, vb, sizeof(vb));
			printf(md ? "| `%s` | %s | %s | %s |\n" : "  %-24s %-18s A: %-22s B: %s\n", c->v[i].name,
			       c->v[i].arch, va, vb);
		}
	}
	return fflush(stdout) ? -EIO : 0;
}
