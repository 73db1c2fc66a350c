#!/usr/bin/env bats
# Secrets never leak (doc/decisions.md#credentials): a distinctive token is handed to the tool
# in every way it accepts one (OVM_RELEASE_TOKEN, GITHUB_TOKEN, an
# http.<url>.extraheader, userinfo in the remote URL, the registry token)
# and every command that may use it runs, on success and failure paths,
# in GitHub Actions mode.  Afterwards the token, the base64 of
# "x-access-token:TOKEN" and the base64 of the bare token appear in none of
# stdout, stderr, $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY, and no file under
# the test directory except the ones the test itself wrote it to
# (.git/config is compared byte for byte with its copy from before).

load helper
load plan_lib
load run_lib

SECRET=OVM_TEST_SECRET_7f3a9c1e5b2d8f40
WRONG=OVM_TEST_SECRET_WRONG_c04e9a1b77d3

setup() {
	setup_env
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	R=$TEST_DIR/repo.git
	start_http_git "$SECRET"
	serve_repo_http "$TEST_DIR/repo"
	log_pushes "$R"
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	push_payload "$TEST_DIR/event.json" "$BEFORE" "$AFTER"
	gh_env push "$TEST_DIR/event.json" "$AFTER"
	# Files the test writes the secret to itself.
	ALLOWED="$TEST_DIR/httpd/users"
	: >"$TEST_DIR/all.out"
}
teardown() {
	stop_servers
	teardown_env
}

# snap_config: remember .git/config as the test left it.
snap_config() {
	cp .git/config "$TEST_DIR/config.snap"
}

# step ARGS: one ovm-release command; its stdout and stderr are kept for
# leak_check, and the status is in $status.
step() {
	run_ovm "$@"
	printf '=== %s (exit %s)\n%s\n%s\n' "$*" "$status" "$output" "$stderr" \
		>>"$TEST_DIR/all.out"
}

# leak_check VALUE...: no VALUE, nor base64 of x-access-token:VALUE, nor
# base64 of VALUE, in any output of the steps, $GITHUB_OUTPUT,
# $GITHUB_STEP_SUMMARY, or a file under $TEST_DIR other than $ALLOWED;
# .git/config is as snapshotted.
leak_check() {
	local v pat f bad=0
	: >"$TEST_DIR/patterns"
	for v in "$@"; do
		printf '%s\n%s\n%s\n' "$v" "$(basic_auth "$v")" \
			"$(printf '%s' "$v" | base64 -w0)" >>"$TEST_DIR/patterns"
	done
	while read -r pat; do
		for f in "$TEST_DIR/all.out" "$GITHUB_OUTPUT" "$GITHUB_STEP_SUMMARY"; do
			if grep -qF -e "$pat" "$f"; then
				echo "secret form '$pat' in $f:" >&2
				grep -nF -e "$pat" "$f" >&2
				bad=1
			fi
		done
	done <"$TEST_DIR/patterns"
	for f in $(grep -rlF -f "$TEST_DIR/patterns" "$TEST_DIR" 2>/dev/null); do
		case " $ALLOWED $TEST_DIR/config.snap $TEST_DIR/patterns $TEST_DIR/all.out $TEST_DIR/run.json $TEST_DIR/plan.json " in
		*" $f "*) continue ;;
		esac
		if [ "$f" = "$(git rev-parse --absolute-git-dir)/config" ] &&
			[ -f "$TEST_DIR/config.snap" ] && cmp -s "$f" "$TEST_DIR/config.snap"; then
			continue
		fi
		echo "secret written to $f" >&2
		bad=1
	done
	if [ -f "$TEST_DIR/config.snap" ] && ! cmp .git/config "$TEST_DIR/config.snap"; then
		diff "$TEST_DIR/config.snap" .git/config >&2
		bad=1
	fi
	# run.json / plan.json hold the last stdout: covered by all.out.
	[ "$bad" -eq 0 ]
}

# released: the push of setup is released on the remote.
released() {
	local bump
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "tag" "$bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4)"
}

# untouched: the remote has no new ref.
untouched() {
	expect_eq "pushes" "" "$(pushes "$R")"
	expect_eq "main" "$AFTER" "$(rrev "$R" refs/heads/main)"
}

@test "OVM_RELEASE_TOKEN: plan, plan --online, run, resolve, check-image leak nothing" {
	export OVM_RELEASE_TOKEN=$SECRET
	snap_config
	step plan
	[ "$status" -eq 0 ]
	step plan --online --json
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer decision)" = release ]
	step run
	[ "$status" -eq 0 ]
	released
	step resolve executor-layer --latest
	[ "$status" -eq 0 ]
	[ "$output" = 0.1.4 ]
	step --json resolve executor-layer --latest
	# check-image: the Dockerfile's registry is an unreachable loopback port.
	port=$(free_port)
	commit_file dockerfiles/server-base.dockerfile \
		"FROM 127.0.0.1:$port/oomol/server-base:v0.6.0 AS builder
