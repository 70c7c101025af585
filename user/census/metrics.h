/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The census in the Prometheus text exposition format (version 0.0.4): per image, the
 * calls that make its profile, when it was seen and how many containers it ran; the
 * running containers; the refusals of the enforced filters; the agent's health.
 * metrics.c writes it; prometheus.c reads a census back from a Prometheus server that
 * scraped many agents; serve.c serves it over HTTP.
 *
 * Series per attributed image: one per (syscall, ABI) of its profile (70 to 330 for real
 * images), plus SC_METRICS_IMAGE_SERIES, plus one per distinct refusal (abi, syscall,
 * action) when --denials is on. Running containers: one info series each. Cgroups no
 * runtime claims are not images: they are counted, not listed.
 */
#ifndef SC_METRICS_H
#define SC_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "census/census.h"
#include "lib/util.h"

#define SC_METRICS_IMAGE_SERIES	7	/* first/last seen, last new syscall, containers, confined, execs, uncounted */

/* What the agent knows beside the census, for the health series. */
struct sc_agent_health {
	uint64_t saves_ok, saves_failed;	/* state saves since the agent started */
	int64_t last_fold;			/* unix time of the last fold of the counters */
};

/* Write @c (and @h, NULL for a saved state) into @b. 0 or -ENOMEM. */
int metrics__render(const struct sc_census *c, const struct sc_agent_health *h, struct sc_buf *b);

/*
 * The committed profiles of @dir (<image>.json, the agent's file names) as series: per
 * image, syscensus_profile_allows{image,syscall,abi} for every syscall its compiled
 * filter lets run (for some arguments at least) and syscensus_profile_syscalls_allowed,
 * so that an alert can tell what an image made and its profile refuses. A file that
 * cannot be used is said and counted in syscensus_profile_errors. 0 or -ENOMEM.
 */
int metrics__render_profiles(const char *dir, struct sc_buf *b);

/* Forget the compiled profiles metrics__render_profiles() keeps (at exit). */
void metrics__cleanup(void);

/* An image label back to the name (%XX decoded). 0, or -EINVAL / -ENAMETOOLONG. */
int metrics__label_decode(const char *label, char *out, size_t len);

/* The `abi` label of a recorder ABI ("x86_64", "x86"), and back (-1: not one of ours). */
const char *metrics__abi_label(int abi);
int metrics__abi_of_label(const char *label);

#endif
