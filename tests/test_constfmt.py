"""Tests for escape.constfmt.

Every expected string below was printed by go1.27.3 ``go build -gcflags='-m -l'`` for a
line ``sink = EXPR`` (``var sink any``) inside the probe function whose source is
``PRELUDE`` below (the compiler checks re-run it).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import pytest

# Make the working tree importable when the project is not installed (as tools/ does).
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from escape.constfmt import (  # noqa: E402
    ConstValue,
    format_constant,
    format_float,
    is_print,
    quote_go_rune,
    quote_go_string,
)


class Case(NamedTuple):
    go: str  # EXPR in `sink = EXPR`
    value: ConstValue
    kind: str
    type_name: str | None
    expected: str  # the constant as printed
    context: str = "{}"  # the whole message text minus " escapes to heap"
    underlying: str | None = None


# --- integers: `sink = 1024` etc.; typed constants not of type int wrap as T(v) -----------
INT_CASES = [
    Case("1024", 1024, "int", "int", "1024"),
    Case("-5", -5, "int", "int", "-5"),
    Case("1 << 62", 1 << 62, "int", "int", "4611686018427387904"),
    Case("-1 << 63", -(1 << 63), "int", "int", "-9223372036854775808"),
    Case("uint64(1<<64 - 1)", (1 << 64) - 1, "int", "uint64", "uint64(18446744073709551615)"),
    Case("int8(-128)", -128, "int", "int8", "int8(-128)"),
    Case("uint(7)", 7, "int", "uint", "uint(7)"),
    Case("int64(3)", 3, "int", "int64", "int64(3)"),
    Case("uint8(97)", 97, "int", "uint8", "uint8(97)"),
    Case("MyInt(5)", 5, "int", "MyInt", "MyInt(5)"),
    Case("MyU8(3)", 3, "int", "MyU8", "MyU8(3)"),
    Case("len(\"abc\")", 3, "int", "int", "3"),
    Case("unsafe.Sizeof(x)", 8, "int", "uintptr", "uintptr(8)"),
    Case("time.Second", 1000000000, "int", "time.Duration", "time.Duration(1000000000)"),
    # in expressions: untyped operands take the other operand's type
    Case("x << 2", 2, "int", "uint", "uint(2)", "x << {}"),
    Case("u8 + 1", 1, "int", "uint8", "uint8(1)", "u8 + {}"),
    Case("mi + 7", 7, "int", "MyInt", "MyInt(7)", "mi + {}"),
]

# --- runes: only the predeclared `rune` type (or an alias of it) prints '%q' -------------
RUNE_CASES = [
    Case("'a'", 97, "rune", "rune", "'a'"),
    Case(r"'\n'", 10, "rune", "rune", r"'\n'"),
    Case(r"'\t'", 9, "rune", "rune", r"'\t'"),
    Case(r"'\x00'", 0, "rune", "rune", r"'\x00'"),
    Case(r"'\a'", 7, "rune", "rune", r"'\a'"),
    Case(r"'\v'", 11, "rune", "rune", r"'\v'"),
    Case(r"'\x7f'", 0x7F, "rune", "rune", r"'\x7f'"),
    Case(r"'\''", 39, "rune", "rune", r"'\''"),
    Case("'\"'", 34, "rune", "rune", "'\"'"),
    Case(r"'\\'", 92, "rune", "rune", r"'\\'"),
    Case("'é'", 0xE9, "rune", "rune", "'é'"),
    Case(r"'\u00ad'", 0xAD, "rune", "rune", r"'\u00ad'"),
    Case(r"'\u200b'", 0x200B, "rune", "rune", r"'\u200b'"),
    Case(r"'\u2028'", 0x2028, "rune", "rune", r"'\u2028'"),
    Case("'😀'", 0x1F600, "rune", "rune", "'😀'"),
    Case(r"'\U000E0001'", 0xE0001, "rune", "rune", r"'\U000e0001'"),
    Case(r"'\U0010FFFF'", 0x10FFFF, "rune", "rune", r"'\U0010ffff'"),
    Case("'a' + 1", 98, "rune", "rune", "'b'"),
    Case("rune(0xD800)", 0xD800, "rune", "rune", "'�'"),  # surrogate: RuneError
    Case("rune(-1)", -1, "rune", "rune", "rune(-1)"),  # outside 0..MaxRune: T(v)
    Case("r == 'a'", 97, "rune", "rune", "'a'", "r == {}"),
    Case("r == -1", -1, "int", "rune", "rune(-1)", "r == {}"),
    Case("r == 0x10FFFF", 0x10FFFF, "int", "rune", r"'\U0010ffff'", "r == {}"),
    Case("r == 0x110000", 0x110000, "int", "rune", "rune(1114112)", "r == {}"),
    Case("r == 0xDFFF", 0xDFFF, "int", "rune", "'�'", "r == {}"),
    Case("r2 == 'c'", 99, "rune", "rune", "'c'", "r2 == {}"),  # alias of rune
    # not the predeclared rune type: plain integers
    Case("int32('a')", 97, "rune", "int32", "int32(97)"),
    Case("i32 == 'a'", 97, "rune", "int32", "int32(97)", "i32 == {}"),
    Case("x == 'a'", 97, "rune", "int", "97", "x == {}"),
    Case("'a' * 1.0", 97, "float", "float64", "97"),
    Case("MyR('a')", 97, "rune", "MyR", "MyR(97)"),
    Case("mr == 'b'", 98, "rune", "MyR", "MyR(98)", "mr == {}"),
    # bytes keep the source spelling: byte vs uint8; an alias of byte prints byte
    Case("byte('a')", 97, "rune", "byte", "byte(97)"),
    Case("b[0] == 'a'", 97, "rune", "byte", "byte(97)", "b[0] == {}"),
    Case("b2 == 'd'", 100, "rune", "byte", "byte(100)", "b2 == {}"),
]

# --- floats: %.6g of the float64 value, %g if a non-integer lost its '.' ------------------
FLOAT_CASES = [
    Case("2.0", 2.0, "float", "float64", "2"),
    Case("0.1", Fraction(1, 10), "float", "float64", "0.1"),
    Case("-0.1", Fraction(-1, 10), "float", "float64", "-0.1"),
    Case("1e6", 10**6, "float", "float64", "1e+06"),
    Case("1e21", 10**21, "float", "float64", "1e+21"),
    Case("1e21 + 0.5", Fraction(2 * 10**21 + 1, 2), "float", "float64", "1e+21"),
    Case("1e-7", Fraction(1, 10**7), "float", "float64", "1e-07"),
    Case("3.14159265", Fraction("3.14159265"), "float", "float64", "3.14159"),
    Case("1.0 / 3.0", Fraction(1, 3), "float", "float64", "0.333333"),
    Case("1e300", 10**300, "float", "float64", "1e+300"),
    Case("123456.7", Fraction("123456.7"), "float", "float64", "123456.7"),
    Case("1234567.5", Fraction("1234567.5"), "float", "float64", "1.23457e+06"),
    Case("fl + 1<<70", 1 << 70, "float", "float64", "1.18059e+21", "fl + {}"),
    Case("fl + 1<<62 + 1", 1 << 62, "float", "float64", "4.61169e+18", "fl + {} + 1"),
    Case("fl * 0.5", 0.5, "float", "float64", "0.5", "fl * {}"),
    Case("fl + 2", 2, "float", "float64", "2", "fl + {}"),
    Case("fl / 3", 3, "float", "float64", "3", "fl / {}"),
    Case("fl + -0.0", 0, "float", "float64", "0", "fl + {}"),
    Case("fl - 1e-5", Fraction(1, 10**5), "float", "float64", "1e-05", "fl - {}"),
    Case("fl + 0.0001", Fraction(1, 10**4), "float", "float64", "0.0001", "fl + {}"),
    Case("fl + 100000", 100000, "float", "float64", "100000", "fl + {}"),
    Case("fl + 999999.5", Fraction("999999.5"), "float", "float64", "999999.5", "fl + {}"),
    Case("fl + 9999995", 9999995, "float", "float64", "1e+07", "fl + {}"),
    Case("fl + 0.000123456789", Fraction("0.000123456789"), "float", "float64", "0.000123457",
         "fl + {}"),
    Case("fl + (3e10 + 0.5)", Fraction("30000000000.5"), "float", "float64",
         "3.00000000005e+10", "fl + {}"),
    Case("fl + 1.0000001e-7", Fraction("1.0000001e-7"), "float", "float64", "1.0000001e-07",
         "fl + {}"),
    Case("fl + 1e23", 10**23, "float", "float64", "1e+23", "fl + {}"),
    Case("fl + 1e100", 10**100, "float", "float64", "1e+100", "fl + {}"),
    Case("fl + 4.9e-324", Fraction("4.9e-324"), "float", "float64", "4.94066e-324", "fl + {}"),
    Case("fl * 1e-320", Fraction("1e-320"), "float", "float64", "9.99989e-321", "fl * {}"),
    Case("fl + 1.7976931348623157e308", Fraction("1.7976931348623157e308"), "float", "float64",
         "1.79769e+308", "fl + {}"),
    # float32: rounded to float32, printed from the widened float64
    Case("float32(0.1)", Fraction(1, 10), "float", "float32", "float32(0.1)"),
    Case("float32(1e-7)", Fraction(1, 10**7), "float", "float32",
         "float32(1.0000000116860974e-07)"),
    Case("float32(123456.7)", Fraction("123456.7"), "float", "float32", "float32(123456.703125)"),
    Case("float32(16777217)", 16777217, "float", "float32", "float32(1.67772e+07)"),
    Case("float32(1.0 / 3.0)", Fraction(1, 3), "float", "float32", "float32(0.333333)"),
    Case("f32 + 0.1", Fraction(1, 10), "float", "float32", "float32(0.1)", "f32 + {}"),
    Case("f32 * 3", 3, "float", "float32", "float32(3)", "f32 * {}"),
    Case("f32 + 3.4028234663852886e38", Fraction("3.4028234663852886e38"), "float", "float32",
         "float32(3.40282e+38)", "f32 + {}"),
    Case("f32 + 1e-45", Fraction("1e-45"), "float", "float32", "float32(1.4013e-45)", "f32 + {}"),
    # defined float types
    Case("MyF(2.5)", 2.5, "float", "MyF", "MyF(2.5)"),
    Case("mf + 1.5", 1.5, "float", "MyF", "MyF(1.5)", "mf + {}"),
    Case("F32(0.1)", Fraction(1, 10), "float", "F32", "F32(0.1)", underlying="float32"),
    Case("nf + 1e-7", Fraction(1, 10**7), "float", "F32", "F32(1.0000000116860974e-07)",
         "nf + {}", "float32"),
]

# --- complex: (RE + IMi), parts printed like floats --------------------------------------
COMPLEX_CASES = [
    Case("3i", 3j, "complex", "complex128", "(0 + 3i)"),
    Case("1.5 - 2i", 1.5 - 2j, "complex", "complex128", "(1.5 + -2i)"),
    Case("complex64(1.5 - 2i)", 1.5 - 2j, "complex", "complex64", "complex64((1.5 + -2i))"),
    Case("MyC(1i)", 1j, "complex", "MyC", "MyC((0 + 1i))"),
    Case("C64(0.1i)", (0, Fraction(1, 10)), "complex", "C64", "C64((0 + 0.1i))",
         underlying="complex64"),
    Case("c + 1", 1, "complex", "complex64", "complex64((1 + 0i))", "c + {}"),
    Case("c128 + 2i", 2j, "complex", "complex128", "(0 + 2i)", "c128 + {}"),
    Case("nc + 1e-7", (Fraction(1, 10**7), 0), "complex", "C64",
         "C64((1.0000000116860974e-07 + 0i))", "nc + {}", "complex64"),
    Case("complex(1e6, 1.0/3)", (10**6, Fraction(1, 3)), "complex", "complex128",
         "(1e+06 + 0.333333i)"),
]

# --- strings: strconv.Quote, cut to 69 runes + "..." when the quoted form exceeds 72 ------
_DIGITS70 = "0123456789" * 7
STRING_CASES = [
    Case(r'"hello\n\t\"x\"\\"', 'hello\n\t"x"\\', "string", "string", r'"hello\n\t\"x\"\\"'),
    Case(r'"é日本\u00ad\x7f\x00"', "é日本\u00ad\x7f\x00", "string", "string",
         r'"é日本\u00ad\x7f\x00"'),
    Case(r'"\xff\xfe abc \xed\xa0\x80"', b"\xff\xfe abc \xed\xa0\x80", "string", "string",
         r'"\xff\xfe abc \xed\xa0\x80"'),
    Case(r'"😀\U000E0001\u200b\ufeff\ufffd"', "😀\U000e0001\u200b\ufeff\ufffd", "string",
         "string", r'"😀\U000e0001\u200b\ufeff�"'),
    Case("`raw\nstring`", "raw\nstring", "string", "string", r'"raw\nstring"'),
    Case('""', "", "string", "string", '""'),
    Case('"a" + "b"', "ab", "string", "string", '"ab"'),
    Case("string(rune(0xD800))", "\ufffd", "string", "string", '"�"'),
    Case("string(rune(65))", "A", "string", "string", '"A"'),
    Case('MyS("s")', "s", "string", "MyS", 'MyS("s")'),
    Case("K", "k", "string", "MyS", 'MyS("k")'),
    Case('s + "x"', "x", "string", "MyS", 'MyS("x")', "s + {}"),
    # 70 runes + quotes = 72: kept whole; one more rune: 69 kept + "..."
    Case(f'"{_DIGITS70}"', _DIGITS70, "string", "string", f'"{_DIGITS70}"'),
    Case(f'"{_DIGITS70}0"', _DIGITS70 + "0", "string", "string", f'"{_DIGITS70[:68]}...'),
    Case(f'"{_DIGITS70}\\n"', _DIGITS70 + "\n", "string", "string", f'"{_DIGITS70[:68]}...'),
    Case(f'"{_DIGITS70}é"', _DIGITS70 + "é", "string", "string", f'"{_DIGITS70[:68]}...'),
    # the count is in runes, not bytes
    Case('"' + "é" * 70 + '"', "é" * 70, "string", "string", '"' + "é" * 70 + '"'),
    Case('"' + "é" * 76 + '"', "é" * 76, "string", "string", '"' + "é" * 68 + "..."),
    # escapes count rune by rune and may be cut in the middle
    Case('"' + r"\x00" * 17 + '"', "\x00" * 17, "string", "string", '"' + r"\x00" * 17 + '"'),
    Case('"abc' + r"\x00" * 17 + '"', "abc" + "\x00" * 17, "string", "string",
         '"abc' + r"\x00" * 16 + "\\..."),
    Case('"' + r"\U000E0001" * 7 + '"', "\U000e0001" * 7, "string", "string",
         '"' + r"\U000e0001" * 7 + '"'),
]

# --- booleans --------------------------------------------------------------------------
BOOL_CASES = [
    Case("true", True, "bool", "bool", "true"),
    Case("false", False, "bool", "bool", "false"),
    Case("1 < 2", True, "bool", "bool", "true"),
    Case("MyB(true)", True, "bool", "MyB", "MyB(true)"),
    Case("mb == true", True, "bool", "MyB", "MyB(true)", "mb == {}"),
]

ALL_CASES = INT_CASES + RUNE_CASES + FLOAT_CASES + COMPLEX_CASES + STRING_CASES + BOOL_CASES


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.go[:40] for c in ALL_CASES])
def test_format_constant(case: Case) -> None:
    got = format_constant(case.value, case.kind, case.type_name, underlying=case.underlying)
    assert got == case.expected


# --- untyped constants (the printer shows them bare; see the module docstring) -----------
@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (5, "int", "5"),
        (1 << 100, "int", "1267650600228229401496703205376"),
        (97, "rune", "'a'"),
        (-1, "rune", "untyped rune(-1)"),
        (True, "bool", "true"),
        ("x", "string", '"x"'),
        (Fraction(1, 3), "float", "0.333333"),
        (Fraction(1, 10**7), "float", "1e-07"),
        (Fraction(10) ** 400, "float", "1e+400"),
        (Fraction(1, 10**400), "float", "1e-400"),
        (-(Fraction(10) ** 400), "float", "-1e+400"),
        ((0, 3), "complex", "(0 + 3i)"),
    ],
)
def test_untyped(value: ConstValue, kind: str, expected: str) -> None:
    assert format_constant(value, kind, None) == expected


def test_quote_go_string() -> None:
    # strconv.Quote examples from Go's quote_test.go and probes
    assert quote_go_string(b"\a\b\f\r\n\t\v") == r'"\a\b\f\r\n\t\v"'
    assert quote_go_string(b"\\") == r'"\\"'
    assert quote_go_string("abc\xffdef".encode("latin-1")) == r'"abc\xffdef"'
    assert quote_go_string("\u263a") == '"☺"'
    assert quote_go_string("\U0010ffff") == r'"\U0010ffff"'
    assert quote_go_string(b"\x04") == r'"\x04"'
    assert quote_go_string(b"!\xe2\x82") == r'"!\xe2\x82"'  # truncated sequence
    assert quote_go_string(b"\xc0\xaf") == r'"\xc0\xaf"'  # overlong
    assert quote_go_string(b"\xf4\x90\x80\x80") == r'"\xf4\x90\x80\x80"'  # > U+10FFFF
    # str input is UTF-8 with surrogateescape
    assert quote_go_string(b"\xff".decode("utf-8", "surrogateescape")) == r'"\xff"'


def test_quote_go_rune() -> None:
    assert quote_go_rune(ord("'")) == r"'\''"
    assert quote_go_rune(ord('"')) == "'\"'"
    assert quote_go_rune(0x110000) == "'�'"
    assert quote_go_rune(-1) == "'�'"


def test_is_print() -> None:
    assert is_print(0x20) and is_print(ord("a")) and is_print(0xE9) and is_print(0xFFFD)
    assert not is_print(0x7F) and not is_print(0xAD) and not is_print(0xA0)
    assert not is_print(0x200B) and not is_print(0xFEFF) and not is_print(0xE0001)
    assert is_print(0x1F600) and not is_print(0x10FFFF) and not is_print(0xD800)


def test_format_float() -> None:
    assert format_float(0.1) == "0.1"
    # float32(0.1) widens to 0.10000000149011612, whose %.6g keeps a '.'
    assert format_float(Fraction(1, 10), 32) == "0.1"
    assert format_float(1234565) == "1.23456e+06"  # %.6g rounds ties to even
    assert format_float(Fraction(10) ** 1300, None) == "1e+1300"


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        format_constant(1, "uint", "uint")
    with pytest.raises(TypeError):
        format_constant("1", "int", "int")
    with pytest.raises(ValueError):
        format_float(1e39, 32)


# ---------------------------------------------------------------------------------------
# Checks against the real toolchain (skipped without go1.27.3 on PATH)

GO_VERSION = "go1.27.3"

PRELUDE = """package p

