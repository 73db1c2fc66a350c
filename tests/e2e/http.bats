#!/usr/bin/env bats
# HTTP with libcurl (doc/decisions.md#image-checks) against real servers on 127.0.0.1:
# - Debian's docker-registry (the CNCF distribution registry), open and
#   with Docker token auth against a token server that signs RS256 JWTs;
# - a scripted registry (fixtures/registry_fixture.py) for 5xx, 429 and
#   odd challenges, and to see every request header;
# - a GitHub REST API fixture (fixtures/github_api.py) with GitHub's
#   documented release objects, Link pagination and rate-limit headers;
# - a bare git remote for `resolve` from tags.

load helper
load plan_lib
load run_lib
load http_lib

IMG=oomol/server-base

setup() {
	setup_env
	export OVM_RELEASE_HTTP_BACKOFF_MS=10
	unset OVM_RELEASE_REGISTRY_TOKEN DOCKER_CONFIG GITHUB_API_URL
	make_seed_repo "$TEST_DIR/repo"
	cd "$TEST_DIR/repo"
	R=$TEST_DIR/repo.git
}
teardown() {
	stop_servers
	teardown_env
}

# cj TRACK KEY: a field of the check-image --json line of TRACK.
cj() {
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    if not l.strip():
        continue
    d = json.loads(l)
    if d["track"] == sys.argv[2]:
        v = d[sys.argv[3]]
        print(v if isinstance(v, str) else json.dumps(v))
        sys.exit(0)
sys.exit("no line for track " + sys.argv[2])' "$TEST_DIR/run.json" "$@"
}

# manifest_heads: the manifest requests the real registry logged.
manifest_heads() {
	grep -c '"HEAD /v2/.*/manifests/' "$TEST_DIR/registry/registry.log" || true
}

# docker_auth HOST USER:PASS: ~/.docker/config.json with "auth" for HOST.
docker_auth() {
	mkdir -p "$HOME/.docker"
	printf '{"auths": {"%s": {"auth": "%s"}}, "credsStore": ""}\n' "$1" \
		"$(printf '%s' "$2" | base64 -w0)" >"$HOME/.docker/config.json"
}

# fix_conf JSON: the scripted registry's conf.json; FD is a digest.
FD=sha256:4a5c3e1bd0f8c2e7a9b6d3f0e1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4
fix_conf() {
	mkdir -p "$TEST_DIR/fix"
	printf '%s\n' "$1" >"$TEST_DIR/fix/conf.json"
}

# verify_config: .ovm-release.json with the server-base track verified
# (plus the executor-layer track as the default has it), committed.
verify_config() {
	cat >.ovm-release.json <<'EOF'
{"tracks": [
 {"name": "server-base", "from_dockerfile": "dockerfiles/server-base.dockerfile",
  "tags": ["server-base@{version}"],
  "paths": ["dockerfiles/server-base.dockerfile"],
  "verify_image": true},
 {"name": "executor-layer",
  "from_tags": ["executor-layer@{version}", "cloud-executor-layer@{version}"],
  "bump": "patch", "initial": "0.1.0",
  "version_files": [{"path": "package.json", "format": "npm-package"}],
  "commit": "chore(release): bump executor layer version to {version}",
  "tags": ["executor-layer@{version}", "cloud-executor-layer@{version}"],
  "paths": ["package.json", "requirements.txt"]}]}
EOF
	git add .ovm-release.json
	test_tick
	git commit -q -m "ci: verify the base image"
	git push -q origin main
}

# ======================================================================
# check-image against docker-registry (no auth)
# ======================================================================

@test "registry sanity: the pushed image is served, and OCI manifests need the OCI Accept types" {
	start_registry
	d=$(push_image "$IMG" v0.6.0 docker)
	o=$(push_image "$IMG" oci-1 oci)
	python3 - "$REG_URL/v2/$IMG/manifests" "$d" "$o" <<'PY'
import sys, urllib.request, urllib.error
base, d, o = sys.argv[1:4]
def head(tag, accept):
    r = urllib.request.Request(base + "/" + tag, method="HEAD",
                               headers={"Accept": accept})
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            return resp.status, resp.headers.get("Docker-Content-Digest")
    except urllib.error.HTTPError as e:
        return e.code, None
docker = "application/vnd.docker.distribution.manifest.v2+json"
oci = "application/vnd.oci.image.manifest.v1+json"
assert head("v0.6.0", docker) == (200, d), head("v0.6.0", docker)
assert head("oci-1", docker)[0] == 404, head("oci-1", docker)
assert head("oci-1", oci) == (200, o), head("oci-1", oci)
assert head("v9.9.9", docker)[0] == 404
PY
}

