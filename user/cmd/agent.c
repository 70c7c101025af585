// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscensus agent: count every cgroup v2 of the host from its creation, attribute each
 * one to a container and its image while it exists, fold the counters into per-image
 * totals at an interval and keep one Docker/OCI profile per image up to date.
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
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "census/census.h"
#include "record/cgroup.h"
#include "cmd/cmds.h"
#include "lib/json.h"
#include "seccomp/filename.h"
#include "record/recorder.h"
#include "census/runtime.h"
#include "lib/util.h"

#define DEFAULT_STATE_DIR	"/var/lib/syscensus"
#define DEFAULT_PIN_DIR		"/sys/fs/bpf/syscensus"
#define DEFAULT_INTERVAL	10
#define DEFAULT_CAPACITY	1024
#define WALK_MAX_CGROUPS	(1u << 20)
#define FULL_WALK_EVERY		30	/* ticks between safety walks of the whole hierarchy */

struct agent {
	struct sc_census c;
	struct sc_recorder *rec;
	struct sc_runtime_roots roots;
	char mnt[PATH_MAX];
	char state_path[PATH_MAX];
	const char *profiles_dir;
	struct sc_slot_counts *buf;
	uint64_t events_lost_seen;
	bool save_soon;		/* something new was attributed: save within a second */
	unsigned walked;	/* cgroups found by the last walk */
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

/* Which image a cgroup belongs to, decided while the cgroup and the runtime's state exist. */
static struct sc_image *attribute(struct agent *a, uint64_t cgid, const char *path, char ctr[SC_CTR_ID_LEN + 1])
{
	struct sc_container_info ci;
	const char *runtime = runtime__container_id(path, ctr);
	char key[64];
	struct sc_image *img = NULL;
	int64_t now = now_s();

