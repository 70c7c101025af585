#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel-facing tests of the kernel matrix (tests/vmtest/vmtest.sh), in POSIX sh so
# that busybox runs them in a VM's initramfs; the host runs the same file. The binaries
# are the ones built on the host against the committed vmlinux.h (CO-RE): VM=DIR holds
# syscensus, sample and strace. Ends with "vmtest <release>: N passed, N failed".
VM=${VM:-/vm}
SC=$VM/syscensus
SAMPLE=$VM/sample
T=${TMPDIR:-/tmp}/vmtest.$$
PIN=/sys/fs/bpf/syscensus-vmtest-$$
R=$(uname -r)
PASS=0 FAIL=0
mkdir -p "$T"
pass() { PASS=$((PASS + 1)); echo "PASS $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $1: $2"; }
# what every profile allows beyond the calls seen, and the companions (README)
ADDED='^(execve|exit|exit_group|rt_sigreturn|restart_syscall|clock_gettime|clock_getres|gettimeofday|time|getcpu|futex|sched_yield|epoll_wait|epoll_pwait|epoll_pwait2|nanosleep|clock_nanosleep)$'
# lines of file $2 not in file $1 (busybox has no comm)
only_in() { grep -vxF -f "$1" "$2"; }
# the names a profile allows natively, for some arguments at least, one per line (check --names)
names() { "$SC" check --names "$1" | sed -n -e 's/^  allowed: *//p' -e 's/^  conditional: *//p' | tr ' ' '\n' | grep -vx -e '' -e '(none)' | sort -u; }
cg=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
ID=$(printf 'c0ffee%058d' $$)
CGS=
cleanup() {
	[ -n "${AGENT:-}" ] && kill -KILL "$AGENT" 2>/dev/null
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
	for d in $CGS; do rmdir "$d" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# What this kernel has, said before the tests: what syscensus uses or reports
feat="btf=$([ -r /sys/kernel/btf/vmlinux ] && echo yes || echo no)"
feat="$feat bpf_stats=$([ -e /proc/sys/kernel/bpf_stats_enabled ] && echo yes || echo no)"
feat="$feat unprivileged_bpf_disabled=$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null || echo ?)"
feat="$feat cgroup2=${cg:-none}"
echo "vmtest $R: kernel features: $feat"

# record against an independent oracle: strace -f sees the same set
strace -f -qq -o "$T/strace.txt" "$SAMPLE" >/dev/null 2>&1
sed -e 's/^[0-9]* *//' "$T/strace.txt" | grep -oE '^[a-z0-9_]+\(' | tr -d '(' | sort -u >"$T/strace.names"
if "$SC" record -o "$T/sample.json" -- "$SAMPLE" >/dev/null 2>"$T/rec.err"; then
	names "$T/sample.json" >"$T/rec.names"
	extra=$(only_in "$T/strace.names" "$T/rec.names" | grep -vE "$ADDED" | tr '\n' ' ')
	missing=$(only_in "$T/rec.names" "$T/strace.names" | tr '\n' ' ')
	[ -s "$T/strace.names" ] && [ -z "$extra$missing" ] &&
		pass "record_matches_strace ($(wc -l <"$T/rec.names") syscalls)" ||
		fail record_matches_strace "not recorded: [$missing] recorded but not in strace: [$extra]"
else
	fail record_matches_strace "record failed: $(tail -3 "$T/rec.err")"
fi

# the raw_tp fallback, forced: the same profile
if "$SC" record --attach raw_tp -o "$T/raw.json" -- "$SAMPLE" >/dev/null 2>"$T/raw.err"; then
	names "$T/raw.json" >"$T/raw.names"
	cmp -s "$T/rec.names" "$T/raw.names" && pass record_raw_tp_same_profile ||
		fail record_raw_tp_same_profile "tp_btf only: [$(only_in "$T/raw.names" "$T/rec.names" | tr '\n' ' ')] raw_tp only: [$(only_in "$T/rec.names" "$T/raw.names" | tr '\n' ' ')]"
else
	fail record_raw_tp_same_profile "record --attach raw_tp failed: $(tail -3 "$T/raw.err")"
fi

# exec: the recorded profile runs the program; a profile of another program refuses it
out=$("$SC" exec --profile "$T/sample.json" -- "$SAMPLE" 2>&1); rc=$?
[ $rc = 0 ] && pass exec_under_recorded_profile || fail exec_under_recorded_profile "exit $rc: $out"
# (the sample dies of what the profile refuses, maybe of SIGSEGV in the dynamic loader; 1 and 2
# would be syscensus's own failure or usage error)
if "$SC" record -o "$T/true.json" -- "$VM/busybox" true >/dev/null 2>"$T/true.err" && "$SC" check "$T/true.json" >/dev/null 2>&1; then
	out=$(sh -c '"$1" exec --profile "$2" -- "$3" 2>&1' sh "$SC" "$T/true.json" "$SAMPLE" 2>&1); rc=$?
	[ $rc != 0 ] && [ $rc != 1 ] && [ $rc != 2 ] && pass "exec_refuses_what_profile_lacks (exit $rc)" ||
		fail exec_refuses_what_profile_lacks "exit $rc under busybox true's profile, expected the sample to fail: $out"
else
	fail exec_refuses_what_profile_lacks "record of busybox true failed: $(tail -3 "$T/true.err")"
fi

# the agent on plain cgroups: one made after it started (the cgroup_mkdir program), named
# like a containerd container, its image named by an OCI bundle; the sample runs 3 times in it
mkdir -p "$T/bundles/$ID" "$T/state"
printf '{"ociVersion":"1.0.2","annotations":{"io.kubernetes.cri.image-name":"localhost/vmtest-sample:1"}}\n' \
	>"$T/bundles/$ID/config.json"
"$SC" agent --state-dir "$T/state" --pin-dir "$PIN" --interval 1 --denials --bundle-root "$T/bundles" \
	>"$T/agent.log" 2>&1 &
AGENT=$!
i=0
while [ $i -lt 100 ] && ! grep -q "cgroup slots" "$T/agent.log"; do sleep 0.1; i=$((i + 1)); done
if grep -q "cgroup slots" "$T/agent.log"; then
	pass "agent_starts ($(sed -n 's/.*agent started (\([a-z_]*\).*/\1/p' "$T/agent.log"))"
	c=$cg/cri-containerd-$ID.scope
	mkdir "$c" && CGS="$c"
	sh -c "echo \$\$ >'$c/cgroup.procs' && for i in 1 2 3; do '$SAMPLE' >/dev/null || exit 1; done" ||
		fail agent_workload "the sample failed in $c"
	# a container of another image, under a filter that refuses the sample's calls
	id2=$(printf 'c0ffef%058d' $$)
	c2=$cg/cri-containerd-$id2.scope
	mkdir -p "$T/bundles/$id2"
	printf '{"ociVersion":"1.0.2","annotations":{"io.kubernetes.cri.image-name":"localhost/vmtest-denied:1"}}\n' \
		>"$T/bundles/$id2/config.json"
	mkdir "$c2" && CGS="$CGS $c2"
	sh -c "echo \$\$ >'$c2/cgroup.procs' && exec '$SC' exec --profile '$T/true.json' -- '$SAMPLE'" >/dev/null 2>&1
	sleep 2.5
	conf=$(sed -n 's/.*confinement: \(.*\)$/\1/p' "$T/agent.log" | head -1)
	st=$(awk '$1 == "CapEff:" || $1 == "CapPrm:" { printf "%s ", $2 } $1 == "NoNewPrivs:" || $1 == "Seccomp:" { printf "%s ", $2 }' "/proc/$AGENT/status")
	kill -TERM "$AGENT"; wait "$AGENT"; rc=$?
	AGENT=
	[ $rc = 0 ] && pass agent_sigterm_exit_0 || fail agent_sigterm_exit_0 "exit $rc: $(tail -3 "$T/agent.log")"
	# root with every capability: CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE kept (bits 2 and 19);
	# CAP_BPF too (bit 39) only where the counters cannot be read without it (before 5.19)
	case "$conf|$st" in
	"capabilities CAP_DAC_READ_SEARCH,CAP_SYS_PTRACE; no_new_privs; seccomp filter of "*" syscalls|0000000000080004 0000000000080004 1 2 "|\
	"capabilities CAP_DAC_READ_SEARCH,CAP_SYS_PTRACE,CAP_BPF; no_new_privs; seccomp filter of "*" syscalls|0000008000080004 0000008000080004 1 2 ")
		pass "agent_confined ($conf; CapPrm CapEff NoNewPrivs Seccomp: $st)" ;;
	*) fail agent_confined "got '$conf' and CapPrm CapEff NoNewPrivs Seccomp '$st'" ;;
	esac
	grep -q "own seccomp filter refused" "$T/agent.log" &&
		fail agent_own_filter_refused_nothing "$(grep "own seccomp filter refused" "$T/agent.log")" ||
		pass agent_own_filter_refused_nothing
	"$SC" metrics --state-dir "$T/state" >"$T/metrics.txt" 2>&1
	for s in sysinfo times mincore memfd_create; do
		n=$(grep "^syscensus_syscalls_total{image=\"localhost/vmtest-sample:1\",syscall=\"$s\",abi=\"x86_64\"" "$T/metrics.txt" |
			awk '{ s += $2 } END { print s + 0 }')
		[ "$n" = 3 ] || { fail "agent_counts_exact" "$s: got $n calls, expected 3 (3 runs of the sample)"; s=; break; }
	done
	[ -n "$s" ] && pass "agent_counts_exact (sysinfo, times, mincore, memfd_create: 3 each)"
	grep -q '^syscensus_seccomp_denials_total{image="localhost/vmtest-denied:1",' "$T/metrics.txt" &&
		pass "agent_denials ($(grep -c '^syscensus_seccomp_denials_total{image="localhost/vmtest-denied:1",' "$T/metrics.txt") syscalls refused)" ||
		fail agent_denials "no refusal of the second container counted: $(grep -c denials "$T/metrics.txt") denial lines"
	for d in $CGS; do rmdir "$d" 2>/dev/null; done
	CGS=
else
	fail agent_starts "$(tail -5 "$T/agent.log")"
fi
"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
echo "vmtest $R: $PASS passed, $FAIL failed"
