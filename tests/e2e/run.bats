#!/usr/bin/env bats
# ovm-release run (doc/decisions.md#what-run-does) end to end, against a real git daemon on
# 127.0.0.1 whose hooks run (libgit2's file transport runs none and has no
# compare-and-swap).  Every test checks what the REMOTE holds afterwards.

load helper
load plan_lib
load run_lib

setup() {
	setup_env
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	R=$TEST_DIR/repo.git
	serve_repo_git "$TEST_DIR/repo"
	log_pushes "$R"
}
teardown() {
	stop_servers
	teardown_env
}

# A package.json with tabs, a nested "version" and no final newline: only
# the top-level version's bytes may change.
odd_pkg() {
	printf '{\n\t"name": "executor",\n\t"version": "%s",\n\t"dependencies": {\n\t\t"left-pad": {"version": "%s"}\n\t},\n\t"private": true\n}' "$1" "$2"
}

# expect_only_version_changed OLD-REV NEW-REV PATH FROM TO: the blob at
# NEW-REV:PATH is the one at OLD-REV:PATH with the top-level version (the
# first "version" key) set from FROM to TO, and nothing else.
expect_only_version_changed() {
	git cat-file blob "$1:$3" >"$TEST_DIR/old.blob"
	git --git-dir="$R" cat-file blob "$2:$3" >"$TEST_DIR/new.blob"
	python3 - "$TEST_DIR/old.blob" "$TEST_DIR/new.blob" "$4" "$5" <<'PY'
import sys
old = open(sys.argv[1], "rb").read()
new = open(sys.argv[2], "rb").read()
a = b'"version": "' + sys.argv[3].encode() + b'"'
b = b'"version": "' + sys.argv[4].encode() + b'"'
want = old.replace(a, b, 1)
if new != want:
    sys.exit("blob differs beyond the version:\nwant %r\ngot  %r" % (want, new))
PY
}

# ---- releases ----------------------------------------------------------

@test "package.json change: both executor tags on a bump commit on the pushed commit, one tag per push" {
	odd_pkg 0.1.3 0.1.3 >package.json
	git add package.json
	test_tick
	git commit -q -m "feat: left-pad"
	ci_push
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	bump=$(rrev "$R" refs/heads/main)
	[ -n "$bump" ]
	[ "$bump" != "$AFTER" ]
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "bump parents" 1 "$(git --git-dir="$R" rev-list --parents -n1 "$bump" | wc -w | awk '{print $1-1}')"
	expect_eq "bump message" "$BUMP_MSG 0.1.4" "$(git --git-dir="$R" log -1 --format=%B "$bump" | sed '/^$/d')"
	expect_eq "bump author" "A U Thor <author@example.com>" "$(git --git-dir="$R" log -1 --format='%an <%ae>' "$bump")"
	expect_eq "bump files" package.json "$(git --git-dir="$R" diff-tree --no-commit-id --name-only -r "$bump")"
	expect_only_version_changed "$AFTER" "$bump" package.json 0.1.3 0.1.4
	expect_eq "remote tags" "cloud-executor-layer@0.1.3 $BEFORE
cloud-executor-layer@0.1.4 $bump
executor-layer@0.1.3 $BEFORE
executor-layer@0.1.4 $bump
server-base@0.5.0 $BEFORE" "$(rtags "$R")"
	# The branch first, then each tag in a push of its own.
	expect_eq "pushes" "refs/heads/main
refs/tags/executor-layer@0.1.4
refs/tags/cloud-executor-layer@0.1.4" "$(pushes "$R")"
	# The checkout followed, clean.
	expect_eq "HEAD" "$bump" "$(git rev-parse HEAD)"
	expect_eq "status" "" "$(git status --porcelain)"
	expect_eq "local tag" "$bump" "$(git rev-parse 'executor-layer@0.1.4^{commit}')"
	pycheck <<PY
ex = T("executor-layer")
assert ex["result"] == "released", ex["result"]
assert ex["version"] == "0.1.4" and ex["previous_version"] == "0.1.3"
assert ex["commit"]["id"] == "$bump", ex["commit"]
assert [(t["name"], t["target"]) for t in ex["tags"]] == [
    ("executor-layer@0.1.4", "$bump"), ("cloud-executor-layer@0.1.4", "$bump")], ex["tags"]
assert T("server-base")["result"] == "skipped"
PY
	no_lock
}

