// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The propose workflow. The work happens in a private clone, never in the user's
 * checkout: the result is a branch (fetched into the user's repository and optionally
 * pushed), a commit and a pull-request body. Git runs through git.c: no shell, hooks
 * and fsmonitor off, the repository's own commands overridden. Commits are
 * reproducible (dates from the base commit), so running again with the same inputs
 * yields the same commit and changes nothing.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drift/git.h"
#include "drift/propose.h"
#include "lib/json.h"
#include "lib/util.h"
#include "seccomp/crd.h"
#include "seccomp/filename.h"
#include "seccomp/generate.h"
#include "seccomp/syscalls.h"

#define DAY 86400
#define PR_TITLE "seccomp: update profiles from observed behaviour"

struct propose {
	const struct sc_propose_opts *o;
	struct sc_git git;
	char tmp[PATH_MAX];		/* the private clone */
	char head_before[64];		/* the user's HEAD, checked again at the end */
	char base_ref[300], base_sha[64], new_sha[64];
	struct sc_change *ch;
	size_t n_ch;
	const struct sc_image **growing;	/* left out by --min-stable */
	size_t n_growing;
	unsigned nodes;			/* the census's: nodes that reported (cluster view), 0: one agent */
};

static void chomp(struct sc_buf *b)
{
	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
		b->data[--b->len] = '\0';
}

#define GIT_ARGS 24

/* git with @args; an error naming @what (NULL: quiet) on failure; @out chomped */
static int vgit(struct propose *pp, const char *cwd, struct sc_buf *out, const char *what, va_list ap)
{
	const char *a[GIT_ARGS];
	struct sc_buf err = {};
	size_t n = 0;
	int ret;

	while (n < GIT_ARGS - 1 && (a[n] = va_arg(ap, const char *)))
		n++;
	a[n] = NULL;
	ret = n == GIT_ARGS - 1 ? -E2BIG : git_runv(&pp->git, cwd, out, &err, a);
	if (ret && what)
		sc_err("git %s failed (exit %d): %s", what, ret, err.data ? err.data : "");
	sc_buf_free(&err);
	if (out)
		chomp(out);
	return ret;
}

static int git_ok(struct propose *pp, const char *cwd, struct sc_buf *out, const char *what, ...)
	__attribute__((sentinel));

static int git_ok(struct propose *pp, const char *cwd, struct sc_buf *out, const char *what, ...)
{
	va_list ap;
	int ret;

	va_start(ap, what);
	ret = vgit(pp, cwd, out, what, ap);
	va_end(ap);
	return ret;
}

/* One line of git's output into @buf. 0 or git's failure. */
static int git_line(struct propose *pp, const char *cwd, char *buf, size_t len, const char *what, ...)
	__attribute__((sentinel));

static int git_line(struct propose *pp, const char *cwd, char *buf, size_t len, const char *what, ...)
{
	struct sc_buf out = {};
	va_list ap;
	int ret;

	va_start(ap, what);
	ret = vgit(pp, cwd, &out, what, ap);
	va_end(ap);
	if (!ret)
		snprintf(buf, len, "%s", out.data ? out.data : "");
	sc_buf_free(&out);
	return ret;
}

static int write_owned(struct propose *pp, const char *path, const struct sc_buf *b)
{
	int err = sc_write_file_atomic(path, b->data, b->len);

	if (!err && pp->git.drop && chown(path, pp->git.uid, pp->git.gid) < 0)
		err = -errno;
	return err;
}

/* mkdir -p below the clone, each new directory given to git's user. 0 or -errno. */
static int mkdirs_owned(struct propose *pp, const char *dir)
{
	char p[PATH_MAX + 256];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + strlen(pp->tmp) + 1;; s++) {
		bool end = !*s;

		if (*s && *s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == 0 && pp->git.drop && chown(p, pp->git.uid, pp->git.gid) < 0)
			return -errno;
		if (end)
			return 0;
		*s = '/';
	}
}

