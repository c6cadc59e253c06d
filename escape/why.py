"""Why: a decision's -m=2 explanation as structured steps, in plain words, with a hint.

The explanation of a decision (Decision.explanation) is the compiler's text: a header
(`x escapes to heap in f:` or `parameter p leaks to {heap} for f with derefs=0:`), then
`flow: DST ← SRC:` lines, each followed by `from WHERE (WHY) at POS` notes. This module
parses that text into data (used by the JSON output and by `escape why`) and words it for
people. A hint is chosen from the kinds of the edges on the path (the WHY of each note),
never from the source text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .decisions import Decision

_FLOW = re.compile(r"^flow: (.*) ← (.*):$")
_FROM = re.compile(r"^from (.*) \(([^()]*)\) at (.+)$")


@dataclass
class Note:
    where: str   # the expression or statement, as the compiler prints it
    why: str     # the kind of edge: address-of, assign, call parameter, return, ...
    at: str      # file:line:col

    def to_dict(self) -> dict:
        return {"where": self.where, "why": self.why, "at": self.at}


@dataclass
class Flow:
    dst: str
    src: str
    notes: list[Note] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"dst": self.dst, "src": self.src, "notes": [n.to_dict() for n in self.notes]}


@dataclass
class Path:
    header: str
    flows: list[Flow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"header": self.header, "flows": [f.to_dict() for f in self.flows],
                "warnings": list(self.warnings)}

    @property
    def kinds(self) -> list[str]:
        return [n.why for f in self.flows for n in f.notes]


def parse_explanation(lines: tuple[str, ...] | list[str]) -> list[Path]:
    """Explanation lines (without position prefixes) as paths, one per header."""
    paths: list[Path] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        m = _FLOW.match(line)
        if m and paths:
            paths[-1].flows.append(Flow(m.group(1), m.group(2)))
            continue
        m = _FROM.match(line)
        if m and paths and paths[-1].flows:
            paths[-1].flows[-1].notes.append(Note(m.group(1), m.group(2), m.group(3)))
            continue
        if line.endswith(":"):  # a header (a variable may well be called `from`)
            paths.append(Path(line[:-1]))
        elif paths:
            paths[-1].warnings.append(line)
    return paths


# What each kind of edge does, in words (the compiler's WHY vocabulary).
STEP_WORDS = {
    "address-of": "its address is taken",
    "spill": "it needs storage of its own",
    "assign": "assigned",
    "assign-pair": "assigned in a multi-value assignment",
    "assign-pair-dot-type": "assigned from a type assertion",
    "assign-pair-mapr": "assigned from a map read",
    "assign-pair-receive": "assigned from a channel receive",
    "call parameter": "passed as an argument to a parameter that leaks",
    "callee operand": "called as a function value",
    "return": "returned",
    "interface-converted": "converted to an interface (boxed)",
    "captured by a closure": "captured by a closure",
    "reference": "referenced by a closure",
    "slice-literal-element": "stored as an element of a slice literal",
    "array literal element": "stored as an element of an array literal",
    "struct literal element": "stored in a field of a struct literal",
    "map literal key": "stored as a key of a map literal",
    "map literal value": "stored as a value of a map literal",
    "key of map put": "stored in a map",
    "send": "sent on a channel",
    "dot": "a field of it is used",
    "dot of pointer": "read through a pointer",
    "indirection": "dereferenced",
    "slice": "sliced",
    "slice-to-array": "converted from a slice to an array",
    "fixed-array-index-of": "an element of it is used",
    "range": "ranged over",
    "range-deref": "ranged over (its elements are copied out)",
    "switch case": "bound to a type-switch case variable",
    "appendee slice": "appended to",
    "copied slice": "copied from",
    "too large for stack": "too large for the stack",
    "zero-sized element": "a zero-sized element",
}


def _is_fmt_call(n: Note) -> bool:
    return n.why == "call parameter" and n.where.startswith(("fmt.", "log."))


# Hints in order of preference; each looks at the edges of the path only.
_Hint = tuple[str, Callable[[Path], bool], str]
HINTS: list[_Hint] = [
    ("too-large", lambda p: "too large for stack" in p.kinds,
     "too large for the stack (over 64 KiB implicit, 128 KiB declared): use a smaller "
     "buffer, reuse one (sync.Pool), or allocate once outside the hot path"),
    ("iface-fmt", lambda p: any(_is_fmt_call(n) for f in p.flows for n in f.notes),
     "converted to interface for fmt/log: format with strconv (strconv.Itoa, "
     "strconv.AppendInt) or a typed writer method instead of passing it as `any`"),
    ("closure", lambda p: "captured by a closure" in p.kinds or "reference" in p.kinds,
     "captured by a closure that outlives the function (a goroutine, a stored callback): "
     "pass the value to it as an argument, or capture a copy"),
    ("closure-value", lambda p: bool(p.flows) and "func literal" in p.flows[0].src
     and "return" not in p.kinds,
     "a closure that escapes (started by `go`, stored, or passed on): it and what it "
     "captures are allocated; pass data as arguments or reuse one long-lived function"),
    ("iface", lambda p: "interface-converted" in p.kinds,
     "converted to an interface that escapes: keep a concrete type on this path, or keep "
     "the interface value local"),
    ("append", lambda p: "appendee slice" in p.kinds or "copied slice" in p.kinds
     or any(n.why == "call parameter" and n.where.startswith("append(")
            for f in p.flows for n in f.notes),
     "appended to a slice that escapes: preallocate in the caller (pass the slice in) or "
     "keep the slice local"),
    ("return-closure", lambda p: "return" in p.kinds and bool(p.flows)
     and "func literal" in p.flows[0].src,
     "returned closure: the function value and the variables it captures are allocated; "
     "return a plain function or a struct with a method instead"),
    ("return", lambda p: "return" in p.kinds,
     "returned pointer: return the value instead, or let the caller pass in the storage"),
    ("map-chan", lambda p: any(k in p.kinds for k in ("key of map put", "map literal key",
                                                       "map literal value", "send")),
     "stored in a map or sent on a channel: store values rather than pointers to locals"),
    ("call", lambda p: "call parameter" in p.kinds,
     "passed to a function that keeps its parameter (see the callee's `leaking param` "
     "line): make the callee not retain it, or pass a copy"),
    ("global", lambda p: any(f.dst == "{heap}" for f in p.flows) and "assign" in p.kinds,
     "stored in a package-level variable or a heap object: keep the reference local or "
     "store a copy"),
]


def hint_for(paths: list[Path]) -> tuple[str, str] | None:
    for key, test, text in HINTS:
        for p in paths:
            if test(p):
                return key, text
    return None


def describe(d: Decision, source_line: Callable[[str], str | None]) -> str:
    """A decision, its chain of steps with their source lines, and a hint."""
    out = [d.compiler_line() + (f"  (in {d.function})" if d.function else "")]
    paths = parse_explanation(d.explanation)
    if not paths:
        if d.is_heap:
            out.append("  the compiler gives no flow for this decision: the value itself "
                       "cannot live on the stack (size unknown at compile time, or too big)")
            out.append("  hint: use a constant size when the bound is known")
        else:
            out.append("  nothing flows from here to the heap or to a result: no allocation "
                       "to avoid" if d.kind in ("does_not_escape", "param_does_not_escape")
                       else "  no flow is recorded for this decision")
        return "\n".join(out) + "\n"
    step = 0
    for p in paths:
        out.append(f"  why: {p.header}")
        for f in p.flows:
            out.append(f"    {f.dst} ← {f.src}")
            for n in f.notes:
                step += 1
                words = STEP_WORDS.get(n.why, n.why)
                out.append(f"      {step}. {n.where}: {words}  [{n.why}] at {n.at}")
                src = source_line(n.at)
                if src:
                    out.append(f"           | {src.strip()}")
        out.extend(f"    {w}" for w in p.warnings)
    h = hint_for(paths)
    if d.kind == "leaking_param_to_result":
        out.append("  note: it leaks only to a result; whether that escapes is decided at "
                   "each call site")
    elif h is not None:
        out.append(f"  hint: {h[1]}")
    return "\n".join(out) + "\n"
