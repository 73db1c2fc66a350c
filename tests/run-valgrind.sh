#!/bin/sh
# The end-to-end suite under valgrind memcheck (make test-valgrind).
# Usage: tests/run-valgrind.sh BUILD_DIR [FILE.bats...]
#
# BUILD_DIR holds a build without sanitizers (valgrind and ASan do not mix).
# Every ovm-release the tests start runs as tests/valgrind-wrap.sh, copied
# to BUILD_DIR/wrap/ovm-release (the hook finds it on PATH by that name);
# valgrind writes one log per process to BUILD_DIR/logs, and a non-empty log
# is an error whatever the test concluded.  Tests that measure time skip
# their timing assertions, or themselves, when OVM_TEST_VALGRIND is set
# (tests/README.md lists them).  Per-file TAP output: BUILD_DIR/NAME.log.
# Prints "N passed, N failed, N skipped" and the valgrind verdict last.
set -u
build=${1:?usage: tests/run-valgrind.sh BUILD_DIR [FILE.bats...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
case $build in /*) ;; *) build=$root/$build ;; esac
[ $# -gt 0 ] || set -- tests/e2e/*.bats
command -v valgrind >/dev/null || {
	echo "valgrind is not installed (ci/install-deps.sh valgrind)" >&2
	exit 2
}
[ -x "$build/ovm-release" ] || {
	echo "no binary at $build/ovm-release (make test-valgrind builds it)" >&2
	exit 2
}
mkdir -p "$build/wrap" "$build/logs"
rm -f "$build"/logs/vg.*.log
cp tests/valgrind-wrap.sh "$build/wrap/ovm-release"
chmod +x "$build/wrap/ovm-release"
export OVM_RELEASE="$build/wrap/ovm-release"
export OVM_VALGRIND_BIN="$build/ovm-release"
export OVM_VALGRIND_LOGS="$build/logs"
export OVM_VALGRIND_SUPP="$root/tests/valgrind.supp"
export OVM_TEST_VALGRIND=1
export OVM_ROOT="$root"
export OVM_CORPUS="${OVM_CORPUS:-$root/tests/corpus}"
# Valgrind is 20-50 times slower: the servers the tests start live longer.
export SERVER_LIFETIME=900

passed=0 failed=0 skipped=0
start=$(date +%s)
for f in "$@"; do
	name=$(basename "$f" .bats)
	t0=$(date +%s)
	bats --tap "$f" >"$build/$name.log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$build/$name.log")
	s=$(grep -c '^ok .* # skip' "$build/$name.log")
	n=$(grep -c '^not ok ' "$build/$name.log")
	p=$((p - s))
	[ "$rc" -eq 0 ] || [ "$n" -gt 0 ] || n=1
	passed=$((passed + p))
	failed=$((failed + n))
	skipped=$((skipped + s))
	echo "$name: $p passed, $n failed, $s skipped ($(( $(date +%s) - t0 )) s)"
	grep '^not ok ' "$build/$name.log" | sed 's/^/  /'
done
# Logs of processes that had nothing to say are empty.
find "$build/logs" -name 'vg.*.log' -size 0 -delete
errors=$(find "$build/logs" -name 'vg.*.log' | wc -l)
echo "$passed passed, $failed failed, $skipped skipped in $(( $(date +%s) - start )) s"
if [ "$errors" -gt 0 ]; then
	echo "valgrind: $errors process(es) with errors, see $build/logs:"
	find "$build/logs" -name 'vg.*.log' | sort | head -20 | sed 's/^/  /'
else
	echo "valgrind: no errors"
fi
[ "$failed" -eq 0 ] && [ "$errors" -eq 0 ]
