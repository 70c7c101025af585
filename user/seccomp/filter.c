// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/seccomp.h>

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
 * Classic BPF over struct seccomp_data, as kernel/seccomp.c runs it: 32-bit loads
 * from the data at fixed offsets, the scratch memory, ALU, jumps, returns. Jumps only
 * go forward, so the loop ends within n steps; anything else is a kill, as the kernel
 * would refuse to load it.
 */
uint32_t filter__run(const struct sc_filter *f, uint32_t arch, int nr, const uint64_t args[6])
{
	struct seccomp_data d = { .nr = nr, .arch = arch };
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {};
	const uint8_t *data = (const uint8_t *)&d;

	memcpy(d.args, args, sizeof(d.args));
	for (size_t pc = 0; pc < f->n; pc++) {
		const struct sock_filter *i = &f->insns[pc];
		uint32_t k = i->k, src;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (k > sizeof(d) - 4 || k % 4)
					return SECCOMP_RET_KILL_PROCESS;
				memcpy(&A, data + k, 4);
			} else if (i->code == (BPF_LD | BPF_W | BPF_LEN)) {
				A = sizeof(d);
			} else if (i->code == (BPF_LD | BPF_IMM)) {
				A = k;
			} else if (i->code == (BPF_LD | BPF_MEM) && k < BPF_MEMWORDS) {
				A = M[k];
			} else {
				return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_LDX:
			if (i->code == (BPF_LDX | BPF_W | BPF_LEN))
				X = sizeof(d);
			else if (i->code == (BPF_LDX | BPF_IMM))
				X = k;
			else if (i->code == (BPF_LDX | BPF_MEM) && k < BPF_MEMWORDS)
				X = M[k];
			else
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return SECCOMP_RET_KILL_PROCESS;
			M[k] = BPF_CLASS(i->code) == BPF_ST ? A : X;
			break;
		case BPF_ALU:
			src = BPF_SRC(i->code) == BPF_X ? X : k;
			switch (BPF_OP(i->code)) {
			case BPF_ADD: A += src; break;
			case BPF_SUB: A -= src; break;
			case BPF_MUL: A *= src; break;
			case BPF_DIV: if (!src) return 0; A /= src; break;
			case BPF_AND: A &= src; break;
			case BPF_OR: A |= src; break;
			case BPF_XOR: A ^= src; break;
			/*
			 * The kernel refuses a shift by a constant >= 32 at load; by X it
			 * shifts by X & 31, as its eBPF interpreter and the JITs do.
			 */
			case BPF_LSH:
				if (BPF_SRC(i->code) == BPF_K && k >= 32)
					return SECCOMP_RET_KILL_PROCESS;
				A <<= src & 31;
				break;
			case BPF_RSH:
				if (BPF_SRC(i->code) == BPF_K && k >= 32)
					return SECCOMP_RET_KILL_PROCESS;
				A >>= src & 31;
				break;
			case BPF_NEG: A = -A; break;
			/* BPF_MOD among them: classic BPF has it, seccomp_check_filter() refuses it */
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_JMP: {
			bool t;

			if (BPF_OP(i->code) == BPF_JA) {
				pc += k;
				break;
			}
			src = BPF_SRC(i->code) == BPF_X ? X : k;
			switch (BPF_OP(i->code)) {
			case BPF_JEQ: t = A == src; break;
			case BPF_JGT: t = A > src; break;
			case BPF_JGE: t = A >= src; break;
			case BPF_JSET: t = A & src; break;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
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

bool ret_allows(uint32_t ret)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL;

	return act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_LOG;
}

struct sc_verdict filter__verdict(const struct sc_filter *f, uint32_t arch, int nr)
{
	struct sc_verdict v = { .kind = SC_V_DENY };
	uint64_t args[6] = {};
	bool any_allow, any_deny;
	uint32_t r;

	v.ret = filter__run(f, arch, nr, args);
	any_allow = ret_allows(v.ret);
	any_deny = !any_allow;
	/* a few argument vectors: enough to see a condition on any argument */
	for (int probe = 0; probe < 2 + 6 * 3; probe++) {
		memset(args, 0, sizeof(args));
		if (probe == 0)
			memset(args, 0xff, sizeof(args));
		else if (probe == 1)
			for (int a = 0; a < 6; a++)
				args[a] = 1;
		else
			args[(probe - 2) / 3] = ((uint64_t[]){ 1, 0x7fffffff, ~0ULL })[(probe - 2) % 3];
		r = filter__run(f, arch, nr, args);
		if (r != v.ret) {
			any_allow |= ret_allows(r);
			any_deny |= !ret_allows(r);
		}
	}
	if (any_allow && any_deny)
		v.kind = SC_V_CONDITIONAL;
	else if (any_allow)
		v.kind = SC_V_ALLOW;
	return v;
}

void verdict_str(uint32_t ret, char *buf, size_t len)
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
