# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Churn: real podman + runc containers started and removed while the agent runs, the agent
# SIGKILLed and restarted at random points. Each container is tests/progs/marker, static,
# FROM scratch, making a known number of sysinfo calls; two images take turns. Checked: the
# per-image totals equal the sum exactly, no container is left unattributed, the slots come
# back to their baseline, and the agent's memory stays flat.
# Sourced by tests/run (t_churn 40 containers, 1 kill); `make churn` runs 500 containers and
# 4 kills (bash tests/churn.sh [CONTAINERS [KILLS]]).

CHURN_A=localhost/syscensus-churn-a:1
CHURN_B=localhost/syscensus-churn-b:1

churn_images() {
	local img d
	for img in "$CHURN_A" "$CHURN_B"; do
		podman image exists "$img" && continue
		d=$T/churn-img-${img: -3:1}
		mkdir -p "$d" && cp "$BUILD/tests/marker" "$d/marker" && echo "$img" >"$d/name" || return 1
		printf 'FROM scratch\nCOPY marker /marker\nCOPY name /name\n' >"$d/Containerfile"
		podman build -q -t "$img" "$d" >/dev/null || return 1
	done
}

# RSS of the agent, in KiB
churn_rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$AGENT_PID/status" 2>/dev/null; }

# t_churn CONTAINERS KILLS
t_churn() {
	local n=${1:-40} kills=${2:-1} S=$T/churn pin_saved=$PIN i k img want_a=0 want_b=0 base out rc
	rm -f "$T/churn-failed" "$T/churn-podman.log"
	local kill_at=() kk rss_start= rss_last= rss_max=0 names=() started ended pids=()
	[ -x "$BUILD/tests/marker" ] || { skip churn "$BUILD/tests/marker is missing (make progs)"; return; }
	churn_images || { fail churn_images "cannot build the churn images"; return; }
	mkdir -p "$S"
	PIN=$PIN-churn
	agent_start "$S" --interval 1 || { fail churn_agent_start "$(tail -5 "$S.log")"; PIN=$pin_saved; return; }
	sleep 1.2
	rss_start=$(churn_rss)
	base=$("$SC" status --state-dir "$S" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["recorder"]["tracked"])')
	# the containers after which the agent is SIGKILLed (and restarted at the next one)
	for k in $(seq "$kills"); do kill_at+=($(( (RANDOM % (n - 2)) + 1 ))); done
	started=$SECONDS
	for i in $(seq "$n"); do
		k=$(( (i * 7) % 13 + 1 ))	# 1 to 13 sysinfo calls
		if [ $((i % 2)) = 0 ]; then img=$CHURN_A; want_a=$((want_a + k)); else img=$CHURN_B; want_b=$((want_b + k)); fi
		# every other pair in parallel; every fifth container is removed at once (--rm), the others later
		if [ $((i % 5)) = 0 ]; then
			{ timeout 60 podman run --rm --network=none "$img" /marker "$k" >>"$T/churn-podman.log" 2>&1 ||
				echo "$i rc=$?" >>"$T/churn-failed"; } &
		else
			names+=("syscensus-churn-$$-$i")
			{ timeout 60 podman run --name "syscensus-churn-$$-$i" --network=none "$img" /marker "$k" >>"$T/churn-podman.log" 2>&1 ||
				echo "$i rc=$?" >>"$T/churn-failed"; } &
		fi
		pids+=($!)
		# (never a bare wait: the agent is a child of this shell too)
		[ $((i % 2)) = 0 ] && { wait "${pids[@]}"; pids=(); }
		for kk in "${kill_at[@]}"; do
			[ "$kk" = "$i" ] || continue
			[ ${#pids[@]} -gt 0 ] && wait "${pids[@]}"; pids=()
			agent_stop KILL
			# containers made while no agent runs: counted by the pinned recorder, attributed at the restart
			timeout 60 podman run --name "syscensus-churn-$$-$i-down" --network=none "$CHURN_A" /marker 5 >/dev/null 2>&1
			names+=("syscensus-churn-$$-$i-down"); want_a=$((want_a + 5))
			agent_start "$S" --interval 1 || { fail churn_agent_restart "$(tail -5 "$S.log")"; PIN=$pin_saved; return; }
			sleep 1.2
			rss_start=$(churn_rss)
		done
		[ $((i % 20)) = 0 ] && { out=$(churn_rss); [ "${out:-0}" -gt "$rss_max" ] && rss_max=$out; }
		# containers kept until the agent has folded them, then removed in batches
		if [ $((i % 25)) = 0 ] && [ ${#names[@]} -gt 0 ]; then
			[ ${#pids[@]} -gt 0 ] && wait "${pids[@]}"; pids=()
			sleep 1.2; podman rm -f "${names[@]}" >/dev/null 2>&1; names=()
		fi
	done
	[ ${#pids[@]} -gt 0 ] && wait "${pids[@]}"
	sleep 1.2
	[ ${#names[@]} -gt 0 ] && podman rm -f "${names[@]}" >/dev/null 2>&1
	ended=$SECONDS
	sleep 2.5
	rss_last=$(churn_rss)
	agent_stop_ok churn_sigterm_exit_0 "$S.log"
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
	PIN=$pin_saved
	# Per image: the sysinfo calls counted, its calls without a counter of their own (a slot's
	# key table is full: README, "Capacity and memory"), the containers attributed; the
	# unattributed cgroups' sysinfo; the slots in use.
	out=$("$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
d=json.load(sys.stdin); im={i["image"]: i for i in d["images"]}
def si(k):
    i = im.get(k)
    return i["syscalls"]["SCMP_ARCH_X86_64"].get("sysinfo", {"count": 0})["count"] if i else 0
def one(k):
    i = im.get(k, {})
    return "%d %d %d" % (si(k), i.get("uncounted_calls", 0), i.get("containers_total", 0))
unk = sum(si(k) for k in im if k.startswith("unknown/"))
print(one(sys.argv[1]), one(sys.argv[2]), unk, d["recorder"]["tracked"])' "$CHURN_A" "$CHURN_B" 2>&1)
	[ -s "$T/churn-failed" ] && fail churn_podman_runs "$(wc -l <"$T/churn-failed") podman runs failed: $(tr '\n' ' ' <"$T/churn-failed"); $(tail -3 "$T/churn-podman.log")"
	local sa ua ca sb ub cb unk tracked ctrs_a=$(( n / 2 + kills )) ctrs_b=$(( (n + 1) / 2 ))
	read -r sa ua ca sb ub cb unk tracked <<<"$out"
	if [ "$ca $cb $unk $tracked" = "$ctrs_a $ctrs_b 0 $base" ]; then
		pass "churn_every_container_attributed ($ctrs_a + $ctrs_b containers, $kills agent SIGKILLs, $((ended - started)) s; 0 unattributed calls; $base slots in use after, as before)"
	else
		fail churn_every_container_attributed "containers of A, B, unattributed sysinfo, slots in use: got '$ca $cb $unk $tracked', expected '$ctrs_a $ctrs_b 0 $base'"
	fi
	# exact: every container's marker call has a counter of its own, beside runc's setup
	if [ "$sa" = "$want_a" ] && [ "$sb" = "$want_b" ] && [ "$ua" = 0 ] && [ "$ub" = 0 ]; then
		pass "churn_totals_exact ($want_a + $want_b sysinfo calls, 0 uncounted)"
	else
		fail churn_totals_exact "sysinfo of A: $sa counted, $ua uncounted, $want_a made; B: $sb, $ub, $want_b (expected exactly what was made, 0 uncounted)"
	fi
	# memory: the agent that ran the last stretch, from its start to the end (not on the sanitizer
	# build: AddressSanitizer keeps freed memory in quarantine, up to 256 MiB, by design)
	if [[ $BUILD == *asan* ]]; then
		skip churn_rss_flat "the sanitizer build's RSS grows with its quarantine (${rss_start:-?} KiB after the start, ${rss_last:-?} KiB at the end)"
	elif [ -n "$rss_start" ] && [ -n "$rss_last" ] && [ "$rss_last" -le $((rss_start * 3 / 2 + 2048)) ]; then
		pass "churn_rss_flat (the last agent: ${rss_start} KiB after its start, ${rss_last} KiB at the end; at most ${rss_max} KiB sampled)"
	else
		fail churn_rss_flat "the last agent: RSS ${rss_start:-?} KiB after its start, ${rss_last:-?} KiB at the end (expected at most 1.5x + 2 MiB)"
	fi
}

# make churn: the long run, on its own
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	cd "$(dirname "$0")/.." || exit 1
	BUILD=${BUILD:-build}
	SC=$BUILD/syscensus
	SAMPLE=$BUILD/tests/sample
	PASS=0 FAIL=0 SKIP=0
	T=$(mktemp -d /tmp/syscensus-churn.XXXXXX)
	pass() { PASS=$((PASS + 1)); echo "PASS $1"; }
	fail() { FAIL=$((FAIL + 1)); echo "FAIL $1: $2"; }
	skip() { SKIP=$((SKIP + 1)); echo "SKIP $1: $2"; }
	# shellcheck source=tests/agent.sh
	. tests/agent.sh
	[ "$(id -u)" = 0 ] || { echo "churn: run as root" >&2; exit 1; }
	# the test images podman_setup builds are removed after, unless they were there before
	had_images=$(CONTAINERS_CONF=${CONTAINERS_CONF:-} podman image exists "$BB" 2>/dev/null && echo yes)
	trap 'agent_cleanup; podman rmi -f "$CHURN_A" "$CHURN_B" >/dev/null 2>&1
		[ -z "$had_images" ] && podman rmi -f "$BB" "$NGX" >/dev/null 2>&1; rm -rf "$T"' EXIT
	podman_setup || { echo "churn: podman and runc are needed" >&2; exit 1; }
	t_churn "${1:-500}" "${2:-4}"
	echo "$PASS passed, $FAIL failed, $SKIP skipped"
	[ "$FAIL" = 0 ]
fi
