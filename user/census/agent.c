// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's loop: cgroup events and periodic walks keep the census's live cgroups
 * in step with the host, each new cgroup is attributed to a container and its image
 * while the cgroup and the runtime's state exist, and at every tick the counters are
 * folded into the images, their profiles written and the state saved.
 *
 * What survives what:
 *  - the BPF programs and maps are pinned: counting goes on while the agent is
 *    stopped or killed, and a restart adopts them;
 *  - the state file holds the per-image totals and, per tracked cgroup, the counter
 *    values already folded in; counters only grow while a slot is live, so a restart
 *    after SIGKILL adds exactly what the dead agent had not folded yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "census/agent.h"
#include "census/confine.h"
#include "census/journal.h"
#include "census/census.h"
#include "census/metrics.h"
#include "census/serve.h"
#include "lib/json.h"
#include "lib/paths.h"
#include "lib/util.h"
#include "record/cgroup.h"
#include "seccomp/crd.h"
#include "seccomp/filename.h"
#include "seccomp/generate.h"

#define WALK_MAX_CGROUPS	(1u << 20)
#define FULL_WALK_EVERY		30	/* ticks between safety walks of the whole hierarchy */
/*
 * A new container's attribution is saved within this many seconds (not at once: with
 * containers starting every 100 ms, saving a large state for each costs a core). An
 * agent killed meanwhile attributes the cgroup again from its path at restart, if the
 * cgroup is still there.
 */
#define SAVE_SOON_S		2

struct agent {
	struct sc_census c;
	struct sc_recorder *rec;
	const struct sc_runtime_roots *roots;
	char mnt[PATH_MAX];
	char state_path[PATH_MAX];
	char profiles_dir[PATH_MAX];
	struct sc_slot_counts *buf;
	uint64_t events_lost_seen;
	unsigned ticks;		/* every FULL_WALK_EVERY-th one walks the whole hierarchy */
	unsigned containers_at_start;	/* what the default capacity was sized from */
	bool save_soon;		/* something new was attributed: save within SAVE_SOON_S */
	struct timespec saved_at;	/* monotonic time of the last save */
	int lock_fd;
	struct sc_server *srv;		/* --metrics */
	unsigned save_failures;		/* saves failed in a row: said at the first, and at the recovery */
	int save_error;			/* the last one's -errno: a new cause is said too */
	bool pins_gone_said;		/* the pinned recorder was removed under us: said once */
	/* the journal: every cgroup tracked since the last save, by id and path (see journal_add()) */
	int journal_fd;
	off_t journal_len;
	struct sc_jentry *jent;		/* read at start, until the first save */
	size_t n_jent, cap_jent;
	bool journal_full_said;
	struct sc_agent_health ah;
	unsigned forms;			/* SC_FORM_*: the profiles' forms */
	bool args;			/* argument values kept and used (not --args off, a recorder that keeps them) */
	/* the argument map's keys read into the census: deleted from the map once a save holds them */
	struct sc_arg_key *args_read;
	size_t n_args_read, cap_args_read;
	bool args_map_error_said;
	unsigned args_lost_grace;	/* ticks during which new cgroups' images count as having lost values */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/*
 * The profile a live container's runtime enforces, as a short SHA-256 of its OCI bundle's
 * linux.seccomp (printed unformatted): denials are kept per enforced profile.
 */
static void enforced_profile(struct agent *a, struct sc_live *l)
{
	char path[PATH_MAX], *text;
	cJSON *cfg = l->ctr[0] ? runtime__bundle_config(a->roots, l->ctr, path, sizeof(path)) : NULL;
	const cJSON *sec = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg, "linux"), "seccomp");
	uint8_t h[32];

	if (sec && (text = cJSON_PrintUnformatted(sec))) {
		sc_sha256(text, strlen(text), h);
		snprintf(l->profile, sizeof(l->profile), "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5]);
		free(text);
	}
	cJSON_Delete(cfg);
}

/* A cgroup the runtime's state names: its image gets the container. NULL: no memory. */
static struct sc_image *attribute_container(struct agent *a, const char *runtime, const char *ctr,
					    const struct sc_container_info *ci)
{
	/* a pod's sandbox is not an image to profile: counted with the others */
	struct sc_image *img = ci->sandbox ? census__image(&a->c, SC_POD_SANDBOXES, true)
					   : census__attribute(&a->c, ci->image, ci->image_id);
	struct sc_container *ct;

	if (!img || image__add_id(img, ci->image_id) || !(ct = image__add_container(img, ctr, ci->name, now_s())) ||
	    (!ct->pod.name && pod__copy(&ct->pod, &ci->pod)) || (!img->runtime && !(img->runtime = strdup(runtime))))
		return NULL;
	if (!img->first)
		img->first = now_s();
	return img;
}

/* A cgroup no runtime claims (yet): kept under unknown/<cgroup id> with its path, never dropped. */
static struct sc_image *attribute_unknown(struct agent *a, uint64_t cgid, const char *path, const char *runtime,
					  const char *ctr)
{
	struct sc_image *img;
	char key[64];

	snprintf(key, sizeof(key), SC_UNKNOWN_PREFIX "%llu", (unsigned long long)cgid);
	img = census__image(&a->c, key, true);
	if (!img || (!img->cgpath && !(img->cgpath = strdup(path))) ||
	    (runtime && !img->runtime && !(img->runtime = strdup(runtime))) ||
	    (ctr[0] && !image__add_container(img, ctr, NULL, now_s())))
		return NULL;
	if (!img->first)
		img->first = now_s();
	if (runtime)
		sc_warn("cgroup %s: container %.12s (%s layout) is not in any runtime state under the "
			"configured roots; kept as %s", path, ctr, runtime, key);
	return img;
}

/*
 * Which image a cgroup belongs to, decided while the cgroup and the runtime's state exist;
 * @ref gets the image name its container runs (malloc'd; NULL: none known).
 */
static struct sc_image *attribute(struct agent *a, uint64_t cgid, const char *path, char ctr[SC_CTR_ID_LEN + 1],
				  char **ref)
{
	const char *runtime = runtime__container_id(path, ctr);
	struct sc_container_info ci;
	struct sc_image *img = NULL;
	int err;

	*ref = NULL;
	if (!runtime)
		ctr[0] = '\0';
	if (runtime && (err = runtime__resolve(a->roots, ctr, &ci)) >= 0) {
		/* a pod's sandbox: counted with the others, never a profile */
		img = attribute_container(a, runtime, ctr, &ci);
		if (img && !ci.sandbox && !(*ref = strdup(ci.image)))
			img = NULL;
		if (img)
			sc_debug("cgroup %llu (%s): container %.12s of %s (%s)", (unsigned long long)cgid, path,
				 ctr, err ? "a pod's sandbox" : ci.image, ci.source);
		container_info__free(&ci);
	} else {
		img = attribute_unknown(a, cgid, path, runtime, ctr);
	}
	a->save_soon = true;
	return img;
}

