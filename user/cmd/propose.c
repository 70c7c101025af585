// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus propose: what the agent learned, as a reviewable change in the repository
 * where a team keeps its profiles. The work happens in a private clone, never in the
 * user's checkout: the result is a branch (fetched into the user's repository and
 * optionally pushed), a commit and a pull-request body. Git runs through gitrun.c:
 * no shell, hooks and fsmonitor off, the repository's own commands overridden.
 * Commits are reproducible (dates from the base commit), so running again with the
 * same inputs yields the same commit and changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "census/census.h"
#include "cmd/cmds.h"
#include "drift/git.h"
#include "lib/json.h"
#include "seccomp/filename.h"
#include "seccomp/generate.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"
#include "seccomp/filter.h"

#define DAY 86400

struct change {
	const struct sc_image *img;
	char rel[PATH_MAX];		/* path in the repository */
	bool created;
	const char **added, **conditional;
	char **removed;			/* copies: the names leave the document */
	size_t n_added, n_removed, n_conditional;
};

struct propose {
	struct sc_git git;
	const char *repo, *subdir, *remote;
	char tmp[PATH_MAX];
	struct sc_eval_ctx ctx;
	bool prune;
	int64_t prune_after, now;
	struct change *ch;
	size_t n_ch;
};

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void add_name(const char ***v, size_t *n, const char *name)
{
	const char **x;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], name))
			return;
	x = realloc(*v, (*n + 1) * sizeof(*x));
	if (!x)
		return;
	*v = x;
	(*v)[(*n)++] = name;
}

/* A rule that allows its names whatever the arguments, arch and caps: where we add and prune. */
static bool plain_allow(const cJSON *r)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(r, "action");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(r, "args");
	const cJSON *inc = cJSON_GetObjectItemCaseSensitive(r, "includes");
	const cJSON *exc = cJSON_GetObjectItemCaseSensitive(r, "excludes");

	return cJSON_IsString(a) && !strcmp(a->valuestring, "SCMP_ACT_ALLOW") &&
	       cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r, "names")) &&
	       (!args || cJSON_IsNull(args) || !cJSON_GetArraySize(args)) &&
	       (!inc || cJSON_IsNull(inc) || !inc->child) && (!exc || cJSON_IsNull(exc) || !exc->child);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rebuild a names array sorted and without duplicates. */
static void sort_names(cJSON *names)
{
	size_t n = cJSON_GetArraySize(names), k = 0;
	const char **v = calloc(n + 1, sizeof(*v));
	cJSON *x, *fresh;

	if (!v)
		return;
	cJSON_ArrayForEach(x, names)
		if (cJSON_IsString(x))
			v[k++] = x->valuestring;
	qsort(v, k, sizeof(*v), cmp_str);
	fresh = cJSON_CreateArray();
	for (size_t i = 0; fresh && i < k; i++)
		if (!i || strcmp(v[i], v[i - 1]))
			cJSON_AddItemToArray(fresh, cJSON_CreateString(v[i]));
	free(v);
	if (!fresh)
		return;
	/* swap the children: the node keeps its place in the document */
	while (names->child)
		cJSON_Delete(cJSON_DetachItemViaPointer(names, names->child));
	while (fresh->child)
		cJSON_AddItemToArray(names, cJSON_DetachItemViaPointer(fresh, fresh->child));
	cJSON_Delete(fresh);
}

/*
 * The committed profile with what the image was seen to need and it refuses added to
 * its first plain ALLOW rule (or a new one); everything else of the file is kept.
 */
