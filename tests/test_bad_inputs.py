"""Bad and hostile inputs through the real command line: one-line messages, the right
exit status, no traceback, and the good packages of the same run still printed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_SRC = "package main\n\nvar g *int\n\nfunc f(p *int) { g = p }\n"
GOOD_LINE = "good/main.go:5:8: leaking param: p"


def run(*args: str, cwd: Path, timeout: float = 120, env: dict | None = None
        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "escape", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def clean(p: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout, p.stderr
    assert "RecursionError" not in p.stderr


def write(d: Path, name: str, data: str | bytes) -> Path:
    f = d / name
    f.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        f.write_bytes(data)
    else:
        f.write_text(data)
    return f


# ------------------------------------------------------------------ syntax errors

# (source, the compiler's first error, as `go build` prints it). Each is checked against
# the compiler too when go 1.27.3 is on PATH (test_syntax_errors_match_the_compiler).
SYNTAX = {
    "missing_rhs": ("package main\n\nfunc f() {\n\tx := }\n",
                    "4:7: syntax error: unexpected }, expected expression"),
    "assign_op": ("package main\n\nfunc f() {\n\tx := 1\n\tx +=\n}\n",
                  "6:1: syntax error: unexpected }, expected expression"),
    "eof_in_func": ("package main\n\nfunc f() {\n\tx := 1\n\t_ = x\n",
                    "6:1: syntax error: unexpected EOF, expected }"),
    "two_stmts": ("package main\n\nfunc f() {\n\tx := 1 y := 2\n\t_, _ = x, y\n}\n",
                  "4:9: syntax error: unexpected name y at end of statement"),
    "literal_at_end": ("package main\n\nfunc f() {\n\tx := 1 2\n}\n",
                       "4:9: syntax error: unexpected literal 2 at end of statement"),
    "incdec": ("package main\n\nfunc f() {\n\tx := 1\n\tx++ ++\n}\n",
               "5:6: syntax error: unexpected ++ at end of statement"),
    "toplevel_stmt": ("package main\n\nx := 1\n",
                      "3:1: syntax error: non-declaration statement outside function body"),
    "toplevel_name": ("package main\n\nfoo\n",
                      "3:1: syntax error: non-declaration statement outside function body"),
    "extra_brace": ("package main\n\nfunc f() {\n}\n}\n",
                    "5:1: syntax error: non-declaration statement outside function body"),
    "import_after": ("package main\n\nfunc f() {}\n\nimport \"fmt\"\n",
                     "5:1: syntax error: imports must appear before other declarations"),
    "missing_paren": ("package main\n\nfunc f() {\n\tg(1, 2\n}\n\nfunc g(int, int) {}\n",
                      "4:8: syntax error: unexpected newline in argument list; possibly "
                      "missing comma or )"),
    "missing_comma": ("package main\n\nfunc g(int, int) {}\n\nfunc f() {\n\tg(1 2)\n}\n",
                      "6:6: syntax error: unexpected literal 2 in argument list; possibly "
                      "missing comma or )"),
    "semi_in_parens": ("package main\n\nfunc f() {\n\tx := (1;\n}\n",
                       "4:9: syntax error: unexpected semicolon, expected )"),
    "for_header": ("package main\n\nfunc f() {\n\tfor i := 0; i < 10 {\n\t}\n}\n",
                   "4:21: syntax error: unexpected {, expected semicolon or newline"),
    "else_stmt": ("package main\n\nfunc f(b bool) {\n\tif b {\n\t} else b = true\n}\n",
                  "5:9: syntax error: else must be followed by if or statement block"),
    "dot_brace": ("package main\n\nfunc f() {\n\tx.\n}\n",
                  "5:1: syntax error: unexpected }, expected name or ("),
    "func_no_paren": ("package main\n\nfunc f() {\n\tx := func\n}\n",
                      "5:1: syntax error: unexpected }, expected ("),
    "binop_eol": ("package main\n\nfunc f() int {\n\treturn 1 +\n}\n",
                  "5:1: syntax error: unexpected }, expected expression"),
    "return_comma": ("package main\n\nfunc f() (int, int) {\n\treturn 1,\n}\n",
                     "5:1: syntax error: unexpected }, expected expression"),
    "case_in_block": ("package main\n\nfunc f() {\n\tcase 1:\n}\n",
                      "4:2: syntax error: unexpected keyword case, expected }"),
    "struct_comma": ("package main\n\ntype T struct {\n\tx int,\n}\n",
                     "4:7: syntax error: unexpected comma in struct type; possibly missing "
                     "semicolon or newline or }"),
    "var_no_type": ("package main\n\nvar x\n",
                    "3:6: syntax error: unexpected newline, expected type"),
    "bad_char": ("package main\n\nvar s = 1 @ 2\n", "3:11: invalid character U+0040 '@'"),
    "newline_in_string": ("package main\n\nvar s = \"abc\n", "3:13: newline in string"),
}


@pytest.fixture(scope="module")
def syntax_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("syntax")
    write(d, "good/main.go", GOOD_SRC)
    for name, (src, _want) in SYNTAX.items():
        write(d, f"{name}/main.go", src)
    return d


def test_syntax_errors_one_run(syntax_dir: Path) -> None:
    """All broken packages and a good one on one command line: each broken file gets its
    first error, in the compiler's words, and the good package is still analyzed."""
    p = run("check", "-l", "./...", cwd=syntax_dir)
    clean(p)
    assert p.returncode == 2
    assert GOOD_LINE in p.stdout.splitlines()
    errs = p.stderr.splitlines()
    for name, (_src, want) in SYNTAX.items():
        assert f"{name}/main.go:{want}" in errs, (name, [e for e in errs if name in e])
    assert len(errs) == len(SYNTAX), errs  # one line per file


