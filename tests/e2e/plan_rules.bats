#!/usr/bin/env bats
# ovm-release plan: every rule of doc/decisions.md#stage-a and #stage-b, the
# version rules (#version-from-tags) and the Dockerfile rules (#version-from-a-dockerfile), decision
# AND reason, on real repositories.  The tests pin the documented rules, not the code.

load helper
load plan_lib

setup() {
	setup_env
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
}
teardown() { teardown_env; }

# ---- A1 ---------------------------------------------------------------

@test "A1: a tag push is unsupported-event for every track" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git tag v2.0.0
	push_payload "$TEST_DIR/ev.json" "$ZERO" "$(rev HEAD)" refs/tags/v2.0.0
	gh_env push "$TEST_DIR/ev.json" "$(rev HEAD)" refs/tags/v2.0.0
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip unsupported-event
	assert_decision executor-layer skip unsupported-event
	[ "$(jtop event)" = push ]
	[ "$(jtop branch)" = null ]
	[ "$(jt executor-layer version)" = null ]
	[ "$(jt executor-layer tags)" = "[]" ]
}

@test "A1: a push that deletes the branch is unsupported-event" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD)" "$ZERO" refs/heads/main
	gh_env push "$TEST_DIR/ev.json" "$ZERO" refs/heads/main
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip unsupported-event
	assert_decision executor-layer skip unsupported-event
	[ "$(jt executor-layer tags)" = "[]" ]
}

@test "A1: a schedule event (and a delete event) is unsupported-event" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	printf '{"schedule": "17 3 * * *", "workflow": ".github/workflows/tag-executor-layer.yml"}\n' \
		>"$TEST_DIR/ev.json"
	gh_env schedule "$TEST_DIR/ev.json" "$(rev HEAD)" refs/heads/main
	pj
	[ "$status" -eq 0 ]
	[ "$(jtop event)" = schedule ]
	assert_decision server-base skip unsupported-event
	assert_decision executor-layer skip unsupported-event
	printf '{"ref": "feature", "ref_type": "branch", "pusher_type": "user"}\n' \
		>"$TEST_DIR/ev.json"
	gh_env delete "$TEST_DIR/ev.json" "$(rev HEAD)" refs/heads/main
	pj
	[ "$status" -eq 0 ]
	[ "$(jtop event)" = delete ]
	assert_decision executor-layer skip unsupported-event
}

# ---- A2, A2' ------------------------------------------------------------

@test "A2: a push to a branch not in branches is skipped (branch)" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj --event push --before HEAD~1 --after HEAD --branch dev
	[ "$status" -eq 0 ]
	[ "$(jtop branch)" = dev ]
	assert_decision server-base skip branch
	assert_decision executor-layer skip branch
	[ "$(jt executor-layer tags)" = "[]" ]
	[ "$(jt executor-layer commit)" = null ]
}

@test "A2': workflow_dispatch on a branch not in branches is refused, exit 1" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj --event workflow_dispatch --branch dev
	[ "$status" -eq 1 ]
	assert_decision server-base refuse branch
	assert_decision executor-layer refuse branch
	[ "$(jt executor-layer tags)" = "[]" ]
	run --separate-stderr ovm plan --event workflow_dispatch --branch dev
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"refusing to release from 'dev'"* ]]
}

# ---- A3 ------------------------------------------------------------------

@test "A3: OVM_RELEASE_ACTIVE set locally skips every track (guard-env)" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	OVM_RELEASE_ACTIVE=1 pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip guard-env
	assert_decision executor-layer skip guard-env
	[ "$(jt executor-layer tags)" = "[]" ]
	# Unset again: the same commit releases (the guard was the reason).
	pj
	assert_decision executor-layer release changed
}

@test "A3: OVM_RELEASE_ACTIVE is ignored in CI, with a warning" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	export OVM_RELEASE_ACTIVE=1
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer version)" = 0.1.4 ]
	pycheck <<'PY'
assert any("OVM_RELEASE_ACTIVE" in w for w in d["warnings"]), d["warnings"]
PY
	[[ "$stderr" == *"::warning::"*OVM_RELEASE_ACTIVE* ]]
}

# ---- A4 ------------------------------------------------------------------

@test "A4: every GitHub skip marker in the head message skips locally (ci-skip)" {
	local m
	for m in '[skip ci]' '[ci skip]' '[no ci]' '[skip actions]' '[actions skip]'; do
		git reset -q --hard origin/main
		commit_file requirements.txt "numpy==2.1.0" "feat: numpy $m"
		pj
		[ "$status" -eq 0 ]
		assert_decision server-base skip ci-skip
		assert_decision executor-layer skip ci-skip
	done
	# The marker in the body counts too (GitHub looks at the whole message).
	git reset -q --hard origin/main
	commit_file requirements.txt "numpy==2.1.0" "$(printf 'feat: numpy\n\nno release yet [skip ci]')"
	pj
	assert_decision executor-layer skip ci-skip
}

