// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Running git on repositories we do not trust (see git.h). git runs with a fixed environment,
 * without a shell, and with configuration overrides in that environment
 * (GIT_CONFIG_COUNT/KEY_<i>/VALUE_<i>, git >= 2.31: command-line scope, the priority of -c)
 * so that whatever the repository's files say, git runs no command they name. Only libc and
 * lib/util here.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drift/git.h"

#define GIT_MAX_ARGS		64
#define GIT_MAX_OUTPUT		(16u << 20)
/*
 * A repository's keys naming commands: no real one has more than a few dozen. Above this,
 * git_neutralise() refuses the repository rather than run git there with some not overridden.
 */
#define GIT_MAX_OVERRIDES	4096
/* bytes of one key (there are long URLs in credential.<url>.helper) */
#define GIT_MAX_KEY		4096
/* all overrides together: execve() fails when argv + envp pass 1/4 of the stack limit */
#define GIT_MAX_CFG_BYTES	(1u << 20)

/*
 * What git must not run in a repository we do not trust, and the value that neutralises it.
 *
 * A rule matches a key as git does: section and variable case-insensitive, subsection
 * case-sensitive. @sub NULL: the key has no subsection; "*": any subsection (a driver, a tool,
 * a remote, a URL); else exactly that one. @var "*": any variable (pager.<cmd>).
 *
 * A rule naming one exact key (no "*") is passed on every call, whether the configuration has
 * the key or not: it costs nothing, and it also reaches the repositories git enters on its own
 * with our environment (a populated submodule, a remote that is a local path), whose
 * configuration we never read. A rule with a "*" (or @found_only) is passed for each key of the
 * repository's configuration it matches.
 *
 * Values, by kind:
 *  - a command: "" -- git then runs none (an empty filter, textconv, driver or helper is no
 *    filter, textconv, driver or helper; an empty credential.helper also clears the list of
 *    helpers set before it); where git would still exec it, exec("") fails and runs nothing.
 *  - filter.<driver>.required: "false", or git dies for want of the filter we emptied.
 *  - a switch that makes git run a command or enter another repository (signing, signature
 *    checks, submodule recursion, automatic gc): the value that turns it off.
 *  - editors: "true" (accepts the text as it is); core.pager: "cat" (GIT_PAGER=cat anyway);
 *    pager.<cmd>: "false", no pager at all.
 *  - remote.<name>.uploadpack/receivepack: git's own programs, so that the remote still works.
 *  - uploadpack.packObjectsHook: "env"; git runs "HOOK git pack-objects ...", and env runs
 *    that unchanged. (git honours it only from the user's own files, never the repository's.)
 *  - hook.<name>.event: "" clears the hook's events (the config-based hooks of newer git);
 *    .enabled "false", .command "".
 *  - core.gitProxy: the first value matching the host wins, so an override cannot beat the
 *    repository's; GIT_PROXY_COMMAND= in the environment makes git ignore them all. Kept
 *    here for the record.
 * Not here: alias.* (we ask git only for built-ins, which an alias cannot replace),
 * diff.tool/merge.tool (names: their commands are the *tool.<name>.* keys above).
 */
