/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What was observed (a tally of syscall counts per ABI) turned into a profile and a report. */
#ifndef SC_OBSERVED_H
#define SC_OBSERVED_H

#include <cjson/cJSON.h>
#include "lib/util.h"
#include "record/recorder.h"

/*
 * Syscalls every generated profile allows even when they were not observed, for each
 * observed ABI (documented in the README):
 *  - execve: the exec that follows the filter (syscensus exec, runc) runs under it;
 *  - exit, exit_group: a recording cut short by a signal may not show them, and a
 *    process that cannot exit hangs or crashes instead of ending;
 *  - rt_sigreturn (and sigreturn on 32-bit x86): returning from a signal handler,
 *    which depends on the timing of signals during the recording;
 *  - restart_syscall: issued by the kernel itself to resume an interrupted sleep.
 */
extern const char *const sc_always_allowed[];

/*
 * Companion calls: a profile that shows a call of @seen also allows the calls of @add,
 * which a program makes or not by timing, library or runtime version, not by what it
 * does (documented in the README, listed in record's report). The table ends with an
 * entry whose seen[0] is NULL.
 */
struct sc_companion {
	const char *seen[4];
	const char *add[4];
	const char *why;
};
extern const struct sc_companion sc_companions[];
/*
 * Calls a generated profile answers ENOSYS when they were not observed: their callers
 * fall back on ENOSYS, and only on ENOSYS (README). Ends with a NULL name.
 */
struct sc_fallback {
	const char *name;
	const char *why;
};
extern const struct sc_fallback sc_fallbacks[];
/* The comment that marks the generated ENOSYS rule (merge takes names out of it). */
#define SC_FALLBACK_COMMENT "syscensus: not observed; its callers fall back on ENOSYS"

/* Whether @name of ABI @abi is in a profile of @t only as a companion of what @t shows. */
bool generate__is_companion(const struct sc_tally *t, int abi, const char *name);
bool sc_is_always_allowed(const char *name);

/*
 * What a container runtime does between the two points where it installs a container's
 * filter: early without no-new-privileges (setting up the user and capabilities needs
 * privilege after it), just before execve with it. A profile learned in one mode starts
 * the container in the other only if it allows these calls when the runtime made them
 * (README, "Runtime modes"). NULL-terminated.
 */
extern const char *const sc_runtime_setup[];
/*
 * A confined container's calls made before its filter (@before) that are in
 * sc_runtime_setup, added into its profile's tally @t.
 */
void generate__add_runtime_setup(struct sc_tally *t, const struct sc_tally *before);
/* Whether syscall @nr of ABI @abi is one of sc_runtime_setup. */
bool generate__is_runtime_setup(int abi, int nr);

/* A syscall number observed that no table can name (or >= SC_NR_OVERFLOW). */
struct sc_unnamed {
	int abi;
	int nr;			/* -1 for the overflow bucket */
	uint64_t count;
};

/*
 * A syscall the filter a run was learned under refused with errno @err: it never reached
 * sys_enter, so the run went on without it (a fallback, an error it handled). The
 * profile answers it alike, so that the program takes the same path again.
 */
struct sc_refused {
	int abi;
	int nr;
	unsigned err;
};
#define SC_REFUSED_COMMENT "syscensus: refused with this errno by the filter it was learned under; answered alike"

/*
 * The argument values a run showed for the syscalls whose risky arguments the recorder
 * keeps (struct sc_arg_key, native ABI). A syscall observed with at most
 * SC_ARG_VALUES_MAX values is allowed for those values only (README, "Argument rules").
 */
#define SC_ARG_VALUES_MAX 16
struct sc_arg_value {
	int nr;
	uint64_t value;
};
struct sc_args {
	bool kept;		/* the recorder kept arguments (tp_btf; not --args off) */
	const char *unkept;	/* !kept: why, said in the profile (NULL: asked for, nothing to say) */
	uint64_t lost;		/* values that found no room: names only */
	struct sc_arg_value *v;
	size_t n;
	int plain[8];		/* syscalls allowed whatever their arguments already (record --append) */
	size_t n_plain;
};

/*
 * The syscall (x86_64 number) and argument value of an ALLOW rule for @name with the
 * conditions @c (@n), if it is one that generate__profile writes. 0, or -ENOENT.
 */
