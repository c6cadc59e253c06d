"""Lower phase: function bodies (tree-sitter nodes) to the typed IR of `ir.py`.

Lowering type-checks expressions as it goes (it needs types to know where Go inserts
implicit operations) and makes every implicit operation explicit: interface
conversions, `&`/`*` on method receivers, embedded-field steps, variadic packing,
array slicing (which takes the array's address), multi-value call temporaries, and
the wrapper closures that go/defer statements become.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

from . import ir
from . import types as T
from .dicts import SubDict, concrete_instances, layout, owner_funcs
from .resolve import Builtin, Const, Nil, PkgName, Resolver, Scope, TypeName, Unknown, Unsupported
from .syntax import NEW_STANDIN, Node, SourceFile, descendants, named_children, text

E = ir.Expr


class LowerError(Exception):
    pass


def _pos_of(f: SourceFile, n: Node) -> ir.Pos:
    row, col = n.start_point  # one Point object, unpacked
    return (row + 1, col + 1, f.display)


def _anon(n: Node, kind: str) -> Node | None:
    for c in n.children:
        if c.type == kind:
            return c
    return None


# builtin calls whose operands a go/defer wrapper evaluates up front
_WRAPPED_BUILTINS = {"append", "delete", "print", "println", "recover", "copy", "clear",
                     "close", "panic"}

_BINOPS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "<<": "lsh",
           ">>": "rsh", "&": "and", "|": "or", "^": "xor", "&^": "andnot", "==": "eq",
           "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "&&": "andand",
           "||": "oror"}
_CMP = {"eq", "ne", "lt", "le", "gt", "ge"}
_UNOPS = {"-": "neg", "+": "plus", "^": "bitnot", "!": "not", "<-": "recv", "&": "addr",
          "*": "deref"}


class Lowerer:
    def __init__(self, res: Resolver) -> None:
        self.res = res
        self.fn: ir.Func | None = None
        self.file: SourceFile = res.files[0] if res.files else None  # type: ignore[assignment]
        self.scope: Scope = res.scope
        self.funclit_counter: dict[int, int] = {}
        self.iota: int | None = None
        self.static_closures: list[ir.Func] = []
        self.rangefunc_stack: list[dict[str, Any]] = []
        # names a `:=` or `var` statement is about to declare: the compiler declares them
        # before it makes the temporaries its right-hand side needs
        self.pending_decls = 0
        self.late_temps: list[ir.Var] = []  # temporaries numbered after the others
        # the compiler lays out no addresses in the static data of the FIPS module
        self._fips = res.path == "crypto/internal/fips140" or \
            res.path.startswith("crypto/internal/fips140/")
        res.eval_const = self._eval_const_node
        self.unsupported: list[tuple[ir.Pos, str, ir.Func | None]] = []
        # values of statically initialized globals (no code, but their types still count)
        self.static_values: list[E] = []
        self.generics = Instances()
        self.generics.lower_sibling = self.layout_sibling
        self.layout_mode = False  # lowering a layout-only body: no side effects
        self.home_res = res  # the package being lowered (self.res moves into generic bodies)
        self.stmp_count = 0  # static objects of package-level initializers (pkg..stmp_N)
        self._callee: Node | None = None  # the function expression of the call being lowered
        self.var_prefix = ""

    # ============================================================ package

    def lower_package(self) -> list[ir.Func]:
        res = self.res
        init = ir.Func("init", T.Signature([], []), (1, 1, res.files[0].display))
        init.is_package_init = True
        init.body = []
        # constants first (lazily anyway), then global variables
        for v in res.globals:
            self._global_type(v)
        for spec, f in res.var_specs:
            self._lower_global_spec(spec, f, init)
        funcs: list[ir.Func] = []
        if init.body:
            funcs.append(init)
        funcs.extend(self.static_closures)
        for fn in res.funcs:
            self._lower_func(fn)
            funcs.append(fn)
        self._drain(funcs)
        self._wrappers(funcs)
        # every method of a generic type instantiated with concrete types is compiled,
        # called or not
        # instances already looked at, by name: a type argument's shape may be a fresh
        # copy each time a signature is read, and the instance with it a new object
        done: set[str] = set()
        imported = _reached_instances(res.imported_refs, res.path, self._std_reach)
        seen_dicts: set[tuple[int, tuple[str, ...]]] = set()
        written: set[str] = set()  # see _reached_instances
        walked: set[int] = set()
        for _round in range(_MAX_INSTANCE_ROUNDS):
            imported += self._dictionary_types(seen_dicts, funcs)
            local = _concrete_instances(res)
            # the types instantiated code and local instances use reach more instances
            roots: list[T.Type] = [t for t in local if T.link_string(t) not in done]
            for f in funcs:
                if getattr(f, "shapes", None) and id(f) not in walked:
                    walked.add(id(f))
                    roots += _declared_types(f)
            reached = _reached_instances(roots, res.path, self._std_reach, written)
            todo = []
            for i in local + imported + reached:
                if T.link_string(i) not in done:
                    done.add(T.link_string(i))
                    todo.append(i)
            if not todo:
                break
            if _round == _MAX_INSTANCE_ROUNDS - 1:
                # a safety net: instances that keep making new ones (not a Go program
                # the compiler accepts) are not followed further
                self.unsupported.append(((1, 1, res.files[0].display),
                                         "generic instantiation that does not end", None))
                break
            for inst_t in todo:
                if any(T.has_tparam(t) for t in inst_t.targs):
                    continue  # a generic declaration's own types: nothing is compiled
                self.generics.read_instances.append(inst_t)
                gen = inst_t.origin.generic  # type: ignore[union-attr]
                for name, gm in list(gen.named.methods.items()):
                    if isinstance(gm, ir.Func) and getattr(gm, "extra_generic", False):
                        self.instance(gm, inst_t.targs)
                        if not any(T.has_shape(t) for t in inst_t.targs):
                            inst_t.methods.get(name)  # its wrapper
                        elif T.link_string(inst_t) in written:
                            self.instance(gm, inst_t.targs, as_written=True)
            self._drain(funcs)
            self._wrappers(funcs)
        self._number_late_temps()  # those of package-level initializers
        return funcs

    def _std_reach(self, path: str) -> frozenset[str] | None:
        """The reach table of an imported standard-library package (None otherwise)."""
        importer = getattr(self.res, "importer", None)
        cache = getattr(importer, "cache", {})
        r = cache.get(path)
        return getattr(r, "reach", None) if r is not None else None

    def _dictionary_types(self, seen: set[tuple[int, tuple[str, ...]]],
                          funcs: list[ir.Func]) -> list[T.Named]:
        """Generic types named by the dictionaries of the concrete instantiations the
        package references (`Start[string]` reads `Worker[string]`), not yet looked at."""
        out: list[T.Named] = []
        for gfn, targs in self.generics.concrete:
            key = (id(gfn), tuple(T.link_string(t) for t in targs))
            if key in seen:
                continue
            seen.add(key)
            inst = self.instance(gfn, targs)
            self._drain(funcs)  # the layout walks lowered bodies
            owners = owner_funcs(self.generics, inst)
            out += concrete_instances(layout(self.generics, owners),
                                      list(getattr(inst, "shapes", ())), targs)
        self.generics.dict_types += out
        return out

    def _wrappers(self, funcs: list[ir.Func]) -> None:
        """Bodies for the stand-ins of instantiated generic functions and methods used as
        values (`F[int]`, `s.Push`): a call of the shaped instance with the dictionary, as
        the compiler's instantiation wrappers do."""
        owners = [self.res] + [r for r in getattr(self.res.importer, "cache", {}).values()
                               if r is not None]
        pending = [w for r in owners for w in r.standins]
        for r in owners:
            r.standins.clear()
        while pending:
            w = pending.pop(0)
            if any(T.has_shape(t) or T.has_tparam(t) for t in w.targs):  # type: ignore
                # selected inside instantiated code, which calls the shaped body, or
                # inside a generic declaration, which is not compiled
                continue
            saved = (self.fn, self.scope, self.var_prefix)
            self.fn = w
            self.scope = Scope(self.res.scope, w)
            owner = getattr(w.generic_origin, "owner_res", None)  # type: ignore[attr-defined]
            if owner is not None and owner is not self.home_res:
                self.var_prefix = owner.name + "."
            try:
                self._declare_params(w, None, self.scope)
                gfn, targs = w.generic_origin, w.targs  # type: ignore[attr-defined]
                inst = self.instance(gfn, targs)
                pos = w.pos
                args = [E("name", v.type, pos, var=v) for v in w.params]
                d = self.dict_arg(gfn, targs, pos)
                args = args[:1] + [d] + args[1:] if w.sig.recv is not None else [d] + args
                iv = ir.Var(inst.call_name, inst.sig, pos, ir.FUNC, func=inst)  # type: ignore
                call = E("call", self._result_type(w.sig), pos, args,
                         value=E("name", inst.sig, pos, var=iv), func=inst,
                         ddd=w.sig.variadic)
                w.refs.append(inst)
                if not w.results:
                    w.body = [ir.Stmt("expr", pos, rhs=[call])]
                elif len(w.results) == 1:
                    w.body = [ir.Stmt("return", pos, rhs=[call])]
                else:
                    tmps = [self.new_temp(r.type, pos) for r in w.results]
                    st = self._multi_assign_stmt([E("name", v.type, pos, var=v) for v in tmps],
                                                 call, pos)
                    w.body = [ir.Stmt("return", pos, init=[st],
                                      rhs=[E("name", v.type, pos, var=v) for v in tmps])]
            finally:
                self.fn, self.scope, self.var_prefix = saved
            self._drain(funcs)
            funcs.append(w)

    def _drain(self, funcs: list[ir.Func]) -> None:
        while self.generics.queue:
            inst = self.generics.queue.pop(0)
            self._lower_instance(inst)
            funcs.append(inst)

    def _global_type(self, v: ir.Var) -> T.Type:
        if v.type is not None:
            return v.type
        spec, tnode, i, fi = self.res.var_nodes[id(v)]
        v.type = T.INVALID
        if tnode is not None:
            v.type = self.res.resolve_type(tnode, fi.scope)
        else:
            vals = spec.child_by_field_name("value")
            vs = named_children(vals) if vals is not None else []
            saved = (self.file, self.scope, self.fn)
            scratch = ir.Func("init", T.Signature([], []), v.pos)  # discarded afterwards
            self.file, self.scope, self.fn = fi.file, fi.scope, scratch
            try:
                called = self._called_func_type(vs[0]) if self.res.lazy and len(vs) == 1 \
                    and len(spec.children_by_field_name("name")) == 1 else None
                if called is not None:
                    # An imported package's `var X = F(...)`: the type is F's result; the
                    # arguments (often other packages' names) need not be looked at.
                    v.type = called
                elif len(vs) == len(spec.children_by_field_name("name")):
                    e = self.expr(vs[i])
                    v.type = T.default_type(e.type)
                elif len(vs) == 1:
                    e = self.expr(vs[0])
                    if isinstance(e.type, T.Tuple) and i < len(e.type.types):
                        v.type = e.type.types[i]
                    elif i == 0:
                        v.type = e.type
                    else:
                        v.type = T.BOOL_T
            except Unsupported:
                v.type = T.INVALID
            finally:
                self.file, self.scope, self.fn = saved
        return v.type

    def _called_func_type(self, n: Node) -> T.Type | None:
        """The result type of `F(...)` or `pkg.F(...)` naming a declared function, or None."""
        if n.type != "call_expression":
            return None
        f = n.child_by_field_name("function")
        if f is None or f.type != "identifier":
            return None
        obj = self.scope.lookup(text(f))
        if not (isinstance(obj, ir.Var) and obj.cls == ir.FUNC and obj.func is not None):
            return None
        self.res.ensure_sig(obj.func)
        results = obj.func.sig.results
        return results[0].type if len(results) == 1 else None

    def _lower_global_spec(self, spec: Node, f: SourceFile, init: ir.Func) -> None:
        vals = spec.child_by_field_name("value")
        if vals is None:
            return
        fi = next(x for x in self.res.file_infos if x.file is f)
        names = spec.children_by_field_name("name")
        self.file, self.scope, self.fn = f, fi.scope, init
        vs = named_children(vals)
        gvars = [self.scope.lookup(text(n)) if text(n) != "_" else None for n in names]
        try:
            if len(vs) == len(names):
                for gv, vn in zip(gvars, vs):
                    nrefs, nclos = len(init.refs), len(init.closures)
                    e = self.expr(vn)
                    if gv is not None:
                        e = self.assign_conv(e, gv.type)
                    static = self._static_init(e)
                    dynamic: list[tuple[str, int, E]] = []
                    if static:
                        self._count_stmps(e)
                    elif self._static_but_fields(e, dynamic, None, 0):
                        # static storage, but fields computed at run time: init
                        # assigns them into the static object
                        for stmp, off, m in dynamic:
                            holder = ir.Var(stmp, m.type, m.pos, ir.GLOBAL)
                            lhs = E("name", m.type, m.pos, var=holder,
                                    text=f"({T.type_string(m.type, self.res.path)})"
                                         f"({stmp}@{off})")
                            init.body.append(ir.Stmt("as", m.pos, lhs=[lhs], rhs=[m]))
                        static = True
                    if static:
                        # statically initialized: no code in init; literals become roots
                        self.static_values.append(e)
                        for c in init.closures[nclos:]:
                            c.parent = None
                            self.static_closures.append(c)
                        del init.refs[nrefs:]
                        del init.closures[nclos:]
                        continue
                    lhs = E("name", gv.type, gv.pos, var=gv) if gv is not None else None
                    init.body.append(ir.Stmt("as", _pos_of(f, spec), lhs=[lhs], rhs=[e]))
            else:
                e = self.expr(vs[0])
                lhs = [E("name", gv.type, gv.pos, var=gv) if gv is not None else None
                       for gv in gvars]
                init.body.append(self._multi_assign_stmt(lhs, e, _pos_of(f, spec)))
        except Unsupported as u:
            self._report_unsupported(u)
        finally:
            self.fn = None

    def _count_stmps(self, e: E) -> None:
        """Number the static objects (`pkg..stmp_N`) a static initializer allocates."""
        if e.op in ("ptrlit", "slicelit"):
            self.stmp_count += 1
        for a in e.args:
            self._count_stmps(a)

    def _static_but_fields(self, e: E, dynamic: list[tuple[str, int, E]], stmp: str | None,
                         offset: int) -> bool:
        """Is a package-level initializer static but for struct fields computed at run
        time (map literals, `make`, calls)? Those are collected (static object, byte
        offset, value) and replaced by nil in e, as the compiler's static initializer
        assigns them in init."""
        if self._static_init(e):
            self._count_stmps(e)
            return True
        if self._fips:
            return False
        if e.op == "ptrlit" and e.args:
            name = f"{self.res.name}..stmp_{self.stmp_count}"
            self.stmp_count += 1
            return self._static_but_fields(e.args[0], dynamic, name, 0)
        if e.op in ("arraylit", "slicelit") and (stmp is None or e.op == "slicelit"):
            # pointers to static objects in a static array: each element on its own
            if e.op == "slicelit":
                self.stmp_count += 1
            return all(a.op == "ptrlit" and self._static_but_fields(a, dynamic, None, 0)
                       or self._static_init(a) for a in e.args)
        if e.op == "structlit" and stmp is not None:
            u = e.type.underlying()
            fields = e.extra.get("fields") or []
            for i, (a, fld) in enumerate(zip(e.args, fields)):
                off = offset + T.field_offset(u, fld) if isinstance(u, T.Struct) else offset
                if a.op == "maplit" or not self._static_but_fields(a, dynamic, stmp, off):
                    # made at run time (a map, a make, a call): init assigns the field
                    dynamic.append((stmp, off, a))
                    e.args[i] = E("nil", a.type, a.pos)
            return True
        return False

    def _static_init(self, e: E) -> bool:
        op = e.op
        if self._fips:
            # the FIPS module's data may hold no addresses: only numbers (and "") are
            # laid out statically, anything else is assigned in init
            if op == "lit":
                return not isinstance(e.value, (bytes, str)) or not e.value
            if op in ("structlit", "arraylit"):
                return all(self._static_init(a) for a in e.args)
            return op == "nil"
        if op in ("lit", "nil", "closure", "methexpr"):
            return op != "closure" or not (e.func and e.func.closure_vars)
        if op == "name":
            return e.var is not None and e.var.cls in (ir.FUNC, ir.GLOBAL)
        if op == "addr":
            return e.args[0].op == "name" and e.args[0].var.cls == ir.GLOBAL  # type: ignore
        if op in ("structlit", "arraylit", "slicelit"):
            return all(self._static_init(a) for a in e.args)
        if op == "ptrlit":
            return self._static_init(e.args[0])
        if op == "str2bytes":
            return e.args[0].op == "lit"
        if op == "conviface":
            return self._static_init(e.args[0])
        return False

    def _report_unsupported(self, u: Unsupported) -> None:
        pos = _pos_of(self.file, u.node) if u.node is not None else (1, 1, self.file.display)
        self.unsupported.append((pos, u.what, self.fn))
        if self.fn is not None:
            self.fn.unsupported.append((pos, u.what))

    # ============================================================ functions

    def _lower_func(self, fn: ir.Func) -> None:
        node, fi = self.res.func_nodes[id(fn)]
        self.file = fi.file
        self.fn = fn
        scope = Scope(fi.scope, fn)
        self.scope = scope
        self._declare_params(fn, node, scope)
        body = node.child_by_field_name("body")
        if body is None:
            fn.body = None
            return
        if getattr(fn, "extra_generic", False):
            # analyzed once per shape instantiation; the declaration itself is a
            # function whose parameters all leak, for references that are not calls
            fn.body = None
            fn.is_generic = True  # type: ignore[attr-defined]
            return
        self._lower_body(fn, body)

    def _lower_body(self, fn: ir.Func, body: Node) -> None:
        try:
            fn.body = self.func_body(body)
            _per_iteration_copies(fn)
        except Unsupported as u:
            self._report_unsupported(u)
            fn.body = []
        except RecursionError:
            self.unsupported.append((fn.pos, "nesting too deep to analyze", fn))
            fn.body = None  # opaque: its parameters leak
        finally:
            self._number_late_temps()

    def _number_late_temps(self) -> None:
        for tmp in self.late_temps:
            assert tmp.fn is not None
            tmp.fn.add_temp(tmp)
        self.late_temps.clear()

    def _lower_instance(self, inst: ir.Func) -> None:
        """Lower a generic body once for one shape instantiation."""
        node, fi = inst.decl  # type: ignore[attr-defined]
        saved = (self.file, self.fn, self.scope, self.res, self.var_prefix)
        self.res = inst.decl_res  # type: ignore[attr-defined]
        if self.res is not self.home_res:
            self.var_prefix = self.res.name + "."
        self.file = fi.file
        self.fn = inst
        scope = Scope(inst.tscope, inst)  # type: ignore[attr-defined]
        self.scope = scope
        try:
            self._declare_params(inst, node, scope)
            body = node.child_by_field_name("body")
            if body is None:
                inst.body = None
                return
            self._lower_body(inst, body)
        finally:
            self.file, self.fn, self.scope, self.res, self.var_prefix = saved

    def instance(self, gfn: ir.Func, targs: list[T.Type], as_written: bool = False) -> ir.Func:
        """The shaped instantiation of a generic function or method (made on first use,
        lowered after the package's own functions); as_written: instantiated with the
        type arguments themselves, not their shapes."""
        res = getattr(gfn, "owner_res", None) or self.res
        tps = res.tparams_of(gfn)
        shapes = list(targs) if as_written else [
            shapify(t, tps[i].basic if i < len(tps) else True) for i, t in enumerate(targs)]
        key = (id(gfn), tuple(T.link_string(x) for x in shapes))
        inst = self.generics.funcs.get(key)
        if inst is None and self.layout_mode:
            inst = self.generics.layout_only.get(key)
        if inst is not None:
            return inst
        node, fi = res.generic_decl(gfn)
        tscope = res.tparam_scope(gfn, node, fi, shapes)
        sig = res.signature_in(node, tscope, fi)
        rt = getattr(gfn, "recv_tparams", None)
        if rt is not None:
            rnamed = res.instantiate(gfn.recv_named, shapes)  # type: ignore[attr-defined]
            base = rnamed.name if isinstance(rnamed, T.Named) else "?"
            mname = gfn.name.rsplit(".", 1)[-1]
            ptr = getattr(gfn, "ptr_recv", False)
            short = call_name = f"(*{base}).{mname}" if ptr else f"{base}.{mname}"
            if res is not self.home_res:
                qbase = f"{res.name}.{base}"  # called as (*atomic.Pointer[...]).Load
                call_name = f"(*{qbase}).{mname}" if ptr else f"{qbase}.{mname}"
        else:
            short = call_name = f"{gfn.name}[{','.join(key[1])}]"
        name = short if res is self.home_res else f"{res.name}.{short}"
        if res is not self.home_res and rt is None:
            call_name = name
        # a method's receiver comes first, then the dictionary, then the parameters
        params = [sig.recv] if sig.recv is not None else []
        at = res.decl_pos(gfn)
        params.append(T.Param(".dict", T.Pointer(T.UINT8_T), at))
        params += sig.params
        inst = ir.Func(name, T.Signature(params, sig.results, sig.variadic), at)
        inst.is_generic = True  # type: ignore[attr-defined]
        inst.short_name = short  # type: ignore[attr-defined]
        inst.call_name = call_name  # type: ignore[attr-defined]
        inst.shapes = shapes  # type: ignore[attr-defined]
        inst.decl = (node, fi)  # type: ignore[attr-defined]
        inst.decl_res = res  # type: ignore[attr-defined]
        inst.tscope = tscope  # type: ignore[attr-defined]
        inst.generic_origin = gfn  # type: ignore[attr-defined]
        if getattr(gfn, "qual", None):
            inst.qual = gfn.qual  # type: ignore[attr-defined]
        if self.layout_mode:
            self.generics.layout_only[key] = inst
        else:
            self.generics.funcs[key] = inst
            self.generics.queue.append(inst)
        return inst

    def layout_sibling(self, gm: ir.Func, shapes: list[T.Type]) -> ir.Func:
        """A method of a generic type that the package does not compile for these shapes,
        lowered all the same: the compiler writes every method's body into the type's
        one dictionary, so each counts in its layout. Nothing of it is analyzed or
        reported, and lowering it leaves the package's instances and wrappers as they
        were."""
        saved_mode = self.layout_mode
        self.layout_mode = True
        inst = self.instance(gm, shapes)
        if id(inst) in self.generics.layout_lowered or inst.body is not None:
            self.layout_mode = saved_mode
            return inst
        self.generics.layout_lowered.add(id(inst))
        g = self.generics
        owners = [self.res, self.home_res] + [
            r for r in getattr(self.home_res.importer, "cache", {}).values() if r is not None]
        standins = [(r, len(r.standins)) for r in owners]
        saved = (len(self.unsupported), len(g.concrete), dict(g.dicts))
        try:
            self._lower_instance(inst)
        finally:
            del self.unsupported[saved[0]:]
            del g.concrete[saved[1]:]
            g.dicts.clear()
            g.dicts.update(saved[2])
            for r, n in standins:
                for w in r.standins[n:]:
                    w.epoch = -1  # made again, and compiled, if the package itself uses it
                del r.standins[n:]
            self.layout_mode = saved_mode
        return inst

    def dict_arg(self, gfn: ir.Func, targs: list[T.Type], pos: ir.Pos) -> E:
        """`&.dict.F[int]`: the address of the instantiation's dictionary, a global."""
        if getattr(gfn, "recv_tparams", None) is not None:
            base = gfn.recv_named.name  # type: ignore[attr-defined]
        else:
            base = gfn.name
        qual = getattr(gfn, "qual", None)
        name = f"{qual + '.' if qual else ''}.dict.{base}[{','.join(T.link_string(t) for t in targs)}]"
        v = self.generics.dicts.get(name)
        if v is None:
            v = ir.Var(name, T.UINT8_T, pos, ir.GLOBAL)
            self.generics.dicts[name] = v
        x = E("name", v.type, pos, var=v)
        e = E("addr", T.Pointer(v.type), pos, [x], text="&" + name)
        if not any(T.has_shape(t) for t in targs) and not self.layout_mode:
            self.generics.concrete.append((gfn, list(targs)))
        top = self.fn.outermost if self.fn is not None else None
        if any(T.has_shape(t) for t in targs):
            # type arguments that depend on the caller's: the dictionary comes out of the
            # caller's own, printed (*[N]uintptr)(.dict[i])
            dict_param = self._dict_param(top)
            if dict_param is not None:
                gen = getattr(getattr(gfn, "recv_named", None), "generic", None)
                key = (id(gen) if gen is not None else id(gfn),
                       tuple(T.link_string(t) for t in targs))
                callee = self.instance(gfn, targs)
                insts = self.generics
                e.extra["subdict"] = SubDict(insts, top, key,
                                             lambda: owner_funcs(insts, callee), dict_param.name)
        return e

    def infer(self, gfn: ir.Func, raw: list[E], ddd: bool, explicit: list[T.Type],
              n: Node) -> list[T.Type]:
        """Type arguments of a call: the explicit ones, then those the arguments' types
        determine, then core types of constraints, then untyped constants' defaults."""
        res = getattr(gfn, "owner_res", None) or self.res
        res.ensure_sig(gfn)
        tps = res.tparams_of(gfn)
        b: dict[int, T.Type] = {i: t for i, t in enumerate(explicit)}
        sig = gfn.sig
        params = list(sig.params)
        if sig.recv is not None:
            params = [sig.recv] + params
        nfixed = len(params) - 1 if sig.variadic else len(params)
        pairs: list[tuple[T.Type, E]] = []
        for i, a in enumerate(raw):
            if i < nfixed:
                pairs.append((params[i].type, a))
            elif sig.variadic and params:
                pt = params[-1].type
                pairs.append((pt if ddd or not isinstance(pt, T.Slice) else pt.elem, a))
        if len(raw) == 1 and isinstance(raw[0].type, T.Tuple):
            pairs = [(params[i].type, E("nil", t, raw[0].pos))
                     for i, t in enumerate(raw[0].type.types) if i < len(params)]
        for pt, a in pairs:
            if not T.is_untyped(a.type):
                unify(pt, a.type, b)
        _core_pass(tps, b)
        for pt, a in pairs:
            if isinstance(pt, T.TypeParam) and pt.index not in b and T.is_untyped(a.type) \
                    and a.type is not T.UNTYPED_NIL:
                b[pt.index] = T.default_type(a.type)
        _core_pass(tps, b)
        if any(i not in b for i in range(len(tps))):
            raise Unsupported(n, f"cannot infer type arguments of {gfn.name}")
        return [b[i] for i in range(len(tps))]

    def _derived_targs(self, gfn: ir.Func, res: Resolver, targs: list[T.Type],
                       raw: list[E]) -> list[T.Type]:
        """In instantiated code, a type argument inferred from inside a shape (`E` of
        `S ~[]E` from a `go.shape.[]main.Player` argument) is the caller's type parameter
        in the generic source: it stays derived, its shape the caller's own."""
        top = self.fn.outermost if self.fn is not None else None
        shapes = getattr(top, "shapes", None) if top is not None else None
        if not shapes or not any(T.has_shape(a.type) for a in raw):
            return targs
        by_link = {T.link_string(sh): sh for sh in shapes}
        tps = res.tparams_of(gfn)
        out = []
        for i, t in enumerate(targs):
            if not T.has_shape(t):
                sh = shapify(t, tps[i].basic if i < len(tps) else True)
                t = by_link.get(T.link_string(sh), t)
            out.append(t)
        return out

    def _generic_call(self, f: E, arg_nodes: list[Node], pos: ir.Pos, ddd: bool,
                      n: Node) -> E:
        gfn = f.extra.get("generic_decl") or f.var.func  # type: ignore[union-attr]
        assert gfn is not None
        raw = []
        for a in arg_nodes:
            if a.type == "variadic_argument":
                a = named_children(a)[0]
            raw.append(self.expr(a, multi=True))
        targs = self.infer(gfn, raw, ddd, list(f.extra.get("targs") or []), n)
        res = getattr(gfn, "owner_res", None) or self.res
        targs = self._derived_targs(gfn, res, targs, raw)
        # one signature per instantiation, as the type checker's context keeps one: the
        # results of two calls of F[K] are one type
        skey = (id(gfn), tuple((T.link_string(t), getattr(t, "tparam", None)) for t in targs))
        csig = self.generics.call_sigs.get(skey)
        if csig is None:
            csig = res.instance_signature(gfn, targs, res.func_nodes[id(gfn)])
            self.generics.call_sigs[skey] = csig
        args = self.call_args(csig, arg_nodes, pos, ddd, raw=raw)
        inst = self.instance(gfn, targs)
        if not any(T.has_shape(t) for t in targs):
            res.standin(gfn, targs)  # the compiler makes a wrapper per instantiation
        iv = ir.Var(inst.call_name, inst.sig, f.pos, ir.FUNC, func=inst)  # type: ignore
        fe = E("name", inst.sig, f.pos, var=iv)
        if self.fn is not None:
            self.fn.refs.append(inst)
        return E("call", self._result_type(csig), pos, [self.dict_arg(gfn, targs, f.pos)] + args,
                 value=fe, func=inst, ddd=ddd or csig.variadic)

    def _declare_params(self, fn: ir.Func, node: Node, scope: Scope) -> None:
        sig = fn.sig
        idx = 0
        plist = []
        if sig.recv is not None:
            plist.append((sig.recv, True))
        plist += [(p, False) for p in sig.params]
        for p, is_recv in plist:
            name = p.name if p.name and p.name != "_" else None
            v = ir.Var(self._vname(name or f"~p{idx}"), p.type, p.pos or fn.pos,
                       ir.PARAM, fn=fn, index=idx, is_receiver=is_recv)
            v.unnamed = name is None  # type: ignore[attr-defined]
            fn.params.append(v)
            if name:
                scope.insert(name, v)
            idx += 1
        for i, r in enumerate(sig.results):
            name = r.name if r.name and r.name != "_" else None
            v = ir.Var(self._vname(name or f"~r{i}"), r.type, r.pos or fn.pos,
                       ir.RESULT, fn=fn, index=i)
            v.unnamed = name is None  # type: ignore[attr-defined]
            fn.results.append(v)
            if name:
                scope.insert(name, v)

    # ============================================================ statements

    def block(self, n: Node) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        with self._scoped():
            self.stmt_list(self._stmt_nodes(n), out)
        return out

    def func_body(self, n: Node) -> list[ir.Stmt]:
        """A function's body: its outermost block is the parameters' scope, so a `:=` there
        assigns a parameter it names instead of declaring a new variable."""
        out: list[ir.Stmt] = []
        self.stmt_list(self._stmt_nodes(n), out)
        return out

    @contextlib.contextmanager
    def _scoped(self) -> Iterator[None]:
        """A nested block scope for the duration of a with-statement."""
        saved = self.scope
        self.scope = Scope(saved, block=True)
        try:
            yield
        finally:
            self.scope = saved

    def stmt_list(self, nodes: list[Node], out: list[ir.Stmt]) -> None:
        """Lower a statement list; what follows a terminating statement is dead and, as in
        the compiler's front end, dropped (unless a later label may reach it)."""
        last_label = max((i for i, c in enumerate(nodes) if c.type == "labeled_statement"),
                         default=-1)
        dead = False
        for i, c in enumerate(nodes):
            if dead and i > last_label and c.type != "labeled_statement":
                continue
            before = len(out)
            try:
                self.stmt(c, out)
            except Unsupported as u:
                self._report_unsupported(u)
                out.append(self._opaque(c))
            dead = len(out) > before and terminates(out[-1])

    def _opaque(self, n: Node) -> ir.Stmt:
        """A statement the analyzer cannot model: every local it names goes to the heap."""
        seen: dict[int, ir.Var] = {}
        stack = [n]
        while stack:
            x = stack.pop()
            if x.type == "identifier":
                v = self.scope.lookup(text(x))
                if isinstance(v, ir.Var) and v.cls in (ir.LOCAL, ir.PARAM, ir.RESULT):
                    seen.setdefault(id(v), v)
            stack.extend(x.named_children)
        if n.type in ("short_var_declaration", "var_declaration"):
            # keep the names it declares, with an opaque type, for the statements after it
            left = n.child_by_field_name("left")
            names = named_children(left) if left is not None else [
                nm for spec in descendants(n, "var_spec")
                for nm in spec.children_by_field_name("name")]
            for nm in names:
                if nm.type == "identifier" and text(nm) != "_" and \
                        text(nm) not in self.scope.names:
                    v = self.declare(nm, T.INVALID)
                    if v is not None:
                        seen[id(v)] = v
        refs = [E("name", v.type, v.pos, var=v) for v in seen.values()]
        for r in refs:
            if r.var is not None:
                r.var.addrtaken = True
                if self.fn is not None and r.var.fn is not self.fn:
                    self._capture(r.var)
        return ir.Stmt("opaque", self.p(n), rhs=refs)

    def _stmt_nodes(self, n: Node) -> list[Node]:
        out = []
        for c in n.named_children:
            if c.type == "statement_list":
                out.extend(x for x in c.named_children if x.type != "comment")
            elif c.type != "comment":
                out.append(c)
        return out

    def p(self, n: Node) -> ir.Pos:
        row, col = n.start_point
        return (row + 1, col + 1, self.file.display)

    def _vname(self, name: str) -> str:
        """A variable's printed name: a generic standard-library body instantiated in this
        package names its variables `pkg.name`, as the compiler does."""
        return self.var_prefix + name if self.var_prefix and not name.startswith(".autotmp") \
            else name

    def declare(self, name_node: Node, t: T.Type, pos: ir.Pos | None = None) -> ir.Var | None:
        name = text(name_node)
        if name == "_":
            return None
        assert self.fn is not None
        v = ir.Var(self._vname(name), t, pos or self.p(name_node), ir.LOCAL, fn=self.fn)
        self.fn.dcl.append(v)
        self.scope.insert(name, v)
        if self.pending_decls > 0:
            self.pending_decls -= 1
        return v

    def temp_of(self, x: E, pos: ir.Pos, late: bool = False) -> tuple[ir.Stmt, E]:
        """Evaluate `x` once into a new temporary: the assignment and the temporary's name
        (`late`: see new_temp)."""
        tmp = self.new_temp(x.type, x.pos, late)
        st = ir.Stmt("as", pos, lhs=[E("name", x.type, x.pos, var=tmp)], rhs=[x],
                     decl_vars=[tmp], extra={"define": False})
        tmp.defn = x
        tmp.defn_stmt = st  # type: ignore[attr-defined]
        return st, E("name", x.type, x.pos, var=tmp)

    def new_temp(self, t: T.Type, pos: ir.Pos, late: bool = False) -> ir.Var:
        """A temporary of the function being lowered. A `late` one is one the compiler
        makes during escape analysis, after every other of the function: it is numbered
        when the function is done (`_number_late_temps`)."""
        assert self.fn is not None
        v = ir.Var(".autotmp_?", t, pos, ir.LOCAL, fn=self.fn)
        if late:
            v.is_temp = True  # type: ignore[attr-defined]
            self.late_temps.append(v)
            return v
        return self.fn.add_temp(v, self.pending_decls)

    def stmt(self, n: Node, out: list[ir.Stmt]) -> None:
        k = n.type
        pos = self.p(n)
        if k == "expression_statement":
            e = self.expr(named_children(n)[0], allow_void=True)
            out.append(ir.Stmt("expr", pos, rhs=[e]))
        elif k == "short_var_declaration":
            self._short_var(n, out)
        elif k == "var_declaration":
            for spec in named_children(n):
                specs = named_children(spec) if spec.type == "var_spec_list" else [spec]
                for s in specs:
                    if s.type == "var_spec":
                        self._local_var_spec(s, out)
        elif k == "const_declaration":
            self.res._collect_consts(n, None, self.scope)  # type: ignore[arg-type]
            for c in self.scope.names.values():
                if isinstance(c, Const) and getattr(c, "scope", None) is None:
                    c.scope = self.scope  # type: ignore[attr-defined]
        elif k == "type_declaration":
            self._local_types(n)
        elif k == "assignment_statement":
            self._assignment(n, out)
        elif k in ("inc_statement", "dec_statement"):
            x = self.expr(named_children(n)[0])
            self._note_assign(x)
            one = E("lit", x.type, pos, value=Fraction(1) if T.is_numeric(x.type)
                    and x.type.underlying().kind == T.FLOAT else 1)  # type: ignore[attr-defined]
            inc = k == "inc_statement"
            out.append(ir.Stmt("asop", self.p(_anon(n, "++") or _anon(n, "--") or n),
                               lhs=[x], rhs=[one], extra={"binop": "add" if inc else "sub",
                                                          "incdec": "++" if inc else "--"}))
        elif k == "send_statement":
            ch = self.expr(n.child_by_field_name("channel"))
            ct = ch.type.underlying()
            v = self.expr(n.child_by_field_name("value"))
            if isinstance(ct, T.Chan):
                v = self.assign_conv(v, ct.elem)
            out.append(ir.Stmt("send", self.p(_anon(n, "<-") or n), lhs=[ch], rhs=[v]))
        elif k == "block":
            out.append(ir.Stmt("block", pos, body=self.block(n)))
        elif k == "if_statement":
            out.append(self._if(n))
        elif k == "for_statement":
            out.append(self._for(n, None))
        elif k == "expression_switch_statement":
            out.append(self._switch(n))
        elif k == "type_switch_statement":
            out.append(self._type_switch(n))
        elif k == "select_statement":
            out.append(self._select(n))
        elif k == "labeled_statement":
            label = text(n.child_by_field_name("label"))
            out.append(ir.Stmt("label", pos, label=label))
            inner = [c for c in named_children(n) if c.type != "label_name"]
            for c in inner:
                if c.type == "for_statement":
                    out.append(self._for(c, label))
                else:
                    self.stmt(c, out)
        elif k == "goto_statement":
            lbl = next((c for c in named_children(n) if c.type == "label_name"), None)
            out.append(ir.Stmt("goto", pos, label=text(lbl) if lbl else None))
        elif k in ("break_statement", "continue_statement") and self.rangefunc_stack and \
                self.rangefunc_stack[-1]["body"] is self.fn and named_children(n) and \
                text(named_children(n)[0]) in self.rangefunc_stack[-1]["leave"]:
            out.append(self._leave_range_body(pos))
        elif k in ("break_statement", "continue_statement", "fallthrough_statement",
                   "empty_statement"):
            pass
        elif k == "return_statement":
            out.append(self._return(n))
        elif k in ("go_statement", "defer_statement"):
            self._go_defer(n, out)
        elif k == "comment":
            pass
        else:
            raise Unsupported(n, f"statement {k}")

    def _init_stmts(self, n: Node) -> list[ir.Stmt]:
        """The `init;` statement of an if, for or switch header."""
        init: list[ir.Stmt] = []
        ini = n.child_by_field_name("initializer")
        if ini is not None:
            self.stmt(ini, init)
        return init

    def _local_types(self, n: Node) -> None:
        for spec in named_children(n):
            if spec.type not in ("type_spec", "type_alias"):
                continue
            name = text(spec.child_by_field_name("name"))
            if spec.child_by_field_name("type_parameters") is not None:
                raise Unsupported(spec, "generic type")
            if spec.type == "type_alias":
                tn = TypeName(name, self.res.resolve_type(spec.child_by_field_name("type"),
                                                          self.scope), alias=True)
                self.scope.insert(name, tn)
                continue
            named = T.Named(name, self.res.path, self.res.name)
            tn = TypeName(name, named, spec)
            self.scope.insert(name, tn)
            named.under = self.res.resolve_type(spec.child_by_field_name("type"), self.scope)

    def _note_assign(self, x: E | None, single: bool = False) -> None:
        """Record an assignment to x (or to a part of x) for the reassignment oracle."""
        while x is not None and (x.op == "dot" or x.op == "index" and x.args and isinstance(
                x.args[0].type.underlying(), T.Array)):
            x = x.args[0]
            single = False
        if x is not None and x.op == "name" and x.var is not None:
            x.var.assigns += 1
            if not single:
                x.var.other_assign = True  # type: ignore[attr-defined]

    def _short_var(self, n: Node, out: list[ir.Stmt]) -> None:
        lhs_nodes = named_children(n.child_by_field_name("left"))
        rhs_nodes = named_children(n.child_by_field_name("right"))
        pos = self.p(_anon(n, ":=") or n)
        fresh = sum(1 for ln in lhs_nodes if text(ln) != "_" and self._redeclared(ln) is None)
        saved_pending, self.pending_decls = self.pending_decls, fresh
        try:
            self._short_var_body(lhs_nodes, rhs_nodes, pos, out)
        finally:
            self.pending_decls = saved_pending

    def _short_var_body(self, lhs_nodes: list[Node], rhs_nodes: list[Node], pos: ir.Pos,
                        out: list[ir.Stmt]) -> None:
        if len(rhs_nodes) == 1 and len(lhs_nodes) > 1:
            rhs = self.expr(rhs_nodes[0], multi=True)
            types = self._multi_types(rhs, len(lhs_nodes))
            lhs: list[E | None] = []
            new_vars: list[ir.Var] = []
            vals = self._n1_temps(rhs, types, pos)
            for ln, t in zip(lhs_nodes, types):
                lhs.append(self._bind_short_var(ln, T.default_type(t), new_vars))
            vals = self._n1_first([self.assign_conv(x, le.type if le is not None else None)
                                   for x, le in zip(vals, lhs)])
            st = ir.Stmt("as2", pos, lhs=lhs, rhs=vals)
            st.decl_vars = new_vars
            for v in new_vars:
                v.defn_stmt = st  # type: ignore[attr-defined]
            out.append(st)
            return
        rhs_exprs = [self.expr(r) for r in rhs_nodes]
        lhs2: list[E | None] = []
        new_vars = []
        for ln, r in zip(lhs_nodes, rhs_exprs):
            t = T.default_type(r.type)
            if isinstance(t, T.Basic) and t.kind == T.NIL:
                t = T.INVALID
            lhs2.append(self._bind_short_var(ln, t, new_vars))
        rhs_conv = [self.assign_conv(r, le.type if le is not None else None)
                    for r, le in zip(rhs_exprs, lhs2)]
        for le, r in zip(lhs2, rhs_conv):
            if le is not None and le.var in new_vars:
                le.var.defn = r
        op = "as" if len(lhs2) == 1 else "as2"
        st = ir.Stmt(op, pos, lhs=lhs2, rhs=rhs_conv, decl_vars=new_vars)
        for v in new_vars:
            v.defn_stmt = st  # type: ignore[attr-defined]
        out.append(st)

    def _redeclared(self, ln: Node) -> ir.Var | None:
        """The variable a `:=` name reuses (declared earlier in the same scope), if any."""
        v = self.scope.names.get(text(ln))
        return v if isinstance(v, ir.Var) and text(ln) != "_" else None

    def _bind_short_var(self, ln: Node, t: T.Type, new_vars: list[ir.Var]) -> E | None:
        """One name on the left of `:=`: reuse a variable of this scope or declare one."""
        existing = self._redeclared(ln)
        if existing is not None:
            existing.assigns += 1
            existing.other_assign = True  # type: ignore[attr-defined]
            return E("name", existing.type, self.p(ln), var=existing)
        v = self.declare(ln, t)
        if v is None:
            return None
        new_vars.append(v)
        return E("name", v.type, v.pos, var=v)

    def _local_var_spec(self, s: Node, out: list[ir.Stmt]) -> None:
        saved_pending = self.pending_decls
        self.pending_decls = sum(1 for nm in s.children_by_field_name("name")
                                 if text(nm) != "_")
        try:
            self._local_var_spec_body(s, out)
        finally:
            self.pending_decls = saved_pending

    def _local_var_spec_body(self, s: Node, out: list[ir.Stmt]) -> None:
        names = s.children_by_field_name("name")
        tnode = s.child_by_field_name("type")
        vals = s.child_by_field_name("value")
        t = self.res.resolve_type(tnode, self.scope) if tnode is not None else None
        vs = named_children(vals) if vals is not None else []
        pos = self.p(s)
        if not vs:
            for nm in names:
                v = self.declare(nm, t or T.INVALID)
                if v is not None:
                    # explanations print it as the compiler does: `x = <nil>`
                    out.append(ir.Stmt("dcl", pos, decl_vars=[v], extra={"zero": True}))
            return
        if len(vs) == 1 and len(names) > 1:
            rhs = self.expr(vs[0], multi=True)
            types = self._multi_types(rhs, len(names))
            vals = self._n1_temps(rhs, types, self.p(_anon(s, "=") or s))
            vars_ = [self.declare(nm, t or T.default_type(tt)) for nm, tt in zip(names, types)]
            lhs = [E("name", v.type, v.pos, var=v) if v else None for v in vars_]
            vals = self._n1_first([self.assign_conv(x, le.type if le is not None else None)
                                   for x, le in zip(vals, lhs)])
            st = ir.Stmt("as2", self.p(_anon(s, "=") or s), lhs=lhs, rhs=vals)
            st.decl_vars = [v for v in vars_ if v]
            st.extra["define"] = True
            st.extra["note_pos"] = self.p(names[0])
            for v in st.decl_vars:
                v.defn_stmt = st  # type: ignore[attr-defined]
            out.append(st)
            return
        exprs = [self.expr(v) for v in vs]
        vars_ = []
        for nm, e in zip(names, exprs):
            vt = t or T.default_type(e.type)
            vars_.append(self.declare(nm, vt))
        for nm, v, e in zip(names, vars_, exprs):
            e2 = self.assign_conv(e, v.type if v else t)
            lhs = E("name", v.type, v.pos, var=v) if v else None
            st = ir.Stmt("as", self.p(_anon(s, "=") or s), lhs=[lhs], rhs=[e2],
                         decl_vars=[v] if v else [],
                         extra={"define": True, "note_pos": self.p(nm), "spec": id(s)})
            if v is not None:
                v.defn = e2
                v.defn_stmt = st  # type: ignore[attr-defined]
            out.append(st)

    def _multi_types(self, rhs: E, n: int) -> list[T.Type]:
        if isinstance(rhs.type, T.Tuple):
            ts = list(rhs.type.types)
        elif rhs.op in ("indexmap", "dottype", "recv"):
            ts = [rhs.type, T.BOOL_T]
        else:
            ts = [rhs.type]
        while len(ts) < n:
            ts.append(T.INVALID)
        return ts[:n]

    def _n1_temps(self, rhs: E, types: list[T.Type], pos: ir.Pos) -> list[E]:
        """An N:1 right-hand side as the compiler's front end reads it: the call (or
        comma-ok form) first assigns fresh temporaries, which stand in for its values.
        The temporaries' assignment is the init of the first value, which is wrapped in
        an explicit no-op conversion to carry it (and prints as one)."""
        tmps = [self.new_temp(t, pos) for t in types]
        st = self._multi_assign_stmt([E("name", v.type, pos, var=v) for v in tmps], rhs, pos)
        st.decl_vars = list(tmps)
        for v in tmps:
            v.assigns = 0
            v.defn_stmt = st  # type: ignore[attr-defined]
        vals = [E("name", v.type, pos, var=v) for v in tmps]
        vals[0].extra["init"] = [st]
        return vals

    def _n1_first(self, vals: list[E]) -> list[E]:
        """Move the temporaries' init to the (converted) first value, wrapping it in a
        no-op conversion when no conversion took place."""
        first = vals[0]
        inner = first
        while inner.op in ("conviface", "convnop", "conv") and inner.args and inner.implicit:
            inner = inner.args[0]
        init = inner.extra.pop("init", None)
        if init is None:
            return vals
        if first.op == "name":
            first = E("convnop", first.type, first.pos, [first], extra={"rewrite": True})
        first.extra["init"] = init + list(first.extra.get("init") or [])
        return [first] + vals[1:]

    def _multi_assign_stmt(self, lhs: list[E | None], rhs: E, pos: ir.Pos) -> ir.Stmt:
        op = {"indexmap": "as2mapr", "dottype": "as2dottype", "recv": "as2recv"}.get(rhs.op,
                                                                                  "as2func")
        if op != "as2func":
            rhs.extra["commaok"] = True
            rhs2 = [self.assign_conv(rhs, lhs[0].type if lhs[0] is not None else None),
                    E("lit", T.BOOL_T, pos, value=True)]
            return ir.Stmt(op, pos, lhs=lhs, rhs=rhs2)
        # a call (or an unknown callee, whose results are opaque)
        return ir.Stmt("as2func", pos, lhs=lhs, rhs=[rhs])

    def _assignment(self, n: Node, out: list[ir.Stmt]) -> None:
        op_node = n.child_by_field_name("operator")
        op = text(op_node)
        lhs_nodes = named_children(n.child_by_field_name("left"))
        rhs_nodes = named_children(n.child_by_field_name("right"))
        pos = self.p(op_node)
        if op != "=":
            x = self.expr(lhs_nodes[0])
            y = self.expr(rhs_nodes[0])
            binop = _BINOPS.get(op[:-1], "add")
            if binop not in ("lsh", "rsh"):
                y = self.assign_conv(y, x.type)
            elif T.is_untyped(y.type):
                y = self.assign_conv(y, T.UINT_T)
            self._note_assign(x)
            st = ir.Stmt("asop", pos, lhs=[x], rhs=[y], extra={"binop": binop})
            out.append(st)
            return
        lhs = [None if text(ln) == "_" else self.expr(ln) for ln in lhs_nodes]
        for x in lhs:
            self._note_assign(x, single=len(lhs_nodes) == 1 == len(rhs_nodes))
        if len(rhs_nodes) == 1 and len(lhs_nodes) > 1:
            rhs = self.expr(rhs_nodes[0], multi=True)
            vals = self._n1_temps(rhs, self._multi_types(rhs, len(lhs)), pos)
            vals = self._n1_first([self.assign_conv(x, le.type if le is not None else None)
                                   for x, le in zip(vals, lhs)])
            out.append(ir.Stmt("as2", pos, lhs=lhs, rhs=vals))
            return
        rhs = [self.assign_conv(self.expr(r), x.type if x is not None else None)
               for r, x in zip(rhs_nodes, lhs)]
        for x, r in zip(lhs, rhs):
            if x is not None and x.op == "name" and x.var is not None:
                x.var.assign_exprs.append(r)
        out.append(ir.Stmt("as" if len(lhs) == 1 else "as2", pos, lhs=lhs, rhs=rhs))

    def _if(self, n: Node) -> ir.Stmt:
        with self._scoped():
            init = self._init_stmts(n)
            cond = self.expr(n.child_by_field_name("condition"))
            sign, cond = static_bool(cond)
            fn = self.fn
            mark0 = len(fn.closures) if fn is not None else 0
            refs0 = len(fn.refs) if fn is not None else 0
            body = self.block(n.child_by_field_name("consequence"))
            mark1 = len(fn.closures) if fn is not None else 0
            refs1 = len(fn.refs) if fn is not None else 0
            els: list[ir.Stmt] = []
            alt = n.child_by_field_name("alternative")
            if alt is not None:
                if alt.type == "block":
                    els = self.block(alt)
                else:
                    self.stmt(alt, els)
            if sign != 0:
                # a statically known condition: the dead branch is dropped before escape
                # analysis, the condition kept only for its side effects; so are the
                # function literals in it (they keep their funcN numbers) and its calls,
                # which are no edges of the call graph
                if fn is not None:
                    dead = fn.closures[mark0:mark1] if sign < 0 else fn.closures[mark1:]
                    if dead:
                        ids = {id(c) for c in dead}
                        fn.closures = [c for c in fn.closures if id(c) not in ids]
                    if sign < 0:
                        del fn.refs[refs0:refs1]
                    else:
                        del fn.refs[refs1:]
                flat = list(init)
                if cond.op != "lit":
                    flat.append(ir.Stmt("expr", cond.pos, rhs=[cond]))
                flat += body if sign > 0 else els
                return ir.Stmt("block", self.p(n), body=flat)
            return ir.Stmt("if", self.p(n), init=init, cond=cond, body=body, els=els)

    def _for(self, n: Node, label: str | None) -> ir.Stmt:
        with self._scoped():
            body_node = n.child_by_field_name("body")
            clause = next((c for c in named_children(n) if c.type in ("for_clause",
                                                                         "range_clause")), None)
            if clause is None:
                cond_nodes = [c for c in named_children(n) if _key(c) != _key(body_node)]
                cond = self.expr(cond_nodes[0]) if cond_nodes else None
                if cond is not None and cond.op == "lit" and cond.value is False:
                    return ir.Stmt("block", self.p(n))  # `for false {...}` is dropped
                return ir.Stmt("for", self.p(n), cond=cond, body=self.block(body_node),
                               label=label)
            if clause.type == "for_clause":
                init: list[ir.Stmt] = []
                ini = clause.child_by_field_name("initializer")
                if ini is not None:
                    self.stmt(ini, init)
                # Go 1.22: variables declared in the init clause are per-iteration
                for st in init:
                    for v in st.decl_vars:
                        v.loopvar = True  # type: ignore[attr-defined]
                c = clause.child_by_field_name("condition")
                cond = self.expr(c) if c is not None else None
                post_list: list[ir.Stmt] = []
                u = clause.child_by_field_name("update")
                if u is not None:
                    self.stmt(u, post_list)
                body = self.block(body_node)
                if cond is not None and cond.op == "lit" and cond.value is False:
                    return ir.Stmt("block", self.p(n), body=init)  # only init remains
                # the compiler (loopvar) rewrites a loop whose per-iteration variable has its
                # address taken: the variable is declared inside the body, one loop deeper
                moved = [v for st in init for v in st.decl_vars if v.addrtaken]
                if moved:
                    body.insert(0, ir.Stmt("dcl", self.p(n), decl_vars=moved))
                return ir.Stmt("for", self.p(n), init=init, cond=cond,
                               post=post_list[0] if post_list else None, body=body, label=label)
            return self._range(n, clause, body_node, label)

    def _range(self, n: Node, clause: Node, body_node: Node, label: str | None) -> ir.Stmt:
        left = clause.child_by_field_name("left")
        right = clause.child_by_field_name("right")
        x = self.expr(right)
        xt = x.type.underlying()
        # ranging over a pointer to an array copies the pointer, not the array: the
        # values are read through it (range-deref)
        over_array = isinstance(xt, T.Array)
        if isinstance(xt, T.Pointer) and isinstance(xt.elem.underlying(), T.Array):
            xt = xt.elem.underlying()
        if isinstance(xt, T.Slice) or isinstance(xt, T.Array):
            kt, vt = T.INT_T, xt.elem
        elif isinstance(xt, T.Basic) and xt.kind == T.STRING:
            kt, vt = T.INT_T, T.RUNE_T
        elif isinstance(xt, T.Map):
            kt, vt = xt.key, xt.elem
        elif isinstance(xt, T.Chan):
            kt, vt = xt.elem, T.INVALID
        elif isinstance(xt, T.Basic) and xt.kind == T.INT:
            kt, vt = T.default_type(x.type), T.INVALID
        elif isinstance(xt, T.Signature):
            return self._range_func(n, clause, body_node, x, xt)
        else:
            raise Unsupported(right, f"range over {x.type}")
        define = _anon(clause, ":=") is not None
        lhs: list[E | None] = []
        decl: list[ir.Var] = []
        if left is not None:
            for ln, t in zip(named_children(left), (kt, vt)):
                if define:
                    v = self.declare(ln, t)
                    if v is not None:
                        v.loopvar = True  # type: ignore[attr-defined]
                        v.range_defn = True  # type: ignore[attr-defined]
                        decl.append(v)
                    lhs.append(E("name", v.type, v.pos, var=v) if v else None)
                else:
                    if text(ln) == "_":
                        lhs.append(None)
                    else:
                        le = self.expr(ln)
                        self._note_assign(le)
                        lhs.append(le)
        while len(lhs) < 2:
            lhs.append(None)
        rng = _anon(clause, "range")
        st = ir.Stmt("range", self.p(n), lhs=lhs, rhs=[x], decl_vars=decl, label=label,
                     extra={"array": over_array,
                            "note_pos": self.p(rng) if rng is not None else self.p(n)})
        nvars = len(named_children(left)) if left is not None else 0
        if nvars <= 1 and isinstance(xt, T.Array) and not _has_call_or_recv(x):
            # at most one iteration variable and a constant length: the range expression
            # is not evaluated (Go spec)
            st.extra["unevaluated"] = True
        for v in decl:
            v.defn_stmt = st  # type: ignore[attr-defined]
        st.body = self.block(body_node)
        return st

    def _range_func(self, n: Node, clause: Node, body_node: Node, x: E,
                    xt: T.Signature) -> ir.Stmt:
        """`for k, v := range f { body }` as the compiler rewrites it:
        `#stateN := READY; f(func(k, v) bool { #stateN = ...; body; return true })`.

        Bodies that leave the loop other than by break/continue of this loop (return,
        goto, an outer label) or that defer need the compiler's #next/#rv machinery,
        which is not modelled: those stay unsupported.
        """
        yield_t = xt.params[0].type.underlying() if len(xt.params) == 1 else None
        if not isinstance(yield_t, T.Signature) or xt.results:
            raise Unsupported(n, "range over function")
        # branches that stay in the body, or break/continue this loop, need no #next
        inner_labels = {text(c) for ls in descendants(body_node, "labeled_statement",
                                                     stop="func_literal")
                        for c in ls.children if c.type == "label_name"}
        own = n.parent if n.parent is not None and n.parent.type == "labeled_statement" \
            else None
        own_label = next((text(c) for c in own.children if c.type == "label_name"), None) \
            if own is not None else None
        for g in descendants(body_node, "goto_statement", stop="func_literal"):
            label = named_children(g)
            if not label or text(label[0]) not in inner_labels:
                raise Unsupported(n, "range over function with goto in the body")
        # a labeled break/continue of an outer statement leaves through #next, as a
        # return does
        leaving = {text(named_children(b)[0])
                   for k in ("break_statement", "continue_statement")
                   for b in descendants(body_node, k, stop="func_literal")
                   if named_children(b) and text(named_children(b)[0]) not in inner_labels
                   and text(named_children(b)[0]) != own_label}
        left = clause.child_by_field_name("left")
        if left is not None and _anon(clause, ":=") is None:
            raise Unsupported(n, "range over function assigning existing variables")
        outer = self.fn
        assert outer is not None
        pos = self.p(n)
        # the rewrite numbers its variables per function literal or declaration
        top = outer
        while top.parent is not None and getattr(top, "is_range_body", False):
            top = top.parent
        # a return inside the body leaves through #next (and #rvN for the results)
        enclosing = self.rangefunc_stack[-1] if self.rangefunc_stack and \
            self.rangefunc_stack[-1]["body"] is outer else None
        target = enclosing["target"] if enclosing else outer
        next_var = enclosing["next"] if enclosing else None
        returns = descendants(body_node, "return_statement", stop="func_literal")
        if (returns or leaving or enclosing is not None) and next_var is None:
            # one #next for the whole function, whatever loop first needs it (a nested
            # loop's body reports through it to the enclosing one, which reads it)
            next_var = ir.Var("#next", T.INT_T, (0, 0, ""), ir.LOCAL, fn=top)
            top.dcl.append(next_var)
            if enclosing is not None:
                enclosing["next"] = next_var
                self._capture(next_var, (0, 0, ""))
        if any(named_children(r) for r in returns):
            for i, r in enumerate(target.results):
                if getattr(r, "unnamed", False):
                    r.name = f"#rv{i + 1}"
                    r.unnamed = False  # type: ignore[attr-defined]
        defers = None
        if enclosing is None and descendants(body_node, "defer_statement", stop="func_literal"):
            # the body's defers run when the enclosing function returns: the rewrite
            # keeps the frame's token in #defers (runtime.deferrangefunc()), which the
            # body captures
            defers = ir.Var("#defers", T.ANY_T, (0, 0, ""), ir.LOCAL, fn=outer)
            outer.dcl.append(defers)
        top.rangefunc_count = getattr(top, "rangefunc_count", 0) + 1  # type: ignore[attr-defined]
        state = ir.Var(self._vname(f"#state{top.rangefunc_count}"), T.INT_T, pos,  # type: ignore
                       ir.LOCAL, fn=outer)
        outer.dcl.append(state)
        names = named_children(left) if left is not None else []
        params = []
        for i, p in enumerate(yield_t.params):
            nm = names[i] if i < len(names) else None
            # a slot the loop leaves out is the rewrite's #pN, at the statement
            params.append(T.Param(text(nm) if nm is not None else f"#p{i + 1}", p.type,
                                  self.p(nm) if nm is not None else pos))
        sig = T.Signature(params, [T.Param(None, T.BOOL_T)])
        # the body is named after its enclosing function, numbered within it
        outer.range_bodies = getattr(outer, "range_bodies", 0) + 1  # type: ignore[attr-defined]
        k = outer.range_bodies  # type: ignore[attr-defined]
        fn = ir.Func(f"{outer.name}-range{k}", sig, pos, parent=outer)
        fn.is_range_body = True  # type: ignore[attr-defined]
        if getattr(outer, "short_name", None):
            fn.short_name = f"{outer.short_name}-range{k}"  # type: ignore
        outer.closures.append(fn)
        outer.refs.append(fn)
        saved = (self.fn, self.scope)
        self.fn = fn
        self.scope = Scope(saved[1], fn)
        try:
            self._declare_params(fn, n, self.scope)
            for v in fn.params:
                v.loopvar = True  # type: ignore[attr-defined]
            # the body starts with `#tmpState := #stateN` (the misuse check)
            fn.dcl.append(ir.Var("#tmpState", T.INT_T, (0, 0, ""), ir.LOCAL, fn=fn))
            self._capture(state, (0, 0, ""))  # the rewrite's references have no position
            if defers is not None:
                self._capture(defers, (0, 0, ""))
            mark = ir.Stmt("as", pos, lhs=[E("name", T.INT_T, pos, var=state)],
                           rhs=[E("lit", T.INT_T, pos, value=1)])
            state.assigns += 1
            self.rangefunc_stack.append({"body": fn, "target": target, "next": next_var,
                                         "leave": leaving})
            try:
                body = [mark] + self.block(body_node)
            finally:
                self.rangefunc_stack.pop()
            fn.body = body
            self._capture_dict(outer.outermost)
        finally:
            self.fn, self.scope = saved
        clo = E("closure", sig, pos, func=fn)
        fn.closure_expr = clo
        init = ir.Stmt("as", pos, lhs=[E("name", T.INT_T, pos, var=state)],
                       rhs=[E("lit", T.INT_T, pos, value=1)], decl_vars=[state])
        state.defn_stmt = init  # type: ignore[attr-defined]
        # the body is bound to `#yieldN` and that variable passed
        # (numbered as loops complete, inner loops first; #stateN as loops begin)
        top.yield_count = getattr(top, "yield_count", 0) + 1  # type: ignore[attr-defined]
        yv = ir.Var(self._vname(f"#yield{top.yield_count}"), sig, pos,  # type: ignore
                    ir.LOCAL, fn=outer)
        outer.dcl.append(yv)
        bind = ir.Stmt("as", pos, lhs=[E("name", sig, pos, var=yv)], rhs=[clo],
                       decl_vars=[yv])
        yv.defn = clo
        yv.defn_stmt = bind  # type: ignore[attr-defined]
        callee = None
        if x.op == "name" and x.var is not None and x.var.cls == ir.FUNC:
            callee = x.var.func
        elif x.op == "closure":
            callee = x.func
        stmts = [init, bind]
        if x.op in ("call", "callinter"):
            # a sequence a call returns is kept in a temporary, then called
            st, x = self.temp_of(x, pos)
            stmts.append(st)
        call = E("call", T.Tuple([]), pos, [E("name", sig, pos, var=yv)], value=x,
                 func=callee)
        stmts.append(ir.Stmt("expr", pos, rhs=[call]))
        if returns and next_var is not None:
            check = E("lt", T.BOOL_T, pos, [E("name", T.INT_T, pos, var=next_var),
                                             E("lit", T.INT_T, pos, value=0)])
            leave = ir.Stmt("return", pos, rhs=[E("lit", T.BOOL_T, pos, value=False)]) \
                if enclosing else ir.Stmt("return", pos, extra={"bare": True})
            stmts.append(ir.Stmt("if", pos, cond=check, body=[leave]))
        return ir.Stmt("block", pos, body=stmts)

    def _switch(self, n: Node) -> ir.Stmt:
        with self._scoped():
            init = self._init_stmts(n)
            vn = n.child_by_field_name("value")
            tag = self.expr(vn) if vn is not None else None
            if tag is not None and T.is_untyped(tag.type):
                tag = self.assign_conv(tag, None)
            clauses = [c for c in named_children(n)
                       if c.type in ("expression_case", "default_case")]
            taken = self._constant_switch(tag, clauses)
            if taken is not None:
                # the front end keeps only the clause a constant switch always takes
                cases = []
                if taken is not False:
                    saved2 = self.scope
                    self.scope = Scope(saved2)
                    body = self._case_body(taken)
                    self.scope = saved2
                    cases.append(ir.Case(self.p(taken), exprs=[], body=body))
                return ir.Stmt("switch", self.p(n), init=init, cond=None, cases=cases)
            cases = []
            for c in clauses:
                exprs = []
                if c.type == "expression_case":
                    for en in named_children(c.child_by_field_name("value")):
                        e = self.expr(en)
                        if tag is not None:
                            if T.is_interface(tag.type) and not T.is_interface(e.type):
                                e = self.assign_conv(e, tag.type)
                            elif T.is_untyped(e.type):
                                e = self.assign_conv(e, tag.type)
                        exprs.append(e)
                saved2 = self.scope
                self.scope = Scope(saved2)
                body = [x for x in self._case_body(c)]
                self.scope = saved2
                cases.append(ir.Case(self.p(c), exprs=exprs, body=body))
            return ir.Stmt("switch", self.p(n), init=init, cond=tag, cases=cases)

    def _constant_switch(self, tag: E | None, clauses: list[Node]) -> Node | bool | None:
        """The clause a switch with a constant tag (or none) always takes when every case
        before it is constant: that clause, False when none is taken, None when it cannot
        be known (a non-constant case first, or the clause falls through)."""
        if tag is not None and tag.op != "lit":
            return None
        want = True if tag is None else tag.value
        target: Node | None = None
        for c in clauses:
            if c.type == "default_case":
                target = c
                continue
            for en in named_children(c.child_by_field_name("value")):
                if not self._maybe_constant(en):
                    return None
                e = self.expr(en)
                if e.op != "lit":
                    return None
                if e.value == want:
                    target = c
                    break
            else:
                continue
            break
        if target is None:
            return False
        stmts = [y for x in target.named_children
                 for y in (x.named_children if x.type == "statement_list" else [x])]
        if any(x.type == "fallthrough_statement" for x in stmts):
            return None
        return target

    def _maybe_constant(self, n: Node) -> bool:
        """Could expression n be a constant? (No call, literal, index, receive or field
        selection in it: lowering it cannot make temporaries or closures.)"""
        if n.type in _NOT_CONSTANT or n.type == "unary_expression" and text(n)[:2] == "<-":
            return False
        if n.type == "selector_expression":
            operand = n.child_by_field_name("operand")
            return operand is not None and operand.type == "identifier" and \
                isinstance(self.scope.lookup(text(operand)), PkgName)
        return all(self._maybe_constant(c) for c in n.named_children)

    def _case_body(self, c: Node) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        skip = {_key(x) for x in (c.child_by_field_name("value"),
                                  c.child_by_field_name("communication")) if x is not None}
        skip |= {_key(x) for x in c.children_by_field_name("type")}
        nodes: list[Node] = []
        for x in c.named_children:
            if _key(x) in skip or x.type in ("comment",):
                continue
            if x.type == "statement_list":
                nodes.extend(y for y in x.named_children if y.type != "comment")
            elif x.type in ("expression_list",) or x.type.endswith("_type") or \
                    x.type in ("type_identifier", "qualified_type"):
                continue
            else:
                nodes.append(x)
        self.stmt_list(nodes, out)
        return out

    def _type_switch(self, n: Node) -> ir.Stmt:
        with self._scoped():
            init = self._init_stmts(n)
            alias = n.child_by_field_name("alias")
            x = self.expr(n.child_by_field_name("value"))
            cases = []
            for c in named_children(n):
                if c.type not in ("type_case", "default_case"):
                    continue
                tnodes = c.children_by_field_name("type") if c.type == "type_case" else []
                tnodes = [t for t in tnodes if t.is_named]
                types_ = []
                for tn in tnodes:
                    if text(tn) == "nil":
                        types_.append(None)
                    else:
                        types_.append(self.res.resolve_type(tn, self.scope))
                saved2 = self.scope
                self.scope = Scope(saved2)
                var = None
                if alias is not None:
                    an = named_children(alias)[0]
                    vt = types_[0] if len(types_) == 1 and types_[0] is not None else x.type
                    if tnodes:
                        anchor = tnodes[-1]
                        while anchor.type in ("pointer_type", "slice_type", "qualified_type",
                                              "array_type", "parenthesized_type"):
                            if anchor.type == "qualified_type":
                                anchor = anchor.child_by_field_name("name")
                            elif anchor.type == "array_type" or anchor.type == "slice_type":
                                anchor = anchor.child_by_field_name("element")
                            else:
                                anchor = named_children(anchor)[0]
                        vpos = self.p(anchor)
                    else:
                        vpos = self.p(c)
                    var = self.declare(an, vt, vpos)
                    if var is not None:
                        var.casevar = True  # type: ignore[attr-defined]
                body = self._case_body(c)
                self.scope = saved2
                cases.append(ir.Case(self.p(c), var=var,
                                     exprs=[E("type", t or T.UNTYPED_NIL, self.p(c)) for t in
                                            types_]))
                cases[-1].body = body
            return ir.Stmt("typeswitch", self.p(n), init=init, cond=x, cases=cases,
                           extra={"has_var": alias is not None})

    def _select(self, n: Node) -> ir.Stmt:
        cases = []
        for c in named_children(n):
            if c.type not in ("communication_case", "default_case"):
                continue
            saved = self.scope
            self.scope = Scope(saved)
            comm_list: list[ir.Stmt] = []
            cn = c.child_by_field_name("communication")
            if cn is not None:
                if cn.type == "receive_statement":
                    left = cn.child_by_field_name("left")
                    right = cn.child_by_field_name("right")
                    r = self.expr(right)
                    if left is None:
                        comm_list.append(ir.Stmt("expr", self.p(cn), rhs=[r]))
                    else:
                        lnodes = named_children(left)
                        define = _anon(cn, ":=") is not None
                        lhs: list[E | None] = []
                        types = self._multi_types(r, len(lnodes)) if len(lnodes) > 1 else [r.type]
                        for ln, t in zip(lnodes, types):
                            if define:
                                v = self.declare(ln, t)
                                lhs.append(E("name", v.type, v.pos, var=v) if v else None)
                            else:
                                lhs.append(None if text(ln) == "_" else self.expr(ln))
                        if len(lnodes) > 1:
                            comm_list.append(self._multi_assign_stmt(lhs, r, self.p(cn)))
                        else:
                            comm_list.append(ir.Stmt("as", self.p(cn), lhs=lhs, rhs=[r]))
                else:
                    self.stmt(cn, comm_list)
            body = self._case_body(c)
            self.scope = saved
            cases.append(ir.Case(self.p(c), comm=comm_list[0] if comm_list else None, body=body))
        return ir.Stmt("select", self.p(n), cases=cases)

    def _return(self, n: Node) -> ir.Stmt:
        assert self.fn is not None
        if self.rangefunc_stack and self.rangefunc_stack[-1]["body"] is self.fn:
            return self._return_from_range_body(n)
        vals = [c for c in named_children(n) if c.type == "expression_list"]
        exprs_n = named_children(vals[0]) if vals else []
        pos = self.p(n)
        results = self.fn.results
        if not exprs_n:
            return ir.Stmt("return", pos, extra={"bare": True})
        if len(exprs_n) == 1 and len(results) > 1:
            call = self.expr(exprs_n[0], multi=True)
            types = self._multi_types(call, len(results))
            vals = self._n1_temps(call, types, pos)
            rhs = self._n1_first([self.assign_conv(x, r.type) for x, r in zip(vals, results)])
            return ir.Stmt("return", pos, rhs=rhs)
        rhs = [self.assign_conv(self.expr(e), r.type) for e, r in zip(exprs_n, results)]
        return ir.Stmt("return", pos, rhs=rhs)

    def _return_from_range_body(self, n: Node) -> ir.Stmt:
        """`return xs` inside a range-over-func body: set the results, #next, stop."""
        ctx = self.rangefunc_stack[-1]
        target: ir.Func = ctx["target"]
        pos = self.p(n)
        vals = [c for c in named_children(n) if c.type == "expression_list"]
        exprs_n = named_children(vals[0]) if vals else []
        if len(exprs_n) == 1 and len(target.results) > 1:
            raise Unsupported(n, "multi-value return inside a range-over-function body")
        out: list[ir.Stmt] = []
        if exprs_n:
            lhs = []
            for r in target.results:
                self._capture(r, pos)
                r.assigns += 1
                lhs.append(E("name", r.type, r.pos, var=r))
            rhs = [self.assign_conv(self.expr(e), r.type)
                   for e, r in zip(exprs_n, target.results)]
            out.append(ir.Stmt("as" if len(lhs) == 1 else "as2", pos, lhs=lhs, rhs=rhs))
        out.append(self._leave_range_body(pos))
        return ir.Stmt("block", pos, body=out)

    def _leave_range_body(self, pos: ir.Pos) -> ir.Stmt:
        """`#next = code; return false`: how a range-over-func body leaves for a return
        or a branch of an outer statement."""
        nxt: ir.Var = self.rangefunc_stack[-1]["next"]
        self._capture(nxt, pos)
        nxt.assigns += 1
        return ir.Stmt("block", pos, body=[
            ir.Stmt("as", pos, lhs=[E("name", T.INT_T, pos, var=nxt)],
                    rhs=[E("lit", T.INT_T, pos, value=-1)]),
            ir.Stmt("return", pos, rhs=[E("lit", T.BOOL_T, pos, value=False)])])

    def _go_defer(self, n: Node, out: list[ir.Stmt]) -> None:
        assert self.fn is not None
        kind = "go" if n.type == "go_statement" else "defer"
        callnode = named_children(n)[0]
        pos = self.p(n)
        call = self.expr(callnode, allow_void=True)
        if call.op == "paren":
            call = call.args[0]
        if call.op not in ("call", "callinter") and not call.op.startswith("b_") and \
                call.op not in _WRAPPED_BUILTINS:
            out.append(ir.Stmt(kind, pos, rhs=[call]))
            return
        fun = call.value if call.op == "call" else None
        sig = fun.type.underlying() if fun is not None else None
        if call.op == "call" and isinstance(sig, T.Signature) and not sig.params \
                and not sig.results and not call.args:
            out.append(ir.Stmt(kind, pos, rhs=[call]))
            return
        # Build the wrapper: evaluate non-trivial operands into temporaries now.
        outer = self.fn
        tmps: list[ir.Var] = []
        rhs: list[E] = []

        def visit(e: E, want: T.Type | None = None) -> E:
            if e.op in ("lit", "nil", "methexpr", "new"):
                return e
            if e.op == "name" and e.var is not None and e.var.cls == ir.FUNC:
                return e
            if e.op in ("arraylit", "slicelit", "structlit"):
                e.args = [visit(a) for a in e.args]
                return e
            if e.op == "unknownfunc":
                return e
            # a temporary takes its operand's position, unless that is a name (whose
            # position is its declaration's): then the statement's
            # (a name converted to another type, say a channel direction, is a conversion)
            named = e.op == "name" and (want is None or T.identical(e.type, want))
            v = self.new_temp(e.type, pos if named else e.pos)
            v.assigns = 0
            v.defn = e
            tmps.append(v)
            rhs.append(e)
            return E("name", e.type, e.pos, var=v)

        if call.op == "call":
            call.value = visit(call.value)
            fsig = call.value.type.underlying() if call.value is not None else None
            ptypes: list[T.Type | None] = [None] * len(call.args)
            if isinstance(fsig, T.Signature):
                ps = list(fsig.params)
                for i in range(min(len(ps), len(call.args))):
                    ptypes[i] = ps[i].type
            call.args = [visit(a, t) for a, t in zip(call.args, ptypes)]
        elif call.op == "callinter":
            recv = call.value.args[0]
            call.value.args[0] = visit(recv)
            call.args = [visit(a) for a in call.args]
        else:
            call.args = [visit(a) for a in call.args]
        if tmps:
            st = ir.Stmt("as2", pos,
                         lhs=[E("name", v.type, v.pos, var=v) for v in tmps], rhs=rhs,
                         decl_vars=list(tmps), extra={"define": False})
            for v in tmps:
                v.defn_stmt = st  # type: ignore[attr-defined]
            out.append(st)
        wrapper = ir.Func(f"{outer.name}.{kind}wrap", T.Signature([], []), pos, parent=outer)
        wrapper.is_wrapper = True
        wrapper.body = [ir.Stmt("expr", pos, rhs=[call])]
        wrapper.closure_vars = list(tmps)
        for v in tmps:
            v.captured_by = getattr(v, "captured_by", []) + [wrapper]  # type: ignore
        outer.closures.append(wrapper)
        outer.refs.append(wrapper)
        wrapper.refs = self._callees_in(call)
        clo = E("closure", T.Signature([], []), pos, func=wrapper)
        wrapper.closure_expr = clo
        out.append(ir.Stmt(kind, pos, rhs=[E("call", T.Tuple([]), pos, value=clo, func=wrapper)]))

    def _callees_in(self, e: E) -> list[ir.Func]:
        """Functions a wrapper's body refers to (its call's static callee)."""
        out: list[ir.Func] = []
        stack = [e]
        while stack:
            x = stack.pop()
            if x.op == "name" and x.var is not None and x.var.cls == ir.FUNC and x.var.func:
                out.append(x.var.func)
            elif x.op in ("methexpr", "closure") and x.func is not None:
                out.append(x.func)
            stack.extend(reversed(x.args))
            if isinstance(x.value, E):
                stack.append(x.value)
        return out

    # ============================================================ expressions

    def expr(self, n: Node, multi: bool = False, allow_void: bool = False,
             hint: T.Type | None = None) -> E:
        k = n.type
        m = _EXPR_LOWERERS.get(k)
        if m is None:
            raise Unsupported(n, f"expression {k}")
        e = m(self, n, hint) if k in ("composite_literal", "literal_value") else m(self, n)
        if e.extra.get("syn") is None:
            e.extra["syn"] = self.anchor(n)
        return e

    def anchor(self, n: Node) -> ir.Pos:
        k = n.type
        if k == "call_expression":
            a = n.child_by_field_name("arguments")
            return self.p(a) if a is not None else self.p(n)
        if k == "type_conversion_expression":
            d = _anon(n, "(")
            return self.p(d) if d is not None else self.p(n)
        if k in ("selector_expression", "type_assertion_expression"):
            d = _anon(n, ".")
            return self.p(d) if d is not None else self.p(n)
        if k in ("index_expression", "slice_expression"):
            d = _anon(n, "[")
            return self.p(d) if d is not None else self.p(n)
        if k == "composite_literal":
            return self.p(n.child_by_field_name("body"))
        if k in ("unary_expression", "binary_expression"):
            return self.p(n.child_by_field_name("operator"))
        return self.p(n)

    # ---- names and literals

    def _x_identifier(self, n: Node) -> E:
        name = text(n)
        if name == NEW_STANDIN and n.start_byte in self.file.new_calls:
            name = "new"  # new(expr), parsed under another name (syntax.parse)
        pos = self.p(n)
        if name == "_":
            return E("blank", T.INVALID, pos)
        obj = self.scope.lookup(name)
        if obj is None:
            obj = self._dot_imported(name)
        return self._obj_expr(obj, pos, n, name)

    def _dot_imported(self, name: str) -> Any:
        for fi in self.res.file_infos:
            if fi.file is not self.file:
                continue
            for pn in fi.imports:
                if pn.name == "." and pn.pkg is not None:
                    obj = pn.pkg.scope.names.get(name)
                    if obj is not None:
                        return obj
        return None

    def _obj_expr(self, obj: Any, pos: ir.Pos, n: Node, name: str) -> E:
        if isinstance(obj, ir.Var):
            if obj.cls == ir.GLOBAL and obj.type is None:
                owner = getattr(obj, "owner", None)
                low = getattr(owner, "lowerer", None) if owner is not None else None
                (low or self)._global_type(obj)
            if obj.cls in (ir.LOCAL, ir.PARAM, ir.RESULT) and obj.fn is not self.fn \
                    and self.fn is not None:
                self._capture(obj, pos)
            if obj.cls == ir.FUNC and obj.func is not None:
                owner = getattr(obj.func, "owner_res", None)
                if owner is not None:
                    owner.ensure_sig(obj.func)
                    obj.type = obj.func.sig
                if self.fn is not None:
                    self.fn.refs.append(obj.func)
            e = E("name", obj.type if obj.type is not None else T.INVALID, pos, var=obj)
            if obj.cls in (ir.FUNC, ir.GLOBAL) and self.res is not self.home_res:
                e.extra["qual"] = self.res.name  # a std body's own globals print qualified
            return e
        if isinstance(obj, Const):
            if obj.name == "iota" and obj.node is None and obj.type is T.UNTYPED_INT:
                return E("lit", T.UNTYPED_INT, pos, value=self.iota or 0)
            self._resolve_const(obj)
            return E("lit", obj.type or T.INVALID, pos, value=obj.value)
        if isinstance(obj, TypeName):
            t = self.res.type_name_type(obj)
            return E("type", t, pos, value=obj.name)
        if isinstance(obj, Builtin):
            return E("builtin", T.INVALID, pos, value=obj.name)
        if isinstance(obj, Nil):
            return E("nil", T.UNTYPED_NIL, pos)
        if isinstance(obj, PkgName):
            return E("pkg", T.INVALID, pos, value=obj)
        if isinstance(obj, Unknown):
            return E("unknown", T.INVALID, pos, value=obj)
        raise Unsupported(n, f"undefined: {name}")

    def _capture(self, v: ir.Var, pos: ir.Pos | None = None) -> None:
        f = self.fn
        while f is not None and f is not v.fn:
            if v not in f.closure_vars:
                f.closure_vars.append(v)
                if pos is not None:
                    f.capture_pos[id(v)] = pos
            f = f.parent

    def _x_int_literal(self, n: Node) -> E:
        s = text(n).replace("_", "")
        if len(s) > 1 and s[0] == "0" and s[1] not in "xXbBoO":
            val = int(s, 8)
        else:
            val = int(s, 0)
        return E("lit", T.UNTYPED_INT, self.p(n), value=val)

    def _x_float_literal(self, n: Node) -> E:
        s = text(n).replace("_", "")
        if s.lower().startswith("0x"):
            val = Fraction(float.fromhex(s))
        else:
            val = Fraction(s)
        return E("lit", T.UNTYPED_FLOAT, self.p(n), value=val)

    def _x_imaginary_literal(self, n: Node) -> E:
        s = text(n).replace("_", "")[:-1]
        try:
            im = float(Fraction(s)) if not s.lower().startswith("0x") else float.fromhex(s)
        except (ValueError, ZeroDivisionError):
            im = float(int(s, 0))
        return E("lit", T.UNTYPED_COMPLEX, self.p(n), value=complex(0, im))

    def _x_rune_literal(self, n: Node) -> E:
        b = _unescape(text(n)[1:-1].encode("utf-8", "surrogateescape"), rune=True)
        try:
            val = ord(b.decode("utf-8")) if len(b) > 1 or b[0] >= 0x80 else b[0]
        except (UnicodeDecodeError, IndexError, TypeError):
            val = b[0] if b else 0
        if getattr(b, "rune_value", None) is not None:
            val = b.rune_value  # type: ignore[attr-defined]
        return E("lit", T.UNTYPED_RUNE, self.p(n), value=val)

    def _x_interpreted_string_literal(self, n: Node) -> E:
        raw = n.text[1:-1] if n.text else b""
        return E("lit", T.UNTYPED_STRING, self.p(n), value=bytes(_unescape(raw)))

    def _x_raw_string_literal(self, n: Node) -> E:
        raw = (n.text or b"``")[1:-1].replace(b"\r", b"")
        return E("lit", T.UNTYPED_STRING, self.p(n), value=bytes(raw))

    def _x_true(self, n: Node) -> E:
        return self._x_identifier(n)

    _x_false = _x_true
    _x_nil = _x_true
    _x_iota = _x_true

    def _x_type_conversion_expression(self, n: Node) -> E:
        tnode = n.child_by_field_name("type")
        pos = self.p(_anon(n, "(") or n)
        if not self._names_type(tnode):
            # `fs[i](p)` parses like a generic conversion; it is a call of an indexed value
            f = self.expr(tnode)
            return self._call(f, [n.child_by_field_name("operand")], pos, False, n)
        if tnode.type == "pointer_type" and named_children(tnode):
            # `*(*T)(p)` parses as a conversion to the type `*(*T)`; Go reads the `*` as
            # an indirection of the conversion `(*T)(p)`
            t = self.res.resolve_type(named_children(tnode)[0], self.scope)
            conv = self.conversion(t, n.child_by_field_name("operand"), pos, n)
            u = conv.type.underlying()
            e = E("deref", u.elem if isinstance(u, T.Pointer) else T.INVALID, self.p(n),
                  [conv])
            e.extra["syn"] = self.p(n)
            return e
        t = self.res.resolve_type(tnode, self.scope)
        return self.conversion(t, n.child_by_field_name("operand"), pos, n)

    def _names_type(self, n: Node) -> bool:
        """Does a node that parsed as a type really name a type (not a value)?"""
        k = n.type
        if k in ("type_identifier", "identifier"):
            return isinstance(self.scope.lookup(text(n)), TypeName)
        if k == "generic_type":
            return self._names_type(n.child_by_field_name("type"))
        if k in ("pointer_type", "parenthesized_type", "parenthesized_expression"):
            inner = named_children(n)
            return bool(inner) and self._names_type(inner[0])
        if k == "selector_expression":
            pn = self.scope.lookup(text(n.child_by_field_name("operand")))
            if not isinstance(pn, PkgName) or pn.pkg is None:
                return isinstance(pn, PkgName)
            return isinstance(pn.pkg.scope.names.get(text(n.child_by_field_name("field"))),
                              TypeName)
        if k not in _TYPE_NODES:
            return False  # an expression (index, call, ...) never names a type
        if k == "qualified_type":
            pn = self.scope.lookup(text(n.child_by_field_name("package")))
            if not isinstance(pn, PkgName):
                return False
            if pn.pkg is None:
                return True
            return isinstance(pn.pkg.scope.names.get(text(n.child_by_field_name("name"))),
                              TypeName)
        return True

    def _x_pointer_type(self, n: Node) -> E:
        # `*p` in a position the grammar reads as a type, e.g. `new(*p)`
        x = self.expr(named_children(n)[0])
        if x.op == "type":
            return E("type", T.Pointer(x.type), self.p(n))
        u = x.type.underlying()
        return E("deref", u.elem if isinstance(u, T.Pointer) else T.INVALID, self.p(n), [x])

    def _x_type_instantiation_expression(self, n: Node) -> E:
        # `m[e.a][e.b]` parses as an instantiation of a generic type; when the base is a
        # value, it is nested indexing
        base = n.child_by_field_name("type")
        if self._names_type(base):
            return E("type", self.res.resolve_type(n, self.scope), self.p(n))
        x = self.expr(base)
        if _generic_func(x) is not None:
            return self._explicit(x, [self.res.resolve_type(c, self.scope)
                                      for c in named_children(n) if _key(c) != _key(base)])
        brackets = [c for c in n.children if c.type == "["]
        args = [c for c in named_children(n) if _key(c) != _key(base)]
        for i, a in enumerate(args):
            while a.type == "type_elem" and len(named_children(a)) == 1:
                a = named_children(a)[0]
            pos = self.p(brackets[i]) if i < len(brackets) else self.p(a)
            x = self._index(x, self.expr(a), pos, n)
        return x

    def _x_type_identifier(self, n: Node) -> E:
        return self._x_identifier(n)

    def _x_qualified_type(self, n: Node) -> E:
        pkg = n.child_by_field_name("package")
        name = n.child_by_field_name("name")
        x = self._x_identifier(pkg)
        dot = self.p(_anon(n, ".") or n)
        if x.op == "pkg":
            pn: PkgName = x.value
            if pn.pkg is None:
                return E("unknown", T.INVALID, dot, value=Unknown(text(name), pn.path),
                         extra={"text": f"{pn.name}.{text(name)}"})
            obj = pn.pkg.scope.names.get(text(name))
            return self._obj_expr(obj, dot, n, text(name))
        return self.select(x, text(name), dot, n)

    def _explicit(self, f: E, targs: list[T.Type]) -> E:
        """`F[int]`: a generic function with explicit type arguments."""
        out = E(f.op, f.type, f.pos, f.args, var=f.var, value=f.value, extra=dict(f.extra))
        out.extra["targs"] = targs = list(f.extra.get("targs") or []) + targs
        gfn = _generic_func(f)
        if gfn is not None:
            res = getattr(gfn, "owner_res", None) or self.res
            res.ensure_sig(gfn)
            tps = res.tparams_of(gfn)
            if len(targs) < len(tps):
                # `maps.Keys[map[int]int]`: the rest may follow from constraint core types
                b: dict[int, T.Type] = dict(enumerate(targs))
                _core_pass(tps, b)
                if len(b) == len(tps):
                    out.extra["targs"] = targs = [b[i] for i in range(len(tps))]
            if len(targs) == len(tps):
                w = res.standin(gfn, targs)
                if self.fn is not None:
                    self.fn.refs.append(w)
                out.type = w.sig
                out.var = ir.Var(w.name, w.sig, f.pos, ir.FUNC, func=w)
                out.extra["generic_decl"] = gfn
        return out

    def _x_generic_type(self, n: Node) -> E:
        base = n.child_by_field_name("type")
        if self._names_type(base):
            return E("type", self.res.resolve_type(n, self.scope), self.p(n))
        x = self.expr(base)
        args = named_children(n.child_by_field_name("type_arguments"))
        if _generic_func(x) is not None:
            return self._explicit(x, [self.res.resolve_type(a, self.scope) for a in args])
        if len(args) != 1:
            raise Unsupported(n, "generic function instantiation")
        idx = args[0]
        while idx.type == "type_elem" and len(named_children(idx)) == 1:
            idx = named_children(idx)[0]
        return self._index(x, self.expr(idx), self.p(_anon(n.child_by_field_name(
            "type_arguments"), "[") or n), n)

    def _x_parenthesized_expression(self, n: Node) -> E:
        inner = self.expr(named_children(n)[0])
        return inner

    # ---- constants

    def _resolve_const(self, c: Const) -> None:
        owner = getattr(c, "owner", None)
        if owner is not None and owner is not self.res and c.type is None:
            owner.lowerer._resolve_const(c)
            return
        if c.type is not None or c.node is None:
            if c.type is None:
                c.type = T.INVALID
            return
        if c.resolving:
            c.type = T.INVALID
            return
        c.resolving = True
        saved = (self.iota, self.scope, self.file)
        scope = getattr(c, "scope", None) or self.res.scope
        self.iota, self.scope = c.iota, scope
        if c.file is not None:
            self.file = c.file
        try:
            e = self.expr(c.node)
            if c.type_node is not None:
                t = self.res.resolve_type(c.type_node, scope)
                e = self.convert_const(e, t)
            c.type, c.value = e.type, e.value
        except Unsupported:
            c.type, c.value = T.INVALID, 0
        finally:
            self.iota, self.scope, self.file = saved
            c.resolving = False

    def _eval_const_node(self, n: Node, scope: Scope) -> Any:
        saved = self.scope
        self.scope = scope
        try:
            e = self.expr(n)
            return e.value if e.op == "lit" else 0
        except Unsupported:
            return 0
        finally:
            self.scope = saved

    def convert_const(self, e: E, t: T.Type) -> E:
        """Convert constant e to type t (explicit or implicit), folding the value."""
        u = t.underlying()
        v = e.value
        if isinstance(u, T.Basic):
            if u.kind == T.INT:
                if isinstance(v, Fraction):
                    v = int(v)
                elif isinstance(v, complex):
                    v = int(v.real)
                elif isinstance(v, bool):
                    pass
                elif isinstance(v, float):
                    v = int(v)
            elif u.kind == T.FLOAT:
                if isinstance(v, int) and not isinstance(v, bool):
                    v = Fraction(v)
                elif isinstance(v, complex):
                    v = Fraction(v.real)
                elif isinstance(v, float):
                    v = Fraction(v)
                if u.size == 4 and isinstance(v, Fraction):
                    import struct
                    try:
                        v = Fraction(struct.unpack("f", struct.pack("f", float(v)))[0])
                    except (OverflowError, struct.error):
                        pass
                elif isinstance(v, Fraction) and not u.untyped:
                    try:
                        v = Fraction(float(v))
                    except OverflowError:
                        pass
            elif u.kind == T.COMPLEX:
                if isinstance(v, (int, Fraction)) and not isinstance(v, bool):
                    v = complex(float(v), 0)
            elif u.kind == T.STRING:
                if isinstance(v, int) and not isinstance(v, bool):
                    try:
                        v = chr(v).encode("utf-8") if 0 <= v <= 0x10FFFF and not (
                            0xD800 <= v <= 0xDFFF) else "\ufffd".encode()
                    except ValueError:
                        v = "\ufffd".encode()
            return E("lit", t, e.pos, value=v, extra=dict(e.extra))
        if isinstance(u, T.Interface):
            d = self.convert_const(e, T.default_type(e.type)) if T.is_untyped(e.type) else e
            return self.to_iface(d, t, implicit=True)
        return E("lit", t, e.pos, value=v, extra=dict(e.extra))

    # ---- conversions

    def assign_conv(self, e: E, t: T.Type | None) -> E:
        """The implicit conversions of assignability: untyped constants, interfaces, nil."""
        if t is None or t is T.INVALID:
            if T.is_untyped(e.type) and e.op == "lit":
                return self.convert_const(e, T.default_type(e.type))
            if T.is_untyped(e.type) and e.type is not T.UNTYPED_NIL:
                e.type = T.default_type(e.type)
            return e
        if e.op == "nil":
            return E("nil", t, e.pos, extra=dict(e.extra))
        if T.is_untyped(e.type):
            if T.is_interface(t):
                d = self.assign_conv(e, None)
                return self.to_iface(d, t, implicit=True)
            if e.op == "lit":
                return self.convert_const(e, t)
            e.type = t
            return e
        if T.is_interface(t) and e.type is not T.INVALID and not (
                T.is_interface(e.type) and T.identical(e.type, t)):
            return self.to_iface(e, t, implicit=True)
        return e

    def to_iface(self, e: E, t: T.Type, implicit: bool, pos: ir.Pos | None = None) -> E:
        if T.is_interface(e.type) and (T.identical(e.type, t) or e.type is T.INVALID):
            return e
        p = pos or e.extra.get("syn", e.pos)
        if _empty_iface(e.type) and _empty_iface(t):
            # one empty interface to another: the same representation, a no-op conversion
            return E("convnop", t, p, [e], implicit=implicit)
        return E("conviface", t, p, [e], implicit=implicit)

    # ---- composite literals

    def _x_composite_literal(self, n: Node, hint: T.Type | None = None) -> E:
        tnode = n.child_by_field_name("type")
        body = n.child_by_field_name("body")
        if tnode is not None and tnode.type == "implicit_length_array_type":
            elem = self.res.resolve_type(tnode.child_by_field_name("element"), self.scope)
            t: T.Type = T.Array(-1, elem)
        elif tnode is not None:
            t = self.res.resolve_type(tnode, self.scope)
        else:
            t = hint or T.INVALID
        return self._complit(body, t)

    def _complit(self, body: Node, t: T.Type) -> E:
        pos = self.p(body)
        u = t.underlying()
        elems = [c for c in named_children(body) if c.type in ("literal_element",
                                                                  "keyed_element")]
        if isinstance(u, T.Struct):
            vals = []
            fields = []
            for i, el in enumerate(elems):
                if el.type == "keyed_element":
                    kn, vn = [c for c in named_children(el)][:2]
                    fname = text(kn)
                    fld = next((f for f in u.fields if f.name == fname), None)
                else:
                    vn = el
                    fld = u.fields[i] if i < len(u.fields) else None
                ft = fld.type if fld else T.INVALID
                vals.append(self.assign_conv(self._elem(vn, ft), ft))
                fields.append(fld)
            return E("structlit", t, pos, vals, extra={"fields": fields})
        if isinstance(u, (T.Array, T.Slice)):
            vals = []
            idx = 0
            maxlen = 0
            for el in elems:
                if el.type == "keyed_element":
                    kn, vn = [c for c in named_children(el)][:2]
                    kv = self._eval_const_node(named_children(kn)[0] if kn.type ==
                                               "literal_element" else kn, self.scope)
                    idx = int(kv) if isinstance(kv, (int, Fraction)) else idx
                else:
                    vn = el
                vals.append(self.assign_conv(self._elem(vn, u.elem), u.elem))
                idx += 1
                maxlen = max(maxlen, idx)
            if isinstance(u, T.Array):
                if u.length < 0:
                    t = T.Array(maxlen, u.elem)
                return E("arraylit", t, pos, vals, extra={"len": maxlen})
            return E("slicelit", t, pos, vals, extra={"len": maxlen})
        if isinstance(u, T.Map):
            keys, vals = [], []
            for el in elems:
                if el.type != "keyed_element":
                    continue
                kn, vn = [c for c in named_children(el)][:2]
                keys.append(self.assign_conv(self._elem(kn, u.key), u.key))
                vals.append(self.assign_conv(self._elem(vn, u.elem), u.elem))
            return E("maplit", t, pos, vals, extra={"keys": keys})
        raise Unsupported(body, f"composite literal of type {t}")

    def _elem(self, n: Node, t: T.Type) -> E:
        if n.type == "literal_element":
            n = named_children(n)[0]
        if n.type == "literal_value":
            u = t.underlying()
            if isinstance(u, T.Pointer):
                inner = self._complit(n, u.elem)
                return E("ptrlit", t, self.p(n), [inner], implicit=True,
                         extra={"syn": self.p(n)})
            e = self._complit(n, t)
            e.extra["syn"] = self.p(n)
            return e
        return self.expr(n)

    def _x_func_literal(self, n: Node) -> E:
        outer = self.fn
        top = outer.outermost if outer is not None else None
        fi_scope = self.scope
        params, variadic = self.res.param_list(n.child_by_field_name("parameters"), fi_scope,
                                               self.file)
        results = self.res.result_list(n.child_by_field_name("result"), fi_scope, self.file)
        sig = T.Signature(params, results, variadic)
        fn = self._new_closure(outer, sig, self.p(n))
        if outer is not None:
            outer.closures.append(fn)
            outer.refs.append(fn)
        saved = (self.fn, self.scope, self.pending_decls)
        self.fn = fn
        self.scope = Scope(fi_scope, fn)
        # the enclosing statement's pending names are the outer function's declarations
        self.pending_decls = 0
        try:
            self._declare_params(fn, n, self.scope)
            fn.body = self.func_body(n.child_by_field_name("body"))
            _per_iteration_copies(fn)
            self._capture_dict(top)
        finally:
            self.fn, self.scope, self.pending_decls = saved
        e = E("closure", sig, self.p(n), func=fn)
        fn.closure_expr = e
        return e

    def _new_closure(self, outer: ir.Func | None, sig: T.Signature, pos: ir.Pos) -> ir.Func:
        """A function literal's function, numbered per enclosing function: F.func1,
        F.func2; inside a literal F.func1.1 (in a std instance, `Pull[go.shape.int].func1`
        in explanations)."""
        key = id(outer)
        self.funclit_counter[key] = self.funclit_counter.get(key, 0) + 1
        k = self.funclit_counter[key]
        base = outer.name if outer is not None else "glob."
        sep = ".func" if outer is None or outer.parent is None else "."
        fn = ir.Func(f"{base}{sep}{k}", sig, pos, parent=outer)
        if outer is not None:
            # only a function with literals has anything deadlocals.py could change
            outer.outermost.has_closures = True  # type: ignore[attr-defined]
        if getattr(outer, "short_name", None):
            fn.short_name = f"{outer.short_name}{sep}{k}"  # type: ignore[attr-defined]
        return fn

    @staticmethod
    def _dict_param(top: ir.Func | None) -> ir.Var | None:
        """The `.dict` parameter of instantiated code's outermost function."""
        if top is None or not getattr(top, "is_generic", False):
            return None
        return next((v for v in top.params if v.name.endswith(".dict")), None)

    def _capture_dict(self, top: ir.Func | None) -> None:
        """A closure in instantiated code (a function literal or a range-over-func body)
        captures the dictionary, last and always."""
        dict_param = self._dict_param(top)
        if dict_param is not None:
            self._capture(dict_param, dict_param.pos)

    # ---- selectors

    def _x_selector_expression(self, n: Node) -> E:
        operand = n.child_by_field_name("operand")
        sel = text(n.child_by_field_name("field"))
        dot = self.anchor(n)
        x = self.expr(operand)
        if x.op == "pkg":
            pn: PkgName = x.value
            if pn.pkg is None:
                return E("unknown", T.INVALID, dot, value=Unknown(sel, pn.path),
                         extra={"text": f"{pn.name}.{sel}"})
            obj = pn.pkg.scope.names.get(sel)
            e = self._obj_expr(obj, self.p(operand), n, sel) if obj is not None else \
                E("unknown", T.INVALID, dot, value=Unknown(sel, pn.path))
            e.extra["qual"] = pn.name
            if e.type is not T.INVALID:
                self.home_res.imported_refs.append(e.type)
            return e
        if x.op == "type":
            return self._method_expr(x.type, sel, n, dot)
        e = self.select(x, sel, dot, n)
        if e.op != "methvalue" or (self._callee is not None and self._callee.start_byte ==
                                   n.start_byte and self._callee.end_byte == n.end_byte):
            return e  # a called method is not a value
        if e.func is not None and getattr(e.func, "generic_origin", None) is not None and \
                any(T.has_shape(t) for t in getattr(e.func, "targs", ())):
            return self._curried_method_value(e)
        if e.extra.get("hidden"):
            return self._curried_dict_method_value(e)
        return e

    def _curried_dict_method_value(self, mv: E) -> E:
        """`x.M` as a value where x's type is a type parameter: the method's entry from
        the dictionary and the receiver go into temporaries, and an unreported closure
        calls the one with the other."""
        outer = self.fn
        assert outer is not None
        top = outer.outermost
        pos = mv.pos
        recv = mv.args[0]
        sig = mv.type
        assert isinstance(sig, T.Signature)
        slots = self.generics.method_slots.setdefault(id(top), {})
        slot = slots.setdefault((T.link_string(recv.type), mv.value), len(slots))
        fsig = T.Signature([T.Param(None, recv.type)] + list(sig.params), sig.results,
                           sig.variadic)
        dict_param = self._dict_param(top)
        if dict_param is None:
            return mv
        if dict_param.fn is not outer:
            self._capture(dict_param, pos)
        words = T.Array(slot + 1, T.UINTPTR_T)
        word = E("index", T.UINTPTR_T, pos,
                 [E("deref", words, pos, [E("name", dict_param.type, pos, var=dict_param)],
                    implicit=True), E("lit", T.INT_T, pos, value=slot)])
        entry = E("convnop", fsig, pos, [E("addr", T.Pointer(T.UINTPTR_T), pos, [word])])

        def call(captured: list[E], params: list[E]) -> E:
            return E("call", self._result_type(sig), pos, [captured[1]] + params,
                     value=captured[0], ddd=sig.variadic)
        return self._curry([entry, recv], sig, pos, call)

    def _curry(self, values: list[E], sig: T.Signature, pos: ir.Pos,
               call: Callable[[list[E], list[E]], E]) -> E:
        """The compiler's curried closure for a method value in instantiated code: the
        values go into temporaries (`.autotmp_N := v`) where the value is made, and a
        closure it never reports captures them and returns call(temporaries, params)."""
        outer = self.fn
        assert outer is not None
        init: list[ir.Stmt] = []
        temps = []
        for value in values:
            tmp = self.new_temp(value.type, pos)
            st = ir.Stmt("as", pos, lhs=[E("name", tmp.type, pos, var=tmp)], rhs=[value],
                         decl_vars=[tmp])
            tmp.defn_stmt = st  # type: ignore[attr-defined]
            init.append(st)
            temps.append(tmp)
        fn = self._synthetic_closure(outer, sig, pos)
        saved = self.fn
        self.fn = fn
        try:
            for tmp in temps:
                self._capture(tmp, pos)
            c = call([E("name", t.type, pos, var=t) for t in temps],
                     [E("name", v.type, pos, var=v) for v in fn.params])
            fn.body = [ir.Stmt("return" if fn.results else "expr", pos, rhs=[c])]
        finally:
            self.fn = saved
        e = E("closure", sig, pos, func=fn, extra={"init": init})
        fn.closure_expr = e
        return e

    def _synthetic_closure(self, outer: ir.Func, sig: T.Signature, pos: ir.Pos) -> ir.Func:
        """A closure the compiler makes for a method value (numbered with the function
        literals, never reported), with parameters ~pN and results ~rN."""
        fn = self._new_closure(outer, sig, pos)
        fn.is_wrapper = True
        outer.closures.append(fn)
        outer.refs.append(fn)
        auto: ir.Pos = (1, 0, "<autogenerated>")
        for i, p in enumerate(sig.params):
            fn.params.append(ir.Var(f"~p{i}", p.type, auto, ir.PARAM, fn=fn, index=i))
        for i, r in enumerate(sig.results):
            fn.results.append(ir.Var(f"~r{i}", r.type, auto, ir.RESULT, fn=fn, index=i))
        return fn

    def _curried_method_value(self, mv: E) -> E:
        """`x.M` as a value in instantiated code, M a method of a shaped generic type: the
        compiler evaluates the receiver and the dictionary into temporaries and makes a
        closure (a wrapper it never reports) that calls the shaped method with them."""
        assert self.fn is not None and mv.func is not None
        gm, targs = mv.func.generic_origin, mv.func.targs  # type: ignore[attr-defined]
        inst = self.instance(gm, targs)
        pos = mv.pos
        sig = T.Signature([T.Param(None, p.type) for p in inst.sig.params[2:]],
                          list(inst.sig.results), inst.sig.variadic)

        def call(captured: list[E], params: list[E]) -> E:
            me = E("methexpr", inst.sig, pos, func=inst, value=mv.value,
                   extra={"recv": inst.sig.params[0].type})
            return E("call", self._result_type(inst.sig), pos, captured + params, value=me,
                     func=inst, ddd=inst.sig.variadic, extra={"method": True})
        closure = self._curry([mv.args[0], self.dict_arg(gm, targs, pos)], sig, pos, call)
        assert closure.func is not None
        closure.func.refs.append(inst)
        return closure

    def _method_expr(self, t: T.Type, name: str, n: Node, pos: ir.Pos) -> E:
        s = self.res.lookup_selection(t, name)
        if s is None or s.kind != "method":
            raise Unsupported(n, f"method expression {name}")
        if s.method is not None:
            fn = s.method
            recv_t = t
            params = [T.Param(None, recv_t)] + list(fn.sig.params)
            sig = T.Signature(params, fn.sig.results, fn.sig.variadic)
            # (*T).M of a value method, or a promoted method: the call is typechecked
            # against the method itself, so its parameter tags apply positionally.
            if self.fn is not None:
                self.fn.refs.append(fn)
            return E("methexpr", sig, pos, func=fn, value=name, extra={"recv": recv_t})
        assert s.iface_sig is not None
        sig = T.Signature([T.Param(None, t)] + list(s.iface_sig.params), s.iface_sig.results,
                          s.iface_sig.variadic)
        return E("methexpr", sig, pos, value=name, extra={"recv": t})

    def _walk_path(self, x: E, s: Any, pos: ir.Pos) -> E:
        for fld, _ in s.path:
            if T.is_pointer(x.type):
                x = E("dotptr", fld.type, pos, [x], value=fld.name, implicit=True)
            else:
                x = E("dot", fld.type, pos, [x], value=fld.name, implicit=True)
        return x

    def select(self, x: E, sel: str, pos: ir.Pos, n: Node | None) -> E:
        s = self.res.lookup_selection(x.type, sel)
        if s is None:
            if x.type is T.INVALID:
                # an opaque type: its method may take the operand's address
                if x.op in ("name", "dot", "dotptr", "index", "deref") and not (
                        x.op == "name" and x.var is not None and x.var.cls == ir.FUNC):
                    self._mark_addr(x)
                    x = E("addr", T.Pointer(x.type), x.pos, [x], implicit=True)
                return E("unknown", T.INVALID, pos, [x], value=Unknown(sel, ""))
            raise Unsupported(n, f"selector {sel} of {x.type}")
        base = self._walk_path(x, s, pos)
        if s.kind == "field":
            assert s.field is not None
            if T.is_pointer(base.type):
                return E("dotptr", s.field.type, pos, [base], value=sel)
            return E("dot", s.field.type, pos, [base], value=sel)
        if s.method is not None:
            recv = self._adjust_recv(base, s.ptr_recv, pos)
            fn = s.method
            if self.fn is not None:
                self.fn.refs.append(fn)
            return E("methvalue", fn.sig, pos, [recv], value=sel, func=fn)
        assert s.iface_sig is not None
        if isinstance(base.type, T.Named) and base.type.bound is not None:
            # a type parameter's method: called at once, or a closure the compiler makes
            # and never reports
            return E("methvalue", s.iface_sig, pos, [base], value=sel,
                     extra={"iface": True, "hidden": True})
        if T.is_pointer(base.type):
            base = E("deref", base.type.underlying().elem, pos, [base], implicit=True)
        return E("methvalue", s.iface_sig, pos, [base], value=sel, extra={"iface": True})

    def _adjust_recv(self, recv: E, ptr_recv: bool, pos: ir.Pos) -> E:
        is_ptr = T.is_pointer(recv.type) and not (isinstance(recv.type, T.Named)
                                                  and recv.type.methods)
        if ptr_recv and not is_ptr:
            self._mark_addr(recv)
            return E("addr", T.Pointer(recv.type), pos, [recv], implicit=True,
                     extra={"syn": recv.extra.get("syn")})
        if not ptr_recv and is_ptr:
            return E("deref", recv.type.underlying().elem, pos, [recv],  # type: ignore
                     implicit=True, extra={"syn": recv.extra.get("syn")})
        return recv

    def _mark_addr(self, x: E) -> None:
        while x.op in ("dot", "index") and x.args and (
                x.op == "dot" or isinstance(x.args[0].type.underlying(), T.Array)):
            x = x.args[0]
        if x.op == "name" and x.var is not None:
            x.var.addrtaken = True

    # ---- index, slice, assertion

    def _x_index_expression(self, n: Node) -> E:
        pos = self.anchor(n)
        x = self.expr(n.child_by_field_name("operand"))
        idx = n.child_by_field_name("index")
        if _generic_func(x) is not None and idx.type in _TYPE_NODES:
            # `reflect.TypeFor[map[string]any]`: a type argument the grammar reads as an index
            return self._explicit(x, [self.res.resolve_type(idx, self.scope)])
        return self._index(x, self.expr(idx), pos, n)

    def _index(self, x: E, raw_i: E, pos: ir.Pos, n: Node) -> E:
        generic = _generic_func(x) is not None
        if generic and raw_i.op == "type":
            return self._explicit(x, [raw_i.type])
        if x.op == "type" and raw_i.op == "type" and isinstance(x.type, T.Named):
            return E("type", self.res.instantiate(x.type, [raw_i.type]), x.pos)
        if x.op == "type" or generic:
            raise Unsupported(n, "generic instantiation")
        u = x.type.underlying()
        if isinstance(u, T.Map):
            i = self.assign_conv(raw_i, u.key)
            return E("indexmap", u.elem, pos, [x, i])
        i = self.assign_conv(raw_i, T.INT_T)
        if isinstance(u, T.Pointer) and isinstance(u.elem.underlying(), T.Array):
            x = E("deref", u.elem, pos, [x], implicit=True, extra={"syn": x.extra.get("syn")})
            u = u.elem.underlying()
        if isinstance(u, T.Array):
            e = E("index", u.elem, pos, [x, i])
        elif isinstance(u, T.Slice):
            e = E("index", u.elem, pos, [x, i])
        elif isinstance(u, T.Basic) and u.kind == T.STRING:
            if x.op == "lit" and i.op == "lit" and isinstance(x.value, bytes) and \
                    0 <= i.value < len(x.value):
                return E("lit", T.BYTE_T, pos, value=x.value[i.value])
            e = E("index", T.BYTE_T, pos, [x, i])
        else:
            e = E("index", T.INVALID, pos, [x, i])
        return e

    def _x_slice_expression(self, n: Node) -> E:
        pos = self.anchor(n)
        x = self.expr(n.child_by_field_name("operand"))
        parts = []
        for f in ("start", "end", "capacity"):
            c = n.child_by_field_name(f)
            parts.append(self.assign_conv(self.expr(c), T.INT_T) if c is not None else None)
        u = x.type.underlying()
        three = n.child_by_field_name("capacity") is not None
        if isinstance(u, T.Array):
            self._mark_addr(x)
            x = E("addr", T.Pointer(x.type), pos, [x], implicit=True,
                  extra={"syn": x.extra.get("syn")})
            t: T.Type = T.Slice(u.elem)
        elif isinstance(u, T.Pointer) and isinstance(u.elem.underlying(), T.Array):
            t = T.Slice(u.elem.underlying().elem)  # type: ignore[attr-defined]
        elif isinstance(u, T.Basic) and u.kind == T.STRING:
            t = x.type if not T.is_untyped(x.type) else T.STRING_T
            if x.op == "lit":
                x = self.convert_const(x, T.STRING_T)
        else:
            t = x.type
        return E("slice", t, pos, [x] + [p if p is not None else E("none", T.INVALID, pos)
                                         for p in parts], extra={"three": three})

    def _x_type_assertion_expression(self, n: Node) -> E:
        pos = self.anchor(n)
        x = self.expr(n.child_by_field_name("operand"))
        t = self.res.resolve_type(n.child_by_field_name("type"), self.scope)
        return E("dottype", t, pos, [x])

    # ---- unary and binary

    def _x_unary_expression(self, n: Node) -> E:
        opn = n.child_by_field_name("operator")
        op = _UNOPS[text(opn)]
        pos = self.p(opn)
        operand = n.child_by_field_name("operand")
        if op == "addr" and operand.type == "composite_literal":
            lit = self.expr(operand)
            return E("ptrlit", T.Pointer(lit.type), pos, [lit])
        if op == "addr" and operand.type == "parenthesized_expression":
            inner = operand
            while inner.type == "parenthesized_expression":
                inner = named_children(inner)[0]
            if inner.type == "composite_literal":
                lit = self.expr(inner)
                return E("ptrlit", T.Pointer(lit.type), pos, [lit])
        x = self.expr(operand)
        if op == "addr":
            self._mark_addr(x)
            return E("addr", T.Pointer(x.type), pos, [x])
        if op == "deref":
            if x.op == "type":
                return E("type", T.Pointer(x.type), pos)
            u = x.type.underlying()
            return E("deref", u.elem if isinstance(u, T.Pointer) else T.INVALID, pos, [x])
        if op == "recv":
            u = x.type.underlying()
            return E("recv", u.elem if isinstance(u, T.Chan) else T.INVALID, pos, [x])
        if x.op == "lit":
            v = x.value
            try:
                if op == "neg":
                    v = -v
                elif op == "not":
                    v = not v
                elif op == "bitnot":
                    u = x.type.underlying()
                    if isinstance(u, T.Basic) and not u.signed and not u.untyped:
                        v = v ^ ((1 << (u.size * 8)) - 1)
                    else:
                        v = ~v
            except TypeError:
                pass
            return E("lit", x.type, pos, value=v)
        return E(op, x.type, pos, [x])

    def _x_binary_expression(self, n: Node) -> E:
        opn = n.child_by_field_name("operator")
        op = _BINOPS[text(opn)]
        pos = self.p(opn)
        x = self.expr(n.child_by_field_name("left"))
        y = self.expr(n.child_by_field_name("right"))
        return self.binary(op, x, y, pos)

    def binary(self, op: str, x: E, y: E, pos: ir.Pos) -> E:
        if op in ("lsh", "rsh"):
            if x.op == "lit" and y.op == "lit":
                try:
                    v = x.value << int(y.value) if op == "lsh" else x.value >> int(y.value)
                except (TypeError, ValueError, OverflowError):
                    v = 0
                t = x.type
                if t is T.UNTYPED_FLOAT:
                    t = T.UNTYPED_INT
                return E("lit", t, pos, value=v)
            if T.is_untyped(y.type):
                y = self.convert_const(y, T.UINT_T) if y.op == "lit" else y
            if T.is_untyped(x.type) and x.op == "lit":
                x = self.convert_const(x, T.INT_T)
            return E(op, x.type, pos, [x, y])
        # operand type unification
        if T.is_untyped(x.type) and not T.is_untyped(y.type):
            x = self.assign_conv(x, y.type) if not T.is_interface(y.type) else \
                self.assign_conv(x, y.type)
        elif T.is_untyped(y.type) and not T.is_untyped(x.type):
            y = self.assign_conv(y, x.type)
        elif op in _CMP and T.is_interface(x.type) != T.is_interface(y.type) and \
                x.op != "nil" and y.op != "nil":
            if T.is_interface(x.type):
                y = self.to_iface(y, x.type, implicit=True)
            else:
                x = self.to_iface(x, y.type, implicit=True)
        if x.op == "lit" and y.op == "lit":
            return self._fold_binary(op, x, y, pos)
        if op in _CMP:
            return E(op, T.UNTYPED_BOOL, pos, [x, y])
        if op in ("andand", "oror"):
            return E(op, x.type if not T.is_untyped(x.type) else y.type, pos, [x, y])
        t = x.type if not T.is_untyped(x.type) else y.type
        if op == "add" and T.is_string(t):
            items = []
            for side in (x, y):
                if side.op == "addstr" and not side.extra.get("paren"):
                    items.extend(side.args)
                else:
                    items.append(side)
            return E("addstr", t, pos, items)
        return E(op, t, pos, [x, y])

    def _fold_binary(self, op: str, x: E, y: E, pos: ir.Pos) -> E:
        a, b = x.value, y.value
        # result type: typed wins; among untyped, the "larger" kind
        order = [T.UNTYPED_INT, T.UNTYPED_RUNE, T.UNTYPED_FLOAT, T.UNTYPED_COMPLEX]
        if not T.is_untyped(x.type):
            t = x.type
        elif not T.is_untyped(y.type):
            t = y.type
        elif x.type in order and y.type in order:
            t = max(x.type, y.type, key=order.index)
        else:
            t = x.type
        try:
            if isinstance(a, complex) or isinstance(b, complex):
                a, b = complex(a), complex(b)
            elif isinstance(a, Fraction) or isinstance(b, Fraction):
                if not isinstance(a, bool) and not isinstance(b, bool):
                    a, b = Fraction(a), Fraction(b)
            if op in _CMP:
                v = {"eq": a == b, "ne": a != b, "lt": a < b, "le": a <= b, "gt": a > b,
                     "ge": a >= b}[op]
                return E("lit", T.UNTYPED_BOOL, pos, value=v)
            if op == "andand":
                return E("lit", t, pos, value=bool(a and b))
            if op == "oror":
                return E("lit", t, pos, value=bool(a or b))
            if op == "add":
                v = a + b
            elif op == "sub":
                v = a - b
            elif op == "mul":
                v = a * b
            elif op == "div":
                u = t.underlying()
                if isinstance(a, int) and isinstance(b, int) and (
                        not isinstance(u, T.Basic) or u.kind == T.INT):
                    q = abs(a) // abs(b)
                    v = q if (a >= 0) == (b >= 0) else -q
                else:
                    v = Fraction(a) / Fraction(b) if not isinstance(a, complex) else a / b
                    if t in (T.UNTYPED_INT, T.UNTYPED_RUNE):
                        t = T.UNTYPED_FLOAT
            elif op == "mod":
                r = abs(a) % abs(b)
                v = r if a >= 0 else -r
            elif op == "and":
                v = a & b
            elif op == "or":
                v = a | b
            elif op == "xor":
                v = a ^ b
            elif op == "andnot":
                v = a & ~b
            else:
                v = 0
        except (ZeroDivisionError, TypeError, ValueError):
            return E(op, t, pos, [x, y])
        u = t.underlying()
        if isinstance(u, T.Basic) and not u.untyped and u.kind == T.INT and isinstance(v, int):
            bits = u.size * 8
            v &= (1 << bits) - 1
            if u.signed and v >= 1 << (bits - 1):
                v -= 1 << bits
        if isinstance(u, T.Basic) and not u.untyped and u.kind == T.FLOAT:
            v = self.convert_const(E("lit", t, pos, value=v), t).value
        return E("lit", t, pos, value=v)

    # ---- calls

    def _x_call_expression(self, n: Node) -> E:
        fnode = n.child_by_field_name("function")
        args_node = n.child_by_field_name("arguments")
        pos = self.p(args_node)
        targs = n.child_by_field_name("type_arguments")
        if targs is not None:
            if self._names_type(fnode):
                raise Unsupported(n, "generic function instantiation")
            f = self.expr(fnode)
            items = named_children(targs)
            if _generic_func(f) is not None:
                f = self._explicit(f, [self.res.resolve_type(a, self.scope) for a in items])
            else:
                # `fs[i](x)`: a call of an indexed function value
                if len(items) != 1:
                    raise Unsupported(n, "generic function instantiation")
                idx = items[0]
                while idx.type == "type_elem" and len(named_children(idx)) == 1:
                    idx = named_children(idx)[0]
                f = self._index(f, self.expr(idx), self.p(_anon(targs, "[") or n), n)
        else:
            saved, self._callee = self._callee, fnode
            try:
                f = self.expr(fnode)
            finally:
                self._callee = saved
        arg_nodes = [c for c in named_children(args_node)]
        ddd = any(c.type == "variadic_argument" for c in arg_nodes) or \
            _anon(args_node, "...") is not None
        return self._call(f, arg_nodes, pos, ddd, n)

    def _call(self, f: E, arg_nodes: list[Node], pos: ir.Pos, ddd: bool, n: Node) -> E:
        if f.op == "type":
            return self.conversion(f.type, arg_nodes[0], pos, n)
        if f.op == "builtin":
            return self.builtin(f.value, arg_nodes, pos, ddd, n)
        if f.op == "unknown":
            args = [self.assign_conv(self.expr(a if a.type != "variadic_argument"
                                               else named_children(a)[0]), None)
                    for a in arg_nodes]
            return E("call", T.INVALID, pos, args, value=f, ddd=ddd,
                     extra={"unknown": True})
        if f.op == "methvalue":
            return self._method_call(f, arg_nodes, pos, ddd)
        if f.op == "name" and f.var is not None and f.var.cls == ir.FUNC and \
                getattr(getattr(f.var.func, "owner_res", None), "path", None) == "unsafe":
            return self._unsafe_call(f.var.func, arg_nodes, pos)
        if _generic_func(f) is not None or f.op == "name" and f.extra.get("generic_decl"):
            return self._generic_call(f, arg_nodes, pos, ddd, n)
        sig = f.type.underlying()
        if not isinstance(sig, T.Signature):
            raise Unsupported(n, f"call of non-function {f.type}")
        init: list[ir.Stmt] = []
        if f.op in ("call", "callinter"):
            # a function value that a call returns is kept in a temporary, then called
            st, f = self.temp_of(f, pos)
            init.append(st)
        args = self.call_args(sig, arg_nodes, pos, ddd)
        callee = None
        if f.op == "name" and f.var is not None and f.var.cls == ir.FUNC:
            callee = f.var.func
        elif f.op == "closure":
            callee = f.func
        elif f.op == "methexpr":
            callee = f.func
        rule = _uintptr_rule(callee) if callee is not None else None
        if rule is not None:
            init += self._uintptr_args(args, rule)
        # once variadic arguments are packed, the call is a `...` call
        return E("call", self._result_type(sig), pos, args, value=f, func=callee,
                 ddd=ddd or sig.variadic, extra={"init": init} if init else {})

    def _uintptr_args(self, args: list[E], rule: str) -> list[ir.Stmt]:
        """Arguments `uintptr(unsafe.Pointer(p))` of a function that keeps them alive or
        lets them escape (`rule`): the pointer goes into a temporary first, which is
        kept alive (it counts as mutated) or escapes."""
        out: list[ir.Stmt] = []
        flat: list[E] = []
        for a in args:
            flat += a.args if a.op == "slicelit" and a.implicit else [a]  # packed ...
        for a in flat:
            if a.op in ("conv", "convnop") and a.args and T.is_basic(a.type, "uintptr") and \
                    T.is_unsafe_pointer(a.args[0].type):
                # the compiler makes this temporary during escape analysis
                st, a.args[0] = self.temp_of(a.args[0], a.args[0].pos, late=True)
                out.append(st)
                a.extra["uintptr_arg"] = rule
        return out

    def _unsafe_call(self, fn: ir.Func, arg_nodes: list[Node], pos: ir.Pos) -> E:
        """The `unsafe` package's functions, which the compiler builds in: Sizeof, Alignof
        and Offsetof are constants; Add, Slice and String carry their pointer operand to
        the result, as do StringData and SliceData their string or slice."""
        name = fn.name
        x = self.expr(arg_nodes[0])
        if name in ("Sizeof", "Alignof", "Offsetof"):
            if name == "Offsetof":
                v = self._offsetof(x)
            else:
                t = T.default_type(x.type)
                v = T.sizeof(t) if name == "Sizeof" else T.alignof(t)
            return E("lit", T.UINTPTR_T, pos, value=v)
        if name in ("Add", "Slice", "String"):
            n = self.expr(arg_nodes[1])
            if T.is_untyped(n.type):
                n = self.assign_conv(n, T.INT_T)
            if name == "Add":
                return E("unsafeadd", fn.sig.results[0].type, pos, [x, n])
            if name == "String":
                return E("unsafestring", T.STRING_T, pos, [x, n])
            u = x.type.underlying()
            elem = u.elem if isinstance(u, T.Pointer) else T.INVALID
            return E("unsafeslice", T.Slice(elem), pos, [x, n])
        if name == "StringData":
            if T.is_untyped(x.type):
                x = self.assign_conv(x, T.STRING_T)
            return E("unsafestringdata", T.Pointer(T.BYTE_T), pos, [x])
        u = x.type.underlying()
        elem = u.elem if isinstance(u, T.Slice) else T.INVALID
        return E("unsafeslicedata", T.Pointer(elem), pos, [x])

    def _offsetof(self, x: E) -> int:
        """unsafe.Offsetof(s.f): f's offset in s, through the embedded fields that
        promote it."""
        if x.op not in ("dot", "dotptr") or not x.args:
            return 0
        off = 0
        while x.op in ("dot", "dotptr") and x.args:
            base = x.args[0]
            t = base.type.underlying()
            if isinstance(t, T.Pointer):
                t = t.elem
            fld = next((f for f in getattr(t.underlying(), "fields", [])
                        if f.name == x.value), None)
            off += T.field_offset(t, fld) if fld is not None else 0
            if not (base.op in ("dot", "dotptr") and base.implicit):
                break
            x = base  # an embedded field the selector went through
        return off

    def _result_type(self, sig: T.Signature) -> T.Type:
        if len(sig.results) == 1:
            return sig.results[0].type
        return T.Tuple([r.type for r in sig.results])

    def _method_call(self, mv: E, arg_nodes: list[Node], pos: ir.Pos, ddd: bool) -> E:
        sig = mv.type
        assert isinstance(sig, T.Signature)
        args = self.call_args(sig, arg_nodes, pos, ddd)
        if mv.extra.get("iface") and isinstance(mv.args[0].type, T.Named) and \
                mv.args[0].type.bound is not None:
            return self._dict_method_call(mv, sig, args, pos, ddd)
        if mv.extra.get("iface"):
            recv = mv.args[0]
            init: list[ir.Stmt] = []
            if recv.op in ("call", "callinter"):
                # evaluated once, before the arguments, into a temporary
                st, recv = self.temp_of(recv, pos)
                init.append(st)
            dotinter = E("dotinter", sig, mv.pos, [recv], value=mv.value)
            return E("callinter", self._result_type(sig), pos, args, value=dotinter,
                     ddd=ddd or sig.variadic, extra={"init": init} if init else {})
        fn = mv.func
        assert fn is not None
        recv = mv.args[0]
        recv_t = recv.type
        gm = getattr(fn, "generic_origin", None)
        if gm is not None:
            targs = fn.targs  # type: ignore[attr-defined]
            inst = self.instance(gm, targs)
            shaped_recv = inst.sig.params[0].type if inst.sig.params else recv_t
            me = E("methexpr", inst.sig, mv.pos, func=inst, value=mv.value,
                   extra={"recv": shaped_recv})
            if self.fn is not None:
                self.fn.refs.append(inst)
            return E("call", self._result_type(sig), pos,
                     [recv, self.dict_arg(gm, targs, mv.pos)] + args, value=me, func=inst,
                     ddd=ddd or sig.variadic, extra={"method": True})
        fsig = T.Signature([T.Param(None, recv_t)] + list(sig.params), sig.results, sig.variadic)
        me = E("methexpr", fsig, mv.pos, func=fn, value=mv.value, extra={"recv": recv_t})
        return E("call", self._result_type(sig), pos, [recv] + args, value=me, func=fn,
                 ddd=ddd or sig.variadic, extra={"method": True})

    def _dict_method_call(self, mv: E, sig: T.Signature, args: list[E], pos: ir.Pos,
                          ddd: bool) -> E:
        """`x.M()` on a type parameter's value: a call of the method the dictionary holds,
        a function the analysis cannot see (its arguments leak)."""
        recv = mv.args[0]
        top = self.fn.outermost if self.fn is not None else None
        # the dictionary's method-expression words, numbered by first use in the function
        slots = self.generics.method_slots.setdefault(id(top), {})
        key = (T.link_string(recv.type), mv.value)
        slot = slots.setdefault(key, len(slots))
        fsig = T.Signature([T.Param(None, recv.type)] + list(sig.params), sig.results,
                           sig.variadic)
        from .printer import Printer
        text_ = f"({Printer(self.res.path).type(fsig)})(&.dict[{slot}])"
        if isinstance(recv.type.underlying(), T.Interface) and top is not None:
            # an interface-shaped receiver: the compiler warns when it reads the call
            top.notes.append((mv.pos, "imprecise interface call"))  # type: ignore[attr-defined]
        fe = E("unknown", T.INVALID, mv.pos, value=Unknown(mv.value, ""), extra={"text": text_})
        return E("call", self._result_type(sig), pos, [recv] + args, value=fe,
                 ddd=ddd or sig.variadic, extra={"unknown": True})

    def call_args(self, sig: T.Signature, arg_nodes: list[Node], pos: ir.Pos, ddd: bool,
                  raw: list[E] | None = None) -> list[E]:
        if raw is None:
            raw = []
            for a in arg_nodes:
                if a.type == "variadic_argument":
                    a = named_children(a)[0]
                raw.append(self.expr(a, multi=True))
        params = sig.params
        # f(g()) with a multi-value g
        if len(raw) == 1 and isinstance(raw[0].type, T.Tuple) and len(params) > 1 or (
                len(raw) == 1 and isinstance(raw[0].type, T.Tuple) and len(raw[0].type.types) > 1):
            call = raw[0]
            types = list(raw[0].type.types)  # type: ignore[attr-defined]
            tmps = [self.new_temp(t, pos) for t in types]
            st = self._multi_assign_stmt([E("name", v.type, pos, var=v) for v in tmps], call, pos)
            for v in tmps:
                v.defn_stmt = st  # type: ignore[attr-defined]
            raw = [E("name", v.type, pos, var=v) for v in tmps]
            multi_init = [st]
        else:
            multi_init = []
        out: list[E] = []
        nfixed = len(params) - 1 if sig.variadic else len(params)
        for i in range(min(nfixed, len(raw))):
            out.append(self.assign_conv(raw[i], params[i].type))
        if sig.variadic:
            st = params[-1].type
            if ddd:
                if len(raw) > nfixed:
                    out.append(self.assign_conv(raw[nfixed], st))
            else:
                extra = raw[nfixed:]
                if extra:
                    elem = st.elem if isinstance(st, T.Slice) else T.INVALID  # type: ignore
                    vals = [self.assign_conv(x, elem) for x in extra]
                    out.append(E("slicelit", st, pos, vals, implicit=True,
                                 extra={"len": len(vals)}))
                else:
                    out.append(E("nil", st, pos))
        if multi_init and out:
            # the multi-value call runs as the init of the first argument's expression
            first = out[0]
            if first.op == "slicelit" and first.implicit and first.args:
                first = first.args[0]
            if first.op == "name":
                wrapped = E("convnop", first.type, first.pos, [first], extra={"rewrite": True})
                if out[0] is first:
                    out[0] = wrapped
                else:
                    out[0].args[0] = wrapped
                first = wrapped
            first.extra["init"] = multi_init + list(first.extra.get("init") or [])
        return out

    def conversion(self, t: T.Type, arg: Node, pos: ir.Pos, n: Node) -> E:
        x = self.expr(arg)
        u = t.underlying()
        xu = x.type.underlying()
        if x.op == "lit" and not T.is_interface(t) and not isinstance(u, (T.Slice,)):
            if x.value is None:
                return E("lit", t, pos, value=None)
            e = self.convert_const(x, t)
            e.pos = pos
            e.extra["syn"] = pos
            return e
        if x.op == "nil":
            # an explicit T(nil) stays a conversion: it prints as `T(nil)` / `(T)(nil)`
            # and, unlike a plain nil, is a value an interface conversion boxes
            return E("convnop", t, pos, [E("nil", t, pos)], extra={"syn": pos})
        xpos = x.extra.get("syn", x.pos)
        if T.is_interface(t):
            if T.is_untyped(x.type):
                x = self.assign_conv(x, None)
            if T.is_interface(x.type) and T.identical(x.type, t):
                return E("convnop", t, xpos, [x], extra={"syn": pos})
            return E("conviface", t, xpos, [x], extra={"syn": pos})
        if T.is_string(t) and T.is_byte_slice(x.type):
            return E("bytes2str", t, xpos, [x], extra={"syn": pos})
        if T.is_string(t) and T.is_rune_slice(x.type):
            return E("runes2str", t, xpos, [x], extra={"syn": pos})
        if T.is_byte_slice(t) and T.is_string(x.type):
            if x.op == "lit":
                x = self.convert_const(x, T.STRING_T)
            return E("str2bytes", t, xpos, [x], extra={"syn": pos})
        if T.is_rune_slice(t) and T.is_string(x.type):
            if x.op == "lit":
                x = self.convert_const(x, T.STRING_T)
            return E("str2runes", t, xpos, [x], extra={"syn": pos})
        if T.is_string(t) and T.is_integer(x.type):
            return E("runestr", t, xpos, [x], extra={"syn": pos})
        if isinstance(u, T.Pointer) and isinstance(u.elem.underlying(), T.Array) and \
                isinstance(xu, T.Slice):
            return E("slice2arrptr", t, xpos, [x], extra={"syn": pos})
        if isinstance(u, T.Array) and isinstance(xu, T.Slice):
            return E("slice2arr", t, xpos, [x], extra={"syn": pos})
        if T.is_untyped(x.type):
            x = self.assign_conv(x, None)
        same = T.identical(u, xu)
        return E("convnop" if same else "conv", t, xpos, [x], extra={"syn": pos})

    def builtin(self, name: str, arg_nodes: list[Node], pos: ir.Pos, ddd: bool, n: Node) -> E:
        if name in ("new", "make"):
            t = self.res.resolve_type(arg_nodes[0], self.scope)
            if name == "new":
                a0 = arg_nodes[0]
                if (a0.type not in _TYPE_NODES and not self._is_type_expr(a0)) or (
                        a0.type in ("type_identifier", "pointer_type", "qualified_type",
                                    "parenthesized_type") and not self._names_type(a0)):
                    return self._new_value(a0, pos)
                return E("new", T.Pointer(t), pos, value=t)
            rest = [self.assign_conv(self.expr(a), T.INT_T) for a in arg_nodes[1:]]
            u = t.underlying()
            if isinstance(u, T.Slice):
                return E("makeslice", t, pos, rest)
            if isinstance(u, T.Map):
                return E("makemap", t, pos, rest)
            return E("makechan", t, pos, rest)
        args = [self.expr(a if a.type != "variadic_argument" else named_children(a)[0])
                for a in arg_nodes]
        if name == "len" or name == "cap":
            x = args[0]
            xu = x.type.underlying()
            if isinstance(xu, T.Pointer):
                xu = xu.elem.underlying()
            if x.op == "lit" and isinstance(x.value, bytes) and name == "len":
                return E("lit", T.INT_T, pos, value=len(x.value))
            if isinstance(xu, T.Array) and not _has_call_or_recv(x):
                return E("lit", T.INT_T, pos, value=xu.length)
            return E(name, T.INT_T, pos, [x])
        if name == "append":
            s = args[0]
            st = s.type
            elem = st.underlying().elem if isinstance(st.underlying(), T.Slice) else T.INVALID
            rest = args[1:]
            if ddd:
                if rest and T.is_untyped(rest[0].type):
                    rest = [self.assign_conv(rest[0], T.STRING_T)]
            else:
                rest = [self.assign_conv(a, elem) for a in rest]
            if s.op == "nil":
                s = E("nil", st, s.pos)
            return E("append", st, pos, [s] + rest, ddd=ddd)
        if name == "copy":
            y = args[1]
            if T.is_untyped(y.type):
                y = self.assign_conv(y, T.STRING_T)
            return E("copy", T.INT_T, pos, [args[0], y])
        if name == "delete":
            mt = args[0].type.underlying()
            k = self.assign_conv(args[1], mt.key if isinstance(mt, T.Map) else None)
            return E("delete", T.Tuple([]), pos, [args[0], k])
        if name == "panic":
            return E("panic", T.Tuple([]), pos, [self.assign_conv(args[0], T.ANY_T)])
        if name in ("print", "println"):
            return E(name, T.Tuple([]), pos, [self.assign_conv(a, None) for a in args])
        if name == "recover":
            return E("recover", T.ANY_T, pos, [])
        if name in ("min", "max"):
            if all(a.op == "lit" for a in args):
                best = args[0]
                for a in args[1:]:
                    try:
                        if (a.value < best.value) if name == "min" else (a.value > best.value):
                            best = a
                    except TypeError:
                        pass
                t = next((a.type for a in args if not T.is_untyped(a.type)), best.type)
                return E("lit", t, pos, value=best.value)
            t = next((a.type for a in args if not T.is_untyped(a.type)), args[0].type)
            return E(name, t, pos, [self.assign_conv(a, t) for a in args])
        if name in ("clear", "close"):
            return E(name, T.Tuple([]), pos, [args[0]])
        if name == "complex":
            return E("complex", T.COMPLEX128_T, pos, [self.assign_conv(a, None) for a in args])
        if name in ("real", "imag"):
            return E(name, T.FLOAT64_T, pos, [args[0]])
        raise Unsupported(n, f"builtin {name}")

    def _new_value(self, arg: Node, pos: ir.Pos) -> E:
        """Go 1.26 `new(v)`: a temporary initialized to v, and its address."""
        while arg.type == "parenthesized_type" and named_children(arg):
            arg = named_children(arg)[0]  # `new((s))` parsed as a type
        v = self.assign_conv(self.expr(arg), None)
        tmp = self.new_temp(v.type, pos)
        tmp.addrtaken = True
        tmp.print_temp = True  # type: ignore[attr-defined]
        st = ir.Stmt("as", pos, lhs=[E("name", v.type, pos, var=tmp)], rhs=[v],
                     decl_vars=[tmp])
        tmp.defn_stmt = st  # type: ignore[attr-defined]
        return E("addr", T.Pointer(v.type), pos, [E("name", v.type, pos, var=tmp)],
                 extra={"init": [st]})

    def _is_type_expr(self, n: Node) -> bool:
        if n.type in ("identifier", "type_identifier"):
            return isinstance(self.scope.lookup(text(n)), TypeName)
        if n.type == "selector_expression":
            return True
        if n.type == "unary_expression":
            return self._is_type_expr(n.child_by_field_name("operand"))
        if n.type == "parenthesized_expression":
            return self._is_type_expr(named_children(n)[0])
        return False


