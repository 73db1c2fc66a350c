#!/usr/bin/env python3
"""The benchmark driver (bench/run.sh runs it): times ovm-release against
bench/reference.sh in alternating pairs on the repositories gen-repo.sh
makes, checks that both give the same answer, and writes bench/RESULTS.md.

Each side runs under /usr/bin/time -f %M: wall time from perf_counter
around it, peak RSS from time's wait4 rusage (ru_maxrss: for the
reference, the largest among bash and every process it waited for).
A pair whose answers differ is void: it is reported, not counted.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "reference.sh")
GEN = os.path.join(HERE, "gen-repo.sh")
TRACKS = ("server-base", "executor-layer")

# name, packed tags, loose tags, commits in the range, files, pairs
FULL = [
	("S", 10, 0, 10, 1000, 15),
	("100k packed tags", 100000, 0, 10, 1000, 9),
	("20k loose tags", 0, 20000, 10, 1000, 9),
	("50k commits", 10, 0, 50000, 1000, 9),
	("200k files", 10, 0, 10, 200000, 9),
	("all at once", 100000, 20000, 50000, 200000, 7),
]
QUICK = [
	("S", 10, 0, 10, 1000, 5),
	("10k packed tags", 10000, 0, 10, 1000, 3),
	("2k loose tags", 0, 2000, 10, 1000, 3),
	("5k commits", 10, 0, 5000, 1000, 3),
	("20k files", 10, 0, 10, 20000, 3),
	("all at once (1/10)", 10000, 2000, 5000, 20000, 3),
]
PHASES = ("plan-quiet", "plan-release", "hook", "run-quiet", "run-release")
PHASE_TEXT = {
	"plan-quiet": "`plan`, quiet push",
	"plan-release": "`plan`, release push",
	"hook": "`hook post-commit`, irrelevant commit",
	"run-quiet": "`run --no-push`, quiet push",
	"run-release": "`run --no-push`, release push",
}


def git(repo, *args, check=True, env=None):
	r = subprocess.run(["git", "-C", repo] + list(args), env=env,
		stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
	if check and r.returncode != 0:
		raise RuntimeError("git %s: %s" % (" ".join(args), r.stderr.strip()))
	return r.stdout


class Side:
	"""Runs one timed child.

	The child starts under /usr/bin/time -f %M: a process forked from this
	Python process would count Python's resident pages in its ru_maxrss
	(Linux records the pre-exec high-water mark), time's are ~2 MB and the
	same for both sides.  The wall time includes time's exec, also the same
	for both sides."""

	def __init__(self, env, tmp):
		self.env = env
		self.out = os.path.join(tmp, "out")
		self.err = os.path.join(tmp, "err")
		self.rss = os.path.join(tmp, "rss")

	def run(self, argv, cwd, timeout):
		"""Returns (wall s, peak RSS KB, CPU s, rc, stdout, stderr); rc is
		None when the child ran out of time (it is then killed, with its
		process group).  CPU = user + system time of the child and its
		descendants (wait4), /usr/bin/time's own share included."""
		if os.path.exists(self.rss):
			os.unlink(self.rss)
		killed = []

		def kill(pid):
			killed.append(pid)
			try:
				os.killpg(pid, signal.SIGKILL)
			except ProcessLookupError:
				pass

		with open(self.out, "wb") as o, open(self.err, "wb") as e:
			t0 = time.perf_counter()
			p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", self.rss] + argv,
				cwd=cwd, env=self.env, stdin=subprocess.DEVNULL,
				stdout=o, stderr=e, close_fds=True, start_new_session=True)
			timer = threading.Timer(timeout, kill, (p.pid,))
			timer.start()
			_, status, ru = os.wait4(p.pid, 0)
			t1 = time.perf_counter()
			timer.cancel()
		p.returncode = rc = os.waitstatus_to_exitcode(status)
		if killed:
			rc = None
		with open(self.out, encoding="utf-8", errors="replace") as f:
			out = f.read()
		with open(self.err, encoding="utf-8", errors="replace") as f:
			err = f.read()
		rss = 0
		if rc is not None:
			with open(self.rss) as f:
				rss = int(f.read().split()[-1])
		return t1 - t0, rss, ru.ru_utime + ru.ru_stime, rc, out, err