@test "check-image: a pushed tag is found with the digest the registry gave at push" {
	start_registry
	digest=$(push_image "$IMG" v0.6.0 docker)
	set_from "$REG/$IMG:v0.6.0"
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq found true "$(cj server-base found)"
	expect_eq digest "$digest" "$(cj server-base digest)"
	expect_eq image_ref "$REG/$IMG:v0.6.0" "$(cj server-base image_ref)"
	ovmr check-image
	[ "$status" -eq 0 ]
	[[ "$output" == *"$REG/$IMG:v0.6.0 exists"* ]]
	[[ "$output" == *"$digest"* ]]
	# The question was a HEAD of the manifest, over plain HTTP.
	grep -q "\"HEAD /v2/$IMG/manifests/v0.6.0 HTTP/1.1\" 200 .*\"ovm-release/" \
		"$TEST_DIR/registry/registry.log"
}

# check_kind KIND: a tag whose manifest is of KIND is found with the digest
# of what the tag names (the index itself, not a platform's manifest).
check_kind() {
	start_registry
	digest=$(push_image "$IMG" "t-$1" "$1")
	set_from "$REG/$IMG:t-$1"
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq "found ($1)" true "$(cj server-base found)"
	expect_eq "digest ($1)" "$digest" "$(cj server-base digest)"
}

@test "check-image: an OCI image manifest is found (OCI manifest Accept type)" {
	check_kind oci
}

@test "check-image: an OCI image index is found with the index's digest" {
	check_kind oci-index
}

@test "check-image: a Docker manifest list is found with the list's digest, not a platform's" {
	check_kind docker-list
}

@test "check-image: a missing tag is exit 1, found false, the URL and the 404 named" {
	start_registry
	push_image "$IMG" v0.6.0 docker >/dev/null
	set_from "$REG/$IMG:v0.7.0"
	ovmr check-image --json
	[ "$status" -eq 1 ]
	expect_eq found false "$(cj server-base found)"
	expect_eq digest null "$(cj server-base digest)"
	ovmr check-image
	[ "$status" -eq 1 ]
	[[ "$output" == *"$REG/$IMG:v0.7.0"* ]]
	[[ "$output" == *"no such tag"* ]]
	[[ "$output" == *"http://$REG/v2/$IMG/manifests/v0.7.0"* ]]
	[[ "$output" == *404* ]]
}

@test "check-image: a repository the registry does not hold is exit 1" {
	start_registry
	push_image "$IMG" v0.6.0 docker >/dev/null
	set_from "$REG/oomol/nothing-here:v0.6.0"
	ovmr check-image --json
	[ "$status" -eq 1 ]
	expect_eq found false "$(cj server-base found)"
}

@test "check-image --after: the Dockerfile at that commit decides, not HEAD's" {
	start_registry
	digest=$(push_image "$IMG" v0.6.0 docker)
	set_from "$REG/$IMG:v0.6.0"
	good=$(git rev-parse HEAD)
	set_from "$REG/$IMG:v0.7.0"
	ovmr check-image --json --after "$good"
	[ "$status" -eq 0 ]
	expect_eq digest "$digest" "$(cj server-base digest)"
	ovmr check-image --json
	[ "$status" -eq 1 ]
	expect_eq "image at HEAD" "$REG/$IMG:v0.7.0" "$(cj server-base image_ref)"
}

@test "check-image --track: only the named Dockerfile track is asked; both otherwise, the worst status wins" {
	start_registry
	push_image "$IMG" v0.6.0 docker >/dev/null
	set_from "$REG/$IMG:v0.6.0"
	commit_file dockerfiles/other.dockerfile "FROM $REG/oomol/other:v1
" "build: other image"
	cat >.ovm-release.json <<'EOF'
{"tracks": [
 {"name": "server-base", "from_dockerfile": "dockerfiles/server-base.dockerfile",
  "tags": ["server-base@{version}"], "paths": ["dockerfiles/server-base.dockerfile"]},
 {"name": "other", "from_dockerfile": "dockerfiles/other.dockerfile",
  "tags": ["other@{version}"], "paths": ["dockerfiles/other.dockerfile"]}]}
EOF
	git add .ovm-release.json
	test_tick
	git commit -q -m "ci: two images"
	ovmr check-image --json --track server-base
	[ "$status" -eq 0 ]
	expect_eq lines 1 "$(grep -c . "$TEST_DIR/run.json")"
	expect_eq found true "$(cj server-base found)"
	ovmr check-image --json
	[ "$status" -eq 1 ]
	expect_eq "server-base found" true "$(cj server-base found)"
	expect_eq "other found" false "$(cj other found)"
}