_TYPE_NODES = {"type_identifier", "pointer_type", "slice_type", "array_type", "map_type",
               "channel_type", "function_type", "struct_type", "interface_type",
               "qualified_type", "parenthesized_type", "generic_type"}


def _generic_func(e: E) -> ir.Func | None:
    """The generic function an expression names (not yet instantiated), if it does."""
    if e.op == "name" and e.var is not None and e.var.cls == ir.FUNC and \
            getattr(e.var.func, "extra_generic", False):
        return e.var.func
    return None


def _empty_iface(t: T.Type) -> bool:
    u = t.underlying()
    return isinstance(u, T.Interface) and not u.all_methods() and not u.union


def _concrete_instances(res: Resolver) -> list[T.Named]:
    """Instances of the package's generic types whose type arguments are all known."""
    out = []
    for obj in list(res.scope.names.values()):
        gen = getattr(obj.type, "generic", None) if isinstance(obj, TypeName) else None
        for inst in list(gen.instances.values()) if gen is not None else []:
            if not any(T.has_tparam(t) for t in inst.targs):
                inst.underlying()  # its fields may instantiate more types
                out.append(inst)
    return out


def _declared_types(fn: ir.Func) -> list[T.Type]:
    """The types of a function's parameters, results and declared variables."""
    out = [v.type for v in fn.params + fn.results]
    for st in ir.walk_stmts(fn.body or []):
        out += [v.type for v in st.decl_vars]
    return out


