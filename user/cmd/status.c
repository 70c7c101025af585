// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus status: what the agent knows, from its state file: containers and images
 * seen, syscalls per image, last activity, health of the recorder and of the state.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "census/census.h"
#include "cmd/cmds.h"
#include "lib/json.h"
#include "seccomp/filename.h"
#include "seccomp/syscalls.h"
#include "lib/util.h"
#include "seccomp/filter.h"

/* Whether an agent holds the state directory's lock, and its pid. */
static bool agent_running(const char *dir, char *pid, size_t len)
{
	char path[PATH_MAX];
	bool running = false;
	ssize_t n;
	int fd;

	pid[0] = '\0';
	snprintf(path, sizeof(path), "%s/agent.lock", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		running = true;
		n = pread(fd, pid, len - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
	}
	close(fd);
	return running;
}

struct img_sum {
	unsigned distinct, setup_only;
	uint64_t calls;
};

static struct img_sum summarize(const struct sc_image *img)
{
	bool confined = !img->unknown && image__confined(img);
	struct img_sum s = {};

	for (size_t i = 0; i < img->calls.n; i++) {
		const struct sc_vent *e = &img->calls.e[i];
		bool in = !confined || SC_KEY_PHASE(e->key) == SC_FILTERED;

		if (in) {
			s.distinct++;
			s.calls += e->count;
		} else if (!vec_get((struct sc_vec *)&img->calls, SC_KEY(SC_FILTERED, SC_KEY_ABI(e->key),
									 SC_KEY_NR(e->key)), false)) {
			s.setup_only++;
		}
	}
	return s;
}

/* The status as JSON: names instead of numbers, times as ISO 8601. */
static cJSON *status_json(const struct sc_census *c, const char *dir, bool running, const char *pid,
			  const char *profiles_dir)
{
	cJSON *doc = cJSON_CreateObject(), *ag, *rec, *imgs;
	char t[32], nb[16];

	if (!doc)
		return NULL;
	ag = cJSON_AddObjectToObject(doc, "agent");
	cJSON_AddBoolToObject(ag, "running", running);
	if (running && pid[0])
		cJSON_AddStringToObject(ag, "pid", pid);
	cJSON_AddStringToObject(ag, "state_dir", dir);
	sc_fmt_time(c->started, t, sizeof(t));
	cJSON_AddStringToObject(ag, "started", t);
	sc_fmt_time(c->saved, t, sizeof(t));
	cJSON_AddStringToObject(ag, "saved", t);
	rec = cJSON_AddObjectToObject(doc, "recorder");
	cJSON_AddStringToObject(rec, "attach", c->health.attach);
	cJSON_AddItemToObject(rec, "capacity", json_u64_node(c->health.capacity));
	cJSON_AddItemToObject(rec, "tracked", json_u64_node(c->n_live));
	cJSON_AddItemToObject(rec, "table_full", json_u64_node(c->health.table_full));
	cJSON_AddItemToObject(rec, "events_lost", json_u64_node(c->health.events_lost));
	cJSON_AddItemToObject(rec, "untracked", json_u64_node(c->health.untracked));
	cJSON_AddBoolToObject(rec, "denials", c->health.denials);
	cJSON_AddItemToObject(rec, "denied_lost", json_u64_node(c->health.denied_lost));
	imgs = cJSON_AddArrayToObject(doc, "images");
	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];
		bool confined = !img->unknown && image__confined(img);
		char name[SC_NAME_MAX], path[PATH_MAX + SC_NAME_MAX + 8];
		cJSON *o = cJSON_CreateObject(), *a, *sys, *setup;

		if (!o)
			break;
		cJSON_AddItemToArray(imgs, o);
		cJSON_AddStringToObject(o, "image", img->key);
		cJSON_AddBoolToObject(o, "unknown", img->unknown);
		if (img->cgpath)
			cJSON_AddStringToObject(o, "cgroup_path", img->cgpath);
		if (!img->unknown) {
			image_file_name(img->key, name);
			if ((size_t)snprintf(path, sizeof(path), "%s/%s.json", profiles_dir, name) < sizeof(path))
				cJSON_AddStringToObject(o, "profile", path);
		}
		cJSON_AddBoolToObject(o, "confined", confined);
		if (img->incomplete)
			cJSON_AddStringToObject(o, "incomplete", img->incomplete);
		a = cJSON_AddArrayToObject(o, "image_ids");
		for (size_t k = 0; k < img->n_ids; k++)
			cJSON_AddItemToArray(a, cJSON_CreateString(img->ids[k]));
		sc_fmt_time(img->first, t, sizeof(t));
		cJSON_AddStringToObject(o, "first_seen", t);
		sc_fmt_time(img->last, t, sizeof(t));
		cJSON_AddStringToObject(o, "last_activity", t);
		cJSON_AddItemToObject(o, "containers_total", json_u64_node(img->ctrs_total));
		a = cJSON_AddArrayToObject(o, "containers");
		for (size_t k = 0; k < img->n_ctrs; k++) {
			cJSON *ct = cJSON_CreateObject();

			cJSON_AddItemToArray(a, ct);
			cJSON_AddStringToObject(ct, "id", img->ctrs[k].id);
			if (img->ctrs[k].name)
				cJSON_AddStringToObject(ct, "name", img->ctrs[k].name);
			sc_fmt_time(img->ctrs[k].first, t, sizeof(t));
			cJSON_AddStringToObject(ct, "first_seen", t);
			sc_fmt_time(img->ctrs[k].last, t, sizeof(t));
			cJSON_AddStringToObject(ct, "last_activity", t);
		}
		a = cJSON_AddArrayToObject(o, "denied");
		for (size_t k = 0; k < img->n_denied; k++) {
			const struct sc_denial *d = &img->denied[k];
			cJSON *dj = cJSON_CreateObject();
			char v[48], nb[16];

			cJSON_AddItemToArray(a, dj);
			cJSON_AddStringToObject(dj, "syscall", syscall_label(d->abi, d->nr, nb, sizeof(nb)));
			cJSON_AddStringToObject(dj, "arch", arch_of_abi(d->abi) ? arch_of_abi(d->abi)->docker : "?");
			action_str(d->ret, v, sizeof(v));
			cJSON_AddStringToObject(dj, "action", v);
			cJSON_AddItemToObject(dj, "count", json_u64_node(d->count));
			sc_fmt_time(d->first, t, sizeof(t));
			cJSON_AddStringToObject(dj, "first_seen", t);
			sc_fmt_time(d->last, t, sizeof(t));
			cJSON_AddStringToObject(dj, "last_seen", t);
		}
		/* what the profile is made of, per ABI; and what only the runtime's setup did */
		sys = cJSON_AddObjectToObject(o, "syscalls");
		setup = cJSON_AddObjectToObject(o, "setup_only");
		for (size_t k = 0; k < img->calls.n; k++) {
			const struct sc_vent *e = &img->calls.e[k];
			const struct sc_arch *arch = arch_of_abi(SC_KEY_ABI(e->key));
			const char *abi = arch ? arch->docker : "compat";
			bool in = !confined || SC_KEY_PHASE(e->key) == SC_FILTERED;
			cJSON *per, *ent, *prev;
			const char *nm = syscall_label(SC_KEY_ABI(e->key), SC_KEY_NR(e->key), nb, sizeof(nb));

			if (!in && vec_get((struct sc_vec *)&img->calls,
					   SC_KEY(SC_FILTERED, SC_KEY_ABI(e->key), SC_KEY_NR(e->key)), false))
				continue;
			per = cJSON_GetObjectItemCaseSensitive(in ? sys : setup, abi);
			if (!per)
				per = cJSON_AddObjectToObject(in ? sys : setup, abi);
			if ((prev = cJSON_GetObjectItemCaseSensitive(per, nm))) {
				/* unconfined image: both phases of one syscall, summed */
				uint64_t v = 0;

				json_u64(cJSON_GetObjectItemCaseSensitive(prev, "count"), &v);
				cJSON_ReplaceItemInObjectCaseSensitive(prev, "count", json_u64_node(v + e->count));
				continue;
			}
			ent = cJSON_AddObjectToObject(per, nm);
			cJSON_AddItemToObject(ent, "count", json_u64_node(e->count));
			sc_fmt_time(e->first, t, sizeof(t));
			cJSON_AddStringToObject(ent, "first_seen", t);
			sc_fmt_time(e->last, t, sizeof(t));
			cJSON_AddStringToObject(ent, "last_seen", t);
		}
	}
	return doc;
}