@test "A4: a skip-checks: true trailer skips locally (ci-skip)" {
	local form
	for form in 'skip-checks: true' 'skip-checks:true'; do
		git reset -q --hard origin/main
		printf 'numpy==2.1.0\n' >requirements.txt
		git add requirements.txt
		printf 'feat: numpy\n\n\n%s\n' "$form" >"$TEST_DIR/msg"
		commit_msg_file "$TEST_DIR/msg"
		pj
		[ "$status" -eq 0 ]
		assert_decision executor-layer skip ci-skip
	done
}

@test "A4: a head message without a marker is not ci-skip" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy (skip ci in the docs is fine)"
	pj
	assert_decision executor-layer release changed
}

@test "A4: in CI a skip marker is not a reason (the run happened anyway)" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy [skip ci]"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

# ---- A5 ------------------------------------------------------------------

@test "A5: workflow_dispatch on main releases with nothing changed (dispatch)" {
	commit_file README.md "# docs" "docs: readme"
	git push -q origin main
	pj --event workflow_dispatch --branch main --after HEAD
	[ "$status" -eq 0 ]
	[ "$(jtop event)" = workflow_dispatch ]
	assert_decision executor-layer release dispatch
	[ "$(jt executor-layer previous_version)" = 0.1.3 ]
	[ "$(jt executor-layer version)" = 0.1.4 ]
	pycheck <<'PY'
ex = T("executor-layer")
assert ex["version_files"] == [{"path": "package.json", "from": "0.1.3", "to": "0.1.4"}]
assert ex["commit"]["message"] == "chore(release): bump executor layer version to 0.1.4"
assert [(t["name"], t["state"]) for t in ex["tags"]] == [
    ("executor-layer@0.1.4", "create"), ("cloud-executor-layer@0.1.4", "create")]
PY
	# server-base is a candidate too; its FROM tag is already released on
	# an ancestor (B2).
	assert_decision server-base skip version-unchanged
	[ "$(jt server-base version)" = 0.5.0 ]
}

@test "A5: the skip token in a dispatch's head does not stop it (dispatch wins)" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy $SKIP_TOKEN"
	pj --event workflow_dispatch --branch main --after HEAD
	[ "$status" -eq 0 ]
	assert_decision executor-layer release dispatch
	[ "$(jt executor-layer version)" = 0.1.4 ]
	# The same head pushed: the token wins (A9).
	pj
	assert_decision executor-layer skip skip-token
}

@test "A5: a local --event workflow_dispatch without --after predicts HEAD" {
	commit_file README.md "# docs" "docs: readme"
	pj --event workflow_dispatch --branch main
	[ "$status" -eq 0 ]
	[ "$(jtop after)" = "$(rev HEAD)" ]
	assert_decision executor-layer release dispatch
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

# ---- A6 ------------------------------------------------------------------

@test "A6: before all zeros is a new branch; no version computed" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj --event push --before "$ZERO" --after HEAD --branch main
	[ "$status" -eq 0 ]
	assert_decision server-base skip new-branch
	assert_decision executor-layer skip new-branch
	[ "$(jt executor-layer version)" = null ]
	[ "$(jt server-base version)" = null ]
	[ "$(jt executor-layer tags)" = "[]" ]
}

@test "A6: a push payload with created:true and zero before is new-branch" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	push_payload "$TEST_DIR/ev.json" "$ZERO" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	pj
	[ "$status" -eq 0 ]
	[ "$(jtop before)" = "$ZERO" ]
	assert_decision executor-layer skip new-branch
	assert_decision server-base skip new-branch
}

# ---- A7 ------------------------------------------------------------------

@test "A7: before missing from the clone is exit 3 naming before, suggesting --before" {
	local gone=1234567812345678123456781234567812345678
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj --event push --before "$gone" --after HEAD --branch main
	[ "$status" -eq 3 ]
	assert_decision executor-layer refuse before-unavailable
	assert_decision server-base refuse before-unavailable
	[ "$(jt executor-layer tags)" = "[]" ]
	run --separate-stderr ovm plan --event push --before "$gone" --after HEAD --branch main
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"'before' $gone"* ]]
	[[ "$stderr" == *"--before"* ]]
}

@test "A7: a force-push that dropped before (CI payload) is exit 3" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git push -q origin main
	old=$(rev HEAD)
	git reset -q --hard HEAD~1
	commit_file requirements.txt "numpy==2.2.0" "feat: numpy 2.2"
	# The dropped commit is not in a fresh clone of the new state.
	git push -q -f origin main
	git clone -q --no-local "$TEST_DIR/repo.git" "$TEST_DIR/ci"
	cd "$TEST_DIR/ci"
	run git cat-file -e "$old"
	[ "$status" -ne 0 ]
	push_payload "$TEST_DIR/ev.json" "$old" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	run --separate-stderr ovm plan
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"before"* ]]
	[[ "$stderr" == *"--before"* ]]
	[[ "$output" == *"before-unavailable"* ]]
}

# ---- A8 ------------------------------------------------------------------

