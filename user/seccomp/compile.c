// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A parsed profile turned into a libseccomp filter the way runc's InitSeccomp() does:
 * the native architecture always present, rules equal to the default action skipped,
 * several conditions on one argument split into separate (OR-ed) rules; and that
 * filter exported as the classic BPF program the kernel would run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/filter.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"

static int add_rule(scmp_filter_ctx f, uint32_t action, int nr, const struct sc_rule *r,
		    struct sc_compile_stats *st)
{
	struct scmp_arg_cmp cmp[6];
	unsigned count[6] = {};
	bool split = false;
	size_t i;
	int ret;

	if (r->n_conds == 0) {
		ret = seccomp_rule_add(f, action, nr, 0);
		st->rules += ret == 0;
		return ret;
	}
	for (i = 0; i < r->n_conds; i++)
		if (++count[r->conds[i].index] > 1)
			split = true;
	/* runc: several conditions on one argument become separate (OR-ed) rules */
	if (split || r->n_conds > 6) {
		for (i = 0; i < r->n_conds; i++) {
			cmp[0] = (struct scmp_arg_cmp){ r->conds[i].index, r->conds[i].op,
							r->conds[i].value, r->conds[i].value2 };
			ret = seccomp_rule_add_array(f, action, nr, 1, cmp);
			if (ret)
				return ret;
			st->rules++;
		}
		return 0;
	}
	for (i = 0; i < r->n_conds; i++)
		cmp[i] = (struct scmp_arg_cmp){ r->conds[i].index, r->conds[i].op,
						r->conds[i].value, r->conds[i].value2 };
	ret = seccomp_rule_add_array(f, action, nr, r->n_conds, cmp);
	st->rules += ret == 0;
	return ret;
}

static scmp_filter_ctx new_filter(const struct sc_profile *p, bool nnp)
{
	scmp_filter_ctx f = seccomp_init(p->default_action);

	if (!f)
		return NULL;
	if (seccomp_attr_set(f, SCMP_FLTATR_CTL_NNP, nnp) ||
	    (p->flag_log && seccomp_attr_set(f, SCMP_FLTATR_CTL_LOG, 1)) ||
	    (p->flag_ssb && seccomp_attr_set(f, SCMP_FLTATR_CTL_SSB, 1)) ||
	    (p->flag_tsync && seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1))) {
		seccomp_release(f);
		return NULL;
	}
	return f;
}

static bool name_seen(const struct sc_profile *p, size_t ri, size_t ni)
{
	const char *name = p->rules[ri].names[ni];

	for (size_t r = 0; r <= ri; r++) {
		if (!p->rules[r].active)
			continue;
		for (size_t k = 0; k < p->rules[r].n_names; k++) {
			if (r == ri && k == ni)
				return false;
			if (strcmp(p->rules[r].names[k], name) == 0)
				return true;
		}
	}
	return false;
}

/*
 * Two filters, merged at the end: the native architecture alone (@nat), and the others
 * (@other, NULL when the profile lists none). libseccomp names rules by native number
 * and translates them by name for other architectures, so a syscall newer than
 * libseccomp (known to syscensus only) can be added natively by number but not
 * translated: it goes to the native filter only.
 */
