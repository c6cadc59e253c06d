"""The layout of a generic declaration's runtime dictionary (part of the lowering phase).

Code compiled for a shape reads what it cannot know statically from its `.dict`
parameter, a vector of words: first the method expressions it calls on type-parameter
values, then the sub-dictionaries of the generic functions and types it uses with
type arguments that depend on its own, then the run-time types and itabs its
operations need. A generic type's methods share one dictionary, the type's.

The compiler prints a sub-dictionary argument as `(*[N]uintptr)(.dict[i])`: N is the
callee's dictionary size in words, i the entry's index in the caller's. Both come from
walking the lowered instance bodies in source order, counting what the compiler's
export-data writer counts:

* a run-time type for every local variable, parameter and result whose type mentions
  a type parameter, for map indexing and ranging, `make`, `new`, `append`, `copy`,
  `delete`, map literals, type assertions and type-switch cases;
* for every conversion (implicit ones where the types differ, explicit ones always, and
  the assignments of a range clause) the run-time types of both sides and an itab entry
  when either side depends on a type parameter;

types being told apart by identity, as the compiler's writer does. This is a model:
where it miscounts, only the printed N or i differ.
"""

from __future__ import annotations

from typing import Any

from . import ir
from . import types as T

_CONVS = ir.CONVERSION_OPS


