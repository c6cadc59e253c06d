"""Benchmark escape against itself and against the Go compiler.

    python benchmarks/run.py [--runs N] [--big-runs N] [--quick] [--json] [--no-go]

Prints, as tables of medians over several runs:

* whole-process wall time, CPU time and peak memory (the child's ru_maxrss, via wait4) of
  `escape check -l` on (a) a one-file program (inputs/onefile/main.go), (b) a 5,000-line
  package (a copy of compress/flate, inputs/flate/) and (c) a generated 50,000-line
  multi-package tree (gentree.py, written to a temporary directory), plus `python -c pass`
  and `escape --version` for the fixed startup costs;
* when go1.27.3 is on PATH, the same inputs through `go build -gcflags='-m -l'` after
  touching a file (standard-library dependencies cached by a warm-up build), and the ratio
  escape/go;
* the analyzer's own phases (load, parse, std import, resolve, lower, graph, solve, report),
  timed in a fresh child process per run (see `phase_worker`), in ms per 1,000 lines;
* the targets and whether each is met.

Every run works on temporary copies, never on the repository. Before each timed run one
file of each package gets a new trailing comment, so the compiler really recompiles every
package of the input (no build-cache hit) and both tools see the same bytes. escape runs
with its defaults (-j = number of CPUs; its result cache, in a private directory, which
the touches make miss), except for the "1 file touched" row, where the rest of the tree
is cached for both tools.

Python bytecode: escape runs with PYTHONPYCACHEPREFIX set to a private directory (warmed
once) and without PYTHONDONTWRITEBYTECODE, as an installed tool would run with compiled
bytecode. When the inherited environment would compile escape's modules on every start,
one extra row shows the one-file figure in that environment (--inherit-env uses it
throughout).

The figures are informational: the script exits 0 whatever they are (2 on usage errors).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INPUTS = HERE / "inputs"
sys.path.insert(0, str(HERE))

import gentree  # noqa: E402  (next to this file)

PHASES = ["load", "parse", "std import", "resolve", "lower", "graph", "solve", "report"]

TARGETS = {
    "onefile_s": 0.4,
    "onefile_ratio": 2.0,
    "flate_ratio": 1.0,
    "lines_per_s": 50_000,
    "linear_ratio": 2.2,
    "tree_mib": 300,
}


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    wall: float       # seconds
    cpu: float        # user + system seconds of the child and its waited-for descendants
    rss_kib: int      # peak memory, KiB: see run_child
    rc: int


_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def _mem_kib(pid: int) -> int:
    """Proportional set size (shared pages split among their users), else RSS, KiB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * _PAGE_KIB


def _tree_mem_kib(pid: int) -> int:
    """Current memory of pid and all its descendants (Linux /proc), KiB.

    PSS, so that the pages forked workers share with their parent count once.
    """
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            total += _mem_kib(p)
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


class TreeSampler(threading.Thread):
    """Polls the total memory of a process tree: several worker processes add up."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_mem_kib(self.pid))
            self.done.wait(self.interval)


def run_child(cmd: list[str], cwd: Path, env: dict[str, str] | None = None,
              check: bool = True) -> Sample:
    """Run cmd to completion: wall time from spawn to reap, CPU time from wait4.

    Peak memory is the larger of the child's ru_maxrss (the largest single process of the
    tree, from wait4) and the largest total PSS of the whole process tree seen by polling
    /proc every 10 ms (parallel workers, and the compiler's subprocesses, add up).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        sampler.done.set()
        sampler.join()
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
        if check and rc != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(cmd)} (in {cwd}) exited {rc}:\n{tail}")
    return Sample(wall, ru.ru_utime + ru.ru_stime, max(int(ru.ru_maxrss), sampler.peak), rc)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


_touches = [0]


def touch(files: list[Path]) -> None:
    """Append a comment never written before to each file: no result or build cache hits."""
    _touches[0] += 1
    for f in files:
        with f.open("a") as fh:
            fh.write(f"// benchmark touch {time.time_ns()} {_touches[0]}\n")


def count_lines(d: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in d.rglob("*.go"))


def escape_cmd() -> list[str]:
    script = Path(sys.executable).parent / "escape"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "escape"]


