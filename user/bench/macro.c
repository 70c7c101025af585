// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Macro: nginx serving a 1 KiB file to wrk on loopback, requests per second with
 * nothing attached, with the empty program, with the recorder and with the recorder
 * with --denials. nginx runs in the tracked cgroup; wrk out of it.
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

#define MACRO_RUNS	16	/* at most: 3 s each, per configuration */
#define MACRO_NCFG	4

static const char *const mname[MACRO_NCFG] = {
	"nothing attached", "empty tp_btf program (floor)",
	"syscensus recorder (the agent's programs)", "syscensus recorder + --denials",
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

/* requests per second that wrk gets in @secs seconds, or -1 */
static double wrk_rps(const struct macro *m, const char *home, int secs)
{
	char url[64], dur[16], out[] = "/tmp/syscensus-wrk.XXXXXX", *text, *p;
	int fd = mkstemp(out), st;
	double rps = -1;
	pid_t pid;

	if (fd < 0)
		return -1;
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
		if ((p = strstr(text, "Requests/sec:")))
			rps = strtod(p + 13, NULL);
		free(text);
	}
	unlink(out);
	return rps;
}

/* Configuration @k attached: 0 nothing, 1 the empty program, 2 the recorder, 3 with denials. */
static int macro_attach(struct sc_bench *b, int k)
{
	if (k == 1)
		return refprog__attach(b->ref[SC_REF_EMPTY_BTF]);
	if (k == 2)
		return recorder__attach(b->rec[SC_BENCH_REC_BTF]);
	if (k == 3)
		return recorder__attach(b->rec[SC_BENCH_REC_DENY]);
	return 0;
}

static void macro_detach(struct sc_bench *b)
{
	refprog__detach(b->ref[SC_REF_EMPTY_BTF]);
	recorder__detach(b->rec[SC_BENCH_REC_BTF]);
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

/*
 * rps[k][r] for the @mk configurations over @mruns runs, interleaved (reversed every other
 * run). Returns 0, or -errno when a configuration could not be attached or wrk did not
 * answer (said): the losses would be made of numbers that were not measured.
 */
static int macro_measure(struct sc_bench *b, const struct macro *m, double rps[][MACRO_RUNS],
			 int mk, unsigned long mruns)
{
	int err;

	/* nginx on one CPU and wrk on another: less scheduling noise than letting them mix */
	pin_cpu(m->nginx, 0);
	pin_cpu(0, libbpf_num_possible_cpus() > 1 ? 1 : 0);
	wrk_rps(m, b->home, 1);	/* warm up */
	for (unsigned long r = 0; r < mruns; r++)
		for (int i = 0; i < mk; i++) {
			int k = r % 2 ? mk - 1 - i : i;

			if ((err = macro_attach(b, k))) {
				sc_warn("macro: cannot attach \"%s\": %s", mname[k], strerror(-err));
				macro_detach(b);
				return err;
			}
			rps[k][r] = wrk_rps(m, b->home, 3);
			macro_detach(b);
			if (rps[k][r] <= 0) {
				sc_warn("macro: no requests/s from wrk with \"%s\"", mname[k]);
				return -EIO;
			}
		}
	return 0;
}

static void macro_print(double rps[][MACRO_RUNS], int mk, unsigned long mruns)
{
	double v[MACRO_RUNS], med;
	struct sc_quart q;

	printf("\nmacro: nginx, 1 KiB file, wrk -t1 -c16 3 s per run, %lu runs interleaved;\n"
	       "losses paired within each run, median and quartiles over the runs\n", mruns);
	printf("%-46s %12s %24s\n", "configuration", "requests/s", "loss % [q1, q3]");
	for (int k = 0; k < mk; k++) {
		for (unsigned long r = 0; r < mruns; r++)
			v[r] = (rps[0][r] - rps[k][r]) / rps[0][r] * 100;
		q = stats__quartiles(v, mruns);
		memcpy(v, rps[k], mruns * sizeof(double));
		med = stats__quartiles(v, mruns).med;
		if (k == 0)
			printf("%-46s %12.0f %24s\n", mname[k], med, "-");
		else
			printf("%-46s %12.0f %7.2f [%6.2f, %6.2f]\n", mname[k], med, q.med, q.q1, q.q3);
	}
	printf("loss beyond the empty program's, in points:");
	for (int k = 2; k < mk; k++) {
		for (unsigned long r = 0; r < mruns; r++)
			v[r] = (rps[1][r] - rps[k][r]) / rps[0][r] * 100;
		q = stats__quartiles(v, mruns);
		printf("%s %.2f [%.2f, %.2f]", k == 2 ? " recorder" : ", with --denials", q.med, q.q1,
		       q.q3);
	}
	printf("\n");
}

void macro__run(struct sc_bench *b)
{
	double rps[MACRO_NCFG][MACRO_RUNS] = {};
	struct macro m = {};
	/* configurations measured */
	int mk = recorder__denials(b->rec[SC_BENCH_REC_DENY]) ? MACRO_NCFG : MACRO_NCFG - 1;
	unsigned long mruns = b->o->runs < MACRO_RUNS ? b->o->runs : MACRO_RUNS;
	int err;

	if (!bench__have("nginx") || !bench__have("wrk")) {
		printf("macro: needs nginx and wrk (apt-get install nginx-light wrk)\n");
	} else if ((err = macro_start(&m, b->cg))) {
		sc_warn("macro: cannot start nginx: %s", strerror(-err));
	} else if (!macro_measure(b, &m, rps, mk, mruns)) {
		macro_print(rps, mk, mruns);
	}
	macro_stop(&m);
}
