// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus record: options, one recording (record/session.c), the profile and report written. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/wait.h>
#include <linux/seccomp.h>

#include "census/runtime.h"
#include "cmd/cmds.h"
#include "lib/json.h"
#include "lib/util.h"
#include "record/session.h"
#include "seccomp/generate.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"

/* Below this, one run is said to be a thin basis for a profile. */
#define SHORT_RUN_S 10.0

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus record [OPTIONS] -- CMD [ARG...]\n"
		"Run CMD in its own cgroup, record the syscalls of CMD and of every thread and\n"
		"child it starts, until the last one exits, and write a Docker/OCI seccomp profile.\n\n"
		"When CMD is docker, podman or nerdctl (or with --containers), the profile is the\n"
		"container's: the containers started while CMD runs are recorded from their creation,\n"
		"whoever creates their cgroups, until they exit; what the container's process does under\n"
		"the engine's filter goes into it, as the agent does (all of it for an unconfined one).\n"
		"One container: its profile goes to the output; several: to OUTPUT's name with .ID12\n"
		"before .json, one each. Containers started on the host meanwhile are taken as CMD's.\n\n"
		"  -o, --output FILE   profile destination, replaced atomically; - for stdout (default:\n"
		"                      CMD.json in this directory, never replaced: the profile cannot mix\n"
		"                      with what CMD itself prints)\n"
		"  -a, --append        add this run to the profile already in the output file (made by\n"
		"                      record): it then allows what any of the runs made; created if absent\n"
		"      --report FILE   also write counts per ABI and syscall as JSON (this run's)\n"
		"      --format FMT    oci (default: Docker/OCI JSON), complain (the same with SCMP_ACT_LOG\n"
		"                      as the default action: what it would refuse is logged and let run,\n"
		"                      to roll a profile out), systemd (a [Service] drop-in:\n"
		"                      SystemCallFilter=, for a service outside containers) or crd (a\n"
		"                      SeccompProfile object of the Security Profiles Operator, YAML, for\n"
		"                      kubectl apply; named after the container's image)\n"
		"      --args on|off   on (default): ioctl, socket, clone, unshare, prctl and personality\n"
		"                      are allowed for the argument values seen only (request, family and\n"
		"                      type, namespace flags, option, persona); off: by name\n"
		"      --containers    record the containers CMD starts, whatever CMD is called\n"
		SC_RUNTIME_ROOTS_HELP
		"                      (where the containers' images are named)\n"
		"      --attach MODE   auto (default), tp_btf or raw_tp\n"
		"  -v, -vv             say more (global options, also accepted here)\n"
		"  -h, --help          this text\n\n"
		"Exit status: CMD's own (128+N if killed by signal N, or if a signal N stopped the recording\n"
		"of what CMD left running); 1 if recording failed or a profile could not be written;\n"
		"2 for a usage error; 127 if CMD cannot be run.\n");
}

/* Numbers a Docker profile cannot name: said, since the profile cannot allow them. */
static void warn_unnamed(const struct sc_unnamed *un, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct sc_arch *a = arch_of_abi(un[i].abi);

		if (un[i].nr < 0)
			sc_warn("%llu calls with a syscall number >= %d (%s) were counted but cannot be named; "
				"the profile does not allow them", (unsigned long long)un[i].count,
				SC_NR_OVERFLOW, a ? a->docker : "compat ABI");
		else
			sc_warn("syscall %d (%s) was called %llu times but no table names it: "
				"the profile cannot allow it (Docker profiles only hold names)",
				un[i].nr, a ? a->docker : "compat ABI", (unsigned long long)un[i].count);
	}
}

/* The ENOSYS rule record writes for the fallback calls not observed (generate.c). */
static bool is_fallback_rule(const struct sc_rule *ru)
{
	if (ru->action != SCMP_ACT_ERRNO(ENOSYS) || ru->n_conds)
		return false;
	for (size_t k = 0; k < ru->n_names; k++) {
		const struct sc_fallback *f = sc_fallbacks;

		while (f->name && strcmp(f->name, ru->names[k]))
			f++;
		if (!f->name)
			return false;
	}
	return true;
}

