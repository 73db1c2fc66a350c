#!/usr/bin/env bats
# The post-commit hook (doc/decisions.md#the-hook) end to end: install-hook writes
# hooks/post-commit into the hooks directory, and real `git commit`s (and
# merges, cherry-picks, reverts, rebases, bisects) run it.  Each test
# checks the exact lines the hook printed through git, and where a silence
# is expected, that the same state without the guard would have spoken.

load helper
load run_lib
load hook_lib

setup() {
	hook_setup
}
teardown() {
	stop_servers
	teardown_env
}

# ---- install-hook ------------------------------------------------------

@test "install-hook writes hooks/post-commit, executable, into .git/hooks" {
	install_hook
	expect_out "ovm-release: installed $TEST_DIR/repo/.git/hooks/post-commit"
	[ -x .git/hooks/post-commit ]
	same_file "$HOOK_SRC" .git/hooks/post-commit
	[ ! -e .git/hooks/post-commit.ovm-release-chained ]
	[ ! -e .git/hooks/post-commit.ovm-release-saved ]
	# The hook is POSIX sh.
	sh -n .git/hooks/post-commit
}

@test "notify: a requirements.txt change says what the push releases (LC_ALL=C: ->)" {
	install_hook
	req_change
	gcommit "deps: add a package"
	expect_out "$EX_REQ"
}

@test "notify: a UTF-8 locale gets the arrow U+2192 (LC_ALL=C.UTF-8, and LANG alone)" {
	install_hook
	req_change
	LC_ALL=C.UTF-8 gcommit "deps: add a package"
	expect_out "ovm-release: executor-layer 0.1.3 → 0.1.4 on push (requirements.txt changed)"
	# The same with only LANG saying UTF-8.
	pkg_change
	(
		unset LC_ALL LC_CTYPE
		export LANG=C.UTF-8
		test_tick
		git commit -q -m "deps: node" >"$TEST_DIR/out" 2>&1
	)
	output=$(cat "$TEST_DIR/out")
	expect_out "ovm-release: executor-layer 0.1.3 → 0.1.4 on push (package.json, requirements.txt changed)"
}

@test "notify: a package.json dependency change, and a hand bump honoured" {
	install_hook
	pkg_change
	gcommit "deps: left-pad"
	expect_out "$EX_PKG"
	git push -q
	# A person bumps package.json above the tags: that version is released.
	pkg_version 0.2.0
	gcommit "feat: big change, version 0.2.0"
	expect_out "ovm-release: executor-layer 0.1.3 -> 0.2.0 on push (package.json changed)"
}

@test "notify: nothing for a quiet commit, a watch-only change or [skip ci]" {
	install_hook
	readme_change
	gcommit "docs: readme"
	expect_out ""
	git push -q
	printf 'name: tag executor-layer (edited)\n' >.github/workflows/tag-executor-layer.yml
	git add .github/workflows/tag-executor-layer.yml
	gcommit "ci: workflow"
	expect_out ""
	git push -q
	req_change
	gcommit "deps: add a package [skip ci]"
	expect_out ""
	# The hook is installed and working: the same change without the
	# marker speaks.
	gcommit "deps: really" --amend
	expect_out "$EX_REQ"
}

@test "notify: a quiet commit on top of an unpushed trigger commit still announces the push" {
	install_hook
	req_change
	gcommit "deps: add a package"
	expect_out "$EX_REQ"
	readme_change
	gcommit "docs: readme"
	expect_out "$EX_REQ"
	# Once pushed, the next quiet commit is quiet.
	git push -q
	readme_change
	gcommit "docs: more"
	expect_out ""
}

@test "notify: both tracks, one line each, in the default config order" {
	install_hook
	req_change
	from_change v0.6.0
	gcommit "feat: new base and deps"
	expect_out "$SB_060
$EX_REQ"
}

@test "notify: both tracks follow the configuration's order (tracks reversed)" {
	ovm-release config >"$TEST_DIR/default.json"
	python3 - "$TEST_DIR/default.json" >.ovm-release.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tracks"].reverse()
print(json.dumps(c, indent=2))
PY
	git add .ovm-release.json
	test_tick
	git commit -q -m "chore: config with the tracks reversed"
	git push -q
	install_hook
	req_change
	from_change v0.6.0
	gcommit "feat: new base and deps"
	expect_out "$EX_REQ
$SB_060"
}

@test "notify: the skip token silences its track only" {
	install_hook
	req_change
	from_change v0.6.0
	gcommit "feat: base and deps [skip executor-layer-tag]"
	expect_out "$SB_060"
}

@test "notify: git commit --amend is announced like any commit" {
	install_hook
	req_change
	gcommit "deps: a"
	expect_out "$EX_REQ"
	from_change v0.6.0
	gcommit "deps and base" --amend
	expect_out "$SB_060
$EX_REQ"
}

