/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's census: per image, which syscalls its containers made (per seccomp phase
 * and ABI, with counts and first/last seen), which containers and image ids
 * contributed; per tracked cgroup, what has already been folded in. Saved as one JSON
 * state file, written atomically, read back on restart.
 */
#ifndef SC_CENSUS_H
#define SC_CENSUS_H

#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "record/recorder.h"
#include "census/runtime.h"
#include "seccomp/generate.h"

#define SC_STATE_FORMAT		"syscensus-state"
#define SC_STATE_VERSION	1
#define SC_UNKNOWN_PREFIX	"unknown/"	/* key of a cgroup no runtime claims: unknown/<cgroup id> */
/* where the unknown/<cgroup id> entries of cgroups that are gone end up, together */
#define SC_UNKNOWN_GONE		SC_UNKNOWN_PREFIX "gone"
/* pods' sandbox ("pause") containers, counted together: not an image to profile */
#define SC_POD_SANDBOXES	SC_UNKNOWN_PREFIX "pod-sandboxes"
#define SC_MAX_CONTAINERS	256		/* most recent containers kept per image */
#define SC_MAX_IMAGE_IDS	32
#define SC_MAX_ALIASES		32	/* other names of one image id; then a name is an image of its own */
#define SC_MAX_DENIALS		1024	/* denial entries per image; then kept without container and profile */

/*
 * Sparse counters keyed by SC_KEY(phase, abi, nr): the number in the low
 * SC_KEY_NR_BITS bits, the ABI bit above it, the phase bit on top (so keys sort by
 * phase, ABI, number).
 */
#define SC_KEY_NR_BITS		9	/* log2(SC_NR_PER_ABI) */
#define SC_KEY(p, a, nr)	((uint16_t)((p) << (SC_KEY_NR_BITS + 1) | (a) << SC_KEY_NR_BITS | (nr)))
#define SC_KEY_PHASE(k)		((k) >> (SC_KEY_NR_BITS + 1))
#define SC_KEY_ABI(k)		(((k) >> SC_KEY_NR_BITS) & 1)
#define SC_KEY_NR(k)		((k) & (SC_NR_PER_ABI - 1))
_Static_assert(1 << SC_KEY_NR_BITS == SC_NR_PER_ABI, "SC_KEY_NR_BITS must be log2(SC_NR_PER_ABI)");
_Static_assert(SC_PHASES == 2 && SC_NR_ABIS == 2 && SC_KEY_NR_BITS + 2 <= 16,
	       "a key is one phase bit, one ABI bit and the number, in 16 bits");

struct sc_vent {
	uint16_t key;
	uint64_t count;
	int64_t first, last;	/* unix seconds */
};

struct sc_vec {
	struct sc_vent *e;
	size_t n, cap;
};

struct sc_container {
	char id[SC_CTR_ID_LEN + 1];
	char *name;
	int64_t first, last;
	struct sc_pod pod;	/* its Kubernetes pod; all NULL when not a pod's */
};

/* A syscall the enforced filter refused, with its answer. */
/* A short id: 12 hex digits, as engines print container ids; "" when unknown. */
#define SC_SHORT_ID	13

struct sc_denial {
	uint8_t abi;
	uint16_t nr;
	uint32_t ret;		/* SECCOMP_RET_* with data: errno value, kill, trap */
	uint64_t count;
	int64_t first, last;
	char ctr[SC_SHORT_ID];		/* the container refused */
	char profile[SC_SHORT_ID];	/* the enforced profile: SHA-256 of its bundle's linux.seccomp */
};

/*
 * An argument value of one of the syscalls whose risky argument the recorder keeps
 * (struct sc_arg_key: native ABI), seen in the image's containers in @phase.
 */
struct sc_argv {
	uint8_t phase;
	uint16_t nr;
	uint64_t value;
};
/*
 * Values kept per (phase, syscall): one more than a profile restricts to, so that
 * "more than SC_ARG_VALUES_MAX" is known and the name is allowed whatever its arguments.
 */