/*
 * --append: the names a profile made by record allows, as a tally of 1s (@prior), so that
 * the new profile allows them too. Only what record writes is accepted: default ERRNO (or
 * LOG), unconditional ALLOW rules and the ENOSYS rule of fallback calls; anything else is
 * a hand-written profile, for propose.
 * 0, 1 when @path does not exist (nothing to add), or -1 (said).
 */
/* What --append starts from: the names of the profile, and the argument values of its rules. */
struct prior {
	struct sc_tally t;	/* 1 for each name allowed */
	struct sc_args args;	/* the values of its argument rules, its names allowed whatever the arguments */
	struct sc_refused *ref;	/* its rules of errnos learned from a filter, carried over */
	size_t n_ref;
};

/* A rule of errnos learned from the filter a run was learned under (generate.c), taken into @prior. 0, or -1. */
static int prior_refused_rule(const struct sc_profile *p, const struct sc_rule *ru, bool compat, struct prior *prior)
{
	const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p->doc, "syscalls"), (int)ru->idx);
	const cJSON *cm = cJSON_GetObjectItemCaseSensitive(r, "comment");

	if ((ru->action & ~0xffffU) != SCMP_ACT_ERRNO(0) || ru->n_conds || !cJSON_IsString(cm) ||
	    strcmp(cm->valuestring, SC_REFUSED_COMMENT))
		return -1;
	for (size_t k = 0; k < ru->n_names; k++)
		for (int a = 0; a < SC_NR_ABIS; a++) {
			const struct sc_arch *arch = arch_of_abi(a);
			int nr = arch ? syscall_nr(arch->token, ru->names[k]) : -1;
			struct sc_refused *v;

			if ((a != SC_ABI_NATIVE && !compat) || nr < 0)
				continue;
			if (!(v = realloc(prior->ref, (prior->n_ref + 1) * sizeof(*v))))
				return -1;
			prior->ref = v;
			prior->ref[prior->n_ref++] = (struct sc_refused){ a, nr, ru->action & 0xffffU };
		}
	return 0;
}

/* A rule generate__profile writes for an argument value, taken into @prior. 0, or -1: not one. */
static int prior_arg_rule(const struct sc_rule *ru, struct prior *prior)
{
	struct sc_arg_value *v;
	uint64_t value;
	int nr;

	if (ru->action != SCMP_ACT_ALLOW || ru->n_names != 1 ||
	    generate__arg_value(ru->names[0], ru->conds, ru->n_conds, &nr, &value))
		return -1;
	if (!(v = realloc(prior->args.v, (prior->args.n + 1) * sizeof(*v))))
		return -1;
	prior->args.v = v;
	prior->args.v[prior->args.n++] = (struct sc_arg_value){ nr, value };
	return 0;
}

static int read_prior(const char *path, struct prior *prior)
{
	struct sc_eval_ctx ctx;
	struct sc_profile *p;
	char err[512];
	bool compat = false;

	if (access(path, F_OK) && errno == ENOENT)
		return 1;
	if (eval_ctx_current(&ctx)) {
		sc_err("record: cannot evaluate profiles here");
		return -1;
	}
	if (!(p = profile__load(path, &ctx, SC_UNKNOWN_FAIL, err, sizeof(err)))) {
		sc_err("record --append: %s", err);
		return -1;
	}
	/* ERRNO, or LOG: the --format complain variant */
	if ((p->default_action & ~0xffffU) != SCMP_ACT_ERRNO(0) && p->default_action != SCMP_ACT_LOG) {
		sc_err("record --append: %s: defaultAction: not an ERRNO default, so not a profile record wrote "
		       "(use propose to update hand-written profiles)", path);
		profile__free(p);
		return -1;
	}
	for (size_t i = 0; i < p->n_arches; i++)
		compat |= p->arches[i] == SCMP_ARCH_X86;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sc_rule *ru = &p->rules[i];

		if (is_fallback_rule(ru))
			continue;	/* made anew from what the runs did not show */
		if (!prior_refused_rule(p, ru, compat, prior))
			continue;	/* answered alike again */
		if (ru->n_conds && !prior_arg_rule(ru, prior)) {
			/* the name is allowed, for these values */
		} else if (ru->action != SCMP_ACT_ALLOW || ru->n_conds) {
			sc_err("record --append: %s: syscalls[%u]: %s, so not a profile record wrote (use propose "
			       "to update hand-written profiles)", path, ru->idx,
			       ru->n_conds ? "a rule with argument conditions" : "an action other than SCMP_ACT_ALLOW");
			profile__free(p);
			return -1;
		}
		for (size_t k = 0; k < ru->n_names; k++) {
			int anr;

			/* a name of a plain rule was allowed whatever its arguments: it stays so */
			if (!ru->n_conds && generate__arg_syscall(ru->names[k], &anr) &&
			    prior->args.n_plain < ARRAY_SIZE(prior->args.plain))
				prior->args.plain[prior->args.n_plain++] = anr;
			for (int a = 0; a < SC_NR_ABIS; a++) {
				const struct sc_arch *arch = arch_of_abi(a);
				int nr = arch ? syscall_nr(arch->token, ru->names[k]) : -1;

				/* an argument rule's values are native ones: not a sign of 32-bit use */
				if ((a == SC_ABI_NATIVE || (compat && !ru->n_conds)) && nr >= 0 && nr < SC_NR_PER_ABI)
					prior->t.n[a][nr] = 1;
			}
		}
	}
	profile__free(p);
	return 0;
}

