# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Faults the agent must survive with nothing lost, sourced by tests/run (root): its state
# directory full or read-only during saves, runtime state files that are FIFOs, symlinks,
# huge, truncated or rewritten under the reader, its pinned recorder removed by someone
# else, and a container that holds thousands of cgroups. Each gives a clear message, the
# previous state file intact, and counting that goes on. Containers are cgroups named like
# Docker's, with a config.v2.json in a Docker data root of the test's (tests/agent.sh does
# the same with real engines); the sample's calls are known (one sysinfo per run).

FDOCK=
# a "container" of image $2 with id $1 (hex): its runtime state, its cgroup; the sample runs $3 times in it
# an image id of its own per image name (names of one id share one profile)
fimg_id() { printf %s "$1" | sha256sum | cut -c1-64; }
fctr_state() {	# id image
	mkdir -p "$FDOCK/containers/$1"
	printf '{"Image":"sha256:%s","Name":"/f%s","Config":{"Image":"%s"}}\n' "$(fimg_id "$2")" "${1: -4}" "$2" \
		>"$FDOCK/containers/$1/config.v2.json"
}
fctr_run() {	# id times: the sample in the container's cgroup, then the cgroup removed
	local c=$CGT/docker-$1.scope
	mkdir -p "$c" || return 1
	sh -c 'echo $$ > "$1/cgroup.procs" && for i in $(seq "$2"); do "$3" >/dev/null || exit 1; done' sh "$c" "$2" "$SAMPLE" || return 1
	rmdir "$c"
}
fid() { printf '%064x' $((0xfa000 + $1)); }
# sysinfo calls of image $1 (as Docker names it: docker.io/ added) in state dir $2 ("none" when absent)
fsysinfo() {
	"$SC" status --state-dir "$2" --json 2>/dev/null | python3 -c 'import json,sys
im={i["image"]: i for i in json.load(sys.stdin)["images"]}
i=im.get("docker.io/" + sys.argv[1])
print(i["syscalls"]["SCMP_ARCH_X86_64"].get("sysinfo", {"count": 0})["count"] if i else "none")' "$1"
}