@pytest.mark.skipif(shutil.which("go") is None, reason="needs go 1.27.3")
def test_syntax_errors_match_the_compiler(syntax_dir: Path) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from gocompiler import go_binary, go_env

    go = go_binary()
    if go is None:
        pytest.skip("needs go 1.27.3")
    for name, (_src, want) in SYNTAX.items():
        c = subprocess.run([go, "build", "-gcflags=-e", "-o", os.devnull, "main.go"],
                           cwd=syntax_dir / name, capture_output=True, text=True,
                           env=go_env(), timeout=120)
        first = next(ln for ln in c.stderr.splitlines() if ln and not ln.startswith("#"))
        assert first.split(":", 1)[1] == want, (name, first)


# ------------------------------------------------------------------ bad paths and files


def _bad_inputs(d: Path) -> dict[str, tuple[list[str], int, str]]:
    """name -> (command-line paths, exit status, a fragment of the one-line message)."""
    write(d, "good/main.go", GOOD_SRC)
    (d / "nogo").mkdir()
    write(d, "nogo/README.txt", "not go\n")
    write(d, "empty/e.go", "")
    write(d, "onlypkg/p.go", "package main\n")
    write(d, "latin1/l.go", b"package main\n\n// caf\xe9\nvar s = \"\xe9\"\n")
    write(d, "binary/b.go", bytes(range(256)) * 8)
    write(d, "twopkg/a.go", "package a\n\nfunc A(p *int) *int { return p }\n")
    write(d, "twopkg/b.go", "package b\n\nfunc B(p *int) *int { return p }\n")
    write(d, "tests/x.go", "package main\n\nfunc G(p *int) *int { return p }\n")
    write(d, "tests/x_test.go", "package main\n\nvar h *int\n\nfunc T(p *int) { h = p }\n")
    return {
        "missing_file": (["nothere.go"], 2, "nothere.go: no such file or directory"),
        "missing_dir": (["nodir/"], 2, "nodir: directory not found"),
        "no_go_files": (["./nogo"], 2, "no Go files in"),
        "empty_file": (["./empty"], 2, "empty/e.go:1:1: expected 'package', found 'EOF'"),
        "not_utf8": (["./latin1"], 2, "latin1/l.go:3:7: illegal UTF-8 encoding"),
        "binary": (["./binary"], 2, "binary/b.go: unexpected NUL in input"),
        "two_packages": (["./twopkg"], 2, "found packages a (a.go) and b (b.go)"),
        "two_package_files": (["twopkg/a.go", "twopkg/b.go"], 2,
                              "found packages a (a.go) and b (b.go)"),
    }


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    d = tmp_path_factory.mktemp("bad")
    return d, _bad_inputs(d)


