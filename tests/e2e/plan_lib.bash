# Helpers shared by plan_rules.bats, plan_sec9.bats and plan_github.bats
# (load after helper).  Everything works on the seed repository of
# make_seed_repo: origin at DIR.git, main tracking origin/main.

ZERO=0000000000000000000000000000000000000000
BUMP_MSG='chore(release): bump executor layer version to'
SKIP_TOKEN='[skip executor-layer-tag]'

# pj [ARGS]: ovm-release plan --json ARGS; stdout kept in $TEST_DIR/plan.json.
# A sanitizer report on stderr fails the test (UBSan does not change the
# exit status unless told to).
pj() {
	run --separate-stderr "$OVM_RELEASE" plan --json "$@"
	printf '%s\n' "$output" >"$TEST_DIR/plan.json"
	case $stderr in
	*"runtime error:"* | *"Sanitizer"*)
		printf 'sanitizer report:\n%s\n' "$stderr" >&2
		return 1 ;;
	esac
	[ -n "$output" ] || return 0
	plan_json_valid "$TEST_DIR/plan.json"
}

# plan_json_valid FILE: one UTF-8 JSON object that follows doc/plan.schema.json
# (when python3 has jsonschema) and whose object ids are object ids.
plan_json_valid() {
	python3 - "$1" "$BATS_TEST_DIRNAME/../../doc/plan.schema.json" <<'PY'
import json, re, sys
raw = open(sys.argv[1], "rb").read()
d = json.loads(raw.decode("utf-8"))
oid = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
def is_oid(v):
    return v is None or (isinstance(v, str) and oid.match(v))
assert is_oid(d.get("before")) and is_oid(d.get("after")), (d.get("before"), d.get("after"))
for t in d.get("tracks", []):
    for tag in t.get("tags", []):
        assert is_oid(tag.get("target")), ("bad tag target", t["name"], tag)
    c = t.get("commit")
    if c is not None:
        assert is_oid(c.get("id")), ("bad commit id", t["name"], c)
try:
    import jsonschema
except ImportError:
    sys.exit(0)
try:
    schema = json.load(open(sys.argv[2]))
except OSError:
    sys.exit(0)
jsonschema.validate(d, schema)
PY
}

# jt TRACK KEY: one field of one track of the last pj (strings bare,
# everything else as JSON).
jt() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
t=[t for t in d["tracks"] if t["name"]==sys.argv[2]][0]
v=t[sys.argv[3]]
print(json.dumps(v) if not isinstance(v,str) else v)' "$TEST_DIR/plan.json" "$@"
}

# jtop KEY: a top-level field of the last pj.
jtop() {
	python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))[sys.argv[2]]
print(json.dumps(v) if not isinstance(v,str) else v)' "$TEST_DIR/plan.json" "$1"
}

# pycheck: runs the Python assertions on stdin with `d` (the last pj) and
# `T(name)` (one of its tracks); on failure prints the plan to help.
pycheck() {
	local code
	code=$(cat)
	python3 - "$TEST_DIR/plan.json" "$code" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def T(name):
    m = [t for t in d["tracks"] if t["name"] == name]
    assert len(m) == 1, "no track %r" % name
    return m[0]
try:
    exec(sys.argv[2])
except AssertionError:
    print(json.dumps(d, indent=1), file=sys.stderr)
    raise
PY
}

# assert_decision TRACK DECISION REASON
assert_decision() {
	local dec rea
	dec=$(jt "$1" decision)
	rea=$(jt "$1" reason)
	if [ "$dec" != "$2" ] || [ "$rea" != "$3" ]; then
		echo "track $1: expected $2/$3, got $dec/$rea" >&2
		cat "$TEST_DIR/plan.json" >&2
		return 1
	fi
}

# rev REV: the full commit id.
rev() { git rev-parse --verify -q "$1^{commit}"; }

# pkg_version V: package.json of the seed layout with version V.
pkg_version() {
	printf '{\n  "name": "executor",\n  "version": "%s",\n  "private": true\n}\n' "$1"
}

# bump_commit V: what ovm-release's own bump commit to V looks like
# (only package.json's version set to V).
bump_commit() {
	sed -i -E 's/"version": "[^"]*"/"version": "'"$1"'"/' package.json
	git add package.json
	test_tick
	git commit -q -m "$BUMP_MSG $1"
}

# tag_both V [COMMIT]: both executor-layer tags of V (lightweight).
tag_both() {
	git tag "executor-layer@$1" ${2:+"$2"}
	git tag "cloud-executor-layer@$1" ${2:+"$2"}
}

