"""Resolver and expression printer, observed through small programs."""

from __future__ import annotations

from helpers import analyze_source


def lines(src: str) -> list[str]:
    return analyze_source(src)[0]


def test_promoted_method_through_embedded_pointer():
    out = lines("""package main

type Inner struct{ v *int }

func (i *Inner) Get() *int { return i.v }

type Outer struct{ *Inner }

var g *int

func f(o Outer) { g = o.Get() }
""")
    # expected lines printed by go1.27.3 for this program
    assert out == ["./x.go:5:7: leaking param: i to result ~r0 level=1",
                   "./x.go:11:8: leaking param content: o"]


def test_method_call_prints_as_method_expression():
    out = lines("""package main

type T struct{ n int }

func (t *T) Val() int { return t.n }

var sink any

func f() { t := T{}; sink = t.Val() }
""")
    # expected lines printed by go1.27.3 for this program
    assert out == ["./x.go:5:7: t does not escape",
                   "./x.go:9:34: (*T).Val(t) escapes to heap"]


def test_constant_folding_in_make_and_interface():
    out = lines("""package main

const N = 4

var sink any

func f(x uint8) {
\tsink = make([]int, 2*N)
\tsink = x + 1
\tsink = 'a'
\tsink = "a" + "b"
}
""")
    assert "./x.go:8:13: make([]int, 8) escapes to heap" in out
    assert "./x.go:9:11: x + uint8(1) escapes to heap" in out
    assert "./x.go:10:9: 'a' escapes to heap" in out
    assert '''./x.go:11:13: "ab" escapes to heap''' in out


def test_unknown_identifier_is_reported_not_crashing():
    decisions, diags = analyze_source("package main\n\nfunc f() { x := undefinedThing; _ = x }\n")
    assert any("unsupported" in d for d in diags)
