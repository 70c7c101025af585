# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `record -- podman run` and `record -- docker run`, sourced by tests/run (root only): a real
# podman + runc and a real Docker engine started here in a private place (no systemd), each
# container's profile then enforced by the same engine with --security-opt seccomp=.

DK=$T/docker		# the daemon's data root, exec root, socket, pid file and log
DBB=syscensus-test-bb:1	# the busybox image, imported into Docker
DSAMPLE=syscensus-test-sample:1	# the threaded sample and its libraries
DOCKERD_PID=

dk() { timeout 60 docker -H "unix://$DK/sock" "$@"; }

# dockerd as shared/ENVIRONMENT.md describes: its own roots and socket, no iptables, no bridge
docker_setup() {
	command -v dockerd >/dev/null && command -v docker >/dev/null || return 1
	mkdir -p "$DK/rootfs/bin" && cp "$(command -v busybox)" "$DK/rootfs/bin/busybox" || return 1
	"$DK/rootfs/bin/busybox" --install -s "$DK/rootfs/bin" 2>/dev/null
	# busybox --install links to its own path: the image's links must point inside it
	for l in "$DK"/rootfs/bin/*; do [ -L "$l" ] && ln -sf busybox "$l"; done
	dockerd --data-root "$DK/data" --exec-root "$DK/exec" --pidfile "$DK/pid" --host "unix://$DK/sock" \
		--iptables=false --bridge=none >"$DK/log" 2>&1 &
	DOCKERD_PID=$!
	for _ in $(seq 100); do
		dk version >/dev/null 2>&1 && break
		kill -0 "$DOCKERD_PID" 2>/dev/null || return 1
		sleep 0.2
	done
	tar -C "$DK/rootfs" -c . | dk import - "$DBB" >/dev/null || return 1
	# the threaded sample with the libraries ldd lists: glibc's pthread_create tries clone3
	local r=$DK/rootfs-sample l
	mkdir -p "$r" && cp "$SAMPLE" "$r/sample" || return 1
	for l in $(ldd "$SAMPLE" | grep -oE '/[^ ]+'); do mkdir -p "$r$(dirname "$l")" && cp -L "$l" "$r$l"; done
	tar -C "$r" -c . | dk import - "$DSAMPLE" >/dev/null
}

docker_cleanup() {
	[ -n "$DOCKERD_PID" ] || return 0
	dk rm -f $(dk ps -aq) >/dev/null 2>&1
	kill "$DOCKERD_PID" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
	kill -9 "$DOCKERD_PID" 2>/dev/null
	DOCKERD_PID=
	# what a killed daemon may leave mounted under its roots
	grep -o " $DK/[^ ]*" /proc/mounts | sort -r | xargs -r -n 1 umount -l 2>/dev/null
	true
}

# $1 engine name, $2 profile, $3... the engine's command (before `run`'s image): the profile
# starts the container again, with and without no-new-privileges, and it prints the same
enforce_both_modes() {
	local name=$1 p=$2 out rc nnp
	shift 2
	for nnp in "" "--security-opt=no-new-privileges"; do
		out=$("$@" run --rm --network=none --security-opt "seccomp=$p" $nnp "$BB_IMG" sh -c "$W_BB" 2>&1); rc=$?
		[ $rc = 0 ] && [[ $out == *bb-ok* ]] && pass "record_${name}_profile_starts_it${nnp:+_nnp}" ||
			fail "record_${name}_profile_starts_it${nnp:+_nnp}" "exit $rc, expected 0 and bb-ok: $out"
	done
}

# what the container's profile must not hold: what only the engine's client did (sockets to
# its daemon or to conmon), and not more than the container can have made
check_container_profile() {
	local name=$1 p=$2 err=$3 n extra
	n=$(names "$p" | wc -l)
	extra=$(names "$p" | grep -xE 'socket|connect|bind|listen|accept4|epoll_create1' | tr '\n' ' ')
	[ -z "$extra" ] && [ "$n" -gt 20 ] && [ "$n" -lt 90 ] && pass "record_${name}_container_profile" ||
		fail "record_${name}_container_profile" "$n names (expected 20..90), client calls: '$extra'; $(cat "$err")"
}

t_record_podman_run() {
	local p=$T/podman-run.json rc img
	BB_IMG=$BB
	"$SC" record -o "$p" --report "$T/podman-run.rep" -- podman run --rm --network=none "$BB" sh -c "$W_BB" \
		>"$T/podman-run.out" 2>"$T/podman-run.err"; rc=$?
	if [ $rc != 0 ] || ! grep -q bb-ok "$T/podman-run.out"; then
		fail record_podman_run "exit $rc, expected 0 and the container's output: $(cat "$T/podman-run.out" "$T/podman-run.err")"
		return
	fi
	pass record_podman_run
	check_container_profile podman "$p" "$T/podman-run.err"
	img=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["containers"]; print(len(c), c[0].get("image"), c[0]["confined"])' "$T/podman-run.rep")
	[ "$img" = "1 $BB True" ] && grep -q "of image $BB" "$T/podman-run.err" && pass record_podman_run_attributed ||
		fail record_podman_run_attributed "report says '$img', expected '1 $BB True'; $(cat "$T/podman-run.err")"
	# the image id as Docker records one: sha256:<64 hex>, podman's image id (not a manifest digest)
	img=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["containers"][0].get("image_id"))' "$T/podman-run.rep")
	[ "$img" = "sha256:$(podman image inspect -f '{{.Id}}' "$BB")" ] && pass record_podman_image_id ||
		fail record_podman_image_id "got $img, expected sha256:$(podman image inspect -f '{{.Id}}' "$BB")"
	enforce_both_modes podman "$p" timeout 60 podman
}

t_record_docker_run() {
	local p=$T/docker-run.json rc out cid
	BB_IMG=$DBB
	"$SC" record -o "$p" --docker-root "$DK/data" -- docker -H "unix://$DK/sock" run --rm --network=none "$DBB" \
		sh -c "$W_BB" >"$T/docker-run.out" 2>"$T/docker-run.err"; rc=$?
	if [ $rc != 0 ] || ! grep -q bb-ok "$T/docker-run.out"; then
		fail record_docker_run "exit $rc, expected 0 and the container's output: $(cat "$T/docker-run.out" "$T/docker-run.err")"
		return
	fi
	pass record_docker_run
	check_container_profile docker "$p" "$T/docker-run.err"
	# Docker keeps container names with a leading '/': not in what is said
	grep -q "of image docker.io/library/$DBB" "$T/docker-run.err" && ! grep -q '(/' "$T/docker-run.err" &&
		pass record_docker_run_attributed || fail record_docker_run_attributed \
		"expected 'of image docker.io/library/$DBB' and a name without '/': $(cat "$T/docker-run.err")"
	# one image, one name and one id, however docker run was given it: short, full, by id
	local ref got=
	for ref in "$DBB" "docker.io/library/$DBB" "$(dk images -q "$DBB" | head -n 1)"; do
		"$SC" record -o "$T/dref.json" --report "$T/dref.rep" --docker-root "$DK/data" -- docker -H "unix://$DK/sock" \
			run --rm --network=none "$ref" true >/dev/null 2>&1
		got+=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["containers"][0]; print(c.get("image"), c.get("image_id", "")[:19], end="; ")' "$T/dref.rep" 2>&1)
		rm -f "$T/dref.json"
	done
	local want="docker.io/library/$DBB sha256:$(dk images -q --no-trunc "$DBB" | head -n 1 | cut -c8-19); "
	[ "$got" = "$want$want$want" ] && pass record_docker_one_image_one_name ||
		fail record_docker_one_image_one_name "got '$got', expected '$want' three times"
	enforce_both_modes docker "$p" dk

	# docker run -d returns at once: record waits for the container, which sleeps, then exits
	"$SC" record -o "$T/docker-d.json" --docker-root "$DK/data" -- docker -H "unix://$DK/sock" run -d \
		--network=none "$DBB" sh -c 'sleep 1; cat /etc/hostname' >"$T/docker-d.out" 2>"$T/docker-d.err"; rc=$?
	out=$(names "$T/docker-d.json" 2>&1 | grep -xE 'sendfile|wait4|clone' | sort | tr '\n' ' ')
	[ $rc = 0 ] && [ "$out" = "clone sendfile wait4 " ] && grep -q "waiting for the 1 container" "$T/docker-d.err" &&
		pass record_docker_detached_waits || fail record_docker_detached_waits \
		"exit $rc, calls after the client exited: '$out' (expected 'clone sendfile wait4 '); $(cat "$T/docker-d.err")"
	dk rm -f "$(cat "$T/docker-d.out")" >/dev/null 2>&1

	# a signal while waiting for a container: the recording stops, the container does not
	"$SC" record -o "$T/docker-int.json" --docker-root "$DK/data" -- docker -H "unix://$DK/sock" run -d \
		--network=none "$DBB" sleep 30 >"$T/docker-int.out" 2>"$T/docker-int.err" &
	local pid=$!
	for _ in $(seq 50); do grep -q "waiting for" "$T/docker-int.err" && break; sleep 0.1; done
	kill -TERM $pid; wait $pid; rc=$?	# not INT: a script's background jobs ignore it
	cid=$(cat "$T/docker-int.out")
	out=$(dk inspect -f '{{.State.Running}}' "$cid" 2>&1)
	[ $rc = 143 ] && [ "$out" = true ] && grep -q INCOMPLETE "$T/docker-int.json" && pass record_docker_interrupted ||
		fail record_docker_interrupted "exit $rc (expected 143), container running: $out (expected true), profile: $(head -c 200 "$T/docker-int.json"); $(cat "$T/docker-int.err")"
	dk rm -f "$cid" >/dev/null 2>&1

	# no --docker-root: the container is not named, and that is said; its profile is written all the same
	"$SC" record -o "$T/docker-anon.json" -- docker -H "unix://$DK/sock" run --rm --network=none "$DBB" true \
		>/dev/null 2>"$T/docker-anon.err"; rc=$?
	[ $rc = 0 ] && grep -q "no runtime state under the roots given names it" "$T/docker-anon.err" &&
		names "$T/docker-anon.json" | grep -qx execve && pass record_docker_unattributed_said ||
		fail record_docker_unattributed_said "exit $rc: $(cat "$T/docker-anon.err")"
}

# Docker's default filter answers clone3 ENOSYS (no CAP_SYS_ADMIN): glibc falls back to clone and
# clone3 never reaches sys_enter. The refusal is seen on sys_exit and answered alike by the
# learned profile, under which the threaded sample then runs, with and without no-new-privileges.
t_record_docker_learned_refusals() {
	local p=$T/docker-sample.json rc out nnp
	"$SC" record -o "$p" --docker-root "$DK/data" -- docker -H "unix://$DK/sock" run --rm --network=none \
		"$DSAMPLE" /sample >"$T/dsample.out" 2>"$T/dsample.err"; rc=$?
	out=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
r=[x for x in d["syscalls"] if x.get("comment","").startswith("syscensus: refused")]
print("clone3" in d["syscalls"][0]["names"], [(x["errnoRet"], "clone3" in x["names"]) for x in r])' "$p" 2>&1)
	[ $rc = 0 ] && [ "$out" = "False [(38, True)]" ] && pass record_docker_refusal_learned ||
		fail record_docker_refusal_learned "exit $rc, got '$out', expected 'False [(38, True)]': $(cat "$T/dsample.out" "$T/dsample.err")"
	for nnp in "" "--security-opt=no-new-privileges"; do
		out=$(dk run --rm --network=none --security-opt "seccomp=$p" $nnp "$DSAMPLE" /sample 2>&1); rc=$?
		[ $rc = 0 ] && [[ $out == *"all syscalls succeeded"* ]] && pass "record_docker_threads_run${nnp:+_nnp}" ||
			fail "record_docker_threads_run${nnp:+_nnp}" "exit $rc: $out"
	done
}

# Learned on either engine, with or without no-new-privileges; enforced on either engine, in
# either mode: 4 profiles x 4 runs, each must start the container and do its work. runc puts
# the filter in at another point with no-new-privileges; the profile carries the runtime's
# calls of the other mode (README, "Runtime modes").
t_record_modes_matrix() {
	local learn eng nnp p out rc bad=0 runs=0 failed=
	for learn in podman podman-nnp docker docker-nnp; do
		p=$T/matrix-$learn.json
		nnp=; [[ $learn == *-nnp ]] && nnp=--security-opt=no-new-privileges
		if [[ $learn == podman* ]]; then
			"$SC" record -o "$p" -- podman run --rm --network=none $nnp "$BB" sh -c "$W_BB" >/dev/null 2>"$T/m.err"
		else
			"$SC" record -o "$p" --docker-root "$DK/data" -- docker -H "unix://$DK/sock" run --rm --network=none \
				$nnp "$DBB" sh -c "$W_BB" >/dev/null 2>"$T/m.err"
		fi || { fail "record_matrix_learn_$learn" "$(cat "$T/m.err")"; continue; }
		for eng in podman docker; do
			for nnp in "" "--security-opt=no-new-privileges"; do
				runs=$((runs + 1))
				if [ $eng = podman ]; then
					out=$(timeout 60 podman run --rm --network=none --security-opt "seccomp=$p" $nnp "$BB" sh -c "$W_BB" 2>&1)
				else
					out=$(dk run --rm --network=none --security-opt "seccomp=$p" $nnp "$DBB" sh -c "$W_BB" 2>&1)
				fi
				rc=$?
				[ $rc = 0 ] && [[ $out == *bb-ok* ]] && continue
				bad=$((bad + 1))
				failed+="learned $learn, run on $eng${nnp:+ nnp}: exit $rc: $(echo "$out" | tail -n 1); "
			done
		done
	done
	[ $bad = 0 ] && [ $runs = 16 ] && pass "record_modes_matrix ($runs of 16 combinations start and work)" ||
		fail record_modes_matrix "$bad of $runs failed: $failed"
}

# The argument demonstration: nginx learned under podman serves under its profile, which allows
# socket for the families it used only, so a netlink socket (ip link) is refused, and so is a
# user namespace (unshare -U); under podman's default profile at least one of them works.
t_record_args_demo() {
	local p=$T/ngx-args.json out rc probe='ip link >/dev/null && echo netlink-ok; unshare -U true && echo userns-ok'
	"$SC" record -o "$p" -- podman run --rm --network=none "$NGX" sh -c "$W_NGX" >/dev/null 2>"$T/ngx-args.err"; rc=$?
	out=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print("socket" in d["syscalls"][0]["names"], any(x["names"] == ["socket"] and "args" in x for x in d["syscalls"]))' "$p" 2>&1)
	[ $rc = 0 ] && [ "$out" = "False True" ] && pass record_args_ngx_socket_by_family ||
		fail record_args_ngx_socket_by_family "exit $rc, got '$out', expected 'False True': $(cat "$T/ngx-args.err")"
	out=$(timeout 60 podman run --rm --network=none --security-opt "seccomp=$p" "$NGX" sh -c "$W_NGX; $probe" 2>&1)
	[[ $out == *hello-from-nginx* ]] && [[ $out == *"ip: socket: Operation not permitted"* ]] &&
		[[ $out == *"unshare(0x10000000): Operation not permitted"* ]] && [[ $out != *-ok* ]] &&
		pass record_args_demo_confined || fail record_args_demo_confined "expected nginx to serve, netlink and userns refused: $out"
	out=$(timeout 60 podman run --rm --network=none "$NGX" sh -c "$probe" 2>&1)
	[[ $out == *netlink-ok* || $out == *userns-ok* ]] && pass "record_args_demo_default_allows ($(echo $out))" ||
		fail record_args_demo_default_allows "under podman's default profile: $out"
}

# The agent and diff --deployed on a real Docker engine: the container attributed to its image
# (one name for the agent, status and diff), its enforced profile read from its OCI bundle, and
# a call the profile lacks reported as breaking.
t_docker_deployed() {
	local S=$T/agdk c out rc p=$T/docker-run.json
	[ -f "$p" ] || { skip docker_deployed "no profile from record_docker_run"; return; }
	agent_start "$S" --interval 1 --docker-root "$DK/data" || { fail docker_agent_start "$(tail -5 "$S.log")"; return; }
	without "$p" mkdir "$T/docker-strict.json"
	c=$(dk run -d -i --network=none --security-opt "seccomp=$T/docker-strict.json" "$DBB" sh -c 'mkdir /tmp/y; cat')
	dk run --rm --network=none "$DBB" sh -c "$W_BB" >/dev/null 2>&1
	# one container with no-new-privileges, alive for a few of the agent's ticks
	local cn
	cn=$(dk run -d -i --network=none --security-opt=no-new-privileges "$DBB" cat)
	sleep 2.5
	agent_stop_ok docker_agent_sigterm_exit_0 "$S.log"
	dk rm -f "$cn" >/dev/null 2>&1
	out=$("$SC" status --state-dir "$S" --json | python3 -c 'import json,sys
print({i["image"]: i for i in json.load(sys.stdin)["images"]}["docker.io/library/'"$DBB"'"]["modes_seen"])' 2>&1)
	[ "$out" = "['no-new-privileges', 'privileges']" ] && pass docker_agent_modes_seen ||
		fail docker_agent_modes_seen "got $out, expected both modes"
	"$SC" diff --observed "$S" --deployed --docker-root "$DK/data" \
		--bundle-root "$DK/exec/containerd/daemon/io.containerd.runtime.v2.task/moby" --format json >"$T/ddep.json" 2>"$T/ddep.err"; rc=$?
	out=$(python3 - "$T/ddep.json" "$c" <<-'PY' 2>&1
	import json, sys
	d = {x["container"]: x for x in json.load(open(sys.argv[1]))["deployed"]}
	x = d[sys.argv[2]]
	print(x.get("image"), x.get("observed"), x["seccomp"], "mkdir" in [b["syscall"] for b in x["breaking"]])
	PY
	)
	[ $rc = 1 ] && [ "$out" = "docker.io/library/$DBB True filter True" ] && pass docker_diff_deployed ||
		fail docker_diff_deployed "exit $rc (expected 1), got '$out', expected 'docker.io/library/$DBB True filter True' (mkdir breaking): $(cat "$T/ddep.err")"
	dk rm -f "$c" >/dev/null 2>&1
}

# --containers for a command that starts none: an error, no profile
t_record_no_container() {
	local out rc
	out=$("$SC" record --containers -o "$T/none.json" -- true 2>&1); rc=$?
	[ $rc = 1 ] && [[ $out == *"no container was started while true ran"* ]] && [ ! -e "$T/none.json" ] &&
		pass record_containers_none_started || fail record_containers_none_started "exit $rc (expected 1): $out"
}

t_engines() {
	trap 'docker_cleanup; agent_cleanup; rm -rf "$T"' EXIT
	t_record_no_container
	if podman_setup; then
		t_record_podman_run
		t_record_args_demo
	else
		skip record_podman_run "podman, runc or busybox missing (bash .ci/deps installs them)"
	fi
	if docker_setup; then
		t_record_docker_run
		t_record_docker_learned_refusals
		t_docker_deployed
		podman_setup && t_k8s_containerd_pod
		podman_setup && t_k8s_daemonset_pod
		podman_setup && t_record_modes_matrix
		podman_setup && t_servers_matrix
		server_cleanup
	else
		skip record_docker_run "dockerd did not start: $(tail -n 3 "$DK/log" 2>/dev/null)"
	fi
	docker_cleanup
	agent_cleanup
	# the last tests that use the podman images: none is left behind
	podman rmi -f "$BB" "$NGX" "$CHURN_A" "$CHURN_B" >/dev/null 2>&1
	true
}