static const struct rule {
	const char *section, *sub, *var, *value;
	bool found_only;
} rules[] = {
	/* passed on every call */
	{ "core", NULL, "hooksPath", "/dev/null" },
	{ "core", NULL, "fsmonitor", "false" },
	{ "core", NULL, "sshCommand", "ssh" },
	{ "core", NULL, "askPass", "" },
	{ "core", NULL, "gitProxy", "" },
	{ "core", NULL, "editor", "true" },
	{ "core", NULL, "pager", "cat" },
	{ "core", NULL, "alternateRefsCommand", "" },
	{ "sequence", NULL, "editor", "true" },
	{ "diff", NULL, "external", "" },
	{ "credential", NULL, "helper", "" },
	{ "gpg", NULL, "program", "" },
	{ "gpg", "ssh", "defaultKeyCommand", "" },
	{ "commit", NULL, "gpgSign", "false" },
	{ "tag", NULL, "gpgSign", "false" },
	{ "tag", NULL, "forceSignAnnotated", "false" },
	{ "push", NULL, "gpgSign", "false" },
	{ "rebase", NULL, "gpgSign", "false" },
	{ "merge", NULL, "verifySignatures", "false" },
	{ "log", NULL, "showSignature", "false" },
	{ "interactive", NULL, "diffFilter", "" },
	{ "web", NULL, "browser", "" },
	{ "help", NULL, "browser", "" },
	{ "man", NULL, "viewer", "" },
	{ "instaweb", NULL, "browser", "" },
	{ "instaweb", NULL, "httpd", "" },
	{ "imap", NULL, "tunnel", "" },
	{ "sendemail", NULL, "smtpServer", "" },
	{ "sendemail", NULL, "sendmailCmd", "" },
	{ "sendemail", NULL, "toCmd", "" },
	{ "sendemail", NULL, "ccCmd", "" },
	{ "sendemail", NULL, "headerCmd", "" },
	{ "protocol", "ext", "allow", "never" },
	{ "submodule", NULL, "recurse", "false" },
	{ "fetch", NULL, "recurseSubmodules", "false" },
	{ "push", NULL, "recurseSubmodules", "no" },
	{ "diff", NULL, "ignoreSubmodules", "all" },
	{ "status", NULL, "submoduleSummary", "false" },
	{ "gc", NULL, "auto", "0" },
	{ "maintenance", NULL, "auto", "false" },
	/* passed for each key found */
	{ "uploadpack", NULL, "packObjectsHook", "env", true },
	{ "filter", "*", "clean", "" },
	{ "filter", "*", "smudge", "" },
	{ "filter", "*", "process", "" },
	{ "filter", "*", "required", "false" },
	{ "diff", "*", "command", "" },
	{ "diff", "*", "textconv", "" },
	{ "merge", "*", "driver", "" },
	{ "mergetool", "*", "cmd", "" },
	{ "mergetool", "*", "path", "" },
	{ "difftool", "*", "cmd", "" },
	{ "difftool", "*", "path", "" },
	{ "guitool", "*", "cmd", "" },
	{ "gpg", "*", "program", "" },
	{ "credential", "*", "helper", "" },
	{ "remote", "*", "uploadpack", "git-upload-pack" },
	{ "remote", "*", "receivepack", "git-receive-pack" },
	{ "remote", "*", "proxy", "" },
	{ "remote", "*", "vcs", "" },
	{ "browser", "*", "cmd", "" },
	{ "browser", "*", "path", "" },
	{ "man", "*", "cmd", "" },
	{ "man", "*", "path", "" },
	{ "pager", NULL, "*", "false" },
	{ "pager", "*", "*", "false" },
	{ "trailer", "*", "command", "" },
	{ "trailer", "*", "cmd", "" },
	{ "hook", "*", "command", "" },
	{ "hook", "*", "event", "" },
	{ "hook", "*", "enabled", "false" },
	{ "sendemail", "*", "smtpServer", "" },
	{ "sendemail", "*", "sendmailCmd", "" },
	{ "sendemail", "*", "toCmd", "" },
	{ "sendemail", "*", "ccCmd", "" },
	{ "sendemail", "*", "headerCmd", "" },
	{ "submodule", "*", "update", "none" },
	{ "submodule", "*", "ignore", "all" },
	{ "submodule", "*", "fetchRecurseSubmodules", "false" },
};

static bool rule_always(const struct rule *r)
{
	return !r->found_only && !(r->sub && !strcmp(r->sub, "*")) && strcmp(r->var, "*");
}

/* The rule matching configuration key @key ("section[.subsection].variable"), or NULL. */
static const struct rule *rule_for(const char *key)
{
	const char *dot1 = strchr(key, '.'), *dot2 = strrchr(key, '.');
	bool has_sub = dot2 != dot1;
	size_t sl, subl;

	if (!dot1)
		return NULL;
	sl = dot1 - key;
	subl = has_sub ? (size_t)(dot2 - dot1 - 1) : 0;
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct rule *r = &rules[i];

		if (strlen(r->section) != sl || strncasecmp(key, r->section, sl))
			continue;
		if (strcmp(r->var, "*") && strcasecmp(dot2 + 1, r->var))
			continue;
		if (!r->sub ? has_sub : !has_sub)
			continue;
		if (r->sub && strcmp(r->sub, "*") &&
		    (strlen(r->sub) != subl || strncmp(dot1 + 1, r->sub, subl)))
			continue;
		return r;
	}
	return NULL;
}

