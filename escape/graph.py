"""Graph phase: build the location graph of one batch of functions from the IR.

Locations are variables and allocating expressions; an edge src -> dst with weight
`derefs` says "dst = (derefs applied to) src": -1 is `&src`, 0 a copy, 1 `*src`.
Edges live in a networkx DiGraph and carry the reason and position of each flow
(the notes printed by `--explain`). Holes are evaluation contexts: where the value
of an expression goes, and with how many dereferences.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from . import ir
from . import types as T


def _load_digraph() -> type:
    """networkx's DiGraph class, without paying for all of networkx up front.

    `import networkx` loads every algorithm the package has (about 0.15 s, more than
    analyzing a small program); the graph needs only `networkx.classes.digraph`. So,
    unless networkx is already imported, this imports just what that module needs
    (exceptions, utils, convert, the class modules), in the order networkx's own
    `__init__` would, into a `networkx` package module whose `__init__` has not run yet.
    The first access to any other attribute of that module (`networkx.foo`, `from
    networkx import foo`) runs networkx's `__init__` and its classes' `__init__` in place,
    so the rest of the process sees an ordinary, complete networkx with the same DiGraph
    class. Backends installed, an unexpected layout or any failure: a plain import.
    """
    loaded = sys.modules.get("networkx")
    if loaded is None:
        try:
            return _partial_networkx()
        except Exception:  # noqa: BLE001 - anything unexpected: the ordinary import
            for name in [m for m in sys.modules if m == "networkx" or
                         m.startswith("networkx.")]:
                del sys.modules[name]
    import networkx

    return networkx.DiGraph


def _partial_networkx() -> type:
    import importlib
    import importlib.util

    spec = importlib.util.find_spec("networkx")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        raise ImportError("networkx is not an ordinary package")
    pkg = importlib.util.module_from_spec(spec)
    sys.modules["networkx"] = pkg
    # what networkx/__init__.py does before `from networkx import classes`
    exc = importlib.import_module("networkx.exception")
    for name in exc.__all__:
        setattr(pkg, name, getattr(exc, name))
    utils = importlib.import_module("networkx.utils")
    if utils.backends.backends:
        raise ImportError("networkx backends are installed: they need the full import")
    pkg._clear_cache = utils._clear_cache  # type: ignore[attr-defined]
    pkg._dispatchable = utils._dispatchable  # type: ignore[attr-defined]
    cspec = importlib.util.find_spec("networkx.classes")
    if cspec is None or cspec.loader is None:
        raise ImportError("networkx.classes is not an ordinary package")
    classes = importlib.util.module_from_spec(cspec)
    sys.modules["networkx.classes"] = classes
    pkg.classes = classes  # type: ignore[attr-defined]
    digraph = importlib.import_module("networkx.classes.digraph")

    def finish(name: str) -> Any:
        # the rest of networkx, on first use: the two __init__ modules, in place
        del pkg.__dict__["__getattr__"]
        cspec.loader.exec_module(classes)  # type: ignore[union-attr]
        spec.loader.exec_module(pkg)  # type: ignore[union-attr]
        return getattr(pkg, name)

    pkg.__getattr__ = finish  # type: ignore[attr-defined]
    return digraph.DiGraph  # type: ignore[no-any-return]


DiGraph = _load_digraph()

ESCAPES, PERSISTS, MUTATES, CALLS = 1, 2, 4, 8
NUM_RESULTS = 5
MAX_STACK_VAR = 128 * 1024
MAX_IMPLICIT_STACK_VAR = 64 * 1024


class Leaks:
    """Where a parameter's value flows: heap, mutator, callee, results 0..4 (min derefs)."""

    __slots__ = ("v",)

    def __init__(self, v: list[int] | None = None) -> None:
        self.v = v if v is not None else [-1] * (3 + NUM_RESULTS)

    def add(self, i: int, derefs: int) -> None:
        old = self.v[i]
        if old < 0 or derefs < old:
            self.v[i] = min(derefs, 254)

    @property
    def heap(self) -> int:
        return self.v[0]

    def result(self, i: int) -> int:
        return self.v[3 + i]

    def optimize(self) -> None:
        h = self.v[0]
        if h >= 0:
            for i in range(1, len(self.v)):
                if self.v[i] >= h:
                    self.v[i] = -1

    def encoded(self) -> Leaks:
        """Round-trip through the compiler's tag encoding (heap leak at 0 erases the rest)."""
        if self.v[0] == 0:
            return Leaks.heap_all()
        return Leaks(list(self.v))

    @staticmethod
    def heap_all() -> Leaks:
        lk = Leaks()
        lk.v[0] = 0
        return lk


@dataclass(eq=False, slots=True)
class Location:
    n: Any                      # ir.Var, ir.Expr, or None for temporaries
    fn: ir.Func | None
    loop_depth: int
    index: int
    attrs: int = 0
    result_index: int = 0
    param: bool = False
    param_out: bool = False
    captured: bool = False
    reassigned: bool = False
    addrtaken: bool = False
    leaks: Leaks | None = None  # a parameter's (made by new_loc): only they record leaks
    # solver state
    derefs: int = 0
    walkgen: int = 0
    dst: Any = None
    queued_all: bool = False
    queued_one: int = 0
    name: str = ""

    # hashed by identity (eq=False): a location is a key of the graph's adjacency dicts,
    # whose order is insertion order, so the hash never shows in the output

    def has(self, a: int) -> bool:
        return bool(self.attrs & a)