/*
 * A container whose runtime state was not there yet when its cgroup appeared: try
 * again while the cgroup lives and when it goes, and move what it did so far from
 * unknown/<cgroup id> to its image.
 */
static void journal_add(struct agent *a, uint64_t cgid, const char *path, const char *key);

static void retry_attribution(struct agent *a, struct sc_live *l)
{
	struct sc_container_info ci;
	struct sc_image *img;
	int err;

	if (!l->img->unknown || !l->ctr[0] || !strcmp(l->img->key, SC_POD_SANDBOXES) ||
	    (err = runtime__resolve(a->roots, l->ctr, &ci)) < 0)
		return;
	img = attribute_container(a, l->img->runtime ? l->img->runtime : "?", l->ctr, &ci);
	if (!img) {
		sc_err("out of memory: container %.12s stays unattributed for now", l->ctr);
	} else if (img != l->img) {
		sc_info("cgroup %s: container %.12s is %s %s (its state appeared after its cgroup)", l->path,
			l->ctr, err ? "a pod's sandbox:" : "of image", err ? SC_POD_SANDBOXES : ci.image);
		if (census__merge_image(&a->c, l->img, img) || (!ci.sandbox && live__set_ref(l, ci.image)))
			sc_err("out of memory: part of what container %.12s did stays under its cgroup id", l->ctr);
		/* the newest record of a cgroup is the one used */
		journal_add(a, l->cgid, l->path, l->ref ? l->ref : img->key);
		a->save_soon = true;
	}
	container_info__free(&ci);
}

/*
 * The state is saved within SAVE_SOON_S of a new cgroup, not at once. An agent SIGKILLed
 * in between leaves the cgroup in its slot, counted, but unknown to the saved state; if
 * the cgroup is removed before the restart, its id no longer leads to its path and the
 * restart could not say whose container it was (nor, for a container run with --rm,
 * could the runtime). So each new cgroup's id, path and image are appended to
 * STATE-DIR/journal first (a write(): it survives the process, not a power loss), read
 * back at the start, and the journal is emptied by every save.
 */
#define JOURNAL_MAX	(16u << 20)
#define RELEASE_AFTER_FAILED_SAVES	10

static void journal_add(struct agent *a, uint64_t cgid, const char *path, const char *key)
{
	char rec[2 * PATH_MAX + 64];
	size_t n;

	/* one write() of the whole record: a kill leaves it whole or not at all */
	if (a->journal_fd < 0 || !(n = journal__format(rec, sizeof(rec), cgid, path, key)))
		return;
	if (a->journal_len + (off_t)n > (off_t)JOURNAL_MAX) {
		if (!a->journal_full_said)
			sc_warn("the journal of new cgroups is full (saves are failing): a SIGKILL now could leave "
				"cgroups removed meanwhile unattributed");
		a->journal_full_said = true;
		return;
	}
	if (write(a->journal_fd, rec, n) == (ssize_t)n)
		a->journal_len += (off_t)n;
	else if (ftruncate(a->journal_fd, a->journal_len))	/* no partial record left behind */
		sc_debug("cannot cut the journal back after a short write: %s", strerror(errno));
}

/* The records read at the start (journal_load()), forgotten. */
static void journal_free(struct agent *a)
{
	journal__free(a->jent, a->n_jent);
	a->jent = NULL;
	a->n_jent = a->cap_jent = 0;
}

/* After a successful save, and only then: what the journal held is in the state. */
static void journal_reset(struct agent *a)
{
	if (a->journal_fd >= 0 && a->journal_len && ftruncate(a->journal_fd, 0) == 0)
		a->journal_len = 0;
	a->journal_full_said = false;
	journal_free(a);
}

/*
 * The records read back at the start; a torn last record (a kill mid-write) is left
 * out. Returns where the whole records end, or -1 when the file could not be read or
 * parsed for want of memory (then nothing may be cut off it).
 */
static off_t journal_load(struct agent *a, const char *file)
{
	size_t len, whole;
	char *text = sc_read_file(file, JOURNAL_MAX, &len);
	bool nomem;

	if (!text) {
		if (errno == ENOENT)
			return 0;
		sc_warn("%s: %s: the cgroups it names are attributed from their paths only", file, strerror(errno));
		return -1;
	}
	whole = journal__parse(text, len, &a->jent, &a->n_jent, &a->cap_jent, &nomem);
	free(text);
	if (nomem) {
		sc_warn("%s: out of memory reading it: the records after the first %zu are not used", file, a->n_jent);
		return -1;
	}
	return (off_t)whole;
}

static const struct sc_jentry *journal_find(const struct agent *a, uint64_t cgid)
{
	for (size_t i = a->n_jent; i-- > 0;)
		if (a->jent[i].cgid == cgid)
			return &a->jent[i];
	return NULL;
}

static int journal_open(struct agent *a, const char *dir)
{
	char file[PATH_MAX];

	if ((size_t)snprintf(file, sizeof(file), "%s/" SC_JOURNAL_FILE, dir) >= sizeof(file))
		return -ENAMETOOLONG;
	off_t whole = journal_load(a, file);

	a->journal_fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (a->journal_fd < 0) {
		sc_err("cannot open %s: %s", file, strerror(errno));
		return -errno;
	}
	/* a torn record at the end is cut off, so that the next ones are read after it */
	off_t end = lseek(a->journal_fd, 0, SEEK_END);

	if (whole < 0)
		whole = end < 0 ? 0 : end;	/* not read: kept as it is */
	else if (end != whole && ftruncate(a->journal_fd, whole))
		sc_warn("%s: cannot cut off a torn record: %s", file, strerror(errno));
	a->journal_len = whole;
	return 0;
}

static struct sc_live *add_live(struct agent *a, uint64_t cgid, uint32_t slot, const char *path)
{
	char ctr[SC_CTR_ID_LEN + 1], *ref;
	struct sc_image *img = attribute(a, cgid, path, ctr, &ref);
	struct sc_live *l = img ? census__add_live(&a->c, cgid, slot, path, img, ctr) : NULL;

	if (l) {
		l->ref = ref;
		ref = NULL;
	}
	free(ref);
	if (!l) {
		sc_err("out of memory: cgroup %s is counted but cannot be attributed", path);
	} else {
		journal_add(a, cgid, path, l->ref ? l->ref : img->key);
		l->seen = true;	/* known to exist now: a reconcile in progress must not retire it */
		if (l->ctr[0])
			enforced_profile(a, l);
	}
	return l;
}

