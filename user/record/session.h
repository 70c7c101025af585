/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One recording: a command run in a fresh cgroup v2, every syscall of every task in
 * it (and in the cgroups it creates below its own) counted until the last one exits.
 */
#ifndef SC_SESSION_H
#define SC_SESSION_H

#include "record/recorder.h"

/* slots: the command's cgroup and up to SC_RECORD_SLOTS - 1 created below it */
#define SC_RECORD_SLOTS 64

struct sc_recording {
	struct sc_tally tally;	/* both phases: a command run by record is not a container */
	int status;		/* the command's wait status */
	unsigned subcgroups;	/* cgroups created below the command's own, recorded too */
	uint64_t table_full;	/* ... that found no free slot: their calls are missing */
	uint64_t uncounted;	/* calls of syscalls that had no counter of their own (counted once each) */
	int interrupted;	/* a signal stopped the wait for the command's leftovers: the profile is cut */
};

/*
 * Run @argv (argv[0] resolved like execvp) in its own cgroup and record it into @out.
 * Returns 0 (the command ran; its status is in @out), 127 when it could not be
 * executed, or -errno (said) when the recording could not be made.
 */
int record__run(enum sc_attach attach, char **argv, struct sc_recording *out);

#endif
