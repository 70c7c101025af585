// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The interpreter against the kernel. Each filter is loaded into the kernel in a forked
 * child (no_new_privs lets an unprivileged process do that), the child makes one
 * syscall and reports through a pipe what it got; what it got (an errno, a return
 * value, the SIGSYS that killed it, or the kernel refusing the filter) must be what
 * filter__run()'s answer for the same (arch, nr, args) means:
 *	ALLOW, LOG		what the call gives without a filter (learned in a child)
 *	ERRNO(n)		errno min(n, 4095); n = 0: the call "returns" 0
 *	TRACE, USER_NOTIF	ENOSYS: no tracer, no listener
 *	TRAP, KILL_*, unknown	killed by SIGSYS
 *	kernel refuses		a kill (the interpreter's answer for what cannot be loaded)
 *
 * Calls must be harmless when a filter lets them through. The hand-assembled programs
 * of filter_cases.h run on FC_NR, a number no kernel has (ENOSYS), behind a prelude
 * letting every other number through, so that the child can still report and exit.
 * The profiles are probed with calls that fail when allowed (close of a descriptor that
 * cannot be open, clone with CLONE_THREAD but without CLONE_SIGHAND...), on x86_64,
 * x32 (the number with __X32_SYSCALL_BIT) and i386 (int $0x80: AUDIT_ARCH_I386).
 *
 * A program that ends in RET A is also run with A's bits 0-11, 12-23 and 24-31 returned
 * as an errno, so that the kernel shows all of A rather than only its action.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "lib/util.h"
#include "seccomp/filter.h"
#include "filter_cases.h"
#include "test.h"

#if defined(__x86_64__)

#define X32_BIT		0x40000000L	/* __X32_SYSCALL_BIT */

enum obs_kind {
	OBS_RET,	/* the call returned */
	OBS_SIGNAL,	/* the child was killed by a signal */
	OBS_REFUSED,	/* the kernel refused the filter */
	OBS_LOST,	/* the child exited without a word */
};

/* What a child observed */
struct obs {
	int kind;
	long ret;	/* OBS_RET: -1 or what the call returned */
	int err;	/* OBS_RET: errno when ret is -1; OBS_REFUSED: why */
	int status;	/* OBS_SIGNAL, OBS_LOST: the wait status */
};

/* One syscall, its arguments; int80: made with int $0x80, the i386 ABI */
struct probe {
	const char *what;
	bool int80;
	long nr;
	uint64_t args[6];
};

/*
 * int $0x80 from a 64-bit process is an i386 syscall: seccomp sees AUDIT_ARCH_I386 and
 * the i386 number. Registers hold 32 bits: the probes' arguments fit, so seccomp sees
 * them as they are. The sixth argument goes in ebp, which the compiler may be using: it
 * is swapped in and out around the call through r12, which the kernel preserves (it
 * clears r8-r11).
 */
static long int80(long nr, const uint64_t a[6])
{
	register long r12 asm("r12") = (long)a[5];
	long ret = nr;

	asm volatile("xchg %%rbp, %%r12\n\t"
		     "int $0x80\n\t"
		     "xchg %%rbp, %%r12"
		     : "+a"(ret), "+r"(r12)
		     : "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
		     : "r8", "r9", "r10", "r11", "memory", "cc");
	ret = (int)ret;
	if (ret < 0 && ret > -4096) {
		errno = -ret;
		return -1;
	}
	return ret;
}

/* The child: with @filtered, load the @n instructions of @insns; make the call, report, exit. */
static __attribute__((noreturn)) void child(int fd, const struct sock_filter *insns, size_t n,
					    bool filtered, const struct probe *p)
{
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = (struct sock_filter *)insns };
	struct rlimit nocore = { 0, 0 };
	struct obs o = { .kind = OBS_RET };

	/* a SIGSYS kill dumps core by default: not into the working directory, please */
	setrlimit(RLIMIT_CORE, &nocore);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (filtered && (n > 0xffff || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
			 syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))) {
		o.kind = OBS_REFUSED;
		o.err = n > 0xffff ? E2BIG : errno;
	} else {
		errno = 0;
		if (p->int80)
			o.ret = int80(p->nr, p->args);
		else
			o.ret = syscall(p->nr, p->args[0], p->args[1], p->args[2], p->args[3], p->args[4], p->args[5]);
		o.err = o.ret == -1 ? errno : 0;
	}
	if (write(fd, &o, sizeof(o)) != sizeof(o))
		o.kind = OBS_LOST;
	/* the raw exit: no exit handler, no sanitizer leak check under the filter */
	syscall(SYS_exit_group, o.kind == OBS_LOST ? 3 : 0);
	for (;;)
		__builtin_trap();	/* exit_group denied: end anyway, without a syscall */
}

