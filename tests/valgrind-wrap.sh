#!/bin/sh
# ovm-release under valgrind memcheck, for `make test-valgrind`: the e2e
# suite runs this script as $OVM_RELEASE (the Makefile copies it to
# $(VG_BUILD)/wrap/ovm-release, so that the hook's PATH lookup and
# `make install BUILD=...` find a file of that name).
#
#   OVM_VALGRIND_BIN   the non-sanitized binary to run (required)
#   OVM_VALGRIND_LOGS  directory for one log per process that valgrind
#                      found an error in (required; empty logs are removed)
#
# Exit status 99 on a memcheck error or a definite leak: 1 is a status the
# tool itself uses (refused), so a test expecting it would hide the error;
# the log directory is the record either way.  Suppressions (libgit2 1.5
# and libcrypto, not ours) are in tests/valgrind.supp.
: "${OVM_VALGRIND_BIN:?OVM_VALGRIND_BIN must name the binary under test}"
: "${OVM_VALGRIND_LOGS:?OVM_VALGRIND_LOGS must name a log directory}"
here=$(cd "$(dirname "$0")" && pwd)
supp=${OVM_VALGRIND_SUPP:-$here/valgrind.supp}
exec valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \
	--track-origins=no --num-callers=30 \
	--suppressions="$supp" \
	--log-file="$OVM_VALGRIND_LOGS/vg.%p.log" \
	"$OVM_VALGRIND_BIN" "$@"
