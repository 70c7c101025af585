/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A Docker/OCI seccomp profile as a SeccompProfile object of the Security Profiles
 * Operator (security-profiles-operator.x-k8s.io/v1, cluster-scoped), in YAML, for
 * `kubectl apply`. The spec is the profile's: defaultAction, architectures, and each
 * rule's names, action, errnoRet and args. What that API cannot say is refused, never
 * dropped: a default errno other than EPERM (runc's default for SCMP_ACT_ERRNO), rules
 * that depend on capabilities or kernel versions (includes/excludes), argument values
 * above 2^63-1. Rule comments have no place in the spec; the profile's own comment goes
 * into an annotation.
 */
#ifndef SC_CRD_H
#define SC_CRD_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "lib/util.h"

#define SC_CRD_API	"security-profiles-operator.x-k8s.io/v1"
#define SC_CRD_KIND	"SeccompProfile"
/* metadata.name: a DNS-1123 subdomain, at most 253 bytes */
#define SC_CRD_NAME_MAX	254

/*
 * The object's name for @image: its letters and digits in lower case, every other run
 * of bytes one '-', cut to 200 bytes, then '-' and the first 8 hex digits of the
 * SHA-256 of @image (so names stay distinct: "docker.io/library/nginx:1.22" ->
 * "docker-io-library-nginx-1-22-" + 8 hex digits).
 */
void crd__name(const char *image, char out[SC_CRD_NAME_MAX]);

/*
 * @profile (Docker/OCI JSON, not taken) for @image as a SeccompProfile in YAML, into @b.
 * 0; -EINVAL with @err saying what the API cannot express; -ENOMEM.
 */
int crd__render(const cJSON *profile, const char *image, struct sc_buf *b, char *err, size_t errlen);

#endif
