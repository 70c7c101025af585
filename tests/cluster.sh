# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The cluster view, sourced by tests/run (root only): a real Prometheus server scrapes three
# nodes, and diff and propose read the union back from it.
#  - node 1: the live agent (`agent --metrics`), whose busybox container calls sync 3 times;
#  - node 2: what an agent saw of the same image, which there called ioprio_get (`ionice`),
#    served from its saved state by `syscensus metrics --listen`;
#  - node 3: an agent that saw only the nginx image.
# Real podman + runc containers, real agents and recorders; every series comes from them.

PROM_PID=
PROM2_PID=
MET_PIDS=

free_ports() {	# n: n free loopback TCP ports
	python3 - "$1" <<-'PY'
	import socket, sys
	socks = [socket.socket() for _ in range(int(sys.argv[1]))]
	for s in socks:
	    s.bind(("127.0.0.1", 0))
	print(" ".join(str(s.getsockname()[1]) for s in socks))
	PY
}

# the value of PromQL $2 at Prometheus $1 (the first sample), "" when none
promq() {
	curl -s --max-time 10 "$1/api/v1/query" --data-urlencode "query=$2" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null
}

# wait (at most $3 s) until PromQL $2 at $1 gives a value
prom_wait() {
	local i
	for i in $(seq $(($3 * 2))); do
		[ -n "$(promq "$1" "$2")" ] && return 0
		sleep 0.5
	done
	return 1
}

prom_start() {	# port config data-dir [flags...]: pid in PROM_LAST
	local port=$1 cfg=$2 data=$3 i
	shift 3
	prometheus --config.file="$cfg" --storage.tsdb.path="$data" --web.listen-address="127.0.0.1:$port" \
		--log.level=warn "$@" >>"$data.log" 2>&1 &
	PROM_LAST=$!
	for i in $(seq 60); do
		curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && return 0
		kill -0 "$PROM_LAST" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}

cluster_cleanup() {
	local p
	for p in $PROM_PID $PROM2_PID $MET_PIDS; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	PROM_PID= PROM2_PID= MET_PIDS=
	agent_cleanup
}

# one agent run that sees one container, then stops: its state directory is what a node counted
node_run() {	# state-dir image command
	agent_start "$1" --interval 1 || return 1
	prun --rm "$2" sh -c "$3" >>"$1.out" 2>&1 || { agent_stop; return 1; }
	sleep 1.5
	agent_stop TERM || return 1
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
	return 0
}

