/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef SC_UTIL_H
#define SC_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#define SC_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes of every command (documented in the README and `syscensus help`). */
#define SC_EXIT_OK	0	/* success, nothing found */
#define SC_EXIT_FAIL	1	/* failure, or a finding (invalid profile, drift) */
#define SC_EXIT_USAGE	2	/* bad command line */

extern int sc_verbose;	/* > 0: debug messages too; < 0: no message at all (fuzzing) */

/* Messages go to stderr, prefixed with "syscensus: " and, for warnings, "warning: ". */
void sc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sc_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sc_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Read a whole regular file, at most @max bytes, NUL-terminated.
 * Returns NULL with errno set (EFBIG when larger than @max, EISDIR, ...).
 */
char *sc_read_file(const char *path, size_t max, size_t *len);
/*
 * The same for a file that containers or runtimes control: a regular file only (EINVAL
 * otherwise, without blocking on a FIFO), not through a symlink (ELOOP).
 */
char *sc_read_untrusted(const char *path, size_t max, size_t *len);
/* What a failed sc_read_*() of errno @err means, for a message. */
const char *sc_read_error(int err);

/*
 * Room for one more element in a growable array @p of *@cap elements of @size bytes,
 * @n of them used: @p itself while there is room, else the array reallocated with
 * twice the capacity (@first at least) and *@cap updated. NULL when memory runs out or
 * the size would overflow; @p is then still valid and unchanged.
 */
void *sc_grow(void *p, size_t *cap, size_t n, size_t size, size_t first);

/*
 * Replace @path with @len bytes of @buf so that a crash or a kill at any point leaves
 * either the old or the new file: write a temp file in the same directory, fsync it,
 * rename it over @path, fsync the directory. "-" writes to stdout. Returns 0 or -errno.
 */
int sc_write_file_atomic(const char *path, const void *buf, size_t len);

/*
 * mkdir -p: the missing parents with mode 0755, @dir itself with @mode; an existing
 * directory is fine. Returns 0 or -errno.
 */
int sc_mkdir_p(const char *dir, mode_t mode);

/* Remove @path and everything below it, never following a symlink. 0 or the first -errno. */
int sc_rm_tree(const char *path);

/* qsort() comparator for an array of strings. */
int sc_cmp_str(const void *a, const void *b);

/*
 * Handle each signal of the 0-terminated @sigs with @fn, SIG_IGN or SIG_DFL (sigaction,
 * no SA_RESTART: a blocking call returns EINTR so the caller sees the signal).
 * Returns 0 or -errno.
 */
int sc_set_signals(void (*fn)(int), const int *sigs);

/*
 * Whether sc_write_file_atomic(@path) can work, checked before any work is done: "-",
 * or a path whose directory exists and is writable, that is not a directory, and not
 * a symlink that leads nowhere. Returns 0, or -errno after saying what is wrong.
 */
int sc_check_output(const char *path, const char *what);

/* Unix time @t as "2026-11-28T10:29:51Z" (UTC), or "-" for 0. */
void sc_fmt_time(int64_t t, char *buf, size_t len);

/* "on" or "off" for option --@opt of command @cmd into *@off; 0, or -EINVAL after saying what is accepted. */
int sc_parse_on_off(const char *cmd, const char *opt, const char *arg, bool *off);

/* Parse an unsigned decimal integer made only of digits, <= @max. Returns 0 or -EINVAL/-ERANGE. */
int sc_parse_u64(const char *s, uint64_t max, uint64_t *out);

/*
 * @s for one line of markdown or of a commit message, into @buf: control characters
 * (newlines included) and backticks become '?', so that a name from a container cannot
 * end a code span, add a line or forge a trailer. Returns @buf.
 */
const char *sc_inline_name(const char *s, char *buf, size_t len);

/* Growable string buffer; on allocation failure it sets .oom and stops growing. */
struct sc_buf {
	char *data;
	size_t len, cap;
	bool oom;
};
/* Append @n bytes (NULs included), keeping the buffer NUL-terminated. 0 or -ENOMEM (.oom set). */
int sc_buf_add(struct sc_buf *b, const char *p, size_t n);
void sc_buf_puts(struct sc_buf *b, const char *s);
void sc_buf_printf(struct sc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_buf_free(struct sc_buf *b);

/*
 * Resolve @cmd like execvp() would, before any filter or cgroup change, so that the
 * child then issues exactly one execve. Returns a malloc'd path or NULL (errno set).
 */
char *sc_resolve_command(const char *cmd);

#endif
