// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The census shown: containers and images seen, syscalls per image (what its profile
 * is made of, and what only the runtime's setup did), last activity, denials, and the
 * health of the recorder and of the state.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <unistd.h>

#include "census/status.h"
#include "lib/json.h"
#include "lib/paths.h"
#include "lib/util.h"
#include "seccomp/filename.h"
#include "seccomp/filter.h"
#include "seccomp/syscalls.h"

void status__probe_agent(struct sc_status_src *src)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	src->running = false;
	src->pid[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/" SC_LOCK_FILE, src->state_dir) >= sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		src->running = true;
		n = pread(fd, src->pid, sizeof(src->pid) - 1, 0);
		src->pid[n > 0 ? n : 0] = '\0';
		src->pid[strcspn(src->pid, "\n")] = '\0';
	}
	close(fd);
}

static const char *abi_arch(int abi)
{
	const struct sc_arch *a = arch_of_abi(abi);

	return a ? a->docker : "?";
}

cJSON *denial__json(const struct sc_denial *d)
{
	cJSON *o = cJSON_CreateObject();
	char v[48], nb[16], t[32];

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "syscall", syscall_label(d->abi, d->nr, nb, sizeof(nb)));
	cJSON_AddStringToObject(o, "arch", abi_arch(d->abi));
	action_str(d->ret, v, sizeof(v));
	cJSON_AddStringToObject(o, "action", v);
	cJSON_AddItemToObject(o, "count", json_u64_node(d->count));
	sc_fmt_time(d->first, t, sizeof(t));
	cJSON_AddStringToObject(o, "first_seen", t);
	sc_fmt_time(d->last, t, sizeof(t));
	cJSON_AddStringToObject(o, "last_seen", t);
	cJSON_AddStringToObject(o, "container", d->ctr);
	cJSON_AddStringToObject(o, "profile", d->profile);
	return o;
}

/* How many syscalls @img's profile allows (the calls seen, and those every profile adds). */
static size_t profile_names(const struct sc_image *img)
{
	const char *note;
	cJSON *doc = image__profile(img, &note), *r, *x;
	size_t n = 0;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "syscalls")) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");

		if (cJSON_IsString(act) && !strcmp(act->valuestring, "SCMP_ACT_ALLOW"))
			cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r, "names"))
				n++;
	}
	cJSON_Delete(doc);
	return n;
}

/* A call made only before the filter by an image seen confined: the runtime's setup. */
static bool setup_only(const struct sc_image *img, int phase, const struct sc_vent *e)
{
	uint16_t filtered = SC_KEY(SC_FILTERED, SC_KEY_ABI(e->key), SC_KEY_NR(e->key));

	return !sc_vent_in_phase(e, phase) && !vec_get((struct sc_vec *)&img->calls, filtered, false);
}

static cJSON *agent_json(const struct sc_census *c, const struct sc_status_src *src)
{
	cJSON *ag = cJSON_CreateObject();
	char t[32];

	if (!ag)
		return NULL;
	cJSON_AddBoolToObject(ag, "running", src->running);
	if (src->running && src->pid[0])
		cJSON_AddStringToObject(ag, "pid", src->pid);
	cJSON_AddStringToObject(ag, "state_dir", src->state_dir);
	sc_fmt_time(c->started, t, sizeof(t));
	cJSON_AddStringToObject(ag, "started", t);
	sc_fmt_time(c->saved, t, sizeof(t));
	cJSON_AddStringToObject(ag, "saved", t);
	return ag;
}

