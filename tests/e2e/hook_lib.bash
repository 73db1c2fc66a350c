# Helpers for hook.bats (load after helper and run_lib): the post-commit
# hook (doc/decisions.md#the-hook), driven through real `git commit`s.
#
# Every repository is make_seed_repo's: origin at DIR.git, main tracking
# origin/main, tags server-base@0.5.0, executor-layer@0.1.3,
# cloud-executor-layer@0.1.3, package.json at 0.1.3.

HOOK_SRC="$BATS_TEST_DIRNAME/../../hooks/post-commit"
BUMP_MSG='chore(release): bump executor layer version to'

# The lines the seed repository gives for its two trigger files.
EX_REQ='ovm-release: executor-layer 0.1.3 -> 0.1.4 on push (requirements.txt changed)'
EX_PKG='ovm-release: executor-layer 0.1.3 -> 0.1.4 on push (package.json changed)'
SB_060='ovm-release: server-base 0.5.0 -> 0.6.0 on push (dockerfiles/server-base.dockerfile changed)'

# hook_setup: the seed repository at $TEST_DIR/repo (the current directory)
# and $TEST_DIR/bin, holding an ovm-release symlink to the binary under
# test, first on PATH (the installed hook runs `ovm-release` from PATH).
# The hook is NOT installed: tests call install_hook.
hook_setup() {
	setup_env
	OVM_BIN=$(cd "$(dirname "$OVM_RELEASE")" && pwd)/$(basename "$OVM_RELEASE")
	mkdir -p "$TEST_DIR/bin"
	ln -s "$OVM_BIN" "$TEST_DIR/bin/ovm-release"
	export PATH="$TEST_DIR/bin:$PATH"
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	R=$TEST_DIR/repo.git
}

# install_hook [ARGS]: ovm-release install-hook ARGS, which must succeed.
install_hook() {
	run ovm-release install-hook "$@"
	echo "# install-hook $*: exit $status: $output" >&2
	[ "$status" -eq 0 ]
}

# gcommit MESSAGE [GIT-COMMIT-ARGS]: `git commit -q` of what is staged, a
# tick later; $output is then everything the hook printed (git sends a
# hook's stdout to stderr; -q silences git itself) and the commit must
# have succeeded.
gcommit() {
	local msg=$1
	shift
	test_tick
	run git commit -q -m "$msg" "$@"
	echo "# git commit -m '$msg': exit $status" >&2
	echo "# output: [$output]" >&2
	[ "$status" -eq 0 ]
}

# Staged changes to the seed's files (each call makes a new change).
req_change() {
	printf 'dep-%s==1.0\n' "$test_tick_time" >>requirements.txt
	git add requirements.txt
}
# package.json with another dependency, the version kept (default 0.1.3).
pkg_change() {
	printf '{\n  "name": "executor",\n  "version": "%s",\n  "private": true,\n  "dependencies": {"dep-%s": "1.0.0"}\n}\n' \
		"${1:-0.1.3}" "$test_tick_time" >package.json
	git add package.json
}
# pkg_version V: package.json as the seed's with version V.
pkg_version() {
	printf '{\n  "name": "executor",\n  "version": "%s",\n  "private": true\n}\n' "$1" >package.json
	git add package.json
}
from_change() {
	printf 'FROM ghcr.io/oomol/server-base:%s AS builder\nRUN true\n' "$1" \
		>dockerfiles/server-base.dockerfile
	git add dockerfiles/server-base.dockerfile
}
readme_change() {
	printf 'line %s\n' "$test_tick_time" >>README.md
	git add README.md
}

# expect_out EXPECTED: $output is exactly EXPECTED (lines joined by \n).
expect_out() {
	if [ "$output" != "$1" ]; then
		printf 'expected output:\n[%s]\ngot:\n[%s]\n' "$1" "$output" >&2
		return 1
	fi
}

# expect_eq WHAT EXPECTED ACTUAL.
expect_eq() {
	if [ "$2" != "$3" ]; then
		printf '%s: expected [%s], got [%s]\n' "$1" "$2" "$3" >&2
		return 1
	fi
}

# direct_hook: `ovm-release hook post-commit` run by hand, stdout in
# $output and stderr in $stderr; it must exit 0.
direct_hook() {
	run --separate-stderr ovm-release hook post-commit
	echo "# direct hook: exit $status stdout [$output] stderr [$stderr]" >&2
	[ "$status" -eq 0 ]
}

# prev_hook FILE: writes an executable post-commit hook at FILE that says
# it ran and with which OVM_RELEASE_ACTIVE, and appends to $TEST_DIR/prev.log.
prev_hook() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<EOF
#!/bin/sh
echo "previous hook: OVM_RELEASE_ACTIVE=\${OVM_RELEASE_ACTIVE-unset}"
echo ran >>"$TEST_DIR/prev.log"
EOF
	chmod +x "$1"
	cp "$1" "$TEST_DIR/prev-hook.orig"
}

# prev_runs: how many times the previous hook ran.
prev_runs() {
	if [ -f "$TEST_DIR/prev.log" ]; then
		wc -l <"$TEST_DIR/prev.log" | tr -d ' '
	else
		echo 0
	fi
}

# same_file A B: byte-identical.
same_file() {
	if ! cmp "$1" "$2" >&2; then
		echo "'$1' differs from '$2'" >&2
		return 1
	fi
}

# local_tags: the local tags, "name commit" per line, sorted.
local_tags() {
	git for-each-ref --sort=refname \
		--format='%(refname:strip=2) %(*objectname)%(objectname)' refs/tags |
		awk '{ print $1, substr($2, 1, 40) }'
}

# start_recorder: a TCP listener on 127.0.0.1 that writes one line to
# $TEST_DIR/connections.log per connection it accepts (and then holds the
# connection open without answering, so a client would hang); sets
# REC_PORT.  Ends by itself after 60 s; stop_servers kills it.
start_recorder() {
	REC_PORT=$(free_port)
	: >"$TEST_DIR/connections.log"
	timeout 60 python3 - "$REC_PORT" "$TEST_DIR/connections.log" </dev/null \
		>"$TEST_DIR/recorder.out" 2>&1 3>&- <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
s.settimeout(0.5)
held = []
end = time.time() + 55
while time.time() < end:
    try:
        c, a = s.accept()
    except socket.timeout:
        continue
    held.append(c)
    with open(sys.argv[2], "a") as f:
        f.write("connection from %s:%d\n" % a)
PY
	track_pid $!
	wait_port "$REC_PORT"
	# wait_port's own probe is not a client of the tool.
	sleep 0.6
	: >"$TEST_DIR/connections.log"
}

# no_connections: nobody connected to the recorder.
no_connections() {
	if [ -s "$TEST_DIR/connections.log" ]; then
		echo "the hook touched the network:" >&2
		cat "$TEST_DIR/connections.log" >&2
		return 1
	fi
}

# now_ms: milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