# ---- feature branches ----------------------------------------------------

@test "feature branch: predicts the merge into main" {
	install_hook
	git switch -q -c feature
	req_change
	gcommit "deps: on a feature branch"
	expect_out "ovm-release: executor-layer 0.1.3 -> 0.1.4 on merge into main (requirements.txt changed)"
	from_change v0.6.0
	gcommit "base: on a feature branch"
	expect_out "ovm-release: server-base 0.5.0 -> 0.6.0 on merge into main (dockerfiles/server-base.dockerfile changed)
ovm-release: executor-layer 0.1.3 -> 0.1.4 on merge into main (requirements.txt changed)"
}

@test "feature branch with its own upstream: still the merge into main" {
	install_hook
	git switch -q -c feature
	git push -q -u origin feature
	req_change
	gcommit "deps: on a pushed feature branch"
	expect_out "ovm-release: executor-layer 0.1.3 -> 0.1.4 on merge into main (requirements.txt changed)"
}

@test "feature branch: a quiet commit there says nothing" {
	install_hook
	git switch -q -c feature
	readme_change
	gcommit "docs: on a feature branch"
	expect_out ""
	req_change
	gcommit "deps: on a feature branch"
	expect_out "ovm-release: executor-layer 0.1.3 -> 0.1.4 on merge into main (requirements.txt changed)"
}

# ---- guards: silent, exit 0 ----------------------------------------------

@test "guard: OVM_RELEASE_ACTIVE set: silent (through git and when run directly)" {
	install_hook
	req_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: with the guard"
	expect_out ""
	OVM_RELEASE_ACTIVE=1 direct_hook
	expect_eq stdout "" "$output"
	expect_eq stderr "" "$stderr"
	# Without it, the same HEAD speaks.
	direct_hook
	expect_eq stdout "$EX_REQ" "$output"
	expect_eq stderr "" "$stderr"
}

@test "guard: HEAD is a bump commit made by hand (only the version changed): silent" {
	install_hook
	req_change
	gcommit "deps: add a package"
	expect_out "$EX_REQ"
	pkg_version 0.1.4
	gcommit "$BUMP_MSG 0.1.4"
	expect_out ""
	direct_hook
	expect_eq "direct stdout" "" "$output"
	expect_eq "direct stderr" "" "$stderr"
}

@test "guard: HEAD is a bump commit straight on the pushed tip: silent" {
	install_hook
	pkg_version 0.1.4
	gcommit "$BUMP_MSG 0.1.4"
	expect_out ""
	# The hook does speak for this range once HEAD is no bump commit.
	gcommit "chore: empty" --allow-empty
	expect_out "$EX_PKG"
}

@test "guard: HEAD with the bump message but other changes too: silent" {
	install_hook
	pkg_version 0.1.4
	req_change
	from_change v0.6.0
	gcommit "$BUMP_MSG 0.1.4"
	expect_out ""
	# The next ordinary commit speaks again.
	readme_change
	gcommit "docs: after the bump"
	[ -n "$output" ]
}

@test "guard: git rebase --force-rebase replaying trigger commits: silent for each" {
	install_hook
	req_change
	gcommit "deps: a"
	pkg_change
	gcommit "deps: b"
	run git rebase -q --force-rebase HEAD~2
	echo "# rebase: $status [$output]" >&2
	[ "$status" -eq 0 ]
	expect_out ""
	# Both commits were rewritten (so the hook did run twice).
	expect_eq "rebase reflog" 2 "$(git reflog -n 10 --format=%gs | grep -c '^rebase (pick)')"
	# The next ordinary commit speaks.
	gcommit "chore: empty" --allow-empty
	expect_out "ovm-release: executor-layer 0.1.3 -> 0.1.4 on push (package.json, requirements.txt changed)"
}

@test "guard: interactive rebase replaying a package.json change (GIT_SEQUENCE_EDITOR=true): silent" {
	install_hook
	pkg_change
	gcommit "deps: node"
	req_change
	gcommit "deps: python"
	GIT_SEQUENCE_EDITOR=true run git rebase -q -i --force-rebase HEAD~2
	echo "# rebase -i: $status [$output]" >&2
	[ "$status" -eq 0 ]
	expect_out ""
	expect_eq "rebase reflog" 2 "$(git reflog -n 10 --format=%gs | grep -c '^rebase (pick)')"
	gcommit "chore: empty" --allow-empty
	expect_out "ovm-release: executor-layer 0.1.3 -> 0.1.4 on push (package.json, requirements.txt changed)"
}