def _reached_instances(roots: list[T.Type], home: str,
                       std_reach: Callable[[str], frozenset[str] | None],
                       written: set[str] | None = None) -> list[T.Named]:
    """Instances of generic types that the given types reach through their structure and
    their methods' signatures: the compiler reads a type with all of that, and compiles
    every method of each instance whose type arguments are known (concrete, or shapes
    and types made of them, met in instantiated code). For a standard-library type,
    only the parts its package's data lists as leading to an instance (`reach.tsv`) are
    looked at.

    An instance met inside the structure of one of its own shape-containing type
    arguments (`entry[go.shape.int]` has a field `atomic.Pointer[entry[go.shape.int]]`)
    is instantiated while that argument is still incomplete: the compiler cannot shape
    it, and compiles the methods under the instance's own name too. Their names go into
    `written`."""
    out: list[T.Named] = []
    seen: set[int] = set()
    stack: list[tuple[T.Type, T.Named | None]] = [(r, None) for r in roots]
    while stack:
        t, inside = stack.pop()
        if written is not None and inside is not None and isinstance(t, T.Named) and \
                any(a is inside for a in t.targs) and T.has_shape(inside):
            written.add(T.link_string(t))
        if id(t) in seen:
            continue
        seen.add(id(t))
        if isinstance(t, T.Named):
            if t.pkg_path in ("", "go.shape"):
                continue
            gen = getattr(t.origin, "generic", None) if t.origin is not None else None
            if gen is not None and t.targs and not any(T.has_tparam(a) for a in t.targs) \
                    and (written is not None or not any(T.has_shape(a) for a in t.targs)):
                out.append(t)
            table = std_reach(t.pkg_path) if gen is None and t.pkg_path != home else None
            if table is not None:
                if t.name in table:
                    stack.append((t.underlying(), t))
                names = [n for n in t.methods if f"{t.name}.{n}" in table]
            else:
                stack.append((t.underlying(), t))
                names = list(gen.named.methods if gen is not None else t.methods)
            for name in names:
                m = t.methods.get(name)
                if isinstance(m, ir.Func):
                    owner = getattr(m, "owner_res", None)
                    if owner is not None:
                        owner.ensure_sig(m)
                    stack.append((m.sig, None))
            continue
        if isinstance(t, (T.Pointer, T.Slice, T.Array, T.Chan)):
            nxt = [t.elem]
        elif isinstance(t, T.Map):
            nxt = [t.key, t.elem]
        elif isinstance(t, T.Signature):
            nxt = [p.type for p in t.params] + [p.type for p in t.results]
        elif isinstance(t, T.Struct):
            nxt = [f.type for f in t.fields]
        elif isinstance(t, T.Interface):
            nxt = list(t.all_methods().values())
        else:
            nxt = []
        stack += [(x, inside) for x in nxt]
    return out


