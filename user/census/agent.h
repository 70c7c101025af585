/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent: count every cgroup v2 of the host from its creation, attribute each one
 * to a container and its image while it exists, fold the counters into per-image
 * totals at an interval, keep one profile per image and the state file up to date.
 */
#ifndef SC_AGENT_H
#define SC_AGENT_H

#include "census/runtime.h"
#include "record/recorder.h"

#define SC_AGENT_INTERVAL	10	/* seconds between folds, by default */
#define SC_AGENT_MIN_CAPACITY	256	/* cgroups tracked at once, at least, when sized from the host */

struct sc_agent_opts {
	const char *state_dir;		/* state file and lock */
	const char *profiles_dir;	/* NULL: STATE-DIR/profiles */
	unsigned forms;			/* SC_FORM_* (seccomp/generate.h): what is written there; 0: Docker JSON */
	unsigned interval;
	const char *metrics;		/* ADDR:PORT of /metrics and /healthz; NULL: none */
	bool no_confine;		/* keep every capability, no seccomp filter of its own */
	bool args_off;			/* --args off: profiles allow syscalls by name only */
	struct sc_recorder_opts rec;	/* capacity 0: sized from the host; watch_cgroups set by the agent */
	struct sc_runtime_roots roots;
};

/*
 * Run until SIGTERM or SIGINT: then fold and save everything, leave the recorder
 * pinned and return SC_EXIT_OK; SC_EXIT_FAIL (said) when it cannot run or go on.
 */
int agent__run(const struct sc_agent_opts *o);

#endif