@test "A8: a quiet push is unchanged for every track, nothing computed" {
	commit_file README.md "# docs" "docs: readme"
	commit_file src/app.py "print(1)" "feat: app"
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip unchanged
	assert_decision executor-layer skip unchanged
	pycheck <<'PY'
for t in d["tracks"]:
    assert t["version"] is None and t["tags"] == [] and t["commit"] is None
    assert t["changed_files"] == [] and t["version_files"] == []
PY
}

@test "A8: a quiet push decides unchanged even with a corrupt loose tag ref" {
	commit_file README.md "# docs" "docs: readme"
	printf 'this is not an object id\n' >.git/refs/tags/executor-layer@9.9.9
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip unchanged
	assert_decision executor-layer skip unchanged
}

@test "A8: a quiet push decides unchanged even with a broken packed-refs line" {
	commit_file README.md "# docs" "docs: readme"
	{
		printf '# pack-refs with: peeled fully-peeled sorted \n'
		printf '%s refs/tags/executor-layer@0.0.9\n' "$(rev HEAD~1)"
		printf 'garbage-without-an-object-id refs/tags/executor-layer@9.9.9\n'
	} >.git/packed-refs
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip unchanged
	assert_decision executor-layer skip unchanged
}

# ---- A9 ------------------------------------------------------------------

@test "A9: the skip token in the head message skips its track only (skip-token)" {
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	printf 'numpy==2.1.0\n' >requirements.txt
	git add -A
	test_tick
	git commit -q -m "feat: numpy, base 0.6.0 $SKIP_TOKEN"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip skip-token
	[ "$(jt executor-layer tags)" = "[]" ]
	# server-base has no skip token: it releases.
	assert_decision server-base release changed
	[ "$(jt server-base version)" = 0.6.0 ]
}

# ---- A10 -------------------------------------------------------------------

@test "A10: the head is a bump commit whose tags exist: bump-commit" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git push -q origin main
	bump_commit 0.1.4
	tag_both 0.1.4
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip bump-commit
	[ "$(jt executor-layer tags)" = "[]" ]
	assert_decision server-base skip unchanged
}

@test "A10: a bump-looking head that changes more than the version files: bump-commit" {
	sed -i 's/"0.1.3"/"0.1.4"/' package.json
	printf 'numpy==2.1.0\n' >requirements.txt
	git add -A
	test_tick
	git commit -q -m "$BUMP_MSG 0.1.4"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip bump-commit
	[ "$(jt executor-layer tags)" = "[]" ]
}

@test "A10: a bump commit to a version not above previous: bump-commit" {
	tag_both 0.1.5
	git push -q origin --tags
	bump_commit 0.1.4
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip bump-commit
	[ "$(jt executor-layer tags)" = "[]" ]
}

@test "A10: our own bump commit at head with its tags missing: release complete" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git push -q origin main
	bump_commit 0.1.4
	head=$(rev HEAD)
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release complete
	[ "$(jt executor-layer version)" = 0.1.4 ]
	HEAD=$head pycheck <<'PY'
import os
head = os.environ["HEAD"]
ex = T("executor-layer")
assert ex["version_files"] == [], ex["version_files"]
assert ex["commit"] == {"message": "chore(release): bump executor layer version to 0.1.4", "id": head}, ex["commit"]
assert [(t["name"], t["target"], t["state"]) for t in ex["tags"]] == [
    ("executor-layer@0.1.4", head, "missing"),
    ("cloud-executor-layer@0.1.4", head, "missing")], ex["tags"]
PY
}

# ---- A11 -------------------------------------------------------------------

@test "A11: the skip token in an earlier commit of the range (its body) skips" {
	commit_file requirements.txt "numpy==2.1.0" "$(printf 'feat: numpy\n\nnot yet %s' "$SKIP_TOKEN")"
	commit_file README.md "# docs" "docs: readme"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip skip-token
	[ "$(jt executor-layer tags)" = "[]" ]
}

@test "A11: the skip token on a merge's second parent counts" {
	git checkout -q -b side
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy $SKIP_TOKEN"
	git checkout -q main
	commit_file README.md "# docs" "docs: readme"
	test_tick
	git merge -q --no-ff -m "Merge branch 'side'" side
	[ "$(git rev-list --count origin/main..HEAD)" -eq 3 ]
	pj
	[ "$status" -eq 0 ]
	[ "$(jt executor-layer changed_files)" = '["requirements.txt"]' ]
	assert_decision executor-layer skip skip-token
}

@test "A11: a skip token before the pushed range does not count" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy $SKIP_TOKEN"
	git push -q origin main
	commit_file requirements.txt "numpy==2.2.0" "feat: numpy 2.2"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

# commit_at EPOCH PATH CONTENT MESSAGE: a commit with this committer date.
commit_at() {
	printf '%s' "$3" >"$2"
	git add -- "$2"
	GIT_COMMITTER_DATE="$1 +0000" GIT_AUTHOR_DATE="$1 +0000" git commit -q -m "$4"
}

