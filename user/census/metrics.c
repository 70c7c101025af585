// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The census as Prometheus metrics. Conventions followed (prometheus.io/docs/practices/
 * naming): a syscensus_ prefix, base units (seconds), counters end in _total,
 * timestamps in _timestamp_seconds, an info series is a gauge of 1 named _info. Label
 * values come from containers and runtimes: they are escaped (backslash, quote,
 * newline) and bytes that are not UTF-8 are replaced, so a hostile image name cannot
 * break the exposition or add a series.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "census/metrics.h"
#include "seccomp/filename.h"
#include "seccomp/filter.h"
#include "seccomp/generate.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"

const char *metrics__abi_label(int abi)
{
	const struct sc_arch *a = arch_of_abi(abi);

	if (!a)
		return "unknown";
	if (!strcmp(a->docker, "SCMP_ARCH_X86_64"))
		return "x86_64";
	if (!strcmp(a->docker, "SCMP_ARCH_X86"))
		return "x86";
	if (!strcmp(a->docker, "SCMP_ARCH_AARCH64"))
		return "aarch64";
	return a->docker;
}

int metrics__abi_of_label(const char *label)
{
	for (int abi = 0; abi < SC_NR_ABIS; abi++)
		if (arch_of_abi(abi) && !strcmp(metrics__abi_label(abi), label))
			return abi;
	return -1;
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and numbers past Unicode are not UTF-8 */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * @s as a label value, quotes included. Escaped for the format (backslash, quote,
 * newline); a byte that is not UTF-8, and '%' itself, become %XX, so that the label
 * stays valid UTF-8 and two names never give the same value (metrics__label_decode()
 * reads it back; names of the reference grammar have no '%').
 */
static void label_value(struct sc_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	sc_buf_add(b, "\"", 1);
	while (n) {
		size_t k = utf8_len(p, n);

		if (!k || *p == '%') {
			sc_buf_printf(b, "%%%02X", *p);
			k = 1;
		} else if (*p == '\\') {
			sc_buf_puts(b, "\\\\");
		} else if (*p == '"') {
			sc_buf_puts(b, "\\\"");
		} else if (*p == '\n') {
			sc_buf_puts(b, "\\n");
		} else {
			sc_buf_add(b, (const char *)p, k);
		}
		p += k;
		n -= k;
	}
	sc_buf_add(b, "\"", 1);
}

int metrics__label_decode(const char *label, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = label; *p; p++) {
		unsigned v;

		if (n + 1 >= len)
			return -ENAMETOOLONG;
		if (*p != '%') {
			out[n++] = *p;
			continue;
		}
		if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]) || sscanf(p + 1, "%2x", &v) != 1 || !v)
			return -EINVAL;
		out[n++] = (char)v;
		p += 2;
	}
	out[n] = '\0';
	return 0;
}

static void family(struct sc_buf *b, const char *name, const char *type, const char *help)
{
	sc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{image="..."} value */
static void image_sample(struct sc_buf *b, const char *name, const struct sc_image *img, int64_t v)
{
	sc_buf_printf(b, "%s{image=", name);
	label_value(b, img->key);
	sc_buf_printf(b, "} %lld\n", (long long)v);
}

static bool listed(const struct sc_image *img)
{
	return !img->unknown;
}

/*
 * Per image and phase: phase="filtered" the calls made under a seccomp filter (a confined
 * container's own: its profile); phase="unfiltered" the calls made before any, all of them
 * for an image never seen confined (they are its profile), only those of the runtime's
 * setup table for a confined one (the profile takes those for the other no-new-privileges
 * mode; the rest of runc's setup would only add series). Both only grow.
 */
static void syscalls(struct sc_buf *b, const struct sc_census *c)
{
	char nb[16];

	family(b, "syscensus_syscalls_total", "counter",
	       "Syscalls made by the containers of an image: phase=filtered under a seccomp filter (a confined "
	       "image's profile), phase=unfiltered before any (an unconfined image's profile; for a confined one, "
	       "the runtime's setup calls its profile keeps).");
	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];
		bool confined = image__confined(img);

		for (size_t k = 0; listed(img) && k < img->calls.n; k++) {
			const struct sc_vent *e = &img->calls.e[k];
			int abi = SC_KEY_ABI(e->key), nr = SC_KEY_NR(e->key), phase = SC_KEY_PHASE(e->key);

			if (!e->count || (phase == SC_UNFILTERED && confined && !generate__is_runtime_setup(abi, nr)))
				continue;
			sc_buf_puts(b, "syscensus_syscalls_total{image=");
			label_value(b, img->key);
			sc_buf_printf(b, ",syscall=\"%s\",abi=\"%s\",phase=\"%s\"} %llu\n",
				      syscall_label(abi, nr, nb, sizeof(nb)), metrics__abi_label(abi),
				      phase == SC_FILTERED ? "filtered" : "unfiltered", (unsigned long long)e->count);
		}
	}
}

