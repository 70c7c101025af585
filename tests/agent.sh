# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Agent tests, sourced by tests/run (root only): real podman + runc containers, the real
# pinned recorder, runtime state files of Docker/containerd/CRI-O in their real format.

BB=localhost/syscensus-test-bb:1
NGX=localhost/syscensus-test-ngx:1
W_BB='mkdir -p /tmp/x && echo hi > /tmp/x/f && cat /tmp/x/f && ls / >/dev/null && echo bb-ok'
W_NGX='nginx && sleep 0.3 && wget -q -O- http://127.0.0.1:8080/index.html && nginx -s quit && sleep 0.2'
PIN=/sys/fs/bpf/syscensus-test-$$
AGENT_PID=

# podman as shared/ENVIRONMENT.md describes, without touching /etc: our own containers.conf
podman_setup() {
	command -v podman >/dev/null && command -v runc >/dev/null || return 1
	cat >"$T/containers.conf" <<-'EOF'
	[containers]
	default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	runtime = "runc"
	EOF
	export CONTAINERS_CONF=$T/containers.conf
	if ! podman image exists "$BB"; then
		mkdir -p "$T/img-bb" && cp "$(command -v busybox)" "$T/img-bb/busybox" || return 1
		printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\n' >"$T/img-bb/Containerfile"
		podman build -q -t "$BB" "$T/img-bb" >/dev/null || return 1
	fi
	if ! podman image exists "$NGX"; then
		# nginx packed with the libraries ldd lists, plus busybox for sh and wget
		local r=$T/img-ngx/root l
		mkdir -p "$r/etc/nginx" "$r/www" "$r/tmp" "$r/bin"
		cp /usr/sbin/nginx "$r/bin/nginx" && cp "$(command -v busybox)" "$r/bin/busybox" || return 1
		for l in $(ldd /usr/sbin/nginx | grep -oE '/[^ ]+'); do
			mkdir -p "$r$(dirname "$l")" && cp -L "$l" "$r$l"
		done
		echo 'root:x:0:0:root:/:/bin/sh' >"$r/etc/passwd"
		echo 'root:x:0:' >"$r/etc/group"
		echo hello-from-nginx >"$r/www/index.html"
		cat >"$r/etc/nginx/nginx.conf" <<-'EOF'
		user root;
		worker_processes 1;
		pid /tmp/nginx.pid;
		error_log stderr;
		events { worker_connections 64; }
		http {
			access_log off;
			client_body_temp_path /tmp/cb; proxy_temp_path /tmp/px; fastcgi_temp_path /tmp/fc;
			uwsgi_temp_path /tmp/uw; scgi_temp_path /tmp/sc;
			server { listen 127.0.0.1:8080; root /www; }
		}
		EOF
		printf 'FROM scratch\nCOPY root/ /\nRUN ["/bin/busybox","--install","-s","/bin"]\n' >"$T/img-ngx/Containerfile"
		podman build -q -t "$NGX" "$T/img-ngx" >/dev/null || return 1
	fi
	return 0
}

prun() { timeout -k 5 60 podman run --network=none "$@"; }

