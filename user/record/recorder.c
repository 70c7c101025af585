// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * record/: the kernel side seen from userspace, and the only folder that includes the
 * generated skeletons. This file loads (or adopts a pinned instance of) the recorder,
 * attaches it, claims and releases cgroup slots, reads their counters, receives cgroup
 * events and denials; refprog.c loads the benchmark's reference programs; cgroup.c
 * finds, walks and waits on cgroups; session.c runs one command under the recorder
 * (`syscensus record`). record/ may call lib/ only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/membarrier.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "record/recorder.h"
#include "lib/util.h"
#include "recorder.skel.h"

/*
 * What is pinned in the pin directory. The sys_enter link is pinned last: its presence
 * means a complete instance. Its name says which hook it is on.
 */
static const char *const pin_maps[] = { "cgroups", "counts", "events", "bss", "denied" };
static const char *const pin_links[] = { "link_enter_btf", "link_enter_raw", "link_mkdir", "link_rmdir",
					 "link_deny", "link_kill" };
/* the argument values (pinned only when the recorder keeps them) */
static const char pin_args[] = "args";
/* the counting and denial programs themselves: an agent without CAP_SYS_ADMIN reads their statistics */
static const char *const pin_progs[] = { "prog_enter", "prog_deny" };

struct sc_recorder {
	char pin_dir[PATH_MAX];		/* "" when not pinned */
	struct recorder_bpf *skel;	/* NULL when adopted */
	struct bpf_link *link, *link_mkdir, *link_rmdir, *link_deny, *link_kill;
	enum sc_attach mode;
	bool adopted;
	uint32_t capacity;
	int ncpus;
	int fd_cgroups, fd_counts, fd_events, fd_bss, fd_denied, fd_args;	/* our own fds */
	bool denials;			/* denial tracking attached */
	bool record_args;		/* the risky arguments of a few syscalls are kept */
	struct sc_cgroup_ent *table;	/* mmap of sc_cgroups: capacity entries */
	size_t table_len;
	struct recorder_bpf__bss *bss;	/* mmap of .bss: epoch, health counters */
	bool bss_mapped;		/* mapped here (adopted), not by the skeleton */
	struct sc_counts *percpu;	/* ncpus values: read/zero buffer */
	int fd_memo;			/* the per-CPU memo (fresh instances only) */
	/*
	 * Adopted: the pinned programs, for their statistics, opened at adoption: getting a
	 * program from its link's id needs CAP_SYS_ADMIN, which the agent drops after.
	 */
	int fd_prog_enter, fd_prog_deny;
	struct ring_buffer *rb;
	sc_event_fn cb;
	void *cb_ctx;
};

int recorder__parse_attach(const char *s, enum sc_attach *out)
{
	if (!strcmp(s, "auto"))
		*out = SC_ATTACH_AUTO;
	else if (!strcmp(s, "tp_btf"))
		*out = SC_ATTACH_BTF;
	else if (!strcmp(s, "raw_tp"))
		*out = SC_ATTACH_RAW;
	else {
		sc_err("--attach: expected auto, tp_btf or raw_tp, not \"%s\"", s);
		return -EINVAL;
	}
	return 0;
}

void recorder__explain_load_error(int err)
{
	if ((err == -EPERM || err == -EACCES) && geteuid() != 0)
		sc_err("loading BPF programs needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)");
	else if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		sc_err("kernel BTF (/sys/kernel/btf/vmlinux) is missing: CO-RE needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
	else if (err == -EACCES || err == -EINVAL)
		sc_err("the kernel's verifier refused the BPF programs (%s): run with -vv for its log", strerror(-err));
	else
		sc_err("cannot load the BPF programs: %s (run with -v for libbpf's log)", strerror(-err));
}

/*
 * The argument map's room: what the cgroups of @capacity slots show between two reads of
 * the agent (which forgets what it saved), SC_ARGS_PER_SLOT each on average.
 */
static uint32_t args_entries(uint32_t capacity)
{
	uint64_t n = (uint64_t)capacity * SC_ARGS_PER_SLOT;

	return n < SC_ARGS_MAX ? SC_ARGS_MAX : n > SC_ARGS_MAX_AGENT ? SC_ARGS_MAX_AGENT : (uint32_t)n;
}

static int try_load(struct sc_recorder *r, const struct sc_recorder_opts *o, enum sc_attach mode, bool watch,
		    bool denials)
{
	struct recorder_bpf *s;
	int err;

	s = recorder_bpf__open();
	if (!s)
		return -errno;
	s->rodata->slot_mask = r->capacity - 1;
	s->rodata->watch_root = o->watch_root;
	s->rodata->watch_root_level = o->watch_root_level;
	s->rodata->claim_containers = o->claim_containers;
	s->rodata->bench_stage = o->bench_stage;
	/* the argument map is preallocated: its room only where arguments are kept */
	s->rodata->record_args = o->record_args && mode == SC_ATTACH_BTF;
	err = bpf_map__set_max_entries(s->maps.sc_args, !s->rodata->record_args ? 1 : args_entries(r->capacity));
	if (!err)
		err = bpf_map__set_max_entries(s->maps.sc_cgroups, r->capacity);
	if (!err)
		err = bpf_map__set_max_entries(s->maps.sc_counts, r->capacity);
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_enter_btf, mode == SC_ATTACH_BTF);
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_enter_raw, mode == SC_ATTACH_RAW);
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_mkdir_btf, watch && mode == SC_ATTACH_BTF);
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_rmdir_btf, watch && mode == SC_ATTACH_BTF);
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_mkdir_raw, watch && mode == SC_ATTACH_RAW);
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_rmdir_raw, watch && mode == SC_ATTACH_RAW);
	/* denial tracking needs fexit (BTF, trampolines): optional, the caller retries without */
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_deny_exit_btf, denials);
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_deny_kill, denials);
	if (!err)
		err = recorder_bpf__load(s);
	if (err) {
		recorder_bpf__destroy(s);
		return err;
	}
	r->skel = s;
	r->mode = mode;
	r->denials = denials;
	r->record_args = s->rodata->record_args;
	return 0;
}