class Instances:
    """Shaped instantiations made while lowering one package, and their dictionaries."""

    def __init__(self) -> None:
        self.funcs: dict[tuple[int, tuple[str, ...]], ir.Func] = {}
        self.queue: list[ir.Func] = []
        self.dicts: dict[str, ir.Var] = {}
        self.method_slots: dict[int, dict[tuple[str, str], int]] = {}
        self.layouts: dict[tuple[int, ...], Any] = {}  # dictionary layouts (dicts.py)
        self.call_sigs: dict[tuple, T.Signature] = {}  # generic calls' signatures
        # concrete instantiations whose dictionary the code references: (generic, targs)
        self.concrete: list[tuple[ir.Func, list[T.Type]]] = []
        self.dict_types: list[T.Named] = []  # the generic types those dictionaries name
        # concrete instances whose methods were compiled: the compiler also reads each one's
        # shaped counterpart (and so makes the wrappers of its interface shapes)
        self.read_instances: list[T.Named] = []
        # methods of generic types the package does not compile, lowered only because
        # their bodies count in the type's dictionary (see `Lowerer.layout_sibling`)
        self.layout_only: dict[tuple[int, tuple[str, ...]], ir.Func] = {}
        self.layout_lowered: set[int] = set()
        self.lower_sibling: Callable[[ir.Func, list[T.Type]], ir.Func] | None = None


