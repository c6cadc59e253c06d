"""The `escape check` run itself, without the command-line framework.

`escape.commands` (typer) parses the command line and calls `_run`; `escape.cli` calls it
directly for the common plain invocations (`escape check -l PATHS`), so that a short run
does not pay for importing typer.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .decisions import HEAP_KINDS, KINDS, LEAK_KINDS

if TYPE_CHECKING:
    import typer


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class FailOn(str, Enum):
    annotations = "annotations"
    heap = "heap"
    new = "new"
    never = "never"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


# --only accepts decision kinds and two groups.
_ONLY_GROUPS = {"heap": HEAP_KINDS, "leak": LEAK_KINDS}


def _fail(msg: str) -> typer.Exit:
    import typer

    print(f"escape: {msg}", file=sys.stderr)
    return typer.Exit(2)


def _parse_only(only: list[str]) -> set[str] | None:
    if not only:
        return None
    kinds: set[str] = set()
    for item in only:
        for word in (w.strip() for w in item.split(",")):
            if not word:
                continue
            if word in _ONLY_GROUPS:
                kinds.update(_ONLY_GROUPS[word])
            elif word in KINDS:
                kinds.add(word)
            else:
                import difflib

                close = difflib.get_close_matches(word, [*_ONLY_GROUPS, *KINDS], n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise _fail(f"unknown --only value {word!r}{hint}; want heap, leak or a "
                            f"decision kind: {', '.join(KINDS)}")
    return kinds


class _Painter:
    """ANSI colour for a terminal; nothing otherwise (NO_COLOR is honoured)."""

    CODES = {"heap": "33", "error": "1;31", "violation": "1;31", "warning": "33",
             "unsupported": "35", "note": "2"}

    def __init__(self, stream: TextIO, mode: Color) -> None:
        if mode == Color.always:
            self.on = True
        elif mode == Color.never or os.environ.get("NO_COLOR"):
            self.on = False
        else:
            self.on = hasattr(stream, "isatty") and stream.isatty() \
                and os.environ.get("TERM") != "dumb"

    def __call__(self, text: str, what: str) -> str:
        code = self.CODES.get(what)
        return f"\x1b[{code}m{text}\x1b[0m" if self.on and code else text


@dataclass
class _Options:
    fmt: Format = Format.text
    only: set[str] | None = None
    quiet: bool = False
    fail_on: FailOn | None = None
    baseline: Path | None = None
    explain: bool = False
    color: Color = Color.auto
    tags: str = ""
    jobs: int = 0
    cache: bool = True


def _tag_list(tags: str) -> list[str]:
    return [t for t in tags.replace(" ", ",").split(",") if t]


def _cache(enabled: bool):  # -> ResultCache | None
    if not enabled or os.environ.get("ESCAPE_NO_CACHE"):
        return None
    from .cache import ResultCache

    return ResultCache()


def _run(paths: list[str], opts: _Options) -> int:
    from .driver import EXIT_VIOLATIONS, run_check
    from .policy import Annotations, BaselineError, evaluate, load_baseline, scan_annotations
    from .report import Report, ReportPackage, json_document, sarif_document

    fail_on = opts.fail_on
    if fail_on is None:
        fail_on = FailOn.new if opts.baseline is not None else FailOn.annotations
    if fail_on == FailOn.new and opts.baseline is None:
        raise _fail("--fail-on new needs --baseline FILE (write one with "
                    "`escape baseline write PATHS -o FILE`)")
    baseline = None
    if opts.baseline is not None:
        try:
            baseline = load_baseline(opts.baseline)
        except BaselineError as e:
            raise _fail(str(e)) from None

    run = run_check(paths, tags=_tag_list(opts.tags), explain=opts.explain, jobs=opts.jobs,
                    cache=_cache(opts.cache))

    anns = Annotations()
    pairs = []
    packages = []
    for rep in run.packages:
        for display, src in rep.sources.items():
            found = scan_annotations(display, src)
            anns.items.extend(found.items)
            anns.diagnostics.extend(found.diagnostics)
        pairs.extend(rep.located())
        shown = rep.decisions if opts.only is None else \
            [d for d in rep.decisions if d.kind in opts.only]
        packages.append(ReportPackage(rep.dir, shown, rep.diagnostics, rep.paths))
    root = opts.baseline.resolve().parent if opts.baseline is not None else Path.cwd()
    policy = evaluate(pairs, anns, fail_on.value, baseline, root)

    status = run.status
    if any(g.severity == "error" for g in policy.diagnostics):
        status = max(status, 2)
    if policy.failed and status < EXIT_VIOLATIONS:
        status = EXIT_VIOLATIONS
    errors = run.errors
    report = Report(packages, errors, policy.violations, policy.diagnostics, fail_on.value,
                    str(opts.baseline) if opts.baseline is not None else None, status)

    out, err = sys.stdout, sys.stderr
    if opts.fmt == Format.json:
        out.write(json_document(report))
    elif opts.fmt == Format.sarif:
        out.write(sarif_document(report))
    if opts.fmt != Format.text:
        # Machine output on stdout; errors still reach a person on stderr, uncoloured.
        for e in errors:
            print(e, file=err)
        out.flush()
        return status

    paint_out, paint_err = _Painter(out, opts.color), _Painter(err, opts.color)
    for e in run.load_errors:
        if not (opts.quiet and e.startswith("warning:")):
            print(paint_err(e, "warning" if e.startswith("warning:") else "error"), file=err)
    for rep, pkg in zip(run.packages, packages):
        for e in rep.errors:
            print(paint_err(e, "error"), file=err)
        for g in rep.diagnostics:
            if opts.quiet and g.severity != "error":
                continue
            print(paint_err(g.line_text(), g.severity), file=err)
        if opts.quiet:
            continue
        if opts.explain and rep.explain_lines and opts.only is None:
            for line in rep.explain_lines:
                out.write(line + "\n")
            continue
        for d in pkg.decisions:
            line = d.compiler_line()
            out.write((paint_out(line, "heap") if d.is_heap else line) + "\n")
    out.flush()
    for g in policy.diagnostics:
        if opts.quiet and g.severity != "error":
            continue
        print(paint_err(g.line_text(), g.severity), file=err)
    for v in policy.violations:
        print(paint_err(v.line_text(), "violation"), file=err)
    if policy.violations:
        n = len(policy.violations)
        print(f"escape: {n} violation{'s' if n != 1 else ''} (--fail-on {fail_on.value}"
              f"{', baseline ' + str(opts.baseline) if opts.baseline else ''})", file=err)
    return status