class Hole:
    """Where a value goes: a location, with how many dereferences, and why (notes).

    Immutable: every method returns a new hole (a plain class with slots rather than a
    frozen dataclass: holes are made for nearly every expression)."""

    __slots__ = ("dst", "derefs", "notes", "addrtaken")

    def __init__(self, dst: Location, derefs: int = 0, notes: tuple = (),
                 addrtaken: bool = False) -> None:
        self.dst = dst
        self.derefs = derefs
        self.notes = notes
        self.addrtaken = addrtaken

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.dst, self.derefs, self.notes, self.addrtaken) == (  # type: ignore
            other.dst, other.derefs, other.notes, other.addrtaken)  # type: ignore

    def __hash__(self) -> int:
        return hash((self.dst, self.derefs, self.notes, self.addrtaken))

    def __repr__(self) -> str:
        return (f"Hole(dst={self.dst!r}, derefs={self.derefs!r}, notes={self.notes!r}, "
                f"addrtaken={self.addrtaken!r})")

    def shift(self, delta: int) -> Hole:
        return self.__class__(self.dst, self.derefs + delta, self.notes, delta < 0)

    def note(self, where: Any, why: str) -> Hole:
        return self.__class__(self.dst, self.derefs, ((where, why),) + self.notes,
                              self.addrtaken)

    def deref(self, where: Any, why: str) -> Hole:
        return self.__class__(self.dst, self.derefs + 1, ((where, why),) + self.notes, False)

    def addr(self, where: Any, why: str) -> Hole:
        return self.__class__(self.dst, self.derefs - 1, ((where, why),) + self.notes, True)


class QuietHole(Hole):
    """A hole that keeps no notes: notes only feed explanations (-m=2), so a batch
    analyzed without them skips building them."""

    __slots__ = ()

    def note(self, where: Any, why: str) -> Hole:
        return self

    def deref(self, where: Any, why: str) -> Hole:
        return QuietHole(self.dst, self.derefs + 1, (), False)

    def addr(self, where: Any, why: str) -> Hole:
        return QuietHole(self.dst, self.derefs - 1, (), True)


@dataclass
class Message:
    pos: ir.Pos
    text: str
    kind: str
    subject: str
    fn: ir.Func | None
    loc: Location | None = None
    block: Any = None           # an explanation (explain.Block) when kind == "explain"


class Batch:
    """Locations and edges for one strongly connected set of functions.

    The graph is a networkx DiGraph; the hot paths (adding a location, adding or
    lowering an edge) write its adjacency dicts directly, exactly as `add_node` and
    `add_edge` would (same dicts, same insertion order)."""

    def __init__(self, fns: list[ir.Func], analyzed: dict[int, list[Leaks]],
                 printer: Any, messages: list[Message]) -> None:
        self.fns = fns
        self.fn_ids = {id(f) for f in fns}
        self.analyzed = analyzed
        self.printer = printer
        self.messages = messages
        self.g = g = DiGraph()
        self._succ: dict[Location, dict[Location, dict[str, Any]]] = g._succ
        self._pred: dict[Location, dict[Location, dict[str, Any]]] = g._pred
        self._node: dict[Location, dict[str, Any]] = g._node
        self.all_locs: list[Location] = []
        self.var_loc: dict[int, Location] = {}
        self.closures: list[tuple[Hole, ir.Expr]] = []
        self._specials: list[Location] = []
        self.heap = self._special("{heap}", ESCAPES | PERSISTS | MUTATES | CALLS)
        self.mutator = self._special("{mutator}", MUTATES)
        self.callee = self._special("{callee}", CALLS)
        self.blank = self._special("{blank}", 0)
        self.expr_locs: dict[int, Location] = {}
        self.explain = None         # an explain.Explainer when -m=2 explanations are wanted

    @property
    def explain(self) -> Any:
        return self._explain

    @explain.setter
    def explain(self, ex: Any) -> None:
        # Without explanations, holes carry no notes (they only feed -m=2 output).
        self._explain = ex
        self.H: type[Hole] = Hole if ex is not None else QuietHole

    def _add_node(self, loc: Location) -> None:
        if loc in self._succ:
            self.g.add_node(loc)
            return
        self._succ[loc] = {}
        self._pred[loc] = {}
        self._node[loc] = {}

    def _special(self, name: str, attrs: int) -> Location:
        loc = Location(None, None, 0, -1 - len(self._specials), attrs=attrs, name=name)
        self._specials.append(loc)
        self._add_node(loc)
        return loc

    # ------------------------------------------------------------ locations

    def new_loc(self, n: Any, fn: ir.Func | None, depth: int, persists: bool) -> Location:
        loc = Location(n, fn, depth, len(self.all_locs))
        cls = n.__class__
        if cls is ir.Var:
            c = n.cls
            if c == ir.PARAM:
                loc.param = True
                loc.leaks = Leaks()
            loc.param_out = c == ir.RESULT
            self.var_loc[id(n)] = loc
        elif cls is ir.Expr:
            self.expr_locs[id(n)] = loc
        if persists:
            loc.attrs |= PERSISTS
        self.all_locs.append(loc)
        self._add_node(loc)
        return loc

    def old_loc(self, v: ir.Var) -> Location | None:
        return self.var_loc.get(id(v))

    def flow(self, k: Hole, src: Location) -> None:
        if k.addrtaken:
            src.addrtaken = True
        dst = k.dst
        if dst is self.blank:
            return
        derefs = k.derefs
        if dst is src and derefs >= 0:
            return
        if derefs < 0 and dst.attrs & ESCAPES:
            if self._explain is not None:
                self.emit(self._explain.direct(self, dst, src, derefs, k.notes))
            src.attrs |= ESCAPES | PERSISTS | MUTATES | CALLS
            return
        out = self._succ.get(src)
        if out is None or dst not in self._succ:
            data = self.g.get_edge_data(src, dst)
            if data is None:
                self.g.add_edge(src, dst, derefs=derefs, notes=k.notes)
                return
        else:
            data = out.get(dst)
            if data is None:
                data = {"derefs": derefs, "notes": k.notes}
                out[dst] = data
                self._pred[dst][src] = data
                return
        if derefs < data["derefs"]:
            data["derefs"] = derefs
            data["notes"] = k.notes

    def emit(self, block: Any) -> None:
        """Record an explanation in emission order, beside the decisions."""
        loc = block.loc
        self.messages.append(Message(loc.n.pos if loc is not None else (0, 0, ""), "",
                                     "explain", "", loc.fn if loc is not None else None,
                                     loc, block))

    def hole(self, loc: Location) -> Hole:
        return self.H(loc)

    def in_batch(self, fn: ir.Func | None) -> bool:
        return fn is not None and id(fn) in self.fn_ids

    def init_func(self, fn: ir.Func) -> None:
        for v in fn.params + fn.results + fn.dcl:
            if id(v) not in self.var_loc:
                self.new_loc(v, fn, 1, True)
        for i, v in enumerate(fn.results):
            loc = self.var_loc[id(v)]
            loc.result_index = i + 1

    def tee(self, fn: ir.Func | None, depth: int, ks: list[Hole]) -> Hole:
        if not ks:
            return self.H(self.blank)
        if len(ks) == 1:
            return ks[0]
        loc = self.new_loc(None, fn, depth, False)
        for k in ks:
            self.flow(k, loc)
        return self.H(loc)

    def later(self, fn: ir.Func | None, depth: int, k: Hole) -> Hole:
        loc = self.new_loc(None, fn, depth, True)
        self.flow(k, loc)
        return self.H(loc)


