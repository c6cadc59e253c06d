"""Driver: load the packages named on the command line and analyze each one on its own.

The driver owns what happens around the analysis of one package: reading files, catching
internal errors so that one package never loses the others, and keeping the packages in
command-line order. Formatting and policy live elsewhere (report.py, policy.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cache import ResultCache, decode, encode
from .decisions import Decision, Diagnostic
from .explain import GOROOT_MARK, default_goroot, std_file

# Exit statuses, shared by every command.
EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3


@dataclass
class PackageReport:
    """What one package produced: its decisions, diagnostics and the files they refer to."""

    dir: str                                   # the package directory as paths print
    pkg_path: str = "main"                     # the import path it is analyzed as
    files: list[tuple[Path, str]] = field(default_factory=list)  # (absolute path, display)
    decisions: list[Decision] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    explain_lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one-line messages that are not diagnostics
    status: int = EXIT_OK
    failed: bool = False                       # the analysis refused the package (syntax)
    # The bytes analyzed, by display path (filled by run_check, never sent to workers).
    sources: dict[str, bytes] = field(default_factory=dict)

    @property
    def paths(self) -> dict[str, Path]:
        """Display path -> absolute path, for the package's files."""
        return {display: path for path, display in self.files}

    def located(self) -> list[tuple[Decision, Path | None]]:
        """Every decision with the absolute path of its file."""
        paths = self.paths
        return [(d, paths.get(d.file)) for d in self.decisions]


@dataclass
class RunResult:
    packages: list[PackageReport]
    load_errors: list[str]     # loader messages (bad paths, no Go files, ...)
    status: int

    @property
    def errors(self) -> list[str]:
        """Loader messages, then each package's own one-line errors."""
        return list(self.load_errors) + [e for p in self.packages for e in p.errors]


def _display_dir(files: list[tuple[Path, str]]) -> str:
    if files and "/" in files[0][1]:
        return files[0][1].rsplit("/", 1)[0]
    return "."


def _read(files: list[tuple[Path, str]], rep: PackageReport) -> list[tuple[Path, str, bytes]]:
    sources: list[tuple[Path, str, bytes]] = []
    for path, display in files:
        try:
            sources.append((path, display, path.read_bytes()))
        except OSError as e:
            rep.errors.append(f"{display}: {e.strerror or e}")
            rep.status = EXIT_ERROR
    return sources


_worker_importer: object = None

# Set by escape.cli (a command-line run: one run per process; workers inherit it).
GC_FREEZE = False
_frozen = [False]


def _settle_heap(before: bool) -> None:
    """Keep the cyclic garbage collector's work proportional to the package at hand.

    A package's analysis builds large cyclic structures (IR, resolvers, graphs) that
    become garbage when it ends, while what outlives it (loaded modules, the imported
    standard-library packages, the results) keeps growing; every full collection walks
    all of it, about a fifth of the time of a multi-package run. So before the first
    package, what is loaded is frozen (`gc.freeze`: never scanned again), and after each
    package its garbage is collected and the survivors are frozen too.

    While a package is analyzed the automatic collector is off: almost everything the
    analysis allocates lives until the package ends, so the collections it would trigger
    rescan live objects again and again (a sixth of the time of a large run) and reclaim
    little; reference counting still frees the acyclic garbage at once, and the cyclic
    rest is collected after the package. After the last package (no `before=False`
    call) it stays off: the process ends. This changes when memory is reclaimed,
    nothing else."""
    if not GC_FREEZE:
        return
    import gc

    if before:
        if not _frozen[0]:
            _frozen[0] = True
            gc.freeze()
        gc.disable()
        return
    gc.collect()
    gc.freeze()
    gc.enable()


def _analyze_sources(rep: PackageReport, sources: list[tuple[Path, str, bytes]],
                     importer: object, explain: bool, more: bool = True) -> PackageReport:
    """Analyze one package; `more`: this process may analyze another one after it."""
    _settle_heap(True)
    rep = _analyze_one(rep, sources, importer, explain)
    if more:
        _settle_heap(False)
    return rep


def _analyze_one(rep: PackageReport, sources: list[tuple[Path, str, bytes]],
                 importer: object, explain: bool) -> PackageReport:
    from .analyze import analyze_files

    global _worker_importer
    if importer is None:
        if _worker_importer is None:
            from .importer import StdImporter

            _worker_importer = StdImporter()
        importer = _worker_importer
    try:
        # standard-library positions stay `$GOROOT/...` here (cacheable whatever the
        # working directory); `localize` spells them for this run
        res = analyze_files(sources, pkg_path=rep.pkg_path, importer=importer,
                            explain=explain, goroot=GOROOT_MARK)
    except RecursionError:
        rep.errors.append(f"escape: internal error analyzing {rep.dir}: nesting too deep "
                          "(please report this)")
        rep.status = max(rep.status, EXIT_INTERNAL)
        return rep
    except Exception as e:  # noqa: BLE001 - one package never loses the others
        rep.errors.append(f"escape: internal error analyzing {rep.dir}: "
                          f"{type(e).__name__}: {e} (please report this)")
        rep.status = max(rep.status, EXIT_INTERNAL)
        return rep
    rep.decisions = list(res.decisions)
    rep.diagnostics = list(res.diagnostics)
    rep.explain_lines = list(getattr(res, "explain_lines", []) or [])
    rep.failed = res.failed
    if res.failed:
        rep.status = max(rep.status, EXIT_ERROR)
    return rep