static int kernel_run(const struct sock_filter *insns, size_t n, bool filtered, const struct probe *p,
		      struct obs *o)
{
	int pfd[2], status = 0;
	ssize_t got = 0, r;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!pid) {
		close(pfd[0]);
		child(pfd[1], insns, n, filtered, p);
	}
	close(pfd[1]);
	while (got < (ssize_t)sizeof(*o) && ((r = read(pfd[0], (char *)o + got, sizeof(*o) - got)) > 0 ||
					     (r < 0 && errno == EINTR)))
		got += r > 0 ? r : 0;
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got == sizeof(*o))
		return 0;
	o->kind = WIFSIGNALED(status) ? OBS_SIGNAL : OBS_LOST;
	o->status = status;
	return 0;
}

static void obs_text(const struct obs *o, char *buf, size_t len)
{
	switch (o->kind) {
	case OBS_RET:
		if (o->ret == -1)
			snprintf(buf, len, "errno %d (%s)", o->err, strerror(o->err));
		else
			snprintf(buf, len, "returned %ld", o->ret);
		break;
	case OBS_SIGNAL:
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(o->status), strsignal(WTERMSIG(o->status)));
		break;
	case OBS_REFUSED:
		snprintf(buf, len, "filter refused at load: %s", strerror(o->err));
		break;
	default:
		snprintf(buf, len, "no report, wait status 0x%x", o->status);
		break;
	}
}

/* What the kernel must do for filter__run()'s answer @ret; @base: the call unfiltered */
static struct obs predict(uint32_t ret, const struct obs *base)
{
	uint32_t data = ret & SECCOMP_RET_DATA;

	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return *base;
	case SECCOMP_RET_ERRNO:
		if (!data)
			return (struct obs){ .kind = OBS_RET, .ret = 0 };
		return (struct obs){ .kind = OBS_RET, .ret = -1, .err = data > 4095 ? 4095 : data };
	case SECCOMP_RET_TRACE:
	case SECCOMP_RET_USER_NOTIF:
		return (struct obs){ .kind = OBS_RET, .ret = -1, .err = ENOSYS };
	default:
		/* TRAP, KILL_*, and what the kernel does not know: a kill by SIGSYS (its wait status) */
		return (struct obs){ .kind = OBS_SIGNAL, .status = SIGSYS };
	}
}

static bool is_kill(uint32_t ret)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL;

	return act == SECCOMP_RET_KILL_THREAD || act == SECCOMP_RET_KILL_PROCESS;
}

/*
 * Whether the kernel's @k agrees with the interpreter's @ret; if not, @msg says
 * "got (kernel) ..., expected (interpreter 0x...) ...".
 */
static bool agrees(const struct obs *k, uint32_t ret, const struct obs *base, char *msg, size_t len)
{
	struct obs want = predict(ret, base);
	char got[96], exp[96];
	bool ok;

	if (k->kind == OBS_REFUSED) {
		ok = k->err == EINVAL && is_kill(ret);
		snprintf(exp, sizeof(exp), "%s", "a kill, for a filter the kernel cannot load");
	} else {
		obs_text(&want, exp, sizeof(exp));
		switch (k->kind) {
		case OBS_RET:
			/* a successful call: its value (a pid...) may differ from run to run */
			ok = want.kind == OBS_RET && (k->ret < 0) == (want.ret < 0) && (k->ret >= 0 || k->err == want.err);
			break;
		case OBS_SIGNAL:
			ok = want.kind == OBS_SIGNAL && WTERMSIG(k->status) == SIGSYS;
			break;
		default:
			ok = false;
			break;
		}
	}
	obs_text(k, got, sizeof(got));
	snprintf(msg, len, "got (kernel) %s, expected (interpreter: 0x%08x) %s", got, ret, exp);
	return ok;
}

/* ---- the hand-assembled programs ---- */

