"""The command line as a user runs it: exit codes, streams, JSON output against its schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

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


def test_json_output_validates_against_schema(tmp_path):
    (tmp_path / "main.go").write_text(
        'package main\n\nimport "fmt"\n\nfunc main() {\n\tx := 1\n\tfmt.Println(&x)\n}\n')
    (tmp_path / "gen.go").write_text(
        "package main\n\nfunc Id[T any](v T) T { return v }\n")
    p = run("check", "-l", "--format", "json", ".", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
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