/* A removed cgroup an agent killed before saving had attributed (journal_add()). */
static struct sc_live *add_live_journaled(struct agent *a, uint64_t cgid, uint32_t slot, const struct sc_jentry *j)
{
	char ctr[SC_CTR_ID_LEN + 1];
	struct sc_image *img;
	struct sc_live *l;

	if (!strncmp(j->key, SC_UNKNOWN_PREFIX, strlen(SC_UNKNOWN_PREFIX)))
		return add_live(a, cgid, slot, j->path);
	if (!runtime__container_id(j->path, ctr))
		ctr[0] = '\0';
	/* the name its container ran: the image that name belongs to now */
	img = census__image_named(&a->c, j->key);
	if (!img)
		img = census__image(&a->c, j->key, true);
	if (!img || (ctr[0] && !image__add_container(img, ctr, NULL, now_s())) ||
	    !(l = census__add_live(&a->c, cgid, slot, j->path, img, ctr)) ||
	    (strcmp(j->key, SC_POD_SANDBOXES) && live__set_ref(l, j->key))) {
		sc_err("out of memory: cgroup %s is counted but cannot be attributed", j->path);
		return NULL;
	}
	sc_debug("cgroup %llu (%s): image %s, from the journal", (unsigned long long)cgid, j->path, j->key);
	journal_add(a, cgid, j->path, j->key);
	l->seen = true;
	a->save_soon = true;
	return l;
}

static void untracked(struct agent *a, uint64_t cgid, const char *path)
{
	char ctr[SC_CTR_ID_LEN + 1], why[160], *ref;
	struct sc_image *img = attribute(a, cgid, path, ctr, &ref);

	free(ref);	/* not counted: no live to run it */
	a->c.health.untracked++;
	snprintf(why, sizeof(why), "a container's cgroup found the cgroup table full (--capacity %u)",
		 recorder__capacity(a->rec));
	if (img)
		image__set_incomplete(img, why);
	sc_warn("cgroup %s is not counted: the cgroup table is full (--capacity %u)", path,
		recorder__capacity(a->rec));
}

static void fold(struct agent *a, struct sc_live *l, const struct sc_slot_counts *cur)
{
	uint64_t added;

	if (census__fold(l, cur, now_s(), &added))
		sc_err("out of memory: calls of cgroup %s are folded at the next tick", l->path);
	/* calls counted without their argument values: the image allows the six by name for good */
	if (added && !a->args)
		l->img->args_partial = true;
	if (added && a->args_lost_grace && !l->img->args_lost)
		l->img->args_lost = 1;
}

static void on_denial(void *ctx, const struct sc_deny_key *k, uint64_t count)
{
	struct agent *a = ctx;
	struct sc_live *l = census__live(&a->c, k->cgid);
	struct sc_image *img = l ? l->img : NULL;
	char key[64];

	if (!img) {
		snprintf(key, sizeof(key), SC_UNKNOWN_PREFIX "%llu", (unsigned long long)k->cgid);
		img = census__image(&a->c, key, true);
	}
	if (!img || !image__add_denial(img, k->abi, k->nr, k->ret, count, now_s(), l ? l->ctr : "",
				       l ? l->profile : ""))
		sc_err("out of memory: %llu denials of cgroup %llu are not kept", (unsigned long long)count,
		       (unsigned long long)k->cgid);
	a->save_soon = true;
}

/* Fold a cgroup's final counts, free its slot, forget it. */
/*
 * A removed cgroup: its last calls folded now, its slot given back only once a save has
 * them (release_retired()). Given back at once, the slot could be claimed by a new
 * cgroup before the save, and an agent SIGKILLed in between would find at its restart
 * a saved cgroup whose slot holds another: what the first did since the previous save
 * would be lost (the churn test found it).
 */
static void retire(struct agent *a, struct sc_live *l)
{
	if (l->gone)
		return;
	retry_attribution(a, l);
	if (!l->profile[0])
		enforced_profile(a, l);		/* a short container: its bundle may still be there */
	recorder__drain_denials(a->rec, on_denial, a);	/* while we still know the cgroup */
	/* the slot must still be this cgroup's: never release or fold another's */
	if (recorder__slot_cgid(a->rec, l->slot) != l->cgid) {
		sc_warn("slot %u no longer holds cgroup %s: its last calls since the previous read are not known",
			l->slot, l->path);
		census__drop_live(&a->c, l);
		a->save_soon = true;
		return;
	}
	if (recorder__read(a->rec, l->slot, a->buf) == 0)
		fold(a, l, a->buf);
	l->gone = true;
	a->save_soon = true;
}

static void read_args(struct agent *a);

/*
 * The last argument values of slots about to be given back, into their images, and
 * deleted from the map now, while the slots are still theirs: a new owner of the slot
 * must find none of them (a value it found would not be added again, and the next save
 * would delete it). A straggler added during the release stays for the next owner,
 * which allows more, never less.
 */
static void release_args(struct agent *a, const uint32_t *slots, size_t n)
{
	size_t keep = 0;

	read_args(a);
	for (size_t i = 0; i < a->n_args_read; i++) {
		bool released = false;

		for (size_t k = 0; k < n && !released; k++)
			released = a->args_read[i].slot == slots[k];
		if (released)
			recorder__forget_args(a->rec, &a->args_read[i], 1);
		else
			a->args_read[keep++] = a->args_read[i];
	}
	a->n_args_read = keep;
}

struct releasing {
	struct agent *a;
	struct sc_live **l;
	uint32_t *slots;
	size_t n;
};

static void released(void *ctx, size_t i, int err, const struct sc_slot_counts *last)
{
	struct releasing *r = ctx;
	struct sc_live *l = r->l[i];

	if (err)
		sc_warn("cannot release slot %u of cgroup %s: %s", l->slot, l->path, strerror(-err));
	else
		fold(r->a, l, last);	/* a program that found the slot before may still have counted */
}

