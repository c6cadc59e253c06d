"""`escape why`: a readable chain and a hint for typical escapes, and for every heap decision."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import FIXTURES

from escape.analyze import analyze_files
from escape.why import HINTS, hint_for, parse_explanation

TYPICAL = FIXTURES / "w_why_typical"
HINT_TEXT = {key: text for key, _, text in HINTS}

# line of a heap decision in w_why_typical/main.go -> (hint key, edge kinds on the chain)
CASES = {
    12: ("global", ["spill", "assign"]),                       # map literal in a global
    16: ("return", ["address-of", "return"]),                  # return &t
    21: ("global", ["address-of", "assign"]),                  # global = &t
    26: ("iface-fmt", ["spill", "slice-literal-element", "spill", "call parameter"]),
    30: ("closure", None),                                     # captured by a goroutine
    31: ("closure-value", ["spill"]),                          # go func() {...}()
    38: ("append", ["address-of", "call parameter"]),          # append(list, &t)
    43: ("global", ["address-of", "assign"]),                  # m["k"] = &t
    48: ("map-chan", None),                                    # ch <- &t
    53: ("too-large", ["too large for stack"]),                # var buf [1 << 20]byte
    65: ("iface", None),                                       # sinkS = &t
    71: ("return-closure", ["spill", "return"]),               # return func() int {...}
    77: ("call", ["address-of", "call parameter"]),            # keep(&t), keep leaks p
}


def why(spec: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "escape", "why", spec], cwd=TYPICAL,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def typical():
    files = [(p, f"./{p.name}", p.read_bytes()) for p in sorted(TYPICAL.glob("*.go"))]
    res = analyze_files(files, explain=True)
    return {d.line: d for d in res.decisions if d.is_heap}


@pytest.mark.parametrize("line", sorted(CASES))
def test_typical_escape_chain_and_hint(typical, line):
    key, kinds = CASES[line]
    d = typical[line]
    paths = parse_explanation(d.explanation)
    assert paths and paths[0].flows, d
    if kinds is not None:
        assert paths[0].kinds == kinds
    assert hint_for(paths)[0] == key


def test_why_command_prints_steps_with_source_lines():
    p = why("main.go:16")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[:7] == [
        "./main.go:16:2: moved to heap: t  (in ret)",
        "  why: t escapes to heap in ret",
        "    ~r0 ← &t",
        "      1. &t: its address is taken  [address-of] at ./main.go:17:9",
        "           | return &t",
        "      2. return &t: returned  [return] at ./main.go:17:2",
        "           | return &t",
    ]
    assert f"  hint: {HINT_TEXT['return']}" in p.stdout


def test_why_with_column_and_without_a_decision():
    p = why("main.go:39:15")
    assert p.returncode == 0 and p.stdout.startswith("./main.go:39:15: append escapes to heap")
    none = why("main.go:3")
    assert none.returncode == 1 and "no decision at main.go:3" in none.stderr
    bad = why("main.go")
    assert bad.returncode == 2 and "FILE.go:LINE" in bad.stderr


def test_every_heap_decision_in_the_fixtures_has_a_chain():
    missing = []
    for d in sorted(p for p in FIXTURES.iterdir() if (p / "expected-m2.txt").exists()):
        files = [(p, f"./{p.name}", p.read_bytes()) for p in sorted(d.glob("*.go"))
                 if not p.name.endswith("_test.go")]
        res = analyze_files(files, explain=True)
        for dec in res.decisions:
            if dec.is_heap and not any(p.flows for p in parse_explanation(dec.explanation)):
                missing.append(f"{d.name}: {dec.compiler_line()}")
    assert not missing, "\n".join(missing[:20])




def test_json_explain_carries_the_path_as_steps():
    import json

    import jsonschema

    p = subprocess.run([sys.executable, "-m", "escape", "check", "--explain", "-f", "json",
                        "main.go"], cwd=TYPICAL, capture_output=True, text=True, timeout=300)
    doc = json.loads(p.stdout)
    schema = FIXTURES.parent / "escape" / "schemas" / "escape-output.schema.json"
    jsonschema.validate(doc, json.loads(schema.read_text()))
    ret = next(d for d in doc["packages"][0]["decisions"] if d["line"] == 16)
    assert ret["path"][0]["flows"][0]["notes"] == [
        {"where": "&t", "why": "address-of", "at": "./main.go:17:9"},
        {"where": "return &t", "why": "return", "at": "./main.go:17:2"}]
