#!/bin/sh
# Line coverage each fuzz target reaches in its parser, from the corpus
# `make fuzz` grew (BUILD/corpus/<target>) plus the seeds.  Builds an
# instrumented copy (-fprofile-instr-generate -fcoverage-mapping, no
# sanitizers) in COVBUILD and prints llvm-cov's per-file line coverage.
# Usage: tests/fuzz/coverage.sh [BUILD [COVBUILD [TARGET...]]]
set -eu
build=${1:-build/fuzz}
cov=${2:-build/fuzz-cov}
shift 2 2>/dev/null || shift $#
targets=${*:-dockerfile semver pkgjson template config event ghoutput}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
corpus=${OVM_CORPUS:-$root/tests/corpus}
flags="-fprofile-instr-generate -fcoverage-mapping"
make -s --no-print-directory CC=clang BUILD="$cov" SANITIZE=fuzzer-no-link \
	OPT="-O1 -g $flags" "$cov/libovm.a"
pkg=$(pkg-config --cflags --libs libgit2 libcjson libcurl libpcre2-8)
for t in $targets; do
	case $t in
	dockerfile) files="dockerfile dfparse dfinstr dfshell dftext dfvars imageref"
		extra="$corpus/dockerfile-from" ;;
	semver) files="semver"; extra="" ;;
	pkgjson) files="pkgjson json jsonstr"
		extra="$corpus/package-json $corpus/package-json/lockfiles" ;;
	template) files="template"; extra="" ;;
	config) files="config config_track"; extra="" ;;
	event) files="event refname"; extra="$corpus/github-events" ;;
	ghoutput) files="ghout"; extra="" ;;
	esac
	# shellcheck disable=SC2086
	clang -std=c11 -D_GNU_SOURCE -O1 -g $flags -Isrc -Itests/fuzz \
		-fsanitize=fuzzer -o "$cov/fuzz_$t" tests/fuzz/fuzz_$t.c \
		"$cov/libovm.a" $pkg
	dirs=""
	for d in "$build/corpus/$t" "tests/fuzz/seeds/$t" \
		"tests/fuzz/regressions/$t" $extra; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	rm -f "$cov/$t.profraw"
	# shellcheck disable=SC2086
	LLVM_PROFILE_FILE="$cov/$t.profraw" "$cov/fuzz_$t" -runs=0 \
		-max_len=1048576 $dirs >"$cov/$t.log" 2>&1 || true
	llvm-profdata merge -o "$cov/$t.profdata" "$cov/$t.profraw"
	srcs=""
	for f in $files; do srcs="$srcs $(find src -name "$f.c")"; done
	echo "== $t"
	# shellcheck disable=SC2086
	llvm-cov report "$cov/fuzz_$t" -instr-profile="$cov/$t.profdata" $srcs |
		awk '/\.c |^TOTAL/ { sub(".*/", "", $1)
			print $1, "lines", $8, "missed", $9, "cover", $10 }'
done