t_faults() {
	local S=$T/fstate pin_saved=$PIN mnt out rc n id tail0
	mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	CGT=$mnt/syscensus-test-faults-$$
	FDOCK=$T/fdock
	mkdir -p "$S" "$FDOCK/containers" "$CGT"
	mount -t tmpfs -o size=1m syscensus-test-fstate "$S" || { skip faults "cannot mount a tmpfs"; return; }
	PIN=$PIN-faults
	if ! agent_start "$S" --interval 1 --docker-root "$FDOCK"; then
		fail faults_agent_start "$(tail -5 "$S.log")"
		umount "$S"; PIN=$pin_saved; return
	fi
	fctr_state "$(fid 1)" fault/before:1 && fctr_run "$(fid 1)" 1
	sleep 1.5

	# 1. the state directory's filesystem full during saves
	dd if=/dev/zero of="$S/filler" bs=4k >/dev/null 2>&1
	fctr_state "$(fid 2)" fault/while-full:1 2>/dev/null
	fctr_run "$(fid 2)" 2
	sleep 3
	n=$(grep -c "cannot write $S/state.json: No space left on device; the previous state file is left as it was" "$S.log")
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$S/state.json" 2>/dev/null && [ "$n" = 1 ] &&
		[ "$(fsysinfo fault/before:1 "$S")" = 1 ] && ! ls "$S"/state.json.tmp.* >/dev/null 2>&1 &&
		pass "faults_disk_full_said_once_state_intact" ||
		fail faults_disk_full_said_once_state_intact "message $n times (expected 1), state: $(fsysinfo fault/before:1 "$S") sysinfo of fault/before:1 (expected 1), temp files: $(ls "$S" | tr '\n' ' ')"
	rm -f "$S/filler"
	sleep 2.5
	grep -q "$S/state.json written again, after [0-9]* failed saves" "$S.log" &&
		[ "$(fsysinfo fault/while-full:1 "$S")" = 2 ] && pass "faults_disk_full_nothing_lost (2 calls counted while full)" ||
		fail faults_disk_full_nothing_lost "sysinfo of fault/while-full:1: got $(fsysinfo fault/while-full:1 "$S"), expected 2; $(grep -c 'written again' "$S.log") recovery messages"

	# 2. read-only: a read-only bind mount over it (a remount would wait for the agent's lock file)
	mount --bind "$S" "$S" && mount -o remount,bind,ro "$S" || fail faults_read_only "cannot make $S read-only"
	fctr_state "$(fid 3)" fault/while-ro:1 && fctr_run "$(fid 3)" 1
	sleep 2.5
	grep -q "cannot write $S/state.json: Read-only file system" "$S.log" && kill -0 "$AGENT_PID" 2>/dev/null &&
		pass faults_read_only_said || fail faults_read_only_said "$(tail -3 "$S.log")"
	umount "$S"	# the bind mount: read-write again
	sleep 2.5
	[ "$(fsysinfo fault/while-ro:1 "$S")" = 1 ] && pass faults_read_only_nothing_lost ||
		fail faults_read_only_nothing_lost "sysinfo of fault/while-ro:1: got $(fsysinfo fault/while-ro:1 "$S"), expected 1"

	# 3. runtime state files: a FIFO, a symlink, a huge file, a truncated one, one rewritten under the reader
	id=$(fid 4)
	mkdir -p "$FDOCK/containers/$id" && mkfifo "$FDOCK/containers/$id/config.v2.json"
	mkdir -p "$CGT/docker-$id.scope"
	sh -c 'echo $$ > "$1/cgroup.procs" && "$2" >/dev/null && exec sleep 4' sh "$CGT/docker-$id.scope" "$SAMPLE" &
	local keep=$!
	sleep 1.5
	grep -q "containers/$id/config.v2.json: not a regular file" "$S.log" && pass faults_fifo_refused_not_blocking ||
		fail faults_fifo_refused_not_blocking "$(grep -c "$id" "$S.log") lines name it; last: $(tail -2 "$S.log")"
	# the runtime writes it properly afterwards: attributed while the container lives, nothing lost
	rm -f "$FDOCK/containers/$id/config.v2.json" && fctr_state "$id" fault/fifo-then-file:1
	sleep 1.5
	kill "$keep" 2>/dev/null; wait "$keep" 2>/dev/null; rmdir "$CGT/docker-$id.scope"
	id=$(fid 5)
	fctr_state "$(fid 50)" fault/link-target:1
	mkdir -p "$FDOCK/containers/$id" && ln -s "$FDOCK/containers/$(fid 50)/config.v2.json" "$FDOCK/containers/$id/config.v2.json"
	fctr_run "$id" 1
	id=$(fid 6)
	mkdir -p "$FDOCK/containers/$id"
	{ printf '{"Image":"sha256:%s","Config":{"Image":"fault/huge:1"},"Pad":"' "$(fimg_id fault/huge:1)"
	  head -c $((5 << 20)) /dev/zero | tr '\0' a; printf '"}\n'; } >"$FDOCK/containers/$id/config.v2.json"
	fctr_run "$id" 1
	rm -f "$FDOCK/containers/$id/config.v2.json"
	id=$(fid 7)
	mkdir -p "$FDOCK/containers/$id"
	printf '{"Image":"sha256:%s","Config":{"Ima' "$(printf 'fa%.0s' $(seq 32))" >"$FDOCK/containers/$id/config.v2.json"
	fctr_run "$id" 1
	# rewritten in place (not renamed), truncated and complete in turn, while the agent reads it
	id=$(fid 8)
	fctr_state "$id" fault/rewritten:1
	( end=$((SECONDS + 3)); while [ $SECONDS -lt $end ]; do
		printf '{"Image":"sha' >"$FDOCK/containers/$id/config.v2.json"; fctr_state "$id" fault/rewritten:1; done ) &
	local rw=$!
	# the container lives on past the rewrites: it is attributed from the file as it ends, with all its calls
	mkdir -p "$CGT/docker-$id.scope"
	sh -c 'echo $$ > "$1/cgroup.procs" && for i in 1 2 3; do "$2" >/dev/null; done; exec sleep 5' sh "$CGT/docker-$id.scope" "$SAMPLE" &
	keep=$!
	wait "$rw"
	sleep 2.5
	kill "$keep" 2>/dev/null; wait "$keep" 2>/dev/null; rmdir "$CGT/docker-$id.scope"
	sleep 1.5
	grep -q "containers/$(fid 5)/config.v2.json: a symbolic link (refused" "$S.log" &&
		grep -q "containers/$(fid 6)/config.v2.json: .*larger than" "$S.log" &&
		grep -q "containers/$(fid 7)/config.v2.json: " "$S.log" && pass faults_bad_runtime_files_named ||
		fail faults_bad_runtime_files_named "symlink/huge/truncated messages: $(grep -c "$(fid 5)/config" "$S.log")/$(grep -c "$(fid 6)/config" "$S.log")/$(grep -c "$(fid 7)/config" "$S.log")"
	out="$(fsysinfo fault/fifo-then-file:1 "$S") $(fsysinfo fault/link-target:1 "$S") $(fsysinfo fault/huge:1 "$S")"
	[ "$out" = "1 none none" ] && kill -0 "$AGENT_PID" 2>/dev/null && pass faults_bad_runtime_files_not_attributed ||
		fail faults_bad_runtime_files_not_attributed "sysinfo of fifo-then-file, link-target, huge: got '$out', expected '1 none none' (agent alive: $(kill -0 "$AGENT_PID" 2>/dev/null && echo yes || echo no))"
	n=$(fsysinfo fault/rewritten:1 "$S")
	[ "$n" = 3 ] && kill -0 "$AGENT_PID" 2>/dev/null && pass "faults_rewritten_under_reader (3 sysinfo, attributed once the file was whole)" ||
		fail faults_rewritten_under_reader "got $n sysinfo calls for fault/rewritten:1, expected 3"

	# 4. the pinned recorder removed by someone else: counting goes on, said once
	rm -rf "${PIN:?}"
	fctr_state "$(fid 9)" fault/unpinned:1 && fctr_run "$(fid 9)" 2
	sleep 2.5
	[ "$(grep -c "the pinned recorder in $PIN was removed" "$S.log")" = 1 ] && [ "$(fsysinfo fault/unpinned:1 "$S")" = 2 ] &&
		pass faults_pins_removed_counting_goes_on ||
		fail faults_pins_removed_counting_goes_on "$(grep -c "was removed" "$S.log") warnings (expected 1); sysinfo of fault/unpinned:1: $(fsysinfo fault/unpinned:1 "$S") (expected 2)"

	# 5. a container that holds thousands of cgroups: the table fills, the agent goes on, slots come back
	local before
	before=$("$SC" status --state-dir "$S" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["recorder"]["tracked"])')
	id=$(fid 10)
	fctr_state "$id" fault/many-cgroups:1
	mkdir -p "$CGT/docker-$id.scope"
	(cd "$CGT/docker-$id.scope" && for i in $(seq 3000); do mkdir "c$i"; done)
	sleep 2.5
	"$SC" status --state-dir "$S" --json >"$T/fmany.json" 2>/dev/null
	rc=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["recorder"]; print(r["table_full"] + r["untracked"] > 0, r["tracked"] >= r["capacity"] * 0.9)' "$T/fmany.json" 2>&1)
	find "$CGT/docker-$id.scope" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
	rmdir "$CGT/docker-$id.scope"
	sleep 2.5
	n=$("$SC" status --state-dir "$S" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["recorder"]["tracked"])')
	fctr_state "$(fid 11)" fault/after-many:1 && fctr_run "$(fid 11)" 1
	sleep 1.5
	[ "$rc" = "True True" ] && [ "$n" = "$before" ] && [ "$(fsysinfo fault/after-many:1 "$S")" = 1 ] &&
		pass "faults_thousands_of_cgroups (table full reported, back to $before tracked after, next container counted)" ||
		fail faults_thousands_of_cgroups "table full, table filled: $rc (expected True True); tracked after removal: $n (expected $before as before); next container: $(fsysinfo fault/after-many:1 "$S") sysinfo (expected 1)"

	agent_stop_ok faults_sigterm_exit_0 "$S.log"
	"$SC" unload --pin-dir "$PIN" >/dev/null 2>&1
	PIN=$pin_saved
	umount "$S"
	find "$CGT" -depth -type d -exec rmdir {} + 2>/dev/null
	CGT=
}