static cJSON *recorder_json(const struct sc_census *c)
{
	cJSON *rec = cJSON_CreateObject();

	if (!rec)
		return NULL;
	cJSON_AddStringToObject(rec, "attach", c->health.attach);
	cJSON_AddItemToObject(rec, "capacity", json_u64_node(c->health.capacity));
	cJSON_AddItemToObject(rec, "tracked", json_u64_node(c->n_live));
	cJSON_AddItemToObject(rec, "table_full", json_u64_node(c->health.table_full));
	cJSON_AddItemToObject(rec, "events_lost", json_u64_node(c->health.events_lost));
	cJSON_AddItemToObject(rec, "untracked", json_u64_node(c->health.untracked));
	cJSON_AddBoolToObject(rec, "denials", c->health.denials);
	cJSON_AddStringToObject(rec, "confinement", c->health.confinement);
	cJSON_AddItemToObject(rec, "self_refused", json_u64_node(c->health.self_refused));
	cJSON_AddItemToObject(rec, "denied_lost", json_u64_node(c->health.denied_lost));
	cJSON_AddBoolToObject(rec, "stats_enabled", c->health.stats_enabled);
	cJSON_AddItemToObject(rec, "enter_run_ns", json_u64_node(c->health.enter_ns));
	cJSON_AddItemToObject(rec, "enter_runs", json_u64_node(c->health.enter_runs));
	cJSON_AddItemToObject(rec, "deny_run_ns", json_u64_node(c->health.deny_ns));
	cJSON_AddItemToObject(rec, "deny_runs", json_u64_node(c->health.deny_runs));
	return rec;
}

static cJSON *containers_json(const struct sc_image *img)
{
	cJSON *a = cJSON_CreateArray();
	char t[32];

	for (size_t k = 0; a && k < img->n_ctrs; k++) {
		cJSON *ct = cJSON_CreateObject();

		if (!cJSON_AddItemToArray(a, ct))
			break;
		cJSON_AddStringToObject(ct, "id", img->ctrs[k].id);
		if (img->ctrs[k].name)
			cJSON_AddStringToObject(ct, "name", img->ctrs[k].name);
		sc_fmt_time(img->ctrs[k].first, t, sizeof(t));
		cJSON_AddStringToObject(ct, "first_seen", t);
		sc_fmt_time(img->ctrs[k].last, t, sizeof(t));
		cJSON_AddStringToObject(ct, "last_activity", t);
		if (img->ctrs[k].pod.name)
			cJSON_AddItemToObject(ct, "pod", pod__json(&img->ctrs[k].pod));
	}
	return a;
}

/* One call into "syscalls" (in the profile) or "setup_only", per ABI, by name. */
static void call_json(cJSON *sys, cJSON *setup, const struct sc_image *img, int phase, const struct sc_vent *e)
{
	bool in = sc_vent_in_phase(e, phase);
	const char *abi = arch_of_abi(SC_KEY_ABI(e->key)) ? arch_of_abi(SC_KEY_ABI(e->key))->docker : "compat";
	char nb[16], t[32];
	const char *nm = syscall_label(SC_KEY_ABI(e->key), SC_KEY_NR(e->key), nb, sizeof(nb));
	cJSON *per, *ent, *prev;
	uint64_t v = 0;

	if (!in && !setup_only(img, phase, e))
		return;
	per = cJSON_GetObjectItemCaseSensitive(in ? sys : setup, abi);
	if (!per && !(per = cJSON_AddObjectToObject(in ? sys : setup, abi)))
		return;
	if ((prev = cJSON_GetObjectItemCaseSensitive(per, nm))) {
		/* unconfined image: both phases of one syscall, summed */
		json_u64(cJSON_GetObjectItemCaseSensitive(prev, "count"), &v);
		cJSON_ReplaceItemInObjectCaseSensitive(prev, "count", json_u64_node(v + e->count));
		return;
	}
	if (!(ent = cJSON_AddObjectToObject(per, nm)))
		return;
	cJSON_AddItemToObject(ent, "count", json_u64_node(e->count));
	sc_fmt_time(e->first, t, sizeof(t));
	cJSON_AddStringToObject(ent, "first_seen", t);
	sc_fmt_time(e->last, t, sizeof(t));
	cJSON_AddStringToObject(ent, "last_seen", t);
}

