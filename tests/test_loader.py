"""Tests for escape.loader: turning PATH arguments into packages the way `go build` does.

Expected values were checked against go1.27.3 (GO111MODULE=off, CGO_ENABLED=0, linux/amd64);
the tests at the end repeat those comparisons against the real go command when it is present.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Make the working tree importable when the project is not installed (as tools/ does).
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from escape.loader import (  # noqa: E402
    LoadError,
    Package,
    load_packages,
    match_build_constraints,
)

ESCAPES = "package p\n\nfunc F() *int { x := 1; return &x }\n"


def write(root: Path, rel: str, text: str = "package p\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def names(pkg: Package) -> list[str]:
    return [f.path.name for f in pkg.files]


def displays(pkgs: list[Package]) -> list[str]:
    return [f.display for p in pkgs for f in p.files]


def load(args: list[str], cwd: Path, **kw: object) -> tuple[list[Package], list[str]]:
    return load_packages(args, cwd=cwd, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Build constraints


def mbc(src: str, name: str = "a.go", tags: set[str] | None = None, goos: str = "linux",
        goarch: str = "amd64") -> bool:
    return match_build_constraints(src.encode(), name, tags or set(), goos, goarch)


@pytest.mark.parametrize(
    ("expr", "goos", "goarch", "tags", "want"),
    [
        ("linux", "linux", "amd64", set(), True),
        ("linux", "windows", "amd64", set(), False),
        ("linux && amd64", "linux", "amd64", set(), True),
        ("linux && !amd64", "linux", "amd64", set(), False),
        ("(linux || darwin) && !cgo", "darwin", "arm64", set(), True),
        ("(linux || darwin) && !cgo", "windows", "amd64", set(), False),
        ("cgo", "linux", "amd64", set(), False),
        ("!cgo", "linux", "amd64", set(), True),
        ("unix", "linux", "amd64", set(), True),
        ("unix", "darwin", "arm64", set(), True),
        ("unix", "windows", "amd64", set(), False),
        ("unix", "js", "wasm", set(), False),
        ("gc", "linux", "amd64", set(), True),
        ("gccgo", "linux", "amd64", set(), False),
        ("go1.1", "linux", "amd64", set(), True),
        ("go1.27", "linux", "amd64", set(), True),
        ("go1.28", "linux", "amd64", set(), False),
        ("ignore", "linux", "amd64", set(), False),
        ("foo", "linux", "amd64", set(), False),
        ("foo", "linux", "amd64", {"foo"}, True),
        ("foo || bar", "linux", "amd64", {"bar"}, True),
        ("foo && bar", "linux", "amd64", {"bar"}, False),
        ("cgo", "linux", "amd64", {"cgo"}, True),
        ("amd64.v1", "linux", "amd64", set(), True),
        ("amd64.v2", "linux", "amd64", set(), False),
        ("arm64.v8.0", "linux", "arm64", set(), True),
        ("goexperiment.jsonv2", "linux", "amd64", set(), True),
        ("goexperiment.regabiargs", "linux", "386", set(), False),
        ("linux", "android", "arm64", set(), True),
        ("solaris", "illumos", "amd64", set(), True),
        ("darwin", "ios", "arm64", set(), True),
        ("android", "linux", "amd64", set(), False),
        ("!(windows || plan9)", "linux", "amd64", set(), True),
    ],
)
def test_go_build_expressions(expr: str, goos: str, goarch: str, tags: set[str],
                              want: bool) -> None:
    assert mbc(f"//go:build {expr}\n\npackage p\n", tags=tags, goos=goos, goarch=goarch) is want


@pytest.mark.parametrize(
    ("src", "want"),
    [
        ("package p\n", True),
        # //go:build needs no blank line after it; // +build does.
        ("//go:build ignore\npackage p\n", False),
        ("// +build ignore\npackage p\n", True),
        ("// +build ignore\n\npackage p\n", False),
        ("//+build ignore\n\npackage p\n", False),
        # Several // +build lines are ANDed; space is OR, comma is AND.
        ("// +build linux,amd64 darwin\n// +build !cgo\n\npackage p\n", True),
        ("// +build linux\n// +build cgo\n\npackage p\n", False),
        ("// +build windows darwin\n\npackage p\n", False),
        ("// +build !windows,!plan9\n\npackage p\n", True),
        ("// +build !!linux\n\npackage p\n", False),  # treated as "ignore"
        ("// +build !foo-bar\n\npackage p\n", True),  # !(invalid tag) is !ignore
        # A //go:build line wins over // +build lines.
        ("//go:build linux\n// +build ignore\n\npackage p\n", True),
        # Only the leading comment block counts.
        ("package p\n//go:build ignore\n", True),
        ("// hello\n// +build ignore\n\n// doc\npackage p\n", False),
        ("/*\n//go:build ignore\n*/\n\npackage p\n", True),
        ("/* c */\n//go:build ignore\n\npackage p\n", False),
        ("/* c */\n\n// +build ignore\n\npackage p\n", True),
        ("/* x */ //go:build ignore\n\npackage p\n", True),
        ("  //go:build ignore\n\npackage p\n", False),
        ("//go:build\tignore\n\npackage p\n", False),
        ("//go:buildignore\n\npackage p\n", True),
        ("\ufeff//go:build ignore\n\npackage p\n", False),  # a leading BOM is skipped
        ("//go:build ignore\r\n\r\npackage p\r\n", False),
    ],
)
def test_constraint_lines(src: str, want: bool) -> None:
    assert mbc(src) is want


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("//go:build linux &&", "unexpected end of expression"),
        ("//go:build !!linux", "double negation not allowed"),
        ("//go:build (linux", "missing close paren"),
        ("//go:build linux & amd64", "invalid syntax at &"),
        ("//go:build linux amd64", "unexpected token amd64"),
        ("//go:build", "unexpected end of expression"),
    ],
)
def test_bad_go_build_line(line: str, message: str) -> None:
    with pytest.raises(LoadError) as info:
        mbc(f"{line}\n\npackage p\n")
    assert str(info.value) == f"a.go: parsing //go:build line: {message}"


def test_multiple_go_build_lines() -> None:
    with pytest.raises(LoadError, match=r"^x\.go: multiple //go:build comments$"):
        mbc("//go:build linux\n//go:build amd64\n\npackage p\n", name="dir/x.go")


@pytest.mark.parametrize(
    ("name", "goos", "goarch", "want"),
    [
        ("x_linux.go", "linux", "amd64", True),
        ("x_windows.go", "linux", "amd64", False),
        ("x_amd64.go", "linux", "amd64", True),
        ("x_arm64.go", "linux", "amd64", False),
        ("x_linux_amd64.go", "linux", "amd64", True),
        ("x_linux_arm64.go", "linux", "amd64", False),
        ("x_windows_amd64.go", "linux", "amd64", False),
        ("x_windows_amd64.go", "windows", "amd64", True),
        ("linux.go", "windows", "amd64", True),  # needs a non-empty prefix
        ("windows_amd64.go", "linux", "amd64", True),  # only amd64 counts
        ("x_linux_test.go", "linux", "amd64", True),
        ("x_windows_test.go", "linux", "amd64", False),
        ("x_test.go", "linux", "amd64", True),
        ("x_nacl.go", "linux", "amd64", False),  # known to syslist, though unsupported
        ("x_zos.go", "linux", "amd64", False),
        ("x_sparc64.go", "linux", "amd64", False),
        ("x_foo.go", "linux", "amd64", True),
        ("x_linux.pb.go", "linux", "amd64", True),  # the name is cut at its first dot
        ("x_windows.pb.go", "linux", "amd64", False),
        ("x_amd64_linux.go", "linux", "arm64", True),  # only the last element is GOOS here
        ("x_linux.go", "android", "arm64", True),
        ("x_unix.go", "windows", "amd64", True),  # "unix" is not a file-name suffix
    ],
)
def test_file_name_suffixes(name: str, goos: str, goarch: str, want: bool) -> None:
    assert mbc("package p\n", name=name, goos=goos, goarch=goarch) is want


# ---------------------------------------------------------------------------------------------
# Directories


def test_directory_selection(tmp_path: Path) -> None:
    write(tmp_path, "b.go")
    write(tmp_path, "a.go")
    write(tmp_path, "a_test.go")
    write(tmp_path, "x_windows.go")
    write(tmp_path, "y_linux_amd64.go")
    write(tmp_path, "ign.go", "//go:build ignore\n\npackage p\n")
    write(tmp_path, "tagged.go", "//go:build mytag\n\npackage p\n")
    write(tmp_path, "_hidden.go")
    write(tmp_path, ".dot.go")
    write(tmp_path, "doc.go", "package documentation\n")
    write(tmp_path, "c.go", 'package p\n\nimport "C"\n')
    write(tmp_path, "notes.txt", "hello")
    (tmp_path / "dir.go").mkdir()
    pkgs, errs = load(["."], tmp_path)
    assert errs == []
    [pkg] = pkgs
    assert pkg.dir == tmp_path
    assert names(pkg) == ["a.go", "b.go", "y_linux_amd64.go"]
    assert [p.name for p in pkg.ignored] == ["c.go", "doc.go", "ign.go", "tagged.go",
                                             "x_windows.go"]
    assert all(p.is_absolute() for p in pkg.ignored)

    pkgs, errs = load(["."], tmp_path, tags=["mytag"], goos="windows")
    assert errs == []
    assert names(pkgs[0]) == ["a.go", "b.go", "tagged.go", "x_windows.go"]


def test_directory_files_are_sorted_by_name(tmp_path: Path) -> None:
    for n in ["z.go", "B.go", "a.go", "m_test.go", "_a.go"]:
        write(tmp_path, n)
    pkgs, errs = load(["."], tmp_path)
    assert errs == []
    assert names(pkgs[0]) == ["B.go", "a.go", "z.go"]


def test_xtest_files_do_not_conflict(tmp_path: Path) -> None:
    write(tmp_path, "a_test.go", "package p_test\n")
    write(tmp_path, "b.go", "package p\n")
    pkgs, errs = load(["."], tmp_path)
    assert errs == [] and names(pkgs[0]) == ["b.go"]


def test_header_is_read_like_go(tmp_path: Path) -> None:
    # `package p q` passes go/build (it stops reading after the name); the compiler complains.
    write(tmp_path, "c/x.go", "package p q\n")
    write(tmp_path, "e/x.go", 'package p; import "C"; import "fmt"\n')
    write(tmp_path, "f/x.go", 'package p\n\nimport (\n\t"fmt"\n\tc `C`\n)\n')
    write(tmp_path, "f/y.go", "package p\n")
    pkgs, errs = load(["./c", "./e", "./f"], tmp_path)
    assert [p.dir.name for p in pkgs] == ["c", "f"]
    assert names(pkgs[1]) == ["y.go"]
    assert [p.name for p in pkgs[1].ignored] == ["x.go"]
    assert errs == [f"package ./e: build constraints exclude all Go files in {tmp_path}/e"]


# ---------------------------------------------------------------------------------------------
# Named files


def test_named_files(tmp_path: Path) -> None:
    write(tmp_path, "sub/s.go")
    write(tmp_path, "sub/ign.go", "//go:build ignore\n\npackage p\n")
    write(tmp_path, "sub/w_windows.go")
    write(tmp_path, "sub/s_test.go")
    write(tmp_path, "sub/x_test.go", "package p_test\n")
    write(tmp_path, "sub/_u.go")
    write(tmp_path, "sub/c.go", 'package p\n\nimport "C"\n')
    args = ["sub/w_windows.go", "sub/s_test.go", "sub/s.go", "sub/ign.go", "sub/_u.go",
            "./sub/c.go", "sub/x_test.go"]
    pkgs, errs = load(args, tmp_path)
    assert errs == []
    [pkg] = pkgs
    assert pkg.dir == tmp_path / "sub"
    # Constraints do not apply to named files; go keeps the command-line order.
    assert names(pkg) == ["w_windows.go", "s_test.go", "s.go", "ign.go", "x_test.go"]
    assert [p.name for p in pkg.ignored] == ["c.go"]
    assert displays(pkgs)[:2] == ["sub/w_windows.go", "sub/s_test.go"]


def test_named_files_errors(tmp_path: Path) -> None:
    write(tmp_path, "sub/s.go")
    write(tmp_path, "sub/t.go")
    write(tmp_path, "other/o.go")
    write(tmp_path, "mixed/a.go", "package a\n")
    write(tmp_path, "mixed/b.go", "package b\n")
    write(tmp_path, "README")
    pkgs, errs = load(["./sub/s.go", "other/o.go", "sub/t.go", "sub/missing.go", "README",
                       "sub/../sub/s.go"], tmp_path)
    assert [names(p) for p in pkgs] == [["s.go", "t.go"]]
    # The named files are loaded together, where the first of them stands.
    assert errs == [
        "named files must all be in one directory; have sub and other",
        'package command-line-arguments: case-insensitive file name collision: "s.go" and "s.go"',
        "stat sub/missing.go: no such file or directory",
        "named files must be .go files: README",
    ]
    pkgs, errs = load(["mixed/a.go", "mixed/b.go"], tmp_path)
    assert [names(p) for p in pkgs] == [["a.go"]]
    assert errs == [f"found packages a (a.go) and b (b.go) in {tmp_path}/mixed"]


def test_named_files_that_go_drops(tmp_path: Path) -> None:
    write(tmp_path, "_u.go")
    write(tmp_path, "c.go", 'package p\n\nimport "C"\n')
    assert load(["_u.go"], tmp_path) == (
        [], [f"package command-line-arguments: no Go files in {tmp_path}"])
    assert load(["c.go"], tmp_path) == (
        [], [f"package command-line-arguments: build constraints exclude all Go files in "
             f"{tmp_path}"])


# ---------------------------------------------------------------------------------------------
# Patterns


def make_tree(root: Path) -> None:
    for d in ["a", "a/b", "testdata/t", "_u/x", ".h/y", "vendor", "vendor/v", "v2/vendor/w",
              "c/testdata/z", "_top/k", "a/b/c/d"]:
        write(root, f"{d}/f.go")
    write(root, "onlytest/f_test.go")
    write(root, "onlyign/f.go", "//go:build ignore\n\npackage p\n")
    write(root, "onlycgo/f.go", 'package p\n\nimport "C"\n')
    (root / "empty").mkdir()
    write(root, "nogo/readme.txt", "x")


def test_dot_dot_dot(tmp_path: Path) -> None:
    make_tree(tmp_path)
    pkgs, errs = load(["./..."], tmp_path)
    assert errs == []
    assert [str(p.dir.relative_to(tmp_path)) for p in pkgs] == [
        "a", "a/b", "a/b/c/d", "vendor"]
    assert displays(pkgs) == ["a/f.go", "a/b/f.go", "a/b/c/d/f.go", "vendor/f.go"]


@pytest.mark.parametrize(
    ("pattern", "dirs"),
    [
        ("./vendor/...", ["vendor", "vendor/v"]),
        ("./a/...", ["a", "a/b", "a/b/c/d"]),
        ("a/...", ["a", "a/b", "a/b/c/d"]),
        ("./a/.../d", ["a/b/c/d"]),
        ("./.../b", ["a/b"]),
        ("./a/b/...", ["a/b", "a/b/c/d"]),
        ("./a/b...", ["a/b", "a/b/c/d"]),
        ("./_u/x/...", ["_u/x"]),  # only the element holding ... is checked for _ and .
        ("./.h/y/...", [".h/y"]),
    ],
)
def test_pattern_matches(tmp_path: Path, pattern: str, dirs: list[str]) -> None:
    make_tree(tmp_path)
    pkgs, errs = load([pattern], tmp_path)
    assert errs == []
    assert [str(p.dir.relative_to(tmp_path)) for p in pkgs] == dirs


@pytest.mark.parametrize(
    "pattern",
    ["./testdata/...", "./_top/...", "./.h/...", "./c/...", "./v2/...", "./onlyign/...",
     "./onlycgo/...", "./empty/...", "./nogo/...", "./a/.../b"],
)
def test_pattern_matching_nothing(tmp_path: Path, pattern: str) -> None:
    make_tree(tmp_path)
    assert load([pattern], tmp_path) == ([], [f'warning: "{pattern}" matched no packages'])


def test_pattern_test_only_dirs_are_silently_omitted(tmp_path: Path) -> None:
    make_tree(tmp_path)
    assert load(["./onlytest/..."], tmp_path) == ([], [])


def test_pattern_missing_root(tmp_path: Path) -> None:
    assert load(["./nope/..."], tmp_path) == (
        [], ["pattern ./nope/...: lstat ./nope/: no such file or directory"])


def test_pattern_from_inside_and_absolute(tmp_path: Path) -> None:
    make_tree(tmp_path)
    pkgs, errs = load(["../..."], tmp_path / "a" / "b")
    assert errs == []
    assert displays(pkgs) == ["../f.go", "./f.go", "c/d/f.go"]
    pkgs, errs = load([f"{tmp_path}/a/..."], tmp_path / "a")
    assert errs == [] and displays(pkgs) == ["./f.go", "b/f.go", "b/c/d/f.go"]


def test_pattern_reports_broken_packages(tmp_path: Path) -> None:
    write(tmp_path, "ok/f.go")
    write(tmp_path, "mixed/a.go", "package a\n")
    write(tmp_path, "mixed/b.go", "package b\n")
    pkgs, errs = load(["./..."], tmp_path)
    assert [p.dir.name for p in pkgs] == ["ok"]
    assert errs == [f"found packages a (a.go) and b (b.go) in {tmp_path}/mixed"]


def test_duplicates_and_order(tmp_path: Path) -> None:
    make_tree(tmp_path)
    pkgs, errs = load(["./vendor", "./a/b", "./...", "./a"], tmp_path)
    assert errs == []
    assert [str(p.dir.relative_to(tmp_path)) for p in pkgs] == [
        "a", "a/b", "a/b/c/d", "vendor"]


# ---------------------------------------------------------------------------------------------
# Display paths (what `go build -gcflags=-m` prints)


def test_display_paths(tmp_path: Path) -> None:
    pkg = tmp_path / "p" / "sub"
    write(pkg, "s.go")
    (pkg / "x").mkdir()
    deep = tmp_path.joinpath(*["d"] * 60)  # ../ * 60 is longer than any temporary path
    deep.mkdir(parents=True)
    cases = [
        (pkg, ["."], "./s.go"),
        (pkg, ["s.go"], "./s.go"),
        (pkg, ["./s.go"], "./s.go"),
        (tmp_path / "p", ["./sub"], "sub/s.go"),
        (tmp_path / "p", ["sub/s.go"], "sub/s.go"),
        (tmp_path / "p", ["./sub/../sub"], "sub/s.go"),
        (pkg / "x", [".."], "../s.go"),
        (pkg / "x", ["../s.go"], "../s.go"),
        (pkg / "x", [str(pkg)], "../s.go"),
        (pkg / "x", [str(pkg / "s.go")], "../s.go"),
        (deep, [str(pkg / "s.go")], str(pkg / "s.go")),  # the absolute path is shorter
        (deep, [os.path.relpath(pkg, deep)], str(pkg / "s.go")),
        (Path("/"), [str(pkg)], str(pkg / "s.go")[1:]),
    ]
    for cwd, args, want in cases:
        pkgs, errs = load(args, cwd)
        assert errs == [], (cwd, args)
        assert displays(pkgs) == [want], (cwd, args)
        assert pkgs[0].files[0].path == pkg / "s.go"


def test_display_uses_pwd_when_it_names_the_cwd(tmp_path: Path, monkeypatch:
                                                 pytest.MonkeyPatch) -> None:
    real = tmp_path / "real"
    write(real, "pkg/s.go")
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.chdir(link)
    monkeypatch.setenv("PWD", str(link))
    pkgs, errs = load_packages(["./pkg", f"{real}/pkg/s.go"])
    assert errs == []
    assert pkgs[0].dir == link / "pkg"
    # go prints ../real/... for the real path (ShortPath is lexical, checked with stat).
    assert sorted(displays(pkgs)) == ["../real/pkg/s.go", "pkg/s.go"]


# ---------------------------------------------------------------------------------------------
# Errors


def test_directory_errors(tmp_path: Path) -> None:
    make_tree(tmp_path)
    write(tmp_path, "mixed/a.go", "package a\n")
    write(tmp_path, "mixed/b.go", "package b\n")
    write(tmp_path, "it/a_test.go")
    write(tmp_path, "it/b.go", "//go:build ignore\n\npackage p\n")
    write(tmp_path, "case/A.go")
    write(tmp_path, "case/a.go")
    write(tmp_path, "plus/+x.go")
    write(tmp_path, "plus/y.go")
    pkgs, errs = load(["./nonexist", "./empty", "./nogo", "./onlyign", "./onlycgo",
                       "./onlytest", "./mixed", "./it", "./case", "./plus", "./a"], tmp_path)
    assert [p.dir.name for p in pkgs] == ["a"]
    t = tmp_path
    assert errs == [
        f"stat {t}/nonexist: directory not found",
        f"package ./empty: no Go files in {t}/empty",
        f"package ./nogo: no Go files in {t}/nogo",
        f"package ./onlyign: build constraints exclude all Go files in {t}/onlyign",
        f"package ./onlycgo: build constraints exclude all Go files in {t}/onlycgo",
        f"_{t}/onlytest: no non-test Go files in {t}/onlytest",
        f"found packages a (a.go) and b (b.go) in {t}/mixed",
        f"_{t}/it: build constraints exclude all Go files in {t}/it",
        'package ./case: case-insensitive file name collision: "A.go" and "a.go"',
        'package ./plus: invalid input file name "+x.go"',
    ]


BAD_FILES = [
        ("func F() {}\n", "bad/x.go:1:1: expected 'package', found 'func'"),
        ("", "bad/x.go:1:1: expected 'package', found 'EOF'"),
        ("hello\nworld\n", "bad/x.go:1:1: expected 'package', found hello"),
        ("#!/bin/sh\npackage p\n", "bad/x.go:1:1: illegal character U+0023 '#'"),
        ("package\n\nfunc", "bad/x.go:3:1: expected 'IDENT', found 'func'"),
        ('package p\n\nimport (\n "fmt"\n x\n)\n', "bad/x.go:5:3: missing import path"),
        ('package p\nimport (\n "fmt"\n 1\n)\n', "bad/x.go:4:2: import path must be a string"),
        ("//go:build linux &&\n\npackage p\n",
         "x.go: parsing //go:build line: unexpected end of expression"),
        ("//go:build linux\n//go:build amd64\n\npackage p\n", "x.go: multiple //go:build comments"),
        # go/token puts EOF after a final newline on the last line, not on a new one.
        ("\n", "bad/x.go:1:2: expected 'package', found 'EOF'"),
        ('package p\nimport (\n', "bad/x.go:2:10: expected ')', found 'EOF'"),
        # The automatic semicolon sits at the first newline inside a /* */ comment.
        ("package p\nimport (\nimport_/*\n*/'ab')\n", "bad/x.go:3:10: missing import path"),
        ("package p\nimport . fmt\n", "bad/x.go:2:10: import path must be a string"),
        ("// caf\udce9\npackage p\n", "bad/x.go:1:7: illegal UTF-8 encoding"),
        ("// c\n\ufeffpackage p\n", "bad/x.go:2:1: illegal byte order mark"),
        ('package p\nimport "\\q"\n', "bad/x.go:2:10: unknown escape sequence"),
        ("0x1.8\n", "bad/x.go:1:6: hexadecimal mantissa requires a 'p' exponent"),
        ("1_\n", "bad/x.go:1:2: '_' must separate successive digits"),
        ("'ab'\n", "bad/x.go:1:1: illegal rune literal"),
        # A NUL that go/build's reader did not reach is go/parser's to report.
        ("func\x00\n", "bad/x.go:1:5: illegal character NUL"),
        # This one go prints with the absolute file name (it is not an ErrorList).
        ('package p\nimport "a b"\n', "{root}/bad/x.go:2:8: invalid import path: a b"),
]


@pytest.mark.parametrize(("src", "message"), BAD_FILES)
def test_bad_files(tmp_path: Path, src: str, message: str) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.go").write_bytes(src.encode("utf-8", "surrogateescape"))
    write(tmp_path, "bad/y.go")
    write(tmp_path, "good/g.go")
    pkgs, errs = load(["./bad", "./good"], tmp_path)
    assert [p.dir.name for p in pkgs] == ["good"]
    assert errs == [message.format(root=tmp_path)]


def test_nul_byte(tmp_path: Path) -> None:
    (tmp_path / "x.go").write_bytes(b"package p\n\x00\n")
    assert load(["."], tmp_path) == ([], [f"read {tmp_path}/x.go: unexpected NUL in input"])
    # A NUL after the imports is the compiler's business, not go/build's.
    (tmp_path / "x.go").write_bytes(b"package p\n\nvar s = \"\x00\"\n")
    assert names(load(["."], tmp_path)[0][0]) == ["x.go"]


def test_one_bad_argument_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, "good/g.go")
    write(tmp_path, "file/f.go")
    pkgs, errs = load(["./missing", "./good", "missing.go", "file/f.go", "./x/..."], tmp_path)
    assert [p.dir.name for p in pkgs] == ["file", "good"]
    assert len(errs) == 3


def test_tags_may_be_comma_separated(tmp_path: Path) -> None:
    write(tmp_path, "a.go", "//go:build foo && bar && baz\n\npackage p\n")
    write(tmp_path, "b.go")
    pkgs, _ = load(["."], tmp_path, tags=["foo,bar", "baz"])
    assert names(pkgs[0]) == ["a.go", "b.go"]


def test_default_argument_is_dot(tmp_path: Path) -> None:
    write(tmp_path, "a.go")
    pkgs, errs = load([], tmp_path)
    assert errs == [] and displays(pkgs) == ["./a.go"]


def test_unsupported_platform(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="unsupported GOOS/GOARCH pair linux/sparc"):
        load(["."], tmp_path, goarch="sparc")


# ---------------------------------------------------------------------------------------------
# Against the real go command


def _go() -> str | None:
    go = shutil.which("go")
    if go is None:
        return None
    try:
        out = subprocess.run([go, "version"], capture_output=True, text=True, timeout=60,
                             env=_go_env(Path("/nonexistent"))).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return go if " go1.27" in out else None


def _go_env(cache: Path, goos: str = "linux", goarch: str = "amd64") -> dict[str, str]:
    env = dict(os.environ)
    env.update(GOTOOLCHAIN="local", GOFLAGS="", GO111MODULE="off", GOCACHE=str(cache),
               CGO_ENABLED="0", GOOS=goos, GOARCH=goarch, GOENV="off")
    env.setdefault("HOME", str(cache))
    for var in ("GOAMD64", "GOARM", "GOARM64", "GO386", "GOEXPERIMENT"):
        env.pop(var, None)
    return env


GO = _go()
needs_go = pytest.mark.skipif(GO is None, reason="go1.27 is not on PATH")


def run_go(args: list[str], cwd: Path, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    assert GO is not None
    return subprocess.run([GO, *args], cwd=cwd, env=_go_env(cache, **env), capture_output=True,
                          text=True, timeout=300)


CONSTRAINT_FILES = {
    "plain.go": "package p\n",
    "a_test.go": "package p\n",
    "x_test.go": "package p_test\n",
    "f_linux.go": "package p\n",
    "f_windows.go": "package p\n",
    "f_darwin_arm64.go": "package p\n",
    "f_386.go": "package p\n",
    "f_wasm.go": "package p\n",
    "f_js.go": "package p\n",
    "f_nacl.go": "package p\n",
    "linux.go": "package p\n",
    "g_linux.pb.go": "package p\n",
    "g_arm64_windows.go": "package p\n",
    "h_windows_test.go": "package p\n",
    "unix.go": "//go:build unix\n\npackage p\n",
    "nounix.go": "//go:build !unix\n\npackage p\n",
    "gc.go": "//go:build gc && go1.27 && !go1.28\n\npackage p\n",
    "cgo.go": "//go:build cgo\n\npackage p\n",
    "nocgo.go": "//go:build !cgo\n\npackage p\n",
    "importc.go": 'package p\n\nimport "C"\n',
    "foo.go": "//go:build foo && !bar\n\npackage p\n",
    "foobar.go": "//go:build foo || bar\n\npackage p\n",
    "plus.go": "// +build linux,amd64 darwin\n// +build !cgo\n\npackage p\n",
    "plusfoo.go": "// +build foo\n\npackage p\n",
    "plusnoblank.go": "// +build ignore\npackage p\n",
    "gobuildnoblank.go": "//go:build ignore\npackage p\n",
    "afterpkg.go": "package p\n//go:build ignore\n",
    "block.go": "/*\n//go:build ignore\n*/\n\npackage p\n",
    "block2.go": "/* c */\n//go:build ignore\n\npackage p\n",
    "block3.go": "/* c */\n\n// +build ignore\n\npackage p\n",
    "indent.go": "\t //go:build ignore\n\npackage p\n",
    "both.go": "//go:build linux\n// +build ignore\n\npackage p\n",
    "levels.go": "//go:build amd64.v1 || arm64.v8.0 || 386.sse2 || wasm.satconv\n\npackage p\n",
    "regabi.go": "//go:build goexperiment.regabiargs\n\npackage p\n",
    "android.go": "//go:build android\n\npackage p\n",
    "doc.go": "package documentation\n",
    "_under.go": "package p\n",
    ".dot.go": "package p\n",
    "bom.go": "\ufeff//go:build ignore\n\npackage p\n",
    "crlf.go": "// +build ignore\r\n\r\npackage p\r\n",
    "ignoreme.go": "//go:build ignore\n\npackage p\n",
}


def _go_list_files(out: str) -> tuple[list[str], list[str]]:
    m = re.fullmatch(r"\[(.*)\] \[(.*)\]\n", out)
    assert m is not None, out
    return m.group(1).split(), m.group(2).split()


@needs_go
@pytest.mark.parametrize(
    ("goos", "goarch", "tags"),
    [
        ("linux", "amd64", []),
        ("linux", "amd64", ["foo"]),
        ("linux", "amd64", ["bar", "cgo"]),
        ("windows", "amd64", []),
        ("darwin", "arm64", ["foo", "bar"]),
        ("windows", "arm64", []),
        ("linux", "386", []),
        ("js", "wasm", []),
        ("android", "arm64", []),
        ("plan9", "386", []),
    ],
)
def test_selection_matches_go_list(tmp_path: Path, goos: str, goarch: str,
                                   tags: list[str]) -> None:
    pkg_dir = tmp_path / "pkg"
    for name, src in CONSTRAINT_FILES.items():
        write(pkg_dir, name, src)
    go_args = ["list", "-e", "-f", "{{.GoFiles}} {{.IgnoredGoFiles}}"]
    if tags:
        go_args.append("-tags=" + ",".join(tags))
    proc = run_go([*go_args, "."], pkg_dir, tmp_path / "cache", goos=goos, goarch=goarch)
    assert proc.returncode == 0, proc.stderr
    want_files, want_ignored = _go_list_files(proc.stdout)
    pkgs, errs = load(["."], pkg_dir, tags=tags, goos=goos, goarch=goarch)
    assert errs == []
    assert names(pkgs[0]) == want_files
    assert [p.name for p in pkgs[0].ignored] == want_ignored


@needs_go
def test_named_selection_matches_go_list(tmp_path: Path) -> None:
    pkg_dir = tmp_path / "pkg"
    for name, src in CONSTRAINT_FILES.items():
        if not name.endswith("_test.go"):
            write(pkg_dir, name, src)
    args = sorted(CONSTRAINT_FILES, reverse=True)
    args = [a for a in args if not a.endswith("_test.go")]
    proc = run_go(["list", "-e", "-f", "{{.GoFiles}} {{.IgnoredGoFiles}}", *args], pkg_dir,
                  tmp_path / "cache")
    assert proc.returncode == 0, proc.stderr
    want_files, want_ignored = _go_list_files(proc.stdout)
    pkgs, errs = load(args, pkg_dir)
    assert errs == []
    assert names(pkgs[0]) == want_files
    assert [p.name for p in pkgs[0].ignored] == want_ignored


@needs_go
def test_patterns_match_go_list(tmp_path: Path) -> None:
    root = tmp_path / "root"
    make_tree(root)
    for name, src in CONSTRAINT_FILES.items():
        write(root, f"a/cons/{name}", src)
    write(root, "a/only_windows/f_windows.go")
    write(root, "vendor/v/vendor/z/f.go")
    for pattern, cwd in [("./...", root), ("./vendor/...", root), ("../...", root / "a"),
                         ("./.../b", root), ("./a/...", root)]:
        proc = run_go(["list", "-e", "-f", "{{.Dir}} {{len .GoFiles}} {{.Error}}", pattern], cwd,
                      tmp_path / "cache")
        want = []
        for line in proc.stdout.splitlines():
            d, n, err = line.split(" ", 2)
            assert err == "<nil>", line
            if n != "0":  # `go build` omits wildcard matches with only test files
                want.append(d)
        pkgs, errs = load([pattern], cwd)
        assert errs == []
        assert [str(p.dir) for p in pkgs] == sorted(want), pattern


@needs_go
def test_display_paths_match_go_build(tmp_path: Path) -> None:
    root = tmp_path / "root"
    pkg = root / "a" / "b b" / "pkg"
    write(pkg, "s.go", ESCAPES)
    write(pkg, "t.go", ESCAPES.replace("F()", "G()"))
    (pkg / "inner").mkdir()
    deep = root / "o" / "p" / "q" / "r" / "s" / "t" / "u"
    deep.mkdir(parents=True)
    cases = [
        (pkg, ["."]),
        (pkg, ["./"]),
        (pkg, ["t.go", "s.go"]),
        (root, ["./a/b b/pkg"]),
        (root, ["./..."]),
        (root / "a", ["./b b/pkg/s.go"]),
        (root / "a", ["./b b/pkg/../pkg"]),
        (pkg / "inner", [".."]),
        (pkg / "inner", ["../..."]),
        (pkg / "inner", ["../s.go"]),
        (pkg / "inner", [str(pkg / "s.go")]),
        (deep, [str(pkg / "s.go")]),
        (deep, [os.path.relpath(pkg, deep)]),
        (tmp_path, [str(pkg / "t.go")]),
    ]
    for cwd, args in cases:
        proc = run_go(["build", "-a", "-gcflags=-m", "-o", os.devnull, *args], cwd,
                      tmp_path / "cache")
        assert proc.returncode == 0, proc.stderr
        # "can inline" lines come in file order, one per file.
        want = re.findall(r"^(.*):\d+:\d+: can inline", proc.stderr, re.M)
        pkgs, errs = load(args, cwd)
        assert errs == []
        assert displays(pkgs) == want, (cwd, args)


@needs_go
def test_error_messages_match_go_build(tmp_path: Path) -> None:
    root = tmp_path / "root"
    make_tree(root)
    write(root, "mixed/a.go", "package a\n")
    write(root, "mixed/b.go", "package b\n")
    write(root, "bad/x.go", "func F() {}\n")
    write(root, "badc/x.go", "//go:build linux &&\n\npackage p\n")
    write(root, "case/A.go")
    write(root, "case/a.go")
    for args in (["./empty"], ["./nogo"], ["./onlyign"], ["./onlycgo"], ["./onlytest"],
                 ["./mixed"], ["./bad"], ["./badc"], ["./case"], ["./a/f.go", "./a/b/f.go"],
                 ["./nope/..."], ["./testdata/..."], ["mixed/a.go", "mixed/b.go"]):
        proc = run_go(["build", "-o", os.devnull, *args], root, tmp_path / "cache")
        want = [ln.removeprefix("go: ") for ln in proc.stderr.splitlines()]
        pkgs, errs = load(args, root)
        if args[0].endswith(".go"):  # go fails the whole command; we keep the first file
            assert [len(p.files) for p in pkgs] == [1]
        else:
            assert pkgs == []
        assert errs == want, args


@needs_go
def test_bad_file_messages_match_go_list(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for i, (src, _) in enumerate(BAD_FILES):
        (root / f"d{i}").mkdir(parents=True)
        (root / f"d{i}" / "x.go").write_bytes(src.encode("utf-8", "surrogateescape"))
    args = [f"./d{i}" for i in range(len(BAD_FILES))]
    proc = run_go(["list", "-e", "-f", "{{.Error}}", *args], root, tmp_path / "cache")
    want = proc.stdout.splitlines()
    for i, arg in enumerate(args):
        pkgs, errs = load([arg], root)
        assert pkgs == [] and errs == [want[i]], BAD_FILES[i][0]