" "build: an unreachable registry"
	export OVM_RELEASE_REGISTRY_TOKEN=$SECRET
	step check-image
	[ "$status" -eq 3 ]
	step check-image --json
	[ "$status" -eq 3 ]
	leak_check "$SECRET"
}

@test "extraheader in .git/config: plan --online, run, resolve leak nothing and .git/config is unchanged" {
	git config --local "http.http://127.0.0.1:$HTTP_PORT/.extraheader" \
		"AUTHORIZATION: basic $(basic_auth "$SECRET")"
	snap_config
	step plan --online
	[ "$status" -eq 0 ]
	step run --json
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer result)" = released ]
	released
	step resolve executor-layer --latest
	[ "$status" -eq 0 ]
	[ "$output" = 0.1.4 ]
	step run
	[ "$status" -eq 0 ]
	leak_check "$SECRET"
}

@test "userinfo in the remote URL: plan --online, run, resolve leak nothing and the URL is not rewritten" {
	git remote set-url origin "http://x-access-token:$SECRET@127.0.0.1:$HTTP_PORT/git/repo.git"
	snap_config
	step plan --online
	step run
	step resolve executor-layer --latest
	step run --json
	# Whether libgit2 uses URL userinfo or not, the run ends cleanly
	# (released, or exit 3 with nothing pushed).
	if [ "$(rrev "$R" refs/tags/executor-layer@0.1.4)" = "" ]; then
		echo "# URL userinfo not used: exit 3" >&3
		untouched
	else
		released
	fi
	leak_check "$SECRET"
}

@test "GITHUB_TOKEN and GH_TOKEN: used with a warning, never printed" {
	export GITHUB_TOKEN=$SECRET GH_TOKEN=$SECRET
	snap_config
	step plan --online
	[ "$status" -eq 0 ]
	step run
	[ "$status" -eq 0 ]
	released
	step resolve executor-layer --latest
	[ "$status" -eq 0 ]
	leak_check "$SECRET"
}

@test "a wrong token (OVM_RELEASE_TOKEN, then extraheader): exit 3, nothing pushed, neither token printed" {
	export OVM_RELEASE_TOKEN=$WRONG
	snap_config
	step plan --online
	[ "$status" -eq 3 ]
	step run
	[ "$status" -eq 3 ]
	step resolve executor-layer --latest
	[ "$status" -eq 3 ]
	unset OVM_RELEASE_TOKEN
	git config --local "http.http://127.0.0.1:$HTTP_PORT/.extraheader" \
		"AUTHORIZATION: basic $(basic_auth "$WRONG")"
	snap_config
	step run --json
	[ "$status" -eq 3 ]
	step run
	[ "$status" -eq 3 ]
	untouched
	no_lock
	leak_check "$WRONG" "$SECRET"
}

@test "an unreachable remote with the token in env, extraheader and URL: exit 3, nothing leaks" {
	port=$(free_port)
	export OVM_RELEASE_TOKEN=$SECRET GITHUB_TOKEN=$SECRET
	git remote set-url origin "http://x-access-token:$SECRET@127.0.0.1:$port/git/repo.git"
	git config --local "http.http://127.0.0.1:$port/.extraheader" \
		"AUTHORIZATION: basic $(basic_auth "$SECRET")"
	snap_config
	step plan --online
	[ "$status" -eq 3 ]
	step run
	[ "$status" -eq 3 ]
	step run --json
	[ "$status" -eq 3 ]
	step resolve executor-layer --latest
	[ "$status" -eq 3 ]
	# The GitHub API: unreachable too, GITHUB_TOKEN set.
	export GITHUB_API_URL=http://127.0.0.1:$port
	step resolve executor-layer --latest --github oomol/ovmlayer-rootfs
	[ "$status" -eq 3 ]
	untouched
	no_lock
	leak_check "$SECRET"
}

@test "a remote that hangs (watchdog): exit 3, the userinfo and token never printed" {
	start_hanging_server
	export OVM_RELEASE_TIMEOUT=3 OVM_RELEASE_TOKEN=$SECRET
	git remote set-url origin "http://x-access-token:$SECRET@127.0.0.1:$HANG_PORT/git/repo.git"
	snap_config
	step run
	[ "$status" -eq 3 ]
	untouched
	no_lock
	leak_check "$SECRET"
}
