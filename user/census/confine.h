/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's own confinement, once its recorder is loaded, attached and pinned: only
 * the capabilities its loop needs, no_new_privs, and a seccomp filter recorded from
 * the agent itself (deploy/seccomp/syscensus-agent.json, built into the binary), so
 * that a bug in a parser of what containers and runtimes write cannot become
 * arbitrary syscalls or capabilities.
 */
#ifndef SC_CONFINE_H
#define SC_CONFINE_H

#include <stdbool.h>
#include <stdint.h>

struct sc_recorder;

struct sc_confinement {
	uint64_t kept;		/* capabilities kept (bit n = capability n) */
	uint64_t dropped;	/* the ones the agent had and dropped */
	unsigned syscalls;	/* allowed by the filter (unconditionally or under conditions) */
	bool filtered;		/* the seccomp filter is loaded */
};

/* Whether the agent has the capabilities it starts with; 0, or -EPERM after naming the missing. */
int confine__check_start(void);

/*
 * Drop every capability the loop does not need, set no_new_privs, and (@filter) load
 * the built-in seccomp filter on every thread. Must run before any thread that should
 * be confined starts (capabilities are per thread). 0, or -errno after saying why: the
 * agent must not run half-confined.
 */
int confine__agent(struct sc_recorder *rec, bool filter, struct sc_confinement *out);

/*
 * Calls the filter refused so far (each answered EPERM); the syscalls refused since the
 * last call are said by name, once each.
 */
uint64_t confine__refusals(void);

/* "CAP_BPF,CAP_DAC_READ_SEARCH" for @caps into @buf ("none" when empty). */
void confine__caps_str(uint64_t caps, char *buf, size_t len);

/* The built-in profile (NUL-terminated JSON). */
extern const char sc_agent_profile_json[];

#endif