/* --append: @path's names into a new *@prior; *@one_run when there is no such file yet. 0 or -1 (said). */
static void prior_free(struct prior *p)
{
	if (p) {
		free(p->args.v);
		free(p->ref);
	}
	free(p);
}

static int load_prior(const char *path, struct prior **prior, bool *one_run)
{
	int ret;

	if (!(*prior = calloc(1, sizeof(**prior)))) {
		sc_err("out of memory");
		return -1;
	}
	if ((ret = read_prior(path, *prior)) < 0) {
		prior_free(*prior);
		*prior = NULL;
		return -1;
	}
	if (ret > 0)
		sc_debug("%s does not exist yet: --append creates it", path);
	*one_run = ret > 0;
	return 0;
}

/* @doc (taken) written to @path in @fmt. 0 or -errno (said). */
static int write_as(cJSON *doc, const char *path, enum sc_profile_format fmt, const char *what)
{
	struct sc_buf b = {};
	int err = generate__render(doc, fmt, what, &b);

	if (err == -ENOMEM)
		sc_err("out of memory");
	else if (!err && (err = sc_write_file_atomic(path, b.data, b.len)))
		sc_err("cannot write %s: %s", path, strerror(-err));
	sc_buf_free(&b);
	return err;
}

static int write_doc(cJSON *doc, const char *path)
{
	return write_as(doc, path, SC_PF_OCI, NULL);
}

/* @prior (--append, or NULL) takes this run's counts @t: the profile of every run. */
static void add_prior(struct sc_tally *prior, const struct sc_tally *t, const char *output)
{
	unsigned had = 0, fresh = 0;

	for (int a = 0; a < SC_NR_ABIS; a++)
		for (int nr = 0; nr < SC_NR_PER_ABI; nr++) {
			had += prior->n[a][nr] != 0;
			fresh += !prior->n[a][nr] && t->n[a][nr];
			prior->n[a][nr] += t->n[a][nr];
		}
	if (had)
		sc_info("--append: %u syscalls of this run were new to the %u that %s allowed", fresh, had, output);
}

struct record_opts {
	const char *output, *report;
	bool append, one_run, containers, args_off;
	enum sc_profile_format format;
	struct prior *prior;
	struct sc_runtime_roots roots;
	char **cmd;
	int n_cmd;
};

