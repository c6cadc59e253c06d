"""The commands: `escape check`, `escape baseline write`, `escape hook` (typer).

Imported by escape.cli only when a command runs, so `escape --version` stays fast; the
plain `escape check` invocations skip it (see escape.cli and escape.checkrun).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import GO_VERSION, __version__
from .checkrun import (  # noqa: F401 - the check run, shared with escape.cli's fast path
    _ONLY_GROUPS,
    Color,
    FailOn,
    Format,
    _cache,
    _fail,
    _Options,
    _Painter,
    _parse_only,
    _run,
    _tag_list,
)

app = typer.Typer(
    add_completion=False, no_args_is_help=True, rich_markup_mode=None,
    help="Static escape analysis for Go: says what `go build -gcflags=-m` says, without a "
         "toolchain.\n\nExamples:\n\n  escape check -l ./...\n\n"
         "  escape check --format sarif ./... > escape.sarif\n\n"
         "  escape baseline write ./... -o escape-baseline.json\n\n"
         "  escape check --baseline escape-baseline.json ./...")
baseline_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                           help="Record today's heap decisions so CI fails only on new ones.")
app.add_typer(baseline_app, name="baseline")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"escape {__version__} (models {GO_VERSION} linux/amd64)")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """escape reads Go source and decides, for every value, stack or heap."""


_JOBS_HELP = "Analyze up to N packages in parallel (default: the number of CPUs); output " \
    "order does not change."
_CACHE_HELP = "Do not read or write the result cache (default: on, in " \
    "$XDG_CACHE_HOME/escape or ~/.cache/escape; ESCAPE_CACHE_DIR moves it)."


_PATHS_HELP = "Go files of one package, a package directory, or DIR/... (every package below)."


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help=_PATHS_HELP, metavar="PATH...", show_default=False)],
    no_inline: Annotated[bool, typer.Option(
        "-l", help="No inlining, as with the compiler's -l. Inlining is not modelled yet, "
                   "so the -l decisions are printed either way.")] = False,
    tags: Annotated[str, typer.Option(
        "--tags", "-tags", help="Comma-separated build tags, as for go build.")] = "",
    fmt: Annotated[Format, typer.Option(
        "--format", "-f", help="text: the compiler's lines; json: one document with every "
        "decision, diagnostic and violation (schema: escape/schemas/"
        "escape-output.schema.json); sarif: SARIF 2.1.0 for code scanning.")] = Format.text,
    only: Annotated[list[str], typer.Option(
        "--only", help="Show only these decisions: heap (moved to heap, escapes), leak "
        "(leaking params) or decision kinds, comma-separated or repeated. Policy checks "
        "still see every decision.", show_default=False)] = [],  # noqa: B006 - typer default
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print no decisions and no notes: only errors and "
        "violations (text format).")] = False,
    fail_on: Annotated[FailOn | None, typer.Option(
        "--fail-on", help="When to exit 1. annotations: a //escape:stack, "
        "//escape:noleak or //gcassert:noescape assertion fails (the default without "
        "--baseline); heap: also any heap decision not exempted by //escape:heap-ok; "
        "new: also any heap decision missing from --baseline (the default with it); "
        "never: always exit 0 unless there are errors.", show_default=False)] = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="A baseline file from `escape baseline write`; with it only "
        "new heap decisions fail.", show_default=False)] = None,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Also print why, as the compiler's -m=2 does (flow and from "
        "lines).")] = False,
    color: Annotated[Color, typer.Option(
        "--color", help="Colour text output: auto (only on a terminal, and not with "
        "NO_COLOR), always, never. JSON and SARIF are never coloured.")] = Color.auto,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help=_JOBS_HELP,
                                      show_default=False)] = 0,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=_CACHE_HELP)] = False,
) -> None:
    """Print escape-analysis decisions in the compiler's `file:line:col: message` form.

    Decisions go to stdout; errors, unsupported constructs and policy violations to
    stderr. Exit status: 0 ok, 1 policy violations, 2 errors (bad paths, syntax errors,
    bad annotations), 3 internal error in a package (the others are still printed).

    Examples:

      escape check -l ./...

      escape check --only heap -q --fail-on heap ./internal/hot/

      escape check --format json ./... > escape.json
    """
    opts = _Options(fmt=fmt, only=_parse_only(only), quiet=quiet, fail_on=fail_on,
                    baseline=baseline, explain=explain, color=color, tags=tags, jobs=jobs,
                    cache=not no_cache)
    raise typer.Exit(_run(paths, opts))


@baseline_app.command("write")
def baseline_write(
    paths: Annotated[list[str], typer.Argument(help=_PATHS_HELP, metavar="PATH...", show_default=False)],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The baseline file to write.")] = Path("escape-baseline.json"),
    tags: Annotated[str, typer.Option(
        "--tags", "-tags", help="Comma-separated build tags, as for go build.")] = "",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help=_JOBS_HELP,
                                      show_default=False)] = 0,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=_CACHE_HELP)] = False,
) -> None:
    """Record today's heap decisions (moved to heap, escapes to heap) in a baseline file.

    Entries are matched later by file, function and message, not by line.

    Example: escape baseline write ./... -o escape-baseline.json
    """
    from .driver import run_check
    from .policy import baseline_document, baseline_entries

    run = run_check(paths, tags=_tag_list(tags), jobs=jobs, cache=_cache(not no_cache))
    for e in run.errors:
        print(e, file=sys.stderr)
    for rep in run.packages:
        for g in rep.diagnostics:
            if g.severity == "error":
                print(g.line_text(), file=sys.stderr)
    if run.status >= 2:
        print(f"escape: baseline not written to {output}: fix the errors above",
              file=sys.stderr)
        raise typer.Exit(run.status)
    root = output.resolve().parent
    entries = baseline_entries([pair for rep in run.packages for pair in rep.located()], root)
    try:
        output.write_text(baseline_document(entries), encoding="utf-8")
    except OSError as e:
        raise _fail(f"{output}: {e.strerror or e}") from None
    print(f"escape: wrote {len(entries)} heap decision{'s' if len(entries) != 1 else ''} "
          f"to {output}", file=sys.stderr)
    raise typer.Exit(0)


@app.command()
def why(
    spec: Annotated[str, typer.Argument(
        help="FILE:LINE or FILE:LINE:COL of a decision, as printed by escape check.",
        metavar="FILE:LINE[:COL]", show_default=False)],
    tags: Annotated[str, typer.Option(
        "--tags", "-tags", help="Comma-separated build tags, as for go build.")] = "",
    no_cache: Annotated[bool, typer.Option("--no-cache", help=_CACHE_HELP)] = False,
) -> None:
    """Explain one decision in plain words: the chain of steps that took the value to the
    heap (or made the parameter leak), each with its source line, and a hint.

    Example: escape why ./main.go:8:2
    """
    import re

    from .driver import run_check
    from .why import describe

    m = re.match(r"^(.+?\.go):(\d+)(?::(\d+))?$", spec)
    if m is None:
        raise _fail(f"want FILE.go:LINE[:COL], not {spec!r}")
    file, line = Path(m.group(1)), int(m.group(2))
    col = int(m.group(3)) if m.group(3) else None
    if not file.is_file():
        raise _fail(f"{m.group(1)}: no such file")
    parent = file.parent.as_posix()
    pkg_arg = parent if parent.startswith(("/", ".")) else "./" + parent
    run = run_check([pkg_arg], tags=_tag_list(tags), explain=True, jobs=1,
                    cache=_cache(not no_cache))
    for e in run.errors:
        print(e, file=sys.stderr)
    target = file.resolve()
    found = []
    for rep in run.packages:
        for g in rep.diagnostics:
            if g.severity == "error":
                print(g.line_text(), file=sys.stderr)
        mine = {display for display, path in rep.paths.items() if path.resolve() == target}
        found.extend(d for d in rep.decisions if d.file in mine and d.line == line
                     and (col is None or d.column == col))
    if not found:
        where = f"{m.group(1)}:{line}" + (f":{col}" if col else "")
        print(f"escape: no decision at {where} (run `escape check` to list them)",
              file=sys.stderr)
        raise typer.Exit(max(run.status, 1))
    rank = {"moved_to_heap": 0, "escapes": 0, "leaking_param": 1, "leaking_param_content": 1,
            "leaking_param_to_result": 1}
    best = min(rank.get(d.kind, 2) for d in found)
    lines: dict[str, list[str]] = {}

    def source_line(at: str) -> str | None:
        fname, _, rest = at.rpartition(":")
        fname, _, num = fname.rpartition(":")
        if not num.isdigit() or fname.startswith("$GOROOT"):
            return None
        if fname not in lines:
            try:
                lines[fname] = Path(fname).read_text(encoding="utf-8",
                                                      errors="replace").splitlines()
            except OSError:
                lines[fname] = []
        text = lines[fname]
        n = int(num)
        return text[n - 1] if 0 < n <= len(text) else None

    sys.stdout.write("\n".join(describe(d, source_line) for d in found
                               if rank.get(d.kind, 2) == best))
    raise typer.Exit(0)


@app.command()
def hook(
    files: Annotated[list[str], typer.Argument(
        help="Changed files (as pre-commit passes them); their packages are checked.",
        metavar="FILE...",
        show_default=False)] = [],  # noqa: B006 - typer default
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="Baseline file; default: escape-baseline.json in the current "
        "directory when it exists.", show_default=False)] = None,
    fail_on: Annotated[FailOn | None, typer.Option(
        "--fail-on", help="As for check.", show_default=False)] = None,
    tags: Annotated[str, typer.Option("--tags", help="Build tags.")] = "",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help=_JOBS_HELP,
                                      show_default=False)] = 0,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=_CACHE_HELP)] = False,
) -> None:
    """Pre-commit entry point: check the packages of the given Go files, quietly.

    Annotations are always checked; with a baseline, new heap decisions fail too.
    """
    dirs: list[str] = []
    for f in files:
        if not f.endswith(".go"):
            continue
        d = os.path.dirname(f) or "."
        parts = Path(d).parts
        if "testdata" in parts or any(p.startswith(("_", ".")) and p not in (".", "..")
                                      for p in parts):
            continue
        try:
            names = os.listdir(d)
        except OSError:
            continue
        if not any(n.endswith(".go") and not n.endswith("_test.go") for n in names):
            continue  # only tests changed; nothing to build
        if d not in dirs:
            dirs.append(d)
    if not dirs:
        raise typer.Exit(0)
    if baseline is None and Path("escape-baseline.json").is_file():
        baseline = Path("escape-baseline.json")
    paths = [d if d.startswith((".", "/")) else "./" + d for d in sorted(dirs)]
    opts = _Options(quiet=True, fail_on=fail_on, baseline=baseline, tags=tags, jobs=jobs,
                    cache=not no_cache)
    raise typer.Exit(_run(paths, opts))