@test "check-image: localhost:PORT is loopback too (plain HTTP)" {
	start_registry
	digest=$(push_image "$IMG" v0.6.0 docker)
	set_from "localhost:$REG_PORT/$IMG:v0.6.0"
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq digest "$digest" "$(cj server-base digest)"
}

@test "check-image: a registry that is not loopback is asked over HTTPS, its certificate verified" {
	fix_conf "{\"manifests\": {\"$IMG:v1\": \"$FD\"}}"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_DIR/fix/key.pem" \
		-out "$TEST_DIR/fix/cert.pem" -days 2 -subj /CN=0.0.0.0 \
		-addext subjectAltName=IP:0.0.0.0,IP:127.0.0.1 >/dev/null 2>&1
	start_registry_fixture --tls
	# 0.0.0.0 reaches the fixture on 127.0.0.1 but is not a loopback name.
	set_from "0.0.0.0:$FIX_PORT/$IMG:v1"
	ovmr check-image
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"https://0.0.0.0:$FIX_PORT/v2/$IMG/manifests/v1"* ]]
	[[ "$stderr" == *[Cc]ertificate* || "$stderr" == *SSL* ]]
	# The handshake failed: no request reached the server.
	expect_eq requests 0 "$(request_count fix)"
}

@test "check-image: a registry nobody listens on is exit 3 naming it" {
	port=$(free_port)
	set_from "127.0.0.1:$port/$IMG:v0.6.0"
	ovmr check-image --json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"127.0.0.1:$port"* ]]
	[[ "$output" != *'"found":true'* ]]
}

@test "check-image: a registry that never answers times out (exit 3) instead of hanging" {
	start_hanging_server
	set_from "127.0.0.1:$HANG_PORT/$IMG:v0.6.0"
	SECONDS=0
	run --separate-stderr timeout 50 "$OVM_RELEASE" check-image
	echo "# exit $status after ${SECONDS}s: $stderr" >&2
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"127.0.0.1:$HANG_PORT"* ]]
}

# ======================================================================
# verify_image: run refuses a missing image before anything is written
# ======================================================================

@test "run + verify_image: a missing image refuses the track, exit 1, the remote and the checkout untouched" {
	start_registry
	push_image "$IMG" v0.6.0 docker >/dev/null
	serve_repo_git "$TEST_DIR/repo"
	verify_config
	log_pushes "$R"
	set_from "$REG/$IMG:v0.7.0"
	ci_push
	rrefs "$R" >"$TEST_DIR/refs.before"
	git for-each-ref >"$TEST_DIR/local.before"
	ovmr run --json $(ev)
	[ "$status" -eq 1 ]
	expect_eq decision refuse "$(jrun server-base decision)"
	expect_eq result refused "$(jrun server-base result)"
	[[ "$stderr$output" == *"$REG/$IMG:v0.7.0"* ]]
	rrefs "$R" >"$TEST_DIR/refs.after"
	diff "$TEST_DIR/refs.before" "$TEST_DIR/refs.after"
	expect_eq pushes "" "$(pushes "$R")"
	git for-each-ref >"$TEST_DIR/local.after"
	diff "$TEST_DIR/local.before" "$TEST_DIR/local.after"
	expect_eq HEAD "$AFTER" "$(git rev-parse HEAD)"
	expect_eq "git status" "" "$(git status --porcelain --ignored)"
	no_lock
	# The registry was asked.
	[ "$(manifest_heads)" -ge 1 ]
}

@test "run + verify_image: a present image is released (the control)" {
	start_registry
	push_image "$IMG" v0.7.0 docker >/dev/null
	serve_repo_git "$TEST_DIR/repo"
	verify_config
	log_pushes "$R"
	set_from "$REG/$IMG:v0.7.0"
	ci_push
	ovmr run --json $(ev)
	[ "$status" -eq 0 ]
	expect_eq result released "$(jrun server-base result)"
	expect_eq "tag" "$AFTER" "$(rrev "$R" refs/tags/server-base@0.7.0)"
	expect_eq pushes "refs/tags/server-base@0.7.0" "$(pushes "$R")"
	[ "$(manifest_heads)" -ge 1 ]
}