agent_start() {	# state-dir [options...]; AGENT_WRAP: a command to run the agent under
	local dir=$1 before
	shift
	before=$(grep -c "agent .*cgroup slots" "$dir.log" 2>/dev/null)
	${AGENT_WRAP:-} "$SC" agent --state-dir "$dir" --pin-dir "$PIN" "$@" >>"$dir.log" 2>&1 &
	AGENT_PID=$!
	# ready once this agent has said so (after its first state file)
	for _ in $(seq 300); do
		[ "$(grep -c "agent .*cgroup slots" "$dir.log" 2>/dev/null)" -gt "${before:-0}" ] && return 0
		kill -0 "$AGENT_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

agent_stop() {	# [signal]
	[ -n "$AGENT_PID" ] || return 0
	kill "-${1:-TERM}" "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	local rc=$?
	AGENT_PID=
	return $rc
}

# SIGTERM is how the agent is stopped (systemd, podman, kubelet): it saves and exits 0.
# A crash on the way out (exit 139, SIGSEGV) would lose nothing here but fails a unit.
agent_stop_ok() {	# test-name log
	local rc
	agent_stop TERM; rc=$?
	[ $rc = 0 ] && pass "$1" || fail "$1" "exit $rc after SIGTERM, expected 0: $(tail -3 "$2" 2>/dev/null)"
}

agent_cleanup() {
	agent_stop KILL
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
	"$SC" unload --pin-dir "$PIN-deny" >/dev/null 2>&1
	"$SC" unload --pin-dir "$PIN-cap" >/dev/null 2>&1
	"$SC" unload --pin-dir "$PIN-race" >/dev/null 2>&1
	"$SC" unload --pin-dir "$PIN-lp" >/dev/null 2>&1
	"$SC" unload --pin-dir "$PIN-faults" >/dev/null 2>&1
	"$SC" unload --pin-dir "$PIN-churn" >/dev/null 2>&1
	mountpoint -q "$T/fstate" 2>/dev/null && umount "$T/fstate"
	podman rm -af -t 0 >/dev/null 2>&1
	[ -n "${CGT:-}" ] && find "$CGT" -depth -type d -exec rmdir {} + 2>/dev/null
	true
}

# profile path of image $2 in profiles dir $1, by the documented encoding
profile_of() { echo "$1/$(python3 -c 'import sys
s=sys.argv[1]; o=""
for i,c in enumerate(s.encode()):
    ch=chr(c)
    if ("a"<=ch<="z") or ("0"<=ch<="9") or ch in "-_" or (ch=="." and i>0): o+=ch
    else: o+="%%%02X"%c
print(o)' "$2").json"; }

t_agent_containers() {
	local S=$T/ag1 pb pn bad rc out cid p1 p2
	mkdir -p "$S"
	agent_start "$S" --interval 1 || { fail agent_start "$(tail -5 "$S.log")"; return; }
	pass agent_start
	# two images at once, and a podman exec into a running container
	prun --rm "$BB" sh -c "$W_BB" >"$T/bb.out" 2>&1 &
	p1=$!
	prun --rm "$NGX" sh -c "$W_NGX" >"$T/ngx.out" 2>&1 &
	p2=$!
	cid=$(podman run -d --network=none "$BB" sleep 60)	# removed below
	wait $p1 $p2
	# an exec session is told apart from the start by the folds in between (one a second here)
	sleep 1.5
	podman exec "$cid" true || fail agent_exec "podman exec into the running container failed"
	sleep 1.5	# a fold after the exec session
	podman rm -f -t 0 "$cid" >/dev/null
	grep -q bb-ok "$T/bb.out" && grep -q hello-from-nginx "$T/ngx.out" ||
		{ fail agent_workloads "the workloads failed: $(cat "$T/bb.out" "$T/ngx.out")"; }
	sleep 1.5
	agent_stop_ok agent_sigterm_exit_0 "$S.log"
	pb=$(profile_of "$S/profiles" "$BB")
	pn=$(profile_of "$S/profiles" "$NGX")
	if [ -f "$pb" ] && [ -f "$pn" ]; then
		pass "agent_profile_per_image ($(names "$pb" | wc -l) and $(names "$pn" | wc -l) syscalls)"
	else
		fail agent_profile_per_image "missing: $(ls "$S/profiles")"
		return
	fi
	bad=$(names "$pb" | grep -xE 'mount|pivot_root|sethostname|unshare|setns|chroot|umount2' | tr '\n' ' ')
	[ -z "$bad" ] && pass agent_runtime_setup_excluded || fail agent_runtime_setup_excluded "busybox profile has: $bad"
	names "$pn" | grep -qx accept4 && names "$pn" | grep -qx bind && pass agent_ngx_profile_has_network ||
		fail agent_ngx_profile_has_network "$(names "$pn" | tr '\n' ' ')"
	# each image starts and runs its workload under its own profile, with and without NNP
	for nnp in "" "--security-opt=no-new-privileges"; do
		out=$(prun --rm --security-opt "seccomp=$pb" $nnp "$BB" sh -c "$W_BB" 2>&1); rc=$?
		[ $rc = 0 ] && [[ $out == *bb-ok* ]] && pass "agent_bb_runs_under_profile${nnp:+_nnp}" ||
			fail "agent_bb_runs_under_profile${nnp:+_nnp}" "exit $rc: $(echo "$out" | tail -3)"
		out=$(prun --rm --security-opt "seccomp=$pn" $nnp "$NGX" sh -c "$W_NGX" 2>&1); rc=$?
		[ $rc = 0 ] && [[ $out == *hello-from-nginx* ]] && pass "agent_ngx_runs_under_profile${nnp:+_nnp}" ||
			fail "agent_ngx_runs_under_profile${nnp:+_nnp}" "exit $rc: $(echo "$out" | tail -3)"
	done
	# argument rules, as record writes them: the agent's nginx profile allows socket for the
	# families nginx and wget used, so a netlink socket (ip link) is refused, and so is a user
	# namespace (unshare -U), while nginx serves; the values are in the state file
	local probe='ip link >/dev/null && echo netlink-ok; unshare -U true && echo userns-ok'
	out=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
s=json.load(open(sys.argv[2])); im={i["image"]: i for i in s["images"]}
print("socket" in d["syscalls"][0]["names"], any(x["names"] == ["socket"] and "args" in x for x in d["syscalls"]),
      any(r[1] == 41 for r in im[sys.argv[3]]["args"]))' "$pn" "$S/state.json" "$NGX" 2>&1)
	[ "$out" = "False True True" ] && pass agent_args_ngx_socket_by_family ||
		fail agent_args_ngx_socket_by_family "got '$out', expected 'False True True' (socket plain, socket by family, values saved)"
	out=$(prun --rm --security-opt "seccomp=$pn" "$NGX" sh -c "$W_NGX; $probe" 2>&1)
	[[ $out == *hello-from-nginx* ]] && [[ $out == *"ip: socket: Operation not permitted"* ]] &&
		[[ $out == *"unshare(0x10000000): Operation not permitted"* ]] && [[ $out != *-ok* ]] &&
		pass agent_args_demo_confined || fail agent_args_demo_confined "expected nginx to serve, netlink and userns refused: $out"
	# the profile is tight: without one of its syscalls the same container fails
	without "$pb" mkdirat "$T/bb-tight.json" 2>/dev/null || without "$pb" mkdir "$T/bb-tight.json"
	out=$(prun --rm --security-opt "seccomp=$T/bb-tight.json" "$BB" sh -c "$W_BB" 2>&1); rc=$?
	[ $rc != 0 ] && [[ $out == *"not permitted"* ]] && pass agent_profile_is_tight ||
		fail agent_profile_is_tight "exit $rc: $out"
	# status names both images, the exec'd container counted once per container
	"$SC" status --state-dir "$S" >"$T/status.txt" 2>&1
	grep -q "^$BB  *2 " "$T/status.txt" && grep -q "^$NGX  *1 " "$T/status.txt" && pass agent_status_images ||
		fail agent_status_images "$(cat "$T/status.txt")"
	"$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
d=json.load(sys.stdin); im={i["image"]: i for i in d["images"]}
b=im[sys.argv[1]]
assert b["confined"] and "mount" in b["setup_only"]["SCMP_ARCH_X86_64"], b["setup_only"]
assert b["syscalls"]["SCMP_ARCH_X86_64"]["mkdir"]["count"] >= 1
assert all(len(c["id"]) == 64 for c in b["containers"]) and b["image_ids"]' "$BB" 2>"$T/sj.err" &&
		pass agent_status_json || fail agent_status_json "$(tail -3 "$T/sj.err")"	# the podman exec above is an exec session of the busybox image; nginx had none
	"$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
im={i["image"]: i for i in json.load(sys.stdin)["images"]}
print(im[sys.argv[1]]["exec_sessions"], im[sys.argv[2]]["exec_sessions"])' "$BB" "$NGX" >"$T/ex.out" 2>&1
	[ "$(cat "$T/ex.out")" = "1 0" ] && grep -q "exec sessions seen (1)" "$T/status.txt" &&
		grep -q "exec sessions seen (1)" "$pb" && pass agent_exec_sessions_seen ||
		fail agent_exec_sessions_seen "exec sessions (busybox, nginx): got '$(cat "$T/ex.out")', expected '1 0'; status: $(grep "$BB" "$T/status.txt")"
}

# A container whose whole life is a few milliseconds is still attributed.
t_agent_short_container() {
	local S=$T/ag2 short=localhost/syscensus-test-short:1
	mkdir -p "$S"
	podman tag "$BB" "$short"
	agent_start "$S" --interval 1 || { fail agent_short_start "$(tail -5 "$S.log")"; return; }
	prun --rm "$short" true
	sleep 1.5
	agent_stop_ok agent_short_sigterm_exit_0 "$S.log"
	if [ -f "$(profile_of "$S/profiles" "$short")" ] && names "$(profile_of "$S/profiles" "$short")" | grep -qx execve; then
		pass agent_short_container_attributed
	else
		fail agent_short_container_attributed "$(ls "$S/profiles"; "$SC" status --state-dir "$S")"
	fi
	podman rmi "$short" >/dev/null 2>&1
}

# One image id, two names: one census, the same profile under each name. Then one name's tag
# moves to another image: it leaves with what was seen (its profile keeps every call) and
# goes on alone; the first name's profile does not get the new image's calls.
t_agent_one_image_two_names() {
	local S=$T/ag-alias n2=localhost/syscensus-test-alias:1 p1 p2 out
	mkdir -p "$S"
	podman tag "$BB" "$n2"
	agent_start "$S" --interval 1 || { fail agent_alias_start "$(tail -5 "$S.log")"; return; }
	prun --rm "$BB" sh -c "$W_BB" >/dev/null 2>&1
	prun --rm "$n2" sync
	sleep 1.5
	agent_stop_ok agent_alias_sigterm_exit_0 "$S.log"
	p1=$(profile_of "$S/profiles" "$BB")
	p2=$(profile_of "$S/profiles" "$n2")
	out=$("$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
im=[i for i in json.load(sys.stdin)["images"] if not i["image"].startswith("unknown/")]
print(len(im), im[0].get("aliases"))' 2>&1)
	[ "$out" = "1 ['$n2']" ] && [ -f "$p1" ] && cmp -s "$p1" "$p2" && names "$p1" | grep -qx sync &&
		names "$p1" | grep -qx mkdir && pass agent_one_image_two_names_one_profile ||
		fail agent_one_image_two_names_one_profile "got '$out', expected \"1 ['$n2']\"; profiles: $(ls "$S/profiles")"
	"$SC" status --state-dir "$S" | grep -q "same image id as $n2" && pass agent_alias_in_status ||
		fail agent_alias_in_status "$("$SC" status --state-dir "$S" | grep -F "$BB")"
	# the tag moves to an image of its own
	printf 'FROM %s\nLABEL syscensus-test=alias\n' "$BB" | podman build -q -t "$n2" -f - "$T" >/dev/null
	agent_start "$S" --interval 1 || { fail agent_alias_restart "$(tail -5 "$S.log")"; return; }
	prun --rm "$n2" uptime >/dev/null
	sleep 1.5
	agent_stop_ok agent_alias_moved_sigterm_exit_0 "$S.log"
	out=$("$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
im={i["image"]: i for i in json.load(sys.stdin)["images"]}
print(sorted(k for k in im if not k.startswith("unknown/")), im[sys.argv[1]].get("aliases"))' "$BB" 2>&1)
	[ "$out" = "['$n2', '$BB'] None" ] && names "$p2" | grep -qx sync && names "$p2" | grep -qx sysinfo &&
		! names "$p1" | grep -qx sysinfo && pass agent_alias_moves_with_its_tag ||
		fail agent_alias_moves_with_its_tag "got '$out', expected \"['$n2', '$BB'] None\", $n2's profile with sync and sysinfo, $BB's without sysinfo"
	podman rmi "$n2" >/dev/null 2>&1
}

# SIGKILL, then restart: what happened while no agent ran is neither lost nor doubled.
t_agent_sigkill() {
	local S=$T/ag3 b=localhost/syscensus-test-later:1 c
	mkdir -p "$S"
	# an image of its own (one id): another tag of busybox's id would share its profile
	printf 'FROM %s\nLABEL syscensus-test=later\n' "$BB" | podman build -q -t "$b" -f - "$T" >/dev/null
	agent_start "$S" --interval 3600 || { fail agent_kill_start "$(tail -5 "$S.log")"; return; }
	# A starts under this agent, syncs after it was killed
	c=$(podman run -d --network=none "$BB" sh -c 'sleep 2; sync')
	sleep 1.2	# attribution is saved within a second
	agent_stop KILL
	podman wait "$c" >/dev/null
	# B lives and dies entirely while no agent runs
	prun --name syscensus-test-b "$b" uptime >/dev/null 2>&1
	agent_start "$S" --interval 3600 || { fail agent_kill_restart "$(tail -5 "$S.log")"; return; }
	grep -q "resumed the pinned recorder" "$S.log" && pass agent_restart_adopts_pinned ||
		fail agent_restart_adopts_pinned "$(tail -3 "$S.log")"
	agent_stop_ok agent_adopted_sigterm_exit_0 "$S.log"
	podman rm -f -t 0 "$c" syscensus-test-b >/dev/null 2>&1
	"$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
d=json.load(sys.stdin); im={i["image"]: i for i in d["images"]}
a=im[sys.argv[1]]["syscalls"]["SCMP_ARCH_X86_64"]
assert a["sync"]["count"] == 1, a.get("sync")
b=im[sys.argv[2]]["syscalls"]["SCMP_ARCH_X86_64"]
assert "sysinfo" in b and "execve" in b, sorted(b)' "$BB" "$b" 2>"$T/k.err" && pass agent_sigkill_loses_nothing ||
		fail agent_sigkill_loses_nothing "$(tail -3 "$T/k.err")"
	podman rmi "$b" >/dev/null 2>&1
}

# Docker, containerd and CRI-O state in their on-disk formats; hostile image names.
t_agent_runtimes_and_names() {
	local S=$T/ag4 mnt id i n files out
	local -a names=("../../../../tmp/syscensus-escape" "/etc/syscensus-abs" \
		"registry:5000/ns/img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" \
		"$(printf 'x%.0s' $(seq 300))/long" "UPPER/Case:1" ".hidden" "..")
	mkdir -p "$S"
	mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	CGT=$mnt/syscensus-test-$$
	mkdir -p "$CGT" "$T/docker/containers" "$T/bundles"
	ids=()
	for i in "${!names[@]}"; do
		id=$(printf '%064x' $((0xd0c0 + i)))
		ids+=("$id")
		mkdir -p "$T/docker/containers/$id"
		# one image id per name: names of one id share a profile (t_agent_one_image_two_names)
		python3 -c 'import json,sys; json.dump({"ID": sys.argv[1], "Image": "sha256:%064x" % (0xab00 + int(sys.argv[3])), "Name": "/c%s" % sys.argv[3],
			"Config": {"Image": sys.argv[2]}}, open(sys.argv[4], "w"))' "$id" "${names[$i]}" "$i" \
			"$T/docker/containers/$id/config.v2.json"
	done
	# containerd (CRI) and CRI-O bundles
	id=$(printf '%064x' 0xc0de1); ids+=("$id")
	mkdir -p "$T/bundles/$id"
	echo '{"ociVersion":"1.0.2","annotations":{"io.kubernetes.cri.image-name":"example.com/team/app:2","io.kubernetes.cri.container-name":"app"}}' >"$T/bundles/$id/config.json"
	id=$(printf '%064x' 0xc0de2); ids+=("$id")
	mkdir -p "$T/bundles/$id/userdata"
	echo '{"ociVersion":"1.0.2","annotations":{"io.kubernetes.cri-o.ImageName":"quay.io/crio/img:3","io.kubernetes.cri-o.ImageRef":"sha256:'"$(printf 'cd%.0s' $(seq 32))"'"}}' >"$T/bundles/$id/userdata/config.json"
	agent_start "$S" --interval 1 --docker-root "$T/docker" --bundle-root "$T/bundles" ||
		{ fail agent_names_start "$(tail -5 "$S.log")"; return; }
	for i in "${!ids[@]}"; do
		if [ "$i" -lt "${#names[@]}" ]; then n=docker-${ids[$i]}.scope
		elif [ "${ids[$i]}" = "$(printf '%064x' 0xc0de1)" ]; then n=cri-containerd-${ids[$i]}.scope
		else n=crio-${ids[$i]}.scope; fi
		mkdir -p "$CGT/$n"
		# a process in the container's cgroup, as a runtime would start it
		sh -c 'echo $$ > "$1/cgroup.procs" && exec uname -a' sh "$CGT/$n" >/dev/null
	done
	sleep 1.5
	agent_stop_ok agent_names_sigterm_exit_0 "$S.log"
	files=$(find "$S/profiles" -mindepth 1 | wc -l)
	out=$(find "$T" /tmp /etc -maxdepth 1 -name 'syscensus-escape*' -o -maxdepth 1 -name 'syscensus-abs*' 2>/dev/null)
	if [ -z "$out" ] && [ "$(find "$S/profiles" -mindepth 1 -maxdepth 1 -type f -name '*.json' | wc -l)" = "$files" ] &&
	   [ "$files" -ge 9 ]; then
		pass "agent_hostile_names_stay_inside ($files profiles)"
	else
		fail agent_hostile_names_stay_inside "escaped: [$out]; $(ls -la "$S/profiles")"
	fi
	python3 - "$S/profiles" "${names[@]}" example.com/team/app:2 quay.io/crio/img:3 <<-'EOF' 2>"$T/n.err" && pass agent_names_roundtrip || fail agent_names_roundtrip "$(tail -3 "$T/n.err")"
	import json, os, sys
	d = sys.argv[1]
	seen = {}
	for f in os.listdir(d):
	    c = json.load(open(os.path.join(d, f)))["comment"]
	    seen[c.split("observed profile of ", 1)[1].split(" (never")[0].split("; ")[0]] = f
	for name in sys.argv[2:]:
	    assert name in seen, (name[:40], sorted(seen)[:5])
	    assert "/" not in seen[name] and seen[name] not in (".json", "..json")
	assert seen["registry:5000/ns/img@sha256:" + "0123456789abcdef" * 4] == \
	    "registry%3A5000%2Fns%2Fimg%40sha256%3A" + "0123456789abcdef" * 4 + ".json"
	long = [n for n in sys.argv[2:] if n.endswith("/long")][0]
	assert len(seen[long]) < 255 and "~" in seen[long]
	EOF
	"$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
d=json.load(sys.stdin); im={i["image"]: i for i in d["images"]}
assert im["example.com/team/app:2"]["runtime"] if "runtime" in im["example.com/team/app:2"] else True
assert im["quay.io/crio/img:3"]["image_ids"] == ["sha256:" + "cd"*32], im["quay.io/crio/img:3"]["image_ids"]
assert im[".."]["image_ids"] == ["sha256:%064x" % (0xab00 + 6)], im[".."]["image_ids"]' 2>"$T/r.err" && pass agent_docker_containerd_crio_state ||
		fail agent_docker_containerd_crio_state "$(tail -3 "$T/r.err")"
	# the same hostile names as metrics: promtool parses one series per image, no more
	if command -v promtool >/dev/null; then
		out=$("$SC" metrics --state-dir "$S" 2>&1 | tee "$T/hostile.prom" | promtool check metrics 2>&1) &&
			[ "$(grep -c '^syscensus_image_containers_total{' "$T/hostile.prom")" = "$files" ] &&
			pass "agent_hostile_names_metrics ($files series)" ||
			fail agent_hostile_names_metrics "$out; $(grep -c '^syscensus_image_containers_total{' "$T/hostile.prom") series for $files images"
	fi
	find "$CGT" -depth -type d -exec rmdir {} + 2>/dev/null
}

# More cgroups than slots: counted, reported, profiles marked incomplete.
t_agent_capacity() {
	local S=$T/ag5 pin_saved=$PIN id mnt
	mkdir -p "$S" "$T/docker2/containers"
	PIN=$PIN-cap
	mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	CGT=$mnt/syscensus-test-cap-$$
	mkdir -p "$CGT"
	agent_start "$S" --interval 1 --capacity 8 --docker-root "$T/docker2" ||
		{ fail agent_capacity_start "$(tail -5 "$S.log")"; PIN=$pin_saved; return; }
	# fillers named like containers (no runtime knows them): only such cgroups take a slot
	for i in $(seq 12); do mkdir -p "$CGT/docker-$(printf %064x $((0xf1110 + i))).scope"; done
	id=$(printf '%064x' 0xf0f0)
	mkdir -p "$T/docker2/containers/$id"
	echo '{"Image":"sha256:'"$(printf 'e1%.0s' $(seq 32))"'","Config":{"Image":"late/image:1"}}' >"$T/docker2/containers/$id/config.v2.json"
	mkdir -p "$CGT/docker-$id.scope"
	sh -c 'echo $$ > "$1/cgroup.procs" && exec true' sh "$CGT/docker-$id.scope"
	sleep 1.5
	# removed cgroups give their slots back: a container started afterwards is counted
	find "$CGT" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
	sleep 1.5
	# this one's runtime state appears only after its cgroup: attributed all the same
	id=$(printf '%064x' 0xf0f1)
	mkdir -p "$T/docker2/containers/$id" "$CGT/docker-$id.scope"
	sleep 0.5
	echo '{"Image":"sha256:'"$(printf 'e2%.0s' $(seq 32))"'","Config":{"Image":"after/image:1"}}' >"$T/docker2/containers/$id/config.v2.json"
	sh -c 'echo $$ > "$1/cgroup.procs" && exec true' sh "$CGT/docker-$id.scope"
	sleep 1.5
	agent_stop_ok agent_capacity_sigterm_exit_0 "$S.log"
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
	PIN=$pin_saved
	"$SC" status --state-dir "$S" >"$T/cap.txt" 2>&1
	"$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
d=json.load(sys.stdin); r=d["recorder"]
assert r["table_full"] + r["untracked"] > 0, r
im={i["image"]: i for i in d["images"]}
assert "table full" in im["docker.io/late/image:1"]["incomplete"], im["docker.io/late/image:1"]
a=im["docker.io/after/image:1"]
assert "incomplete" not in a and "execve" in a["syscalls"]["SCMP_ARCH_X86_64"], a' 2>"$T/c.err" &&
		grep -q "INCOMPLETE" "$T/cap.txt" && pass agent_capacity_exceeded_reported_slots_reused ||
		fail agent_capacity_exceeded_reported_slots_reused "$(tail -3 "$T/c.err"; cat "$T/cap.txt")"
	find "$CGT" -depth -type d -exec rmdir {} + 2>/dev/null
}

# Only cgroups that can hold a container take a slot; the recorder's own cost is in status.
t_agent_slots_and_cost() {
	local S=$T/ag7 mnt id cid uid stats out
	mkdir -p "$S"
	mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	CGT=$mnt/syscensus-test-slots-$$
	id=$(printf '%064x' 0x5107)
	cid=$(printf '%064x' 0x5108)
	uid=0c0ffee0-1111-2222-3333-444455556666
	stats=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo 0)
	sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null
	agent_start "$S" --interval 1 || { fail agent_slots_start "$(tail -5 "$S.log")"; sysctl -qw kernel.bpf_stats_enabled="$stats"; return; }
	# a system service, a runtime's monitor, a pod-level parent: no slot; a container, and one nested in it: theirs
	mkdir -p "$CGT/system.slice/sshd.service" "$CGT/libpod-conmon-$id.scope" "$CGT/kubepods/besteffort/pod$uid/$cid/init.scope"
	for d in system.slice/sshd.service "libpod-conmon-$id.scope" "kubepods/besteffort/pod$uid/$cid/init.scope"; do
		sh -c 'echo $$ > "$1/cgroup.procs" && exec uname -a' sh "$CGT/$d" >/dev/null
	done
	sleep 2.5
	agent_stop_ok agent_slots_sigterm_exit_0 "$S.log"
	sysctl -qw kernel.bpf_stats_enabled="$stats"
	out=$("$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
d=json.load(sys.stdin)
paths=sorted(i.get("cgroup_path", "") for i in d["images"] if i["image"].startswith("unknown/"))
ours=[p for p in paths if "syscensus-test-slots" in p]
print(" ".join(ours))' 2>&1)
	case "$out" in
	*"/kubepods/besteffort/pod$uid/$cid"*) ;;
	*) fail agent_slots_container_tracked "got [$out], expected the container cgroup $cid (or its nested one) tracked"; out=bad ;;
	esac
	if [ "$out" != bad ]; then
		if [[ $out == *system.slice* || $out == *conmon* || $out =~ pod$uid( |$) ]]; then
			fail agent_slots_only_containers "got [$out], expected no system slice, conmon scope or pod-level cgroup"
		else
			pass agent_slots_only_containers
		fi
	fi
	"$SC" status --state-dir "$S" >"$T/cost.txt" 2>&1
	grep -qE '^recorder cost: [0-9.]+ ns per syscall over [0-9]+ syscalls' "$T/cost.txt" && pass agent_status_shows_recorder_cost ||
		fail agent_status_shows_recorder_cost "got: $(grep -m1 'recorder cost' "$T/cost.txt"), expected 'recorder cost: N ns per syscall over N syscalls'"
	find "$CGT" -depth -type d -exec rmdir {} + 2>/dev/null
}

