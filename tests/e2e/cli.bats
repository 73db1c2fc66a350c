#!/usr/bin/env bats
# The command line: help, version, config, usage errors (doc/decisions.md#exit-codes, doc/config.md).

load helper

setup() { setup_env; }
teardown() { teardown_env; }

@test "--version names itself and every linked library" {
	run ovm --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ovm-release\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	[[ "$output" =~ libgit2\ 1\.[0-9]+\.[0-9]+ ]]
	[[ "$output" =~ libcurl\ [0-9] ]]
	[[ "$output" =~ PCRE2\ [0-9] ]]
	[[ "$output" =~ cJSON\ [0-9] ]]
	run ovm version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ovm-release ]]
}

@test "--help lists every command; help COMMAND shows its options" {
	run ovm --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"config"* ]]
	[[ "$output" == *"version"* ]]
	run ovm help config
	[ "$status" -eq 0 ]
	[[ "$output" == *"ovm-release"*"config"*"--json"* ]]
	run ovm config --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage:"*"config"* ]]
}

@test "unknown command, unknown option, missing value: usage on stderr, exit 2" {
	run --separate-stderr ovm frobnicate
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"unknown command 'frobnicate'"* ]]
	[[ "$stderr" == *"usage:"* ]]
	run --separate-stderr ovm config --frob
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown option '--frob'"* ]]
	run --separate-stderr ovm config --config
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"needs a value"* ]]
	run --separate-stderr ovm
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"usage:"* ]]
	run --separate-stderr ovm config --no-push
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'config' does not take --no-push"* ]]
}

@test "config prints the embedded default with every field of doc/config.md" {
	run --separate-stderr ovm config
	[ "$status" -eq 0 ]
	echo "$output" >cfg.json
	python3 - cfg.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
assert c["branches"] == ["main"], c
assert c["remote"] == "origin"
assert c["identity"] is None
assert c["hook"] == {"mode": "notify"}
t = c["tracks"]
assert [x["name"] for x in t] == ["server-base", "executor-layer"]
sb, ex = t
assert sb["from_dockerfile"] == "dockerfiles/server-base.dockerfile"
assert sb["tags"] == ["server-base@{version}"]
assert sb["paths"] == ["dockerfiles/server-base.dockerfile"]
assert sb["watch"] == [".github/workflows/tag-server-base.yml"]
assert sb["verify_image"] is False and sb["catch_up"] is False
assert ex["from_tags"] == ["executor-layer@{version}", "cloud-executor-layer@{version}"]
assert ex["bump"] == "patch" and ex["initial"] == "0.1.0"
assert ex["version_files"] == [
    {"path": "package.json", "format": "npm-package", "optional": False},
    {"path": "package-lock.json", "format": "npm-lock", "optional": True}]
assert ex["commit"] == "chore(release): bump executor layer version to {version}"
assert ex["tags"] == ex["from_tags"]
assert ex["paths"] == ["package.json", "requirements.txt"]
assert ex["watch"] == [".github/workflows/tag-executor-layer.yml"]
assert ex["skip_token"] == "[skip executor-layer-tag]"
assert ex["catch_up"] is False
PY
}

@test "config output is itself a valid configuration (round trip)" {
	git init -q repo
	cd repo
	ovm config >../first.json
	cp ../first.json .ovm-release.json
	run ovm config
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat ../first.json)" ]
}

@test "a repository's .ovm-release.json is merged over the default" {
	git init -q repo
	cd repo
	printf '{"branches": ["main", "release"], "hook": {"mode": "tag"}}\n' >.ovm-release.json
	mkdir sub && cd sub
	run ovm config
	[ "$status" -eq 0 ]
	[[ "$output" == *'"release"'* ]]
	[[ "$output" == *'"mode":	"tag"'* ]]
	[[ "$output" == *'"server-base"'* ]]
}

@test "config errors name the file, line and key; exit 2" {
	git init -q repo
	cd repo
	printf '{\n  "branches": ["main"],\n  "tracks": [\n    {"name": "x", "from_tags": ["x@{version}"],\n     "tags": ["x@{version}"], "paths": ["a"], "colour": 1}\n  ]\n}\n' >.ovm-release.json
	run --separate-stderr ovm config
	[ "$status" -eq 2 ]
	[[ "$stderr" == *".ovm-release.json:5: 'tracks[0].colour': unknown key"* ]]
	printf '{"tracks": [{"name": "x", "from_dockerfile": "../Dockerfile", "tags": ["x@{version}"], "paths": ["a"]}]}' >.ovm-release.json
	run --separate-stderr ovm config
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'tracks[0].from_dockerfile'"*"leaves the repository"* ]]
	printf '{"tracks": [{"name": "x", "from_tags": ["x@{version}"], "tags": ["x-{version}-{version}"], "paths": ["a"]}]}' >.ovm-release.json
	run --separate-stderr ovm config
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'tracks[0].tags[0]'"* ]]
	printf '{"branches": ["main",]}' >.ovm-release.json
	run --separate-stderr ovm config
	[ "$status" -eq 2 ]
	[[ "$stderr" == *".ovm-release.json:1:"* ]]
}

@test "--config FILE is used, and a missing one is exit 2" {
	printf '{"remote": "upstream"}' >my.json
	run ovm --config my.json config
	[ "$status" -eq 0 ]
	[[ "$output" == *'"upstream"'* ]]
	run --separate-stderr ovm --config nope.json config
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"nope.json"* ]]
}

@test "a failed write to stdout is not success" {
	[ -w /dev/full ] || skip "no /dev/full"
	run sh -c '"$OVM_RELEASE" config >/dev/full'
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot write output"* ]]
}