static cJSON *image_json(const struct sc_image *img, const char *profiles_dir)
{
	int phase = image__profile_phase(img);
	char name[SC_NAME_MAX], path[PATH_MAX + SC_NAME_MAX + 8], t[32];
	cJSON *o = cJSON_CreateObject(), *a, *sys, *setup;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "image", img->key);
	cJSON_AddBoolToObject(o, "unknown", img->unknown);
	if (img->cgpath)
		cJSON_AddStringToObject(o, "cgroup_path", img->cgpath);
	image_file_name(img->key, name);
	if (!img->unknown && profiles_dir && (size_t)snprintf(path, sizeof(path), "%s/%s.json", profiles_dir, name) < sizeof(path))
		cJSON_AddStringToObject(o, "profile", path);
	cJSON_AddBoolToObject(o, "confined", phase == SC_FILTERED);
	if (img->incomplete)
		cJSON_AddStringToObject(o, "incomplete", img->incomplete);
	a = cJSON_AddArrayToObject(o, "image_ids");
	for (size_t k = 0; a && k < img->n_ids; k++)
		cJSON_AddItemToArray(a, cJSON_CreateString(img->ids[k]));
	/* the other names of its current id: the same profile is written under each */
	if (img->n_aliases && (a = cJSON_AddArrayToObject(o, "aliases")))
		for (size_t k = 0; k < img->n_aliases; k++)
			cJSON_AddItemToArray(a, cJSON_CreateString(img->aliases[k]));
	/* argument values: how many kept, and why the six syscalls are allowed by name when they are */
	cJSON_AddItemToObject(o, "argument_values", json_u64_node(img->n_argv));
	cJSON_AddBoolToObject(o, "argument_values_partial", img->args_partial);
	cJSON_AddItemToObject(o, "argument_values_lost", json_u64_node(img->args_lost));
	sc_fmt_time(img->first, t, sizeof(t));
	cJSON_AddStringToObject(o, "first_seen", t);
	sc_fmt_time(img->last, t, sizeof(t));
	cJSON_AddStringToObject(o, "last_activity", t);
	cJSON_AddItemToObject(o, "containers_total", json_u64_node(img->ctrs_total));
	cJSON_AddItemToObject(o, "exec_sessions", json_u64_node(img->exec_sessions));
	sc_fmt_time(img->last_exec, t, sizeof(t));
	cJSON_AddStringToObject(o, "last_exec", t);
	if (img->nodes)
		cJSON_AddNumberToObject(o, "nodes", img->nodes);
	/* how much the profile rests on: how long observed, and since when its set has not grown */
	cJSON_AddItemToObject(o, "observed_seconds", json_u64_node(img->last > img->first ? img->last - img->first : 0));
	sc_fmt_time(image__last_new(img), t, sizeof(t));
	cJSON_AddStringToObject(o, "last_new_syscall", t);
	cJSON_AddItemToObject(o, "profile_syscalls", json_u64_node(profile_names(img)));
	a = cJSON_AddArrayToObject(o, "modes_seen");
	if (a && (img->modes & SC_MODE_NNP))
		cJSON_AddItemToArray(a, cJSON_CreateString("no-new-privileges"));
	if (a && (img->modes & SC_MODE_PRIV))
		cJSON_AddItemToArray(a, cJSON_CreateString("privileges"));
	/* syscalls without a counter of their own: their counts are lower bounds, these calls their rest */
	cJSON_AddItemToObject(o, "uncounted_calls", json_u64_node(img->uncounted));
	cJSON_AddItemToObject(o, "untabled_syscalls", json_u64_node(img->untabled_keys));
	cJSON_AddItemToObject(o, "containers", containers_json(img));
	a = cJSON_AddArrayToObject(o, "denied");
	for (size_t k = 0; a && k < img->n_denied; k++)
		cJSON_AddItemToArray(a, denial__json(&img->denied[k]));
	/* what the profile is made of, per ABI; and what only the runtime's setup did */
	sys = cJSON_AddObjectToObject(o, "syscalls");
	setup = cJSON_AddObjectToObject(o, "setup_only");
	for (size_t k = 0; sys && setup && k < img->calls.n; k++)
		call_json(sys, setup, img, phase, &img->calls.e[k]);
	return o;
}