def ovm_plan_answer(rc, out, err):
	"""{track: (decision, version or '-')} from ovm-release's --json."""
	if rc != 0:
		return "exit %d: %s" % (rc, err.strip()[-300:])
	try:
		doc = json.loads(out)
	except ValueError as e:
		return "bad JSON (%s): %s" % (e, out[:200])
	ans = {}
	for t in doc.get("tracks", []):
		d = t.get("decision")
		ans[t.get("name")] = (d, t.get("version") if d == "release" else "-")
	return ans


def ref_plan_answer(rc, out, err):
	if rc != 0:
		return "exit %d: %s" % (rc, err.strip()[-300:])
	ans = {}
	for line in out.splitlines():
		words = line.split()
		if len(words) != 3:
			return "unexpected line: %r" % line
		ans[words[0]] = (words[1], words[2])
	return ans


def hook_answer(rc, out, err):
	"""The tracks the hook announces; any other line is an error."""
	if rc != 0:
		return "exit %d" % rc
	names = []
	for line in (out + err).splitlines():
		words = line.split()
		if len(words) < 2 or words[0] != "ovm-release:" or words[1] not in TRACKS:
			return "unexpected line: %r" % line
		names.append(words[1])
	return sorted(names)


class Repo:
	def __init__(self, d, env):
		self.dir = d
		self.work = os.path.join(d, "work")
		self.remote = os.path.join(d, "remote.git")
		self.env = env
		with open(os.path.join(d, "ids")) as f:
			self.ids = dict(kv.split("=") for kv in f.read().split())

	def g(self, *args, check=True):
		return git(self.work, *args, check=check, env=self.env)

	def state_for(self, phase):
		"""Puts the repository in the state a phase starts from (untimed)."""
		base, quiet, release = (self.ids[k] for k in ("base", "quiet", "release"))
		head = release if phase == "run-release" else quiet
		# a run stopped at its time limit may have left its locks
		for name in ("ovm-release.lock", "index.lock", "HEAD.lock",
				"refs/heads/main.lock"):
			p = os.path.join(self.work, ".git", name)
			if os.path.exists(p):
				os.unlink(p)
		self.g("reset", "-q", "--hard", head)
		if phase == "hook":
			# HEAD's reflog says a commit was just made, as in post-commit
			self.g("update-ref", "-m", "bench", "HEAD", head + "~1")
			self.g("update-ref", "-m", "commit: fix: quiet change", "HEAD", head)
			self.g("update-ref", "refs/remotes/origin/main", base)
		else:
			# CI: the push happened, the checkout is at after
			self.g("update-ref", "refs/remotes/origin/main", head)
		git(self.remote, "update-ref", "refs/heads/main", head, env=self.env)

	def run_outcome(self, after):
		"""What a run left: HEAD's subject, package.json's version at HEAD,
		the tags on HEAD and on after (no other commit gets new tags)."""
		head = self.g("rev-parse", "HEAD").strip()
		subject = self.g("log", "-1", "--format=%s", head).strip()
		try:
			pkg = json.loads(self.g("show", head + ":package.json")).get("version")
		except ValueError:
			pkg = "unparsable"
		at_head = self.g("for-each-ref", "--format=%(refname:short)",
			"--points-at=" + head, "refs/tags").split()
		at_after = self.g("for-each-ref", "--format=%(refname:short)",
			"--points-at=" + after, "refs/tags").split() if head != after else []
		return {"head": "after" if head == after else "new commit",
			"subject": subject, "package.json": pkg,
			"tags on head": sorted(at_head), "tags on after": sorted(at_after)}

	def undo_run(self, phase, outcome):
		new = set(outcome["tags on head"]) | set(outcome["tags on after"])
		if new:
			stdin = "".join("delete refs/tags/%s\n" % t for t in sorted(new))
			subprocess.run(["git", "-C", self.work, "update-ref", "--stdin"],
				input=stdin, text=True, env=self.env, check=True)
		self.state_for(phase)