static bool reads_ip(const struct filter_case *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->insns[i].code == (BPF_LD | BPF_W | BPF_ABS) &&
		    c->insns[i].k >= offsetof(struct seccomp_data, instruction_pointer) &&
		    c->insns[i].k < offsetof(struct seccomp_data, args))
			return true;
	return false;
}

/* Ends with a RET and jumps only inside: the epilogue appended cannot change where it goes. */
static bool closed(const struct filter_case *c)
{
	if (!c->n || BPF_CLASS(c->insns[c->n - 1].code) != BPF_RET)
		return false;
	for (size_t i = 0; i < c->n; i++) {
		const struct sock_filter *in = &c->insns[i];

		if (BPF_CLASS(in->code) != BPF_JMP)
			continue;
		if (BPF_OP(in->code) == BPF_JA ? i + 1 + (uint64_t)in->k >= c->n :
		    i + 1 + in->jt >= c->n || i + 1 + in->jf >= c->n)
			return false;
	}
	return true;
}

static bool has_ret_a(const struct filter_case *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->insns[i].code == (BPF_RET | BPF_A))
			return true;
	return false;
}

#define PRELUDE 3

/*
 * The program the kernel gets for case @c: a prelude letting every syscall but c->nr
 * through, the case's program, and with @shift >= 0 every RET A made a jump to an
 * epilogue returning ERRNO((A >> shift) & 0xfff). Returns the length.
 */
static size_t build(const struct filter_case *c, int shift, struct sock_filter *out)
{
	size_t n = 0;

	out[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	out[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)c->nr, 1, 0);
	out[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	for (size_t i = 0; i < c->n; i++) {
		out[n] = c->insns[i];
		if (shift >= 0 && out[n].code == (BPF_RET | BPF_A))
			out[n] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(c->n - i - 1));
		n++;
	}
	if (shift < 0)
		return n;
	if (shift)
		out[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, shift);
	out[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfff);
	out[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO);
	out[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_A, 0);
	return n;
}

static void check_case(const struct filter_case *c)
{
	static const int shifts[] = { -1, 0, 12, 24 };
	struct sock_filter prog[PRELUDE + 64 + 4];
	struct probe p = { .what = c->name, .nr = c->nr };
	char name[96], msg[320] = "";
	struct obs base, k;
	bool ok = true;
	int ret;

	snprintf(name, sizeof(name), "kernel: %s", c->name);
	/* filter__run() has no instruction pointer, the kernel has the real one */
	if (reads_ip(c)) {
		SKIP(name, "reads the instruction pointer, which the interpreter does not have");
		return;
	}
	if (!SETUP_OK((c->arch == AUDIT_ARCH_X86_64 || c->arch == AUDIT_ARCH_I386) &&
		      (c->nr == FC_NR || c->nr == -1), name, "no call to make for arch 0x%x, nr %d", c->arch, c->nr) ||
	    !SETUP_OK(c->n <= 64, name, "%zu instructions, room for 64", c->n))
		return;
	/* i386: int $0x80, whose registers hold 32 bits of each argument */
	p.int80 = c->arch == AUDIT_ARCH_I386;
	for (int a = 0; a < 6; a++)
		p.args[a] = p.int80 ? (uint32_t)c->args[a] : c->args[a];
	ret = kernel_run(NULL, 0, false, &p, &base);
	if (!ret && p.int80 && base.kind == OBS_SIGNAL) {
		SKIP(name, "int $0x80 without a filter: no ia32 emulation in this kernel");
		return;
	}
	if (!SETUP_OK(!ret && base.kind == OBS_RET, name, "the call without a filter: %s",
		      ret ? strerror(-ret) : (obs_text(&base, msg, sizeof(msg)), msg)))
		return;
	for (size_t s = 0; s < ARRAY_SIZE(shifts) && ok; s++) {
		struct sc_filter f = { .insns = prog };
		uint32_t want;

		if (shifts[s] >= 0 && !(has_ret_a(c) && closed(c)))
			break;
		f.n = build(c, shifts[s], prog);
		want = filter__run(&f, c->arch, c->nr, p.args);
		ret = kernel_run(prog, f.n, true, &p, &k);
		if (ret) {
			snprintf(msg, sizeof(msg), "setup: fork: %s", strerror(-ret));
			ok = false;
		} else if (!agrees(&k, want, &base, msg, sizeof(msg))) {
			ok = false;
			if (shifts[s] >= 0) {
				size_t l = strlen(msg);

				snprintf(msg + l, sizeof(msg) - l, ", with A's bits %d-%d as the errno", shifts[s],
					 shifts[s] == 24 ? 31 : shifts[s] + 11);
			}
		}
	}
	ASSERT_MSG(ok, name, "%s", msg);
}