/* The profile allowing @t (with @prior's, if any) written to @output, with @note (may be NULL). 0 or -1. */
static int write_profile(const struct record_opts *o, const struct sc_tally *t, const struct sc_refused *ref,
			 size_t n_ref, const struct sc_args *args, struct prior *prior, const char *output,
			 const char *note, const char *what)
{
	struct sc_unnamed *un = NULL;
	struct sc_args all = *args;
	size_t n_un = 0;
	cJSON *doc;

	if (prior) {
		/* the earlier runs' values and plain names, with this run's */
		add_prior(&prior->t, t, output);
		if (prior->args.n && !args->kept)
			sc_warn("--append: this run kept no argument values (raw_tp, or --args off): the argument "
				"rules of %s become plain names", output);
		all.v = calloc(args->n + prior->args.n + 1, sizeof(*all.v));
		if (!all.v) {
			sc_err("out of memory");
			return -1;
		}
		if (args->n)
			memcpy(all.v, args->v, args->n * sizeof(*all.v));
		if (prior->args.n)
			memcpy(all.v + args->n, prior->args.v, prior->args.n * sizeof(*all.v));
		all.n = args->n + prior->args.n;
		memcpy(all.plain, prior->args.plain, sizeof(all.plain));
		all.n_plain = prior->args.n_plain;
	}
	/* the earlier runs' learned errnos, with this run's */
	const struct sc_refused *refs = ref;
	struct sc_refused *joined = NULL;
	size_t n_refs = n_ref;

	if (prior && prior->n_ref && (joined = calloc(n_ref + prior->n_ref, sizeof(*joined)))) {
		if (n_ref)
			memcpy(joined, ref, n_ref * sizeof(*joined));
		memcpy(joined + n_ref, prior->ref, prior->n_ref * sizeof(*joined));
		refs = joined;
		n_refs = n_ref + prior->n_ref;
	} else if (prior && prior->n_ref) {
		sc_warn("out of memory: the errnos %s learned earlier are answered by the default", output);
	}
	doc = generate__profile(prior ? &prior->t : t, refs, n_refs, &all, &un, &n_un);
	free(joined);
	if (prior)
		free(all.v);
	if (!doc || (note && !cJSON_AddItemToObject(doc, "comment", cJSON_CreateString(note)))) {
		cJSON_Delete(doc);
		free(un);
		sc_err("out of memory");
		return -1;
	}
	warn_unnamed(un, n_un);
	free(un);
	return write_as(doc, output, o->format, what) ? -1 : 0;
}

/* The containers a recording followed: who each cgroup is, asked while it exists. */
struct seen {
	uint64_t cgid;
	char id[SC_CTR_ID_LEN + 1];
	const char *layout;		/* NULL: the cgroup's path names no container */
	struct sc_container_info ci;	/* with known */
	bool known;
	bool sandbox;			/* a pod's sandbox: neither a profile nor waited for */
};

struct containers {
	const struct sc_runtime_roots *roots;
	struct seen v[SC_RECORD_SLOTS];	/* one per slot at most */
	size_t n;
};

/* record__run's on_container: > 0 while the runtime's state does not name the container yet. */
static int on_container(void *ctx, uint64_t cgid, const char *path)
{
	struct containers *cs = ctx;
	struct seen *e = NULL;

	for (size_t i = 0; i < cs->n && !e; i++)
		if (cs->v[i].cgid == cgid)
			e = &cs->v[i];
	if (!e) {
		if (cs->n == SC_RECORD_SLOTS)
			return 0;
		e = &cs->v[cs->n++];
		e->cgid = cgid;
		e->layout = runtime__container_id(path, e->id);
	}
	if (!e->layout || e->known || e->sandbox)
		return 0;
	switch (runtime__resolve(cs->roots, e->id, &e->ci)) {
	case 0:
		break;
	case 1:		/* a pod's sandbox: not a container to profile, nor to wait for */
		container_info__free(&e->ci);
		e->sandbox = true;
		return 0;
	default:
		return 1;
	}
	e->known = true;
	sc_debug("cgroup %s: container %.12s of image %s (%s)", path, e->id, e->ci.image, e->ci.source);
	return 0;
}

static struct seen *seen_of(struct containers *cs, uint64_t cgid)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].cgid == cgid && cs->v[i].layout)
			return &cs->v[i];
	return NULL;
}

static void containers_free(struct containers *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].known)
			container_info__free(&cs->v[i].ci);
}

/* One container's profile: the cgroups of one container id (the container's and those below it). */
struct ctr_profile {
	const struct seen *who;		/* NULL: a cgroup no container id was read from */
	const char *path;		/* its first cgroup */
	bool confined;			/* some call was made under the engine's filter */
	struct sc_tally tally;
	struct sc_refused *ref;		/* what the engine's filter refused it, with an errno */
	size_t n_ref;
	struct sc_args args;		/* the argument values its cgroups showed */
	char file[PATH_MAX];
};

/*
 * The argument values of @r kept for cgroup @cgid (0: CMD's), added to @a; for a
 * @confined container, as its tally: those made under the filter, and the runtime's
 * setup calls' from before it. 0 or -ENOMEM.
 */