def measure(repo, phase, pairs, bin_path, side, log, limits):
	"""Pairs of (ovm-release, reference) runs.  Stops early when a run
	takes longer than limits.timeout (the cell reports the time-out) or
	when the cell has used limits.budget seconds and has a counted pair."""
	ids = repo.ids
	after = ids["release"] if phase.endswith("release") else ids["quiet"]
	ev = ["--event", "push", "--before", ids["base"], "--after", after,
		"--branch", "main"]
	if phase.startswith("plan"):
		ovm = [bin_path, "plan", "--json"] + ev
		ref = ["bash", REFERENCE, "plan", ids["base"], after, "main"]
	elif phase == "hook":
		ovm = [bin_path, "hook", "post-commit"]
		ref = ["bash", REFERENCE, "hook"]
	else:
		ovm = [bin_path, "run", "--json", "--no-push"] + ev
		ref = ["bash", REFERENCE, "run", ids["base"], after, "main"]

	def one(which):
		argv = ovm if which == "ovm" else ref
		t, rss, cpu, rc, out, err = side.run(argv, repo.work, limits.timeout)
		if rc is None:
			ans = "timeout"
		elif phase == "hook":
			ans = hook_answer(rc, out, err)
		else:
			ans = (ovm_plan_answer if which == "ovm" else ref_plan_answer)(rc, out, err)
		outcome = None
		if phase.startswith("run"):
			outcome = repo.run_outcome(after)
			repo.undo_run(phase, outcome)
		return t, rss, ans, outcome, cpu

	repo.state_for(phase)
	res = {"ratios": [], "ovm_t": [], "ref_t": [], "ovm_rss": [], "ref_rss": [],
		"cpu_ratios": [], "void": [], "pairs": pairs, "timeout": None}
	start = time.time()
	for i in range(pairs + 1):	# pair 0 is a warm-up
		a = one("ovm")
		if a[2] == "timeout":
			res["timeout"] = "ovm-release"
			log("    pair %d: ovm-release ran out of time (%d s)" % (i, limits.timeout))
			b = one("ref")	# for a lower bound of the ratio
			if b[2] != "timeout":
				res["timeout_ref_t"] = b[0]
				res["timeout_ref_rss"] = b[1]
			break
		b = one("ref")
		if b[2] == "timeout":
			res["timeout"] = "reference"
			log("    pair %d: the reference ran out of time (%d s)" % (i, limits.timeout))
			break
		bad = None
		if not isinstance(a[2], (dict, list)):
			bad = "ovm-release: %s" % a[2]
		elif not isinstance(b[2], (dict, list)):
			bad = "reference: %s" % b[2]
		elif a[2] != b[2]:
			bad = "answers differ: ovm-release %s, reference %s" % (a[2], b[2])
		elif a[3] != b[3]:
			bad = "results differ: ovm-release %s, reference %s" % (a[3], b[3])
		if bad:
			res["void"].append(bad)
			log("    pair %d VOID: %s" % (i, bad))
		elif i == 0:
			res["answer"] = a[2]
			res["outcome"] = a[3]
			res["warm"] = (a[0], b[0])
		else:
			res["ratios"].append(a[0] / b[0])
			res["cpu_ratios"].append(a[4] / b[4] if b[4] > 0 else float("nan"))
			res["ovm_t"].append(a[0])
			res["ref_t"].append(b[0])
			res["ovm_rss"].append(a[1])
			res["ref_rss"].append(b[1])
		if time.time() - start > limits.budget and res["ratios"]:
			break
	return res


def machine(bin_path, env):
	def cmd(argv):
		try:
			return subprocess.run(argv, env=env, stdout=subprocess.PIPE,
				stderr=subprocess.STDOUT, text=True).stdout.strip()
		except OSError as e:
			return str(e)
	cpu = "?"
	with open("/proc/cpuinfo") as f:
		for line in f:
			if line.startswith("model name"):
				cpu = line.split(":", 1)[1].strip()
				break
	mem = "?"
	with open("/proc/meminfo") as f:
		for line in f:
			if line.startswith("MemTotal"):
				mem = "%.1f GiB" % (int(line.split()[1]) / 1048576)
	return [
		("nproc", str(os.cpu_count())),
		("CPU", cpu),
		("memory", mem),
		("kernel", platform.release()),
		("ovm-release --version", cmd([bin_path, "--version"]).replace("\n", "; ")),
		("git --version", cmd(["git", "--version"])),
		("python3 (reference)", cmd(["python3", "--version"]) + " (" +
			(shutil.which("python3", path=env["PATH"]) or "?") + ")"),
		("bash", cmd(["bash", "--version"]).splitlines()[0]),
	]


def fmt_ms(xs):
	return "%.1f" % (statistics.median(xs) * 1000) if xs else "–"


def fmt_mb(xs):
	return "%.1f" % (statistics.median(xs) / 1024) if xs else "–"


