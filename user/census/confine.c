// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent confines itself once the recorder runs (census/confine.h).
 *
 * What the loop needs, and why:
 *  - CAP_DAC_READ_SEARCH: open_by_handle_at() names a new cgroup from its id (the kernel
 *    asks for it), and runtimes' state of other users (rootless storage) is read;
 *  - CAP_BPF, only on kernels that check it on every bpf() command (before Linux 5.19,
 *    with kernel.unprivileged_bpf_disabled set; since then an fd a privileged process
 *    opened may be used without it): the counters are read with bpf(); it is probed, not
 *    guessed from the version (the kernel matrix: not needed on 6.1, 6.12 and 6.18);
 *  - CAP_SYS_PTRACE, kept when given: only /proc mounted with hidepid= needs it to read
 *    other processes' /proc/PID/status.
 * Loading and attaching needed CAP_BPF and CAP_PERFMON (and the pinned recorder's
 * directory on bpffs); nothing later does, so both go, with everything else.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include <cjson/cJSON.h>
#include <seccomp.h>

#include "census/confine.h"
#include "lib/json.h"
#include "lib/util.h"
#include "record/recorder.h"
#include "seccomp/profile.h"
#include "seccomp/syscalls.h"

#define BIT(c) (1ULL << (c))
#define KEEP_ALWAYS (BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_SYS_PTRACE))

/*
 * A call the filter does not allow traps (SIGSYS) where the handler can answer it
 * EPERM and count it, so that a path the recording never took is a warning naming the
 * syscall and a metric, not a dead agent or a silent failure; elsewhere it is refused
 * with EPERM, as the profile says.
 */
#if defined(__x86_64__) || defined(__aarch64__)
#define TRAP_REFUSALS 1
#endif
/*
 * A sanitizer's runtime makes calls of its own (LeakSanitizer's tracer at exit: clone,
 * ptrace, with signals blocked): not the agent's, not in its profile. Such a build
 * drops its capabilities and sets no_new_privs, and runs without the filter.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1		/* si_code of a seccomp trap (asm-generic/siginfo.h) */
#endif
#define REFUSED_NR_MAX 1024
static uint64_t refused_calls;				/* atomic */
static uint64_t refused_nr[REFUSED_NR_MAX / 64];	/* atomic: numbers refused ... */
static uint64_t reported_nr[REFUSED_NR_MAX / 64];	/* ... and those already said */
static uint32_t filter_arch;

#ifdef TRAP_REFUSALS
static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	int nr = si->si_syscall;

	(void)sig;
	if (si->si_code != SYS_SECCOMP)
		return;		/* sent by someone (kill): no syscall to answer */
	__atomic_fetch_add(&refused_calls, 1, __ATOMIC_RELAXED);
	if (nr >= 0 && nr < REFUSED_NR_MAX)
		__atomic_fetch_or(&refused_nr[nr / 64], 1ULL << (nr % 64), __ATOMIC_RELAXED);
#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
#else
	uc->uc_mcontext.regs[0] = (unsigned long long)-EPERM;
#endif
}
#endif

uint64_t confine__refusals(void)
{
	for (int w = 0; w < REFUSED_NR_MAX / 64; w++) {
		uint64_t fresh = __atomic_load_n(&refused_nr[w], __ATOMIC_RELAXED) & ~reported_nr[w];

		for (int b = 0; fresh && b < 64; b++) {
			const char *name;

			if (!(fresh & (1ULL << b)))
				continue;
			name = syscall_name(filter_arch, w * 64 + b);
			sc_warn("the agent's own seccomp filter refused %s (syscall %d), answered EPERM: a path "
				"its recording never took; what needed it may have failed. Please report it "
				"(deploy/seccomp/syscensus-agent.json, make agent-profile)", name ? name : "?", w * 64 + b);
			reported_nr[w] |= 1ULL << b;
		}
	}
	return __atomic_load_n(&refused_calls, __ATOMIC_RELAXED);
}

struct caps {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct d[2];
};

static int caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capget, &c->hdr, c->d) ? -errno : 0;
}

