// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The filter interpreter (seccomp/filter.c). filter__run() on hand-assembled programs,
 * one or more per instruction and operation seccomp accepts, and on the programs the
 * kernel refuses to load, which the interpreter must answer with a kill; then
 * filter__verdict() and filter__export() on filters libseccomp compiled from profiles.
 *
 * What the kernel does, checked against it by test_filter_kernel.c (kernel 6.18, x86_64):
 *  - seccomp_check_filter() accepts LD/LDX W ABS (aligned, inside seccomp_data), LEN,
 *    IMM, MEM; ST, STX; ALU ADD SUB MUL DIV AND OR XOR LSH RSH NEG, K and X; JA, JEQ,
 *    JGT, JGE, JSET, K and X; RET K and A; TAX, TXA. Nothing else: no BPF_MOD, no H or
 *    B loads, no IND.
 *  - bpf_check_classic() also refuses a jump past the end, a last instruction that is
 *    not a RET, DIV (and MOD) by a constant 0, a shift by a constant >= 32, and a load
 *    of a scratch word no path has stored.
 *  - What is left is run as eBPF: DIV by X = 0 makes the program return 0
 *    (SECCOMP_RET_KILL_THREAD), as classic BPF always did; a shift by X >= 32 shifts
 *    by X & 31, as the eBPF interpreter and every JIT do.
 */
#include <stddef.h>
#include <stdlib.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "lib/util.h"
#include "seccomp/filter.h"
#include "filter_cases.h"
#include "test.h"

/* the cases below start from STD and override what they test: that is the point */
#pragma GCC diagnostic ignored "-Woverride-init"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO_OFF(i)	(offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI_OFF(i)	(offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#else
#define ARG_LO_OFF(i)	(offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#define ARG_HI_OFF(i)	(offsetof(struct seccomp_data, args) + 8 * (i))
#endif
#define NR_OFF		offsetof(struct seccomp_data, nr)
#define ARCH_OFF	offsetof(struct seccomp_data, arch)
#define IP_LO_OFF	offsetof(struct seccomp_data, instruction_pointer)

/* Arguments whose two 32-bit words differ, and differ from every other argument's */
#define ARG_HI(i)	(0xa0001111u | (uint32_t)(i) << 16)
#define ARG_LO(i)	(0x0b002222u | (uint32_t)(i) << 16)
#define ARG(i)		((uint64_t)ARG_HI(i) << 32 | ARG_LO(i))
#define STD		.nr = FC_NR, .arch = AUDIT_ARCH_X86_64, \
			.args = { ARG(0), ARG(1), ARG(2), ARG(3), ARG(4), ARG(5) }

#define PROG(...)	.insns = (const struct sock_filter[]){ __VA_ARGS__ }, \
			.n = sizeof((const struct sock_filter[]){ __VA_ARGS__ }) / sizeof(struct sock_filter)
#define LD_W(off)	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define LD_IMM(k)	BPF_STMT(BPF_LD | BPF_IMM, (k))
#define LDX_IMM(k)	BPF_STMT(BPF_LDX | BPF_IMM, (k))
#define RET_A		BPF_STMT(BPF_RET | BPF_A, 0)
#define RET_K(k)	BPF_STMT(BPF_RET | BPF_K, (k))
#define ERRNO(e)	(SECCOMP_RET_ERRNO | (e))
#define KILL		SECCOMP_RET_KILL_PROCESS

/* A op K, A op X, then RET A */
#define ALU_K(op, a, k)	PROG(LD_IMM(a), BPF_STMT(BPF_ALU | (op) | BPF_K, (k)), RET_A)
#define ALU_X(op, a, x)	PROG(LD_IMM(a), LDX_IMM(x), BPF_STMT(BPF_ALU | (op) | BPF_X, 0), RET_A)

/* A jump on A op K (or X): ERRNO(101) when taken, ERRNO(102) when not */
#define T		ERRNO(101)
#define F		ERRNO(102)
#define JMP_K(op, a, k)	PROG(LD_IMM(a), BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), 0, 1), RET_K(T), RET_K(F))
#define JMP_X(op, a, x)	PROG(LD_IMM(a), LDX_IMM(x), BPF_JUMP(BPF_JMP | (op) | BPF_X, 0, 0, 1), RET_K(T), RET_K(F))

