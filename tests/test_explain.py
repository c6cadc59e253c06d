"""`--explain`: the analyzer's -m=2 output equals the compiler's (expected-m2.txt).

A block is what the compiler prints as one unit: a header (`x escapes to heap in f:`,
`parameter p leaks to ... :`) with its indented flow/from lines, or any other single
line. Lines compare as a multiset within each block, and blocks as a multiset of units.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES

from escape.analyze import analyze_files
from escape.explain import GOROOT_MARK, group_blocks

M2 = "expected-m2.txt"

# Fixtures whose explanations do not match yet (name -> reason), run as strict xfails:
# the day one of them starts to match, the test fails until the entry is removed.
KNOWN_GAPS: dict[str, str] = {}


def m2_fixture_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if (p / M2).exists())


def explain_dir(pkg: Path):  # type: ignore[no-untyped-def]
    files = sorted(p for p in pkg.glob("*.go") if not p.name.endswith("_test.go"))
    return analyze_files([(p, f"./{p.name}", p.read_bytes()) for p in files], explain=True,
                         goroot=GOROOT_MARK)


def _params():
    for d in m2_fixture_dirs():
        marks = [pytest.mark.xfail(reason=KNOWN_GAPS[d.name], strict=True)] \
            if d.name in KNOWN_GAPS else []
        yield pytest.param(d, id=d.name, marks=marks)


def _show(blocks: Counter) -> str:
    out = []
    for head, body in sorted(blocks.elements()):
        out.append("  " + head)
        out.extend("      " + ln for ln in body)
    return "\n".join(out)


@pytest.mark.parametrize("pkg", list(_params()))
def test_explanations_match_compiler(pkg: Path) -> None:
    want = Counter(group_blocks((pkg / M2).read_text().splitlines()))
    got = Counter(group_blocks(explain_dir(pkg).explain_lines))
    missing, extra = want - got, got - want
    assert not missing and not extra, (
        f"{pkg.name}: missing (compiler only):\n{_show(missing)}\n"
        f"extra (escape only):\n{_show(extra)}")


def test_known_gaps_have_fixtures() -> None:
    names = {d.name for d in m2_fixture_dirs()}
    assert set(KNOWN_GAPS) <= names


def test_there_are_enough_m2_fixtures() -> None:
    assert len(m2_fixture_dirs()) >= 150


def test_decisions_carry_their_explanation() -> None:
    res = explain_dir(FIXTURES / "basic_ptr")
    by_msg = {d.message: d for d in res.decisions}
    leak = by_msg["leaking param: p"]
    assert leak.explanation == (
        "parameter p leaks to {heap} for leak with derefs=0:",
        "flow: {heap} ← p:",
        "from gp = p (assign) at ./main.go:16:5")
    moved = by_msg["moved to heap: t"]
    assert moved.explanation[0] == "t escapes to heap in moved:"
    # the decision lines are part of the -m=2 output, in order
    lines = [d.compiler_line() for d in res.decisions]
    assert [ln for ln in res.explain_lines if ln in set(lines)] == lines


def test_explain_off_by_default() -> None:
    pkg = FIXTURES / "basic_ptr"
    files = sorted(pkg.glob("*.go"))
    res = analyze_files([(p, f"./{p.name}", p.read_bytes()) for p in files])
    assert res.explain_lines == []
    assert all(d.explanation == () for d in res.decisions)
    assert [d.message for d in res.decisions] == \
        [d.message for d in explain_dir(pkg).decisions]


def test_group_blocks() -> None:
    lines = ["./a.go:1:2: x escapes to heap in f:",
             "./a.go:1:2:   flow: {heap} ← &x:",
             "./a.go:1:2:     from &x (address-of) at ./a.go:2:3",
             "./a.go:1:2: moved to heap: x",
             "f capturing by ref: #next (addr=false assign=true width=8)"]
    blocks = group_blocks(lines)
    assert len(blocks) == 3
    assert blocks[0][0] == lines[0] and len(blocks[0][1]) == 2
    assert blocks[1] == (lines[3], ())


def test_explanations_do_not_depend_on_earlier_packages() -> None:
    # imported packages' resolvers and the shapes made from their types outlive a
    # package: what one package instantiates must not leak into the next one's output
    pool = FIXTURES / "g_sync_pool_instances"
    alone = explain_dir(pool).explain_lines
    explain_dir(FIXTURES / "g_sync_map_instances")
    assert explain_dir(pool).explain_lines == alone
