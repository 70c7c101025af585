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
	/*
	 * Configuration overrides, passed to every git call in its environment with command-line
	 * scope: "GIT_CONFIG_KEY_<i>=key", "GIT_CONFIG_VALUE_<i>=value" for i < n_cfg, the fixed
	 * ones first, then those git_neutralise() found.
	 */
	char **cfg_env;		/* 2 * n_cfg strings */
	size_t n_cfg, cap_cfg_env;
	size_t cfg_bytes;	/* their total size, bounded: the kernel bounds execve's environment */
	int refused;		/* -errno once git_neutralise() failed: git_run() then runs nothing */
};

/*
 * Find git; @user (may be NULL) is the account to run it as. 0, or -errno with a message.
 * git_free() @g in either case.
 */
int git_init(struct sc_git *g, const char *user);
void git_free(struct sc_git *g);

/*
 * Read @repo's configuration (every scope, includes followed) and override every key that
 * names a command git could run: filter, diff and merge drivers, tools, helpers, remote
 * programs... Returns 0 or -errno with a message naming @repo; then (fail closed) every later
 * git_run() on @g returns that error without running git.
 */
int git_neutralise(struct sc_git *g, const char *repo);

/*
 * Run "git ARGS..." (NULL-terminated) in @cwd. @out (may be NULL) gets stdout, @err_out (may
 * be NULL) stderr. Returns git's exit status (0..255), 128 + the signal that killed it, or
 * -errno: -EFBIG when its output went beyond 16 MiB (read to the end, but not kept).
 */
/* The same with the arguments in a NULL-terminated array. */
int git_runv(const struct sc_git *g, const char *cwd, struct sc_buf *out, struct sc_buf *err_out,
	     const char *const *args);
int git_run(const struct sc_git *g, const char *cwd, struct sc_buf *out, struct sc_buf *err_out, ...)
	__attribute__((sentinel));

/*
 * Run another program (@argv[0] an absolute path, e.g. a forge CLI) in @cwd as the same
 * user as git, without a shell. Returns its exit status or -errno.
 */
int git_spawn(const struct sc_git *g, const char *cwd, const char *const *argv);

#endif