cJSON *status__json(const struct sc_census *c, const struct sc_status_src *src)
{
	cJSON *doc = cJSON_CreateObject(), *imgs;

	if (!doc)
		return NULL;
	if (src->prometheus) {
		cJSON *cl = cJSON_AddObjectToObject(doc, "cluster");

		cJSON_AddStringToObject(cl, "prometheus", src->prometheus);
		cJSON_AddStringToObject(cl, "window", src->window);
		cJSON_AddNumberToObject(cl, "nodes", c->nodes);
	} else {
		cJSON_AddItemToObject(doc, "agent", agent_json(c, src));
		cJSON_AddItemToObject(doc, "recorder", recorder_json(c));
	}
	imgs = cJSON_AddArrayToObject(doc, "images");
	for (size_t i = 0; imgs && i < c->n_images; i++)
		cJSON_AddItemToArray(imgs, image_json(c->images[i], src->profiles_dir));
	return doc;
}

/* ---- text ---- */

struct img_sum {
	unsigned distinct, setup_only;
	uint64_t calls;
};

static struct img_sum summarize(const struct sc_image *img)
{
	int phase = image__profile_phase(img);
	struct img_sum s = {};

	for (size_t i = 0; i < img->calls.n; i++) {
		const struct sc_vent *e = &img->calls.e[i];

		if (sc_vent_in_phase(e, phase)) {
			s.distinct++;
			s.calls += e->count;
		} else if (setup_only(img, phase, e)) {
			s.setup_only++;
		}
	}
	return s;
}

static void image_notes(const struct sc_image *img, const struct img_sum *s, struct sc_buf *b)
{
	char conf[160];

	image__confidence(img, time(NULL), conf, sizeof(conf));
	sc_buf_printf(b, "%s; ", conf);
	if (image__profile_phase(img) != SC_FILTERED)
		sc_buf_printf(b, "never under a filter (runtime setup included); ");
	/* the other mode's runtime calls then come from the table, not from observation */
	else if (img->modes == SC_MODE_NNP)
		sc_buf_printf(b, "only seen with no-new-privileges; ");
	else if (img->modes == SC_MODE_PRIV)
		sc_buf_printf(b, "never seen with no-new-privileges; ");
	if (s->setup_only)
		sc_buf_printf(b, "%u setup-only excluded; ", s->setup_only);
	if (img->n_denied)
		sc_buf_printf(b, "%zu syscalls DENIED by its filter; ", img->n_denied);
	if (img->untabled_keys)
		sc_buf_printf(b, "%llu calls of %llu syscalls counted together (lower bounds); ",
			      (unsigned long long)img->uncounted, (unsigned long long)img->untabled_keys);
	else if (img->uncounted)	/* the cluster view: how many syscalls is not exported */
		sc_buf_printf(b, "%llu calls counted together (per-syscall counts are lower bounds); ",
			      (unsigned long long)img->uncounted);
	if (img->n_aliases) {
		sc_buf_printf(b, "same image id as ");
		for (size_t k = 0; k < img->n_aliases; k++)
			sc_buf_printf(b, "%s%s", k ? ", " : "", img->aliases[k]);
		sc_buf_printf(b, " (one profile, written under each name); ");
	}
	if (img->incomplete)
		sc_buf_printf(b, "INCOMPLETE: %s", img->incomplete);
	if (b->len >= 2 && !strcmp(b->data + b->len - 2, "; "))
		b->data[b->len -= 2] = '\0';
}

static void print_images(const struct sc_census *c)
{
	char t[32];

	/* SYSCALLS: observed; PROFILE: what its profile allows (the always-allowed and companion calls added) */
	printf("\n%-40s %10s %8s %7s %12s %-20s %s\n", "IMAGE", "CONTAINERS", "SYSCALLS", "PROFILE", "CALLS",
	       "LAST ACTIVITY", "NOTES");
	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];
		struct img_sum s;
		struct sc_buf notes = {};

		if (img->unknown)
			continue;
		s = summarize(img);
		image_notes(img, &s, &notes);
		sc_fmt_time(img->last, t, sizeof(t));
		printf("%-40s %10llu %8u %7zu %12llu %-20s %s\n", img->key, (unsigned long long)img->ctrs_total,
		       s.distinct, profile_names(img), (unsigned long long)s.calls, t, notes.data ? notes.data : "");
		sc_buf_free(&notes);
	}
}