def _import_path(pkg_dir: Path) -> str:
    """The import path the analysis gives a package: a standard-library directory's own
    (GOROOT/src/X is package X, as the go command resolves it; the compiler treats some
    of them specially, e.g. the FIPS module), "main" for any other."""
    from .explain import default_goroot

    root = default_goroot()
    if root.startswith("$"):
        return "main"
    try:
        rel = pkg_dir.resolve().relative_to(Path(root, "src").resolve())
    except (OSError, ValueError):
        return "main"
    return rel.as_posix() if rel.parts else "main"


def _work(job: tuple[PackageReport, list[tuple[Path, str, bytes]], bool]) -> PackageReport:
    """One package in a worker process, on a thread with a deep stack as in the CLI."""
    import threading

    rep, sources, explain = job
    out: list[PackageReport] = []
    t = threading.Thread(target=lambda: out.append(_analyze_sources(rep, sources, None,
                                                                    explain)))
    t.start()
    t.join()
    if not out:
        rep.errors.append(f"escape: internal error analyzing {rep.dir}: worker failed "
                          "(please report this)")
        rep.status = max(rep.status, EXIT_INTERNAL)
        return rep
    return out[0]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_check(paths: list[str], tags: list[str] | None = None, explain: bool = False,
              jobs: int | None = None, cache: ResultCache | None = None) -> RunResult:
    """Load every package the paths name and analyze them; results in command-line order.

    Packages whose inputs are in `cache` are not analyzed again; the others run on `jobs`
    worker processes (one package each) when there are several of them.
    """
    from .loader import load_packages

    tag_list = sorted(set(tags or []))
    pkgs, errors = load_packages(paths, tags=tag_list)
    status = EXIT_OK
    for e in errors:
        if not e.startswith("warning:"):
            status = EXIT_ERROR
    options = f"tags={','.join(tag_list)};explain={int(explain)}"
    reports: list[PackageReport] = []
    read: list[list[tuple[Path, str, bytes]]] = []
    todo: list[tuple[int, str | None, list[tuple[Path, str, bytes]]]] = []
    for pkg in pkgs:
        files = [(sf.path, sf.display) for sf in pkg.files]
        rep = PackageReport(dir=_display_dir(files), files=files,
                            pkg_path=_import_path(pkg.dir))
        sources = _read(files, rep)
        reports.append(rep)
        read.append(sources)
        key = None
        if cache is not None and rep.status == EXIT_OK:
            key = cache.key([(d, b) for _, d, b in sources],
                            f"{options};path={rep.pkg_path}")
            hit = cache.get(key)
            if hit is not None:
                try:
                    rep.decisions, rep.diagnostics, rep.explain_lines, rep.failed = \
                        decode(hit)
                except (KeyError, TypeError, ValueError):
                    pass  # an unreadable entry is a miss
                else:
                    if rep.failed:
                        rep.status = EXIT_ERROR
                    continue
        todo.append((len(reports) - 1, key, sources))
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    if not todo:  # everything came from the cache: the analysis is not even imported
        done = []
    elif jobs > 1 and len(todo) > 1:
        done = _in_workers([(reports[i], src, explain) for i, _, src in todo], jobs)
    else:
        from .importer import StdImporter

        importer = StdImporter()  # shared: each std package is loaded once per run
        done = [_analyze_sources(reports[i], src, importer, explain, n + 1 < len(todo))
                for n, (i, _, src) in enumerate(todo)]
    for (i, key, _), rep in zip(todo, done):
        reports[i] = rep
        if cache is not None and key is not None and rep.status in (EXIT_OK, EXIT_ERROR) \
                and not rep.errors:
            cache.put(key, encode(rep.decisions, rep.diagnostics, rep.explain_lines,
                                  rep.failed))
    for rep, sources in zip(reports, read):
        rep.sources = {display: src for _, display, src in sources}
        status = max(status, rep.status)
        localize(rep)
    return RunResult(reports, errors, status)


_MARKED = re.compile(re.escape(GOROOT_MARK) + r"/[^\s:()]+")


def localize(rep: PackageReport, goroot: str | None = None) -> None:
    """Spell `$GOROOT/...` positions as the go command prints them for this run: under
    `go env GOROOT`, relative to the working directory when shorter."""
    marked = GOROOT_MARK + "/"
    if not any(d.file.startswith(marked) or any(marked in x for x in d.explanation)
               for d in rep.decisions) and not any(marked in x for x in rep.explain_lines):
        return
    root = goroot if goroot is not None else default_goroot()
    if root == GOROOT_MARK:
        return

    def fix(text: str) -> str:
        return _MARKED.sub(lambda m: std_file(m.group(0), root), text) \
            if marked in text else text
    rep.decisions = [replace(d, file=fix(d.file), explanation=tuple(fix(x) for x in
                                                                    d.explanation))
                     for d in rep.decisions]
    rep.explain_lines = [fix(x) for x in rep.explain_lines]


def _in_workers(jobs_in: list[tuple[PackageReport, list[tuple[Path, str, bytes]], bool]],
                jobs: int) -> list[PackageReport]:
    import multiprocessing as mp
    import warnings
    from concurrent.futures import ProcessPoolExecutor

    # Workers are forked: they inherit the imported analyzer, the deep recursion limit
    # and the large thread stack size. The forking thread waits; nothing else runs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = mp.get_context("fork")
        from . import analyze, importer  # noqa: F401 - loaded once, before forking

        try:
            with ProcessPoolExecutor(max_workers=min(jobs, len(jobs_in)),
                                     mp_context=ctx) as ex:
                return list(ex.map(_work, jobs_in, chunksize=1))
        except Exception:  # noqa: BLE001 - a broken pool (killed worker): go on serially
            pass
    from .importer import StdImporter

    std = StdImporter()
    return [_analyze_sources(rep, src, std, explain) for rep, src, explain in jobs_in]
