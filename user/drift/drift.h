/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Drift: what an image was observed to do against a profile, answered the way the
 * kernel would answer. One evaluation (evaluate.c) serves `diff`, `diff --deployed`
 * and `propose`'s merge: the profile is parsed once, compiled by libseccomp, exported
 * as the classic BPF program that would be loaded, and that program is run on every
 * observed syscall. render.c prints the findings, one renderer per format.
 * drift/ may call census/, seccomp/ and lib/.
 */
#ifndef SC_DRIFT_H
#define SC_DRIFT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "census/census.h"
#include "census/runtime.h"
#include "seccomp/filename.h"
#include "seccomp/filter.h"
#include "seccomp/profile.h"

enum sc_finding_kind {
	SC_BREAKING,		/* observed, and the profile would not let it run */
	SC_CONDITIONAL,		/* observed, allowed only for some arguments */
	SC_UNUSED,		/* allowed, never observed */
	SC_FINDING_KINDS,
};

/* "breaking", "conditional", "unused" */
extern const char *const sc_finding_names[SC_FINDING_KINDS];

struct sc_finding {
	enum sc_finding_kind kind;
	const char *name;	/* the syscall (a static or interned string) */
	const char *arch;	/* "SCMP_ARCH_X86_64" */
	uint64_t count;		/* calls observed */
	uint32_t ret;		/* the filter's answer with all-zero arguments */
	char *detail;		/* SC_CONDITIONAL: the profile's conditions, as text; SC_BREAKING: the values refused */
	/*
	 * SC_BREAKING of a call allowed for some arguments: the argument values observed
	 * (struct sc_arg_key's encoding) that the profile refuses (malloc'd); 0 otherwise.
	 */
	uint64_t *values;
	size_t n_values;
};

/* One image's calls against one profile. */
struct sc_eval {
	const struct sc_image *img;
	const char *name;	/* the image name whose profile this is: its key or an alias (NULL: the key) */
	char profile[PATH_MAX + SC_NAME_MAX + 8];	/* the profile's file (or bundle:linux.seccomp) */
	bool has_profile;
	char *error;		/* the profile could not be used: why */
	struct sc_profile *p;	/* the parsed profile (its ->doc is the document), kept for merge */
	struct sc_finding *f;
	size_t n_f, cap_f;
	unsigned n[SC_FINDING_KINDS];
};

/*
 * Evaluate @ev->img against @doc (a parsed document, taken over; an OCI bundle's
 * linux.seccomp) or, with @doc NULL, against the file @ev->profile. Returns 0, or
 * -errno with @ev->error saying why.
 */
int drift__evaluate(struct sc_eval *ev, const struct sc_eval_ctx *ctx, cJSON *doc);
static inline const char *eval_name(const struct sc_eval *ev)
{
	return ev->name ? ev->name : ev->img->key;
}
/* Whether @ev is of another name of its image than the key: the image's denials are the key's report's. */
static inline bool eval_is_alias(const struct sc_eval *ev)
{
	return ev->name && strcmp(ev->name, ev->img->key);
}
void drift__eval_free(struct sc_eval *ev);

/* The report of @img's name @name (its key or an alias) in a profiles directory (`diff --against`). */
void drift__profile_path(struct sc_eval *ev, const struct sc_image *img, const char *name, const char *dir);

enum sc_format { SC_FMT_TEXT, SC_FMT_JSON, SC_FMT_MARKDOWN };
/* --format: "text", "json", "markdown" (or "md"). 0, or -EINVAL after saying what is accepted. */
int drift__parse_format(const char *s, enum sc_format *out);

/* Everything `diff --against` found: per image, and the profiles of images not observed. */
struct sc_drift {
	struct sc_eval *ev;
	size_t n;
	char **stale;
	size_t n_stale;
	unsigned nodes;		/* the census's: nodes that reported (cluster view), 0 for one agent's */
};

/*
 * `diff --against DIR`: every attributed image of @c with calls or denials against
 * DIR/<image>.json, and the profiles in DIR of images not observed. Returns 0, or
 * -errno for what made the report incomplete (said).
 */
