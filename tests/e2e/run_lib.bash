# Servers and helpers for run.bats and run_http.bats (load after helper
# and plan_lib: ZERO, BUMP_MSG, pkg_version, gh_env, push_payload ...).
#
# Every server binds 127.0.0.1 on a free port, runs as the current user
# with its pid and log files in $TEST_DIR, is started under timeout(1) so
# that it ends by itself, and is killed by stop_servers (call it from
# teardown).  Background jobs close fd 3 so bats does not wait for them.

SERVER_LIFETIME=${SERVER_LIFETIME:-300}

# free_port: a TCP port nobody listens on at 127.0.0.1 right now.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (10 s at most).
wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("nothing listens on 127.0.0.1:%d" % port)
PY
}

# track_pid PID: stop_servers kills it.
track_pid() {
	echo "$1" >>"$TEST_DIR/server.pids"
}

# stop_servers: kills (by pid) every server this test started.
stop_servers() {
	local pid
	[ -n "${TEST_DIR:-}" ] && [ -f "$TEST_DIR/server.pids" ] || return 0
	while read -r pid; do
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null || true
	done <"$TEST_DIR/server.pids"
	while read -r pid; do
		[ -n "$pid" ] || continue
		wait "$pid" 2>/dev/null || true
	done <"$TEST_DIR/server.pids"
	rm -f "$TEST_DIR/server.pids"
}

# start_git_daemon: git daemon serving every repository under $TEST_DIR
# (receive-pack enabled, so hooks run); sets GITD_PORT and GITD_URL
# (git://127.0.0.1:PORT/, append "repo.git").
start_git_daemon() {
	GITD_PORT=$(free_port)
	timeout "$SERVER_LIFETIME" git daemon --listen=127.0.0.1 \
		--port="$GITD_PORT" --base-path="$TEST_DIR" --export-all \
		--enable=receive-pack --reuseaddr --informative-errors \
		--pid-file="$TEST_DIR/git-daemon.pid" \
		</dev/null >"$TEST_DIR/git-daemon.log" 2>&1 3>&- &
	track_pid $!
	wait_port "$GITD_PORT"
	GITD_URL="git://127.0.0.1:$GITD_PORT/"
}

# serve_repo_git REPO: the seed repository's origin goes through git daemon
# (REPO.git must be under $TEST_DIR).
serve_repo_git() {
	[ -n "${GITD_URL:-}" ] || start_git_daemon
	git -C "$1" remote set-url origin "$GITD_URL$(basename "$1").git"
}

# log_pushes BARE: a post-receive hook that writes one line per push to
# BARE/push.log: the refs that push updated, space-separated.
log_pushes() {
	cat >"$1/hooks/post-receive" <<EOF
#!/bin/sh
refs=""
while read -r old new ref; do refs="\$refs \$ref"; done
echo "\${refs# }" >>"$1/push.log"
EOF
	chmod +x "$1/hooks/post-receive"
	: >"$1/push.log"
}

