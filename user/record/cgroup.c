// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record/cgroup.h"
#include "lib/util.h"

int cgroup__v2_mount(char *buf, size_t len)
{
	return cgroup__v2_mount_from("/proc/self/mountinfo", buf, len);
}

int cgroup__v2_mount_from(const char *mountinfo, char *buf, size_t len)
{
	char line[4096];
	FILE *f;
	int ret = -ENOENT;

	f = fopen(mountinfo, "re");
	if (!f)
		return -errno;
	/* "36 25 0:30 / /sys/fs/cgroup rw,... shared:9 - cgroup2 cgroup2 rw" */
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		char mnt[PATH_MAX], fstype[64];

		if (!sep || sscanf(sep + 3, "%63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		/* mountinfo escapes spaces as \040; cgroup mounts do not have any */
		if (strchr(mnt, '\\'))
			continue;
		if ((size_t)snprintf(buf, len, "%s", mnt) >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

int cgroup__id(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	int mount_id;
	struct stat st;

	/* the kernfs file handle is the 64-bit cgroup id (what the BPF side reads) */
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) == 0 &&
	    h.fh.handle_bytes == sizeof(uint64_t)) {
		*id = h.id;
		return 0;
	}
	/* on 64-bit kernels the id is also the inode number */
	if (stat(path, &st) < 0)
		return -errno;
	*id = st.st_ino;
	return 0;
}

int cgroup__kill(const char *path)
{
	char file[PATH_MAX];
	int fd, ret = 0;

	if (snprintf(file, sizeof(file), "%s/cgroup.kill", path) >= (int)sizeof(file))
		return -ENAMETOOLONG;
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

int cgroup__populated(const char *path)
{
	char file[PATH_MAX], *text, *p;
	int ret;

	if (snprintf(file, sizeof(file), "%s/cgroup.events", path) >= (int)sizeof(file))
		return -ENAMETOOLONG;
	text = sc_read_file(file, 4096, NULL);
	if (!text)
		return -errno;
	p = strstr(text, "populated ");
	ret = p ? p[10] == '1' : -EINVAL;
	free(text);
	return ret;
}

int cgroup__events_populated(int fd)
{
	char text[256], *p;
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);

	if (n < 0)
		return -errno;
	text[n] = '\0';
	p = strstr(text, "populated ");
	return p ? p[10] == '1' : -EINVAL;
}

int cgroup__wait_empty(const char *path, unsigned every_ms, int (*every)(void *), void *ctx)
{
	struct timespec last, now;
	char file[PATH_MAX];
	struct pollfd pfd;
	int ret;

	if (snprintf(file, sizeof(file), "%s/cgroup.events", path) >= (int)sizeof(file))
		return -ENAMETOOLONG;
	pfd.fd = open(file, O_RDONLY | O_CLOEXEC);
	if (pfd.fd < 0)
		return -errno;
	pfd.events = POLLPRI;
	clock_gettime(CLOCK_MONOTONIC, &last);
	for (;;) {
		/* reap re-parented descendants (we are their subreaper) */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		/*
		 * Read on the polled file itself: kernfs reports POLLPRI (and POLLERR) until
		 * the file is read again after a change, so reading another fd would leave
		 * poll() returning at once, forever.
		 */
		ret = cgroup__events_populated(pfd.fd);
		if (ret <= 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (every && (now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 >= every_ms) {
			if (every(ctx)) {
				ret = -EINTR;
				break;
			}
			last = now;
		}
		/* cgroup.events raises POLLPRI on change; the timeout covers missed edges */
		if (poll(&pfd, 1, 500) < 0) {
			if (errno != EINTR) {
				ret = -errno;
				break;
			}
			/* a signal: ask at once whether to stop */
			if (every && every(ctx)) {
				ret = -EINTR;
				break;
			}
		}
	}
	close(pfd.fd);
	return ret;
}

struct walk {
	size_t mnt_len;
	unsigned max, visited;
	bool incomplete;	/* a directory could not be read, or a bound was reached */
	sc_cgroup_fn fn;
	void *ctx;
};

static void walk_dir(struct walk *w, char *path, size_t len, int depth)
{
	struct dirent *de;
	DIR *d;

	if (depth > 32 || w->visited >= w->max) {
		w->incomplete = true;
		return;
	}
	w->visited++;
	w->fn(w->ctx, path, path[w->mnt_len] ? path + w->mnt_len : "/");
	d = opendir(path);
	if (!d) {
		/* removed since it was listed: nothing is below it; anything else: we cannot tell */
		if (errno != ENOENT)
			w->incomplete = true;
		return;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len + 1 + n >= PATH_MAX) {
			w->incomplete = true;
			continue;
		}
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, n + 1);
		walk_dir(w, path, len + 1 + n, depth + 1);
		path[len] = '\0';
	}
	closedir(d);
}

int cgroup__walk(const char *mnt, unsigned max, sc_cgroup_fn fn, void *ctx, unsigned *visited)
{
	struct walk w = { .mnt_len = strlen(mnt), .max = max, .fn = fn, .ctx = ctx };
	char path[PATH_MAX];

	if (visited)
		*visited = 0;
	if (w.mnt_len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, mnt, w.mnt_len + 1);
	walk_dir(&w, path, w.mnt_len, 0);
	if (visited)
		*visited = w.visited;
	return w.incomplete ? -EIO : 0;
}

int cgroup__path_of(const char *mnt, uint64_t cgid, char *rel, size_t len)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t), .fh.handle_type = 0xfe /* FILEID_KERNFS */, .id = cgid };
	char link[64], abs[PATH_MAX];
	int mfd, fd, ret = 0;
	ssize_t n;
	size_t ml = strlen(mnt);

	mfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return -errno;
	fd = open_by_handle_at(mfd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		ret = errno == ESTALE || errno == ENOENT ? -ENOENT : -errno;
	close(mfd);
	if (fd < 0)
		return ret;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, abs, sizeof(abs) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	abs[n] = '\0';
	if (strncmp(abs, mnt, ml) || (abs[ml] && abs[ml] != '/'))
		return -EXDEV;	/* not below the mount we were given */
	if ((size_t)snprintf(rel, len, "%s", abs[ml] ? abs + ml : "/") >= len)
		return -ENAMETOOLONG;
	return 0;
}