static int cmp_image(const void *a, const void *b)
{
	const struct sc_image *x = *(struct sc_image *const *)a, *y = *(struct sc_image *const *)b;

	if (x->unknown != y->unknown)
		return x->unknown - y->unknown;
	return strcmp(x->key, y->key);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "profiles-dir", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *dir = "/var/lib/syscensus", *profiles_dir = NULL;
	char state[PATH_MAX], pdir[PATH_MAX], pid[32], t[32];
	struct sc_census c;
	bool json = false, running;
	unsigned n_unknown = 0;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			dir = optarg;
			break;
		case 'p':
			profiles_dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			printf("Usage: syscensus status [--state-dir DIR] [--profiles-dir DIR] [--json]\n"
			       "Images and containers the agent has seen, their syscalls, last activity,\n"
			       "and the health of the recorder and of the state (from STATE-DIR/state.json).\n");
			return SC_EXIT_OK;
		default:
			return SC_EXIT_USAGE;
		}
	}
	snprintf(state, sizeof(state), "%s/state.json", dir);
	if (!profiles_dir) {
		snprintf(pdir, sizeof(pdir), "%s/profiles", dir);
		profiles_dir = pdir;
	}
	if (access(state, F_OK) < 0) {
		sc_err("%s: %s (has `syscensus agent --state-dir %s` run?)", state, strerror(errno), dir);
		return SC_EXIT_FAIL;
	}
	if (census__load(&c, state))
		return SC_EXIT_FAIL;
	running = agent_running(dir, pid, sizeof(pid));
	qsort(c.images, c.n_images, sizeof(*c.images), cmp_image);
	if (json) {
		int err = json_print(status_json(&c, dir, running, pid, profiles_dir));

		if (err) {
			sc_err("cannot print the status: %s", strerror(-err));
			census__free(&c);
			return SC_EXIT_FAIL;
		}
		census__free(&c);
		return SC_EXIT_OK;
	}

	sc_fmt_time(c.saved, t, sizeof(t));
	printf("agent: %s%s%s; state %s saved %s\n", running ? "running, pid " : "not running",
	       running ? pid : "", "", state, t);
	printf("recorder: %s, %zu of %u cgroup slots in use, %llu cgroups not counted (table full), "
	       "%llu events lost\n", c.health.attach[0] ? c.health.attach : "?", c.n_live,
	       c.health.capacity, (unsigned long long)(c.health.table_full + c.health.untracked),
	       (unsigned long long)c.health.events_lost);
	printf("\n%-40s %10s %8s %12s %-20s %s\n", "IMAGE", "CONTAINERS", "SYSCALLS", "CALLS", "LAST ACTIVITY",
	       "NOTES");
	for (size_t i = 0; i < c.n_images; i++) {
		const struct sc_image *img = c.images[i];
		struct img_sum s = summarize(img);
		char notes[256] = "";

		if (img->unknown) {
			n_unknown++;
			continue;
		}
		if (!image__confined(img))
			snprintf(notes, sizeof(notes), "never under a filter (runtime setup included); ");
		if (s.setup_only)
			snprintf(notes + strlen(notes), sizeof(notes) - strlen(notes), "%u setup-only excluded; ",
				 s.setup_only);
		if (img->n_denied)
			snprintf(notes + strlen(notes), sizeof(notes) - strlen(notes), "%zu syscalls DENIED by its filter; ",
				 img->n_denied);
		if (img->incomplete)
			snprintf(notes + strlen(notes), sizeof(notes) - strlen(notes), "INCOMPLETE: %s",
				 img->incomplete);
		if (strlen(notes) >= 2 && !strcmp(notes + strlen(notes) - 2, "; "))
			notes[strlen(notes) - 2] = '\0';
		sc_fmt_time(img->last, t, sizeof(t));
		printf("%-40s %10llu %8u %12llu %-20s %s\n", img->key, (unsigned long long)img->ctrs_total, s.distinct,
		       (unsigned long long)s.calls, t, notes);
	}
	for (size_t i = 0, hdr = 0; i < c.n_images; i++) {
		const struct sc_image *img = c.images[i];

		for (size_t k = 0; k < img->n_denied; k++) {
			const struct sc_denial *d = &img->denied[k];
			char v[48], nb[16], t2[32];

			if (!hdr++)
				printf("\ndenied by the enforced filter (IMAGE SYSCALL ABI ACTION CALLS LAST):\n");
			action_str(d->ret, v, sizeof(v));
			sc_fmt_time(d->last, t2, sizeof(t2));
			printf("  %-40s %-18s %-18s %-24s %8llu  %s\n", img->key,
			       syscall_label(d->abi, d->nr, nb, sizeof(nb)),
			       arch_of_abi(d->abi) ? arch_of_abi(d->abi)->docker : "?", v,
			       (unsigned long long)d->count, t2);
		}
	}
	if (!c.health.denials)
		printf("\n(denials are not recorded: start the agent with --denials to see what filters refuse)\n");
	if (n_unknown) {
		printf("\nnot attributed to a container (%u cgroups, kept as unknown/<cgroup id>):\n", n_unknown);
		for (size_t i = 0; i < c.n_images; i++) {
			const struct sc_image *img = c.images[i];
			struct img_sum s = summarize(img);

			if (!img->unknown)
				continue;
			sc_fmt_time(img->last, t, sizeof(t));
			printf("  %-24s %-40s %4u syscalls %12llu calls, last %s\n", img->key,
			       img->cgpath ? img->cgpath : "?", s.distinct, (unsigned long long)s.calls, t);
		}
	}
	census__free(&c);
	return SC_EXIT_OK;
}