# del_exec_tags: removes every executor-layer / cloud-executor-layer tag
# (locally and on origin).
del_exec_tags() {
	local t
	for t in $(git tag -l 'executor-layer@*' 'cloud-executor-layer@*'); do
		git tag -d "$t" >/dev/null
		git push -q origin ":refs/tags/$t" 2>/dev/null || true
	done
}

# commit_msg_file MESSAGE-FILE: commits the index with a verbatim message.
commit_msg_file() {
	test_tick
	git commit -q --allow-empty --cleanup=verbatim -F "$1"
}

# gh_env EVENT PAYLOAD-FILE [SHA [REF]]: the GitHub Actions environment.
gh_env() {
	export GITHUB_ACTIONS=true CI=true
	export GITHUB_EVENT_NAME=$1
	export GITHUB_EVENT_PATH=$2
	export GITHUB_SHA=${3:-$(git rev-parse HEAD)}
	export GITHUB_REF=${4:-refs/heads/main}
	export GITHUB_REF_NAME=${GITHUB_REF##*/}
	export GITHUB_OUTPUT="$TEST_DIR/gh_output"
	export GITHUB_STEP_SUMMARY="$TEST_DIR/gh_summary"
	: >"$GITHUB_OUTPUT"
	: >"$GITHUB_STEP_SUMMARY"
}

# push_payload FILE BEFORE AFTER [REF [MESSAGE]]: a push event payload
# (MESSAGE defaults to AFTER's message).
push_payload() {
	local msg=${5-}
	[ -n "$msg" ] || msg=$(git log -1 --format=%B "$3" 2>/dev/null || true)
	python3 - "$1" "$2" "$3" "${4:-refs/heads/main}" "$msg" <<'PY'
import json, sys
f, before, after, ref, msg = sys.argv[1:6]
zero = "0" * 40
p = {"ref": ref, "before": before, "after": after,
     "created": before == zero, "deleted": after == zero, "forced": False,
     "base_ref": None, "compare": "https://github.com/oomol/x/compare",
     "commits": [], "pusher": {"name": "octocat"},
     "repository": {"full_name": "oomol/ovmlayer-rootfs", "pushed_at": 1700000000},
     "head_commit": None if after == zero else
         {"id": after, "message": msg, "distinct": True}}
json.dump(p, open(f, "w"), indent=2)
PY
}

# dispatch_payload FILE REF
dispatch_payload() {
	python3 - "$1" "$2" <<'PY'
import json, sys
json.dump({"inputs": {}, "ref": sys.argv[2],
           "repository": {"full_name": "oomol/ovmlayer-rootfs"},
           "sender": {"login": "octocat"},
           "workflow": ".github/workflows/tag-executor-layer.yml"},
          open(sys.argv[1], "w"), indent=2)
PY
}

# gh_outputs FILE: parses $GITHUB_OUTPUT the way the runner does (key=value
# lines and key<<DELIM ... DELIM blocks) into FILE.json; fails on a
# duplicate key or a malformed file.
gh_outputs() {
	python3 - "$1" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
out, i = {}, 0
while i < len(lines):
    line = lines[i]
    i += 1
    if line == "":
        continue
    eq = line.find("=")
    hd = line.find("<<")
    if hd >= 0 and (eq < 0 or hd < eq):
        key, delim = line[:hd], line[hd + 2:]
        assert key and delim, "malformed heredoc line %r" % line
        val = []
        while True:
            assert i < len(lines), "unterminated %r" % key
            if lines[i] == delim:
                i += 1
                break
            val.append(lines[i])
            i += 1
        value = "\n".join(val)
    else:
        assert eq > 0, "malformed line %r" % line
        key, value = line[:eq], line[eq + 1:]
    assert key not in out, "duplicate key %r" % key
    out[key] = value
json.dump(out, open(sys.argv[1] + ".json", "w"), indent=1, sort_keys=True)
PY
}

# ghout KEY: one parsed $GITHUB_OUTPUT value (after gh_outputs).
ghout() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(d[sys.argv[2]]) if sys.argv[2] in d else sys.exit(1)' \
	    "$GITHUB_OUTPUT.json" "$1"
}

# no_workflow_commands TEXT ALLOWED-REGEX: every line that a runner would
# take as a workflow command ("::" after optional blanks) matches
# ALLOWED-REGEX (Python syntax).
no_workflow_commands() {
	python3 - "$1" "$2" <<'PY'
import re, sys
text, allowed = sys.argv[1], re.compile(sys.argv[2])
for line in text.replace("\r", "\n").split("\n"):
    s = line.lstrip()
    if s.startswith("::") and not allowed.match(s):
        sys.exit("unexpected workflow command: %r" % line)
    # The old "##[cmd]" form is a workflow command too.
    if s.startswith("##["):
        sys.exit("unexpected ##[ workflow command: %r" % line)
PY
}