static void images(struct sc_buf *b, const struct sc_census *c)
{
	static const struct {
		const char *name, *type, *help;
	} f[SC_METRICS_IMAGE_SERIES] = {
		{ "syscensus_image_first_seen_timestamp_seconds", "gauge",
		  "When a container of the image was first attributed (unix time)." },
		{ "syscensus_image_last_seen_timestamp_seconds", "gauge",
		  "When a container of the image was last active (unix time)." },
		{ "syscensus_image_last_new_syscall_timestamp_seconds", "gauge",
		  "When the image last made a syscall it had never made (unix time): how long its set has been stable." },
		{ "syscensus_image_containers_total", "counter", "Containers of the image seen." },
		{ "syscensus_image_confined", "gauge",
		  "1 when the image's containers were seen under a seccomp filter (its profile is then their calls "
		  "under the filter), 0 when never." },
		{ "syscensus_image_exec_sessions_total", "counter",
		  "Exec sessions seen in the image's containers (a runtime's setup after the container started): "
		  "their commands' calls are in the profile." },
		{ "syscensus_image_uncounted_calls_total", "counter",
		  "Calls of syscalls that found their cgroup's key table full: each such syscall is in "
		  "syscensus_syscalls_total with a count of 1, the rest of their calls are summed here." },
	};

	for (int k = 0; k < SC_METRICS_IMAGE_SERIES; k++) {
		family(b, f[k].name, f[k].type, f[k].help);
		for (size_t i = 0; i < c->n_images; i++) {
			const struct sc_image *img = c->images[i];
			int64_t v[SC_METRICS_IMAGE_SERIES] = { img->first, img->last, image__last_new(img),
							       (int64_t)img->ctrs_total, image__confined(img),
							       (int64_t)img->exec_sessions, (int64_t)img->uncounted };

			if (listed(img))
				image_sample(b, f[k].name, img, v[k]);
		}
	}
}

/* The other names of an image's id (census.h, aliases): the cluster view unites them. */
static void aliases(struct sc_buf *b, const struct sc_census *c)
{
	family(b, "syscensus_image_alias_info", "gauge",
	       "Another name the image's current id runs under: its profile is the image's, written under each name.");
	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];

		for (size_t k = 0; listed(img) && k < img->n_aliases; k++) {
			sc_buf_puts(b, "syscensus_image_alias_info{image=");
			label_value(b, img->key);
			sc_buf_puts(b, ",alias=");
			label_value(b, img->aliases[k]);
			sc_buf_puts(b, "} 1\n");
		}
	}
}

static void containers(struct sc_buf *b, const struct sc_census *c)
{
	char id[SC_SHORT_ID];

	family(b, "syscensus_container_info", "gauge",
	       "A running container the agent tracks, with its image, id (12 digits), name and runtime, "
	       "and for a Kubernetes pod's its namespace, pod and workload (inferred from the pod name).");
	for (size_t i = 0; i < c->n_live; i++) {
		const struct sc_live *l = c->live[i];
		const char *name = "";
		const struct sc_pod *pod = NULL;
		bool dup = false;

		if (!l->ctr[0] || !listed(l->img))
			continue;
		/* the cgroups below a container (systemd in it) are the same container: one series */
		for (size_t j = 0; j < i && !dup; j++)
			dup = c->live[j]->img == l->img && !strcmp(c->live[j]->ctr, l->ctr);
		if (dup)
			continue;
		for (size_t k = 0; k < l->img->n_ctrs; k++)
			if (!strcmp(l->img->ctrs[k].id, l->ctr)) {
				name = l->img->ctrs[k].name ? l->img->ctrs[k].name : "";
				pod = &l->img->ctrs[k].pod;
			}
		sc_buf_puts(b, "syscensus_container_info{image=");
		label_value(b, l->img->key);
		memcpy(id, l->ctr, sizeof(id) - 1);	/* the short id: 12 of the 64 digits */
		id[sizeof(id) - 1] = '\0';
		sc_buf_puts(b, ",container_id=");
		label_value(b, id);
		sc_buf_puts(b, ",container=");
		label_value(b, name);
		sc_buf_puts(b, ",runtime=");
		label_value(b, l->img->runtime ? l->img->runtime : "");
		if (pod && pod->name) {
			sc_buf_puts(b, ",namespace=");
			label_value(b, pod->ns ? pod->ns : "");
			sc_buf_puts(b, ",pod=");
			label_value(b, pod->name);
			sc_buf_puts(b, ",workload=");
			label_value(b, pod->workload ? pod->workload : "");
		}
		sc_buf_puts(b, "} 1\n");
	}
}

