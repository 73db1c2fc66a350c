#!/usr/bin/env bats
# make install / make uninstall (PREFIX, DESTDIR) and the example
# configuration of the full ovmlayer-rootfs layout (doc/examples/).

load helper
load plan_lib
load run_lib

ROOT=${OVM_ROOT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
EXAMPLE="$ROOT/doc/examples/ovmlayer-rootfs.json"
# What `make install` puts under PREFIX.
INSTALLED="bin/ovm-release share/ovm-release/hooks/post-commit
share/man/man1/ovm-release.1 share/bash-completion/completions/ovm-release"

setup() { setup_env; }
teardown() {
	stop_servers
	teardown_env
}

# mk TARGET [VAR=VALUE...]: make in the source tree with the binary under
# test as the build (-o: never rebuilt here, whatever its timestamps say).
mk() {
	local bin build
	bin=$(cd "$(dirname "$OVM_RELEASE")" && pwd)/$(basename "$OVM_RELEASE")
	build=$(dirname "$bin")
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	    make -s -C "$ROOT" BUILD="$build" -o "$bin" "$@"
}

# files_under DIR: every file and symlink below DIR, sorted.
files_under() {
	(cd "$1" && find . \( -type f -o -type l \) | sort)
}

@test "make install: default PREFIX /usr/local under DESTDIR; the installed binary runs" {
	dest="$TEST_DIR/dest"
	run mk install DESTDIR="$dest"
	[ "$status" -eq 0 ]
	for f in $INSTALLED; do
		[ -f "$dest/usr/local/$f" ] || { echo "missing $f"; false; }
	done
	# Exactly those four files, nothing else.
	[ "$(files_under "$dest" | wc -l)" -eq 4 ]
	[ -x "$dest/usr/local/bin/ovm-release" ]
	[ -x "$dest/usr/local/share/ovm-release/hooks/post-commit" ]
	[ ! -x "$dest/usr/local/share/man/man1/ovm-release.1" ]
	cmp "$ROOT/hooks/post-commit" "$dest/usr/local/share/ovm-release/hooks/post-commit"
	cmp "$ROOT/doc/ovm-release.1" "$dest/usr/local/share/man/man1/ovm-release.1"
	cmp "$ROOT/completion/ovm-release.bash" \
	    "$dest/usr/local/share/bash-completion/completions/ovm-release"

	run "$dest/usr/local/bin/ovm-release" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ovm-release $(cat "$ROOT/VERSION")" ]]
	run --separate-stderr "$dest/usr/local/bin/ovm-release" config
	[ "$status" -eq 0 ]
	[[ "$output" == *'"name":	"server-base"'* ]]
	[[ "$output" == *'"name":	"executor-layer"'* ]]
	[ -z "$stderr" ]
}

@test "make uninstall removes everything make install put there" {
	dest="$TEST_DIR/dest"
	mk install DESTDIR="$dest"
	[ -n "$(files_under "$dest")" ]
	run mk uninstall DESTDIR="$dest"
	[ "$status" -eq 0 ]
	[ -z "$(files_under "$dest")" ]
	# The package's own directory goes too; shared ones (bin, man1) stay.
	[ ! -e "$dest/usr/local/share/ovm-release" ]
	[ -d "$dest/usr/local/bin" ]
	# A second uninstall is harmless.
	run mk uninstall DESTDIR="$dest"
	[ "$status" -eq 0 ]
}

@test "make install PREFIX=/usr: every path follows PREFIX; uninstall leaves other files alone" {
	dest="$TEST_DIR/dest"
	mkdir -p "$dest/usr/bin"
	echo keep >"$dest/usr/bin/other-tool"
	run mk install PREFIX=/usr DESTDIR="$dest"
	[ "$status" -eq 0 ]
	for f in $INSTALLED; do
		[ -f "$dest/usr/$f" ] || { echo "missing $f"; false; }
	done
	[ ! -e "$dest/usr/local" ]
	# The installed man page and completion are usable as installed.
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man -l "$dest/usr/share/man/man1/ovm-release.1" >man.txt 2>/dev/null
		grep -q 'EXIT STATUS' man.txt
	fi
	run bash -c 'source "$1" && complete -p ovm-release' _ \
	    "$dest/usr/share/bash-completion/completions/ovm-release"
	[ "$status" -eq 0 ]
	[[ "$output" == *"-F _ovm_release ovm-release"* ]]
	mk uninstall PREFIX=/usr DESTDIR="$dest"
	[ "$(files_under "$dest")" = "./usr/bin/other-tool" ]
}

@test "the installed hook runs the installed binary and never fails a commit" {
	dest="$TEST_DIR/dest"
	mk install DESTDIR="$dest"
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	cp "$dest/usr/local/share/ovm-release/hooks/post-commit" .git/hooks/post-commit
	# Without the binary on PATH: silent.
	PATH=/usr/bin:/bin commit_file requirements.txt "numpy==2.1.0" "feat: numpy" 2>err.txt
	[ ! -s err.txt ] || { cat err.txt; false; }
	PATH="$dest/usr/local/bin:$PATH"
	out=$(commit_file requirements.txt "numpy==2.2.0" "feat: numpy 2.2" 2>&1)
	[[ "$out" == *"executor-layer 0.1.3 -> 0.1.4 on push"* ]] || { echo "$out"; false; }
}

@test "doc/examples/ovmlayer-rootfs.json: accepted by config, printed back whole" {
	run --separate-stderr ovm --config "$EXAMPLE" config
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >cfg.json
	python3 - cfg.json "$EXAMPLE" <<'PY'
import json, sys
eff = json.load(open(sys.argv[1]))
src = json.load(open(sys.argv[2]))
names = [t["name"] for t in eff["tracks"]]
assert names == ["server-base", "executor-layer", "base-rootfs",
                 "oocana-runtime", "oocana-mount"], names
# Six tag families, each released by exactly one track.
fams = [tpl.split("@")[0] for t in eff["tracks"] for tpl in t["tags"]]
assert sorted(fams) == sorted(["server-base", "executor-layer",
    "cloud-executor-layer", "base-rootfs", "oocana-runtime",
    "oocana-mount"]), fams
for s, e in zip(src["tracks"], eff["tracks"]):
    for k, v in s.items():
        if k == "version_files":
            v = [dict({"optional": False}, **f) for f in v]
        assert e[k] == v, (s["name"], k, e[k], v)
for n in ("base-rootfs", "oocana-runtime", "oocana-mount"):
    t = [t for t in eff["tracks"] if t["name"] == n][0]
    assert t["from_tags"] == [n + "@{version}"] and t["bump"] == "patch", t
    # The real repository builds base-rootfs from dockerfiles/base.dockerfile.
    f = "base" if n == "base-rootfs" else n
    assert t["paths"] == ["dockerfiles/%s.dockerfile" % f], t
    assert t["version_files"] == [] and t["commit"] is None, t
PY
	# Its own output is a valid configuration too.
	run ovm --config cfg.json config
	[ "$status" -eq 0 ]
}

# make_rootfs_repo DIR: the six-family layout, one release of some
# families tagged, pushed to DIR.git.
make_rootfs_repo() {
	local f
	git init -q --bare "$1.git"
	git init -q "$1"
	cd "$1"
	mkdir -p dockerfiles .github/workflows
	printf 'FROM ghcr.io/oomol/server-base:v0.6.0 AS builder\n' \
	    >dockerfiles/server-base.dockerfile
	for f in base oocana-runtime oocana-mount; do
		printf 'FROM debian:bookworm-slim\nRUN echo %s\n' "$f" \
		    >"dockerfiles/$f.dockerfile"
	done
	printf '{\n  "name": "executor",\n  "version": "0.1.3"\n}\n' >package.json
	printf 'requests==2.31.0\n' >requirements.txt
	git add -A
	test_tick
	git commit -q -m "initial layout"
	git tag server-base@0.6.0
	git tag executor-layer@0.1.3
	git tag cloud-executor-layer@0.1.3
	git tag base-rootfs@1.4.2
	git tag oocana-runtime@0.3.0
	git remote add origin "$1.git"
	git push -q origin main --tags
	git branch -q -u origin/main
}

# decisions: "name decision reason previous version tags..." a line per track
# of the plan in plan.json.
decisions() {
	python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["tracks"]:
    print(t["name"], t["decision"], t["reason"], t["previous_version"] or "-",
          t["version"] or "-", *[g["name"] for g in t["tags"]])' plan.json
}

@test "doc/examples/ovmlayer-rootfs.json: a plan decides every track of the layout" {
	make_rootfs_repo "$TEST_DIR/repo"
	printf 'FROM ghcr.io/oomol/server-base:v0.7.0 AS builder\n' \
	    >dockerfiles/server-base.dockerfile
	printf 'numpy==2.1.0\n' >>requirements.txt
	printf 'RUN true\n' >>dockerfiles/base.dockerfile
	printf 'RUN true\n' >>dockerfiles/oocana-mount.dockerfile
	git add -A
	test_tick
	git commit -q -m "feat: everything but oocana-runtime"
	run --separate-stderr ovm --config "$EXAMPLE" plan --json
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$TEST_DIR/repo/plan.json"
	run decisions
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "server-base release changed 0.6.0 0.7.0 server-base@0.7.0" ]
	[ "${lines[1]}" = "executor-layer release changed 0.1.3 0.1.4 executor-layer@0.1.4 cloud-executor-layer@0.1.4" ]
	[ "${lines[2]}" = "base-rootfs release changed 1.4.2 1.4.3 base-rootfs@1.4.3" ]
	[ "${lines[3]}" = "oocana-runtime skip unchanged 0.3.0 -" ]
	[ "${lines[4]}" = "oocana-mount release changed - 0.1.0 oocana-mount@0.1.0" ]
	[ "${#lines[@]}" -eq 5 ]
	# Only executor-layer writes a file and commits; the Dockerfile-triggered
	# from_tags tracks tag the pushed commit.
	python3 - plan.json "$(git rev-parse HEAD)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
head = sys.argv[2]
for t in d["tracks"]:
    if t["decision"] != "release":
        continue
    if t["name"] == "executor-layer":
        assert t["commit"] is not None and t["version_files"], t
    else:
        assert t["commit"] is None and t["version_files"] == [], t
        assert all(g["target"] == head for g in t["tags"]), t
PY
}