#define SC_IMAGE_ARG_VALUES	(SC_ARG_VALUES_MAX + 1)

struct sc_image {
	char *key;		/* image name, or unknown/<cgroup id> */
	/*
	 * Other names its current image id (the last of @ids) was run under: one image, one
	 * census, its profile written under every name (census__attribute()).
	 */
	char **aliases;
	size_t n_aliases, cap_aliases;
	bool unknown;
	char *cgpath;		/* unknown: the cgroup's path */
	char *runtime;		/* layout the container id came from */
	char **ids;		/* image ids / digests seen, the current (last seen) one last */
	size_t n_ids;
	size_t cap_ids;
	struct sc_container *ctrs;
	size_t n_ctrs, cap_ctrs;
	uint64_t ctrs_total;
	int64_t first, last;	/* first attributed, last activity */
	uint8_t modes;		/* SC_MODE_*: the modes its containers were seen confined in */
	char *incomplete;	/* why the observation has gaps; NULL: none known */
	/*
	 * Calls of syscalls that had no counter of their own (a cgroup made more distinct
	 * keys than SC_SLOT_KEYS): in the set with a count of at least one, their calls
	 * counted here together. Zero in the common case.
	 */
	uint64_t uncounted;
	uint64_t untabled_keys;
	/*
	 * Exec sessions (podman/docker/kubectl exec, nsenter): calls made before any filter in
	 * a container already seen under its own, that is a runtime's setup of a new process
	 * after the container started. Counted once per fold they fall in.
	 */
	uint64_t exec_sessions;
	int64_t last_exec;
	struct sc_vec calls;
	/*
	 * The argument values of its calls (bounded: SC_IMAGE_ARG_VALUES per phase and
	 * syscall). @args_partial: some of its calls were counted without their values (a
	 * recorder that keeps none, an older state file), @args_lost: values the kernel map
	 * had no room for. Either way its profile allows those syscalls whatever their
	 * arguments, since a value that was not seen would be refused.
	 */
	struct sc_argv *argv;
	size_t n_argv, cap_argv;
	bool args_partial;
	uint64_t args_lost;
	struct sc_denial *denied;
	size_t n_denied, cap_denied;
	char *written;		/* the profile last written, to write only changes (not saved) */
	bool mark;		/* census__prune()'s: a live cgroup is of this image (not saved) */
	/* the cluster view (census__from_prometheus()), not saved: 0 for a local census */
	unsigned nodes;		/* how many nodes reported the image */
	int64_t last_new_known;	/* the latest of the nodes' last new syscall (calls' first times are not known) */
	size_t written_len;
	int write_error;		/* -errno of the last failed write of its profile (said once per cause) */
	bool crd_refused;		/* its profile cannot be a SeccompProfile (said once) */
};

/* The no-new-privileges modes an image's containers were seen in (runc installs the filter at another point in each). */
#define SC_MODE_NNP	1	/* with no-new-privileges */
#define SC_MODE_PRIV	2	/* without */

struct sc_live {
	uint64_t cgid;
	uint32_t slot;
	char *path;
	struct sc_image *img;
	char ctr[SC_CTR_ID_LEN + 1];	/* "" when not a container */
	char *ref;			/* the image name its container runs (NULL: not known) */
	struct sc_vec folded;		/* counter values already added to img */
	uint64_t uncounted_folded;	/* the same for the calls of keys without a counter */
	bool seen;			/* reconciliation mark */
	bool gone;			/* removed and folded; its slot is given back after the next save */
	uint8_t mode_tries;		/* reads of its task's mode so far (SC_MODE_TRIES at most) */
	char profile[SC_SHORT_ID];	/* its enforced profile's short digest, once read ("" until then) */
};
#define SC_MODE_TRIES	10

