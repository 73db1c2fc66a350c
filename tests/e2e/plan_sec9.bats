#!/usr/bin/env bats
# doc/decisions.md#deviations: every place where ovm-release decides differently from the
# original workflows, one test per row (as `plan` can show it).

load helper
load plan_lib

setup() {
	setup_env
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
}
teardown() { teardown_env; }

# many_commits N FIRST-MESSAGE: N commits on main through git fast-import:
# the first changes requirements.txt (with FIRST-MESSAGE), the others only
# notes/N.txt.  The work tree follows.
many_commits() {
	python3 - "$1" "$2" "$(git rev-parse HEAD)" <<'PY' | git fast-import --quiet
import sys
n, first, parent = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = sys.stdout.buffer
def data(b):
    out.write(b"data %d\n" % len(b) + b + b"\n")
t = 1700100000
for i in range(n):
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer C O Mitter <committer@example.com> %d +0000\n" % (t + i))
    data((first if i == 0 else "chore: note %d" % i).encode() + b"\n")
    if i == 0:
        out.write(b"from %s\n" % parent.encode())
        out.write(b"M 100644 inline requirements.txt\n")
        data(b"numpy==2.1.0\n")
    else:
        out.write(b"M 100644 inline notes/%d.txt\n" % i)
        data(b"%d\n" % i)
PY
	git reset -q --hard main
}

@test "sec9 rerun: a second dispatch on a released head is already-released" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	bump_commit 0.1.4
	tag_both 0.1.4
	git push -q origin main --tags
	pj --event workflow_dispatch --branch main --after HEAD
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip already-released
	# The original cut a new version (0.1.5); this is the same release.
	[ "$(jt executor-layer version)" = 0.1.4 ]
	[ "$(jt executor-layer commit)" = null ]
}

@test "sec9 rerun: the CI rerun of a released push is already-released" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	x=$(rev HEAD)
	bump_commit 0.1.4
	tag_both 0.1.4
	git push -q origin main --tags
	git clone -q --no-local "$TEST_DIR/repo.git" "$TEST_DIR/ci"
	cd "$TEST_DIR/ci"
	git checkout -q --detach "$x"
	push_payload "$TEST_DIR/ev.json" "$(rev "$x~1")" "$x"
	gh_env push "$TEST_DIR/ev.json" "$x"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip already-released
	[ "$(jt executor-layer version)" = 0.1.4 ]
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout executor_layer_should_push)" = false ]
}

@test "sec9 Dockerfile edited, FROM tag unchanged: skip version-unchanged, exit 0, notice" {
	sed -i 's/RUN true/RUN apt-get update/' dockerfiles/server-base.dockerfile
	git commit -qam "build: tweak the base image"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	[[ "$output"$'\n'"$stderr" == *"::notice::"*server-base* ]]
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout server_base_decision)" = skip ]
	[ "$(ghout server_base_reason)" = version-unchanged ]
	[ "$(ghout server_base_should_push)" = false ]
}

@test "sec9 package.json bumped by hand above the tags: honoured" {
	pkg_version 0.3.0 >package.json
	git commit -qam "feat: executor 0.3.0"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer version)" = 0.3.0 ]
	[ "$(jt executor-layer version_files)" = "[]" ]
	[ "$(jt executor-layer commit)" = null ]
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout executor_layer_version)" = 0.3.0 ]
	[ "$(ghout executor_layer_tags)" = "executor-layer@0.3.0 cloud-executor-layer@0.3.0" ]
}

@test "sec9 reverted bump / force-push dropping a bump: skip version-only" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	x=$(rev HEAD)
	bump_commit 0.1.4
	b=$(rev HEAD)
	tag_both 0.1.4
	git push -q origin main --tags
	git reset -q --hard "$x"
	git push -q -f origin main
	push_payload "$TEST_DIR/ev.json" "$b" "$x"
	sed -i 's/"forced": false/"forced": true/' "$TEST_DIR/ev.json"
	gh_env push "$TEST_DIR/ev.json" "$x"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip version-only
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout executor_layer_should_push)" = false ]
	[ "$(ghout executor_layer_reason)" = version-only ]
}