@test "run + verify_image: the other track still releases, the refused one pushes nothing (exit 1)" {
	start_registry
	serve_repo_git "$TEST_DIR/repo"
	verify_config
	log_pushes "$R"
	set_from "$REG/$IMG:v0.7.0"
	commit_file requirements.txt "requests==2.32.0
" "feat: requests 2.32"
	git reset -q --soft HEAD~2
	test_tick
	git commit -q -m "feat: base image and requests"
	ci_push
	ovmr run --json $(ev)
	[ "$status" -eq 1 ]
	expect_eq "server-base" refused "$(jrun server-base result)"
	expect_eq "executor-layer" released "$(jrun executor-layer result)"
	[ -z "$(rrev "$R" refs/tags/server-base@0.7.0)" ]
	[ -n "$(rrev "$R" refs/tags/executor-layer@0.1.4)" ]
}

@test "run + verify_image: an unreachable registry is exit 3 with nothing pushed" {
	port=$(free_port)
	serve_repo_git "$TEST_DIR/repo"
	verify_config
	log_pushes "$R"
	set_from "127.0.0.1:$port/$IMG:v0.7.0"
	ci_push
	rrefs "$R" >"$TEST_DIR/refs.before"
	ovmr run --json $(ev)
	[ "$status" -eq 3 ]
	rrefs "$R" >"$TEST_DIR/refs.after"
	diff "$TEST_DIR/refs.before" "$TEST_DIR/refs.after"
	expect_eq pushes "" "$(pushes "$R")"
	no_lock
}

@test "plan: --online asks the registry and shows the refusal; without it, no request" {
	start_registry
	push_image "$IMG" v0.6.0 docker >/dev/null
	verify_config
	set_from "$REG/$IMG:v0.7.0"
	ci_push
	pj $(ev)
	[ "$status" -eq 0 ]
	expect_eq "offline decision" release "$(jt server-base decision)"
	expect_eq "requests offline" 0 "$(manifest_heads)"
	pj --online $(ev)
	[ "$status" -eq 1 ]
	expect_eq "online decision" refuse "$(jt server-base decision)"
	[ "$(manifest_heads)" -ge 1 ]
	run --separate-stderr "$OVM_RELEASE" plan --online $(ev)
	[ "$status" -eq 1 ]
	[[ "$output$stderr" == *"$REG/$IMG:v0.7.0"* ]]
}

# ======================================================================
# docker-registry with token auth
# ======================================================================

# token_setup [token-server args]: keys, token server, registry with token
# auth, the image pushed by alice (who may push).
token_setup() {
	make_token_keys
	start_token_server --user alice:s3cret-pw "$@"
	start_registry token
	DIGEST=$(push_image "$IMG" v0.6.0 docker alice:s3cret-pw)
	: >"$TEST_DIR/token/token.log"
	set_from "$REG/$IMG:v0.6.0"
}

@test "token auth sanity: the registry wants a Bearer token and refuses a forged one" {
	token_setup --anonymous
	forged=$(mint_token "repository:$IMG:pull" | python3 -c 'import sys
h, c, s = sys.stdin.read().strip().split(".")
print(h + "." + c + "." + ("A" if s[0] != "A" else "B") + s[1:])')
	python3 - "$REG_URL/v2/$IMG/manifests/v0.6.0" "$forged" "$(mint_token "repository:$IMG:pull")" "$DIGEST" <<'PY'
import sys, urllib.request, urllib.error
url, forged, good, digest = sys.argv[1:5]
def head(tok):
    h = {"Accept": "application/vnd.docker.distribution.manifest.v2+json"}
    if tok:
        h["Authorization"] = "Bearer " + tok
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD", headers=h), timeout=10) as r:
            return r.status, r.headers.get("Docker-Content-Digest"), None
    except urllib.error.HTTPError as e:
        return e.code, None, e.headers.get("WWW-Authenticate")
s, _, ch = head(None)
assert s == 401 and ch.startswith('Bearer realm="http://127.0.0.1:'), (s, ch)
assert 'service="ovm-test-registry"' in ch and 'scope="repository:oomol/server-base:pull"' in ch, ch
assert head(forged)[0] == 401, head(forged)
assert head(good)[:2] == (200, digest), head(good)
PY
}

@test "token auth: the Bearer challenge is followed anonymously, the token server asked for pull" {
	token_setup --anonymous
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq digest "$DIGEST" "$(cj server-base digest)"
	expect_eq "token requests" 1 "$(grep -c . "$TEST_DIR/token/token.log")"
	expect_eq user null "$(token_log user)"
	expect_eq outcome token "$(token_log outcome)"
	expect_eq service "$TOKEN_SERVICE" "$(token_log service)"
	expect_eq scope "[\"repository:$IMG:pull\"]" "$(token_log scope)"
}

@test "token auth: a missing tag behind token auth is exit 1 (not an auth error)" {
	token_setup --anonymous
	set_from "$REG/$IMG:v0.9.9"
	ovmr check-image --json
	[ "$status" -eq 1 ]
	expect_eq found false "$(cj server-base found)"
}

@test "token auth: without anonymous access and without credentials, exit 3 with a hint" {
	token_setup
	ovmr check-image
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"token endpoint"* || "$stderr" == *"access denied"* ]]
	expect_eq outcome "credentials required" "$(token_log outcome)"
}

