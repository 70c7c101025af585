/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The cluster view: a census read back from a Prometheus server that scrapes the agents
 * of many nodes (metrics.c's series), the union of what every node reported during a
 * window. diff and propose then work on it as on a local state file.
 */
#ifndef SC_PROMETHEUS_H
#define SC_PROMETHEUS_H

#include <stdint.h>

#include "census/census.h"

#define SC_PROM_WINDOW		(30 * 86400)	/* --window by default */
#define SC_PROM_NODE_LABEL	"instance"	/* the label that tells nodes apart, by default */
#define SC_PROM_JOB		"syscensus"	/* the scrape job of the agents, by default */
#define SC_PROM_TIMEOUT_S	60		/* per query */
#define SC_PROM_MAX_ANSWER	(256u << 20)	/* bytes of one answer */

struct sc_prom_opts {
	const char *url;		/* http(s)://host:9090[/prefix] */
	int64_t window;			/* seconds */
	const char *node_label;
	const char *job;		/* only the series of this scrape job: other targets cannot add calls */
};

/*
 * Fill the empty census @c from Prometheus: per image, the syscalls any node of the job
 * reported in the window, per phase (each node's highest count, summed over nodes: a
 * counter reset loses no syscall, and no call is counted twice), first and last seen, the
 * last new syscall, containers, exec sessions, refusals, and how many nodes reported it
 * (@c->nodes: how many agents did). 0, or -errno after saying what failed, with the URL
 * (its user and password left out); no agent in the window is an error.
 */
int census__from_prometheus(struct sc_census *c, const struct sc_prom_opts *o);

/* @url without the user and password it may hold, into @buf (for messages). */
const char *prometheus__redact(const char *url, char *buf, size_t len);

/*
 * @text taken as Prometheus's answer to the query of kind @kind (the nodes, an image
 * figure, the calls, the denials, in census__from_prometheus()'s order, modulo their
 * number), folded into @c: what the fuzz harness feeds. 0, -EINVAL (not an instant
 * vector) or -ENOMEM.
 */
int prometheus__fold_answer(struct sc_census *c, unsigned kind, const char *text, size_t len);

/* The HTTP client's global state (at exit). */
void prometheus__cleanup(void);

#endif