def summary(r):
	"""(value, text): the median ratio, or when ovm-release ran out of time
	before any counted pair, a lower bound (timeout / reference time)."""
	if r["ratios"]:
		m = statistics.median(r["ratios"])
		if r["timeout"]:
			return m, "%.2f, then a time-out" % m
		return m, "%.2f" % m
	if r["timeout"] == "ovm-release" and r.get("timeout_ref_t"):
		lb = r["limit"] / r["timeout_ref_t"]
		return lb, "> %.0f (time-out)" % lb
	if r["timeout"]:
		return None, "time-out (%s)" % r["timeout"]
	return None, "–"


def rss_ratio(r):
	if not r["ovm_rss"]:
		return None
	return max(r["ovm_rss"]) / max(r["ref_rss"])


TARGETS = [
	# (text, size index, "each" or "flat", phase, limit, kind)
	("quiet push (`plan`), any size: ratio ≤ 0.5", "each", "plan-quiet", 0.5, "time"),
	("quiet push (`plan`) flat: largest-size ratio ≤ 1.15 × S ratio", "flat", "plan-quiet", 1.15, "flat"),
	("quiet push (`run --no-push`, the CI step), any size: ratio ≤ 0.5", "each", "run-quiet", 0.5, "time"),
	("quiet push (`run --no-push`) flat: largest-size ratio ≤ 1.15 × S ratio", "flat", "run-quiet", 1.15, "flat"),
	("release push (`plan`), S: ratio ≤ 0.4", 0, "plan-release", 0.4, "time"),
	("100k packed tags (`plan`, release push): ratio ≤ 0.25", 1, "plan-release", 0.25, "time"),
	("20k loose tags (`plan`, release push): ratio ≤ 0.3", 2, "plan-release", 0.3, "time"),
	("200k files (`plan`, release push): ratio ≤ 0.3", 4, "plan-release", 0.3, "time"),
	("50k commits (`plan`, release push): ratio ≤ 0.8", 3, "plan-release", 0.8, "time"),
	("hook on an irrelevant commit, any size: ratio ≤ 1.3", "each", "hook", 1.3, "time"),
	("peak RSS, everything at once (`plan`, release push): ratio ≤ 0.6", 5, "plan-release", 0.6, "rss"),
	("peak RSS, everything at once (`run --no-push`, release push): ratio ≤ 0.6", 5, "run-release", 0.6, "rss"),
]


def evaluate(scen, results):
	rows = []
	for text, where, phase, limit, kind in TARGETS:
		if where == "each":
			vals = [(s[0],) + summary(results[(s[0], phase)]) for s in scen]
			got = "; ".join("%s %s" % (n, t) for n, v, t in vals)
			if any(v is None for n, v, t in vals):
				rows.append((text, got, "not measured"))
				continue
			worst = max(vals, key=lambda x: x[1])
			rows.append((text, got, "met" if worst[1] <= limit else
				"NOT met (%s: %s)" % (worst[0], worst[2])))
		elif where == "flat":
			(sv, st), (bv, bt) = summary(results[(scen[0][0], phase)]), \
				summary(results[(scen[-1][0], phase)])
			if sv is None or bv is None:
				rows.append((text, "–", "not measured"))
				continue
			rows.append((text, "%s %s / S %s = %s%.2f" % (scen[-1][0], bt, st,
				">" if results[(scen[-1][0], phase)]["timeout"] else "", bv / sv),
				"met" if bv <= limit * sv else "NOT met"))
		else:
			name = scen[where][0]
			r = results[(name, phase)]
			if kind == "time":
				v, t = summary(r)
			else:
				v = rss_ratio(r)
				t = "%.2f" % v if v is not None else "–"
				if v is None and r["timeout"]:
					t = "time-out: no peak RSS"
			if v is None:
				rows.append((text + " — " + name, t, "not measured"))
				continue
			rows.append((text + " — " + name, t, "met" if v <= limit else "NOT met"))
	q = [results[(scen[0][0], "plan-quiet")], results[(scen[-1][0], "plan-quiet")]]
	if q[0]["ovm_t"] and q[1]["ovm_t"]:
		a, b = statistics.median(q[0]["ovm_t"]), statistics.median(q[1]["ovm_t"])
		rows.append(("(information) ovm-release's own time, `plan` quiet push, "
			"%s / S" % scen[-1][0], "%.0f ms / %.0f ms = %.1f×" % (b * 1000, a * 1000, b / a),
			"–"))
	return rows