/* Refusals summed per (abi, nr, answer): containers and profiles are in `status`. */
static void denials(struct sc_buf *b, const struct sc_census *c)
{
	char act[48], nb[16];

	family(b, "syscensus_seccomp_denials_total", "counter",
	       "Syscalls the enforced seccomp filters refused, per image, syscall and answer (agent --denials).");
	for (size_t i = 0; i < c->n_images; i++) {
		const struct sc_image *img = c->images[i];

		for (size_t k = 0; listed(img) && k < img->n_denied; k++) {
			const struct sc_denial *d = &img->denied[k];
			uint64_t sum = 0;
			bool first = true;

			/* the first entry of each (abi, nr, ret) sums its kind */
			for (size_t j = 0; j < img->n_denied && first; j++) {
				const struct sc_denial *e = &img->denied[j];

				if (e->abi == d->abi && e->nr == d->nr && e->ret == d->ret) {
					first = j >= k;
					sum += e->count;
				}
			}
			if (!first)
				continue;
			action_str(d->ret, act, sizeof(act));
			sc_buf_puts(b, "syscensus_seccomp_denials_total{image=");
			label_value(b, img->key);
			sc_buf_printf(b, ",syscall=\"%s\",abi=\"%s\",action=\"%s\"} %llu\n",
				      syscall_label(d->abi, d->nr, nb, sizeof(nb)), metrics__abi_label(d->abi), act,
				      (unsigned long long)sum);
		}
	}
}

