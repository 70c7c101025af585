// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus check: validate and compile profiles without running anything. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>

#include "syscensus.h"
#include "cmd/cmds.h"
#include "lib/json.h"
#include "lib/util.h"
#include "seccomp/filter.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus check [OPTIONS] FILE...\n"
		"Validate and compile Docker/OCI seccomp profiles for this machine (architecture,\n"
		"capabilities and kernel of this process) and say what they allow.\n\n"
		"  -j, --json                  one JSON document on stdout: an array, an object per file\n"
		"  -n, --names                 also list the syscalls allowed (and allowed for some\n"
		"                              arguments) on the native architecture, as the kernel would\n"
		"      --unknown-syscalls MODE fail (default) or warn on names no architecture knows\n"
		"  -h, --help                  this text\n\n"
		"FILE may be - (standard input).\n"
		"Exit status: 0 every file is valid; 1 otherwise; 2 usage error.\n");
}

/* What check says of a valid profile. */
struct checked {
	const struct sc_profile *p;
	const struct sc_eval_ctx *ctx;
	const struct sc_filter *f;
	struct sc_compile_stats st;
	size_t active, insns;
	char defact[48];
	bool names;		/* --names */
};

/* The native syscalls the filter allows (@want SC_V_ALLOW) or allows for some arguments, by number. */
static cJSON *names_json(const struct checked *k, enum sc_verdict_kind want)
{
	cJSON *arr = cJSON_CreateArray();

	for (int nr = 0; arr && nr < SC_NR_OVERFLOW; nr++) {
		const char *name = syscall_name(k->ctx->native, nr);

		if (name && filter__verdict(k->f, k->ctx->native, nr).kind == want)
			cJSON_AddItemToArray(arr, cJSON_CreateString(name));
	}
	return arr;
}

static void print_names(const struct checked *k, enum sc_verdict_kind want, const char *label)
{
	cJSON *arr = names_json(k, want), *x;
	size_t n = 0;

	printf("  %-15s", label);
	cJSON_ArrayForEach(x, arr)
		printf("%s%s", n++ ? " " : "", x->valuestring);
	printf("%s\n", n ? "" : "(none)");
	cJSON_Delete(arr);
}

static void add_json(cJSON *out, const char *file, const struct checked *k)
{
	cJSON *o = cJSON_CreateObject(), *arr;

	if (!o || !cJSON_AddItemToArray(out, o)) {
		cJSON_Delete(o);
		return;
	}
	cJSON_AddStringToObject(o, "file", file);
	cJSON_AddBoolToObject(o, "valid", 1);
	cJSON_AddStringToObject(o, "defaultAction", k->defact);
	arr = cJSON_AddArrayToObject(o, "architectures");
	cJSON_AddItemToArray(arr, cJSON_CreateString(arch_by_token(k->ctx->native)->docker));
	for (size_t i = 0; i < k->p->n_arches; i++)
		if (k->p->arches[i] != k->ctx->native)
			cJSON_AddItemToArray(arr, cJSON_CreateString(arch_by_token(k->p->arches[i])->docker));
	cJSON_AddItemToObject(o, "rules", json_u64_node(k->p->n_rules));
	cJSON_AddItemToObject(o, "activeRules", json_u64_node(k->active));
	cJSON_AddItemToObject(o, "allowed", json_u64_node(k->st.syscalls_allowed));
	cJSON_AddItemToObject(o, "conditional", json_u64_node(k->st.syscalls_conditional));
	cJSON_AddItemToObject(o, "bpfInstructions", json_u64_node(k->insns));
	if (k->names) {
		cJSON_AddItemToObject(o, "allowedNames", names_json(k, SC_V_ALLOW));
		cJSON_AddItemToObject(o, "conditionalNames", names_json(k, SC_V_CONDITIONAL));
	}
}

static void print_text(const char *file, const struct checked *k)
{
	printf("%s: valid\n", file);
	printf("  default action: %s\n", k->defact);
	printf("  architectures:  %s (native)", arch_by_token(k->ctx->native)->docker);
	for (size_t i = 0; i < k->p->n_arches; i++)
		if (k->p->arches[i] != k->ctx->native)
			printf(", %s", arch_by_token(k->p->arches[i])->docker);
	printf("\n  rules:          %zu in the file, %zu apply here (%s, kernel %u.%u)\n", k->p->n_rules,
	       k->active, k->ctx->goarch, k->ctx->kmajor, k->ctx->kminor);
	printf("  syscalls:       %u allowed, %u allowed under argument conditions\n",
	       k->st.syscalls_allowed, k->st.syscalls_conditional);
	printf("  filter:         %zu BPF instructions (%zu bytes), %u libseccomp rules\n", k->insns,
	       k->insns * sizeof(struct sock_filter), k->st.rules);
	if (k->names) {
		print_names(k, SC_V_ALLOW, "allowed:");
		print_names(k, SC_V_CONDITIONAL, "conditional:");
	}
}

static int check_one(const char *file, const struct sc_eval_ctx *ctx, enum sc_unknown_policy unknown,
		     cJSON *json, bool names)
{
	struct checked k = { .ctx = ctx, .names = names };
	struct sc_filter f = {};
	struct sc_profile *p;
	char err[1024];
	int ret = -EINVAL;

	p = profile__load(file, ctx, unknown, err, sizeof(err));
	if (!p || profile__filter(p, ctx, &f, &k.st, err, sizeof(err)))
		goto out;
	if (f.n > BPF_MAXINSNS) {
		snprintf(err, sizeof(err), "%s: compiles to %zu BPF instructions, more than the kernel's limit of %d",
			 file, f.n, BPF_MAXINSNS);
		goto out;
	}
	k.p = p;
	k.f = &f;
	k.insns = f.n;
	for (size_t i = 0; i < p->n_rules; i++)
		k.active += p->rules[i].active;
	action_str(p->default_action, k.defact, sizeof(k.defact));
	if (json)
		add_json(json, file, &k);
	else
		print_text(file, &k);
	ret = 0;
out:
	if (ret) {
		if (json) {
			cJSON *o = cJSON_CreateObject();

			if (o && cJSON_AddItemToArray(json, o)) {
				cJSON_AddStringToObject(o, "file", file);
				cJSON_AddBoolToObject(o, "valid", 0);
				cJSON_AddStringToObject(o, "error", err);
			} else {
				cJSON_Delete(o);
			}
		}
		sc_err("%s", err);
	}
	filter__free(&f);
	profile__free(p);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "names", no_argument, NULL, 'n' },
		{ "unknown-syscalls", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	enum sc_unknown_policy unknown = SC_UNKNOWN_FAIL;
	struct sc_eval_ctx ctx;
	bool json = false, names = false;
	cJSON *out = NULL;
	int c, ret = SC_EXIT_OK;

	while ((c = getopt_long(argc, argv, "jnh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'n':
			names = true;
			break;
		case 'U':
			if (profile__parse_unknown_policy(optarg, &unknown))
				return SC_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		sc_err("check: no profile given");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	c = eval_ctx_current(&ctx);
	if (c) {
		sc_err("cannot read this process's architecture, capabilities or kernel: %s", strerror(-c));
		return SC_EXIT_FAIL;
	}
	if (json && !(out = cJSON_CreateArray())) {
		sc_err("out of memory");
		return SC_EXIT_FAIL;
	}
	for (; optind < argc; optind++)
		if (check_one(argv[optind], &ctx, unknown, out, names))
			ret = SC_EXIT_FAIL;
	if (json && json_print(out)) {
		sc_err("cannot print the result");
		ret = SC_EXIT_FAIL;
	}
	return ret;
}