static int new_filters(const struct sc_profile *p, const struct sc_eval_ctx *ctx, bool nnp,
		       scmp_filter_ctx *nat, scmp_filter_ctx *other, char *err, size_t errlen)
{
	int ret;

	*nat = new_filter(p, nnp);
	*other = NULL;
	if (!*nat)
		goto nomem;
	for (size_t i = 0; i < p->n_arches; i++) {
		if (p->arches[i] == ctx->native)
			continue;
		if (!*other) {
			*other = new_filter(p, nnp);
			if (!*other || seccomp_arch_remove(*other, SCMP_ARCH_NATIVE))
				goto nomem;
		}
		ret = seccomp_arch_add(*other, p->arches[i]);
		if (ret && ret != -EEXIST) {
			snprintf(err, errlen, "%s: architecture %s: %s", p->file, arch_by_token(p->arches[i])->docker,
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
nomem:
	snprintf(err, errlen, "%s: cannot create a seccomp filter", p->file);
	return -ENOMEM;
}

static int rule_error(const struct sc_profile *p, const struct sc_rule *r, size_t ni, int ret, char *err,
		      size_t errlen)
{
	char act[40];

	action_str(r->action, act, sizeof(act));
	snprintf(err, errlen, "%s: syscalls[%u]: %s for \"%s\": %s", p->file, r->idx, act, r->names[ni],
		 strerror(-ret));
	return ret;
}

/*
 * Whether name @ni of conditional rule @ri is also in an active rule with the same action
 * and no condition: the conditions then change nothing, and are not given to libseccomp.
 * (libseccomp 2.5.4 leaks the rule tree it replaces when a call multiplexed on one of the
 * filter's architectures, socket on x86 or MIPS, gets a conditional rule and then an
 * unconditional one with the same action: found by fuzzing.)
 */
static bool covered(const struct sc_profile *p, size_t ri, size_t ni)
{
	const struct sc_rule *r = &p->rules[ri];

	if (!r->n_conds)
		return false;
	for (size_t rj = 0; rj < p->n_rules; rj++) {
		const struct sc_rule *o = &p->rules[rj];

		if (rj == ri || !o->active || o->n_conds || o->action != r->action)
			continue;
		for (size_t k = 0; k < o->n_names; k++)
			if (!strcmp(o->names[k], r->names[ni]))
				return true;
	}
	return false;
}

/* Name @ni of rule @ri into both filters. Returns 0 or -errno with @err filled. */
static int add_named(const struct sc_profile *p, size_t ri, size_t ni, scmp_filter_ctx nat,
		     scmp_filter_ctx other, struct sc_compile_stats *st, char *err, size_t errlen)
{
	const struct sc_rule *r = &p->rules[ri];
	bool supp, added = false;
	int nr = syscall_rule_nr(r->names[ni], &supp), ret;

	if (nr == -1 || r->action == p->default_action) {
		if (nr == -1)
			st->skipped_absent++;
		else
			st->skipped_default++;
		return 0;
	}
	if (!name_seen(p, ri, ni)) {
		if (r->action == SCMP_ACT_ALLOW && r->n_conds == 0)
			st->syscalls_allowed++;
		else if (r->action == SCMP_ACT_ALLOW)
			st->syscalls_conditional++;
	}
	if (covered(p, ri, ni))
		return 0;
	/* pseudo-numbers (socketcall, _llseek...) only exist on other arches */
	if (nr >= 0) {
		ret = add_rule(nat, r->action, nr, r, st);
		if (ret)
			return rule_error(p, r, ni, ret, err, errlen);
		added = true;
	}
	if (other && !supp) {
		ret = add_rule(other, r->action, nr, r, st);
		/* -EFAULT/-EDOM: absent on every other arch of the filter */
		if (ret && ret != -EFAULT && ret != -EDOM)
			return rule_error(p, r, ni, ret, err, errlen);
		added |= ret == 0;
	}
	if (!added)
		st->skipped_absent++;
	return 0;
}

int profile__compile(const struct sc_profile *p, const struct sc_eval_ctx *ctx, bool nnp,
		     scmp_filter_ctx *out, struct sc_compile_stats *st, char *err, size_t errlen)
{
	scmp_filter_ctx nat = NULL, other = NULL;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = new_filters(p, ctx, nnp, &nat, &other, err, errlen);
	for (size_t ri = 0; !ret && ri < p->n_rules; ri++) {
		if (!p->rules[ri].active)
			continue;
		for (size_t ni = 0; !ret && ni < p->rules[ri].n_names; ni++)
			ret = add_named(p, ri, ni, nat, other, st, err, errlen);
	}
	if (!ret && other) {
		ret = seccomp_merge(nat, other);
		if (ret)
			snprintf(err, errlen, "%s: merging architectures: %s", p->file, strerror(-ret));
		else
			other = NULL;	/* merged: released by libseccomp */
	}
	if (!ret) {
		*out = nat;
		nat = NULL;
	}
	if (other)
		seccomp_release(other);
	if (nat)
		seccomp_release(nat);
	return ret;
}

int profile__filter(const struct sc_profile *p, const struct sc_eval_ctx *ctx, struct sc_filter *f,
		    struct sc_compile_stats *st, char *err, size_t errlen)
{
	scmp_filter_ctx fctx = NULL;
	int ret;

	memset(f, 0, sizeof(*f));
	err[0] = '\0';
	ret = profile__compile(p, ctx, false, &fctx, st, err, errlen);
	if (ret)
		return ret;
	ret = filter__export(fctx, f);
	seccomp_release(fctx);
	if (ret)
		snprintf(err, errlen, "%s: cannot export the compiled filter: %s", p->file, strerror(-ret));
	return ret;
}