static void print_denials(const struct sc_census *c)
{
	size_t hdr = 0;

	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];

		for (size_t k = 0; k < img->n_denied; k++) {
			const struct sc_denial *d = &img->denied[k];
			char v[48], nb[16], t[32], t0[32];

			if (!hdr++)
				printf("\ndenied by the enforced filter (IMAGE SYSCALL ABI ACTION CALLS CONTAINER PROFILE "
				       "FIRST LAST; PROFILE: the enforced profile's SHA-256, first 12 digits):\n");
			action_str(d->ret, v, sizeof(v));
			sc_fmt_time(d->first, t0, sizeof(t0));
			sc_fmt_time(d->last, t, sizeof(t));
			printf("  %-40s %-18s %-18s %-24s %8llu %-12s %-12s %s %s\n", img->key,
			       syscall_label(d->abi, d->nr, nb, sizeof(nb)), abi_arch(d->abi), v,
			       (unsigned long long)d->count, d->ctr[0] ? d->ctr : "-", d->profile[0] ? d->profile : "-", t0, t);
		}
	}
	if (!c->health.denials)
		printf("\n(denials are not recorded: start the agent with --denials to see what filters refuse)\n");
}

static void print_unknown(const struct sc_census *c)
{
	unsigned n = 0;
	char t[32];

	for (size_t i = 0; i < c->n_images; i++)
		n += c->images[i]->unknown;
	if (!n)
		return;
	printf("\nnot attributed to a container (%u cgroups, kept as unknown/<cgroup id>):\n", n);
	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];
		struct img_sum s;

		if (!img->unknown)
			continue;
		s = summarize(img);
		sc_fmt_time(img->last, t, sizeof(t));
		printf("  %-24s %-40s %4u syscalls %12llu calls, last %s\n", img->key,
		       !strcmp(img->key, SC_POD_SANDBOXES) ? "(pods' sandbox containers: not profiled)" :
		       img->cgpath ? img->cgpath : "?",
		       s.distinct, (unsigned long long)s.calls, t);
	}
}

/* The containers that are pods', one line each. */
static void print_pods(const struct sc_census *c)
{
	size_t hdr = 0;

	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];

		for (size_t k = 0; k < img->n_ctrs; k++) {
			const struct sc_container *ct = &img->ctrs[k];

			if (!ct->pod.name || img->unknown)
				continue;
			if (!hdr++)
				printf("\n%-20s %-40s %-20s %-40s %s\n", "NAMESPACE", "POD", "CONTAINER", "IMAGE",
				       "WORKLOAD (inferred from the pod name)");
			char ns[256], pod[300], cn[256], im[600], wl[300];

			/* names from the runtimes: one printable line each */
			printf("%-20s %-40s %-20s %-40s %s\n", ct->pod.ns ? sc_inline_name(ct->pod.ns, ns, sizeof(ns)) : "-",
			       sc_inline_name(ct->pod.name, pod, sizeof(pod)),
			       ct->name ? sc_inline_name(ct->name, cn, sizeof(cn)) : "-", sc_inline_name(img->key, im, sizeof(im)),
			       ct->pod.workload ? sc_inline_name(ct->pod.workload, wl, sizeof(wl)) : "-");
		}
	}
}

/* A workload: pods of one namespace that one controller made (or one pod, when none shows). */
struct workload {
	const char *ns, *name;	/* name: "Kind/name", "name", or "pod/<pod name>" when no owner shows */
	bool bare_pod;
	const struct sc_image *imgs[16];
	size_t n_imgs;
	size_t ctrs;
	const char *pods[64];
	size_t n_pods;
	bool more_imgs, more_pods;	/* the lists above are full: there are others */
};