_SHAPES: dict[str, T.Named] = {}
_MAX_SHAPE_LEN = 500
_MAX_INSTANCE_ROUNDS = 64


def forget_shapes() -> None:
    """Start a package with no shapes: a shape's underlying type is made of the types
    of the resolvers it was made with, which may be gone."""
    _SHAPES.clear()


def _uintptr_rule(fn: ir.Func) -> str | None:
    """What a call does with the pointers its uintptr arguments were converted from:
    "escapes" (`//go:uintptrescapes`), "keepalive" (`//go:uintptrkeepalive`, or a local
    declaration without a body), or nothing special (None). An imported function's
    rule is its directives'."""
    rec = getattr(fn, "std_record", None)
    if rec is not None:
        if isinstance(rec, str):
            if "uintptr" not in rec:  # the JSON text: decode only what may matter
                return None
            rec = json.loads(rec)
        pragmas = rec.get("pragmas") or []
        if "go:uintptrescapes" in pragmas:
            return "escapes"
        return "keepalive" if "go:uintptrkeepalive" in pragmas else None
    if getattr(fn, "uintptr_escapes", False):
        return "escapes"
    return "keepalive" if getattr(fn, "uintptr_keepalive", False) else None


_NOT_CONSTANT = frozenset({"call_expression", "func_literal", "index_expression",
                           "slice_expression", "composite_literal",
                           "type_assertion_expression"})