@test "A11: a skip-token commit reachable from before stays out, even dated newest (clock skew)" {
	# Y (token) <- X <- B (pushed: before), Y and X dated far ahead;
	# X <- S (range, dated further ahead); M = merge(B, S).  A walk by
	# date takes X and Y from S's side before B, dated in the past, marks
	# them as before's history: the mark must reach both.
	local now=$test_tick_time
	commit_at $((now + 90000)) requirements.txt "numpy==2.1.0" "feat: numpy $SKIP_TOKEN"
	commit_at $((now + 100000)) README.md "# notes" "docs: notes"
	local x; x=$(git rev-parse HEAD)
	commit_at $((now + 60)) README.md "# docs" "docs: readme"
	git push -q origin main
	git checkout -q -b side "$x"
	commit_at $((now + 200000)) requirements.txt "numpy==2.2.0" "feat: numpy 2.2"
	git checkout -q main
	GIT_COMMITTER_DATE="$((now + 300000)) +0000" git merge -q --no-ff -m "Merge branch 'side'" side
	[ "$(git rev-list --count origin/main..HEAD)" -eq 2 ]
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

@test "A11: a skip token on a merged commit dated before 'before' counts" {
	git checkout -q -b side
	commit_at $((test_tick_time - 100000)) requirements.txt "numpy==2.1.0" "feat: numpy $SKIP_TOKEN"
	git checkout -q main
	commit_file README.md "# docs" "docs: readme"
	git push -q origin main
	test_tick
	git merge -q --no-ff -m "Merge branch 'side'" side
	[ "$(git rev-list --count origin/main..HEAD)" -eq 2 ]
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip skip-token
}

# ---- A12 -------------------------------------------------------------------

@test "A12: a watched workflow file and an unrelated file: watch-only, version shown" {
	printf 'name: tag executor-layer\non: push\n' >.github/workflows/tag-executor-layer.yml
	printf 'more docs\n' >>README.md
	git add -A
	test_tick
	git commit -q -m "ci: tweak the executor workflow"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip watch-only
	[ "$(jt executor-layer previous_version)" = 0.1.3 ]
	[ "$(jt executor-layer version)" = 0.1.4 ]
	[ "$(jt executor-layer changed_files)" = '[".github/workflows/tag-executor-layer.yml"]' ]
	[ "$(jt executor-layer tags)" = "[]" ]
	[ "$(jt executor-layer commit)" = null ]
	# The other track's watched file did not change.
	assert_decision server-base skip unchanged
}

@test "A12: server-base's watched workflow: watch-only with its version" {
	commit_file .github/workflows/tag-server-base.yml "name: tag base v2" "ci: base workflow"
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip watch-only
	[ "$(jt server-base version)" = 0.5.0 ]
	[ "$(jt server-base image_ref)" = ghcr.io/oomol/server-base:v0.5.0 ]
	assert_decision executor-layer skip unchanged
}

@test "A12: the configuration file is watched by every track" {
	commit_file .ovm-release.json '{"branches": ["main"]}' "ci: ovm-release config"
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip watch-only
	assert_decision executor-layer skip watch-only
	[ "$(jt server-base changed_files)" = '[".ovm-release.json"]' ]
	[ "$(jt executor-layer changed_files)" = '[".ovm-release.json"]' ]
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

@test "A12/A14: a watched file and a trigger file: changed" {
	printf 'name: tag executor-layer\non: push\n' >.github/workflows/tag-executor-layer.yml
	printf 'numpy==2.1.0\n' >requirements.txt
	git add -A
	test_tick
	git commit -q -m "feat: numpy and workflow"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	pycheck <<'PY'
assert sorted(T("executor-layer")["changed_files"]) == [
    ".github/workflows/tag-executor-layer.yml", "requirements.txt"]
PY
}

# ---- A13 -------------------------------------------------------------------

@test "A13: a reverted bump changes only the version, to a released one: version-only" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	bump_commit 0.1.4
	tag_both 0.1.4
	git push -q origin main --tags
	test_tick
	git revert --no-edit HEAD >/dev/null
	grep -q '"version": "0.1.3"' package.json
	pj
	[ "$status" -eq 0 ]
	[ "$(jt executor-layer changed_files)" = '["package.json"]' ]
	assert_decision executor-layer skip version-only
	[ "$(jt executor-layer tags)" = "[]" ]
	[ "$(jt executor-layer commit)" = null ]
}

@test "A13: a force-push that dropped the bump commit: version-only" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	x=$(rev HEAD)
	bump_commit 0.1.4
	b=$(rev HEAD)
	tag_both 0.1.4
	git push -q origin main --tags
	pj --event push --before "$b" --after "$x" --branch main
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip version-only
}

@test "A13: the version value back to a released one plus a real change: changed" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	bump_commit 0.1.4
	tag_both 0.1.4
	git push -q origin main --tags
	sed -i 's/"0.1.4"/"0.1.3"/; s/"private": true/"private": false/' package.json
	git add package.json
	test_tick
	git commit -q -m "chore: public"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer version)" = 0.1.5 ]
}