static void gauge(struct sc_buf *b, const char *name, const char *type, const char *help, uint64_t v)
{
	family(b, name, type, help);
	sc_buf_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

static void health(struct sc_buf *b, const struct sc_census *c, const struct sc_agent_health *h)
{
	const struct sc_health *x = &c->health;
	size_t attributed = 0, unknown = 0;

	for (size_t i = 0; i < c->n_images; i++)
		c->images[i]->unknown ? unknown++ : attributed++;
	family(b, "syscensus_build_info", "gauge", "The syscensus version, and how the recorder is attached.");
	sc_buf_printf(b, "syscensus_build_info{version=\"%s\",attach=", SC_VERSION);
	label_value(b, x->attach);
	sc_buf_puts(b, "} 1\n");
	gauge(b, "syscensus_images", "gauge", "Images with a census (attributed containers).", attributed);
	gauge(b, "syscensus_unattributed_cgroups", "gauge",
	      "Census entries of cgroups no runtime claimed (not images: not listed).", unknown);
	gauge(b, "syscensus_cgroups_tracked", "gauge", "Cgroups counted now, each in a slot of the table.", c->n_live);
	gauge(b, "syscensus_cgroups_capacity", "gauge", "Slots of the cgroup table (--capacity).", x->capacity);
	gauge(b, "syscensus_cgroups_not_counted_total", "counter",
	      "Container cgroups that found the cgroup table full and are not counted.", x->table_full);
	gauge(b, "syscensus_cgroup_events_lost_total", "counter",
	      "Cgroup events the ring buffer had no room for (the agent then walks the hierarchy).", x->events_lost);
	gauge(b, "syscensus_denial_events_lost_total", "counter",
	      "Refusals the denial map had no room for.", x->denied_lost);
	gauge(b, "syscensus_state_saved_timestamp_seconds", "gauge", "When the state file was last written (unix time).",
	      (uint64_t)(c->saved > 0 ? c->saved : 0));
	if (h) {
		family(b, "syscensus_state_saves_total", "counter", "Saves of the state file since the agent started, by result.");
		sc_buf_printf(b, "syscensus_state_saves_total{result=\"success\"} %llu\n"
				 "syscensus_state_saves_total{result=\"failure\"} %llu\n",
			      (unsigned long long)h->saves_ok, (unsigned long long)h->saves_failed);
		gauge(b, "syscensus_last_fold_timestamp_seconds", "gauge",
		      "When the counters were last folded into the census (unix time).", (uint64_t)h->last_fold);
		gauge(b, "syscensus_agent_seccomp_refusals_total", "counter",
		      "Calls of the agent itself that its own seccomp filter refused (EPERM; the log names them).",
		      x->self_refused);
	}
	if (!x->stats_enabled)
		return;
	family(b, "syscensus_recorder_cpu_seconds_total", "counter",
	       "CPU time of the recorder's BPF programs (kernel.bpf_stats_enabled=1), per program.");
	sc_buf_printf(b, "syscensus_recorder_cpu_seconds_total{program=\"sys_enter\"} %.9f\n", x->enter_ns / 1e9);
	if (x->denials)
		sc_buf_printf(b, "syscensus_recorder_cpu_seconds_total{program=\"sys_exit\"} %.9f\n", x->deny_ns / 1e9);
	family(b, "syscensus_recorder_runs_total", "counter", "Runs of the recorder's BPF programs, per program.");
	sc_buf_printf(b, "syscensus_recorder_runs_total{program=\"sys_enter\"} %llu\n", (unsigned long long)x->enter_runs);
	if (x->denials)
		sc_buf_printf(b, "syscensus_recorder_runs_total{program=\"sys_exit\"} %llu\n",
			      (unsigned long long)x->deny_runs);
}

int metrics__render(const struct sc_census *c, const struct sc_agent_health *h, struct sc_buf *b)
{
	syscalls(b, c);
	images(b, c);
	aliases(b, c);
	containers(b, c);
	denials(b, c);
	health(b, c, h);
	return b->oom ? -ENOMEM : 0;
}

/*
 * A cut file name keeps only a digest of the image name: the image is the one the
 * profile's comment names ("syscensus: observed profile of IMAGE..."), if that name
 * gives this file name. 0 or -EINVAL.
 */
static int image_of_comment(const cJSON *doc, const char *base, char *image, size_t len)
{
	static const char prefix[] = "syscensus: observed profile of ";
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "comment");
	char enc[SC_NAME_MAX];
	const char *s;

	if (!cJSON_IsString(c) || strncmp(c->valuestring, prefix, sizeof(prefix) - 1))
		return -EINVAL;
	s = c->valuestring + sizeof(prefix) - 1;
	/* the name ends where the comment goes on: try each "; " and " (" */
	for (const char *e = s; *e; e++) {
		size_t n = (size_t)(e - s);

		if ((strncmp(e, "; ", 2) && strncmp(e, " (", 2)) || n >= len)
			continue;
		memcpy(image, s, n);
		image[n] = '\0';
		image_file_name(image, enc);
		if (!strcmp(enc, base))
			return 0;
	}
	return -EINVAL;
}

/* One profile's series into @b; false when the file cannot be used (said). */
static bool profile_series(const char *dir, const char *file, const struct sc_eval_ctx *ctx, struct sc_buf *b,
			   struct sc_buf *counts)
{
	char path[PATH_MAX], base[SC_NAME_MAX + 8], image[SC_NAME_MAX], err[1024];
	struct sc_filter f = {};
	struct sc_compile_stats st;
	struct sc_profile *p;
	size_t n = strlen(file) - 5, allowed = 0;

