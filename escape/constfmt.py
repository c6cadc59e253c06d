"""Print Go constant values the way ``go build -gcflags=-m`` does.

Escape-analysis messages print expressions with ``cmd/compile/internal/ir/fmt.go``
(``exprFmt``).  Constants have already been folded by then, so an ``OLITERAL`` node
carries a ``go/constant`` value plus a type, and is printed by this rule::

    if typ == types.RuneType || typ == types.UntypedRune {
        if x, ok := constant.Uint64Val(val); ok && x <= utf8.MaxRune {
            fmt.Fprintf(s, "%q", rune(x)); return
        }
    }
    if typ == types.Types[types.DefaultKinds[val.Kind()]] || typ == types.UntypedTypes[val.Kind()] {
        fmt.Fprint(s, val)                  // go/constant Value.String()
    } else {
        fmt.Fprintf(s, "%v(%v)", typ, val)  // T(v)
    }

Rules established from that source and checked against go1.27.3 (probes are quoted in
``tests/test_constfmt.py``):

Wrapping in ``T(v)``
  * The value is printed bare when the constant is untyped or its type is the default
    type of its value kind: ``bool``, ``string``, ``int``, ``float64``, ``complex128``.
    Every other type wraps: ``uint(2)``, ``int64(3)``, ``int8(-128)``, ``uint8(97)``,
    ``byte(97)`` (``byte`` and ``uint8`` keep the spelling used in the source, aliases of
    ``byte`` print ``byte``), ``int32(97)``, ``float32(0.1)``, ``complex64((1 + 0i))``
    (note the doubled parentheses), ``MyInt(5)``, ``MyS("s")``, ``MyB(true)``,
    ``MyC((0 + 1i))``, ``MyR(97)``.
  * The value kind is that of go/constant: a rune constant has kind Int, so its default
    type is ``int``: ``x == 'a'`` with ``x int`` prints ``x == 97``.
  * Only the predeclared ``rune`` type (also through an alias such as ``type R = rune``)
    prints characters: ``'a'``, ``'\\n'``, ``'\\x00'``, ``'\\''``, ``'"'``, ``'\\\\'``,
    ``'é'``, ``'\\u00ad'``, ``'\\U0010ffff'`` (``%q``, i.e. ``strconv.QuoteRune``).  A
    surrogate such as ``rune(0xD800)`` prints ``'�'``; a value outside
    ``0..0x10FFFF`` falls back to the general rule: ``rune(-1)``, ``rune(1114112)``.
    ``int32`` and defined types based on rune are not special: ``int32(97)``, ``MyR(97)``.
  * In practice no untyped constant reaches the printer (the unified-IR writer gives
    every constant a concrete type; untyped shift counts become ``uint``), so
    ``type_name=None`` is mainly a convenience.  It follows the source anyway: bare
    values, and for an out-of-range untyped rune ``untyped rune(-1)``.

Values (``go/constant`` ``String``)
  * bool: ``true``/``false``.  Integers: decimal, any size (``uint64(18446744073709551615)``).
  * Strings: ``strconv.Quote`` (raw strings therefore come out as ``"raw\\nstring"``,
    invalid UTF-8 bytes as ``\\xff``, non-printable runes as ``\\u00ad``, printable
    non-ASCII runes literally).  If the quoted form has more than 72 runes, its first 69
    runes are kept and ``...`` is appended (no closing quote).  The printability table
    is Go's ``strconv.IsPrint`` (Unicode 17), embedded below, not Python's unicodedata.
  * Floats: typed constants were rounded to their type when converted (float32 values
    are widened back to float64), then go/constant formats the float64 ``x`` with
    ``%.6g`` (``2``, ``0.1``, ``1e+06``, ``1e+21``, ``3.14159``, ``0.333333``,
    ``1.79769e+308``, ``4.94066e-324``); if the value is not an integer but that text has
    no ``.``, the shortest ``%g`` is used instead (issue 56220): ``1e-07``, ``123456.7``,
    ``999999.5``, ``3.00000000005e+10``, ``float32(1.0000000116860974e-07)``,
    ``float32(123456.703125)``.  ``%g`` switches to exponent form when the decimal
    exponent is < -4 or >= 6 (shortest) / >= precision (``%.6g``); exponents have at
    least two digits.  ``-0.0`` is the constant ``0``.
  * Untyped floats are exact rationals; they are first rounded to 512 bits (big.Float),
    then to float64.  Values outside the float64 range use go/constant's approximate
    decimal conversion (``1e+400``); that path uses ``math.pow`` semantics ported from
    Go but the C library's ``exp``/``log``, so it could differ in the last digit in
    extremely rare cases (such constants cannot reach an escape message anyway).
  * Complex: ``(RE + IMi)`` with each part printed as a float: ``(0 + 3i)``,
    ``(1.5 + -2i)``.
  * Named constants are not printed by name: unified IR sends only the value, so
    ``const K MyS = "k"; sink = K`` prints ``MyS("k")`` and ``time.Second`` prints
    ``time.Duration(1000000000)`` (the ``n.Sym() != nil`` branch of exprFmt is unused).

Float, string and rune formatting was also compared with go/constant, strconv and fmt
compiled by the toolchain on about a million random and boundary inputs (every code
point for ``%q``), with no difference.

Inputs: see ``ConstValue``.  ``type_name`` is the type exactly as the compiler prints it
(``byte`` vs ``uint8`` as written in the source, packages qualified by name).  For a
defined float or complex type the rounding precision comes from ``underlying``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "ConstValue",
    "format_constant",
    "format_float",
    "is_print",
    "quote_go_rune",
    "quote_go_string",
]

#: A constant's value.  ``bool`` for bool; ``int`` for int and rune; ``int``, ``Fraction``
#: or ``float`` for float (the exact value; rounding to the type happens here); ``complex``
#: or a ``(re, im)`` pair of real values for complex; ``bytes`` for strings (a Go string is
#: a byte sequence and may hold invalid UTF-8) or ``str`` (encoded as UTF-8 with
#: ``surrogateescape``, so ``b.decode("utf-8", "surrogateescape")`` round-trips).
ConstValue = (
    bool | int | Fraction | float | complex | str | bytes
    | tuple[int | Fraction | float, int | Fraction | float]
)

MAX_RUNE = 0x10FFFF
_RUNE_ERROR = 0xFFFD

# Default type of each constant kind (types.DefaultKinds); runes have value kind Int.
_DEFAULT_TYPE = {
    "bool": "bool",
    "string": "string",
    "int": "int",
    "rune": "int",
    "float": "float64",
    "complex": "complex128",
}
# %v of types.UntypedTypes[k] (only used for untyped runes out of range, see docstring).
_UNTYPED_NAME = {"rune": "untyped rune"}

# ---------------------------------------------------------------------------
# strconv.IsPrint

# Ranges of code points for which Go's strconv.IsPrint (Unicode 17.0.0, go1.27.3) is
# true.  Encoding: base-36 numbers in pairs (gap, extent): a range starts `gap` code
# points after the end of the previous range (+1) and covers `extent + 1` code points.
# Generated by looping strconv.IsPrint over 0..0x10FFFF.
_PRINT_TABLE = """
    w 2m y b 1 jt 2 5 4 6 1 0 1 j 1 b0 1 11 2 1d 2 2 1 1i 8 q 4 5 h l 1 5b 1 1b 2 1m 2 2s e 1m
    2 1c 2 e 1 r 2 0 1 a 5 v 7 22 1 4g 1 7 2 1 2 l 1 6 1 0 3 3 2 8 2 1 2 3 8 0 4 1 1 4 2 o 2 2
    1 5 4 1 2 l 1 6 1 1 1 1 1 1 2 0 1 4 4 1 2 2 3 0 7 3 1 0 7 g a 2 1 8 1 2 1 l 1 6 1 1 1 4 2
    9 1 2 1 2 2 0 f 3 2 b 7 6 1 2 1 7 2 1 2 l 1 6 1 1 1 4 2 8 2 1 2 2 7 2 4 1 1 4 2 h a 1 1 5
    3 2 1 3 3 1 1 0 1 1 3 1 3 2 3 b 4 4 3 2 1 3 2 0 6 0 e k 5 c 1 2 1 m 1 f 2 8 1 2 1 3 7 1 1
    2 1 1 2 3 2 9 7 l 1 2 1 m 1 9 1 4 2 8 1 2 1 3 7 1 5 2 1 3 2 9 1 2 c c 1 2 1 1e 1 2 1 5 4 f
    2 p 1 2 1 h 3 n 1 8 1 0 2 6 3 0 4 5 1 0 1 7 6 9 2 2 c 1l 4 s 11 1 1 0 1 4 1 n 1 0 1 m 2 4
    1 0 1 6 1 9 2 3 w 1z 1 z 4 12 1 z 1 e 1 c 11 5h 1 0 5 0 2 ag 1 3 2 6 1 0 1 3 2 14 1 3 2 w
    1 3 2 6 1 0 1 3 2 e 1 1k 1 3 2 1u 2 v 3 p 6 2d 2 5 2 hr 1 r 3 2g 7 l 9 n 9 j c c 1 2 1 1 c
    2l 2 9 6 9 6 d 1 a 6 2g 7 16 5 1x a u 1 b 4 b 4 0 3 15 2 4 b 17 4 p 6 a 3 1p 2 1s 1 s 2 a
    6 9 6 d 2 19 2 b k 24 1 4l 8 1n 3 e 3 1p 5 16 2 a 8 16 5 et 2 5 2 11 2 5 2 7 1 0 1 0 1 0 1
    u 2 1g 1 e 1 d 2 5 1 i 2 2 1 8 h n 8 1a h 1 2 q 1 c 3 x e w f 3v 4 ih m a l 1eb 2 al 5 18
    1 0 5 0 2 1j 7 1 e n 9 6 1 6 1 6 1 6 1 6 1 6 1 6 1 6 1 3h y p 1 2g c 5x q f 1 1q 1 2d 2 2u
    5 16 1 2l 1 2d 9 1b 1 mlo 3 1i 9 9n k 53 8 64 k 1n 3 9 6 1j 8 1x 8 b 6 37 b t 3 25 1 a 4 w
    1 1i 9 d 2 9 2 2u o r a 5 2 5 2 5 9 6 1 6 1 1n 4 3h 2 9 6 8mb c m 4 1c 6is a5 2 2x 12 6 c
    4 5 p 1 4 1 0 1 1 1 1 1 i1 w 15 6 1e 1 i 1 3 4 4 1 3q 4 59 3 5 2 5 2 5 2 2 3 6 1 6 d 1 2 b
    1 p 1 i 1 1 1 e 2 d y 3e 5 2 4 18 3 2f 1 c 3 0 1b 19 3m s 3 1c f r 4 z 9 t 5 16 5 t 1 10 4
    d 16 4d 2 9 6 z 4 z 4 13 8 1f b b 1 e 1 6 1 1 1 a 1 e 1 6 1 1 3 1f c 8m 9 l a 7 o 5 1 15 1
    8 1x 5 2 0 1 17 1 1 3 0 2 m 1 1z 8 8 1c i 1 1 5 w 3 q 5 q 12 1j 4 j 2 1d 1 1 5 7 1 2 1 s 2
    2 4 9 7 8 7 1r w 12 4 b 9 1h 3 s 2 q 5 p 7 3 c 6 28 20 1j 1e d 1e 7 19 8 9 6 11 3 s 8 1 5s
    u 1 15 1 2 2 1 g 5 8 8 x 19 8 15 m p 12 r k m 9 25 4 z 9 1p 1 4 d o 7 9 6 1g 1 h 8 12 9 2n
    1 j b h 1 1a 1q 6 1 0 1 3 1 e 1 a 6 1m 5 9 6 3 1 7 2 1 2 l 1 6 1 1 1 4 1 9 2 1 2 2 2 0 6 0
    5 6 2 6 3 4 b 9 1 0 2 0 1 11 1 9 1 0 2 0 1 3 1 9 1 1 8 1 t 2j 1 4 u 1z 8 9 4m 1h 2 11 y 1w
    b 9 6 c j 1l 6 9 6 j s q 2 e 4 m 55 1n 2s 2a c 7 2 0 2 7 1 1 1 t 1 1 2 b 9 9 1y 7 2 19 2 a
    r 1z 8 2a d 20 7 9 2e 7 2g x e 9 6 8 1 18 1 d a s 3 v 2 l 1 d 21 6 1 1 1 17 3 0 1 1 1 8 8
    9 6 5 1 1 1 10 1 1 1 5 7 9 6 17 4 9 6u o 7 g 1 14 3 s 2d 0 f 1d d pm 2u 32 1 4 b 5f 218 2q
    d tr g l a 32y 5 g6 5a1 1l 1c6 fs 7 u 1 9 4 28 1 9 6 t 2 5 a 1x a 9 1 6 1 k 5 i c0 1l 5i
    2i 5 o 2 o 18 22 4 1k 7 g 1s 4 b 6 9 5p1 15 v 2p 36 6pp 3 1 6 1 1 1 82 f 0 t 2 2 0 e 3 8
    az 1s4 2y 5 c 3 8 7 9 2 3 31c 70 3 c3 6 m f g f 19 2 m 9 37 1o 6t a 12 2 21 8 33 l 1x 3e j
    c j c 2e 9 o 3r 2c 1 1y 1 1 2 0 2 1 2 3 1 b 1 0 1 6 1 1s 1 3 2 7 1 6 1 r 1 3 1 4 1 0 3 6 1
    9f 2 83 2 jh f 4 1 e uo u 6 5 5x 6 1 g 2 6 1 1 1 4 5 1p x 0 34 18 3 d 2 9 4 1 8w u h 1l 5
    0 cw 15 5y 16 4 0 5c u 1 l 8 1 68 6 1 3 1 1 1 e 1 5g 2 f 15 23 4 9 4 1 lt 1v 24 1o 5e 3 1
    q 1 1 1 0 2 0 1 9 1 3 1 0 1 0 6 0 4 0 1 0 1 0 1 2 1 1 1 0 2 0 1 0 1 0 1 0 1 0 1 1 1 0 2 3
    1 6 1 3 1 3 1 0 1 9 1 g 5 2 1 4 1 g 1g 1 7i 17 4 2r c e 2 e 1 e 1 10 a 4t 1k s d 17 4 8 7
    1 e 5 4a rc 3 g 3 c 3 61 6 b 4 0 f b 4 1j 8 9 6 13 8 t 2 b 4 1 e 8 13 9j 8 d 2 c 3 a 3 1k
    1 0 4 f 2 b 4 9 7 42 1 2u sl wyn w 3dp 2 4gd 2 5rk f h9 1wi f1 15u 3t6 5 6jt f62u 6n
