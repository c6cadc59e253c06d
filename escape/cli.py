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
        from .commands import app

        try:
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


if __name__ == "__main__":
    main()
