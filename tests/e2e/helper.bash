# Shared set-up for the bats suites: each test in a fresh temp dir with HOME
bats_require_minimum_version 1.5.0
# there, no system git config, pinned identity and dates (git's test_tick).

setup_env() {
	: "${OVM_RELEASE:?OVM_RELEASE must name the binary under test}"
	TEST_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ovm.XXXXXX")
	export HOME="$TEST_DIR/home"
	mkdir -p "$HOME"
	export GIT_CONFIG_NOSYSTEM=1
	export LC_ALL=C
	export NO_COLOR=1
	unset GITHUB_ACTIONS GITHUB_EVENT_NAME GITHUB_EVENT_PATH GITHUB_SHA \
		GITHUB_REF GITHUB_REF_NAME GITHUB_OUTPUT GITHUB_STEP_SUMMARY \
		GITHUB_TOKEN GH_TOKEN OVM_RELEASE_TOKEN OVM_RELEASE_ACTIVE CI
	export GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="author@example.com"
	export GIT_COMMITTER_NAME="C O Mitter" GIT_COMMITTER_EMAIL="committer@example.com"
	git config --global user.name "A U Thor"
	git config --global user.email "author@example.com"
	git config --global init.defaultBranch main
	git config --global advice.detachedHead false
	test_tick_time=1700000000
	export GIT_AUTHOR_DATE="$test_tick_time +0000" GIT_COMMITTER_DATE="$test_tick_time +0000"
	cd "$TEST_DIR"
}

teardown_env() {
	cd /
	[ -n "${TEST_DIR:-}" ] && rm -rf "$TEST_DIR"
}

test_tick() {
	test_tick_time=$((test_tick_time + 60))
	export GIT_AUTHOR_DATE="$test_tick_time +0000" GIT_COMMITTER_DATE="$test_tick_time +0000"
}

ovm() {
	"$OVM_RELEASE" "$@"
}

# commit_file PATH CONTENT MESSAGE: write, add, commit with a tick.
commit_file() {
	mkdir -p "$(dirname "$1")"
	printf '%s' "$2" >"$1"
	git add -- "$1"
	test_tick
	git commit -q -m "$3"
}

# make_seed_repo DIR: a repository shaped like the default layout (doc/config.md) with a bare
# remote "origin" (DIR.git), main pushed, a few releases tagged.
make_seed_repo() {
	local dir=$1
	git init -q --bare "$dir.git"
	git init -q "$dir"
	(
		cd "$dir"
		mkdir -p dockerfiles .github/workflows
		printf 'FROM ghcr.io/oomol/server-base:v0.5.0 AS builder\nRUN true\n' \
			>dockerfiles/server-base.dockerfile
		printf '{\n  "name": "executor",\n  "version": "0.1.3",\n  "private": true\n}\n' >package.json
		printf 'requests==2.31.0\n' >requirements.txt
		printf 'name: tag server-base\n' >.github/workflows/tag-server-base.yml
		printf 'name: tag executor-layer\n' >.github/workflows/tag-executor-layer.yml
		printf '# seed\n' >README.md
		git add -A
		test_tick
		git commit -q -m "initial layout"
		git tag server-base@0.5.0
		git tag executor-layer@0.1.3
		git tag cloud-executor-layer@0.1.3
		git remote add origin "$dir.git"
		git push -q origin main --tags
		git branch -q -u origin/main
	)
}