/* After a save: the slots of the cgroups retired before it go back to the table, at once. */
static void release_retired(struct agent *a)
{
	struct releasing r = { .a = a };
	size_t n = 0;

	for (size_t i = 0; i < a->c.n_live; i++)
		n += a->c.live[i]->gone;
	if (!n)
		return;
	r.l = calloc(n, sizeof(*r.l));
	r.slots = calloc(n, sizeof(*r.slots));
	if (!r.l || !r.slots) {
		free(r.l);
		free(r.slots);
		return;		/* given back after a later save */
	}
	for (size_t i = 0; i < a->c.n_live; i++) {
		struct sc_live *l = a->c.live[i];

		if (l->gone && recorder__slot_cgid(a->rec, l->slot) == l->cgid) {
			r.l[r.n] = l;
			r.slots[r.n++] = l->slot;
		}
	}
	/* their values first: once given back, a slot's new keys may be a new cgroup's */
	release_args(a, r.slots, r.n);
	recorder__release_batch(a->rec, r.slots, r.n, a->buf, released, &r);
	for (size_t i = 0; i < a->c.n_live;) {
		if (a->c.live[i]->gone)
			census__drop_live(&a->c, a->c.live[i]);	/* swaps the last entry into i */
		else
			i++;
	}
	free(r.l);
	free(r.slots);
}

/* Whether the cgroup of id @cgid no longer exists (its kernfs handle is stale). */
static bool cgroup_gone(struct agent *a, uint64_t cgid)
{
	char rel[PATH_MAX];

	return cgroup__path_of(a->mnt, cgid, rel, sizeof(rel)) == -ENOENT;
}

static int on_event(void *ctx, const struct sc_event *e)
{
	struct agent *a = ctx;
	struct sc_live *l = census__live(&a->c, e->cgid);
	const char *path = e->path[0] ? e->path : "?";
	bool in_slot = e->slot != SC_SLOT_NONE && recorder__slot_cgid(a->rec, e->slot) == e->cgid;

	if (e->kind == SC_EV_MKDIR && !l) {
		uint32_t slot;

		if (e->slot == SC_SLOT_NONE)
			untracked(a, e->cgid, path);
		else if (in_slot)
			add_live(a, e->cgid, e->slot, path);
		/* its slot was given back before the event was read: a slot of its own again */
		else if (!cgroup_gone(a, e->cgid) && !recorder__track(a->rec, e->cgid, &slot))
			add_live(a, e->cgid, slot, path);
	} else if (e->kind == SC_EV_RMDIR) {
		/*
		 * A cgroup we did not know, still in its slot: created and (for us) announced
		 * while a previous agent ran, which died before saving. Attribute it by the
		 * path it had, then retire it like any other.
		 */
		if (!l && in_slot) {
			const struct sc_jentry *j = journal_find(a, e->cgid);

			l = j ? add_live_journaled(a, e->cgid, e->slot, j) : add_live(a, e->cgid, e->slot, path);
		}
		if (l)
			retire(a, l);
	}
	return 0;
}

/* One cgroup of the hierarchy walk: tracked already, tracked now, or reported as not counted. */
static void on_cgroup(void *ctx, const char *abs, const char *rel)
{
	struct agent *a = ctx;
	struct sc_live *l;
	uint64_t cgid;
	uint32_t slot;
	int err;

	char id[SC_CTR_ID_LEN + 1];

	/* as the mkdir program: only cgroups that can hold a container take a slot */
	if (!runtime__container_id(rel, id) || cgroup__id(abs, &cgid))
		return;
	l = census__live(&a->c, cgid);
	if (!l) {
		err = recorder__track(a->rec, cgid, &slot);
		if (!err)
			l = add_live(a, cgid, slot, rel);
		else if (err == -ENOSPC)
			untracked(a, cgid, rel);
		else
			sc_warn("cannot track cgroup %s: %s", rel, strerror(-err));
	}
	if (l)
		l->seen = true;
}

/*
 * Make the census agree with cgroupfs and the table: track cgroups nobody told us
 * about (created while events were lost, or before the agent), retire the ones that
 * are gone, and keep counts of table entries that belong to no known cgroup.
 */

/*
 * A slot no live cgroup of the census holds: a cgroup claimed at creation whose event
 * is still to be read (or was lost), or one gone before we heard of it. The first is
 * tracked where it is, by the path its id leads to; the second is retired, keeping
 * what it did.
 */
static void adopt_slot(struct agent *a, uint32_t s, uint64_t cgid)
{
	char rel[PATH_MAX];
	struct sc_live *l;
	int err = cgroup__path_of(a->mnt, cgid, rel, sizeof(rel));

	if (err == 0) {
		if ((l = add_live(a, cgid, s, rel)))
			l->seen = true;
	} else if (err == -ENOENT) {
		/* gone: the journal knows it if an agent killed before saving had attributed it */
		const struct sc_jentry *j = journal_find(a, cgid);

		if ((l = j ? add_live_journaled(a, cgid, s, j) : add_live(a, cgid, s, "(removed before it could be resolved)")))
			retire(a, l);
	} else {
		sc_debug("slot %u: cannot tell whether cgroup %llu exists (%s): left for the next walk", s,
			 (unsigned long long)cgid, strerror(-err));
	}
}

/*
 * Make the census agree with cgroupfs and the table: track cgroups nobody told us
 * about (created while events were lost, or before the agent), retire the ones that
 * are gone, and keep counts of table entries that belong to no known cgroup.
 */
static void reconcile(struct agent *a)
{
	uint32_t cap = recorder__capacity(a->rec);
	int walk;

	for (size_t i = 0; i < a->c.n_live; i++)
		a->c.live[i]->seen = false;
	a->c.health.untracked = 0;
	walk = cgroup__walk(a->mnt, WALK_MAX_CGROUPS, on_cgroup, a, NULL);
	/* the cgroups created during the walk: their events first */
	recorder__poll_events(a->rec, 0, on_event, a);
	for (size_t i = 0; i < a->c.n_live;) {
		struct sc_live *l = a->c.live[i];

		/* not seen by an incomplete walk proves nothing: retired only when gone for sure */
		if (l->gone || l->seen || (walk && !cgroup_gone(a, l->cgid))) {
			i++;
			continue;
		}
		sc_debug("cgroup %s is gone", l->path);
		retire(a, l);
		if (i < a->c.n_live && a->c.live[i] == l)
			i++;	/* kept until the next save; else dropped, and another moved into i */
	}
	if (walk)
		sc_warn("the walk of %s was incomplete (a directory could not be read): cgroups not seen are "
			"kept until a walk sees them gone", a->mnt);
	for (uint32_t s = 0; s < cap; s++) {
		uint64_t cgid = recorder__slot_cgid(a->rec, s);

		if (cgid && !census__live(&a->c, cgid))
			adopt_slot(a, s, cgid);
	}
}

/* @data into <profiles dir>/<name><ext>; a failure said once per image and cause. 0 or -errno. */
static int write_form(struct agent *a, struct sc_image *img, const char *name, const char *ext, const void *data,
		      size_t len)
{
	char path[PATH_MAX];
	int err;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s%s", a->profiles_dir, name, ext) >= sizeof(path))
		err = -ENAMETOOLONG;
	else
		err = sc_write_file_atomic(path, data, len);
	if (err && img->write_error != err)	/* once per image and cause, not at every fold */
		sc_err("cannot write %s/%s%s: %s; the file is left as it was, and written at the next fold "
		       "that can", a->profiles_dir, name, ext, strerror(-err));
	return err;
}

