// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus status: the agent's state file, shown (census/status.c). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "census/status.h"
#include "cmd/cmds.h"
#include "cmd/observed.h"
#include "lib/json.h"
#include "lib/paths.h"
#include "lib/util.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: syscensus status [--state-dir DIR] [--profiles-dir DIR] [--by image|workload] [--json]\n"
		   "       syscensus status --prometheus URL [--window DURATION] [--node-label LABEL] [--job NAME]\n"
		   "                        [--json]\n"
		   "Images and containers the agent has seen, their syscalls, last activity,\n"
		   "and the health of the recorder and of the state (from STATE-DIR/" SC_STATE_FILE ").\n"
		   "With --prometheus: the same per image for the whole cluster, the union of what every\n"
		   "node's agent reported (see `syscensus diff --help`), with the nodes each image ran on.\n\n"
		   "  --state-dir DIR     the agent's state directory (default " SC_DEFAULT_STATE_DIR ")\n"
		   "  --profiles-dir DIR  where the agent writes profiles (default STATE-DIR/" SC_PROFILES_SUBDIR ")\n"
		   "  --by VIEW           image (default): one line per image, then the pods' containers;\n"
		   "                      workload: Kubernetes pods grouped by namespace and workload (the\n"
		   "                      Deployment, StatefulSet, CronJob... inferred from the pod names)\n"
		   "                      with the images they run (profiles stay per image)\n"
		   "  --json              one JSON document\n\n"
		   "Exit status: 0 shown; 1 no state file or an unreadable one; 2 usage error, or Prometheus\n"
		   "unreachable or answering an error.\n");
}

/* One agent's state into @c; @state and @pdir hold the paths @src points to. 0 or an exit status. */
static int load_local(struct sc_status_src *src, struct sc_census *c, char state[PATH_MAX], char pdir[PATH_MAX])
{
	if ((size_t)snprintf(state, PATH_MAX, "%s/" SC_STATE_FILE, src->state_dir) >= PATH_MAX ||
	    (size_t)snprintf(pdir, PATH_MAX, "%s/" SC_PROFILES_SUBDIR, src->state_dir) >= PATH_MAX) {
		sc_err("--state-dir: path too long");
		return SC_EXIT_USAGE;
	}
	src->state_file = state;
	if (!src->profiles_dir)
		src->profiles_dir = pdir;
	if (access(state, F_OK) < 0) {
		sc_err("%s: %s (has `syscensus agent --state-dir %s` run?)", state, strerror(errno), src->state_dir);
		return SC_EXIT_FAIL;
	}
	if (census__load(c, state))
		return SC_EXIT_FAIL;
	status__probe_agent(src);
	if (c->n_images)	/* no array at all when empty: qsort() must not be given NULL */
		qsort(c->images, c->n_images, sizeof(*c->images), census__cmp_image);
	return 0;
}

static int show(const struct sc_census *c, const struct sc_status_src *src, bool json, bool by_workload)
{
	int err;

	if (by_workload && !json)
		return status__print_workloads(c) || ferror(stdout) ? SC_EXIT_FAIL : SC_EXIT_OK;
	if (by_workload) {
		if ((err = json_print(status__workloads_json(c)))) {
			sc_err("cannot print the workloads: %s", strerror(-err));
			return SC_EXIT_FAIL;
		}
		return SC_EXIT_OK;
	}
	if (!json) {
		status__print(c, src);
		return ferror(stdout) ? SC_EXIT_FAIL : SC_EXIT_OK;
	}
	if ((err = json_print(status__json(c, src)))) {
		sc_err("cannot print the status: %s", strerror(-err));
		return SC_EXIT_FAIL;
	}
	return SC_EXIT_OK;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "profiles-dir", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "by", required_argument, NULL, 'b' },
		{ "prometheus", required_argument, NULL, 'Q' },
		{ "window", required_argument, NULL, 'W' },
		{ "node-label", required_argument, NULL, 'N' },
		{ "job", required_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sc_status_src src = { .state_dir = SC_DEFAULT_STATE_DIR };
	char state[PATH_MAX], pdir[PATH_MAX], win[32], shown[1024];
	struct sc_census c = {};
	struct sc_observed obs;
	bool json = false, dir_given = false, by_workload = false;
	int ch, ret;

	observed__init(&obs);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int taken = observed__option(&obs, ch, optarg);

		if (taken < 0)
			return SC_EXIT_USAGE;
		if (taken)
			continue;
		switch (ch) {
		case 's': src.state_dir = optarg; dir_given = true; break;
		case 'p': src.profiles_dir = optarg; break;
		case 'j': json = true; break;
		case 'b':
			if (strcmp(optarg, "image") && strcmp(optarg, "workload")) {
				sc_err("status: --by %s: image or workload", optarg);
				return SC_EXIT_USAGE;
			}
			by_workload = !strcmp(optarg, "workload");
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (optind < argc || (obs.prom_only && !obs.prom.url) || (obs.prom.url && (dir_given || src.profiles_dir))) {
		if (optind < argc)
			sc_err("status: unexpected argument \"%s\"", argv[optind]);
		else if (!obs.prom.url)
			sc_err("status: %s goes with --prometheus", obs.prom_only);
		else
			sc_err("status: --prometheus shows the cluster; --state-dir and --profiles-dir are one agent's");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (obs.prom.url) {
		src.prometheus = prometheus__redact(obs.prom.url, shown, sizeof(shown));
		src.window = observed__window(&obs, win, sizeof(win));
		ret = observed__load(&c, &obs) ? SC_EXIT_USAGE : 0;
	} else {
		ret = load_local(&src, &c, state, pdir);
	}
	if (!ret)
		ret = show(&c, &src, json, by_workload);
	census__free(&c);
	return ret;
}
