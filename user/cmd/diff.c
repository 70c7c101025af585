// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus diff: what the agent observed, per image, against the profiles a team
 * keeps. Each profile is compiled by libseccomp and the resulting filter is run on
 * every observed syscall (verdict.c), so the answer is the kernel's: defaultAction,
 * errnoRet, architectures/archMap, includes/excludes by arch, caps and minKernel.
 *   breaking     observed, and the profile would not let it run
 *   conditional  allowed only for some arguments (the conditions are listed)
 *   unused       allowed, never observed
 *   unprofiled   an image observed with no profile; stale: a profile with no image
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "census/census.h"
#include "record/cgroup.h"
#include "census/runtime.h"
#include "cmd/cmds.h"
#include "lib/json.h"
#include "seccomp/filename.h"
#include "seccomp/generate.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"
#include "seccomp/filter.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_MD };

int diff_deployed(struct sc_census *c, const struct sc_runtime_roots *roots, const struct sc_eval_ctx *base,
		  bool json, bool md);

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

/* The argument conditions of the active rules that name @name, as text. */
static void conditions(const struct sc_profile *p, const char *name, struct sc_buf *b)
{
	for (size_t r = 0; r < p->n_rules; r++) {
		const struct sc_rule *ru = &p->rules[r];
		bool named = false;
		char act[48];

		if (!ru->active || !ru->n_conds)
			continue;
		for (size_t i = 0; i < ru->n_names && !named; i++)
			named = !strcmp(ru->names[i], name);
		if (!named)
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

struct finding {
	const char *kind;	/* "breaking", "conditional", "unused" */
	const char *name;
	const char *abi;
	uint64_t count;
	char verdict[48];
	char *detail;		/* conditions */
};

struct image_report {
	const struct sc_image *img;
	char profile[PATH_MAX + SC_NAME_MAX + 8];
	bool has_profile;
	char *error;
	struct finding *f;
	size_t n_f;
	unsigned breaking, conditional, unused;
};

static void denial_lines(const struct sc_image *img, bool md)
{
	for (size_t k = 0; k < img->n_denied; k++) {
		const struct sc_denial *d = &img->denied[k];
		const struct sc_arch *arch = arch_of_abi(d->abi);
		char v[48], t[32], nb[16];
		const char *name = syscall_label(d->abi, d->nr, nb, sizeof(nb));

		action_str(d->ret, v, sizeof(v));
		sc_fmt_time(d->last, t, sizeof(t));
		if (md)
			printf("| DENIED | `%s` | %s | %llu | %s (enforced filter, last %s) |\n", name,
			       arch ? arch->docker : "?", (unsigned long long)d->count, v, t);
		else
			printf("  %-11s %-20s %-18s %8llu calls  enforced filter gave %s, last %s\n", "DENIED",
			       name, arch ? arch->docker : "?", (unsigned long long)d->count, v, t);
	}
}

static void add_finding(struct image_report *ir, const char *kind, const char *name, const char *abi,
			uint64_t count, uint32_t ret, char *detail)
{
	struct finding *f = realloc(ir->f, (ir->n_f + 1) * sizeof(*f));

	if (!f) {
		free(detail);
		return;
	}
	ir->f = f;
	f = &ir->f[ir->n_f++];
	f->kind = kind;
	f->name = name;
	f->abi = abi;
	f->count = count;
	f->detail = detail;
	action_str(ret, f->verdict, sizeof(f->verdict));
}

/* Evaluate one image against its profile. Returns 0, or -errno with ir->error set. */
static int evaluate(struct image_report *ir, const struct sc_eval_ctx *ctx, cJSON *doc)
{
	const struct sc_image *img = ir->img;
	bool confined = image__confined(img), seen[SC_NR_ABIS][SC_NR_PER_ABI] = {};
	uint64_t counts[SC_NR_ABIS][SC_NR_PER_ABI] = {};
	char err[512];
	struct sc_profile *p;
	scmp_filter_ctx fctx = NULL;
	struct sc_compile_stats st;
	struct sc_filter f = {};
	int ret;

	for (size_t i = 0; i < img->calls.n; i++) {
		const struct sc_vent *e = &img->calls.e[i];

		if (confined && SC_KEY_PHASE(e->key) != SC_FILTERED)
			continue;
		seen[SC_KEY_ABI(e->key)][SC_KEY_NR(e->key)] = true;
		counts[SC_KEY_ABI(e->key)][SC_KEY_NR(e->key)] += e->count;
	}
	/* @doc: an OCI bundle's linux.seccomp (taken over); else the file ir->profile */
	p = doc ? profile__from_json(doc, ir->profile, ctx, SC_UNKNOWN_WARN, err, sizeof(err))
		: profile__load(ir->profile, ctx, SC_UNKNOWN_WARN, err, sizeof(err));
	if (!p) {
		ir->error = strdup(err);
		return -EINVAL;
	}
	ret = profile__compile(p, ctx, false, &fctx, &st, err, sizeof(err));
	if (!ret)
		ret = filter__export(fctx, &f);
	if (ret) {
		ir->error = strdup(err[0] ? err : strerror(-ret));
		goto out;
	}
	for (int a = 0; a < SC_NR_ABIS; a++) {
		const struct sc_arch *arch = arch_of_abi(a);
		bool abi_used = false;

		if (!arch)
			continue;
		for (int nr = 0; nr < SC_NR_OVERFLOW; nr++)
			abi_used |= seen[a][nr];
		for (int nr = 0; nr < SC_NR_OVERFLOW; nr++) {
			const char *name = syscall_name(arch->token, nr);
			struct sc_verdict v;

			if (!name || (!seen[a][nr] && (a != SC_ABI_NATIVE && !abi_used)))
				continue;
			v = filter__verdict(&f, arch->token, nr);
			if (seen[a][nr] && v.kind == SC_V_DENY) {
				add_finding(ir, "breaking", name, arch->docker, counts[a][nr], v.ret, NULL);
				ir->breaking++;
			} else if (seen[a][nr] && v.kind == SC_V_CONDITIONAL) {
				struct sc_buf b = {};

				conditions(p, name, &b);
				add_finding(ir, "conditional", name, arch->docker, counts[a][nr], v.ret, b.data);
				ir->conditional++;
			} else if (!seen[a][nr] && v.kind == SC_V_ALLOW && !sc_is_always_allowed(name)) {
				add_finding(ir, "unused", name, arch->docker, 0, v.ret, NULL);
				ir->unused++;
			}
		}
	}
out:
	filter__free(&f);
	if (fctx)
		seccomp_release(fctx);
	profile__free(p);
	return ret;
}

static void print_text(struct image_report *irs, size_t n, char **stale, size_t n_stale, bool md)
{
	unsigned tb = 0, tc = 0, tu = 0, unprof = 0, td = 0;
	char t1[32], t2[32];

	if (md)
		printf("## syscensus: observed syscalls against the profiles\n\n");
	for (size_t i = 0; i < n; i++) {
		struct image_report *ir = &irs[i];
		const struct sc_image *img = ir->img;

		sc_fmt_time(img->first, t1, sizeof(t1));
		sc_fmt_time(img->last, t2, sizeof(t2));
		td += img->n_denied;
		if (!ir->has_profile) {
			unprof++;
			if (img->n_denied) {
				printf(md ? "### `%s` (no profile)\n\n| | syscall | ABI | calls | |\n|---|---|---|---|---|\n"
					  : "%s  (no profile)\n", img->key);
				denial_lines(img, md);
				printf(md ? "\n" : "");
			}
			continue;
		}
		tb += ir->breaking, tc += ir->conditional, tu += ir->unused;
		if (md) {
			printf("### `%s`\n\n", img->key);
			printf("Observed %s to %s in %llu container(s); profile `%s`.\n\n", t1, t2,
			       (unsigned long long)img->ctrs_total, ir->profile);
		} else {
			printf("%s  (profile %s; observed %s to %s, %llu containers)\n", img->key, ir->profile, t1, t2,
			       (unsigned long long)img->ctrs_total);
		}
		if (ir->error) {
			printf(md ? "**error**: %s\n\n" : "  ERROR %s\n", ir->error);
			continue;
		}
		if (md && (ir->breaking || ir->conditional || ir->unused || img->n_denied))
			printf("| | syscall | ABI | calls | profile gives |\n|---|---|---|---|---|\n");
		denial_lines(img, md);
		for (size_t k = 0; k < ir->n_f; k++) {
			const struct finding *f = &ir->f[k];

			if (!strcmp(f->kind, "unused"))
				continue;
			if (md)
				printf("| %s | `%s` | %s | %llu | %s%s%s |\n", f->kind, f->name, f->abi,
				       (unsigned long long)f->count, f->verdict, f->detail ? ": " : "",
				       f->detail ? f->detail : "");
			else
				printf("  %-11s %-20s %-18s %8llu calls  profile gives %s%s%s\n",
				       !strcmp(f->kind, "breaking") ? "BREAKING" : "CONDITIONAL", f->name, f->abi,
				       (unsigned long long)f->count, f->verdict, f->detail ? ": " : "",
				       f->detail ? f->detail : "");
		}
		if (ir->unused) {
			printf(md ? "| unused | " : "  unused (%u, allowed and never observed): ", ir->unused);
			for (size_t k = 0, shown = 0; k < ir->n_f; k++) {
				if (strcmp(ir->f[k].kind, "unused"))
					continue;
				if (shown == 40) {	/* the whole list is in --format json */
					printf(" ... (+%zu more)", (size_t)ir->unused - shown);
					break;
				}
				printf(md ? "%s`%s`" : "%s%s", shown ? " " : "", ir->f[k].name);
				shown++;
			}
			printf(md ? " | | | allowed, never observed |\n" : "\n");
		}
		if (md)
			printf("\n");
		else if (!ir->breaking && !ir->conditional && !ir->unused && !img->n_denied)
			printf("  ok: every observed syscall is allowed, nothing unused\n");
	}
	if (unprof) {
		printf(md ? "### Images without a profile\n\n" : "unprofiled (observed, no profile):\n");
		for (size_t i = 0; i < n; i++)
			if (!irs[i].has_profile)
				printf(md ? "- `%s`\n" : "  %s\n", irs[i].img->key);
		if (md)
			printf("\n");
	}
	if (n_stale) {
		printf(md ? "### Profiles of images not observed\n\n" : "stale (profile, image not observed):\n");
		for (size_t i = 0; i < n_stale; i++)
			printf(md ? "- `%s`\n" : "  %s\n", stale[i]);
		if (md)
			printf("\n");
	}
	printf(md ? "**%u breaking, %u denied now, %u conditional, %u unused, %u unprofiled, %zu stale**\n"
		  : "summary: %u breaking, %u denied now, %u conditional, %u unused, %u unprofiled, %zu stale\n",
	       tb, td, tc, tu, unprof, n_stale);
}

static void print_json(struct image_report *irs, size_t n, char **stale, size_t n_stale)
{
	cJSON *doc = cJSON_CreateObject(), *imgs, *arr;
	char t[32];

	if (!doc)
		return;
	imgs = cJSON_AddArrayToObject(doc, "images");
	for (size_t i = 0; i < n; i++) {
		struct image_report *ir = &irs[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToArray(imgs, o);
		cJSON_AddStringToObject(o, "image", ir->img->key);
		arr = cJSON_AddArrayToObject(o, "denied");
		for (size_t k = 0; k < ir->img->n_denied; k++) {
			const struct sc_denial *dn = &ir->img->denied[k];
			const struct sc_arch *arch = arch_of_abi(dn->abi);
			char v[48], nb[16];
			const char *name = syscall_label(dn->abi, dn->nr, nb, sizeof(nb));
			cJSON *e = cJSON_CreateObject();

			cJSON_AddItemToArray(arr, e);
			cJSON_AddStringToObject(e, "syscall", name);
			cJSON_AddStringToObject(e, "arch", arch ? arch->docker : "?");
			cJSON_AddItemToObject(e, "calls", json_u64_node(dn->count));
			action_str(dn->ret, v, sizeof(v));
			cJSON_AddStringToObject(e, "action", v);
			sc_fmt_time(dn->last, t, sizeof(t));
			cJSON_AddStringToObject(e, "last_seen", t);
		}
		if (!ir->has_profile) {
			cJSON_AddStringToObject(o, "status", "unprofiled");
			continue;
		}
		cJSON_AddStringToObject(o, "profile", ir->profile);
		sc_fmt_time(ir->img->first, t, sizeof(t));
		cJSON_AddStringToObject(o, "observed_from", t);
		sc_fmt_time(ir->img->last, t, sizeof(t));
		cJSON_AddStringToObject(o, "observed_to", t);
		if (ir->error) {
			cJSON_AddStringToObject(o, "status", "error");
			cJSON_AddStringToObject(o, "error", ir->error);
			continue;
		}
		cJSON_AddStringToObject(o, "status", ir->breaking ? "breaking" : "ok");
		for (int kind = 0; kind < 3; kind++) {
			const char *k = kind == 0 ? "breaking" : kind == 1 ? "conditional" : "unused";

			arr = cJSON_AddArrayToObject(o, k);
			for (size_t j = 0; j < ir->n_f; j++) {
				const struct finding *f = &ir->f[j];
				cJSON *e;

				if (strcmp(f->kind, k))
					continue;
				e = cJSON_CreateObject();
				cJSON_AddItemToArray(arr, e);
				cJSON_AddStringToObject(e, "syscall", f->name);
				cJSON_AddStringToObject(e, "arch", f->abi);
				if (kind < 2)
					cJSON_AddItemToObject(e, "calls", json_u64_node(f->count));
				cJSON_AddStringToObject(e, "action", f->verdict);
				if (f->detail)
					cJSON_AddStringToObject(e, "conditions", f->detail);
			}
		}
	}
	arr = cJSON_AddArrayToObject(doc, "stale");
	for (size_t i = 0; i < n_stale; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(stale[i]));
	if (json_print(doc))
		sc_err("cannot print the report");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_image(const void *a, const void *b)
{
	return strcmp((*(struct sc_image *const *)a)->key, (*(struct sc_image *const *)b)->key);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus diff --observed STATE-DIR --against PROFILES-DIR [--format text|json|markdown]\n"
		"                      [--fail-on unused] [--caps default|all|none|CAP_X,CAP_Y...]\n"
		"       syscensus diff --observed STATE-DIR --deployed [--storage-root DIR] [--bundle-root DIR]...\n"
		"Evaluate what the agent observed for each image against PROFILES-DIR/<image>.json\n"
		"(the agent's file names), as the kernel would apply each profile.\n"
		"  --caps  capabilities includes/excludes.caps are evaluated with (default: Docker's\n"
		"          default set for a container, which has no CAP_SYS_ADMIN)\n"
		"--deployed: every running container, the profile its OCI bundle enforces (linux.seccomp\n"
		"in config.json), its seccomp mode and filter count from /proc/PID/status (UNCONFINED when\n"
		"it has no filter), and its image's observed syscalls against that profile.\n"
		"Syscalls the enforced filters refused (agent --denials) are listed as DENIED.\n"
		"Exit status: 0 no breaking drift; 1 breaking drift or denials (or unused, with\n"
		"--fail-on unused);\n"
		"2 error.\n");
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "observed", required_argument, NULL, 'o' },
		{ "against", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "caps", required_argument, NULL, 'c' },
		{ "deployed", no_argument, NULL, 'D' },
		{ "storage-root", required_argument, NULL, 'S' },
		{ "bundle-root", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *observed = NULL, *against = NULL, *caps = "default";
	struct image_report *irs = NULL;
	char state[PATH_MAX], **stale = NULL;
	struct sc_census c = {};
	struct sc_eval_ctx ctx;
	size_t n_ir = 0, n_stale = 0;
	bool fail_unused = false, errors = false, breaking = false, unused = false, deployed = false;
	struct sc_runtime_roots roots = { .storage = "/var/lib/containers/storage" };
	const char *bundles[16];
	size_t n_bundles = 0;
	enum fmt fmt = FMT_TEXT;
	struct dirent *de;
	DIR *d;
	int ch, ret = SC_EXIT_USAGE;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': observed = optarg; break;
		case 'D': deployed = true; break;
		case 'S': roots.storage = optarg; break;
		case 'B':
			if (n_bundles == ARRAY_SIZE(bundles)) {
				sc_err("--bundle-root: at most %zu", ARRAY_SIZE(bundles));
				return SC_EXIT_USAGE;
			}
			bundles[n_bundles++] = optarg;
			break;
		case 'a': against = optarg; break;
		case 'c': caps = optarg; break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				fmt = FMT_JSON;
			else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
				fmt = FMT_MD;
			else {
				sc_err("--format: expected text, json or markdown, not \"%s\"", optarg);
				return SC_EXIT_USAGE;
			}
			break;
		case 'F':
			if (strcmp(optarg, "unused")) {
				sc_err("--fail-on: expected unused, not \"%s\"", optarg);
				return SC_EXIT_USAGE;
			}
			fail_unused = true;
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (!observed || !!against == deployed || optind < argc) {
		sc_err("diff: --observed STATE-DIR and one of --against PROFILES-DIR or --deployed are needed");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (eval_ctx_current(&ctx)) {
		sc_err("cannot read the running kernel's version");
		return 2;
	}
	if (parse_caps(caps, &ctx.caps))
		return SC_EXIT_USAGE;
	snprintf(state, sizeof(state), "%s/state.json", observed);
	if (census__load(&c, state))
		return 2;	/* message printed */
	if (!c.n_images && access(state, F_OK) < 0) {
		sc_err("%s: no state file (has `syscensus agent --state-dir %s` run?)", state, observed);
		return 2;
	}
	qsort(c.images, c.n_images, sizeof(*c.images), cmp_image);
	if (deployed) {
		roots.bundles = n_bundles ? bundles : sc_default_bundle_roots;
		roots.n_bundles = n_bundles ? n_bundles : sc_n_default_bundle_roots;
		ret = diff_deployed(&c, &roots, &ctx, fmt == FMT_JSON, fmt == FMT_MD);
		runtime__cleanup();
		goto out;
	}
	irs = calloc(c.n_images + 1, sizeof(*irs));
	if (!irs)
		goto oom;
	for (size_t i = 0; i < c.n_images; i++) {
		struct image_report *ir = &irs[n_ir];
		char name[SC_NAME_MAX];

		if (c.images[i]->unknown || (!c.images[i]->calls.n && !c.images[i]->n_denied))
			continue;
		ir->img = c.images[i];
		image_file_name(ir->img->key, name);
		snprintf(ir->profile, sizeof(ir->profile), "%s/%s.json", against, name);
		ir->has_profile = access(ir->profile, F_OK) == 0;
		if (ir->has_profile && evaluate(ir, &ctx, NULL))
			errors = true;
		breaking |= ir->breaking > 0 || ir->img->n_denied > 0;
		unused |= ir->unused > 0;
		n_ir++;
	}
	d = opendir(against);
	if (!d) {
		sc_err("%s: %s", against, strerror(errno));
		errors = true;
	}
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		bool known = false;
		char **v;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		for (size_t i = 0; i < n_ir && !known; i++)
			known = !strcmp(strrchr(irs[i].profile, '/') + 1, de->d_name);
		if (known)
			continue;
		v = realloc(stale, (n_stale + 1) * sizeof(*v));
		if (!v)
			break;
		stale = v;
		stale[n_stale++] = strdup(de->d_name);
	}
	if (d)
		closedir(d);
	qsort(stale, n_stale, sizeof(*stale), cmp_str);
	if (fmt == FMT_JSON)
		print_json(irs, n_ir, stale, n_stale);
	else
		print_text(irs, n_ir, stale, n_stale, fmt == FMT_MD);
	ret = errors ? 2 : breaking || (fail_unused && unused) ? SC_EXIT_FAIL : SC_EXIT_OK;
	goto out;
oom:
	sc_err("out of memory");
	ret = 2;
out:
	for (size_t i = 0; i < n_ir; i++) {
		for (size_t k = 0; k < irs[i].n_f; k++)
			free(irs[i].f[k].detail);
		free(irs[i].f);
		free(irs[i].error);
	}
	free(irs);
	for (size_t i = 0; i < n_stale; i++)
		free(stale[i]);
	free(stale);
	census__free(&c);
	return ret;
}

/* ---- --deployed: what the running containers enforce ---- */

struct deployed {
	char id[SC_CTR_ID_LEN + 1];
	char *image;
	int pid, mode, filters;
	char bundle[PATH_MAX];
	bool has_bundle_seccomp;
	struct image_report ir;
	struct sc_image empty;		/* an image the agent has not observed */
};

/* "Seccomp:" mode and "Seccomp_filters:" count, and effective caps, of @pid */
static int proc_seccomp(int pid, int *mode, int *filters, uint64_t *caps)
{
	char path[64], *text, *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	text = sc_read_file(path, 1 << 16, NULL);
	if (!text)
		return -errno;
	*mode = *filters = -1;
	if ((p = strstr(text, "\nSeccomp:")))
		*mode = atoi(p + 9);
	if ((p = strstr(text, "\nSeccomp_filters:")))
		*filters = atoi(p + 17);
	if ((p = strstr(text, "\nCapEff:")))
		*caps = strtoull(p + 8, NULL, 16);
	free(text);
	return 0;
}

static int first_pid(const char *cgdir)
{
	char path[PATH_MAX], *text;
	int pid = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", cgdir) >= sizeof(path))
		return 0;
	text = sc_read_file(path, 1 << 20, NULL);
	if (text)
		pid = atoi(text);
	free(text);
	return pid;
}

static int cmp_deployed(const void *a, const void *b)
{
	const struct deployed *x = a, *y = b;
	int c = strcmp(x->image ? x->image : "", y->image ? y->image : "");

	return c ? c : strcmp(x->id, y->id);
}

struct walk_ctx {
	struct deployed *v;
	size_t n, cap;
};

/* A cgroup of a container with a task in it: a running container */
static void on_cgroup(void *ctx, const char *abs, const char *rel)
{
	struct walk_ctx *w = ctx;
	char id[SC_CTR_ID_LEN + 1];
	struct deployed *v;
	int pid;

	if (!runtime__container_id(rel, id) || (pid = first_pid(abs)) <= 0)
		return;
	if (!(v = sc_grow(w->v, &w->cap, w->n, sizeof(*v), 8)))
		return;
	w->v = v;
	memset(&w->v[w->n], 0, sizeof(w->v[w->n]));
	snprintf(w->v[w->n].id, sizeof(w->v[w->n].id), "%s", id);
	w->v[w->n++].pid = pid;
}

int diff_deployed(struct sc_census *c, const struct sc_runtime_roots *roots, const struct sc_eval_ctx *base,
		  bool json, bool md)
{
	struct walk_ctx w = {};
	char mnt[PATH_MAX];
	bool bad = false, errors = false;
	unsigned unconfined = 0;
	cJSON *out = json ? cJSON_CreateArray() : NULL;

	if (cgroup__v2_mount(mnt, sizeof(mnt))) {
		sc_err("no cgroup v2 hierarchy: cannot find running containers");
		return 2;
	}
	cgroup__walk(mnt, 1u << 20, on_cgroup, &w);
	/* images first: resolve, then sort, so that the report is in a stable order */
	for (size_t i = 0; i < w.n; i++) {
		struct sc_container_info ci;

		if (runtime__resolve(roots, w.v[i].id, &ci) == 0) {
			w.v[i].image = ci.image;
			ci.image = NULL;
			container_info__free(&ci);
		}
	}
	if (w.n)
		qsort(w.v, w.n, sizeof(*w.v), cmp_deployed);
	if (md)
		printf("## syscensus: observed syscalls against the deployed profiles\n\n"
		       "| container | image | seccomp | breaking | denied | conditional |\n|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < w.n; i++) {
		struct deployed *d = &w.v[i];
		struct sc_eval_ctx ctx = *base;
		uint64_t caps = base->caps;
		cJSON *cfg, *sec = NULL;

		proc_seccomp(d->pid, &d->mode, &d->filters, &caps);
		ctx.caps = caps;
		cfg = runtime__bundle_config(roots, d->id, d->bundle, sizeof(d->bundle));
		sec = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg, "linux"), "seccomp");
		d->has_bundle_seccomp = cJSON_IsObject(sec);
		d->ir.img = d->image ? census__image(c, d->image, false) : NULL;
		if (!d->ir.img) {
			d->empty.key = d->image ? d->image : (char *)"?";
			d->ir.img = &d->empty;
		}
		snprintf(d->ir.profile, sizeof(d->ir.profile), "%s:linux.seccomp", d->bundle[0] ? d->bundle : "?");
		d->ir.has_profile = d->has_bundle_seccomp;
		if (d->mode == 0)
			unconfined++;
		if (d->has_bundle_seccomp && evaluate(&d->ir, &ctx, cJSON_Duplicate(sec, true)))
			errors = true;
		cJSON_Delete(cfg);
		bad |= d->ir.breaking > 0 || d->ir.img->n_denied > 0;
		if (json) {
			cJSON *o = cJSON_CreateObject(), *a;

			cJSON_AddItemToArray(out, o);
			cJSON_AddStringToObject(o, "container", d->id);
			cJSON_AddStringToObject(o, "image", d->image ? d->image : "");
			cJSON_AddNumberToObject(o, "pid", d->pid);
			cJSON_AddStringToObject(o, "seccomp", d->mode == 2 ? "filter" : d->mode == 0 ? "none" : "strict");
			cJSON_AddNumberToObject(o, "filters", d->filters);
			cJSON_AddStringToObject(o, "profile", d->has_bundle_seccomp ? d->ir.profile : "");
			cJSON_AddBoolToObject(o, "observed", d->ir.img != &d->empty);
			if (d->ir.error)
				cJSON_AddStringToObject(o, "error", d->ir.error);
			for (int kind = 0; kind < 2; kind++) {
				const char *k = kind ? "conditional" : "breaking";

				a = cJSON_AddArrayToObject(o, k);
				for (size_t j = 0; j < d->ir.n_f; j++) {
					cJSON *e;

					if (strcmp(d->ir.f[j].kind, k))
						continue;
					e = cJSON_CreateObject();
					cJSON_AddItemToArray(a, e);
					cJSON_AddStringToObject(e, "syscall", d->ir.f[j].name);
					cJSON_AddStringToObject(e, "arch", d->ir.f[j].abi);
					cJSON_AddStringToObject(e, "action", d->ir.f[j].verdict);
				}
			}
			cJSON_AddItemToObject(o, "denied", json_u64_node(d->ir.img->n_denied));
		} else if (md) {
			printf("| `%.12s` | `%s` | %s | %u | %zu | %u |\n", d->id, d->image ? d->image : "?",
			       d->mode == 0 ? "**none (unconfined)**" : d->mode == 2 ? "filter" : "strict",
			       d->ir.breaking, d->ir.img->n_denied, d->ir.conditional);
		} else {
			printf("%.12s  %s  pid %d: %s", d->id, d->image ? d->image : "(image unknown)", d->pid,
			       d->mode == 0 ? "UNCONFINED: no seccomp filter" : d->mode == 2 ? "seccomp filter" : "strict");
			if (d->mode == 2)
				printf(" (%d filter%s)%s%s", d->filters, d->filters == 1 ? "" : "s",
				       d->has_bundle_seccomp ? ", profile " : ", profile not found in the bundle",
				       d->has_bundle_seccomp ? d->ir.profile : "");
			printf("%s\n", d->ir.img == &d->empty ? "; not observed by the agent" : "");
			if (d->ir.error)
				printf("  ERROR %s\n", d->ir.error);
			for (size_t j = 0; j < d->ir.n_f; j++) {
				const struct finding *f = &d->ir.f[j];

				if (strcmp(f->kind, "unused"))
					printf("  %-11s %-20s %-18s %8llu calls  deployed profile gives %s%s%s\n",
					       !strcmp(f->kind, "breaking") ? "BREAKING" : "CONDITIONAL", f->name, f->abi,
					       (unsigned long long)f->count, f->verdict, f->detail ? ": " : "",
					       f->detail ? f->detail : "");
			}
			denial_lines(d->ir.img, false);
		}
	}
	if (json) {
		cJSON *doc = cJSON_CreateObject();

		cJSON_AddItemToObject(doc, "deployed", out);
		if (json_print(doc))
			sc_err("cannot print the report");
	} else {
		printf(md ? "\n**%zu running containers, %u without a seccomp filter**\n"
			  : "summary: %zu running containers, %u without a seccomp filter\n", w.n, unconfined);
	}
	for (size_t i = 0; i < w.n; i++) {
		for (size_t k = 0; k < w.v[i].ir.n_f; k++)
			free(w.v[i].ir.f[k].detail);
		free(w.v[i].ir.f);
		free(w.v[i].ir.error);
		free(w.v[i].image);
	}
	free(w.v);
	return errors ? 2 : bad ? SC_EXIT_FAIL : SC_EXIT_OK;
}
