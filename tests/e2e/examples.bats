#!/usr/bin/env bats
# doc/examples/ovmlayer-rootfs.json against the real repository it is for:
# every file a track reads or triggers on exists in the real tree
# (tests/fixtures/ovmlayer-rootfs/, with its provenance), so that no track
# of the example waits for a file the repository does not have.

load helper

ROOT=${OVM_ROOT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
EXAMPLE="$ROOT/doc/examples/ovmlayer-rootfs.json"
REAL="$ROOT/tests/fixtures/ovmlayer-rootfs"

setup() { setup_env; }
teardown() { teardown_env; }

# example_field KEYS: "track key value" per value of the tracks' KEYS
# (comma list); version files' paths unless optional.
example_field() {
	python3 -c '
import json, sys
cfg = json.load(open(sys.argv[1]))
for t in cfg["tracks"]:
    for k in sys.argv[2].split(","):
        v = t.get(k)
        if v is None:
            continue
        if isinstance(v, str):
            v = [v]
        for x in v:
            if isinstance(x, dict):
                if not x.get("optional"):
                    print(t["name"], k, x["path"])
            else:
                print(t["name"], k, x)
' "$EXAMPLE" "$1"
}

# in_real_tree KEYS MIN: every value of the tracks' KEYS is a path of the
# real tree, and there are at least MIN of them.
in_real_tree() {
	local n=0 track key f
	while read -r track key f; do
		n=$((n + 1))
		# paths are GitHub filters; the example uses plain file names.
		grep -qxF -- "$f" "$REAL/files.txt" ||
		    { echo "$track: $key '$f' is not in the real tree"; return 1; }
	done < <(example_field "$1")
	[ "$n" -ge "$2" ]
}

@test "examples: every track's trigger path matches a file of the real repository" {
	in_real_tree paths 5
}

@test "examples: the files a track reads (Dockerfile, version files) exist in the real repository" {
	in_real_tree from_dockerfile,version_files 2
}

@test "examples: each tag family the example releases has tags in the real repository, and a track of its own" {
	local fam
	for fam in server-base executor-layer cloud-executor-layer base-rootfs oocana-runtime oocana-mount; do
		grep -q "^$fam@" "$REAL/tags.txt"
		grep -qF "\"$fam@{version}\"" "$EXAMPLE"
	done
}

@test "examples: on a repository with the real tree and tags, a change to each track's file plans that track's release" {
	git init -q r
	cd r
	cp "$EXAMPLE" .ovm-release.json
	while read -r f; do
		mkdir -p "$(dirname "$f")"
		printf 'x\n' >"$f"
	done <"$REAL/files.txt"
	cp "$REAL/server-base.dockerfile" dockerfiles/server-base.dockerfile
	printf '{"name":"x","version":"0.1.4"}\n' >package.json
	printf '{"name":"x","version":"0.1.4","lockfileVersion":3,"packages":{"":{"name":"x","version":"0.1.4"}}}\n' >package-lock.json
	git add -A
	git commit -qm base
	while read -r tag; do
		git tag "$tag"
	done <"$REAL/tags.txt"
	before=$(git rev-parse HEAD)
	while read -r track key pat; do
		case $pat in
		package.json) sed -i 's/"name":"x"/"name":"y"/' "$pat" ;;
		*) printf '# touch\n' >>"$pat" ;;
		esac
	done < <(example_field paths)
	# server-base@0.6.0 exists: a new FROM tag is what releases it.
	sed -i 's/server-base:v0.6.0/server-base:v0.7.0/' dockerfiles/server-base.dockerfile
	git commit -qam "change every trigger"
	run "$OVM_RELEASE" plan --json --event push --before "$before" --branch main
	echo "$output"
	[ "$status" -eq 0 ]
	for t in server-base executor-layer base-rootfs oocana-runtime oocana-mount; do
		python3 -c '
import json, sys
p = json.loads(sys.argv[1])
t = [x for x in p["tracks"] if x["name"] == sys.argv[2]][0]
sys.exit(0 if t["decision"] == "release" else 1)' "$output" "$t" ||
		    { echo "track $t does not release"; return 1; }
	done
}