	if (!runtime)
		ctr[0] = '\0';
	if (runtime && runtime__resolve(&a->roots, ctr, &ci) == 0) {
		img = census__image(&a->c, ci.image, true);
		if (img) {
			image__add_id(img, ci.image_id);
			image__add_container(img, ctr, ci.name, now);
			if (!img->runtime)
				img->runtime = strdup(runtime);
			if (!img->first)
				img->first = now;
			sc_debug("cgroup %llu (%s): container %.12s of image %s (%s)", (unsigned long long)cgid, path,
				 ctr, ci.image, ci.source);
		}
		container_info__free(&ci);
	}
	if (!img) {
		/* never dropped: kept under unknown/<cgroup id> with its path */
		snprintf(key, sizeof(key), SC_UNKNOWN_PREFIX "%llu", (unsigned long long)cgid);
		img = census__image(&a->c, key, true);
		if (img) {
			if (!img->cgpath)
				img->cgpath = strdup(path);
			if (runtime && !img->runtime)
				img->runtime = strdup(runtime);
			if (ctr[0])
				image__add_container(img, ctr, NULL, now);
			if (!img->first)
				img->first = now;
			if (runtime)
				sc_warn("cgroup %s: container %.12s (%s layout) is not in any runtime state under the "
					"configured roots; kept as %s", path, ctr, runtime, key);
		}
	}
	a->save_soon = true;
	return img;
}

/*
 * A container whose runtime state was not there yet when its cgroup appeared: try
 * again while the cgroup lives and when it goes, and move what it did so far from
 * unknown/<cgroup id> to its image.
 */
static void retry_attribution(struct agent *a, struct sc_live *l)
{
	struct sc_container_info ci;
	struct sc_image *img;

	if (!l->img->unknown || !l->ctr[0] || runtime__resolve(&a->roots, l->ctr, &ci))
		return;
	img = census__image(&a->c, ci.image, true);
	if (img && img != l->img) {
		image__add_id(img, ci.image_id);
		image__add_container(img, l->ctr, ci.name, now_s());
		if (!img->runtime && l->img->runtime)
			img->runtime = strdup(l->img->runtime);
		sc_info("cgroup %s: container %.12s is of image %s (its state appeared after its cgroup)", l->path,
			l->ctr, ci.image);
		census__merge_image(&a->c, l->img, img);
		a->save_soon = true;
	}
	container_info__free(&ci);
}

static void add_live(struct agent *a, uint64_t cgid, uint32_t slot, const char *path)
{
	char ctr[SC_CTR_ID_LEN + 1];
	struct sc_image *img = attribute(a, cgid, path, ctr);

	if (!img || !census__add_live(&a->c, cgid, slot, path, img, ctr))
		sc_err("out of memory: cgroup %s is counted but cannot be attributed", path);
}

static void untracked(struct agent *a, uint64_t cgid, const char *path)
{
	char ctr[SC_CTR_ID_LEN + 1], why[160];
	struct sc_image *img = attribute(a, cgid, path, ctr);

	a->c.health.untracked++;
	snprintf(why, sizeof(why), "a container's cgroup found the cgroup table full (--capacity %u)",
		 recorder__capacity(a->rec));
	if (img)
		image__set_incomplete(img, why);
	sc_warn("cgroup %s is not counted: the cgroup table is full (--capacity %u)", path,
		recorder__capacity(a->rec));
}

static void on_denial(void *ctx, const struct sc_deny_key *k, uint64_t count);

/* Fold a cgroup's final counts, free its slot, forget it. */
static void retire(struct agent *a, struct sc_live *l)
{
	int err;

	retry_attribution(a, l);
	recorder__drain_denials(a->rec, on_denial, a);	/* while we still know the cgroup */
	err = recorder__release(a->rec, l->slot, a->buf);

	if (err) {
		sc_warn("cannot release slot %u of cgroup %s: %s", l->slot, l->path, strerror(-err));
		if (recorder__read(a->rec, l->slot, a->buf) == 0)
			census__fold(l, a->buf, now_s());
	} else {
		census__fold(l, a->buf, now_s());
	}
	census__drop_live(&a->c, l);
	a->save_soon = true;
}

static int on_event(void *ctx, const struct sc_event *e)
{
	struct agent *a = ctx;
	struct sc_live *l = census__live(&a->c, e->cgid);
	const char *path = e->path[0] ? e->path : "?";

	if (e->kind == SC_EV_MKDIR) {
		if (l)
			return 0;
		if (e->slot == SC_SLOT_NONE)
			untracked(a, e->cgid, path);
		else if (recorder__slot_cgid(a->rec, e->slot) == e->cgid)
			add_live(a, e->cgid, e->slot, path);
	} else if (e->kind == SC_EV_RMDIR) {
		/*
		 * A cgroup we did not know, still in its slot: created and (for us) announced
		 * while a previous agent ran, which died before saving. Attribute it by the
		 * path it had, then retire it like any other.
		 */
		if (!l && e->slot != SC_SLOT_NONE && recorder__slot_cgid(a->rec, e->slot) == e->cgid) {
			add_live(a, e->cgid, e->slot, path);
			l = census__live(&a->c, e->cgid);
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

	if (cgroup__id(abs, &cgid))
		return;
	l = census__live(&a->c, cgid);
	if (l) {
		l->seen = true;
	} else if ((err = recorder__track(a->rec, cgid, &slot)) == 0) {
		add_live(a, cgid, slot, rel);
		if ((l = census__live(&a->c, cgid)))
			l->seen = true;
	} else if (err == -ENOSPC) {
		untracked(a, cgid, rel);
	} else {
		sc_warn("cannot track cgroup %s: %s", rel, strerror(-err));
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

	for (size_t i = 0; i < a->c.n_live; i++)
		a->c.live[i]->seen = false;
	a->c.health.untracked = 0;
	a->walked = cgroup__walk(a->mnt, WALK_MAX_CGROUPS, on_cgroup, a);
	for (size_t i = 0; i < a->c.n_live;) {
		struct sc_live *l = a->c.live[i];

		if (l->seen) {
			i++;
			continue;
		}
		sc_debug("cgroup %s is gone", l->path);
		retire(a, l);	/* swaps the last entry into i */
	}
	for (uint32_t s = 0; s < cap; s++) {
		uint64_t cgid = recorder__slot_cgid(a->rec, s);

		if (cgid && !census__live(&a->c, cgid)) {
			/* claimed at creation, gone before we heard of it: keep what it did */
			add_live(a, cgid, s, "(removed before it could be resolved)");
			if (census__live(&a->c, cgid))
				retire(a, census__live(&a->c, cgid));
		}
	}
}

static int write_profiles(struct agent *a)
{
	int ret = 0;

	for (size_t i = 0; i < a->c.n_images; i++) {
		struct sc_image *img = a->c.images[i];
		char name[SC_NAME_MAX], path[PATH_MAX];
		struct sc_buf b = {};
		const char *note;
		uint8_t digest[32];
		int err;

		if (img->unknown || !img->calls.n)
			continue;
		if (json_render(image__profile(img, &note), &b))
			return -ENOMEM;
		sc_sha256(b.data, b.len, digest);
		if (memcmp(digest, img->written, sizeof(digest))) {
			image_file_name(img->key, name);
			snprintf(path, sizeof(path), "%s/%s.json", a->profiles_dir, name);
			if ((err = sc_write_file_atomic(path, b.data, b.len))) {
				sc_err("cannot write %s: %s", path, strerror(-err));
				ret = err;
			} else {
				memcpy(img->written, digest, sizeof(digest));
				sc_debug("wrote %s (%s)", path, note);
			}
		}
		sc_buf_free(&b);
	}
	return ret;
}

static int save(struct agent *a)
{
	struct sc_recorder_stats st;
	int err;

	recorder__stats(a->rec, &st);
	a->c.health.table_full = st.table_full;
	a->c.health.events_lost = st.events_lost;
	a->c.health.denied_lost = st.denied_lost;
	a->c.health.denials = recorder__denials(a->rec);
	err = census__save(&a->c, a->state_path, now_s());
	if (err)
		sc_err("cannot write %s: %s", a->state_path, strerror(-err));
	a->save_soon = false;
	return err;
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
	if (img)
		image__add_denial(img, k->abi, k->nr, k->ret, count, now_s());
	a->save_soon = true;
}

static void tick(struct agent *a, unsigned n)
{
	struct sc_recorder_stats st;
	int64_t now = now_s();

	recorder__stats(a->rec, &st);
	if (st.events_lost != a->events_lost_seen || n % FULL_WALK_EVERY == 0) {
		if (st.events_lost != a->events_lost_seen)
			sc_warn("%llu cgroup events were lost (ring buffer full): walking the hierarchy",
				(unsigned long long)(st.events_lost - a->events_lost_seen));
		a->events_lost_seen = st.events_lost;
		reconcile(a);
	}
	recorder__drain_denials(a->rec, on_denial, a);
	for (size_t i = 0; i < a->c.n_live; i++) {
		struct sc_live *l = a->c.live[i];

		retry_attribution(a, l);
		if (recorder__read(a->rec, l->slot, a->buf) == 0)
			census__fold(l, a->buf, now);
	}
	census__prune(&a->c);
	write_profiles(a);
	save(a);
}

/* One agent per state directory: an exclusive lock held for the agent's life. */
static int lock_state_dir(const char *dir)
{
	char path[PATH_MAX], pid[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/agent.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		sc_err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		sc_err("another agent is running on %s (pid %s)", dir, pid[0] ? pid : "?");
		close(fd);
		return -1;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, n, 0) != n)
		sc_warn("cannot write the pid into %s: %s", path, strerror(errno));
	return fd;
}

static int mkdir_p(const char *dir, mode_t mode)
{
	char p[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, dir, n + 1);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* After loading: the saved live cgroups against the recorder actually running. */
static void resume(struct agent *a)
{
	char why[200];

	if (!recorder__adopted(a->rec) && a->c.n_live) {
		snprintf(why, sizeof(why),
			 "the recorder was not running between the last save and an agent start "
			 "(reboot or unload): calls in between were not seen");
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
		sc_warn("saved cgroup %s is not in slot %u any more; forgetting it", l->path, l->slot);
		census__drop_live(&a->c, l);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: syscensus agent [--state-dir DIR] [--profiles-dir DIR] [--interval SEC]\n"
		"                       [--capacity N] [--pin-dir DIR] [--storage-root DIR]\n"
		"                       [--docker-root DIR] [--bundle-root DIR]... [--attach auto|tp_btf|raw_tp]\n"
		"                       [--denials]\n"
		"Count the syscalls of every cgroup on the host, attribute them to containers and\n"
		"images, and keep one seccomp profile per image in the profiles directory.\n"
		"Runs until SIGTERM or SIGINT; the recorder stays pinned and keeps counting until\n"
		"`syscensus unload`.\n\n"
		"  --state-dir DIR     state file and lock (default " DEFAULT_STATE_DIR ")\n"
		"  --profiles-dir DIR  one <image>.json per image (default STATE-DIR/profiles)\n"
		"  --interval SEC      fold counters, write profiles and state (default %d)\n"
		"  --capacity N        cgroups tracked at once (default %d; %zu bytes per cgroup and CPU)\n"
		"  --pin-dir DIR       bpffs directory for the pinned recorder (default " DEFAULT_PIN_DIR ")\n"
		"  --storage-root DIR  containers/storage of podman and CRI-O (default /var/lib/containers/storage)\n"
		"  --docker-root DIR   Docker's data root (default /var/lib/docker)\n"
		"  --bundle-root DIR   OCI bundles as <DIR>/<id>/config.json; repeat; replaces the defaults\n"
		"  --denials           also record syscalls the containers' seccomp filters refuse (a\n"
		"                      sys_exit program: it costs every syscall about what the\n"
		"                      recorder does; see `syscensus bench`)\n",
		DEFAULT_INTERVAL, DEFAULT_CAPACITY, sizeof(struct sc_counts));
}

int cmd_agent(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "profiles-dir", required_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ "capacity", required_argument, NULL, 'c' },
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "storage-root", required_argument, NULL, 'S' },
		{ "docker-root", required_argument, NULL, 'D' },
		{ "bundle-root", required_argument, NULL, 'B' },
		{ "attach", required_argument, NULL, 'A' },
		{ "denials", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sc_recorder_opts ro = { .capacity = DEFAULT_CAPACITY, .attach = SC_ATTACH_AUTO,
				       .watch_cgroups = true, .pin_dir = DEFAULT_PIN_DIR };
	const char *state_dir = DEFAULT_STATE_DIR, *bundles[16];
	char profiles_buf[PATH_MAX];
	struct agent a = {};
	uint64_t interval = DEFAULT_INTERVAL, v;
	size_t n_bundles = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	int ret = SC_EXIT_FAIL, lock_fd = -1, c, err;
	unsigned ticks = 0;
	struct timespec next, ts;

	a.roots.storage = "/var/lib/containers/storage";
	a.roots.docker = "/var/lib/docker";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			state_dir = optarg;
			break;
		case 'p':
			a.profiles_dir = optarg;
			break;
		case 'i':
		case 'c':
			if (sc_parse_u64(optarg, c == 'i' ? 86400 : (1u << 20), &v) || v == 0) {
				sc_err("--%s: expected a number from 1 to %u, not \"%s\"",
				       c == 'i' ? "interval" : "capacity", c == 'i' ? 86400 : (1u << 20), optarg);
				return SC_EXIT_USAGE;
			}
			if (c == 'i')
				interval = v;
			else
				ro.capacity = (unsigned)v;
			break;
		case 'P':
			ro.pin_dir = optarg;
			break;
		case 'S':
			a.roots.storage = optarg;
			break;
		case 'D':
			a.roots.docker = optarg;
			break;
		case 'B':
			if (n_bundles == ARRAY_SIZE(bundles)) {
				sc_err("--bundle-root: at most %zu", ARRAY_SIZE(bundles));
				return SC_EXIT_USAGE;
			}
			bundles[n_bundles++] = optarg;
			break;
		case 'A':
			if (recorder__parse_attach(optarg, &ro.attach))
				return SC_EXIT_USAGE;
			break;
		case 'd':
			ro.denials = true;
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		sc_err("agent: unexpected argument \"%s\"", argv[optind]);
		return SC_EXIT_USAGE;
	}
	if (n_bundles) {
		a.roots.bundles = bundles;
		a.roots.n_bundles = n_bundles;
	} else {
		a.roots.bundles = sc_default_bundle_roots;
		a.roots.n_bundles = sc_n_default_bundle_roots;
	}
	if (!a.profiles_dir) {
		if ((size_t)snprintf(profiles_buf, sizeof(profiles_buf), "%s/profiles", state_dir) >= sizeof(profiles_buf)) {
			sc_err("--state-dir: path too long");
			return SC_EXIT_USAGE;
		}
		a.profiles_dir = profiles_buf;
	}
	if ((size_t)snprintf(a.state_path, sizeof(a.state_path), "%s/state.json", state_dir) >= sizeof(a.state_path)) {
		sc_err("--state-dir: path too long");
		return SC_EXIT_USAGE;
	}
	if ((err = mkdir_p(state_dir, 0700)) || (err = mkdir_p(a.profiles_dir, 0755))) {
		sc_err("cannot create %s: %s", err == 0 ? "" : state_dir, strerror(-err));
		return SC_EXIT_FAIL;
	}
	lock_fd = lock_state_dir(state_dir);
	if (lock_fd < 0)
		return SC_EXIT_FAIL;
	if (census__load(&a.c, a.state_path))
		goto out;	/* message printed; the file is left as it is */
	if ((err = cgroup__v2_mount(a.mnt, sizeof(a.mnt)))) {
		sc_err("no cgroup v2 hierarchy in /proc/self/mountinfo (%s): the agent needs one "
		       "(pure v2, or hybrid with /sys/fs/cgroup/unified)", strerror(-err));
		goto out;
	}
	a.buf = calloc(1, sizeof(*a.buf));
	if (!a.buf) {
		sc_err("out of memory");
		goto out;
	}
	a.rec = recorder__open(&ro);
	if (!a.rec)
		goto out;
	if (!a.c.started)
		a.c.started = now_s();
	snprintf(a.c.health.attach, sizeof(a.c.health.attach), "%s", recorder__attach_name(a.rec));
	a.c.health.capacity = recorder__capacity(a.rec);
	snprintf(a.c.health.pin_dir, sizeof(a.c.health.pin_dir), "%s", ro.pin_dir);
	resume(&a);

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* events that arrived while no agent was running, then everything that exists */
	recorder__poll_events(a.rec, 0, on_event, &a);
	{
		struct sc_recorder_stats st;

		recorder__stats(a.rec, &st);
		a.events_lost_seen = st.events_lost;
	}
	reconcile(&a);
	tick(&a, 1);
	if (ro.denials && !recorder__denials(a.rec))
		sc_warn("--denials: the %s recorder does not track denials (`syscensus unload --pin-dir %s` "
			"and start again to add it)", recorder__adopted(a.rec) ? "pinned" : "loaded", ro.pin_dir);
	sc_info("agent %s (%s%s, %u cgroup slots, %.1f MiB of BPF counters), %zu cgroups tracked, %zu images; "
		"profiles in %s, every %llus",
		recorder__adopted(a.rec) ? "resumed the pinned recorder" : "started", recorder__attach_name(a.rec),
		recorder__denials(a.rec) ? ", denials" : "", recorder__capacity(a.rec),
		recorder__counter_bytes(a.rec) / 1048576.0, a.c.n_live, a.c.n_images, a.profiles_dir,
		(unsigned long long)interval);

	clock_gettime(CLOCK_MONOTONIC, &next);
	next.tv_sec += interval;
	while (!stop_signal) {
		long wait_ms;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		wait_ms = (next.tv_sec - ts.tv_sec) * 1000 + (next.tv_nsec - ts.tv_nsec) / 1000000;
		if (a.save_soon && wait_ms > 1000)
			wait_ms = 1000;
		if (wait_ms > 0) {
			err = recorder__poll_events(a.rec, (int)wait_ms, on_event, &a);
			if (err < 0 && err != -EINTR) {
				sc_err("cannot read cgroup events: %s", strerror(-err));
				break;
			}
			clock_gettime(CLOCK_MONOTONIC, &ts);
		}
		if (ts.tv_sec > next.tv_sec || (ts.tv_sec == next.tv_sec && ts.tv_nsec >= next.tv_nsec)) {
			tick(&a, ++ticks);
			next.tv_sec += interval;
			if (next.tv_sec < ts.tv_sec)
				next = ts;	/* a tick took longer than the interval */
		} else if (a.save_soon) {
			/* a new container: its attribution must survive a SIGKILL */
			write_profiles(&a);
			save(&a);
		}
	}
	/* SIGTERM: everything counted so far goes to disk */
	recorder__poll_events(a.rec, 0, on_event, &a);
	tick(&a, ++ticks);
	sc_info("agent stopped (%s): %zu images; the recorder stays pinned in %s",
		stop_signal ? strsignal(stop_signal) : "error", a.c.n_images, ro.pin_dir);
	ret = stop_signal ? SC_EXIT_OK : SC_EXIT_FAIL;
out:
	recorder__destroy(a.rec);
	census__free(&a.c);
	runtime__cleanup();
	free(a.buf);
	if (lock_fd >= 0)
		close(lock_fd);
	return ret;
}

int cmd_unload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *dir = DEFAULT_PIN_DIR;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			dir = optarg;
			break;
		case 'h':
			printf("Usage: syscensus unload [--pin-dir DIR]\n"
			       "Remove the agent's pinned recorder: counting stops once no agent holds it.\n");
			return SC_EXIT_OK;
		default:
			return SC_EXIT_USAGE;
		}
	}
	if (access(dir, F_OK) < 0) {
		sc_info("nothing pinned in %s", dir);
		return SC_EXIT_OK;
	}
	err = recorder__unpin(dir);
	if (err) {
		sc_err("cannot remove %s: %s", dir, strerror(-err));
		return SC_EXIT_FAIL;
	}
	sc_info("removed the pinned recorder in %s", dir);
	return SC_EXIT_OK;
}
