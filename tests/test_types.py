"""The amd64 size and alignment model, checked against values the compiler uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from escape import types as T
from escape.analyze import PackageAnalysis
from escape.lower import Lowerer
from escape.syntax import parse


def resolve(src: str):
    f = parse(Path("x.go"), "./x.go", src.encode())
    pa = PackageAnalysis([f])
    Lowerer(pa.res)
    pa.res.collect()
    return pa.res


@pytest.mark.parametrize("decl,size,align", [
    ("type X struct{}", 0, 1),
    ("type X struct{ a bool; b int64 }", 16, 8),
    ("type X struct{ a int64; b bool }", 16, 8),
    ("type X struct{ a, b, c byte }", 3, 1),
    ("type X struct{ a int32; b struct{} }", 8, 4),
    ("type X struct{ a int64; b [0]int }", 16, 8),
    ("type X [3]string", 48, 8),
    ("type X struct{ s []int; m map[int]int; i any; f func(); c chan int }", 64, 8),
    ("type X struct{ a int16; b complex64; c uint8 }", 16, 4),
    ("type X [1 << 10]complex128", 16384, 8),
    ("const N = 4\ntype X [N * 2]int32", 32, 4),
])
def test_sizes(decl, size, align):
    res = resolve(f"package p\n{decl}\n")
    t = res.scope.lookup("X").type
    assert T.size_align(t) == (size, align)


def test_has_pointers_and_direct_iface():
    res = resolve("package p\ntype A struct{ x, y int }\ntype B struct{ p *int }\n"
                  "type C [1]*int\ntype D [2]*int\ntype E struct{ s string }\n")
    t = {n: res.scope.lookup(n).type for n in "ABCDE"}
    assert not T.has_pointers(t["A"])
    assert all(T.has_pointers(t[n]) for n in "BCDE")
    assert T.is_direct_iface(t["B"]) and T.is_direct_iface(t["C"])
    assert not T.is_direct_iface(t["D"]) and not T.is_direct_iface(t["E"])


def test_type_strings():
    res = resolve("package p\ntype S struct{ a, b int }\n"
                  "var v1 map[string]interface{}\nvar v2 struct{ a int; b string }\n"
                  "var v3 <-chan []*S\nvar v4 func(int, ...string) (bool, error)\n")
    got = [T.type_string(res.scope.lookup(n).type or res_type(res, n), "main") for n in
           ("v1", "v2", "v3", "v4")]
    assert got == ["map[string]interface {}", "struct { a int; b string }", "<-chan []*S",
                   "func(int, ...string) (bool, error)"]


def res_type(res, name):
    v = res.scope.lookup(name)
    spec, tnode, _i, fi = res.var_nodes[id(v)]
    return res.resolve_type(tnode, fi.scope)
