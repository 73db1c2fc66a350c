#!/usr/bin/env bats
# ovm-release run over smart HTTP (doc/decisions.md#credentials): lighttpd + git-http-backend on
# 127.0.0.1 with basic auth (user x-access-token, password the token), the
# credential sources in their order, and a remote that never answers.

load helper
load plan_lib
load run_lib

TOKEN=ovm-test-token-7f3a9c
BAD_TOKEN=ovm-wrong-token-51d0e2

setup() {
	setup_env
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	R=$TEST_DIR/repo.git
	start_http_git "$TOKEN"
	serve_repo_http "$TEST_DIR/repo"
	log_pushes "$R"
	commit_file requirements.txt "requests==2.32.0" "feat: requests 2.32"
	ci_push
	rrefs "$R" >"$TEST_DIR/refs.before"
}
teardown() {
	stop_servers
	teardown_env
}

# no_secret VALUE...: no VALUE (nor the basic-auth base64 of it) in the last
# run's stdout or stderr, nor anywhere under .git except where the test put
# it (files listed in $ALLOWED_SECRET_FILES).
no_secret() {
	local v b f
	for v in "$@"; do
		b=$(basic_auth "$v")
		for f in "$output" "$stderr"; do
			if [[ "$f" == *"$v"* || "$f" == *"$b"* ]]; then
				echo "secret '$v' printed: $f" >&2
				return 1
			fi
		done
		for f in $(grep -rlF -e "$v" -e "$b" "$(git rev-parse --absolute-git-dir)" 2>/dev/null); do
			case " ${ALLOWED_SECRET_FILES:-} " in
			*" $f "*) ;;
			*) echo "secret '$v' written to $f" >&2; return 1 ;;
			esac
		done
	done
}

# expect_released: the executor-layer release of the setup's push is on the
# remote, the branch then one tag per push.
expect_released() {
	local bump
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "bump parent" "$AFTER" "$(git --git-dir="$R" rev-parse "$bump^")"
	expect_eq "bump message" "$BUMP_MSG 0.1.4" "$(git --git-dir="$R" log -1 --format=%s "$bump")"
	expect_eq "tags" "$bump $bump" "$(rrev "$R" refs/tags/executor-layer@0.1.4) $(rrev "$R" refs/tags/cloud-executor-layer@0.1.4)"
	expect_eq "pushes" "refs/heads/main
refs/tags/executor-layer@0.1.4
refs/tags/cloud-executor-layer@0.1.4" "$(pushes "$R")"
}

# expect_untouched: the remote, the checkout and the lock as before the run.
expect_untouched() {
	rrefs "$R" >"$TEST_DIR/refs.after"
	diff "$TEST_DIR/refs.before" "$TEST_DIR/refs.after"
	expect_eq "pushes" "" "$(pushes "$R")"
	expect_eq "HEAD" "$AFTER" "$(git rev-parse HEAD)"
	expect_eq "status" "" "$(git status --porcelain)"
	no_lock
}

# checkout_v6_credentials TOKEN: what actions/checkout v6 leaves: the
# extraheader in a file of its own under the runner's temp directory,
# included from .git/config through includeIf.gitdir (one entry for the
# host path, one for the container path).
checkout_v6_credentials() {
	local cred=$TEST_DIR/runner_temp/git-credentials-6f1c2a7e-0b9d-4c1e-9a55-3d2f8e7b4c10.config
	mkdir -p "$TEST_DIR/runner_temp"
	git config -f "$cred" "http.http://127.0.0.1:$HTTP_PORT/.extraheader" \
		"AUTHORIZATION: basic $(basic_auth "$1")"
	git config --local "includeIf.gitdir:$(cd "$(git rev-parse --git-dir)" && pwd).path" "$cred"
	git config --local --add "includeIf.gitdir:/github/workspace/.git.path" \
		"/github/runner_temp/git-credentials-6f1c2a7e-0b9d-4c1e-9a55-3d2f8e7b4c10.config"
	CRED_FILE=$cred
}

@test "server sanity: the remote refuses git without credentials, accepts it with them" {
	run git ls-remote origin
	[ "$status" -ne 0 ]
	run git -c "http.extraheader=Authorization: Basic $(basic_auth "$TOKEN")" ls-remote origin refs/heads/main
	[ "$status" -eq 0 ]
	[ "$output" = "$AFTER	refs/heads/main" ]
}

@test "OVM_RELEASE_TOKEN: pushed over smart HTTP with basic auth, never printed or stored" {
	export OVM_RELEASE_TOKEN=$TOKEN
	run_ovm run $(ev)
	[ "$status" -eq 0 ]
	expect_released
	[[ "$stderr" == *"credentials: OVM_RELEASE_TOKEN"* ]]
	no_secret "$TOKEN"
	no_lock
}

@test "--json: the credential source is still reported (stderr or warnings), never the value" {
	export OVM_RELEASE_TOKEN=$TOKEN
	run_ovm run --json $(ev)
	[ "$status" -eq 0 ]
	[ "$(jrun executor-layer result)" = released ]
	expect_released
	[[ "$stderr$output" == *OVM_RELEASE_TOKEN* ]]
	no_secret "$TOKEN"
}

