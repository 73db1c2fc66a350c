#!/usr/bin/env bats
# Where users meet the tool: the manual page, the bash completion, the
# GitHub Action (action.yml) and the workflows of ci/github/, each checked
# against the binary itself so that none of them drifts from the code.

load helper
load plan_lib

ROOT=${OVM_ROOT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
MAN="$ROOT/doc/ovm-release.1"
COMMANDS="config plan run hook install-hook check-image resolve help version"
ENV_VARS="GITHUB_ACTIONS GITHUB_EVENT_NAME GITHUB_EVENT_PATH GITHUB_SHA GITHUB_REF
GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_TOKEN GH_TOKEN GITHUB_API_URL
OVM_RELEASE_TOKEN OVM_RELEASE_ACTIVE OVM_RELEASE_TIMEOUT OVM_RELEASE_REGISTRY_TOKEN
OVM_RELEASE_HTTP_BACKOFF_MS OVM_RELEASE_CPU_LIMIT NO_COLOR DOCKER_CONFIG"

setup() { setup_env; }
teardown() { teardown_env; }

# man_text: the manual rendered as plain text on one very long line width,
# so that no option is split across lines.
man_text() {
	groff -man -Tascii -rLL=400n -P-cbu "$MAN" 2>/dev/null
}

# help_options: every --option that --help and `help COMMAND` print.
help_options() {
	local c
	{
		ovm --help
		for c in $COMMANDS; do ovm help "$c"; done
	} | grep -o -- '--[a-z][a-z-]*' | sort -u
}

have_yaml() { python3 -c 'import yaml' 2>/dev/null; }

# --- the manual page -------------------------------------------------------

@test "man page: groff renders it without a warning" {
	command -v groff >/dev/null 2>&1 || skip "groff is not installed (groff-base)"
	run --separate-stderr groff -man -ww -z "$MAN"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ] || { echo "$stderr"; false; }
	run --separate-stderr groff -man -ww -Tutf8 "$MAN"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ] || { echo "$stderr"; false; }
}

@test "man page: man -l renders it without a warning, at any width" {
	command -v man >/dev/null 2>&1 || skip "man is not installed (man-db)"
	for w in 60 80 132; do
		run --separate-stderr env MANWIDTH=$w man --warnings=w -l "$MAN"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ] || { echo "width $w: $stderr"; false; }
		[[ "$output" == *"NAME"*"SYNOPSIS"*"EXIT STATUS"*"ENVIRONMENT"*"FILES"* ]]
	done
}

@test "man page: every option of --help and help COMMAND is documented, and no other" {
	command -v groff >/dev/null 2>&1 || skip "groff is not installed (groff-base)"
	help_options >help.txt
	[ "$(wc -l <help.txt)" -ge 15 ]
	man_text | grep -o -- '--[a-z][a-z-]*' | sort -u >man.txt
	# Options of the help missing from the man page, then the reverse.
	run comm -23 help.txt man.txt
	[ -z "$output" ] || { echo "not in the man page: $output"; false; }
	run comm -13 help.txt man.txt
	[ -z "$output" ] || { echo "not in --help: $output"; false; }
	# Each option has its own tagged paragraph (.TP then .B/.BI --opt).
	while read -r o; do
		esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		grep -q "^\.BI\{0,1\} $esc\( \|\$\)" "$MAN" ||
		    { echo "no paragraph for $o"; false; }
	done <help.txt
}