@test "package-lock.json: its root versions follow, nothing else in it changes" {
	printf '{\n  "name": "executor",\n  "version": "0.1.3",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n    "": {\n      "name": "executor",\n      "version": "0.1.3"\n    },\n    "node_modules/x": {\n      "version": "0.1.3"\n    }\n  }\n}\n' >package-lock.json
	git add package-lock.json
	test_tick
	git commit -q -m "chore: lockfile"
	ci_push
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "bump files" "package-lock.json
package.json" "$(git --git-dir="$R" diff-tree --no-commit-id --name-only -r "$bump" | sort)"
	expect_only_version_changed "$AFTER" "$bump" package.json 0.1.3 0.1.4
	git cat-file blob "$AFTER:package-lock.json" >"$TEST_DIR/lock.old"
	git --git-dir="$R" cat-file blob "$bump:package-lock.json" >"$TEST_DIR/lock.new"
	python3 - "$TEST_DIR/lock.old" "$TEST_DIR/lock.new" <<'PY'
import sys
old = open(sys.argv[1], "rb").read()
new = open(sys.argv[2], "rb").read()
# The first two "version"s are the root ones; node_modules/x keeps 0.1.3.
want = old.replace(b'"version": "0.1.3"', b'"version": "0.1.4"', 2)
assert new == want, "lockfile:\nwant %r\ngot  %r" % (want, new)
PY
	expect_eq "tag" "$bump" "$(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
}

@test "Dockerfile change: server-base tag on the pushed commit, no commit, one push" {
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	git commit -qam "feat: base 0.6.0"
	ci_push
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	expect_eq "remote main" "$AFTER" "$(rrev "$R" refs/heads/main)"
	expect_eq "remote tags" "cloud-executor-layer@0.1.3 $BEFORE
executor-layer@0.1.3 $BEFORE
server-base@0.5.0 $BEFORE
server-base@0.6.0 $AFTER" "$(rtags "$R")"
	expect_eq "pushes" "refs/tags/server-base@0.6.0" "$(pushes "$R")"
	expect_eq "HEAD" "$AFTER" "$(git rev-parse HEAD)"
	[ "$(jrun server-base result)" = released ]
	[ "$(jrun executor-layer result)" = skipped ]
}

@test "Dockerfile and requirements in one push: both tracks release, one ref per push" {
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	git commit -qam "feat: base 0.6.0"
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "remote tags" "cloud-executor-layer@0.1.3 $BEFORE
cloud-executor-layer@0.1.4 $bump
executor-layer@0.1.3 $BEFORE
executor-layer@0.1.4 $bump
server-base@0.5.0 $BEFORE
server-base@0.6.0 $AFTER" "$(rtags "$R")"
	# Four pushes of one ref each; the branch before the tags on its commit.
	expect_eq "push count" 4 "$(pushes "$R" | wc -l | tr -d ' ')"
	expect_eq "refs per push" "" "$(pushes "$R" | grep ' ' || true)"
	expect_eq "pushed refs" "refs/heads/main
refs/tags/cloud-executor-layer@0.1.4
refs/tags/executor-layer@0.1.4
refs/tags/server-base@0.6.0" "$(pushes "$R" | sort)"
	main_at=$(pushes "$R" | grep -n '^refs/heads/main$' | cut -d: -f1)
	for t in executor-layer@0.1.4 cloud-executor-layer@0.1.4; do
		at=$(pushes "$R" | grep -n "^refs/tags/$t\$" | cut -d: -f1)
		[ "$at" -gt "$main_at" ]
	done
	[ "$(jrun server-base result)" = released ]
	[ "$(jrun executor-layer result)" = released ]
}

@test "in GitHub Actions: the bot authors the bump commit and GITHUB_OUTPUT tells the result" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	push_payload "$TEST_DIR/ev.json" "$BEFORE" "$AFTER"
	gh_env push "$TEST_DIR/ev.json" "$AFTER"
	run_ovm run
	[ "$status" -eq 0 ]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "author" "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>" \
		"$(git --git-dir="$R" log -1 --format='%an <%ae>' "$bump")"
	expect_eq "committer" "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>" \
		"$(git --git-dir="$R" log -1 --format='%cn <%ce>' "$bump")"
	expect_eq "message" "$BUMP_MSG 0.1.4" "$(git --git-dir="$R" log -1 --format=%B "$bump" | sed '/^$/d')"
	expect_eq "tag" "$bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4)"
	gh_outputs "$GITHUB_OUTPUT"
	expect_eq "result" released "$(ghout executor_layer_result)"
	expect_eq "version" 0.1.4 "$(ghout executor_layer_version)"
	expect_eq "should_push" true "$(ghout executor_layer_should_push)"
	expect_eq "sb result" skipped "$(ghout server_base_result)"
}

