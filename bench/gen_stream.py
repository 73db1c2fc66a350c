#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a synthetic ovmlayer-rootfs
repository (doc/config.md#the-default-configuration) on stdout.  Deterministic: fixed authors,
fixed dates, no randomness, so the same parameters give the same object ids.

Usage: gen_stream.py TAGS COMMITS FILES

History (all on refs/heads/main, then moved by gen-repo.sh):
  initial commit      the seed layout plus FILES files in nested directories
  BASE_COMMITS more   each edits a source file; one carries the skip token
                      (outside every benchmarked range, on purpose)
  refs/bench/base     = B, the last base commit
  COMMITS commits     the pushed range; the first COMMITS-1 edit source files
  refs/bench/quiet    = B + COMMITS commits, the last one edits a source file
  refs/bench/release  = B + COMMITS-1 shared commits + one that moves the
                        FROM tag to v0.7.0 and adds a line to requirements.txt

Tags (TAGS of them, on base commits; every third annotated): ten fixed ones
(the highest release executor version is 0.10.0, which sorts below 0.9.10
lexically; a pre-release, leading-zero and two-part versions above it; an
unrelated tag), then a bulk of executor-layer@ / cloud-executor-layer@ pairs
(0.M.P, M < 10, so lexical order is not version order), server-base@ tags,
and unrelated or malformed ones.
"""
import sys

NAME = "Bench Author"
EMAIL = "bench@example.com"
T0 = 1700000000
BASE_COMMITS = 40
SKIP_TOKEN = "[skip executor-layer-tag]"
MAX_VERSION = "0.10.0"

out = sys.stdout.buffer
clock = [T0]


def w(s):
	out.write(s.encode() if isinstance(s, str) else s)


def data(b):
	if isinstance(b, str):
		b = b.encode()
	w(b"data %d\n" % len(b))
	w(b)
	w(b"\n")


def tick():
	clock[0] += 60
	return "%s <%s> %d +0000" % (NAME, EMAIL, clock[0])


def file_path(i):
	# 100 files per leaf directory, three levels: src/dAA/dBB/fNNNNNN.txt
	return "src/d%02d/d%02d/f%06d.txt" % (i // 10000, (i // 100) % 100, i)


def file_body(i, rev):
	return "file %d revision %d\n" % (i, rev)


DOCKERFILE = ("# syntax=docker/dockerfile:1\n"
	"FROM ghcr.io/oomol/server-base:%s AS builder\n"
	"RUN apt-get update && apt-get install -y --no-install-recommends curl\n"
	"COPY package.json requirements.txt /opt/executor/\n")
PACKAGE_JSON = ('{\n  "name": "executor",\n  "version": "%s",\n'
	'  "private": true,\n  "dependencies": {\n'
	'    "left-pad": "1.3.0"\n  }\n}\n' % MAX_VERSION)
REQUIREMENTS = "requests==2.31.0\nPyYAML==6.0.1\n"
WF_SB = "name: tag server-base\non:\n  push:\n    branches: [main]\n"
WF_EX = "name: tag executor-layer\non:\n  push:\n    branches: [main]\n"


def commit(ref, mark, frm, msg, changes):
	w("commit %s\nmark :%d\n" % (ref, mark))
	ident = tick()
	w("author %s\ncommitter %s\n" % (ident, ident))
	data(msg)
	if frm:
		w("from :%d\n" % frm)
	for path, body in changes:
		w("M 100644 inline %s\n" % path)
		data(body)
	w("\n")


def tag_names(n):
	"""The n tag names, fixed ones first."""
	fixed = [
		"server-base@0.6.0",
		"executor-layer@0.9.10",
		"cloud-executor-layer@0.9.10",
		"executor-layer@" + MAX_VERSION,
		"cloud-executor-layer@" + MAX_VERSION,
		"executor-layer@0.10.1-rc.1",   # pre-release: ignored
		"executor-layer@01.20.0",       # leading zero: not SemVer
		"cloud-executor-layer@1.2",     # two parts: not SemVer
		"v2.0.0",                       # unrelated
		"executor-layer@0.9.9",
	]
	names = fixed[:n]
	j = 0
	while len(names) < n:
		g, r = divmod(j, 10)
		if r < 4:
			k = g * 4 + r
			names.append("executor-layer@0.%d.%d" % (k % 10, k // 10))
		elif r < 8:
			k = g * 4 + r - 4
			names.append("cloud-executor-layer@0.%d.%d" % (k % 10, k // 10))
		elif r == 8:
			# minor <= 5: never 0.6.0 (fixed) nor 0.7.0 (the release push)
			names.append("server-base@0.%d.%d" % (g % 6, g // 6 + 1))
		else:
			kind = g % 6
			if kind == 0:
				names.append("release-%d" % g)
			elif kind == 1:
				names.append("executor-layer@1.%d" % g)
			elif kind == 2:
				names.append("executor-layer@9.9.%d-rc.1" % g)
			elif kind == 3:
				names.append("cloud-executor-layer@0%d.0.0" % (g + 1))
			elif kind == 4:
				names.append("executor-layerx@5.0.%d" % g)
			else:
				names.append("v%d.%d.%d" % (g % 7, g % 11, g))
		j += 1
	return names


def main():
	ntags, ncommits, nfiles = (int(a) for a in sys.argv[1:4])
	if ncommits < 1 or nfiles < 10:
		sys.exit("gen_stream.py: need COMMITS >= 1 and FILES >= 10")
	mark = 0
	# the initial commit: seed layout + files
	changes = [
		("dockerfiles/server-base.dockerfile", DOCKERFILE % "v0.6.0"),
		("package.json", PACKAGE_JSON),
		("requirements.txt", REQUIREMENTS),
		(".github/workflows/tag-server-base.yml", WF_SB),
		(".github/workflows/tag-executor-layer.yml", WF_EX),
		("README.md", "# executor layer\n"),
	]
	changes += [(file_path(i), file_body(i, 0)) for i in range(nfiles)]
	mark += 1
	commit("refs/heads/main", mark, 0, "initial layout\n", changes)
	base_marks = [mark]
	for b in range(BASE_COMMITS):
		mark += 1
		i = (b * 7919 + 13) % nfiles
		msg = "chore: base change %d\n" % b
		if b == BASE_COMMITS // 2:
			msg = "docs: typo\n\n%s\n" % SKIP_TOKEN
		commit("refs/heads/main", mark, mark - 1, msg,
			[(file_path(i), file_body(i, b + 1))])
		base_marks.append(mark)
	base = mark
	w("reset refs/bench/base\nfrom :%d\n\n" % base)

	# the range: COMMITS-1 shared commits, then the two different heads
	prev = base
	for r in range(ncommits - 1):
		mark += 1
		i = (r * 104729 + 7) % nfiles
		commit("refs/heads/main", mark, prev,
			"feat: change %d\n\nTouches %s.\n" % (r, file_path(i)),
			[(file_path(i), file_body(i, 1000 + r))])
		prev = mark
	shared = prev
	mark += 1
	i = (ncommits * 104729 + 7) % nfiles
	commit("refs/bench/quiet", mark, shared, "fix: quiet change\n",
		[(file_path(i), file_body(i, 999999))])
	mark += 1
	commit("refs/bench/release", mark, shared,
		"feat: server-base 0.7.0, numpy\n",
		[("dockerfiles/server-base.dockerfile", DOCKERFILE % "v0.7.0"),
		 ("requirements.txt", REQUIREMENTS + "numpy==2.1.0\n")])

	names = tag_names(ntags)
	for j, name in enumerate(names):
		target = base_marks[(j * 7919) % len(base_marks)]
		if j % 3 == 0:
			w("tag %s\nfrom :%d\ntagger %s\n" % (name, target, tick()))
			data("release %s\n" % name)
		else:
			w("reset refs/tags/%s\nfrom :%d\n\n" % (name, target))
	w("done\n")


main()