static struct bpf_program *enter_prog(struct sc_recorder *r)
{
	return r->mode == SC_ATTACH_BTF ? r->skel->progs.sc_enter_btf : r->skel->progs.sc_enter_raw;
}

int recorder__attach(struct sc_recorder *r)
{
	if (r->adopted)
		return 0;
	if (!r->link && !(r->link = bpf_program__attach(enter_prog(r))))
		return -errno;
	/* the denial programs follow the recorder (benchmarks detach and attach both) */
	if (r->denials && !r->link_deny && !(r->link_deny = bpf_program__attach(r->skel->progs.sc_deny_exit_btf)))
		return -errno;
	if (r->denials && !r->link_kill && !(r->link_kill = bpf_program__attach(r->skel->progs.sc_deny_kill)))
		return -errno;
	return 0;
}

/*
 * One owner per link: link, link_deny and link_kill belong to attach/detach (which
 * benchmarks call repeatedly), link_mkdir and link_rmdir to open/destroy, and
 * recorder__destroy goes through recorder__detach for the first three. A destroyed
 * link's pointer is cleared, so no path can free it twice.
 */
static int destroy_link(struct bpf_link **link)
{
	int err = bpf_link__destroy(*link);	/* 0 for NULL */

	*link = NULL;
	return err;
}

int recorder__detach(struct sc_recorder *r)
{
	int err = destroy_link(&r->link);
	int err_deny = destroy_link(&r->link_deny);
	int err_kill = destroy_link(&r->link_kill);

	return err ? err : err_deny ? err_deny : err_kill;
}

static int pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	return (size_t)snprintf(buf, len, "%s/%s", dir, name) < len ? 0 : -ENAMETOOLONG;
}

/* The pin directory must be on a bpffs; the usual one is mounted when missing. */
static int prepare_pin_dir(const char *dir)
{
	struct statfs sf;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		if (errno == ENOENT && !strncmp(dir, "/sys/fs/bpf/", 12)) {
			if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL) < 0) {
				sc_err("cannot mount bpffs on /sys/fs/bpf: %s", strerror(errno));
				return -errno;
			}
			return prepare_pin_dir(dir);
		}
		sc_err("cannot create pin directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (statfs(dir, &sf) < 0)
		return -errno;
	if (sf.f_type != BPF_FS_MAGIC) {
		if (!strncmp(dir, "/sys/fs/bpf/", 12) && statfs("/sys/fs/bpf", &sf) == 0 &&
		    sf.f_type != BPF_FS_MAGIC) {
			rmdir(dir);
			if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL) < 0) {
				sc_err("cannot mount bpffs on /sys/fs/bpf: %s", strerror(errno));
				return -errno;
			}
			return prepare_pin_dir(dir);
		}
		sc_err("pin directory %s is not on a bpf filesystem (mount -t bpf bpf DIR)", dir);
		return -EINVAL;
	}
	return 0;
}

int recorder__unpin(const char *dir)
{
	char p[PATH_MAX];
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(pin_links); i++)
		if (!pin_path(p, sizeof(p), dir, pin_links[i]) && unlink(p) < 0 && errno != ENOENT)
			ret = -errno;
	for (size_t i = 0; i < ARRAY_SIZE(pin_maps); i++)
		if (!pin_path(p, sizeof(p), dir, pin_maps[i]) && unlink(p) < 0 && errno != ENOENT)
			ret = -errno;
	for (size_t i = 0; i < ARRAY_SIZE(pin_progs); i++)
		if (!pin_path(p, sizeof(p), dir, pin_progs[i]) && unlink(p) < 0 && errno != ENOENT)
			ret = -errno;
	if (!pin_path(p, sizeof(p), dir, pin_args) && unlink(p) < 0 && errno != ENOENT)
		ret = -errno;
	if (rmdir(dir) < 0 && errno != ENOENT && errno != ENOTEMPTY)
		ret = -errno;
	return ret;
}