"""


def _decode_print_table(text: str) -> tuple[list[int], list[int]]:
    nums = [int(tok, 36) for tok in text.split()]
    starts: list[int] = []
    ends: list[int] = []
    nxt = 0
    for gap, extent in zip(nums[0::2], nums[1::2], strict=True):
        start = nxt + gap
        starts.append(start)
        ends.append(start + extent)
        nxt = start + extent + 1
    return starts, ends


_PRINT_STARTS, _PRINT_ENDS = _decode_print_table(_PRINT_TABLE)


def is_print(r: int) -> bool:
    """Go's ``strconv.IsPrint``: letters, marks, numbers, punctuation, symbols, U+0020."""
    i = bisect_right(_PRINT_STARTS, r) - 1
    return i >= 0 and r <= _PRINT_ENDS[i]


# ---------------------------------------------------------------------------
# strconv.Quote / QuoteRune

_SIMPLE_ESCAPES = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}


def _escaped_rune(r: int, quote: str) -> str:
    """strconv.appendEscapedRune with ASCIIonly=false, graphicOnly=false."""
    if r == ord(quote) or r == 0x5C:
        return "\\" + chr(r)
    if is_print(r):
        return chr(r)
    simple = _SIMPLE_ESCAPES.get(r)
    if simple is not None:
        return simple
    if r < 0x20 or r == 0x7F:
        return f"\\x{r:02x}"
    if r > MAX_RUNE or 0xD800 <= r <= 0xDFFF:
        r = _RUNE_ERROR
    if r < 0x10000:
        return f"\\u{r:04x}"
    return f"\\U{r:08x}"


