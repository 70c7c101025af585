/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The seccomp profile model: Docker/OCI JSON in, validated rules, a libseccomp filter
 * out, evaluated the way Docker (moby setupSeccomp) and runc (InitSeccomp) apply it.
 */
#ifndef SC_PROFILE_H
#define SC_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <seccomp.h>
#include <cjson/cJSON.h>

#include "seccomp/filter.h"

/* What includes/excludes are evaluated against: the process or container to confine. */
struct sc_eval_ctx {
	const char *goarch;	/* "amd64": Docker compares includes.arches with Go's arch name */
	uint32_t native;	/* libseccomp token of the native architecture */
	uint64_t caps;		/* effective capabilities, bit n = capability n */
	unsigned kmajor, kminor; /* running kernel, for minKernel */
};

/* Capability number of "CAP_SYS_ADMIN"-style @name, or -1. */
int cap_by_name(const char *name);
/* "CAP_SYS_ADMIN" for capability @n; NULL for a number the build does not know. */
const char *cap_name(int n);

/*
 * --caps: "default" (Docker's default set for a container: no CAP_SYS_ADMIN), "all",
 * "none" or "CAP_X,CAP_Y". Returns 0, or -EINVAL after naming the unknown capability.
 */
int parse_caps(const char *spec, uint64_t *caps);

/* The current process on the running kernel. Returns 0 or -errno. */
int eval_ctx_current(struct sc_eval_ctx *ctx);

struct sc_cond {
	unsigned index;		/* syscall argument 0..5 */
	enum scmp_compare op;
	uint64_t value;		/* for MASKED_EQ: the mask */
	uint64_t value2;	/* for MASKED_EQ: the value compared after masking */
};

struct sc_rule {
	char **names;
	size_t n_names;
	uint32_t action;	/* full libseccomp action, errno/trace data included */
	struct sc_cond *conds;
	size_t n_conds;
	bool active;		/* includes/excludes hold for the evaluation context */
	unsigned idx;		/* position in "syscalls", for messages */
};

struct sc_profile {
	char *file;		/* as given, for messages */
	uint32_t default_action;
	uint32_t *arches;	/* libseccomp tokens to add besides the native one */
	size_t n_arches;
	struct sc_rule *rules;
	size_t n_rules;
	bool flag_log, flag_ssb, flag_tsync;
	cJSON *doc;		/* the parsed document (numbers keep their source text) */
};

enum sc_unknown_policy {
	SC_UNKNOWN_FAIL,	/* a syscall name no architecture knows is an error (default) */
	SC_UNKNOWN_WARN,	/* ... a warning, and the name is skipped, as runc does */
};

/*
 * Load and validate @path for @ctx. On error returns NULL and writes a message naming the
 * file, the JSON path and the reason into @err ("p.json: syscalls[3].action: unknown
 * action \"SCMP_ACT_ALOW\""). Warnings go to stderr.
 */
struct sc_profile *profile__load(const char *path, const struct sc_eval_ctx *ctx,
				 enum sc_unknown_policy unknown, char *err, size_t errlen);

/* The same from a parsed document; takes ownership of @doc in every case. */
struct sc_profile *profile__from_json(cJSON *doc, const char *file, const struct sc_eval_ctx *ctx,
				      enum sc_unknown_policy unknown, char *err, size_t errlen);

void profile__free(struct sc_profile *p);
/* Whether @p lists architecture @token (libseccomp's) in "architectures" or "archMap". */
bool profile__has_arch(const struct sc_profile *p, uint32_t token);

struct sc_compile_stats {
	unsigned rules;		/* libseccomp rules added */
	unsigned skipped_absent; /* name absent on every architecture of the filter */
	unsigned skipped_default; /* same action as the default: nothing to add */
	unsigned syscalls_allowed; /* distinct names allowed unconditionally */
	unsigned syscalls_conditional; /* distinct names allowed under argument conditions */
};

/*
 * Build the libseccomp filter of the active rules. @nnp sets no_new_privs on load
 * (needed without CAP_SYS_ADMIN). Returns 0 or -errno, with @err filled.
 */
int profile__compile(const struct sc_profile *p, const struct sc_eval_ctx *ctx, bool nnp,
		     scmp_filter_ctx *out, struct sc_compile_stats *st, char *err, size_t errlen);

/*
 * What the kernel would run for @p: compiled for @ctx and exported as the classic BPF
 * program (seccomp_export_bpf), with the compile statistics. Returns 0, or -errno with
 * @err filled. Free @f with filter__free().
 */
int profile__filter(const struct sc_profile *p, const struct sc_eval_ctx *ctx, struct sc_filter *f,
		    struct sc_compile_stats *st, char *err, size_t errlen);

/* "fail" or "warn" (the --unknown-syscalls option). Returns 0, or -EINVAL after saying why. */
int profile__parse_unknown_policy(const char *s, enum sc_unknown_policy *out);

#endif
