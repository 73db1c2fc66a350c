#!/bin/sh
# The layer rules of doc/architecture.md, checked.
#
# Usage: ci/check-layers.sh [SRC_DIR [OBJ_DIR]]
#
# Over SRC_DIR (default src): every `#include "layer/x.h"` must name the
# file's own layer or one below it, in this order:
#
#   util < core < git, net < plan < apply < cli
#
# (git and net are side by side: neither includes the other), `<git2.h>`
# and "git/git_int.h" appear only under git/, and `<curl/curl.h>` only in
# net/http.c.  With OBJ_DIR (the objects of a build, mirroring SRC_DIR),
# the calls are checked too, from `nm`: a file calls only names defined in
# its own layer or below, and no two files call each other, directly or
# round a longer circle.  Prints each breach as FILE:LINE: what, and exits
# 1 when there is one.
set -u
src=${1:-src}
obj=${2:-}

if [ ! -d "$src" ]; then
	echo "check-layers: error: no source folder '$src'" >&2
	exit 2
fi

# The layer's rank; "?" for a folder that is not a layer.
rank_awk='
function layer(path,   p) {
	p = path
	sub(/^\.\//, "", p)
	sub(/\/.*/, "", p)
	return p
}
function rank(l) {
	if (l == "util") return 0
	if (l == "core") return 1
	if (l == "git" || l == "net") return 2
	if (l == "plan") return 3
	if (l == "apply") return 4
	if (l == "cli") return 5
	return -1
}
function allowed(from, to) {
	if (from == to) return 1
	if (rank(to) < 0 || rank(from) < 0) return 0
	return rank(to) < rank(from)
}
function dir(path,   d) {
	d = path
	sub(/[^\/]*$/, "", d)
	return d
}
function below(from,   s, l, n, i, all) {
	n = split("util core git net plan apply cli", all, " ")
	s = ""
	for (i = 1; i <= n; i++)
		if (allowed(from, all[i]))
			s = s (s == "" ? "" : " ") all[i]
	return s
}
'

status=0
files=$(cd "$src" && find . -name '*.[ch]' | sed 's|^\./||' | LC_ALL=C sort)
if [ -z "$files" ]; then
	echo "check-layers: error: no C files under '$src'" >&2
	exit 2
fi
out=$(cd "$src" && awk "$rank_awk"'
FNR == 1 { from = layer(FILENAME) }
/^[ \t]*#[ \t]*include[ \t]*"/ {
	inc = $0
	sub(/^[^"]*"/, "", inc)
	sub(/".*/, "", inc)
	if (inc !~ /\//) {
		# A generated header (build/gen) has no layer; a source one must
		# be named with it.
		if ((getline junk < (dir(FILENAME) inc)) > 0)
			printf "%s/%s:%d: #include \"%s\": name it with its " \
			    "layer (\"%s/%s\")\n", src, FILENAME, FNR, inc,
			    from, inc
		close(dir(FILENAME) inc)
		next
	}
	to = layer(inc)
	if (rank(from) < 0)
		printf "%s/%s:%d: %s/ is not a layer (util core git net plan " \
		    "apply cli)\n", src, FILENAME, FNR, from
	else if (!allowed(from, to))
		printf "%s/%s:%d: %s includes %s: %s may include only %s\n",
		    src, FILENAME, FNR, from, inc, from, below(from)
	else if (inc == "git/git_int.h" && from != "git")
		printf "%s/%s:%d: git/git_int.h is internal to git/\n",
		    src, FILENAME, FNR
}
/^[ \t]*#[ \t]*include[ \t]*<git2(\.h|\/)/ && from != "git" {
	printf "%s/%s:%d: <git2.h> outside git/: libgit2 is reached only " \
	    "through git/git.h\n", src, FILENAME, FNR
}
/^[ \t]*#[ \t]*include[ \t]*<curl\// && FILENAME != "net/http.c" {
	printf "%s/%s:%d: <curl/curl.h> outside net/http.c: libcurl is " \
	    "reached only through net/http.h\n", src, FILENAME, FNR
}
' src="$src" $files)
if [ -n "$out" ]; then
	printf '%s\n' "$out"
	status=1
fi

if [ -n "$obj" ]; then
	if [ ! -d "$obj" ]; then
		echo "check-layers: error: no object folder '$obj' (build first)" >&2
		exit 2
	fi
	if ! command -v nm >/dev/null 2>&1; then
		echo "check-layers: error: nm not found (binutils)" >&2
		exit 2
	fi
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	(cd "$obj" && find . -name '*.o' | sed 's|^\./||' | LC_ALL=C sort) \
	    >"$tmp/objs"
	# Objects of files that no longer exist are not the source's.
	while read -r o; do
		[ -f "$src/${o%.o}.c" ] && printf '%s\n' "$o"
	done <"$tmp/objs" >"$tmp/live"
	# One nm for all, POSIX form: "FILE.o: NAME TYPE [VALUE SIZE]".
	(cd "$obj" && xargs nm -A -g -P <"$tmp/live") 2>/dev/null | awk '
	{ f = $1; sub(/:$/, "", f) }
	$3 == "U" { print $2, f >uses; next }
	$3 ~ /^[TDBRVWG]$/ { print $2, f >defs }
	' uses="$tmp/uses" defs="$tmp/defs"
	[ -f "$tmp/uses" ] || : >"$tmp/uses"
	[ -f "$tmp/defs" ] || : >"$tmp/defs"
	LC_ALL=C sort -o "$tmp/defs" "$tmp/defs"
	LC_ALL=C sort -o "$tmp/uses" "$tmp/uses"
	LC_ALL=C join "$tmp/uses" "$tmp/defs" |
	    awk '$2 != $3 { print $2, $3, $1 }' | LC_ALL=C sort -u >"$tmp/edges"
	out=$(awk "$rank_awk"'
	{
		a = $1; b = $2; sub(/\.o$/, ".c", a); sub(/\.o$/, ".c", b)
		if (!allowed(layer(a), layer(b)))
			printf "%s/%s: calls %s in %s/%s: %s may call only %s\n",
			    src, a, $3, src, b, layer(a), below(layer(a))
		if (!((a, b) in edge)) {
			edge[a, b] = $3
			if (!(a in node)) { node[a] = 1; names[++n] = a }
			if (!(b in node)) { node[b] = 1; names[++n] = b }
		}
	}
	END {
		for (i = 1; i <= n; i++)
			for (j = 1; j <= n; j++)
				reach[i, j] = ((names[i], names[j]) in edge)
		for (k = 1; k <= n; k++)
			for (i = 1; i <= n; i++)
				if (reach[i, k])
					for (j = 1; j <= n; j++)
						if (reach[k, j])
							reach[i, j] = 1
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++) {
				if (!reach[i, j] || !reach[j, i])
					continue
				how = " (round a circle)"
				if ((names[i], names[j]) in edge &&
				    (names[j], names[i]) in edge)
					how = ": " edge[names[i], names[j]] \
					    " one way, " edge[names[j], names[i]] \
					    " back"
				printf "%s/%s and %s/%s call each other%s\n",
				    src, names[i], src, names[j], how
			}
	}' src="$src" "$tmp/edges")
	if [ -n "$out" ]; then
		printf '%s\n' "$out"
		status=1
	fi
fi
if [ "$status" -eq 0 ]; then
	n=$(printf '%s\n' "$files" | wc -l)
	echo "check-layers: ok ($n files${obj:+, calls from $obj})"
fi
exit "$status"