static cJSON *merge(struct propose *pp, struct change *c, const char *path, char *err, size_t errlen)
{
	const struct sc_image *img = c->img;
	bool confined = image__confined(img);
	struct sc_profile *p = NULL;
	scmp_filter_ctx fctx = NULL;
	struct sc_compile_stats st;
	struct sc_filter f = {};
	cJSON *doc, *rules, *r, *target = NULL;
	int ret;

	doc = json_parse_file(path, err, errlen);
	if (!doc)
		return NULL;
	p = profile__load(path, &pp->ctx, SC_UNKNOWN_WARN, err, errlen);
	if (!p || (ret = profile__compile(p, &pp->ctx, false, &fctx, &st, err, errlen)) ||
	    (ret = filter__export(fctx, &f))) {
		if (p && !err[0])
			snprintf(err, errlen, "%.400s: cannot compile", path);
		goto fail;
	}
	for (size_t i = 0; i < img->calls.n; i++) {
		const struct sc_vent *e = &img->calls.e[i];
		const struct sc_arch *arch = arch_of_abi(SC_KEY_ABI(e->key));
		const char *name = arch ? syscall_name(arch->token, SC_KEY_NR(e->key)) : NULL;
		struct sc_verdict v;

		if ((confined && SC_KEY_PHASE(e->key) != SC_FILTERED) || !name)
			continue;
		v = filter__verdict(&f, arch->token, SC_KEY_NR(e->key));
		if (v.kind == SC_V_DENY)
			add_name(&c->added, &c->n_added, name);
		else if (v.kind == SC_V_CONDITIONAL)
			add_name(&c->conditional, &c->n_conditional, name);
	}
	rules = cJSON_GetObjectItemCaseSensitive(doc, "syscalls");
	if (!rules) {
		rules = cJSON_AddArrayToObject(doc, "syscalls");
	} else if (!cJSON_IsArray(rules)) {
		snprintf(err, errlen, "%.400s: syscalls: expected an array", path);
		goto fail;
	}
	cJSON_ArrayForEach(r, rules)
		if (!target && plain_allow(r))
			target = r;
	if (c->n_added) {
		cJSON *names;

		if (!target) {
			target = cJSON_CreateObject();
			cJSON_AddItemToObject(target, "names", cJSON_CreateArray());
			cJSON_AddStringToObject(target, "action", "SCMP_ACT_ALLOW");
			cJSON_AddStringToObject(target, "comment", "observed by syscensus");
			cJSON_AddItemToArray(rules, target);
		}
		names = cJSON_GetObjectItemCaseSensitive(target, "names");
		for (size_t i = 0; i < c->n_added; i++)
			cJSON_AddItemToArray(names, cJSON_CreateString(c->added[i]));
		sort_names(names);
	}
	if (pp->prune && pp->now - img->first >= pp->prune_after) {
		/* unused for the configured time: never seen, or last seen before it */
		cJSON_ArrayForEach(r, rules) {
			cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names"), *x, *next;

			if (!plain_allow(r))
				continue;
			for (x = names->child; x; x = next) {
				int64_t last = 0;

				next = x->next;
				if (!cJSON_IsString(x) || sc_is_always_allowed(x->valuestring))
					continue;
				for (size_t i = 0; i < img->calls.n; i++) {
					const struct sc_vent *e = &img->calls.e[i];
					const struct sc_arch *arch = arch_of_abi(SC_KEY_ABI(e->key));
					const char *n = arch ? syscall_name(arch->token, SC_KEY_NR(e->key)) : NULL;

					if (n && !strcmp(n, x->valuestring) && e->last > last)
						last = e->last;
				}
				if (pp->now - last >= pp->prune_after) {
					char **rv = realloc(c->removed, (c->n_removed + 1) * sizeof(*rv));

					if (rv) {
						c->removed = rv;
						if ((rv[c->n_removed] = strdup(x->valuestring)))
							c->n_removed++;
					}
					cJSON_Delete(cJSON_DetachItemViaPointer(names, x));
				}
			}
		}
	}
	filter__free(&f);
	seccomp_release(fctx);
	profile__free(p);
	return doc;
fail:
	filter__free(&f);
	if (fctx)
		seccomp_release(fctx);
	profile__free(p);
	cJSON_Delete(doc);
	return NULL;
}

static int write_owned(struct propose *pp, const char *path, const struct sc_buf *b)
{
	int err = sc_write_file_atomic(path, b->data, b->len);

	if (!err && pp->git.drop && chown(path, pp->git.uid, pp->git.gid) < 0)
		err = -errno;
	return err;
}

static int mkdirs_owned(struct propose *pp, const char *dir)
{
	char p[PATH_MAX + 256];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + strlen(pp->tmp) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == 0 && pp->git.drop && chown(p, pp->git.uid, pp->git.gid) < 0)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0755) == 0 && pp->git.drop && chown(p, pp->git.uid, pp->git.gid) < 0)
		return -errno;
	return 0;
}