@test "man page: every command, exit status, environment variable and file" {
	command -v groff >/dev/null 2>&1 || skip "groff is not installed (groff-base)"
	man_text >man.txt
	for c in $COMMANDS; do
		esc=$(printf '%s' "$c" | sed 's/-/\\\\-/g')
		grep -q "^\.B\(R\|I\)\{0,1\} $esc\( \|\$\)" "$MAN" ||
		    { echo "command $c has no paragraph"; false; }
	done
	sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' man.txt >exit.txt
	for s in 0 1 2 3 4; do
		grep -q "^ *$s  " exit.txt || { echo "exit status $s"; false; }
	done
	sed -n '/^ENVIRONMENT/,/^FILES/p' man.txt >env.txt
	for v in $ENV_VARS; do
		grep -q "^ *\(.*, \)\{0,1\}$v\(,\|\$\)" env.txt ||
		    { echo "environment variable $v"; false; }
	done
	# Every variable the sources read is in the list above.
	for v in $(grep -rho 'getenv("[A-Z_]*")' "$ROOT"/src | sort -u |
	    sed 's/getenv("\(.*\)")/\1/'); do
		[ "$v" = HOME ] && continue
		grep -q "\\b$v\\b" env.txt || { echo "undocumented: $v"; false; }
	done
	sed -n '/^FILES/,/^EXAMPLES/p' man.txt >files.txt
	for f in .ovm-release.json ovm-release.lock post-commit; do
		grep -q -- "$f" files.txt || { echo "file $f"; false; }
	done
}

# --- bash completion -------------------------------------------------------

# comp WORD...: COMPREPLY, sorted and space-separated, for the command line
# WORD... (the last word is the one being completed).
comp() {
	bash -c '
		source "$1/completion/ovm-release.bash" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_ovm_release
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ \$//"
	' _ "$ROOT" "$@"
}

@test "completion: registered for ovm-release; commands, global options" {
	run bash -c 'source "$1" && complete -p ovm-release' _ "$ROOT/completion/ovm-release.bash"
	[ "$status" -eq 0 ]
	[[ "$output" == "complete -F _ovm_release ovm-release" ]]
	[ "$(comp ovm-release "")" = "check-image config help hook install-hook plan resolve run version" ]
	[ "$(comp ovm-release p)" = "plan" ]
	[ "$(comp ovm-release --repo . r)" = "resolve run" ]
	[ "$(comp ovm-release --)" = "--config --help --plan --repo --track --version" ]
	[ "$(comp ovm-release help in)" = "install-hook" ]
	[ "$(comp ovm-release hook "")" = "post-commit" ]
	[ "$(comp ovm-release hook post-commit "")" = "" ]
}

@test "completion: options per command, and values of --event" {
	[ "$(comp ovm-release run --no)" = "--no-fetch --no-push" ]
	[ "$(comp ovm-release plan --o)" = "--online" ]
	[ "$(comp ovm-release run --o)" = "" ]
	[ "$(comp ovm-release install-hook --)" = "--config --force --help --plan --repo --track --uninstall --version" ]
	[ "$(comp ovm-release --track x run --event "")" = "local push workflow_dispatch" ]
	[ "$(comp ovm-release plan --event w)" = "workflow_dispatch" ]
	# The options of each command are exactly those of `help COMMAND`.
	for c in $COMMANDS; do
		want=$( { ovm help "$c"; ovm --help; } | grep -o -- '--[a-z][a-z-]*' |
		    grep -v -- '--plan$' | sort -u | tr '\n' ' ' | sed 's/ $//')
		got=$(comp ovm-release "$c" -- | tr ' ' '\n' | grep -v -- '--plan$' |
		    sort -u | tr '\n' ' ' | sed 's/ $//')
		[ "$got" = "$want" ] || { echo "$c: completion '$got', help '$want'"; false; }
	done
}

@test "completion: track names from ovm-release config (--config and --repo honoured)" {
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	[ "$(comp "$OVM_RELEASE" --track "")" = "executor-layer server-base" ]
	[ "$(comp "$OVM_RELEASE" --track s)" = "server-base" ]
	[ "$(comp "$OVM_RELEASE" resolve "")" = "executor-layer server-base" ]
	[ "$(comp "$OVM_RELEASE" resolve executor-layer "")" = "" ]
	[ "$(comp "$OVM_RELEASE" --config "$ROOT/doc/examples/ovmlayer-rootfs.json" --track oo)" = "oocana-mount oocana-runtime" ]
	# An identity's "name" is not a track.
	printf '{"identity": {"name": "Release Bot", "email": "bot@example.com"}}\n' >.ovm-release.json
	cd /
	[ "$(comp "$OVM_RELEASE" --repo "$TEST_DIR/repo" --track "")" = "executor-layer server-base" ]
	# --branch and --remote come from git.
	cd "$TEST_DIR/repo"
	[ "$(comp "$OVM_RELEASE" plan --remote "")" = "origin" ]
	[ "$(comp "$OVM_RELEASE" plan --branch m)" = "main" ]
	# A broken configuration completes no track, quietly.
	printf '{' >.ovm-release.json
	[ "$(comp "$OVM_RELEASE" --track "")" = "" ]
}

