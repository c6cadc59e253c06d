"""Driver: parse -> resolve -> lower -> (per batch) graph -> solve -> decisions.

Functions are analyzed bottom-up over the strongly connected components of the
reference graph, in the order the compiler uses (`ir.VisitFuncsBottomUp`), so a
callee's parameter tags are known before its callers are analyzed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from . import ir
from . import types as T
from .deadlocals import drop_dead_locals
from .decisions import Decision, Diagnostic
from .explain import GOROOT_MARK, Block, Explainer, NoteAt, default_goroot, std_file
from .graph import ESCAPES, MUTATES, Batch, Leaks, Message, Walker, heap_alloc_reason, static_value
from .lower import Lowerer, forget_shapes
from .printer import Printer
from .resolve import Resolver, Unsupported, next_package
from .solve import Solver
from .syntax import SourceFile, first_syntax_error, parse


@dataclass
class PackageResult:
    decisions: list[Decision] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: bool = False
    # With explain=True: everything `go build -gcflags='-m=2 -l'` prints for the package
    # (decisions and explanation blocks), one line each, in the compiler's order.
    explain_lines: list[str] = field(default_factory=list)


def bottom_up(roots: list[ir.Func]) -> list[list[ir.Func]]:
    """Batches of functions in the compiler's bottom-up strongly-connected order."""
    out: list[list[ir.Func]] = []
    node_id: dict[int, int] = {}
    stack: list[ir.Func] = []
    gen = [0]
    done = 1 << 40

    def visit(fn: ir.Func) -> None:
        # iterative Tarjan-like walk mirroring the recursive compiler algorithm
        work: list[tuple[ir.Func, int, int, int]] = []  # (fn, id, min, next ref index)

        def enter(f: ir.Func) -> int | None:
            nid = node_id.get(id(f))
            if nid:
                return nid
            gen[0] += 1
            fid = gen[0]
            node_id[id(f)] = fid
            gen[0] += 1
            stack.append(f)
            work.append((f, fid, gen[0], 0))
            return None

        if enter(fn) is not None:
            return
        while work:
            f, fid, mn, i = work[-1]
            rs = f.refs
            if i < len(rs):
                work[-1] = (f, fid, mn, i + 1)
                m = enter(rs[i])
                if m is not None and m < mn:
                    work[-1] = (f, fid, m, i + 1)
                continue
            work.pop()
            if (mn == fid or mn == fid + 1) and not f.is_closure:
                j = len(stack) - 1
                while j >= 0:
                    x = stack[j]
                    node_id[id(x)] = done
                    if x is f:
                        break
                    j -= 1
                out.append(stack[j:])
                del stack[j:]
            if work:
                pf, pid, pmn, pi = work[-1]
                if mn < pmn:
                    work[-1] = (pf, pid, mn, pi)

    for fn in roots:
        if not fn.is_closure:
            visit(fn)
    return out