const struct filter_case filter_cases[] = {
	/* LD W ABS: every word of seccomp_data */
	{ "ld_abs_nr", PROG(LD_W(NR_OFF), RET_A), STD, .want = FC_NR },
	{ "ld_abs_nr_negative", PROG(LD_W(NR_OFF), RET_A), STD, .nr = -1, .want = 0xffffffff },
	{ "ld_abs_arch", PROG(LD_W(ARCH_OFF), RET_A), STD, .want = AUDIT_ARCH_X86_64 },
	{ "ld_abs_arch_i386", PROG(LD_W(ARCH_OFF), RET_A), STD, .arch = AUDIT_ARCH_I386, .want = AUDIT_ARCH_I386 },
	/* filter__run() has no instruction pointer: it reads as 0 */
	{ "ld_abs_ip_lo", PROG(LD_W(IP_LO_OFF), RET_A), STD, .want = 0 },
	{ "ld_abs_ip_hi", PROG(LD_W(IP_LO_OFF + 4), RET_A), STD, .want = 0 },
	{ "ld_abs_arg0_lo", PROG(LD_W(ARG_LO_OFF(0)), RET_A), STD, .want = ARG_LO(0) },
	{ "ld_abs_arg0_hi", PROG(LD_W(ARG_HI_OFF(0)), RET_A), STD, .want = ARG_HI(0) },
	{ "ld_abs_arg1_lo", PROG(LD_W(ARG_LO_OFF(1)), RET_A), STD, .want = ARG_LO(1) },
	{ "ld_abs_arg1_hi", PROG(LD_W(ARG_HI_OFF(1)), RET_A), STD, .want = ARG_HI(1) },
	{ "ld_abs_arg2_lo", PROG(LD_W(ARG_LO_OFF(2)), RET_A), STD, .want = ARG_LO(2) },
	{ "ld_abs_arg2_hi", PROG(LD_W(ARG_HI_OFF(2)), RET_A), STD, .want = ARG_HI(2) },
	{ "ld_abs_arg3_lo", PROG(LD_W(ARG_LO_OFF(3)), RET_A), STD, .want = ARG_LO(3) },
	{ "ld_abs_arg3_hi", PROG(LD_W(ARG_HI_OFF(3)), RET_A), STD, .want = ARG_HI(3) },
	{ "ld_abs_arg4_lo", PROG(LD_W(ARG_LO_OFF(4)), RET_A), STD, .want = ARG_LO(4) },
	{ "ld_abs_arg4_hi", PROG(LD_W(ARG_HI_OFF(4)), RET_A), STD, .want = ARG_HI(4) },
	{ "ld_abs_arg5_lo", PROG(LD_W(ARG_LO_OFF(5)), RET_A), STD, .want = ARG_LO(5) },
	{ "ld_abs_arg5_hi_last_word", PROG(LD_W(ARG_HI_OFF(5)), RET_A), STD, .want = ARG_HI(5) },
	/* loads the kernel refuses: misaligned, past the end, 16 and 8 bits, indirect */
	{ "ld_abs_misaligned_2", PROG(LD_W(2), RET_A), STD, .want = KILL },
	{ "ld_abs_misaligned_17", PROG(LD_W(17), RET_A), STD, .want = KILL },
	{ "ld_abs_past_the_end_64", PROG(LD_W(64), RET_A), STD, .want = KILL },
	{ "ld_abs_past_the_end_62", PROG(LD_W(62), RET_A), STD, .want = KILL },
	{ "ld_abs_offset_wraps", PROG(LD_W(0xfffffffc), RET_A), STD, .want = KILL },
	{ "ld_h_abs", PROG(BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), RET_A), STD, .want = KILL },
	{ "ld_b_abs", PROG(BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET_A), STD, .want = KILL },
	{ "ld_w_ind", PROG(BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), RET_A), STD, .want = KILL },

	/* LEN, IMM */
	{ "ld_len", PROG(BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), RET_A), STD, .want = sizeof(struct seccomp_data) },
	{ "ldx_len", PROG(BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A), STD,
	  .want = sizeof(struct seccomp_data) },
	{ "ld_imm", PROG(LD_IMM(0xdeadbeef), RET_A), STD, .want = 0xdeadbeef },
	{ "ldx_imm_txa", PROG(LDX_IMM(0xcafef00d), BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A), STD, .want = 0xcafef00d },
	{ "tax", PROG(LD_IMM(0x4242), BPF_STMT(BPF_MISC | BPF_TAX, 0), LD_IMM(0), BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A),
	  STD, .want = 0x4242 },

	/* scratch memory M[0..15] */
	{ "st_ld_mem", PROG(LD_IMM(0x1234), BPF_STMT(BPF_ST, 3), LD_IMM(0), BPF_STMT(BPF_LD | BPF_MEM, 3), RET_A), STD,
	  .want = 0x1234 },
	{ "stx_ldx_mem", PROG(LDX_IMM(0x5678), BPF_STMT(BPF_STX, 15), LDX_IMM(0), BPF_STMT(BPF_LDX | BPF_MEM, 15),
			      BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A), STD, .want = 0x5678 },
	{ "st_ldx_mem", PROG(LD_IMM(7), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_LDX | BPF_MEM, 0), LD_IMM(0),
			     BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A), STD, .want = 7 },
	{ "mem_words_apart", PROG(LD_IMM(1), BPF_STMT(BPF_ST, 0), LD_IMM(2), BPF_STMT(BPF_ST, 1),
				  BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A), STD, .want = 1 },
	{ "st_mem_16", PROG(LD_IMM(1), BPF_STMT(BPF_ST, 16), RET_A), STD, .want = KILL },
	{ "stx_mem_16", PROG(LDX_IMM(1), BPF_STMT(BPF_STX, 16), RET_A), STD, .want = KILL },
	{ "ld_mem_16", PROG(LD_IMM(1), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_LD | BPF_MEM, 16), RET_A), STD, .want = KILL },
	{ "ldx_mem_16", PROG(LD_IMM(1), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_LDX | BPF_MEM, 16), RET_A), STD, .want = KILL },

	/* ALU, 32-bit unsigned, wrapping */
	{ "alu_add_k", ALU_K(BPF_ADD, 0xfffffffe, 3), STD, .want = 1 },
	{ "alu_add_x", ALU_X(BPF_ADD, 0xfffffffe, 3), STD, .want = 1 },
	{ "alu_sub_k", ALU_K(BPF_SUB, 1, 2), STD, .want = 0xffffffff },
	{ "alu_sub_x", ALU_X(BPF_SUB, 1, 2), STD, .want = 0xffffffff },
	{ "alu_mul_k", ALU_K(BPF_MUL, 0x10001, 0x10001), STD, .want = 0x20001 },
	{ "alu_mul_x", ALU_X(BPF_MUL, 0x10001, 0x10001), STD, .want = 0x20001 },
	{ "alu_div_k", ALU_K(BPF_DIV, 0xfffffff0, 3), STD, .want = 0x55555550 },
	{ "alu_div_x", ALU_X(BPF_DIV, 0xfffffff0, 3), STD, .want = 0x55555550 },
	/* the kernel refuses DIV by a constant 0; by X = 0 the program returns 0 (KILL_THREAD) */
	{ "alu_div_k_zero", ALU_K(BPF_DIV, 7, 0), STD, .want_kill = true },
	{ "alu_div_x_zero", ALU_X(BPF_DIV, 7, 0), STD, .want = SECCOMP_RET_KILL_THREAD },
	/* seccomp refuses BPF_MOD (classic BPF has it; seccomp_check_filter() does not list it) */
	{ "alu_mod_k", ALU_K(BPF_MOD, 17, 5), STD, .want = KILL },
	{ "alu_mod_x", ALU_X(BPF_MOD, 17, 5), STD, .want = KILL },
	{ "alu_mod_x_zero", ALU_X(BPF_MOD, 17, 0), STD, .want = KILL },
	{ "alu_and_k", ALU_K(BPF_AND, 0xf0f0f0f0, 0x3c3c3c3c), STD, .want = 0x30303030 },
	{ "alu_and_x", ALU_X(BPF_AND, 0xf0f0f0f0, 0x3c3c3c3c), STD, .want = 0x30303030 },
	{ "alu_or_k", ALU_K(BPF_OR, 0xf0f0f0f0, 0x0f000001), STD, .want = 0xfff0f0f1 },
	{ "alu_or_x", ALU_X(BPF_OR, 0xf0f0f0f0, 0x0f000001), STD, .want = 0xfff0f0f1 },
	{ "alu_xor_k", ALU_K(BPF_XOR, 0xf0f0f0f0, 0xffff0000), STD, .want = 0x0f0ff0f0 },
	{ "alu_xor_x", ALU_X(BPF_XOR, 0xf0f0f0f0, 0xffff0000), STD, .want = 0x0f0ff0f0 },
	{ "alu_lsh_k", ALU_K(BPF_LSH, 0x80000003, 1), STD, .want = 6 },
	{ "alu_lsh_x", ALU_X(BPF_LSH, 0x80000003, 1), STD, .want = 6 },
	{ "alu_lsh_k_31", ALU_K(BPF_LSH, 1, 31), STD, .want = 0x80000000 },
	{ "alu_rsh_k_logical", ALU_K(BPF_RSH, 0x80000000, 31), STD, .want = 1 },
	{ "alu_rsh_x_logical", ALU_X(BPF_RSH, 0x80000000, 31), STD, .want = 1 },
	/* shifts by X >= 32 shift by X & 31; by a constant >= 32 the kernel refuses the program */
	{ "alu_lsh_x_32", ALU_X(BPF_LSH, 3, 32), STD, .want = 3 },
	{ "alu_lsh_x_33", ALU_X(BPF_LSH, 3, 33), STD, .want = 6 },
	{ "alu_rsh_x_36", ALU_X(BPF_RSH, 0x300, 36), STD, .want = 0x30 },
	{ "alu_lsh_k_32", ALU_K(BPF_LSH, 3, 32), STD, .want = KILL },
	{ "alu_rsh_k_32", ALU_K(BPF_RSH, 3, 32), STD, .want = KILL },
	{ "alu_neg", PROG(LD_IMM(5), BPF_STMT(BPF_ALU | BPF_NEG, 0), RET_A), STD, .want = 0xfffffffb },
	{ "alu_neg_zero", PROG(LD_IMM(0), BPF_STMT(BPF_ALU | BPF_NEG, 0), RET_A), STD, .want = 0 },
	{ "alu_neg_int_min", PROG(LD_IMM(0x80000000), BPF_STMT(BPF_ALU | BPF_NEG, 0), RET_A), STD, .want = 0x80000000 },
	/* eBPF-only operations (MOV 0xb0, ARSH 0xc0, END 0xd0) */
	{ "alu_op_mov_ebpf_only", ALU_K(0xb0, 1, 2), STD, .want = KILL },
	{ "alu_op_arsh_ebpf_only", ALU_K(0xc0, 0x80000000, 1), STD, .want = KILL },
	{ "alu_op_end_ebpf_only", ALU_K(0xd0, 1, 16), STD, .want = KILL },

	/* jumps, unsigned comparisons */
	{ "jeq_k_taken", JMP_K(BPF_JEQ, 5, 5), STD, .want = T },
	{ "jeq_k_not_taken", JMP_K(BPF_JEQ, 6, 5), STD, .want = F },
	{ "jeq_x_taken", JMP_X(BPF_JEQ, 5, 5), STD, .want = T },
	{ "jeq_x_not_taken", JMP_X(BPF_JEQ, 6, 5), STD, .want = F },
	{ "jgt_k_unsigned", JMP_K(BPF_JGT, 0xffffffff, 1), STD, .want = T },
	{ "jgt_k_equal_not_taken", JMP_K(BPF_JGT, 5, 5), STD, .want = F },
	{ "jgt_x_unsigned", JMP_X(BPF_JGT, 0xffffffff, 1), STD, .want = T },
	{ "jgt_x_equal_not_taken", JMP_X(BPF_JGT, 5, 5), STD, .want = F },
	{ "jge_k_equal", JMP_K(BPF_JGE, 5, 5), STD, .want = T },
	{ "jge_k_below", JMP_K(BPF_JGE, 4, 5), STD, .want = F },
	{ "jge_x_equal", JMP_X(BPF_JGE, 5, 5), STD, .want = T },
	{ "jge_x_below", JMP_X(BPF_JGE, 4, 5), STD, .want = F },
	{ "jset_k_taken", JMP_K(BPF_JSET, 0x10, 0x30), STD, .want = T },
	{ "jset_k_not_taken", JMP_K(BPF_JSET, 0x10, 0x0f), STD, .want = F },
	{ "jset_x_taken", JMP_X(BPF_JSET, 0x80000000, 0x80000001), STD, .want = T },
	{ "jset_x_not_taken", JMP_X(BPF_JSET, 0x7fffffff, 0x80000000), STD, .want = F },
	{ "jeq_jt_2", PROG(LD_IMM(5), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 2, 0), RET_K(ERRNO(1)), RET_K(ERRNO(2)),
			   RET_K(ERRNO(3))), STD, .want = ERRNO(3) },
	{ "jeq_jf_1", PROG(LD_IMM(6), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 1), RET_K(ERRNO(1)), RET_K(ERRNO(2)),
			   RET_K(ERRNO(3))), STD, .want = ERRNO(2) },
	{ "ja", PROG(BPF_STMT(BPF_JMP | BPF_JA, 1), RET_K(ERRNO(1)), RET_K(ERRNO(2))), STD, .want = ERRNO(2) },
	{ "ja_0", PROG(BPF_STMT(BPF_JMP | BPF_JA, 0), RET_K(ERRNO(3))), STD, .want = ERRNO(3) },
	/* jumps the kernel refuses: past the end, eBPF-only JNE 0x50 */
	{ "ja_past_the_end", PROG(BPF_STMT(BPF_JMP | BPF_JA, 5), RET_K(ERRNO(1))), STD, .want = KILL },
	{ "ja_to_the_end", PROG(BPF_STMT(BPF_JMP | BPF_JA, 1), RET_K(ERRNO(1))), STD, .want = KILL },
	{ "jeq_jt_past_the_end", PROG(LD_IMM(5), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 200, 0), RET_K(ERRNO(1))), STD,
	  .want = KILL },
	{ "jmp_op_jne_ebpf_only", PROG(LD_IMM(5), BPF_JUMP(BPF_JMP | 0x50 | BPF_K, 6, 0, 1), RET_K(ERRNO(1)),
				       RET_K(ERRNO(2))), STD, .want = KILL },

	/* conditions on arguments as libseccomp writes them: the high word, then the low one */
	{ "arg0_hi_jset", PROG(LD_W(ARG_HI_OFF(0)), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 0, 1), RET_K(T),
			       RET_K(F)), STD, .want = T },
	{ "arg0_lo_jset", PROG(LD_W(ARG_LO_OFF(0)), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 0, 1), RET_K(T),
			       RET_K(F)), STD, .want = F },
	{ "arg3_eq_64_bits", PROG(LD_W(ARG_HI_OFF(3)), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARG_HI(3), 0, 3),
				  LD_W(ARG_LO_OFF(3)), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARG_LO(3), 0, 1),
				  RET_K(T), RET_K(F)), STD, .want = T },
	{ "arg3_eq_64_bits_other_high", PROG(LD_W(ARG_HI_OFF(3)), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARG_HI(3), 0, 3),
					     LD_W(ARG_LO_OFF(3)), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARG_LO(3), 0, 1),
					     RET_K(T), RET_K(F)),
	  .nr = FC_NR, .arch = AUDIT_ARCH_X86_64, .args = { [3] = (uint64_t)(ARG_HI(3) ^ 1) << 32 | ARG_LO(3) },
	  .want = F },
	{ "arg5_lo_and_masked_eq", PROG(LD_W(ARG_LO_OFF(5)), BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffff),
					BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARG_LO(5) & 0xffff, 0, 1), RET_K(T),
					RET_K(F)), STD, .want = T },
	{ "arg_word_in_x_jeq_x", PROG(LD_W(ARG_LO_OFF(2)), BPF_STMT(BPF_MISC | BPF_TAX, 0), LD_IMM(ARG_LO(2)),
				      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), RET_K(T), RET_K(F)), STD, .want = T },

	/* RET: every action, data kept as is (the kernel caps ERRNO's at 4095 when it applies it) */
	{ "ret_k_allow", PROG(RET_K(SECCOMP_RET_ALLOW)), STD, .want = SECCOMP_RET_ALLOW },
	{ "ret_k_log", PROG(RET_K(SECCOMP_RET_LOG)), STD, .want = SECCOMP_RET_LOG },
	{ "ret_k_errno", PROG(RET_K(ERRNO(5))), STD, .want = ERRNO(5) },
	{ "ret_k_errno_0", PROG(RET_K(ERRNO(0))), STD, .want = ERRNO(0) },
	{ "ret_k_errno_above_4095", PROG(RET_K(ERRNO(5000))), STD, .want = ERRNO(5000) },
	{ "ret_k_trap", PROG(RET_K(SECCOMP_RET_TRAP | 3)), STD, .want = SECCOMP_RET_TRAP | 3 },
	{ "ret_k_trace", PROG(RET_K(SECCOMP_RET_TRACE | 7)), STD, .want = SECCOMP_RET_TRACE | 7 },
	{ "ret_k_user_notif", PROG(RET_K(SECCOMP_RET_USER_NOTIF)), STD, .want = SECCOMP_RET_USER_NOTIF },
	{ "ret_k_kill_thread", PROG(RET_K(SECCOMP_RET_KILL_THREAD)), STD, .want = SECCOMP_RET_KILL_THREAD },
	{ "ret_k_kill_process", PROG(RET_K(SECCOMP_RET_KILL_PROCESS)), STD, .want = SECCOMP_RET_KILL_PROCESS },
	{ "ret_k_unknown_action", PROG(RET_K(0x00070000)), STD, .want = 0x00070000 },
	{ "ret_a_errno", PROG(LD_IMM(ERRNO(9)), RET_A), STD, .want = ERRNO(9) },
	{ "ret_a_computed_errno", PROG(LD_W(NR_OFF), BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, FC_NR - 42),
				       BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO), RET_A), STD,
	  .want = ERRNO(42) },

	/* programs the kernel refuses: empty, falling off the end */
	{ "empty_program", NULL, 0, STD, .want = KILL },
	{ "falls_off_the_end", PROG(LD_IMM(ERRNO(1))), STD, .want = KILL },
	{ "falls_off_after_a_jump", PROG(LD_IMM(5), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 1, 0), RET_K(ERRNO(1)),
					 LD_IMM(ERRNO(2))), STD, .want = KILL },
};
const size_t n_filter_cases = ARRAY_SIZE(filter_cases);