class Layout:
    """Counts of one dictionary's sections; subdicts in order of first use."""

    def __init__(self) -> None:
        self.method_exprs: set[tuple[str, str]] = set()
        self.subdicts: list[tuple] = []
        self.rtypes: set[tuple[int, object]] = set()
        self.itabs: set[tuple[int, object, object]] = set()
        # each method of a generic type declares its own receiver type parameters, so
        # the types of one method are never those of another: identities are per method
        self.scope = 0
        self.types: dict[int, T.Type] = {}  # the run-time types, by identity

    @property
    def size(self) -> int:
        return len(self.method_exprs) + len(self.subdicts) + len(self.rtypes) + len(self.itabs)

    def subdict_index(self, key: tuple) -> int:
        i = self.subdicts.index(key) if key in self.subdicts else len(self.subdicts)
        return len(self.method_exprs) + i

    # ---- what the writer counts

    def rtype(self, t: T.Type | None) -> None:
        if t is not None and T.has_shape(t):
            self.rtypes.add((self.scope, _ident(t)))
            self.types.setdefault(id(t), t)

    def itab(self, src: T.Type | None, dst: T.Type | None) -> None:
        self.rtype(src)
        self.rtype(dst)
        if src is not None and dst is not None and (T.has_shape(src) or T.has_shape(dst)):
            self.itabs.add((self.scope, _ident(src), _ident(dst)))

    def var(self, v: ir.Var) -> None:
        if getattr(v, "is_temp", False) or v.name.endswith(".dict") or v.name.startswith("."):
            return
        self.rtype(v.type)

    def func(self, fn: ir.Func, slots: dict[int, dict]) -> None:
        self.method_exprs.update(slots.get(id(fn), {}))
        for v in fn.params + fn.results:
            self.var(v)
        self._stmts(fn.body or [], slots, fn.results)

    def _stmts(self, stmts: list[ir.Stmt], slots: dict[int, dict],
               results: list[ir.Var]) -> None:
        for st in ir.walk_stmts(stmts):
            for v in st.decl_vars:
                self.var(v)
            self._assignability(st, results)
            if st.op == "range" and st.rhs:
                x = st.rhs[0].type
                u = x.underlying() if x is not None else None
                if isinstance(u, T.Map):
                    self.rtype(x)
                kv = _range_types(u)
                for lhs, src in zip(st.lhs, kv):
                    if lhs is not None and lhs.op != "blank":
                        self.itab(src, lhs.type)
            elif st.op == "typeswitch" and st.cond is not None:
                iface = st.cond.type
                nonempty = isinstance(iface.underlying(), T.Interface) and \
                    bool(iface.underlying().all_methods())  # type: ignore[union-attr]
                for c in st.cases:
                    for e in c.exprs:
                        if e.op == "nil":
                            continue
                        if nonempty:
                            self.itab(e.type, iface)
                        else:
                            self.rtype(e.type)
                    if c.var is not None:
                        self.var(c.var)
        for e in ir.iter_exprs(stmts):
            self._expr(e, slots)

    def _assignability(self, st: ir.Stmt, results: list[ir.Var]) -> None:
        """Implicit conversions the lowered code leaves out (a value assigned to a type
        it is assignable to but not identical with, e.g. a func literal returned as
        iter.Seq[K]): the compiler's writer converts, so it counts them."""
        if st.op == "return" and len(st.rhs) == len(results):
            pairs = [(e, r.type) for e, r in zip(st.rhs, results)]
        elif st.op == "as" and len(st.lhs) == len(st.rhs):
            pairs = [(e, lhs.type) for e, lhs in zip(st.rhs, st.lhs) if lhs is not None]
        else:
            return
        for e, dst in pairs:
            if e is None or e.op in _CONVS or e.op in ("nil", "lit") or T.is_untyped(e.type):
                continue
            if not _identical(e.type, dst):
                self.itab(e.type, dst)

    def _expr(self, e: ir.Expr, slots: dict[int, dict]) -> None:
        op = e.op
        sd = e.extra.get("subdict") if e.extra else None
        if sd is not None and (self.scope, sd.key) not in self.subdicts:
            self.subdicts.append((self.scope, sd.key))
        if op == "closure" and e.func is not None:
            self.func(e.func, slots)
        elif op in _CONVS and e.args and not e.extra.get("rewrite"):
            if not e.implicit or not _identical(e.args[0].type, e.type):
                self.itab(e.args[0].type, e.type)
        elif op == "indexmap" or op == "maplit" or op == "makemap" or op == "makechan":
            self.rtype(e.args[0].type if op == "indexmap" else e.type)
        elif op == "makeslice" or op == "append":
            u = e.type.underlying() if e.type is not None else None
            self.rtype(u.elem if isinstance(u, T.Slice) else None)
            if op == "append" and e.ddd and len(e.args) == 2 and isinstance(u, T.Slice):
                # `append(s, t...)`: t converts to the call's own []E, a type of its own
                spread = T.Slice(u.elem)
                if not _identical(e.args[1].type, spread):
                    self.itab(e.args[1].type, spread)
        elif op == "copy" and e.args:
            u = e.args[0].type.underlying()
            self.rtype(u.elem if isinstance(u, T.Slice) else None)
        elif op == "delete" and e.args:
            self.rtype(e.args[0].type)
        elif op == "new":
            self.rtype(e.value if isinstance(e.value, T.Type) else None)
        elif op == "dottype" and e.args:
            iface = e.args[0].type
            u = iface.underlying()
            if isinstance(u, T.Interface) and u.all_methods():
                self.itab(e.type, iface)
            else:
                self.rtype(e.type)
            self.rtype(iface)


def _ident(t: T.Type) -> object:
    """A type's identity as the compiler's writer tells types apart: by object, except
    that a type parameter (here, the shape bound to it) is one type wherever it appears."""
    if isinstance(t, T.Named) and T.is_shape(t):
        return ("tparam", t.tparam, T.link_string(t))
    return id(t)


def _identical(a: T.Type | None, b: T.Type | None) -> bool:
    return a is b or (a is not None and b is not None and T.link_string(a) == T.link_string(b))


def _range_types(u: T.Type | None) -> list[T.Type | None]:
    if isinstance(u, T.Map):
        return [u.key, u.elem]
    if isinstance(u, (T.Slice, T.Array)):
        return [T.INT_T, u.elem]
    if isinstance(u, T.Pointer) and isinstance(u.elem.underlying(), T.Array):
        return [T.INT_T, u.elem.underlying().elem]  # type: ignore[attr-defined]
    if isinstance(u, T.Chan):
        return [u.elem]
    return []