# ---- A14 -------------------------------------------------------------------

@test "A14: a trigger file changed: release changed, with the bump commit and tags" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	pycheck <<'PY'
ex = T("executor-layer")
assert ex["previous_version"] == "0.1.3" and ex["version"] == "0.1.4"
assert ex["package_version"] == "0.1.3"
assert ex["changed_files"] == ["requirements.txt"]
assert ex["version_files"] == [{"path": "package.json", "from": "0.1.3", "to": "0.1.4"}]
assert ex["commit"]["message"] == "chore(release): bump executor layer version to 0.1.4"
assert [t["name"] for t in ex["tags"]] == ["executor-layer@0.1.4", "cloud-executor-layer@0.1.4"]
assert all(t["state"] == "create" for t in ex["tags"])
PY
}

@test "A14: a deleted trigger file is a change" {
	git rm -q requirements.txt
	test_tick
	git commit -q -m "chore: no python deps"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer changed_files)" = '["requirements.txt"]' ]
}

# ---- B1 --------------------------------------------------------------------

@test "B1: every tag of the track already on after: already-released (a rerun)" {
	printf 'numpy==2.1.0\n' >requirements.txt
	pkg_version 0.1.4 >package.json
	git add -A
	test_tick
	git commit -q -m "feat: numpy, 0.1.4"
	head=$(rev HEAD)
	tag_both 0.1.4
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip already-released
	[ "$(jt executor-layer version)" = 0.1.4 ]
	HEAD=$head pycheck <<'PY'
import os
ex = T("executor-layer")
assert ex["version_files"] == [] and ex["commit"] is None
for t in ex["tags"]:
    assert t["target"] == os.environ["HEAD"] and t["state"] == "exists", t
PY
}

@test "B1: annotated tags on after count as released too" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git tag -a -m "release 0.1.4" executor-layer@0.1.4
	git tag -a -m "release 0.1.4" cloud-executor-layer@0.1.4
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip already-released
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

@test "B1: one of the two tags missing: release complete, only it missing" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	head=$(rev HEAD)
	git tag executor-layer@0.1.4
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release complete
	[ "$(jt executor-layer version)" = 0.1.4 ]
	HEAD=$head pycheck <<'PY'
import os
head = os.environ["HEAD"]
ex = T("executor-layer")
assert ex["version_files"] == [] and ex["commit"] is None, ex
assert [(t["name"], t["target"], t["state"]) for t in ex["tags"]] == [
    ("executor-layer@0.1.4", head, "exists"),
    ("cloud-executor-layer@0.1.4", head, "missing")], ex["tags"]
PY
}

@test "B1: server-base tag already on after: already-released" {
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	git commit -qam "feat: base 0.6.0"
	git tag server-base@0.6.0
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip already-released
	[ "$(jt server-base version)" = 0.6.0 ]
}

@test "B1: a rerun whose bump commit is on the remote branch: already-released" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	x=$(rev HEAD)
	bump_commit 0.1.4
	b=$(rev HEAD)
	tag_both 0.1.4
	git push -q origin main --tags
	git fetch -q origin
	# The rerun checks out the event's commit, not the branch tip.
	git checkout -q --detach "$x"
	push_payload "$TEST_DIR/ev.json" "$(rev "$x~1")" "$x"
	gh_env push "$TEST_DIR/ev.json" "$x"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip already-released
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

@test "B1: a rerun whose bump commit is on the remote, one tag missing: complete on it" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	x=$(rev HEAD)
	bump_commit 0.1.4
	b=$(rev HEAD)
	git tag executor-layer@0.1.4
	git push -q origin main --tags
	git fetch -q origin
	git checkout -q --detach "$x"
	push_payload "$TEST_DIR/ev.json" "$(rev "$x~1")" "$x"
	gh_env push "$TEST_DIR/ev.json" "$x"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release complete
	[ "$(jt executor-layer version)" = 0.1.4 ]
	B=$b pycheck <<'PY'
import os
b = os.environ["B"]
ex = T("executor-layer")
assert ex["version_files"] == []
assert [(t["name"], t["target"], t["state"]) for t in ex["tags"]] == [
    ("executor-layer@0.1.4", b, "exists"),
    ("cloud-executor-layer@0.1.4", b, "missing")], ex["tags"]
PY
}

# ---- B2 --------------------------------------------------------------------

@test "B2: Dockerfile edited, FROM tag unchanged: version-unchanged with a notice" {
	sed -i 's/RUN true/RUN apt-get update/' dockerfiles/server-base.dockerfile
	git commit -qam "build: base image tweak"
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base skip version-unchanged
	[ "$(jt server-base version)" = 0.5.0 ]
	[ "$(jt server-base tags)" = "[]" ]
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	[[ "$output" == *"server-base: skip (version-unchanged"* ]]
	[[ "$output" == *"notice:"*"0.5.0"* ]]
}

# ---- B3 --------------------------------------------------------------------