/* Name @k of @img: its key, then its aliases (every name its image id runs under). */
static const char *name_of(const struct sc_image *img, size_t k)
{
	return k ? img->aliases[k - 1] : img->key;
}

/*
 * Write @img's profile under each of its names, in the forms asked (Docker JSON,
 * SeccompProfile YAML), if it changed since the last write (or a name joined). 0 or
 * -errno (said).
 */
static int write_profile(struct agent *a, struct sc_image *img)
{
	char name[SC_NAME_MAX], why[256];
	struct sc_buf b = {}, y = {};
	const char *note;
	cJSON *doc = image__profile(img, &note), *render;
	int err = 0, cerr = 0;
	bool refused = false;

	/* json_render() takes its document: a copy only when the SeccompProfiles need @doc after */
	render = doc && (a->forms & SC_FORM_CRD) ? cJSON_Duplicate(doc, true) : doc;
	if (render == doc)
		doc = NULL;
	if (!render || json_render(render, &b)) {
		sc_err("out of memory: the profile of %s is not written", img->key);
		cJSON_Delete(doc);
		sc_buf_free(&b);
		return -ENOMEM;
	}
	if (img->written && img->written_len == b.len && !memcmp(img->written, b.data, b.len)) {
		cJSON_Delete(doc);
		sc_buf_free(&b);
		return 0;
	}
	for (size_t k = 0; k <= img->n_aliases && !err; k++) {
		image_file_name(name_of(img, k), name);
		if (a->forms & SC_FORM_DOCKER)
			err = write_form(a, img, name, ".json", b.data, b.len);
		if (err || !(a->forms & SC_FORM_CRD))
			continue;
		/* the SeccompProfile is named after each name; what its API cannot hold is said once per image */
		cerr = crd__render(doc, name_of(img, k), &y, why, sizeof(why));
		if (cerr == -ENOMEM) {
			err = -ENOMEM;
		} else if (cerr) {
			if (!img->crd_refused && !refused)
				sc_err("the profile of %s cannot be a SeccompProfile: %s; only its JSON form is written",
				       name_of(img, k), why);
			refused = true;
		} else {
			err = write_form(a, img, name, ".yaml", y.data, y.len);
		}
		sc_buf_free(&y);
	}
	cJSON_Delete(doc);
	img->crd_refused = refused;	/* said again once a write could make one */
	if (err) {
		img->write_error = err;
		sc_buf_free(&b);
		return err;
	}
	if (img->write_error)
		sc_info("wrote the profile of %s again", img->key);
	img->write_error = 0;
	sc_debug("wrote the profile of %s (%s)", img->key, note);
	free(img->written);
	img->written = b.data;	/* the buffer is kept: it is what the files hold */
	img->written_len = b.len;
	return 0;
}

static int write_profiles(struct agent *a)
{
	int ret = 0, err;

	for (size_t i = 0; i < a->c.n_images; i++) {
		struct sc_image *img = a->c.images[i];

		if (!img->unknown && img->calls.n && (err = write_profile(a, img)))
			ret = err;
	}
	return ret;
}

/*
 * Someone removed the pinned recorder (`syscensus unload`, rm): this agent's programs stay
 * attached while it holds them, so counting goes on, but a restart would load a new one
 * and lose what happened in between. Said once.
 */
static void check_pins(struct agent *a)
{
	if (a->pins_gone_said || recorder__pinned(a->rec))
		return;
	sc_warn("the pinned recorder in %s was removed: this agent keeps counting while it runs, but "
		"after it stops nothing counts until an agent starts again (which loads and pins a new one)",
		a->c.health.pin_dir);
	a->pins_gone_said = true;
}

/* The live cgroup counted in @slot (retired ones until their slot is given back); NULL: none. */
static struct sc_live *live_in_slot(struct agent *a, uint32_t slot)
{
	for (size_t i = 0; i < a->c.n_live; i++)
		if (a->c.live[i]->slot == slot)
			return a->c.live[i];
	return NULL;
}

/* recorder__read_args' callback: a value into its cgroup's image, its key to forget after the save. */
static void on_arg(void *ctx, const struct sc_arg_key *k)
{
	struct agent *a = ctx;
	struct sc_live *l = live_in_slot(a, k->slot);
	struct sc_arg_key *v;
	size_t before;

	/*
	 * No live in the slot: a cgroup whose event is still to come (its values stay until it
	 * is known), or a straggler of a released one (release_retired() read and deleted the
	 * rest). Left in the map: its next owner may get the value, which allows, never refuses.
	 */
	if (!l)
		return;
	if (a->args) {
		before = l->img->n_argv;
		if (image__add_arg(l->img, k->phase, k->nr, k->value)) {
			l->img->args_lost++;	/* out of memory: said like a full map, names only */
			return;
		}
		if (l->img->n_argv != before)
			a->save_soon = true;
	}
	v = sc_grow(a->args_read, &a->cap_args_read, a->n_args_read, sizeof(*v), 64);
	if (!v)
		return;		/* not forgotten: read again next time */
	a->args_read = v;
	a->args_read[a->n_args_read++] = *k;
}

/*
 * The argument values the programs kept since the last save, into the images. Values the
 * map had no room for (its count grew) are not known: every image counting then allows
 * those syscalls whatever their arguments. Without values (--args off, a recorder that
 * keeps none), every image counted allows them by name.
 */
static void read_args(struct agent *a)
{
	uint64_t lost = 0, grew;

	if (!recorder__args(a->rec))
		return;
	/* under --args off, a recorder that keeps values is still emptied: its map must not fill */
	a->n_args_read = 0;
	recorder__read_args(a->rec, on_arg, a, &lost);
	if (!a->args) {
		recorder__forget_args(a->rec, a->args_read, a->n_args_read);
		a->n_args_read = 0;
		return;
	}
	if (lost == a->c.health.args_lost)
		return;
	grew = lost > a->c.health.args_lost ? lost - a->c.health.args_lost : lost;
	sc_warn("%llu argument values found the kernel map full: the profiles of the images counting now "
		"allow ioctl, socket, clone, unshare, prctl and personality whatever their arguments",
		(unsigned long long)grew);
	/* whose they were is not known: every image counting now, and those of cgroups still to be known */
	for (size_t i = 0; i < a->c.n_live; i++)
		a->c.live[i]->img->args_lost += grew;
	a->args_lost_grace = 2;
	a->c.health.args_lost = lost;
	a->save_soon = true;
}

