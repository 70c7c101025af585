// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The census diff and propose work on: a state file, or Prometheus. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/observed.h"
#include "lib/paths.h"
#include "lib/util.h"

#define DAY 86400

int parse_duration(const char *s, int64_t *out)
{
	static const struct {
		char unit;
		uint64_t mult;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', DAY } };
	char num[32];
	size_t n = strlen(s);
	uint64_t mult = 1, v;

	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (num[n - 1] == units[i].unit) {
			mult = units[i].mult;
			num[n - 1] = '\0';
		}
	if (sc_parse_u64(num, 36500ULL * DAY / mult, &v))
		return -EINVAL;
	*out = (int64_t)(v * mult);
	return 0;
}

const char *observed__window(const struct sc_observed *o, char *buf, size_t len)
{
	int64_t w = o->prom.window;

	if (w % DAY == 0)
		snprintf(buf, len, "%lldd", (long long)(w / DAY));
	else if (w % 3600 == 0)
		snprintf(buf, len, "%lldh", (long long)(w / 3600));
	else if (w % 60 == 0)
		snprintf(buf, len, "%lldm", (long long)(w / 60));
	else
		snprintf(buf, len, "%llds", (long long)w);
	return buf;
}

void observed__init(struct sc_observed *o)
{
	*o = (struct sc_observed){ .prom = { .window = SC_PROM_WINDOW, .node_label = SC_PROM_NODE_LABEL,
					     .job = SC_PROM_JOB } };
}

int observed__option(struct sc_observed *o, int ch, const char *arg)
{
	switch (ch) {
	case 'o':
		o->dir = arg;
		return 1;
	case 'Q':
		if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8)) {
			sc_err("--prometheus: expected an http:// or https:// URL, not \"%s\"", arg);
			return -1;
		}
		o->prom.url = arg;
		return 1;
	case 'W':
		if (parse_duration(arg, &o->prom.window) || !o->prom.window) {
			sc_err("--window: expected a duration such as 30m, 12h, 7d or seconds, not \"%s\"", arg);
			return -1;
		}
		o->prom_only = "--window";
		return 1;
	case 'N':
		o->prom.node_label = arg;
		o->prom_only = "--node-label";
		return 1;
	case 'J':
		o->prom.job = arg;
		o->prom_only = "--job";
		return 1;
	}
	return 0;
}

int observed__check(const struct sc_observed *o, const char *cmd)
{
	if (!o->dir == !o->prom.url) {
		sc_err(o->dir ? "%s: --observed or --prometheus, not both" : "%s: --observed STATE-DIR or --prometheus URL is needed",
		       cmd);
		return -EINVAL;
	}
	if (o->prom_only && !o->prom.url) {
		sc_err("%s: %s goes with --prometheus", cmd, o->prom_only);
		return -EINVAL;
	}
	return 0;
}

int observed__load(struct sc_census *c, const struct sc_observed *o)
{
	char state[PATH_MAX], shown[1024];
	int err;

	if (o->prom.url) {
		err = census__from_prometheus(c, &o->prom);
		prometheus__cleanup();
		if (!err && !c->n_images)
			sc_warn("--prometheus %s: the agents reported no image in the last %llds",
				prometheus__redact(o->prom.url, shown, sizeof(shown)), (long long)o->prom.window);
	} else {
		if ((size_t)snprintf(state, sizeof(state), "%s/" SC_STATE_FILE, o->dir) >= sizeof(state)) {
			sc_err("--observed: path too long");
			return -ENAMETOOLONG;
		}
		if (access(state, F_OK) < 0) {
			sc_err("%s: no state file (has `syscensus agent --state-dir %s` run?)", state, o->dir);
			return -ENOENT;
		}
		err = census__load(c, state);
	}
	if (!err && c->n_images)
		qsort(c->images, c->n_images, sizeof(*c->images), census__cmp_image);
	return err;
}
