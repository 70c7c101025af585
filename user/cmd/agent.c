// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus agent: options, then census/agent.c's loop. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "census/agent.h"
#include "census/serve.h"
#include "cmd/cmds.h"
#include "lib/paths.h"
#include "lib/util.h"
#include "seccomp/generate.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus agent [--state-dir DIR] [--profiles-dir DIR] [--profiles-format F] [--interval SEC]\n"
		"                       [--capacity N] [--pin-dir DIR] [--storage-root DIR]\n"
		"                       [--docker-root DIR] [--bundle-root DIR]... [--attach auto|tp_btf|raw_tp]\n"
		"                       [--denials] [--args on|off] [--metrics ADDR:PORT] [--no-confine]\n"
		"Count the syscalls of every container cgroup on the host (named like a container's,\n"
		"or below one), attribute them to containers and images, and keep one seccomp\n"
		"profile per image in the profiles directory.\n"
		"Runs until SIGTERM or SIGINT; the recorder stays pinned and keeps counting until\n"
		"`syscensus unload`.\n\n"
		"  --state-dir DIR     state file and lock (default " SC_DEFAULT_STATE_DIR ")\n"
		"  --profiles-dir DIR  one <image>.json per image (default STATE-DIR/" SC_PROFILES_SUBDIR "); for\n"
		"                      Kubernetes, /var/lib/kubelet/seccomp/syscensus: a pod then uses one\n"
		"                      as localhostProfile: syscensus/<image>.json\n"
		"  --profiles-format F docker (default): Docker/OCI JSON, <image>.json; crd: a SeccompProfile\n"
		"                      of the Security Profiles Operator, <image>.yaml (kubectl apply -f);\n"
		"                      both\n"
		"  --interval SEC      fold counters, write profiles and state (default %d)\n"
		"  --capacity N        container cgroups tracked at once (default: 4 x the containers\n"
		"                      running at start, at least %d; %zu bytes per cgroup, and %zu per\n"
		"                      cgroup and CPU)\n"
		"  --pin-dir DIR       bpffs directory for the pinned recorder (default " SC_DEFAULT_PIN_DIR ")\n"
		SC_RUNTIME_ROOTS_HELP
		"  --attach MODE       auto (default), tp_btf or raw_tp\n"
		"  --denials           also record syscalls the containers' seccomp filters refuse (a\n"
		"                      sys_exit program: it costs every syscall about what the\n"
		"                      recorder does; see `syscensus bench`)\n"
		"  --args on|off       on (default): the profiles allow ioctl, socket, clone, unshare, prctl\n"
		"                      and personality for the argument values the image's containers\n"
		"                      used only (request, family and type, namespace flags, option,\n"
		"                      persona), as `record` does; off: by name. Calls counted while off\n"
		"                      (or by a recorder that keeps no values: raw_tp) keep their image's\n"
		"                      profile by name for good, since their values are not known\n"
		"  --metrics ADDR:PORT serve /metrics (Prometheus text format) and /healthz there, for\n"
		"                      example 127.0.0.1:9477 or :9477 (every address); /healthz answers\n"
		"                      503 when the counters were not folded for 3 intervals\n"
		"  --no-confine        keep every capability and run without the agent's own seccomp\n"
		"                      filter. By default, once the recorder runs, the agent keeps only\n"
		"                      CAP_DAC_READ_SEARCH (and CAP_BPF where the kernel asks for it to\n"
		"                      read the counters, CAP_SYS_PTRACE when given), sets no_new_privs\n"
		"                      and loads the seccomp filter recorded from itself. To start, it\n"
		"                      needs CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH, not\n"
		"                      CAP_SYS_ADMIN\n\n"
		"Exit status: 0 stopped by SIGTERM or SIGINT, state saved; 1 cannot run; 2 usage error.\n",
		SC_AGENT_INTERVAL, SC_AGENT_MIN_CAPACITY, sizeof(struct sc_cgroup_ent), sizeof(struct sc_counts));
}

/* --interval and --capacity: 1..@max */
static int parse_count(const char *opt, const char *arg, unsigned max, unsigned *out)
{
	uint64_t v;

	if (sc_parse_u64(arg, max, &v) || v == 0) {
		sc_err("--%s: expected a number from 1 to %u, not \"%s\"", opt, max, arg);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

int cmd_agent(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "profiles-dir", required_argument, NULL, 'p' },
		{ "profiles-format", required_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'i' },
		{ "capacity", required_argument, NULL, 'c' },
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "storage-root", required_argument, NULL, 'R' },
		{ "docker-root", required_argument, NULL, 'R' },
		{ "bundle-root", required_argument, NULL, 'R' },
		{ "attach", required_argument, NULL, 'A' },
		{ "denials", no_argument, NULL, 'd' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "no-confine", no_argument, NULL, 'U' },
		{ "args", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sc_agent_opts o = {
		.state_dir = SC_DEFAULT_STATE_DIR,
		.interval = SC_AGENT_INTERVAL,
		.rec = { .attach = SC_ATTACH_AUTO, .pin_dir = SC_DEFAULT_PIN_DIR },
	};
	int c, idx;

	runtime__roots_default(&o.roots);
	while ((c = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
		switch (c) {
		case 's': o.state_dir = optarg; break;
		case 'p': o.profiles_dir = optarg; break;
		case 'f':
			if (generate__parse_forms(optarg, &o.forms))
				return SC_EXIT_USAGE;
			break;
		case 'P': o.rec.pin_dir = optarg; break;
		case 'd': o.rec.denials = true; break;
		case 'U': o.no_confine = true; break;
		case 'G':
			if (sc_parse_on_off("agent", "args", optarg, &o.args_off))
				return SC_EXIT_USAGE;
			break;
		case 'M':
			if (server__check_addr("--metrics", optarg))
				return SC_EXIT_USAGE;
			o.metrics = optarg;
			break;
		case 'i':
			if (parse_count("interval", optarg, 86400, &o.interval))
				return SC_EXIT_USAGE;
			break;
		case 'c':
			if (parse_count("capacity", optarg, 1u << 20, &o.rec.capacity))
				return SC_EXIT_USAGE;
			break;
		case 'R':
			if (runtime__roots_option(&o.roots, opts[idx].name, optarg))
				return SC_EXIT_USAGE;
			break;
		case 'A':
			if (recorder__parse_attach(optarg, &o.rec.attach))
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
	if (optind < argc) {
		sc_err("agent: unexpected argument \"%s\"", argv[optind]);
		return SC_EXIT_USAGE;
	}
	return agent__run(&o);
}