static int take_args(struct sc_args *a, const struct sc_recording *r, uint64_t cgid, bool confined)
{
	a->kept = r->args_kept;
	a->lost = r->args_lost;
	for (size_t i = 0; i < r->n_args; i++) {
		struct sc_arg_value *v;

		if (r->args[i].cgid != cgid ||
		    (confined && r->args[i].phase != SC_FILTERED && !generate__is_runtime_setup(SC_ABI_NATIVE, r->args[i].nr)))
			continue;
		if (!(v = realloc(a->v, (a->n + 1) * sizeof(*v))))
			return -ENOMEM;
		a->v = v;
		a->v[a->n++] = (struct sc_arg_value){ r->args[i].nr, r->args[i].value };
	}
	return 0;
}

/* The errno refusals of @r in cgroup @cgid, added to @c. 0 or -ENOMEM. */
static int take_refusals(struct ctr_profile *c, const struct sc_recording *r, uint64_t cgid)
{
	for (size_t i = 0; i < r->n_denied; i++) {
		const struct sc_record_denial *d = &r->denied[i];
		struct sc_refused *v;

		if (d->cgid != cgid || (d->ret & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ERRNO)
			continue;
		if (!(v = realloc(c->ref, (c->n_ref + 1) * sizeof(*v))))
			return -ENOMEM;
		c->ref = v;
		c->ref[c->n_ref++] = (struct sc_refused){ d->abi, d->nr, d->ret & SECCOMP_RET_DATA };
	}
	return 0;
}

static void free_containers_profiles(struct ctr_profile *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].ref);
		free(v[i].args.v);
	}
	free(v);
}

/* The recording's container cgroups grouped per container, with what goes into each profile. */
static struct ctr_profile *group_containers(const struct sc_recording *r, struct containers *cs, size_t *n)
{
	struct ctr_profile *v = calloc(r->n_ctrs ? r->n_ctrs : 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < r->n_ctrs; i++) {
		const struct seen *who = seen_of(cs, r->ctrs[i].cgid);
		size_t k = 0;

		if (who && who->sandbox)
			continue;
		while (k < *n && !(who && v[k].who && !strcmp(v[k].who->id, who->id)))
			k++;
		if (k == *n) {
			v[k].who = who;
			v[k].path = r->ctrs[i].path;
			(*n)++;
		}
		v[k].confined |= slot_counts__filtered(r->ctrs[i].counts);
	}
	/* a confined container's profile is what ran under its filter, not the runtime's setup */
	for (size_t i = 0; i < r->n_ctrs; i++) {
		const struct seen *who = seen_of(cs, r->ctrs[i].cgid);

		if (who && who->sandbox)
			continue;
		for (size_t k = 0; k < *n; k++) {
			if (who ? !v[k].who || strcmp(v[k].who->id, who->id) : v[k].path != r->ctrs[i].path)
				continue;
			if (v[k].confined) {
				struct sc_tally *before = calloc(1, sizeof(*before));

				slot_counts__sum_phase(r->ctrs[i].counts, SC_FILTERED, &v[k].tally);
				/* the runtime's steps that fall under the filter in the other NNP mode */
				if (!before) {
					free_containers_profiles(v, *n);
					return NULL;
				}
				slot_counts__sum_phase(r->ctrs[i].counts, 0, before);
				generate__add_runtime_setup(&v[k].tally, before);
				free(before);
			} else
				slot_counts__sum_phases(r->ctrs[i].counts, &v[k].tally);
			if (take_refusals(&v[k], r, r->ctrs[i].cgid) ||
			    take_args(&v[k].args, r, r->ctrs[i].cgid, v[k].confined)) {
				free_containers_profiles(v, *n);
				return NULL;
			}
			break;
		}
	}
	return v;
}

/* Several containers: OUTPUT's name with .ID12 before .json (stdout: ID12.json here). */
static void container_file(const char *output, const struct ctr_profile *c, size_t i, char *buf, size_t len)
{
	char tag[32];
	size_t n = strlen(output);

	if (c->who)
		snprintf(tag, sizeof(tag), "%.12s", c->who->id);
	else
		snprintf(tag, sizeof(tag), "container%zu", i + 1);
	if (!strcmp(output, "-"))
		snprintf(buf, len, "%s.json", tag);
	else if (n > 5 && !strcmp(output + n - 5, ".json"))
		snprintf(buf, len, "%.*s.%s.json", (int)(n - 5), output, tag);
	else
		snprintf(buf, len, "%s.%s.json", output, tag);
}