@test "guard: interactive rebase with reword and fixup (sed script): silent for every commit" {
	install_hook
	pkg_change
	gcommit "deps: node"
	req_change
	gcommit "deps: python"
	from_change v0.6.0
	gcommit "base: new"
	tree=$(git rev-parse "HEAD^{tree}")
	# reword the first, fold the third into the second.
	GIT_SEQUENCE_EDITOR="sed -i -e '1s/^pick/reword/' -e '3s/^pick/fixup/'" \
		GIT_EDITOR="sed -i -e '1s/^/re: /'" run git rebase -q -i HEAD~3
	echo "# rebase -i: $status [$output]" >&2
	[ "$status" -eq 0 ]
	# git's own summary of the reworded commit, no hook line.
	[[ "$output" != *ovm-release* ]]
	expect_eq "subjects" "deps: python
re: deps: node" "$(git log --format=%s -n 2)"
	expect_eq "same tree" "$tree" "$(git rev-parse "HEAD^{tree}")"
	gcommit "chore: empty" --allow-empty
	expect_out "$SB_060
ovm-release: executor-layer 0.1.3 -> 0.1.4 on push (package.json, requirements.txt changed)"
}

@test "guard: git pull --rebase replaying local trigger commits: silent" {
	git clone -q "$R" "$TEST_DIR/other"
	(
		cd "$TEST_DIR/other"
		echo "other" >>README.md
		git commit -q -am "docs: from elsewhere"
		git push -q
	)
	install_hook
	req_change
	gcommit "deps: local"
	expect_out "$EX_REQ"
	run git pull -q --rebase
	echo "# pull --rebase: $status [$output]" >&2
	[ "$status" -eq 0 ]
	expect_out ""
	expect_eq "rebased on the remote" "$(git rev-parse origin/main)" "$(git rev-parse HEAD~1)"
}

@test "guard: a multi-commit cherry-pick (git cherry-pick A B): silent for each" {
	install_hook
	git switch -q -c feature
	req_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: a"
	a=$(git rev-parse HEAD)
	pkg_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: b"
	b=$(git rev-parse HEAD)
	git switch -q main
	test_tick
	run git cherry-pick "$a" "$b"
	echo "# cherry-pick A B: $status [$output]" >&2
	[ "$status" -eq 0 ]
	# git's own summary lines only, no hook line.
	[[ "$output" != *ovm-release* ]]
	expect_eq "picked" "deps: b
deps: a" "$(git log --format=%s -n 2)"
	gcommit "chore: empty" --allow-empty
	expect_out "ovm-release: executor-layer 0.1.3 -> 0.1.4 on push (package.json, requirements.txt changed)"
}

@test "single cherry-pick: announced" {
	install_hook
	git switch -q -c feature
	req_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: a"
	a=$(git rev-parse HEAD)
	git switch -q main
	test_tick
	run git cherry-pick "$a"
	echo "# cherry-pick A: $status [$output]" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == *"$EX_REQ"* ]]
	expect_eq "hook lines" "$EX_REQ" "$(grep '^ovm-release' <<<"$output")"
}

@test "single cherry-pick -x with a conflict, concluded with git commit: announced" {
	install_hook
	git switch -q -c feature
	printf 'requests==2.32.0\n' >requirements.txt
	git add requirements.txt
	OVM_RELEASE_ACTIVE=1 gcommit "deps: requests 2.32"
	a=$(git rev-parse HEAD)
	git switch -q main
	printf 'requests==2.31.1\n' >requirements.txt
	git add requirements.txt
	OVM_RELEASE_ACTIVE=1 gcommit "deps: requests 2.31.1"
	git push -q
	run git cherry-pick -x "$a"
	[ "$status" -ne 0 ]
	printf 'requests==2.32.0\n' >requirements.txt
	git add requirements.txt
	gcommit "deps: requests 2.32 (picked)"
	expect_out "$EX_REQ"
}

@test "guard: a multi-commit revert (git revert A B): silent for each" {
	install_hook
	req_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: a"
	req_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: b"
	git push -q
	test_tick
	run git revert --no-edit HEAD HEAD~1
	echo "# revert A B: $status [$output]" >&2
	[ "$status" -eq 0 ]
	[[ "$output" != *ovm-release* ]]
	expect_eq "reverted" 'Revert "deps: a"
Revert "deps: b"' "$(git log --format=%s -n 2)"
	gcommit "chore: empty" --allow-empty
	expect_out "$EX_REQ"
}

@test "single revert: announced" {
	install_hook
	req_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: a"
	git push -q
	test_tick
	run git revert --no-edit HEAD
	echo "# revert A: $status [$output]" >&2
	[ "$status" -eq 0 ]
	expect_eq "hook lines" "$EX_REQ" "$(grep '^ovm-release' <<<"$output")"
}