def shapify(t: T.Type, basic: bool) -> T.Type:
    """The shape a type argument is compiled with: its underlying type, or `*uint8` for a
    pointer under a methods-only constraint, named `go.shape.<link string>`."""
    if T.is_shape(t):
        return t
    under = t.underlying()
    if basic and isinstance(under, T.Pointer):
        under = T.Pointer(T.UINT8_T)
    name = T.link_string(under)
    if len(name) > _MAX_SHAPE_LEN:
        # the compiler hashes long shape names (its -d=maxshapelen, 500 by default)
        digest = bytearray(hashlib.sha256(name.encode()).digest())
        digest[0] ^= 0xFF
        name = digest.hex()
    sh = _SHAPES.get(name)
    if sh is None:
        sh = T.Named(name, "go.shape", "go.shape", under)
        _SHAPES[name] = sh
    return sh


def unify(p: T.Type, a: T.Type, b: dict[int, T.Type], _depth: int = 0) -> None:
    """Bind the type parameters in p by matching it against the argument type a."""
    if _depth > 30:
        return
    d = _depth + 1
    if isinstance(p, T.TypeParam):
        if p.index not in b and not isinstance(a, T.Tuple):
            b[p.index] = a
        return
    if isinstance(p, T.Named):
        if p.origin is not None and isinstance(a, T.Named) and a.origin is p.origin:
            for x, y in zip(p.targs, a.targs):
                unify(x, y, b, d)
        elif p.origin is not None and not isinstance(a, T.Named):
            # inexact unification: `iter.Seq[T]` against a function literal's type
            unify(p.underlying(), a, b, d)
        return
    if isinstance(a, T.Named):
        a = a.underlying()
    if isinstance(p, (T.Pointer, T.Slice)) and type(a) is type(p):
        unify(p.elem, a.elem, b, d)  # type: ignore[attr-defined]
    elif isinstance(p, T.Array) and isinstance(a, T.Array):
        unify(p.elem, a.elem, b, d)
    elif isinstance(p, T.Chan) and isinstance(a, T.Chan):
        unify(p.elem, a.elem, b, d)
    elif isinstance(p, T.Map) and isinstance(a, T.Map):
        unify(p.key, a.key, b, d)
        unify(p.elem, a.elem, b, d)
    elif isinstance(p, T.Signature) and isinstance(a, T.Signature):
        for x, y in zip(p.params, a.params):
            unify(x.type, y.type, b, d)
        for x, y in zip(p.results, a.results):
            unify(x.type, y.type, b, d)


