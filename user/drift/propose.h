/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `propose`: what the agent learned, as a reviewable change in the repository where a
 * team keeps its profiles: a branch, a reproducible commit, a pull-request body.
 */
#ifndef SC_PROPOSE_H
#define SC_PROPOSE_H

#include <stdbool.h>

#include "census/census.h"
#include "drift/merge.h"
#include "seccomp/profile.h"

struct sc_propose_opts {
	const char *repo;	/* the user's checkout: only a ref is added to it */
	const char *subdir;	/* where the profiles live in the repository */
	unsigned forms;		/* SC_FORM_*: the JSON profile, and its SeccompProfile beside it */
	const char *branch;	/* the branch to create or update */
	const char *remote;	/* push there (NULL: no push) */
	const char *body_file;	/* the pull request's body (NULL: printed) */
	const char *as_user;	/* run git as this user (root only) */
	bool open_pr;		/* gh or glab, when installed */
	int64_t min_stable;	/* only images whose syscalls have not grown for this long (s; 0: all) */
	int64_t now;
	const char *source;	/* the cluster view: what the body says the census came from */
	struct sc_prune prune;
	struct sc_eval_ctx ctx;
};

/* Returns an exit status: 0 done or nothing to change, 1 failure (said). */
int drift__propose(const struct sc_census *c, const struct sc_propose_opts *o);

#endif