# Containers created while the agent walks the hierarchy are all tracked: none taken for gone
# because the walk passed their directory before they appeared and their event came later.
t_agent_walk_race() {
	local S=$T/ag8 mnt out
	mkdir -p "$S"
	mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	CGT=$mnt/syscensus-test-race-$$
	mkdir -p "$CGT/bulk" "$CGT/a" "$CGT/b"
	# a hierarchy large enough that the walk takes a while
	python3 -c 'import os, sys
for i in range(2000): os.mkdir("%s/bulk/x%d" % (sys.argv[1], i))' "$CGT"
	# 300 containers at once: more than the default capacity sized from an idle host (256)
	"$SC" agent --state-dir "$S" --pin-dir "$PIN-race" --interval 1 --capacity 1024 >"$S.log" 2>&1 &
	AGENT_PID=$!
	python3 -c 'import os, sys, time
for i in range(300):
    os.mkdir("%s/%s/libpod-%064x" % (sys.argv[1], "ab"[i % 2], 0xace000 + i)); time.sleep(0.003)' "$CGT"
	sleep 3
	agent_stop_ok agent_walk_race_sigterm_exit_0 "$S.log"
	"$SC" unload --pin-dir "$PIN-race" >/dev/null 2>&1
	out=$(python3 -c 'import json, os, sys
st = json.load(open(sys.argv[1] + "/state.json")); live = {l.get("path") for l in st["live"]}
dirs = ["/%s/libpod-%064x" % ("ab"[i % 2], 0xace000 + i) for i in range(300)]
print(sum(1 for d in dirs if not any(p and p.endswith(d) for p in live)))' "$S" 2>&1)
	[ "$out" = 0 ] && pass agent_walk_race_tracks_every_container ||
		fail agent_walk_race_tracks_every_container "got $out of 300 live container cgroups not tracked, expected 0"
	python3 -c 'import os, sys
for d in ("a", "b"):
    for x in os.listdir("%s/%s" % (sys.argv[1], d)):
        if x.startswith("libpod-"): os.rmdir("%s/%s/%s" % (sys.argv[1], d, x))
for i in range(2000): os.rmdir("%s/bulk/x%d" % (sys.argv[1], i))' "$CGT"
	find "$CGT" -depth -type d -exec rmdir {} + 2>/dev/null
}

# A state file from another version is refused, named, and left untouched.
t_agent_state_version() {
	local S=$T/ag6 rc
	mkdir -p "$S"
	echo '{"format": "syscensus-state", "version": 999, "images": []}' >"$S/state.json"
	cp "$S/state.json" "$T/state.orig"
	"$SC" agent --state-dir "$S" --pin-dir "$PIN" >"$T/v.out" 2>&1; rc=$?
	[ $rc = 1 ] && grep -q "state.json: version 999" "$T/v.out" && cmp -s "$S/state.json" "$T/state.orig" &&
		pass agent_refuses_other_state_version || fail agent_refuses_other_state_version "exit $rc: $(cat "$T/v.out")"
	"$SC" agent --state-dir "$S" --pin-dir "$PIN" --interval 0 >"$T/v.out" 2>&1; rc=$?
	[ $rc = 2 ] && grep -q -- "--interval" "$T/v.out" && pass agent_usage_error || fail agent_usage_error "exit $rc"
}

# The seed's failure: a profile too strict for the container. What the filter refused
# is named, with its action, for the image, by status and diff.
t_agent_denials() {
	local S=$T/ag7 pin_saved=$PIN pb out rc
	pb=$(profile_of "$T/ag1/profiles" "$BB")
	[ -f "$pb" ] || { skip agent_denials "no busybox profile from agent_containers"; return; }
	without "$pb" mkdir "$T/bb-nomkdir.json"
	sed 's/"SCMP_ACT_ERRNO"/"SCMP_ACT_KILL_PROCESS"/' "$T/bb-nomkdir.json" >"$T/bb-nomkdir-kill.json"
	mkdir -p "$S"
	PIN=$PIN-deny
	agent_start "$S" --interval 1 --denials || { fail agent_denials_start "$(tail -5 "$S.log")"; PIN=$pin_saved; return; }
	out=$(prun --rm --security-opt "seccomp=$T/bb-nomkdir.json" "$BB" sh -c "$W_BB" 2>&1); rc=$?
	[ $rc != 0 ] && [[ $out == *"Operation not permitted"* ]] && pass agent_too_strict_container_fails ||
		fail agent_too_strict_container_fails "exit $rc: $out"
	prun --rm --security-opt "seccomp=$T/bb-nomkdir-kill.json" "$BB" sh -c "$W_BB" >/dev/null 2>&1; rc=$?
	[ $rc = 159 ] && pass agent_killing_profile_sigsys || fail agent_killing_profile_sigsys "exit $rc"
	# a plain failing call (ENOENT) under podman's default filter is not a denial
	prun --rm "$BB" cat /nonexistent >/dev/null 2>&1
	sleep 1.5
	agent_stop_ok agent_denials_sigterm_exit_0 "$S.log"
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
	PIN=$pin_saved
	"$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
d=json.load(sys.stdin); im={i["image"]: i for i in d["images"]}
den=sorted((x["syscall"], x["action"], x["count"]) for x in im[sys.argv[1]]["denied"])
assert den == [("mkdir", "SCMP_ACT_ERRNO(1)", 1), ("mkdir", "SCMP_ACT_KILL_PROCESS", 1)], den
# kept apart per container and per enforced profile: two containers, two profiles
ctrs = {x["container"] for x in im[sys.argv[1]]["denied"]}
profs = {x["profile"] for x in im[sys.argv[1]]["denied"]}
assert len(ctrs) == 2 and "" not in ctrs and len(profs) == 2 and "" not in profs, im[sys.argv[1]]["denied"]
assert all(not i["denied"] for k, i in im.items() if k != sys.argv[1]), "denials elsewhere"' "$BB" 2>"$T/den.err" &&
		pass agent_status_names_denials_exactly || fail agent_status_names_denials_exactly "$(tail -3 "$T/den.err")"
	out=$("$SC" diff --observed "$S" --against "$T/ag1/profiles" 2>&1); rc=$?
	[ $rc = 1 ] && echo "$out" | grep -qE "DENIED +mkdir +SCMP_ARCH_X86_64 +1 calls +enforced filter gave SCMP_ACT_ERRNO\(1\)" &&
		pass agent_diff_reports_denials || fail agent_diff_reports_denials "exit $rc: $out"
}

# Least privilege: started with CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH only (no
# CAP_SYS_ADMIN), the agent profiles a container; once its recorder runs it keeps
# CAP_DAC_READ_SEARCH only (and CAP_BPF where the kernel asks for it), with no_new_privs and
# its own filter, and still attributes, folds, saves, writes profiles and serves metrics.
t_agent_least_privilege() {
	local S=$T/ag-lp pin_saved=$PIN port st eff want pb out rc m
	command -v setpriv >/dev/null || { skip agent_least_privilege "setpriv (util-linux) not installed"; return; }
	mkdir -p "$S"
	PIN=$PIN-lp
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	out=$(setpriv --bounding-set -all,+bpf,+dac_read_search --inh-caps -all -- "$SC" agent --state-dir "$S" \
		--pin-dir "$PIN" 2>&1); rc=$?
	[ $rc = 1 ] && [[ $out == *"missing: CAP_PERFMON"* ]] && pass agent_names_missing_capability ||
		fail agent_names_missing_capability "exit $rc, expected 1 and CAP_PERFMON named: $out"
	AGENT_WRAP="setpriv --bounding-set -all,+bpf,+perfmon,+dac_read_search --inh-caps -all --" \
		agent_start "$S" --interval 1 --metrics ":$port" ||
		{ fail agent_least_privilege_start "$(tail -5 "$S.log")"; PIN=$pin_saved; return; }
	st=/proc/$AGENT_PID/status
	eff=$(awk '$1 == "CapEff:" { print $2 }' "$st")
	# CAP_DAC_READ_SEARCH (bit 2), and CAP_BPF (bit 39) if the log says the kernel needs it
	want=0000000000000004
	grep -q "capabilities CAP_DAC_READ_SEARCH,CAP_BPF;" "$S.log" && want=0000008000000004
	# a sanitizer build runs without its filter (census/confine.c): the rest holds
	local secc=2
	[[ $BUILD == *asan* ]] && secc=0
	[ "$eff" = "$want" ] && [ "$(awk '$1 == "CapPrm:" { print $2 }' "$st")" = "$want" ] &&
		grep -qP "^Seccomp:\t$secc$" "$st" && grep -qP '^NoNewPrivs:\t1$' "$st" &&
		pass "agent_confined (CapEff $eff, Seccomp $secc, NoNewPrivs 1)" ||
		fail agent_confined "got $(grep -E '^(CapEff|CapPrm|Seccomp|NoNewPrivs):' "$st" | tr '\t\n' '  '), expected CapEff and CapPrm $want, Seccomp $secc, NoNewPrivs 1"
	prun --rm "$BB" sh -c "$W_BB" >"$T/lp.out" 2>&1
	sleep 2.5
	m=$(curl -s "http://127.0.0.1:$port/metrics")
	# ":PORT" listens on IPv6 and IPv4: its socket is made before the filter, which allows AF_INET only
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://[::1]:$port/healthz")" = 200 ] &&
		grep -q "^syscensus_syscalls_total{image=\"localhost/syscensus-test-bb:1\",syscall=\"mkdir" <<<"$m" &&
		grep -qx "syscensus_agent_seccomp_refusals_total 0" <<<"$m" && pass agent_confined_serves_metrics ||
		fail agent_confined_serves_metrics "$(grep -E 'refusals|mkdir' <<<"$m" | head -3)"
	"$SC" status --state-dir "$S" >"$T/lp.status" 2>&1
	grep -qE "^confinement: capabilities CAP_DAC_READ_SEARCH.*no_new_privs; (seccomp filter of [0-9]* syscalls|no seccomp filter of its own \(see the log\)); 0 calls refused" "$T/lp.status" &&
		grep -q "^$BB  *1 " "$T/lp.status" && pass agent_confined_status ||
		fail agent_confined_status "$(head -12 "$T/lp.status")"
	agent_stop_ok agent_confined_sigterm_exit_0 "$S.log"
	# restarted without CAP_SYS_ADMIN, it adopts the pinned recorder and still measures its cost
	local stats
	stats=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo 0)
	sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null
	if AGENT_WRAP="setpriv --bounding-set -all,+bpf,+perfmon,+dac_read_search --inh-caps -all --" \
		agent_start "$S" --interval 1; then
		sleep 2.5
		"$SC" status --state-dir "$S" >"$T/lp2.status" 2>&1
		agent_stop_ok agent_confined_resumed_sigterm_exit_0 "$S.log"
		grep -q "resumed the pinned recorder" "$S.log" &&
			grep -qE '^recorder cost: [0-9.]+ ns per syscall over [0-9]+ syscalls' "$T/lp2.status" &&
			pass agent_confined_resumed_cost_measured ||
			fail agent_confined_resumed_cost_measured "$(grep -m1 'recorder cost' "$T/lp2.status"); $(grep -c 'resumed the pinned' "$S.log") resumes"
	else
		fail agent_confined_resumed_cost_measured "the agent did not restart: $(tail -3 "$S.log")"
	fi
	sysctl -qw kernel.bpf_stats_enabled="$stats" 2>/dev/null
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
	PIN=$pin_saved
	pb=$(profile_of "$S/profiles" "$BB")
	out=$(prun --rm --security-opt "seccomp=$pb" "$BB" sh -c "$W_BB" 2>&1); rc=$?
	[ $rc = 0 ] && [[ $out == *bb-ok* ]] && pass agent_confined_profile_runs_it ||
		fail agent_confined_profile_runs_it "exit $rc: $(echo "$out" | tail -3); $(ls "$S/profiles" 2>&1)"
}