static int pin_all(struct sc_recorder *r, const char *dir)
{
	struct bpf_map *maps[] = { r->skel->maps.sc_cgroups, r->skel->maps.sc_counts,
				   r->skel->maps.sc_events, r->skel->maps.bss, r->skel->maps.sc_denied };
	char p[PATH_MAX];
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
		if ((err = pin_path(p, sizeof(p), dir, pin_maps[i])) || (err = bpf_map__pin(maps[i], p)))
			return err;
	}
	if (r->record_args &&
	    ((err = pin_path(p, sizeof(p), dir, pin_args)) || (err = bpf_map__pin(r->skel->maps.sc_args, p))))
		return err;
	if ((err = pin_path(p, sizeof(p), dir, pin_links[2])) || (err = bpf_link__pin(r->link_mkdir, p)))
		return err;
	if ((err = pin_path(p, sizeof(p), dir, pin_links[3])) || (err = bpf_link__pin(r->link_rmdir, p)))
		return err;
	if (r->link_deny && ((err = pin_path(p, sizeof(p), dir, pin_links[4])) || (err = bpf_link__pin(r->link_deny, p))))
		return err;
	if (r->link_kill && ((err = pin_path(p, sizeof(p), dir, pin_links[5])) || (err = bpf_link__pin(r->link_kill, p))))
		return err;
	if ((err = pin_path(p, sizeof(p), dir, pin_progs[0])) || (err = bpf_program__pin(enter_prog(r), p)))
		return err;
	if (r->link_deny && ((err = pin_path(p, sizeof(p), dir, pin_progs[1])) ||
			     (err = bpf_program__pin(r->skel->progs.sc_deny_exit_btf, p))))
		return err;
	if ((err = pin_path(p, sizeof(p), dir, pin_links[r->mode == SC_ATTACH_BTF ? 0 : 1])) ||
	    (err = bpf_link__pin(r->link, p)))
		return err;
	return 0;
}

static int check_map(int fd, const char *dir, const char *name, enum bpf_map_type type,
		     uint32_t value_size, uint32_t max_entries)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != type || (value_size && info.value_size != value_size) ||
	    (max_entries && info.max_entries != max_entries)) {
		sc_err("%s/%s was pinned by an incompatible syscensus (map type %u, value size %u, %u entries; "
		       "expected type %u, value size %u): stop that agent and run `syscensus unload --pin-dir %s`",
		       dir, name, info.type, info.value_size, info.max_entries, type, value_size, dir);
		return -EPROTO;
	}
	return 0;
}

/* The program behind pinned link @name, as a new fd; -errno. */
static int pinned_prog_fd(const struct sc_recorder *r, const char *name)
{
	struct bpf_link_info info = {};
	uint32_t len = sizeof(info);
	char p[PATH_MAX];
	int lfd, fd;

	if (pin_path(p, sizeof(p), r->pin_dir, name))
		return -ENAMETOOLONG;
	lfd = bpf_obj_get(p);
	if (lfd < 0)
		return -errno;
	fd = bpf_obj_get_info_by_fd(lfd, &info, &len) ? -errno : bpf_prog_get_fd_by_id(info.prog_id);
	if (fd < 0 && fd != -errno)
		fd = -errno;
	close(lfd);
	return fd;
}

/* Take over an instance pinned by a previous agent: counting never stopped. */
static int adopt(struct sc_recorder *r, const char *dir, enum sc_attach mode)
{
	int *fds[] = { &r->fd_cgroups, &r->fd_counts, &r->fd_events, &r->fd_bss, &r->fd_denied };
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	char p[PATH_MAX];
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if ((err = pin_path(p, sizeof(p), dir, pin_maps[i])))
			return err;
		*fds[i] = bpf_obj_get(p);
		if (*fds[i] < 0) {
			err = -errno;
			sc_err("cannot open pinned map %s: %s", p, strerror(-err));
			return err;
		}
	}
	if (bpf_obj_get_info_by_fd(r->fd_cgroups, &info, &len))
		return -errno;
	if (info.max_entries == 0 || (info.max_entries & (info.max_entries - 1)) || info.max_entries > (1u << 20)) {
		sc_err("%s/cgroups: unexpected size %u", dir, info.max_entries);
		return -EPROTO;
	}
	r->capacity = info.max_entries;
	if ((err = check_map(r->fd_cgroups, dir, "cgroups", BPF_MAP_TYPE_ARRAY, sizeof(struct sc_cgroup_ent), 0)) ||
	    (err = check_map(r->fd_counts, dir, "counts", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(struct sc_counts),
			     r->capacity)) ||
	    (err = check_map(r->fd_events, dir, "events", BPF_MAP_TYPE_RINGBUF, 0, 0)) ||
	    (err = check_map(r->fd_bss, dir, "bss", BPF_MAP_TYPE_ARRAY, sizeof(struct recorder_bpf__bss), 1)) ||
	    (err = check_map(r->fd_denied, dir, "denied", BPF_MAP_TYPE_HASH, sizeof(uint64_t), 0)))
		return err;
	r->bss = mmap(NULL, sizeof(*r->bss), PROT_READ | PROT_WRITE, MAP_SHARED, r->fd_bss, 0);
	if (r->bss == MAP_FAILED) {
		r->bss = NULL;
		return -errno;
	}
	r->bss_mapped = true;
	/* a recorder pinned without argument values (raw_tp, an older syscensus) keeps none */
	if (!pin_path(p, sizeof(p), dir, pin_args) && (r->fd_args = bpf_obj_get(p)) >= 0) {
		if ((err = check_map(r->fd_args, dir, pin_args, BPF_MAP_TYPE_HASH, 1, 0)))
			return err;
		r->record_args = true;
	}
	r->mode = mode;
	r->adopted = true;
	snprintf(r->pin_dir, sizeof(r->pin_dir), "%s", dir);
	if (pin_path(p, sizeof(p), dir, pin_links[4]) == 0 && access(p, F_OK) == 0)
		r->denials = true;
	/*
	 * Best effort: without them the cost is "not measured". The pinned programs first; a
	 * recorder pinned by an older syscensus has only its links, whose program needs
	 * CAP_SYS_ADMIN to be opened by id.
	 */
	r->fd_prog_enter = pin_path(p, sizeof(p), dir, pin_progs[0]) ? -1 : bpf_obj_get(p);
	if (r->fd_prog_enter < 0)
		r->fd_prog_enter = pinned_prog_fd(r, pin_links[mode == SC_ATTACH_BTF ? 0 : 1]);
	if (r->denials) {
		r->fd_prog_deny = pin_path(p, sizeof(p), dir, pin_progs[1]) ? -1 : bpf_obj_get(p);
		if (r->fd_prog_deny < 0)
			r->fd_prog_deny = pinned_prog_fd(r, pin_links[4]);
	}
	return 0;
}