/* Once a save holds them: the values read are deleted from the map, which keeps room for new ones. */
static void forget_args(struct agent *a)
{
	int err = recorder__forget_args(a->rec, a->args_read, a->n_args_read);

	if (err && !a->args_map_error_said) {
		sc_warn("cannot delete saved argument values from the kernel map: %s (they are read again; "
			"the map may fill)", strerror(-err));
		a->args_map_error_said = true;
	}
	a->n_args_read = 0;
}

static int save(struct agent *a)
{
	struct sc_recorder_stats st;
	int err;

	struct sc_prog_cost enter, deny;

	a->c.health.stats_enabled = recorder__cost(a->rec, &enter, &deny) == 0;
	a->c.health.enter_ns = enter.run_ns;
	a->c.health.enter_runs = enter.runs;
	a->c.health.deny_ns = deny.run_ns;
	a->c.health.deny_runs = deny.runs;
	recorder__stats(a->rec, &st);
	a->c.health.table_full = st.table_full;
	a->c.health.events_lost = st.events_lost;
	a->c.health.denied_lost = st.denied_lost;
	a->c.health.denials = recorder__denials(a->rec);
	err = census__save(&a->c, a->state_path, now_s());
	if (!err) {
		a->c.saved = now_s();
		forget_args(a);
		journal_reset(a);
		release_retired(a);
		if (a->save_failures)
			sc_info("%s written again, after %u failed saves: nothing counted meanwhile is lost",
				a->state_path, a->save_failures);
		a->save_failures = 0;
	} else {
		if (a->save_failures++ == 0 || err != a->save_error)
			sc_err("cannot write %s: %s; the previous state file is left as it was, counting goes on, "
			       "and every fold tries again (said again once a save works)", a->state_path, strerror(-err));
		/*
		 * Saves keep failing: the slots of removed cgroups go back all the same, or the
		 * table would fill and new containers go uncounted. A SIGKILL before the next
		 * save would then lose their last calls (the state on disk is older).
		 */
		if (a->save_failures >= RELEASE_AFTER_FAILED_SAVES)
			release_retired(a);
	}
	a->save_error = err;
	err ? a->ah.saves_failed++ : a->ah.saves_ok++;
	a->save_soon = false;
	clock_gettime(CLOCK_MONOTONIC, &a->saved_at);
	return err;
}

/* Every live cgroup's counters read and folded (also between ticks: see loop()). */
static void fold_live(struct agent *a)
{
	for (size_t i = 0; i < a->c.n_live; i++) {
		struct sc_live *l = a->c.live[i];

		if (recorder__read(a->rec, l->slot, a->buf) == 0)
			fold(a, l, a->buf);
	}
}

/*
 * The no-new-privileges mode of a live container, from its first task's /proc status once
 * that task is under a seccomp filter (the container's process, after runc's setup): runc
 * installs the filter at another point in each mode, so status says which were never seen.
 */
static void observe_mode(struct agent *a, struct sc_live *l)
{
	char path[PATH_MAX], *procs, *st, *p;
	long pid;
	int nnp = -1, sc = -1;

	if (l->img->unknown || l->mode_tries >= SC_MODE_TRIES)
		return;
	l->mode_tries++;
	if (!l->profile[0])
		enforced_profile(a, l);
	if ((size_t)snprintf(path, sizeof(path), "%s%s/cgroup.procs", a->mnt, l->path) >= sizeof(path) ||
	    !(procs = sc_read_file(path, 4096, NULL)))
		return;
	pid = strtol(procs, NULL, 10);
	free(procs);
	if (pid <= 0 || (size_t)snprintf(path, sizeof(path), "/proc/%ld/status", pid) >= sizeof(path) ||
	    !(st = sc_read_file(path, 16384, NULL)))
		return;
	if ((p = strstr(st, "\nNoNewPrivs:")))
		nnp = (int)strtol(p + 13, NULL, 10);
	if ((p = strstr(st, "\nSeccomp:")))
		sc = (int)strtol(p + 9, NULL, 10);
	free(st);
	if (sc != 2 || nnp < 0)
		return;		/* not under its filter yet (or unconfined): asked again next tick */
	if (!(l->img->modes & (nnp ? SC_MODE_NNP : SC_MODE_PRIV)))
		a->save_soon = true;
	l->img->modes |= nnp ? SC_MODE_NNP : SC_MODE_PRIV;
	l->mode_tries = SC_MODE_TRIES;
}

/* The census as metrics, for the server's next scrapes. */
static void publish(struct agent *a)
{
	struct sc_buf b = {};

	if (!a->srv)
		return;
	if (metrics__render(&a->c, &a->ah, &b)) {
		sc_warn("out of memory: the metrics are not updated");
		sc_buf_free(&b);
		return;
	}
	server__publish(a->srv, b.data, b.len);
}

static void tick(struct agent *a)
{
	struct sc_recorder_stats st;

	recorder__stats(a->rec, &st);
	if (st.events_lost != a->events_lost_seen || ++a->ticks % FULL_WALK_EVERY == 0) {
		if (st.events_lost != a->events_lost_seen)
			sc_warn("%llu cgroup events were lost (ring buffer full): walking the hierarchy",
				(unsigned long long)(st.events_lost - a->events_lost_seen));
		a->events_lost_seen = st.events_lost;
		reconcile(a);
	}
	/* who each cgroup is, and under which profile, before its refusals are kept */
	for (size_t i = 0; i < a->c.n_live; i++) {
		retry_attribution(a, a->c.live[i]);
		observe_mode(a, a->c.live[i]);
	}
	recorder__drain_denials(a->rec, on_denial, a);
	if (a->args_lost_grace)
		a->args_lost_grace--;
	fold_live(a);
	read_args(a);
	check_pins(a);
	a->ah.last_fold = now_s();
	a->c.health.self_refused = confine__refusals();
	census__prune(&a->c);
	write_profiles(a);
	save(a);
	publish(a);
}

/* One agent per state directory: an exclusive lock held for the agent's life. */
static int lock_state_dir(const char *dir)
{
	char path[PATH_MAX], pid[32];
	int fd, n;

	if ((size_t)snprintf(path, sizeof(path), "%s/" SC_LOCK_FILE, dir) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		sc_err("cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		sc_err("another agent is running on %s (pid %s)", dir, pid[0] ? pid : "?");
		close(fd);
		return -EBUSY;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, n, 0) != n)
		sc_warn("cannot write the pid into %s: %s", path, strerror(errno));
	return fd;
}

