#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# What serving metrics costs for IMAGES images (default 1000) of NAMES syscalls each (80, a
# real server's profile): a state file of that size is served by `syscensus metrics
# --listen` (the code `agent --metrics` runs: render once per fold, hand the buffer out per
# scrape), scraped SCRAPES times; the CPU time of the serving process comes from
# /proc/PID/stat. Prints the series per image, the exposition's size, the render time and
# the CPU per scrape, side by side with curl's own CPU per scrape.
#   bash tests/metrics_bench.sh [IMAGES [SCRAPES]]	(make bench-metrics)
set -eu -o pipefail
SC=${SC:-build/syscensus}
IMAGES=${1:-1000}
SCRAPES=${2:-50}
NAMES=80
D=$(mktemp -d /tmp/syscensus-mbench.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$D"' EXIT
python3 - "$D/state.json" "$IMAGES" "$NAMES" <<'PY'
import json, sys, time
t = int(time.time())
n_img, n_names = int(sys.argv[2]), int(sys.argv[3])
images = []
for i in range(n_img):
    calls = [[1, 0, nr, 1000 + nr * 7 + i, t - 86400, t] for nr in range(n_names)]
    images.append({"image": "registry.example.com/team%d/service-%d:1.%d" % (i % 37, i, i % 9),
                   "first_seen": t - 86400, "last_seen": t, "containers_total": 3 + i % 5,
                   "containers": [{"id": ("%064x" % (i * 7919 + 1)), "name": "svc-%d" % i,
                                   "first_seen": t - 86400, "last_seen": t}], "calls": calls})
json.dump({"format": "syscensus-state", "version": 1, "started": t - 86400, "saved": t, "images": images},
          open(sys.argv[1], "w"))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }	# utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
t0=$(date +%s%N)
"$SC" metrics --state-dir "$D" >"$D/once.prom"
t1=$(date +%s%N)
"$SC" metrics --state-dir "$D" --listen "127.0.0.1:$port" --interval 86400 2>"$D/log" &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
before=$(cpu $PID)
c0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
s0=$(date +%s%N)
for _ in $(seq "$SCRAPES"); do curl -sf "http://127.0.0.1:$port/metrics" -o /dev/null; done
s1=$(date +%s%N)
after=$(cpu $PID)
c1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
series=$(grep -vc '^#' "$D/once.prom")
per_image=$(grep -c '^syscensus_.*{image=' "$D/once.prom")
python3 - "$IMAGES" "$series" "$per_image" "$(stat -c %s "$D/once.prom")" "$t0" "$t1" "$before" "$after" "$c0" "$c1" \
	"$hz" "$SCRAPES" "$s0" "$s1" <<'PY'
import sys
img, series, per_img, size, t0, t1, b, a, c0, c1, hz, n, s0, s1 = map(int, sys.argv[1:])
srv = (a - b) / hz / n * 1000
cli = (c1 - c0) / hz / n * 1000
print("metrics bench: %d images, %d series (%.1f per image), %.1f MiB exposition" % (img, series, per_img / img, size / 1048576))
print("  load + render once (syscensus metrics, the agent's cost per fold): %.0f ms" % ((t1 - t0) / 1e6))
print("  serving one scrape: %.2f ms CPU in the server, %.2f ms in curl (ratio %.2f), %.1f ms wall" %
      (srv, cli, srv / cli if cli else float("nan"), (s1 - s0) / 1e6 / n))
PY