/* ---- profiles compiled by libseccomp ---- */

#define P(what, nr, ...)	{ what, false, nr, { __VA_ARGS__ } }
#define P80(what, nr, ...)	{ what, true, nr, { __VA_ARGS__ } }
#define BADFD			0xfffffff0ULL	/* as an unsigned int fd: never open */

/* Docker's and podman's default profiles, for a container without CAP_SYS_ADMIN */
static const struct probe default_probes[] = {
	P("getppid()", SYS_getppid),
	P("nr 1000 (no such syscall)", 1000),
	P("close(bad fd)", SYS_close, BADFD),
	P("close(bad fd | 1 << 32)", SYS_close, 1ULL << 32 | BADFD),
	P("personality(0xffffffff)", SYS_personality, 0xffffffff),
	P("personality(1 << 32 | 0xffffffff)", SYS_personality, 0x1ffffffffULL),
	P("personality(PER_LINUX32)", SYS_personality, 8),
	P("personality(0x12345)", SYS_personality, 0x12345),
	P("clone(CLONE_THREAD)", SYS_clone, 0x10000),
	P("clone(CLONE_THREAD | CLONE_NEWNS)", SYS_clone, 0x10000 | 0x20000),
	P("clone(CLONE_THREAD | CLONE_NEWUSER)", SYS_clone, 0x10000 | 0x10000000),
	P("clone(1 << 32 | CLONE_THREAD)", SYS_clone, 1ULL << 32 | 0x10000),
	P("clone3(NULL, 0)", SYS_clone3),
	P("socket(AF_VSOCK, bad type)", SYS_socket, 40, 0xffff),
	P("socket(1 << 32 | AF_VSOCK, bad type)", SYS_socket, 1ULL << 32 | 40, 0xffff),
	P("socket(AF_UNIX, bad type)", SYS_socket, 1, 0xffff),
	P("ioctl(bad fd, TCGETS)", SYS_ioctl, BADFD, 0x5401),
	P("bpf(bad command)", SYS_bpf, 0x7fffffff),
	P("x32 getpid()", X32_BIT | 39),
	P("x32 nr 1000", X32_BIT | 1000),
	P80("i386 getpid()", 20),
	P80("i386 close(bad fd)", 6, BADFD),
	P80("i386 nr 1000", 1000),
	P80("i386 personality(0xffffffff)", 136, 0xffffffff),
	P80("i386 personality(0x12345)", 136, 0x12345),
};

/* test_filter.c's profile: ERRNO(1) by default, every kind of condition and action */
static const struct probe verdict_probes[] = {
	P("getppid()", SYS_getppid),
	P("getpid()", SYS_getpid),
	P("getpriority(0, 0)", SYS_getpriority),
	P("kill(no such pid, 0)", SYS_kill, 0x7fffffff),
	P("getuid()", SYS_getuid),
	P("clone3(NULL, 0)", SYS_clone3),
	P("sched_yield()", SYS_sched_yield),
	P("close(0)", SYS_close, 0),
	P("close(1 << 32)", SYS_close, 1ULL << 32),
	P("personality(0xffffffff)", SYS_personality, 0xffffffff),
	P("personality(1 << 32 | 0xffffffff)", SYS_personality, 0x1ffffffffULL),
	P("ioctl(bad fd, TCGETS)", SYS_ioctl, BADFD, 0x5401),
	P("ioctl(bad fd, TCSETS)", SYS_ioctl, BADFD, 0x5402),
	P("fcntl(bad fd, 0x5455)", SYS_fcntl, BADFD, 0x5455),
	P("fcntl(bad fd, 0x5555)", SYS_fcntl, BADFD, 0x5555),
	P("unshare(0)", SYS_unshare, 0),
	P("unshare(CLONE_NEWNS)", SYS_unshare, 0x20000),
	P("lseek(bad fd, 5)", SYS_lseek, BADFD, 5),
	P("lseek(bad fd, 1 << 32 | 5)", SYS_lseek, BADFD, 1ULL << 32 | 5),
	P("pread64(bad fd, offset 1 << 32)", SYS_pread64, BADFD, 0, 0, 1ULL << 32),
	P("pread64(bad fd, offset 0)", SYS_pread64, BADFD, 0, 0, 0),
	P("pwrite64(bad fd, offset 2 << 32 | 5)", SYS_pwrite64, BADFD, 0, 0, 2ULL << 32 | 5),
	P("pwrite64(bad fd, offset 2 << 32)", SYS_pwrite64, BADFD, 0, 0, 2ULL << 32),
	P("pwrite64(bad fd, offset 5)", SYS_pwrite64, BADFD, 0, 0, 5),
};