# --- action.yml and the workflows ------------------------------------------

# action_check: action.yml's inputs and outputs against doc/decisions.md#github_output and the
# embedded configuration's tracks.
@test "action.yml: composite; the inputs of the brief; an output for every GITHUB_OUTPUT key" {
	have_yaml || skip "python3 yaml is not installed (python3-yaml)"
	ovm config >cfg.json
	python3 - "$ROOT/action.yml" cfg.json <<'PY'
import json, re, sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
cfg = json.load(open(sys.argv[2]))
assert a["runs"]["using"] == "composite", a["runs"]
ins = a["inputs"]
assert set(ins) == {"command", "track", "config", "token", "annotate", "dry-run"}, set(ins)
assert ins["command"]["default"] == "run"
assert "default" not in ins["token"], "the token has no default"
keys = ["should_push", "decision", "reason", "result", "version",
        "previous_version", "package_version", "image_ref", "tag", "tags"]
want = set(keys)
for t in cfg["tracks"]:
    want |= {t["name"].replace("-", "_") + "_" + k for k in keys}
outs = a["outputs"]
assert set(outs) == want, (sorted(want - set(outs)), sorted(set(outs) - want))
steps = a["runs"]["steps"]
ids = [s.get("id") for s in steps]
for k, v in outs.items():
    assert v["value"] == "${{ steps.run.outputs.%s }}" % k, (k, v)
run = steps[ids.index("run")]
# Inputs reach the script through env only, never spliced into it.
assert "${{" not in run["run"], "expression inside the script"
env = run["env"]
assert env["OVM_RELEASE_TOKEN"] == "${{ inputs.token }}"
for k in ins:
    assert any(v == "${{ inputs.%s }}" % k for v in env.values()), k
text = open(sys.argv[1]).read()
for m in re.findall(r"inputs\.([A-Za-z0-9_-]+)", text):
    assert m in ins, "undefined input %s" % m
# apt deps, make, actions/cache keyed by the action's ref.
allrun = "\n".join(s.get("run", "") for s in steps)
for p in ("libgit2-dev", "libcjson-dev", "libcurl4-openssl-dev",
          "libpcre2-dev", "pkg-config", "build-essential", "apt-get"):
    assert p in allrun, p
assert re.search(r"\bmake\b", allrun)
cache = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache@")]
assert len(cache) == 1, cache
assert "github.action_ref" in text
PY
}

# action_script FILE: the script of action.yml's `run` step.
action_script() {
	python3 - "$ROOT/action.yml" "$1" <<'PY'
import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
s = [s for s in a["runs"]["steps"] if s.get("id") == "run"][0]
open(sys.argv[2], "w").write(s["run"])
PY
}

# run_action [VAR=VALUE...]: the `run` step as the runner would run it
# (bash -e, the step's env with the defaults of the inputs).
run_action() {
	run --separate-stderr env OVM_RELEASE_BIN="$OVM_RELEASE" \
	    INPUT_COMMAND=run INPUT_TRACK= INPUT_CONFIG= INPUT_ANNOTATE=false \
	    INPUT_DRY_RUN=false OVM_RELEASE_TOKEN= "$@" \
	    bash --noprofile --norc -e -o pipefail "$TEST_DIR/action.sh"
}