@test "doc/examples/ovmlayer-rootfs.json: a skip token stops only its own track" {
	make_rootfs_repo "$TEST_DIR/repo"
	printf 'RUN true\n' >>dockerfiles/oocana-runtime.dockerfile
	printf 'RUN true\n' >>dockerfiles/oocana-mount.dockerfile
	git add -A
	test_tick
	git commit -q -m "chore: rebuild [skip oocana-mount-tag]"
	run --separate-stderr ovm --config "$EXAMPLE" plan --json
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >plan.json
	run decisions
	[[ "${lines[0]}" == "server-base skip unchanged"* ]]
	[[ "${lines[1]}" == "executor-layer skip unchanged"* ]]
	[[ "${lines[2]}" == "base-rootfs skip unchanged"* ]]
	[ "${lines[3]}" = "oocana-runtime release changed 0.3.0 0.3.1 oocana-runtime@0.3.1" ]
	[[ "${lines[4]}" == "oocana-mount skip skip-token"* ]]
}

@test "doc/examples/ovmlayer-rootfs.json as .ovm-release.json: plan, then run, releases every family; a rerun and the bump push add nothing" {
	make_rootfs_repo "$TEST_DIR/repo"
	R=$TEST_DIR/repo.git
	INITIAL=$(git rev-parse HEAD)
	# Through git daemon, so that the remote's hooks log each push.
	serve_repo_git "$TEST_DIR/repo"
	log_pushes "$R"
	# The README's way: the example becomes the repository's configuration.
	cp "$EXAMPLE" .ovm-release.json
	git add .ovm-release.json
	test_tick
	git commit -q -m "ci: release every tag family"
	git push -q origin main
	# A change for each of the six families.
	sed -i 's/server-base:v0.6.0/server-base:v0.7.0/' dockerfiles/server-base.dockerfile
	printf 'numpy==2.1.0\n' >>requirements.txt
	for f in base oocana-runtime oocana-mount; do
		printf 'RUN true\n' >>"dockerfiles/$f.dockerfile"
	done
	git add -A
	test_tick
	git commit -q -m "feat: every family"

	# The plan of the next push, read from .ovm-release.json (no --config).
	run --separate-stderr ovm plan --json
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	printf '%s\n' "$output" >plan.json
	run decisions
	[ "$status" -eq 0 ]
	expect_eq "server-base" "server-base release changed 0.6.0 0.7.0 server-base@0.7.0" "${lines[0]}"
	expect_eq "executor-layer" "executor-layer release changed 0.1.3 0.1.4 executor-layer@0.1.4 cloud-executor-layer@0.1.4" "${lines[1]}"
	expect_eq "base-rootfs" "base-rootfs release changed 1.4.2 1.4.3 base-rootfs@1.4.3" "${lines[2]}"
	expect_eq "oocana-runtime" "oocana-runtime release changed 0.3.0 0.3.1 oocana-runtime@0.3.1" "${lines[3]}"
	expect_eq "oocana-mount" "oocana-mount release changed - 0.1.0 oocana-mount@0.1.0" "${lines[4]}"
	[ "${#lines[@]}" -eq 5 ]
	rm plan.json

	# The push, then CI's run for it.
	BEFORE=$(rrev "$R" refs/heads/main)
	git push -q origin main
	AFTER=$(git rev-parse HEAD)
	: >"$R/push.log"
	run --separate-stderr ovm run --event push --before "$BEFORE" --after "$AFTER" --branch main
	[ "$status" -eq 0 ] || { echo "$output$stderr"; false; }
	[[ "$stderr" != *"Sanitizer"* && "$stderr" != *"runtime error:"* ]]
	# One bump commit (executor-layer's) on the pushed commit; the
	# Dockerfile-triggered tracks tag the pushed commit itself.
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "bump diff" "package.json" "$(git --git-dir="$R" diff --name-only "$AFTER" "$bump")"
	expect_eq "remote tags" "base-rootfs@1.4.2 $INITIAL
base-rootfs@1.4.3 $AFTER
cloud-executor-layer@0.1.3 $INITIAL
cloud-executor-layer@0.1.4 $bump
executor-layer@0.1.3 $INITIAL
executor-layer@0.1.4 $bump
oocana-mount@0.1.0 $AFTER
oocana-runtime@0.3.0 $INITIAL
oocana-runtime@0.3.1 $AFTER
server-base@0.6.0 $INITIAL
server-base@0.7.0 $AFTER" "$(rtags "$R")"
	# One ref per push, every new ref once; the bump commit's branch
	# before the tags on it (the other tracks tag a commit already there).
	pushes "$R" >pushes.txt
	expect_eq "pushes" "refs/heads/main
refs/tags/base-rootfs@1.4.3
refs/tags/cloud-executor-layer@0.1.4
refs/tags/executor-layer@0.1.4
refs/tags/oocana-mount@0.1.0
refs/tags/oocana-runtime@0.3.1
refs/tags/server-base@0.7.0" "$(sort pushes.txt)"
	main_at=$(grep -n -x 'refs/heads/main' pushes.txt | cut -d: -f1)
	for t in executor-layer@0.1.4 cloud-executor-layer@0.1.4; do
		tag_at=$(grep -n -x "refs/tags/$t" pushes.txt | cut -d: -f1)
		[ "$main_at" -lt "$tag_at" ] || { echo "$t pushed before main"; false; }
	done

	# A rerun of the same event adds no ref.
	rrefs "$R" >refs.1
	: >"$R/push.log"
	run --separate-stderr ovm run --event push --before "$BEFORE" --after "$AFTER" --branch main
	[ "$status" -eq 0 ] || { echo "$output$stderr"; false; }
	rrefs "$R" >refs.2
	diff refs.1 refs.2
	expect_eq "rerun pushes" "" "$(pushes "$R")"

	# The bump commit's own push (HEAD is on it): nothing either.
	expect_eq "HEAD" "$bump" "$(git rev-parse HEAD)"
	run --separate-stderr ovm run --event push --before "$AFTER" --after "$bump" --branch main
	[ "$status" -eq 0 ] || { echo "$output$stderr"; false; }
	rrefs "$R" >refs.3
	diff refs.1 refs.3
	expect_eq "bump push pushes" "" "$(pushes "$R")"
}
