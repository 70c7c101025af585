#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The agent image, offline: a root filesystem of the built binary, the libraries ldd lists
# and the loader (build/image/rootfs), then `podman build` of deploy/Containerfile FROM
# scratch (no registry is asked for anything).
#   bash deploy/image/build.sh BINARY IMAGE
set -eu
bin=$1 image=$2
ctx=$(dirname "$bin")/image
[ -x "$bin" ] || { echo "image: $bin is missing: run make first" >&2; exit 1; }
command -v podman >/dev/null || { echo "image: podman is needed to build the image" >&2; exit 1; }
rm -rf "$ctx" && mkdir -p "$ctx/rootfs"
r=$ctx/rootfs
cp "$bin" "$r/syscensus"
# the libraries and the loader, at the paths the binary looks for them
for l in $(ldd "$bin" | grep -oE '/[^ ]+'); do
	mkdir -p "$r$(dirname "$l")"
	cp -L "$l" "$r$l"
done
# mount points of the DaemonSet's host paths, and a /tmp the read-only root lacks
for d in proc sys dev tmp run var/lib/syscensus var/lib/kubelet/seccomp/syscensus; do
	mkdir -p "$r/$d"
done
chmod 1777 "$r/tmp"
# the agent's own seccomp profile, for nodes to install where kubelet reads it
mkdir -p "$r/usr/share/syscensus"
cp "$(dirname "$0")/../seccomp/syscensus-agent-pod.json" "$r/usr/share/syscensus/"
cp "$(dirname "$0")/../Containerfile" "$ctx/Containerfile"
podman build -q --layers=false --network=none -f "$ctx/Containerfile" -t "$image" "$ctx" >/dev/null
echo "image: $image built ($(du -sh "$r" | cut -f1) on disk, $(find "$r" -type f | wc -l) files)"