t_cluster_promtool() {	# the three endpoints pass promtool's exposition lint
	local p out bad=
	for p in "$@"; do
		out=$(curl -sf --max-time 10 "http://127.0.0.1:$p/metrics" | promtool check metrics 2>&1) || bad="$bad $p: $out"
		[ -n "$(curl -sf "http://127.0.0.1:$p/metrics" | grep '^syscensus_syscalls_total{')" ] || bad="$bad $p: no syscensus_syscalls_total"
	done
	[ -z "$bad" ] && pass "cluster_metrics_promtool ($# endpoints)" || fail cluster_metrics_promtool "$bad"
}

t_cluster() {
	local U P0 P1 P2 P3 P4 P5 N1=$T/cn1 N2=$T/cn2 N3=$T/cn3 C=$T/committed out rc got R W
	command -v prometheus >/dev/null && command -v promtool >/dev/null ||
		{ skip cluster "prometheus and promtool not installed (bash .ci/deps installs them)"; return; }
	trap 'cluster_cleanup; agent_cleanup; rm -rf "$T"' EXIT
	read -r P0 P1 P2 P3 P4 P5 <<<"$(free_ports 6)"
	U=http://127.0.0.1:$P0
	mkdir -p "$N1" "$N2" "$N3" "$C"
	# node 2 runs the image twice; a copy of its state after the first run stands for that node
	# once its state is lost (its counters then start again lower: a reset, for Prometheus)
	node_run "$N2" "$BB" 'ionice >/dev/null; echo n2-ok' && cp -a "$N2" "$T/cn2-lost" &&
		node_run "$N2" "$BB" 'ionice >/dev/null; echo n2-ok' && node_run "$N3" "$NGX" "$W_NGX" ||
		{ fail cluster_nodes "the agents of nodes 2 and 3 did not record: $(tail -3 "$N2.log" "$N3.log" "$N2.out" "$N3.out")"; return; }
	"$SC" metrics --state-dir "$N2" --listen "127.0.0.1:$P2" --interval 1 >>"$N2.log" 2>&1 &
	local M2=$!
	MET_PIDS="$MET_PIDS $M2"
	"$SC" metrics --state-dir "$N3" --listen "127.0.0.1:$P3" --interval 1 >>"$N3.log" 2>&1 &
	local M3=$!
	MET_PIDS="$MET_PIDS $M3"
	agent_start "$N1" --interval 1 --metrics "127.0.0.1:$P1" || { fail cluster_agent "$(tail -3 "$N1.log")"; return; }
	prun --rm "$BB" sh -c 'sync; sync; sync; echo n1-ok' >"$N1.out" 2>&1
	sleep 1.5
	out=$(curl -s --max-time 5 "http://127.0.0.1:$P1/healthz")
	[ "$out" = ok ] && pass cluster_healthz || fail cluster_healthz "got '$out', expected 'ok'"
	t_cluster_promtool "$P1" "$P2" "$P3"
	# the committed profile of the busybox image is node 1's: it lacks node 2's ioprio_get
	cp "$(profile_of "$N1/profiles" "$BB")" "$C/" 2>/dev/null
	# the committed profiles, served for the alerting rules
	"$SC" metrics --profiles "$C" --listen "127.0.0.1:$P5" --interval 1 >>"$T/profiles.log" 2>&1 &
	MET_PIDS="$MET_PIDS $!"
	cat >"$T/prom.yml" <<-EOF
	global: { scrape_interval: 1s, evaluation_interval: 1s }
	rule_files: ["$PWD/deploy/prometheus/syscensus-rules.yml"]
	scrape_configs:
	  - job_name: syscensus
	    static_configs: [ { targets: ["127.0.0.1:$P1", "127.0.0.1:$P2", "127.0.0.1:$P3"] } ]
	  - job_name: syscensus-profiles
	    static_configs: [ { targets: ["127.0.0.1:$P5"] } ]
	EOF
	prom_start "$P0" "$T/prom.yml" "$T/prom-data" || { fail cluster_prometheus "prometheus did not start: $(tail -3 "$T/prom-data.log")"; return; }
	PROM_PID=$PROM_LAST
	prom_wait "$U" 'count(syscensus_build_info) == 3' 30 &&
		prom_wait "$U" 'syscensus_syscalls_total{syscall="sync"}' 30 &&
		prom_wait "$U" 'syscensus_syscalls_total{syscall="ioprio_get"}' 30 ||
		{ fail cluster_scraped "Prometheus did not get the three nodes' series"; return; }
	pass cluster_scraped

	# node 1 restarts mid-test: its counters go on from the saved state, neither doubled nor lost
	local q1="sum(syscensus_syscalls_total{instance=\"127.0.0.1:$P1\"}) + sum(syscensus_image_uncounted_calls_total{instance=\"127.0.0.1:$P1\"})"
	local before after resets
	before=$(promq "$U" "$q1")
	agent_stop TERM
	agent_start "$N1" --interval 1 --metrics "127.0.0.1:$P1" || { fail cluster_restart "$(tail -3 "$N1.log")"; return; }
	prom_wait "$U" "time() - max(syscensus_last_fold_timestamp_seconds{instance=\"127.0.0.1:$P1\"}) < 2 and
		max(syscensus_state_saves_total{instance=\"127.0.0.1:$P1\",result=\"success\"}) < 5" 20
	sleep 2
	after=$(promq "$U" "$q1")
	resets=$(promq "$U" "sum(resets(syscensus_syscalls_total{instance=\"127.0.0.1:$P1\"}[10m]))")
	[ -n "$before" ] && [ "$before" = "$after" ] && [ "$resets" = 0 ] &&
		pass "cluster_restart_counts_once ($before calls before and after, 0 resets)" ||
		fail cluster_restart_counts_once "node 1's calls: $before before the restart, $after after, $resets counter resets; expected equal and 0"

	# diff: the union of the nodes against the committed profile names node 2's syscall
	out=$("$SC" diff --prometheus "$U" --against "$C" 2>&1); rc=$?
	[ $rc = 1 ] && grep -q "BREAKING.*ioprio_get" <<<"$out" && grep -q "on 2 nodes" <<<"$out" &&
		grep -q "observed on 3 nodes" <<<"$out" && ! grep -q "BREAKING.*sync" <<<"$out" &&
		pass cluster_diff_names_other_node || fail cluster_diff_names_other_node "exit $rc, expected 1 naming ioprio_get, 2 of 3 nodes: $out"
	# the real server evaluates the shipped rules: one alert per syscall diff calls breaking
	local breaking alerts
	breaking=$(awk '$1 == "BREAKING" { print $2 }' <<<"$out" | sort | tr '\n' ' ')
	prom_wait "$U" 'ALERTS{alertname="SyscensusProfileWouldBreak",alertstate="firing",syscall="ioprio_get"}' 20
	alerts=$(curl -s "$U/api/v1/alerts" | python3 -c 'import json,sys
print(" ".join(sorted(a["labels"]["syscall"] for a in json.load(sys.stdin)["data"]["alerts"]
    if a["labels"]["alertname"] == "SyscensusProfileWouldBreak" and a["state"] == "firing")), end=" ")')
	[ "$alerts" = "$breaking" ] && [[ $alerts == *ioprio_get* ]] && pass "cluster_alert_would_break (firing for: $alerts)" ||
		fail cluster_alert_would_break "firing for '$alerts', expected what diff calls breaking: '$breaking'"

	# propose: the profile gets both nodes' syscalls; the body says how many nodes
	R=$T/cl-remote.git W=$T/cl-infra
	git init -q --bare -b main "$R" && git init -q -b main "$W" && mkdir -p "$W/seccomp" && cp "$C"/*.json "$W/seccomp/" &&
		git -C "$W" add -A && git -C "$W" -c user.name=t -c user.email=t@t commit -qm init && git -C "$W" remote add origin "$R"
	out=$("$SC" propose --prometheus "$U" --repo "$W" --push origin --branch syscensus/cluster \
		--body-file "$T/cl-body.md" 2>&1); rc=$?
	got=$(git --git-dir "$W/.git" show "syscensus/cluster:seccomp/$(basename "$(profile_of . "$BB")")" 2>/dev/null |
		python3 -c 'import json,sys; d=json.load(sys.stdin); n={x for r in d["syscalls"] if r.get("action")=="SCMP_ACT_ALLOW" for x in r["names"]}; print("sync" in n, "ioprio_get" in n)' 2>&1)
	[ $rc = 0 ] && [ "$got" = "True True" ] && grep -q "agents of 3 nodes" "$T/cl-body.md" && grep -q "on 2 of the 3 nodes" "$T/cl-body.md" &&
		pass cluster_propose_union || fail cluster_propose_union "exit $rc, sync/ioprio_get in the profile: $got; $out; body: $(head -c 600 "$T/cl-body.md" 2>/dev/null)"

	# node 2 loses its state: its counters fall back (a reset, for Prometheus); the union keeps what
	# it had counted, once: node 1's calls of the image plus node 2's highest
	local t1 t2 union
	tot() { promq "$U" "sum(syscensus_syscalls_total{instance=\"127.0.0.1:$1\",image=\"$BB\",phase=\"filtered\"}) +
		sum(syscensus_image_uncounted_calls_total{instance=\"127.0.0.1:$1\",image=\"$BB\"})"; }
	t1=$(tot "$P1") t2=$(tot "$P2")
	kill "$M2" && wait "$M2" 2>/dev/null
	"$SC" metrics --state-dir "$T/cn2-lost" --listen "127.0.0.1:$P2" --interval 1 >>"$N2.log" 2>&1 &
	M2=$!
	MET_PIDS="$MET_PIDS $M2"
	prom_wait "$U" "sum(resets(syscensus_syscalls_total{instance=\"127.0.0.1:$P2\"}[10m])) > 0" 20
	union=$("$SC" status --prometheus "$U" --json 2>&1 | python3 -c 'import json,sys
im=[i for i in json.load(sys.stdin)["images"] if i["image"] == sys.argv[1]][0]
print(sum(v["count"] for abi in im["syscalls"].values() for v in abi.values()) + im["uncounted_calls"])' "$BB" 2>&1)
	[ -n "$t1" ] && [ -n "$t2" ] && [ "$union" = "$((t1 + t2))" ] && [ "$(tot "$P2")" -lt "$t2" ] &&
		pass "cluster_counter_reset (node 1 $t1 + node 2 $t2 calls = $union in the union after node 2's reset)" ||
		fail cluster_counter_reset "union $union after node 2's reset, expected node 1's $t1 + node 2's highest $t2 (node 2 now $(tot "$P2"))"
	out=$("$SC" status --prometheus "$U" 2>&1)
	grep -q "cluster: 3 nodes reported" <<<"$out" && grep -q "$BB .* on 2 nodes" <<<"$out" &&
		pass cluster_status || fail cluster_status "expected 3 nodes, the image on 2: $out"

	# node 3 goes away: within the window, the image it alone saw is still there
	kill "$M3" && wait "$M3" 2>/dev/null
	sleep 2.5
	out=$("$SC" diff --prometheus "$U" --against "$C" --format json 2>&1)
	grep -q "$NGX" <<<"$out" && pass cluster_node_gone_kept ||
		fail cluster_node_gone_kept "the image only node 3 saw is missing after node 3 stopped: $out"
	out=$("$SC" diff --prometheus "$U" --window 1s --against "$C" --format json 2>/dev/null)
	sleep 0	# the window excludes it once its last sample is older than the window
	grep -q "$NGX" <<<"$out" && fail cluster_window_excludes "a 1 s window still holds node 3's image" ||
		pass cluster_window_excludes

	# only the agents' job is read: another job's series add nothing, and no agent is an error
	out=$("$SC" diff --prometheus "$U" --job syscensus-other --against "$C" 2>&1); rc=$?
	[ $rc = 2 ] && grep -q 'no agent of job "syscensus-other"' <<<"$out" && pass cluster_other_job_refused ||
		fail cluster_other_job_refused "exit $rc, expected 2 and no agent of that job: $out"

	# a Prometheus that cannot be reached, a URL that is not the API, a server that answers an error
	out=$("$SC" diff --prometheus "http://user:secret@127.0.0.1:$P4" --against "$C" 2>&1); rc=$?
	[ $rc = 2 ] && grep -q "http://127.0.0.1:$P4" <<<"$out" && grep -qi "connect" <<<"$out" && ! grep -q secret <<<"$out" &&
		pass cluster_unreachable || fail cluster_unreachable "exit $rc, expected 2 naming the URL without its password: $out"
	out=$("$SC" propose --prometheus "http://127.0.0.1:$P1" --repo "$W" 2>&1); rc=$?
	[ $rc = 2 ] && grep -q "127.0.0.1:$P1/api/v1/query: HTTP 405 (not a Prometheus API answer)" <<<"$out" &&
		pass cluster_not_prometheus || fail cluster_not_prometheus "exit $rc, expected 2 and HTTP 405, not an API answer: $out"
	# a Prometheus that may not load more than one sample answers every query with an error
	prom_start "$P4" "$T/prom.yml" "$T/prom2-data" --query.max-samples=1 && PROM2_PID=$PROM_LAST
	# (its first scrapes come after about 5 s: until then it has nothing to refuse)
	for _ in $(seq 60); do
		out=$("$SC" diff --prometheus "http://127.0.0.1:$P4" --against "$C" 2>&1); rc=$?
		[[ $out == *"HTTP 422"* ]] && break
		sleep 0.5
	done
	[ $rc = 2 ] && grep -q "HTTP 422, execution" <<<"$out" && pass cluster_prometheus_error ||
		fail cluster_prometheus_error "exit $rc, expected 2 and Prometheus's own error: $out"
	cluster_cleanup
}
