// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lib/: what every stage uses and nothing below it: messages, whole files read and
 * written atomically (temp file, fsync, rename), growable arrays and string buffers,
 * number parsing, time formatting, mkdir -p, tree removal, signals; json.c the JSON
 * layer that keeps numbers exact; paths.h the default paths. lib/ calls only libc
 * and cJSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

int sc_verbose;

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	if (sc_verbose < 0)
		return;		/* the fuzz harnesses: messages are expected, and slow */
	fprintf(stderr, "syscensus: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sc_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void sc_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void sc_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void sc_debug(const char *fmt, ...)
{
	va_list ap;

	if (!sc_verbose)
		return;
	va_start(ap, fmt);
	vmsg("debug: ", fmt, ap);
	va_end(ap);
}

static char *read_path(const char *path, bool untrusted, size_t max, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	struct stat st;
	int fd, err = 0;

	/* untrusted: never through a symlink, never blocked by a FIFO's open */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (untrusted ? O_NOFOLLOW | O_NONBLOCK : 0));
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		err = errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = EISDIR;
		goto out;
	}
	if (untrusted && !S_ISREG(st.st_mode)) {
		err = EINVAL;
		goto out;
	}
	if (untrusted && (uint64_t)st.st_size > max) {
		err = EFBIG;	/* said without reading it: a regular file's size does not lie */
		goto out;
	}
	buf = malloc(max + 1);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	/* read up to max + 1 bytes: works for pipes and /proc files whose st_size lies */
	while (n <= max) {
		ssize_t r = read(fd, buf + n, max + 1 - n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto out;
		}
		if (r == 0)
			break;
		n += r;
	}
	if (n > max) {
		err = EFBIG;
		goto out;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
out:
	close(fd);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	return buf;
}

char *sc_read_file(const char *path, size_t max, size_t *len)
{
	return read_path(path, false, max, len);
}

char *sc_read_untrusted(const char *path, size_t max, size_t *len)
{
	return read_path(path, true, max, len);
}

const char *sc_read_error(int err)
{
	switch (err) {
	case EFBIG: return "larger than syscensus reads (refused)";
	case ELOOP: return "a symbolic link (refused: runtimes write regular files)";
	case EINVAL: return "not a regular file (a FIFO, socket or device: refused)";
	default: return strerror(err);
	}
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t r = write(fd, p, len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		len -= r;
	}
	return 0;
}

int sc_write_file_atomic(const char *path, const void *buf, size_t len)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd = -1, dfd = -1, ret;

	struct stat st;
	char real[PATH_MAX];

	if (strcmp(path, "-") == 0)
		return write_all(STDOUT_FILENO, buf, len);
	/* a symlink: replace its target, not the link */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!realpath(path, real))
			return -errno;
		path = real;
	}
	/* /dev/null, a FIFO, a tty: write into it; renaming over it would replace it */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return -errno;
		ret = write_all(fd, buf, len);
		close(fd);
		return ret;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp) ||
	    snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, buf, len);
	if (ret)
		goto fail;
	/* new files get the usual 0644 instead of mkstemp's 0600 */
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		ret = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ret = -errno;
		goto fail;
	}
	/* make the rename itself durable */
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return ret;
}

int sc_parse_on_off(const char *cmd, const char *opt, const char *arg, bool *off)
{
	if (strcmp(arg, "on") && strcmp(arg, "off")) {
		sc_err("%s: --%s: expected on or off, not \"%s\"", cmd, opt, arg);
		return -EINVAL;
	}
	*off = !strcmp(arg, "off");
	return 0;
}

int sc_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = *s - '0';
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

void *sc_grow(void *p, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c;
	void *q;

	if (n < *cap)
		return p;
	c = *cap ? *cap : first;
	if (c < first)
		c = first;
	while (c <= n) {
		if (c > SIZE_MAX / 2)
			return NULL;
		c *= 2;
	}
	if (c > SIZE_MAX / size || !(q = realloc(p, c * size)))
		return NULL;
	*cap = c;
	return q;
}

static void buf_reserve(struct sc_buf *b, size_t extra)
{
	size_t cap, need;
	char *p;

	if (b->oom)
		return;
	if (extra > SIZE_MAX - 1 - b->len) {
		b->oom = true;
		return;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	for (cap = b->cap ? b->cap : 256; cap < need; cap *= 2) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
	}
	p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return;
	}
	b->data = p;
	b->cap = cap;
}

int sc_buf_add(struct sc_buf *b, const char *p, size_t n)
{
	buf_reserve(b, n);
	if (b->oom)
		return -ENOMEM;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void sc_buf_puts(struct sc_buf *b, const char *s)
{
	sc_buf_add(b, s, strlen(s));
}

void sc_buf_printf(struct sc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	buf_reserve(b, n);
	if (b->oom)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void sc_buf_free(struct sc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

char *sc_resolve_command(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	const char *p, *end;

	if (!*cmd) {
		errno = ENOENT;
		return NULL;
	}
	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK) < 0)
			return NULL;
		return strdup(cmd);
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		struct stat st;
		size_t dl;

		end = strchrnul(p, ':');
		dl = end - p;
		if (dl == 0)
			dl = 1, p = ".";	/* empty entry: current directory */
		if (dl + 1 + strlen(cmd) < sizeof(buf)) {
			memcpy(buf, p, dl);
			buf[dl] = '/';
			strcpy(buf + dl + 1, cmd);
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
				return strdup(buf);
		}
		if (!*end)
			break;
	}
	errno = ENOENT;
	return NULL;
}

void sc_fmt_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "-");
}

int sc_mkdir_p(const char *dir, mode_t mode)
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

static int rm_first_err;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	if (remove(p) < 0 && errno != ENOENT && !rm_first_err)
		rm_first_err = -errno;
	return 0;
}

int sc_rm_tree(const char *path)
{
	rm_first_err = 0;
	/* FTW_PHYS: a symlink is removed, never followed; FTW_DEPTH: children first */
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return -errno;
	return rm_first_err;
}

int sc_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sc_set_signals(void (*fn)(int), const int *sigs)
{
	struct sigaction sa = { .sa_handler = fn };

	sigemptyset(&sa.sa_mask);
	for (; *sigs; sigs++)
		if (sigaction(*sigs, &sa, NULL) < 0)
			return -errno;
	return 0;
}

int sc_check_output(const char *path, const char *what)
{
	char dir[PATH_MAX], real[PATH_MAX];
	struct stat st;

	if (!strcmp(path, "-"))
		return 0;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!realpath(path, real)) {
			sc_err("%s %s: a symlink to %s", what, path, errno == ENOENT ? "nothing" : strerror(errno));
			return -ENOENT;
		}
		path = real;
	}
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			sc_err("%s %s: a directory; give a file name", what, path);
			return -EISDIR;
		}
		if (!S_ISREG(st.st_mode))
			return 0;	/* /dev/null, a FIFO: written into */
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir)) {
		sc_err("%s %s: path too long", what, path);
		return -ENAMETOOLONG;
	}
	if (access(dirname(dir), W_OK) < 0) {
		int err = errno;

		sc_err("%s %s: %s %s", what, path, err == ENOENT ? "no directory" : "cannot write in", dir);
		return -err;
	}
	return 0;
}

const char *sc_inline_name(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return "";
	for (const unsigned char *p = (const unsigned char *)s; *p && n + 1 < len; p++)
		buf[n++] = *p < 0x20 || *p == 0x7f || *p == '`' ? '?' : (char)*p;
	buf[n] = '\0';
	return buf;
}