def subst(t: T.Type, b: dict[int, T.Type], _depth: int = 0) -> T.Type | None:
    """t with bound type parameters replaced; None while one is still unbound."""
    if _depth > 30:
        return None
    d = _depth + 1
    if isinstance(t, T.TypeParam):
        return b.get(t.index)
    if isinstance(t, T.Pointer):
        e = subst(t.elem, b, d)
        return T.Pointer(e) if e is not None else None
    if isinstance(t, T.Slice):
        e = subst(t.elem, b, d)
        return T.Slice(e) if e is not None else None
    if isinstance(t, T.Array):
        e = subst(t.elem, b, d)
        return T.Array(t.length, e) if e is not None else None
    if isinstance(t, T.Chan):
        e = subst(t.elem, b, d)
        return T.Chan(e, t.dir) if e is not None else None
    if isinstance(t, T.Map):
        k, e = subst(t.key, b, d), subst(t.elem, b, d)
        return T.Map(k, e) if k is not None and e is not None else None
    if isinstance(t, T.Signature):
        ps = [subst(p.type, b, d) for p in t.params]
        rs = [subst(r.type, b, d) for r in t.results]
        if any(x is None for x in ps + rs):
            return None
        return T.Signature([T.Param(p.name, x) for p, x in zip(t.params, ps)],  # type: ignore[arg-type]
                           [T.Param(r.name, x) for r, x in zip(t.results, rs)],  # type: ignore[arg-type]
                           t.variadic)
    if isinstance(t, T.Named) and t.origin is not None and any(
            isinstance(x, T.TypeParam) for x in t.targs):
        return None
    return t