/* What a container's profile comes from, said. */
static void say_container(const struct ctr_profile *c)
{
	const struct seen *w = c->who;
	const char *name = w && w->known && w->ci.name ? w->ci.name : NULL;

	if (name && name[0] == '/')
		name++;		/* Docker keeps its names with a leading '/' */
	if (w && w->known)
		sc_info("container %.12s%s%s%s of image %s (%s, %s): profile written to %s", w->id, name ? " (" : "",
			name ? name : "", name ? ")" : "", w->ci.image, c->confined ? "what ran under the engine's filter"
			: "unconfined: everything it did", w->ci.source, c->file);
	else
		sc_warn("cgroup %s: %s%.12s, but no runtime state under the roots given names %s (see "
			"--storage-root, --docker-root, --bundle-root); its profile is written to %s", c->path,
			w ? "container " : "no container id in its name", w ? w->id : "", w ? "it" : "its image", c->file);
}

/* One container's part of the report. NULL: out of memory. */
static cJSON *container_report(const struct ctr_profile *c)
{
	const struct seen *w = c->who;
	cJSON *o = generate__report(&c->tally);
	bool ok = o && json_add(o, "cgroup", cJSON_CreateString(c->path)) &&
		  json_add(o, "profile", cJSON_CreateString(c->file)) &&
		  json_add(o, "confined", cJSON_CreateBool(c->confined)) &&
		  (!w || json_add(o, "id", cJSON_CreateString(w->id))) &&
		  (!w || !w->known || json_add(o, "image", cJSON_CreateString(w->ci.image))) &&
		  (!w || !w->known || !w->ci.image_id || json_add(o, "image_id", cJSON_CreateString(w->ci.image_id))) &&
		  (!w || !w->known || !w->ci.name || json_add(o, "name", cJSON_CreateString(w->ci.name)));

	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* The report: CMD's own counts, and each container's. -1 (said) or 0. */
static int write_report(const struct sc_recording *r, const struct record_opts *o, const struct ctr_profile *cp,
			size_t n_cp)
{
	cJSON *rep = generate__report(&r->tally), *arr = NULL;
	bool ok = json_add(rep, "command", cJSON_CreateStringArray((const char *const *)o->cmd, o->n_cmd)) &&
		  /* calls of syscalls without a counter of their own: their counts above are lower bounds */
		  json_add(rep, "uncounted", json_u64_node(r->uncounted));

	if (ok && o->containers)
		ok = json_add(rep, "containers", arr = cJSON_CreateArray());
	for (size_t i = 0; ok && arr && i < n_cp; i++) {
		cJSON *c = container_report(&cp[i]);

		ok = c && cJSON_AddItemToArray(arr, c);
		if (!ok)
			cJSON_Delete(c);
	}
	if (!ok) {
		cJSON_Delete(rep);
		sc_err("out of memory");
		return -1;
	}
	return write_doc(rep, o->report) ? -1 : 0;
}

/* The containers' profiles. 0, or -1 when one could not be written (said). */
static int write_containers(const struct sc_recording *r, struct record_opts *o, const char *note,
			    struct ctr_profile *cp, size_t n)
{
	int ret = 0;

	if (!n) {
		sc_err("record: no container was started while %s ran: no profile written", o->cmd[0]);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct prior *prior = n == 1 ? o->prior : NULL;
		bool one_run;

		if (n == 1)
			snprintf(cp[i].file, sizeof(cp[i].file), "%s", o->output);
		else
			container_file(o->output, &cp[i], i, cp[i].file, sizeof(cp[i].file));
		if (n > 1 && o->append && load_prior(cp[i].file, &prior, &one_run)) {
			ret = -1;
			continue;
		}
		if (write_profile(o, &cp[i].tally, cp[i].ref, cp[i].n_ref, &cp[i].args, prior, cp[i].file, note,
				  cp[i].who && cp[i].who->known ? cp[i].who->ci.image : o->cmd[0]))
			ret = -1;
		else
			say_container(&cp[i]);
		if (n > 1)
			prior_free(prior);
	}
	if (r->events_lost)
		sc_warn("%llu cgroup events were lost: a container's calls may be counted as %s's",
			(unsigned long long)r->events_lost, o->cmd[0]);
	return ret;
}

/* The profile (CMD's, or its containers') and the report. 0 or -1 (said). */
static int write_outputs(const struct sc_recording *r, struct record_opts *o, struct containers *cs)
{
	struct ctr_profile *cp = NULL;
	size_t n_cp = 0;
	char note[200], *np = NULL;
	int ret;

	if (r->interrupted || r->ctrs_running) {
		snprintf(note, sizeof(note), "syscensus: INCOMPLETE: recorded until %s stopped %s", strsignal(r->interrupted),
			 r->ctrs_running ? "the wait for the containers, still running" : "the processes CMD left behind");
		np = note;
	}
	if (!o->containers) {
		struct sc_args args = {};

		ret = take_args(&args, r, 0, false) ? -1 : write_profile(o, &r->tally, NULL, 0, &args, o->prior, o->output, np,
										    o->cmd[0]);
		free(args.v);
	} else if (!(cp = group_containers(r, cs, &n_cp)))
		ret = -1;
	else
		ret = write_containers(r, o, np, cp, n_cp);
	if (!ret && o->report)
		ret = write_report(r, o, cp, n_cp);
	free_containers_profiles(cp, n_cp);
	return ret;
}

/*
 * Without -o: CMD.json here (the command's base name), so that the profile never mixes
 * with what the command prints on stdout; an existing file is not replaced, only added
 * to with --append. NULL, said.
 */
static const char *default_output(const char *cmd, bool append, char *buf, size_t len)
{
	const char *base = strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd;

	if (!*base || *base == '.' || (size_t)snprintf(buf, len, "%s.json", base) >= len) {
		sc_err("record: give -o FILE: no file name can be made from \"%s\"", cmd);
		return NULL;
	}
	if (!append && access(buf, F_OK) == 0) {
		sc_err("record: %s exists: give --append to add this run to it, or -o %s to replace it", buf, buf);
		return NULL;
	}
	return buf;
}

/* What the recording could not do, said before the profile is written. */
static void say_recording(const struct sc_recording *r, const struct record_opts *o)
{
	const char *who = o->containers ? "a container" : o->cmd[0];
	uint64_t uncounted = o->containers ? 0 : r->uncounted;

	for (size_t i = 0; o->containers && i < r->n_ctrs; i++)
		uncounted += r->ctrs[i].counts->uncounted;
	if (r->subcgroups)
		sc_debug("%u cgroups created below the command's were recorded too", r->subcgroups);
	if (r->table_full)
		sc_warn("%llu cgroups created by %s found no free slot in the recorder's table (%d slots): their "
			"calls are missing from the profile", (unsigned long long)r->table_full, o->cmd[0], SC_RECORD_SLOTS);
	if (uncounted && o->report)
		sc_warn("%s made more distinct syscalls in one cgroup than the recorder counts one by one (%d): "
			"%llu calls of the others were counted together, so the report's counts of those are lower "
			"bounds (the profile is complete)", who, SC_SLOT_KEYS, (unsigned long long)uncounted);
}

/* Engines whose `run` starts a container: record follows the containers by default. */
static bool is_engine(const char *cmd)
{
	static const char *const engines[] = { "docker", "podman", "nerdctl", NULL };
	const char *base = strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd;

	for (const char *const *e = engines; *e; e++)
		if (!strcmp(base, *e))
			return true;
	return false;
}

/* The options, checked as far as they can be before CMD runs. 0, or an exit status. */
static int parse_options(int argc, char **argv, struct record_opts *o, enum sc_attach *attach, char *defout,
			 size_t len)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "append", no_argument, NULL, 'a' },
		{ "report", required_argument, NULL, 'R' },
		{ "attach", required_argument, NULL, 'A' },
		{ "containers", no_argument, NULL, 'C' },
		{ "format", required_argument, NULL, 'F' },
		{ "args", required_argument, NULL, 'G' },
		{ "storage-root", required_argument, NULL, 'S' },
		{ "docker-root", required_argument, NULL, 'S' },
		{ "bundle-root", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, idx;

	runtime__roots_default(&o->roots);
	while ((c = getopt_long(argc, argv, "+o:ah", opts, &idx)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case 'a': o->append = true; break;
		case 'R': o->report = optarg; break;
		case 'C': o->containers = true; break;
		case 'G':
			if (sc_parse_on_off("record", "args", optarg, &o->args_off))
				return SC_EXIT_USAGE;
			break;
		case 'F':
			if (generate__parse_format(optarg, &o->format))
				return SC_EXIT_USAGE;
			break;
		case 'S':
			if (runtime__roots_option(&o->roots, opts[idx].name, optarg))
				return SC_EXIT_USAGE;
			break;
		case 'A':
			if (recorder__parse_attach(optarg, attach))
				return SC_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		sc_err("record: no command given");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	o->cmd = &argv[optind];
	o->n_cmd = argc - optind;
	o->containers |= is_engine(o->cmd[0]);
	if (o->append && (o->format == SC_PF_SYSTEMD || o->format == SC_PF_CRD)) {
		sc_err("record: --append reads a JSON profile: not with --format %s",
		       o->format == SC_PF_CRD ? "crd" : "systemd");
		return SC_EXIT_USAGE;
	}
	if (o->append && o->output && !strcmp(o->output, "-")) {
		sc_err("record: --append adds to a file: give -o FILE, not -");
		return SC_EXIT_USAGE;
	}
	if (!o->output && !(o->output = default_output(o->cmd[0], o->append, defout, len)))
		return SC_EXIT_USAGE;
	/* before the command runs and does what it does: its output must have somewhere to go */
	if (sc_check_output(o->output, "-o") || (o->report && sc_check_output(o->report, "--report")))
		return SC_EXIT_USAGE;
	/* read before the run: a profile that cannot be added to is said before CMD runs */
	if (o->append && load_prior(o->output, &o->prior, &o->one_run))
		return SC_EXIT_FAIL;
	return 0;
}

/* What record says at the end, and its exit status: CMD's. */
static int finish(const struct sc_recording *r, const struct record_opts *o, double secs)
{
	unsigned distinct;
	uint64_t calls;
	int ret;

	if (o->one_run && secs < SHORT_RUN_S)
		sc_warn("the profile rests on one run of %.1f s: calls %s makes only by timing or on other paths "
			"(retries, fallbacks, another wait call) may be missing; add more runs with --append",
			secs, o->containers ? "a container" : o->cmd[0]);
	if (WIFSIGNALED(r->status))
		sc_info("%s was killed by signal %d (%s)", o->cmd[0], WTERMSIG(r->status), strsignal(WTERMSIG(r->status)));
	generate__totals(&r->tally, &distinct, &calls);
	if (!o->containers)
		sc_info("recorded %llu calls of %u distinct syscalls from %s%s%s", (unsigned long long)calls, distinct,
			o->cmd[0], strcmp(o->output, "-") ? "; profile written to " : "",
			strcmp(o->output, "-") ? o->output : "");
	ret = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : WIFSIGNALED(r->status) ? 128 + WTERMSIG(r->status)
										  : SC_EXIT_FAIL;
	if (r->interrupted)
		ret = 128 + r->interrupted;	/* as a shell reports a command stopped by that signal */
	return ret;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o = { .one_run = true };
	struct sc_record_opts ro = { .attach = SC_ATTACH_AUTO, .on_container = on_container };
	char default_out[PATH_MAX];
	struct containers *cs = calloc(1, sizeof(*cs));
	struct sc_recording *r = malloc(sizeof(*r));
	struct timespec t0, t1;
	int ret;

	if (!cs || !r) {
		sc_err("out of memory");
		ret = SC_EXIT_FAIL;
		goto out;
	}
	if ((ret = parse_options(argc, argv, &o, &ro.attach, default_out, sizeof(default_out))))
		goto out;
	cs->roots = &o.roots;
	ro.containers = o.containers;
	ro.args = !o.args_off;
	ro.ctx = cs;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = record__run(&ro, o.cmd, r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ret) {
		ret = ret == 127 ? 127 : SC_EXIT_FAIL;
		goto out;
	}
	say_recording(r, &o);
	if (write_outputs(r, &o, cs))
		ret = SC_EXIT_FAIL;
	else
		ret = finish(r, &o, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	recording__free(r);
out:
	if (cs)
		containers_free(cs);
	free(cs);
	free(r);
	prior_free(o.prior);
	return ret < 0 ? SC_EXIT_OK : ret;
}
