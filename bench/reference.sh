#!/bin/bash
# reference.sh: the pipeline ovm-release replaces, as doc/decisions.md#deviations describes the
# two original workflows (bash steps with git, grep, sed and inline
# python3), for the benchmark to time against.  Run it inside the repository.
#
#   reference.sh plan BEFORE AFTER BRANCH   decide each track
#   reference.sh run  BEFORE AFTER BRANCH   decide, then do what the
#       workflows did locally: fetch the remote's tags, edit package.json,
#       commit, tag (no push)
#   reference.sh hook                       what a shell post-commit hook
#       would do: upstream..HEAD, git log + git diff --name-only + grep
#
# plan and run print one line per track, "NAME DECISION VERSION" (VERSION
# is "-" for a skip), the answer the benchmark compares with ovm-release's.
# Like the workflows, every step runs once the workflow runs (a workflow's
# steps do not short-circuit on another step's result); the decision is made
# from the steps' outputs at the end.
set -u

SKIP_TOKEN='[skip executor-layer-tag]'
DOCKERFILE=dockerfiles/server-base.dockerfile
BUMP_MSG='chore(release): bump executor layer version to'

# the hook: only git log, git diff --name-only and grep over upstream..HEAD
if [ "${1:-}" = hook ]; then
	up=$(git rev-parse -q --verify '@{upstream}' 2>/dev/null) || exit 0
	head=$(git rev-parse HEAD)
	skip=0
	if git log --format=%B "$up..$head" | grep -qF "$SKIP_TOKEN"; then
		skip=1
	fi
	changed=$(git diff --name-only "$up" "$head")
	if printf '%s\n' "$changed" | grep -qFx -e "$DOCKERFILE"; then
		echo "ovm-release: server-base would release on push ($DOCKERFILE changed)"
	fi
	if [ "$skip" = 0 ] &&
	    printf '%s\n' "$changed" | grep -qFx -e package.json -e requirements.txt; then
		echo "ovm-release: executor-layer would release on push"
	fi
	exit 0
fi

mode=$1 before=$2 after=$3 branch=$4

# run: the workflows fetched the remote's tags first (doc/decisions.md#deviations)
if [ "$mode" = run ]; then
	git fetch -q --tags --force origin || exit 3
fi

# step: skip token anywhere in the pushed range
skip=0
if git log --format=%B "$before..$after" | grep -qF "$SKIP_TOKEN"; then
	skip=1
fi

# step: changed paths (GitHub's on.push.paths filter)
changed=$(git diff --name-only "$before" "$after")
sb_trigger=0 sb_watch=0 ex_trigger=0 ex_watch=0
if printf '%s\n' "$changed" | grep -qFx -e "$DOCKERFILE"; then
	sb_trigger=1
fi
if printf '%s\n' "$changed" | grep -qFx -e .github/workflows/tag-server-base.yml; then
	sb_watch=1
fi
if printf '%s\n' "$changed" | grep -qFx -e package.json -e requirements.txt; then
	ex_trigger=1
fi
if printf '%s\n' "$changed" | grep -qFx -e .github/workflows/tag-executor-layer.yml; then
	ex_watch=1
fi

# step: next executor-layer version from the tags
ex_version=$(git tag --list 'executor-layer@*' 'cloud-executor-layer@*' | python3 -c '
import re, sys
rx = re.compile(r"^(?:cloud-)?executor-layer@(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
best = None
for line in sys.stdin:
	m = rx.match(line.strip())
	if m:
		v = tuple(int(x) for x in m.groups())
		if best is None or v > best:
			best = v
print("0.1.0" if best is None else "%d.%d.%d" % (best[0], best[1], best[2] + 1))
')

# step: server-base version from the FROM tag; refuse to move an existing tag
sb_version=$(git show "$after:$DOCKERFILE" |
	grep -m1 -iE '^[[:space:]]*FROM[[:space:]]' |
	sed -E 's/^[[:space:]]*[Ff][Rr][Oo][Mm][[:space:]]+//; s/[[:space:]]+[Aa][Ss][[:space:]].*$//; s/[[:space:]]*$//; s/.*:([^:/]+)$/\1/; s/^v([0-9])/\1/')
sb_exists=0
if git rev-parse -q --verify "refs/tags/server-base@$sb_version" >/dev/null; then
	sb_exists=1
fi

# decide
sb=skip ex=skip
if [ "$branch" = main ]; then
	if [ "$sb_trigger" = 1 ] && [ "$sb_exists" = 0 ]; then
		sb=release
	fi
	if [ "$ex_trigger" = 1 ] && [ "$skip" = 0 ]; then
		ex=release
	fi
fi
: "$sb_watch" "$ex_watch"	# watch-only: the workflow ran, and skipped
if [ "$sb" = release ]; then
	echo "server-base release $sb_version"
else
	echo "server-base skip -"
fi
if [ "$ex" = release ]; then
	echo "executor-layer release $ex_version"
else
	echo "executor-layer skip -"
fi
[ "$mode" = run ] || exit 0

# run: bump package.json, commit, tag (the workflows then pushed)
if [ "$ex" = release ]; then
	python3 - "$ex_version" <<'PY' || exit 2
import json, sys
with open("package.json") as f:
	data = json.load(f)
data["version"] = sys.argv[1]
with open("package.json", "w") as f:
	json.dump(data, f, indent=2)
	f.write("\n")
PY
	git add package.json || exit 2
	git commit -q -m "$BUMP_MSG $ex_version" || exit 2
	git tag "executor-layer@$ex_version" || exit 1
	git tag "cloud-executor-layer@$ex_version" || exit 1
fi
if [ "$sb" = release ]; then
	git tag "server-base@$sb_version" "$after" || exit 1
fi
exit 0
