"""Annotations, baselines and --fail-on: the policy that makes CI fail on purpose."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from escape.decisions import Decision
from escape.policy import check_annotations, scan_annotations


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "escape", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def scan(src: str):
    return scan_annotations("./main.go", src.encode())


def test_annotation_targets_own_line_and_line_below():
    found = scan("package main\n\nfunc f() {\n\t//escape:stack\n\n\t// why\n\tx := 1\n"
                 "\ty := 2 //escape:stack\n\t_, _ = x, y\n}\n")
    assert [(a.name, a.line, a.target) for a in found.items] == [
        ("escape:stack", 4, 7), ("escape:stack", 8, 8)]
    assert not found.diagnostics


def test_function_annotations_cover_receiver_and_parameters():
    found = scan("package main\n\ntype T struct{}\n\n// M does things.\n//escape:noleak\n"
                 "func (t *T) M(\n\tp *int,\n) {}\n")
    (a,) = found.items
    assert a.on_function and a.func_lines == (7, 9)
    assert a.params == (((7, 6), (7, 12)), ((7, 14), (9, 2)))


def test_misspelt_and_malformed_annotations_are_errors_with_a_suggestion():
    found = scan("package main\n\n//escape:nolaek\nfunc f() {}\n\nfunc g() {\n"
                 "\tx := 1 //escape:heap-ok\n\t//escape:noleak\n\t_ = x\n\t//escapes:stack\n"
                 "\t//gcasert:noescape\n}\n//go:noinline\n//nolint:errcheck\n"
                 "//lint:ignore U1000 x\nfunc h() {}\n//gcassert:bce\nfunc k() {}\n")
    msgs = [(g.line, g.severity, g.message) for g in found.diagnostics]
    assert msgs == [
        (3, "error", "unknown annotation //escape:nolaek (did you mean //escape:noleak?)"),
        (7, "error", "//escape:heap-ok needs a reason: //escape:heap-ok why"),
        (8, "error", "//escape:noleak must be in the comment above a function declaration"),
        (10, "error", "unknown annotation //escapes:stack (did you mean //escape:stack?)"),
        (11, "error",
         "unknown annotation //gcasert:noescape (did you mean //gcassert:noescape?)"),
        (17, "warning", "//gcassert:bce is not checked by escape (only //gcassert:noescape is)"),
    ]


def test_strings_and_prose_are_not_annotations():
    assert not scan('package main\n\nvar s = "//escape:stak"\n').diagnostics
    prose = scan("package main\n\n// escape: the CSS escape grammar\n"
                 "// escape ::= unicode | '\\\\' [#x20-#x7E]\n//escape: nothing named\n"
                 "func f() {}\n")
    assert not prose.items and not prose.diagnostics


def _d(line: int, kind: str, msg: str, col: int = 2) -> Decision:
    return Decision("./main.go", line, col, kind, msg, "x", "f")


def test_check_stack_only_counts_heap_decisions_on_the_target_line():
    anns = scan("package main\n\nfunc f() {\n\t//escape:stack\n\tx := 1\n\t_ = x\n}\n").items
    decisions = [_d(5, "does_not_escape", "&x does not escape"), _d(6, "moved_to_heap", "m")]
    assert check_annotations(decisions, anns) == []
    bad = _d(5, "moved_to_heap", "moved to heap: x")
    (v,) = check_annotations([*decisions, bad], anns)
    assert v.decision is bad and v.rule == "escape:stack"


def test_gcassert_noescape_on_a_function_ignores_leaks_to_results():
    anns = scan("package main\n\n//gcassert:noescape\nfunc f(p *int) *int {\n\treturn p\n}\n"
                ).items
    to_result = _d(4, "leaking_param_to_result", "leaking param: p to result ~r0 level=0", 8)
    to_heap = _d(4, "leaking_param", "leaking param: p", 8)
    assert check_annotations([to_result], anns) == []
    assert len(check_annotations([to_heap], anns)) == 1


BASE_SRC = """package main

var sink []*int

func keep() {
	a := 1
	sink = append(sink, &a)
}

func main() {
	keep()
}
"""


def test_baseline_survives_unrelated_edits_and_catches_new_heap(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "main.go").write_text(BASE_SRC)
    w = run("baseline", "write", "./...", "-o", "escape-baseline.json", cwd=tmp_path)
    assert w.returncode == 0, w.stderr
    doc = json.loads((tmp_path / "escape-baseline.json").read_text())
    assert [(e["file"], e["function"], e["message"]) for e in doc["entries"]] == [
        ("pkg/main.go", "keep", "moved to heap: a"),
        ("pkg/main.go", "keep", "append escapes to heap")]
    ok = run("check", "--baseline", "escape-baseline.json", "./...", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    # Unrelated edits above move every line: the baseline still matches.
    (pkg / "main.go").write_text(BASE_SRC.replace("var sink", "// a comment\n\n\nvar sink"))
    assert run("check", "--baseline", "escape-baseline.json", "./...",
               cwd=tmp_path).returncode == 0
    # From another directory, paths still resolve against the baseline's own directory.
    assert run("check", "--baseline", "../escape-baseline.json", ".",
               cwd=pkg).returncode == 0
    # A new heap decision fails, and only it is reported.
    (pkg / "main.go").write_text(BASE_SRC.replace("keep()\n}", "keep()\n\tb := 2\n"
                                                  "\tsink = append(sink, &b)\n}"))
    bad = run("check", "-q", "--baseline", "escape-baseline.json", "./...", cwd=tmp_path)
    assert bad.returncode == 1
    assert [ln for ln in bad.stderr.splitlines() if "baseline" in ln and "main.go" in ln] == [
        "pkg/main.go:12:2: new heap allocation (not in baseline): moved to heap: b",
        "pkg/main.go:13:15: new heap allocation (not in baseline): append escapes to heap"]
    js = run("check", "--format", "json", "--baseline", "escape-baseline.json", "./...",
             cwd=tmp_path)
    doc = json.loads(js.stdout)
    assert js.returncode == 1 and doc["exit_status"] == 1
    assert [v["rule"] for v in doc["violations"]] == ["new", "new"]
    # Exempting the line passes again.
    (pkg / "main.go").write_text((pkg / "main.go").read_text().replace(
        "\tb := 2\n\tsink = append(sink, &b)\n",
        "\tb := 2 //escape:heap-ok kept for the test\n"
        "\tsink = append(sink, &b) //escape:heap-ok the test keeps it\n"))
    assert run("check", "--baseline", "escape-baseline.json", "./...",
               cwd=tmp_path).returncode == 0


def test_bad_baseline_files_are_one_line_errors(tmp_path):
    (tmp_path / "main.go").write_text(BASE_SRC)
    (tmp_path / "b.json").write_text("{not json")
    for name in ("b.json", "missing.json"):
        p = run("check", "--baseline", name, "main.go", cwd=tmp_path)
        assert p.returncode == 2 and "Traceback" not in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1 and name in p.stderr
