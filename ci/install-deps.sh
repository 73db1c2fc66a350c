#!/bin/sh
# Install exactly the Debian packages that are missing, idempotently.
# Usage: ci/install-deps.sh [extra-package...]
#   (make fuzz adds: clang libclang-rt-14-dev llvm)
set -eu

pkgs="build-essential pkg-config libgit2-dev libcjson-dev libcurl4-openssl-dev
libpcre2-dev libcmocka-dev bats git ca-certificates lighttpd
docker-registry openssl python3 procps groff-base man-db python3-yaml
openssh-server $*"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: error: missing packages:$missing (run as root or install sudo)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