# Every agent the suite ran confined itself, and its own filter refused nothing: a refusal
# is a path the recorded profile (deploy/seccomp/syscensus-agent.json) lacks.
t_agent_own_filter() {
	local n bad
	[[ $BUILD == *asan* ]] && { skip agent_own_filter_refused_nothing "a sanitizer build runs without its filter"; return; }
	n=$(grep -rl "confinement: capabilities" "$T" --include='*.log' 2>/dev/null | wc -l)
	bad=$(grep -rh "own seccomp filter refused" "$T" --include='*.log' 2>/dev/null | sort -u)
	[ "$n" -gt 0 ] && [ -z "$bad" ] && pass "agent_own_filter_refused_nothing ($n agent logs)" ||
		fail agent_own_filter_refused_nothing "$n confined agent logs; refused: ${bad:-none}"
}

# --deployed: what the running containers enforce, and who runs unconfined
t_agent_deployed() {
	local pb c1 c2 c3 out rc
	pb=$(profile_of "$T/ag1/profiles" "$BB")
	[ -f "$pb" ] || { skip agent_deployed "no busybox profile from agent_containers"; return; }
	without "$pb" mkdir "$T/bb-deployed-strict.json"
	c1=$(podman run -d --network=none "$BB" sleep 60)
	c2=$(podman run -d --network=none --security-opt seccomp=unconfined "$BB" sleep 60)
	c3=$(podman run -d --network=none --security-opt "seccomp=$T/bb-deployed-strict.json" "$BB" sleep 60)
	"$SC" diff --observed "$T/ag1" --deployed --format json >"$T/dep.json" 2>"$T/dep.err"; rc=$?
	"$SC" diff --observed "$T/ag1" --deployed >"$T/dep.txt" 2>&1
	podman rm -f -t 0 "$c1" "$c2" "$c3" >/dev/null 2>&1
	python3 - "$T/dep.json" "$c1" "$c2" "$c3" <<-'PY' 2>"$T/dep.py" && [ $rc = 1 ] && grep -q "UNCONFINED: no seccomp filter" "$T/dep.txt" && pass agent_diff_deployed || fail agent_diff_deployed "exit $rc: $(cat "$T/dep.err" "$T/dep.py" "$T/dep.txt")"
	import json, sys
	d = {c["container"]: c for c in json.load(open(sys.argv[1]))["deployed"]}
	default, unconfined, strict = (d[i] for i in sys.argv[2:5])
	assert default["seccomp"] == "filter" and default["filters"] >= 1 and default["breaking"] == [], default
	assert unconfined["seccomp"] == "none" and unconfined["profile"] == "", unconfined
	assert [b["syscall"] for b in strict["breaking"]] == ["mkdir"], strict["breaking"]
	assert strict["breaking"][0]["action"] == "SCMP_ACT_ERRNO(1)"
	PY
}

t_agent() {
	if ! podman_setup; then
		skip agent "podman, runc or busybox missing, or images could not be built (bash .ci/deps installs them)"
		return
	fi
	trap 'agent_cleanup; rm -rf "$T"' EXIT
	t_agent_containers
	t_agent_denials
	t_agent_deployed
	t_k8s_crio_deployed
	t_agent_short_container
	t_agent_one_image_two_names
	t_agent_sigkill
	t_agent_runtimes_and_names
	t_agent_capacity
	t_agent_slots_and_cost
	t_agent_walk_race
	t_agent_state_version
	t_agent_least_privilege
	t_faults
	t_churn 40 1
	agent_cleanup
}