static void change_free(struct change *c)
{
	free(c->added);
	free(c->conditional);
	for (size_t i = 0; i < c->n_removed; i++)
		free(c->removed[i]);
	free(c->removed);
	memset(c, 0, sizeof(*c));
}

/* Compute every image's new profile in the clone. Returns the number changed, or -errno. */
static int update_profiles(struct propose *pp, struct sc_census *c)
{
	char dir[PATH_MAX + 256];
	int changed = 0, err;

	snprintf(dir, sizeof(dir), "%s/%s", pp->tmp, pp->subdir);
	if ((err = mkdirs_owned(pp, dir)))
		return err;
	pp->ch = calloc(c->n_images, sizeof(*pp->ch));
	if (!pp->ch && c->n_images)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];
		struct change *ch = &pp->ch[pp->n_ch];
		char name[SC_NAME_MAX], path[PATH_MAX * 2], err_s[512] = "";
		struct sc_buf b = {};
		const char *note;
		size_t old_len = 0;
		char *old;
		cJSON *doc;

		if (img->unknown || !img->calls.n)
			continue;
		ch->img = img;
		image_file_name(img->key, name);
		snprintf(ch->rel, sizeof(ch->rel), "%s/%s.json", pp->subdir, name);
		snprintf(path, sizeof(path), "%s/%s", pp->tmp, ch->rel);
		old = sc_read_file(path, SC_JSON_MAX_SIZE, &old_len);
		if (old) {
			doc = merge(pp, ch, path, err_s, sizeof(err_s));
			if (!doc) {
				sc_err("%s", err_s);
				free(old);
				return -EINVAL;
			}
		} else {
			doc = image__profile(img, &note);
			ch->created = true;
		}
		if (json_render(doc, &b)) {
			free(old);
			return -ENOMEM;
		}
		/* an existing profile is rewritten only for a change of what it allows, not for its layout */
		if (old && !ch->n_added && !ch->n_removed) {
			change_free(ch);
		} else if (!old || old_len != b.len || memcmp(old, b.data, b.len)) {
			if ((err = write_owned(pp, path, &b))) {
				sc_err("cannot write %s: %s", path, strerror(-err));
				free(old);
				sc_buf_free(&b);
				return err;
			}
			changed++;
			pp->n_ch++;
		} else {
			change_free(ch);
		}
		free(old);
		sc_buf_free(&b);
	}
	return changed;
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