# reject_tags BARE: an update hook that rejects every tag.
reject_tags() {
	cat >"$1/hooks/update" <<'EOF'
#!/bin/sh
case "$1" in
refs/tags/*) echo "tags are frozen here" >&2; exit 1 ;;
esac
exit 0
EOF
	chmod +x "$1/hooks/update"
}

# start_hanging_server: a listener that accepts and never answers (ends by
# itself after 60 s); sets HANG_PORT.
start_hanging_server() {
	HANG_PORT=$(free_port)
	timeout 60 python3 - "$HANG_PORT" </dev/null \
		>"$TEST_DIR/hang.log" 2>&1 3>&- <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
held = []
end = time.time() + 55
s.settimeout(1)
while time.time() < end:
    try:
        c, _ = s.accept()
        held.append(c)
    except socket.timeout:
        pass
PY
	track_pid $!
	wait_port "$HANG_PORT"
}

# start_http_git TOKEN: lighttpd running git-http-backend over $TEST_DIR at
# http://127.0.0.1:PORT/git/, basic auth user x-access-token password TOKEN
# for everything; sets HTTP_PORT and HTTP_URL.
start_http_git() {
	local d="$TEST_DIR/httpd" backend
	backend=$(git --exec-path)/git-http-backend
	command -v lighttpd >/dev/null || PATH=$PATH:/usr/sbin
	command -v lighttpd >/dev/null || {
		echo "lighttpd is not installed (ci/install-deps.sh)" >&2
		return 1
	}
	HTTP_PORT=$(free_port)
	mkdir -p "$d/www"
	printf 'x-access-token:%s\n' "$1" >"$d/users"
	cat >"$d/lighttpd.conf" <<EOF
server.document-root = "$d/www"
server.bind = "127.0.0.1"
server.port = $HTTP_PORT
server.errorlog = "$d/error.log"
server.modules = ( "mod_access", "mod_alias", "mod_auth", "mod_authn_file",
	"mod_setenv", "mod_cgi", "mod_accesslog" )
accesslog.filename = "$d/access.log"
alias.url = ( "/git" => "$backend" )
auth.backend = "plain"
auth.backend.plain.userfile = "$d/users"
auth.require = ( "/git/" => ( "method" => "basic", "realm" => "git",
	"require" => "valid-user" ) )
\$HTTP["url"] =~ "^/git" {
	cgi.assign = ( "" => "" )
	setenv.add-environment = (
		"GIT_PROJECT_ROOT" => "$TEST_DIR",
		"GIT_HTTP_EXPORT_ALL" => "",
		"GIT_CONFIG_NOSYSTEM" => "1",
		"HOME" => "$HOME"
	)
}
EOF
	timeout "$SERVER_LIFETIME" lighttpd -D -f "$d/lighttpd.conf" \
		</dev/null >"$d/stdout.log" 2>&1 3>&- &
	track_pid $!
	wait_port "$HTTP_PORT" || { cat "$d/stdout.log" "$d/error.log" >&2; return 1; }
	HTTP_URL="http://127.0.0.1:$HTTP_PORT/git/"
}

# serve_repo_http REPO: REPO.git over smart HTTP (receive-pack allowed for
# the authenticated user); origin points there.
serve_repo_http() {
	git --git-dir="$1.git" config http.receivepack true
	git -C "$1" remote set-url origin "$HTTP_URL$(basename "$1").git"
}

# basic_auth TOKEN: the base64 of x-access-token:TOKEN.
basic_auth() {
	printf 'x-access-token:%s' "$1" | base64 -w0
}

# --- the remote ---------------------------------------------------------

# rrev BARE REF: the commit REF names in BARE ("" when absent).
rrev() {
	git --git-dir="$1" rev-parse --verify -q "$2^{commit}" 2>/dev/null || true
}

# rtags BARE: the remote's tags, "name commit" per line, sorted.
rtags() {
	git --git-dir="$1" for-each-ref --sort=refname \
		--format='%(refname:strip=2) %(*objectname)%(objectname)' refs/tags |
		awk '{ print $1, substr($2, 1, 40) }'
}

# rrefs BARE: every ref of BARE with its object, sorted (to compare).
rrefs() {
	git --git-dir="$1" for-each-ref --sort=refname --format='%(objectname) %(refname)'
}

# run_ovm ARGS: ovm-release ARGS with stdout and stderr apart ($output,
# $stderr), stdout kept in $TEST_DIR/run.json (and plan.json, for
# plan_lib's pycheck).
run_ovm() {
	run --separate-stderr "$OVM_RELEASE" "$@"
	printf '%s\n' "$output" >"$TEST_DIR/run.json"
	cp "$TEST_DIR/run.json" "$TEST_DIR/plan.json"
	echo "# exit $status" >&2
	echo "# stdout: $output" >&2
	echo "# stderr: $stderr" >&2
}

# ovmr ARGS: run_ovm, and no sanitizer report on stderr.
ovmr() {
	run_ovm "$@"
	case $stderr in
	*"runtime error:"* | *Sanitizer*)
		printf 'sanitizer report:\n%s\n' "$stderr" >&2
		return 1 ;;
	esac
}

# jrun TRACK KEY: one field of one track of the last run_ovm --json
# (undecodable bytes replaced: tests that check the output's encoding use
# pycheck).
jrun() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1], encoding="utf-8", errors="replace"))
t=[t for t in d["tracks"] if t["name"]==sys.argv[2]][0]
v=t[sys.argv[3]]
print(json.dumps(v) if not isinstance(v,str) else v)' "$TEST_DIR/run.json" "$@"
}

# expect_eq WHAT EXPECTED ACTUAL: equality with a message on failure.
expect_eq() {
	if [ "$2" != "$3" ]; then
		printf '%s: expected [%s], got [%s]\n' "$1" "$2" "$3" >&2
		return 1
	fi
}

# ci_push: what a developer's `git push` does before CI runs: HEAD goes to
# the remote's main (straight to the bare repository, so no server or
# credential is involved); BEFORE and AFTER are that push's range; the
# push log of the bare repository (if any) is emptied.
ci_push() {
	local bare=$TEST_DIR/repo.git
	BEFORE=$(git --git-dir="$bare" rev-parse refs/heads/main)
	git push -q "$bare" HEAD:refs/heads/main
	git update-ref refs/remotes/origin/main HEAD
	AFTER=$(git rev-parse HEAD)
	[ ! -f "$bare/push.log" ] || : >"$bare/push.log"
}

# ev: the flags of the push event of the last ci_push.
ev() {
	echo --event push --before "$BEFORE" --after "$AFTER" --branch main
}

# pushes BARE: the push log, one push per line.
pushes() {
	cat "$1/push.log"
}

# bump_count BARE: how many bump commits the remote's main holds.
bump_count() {
	git --git-dir="$1" log --format=%s refs/heads/main | grep -c "^$BUMP_MSG " || true
}

# no_lock: ovm-release left no lock file behind.
no_lock() {
	if [ -e "$(git rev-parse --git-common-dir)/ovm-release.lock" ]; then
		echo "lock left behind: $(cat "$(git rev-parse --git-common-dir)/ovm-release.lock")" >&2
		return 1
	fi
}
