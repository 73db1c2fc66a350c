#!/usr/bin/env bats
# The bad-input matrix of tests/README.md: the rows no other file proves.
# Each test feeds one bad input and checks the exit status, the message
# (the file or variable, what is wrong, what to do) and that nothing was
# lost: the remote's refs as they were, no bump commit, no tag, no
# half-written file, no lock.

load helper
load plan_lib
load run_lib
load http_lib

IMG=oomol/server-base

setup() {
	setup_env
	unset OVM_RELEASE_TIMEOUT OVM_RELEASE_CPU_LIMIT \
		OVM_RELEASE_HTTP_BACKOFF_MS GITHUB_API_URL DOCKER_CONFIG
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	R=$TEST_DIR/repo.git
}
teardown() {
	stop_servers
	teardown_env
}

# snapshot: the remote's refs and the local tags, for expect_nothing_lost.
snapshot() {
	rrefs "$R" >"$TEST_DIR/refs.before"
	git tag -l | sort >"$TEST_DIR/tags.before"
}

# expect_nothing_lost: since snapshot, the remote holds the same refs, the
# checkout is at AFTER and clean (no temp file either), no tag was made
# here, no push source ref or lock is left, no bump commit exists.
expect_nothing_lost() {
	rrefs "$R" >"$TEST_DIR/refs.after"
	diff "$TEST_DIR/refs.before" "$TEST_DIR/refs.after"
	git tag -l | sort >"$TEST_DIR/tags.after"
	diff "$TEST_DIR/tags.before" "$TEST_DIR/tags.after"
	expect_eq "HEAD" "$AFTER" "$(git rev-parse HEAD)"
	expect_eq "status" "" "$(git status --porcelain --ignored)"
	expect_eq "push sources" "" "$(git for-each-ref refs/ovm-release)"
	expect_eq "bump commits" 0 "$(bump_count "$R")"
	no_lock
}

# pkg_change: a package.json change (a release of executor-layer), pushed
# to the bare remote by ci_push.
pkg_change() {
	sed -i 's/"executor"/"executor2"/' package.json
	git add package.json
	test_tick
	git commit -q -m "feat: rename"
	ci_push
}