def escape_env(work: Path, inherit: bool) -> dict[str, str]:
    # a private result cache: starts empty, and the user's own cache is left alone
    env = dict(os.environ, ESCAPE_CACHE_DIR=str(work / "escape-cache"))
    if not inherit:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def inherited_env_compiles() -> bool:
    """Would escape, started in the inherited environment, compile its own modules?"""
    if os.environ.get("PYTHONPYCACHEPREFIX"):
        return False
    import escape
    cached = Path(escape.__file__).parent / "__pycache__"
    return bool(os.environ.get("PYTHONDONTWRITEBYTECODE")) and not cached.is_dir()


# --------------------------------------------------------------------------- inputs


@dataclass
class Input:
    key: str
    label: str
    dir: Path
    escape_args: list[str]
    go_args: list[str]
    go_module: bool
    touch_files: list[Path]
    lines: int = 0
    escape: list[Sample] = field(default_factory=list)
    go: list[Sample] = field(default_factory=list)
    go_error: str = ""


def first_file_per_package(d: Path) -> list[Path]:
    return [sorted(pkg.glob("*.go"))[0] for pkg in sorted({p.parent for p in d.rglob("*.go")})]


def prepare_inputs(work: Path, tree_lines: int) -> dict[str, Input]:
    one = work / "onefile"
    shutil.copytree(INPUTS / "onefile", one)
    fl = work / "flate"
    shutil.copytree(INPUTS / "flate", fl)
    tree = work / "tree"
    gentree.generate(tree, tree_lines)
    half = work / "tree-half"
    gentree.generate(half, tree_lines // 2)
    nowhere = ["-o", os.devnull]
    inputs = {
        "onefile": Input("onefile", "(a) one-file program", one, ["main.go"],
                         [*nowhere, "main.go"], False, [one / "main.go"]),
        "flate": Input("flate", "(b) compress/flate copy", fl, ["."], [*nowhere, "."], False,
                       [fl / "deflate.go"]),
        "tree": Input("tree", f"(c) generated tree ~{tree_lines // 1000}k", tree, ["./..."],
                      ["./..."], True, first_file_per_package(tree)),
        # the edit-and-rerun loop: one file of one package (imported by no other) changed
        "incr": Input("incr", "    same, 1 file touched", tree, ["./..."], ["./..."], True,
                      first_file_per_package(tree)[-1:]),
        "half": Input("half", f"    generated tree ~{tree_lines // 2000}k", half, ["./..."],
                      ["./..."], True, first_file_per_package(half)),
    }
    for inp in inputs.values():
        inp.lines = count_lines(inp.dir)
    inputs["incr"].lines = 0  # not a size: most of the tree is cached
    return inputs


# --------------------------------------------------------------------------- the compiler


def go_setup() -> tuple[str | None, dict[str, str], str]:
    """The go binary (None if missing or another version), its env, and a note."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gocompiler  # tools/gocompiler.py: the oracle's toolchain and environment
    finally:
        sys.path.remove(str(ROOT / "tools"))
    go = gocompiler.go_binary()
    env = gocompiler.go_env()
    if go is None:
        found = shutil.which("go")
        note = (f"go on PATH is not {gocompiler.GO_VERSION}: compiler comparison skipped"
                if found else "go not on PATH: compiler comparison skipped")
        return None, env, note
    return go, env, gocompiler.GO_VERSION


def go_command(go: str, inp: Input, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    cmd = [go, "build", "-gcflags=-m -l", *inp.go_args]
    if inp.go_module:
        # a module, so that -gcflags applies to every package matched by ./...;
        # no dependencies outside the standard library, so nothing is fetched
        env = dict(env, GO111MODULE="on", GOFLAGS="-mod=mod", GOPROXY="off", GOWORK="off")
    return cmd, env


def go_warm(go: str, inp: Input, env: dict[str, str]) -> str:
    """Build the input's standard-library dependencies into the cache; '' or an error."""
    cmd, env = go_command(go, inp, env)
    args = [a for a in inp.go_args if a not in ("-o", os.devnull)]
    listed = subprocess.run(
        [go, "list", "-deps", "-f", "{{if .Standard}}{{.ImportPath}}{{end}}", *args],
        cwd=inp.dir, env=env, capture_output=True, text=True)
    if listed.returncode != 0:
        return (listed.stderr.strip().splitlines() or ["go list failed"])[-1]
    std = [p for p in listed.stdout.split() if p]
    if std:
        built = subprocess.run([go, "build", *std], cwd=inp.dir, env=env, capture_output=True,
                               text=True)
        if built.returncode != 0:
            return (built.stderr.strip().splitlines() or ["go build failed"])[-1]
    return ""


# --------------------------------------------------------------------------- phases


class PhaseTimer:
    """Exclusive wall time per phase; a call nested in another phase pauses the outer one.

    Everything below a standard-library import (parsing and resolving the stub) is charged
    to "std import", whatever functions it calls.
    """

    def __init__(self) -> None:
        self.totals: dict[str, float] = dict.fromkeys(PHASES, 0.0)
        self.stack: list[str] = []
        self.t = time.perf_counter()

    def enter(self, phase: str) -> None:
        now = time.perf_counter()
        if self.stack:
            self.totals[self.stack[-1]] += now - self.t
            if self.stack[-1] == "std import":
                phase = "std import"
        self.t = now
        self.stack.append(phase)

    def exit(self) -> None:
        now = time.perf_counter()
        self.totals[self.stack.pop()] += now - self.t
        self.t = now


UNINSTRUMENTED: list[str] = []  # pipeline functions not found (renamed?): their time moves


@contextmanager
def instrumented(timer: PhaseTimer) -> Iterator[None]:
    """Wrap the pipeline's functions (in memory only) so that each charges its phase.

    A function that no longer exists is skipped and listed in UNINSTRUMENTED; its time
    is then charged to the phase that calls it.
    """
    from escape import analyze, importer, lower, resolve, solve

    targets: list[tuple[Any, str, str]] = [
        (analyze, "parse", "parse"),
        (analyze, "first_syntax_error", "parse"),
        (importer.StdImporter, "__call__", "std import"),
        (resolve.Resolver, "__init__", "resolve"),
        (resolve.Resolver, "collect", "resolve"),
        (lower.Lowerer, "__init__", "lower"),
        (lower.Lowerer, "lower_package", "lower"),
        (analyze, "bottom_up", "graph"),
        (analyze.PackageAnalysis, "devirtualize", "graph"),
        (analyze.PackageAnalysis, "analyze_batch", "graph"),
        (analyze.PackageAnalysis, "bounds_checks", "graph"),
        (solve.Solver, "walk_all", "solve"),
        (analyze.PackageAnalysis, "finish", "report"),
    ]
    saved: list[tuple[Any, str, Any]] = []

    def wrap(fn: Callable[..., Any], phase: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            timer.enter(phase)
            try:
                return fn(*args, **kwargs)
            finally:
                timer.exit()
        return timed

    for owner, name, phase in targets:
        found = name in owner.__dict__ if isinstance(owner, type) else hasattr(owner, name)
        if not found:
            UNINSTRUMENTED.append(f"{getattr(owner, '__name__', owner)}.{name}")
            continue
        orig = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        saved.append((owner, name, orig))
        setattr(owner, name, wrap(getattr(owner, name), phase))
    try:
        yield
    finally:
        for owner, name, orig in reversed(saved):
            setattr(owner, name, orig)


def analyze_paths(paths: list[str], timer: PhaseTimer) -> int:
    """What `escape check -l PATHS` does (cli.check, text output), with phase timing.

    Returns the number of decision lines. Time inside `analyze_files` not claimed by a more
    specific phase (turning messages into decisions) is charged to "report", as is
    formatting the lines.
    """
    from escape import driver
    from escape.analyze import analyze_files
    from escape.importer import StdImporter
    from escape.loader import load_packages

    # as escape.cli: one run per process, so the driver's heap settling is on
    settle = getattr(driver, "_settle_heap", None)
    driver.GC_FREEZE = True

    out = io.StringIO()
    timer.enter("load")
    pkgs, _errors = load_packages(paths)
    sources = [[(sf.path, sf.display, sf.path.read_bytes()) for sf in pkg.files]
               for pkg in pkgs]
    timer.exit()
    importer = StdImporter()
    n = 0
    with instrumented(timer):
        for i, files in enumerate(sources):
            timer.enter("report")
            if settle is not None:
                settle(True)
            res = analyze_files(files, importer=importer)
            for d in res.decisions:
                out.write(d.compiler_line() + "\n")
            n += len(res.decisions)
            del res
            if settle is not None and i + 1 < len(sources):
                settle(False)  # as driver._analyze_sources between packages
            timer.exit()
    return n


def phase_worker(paths: list[str]) -> None:
    """Child-process entry: time module import and the phases once; print JSON."""
    t0 = time.perf_counter()
    import escape.analyze  # noqa: F401
    import escape.cli  # noqa: F401
    import escape.importer  # noqa: F401
    import escape.loader  # noqa: F401
    t_import = time.perf_counter() - t0
    # as escape.cli.main: deep recursion runs on a thread with a big stack
    sys.setrecursionlimit(200_000)
    threading.stack_size(512 * 1024 * 1024)
    result: dict[str, Any] = {}

    def work() -> None:
        timer = PhaseTimer()
        c0 = time.process_time()
        result["decisions"] = analyze_paths(paths, timer)
        result["cpu"] = time.process_time() - c0
        result["phases"] = timer.totals

    th = threading.Thread(target=work)
    th.start()
    th.join()
    result["module import"] = t_import
    result["uninstrumented"] = sorted(set(UNINSTRUMENTED))
    print(json.dumps(result))


PHASE_ROWS = ["module import", *PHASES, "total", "total cpu"]


def run_phases_once(inp: Input, env: dict[str, str], per: dict[str, list[float]]) -> None:
    """One fresh child process timing the phases on `inp`; appends seconds to `per`."""
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--phase-worker",
                           *inp.escape_args], cwd=inp.dir, env=env, capture_output=True,
                          text=True, check=True)
    doc = json.loads(proc.stdout.strip().splitlines()[-1])
    for p in PHASES:
        per.setdefault(p, []).append(doc["phases"][p])
    per.setdefault("module import", []).append(doc["module import"])
    per.setdefault("total", []).append(sum(doc["phases"].values()))
    per.setdefault("total cpu", []).append(doc["cpu"])
    UNINSTRUMENTED.extend(x for x in doc.get("uninstrumented", []) if x not in UNINSTRUMENTED)