struct workloads {
	struct workload *v;
	size_t n, cap;
};

static int add_to_workload(struct workloads *w, const struct sc_image *img, const struct sc_container *ct)
{
	const char *ns = ct->pod.ns ? ct->pod.ns : "", *name = ct->pod.workload ? ct->pod.workload : ct->pod.name;
	struct workload *x = NULL;
	size_t k;

	for (size_t i = 0; i < w->n && !x; i++)
		if (!strcmp(w->v[i].ns, ns) && !strcmp(w->v[i].name, name) && w->v[i].bare_pod == !ct->pod.workload)
			x = &w->v[i];
	if (!x) {
		if (!(x = sc_grow(w->v, &w->cap, w->n, sizeof(*w->v), 8)))
			return -ENOMEM;
		w->v = x;
		x = &w->v[w->n++];
		memset(x, 0, sizeof(*x));
		x->ns = ns;
		x->name = name;
		x->bare_pod = !ct->pod.workload;
	}
	x->ctrs++;
	for (k = 0; k < x->n_imgs && x->imgs[k] != img; k++)
		;
	if (k == x->n_imgs && k < ARRAY_SIZE(x->imgs))
		x->imgs[x->n_imgs++] = img;
	else if (k == x->n_imgs)
		x->more_imgs = true;
	for (k = 0; k < x->n_pods && strcmp(x->pods[k], ct->pod.name); k++)
		;
	if (k == x->n_pods && k < ARRAY_SIZE(x->pods))
		x->pods[x->n_pods++] = ct->pod.name;
	else if (k == x->n_pods)
		x->more_pods = true;
	return 0;
}

static int cmp_workload(const void *a, const void *b)
{
	const struct workload *x = a, *y = b;
	int d = strcmp(x->ns, y->ns);

	if (!d)
		d = strcmp(x->name, y->name);
	return d ? d : (int)x->bare_pod - (int)y->bare_pod;
}

/* Every attributed container with a pod, grouped by namespace and workload, sorted. */
static int collect_workloads(const struct sc_census *c, struct workloads *w)
{
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < c->n_images; i++)
		for (size_t k = 0; !c->images[i]->unknown && k < c->images[i]->n_ctrs; k++)
			if (c->images[i]->ctrs[k].pod.name && add_to_workload(w, c->images[i], &c->images[i]->ctrs[k])) {
				free(w->v);
				memset(w, 0, sizeof(*w));
				return -ENOMEM;
			}
	if (w->n)
		qsort(w->v, w->n, sizeof(*w->v), cmp_workload);
	return 0;
}

cJSON *status__workloads_json(const struct sc_census *c)
{
	struct workloads w;
	cJSON *arr;

	if (collect_workloads(c, &w) || !(arr = cJSON_CreateArray())) {
		free(w.v);
		return NULL;
	}
	for (size_t i = 0; i < w.n; i++) {
		cJSON *o = cJSON_CreateObject(), *imgs, *pods;

		if (!cJSON_AddItemToArray(arr, o))
			break;
		cJSON_AddStringToObject(o, "namespace", w.v[i].ns);
		cJSON_AddStringToObject(o, w.v[i].bare_pod ? "pod" : "workload", w.v[i].name);
		cJSON_AddBoolToObject(o, "inferred", !w.v[i].bare_pod);
		cJSON_AddNumberToObject(o, "containers", (double)w.v[i].ctrs);
		imgs = cJSON_AddArrayToObject(o, "images");
		for (size_t k = 0; imgs && k < w.v[i].n_imgs; k++)
			cJSON_AddItemToArray(imgs, cJSON_CreateString(w.v[i].imgs[k]->key));
		pods = cJSON_AddArrayToObject(o, "pods");
		for (size_t k = 0; pods && k < w.v[i].n_pods; k++)
			cJSON_AddItemToArray(pods, cJSON_CreateString(w.v[i].pods[k]));
		if (w.v[i].more_pods || w.v[i].more_imgs)
			cJSON_AddBoolToObject(o, "truncated", true);	/* more pods or images than listed */
	}
	free(w.v);
	return arr;
}

