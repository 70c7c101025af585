/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What was observed (a tally of syscall counts per ABI) turned into a profile and a report. */
#ifndef SC_OBSERVED_H
#define SC_OBSERVED_H

#include <cjson/cJSON.h>
#include "record/recorder.h"

/*
 * Syscalls every generated profile allows even when they were not observed, for each
 * observed ABI (documented in the README):
 *  - execve: the exec that follows the filter (syscensus exec, runc) runs under it;
 *  - exit, exit_group: a recording cut short by a signal may not show them, and a
 *    process that cannot exit hangs or crashes instead of ending;
 *  - rt_sigreturn (and sigreturn on 32-bit x86): returning from a signal handler,
 *    which depends on the timing of signals during the recording;
 *  - restart_syscall: issued by the kernel itself to resume an interrupted sleep.
 */
extern const char *const sc_always_allowed[];
bool sc_is_always_allowed(const char *name);

/* A syscall number observed that no table can name (or >= SC_NR_OVERFLOW). */
struct sc_unnamed {
	int abi;
	int nr;			/* -1 for the overflow bucket */
	uint64_t count;
};

/*
 * The Docker/OCI profile allowing what @t observed (plus sc_always_allowed), with
 * deterministic content. Unnamed numbers cannot be written in the format: they are
 * returned in @un (malloc'd, @n_un entries) for the caller to report.
 */
cJSON *generate__profile(const struct sc_tally *t, struct sc_unnamed **un, size_t *n_un);

/* Counts per ABI and syscall, the unnamed numbers, what was added and why. */
cJSON *generate__report(const struct sc_tally *t);

/* Number of distinct (ABI, syscall) pairs observed and total calls. */
void generate__totals(const struct sc_tally *t, unsigned *distinct, uint64_t *calls);

#endif
