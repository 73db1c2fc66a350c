#!/bin/sh
# make bench: times ovm-release against bench/reference.sh (the pipeline it
# replaces) on synthetic repositories, checks both give the same answer,
# and writes bench/RESULTS.md.
#
# Usage: sh bench/run.sh [--quick] [--bin=PATH] [bench.py options]
#   (make bench BENCHFLAGS="--quick --profile 3")
#   --quick        sizes divided by 10, fewer pairs (under 2 minutes once
#                  the repositories are cached, ~40 s more the first time)
#   --only LIST    only these sizes (names as in the table, comma-separated)
#   --phases LIST  only these commands: plan-quiet, plan-release, hook,
#                  run-quiet, run-release
#   --pairs N      N pairs per cell
#   --timeout S    stop a run after S seconds (default 20, quick 5)
#   --budget S     a cell adds no pair after S seconds (default 25, quick 3)
#   --profile N    perf record ovm-release in the N cells furthest above
#                  their target, into RESULTS.md
#   --out FILE     instead of bench/RESULTS.md
# The binary must be a release build (make -s: -O2, no sanitizers); the
# repositories are cached under bench/.cache (BENCH_CACHE) by parameters.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=$root/build/ovm-release
for a in "$@"; do
	case $a in
	--bin=*) bin=${a#--bin=} ;;
	esac
done
if [ ! -x "$bin" ]; then
	echo "bench: no binary at $bin (run make -s first)" >&2
	exit 2
fi
if nm -D "$bin" 2>/dev/null | grep -q __asan_init; then
	echo "bench: $bin is built with sanitizers; build it with make -s" >&2
	exit 2
fi
for t in git bash python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench: $t is missing" >&2; exit 2; }
done
# the reference runs Debian's python3 (a pyenv shim would cost it ~100 ms)
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
exec "$py" "$here/bench.py" --bin "$bin" "$@"