BAD_NAMES = ["missing_file", "missing_dir", "no_go_files", "empty_file", "not_utf8",
             "binary", "two_packages", "two_package_files"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_input(bad_dir: tuple[Path, dict], name: str) -> None:
    d, table = bad_dir
    paths, status, fragment = table[name]
    p = run("check", "-l", *paths, cwd=d)
    clean(p)
    assert p.returncode == status, p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln]
    assert len(lines) == 1, lines
    assert fragment in lines[0], lines[0]
    if name == "two_package_files":
        # the go command fails the whole command; escape keeps the first file's package
        assert p.stdout == "twopkg/a.go:3:8: leaking param: p to result ~r0 level=0\n"
    else:
        assert p.stdout == ""


def test_bad_inputs_together_keep_the_good_package(bad_dir: tuple[Path, dict]) -> None:
    d, _table = bad_dir
    p = run("check", "-l", "./good", "./nogo", "./empty", "./latin1", "./binary", "./twopkg",
            "./onlypkg", cwd=d)
    clean(p)
    assert p.returncode == 2
    assert p.stdout.splitlines() == [GOOD_LINE]
    assert len(p.stderr.splitlines()) == 5, p.stderr  # one line per bad package


def test_package_clause_only_is_empty_and_fine(bad_dir: tuple[Path, dict]) -> None:
    d, _table = bad_dir
    p = run("check", "-l", "onlypkg/p.go", cwd=d)
    clean(p)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")


def test_test_files_only_when_named(bad_dir: tuple[Path, dict]) -> None:
    d, _table = bad_dir
    p = run("check", "-l", "./tests", cwd=d)
    clean(p)
    assert p.returncode == 0
    assert p.stdout == "tests/x.go:3:8: leaking param: p to result ~r0 level=0\n"
    named = run("check", "-l", "x_test.go", cwd=d / "tests")
    clean(named)
    assert named.returncode == 0
    assert named.stdout == "./x_test.go:5:8: leaking param: p\n"


# ------------------------------------------------------------------ unsupported constructs

UNSUPPORTED_SRC = """package main

func seq(yield func(int) bool) {}

var g *int

type List[T any] = []T

type Set[T comparable] = map[T]bool

func a(p *int) int { x := 0; for x = range seq { _ = x }; return x }

func c(p *int) *int { g = p; return p }

func d(q *int) List[*int] { return List[*int]{q} }
"""


def test_unsupported_once_per_kind_per_function(tmp_path: Path) -> None:
    write(tmp_path, "u/main.go", UNSUPPORTED_SRC)
    write(tmp_path, "good/main.go", GOOD_SRC)
    p = run("check", "-l", "./u", "./good", cwd=tmp_path)
    clean(p)
    assert p.returncode == 0
    errs = p.stderr.splitlines()
    # reported once, at the loop; generic aliases are analyzed, not reported
    assert errs == ["u/main.go:11:30: unsupported: range over function assigning existing "
                    "variables"], errs
    assert "u/main.go:15:46: []*int{...} escapes to heap" in p.stdout.splitlines()
    out = p.stdout.splitlines()
    # conservative: the arguments of the opaque generic callee leak, never "does not escape"
    assert "u/main.go:13:8: leaking param: p" in out
    assert not any("q does not escape" in ln for ln in out)
    assert GOOD_LINE in out


# ------------------------------------------------------------------ hostile shapes

N = 10_000