/* One more override for every later call. 0, or -E2BIG/-ENAMETOOLONG past the bounds, -ENOMEM. */
static int add_override(struct sc_git *g, const char *key, const char *value)
{
	char *k = NULL, *v = NULL, **e;
	int kl, vl, ret;

	if (strlen(key) > GIT_MAX_KEY)
		return -ENAMETOOLONG;
	kl = asprintf(&k, "GIT_CONFIG_KEY_%zu=%s", g->n_cfg, key);
	vl = asprintf(&v, "GIT_CONFIG_VALUE_%zu=%s", g->n_cfg, value);
	if (kl < 0 || vl < 0) {
		if (kl < 0)
			k = NULL;
		if (vl < 0)
			v = NULL;
		ret = -ENOMEM;
		goto cleanup;
	}
	if (g->cfg_bytes + kl + vl + 2 + 2 * sizeof(char *) > GIT_MAX_CFG_BYTES) {
		ret = -E2BIG;
		goto cleanup;
	}
	e = sc_grow(g->cfg_env, &g->cap_cfg_env, 2 * g->n_cfg + 1, sizeof(*e), 64);
	if (!e) {
		ret = -ENOMEM;
		goto cleanup;
	}
	g->cfg_env = e;
	g->cfg_env[2 * g->n_cfg] = k;
	g->cfg_env[2 * g->n_cfg + 1] = v;
	g->n_cfg++;
	g->cfg_bytes += kl + vl + 2 + 2 * sizeof(char *);
	return 0;
cleanup:
	free(k);
	free(v);
	return ret;
}

int git_init(struct sc_git *g, const char *user)
{
	const char *home = getenv("HOME") ? getenv("HOME") : "/";
	int ret;

	memset(g, 0, sizeof(*g));
	g->git = sc_resolve_command("git");
	if (!g->git) {
		sc_err("git is not installed (apt-get install git)");
		return -ENOENT;
	}
	if (user) {
		struct passwd *pw = getpwnam(user);

		if (!pw) {
			sc_err("--as-user: no user \"%s\"", user);
			return -ENOENT;
		}
		if (geteuid() != 0) {
			sc_err("--as-user needs root; run without it as %s", user);
			return -EPERM;
		}
		g->drop = true;
		g->uid = pw->pw_uid;
		g->gid = pw->pw_gid;
		home = pw->pw_dir;
	}
	if ((size_t)snprintf(g->home, sizeof(g->home), "%s", home) >= sizeof(g->home)) {
		sc_err("git: the home directory %s is longer than %zu bytes", home, sizeof(g->home) - 1);
		return -ENAMETOOLONG;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct rule *r = &rules[i];
		char key[128];

		if (!rule_always(r))
			continue;
		if ((size_t)snprintf(key, sizeof(key), "%s%s%s.%s", r->section, r->sub ? "." : "",
				     r->sub ? r->sub : "", r->var) >= sizeof(key))
			ret = -ENAMETOOLONG;
		else
			ret = add_override(g, key, r->value);
		if (ret) {
			sc_err("git: cannot set up the configuration overrides: %s", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

void git_free(struct sc_git *g)
{
	for (size_t i = 0; i < 2 * g->n_cfg; i++)
		free(g->cfg_env[i]);
	free(g->cfg_env);
	free(g->git);
	memset(g, 0, sizeof(*g));
}

/* In a child: go to @cwd and become the configured user, or exit. */
static void child_become(const struct sc_git *g, const char *cwd)
{
	if (cwd && chdir(cwd) < 0)
		_exit(127);
	if (g->drop && (setgroups(0, NULL) || setresgid(g->gid, g->gid, g->gid) || setresuid(g->uid, g->uid, g->uid)))
		_exit(126);
}

static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int git_spawn(const struct sc_git *g, const char *cwd, const char *const *argv)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		child_become(g, cwd);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return wait_child(pid);
}

/*
 * In a child: /dev/null, @out and @err as stdin, stdout and stderr, then git, or exit. Each
 * goes above 2 first, so that none is overwritten when the parent's own 0..2 were closed and
 * a pipe got one of them; dup2() then clears close-on-exec on 0..2 only.
 */
static void child_exec(const struct sc_git *g, const char *cwd, const char **argv, char **envp, int out,
		       int err)
{
	int fd[3] = { open("/dev/null", O_RDONLY | O_CLOEXEC), out, err };

	for (int i = 0; i < 3; i++) {
		if (fd[i] < 0 || (fd[i] = fcntl(fd[i], F_DUPFD_CLOEXEC, 3)) < 0)
			_exit(127);
	}
	for (int i = 0; i < 3; i++) {
		if (dup2(fd[i], i) < 0)
			_exit(127);
	}
	child_become(g, cwd);
	execve(g->git, (char *const *)argv, envp);
	_exit(127);
}


/*
 * Read a child's stdout @fd[0] and stderr @fd[1] until both are closed (git may fill either)
 * into @b[0] and @b[1] (either may be NULL: read and dropped). Output beyond GIT_MAX_OUTPUT is
 * read and dropped too, so that git can finish, and reported. 0, -EFBIG, -ENOMEM or -errno.
 */
static int drain(const int fd[2], struct sc_buf *const b[2])
{
	struct pollfd pfd[2] = { { .fd = fd[0], .events = POLLIN }, { .fd = fd[1], .events = POLLIN } };
	int ret = 0;

	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < 2; i++) {
			char buf[4096];
			ssize_t n;

			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n < 0)
				return -errno;
			if (n == 0) {
				pfd[i].fd = -1;		/* the caller closes it */
				continue;
			}
			if (!b[i])
				continue;
			if (b[i]->len + n > GIT_MAX_OUTPUT) {
				ret = -EFBIG;
				continue;
			}
			if (sc_buf_add(b[i], buf, n) && !ret)
				ret = -ENOMEM;
		}
	}
	return ret;
}