@test "B3: the version's tag on a commit outside after's history: conflict, exit 1" {
	git checkout -q -b stray
	commit_file README.md "# stray" "docs: stray"
	git tag server-base@0.6.0
	git checkout -q main
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	git commit -qam "feat: base 0.6.0"
	pj
	[ "$status" -eq 1 ]
	assert_decision server-base refuse conflict
	[ "$(jt server-base version)" = 0.6.0 ]
	pycheck <<'PY2'
assert [(t["name"], t["state"]) for t in T("server-base")["tags"]] == [
    ("server-base@0.6.0", "conflict")], T("server-base")["tags"]
PY2
	assert_decision executor-layer skip unchanged
	run --separate-stderr ovm plan
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"server-base"*"0.6.0"* ]]
}

# ---- versions (doc/decisions.md#version-from-tags) ----------------------------------------------------

@test "version: annotated and lightweight tags both count" {
	git tag -a -m "rel" executor-layer@0.1.7
	git tag cloud-executor-layer@0.1.6
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$(jt executor-layer previous_version)" = 0.1.7 ]
	[ "$(jt executor-layer version)" = 0.1.8 ]
	git tag cloud-executor-layer@0.1.9 HEAD~1
	pj
	[ "$(jt executor-layer previous_version)" = 0.1.9 ]
	[ "$(jt executor-layer version)" = 0.1.10 ]
}

@test "version: pre-release tags are ignored" {
	git tag executor-layer@1.0.0-rc.1
	git tag cloud-executor-layer@0.2.0-beta
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	[ "$(jt executor-layer previous_version)" = 0.1.3 ]
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

@test "version: malformed tags (01.2.3, 1.2, v1.0.0, 1.2.3.4) are ignored" {
	git tag executor-layer@01.2.3
	git tag executor-layer@1.2
	git tag cloud-executor-layer@v1.0.0
	git tag executor-layer@1.2.3.4
	git tag executor-layer-extra@9.0.0
	git tag xexecutor-layer@9.0.0
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	[ "$(jt executor-layer previous_version)" = 0.1.3 ]
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

@test "version: no tags at all and a pre-release package.json: 0.1.0" {
	del_exec_tags
	pkg_version 0.1.0-dev.1 >package.json
	printf 'numpy==2.1.0\n' >requirements.txt
	git add -A
	test_tick
	git commit -q -m "feat: first"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer previous_version)" = null ]
	[ "$(jt executor-layer version)" = 0.1.0 ]
	[ "$(jt executor-layer version_files)" = '[{"path": "package.json", "from": "0.1.0-dev.1", "to": "0.1.0"}]' ]
}

@test "version: no tags at all, package.json with a release version: it is honoured" {
	del_exec_tags
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer previous_version)" = null ]
	[ "$(jt executor-layer version)" = 0.1.3 ]
	[ "$(jt executor-layer version_files)" = "[]" ]
	[ "$(jt executor-layer commit)" = null ]
}

@test "version: no tags at all, package.json without a version: exit 2 naming it" {
	del_exec_tags
	printf '{\n  "name": "executor",\n  "private": true\n}\n' >package.json
	git add package.json
	test_tick
	git commit -q -m "feat: no version"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	[[ "$stderr" == *package.json* ]]
	[[ "$stderr" == *version* ]]
}

@test "version: the highest over both families (cloud-executor-layer@0.2.0 alone)" {
	git tag cloud-executor-layer@0.2.0
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	[ "$(jt executor-layer previous_version)" = 0.2.0 ]
	[ "$(jt executor-layer version)" = 0.2.1 ]
	[ "$(jt executor-layer version_files)" = '[{"path": "package.json", "from": "0.1.3", "to": "0.2.1"}]' ]
	git tag executor-layer@0.3.0 HEAD~1
	pj
	[ "$(jt executor-layer previous_version)" = 0.3.0 ]
	[ "$(jt executor-layer version)" = 0.3.1 ]
}

@test "version: SemVer order, not lexical (0.1.9 < 0.1.10, 0.9.0 < 0.10.0)" {
	tag_both 0.1.9
	tag_both 0.1.10
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$(jt executor-layer previous_version)" = 0.1.10 ]
	[ "$(jt executor-layer version)" = 0.1.11 ]
	tag_both 0.9.0 HEAD~1
	tag_both 0.10.0 HEAD~1
	pj
	[ "$(jt executor-layer previous_version)" = 0.10.0 ]
	[ "$(jt executor-layer version)" = 0.10.1 ]
}

@test "version: package.json bumped by hand above the tags is honoured, no commit" {
	pkg_version 0.2.0 >package.json
	printf 'numpy==2.1.0\n' >requirements.txt
	git add -A
	test_tick
	git commit -q -m "feat: numpy, 0.2.0"
	head=$(rev HEAD)
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	HEAD=$head pycheck <<'PY'
import os
ex = T("executor-layer")
assert ex["previous_version"] == "0.1.3" and ex["version"] == "0.2.0"
assert ex["package_version"] == "0.2.0"
assert ex["version_files"] == [] and ex["commit"] is None
assert [(t["name"], t["target"], t["state"]) for t in ex["tags"]] == [
    ("executor-layer@0.2.0", os.environ["HEAD"], "create"),
    ("cloud-executor-layer@0.2.0", os.environ["HEAD"], "create")]
assert any("0.2.0" in w for w in ex["warnings"]), ex["warnings"]
PY
}