class PackageAnalysis:
    def __init__(self, files: list[SourceFile], pkg_path: str = "main",
                 importer: object = None, explainer: Explainer | None = None) -> None:
        self.files = files
        self.explainer = explainer
        next_package()
        forget_shapes()
        self.res = Resolver(files, pkg_path, importer)
        self.printer = Printer(pkg_path)
        self.messages: list[Message] = []
        self.analyzed: dict[int, list[Leaks]] = {}
        self.scans: dict[int, tuple[list[ir.Expr], list[ir.Expr]]] = {}
        self.diagnostics: list[Diagnostic] = []

    def run(self) -> list[Message]:
        low = Lowerer(self.res)
        self.res.collect()
        funcs = low.lower_package()
        for fn in funcs:
            # dropping an assignment shows only when it drops a function literal
            if getattr(fn, "has_closures", False) and fn.parent is None and \
                    not fn.is_wrapper:
                drop_dead_locals(fn)
        seen: set[tuple[str, str, str]] = set()
        seen_imports: set[str] = set()
        for f, node, what in self.res.unsupported:
            self._unsupported((node.start_point.row + 1, node.start_point.column + 1,
                               f.display), what, seen, _decl_of(node))
        for pos, what, fn in low.unsupported:
            self._unsupported(pos, what, seen, _top_func_name(fn))
        for fi in self.res.file_infos:
            for pn in fi.imports:
                if pn.used and pn.pkg is None and pn.path not in seen_imports:
                    seen_imports.add(pn.path)
                    node = pn.node  # type: ignore[attr-defined]
                    self.diagnostics.append(Diagnostic(
                        fi.file.display, node.start_point.row + 1, node.start_point.column + 1,
                        f'note: cannot see package "{pn.path}": calls into it are treated '
                        "as opaque (arguments leak)", "note"))
        for fn in funcs:
            for pos, text in fn.notes:
                # the front end's warnings come out before escape analysis runs
                self._msg(pos, text, "imprecise_interface_call", text, fn, None)
        batches = bottom_up(funcs)
        for batch in batches:
            for fn in batch:
                self.devirtualize(fn)
        for batch in batches:
            self.analyze_batch(batch)
        if self.explainer is not None:
            # the compiler's method wrappers: no -m decisions, but -m=2 explains them
            from .wrappers import (
                literal_iface_wrappers,
                method_value_wrappers,
                package_wrappers,
                shape_iface_wrappers,
                shape_struct_wrappers,
                shape_wrappers,
            )
            for w in (package_wrappers(self.res, self.printer, funcs, low.generics.dict_types)
                      + shape_wrappers(self.res, funcs, self.printer)
                      + shape_iface_wrappers(funcs, self.printer, low.generics.read_instances)
                      + shape_struct_wrappers(self.res, funcs, self.printer,
                                              low.generics.read_instances)
                      + literal_iface_wrappers(self.printer, funcs)
                      + method_value_wrappers(self.res, self.printer, funcs)):
                self.analyze_batch([w])
            from .eqfuncs import eq_functions
            for w in eq_functions(self.res, funcs, low.static_values):
                self.analyze_batch([w])
        for fn in _with_closures(funcs):
            self.bounds_checks(fn)
        return self.messages

    def _scan(self, fn: ir.Func) -> tuple[list[ir.Expr], list[ir.Expr]]:
        """One walk over a function's body for the two passes that look at single kinds
        of expressions: its interface calls (devirtualization) and its index and append
        expressions (bounds-check notes), in source order."""
        got = self.scans.get(id(fn))
        if got is None:
            calls: list[ir.Expr] = []
            bounds: list[ir.Expr] = []
            for e in ir.iter_exprs(fn.body or []):
                op = e.op
                if op == "callinter":
                    calls.append(e)
                elif op == "index" or op == "append":
                    bounds.append(e)
            got = self.scans[id(fn)] = (calls, bounds)
        return got

    # ------------------------------------------------------------ walk-phase notes

    def bounds_checks(self, fn: ir.Func) -> None:
        """Indexes the compiler proves in range (walk's `index bounds check elided`)."""
        skip: set[int] = set()
        for e in self._scan(fn)[1]:
            if e.op == "append":
                # an index argument with a computed index is copied to a temporary first,
                # and the copy cannot be proven in range
                for a in e.args[1:]:
                    if a.op == "index" and a.args[1].op not in ("name", "lit"):
                        skip.add(id(a))
            if e.op != "index" or e.args[1].op == "lit" or id(e) in skip:
                continue
            xt = e.args[0].type.underlying()
            if isinstance(xt, T.Pointer):
                xt = xt.elem.underlying()
            if isinstance(xt, T.Array):
                limit = xt.length
            elif e.args[0].op == "lit" and isinstance(e.args[0].value, bytes):
                limit = len(e.args[0].value)
            else:
                continue
            if _bounded(e.args[1], limit):
                self._msg(e.pos, "index bounds check elided", "bounds_check_elided", "", fn,
                          None)

    # ------------------------------------------------------------ devirtualization

    def devirtualize(self, fn: ir.Func) -> None:
        """Interface calls whose receiver has one known concrete type become direct calls."""
        for e in self._scan(fn)[0]:
            sel = e.value
            recv = sel.args[0]
            t = concrete_type(recv, set())
            if t is None or t is _NO_TYPE:
                continue
            s = self.res.lookup_selection(t, sel.value)
            if s is None or s.kind != "method" or s.method is None:
                continue
            self._msg(e.pos, f"devirtualizing {self.printer.expr(sel)} to "
                      f"{self.printer.type(t)}", "devirtualized", self.printer.expr(sel), fn,
                      None)
            x: ir.Expr = ir.Expr("dottype", t, e.pos, [recv])
            for fld, _ in s.path:
                op = "dotptr" if T.is_pointer(x.type) else "dot"
                x = ir.Expr(op, fld.type, e.pos, [x], value=fld.name, implicit=True)
            if not s.ptr_recv and T.is_pointer(x.type):
                x = ir.Expr("deref", x.type.underlying().elem, e.pos, [x],  # type: ignore
                            implicit=True)
            m = s.method
            fsig = T.Signature([T.Param(None, x.type)] + list(m.sig.params), m.sig.results,
                               m.sig.variadic)
            e.op = "call"
            e.value = ir.Expr("methexpr", fsig, sel.pos, func=m, value=sel.value,
                              extra={"recv": x.type})
            e.func = m
            e.args = [x] + e.args
            if m not in fn.refs:
                fn.refs.append(m)

    def _unsupported(self, pos: ir.Pos, what: str, seen: set[tuple[str, str, str]],
                     func: str = "") -> None:
        # once per construct kind per function (per file for package-level constructs)
        key = (pos[2], func, what)
        if key in seen:
            return
        seen.add(key)
        self.diagnostics.append(Diagnostic(pos[2], pos[0], pos[1], f"unsupported: {what}",
                                           "unsupported"))

    # ------------------------------------------------------------ one batch

    def analyze_batch(self, fns: list[ir.Func]) -> None:
        b = Batch(fns, self.analyzed, self.printer, self.messages)
        b.explain = self.explainer
        for fn in fns:
            b.init_func(fn)
        for fn in fns:
            if not fn.is_closure:
                Walker(b, fn).walk_func()
        for k, clo in b.closures:
            self.flow_closure(b, k, clo)
        for loc in list(b.all_locs):
            self.rewrite_with_literals(loc.n)
            why = heap_alloc_reason(loc.n)
            if why:
                b.flow(b.hole(b.heap).addr(loc.n, why), loc)
        Solver(b).walk_all()
        self.finish(b, fns)

    def flow_closure(self, b: Batch, k, clo: ir.Expr) -> None:  # type: ignore[no-untyped-def]
        fn = clo.func
        if fn is None or not fn.is_closure or not b.in_batch(fn):
            return
        for cv in fn.closure_vars:
            loc = b.old_loc(cv)
            if loc is None:
                continue
            byval = not loc.addrtaken and not loc.reassigned and T.sizeof(cv.type) <= 128
            cv.byval = byval  # type: ignore[attr-defined]
            where = NoteAt(cv, fn.capture_pos.get(id(cv), cv.pos))
            ex = b.explain
            if ex is not None:
                owner = cv.fn.name if cv.fn is not None else fn.name
                how = "value" if byval else "ref"
                text = (f"{owner} capturing by {how}: {cv.name} (addr="
                        f"{str(loc.addrtaken).lower()} assign={str(loc.reassigned).lower()} "
                        f"width={T.sizeof(cv.type)})")
                self.messages.append(Message(cv.pos, text, "explain", cv.name, fn, None,
                                             Block(ex.pos(cv.pos), text, [], warning=True)))
            kk = k if byval else k.addr(where, "reference")
            b.flow(kk.note(where, "captured by a closure"), loc)

    def rewrite_with_literals(self, n: object) -> None:
        if not isinstance(n, ir.Expr):
            return
        if n.op == "makeslice" and n.args:
            i = 1 if len(n.args) > 1 else 0
            r = n.args[i]
            if r.op != "lit":
                s = static_value(r)
                if s.op == "lit" and isinstance(s.value, int) and s.value >= 0:
                    n.args[i] = ir.Expr("lit", r.type, r.pos, value=s.value)
                elif s.op == "len" and s.args:
                    x = static_value(s.args[0])
                    if x.op == "slicelit":
                        n.args[i] = ir.Expr("lit", T.INT_T, r.pos, value=x.extra.get("len", 0))
        elif n.op == "conviface" and n.args:
            x = n.args[0]
            if x.op != "lit" and not T.is_interface(x.type):
                v = static_value(x)
                if v.op == "lit" and v.value is not None:
                    n.args[0] = ir.Expr("lit", x.type, x.pos, value=v.value)

    def finish(self, b: Batch, fns: list[ir.Func]) -> None:
        p = self.printer
        for fn in fns:
            tags: list[Leaks] = []
            for v in fn.params:
                tags.append(self.param_tag(b, fn, v))
            self.analyzed[id(fn)] = tags
        for loc in b.all_locs:
            n = loc.n
            if n is None:
                continue
            escapes = loc.has(ESCAPES)
            if isinstance(n, ir.Var):
                shown = not getattr(n, "is_temp", False) or getattr(n, "print_temp", False)
                if escapes and shown and not n.name.startswith("~"):
                    self._msg(n.pos, f"moved to heap: {n.name}", "moved_to_heap", n.name,
                              loc.fn, loc)
                continue
            if n.op == "closure" and n.func is not None and n.func.is_wrapper or \
                    n.extra.get("hidden"):
                continue
            text = "append" if n.op == "append" else p.expr(n)
            if escapes:
                self._msg(n.pos, f"{text} escapes to heap", "escapes", text, loc.fn, loc)
            else:
                self._msg(n.pos, f"{text} does not escape", "does_not_escape", text, loc.fn, loc)
                if n.op == "str2bytes" and not loc.has(MUTATES):
                    self._msg(n.pos, "zero-copy string->[]byte conversion", "zero_copy", text,
                              loc.fn, loc)

    def param_tag(self, b: Batch, fn: ir.Func, v: ir.Var) -> Leaks:
        # instantiated generic code is DUPOK: the compiler prints no parameter tags for it
        diagnose = not fn.is_wrapper and not getattr(fn.outermost, "is_generic", False)
        named = not getattr(v, "unnamed", False)
        if fn.body is None and T.is_basic(v.type, "uintptr"):
            if diagnose and named:
                self._msg(v.pos, f"assuming {v.name} is unsafe uintptr", "unsafe_uintptr",
                          v.name, fn, None)
            return Leaks.heap_all()
        if fn.body is not None and getattr(fn, "uintptr_escapes", False):
            ddd = v.index == len(fn.params) - 1 and fn.sig.variadic and \
                isinstance(v.type, T.Slice) and T.is_basic(v.type.elem, "uintptr")
            if T.is_basic(v.type, "uintptr") or ddd:
                if diagnose and named:
                    what = "...uintptr" if ddd else "uintptr"
                    self._msg(v.pos, f"marking {v.name} as escaping {what}", "unsafe_uintptr",
                              v.name, fn, None)
                return Leaks.heap_all()
        if not T.has_pointers(v.type):
            return Leaks.heap_all()  # the compiler's empty tag, which decodes as a heap leak
        if fn.body is None:
            # a declaration without a body (assembly): //go:noescape or everything leaks
            if fn.noescape:
                if diagnose and named:
                    self._msg(v.pos, f"{v.name} does not escape", "param_does_not_escape",
                              v.name, fn, None)
                lk = Leaks()
                lk.add(1, 0)
                lk.add(2, 0)
                return lk
            if diagnose and named:
                self._msg(v.pos, f"leaking param: {v.name}", "leaking_param", v.name, fn, None)
            return Leaks.heap_all()
        if getattr(v, "unnamed", False):
            return Leaks()
        loc = b.old_loc(v)
        if loc is None:
            return Leaks.heap_all()
        lk = loc.leaks if loc.leaks is not None else Leaks()
        lk.optimize()
        if diagnose and not loc.has(ESCAPES):
            warned = False
            if lk.heap >= 0:
                if lk.heap == 0:
                    self._msg(v.pos, f"leaking param: {v.name}", "leaking_param", v.name, fn, loc)
                else:
                    self._msg(v.pos, f"leaking param content: {v.name}",
                              "leaking_param_content", v.name, fn, loc)
                warned = True
            for i in range(5):
                x = lk.result(i)
                if x >= 0 and i < len(fn.results):
                    rname = fn.results[i].name
                    self._msg(v.pos, f"leaking param: {v.name} to result {rname} level={x}",
                              "leaking_param_to_result", v.name, fn, loc)
                    warned = True
            if not warned:
                self._msg(v.pos, f"{v.name} does not escape", "param_does_not_escape", v.name,
                          fn, loc)
        return lk.encoded()

    def _msg(self, pos: ir.Pos, text: str, kind: str, subject: str, fn: ir.Func | None,
             loc: object) -> None:
        self.messages.append(Message(pos, text, kind, subject, fn, loc))  # type: ignore


