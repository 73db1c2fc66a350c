#!/usr/bin/env bats
# ovm-release plan: the local prediction and flags, on real repositories.

load helper

setup() {
	setup_env
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
}
teardown() { teardown_env; }

json_track() {	# json_track FILE TRACK KEY
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
t=[t for t in d["tracks"] if t["name"]==sys.argv[2]][0]
v=t[sys.argv[3]]
print(json.dumps(v) if not isinstance(v,str) else v)' "$@"
}

@test "a quiet local commit: both tracks skip as unchanged" {
	commit_file README.md "# changed" "docs: readme"
	run ovm --plan
	[ "$status" -eq 0 ]
	[[ "$output" == *"server-base: skip (unchanged"* ]]
	[[ "$output" == *"executor-layer: skip (unchanged"* ]]
	[[ "$output" == *"tags as of the last fetch"* ]]
}

@test "requirements.txt changed: executor-layer 0.1.3 -> 0.1.4 with a bump commit" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	run ovm plan --json
	[ "$status" -eq 0 ]
	echo "$output" >plan.json
	[ "$(json_track plan.json executor-layer decision)" = release ]
	[ "$(json_track plan.json executor-layer reason)" = changed ]
	[ "$(json_track plan.json executor-layer previous_version)" = 0.1.3 ]
	[ "$(json_track plan.json executor-layer version)" = 0.1.4 ]
	[ "$(json_track plan.json executor-layer package_version)" = 0.1.3 ]
	[ "$(json_track plan.json executor-layer version_files)" = '[{"path": "package.json", "from": "0.1.3", "to": "0.1.4"}]' ]
	python3 - plan.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == 1 and d["event"] == "local" and d["branch"] == "main"
ex = [t for t in d["tracks"] if t["name"] == "executor-layer"][0]
assert ex["commit"]["message"] == "chore(release): bump executor layer version to 0.1.4"
assert ex["commit"]["id"] is None
assert [t["name"] for t in ex["tags"]] == ["executor-layer@0.1.4", "cloud-executor-layer@0.1.4"]
assert all(t["state"] == "create" for t in ex["tags"])
assert ex["changed_files"] == ["requirements.txt"]
sb = [t for t in d["tracks"] if t["name"] == "server-base"][0]
assert sb["decision"] == "skip" and sb["reason"] == "unchanged" and sb["version"] is None
PY
}

@test "Dockerfile FROM tag changed: server-base tag on the pushed commit" {
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	git commit -qam "feat: base 0.6.0"
	head=$(git rev-parse HEAD)
	run ovm plan --json
	[ "$status" -eq 0 ]
	echo "$output" >plan.json
	[ "$(json_track plan.json server-base decision)" = release ]
	[ "$(json_track plan.json server-base version)" = 0.6.0 ]
	[ "$(json_track plan.json server-base previous_version)" = 0.5.0 ]
	[ "$(json_track plan.json server-base image_ref)" = ghcr.io/oomol/server-base:v0.6.0 ]
	[ "$(json_track plan.json server-base tags)" = "[{\"name\": \"server-base@0.6.0\", \"target\": \"$head\", \"state\": \"create\"}]" ]
	[ "$(json_track plan.json server-base commit)" = null ]
}

@test "no upstream: skip no-upstream" {
	git branch -q --unset-upstream
	commit_file requirements.txt "x==1" "feat: x"
	run ovm plan --json
	[ "$status" -eq 0 ]
	echo "$output" >plan.json
	[ "$(json_track plan.json executor-layer reason)" = no-upstream ]
}

@test "feature branch: predicts the merge into main" {
	git checkout -q -b feature
	commit_file requirements.txt "x==1" "feat: x"
	run ovm plan
	[ "$status" -eq 0 ]
	[[ "$output" == *"on merge into main"* ]]
	[[ "$output" == *"executor-layer: release"* ]]
}

@test "flags: --before/--after accept revisions, --event push needs a branch" {
	commit_file requirements.txt "x==1" "feat: x"
	run ovm plan --json --event push --before HEAD~1 --after HEAD --branch main
	[ "$status" -eq 0 ]
	echo "$output" >plan.json
	[ "$(json_track plan.json executor-layer decision)" = release ]
	run ovm plan --json --event push --before HEAD~1 --after HEAD --branch dev
	[ "$status" -eq 0 ]
	echo "$output" >plan.json
	[ "$(json_track plan.json executor-layer reason)" = branch ]
	run --separate-stderr ovm plan --before nosuchrev
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--before"*"nosuchrev"* ]]
}

@test "unknown --track is a usage error" {
	run --separate-stderr ovm plan --track nope
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--track 'nope'"* ]]
}

@test "shallow clone is refused with exit 2 and the fetch-depth hint" {
	git clone -q --depth 1 "file://$TEST_DIR/repo.git" "$TEST_DIR/shallow"
	cd "$TEST_DIR/shallow"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"fetch-depth: 0"* ]]
}

@test "tags read from packed-refs (binary search) and loose files: highest version, peeled targets, loose overrides packed" {
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do git tag "executor-layer@0.1.$((i + 3))"; done
	git tag -a -m annotated "cloud-executor-layer@0.2.0"
	git tag aaa-unrelated
	git tag zzz-unrelated
	git pack-refs --all
	grep -q '^\^' .git/packed-refs	# the annotated tag's peeled line
	# A loose copy of a packed tag, moved to another commit, wins.
	commit_file requirements.txt "x==1" "feat: x"
	git tag -f "cloud-executor-layer@0.2.0" HEAD >/dev/null
	run ovm plan --json --event push --before HEAD~1 --after HEAD --branch main
	[ "$status" -eq 0 ]
	echo "$output" >plan.json
	# The tag on after (the loose one) makes this a rerun of a partly
	# released event: only executor-layer@0.2.0 is missing.
	[ "$(json_track plan.json executor-layer reason)" = complete ]
	[ "$(json_track plan.json executor-layer version)" = 0.2.0 ]
	python3 - plan.json "$(git rev-parse HEAD)" <<'PY'
import json, sys
t = [t for t in json.load(open(sys.argv[1]))["tracks"] if t["name"] == "executor-layer"][0]
states = {g["name"]: (g["state"], g["target"]) for g in t["tags"]}
assert states == {"executor-layer@0.2.0": ("missing", sys.argv[2]),
                  "cloud-executor-layer@0.2.0": ("exists", sys.argv[2])}, states
PY
	git tag -d "cloud-executor-layer@0.2.0" >/dev/null
	git tag -a -m again "cloud-executor-layer@0.2.0" HEAD~1
	git pack-refs --all
	run ovm plan --json --event push --before HEAD~1 --after HEAD --branch main
	[ "$status" -eq 0 ]
	echo "$output" >plan.json
	[ "$(json_track plan.json executor-layer previous_version)" = 0.2.0 ]
	[ "$(json_track plan.json executor-layer version)" = 0.2.1 ]
	[ "$(json_track plan.json executor-layer reason)" = changed ]
}

@test "human output: an already-released event says its version was released earlier" {
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	git commit -qam "feat: base 0.6.0"
	git tag server-base@0.6.0
	run ovm plan --event push --before HEAD~1 --after HEAD --branch main
	[ "$status" -eq 0 ]
	[[ "$output" == *"server-base: skip (already-released"* ]]
	[[ "$output" == *"0.5.0 -> 0.6.0 (released earlier)"* ]]
	[[ "$output" == *"executor-layer: skip (unchanged"* ]]
}
