"""Entry point of the `escape` command and of `python -m escape`.

Starting Python is most of the cost of a short run, so this module imports nothing heavy:
`--version` answers at once, and the command framework (typer) and the analysis load only
when a command runs.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from . import GO_VERSION, __version__

        sys.stdout.write(f"escape {__version__} (models {GO_VERSION} linux/amd64)\n")
        return
    # Deeply nested Go source means deep recursion in the phases: run on a thread with a
    # large stack and a high recursion limit rather than failing on ordinary inputs.
    import threading

    sys.setrecursionlimit(200_000)
    threading.stack_size(512 * 1024 * 1024)
    result: list[BaseException | None] = [None]

    def run() -> None:
        from . import driver

        driver.GC_FREEZE = True  # one run per process: see driver._settle_heap
        try:
            code = _plain_check(args)
            if code is not None:
                raise SystemExit(code)
            from .commands import app

            app(args=args, prog_name="escape")
        except SystemExit as e:
            result[0] = e
        except BaseException as e:  # noqa: BLE001 - re-raised on the main thread
            result[0] = e

    t = threading.Thread(target=run)
    t.start()
    t.join()
    err = result[0]
    if err is not None and not isinstance(err, SystemExit):
        raise err
    code = 0 if err is None else err.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    # Everything is written: leave without tearing down the analysis's large object
    # graphs, which costs about a tenth of a second on a small run.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 1
    os._exit(code)


# `escape check` flags that _plain_check handles itself; anything else goes to typer.
_PLAIN_FLAGS = {"-l": None, "--no-cache": "no_cache", "-q": "quiet", "--quiet": "quiet",
                "--explain": "explain"}


def _plain_check(args: list[str]) -> int | None:
    """Run `escape check` without the command framework when the command line is plain:
    only the flags in _PLAIN_FLAGS and at least one path. Starting typer costs about as
    much as analyzing a small program, and this is the common invocation. Returns the
    exit status, or None when typer must parse the command line (help, other options,
    usage errors)."""
    if not args or args[0] != "check":
        return None
    paths: list[str] = []
    seen: set[str] = set()
    for a in args[1:]:
        if a.startswith("-"):
            if a not in _PLAIN_FLAGS:
                return None
            what = _PLAIN_FLAGS[a]
            if what is not None:
                seen.add(what)
        else:
            paths.append(a)
    if not paths:
        return None
    import errno

    from .checkrun import _Options, _run

    opts = _Options(quiet="quiet" in seen, explain="explain" in seen,
                    cache="no_cache" not in seen)
    try:
        return _run(paths, opts)
    except OSError as e:
        if e.errno != errno.EPIPE:
            raise
        # as typer does on a closed pipe: quiet the final flushes and fail
        sys.stdout = _Pacified(sys.stdout)  # type: ignore[assignment]
        sys.stderr = _Pacified(sys.stderr)  # type: ignore[assignment]
        return 1


class _Pacified:
    """A stream whose flush ignores a broken pipe (typer's PacifyFlushWrapper)."""

    def __init__(self, wrapped: object) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        import errno

        try:
            self.wrapped.flush()  # type: ignore[attr-defined]
        except OSError as e:
            if e.errno != errno.EPIPE:
                raise

    def __getattr__(self, attr: str) -> object:
        return getattr(self.wrapped, attr)


if __name__ == "__main__":
    main()
