// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Empty programs on the recorder's hooks: the cost floor that `syscensus bench`
 * compares the recorder against (what attaching anything at all to sys_enter costs).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(empty_btf, struct pt_regs *regs, long nr)
{
	return 0;
}

SEC("raw_tp/sys_enter")
int empty_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return 0;
}
