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

int git_spawn(const struct sc_git *g, const char *cwd, const char *const *argv)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		child_become(g, cwd);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_argv(const struct sc_git *g, const char *cwd, const char **argv, struct sc_buf *out,
		    struct sc_buf *err_out)
{
	int po[2], pe[2], st;
	struct pollfd pfd[2];
	pid_t pid;
	char home[300];
	char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", home, "LANG=C", "LC_ALL=C",
			 "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1", "GIT_PAGER=cat",
			 "GIT_OPTIONAL_LOCKS=0", NULL, NULL, NULL, NULL, NULL };
	size_t ne = 8;
	static const char *const passed[] = { "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "GIT_AUTHOR_NAME",
					      "GIT_AUTHOR_EMAIL" };

	snprintf(home, sizeof(home), "HOME=%s", g->home);
	for (size_t i = 0; i < 4; i++) {
		static char kept[4][256];

		if (getenv(passed[i])) {
			snprintf(kept[i], sizeof(kept[i]), "%s=%s", passed[i], getenv(passed[i]));
			envp[ne++] = kept[i];
		}
	}
	if (pipe2(po, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -errno;
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(127);
		child_become(g, cwd);
		execve(g->git, (char *const *)argv, envp);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	/* read both pipes until both are closed: git may fill either */
	pfd[0] = (struct pollfd){ .fd = po[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = pe[0], .events = POLLIN };
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			char buf[4096];
			ssize_t n;

			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			struct sc_buf *b = i ? err_out : out;

			if (b && b->len + n < GIT_MAX_OUTPUT)
				sc_buf_printf(b, "%.*s", (int)n, buf);
		}
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
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