def _decode_rune(b: bytes, i: int) -> tuple[int, int]:
    """utf8.DecodeRune(b[i:]): (rune, width); (RuneError, 1) for any invalid encoding."""
    c0 = b[i]
    if c0 < 0x80:
        return c0, 1
    n = len(b) - i
    if 0xC2 <= c0 <= 0xDF:
        if n >= 2 and 0x80 <= b[i + 1] <= 0xBF:
            return (c0 & 0x1F) << 6 | (b[i + 1] & 0x3F), 2
        return _RUNE_ERROR, 1
    if 0xE0 <= c0 <= 0xEF:
        lo, hi = (0xA0, 0xBF) if c0 == 0xE0 else (0x80, 0x9F) if c0 == 0xED else (0x80, 0xBF)
        if n >= 3 and lo <= b[i + 1] <= hi and 0x80 <= b[i + 2] <= 0xBF:
            return (c0 & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F), 3
        return _RUNE_ERROR, 1
    if 0xF0 <= c0 <= 0xF4:
        lo, hi = (0x90, 0xBF) if c0 == 0xF0 else (0x80, 0x8F) if c0 == 0xF4 else (0x80, 0xBF)
        if (n >= 4 and lo <= b[i + 1] <= hi and 0x80 <= b[i + 2] <= 0xBF
                and 0x80 <= b[i + 3] <= 0xBF):
            return ((c0 & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6
                    | (b[i + 3] & 0x3F)), 4
        return _RUNE_ERROR, 1
    return _RUNE_ERROR, 1


def _as_bytes(s: str | bytes) -> bytes:
    if isinstance(s, str):
        return s.encode("utf-8", "surrogateescape")
    return bytes(s)


def quote_go_string(b: bytes | str) -> str:
    """Exactly Go's ``strconv.Quote`` applied to the byte string ``b``.

    A ``str`` argument is first encoded as UTF-8 with ``surrogateescape``.
    """
    b = _as_bytes(b)
    out = ['"']
    i = 0
    while i < len(b):
        r, width = _decode_rune(b, i)
        if width == 1 and r == _RUNE_ERROR:
            out.append(f"\\x{b[i]:02x}")
        else:
            out.append(_escaped_rune(r, '"'))
        i += width
    out.append('"')
    return "".join(out)


def quote_go_rune(r: int) -> str:
    """Go's ``strconv.QuoteRune`` (what ``%q`` prints for a rune).

    Invalid runes (surrogates, negative or above U+10FFFF) print as ``'�'``.
    """
    if r < 0 or r > MAX_RUNE or 0xD800 <= r <= 0xDFFF:
        r = _RUNE_ERROR
    return "'" + _escaped_rune(r, "'") + "'"


def _truncated(quoted: str) -> str:
    """go/constant stringVal.String: keep 69 runes and add "..." past 72 runes."""
    max_len = 72
    if len(quoted) > max_len:
        return quoted[: max_len - 3] + "..."
    return quoted


# ---------------------------------------------------------------------------
# Floating point


def _round_binary(q: Fraction, prec: int, min_quantum_exp: int | None = None) -> Fraction:
    """Round ``q`` to ``prec`` significant bits, nearest-even (big.Float / IEEE rounding).

    ``min_quantum_exp`` bounds the exponent of the last mantissa bit from below
    (subnormals): -1074 for float64, -149 for float32.
    """
    if q == 0:
        return Fraction(0)
    neg = q < 0
    n, d = abs(q.numerator), q.denominator
    e = n.bit_length() - d.bit_length()  # floor(log2(n/d)) is e or e-1
    if (n < d << e) if e >= 0 else (n << -e < d):
        e -= 1
    qe = e - (prec - 1)
    if min_quantum_exp is not None and qe < min_quantum_exp:
        qe = min_quantum_exp
    # m = n/d / 2**qe
    if qe >= 0:
        num, den = n, d << qe
    else:
        num, den = n << -qe, d
    m, rem = divmod(num, den)
    if 2 * rem > den or (2 * rem == den and m & 1):
        m += 1
    result = Fraction(m) * Fraction(2) ** qe
    return -result if neg else result


def _to_float(f: Fraction, prec: int = 53, min_quantum_exp: int = -1074,
              max_exp: int = 1024) -> float:
    """big.Float.Float64/Float32 (nearest even, subnormals, +-Inf on overflow)."""
    r = _round_binary(f, prec, min_quantum_exp)
    if abs(r) >= Fraction(2) ** max_exp:
        return math.inf if r > 0 else -math.inf
    return r.numerator / r.denominator  # exact: r is representable


def _round_to_type(q: Fraction, bits: int) -> Fraction:
    """constant.Float32Val/Float64Val followed by MakeFloat64 (typecheck.roundFloat)."""
    if bits == 32:
        x = _to_float(q, 24, -149, 128)
    else:
        x = _to_float(q, 53, -1074, 1024)
    if math.isinf(x):
        raise ValueError(f"constant {q} overflows float{bits}")
    return Fraction(x)


def _shortest_digits(x: float) -> tuple[str, int]:
    """Shortest round-trip digits of ``x`` (> 0) and the decimal point position.

    ``repr`` and Go's shortest formatting both give the shortest digit string that
    round-trips, choosing the one closest to the exact value.
    """
    _, digit_tuple, exponent = Decimal(repr(x)).as_tuple()
    assert isinstance(exponent, int)
    dp = len(digit_tuple) + exponent
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    return digits, dp


def _go_g_shortest(x: float) -> str:
    """fmt.Sprintf("%g", x) for a finite float64."""
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    sign = "-" if x < 0 else ""
    digits, dp = _shortest_digits(abs(x))
    nd = len(digits)
    exp = dp - 1
    if exp < -4 or exp >= 6:  # strconv: shortest %g decides with eprec = 6
        mant = digits[0] + ("." + digits[1:] if nd > 1 else "")
        return f"{sign}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if dp <= 0:
        return f"{sign}0.{'0' * -dp}{digits}"
    if nd <= dp:
        return f"{sign}{digits}{'0' * (dp - nd)}"
    return f"{sign}{digits[:dp]}.{digits[dp:]}"


def _go_g6(x: float) -> str:
    """fmt.Sprintf("%.6g", x) for a finite float64 (same algorithm as C's %.6g)."""
    return format(x, ".6g")


# math.Ln2/math.Ln10 and 1-0.5e-6 as Go evaluates them (exact constant, then float64).
_LOG10_2 = float.fromhex("0x1.34413509f79ffp-2")
_ALMOST_ONE = float.fromhex("0x1.ffffef39085f5p-1")


def _go_pow(x: float, y: float) -> float:
    """Go's math.Pow for finite x > 0 and |y| < 1 (the only use here)."""
    if y == 0 or x == 1:
        return 1.0
    if y == 1:
        return x
    if y == 0.5:
        return math.sqrt(x)
    if y == -0.5:
        return 1 / math.sqrt(x)
    yf, yi = math.modf(abs(y))
    a1, ae = 1.0, 0
    if yf != 0:
        if yf > 0.5:
            yf -= 1
            yi += 1
        a1 = math.exp(yf * math.log(x))
    x1, xe = math.frexp(x)
    i = int(yi)
    while i != 0:
        if i & 1:
            a1 *= x1
            ae += xe
        x1 *= x1
        xe <<= 1
        if x1 < 0.5:
            x1 += x1
            xe -= 1
        i >>= 1
    if y < 0:
        a1 = 1 / a1
        ae = -ae
    return math.ldexp(a1, ae)


def _mant_exp(f: Fraction) -> tuple[Fraction, int]:
    """big.Float.MantExp: f = mant * 2**exp with 0.5 <= |mant| < 1."""
    n, d = abs(f.numerator), f.denominator
    e = n.bit_length() - d.bit_length()
    if (n < d << e) if e >= 0 else (n << -e < d):
        e -= 1
    exp = e + 1
    return f / Fraction(2) ** exp, exp


def _format_big_float(f: Fraction) -> str:
    """go/constant floatVal.String for a value rounded to 512 bits."""
    x = _to_float(f)
    if (f == 0) == (x == 0) and not math.isinf(x):
        s = _go_g6(x)
        if f.denominator != 1 and "." not in s:
            s = _go_g_shortest(x)
        return s
    # Out of float64 range: approximate decimal conversion.
    mant, exp = _mant_exp(f)
    m = _to_float(mant)
    d = float(exp) * _LOG10_2
    e = int(d)
    m *= _go_pow(10, d - float(e))
    am = abs(m)
    if am < _ALMOST_ONE:
        m *= 10
        e -= 1
    elif am >= 10:
        m /= 10
        e += 1
    return f"{_go_g6(m)}e{'+' if e >= 0 else '-'}{abs(e)}"


def _exact(value: int | Fraction | float) -> Fraction:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite constant: {value!r}")
        return Fraction(value)
    return Fraction(value)


def format_float(value: int | Fraction | float, bits: int | None = 64) -> str:
    """go/constant ``String`` of a float constant.

    ``bits`` is 64 or 32 for a constant of type float64/float32 (or a type based on one):
    the exact value is first rounded to that type.  ``None`` means untyped: the exact
    value is rounded to 512 bits, as ``go/constant`` does before printing.
    """
    q = _exact(value)
    if bits is not None:
        q = _round_to_type(q, bits)
    else:
        q = _round_binary(q, 512)
    return _format_big_float(q)


# ---------------------------------------------------------------------------
# Constants


def _float_bits(type_name: str | None, underlying: str | None) -> int | None:
    base = underlying or type_name
    if base is None:
        return None
    return 32 if base in ("float32", "complex64") else 64


def _value_string(value: ConstValue, kind: str, bits: int | None) -> str:
    if kind == "bool":
        if not isinstance(value, bool):
            raise TypeError(f"bool constant expected, got {value!r}")
        return "true" if value else "false"
    if kind == "string":
        if not isinstance(value, (str, bytes, bytearray)):
            raise TypeError(f"string constant expected, got {value!r}")
        return _truncated(quote_go_string(value))
    if kind in ("int", "rune"):
        if isinstance(value, Fraction) and value.denominator == 1:
            value = value.numerator
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"integer constant expected, got {value!r}")
        return str(value)
    if kind == "float":
        if isinstance(value, (bool, complex, str, bytes, tuple)):
            raise TypeError(f"float constant expected, got {value!r}")
        return format_float(value, bits)
    if kind == "complex":
        if isinstance(value, complex):
            re, im = value.real, value.imag
        elif isinstance(value, tuple):
            re, im = value
        elif isinstance(value, (int, Fraction, float)) and not isinstance(value, bool):
            re, im = value, 0
        else:
            raise TypeError(f"complex constant expected, got {value!r}")
        return f"({format_float(re, bits)} + {format_float(im, bits)}i)"
    raise ValueError(f"unknown constant kind {kind!r}")


