# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Real servers, sourced by tests/run after tests/engines.sh (root only): nginx, redis and memcached
# packed FROM scratch with the libraries ldd lists, learned by `record -- ENGINE run` under podman
# and under Docker, each with and without no-new-privileges, then started under each of the 4
# profiles on both engines in both modes with a client load: 16 combinations per server, every
# one must start and serve with no client error. Argument rules are on (the default).

# server name, the binaries to pack (from the host), the workload: start it, load it, stop it
SRV_NAMES=(nginx redis memcached)
declare -A SRV_BINS=(
	[nginx]=/usr/sbin/nginx
	[redis]="/usr/bin/redis-server /usr/bin/redis-cli"
	[memcached]=/usr/bin/memcached
)
declare -A SRV_LOAD=(
	[nginx]="$W_NGX && echo srv-ok"
	[redis]='redis-server --daemonize yes --save "" --appendonly no --pidfile /tmp/redis.pid --bind 127.0.0.1 --port 6379 >/dev/null && sleep 0.5 &&
		redis-cli -h 127.0.0.1 set k hello-redis >/dev/null && redis-cli -h 127.0.0.1 lpush l a b c >/dev/null &&
		[ "$(redis-cli -h 127.0.0.1 get k)" = hello-redis ] && [ "$(redis-cli -h 127.0.0.1 llen l)" = 3 ] &&
		redis-cli -h 127.0.0.1 shutdown nosave; sleep 0.2; echo srv-ok'
	[memcached]='memcached -u root -d -l 127.0.0.1 -p 11211 && sleep 0.5 &&
		printf "set k 0 0 5\r\nhello\r\nget k\r\nquit\r\n" | nc 127.0.0.1 11211 | grep -q "^VALUE k 0 5" &&
		killall memcached && sleep 0.2 && echo srv-ok'
)

# $1 server: its root filesystem (binaries, libraries, busybox), imported into podman and Docker
server_image() {
	local s=$1 r=$T/srv-$1 b l
	[ -e "$r/.done" ] && return 0
	mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/www" "$r/etc/nginx" || return 1
	for b in ${SRV_BINS[$s]}; do
		[ -x "$b" ] || return 1
		cp "$b" "$r/bin/" || return 1
		for l in $(ldd "$b" | grep -oE '/[^ ]+'); do mkdir -p "$r$(dirname "$l")" && cp -L "$l" "$r$l"; done
	done
	cp "$(command -v busybox)" "$r/bin/busybox" && "$r/bin/busybox" --install -s "$r/bin" 2>/dev/null
	for l in "$r"/bin/*; do [ -L "$l" ] && ln -sf busybox "$l"; done
	echo 'root:x:0:0:root:/:/bin/sh' >"$r/etc/passwd"
	echo 'root:x:0:' >"$r/etc/group"
	if [ "$s" = nginx ]; then
		echo hello-from-nginx >"$r/www/index.html"
		podman run --rm --network=none "$NGX" cat /etc/nginx/nginx.conf >"$r/etc/nginx/nginx.conf" 2>/dev/null || return 1
	fi
	tar -C "$r" -c . | podman import -q - "localhost/syscensus-srv-$s:1" >/dev/null || return 1
	tar -C "$r" -c . | dk import - "syscensus-srv-$s:1" >/dev/null || return 1
	touch "$r/.done"
}

# $1 engine (podman, docker), $2 nnp or "", $3 server, then what follows `run`'s options
srv_run() {
	local eng=$1 nnp=${2:+--security-opt=no-new-privileges} s=$3
	shift 3
	if [ "$eng" = podman ]; then
		timeout 90 podman run --rm --network=none $nnp "$@" "localhost/syscensus-srv-$s:1" sh -c "${SRV_LOAD[$s]}"
	else
		dk run --rm --network=none $nnp "$@" "syscensus-srv-$s:1" sh -c "${SRV_LOAD[$s]}"
	fi
}

t_servers_matrix() {
	local s learn eng nnp p out ok runs failed n args
	for s in "${SRV_NAMES[@]}"; do
		if ! server_image "$s"; then
			skip "servers_$s" "cannot pack ${SRV_BINS[$s]} (bash .ci/deps installs it)"
			continue
		fi
		ok=0 runs=0 failed=
		for learn in podman podman-nnp docker docker-nnp; do
			p=$T/srv-$s-$learn.json
			nnp=; [[ $learn == *-nnp ]] && nnp=1
			out=$(record_server "${learn%-nnp}" "$nnp" "$s" "$p" 2>&1)
			[[ $out == *srv-ok* ]] || { failed+="learn $learn: $(echo "$out" | tail -n 2); "; continue; }
			for eng in podman docker; do
				for nnp in "" 1; do
					runs=$((runs + 1))
					out=$(srv_run "$eng" "$nnp" "$s" --security-opt "seccomp=$p" 2>&1)
					if [[ $out == *srv-ok* ]]; then
						ok=$((ok + 1))
					else
						failed+="learned $learn, run on $eng${nnp:+ nnp}: $(echo "$out" | tail -n 1); "
					fi
				done
			done
		done
		p=$T/srv-$s-docker.json
		n=$(names "$p" 2>/dev/null | wc -l)
		args=$(python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1]))["syscalls"] if "args" in r))' "$p" 2>/dev/null)
		[ "$ok" = 16 ] && [ "$runs" = 16 ] &&
			pass "servers_$s (16/16 start and serve; $n names, $args argument rules, learned under Docker)" ||
			fail "servers_$s" "$ok of $runs combinations started and served: $failed"
	done
}

# $1 engine, $2 nnp or "", $3 server, $4 profile: the container's profile, learned under a client load
record_server() {
	local eng=$1 nnp=${2:+--security-opt=no-new-privileges} s=$3 p=$4
	if [ "$eng" = podman ]; then
		"$SC" record -o "$p" -- podman run --rm --network=none $nnp "localhost/syscensus-srv-$s:1" sh -c "${SRV_LOAD[$s]}"
	else
		"$SC" record -o "$p" --docker-root "$DK/data" -- docker -H "unix://$DK/sock" run --rm --network=none $nnp \
			"syscensus-srv-$s:1" sh -c "${SRV_LOAD[$s]}"
	fi
}

server_cleanup() {
	local s
	for s in "${SRV_NAMES[@]}"; do podman rmi -f "localhost/syscensus-srv-$s:1" >/dev/null 2>&1; done
	true
}