int drift__against(struct sc_drift *d, const struct sc_census *c, const char *dir, const struct sc_eval_ctx *ctx);
void drift__free(struct sc_drift *d);
/* Print @d in @fmt. Returns 0 or -errno. */
int drift__render(const struct sc_drift *d, enum sc_format fmt);

/* A running container and what it enforces (`diff --deployed`). */
struct sc_deployed {
	char id[SC_CTR_ID_LEN + 1];
	char *image;		/* NULL: unknown to every runtime root */
	char *name;		/* the container's name; NULL: unknown */
	struct sc_pod pod;	/* its Kubernetes pod (all NULL: not a pod's) */
	bool sandbox;		/* a pod's sandbox: not reported */
	/*
	 * What Kubernetes asked for (CRI-O's io.kubernetes.cri-o.SeccompProfilePath): a
	 * Localhost file's path, resolved below the kubelet's seccomp root; "unconfined",
	 * "runtime/default"; "" when nothing says.
	 */
	char requested[PATH_MAX];
	bool from_file;		/* the bundle holds no linux.seccomp: @requested's file was evaluated */
	int pid, mode, filters;	/* /proc/PID/status: Seccomp, Seccomp_filters */
	char bundle[PATH_MAX];
	bool has_seccomp;	/* the bundle's config.json has linux.seccomp */
	bool observed;		/* the agent has seen its image */
	struct sc_eval ev;
	struct sc_image empty;	/* stands for an image the agent has not observed */
};

struct sc_deployment {
	struct sc_deployed *v;
	size_t n, cap;
	unsigned unconfined;	/* containers without a seccomp filter */
};

/* The kubelet's seccomp root, where Localhost profiles are (localhostProfile is relative to it). */
#define SC_KUBELET_SECCOMP_ROOT	"/var/lib/kubelet/seccomp"

/*
 * Every container with a live task under the cgroup v2 hierarchy, resolved under
 * @roots, its bundle's profile evaluated against what @c observed for its image (or,
 * when the bundle has none, the Localhost file CRI-O says the pod asked for, below
 * @kubelet_root). Pods' sandboxes are left out. Returns 0, or -errno (said) when the
 * containers cannot be listed.
 */
int drift__deployed(struct sc_deployment *dep, struct sc_census *c, const struct sc_runtime_roots *roots,
		    const char *kubelet_root, const struct sc_eval_ctx *ctx);
void drift__deployment_free(struct sc_deployment *dep);
int drift__render_deployed(const struct sc_deployment *dep, enum sc_format fmt);

/* Profile against profile (`diff A B`): how the two filters answer a syscall differently. */
enum sc_pchange_kind {
	SC_ONLY_A,		/* A lets it run, B refuses it */
	SC_ONLY_B,		/* B lets it run, A refuses it */
	SC_COND,		/* one allows it for some arguments only, and the other not alike */
	SC_ANSWER,		/* both refuse it, with different answers (EPERM, ENOSYS, kill...) */
	SC_CHANGE_KINDS,
};
/* "only_a", "only_b", "conditional", "answer" */
extern const char *const sc_pchange_names[SC_CHANGE_KINDS];

struct sc_pchange {
	enum sc_pchange_kind kind;
	const char *arch;	/* "SCMP_ARCH_X86_64" */
	const char *name;
	struct sc_verdict a, b;
};

struct sc_comparison {
	struct sc_profile *a, *b;
	struct sc_pchange *v;
	size_t n, cap;
	unsigned count[SC_CHANGE_KINDS];
};

/*
 * Compile @a and @b for @ctx and put every named syscall of every architecture either
 * covers to both filters. 0, or -errno (said, naming the file).
 */
int drift__compare(struct sc_comparison *c, const char *a, const char *b, const struct sc_eval_ctx *ctx);
void drift__comparison_free(struct sc_comparison *c);
int drift__render_comparison(const struct sc_comparison *c, const char *a, const char *b, enum sc_format fmt);

#endif