class Walker:
    """Walks the statements of one function, adding locations and edges to the batch."""

    def __init__(self, b: Batch, fn: ir.Func) -> None:
        self.b = b
        self.fn = fn
        self.depth = 1
        self.labels: dict[str, str] = {}
        self.in_post = False
        self.H = b.H
        # holes are immutable: the two plain ones are made once per walker
        self._heap_k = b.H(b.heap)
        self._blank_k = b.H(b.blank)

    # ------------------------------------------------------------ helpers

    def heap_hole(self) -> Hole:
        return self._heap_k

    def discard_hole(self) -> Hole:
        return self._blank_k

    def spill(self, k: Hole, e: ir.Expr) -> Hole:
        loc = self.b.new_loc(e, self.fn, self.depth, False)
        self.b.flow(k.addr(e, "spill"), loc)
        return self.H(loc)

    def discard(self, e: ir.Expr | None) -> None:
        if e is not None:
            self.expr(self._blank_k, e)

    def assign_heap(self, e: ir.Expr, why: str, where: Any) -> None:
        self.expr(self.heap_hole().note(where, why), e)

    def loc_of(self, v: ir.Var) -> Location:
        loc = self.b.old_loc(v)
        if loc is None:
            # a variable declared in a function outside this batch (should not happen)
            loc = self.b.new_loc(v, self.fn, self.depth, True)
        return loc

    # ------------------------------------------------------------ functions

    def walk_func(self) -> None:
        self._find_labels(self.fn.body or [])
        self.block(self.fn.body or [])

    def _find_labels(self, stmts: list[ir.Stmt]) -> None:
        def visit(ss: list[ir.Stmt]) -> None:
            for s in ss:
                if s.op == "label" and s.label and s.label != "_":
                    self.labels[s.label] = "nonlooping"
                elif s.op == "goto" and s.label:
                    if self.labels.get(s.label) == "nonlooping":
                        self.labels[s.label] = "looping"
                visit(s.init)
                visit(s.body)
                visit(s.els)
                for c in s.cases:
                    if c.comm is not None:
                        visit([c.comm])
                    visit(c.body)
        visit(stmts)

    # ------------------------------------------------------------ statements

    def block(self, stmts: list[ir.Stmt]) -> None:
        old = self.depth
        for s in stmts:
            self.stmt(s)
        self.depth = old

    def dcl(self, v: ir.Var) -> Hole:
        loc = self.loc_of(v)
        loc.loop_depth = self.depth
        return self.H(loc)

    def stmt(self, s: ir.Stmt) -> None:
        for x in s.init:
            self.stmt(x)
        f = _STMT.get(s.op)
        if f is not None:
            f(self, s)
        # goto, break, continue, fallthrough: nothing

    # One method per statement operator, found through _STMT (below the class).

    def _s_dcl(self, s: ir.Stmt) -> None:
        for v in s.decl_vars:
            self.dcl(v)

    def _s_label(self, s: ir.Stmt) -> None:
        if self.labels.get(s.label or "") == "looping":
            self.depth += 1

    def _s_if(self, s: ir.Stmt) -> None:
        self.discard(s.cond)
        self.block(s.body)
        self.block(s.els)

    def _s_for(self, s: ir.Stmt) -> None:
        self.depth += 1
        self.discard(s.cond)
        if s.post is not None:
            # the post statement updates the loop's own copy of per-iteration variables
            self.in_post = True
            self.stmt(s.post)
            self.in_post = False
        self.block(s.body)
        self.depth -= 1

    def _s_range(self, s: ir.Stmt) -> None:
        tmp = self.b.new_loc(None, self.fn, self.depth, True)
        if not s.extra.get("unevaluated"):
            self.expr(self.H(tmp), s.rhs[0])
        # variables the range statement still declares (none of them escapes an
        # iteration) are declared outside the loop, as the compiler does
        for v in s.decl_vars:
            self.dcl(v)
        self.depth += 1
        ks = [self.addr(x) for x in s.lhs]
        # per-iteration variables of pointer-free type are copies (Go 1.22 loopvar)
        val = s.lhs[1] if len(s.lhs) > 1 else None
        if val is not None and not T.has_pointers(val.type):
            pass
        elif s.extra.get("array"):
            self.b.flow(ks[1].note(s, "range"), tmp)
        else:
            self.b.flow(ks[1].deref(s, "range-deref"), tmp)
        self.reassigned(ks, s)
        self.block(s.body)
        self.depth -= 1

    def _s_switch(self, s: ir.Stmt) -> None:
        self.discard(s.cond)
        for c in s.cases:
            for e in c.exprs:
                self.discard(e)
            self.block(c.body)

    def _s_typeswitch(self, s: ir.Stmt) -> None:
        ks = []
        if s.extra.get("has_var"):
            for c in s.cases:
                if c.var is None:
                    continue
                k = self.dcl(c.var)
                if T.has_pointers(c.var.type):
                    ks.append(self.dot_type(k, c.var.type, c, "switch case"))
        self.expr(self.b.tee(self.fn, self.depth, ks), s.cond)
        for c in s.cases:
            self.block(c.body)

    def _s_select(self, s: ir.Stmt) -> None:
        for c in s.cases:
            if c.comm is not None:
                self.stmt(c.comm)
            self.block(c.body)

    def _s_send(self, s: ir.Stmt) -> None:
        self.discard(s.lhs[0])
        self.assign_heap(s.rhs[0], "send", s)

    def _s_as(self, s: ir.Stmt) -> None:
        for v in s.decl_vars:
            self.dcl(v)
        self.assign_list(s.lhs, s.rhs, _ASSIGN_WHY[s.op], s)

    def _s_as2func(self, s: ir.Stmt) -> None:
        for v in s.decl_vars:
            self.dcl(v)
        ks = [self.addr(x) for x in s.lhs]
        self.call_with_init(ks, s.rhs[0])
        self.reassigned(ks, s)

    def _s_return(self, s: ir.Stmt) -> None:
        dsts: list[ir.Expr | None] = [ir.Expr("name", v.type, v.pos, var=v)
                                      for v in self.fn.results]
        self.assign_list(dsts, s.rhs, "return", s)

    def _s_expr(self, s: ir.Stmt) -> None:
        e = s.rhs[0]
        if e.op in ("call", "callinter") or e.op in _BUILTIN_CALLS:
            self.call_with_init(None, e)
        else:
            self.discard(e)

    def call_with_init(self, ks: list[Hole] | None, e: ir.Expr) -> None:
        """A call that is a statement of its own: the statements it needs first (its
        temporaries), then the call."""
        for st in e.extra.get("init") or () if e.extra else ():
            self.stmt(st)
        self.call(ks, e)

    def _s_block(self, s: ir.Stmt) -> None:
        self.block(s.body)

    def _s_opaque(self, s: ir.Stmt) -> None:
        for e in s.rhs:
            self.expr(self.heap_hole().addr(s, "unsupported"), e)

    def go_defer(self, s: ir.Stmt) -> None:
        k = self.heap_hole()
        # a defer in a range-over-func body belongs to the enclosing function's frame:
        # the compiler allocates it on the heap
        if s.op == "defer" and self.depth == 1 and not getattr(self.fn, "is_range_body", False):
            k = self.b.later(self.fn, self.depth, self.discard_hole())
        call = s.rhs[0]
        if call.op == "call":
            self.expr(k, call.value)
        else:
            self.expr(k, call)

    def assign_list(self, dsts: list[ir.Expr | None], srcs: list[ir.Expr], why: str,
                    where: ir.Stmt) -> None:
        ks = [self.addr(d) for d in dsts]
        for i, k in enumerate(ks):
            src = srcs[i] if i < len(srcs) else None
            dst = dsts[i]
            if dst is not None and src is not None and is_self_assign(dst, src):
                p = self.b.printer
                self.b.messages.append(Message(
                    where.pos, f"{self.fn.name} ignoring self-assignment in "
                    f"{stmt_text(p, where)}", "self_assignment", p.expr(dst), self.fn))
                k = self.discard_hole()
            if src is not None:
                self.expr(k.note(where, why), src)
        self.reassigned(ks, where)

    def reassigned(self, ks: list[Hole], where: ir.Stmt) -> None:
        for k in ks:
            loc = k.dst
            n = loc.n
            if isinstance(n, ir.Var) and getattr(n, "defn_stmt", None) is where \
                    and where.op != "range":
                continue
            if self.in_post and isinstance(n, ir.Var) and getattr(n, "loopvar", False):
                continue
            loc.reassigned = True

    def addr(self, e: ir.Expr | None) -> Hole:
        if e is None or e.op == "blank":
            return self.discard_hole()
        k = self.heap_hole()
        op = e.op
        if op == "name":
            assert e.var is not None
            if e.var.cls == ir.GLOBAL or e.var.cls == ir.FUNC:
                return k
            return self.H(self.loc_of(e.var))
        if op == "dot":
            return self.addr(e.args[0])
        if op == "index":
            self.discard(e.args[1])
            if isinstance(e.args[0].type.underlying(), T.Array):
                return self.addr(e.args[0])
            self.mutate(e.args[0])
            return k
        if op in ("deref", "dotptr"):
            self.mutate(e.args[0])
            return k
        if op == "indexmap":
            self.discard(e.args[0])
            self.assign_heap(e.args[1], "key of map put", e)
            return k
        return k

    def mutate(self, e: ir.Expr) -> None:
        self.expr(self.H(self.b.mutator), e)

    def dot_type(self, k: Hole, t: T.Type, where: Any, why: str) -> Hole:
        if not T.is_interface(t) and not T.is_direct_iface(t):
            k = k.shift(1)
        return k.note(where, why)

    # ------------------------------------------------------------ expressions

    def expr(self, k: Hole, e: ir.Expr | None) -> None:
        if e is None:
            return
        extra = e.extra
        if extra:
            for st in extra.get("init") or ():
                self.stmt(st)
        if k.derefs >= 0 and k.dst is not self.b.blank:
            t = e.type
            if not (isinstance(t, T.Basic) and t.untyped) and not T.has_pointers(t):
                k = self.H(self.b.blank, k.derefs, k.notes, k.addrtaken)
        f = _EXPR.get(e.op)
        if f is not None:
            f(self, k, e)
        # anything else ("lit", "nil", "type", ...) carries no pointers we track

    # One method per expression operator, found through _EXPR (below the class).

    def _x_name(self, k: Hole, e: ir.Expr) -> None:
        v = e.var
        assert v is not None
        if v.cls in (ir.FUNC, ir.GLOBAL):
            return
        self.b.flow(k, self.loc_of(v))

    def _x_unary(self, k: Hole, e: ir.Expr) -> None:
        self.discard(e.args[0])

    def _x_binary(self, k: Hole, e: ir.Expr) -> None:
        a = e.args
        self.discard(a[0])
        self.discard(a[1])

    def _x_addr(self, k: Hole, e: ir.Expr) -> None:
        self.expr(k.addr(e, "address-of"), e.args[0])

    def _x_deref(self, k: Hole, e: ir.Expr) -> None:
        self.expr(k.deref(e, "indirection"), e.args[0])

    def _x_dot(self, k: Hole, e: ir.Expr) -> None:
        self.expr(k.note(e, "dot"), e.args[0])

    def _x_dotptr(self, k: Hole, e: ir.Expr) -> None:
        self.expr(k.deref(e, "dot of pointer"), e.args[0])

    def _x_dottype(self, k: Hole, e: ir.Expr) -> None:
        self.expr(self.dot_type(k, e.type, e, "dot"), e.args[0])

    def _x_index(self, k: Hole, e: ir.Expr) -> None:
        a = e.args
        if isinstance(a[0].type.underlying(), T.Array):
            self.expr(k.note(e, "fixed-array-index-of"), a[0])
        else:
            self.expr(k.deref(e, "dot of pointer"), a[0])
        self.discard(a[1])

    def _x_indexmap(self, k: Hole, e: ir.Expr) -> None:
        a = e.args
        self.discard(a[0])
        self.discard(a[1])

    def _x_slice(self, k: Hole, e: ir.Expr) -> None:
        a = e.args
        self.expr(k.note(e, "slice"), a[0])
        for x in a[1:]:
            self.discard(x)

    def _x_conv(self, k: Hole, e: ir.Expr) -> None:
        x = e.args[0]
        rule = e.extra.get("uintptr_arg") if e.extra else None
        if rule == "escapes":
            # the argument of a //go:uintptrescapes function: its pointer escapes
            self.expr(self.heap_hole().note(e, "//go:uintptrescapes"), x)
        elif rule == "keepalive":
            self.expr(self.H(self.b.mutator), x)  # kept alive across the call
        elif e.type is not None and T.is_unsafe_pointer(e.type) and T.is_basic(x.type, "uintptr"):
            self.unsafe_value(k, x)
        else:
            self.expr(k, x)

    def unsafe_value(self, k: Hole, e: ir.Expr) -> None:
        """A uintptr computed from pointers, converted back to unsafe.Pointer: what it
        was converted from flows on through the arithmetic; anything else is dropped."""
        op = e.op
        if op in ("conv", "convnop") and e.args and T.is_unsafe_pointer(e.args[0].type):
            self.expr(k, e.args[0])
        elif op in ("plus", "neg", "bitnot") and e.args:
            self.unsafe_value(k, e.args[0])
        elif op in ("add", "sub", "or", "xor", "mul", "div", "mod", "and", "andnot"):
            self.unsafe_value(k, e.args[0])
            self.unsafe_value(k, e.args[1])
        elif op in ("lsh", "rsh"):
            self.unsafe_value(k, e.args[0])
            self.discard(e.args[1])
        else:
            self.discard(e)

    def _x_slice2arr(self, k: Hole, e: ir.Expr) -> None:
        self.expr(k.deref(e, "slice-to-array"), e.args[0])

    def _x_conviface(self, k: Hole, e: ir.Expr) -> None:
        a = e.args
        if not T.is_interface(a[0].type) and not T.is_direct_iface(a[0].type):
            k = self.spill(k, e)
        self.expr(k.note(e, "interface-converted"), a[0])

    def _x_call(self, k: Hole, e: ir.Expr) -> None:
        self.call([k], e)

    def _x_new(self, k: Hole, e: ir.Expr) -> None:
        self.spill(k, e)

    def _x_spill_discard(self, k: Hole, e: ir.Expr) -> None:
        # makeslice, makemap and the string conversions
        self.spill(k, e)
        for x in e.args:
            self.discard(x)

    def _x_makechan(self, k: Hole, e: ir.Expr) -> None:
        for x in e.args:
            self.discard(x)

    def _x_methvalue(self, k: Hole, e: ir.Expr) -> None:
        closure_k = self.spill(k, e)
        fn = e.func
        sig = e.type
        nres = len(sig.results) if isinstance(sig, T.Signature) else 0
        ks = [self.heap_hole() for _ in range(nres)]
        if fn is None:
            param_k = self.heap_hole()
        else:
            param_k = self.tag_hole(ks, fn, 0)
        self.expr(self.b.tee(self.fn, self.depth, [param_k, closure_k]), e.args[0])

    def _x_ptrlit(self, k: Hole, e: ir.Expr) -> None:
        self.expr(self.spill(k, e), e.args[0])

    def _x_arraylit(self, k: Hole, e: ir.Expr) -> None:
        for x in e.args:
            self.expr(k.note(e, "array literal element"), x)

    def _x_slicelit(self, k: Hole, e: ir.Expr) -> None:
        k = self.spill(k, e)
        for x in e.args:
            self.expr(k.note(e, "slice-literal-element"), x)

    def _x_structlit(self, k: Hole, e: ir.Expr) -> None:
        for x in e.args:
            self.expr(k.note(e, "struct literal element"), x)

    def _x_maplit(self, k: Hole, e: ir.Expr) -> None:
        self.spill(k, e)
        for key, val in zip(e.extra.get("keys", []), e.args):
            self.assign_heap(key, "map literal key", e)
            self.assign_heap(val, "map literal value", e)

    def _x_closure(self, k: Hole, e: ir.Expr) -> None:
        k = self.spill(k, e)
        self.b.closures.append((k, e))
        fn = e.func
        if fn is not None and fn.is_closure and self.b.in_batch(fn):
            for cv in fn.closure_vars:
                loc = self.loc_of(cv)
                if not loc.captured:
                    loc.captured = True
                    if loc.loop_depth == self.depth:
                        loc.reassigned = False
            for v in fn.params + fn.results + fn.dcl:
                if self.b.old_loc(v) is None:
                    self.b.new_loc(v, fn, 1, True)
            Walker(self.b, fn).walk_func()

    def _x_unknown(self, k: Hole, e: ir.Expr) -> None:
        # a selection on an opaque type may alias its operand
        for x in e.args:
            self.expr(k, x)

    # ------------------------------------------------------------ calls

    def static_callees(self, fun: ir.Expr) -> list[ir.Func]:
        v = static_value(fun)
        if v.op == "closure" and v.func is not None:
            return [v.func]
        if v.op == "methexpr" and v.func is not None:
            return [v.func]
        if v.op == "name" and v.var is not None:
            if v.var.cls == ir.FUNC and v.var.func is not None:
                return [v.var.func]
            return assigned_callees(v.var)
        return []

    def call(self, ks: list[Hole] | None, e: ir.Expr) -> None:
        op = e.op
        a = e.args

        def argument(k: Hole, arg: ir.Expr) -> None:
            self.expr(k.note(e, "call parameter"), arg)

        if op == "call":
            fun = e.value
            if e.extra.get("unknown"):
                # a callee nobody can see (a method of an opaque type, an unknown package):
                # its receiver operand and arguments all leak
                for x in (fun.args if fun is not None else []) + a:
                    argument(self.heap_hole(), x)
                return
            fns = self.static_callees(fun)
            if ks is not None:
                for f in fns:
                    if self.b.in_batch(f):
                        for i, r in enumerate(f.results):
                            if i < len(ks):
                                self.expr(ks[i], ir.Expr("name", r.type, r.pos, var=r))
            callee_k = self.discard_hole()
            if not fns and ks is not None:
                for k in ks:
                    if k.dst is not self.b.blank:
                        callee_k = self.H(self.b.callee).note(e, "callee operand")
                        break
            self.expr(callee_k, fun)
            for i, arg in enumerate(a):
                argument(self.merged_tag_hole(ks, fns, i), arg)
        elif op == "callinter":
            recv = e.value.args[0]
            argument(self.heap_hole(), recv)
            for arg in a:
                argument(self.heap_hole(), arg)
        elif op == "append":
            k0 = ks[0] if ks else self.discard_hole()
            appendee_k = self.b.tee(self.fn, self.depth, [k0, self.H(self.b.mutator)])
            st = a[0].type.underlying()
            elem = st.elem if isinstance(st, T.Slice) else T.INVALID
            if T.has_pointers(elem):
                appendee_k = self.b.tee(self.fn, self.depth,
                                        [appendee_k, self.heap_hole().deref(e, "appendee slice")])
            argument(appendee_k, a[0])
            if e.ddd:
                appended_k = self.discard_hole()
                if len(a) > 1:
                    t1 = a[1].type.underlying()
                    if isinstance(t1, T.Slice) and T.has_pointers(t1.elem):
                        appended_k = self.heap_hole().deref(e, "appended slice...")
                    argument(appended_k, a[1])
            else:
                for x in a[1:]:
                    argument(self.heap_hole(), x)
            bs = self.spill(k0, e)
            bs.dst.loop_depth = 0
        elif op == "copy":
            argument(self.H(self.b.mutator), a[0])
            copied_k = self.discard_hole()
            t1 = a[1].type.underlying()
            if isinstance(t1, T.Slice) and T.has_pointers(t1.elem):
                copied_k = self.heap_hole().deref(e, "copied slice")
            argument(copied_k, a[1])
        elif op == "panic":
            argument(self.heap_hole(), a[0])
        elif op in ("complex", "delete", "print", "println", "recover"):
            for x in a:
                self.discard(x)
        elif op in ("min", "max"):
            k0 = ks[0] if ks else self.discard_hole()
            for x in a:
                argument(k0, x)
        elif op in ("len", "cap", "real", "imag", "close"):
            self.discard(a[0])
        elif op == "clear":
            argument(self.H(self.b.mutator), a[0])
        elif op in ("unsafeadd", "unsafeslice", "unsafestring"):
            argument(ks[0] if ks else self.discard_hole(), a[0])
            self.discard(a[1])
        elif op in ("unsafestringdata", "unsafeslicedata"):
            argument(ks[0] if ks else self.discard_hole(), a[0])

    def merged_tag_hole(self, ks: list[Hole] | None, fns: list[ir.Func], i: int) -> Hole:
        if not fns:
            return self.heap_hole()
        return self.b.tee(self.fn, self.depth, [self.tag_hole(ks, f, i) for f in fns])

    def tag_hole(self, ks: list[Hole] | None, fn: ir.Func, i: int) -> Hole:
        if self.b.in_batch(fn):
            if i >= len(fn.params):
                return self.discard_hole()
            p = fn.params[i]
            if getattr(p, "unnamed", False):
                return self.discard_hole()
            return self.H(self.loc_of(p))
        tags = std_tags(fn) or self.b.analyzed.get(id(fn))
        if tags is None or i >= len(tags):
            if fn.body is None or tags is None:
                return self.heap_hole()
            return self.discard_hole()
        lk = tags[i]
        if lk is None:
            return self.discard_hole()
        tks: list[Hole] = []
        if lk.heap >= 0:
            tks.append(self.heap_hole().shift(lk.heap))
        if lk.v[1] >= 0:
            tks.append(self.H(self.b.mutator).shift(lk.v[1]))
        if lk.v[2] >= 0:
            tks.append(self.H(self.b.callee).shift(lk.v[2]))
        if ks is not None:
            for r in range(NUM_RESULTS):
                x = lk.result(r)
                if x >= 0 and r < len(ks):
                    tks.append(ks[r].shift(x))
        return self.b.tee(self.fn, self.depth, tks)