/* The user's repository: a git work tree, a branch checked out, nothing uncommitted. */
static int check_checkout(struct propose *pp)
{
	const struct sc_propose_opts *o = pp->o;
	struct sc_buf out = {};
	int ret = -EINVAL;

	if (git_ok(pp, o->repo, NULL, "rev-parse (is it a git repository?)", "rev-parse", "--is-inside-work-tree",
		   NULL))
		return -EINVAL;
	if (git_run(&pp->git, o->repo, &out, NULL, "symbolic-ref", "-q", "--short", "HEAD", NULL) != 0) {
		sc_err("%s: HEAD is detached: check out a branch first", o->repo);
		goto out;
	}
	chomp(&out);
	if (out.data && !strcmp(out.data, o->branch)) {
		sc_err("%s: %s is checked out; propose updates that branch, check out another one", o->repo, o->branch);
		goto out;
	}
	snprintf(pp->base_ref, sizeof(pp->base_ref), "%s", out.data ? out.data : "HEAD");
	sc_buf_free(&out);
	if (git_ok(pp, o->repo, &out, "status", "status", "--porcelain", "--ignore-submodules=all", NULL))
		goto out;
	if (out.len) {
		sc_err("%s has uncommitted changes; commit or stash them first:\n%s", o->repo, out.data);
		goto out;
	}
	ret = git_line(pp, o->repo, pp->head_before, sizeof(pp->head_before), "rev-parse", "rev-parse", "HEAD",
		       NULL) ? -EINVAL : 0;
out:
	sc_buf_free(&out);
	return ret;
}

/* The base of the branch: the remote's HEAD when we push there, else the current branch. */
static int find_base(struct propose *pp)
{
	const struct sc_propose_opts *o = pp->o;
	char ref[400], remote_head[300];

	if (o->remote) {
		snprintf(ref, sizeof(ref), "refs/remotes/%s/HEAD", o->remote);
		/* no remote HEAD known: the current branch */
		if (git_line(pp, o->repo, remote_head, sizeof(remote_head), NULL, "symbolic-ref", "-q", "--short", ref,
			     NULL) == 0)
			snprintf(pp->base_ref, sizeof(pp->base_ref), "%s", remote_head);
	}
	snprintf(ref, sizeof(ref), "%s^{commit}", pp->base_ref);
	return git_line(pp, o->repo, pp->base_sha, sizeof(pp->base_sha), "rev-parse", "rev-parse", "--verify", ref,
			NULL) ? -EINVAL : 0;
}

/* A private clone with the branch checked out at the base. */
static int make_clone(struct propose *pp)
{
	snprintf(pp->tmp, sizeof(pp->tmp), "/tmp/syscensus-propose.XXXXXX");
	if (!mkdtemp(pp->tmp)) {
		sc_err("cannot create a temporary directory: %s", strerror(errno));
		pp->tmp[0] = '\0';
		return -errno;
	}
	if (pp->git.drop && chown(pp->tmp, pp->git.uid, pp->git.gid) < 0) {
		sc_err("cannot hand %s to %s: %s", pp->tmp, pp->o->as_user, strerror(errno));
		return -errno;
	}
	if (git_ok(pp, NULL, NULL, "clone", "clone", "-q", "--no-checkout", "--no-hardlinks", pp->o->repo, pp->tmp,
		   NULL) ||
	    git_ok(pp, pp->tmp, NULL, "checkout", "checkout", "-q", "-B", pp->o->branch, pp->base_sha, NULL))
		return -EINVAL;
	return 0;
}

/*
 * The SeccompProfile beside the JSON profile @doc (not taken) of @img, when it is new or
 * differs. 1 written, 0 the same, -errno (said).
 */
