// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus exec: load a Docker/OCI profile with libseccomp and execve the command
 * under it, like `docker run --security-opt seccomp=FILE` confines a container.
 * After the filter is loaded the only syscall made is execve().
 *
 * --complain: the profile with SCMP_ACT_LOG as its default action (what is refused
 * is logged and let run), CMD recorded meanwhile (record/session.c), and at its exit
 * the syscalls it made that the profile itself would have refused, answered by the
 * profile's compiled filter.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "cmd/cmds.h"
#include "lib/util.h"
#include "record/session.h"
#include "seccomp/filter.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"

extern char **environ;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus exec --profile FILE [OPTIONS] -- CMD [ARG...]\n"
		"Run CMD confined by the seccomp profile FILE (Docker/OCI JSON).\n\n"
		"  -p, --profile FILE          the profile (required)\n"
		"      --no-new-privs          set no_new_privs (always set without CAP_SYS_ADMIN)\n"
		"      --complain              run CMD under the profile with SCMP_ACT_LOG as its default\n"
		"                              action (refusals are logged by the kernel, and let run),\n"
		"                              record it, and report at its exit the syscalls the profile\n"
		"                              would have refused: how to roll a profile out (needs what\n"
		"                              record needs: root)\n"
		"      --unknown-syscalls MODE fail (default) or warn on names no architecture knows\n"
		"  -h, --help                  this text\n\n"
		"Exit status: CMD's own (128+N if killed by signal N; with --complain too, whatever it\n"
		"would have been refused); 1 if the profile is invalid (or the recording failed); 2 for a\n"
		"usage error; 127 if CMD cannot run.\n");
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

/* The syscalls of @t that @f refuses (or allows for some arguments only), said. Returns how many are refused. */
static unsigned complain_report(const struct sc_tally *t, const struct sc_filter *f, const char *file,
				const char *cmd)
{
	unsigned refused = 0, cond = 0;
	char act[48];

	for (int pass = 0; pass < 2; pass++)
		for (int a = 0; a < SC_NR_ABIS; a++) {
			const struct sc_arch *arch = arch_of_abi(a);

			for (int nr = 0; arch && nr < SC_NR_PER_ABI; nr++) {
				const char *name = syscall_name(arch->token, nr);
				struct sc_verdict v;

				if (!t->n[a][nr])
					continue;
				v = filter__verdict(f, arch->token, nr);
				if (v.kind != (pass ? SC_V_CONDITIONAL : SC_V_DENY))
					continue;
				if (pass ? !cond++ : !refused++)
					sc_info(pass ? "complain: allowed by %s for some arguments only (arguments are not "
						       "recorded: check them):" : "complain: %s would have refused:", file);
				action_str(v.ret, act, sizeof(act));
				sc_info("  %-22s %-16s %llu calls%s%s", name ? name : "?", arch->docker,
					(unsigned long long)t->n[a][nr], pass ? "" : ", ", pass ? "" : act);
			}
		}
	if (!refused)
		sc_info("complain: %s would have refused none of the syscalls %s made%s", file, cmd,
			cond ? " (see the conditional ones above)" : "");
	return refused;
}

/* --complain: CMD recorded under @p's LOG variant, then told what @p would have refused. */
static int exec_complain(struct sc_profile *p, const struct sc_eval_ctx *ctx, bool nnp, char **argv)
{
	struct sc_filter strict = {}, logf = {};
	struct sc_compile_stats st;
	scmp_filter_ctx fctx = NULL;
	struct sock_fprog prog;
	struct sc_record_opts ro = { .attach = SC_ATTACH_AUTO, .no_new_privs = nnp };
	struct sc_recording *r = malloc(sizeof(*r));
	char err[1024];
	int ret = SC_EXIT_FAIL;

	if (!r) {
		sc_err("out of memory");
		return SC_EXIT_FAIL;
	}
	if (profile__filter(p, ctx, &strict, &st, err, sizeof(err))) {
		sc_err("%s", err);
		goto out;
	}
	p->default_action = SCMP_ACT_LOG;
	if (profile__compile(p, ctx, nnp, &fctx, &st, err, sizeof(err)) || filter__export(fctx, &logf)) {
		sc_err("%s: cannot make its SCMP_ACT_LOG variant: %s", p->file, fctx ? "export failed" : err);
		goto out;
	}
	prog = (struct sock_fprog){ .len = (unsigned short)logf.n, .filter = logf.insns };
	ro.filter = &prog;
	if ((ret = record__run(&ro, argv, r))) {
		ret = ret == 127 ? 127 : SC_EXIT_FAIL;
		goto out;
	}
	/* under the filter: CMD, from its execve on, not the installing of the filter */
	complain_report(&r->filtered, &strict, p->file, argv[0]);
	ret = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : WIFSIGNALED(r->status) ? 128 + WTERMSIG(r->status)
										  : SC_EXIT_FAIL;
	if (r->interrupted)
		ret = 128 + r->interrupted;
	recording__free(r);
out:
	if (fctx)
		seccomp_release(fctx);
	filter__free(&strict);
	filter__free(&logf);
	free(r);
	return ret;
}

/* --complain: @file loaded as compile() does, then exec_complain(). */
static int complain_main(const char *file, enum sc_unknown_policy unknown, bool nnp, char **argv)
{
	struct sc_eval_ctx ctx;
	struct sc_profile *p;
	char err[1024];
	int ret;

	if ((ret = eval_ctx_current(&ctx))) {
		sc_err("cannot read this process's architecture, capabilities or kernel: %s", strerror(-ret));
		return SC_EXIT_FAIL;
	}
	if (!(p = profile__load(file, &ctx, unknown, err, sizeof(err)))) {
		sc_err("%s", err);
		return SC_EXIT_FAIL;
	}
	if (!((ctx.caps >> CAP_SYS_ADMIN) & 1))
		nnp = true;
	ret = exec_complain(p, &ctx, nnp, argv);
	profile__free(p);
	return ret;
}

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "no-new-privs", no_argument, NULL, 'N' },
		{ "complain", no_argument, NULL, 'C' },
		{ "unknown-syscalls", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	enum sc_unknown_policy unknown = SC_UNKNOWN_FAIL;
	const char *file = NULL;
	scmp_filter_ctx filter = NULL;
	char *path = NULL;
	bool nnp = false, complain = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			file = optarg;
			break;
		case 'N':
			nnp = true;
			break;
		case 'C':
			complain = true;
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
	if (complain)
		return complain_main(file, unknown, nnp, &argv[optind]);
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
