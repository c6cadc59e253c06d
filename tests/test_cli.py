"""The command line as a user runs it: exit codes, streams, JSON output against its schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "escape" / "schemas" / "escape-output.schema.json"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "escape", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_text_output_is_the_compiler_lines():
    p = run("check", "-l", "main.go", cwd=ROOT / "examples" / "hello")
    assert p.returncode == 0
    want = (ROOT / "fixtures" / "basic_ptr" / "expected.txt").read_text()
    p2 = run("check", "-l", "main.go", cwd=ROOT / "fixtures" / "basic_ptr")
    assert p2.stdout == want
    assert "./main.go:9:2: moved to heap: p" in p.stdout.splitlines()


# a file with a construct escape does not analyze (reported as a diagnostic)
UNSUPPORTED_GEN = ("package main\n\nvar x int\n\nfunc seq(func(int) bool) {}\n\n"
                   "func f() {\n\tfor x = range seq {\n\t}\n}\n")


def test_json_output_validates_against_schema(tmp_path):
    (tmp_path / "main.go").write_text(
        'package main\n\nimport "fmt"\n\nfunc main() {\n\tx := 1\n\tfmt.Println(&x)\n}\n')
    (tmp_path / "gen.go").write_text(
        UNSUPPORTED_GEN)
    p = run("check", "-l", "--format", "json", ".", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert doc["exit_status"] == 0 and doc["violations"] == []
    decisions = doc["packages"][0]["decisions"]
    assert {"kind": "moved_to_heap", "subject": "x", "line": 6} == {
        k: decisions[0][k] for k in ("kind", "subject", "line")}
    assert any(d["severity"] == "unsupported" for d in doc["packages"][0]["diagnostics"])


def test_bad_inputs_exit_2_and_keep_other_results(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "main.go").write_text("package main\n\nvar g *int\n\nfunc f(p *int) { g = p }\n")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "main.go").write_text("package main\n\nfunc f() { x := }\n")
    p = run("check", "-l", "./...", cwd=tmp_path)
    assert p.returncode == 2
    assert "good/main.go:5:8: leaking param: p" in p.stdout
    assert p.stderr.startswith("bad/main.go:3:") and "syntax error" in p.stderr
    assert "Traceback" not in p.stderr
    missing = run("check", "-l", "nothere.go", cwd=tmp_path)
    assert missing.returncode == 2 and "nothere.go" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_output_is_deterministic(tmp_path):
    a = run("check", "-l", "./...", cwd=ROOT / "fixtures")
    b = subprocess.run([sys.executable, "-m", "escape", "check", "-l", "./..."],
                       cwd=ROOT / "fixtures", capture_output=True, text=True, timeout=300,
                       env={**__import__("os").environ, "PYTHONHASHSEED": "123"})
    assert a.stdout == b.stdout and a.stdout


def test_version():
    p = run("--version", cwd=ROOT)
    assert p.returncode == 0 and "go1.27.3" in p.stdout


SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json"

POLICY_SRC = """package main

var sink *int

//escape:noleak
func keep(p *int) *int {
	return p
}

