#!/usr/bin/env bats
# ci/check-layers.sh (make check-layers): the layer rules of
# doc/architecture.md hold for src/, and each kind of breach is caught,
# with the file and line, on a copy of src/ given that breach.

ROOT=${OVM_ROOT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
CHECK="$ROOT/ci/check-layers.sh"

setup() {
	T=$(mktemp -d)
	cp -R "$ROOT/src" "$T/src"
}
teardown() { rm -rf "$T"; }

check() { run sh "$CHECK" "$@"; }

# adds LINE as the last line of FILE (under the copy of src/).
add() { printf '%s\n' "$2" >>"$T/src/$1"; }

# the line number of the last line of FILE.
last() { wc -l <"$T/src/$1" | tr -d ' '; }

@test "layers: src/ keeps every include rule" {
	check "$ROOT/src"
	[ "$status" -eq 0 ]
	[[ "$output" == "check-layers: ok ("*" files)" ]]
}

@test "layers: the build's objects call only down, and in no circle" {
	obj=$(dirname "${OVM_RELEASE:-$ROOT/build/ovm-release}")/obj
	[ -d "$obj/cli" ] || skip "no objects in $obj (build first)"
	check "$ROOT/src" "$obj"
	[ "$status" -eq 0 ]
	[[ "$output" == *"calls from $obj"* ]]
}

@test "layers: core including plan/ is refused with its file and line" {
	add core/semver.c '#include "plan/plan.h"'
	check "$T/src"
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/core/semver.c:$(last core/semver.c): core includes plan/plan.h: core may include only util core"* ]]
}

@test "layers: util including core/ is refused" {
	add util/util.h '#include "core/config.h"'
	check "$T/src"
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/util/util.h:$(last util/util.h): util includes core/config.h"* ]]
}

@test "layers: git and net do not include each other" {
	add git/remote.c '#include "net/http.h"'
	add net/github.c '#include "git/git.h"'
	check "$T/src"
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/git/remote.c:$(last git/remote.c): git includes net/http.h"* ]]
	[[ "$output" == *"src/net/github.c:$(last net/github.c): net includes git/git.h"* ]]
}

@test "layers: apply including cli/ is refused; cli including apply/ is not" {
	add apply/lock.c '#include "cli/cli.h"'
	add cli/common.c '#include "apply/release.h"'
	check "$T/src"
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/apply/lock.c:"*"apply includes cli/cli.h"* ]]
	[[ "$output" != *"src/cli/common.c"* ]]
}

@test "layers: <git2.h> outside git/ is refused" {
	add plan/facts.c '#include <git2.h>'
	check "$T/src"
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/plan/facts.c:$(last plan/facts.c): <git2.h> outside git/"* ]]
}

@test "layers: <curl/curl.h> outside net/http.c is refused, even in net/" {
	add net/registry.c '#include <curl/curl.h>'
	check "$T/src"
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/net/registry.c:$(last net/registry.c): <curl/curl.h> outside net/http.c"* ]]
}

@test "layers: git/git_int.h is internal to git/" {
	add plan/vfile.c '#include "git/git_int.h"'
	check "$T/src"
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/plan/vfile.c:"*"git/git_int.h is internal to git/"* ]]
}

@test "layers: a source header named without its layer is refused; a generated one is not" {
	add util/err.c '#include "util.h"'
	add cli/common.c '#include "hook_text.h"'
	check "$T/src"
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/util/err.c:$(last util/err.c): #include \"util.h\": name it with its layer (\"util/util.h\")"* ]]
	[[ "$output" != *"hook_text.h"* ]]
}

@test "layers: a folder that is no layer is refused" {
	mkdir "$T/src/misc"
	printf '#include "util/util.h"\n' >"$T/src/misc/x.c"
	check "$T/src"
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/misc/x.c:1: misc/ is not a layer"* ]]
}

# objects: two files under core/ that call each other, util calling up.
@test "layers: a call up a layer and a circle of calls are refused" {
	command -v cc >/dev/null 2>&1 || skip "no C compiler"
	s="$T/s"
	o="$T/o"
	mkdir -p "$s/core" "$s/util" "$o/core" "$o/util"
	printf 'int b(void);\nint a(void) { return b(); }\n' >"$s/core/a.c"
	printf 'int c(void);\nint b(void) { return c(); }\n' >"$s/core/b.c"
	printf 'int a(void);\nint c(void) { return a(); }\n' >"$s/core/c.c"
	printf 'int d(void);\nint u(void) { return d(); }\n' >"$s/util/u.c"
	printf 'int d(void) { return 1; }\n' >"$s/core/d.c"
	for f in core/a core/b core/c core/d util/u; do
		cc -c -o "$o/$f.o" "$s/$f.c"
	done
	check "$s" "$o"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$s/util/u.c: calls d in $s/core/d.c: util may call only util"* ]]
	[[ "$output" == *"$s/core/a.c and $s/core/b.c call each other (round a circle)"* ]]
	[[ "$output" == *"$s/core/a.c and $s/core/c.c call each other"* ]]
	# Without the call back, no circle.
	printf 'int c(void) { return 2; }\n' >"$s/core/c.c"
	cc -c -o "$o/core/c.o" "$s/core/c.c"
	check "$s" "$o"
	[[ "$output" != *"call each other"* ]]
}

@test "layers: a missing folder is a usage error (exit 2)" {
	check "$T/nothing"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no source folder"* ]]
	check "$T/src" "$T/noobj"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no object folder"* ]]
}
