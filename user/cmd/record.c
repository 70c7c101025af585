// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus record: options, one recording (record/session.c), the profile and report written. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/wait.h>

#include "cmd/cmds.h"
#include "lib/json.h"
#include "lib/util.h"
#include "record/session.h"
#include "seccomp/generate.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"

/* Below this, one run is said to be a thin basis for a profile. */
#define SHORT_RUN_S 10.0

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus record [OPTIONS] -- CMD [ARG...]\n"
		"Run CMD in its own cgroup, record the syscalls of CMD and of every thread and\n"
		"child it starts, until the last one exits, and write a Docker/OCI seccomp profile.\n\n"
		"  -o, --output FILE   profile destination, replaced atomically; - for stdout (default:\n"
		"                      CMD.json in this directory, never replaced: the profile cannot mix\n"
		"                      with what CMD itself prints)\n"
		"  -a, --append        add this run to the profile already in the output file (made by\n"
		"                      record): it then allows what any of the runs made; created if absent\n"
		"      --report FILE   also write counts per ABI and syscall as JSON (this run's)\n"
		"      --attach MODE   auto (default), tp_btf or raw_tp\n"
		"  -h, --help          this text\n\n"
		"Exit status: CMD's own (128+N if killed by signal N); 1 if recording failed.\n");
}

/* Numbers a Docker profile cannot name: said, since the profile cannot allow them. */
static void warn_unnamed(const struct sc_unnamed *un, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct sc_arch *a = arch_of_abi(un[i].abi);

		if (un[i].nr < 0)
			sc_warn("%llu calls with a syscall number >= %d (%s) were counted but cannot be named; "
				"the profile does not allow them", (unsigned long long)un[i].count,
				SC_NR_OVERFLOW, a ? a->docker : "compat ABI");
		else
			sc_warn("syscall %d (%s) was called %llu times but no table names it: "
				"the profile cannot allow it (Docker profiles only hold names)",
				un[i].nr, a ? a->docker : "compat ABI", (unsigned long long)un[i].count);
	}
}

/*
 * --append: the names a profile made by record allows, as a tally of 1s (@prior), so that
 * the new profile allows them too. Only what record writes is accepted: default ERRNO and
 * unconditional ALLOW rules; anything else is a hand-written profile, for propose.
 * 0, 1 when @path does not exist (nothing to add), or -1 (said).
 */
static int read_prior(const char *path, struct sc_tally *prior)
{
	struct sc_eval_ctx ctx;
	struct sc_profile *p;
	char err[512];
	bool compat = false;

	if (access(path, F_OK) && errno == ENOENT)
		return 1;
	if (eval_ctx_current(&ctx)) {
		sc_err("record: cannot evaluate profiles here");
		return -1;
	}
	if (!(p = profile__load(path, &ctx, SC_UNKNOWN_FAIL, err, sizeof(err)))) {
		sc_err("record --append: %s", err);
		return -1;
	}
	if ((p->default_action & ~0xffffU) != SCMP_ACT_ERRNO(0)) {
		sc_err("record --append: %s: defaultAction: not an ERRNO default, so not a profile record wrote "
		       "(use propose to update hand-written profiles)", path);
		profile__free(p);
		return -1;
	}
	for (size_t i = 0; i < p->n_arches; i++)
		compat |= p->arches[i] == SCMP_ARCH_X86;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sc_rule *ru = &p->rules[i];

		if (ru->action != SCMP_ACT_ALLOW || ru->n_conds) {
			sc_err("record --append: %s: syscalls[%u]: %s, so not a profile record wrote (use propose "
			       "to update hand-written profiles)", path, ru->idx,
			       ru->n_conds ? "a rule with argument conditions" : "an action other than SCMP_ACT_ALLOW");
			profile__free(p);
			return -1;
		}
		for (size_t k = 0; k < ru->n_names; k++)
			for (int a = 0; a < SC_NR_ABIS; a++) {
				const struct sc_arch *arch = arch_of_abi(a);
				int nr = arch ? syscall_nr(arch->token, ru->names[k]) : -1;

				if ((a == SC_ABI_NATIVE || compat) && nr >= 0 && nr < SC_NR_PER_ABI)
					prior->n[a][nr] = 1;
			}
	}
	profile__free(p);
	return 0;
}