func main() {
	x := 1 //escape:stack
	sink = &x
	y := 2 //escape:heap-ok shared with the logger
	sink = &y
	z := 3
	sink = keep(&z)
}
"""


def test_sarif_output_validates_against_the_official_schema(tmp_path):
    (tmp_path / "main.go").write_text(POLICY_SRC)
    (tmp_path / "gen.go").write_text(UNSUPPORTED_GEN)
    p = run("check", "-l", "--format", "sarif", ".", cwd=tmp_path)
    assert p.returncode == 1, p.stderr  # the two annotations are violated
    doc = json.loads(p.stdout)
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    sarif_run = doc["runs"][0]
    rules = [r["id"] for r in sarif_run["tool"]["driver"]["rules"]]
    results = sarif_run["results"]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    by_rule = {(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"][
        "startLine"]) for r in results}
    assert ("escape:stack", "error", 11) in by_rule      # violated: x moved to heap
    assert ("escape:noleak", "error", 6) in by_rule      # p leaks to the result
    assert ("moved_to_heap", "warning", 13) in by_rule   # y: a heap decision, not a violation
    assert ("leaking_param_to_result", "note", 6) not in by_rule  # reported as a violation
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "main.go"
               for r in results)
    notes = sarif_run["invocations"][0]["toolExecutionNotifications"]
    assert any("unsupported" in n["message"]["text"] for n in notes)


def test_only_and_quiet(tmp_path):
    (tmp_path / "main.go").write_text(POLICY_SRC)
    every = run("check", "-l", "main.go", cwd=tmp_path)
    heap = run("check", "-l", "--only", "heap", "main.go", cwd=tmp_path)
    assert heap.stdout.splitlines() == [ln for ln in every.stdout.splitlines()
                                        if "moved to heap" in ln or "escapes to heap" in ln]
    assert heap.stdout and "leaking param" in every.stdout and "leaking" not in heap.stdout
    quiet = run("check", "-q", "main.go", cwd=tmp_path)
    assert quiet.stdout == "" and quiet.returncode == 1
    assert "./main.go:11:2: //escape:stack violated: moved to heap: x" in quiet.stderr
    bad = run("check", "--only", "hepa", "main.go", cwd=tmp_path)
    assert bad.returncode == 2 and "did you mean heap?" in bad.stderr


def test_fail_on_policies(tmp_path):
    (tmp_path / "main.go").write_text(POLICY_SRC)
    never = run("check", "--fail-on", "never", "main.go", cwd=tmp_path)
    assert never.returncode == 0 and "violated" not in never.stderr
    heap = run("check", "-q", "--fail-on", "heap", "main.go", cwd=tmp_path)
    assert heap.returncode == 1
    lines = heap.stderr.splitlines()
    assert "./main.go:15:2: heap allocation: moved to heap: z" in lines
    assert not any("heap allocation: moved to heap: y" in ln for ln in lines)  # heap-ok
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "main.go").write_text("package main\n\nfunc main() {\n\tx := 1\n\t_ = &x\n}\n")
    assert run("check", "--fail-on", "heap", ".", cwd=clean).returncode == 0
    assert run("check", "--fail-on", "new", ".", cwd=clean).returncode == 2


def test_colour_only_when_asked_or_on_a_terminal(tmp_path):
    (tmp_path / "main.go").write_text(POLICY_SRC)
    plain = run("check", "main.go", cwd=tmp_path)
    assert "\x1b[" not in plain.stdout + plain.stderr  # pipes are not terminals
    forced = run("check", "--color", "always", "main.go", cwd=tmp_path)
    assert "\x1b[" in forced.stdout and "\x1b[" in forced.stderr
    for fmt in ("json", "sarif"):
        out = run("check", "--color", "always", "--format", fmt, "main.go", cwd=tmp_path)
        assert "\x1b[" not in out.stdout
        json.loads(out.stdout)


def test_help_for_every_command():
    for args in (["--help"], ["check", "--help"], ["baseline", "write", "--help"],
                 ["hook", "--help"]):
        p = run(*args, cwd=ROOT)
        assert p.returncode == 0 and "Usage" in p.stdout, args
    assert "--fail-on" in run("check", "--help", cwd=ROOT).stdout


def _tree(tmp_path: Path) -> Path:
    for i in range(4):
        d = tmp_path / "tree" / f"p{i}"
        d.mkdir(parents=True)
        (d / "p.go").write_text(f"package p{i}\n\nvar sink *int\n\nfunc F(p *int) {{ sink = p }}\n"
                                f"\nfunc G() {{\n\tx := {i}\n\tsink = &x\n}}\n")
    return tmp_path / "tree"


def test_parallel_output_equals_serial(tmp_path):
    tree = _tree(tmp_path)
    serial = run("check", "-l", "-j", "1", "--no-cache", "./...", cwd=tree)
    parallel = run("check", "-l", "-j", "3", "--no-cache", "./...", cwd=tree)
    assert serial.returncode == parallel.returncode == 0
    assert serial.stdout == parallel.stdout and serial.stderr == parallel.stderr
    assert serial.stdout.count("moved to heap: x") == 4


def test_cache_is_used_and_invalidated_by_edits(tmp_path):
    tree = _tree(tmp_path)
    env = {**os.environ, "ESCAPE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("ESCAPE_NO_CACHE", None)

    def check() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "escape", "check", "-l", "./..."],
                              cwd=tree, env=env, capture_output=True, text=True, timeout=300)

    first = check()
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    assert first.returncode == 0 and len(entries) == 4
    assert check().stdout == first.stdout
    # A planted entry shows that a hit is read, not recomputed.
    for e in entries:
        e.write_text(e.read_text().replace("moved to heap: x", "moved to heap: planted"))
    assert check().stdout.count("moved to heap: planted") == 4
    # Editing a file changes its package's key: that package is analyzed again.
    (tree / "p0" / "p.go").write_text((tree / "p0" / "p.go").read_text() + "\n// edited\n")
    again = check()
    assert again.stdout.count("moved to heap: planted") == 3
    assert "p0/p.go:8:2: moved to heap: x" in again.stdout
    nocache = subprocess.run([sys.executable, "-m", "escape", "check", "--no-cache", "./..."],
                             cwd=tree, env=env, capture_output=True, text=True, timeout=300)
    assert "planted" not in nocache.stdout


def test_explain_prints_the_compilers_m2_output():
    for name in ("basic_ptr", "x_explain_closures", "w_why_typical"):
        d = ROOT / "fixtures" / name
        p = run("check", "-l", "--explain", ".", cwd=d)
        assert p.returncode == 0, p.stderr
        assert p.stdout == (d / "expected-m2.txt").read_text(), name


def test_std_positions_follow_the_working_directory_through_the_cache(tmp_path):
    """Generic std code prints at GOROOT positions spelled for the current directory (as
    the go command does); a cached result made elsewhere must not change that."""
    import shutil as _shutil
    if _shutil.which("go") is None:
        pytest.skip("go is not on PATH")
    pkg = tmp_path / "a" / "b"
    pkg.mkdir(parents=True)
    (pkg / "main.go").write_text(
        'package main\n\nimport "slices"\n\nfunc main() {\n'
        '\ts := []string{"b", "a"}\n\tslices.Reverse(s)\n\tprintln(s[0])\n}\n')
    env = dict(os.environ, ESCAPE_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("ESCAPE_NO_CACHE", None)

    def std_files(cwd: Path, target: str) -> set[Path]:
        p = subprocess.run([sys.executable, "-m", "escape", "check", "-l", target], cwd=cwd,
                           capture_output=True, text=True, timeout=300, env=env)
        assert p.returncode == 0, p.stderr
        out = {(cwd / ln.split(":", 1)[0]).resolve() for ln in p.stdout.splitlines()
               if "slices/slices.go" in ln}
        assert out, p.stdout
        return out
    first = std_files(pkg, ".")
    assert std_files(tmp_path, "a/b") == first  # the second run is a cache hit
    assert all(f.is_file() for f in first)