@test "sec9 dispatch on a non-release branch: refused, exit 1" {
	git checkout -q -b dev
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git push -q origin dev
	dispatch_payload "$TEST_DIR/ev.json" refs/heads/dev
	gh_env workflow_dispatch "$TEST_DIR/ev.json" "$(rev HEAD)" refs/heads/dev
	run --separate-stderr ovm plan
	[ "$status" -eq 1 ]
	[[ "$stderr$output" == *"refusing to release from 'dev'"* ]]
	[[ "$output"$'\n'"$stderr" == *"::error"*"refusing to release from 'dev'"* ]]
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout executor_layer_should_push)" = false ]
	[ "$(ghout executor_layer_decision)" = refuse ]
	[ "$(ghout executor_layer_reason)" = branch ]
	[ "$(git rev-parse origin/dev)" = "$(rev HEAD)" ]
}

@test "sec9 FROM tag not SemVer (latest, 0.7): exit 2, no server-base@latest" {
	local tag
	for tag in latest 0.7; do
		git reset -q --hard origin/main
		printf 'FROM ghcr.io/oomol/server-base:%s AS builder\n' "$tag" \
			>dockerfiles/server-base.dockerfile
		git commit -qam "build: $tag"
		pj
		[ "$status" -eq 2 ]
		[ "$(jt server-base decision)" != release ]
		[ "$(jt server-base tags)" = "[]" ]
		[ "$(jt server-base version)" = null ]
	done
}

@test "sec9 image:tag@sha256:...: the tag is used" {
	printf 'FROM ghcr.io/oomol/server-base:v0.6.1@sha256:%s AS builder\n' \
		a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4 \
		>dockerfiles/server-base.dockerfile
	git commit -qam "build: pinned 0.6.1"
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base release changed
	[ "$(jt server-base version)" = 0.6.1 ]
	[ "$(jt server-base tags)" = "[{\"name\": \"server-base@0.6.1\", \"target\": \"$(rev HEAD)\", \"state\": \"create\"}]" ]
}

@test "sec9 ARG-substituted FROM and host:port/img: parsed per BuildKit" {
	cat >dockerfiles/server-base.dockerfile <<'EOF'
ARG REGISTRY=registry.example.com:5000
ARG IMAGE=${REGISTRY}/oomol/server-base
ARG TAG=v0.8.2
FROM --platform=linux/amd64 ${IMAGE}:${TAG} AS builder
EOF
	git commit -qam "build: registry with a port"
	pj
	[ "$status" -eq 0 ]
	assert_decision server-base release changed
	[ "$(jt server-base version)" = 0.8.2 ]
	[ "$(jt server-base image_ref)" = registry.example.com:5000/oomol/server-base:v0.8.2 ]
}

@test "sec9 leading-zero tag executor-layer@01.2.3: ignored, not 1.2.3" {
	git tag executor-layer@01.2.3
	git tag cloud-executor-layer@01.2.3
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	[ "$(jt executor-layer previous_version)" = 0.1.3 ]
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

@test "sec9 rename away from a trigger path: both names count" {
	mkdir -p python
	git mv requirements.txt python/requirements.txt
	test_tick
	git commit -q -m "chore: move requirements"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer changed_files)" = '["requirements.txt"]' ]
	# Into a trigger path: the new name counts.
	git push -q origin main
	git mv python/requirements.txt requirements.txt
	test_tick
	git commit -q -m "chore: move requirements back"
	pj
	assert_decision executor-layer release changed
	[ "$(jt executor-layer changed_files)" = '["requirements.txt"]' ]
	# A rename between two unwatched paths is no change.
	git push -q origin main
	git mv README.md docs.md
	test_tick
	git commit -q -m "docs: rename"
	pj
	assert_decision executor-layer skip unchanged
}