static int map_table(struct sc_recorder *r)
{
	long page = sysconf(_SC_PAGESIZE);

	r->table_len = ((size_t)r->capacity * sizeof(*r->table) + page - 1) / page * page;
	r->table = mmap(NULL, r->table_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd_cgroups, 0);
	if (r->table == MAP_FAILED) {
		r->table = NULL;
		return -errno;
	}
	return 0;
}

static int ring_cb(void *ctx, void *data, size_t size)
{
	struct sc_recorder *r = ctx;
	struct sc_event e;

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	e.path[sizeof(e.path) - 1] = '\0';
	return r->cb ? r->cb(r->cb_ctx, &e) : 0;
}

static int attach_fresh(struct sc_recorder *r, const struct sc_recorder_opts *o)
{
	int err;

	if ((err = recorder__attach(r))) {
		sc_err("cannot attach the recorder to raw_syscalls:sys_enter%s: %s",
		       r->denials ? " and sys_exit" : "", strerror(-err));
		return err;
	}
	if (!o->watch_cgroups)
		return 0;
	r->link_mkdir = bpf_program__attach(r->mode == SC_ATTACH_BTF ? r->skel->progs.sc_mkdir_btf
								     : r->skel->progs.sc_mkdir_raw);
	r->link_rmdir = bpf_program__attach(r->mode == SC_ATTACH_BTF ? r->skel->progs.sc_rmdir_btf
								     : r->skel->progs.sc_rmdir_raw);
	if (!r->link_mkdir || !r->link_rmdir) {
		err = -errno;
		sc_err("cannot attach to the cgroup:cgroup_mkdir/rmdir tracepoints: %s", strerror(-err));
		return err;
	}
	return 0;
}

/* An instance pinned in @o->pin_dir by a previous agent, adopted if complete. 0 or -errno. */
static int adopt_pinned(struct sc_recorder *r, const struct sc_recorder_opts *o)
{
	uint32_t want = r->capacity;
	char p[PATH_MAX];
	int err;

	if ((err = prepare_pin_dir(o->pin_dir)))
		return err;
	for (int m = 0; m < 2; m++) {
		if ((err = pin_path(p, sizeof(p), o->pin_dir, pin_links[m])))
			return err;
		if (access(p, F_OK))
			continue;
		if ((err = adopt(r, o->pin_dir, m == 0 ? SC_ATTACH_BTF : SC_ATTACH_RAW)))
			return err;
		if (want != r->capacity)
			sc_info("adopted the running recorder in %s: %u cgroup slots (not %u)", o->pin_dir,
				r->capacity, want);
		return 0;
	}
	/* leftovers of an instance that did not finish pinning */
	recorder__unpin(o->pin_dir);
	return prepare_pin_dir(o->pin_dir);
}

/* Load the programs for the requested hook (with denials if asked and possible). 0 or -errno. */
static int load_programs(struct sc_recorder *r, const struct sc_recorder_opts *o)
{
	int err;

	if (o->watch_cgroups && o->denials) {
		/* denial tracking: sys_exit and sched_process_exit, BTF-typed only */
		err = try_load(r, o, o->attach == SC_ATTACH_RAW ? SC_ATTACH_RAW : SC_ATTACH_BTF, true, true);
		if (!err)
			return 0;
		sc_warn("denial tracking unavailable (tp_btf/sys_exit: %s): "
			"syscalls refused by seccomp filters will not be reported", strerror(-err));
	}
	if (o->attach != SC_ATTACH_AUTO)
		return try_load(r, o, o->attach, o->watch_cgroups, false);
	/* feature probe: the BTF-typed hook is cheaper; fall back when it fails to load */
	err = try_load(r, o, SC_ATTACH_BTF, o->watch_cgroups, false);
	if (err) {
		sc_debug("tp_btf programs did not load (%s); trying raw_tp", strerror(-err));
		err = try_load(r, o, SC_ATTACH_RAW, o->watch_cgroups, false);
	}
	return err;
}