_BINARY = {"add", "sub", "mul", "div", "mod", "lsh", "rsh", "and", "or", "xor", "andnot",
           "eq", "ne", "lt", "le", "gt", "ge", "andand", "oror"}
_BUILTIN_CALLS = {"append", "copy", "panic", "complex", "delete", "print", "println",
                  "recover", "min", "max", "len", "cap", "real", "imag", "close", "clear",
                  "unsafeadd", "unsafeslice", "unsafestring", "unsafestringdata",
                  "unsafeslicedata"}


def _expr_table() -> dict[str, Any]:
    """Operator -> Walker method for `Walker.expr` (first entry wins, as in a chain of
    tests); operators not listed carry no pointers the graph tracks."""
    W = Walker
    entries: list[tuple[Any, Any]] = [
        (("lit", "nil", "type", "methexpr", "builtin", "none", "blank", "pkg"), None),
        (("name",), W._x_name),
        (("neg", "plus", "bitnot", "not", "recv"), W._x_unary),
        (sorted(_BINARY), W._x_binary),
        (("addr",), W._x_addr),
        (("deref",), W._x_deref),
        (("dot", "dotinter"), W._x_dot),
        (("dotptr",), W._x_dotptr),
        (("dottype",), W._x_dottype),
        (("index",), W._x_index),
        (("indexmap",), W._x_indexmap),
        (("slice",), W._x_slice),
        (("conv", "convnop", "slice2arrptr"), W._x_conv),
        (("slice2arr",), W._x_slice2arr),
        (("conviface",), W._x_conviface),
        (["call", "callinter", *sorted(_BUILTIN_CALLS)], W._x_call),
        (("new",), W._x_new),
        (("makeslice",), W._x_spill_discard),
        (("makechan",), W._x_makechan),
        (("makemap",), W._x_spill_discard),
        (("methvalue",), W._x_methvalue),
        (("ptrlit",), W._x_ptrlit),
        (("arraylit",), W._x_arraylit),
        (("slicelit",), W._x_slicelit),
        (("structlit",), W._x_structlit),
        (("maplit",), W._x_maplit),
        (("closure",), W._x_closure),
        (("bytes2str", "runes2str", "str2bytes", "str2runes", "runestr", "addstr"),
         W._x_spill_discard),
        (("unknown",), W._x_unknown),
    ]
    table: dict[str, Any] = {}
    for ops, f in entries:
        for op in ops:
            table.setdefault(op, f)
    return {op: f for op, f in table.items() if f is not None}


