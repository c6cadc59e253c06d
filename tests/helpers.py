"""Shared helpers for tests: run the analyzer in-process on a package directory."""

from __future__ import annotations

from pathlib import Path

from escape.analyze import analyze_files
from escape.decisions import Decision, Diagnostic
from escape.explain import GOROOT_MARK


def analyze_dir(pkg_dir: Path) -> tuple[list[Decision], list[Diagnostic]]:
    files = sorted(p for p in pkg_dir.glob("*.go") if not p.name.endswith("_test.go"))
    # fixtures spell standard-library positions $GOROOT/src/...
    res = analyze_files([(p, f"./{p.name}", p.read_bytes()) for p in files], goroot=GOROOT_MARK)
    return res.decisions, res.diagnostics


def analyze_source(src: str, name: str = "x.go") -> tuple[list[str], list[str]]:
    res = analyze_files([(Path(name), f"./{name}", src.encode())])
    return ([d.compiler_line() for d in res.decisions],
            [d.line_text() for d in res.diagnostics])
