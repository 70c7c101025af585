// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus diff: what the agent observed, per image, against the profiles a team
 * keeps (--against) or the ones running containers enforce (--deployed); the
 * evaluation and the rendering are drift/'s.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "census/census.h"
#include "cmd/cmds.h"
#include "cmd/observed.h"
#include "drift/drift.h"
#include "lib/paths.h"
#include "lib/util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus diff (--observed STATE-DIR | --prometheus URL [--window DURATION])\n"
		"                      --against PROFILES-DIR [--format text|json|markdown]\n"
		"                      [--fail-on unused] [--caps default|all|none|CAP_X,CAP_Y...]\n"
		"       syscensus diff --observed STATE-DIR --deployed [--storage-root DIR] [--docker-root DIR]\n"
		"                      [--bundle-root DIR]... [--kubelet-seccomp-root DIR] [--format ...]\n"
		"       syscensus diff [--caps ...] [--format ...] A.json B.json\n"
		"Evaluate what the agent observed for each image against PROFILES-DIR/<image>.json\n"
		"(the agent's file names), as the kernel would apply each profile.\n"
		SC_OBSERVED_HELP
		"  --caps  capabilities includes/excludes.caps are evaluated with (default: Docker's\n"
		"          default set for a container, which has no CAP_SYS_ADMIN)\n"
		"--deployed: every running container, the profile its OCI bundle enforces (linux.seccomp\n"
		"in config.json), its seccomp mode and filter count from /proc/PID/status (UNCONFINED when\n"
		"it has no filter), and its image's observed syscalls against that profile. A pod's\n"
		"container is named by its namespace, pod and container; what the pod asked for (CRI-O's\n"
		"io.kubernetes.cri-o.SeccompProfilePath) is said, and when the bundle holds no profile,\n"
		"that Localhost file is evaluated (below --kubelet-seccomp-root, default\n"
		"" SC_KUBELET_SECCOMP_ROOT "). Pods' sandbox containers are left out.\n"
		SC_RUNTIME_ROOTS_HELP
		"Syscalls the enforced filters refused (agent --denials) are listed as DENIED.\n"
		"A.json B.json: profile against profile, every syscall of every architecture either covers\n"
		"put to both compiled filters: what A lets run and B refuses, the other way round, what one\n"
		"allows only for some arguments, and what both refuse with different answers (EPERM or\n"
		"ENOSYS decides whether a library falls back).\n"
		"  --format  text (default), json or markdown\n\n"
		"Exit status: 0 no breaking drift (A B: the two answer alike); 1 breaking drift or denials\n"
		"(or unused, with --fail-on unused; A B: they differ); 2 error.\n");
}

struct diff_opts {
	struct sc_observed observed;
	const char *against, *caps;
	const char *a, *b;	/* profile against profile */
	bool deployed, fail_unused;
	const char *kubelet_root;	/* where Localhost profiles are */
	enum sc_format fmt;
	struct sc_runtime_roots roots;
};