# reject_branch BARE: an update hook that rejects every branch update.
reject_branch() {
	cat >"$1/hooks/update" <<'EOF'
#!/bin/sh
case "$1" in
refs/heads/*) echo "main is protected" >&2; exit 1 ;;
esac
exit 0
EOF
	chmod +x "$1/hooks/update"
}

# start_sshd: OpenSSH's sshd on 127.0.0.1 with a fresh host key that is in
# nobody's known_hosts, no user allowed in; sets SSHD_PORT and SSHD_KEY
# (the host key's public half).
start_sshd() {
	local d=$TEST_DIR/sshd
	[ -x /usr/sbin/sshd ] || {
		echo "sshd is not installed (ci/install-deps.sh: openssh-server)" >&2
		return 1
	}
	mkdir -p "$d"
	# sshd wants its privilege separation directory.
	[ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null || true
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
	SSHD_KEY=$(cut -d' ' -f1,2 "$d/host_key.pub")
	SSHD_PORT=$(free_port)
	cat >"$d/sshd_config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $d/authorized_keys
EOF
	timeout "$SERVER_LIFETIME" /usr/sbin/sshd -D -e -f "$d/sshd_config" \
		</dev/null >"$d/sshd.log" 2>&1 3>&- &
	track_pid $!
	wait_port "$SSHD_PORT" || { cat "$d/sshd.log" >&2; return 1; }
}

# ======================================================================
# Files in the repository
# ======================================================================

@test "matrix: .ovm-release.json a symlink at after: run exit 2 naming the mode, nothing pushed or written" {
	mkdir -p ci
	printf '{"branches": ["main"]}\n' >ci/ovm.json
	ln -s ci/ovm.json .ovm-release.json
	git add -A
	test_tick
	git commit -q -m "ci: config behind a link"
	ci_push
	pkg_change
	snapshot
	ovmr run $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *".ovm-release.json at ${AFTER:0:12} is not a regular file (mode 120000)"* ]]
	[[ "$stderr" == *"hint: commit the configuration itself"* ]]
	expect_nothing_lost
}

@test "matrix: .ovm-release.json a directory: plan and run exit 2 naming it, nothing pushed" {
	mkdir .ovm-release.json
	printf '{}\n' >.ovm-release.json/x.json
	git add -A
	test_tick
	git commit -q -m "ci: a directory where the config goes"
	ci_push
	snapshot
	ovmr plan $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *".ovm-release.json' is not a regular file"* ]]
	[[ "$stderr" == *"hint: make .ovm-release.json a regular file, or pass --config"* ]]
	ovmr run $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *".ovm-release.json' is not a regular file"* ]]
	expect_nothing_lost
}

@test "matrix: the Dockerfile missing at after: exit 2 naming it and after; the other track is still released" {
	git rm -q dockerfiles/server-base.dockerfile
	sed -i 's/"executor"/"executor2"/' package.json
	git add package.json
	test_tick
	git commit -q -m "feat: drop the base Dockerfile"
	ci_push
	ovmr run --json $(ev)
	[ "$status" -eq 2 ]
	expect_eq "server-base result" error "$(jrun server-base result)"
	[[ "$(jrun server-base error)" == *"dockerfiles/server-base.dockerfile: not found at $AFTER"* ]]
	# Tracks are independent: executor-layer released, server-base not.
	expect_eq "executor-layer result" released "$(jrun executor-layer result)"
	bump=$(rrev "$R" refs/heads/main)
	expect_eq "remote tags" "cloud-executor-layer@0.1.3 $BEFORE
cloud-executor-layer@0.1.4 $bump
executor-layer@0.1.3 $BEFORE
executor-layer@0.1.4 $bump
server-base@0.5.0 $BEFORE" "$(rtags "$R")"
	no_lock
	# The human form says it on stderr, with what to do.
	ovmr plan $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"error: dockerfiles/server-base.dockerfile: not found at $AFTER"* ]]
	[[ "$stderr" == *"hint: check 'from_dockerfile' in the configuration"* ]]
}

@test "matrix: package.json missing at after: exit 2 'package.json: not found at <sha>', no commit, nothing pushed" {
	git rm -q package.json
	test_tick
	git commit -q -m "chore: drop package.json"
	ci_push
	snapshot
	ovmr run $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"error: package.json: not found at $AFTER"* ]]
	[[ "$stderr" != *"package.json: package.json"* ]]
	[[ "$stderr" == *'hint: commit it, or mark it "optional" in version_files'* ]]
	expect_nothing_lost
}

@test "matrix: package.json a symlink in the working tree: exit 1 before anything is written; the link and its target untouched" {
	pkg_change
	cp package.json "$TEST_DIR/elsewhere.json"
	rm package.json
	ln -s "$TEST_DIR/elsewhere.json" package.json
	sum0=$(sha1sum <"$TEST_DIR/elsewhere.json")
	snapshot
	ovmr run $(ev)
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"'package.json' has uncommitted changes: refusing to overwrite them"* ]]
	[[ "$stderr" == *"hint: commit or stash them"* ]]
	# Still the same link to the same, unchanged file; nothing else.
	[ -L package.json ]
	expect_eq "link" "$TEST_DIR/elsewhere.json" "$(readlink package.json)"
	expect_eq "target" "$sum0" "$(sha1sum <"$TEST_DIR/elsewhere.json")"
	rrefs "$R" >"$TEST_DIR/refs.after"
	diff "$TEST_DIR/refs.before" "$TEST_DIR/refs.after"
	expect_eq "HEAD" "$AFTER" "$(git rev-parse HEAD)"
	expect_eq "status" " T package.json" "$(git status --porcelain --ignored)"
	expect_eq "tmp files" "" "$(ls -A | grep -F .tmp || true)"
	expect_eq "bump commits" 0 "$(bump_count "$R")"
	no_lock
}

@test "matrix: package.json a symlink at after: exit 2 naming the mode, nothing pushed" {
	mv package.json pkg.json
	ln -s pkg.json package.json
	git add -A
	test_tick
	git commit -q -m "chore: package.json behind a link"
	ci_push
	snapshot
	ovmr run $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"package.json: not a regular file at ${AFTER:0:12} (mode 120000)"* ]]
	[[ "$stderr" == *"hint: a version file must be a regular file"* ]]
	expect_nothing_lost
}

# ======================================================================
# Environment variables
# ======================================================================

# ci_env: the GitHub Actions environment of the push of the last ci_push.
ci_env() {
	push_payload "$TEST_DIR/event.json" "$BEFORE" "$AFTER"
	gh_env push "$TEST_DIR/event.json" "$AFTER"
}

@test "matrix: an unwritable GITHUB_OUTPUT: run exit 3 naming it before anything is written or pushed" {
	pkg_change
	ci_env
	snapshot
	for bad in "$TEST_DIR/no/such/dir/output" "$TEST_DIR"; do
		export GITHUB_OUTPUT=$bad
		ovmr run
		[ "$status" -eq 3 ]
		[[ "$stderr" == *"cannot open \$GITHUB_OUTPUT ('$bad'): "* ]]
		[[ "$stderr" == *"hint: point GITHUB_OUTPUT at a writable file"* ]]
		expect_nothing_lost
		# The summary was not written either.
		expect_eq "summary" "" "$(cat "$GITHUB_STEP_SUMMARY")"
	done
	# plan: the plan is printed, then the same error.
	ovmr plan
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"cannot open \$GITHUB_OUTPUT ('$TEST_DIR'): "* ]]
	expect_nothing_lost
}

@test "matrix: an unwritable GITHUB_STEP_SUMMARY: run exit 3 naming it before anything is written or pushed" {
	pkg_change
	ci_env
	snapshot
	export GITHUB_STEP_SUMMARY="$TEST_DIR/no/such/dir/summary"
	ovmr run
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"cannot open \$GITHUB_STEP_SUMMARY ('$GITHUB_STEP_SUMMARY'): No such file or directory"* ]]
	[[ "$stderr" == *"hint: point GITHUB_STEP_SUMMARY at a writable file"* ]]
	expect_nothing_lost
	expect_eq "output" "" "$(cat "$GITHUB_OUTPUT")"
	# A missing file in an existing directory is created, as the runner's.
	export GITHUB_STEP_SUMMARY="$TEST_DIR/summary.md"
	ovmr run
	[ "$status" -eq 0 ]
	grep -q executor-layer "$GITHUB_STEP_SUMMARY"
	expect_eq "bump commits" 1 "$(bump_count "$R")"
}

@test "matrix: OVM_RELEASE_TIMEOUT, OVM_RELEASE_CPU_LIMIT, OVM_RELEASE_HTTP_BACKOFF_MS not a whole number: a warning naming it, the default used" {
	pkg_change
	for bad in abc 0 -5 10s 0x10 " 5" 99999999999999999999999; do
		OVM_RELEASE_TIMEOUT=$bad ovmr plan $(ev)
		[ "$status" -eq 0 ]
		[[ "$stderr" == *"warning: OVM_RELEASE_TIMEOUT='$bad' is not a whole number from 1 to 86400: the default is used"* ]]
	done
	OVM_RELEASE_CPU_LIMIT=-1 ovmr plan $(ev)
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: OVM_RELEASE_CPU_LIMIT='-1' is not a whole number from 1 to 86400"* ]]
	OVM_RELEASE_HTTP_BACKOFF_MS=-10 ovmr config
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: OVM_RELEASE_HTTP_BACKOFF_MS='-10' is not a whole number from 0 to 60000"* ]]
	# Set but empty is unset (an Actions env: of an unset variable); a
	# good value is quiet.
	OVM_RELEASE_TIMEOUT= OVM_RELEASE_CPU_LIMIT=60 ovmr plan $(ev)
	[ "$status" -eq 0 ]
	expect_eq "stderr" "" "$stderr"
	# run goes on with the default and releases.
	OVM_RELEASE_TIMEOUT=0 ovmr run $(ev)
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"OVM_RELEASE_TIMEOUT='0'"* ]]
	expect_eq "bump commits" 1 "$(bump_count "$R")"
	# The hook never says more than its one line: no warning there.
	OVM_RELEASE_TIMEOUT=abc ovmr hook post-commit
	[ "$status" -eq 0 ]
	[[ "$stderr" != *OVM_RELEASE_TIMEOUT* ]]
}

@test "matrix: GITHUB_ACTIONS other than 'true' is not CI: a local event, GITHUB_OUTPUT untouched" {
	pkg_change
	ci_env
	export GITHUB_ACTIONS=1
	pj
	[ "$status" -eq 0 ]
	expect_eq event local "$(jtop event)"
	expect_eq "output" "" "$(cat "$GITHUB_OUTPUT")"
	expect_eq "summary" "" "$(cat "$GITHUB_STEP_SUMMARY")"
}

@test "matrix: GITHUB_SHA / payload after not in the clone: exit 2 naming it, with a hint, nothing pushed" {
	pkg_change
	missing=0123456789abcdef0123456789abcdef01234567
	push_payload "$TEST_DIR/event.json" "$BEFORE" "$missing"
	gh_env push "$TEST_DIR/event.json" "$missing"
	snapshot
	ovmr run
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'after' $missing is not a commit in this repository"* ]]
	[[ "$stderr" == *"hint: check out the pushed commit"* ]]
	expect_nothing_lost
}

@test "matrix: GITHUB_API_URL not an http(s) URL: resolve --github exit 3 naming it, no answer" {
	for api in "not a url" "ftp://127.0.0.1:9" "http://127.0.0.1:9"; do
		GITHUB_API_URL=$api ovmr resolve executor-layer --latest --github o/r
		[ "$status" -eq 3 ]
		[[ "$stderr" == *"GET $api/repos/o/r/releases?per_page=100: "* ]]
		[ -z "$output" ]
	done
}

@test "matrix: DOCKER_CONFIG's config.json not JSON: ignored, the registry asked anonymously" {
	start_registry
	push_image "$IMG" v0.6.0 oci >/dev/null
	mkdir -p "$TEST_DIR/docker"
	printf '{"auths": {"%s": {"auth": ' "$REG" >"$TEST_DIR/docker/config.json"
	export DOCKER_CONFIG="$TEST_DIR/docker"
	set_from "$REG/$IMG:v0.6.0"
	ovmr check-image --json
	[ "$status" -eq 0 ]
	[[ "$output" == *'"found":true'* ]]
}

# ======================================================================
# Flags
# ======================================================================

@test "matrix: --repo that is not a git repository: exit 2 naming it, with a hint" {
	for dir in "$TEST_DIR/nowhere" "$TEST_DIR/home"; do
		ovmr --repo "$dir" plan
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"not a git repository: '$dir'"* ]]
		[[ "$stderr" == *"hint: run it inside a git repository, or pass --repo"* ]]
		[ -z "$output" ]
	done
}

@test "matrix: --remote naming no remote: run, plan --online and resolve exit 2 naming it, nothing pushed; plan offline does not look" {
	pkg_change
	snapshot
	ovmr run --remote nope $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"error: no remote 'nope'"* && "$stderr" != *"does not exist"* ]]
	[[ "$stderr" == *"hint: name a remote of this repository (git remote -v) with --remote"* ]]
	expect_nothing_lost
	ovmr plan --online --remote nope $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"error: no remote 'nope'"* && "$stderr" != *"does not exist"* ]]
	ovmr resolve executor-layer --latest --remote nope
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"error: no remote 'nope'"* && "$stderr" != *"does not exist"* ]]
	[ -z "$output" ]
	# The configuration's "remote" is the same input.
	printf '{"remote": "upstream"}\n' >"$TEST_DIR/cfg.json"
	ovmr --config "$TEST_DIR/cfg.json" run $(ev)
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"error: no remote 'upstream'"* ]]
	expect_nothing_lost
	# plan without --online reads no remote (tags as of the last fetch).
	ovmr plan --remote nope $(ev)
	[ "$status" -eq 0 ]
}

# ======================================================================
# Server answers
# ======================================================================

@test "matrix: the remote rejects the branch (the first ref): exit 1, nothing pushed, the checkout untouched" {
	serve_repo_git "$TEST_DIR/repo"
	log_pushes "$R"
	reject_branch "$R"
	sed -i 's/"executor"/"executor2"/' package.json
	git add package.json
	test_tick
	git commit -q -m "feat: rename"
	# The developer's push, set by hand: the update hook refuses any push.
	BEFORE=$(rrev "$R" refs/heads/main)
	git --git-dir="$R" update-ref refs/heads/main HEAD
	git update-ref refs/remotes/origin/main HEAD
	AFTER=$(git rev-parse HEAD)
	snapshot
	ovmr run --json $(ev)
	[ "$status" -eq 1 ]
	expect_eq result refused "$(jrun executor-layer result)"
	[[ "$(jrun executor-layer error)" == *"the remote rejected refs/heads/main: hook declined"* ]]
	expect_eq "pushes" "" "$(pushes "$R")"
	expect_nothing_lost
	ovmr run $(ev)
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"error: the remote rejected refs/heads/main: hook declined"* ]]
	[[ "$stderr" == *"hint: nothing was pushed; let this identity push to 'main'"* ]]
	expect_nothing_lost
}

@test "matrix: the remote rejects a track's only ref (a tag, no commit): exit 1, nothing pushed" {
	serve_repo_git "$TEST_DIR/repo"
	log_pushes "$R"
	reject_tags "$R"
	set_from ghcr.io/oomol/server-base:v0.6.0
	ci_push
	snapshot
	ovmr run --json $(ev)
	[ "$status" -eq 1 ]
	expect_eq result refused "$(jrun server-base result)"
	[[ "$(jrun server-base error)" == *"the remote rejected refs/tags/server-base@0.6.0"* ]]
	expect_eq "pushes" "" "$(pushes "$R")"
	expect_nothing_lost
}

@test "matrix: an SSH remote whose host key is unknown: exit 3 naming the remote, nothing pushed" {
	start_sshd
	git remote set-url origin "ssh://git@127.0.0.1:$SSHD_PORT$R"
	pkg_change
	snapshot
	ovmr run $(ev)
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"cannot connect to 'origin'"*"hostkey"* ]]
	[[ "$stderr" == *"hint: an SSH remote needs its host key in ~/.ssh/known_hosts"* ]]
	[[ "$stderr" != *"OVM_RELEASE_TOKEN"* ]]
	expect_nothing_lost
	ovmr plan --online $(ev)
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"hostkey"* ]]
	# A known host, but no ssh-agent to authenticate with: exit 3 too.
	mkdir -p "$HOME/.ssh"
	printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$SSHD_KEY" >"$HOME/.ssh/known_hosts"
	unset SSH_AUTH_SOCK
	ovmr run $(ev)
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"cannot connect to 'origin'"* ]]
	[[ "$stderr" != *"hostkey"* ]]
	[[ "$stderr" == *"and a key in ssh-agent"* ]]
	expect_nothing_lost
}

# gh_raw STATUS RAW [SKIP]: the GitHub API fixture answers RAW (bytes, not
# JSON) once, after SKIP normal pages; 3 releases, 2 a page.
gh_raw() {
	mkdir -p "$TEST_DIR/gh"
	python3 - "$TEST_DIR/gh/conf.json" "$1" "$2" "${3:-0}" <<'PY'
import json, sys
f, status, raw, skip = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
json.dump({"repo": "o/r", "repo_id": 1296269, "page_size": 2,
           "releases": [{"tag_name": "executor-layer@0.1.9"},
                        {"tag_name": "executor-layer@0.2.0"},
                        {"tag_name": "executor-layer@0.3.0"}],
           "faults": [{"status": status, "raw": raw, "skip": skip}]},
          open(f, "w"))
PY
}

@test "matrix: GitHub API: a malformed JSON body is exit 3 naming the URL, nothing on stdout" {
	for raw in '[{"tag_name": "executor-layer@9.9.9"' '<html>502 Bad Gateway</html>' '' '{"message": "Moved"}'; do
		gh_raw 200 "$raw"
		start_github_api
		ovmr resolve executor-layer --latest --github o/r
		[ "$status" -eq 3 ]
		[[ "$stderr" == *"http://127.0.0.1:$GH_PORT/repos/o/r/releases?per_page=100: not a JSON array of releases"* ]]
		[ -z "$output" ]
		stop_servers
	done
}

@test "matrix: GitHub API: a malformed page 2 is exit 3, no partial answer from page 1" {
	gh_raw 200 '[{"tag_name": ' 1
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"page=2: not a JSON array of releases"* ]]
	[ -z "$output" ]
	expect_eq requests 2 "$(request_count gh)"
}
