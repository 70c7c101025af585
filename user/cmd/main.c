// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus: seccomp profiles from what programs and containers really do. */
/*
 * cmd/: one file per command, each glue: parse the options, call the stage that does
 * the work, print, return the exit status. This file dispatches; cmd/ may call every
 * stage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cmd/cmds.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"


static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
} commands[] = {
	{ "record", cmd_record, "[-o FILE] [-a] [--report FILE] [--format oci|complain|systemd]\n"
	  "          [--containers] [--attach auto|tp_btf|raw_tp] -- CMD [ARG...]",
	  "run CMD in its own cgroup and write the seccomp profile of what it did\n"
	  "          (of the container, for docker/podman/nerdctl run)" },
	{ "exec", cmd_exec, "--profile FILE [--complain] [--no-new-privs] [--unknown-syscalls fail|warn]\n"
	  "          -- CMD [ARG...]",
	  "run CMD confined by a Docker/OCI seccomp profile (--complain: logged, and reported)" },
	{ "check", cmd_check, "[--json] [--names] [--unknown-syscalls fail|warn] FILE...",
	  "validate and compile profiles, print what they allow" },
	{ "agent", cmd_agent, "[--state-dir DIR] [--profiles-dir DIR] [--interval SEC] [--denials]\n"
	  "          [--metrics ADDR:PORT] [--attach auto|tp_btf|raw_tp] ...",
	  "watch every container on the host and keep a seccomp profile per image" },
	{ "status", cmd_status, "[--state-dir DIR] [--profiles-dir DIR] [--json]",
	  "images and containers seen by the agent, their syscalls, recorder health" },
	{ "metrics", cmd_metrics, "[--state-dir DIR] [--profiles DIR] [--listen ADDR:PORT [--interval SEC]]",
	  "a state directory's census as Prometheus metrics, printed or served" },
	{ "diff", cmd_diff, "(--observed STATE-DIR | --prometheus URL) --against PROFILES-DIR | --deployed\n"
	  "          [--format text|json|markdown]\n"
	  "          or: diff A.json B.json",
	  "observed syscalls per image against profiles (breaking, conditional, unused), or two profiles" },
	{ "propose", cmd_propose, "--repo DIR (--observed STATE-DIR | --prometheus URL) [--push REMOTE] ...",
	  "commit the observed syscalls into a profile repository on a branch, write the PR body" },
	{ "unload", cmd_unload, "[--pin-dir DIR]",
	  "remove the agent's pinned recorder (counting stops)" },
	{ "bench", cmd_bench, "[-n CALLS] [-r RUNS] [--no-tools] [--macro] [--agent-cost SEC] [--churn SEC]",
	  "the recorder's cost per syscall and its memory, against an empty BPF program and the peers" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: syscensus [-v] COMMAND [OPTIONS]\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-7s %s\n          %s\n", commands[i].name, commands[i].usage,
			commands[i].summary);
	fprintf(f, "\nOptions:\n"
		"  -v, --verbose  debug messages and libbpf's log\n"
		"  -h, --help     this text; `syscensus COMMAND --help` for a command\n"
		"  -V, --version  print the version\n"
		"\nCommon options of the commands:\n"
		"  --attach MODE            how the recorder hooks raw_syscalls:sys_enter: auto (default:\n"
		"                           tp_btf where it loads, else raw_tp), tp_btf or raw_tp\n"
		"  --unknown-syscalls MODE  a syscall name no architecture knows: fail (default) or warn\n"
		"                           and skip it, as runc does\n"
		"\nrecord, exec and the agent load BPF programs or create cgroups: run them as root.\n"
		"Installed by `make install`; in the source tree the binary is build/syscensus.\n"
		"\nExit status: 0 success; 1 failure or finding (invalid profile, breaking drift, ...);\n"
		"2 usage error; `record` and `exec` exit with CMD's own status (127: CMD cannot run).\n");
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !sc_verbose)
		return sc_verbose > 1 ? vfprintf(stderr, fmt, ap) : 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * -v, -vv and --verbose after the command's name too (syscensus record -v -- CMD): taken
 * out of the command's own arguments, before "--" only, so that CMD's are left alone.
 */
static void take_verbose(int *argc, char **argv)
{
	int w = 1;

	for (int r = 1; r < *argc; r++) {
		const char *a = argv[r];

		if (!strcmp(a, "--")) {
			while (r < *argc)
				argv[w++] = argv[r++];
			break;
		}
		if (!strcmp(a, "--verbose") || (a[0] == '-' && a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1))) {
			sc_verbose += a[1] == '-' ? 1 : (int)strlen(a + 1);
			continue;
		}
		argv[w++] = argv[r];
	}
	*argc = w;
	argv[w] = NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	int c, ret;

	/* options before the command only: stop at the first non-option */
	while ((c = getopt_long(argc, argv, "+vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			sc_verbose++;
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		case 'V':
			printf("syscensus %s\n", SC_VERSION);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		usage(stdout);
		return SC_EXIT_OK;
	}
	libbpf_set_print(libbpf_print);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		/* each command parses its own options from argv[0] = its name */
		argv += optind;
		argc -= optind;
		optind = 0;
		take_verbose(&argc, argv);
		ret = commands[i].fn(argc, argv);
		syscalls_cleanup();
		return ret;
	}
	sc_err("unknown command \"%s\" (see `syscensus --help`)", argv[optind]);
	return SC_EXIT_USAGE;
}