@test "action.yml: the run step passes the inputs as flags; its outputs are the ones written" {
	have_yaml || skip "python3 yaml is not installed (python3-yaml)"
	action_script "$TEST_DIR/action.sh"
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	push_payload "$TEST_DIR/ev.json" "$(rev HEAD~1)" "$(rev HEAD)"
	gh_env push "$TEST_DIR/ev.json"

	# plan, one track: the unprefixed keys too.
	run_action INPUT_COMMAND=plan INPUT_TRACK=executor-layer
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout should_push)" = true ]
	[ "$(ghout version)" = 0.1.4 ]
	[ "$(ghout tag)" = executor-layer@0.1.4 ]
	[ "$(ghout executor_layer_previous_version)" = 0.1.3 ]
	# Every output of action.yml that the tool wrote for one track.
	python3 - "$ROOT/action.yml" "$GITHUB_OUTPUT.json" <<'PY'
import json, sys, yaml
outs = yaml.safe_load(open(sys.argv[1]))["outputs"]
got = json.load(open(sys.argv[2]))
keys = {k[len("executor_layer_"):] for k in got if k.startswith("executor_layer_")}
for k in got:
    assert k in outs, "written but not an output of action.yml: %s" % k
for k in outs:
    if k.startswith("server_base_"):
        continue
    assert k in got, "an output of action.yml that is never written: %s" % k
PY

	# run with dry-run: bump committed locally, nothing pushed.
	remote_main=$(git -C "$TEST_DIR/repo.git" rev-parse main)
	: >"$GITHUB_OUTPUT"
	run_action INPUT_TRACK=executor-layer INPUT_DRY_RUN=true
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout executor_layer_decision)" = release ]
	[ -z "$(git ls-remote "$TEST_DIR/repo.git" 'refs/tags/executor-layer@0.1.4')" ]
	[ "$(git -C "$TEST_DIR/repo.git" rev-parse main)" = "$remote_main" ]
	[ "$(git log -1 --format=%s)" = "$BUMP_MSG 0.1.4" ]
	[ "$(git tag --points-at HEAD | sort | tr '\n' ' ')" = "cloud-executor-layer@0.1.4 executor-layer@0.1.4 " ]

	# Every track, server-base's keys included; a bad command is refused.
	git reset -q --hard "$(rev HEAD~1)"
	git tag -d executor-layer@0.1.4 cloud-executor-layer@0.1.4 >/dev/null
	: >"$GITHUB_OUTPUT"
	run_action INPUT_COMMAND=plan INPUT_TRACK="server-base executor-layer"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	gh_outputs "$GITHUB_OUTPUT"
	[ "$(ghout server_base_decision)" = skip ]
	! ghout should_push
	run_action INPUT_COMMAND='run; touch pwned'
	[ "$status" -eq 2 ]
	[[ "$output" == *"::error::"*"unsupported command"* ]]
	[ ! -e pwned ]
}

