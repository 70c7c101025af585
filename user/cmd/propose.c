// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus propose: options, the agent's state, then drift/propose.c's workflow. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "census/census.h"
#include "cmd/observed.h"
#include "cmd/cmds.h"
#include "drift/propose.h"
#include "lib/paths.h"
#include "lib/util.h"
#include "seccomp/generate.h"

#define DAY 86400

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus propose --repo DIR (--observed STATE-DIR | --prometheus URL [--window DURATION])\n"
		"                         [--profiles-subdir DIR] [--profiles-format docker|both]\n"
		"                         [--branch NAME] [--push REMOTE] [--body-file FILE] [--prune]\n"
		"                         [--prune-after DAYS] [--min-stable DURATION] [--open] [--as-user USER]\n"
		"                         [--caps ...]\n"
		"Write the observed syscalls of every image into the profiles committed in DIR (union;\n"
		"hand-written rules, args, comments and errnoRet kept), commit them on a branch made\n"
		"from the default branch, optionally push it, and write the pull request's body.\n"
		"The user's checkout is never touched: the work happens in a private clone.\n"
		SC_OBSERVED_HELP
		"  --profiles-subdir DIR  where the profiles live in the repository (default seccomp)\n"
		"  --profiles-format F    docker (default): the JSON profiles; both: also each one's\n"
		"                         SeccompProfile (Security Profiles Operator) as <name>.yaml beside\n"
		"                         it, made from the merged JSON (which stays what is merged into)\n"
		"  --branch NAME          default syscensus/profiles-YYYY-MM-DD\n"
		"  --push REMOTE          push the branch to REMOTE (a remote of DIR)\n"
		"  --body-file FILE       write the pull request's body there (default: print it)\n"
		"  --prune                also remove permissions unused for --prune-after days (30)\n"
		"  --min-stable DURATION  only images whose syscalls have not grown for DURATION (30m,\n"
		"                         12h, 7d or seconds); the others are listed in the body (default: all)\n"
		"  --open                 open or update the pull request with gh or glab when installed\n"
		"  --as-user USER         run git as USER (when invoked as root)\n"
		"  --caps SPEC            capabilities the profiles are evaluated with, as for diff\n"
		"Exit status: 0 done or nothing to change; 1 failure; 2 usage error, or what was observed\n"
		"cannot be read (no state file, Prometheus unreachable or answering an error).\n");
}

/* --profiles-format: the JSON always (it is what is merged into), the SeccompProfile beside it with both */
static int profiles_format(const char *arg, struct sc_propose_opts *o)
{
	if (generate__parse_forms(arg, &o->forms))
		return -EINVAL;
	if (!(o->forms & SC_FORM_DOCKER)) {
		sc_err("propose: --profiles-format crd: the JSON profiles are what propose merges observations "
		       "into; give both to commit each one's SeccompProfile beside it");
		return -EINVAL;
	}
	return 0;
}

/* The subdirectory is a path inside the repository: relative, no "..", no ".". 0 or SC_EXIT_USAGE. */
static int check_subdir(const char *subdir)
{
	if (subdir[0] == '/' || strstr(subdir, "..") || !subdir[0] || strlen(subdir) > 200) {
		sc_err("--profiles-subdir: \"%s\" must be a relative path inside the repository, without ..", subdir);
		return SC_EXIT_USAGE;
	}
	return 0;
}

/* 0 to go on, -1 after --help, or SC_EXIT_USAGE */
static int parse_options(int argc, char **argv, struct sc_propose_opts *o, struct sc_observed *observed,
			 const char **caps)
{
	static const struct option opts[] = {
		{ "repo", required_argument, NULL, 'r' },
		SC_OBSERVED_OPTIONS,
		{ "profiles-subdir", required_argument, NULL, 's' },
		{ "profiles-format", required_argument, NULL, 'f' },
		{ "branch", required_argument, NULL, 'b' },
		{ "push", required_argument, NULL, 'p' },
		{ "body-file", required_argument, NULL, 'B' },
		{ "prune", no_argument, NULL, 'P' },
		{ "prune-after", required_argument, NULL, 'a' },
		{ "min-stable", required_argument, NULL, 'm' },
		{ "open", no_argument, NULL, 'O' },
		{ "as-user", required_argument, NULL, 'u' },
		{ "caps", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	uint64_t v;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int taken = observed__option(observed, ch, optarg);

		if (taken < 0)
			return SC_EXIT_USAGE;
		if (taken)
			continue;
		switch (ch) {
		case 'r': o->repo = optarg; break;
		case 's': o->subdir = optarg; break;
		case 'f':
			if (profiles_format(optarg, o))
				return SC_EXIT_USAGE;
			break;
		case 'b': o->branch = optarg; break;
		case 'p': o->remote = optarg; break;
		case 'B': o->body_file = optarg; break;
		case 'P': o->prune.on = true; break;
		case 'O': o->open_pr = true; break;
		case 'u': o->as_user = optarg; break;
		case 'c': *caps = optarg; break;
		case 'a':
			if (sc_parse_u64(optarg, 36500, &v)) {
				sc_err("--prune-after: expected a number of days, not \"%s\"", optarg);
				return SC_EXIT_USAGE;
			}
			o->prune.after = (int64_t)v * DAY;
			break;
		case 'm':
			if (parse_duration(optarg, &o->min_stable)) {
				sc_err("--min-stable: expected a duration such as 30m, 12h, 7d or seconds, not \"%s\"", optarg);
				return SC_EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (!o->repo || optind < argc || observed__check(observed, "propose")) {
		if (!o->repo || optind < argc)
			sc_err(optind < argc ? "propose: unexpected argument \"%s\"" : "propose: --repo DIR is needed",
			       argv[optind]);
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (o->prune.on && observed->prom.url) {
		sc_err("propose: --prune needs when each syscall was last used, which Prometheus's cumulative "
		       "counters do not say: prune from one agent's --observed STATE-DIR");
		return SC_EXIT_USAGE;
	}
	return check_subdir(o->subdir);
}

int cmd_propose(int argc, char **argv)
{
	struct sc_propose_opts o = { .subdir = "seccomp", .prune = { .after = 30 * DAY } };
	const char *caps = "default";
	struct sc_observed observed;
	char branch[256], source[96], win[32];
	struct sc_census c = {};
	time_t now = time(NULL);
	struct tm tm;
	int ret;

	observed__init(&observed);
	if ((ret = parse_options(argc, argv, &o, &observed, &caps)))
		return ret < 0 ? SC_EXIT_OK : ret;
	o.prune.now = o.now = (int64_t)now;
	if (!o.branch) {
		gmtime_r(&now, &tm);
		strftime(branch, sizeof(branch), "syscensus/profiles-%Y-%m-%d", &tm);
		o.branch = branch;
	}
	if (eval_ctx_current(&o.ctx)) {
		sc_err("cannot read this process's architecture, capabilities or kernel");
		return SC_EXIT_FAIL;
	}
	if (parse_caps(caps, &o.ctx.caps))
		return SC_EXIT_USAGE;
	if (observed.prom.url) {
		snprintf(source, sizeof(source), "Prometheus, over the last %s", observed__window(&observed, win, sizeof(win)));
		o.source = source;
	}
	if (observed__load(&c, &observed)) {
		census__free(&c);
		return SC_EXIT_USAGE;
	}
	ret = drift__propose(&c, &o);
	census__free(&c);
	return ret;
}
