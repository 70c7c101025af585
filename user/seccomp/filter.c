// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "lib/util.h"
#include "seccomp/filter.h"

int filter__export(scmp_filter_ctx ctx, struct sc_filter *f)
{
	struct stat st;
	int fd = memfd_create("syscensus-bpf", MFD_CLOEXEC), ret;
	ssize_t got;

	memset(f, 0, sizeof(*f));
	if (fd < 0)
		return -errno;
	ret = seccomp_export_bpf(ctx, fd);
	if (ret == 0 && fstat(fd, &st) < 0)
		ret = -errno;
	if (ret == 0 && (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) || st.st_size > (1 << 20)))
		ret = -EINVAL;
	if (ret == 0 && !(f->insns = malloc(st.st_size)))
		ret = -ENOMEM;
	if (ret == 0) {
		got = pread(fd, f->insns, st.st_size, 0);
		if (got != st.st_size)
			ret = got < 0 ? -errno : -EIO;
		else
			f->n = st.st_size / sizeof(struct sock_filter);
	}
	close(fd);
	if (ret)
		filter__free(f);
	return ret;
}

void filter__free(struct sc_filter *f)
{
	free(f->insns);
	memset(f, 0, sizeof(*f));
}

/*
 * Argument words a run compared with a constant, each with a value that may take the
 * other branch: the argument vectors filter__verdict() tries next.
 */
struct sc_hints {
	struct {
		uint32_t off;	/* of the word in seccomp_data: an argument's low or high half */
		uint32_t value;
	} h[32];
	size_t n;
};

/*
 * For a comparison of A, which holds the argument word at @off masked by @mask, with
 * @k: values of the word for which A is k, k + 1, k - 1, or has none of k's bits.
 */
static void hint(struct sc_hints *hints, const uint8_t *data, uint32_t off, uint32_t mask, uint32_t k)
{
	uint32_t w, cand[4];

	memcpy(&w, data + off, 4);
	cand[0] = k;
	cand[1] = k + 1;
	cand[2] = k - 1;
	cand[3] = w & ~k;
	for (int c = 0; c < 4; c++) {
		uint32_t v = (w & ~mask) | (cand[c] & mask);
		bool dup = v == w;

		for (size_t j = 0; j < hints->n && !dup; j++)
			dup = hints->h[j].off == off && hints->h[j].value == v;
		if (!dup && hints->n < ARRAY_SIZE(hints->h)) {
			hints->h[hints->n].off = off;
			hints->h[hints->n++].value = v;
		}
	}
}

/*
 * Classic BPF over struct seccomp_data, as kernel/seccomp.c runs it: 32-bit loads
 * from the data at fixed offsets, the scratch memory, ALU, jumps, returns. Jumps only
 * go forward, so the loop ends within n steps; anything else is a kill, as the kernel
 * would refuse to load it. With @hints, note the comparisons of argument words (loaded,
 * maybe masked with AND, then compared with a constant: the code libseccomp writes).
 */
/* BPF_LD or BPF_LDX of a word that is not the data's: its length, @k, or scratch word @k. */
static bool load_reg(uint16_t code, uint32_t k, const uint32_t *M, uint32_t *r)
{
	if (BPF_SIZE(code) != BPF_W)
		return false;
	switch (BPF_MODE(code)) {
	case BPF_LEN: *r = sizeof(struct seccomp_data); return true;
	case BPF_IMM: *r = k; return true;
	case BPF_MEM: if (k >= BPF_MEMWORDS) return false; *r = M[k]; return true;
	default: return false;
	}
}

enum { ALU_OK, ALU_DIV0, ALU_BAD };

/* A = A op src for the ALU instruction @code (immediate @k): ALU_OK, ALU_DIV0 or ALU_BAD. */
static int alu(uint16_t code, uint32_t k, uint32_t src, uint32_t *A)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: *A += src; break;
	case BPF_SUB: *A -= src; break;
	case BPF_MUL: *A *= src; break;
	case BPF_DIV: if (!src) return ALU_DIV0; *A /= src; break;
	case BPF_AND: *A &= src; break;
	case BPF_OR: *A |= src; break;
	case BPF_XOR: *A ^= src; break;
	/*
	 * The kernel refuses a shift by a constant >= 32 at load; by X it
	 * shifts by X & 31, as its eBPF interpreter and the JITs do.
	 */
	case BPF_LSH:
		if (BPF_SRC(code) == BPF_K && k >= 32)
			return ALU_BAD;
		*A <<= src & 31;
		break;
	case BPF_RSH:
		if (BPF_SRC(code) == BPF_K && k >= 32)
			return ALU_BAD;
		*A >>= src & 31;
		break;
	case BPF_NEG: *A = -*A; break;
	/* BPF_MOD among them: classic BPF has it, seccomp_check_filter() refuses it */
	default: return ALU_BAD;
	}
	return ALU_OK;
}

/* Whether the conditional jump @code is taken: 1 or 0, -1 for an operation seccomp refuses. */
static int jump_taken(uint16_t code, uint32_t A, uint32_t src)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: return A == src;
	case BPF_JGT: return A > src;
	case BPF_JGE: return A >= src;
	case BPF_JSET: return (A & src) != 0;
	default: return -1;
	}
}