/* the one place the tests name the action formatter */
static void action_text(uint32_t ret, char *buf, size_t len)
{
	action_str(ret, buf, len);
}

static bool is_kill(uint32_t ret)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL;

	return act == SECCOMP_RET_KILL_THREAD || act == SECCOMP_RET_KILL_PROCESS;
}

static void test_run(void)
{
	char name[96], got[48], want[48];

	for (size_t i = 0; i < n_filter_cases; i++) {
		const struct filter_case *c = &filter_cases[i];
		struct sc_filter f = { .insns = (struct sock_filter *)c->insns, .n = c->n };
		uint32_t ret = filter__run(&f, c->arch, c->nr, c->args);

		snprintf(name, sizeof(name), "filter: %s", c->name);
		action_text(ret, got, sizeof(got));
		if (c->want_kill) {
			ASSERT_MSG(is_kill(ret), name, "got 0x%08x (%s), expected a kill", ret, got);
		} else {
			action_text(c->want, want, sizeof(want));
			ASSERT_MSG(ret == c->want, name, "got 0x%08x (%s), expected 0x%08x (%s)", ret, got, c->want,
				   want);
		}
	}
}

/* the same arguments in, the same answer out: nothing is kept between runs */
static void test_run_independent(void)
{
	const struct filter_case *c = NULL;
	uint32_t first, again;
	struct sc_filter f;

	for (size_t i = 0; i < n_filter_cases && !c; i++)
		if (!strcmp(filter_cases[i].name, "st_ld_mem"))
			c = &filter_cases[i];
	if (!SETUP_OK(c, "filter: a second run gives the same answer", "no st_ld_mem case"))
		return;
	f = (struct sc_filter){ .insns = (struct sock_filter *)c->insns, .n = c->n };
	first = filter__run(&f, c->arch, c->nr, c->args);
	again = filter__run(&f, c->arch, c->nr, c->args);
	ASSERT_EQ(again, first, "filter: a second run gives the same answer");
}