@test "sec9 more than 300 changed files: exact (a quiet one stays quiet)" {
	local i
	mkdir -p gen
	for i in $(seq 1 400); do printf '%s\n' "$i" >"gen/f$i.txt"; done
	git add gen
	test_tick
	git commit -q -m "chore: generated files"
	[ "$(git diff --name-only origin/main HEAD | wc -l)" -eq 400 ]
	pj
	[ "$status" -eq 0 ]
	# GitHub's filter gives up past 300 files and runs anyway.
	assert_decision executor-layer skip unchanged
	assert_decision server-base skip unchanged
	for i in $(seq 1 400); do printf '%s\n' "$i" >"gen/g$i.txt"; done
	printf 'zzz==1\n' >requirements.txt
	git add -A
	test_tick
	git commit -q -m "feat: more files and a dependency"
	pj
	assert_decision executor-layer release changed
	[ "$(jt executor-layer changed_files)" = '["requirements.txt"]' ]
}

@test "sec9 more than 1000 commits: the trigger change in the first one is seen" {
	many_commits 1201 "feat: numpy"
	[ "$(git rev-list --count origin/main..HEAD)" -eq 1201 ]
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
	[ "$(jt executor-layer version)" = 0.1.4 ]
}

@test "sec9 more than 1000 commits: the skip token in the first one is seen" {
	many_commits 1201 "feat: numpy $SKIP_TOKEN"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip skip-token
}

@test "sec9 new-branch push: the version is not computed" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	push_payload "$TEST_DIR/ev.json" "$ZERO" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip new-branch
	[ "$(jt executor-layer version)" = null ]
	[ "$(jt server-base version)" = null ]
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout executor_layer_version)" = "" ]
	[ "$(ghout executor_layer_tag)" = "" ]
	[ "$(ghout server_base_version)" = "" ]
}

@test "sec9 tags pushed: the plan pushes the branch first, then one tag per push" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	python3 - "$output" <<'PY'
import re, sys
lines = [l for l in sys.argv[1].split("\n") if l.strip().startswith("push")]
assert len(lines) == 1, lines
l = lines[0]
def at(rx):
    m = re.search(rx, l)
    assert m, (rx, l)
    return m.start()
a = at(r"\bmain\b")
b = at(r"(?<![\w-])executor-layer@0\.1\.4")
c = at(r"(?<![\w-])cloud-executor-layer@0\.1\.4")
assert a < b < c, l
assert "one ref per push" in l or "one tag per push" in l, l
PY
}

@test "sec9 local-only tags: plan uses them and says tags as of the last fetch" {
	tag_both 0.1.9
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj
	[ "$status" -eq 0 ]
	[ "$(jtop tags_source)" = local ]
	[ "$(jt executor-layer previous_version)" = 0.1.9 ]
	[ "$(jt executor-layer version)" = 0.1.10 ]
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	[[ "$output" == *"tags as of the last fetch"* ]]
}

@test "sec9 local-only tags: plan --online reads the remote's refs and ignores them" {
	tag_both 0.1.9
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj --online
	[ "$status" -eq 0 ]
	[ "$(jtop tags_source)" = remote ]
	[ "$(jt executor-layer previous_version)" = 0.1.3 ]
	[ "$(jt executor-layer version)" = 0.1.4 ]
	run --separate-stderr ovm plan --online
	[ "$status" -eq 0 ]
	[[ "$output" != *"tags as of the last fetch"* ]]
}

@test "sec9 local-only tags: plan --online warns that it ignores them (as run does, doc/decisions.md#version-from-tags)" {
	tag_both 0.1.9
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	pj --online
	[ "$status" -eq 0 ]
	[ "$(jt executor-layer version)" = 0.1.4 ]
	pycheck <<'PY'
ws = d["warnings"] + T("executor-layer")["warnings"]
assert any("0.1.9" in w for w in ws), ws
PY
}

@test "sec9 shallow checkout: exit 2 asking for full history, before any rule" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git push -q origin main
	git clone -q --depth 1 "file://$TEST_DIR/repo.git" "$TEST_DIR/shallow"
	cd "$TEST_DIR/shallow"
	[ -f .git/shallow ]
	# Even an event that every track would skip (a tag push) is refused.
	push_payload "$TEST_DIR/ev.json" "$ZERO" "$(rev HEAD)" refs/tags/v1.0.0
	gh_env push "$TEST_DIR/ev.json" "$(rev HEAD)" refs/tags/v1.0.0
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"full history"* ]]
	[[ "$stderr" == *"fetch-depth: 0"* ]]
}
