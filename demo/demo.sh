#!/bin/sh
# make demo: generates an example repository shaped like the ovmlayer-rootfs
# layout (doc/config.md#the-default-configuration) with a local bare remote, makes a change, and runs
# ovm-release on it.  Usage: demo/demo.sh /path/to/ovm-release
set -eu
bin=${1:?usage: demo.sh OVM_RELEASE_BINARY}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ovm-demo.XXXXXX")
export HOME="$dir/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name "Demo Developer"
git config --global user.email "dev@example.com"
git config --global init.defaultBranch main

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "example repository in $dir/repo, remote $dir/remote.git"
git init -q --bare "$dir/remote.git"
git init -q "$dir/repo"
cd "$dir/repo"
mkdir -p dockerfiles .github/workflows
printf 'ARG BASE=ghcr.io/oomol/server-base\nFROM ${BASE}:v0.5.0 AS builder\nRUN true\n' >dockerfiles/server-base.dockerfile
printf '{\n  "name": "executor",\n  "version": "0.1.3",\n  "private": true\n}\n' >package.json
printf 'requests==2.31.0\n' >requirements.txt
printf 'name: tag server-base\n' >.github/workflows/tag-server-base.yml
printf 'name: tag executor-layer\n' >.github/workflows/tag-executor-layer.yml
git add -A
git commit -q -m "initial layout"
git tag server-base@0.5.0
git tag executor-layer@0.1.3
git tag cloud-executor-layer@0.1.3
git remote add origin "$dir/remote.git"
git push -q origin main --tags
git branch -q -u origin/main

say "a change: new base image and a new Python dependency"
sed -i 's/v0.5.0/v0.6.0/' dockerfiles/server-base.dockerfile
printf 'numpy==2.1.0\n' >>requirements.txt
git commit -q -am "feat: server-base 0.6.0, numpy"
git log --oneline -n 2

say "ovm-release config (the effective configuration)"
"$bin" config

say "ovm-release --plan (before pushing: what CI will do)"
"$bin" --plan
say "ovm-release --plan --json"
"$bin" --plan --json

say "git push, then the CI step: ovm-release run on the pushed range"
before=$(git rev-parse origin/main)
git push -q origin main
after=$(git rev-parse HEAD)
"$bin" run --event push --before "$before" --after "$after" --branch main

say "the remote now holds"
git ls-remote origin | sed "s|$dir/||"
git --git-dir="$dir/remote.git" log --oneline -n 3 main
git --git-dir="$dir/remote.git" show --stat --format='%an <%ae>%n%s' main | head -n 8

say "a rerun of the same event releases nothing twice"
"$bin" run --event push --before "$before" --after "$after" --branch main
echo
echo "demo repository kept in $dir"
