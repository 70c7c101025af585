/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One recording: a command run in a fresh cgroup v2, every syscall of every task in
 * it (and in the cgroups it creates below its own) counted until the last one exits;
 * optionally the containers it starts through an engine, apart, until they exit.
 */
#ifndef SC_SESSION_H
#define SC_SESSION_H

#include <linux/filter.h>

#include "record/recorder.h"

/* slots: the command's cgroup, those created below it and the containers' */
#define SC_RECORD_SLOTS 64

/* A container's cgroup (or one below it) the recording followed: the runtime made it, not CMD. */
struct sc_record_cgroup {
	uint64_t cgid;
	char *path;			/* below the cgroup2 mount */
	struct sc_slot_counts *counts;	/* the phases apart: a container's profile is its filtered one */
};

/* A call a seccomp filter refused in a container cgroup (with containers: learned answers). */
struct sc_record_denial {
	uint64_t cgid;
	int abi, nr;
	uint32_t ret;		/* SECCOMP_RET_* with its data: ERRNO(e), KILL... */
	uint64_t count;
};

/* An argument value kept (struct sc_arg_key): in a container's cgroup, or CMD's (cgid 0). */
struct sc_record_arg {
	uint64_t cgid;
	int phase;		/* SC_FILTERED: made under a seccomp filter */
	int nr;
	uint64_t value;
};

struct sc_recording {
	struct sc_tally tally;	/* both phases of CMD's cgroup and those below it: CMD is not a container */
	struct sc_tally filtered; /* ... the calls made under a seccomp filter (with @filter: CMD's own) */
	int status;		/* the command's wait status */
	unsigned subcgroups;	/* cgroups created below the command's own, recorded too */
	uint64_t table_full;	/* ... or containers' that found no free slot: their calls are missing */
	uint64_t uncounted;	/* ... calls of syscalls that had no counter of their own (counted once each) */
	uint64_t events_lost;	/* cgroup events missed: a container may be counted as CMD's */
	int interrupted;	/* a signal stopped the wait for the command's leftovers: the profile is cut */
	struct sc_record_cgroup *ctrs;	/* with containers: the container cgroups created while CMD ran */
	size_t n_ctrs;
	unsigned ctrs_running;	/* ... still running when a signal stopped the wait for them */
	struct sc_record_denial *denied;	/* with containers, on tp_btf: what their filters refused */
	size_t n_denied;
	bool args_kept;		/* the risky arguments of a few syscalls were kept (tp_btf, args) */
	uint64_t args_lost;	/* ... values that found no room */
	struct sc_record_arg *args;
	size_t n_args;
};

struct sc_record_opts {
	enum sc_attach attach;
	/*
	 * Also follow the cgroups of the containers started while CMD (or what it left
	 * behind) runs, whoever creates them (a container engine does, not CMD), and wait
	 * for them to exit. @on_container is called with each one's id and path when it
	 * appears, and again (at most every 100 ms, and at its removal) while it returns
	 * > 0: the runtime's state that names its container is read while it exists.
	 */
	bool containers;
	int (*on_container)(void *ctx, uint64_t cgid, const char *path);
	void *ctx;
	/*
	 * A seccomp filter the command's process installs right before its execve (exec
	 * --complain), with no_new_privs first if @no_new_privs; NULL: none.
	 */
	const struct sock_fprog *filter;
	bool no_new_privs;
	bool args;		/* keep the risky arguments of a few syscalls (struct sc_arg_key) */
};

/*
 * Run @argv (argv[0] resolved like execvp) in its own cgroup and record it into @out
 * (free with recording__free). Returns 0 (the command ran; its status is in @out), 127
 * when it could not be executed (or its filter not installed: said), or -errno (said)
 * when the recording could not be made.
 */
int record__run(const struct sc_record_opts *o, char **argv, struct sc_recording *out);
void recording__free(struct sc_recording *r);

#endif
