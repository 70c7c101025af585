// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus exec: load a Docker/OCI profile with libseccomp and execve the command
 * under it, like `docker run --security-opt seccomp=FILE` confines a container.
 * After the filter is loaded the only syscall made is execve().
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "cmd/cmds.h"
#include "seccomp/profile.h"
#include "lib/util.h"

extern char **environ;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus exec --profile FILE [OPTIONS] -- CMD [ARG...]\n"
		"Run CMD confined by the seccomp profile FILE (Docker/OCI JSON).\n\n"
		"  -p, --profile FILE          the profile (required)\n"
		"      --no-new-privs          set no_new_privs (always set without CAP_SYS_ADMIN)\n"
		"      --unknown-syscalls MODE fail (default) or warn on names no architecture knows\n"
		"  -h, --help                  this text\n\n"
		"Exit status: CMD's own; 1 if the profile is invalid; 127 if CMD cannot run.\n");
}

/* @file compiled for this process; no_new_privs when the kernel needs it. 0 or -errno (said). */
static int compile(const char *file, enum sc_unknown_policy unknown, bool nnp, scmp_filter_ctx *filter)
{
	struct sc_compile_stats st;
	struct sc_eval_ctx ctx;
	struct sc_profile *p;
	char err[1024];
	int ret;

	ret = eval_ctx_current(&ctx);
	if (ret) {
		sc_err("cannot read this process's architecture, capabilities or kernel: %s", strerror(-ret));
		return ret;
	}
	p = profile__load(file, &ctx, unknown, err, sizeof(err));
	if (!p) {
		sc_err("%s", err);
		return -EINVAL;
	}
	/* the kernel refuses a filter from a task without CAP_SYS_ADMIN unless no_new_privs */
	if (!((ctx.caps >> CAP_SYS_ADMIN) & 1))
		nnp = true;
	ret = profile__compile(p, &ctx, nnp, filter, &st, err, sizeof(err));
	profile__free(p);
	if (ret)
		sc_err("%s", err);
	return ret;
}

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "no-new-privs", no_argument, NULL, 'N' },
		{ "unknown-syscalls", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	enum sc_unknown_policy unknown = SC_UNKNOWN_FAIL;
	const char *file = NULL;
	scmp_filter_ctx filter = NULL;
	char *path = NULL;
	bool nnp = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			file = optarg;
			break;
		case 'N':
			nnp = true;
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
	if (!file || optind >= argc) {
		sc_err(!file ? "exec: --profile is required" : "exec: no command given");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (compile(file, unknown, nnp, &filter))
		return SC_EXIT_FAIL;
	path = sc_resolve_command(argv[optind]);
	if (!path) {
		sc_err("exec: %s: %s", argv[optind], strerror(errno));
		seccomp_release(filter);
		return 127;
	}
	ret = seccomp_load(filter);
	seccomp_release(filter);
	if (ret) {
		sc_err("cannot load the seccomp filter of %s: %s", file, strerror(-ret));
		free(path);
		return SC_EXIT_FAIL;
	}
	execve(path, &argv[optind], environ);
	/* the profile may deny even this message */
	sc_err("exec: cannot execute %s under %s: %s", path, file, strerror(errno));
	free(path);
	return 127;
}