static void body(struct propose *pp, struct sc_buf *b, const char *branch)
{
	char t1[32], t2[32];

	sc_buf_printf(b, "## Seccomp profiles updated from observed behaviour\n\n");
	sc_buf_printf(b, "Generated by `syscensus propose` from what the syscensus agent observed. "
			 "%zu profile(s) change on `%s`.\n\n", pp->n_ch, branch);
	for (size_t i = 0; i < pp->n_ch; i++) {
		const struct change *c = &pp->ch[i];
		const struct sc_image *img = c->img;

		sc_fmt_time(img->first, t1, sizeof(t1));
		sc_fmt_time(img->last, t2, sizeof(t2));
		sc_buf_printf(b, "### `%s`\n\n`%s`%s. Observed from %s to %s in %llu container(s)", img->key, c->rel,
			      c->created ? " (new: no profile was committed)" : "", t1, t2,
			      (unsigned long long)img->ctrs_total);
		for (size_t k = 0; k < img->n_ctrs && k < 5; k++)
			sc_buf_printf(b, "%s`%.12s`%s%s%s", k ? ", " : ": ", img->ctrs[k].id,
				      img->ctrs[k].name ? " (" : "", img->ctrs[k].name ? img->ctrs[k].name : "",
				      img->ctrs[k].name ? ")" : "");
		sc_buf_printf(b, "%s.\n\n", img->n_ctrs > 5 ? ", ..." : "");
		if (c->n_added) {
			sc_buf_printf(b, "Added (the committed profile refused these: **breaking drift fixed**):\n\n"
					 "| syscall | calls | first seen |\n|---|---|---|\n");
			qsort(c->added, c->n_added, sizeof(*c->added), cmp_str);
			for (size_t k = 0; k < c->n_added; k++) {
				const struct sc_vent *e = find_call(img, c->added[k]);

				sc_fmt_time(e ? e->first : 0, t1, sizeof(t1));
				sc_buf_printf(b, "| `%s` | %llu | %s |\n", c->added[k],
					      (unsigned long long)(e ? e->count : 0), t1);
			}
			sc_buf_printf(b, "\n");
		}
		if (c->n_removed) {
			qsort(c->removed, c->n_removed, sizeof(*c->removed), cmp_str);
			sc_buf_printf(b, "Removed (allowed, unused for %lld days or more):", (long long)(pp->prune_after / DAY));
			for (size_t k = 0; k < c->n_removed; k++)
				sc_buf_printf(b, " `%s`", c->removed[k]);
			sc_buf_printf(b, "\n\n");
		}
		if (c->n_conditional) {
			qsort(c->conditional, c->n_conditional, sizeof(*c->conditional), cmp_str);
			sc_buf_printf(b, "Left as they are (allowed only for some arguments by a hand-written rule):");
			for (size_t k = 0; k < c->n_conditional; k++)
				sc_buf_printf(b, " `%s`", c->conditional[k]);
			sc_buf_printf(b, "\n\n");
		}
		if (c->created) {
			const cJSON *x;
			const char *note;
			cJSON *doc = image__profile(img, &note);
			size_t n = doc ? cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
					      cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "syscalls"), 0),
					      "names")) : 0;

			sc_buf_printf(b, "New profile: %zu syscalls allowed (%s).\n\n", n, note);
			(void)x;
			cJSON_Delete(doc);
		}
	}
}

static int git_ok(struct propose *pp, const char *cwd, struct sc_buf *out, const char *what, ...)
	__attribute__((sentinel));

/* git_run with the arguments after @what, an error message naming @what on failure */
static int git_ok(struct propose *pp, const char *cwd, struct sc_buf *out, const char *what, ...)
{
	const char *a[24];
	struct sc_buf err = {};
	size_t n = 0;
	va_list ap;
	int ret;

	va_start(ap, what);
	while (n < ARRAY_SIZE(a) - 1 && (a[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	a[n] = NULL;
	while (n < ARRAY_SIZE(a))
		a[n++] = NULL;
	ret = git_run(&pp->git, cwd, out, &err, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],
		      a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], NULL);
	if (ret && what)
		sc_err("git %s failed (exit %d): %s", what, ret, err.data ? err.data : "");
	sc_buf_free(&err);
	return ret;
}

static void chomp(struct sc_buf *b)
{
	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
		b->data[--b->len] = '\0';
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus propose --repo DIR --observed STATE-DIR [--profiles-subdir DIR]\n"
		"                         [--branch NAME] [--push REMOTE] [--body-file FILE] [--prune]\n"
		"                         [--prune-after DAYS] [--open] [--as-user USER] [--caps ...]\n"
		"Write the observed syscalls of every image into the profiles committed in DIR (union;\n"
		"hand-written rules, args, comments and errnoRet kept), commit them on a branch made\n"
		"from the default branch, optionally push it, and write the pull request's body.\n"
		"The user's checkout is never touched: the work happens in a private clone.\n"
		"  --profiles-subdir DIR  where the profiles live in the repository (default seccomp)\n"
		"  --branch NAME          default syscensus/profiles-YYYY-MM-DD\n"
		"  --prune                also remove permissions unused for --prune-after days (30)\n"
		"  --open                 open or update the pull request with gh or glab when installed\n"
		"  --as-user USER         run git as USER (when invoked as root)\n"
		"  --caps SPEC            capabilities the profiles are evaluated with, as for diff\n"
		"Exit status: 0 done or nothing to change; 1 failure; 2 usage error.\n");
}