static void test_ret_allows(void)
{
	ASSERT_TRUE(ret_allows(SECCOMP_RET_ALLOW), "ret_allows: ALLOW");
	ASSERT_TRUE(ret_allows(SECCOMP_RET_LOG), "ret_allows: LOG");
	ASSERT_FALSE(ret_allows(ERRNO(0)), "ret_allows: not ERRNO(0)");
	ASSERT_FALSE(ret_allows(SECCOMP_RET_TRACE), "ret_allows: not TRACE");
	ASSERT_FALSE(ret_allows(SECCOMP_RET_USER_NOTIF), "ret_allows: not USER_NOTIF");
	ASSERT_FALSE(ret_allows(SECCOMP_RET_KILL_THREAD), "ret_allows: not KILL_THREAD");
	ASSERT_FALSE(ret_allows(SECCOMP_RET_ALLOW | 0x80000000), "ret_allows: not KILL_PROCESS | ALLOW's bits");
}

static void test_action_text(void)
{
	static const struct {
		uint32_t ret;
		const char *text;
	} cases[] = {
		{ SECCOMP_RET_ALLOW, "SCMP_ACT_ALLOW" },
		{ SECCOMP_RET_ERRNO | 38, "SCMP_ACT_ERRNO(38)" },
		{ SECCOMP_RET_TRACE | 7, "SCMP_ACT_TRACE(7)" },
		{ SECCOMP_RET_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS" },
		{ SECCOMP_RET_KILL_THREAD, "SCMP_ACT_KILL_THREAD" },
		{ 0x00070000, "0x00070000" },
	};
	char buf[48], name[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		action_text(cases[i].ret, buf, sizeof(buf));
		snprintf(name, sizeof(name), "action text: 0x%08x", cases[i].ret);
		ASSERT_STREQ(buf, cases[i].text, name);
	}
}

/*
 * A profile compiled by libseccomp, with conditions that allow only some argument
 * values: filter__verdict() must see that the answer depends on the arguments
 * whichever values they are, on the low or on the high word.
 */
static const char *verdict_profile =
	"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"syscalls\":["
	"{\"names\":[\"write\",\"exit_group\",\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	"{\"names\":[\"close\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":4294967295,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":21505,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"fcntl\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":65280,\"valueTwo\":21504,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
	"{\"names\":[\"unshare\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
	"{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":18446744069414584320,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
	"{\"names\":[\"pread64\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":3,\"value\":4294967296,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"pwrite64\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":3,\"value\":8589934597,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7},"
	"{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
	"{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_TRAP\"},"
	"{\"names\":[\"sched_yield\"],\"action\":\"SCMP_ACT_LOG\"},"
	"{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":3}"
	"]}";

const char *test_verdict_profile(void)
{
	return verdict_profile;
}

/* Compile @text for x86_64 and export the program: 0, or -errno with @err filled. */
int test_compile_text(const char *text, uint64_t caps, struct sc_filter *f, char *err, size_t errlen)
{
	struct sc_eval_ctx ctx = test_ctx_amd64(caps);
	struct sc_compile_stats st;
	scmp_filter_ctx fctx = NULL;
	struct sc_profile *p;
	int ret;

	memset(f, 0, sizeof(*f));
	p = test_profile_text(text, SC_UNKNOWN_FAIL, &ctx, err, errlen);
	if (!p)
		return -EINVAL;
	ret = profile__compile(p, &ctx, false, &fctx, &st, err, errlen);
	if (!ret) {
		ret = filter__export(fctx, f);
		if (ret)
			snprintf(err, errlen, "filter__export: %s", strerror(-ret));
	}
	if (fctx)
		seccomp_release(fctx);
	profile__free(p);
	return ret;
}

static void test_verdict(void)
{
	static const struct {
		const char *syscall;
		enum sc_verdict_kind kind;
		uint32_t ret;	/* with all-zero arguments */
	} cases[] = {
		{ "write", SC_V_ALLOW, SECCOMP_RET_ALLOW },
		{ "getpid", SC_V_DENY, ERRNO(1) },		/* not in the profile */
		{ "getpriority", SC_V_DENY, ERRNO(7) },
		{ "kill", SC_V_DENY, SECCOMP_RET_KILL_PROCESS },
		{ "getuid", SC_V_DENY, SECCOMP_RET_TRAP },
		{ "clone3", SC_V_DENY, SECCOMP_RET_TRACE | 3 },	/* no tracer: ENOSYS */
		{ "sched_yield", SC_V_ALLOW, SECCOMP_RET_LOG },
		{ "close", SC_V_CONDITIONAL, SECCOMP_RET_ALLOW },	/* arg0 == 0: zero is allowed */
		{ "personality", SC_V_CONDITIONAL, ERRNO(1) },		/* only 0xffffffff, not ~0 */
		{ "ioctl", SC_V_CONDITIONAL, ERRNO(1) },		/* only TCGETS */
		{ "fcntl", SC_V_CONDITIONAL, ERRNO(1) },		/* MASKED_EQ, zero not allowed */
		{ "unshare", SC_V_CONDITIONAL, SECCOMP_RET_ALLOW },	/* MASKED_EQ, Docker's clone rule */
		{ "lseek", SC_V_CONDITIONAL, SECCOMP_RET_ALLOW },	/* the high word must be 0 */
		{ "pread64", SC_V_CONDITIONAL, ERRNO(1) },		/* only 1 << 32: the high word alone */
		{ "pwrite64", SC_V_CONDITIONAL, ERRNO(1) },		/* only 2 << 32 | 5: both words */
	};
	char err[512] = "", name[96], got[48], want[48];
	struct sc_verdict v;
	struct sc_filter f;
	int ret;

	ret = test_compile_text(verdict_profile, 0, &f, err, sizeof(err));
	if (!ASSERT_MSG(ret == 0, "verdict: profile with argument conditions compiles", "ret %d: %s", ret, err))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, cases[i].syscall);

		snprintf(name, sizeof(name), "verdict: %s", cases[i].syscall);
		if (!SETUP_OK(nr >= 0, name, "libseccomp does not know %s", cases[i].syscall))
			continue;
		v = filter__verdict(&f, AUDIT_ARCH_X86_64, nr);
		action_text(v.ret, got, sizeof(got));
		action_text(cases[i].ret, want, sizeof(want));
		ASSERT_MSG(v.kind == cases[i].kind && v.ret == cases[i].ret, name,
			   "got kind %d with %s, expected kind %d with %s", v.kind, got, cases[i].kind, want);
	}
	/* libseccomp's filter checks the architecture first: another one is not allowed */
	v = filter__verdict(&f, AUDIT_ARCH_I386, 20);
	ASSERT_MSG(v.kind == SC_V_DENY, "verdict: another architecture is denied", "got kind %d with 0x%08x", v.kind,
		   v.ret);
	filter__free(&f);
}

