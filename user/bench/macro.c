// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Macro: nginx serving a 1 KiB file to wrk on loopback, with nothing attached, with the
 * empty program, with the recorder and with the recorder with --denials: nginx's CPU
 * time per request, and requests per second. nginx runs in the tracked cgroup; wrk out
 * of it. CPU per request, not requests/s: on a VM the throughput swings by more than
 * the recorder costs (wrk, the loopback and the host all move it), while the CPU nginx
 * spends on each request is what the recorder adds to.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bench/internal.h"
#include "lib/util.h"

#define MACRO_RUNS	16	/* at most, per configuration */
#define MACRO_SECS	3	/* of wrk per configuration and run: a fixed time, not requests */
#define MACRO_NCFG	5

/* the last one only where denial tracking loads */
static const char *const mname[MACRO_NCFG] = {
	"nothing attached", "empty tp_btf program (floor)",
	"syscensus recorder (the agent's programs)", "previous design: 64-bit per-CPU counters",
	"syscensus recorder + --denials",
};

struct macro {
	char dir[64];
	pid_t nginx;
	int port;
};

/* nginx's configuration and the 1 KiB page it serves, in m->dir */
static int macro_files(const struct macro *m)
{
	char conf[PATH_MAX], file[PATH_MAX], text[1024], page[1024];
	int n, err;

	memset(page, 'x', sizeof(page));
	n = snprintf(text, sizeof(text),
		     "daemon off; master_process off; worker_processes 1; pid %s/pid; error_log %s/err;\n"
		     "events { worker_connections 256; }\n"
		     "http { access_log off; client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s;\n"
		     "  uwsgi_temp_path %s; scgi_temp_path %s;\n"
		     "  server { listen 127.0.0.1:%d; root %s; } }\n",
		     m->dir, m->dir, m->dir, m->dir, m->dir, m->dir, m->dir, m->port, m->dir);
	if ((size_t)n >= sizeof(text) ||
	    (size_t)snprintf(conf, sizeof(conf), "%s/nginx.conf", m->dir) >= sizeof(conf) ||
	    (size_t)snprintf(file, sizeof(file), "%s/f", m->dir) >= sizeof(file))
		return -ENAMETOOLONG;
	if ((err = sc_write_file_atomic(conf, text, n)) ||
	    (err = sc_write_file_atomic(file, page, sizeof(page))))
		return err;
	return 0;
}

/* nginx on a port of its own, in the tracked cgroup @cg_tracked */
static int macro_start(struct macro *m, const char *cg_tracked)
{
	char conf[PATH_MAX];
	int err;

	snprintf(m->dir, sizeof(m->dir), "/tmp/syscensus-macro.XXXXXX");
	if (!mkdtemp(m->dir)) {
		err = -errno;
		m->dir[0] = '\0';	/* nothing for macro_stop to remove */
		return err;
	}
	m->port = 18000 + getpid() % 1000;
	if ((err = macro_files(m)))
		return err;
	snprintf(conf, sizeof(conf), "%s/nginx.conf", m->dir);
	m->nginx = fork();
	if (m->nginx < 0)
		return -errno;
	if (m->nginx == 0) {
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (bench__child_setup(cg_tracked, devnull, true) == 0)
			execlp("nginx", "nginx", "-c", conf, "-e", "/dev/null", (char *)NULL);
		_exit(127);
	}
	usleep(300 * 1000);
	if (waitpid(m->nginx, NULL, WNOHANG) != 0) {
		m->nginx = 0;	/* reaped (or lost): its pid may be another process's by now */
		return -ECHILD;
	}
	return 0;
}

static void macro_stop(struct macro *m)
{
	if (m->nginx > 0) {
		kill(m->nginx, SIGTERM);
		waitpid(m->nginx, NULL, 0);
	}
	if (m->dir[0])
		sc_rm_tree(m->dir);
}

/* What one wrk run got: requests completed, in how long. */
struct wrk_run {
	double requests, secs;
};

/* wrk's "  N requests in 3.00s, ..." line, and no error responses */
static int wrk_parse(const char *text, struct wrk_run *w)
{
	const char *p = strstr(text, " requests in ");
	const char *line = p;

	if (!p)
		return -EINVAL;
	while (line > text && line[-1] != '\n')
		line--;
	w->requests = strtod(line, NULL);
	w->secs = strtod(p + 13, NULL);
	/* 404s or 5xx would be a cheaper (or costlier) workload than the one measured */
	if (strstr(text, "Non-2xx") || w->requests <= 0 || w->secs <= 0)
		return -EINVAL;
	return 0;
}