static int update_crd(struct propose *pp, const char *image, const cJSON *doc, const char *name)
{
	char path[PATH_MAX * 2], why[256];
	struct sc_buf y = {};
	size_t len = 0;
	char *cur;
	int ret;

	snprintf(path, sizeof(path), "%s/%s/%s.yaml", pp->tmp, pp->o->subdir, name);
	if ((ret = crd__render(doc, image, &y, why, sizeof(why))) == -EINVAL) {
		/* one profile the API cannot hold does not hold back the others */
		sc_warn("the profile of %s cannot be a SeccompProfile: %s; only its JSON is committed", image, why);
		return 0;
	}
	if (ret) {
		sc_err("out of memory");
		return ret;
	}
	cur = sc_read_file(path, SC_JSON_MAX_SIZE, &len);
	if (cur && len == y.len && !memcmp(cur, y.data, len))
		ret = 0;
	else if ((ret = write_owned(pp, path, &y)))
		sc_err("cannot write %s: %s", path, strerror(-ret));
	else
		ret = 1;
	free(cur);
	sc_buf_free(&y);
	return ret;
}

/* The profile of @img's name @image in the clone. 1 changed, 0 unchanged, or -errno (said). */
static int update_one(struct propose *pp, const struct sc_image *img, const char *image, struct sc_change *ch)
{
	char name[SC_NAME_MAX], path[PATH_MAX * 2], err_s[512] = "";
	struct sc_buf b = {};
	const char *note;
	size_t old_len = 0;
	char *old;
	cJSON *doc;
	int ret = 0;

	ch->img = img;
	ch->name = image;
	image_file_name(image, name);
	snprintf(ch->rel, sizeof(ch->rel), "%s/%s.json", pp->o->subdir, name);
	snprintf(path, sizeof(path), "%s/%s", pp->tmp, ch->rel);
	old = sc_read_file(path, SC_JSON_MAX_SIZE, &old_len);
	ch->created = !old;
	doc = old ? drift__merge(ch, path, &pp->o->ctx, &pp->o->prune, err_s, sizeof(err_s)) : image__profile(img, &note);
	if (doc && (pp->o->forms & SC_FORM_CRD) && (ret = update_crd(pp, image, doc, name)) < 0) {
		cJSON_Delete(doc);
		free(old);
		return ret;
	}
	if (!doc) {
		sc_err("%s", old ? err_s : "out of memory");
		ret = -EINVAL;
	} else if (json_render(doc, &b)) {
		sc_err("out of memory");
		ret = -ENOMEM;
	} else if (old && ((!ch->n_added && !ch->n_added_values && !ch->n_removed) || (old_len == b.len && !memcmp(old, b.data, b.len)))) {
		/* an existing profile is rewritten only for a change of what it allows, not for its layout */
		/* (ret: 1 when only its SeccompProfile was new or differed) */
	} else if ((ret = write_owned(pp, path, &b))) {
		sc_err("cannot write %s: %s", path, strerror(-ret));
	} else {
		ret = 1;
	}
	free(old);
	sc_buf_free(&b);
	return ret;
}

/* Every image's new profile in the clone. Returns the number changed, or -errno. */
static int update_profiles(struct propose *pp, const struct sc_census *c)
{
	char dir[PATH_MAX + 256];
	int changed = 0, ret;
	size_t names = 1;

	snprintf(dir, sizeof(dir), "%s/%s", pp->tmp, pp->o->subdir);
	if ((ret = mkdirs_owned(pp, dir))) {
		sc_err("cannot create %s: %s", dir, strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < c->n_images; i++)
		names += 1 + c->images[i]->n_aliases;
	pp->ch = calloc(names, sizeof(*pp->ch));
	if (!pp->ch)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_images; i++) {
		if (c->images[i]->unknown || !c->images[i]->calls.n)
			continue;
		/* a set still growing is not proposed yet: said in the body */
		if (pp->o->min_stable && image__last_new(c->images[i]) > pp->o->now - pp->o->min_stable) {
			const struct sc_image **g = realloc(pp->growing, (pp->n_growing + 1) * sizeof(*g));

			if (!g)
				return -ENOMEM;
			pp->growing = g;
			pp->growing[pp->n_growing++] = c->images[i];
			continue;
		}
		/* each name of the image: its committed profile merged with the image's one observation */
		for (size_t k = 0; k <= c->images[i]->n_aliases; k++) {
			struct sc_change *ch = &pp->ch[pp->n_ch];

			ret = update_one(pp, c->images[i], k ? c->images[i]->aliases[k - 1] : c->images[i]->key, ch);
			if (ret < 0)
				return ret;
			if (ret == 0) {
				drift__change_free(ch);
				continue;
			}
			changed++;
			pp->n_ch++;
		}
	}
	return changed;
}

