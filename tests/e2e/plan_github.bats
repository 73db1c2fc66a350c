#!/usr/bin/env bats
# ovm-release plan in GitHub Actions (doc/decisions.md#the-event event source, #outputs
# $GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY / annotations): the event comes from
# GITHUB_* and the payload; outputs are parsed the way the runner does.

load helper
load plan_lib

setup() {
	setup_env
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
}
teardown() { teardown_env; }

KEYS="should_push decision reason result version previous_version package_version image_ref tag tags"

# expect_keys PREFIX...: the parsed $GITHUB_OUTPUT has exactly the documented
# keys under each PREFIX ("" for the unprefixed set), nothing else.
expect_keys() {
	python3 - "$GITHUB_OUTPUT.json" "$KEYS" "$@" <<'PY'
import json, sys
got = set(json.load(open(sys.argv[1])))
want = {p + k for p in sys.argv[3:] for k in sys.argv[2].split()}
assert got == want, "missing %s, extra %s" % (sorted(want - got), sorted(got - want))
PY
}

# A push of one new commit on main that changes requirements.txt.
push_requirements() {
	commit_file requirements.txt "numpy==2.1.0" "${1:-feat: numpy}"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
}

@test "push: the event comes from GITHUB_EVENT_NAME and the payload" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	commit_file README.md "# docs" "docs: readme"
	# The payload's range covers both commits; HEAD of the checkout is after.
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~2)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	pj
	[ "$status" -eq 0 ]
	[ "$(jtop event)" = push ]
	[ "$(jtop before)" = "$(rev HEAD~2)" ]
	[ "$(jtop after)" = "$(rev HEAD)" ]
	[ "$(jtop branch)" = main ]
	[ "$(jtop merge_prediction)" = false ]
	assert_decision executor-layer release changed
	assert_decision server-base skip unchanged
}

@test "push: the payload's before wins over the local upstream" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git push -q origin main
	commit_file README.md "# docs" "docs: readme"
	# Locally (upstream..HEAD) only README changed; the payload says more.
	pj
	assert_decision executor-layer skip unchanged
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~2)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer release changed
}

@test "GITHUB_OUTPUT: every documented key for both tracks, in key<<DELIM form" {
	push_requirements
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	# Only the heredoc form: no KEY=VALUE line.
	run grep -E '^[A-Za-z_]+=' "$GITHUB_OUTPUT"
	[ "$status" -ne 0 ]
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
	[ "$(ghout executor_layer_should_push)" = true ]
	[ "$(ghout executor_layer_decision)" = release ]
	[ "$(ghout executor_layer_reason)" = changed ]
	[ "$(ghout executor_layer_result)" = "" ]
	[ "$(ghout executor_layer_version)" = 0.1.4 ]
	[ "$(ghout executor_layer_previous_version)" = 0.1.3 ]
	[ "$(ghout executor_layer_package_version)" = 0.1.3 ]
	[ "$(ghout executor_layer_image_ref)" = "" ]
	[ "$(ghout executor_layer_tag)" = executor-layer@0.1.4 ]
	[ "$(ghout executor_layer_tags)" = "executor-layer@0.1.4 cloud-executor-layer@0.1.4" ]
	# The skipped track has its keys too.
	[ "$(ghout server_base_should_push)" = false ]
	[ "$(ghout server_base_decision)" = skip ]
	[ "$(ghout server_base_reason)" = unchanged ]
	[ "$(ghout server_base_version)" = "" ]
	[ "$(ghout server_base_tag)" = "" ]
	[ "$(ghout server_base_tags)" = "" ]
}

@test "GITHUB_OUTPUT: server-base release values (image_ref, tag)" {
	sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
	git commit -qam "feat: base 0.6.0"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
	[ "$(ghout server_base_should_push)" = true ]
	[ "$(ghout server_base_decision)" = release ]
	[ "$(ghout server_base_reason)" = changed ]
	[ "$(ghout server_base_version)" = 0.6.0 ]
	[ "$(ghout server_base_previous_version)" = 0.5.0 ]
	[ "$(ghout server_base_package_version)" = "" ]
	[ "$(ghout server_base_image_ref)" = ghcr.io/oomol/server-base:v0.6.0 ]
	[ "$(ghout server_base_tag)" = server-base@0.6.0 ]
	[ "$(ghout server_base_tags)" = server-base@0.6.0 ]
	[ "$(ghout executor_layer_should_push)" = false ]
}

