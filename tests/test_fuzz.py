"""Property tests over generated Go programs (tools/fuzz.py): the analyzer never raises, is
deterministic, and, on a bounded number of programs, agrees with the compiler.

Longer runs: `python tools/fuzz.py --seeds 0-2000` (never raises, deterministic) and
`python tools/fuzz.py --seeds 0-300 --compare` (against go 1.27.3);
`HYPOTHESIS_EXAMPLES=N` raises the example count of the tests below.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import fuzz  # noqa: E402

from escape.analyze import analyze_files  # noqa: E402

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def lines(src: bytes | str, name: str = "main.go") -> list[str]:
    data = src.encode() if isinstance(src, str) else src
    res = analyze_files([(Path(name), f"./{name}", data)])
    return [d.compiler_line() for d in res.decisions] + [
        d.line_text() for d in res.diagnostics]


def test_generator_is_deterministic() -> None:
    assert fuzz.program(7) == fuzz.program(7)
    assert fuzz.program(7) != fuzz.program(8)


@SETTINGS
@given(seeds)
def test_never_raises_and_is_deterministic(seed: int) -> None:
    src = fuzz.program(seed)
    first = lines(src)
    assert lines(src) == first
    assert not any(": syntax error" in ln for ln in first), first


@SETTINGS
@given(seeds, st.data())
def test_broken_programs_never_raise(seed: int, data: st.DataObject) -> None:
    """Cut, duplicate or replace a slice of a valid program: a syntax error or some
    decisions, never an exception."""
    src = fuzz.program(seed).encode()
    i = data.draw(st.integers(0, len(src) - 1), label="at")
    n = data.draw(st.integers(0, 40), label="length")
    how = data.draw(st.sampled_from(["cut", "dup", "junk"]), label="how")
    junk = data.draw(st.binary(max_size=8), label="junk") if how == "junk" else b""
    if how == "cut":
        broken = src[:i] + src[i + n:]
    elif how == "dup":
        broken = src[:i + n] + src[i:]
    else:
        broken = src[:i] + junk + src[i + n:]
    out = lines(broken)
    assert lines(broken) == out
    errors = [ln for ln in out if ": syntax error" in ln]
    assert len(errors) <= 1


COMPARE = [3, 11, 20, 42, 109, 111, 137, 175, 256, 1000]


@pytest.mark.parametrize("seed", COMPARE)
def test_agrees_with_the_compiler(seed: int) -> None:
    from gocompiler import compile_lines, go_binary

    if go_binary() is None:
        pytest.skip("needs go 1.27.3")
    src = fuzz.program(seed)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "main.go").write_text(src)
        want = compile_lines(Path(tmp))
    got = [ln for ln in lines(src) if ": unsupported:" not in ln]
    assert sorted(got) == sorted(want)
