"""The small typed IR that lowering produces and the escape graph builder consumes.

Every implicit operation of Go source is explicit here: interface conversions, `&`/`*`
on method receivers, variadic packing (an implicit slice literal), method calls as
calls of method expressions, go/defer calls as argument-less closures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .types import Signature, Type

Pos = tuple[int, int, str]  # (line, column, display file name)

# Variable classes
LOCAL, PARAM, RESULT, GLOBAL, FUNC = "local", "param", "result", "global", "func"

# the expression ops that convert their one argument to the expression's type
CONVERSION_OPS = frozenset({"conv", "convnop", "conviface", "bytes2str", "runes2str",
                            "str2bytes", "str2runes", "runestr", "slice2arr", "slice2arrptr"})

@dataclass(eq=False)
class Var:
    name: str
    type: Type
    pos: Pos
    cls: str
    fn: Func | None = None          # declaring function (None for globals and funcs)
    func: Func | None = None        # for cls == FUNC: the function it names
    # reassignment oracle data: how this variable gets its value
    defn: Any = None                # the single defining value (Expr) when assigned once
    assigns: int = 0                # assignments after declaration (incl. ++, op=)
    addrtaken: bool = False
    const_value: Any = None         # for locals that StaticValue resolves to a constant
    index: int = 0                  # parameter/result index
    is_receiver: bool = False
    assign_exprs: list = field(default_factory=list)  # every value assigned (for callee oracle)

    def __repr__(self) -> str:
        return f"Var({self.name})"


@dataclass(eq=False)
class Expr:
    op: str
    type: Type
    pos: Pos
    args: list[Expr] = field(default_factory=list)
    var: Var | None = None          # for op == "name"
    value: Any = None               # constant value (op == "lit"), field/method name, etc.
    implicit: bool = False
    ddd: bool = False               # call with `xs...`
    func: Func | None = None        # closure function, or static callee
    extra: dict = field(default_factory=dict)
    text: str | None = None         # pre-rendered text where the printer cannot derive it

    def __repr__(self) -> str:
        return f"Expr({self.op}@{self.pos[0]}:{self.pos[1]})"


@dataclass(eq=False)
class Stmt:
    op: str
    pos: Pos
    lhs: list[Expr | None] = field(default_factory=list)
    rhs: list[Expr] = field(default_factory=list)
    body: list[Stmt] = field(default_factory=list)
    els: list[Stmt] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    init: list[Stmt] = field(default_factory=list)
    cond: Expr | None = None
    post: Stmt | None = None
    decl_vars: list[Var] = field(default_factory=list)  # variables declared by this statement
    label: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(eq=False)
class Case:
    pos: Pos
    exprs: list[Expr] = field(default_factory=list)
    body: list[Stmt] = field(default_factory=list)
    var: Var | None = None          # type-switch clause variable
    comm: Stmt | None = None        # select communication


@dataclass(eq=False)
class Func:
    name: str                       # compiler name: f, T.M, (*T).M, f.func1
    sig: Signature
    pos: Pos
    params: list[Var] = field(default_factory=list)   # receiver first
    results: list[Var] = field(default_factory=list)
    body: list[Stmt] | None = None
    dcl: list[Var] = field(default_factory=list)      # locals in declaration order
    parent: Func | None = None      # enclosing function for literals
    closure_vars: list[Var] = field(default_factory=list)  # captured outer variables
    capture_pos: dict = field(default_factory=dict)  # id(var) -> first reference inside
    closures: list[Func] = field(default_factory=list)
    is_wrapper: bool = False        # compiler-generated go/defer wrapper
    refs: list[Func] = field(default_factory=list)    # functions referenced in the body
    unsupported: list[tuple[Pos, str]] = field(default_factory=list)
    notes: list[tuple[Pos, str]] = field(default_factory=list)  # front-end warnings (-m)
    noescape: bool = False
    is_package_init: bool = False
    closure_expr: Expr | None = None

    def add_temp(self, v: Var, pending: int = 0) -> Var:
        """Declare v as this function's next compiler temporary: `.autotmp_N`, N the
        count of its declarations so far (and of `pending` ones about to be made)."""
        v.name = f".autotmp_{len(self.params) + len(self.results) + len(self.dcl) + pending}"
        v.is_temp = True  # type: ignore[attr-defined]
        self.dcl.append(v)
        return v

    @property
    def outermost(self) -> Func:
        """The declared function a function literal is nested in (itself if none)."""
        f = self
        while f.parent is not None:
            f = f.parent
        return f

    @property
    def is_closure(self) -> bool:
        return self.parent is not None and bool(self.closure_vars)

    def __repr__(self) -> str:
        return f"Func({self.name})"


def walk_stmts(stmts: list[Stmt]) -> Iterator[Stmt]:
    """Every statement of a list and of the statements nested in it, in source order
    (function literal bodies are not entered)."""
    stack = stmts[::-1]
    while stack:
        st = stack.pop()
        yield st
        nested: list[Stmt] = list(st.init) + ([st.post] if st.post else []) + st.body
        for c in st.cases:
            if c.comm is not None:
                nested.append(c.comm)
            nested += c.body
        nested += st.els
        stack.extend(nested[::-1])


def iter_exprs(stmts: list[Stmt]):  # type: ignore[no-untyped-def]
    """Yield every expression of a statement list in source order (pre-order).

    Function literal bodies are not entered: they are functions of their own.
    An expression's children come in the order: its `init` statements (last first),
    its `value` when that is an expression, its arguments, its map-literal keys; a
    statement's: init, lhs, cond, rhs, post, body, cases (exprs, comm, body), else.
    """
    # Hot: one explicit stack, children pushed in reverse so they pop in order.
    stack: list[Any] = stmts[::-1]
    pop = stack.pop
    push = stack.append
    extend = stack.extend
    while stack:
        x = pop()
        cls = x.__class__
        if cls is Expr or cls is not Stmt and isinstance(x, Expr):
            yield x
            extra = x.extra
            if extra:
                keys = extra.get("keys")
                if keys:
                    extend([k for k in reversed(keys) if isinstance(k, Expr)])
            if x.args:
                extend(x.args[::-1])
            if isinstance(x.value, Expr):
                push(x.value)
            if extra:
                init = extra.get("init")
                if init:
                    extend(init)
        elif cls is Stmt or isinstance(x, Stmt):
            if x.els:
                extend(x.els[::-1])
            cases = x.cases
            if cases:
                for c in reversed(cases):
                    if c.body:
                        extend(c.body[::-1])
                    if c.comm is not None:
                        push(c.comm)
                    if c.exprs:
                        extend(c.exprs[::-1])
            if x.body:
                extend(x.body[::-1])
            if x.post is not None:
                push(x.post)
            if x.rhs:
                extend(x.rhs[::-1])
            if x.cond is not None:
                push(x.cond)
            if x.lhs:
                extend([e for e in reversed(x.lhs) if e is not None])
            if x.init:
                extend(x.init[::-1])


def stmt_children(s: Stmt) -> list[Stmt]:
    """The statements directly inside a statement: init, body, else, post, case bodies and
    select communications, in source order."""
    kids = [*s.init, *s.body, *s.els]
    if s.post is not None:
        kids.append(s.post)
    for c in s.cases:
        kids += c.body
        if c.comm is not None:
            kids.append(c.comm)
    return kids
