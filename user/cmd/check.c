// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus check: validate and compile profiles without running anything. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/json.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"

/* classic BPF programs are limited to BPF_MAXINSNS instructions by the kernel */
#define BPF_MAXINSNS 4096

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus check [OPTIONS] FILE...\n"
		"Validate and compile Docker/OCI seccomp profiles for this machine (architecture,\n"
		"capabilities and kernel of this process) and say what they allow.\n\n"
		"  -j, --json                  one JSON object per file on stdout\n"
		"      --unknown-syscalls MODE fail (default) or warn on names no architecture knows\n"
		"  -h, --help                  this text\n\n"
		"Exit status: 0 every file is valid; 1 otherwise.\n");
}

/* Size in bytes of the compiled classic BPF program. */
static long filter_size(scmp_filter_ctx f)
{
	struct stat st;
	long ret;
	int fd = memfd_create("syscensus-bpf", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	ret = seccomp_export_bpf(f, fd);
	if (ret == 0)
		ret = fstat(fd, &st) < 0 ? -errno : st.st_size;
	close(fd);
	return ret;
}

static int check_one(const char *file, const struct sc_eval_ctx *ctx, enum sc_unknown_policy unknown,
		     bool json)
{
	struct sc_compile_stats st;
	scmp_filter_ctx filter = NULL;
	struct sc_profile *p;
	char err[1024], act[40];
	size_t active = 0;
	long bytes;
	int ret;

	p = profile__load(file, ctx, unknown, err, sizeof(err));
	if (!p)
		goto invalid;
	ret = profile__compile(p, ctx, false, &filter, &st, err, sizeof(err));
	if (ret)
		goto invalid;
	bytes = filter_size(filter);
	seccomp_release(filter);
	if (bytes < 0) {
		snprintf(err, sizeof(err), "%s: cannot export the compiled filter: %s", file, strerror(-bytes));
		goto invalid;
	}
	for (size_t i = 0; i < p->n_rules; i++)
		active += p->rules[i].active;
	action_str(p->default_action, act, sizeof(act));
	if (bytes / 8 > BPF_MAXINSNS) {
		snprintf(err, sizeof(err), "%s: compiles to %ld BPF instructions, more than the kernel's limit of %d",
			 file, bytes / 8, BPF_MAXINSNS);
		goto invalid;
	}
	if (json) {
		cJSON *o = cJSON_CreateObject(), *arr;

		cJSON_AddStringToObject(o, "file", file);
		cJSON_AddBoolToObject(o, "valid", 1);
		cJSON_AddStringToObject(o, "defaultAction", act);
		arr = cJSON_AddArrayToObject(o, "architectures");
		cJSON_AddItemToArray(arr, cJSON_CreateString(arch_by_token(ctx->native)->docker));
		for (size_t i = 0; i < p->n_arches; i++)
			if (p->arches[i] != ctx->native)
				cJSON_AddItemToArray(arr, cJSON_CreateString(arch_by_token(p->arches[i])->docker));
		cJSON_AddItemToObject(o, "rules", json_u64_node(p->n_rules));
		cJSON_AddItemToObject(o, "activeRules", json_u64_node(active));
		cJSON_AddItemToObject(o, "allowed", json_u64_node(st.syscalls_allowed));
		cJSON_AddItemToObject(o, "conditional", json_u64_node(st.syscalls_conditional));
		cJSON_AddItemToObject(o, "bpfInstructions", json_u64_node(bytes / 8));
		json_print(o);
	} else {
		printf("%s: valid\n", file);
		printf("  default action: %s\n", act);
		printf("  architectures:  %s (native)", arch_by_token(ctx->native)->docker);
		for (size_t i = 0; i < p->n_arches; i++)
			if (p->arches[i] != ctx->native)
				printf(", %s", arch_by_token(p->arches[i])->docker);
		printf("\n  rules:          %zu in the file, %zu apply here (%s, kernel %u.%u)\n", p->n_rules,
		       active, ctx->goarch, ctx->kmajor, ctx->kminor);
		printf("  syscalls:       %u allowed, %u allowed under argument conditions\n",
		       st.syscalls_allowed, st.syscalls_conditional);
		printf("  filter:         %ld BPF instructions (%ld bytes), %u libseccomp rules\n",
		       bytes / 8, bytes, st.rules);
	}
	profile__free(p);
	return 0;
invalid:
	profile__free(p);
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "file", file);
		cJSON_AddBoolToObject(o, "valid", 0);
		cJSON_AddStringToObject(o, "error", err);
		json_print(o);
	}
	sc_err("%s", err);
	return -EINVAL;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "unknown-syscalls", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	enum sc_unknown_policy unknown = SC_UNKNOWN_FAIL;
	struct sc_eval_ctx ctx;
	bool json = false;
	int c, ret = SC_EXIT_OK;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
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
	for (; optind < argc; optind++)
		if (check_one(argv[optind], &ctx, unknown, json))
			ret = SC_EXIT_FAIL;
	return ret;
}