/* wrk for @secs seconds against nginx, from @home. 0, or -errno when it did not answer. */
static int wrk_run(const struct macro *m, const char *home, int secs, struct wrk_run *w)
{
	char url[64], dur[16], out[] = "/tmp/syscensus-wrk.XXXXXX", *text;
	int fd = mkstemp(out), st, err = -EIO;
	pid_t pid;

	if (fd < 0)
		return -errno;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/f", m->port);
	snprintf(dur, sizeof(dur), "%ds", secs);
	pid = fork();
	if (pid == 0) {
		if (bench__child_setup(home, fd, false) == 0)
			execlp("wrk", "wrk", "-t1", "-c16", "-d", dur, url, (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    (text = sc_read_file(out, 1 << 20, NULL))) {
		err = wrk_parse(text, w);
		free(text);
	}
	unlink(out);
	return err;
}

/*
 * Configuration @k attached: 0 nothing, 1 the empty program, 2 the recorder, 3 the
 * previous design, 4 the recorder with denials.
 */
static int macro_attach(struct sc_bench *b, int k)
{
	if (k == 1)
		return refprog__attach(b->ref[SC_REF_EMPTY_BTF]);
	if (k == 2)
		return recorder__attach(b->rec[SC_BENCH_REC_BTF]);
	if (k == 3)
		return b->ref[SC_REF_PREVIOUS] ? refprog__attach(b->ref[SC_REF_PREVIOUS]) : -ENOENT;
	if (k == 4)
		return recorder__attach(b->rec[SC_BENCH_REC_DENY]);
	return 0;
}

static void macro_detach(struct sc_bench *b)
{
	refprog__detach(b->ref[SC_REF_EMPTY_BTF]);
	recorder__detach(b->rec[SC_BENCH_REC_BTF]);
	if (b->ref[SC_REF_PREVIOUS])
		refprog__detach(b->ref[SC_REF_PREVIOUS]);
	recorder__detach(b->rec[SC_BENCH_REC_DENY]);
}

/* Pin @pid to @cpu; a warning when it cannot be (the numbers are noisier, not wrong). */
static void pin_cpu(pid_t pid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(pid, sizeof(set), &set) < 0)
		sc_warn("macro: cannot pin %s to CPU %d: %s", pid ? "nginx" : "wrk", cpu,
			strerror(errno));
}

/* Per configuration and run: nginx's on-CPU ns per request, requests per second. */
struct macro_samples {
	double cpu[MACRO_NCFG][MACRO_RUNS];
	double rps[MACRO_NCFG][MACRO_RUNS];
};

/* One wrk run with configuration @k attached, into run @r of @s. 0 or -errno (said). */
static int macro_one(struct sc_bench *b, const struct macro *m, struct macro_samples *s, int k,
		     unsigned long r)
{
	uint64_t c0, c1;
	struct wrk_run w;
	int err;

	if ((err = macro_attach(b, k))) {
		sc_warn("macro: cannot attach \"%s\": %s", mname[k], strerror(-err));
		goto cleanup;
	}
	if ((err = bench__cpu_ns(m->nginx, &c0)) || (err = wrk_run(m, b->home, MACRO_SECS, &w)) ||
	    (err = bench__cpu_ns(m->nginx, &c1))) {
		sc_warn("macro: no CPU time or requests measured with \"%s\": %s", mname[k],
			strerror(-err));
		goto cleanup;
	}
	s->cpu[k][r] = (double)(c1 - c0) / w.requests;
	s->rps[k][r] = w.requests / w.secs;
cleanup:
	macro_detach(b);
	return err;
}

/* wrk's CPU, beside nginx's CPU 0 */
static int wrk_cpu(void)
{
	return libbpf_num_possible_cpus() > 1 ? 1 : 0;
}

/*
 * @s for the @mk configurations over @mruns runs, interleaved (reversed every other run).
 * Returns 0, or -errno when a configuration could not be attached or measured (said):
 * the comparisons would be made of numbers that were not measured.
 */
static int macro_measure(struct sc_bench *b, const struct macro *m, struct macro_samples *s, int mk,
			 unsigned long mruns)
{
	struct wrk_run w;
	int err;

	/* nginx on one CPU and wrk on another: less scheduling noise than letting them mix */
	pin_cpu(m->nginx, 0);
	pin_cpu(0, wrk_cpu());
	wrk_run(m, b->home, 1, &w);	/* warm up */
	for (unsigned long r = 0; r < mruns; r++)
		for (int i = 0; i < mk; i++)
			if ((err = macro_one(b, m, s, r % 2 ? mk - 1 - i : i, r)))
				return err;
	return 0;
}

static struct sc_quart quart_of(const double *src, unsigned long n, double *scratch)
{
	memcpy(scratch, src, n * sizeof(double));
	return stats__quartiles(scratch, n);
}

static void macro_print(struct macro_samples *s, int mk, unsigned long mruns, int wrk_cpu)
{
	double *rows[MACRO_NCFG], v[MACRO_RUNS];
	struct sc_quart q, a;

	for (int k = 0; k < MACRO_NCFG; k++)
		rows[k] = s->cpu[k];
	printf("\nmacro: nginx serving a 1 KiB file to wrk -t1 -c16 on loopback, a fixed %d s per "
	       "run (nginx on CPU 0 in the tracked cgroup, wrk on CPU %d), %lu runs interleaved.\n"
	       "CPU/request: on-CPU ns of nginx's threads (/proc/PID/task/*/schedstat) over "
	       "the run, divided by the requests wrk completed; median [q1, q3] over the runs, "
	       "added ns paired within each run\n",
	       MACRO_SECS, wrk_cpu, mruns);
	printf("%-44s %24s %22s %11s\n", "configuration", "ns CPU/request [q1, q3]",
	       "added ns [q1, q3]", "requests/s");
	for (int k = 0; k < mk; k++) {
		char added[32] = "-";

		q = quart_of(s->cpu[k], mruns, v);
		if (k) {
			a = stats__paired(rows, mruns, k, 0, -1, 0, v);
			snprintf(added, sizeof(added), "%.0f [%.0f, %.0f]", a.med, a.q1, a.q3);
		}
		printf("%-44s %7.0f [%6.0f, %6.0f] %22s %11.0f\n", mname[k], q.med, q.q1, q.q3,
		       added, quart_of(s->rps[k], mruns, v).med);
	}
	for (int k = 2; k < mk; k++) {
		for (unsigned long r = 0; r < mruns; r++)
			v[r] = (s->cpu[k][r] - s->cpu[1][r]) / s->cpu[1][r] * 100;
		q = stats__quartiles(v, mruns);
		a = stats__paired(rows, mruns, k, 0, 1, 0, v);
		printf("%s: CPU/request beyond the empty program's, %% of the empty program's "
		       "CPU/request: %.2f [%.2f, %.2f]%s; added CPU / the empty program's added "
		       "CPU: %.2f [%.2f, %.2f] (%lu runs with a positive floor)\n",
		       k == 2 ? "recorder" : k == 3 ? "previous design" : "recorder + --denials", q.med, q.q1,
		       q.q3, k == 2 ? " (target: within 2%)" : "", a.med, a.q1, a.q3, a.m);
	}
}

void macro__run(struct sc_bench *b)
{
	struct macro_samples *s = calloc(1, sizeof(*s));
	struct macro m = {};
	/* configurations measured */
	int mk = recorder__denials(b->rec[SC_BENCH_REC_DENY]) ? MACRO_NCFG : MACRO_NCFG - 1;
	unsigned long mruns = b->o->runs < MACRO_RUNS ? b->o->runs : MACRO_RUNS;
	int err;

	if (!s) {
		sc_warn("macro: out of memory");
	} else if (!bench__have("nginx") || !bench__have("wrk")) {
		printf("macro: needs nginx and wrk (apt-get install nginx-light wrk)\n");
	} else if ((err = macro_start(&m, b->cg))) {
		sc_warn("macro: cannot start nginx: %s", strerror(-err));
	} else if (!macro_measure(b, &m, s, mk, mruns)) {
		macro_print(s, mk, mruns, wrk_cpu());
	}
	macro_stop(&m);
	free(s);
}