int cmd_propose(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "observed", required_argument, NULL, 'o' },
		{ "profiles-subdir", required_argument, NULL, 's' },
		{ "branch", required_argument, NULL, 'b' },
		{ "push", required_argument, NULL, 'p' },
		{ "body-file", required_argument, NULL, 'B' },
		{ "prune", no_argument, NULL, 'P' },
		{ "prune-after", required_argument, NULL, 'a' },
		{ "open", no_argument, NULL, 'O' },
		{ "as-user", required_argument, NULL, 'u' },
		{ "caps", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct propose pp = { .subdir = "seccomp", .prune_after = 30 * DAY };
	const char *observed = NULL, *branch_opt = NULL, *body_file = NULL, *as_user = NULL, *caps = "default";
	char state[PATH_MAX], branch[256], ref[400], refspec[640], datebuf[64], base_ref[300];
	struct sc_buf out = {}, b = {}, msg = {};
	struct sc_census c = {};
	bool open_pr = false, tmp_made = false;
	int ret = SC_EXIT_FAIL, ch, n, st;
	uint64_t v;
	char head_before[64] = "", base_sha[64] = "", new_sha[64] = "";

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': pp.repo = optarg; break;
		case 'o': observed = optarg; break;
		case 's': pp.subdir = optarg; break;
		case 'b': branch_opt = optarg; break;
		case 'p': pp.remote = optarg; break;
		case 'B': body_file = optarg; break;
		case 'P': pp.prune = true; break;
		case 'O': open_pr = true; break;
		case 'u': as_user = optarg; break;
		case 'c': caps = optarg; break;
		case 'a':
			if (sc_parse_u64(optarg, 36500, &v)) {
				sc_err("--prune-after: expected a number of days, not \"%s\"", optarg);
				return SC_EXIT_USAGE;
			}
			pp.prune_after = (int64_t)v * DAY;
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (!pp.repo || !observed || optind < argc) {
		sc_err("propose: --repo DIR and --observed STATE-DIR are needed");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	/* the subdirectory is a path inside the repository: relative, no "..", no "." */
	if (pp.subdir[0] == '/' || strstr(pp.subdir, "..") || !pp.subdir[0] || strlen(pp.subdir) > 200) {
		sc_err("--profiles-subdir: \"%s\" must be a relative path inside the repository, without ..", pp.subdir);
		return SC_EXIT_USAGE;
	}
	pp.now = (int64_t)time(NULL);
	if (branch_opt) {
		snprintf(branch, sizeof(branch), "%s", branch_opt);
	} else {
		struct tm tm;
		time_t t = (time_t)pp.now;

		gmtime_r(&t, &tm);
		strftime(branch, sizeof(branch), "syscensus/profiles-%Y-%m-%d", &tm);
	}
	if (eval_ctx_current(&pp.ctx))
		return SC_EXIT_FAIL;
	if (parse_caps(caps, &pp.ctx.caps))
		return SC_EXIT_USAGE;
	snprintf(state, sizeof(state), "%s/state.json", observed);
	if (access(state, F_OK) < 0) {
		sc_err("%s: %s (has `syscensus agent --state-dir %s` run?)", state, strerror(errno), observed);
		return SC_EXIT_FAIL;
	}
	if (census__load(&c, state))
		return SC_EXIT_FAIL;
	if (git_init(&pp.git, as_user))
		goto out;
	if (git_neutralise(&pp.git, pp.repo))
		sc_warn("cannot read %s's git configuration; going on with the fixed overrides", pp.repo);

	/* the user's repository: a branch checked out, nothing uncommitted */
	if (git_ok(&pp, pp.repo, NULL, "rev-parse (is it a git repository?)", "rev-parse", "--is-inside-work-tree", NULL))
		goto out;
	out.len = 0;
	if (git_run(&pp.git, pp.repo, &out, NULL, "symbolic-ref", "-q", "--short", "HEAD", NULL) != 0) {
		sc_err("%s: HEAD is detached: check out a branch first", pp.repo);
		goto out;
	}
	chomp(&out);
	if (out.data && !strcmp(out.data, branch)) {
		sc_err("%s: %s is checked out; propose updates that branch, check out another one", pp.repo, branch);
		goto out;
	}
	snprintf(base_ref, sizeof(base_ref), "%s", out.data ? out.data : "HEAD");
	sc_buf_free(&out);
	if (git_ok(&pp, pp.repo, &out, "status", "status", "--porcelain", NULL))
		goto out;
	if (out.len) {
		sc_err("%s has uncommitted changes; commit or stash them first:\n%s", pp.repo, out.data);
		goto out;
	}
	sc_buf_free(&out);
	git_run(&pp.git, pp.repo, &out, NULL, "rev-parse", "HEAD", NULL);
	chomp(&out);
	snprintf(head_before, sizeof(head_before), "%s", out.data ? out.data : "");
	sc_buf_free(&out);
	/* the default branch: the remote's HEAD when we push there, else the current branch */
	if (pp.remote) {
		snprintf(ref, sizeof(ref), "refs/remotes/%s/HEAD", pp.remote);
		if (git_run(&pp.git, pp.repo, &out, NULL, "symbolic-ref", "-q", "--short", ref, NULL) == 0) {
			chomp(&out);
			snprintf(base_ref, sizeof(base_ref), "%s", out.data);
		}
		sc_buf_free(&out);
	}
	snprintf(ref, sizeof(ref), "%s^{commit}", base_ref);
	if (git_ok(&pp, pp.repo, &out, "rev-parse", "rev-parse", "--verify", ref, NULL))
		goto out;
	chomp(&out);
	snprintf(base_sha, sizeof(base_sha), "%s", out.data);
	sc_buf_free(&out);

	/* a private clone: the user's checkout and configuration stay out of it */
	snprintf(pp.tmp, sizeof(pp.tmp), "/tmp/syscensus-propose.XXXXXX");
	if (!mkdtemp(pp.tmp)) {
		sc_err("cannot create a temporary directory: %s", strerror(errno));
		goto out;
	}
	tmp_made = true;
	if (pp.git.drop && chown(pp.tmp, pp.git.uid, pp.git.gid) < 0) {
		sc_err("cannot hand %s to %s: %s", pp.tmp, as_user, strerror(errno));
		goto out;
	}
	if (git_ok(&pp, NULL, NULL, "clone", "clone", "-q", "--no-checkout", "--no-hardlinks", pp.repo, pp.tmp, NULL) ||
	    git_ok(&pp, pp.tmp, NULL, "checkout", "checkout", "-q", "-B", branch, base_sha, NULL))
		goto out;
	n = update_profiles(&pp, &c);
	if (n < 0)
		goto out;
	if (n == 0) {
		printf("nothing to change: the profiles in %s/%s already allow what was observed%s\n", pp.repo,
		       pp.subdir, pp.prune ? " and nothing is unused long enough to prune" : "");
		ret = SC_EXIT_OK;
		goto out;
	}
	body(&pp, &b, branch);
	sc_buf_printf(&msg, "seccomp: update %zu profile(s) from observed behaviour\n\n", pp.n_ch);
	for (size_t i = 0; i < pp.n_ch; i++)
		sc_buf_printf(&msg, "%s: %s%zu added, %zu removed\n", pp.ch[i].img->key,
			      pp.ch[i].created ? "new profile, " : "", pp.ch[i].n_added, pp.ch[i].n_removed);
	sc_buf_printf(&msg, "\nProposed by syscensus propose.\n");
	/* reproducible: the same inputs on the same base give the same commit */
	if (git_ok(&pp, pp.repo, &out, "log", "log", "-1", "--format=%ct", base_sha, NULL))
		goto out;
	chomp(&out);
	snprintf(datebuf, sizeof(datebuf), "@%s +0000", out.data ? out.data : "0");
	sc_buf_free(&out);
	setenv("GIT_AUTHOR_DATE", datebuf, 1);
	setenv("GIT_COMMITTER_DATE", datebuf, 1);
	if (git_ok(&pp, pp.tmp, NULL, "add", "add", "--", pp.subdir, NULL) ||
	    git_ok(&pp, pp.tmp, NULL, "commit", "-c", "user.name=syscensus", "-c", "user.email=syscensus@localhost",
		   "commit", "-q", "--no-verify", "-m", msg.data, NULL) ||
	    git_ok(&pp, pp.tmp, &out, "rev-parse", "rev-parse", "HEAD", NULL))
		goto out;
	chomp(&out);
	snprintf(new_sha, sizeof(new_sha), "%s", out.data);
	sc_buf_free(&out);
	/* the branch into the user's repository (a ref only: the checkout is not touched) */
	snprintf(refspec, sizeof(refspec), "+refs/heads/%s:refs/heads/%s", branch, branch);
	if (git_ok(&pp, pp.repo, NULL, "fetch", "fetch", "-q", "--no-tags", pp.tmp, refspec, NULL))
		goto out;
	printf("branch %s in %s: commit %.12s, %zu profile(s) updated\n", branch, pp.repo, new_sha, pp.n_ch);
	if (pp.remote) {
		/* push by URL: the clone's configuration is ours, the remote's name is only looked up */
		if (git_ok(&pp, pp.repo, &out, "remote get-url", "remote", "get-url", pp.remote, NULL))
			goto out;
		chomp(&out);
		snprintf(refspec, sizeof(refspec), "+refs/heads/%s:refs/heads/%s", branch, branch);
		st = git_ok(&pp, pp.tmp, NULL, "push", "push", "-q", "--no-verify", out.data, refspec, NULL);
		if (st)
			goto out;
		printf("pushed %s to %s (%s)\n", branch, pp.remote, out.data);
		sc_buf_free(&out);
	}
	if (body_file) {
		if (sc_write_file_atomic(body_file, b.data, b.len)) {
			sc_err("cannot write %s: %s", body_file, strerror(errno));
			goto out;
		}
	} else {
		printf("\n%s\n", b.data);
	}
	{
		const char *cli = NULL;
		char *gh = sc_resolve_command("gh"), *glab = gh ? NULL : sc_resolve_command("glab");
		char base_name[300];

		snprintf(base_name, sizeof(base_name), "%s", strchr(base_ref, '/') && pp.remote ?
			 strchr(base_ref, '/') + 1 : base_ref);
		cli = gh ? "gh" : glab ? "glab" : NULL;
		if (open_pr && cli && pp.remote && body_file) {
			/* the only network step: the forge's own CLI, no shell */
			printf("opening the pull request with %s\n", cli);
			if (gh) {
				const char *create[] = { gh, "pr", "create", "--head", branch, "--base", base_name, "--title",
							 "seccomp: update profiles from observed behaviour", "--body-file",
							 body_file, NULL };
				const char *edit[] = { gh, "pr", "edit", branch, "--body-file", body_file, NULL };

				if (git_spawn(&pp.git, pp.repo, create) && git_spawn(&pp.git, pp.repo, edit))
					sc_warn("%s could not open or update the pull request", cli);
			} else {
				char *text = sc_read_file(body_file, 1 << 20, NULL);
				const char *create[] = { glab, "mr", "create", "--source-branch", branch, "--target-branch",
							 base_name, "--title", "seccomp: update profiles from observed behaviour",
							 "--description", text ? text : "", "--yes", NULL };

				if (git_spawn(&pp.git, pp.repo, create))
					sc_warn("%s could not open the merge request", cli);
				free(text);
			}
		} else {
			if (open_pr)
				printf("--open: %s\n", !cli ? "neither gh nor glab is installed" : !pp.remote ?
				       "needs --push REMOTE" : "needs --body-file FILE");
			printf("to open the pull request: %s --head %s --base %s --title 'seccomp: update profiles' "
			       "--body-file %s\n", glab ? "glab mr create" : "gh pr create", branch, base_name,
			       body_file ? body_file : "BODY.md");
		}
		free(gh);
		free(glab);
	}
	ret = SC_EXIT_OK;
out:
	/* the user's checkout must be as it was */
	if (head_before[0]) {
		struct sc_buf now = {};

		git_run(&pp.git, pp.repo, &now, NULL, "rev-parse", "HEAD", NULL);
		chomp(&now);
		if (!now.data || strcmp(now.data, head_before))
			sc_err("%s: HEAD moved during propose (was %s)", pp.repo, head_before);
		sc_buf_free(&now);
	}
	if (tmp_made)
		nftw(pp.tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; i < pp.n_ch; i++)
		change_free(&pp.ch[i]);
	free(pp.ch);
	sc_buf_free(&out);
	sc_buf_free(&b);
	sc_buf_free(&msg);
	git_free(&pp.git);
	census__free(&c);
	return ret;
}