def _hostile(d: Path) -> dict[str, str]:
    srcs = {
        "nested_parens": "package main\n\nfunc f(p *int) int {\n\tx := " + "(" * N + "*p"
                         + ")" * N + "\n\treturn x\n}\n",
        "nested_blocks": "package main\n\nvar g *int\n\nfunc f(p *int) {\n" + "{\n" * N
                         + "g = p\n" + "}\n" * N + "}\n",
        "nested_ifs": "package main\n\nvar g *int\n\nfunc f(p *int, b bool) {\n"
                      + "if b {\n" * N + "g = p\n" + "}\n" * N + "}\n",
        "long_line": "package main\n\nfunc f(p *int) int {\n\treturn "
                     + " + ".join(["*p"] * 20_000) + "\n}\n",
        "many_funcs": "package main\n\nvar g *int\n\n" + "".join(
            f"func f{i}(p *int) *int {{ if p == nil {{ return f{max(i - 1, 0)}(p) }}; "
            "return p }\n" for i in range(3000)),
        "huge_const": "package main\n\nconst c = " + " + ".join(["1<<100"] * 3000)
                      + "\nconst d = 1" + "<<1" * 60 + "\nconst e = 1 << 500\n\n"
                      "func f() float64 { x := float64(c) + float64(d) + float64(e); "
                      "return x }\n",
    }
    # a 5 MB generated file: a data table (the usual shape of generated Go) and functions
    rows = ["\t" + ", ".join(f"0x{(i * 2654435761 + j) & 0xFFFFFFFF:08x}" for j in range(12))
            + "," for i in range(5_000_000 // 400)]
    big = ("package main\n\nvar g *int\n\nvar blob = `" + ("x" * 99 + "\n") * 30_000 + "`\n\n"
           "var table = [...]uint32{\n" + "\n".join(rows[:2000]) + "\n}\n\n"
           + "".join(f"func h{i}(p *int) *int {{ return p }}\n" for i in range(200))
           + "func k(p *int) uint32 { g = p; return table[*p] }\n")
    big += "// " + "y" * (5_000_000 - len(big)) + "\n"
    srcs["five_mb"] = big
    for name, src in srcs.items():
        write(d, f"{name}/main.go", src)
    return srcs


def test_hostile_shapes(tmp_path: Path) -> None:
    srcs = _hostile(tmp_path)
    assert len(srcs["five_mb"]) >= 5_000_000
    write(tmp_path, "good/main.go", GOOD_SRC)
    p = run("check", "-l", "./...", cwd=tmp_path, timeout=240)
    clean(p)
    assert p.returncode == 0, p.stderr[-2000:]
    out = p.stdout.splitlines()
    assert GOOD_LINE in out
    assert "nested_blocks/main.go:5:8: leaking param: p" in out
    assert "nested_ifs/main.go:5:8: leaking param: p" in out
    assert "nested_parens/main.go:3:8: p does not escape" in out
    assert "long_line/main.go:3:8: p does not escape" in out
    assert sum(1 for ln in out if ln.startswith("many_funcs/")) == 3000
    k_line = srcs["five_mb"][:srcs["five_mb"].index("func k(")].count("\n") + 1
    assert f"five_mb/main.go:{k_line}:8: leaking param: p" in out
    assert sum(1 for ln in out if ln.startswith("five_mb/")) == 201
    assert not any("internal error" in ln for ln in p.stderr.splitlines()), p.stderr[-2000:]


# ------------------------------------------------------------------ determinism


def test_same_bytes_whatever_the_hash_seed_and_cwd(tmp_path: Path) -> None:
    """Same bytes for any PYTHONHASHSEED, from the package directory or its parent (paths
    aside). Named files keep their command-line order, as the compiler does (its output
    follows that order); the directory form gives them in sorted order."""
    pkg = tmp_path / "pkg"
    files = sorted((ROOT / "fixtures" / "a_multifile_methods").glob("*.go"))
    assert len(files) >= 2
    for f in files:
        write(pkg, f.name, f.read_bytes())
    names = [f.name for f in files]
    a = run("check", "-l", *names, cwd=pkg, env={"PYTHONHASHSEED": "1"})
    b = run("check", "-l", ".", cwd=pkg, env={"PYTHONHASHSEED": "2"})
    c = run("check", "-l", "./pkg", cwd=tmp_path, env={"PYTHONHASHSEED": "3"})
    d = run("check", "-l", *[f"pkg/{n}" for n in names], cwd=tmp_path,
            env={"PYTHONHASHSEED": "random"})
    for p in (a, b, c, d):
        clean(p)
        assert p.returncode == 0
    assert a.stdout and a.stdout == b.stdout
    assert a.stderr == b.stderr
    assert c.stdout == d.stdout == a.stdout.replace("./", "pkg/")
    r = run("check", "-l", *reversed(names), cwd=pkg, env={"PYTHONHASHSEED": "4"})
    assert sorted(r.stdout.splitlines()) == sorted(a.stdout.splitlines())


def test_mixed_packages_same_bytes_in_any_order(syntax_dir: Path) -> None:
    pkgs = ["./good", "./two_stmts", "./toplevel_stmt"]
    a = run("check", "-l", *pkgs, cwd=syntax_dir, env={"PYTHONHASHSEED": "7"})
    b = run("check", "-l", *reversed(pkgs), cwd=syntax_dir, env={"PYTHONHASHSEED": "8"})
    clean(a)
    assert a.returncode == b.returncode == 2
    assert sorted(a.stderr.splitlines()) == sorted(b.stderr.splitlines())
    assert a.stdout == b.stdout == GOOD_LINE + "\n"


# ------------------------------------------------------------------ standard library sample


@pytest.mark.skipif(shutil.which("go") is None, reason="needs go 1.27.3 (go list std)")
def test_stdlib_sample_sweep(tmp_path: Path) -> None:
    """The CI version of `python tools/stdsweep.py`: a fixed sample of small std packages,
    each within the per-package time limit, with no crash."""
    import json

    sys.path.insert(0, str(ROOT / "tools"))
    import stdsweep
    from gocompiler import go_binary

    if go_binary() is None:
        pytest.skip("needs go 1.27.3")
    out = tmp_path / "sweep.json"
    assert stdsweep.main(["--sample", "6", "--sample-max-lines", "1500", "-q",
                          "--timeout", "60", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert len(doc["packages"]) == 6
    for r in doc["packages"]:
        assert not r["crash"] and not r["timeout"], r
        assert r["status"] in (0, 2), r


# ------------------------------------------------------------------ internal errors

CRASHING_CLI = """
import sys
import escape.analyze as a
orig = a.PackageAnalysis.run
def run(self):
    if any(b"BOOM" in f.src for f in self.files):
        raise KeyError("boom")
    return orig(self)
a.PackageAnalysis.run = run
from escape.cli import main
sys.argv = ["escape", "check", "-l", "./..."]
main()
"""


def test_internal_error_is_per_package(tmp_path: Path) -> None:
    write(tmp_path, "good/main.go", GOOD_SRC)
    write(tmp_path, "boom/main.go", "package main\n\n// BOOM\nfunc f(p *int) {}\n")
    p = subprocess.run([sys.executable, "-c", CRASHING_CLI], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    clean(p)
    assert p.returncode == 3
    assert p.stdout.splitlines() == [GOOD_LINE]
    (err,) = p.stderr.splitlines()
    assert err.startswith("escape: internal error analyzing ") and "boom" in err
    assert "KeyError" in err and "report" in err


@pytest.mark.skipif(shutil.which("go") is None, reason="needs go 1.27.3 (its GOROOT)")
def test_std_directory_is_analyzed_as_its_package(tmp_path: Path) -> None:
    # a directory of the standard library is the package its import path names: the
    # FIPS module lays out no addresses statically, so its `var x = &T{...}` allocate
    from escape.driver import _import_path
    from escape.explain import default_goroot

    root = Path(default_goroot())
    field = root / "src/crypto/internal/fips140/edwards25519/field"
    if not field.is_dir():
        pytest.skip("no GOROOT sources")
    assert _import_path(field) == "crypto/internal/fips140/edwards25519/field"
    assert _import_path(tmp_path) == "main"
    p = run("check", "-l", ".", cwd=field)
    assert "./fe.go:38:14: &Element{...} escapes to heap" in p.stdout.splitlines(), p.stdout
    copy = tmp_path / "field"
    copy.mkdir()
    (copy / "fe.go").write_text((field / "fe.go").read_text())
    # elsewhere the same file is an ordinary package: its literal is static data
    q = run("check", "-l", ".", cwd=copy)
    out = q.stdout.splitlines()
    assert "./fe.go:41:7: leaking param: v to result ~r0 level=0" in out, q.stdout
    assert not any("fe.go:38:14" in ln for ln in out), q.stdout
