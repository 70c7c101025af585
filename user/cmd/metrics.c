// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus metrics: a state directory's census as Prometheus metrics, printed once
 * (node_exporter's textfile collector) or served and re-read at an interval (the state
 * of an agent started without --metrics, or of a node that is gone).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "census/census.h"
#include "census/metrics.h"
#include "census/serve.h"
#include "cmd/cmds.h"
#include "lib/paths.h"
#include "lib/util.h"

#define METRICS_INTERVAL 10

static void usage(FILE *f)
{
	fprintf(f, "Usage: syscensus metrics [--state-dir DIR] [--profiles DIR] [--listen ADDR:PORT [--interval SEC]]\n"
		   "The census of a state directory as Prometheus metrics (the series `agent --metrics`\n"
		   "serves, without the live health ones), and with --profiles what the committed profiles\n"
		   "allow: printed once, for node_exporter's textfile collector, or with --listen served on\n"
		   "/metrics and /healthz, the files re-read every SEC seconds, until SIGTERM or SIGINT.\n\n"
		   "  --state-dir DIR     the agent's state directory (default " SC_DEFAULT_STATE_DIR ",\n"
		   "                      none with --profiles alone)\n"
		   "  --profiles DIR      committed profiles, <image>.json as the agent names them: one\n"
		   "                      syscensus_profile_allows series per syscall each lets run (for the\n"
		   "                      alert on calls a profile would refuse: deploy/prometheus/)\n"
		   "  --listen ADDR:PORT  serve there, for example 127.0.0.1:9478 or :9478\n"
		   "  --interval SEC      re-read the state file (default %d)\n\n"
		   "Exit status: 0 printed, or stopped by a signal; 1 the state cannot be read or served;\n"
		   "2 usage error.\n", METRICS_INTERVAL);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

struct sources {
	const char *state;	/* NULL: none */
	const char *profiles;	/* NULL: none */
};

/* The state file's census and the profiles, rendered into @b. 0, or -errno (said). */
static int render(const struct sources *src, struct sc_buf *b)
{
	const char *state = src->state;
	struct sc_census c = {};
	int err;

	if (src->profiles && (err = metrics__render_profiles(src->profiles, b)))
		return err;
	if (!state)
		return 0;
	if (access(state, F_OK) < 0) {
		sc_err("%s: no state file (has `syscensus agent` run with this --state-dir?)", state);
		return -ENOENT;
	}
	if ((err = census__load(&c, state)) == 0 && (err = metrics__render(&c, NULL, b)))
		sc_err("out of memory");
	census__free(&c);
	return err;
}

static int serve(const struct sources *state, const char *addr, unsigned interval)
{
	static const int sigs[] = { SIGTERM, SIGINT, 0 };
	struct sc_server *srv;
	struct sc_buf b = {};

	if (render(state, &b)) {
		sc_buf_free(&b);
		return SC_EXIT_FAIL;
	}
	if (sc_set_signals(on_signal, sigs) || !(srv = server__start("--listen", addr, 3 * interval + SC_SERVE_TIMEOUT_S))) {
		sc_buf_free(&b);
		return SC_EXIT_FAIL;
	}
	sc_info("serving %s%s%s on %s (port %u), re-read every %us", state->state ? state->state : "",
		state->state && state->profiles ? " and " : "", state->profiles ? state->profiles : "", addr,
		server__port(srv), interval);
	while (!stop) {
		if (b.data) {
			server__publish(srv, b.data, b.len);
			b = (struct sc_buf){};
		}
		for (unsigned s = 0; s < interval && !stop; s++)
			sleep(1);
		if (!stop && render(state, &b)) {
			sc_buf_free(&b);	/* the last good one stays; /healthz turns stale */
			b = (struct sc_buf){};
		}
	}
	server__stop(srv);
	sc_buf_free(&b);
	return SC_EXIT_OK;
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "profiles", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *dir = NULL, *addr = NULL;
	struct sources src = {};
	unsigned interval = METRICS_INTERVAL;
	char state[PATH_MAX];
	struct sc_buf b = {};
	bool interval_given = false;
	uint64_t v;
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's': dir = optarg; break;
		case 'p': src.profiles = optarg; break;
		case 'l':
			if (server__check_addr("--listen", optarg))
				return SC_EXIT_USAGE;
			addr = optarg;
			break;
		case 'i':
			if (sc_parse_u64(optarg, 86400, &v) || !v) {
				sc_err("--interval: expected a number from 1 to 86400, not \"%s\"", optarg);
				return SC_EXIT_USAGE;
			}
			interval = (unsigned)v;
			interval_given = true;
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		sc_err("metrics: unexpected argument \"%s\"", argv[optind]);
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (interval_given && !addr) {
		sc_err("metrics: --interval goes with --listen (printed once, nothing is re-read)");
		return SC_EXIT_USAGE;
	}
	if (!dir && !src.profiles)
		dir = SC_DEFAULT_STATE_DIR;
	if (dir && (size_t)snprintf(state, sizeof(state), "%s/" SC_STATE_FILE, dir) >= sizeof(state)) {
		sc_err("--state-dir: path too long");
		return SC_EXIT_USAGE;
	}
	src.state = dir ? state : NULL;
	if (addr) {
		ret = serve(&src, addr, interval);
		metrics__cleanup();
		return ret;
	}
	ret = render(&src, &b) ? SC_EXIT_FAIL : fwrite(b.data, 1, b.len, stdout) == b.len && fflush(stdout) == 0
							? SC_EXIT_OK : SC_EXIT_FAIL;
	sc_buf_free(&b);
	metrics__cleanup();
	return ret;
}