/* --append: @path's names into a new *@prior; *@one_run when there is no such file yet. 0 or -1 (said). */
static int load_prior(const char *path, struct sc_tally **prior, bool *one_run)
{
	int ret;

	if (!(*prior = calloc(1, sizeof(**prior)))) {
		sc_err("out of memory");
		return -1;
	}
	if ((ret = read_prior(path, *prior)) < 0) {
		free(*prior);
		*prior = NULL;
		return -1;
	}
	if (ret > 0)
		sc_debug("%s does not exist yet: --append creates it", path);
	*one_run = ret > 0;
	return 0;
}

/* @doc (taken) written to @path. 0 or -errno (said). */
static int write_doc(cJSON *doc, const char *path)
{
	struct sc_buf b = {};
	int err = json_render(doc, &b);

	if (err)
		sc_err("out of memory");
	else if ((err = sc_write_file_atomic(path, b.data, b.len)))
		sc_err("cannot write %s: %s", path, strerror(-err));
	sc_buf_free(&b);
	return err;
}

/* @prior (--append, or NULL) takes this run's counts: the profile of every run. */
static int write_outputs(const struct sc_recording *r, struct sc_tally *prior, const char *output,
			 const char *report, char **cmd, int n_cmd)
{
	struct sc_unnamed *un = NULL;
	size_t n_un = 0;
	cJSON *doc, *rep, *cmdv;

	if (prior) {
		unsigned had = 0, fresh = 0;

		for (int a = 0; a < SC_NR_ABIS; a++)
			for (int nr = 0; nr < SC_NR_PER_ABI; nr++) {
				had += prior->n[a][nr] != 0;
				fresh += !prior->n[a][nr] && r->tally.n[a][nr];
				prior->n[a][nr] += r->tally.n[a][nr];
			}
		if (had)
			sc_info("--append: %u syscalls of this run were new to the %u that %s allowed", fresh, had, output);
	}
	doc = generate__profile(prior ? prior : &r->tally, &un, &n_un);
	char note[160];

	if (!doc) {
		sc_err("out of memory");
		return -ENOMEM;
	}
	if (r->interrupted) {
		snprintf(note, sizeof(note), "syscensus: INCOMPLETE: recorded until %s stopped the processes %s left "
			 "behind", strsignal(r->interrupted), cmd[0]);
		if (!cJSON_AddItemToObject(doc, "comment", cJSON_CreateString(note))) {
			cJSON_Delete(doc);
			free(un);
			sc_err("out of memory");
			return -ENOMEM;
		}
	}
	warn_unnamed(un, n_un);
	free(un);
	if (write_doc(doc, output))
		return -EIO;
	if (!report)
		return 0;
	rep = generate__report(&r->tally);
	cmdv = rep ? cJSON_CreateStringArray((const char *const *)cmd, n_cmd) : NULL;
	/* calls of syscalls without a counter of their own: their counts above are lower bounds */
	if (rep && !cJSON_AddItemToObject(rep, "uncounted", json_u64_node(r->uncounted))) {
		cJSON_Delete(cmdv);
		cmdv = NULL;
	}
	if (!cmdv || !cJSON_AddItemToObject(rep, "command", cmdv)) {
		cJSON_Delete(cmdv);
		cJSON_Delete(rep);
		sc_err("out of memory");
		return -ENOMEM;
	}
	return write_doc(rep, report) ? -EIO : 0;
}

/*
 * Without -o: CMD.json here (the command's base name), so that the profile never mixes
 * with what the command prints on stdout; an existing file is not replaced, only added
 * to with --append. NULL, said.
 */