@test "token auth: ~/.docker/config.json credentials go to the token endpoint as basic auth" {
	token_setup
	docker_auth "$REG" alice:s3cret-pw
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq digest "$DIGEST" "$(cj server-base digest)"
	expect_eq user alice "$(token_log user)"
	expect_eq authorization Basic "$(token_log authorization)"
	expect_eq outcome token "$(token_log outcome)"
	[[ "$output$stderr" != *s3cret-pw* ]]
}

@test "token auth: username/password entries under \$DOCKER_CONFIG are used too" {
	token_setup
	mkdir -p "$TEST_DIR/dockercfg"
	printf '{"auths": {"%s": {"username": "alice", "password": "s3cret-pw"}}}\n' \
		"$REG" >"$TEST_DIR/dockercfg/config.json"
	export DOCKER_CONFIG=$TEST_DIR/dockercfg
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq user alice "$(token_log user)"
}

@test "token auth: credentials for another registry are not sent" {
	token_setup --anonymous
	docker_auth "registry.example.com" alice:s3cret-pw
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq user null "$(token_log user)"
}

@test "token auth: a wrong password is exit 3, the password never printed" {
	token_setup
	docker_auth "$REG" alice:wrong-pw-93k
	ovmr check-image
	[ "$status" -eq 3 ]
	expect_eq outcome "bad credentials" "$(token_log outcome)"
	[[ "$output$stderr" != *wrong-pw-93k* ]]
}

@test "token auth: OVM_RELEASE_REGISTRY_TOKEN is sent as the Bearer token, the token server never asked" {
	token_setup
	OVM_RELEASE_REGISTRY_TOKEN=$(mint_token "repository:$IMG:pull")
	export OVM_RELEASE_REGISTRY_TOKEN
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq digest "$DIGEST" "$(cj server-base digest)"
	expect_eq "token requests" 0 "$(grep -c . "$TEST_DIR/token/token.log" || true)"
	[[ "$output$stderr" != *"$OVM_RELEASE_REGISTRY_TOKEN"* ]]
}

@test "token auth: a bad OVM_RELEASE_REGISTRY_TOKEN is exit 3, not printed" {
	token_setup --anonymous
	export OVM_RELEASE_REGISTRY_TOKEN=not-a-jwt-5d1c7e
	ovmr check-image
	[ "$status" -eq 3 ]
	[[ "$output$stderr" != *not-a-jwt-5d1c7e* ]]
}

# ======================================================================
# the scripted registry: headers, retries, odd challenges
# ======================================================================