@test "local event (no flags): the unpushed commit and its bump go up in the branch push" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	local_head=$(git rev-parse HEAD)
	old=$(rrev "$R" refs/heads/main)
	run_ovm run --json
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer result)" = released ]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$local_head" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "grandparent" "$old" "$(git --git-dir="$R" rev-parse "$bump^^")"
	expect_eq "tags" "$bump $bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4) $(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	expect_eq "pushes" "refs/heads/main
refs/tags/executor-layer@0.1.4
refs/tags/cloud-executor-layer@0.1.4" "$(pushes "$R")"
	expect_eq "HEAD" "$bump" "$(git rev-parse HEAD)"
}

@test "a tag that exists only locally is ignored with a warning: the remote's tags decide" {
	git tag executor-layer@0.1.4 HEAD
	git tag executor-layer@0.2.0 HEAD
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer version)" = 0.1.4 ]
	[[ "$(jrun executor-layer warnings)$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1], errors="replace"))["warnings"])' "$TEST_DIR/run.json")" == *"executor-layer@0.2.0"* ]]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "tags" "$bump $bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4) $(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	expect_eq "0.2.0 not pushed" "" "$(rrev "$R" refs/tags/executor-layer@0.2.0)"
	expect_eq "package.json" '"version": "0.1.4",' "$(git --git-dir="$R" show "$bump:package.json" | grep -o '"version": "[^"]*",')"
}

# ---- reruns --------------------------------------------------------------

@test "a rerun of a released push event: exit 0, already-released, no new ref" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer result)" = released ]
	rrefs "$R" >"$TEST_DIR/refs.1"
	: >"$R/push.log"
	# The rerun: same event, the checkout as CI would have it again.
	git checkout -q "$AFTER"
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer reason)" = already-released ]
	[ "$(jrun executor-layer result)" = skipped ]
	[ "$(jrun executor-layer version)" = 0.1.4 ]
	rrefs "$R" >"$TEST_DIR/refs.2"
	diff "$TEST_DIR/refs.1" "$TEST_DIR/refs.2"
	expect_eq "pushes" "" "$(pushes "$R")"
	expect_eq "bumps" 1 "$(bump_count "$R")"
	expect_eq "HEAD" "$AFTER" "$(git rev-parse HEAD)"
}

@test "a second workflow_dispatch: already-released, no second version" {
	commit_file README.md "# unreleased" "docs: readme"
	ci_push
	head=$(git rev-parse HEAD)
	run_ovm run --json --track executor-layer --event workflow_dispatch --after "$head" --branch main
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer reason)" = dispatch ]
	[ "$(jrun executor-layer result)" = released ]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$head" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "tag" "$bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4)"
	rrefs "$R" >"$TEST_DIR/refs.1"
	: >"$R/push.log"
	# The same dispatch run again (a rerun) ...
	git checkout -q "$head"
	run_ovm run --json --track executor-layer --event workflow_dispatch --after "$head" --branch main
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer reason)" = already-released ]
	[ "$(jrun executor-layer version)" = 0.1.4 ]
	# ... and a new dispatch on main's new head, the bump commit.
	git checkout -q "$bump"
	run_ovm run --json --track executor-layer --event workflow_dispatch --after "$bump" --branch main
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer reason)" = already-released ]
	[ "$(jrun executor-layer version)" = 0.1.4 ]
	rrefs "$R" >"$TEST_DIR/refs.2"
	diff "$TEST_DIR/refs.1" "$TEST_DIR/refs.2"
	expect_eq "pushes" "" "$(pushes "$R")"
	expect_eq "0.1.5" "" "$(rrev "$R" refs/tags/executor-layer@0.1.5)"
}

# ---- refusals and partial pushes ----------------------------------------

@test "B3: the version's tag on a commit outside after's history: exit 1, that track untouched, the other released" {
	# server-base@0.6.0 already names a commit on another line.
	git checkout -q -b side
	commit_file README.md "# side" "docs: side"
	side=$(git rev-parse HEAD)
	git push -q "$R" "$side:refs/heads/side"
	git push -q "$R" "$side:refs/tags/server-base@0.6.0"
	git checkout -q main
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	git commit -qam "feat: base 0.6.0"
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	run_ovm run --json $(ev)
	[ "$status" -eq 1 ]
	[ "$(jrun server-base reason)" = conflict ]
	[ "$(jrun server-base result)" = refused ]
	expect_eq "server-base@0.6.0" "$side" "$(rrev "$R" refs/tags/server-base@0.6.0)"
	expect_eq "server-base tags" "server-base@0.5.0 $BEFORE
server-base@0.6.0 $side" "$(rtags "$R" | grep '^server-base@')"
	[ "$(jrun executor-layer result)" = released ]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "exec tag" "$bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4)"
	expect_eq "pushes" "refs/heads/main
refs/tags/executor-layer@0.1.4
refs/tags/cloud-executor-layer@0.1.4" "$(pushes "$R")"
}