/* A fresh instance: loaded, its maps held by our own fds, attached, pinned if asked. 0 or -errno. */
static int start_fresh(struct sc_recorder *r, const struct sc_recorder_opts *o)
{
	int err = load_programs(r, o);

	if (err) {
		recorder__explain_load_error(err);
		return err;
	}
	r->bss = r->skel->bss;
	/* own copies, so that fresh and adopted instances are handled alike */
	r->fd_cgroups = fcntl(bpf_map__fd(r->skel->maps.sc_cgroups), F_DUPFD_CLOEXEC, 3);
	r->fd_counts = fcntl(bpf_map__fd(r->skel->maps.sc_counts), F_DUPFD_CLOEXEC, 3);
	r->fd_events = fcntl(bpf_map__fd(r->skel->maps.sc_events), F_DUPFD_CLOEXEC, 3);
	r->fd_denied = fcntl(bpf_map__fd(r->skel->maps.sc_denied), F_DUPFD_CLOEXEC, 3);
	r->fd_memo = fcntl(bpf_map__fd(r->skel->maps.sc_cache), F_DUPFD_CLOEXEC, 3);
	r->fd_args = fcntl(bpf_map__fd(r->skel->maps.sc_args), F_DUPFD_CLOEXEC, 3);
	if (r->fd_cgroups < 0 || r->fd_counts < 0 || r->fd_events < 0 || r->fd_denied < 0 || r->fd_args < 0)
		return -errno;
	if ((err = attach_fresh(r, o)))
		return err;
	if (o->pin_dir && (err = pin_all(r, o->pin_dir))) {
		sc_err("cannot pin the recorder in %s: %s", o->pin_dir, strerror(-err));
		recorder__unpin(o->pin_dir);
		return err;
	}
	if (o->pin_dir)
		snprintf(r->pin_dir, sizeof(r->pin_dir), "%s", o->pin_dir);
	return 0;
}

/* What reading needs, for fresh and adopted instances alike. 0 or -errno. */
static int map_userspace(struct sc_recorder *r, const struct sc_recorder_opts *o)
{
	int err;

	if ((err = map_table(r))) {
		sc_err("cannot map the cgroup table: %s", strerror(-err));
		return err;
	}
	r->percpu = calloc(r->ncpus, sizeof(*r->percpu));
	if (!r->percpu)
		return -ENOMEM;
	if (o->watch_cgroups) {
		r->rb = ring_buffer__new(r->fd_events, ring_cb, r, NULL);
		if (!r->rb) {
			err = -errno;
			sc_err("cannot open the cgroup event ring buffer: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}

struct sc_recorder *recorder__open(const struct sc_recorder_opts *o)
{
	struct sc_recorder *r;
	uint32_t cap = 1;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->fd_cgroups = r->fd_counts = r->fd_events = r->fd_bss = r->fd_denied = r->fd_memo = r->fd_args = -1;
	r->fd_prog_enter = r->fd_prog_deny = -1;
	while (cap < o->capacity && cap < (1u << 20))
		cap <<= 1;
	r->capacity = cap < SC_PROBES ? SC_PROBES : cap;
	r->ncpus = libbpf_num_possible_cpus();
	if (r->ncpus <= 0) {
		err = r->ncpus ? r->ncpus : -EINVAL;
		sc_err("cannot count possible CPUs: %s", strerror(-err));
		goto fail;
	}
	if ((o->pin_dir && (err = adopt_pinned(r, o))) || (!r->adopted && (err = start_fresh(r, o))) ||
	    (err = map_userspace(r, o)))
		goto fail;
	sc_debug("recorder %s (%s), %u cgroup slots, %zu bytes per slot and %zu per slot and CPU",
		 r->adopted ? "adopted" : "attached", recorder__attach_name(r), r->capacity,
		 sizeof(struct sc_cgroup_ent), sizeof(struct sc_counts));
	return r;
fail:
	recorder__destroy(r);
	if (o->pin_dir)
		rmdir(o->pin_dir);	/* only if we left it empty */
	errno = -err;
	return NULL;
}

void recorder__destroy(struct sc_recorder *r)
{
	if (!r)
		return;
	ring_buffer__free(r->rb);
	if (r->table)
		munmap(r->table, r->table_len);
	if (r->bss_mapped && r->bss)
		munmap(r->bss, sizeof(*r->bss));
	/* pinned links keep running; the rest goes with this process */
	destroy_link(&r->link_mkdir);
	destroy_link(&r->link_rmdir);
	recorder__detach(r);
	recorder_bpf__destroy(r->skel);
	if (r->fd_cgroups >= 0)
		close(r->fd_cgroups);
	if (r->fd_counts >= 0)
		close(r->fd_counts);
	if (r->fd_events >= 0)
		close(r->fd_events);
	if (r->fd_bss >= 0)
		close(r->fd_bss);
	if (r->fd_denied >= 0)
		close(r->fd_denied);
	if (r->fd_memo >= 0)
		close(r->fd_memo);
	if (r->fd_args >= 0)
		close(r->fd_args);
	if (r->fd_prog_enter >= 0)
		close(r->fd_prog_enter);
	if (r->fd_prog_deny >= 0)
		close(r->fd_prog_deny);
	free(r->percpu);
	free(r);
}

const char *recorder__attach_name(const struct sc_recorder *r)
{
	return r->mode == SC_ATTACH_BTF ? "tp_btf" : "raw_tp";
}

uint32_t recorder__capacity(const struct sc_recorder *r)
{
	return r->capacity;
}

uint64_t recorder__map_memlock(int fd)
{
	char path[64], *text, *p;
	uint64_t v = 0;

	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	text = sc_read_file(path, 1 << 16, NULL);
	if (text && (p = strstr(text, "\nmemlock:")))
		v = strtoull(p + 9, NULL, 10);
	free(text);
	return v;
}

static void map_info(int fd, const char *name, struct sc_map_mem *m)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);

	m->name = name;
	m->bytes = recorder__map_memlock(fd);
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len)) {
		m->value_size = info.value_size;
		m->max_entries = info.max_entries;
		m->per_cpu = info.type == BPF_MAP_TYPE_PERCPU_ARRAY || info.type == BPF_MAP_TYPE_PERCPU_HASH;
	}
}