	if (n >= sizeof(base) || (size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
		return false;
	memcpy(base, file, n);
	base[n] = '\0';
	if (!(p = profile__load(path, ctx, SC_UNKNOWN_WARN, err, sizeof(err))) ||
	    profile__filter(p, ctx, &f, &st, err, sizeof(err))) {
		sc_warn("%s: left out", err);
		profile__free(p);
		return false;
	}
	if (image_name_of_file(base, image, sizeof(image)) && image_of_comment(p->doc, base, image, sizeof(image))) {
		sc_warn("%s: not an image's file name (syscensus's encoding), and its comment does not name the image: "
			"left out", path);
		filter__free(&f);
		profile__free(p);
		return false;
	}
	for (int abi = 0; abi < SC_NR_ABIS; abi++) {
		const struct sc_arch *a = arch_of_abi(abi);

		for (int nr = 0; a && nr < SC_NR_OVERFLOW; nr++) {
			const char *name = syscall_name(a->token, nr);
			struct sc_verdict v;

			if (!name || (v = filter__verdict(&f, a->token, nr)).kind == SC_V_DENY)
				continue;
			sc_buf_puts(b, "syscensus_profile_allows{image=");
			label_value(b, image);
			sc_buf_printf(b, ",syscall=\"%s\",abi=\"%s\",conditional=\"%s\"} 1\n", name, metrics__abi_label(abi),
				      v.kind == SC_V_CONDITIONAL ? "true" : "false");
			allowed++;
		}
	}
	sc_buf_puts(counts, "syscensus_profile_syscalls_allowed{image=");
	label_value(counts, image);
	sc_buf_printf(counts, "} %zu\n", allowed);
	filter__free(&f);
	profile__free(p);
	return true;
}

/*
 * The series of one profile file, compiled again only when the file changed (device,
 * inode, size, modification time): `metrics --profiles --listen` renders every interval,
 * and compiling costs, and leaks inside libseccomp for some rules (see compile.c).
 */
struct profile_cache {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool ok;
	char *series, *count;	/* what profile_series() gave */
};

static struct profile_cache *pcache;
static size_t n_pcache, cap_pcache;

static bool cached_series(const char *dir, const char *file, const struct sc_eval_ctx *ctx, struct sc_buf *b,
			  struct sc_buf *counts)
{
	char path[PATH_MAX];
	struct sc_buf s = {}, c = {};
	struct profile_cache *e = NULL, *v;
	struct stat st;
	bool ok;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path) || stat(path, &st) < 0)
		return profile_series(dir, file, ctx, b, counts);
	for (size_t i = 0; i < n_pcache && !e; i++)
		if (!strcmp(pcache[i].path, path))
			e = &pcache[i];
	if (e && e->dev == st.st_dev && e->ino == st.st_ino && e->size == st.st_size &&
	    e->mtime.tv_sec == st.st_mtim.tv_sec && e->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		if (e->series)
			sc_buf_puts(b, e->series);
		if (e->count)
			sc_buf_puts(counts, e->count);
		return e->ok;
	}
	ok = profile_series(dir, file, ctx, &s, &c);
	if (s.data)
		sc_buf_add(b, s.data, s.len);
	if (c.data)
		sc_buf_add(counts, c.data, c.len);
	if (!e && !s.oom && !c.oom && (v = sc_grow(pcache, &cap_pcache, n_pcache, sizeof(*v), 16))) {
		pcache = v;
		e = &pcache[n_pcache];
		*e = (struct profile_cache){ .path = strdup(path) };
		if (e->path)
			n_pcache++;
		else
			e = NULL;
	}
	if (e && !s.oom && !c.oom) {
		free(e->series);
		free(e->count);
		*e = (struct profile_cache){ .path = e->path, .dev = st.st_dev, .ino = st.st_ino, .size = st.st_size,
					     .mtime = st.st_mtim, .ok = ok, .series = s.data, .count = c.data };
		return ok;
	}
	sc_buf_free(&s);
	sc_buf_free(&c);
	return ok;
}

void metrics__cleanup(void)
{
	for (size_t i = 0; i < n_pcache; i++) {
		free(pcache[i].path);
		free(pcache[i].series);
		free(pcache[i].count);
	}
	free(pcache);
	pcache = NULL;
	n_pcache = cap_pcache = 0;
}

int metrics__render_profiles(const char *dir, struct sc_buf *b)
{
	struct sc_buf counts = {};
	struct sc_eval_ctx ctx;
	struct dirent **ents = NULL;
	unsigned errors = 0;
	int n;

	if (eval_ctx_current(&ctx) || parse_caps("default", &ctx.caps)) {
		sc_err("cannot read this process's architecture or kernel");
		return -EINVAL;
	}
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		int err = errno;

		sc_err("%s: %s", dir, strerror(err));
		return -err;
	}
	family(b, "syscensus_profile_allows", "gauge",
	       "1 for each syscall an image's committed profile lets run (conditional: only for some arguments).");
	for (int i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);

		if (len > 5 && !strcmp(ents[i]->d_name + len - 5, ".json") && ents[i]->d_name[0] != '.')
			errors += !cached_series(dir, ents[i]->d_name, &ctx, b, &counts);
		free(ents[i]);
	}
	free(ents);
	family(b, "syscensus_profile_syscalls_allowed", "gauge", "Syscalls an image's committed profile lets run.");
	if (counts.data)
		sc_buf_add(b, counts.data, counts.len);
	if (counts.oom)
		b->oom = true;
	sc_buf_free(&counts);
	gauge(b, "syscensus_profile_errors", "gauge", "Files of the profiles directory that could not be used.", errors);
	return b->oom ? -ENOMEM : 0;
}
