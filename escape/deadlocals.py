"""Assignments to local variables nobody reads are dropped (part of the lowering phase).

The compiler runs this pass between its front end and escape analysis: in each function
(function literal bodies included) an assignment `x = v` or `x := v` whose value has no
effect of its own (a name, a constant, nil or a function literal) is deleted when `x` is
never read. A closure assigned to such a variable disappears with it, so it is never
analyzed (no `func literal does not escape`, and what it captures is not captured); a
function literal that captures nothing is still compiled as a function of its own.

Reads are found by one walk in statement order. An assignment that could be dropped is
set aside without looking at its value; when the variable is read later, the values set
aside for it are walked then, so that what they read is read too. Every expression field
of the IR is walked, so anything this misses counts as a read: a doubt keeps code.
"""

from __future__ import annotations

from typing import Any

from . import ir
from . import types as T

_BLANK = object()  # the blank identifier of a multi-value assignment: never read


def drop_dead_locals(fn: ir.Func) -> None:
    """Drop fn's assignments to locals that are never read (fn is a declared function;
    its function literals are handled with it)."""
    w = _Walk()
    w.stmts(fn.body or [])
    for pending in w.defs.values():  # in the order the variables were first met
        for st, i in pending or ():
            _drop(st, i)


class _Walk:
    def __init__(self) -> None:
        # variable -> assignments set aside (None once the variable is read)
        self.defs: dict[Any, list[tuple[ir.Stmt, int]] | None] = {}

    def read(self, v: ir.Var) -> None:
        key = id(v)
        pending = self.defs.get(key, [])
        self.defs[key] = None
        for st, i in pending or ():
            self.expr(st.rhs[i])

    def stmts(self, stmts: list[ir.Stmt]) -> None:
        for st in stmts:
            self.stmt(st)

    def stmt(self, st: ir.Stmt) -> None:
        if st.op in ("as", "as2") and len(st.lhs) == len(st.rhs) and not st.init:
            some_named = any(x is not None and x.op != "blank" for x in st.lhs)
            for i, x in enumerate(st.lhs):
                self.assign(st, i, x, st.rhs[i], some_named and len(st.lhs) > 1)
            self.extra(st.extra)
            return
        self.stmts(st.init)
        for x in st.lhs:
            if x is not None:
                self.expr(x)
        if st.cond is not None:
            self.expr(st.cond)
        for x in st.rhs:
            self.expr(x)
        if st.post is not None:
            self.stmt(st.post)
        self.stmts(st.body)
        for c in st.cases:
            for x in c.exprs:
                self.expr(x)
            if c.comm is not None:
                self.stmt(c.comm)
            self.stmts(c.body)
        self.stmts(st.els)
        self.extra(st.extra)

    def assign(self, st: ir.Stmt, i: int, lhs: ir.Expr | None, rhs: ir.Expr,
               blank_discards: bool) -> None:
        key: Any = None
        if lhs is None or lhs.op == "blank":
            key = _BLANK if blank_discards else None
        elif lhs.op == "name" and lhs.var is not None and _local(lhs.var):
            key = id(lhs.var)
        elif lhs is not None:
            self.expr(lhs)
        if key is not None and not _has_effects(rhs):
            pending = self.defs.get(key, [])
            if pending is not None:
                self.defs[key] = pending + [(st, i)]
                return  # its value is looked at if the variable is read
        self.expr(rhs)

    def expr(self, e: ir.Expr | None) -> None:
        if e is None:
            return
        if e.op == "name":
            if e.var is not None and _local(e.var):
                self.read(e.var)
            return
        for x in e.args:
            self.expr(x)
        if isinstance(e.value, ir.Expr):
            self.expr(e.value)
        self.extra(e.extra)
        if e.op == "closure" and e.func is not None:
            for v in e.func.closure_vars:
                self.read(v)
            self.stmts(e.func.body or [])

    def extra(self, extra: dict) -> None:
        for x in extra.values() if extra else ():
            if isinstance(x, ir.Expr):
                self.expr(x)
            elif isinstance(x, ir.Stmt):
                self.stmt(x)
            elif isinstance(x, list):
                for y in x:
                    if isinstance(y, ir.Expr):
                        self.expr(y)
                    elif isinstance(y, ir.Stmt):
                        self.stmt(y)


def _local(v: ir.Var) -> bool:
    return v.cls in (ir.LOCAL, ir.PARAM)


def _has_effects(e: ir.Expr) -> bool:
    if e.extra and e.extra.get("init"):
        return True
    return e.op not in ("name", "lit", "nil", "closure")


def _drop(st: ir.Stmt, i: int) -> None:
    """`x = v` becomes `_ = 0`. A function literal it held that captures variables is no
    longer part of its enclosing function (the compiler analyzes a closure only through the expression
    that makes it); one that captures nothing is a function of its own, still compiled."""
    rhs = st.rhs[i]
    if rhs.op == "closure" and rhs.func is not None and rhs.func.closure_vars:
        owner = rhs.func.parent
        if owner is not None:
            owner.closures = [c for c in owner.closures if c is not rhs.func]
            owner.refs = [r for r in owner.refs if r is not rhs.func]
    st.lhs[i] = None  # the blank identifier
    st.rhs[i] = ir.Expr("lit", T.INT_T, rhs.pos, value=0)