@test "guard: a commit during a bisect: silent" {
	install_hook
	git bisect start
	git bisect bad
	req_change
	gcommit "deps: while bisecting"
	expect_out ""
	git bisect reset >/dev/null 2>&1
	expect_eq "still on main" main "$(git symbolic-ref --short HEAD)"
	gcommit "chore: empty" --allow-empty
	expect_out "$EX_REQ"
}

@test "guard: main with no upstream: silent" {
	install_hook
	git branch -q --unset-upstream
	req_change
	gcommit "deps: no upstream"
	expect_out ""
	# With the upstream back, the same HEAD speaks.
	git branch -q -u origin/main
	direct_hook
	expect_eq stdout "$EX_REQ" "$output"
}

@test "guard: no remote at all (main and a feature branch): silent" {
	git init -q "$TEST_DIR/solo"
	cd "$TEST_DIR/solo"
	mkdir -p dockerfiles
	printf 'FROM ghcr.io/oomol/server-base:v0.5.0\n' >dockerfiles/server-base.dockerfile
	printf '{"name": "x", "version": "0.1.0"}\n' >package.json
	printf 'a==1\n' >requirements.txt
	git add -A
	install_hook
	gcommit "initial"
	expect_out ""
	req_change
	gcommit "deps"
	expect_out ""
	git switch -q -c feature
	from_change v0.6.0
	gcommit "base"
	expect_out ""
	# With a remote holding main, the feature branch's commits speak.
	git init -q --bare "$TEST_DIR/solo.git"
	git remote add origin "$TEST_DIR/solo.git"
	git push -q origin main
	req_change
	gcommit "deps on feature"
	[[ "$output" == *"executor-layer "*" on merge into main (requirements.txt changed)"* ]]
}

# ---- merges ----------------------------------------------------------------

@test "merge commit (git merge --no-commit, then git commit): announced" {
	install_hook
	git switch -q -c feature
	req_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: on feature"
	git switch -q main
	readme_change
	OVM_RELEASE_ACTIVE=1 gcommit "docs: on main"
	git push -q
	git merge -q --no-ff --no-commit feature
	test_tick
	run git commit -q --no-edit
	[ "$status" -eq 0 ]
	expect_out "$EX_REQ"
	expect_eq parents 3 "$(git rev-list --parents -n1 HEAD | wc -w | tr -d ' ')"
}

@test "conflicted merge resolved with git commit: announced" {
	install_hook
	git switch -q -c feature
	printf 'requests==2.32.0\n' >requirements.txt
	git add requirements.txt
	OVM_RELEASE_ACTIVE=1 gcommit "deps: requests 2.32"
	git switch -q main
	printf 'requests==2.31.1\n' >requirements.txt
	git add requirements.txt
	OVM_RELEASE_ACTIVE=1 gcommit "deps: requests 2.31.1"
	git push -q
	run git merge -q feature
	[ "$status" -ne 0 ]
	printf 'requests==2.32.0\n' >requirements.txt
	git add requirements.txt
	test_tick
	run git commit -q --no-edit
	[ "$status" -eq 0 ]
	expect_out "$EX_REQ"
	expect_eq parents 3 "$(git rev-list --parents -n1 HEAD | wc -w | tr -d ' ')"
}

# ---- chaining, --force, uninstall, idempotence ---------------------------

@test "chaining: an existing post-commit hook still runs after ours, with OVM_RELEASE_ACTIVE=1" {
	prev_hook .git/hooks/post-commit
	install_hook
	expect_out "ovm-release: the existing post-commit hook is chained as $TEST_DIR/repo/.git/hooks/post-commit.ovm-release-chained
ovm-release: installed $TEST_DIR/repo/.git/hooks/post-commit"
	same_file "$TEST_DIR/prev-hook.orig" .git/hooks/post-commit.ovm-release-chained
	same_file "$HOOK_SRC" .git/hooks/post-commit
	req_change
	gcommit "deps: a"
	expect_out "$EX_REQ
previous hook: OVM_RELEASE_ACTIVE=1"
	git push -q
	readme_change
	gcommit "docs"
	expect_out "previous hook: OVM_RELEASE_ACTIVE=1"
	expect_eq "previous hook runs" 2 "$(prev_runs)"
}