@test "GITHUB_OUTPUT: a skipped track with a computed version (watch-only) shows it" {
	commit_file .github/workflows/tag-executor-layer.yml "name: v2" "ci: workflow"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
	[ "$(ghout executor_layer_should_push)" = false ]
	[ "$(ghout executor_layer_reason)" = watch-only ]
	[ "$(ghout executor_layer_version)" = 0.1.4 ]
	[ "$(ghout executor_layer_previous_version)" = 0.1.3 ]
}

@test "GITHUB_OUTPUT: exactly one --track also writes the unprefixed keys" {
	push_requirements
	run --separate-stderr ovm --track executor-layer plan
	[ "$status" -eq 0 ]
	gh_outputs "$GITHUB_OUTPUT"
	python3 - "$GITHUB_OUTPUT.json" "$KEYS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split():
    assert k in d, "unprefixed %s missing" % k
    assert d[k] == d["executor_layer_" + k], k
assert d["should_push"] == "true" and d["version"] == "0.1.4"
assert d["tag"] == "executor-layer@0.1.4"
PY
	# The skipped track alone: unprefixed keys too, should_push false.
	: >"$GITHUB_OUTPUT"
	run --separate-stderr ovm --track server-base plan
	[ "$status" -eq 0 ]
	gh_outputs "$GITHUB_OUTPUT"
	python3 - "$GITHUB_OUTPUT.json" "$KEYS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split():
    assert k in d and "server_base_" + k in d, k
    assert d[k] == d["server_base_" + k], k
PY
	[ "$(ghout should_push)" = false ]
	[ "$(ghout reason)" = unchanged ]
}

@test "GITHUB_OUTPUT: two --track flags write no unprefixed keys" {
	push_requirements
	run --separate-stderr ovm --track executor-layer --track server-base plan
	[ "$status" -eq 0 ]
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
}

@test "GITHUB_OUTPUT: appended to, never replaced" {
	push_requirements
	printf 'earlier_step<<EOF\nkept\nEOF\n' >"$GITHUB_OUTPUT"
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout earlier_step)" = kept ]
	[ "$(ghout executor_layer_version)" = 0.1.4 ]
}

@test "step summary: a Markdown table with every track, decision, version and tags" {
	push_requirements
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	python3 - "$GITHUB_STEP_SUMMARY" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
rows = [l for l in text.split("\n") if l.startswith("|")]
assert len(rows) >= 4, text
head = [c.strip().lower() for c in rows[0].strip("|").split("|")]
assert re.fullmatch(r"\|( *:?-+:? *\|)+", rows[1].replace(" ", "")), rows[1]
for col in ("track", "decision"):
    assert any(col in h for h in head), head
body = rows[2:]
ex = [r for r in body if "executor-layer" in r.split("|")[1]]
sb = [r for r in body if "server-base" in r.split("|")[1]]
assert len(ex) == 1 and len(sb) == 1, body
assert "release" in ex[0] and "0.1.4" in ex[0] and "cloud-executor-layer@0.1.4" in ex[0], ex
assert "skip" in sb[0], sb
for r in body:
    assert r.count("|") == rows[0].count("|"), (r, rows[0])
PY
}

@test "annotations: ::error file=...,line=... for a bad Dockerfile, exit 2" {
	printf '# base\n\nFROM ghcr.io/oomol/server-base:latest AS builder\n' \
		>dockerfiles/server-base.dockerfile
	git commit -qam "build: latest"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	[[ "$output"$'\n'"$stderr" == *"::error file=dockerfiles/server-base.dockerfile,line=3::"* ]]
	# With --json the annotation still reaches the log (stderr).
	: >"$GITHUB_OUTPUT"
	pj
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"::error file=dockerfiles/server-base.dockerfile,line=3::"* ]]
	[ "$(jt server-base decision)" != release ]
}

@test "annotations: package.json drift is a ::warning::, no other command" {
	tag_both 0.1.5
	git push -q origin --tags
	push_requirements
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	[[ "$output"$'\n'"$stderr" == *"::warning::"*"0.1.3"*"0.1.5"* ]]
	no_workflow_commands "$output"$'\n'"$stderr" '^::(error|warning|notice)( [^:]*)?::'
}

