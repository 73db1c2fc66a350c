# Servers for http.bats (doc/decisions.md#image-checks), load after helper, plan_lib and run_lib
# (free_port, wait_port, track_pid, stop_servers).  Every server binds
# 127.0.0.1 on a free port, keeps its files under $TEST_DIR, runs under
# timeout(1) so that it ends by itself, and is killed by stop_servers.
#
#   start_registry [token]     Debian's docker-registry (CNCF distribution)
#   make_token_keys            RSA key + self-signed cert for the token server
#   start_token_server ARGS    fixtures/token_server.py (signs JWTs)
#   push_image NAME TAG KIND [USER:PASS]   fixtures/registry_push.py
#   start_registry_fixture     fixtures/registry_fixture.py (scripted)
#   start_github_api           fixtures/github_api.py (REST releases API)

FIXTURES=$BATS_TEST_DIRNAME/fixtures
REGISTRY_BIN=${REGISTRY_BIN:-/usr/bin/docker-registry}
TOKEN_SERVICE=ovm-test-registry
TOKEN_ISSUER=ovm-test-issuer

# start_registry [token]: docker-registry with filesystem storage in
# $TEST_DIR/registry/data; with "token", Docker token auth against the
# token server of start_token_server (call make_token_keys and
# start_token_server first).  Sets REG_PORT, REG (host:port), REG_URL.
start_registry() {
	local d=$TEST_DIR/registry
	if [ ! -x "$REGISTRY_BIN" ]; then
		echo "$REGISTRY_BIN is not installed (ci/install-deps.sh: docker-registry)" >&2
		return 1
	fi
	mkdir -p "$d/data"
	REG_PORT=$(free_port)
	REG=127.0.0.1:$REG_PORT
	REG_URL=http://$REG
	cat >"$d/config.yml" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $d/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: $REG
  secret: ovm-release-test-secret
EOF
	if [ "${1:-}" = token ]; then
		cat >>"$d/config.yml" <<EOF
auth:
  token:
    realm: http://127.0.0.1:$TOKEN_PORT/token
    service: $TOKEN_SERVICE
    issuer: $TOKEN_ISSUER
    rootcertbundle: $TEST_DIR/token/cert.pem
EOF
	fi
	timeout "$SERVER_LIFETIME" "$REGISTRY_BIN" serve "$d/config.yml" \
		</dev/null >"$d/registry.log" 2>&1 3>&- &
	track_pid $!
	wait_port "$REG_PORT" || { cat "$d/registry.log" >&2; return 1; }
}

# make_token_keys: the token server's signing key and the certificate the
# registry trusts (rootcertbundle), in $TEST_DIR/token.
make_token_keys() {
	local d=$TEST_DIR/token
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" \
		-out "$d/cert.pem" -days 2 -subj /CN=ovm-release-test-token \
		>"$d/openssl.log" 2>&1 || { cat "$d/openssl.log" >&2; return 1; }
	printf '{"issuer": "%s", "service": "%s"}\n' "$TOKEN_ISSUER" \
		"$TOKEN_SERVICE" >"$d/conf.json"
	: >"$d/token.log"
}

# start_token_server [--user USER:PASS] [--anonymous]: sets TOKEN_PORT;
# requests land in $TEST_DIR/token/token.log.
start_token_server() {
	TOKEN_PORT=$(free_port)
	timeout "$SERVER_LIFETIME" python3 "$FIXTURES/token_server.py" serve \
		"$TOKEN_PORT" "$TEST_DIR/token" "$@" \
		</dev/null >"$TEST_DIR/token/server.log" 2>&1 3>&- &
	track_pid $!
	wait_port "$TOKEN_PORT" || { cat "$TEST_DIR/token/server.log" >&2; return 1; }
}

# mint_token SCOPE...: a token signed like the token server's (no request).
mint_token() {
	python3 "$FIXTURES/token_server.py" mint "$TEST_DIR/token" ci-bot "$@"
}

# token_log FIELD: one value per token request ("user", "outcome", ...).
token_log() {
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    v = json.loads(l)[sys.argv[2]]
    print(v if isinstance(v, str) else json.dumps(v))' \
		"$TEST_DIR/token/token.log" "$1"
}

# push_image NAME TAG KIND [USER:PASS]: pushes a small image to the
# registry of start_registry; prints the Docker-Content-Digest it answered.
push_image() {
	python3 "$FIXTURES/registry_push.py" "$REG_URL" "$@"
}

# start_registry_fixture [--tls]: the scripted registry over
# $TEST_DIR/fix/conf.json (write it first; with --tls, cert.pem and key.pem
# too); sets FIX_PORT and FIX (host:port).
start_registry_fixture() {
	local d=$TEST_DIR/fix
	FIX_PORT=$(free_port)
	FIX=127.0.0.1:$FIX_PORT
	: >"$d/requests.log"
	timeout "$SERVER_LIFETIME" python3 "$FIXTURES/registry_fixture.py" \
		"$FIX_PORT" "$d" "$@" </dev/null >"$d/server.log" 2>&1 3>&- &
	track_pid $!
	wait_port "$FIX_PORT" || { cat "$d/server.log" >&2; return 1; }
}

# start_github_api: the GitHub API fixture over $TEST_DIR/gh/conf.json
# (write it first); sets GH_PORT and exports GITHUB_API_URL.
start_github_api() {
	local d=$TEST_DIR/gh
	GH_PORT=$(free_port)
	: >"$d/requests.log"
	timeout "$SERVER_LIFETIME" python3 "$FIXTURES/github_api.py" \
		"$GH_PORT" "$d" </dev/null >"$d/server.log" 2>&1 3>&- &
	track_pid $!
	wait_port "$GH_PORT" || { cat "$d/server.log" >&2; return 1; }
	export GITHUB_API_URL=http://127.0.0.1:$GH_PORT
}

# requests_log DIR FIELD: one value per request logged by a fixture under
# $TEST_DIR/DIR ("path", "status", "authorization", headers.NAME ...).
requests_log() {
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    v = json.loads(l)
    for k in sys.argv[2].split("."):
        v = v.get(k) if isinstance(v, dict) else None
    print(v if isinstance(v, str) else json.dumps(v))' \
		"$TEST_DIR/$1/requests.log" "$2"
}

# request_count DIR: how many requests the fixture under $TEST_DIR/DIR saw.
request_count() {
	wc -l <"$TEST_DIR/$1/requests.log" | tr -d ' '
}

# request_gap DIR I J: seconds between the fixture's requests I and J
# (1-based).
request_gap() {
	python3 -c 'import json,sys
t = [json.loads(l)["t"] for l in open(sys.argv[1])]
print("%.3f" % (t[int(sys.argv[3]) - 1] - t[int(sys.argv[2]) - 1]))' \
		"$TEST_DIR/$1/requests.log" "$2" "$3"
}

# at_least A B: A >= B (decimals).
at_least() {
	python3 -c 'import sys
a, b = float(sys.argv[1]), float(sys.argv[2])
sys.exit(0 if a >= b else "%s < %s" % (a, b))' "$1" "$2"
}

# set_from IMAGE [MESSAGE]: the server-base Dockerfile's FROM names IMAGE,
# committed.
set_from() {
	commit_file dockerfiles/server-base.dockerfile \
		"FROM $1 AS builder
RUN true
" "${2:-build: base image $1}"
}
