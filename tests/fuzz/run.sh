#!/bin/sh
# Runs every libFuzzer target in BUILD for SECONDS each (make fuzz).
# Usage: tests/fuzz/run.sh BUILD SECONDS [TARGET...]
# Seeds: tests/fuzz/seeds/<target>/ and the corpora ($OVM_CORPUS or
# tests/corpus), read in place, never copied into the grown corpus.
# The growing corpus lives in BUILD/corpus/<target>, crashes in
# BUILD/artifacts/.  Exit 1 when any target found a crash.
set -u
build=${1:-build/fuzz}
secs=${2:-60}
shift 2 2>/dev/null || shift $#
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
corpus=${OVM_CORPUS:-$root/tests/corpus}
targets=${*:-dockerfile semver pkgjson template config event ghoutput}
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=0

for t in $targets; do
	bin=$build/fuzz_$t
	[ -x "$bin" ] || { echo "fuzz: $bin not built" >&2; failed=1; continue; }
	seeds="tests/fuzz/seeds/$t"
	maxlen=4096
	case $t in
	dockerfile) extra="$corpus/dockerfile-from" ;;
	pkgjson) extra="$corpus/package-json $corpus/package-json/lockfiles"
		maxlen=16384 ;;
	event) extra="$corpus/github-events"; maxlen=16384 ;;
	*) extra="" ;;
	esac
	dirs=""
	for d in $seeds $extra; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# Regression inputs are replayed first: each must pass.
	if [ -d "tests/fuzz/regressions/$t" ]; then
		for r in tests/fuzz/regressions/$t/*; do
			[ -f "$r" ] || continue
			if ! "$bin" "$r" >"$build/regress-$t.log" 2>&1; then
				echo "fuzz: $t: regression $r fails" >&2
				tail -n 30 "$build/regress-$t.log" >&2
				failed=1
			fi
		done
	fi
	mkdir -p "$build/corpus/$t" "$build/artifacts"
	start=$(date +%s)
	timer=""
	[ -x /usr/bin/time ] && timer="/usr/bin/time -f %U+%S -o $build/cpu-$t.txt"
	# shellcheck disable=SC2086
	$timer "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$maxlen" -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$t-" \
		"$build/corpus/$t" $dirs >"$build/fuzz-$t.log" 2>&1
	rc=$?
	end=$(date +%s)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz-$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$build/fuzz-$t.log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		echo "FAIL fuzz $t (exit $rc, $((end - start)) s): see $build/fuzz-$t.log"
		grep -m1 -E 'ERROR|property failed|runtime error' "$build/fuzz-$t.log"
		failed=1
	else
		cpu=$(tail -n 1 "$build/cpu-$t.txt" 2>/dev/null | tr -d '\n')
		cpu=$(echo "${cpu:-0}" | bc 2>/dev/null || echo "$cpu")
		echo "ok   fuzz $t: ${runs:-?} runs in $((end - start)) s" \
			"(${cpu} CPU-s), $cov edges"
	fi
done
exit $failed