static int run_argv(const struct sc_git *g, const char *cwd, const char **argv, struct sc_buf *out,
		    struct sc_buf *err_out)
{
	static const char *const fixed[] = {
		"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C", "LC_ALL=C", "GIT_TERMINAL_PROMPT=0",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_PAGER=cat", "GIT_OPTIONAL_LOCKS=0",
		/* non-NULL: git then ignores every core.gitProxy (the first match would win) */
		"GIT_PROXY_COMMAND=",
	};
	static const char *const passed[] = { "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "GIT_AUTHOR_NAME",
					      "GIT_AUTHOR_EMAIL" };
	char home[300], count[40], kept[ARRAY_SIZE(passed)][320];
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, ret, st;
	struct sc_buf *b[2] = { out, err_out };
	size_t ne = 0, max;
	char **envp;
	pid_t pid;

	max = ARRAY_SIZE(fixed) + 2 + ARRAY_SIZE(passed) + 2 * g->n_cfg + 1;
	envp = calloc(max, sizeof(*envp));
	if (!envp)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		envp[ne++] = (char *)fixed[i];
	snprintf(home, sizeof(home), "HOME=%s", g->home);
	snprintf(count, sizeof(count), "GIT_CONFIG_COUNT=%zu", g->n_cfg);
	envp[ne++] = home;
	envp[ne++] = count;
	for (size_t i = 0; i < ARRAY_SIZE(passed); i++) {
		const char *v = getenv(passed[i]);

		if (!v)
			continue;
		if ((size_t)snprintf(kept[i], sizeof(kept[i]), "%s=%s", passed[i], v) >= sizeof(kept[i])) {
			sc_err("git: %s is longer than %zu bytes", passed[i],
			       sizeof(kept[i]) - strlen(passed[i]) - 2);
			ret = -E2BIG;
			goto cleanup;
		}
		envp[ne++] = kept[i];
	}
	for (size_t i = 0; i < 2 * g->n_cfg; i++)
		envp[ne++] = g->cfg_env[i];
	envp[ne] = NULL;
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		ret = -errno;
		goto cleanup;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto cleanup;
	}
	if (pid == 0)
		child_exec(g, cwd, argv, envp, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	ret = drain((int[2]){ po[0], pe[0] }, b);
	/* on a read error git may still be writing: closing our ends lets it finish (EPIPE) */
	close(po[0]);
	close(pe[0]);
	po[0] = pe[0] = -1;
	st = wait_child(pid);
	if (!ret)
		ret = st;
cleanup:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	free(envp);
	return ret;
}

int git_runv(const struct sc_git *g, const char *cwd, struct sc_buf *out, struct sc_buf *err_out,
	     const char *const *args)
{
	const char *argv[GIT_MAX_ARGS];
	size_t n = 0;

	if (g->refused)
		return g->refused;
	argv[n++] = "git";
	for (; *args; args++) {
		if (n + 1 >= GIT_MAX_ARGS)
			return -E2BIG;
		argv[n++] = *args;
	}
	argv[n] = NULL;
	return run_argv(g, cwd, argv, out, err_out);
}