static uint64_t caps_of(const struct caps *c, int which)	/* 0 effective, 1 permitted */
{
	return which ? (uint64_t)c->d[1].permitted << 32 | c->d[0].permitted
		     : (uint64_t)c->d[1].effective << 32 | c->d[0].effective;
}

/* effective = @eff, permitted = @perm, inheritable none. 0 or -errno. */
static int caps_set(uint64_t eff, uint64_t perm)
{
	struct caps c;

	memset(&c, 0, sizeof(c));
	c.hdr.version = _LINUX_CAPABILITY_VERSION_3;
	c.d[0].effective = (uint32_t)eff;
	c.d[1].effective = (uint32_t)(eff >> 32);
	c.d[0].permitted = (uint32_t)perm;
	c.d[1].permitted = (uint32_t)(perm >> 32);
	return syscall(SYS_capset, &c.hdr, c.d) ? -errno : 0;
}

void confine__caps_str(uint64_t caps, char *buf, size_t len)
{
	size_t o = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (int n = 0; n < 64 && o < len; n++) {
		const char *name;
		int w;

		if (!(caps & BIT(n)))
			continue;
		name = cap_name(n);
		w = name ? snprintf(buf + o, len - o, "%s%s", o ? "," : "", name)
			 : snprintf(buf + o, len - o, "%scapability %d", o ? "," : "", n);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

/*
 * Capabilities: those the loop needs, CAP_BPF only when bpf() still asks for it with
 * the others dropped. The bounding set goes too when CAP_SETPCAP allows it, and with
 * no_new_privs nothing executed could gain any back.
 */
static int drop_caps(struct sc_recorder *rec, struct sc_confinement *out)
{
	struct caps c;
	uint64_t had, keep;
	int err;

	if ((err = caps_get(&c))) {
		sc_err("cannot read the agent's capabilities: %s", strerror(-err));
		return err;
	}
	had = caps_of(&c, 1);
	keep = had & KEEP_ALWAYS;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL) {
		err = -errno;
		sc_err("cannot clear the agent's ambient capabilities: %s", strerror(errno));
		return err;
	}
	/*
	 * Only the kept ones in effect (CAP_SYS_ADMIN would stand in for CAP_BPF): are the
	 * counters readable? If not, CAP_BPF stays, or CAP_SYS_ADMIN where there is no CAP_BPF
	 * (before Linux 5.8, or not given).
	 */
	if ((had & (BIT(CAP_BPF) | BIT(CAP_SYS_ADMIN))) && !caps_set(keep, had) && recorder__probe(rec) == -EPERM) {
		keep |= had & BIT(CAP_BPF) ? BIT(CAP_BPF) : BIT(CAP_SYS_ADMIN);
		if (!(had & BIT(CAP_BPF)))
			sc_warn("the counters cannot be read without CAP_BPF here, and the agent was not given "
				"it: it keeps CAP_SYS_ADMIN");
	}
	if ((err = caps_set(had, had))) {
		sc_err("cannot drop the agent's capabilities: %s", strerror(-err));
		return err;
	}
	if (had & BIT(CAP_SETPCAP))
		for (int n = 0; n < 64; n++)	/* past the build's CAP_LAST_CAP: EINVAL where the kernel has none */
			if (!(keep & BIT(n)) && prctl(PR_CAPBSET_DROP, n, 0, 0, 0) && errno != EINVAL) {
				err = -errno;
				sc_err("cannot drop %s from the bounding set: %s", cap_name(n), strerror(errno));
				return err;
			}
	if ((err = caps_set(keep, keep))) {
		sc_err("cannot drop the agent's capabilities: %s", strerror(-err));
		return err;
	}
	if ((err = recorder__probe(rec))) {
		sc_err("the counters cannot be read with the capabilities kept: %s", strerror(-err));
		return err;
	}
	out->kept = keep;
	out->dropped = had & ~keep;
	return 0;
}

/* The built-in profile, compiled for this process and loaded on every thread. */
static int load_filter(struct sc_confinement *out)
{
	struct sc_compile_stats st = {};
	struct sc_eval_ctx ctx;
	struct sc_profile *p;
	scmp_filter_ctx f = NULL;
	char err[512];
	cJSON *doc;
	int ret;

	if ((ret = eval_ctx_current(&ctx))) {
		sc_err("cannot read this process's architecture or kernel: %s", strerror(-ret));
		return ret;
	}
	filter_arch = ctx.native;
	if (!(doc = json_parse(sc_agent_profile_json, strlen(sc_agent_profile_json), err, sizeof(err)))) {
		sc_err("the built-in agent profile: %s (a build error)", err);
		return -EINVAL;
	}
	if (!(p = profile__from_json(doc, "built-in agent profile", &ctx, SC_UNKNOWN_WARN, err, sizeof(err)))) {
		sc_err("%s", err);
		return -EINVAL;
	}
	/* recorded on x86_64: another architecture's names differ (openat for open, ppoll for poll) */
	if (!profile__has_arch(p, ctx.native)) {
		sc_warn("the built-in agent profile was recorded on another architecture: no seccomp filter "
			"of its own on this one (its capabilities are dropped all the same)");
		profile__free(p);
		return 0;
	}
#ifdef TRAP_REFUSALS
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL)) {
		ret = -errno;
		sc_err("cannot handle SIGSYS: %s", strerror(errno));
		profile__free(p);
		return ret;
	}
	p->default_action = SCMP_ACT_TRAP;