# workflow_check: each ci/github/tag-<track>.yml against the configuration
# and action.yml.
@test "workflows: on.push.paths are the track's paths + watch + .ovm-release.json; only action.yml's inputs and outputs" {
	ovm config >cfg.json
	if ! have_yaml; then
		# Without a YAML parser: the generated blocks are up to date.
		OVM_RELEASE="$OVM_RELEASE" sh "$ROOT/ci/github/gen-paths.sh" --check
		return
	fi
	python3 - "$ROOT" cfg.json <<'PY'
import json, os, re, sys, yaml
root, cfg = sys.argv[1], json.load(open(sys.argv[2]))
action = yaml.safe_load(open(os.path.join(root, "action.yml")))
tracks = {t["name"]: t for t in cfg["tracks"]}
seen = []
for name in sorted(os.listdir(os.path.join(root, "ci/github"))):
    if not (name.startswith("tag-") and name.endswith(".yml")):
        continue
    track = name[4:-4]
    assert track in tracks, "no track %s for %s" % (track, name)
    seen.append(track)
    path = os.path.join(root, "ci/github", name)
    w = yaml.safe_load(open(path))
    on = w.get("on", w.get(True))           # YAML 1.1 reads `on` as true
    t = tracks[track]
    want = t["paths"] + t.get("watch", []) + [".ovm-release.json"]
    assert on["push"]["paths"] == want, (name, on["push"]["paths"], want)
    assert on["push"]["branches"] == cfg["branches"], name
    assert "workflow_dispatch" in on, name
    # server-base has no concurrency group; every other track has its own.
    if track == "server-base":
        assert "concurrency" not in w, name
    else:
        assert w["concurrency"]["cancel-in-progress"] is False, name
    assert w["permissions"] == {"contents": "write"}, name
    for jname, job in w["jobs"].items():
        steps = job["steps"]
        uses = [str(s.get("uses", "")) for s in steps]
        app = [s for s in steps if str(s.get("uses", "")).startswith("actions/create-github-app-token@")]
        assert len(app) == 1, name
        assert {"app-id", "private-key"} <= set(app[0]["with"]), name
        co = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
        assert len(co) == 1 and co[0]["with"]["fetch-depth"] == 0, name
        assert co[0]["with"]["token"] == "${{ steps.%s.outputs.token }}" % app[0]["id"]
        # OWNER/ovm-release@TAG, or the copy vendored in the released
        # repository (README, "In GitHub Actions").
        ours = [s for s in steps if re.search(r"(^|/)ovm-release(@|$)", str(s.get("uses", "")))]
        assert len(ours) == 1, (name, uses)
        step = ours[0]
        assert set(step["with"]) <= set(action["inputs"]), (name, step["with"])
        assert step["with"]["track"] == track, name
        assert step["with"]["token"] == "${{ steps.%s.outputs.token }}" % app[0]["id"]
        assert uses.index(step["uses"]) > uses.index(co[0]["uses"]), name
        text = open(path).read()
        for out in re.findall(r"steps\.%s\.outputs\.([A-Za-z0-9_-]+)" % re.escape(step["id"]), text):
            assert out in action["outputs"], (name, out)
        # No shell step re-implements what the tool does.
        assert not any("run" in s for s in steps), name
assert sorted(seen) == sorted(tracks), (seen, list(tracks))
PY
	# And gen-paths.sh agrees.
	OVM_RELEASE="$OVM_RELEASE" sh "$ROOT/ci/github/gen-paths.sh" --check
}

@test "gen-paths.sh: rewrites a stale block, --check fails on it, other configs" {
	cp "$ROOT"/ci/github/tag-*.yml .
	sed -i "s|^      - 'requirements.txt'|      - 'stale.txt'|" tag-executor-layer.yml
	run env OVM_RELEASE="$OVM_RELEASE" sh "$ROOT/ci/github/gen-paths.sh" --check tag-*.yml
	[ "$status" -eq 1 ]
	[[ "$output" == *"tag-executor-layer.yml is out of date"* ]]
	[[ "$output" != *"tag-server-base.yml is out of date"* ]]
	run env OVM_RELEASE="$OVM_RELEASE" sh "$ROOT/ci/github/gen-paths.sh" tag-*.yml
	[ "$status" -eq 0 ]
	cmp tag-executor-layer.yml "$ROOT/ci/github/tag-executor-layer.yml"
	cmp tag-server-base.yml "$ROOT/ci/github/tag-server-base.yml"
	# Another configuration: its paths, a quote doubled, no duplicate.
	cat >cfg.json <<'EOF'
{"branches": ["main", "release/x"], "tracks": [{"name": "server-base",
  "from_dockerfile": "it's.dockerfile", "tags": ["server-base@{version}"],
  "paths": ["it's.dockerfile", "docker/**", "!docker/README.md"],
  "watch": [".ovm-release.json"]}]}
EOF
	run env OVM_RELEASE="$OVM_RELEASE" sh "$ROOT/ci/github/gen-paths.sh" --config cfg.json tag-server-base.yml
	[ "$status" -eq 0 ]
	sed -n '/# generated by/,/# end of generated block/p' tag-server-base.yml >block.txt
	cat block.txt
	grep -qx "      - 'release/x'" block.txt
	grep -qx "      - 'it''s.dockerfile'" block.txt
	grep -qx "      - '!docker/README.md'" block.txt
	[ "$(grep -c "ovm-release.json" block.txt)" -eq 1 ]
	# A workflow whose track is not configured is an error.
	run env OVM_RELEASE="$OVM_RELEASE" sh "$ROOT/ci/github/gen-paths.sh" --config cfg.json tag-executor-layer.yml
	[ "$status" -eq 2 ]
	[[ "$output" == *"no track 'executor-layer'"* ]]
}