def write_results(path, args, limits, scen, results, mach, elapsed, bin_path, profiles):
	L = []
	L.append("# ovm-release benchmark results")
	L.append("")
	L.append("Written by `make bench%s` (bench/run.sh) on %s, in %d s "
		"(generating the repositories not counted when they were cached). "
		% (" BENCHFLAGS=--quick" if args.quick else "",
		time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), elapsed) +
		"Ratio = ovm-release's wall time / the reference's (bench/reference.sh) "
		"for one pair; each pair runs ovm-release, then the reference "
		"(A B A B …). The table gives the median of the per-pair ratios and "
		"their min–max, the median per-pair ratio of CPU time (user + system, "
		"children included: less sensitive than wall time to other load on "
		"the machine), the median wall time of each side, and the peak RSS "
		"(ru_maxrss, the largest over the pairs; for the reference, the "
		"largest among bash and every process it ran). A first warm-up pair "
		"is not counted. A pair whose answers differ (decision and version "
		"per track; for `run`, also what it left: the bump commit's subject, "
		"package.json's version and the tags on HEAD and on after) is void "
		"and listed under Answers. A run longer than %d s is stopped: the "
		"cell then shows a lower bound of the ratio (%d s / the reference's "
		"time). A cell stops adding pairs once it has used %d s."
		% (limits.timeout, limits.timeout, limits.budget))
	L.append("")
	L.append("## Machine")
	L.append("")
	L.append("| | |")
	L.append("| --- | --- |")
	for k, v in mach:
		L.append("| %s | %s |" % (k, v.replace("|", "\\|")))
	L.append("")
	L.append("Binary: `%s`, built by `make -s` (`-O2 -g`, no sanitizers). "
		"Both sides run under `/usr/bin/time -f %%M` with `PATH=%s` (Debian's "
		"python3, not a pyenv shim), `LC_ALL=C`, `GIT_CONFIG_NOSYSTEM=1`, a "
		"scratch `HOME` holding only a user identity, no `GITHUB_*` "
		"variables. The machine is shared: the load average is given above; "
		"the per-pair ratio, not the absolute time, is what to compare."
		% (os.path.relpath(bin_path, os.path.dirname(HERE)), args.path))
	L.append("")
	L.append("## Results")
	L.append("")
	L.append("| size | command | ratio (median) | min–max | CPU ratio | ovm-release ms | reference ms | ovm-release RSS MB | reference RSS MB | RSS ratio | pairs (void) |")
	L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for s in scen:
		for ph in PHASES:
			r = results[(s[0], ph)]
			if r.get("skipped"):
				continue
			v, t = summary(r)
			mm = ("%.2f–%.2f" % (min(r["ratios"]), max(r["ratios"]))) if r["ratios"] else "–"
			rr = rss_ratio(r)
			ovm_ms = fmt_ms(r["ovm_t"])
			ref_ms = fmt_ms(r["ref_t"])
			if not r["ovm_t"] and r["timeout"] == "ovm-release":
				ovm_ms = "> %d000" % r["limit"]
				if r.get("timeout_ref_t"):
					ref_ms = "%.1f" % (r["timeout_ref_t"] * 1000)
			cpu = "%.2f" % statistics.median(r["cpu_ratios"]) if r["cpu_ratios"] else "–"
			L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d (%d) |" % (
				s[0], PHASE_TEXT[ph], t, mm, cpu, ovm_ms, ref_ms,
				"%.1f" % (max(r["ovm_rss"]) / 1024) if r["ovm_rss"] else "–",
				"%.1f" % (max(r["ref_rss"]) / 1024) if r["ref_rss"] else
				("%.1f" % (r["timeout_ref_rss"] / 1024) if r.get("timeout_ref_rss") else "–"),
				"%.2f" % rr if rr is not None else "–",
				len(r["ratios"]), len(r["void"])))
	L.append("")
	L.append("Sizes (packed + loose tags, commits in the pushed range, files): " +
		"; ".join("%s = %d + %d, %d, %d" % (s[0], s[1], s[2], s[3], s[4]) for s in scen) + ".")
	L.append("")
	L.append("## Targets")
	L.append("")
	if len(scen) == 6 and not any(r.get("skipped") for r in results.values()):
		L.append("| target | measured | verdict |")
		L.append("| --- | --- | --- |")
		for text, got, verdict in evaluate(scen, results):
			L.append("| %s | %s | %s |" % (text, got, verdict))
	else:
		L.append("Not evaluated: only part of the sizes or commands ran.")
	L.append("")
	# What the figures do not say (why a target is missed, what would
	# reach it): bench/NOTES.md, kept by hand, carried into every run.
	notes = os.path.join(HERE, "NOTES.md")
	if os.path.exists(notes):
		with open(notes) as f:
			L.append(f.read().rstrip("\n"))
		L.append("")
	L.append("## Answers")
	L.append("")
	L.append("What both sides answered at size %s (the warm-up pair):" % scen[0][0])
	L.append("")
	for ph in PHASES:
		r = results[(scen[0][0], ph)]
		if r.get("skipped"):
			continue
		L.append("- %s: `%s`%s" % (PHASE_TEXT[ph], json.dumps(r.get("answer")),
			("; left `" + json.dumps(r["outcome"]) + "`") if r.get("outcome") else ""))
	voids = [(s[0], ph, v) for s in scen for ph in PHASES for v in results[(s[0], ph)]["void"]]
	L.append("")
	if voids:
		L.append("Void pairs (wrong or differing answers):")
		L.append("")
		for n, ph, v in voids:
			L.append("- %s, %s: %s" % (n, PHASE_TEXT[ph], v.replace("\n", " ")))
	else:
		L.append("No void pair: in every pair that finished, ovm-release's answer "
			"equalled the reference's.")
	L.append("")
	if profiles:
		L.append("## Profiles")
		L.append("")
		L.append("`perf record -F 499 --call-graph dwarf` of one ovm-release run "
			"(stopped after %d s) in the cells furthest above their target "
			"(the issue's target, or 1 where it sets none); "
			"inclusive time per function of ovm-release (children included), "
			"top entries:" % limits.timeout)
		L.append("")
		for title, text in profiles:
			L.append("### " + title)
			L.append("")
			L.append("```")
			L.append(text.rstrip())
			L.append("```")
			L.append("")
	with open(path, "w") as f:
		f.write("\n".join(L))