class SubDict:
    """A generic call's dictionary argument inside instantiated code, printed from the
    callee's and the caller's dictionary layouts once every instance is lowered."""

    __slots__ = ("instances", "caller", "key", "callee_funcs", "dict_name")

    def __init__(self, instances: Any, caller: ir.Func, key: tuple, callee_funcs: Any,
                 dict_name: str) -> None:
        self.instances, self.caller, self.key = instances, caller, key
        self.callee_funcs, self.dict_name = callee_funcs, dict_name

    def render(self) -> str:
        callee = layout(self.instances, self.callee_funcs())
        funcs = owner_funcs(self.instances, self.caller)
        caller = layout(self.instances, funcs)
        scope = funcs.index(self.caller) if self.caller in funcs else 0
        i = caller.subdict_index((scope, self.key))
        return f"(*[{callee.size}]uintptr)({self.dict_name}[{i}])"


def owner_funcs(instances: Any, inst: ir.Func) -> list[ir.Func]:
    """The instances sharing inst's dictionary: inst itself, or for a method of a generic
    type every method of the type for the same shapes, in declaration order (those the
    package does not compile lowered for the layout only)."""
    gm = getattr(inst, "generic_origin", None)
    if gm is None or getattr(gm, "recv_tparams", None) is None:
        return [inst]
    gen = getattr(gm.recv_named, "generic", None)  # type: ignore[attr-defined]
    if gen is None:
        return [inst]
    shapes = tuple(T.link_string(s) for s in getattr(inst, "shapes", ()))
    out = []
    for m in gen.named.methods.values():
        got = instances.funcs.get((id(m), shapes))
        if got is None and isinstance(m, ir.Func) and instances.lower_sibling is not None \
                and getattr(m, "recv_tparams", None) is not None:
            got = instances.lower_sibling(m, list(getattr(inst, "shapes", ())))
        if got is not None:
            out.append(got)
    return out or [inst]


def layout(instances: Any, funcs: list[ir.Func]) -> Layout:
    key = tuple(id(f) for f in funcs)
    got = instances.layouts.get(key)
    if got is None:
        got = Layout()
        for i, f in enumerate(funcs):
            got.scope = i
            got.func(f, instances.method_slots)
        instances.layouts[key] = got
    return got


def concrete_instances(layout_: Layout, shapes: list[T.Type], targs: list[T.Type]) -> list[T.Named]:
    """The generic types a concrete instantiation's dictionary names: its run-time types
    with each shape replaced by its type argument. The compiler reads them, so every
    method of each is compiled in the package."""
    by_link = {T.link_string(sh): t for sh, t in zip(shapes, targs)}
    out: list[T.Named] = []
    for t in layout_.types.values():
        _unshape(t, by_link, out, 0)
    return out


def _unshape(t: T.Type, by_link: dict[str, T.Type], out: list[T.Named], depth: int) -> T.Type:
    if depth > 20:
        return t
    d = depth + 1
    if isinstance(t, T.Named):
        if T.is_shape(t):
            return by_link.get(T.link_string(t), t)
        gen = getattr(t.origin, "generic", None) if t.origin is not None else None
        if gen is None or not any(T.has_shape(a) for a in t.targs):
            return t
        inst = gen.instance([_unshape(a, by_link, out, d) for a in t.targs])
        if not any(T.has_shape(a) or T.has_tparam(a) for a in inst.targs):
            out.append(inst)
        return inst
    if isinstance(t, T.Pointer):
        return T.Pointer(_unshape(t.elem, by_link, out, d))
    if isinstance(t, T.Slice):
        return T.Slice(_unshape(t.elem, by_link, out, d))
    if isinstance(t, T.Array):
        return T.Array(t.length, _unshape(t.elem, by_link, out, d))
    if isinstance(t, T.Chan):
        return T.Chan(_unshape(t.elem, by_link, out, d), t.dir)
    if isinstance(t, T.Map):
        return T.Map(_unshape(t.key, by_link, out, d), _unshape(t.elem, by_link, out, d))
    if isinstance(t, T.Signature):
        return T.Signature([T.Param(p.name, _unshape(p.type, by_link, out, d), p.pos)
                            for p in t.params],
                           [T.Param(p.name, _unshape(p.type, by_link, out, d), p.pos)
                            for p in t.results], t.variadic)
    return t
