#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run every fuzz harness of BUILD (default build-fuzz) for SECONDS each, from its committed seed
# corpus (tests/fuzz/corpus/NAME, copied: new inputs stay in BUILD/corpus), after replaying the
# regression inputs (tests/fuzz/regress/NAME: crashes found once). Prints one line per harness
# (runs, exec/s, coverage, crashes) and exits 1 when any harness crashed.
#   bash tests/fuzz/run.sh [BUILD [SECONDS [NAME...]]]
set -u
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
shift 2 2>/dev/null
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//'))
bad=0
# every ASan/UBSan report is a crash; leaks too
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# the harnesses' files go under BUILD, even when one crashes before removing them
export TMPDIR=$PWD/$BUILD/tmp
mkdir -p "$TMPDIR"
# libseccomp's own leaks (see the file) are not syscensus's
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0}
printf '%-16s %8s %10s %8s %6s %6s %s\n' harness seconds runs exec/s cov ft crashes
for n in "${names[@]}"; do
	bin=$BUILD/fuzz/$n
	[ -x "$bin" ] || { echo "$n: $bin not built (make fuzz)"; bad=1; continue; }
	work=$BUILD/corpus/$n crashes=$BUILD/crashes/$n
	mkdir -p "$work" "$crashes"
	cp -n tests/fuzz/corpus/"$n"/* "$work"/ 2>/dev/null
	if [ -d tests/fuzz/regress/"$n" ] && ! "$bin" tests/fuzz/regress/"$n"/* >"$BUILD/$n.regress.log" 2>&1; then
		echo "$n: a regression input crashes again: $(grep -m1 -E 'ERROR|runtime error' "$BUILD/$n.regress.log")"
		bad=1
	fi
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$work" >"$BUILD/$n.log" 2>&1
	rc=$?
	runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$BUILD/$n.log" | grep -oE '[0-9]+$')
	secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$BUILD/$n.log" | grep -oE 'in [0-9]+' | grep -oE '[0-9]+')
	cov=$(grep -oE 'cov: [0-9]+' "$BUILD/$n.log" | tail -1 | grep -oE '[0-9]+')
	ft=$(grep -oE 'ft: [0-9]+' "$BUILD/$n.log" | tail -1 | grep -oE '[0-9]+')
	found=$(find "$crashes" -type f | wc -l)
	secs=${secs:-$SECONDS_EACH}
	printf '%-16s %8s %10s %8s %6s %6s %s\n' "$n" "$secs" "${runs:-?}" "$(( ${runs:-0} / (secs > 0 ? secs : 1) ))" \
		"${cov:-?}" "${ft:-?}" "$found"
	if [ $rc != 0 ] || [ "$found" != 0 ]; then
		echo "$n: crashed (exit $rc): $(grep -m1 -E 'ERROR|runtime error|deadly signal' "$BUILD/$n.log"); inputs in $crashes"
		bad=1
	fi
done
exit $bad