def analyze_files(files: list[tuple[Path, str, bytes]], pkg_path: str = "main",
                  importer: object = None, explain: bool = False,
                  goroot: str | None = None) -> PackageResult:
    """Analyze one package given as (path, display name, source bytes) triples.

    With `explain`, the result also carries the compiler's -m=2 output (`explain_lines`)
    and every decision about a location its explanation blocks (`Decision.explanation`).
    `goroot` prefixes standard-library positions; by default `go env GOROOT`, or the
    literal `$GOROOT` when no go command is on PATH.
    """
    result = PackageResult()
    parsed: list[SourceFile] = []
    for path, display, src in files:
        sf = parse(path, display, src)
        err = first_syntax_error(sf)
        if err is not None:
            result.diagnostics.append(Diagnostic(display, err.line, err.col, err.msg, "error"))
            result.failed = True
            continue
        parsed.append(sf)
    if result.failed:
        return result
    if importer is None:
        from .importer import StdImporter
        importer = StdImporter()
    explainer = None
    if explain:
        explainer = Explainer(Printer(pkg_path), goroot)
    pa = PackageAnalysis(parsed, pkg_path, importer, explainer)
    try:
        messages = pa.run()
    except Unsupported as u:
        pos = (1, 1, parsed[0].display)
        if u.node is not None:
            pos = (u.node.start_point.row + 1, u.node.start_point.column + 1, parsed[0].display)
        result.diagnostics.append(Diagnostic(pos[2], pos[0], pos[1], f"unsupported: {u.what}",
                                             "unsupported"))
        result.diagnostics.extend(pa.diagnostics)
        return result
    result.diagnostics.extend(pa.diagnostics)
    steps: dict[int, list[str]] = {}
    roots: list[str] = []

    def display(file: str) -> str:
        if not file.startswith(GOROOT_MARK + "/"):
            return file
        if not roots:
            roots.append(goroot if goroot is not None else default_goroot())
        return std_file(file, roots[0])
    for m in messages:
        if m.kind == "explain":
            if explain:
                result.explain_lines.extend(m.block.lines())
                if m.loc is not None:
                    steps.setdefault(id(m.loc), []).extend(m.block.steps())
            continue
        fn = m.fn
        d = Decision(file=display(m.pos[2]), line=m.pos[0], column=m.pos[1], kind=m.kind,
                     message=m.text, subject=m.subject, function=_func_name(fn))
        result.decisions.append(d)
        if explain:
            result.explain_lines.append(d.compiler_line())
    if explain:
        for i, (d, m) in enumerate(zip(result.decisions,
                                       [m for m in messages if m.kind != "explain"])):
            if m.loc is not None and id(m.loc) in steps:
                result.decisions[i] = replace(d, explanation=tuple(steps[id(m.loc)]))
    return result