uint64_t recorder__memory(const struct sc_recorder *r, struct sc_map_mem *m)
{
	const int fds[SC_RECORDER_MAPS] = { r->fd_cgroups, r->fd_counts, r->fd_memo, r->fd_events, r->fd_denied,
					    r->fd_args, r->skel ? bpf_map__fd(r->skel->maps.bss) : r->fd_bss };
	static const char *const names[SC_RECORDER_MAPS] = { "cgroups", "counts", "memo", "events", "denied", "args",
							     "bss" };
	uint64_t total = 0;

	for (int i = 0; i < SC_RECORDER_MAPS; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		map_info(fds[i], names[i], &m[i]);
		total += m[i].bytes;
	}
	return total;
}

int recorder__ncpus(const struct sc_recorder *r)
{
	return r->ncpus;
}

bool recorder__adopted(const struct sc_recorder *r)
{
	return r->adopted;
}

void recorder__stats(const struct sc_recorder *r, struct sc_recorder_stats *st)
{
	st->epoch = __atomic_load_n(&r->bss->sc_epoch, __ATOMIC_RELAXED);
	st->table_full = __atomic_load_n(&r->bss->sc_table_full, __ATOMIC_RELAXED);
	st->events_lost = __atomic_load_n(&r->bss->sc_events_lost, __ATOMIC_RELAXED);
	st->denied_lost = __atomic_load_n(&r->bss->sc_denied_lost, __ATOMIC_RELAXED);
}

/* After a change to the table: every per-CPU memo filled before is invalid. */
static int bump_epoch(struct sc_recorder *r)
{
	__atomic_fetch_add(&r->bss->sc_epoch, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int recorder__track(struct sc_recorder *r, uint64_t cgid, uint32_t *slot)
{
	uint32_t h = sc_slot_hash(cgid), mask = r->capacity - 1;

	if (cgid == SC_SLOT_EMPTY || cgid == SC_SLOT_DEAD || cgid == SC_SLOT_BUSY)
		return -EINVAL;
	/* bounded: each retry means the BPF side claimed a slot in between */
	for (int attempt = 0; attempt < SC_PROBES; attempt++) {
		uint32_t free_slot = UINT32_MAX, s;
		__u64 v, old = 0;	/* the type of the table's cgid, for the compare-and-swap */

		/* the whole probe sequence first: the id may already be there past a free slot */
		for (int i = 0; i < SC_PROBES; i++) {
			s = (h + i) & mask;
			v = __atomic_load_n(&r->table[s].cgid, __ATOMIC_ACQUIRE);
			if (v == cgid) {
				*slot = s;
				return 0;
			}
			if ((v == SC_SLOT_EMPTY || v == SC_SLOT_DEAD) && free_slot == UINT32_MAX) {
				free_slot = s;
				old = v;
			}
			if (v == SC_SLOT_EMPTY)
				break;
		}
		if (free_slot == UINT32_MAX)
			return -ENOSPC;
		if (__atomic_compare_exchange_n(&r->table[free_slot].cgid, &old, cgid, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			*slot = free_slot;
			return bump_epoch(r);
		}
	}
	return -EAGAIN;
}

uint64_t recorder__slot_cgid(const struct sc_recorder *r, uint32_t slot)
{
	uint64_t v;

	if (slot >= r->capacity)
		return 0;
	v = __atomic_load_n(&r->table[slot].cgid, __ATOMIC_ACQUIRE);
	return v == SC_SLOT_DEAD || v == SC_SLOT_BUSY ? 0 : v;
}

bool recorder__pinned(const struct sc_recorder *r)
{
	char p[PATH_MAX];

	if (!r->pin_dir[0] || pin_path(p, sizeof(p), r->pin_dir, pin_links[r->mode == SC_ATTACH_BTF ? 0 : 1]))
		return true;
	return access(p, F_OK) == 0 || errno != ENOENT;
}

int recorder__probe(struct sc_recorder *r)
{
	uint32_t slot = 0;

	return bpf_map_lookup_elem(r->fd_counts, &slot, r->percpu) ? -errno : 0;
}

int recorder__read(struct sc_recorder *r, uint32_t slot, struct sc_slot_counts *c)
{
	const struct sc_cgroup_ent *ent;
	uint32_t sum[SC_SLOT_KEYS + 1] = {}, keys[SC_SLOT_KEYS];
	const uint64_t *carry;

	if (slot >= r->capacity)
		return -EINVAL;
	/*
	 * The carries, then the counters, then the key table. A program claims a key before
	 * it counts it, so every counter read here has its key visible after (a key claimed
	 * later whose first calls were not read yet shows then: the counters are
	 * cumulative). A counter wraps before its carry is added: carries read before the
	 * counters are never ahead of them, so the sum is never ahead of the calls (at most
	 * 2^16 behind per wrap in between, which the next read makes good).
	 */
	ent = &r->table[slot];
	carry = (const uint64_t *)ent->carry;
	for (int q = 0; q < SC_SLOT_COUNTERS / 4; q++) {
		uint64_t word = __atomic_load_n(&carry[q], __ATOMIC_ACQUIRE);

		for (int k = 0; k < 4 && q * 4 + k <= SC_SLOT_KEYS; k++)
			sum[q * 4 + k] = (uint32_t)((word >> (16 * k)) & 0xffff) << 16;
	}
	if (bpf_map_lookup_elem(r->fd_counts, &slot, r->percpu))
		return -errno;
	for (int cpu = 0; cpu < r->ncpus; cpu++)
		for (int i = 0; i <= SC_SLOT_KEYS; i++)
			sum[i] += r->percpu[cpu].n[i];	/* modulo 2^32, on purpose */
	memset(c, 0, sizeof(*c));
	for (int w = 0; w < SC_NKEYS / 64; w++)
		c->untabled[w] = __atomic_load_n(&ent->seen[w], __ATOMIC_ACQUIRE);
	for (int i = 0; i < SC_SLOT_KEYS; i++) {
		keys[i] = __atomic_load_n(&ent->keys[i], __ATOMIC_ACQUIRE);
		if (!keys[i] || keys[i] > SC_NKEYS)
			continue;
		/* the key is the flat index of n; += as a key placed twice (a lost claim race) has two counters */
		(&c->n[0][0][0])[keys[i] - 1] += sum[i];
		c->untabled[(keys[i] - 1) / 64] &= ~(1ULL << ((keys[i] - 1) % 64));
	}
	/*
	 * A key seen but not in the table is one without a counter only if its probe
	 * sequence is full, as the program decided; with a free entry in it, the program
	 * has set the bit and not yet claimed the entry: it is counted at the next read.
	 */
	for (int w = 0; w < SC_NKEYS / 64; w++)
		for (uint64_t bits = c->untabled[w]; bits; bits &= bits - 1) {
			uint32_t key = w * 64 + __builtin_ctzll(bits), h = sc_key_home(key);

			for (int p = 0; p < SC_KEY_PROBES; p++)
				if (!keys[(h + p) % SC_SLOT_KEYS]) {
					c->untabled[w] &= ~(1ULL << (key % 64));
					break;
				}
		}
	c->uncounted = sum[SC_SLOT_KEYS];
	return 0;
}

/*
 * Wait until no program can still be running with a view of the table from before a
 * change: the programs run under rcu_read_lock(), and membarrier(MEMBARRIER_CMD_GLOBAL)
 * returns after an RCU grace period (synchronize_rcu()). Without membarrier, a pause far
 * longer than any program runs.
 */
static void grace_period(void)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	static bool said;

	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) < 0) {
		/* EINVAL on nohz_full kernels: a pause is then all there is, not a grace period */
		if (!said)
			sc_debug("membarrier(MEMBARRIER_CMD_GLOBAL): %s; pausing 20 ms before zeroing a slot",
				 strerror(errno));
		said = true;
		nanosleep(&pause, NULL);
	}
}