/* Docker's default profile, for a container without CAP_SYS_ADMIN */
static void test_verdict_docker(void)
{
	static const struct {
		const char *syscall;
		enum sc_verdict_kind kind;
		uint32_t ret;
	} cases[] = {
		{ "read", SC_V_ALLOW, SECCOMP_RET_ALLOW },
		{ "clone", SC_V_CONDITIONAL, SECCOMP_RET_ALLOW },	/* namespace flags masked out */
		{ "clone3", SC_V_DENY, ERRNO(38) },
		{ "personality", SC_V_CONDITIONAL, SECCOMP_RET_ALLOW },
		{ "socket", SC_V_CONDITIONAL, SECCOMP_RET_ALLOW },	/* all but AF_VSOCK (40) */
		{ "mount", SC_V_DENY, ERRNO(1) },
	};
	char path[512], err[1024] = "", name[96], got[48], want[48];
	struct sc_eval_ctx ctx;
	struct sc_compile_stats st;
	scmp_filter_ctx fctx = NULL;
	struct sc_profile *p;
	struct sc_filter f = {};
	int ret;

	snprintf(path, sizeof(path), "%s/docker-default.json", test_fixtures);
	ctx = test_ctx_amd64(0);
	ret = parse_caps("default", &ctx.caps);
	p = ret ? NULL : profile__load(path, &ctx, SC_UNKNOWN_FAIL, err, sizeof(err));
	if (p)
		ret = profile__compile(p, &ctx, false, &fctx, &st, err, sizeof(err));
	if (p && !ret)
		ret = filter__export(fctx, &f);
	if (!ASSERT_MSG(p && !ret, "verdict: docker-default.json compiles and exports", "ret %d: %s", ret, err))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, cases[i].syscall);
		struct sc_verdict v;

		snprintf(name, sizeof(name), "verdict: docker-default %s", cases[i].syscall);
		if (!SETUP_OK(nr >= 0, name, "libseccomp does not know %s", cases[i].syscall))
			continue;
		v = filter__verdict(&f, AUDIT_ARCH_X86_64, nr);
		action_text(v.ret, got, sizeof(got));
		action_text(cases[i].ret, want, sizeof(want));
		ASSERT_MSG(v.kind == cases[i].kind && v.ret == cases[i].ret, name,
			   "got kind %d with %s, expected kind %d with %s", v.kind, got, cases[i].kind, want);
	}