/* After loading: the saved live cgroups against the recorder actually running. */
static void resume(struct agent *a)
{
	static const char why[] = "the recorder was not running between the last save and an agent start "
				  "(reboot or unload): calls in between were not seen";

	if (!recorder__adopted(a->rec) && a->c.n_live) {
		sc_warn("%zu cgroups were tracked by a recorder that is gone; %s", a->c.n_live, why);
		while (a->c.n_live) {
			struct sc_live *l = a->c.live[0];

			if (!l->img->unknown)
				image__set_incomplete(l->img, why);
			census__drop_live(&a->c, l);
		}
		return;
	}
	for (size_t i = 0; i < a->c.n_live;) {
		struct sc_live *l = a->c.live[i];

		if (recorder__slot_cgid(a->rec, l->slot) == l->cgid) {
			i++;
			continue;
		}
		/*
		 * Retired, saved with its last calls, and its slot given back after that save
		 * (release_retired()): nothing of it is lost.
		 */
		sc_debug("saved cgroup %s is not in slot %u any more (retired and saved): forgetting it", l->path, l->slot);
		census__drop_live(&a->c, l);
	}
}

/* Paths, directories, the lock and the saved state. 0 or -errno (said). */
static int open_state(struct agent *a, const struct sc_agent_opts *o)
{
	int err;

	if ((size_t)snprintf(a->state_path, sizeof(a->state_path), "%s/" SC_STATE_FILE, o->state_dir) >=
		    sizeof(a->state_path) ||
	    (size_t)snprintf(a->profiles_dir, sizeof(a->profiles_dir), "%s", o->profiles_dir ? o->profiles_dir :
			     o->state_dir) >= sizeof(a->profiles_dir) ||
	    (!o->profiles_dir && strlen(a->profiles_dir) + sizeof("/" SC_PROFILES_SUBDIR) > sizeof(a->profiles_dir))) {
		sc_err("%s: path too long", o->state_dir);
		return -ENAMETOOLONG;
	}
	if (!o->profiles_dir)
		strcat(a->profiles_dir, "/" SC_PROFILES_SUBDIR);
	a->forms = o->forms ? o->forms : SC_FORM_DOCKER;
	if ((err = sc_mkdir_p(o->state_dir, 0700))) {
		sc_err("cannot create the state directory %s: %s", o->state_dir, strerror(-err));
		return err;
	}
	if ((err = sc_mkdir_p(a->profiles_dir, 0755))) {
		sc_err("cannot create the profiles directory %s: %s", a->profiles_dir, strerror(-err));
		return err;
	}
	a->lock_fd = lock_state_dir(o->state_dir);
	if (a->lock_fd < 0)
		return a->lock_fd;
	if ((err = journal_open(a, o->state_dir)))
		return err;
	return census__load(&a->c, a->state_path);	/* a bad file is said and left as it is */
}

static void count_container(void *ctx, const char *abs, const char *rel)
{
	char id[SC_CTR_ID_LEN + 1];

	*(unsigned *)ctx += runtime__container_id(rel, id) != NULL;
}

/*
 * The default capacity, from what the host runs: four times the container cgroups
 * there are now (containers come and go, and a rolling update runs two of each for a
 * while), at least SC_AGENT_MIN_CAPACITY. A pinned recorder keeps the size it has.
 */
static unsigned host_capacity(struct agent *a)
{
	unsigned n = 0;

	cgroup__walk(a->mnt, WALK_MAX_CGROUPS, count_container, &n, NULL);	/* a count: incomplete is fine */
	a->containers_at_start = n;
	return n * 4 > SC_AGENT_MIN_CAPACITY ? n * 4 : SC_AGENT_MIN_CAPACITY;
}

/* The recorder, loaded or adopted, and the census in step with it. 0 or -errno (said). */
static int open_recorder(struct agent *a, const struct sc_agent_opts *o)
{
	struct sc_recorder_opts ro = o->rec;
	struct sc_recorder_stats st;
	int err;

	if ((err = cgroup__v2_mount(a->mnt, sizeof(a->mnt)))) {
		sc_err("no cgroup v2 hierarchy in /proc/self/mountinfo (%s): the agent needs one "
		       "(pure v2, or hybrid with /sys/fs/cgroup/unified)", strerror(-err));
		return err;
	}
	if (!ro.capacity)
		ro.capacity = host_capacity(a);
	ro.watch_cgroups = true;
	ro.claim_containers = true;
	ro.record_args = !o->args_off;
	a->rec = recorder__open(&ro);
	if (!a->rec)
		return -errno;
	a->args = !o->args_off && recorder__args(a->rec);
	a->c.health.args = a->args;
	if (!recorder__adopted(a->rec))
		a->c.health.args_lost = 0;	/* a new recorder counts from 0 */
	if (!o->args_off && !a->args)
		sc_warn("the %s recorder keeps no argument values (%s): the profiles allow ioctl, socket, clone, "
			"unshare, prctl and personality by name%s", recorder__adopted(a->rec) ? "pinned" : "loaded",
			!strcmp(recorder__attach_name(a->rec), "raw_tp") ? "raw_tp"
									: "pinned with --args off, or by an older syscensus",
			recorder__adopted(a->rec) ? " (`syscensus unload` and start again to keep them)" : "");
	if (!a->c.started)
		a->c.started = now_s();
	snprintf(a->c.health.attach, sizeof(a->c.health.attach), "%s", recorder__attach_name(a->rec));
	a->c.health.capacity = recorder__capacity(a->rec);
	snprintf(a->c.health.pin_dir, sizeof(a->c.health.pin_dir), "%s", ro.pin_dir ? ro.pin_dir : "");
	resume(a);
	if (ro.denials && !recorder__denials(a->rec))
		sc_warn("--denials: the %s recorder does not track denials (`syscensus unload --pin-dir %s` "
			"and start again to add it)", recorder__adopted(a->rec) ? "pinned" : "loaded", ro.pin_dir);
	/* events that arrived while no agent was running, then everything that exists */
	recorder__poll_events(a->rec, 0, on_event, a);
	recorder__stats(a->rec, &st);
	a->events_lost_seen = st.events_lost;
	reconcile(a);
	tick(a);
	return 0;
}

/*
 * The recorder runs: from here on the agent needs few capabilities and few syscalls
 * (census/confine.h). It states what it kept, in the log, the state and status.
 */
