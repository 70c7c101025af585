/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the agent knows, for people and programs: `syscensus status`. */
#ifndef SC_STATUS_H
#define SC_STATUS_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "census/census.h"

/* Where the status comes from: the state directory, the profiles, the agent holding the lock. */
struct sc_status_src {
	const char *state_dir;
	const char *state_file;
	const char *profiles_dir;
	bool running;		/* an agent holds the state directory's lock */
	char pid[32];		/* its pid, as it wrote it */
	const char *prometheus;	/* the cluster view: the census comes from this server, not a state file */
	const char *window;	/* ... over this window ("30d") */
};

/* Whether an agent holds @dir's lock; @src->running and ->pid are set. */
void status__probe_agent(struct sc_status_src *src);

/* A denial as JSON: syscall, arch, action, count, first_seen, last_seen. NULL: no memory. */
cJSON *denial__json(const struct sc_denial *d);

/* The whole status as one JSON document (images sorted). NULL: no memory. */
cJSON *status__json(const struct sc_census *c, const struct sc_status_src *src);
/* The same for people: health, one line per image, denials, unattributed cgroups. */
void status__print(const struct sc_census *c, const struct sc_status_src *src);

/* `status --by workload`: pods grouped by namespace and (inferred) workload, with their images. */
int status__print_workloads(const struct sc_census *c);
cJSON *status__workloads_json(const struct sc_census *c);

#endif