struct sc_health {
	char attach[16];
	uint32_t capacity;
	uint64_t table_full, events_lost, untracked, denied_lost;
	bool denials;		/* denial tracking attached */
	bool args;		/* argument values kept (census.h, struct sc_argv) */
	uint64_t args_lost;	/* the recorder's count of values its map had no room for, when last read */
	char pin_dir[256];
	char confinement[256];	/* what the agent kept after start (census/confine.h); "" unknown */
	uint64_t self_refused;	/* calls the agent's own filter refused since it started */
	/* the programs' own time, from the kernel's BPF statistics (when kernel.bpf_stats_enabled=1) */
	bool stats_enabled;
	uint64_t enter_ns, enter_runs;	/* sys_enter: the counting */
	uint64_t deny_ns, deny_runs;	/* sys_exit: denials */
};

struct sc_census {
	struct sc_image **images;
	size_t n_images, cap_images;
	struct sc_live **live;
	size_t n_live, cap_live;
	int64_t started, saved;
	struct sc_health health;
	unsigned nodes;		/* the cluster view: how many nodes reported; 0 for a local census */
};

/* Read @path into @c (empty census if the file does not exist). 0, or -errno with a message. */
int census__load(struct sc_census *c, const char *path);
/* Write the state file atomically. 0 or -errno. */
int census__save(const struct sc_census *c, const char *path, int64_t now);
/* The census as JSON (the state file's content; also `status --json`). */
cJSON *census__json(const struct sc_census *c, int64_t now);
/*
 * Where @img's containers ran in Kubernetes: "namespace/workload" (inferred from the pod
 * names; "namespace/pod/NAME" when a name shows no owner), each once, comma-separated,
 * into @buf (cut with "..." when full). Returns how many; 0 (and "") when none was a pod's.
 */
size_t image__workloads(const struct sc_image *img, char *buf, size_t len);

/* A pod as the state file and `status --json` write it: {"namespace", "name", "uid", "workload"}. */
cJSON *pod__json(const struct sc_pod *p);
void census__free(struct sc_census *c);

struct sc_image *census__image(struct sc_census *c, const char *key, bool create);
/* The image @name is the key or an alias of; NULL: none. */
struct sc_image *census__image_named(struct sc_census *c, const char *name);
/*
 * The image a container of @name, image id @id (NULL: the runtime did not say), is
 * counted in. Profiles follow image ids, and a name's profile never loses a syscall:
 *  - a name already known, still with that id: its image;
 *  - a new name whose id is an image's current one: that image, the name an alias;
 *  - an alias whose tag now names another id: it leaves, with a copy of what was
 *    observed until then (its profile does not shrink), and is attributed as a new name;
 *  - a key whose tag now names another id: the image goes on under it (the union of its
 *    ids, as before), and each alias leaves with a copy.
 * The lives whose containers run a name that leaves go with it. NULL: no memory.
 */
struct sc_image *census__attribute(struct sc_census *c, const char *name, const char *id);
/* @name added to @img's aliases. 0 or -ENOMEM. */
int image__add_alias(struct sc_image *img, const char *name);
/*
 * The cluster view: @name is another name of @img's id. The image @name belongs to (as key
 * or alias), if another, is merged into @img with its names; else @name becomes an alias.
 * 0 or -ENOMEM.
 */
int census__unite_name(struct sc_census *c, struct sc_image *img, const char *name);
/* @name taken out of @img's aliases: 1, or 0 when it was not one. */
int image__drop_alias(struct sc_image *img, const char *name);
/* The container @id of @img, added if new (the oldest dropped past SC_MAX_CONTAINERS). NULL: no memory. */
struct sc_container *image__add_container(struct sc_image *img, const char *id, const char *name, int64_t now);
/* Remember image id or digest @id (NULL: nothing to do). 0 or -ENOMEM. */
int image__add_id(struct sc_image *img, const char *id);
void image__set_incomplete(struct sc_image *img, const char *why);
/* Argument value @value of native syscall @nr seen in @phase (kept if new and room). 0 or -ENOMEM. */
int image__add_arg(struct sc_image *img, int phase, int nr, uint64_t value);
/*
 * The argument values that go with image__tally(): those of the profile's phase, and for
 * a confined image the runtime's setup calls' from before the filter. @a->v is malloc'd
 * (free it). 0 or -ENOMEM.
 */