import (
\t"time"
\t"unsafe"
)

type MyInt int
type MyF float64
type MyS string
type MyB bool
type MyC complex128
type MyR rune
type MyU8 uint8
type F32 float32
type C64 complex64
type R2 = rune
type B2 = byte

const K MyS = "k"

var sink any

func f(x int, u8 uint8, b []byte, r rune, i32 int32, fl float64, f32 float32,
\tc complex64, c128 complex128, s MyS, mb MyB, mi MyInt, mr MyR, r2 R2, b2 B2,
\tmf MyF, nf F32, nc C64) {
"""


def _go_env() -> dict[str, str]:
    env = dict(os.environ)
    cache = env.get("ESCAPE_GOCACHE") or os.path.join(tempfile.gettempdir(), "escape-gocache")
    env.update(GOTOOLCHAIN="local", GOFLAGS="", GOCACHE=cache, GO111MODULE="off",
               HOME=env.get("HOME") or cache, CGO_ENABLED="0", GOOS="linux", GOARCH="amd64")
    return env


def _go() -> str:
    go = shutil.which("go")
    if go is None:
        pytest.skip("go is not on PATH")
    out = subprocess.run([go, "version"], capture_output=True, text=True, env=_go_env(),
                         timeout=120).stdout
    if f"{GO_VERSION} " not in out:
        pytest.skip(f"{GO_VERSION} not found (got {out.strip()!r})")
    return go


def test_against_compiler(tmp_path: Path) -> None:
    go = _go()
    lines = PRELUDE.splitlines()
    line_of: dict[int, Case] = {}
    for case in ALL_CASES:
        line_of[len(lines) + 1] = case
        lines.extend(f"\tsink = {case.go}".split("\n"))  # raw strings may span lines
    lines.append("}")
    (tmp_path / "x.go").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = subprocess.run([go, "build", "-gcflags=-m -l", "-o", os.devnull, "x.go"],
                          cwd=tmp_path, capture_output=True, env=_go_env(), timeout=600)
    out = proc.stderr.decode("utf-8")
    assert proc.returncode == 0, out
    messages: dict[int, set[str]] = {}
    for m in re.finditer(r"^\./x\.go:(\d+):\d+: (.*) escapes to heap$", out, re.M):
        messages.setdefault(int(m.group(1)), set()).add(m.group(2))
    for lineno, case in line_of.items():
        got = format_constant(case.value, case.kind, case.type_name, underlying=case.underlying)
        assert case.context.format(case.expected) in messages.get(lineno, set()), (case, out)
        assert case.context.format(got) in messages.get(lineno, set()), (case, got)


HARNESS = r"""package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"go/constant"
	"math/big"
	"os"
	"strconv"
	"strings"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		op, arg, _ := strings.Cut(in.Text(), " ")
		switch op {
		case "print": // maximal ranges of strconv.IsPrint
			start := -1
			for r := 0; r <= 0x110000; r++ {
				p := r <= 0x10FFFF && strconv.IsPrint(rune(r))
				if p && start < 0 {
					start = r
				} else if !p && start >= 0 {
					fmt.Fprintf(out, "%d-%d ", start, r-1)
					start = -1
				}
			}
			fmt.Fprintln(out)
		case "rat64", "rat32", "ratU":
			r, _ := new(big.Rat).SetString(arg)
			v := constant.Make(r)
			switch op {
			case "rat64":
				x, _ := constant.Float64Val(v)
				v = constant.MakeFloat64(x)
			case "rat32":
				x, _ := constant.Float32Val(v)
				v = constant.MakeFloat64(float64(x))
			}
			fmt.Fprintln(out, v.String())
		case "str":
			b, _ := hex.DecodeString(arg)
			fmt.Fprintln(out, constant.MakeString(string(b)).String())
		case "rune":
			x, _ := strconv.ParseInt(arg, 10, 64)
			fmt.Fprintf(out, "%q\n", rune(x))
		}
	}
}
"""


def test_against_go_constant(tmp_path: Path) -> None:
    """Randomised comparison with go/constant, strconv and fmt compiled by the toolchain."""
    go = _go()
    (tmp_path / "main.go").write_text(HARNESS, encoding="utf-8")
    exe = tmp_path / "harness"
    subprocess.run([go, "build", "-o", str(exe), "main.go"], cwd=tmp_path, check=True,
                   capture_output=True, env=_go_env(), timeout=600)

    rng = random.Random(20240611)
    queries: list[str] = ["print x"]
    expected: list[object] = [None]
    for _ in range(1500):
        mode = rng.random()
        if mode < 0.4:
            q = Fraction(rng.randint(-10**8, 10**8), rng.choice([1, 2, 3, 7, 10, 1000, 1024]))
        elif mode < 0.7:
            q = Fraction(f"{rng.randint(1, 999999)}e{rng.randint(-40, 40)}")
        else:
            q = Fraction(rng.randint(-10**30, 10**30), rng.randint(1, 10**rng.randint(1, 30)))
        for op, bits in (("rat64", 64), ("rat32", 32), ("ratU", None)):
            if bits == 32 and abs(q) >= 2**127:
                continue
            queries.append(f"{op} {q.numerator}/{q.denominator}")
            expected.append(format_float(q, bits))
    for lit in ("1e400", "-1e400", "1e-400", "123456789e-1000", "1e1300", "1e-1300"):
        q = Fraction(lit)
        queries.append(f"ratU {q.numerator}/{q.denominator}")
        expected.append(format_float(q, None))
    pieces = [b"a", b'"', b"\\", b"\n", b"\x00", b"\x7f", b"\xff", "é".encode(), "日".encode(),
              "\u00ad".encode(), "😀".encode(), b"\xed\xa0\x80", b"\xe2\x82", b"\xc0\xaf",
              "\u2028".encode(), "\U000e0001".encode(), b" "]
    for _ in range(1500):
        s = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 80)))
        queries.append(f"str {s.hex()}")
        expected.append(format_constant(s, "string", "string"))
    for r in [*range(-2, 0x3000), *rng.sample(range(0x3000, 0x110002), 3000)]:
        queries.append(f"rune {r}")
        expected.append(quote_go_rune(r))

    proc = subprocess.run([str(exe)], input="\n".join(queries) + "\n", capture_output=True,
                          text=True, encoding="utf-8", check=True, timeout=600)
    results = proc.stdout.split("\n")
    # IsPrint table: the same maximal ranges of printable code points
    go_ranges = [tuple(map(int, tok.split("-"))) for tok in results[0].split()]
    py_ranges: list[tuple[int, int]] = []
    start = -1
    for r in range(0x110001):
        p = r <= 0x10FFFF and is_print(r)
        if p and start < 0:
            start = r
        elif not p and start >= 0:
            py_ranges.append((start, r - 1))
            start = -1
    assert py_ranges == go_ranges
    mismatches = [(q, e, g) for q, e, g in zip(queries[1:], expected[1:], results[1:],
                                                 strict=False) if e != g]
    assert not mismatches, mismatches[:10]