_NO_TYPE = T.Basic("no type", "invalid", 0)


def _with_closures(funcs: list[ir.Func]) -> list[ir.Func]:
    out: list[ir.Func] = []

    def add(f: ir.Func) -> None:
        out.append(f)
        for c in f.closures:
            add(c)
    for f in funcs:
        add(f)
    return out


def _small_int(e: ir.Expr) -> int | None:
    if e.op == "lit" and isinstance(e.value, int) and not isinstance(e.value, bool):
        if -(1 << 31) <= e.value < (1 << 31):
            return e.value
    return None


def _bounded(n: ir.Expr, limit: int) -> bool:
    u = n.type.underlying()
    if not (isinstance(u, T.Basic) and u.kind == T.INT and not u.untyped):
        return False
    sign = u.signed
    bits = 8 * u.size
    v0 = _small_int(n)
    if v0 is not None:
        return 0 <= v0 < limit
    a = n.args
    if n.op in ("and", "andnot"):
        v = -1
        x, y = _small_int(a[0]), _small_int(a[1])
        if x is not None:
            v = x
        elif y is not None:
            v = y
            if n.op == "andnot":
                v = ~v
                if not sign:
                    v &= (1 << bits) - 1
        if 0 <= v < limit:
            return True
    elif n.op == "mod":
        y = _small_int(a[1])
        if not sign and y is not None and 0 <= y <= limit:
            return True
    elif n.op == "div":
        y = _small_int(a[1])
        if not sign and y is not None:
            while bits > 0 and y >= 2:
                bits -= 1
                y >>= 1
    elif n.op == "rsh":
        y = _small_int(a[1])
        if not sign and y is not None:
            if y > bits:
                return limit > 0
            bits -= y
    return not sign and bits <= 62 and (1 << bits) <= limit


