#!/usr/bin/env python3
"""Differential check: escape's output against the compiler's, per file.

Usage:
  python tools/diffcheck.py [DIR ...]        compare with fixtures' expected.txt
  python tools/diffcheck.py --live DIR ...   run the real compiler on each package dir
  python tools/diffcheck.py --m2 [DIR ...]   compare escape's explanations (-m=2) with
                                             expected-m2.txt, block by block
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
from gocompiler import compile_lines, go_binary, portable  # noqa: E402


def escape_lines(pkg_dir: Path) -> tuple[list[str], str]:
    files = sorted(p.name for p in pkg_dir.glob("*.go") if not p.name.endswith("_test.go"))
    proc = subprocess.run([sys.executable, "-m", "escape", "check", "-l", *files],
                          cwd=pkg_dir, capture_output=True, text=True, timeout=600)
    go = go_binary()
    # standard-library positions print under the real GOROOT, as the compiler's do;
    # fixtures spell them $GOROOT
    return [portable(ln, pkg_dir, go) if go else ln
            for ln in proc.stdout.splitlines() if ln], proc.stderr


def m2_blocks(pkg_dir: Path) -> tuple[Counter, Counter]:
    """(wanted, got) -m=2 blocks of one fixture, as multisets of blocks."""
    from escape.analyze import analyze_files
    from escape.explain import GOROOT_MARK, group_blocks
    want = (pkg_dir / "expected-m2.txt").read_text().splitlines()
    files = sorted(p for p in pkg_dir.glob("*.go") if not p.name.endswith("_test.go"))
    res = analyze_files([(p, f"./{p.name}", p.read_bytes()) for p in files], explain=True,
                        goroot=GOROOT_MARK)
    return Counter(group_blocks(want)), Counter(group_blocks(res.explain_lines))


def main_m2(args: argparse.Namespace) -> int:
    dirs = [Path(d) for d in args.dirs] or sorted(
        p for p in (ROOT / "fixtures").iterdir() if (p / "expected-m2.txt").exists())
    ok = 0
    bad = []
    tb = mb = eb = 0
    for d in dirs:
        cw, cg = m2_blocks(d)
        missing, extra = cw - cg, cg - cw
        tb += sum(cw.values())
        mb += sum(missing.values())
        eb += sum(extra.values())
        if not missing and not extra:
            ok += 1
            continue
        bad.append(d.name)
        if not args.q:
            print(f"== {d.name}: {sum((cw & cg).values())}/{sum(cw.values())} blocks ok")
            for (h, body) in sorted(missing.elements()):
                print(f"  - {h}")
                for ln in body:
                    print(f"  -     {ln}")
            for (h, body) in sorted(extra.elements()):
                print(f"  + {h}")
                for ln in body:
                    print(f"  +     {ln}")
    print(f"m2 packages: {len(dirs)}, exact: {ok}, blocks: {tb}, missing: {mb}, extra: {eb}")
    if args.q and bad:
        print("differ:", " ".join(bad))
    return 0 if not bad else 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*")
    ap.add_argument("--live", action="store_true", help="run the compiler instead of expected.txt")
    ap.add_argument("-q", action="store_true", help="only totals and failing package names")
    ap.add_argument("--m2", action="store_true",
                    help="compare -m=2 explanations with expected-m2.txt")
    args = ap.parse_args()
    if args.m2:
        return main_m2(args)
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
