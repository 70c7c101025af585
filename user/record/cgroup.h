/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef SC_CGROUP_H
#define SC_CGROUP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Mount point of the cgroup v2 (unified) hierarchy, read from /proc/self/mountinfo:
 * /sys/fs/cgroup on pure v2 hosts, /sys/fs/cgroup/unified on hybrid ones.
 * Returns 0 or -ENOENT when no cgroup2 is mounted.
 */
int cgroup__v2_mount(char *buf, size_t len);
/* The same from another mountinfo file (tests). */
int cgroup__v2_mount_from(const char *mountinfo, char *buf, size_t len);

/* Called for each cgroup of a walk: its absolute path and its path below the mount ("/" for the root). */
typedef void (*sc_cgroup_fn)(void *ctx, const char *abs, const char *rel);

/*
 * Visit the cgroup v2 hierarchy mounted at @mnt, depth first: at most 32 levels and
 * @max cgroups (the rest is skipped). @visited (may be NULL) gets how many were
 * visited. Returns 0, or -EIO when the walk is incomplete (a directory that exists
 * could not be read, or a bound was reached): a cgroup not visited then may exist.
 */
int cgroup__walk(const char *mnt, unsigned max, sc_cgroup_fn fn, void *ctx, unsigned *visited);

/*
 * The path below @mnt of the cgroup whose id is @cgid, if it still exists (its kernfs
 * file handle). Returns 0, -ENOENT when it is gone, or -errno (-EPERM without
 * CAP_DAC_READ_SEARCH: the caller cannot tell).
 */
int cgroup__path_of(const char *mnt, uint64_t cgid, char *rel, size_t len);

/* Id of a cgroup v2 directory, as bpf_get_current_cgroup_id() reports it. */
int cgroup__id(const char *path, uint64_t *id);

/* Whether the cgroup has no live task left (cgroup.events "populated 0"). */
int cgroup__populated(const char *path);

/* "populated 0|1" of an open cgroup.events, re-read from the start (which also re-arms POLLPRI). */
int cgroup__events_populated(int fd);

/*
 * Wait until the cgroup is empty, reaping any child that exits meanwhile, and call
 * @every (may be NULL) about every @every_ms meanwhile and after a signal; when it
 * returns nonzero, stop waiting. Returns 0, -EINTR (@every said stop) or -errno.
 */
int cgroup__wait_empty(const char *path, unsigned every_ms, int (*every)(void *), void *ctx);

/* SIGKILL every process of the cgroup and below it (cgroup.kill, Linux >= 5.14). 0 or -errno. */
int cgroup__kill(const char *path);

#endif