def main():
	ap = argparse.ArgumentParser()
	ap.add_argument("--bin", required=True)
	ap.add_argument("--quick", action="store_true")
	ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
	ap.add_argument("--only", help="comma-separated size names to run")
	ap.add_argument("--phases", help="comma-separated phases to run")
	ap.add_argument("--pairs", type=int, help="override the number of pairs")
	ap.add_argument("--path", default="/usr/bin:/bin")
	ap.add_argument("--timeout", type=float,
		help="seconds one run may take (default 20, quick 5)")
	ap.add_argument("--profile", type=int, default=0, metavar="N",
		help="perf-record ovm-release in the N cells furthest above their target")
	ap.add_argument("--budget", type=float,
		help="seconds a cell may use once it has a pair (default 25, quick 3)")
	args = ap.parse_args()
	limits = argparse.Namespace(
		timeout=args.timeout or (5 if args.quick else 20),
		budget=args.budget or (3 if args.quick else 25))
	bin_path = os.path.abspath(args.bin)
	scen = QUICK if args.quick else FULL
	if args.only:
		want = args.only.split(",")
		scen = [s for s in scen if s[0] in want]
	phases = args.phases.split(",") if args.phases else PHASES

	tmp = tempfile.mkdtemp(prefix="ovm-bench.")
	home = os.path.join(tmp, "home")
	os.makedirs(home)
	with open(os.path.join(home, ".gitconfig"), "w") as f:
		f.write("[user]\n\tname = Bench Developer\n\temail = dev@example.com\n")
	env = {"PATH": args.path, "HOME": home, "LC_ALL": "C", "TZ": "UTC",
		"GIT_CONFIG_NOSYSTEM": "1", "TMPDIR": tmp}
	side = Side(env, tmp)

	def log(msg):
		print(msg, file=sys.stderr, flush=True)

	load0 = loadavg()
	elapsed = 0.0
	results = {}
	repos = {}
	profiles = []
	try:
		for s in scen:
			name, packed, loose, commits, files, pairs = s
			if args.pairs:
				pairs = args.pairs
			d = subprocess.run(["sh", GEN, str(packed), str(loose), str(commits), str(files)],
				stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
			repo = Repo(d, env)
			repos[name] = repo
			for ph in PHASES:
				if ph not in phases:
					results[(name, ph)] = {"ratios": [], "ovm_t": [], "ref_t": [],
						"ovm_rss": [], "ref_rss": [], "cpu_ratios": [], "void": [],
						"timeout": None, "skipped": True}
					continue
				t0 = time.time()
				r = measure(repo, ph, pairs, bin_path, side, log, limits)
				r["limit"] = limits.timeout
				results[(name, ph)] = r
				elapsed += time.time() - t0
				log("%-20s %-13s ratio %-22s ovm %s ms  ref %s ms  rss %s/%s MB  (%d pairs, %d void, %.0f s)" % (
					name, ph, summary(r)[1],
					fmt_ms(r["ovm_t"]), fmt_ms(r["ref_t"]), fmt_mb(r["ovm_rss"]),
					fmt_mb(r["ref_rss"]), len(r["ratios"]), len(r["void"]), time.time() - t0))
			repo.state_for("plan-quiet")
		if args.profile:
			profiles = profile_worst(args.profile, scen, results, repos, bin_path,
				env, limits, tmp, log)
	finally:
		shutil.rmtree(tmp, ignore_errors=True)
	mach = machine(bin_path, env)
	mach.append(("load average (1 min) at start, end", "%s, %s" % (load0, loadavg())))
	write_results(args.out, args, limits, scen, results, mach, elapsed, bin_path, profiles)
	log("bench: wrote %s (%d s measuring)" % (args.out, elapsed))
	if len(scen) == 6 and set(phases) == set(PHASES):
		for text, got, verdict in evaluate(scen, results):
			log("  %-78s %s" % (text, verdict))


def loadavg():
	with open("/proc/loadavg") as f:
		return f.read().split()[0]


def cell_target(i, phase):
	"""The ratio a cell should not exceed: its target, or 1 where the
	issue sets none (ovm-release slower than the reference)."""
	if phase in ("plan-quiet", "run-quiet"):
		return 0.5
	if phase == "hook":
		return 1.3
	if phase == "plan-release":
		return (0.4, 0.25, 0.3, 0.8, 0.3, 1.0)[i] if i < 6 else 1.0
	return 1.0


def profile_worst(n, scen, results, repos, bin_path, env, limits, tmp, log):
	"""perf record of one ovm-release run in each of the n cells furthest
	above their target (cell_target); returns [(title, report text)]."""
	if not shutil.which("perf"):
		log("bench: no perf, no profiles")
		return []
	cells = []	# (ratio / its target, ratio, size, phase), furthest first
	for i, s in enumerate(scen):
		for ph in PHASES:
			v = summary(results[(s[0], ph)])[0]
			if v is not None:
				cells.append((v / cell_target(i, ph), v, s[0], ph))
	cells.sort(reverse=True)
	out = []
	for score, v, name, ph in cells[:n]:
		repo = repos[name]
		ids = repo.ids
		after = ids["release"] if ph.endswith("release") else ids["quiet"]
		ev = ["--event", "push", "--before", ids["base"], "--after", after,
			"--branch", "main"]
		argv = {"plan-quiet": ["plan", "--json"] + ev, "plan-release": ["plan", "--json"] + ev,
			"hook": ["hook", "post-commit"]}.get(ph, ["run", "--json", "--no-push"] + ev)
		data = os.path.join(tmp, "perf.data")
		repo.state_for(ph)
		log("bench: profiling %s, %s" % (name, ph))
		t0 = time.time()
		subprocess.run(["perf", "record", "-q", "-o", data, "-F", "499", "--call-graph",
			"dwarf,16384", "--", "timeout", "-s", "INT", str(int(limits.timeout)), bin_path]
			+ argv, cwd=repo.work, env=env, stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL)
		took = time.time() - t0
		if ph.startswith("run"):
			repo.undo_run(ph, repo.run_outcome(after))
		rep = subprocess.run(["perf", "report", "-i", data, "--comm", "ovm-release",
			"--children", "--stdio", "-g", "none", "--percent-limit", "3",
			"--sort", "dso,symbol"], env=env, stdout=subprocess.PIPE,
			stderr=subprocess.DEVNULL, text=True).stdout
		lines = [re.sub(r"(\s+-)+\s*$", "", l) for l in rep.splitlines()
			if l.strip() and not l.startswith("#") and "[unknown]" not in l
			and " 0x0000" not in l and "[k] " not in l]
		out.append(("%s, %s (ratio %.2f, %.1f× its target; recorded run %.1f s)"
			% (name, PHASE_TEXT[ph], v, score, took),
			"\n".join(lines[:25])))
		os.unlink(data)
	return out


if __name__ == "__main__":
	main()