static int confine(struct agent *a, const struct sc_agent_opts *o)
{
	struct sc_confinement cf;
	char caps[160], dropped[512];

	if (o->no_confine) {
		snprintf(a->c.health.confinement, sizeof(a->c.health.confinement), "none (--no-confine)");
		return 0;
	}
	if (confine__agent(a->rec, true, &cf)) {
		sc_err("the agent does not run unconfined unless asked: `--no-confine` runs it with every "
		       "capability it was given and no seccomp filter of its own");
		return -EPERM;
	}
	confine__caps_str(cf.kept, caps, sizeof(caps));
	confine__caps_str(cf.dropped, dropped, sizeof(dropped));
	if (cf.filtered)
		snprintf(a->c.health.confinement, sizeof(a->c.health.confinement),
			 "capabilities %s; no_new_privs; seccomp filter of %u syscalls", caps, cf.syscalls);
	else
		snprintf(a->c.health.confinement, sizeof(a->c.health.confinement),
			 "capabilities %s; no_new_privs; no seccomp filter of its own (see the log)", caps);
	sc_debug("dropped capabilities: %s", dropped);
	return 0;
}

static size_t attributed_images(const struct sc_census *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_images; i++)
		n += !c->images[i]->unknown;
	return n;
}

static bool due(const struct timespec *now, const struct timespec *next)
{
	return now->tv_sec > next->tv_sec || (now->tv_sec == next->tv_sec && now->tv_nsec >= next->tv_nsec);
}

/* Events and ticks until a signal. 0, or -errno when events cannot be read. */
static void later(struct timespec *t, unsigned s, const struct timespec *now)
{
	t->tv_sec += s;
	if (t->tv_sec < now->tv_sec)
		*t = *now;	/* the work took longer than the interval */
}

static long ms_until(const struct timespec *t, const struct timespec *now)
{
	return (t->tv_sec - now->tv_sec) * 1000 + (t->tv_nsec - now->tv_nsec) / 1000000;
}

/*
 * Events and ticks until a signal. Between ticks the counters are also read as often
 * as their sums modulo 2^32 need (sc_read_interval_max(): 107 s on 2 CPUs, 1.7 s on 128;
 * the interval, 10 s by default, when it is shorter), so that a long --interval loses
 * nothing to wrap.
 * 0, or -errno when events cannot be read.
 */
static int loop(struct agent *a, unsigned interval)
{
	unsigned read_every = sc_read_interval_max(recorder__ncpus(a->rec));
	struct timespec next, next_read, ts;
	int err;

	if (read_every > interval)
		read_every = interval;
	clock_gettime(CLOCK_MONOTONIC, &next);
	next_read = next;
	next.tv_sec += interval;
	next_read.tv_sec += read_every;
	while (!stop_signal) {
		long wait_ms;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		wait_ms = ms_until(&next, &ts);
		if (ms_until(&next_read, &ts) < wait_ms)
			wait_ms = ms_until(&next_read, &ts);
		if (a->save_soon && wait_ms > 1000 * SAVE_SOON_S - ms_until(&ts, &a->saved_at))
			wait_ms = 1000 * SAVE_SOON_S - ms_until(&ts, &a->saved_at);
		if (wait_ms > 0) {
			err = recorder__poll_events(a->rec, (int)wait_ms, on_event, a);
			if (err < 0 && err != -EINTR) {
				sc_err("cannot read cgroup events: %s", strerror(-err));
				return err;
			}
			clock_gettime(CLOCK_MONOTONIC, &ts);
		}
		if (due(&ts, &next)) {
			tick(a);
			later(&next, interval, &ts);
			next_read = ts;
			later(&next_read, read_every, &ts);
		} else if (due(&ts, &next_read)) {
			fold_live(a);
			later(&next_read, read_every, &ts);
		} else if (a->save_soon && ms_until(&ts, &a->saved_at) >= 1000 * SAVE_SOON_S) {
			/* a new container: its attribution must survive a SIGKILL (with the values read so far) */
			read_args(a);
			write_profiles(a);
			save(a);
		}
	}
	return 0;
}

int agent__run(const struct sc_agent_opts *o)
{
	static const int sigs[] = { SIGTERM, SIGINT, 0 }, pipe[] = { SIGPIPE, 0 };
	struct agent a = { .roots = &o->roots, .lock_fd = -1, .journal_fd = -1 };
	struct sc_map_mem mem[SC_RECORDER_MAPS];
	int ret = SC_EXIT_FAIL;

	if (confine__check_start() || open_state(&a, o))
		goto out;
	a.buf = calloc(1, sizeof(*a.buf));
	if (!a.buf) {
		sc_err("out of memory");
		goto out;
	}
	if (sc_set_signals(on_signal, sigs) || sc_set_signals(SIG_IGN, pipe)) {
		sc_err("cannot set up signal handling: %s", strerror(errno));
		goto out;
	}
	/* bound before anything is loaded (a port in use leaves nothing pinned), served once confined */
	if (o->metrics && !(a.srv = server__bind("--metrics", o->metrics, 3 * o->interval + SC_SERVE_TIMEOUT_S)))
		goto out;
	if (open_recorder(&a, o) || confine(&a, o) || (a.srv && server__run(a.srv, "--metrics", o->metrics)))
		goto out;
	sc_info("agent %s (%s%s%s, %u cgroup slots%s, %.1f MiB of BPF maps), %zu cgroups tracked, %zu images; "
		"profiles in %s, every %us%s%s; confinement: %s",
		recorder__adopted(a.rec) ? "resumed the pinned recorder" : "started", recorder__attach_name(a.rec),
		recorder__denials(a.rec) ? ", denials" : "", a.args ? ", argument values" : "", recorder__capacity(a.rec),
		o->rec.capacity || recorder__adopted(a.rec) ? "" : " for the containers running now",
		recorder__memory(a.rec, mem) / 1048576.0, a.c.n_live, attributed_images(&a.c), a.profiles_dir,
		o->interval, o->metrics ? "; metrics on " : "", o->metrics ? o->metrics : "", a.c.health.confinement);
	loop(&a, o->interval);
	/* a signal or an error: everything counted so far goes to disk */
	recorder__poll_events(a.rec, 0, on_event, &a);
	tick(&a);
	sc_info("agent stopped (%s): %zu images; the recorder stays pinned in %s",
		stop_signal ? strsignal(stop_signal) : "error", attributed_images(&a.c), o->rec.pin_dir);
	ret = stop_signal ? SC_EXIT_OK : SC_EXIT_FAIL;
out:
	server__stop(a.srv);
	recorder__destroy(a.rec);
	confine__refusals();	/* what the filter refused on the way out is said too */
	census__free(&a.c);
	runtime__cleanup();
	free(a.buf);
	free(a.args_read);
	if (a.lock_fd >= 0)
		close(a.lock_fd);
	journal_free(&a);	/* the file stays: only a save empties it */
	if (a.journal_fd >= 0)
		close(a.journal_fd);
	return ret;
}