@test "the server rejects the tags: exit 4 naming what the remote holds; a rerun completes with one bump commit" {
	reject_tags "$R"
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	run_ovm run $(ev)
	[ "$status" -eq 4 ]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "no tag" "" "$(rrev "$R" refs/tags/executor-layer@0.1.4)$(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	expect_eq "pushes" "refs/heads/main" "$(pushes "$R")"
	# The message says the remote holds part of the release, and what.
	[[ "$stderr" == *"executor-layer@0.1.4"* ]]
	[[ "$stderr" == *"remote holds"* ]]
	[[ "$stderr$output" == *"${bump:0:12}"* ]]
	# The hook goes; the same event again completes the release.
	rm "$R/hooks/update"
	: >"$R/push.log"
	git checkout -q "$AFTER"
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer result)" = completed ]
	[ "$(jrun executor-layer version)" = 0.1.4 ]
	expect_eq "main" "$bump" "$(rrev "$R" refs/heads/main)"
	expect_eq "bumps" 1 "$(bump_count "$R")"
	expect_eq "tags" "$bump $bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4) $(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	expect_eq "pushes" "refs/tags/executor-layer@0.1.4
refs/tags/cloud-executor-layer@0.1.4" "$(pushes "$R")"
}

# ---- races ----------------------------------------------------------------

# racer_clone: a second clone of the remote at $TEST_DIR/racer.
racer_clone() {
	git clone -q "$R" "$TEST_DIR/racer"
}

@test "a racing push to main: the bump is rebuilt on the new tip, the racing commit kept" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	racer_clone
	(cd "$TEST_DIR/racer" && commit_file README.md "# raced" "docs: raced" &&
		git push -q origin main)
	racer=$(rrev "$R" refs/heads/main)
	[ "$racer" != "$AFTER" ]
	: >"$R/push.log"
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer result)" = released ]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$racer" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "racer parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$racer^")"
	expect_eq "bump message" "$BUMP_MSG 0.1.4" "$(git --git-dir="$R" log -1 --format=%s "$bump")"
	expect_eq "bump files" package.json "$(git --git-dir="$R" diff-tree --no-commit-id --name-only -r "$bump")"
	expect_eq "README kept" "# raced" "$(git --git-dir="$R" cat-file blob "$bump:README.md")"
	expect_eq "bumps" 1 "$(bump_count "$R")"
	expect_eq "tags" "$bump $bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4) $(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	expect_eq "pushes" "refs/heads/main
refs/tags/executor-layer@0.1.4
refs/tags/cloud-executor-layer@0.1.4" "$(pushes "$R")"
}

@test "a racing push that released already: already-released, no second version" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	racer_clone
	(cd "$TEST_DIR/racer" && bump_commit 0.1.4 &&
		git tag executor-layer@0.1.4 && git tag cloud-executor-layer@0.1.4 &&
		git push -q origin main && git push -q origin executor-layer@0.1.4 &&
		git push -q origin cloud-executor-layer@0.1.4)
	rrefs "$R" >"$TEST_DIR/refs.1"
	: >"$R/push.log"
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer reason)" = already-released ]
	[ "$(jrun executor-layer version)" = 0.1.4 ]
	rrefs "$R" >"$TEST_DIR/refs.2"
	diff "$TEST_DIR/refs.1" "$TEST_DIR/refs.2"
	expect_eq "pushes" "" "$(pushes "$R")"
	expect_eq "bumps" 1 "$(bump_count "$R")"
}

@test "a racing push of a bump commit without its tags: completed on that commit, no second version" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	racer_clone
	(cd "$TEST_DIR/racer" && bump_commit 0.1.4 && git push -q origin main)
	racer=$(rrev "$R" refs/heads/main)
	: >"$R/push.log"
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer version)" = 0.1.4 ]
	expect_eq "main" "$racer" "$(rrev "$R" refs/heads/main)"
	expect_eq "bumps" 1 "$(bump_count "$R")"
	expect_eq "tags" "$racer $racer" "$(rrev "$R" refs/tags/executor-layer@0.1.4) $(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	expect_eq "0.1.5" "" "$(rtags "$R" | grep -F 0.1.5 || true)"
	expect_eq "pushes" "refs/tags/executor-layer@0.1.4
refs/tags/cloud-executor-layer@0.1.4" "$(pushes "$R")"
}

# ---- refused before anything is written --------------------------------