#endif
	ret = profile__compile(p, &ctx, true, &f, &st, err, sizeof(err));
	profile__free(p);
	if (ret) {
		sc_err("%s", err);
		return ret;
	}
	if ((ret = seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1)) || (ret = seccomp_load(f))) {
		sc_err("cannot load the agent's seccomp filter: %s", strerror(-ret));
		seccomp_release(f);
		return ret;
	}
	seccomp_release(f);
	out->syscalls = st.syscalls_allowed + st.syscalls_conditional;
	out->filtered = true;
	return 0;
}

static int count_threads(void)
{
	char *text = sc_read_file("/proc/self/status", 1 << 16, NULL), *p;
	int n = -1;

	if (text && (p = strstr(text, "\nThreads:")))
		n = atoi(p + 9);
	free(text);
	return n;
}

int confine__check_start(void)
{
	static const int need[] = { CAP_BPF, CAP_PERFMON, CAP_DAC_READ_SEARCH };
	char missing[160] = "";
	struct caps c;
	uint64_t eff;
	size_t o = 0;
	int err;

	if ((err = caps_get(&c))) {
		sc_err("cannot read the agent's capabilities: %s", strerror(-err));
		return err;
	}
	eff = caps_of(&c, 0);
	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		/* CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON, not for CAP_DAC_READ_SEARCH */
		if ((eff & BIT(need[i])) || (need[i] != CAP_DAC_READ_SEARCH && (eff & BIT(CAP_SYS_ADMIN))))
			continue;
		o += (size_t)snprintf(missing + o, sizeof(missing) - o, "%s%s", o ? ", " : "", cap_name(need[i]));
	}
	if (!o)
		return 0;
	sc_err("the agent needs CAP_BPF and CAP_PERFMON (to load and attach its programs) and "
	       "CAP_DAC_READ_SEARCH (to name cgroups from their ids, and read every runtime's state); "
	       "missing: %s", missing);
	return -EPERM;
}

int confine__agent(struct sc_recorder *rec, bool filter, struct sc_confinement *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	/* capabilities are per thread: the others would keep theirs */
	if (count_threads() != 1) {
		sc_err("the agent must confine itself before it starts a thread (a bug)");
		return -EBUSY;
	}
	if ((err = drop_caps(rec, out)))
		return err;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = -errno;
		sc_err("cannot set no_new_privs: %s", strerror(errno));
		return err;
	}
#ifdef SANITIZER_BUILD
	if (filter) {
		sc_info("a sanitizer build: no seccomp filter of its own (its runtime makes calls the agent does not)");
		filter = false;
	}
#endif
	return filter ? load_filter(out) : 0;
}