# --------------------------------------------------------------------------- report


def med_wall(samples: list[Sample]) -> float | None:
    return median([s.wall for s in samples]) if samples else None


def med_cpu(samples: list[Sample]) -> float | None:
    return median([s.cpu for s in samples]) if samples else None


def med_mib(samples: list[Sample]) -> float | None:
    return median([s.rss_kib / 1024 for s in samples]) if samples else None


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _row(label: str, key: str, lines: int | None, esc: list[Sample], go: list[Sample],
         go_error: str = "") -> dict[str, Any]:
    e, g = med_wall(esc), med_wall(go)
    return {"input": label, "key": key, "lines": lines, "escape_s": e, "escape_cpu_s":
            med_cpu(esc), "escape_mib": med_mib(esc), "go_s": g, "go_cpu_s": med_cpu(go),
            "go_mib": med_mib(go), "ratio": ratio(e, g), "go_error": go_error or None}


def build_report(args: argparse.Namespace, inputs: dict[str, Input],
                 extra: dict[str, list[Sample]], phases: dict[str, dict[str, float]],
                 go_note: str, load: tuple[float, float]) -> dict[str, Any]:
    whole = [_row("python -c pass", "python", None, extra["python"], []),
             _row("escape --version", "version", None, extra["version"], [])]
    for inp in inputs.values():
        if inp.escape:
            whole.append(_row(inp.label, inp.key, inp.lines or None, inp.escape, inp.go,
                              inp.go_error))
    if extra.get("inherited"):
        one = inputs["onefile"]
        whole.append(_row("    same, inherited env (*)", "onefile_inherited", one.lines,
                          extra["inherited"], one.go))
    by = {w["key"]: w for w in whole}
    tree, half = phases.get("tree"), phases.get("half")
    lines_per_s = inputs["tree"].lines / tree["total"] if tree and tree["total"] else None
    lines_per_cpu_s = inputs["tree"].lines / tree["total cpu"] if tree and tree["total cpu"] \
        else None
    linear = None
    if tree and half and half["total"]:
        # per line, scaled to an exact doubling: the two trees are only about 2:1
        linear = (tree["total"] / inputs["tree"].lines) / (half["total"] /
                                                           inputs["half"].lines) * 2
    targets = [
        _target("(a) one-file whole process", by["onefile"]["escape_s"], "<",
                TARGETS["onefile_s"], "s"),
        _target("(a) one-file ratio escape/go", by["onefile"]["ratio"], "<=",
                TARGETS["onefile_ratio"], "x"),
        _target("(b) flate ratio escape/go", by["flate"]["ratio"], "<", TARGETS["flate_ratio"],
                "x"),
        _target("(c) analysis throughput (in-process)", lines_per_s, ">=",
                TARGETS["lines_per_s"], "lines/s"),
        _target("linearity: time(2N)/time(N), in-process", linear, "<=",
                TARGETS["linear_ratio"], "x"),
        _target("(c) peak memory, 50k tree", by["tree"]["escape_mib"], "<",
                TARGETS["tree_mib"], "MiB"),
    ]
    wpl = ratio(by["tree"]["escape_s"], by["half"]["escape_s"]) if "half" in by else None
    return {
        "escape_version": _escape_version(),
        "go": go_note,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_start_end": load,
        "runs": args.runs,
        "big_runs": args.big_runs,
        "phase_runs_trees": args.phase_big_runs,
        "bytecode": "inherited environment" if args.inherit_env else "private pycache prefix",
        "whole_process": whole,
        "phases_s": phases,
        "lines": {k: v.lines for k, v in inputs.items()},
        "lines_per_s": lines_per_s,
        "lines_per_cpu_s": lines_per_cpu_s,
        "linearity": linear,
        "whole_process_linearity": wpl,
        "targets": targets,
        "uninstrumented": UNINSTRUMENTED,
    }


