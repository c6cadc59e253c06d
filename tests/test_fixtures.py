"""Every fixture's analyzer output equals the compiler's stored output (as a multiset)."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import fixture_dirs
from helpers import analyze_dir

# Fixtures for constructs the analyzer does not model yet. strict=True: the day one of
# them starts to match, the test fails until the entry is removed.
KNOWN_GAPS: dict[str, str] = {}


def _params():
    for d in fixture_dirs():
        marks = [pytest.mark.xfail(reason=KNOWN_GAPS[d.name], strict=True)] \
            if d.name in KNOWN_GAPS else []
        yield pytest.param(d, id=d.name, marks=marks)


@pytest.mark.parametrize("pkg", list(_params()))
def test_fixture_matches_compiler(pkg):
    want = Counter((pkg / "expected.txt").read_text().splitlines())
    decisions, diags = analyze_dir(pkg)
    got = Counter(d.compiler_line() for d in decisions)
    missing = sorted((want - got).elements())
    extra = sorted((got - want).elements())
    assert not missing and not extra, (
        f"{pkg.name}: missing (compiler only):\n  " + "\n  ".join(missing)
        + "\nextra (escape only):\n  " + "\n  ".join(extra)
        + "\ndiagnostics:\n  " + "\n  ".join(d.line_text() for d in diags))


def test_there_are_enough_fixtures():
    assert len(fixture_dirs()) >= 80
