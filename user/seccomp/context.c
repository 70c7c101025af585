// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What a profile is evaluated against (struct sc_eval_ctx): the architecture, the
 * capabilities and the kernel of the process or container it confines, as moby's
 * includes/excludes see them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/capability.h>

#include "lib/util.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"

/* indexed by the kernel's own numbers (linux/capability.h) */
#define CAP(n) [n] = #n
static const char *const cap_names[] = {
	CAP(CAP_CHOWN), CAP(CAP_DAC_OVERRIDE), CAP(CAP_DAC_READ_SEARCH),
	CAP(CAP_FOWNER), CAP(CAP_FSETID), CAP(CAP_KILL),
	CAP(CAP_SETGID), CAP(CAP_SETUID), CAP(CAP_SETPCAP),
	CAP(CAP_LINUX_IMMUTABLE), CAP(CAP_NET_BIND_SERVICE), CAP(CAP_NET_BROADCAST),
	CAP(CAP_NET_ADMIN), CAP(CAP_NET_RAW), CAP(CAP_IPC_LOCK),
	CAP(CAP_IPC_OWNER), CAP(CAP_SYS_MODULE), CAP(CAP_SYS_RAWIO),
	CAP(CAP_SYS_CHROOT), CAP(CAP_SYS_PTRACE), CAP(CAP_SYS_PACCT),
	CAP(CAP_SYS_ADMIN), CAP(CAP_SYS_BOOT), CAP(CAP_SYS_NICE),
	CAP(CAP_SYS_RESOURCE), CAP(CAP_SYS_TIME), CAP(CAP_SYS_TTY_CONFIG),
	CAP(CAP_MKNOD), CAP(CAP_LEASE), CAP(CAP_AUDIT_WRITE),
	CAP(CAP_AUDIT_CONTROL), CAP(CAP_SETFCAP), CAP(CAP_MAC_OVERRIDE),
	CAP(CAP_MAC_ADMIN), CAP(CAP_SYSLOG), CAP(CAP_WAKE_ALARM),
	CAP(CAP_BLOCK_SUSPEND), CAP(CAP_AUDIT_READ), CAP(CAP_PERFMON),
	CAP(CAP_BPF), CAP(CAP_CHECKPOINT_RESTORE),
};
#undef CAP
_Static_assert(ARRAY_SIZE(cap_names) == CAP_LAST_CAP + 1, "a capability without a name");

int cap_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (cap_names[i] && strcmp(cap_names[i], name) == 0)
			return i;
	return -1;
}

const char *cap_name(int n)
{
	return n >= 0 && (size_t)n < ARRAY_SIZE(cap_names) ? cap_names[n] : NULL;
}

int parse_caps(const char *spec, uint64_t *caps)
{
	static const char *const docker_default[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
		"CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT",
		"CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
	};
	char *list, *tok, *save = NULL;
	int ret = 0;

	*caps = 0;
	if (!strcmp(spec, "all")) {
		*caps = ~0ULL;
		return 0;
	}
	if (!strcmp(spec, "default")) {
		for (size_t i = 0; i < ARRAY_SIZE(docker_default); i++)
			*caps |= 1ULL << cap_by_name(docker_default[i]);
		return 0;
	}
	if (!strcmp(spec, "none"))
		return 0;
	list = strdup(spec);
	if (!list)
		return -ENOMEM;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int n = cap_by_name(tok);

		if (n < 0) {
			sc_err("--caps: unknown capability \"%s\"", tok);
			ret = -EINVAL;
			break;
		}
		*caps |= 1ULL << n;
	}
	free(list);
	return ret;
}

int eval_ctx_current(struct sc_eval_ctx *ctx)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	const struct sc_arch *a = arch_native();
	struct utsname u;

	memset(ctx, 0, sizeof(*ctx));
	if (!a)
		return -ENOTSUP;
	ctx->goarch = a->goarch;
	ctx->native = a->token;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	ctx->caps = (uint64_t)data[1].effective << 32 | data[0].effective;
	if (uname(&u) < 0)
		return -errno;
	if (sscanf(u.release, "%u.%u", &ctx->kmajor, &ctx->kminor) != 2)
		return -EINVAL;
	return 0;
}