@test "chaining: the chained hook runs even when ovm-release is not on PATH" {
	prev_hook .git/hooks/post-commit
	install_hook
	req_change
	PATH=${PATH#"$TEST_DIR/bin:"}
	if command -v ovm-release >/dev/null; then
		skip "an ovm-release is installed on PATH"
	fi
	gcommit "deps: a"
	expect_out "previous hook: OVM_RELEASE_ACTIVE=1"
}

@test "hook without ovm-release on PATH: silent, the commit succeeds" {
	install_hook
	PATH=${PATH#"$TEST_DIR/bin:"}
	if command -v ovm-release >/dev/null; then
		skip "an ovm-release is installed on PATH"
	fi
	req_change
	gcommit "deps: a"
	expect_out ""
	expect_eq subject "deps: a" "$(git log -1 --format=%s)"
}

@test "--force: the existing hook is set aside as post-commit.ovm-release-saved and not run" {
	prev_hook .git/hooks/post-commit
	install_hook --force
	expect_out "ovm-release: the existing post-commit hook was set aside as $TEST_DIR/repo/.git/hooks/post-commit.ovm-release-saved
ovm-release: installed $TEST_DIR/repo/.git/hooks/post-commit"
	same_file "$TEST_DIR/prev-hook.orig" .git/hooks/post-commit.ovm-release-saved
	[ ! -e .git/hooks/post-commit.ovm-release-chained ]
	req_change
	gcommit "deps: a"
	expect_out "$EX_REQ"
	expect_eq "previous hook runs" 0 "$(prev_runs)"
	# --uninstall brings it back.
	install_hook --uninstall
	same_file "$TEST_DIR/prev-hook.orig" .git/hooks/post-commit
	[ -x .git/hooks/post-commit ]
	[ ! -e .git/hooks/post-commit.ovm-release-saved ]
	readme_change
	gcommit "docs"
	expect_out "previous hook: OVM_RELEASE_ACTIVE=unset"
}

@test "--uninstall restores the chained hook exactly; ours no longer runs" {
	prev_hook .git/hooks/post-commit
	install_hook
	install_hook --uninstall
	same_file "$TEST_DIR/prev-hook.orig" .git/hooks/post-commit
	[ -x .git/hooks/post-commit ]
	[ ! -e .git/hooks/post-commit.ovm-release-chained ]
	req_change
	gcommit "deps: a"
	expect_out "previous hook: OVM_RELEASE_ACTIVE=unset"
}

@test "--uninstall with no previous hook removes ours; a foreign hook is left alone" {
	install_hook
	install_hook --uninstall
	[ ! -e .git/hooks/post-commit ]
	req_change
	gcommit "deps: a"
	expect_out ""
	# Not ours: untouched.
	prev_hook .git/hooks/post-commit
	install_hook --uninstall
	same_file "$TEST_DIR/prev-hook.orig" .git/hooks/post-commit
	readme_change
	gcommit "docs"
	expect_out "previous hook: OVM_RELEASE_ACTIVE=unset"
}

@test "re-install is idempotent: one line per commit, the chained hook still the original" {
	prev_hook .git/hooks/post-commit
	install_hook
	cp .git/hooks/post-commit "$TEST_DIR/after-first"
	install_hook
	install_hook
	same_file "$TEST_DIR/after-first" .git/hooks/post-commit
	same_file "$TEST_DIR/prev-hook.orig" .git/hooks/post-commit.ovm-release-chained
	[ ! -e .git/hooks/post-commit.ovm-release-saved ]
	expect_eq "hook files" "post-commit
post-commit.ovm-release-chained" "$(cd .git/hooks && ls | grep '^post-commit')"
	req_change
	gcommit "deps: a"
	expect_out "$EX_REQ
previous hook: OVM_RELEASE_ACTIVE=1"
	# And install, uninstall, install again: the same as once.
	install_hook --uninstall
	install_hook
	same_file "$TEST_DIR/after-first" .git/hooks/post-commit
	same_file "$TEST_DIR/prev-hook.orig" .git/hooks/post-commit.ovm-release-chained
}

@test "re-install with --force over our own hook changes nothing" {
	install_hook
	install_hook --force
	same_file "$HOOK_SRC" .git/hooks/post-commit
	[ ! -e .git/hooks/post-commit.ovm-release-saved ]
	[ ! -e .git/hooks/post-commit.ovm-release-chained ]
	req_change
	gcommit "deps: a"
	expect_out "$EX_REQ"
}

# ---- where the hooks live ------------------------------------------------

@test "core.hooksPath relative: installed relative to the worktree top, from a subdirectory" {
	git config core.hooksPath .githooks
	mkdir -p sub/deeper
	cd sub/deeper
	install_hook
	cd "$TEST_DIR/repo"
	[ -x .githooks/post-commit ]
	same_file "$HOOK_SRC" .githooks/post-commit
	[ ! -e .git/hooks/post-commit ]
	[ ! -e sub/deeper/.githooks ]
	cd sub/deeper
	printf 'x==1\n' >>../../requirements.txt
	git add ../../requirements.txt
	gcommit "deps: from a subdirectory"
	expect_out "$EX_REQ"
}

@test "core.hooksPath relative, with an existing hook there: chained" {
	git config core.hooksPath .githooks
	prev_hook .githooks/post-commit
	install_hook
	same_file "$TEST_DIR/prev-hook.orig" .githooks/post-commit.ovm-release-chained
	req_change
	gcommit "deps: a"
	expect_out "$EX_REQ
previous hook: OVM_RELEASE_ACTIVE=1"
}

@test "core.hooksPath absolute: installed there" {
	mkdir -p "$TEST_DIR/shared-hooks"
	git config core.hooksPath "$TEST_DIR/shared-hooks"
	install_hook
	expect_out "ovm-release: installed $TEST_DIR/shared-hooks/post-commit"
	same_file "$HOOK_SRC" "$TEST_DIR/shared-hooks/post-commit"
	[ ! -e .git/hooks/post-commit ]
	req_change
	gcommit "deps: a"
	expect_out "$EX_REQ"
}

@test "core.hooksPath with ~/: installed under HOME" {
	git config core.hooksPath '~/githooks'
	install_hook
	same_file "$HOOK_SRC" "$HOME/githooks/post-commit"
	[ ! -e .git/hooks/post-commit ]
	[ ! -e './~' ]
	req_change
	gcommit "deps: a"
	expect_out "$EX_REQ"
}

@test "linked worktree: install from it goes to the common hooks; both checkouts run it" {
	git worktree add -q -b topic "$TEST_DIR/wt"
	cd "$TEST_DIR/wt"
	install_hook
	expect_out "ovm-release: installed $TEST_DIR/repo/.git/hooks/post-commit"
	same_file "$HOOK_SRC" "$TEST_DIR/repo/.git/hooks/post-commit"
	[ ! -e "$TEST_DIR/repo/.git/worktrees/wt/hooks" ]
	req_change
	gcommit "deps: in the worktree"
	expect_out "ovm-release: executor-layer 0.1.3 -> 0.1.4 on merge into main (requirements.txt changed)"
	cd "$TEST_DIR/repo"
	from_change v0.6.0
	gcommit "base: in the main checkout"
	expect_out "$SB_060"
}

@test "linked worktree: a rebase and a cherry-pick sequence there are silent" {
	install_hook
	git worktree add -q -b topic "$TEST_DIR/wt"
	cd "$TEST_DIR/wt"
	req_change
	gcommit "deps: a"
	expect_out "ovm-release: executor-layer 0.1.3 -> 0.1.4 on merge into main (requirements.txt changed)"
	pkg_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: b"
	run git rebase -q --force-rebase HEAD~2
	[ "$status" -eq 0 ]
	expect_out ""
	a=$(git rev-parse HEAD~1)
	b=$(git rev-parse HEAD)
	git switch -q -c topic2 main
	run git cherry-pick "$a" "$b"
	[ "$status" -eq 0 ]
	[[ "$output" != *ovm-release* ]]
}

# ---- errors never fail the commit ---------------------------------------

@test "broken .ovm-release.json: one warning line on stderr, exit 0, the commit is made" {
	install_hook
	printf '{"hook": {"mode": "notify"},\n' >.ovm-release.json
	req_change
	gcommit "deps: with a broken config"
	expect_eq subject "deps: with a broken config" "$(git log -1 --format=%s)"
	expect_eq "lines" 1 "$(printf '%s\n' "$output" | wc -l | tr -d ' ')"
	[[ "$output" == "ovm-release: warning: "* ]]
	[[ "$output" == *".ovm-release.json"* ]]
	direct_hook
	expect_eq stdout "" "$output"
	expect_eq "stderr lines" 1 "$(printf '%s\n' "$stderr" | wc -l | tr -d ' ')"
	[[ "$stderr" == "ovm-release: warning: "* ]]
}

@test "config with an unknown key: one warning line naming it, the commit is made" {
	install_hook
	printf '{"hook": {"mode": "notify", "colour": true}}\n' >.ovm-release.json
	req_change
	gcommit "deps: odd config"
	expect_eq subject "deps: odd config" "$(git log -1 --format=%s)"
	expect_eq "lines" 1 "$(printf '%s\n' "$output" | wc -l | tr -d ' ')"
	[[ "$output" == "ovm-release: warning: "*colour* ]]
}

@test "broken package.json: one warning line, the commit is made" {
	install_hook
	printf '{\n  "name": "executor",\n  "version": "0.1.3",\n' >package.json
	git add package.json
	gcommit "deps: broken package.json"
	expect_eq subject "deps: broken package.json" "$(git log -1 --format=%s)"
	expect_eq "lines" 1 "$(printf '%s\n' "$output" | wc -l | tr -d ' ')"
	[[ "$output" == "ovm-release: warning: "*package.json* ]]
	direct_hook
	expect_eq stdout "" "$output"
	[[ "$stderr" == "ovm-release: warning: "*package.json* ]]
}

@test "Dockerfile FROM without a SemVer tag: one warning line, the commit is made" {
	install_hook
	from_change latest
	gcommit "base: latest"
	expect_eq subject "base: latest" "$(git log -1 --format=%s)"
	expect_eq "lines" 1 "$(printf '%s\n' "$output" | wc -l | tr -d ' ')"
	[[ "$output" == "ovm-release: warning: "* ]]
}

# ---- no network, instant -------------------------------------------------

@test "no network: origin at an unreachable http://127.0.0.1:9/x.git, the line is right and quick" {
	install_hook
	git remote set-url origin http://127.0.0.1:9/x.git
	req_change
	t0=$(now_ms)
	gcommit "deps: a"
	t1=$(now_ms)
	expect_out "$EX_REQ"
	echo "# commit with the hook took $((t1 - t0)) ms" >&2
	# Under valgrind (make test-valgrind) only the timing is not checked.
	[ -n "${OVM_TEST_VALGRIND:-}" ] || [ $((t1 - t0)) -lt 3000 ]
}

@test "no network: origin at a listener that records connections and never answers" {
	start_recorder
	install_hook
	git remote set-url origin "http://127.0.0.1:$REC_PORT/x.git"
	req_change
	from_change v0.6.0
	t0=$(now_ms)
	gcommit "deps: a"
	t1=$(now_ms)
	expect_out "$SB_060
$EX_REQ"
	echo "# commit with the hook took $((t1 - t0)) ms" >&2
	# Under valgrind (make test-valgrind) only the timing is not checked.
	[ -n "${OVM_TEST_VALGRIND:-}" ] || [ $((t1 - t0)) -lt 3000 ]
	git switch -q -c feature
	readme_change
	gcommit "docs: feature"
	no_connections
}

# ---- tag mode ------------------------------------------------------------

# tag_mode_setup: .ovm-release.json with hook.mode tag, committed and
# pushed before the hook is installed.
tag_mode_setup() {
	printf '{"hook": {"mode": "tag"}}\n' >.ovm-release.json
	git add .ovm-release.json
	test_tick
	git commit -q -m "chore: hook in tag mode"
	git push -q
	install_hook
}

@test "tag mode: bump commit and tags made locally, the exact push command printed, the remote untouched" {
	tag_mode_setup
	remote_before=$(rrefs "$R")
	req_change
	gcommit "deps: a"
	user=$(git rev-parse HEAD~1)
	bump=$(git rev-parse HEAD)
	expect_out "ovm-release: executor-layer 0.1.4 tagged locally on bump commit ${bump:0:12}
ovm-release: push with: git push origin main && git push origin refs/tags/executor-layer@0.1.4 && git push origin refs/tags/cloud-executor-layer@0.1.4"
	expect_eq "remote" "$remote_before" "$(rrefs "$R")"
	expect_eq "user commit" "deps: a" "$(git log -1 --format=%s "$user")"
	expect_eq "bump message" "$BUMP_MSG 0.1.4" "$(git log -1 --format=%B HEAD | sed '/^$/d')"
	expect_eq "bump files" package.json "$(git diff-tree --no-commit-id --name-only -r HEAD)"
	expect_eq "package.json at HEAD" 0.1.4 "$(git show HEAD:package.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')"
	expect_eq "status" "" "$(git status --porcelain)"
	expect_eq "branch" main "$(git symbolic-ref --short HEAD)"
	seed=$(git rev-parse "$user~2")
	expect_eq "tags" "cloud-executor-layer@0.1.3 $seed
cloud-executor-layer@0.1.4 $bump
executor-layer@0.1.3 $seed
executor-layer@0.1.4 $bump
server-base@0.5.0 $seed" "$(local_tags)"
	# The printed command does push it all.
	cmd=$(sed -n 's/^ovm-release: push with: //p' <<<"$output")
	eval "$cmd" 2>/dev/null
	expect_eq "remote main" "$bump" "$(rrev "$R" refs/heads/main)"
	expect_eq "remote tag" "$bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4)"
	expect_eq "remote tag" "$bump" "$(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	# Nothing left to release: the next quiet commit is quiet.
	readme_change
	gcommit "docs"
	expect_out ""
	expect_eq "no second bump" 1 "$(git log --format=%s | grep -c "^$BUMP_MSG")"
}

@test "tag mode: both tracks, server-base tagged on the commit, executor tags on the bump" {
	tag_mode_setup
	remote_before=$(rrefs "$R")
	req_change
	from_change v0.6.0
	gcommit "base and deps"
	user=$(git rev-parse HEAD~1)
	bump=$(git rev-parse HEAD)
	expect_out "ovm-release: server-base 0.6.0 tagged locally
ovm-release: executor-layer 0.1.4 tagged locally on bump commit ${bump:0:12}
ovm-release: push with: git push origin main && git push origin refs/tags/server-base@0.6.0 && git push origin refs/tags/executor-layer@0.1.4 && git push origin refs/tags/cloud-executor-layer@0.1.4"
	expect_eq "remote" "$remote_before" "$(rrefs "$R")"
	expect_eq "server-base tag" "$user" "$(git rev-parse 'server-base@0.6.0^{commit}')"
	expect_eq "executor tag" "$bump" "$(git rev-parse 'executor-layer@0.1.4^{commit}')"
}

@test "tag mode: a quiet commit makes nothing" {
	tag_mode_setup
	readme_change
	gcommit "docs"
	expect_out ""
	expect_eq "subject" docs "$(git log -1 --format=%s)"
	expect_eq "tags" 3 "$(git tag | wc -l | tr -d ' ')"
	# A trigger change right after does make the release.
	req_change
	gcommit "deps: a"
	expect_eq "tags" 5 "$(git tag | wc -l | tr -d ' ')"
	expect_eq "bump" "$BUMP_MSG 0.1.4" "$(git log -1 --format=%s)"
}

@test "tag mode: never the network (recording listener as origin), quick" {
	tag_mode_setup
	start_recorder
	git remote set-url origin "http://127.0.0.1:$REC_PORT/x.git"
	req_change
	t0=$(now_ms)
	gcommit "deps: a"
	t1=$(now_ms)
	echo "# commit with the hook took $((t1 - t0)) ms" >&2
	bump=$(git rev-parse HEAD)
	expect_out "ovm-release: executor-layer 0.1.4 tagged locally on bump commit ${bump:0:12}
ovm-release: push with: git push origin main && git push origin refs/tags/executor-layer@0.1.4 && git push origin refs/tags/cloud-executor-layer@0.1.4"
	no_connections
	[ -n "${OVM_TEST_VALGRIND:-}" ] || [ $((t1 - t0)) -lt 5000 ]
}

@test "tag mode: guards hold (OVM_RELEASE_ACTIVE, a rebase, a hand-made bump commit): nothing made" {
	tag_mode_setup
	req_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: a"
	expect_out ""
	pkg_change
	OVM_RELEASE_ACTIVE=1 gcommit "deps: b"
	head=$(git rev-parse HEAD)
	run git rebase -q --force-rebase HEAD~2
	[ "$status" -eq 0 ]
	expect_out ""
	expect_eq "tags" 3 "$(git tag | wc -l | tr -d ' ')"
	expect_eq "no bump" 0 "$(git log --format=%s | grep -c "^$BUMP_MSG" || true)"
	pkg_version 0.1.4
	gcommit "$BUMP_MSG 0.1.4"
	expect_out ""
	expect_eq "tags" 3 "$(git tag | wc -l | tr -d ' ')"
	expect_eq "subject" "$BUMP_MSG 0.1.4" "$(git log -1 --format=%s)"
	# The next ordinary commit does release (0.1.4, package.json already
	# says so: no bump commit).
	readme_change
	gcommit "docs"
	expect_out "ovm-release: executor-layer 0.1.4 tagged locally
ovm-release: push with: git push origin main && git push origin refs/tags/executor-layer@0.1.4 && git push origin refs/tags/cloud-executor-layer@0.1.4"
	expect_eq "tags" 5 "$(git tag | wc -l | tr -d ' ')"
}

@test "tag mode on a broken config: one warning line, nothing made, the commit is made" {
	tag_mode_setup
	printf '{"hook": {"mode": "tag"}' >.ovm-release.json
	req_change
	gcommit "deps: a"
	expect_eq subject "deps: a" "$(git log -1 --format=%s)"
	expect_eq "lines" 1 "$(printf '%s\n' "$output" | wc -l | tr -d ' ')"
	[[ "$output" == "ovm-release: warning: "* ]]
	expect_eq "tags" 3 "$(git tag | wc -l | tr -d ' ')"
}

@test "tag mode on a feature branch: whatever it prints, no tag ends up off the remote's main" {
	tag_mode_setup
	git switch -q -c feature
	req_change
	gcommit "deps: on a feature branch"
	# doc/decisions.md#the-hook: the printed command pushes the branch and its tags; #order-of-writes-and-pushes:
	# a tag is pushed only once its target is on the remote branch.  Run
	# the printed command, if any, and check where the tags landed.
	cmd=$(sed -n 's/^ovm-release: push with: //p' <<<"$output")
	if [ -n "$cmd" ]; then
		eval "$cmd" 2>/dev/null || true
	fi
	main=$(rrev "$R" refs/heads/main)
	for tag in $(git --git-dir="$R" tag); do
		if ! git --git-dir="$R" merge-base --is-ancestor "refs/tags/$tag" "$main"; then
			echo "remote tag $tag is not on the remote's main (printed: $cmd)" >&2
			return 1
		fi
	done
}
