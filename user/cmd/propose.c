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
#include "cmd/cmds.h"
#include "drift/propose.h"
#include "lib/paths.h"
#include "lib/util.h"

#define DAY 86400

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus propose --repo DIR --observed STATE-DIR [--profiles-subdir DIR]\n"
		"                         [--branch NAME] [--push REMOTE] [--body-file FILE] [--prune]\n"
		"                         [--prune-after DAYS] [--min-stable DURATION] [--open] [--as-user USER]\n"
		"                         [--caps ...]\n"
		"Write the observed syscalls of every image into the profiles committed in DIR (union;\n"
		"hand-written rules, args, comments and errnoRet kept), commit them on a branch made\n"
		"from the default branch, optionally push it, and write the pull request's body.\n"
		"The user's checkout is never touched: the work happens in a private clone.\n"
		"  --profiles-subdir DIR  where the profiles live in the repository (default seccomp)\n"
		"  --branch NAME          default syscensus/profiles-YYYY-MM-DD\n"
		"  --push REMOTE          push the branch to REMOTE (a remote of DIR)\n"
		"  --body-file FILE       write the pull request's body there (default: print it)\n"
		"  --prune                also remove permissions unused for --prune-after days (30)\n"
		"  --min-stable DURATION  only images whose syscalls have not grown for DURATION (30m,\n"
		"                         12h, 7d or seconds); the others are listed in the body (default: all)\n"
		"  --open                 open or update the pull request with gh or glab when installed\n"
		"  --as-user USER         run git as USER (when invoked as root)\n"
		"  --caps SPEC            capabilities the profiles are evaluated with, as for diff\n"
		"Exit status: 0 done or nothing to change; 1 failure; 2 usage error.\n");
}

/* "30m", "12h", "7d" or plain seconds, up to 100 years. 0 or -EINVAL. */
static int parse_duration(const char *s, int64_t *out)
{
	static const struct {
		char unit;
		uint64_t mult;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', DAY } };
	char num[32];
	size_t n = strlen(s);
	uint64_t mult = 1, v;

	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (num[n - 1] == units[i].unit) {
			mult = units[i].mult;
			num[n - 1] = '\0';
		}
	if (sc_parse_u64(num, 36500ULL * DAY / mult, &v))
		return -EINVAL;
	*out = (int64_t)(v * mult);
	return 0;
}

/* 0 to go on, -1 after --help, or SC_EXIT_USAGE */
static int parse_options(int argc, char **argv, struct sc_propose_opts *o, const char **observed,
			 const char **caps)
{
	static const struct option opts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "observed", required_argument, NULL, 'o' },
		{ "profiles-subdir", required_argument, NULL, 's' },
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
		switch (ch) {
		case 'r': o->repo = optarg; break;
		case 'o': *observed = optarg; break;
		case 's': o->subdir = optarg; break;
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
	if (!o->repo || !*observed || optind < argc) {
		sc_err("propose: --repo DIR and --observed STATE-DIR are needed");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	/* the subdirectory is a path inside the repository: relative, no "..", no "." */
	if (o->subdir[0] == '/' || strstr(o->subdir, "..") || !o->subdir[0] || strlen(o->subdir) > 200) {
		sc_err("--profiles-subdir: \"%s\" must be a relative path inside the repository, without ..", o->subdir);
		return SC_EXIT_USAGE;
	}
	return 0;
}

int cmd_propose(int argc, char **argv)
{
	struct sc_propose_opts o = { .subdir = "seccomp", .prune = { .after = 30 * DAY } };
	const char *observed = NULL, *caps = "default";
	char state[PATH_MAX], branch[256];
	struct sc_census c = {};
	time_t now = time(NULL);
	struct tm tm;
	int ret;

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
	if ((size_t)snprintf(state, sizeof(state), "%s/" SC_STATE_FILE, observed) >= sizeof(state)) {
		sc_err("--observed: path too long");
		return SC_EXIT_USAGE;
	}
	if (access(state, F_OK) < 0) {
		sc_err("%s: %s (has `syscensus agent --state-dir %s` run?)", state, strerror(errno), observed);
		return SC_EXIT_FAIL;
	}
	if (census__load(&c, state))
		return SC_EXIT_FAIL;
	ret = drift__propose(&c, &o);
	census__free(&c);
	return ret;
}
