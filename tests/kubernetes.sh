# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Kubernetes, sourced by tests/run: the DaemonSet and the SeccompProfile output against
# their published schemas; a containerd container shaped like a CRI pod's (kubepods cgroup,
# io.kubernetes.cri.* annotations, its sandbox) named in status; CRI-O's on-disk bundle
# (which cannot run here); and the agent image run the way the DaemonSet runs it,
# profiling real podman, Docker and containerd containers across a restart of itself.

AGENT_IMG=localhost/syscensus-agent:test-$$
KCTR_NS=k8s.io
POD_UID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0

validator() { SYSCENSUS_NPM_DIR=$BUILD/npm node tests/k8s/validate.mjs "$@"; }

# The npm validator once; 77 (skip) when the registry cannot be reached.
k8s_validator_setup() {
	[ -n "${K8S_VALIDATOR:-}" ] && return "$K8S_VALIDATOR"
	SYSCENSUS_NPM_DIR=$BUILD/npm bash tests/k8s/setup.sh >"$T/npm.log" 2>&1
	K8S_VALIDATOR=$?
	return "$K8S_VALIDATOR"
}

# Every manifest of deploy/kubernetes against the Kubernetes API schema; broken copies refused.
t_k8s_manifests() {
	local out rc f bad
	if ! k8s_validator_setup; then
		skip k8s_manifests "no schema validator: $(tail -n 2 "$T/npm.log")"
		return
	fi
	out=$(validator deploy/kubernetes/*.yaml 2>&1); rc=$?
	[ $rc = 0 ] && [ "$(grep -c '^ok ' <<<"$out")" = 3 ] && grep -q '^ok .*DaemonSet syscensus-agent' <<<"$out" &&
		pass k8s_manifests_valid || fail k8s_manifests_valid "exit $rc, expected 0 and 3 ok: $out"
	# the pod's seccomp profile is what its two recordings make (never edited by hand)
	python3 tests/agent_pod_profile.py deploy/seccomp/syscensus-agent.json deploy/seccomp/runc-under-filter.json \
		"$T/pod.json" >/dev/null 2>"$T/pod.err" && cmp -s "$T/pod.json" deploy/seccomp/syscensus-agent-pod.json &&
		pass k8s_pod_profile_derived || fail k8s_pod_profile_derived "deploy/seccomp/syscensus-agent-pod.json differs from what tests/agent_pod_profile.py makes: $(diff "$T/pod.json" deploy/seccomp/syscensus-agent-pod.json | head -5; cat "$T/pod.err")"
	# what the DaemonSet must say, read from the parsed object (not the text)
	python3 - deploy/kubernetes/daemonset.yaml <<-'EOF' >"$T/ds.out" 2>&1 && pass k8s_daemonset_not_privileged ||
	import sys, yaml
	ds = yaml.safe_load(open(sys.argv[1]))
	pod = ds["spec"]["template"]["spec"]
	c = pod["containers"][0]
	sc = c["securityContext"]
	assert pod["hostPID"] is True
	assert sc.get("privileged") is False and sc["readOnlyRootFilesystem"] is True
	assert sc["allowPrivilegeEscalation"] is False
	assert sc["capabilities"]["drop"] == ["ALL"], sc["capabilities"]
	assert sorted(sc["capabilities"]["add"]) == ["BPF", "DAC_READ_SEARCH", "PERFMON"], sc["capabilities"]
	assert sc["seccompProfile"] == {"type": "Localhost", "localhostProfile": "syscensus/syscensus-agent-pod.json"}, sc
	mounts = {m["mountPath"]: m.get("readOnly", False) for m in c["volumeMounts"]}
	for p in ("/sys/fs/bpf", "/sys/kernel/btf", "/sys/fs/cgroup", "/var/lib/syscensus", "/var/lib/kubelet/seccomp/syscensus"):
	    assert p in mounts, p
	assert mounts["/sys/fs/cgroup"] and not mounts["/var/lib/syscensus"]
	assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
	assert ds["spec"]["updateStrategy"]["type"] == "RollingUpdate"
	assert {"operator": "Exists"} in pod["tolerations"]
	assert "limits" in c["resources"] and "requests" in c["resources"]
	args = c["args"]
	assert args[args.index("--profiles-dir") + 1] == "/var/lib/kubelet/seccomp/syscensus", args
	EOF
		fail k8s_daemonset_not_privileged "$(tail -n 3 "$T/ds.out")"
	# the validator is able to fail: a wrong type and an unknown field
	bad=0
	sed 's/hostPID: true/hostPID: "yes"/' deploy/kubernetes/daemonset.yaml >"$T/ds-type.yaml"
	sed 's/^\( *\)imagePullPolicy:/\1imagePullPolicyy:/' deploy/kubernetes/daemonset.yaml >"$T/ds-field.yaml"
	for f in "$T/ds-type.yaml" "$T/ds-field.yaml"; do
		out=$(validator "$f" 2>&1) && bad=1
		grep -q '^invalid ' <<<"$out" || bad=1
	done
	[ $bad = 0 ] && pass k8s_validator_refuses_broken_daemonset ||
		fail k8s_validator_refuses_broken_daemonset "a broken DaemonSet passed: $out"
}

# record --format crd: a SeccompProfile the SPO CRD's schema accepts, argument rules included
t_k8s_crd() {
	local out rc
	if ! k8s_validator_setup; then
		skip k8s_crd "no schema validator: $(tail -n 2 "$T/npm.log")"
		return
	fi
	"$SC" record --format crd -o "$T/sock.yaml" -- "$BUILD/tests/sock" inet dgram >"$T/crd.log" 2>&1; rc=$?
	out=$(validator "$T/sock.yaml" 2>&1)
	[ $rc = 0 ] && grep -q '^ok .*SeccompProfile ' <<<"$out" && grep -q 'SCMP_CMP_MASKED_EQ' "$T/sock.yaml" &&
		pass k8s_record_crd_valid || fail k8s_record_crd_valid "exit $rc: $out $(tail -n 2 "$T/crd.log")"
	# the same allow list as the JSON profile of the same program
	"$SC" record -o "$T/sock.json" -- "$BUILD/tests/sock" inet dgram >"$T/crd2.log" 2>&1
	python3 - "$T/sock.json" "$T/sock.yaml" <<-'EOF' >"$T/crd.out" 2>&1 && pass k8s_crd_same_rules || fail k8s_crd_same_rules "$(tail -n 3 "$T/crd.out")"
	import json, sys, yaml
	j = json.load(open(sys.argv[1]))
	y = yaml.safe_load(open(sys.argv[2]))
	assert y["apiVersion"] == "security-profiles-operator.x-k8s.io/v1" and y["kind"] == "SeccompProfile"
	strip = lambda rules: [{k: v for k, v in r.items() if k != "comment"} for r in rules]
	assert strip(j["syscalls"]) == y["spec"]["syscalls"], (strip(j["syscalls"]), y["spec"]["syscalls"])
	assert j["defaultAction"] == y["spec"]["defaultAction"] and j["architectures"] == y["spec"]["architectures"]
	EOF
	# the validator is able to fail on a SeccompProfile
	sed 's/SCMP_ACT_ALLOW/SCMP_ACT_BOGUS/' "$T/sock.yaml" >"$T/bogus.yaml"
	out=$(validator "$T/bogus.yaml" 2>&1)
	grep -q '^invalid .*defaultAction\|^invalid .*action' <<<"$out" && pass k8s_validator_refuses_bad_crd ||
		fail k8s_validator_refuses_bad_crd "got: $out"
}

ctrk() { timeout 60 ctr --address "$DK/exec/containerd/containerd.sock" -n "$KCTR_NS" "$@"; }

# A pod's sandbox and one container, made with ctr as containerd's CRI plugin makes them.
# $1 sandbox id, $2 container id, $3 pod name, $4... the container's command
ctr_pod() {
	local sb=$1 id=$2 pod=$3 a
	shift 3
	a=(--annotation io.kubernetes.cri.sandbox-id="$sb" --annotation io.kubernetes.cri.sandbox-namespace=shop
	   --annotation io.kubernetes.cri.sandbox-name="$pod" --annotation io.kubernetes.cri.sandbox-uid=$POD_UID)
	ctrk run -d --cgroup "/kubepods/besteffort/pod$POD_UID/$sb" --annotation io.kubernetes.cri.container-type=sandbox \
		"${a[@]}" "docker.io/library/$DBB" "$sb" sleep 30 >/dev/null || return 1
	ctrk run --cgroup "/kubepods/besteffort/pod$POD_UID/$id" --annotation io.kubernetes.cri.container-type=container \
		"${a[@]}" --annotation io.kubernetes.cri.container-name=web \
		--annotation io.kubernetes.cri.image-name="docker.io/library/$DBB" "docker.io/library/$DBB" "$id" "$@"
}

ctr_pod_rm() {
	ctrk task kill -s KILL "$1" >/dev/null 2>&1
	for _ in $(seq 50); do ctrk task ls -q 2>/dev/null | grep -q "$1" || break; sleep 0.1; done
	shift
	ctrk container rm "$@" >/dev/null 2>&1
	k8s_cgroup_cleanup
}

k8s_ctr_images() {
	[ -n "${K8S_CTR_IMPORTED:-}" ] && return 0
	# whether the host has a kubelet's /kubepods: then only our pod's cgroups are removed
	[ -d "$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)/kubepods" ] && KUBEPODS_BEFORE=1
	dk save "$DBB" -o "$T/bb.tar" && ctrk image import "$T/bb.tar" >/dev/null && K8S_CTR_IMPORTED=1
}

# A containerd container shaped like a CRI pod's: its pod named in status, the sandbox not
# profiled, its profile enforced by containerd (ctr --seccomp-profile) in both forms.
t_k8s_containerd_pod() {
	local S=$T/kpod sb id out rc p
	sb=$(printf 'a%.0s' $(seq 64)); id=$(printf 'b%.0s' $(seq 64))
	command -v ctr >/dev/null || { skip k8s_containerd_pod "ctr is not installed"; return; }
	k8s_ctr_images || { fail k8s_containerd_import "ctr image import of $DBB failed"; return; }
	mkdir -p "$S"
	agent_start "$S" --interval 1 --profiles-format both --docker-root "$DK/data" \
		--bundle-root "$DK/exec/containerd/daemon/io.containerd.runtime.v2.task/$KCTR_NS" ||
		{ fail k8s_pod_agent_start "$(tail -5 "$S.log")"; return; }
	out=$(ctr_pod "$sb" "$id" web-7d4b9c8f6d-x2kqz sh -c "$W_BB" 2>&1); rc=$?
	sleep 2.5
	agent_stop_ok k8s_pod_agent_sigterm_exit_0 "$S.log"
	ctr_pod_rm "$sb" "$sb" "$id"
	[ $rc = 0 ] && [[ $out == *bb-ok* ]] || { fail k8s_containerd_pod_runs "exit $rc: $out"; return; }
	"$SC" status --state-dir "$S" >"$T/kpod.status" 2>&1
	grep -qE "^shop +web-7d4b9c8f6d-x2kqz +web +docker.io/library/$DBB +Deployment/web" "$T/kpod.status" &&
		pass k8s_status_names_pod || fail k8s_status_names_pod "expected a line: shop web-7d4b9c8f6d-x2kqz web docker.io/library/$DBB Deployment/web; got: $(cat "$T/kpod.status")"
	"$SC" status --state-dir "$S" --by workload --json | python3 -c 'import json,sys
w = json.load(sys.stdin)
assert w == [{"namespace": "shop", "workload": "Deployment/web", "inferred": True, "containers": 1,
              "images": ["docker.io/library/'"$DBB"'"], "pods": ["web-7d4b9c8f6d-x2kqz"]}], w' 2>"$T/wl.err" &&
		pass k8s_status_by_workload || fail k8s_status_by_workload "$(tail -n 2 "$T/wl.err")"
	# the pause container is no image: no profile of its own, counted apart
	python3 - "$S/state.json" "$sb" <<-'EOF' 2>"$T/sb.err" && pass k8s_sandbox_not_profiled || fail k8s_sandbox_not_profiled "$(tail -n 2 "$T/sb.err")"
	import json, sys
	st = json.load(open(sys.argv[1]))
	im = {i["image"]: i for i in st["images"]}
	sb = im.get("unknown/pod-sandboxes")
	assert sb and [c["id"] for c in sb["containers"]] == [sys.argv[2]], sorted(im)
	assert sb["containers"][0]["pod"]["name"] == "web-7d4b9c8f6d-x2kqz"
	web = [i for k, i in im.items() if not k.startswith("unknown/")]
	assert len(web) == 1 and web[0]["containers"][0]["pod"] == {"namespace": "shop", "name": "web-7d4b9c8f6d-x2kqz",
	    "uid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "workload": "Deployment/web"}, web
	EOF
	p=$(profile_of "$S/profiles" "docker.io/library/$DBB")
	[ "$(find "$S/profiles" -name '*.json' | wc -l)" = 1 ] && [ -s "$p" ] && [ -s "${p%.json}.yaml" ] &&
		pass k8s_agent_writes_both_forms || fail k8s_agent_writes_both_forms "$(ls "$S/profiles")"
	if k8s_validator_setup; then
		out=$(validator "${p%.json}.yaml" 2>&1) && pass k8s_agent_crd_valid || fail k8s_agent_crd_valid "$out"
	fi
	# diff and the pull request name where the image runs; propose commits the SeccompProfile too
	"$SC" diff --observed "$S" --against "$S/profiles" >"$T/kpod.diff" 2>&1
	grep -q "runs in: shop/Deployment/web" "$T/kpod.diff" && pass k8s_diff_names_workload ||
		fail k8s_diff_names_workload "expected 'runs in: shop/Deployment/web': $(head -n 5 "$T/kpod.diff")"
	local R=$T/kpod-repo name
	git init -q "$R" && git -C "$R" -c user.name=t -c user.email=t@localhost commit -q --allow-empty -m init
	"$SC" propose --repo "$R" --observed "$S" --profiles-format both --branch syscensus/k8s \
		--body-file "$T/kpod.md" >"$T/kpod.prop" 2>&1; rc=$?
	name=$(basename "${p%.json}")
	git -C "$R" show "syscensus/k8s:seccomp/$name.yaml" >"$T/kpod-pr.yaml" 2>>"$T/kpod.prop"
	[ $rc = 0 ] && grep -q "Runs in: shop/Deployment/web" "$T/kpod.md" && grep -q '^kind: "SeccompProfile"' "$T/kpod-pr.yaml" &&
		pass k8s_propose_commits_crd_and_names_workload ||
		fail k8s_propose_commits_crd_and_names_workload "exit $rc: $(cat "$T/kpod.prop"; head -n 12 "$T/kpod.md")"
	# the learned profile, enforced by containerd, starts the pod's container again
	out=$(ctrk run --seccomp --seccomp-profile "$p" --cgroup "/kubepods/besteffort/pod$POD_UID/$id" \
		"docker.io/library/$DBB" "$id" sh -c "$W_BB" 2>&1); rc=$?
	ctrk container rm "$id" >/dev/null 2>&1
	k8s_cgroup_cleanup
	[ $rc = 0 ] && [[ $out == *bb-ok* ]] && pass k8s_containerd_enforces_profile ||
		fail k8s_containerd_enforces_profile "exit $rc, expected 0 and bb-ok: $out"
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
}

# podman's arguments for the DaemonSet's pod, read from deploy/kubernetes/daemonset.yaml:
# host PID, read-only root, its capabilities, no_new_privs, its Localhost seccomp profile,
# every volume mounted where the manifest mounts it, its args; the host side of each volume
# given by $1 (a JSON object of host path -> test path), the rest appended to the args.
daemonset_podman_args() {
	python3 - "$@" <<-'EOF'
	import json, sys, yaml
	remap = json.loads(sys.argv[1])
	extra = sys.argv[2:]
	ds = yaml.safe_load(open("deploy/kubernetes/daemonset.yaml"))
	pod = ds["spec"]["template"]["spec"]
	c = pod["containers"][0]
	sc = c["securityContext"]
	out = []
	if pod.get("hostPID"):
	    out.append("--pid=host")
	if sc.get("readOnlyRootFilesystem"):
	    out.append("--read-only")
	if sc.get("allowPrivilegeEscalation") is False:
	    out += ["--security-opt", "no-new-privileges"]
	assert not sc.get("privileged")
	if "ALL" in sc["capabilities"].get("drop", []):
	    out.append("--cap-drop=all")
	out += ["--cap-add=" + ",".join("CAP_" + x for x in sc["capabilities"]["add"])]
	prof = sc["seccompProfile"]
	assert prof["type"] == "Localhost"
	out += ["--security-opt", "seccomp=deploy/seccomp/" + prof["localhostProfile"].split("/", 1)[1]]
	# as Kubernetes on cgroup v2: a cgroup namespace of its own
	out.append("--cgroupns=private")
	vols = {v["name"]: v["hostPath"]["path"] for v in pod["volumes"]}
	for m in c["volumeMounts"]:
	    host = remap.get(vols[m["name"]], vols[m["name"]])
	    out += ["-v", "%s:%s%s" % (host, m["mountPath"], ":ro" if m.get("readOnly") else "")]
	out += ["--entrypoint", c["command"][0]]
	print("\0".join(out + ["IMAGE"] + c["args"] + extra), end="")
	EOF
}

# The agent's image, run as the DaemonSet runs it, profiles podman, Docker and containerd
# containers; stopped (SIGTERM) and started again, it loses none of the calls made meanwhile.
t_k8s_daemonset_pod() {
	local S=$T/dspod P=$T/dsprof name=syscensus-test-agent-$$ port out rc i p remap
	local -a args
	command -v ctr >/dev/null || { skip k8s_daemonset_pod "ctr is not installed"; return; }
	k8s_ctr_images || { fail k8s_containerd_import "ctr image import of $DBB failed"; return; }
	out=$(bash deploy/image/build.sh "$SC" "$AGENT_IMG" 2>&1) && pass "k8s_image_builds_offline (${out#image: })" ||
		{ fail k8s_image_builds_offline "$out"; return; }
	# FROM scratch: the binary, its libraries and the loader only
	out=$(podman image inspect --format '{{.Config.Entrypoint}} {{len .RootFS.Layers}}' "$AGENT_IMG" 2>&1)
	[ "$out" = "[/syscensus] 1" ] && pass k8s_image_from_scratch || fail k8s_image_from_scratch "got '$out', expected '[/syscensus] 1'"
	mkdir -p "$S" "$P"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	remap=$(python3 -c 'import json,sys; print(json.dumps({"/var/lib/syscensus": sys.argv[1], "/var/lib/kubelet/seccomp/syscensus": sys.argv[2],
		"/run/containerd/io.containerd.runtime.v2.task": sys.argv[3] + "/exec/containerd/daemon/io.containerd.runtime.v2.task",
		"/var/lib/docker/containers": sys.argv[3] + "/data/containers", "/var/lib/docker/image": sys.argv[3] + "/data/image"}))' "$S" "$P" "$DK")
	mkdir -p "$DK/data/image" "$DK/exec/containerd/daemon/io.containerd.runtime.v2.task"
	# the test's places: its pin dir, a port on the host network to probe /healthz from here,
	# Docker's and containerd's roots of this test's daemon (mounted there by the remap)
	mapfile -d '' args < <(daemonset_podman_args "$remap" --pin-dir "$PIN-pod" --interval 1 --metrics "127.0.0.1:$port" \
		--docker-root /var/lib/docker --bundle-root "/run/containerd/io.containerd.runtime.v2.task/$KCTR_NS")
	[ "${#args[@]}" -gt 20 ] || { fail k8s_daemonset_args "could not read the DaemonSet: ${args[*]}"; k8s_pod_cleanup; return; }
	for i in "${!args[@]}"; do [ "${args[$i]}" = IMAGE ] && args[$i]=$AGENT_IMG; done
	# the sanitizer build's runtime makes calls of its own that the profile, recorded from
	# the plain build, does not allow: that build runs the pod without it
	local confined="confinement: capabilities CAP_DAC_READ_SEARCH; no_new_privs; seccomp filter"
	if [[ $BUILD == *asan* ]]; then
		for i in "${!args[@]}"; do [[ ${args[$i]} == seccomp=deploy/* ]] && args[$i]=seccomp=unconfined; done
		confined="confinement: capabilities CAP_DAC_READ_SEARCH; no_new_privs"
		skip k8s_daemonset_pod_under_its_profile "the sanitizer build runs the pod without its Localhost profile (ASan's runtime makes calls the agent does not)"
	fi
	ds_start() {
		podman rm -f -t 0 "$name" >/dev/null 2>&1
		podman run -d --name "$name" --network=host "${args[@]}" >"$T/dspod.id" 2>&1 || return 1
		for _ in $(seq 100); do
			[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 200 ] && return 0
			sleep 0.2
		done
		return 1
	}
	if ! ds_start; then
		fail k8s_daemonset_pod_starts "$(cat "$T/dspod.id"; podman logs "$name" 2>&1 | tail -n 5)"
		k8s_pod_cleanup
		return
	fi
	pass k8s_daemonset_pod_starts
	out=$(podman logs "$name" 2>&1)
	[[ $out == *"$confined"* ]] &&
		pass k8s_daemonset_pod_confined || fail k8s_daemonset_pod_confined "$out"
	# workloads: podman, Docker, and containerd (a pod's container)
	prun --rm "$BB" sh -c "$W_BB" >"$T/ds-w.out" 2>&1
	dk run --rm --network=none "$DBB" sh -c "$W_BB" >>"$T/ds-w.out" 2>&1
	ctr_pod "$(printf 'c%.0s' $(seq 64))" "$(printf 'd%.0s' $(seq 64))" api-6f7c9d8b5-k2m4p sh -c "$W_BB; sleep 3" >>"$T/ds-w.out" 2>&1 &
	local ctrpid=$!
	sleep 2
	# the info series joins the image to the pod, as Prometheus would scrape it
	curl -s "http://127.0.0.1:$port/metrics" >"$T/ds.prom"
	wait "$ctrpid"
	grep -q '^syscensus_container_info{.*,namespace="shop",pod="api-6f7c9d8b5-k2m4p",workload="Deployment/api"} 1$' "$T/ds.prom" &&
		pass k8s_metrics_info_names_pod ||
		fail k8s_metrics_info_names_pod "no info series with namespace=shop, pod, workload: $(grep '^syscensus_container_info' "$T/ds.prom")"
	ctr_pod_rm "$(printf 'c%.0s' $(seq 64))" "$(printf 'c%.0s' $(seq 64))" "$(printf 'd%.0s' $(seq 64))"
	[ "$(grep -c bb-ok "$T/ds-w.out")" = 3 ] || fail k8s_daemonset_workloads_run "$(cat "$T/ds-w.out")"
	# stopped as kubelet stops it, while a container runs on and makes 777 sysinfo calls
	# (tests/progs/marker) before the agent is started again
	local F=$T/dsflag cid
	mkdir -p "$F"
	cid=$(podman run -d --network=none -v "$F:/flag" -v "$(realpath "$BUILD/tests/marker"):/marker:ro" "$BB" sh -c \
		'while [ ! -e /flag/go ]; do sleep 0.1; done; /marker 777 && touch /flag/done; while [ ! -e /flag/end ]; do sleep 0.1; done' 2>&1)
	sleep 1.5
	podman stop -t 20 "$name" >/dev/null 2>&1
	out=$(podman inspect --format '{{.State.ExitCode}}' "$name" 2>&1)
	[ "$out" = 0 ] && pass k8s_daemonset_pod_sigterm_exit_0 || fail k8s_daemonset_pod_sigterm_exit_0 "exit $out: $(podman logs "$name" 2>&1 | tail -n 3)"
	touch "$F/go"
	for _ in $(seq 100); do [ -e "$F/done" ] && break; sleep 0.1; done
	[ -e "$F/done" ] || fail k8s_daemonset_marker "the marker did not run in container $cid"
	ds_start || fail k8s_daemonset_pod_restarts "$(podman logs "$name" 2>&1 | tail -n 5)"
	touch "$F/end"
	timeout 30 podman wait "$cid" >/dev/null 2>&1
	podman rm -f -t 0 "$cid" >/dev/null 2>&1
	sleep 2.5
	podman stop -t 20 "$name" >/dev/null 2>&1
	podman logs "$name" >"$T/dspod.log" 2>&1
	podman rm -f -t 0 "$name" >/dev/null 2>&1
	"$SC" unload --pin-dir "$PIN-pod" >/dev/null 2>&1
	# each engine's container has its image's profile, written by the agent in its container
	out=$(for img in "$BB" "docker.io/library/$DBB"; do p=$(profile_of "$P" "$img"); [ -s "$p" ] || echo "missing $p"; done)
	[ -z "$out" ] && pass k8s_daemonset_profiles_podman_docker_containerd ||
		fail k8s_daemonset_profiles_podman_docker_containerd "$out; in $P: $(ls "$P")"
	python3 - "$S/state.json" "$BB" <<-'EOF' >"$T/ds.res" 2>&1
	import json, sys
	st = json.load(open(sys.argv[1]))
	im = {i["image"]: i for i in st["images"]}
	pods = sorted(c["pod"]["name"] for i in im.values() for c in i["containers"] if "pod" in c and not i["image"].startswith("unknown/"))
	m = im.get(sys.argv[2], {})
	si = sum(c[3] for c in m.get("calls", []) if c[2] == 99 and c[1] == 0)
	print(" ".join(pods) or "-", si, m.get("uncounted", 0), m.get("containers_total", 0))
	EOF
	read -r out si un n <"$T/ds.res"
	[ "$out" = api-6f7c9d8b5-k2m4p ] && pass k8s_daemonset_pod_names_pod || fail k8s_daemonset_pod_names_pod "pods: $(cat "$T/ds.res")"
	# the marker's 777 sysinfo calls, made while no agent ran: counted exactly (busybox makes
	# none itself), none without a counter of its own
	if [ "${n:-0}" -ge 2 ] && [ "${si:-0}" = 777 ] && [ "${un:-0}" = 0 ]; then
		pass "k8s_daemonset_restart_loses_no_call ($si counted + ${un:-0} uncounted for 777 made)"
	else
		fail k8s_daemonset_restart_loses_no_call "sysinfo of $BB: got $si counted, ${un:-0} uncounted in ${n:-0} containers; expected 777 made"
	fi
	# what its own filter refused, the agent says in its log (and counts in status)
	grep -q "own seccomp filter refused" "$T/dspod.log" &&
		fail k8s_daemonset_own_filter_refused_nothing "$(grep "own seccomp filter refused" "$T/dspod.log")" ||
		pass k8s_daemonset_own_filter_refused_nothing
	k8s_pod_cleanup
}

# what the DaemonSet test may leave: the agent's container, its image, its pin dir
k8s_pod_cleanup() {
	podman rm -f -t 0 "syscensus-test-agent-$$" >/dev/null 2>&1
	podman rmi -f "$AGENT_IMG" >/dev/null 2>&1
	"$SC" unload --pin-dir "$PIN-pod" >/dev/null 2>&1
	true
}

# The pod cgroups ctr was given: runc removes the container's, not the pod's and the QoS
# class's above it. Removed in every hierarchy (cgroup v1 controllers and v2) innermost
# first, /kubepods itself only when the tests made it.
k8s_cgroup_cleanup() {
	local m
	for m in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
		[ -d "$m/kubepods/besteffort/pod$POD_UID" ] && find "$m/kubepods/besteffort/pod$POD_UID" -depth -type d -exec rmdir {} + 2>/dev/null
		if [ -z "${KUBEPODS_BEFORE:-}" ]; then
			[ -d "$m/kubepods" ] && find "$m/kubepods" -depth -type d -exec rmdir {} + 2>/dev/null
		fi
	done
	true
}

# diff --deployed on a CRI-O node (its on-disk state: CRI-O cannot run here): containers/
# storage's containers.json names the image, the bundle under overlay-containers/ the pod;
# the Localhost profile it asked for is read from the kubelet's directory and evaluated
# when the bundle holds none, the pod found Unconfined, its sandbox left out.
t_k8s_crio_deployed() {
	local pb id sb CS=$T/crio-storage B=$T/crio-storage/overlay-containers K=$T/kubelet cg mnt rc out p1 p2
	pb=$(profile_of "$T/ag1/profiles" "$BB")
	[ -f "$pb" ] || { skip k8s_crio_deployed "no busybox profile from agent_containers"; return; }
	mkdir -p "$K/syscensus"
	without "$pb" mkdir "$K/syscensus/bb-strict.json"
	id=$(printf 'e%.0s' $(seq 64)); sb=$(printf 'f%.0s' $(seq 64))
	mkdir -p "$B/$id/userdata" "$B/$sb/userdata"
	python3 - "$B" "$id" "$sb" "$BB" <<-'EOF'
	import json, sys
	b, cid, sb, img = sys.argv[1:5]
	pod = {"io.kubernetes.pod.namespace": "shop", "io.kubernetes.pod.name": "cart-0",
	       "io.kubernetes.pod.uid": "3c2b1a00-0000-4000-8000-000000000001", "io.kubernetes.cri-o.SandboxID": sb}
	ctr = dict(pod, **{"io.kubernetes.cri-o.ContainerType": "container", "io.kubernetes.cri-o.ImageName": img,
	                   "io.kubernetes.container.name": "cart",
	                   "io.kubernetes.cri-o.SeccompProfilePath": "localhost/syscensus/bb-strict.json"})
	pause = dict(pod, **{"io.kubernetes.cri-o.ContainerType": "sandbox", "io.kubernetes.cri-o.ImageName": "registry.k8s.io/pause:3.9"})
	for i, ann in ((cid, ctr), (sb, pause)):
	    json.dump({"ociVersion": "1.0.2", "process": {"args": ["sleep"]}, "annotations": ann},
	              open("%s/%s/userdata/config.json" % (b, i), "w"))
	# containers/storage's record of both, as CRI-O writes it (metadata: a JSON string)
	json.dump([{"id": i, "names": [n], "image": "ab" * 32,
	            "metadata": json.dumps({"image-name": im, "name": n, "pod-name": "cart-0", "pod-id": sb})}
	           for i, n, im in ((cid, "k8s_cart_cart-0_shop_3c2b_0", img), (sb, "k8s_POD_cart-0_shop_3c2b_0", "registry.k8s.io/pause:3.9"))],
	          open(b + "/containers.json", "w"))
	EOF
	# their processes, in cgroups named as CRI-O names them (no filter: CRI-O did not run them)
	mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	cg=$mnt/syscensus-test-$$-crio
	mkdir -p "$cg/crio-$id.scope" "$cg/crio-$sb.scope"
	sh -c 'echo $$ > "$1/cgroup.procs" && exec sleep 30' sh "$cg/crio-$id.scope" & p1=$!
	sh -c 'echo $$ > "$1/cgroup.procs" && exec sleep 30' sh "$cg/crio-$sb.scope" & p2=$!
	sleep 0.3
	"$SC" diff --observed "$T/ag1" --deployed --storage-root "$CS" --bundle-root "$T/no-bundles" \
		--kubelet-seccomp-root "$K" --format json >"$T/crio-dep.json" 2>"$T/crio-dep.err"; rc=$?
	"$SC" diff --observed "$T/ag1" --deployed --storage-root "$CS" --bundle-root "$T/no-bundles" \
		--kubelet-seccomp-root "$K" >"$T/crio-dep.txt" 2>&1
	kill "$p1" "$p2" 2>/dev/null
	wait "$p1" "$p2" 2>/dev/null
	rmdir "$cg/crio-$id.scope" "$cg/crio-$sb.scope" "$cg" 2>/dev/null
	out=$(python3 - "$T/crio-dep.json" "$id" "$sb" "$K/syscensus/bb-strict.json" <<-'EOF' 2>&1
	import json, sys
	d = {x["container"]: x for x in json.load(open(sys.argv[1]))["deployed"]}
	x = d[sys.argv[2]]
	assert sys.argv[3] not in d, "the sandbox is reported"
	assert x["pod"] == {"namespace": "shop", "name": "cart-0", "uid": "3c2b1a00-0000-4000-8000-000000000001",
	                    "workload": "StatefulSet/cart"}, x.get("pod")
	assert x["name"] == "cart" and x["requested_profile"] == sys.argv[4] and x["profile"] == sys.argv[4], x
	assert x["seccomp"] == "none" and [b["syscall"] for b in x["breaking"]] == ["mkdir"], x
	EOF
	)
	[ $rc = 1 ] && [ -z "$out" ] && pass k8s_crio_deployed_localhost_profile ||
		fail k8s_crio_deployed_localhost_profile "exit $rc (expected 1): $out $(cat "$T/crio-dep.err")"
	grep -q "^pods running Unconfined: shop/cart-0 (cart)$" "$T/crio-dep.txt" && pass k8s_deployed_names_unconfined_pods ||
		fail k8s_deployed_names_unconfined_pods "expected 'pods running Unconfined: shop/cart-0 (cart)': $(tail -n 3 "$T/crio-dep.txt")"
}
