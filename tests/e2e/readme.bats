#!/usr/bin/env bats
# The README's own instructions, followed on a generated repository shaped
# like the default layout (doc/config.md): the commands are read from the README's code blocks and the
# workflows from ci/github/, so that the test breaks when either drifts.
# The remote is served over smart HTTP with a token (the GitHub App token
# of the ready workflows); every check reads the bare remote's refs.

load helper
load plan_lib
load run_lib

ROOT=${OVM_ROOT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
APP_TOKEN=ghs-readme-app-token-4c7d21
# Where the README puts the action in the released repository.
ACTION_DIR=.github/actions/ovm-release

setup() {
	setup_env
	python3 -c 'import yaml' 2>/dev/null || {
		echo "python3-yaml is required (ci/install-deps.sh)" >&2
		return 1
	}
}
teardown() {
	stop_servers
	teardown_env
}

# readme_block HEADING [N]: the Nth (default first) fenced code block of the
# README section titled HEADING (any level; it ends at the next heading of
# the same or a higher level), without its fences.  Fails naming what is
# missing.
readme_block() {
	python3 - "$ROOT/README.md" "$1" "${2:-1}" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
head, n = sys.argv[2], int(sys.argv[3])
level, fence, blocks, cur = None, False, [], None
for line in lines:
    if line.startswith("```"):
        fence = not fence
        if level is not None:
            if fence:
                cur = []
            else:
                blocks.append("".join(l + "\n" for l in cur))
                cur = None
        continue
    if fence:
        if cur is not None:
            cur.append(line)
        continue
    if line.startswith("#"):
        hashes = len(line) - len(line.lstrip("#"))
        title = line[hashes:].strip()
        if level is None and title == head:
            level = hashes
        elif level is not None and hashes <= level:
            break
if level is None:
    sys.exit("README.md has no section %r" % head)
if len(blocks) < n:
    sys.exit("README.md section %r has no code block %d" % (head, n))
sys.stdout.write(blocks[n - 1])
PY
}

# readme_line HEADING PATTERN: the one line of the section's first block
# that matches the grep PATTERN.
readme_line() {
	local block line
	block=$(readme_block "$1") || return 1
	line=$(printf '%s\n' "$block" | grep -e "$2") || {
		echo "README.md '$1': no line matching '$2' in:" >&2
		printf '%s\n' "$block" >&2
		return 1
	}
	[ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] || {
		echo "README.md '$1': several lines match '$2'" >&2
		return 1
	}
	printf '%s\n' "$line"
}

# mk ARGS: make in the source tree with the binary under test as the build
# (-o: never rebuilt here), as install.bats does.
mk() {
	local bin
	bin=$(cd "$(dirname "$OVM_RELEASE")" && pwd)/$(basename "$OVM_RELEASE")
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	    make -s -C "$ROOT" BUILD="$(dirname "$bin")" -o "$bin" "$@"
}

# readme_install: runs the README's packaging line (make install with a
# DESTDIR) from $TEST_DIR/work; sets PREFIX_DIR to DESTDIR+PREFIX.
readme_install() {
	local line a dest="" prefix=/usr/local
	line=$(readme_line Install 'make install.*DESTDIR=') || return 1
	mkdir -p "$TEST_DIR/work"
	cd "$TEST_DIR/work"
	# The README's words, expanded by the shell as a user's would be.
	eval "set -- $line"
	[ "$1" = make ] || { echo "not a make command: $line" >&2; return 1; }
	shift
	for a in "$@"; do
		case $a in
		DESTDIR=/*) dest=${a#DESTDIR=} ;;
		DESTDIR=*) echo "relative DESTDIR (make -C would put it in the tree): $line" >&2; return 1 ;;
		PREFIX=*) prefix=${a#PREFIX=} ;;
		esac
	done
	[ -n "$dest" ] || return 1
	mk "$@" || return 1
	PREFIX_DIR=$dest$prefix
	cd "$TEST_DIR"
}

# dev_push: the developer's `git push` (origin is the bare repository's
# path); BEFORE and AFTER are its range; the push log is emptied.
dev_push() {
	BEFORE=$(git --git-dir="$R" rev-parse refs/heads/main)
	git push -q origin main
	AFTER=$(git rev-parse HEAD)
	: >"$R/push.log"
}

# workflow_job WORKFLOW BEFORE AFTER WORKSPACE: what GitHub does with the
# ready workflow for the push BEFORE..AFTER to main, read from the workflow
# file itself: whether its on.push filter starts it (branches, then paths
# in GitHub's dialect, the last matching pattern winning), the
# actions/checkout settings, and the action step's inputs turned into the
# environment of action.yml's `run` step.  Writes job.env
# (the step's environment), job.env.job (JOB_STARTS, JOB_FETCH_DEPTH,
# JOB_CHECKOUT_TOKEN), action.sh (the step's script) and job.outputs.json
# (job output -> $GITHUB_OUTPUT key) under $TEST_DIR.
workflow_job() {
	git --git-dir="$R" diff --no-renames --name-only "$2" "$3" >"$TEST_DIR/changed.txt"
	python3 - "$1" "$TEST_DIR/changed.txt" "$4" "$APP_TOKEN" \
	    "$TEST_DIR/job.env" "$TEST_DIR/job.outputs.json" <<'PY'
import json, os, re, shlex, sys, yaml
wf_path, changed_path, ws, token, env_out, outs_out = sys.argv[1:7]
w = yaml.safe_load(open(wf_path))
on = w.get("on", w.get(True))            # YAML 1.1 reads `on` as true
changed = open(changed_path).read().split()

def glob_re(p):
    # GitHub's filter dialect: ** any depth, * and ? within a segment.
    out, i = "", 0
    while i < len(p):
        c = p[i]
        if p.startswith("**", i):
            out += ".*"; i += 2; continue
        out += {"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c)); i += 1
    return re.compile(out + r"\Z")

def filt(patterns, names):
    hit = []
    for n in names:
        m = False
        for p in patterns:
            neg = p.startswith("!")
            if glob_re(p[1:] if neg else p).match(n):
                m = not neg
        hit.append(m)
    return any(hit)

push = on.get("push") or {}
starts = filt(push.get("branches", ["**"]), ["main"]) and \
    ("paths" not in push or filt(push["paths"], changed))
job_vars = {"JOB_STARTS": "true" if starts else "false"}
env = {}
(job,) = w["jobs"].values()
steps = job["steps"]
app = [s for s in steps if str(s.get("uses", "")).startswith("actions/create-github-app-token@")]
exprs = {}
if app:
    exprs["${{ steps.%s.outputs.token }}" % app[0]["id"]] = token

def value(v):
    v = str(v)
    for k, x in exprs.items():
        v = v.replace(k, x)
    assert "${{" not in v, "expression the test cannot evaluate: %s" % v
    return v

(co,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
cw = co.get("with", {})
job_vars["JOB_FETCH_DEPTH"] = value(cw.get("fetch-depth", 1))   # checkout's default: 1
job_vars["JOB_CHECKOUT_TOKEN"] = value(cw.get("token", ""))
ours = [s for s in steps if str(s.get("uses", "")).startswith("./")]
assert len(ours) == 1, "no local action step"
step = ours[0]
assert steps.index(step) > steps.index(co), "the action runs before the checkout"
action_file = os.path.join(ws, step["uses"], "action.yml")
action = yaml.safe_load(open(action_file))
given = step.get("with", {})
for k in given:
    assert k in action["inputs"], "not an input of action.yml: %s" % k
(run,) = [s for s in action["runs"]["steps"] if s.get("id") == "run"]
for k, v in run["env"].items():
    m = re.fullmatch(r"\$\{\{ inputs\.([A-Za-z0-9_-]+) \}\}", str(v))
    if m:
        name = m.group(1)
        env[k] = value(given.get(name, action["inputs"][name].get("default", "")))
    else:
        assert k == "OVM_RELEASE_BIN", (k, v)
def sh(d, pre):
    return "".join("%s%s=%s\n" % (pre, k, shlex.quote(v)) for k, v in d.items())
open(env_out, "w").write(sh(env, "export "))
open(env_out + ".job", "w").write(sh(job_vars, ""))
open(os.path.join(os.path.dirname(env_out), "action.sh"), "w").write(run["run"])
# Job outputs: steps.<id>.outputs.X -> action output X -> steps.run.outputs.KEY.
outs = {}
for name, expr in (job.get("outputs") or {}).items():
    m = re.fullmatch(r"\$\{\{ steps\.%s\.outputs\.([A-Za-z0-9_-]+) \}\}" % re.escape(step["id"]), expr)
    assert m, (name, expr)
    m2 = re.fullmatch(r"\$\{\{ steps\.run\.outputs\.([A-Za-z0-9_-]+) \}\}", action["outputs"][m.group(1)]["value"])
    outs[name] = m2.group(1)
json.dump(outs, open(outs_out, "w"))
PY
}

# gh_run WORKFLOW BEFORE AFTER: GitHub running the ready workflow
# ci/github/WORKFLOW for the push BEFORE..AFTER to main that the remote
# already holds.  When its filter starts it: actions/checkout as configured
# (over HTTP with the App token, the extraheader left in .git/config, HEAD
# on main at AFTER), then action.yml's run step under bash -e with the
# installed binary.  Sets JOB_STARTS, JOB_STATUS; the step's stdout and
# stderr are in $TEST_DIR/job.out and job.err, the job's outputs in
# $TEST_DIR/job.json.
gh_run() {
	local wf=$1 before=$2 after=$3 ws depth=() auth
	ws=$TEST_DIR/runner/$(basename "$wf" .yml)-$after
	rm -rf "$ws" "$TEST_DIR/job.json"
	# The workflow file and the action come from the pushed commit.
	mkdir -p "$ws"
	git --git-dir="$R" archive "$after" | tar -x -C "$ws"
	workflow_job "$ws/.github/workflows/$wf" "$before" "$after" "$ws" || return 1
	rm -rf "$ws"
	. "$TEST_DIR/job.env.job"
	[ "$JOB_STARTS" = true ] || return 0
	[ "$JOB_FETCH_DEPTH" -eq 0 ] || depth=(--depth "$JOB_FETCH_DEPTH")
	auth="AUTHORIZATION: basic $(basic_auth "$JOB_CHECKOUT_TOKEN")"
	git -c "http.extraheader=$auth" clone -q --no-checkout "${depth[@]}" \
	    "${HTTP_URL}repo.git" "$ws"
	git -C "$ws" config --local "http.${HTTP_URL}.extraheader" "$auth"
	git -C "$ws" checkout -q -B main "$after"
	(cd "$R" && push_payload "$TEST_DIR/event.json" "$before" "$after")
	if (
		cd "$ws"
		. "$TEST_DIR/job.env"
		gh_env push "$TEST_DIR/event.json" "$after" refs/heads/main
		export GITHUB_WORKSPACE=$ws GITHUB_REPOSITORY=oomol/ovmlayer-rootfs
		env OVM_RELEASE_BIN="$PREFIX_DIR/bin/ovm-release" \
		    bash --noprofile --norc -e -o pipefail "$TEST_DIR/action.sh" \
		    >"$TEST_DIR/job.out" 2>"$TEST_DIR/job.err"
	); then JOB_STATUS=0; else JOB_STATUS=$?; fi
	cat "$TEST_DIR/job.out" "$TEST_DIR/job.err" >&2
	if grep -q -e "runtime error:" -e "Sanitizer" "$TEST_DIR/job.err"; then
		echo "sanitizer report in $wf" >&2
		return 1
	fi
	# No token in the log or in the checkout's files (but the extraheader).
	if grep -q -F -e "$APP_TOKEN" "$TEST_DIR/job.out" "$TEST_DIR/job.err"; then
		echo "the App token was printed" >&2
		return 1
	fi
	gh_outputs "$TEST_DIR/gh_output"
	python3 - "$TEST_DIR/gh_output.json" "$TEST_DIR/job.outputs.json" \
	    "$TEST_DIR/job.json" <<'PY'
import json, sys
got, outs = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
json.dump({k: got.get(v, "") for k, v in outs.items()}, open(sys.argv[3], "w"))
PY
}

# job KEY: one output of the last job.
job() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	    "$TEST_DIR/job.json" "$1"
}

# github_push BEFORE AFTER: every ready workflow GitHub would run for the
# push; STARTED lists the ones its filter started, each must succeed.
github_push() {
	local wf
	STARTED=""
	for wf in tag-server-base.yml tag-executor-layer.yml; do
		gh_run "$wf" "$1" "$2" || return 1
		[ "$JOB_STARTS" = true ] || continue
		STARTED="$STARTED${STARTED:+ }$wf"
		[ "$JOB_STATUS" -eq 0 ] || { echo "$wf failed: $JOB_STATUS" >&2; return 1; }
		cp "$TEST_DIR/job.json" "$TEST_DIR/job.$wf.json"
	done
}

# jobout WORKFLOW KEY: one output of that workflow's job in the last
# github_push.
jobout() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	    "$TEST_DIR/job.$1.json" "$2"
}

# seed_over_http: the released repository (the default layout) in $TEST_DIR/repo, its
# bare remote R served over HTTP behind the App token, pushes logged; cd
# into it.
seed_over_http() {
	make_seed_repo "$TEST_DIR/repo"
	R=$TEST_DIR/repo.git
	git --git-dir="$R" config http.receivepack true
	log_pushes "$R"
	start_http_git "$APP_TOKEN"
	cd "$TEST_DIR/repo"
}

@test "README, end to end: install into a DESTDIR, the ready workflows, a package.json push and a Dockerfile push release the documented tags" {
	# Install: the README's packaging line.
	readme_install
	[ -x "$PREFIX_DIR/bin/ovm-release" ]
	[ -f "$PREFIX_DIR/share/man/man1/ovm-release.1" ]
	[ -f "$PREFIX_DIR/share/bash-completion/completions/ovm-release" ]
	[ -x "$PREFIX_DIR/share/ovm-release/hooks/post-commit" ]
	export PATH="$PREFIX_DIR/bin:$PATH"
	[ "$(command -v ovm-release)" = "$PREFIX_DIR/bin/ovm-release" ]
	[ "$(ovm-release --version | head -n 1)" = "ovm-release $(cat "$ROOT/VERSION")" ]

	# The released repository (the default layout), its remote served over HTTP with
	# the App token; the developer pushes straight to it.
	seed_over_http

	# "In GitHub Actions": the action where the workflows' `uses:` looks
	# (its action.yml stands for the vendored repository), and the two
	# ready workflows over the old ones.
	grep -q -F "\`$ACTION_DIR\`" "$ROOT/README.md"
	mkdir -p "$ACTION_DIR"
	cp "$ROOT/action.yml" "$ACTION_DIR/action.yml"
	cp "$ROOT/ci/github/tag-server-base.yml" "$ROOT/ci/github/tag-executor-layer.yml" .github/workflows/
	git add -A
	test_tick
	git commit -q -m "ci: release with ovm-release"
	dev_push
	rrefs "$R" >"$TEST_DIR/refs.0"
	github_push "$BEFORE" "$AFTER"
	# Each workflow starts for its own file and releases nothing.
	expect_eq "started" "tag-server-base.yml tag-executor-layer.yml" "$STARTED"
	expect_eq "server-base" "false" "$(jobout tag-server-base.yml should_push)"
	expect_eq "executor-layer" "false" "$(jobout tag-executor-layer.yml should_push)"
	rrefs "$R" >"$TEST_DIR/refs.1"
	diff "$TEST_DIR/refs.0" "$TEST_DIR/refs.1"

	# "Before you push": the README's block, line by line.
	readme_block "Before you push" >"$TEST_DIR/local.sh"
	grep -q '^ovm-release --plan' "$TEST_DIR/local.sh"
	grep -q '^ovm-release install-hook' "$TEST_DIR/local.sh"
	run --separate-stderr sh -e "$TEST_DIR/local.sh"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ -x .git/hooks/post-commit ]

	# A package.json change: the hook says it, --plan agrees, push.
	printf '{\n  "name": "executor",\n  "version": "0.1.3",\n  "private": true,\n  "dependencies": {"left-pad": "1.3.0"}\n}\n' >package.json
	git add package.json
	test_tick
	out=$(git commit -q -m "feat: left-pad" 2>&1)
	expect_eq "hook" "ovm-release: executor-layer 0.1.3 -> 0.1.4 on push (package.json changed)" "$out"
	run --separate-stderr ovm-release --plan
	[ "$status" -eq 0 ]
	[[ "$output" == *"executor-layer: release"*"0.1.3 -> 0.1.4"* ]] || [[ "$output" == *"executor-layer: release"*"0.1.3 → 0.1.4"* ]]
	dev_push
	github_push "$BEFORE" "$AFTER"
	expect_eq "started" "tag-executor-layer.yml" "$STARTED"
	expect_eq "should_push" true "$(jobout tag-executor-layer.yml should_push)"
	expect_eq "version" 0.1.4 "$(jobout tag-executor-layer.yml version)"
	expect_eq "previous_version" 0.1.3 "$(jobout tag-executor-layer.yml previous_version)"
	expect_eq "package_version" 0.1.3 "$(jobout tag-executor-layer.yml package_version)"
	expect_eq "tag" executor-layer@0.1.4 "$(jobout tag-executor-layer.yml tag)"
	expect_eq "tags" "executor-layer@0.1.4 cloud-executor-layer@0.1.4" "$(jobout tag-executor-layer.yml tags)"
	# On the remote: the bump commit on main, on top of the pushed commit,
	# changing only package.json's version; both tags on it, pushed after
	# the branch, one per push.
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "bump message" "$BUMP_MSG 0.1.4" "$(git --git-dir="$R" log -1 --format=%s "$bump")"
	expect_eq "bump diff" "package.json" "$(git --git-dir="$R" diff --name-only "$AFTER" "$bump")"
	git --git-dir="$R" show "$bump:package.json" | grep -q '"version": "0.1.4"'
	expect_eq "executor-layer@0.1.4" "$bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4)"
	expect_eq "cloud-executor-layer@0.1.4" "$bump" "$(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	expect_eq "pushes" "refs/heads/main
refs/tags/executor-layer@0.1.4
refs/tags/cloud-executor-layer@0.1.4" "$(pushes "$R")"

	# The App's push of the bump commit starts the executor workflow again
	# (App tokens do start workflows): it recognises its own commit.
	: >"$R/push.log"
	rrefs "$R" >"$TEST_DIR/refs.2"
	github_push "$AFTER" "$bump"
	expect_eq "started" "tag-executor-layer.yml" "$STARTED"
	expect_eq "bump push" "false" "$(jobout tag-executor-layer.yml should_push)"
	rrefs "$R" >"$TEST_DIR/refs.3"
	diff "$TEST_DIR/refs.2" "$TEST_DIR/refs.3"
	expect_eq "pushes" "" "$(pushes "$R")"

	# A Dockerfile change: the developer pulls the bump first.
	git pull -q --ff-only origin main
	sed -i 's/server-base:v0.5.0/server-base:v0.6.0/' dockerfiles/server-base.dockerfile
	git add dockerfiles/server-base.dockerfile
	test_tick
	out=$(git commit -q -m "feat: server-base 0.6.0" 2>&1)
	expect_eq "hook" "ovm-release: server-base 0.5.0 -> 0.6.0 on push (dockerfiles/server-base.dockerfile changed)" "$out"
	dev_push
	github_push "$BEFORE" "$AFTER"
	expect_eq "started" "tag-server-base.yml" "$STARTED"
	expect_eq "should_push" true "$(jobout tag-server-base.yml should_push)"
	expect_eq "version" 0.6.0 "$(jobout tag-server-base.yml version)"
	expect_eq "image_ref" ghcr.io/oomol/server-base:v0.6.0 "$(jobout tag-server-base.yml image_ref)"
	expect_eq "tag" server-base@0.6.0 "$(jobout tag-server-base.yml tag)"
	# The tag on the pushed commit; no commit, main unchanged.
	expect_eq "server-base@0.6.0" "$AFTER" "$(rrev "$R" refs/tags/server-base@0.6.0)"
	expect_eq "main" "$AFTER" "$(rrev "$R" refs/heads/main)"
	expect_eq "pushes" "refs/tags/server-base@0.6.0" "$(pushes "$R")"

	# Every tag the docs promise, and no other.
	expect_eq "remote tags" "cloud-executor-layer@0.1.3 $(rrev "$R" refs/tags/cloud-executor-layer@0.1.3)
cloud-executor-layer@0.1.4 $bump
executor-layer@0.1.3 $(rrev "$R" refs/tags/executor-layer@0.1.3)
executor-layer@0.1.4 $bump
server-base@0.5.0 $(rrev "$R" refs/tags/server-base@0.5.0)
server-base@0.6.0 $AFTER" "$(rtags "$R")"
	expect_eq "branches" "refs/heads/main" \
	    "$(git --git-dir="$R" for-each-ref --format='%(refname)' refs/heads)"
}

@test "README, in another CI: its run line releases over HTTP with OVM_RELEASE_TOKEN alone" {
	line=$(readme_line "In another CI" 'ovm-release run')
	[[ "$line" == *'--event push'* ]]
	seed_over_http
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	dev_push
	# A full clone with the pushed commit checked out, no stored credential.
	git -c "http.extraheader=AUTHORIZATION: basic $(basic_auth "$APP_TOKEN")" \
	    clone -q "${HTTP_URL}repo.git" "$TEST_DIR/ci"
	cd "$TEST_DIR/ci"
	git checkout -q -B main "$AFTER"
	mkdir -p "$TEST_DIR/bin"
	ln -s "$OVM_RELEASE" "$TEST_DIR/bin/ovm-release"
	run --separate-stderr env PATH="$TEST_DIR/bin:$PATH" TOKEN="$APP_TOKEN" \
	    BEFORE="$BEFORE" AFTER="$AFTER" sh -c "$line"
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[[ "$output$stderr" != *"$APP_TOKEN"* ]]
	[[ "$stderr" != *"Sanitizer"* && "$stderr" != *"runtime error:"* ]]
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "tags" "$bump $bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4) $(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	expect_eq "pushes" "refs/heads/main
refs/tags/executor-layer@0.1.4
refs/tags/cloud-executor-layer@0.1.4" "$(pushes "$R")"
	# The token was not stored in the clone.
	! grep -r -q -F "$APP_TOKEN" .git
}

@test "README: the ready workflows' uses: is where the README vendors the action" {
	for wf in "$ROOT"/ci/github/tag-*.yml; do
		python3 - "$wf" "$ACTION_DIR" <<'PY'
import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
(job,) = w["jobs"].values()
uses = [s["uses"] for s in job["steps"] if str(s.get("uses", "")).startswith("./")]
assert uses == ["./" + sys.argv[2]], (sys.argv[1], uses)
PY
	done
	# The README says where, how, and what to write instead when published.
	sed -n '/^## In GitHub Actions/,/^### /p' "$ROOT/README.md" >gha.md
	grep -q -F "\`$ACTION_DIR\`" gha.md
	grep -q "git subtree add" gha.md
	grep -q -F "uses: OWNER/ovm-release@TAG" gha.md
	grep -q -F "fetch-depth: 0" gha.md
	# No owner is made up anywhere users copy from.
	! grep -n -E "uses: [A-Za-z0-9-]+/ovm-release@" "$ROOT"/ci/github/*.yml "$ROOT/action.yml"
}
