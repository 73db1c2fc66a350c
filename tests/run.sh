#!/bin/sh
# Runs every unit test binary and every bats file; prints "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR
set -u
build=${1:-build/test}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
export OVM_RELEASE="$root/$build/ovm-release"
export OVM_ROOT="$root"
export OVM_CORPUS="${OVM_CORPUS:-$root/tests/corpus}"
# Sanitizers: any report fails the run (leaks included).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0
failed=0
skipped=0

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if "$t" >"$log/$name.out" 2>&1; then rc=0; else rc=$?; fi
	# cmocka's summary lines: "[  PASSED  ] N test(s)." and
	# "[  FAILED  ] N test(s), listed below:".
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log/$name.out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log/$name.out" | tail -n 1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log/$name.out" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	s=${s:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed, or a sanitizer report
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$rc" -ne 0 ]; then
		echo "FAIL unit $name (exit $rc)"
		cat "$log/$name.out"
	else
		echo "ok   unit $name: $p passed"
	fi
done

if ls tests/e2e/*.bats >/dev/null 2>&1; then
	# Full unwinding, so that the libgit2 1.5 leak in tests/lsan.supp is
	# recognised (libpcre2 has no frame pointers).
	export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
	export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
	bats --tap tests/e2e >"$log/bats.out" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log/bats.out")
	s=$(grep -c '^ok .* # skip' "$log/bats.out")
	f=$(grep -c '^not ok ' "$log/bats.out")
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$rc" -ne 0 ]; then
		echo "FAIL e2e (bats exit $rc)"
		cat "$log/bats.out"
	else
		echo "ok   e2e: $p passed, $s skipped"
	fi
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
