#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Installs the npm packages of tests/k8s/validate.mjs (kubernetes-models, ajv, js-yaml,
# pinned by tests/k8s/package-lock.json) into ${SYSCENSUS_NPM_DIR:-build/npm} (relative
# to the repository, or to the current directory when set): package.json and the lock
# are copied there and `npm ci --prefix DIR` installs DIR/node_modules. Nothing is done
# when DIR already holds an install of the same lock.
#   bash tests/k8s/setup.sh && node tests/k8s/validate.mjs FILE...
# validate.mjs stays where it is and loads the packages from DIR itself (NODE_PATH does
# not apply to ES modules): set the same SYSCENSUS_NPM_DIR for both.
# Exit status: 0 installed (or already), 77 node or npm missing or the registry not
# reachable (a test would skip), 1 the install failed otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${SYSCENSUS_NPM_DIR:-$root/build/npm}
stamp=$dir/.installed-lock

skip() { echo "tests/k8s/setup.sh: $*: the manifests cannot be validated" >&2; exit 77; }

command -v node >/dev/null 2>&1 || skip "node is not installed"
command -v npm >/dev/null 2>&1 || skip "npm is not installed"

if [ -f "$dir/node_modules/kubernetes-models/package.json" ] && cmp -s "$here/package-lock.json" "$stamp"; then
	echo "tests/k8s/setup.sh: already installed in $dir"
	exit 0
fi

timeout 60 npm ping --no-audit --no-fund >/dev/null 2>&1 ||
	skip "the npm registry ($(npm config get registry 2>/dev/null)) cannot be reached"

mkdir -p "$dir" || exit 1
rm -f "$stamp"
cp "$here/package.json" "$here/package-lock.json" "$dir/" || exit 1
start=$(date +%s)
log=$(timeout 300 npm ci --prefix "$dir" --no-audit --no-fund 2>&1)
rc=$?
printf '%s\n' "$log" | grep -v 'EBADENGINE' >&2
printf '%s' "$log" | grep -q EBADENGINE &&
	echo "tests/k8s/setup.sh: note: some packages declare a newer node than this $(node --version) (npm EBADENGINE)" >&2
if [ "$rc" -ne 0 ]; then
	if [ "$rc" -eq 124 ] || printf '%s' "$log" | grep -qE 'ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|network'; then
		skip "npm ci could not fetch the packages (exit $rc)"
	fi
	echo "tests/k8s/setup.sh: npm ci --prefix $dir failed (exit $rc)" >&2
	exit 1
fi
cp "$here/package-lock.json" "$stamp" || exit 1
echo "tests/k8s/setup.sh: installed in $dir in $(($(date +%s) - start)) s"