int image__args(const struct sc_image *img, struct sc_args *a);
/*
 * @count more refusals of (abi, nr) answered @ret in container @ctr under profile @profile
 * (short ids, "" when unknown: refusals under one profile never appear under another); the
 * entry, or NULL when memory runs out.
 */
struct sc_denial *image__add_denial(struct sc_image *img, int abi, int nr, uint32_t ret, uint64_t count,
				    int64_t now, const char *ctr, const char *profile);

/* Move everything of @from (an unknown/<id> entry) into @to and forget @from. 0 or -ENOMEM. */
int census__merge_image(struct sc_census *c, struct sc_image *from, struct sc_image *to);

/*
 * unknown/<id> entries whose cgroup is gone: forgotten when they made no call, else
 * merged into SC_UNKNOWN_GONE (their calls, denials and gaps kept together; its
 * containers_total counts them). Without this the state would grow with every
 * transient cgroup of the host. Returns how many were dropped or merged.
 */
size_t census__prune(struct sc_census *c);

struct sc_live *census__live(struct sc_census *c, uint64_t cgid);
struct sc_live *census__add_live(struct sc_census *c, uint64_t cgid, uint32_t slot, const char *path,
				 struct sc_image *img, const char *ctr);
/* The image name @l's container runs, for census__attribute(). 0 or -ENOMEM. */
int live__set_ref(struct sc_live *l, const char *name);
void census__drop_live(struct sc_census *c, struct sc_live *l);

/*
 * Add what @cur has beyond what was folded into @l's image; @added gets the number of
 * calls added. Returns 0 or -ENOMEM (what was folded until then stays consistent).
 */
int census__fold(struct sc_live *l, const struct sc_slot_counts *cur, int64_t now, uint64_t *added);

/*
 * The profile of an image: the calls made under a seccomp filter (the container's own,
 * after the runtime's setup) or, for an image never seen confined, every call. NULL on
 * allocation failure. @note gets a static description of the basis.
 */
cJSON *image__profile(const struct sc_image *img, const char **note);
/* Whether any call of the image was made under a filter. */
bool image__confined(const struct sc_image *img);

/*
 * Which calls make the image's profile: SC_FILTERED for an image seen under a filter
 * (the container's own calls, after the runtime's setup), SC_PHASES (every call) for
 * one never seen confined and for unattributed cgroups.
 */
int image__profile_phase(const struct sc_image *img);
static inline bool sc_vent_in_phase(const struct sc_vent *e, int phase)
{
	return phase == SC_PHASES || SC_KEY_PHASE(e->key) == phase;
}
/* The calls that make @img's profile, summed per ABI and number. */
void image__tally(const struct sc_image *img, struct sc_tally *t);
/*
 * When @img last made a syscall it had never made (among those of its profile's phase):
 * how long its set has been stable. 0: none seen.
 */
int64_t image__last_new(const struct sc_image *img);
/*
 * How much a profile rests on, into @buf: with @now, "observed 3d 4h in 12 containers,
 * last new syscall 2026-11-30T10:00:00Z (1d 2h ago)"; with @now 0, what changes only
 * when the observation does (for the profile's comment): "seen from 2026-11-28T09:00:00Z
 * in 12 containers, last new syscall 2026-11-30T10:00:00Z".
 */
void image__confidence(const struct sc_image *img, int64_t now, char *buf, size_t len);

/* qsort() order of images: attributed ones first, then by name. */
int census__cmp_image(const void *a, const void *b);

struct sc_vent *vec_get(struct sc_vec *v, uint16_t key, bool create);

#endif