_EXPR = _expr_table()


_ASSIGN_WHY = {"as": "assign", "asop": "assign", "as2": "assign-pair",
               "as2dottype": "assign-pair-dot-type", "as2mapr": "assign-pair-mapr",
               "as2recv": "assign-pair-receive"}

_STMT: dict[str, Any] = {
    "dcl": Walker._s_dcl, "label": Walker._s_label, "if": Walker._s_if, "for": Walker._s_for,
    "range": Walker._s_range, "switch": Walker._s_switch, "typeswitch": Walker._s_typeswitch,
    "select": Walker._s_select, "send": Walker._s_send,
    **dict.fromkeys(_ASSIGN_WHY, Walker._s_as),
    "as2func": Walker._s_as2func, "return": Walker._s_return, "expr": Walker._s_expr,
    "go": Walker.go_defer, "defer": Walker.go_defer, "block": Walker._s_block,
    "opaque": Walker._s_opaque,
}


def std_tags(fn: ir.Func) -> list[Leaks] | None:
    """Tags of an imported standard-library function (decoded on first use)."""
    rec = getattr(fn, "std_record", None)
    if rec is None:
        return None
    tags = getattr(fn, "std_tags", None)
    if tags is None:
        from .importer import decode_tags
        n = len(fn.sig.params) + (1 if fn.sig.recv is not None else 0)
        tags = fn.std_tags = decode_tags(rec, n)  # type: ignore[attr-defined]
    return tags


