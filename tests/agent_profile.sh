#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The agent's own seccomp profile, recorded by syscensus from the agent's full cycle
# (make agent-profile; root, podman + runc): `record --append` of the agent started with
# --no-confine, in each of the ways it runs (tp_btf and raw_tp, with and without
# --denials, fresh and resuming a pinned recorder), while real containers start, run
# under podman's filter and under a too-strict one, exec, and stop; cgroups named like
# containers nobody can attribute come and go; /metrics and /healthz are scraped, and
# bad requests are sent; each run lasts past the periodic walk of the hierarchy. The result replaces OUT (default deploy/seccomp/syscensus-agent.json),
# which the binary builds in and loads once its recorder runs (user/census/confine.c).
# Then the agent's image is recorded under runc (runc-under-filter.json beside OUT) and the
# container's profile made from both (syscensus-agent-pod.json: tests/agent_pod_profile.py).
#   bash tests/agent_profile.sh [OUT]
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SC=$BUILD/syscensus
OUT=${1:-deploy/seccomp/syscensus-agent.json}
T=$(mktemp -d /tmp/syscensus-agentprof.XXXXXX)
REC=
# shellcheck source=tests/agent.sh
. tests/agent.sh
PIN=/sys/fs/bpf/syscensus-agentprof-$$
had_images=$(podman image exists "$BB" && podman image exists "$NGX" && echo yes)
cleanup() {
	[ -n "$REC" ] && kill -TERM "$REC" 2>/dev/null && wait "$REC" 2>/dev/null
	podman rm -af -t 0 >/dev/null 2>&1
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
	[ -n "${CG:-}" ] && rmdir "$CG" 2>/dev/null
	[ -z "$had_images" ] && podman rmi -f "$BB" "$NGX" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
die() { echo "agent-profile: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: the agent loads BPF programs"
[ -x "$SC" ] || die "$SC is missing: run make first"
podman_setup || die "podman and runc are needed (tests/agent.sh podman_setup failed)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)

# one recorded run of the agent with options "$@"
run() {
	local log=$T/run.log agent i
	: >"$log"
	"$SC" record -a -o "$T/agent.json" -- "$SC" agent --no-confine --state-dir "$T/state" --pin-dir "$PIN" \
		--interval 1 --metrics "127.0.0.1:$port" "$@" >>"$log" 2>&1 &
	REC=$!
	for i in $(seq 300); do grep -q "agent .*cgroup slots" "$log" && break; sleep 0.1; done
	grep -q "agent .*cgroup slots" "$log" || die "the agent did not start: $(tail -3 "$log")"
	agent=$(pgrep -P "$REC" | head -1)
	[ -n "$agent" ] || die "no agent process under record"
	# containers: a start and its exec session, a too-strict filter, a short one, a server
	local cid
	cid=$(podman run -d --network=none "$BB" sleep 60)
	prun --rm "$BB" sh -c "$W_BB" >/dev/null 2>&1
	prun --rm "$NGX" sh -c "$W_NGX" >/dev/null 2>&1
	sleep 1.2
	podman exec "$cid" true
	"$SC" record -o "$T/bb.json" -- true >/dev/null 2>&1	# a small profile: busybox fails under it
	prun --rm --security-opt "seccomp=$T/bb.json" "$BB" sh -c "$W_BB" >/dev/null 2>&1
	prun --rm "$BB" true >/dev/null 2>&1
	# a cgroup named like a container's that no runtime knows
	CG=$mnt/syscensus-agentprof-$$-docker-$(printf '%064x' $$).scope
	mkdir "$CG" && sh -c "echo \$\$ > '$CG/cgroup.procs'; exec sleep 1.5" && rmdir "$CG"
	# the server: scrapes, a probe, and what a bad client sends
	for i in 1 2 3; do curl -s "http://127.0.0.1:$port/metrics" >/dev/null; curl -s "http://127.0.0.1:$port/healthz" >/dev/null; done
	curl -s "http://127.0.0.1:$port/nope" >/dev/null
	curl -s -X POST -d x "http://127.0.0.1:$port/metrics" >/dev/null
	curl -s -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "http://127.0.0.1:$port/metrics" >/dev/null
	( exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GARBAGE\r\n\r\n' >&3 && timeout 3 cat <&3 >/dev/null ) 2>/dev/null
	"$SC" status --state-dir "$T/state" >/dev/null
	# the walk of the whole hierarchy every 30 folds, with a container running, then one gone
	sleep 32
	podman rm -f -t 0 "$cid" >/dev/null 2>&1
	sleep 2.5	# folds, saves and profile writes after all that
	kill -TERM "$agent"
	wait "$REC" || die "record failed: $(tail -3 "$log")"
	REC=
	grep -q "agent stopped (Terminated)" "$log" || die "the agent did not stop cleanly: $(tail -3 "$log")"
	echo "agent-profile: recorded the agent with ${*:-its defaults}"
}

run
run	# resuming the pinned recorder
"$SC" unload --pin-dir "$PIN" >/dev/null
run --denials
"$SC" unload --pin-dir "$PIN" >/dev/null
run --attach raw_tp --denials
"$SC" unload --pin-dir "$PIN" >/dev/null
# Calls of paths a run cannot be made to take, each named with the code that makes it: added
# to the recorded names (the suite checks that no agent of it was refused anything).
python3 - "$T/agent.json" <<'PY' || die "cannot add the supplement to the recorded profile"
import json, sys
SUPPLEMENT = {
    # cgroup__path_of (user/record/cgroup.c): a slot given back before its event was read, a
    # cgroup not seen by an incomplete walk, a slot adopted after lost events
    "open_by_handle_at": "cgroup__path_of", "readlink": "cgroup__path_of",
    # the same agent built against an older glibc: pthread_create before 2.34 (clone), the
    # stat family before 2.33 (fstat, stat, lstat), open() before 2.26's openat everywhere
    "clone": "glibc < 2.34", "fstat": "glibc < 2.33", "stat": "glibc < 2.33", "lstat": "glibc < 2.33",
    "open": "glibc < 2.26",
}
p = sys.argv[1]
d = json.load(open(p))
rule = d["syscalls"][0]
assert rule["action"] == "SCMP_ACT_ALLOW" and "args" not in rule, rule
rule["names"] = sorted(set(rule["names"]) | set(SUPPLEMENT))
rule["comment"] = (rule.get("comment", "") + "; added to the recording: " +
                   ", ".join("%s (%s)" % kv for kv in sorted(SUPPLEMENT.items()))).lstrip("; ")
json.dump(d, open(p, "w"), indent=2)
open(p, "a").write("\n")
PY
python3 -m json.tool "$T/agent.json" >/dev/null || die "the recorded profile is not JSON"
"$SC" check "$T/agent.json" >/dev/null || die "the recorded profile does not check: $("$SC" check "$T/agent.json" 2>&1 | tail -3)"
mv "$T/agent.json" "$OUT" || die "cannot write $OUT"
# The profile of the agent's container: what runc does under the filter before it executes
# the agent, recorded from the agent's image in both no-new-privileges modes, added to it
IMG=localhost/syscensus-agent:profile-$$
bash deploy/image/build.sh "$SC" "$IMG" || die "the agent image could not be built"
for nnp in "" --security-opt=no-new-privileges; do
	"$SC" record -a -o "$T/runc.json" -- podman run --rm --network=none $nnp "$IMG" --version >/dev/null 2>>"$T/runc.log" ||
		die "cannot record the agent's image under runc: $(tail -3 "$T/runc.log")"
done
podman rmi -f "$IMG" >/dev/null 2>&1
RUNC=$(dirname "$OUT")/runc-under-filter.json
mv "$T/runc.json" "$RUNC" || die "cannot write $RUNC"
python3 tests/agent_pod_profile.py "$OUT" "$RUNC" "$(dirname "$OUT")/syscensus-agent-pod.json" ||
	die "cannot make the agent's container profile"
echo "agent-profile: $OUT: $(python3 -c 'import json,sys
print(len({n for r in json.load(open(sys.argv[1]))["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"]}))' "$OUT") syscalls allowed"
