/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a profile does to a syscall, answered the way the kernel answers it: the
 * profile is compiled by libseccomp into the very classic BPF program that would be
 * loaded, and that program is run here on a seccomp_data, by an interpreter of the
 * instructions the kernel's seccomp accepts.
 */
#ifndef SC_VERDICT_H
#define SC_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <seccomp.h>

struct sc_filter {
	struct sock_filter *insns;
	size_t n;
};

/* Export the compiled filter (seccomp_export_bpf). Returns 0 or -errno. */
int filter__export(scmp_filter_ctx ctx, struct sc_filter *f);
void filter__free(struct sc_filter *f);

/* The filter's return value (SECCOMP_RET_*, data included) for syscall @nr of @arch with @args. */
uint32_t filter__run(const struct sc_filter *f, uint32_t arch, int nr, const uint64_t args[6]);

enum sc_verdict_kind {
	SC_V_ALLOW,		/* allowed (ALLOW, or LOG: allowed and logged) */
	SC_V_CONDITIONAL,	/* the answer depends on the arguments */
	SC_V_DENY,		/* errno, trap, kill, trace without a tracer, user notification */
};

struct sc_verdict {
	enum sc_verdict_kind kind;
	uint32_t ret;		/* the filter's answer with all-zero arguments */
};

/*
 * Verdict for @nr on @arch: the filter run with several argument vectors (all zero,
 * all ones, each argument alone set), then with the values the filter compares
 * argument words with (so that "ioctl only with TCGETS" is seen); an allow and a deny
 * among the answers mean conditional.
 */
struct sc_verdict filter__verdict(const struct sc_filter *f, uint32_t arch, int nr);

/*
 * "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO(38)", "SCMP_ACT_KILL_PROCESS"... of a filter's return
 * value or of a libseccomp action: SCMP_ACT_* and SECCOMP_RET_* are the same bits.
 */
void action_str(uint32_t ret, char *buf, size_t len);
/* Whether the kernel lets the call run for this return value. */
bool ret_allows(uint32_t ret);

#endif
