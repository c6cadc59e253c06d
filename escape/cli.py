"""Command-line interface: `escape check [OPTIONS] PATH...`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from . import GO_VERSION, __version__

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Static escape analysis for Go: says what `go build -gcflags=-m` says.")


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


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Go files, a package directory, or DIR/...")],
    no_inline: Annotated[bool, typer.Option(
        "-l", help="No inlining, as with the compiler's -l. Inlining is not modelled yet, "
                   "so the -l decisions are printed either way.")] = False,
    tags: Annotated[str, typer.Option("--tags", "-tags",
                                      help="Comma-separated build tags, as for go build.")] = "",
    fmt: Annotated[str, typer.Option(
        "--format", help="text: the compiler's lines (default); json: one JSON document "
                         "with every decision and diagnostic (schema in "
                         "schemas/escape-output.schema.json).")] = "text",
) -> None:
    """Print escape-analysis decisions in the compiler's `file:line:col: message` form.

    Example: escape check -l ./...
    """
    from .analyze import analyze_files
    from .importer import StdImporter
    from .loader import load_packages
    from .report import json_document

    if fmt not in ("text", "json"):
        print(f"escape: unknown --format {fmt!r} (want text or json)", file=sys.stderr)
        raise typer.Exit(2)
    importer = StdImporter()  # shared: each std package is loaded once per run
    collected: list = []
    tag_list = [t for t in tags.replace(" ", ",").split(",") if t]
    pkgs, errors = load_packages(paths, tags=tag_list)
    status = 0
    for e in errors:
        print(e, file=sys.stderr)
        if not e.startswith("warning:"):
            status = 2
    out = sys.stdout
    for pkg in pkgs:
        files = []
        for sf in pkg.files:
            try:
                files.append((sf.path, sf.display, sf.path.read_bytes()))
            except OSError as e:
                print(f"{sf.display}: {e.strerror or e}", file=sys.stderr)
                status = 2
        try:
            res = analyze_files(files, importer=importer)
        except RecursionError:
            print(f"escape: internal error analyzing {pkg.dir}: nesting too deep",
                  file=sys.stderr)
            status = max(status, 3)
            continue
        except Exception as e:  # noqa: BLE001 - one package never loses the others
            print(f"escape: internal error analyzing {pkg.dir}: {type(e).__name__}: {e} "
                  "(please report this)", file=sys.stderr)
            status = max(status, 3)
            continue
        if res.failed:
            status = max(status, 2)
        if fmt == "json":
            shown = pkg.files[0].display.rsplit("/", 1)[0] if pkg.files and "/" in \
                pkg.files[0].display else "."
            collected.append((shown, res.decisions, res.diagnostics))
            continue
        for d in res.diagnostics:
            print(d.line_text(), file=sys.stderr)
        for d in res.decisions:
            out.write(d.compiler_line() + "\n")
    if fmt == "json":
        out.write(json_document(collected))
    out.flush()
    raise typer.Exit(status)


def main() -> None:
    # Deeply nested Go source means deep recursion in the phases: run on a thread with a
    # large stack and a high recursion limit rather than failing on ordinary inputs.
    import threading

    sys.setrecursionlimit(200_000)
    threading.stack_size(512 * 1024 * 1024)
    result: list[BaseException | None] = [None]

    def run() -> None:
        try:
            app(prog_name="escape")
        except SystemExit as e:
            result[0] = e
        except BaseException as e:  # noqa: BLE001 - re-raised on the main thread
            result[0] = e

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if result[0] is not None:
        raise result[0]


if __name__ == "__main__":
    main()