/* The commit, with the base commit's date (reproducible), in the clone. */
static int commit(struct propose *pp)
{
	char date[64], when[32], safe[4200];
	struct sc_buf msg = {};
	int ret = -EINVAL;

	sc_buf_printf(&msg, "seccomp: update %zu profile(s) from observed behaviour\n\n", pp->n_ch);
	for (size_t i = 0; i < pp->n_ch; i++)
		sc_buf_printf(&msg, "%s: %s%zu added, %zu removed\n", sc_inline_name(pp->ch[i].name, safe, sizeof(safe)),
			      pp->ch[i].created ? "new profile, " : "", pp->ch[i].n_added + pp->ch[i].n_added_values,
			      pp->ch[i].n_removed);
	sc_buf_printf(&msg, "\nProposed by syscensus propose.\n");
	if (msg.oom || git_line(pp, pp->o->repo, when, sizeof(when), "log", "log", "-1", "--format=%ct",
				pp->base_sha, NULL))
		goto out;
	snprintf(date, sizeof(date), "@%s +0000", when);
	if (setenv("GIT_AUTHOR_DATE", date, 1) || setenv("GIT_COMMITTER_DATE", date, 1))
		goto out;
	if (git_ok(pp, pp->tmp, NULL, "add", "add", "--", pp->o->subdir, NULL) ||
	    git_ok(pp, pp->tmp, NULL, "commit", "-c", "user.name=syscensus", "-c", "user.email=syscensus@localhost",
		   "commit", "-q", "--no-verify", "-m", msg.data, NULL) ||
	    git_line(pp, pp->tmp, pp->new_sha, sizeof(pp->new_sha), "rev-parse", "rev-parse", "HEAD", NULL))
		goto out;
	ret = 0;
out:
	sc_buf_free(&msg);
	return ret;
}

/* The branch into the user's repository (a ref only: the checkout is not touched), and pushed. */
static int publish(struct propose *pp)
{
	const struct sc_propose_opts *o = pp->o;
	char refspec[640], url[PATH_MAX];

	snprintf(refspec, sizeof(refspec), "+refs/heads/%s:refs/heads/%s", o->branch, o->branch);
	if (git_ok(pp, o->repo, NULL, "fetch", "fetch", "-q", "--no-tags", "--no-recurse-submodules", pp->tmp,
		   refspec, NULL))
		return -EINVAL;
	printf("branch %s in %s: commit %.12s, %zu profile(s) updated\n", o->branch, o->repo, pp->new_sha, pp->n_ch);
	if (!o->remote)
		return 0;
	/* push by URL: the clone's configuration is ours, the remote's name is only looked up */
	if (git_line(pp, o->repo, url, sizeof(url), "remote get-url", "remote", "get-url", o->remote, NULL) ||
	    git_ok(pp, pp->tmp, NULL, "push", "push", "-q", "--no-verify", "--recurse-submodules=no", url,
		   refspec, NULL))
		return -EINVAL;
	printf("pushed %s to %s (%s)\n", o->branch, o->remote, url);
	return 0;
}

