"""Driver: load the packages named on the command line and analyze each one on its own.

The driver owns what happens around the analysis of one package: reading files, catching
internal errors so that one package never loses the others, and keeping the packages in
command-line order. Formatting and policy live elsewhere (report.py, policy.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .decisions import Decision, Diagnostic

# Exit statuses, shared by every command.
EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3


@dataclass
class PackageReport:
    """What one package produced: its decisions, diagnostics and the files they refer to."""

    dir: str                                   # the package directory as paths print
    files: list[tuple[Path, str]] = field(default_factory=list)  # (absolute path, display)
    decisions: list[Decision] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    explain_lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one-line messages that are not diagnostics
    status: int = EXIT_OK

    def path_of(self, display: str) -> Path | None:
        for path, shown in self.files:
            if shown == display:
                return path
        return None


@dataclass
class RunResult:
    packages: list[PackageReport]
    load_errors: list[str]     # loader messages (bad paths, no Go files, ...)
    status: int

    @property
    def decisions(self) -> list[Decision]:
        return [d for p in self.packages for d in p.decisions]


def _display_dir(files: list[tuple[Path, str]]) -> str:
    if files and "/" in files[0][1]:
        return files[0][1].rsplit("/", 1)[0]
    return "."


def analyze_package(files: list[tuple[Path, str]], importer: object = None,
                    explain: bool = False) -> PackageReport:
    """Read and analyze one package; never raises for a problem inside the package."""
    from .analyze import analyze_files

    rep = PackageReport(dir=_display_dir(files), files=list(files))
    sources: list[tuple[Path, str, bytes]] = []
    for path, display in files:
        try:
            sources.append((path, display, path.read_bytes()))
        except OSError as e:
            rep.errors.append(f"{display}: {e.strerror or e}")
            rep.status = EXIT_ERROR
    try:
        kwargs = {"explain": True} if explain else {}
        res = analyze_files(sources, importer=importer, **kwargs)
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
    if res.failed:
        rep.status = max(rep.status, EXIT_ERROR)
    return rep


def run_check(paths: list[str], tags: list[str] | None = None,
              explain: bool = False) -> RunResult:
    """Load every package the paths name and analyze them in command-line order."""
    from .importer import StdImporter
    from .loader import load_packages

    pkgs, errors = load_packages(paths, tags=tags or [])
    status = EXIT_OK
    for e in errors:
        if not e.startswith("warning:"):
            status = EXIT_ERROR
    importer = StdImporter()  # shared: each std package is loaded once per run
    reports: list[PackageReport] = []
    for pkg in pkgs:
        files = [(sf.path, sf.display) for sf in pkg.files]
        rep = analyze_package(files, importer=importer, explain=explain)
        status = max(status, rep.status)
        reports.append(rep)
    return RunResult(reports, errors, status)