/* Allowed by default, a distinct errno per condition: which one held is visible */
static const char *args_profile =
	"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	"{\"names\":[\"close\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":101,\"args\":[{\"index\":0,\"value\":4294967286,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"close\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":102,\"args\":[{\"index\":0,\"value\":8589934583,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":103,\"args\":[{\"index\":1,\"value\":65280,\"valueTwo\":21504,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
	"{\"names\":[\"fcntl\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":104,\"args\":[{\"index\":2,\"value\":18446744069414584320,\"valueTwo\":77309411328,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
	"{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":105,\"args\":[{\"index\":0,\"value\":7,\"op\":\"SCMP_CMP_GT\"},{\"index\":1,\"value\":4294967296,\"op\":\"SCMP_CMP_LT\"}]},"
	"{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":106,\"args\":[{\"index\":1,\"value\":4294967296,\"op\":\"SCMP_CMP_GE\"}]},"
	"{\"names\":[\"dup\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":107,\"args\":[{\"index\":0,\"value\":4294967295,\"op\":\"SCMP_CMP_NE\"}]},"
	"{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":108,\"args\":[{\"index\":0,\"value\":100,\"op\":\"SCMP_CMP_LE\"}]}"
	"]}";

static const struct probe args_probes[] = {
	P("close(0xfffffff6): EQ", SYS_close, 0xfffffff6),
	P("close(1 << 32 | 0xfffffff6): EQ, other high word", SYS_close, 0x1fffffff6ULL),
	P("close(1 << 32 | 0xfffffff7): EQ on both words", SYS_close, 0x1fffffff7ULL),
	P("close(0xfffffff7): EQ, high word 0", SYS_close, 0xfffffff7),
	P("close(2 << 32 | 0xfffffff7)", SYS_close, 0x2fffffff7ULL),
	P("ioctl(bad fd, 0x5401): MASKED_EQ", SYS_ioctl, BADFD, 0x5401),
	P("ioctl(bad fd, 0x54ff): MASKED_EQ", SYS_ioctl, BADFD, 0x54ff),
	P("ioctl(bad fd, 1 << 32 | 0x5401): high word masked out", SYS_ioctl, BADFD, 1ULL << 32 | 0x5401),
	P("ioctl(bad fd, 0x5501)", SYS_ioctl, BADFD, 0x5501),
	P("fcntl(bad fd, 0, 0x12 << 32): MASKED_EQ on the high word", SYS_fcntl, BADFD, 0, 0x12ULL << 32),
	P("fcntl(bad fd, 0, 0x12 << 32 | 0xabcd)", SYS_fcntl, BADFD, 0, 0x12ULL << 32 | 0xabcd),
	P("fcntl(bad fd, 0, 0x13 << 32)", SYS_fcntl, BADFD, 0, 0x13ULL << 32),
	P("fcntl(bad fd, 0, 0x12)", SYS_fcntl, BADFD, 0, 0x12),
	P("getpriority(8, 5): GT and LT", SYS_getpriority, 8, 5),
	P("getpriority(8, 1 << 32)", SYS_getpriority, 8, 1ULL << 32),
	P("getpriority(7, 5)", SYS_getpriority, 7, 5),
	P("getpriority(1 << 32, 5): GT on the high word", SYS_getpriority, 1ULL << 32, 5),
	P("lseek(bad fd, 1 << 32): GE", SYS_lseek, BADFD, 1ULL << 32),
	P("lseek(bad fd, 0xffffffff)", SYS_lseek, BADFD, 0xffffffff),
	P("lseek(bad fd, ~0): GE, unsigned", SYS_lseek, BADFD, ~0ULL),
	P("dup(0xffffffff): NE", SYS_dup, 0xffffffff),
	P("dup(1 << 32 | 0xffffffff): NE on the high word", SYS_dup, 0x1ffffffffULL),
	P("getpgid(100): LE", SYS_getpgid, 100),
	P("getpgid(0x7ffffff0)", SYS_getpgid, 0x7ffffff0),
	P("getpgid(1 << 32 | 5): LE on the high word", SYS_getpgid, 1ULL << 32 | 5),
};

static void check_probes(const char *fname, const struct sc_filter *f, const struct probe *probes,
			 size_t n)
{
	bool no_int80 = false;
	char name[160], msg[320];

	for (size_t i = 0; i < n; i++) {
		const struct probe *p = &probes[i];
		uint32_t want;
		struct obs base, k;
		int ret;

		snprintf(name, sizeof(name), "kernel: %s %s", fname, p->what);
		ret = kernel_run(NULL, 0, false, p, &base);
		if (!SETUP_OK(!ret, name, "fork: %s", strerror(-ret)))
			continue;
		if (p->int80 && (no_int80 || base.kind != OBS_RET)) {
			no_int80 = true;
			SKIP(name, "int $0x80 without a filter: no ia32 emulation in this kernel");
			continue;
		}
		if (!SETUP_OK(base.kind == OBS_RET, name, "the call without a filter: %s",
				(obs_text(&base, msg, sizeof(msg)), msg)))
			continue;
		want = filter__run(f, p->int80 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64, (int)p->nr, p->args);
		ret = kernel_run(f->insns, f->n, true, p, &k);
		if (!SETUP_OK(!ret, name, "fork: %s", strerror(-ret)))
			continue;
		ASSERT_MSG(agrees(&k, want, &base, msg, sizeof(msg)), name, "%s", msg);
	}
}

/* A real-world profile, for a container without CAP_SYS_ADMIN (so that clone is conditional) */
static void check_real_world(const char *label, const char *path)
{
	char err[1024] = "", name[160];
	struct sc_compile_stats st;
	scmp_filter_ctx fctx = NULL;
	struct sc_eval_ctx ctx = test_ctx_amd64(0);
	struct sc_filter f = {};
	struct sc_profile *p = NULL;
	int ret;

	snprintf(name, sizeof(name), "kernel: %s compiles and exports", label);
	if (access(path, R_OK)) {
		SKIP(name, "%s: %s", path, strerror(errno));
		return;
	}
	ret = parse_caps("default", &ctx.caps);
	if (!ret) {
		p = profile__load(path, &ctx, SC_UNKNOWN_WARN, err, sizeof(err));
		ret = p ? profile__compile(p, &ctx, false, &fctx, &st, err, sizeof(err)) : -EINVAL;
	}
	if (!ret)
		ret = filter__export(fctx, &f);
	if (ASSERT_MSG(!ret, name, "ret %d: %s", ret, err))
		check_probes(label, &f, default_probes, ARRAY_SIZE(default_probes));
	filter__free(&f);
	if (fctx)
		seccomp_release(fctx);
	profile__free(p);
}

static void check_profile_text(const char *label, const char *text, const struct probe *probes,
			       size_t n)
{
	char err[1024] = "", name[160];
	struct sc_filter f;
	int ret;

	snprintf(name, sizeof(name), "kernel: %s compiles and exports", label);
	ret = test_compile_text(text, 0, &f, err, sizeof(err));
	if (ASSERT_MSG(!ret, name, "ret %d: %s", ret, err))
		check_probes(label, &f, probes, n);
	filter__free(&f);
}

void test_filter_kernel(void)
{
	char path[512];

	for (size_t i = 0; i < n_filter_cases; i++)
		check_case(&filter_cases[i]);
	snprintf(path, sizeof(path), "%s/docker-default.json", test_fixtures);
	check_real_world("docker-default", path);
	check_real_world("podman-default", "/usr/share/containers/seccomp.json");
	check_profile_text("verdict-profile", test_verdict_profile(), verdict_probes,
			   ARRAY_SIZE(verdict_probes));
	check_profile_text("args-profile", args_profile, args_probes, ARRAY_SIZE(args_probes));
}

#else

void test_filter_kernel(void)
{
	SKIP("kernel: filters against the kernel", "the syscall numbers of the probes are x86_64's");
}

#endif