def _escape_version() -> str:
    from escape import GO_VERSION, __version__
    return f"{__version__} (models {GO_VERSION})"


def _target(name: str, value: float | None, op: str, limit: float, unit: str) -> dict[str, Any]:
    met: bool | None
    if value is None:
        met = None
    elif op == "<":
        met = value < limit
    elif op == "<=":
        met = value <= limit
    else:
        met = value >= limit
    return {"target": name, "value": value, "op": op, "limit": limit, "unit": unit, "met": met}


def _f(x: float | None, spec: str) -> str:
    return "-" if x is None or x != x else format(x, spec)


def print_table(rep: dict[str, Any], inputs: dict[str, Input]) -> None:
    w = sys.stdout.write
    la, lb = rep["loadavg_start_end"]
    w(f"escape {rep['escape_version']} | go {rep['go']} | Python {rep['python']} | "
      f"{rep['cpus']} CPUs | load avg {la:.1f} -> {lb:.1f}\n"
      f"medians of {rep['runs']} runs; trees: {rep['big_runs']} whole-process runs "
      f"(half tree {rep['phase_runs_trees']}), {rep['phase_runs_trees']} phase runs; "
      f"bytecode: {rep['bytecode']}\n\n")
    w("Whole process: wall s, CPU s (user+sys), peak MiB (max of largest RSS, total PSS "
      "of the process tree); go = go build -gcflags='-m -l' after a touch\n")
    hdr = (f"{'input':<28} {'lines':>6} {'escape s':>9} {'cpu s':>6} {'MiB':>6} "
           f"{'go s':>7} {'cpu s':>6} {'MiB':>6} {'esc/go':>7}\n")
    w(hdr)
    w("-" * (len(hdr) - 1) + "\n")
    for r in rep["whole_process"]:
        lines = "" if r["lines"] is None else str(r["lines"])
        rat = "-" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        go_s = "error" if r.get("go_error") else _f(r["go_s"], ".3f")
        w(f"{r['input']:<28} {lines:>6} {_f(r['escape_s'], '.3f'):>9} "
          f"{_f(r['escape_cpu_s'], '.2f'):>6} {_f(r['escape_mib'], '.1f'):>6} {go_s:>7} "
          f"{_f(r['go_cpu_s'], '.2f'):>6} {_f(r['go_mib'], '.1f'):>6} {rat:>7}\n")
    if rep["whole_process_linearity"] is not None:
        w(f"whole-process time, big tree / half tree: {rep['whole_process_linearity']:.2f}x\n")
    if any(r["key"] == "onefile_inherited" for r in rep["whole_process"]):
        w("(*) PYTHONDONTWRITEBYTECODE is set and escape/ has no __pycache__: every start "
          "compiles escape's modules\n")
    for r in rep["whole_process"]:
        if r.get("go_error"):
            w(f"go build failed for {r['input'].strip()}: {r['go_error']}\n")

    ph = rep["phases_s"]
    cols = [k for k in ("onefile", "flate", "half", "tree") if k in ph]
    names = {"onefile": "one-file", "flate": "flate", "half": "tree-half", "tree": "tree"}
    w("\nAnalysis phases, fresh process per run: one-file in ms, the others in ms per "
      "1,000 lines\n")
    hdr = f"{'phase':<14}" + "".join(f"{names[c]:>11}" for c in cols) + f"{'share':>8}\n"
    w(hdr)
    w("-" * (len(hdr) - 1) + "\n")
    big = "tree" if "tree" in ph else cols[-1]
    for p in PHASE_ROWS:
        cells = []
        for c in cols:
            v = ph[c][p] * 1000
            if c != "onefile":
                v = v / inputs[c].lines * 1000
            cells.append(f"{v:>11.1f}")
        share = "" if p in ("module import", "total", "total cpu") else \
            f"{ph[big][p] / ph[big]['total'] * 100:>7.1f}%"
        w(f"{p:<14}" + "".join(cells) + f"{share:>8}\n")
    w(f"{'lines/s':<14}" + "".join(f"{inputs[c].lines / ph[c]['total']:>11,.0f}"
                                    for c in cols) + "\n")
    w(f"{'lines/cpu s':<14}" + "".join(f"{inputs[c].lines / ph[c]['total cpu']:>11,.0f}"
                                        for c in cols) + "\n")
    w(f"{'lines':<14}" + "".join(f"{inputs[c].lines:>11}" for c in cols) + "\n")
    w(f"(total = load..report, after interpreter start and module import; total cpu = its "
      f"CPU time; share is of {names[big]})\n")

    if rep["uninstrumented"]:
        w(f"not found, so not timed separately: {', '.join(rep['uninstrumented'])}\n")
    w("\nTargets\n")
    for t in rep["targets"]:
        mark = {True: "met   ", False: "MISSED", None: "n/a   "}[t["met"]]
        if t["unit"] == "lines/s":
            val, lim = _f(t["value"], ",.0f"), f"{t['limit']:,}"
        else:
            val, lim = _f(t["value"], ".2f"), f"{t['limit']}"
        w(f"  [{mark}] {t['target']:<42} {val:>8} {t['unit']:<7} (target {t['op']} {lim})\n")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark escape (whole process, phases) against go build -gcflags=-m.")
    ap.add_argument("--runs", type=int, default=None,
                    help="runs per small input (default 5; 2 with --quick)")
    ap.add_argument("--big-runs", type=int, default=None,
                    help="whole-process runs of the big tree (default 3; 1 with --quick)")
    ap.add_argument("--phase-big-runs", type=int, default=None,
                    help="phase runs per generated tree (default 2; 1 with --quick)")
    ap.add_argument("--quick", action="store_true",
                    help="fewer runs, no whole-process run of the half-size tree (~1 min)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of tables")
    ap.add_argument("--no-go", action="store_true", help="skip the compiler comparison")
    ap.add_argument("--inherit-env", action="store_true",
                    help="run escape in the inherited environment (no private pycache)")
    ap.add_argument("--lines", type=int, default=50_000, help="size of the big tree")
    ap.add_argument("--keep", type=Path, default=None,
                    help="write the inputs under this directory and keep them")
    ap.add_argument("--phase-worker", nargs="+", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase_worker:
        phase_worker(args.phase_worker)
        return 0
    if args.runs is None:
        args.runs = 2 if args.quick else 5
    if args.big_runs is None:
        args.big_runs = 1 if args.quick else 3
    if args.phase_big_runs is None:
        args.phase_big_runs = 1 if args.quick else 2
    if min(args.runs, args.big_runs, args.phase_big_runs) < 1 or args.lines < 4000:
        ap.error("run counts must be >= 1 and --lines >= 4000")

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="escape-bench-", dir=args.keep))
    else:
        work = Path(tempfile.mkdtemp(prefix="escape-bench-"))
    try:
        return _run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _run(args: argparse.Namespace, work: Path) -> int:
    t_start = time.perf_counter()
    load0 = os.getloadavg()[0]
    _log(f"generating inputs in {work}")
    inputs = prepare_inputs(work, args.lines)
    esc = escape_cmd()
    env = escape_env(work, args.inherit_env)
    if args.no_go:
        go, go_env, go_note = None, {}, "skipped (--no-go)"
    else:
        go, go_env, go_note = go_setup()

    if go:  # the compiler's standard-library dependencies go into its cache first
        _log("warming the go build cache")
        for inp in inputs.values():
            if inp.key not in ("half", "incr"):
                inp.go_error = go_warm(go, inp, go_env)
    # write escape's bytecode into the private prefix, warm the page cache
    run_child(esc + ["check", "-l", *inputs["onefile"].escape_args], inputs["onefile"].dir,
              env)

    extra: dict[str, list[Sample]] = {"python": [], "version": [], "inherited": []}
    _log(f"whole-process runs of {' '.join(esc)}")
    for _ in range(args.runs):
        extra["python"].append(run_child([sys.executable, "-c", "pass"], work, env))
        extra["version"].append(run_child(esc + ["--version"], work, env))
    # round robin over the inputs, so that a change in machine load hits them alike
    # "incr" follows "tree", whose run has just filled both tools' caches
    count = {"onefile": args.runs, "flate": args.runs, "tree": args.big_runs,
             "incr": args.big_runs, "half": 0 if args.quick else args.phase_big_runs}
    for i in range(max(count.values())):
        for key in [k for k, n in count.items() if n > i]:
            inp = inputs[key]
            _log(f"  {inp.label.strip()}: run {i + 1}/{count[key]}")
            touch(inp.touch_files)
            inp.escape.append(run_child(esc + ["check", "-l", *inp.escape_args], inp.dir, env))
            if key == "incr":
                inp.go_error = inputs["tree"].go_error
            if go and not inp.go_error and key != "half":
                cmd, genv = go_command(go, inp, go_env)
                s = run_child(cmd, inp.dir, genv, check=False)
                if s.rc != 0:
                    err = subprocess.run(cmd, cwd=inp.dir, env=genv, capture_output=True,
                                         text=True).stderr
                    inp.go_error = (err.strip().splitlines() or ["?"])[-1]
                    _log(f"go build failed on {inp.label.strip()}:\n{err[-2000:]}")
                else:
                    inp.go.append(s)
    if not args.inherit_env and inherited_env_compiles():
        one = inputs["onefile"]
        for _ in range(args.runs):
            touch(one.touch_files)
            extra["inherited"].append(run_child(esc + ["check", "-l", *one.escape_args],
                                                one.dir, escape_env(work, True)))

    per: dict[str, dict[str, list[float]]] = {k: {} for k in ("onefile", "flate", "half", "tree")}
    count = {"onefile": args.runs, "flate": args.runs, "half": args.phase_big_runs,
             "tree": args.phase_big_runs}
    for i in range(max(count.values())):
        for key in [k for k, n in count.items() if n > i]:
            _log(f"phase run {i + 1}/{count[key]}: {inputs[key].label.strip()}")
            run_phases_once(inputs[key], env, per[key])
    phases = {k: {p: median(v) for p, v in d.items()} for k, d in per.items()}

    rep = build_report(args, inputs, extra, phases, go_note, (load0, os.getloadavg()[0]))
    rep["benchmark_seconds"] = time.perf_counter() - t_start
    if args.json:
        print(json.dumps(rep, indent=2))
    else:
        print_table(rep, inputs)
        kept = f"; inputs kept in {work}" if args.keep else ""
        print(f"\n(benchmark took {rep['benchmark_seconds']:.0f} s{kept})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
