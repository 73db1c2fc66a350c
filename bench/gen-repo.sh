#!/bin/sh
# gen-repo.sh: a deterministic synthetic ovmlayer-rootfs repository for the
# benchmark (fixed authors and dates, built with git fast-import), cached
# under bench/.cache keyed by its parameters.  Prints the directory.
#
# Usage: bench/gen-repo.sh PACKED_TAGS LOOSE_TAGS COMMITS FILES
#
# The directory holds:
#   work/        a non-bare clone: main checked out, origin = remote.git,
#                main tracking origin/main; refs/bench/{base,quiet,release}
#                are B and the two pushed heads (see gen_stream.py)
#   remote.git   the bare remote (objects shared with work/ through
#                objects/info/alternates), main and every tag
#   ids          "base=<sha> quiet=<sha> release=<sha>", sourceable
# Tags are packed-refs in both repositories, except LOOSE_TAGS of them
# (chosen by a hash of the name) which are loose files.
set -eu
[ $# -eq 4 ] || { echo "usage: gen-repo.sh PACKED LOOSE COMMITS FILES" >&2; exit 2; }
packed=$1 loose=$2 commits=$3 files=$4
here=$(cd "$(dirname "$0")" && pwd)
cache=${BENCH_CACHE:-$here/.cache}
# v1: bump when gen_stream.py changes what it writes.
key="v1-t$packed-l$loose-c$commits-f$files"
dir=$cache/$key
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

export GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
# generation only: no fsync (the cache can be regenerated)
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsync GIT_CONFIG_VALUE_0=none
export GIT_AUTHOR_NAME="Bench Author" GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME="Bench Author" GIT_COMMITTER_EMAIL=bench@example.com
export GIT_AUTHOR_DATE="1700000000 +0000" GIT_COMMITTER_DATE="1700000000 +0000"
rm -rf "$dir"
mkdir -p "$dir"
echo "gen-repo: $key ..." >&2
start=$(date +%s)

git init -q -b main "$dir/work"
w() { git -C "$dir/work" "$@"; }
w config gc.auto 0
w config maintenance.auto false
w config core.untrackedCache false
python3 "$here/gen_stream.py" $((packed + loose)) "$commits" "$files" |
	w fast-import --quiet
base=$(w rev-parse refs/bench/base)
quiet=$(w rev-parse refs/bench/quiet)
release=$(w rev-parse refs/bench/release)
w update-ref refs/heads/main "$release"

git clone -q --bare --shared --no-tags "$dir/work" "$dir/remote.git"
git -C "$dir/remote.git" config gc.auto 0
# --no-tags skips them in the clone; copy every tag ref as it is (annotated
# tags keep their tag objects) through the packed-refs of the source.
w pack-refs --all
grep ' refs/tags/' "$dir/work/.git/packed-refs" |
	sed 's/^\([0-9a-f]*\) \(.*\)$/create \2 \1/' |
	git -C "$dir/remote.git" update-ref --stdin
git -C "$dir/remote.git" pack-refs --all

w remote add origin "$dir/remote.git"
w config branch.main.remote origin
w config branch.main.merge refs/heads/main
w update-ref refs/remotes/origin/main "$base"
w pack-refs --all

# Loose tags: move LOOSE of them out of packed-refs into files.
for repo in "$dir/work/.git" "$dir/remote.git"; do
	python3 - "$repo" "$loose" <<'PY'
import hashlib, os, sys
gitdir, loose = sys.argv[1], int(sys.argv[2])
path = os.path.join(gitdir, "packed-refs")
with open(path) as f:
	lines = f.read().splitlines()
header = [l for l in lines if l.startswith("#")]
entries = []   # [name, sha, peeled-line or None]
for l in lines:
	if l.startswith("#"):
		continue
	if l.startswith("^"):
		entries[-1][2] = l
		continue
	sha, name = l.split(" ", 1)
	entries.append([name, sha, None])
tags = sorted((e[0] for e in entries if e[0].startswith("refs/tags/")),
	key=lambda n: hashlib.sha1(n.encode()).hexdigest())
chosen = set(tags[:loose])
keep = []
for name, sha, peeled in entries:
	if name in chosen:
		p = os.path.join(gitdir, name)
		os.makedirs(os.path.dirname(p), exist_ok=True)
		with open(p, "w") as f:
			f.write(sha + "\n")
	else:
		keep.append(sha + " " + name)
		if peeled:
			keep.append(peeled)
with open(path + ".new", "w") as f:
	f.write("\n".join(header + keep) + "\n")
os.replace(path + ".new", path)
PY
done

w reset -q --hard "$release"
echo "base=$base quiet=$quiet release=$release" >"$dir/ids"
touch "$dir/.done"
echo "gen-repo: $key done in $(($(date +%s) - start)) s" >&2
echo "$dir"