static const struct sc_vent *find_call(const struct sc_image *img, const char *name)
{
	const struct sc_vent *best = NULL;

	for (size_t i = 0; i < img->calls.n; i++) {
		const struct sc_vent *e = &img->calls.e[i];
		const struct sc_arch *arch = arch_of_abi(SC_KEY_ABI(e->key));
		const char *n = arch ? syscall_name(arch->token, SC_KEY_NR(e->key)) : NULL;

		if (n && !strcmp(n, name) && (!best || SC_KEY_PHASE(e->key) == SC_FILTERED))
			best = e;
	}
	return best;
}

static void body_lists(struct propose *pp, struct sc_buf *b, struct sc_change *c)
{
	char t[32];

	if (c->n_added) {
		sc_buf_printf(b, "Added (the committed profile refused these: **breaking drift fixed**):\n\n"
				 "| syscall | calls | first seen |\n|---|---|---|\n");
		qsort(c->added, c->n_added, sizeof(*c->added), sc_cmp_str);
		for (size_t k = 0; k < c->n_added; k++) {
			const struct sc_vent *e = find_call(c->img, c->added[k]);

			sc_fmt_time(e ? e->first : 0, t, sizeof(t));
			sc_buf_printf(b, "| `%s` | %llu | %s |\n", c->added[k], (unsigned long long)(e ? e->count : 0), t);
		}
		sc_buf_printf(b, "\n");
	}
	if (c->n_added_values) {
		sc_buf_printf(b, "Added for one argument value each (the committed rules allow these calls for "
				 "other arguments only; theirs are kept as written):\n\n| syscall | argument value |\n|---|---|\n");
		for (size_t k = 0; k < c->n_added_values; k++)
			sc_buf_printf(b, "| `%s` | `0x%llx` |\n", c->added_values_names[k],
				      (unsigned long long)c->added_values[k].value);
		sc_buf_printf(b, "\n");
	}
	if (c->n_removed) {
		qsort(c->removed, c->n_removed, sizeof(*c->removed), sc_cmp_str);
		sc_buf_printf(b, "Removed (allowed, unused for %lld days or more):", (long long)(pp->o->prune.after / DAY));
		for (size_t k = 0; k < c->n_removed; k++)
			sc_buf_printf(b, " `%s`", c->removed[k]);
		sc_buf_printf(b, "\n\n");
	}
	if (c->n_conditional) {
		qsort(c->conditional, c->n_conditional, sizeof(*c->conditional), sc_cmp_str);
		sc_buf_printf(b, "Left as they are (allowed only for some arguments by a hand-written rule):");
		for (size_t k = 0; k < c->n_conditional; k++)
			sc_buf_printf(b, " `%s`", c->conditional[k]);
		sc_buf_printf(b, "\n\n");
	}
}

/* The images --min-stable left out, in the body. */
static void body_growing(struct propose *pp, struct sc_buf *b)
{
	char t[32], safe[4200];

	if (!pp->n_growing)
		return;
	sc_buf_printf(b, "### Not proposed yet\n\nTheir syscalls grew within the last %lld s (`--min-stable`): ",
		      (long long)pp->o->min_stable);
	for (size_t i = 0; i < pp->n_growing; i++) {
		sc_fmt_time(image__last_new(pp->growing[i]), t, sizeof(t));
		sc_buf_printf(b, "%s`%s` (last new syscall %s)", i ? ", " : "",
			      sc_inline_name(pp->growing[i]->key, safe, sizeof(safe)), t);
	}
	sc_buf_puts(b, ".\n\n");
}

/* Syscalls a new profile allows (its first rule's names). */
static size_t new_profile_size(const struct sc_image *img, const char **note)
{
	cJSON *doc = image__profile(img, note);
	cJSON *rule = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "syscalls"), 0);
	size_t n = doc ? cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rule, "names")) : 0;

	cJSON_Delete(doc);
	return n;
}