def concrete_type(e: ir.Expr, seen: set[int]) -> T.Type | None:
    """The single concrete type an interface-typed expression can hold, if known."""
    while True:
        if not T.is_interface(e.type):
            return e.type
        if e.op in ("convnop", "conviface", "dottype") and e.args:
            e = e.args[0]
            continue
        break
    if e.op != "name" or e.var is None:
        return None
    v = e.var
    if v.cls != ir.LOCAL or v.addrtaken or getattr(v, "other_assign", False):
        return None
    if id(v) in seen:
        return _NO_TYPE
    seen.add(id(v))
    vals = ([v.defn] if v.defn is not None else []) + list(v.assign_exprs)
    typ: T.Type | None = None
    for x in vals:
        t = concrete_type(x, seen)
        if t is _NO_TYPE:
            continue
        if t is None:
            return None
        if typ is not None and not (typ is t or T.identical(typ, t)):
            return None
        typ = t
    return typ if typ is not None else _NO_TYPE


def _func_name(fn: ir.Func | None) -> str:
    if fn is None:
        return ""
    return fn.name


def _decl_of(node: object) -> str:
    """The function or method declaration a syntax node is in ("" at package level)."""
    n = node
    while n is not None and n.type not in (  # type: ignore[attr-defined]
            "function_declaration", "method_declaration"):
        n = n.parent  # type: ignore[attr-defined]
    if n is None:
        return ""
    nm = n.child_by_field_name("name") or n  # type: ignore[attr-defined]
    return f"@{nm.start_point.row + 1}:{nm.start_point.column + 1}"


def _top_func_name(fn: ir.Func | None) -> str:
    while fn is not None and fn.parent is not None:
        fn = fn.parent
    return f"@{fn.pos[0]}:{fn.pos[1]}" if fn is not None else ""