int git_run(const struct sc_git *g, const char *cwd, struct sc_buf *out, struct sc_buf *err_out, ...)
{
	const char *args[GIT_MAX_ARGS];
	size_t n = 0;
	va_list ap;

	va_start(ap, err_out);
	while (n < GIT_MAX_ARGS && (args[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	if (n == GIT_MAX_ARGS)
		return -E2BIG;
	return git_runv(g, cwd, out, err_out, args);
}

/* a key of the configuration listing and the rule it matched */
struct found {
	const char *key;
	const struct rule *r;
};

/*
 * The keys of @out (git config --null --name-only: each one NUL-terminated) that name
 * commands and are not overridden already, each once, into *@f. 0, or -errno with a message.
 */
static int find_commands(const char *repo, const struct sc_buf *out, struct found **f, size_t *n_f)
{
	const char *p = out->data, *end = out->data + out->len;
	size_t cap = 0;

	while (out->len && p < end) {
		const char *nul = memchr(p, '\0', end - p), *key = p;
		const struct rule *r;
		struct found *q;
		size_t i;

		if (!nul) {
			sc_err("%s: git config --list: a key without its NUL terminator", repo);
			return -EPROTO;
		}
		p = nul + 1;
		r = rule_for(key);
		if (!r || rule_always(r))
			continue;
		/* git prints section and variable in lower case: the same key is the same string */
		for (i = 0; i < *n_f && strcmp((*f)[i].key, key); i++)
			;
		if (i < *n_f)
			continue;
		if (*n_f == GIT_MAX_OVERRIDES) {
			sc_err("%s: its git configuration names at least %d commands git could run; "
			       "syscensus overrides at most %d, so it runs no git there", repo,
			       GIT_MAX_OVERRIDES + 1, GIT_MAX_OVERRIDES);
			return -E2BIG;
		}
		q = sc_grow(*f, &cap, *n_f, sizeof(**f), 64);
		if (!q)
			return -ENOMEM;
		*f = q;
		(*f)[(*n_f)++] = (struct found){ key, r };
	}
	return 0;
}

int git_neutralise(struct sc_git *g, const char *repo)
{
	struct sc_buf out = {}, err = {};
	struct found *f = NULL;
	size_t n_f = 0;
	int ret;

	if (access(repo, F_OK) < 0) {
		ret = -errno;
		sc_err("%s: %s", repo, strerror(-ret));
		goto cleanup;
	}
	/*
	 * Every scope, not --local: git also reads the worktree's config.worktree
	 * (extensions.worktreeConfig), which --local leaves out, and the files either includes
	 * (--includes, includeIf evaluated here as in every later call). The global file is the
	 * invoking user's own, but the repository's attributes choose which of its drivers run on
	 * the repository's content; propose needs none of them, so the rule stays simple: git runs
	 * no configured command at all. The system file is not read (GIT_CONFIG_NOSYSTEM); the
	 * command scope is ours (rule_always() keys, skipped below).
	 * --null: a key cannot be split, whatever its subsection holds.
	 */
	ret = git_run(g, repo, &out, &err, "config", "--list", "--includes", "--null", "--name-only",
		      NULL);
	if (ret) {
		if (ret < 0)
			sc_err("%s: cannot list its git configuration: %s", repo, strerror(-ret));
		else
			sc_err("%s: git config --list failed (exit %d): %s", repo, ret,
			       err.data ? err.data : "");
		ret = ret < 0 ? ret : -EIO;
		goto cleanup;
	}
	if (out.oom) {
		ret = -ENOMEM;
		sc_err("%s: cannot list its git configuration: %s", repo, strerror(-ret));
		goto cleanup;
	}
	ret = find_commands(repo, &out, &f, &n_f);
	if (ret) {
		if (ret == -ENOMEM)
			sc_err("%s: cannot list its git configuration: %s", repo, strerror(-ret));
		goto cleanup;
	}
	for (size_t i = 0; i < n_f; i++) {
		ret = add_override(g, f[i].key, f[i].r->value);
		if (ret) {
			sc_err("%s: cannot override the %zu commands its git configuration names: %s",
			       repo, n_f, ret == -E2BIG ? "their keys take more than 1 MiB" :
			       ret == -ENAMETOOLONG ? "a key is longer than 4096 bytes" : strerror(-ret));
			goto cleanup;
		}
		sc_debug("git: overriding %s from %s's configuration with \"%s\"", f[i].key, repo,
			 f[i].r->value);
	}
	ret = 0;
cleanup:
	/* fail closed: with some command not overridden, no git at all */
	if (ret)
		g->refused = ret;
	free(f);
	sc_buf_free(&out);
	sc_buf_free(&err);
	return ret;
}