static const char *default_output(const char *cmd, bool append, char *buf, size_t len)
{
	const char *base = strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd;

	if (!*base || *base == '.' || (size_t)snprintf(buf, len, "%s.json", base) >= len) {
		sc_err("record: give -o FILE: no file name can be made from \"%s\"", cmd);
		return NULL;
	}
	if (!append && access(buf, F_OK) == 0) {
		sc_err("record: %s exists: give --append to add this run to it, or -o %s to replace it", buf, buf);
		return NULL;
	}
	return buf;
}

/* What the recording could not do, said before the profile is written. */
static void say_recording(const struct sc_recording *r, const char *cmd)
{
	if (r->subcgroups)
		sc_debug("%u cgroups created below the command's were recorded too", r->subcgroups);
	if (r->table_full)
		sc_warn("%llu cgroups created by %s below its own found no free slot in the recorder's table "
			"(%d slots): their calls are missing from the profile", (unsigned long long)r->table_full,
			cmd, SC_RECORD_SLOTS);
	if (r->uncounted)
		sc_warn("%s made more distinct syscalls in one cgroup than the recorder counts one by one (%d): "
			"%llu calls of the others were counted together, so the report's counts of those are lower "
			"bounds (the profile is complete)", cmd, SC_SLOT_KEYS, (unsigned long long)r->uncounted);
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "append", no_argument, NULL, 'a' },
		{ "report", required_argument, NULL, 'R' },
		{ "attach", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	enum sc_attach attach = SC_ATTACH_AUTO;
	const char *output = NULL, *report = NULL;
	char default_out[PATH_MAX];
	struct sc_tally *prior = NULL;
	struct timespec t0, t1;
	double secs;
	struct sc_recording *r;
	bool append = false, one_run = true;
	unsigned distinct;
	uint64_t calls;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+o:ah", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'a': append = true; break;
		case 'R': report = optarg; break;
		case 'A':
			if (recorder__parse_attach(optarg, &attach))
				return SC_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		sc_err("record: no command given");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (append && output && !strcmp(output, "-")) {
		sc_err("record: --append adds to a file: give -o FILE, not -");
		return SC_EXIT_USAGE;
	}
	if (!output && !(output = default_output(argv[optind], append, default_out, sizeof(default_out))))
		return SC_EXIT_USAGE;
	/* before the command runs and does what it does: its output must have somewhere to go */
	if (sc_check_output(output, "-o") || (report && sc_check_output(report, "--report")))
		return SC_EXIT_USAGE;
	/* read before the run: a profile that cannot be added to is said before CMD runs */
	if (append && load_prior(output, &prior, &one_run))
		return SC_EXIT_FAIL;
	if (!(r = malloc(sizeof(*r)))) {
		free(prior);
		sc_err("out of memory");
		return SC_EXIT_FAIL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = record__run(attach, &argv[optind], r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ret) {
		free(r);
		free(prior);
		return ret == 127 ? 127 : SC_EXIT_FAIL;
	}
	say_recording(r, argv[optind]);
	if (write_outputs(r, prior, output, report, &argv[optind], argc - optind)) {
		free(r);
		free(prior);
		return SC_EXIT_FAIL;
	}
	free(prior);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (one_run && secs < SHORT_RUN_S)
		sc_warn("the profile rests on one run of %.1f s: calls %s makes only by timing or on other paths "
			"(retries, fallbacks, another wait call) may be missing; add more runs with --append",
			secs, argv[optind]);
	if (WIFSIGNALED(r->status))
		sc_info("%s was killed by signal %d (%s)", argv[optind], WTERMSIG(r->status), strsignal(WTERMSIG(r->status)));
	generate__totals(&r->tally, &distinct, &calls);
	sc_info("recorded %llu calls of %u distinct syscalls from %s%s%s", (unsigned long long)calls, distinct,
		argv[optind], strcmp(output, "-") ? "; profile written to " : "", strcmp(output, "-") ? output : "");
	ret = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : WIFSIGNALED(r->status) ? 128 + WTERMSIG(r->status)
										  : SC_EXIT_FAIL;
	if (r->interrupted)
		ret = 128 + r->interrupted;	/* as a shell reports a command stopped by that signal */
	free(r);
	return ret;
}