def format_constant(value: ConstValue, kind: str, type_name: str | None,
                    *, underlying: str | None = None) -> str:
    """Print a constant as ``exprFmt`` prints an ``OLITERAL`` node.

    ``kind`` is one of ``bool``, ``int``, ``rune``, ``float``, ``complex``, ``string``.
    ``type_name`` is the compiler's spelling of the constant's type (``uint8``, ``byte``,
    ``rune``, ``MyInt``, ``pkg.T``...) or ``None`` for an untyped constant.
    ``underlying`` is the basic type under a defined type (``type Celsius float32`` ->
    ``"float32"``); it only matters for float and complex values, which are rounded to
    the type's precision before printing (defaults to float64/complex128 precision).
    """
    if kind not in _DEFAULT_TYPE:
        raise ValueError(f"unknown constant kind {kind!r}")
    if type_name == "rune" or (type_name is None and kind == "rune"):
        r = value.numerator if isinstance(value, Fraction) else value
        if isinstance(r, int) and not isinstance(r, bool) and 0 <= r <= MAX_RUNE:
            return quote_go_rune(r)
    bits = _float_bits(type_name, underlying)
    text = _value_string(value, kind, bits)
    if type_name is None:
        untyped = _UNTYPED_NAME.get(kind)
        return f"{untyped}({text})" if untyped else text
    if type_name == _DEFAULT_TYPE[kind]:
        return text
    return f"{type_name}({text})"