@test "version: package.json behind the tags: warned, bumped from the tags" {
	tag_both 0.1.5
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	pycheck <<'PY'
ex = T("executor-layer")
assert ex["previous_version"] == "0.1.5" and ex["version"] == "0.1.6"
assert ex["version_files"] == [{"path": "package.json", "from": "0.1.3", "to": "0.1.6"}]
assert any("0.1.3" in w and "0.1.5" in w for w in ex["warnings"]), ex["warnings"]
PY
}

@test "version: package-lock.json root versions are edited too" {
	cat >package-lock.json <<'EOF'
{
  "name": "executor",
  "version": "0.1.3",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "executor",
      "version": "0.1.3"
    },
    "node_modules/left-pad": {
      "version": "0.1.3"
    }
  }
}
EOF
	git add package-lock.json
	test_tick
	git commit -q -m "chore: lockfile"
	git push -q origin main
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	[ "$(jt executor-layer version_files)" = '[{"path": "package.json", "from": "0.1.3", "to": "0.1.4"}, {"path": "package-lock.json", "from": "0.1.3", "to": "0.1.4"}]' ]
}

@test "version: a lockfile without a root version is left alone" {
	printf '{\n  "lockfileVersion": 1,\n  "dependencies": {\n    "left-pad": {"version": "1.3.0"}\n  }\n}\n' \
		>package-lock.json
	git add package-lock.json
	test_tick
	git commit -q -m "chore: lockfile"
	git push -q origin main
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	[ "$(jt executor-layer version_files)" = '[{"path": "package.json", "from": "0.1.3", "to": "0.1.4"}]' ]
}

# ---- Dockerfile (doc/decisions.md#version-from-a-dockerfile) ------------------------------------------------

@test "Dockerfile: a symlinked Dockerfile is exit 2 naming the path and mode" {
	printf 'FROM ghcr.io/oomol/server-base:v0.6.0\n' >dockerfiles/real.dockerfile
	rm dockerfiles/server-base.dockerfile
	ln -s real.dockerfile dockerfiles/server-base.dockerfile
	git add -A
	test_tick
	git commit -q -m "build: link the Dockerfile"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	[[ "$stderr" == *dockerfiles/server-base.dockerfile* ]]
	[[ "$stderr" == *120000* ]]
	pj
	[ "$status" -eq 2 ]
	[ "$(jt server-base decision)" != release ]
	[ "$(jt server-base tags)" = "[]" ]
}

@test "Dockerfile: FROM ...:latest is exit 2 with file and line" {
	printf '# the base\n\nFROM ghcr.io/oomol/server-base:latest AS builder\nRUN true\n' \
		>dockerfiles/server-base.dockerfile
	git commit -qam "build: latest"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"dockerfiles/server-base.dockerfile:3"* ]]
	[[ "$stderr" == *latest* ]]
	[[ "$stderr" == *"hint:"* ]]
	pj
	[ "$status" -eq 2 ]
	pycheck <<'PY'
sb = T("server-base")
assert sb["decision"] != "release" and sb["tags"] == []
e = sb.get("error") or {}
assert e.get("file") == "dockerfiles/server-base.dockerfile" and e.get("line") == 3, sb
PY
}

@test "Dockerfile: a non-SemVer FROM tag (0.7, 3.11-slim) is exit 2" {
	local tag
	for tag in 0.7 3.11-slim; do
		git reset -q --hard origin/main
		printf 'FROM ghcr.io/oomol/server-base:%s\n' "$tag" >dockerfiles/server-base.dockerfile
		git commit -qam "build: $tag"
		run --separate-stderr ovm plan
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"$tag"* ]]
	done
}

@test "Dockerfile: an ARG-substituted FROM is expanded per BuildKit" {
	cat >dockerfiles/server-base.dockerfile <<'EOF'
# syntax=docker/dockerfile:1
ARG REGISTRY=ghcr.io/oomol
ARG BASE_VERSION="v0.6.0"
ARG UNUSED
FROM ${REGISTRY}/server-base:${BASE_VERSION} AS builder
RUN true
EOF
	git commit -qam "build: base 0.6.0 via ARG"
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base release changed
	[ "$(jt server-base version)" = 0.6.0 ]
	[ "$(jt server-base image_ref)" = ghcr.io/oomol/server-base:v0.6.0 ]
	printf 'ARG V\nFROM ghcr.io/oomol/server-base:${V:-v0.7.0}\n' >dockerfiles/server-base.dockerfile
	git commit -qam "build: default modifier"
	pj
	[ "$status" -eq 0 ]
	[ "$(jt server-base version)" = 0.7.0 ]
}