static void body(struct propose *pp, struct sc_buf *b)
{
	char t1[32], t2[32], safe[4200], wl[1024];

	sc_buf_printf(b, "## Seccomp profiles updated from observed behaviour\n\n");
	if (pp->nodes)
		sc_buf_printf(b, "Generated by `syscensus propose` from what the syscensus agents of %u node%s "
				 "reported (%s). ", pp->nodes, pp->nodes == 1 ? "" : "s", pp->o->source ? pp->o->source : "Prometheus");
	else
		sc_buf_printf(b, "Generated by `syscensus propose` from what the syscensus agent observed. ");
	sc_buf_printf(b, "%zu profile(s) change on `%s`.\n\n", pp->n_ch, pp->o->branch);
	for (size_t i = 0; i < pp->n_ch; i++) {
		struct sc_change *c = &pp->ch[i];
		const struct sc_image *img = c->img;
		const char *note = "";

		sc_fmt_time(img->first, t1, sizeof(t1));
		sc_fmt_time(img->last, t2, sizeof(t2));
		sc_buf_printf(b, "### `%s`\n\n`%s`%s. Observed from %s to %s in %llu container(s)",
			      sc_inline_name(c->name, safe, sizeof(safe)), c->rel,
			      c->created ? " (new: no profile was committed)" : "", t1, t2,
			      (unsigned long long)img->ctrs_total);
		for (size_t k = 0; k < img->n_ctrs && k < 5; k++)
			sc_buf_printf(b, "%s`%.12s`%s%s%s", k ? ", " : ": ", img->ctrs[k].id,
				      img->ctrs[k].name ? " (" : "",
				      img->ctrs[k].name ? sc_inline_name(img->ctrs[k].name, safe, sizeof(safe)) : "",
				      img->ctrs[k].name ? ")" : "");
		sc_buf_printf(b, "%s", img->n_ctrs > 5 ? ", ..." : "");
		if (img->nodes)
			sc_buf_printf(b, " on %u of the %u nodes", img->nodes, pp->nodes);
		sc_buf_printf(b, ".");
		if (image__workloads(img, wl, sizeof(wl)))
			sc_buf_printf(b, " Runs in: %s (workloads inferred from the pod names).",
				      sc_inline_name(wl, safe, sizeof(safe)));
		sc_fmt_time(image__last_new(img), t1, sizeof(t1));
		sc_buf_printf(b, " Last new syscall: %s.", t1);
		if (img->exec_sessions)
			sc_buf_printf(b, " Exec sessions seen: %llu (the calls of commands run with exec are in).",
				      (unsigned long long)img->exec_sessions);
		else
			sc_buf_printf(b, " No exec session seen.");
		/* one image id under several names: one observation, every name's profile from it */
		for (size_t k = 0, said = 0; k <= img->n_aliases; k++) {
			const char *n = k ? img->aliases[k - 1] : img->key;

			if (strcmp(n, c->name))
				sc_buf_printf(b, "%s`%s`", said++ ? ", " : " The same image id also runs as ",
					      sc_inline_name(n, safe, sizeof(safe)));
		}
		if (img->n_aliases)
			sc_buf_printf(b, " (its profiles are made from the same observation).");
		sc_buf_printf(b, "\n\n");
		body_lists(pp, b, c);
		if (c->created) {
			size_t n = new_profile_size(img, &note);

			sc_buf_printf(b, "New profile: %zu syscalls allowed (%s).\n\n", n, note);
		}
	}
	body_growing(pp, b);
}