out:
	filter__free(&f);
	if (fctx)
		seccomp_release(fctx);
	profile__free(p);
}

static void test_export(void)
{
	int nr_getpid = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "getpid");
	int nr_read = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "read");
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	uint64_t args[6] = {};
	struct sc_filter f = { .n = 1 };
	int ret;

	if (!SETUP_OK(ctx, "export: a libseccomp filter exports", "seccomp_init: %s", strerror(errno)))
		return;
	ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(77), nr_getpid, 0);
	if (!SETUP_OK(!ret, "export: a libseccomp filter exports", "seccomp_rule_add: %s", strerror(-ret)))
		goto out;
	ret = filter__export(ctx, &f);
	if (!ASSERT_OK(ret, "export: a libseccomp filter exports"))
		goto out;
	/* libseccomp checks the architecture first, and ends every path with a RET */
	ASSERT_MSG(f.n >= 4 && f.insns[0].code == (BPF_LD | BPF_W | BPF_ABS) && f.insns[0].k == ARCH_OFF &&
		   BPF_CLASS(f.insns[f.n - 1].code) == BPF_RET,
		   "export: loads the architecture first, ends with a RET", "%zu instructions, first code 0x%x k %u",
		   f.n, f.n ? f.insns[0].code : 0, f.n ? f.insns[0].k : 0);
	ASSERT_EQ(filter__run(&f, AUDIT_ARCH_X86_64, nr_getpid, args), ERRNO(77),
		  "export: getpid gives its ERRNO(77)");
	ASSERT_EQ(filter__run(&f, AUDIT_ARCH_X86_64, nr_read, args), SECCOMP_RET_ALLOW,
		  "export: read allowed by default");
	ASSERT_FALSE(ret_allows(filter__run(&f, AUDIT_ARCH_I386, 20, args)),
		     "export: another architecture is not allowed");
	filter__free(&f);
	ASSERT_MSG(!f.insns && !f.n, "export: filter__free empties the filter", "%zu instructions left", f.n);
	filter__free(&f);	/* twice: destructors accept what they left */
	/* a failed export leaves an empty filter, not a stale one */
	f.n = 1;
	ret = filter__export(NULL, &f);
	ASSERT_MSG(ret < 0 && !f.insns && !f.n, "export: error for no context, filter left empty",
		   "ret %d, %zu instructions", ret, f.n);
out:
	filter__free(&f);
	seccomp_release(ctx);
}

void test_filter(void)
{
	test_run();
	test_run_independent();
	test_ret_allows();
	test_action_text();
	test_export();
	test_verdict();
	test_verdict_docker();
}