@test "workflow_dispatch payload: dispatch on main releases, outputs written" {
	commit_file README.md "# docs" "docs: readme"
	git push -q origin main
	dispatch_payload "$TEST_DIR/ev.json" refs/heads/main
	gh_env workflow_dispatch "$TEST_DIR/ev.json" "$(rev HEAD)" refs/heads/main
	pj
	[ "$status" -eq 0 ]
	[ "$(jtop event)" = workflow_dispatch ]
	[ "$(jtop after)" = "$(rev HEAD)" ]
	[ "$(jtop branch)" = main ]
	assert_decision executor-layer release dispatch
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
	[ "$(ghout executor_layer_should_push)" = true ]
	[ "$(ghout executor_layer_reason)" = dispatch ]
	[ "$(ghout executor_layer_version)" = 0.1.4 ]
}

@test "workflow_dispatch payload without a ref falls back to GITHUB_REF" {
	commit_file README.md "# docs" "docs: readme"
	printf '{"inputs": null, "workflow": ".github/workflows/tag-executor-layer.yml"}\n' \
		>"$TEST_DIR/ev.json"
	gh_env workflow_dispatch "$TEST_DIR/ev.json" "$(rev HEAD)" refs/heads/dev
	pj
	[ "$status" -eq 1 ]
	[ "$(jtop branch)" = dev ]
	assert_decision executor-layer refuse branch
}

@test "corpus payloads: tag/branch deleted, delete event, schedule are unsupported-event" {
	local corpus=${OVM_CORPUS:-$BATS_TEST_DIRNAME/../corpus}/github-events
	local f
	[ -d "$corpus" ] || skip "no corpus at $corpus"
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	# Deletions name a before this repository never had: A1 comes first (no A7).
	for f in 02-push-tag-deleted 17-push-branch-deleted-derived; do
		gh_env push "$corpus/$f.json" "$ZERO" refs/heads/main
		pj
		[ "$status" -eq 0 ]
		assert_decision executor-layer skip unsupported-event
		assert_decision server-base skip unsupported-event
	done
	gh_env delete "$corpus/05-delete-event-not-push.json" "$(rev HEAD)" refs/heads/main
	pj
	[ "$status" -eq 0 ]
	assert_decision executor-layer skip unsupported-event
	gh_env schedule "$corpus/15-schedule.json" "$(rev HEAD)" refs/heads/main
	pj
	[ "$status" -eq 0 ]
	[ "$(jtop event)" = schedule ]
	assert_decision executor-layer skip unsupported-event
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
	[ "$(ghout executor_layer_should_push)" = false ]
}

@test "injection: a head message with newlines, ::set-output, %0A, key<<EOF" {
	printf 'numpy==2.1.0\n' >requirements.txt
	git add requirements.txt
	printf '%s\n' 'feat: numpy' '::set-output name=should_push::false' \
		'%0A::add-mask::x' 'executor_layer_should_push<<EOF' 'false' 'EOF' \
		'executor_layer_version=9.9.9' '::stop-commands::tok' >"$TEST_DIR/msg"
	commit_msg_file "$TEST_DIR/msg"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	no_workflow_commands "$output" '^::(error|warning|notice)( [^:]*)?::'
	no_workflow_commands "$stderr" '^::(error|warning|notice)( [^:]*)?::'
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
	[ "$(ghout executor_layer_should_push)" = true ]
	[ "$(ghout executor_layer_version)" = 0.1.4 ]
	# --json too: the message stays inside the JSON document.
	: >"$GITHUB_OUTPUT"
	pj
	[ "$status" -eq 0 ]
	no_workflow_commands "$stderr" '^::(error|warning|notice)( [^:]*)?::'
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
}

