// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drift/git.h"

#define GIT_MAX_ARGS	64
#define GIT_MAX_OUTPUT	(16u << 20)

/* on every call, whatever the repository's configuration says */
static const char *const fixed_overrides[] = {
	"core.hooksPath=/dev/null", "core.fsmonitor=false", "protocol.ext.allow=never",
	"core.sshCommand=ssh", "core.askPass=", "credential.helper=", "core.pager=cat",
	"core.editor=true", "sequence.editor=true", "diff.external=", "core.gitProxy=",
};

int git_init(struct sc_git *g, const char *user)
{
	memset(g, 0, sizeof(*g));
	g->git = sc_resolve_command("git");
	if (!g->git) {
		sc_err("git is not installed (apt-get install git)");
		return -ENOENT;
	}
	snprintf(g->home, sizeof(g->home), "%s", getenv("HOME") ? getenv("HOME") : "/");
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
		snprintf(g->home, sizeof(g->home), "%s", pw->pw_dir);
	}
	return 0;
}

void git_free(struct sc_git *g)
{
	for (size_t i = 0; i < g->n_overrides; i++)
		free(g->overrides[i]);
	free(g->overrides);
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

/* Append @n bytes to @b (NULs included: git config -z), keeping it NUL-terminated. */
static int buf_add(struct sc_buf *b, const char *p, size_t n)
{
	char *d;

	if (b->oom)
		return -ENOMEM;
	d = sc_grow(b->data, &b->cap, b->len + n, 1, 256);
	if (!d) {
		b->oom = true;
		return -ENOMEM;
	}
	b->data = d;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
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
			if (buf_add(b[i], buf, n) && !ret)
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
	};
	static const char *const passed[] = { "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "GIT_AUTHOR_NAME",
					      "GIT_AUTHOR_EMAIL" };
	char home[300], kept[ARRAY_SIZE(passed)][320];
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, ret, st;
	struct sc_buf *b[2] = { out, err_out };
	size_t ne = 0, max;
	char **envp;
	pid_t pid;

	max = ARRAY_SIZE(fixed) + 1 + ARRAY_SIZE(passed) + 1;
	envp = calloc(max, sizeof(*envp));
	if (!envp)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		envp[ne++] = (char *)fixed[i];
	snprintf(home, sizeof(home), "HOME=%s", g->home);
	envp[ne++] = home;
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

int git_run(const struct sc_git *g, const char *cwd, struct sc_buf *out, struct sc_buf *err_out, ...)
{
	const char *argv[GIT_MAX_ARGS];
	size_t n = 0;
	va_list ap;
	const char *a;

	argv[n++] = "git";
	for (size_t i = 0; i < ARRAY_SIZE(fixed_overrides); i++) {
		argv[n++] = "-c";
		argv[n++] = fixed_overrides[i];
	}
	for (size_t i = 0; i < g->n_overrides && n + 2 < GIT_MAX_ARGS - 16; i++) {
		argv[n++] = "-c";
		argv[n++] = g->overrides[i];
	}
	va_start(ap, err_out);
	while ((a = va_arg(ap, const char *))) {
		if (n + 1 >= GIT_MAX_ARGS) {
			va_end(ap);
			return -E2BIG;
		}
		argv[n++] = a;
	}
	va_end(ap);
	argv[n] = NULL;
	return run_argv(g, cwd, argv, out, err_out);
}

/* keys whose value git may run as a command; matched as prefix and suffix */
static bool dangerous(const char *key)
{
	static const struct {
		const char *prefix, *suffix;
	} pats[] = {
		{ "filter.", ".clean" }, { "filter.", ".smudge" }, { "filter.", ".process" }, { "filter.", ".required" },
		{ "diff.", ".textconv" }, { "diff.", ".command" }, { "merge.", ".driver" },
		{ "remote.", ".uploadpack" }, { "remote.", ".receivepack" }, { "remote.", ".proxy" },
		{ "credential.", ".helper" }, { "gpg.", ".program" },
	};
	size_t kl = strlen(key);

	for (size_t i = 0; i < ARRAY_SIZE(pats); i++) {
		size_t pl = strlen(pats[i].prefix), sl = strlen(pats[i].suffix);

		if (kl > pl + sl && !strncmp(key, pats[i].prefix, pl) && !strcasecmp(key + kl - sl, pats[i].suffix))
			return true;
	}
	return !strcasecmp(key, "commit.gpgsign") || !strcasecmp(key, "tag.gpgsign") ||
	       !strcasecmp(key, "core.fsmonitorhookversion");
}

int git_neutralise(struct sc_git *g, const char *repo)
{
	struct sc_buf out = {};
	char *line, *save = NULL;
	int ret;

	ret = git_run(g, repo, &out, NULL, "config", "--list", "--local", "--includes", "--name-only", NULL);
	if (ret < 0 || out.oom) {
		sc_buf_free(&out);
		return ret < 0 ? ret : -ENOMEM;
	}
	for (line = out.data ? strtok_r(out.data, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char *o, **v;
		const char *val;

		if (!dangerous(line))
			continue;
		/* remote helpers get git's own; everything else: an empty command, i.e. none */
		val = strstr(line, ".uploadpack") ? "git-upload-pack" : strstr(line, ".receivepack") ? "git-receive-pack"
			: !strcasecmp(line, "commit.gpgsign") || !strcasecmp(line, "tag.gpgsign") ||
			  (strlen(line) > 9 && !strcasecmp(line + strlen(line) - 9, ".required")) ? "false" : "";
		if (asprintf(&o, "%s=%s", line, val) < 0)
			continue;
		v = realloc(g->overrides, (g->n_overrides + 1) * sizeof(*v));
		if (!v) {
			free(o);
			continue;
		}
		g->overrides = v;
		g->overrides[g->n_overrides++] = o;
		sc_debug("git: overriding %s from %s's configuration", line, repo);
	}
	sc_buf_free(&out);
	return 0;
}
