#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel matrix (make vmtest): the kernel-facing tests (tests/vmtest/guest.sh) on
# other kernels, booted with qemu (KVM when /dev/kvm is usable, software emulation
# otherwise) from an initramfs of busybox and the build output, and on the host's kernel.
# One build, against the committed vmlinux.h, runs on every kernel: the CO-RE claim.
#   bash tests/vmtest/vmtest.sh [KERNEL...]    KERNEL: 6.1, 6.12 or host (default: all three)
# Kernels are Debian 12's cloud images, fetched with apt-get download into
# $BUILD/vmtest/cache (kept: a second run downloads nothing). Each prints
# "vmtest <release>: N passed, N failed"; the last line sums them up.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
V=$BUILD/vmtest
CACHE=$V/cache
KERNELS=("$@")
[ ${#KERNELS[@]} -gt 0 ] || KERNELS=(6.1 6.12 host)
TIMEOUT=${VMTEST_TIMEOUT:-240}
die() { echo "vmtest: $*" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || die "the kernel matrix boots x86_64 kernels"
[ "$(id -u)" = 0 ] || die "run as root (BPF on the host kernel; KVM)"
for f in syscensus tests/sample; do [ -x "$BUILD/$f" ] || die "$BUILD/$f is missing: run make first"; done
mkdir -p "$CACHE"

# The Debian package of kernel series $1, newest first: linux-image-6.1.0-N-cloud-amd64-unsigned,
# linux-image-6.12.N+deb12-cloud-amd64-unsigned
kernel_package() {
	local re
	case $1 in
	6.1) re='^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' ;;
	6.12) re='^linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned$' ;;
	*) return 1 ;;
	esac
	apt-cache search --names-only "$re" 2>/dev/null | awk '{ print $1 }' | sort -V | tail -n 1
}

# vmlinuz of series $1 in the cache, downloaded once; its path on stdout
kernel_image() {
	local pkg deb dir
	pkg=$(kernel_package "$1")
	[ -n "$pkg" ] || { echo "vmtest: no Debian package for kernel $1 (apt-get update first?)" >&2; return 2; }
	dir=$CACHE/$pkg
	if ! ls "$dir"/boot/vmlinuz-* >/dev/null 2>&1; then
		echo "vmtest: downloading $pkg" >&2
		(cd "$CACHE" && apt-get download -q "$pkg" >/dev/null 2>&1) || { echo "vmtest: apt-get download $pkg failed" >&2; return 1; }
		deb=$(ls "$CACHE/${pkg}"_*.deb 2>/dev/null | tail -n 1)
		[ -n "$deb" ] || { echo "vmtest: $pkg: no .deb after apt-get download" >&2; return 1; }
		# only the kernel is kept: its modules are not used (the initramfs needs none)
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" && dpkg-deb -x "$deb" "$dir.tmp" && rm -rf "$dir.tmp/lib" "$dir.tmp/usr" &&
			mv "$dir.tmp" "$dir" && rm -f "$deb" ||
			{ echo "vmtest: cannot unpack $deb" >&2; return 1; }
	fi
	ls "$dir"/boot/vmlinuz-* | head -n 1
}

# copy program $1 and the libraries it loads into root $2 (at the same paths)
copy_with_libs() {
	local l
	cp -L "$1" "$2/vm/" || return 1
	for l in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+'); do
		mkdir -p "$2$(dirname "$l")" && cp -L "$l" "$2$l" || return 1
	done
}

# The initramfs: busybox, the build's syscensus and sample, strace, their libraries, guest.sh
initramfs() {
	local root=$V/root out=$V/initramfs.cpio.gz
	rm -rf "$root"
	mkdir -p "$root"/{bin,vm,proc,sys,dev,tmp,etc,run}
	cp "$(command -v busybox)" "$root/bin/busybox" && cp "$root/bin/busybox" "$root/vm/busybox" || return 1
	ldd "$root/bin/busybox" >/dev/null 2>&1 && { echo "vmtest: busybox is not static (install busybox-static)" >&2; return 1; }
	copy_with_libs "$BUILD/syscensus" "$root" && copy_with_libs "$BUILD/tests/sample" "$root" &&
		copy_with_libs "$(command -v strace)" "$root" || return 1
	cp tests/vmtest/guest.sh "$root/vm/guest.sh"
	echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
	cat >"$root/init" <<-'EOF'
	#!/bin/busybox sh
	/bin/busybox --install -s /bin
	export PATH=/bin:/vm
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev 2>/dev/null
	mount -t tmpfs tmp /tmp
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
	mount -t bpf bpf /sys/fs/bpf
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	echo "vmtest: booted $(uname -r)"
	VM=/vm sh /vm/guest.sh
	echo "vmtest: done"
	poweroff -f
	EOF
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp" && mv "$out.tmp" "$out" || return 1
	echo "$out"
}

