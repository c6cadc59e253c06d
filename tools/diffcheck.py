#!/usr/bin/env python3
"""Differential check: escape's output against the compiler's, per file.

Usage:
  python tools/diffcheck.py [DIR ...]        compare with fixtures' expected.txt
  python tools/diffcheck.py --live DIR ...   run the real compiler on each package dir
Prints missing (compiler only) and extra (escape only) lines for every package that
differs, then totals and the line-level F1.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gocompiler import compile_lines  # noqa: E402


def escape_lines(pkg_dir: Path) -> tuple[list[str], str]:
    files = sorted(p.name for p in pkg_dir.glob("*.go") if not p.name.endswith("_test.go"))
    proc = subprocess.run([sys.executable, "-m", "escape", "check", "-l", *files],
                          cwd=pkg_dir, capture_output=True, text=True, timeout=600)
    return [ln for ln in proc.stdout.splitlines() if ln], proc.stderr


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*")
    ap.add_argument("--live", action="store_true", help="run the compiler instead of expected.txt")
    ap.add_argument("-q", action="store_true", help="only totals and failing package names")
    args = ap.parse_args()
    dirs = [Path(d) for d in args.dirs] or sorted(
        p for p in (ROOT / "fixtures").iterdir() if p.is_dir())
    tp = fp = fn = 0
    bad = []
    for d in dirs:
        if args.live or not (d / "expected.txt").exists():
            want = compile_lines(d)
        else:
            want = (d / "expected.txt").read_text().splitlines()
        got, err = escape_lines(d)
        cw, cg = Counter(want), Counter(got)
        missing = cw - cg
        extra = cg - cw
        common = sum((cw & cg).values())
        tp += common
        fn += sum(missing.values())
        fp += sum(extra.values())
        if missing or extra:
            bad.append(d.name)
            if not args.q:
                print(f"== {d.name}: {common}/{len(want)} ok")
                for ln in sorted(missing.elements()):
                    print(f"  - {ln}")
                for ln in sorted(extra.elements()):
                    print(f"  + {ln}")
                for ln in err.splitlines()[:5]:
                    print(f"  ! {ln}")
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(f"packages: {len(dirs)}, exact: {len(dirs) - len(bad)}, lines ok: {tp}, "
          f"missing: {fn}, extra: {fp}, precision {prec:.3f} recall {rec:.3f} F1 {f1:.3f}")
    if args.q and bad:
        print("differ:", " ".join(bad))
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