/* gh or glab, when asked and installed; otherwise the command to run. */
static void open_pull_request(struct propose *pp)
{
	const struct sc_propose_opts *o = pp->o;
	char *gh = sc_resolve_command("gh"), *glab = gh ? NULL : sc_resolve_command("glab");
	const char *cli = gh ? "gh" : glab ? "glab" : NULL, *slash = strchr(pp->base_ref, '/');
	const char *base = slash && o->remote ? slash + 1 : pp->base_ref;

	if (o->open_pr && cli && o->remote && o->body_file) {
		/* the only network step: the forge's own CLI, no shell */
		const char *create[] = { gh, "pr", "create", "--head", o->branch, "--base", base, "--title", PR_TITLE,
					 "--body-file", o->body_file, NULL };
		const char *edit[] = { gh, "pr", "edit", o->branch, "--body-file", o->body_file, NULL };
		char *text = glab ? sc_read_file(o->body_file, 1 << 20, NULL) : NULL;
		const char *mr[] = { glab, "mr", "create", "--source-branch", o->branch, "--target-branch", base,
				     "--title", PR_TITLE, "--description", text ? text : "", "--yes", NULL };

		printf("opening the pull request with %s\n", cli);
		if (gh ? git_spawn(&pp->git, o->repo, create) && git_spawn(&pp->git, o->repo, edit)
		       : git_spawn(&pp->git, o->repo, mr) != 0)
			sc_warn("%s could not open or update the pull request", cli);
		free(text);
	} else {
		if (o->open_pr)
			printf("--open: %s\n", !cli ? "neither gh nor glab is installed" : !o->remote ?
			       "needs --push REMOTE" : "needs --body-file FILE");
		printf("to open the pull request: %s --head %s --base %s --title 'seccomp: update profiles' "
		       "--body-file %s\n", glab ? "glab mr create" : "gh pr create", o->branch, base,
		       o->body_file ? o->body_file : "BODY.md");
	}
	free(gh);
	free(glab);
}

/* The changes made in the clone, committed, published, explained. 0 or -errno (said). */
static int deliver(struct propose *pp)
{
	struct sc_buf b = {};
	int err;

	if ((err = commit(pp)) || (err = publish(pp)))
		return err;
	body(pp, &b);
	if (b.oom) {
		sc_buf_free(&b);
		sc_err("out of memory");
		return -ENOMEM;
	}
	if (!pp->o->body_file)
		printf("\n%s\n", b.data);
	else if ((err = sc_write_file_atomic(pp->o->body_file, b.data, b.len)))
		sc_err("cannot write %s: %s", pp->o->body_file, strerror(-err));
	sc_buf_free(&b);
	if (!err)
		open_pull_request(pp);
	return err;
}

/* The user's checkout must be as it was; the clone goes. */
static void cleanup(struct propose *pp)
{
	char now[64] = "";

	if (pp->head_before[0] &&
	    (git_line(pp, pp->o->repo, now, sizeof(now), NULL, "rev-parse", "HEAD", NULL) || strcmp(now, pp->head_before)))
		sc_err("%s: HEAD moved during propose (was %s)", pp->o->repo, pp->head_before);
	if (pp->tmp[0] && sc_rm_tree(pp->tmp))
		sc_warn("cannot remove %s", pp->tmp);
	for (size_t i = 0; i < pp->n_ch; i++)
		drift__change_free(&pp->ch[i]);
	free(pp->ch);
	free(pp->growing);
	git_free(&pp->git);
}

int drift__propose(const struct sc_census *c, const struct sc_propose_opts *o)
{
	struct propose pp = { .o = o, .nodes = c->nodes };
	int ret = SC_EXIT_FAIL, n;

	if (git_init(&pp.git, o->as_user))
		goto out;
	/* a repository whose configuration cannot be read and neutralised is not worked in */
	if (git_neutralise(&pp.git, o->repo))
		goto out;
	if (check_checkout(&pp) || find_base(&pp) || make_clone(&pp))
		goto out;
	n = update_profiles(&pp, c);
	if (n < 0)
		goto out;
	if (n == 0) {
		printf("nothing to change: the profiles in %s/%s already allow what was observed%s%s\n", o->repo,
		       o->subdir, o->prune.on ? " and nothing is unused long enough to prune" : "",
		       pp.n_growing ? " (images whose syscalls still grow, --min-stable, left out)" : "");
		ret = SC_EXIT_OK;
		goto out;
	}
	if (!deliver(&pp))
		ret = SC_EXIT_OK;
out:
	cleanup(&pp);
	return ret;
}