struct sc_cond;
int generate__arg_value(const char *name, const struct sc_cond *c, size_t n, int *nr, uint64_t *value);
/* Whether @name is one of the syscalls whose risky argument is kept; its number in @nr. */
bool generate__arg_syscall(const char *name, int *nr);
/*
 * The ALLOW rule generate__profile writes for native syscall @nr with kept value @value,
 * its comment @comment (NULL: SC_ARGS_COMMENT). NULL: out of memory, or not one of them.
 */
cJSON *generate__arg_rule(int nr, uint64_t value, const char *comment);
/*
 * The arguments of a call of native syscall @nr whose kept value was @value, as far as
 * the value tells them (the bits not kept are 0: socket's type flags, clone's non-namespace
 * flags), to run a filter on.
 */
void generate__arg_vector(int nr, uint64_t value, uint64_t args[6]);
/*
 * Whether a rule's condition on argument @index of native syscall @nr (libseccomp's @op,
 * SCMP_CMP_MASKED_EQ's @mask) reads only bits the recorder keeps, so that
 * generate__arg_vector() answers it as the real call would.
 */
bool generate__arg_judgeable(int nr, unsigned index, int op, uint64_t mask);
/*
 * The distinct values @a holds for native syscall @nr, into @vals (@n of them); true when
 * there are more than SC_ARG_VALUES_MAX (then the first ones only are in @vals).
 */
bool generate__arg_values(const struct sc_args *a, int nr, uint64_t vals[SC_ARG_VALUES_MAX], size_t *n);
/* Whether native syscall @nr is one of them. */
bool generate__is_arg_nr(int nr);
#define SC_ARGS_COMMENT "syscensus: only the argument values observed"

/*
 * The Docker/OCI profile allowing what @t observed (plus sc_always_allowed; with @args,
 * may be NULL, the syscalls of struct sc_arg_key for the values seen only), answering
 * the @n_ref calls of @ref (may be NULL) that it does not allow with their errno, and
 * the fallback calls with ENOSYS; deterministic content. Unnamed numbers cannot be
 * written in the format: they are returned in @un (malloc'd, @n_un entries) for the
 * caller to report.
 */
cJSON *generate__profile(const struct sc_tally *t, const struct sc_refused *ref, size_t n_ref,
			 const struct sc_args *args, struct sc_unnamed **un, size_t *n_un);

/* How a generated profile is written (record --format). */
enum sc_profile_format {
	SC_PF_OCI,		/* Docker/OCI JSON (default) */
	SC_PF_COMPLAIN,		/* ... with SCMP_ACT_LOG as the default action: refusals logged, not made */
	SC_PF_SYSTEMD,		/* a [Service] drop-in: SystemCallFilter=, SystemCallErrorNumber= */
	SC_PF_CRD,		/* a SeccompProfile of the Security Profiles Operator, YAML (seccomp/crd.h) */
};
/* Which forms the agent and propose write (--profiles-format docker|crd|both): bits. */
#define SC_FORM_DOCKER	1u	/* <name>.json: Docker/OCI JSON, also kubelet's Localhost profile */
#define SC_FORM_CRD	2u	/* <name>.yaml: the Security Profiles Operator's SeccompProfile */
/* "docker", "crd" or "both" into @forms. 0, or -EINVAL after saying so. */
int generate__parse_forms(const char *s, unsigned *forms);

/* "oci", "complain", "systemd", "crd". 0, or -EINVAL after saying what is accepted. */
int generate__parse_format(const char *s, enum sc_profile_format *out);
/*
 * @doc (from generate__profile; taken) rendered in @fmt into @b, @what naming what it
 * was learned from (the drop-in's comment, the SeccompProfile's name and image
 * annotation). 0, -ENOMEM, or -EINVAL (said) when @fmt cannot express @doc; @b is then freed.
 */
int generate__render(cJSON *doc, enum sc_profile_format fmt, const char *what, struct sc_buf *b);

/* Counts per ABI and syscall, the unnamed numbers, what was added and why. */
cJSON *generate__report(const struct sc_tally *t);

/* Number of distinct (ABI, syscall) pairs observed and total calls. */
void generate__totals(const struct sc_tally *t, unsigned *distinct, uint64_t *calls);

#endif