@test "extraheader written the actions/checkout v6 way (includeIf.gitdir file) is used and wins over GITHUB_TOKEN" {
	checkout_v6_credentials "$TOKEN"
	# git itself accepts this set-up.
	git ls-remote origin refs/heads/main >/dev/null
	cp .git/config "$TEST_DIR/config.before"
	cp "$CRED_FILE" "$TEST_DIR/cred.before"
	export GITHUB_TOKEN=$BAD_TOKEN
	run_ovm run $(ev)
	[ "$status" -eq 0 ]
	expect_released
	# The source is named, never the value; not GITHUB_TOKEN.
	src=$(printf '%s\n' "$stderr" | grep 'credentials:')
	[[ "$src" == *extraheader* ]]
	[[ "$src" != *GITHUB_TOKEN* ]]
	no_secret "$TOKEN" "$BAD_TOKEN"
	cmp .git/config "$TEST_DIR/config.before"
	cmp "$CRED_FILE" "$TEST_DIR/cred.before"
}

@test "extraheader directly in .git/config (older actions/checkout) is used" {
	git config --local "http.http://127.0.0.1:$HTTP_PORT/.extraheader" \
		"AUTHORIZATION: basic $(basic_auth "$TOKEN")"
	cp .git/config "$TEST_DIR/config.before"
	run_ovm run $(ev)
	[ "$status" -eq 0 ]
	expect_released
	[[ "$stderr" == *"credentials:"*extraheader* ]]
	ALLOWED_SECRET_FILES="$(git rev-parse --absolute-git-dir)/config" no_secret "$TOKEN"
	cmp .git/config "$TEST_DIR/config.before"
}

@test "GITHUB_TOKEN alone: used, with the warning about workflow tokens" {
	export GITHUB_TOKEN=$TOKEN
	run_ovm run $(ev)
	[ "$status" -eq 0 ]
	expect_released
	[[ "$stderr" == *"credentials: GITHUB_TOKEN"* ]]
	[[ "$stderr" == *"start"*"no other workflows"* ]]
	no_secret "$TOKEN"
}

@test "a wrong OVM_RELEASE_TOKEN: exit 3, nothing pushed or written, not printed" {
	export OVM_RELEASE_TOKEN=$BAD_TOKEN
	run_ovm run $(ev)
	[ "$status" -eq 3 ]
	expect_untouched
	no_secret "$BAD_TOKEN"
}

@test "OVM_RELEASE_TOKEN comes first: a wrong one is not rescued by a good extraheader" {
	checkout_v6_credentials "$TOKEN"
	export OVM_RELEASE_TOKEN=$BAD_TOKEN
	run_ovm run $(ev)
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"credentials: OVM_RELEASE_TOKEN"* ]]
	expect_untouched
	no_secret "$BAD_TOKEN" "$TOKEN"
}

@test "no credentials for a remote that wants them: exit 3, nothing pushed" {
	run_ovm run $(ev)
	[ "$status" -eq 3 ]
	expect_untouched
}

@test "insteadOf: the rewritten URL gets the token and the extraheader" {
	git config --local "url.http://127.0.0.1:$HTTP_PORT/git/.insteadOf" "ovmtest:"
	git remote set-url origin ovmtest:repo.git
	checkout_v6_credentials "$TOKEN"
	run_ovm run $(ev)
	[ "$status" -eq 0 ]
	expect_released
	[[ "$stderr" == *"credentials:"*extraheader* ]]
	no_secret "$TOKEN"
}

# ---- a remote that never answers -----------------------------------------

@test "a hanging remote: exit 3 within OVM_RELEASE_TIMEOUT naming the remote, no lock left" {
	start_hanging_server
	git remote set-url origin "http://127.0.0.1:$HANG_PORT/git/repo.git"
	export OVM_RELEASE_TIMEOUT=3 OVM_RELEASE_TOKEN=$TOKEN
	t0=$(date +%s)
	run_ovm run $(ev)
	t1=$(date +%s)
	[ "$status" -eq 3 ]
	echo "took $((t1 - t0)) s" >&2
	[ $((t1 - t0)) -ge 2 ]
	[ $((t1 - t0)) -le 12 ]
	[[ "$stderr" == *"'origin'"* ]]
	expect_untouched
	no_secret "$TOKEN"
}

@test "a hanging remote whose URL carries userinfo: the password is never printed" {
	start_hanging_server
	git remote set-url origin "http://x-access-token:userinfo-secret-93b1@127.0.0.1:$HANG_PORT/git/repo.git"
	export OVM_RELEASE_TIMEOUT=3
	run_ovm run $(ev)
	[ "$status" -eq 3 ]
	[[ "$stderr" == *origin* ]]
	[[ "$output$stderr" != *userinfo-secret-93b1* ]]
	expect_untouched
}