# ---------------------------------------------------------------- reassignment oracle

def static_value(e: ir.Expr) -> ir.Expr:
    """Follow single-assignment, never-address-taken locals to their defining value."""
    seen = 0
    while seen < 100:
        seen += 1
        if e.op == "convnop" and e.args:
            e = e.args[0]
            continue
        if e.op != "name" or e.var is None:
            return e
        v = e.var
        if v.cls != ir.LOCAL or v.addrtaken or v.assigns or v.defn is None:
            return e
        e = v.defn
    return e


def assigned_callees(v: ir.Var) -> list[ir.Func]:
    if v.cls != ir.LOCAL or v.addrtaken or getattr(v, "other_assign", False):
        return []
    if not isinstance(v.type.underlying(), T.Signature):
        return []
    vals = ([v.defn] if v.defn is not None else []) + list(v.assign_exprs)
    out: list[ir.Func] = []
    for x in vals:
        x = static_value(x)
        if x.op == "nil":
            continue
        if x.op == "name" and x.var is not None and x.var.cls == ir.FUNC and x.var.func:
            out.append(x.var.func)
        elif x.op == "closure" and x.func is not None:
            out.append(x.func)
        elif x.op == "methexpr" and x.func is not None:
            out.append(x.func)
        else:
            return []
    return out