@test "registry request: HEAD of the manifest with the four manifest Accept types, no credentials unasked" {
	fix_conf "{\"manifests\": {\"$IMG:v1\": \"$FD\"}}"
	start_registry_fixture
	docker_auth "$FIX" alice:s3cret-pw
	set_from "$FIX/$IMG:v1"
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq digest "$FD" "$(cj server-base digest)"
	expect_eq requests 1 "$(request_count fix)"
	expect_eq method HEAD "$(requests_log fix method)"
	expect_eq path "/v2/$IMG/manifests/v1" "$(requests_log fix path)"
	accept=$(requests_log fix headers.Accept)
	for t in application/vnd.oci.image.index.v1+json \
		application/vnd.oci.image.manifest.v1+json \
		application/vnd.docker.distribution.manifest.list.v2+json \
		application/vnd.docker.distribution.manifest.v2+json; do
		[[ "$accept" == *"$t"* ]] || { echo "Accept lacks $t: $accept" >&2; return 1; }
	done
	expect_eq authorization null "$(requests_log fix headers.Authorization)"
	[[ "$(requests_log fix headers.User-Agent)" == ovm-release/* ]]
}

@test "registry: a 503 then 200 succeeds after one retry" {
	fix_conf "{\"manifests\": {\"$IMG:v1\": \"$FD\"}, \"faults\": [{\"status\": 503}]}"
	start_registry_fixture
	set_from "$FIX/$IMG:v1"
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq found true "$(cj server-base found)"
	expect_eq statuses "503
200" "$(requests_log fix status)"
}

@test "registry: a 500 every time is retried 3 times then exit 3 naming the status" {
	fix_conf "{\"manifests\": {\"$IMG:v1\": \"$FD\"}, \"faults\": [{\"status\": 500, \"times\": 50}]}"
	start_registry_fixture
	set_from "$FIX/$IMG:v1"
	ovmr check-image
	[ "$status" -eq 3 ]
	expect_eq requests 4 "$(request_count fix)"
	[[ "$stderr" == *500* ]]
}

@test "registry: a 429 with Retry-After: 1 waits that long, then succeeds" {
	fix_conf "{\"manifests\": {\"$IMG:v1\": \"$FD\"}, \"faults\": [{\"status\": 429, \"headers\": {\"Retry-After\": \"1\"}}]}"
	start_registry_fixture
	set_from "$FIX/$IMG:v1"
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq requests 2 "$(request_count fix)"
	at_least "$(request_gap fix 1 2)" 0.9
}

@test "registry: a Basic challenge is answered with ~/.docker/config.json credentials" {
	fix_conf "{\"manifests\": {\"$IMG:v1\": \"$FD\"}, \"auth\": \"basic\", \"user\": \"bob:pw-basic\"}"
	start_registry_fixture
	set_from "$FIX/$IMG:v1"
	ovmr check-image --json
	[ "$status" -eq 3 ]
	docker_auth "$FIX" bob:pw-basic
	: >"$TEST_DIR/fix/requests.log"
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq digest "$FD" "$(cj server-base digest)"
	expect_eq statuses "401
200" "$(requests_log fix status)"
	expect_eq "second authorization" "Basic $(printf bob:pw-basic | base64 -w0)" \
		"$(requests_log fix headers.Authorization | tail -n 1)"
}

@test "registry: a realm with a query string keeps it, service and scope appended; access_token accepted" {
	fix_conf "{\"manifests\": {\"$IMG:v1\": \"$FD\"}, \"auth\": \"bearer\", \"token\": \"tok-xyz\", \"token_field\": \"access_token\", \"realm_query\": \"client=ovm\"}"
	start_registry_fixture
	set_from "$FIX/$IMG:v1"
	ovmr check-image --json
	[ "$status" -eq 0 ]
	expect_eq digest "$FD" "$(cj server-base digest)"
	python3 - "$TEST_DIR/fix/requests.log" <<'PY'
import json, sys, urllib.parse
reqs = [json.loads(l) for l in open(sys.argv[1])]
tok = [r for r in reqs if r["path"].startswith("/token")]
assert len(tok) == 1, reqs
u = urllib.parse.urlsplit(tok[0]["path"])
q = urllib.parse.parse_qs(u.query)
assert q == {"client": ["ovm"], "service": ["fixture-registry"],
             "scope": ["repository:oomol/server-base:pull"]}, q
last = reqs[-1]
assert last["headers"].get("Authorization") == "Bearer tok-xyz", last
assert last["status"] == 200, last
PY
}

@test "registry: a 401 without a challenge is exit 3" {
	fix_conf "{\"manifests\": {}, \"faults\": [{\"status\": 401, \"times\": 10}]}"
	start_registry_fixture
	set_from "$FIX/$IMG:v1"
	ovmr check-image
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"$FIX"* ]]
}

# ======================================================================
# resolve --github against the GitHub REST API fixture
# ======================================================================

# gh_conf RELEASES [FAULTS]: the fixture's conf.json for o/r with 2
# releases a page (so that 6 releases make 3 pages).
gh_conf() {
	mkdir -p "$TEST_DIR/gh"
	printf '{"repo": "o/r", "repo_id": 1296269, "page_size": 2,\n "releases": %s,\n "faults": %s}\n' \
		"$1" "${2:-[]}" >"$TEST_DIR/gh/conf.json"
}

# Page 1: a draft and a pre-release above everything; page 2: lower
# releases and another track's; page 3: the highest published one (0.2.1,
# above 0.1.10 by SemVer, below it as text).
RELEASES='[
 {"tag_name": "executor-layer@0.3.0", "draft": true},
 {"tag_name": "cloud-executor-layer@0.2.5", "prerelease": true},
 {"tag_name": "executor-layer@0.1.9"},
 {"tag_name": "server-base@9.9.9"},
 {"tag_name": "executor-layer@0.1.10"},
 {"tag_name": "cloud-executor-layer@0.2.1"}
]'

@test "resolve --github: three pages followed by rel=\"next\", drafts and pre-releases skipped, the highest printed" {
	gh_conf "$RELEASES"
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 0 ]
	expect_eq version 0.2.1 "$output"
	expect_eq paths "/repos/o/r/releases?per_page=100
/repositories/1296269/releases?per_page=2&page=2
/repositories/1296269/releases?per_page=2&page=3" "$(requests_log gh path)"
	expect_eq accept "application/vnd.github+json" "$(requests_log gh accept | sort -u)"
	expect_eq api_version 2022-11-28 "$(requests_log gh api_version | sort -u)"
	expect_eq authorization null "$(requests_log gh authorization | sort -u)"
}

@test "resolve --github --json: the version and its source" {
	gh_conf "$RELEASES"
	start_github_api
	ovmr resolve --json executor-layer --latest --github o/r
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys
d = json.loads(sys.argv[1])
assert d == {"track": "executor-layer", "version": "0.2.1", "source": "github"}, d' "$output"
}

@test "resolve --github: a draft or a pre-release is never the answer, even alone at the top" {
	gh_conf '[{"tag_name": "executor-layer@0.4.0", "draft": true},
		{"tag_name": "executor-layer@0.3.9", "prerelease": true},
		{"tag_name": "executor-layer@0.3.0-rc.1"},
		{"tag_name": "executor-layer@0.1.2"}]'
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 0 ]
	expect_eq version 0.1.2 "$output"
}

@test "resolve --github: only drafts and pre-releases: exit 1, nothing on stdout" {
	gh_conf '[{"tag_name": "executor-layer@0.4.0", "draft": true},
		{"tag_name": "executor-layer@0.3.9", "prerelease": true}]'
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"executor-layer"* ]]
}

@test "resolve --github: GITHUB_TOKEN (else GH_TOKEN) is sent as Bearer on every page, never printed" {
	gh_conf "$RELEASES"
	start_github_api
	GITHUB_TOKEN=ghp_testtoken111 ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 0 ]
	expect_eq auth "Bearer ghp_testtoken111" "$(requests_log gh authorization | sort -u)"
	expect_eq requests 3 "$(request_count gh)"
	[[ "$output$stderr" != *ghp_testtoken111* ]]
	: >"$TEST_DIR/gh/requests.log"
	GH_TOKEN=ghp_testtoken222 ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 0 ]
	expect_eq auth "Bearer ghp_testtoken222" "$(requests_log gh authorization | sort -u)"
}

@test "resolve --github: 403 with x-ratelimit-remaining: 0 is exit 3 with the reset time, asked once" {
	gh_conf "$RELEASES" '[{"status": 403, "times": 20,
		"headers": {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000000", "x-ratelimit-used": "60"},
		"body": {"message": "API rate limit exceeded for 127.0.0.1. (But here'"'"'s the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
			"documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}}]'
	start_github_api
	GITHUB_TOKEN=ghp_secret333 ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == *"rate limit"* ]]
	[[ "$stderr" == *"2023-11-14T22:13:20Z"* ]]
	[[ "$stderr" != *ghp_secret333* ]]
	expect_eq requests 1 "$(request_count gh)"
}

@test "resolve --github: rate-limited on page 2: exit 3, no partial answer" {
	gh_conf "$RELEASES" '[{"status": 403, "skip": 1, "times": 20,
		"headers": {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000000"}}]'
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == *"rate limit"* ]]
	expect_eq statuses "200
403" "$(requests_log gh status)"
}

@test "resolve --github: a secondary rate limit (429 + Retry-After) is retried, then reported as a rate limit (exit 3)" {
	gh_conf "$RELEASES" '[{"status": 429, "times": 50, "headers": {"Retry-After": "0"},
		"body": {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}}]'
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == *"rate limit"* ]]
	expect_eq requests 4 "$(request_count gh)"
}

@test "resolve --github: a 502 every time is retried 3 times (4 requests) then exit 3" {
	gh_conf "$RELEASES" '[{"status": 502, "times": 50}]'
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == *502* ]]
	expect_eq requests 4 "$(request_count gh)"
}

@test "resolve --github: a 503 then 200 succeeds (1 retry + 3 pages)" {
	gh_conf "$RELEASES" '[{"status": 503}]'
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 0 ]
	expect_eq version 0.2.1 "$output"
	expect_eq statuses "503
200
200
200" "$(requests_log gh status)"
}

@test "resolve --github: Retry-After in seconds is honoured (the base backoff alone is 10 ms)" {
	gh_conf "$RELEASES" '[{"status": 503}, {"status": 429, "headers": {"Retry-After": "1"}}]'
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 0 ]
	expect_eq version 0.2.1 "$output"
	gap1=$(request_gap gh 1 2)
	gap2=$(request_gap gh 2 3)
	echo "# gaps: $gap1 $gap2" >&2
	# Without Retry-After: the 10 ms backoff, well under a second.
	at_least 0.5 "$gap1"
	# With Retry-After: 1, at least that second.
	at_least "$gap2" 0.9
}

@test "resolve --github: Retry-After as an HTTP date is honoured" {
	gh_conf "$RELEASES" '[{"status": 503, "headers": {"Retry-After": "@in:3"}}]'
	start_github_api
	ovmr resolve executor-layer --latest --github o/r
	[ "$status" -eq 0 ]
	gap=$(request_gap gh 1 2)
	echo "# gap: $gap" >&2
	at_least "$gap" 1.5
}

@test "resolve --github: an unknown repository (404) is exit 3 naming it" {
	gh_conf "$RELEASES"
	start_github_api
	ovmr resolve executor-layer --latest --github o/other
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"/repos/o/other/releases"* ]]
	[[ "$stderr" == *404* ]]
}

@test "resolve --github: a malformed OWNER/REPO is exit 2 with no request" {
	gh_conf "$RELEASES"
	start_github_api
	for bad in o o/r/x /r o/; do
		ovmr resolve executor-layer --latest --github "$bad"
		[ "$status" -eq 2 ] || { echo "--github '$bad': exit $status" >&2; return 1; }
	done
	expect_eq requests 0 "$(request_count gh)"
}

# ======================================================================
# resolve from the remote's tags (no API)
# ======================================================================

@test "resolve: the highest release tag of the family on the remote, not local tags nor pre-releases" {
	git remote set-url origin "file://$R"
	for t in executor-layer@0.1.10 cloud-executor-layer@0.1.11 \
		executor-layer@0.2.0-rc.1 executor-layer@1.2 executor-layer@01.3.0 \
		other@9.9.9; do
		git push -q "$R" "HEAD:refs/tags/$t"
	done
	git tag executor-layer@0.9.0	# local only
	ovmr resolve executor-layer --latest
	[ "$status" -eq 0 ]
	expect_eq version 0.1.11 "$output"
	ovmr resolve --json executor-layer --latest
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys
d = json.loads(sys.argv[1])
assert d == {"track": "executor-layer", "version": "0.1.11", "source": "remote"}, d' "$output"
	ovmr resolve server-base --latest
	[ "$status" -eq 0 ]
	expect_eq "server-base" 0.5.0 "$output"
}

@test "resolve: a tag pushed to the remote after the clone counts (the remote is asked, not the last fetch)" {
	git remote set-url origin "file://$R"
	other=$TEST_DIR/other
	git clone -q "$R" "$other"
	git -C "$other" tag executor-layer@0.1.7
	git -C "$other" push -q origin executor-layer@0.1.7
	ovmr resolve executor-layer --latest
	[ "$status" -eq 0 ]
	expect_eq version 0.1.7 "$output"
	[ -z "$(git tag -l executor-layer@0.1.7)" ]
}

@test "resolve: no release tag on the remote is exit 1; an unknown track is exit 2" {
	git remote set-url origin "file://$R"
	git --git-dir="$R" tag -d executor-layer@0.1.3 cloud-executor-layer@0.1.3 >/dev/null
	ovmr resolve executor-layer --latest
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	ovmr resolve no-such-track --latest
	[ "$status" -eq 2 ]
}

@test "resolve: an unreachable remote is exit 3" {
	git remote set-url origin "file://$TEST_DIR/nothing-here.git"
	ovmr resolve executor-layer --latest
	[ "$status" -eq 3 ]
}
