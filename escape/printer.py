"""Print IR expressions the way the compiler prints nodes in `-m` messages.

Implicit nodes print as their operand, constants are folded values, method calls
print as method-expression calls (`(*T).Get(t)`), and parentheses come only from
operator precedence.
"""

from __future__ import annotations

from fractions import Fraction

from . import ir
from . import types as T
from .constfmt import format_constant

_PREC = {"neg": 7, "plus": 7, "not": 7, "bitnot": 7, "addr": 7, "deref": 7, "recv": 7,
         "mul": 6, "div": 6, "mod": 6, "lsh": 6, "rsh": 6, "and": 6, "andnot": 6,
         "add": 5, "sub": 5, "or": 5, "xor": 5, "addstr": 5,
         "eq": 4, "ne": 4, "lt": 4, "le": 4, "gt": 4, "ge": 4, "andand": 3, "oror": 2}
# nodes the compiler's precedence table leaves out: parenthesized wherever nested
_UNSAFE_NODES = {"unsafestring": "unsafe.String", "unsafestringdata": "unsafe.StringData",
                 "unsafeslicedata": "unsafe.SliceData"}
_NO_PREC = {"ptrlit", "addstr", "closure", "makechan", "makemap", "recover", "complex", "real",
            "imag"}
_SYM = {"neg": "-", "plus": "+", "not": "!", "bitnot": "^", "addr": "&", "deref": "*",
        "recv": "<-", "mul": "*", "div": "/", "mod": "%", "lsh": "<<", "rsh": ">>",
        "and": "&", "andnot": "&^", "add": "+", "sub": "-", "or": "|", "xor": "^",
        "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
        "andand": "&&", "oror": "||"}
_CONVS = ir.CONVERSION_OPS
_SKIP = {"addr", "deref"} | _CONVS


