/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Running git on repositories we do not trust: no shell between us and git, hooks and
 * fsmonitor disabled on every call, the repository's own commands (filter drivers,
 * ssh commands, credential helpers) overridden, optionally as an unprivileged user.
 */
#ifndef SC_GITRUN_H
#define SC_GITRUN_H

#include <stdbool.h>
#include <sys/types.h>
#include "lib/util.h"

struct sc_git {
	char *git;		/* resolved path of the git binary */
	bool drop;		/* run as uid/gid below (root invoking with --as-user) */
	uid_t uid;
	gid_t gid;
	char home[256];
	char **overrides;	/* extra "-c key=value" pairs neutralising the repository's commands */
	size_t n_overrides;
};

/* Find git; @user (may be NULL) is the account to run it as. 0, or -errno with a message. */
int git_init(struct sc_git *g, const char *user);
void git_free(struct sc_git *g);

/*
 * Read @repo's configuration (includes followed) and override every key that names a
 * command git could run: filter drivers, core.sshCommand, credential helpers,
 * remote.*.uploadpack/receivepack... Returns 0 or -errno.
 */
int git_neutralise(struct sc_git *g, const char *repo);

/*
 * Run "git -C @cwd ARGS..." (NULL-terminated). @out (may be NULL) gets stdout,
 * @err_out (may be NULL) stderr. Returns git's exit status (0..255) or -errno.
 */
int git_run(const struct sc_git *g, const char *cwd, struct sc_buf *out, struct sc_buf *err_out, ...)
	__attribute__((sentinel));

/*
 * Run another program (@argv[0] an absolute path, e.g. a forge CLI) in @cwd as the same
 * user as git, without a shell. Returns its exit status or -errno.
 */
int git_spawn(const struct sc_git *g, const char *cwd, const char *const *argv);

#endif