# ---------------------------------------------------------------- self assignment

def stmt_text(p: Any, s: ir.Stmt) -> str:
    """An assignment statement as the compiler prints it in notes."""
    lhs = ", ".join("_" if x is None else p.expr(x) for x in s.lhs)
    rhs = ", ".join(p.expr(x) for x in s.rhs[:len(s.lhs)] if x is not None)
    if s.op == "asop":
        sym = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%", "and": "&",
               "or": "|", "xor": "^", "lsh": "<<", "rsh": ">>", "andnot": "&^"}.get(
            s.extra.get("binop", "add"), "+")
        return f"{lhs} {sym}= {rhs}"
    return f"{lhs} = {rhs}"


def _outer_name(e: ir.Expr) -> ir.Var | None:
    return e.var if e.op == "name" else None


def is_self_assign(dst: ir.Expr, src: ir.Expr) -> bool:
    if _is_slice_self_assign(dst, src):
        return True
    if dst.op != src.op:
        return False
    if dst.op in ("dot", "dotptr"):
        return same_safe_expr(dst.args[0], src.args[0])
    if dst.op == "index":
        if _may_affect_memory(dst.args[1]) or _may_affect_memory(src.args[1]):
            return False
        return same_safe_expr(dst.args[0], src.args[0])
    return False


