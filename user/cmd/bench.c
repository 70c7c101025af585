// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus bench: options, help, the run (user/bench/), the exit status. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/bench.h"
#include "cmd/cmds.h"
#include "lib/util.h"

static void usage(void)
{
	printf("Usage: syscensus bench [-n CALLS] [-r RUNS] [--no-tools] [--macro] [--agent-cost SEC]\n"
	       "                       [--churn SEC]\n"
	       "ns per getppid() with nothing attached, with an empty program on\n"
	       "raw_syscalls:sys_enter (the floor), with the recorder (1 and %d cgroups\n"
	       "tracked, tp_btf and raw_tp), and with syscount, bpftrace and strace -f -c\n"
	       "when installed (fewer calls for strace), and with the design the recorder\n"
	       "did not take (counters in cgroup local storage). Configurations interleaved,\n"
	       "each one's added cost and its ratio to the floor's paired within a run,\n"
	       "median and quartiles over the runs. Defaults: -n 200000 -r 31.\n"
	       "--macro: also nginx serving a 1 KiB file to wrk on loopback (3 s per run):\n"
	       "nginx's CPU time per request (its threads' on-CPU ns over the requests wrk\n"
	       "completed) and requests/s with nothing, the empty program, the recorder and\n"
	       "the recorder with --denials; the recorder's CPU per request beyond the empty\n"
	       "program's, as %% of the empty program's, paired within each run.\n"
	       "--agent-cost SEC: run the agent (default interval) for SEC seconds with the\n"
	       "%d live cgroups and report its CPU and resident memory.\n"
	       "--churn SEC: then, under the same agent, 10 times a second for SEC seconds,\n"
	       "create a cgroup named like a podman container's (libpod_parent/libpod-<64 hex>),\n"
	       "run a process of a known number of getppid() calls in it, remove it; report\n"
	       "the agent's CPU and RSS at the start and end of the churn, and the calls its\n"
	       "state file counted in those cgroups against the calls made. Needs --agent-cost.\n"
	       "No figure is pass/fail. Exit status: 0 measured; 1 a configuration could not be\n"
	       "measured (said); 2 usage error.\n",
	       SC_BENCH_MANY, SC_BENCH_MANY);
}

/* The options into @o, *@help set for --help. Returns 0, or -EINVAL after saying what is wrong. */
static int parse(int argc, char **argv, struct sc_bench_opts *o, bool *help)
{
	static const struct option opts[] = {
		{ "calls", required_argument, NULL, 'n' },
		{ "runs", required_argument, NULL, 'r' },
		{ "no-tools", no_argument, NULL, 'T' },
		{ "macro", no_argument, NULL, 'M' },
		{ "agent-cost", required_argument, NULL, 'G' },
		{ "churn", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "n:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 'r':
			if (sc_parse_u64(optarg, 1000000000, &v) || v == 0) {
				sc_err("-%c: expected a positive number, not \"%s\"", c, optarg);
				return -EINVAL;
			}
			*(c == 'n' ? &o->calls : &o->runs) = v;
			break;
		case 'T':
			o->tools = false;
			break;
		case 'M':
			o->macro = true;
			break;
		case 'G':
			if (sc_parse_u64(optarg, 3600, &v) || v < 10) {
				sc_err("--agent-cost: expected 10 to 3600 seconds, not \"%s\"", optarg);
				return -EINVAL;
			}
			o->agent_secs = (unsigned)v;
			break;
		case 'C':
			if (sc_parse_u64(optarg, 3600, &v) || v == 0) {
				sc_err("--churn: expected 1 to 3600 seconds, not \"%s\"", optarg);
				return -EINVAL;
			}
			o->churn_secs = (unsigned)v;
			break;
		case 'h':
			*help = true;
			return 0;
		default:
			return -EINVAL;
		}
	}
	if (o->churn_secs && !o->agent_secs) {
		sc_err("--churn: needs --agent-cost SEC (the churn runs under the agent it measures)");
		return -EINVAL;
	}
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	struct sc_bench_opts o = { .calls = 200000, .runs = 31, .tools = true };
	bool help = false;

	if (parse(argc, argv, &o, &help))
		return SC_EXIT_USAGE;
	if (help) {
		usage();
		return SC_EXIT_OK;
	}
	return bench__run(&o) ? SC_EXIT_FAIL : SC_EXIT_OK;
}
