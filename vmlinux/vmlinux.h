/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel types for the CO-RE programs, generated per architecture by `make vmlinux`
 * (bpftool btf dump file /sys/kernel/btf/vmlinux format c) and committed, so that the
 * build never depends on the build host's kernel. CO-RE relocations adapt the
 * programs to the running kernel at load time.
 */
#if defined(__TARGET_ARCH_x86)
#include "x86_64/vmlinux.h"
#else
#error "no vmlinux.h for this architecture: run `make vmlinux` on a machine of that architecture"
#endif
