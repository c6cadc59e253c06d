"""Tests of the standard-library data (escape/stdlib.py, made by tools/gen_stdlib.py)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import tree_sitter_go
from tree_sitter import Language, Parser

from escape import stdlib

ROOT = Path(__file__).resolve().parent.parent
PARSER = Parser(Language(tree_sitter_go.language()))

# Packages recompiled by test_sampled_tags_match_compiler (about 30 s with -a on 2 cores).
SAMPLE = [
    "bufio", "bytes", "cmp", "container/heap", "container/list", "container/ring",
    "encoding/hex", "errors", "hash/crc32", "internal/bytealg", "io", "maps", "math",
    "math/bits", "path", "slices", "sort", "strconv", "strings", "sync", "unicode",
    "unicode/utf8",
]


def parses(src: str) -> bool:
    return not PARSER.parse(src.encode()).root_node.has_error


def param(pkg: str, func: str, name: str) -> dict:
    p = stdlib.load_package(pkg)
    assert p is not None
    for rec in p.funcs[func]["params"]:
        if rec["name"] == name:
            return rec
    raise KeyError(f"{pkg}.{func}: no parameter {name}")


def test_version() -> None:
    assert stdlib.go_version() == "go1.27.3"


@pytest.mark.parametrize("path", ["fmt", "strings", "sync", "bytes"])
def test_stub_parses(path: str) -> None:
    p = stdlib.load_package(path)
    assert p is not None
    assert p.path == path and p.name == path
    assert p.stub.startswith(f"package {path}\n")
    assert parses(p.stub)
    assert "{\n\treturn" not in p.stub  # no bodies


def test_all_stubs_parse() -> None:
    bad = [path for path in stdlib.list_packages()
           if not parses(stdlib.load_package(path).stub)]  # type: ignore[union-attr]
    assert bad == []


def test_lookup() -> None:
    assert stdlib.has_package("fmt")
    assert stdlib.has_package("internal/bytealg")
    assert stdlib.has_package("vendor/golang.org/x/net/dns/dnsmessage")
    assert not stdlib.has_package("cmd/go")
    assert not stdlib.has_package("github.com/x/y")
    assert stdlib.load_package("github.com/x/y") is None
    assert stdlib.load_package("fmt") is stdlib.load_package("fmt")
    assert len(stdlib.list_packages()) > 300
    idna = stdlib.load_package("vendor/golang.org/x/net/idna")
    assert idna is not None and idna.name == "idna"
    http = stdlib.load_package("net/http")
    assert http is not None
    assert http.import_map["golang.org/x/net/http/httpproxy"] == \
        "vendor/golang.org/x/net/http/httpproxy"


def test_stub_contents() -> None:
    fmt = stdlib.load_package("fmt")
    assert fmt is not None
    assert "func Println(a ...any) (n int, err error)\n" in fmt.stub
    assert "type Stringer interface {\n\tString() string\n}" in fmt.stub
    assert '\t"io"\n' in fmt.stub
    strings = stdlib.load_package("strings")
    assert strings is not None
    assert "func (b *Builder) WriteString(s string) (int, error)\n" in strings.stub
    assert "type Builder struct {" in strings.stub
    sync = stdlib.load_package("sync")
    assert sync is not None
    assert "func OnceValue[T any](f func() T) func() T\n" in sync.stub
    tar = stdlib.load_package("archive/tar")
    assert tar is not None
    assert "\tErrHeader          = errors.New(" in tar.stub  # untyped var keeps its value
    assert "var zeroBlock block\n" in tar.stub
    assert "json:" not in stdlib.load_package("encoding/json").stub  # type: ignore[union-attr]
    rand = stdlib.load_package("math/rand/v2")
    assert rand is not None
    assert ("// escape:generic-method func (r *Rand) N[Int intType](n Int) Int\n"
            in rand.stub)


def test_fmt_println() -> None:
    f = stdlib.load_package("fmt").funcs["Println"]  # type: ignore[union-attr]
    assert f["body"] and not f["generic"] and not f["recv"]
    assert f["inline"] == {"cost": 72}
    assert f["results"] == ["n", "err"]
    a = f["params"][0]
    # `leaking param content: a`, explained as `leaks to {heap} ... with derefs=1`
    assert a == {"index": 0, "name": "a", "recv": False, "reported": True, "heap": 1,
                 "mutator": None, "callee": None, "results": [None] * 5}


def test_fmt_sprintf_and_errorf() -> None:
    assert param("fmt", "Sprintf", "format")["heap"] is None
    assert param("fmt", "Sprintf", "a")["heap"] == 1
    assert param("fmt", "Errorf", "format")["heap"] == 0
    assert param("fmt", "Fprintf", "w")["heap"] == 0
    assert stdlib.load_package("fmt").funcs["Sprintf"]["inline"] is None  # type: ignore
    assert "too complex" in stdlib.load_package("fmt").funcs["Sprintf"]["inline_reason"]


def test_strings_builder() -> None:
    funcs = stdlib.load_package("strings").funcs  # type: ignore[union-attr]
    ws = funcs["(*Builder).WriteString"]
    assert ws["recv"] and ws["inline"] == {"cost": 32}
    assert [p["name"] for p in ws["params"]] == ["b", "s"]
    assert ws["params"][0]["recv"] and ws["params"][0]["heap"] == 1  # leaking param content
    s = ws["params"][1]
    assert s["reported"] and s["heap"] is None and s["results"] == [None] * 5
    b = funcs["(*Builder).String"]["params"][0]
    assert b["heap"] is None and b["results"][0] == 1  # to result ~r0 level=1
    assert funcs["Index"]["inline"] is not None
    assert param("strings", "(*Builder).Grow", "n")["reported"] is False  # int: silent


def test_bytes_and_errors() -> None:
    assert param("bytes", "(*Buffer).Bytes", "b")["results"][0] == 1
    assert param("bytes", "NewBuffer", "buf")["heap"] == 0
    assert param("bytes", "TrimSpace", "s")["results"][0] == 0
    assert param("errors", "New", "text")["heap"] == 0


def test_sync() -> None:
    funcs = stdlib.load_package("sync").funcs  # type: ignore[union-attr]
    assert "(*Mutex).Lock" in funcs and "(*Once).Do" in funcs
    assert funcs["(*WaitGroup).Go"]["inline_reason"] == "unhandled op GO"
    once = funcs["OnceValue"]
    assert once["generic"] and once["inline"] is None
    assert once["params"][0]["reported"] is False  # generic: no parameter lines
    sema = funcs["runtime_Semacquire"]  # linknamed, no body
    assert not sema["body"] and sema["noescape"] is False
    assert sema["params"][0]["heap"] == 0


def test_assembly_noescape() -> None:
    f = stdlib.load_package("internal/bytealg").funcs["IndexByte"]  # type: ignore[union-attr]
    assert not f["body"] and f["noescape"] is True
    assert f["inline"] is None and f["inline_reason"] == "no function body"
    b, c = f["params"]
    assert b["reported"] and b["heap"] is None and b["results"] == [None] * 5
    # `b does not escape`, but paramTag tags a //go:noescape declaration's pointer
    # parameters mutated and called at derefs 0
    assert b["mutator"] == 0 and b["callee"] == 0
    assert not c["reported"] and c["mutator"] is None and c["callee"] is None


def test_mutator_and_callee() -> None:
    # bytes.IndexByte calls bytealg.IndexByte: `mutates param: b derefs=0`, `calls param: ...`
    b = param("bytes", "IndexByte", "b")
    assert b["heap"] is None and b["mutator"] == 0 and b["callee"] == 0
    # `s does not escape, mutate, or call`
    s = param("bytes", "Equal", "a")
    assert s["reported"] and s["mutator"] is None and s["callee"] is None
    # a heap leak at derefs 0 leaves no other slot (Optimize)
    t = param("errors", "New", "text")
    assert t["heap"] == 0 and t["mutator"] is None and t["callee"] is None
    for path in ("bytes", "strings", "fmt", "internal/bytealg"):
        for rec in stdlib.load_package(path).funcs.values():  # type: ignore[union-attr]
            for p in rec["params"]:
                assert "mutator" in p and "callee" in p
                h = p["heap"]
                if h is not None:  # Optimize: slots at or above the heap leak are dropped
                    assert p["mutator"] is None or p["mutator"] < h
                    assert p["callee"] is None or p["callee"] < h


def test_decode_tags_slots() -> None:
    from escape.importer import decode_tags
    rec = stdlib.load_package("bytes").funcs["IndexByte"]  # type: ignore[union-attr]
    b, c = decode_tags(rec, 2)  # type: ignore[misc]
    assert b.v == [-1, 0, 0] + [-1] * 5
    assert c.v == [0] + [-1] * 7  # a scalar: empty tag, decoded as a heap leak
    rec = stdlib.load_package("internal/bytealg").funcs["IndexByte"]  # type: ignore
    b, _ = decode_tags(rec, 2)  # type: ignore[misc]
    assert b.v[:3] == [-1, 0, 0]
    rec = stdlib.load_package("errors").funcs["New"]  # type: ignore[union-attr]
    (t,) = decode_tags(rec, 1)  # type: ignore[misc]
    assert t.v == [0] + [-1] * 7


def test_method_keys_and_init() -> None:
    funcs = stdlib.load_package("container/list").funcs  # type: ignore[union-attr]
    assert "(*List).PushBack" in funcs and "New" in funcs
    rt = stdlib.load_package("runtime").funcs  # type: ignore[union-attr]
    assert "init.0" in rt and "init" not in rt
    assert "Version" in rt


def test_moved_parameter() -> None:
    rec = param("fmt", "Sscan", "str")  # `moved to heap: str`, no leak line
    assert rec["moved"] is True and rec["heap"] == 0 and rec["reported"]


def test_funcs_mapping_behaves_like_a_dict() -> None:
    funcs = stdlib.load_package("errors").funcs  # type: ignore[union-attr]
    assert len(funcs) == len(list(funcs)) == len(dict(funcs))
    assert "New" in funcs and "nope" not in funcs
    assert funcs.get("nope") is None
    assert funcs["New"] is funcs["New"]


def _generator():  # type: ignore[no-untyped-def]
    """tools/gen_stdlib.py and the go 1.27.3 binary, or skip."""
    if shutil.which("go") is None:
        pytest.skip("go is not on PATH")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_stdlib
        from gocompiler import go_binary
    finally:
        sys.path.remove(str(ROOT / "tools"))
    go = go_binary()
    if go is None:
        pytest.skip("go on PATH is not go1.27.3")
    return gen_stdlib, go


def test_sampled_tags_match_compiler() -> None:
    """Recompile a sample of packages and compare the attached tags with the stored ones.

    The records are compared whole, so this covers every key, `mutator` and `callee` too.
    """
    gen_stdlib, go = _generator()
    got = gen_stdlib.compute_funcs(SAMPLE, go)
    assert sorted(got) == sorted(SAMPLE)
    n_mut = n_call = 0
    for path in SAMPLE:
        stored = stdlib.load_package(path)
        assert stored is not None
        assert got[path] == dict(stored.funcs), path
        for rec in got[path].values():
            for p in rec["params"]:
                assert set(p) >= {"heap", "mutator", "callee", "results"}, (path, rec)
                n_mut += p["mutator"] is not None
                n_call += p["callee"] is not None
    assert n_mut > 0 and n_call > 0  # the new slots were really parsed


def test_generic_bodies_match_source() -> None:
    """The shipped bodies of generic functions are what the generator reads from GOROOT
    now, and sit at their original lines (positions of instantiated code depend on it)."""
    gen_stdlib, go = _generator()
    paths = ["slices", "maps", "sync", "sync/atomic", "iter", "cmp"]
    infos = gen_stdlib.parse_packages(gen_stdlib.list_packages(go, paths))
    seen = 0
    for info in infos:
        stored = stdlib.load_package(info.path)
        assert stored is not None
        assert info.generic_bodies == {k: stored.generic[k] for k in stored.generic}, info.path
        for key, rec in info.generic_bodies.items():
            lines = (Path(info.dir) / rec["file"]).read_text().splitlines()
            assert lines[rec["line"] - 1].startswith(rec["src"].splitlines()[0]), key
            seen += 1
    assert seen > 50  # slices alone has dozens


def test_stub_lines_map_to_source() -> None:
    """Every line of a stub maps back to the line of the original file it came from
    (wrappers of std interfaces print their parameters there): each stub declaration's
    lines, comments aside, are the original's, and an interface method's parameter
    resolves to its line in GOROOT."""
    gen_stdlib, go = _generator()
    paths = ["io", "reflect", "sync", "os"]
    infos = {i.path: i for i in gen_stdlib.parse_packages(gen_stdlib.list_packages(go, paths))}
    for path in paths:
        stored = stdlib.load_package(path)
        assert stored is not None and stored.lines
        stub = stored.stub.splitlines()
        info = infos[path]
        for (line, fname, orig), nxt in zip(stored.lines, list(stored.lines[1:]) + [None]):
            src = (Path(info.dir) / fname).read_text().splitlines()
            end = nxt[0] if nxt is not None else len(stub) + 1
            # a declaration's first line; all the lines of a type declaration
            last = end if stub[line - 1].startswith("type ") else line + 1
            for k in range(line, last):
                text = stub[k - 1].strip()
                if text:
                    assert src[orig + k - line - 1].strip().startswith(text.split(" ")[0]), \
                        (path, k, text)
    from escape.importer import StdImporter
    res = StdImporter()("io")
    assert res is not None
    read = res.scope.names["Reader"].type.underlying().all_methods()["Read"]
    pos = read.params[0].pos
    line = (Path(infos["io"].dir) / pos[2].rsplit("/", 1)[1]).read_text().splitlines()[pos[0] - 1]
    assert pos[2] == "$GOROOT/src/io/io.go" and line[pos[1] - 1:].startswith("p []byte")


def test_reach_table() -> None:
    """The data lists the declarations that lead to instances of generic types: os.File
    (through file.dirinfo, an atomic.Pointer[dirInfo]) and sync.Pool's pin (poolChainElt's
    atomic.Pointer fields) do, time.Time does not; the analysis walks only those."""
    os_ = stdlib.load_package("os")
    sync_ = stdlib.load_package("sync")
    time_ = stdlib.load_package("time")
    assert os_ is not None and sync_ is not None and time_ is not None
    assert {"File", "file"} <= os_.reach and "FileMode" not in os_.reach
    assert {"Map", "Pool.pin", "poolChainElt"} <= sync_.reach and "Mutex" not in sync_.reach
    assert not time_.reach