@test "Dockerfile: an undeclared ARG in FROM is exit 2 naming it" {
	printf 'FROM ghcr.io/oomol/server-base:${BASE_TAG}\n' >dockerfiles/server-base.dockerfile
	git commit -qam "build: undeclared"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	[[ "$stderr" == *BASE_TAG* ]]
}

@test "Dockerfile: a host:port registry keeps the tag (localhost:5000/team/img:1.2.3)" {
	printf 'FROM localhost:5000/team/server-base:1.2.3 AS builder\n' >dockerfiles/server-base.dockerfile
	git commit -qam "build: local registry"
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base release changed
	[ "$(jt server-base version)" = 1.2.3 ]
	[ "$(jt server-base image_ref)" = localhost:5000/team/server-base:1.2.3 ]
	printf 'FROM localhost:5000/team/server-base\n' >dockerfiles/server-base.dockerfile
	git commit -qam "build: no tag"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
}

@test "Dockerfile: image:tag@sha256:... uses the tag" {
	local dg=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	printf 'FROM ghcr.io/oomol/server-base:v0.6.0@%s AS builder\n' "$dg" \
		>dockerfiles/server-base.dockerfile
	git commit -qam "build: pinned"
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base release changed
	[ "$(jt server-base version)" = 0.6.0 ]
	[ "$(jt server-base tags)" = "[{\"name\": \"server-base@0.6.0\", \"target\": \"$(rev HEAD)\", \"state\": \"create\"}]" ]
	run ovm plan
	[[ "$output" == *"$dg"* ]]
}

@test "Dockerfile: pinned by digest with no tag is exit 2" {
	printf 'FROM ghcr.io/oomol/server-base@sha256:%s\n' \
		0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef \
		>dockerfiles/server-base.dockerfile
	git commit -qam "build: digest only"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"digest"* ]]
}

# ---- A7 with --online (plan --online fetches a missing before) -----

@test "A7: plan --online fetches a before the remote still has" {
	git clone -q --no-local "$TEST_DIR/repo.git" "$TEST_DIR/other"
	(
		cd "$TEST_DIR/other"
		printf 'torch==2.0\n' >requirements.txt
		git commit -qam "feat: torch"
		git push -q origin HEAD:refs/heads/backup
	)
	c=$(git -C "$TEST_DIR/other" rev-parse HEAD)
	run git cat-file -e "$c"
	[ "$status" -ne 0 ]
	commit_file README.md "# docs" "docs: readme"
	pj --event push --before "$c" --after HEAD --branch main
	[ "$status" -eq 3 ]
	pj --online --event push --before "$c" --after HEAD --branch main
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer changed_files)" = '["requirements.txt"]' ]
}

@test "A7: plan --online when the remote no longer has before: exit 3" {
	local gone=1234567812345678123456781234567812345678
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	run --separate-stderr ovm plan --online --event push --before "$gone" --after HEAD --branch main
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"before"*"$gone"* || "$stderr" == *"$gone"*"before"* ]]
	[[ "$stderr" == *"--before"* ]]
}

# ---- unreleased changes and catch_up (doc/decisions.md#unreleased-changes) --------------------

# catch_up_config: the default configuration with catch_up on for
# executor-layer, in the working tree (plan reads it from there).
catch_up_config() {
	ovm config | python3 -c 'import json,sys
c=json.load(sys.stdin)
for t in c["tracks"]:
    if t["name"]=="executor-layer": t["catch_up"]=True
json.dump(c,open(".ovm-release.json","w"),indent=2)'
}

@test "unreleased changes: a trigger change no release took is warned" {
	# A pushed change whose CI run was replaced: no tags were made.
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git push -q origin main
	commit_file README.md "# docs" "docs: readme"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip unchanged
	pycheck <<'PY'
assert len(T("executor-layer")["warnings"]) >= 1, T("executor-layer")
assert T("server-base")["warnings"] == [], T("server-base")
PY
}

@test "unreleased changes: a change under the skip token is not warned" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy $SKIP_TOKEN"
	git push -q origin main
	commit_file README.md "# docs" "docs: readme"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip unchanged
	[ "$(jt executor-layer warnings)" = "[]" ]
}

@test "catch_up: true makes a track with unreleased changes a candidate (catch-up)" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git push -q origin main
	commit_file README.md "# docs" "docs: readme"
	catch_up_config
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release catch-up
	[ "$(jt executor-layer version)" = 0.1.4 ]
	assert_decision server-base skip unchanged
}

# ---- exit status (doc/decisions.md#exit-codes) ----------------------------------------------------

@test "exit status: the most severe track wins (2 over 1)" {
	git checkout -q -b stray
	commit_file README.md "# stray" "docs: stray"
	git tag server-base@0.6.0
	git checkout -q main
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	printf '{\n  "name": "executor",\n  "version": "0.1.3",\n}\n' >package.json
	git commit -qam "feat: base 0.6.0, broken package.json"
	pj
	[ "$status" -eq 2 ]
	assert_decision server-base refuse conflict
	[ "$(jt executor-layer decision)" != release ]
}