/* 0 to go on, or the exit status of a usage error or --help */
static int parse_options(int argc, char **argv, struct diff_opts *o)
{
	static const struct option opts[] = {
		SC_OBSERVED_OPTIONS,
		{ "against", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "caps", required_argument, NULL, 'c' },
		{ "deployed", no_argument, NULL, 'D' },
		{ "storage-root", required_argument, NULL, 'R' },
		{ "docker-root", required_argument, NULL, 'R' },
		{ "bundle-root", required_argument, NULL, 'R' },
		{ "kubelet-seccomp-root", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int ch, idx;

	while ((ch = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
		int taken = observed__option(&o->observed, ch, optarg);

		if (taken < 0)
			return SC_EXIT_USAGE;
		if (taken)
			continue;
		switch (ch) {
		case 'a': o->against = optarg; break;
		case 'c': o->caps = optarg; break;
		case 'D': o->deployed = true; break;
		case 'K': o->kubelet_root = optarg; break;
		case 'R':
			if (runtime__roots_option(&o->roots, opts[idx].name, optarg))
				return SC_EXIT_USAGE;
			break;
		case 'f':
			if (drift__parse_format(optarg, &o->fmt))
				return SC_EXIT_USAGE;
			break;
		case 'F':
			if (strcmp(optarg, "unused")) {
				sc_err("--fail-on: expected unused, not \"%s\"", optarg);
				return SC_EXIT_USAGE;
			}
			o->fail_unused = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	bool source = o->observed.dir || o->observed.prom.url;

	if (optind < argc && (argc - optind != 2 || source || o->against || o->deployed)) {
		sc_err(argc - optind == 2 ? "diff: two profiles or --observed, not both"
					  : "diff: unexpected argument \"%s\" (two profiles, A.json B.json, are compared)",
		       argv[optind]);
		return SC_EXIT_USAGE;
	}
	if (optind < argc) {
		o->a = argv[optind];
		o->b = argv[optind + 1];
		return 0;
	}
	if (observed__check(&o->observed, "diff")) {
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (!o->against == !o->deployed || (o->deployed && !o->observed.dir)) {
		sc_err(o->against && o->deployed ? "diff: --against and --deployed: one of them, not both"
		       : o->deployed ? "diff: --deployed reads this node's containers: use --observed STATE-DIR"
				     : "diff: one of --against PROFILES-DIR or --deployed is needed");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	return 0;
}

static int diff_profiles(const struct diff_opts *o, const struct sc_eval_ctx *ctx)
{
	struct sc_comparison c;
	int ret = 2;

	if (drift__compare(&c, o->a, o->b, ctx) == 0)
		ret = drift__render_comparison(&c, o->a, o->b, o->fmt) ? 2 : c.n ? SC_EXIT_FAIL : SC_EXIT_OK;
	drift__comparison_free(&c);
	return ret;
}

static int diff_against(struct sc_census *c, const struct diff_opts *o, const struct sc_eval_ctx *ctx)
{
	struct sc_drift d;
	bool breaking = false, unused = false;
	int err = drift__against(&d, c, o->against, ctx);

	for (size_t i = 0; i < d.n; i++) {
		breaking |= d.ev[i].n[SC_BREAKING] > 0 || d.ev[i].img->n_denied > 0;
		unused |= d.ev[i].n[SC_UNUSED] > 0;
	}
	if (d.ev && drift__render(&d, o->fmt))
		err = -EIO;
	drift__free(&d);
	return err ? 2 : breaking || (o->fail_unused && unused) ? SC_EXIT_FAIL : SC_EXIT_OK;
}

static int diff_deployed(struct sc_census *c, const struct diff_opts *o, const struct sc_eval_ctx *ctx)
{
	struct sc_deployment dep;
	bool bad = false, errors = false;
	int ret = 2;

	if (drift__deployed(&dep, c, &o->roots, o->kubelet_root ? o->kubelet_root : SC_KUBELET_SECCOMP_ROOT, ctx) == 0) {
		for (size_t i = 0; i < dep.n; i++) {
			errors |= dep.v[i].ev.error != NULL;
			bad |= dep.v[i].ev.n[SC_BREAKING] > 0 || dep.v[i].ev.img->n_denied > 0;
		}
		if (drift__render_deployed(&dep, o->fmt))
			errors = true;
		ret = errors ? 2 : bad ? SC_EXIT_FAIL : SC_EXIT_OK;
	}
	drift__deployment_free(&dep);
	runtime__cleanup();
	return ret;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o = { .caps = "default" };
	struct sc_census c = {};
	struct sc_eval_ctx ctx;
	int ret;

	runtime__roots_default(&o.roots);
	observed__init(&o.observed);
	if ((ret = parse_options(argc, argv, &o)))
		return ret < 0 ? SC_EXIT_OK : ret;
	if (eval_ctx_current(&ctx)) {
		sc_err("cannot read the running kernel's version");
		return 2;
	}
	if (parse_caps(o.caps, &ctx.caps))
		return SC_EXIT_USAGE;
	if (o.a)
		return diff_profiles(&o, &ctx);
	if (observed__load(&c, &o.observed)) {
		census__free(&c);
		return 2;	/* said */
	}
	ret = o.deployed ? diff_deployed(&c, &o, &ctx) : diff_against(&c, &o, &ctx);
	census__free(&c);
	return ret;
}