class Printer:
    def __init__(self, local_pkg: str = "") -> None:
        self.local_pkg = local_pkg

    def type(self, t: T.Type) -> str:
        return T.type_string(t, self.local_pkg)

    def const(self, value: object, t: T.Type) -> str:
        if value is None:
            return "nil"
        u = t.underlying()
        if isinstance(value, bool):
            kind = "bool"
        elif isinstance(value, (bytes, str)):
            kind = "string"
        elif isinstance(value, complex):
            kind = "complex"
        elif isinstance(value, Fraction) and not (isinstance(u, T.Basic) and u.kind == T.INT):
            kind = "float"
        elif isinstance(u, T.Basic) and u.kind == T.FLOAT:
            kind = "float"
        elif isinstance(u, T.Basic) and u.kind == T.COMPLEX:
            kind = "complex"
        else:
            kind = "int"
            if isinstance(value, Fraction):
                value = int(value)
        if T.is_untyped(t):
            t = T.default_type(t) if t is not T.UNTYPED_RUNE else T.RUNE_T
            if kind == "float" and t is T.INT_T:
                t = T.FLOAT64_T
        name = self.type(t)
        under = self.type(u) if isinstance(t, T.Named) and isinstance(u, T.Basic) else None
        try:
            return format_constant(value, kind, name, underlying=under)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(value)

    def expr(self, e: ir.Expr | None, prec: int = 0) -> str:
        if e is None:
            return "<nil>"
        while e.implicit and e.op in _SKIP and e.args:
            e = e.args[0]
        if e.text is not None:
            sd = e.extra.get("subdict") if e.extra else None
            return sd.render() if sd is not None else e.text
        op = e.op
        nprec = 0 if op in _NO_PREC else _PREC.get(op, 8)
        if op == "dottype" and T.has_shape(e.type):
            nprec = 0  # <node DYNAMICDOTTYPE> is parenthesized wherever nested
        if op == "type" and isinstance(e.type, T.Pointer):
            nprec = 7
        if prec > nprec:
            return "(" + self.expr(e, 0) + ")"
        a = e.args
        if op == "nil":
            return "nil"
        if op == "lit":
            return self.const(e.value, e.type)
        if op == "name":
            assert e.var is not None
            if e.var.name.startswith("~b"):
                return "_"
            if e.var.cls in (ir.FUNC, ir.GLOBAL) and e.extra.get("qual"):
                return f"{e.extra['qual']}.{e.var.name}"
            return e.var.name
        if op == "type":
            return self.type(e.type)
        if op == "closure":
            return "func literal"
        if op == "ptrlit":
            return "&" + self.expr(a[0])
        if op in ("structlit", "arraylit", "slicelit", "maplit"):
            if e.implicit and op == "slicelit":
                return "... argument"
            n = len(a)
            return f"{self.type(e.type)}{{{'...' if n else ''}}}"
        if op in ("dot", "dotptr", "methvalue", "dotinter"):
            return f"{self.expr(a[0], nprec)}.{e.value}"
        if op == "methexpr":
            recv = e.extra.get("recv")
            rt = self.type(recv) if recv is not None else "?"
            if isinstance(recv, T.Pointer):
                rt = f"({rt})"
            return f"{rt}.{e.value}"
        if op == "dottype":
            if T.has_shape(e.type):  # the type comes from the dictionary
                return "<node DYNAMICDOTTYPE2>" if e.extra.get("commaok") else \
                    "<node DYNAMICDOTTYPE>"
            return f"{self.expr(a[0], nprec)}.({self.type(e.type)})"
        if op in ("index", "indexmap"):
            return f"{self.expr(a[0], nprec)}[{self.expr(a[1])}]"
        if op == "slice":
            s = self.expr(a[0], nprec) + "["
            if a[1].op != "none":
                s += self.expr(a[1])
            s += ":"
            if a[2].op != "none":
                s += self.expr(a[2])
            if e.extra.get("three"):
                s += ":"
                if a[3].op != "none":
                    s += self.expr(a[3])
            return s + "]"
        if op in _CONVS:
            t = e.type
            name = self.type(t)
            if isinstance(t, (T.Named, T.Basic)) or t is T.ANY_T:
                return f"{name}({self.expr(a[0])})"
            return f"({name})({self.expr(a[0])})"
        if op in ("len", "cap", "new", "panic", "real", "imag", "clear", "close"):
            if op == "new":
                if T.has_shape(e.value):
                    return "new(<node DYNAMICTYPE>)"  # the type comes from the dictionary
                return f"new({self.type(e.value)})"
            return f"{op}({self.expr(a[0])})"
        if op in ("copy", "complex"):
            return f"{op}({self.expr(a[0])}, {self.expr(a[1])})"
        if op in ("unsafeadd", "unsafeslice"):
            name = "unsafe.Add" if op == "unsafeadd" else "unsafe.Slice"
            return f"{name}({self.expr(a[0])}, {self.expr(a[1])})"
        if op in _UNSAFE_NODES:
            return f"<node {_UNSAFE_NODES[op]}>"  # the compiler's printer has no case for them
        if op in ("append", "delete", "min", "max", "recover", "print", "println"):
            inner = ", ".join(self.expr(x) for x in a)
            if op == "append" and a and a[0].op == "nil":
                # the front end converts a nil slice operand explicitly
                inner = ", ".join([f"({self.type(a[0].type)})(nil)"]
                                  + [self.expr(x) for x in a[1:]])
            return f"{op}({inner}{'...' if e.ddd else ''})"
        if op in ("call", "callinter"):
            if e.extra.get("unknown"):
                fun = e.value.extra.get("text", "?") if e.value is not None else "?"
            else:
                fun = self.expr(e.value, nprec)
            inner = ", ".join(self.expr(x) for x in a)
            return f"{fun}({inner}{'...' if e.ddd else ''})"
        if op in ("makeslice", "makemap", "makechan"):
            if len(a) >= 2:
                return f"make({self.type(e.type)}, {self.expr(a[0])}, {self.expr(a[1])})"
            if len(a) == 1 and (op == "makeslice" or not T.is_untyped(a[0].type)):
                return f"make({self.type(e.type)}, {self.expr(a[0])})"
            return f"make({self.type(e.type)})"
        if op in ("neg", "plus", "not", "bitnot", "recv", "addr"):
            sym = _SYM[op]
            sp = " " if a[0].op == op and not a[0].implicit else ""
            return sym + sp + self.expr(a[0], nprec + 1)
        if op == "deref":
            return "*" + self.expr(a[0], nprec + 1)
        if op == "addstr":
            return " + ".join(self.expr(x, nprec) for x in a)
        if op in _SYM:
            return f"{self.expr(a[0], nprec)} {_SYM[op]} {self.expr(a[1], nprec + 1)}"
        if op == "unknown":
            return e.extra.get("text", "?")
        return f"<node {op}>"