/* Mark @slot busy: no longer found by id (not counted, not claimable) until zeroed. 0 or -errno. */
static int mark_busy(struct sc_recorder *r, uint32_t slot)
{
	struct sc_cgroup_ent *ent;
	__u64 v;	/* the type of the table's cgid, for the compare-and-swap */

	if (slot >= r->capacity)
		return -EINVAL;
	ent = &r->table[slot];
	v = __atomic_load_n(&ent->cgid, __ATOMIC_ACQUIRE);
	if (v == SC_SLOT_EMPTY || v == SC_SLOT_DEAD || v == SC_SLOT_BUSY)
		return -ENOENT;
	if (!__atomic_compare_exchange_n(&ent->cgid, &v, SC_SLOT_BUSY, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return -EAGAIN;
	return 0;
}

/* A busy slot read into @last (NULL: not read) and zeroed, then free. 0 or -errno (kept busy). */
static int zero_busy(struct sc_recorder *r, uint32_t slot, struct sc_slot_counts *last)
{
	struct sc_cgroup_ent *ent = &r->table[slot];
	int err = 0;

	if (last)
		err = recorder__read(r, slot, last);
	memset(r->percpu, 0, r->ncpus * sizeof(*r->percpu));
	if (!err && bpf_map_update_elem(r->fd_counts, &slot, r->percpu, BPF_ANY))
		err = -errno;
	if (err)
		return err;	/* kept busy rather than hand out counters that are not zero */
	/* every field but the id: the next cgroup in this slot starts from nothing */
	memset(ent->keys, 0, sizeof(ent->keys));
	memset(ent->carry, 0, sizeof(ent->carry));
	memset(ent->seen, 0, sizeof(ent->seen));
	__atomic_store_n(&ent->cgid, SC_SLOT_DEAD, __ATOMIC_SEQ_CST);
	return 0;
}

int recorder__release(struct sc_recorder *r, uint32_t slot, struct sc_slot_counts *last)
{
	int err = mark_busy(r, slot);

	if (err)
		return err;
	bump_epoch(r);
	/* a program that found the slot before it was busy may still count or claim a key */
	grace_period();
	if ((err = zero_busy(r, slot, last)))
		return err;
	return bump_epoch(r);
}

void recorder__release_batch(struct sc_recorder *r, const uint32_t *slots, size_t n, struct sc_slot_counts *buf,
			     sc_release_fn done, void *ctx)
{
	int *err = calloc(n ? n : 1, sizeof(*err));
	bool any = false;

	if (!err) {	/* one at a time, then */
		for (size_t i = 0; i < n; i++)
			done(ctx, i, recorder__release(r, slots[i], buf), buf);
		return;
	}
	for (size_t i = 0; i < n; i++)
		any |= !(err[i] = mark_busy(r, slots[i]));
	if (any) {
		bump_epoch(r);
		grace_period();	/* one for all of them */
	}
	for (size_t i = 0; i < n; i++) {
		if (!err[i])
			err[i] = zero_busy(r, slots[i], buf);
		done(ctx, i, err[i], buf);
	}
	if (any)
		bump_epoch(r);
	free(err);
}

void slot_counts__fold(struct sc_slot_counts *total, const struct sc_slot_counts *cur)
{
	uint64_t *t = &total->n[0][0][0];
	const uint64_t *c = &cur->n[0][0][0];

	for (int k = 0; k < SC_NKEYS; k++)
		t[k] += sc_counter_delta(c[k], t[k]);
	for (int w = 0; w < SC_NKEYS / 64; w++)
		total->untabled[w] |= cur->untabled[w];
	total->uncounted += sc_counter_delta(cur->uncounted, total->uncounted);
}

void slot_counts__sum_phase(const struct sc_slot_counts *c, int phase, struct sc_tally *t)
{
	for (int a = 0; a < SC_NR_ABIS; a++)
		for (int n = 0; n < SC_NR_PER_ABI; n++)
			/* a key seen without a counter of its own ran at least once */
			t->n[a][n] += c->n[phase][a][n] ? c->n[phase][a][n] : slot_counts__untabled(c, phase, a, n);
}

void slot_counts__sum_phases(const struct sc_slot_counts *c, struct sc_tally *t)
{
	for (int p = 0; p < SC_PHASES; p++)
		slot_counts__sum_phase(c, p, t);
}

bool slot_counts__filtered(const struct sc_slot_counts *c)
{
	for (int a = 0; a < SC_NR_ABIS; a++)
		for (int n = 0; n < SC_NR_PER_ABI; n++)
			if (c->n[SC_FILTERED][a][n] || slot_counts__untabled(c, SC_FILTERED, a, n))
				return true;
	return false;
}

bool recorder__denials(const struct sc_recorder *r)
{
	return r->denials;
}

int recorder__drain_denials(struct sc_recorder *r, sc_denial_fn cb, void *ctx)
{
	struct sc_deny_key k, next;
	uint64_t count;
	int n = 0, err;

	if (!r->denials)
		return 0;
	/* bounded by the map's size; each key is read and deleted in one step */
	for (int i = 0; i < 65536; i++) {
		if (bpf_map_get_next_key(r->fd_denied, NULL, &next))
			break;
		k = next;
		err = bpf_map_lookup_and_delete_elem(r->fd_denied, &k, &count);
		if (err && errno == ENOENT)
			continue;
		if (err)
			return -errno;
		cb(ctx, &k, count);
		n++;
	}
	return n;
}

bool recorder__args(const struct sc_recorder *r)
{
	return r->record_args;
}

int recorder__read_args(struct sc_recorder *r, sc_arg_fn cb, void *ctx, uint64_t *lost)
{
	struct sc_arg_key k, next;
	int n = 0;

	*lost = 0;
	if (!r->record_args || r->fd_args < 0 || !r->bss)
		return 0;
	*lost = __atomic_load_n(&r->bss->sc_args_lost, __ATOMIC_RELAXED);
	/*
	 * Bounded by the map's size; nothing is deleted meanwhile (recorder__forget_args
	 * comes after), so the walk does not start over. A value added during the walk
	 * in a bucket already passed is read next time.
	 */
	for (int i = 0; i < 4 * SC_ARGS_MAX_AGENT; i++) {
		if (bpf_map_get_next_key(r->fd_args, i ? &k : NULL, &next))
			break;
		k = next;
		cb(ctx, &k);
		n++;
	}
	return n;
}

int recorder__forget_args(struct sc_recorder *r, const struct sc_arg_key *keys, size_t n)
{
	int ret = 0;

	for (size_t i = 0; r->fd_args >= 0 && i < n; i++)
		if (bpf_map_delete_elem(r->fd_args, &keys[i]) && errno != ENOENT)
			ret = -errno;
	return ret;
}

int recorder__events_fd(const struct sc_recorder *r)
{
	return r->rb ? ring_buffer__epoll_fd(r->rb) : -1;
}

int recorder__poll_events(struct sc_recorder *r, int timeout_ms, sc_event_fn cb, void *ctx)
{
	if (!r->rb)
		return -EINVAL;
	r->cb = cb;
	r->cb_ctx = ctx;
	return ring_buffer__poll(r->rb, timeout_ms);
}

static void prog_stats(int fd, struct sc_prog_cost *c)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len)) {
		c->run_ns = info.run_time_ns;
		c->runs = info.run_cnt;
	}
}

int recorder__cost(const struct sc_recorder *r, struct sc_prog_cost *enter, struct sc_prog_cost *deny)
{
	char *on = sc_read_file("/proc/sys/kernel/bpf_stats_enabled", 64, NULL);
	bool enabled = on && on[0] == '1';

	free(on);
	memset(enter, 0, sizeof(*enter));
	memset(deny, 0, sizeof(*deny));
	if (r->skel) {
		prog_stats(bpf_program__fd(enter_prog((struct sc_recorder *)r)), enter);
		if (r->denials)
			prog_stats(bpf_program__fd(r->skel->progs.sc_deny_exit_btf), deny);
	} else {
		prog_stats(r->fd_prog_enter, enter);
		prog_stats(r->fd_prog_deny, deny);
	}
	return enabled ? 0 : -ENODATA;
}
