/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where diff and propose read what was observed: one agent's state directory
 * (--observed) or the cluster, from Prometheus (--prometheus URL, --window,
 * --node-label). Both give a census; the commands do not tell them apart.
 */
#ifndef SC_CMD_OBSERVED_H
#define SC_CMD_OBSERVED_H

#include <stdbool.h>

#include "census/census.h"
#include "census/prometheus.h"

struct sc_observed {
	const char *dir;		/* --observed STATE-DIR */
	struct sc_prom_opts prom;	/* .url: --prometheus URL */
	const char *prom_only;		/* an option given that only --prometheus uses */
};

#define SC_OBSERVED_HELP \
	"  --observed STATE-DIR  what one agent saw (its --state-dir)\n" \
	"  --prometheus URL      what every node saw, from a Prometheus server that scrapes the\n" \
	"                        agents' --metrics: the union over all nodes\n" \
	"  --window DURATION     how far back Prometheus is asked (30m, 12h, 7d or seconds; default 30d)\n" \
	"  --node-label LABEL    the label that tells nodes apart (default " SC_PROM_NODE_LABEL "; give a\n" \
	"                        stable one, such as the node's name, if the agents' addresses change)\n" \
	"  --job NAME            the agents' scrape job: only its series are read (default " SC_PROM_JOB ")\n"

/* The long options above, for getopt_long (values 'o', 'Q', 'W', 'N', 'J'). */
#define SC_OBSERVED_OPTIONS \
	{ "observed", required_argument, NULL, 'o' }, \
	{ "prometheus", required_argument, NULL, 'Q' }, \
	{ "window", required_argument, NULL, 'W' }, \
	{ "node-label", required_argument, NULL, 'N' }, \
	{ "job", required_argument, NULL, 'J' }

void observed__init(struct sc_observed *o);
/* Option @ch with @arg, if it is one of the above: 1 taken, 0 not ours, -1 bad value (said). */
int observed__option(struct sc_observed *o, int ch, const char *arg);
/* Exactly one source given: 0, or -EINVAL after saying what is needed. */
int observed__check(const struct sc_observed *o, const char *cmd);
/* Load it into the empty census @c, images sorted. 0, or -errno (said). */
int observed__load(struct sc_census *c, const struct sc_observed *o);

/* --window as given, or "30d": "7d", "12h", "90s". */
const char *observed__window(const struct sc_observed *o, char *buf, size_t len);

/* "30m", "12h", "7d" or plain seconds, up to 100 years. 0 or -EINVAL. */
int parse_duration(const char *s, int64_t *out);

#endif