int status__print_workloads(const struct sc_census *c)
{
	struct workloads w;

	if (collect_workloads(c, &w)) {
		sc_err("out of memory grouping the pods by workload");
		return -ENOMEM;
	}
	if (!w.n) {
		printf("no container of a Kubernetes pod was seen (pods are named from the CRI runtimes' "
		       "annotations: containerd's CRI plugin, CRI-O, cri-dockerd)\n");
		return 0;
	}
	printf("%-20s %-40s %6s %10s %s\n", "NAMESPACE", "WORKLOAD (inferred from pod names)", "PODS", "CONTAINERS",
	       "IMAGES (one profile each)");
	for (size_t i = 0; i < w.n; i++) {
		char name[300], safe[300], ns[300], pods[16];

		snprintf(name, sizeof(name), "%s%s", w.v[i].bare_pod ? "pod/" : "", w.v[i].name);
		snprintf(pods, sizeof(pods), "%zu%s", w.v[i].n_pods, w.v[i].more_pods ? "+" : "");
		printf("%-20s %-40s %6s %10zu", w.v[i].ns[0] ? sc_inline_name(w.v[i].ns, ns, sizeof(ns)) : "-",
		       sc_inline_name(name, safe, sizeof(safe)), pods, w.v[i].ctrs);
		for (size_t k = 0; k < w.v[i].n_imgs; k++)
			printf("%s%s", k ? ", " : " ", sc_inline_name(w.v[i].imgs[k]->key, safe, sizeof(safe)));
		printf("%s\n", w.v[i].more_imgs ? ", ..." : "");
	}
	free(w.v);
	return 0;
}

/* The recorder's own cost, as the kernel timed it. */
static void print_cost(const struct sc_census *c)
{
	const struct sc_health *h = &c->health;

	if (!h->enter_runs) {
		printf("recorder cost: not measured (sysctl kernel.bpf_stats_enabled=1 makes the kernel time "
		       "its programs)\n");
		return;
	}
	printf("recorder cost: %.1f ns per syscall over %llu syscalls (kernel BPF statistics%s)",
	       (double)h->enter_ns / h->enter_runs, (unsigned long long)h->enter_runs,
	       h->stats_enabled ? "" : ", now off: the figure is from while they were on");
	if (h->deny_runs)
		printf("; denials: %.1f ns per syscall exit", (double)h->deny_ns / h->deny_runs);
	printf("\n");
}

void status__print(const struct sc_census *c, const struct sc_status_src *src)
{
	char t[32];

	if (src->prometheus) {
		printf("cluster: %u node%s reported to %s in the last %s\n", c->nodes, c->nodes == 1 ? "" : "s",
		       src->prometheus, src->window);
		print_images(c);
		print_denials(c);
		return;
	}
	sc_fmt_time(c->saved, t, sizeof(t));
	printf("agent: %s%s; state %s saved %s\n", src->running ? "running, pid " : "not running",
	       src->running ? src->pid : "", src->state_file, t);
	printf("recorder: %s, %zu of %u cgroup slots in use, %llu cgroups not counted (table full), "
	       "%llu events lost\n", c->health.attach[0] ? c->health.attach : "?", c->n_live,
	       c->health.capacity, (unsigned long long)(c->health.table_full + c->health.untracked),
	       (unsigned long long)c->health.events_lost);
	printf("argument values: %s", c->health.args ? "kept (ioctl, socket, clone, unshare, prctl, personality)"
						       : "not kept: the profiles allow those six syscalls by name");
	if (c->health.args_lost)
		printf(", %llu found the map full", (unsigned long long)c->health.args_lost);
	printf("\n");
	if (c->health.confinement[0])
		printf("confinement: %s; %llu calls refused by it%s\n", c->health.confinement,
		       (unsigned long long)c->health.self_refused,
		       c->health.self_refused ? " (the agent's log names them)" : "");
	print_cost(c);
	print_images(c);
	print_pods(c);
	print_denials(c);
	print_unknown(c);
}