def _core_pass(tps: list[T.TypeParam], b: dict[int, T.Type]) -> None:
    """Constraint type inference: `S ~[]E` binds E from S, or S from E."""
    changed = True
    rounds = 0
    while changed and rounds < 10:
        changed = False
        rounds += 1
        for tp in tps:
            if tp.core is None:
                continue
            before = len(b)
            if tp.index in b:
                unify(tp.core, b[tp.index].underlying(), b)
            else:
                t = subst(tp.core, b)
                if t is not None:
                    b[tp.index] = t
            changed = changed or len(b) != before


def terminates(st: ir.Stmt) -> bool:
    """Does a (lowered) statement end normal control flow? (the front end's rule)

    Iterative and memoized on the statement (`extra["terminates"]`): stmt_list asks it of
    every statement, and a nest of 10,000 blocks must not cost 10,000² steps."""
    pending: list[ir.Stmt] = [st]
    while pending:
        s = pending[-1]
        if "terminates" in s.extra:
            pending.pop()
            continue
        if s.op in ("return", "goto"):
            r: bool | None = True
        elif s.op == "expr":
            r = bool(s.rhs) and s.rhs[0].op == "panic"
        elif s.op in ("if", "block"):
            if not s.body or (s.op == "if" and not s.els):
                r = False
            else:
                kids = [s.body[-1]] + ([s.els[-1]] if s.op == "if" else [])
                todo = [k for k in kids if "terminates" not in k.extra]
                if todo:
                    pending.extend(todo)
                    continue
                r = all(k.extra["terminates"] for k in kids)
        else:
            r = False
        s.extra["terminates"] = r
        pending.pop()
    return bool(st.extra["terminates"])


def static_bool(e: E) -> tuple[int, E]:
    """Is a condition always true (+1), always false (-1) or unknown (0)?

    Mirrors the compiler's front end, which also simplifies `&&`/`||` chains whose
    outcome is decided by a constant operand.
    """
    if e.op == "lit" and isinstance(e.value, bool):
        return (1 if e.value else -1), e
    if e.op == "not":
        return static_bool(e.args[0])[0], e
    if e.op == "andand":
        x, xe = static_bool(e.args[0])
        if x < 0:
            return x, xe
        y, ye = static_bool(e.args[1])
        if x > 0 or y < 0:
            return y, (ye if e.args[0].op == "lit" else e)
    if e.op == "oror":
        x, xe = static_bool(e.args[0])
        if x > 0:
            return x, xe
        y, ye = static_bool(e.args[1])
        if x < 0 or y > 0:
            return y, (ye if e.args[0].op == "lit" else e)
    return 0, e


def _key(n: Node) -> tuple[int, int, str]:
    return (n.start_byte, n.end_byte, n.type)


def _has_call_or_recv(e: E) -> bool:
    if e.op in ("call", "callinter", "recv"):
        return True
    return any(_has_call_or_recv(a) for a in e.args)


class _RuneBytes(bytes):
    rune_value: int | None = None


def _unescape(raw: bytes, rune: bool = False) -> bytes:
    out = bytearray()
    i = 0
    value: int | None = None
    while i < len(raw):
        c = raw[i]
        if c != 0x5C:  # backslash
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= len(raw):
            break
        c = raw[i]
        simple = {ord("a"): 7, ord("b"): 8, ord("f"): 12, ord("n"): 10, ord("r"): 13,
                  ord("t"): 9, ord("v"): 11, ord("\\"): 92, ord("'"): 39, ord('"'): 34}
        if c in simple:
            out.append(simple[c])
            i += 1
        elif c == ord("x"):
            b = int(raw[i + 1:i + 3], 16)
            out.append(b)
            value = b
            i += 3
        elif c in (ord("u"), ord("U")):
            ln = 4 if c == ord("u") else 8
            cp = int(raw[i + 1:i + 1 + ln], 16)
            value = cp
            try:
                out.extend(chr(cp).encode("utf-8"))
            except (ValueError, UnicodeEncodeError):
                out.extend("\ufffd".encode())
            i += 1 + ln
        elif ord("0") <= c <= ord("7"):
            b = int(raw[i:i + 3], 8)
            out.append(b & 0xFF)
            value = b
            i += 3
        else:
            out.append(c)
            i += 1
    res = _RuneBytes(bytes(out))
    if rune and value is not None and raw[:1] == b"\\":
        res.rune_value = value
    return res


# ---------------------------------------------------------------- Go 1.22 loop variables

def _escaping_ref(v: ir.Var, stmts: list[ir.Stmt]) -> bool:
    """Does the loop body take v's address or capture v in a closure (outside a return
    statement, whose values leave every loop anyway)?"""
    for s in stmts:
        if s.op == "return":
            continue
        exprs: list[E] = [*(x for x in s.lhs if x is not None), *s.rhs]
        if s.cond is not None:
            exprs.append(s.cond)
        for c in s.cases:
            exprs += c.exprs
        for e in ir.iter_exprs([ir.Stmt("expr", s.pos, rhs=exprs)]):
            if e.op == "closure" and e.func is not None and v in e.func.closure_vars:
                return True
            if e.op == "addr" and e.args:
                x = e.args[0]
                while x.op in ("dot", "index") and x.args and (
                        x.op == "dot" or isinstance(x.args[0].type.underlying(), T.Array)):
                    x = x.args[0]
                if x.op == "name" and x.var is v:
                    return True
        kids = ir.stmt_children(s)
        if _escaping_ref(v, kids):
            return True
    return False


def _per_iteration_copies(fn: ir.Func) -> None:
    """The compiler's rewrite of `for k, v := range x` when the body lets k or v escape
    its iteration (address taken, captured by a closure): the loop assigns a temporary,
    and the body starts with `v := temp`. Inner loops first, key before value."""

    def visit(stmts: list[ir.Stmt]) -> None:
        for s in stmts:
            visit(s.init)
            visit(s.body)
            visit(s.els)
            for c in s.cases:
                visit(c.body)
            if s.op != "range" or not s.decl_vars:
                continue
            for i, x in enumerate(s.lhs):
                v = x.var if x is not None and x.op == "name" else None
                if v is None or v not in s.decl_vars or not _escaping_ref(v, s.body):
                    continue
                pos = s.extra.get("note_pos", s.pos)
                tmp = fn.add_temp(ir.Var("", v.type, pos, ir.LOCAL, fn=fn))
                tmp.loopvar = True  # type: ignore[attr-defined]
                tmp.defn_stmt = s  # type: ignore[attr-defined]
                s.lhs[i] = E("name", v.type, x.pos, var=tmp)  # type: ignore[union-attr]
                s.decl_vars.remove(v)
                copy = ir.Stmt("as", pos, lhs=[E("name", v.type, v.pos, var=v)],
                               rhs=[E("name", v.type, pos, var=tmp)], decl_vars=[v])
                # v keeps the range statement as its definition: the copy counts as an
                # assignment, as every iteration's does
                s.body.insert(0, copy)

    visit(fn.body or [])


# Lowerer.expr's dispatch: node type -> the `_x_<node type>` method (one dict lookup
# instead of building the name and looking it up on the instance for every expression).
_EXPR_LOWERERS: dict[str, Callable[..., E]] = {
    name[3:]: f for name, f in vars(Lowerer).items() if name.startswith("_x_")}