# Software emulation (TCG) by default: it boots and runs the tests in about 15 s here. KVM
# (VMTEST_ACCEL=kvm) is faster where it works; on a nested KVM such as a Firecracker guest's,
# qemu cannot set IA32_ARCH_CAPABILITIES ("failed to set MSR 0x10a", hence -arch-capabilities)
# and the kernel then stops on a KVM emulation failure (lock cmpxchg16b) during boot.
# whether the initramfs is newer than what goes into it
fresh() {
	local f
	[ -f "$V/initramfs.cpio.gz" ] || return 1
	for f in "$BUILD/syscensus" "$BUILD/tests/sample" tests/vmtest/guest.sh tests/vmtest/vmtest.sh "$(command -v strace)"; do
		[ "$V/initramfs.cpio.gz" -nt "$f" ] || return 1
	done
}

accel() {
	if [ "${VMTEST_ACCEL:-tcg}" = kvm ] && [ -w /dev/kvm ]; then
		echo "-enable-kvm -cpu host,-arch-capabilities"
	else
		echo "-accel tcg,thread=multi -cpu max"
	fi
}

PASSED=0 FAILED=0 BAD=0 NOKERNEL=0
summary=()
for k in "${KERNELS[@]}"; do
	start=$(date +%s)
	log=$V/$k.log
	if [ "$k" = host ]; then
		# the same guest tests, on the running kernel, from a copy of what the VM gets
		fresh || initramfs >/dev/null || die "cannot build the initramfs"
		VM=$(realpath "$V/root/vm") timeout "$TIMEOUT" sh tests/vmtest/guest.sh >"$log" 2>&1
	else
		command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (apt-get install qemu-system-x86)"
		img=$(kernel_image "$k"); rc=$?
		if [ $rc = 2 ]; then NOKERNEL=$((NOKERNEL + 1)); summary+=("vmtest $k: no kernel package (skipped)"); continue; fi
		[ $rc = 0 ] || { BAD=$((BAD + 1)); summary+=("vmtest $k: no kernel"); continue; }
		fresh || initramfs >/dev/null || die "cannot build the initramfs"
		# shellcheck disable=SC2046
		timeout "$TIMEOUT" qemu-system-x86_64 $(accel) -m 1024 -smp 2 -nographic -no-reboot -nic none \
			-kernel "$img" -initrd "$V/initramfs.cpio.gz" \
			-append "console=ttyS0 panic=-1 quiet loglevel=3 ia32_emulation=1" </dev/null >"$log" 2>&1
	fi
	tr -d '\r' <"$log" | grep -E '^(PASS|FAIL|vmtest)' | sed "s/^/[$k] /"
	line=$(tr -d '\r' <"$log" | grep -E '^vmtest [^ ]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	secs=$(( $(date +%s) - start ))
	if [[ $line =~ ^vmtest\ ([^ ]+):\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		PASSED=$((PASSED + BASH_REMATCH[2])); FAILED=$((FAILED + BASH_REMATCH[3]))
		summary+=("$line (${secs} s)")
	else
		BAD=$((BAD + 1))
		summary+=("vmtest $k: no result after ${secs} s (see $log): $(tr -d '\r' <"$log" | tail -n 3 | tr '\n' ' ')")
	fi
done
printf '%s\n' "${summary[@]}"
echo "vmtest: $PASSED passed, $FAILED failed on $((${#KERNELS[@]} - NOKERNEL)) kernels$([ "$BAD" = 0 ] || echo ", $BAD without a result")$([ "$NOKERNEL" = 0 ] || echo ", $NOKERNEL without a kernel package")"
[ "$FAILED" = 0 ] && [ "$BAD" = 0 ]