static uint32_t run(const struct sc_filter *f, const struct seccomp_data *d, struct sc_hints *hints)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {}, amask = 0;
	const uint8_t *data = (const uint8_t *)d;
	int64_t aword = -1;	/* offset of the argument word A holds, or -1 */

	for (size_t pc = 0; pc < f->n; pc++) {
		const struct sock_filter *i = &f->insns[pc];
		uint32_t k = i->k, src;

		/* for the hints: A holds an argument word (set below), maybe masked, or not */
		if (i->code == (BPF_ALU | BPF_AND | BPF_K))
			amask &= k;
		else if (BPF_CLASS(i->code) == BPF_LD || BPF_CLASS(i->code) == BPF_ALU ||
			 (BPF_CLASS(i->code) == BPF_MISC && BPF_MISCOP(i->code) != BPF_TAX))
			aword = -1;
		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (k > sizeof(*d) - 4 || k % 4)
					return SECCOMP_RET_KILL_PROCESS;
				memcpy(&A, data + k, 4);
				if (k >= offsetof(struct seccomp_data, args)) {
					aword = k;
					amask = ~0u;
				}
			} else if (!load_reg(i->code, k, M, &A)) {
				return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_LDX:
			if (!load_reg(i->code, k, M, &X))
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return SECCOMP_RET_KILL_PROCESS;
			M[k] = BPF_CLASS(i->code) == BPF_ST ? A : X;
			break;
		case BPF_ALU:
			switch (alu(i->code, k, BPF_SRC(i->code) == BPF_X ? X : k, &A)) {
			case ALU_OK: break;
			case ALU_DIV0: return 0;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_JMP: {
			int t;

			if (BPF_OP(i->code) == BPF_JA) {
				pc += k;
				break;
			}
			src = BPF_SRC(i->code) == BPF_X ? X : k;
			if (hints && aword >= 0 && BPF_SRC(i->code) == BPF_K)
				hint(hints, data, (uint32_t)aword, amask, k);
			if ((t = jump_taken(i->code, A, src)) < 0)
				return SECCOMP_RET_KILL_PROCESS;
			pc += t ? i->jt : i->jf;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? A : k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		default:
			return SECCOMP_RET_KILL_PROCESS;
		}
	}
	return SECCOMP_RET_KILL_PROCESS;	/* fell off the end: the kernel refuses such filters */
}

uint32_t filter__run(const struct sc_filter *f, uint32_t arch, int nr, const uint64_t args[6])
{
	struct seccomp_data d = { .nr = nr, .arch = arch };

	memcpy(d.args, args, sizeof(d.args));
	return run(f, &d, NULL);
}

bool ret_allows(uint32_t ret)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL;

	return act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_LOG;
}

/* Argument vectors filter__verdict() tries at most for one syscall */
#define SC_VERDICT_PROBES 128

struct sc_verdict filter__verdict(const struct sc_filter *f, uint32_t arch, int nr)
{
	struct seccomp_data q[SC_VERDICT_PROBES] = {};
	struct sc_verdict v = { .kind = SC_V_DENY };
	bool any_allow = false, any_deny = false;
	size_t n = 0;

	/* all zero (the answer reported), all ones, all 1, then each argument alone set */
	for (int probe = 0; probe < 3 + 6 * 3; probe++, n++) {
		q[n].nr = nr;
		q[n].arch = arch;
		if (probe == 1)
			memset(q[n].args, 0xff, sizeof(q[n].args));
		else if (probe == 2)
			for (int a = 0; a < 6; a++)
				q[n].args[a] = 1;
		else if (probe > 2)
			q[n].args[(probe - 3) / 3] = ((uint64_t[]){ 1, 0x7fffffff, ~0ULL })[(probe - 3) % 3];
	}
	/*
	 * Then the values the filter compares arguments with: an argument allowed only
	 * when it is 0x5401 (ioctl's TCGETS), or only with a high word of 2, is seen
	 * conditional, not denied. Each run can lead to a comparison further on.
	 */
	for (size_t i = 0; i < n && !(any_allow && any_deny); i++) {
		struct sc_hints hints = { .n = 0 };
		uint32_t r = run(f, &q[i], &hints);

		if (i == 0)
			v.ret = r;
		any_allow |= ret_allows(r);
		any_deny |= !ret_allows(r);
		for (size_t h = 0; h < hints.n && n < SC_VERDICT_PROBES; h++) {
			bool seen = false;

			q[n] = q[i];
			memcpy((uint8_t *)&q[n] + hints.h[h].off, &hints.h[h].value, 4);
			for (size_t j = 0; j < n && !seen; j++)
				seen = !memcmp(&q[j], &q[n], sizeof(q[n]));
			n += !seen;
		}
	}
	if (any_allow && any_deny)
		v.kind = SC_V_CONDITIONAL;
	else if (any_allow)
		v.kind = SC_V_ALLOW;
	return v;
}

void action_str(uint32_t ret, char *buf, size_t len)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL, data = ret & SECCOMP_RET_DATA;

	switch (act) {
	case SECCOMP_RET_ALLOW: snprintf(buf, len, "SCMP_ACT_ALLOW"); break;
	case SECCOMP_RET_LOG: snprintf(buf, len, "SCMP_ACT_LOG"); break;
	case SECCOMP_RET_ERRNO: snprintf(buf, len, "SCMP_ACT_ERRNO(%u)", data); break;
	case SECCOMP_RET_TRAP: snprintf(buf, len, "SCMP_ACT_TRAP"); break;
	case SECCOMP_RET_TRACE: snprintf(buf, len, "SCMP_ACT_TRACE(%u)", data); break;
	case SECCOMP_RET_USER_NOTIF: snprintf(buf, len, "SCMP_ACT_NOTIFY"); break;
	case SECCOMP_RET_KILL_THREAD: snprintf(buf, len, "SCMP_ACT_KILL_THREAD"); break;
	case SECCOMP_RET_KILL_PROCESS: snprintf(buf, len, "SCMP_ACT_KILL_PROCESS"); break;
	default: snprintf(buf, len, "0x%08x", ret); break;
	}
}