# --- the README, the version and the changelog -----------------------------

# readme_section TITLE: the README's section of that title (any level), up
# to the next heading of the same or a higher level.
readme_section() {
	awk -v t="$1" '
		/^```/ { fence = !fence }
		!fence && /^#+ / {
			n = match($0, /[^#]/) - 1
			if (lvl && n <= lvl) exit
			if (!lvl && substr($0, n + 2) == t) lvl = n
		}
		lvl { print }
	' "$ROOT/README.md"
}

@test "README: the limits section names each GitHub limit and what to configure for it" {
	readme_section "GitHub's limits and what to configure" >limits.md
	[ -s limits.md ]
	# Each limit, and its configuration, in the README's words.
	for want in 'GITHUB_TOKEN' 'start no other workflows' 'GitHub App' \
	    'create-github-app-token' 'doc/decisions.md#credentials' 'OVM_RELEASE_TOKEN' \
	    'extraheader' 'GH_TOKEN' \
	    'protected branch' 'ruleset' 'bypass' \
	    'unsigned' 'Unverified' '"identity"' \
	    'more than three tags' 'one tag per push' \
	    'concurrency group' 'replaces pending runs' 'unreleased changes' \
	    '"catch_up": true' 'workflow_dispatch'; do
		grep -q -F -- "$want" limits.md || { echo "limits: no '$want'"; false; }
	done
	# Five limits, numbered.
	[ "$(grep -c '^[1-5]\. \*\*' limits.md)" -eq 5 ]
}

@test "README: the example configuration, the JSON schema and the install layout" {
	readme_section "The other tag families" >fam.md
	grep -q -F 'doc/examples/ovmlayer-rootfs.json' fam.md
	grep -q -F '.ovm-release.json' fam.md
	# Every track of the example, in the table.
	for t in $(python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["tracks"]: print(t["name"])' \
	    "$ROOT/doc/examples/ovmlayer-rootfs.json"); do
		grep -q "^| \`$t\` |" fam.md || { echo "no row for $t"; false; }
	done
	[ -f "$ROOT/doc/plan.schema.json" ]
	grep -q -F 'doc/plan.schema.json' "$ROOT/README.md"
	# The install section names what `make install` puts under PREFIX.
	readme_section Install >install.md
	for f in bin/ovm-release share/ovm-release/hooks/post-commit \
	    share/man/man1/ovm-release.1 \
	    share/bash-completion/completions/ovm-release; do
		grep -q -F "\`$f\`" install.md || { echo "install: no $f"; false; }
		grep -q -F "$f" "$ROOT/Makefile" ||
		    grep -q -F "$(basename "$f")" "$ROOT/Makefile" ||
		    { echo "Makefile: no $f"; false; }
	done
	grep -q -F 'PREFIX' install.md
	grep -q -F 'DESTDIR' install.md
	grep -q -F 'make uninstall' install.md
}

@test "VERSION: a release version, the one of --version, the man page and the changelog" {
	v=$(cat "$ROOT/VERSION")
	[[ "$v" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] ||
	    { echo "VERSION is not a release version: '$v'"; false; }
	[ "$(wc -l <"$ROOT/VERSION")" -eq 1 ]
	run ovm --version
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ovm-release $v" ]
	grep -q "^\.TH OVM-RELEASE 1 .* \"ovm-release $v\" " "$MAN"
	# The changelog: [Unreleased] on top, then this version with a date.
	grep '^## ' "$ROOT/CHANGELOG.md" >releases.txt
	[ "$(sed -n 1p releases.txt)" = "## [Unreleased]" ]
	sed -n 2p releases.txt | grep -q -x "## \[$v\] - [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]"
	# Every release heading has that form, each version once.
	sed -n '2,$p' releases.txt | grep -v -x '## \[[0-9][0-9.]*\] - [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]' &&
	    { echo "a malformed release heading"; false; }
	[ -z "$(sed 's/ - .*//' releases.txt | sort | uniq -d)" ]
	# Only Keep a Changelog's kinds of change, each under a release.
	run grep -n '^### ' "$ROOT/CHANGELOG.md"
	[ "$status" -eq 0 ]
	printf '%s\n' "${lines[@]}" | grep -v -E ':### (Added|Changed|Deprecated|Removed|Fixed|Security)$' &&
	    { echo "not a Keep a Changelog heading"; false; }
	awk '/^## /{r=1} /^### /&&!r{exit 1}' "$ROOT/CHANGELOG.md"
}

# --- doc/decisions.md and doc/config.md -------------------------------------

@test "doc/decisions.md: every reason (and its words), result and GITHUB_OUTPUT key the binary prints" {
	python3 - "$ROOT" <<'PY'
import json, re, sys
root = sys.argv[1]
doc = open(root + "/doc/decisions.md").read()
policy = open(root + "/src/core/policy.c").read()
# The reason table of policy.c: [OVM_R_X] = { "name", "words" }.
pairs = re.findall(r'\[OVM_R_[A-Z_]+\]\s*=\s*\{\s*"([a-z-]*)",\s*"([^"]*)"\s*\}',
                   policy)
pairs = [(n, w) for n, w in pairs if n]
names = {n for n, _ in pairs}
# out.c prints "error" for a failed track; the schema lists all of them.
assert 'return "error";' in open(root + "/src/cli/out.c").read()
schema = json.load(open(root + "/doc/plan.schema.json"))
enum = set(schema["properties"]["tracks"]["items"]["properties"]["reason"]["enum"])
assert names | {"error"} == enum, ("policy.c vs schema", sorted(names ^ (enum - {"error"})))
rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z-]+)` \|.*$", doc, re.M)}
for n, w in pairs:
    assert n in rows, "no row for reason %s in the Reasons table" % n
    assert w in rows[n], "reason %s: its words '%s' are not in its row" % (n, w)
assert "error" in rows, "no row for reason error"
# Results (out.c) and the $GITHUB_OUTPUT keys (ghout.c).
out = open(root + "/src/cli/out.c").read()
m = re.search(r'names\[\] = \{ "",((?:\s*"[a-z]+",?)+)\s*\}', out)
results = re.findall(r'"([a-z]+)"', m.group(1))
assert len(results) == 6, results
for r in results:
    assert "`%s`" % r in doc, "result %s" % r
keys = re.findall(r'write_key\(f, prefix, "([a-z_]+)"', open(root + "/src/cli/ghout.c").read())
assert len(keys) == 10, keys
for k in keys:
    assert "| `<t>_%s` |" % k in doc, "GITHUB_OUTPUT key %s" % k
# Exit codes 0..4, one row each.
for c in range(5):
    assert re.search(r"^\| %d \| " % c, doc, re.M), "exit code %d" % c
PY
	# And what the binary prints on a real plan is documented.
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	commit_file requirements.txt "numpy==2.1.0" "feat: numpy"
	run --separate-stderr ovm plan --json
	[ "$status" -eq 0 ]
	for r in $(printf '%s' "$output" | python3 -c 'import json,sys
for t in json.load(sys.stdin)["tracks"]: print(t["reason"])'); do
		grep -q -F "| \`$r\` |" "$ROOT/doc/decisions.md" || { echo "reason $r"; false; }
	done
}

@test "doc/config.md: every key of ovm-release config, and the default as the binary prints it" {
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	ovm config >default.json
	printf '{"identity": {"name": "Bot", "email": "bot@example.com"}}\n' >.ovm-release.json
	ovm config >identity.json
	python3 - "$ROOT/doc/config.md" default.json identity.json <<'PY'
import json, re, sys
doc = open(sys.argv[1]).read()
cfgs = [json.load(open(p)) for p in sys.argv[2:]]
headings = set(re.findall(r"^### (\S+)$", doc, re.M))
def walk(v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            out.add(k)
            walk(x, out)
    elif isinstance(v, list):
        for x in v:
            walk(x, out)
keys = set()
for c in cfgs:
    walk(c, keys)
assert len(keys) >= 20, keys
for k in sorted(keys):
    assert "`%s`" % k in doc or k in headings, "config key %s is not in doc/config.md" % k
# Top-level and track keys have a section of their own.
top = set(cfgs[0])
track = set().union(*(set(t) for t in cfgs[0]["tracks"]))
for k in sorted(top | track):
    assert k in headings, "no '### %s' section in doc/config.md" % k
# The default shown is the default the binary prints.
m = re.search(r"## The default configuration\n.*?```json\n(.*?)```", doc, re.S)
assert m, "no JSON block under 'The default configuration'"
assert json.loads(m.group(1)) == cfgs[0], "doc/config.md's default differs from 'ovm-release config'"
PY
}

# Anchors are GitHub's: the heading lower-cased, punctuation dropped, spaces
# turned into '-'.
@test "docs: every doc/*.md#anchor cited in the sources and docs exists; README and man page link both docs" {
	python3 - "$ROOT" <<'PY'
import os, re, sys
root = sys.argv[1]
def slug(h):
    h = re.sub(r"[^\w\- ]", "", h.strip().lower())
    return h.replace(" ", "-")
def anchors(path):
    text = re.sub(r"^```.*?^```", "", open(path).read(), flags=re.S | re.M)
    return {slug(h) for h in re.findall(r"^#+ (.*)$", text, re.M)}
docs = {n: anchors(os.path.join(root, "doc", n)) for n in ("decisions.md", "config.md")}
cited = []
for d, _, files in os.walk(root):
    if any(p in d for p in ("/.git", "/build", "/tests/corpus")):
        continue
    for f in files:
        p = os.path.join(d, f)
        try:
            text = open(p, encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        # doc/x.md#a (sources, README) and (x.md#a) links inside doc/.
        for n, a in re.findall(r"(?:doc/|\()((?:decisions|config)\.md)#([A-Za-z0-9_-]+)", text):
            cited.append((p, n, a))
        for a in re.findall(r"\]\(#([A-Za-z0-9_-]+)\)", text) if p.endswith(("decisions.md", "config.md")) else []:
            cited.append((p, os.path.basename(p), a))
assert len(cited) > 20, len(cited)
bad = [(p, n, a) for p, n, a in cited if a not in docs[n]]
assert not bad, bad
PY
	grep -q -F 'doc/decisions.md' "$ROOT/README.md"
	grep -q -F 'doc/config.md' "$ROOT/README.md"
	man_src=$(sed -n '/^\.SH SEE ALSO/,$p' "$MAN")
	[[ "$man_src" == *decisions.md* ]]
	[[ "$man_src" == *config.md* ]]
	# Nothing the user gets cites the team's specification or its folder
	# (spelled in two pieces, so that this file passes the same search).
	local where="$ROOT/README.md $ROOT/doc $ROOT/action.yml $ROOT/ci $ROOT/src $ROOT/hooks $ROOT/completion"
	run grep -rnw "S""PEC" $where
	[ "$status" -eq 1 ] || { echo "$output"; false; }
	run grep -rnF "share""d/" $where
	[ "$status" -eq 1 ] || { echo "$output"; false; }
}