def _is_slice_self_assign(dst: ir.Expr, src: ir.Expr) -> bool:
    if dst.op not in ("deref", "dotptr"):
        return False
    dx = dst.args[0]
    if dx.op != "name":
        return False
    if src.op != "slice":
        return False
    base = src.args[0]
    if base.op == "addr":
        return False
    if base.op not in ("deref", "dotptr"):
        return False
    bx = base.args[0]
    return bx.op == "name" and bx.var is dx.var


def _may_affect_memory(e: ir.Expr) -> bool:
    if e.op in ("name", "lit", "nil"):
        return False
    if e.op in _BINARY - {"eq", "ne", "lt", "le", "gt", "ge", "andand", "oror"}:
        return _may_affect_memory(e.args[0]) or _may_affect_memory(e.args[1])
    if e.op == "index":
        return _may_affect_memory(e.args[0]) or _may_affect_memory(e.args[1])
    if e.op in ("conv", "convnop", "len", "cap", "not", "bitnot", "plus", "neg", "dot",
                "dotptr", "deref"):
        return _may_affect_memory(e.args[0])
    return True


def same_safe_expr(a: ir.Expr, b: ir.Expr) -> bool:
    while a.op == "convnop" and a.implicit:
        a = a.args[0]
    while b.op == "convnop" and b.implicit:
        b = b.args[0]
    if a.op != b.op:
        return False
    if a.op == "name":
        return a.var is b.var
    if a.op in ("dot", "dotptr"):
        return a.value == b.value and same_safe_expr(a.args[0], b.args[0])
    if a.op in ("deref", "conv", "convnop"):
        return same_safe_expr(a.args[0], b.args[0])
    if a.op == "index":
        return same_safe_expr(a.args[0], b.args[0]) and same_safe_expr(a.args[1], b.args[1])
    if a.op == "lit":
        return a.value == b.value
    return False


def heap_alloc_reason(n: Any) -> str:
    """Why a location must be on the heap regardless of flows (size rules)."""
    if n is None:
        return ""
    if isinstance(n, ir.Var):
        if n.cls in (ir.PARAM, ir.RESULT):
            return ""
        if T.sizeof(n.type) > MAX_STACK_VAR:
            return "too large for stack"
        return ""
    e: ir.Expr = n
    if e.op in ("new", "ptrlit"):
        elem = e.type.underlying().elem if isinstance(e.type.underlying(), T.Pointer) else None
        if elem is not None and T.sizeof(elem) > MAX_IMPLICIT_STACK_VAR:
            return "too large for stack"
    if e.op == "closure" and e.func is not None:
        size = 8 + sum(8 if not _byval(v) else T.sizeof(v.type) for v in e.func.closure_vars)
        if size > MAX_IMPLICIT_STACK_VAR:
            return "too large for stack"
    if e.op == "makeslice":
        st = e.type.underlying()
        elem = st.elem if isinstance(st, T.Slice) else T.INVALID
        esize = T.sizeof(elem)
        if esize == 0:
            return "zero-sized element"
        r = e.args[1] if len(e.args) > 1 else (e.args[0] if e.args else None)
        if r is None or r.op != "lit" or not isinstance(r.value, int):
            return ""
        if not (-(1 << 31) <= r.value < (1 << 31)):
            return ""
        if r.value > MAX_IMPLICIT_STACK_VAR // esize:
            return "too large for stack"
    return ""


def _byval(v: ir.Var) -> bool:
    return bool(getattr(v, "byval", True))