@test "injection: a branch name with %0A and key<<EOF (push and dispatch)" {
	local br='x%0Aexecutor_layer_should_push<<EOF'
	git checkout -q -b "$br"
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)" "refs/heads/$br"
	gh_env push "$TEST_DIR/ev.json" "$(rev HEAD)" "refs/heads/$br"
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	no_workflow_commands "$output"$'\n'"$stderr" '^::(error|warning|notice)( [^:]*)?::'
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
	[ "$(ghout executor_layer_should_push)" = false ]
	[ "$(ghout executor_layer_reason)" = branch ]
	# Dispatch: refused; the name appears in the ::error, escaped.
	dispatch_payload "$TEST_DIR/ev.json" "refs/heads/$br"
	gh_env workflow_dispatch "$TEST_DIR/ev.json" "$(rev HEAD)" "refs/heads/$br"
	run --separate-stderr ovm plan
	[ "$status" -eq 1 ]
	python3 - "$output"$'\n'"$stderr" <<'PY'
import sys
cmds = [l for l in sys.argv[1].split("\n") if l.lstrip().startswith("::")]
errs = [l for l in cmds if l.startswith("::error")]
assert errs, cmds
for l in errs:
    # %0A in a message would become a line break: it must arrive as %250A.
    assert "%0A" not in l.replace("%250A", ""), l
assert any("%250A" in l for l in errs), errs
PY
	gh_outputs "$GITHUB_OUTPUT"
	expect_keys server_base_ executor_layer_
	[ "$(ghout executor_layer_should_push)" = false ]
}

@test "injection: a payload ref with a newline is an input error, nothing injected" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	python3 - "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)" <<'PY'
import json, sys
json.dump({"ref": "refs/heads/main\n::set-output name=should_push::true",
           "before": sys.argv[2], "after": sys.argv[3], "created": False,
           "deleted": False, "forced": False,
           "head_commit": {"message": "x\n::set-output name=a::b"}},
          open(sys.argv[1], "w"))
PY
	gh_env push "$TEST_DIR/ev.json"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	no_workflow_commands "$output"$'\n'"$stderr" '^::(error|warning|notice)( [^:]*)?::'
	[[ "$stderr" == *ref* ]]
	run grep -c should_push "$GITHUB_OUTPUT"
	[ "$output" = 0 ]
}

@test "injection: a package.json version with a newline stays one value" {
	printf '{\n  "name": "executor",\n  "version": "0.1.3\\n::set-output name=x::y\\nexecutor_layer_should_push<<EOF",\n  "private": true\n}\n' \
		>package.json
	printf 'numpy==2.1.0\n' >requirements.txt
	git add -A
	test_tick
	git commit -q -m "feat: odd version"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	run --separate-stderr ovm plan
	no_workflow_commands "$output" '^::(error|warning|notice)( [^:]*)?::'
	no_workflow_commands "$stderr" '^::(error|warning|notice)( [^:]*)?::'
	gh_outputs "$GITHUB_OUTPUT"
	python3 - "$GITHUB_OUTPUT.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert not [k for k in d if not k.startswith(("server_base_", "executor_layer_"))], sorted(d)
assert d.get("executor_layer_should_push", "false") in ("true", "false")
PY
}

@test "A3 in CI: OVM_RELEASE_ACTIVE is ignored with a ::warning::" {
	push_requirements
	export OVM_RELEASE_ACTIVE=1
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	[[ "$output"$'\n'"$stderr" == *"::warning::"*OVM_RELEASE_ACTIVE* ]]
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout executor_layer_should_push)" = true ]
	[ "$(ghout executor_layer_reason)" = changed ]
}

@test "A4 in CI: a [skip ci] head still decides on its files" {
	push_requirements "feat: numpy [skip ci]"
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout executor_layer_reason)" = changed ]
	[ "$(ghout executor_layer_should_push)" = true ]
}

@test "A10 in CI: the push of our own bump commit without its tags completes it" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	git push -q origin main
	bump_commit 0.1.4
	git push -q origin main
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"
	run --separate-stderr ovm plan
	[ "$status" -eq 0 ]
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout executor_layer_should_push)" = true ]
	[ "$(ghout executor_layer_reason)" = complete ]
	[ "$(ghout executor_layer_version)" = 0.1.4 ]
	[ "$(ghout executor_layer_tags)" = "executor-layer@0.1.4 cloud-executor-layer@0.1.4" ]
}

@test "a GITHUB_EVENT_PATH that cannot be read is exit 2 naming it" {
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	gh_env push "$TEST_DIR/nope.json"
	run --separate-stderr ovm plan
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$TEST_DIR/nope.json"* ]]
}