@test "dirty package.json in the working tree: exit 1, nothing written, nothing pushed" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	rrefs "$R" >"$TEST_DIR/refs.1"
	odd_pkg 0.1.3 9.9.9 >package.json
	cp package.json "$TEST_DIR/dirty"
	run_ovm run --json $(ev)
	[ "$status" -eq 1 ]
	[ "$(jrun executor-layer result)" = refused ]
	rrefs "$R" >"$TEST_DIR/refs.2"
	diff "$TEST_DIR/refs.1" "$TEST_DIR/refs.2"
	expect_eq "pushes" "" "$(pushes "$R")"
	cmp package.json "$TEST_DIR/dirty"
	expect_eq "HEAD" "$AFTER" "$(git rev-parse HEAD)"
	expect_eq "local tag" "" "$(git tag -l 'executor-layer@0.1.4')"
	no_lock
}

@test "a held lock (a live pid): exit 3, nothing pushed, the lock kept" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	rrefs "$R" >"$TEST_DIR/refs.1"
	lock=$(git rev-parse --git-common-dir)/ovm-release.lock
	echo "$$" >"$lock"
	run_ovm run $(ev)
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"ovm-release.lock"* || "$stderr" == *"$$"* ]]
	rrefs "$R" >"$TEST_DIR/refs.2"
	diff "$TEST_DIR/refs.1" "$TEST_DIR/refs.2"
	expect_eq "lock" "$$" "$(cat "$lock")"
	expect_eq "HEAD" "$AFTER" "$(git rev-parse HEAD)"
}

@test "a stale lock (a finished process): reclaimed with a warning, the release goes on" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	sh -c 'exit 0' &
	dead=$!
	wait "$dead" || true
	if kill -0 "$dead" 2>/dev/null; then false; fi
	lock=$(git rev-parse --git-common-dir)/ovm-release.lock
	echo "$dead" >"$lock"
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"$dead"* ]]
	[[ "$stderr" == *stale* ]]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "tag" "$bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4)"
	no_lock
}

@test "a broken package.json in the pushed commit: exit 2, nothing pushed" {
	printf '{\n  "name": "executor",\n  "version": "0.1.3",\n' >package.json
	git add package.json
	test_tick
	git commit -q -m "feat: half a package.json"
	ci_push
	rrefs "$R" >"$TEST_DIR/refs.1"
	run_ovm run $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *package.json* ]]
	rrefs "$R" >"$TEST_DIR/refs.2"
	diff "$TEST_DIR/refs.1" "$TEST_DIR/refs.2"
	expect_eq "pushes" "" "$(pushes "$R")"
	expect_eq "HEAD" "$AFTER" "$(git rev-parse HEAD)"
	no_lock
}

@test "HEAD is not after while package.json must be written: exit 2, nothing written or pushed" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	commit_file README.md "# later" "docs: a later local commit"
	head=$(git rev-parse HEAD)
	rrefs "$R" >"$TEST_DIR/refs.1"
	run_ovm run $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *HEAD* ]]
	rrefs "$R" >"$TEST_DIR/refs.2"
	diff "$TEST_DIR/refs.1" "$TEST_DIR/refs.2"
	expect_eq "HEAD" "$head" "$(git rev-parse HEAD)"
	expect_eq "status" "" "$(git status --porcelain)"
	expect_eq "local tag" "" "$(git tag -l 'executor-layer@0.1.4')"
	no_lock
}

# ---- --no-push ------------------------------------------------------------

@test "--no-push: the bump commit and tags are made locally, the remote untouched" {
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	rrefs "$R" >"$TEST_DIR/refs.1"
	run_ovm run --json --no-push $(ev)
	[ "$status" -eq 0 ]
	bump=$(git rev-parse HEAD)
	[ "$bump" != "$AFTER" ]
	expect_eq "bump parent" "$AFTER" "$(git rev-parse "$bump^")"
	expect_eq "bump message" "$BUMP_MSG 0.1.4" "$(git log -1 --format=%s "$bump")"
	expect_eq "local tags" "$bump $bump" "$(git rev-parse 'executor-layer@0.1.4^{commit}') $(git rev-parse 'cloud-executor-layer@0.1.4^{commit}')"
	expect_eq "package.json" "$(pkg_version 0.1.4)" "$(cat package.json)"
	expect_eq "status" "" "$(git status --porcelain)"
	rrefs "$R" >"$TEST_DIR/refs.2"
	diff "$TEST_DIR/refs.1" "$TEST_DIR/refs.2"
	expect_eq "pushes" "" "$(pushes "$R")"
	expect_eq "main" "$AFTER" "$(rrev "$R" refs/heads/main)"
}
