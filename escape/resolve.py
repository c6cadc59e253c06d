"""Resolve phase: scopes, package-level declarations, type expressions and selections.

The resolver owns every named entity of a package: types (with their methods),
constants, package variables and functions. Function bodies are lowered later
(`lower.py`), which asks the resolver for names, types and field/method selections.
"""

from __future__ import annotations

import bisect
import types
from dataclasses import dataclass, field
from typing import Any

from . import ir
from . import types as T
from .syntax import Node, SourceFile, descendants, named_children, text


class Unsupported(Exception):
    """A construct outside the supported subset; carries a position and a description."""

    def __init__(self, node: Node | None, what: str) -> None:
        super().__init__(what)
        self.node = node
        self.what = what


class TypeName:
    """A declared type name. An imported package's alias resolves on first use of `type`
    (its target may live in a package nobody else needs)."""

    __slots__ = ("name", "_type", "node", "file", "alias", "lazy", "generic_alias")

    def __init__(self, name: str, type: T.Type | None, node: Node | None = None,
                 file: SourceFile | None = None, alias: bool = False) -> None:
        self.name, self._type, self.node, self.file, self.alias = name, type, node, file, alias
        self.lazy: Any = None
        self.generic_alias: tuple[Node, FileInfo] | None = None  # `type L[T any] = []T`

    @property
    def type(self) -> T.Type | None:
        if self.lazy is not None:
            resolve, self.lazy = self.lazy, None
            resolve()
        return self._type

    @type.setter
    def type(self, value: T.Type | None) -> None:
        self._type = value

    def __repr__(self) -> str:
        return f"TypeName({self.name!r}, alias={self.alias})"


@dataclass(eq=False)
class Const:
    name: str
    node: Node | None            # the value expression node
    type_node: Node | None
    iota: int
    file: SourceFile | None
    type: T.Type | None = None
    value: Any = None
    resolving: bool = False


class PkgName:
    """An imported package name; the package itself is loaded on first use."""

    def __init__(self, name: str, path: str, importer: Any = None) -> None:
        self.name = name
        self.path = path
        self._importer = importer
        self._pkg: Any = None
        self._loaded = importer is None
        self.used = False

    @property
    def pkg(self) -> Any:
        self.used = True
        if not self._loaded:
            self._loaded = True
            self._pkg = self._importer(self.path)
        return self._pkg


@dataclass(eq=False)
class Builtin:
    name: str


@dataclass(eq=False)
class Nil:
    name: str = "nil"


@dataclass(eq=False)
class Unknown:
    """A member of a package the analyzer cannot see."""
    name: str
    pkg: str


BUILTINS = ("append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len",
            "make", "max", "min", "new", "panic", "print", "println", "real", "recover")


class Scope:
    __slots__ = ("parent", "names", "fn", "block")

    def __init__(self, parent: Scope | None, fn: ir.Func | None = None,
                 block: bool = False) -> None:
        if block:
            # A block scope opened while its enclosing block scopes are still empty skips
            # them: only the current scope receives names, so they stay empty while this
            # one is open. Keeps lookups O(1) in 10,000-deep nests of blocks.
            while parent is not None and parent.block and not parent.names:
                parent = parent.parent
        self.parent = parent
        self.names: dict[str, Any] = {}
        self.fn = fn if fn is not None else (parent.fn if parent else None)
        self.block = block

    def lookup(self, name: str) -> Any:
        s: Scope | None = self
        while s is not None:
            v = s.names.get(name)
            if v is not None:
                return v
            s = s.parent
        return None

    def insert(self, name: str, obj: Any) -> None:
        if name != "_":
            self.names[name] = obj


def universe() -> Scope:
    u = Scope(None)
    for name, t in T.BASIC_TYPES.items():
        u.insert(name, TypeName(name, t))
    u.insert("error", TypeName("error", T.ERROR_T))
    u.insert("any", TypeName("any", T.ANY_T, alias=True))
    u.insert("comparable", TypeName("comparable", T.COMPARABLE_T))
    u.insert("true", Const("true", None, None, 0, None, T.UNTYPED_BOOL, True))
    u.insert("false", Const("false", None, None, 0, None, T.UNTYPED_BOOL, False))
    u.insert("iota", Const("iota", None, None, 0, None, T.UNTYPED_INT, 0))
    u.insert("nil", Nil())
    for b in BUILTINS:
        u.insert(b, Builtin(b))
    return u


@dataclass
class Selection:
    kind: str                     # "field" or "method"
    path: list[tuple[T.Field, bool]]  # embedded steps: (field, through_pointer)
    field: T.Field | None = None
    method: ir.Func | None = None  # concrete method
    iface_sig: T.Signature | None = None  # interface method signature
    recv_named: T.Named | None = None
    ptr_recv: bool = False
    final_ptr: bool = False       # the operand of the final step is a pointer


@dataclass
class FileInfo:
    file: SourceFile
    scope: Scope
    imports: list[PkgName] = field(default_factory=list)


# top-level node type -> the kind of declaration `Resolver._collect_decl` takes
_DECL_KINDS = {"package_clause": "package", "import_declaration": "import",
               "function_declaration": "func", "method_declaration": "method",
               "type_declaration": "type", "const_declaration": "const",
               "var_declaration": "var"}


class Resolver:
    """Package-level resolution for one package (the analyzed one or an imported stub)."""

    def __init__(self, files: list[SourceFile], path: str = "main", importer: Any = None) -> None:
        self.files = files
        self.path = path
        self.importer = importer
        self.universe = universe()
        self.scope = Scope(self.universe)
        self.name = "main"
        self.file_infos: list[FileInfo] = []
        self.funcs: list[ir.Func] = []          # declared functions and methods in source order
        self.globals: list[ir.Var] = []
        self.var_specs: list[tuple[Node, SourceFile]] = []
        self.init_funcs: list[ir.Func] = []
        self.pending_types: list[tuple[TypeName, Node, FileInfo]] = []
        self.unsupported: list[tuple[SourceFile, Node, str]] = []
        self.eval_const: Any = None  # set by the lowering phase: (Const, scope) -> None
        self.infer_var: Any = None   # set by the lowering phase: (Var) -> None
        self.var_nodes: dict[int, tuple[Node, Node | None, int, FileInfo]] = {}
        self.method_decls: list[tuple[Node, FileInfo, ir.Func]] = []
        self.func_nodes: dict[int, tuple[Node, FileInfo]] = {}
        self.lazy = False  # imported packages resolve declarations on first use
        self.generic_source: Any = None  # key -> shipped body source (imported packages)
        self.generic_decls: dict[int, tuple[Node, FileInfo]] = {}
        # an imported standard-library package: where the lines of its stub (files[0])
        # came from, as runs (stub line, display path, original line), by stub line
        self.line_map: list[tuple[int, str, int]] = []
        # stand-ins for instantiated generic functions and methods (see InstanceMethods);
        # the lowering phase gives them wrapper bodies
        self.standins: list[ir.Func] = []
        self.standin_cache: dict[tuple[int, tuple[str, ...]], ir.Func] = {}
        # types of the imported objects the package names (the compiler reads each one
        # with everything its type reaches)
        self.imported_refs: list[T.Type] = []

    # ------------------------------------------------------------ collection

    def collect(self) -> None:
        for f in self.files:
            fi = FileInfo(f, Scope(self.scope))
            self.file_infos.append(fi)
            # the file's top-level declarations in source order (a direct look at the
            # root's children: a query would walk the whole tree)
            for n in f.root.children:
                kind = _DECL_KINDS.get(n.type)
                if kind is None:
                    continue
                if kind == "package":
                    n = next((c for c in n.children if c.type == "package_identifier"), None)
                    if n is None:
                        continue
                self._collect_decl(kind, n, fi)
        for tn, spec, fi in self.pending_types:
            if self.lazy and isinstance(tn.type, T.Named):
                tn.type.lazy = (lambda tn=tn, spec=spec, fi=fi:
                                self._resolve_type_decl(tn, spec, fi))
            elif self.lazy and tn.alias:
                tn.lazy = (lambda tn=tn, spec=spec, fi=fi:
                           self._resolve_type_decl(tn, spec, fi))
            else:
                self._resolve_type_decl(tn, spec, fi)
        for node, fi, fn in self.method_decls:
            self._attach_method(node, fi, fn)
        for fn in self.funcs:
            if self.lazy:
                fn.sig_pending = True  # type: ignore[attr-defined]
            else:
                node, fi = self.func_nodes[id(fn)]
                self._resolve_signature(fn, node, fi)

    def ensure_sig(self, fn: ir.Func) -> None:
        """Resolve a lazily loaded function's signature before it is used."""
        if getattr(fn, "sig_pending", False):
            fn.sig_pending = False  # type: ignore[attr-defined]
            node, fi = self.func_nodes[id(fn)]
            self._resolve_signature(fn, node, fi)

    def _collect_decl(self, kind: str, n: Node, fi: FileInfo) -> None:
        if kind == "package":
            self.name = text(n)
        elif kind == "import":
            for spec in descendants(n, "import_spec"):
                path_node = spec.child_by_field_name("path")
                path = _unquote(text(path_node)) if path_node else ""
                alias_node = spec.child_by_field_name("name")
                if path == "C":
                    self.unsupported.append((fi.file, spec, f'import "{path}"'))
                name = text(alias_node) if alias_node else T.default_pkg_name(path)
                pn = PkgName(name, path, self.importer)
                pn.node = spec  # type: ignore[attr-defined]
                pn.file = fi.file  # type: ignore[attr-defined]
                fi.imports.append(pn)
                if name not in ("_", "."):
                    fi.scope.insert(name, pn)
        elif kind == "type":
            for spec in named_children(n):
                if spec.type not in ("type_spec", "type_alias"):
                    continue
                name = text(spec.child_by_field_name("name"))
                tn = TypeName(name, None, spec, fi.file, alias=spec.type == "type_alias")
                if not tn.alias:
                    tn.type = T.Named(name, self.path, self.name)
                    tps = spec.child_by_field_name("type_parameters")
                    if tps is not None:
                        tn.type.type_params = True
                        tn.type.generic = GenericType(self, tn.type, spec, fi, tps)  # type: ignore[attr-defined]
                elif spec.child_by_field_name("type_parameters") is not None:
                    tn.generic_alias = (spec, fi)
                self.scope.insert(name, tn)
                self.pending_types.append((tn, spec, fi))
        elif kind == "const":
            self._collect_consts(n, fi, self.scope)
        elif kind == "var":
            for spec in named_children(n):
                if spec.type == "var_spec_list":
                    specs = named_children(spec)
                else:
                    specs = [spec]
                for s in specs:
                    if s.type == "var_spec":
                        self._collect_var_spec(s, fi)
        elif kind in ("func", "method"):
            name = text(n.child_by_field_name("name"))
            fn = ir.Func(name, T.Signature([], []), self.pos(fi.file, n.child_by_field_name("name")))
            if n.child_by_field_name("type_parameters") is not None:
                fn.extra_generic = True  # type: ignore[attr-defined]
            self.func_nodes[id(fn)] = (n, fi)
            self.funcs.append(fn)
            directives = _directives_before(n)
            fn.noescape = "//go:noescape" in directives
            fn.uintptr_escapes = "//go:uintptrescapes" in directives  # type: ignore
            # a declaration without a body keeps its uintptr arguments' pointers alive
            fn.uintptr_keepalive = "//go:uintptrkeepalive" in directives or \
                n.child_by_field_name("body") is None  # type: ignore[attr-defined]
            if kind == "func":
                if name == "init":
                    self.init_funcs.append(fn)
                    fn.name = f"init.{len(self.init_funcs) - 1}"
                elif name != "_":
                    self.scope.insert(name, ir.Var(name, fn.sig, fn.pos, ir.FUNC, func=fn))
            else:
                self.method_decls.append((n, fi, fn))

    def _collect_consts(self, n: Node, fi: FileInfo, scope: Scope) -> list[Const]:
        out = []
        prev_values: list[Node] = []
        prev_type: Node | None = None
        iota = 0
        for spec in named_children(n):
            if spec.type != "const_spec":
                continue
            names = [c for c in spec.children_by_field_name("name")]
            tnode = spec.child_by_field_name("type")
            vnode = spec.child_by_field_name("value")
            values = named_children(vnode) if vnode is not None else []
            if values:
                prev_values, prev_type = values, tnode
            else:
                values, tnode = prev_values, prev_type
            for i, nm in enumerate(names):
                c = Const(text(nm), values[i] if i < len(values) else None, tnode, iota,
                          fi.file if fi is not None else None)
                c.owner = self  # type: ignore[attr-defined]
                c.scope = fi.scope if fi is not None and scope is self.scope else scope  # type: ignore[attr-defined]
                scope.insert(c.name, c)
                out.append(c)
            iota += 1
        return out

    def _collect_var_spec(self, s: Node, fi: FileInfo) -> None:
        names = s.children_by_field_name("name")
        tnode = s.child_by_field_name("type")
        for i, nm in enumerate(names):
            v = ir.Var(text(nm), T.INVALID, self.pos(fi.file, nm), ir.GLOBAL)
            v.type = None  # type: ignore[assignment]  # resolved lazily
            self.var_nodes[id(v)] = (s, tnode, i, fi)
            self.scope.insert(v.name, v)
            self.globals.append(v)
        self.var_specs.append((s, fi.file))

    def _resolve_type_decl(self, tn: TypeName, spec: Node, fi: FileInfo) -> None:
        tnode = spec.child_by_field_name("type")
        if tn.alias:
            if tn.type is None:
                tn.type = T.INVALID
                tn.type = self.resolve_type(tnode, fi.scope)
            return
        assert isinstance(tn.type, T.Named)
        if tn.type.under is None:
            tn.type.under = T.INVALID
            scope = fi.scope
            gen = getattr(tn.type, "generic", None)
            if gen is not None:
                # the generic declaration itself: its fields speak of type parameters
                scope = Scope(fi.scope)
                bind_type_params(self, scope, gen.names, gen.constraint_nodes, None, None)
            u = self.resolve_type(tnode, scope)
            tn.type.under = u
            # a defined type takes the methods of nothing else, but keeps interface methods
        return

    def type_name_type(self, tn: TypeName) -> T.Type:
        if self.lazy and isinstance(tn.type, T.Named):
            return tn.type
        if tn.type is None or (isinstance(tn.type, T.Named) and tn.type.under is None):
            for cand, spec, fi in self.pending_types:
                if cand is tn:
                    self._resolve_type_decl(tn, spec, fi)
                    break
        return tn.type if tn.type is not None else T.INVALID

    def _attach_method(self, node: Node, fi: FileInfo, fn: ir.Func) -> None:
        recv = node.child_by_field_name("receiver")
        decls = [c for c in named_children(recv) if c.type == "parameter_declaration"]
        if not decls:
            return
        rtype = decls[0].child_by_field_name("type")
        ptr = False
        while rtype is not None and rtype.type in ("pointer_type", "parenthesized_type"):
            if rtype.type == "pointer_type":
                ptr = True
            rtype = named_children(rtype)[0] if named_children(rtype) else None
        if rtype is None:
            return
        if rtype.type == "generic_type":
            # the receiver's type arguments name the type parameters inside the method
            fn.recv_tparams = [text(a) for a in named_children(  # type: ignore[attr-defined]
                rtype.child_by_field_name("type_arguments"))]
            rtype = rtype.child_by_field_name("type")
            fn.extra_generic = True  # type: ignore[attr-defined]
        tn = self.scope.lookup(text(rtype))
        if not isinstance(tn, TypeName):
            return
        named = tn.type if self.lazy and isinstance(tn.type, T.Named) else \
            self.type_name_type(tn)
        if isinstance(named, T.Named):
            named.methods[fn.name] = fn
            fn.recv_named = named  # type: ignore[attr-defined]
            fn.ptr_recv = ptr  # type: ignore[attr-defined]
            fn.name = f"(*{named.name}).{fn.name}" if ptr else f"{named.name}.{fn.name}"

    def _resolve_signature(self, fn: ir.Func, node: Node, fi: FileInfo) -> None:
        scope = fi.scope
        if getattr(fn, "extra_generic", False):
            # a generic declaration's own signature speaks of its type parameters
            scope = self.tparam_scope(fn, node, fi, None)
        sig = self.signature_in(node, scope, fi)
        fn.sig.params, fn.sig.results, fn.sig.variadic, fn.sig.recv = (
            sig.params, sig.results, sig.variadic, sig.recv)
        fn.body_node = node.child_by_field_name("body")  # type: ignore[attr-defined]
        fn.file_info = fi  # type: ignore[attr-defined]

    def signature_in(self, node: Node, scope: Scope, fi: FileInfo) -> T.Signature:
        """A function declaration's signature, its names looked up in `scope`."""
        recv_node = node.child_by_field_name("receiver")
        recv = None
        if recv_node is not None:
            ps = self.param_list(recv_node, scope, fi.file)
            recv = ps[0][0] if ps and ps[0] else None
        params, variadic = self.param_list(node.child_by_field_name("parameters"), scope, fi.file)
        results = self.result_list(node.child_by_field_name("result"), scope, fi.file)
        return T.Signature(params, results, variadic, recv)

    # ------------------------------------------------------------ generics

    def generic_decl(self, fn: ir.Func) -> tuple[Node, FileInfo]:
        """The declaration a generic function's instances are lowered from: its own, or
        for an imported package, the shipped source of its body (original positions)."""
        got = self.generic_decls.get(id(fn))
        if got is not None:
            return got
        got = self.func_nodes[id(fn)]
        src = self.generic_source(fn.name) if self.generic_source is not None else None
        if src is not None:
            from pathlib import Path

            from .syntax import parse
            display = f"$GOROOT/src/{self.path}/{src['file']}"
            text_ = f"package {self.name}\n" + "\n" * max(0, src["line"] - 2) + src["src"]
            sf = parse(Path(display), display, text_.encode())
            node = next((c for c in sf.root.children
                         if c.type in ("function_declaration", "method_declaration")), None)
            if node is not None and not sf.root.has_error:
                fi0 = self.file_infos[0]
                fi = FileInfo(sf, fi0.scope, fi0.imports)
                self.files.append(sf)
                got = (node, fi)
        self.generic_decls[id(fn)] = got
        return got

    def decl_pos(self, fn: ir.Func) -> ir.Pos:
        """Where a generic function's instances are placed: the token after `func` in
        its declaration (the receiver of a method, the name of a function), at the
        original position for a standard-library function."""
        node, fi = self.generic_decl(fn)
        at = node.child_by_field_name("receiver") or node.child_by_field_name("name")
        return self.pos(fi.file, at) if at is not None else fn.pos

    def tparams_of(self, fn: ir.Func) -> list[T.TypeParam]:
        """A generic function's type parameters (a method's: its receiver type's), with
        their constraints resolved."""
        got = getattr(fn, "tparams", None)
        if got is None:
            node, fi = self.func_nodes[id(fn)]
            self.tparam_scope(fn, node, fi, None)
            got = fn.tparams  # type: ignore[attr-defined]
        return got

    def tparam_scope(self, fn: ir.Func, node: Node, fi: FileInfo,
                     targs: list[T.Type] | None) -> Scope:
        """A scope binding fn's type parameter names: to TypeParams when targs is None,
        else to the given type arguments."""
        scope = Scope(fi.scope)
        names: list[str] = []
        cnodes: list[Node | None] = []
        rt = getattr(fn, "recv_tparams", None)
        if rt is not None:
            named = getattr(fn, "recv_named", None)
            gen = getattr(named, "generic", None)
            names = list(rt)
            cnodes = list(gen.constraint_nodes) if gen is not None else [None] * len(names)
            cnodes += [None] * (len(names) - len(cnodes))
        else:
            names, cnodes = _tparam_decls(node.child_by_field_name("type_parameters"))
        bind_type_params(self, scope, names, cnodes, targs,
                         fn if targs is None else None)
        return scope

    def instance_signature(self, fn: ir.Func, targs: list[T.Type],
                           decl: tuple[Node, FileInfo]) -> T.Signature:
        """A generic function's signature with its type parameters bound to targs, read
        from the declaration `decl` (the stub's, or the shipped body's)."""
        node, fi = decl
        return self.signature_in(node, self.tparam_scope(fn, node, fi, targs), fi)

    def standin(self, fn: ir.Func, targs: list[T.Type]) -> ir.Func:
        """`F[int]` used as a value: a function with the instance's signature."""
        key = (id(fn), tuple(T.link_string(t) for t in targs))
        w = self.standin_cache.get(key)
        if w is None or w.epoch != _PACKAGE[0]:
            # original positions for std functions
            sig = self.instance_signature(fn, targs, self.generic_decl(fn))
            w = ir.Func(f"{fn.name}[{','.join(key[1])}]", sig, self.decl_pos(fn))
            w.is_wrapper = True
            w.epoch = _PACKAGE[0]  # type: ignore[attr-defined]
            w.generic_origin = fn  # type: ignore[attr-defined]
            w.targs = list(targs)  # type: ignore[attr-defined]
            self.standin_cache[key] = w
            self.standins.append(w)
        return w

    def instantiate(self, named: T.Named, targs: list[T.Type]) -> T.Type:
        gen = getattr(named, "generic", None)
        if gen is None:
            return named
        return gen.instance(targs)

    # ------------------------------------------------------------ types

    def pos(self, f: SourceFile, n: Node) -> ir.Pos:
        row, col = n.start_point
        if self.line_map and f is self.files[0]:
            return self.original_pos(row + 1, col + 1)
        return (row + 1, col + 1, f.display)

    def original_pos(self, line: int, col: int) -> ir.Pos:
        """A stub position of a standard-library package in its original file (the
        run of lines it is in maps back line for line)."""
        i = bisect.bisect_right(self.line_map, (line, "\uffff")) - 1
        if i < 0:
            return (line, col, self.files[0].display)
        stub_line, display, orig = self.line_map[i]
        return (orig + line - stub_line, col, display)

    def param_list(self, n: Node | None, scope: Scope, f: SourceFile
                   ) -> tuple[list[T.Param], bool]:
        params: list[T.Param] = []
        variadic = False
        if n is None:
            return params, variadic
        for d in named_children(n):
            if d.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            tnode = d.child_by_field_name("type")
            t = self.resolve_type(tnode, scope)
            if d.type == "variadic_parameter_declaration":
                t = T.Slice(t)
                variadic = True
            names = d.children_by_field_name("name")
            if names:
                for nm in names:
                    params.append(T.Param(text(nm), t, self.pos(f, nm)))
            else:
                params.append(T.Param(None, t, self.pos(f, tnode) if tnode is not None else None))
        return params, variadic

    def result_list(self, n: Node | None, scope: Scope, f: SourceFile) -> list[T.Param]:
        if n is None:
            return []
        if n.type == "parameter_list":
            return self.param_list(n, scope, f)[0]
        return [T.Param(None, self.resolve_type(n, scope), self.pos(f, n))]

    def resolve_type(self, n: Node | None, scope: Scope) -> T.Type:
        if n is None:
            return T.INVALID
        k = n.type
        if k in ("type_identifier", "identifier"):
            obj = scope.lookup(text(n))
            if isinstance(obj, TypeName):
                return self.type_name_type(obj)
            return T.INVALID
        if k in ("qualified_type", "selector_expression"):
            pkg_node = n.child_by_field_name("package") or n.child_by_field_name("operand")
            name_node = n.child_by_field_name("name") or n.child_by_field_name("field")
            pn = scope.lookup(text(pkg_node)) if pkg_node is not None else None
            if isinstance(pn, PkgName) and pn.pkg is not None and name_node is not None:
                obj = pn.pkg.scope.names.get(text(name_node))
                if isinstance(obj, TypeName):
                    t = pn.pkg.type_name_type(obj)
                    if not self.lazy:
                        self.imported_refs.append(t)
                    return t
            return T.INVALID
        if k == "pointer_type":
            return T.Pointer(self.resolve_type(named_children(n)[0], scope))
        if k == "unary_expression" and text(n.child_by_field_name("operator")) == "*":
            return T.Pointer(self.resolve_type(n.child_by_field_name("operand"), scope))
        if k in ("parenthesized_type", "parenthesized_expression"):
            return self.resolve_type(named_children(n)[0], scope)
        if k == "slice_type":
            return T.Slice(self.resolve_type(n.child_by_field_name("element"), scope))
        if k == "array_type":
            length = self.const_int(n.child_by_field_name("length"), scope)
            return T.Array(length, self.resolve_type(n.child_by_field_name("element"), scope))
        if k == "map_type":
            return T.Map(self.resolve_type(n.child_by_field_name("key"), scope),
                         self.resolve_type(n.child_by_field_name("value"), scope))
        if k == "channel_type":
            src = text(n)
            d = "recv" if src.startswith("<-") else ("send" if src.startswith("chan<-")
                                                      or src.replace(" ", "").startswith("chan<-")
                                                      else "both")
            return T.Chan(self.resolve_type(n.child_by_field_name("value"), scope), d)
        if k == "function_type":
            f = self._file_of(n)
            params, variadic = self.param_list(n.child_by_field_name("parameters"), scope, f)
            results = self.result_list(n.child_by_field_name("result"), scope, f)
            return T.Signature(params, results, variadic)
        if k == "struct_type":
            return self._struct(n, scope)
        if k == "interface_type":
            return self._interface(n, scope)
        if k == "generic_type":
            bnode = n.child_by_field_name("type")
            alias = scope.lookup(text(bnode)) if bnode is not None and \
                bnode.type == "type_identifier" else None
            if isinstance(alias, TypeName) and alias.generic_alias is not None:
                # `List[int]` of `type List[T any] = []T`: the aliased type, T bound
                spec, afi = alias.generic_alias
                names, cnodes = _tparam_decls(spec.child_by_field_name("type_parameters"))
                targs = [self.resolve_type(a, scope) for a in
                         named_children(n.child_by_field_name("type_arguments"))]
                inner = Scope(afi.scope)
                bind_type_params(self, inner, names, cnodes, targs, None)
                return self.resolve_type(spec.child_by_field_name("type"), inner)
            base = self.resolve_type(bnode, scope)
            targs = [self.resolve_type(a, scope) for a in
                     named_children(n.child_by_field_name("type_arguments"))]
            if isinstance(base, T.Named) and getattr(base, "generic", None) is not None:
                inst = self.instantiate(base, targs)
                if not self.lazy and base.pkg_path != self.path:
                    self.imported_refs.append(inst)
                return inst
            self.unsupported.append((self._file_of(n), n, "generic type instantiation"))
            return T.INVALID
        if k == "type_elem" or k == "type_constraint":
            ch = named_children(n)
            return self.resolve_type(ch[0], scope) if len(ch) == 1 else T.INVALID
        return T.INVALID

    def _file_of(self, n: Node) -> SourceFile:
        for f in self.files:
            if f.tree.root_node.start_byte <= n.start_byte and n.end_byte <= f.tree.root_node.end_byte:
                # several files may overlap in byte ranges; compare tree identity
                root = n
                while root.parent is not None:
                    root = root.parent
                if root == f.tree.root_node:
                    return f
        return self.files[0]

    def _struct(self, n: Node, scope: Scope) -> T.Struct:
        fields: list[T.Field] = []
        lst = next((c for c in named_children(n) if c.type == "field_declaration_list"), None)
        if lst is None:
            return T.Struct(fields)
        for d in named_children(lst):
            if d.type != "field_declaration":
                continue
            tnode = d.child_by_field_name("type")
            names = d.children_by_field_name("name")
            if names:
                t = self.resolve_type(tnode, scope)
                for nm in names:
                    fields.append(T.Field(text(nm), t, False, self.path))
            else:  # embedded
                ptr = any(c.type == "*" for c in d.children)
                t = self.resolve_type(tnode, scope)
                if ptr:
                    t = T.Pointer(t)
                base = tnode
                if base.type == "generic_type":
                    base = base.child_by_field_name("type")
                nm = text(base).rsplit(".", 1)[-1]
                fields.append(T.Field(nm, t, True, self.path))
        return T.Struct(fields)

    def _interface(self, n: Node, scope: Scope) -> T.Type:
        it = T.Interface(pkg=self.path)
        f = self._file_of(n)
        for e in named_children(n):
            if e.type == "method_elem":
                params, variadic = self.param_list(e.child_by_field_name("parameters"), scope, f)
                results = self.result_list(e.child_by_field_name("result"), scope, f)
                it.methods[text(e.child_by_field_name("name"))] = T.Signature(params, results,
                                                                             variadic)
            elif e.type == "type_elem":
                ch = named_children(e)
                if len(ch) == 1 and ch[0].type not in ("negated_type",):
                    t = self.resolve_type(ch[0], scope)
                    if isinstance(t.underlying(), T.Interface):
                        it.embeds.append(t)
                        continue
                    it.core = t if not it.union else None
                elif len(ch) == 1:
                    it.core = self.resolve_type(named_children(ch[0])[0], scope) \
                        if not it.union else None
                else:
                    it.core = None
                it.union = True
        if not it.methods and not it.embeds and not it.union:
            return T.ANY_T if False else it
        return it

    def const_int(self, n: Node | None, scope: Scope) -> int:
        if n is None:
            return 0
        if self.eval_const is None:
            return 0
        v = self.eval_const(n, scope)
        return int(v) if isinstance(v, (int, float)) or hasattr(v, "numerator") else 0

    # ------------------------------------------------------------ selections

    def lookup_selection(self, t: T.Type, name: str) -> Selection | None:
        """Find field or method `name` in t (possibly a pointer), through embedding."""
        ptr = False
        base = t
        if isinstance(t, T.Pointer):
            ptr, base = True, t.elem
        elif isinstance(t.underlying(), T.Pointer) and not isinstance(t, T.Named):
            ptr, base = True, t.underlying().elem  # type: ignore[attr-defined]
        # breadth-first over embedding depth
        level: list[tuple[T.Type, list[tuple[T.Field, bool]], bool]] = [(base, [], ptr)]
        seen: set[int] = set()
        while level:
            found: Selection | None = None
            nxt: list[tuple[T.Type, list[tuple[T.Field, bool]], bool]] = []
            for typ, path, via_ptr in level:
                if id(typ) in seen:
                    continue
                seen.add(id(typ))
                if isinstance(typ, T.Named):
                    m = typ.methods.get(name)
                    if m is not None and getattr(m, "sig_pending", False):
                        m.owner_res.ensure_sig(m)  # type: ignore[attr-defined]
                    if m is not None and found is None:
                        found = Selection("method", path, method=m, recv_named=typ,
                                          ptr_recv=bool(getattr(m, "ptr_recv", False)),
                                          final_ptr=via_ptr)
                        continue
                if isinstance(typ, T.Named) and typ.bound is not None:
                    # a value of a type parameter: its constraint's methods
                    sig = typ.bound.all_methods().get(name)
                    if sig is not None and found is None:
                        found = Selection("method", path, iface_sig=sig, final_ptr=via_ptr)
                        continue
                u = typ.underlying()
                if isinstance(u, T.Interface):
                    sig = u.all_methods().get(name)
                    if sig is not None and found is None:
                        found = Selection("method", path, iface_sig=sig, final_ptr=via_ptr)
                    continue
                if isinstance(u, T.Struct):
                    for fld in u.fields:
                        if fld.name == name and found is None:
                            found = Selection("field", path, field=fld, final_ptr=via_ptr)
                        if fld.embedded:
                            ft = fld.type
                            fp = False
                            if isinstance(ft, T.Pointer):
                                ft, fp = ft.elem, True
                            nxt.append((ft, path + [(fld, via_ptr)], fp))
            if found is not None:
                return found
            level = nxt
        return None


def _core_node(c: Node | None) -> Node | None:
    """The type term of a constraint written as a bare term (`~[]E`, `[]E`), if it is."""
    if c is None:
        return None
    while c.type in ("type_constraint", "type_elem") and len(named_children(c)) == 1:
        c = named_children(c)[0]
    if c.type == "negated_type":
        return named_children(c)[0]
    if c.type in ("type_identifier", "qualified_type", "generic_type", "interface_type",
                  "type_constraint", "type_elem"):
        return None  # a constraint interface (named, instantiated or literal) or a union
    return c


def bind_type_params(res: Resolver, scope: Scope, names: list[str], cnodes: list[Node | None],
                     targs: list[T.Type] | None, owner: Any) -> None:
    """Insert type parameter names into scope: TypeParams (recorded on owner as
    `tparams`) when targs is None, else the type arguments."""
    tps: list[T.TypeParam] = []
    rebound: list[tuple[T.Named, Node | None]] = []
    for i, name in enumerate(names):
        if targs is not None:
            t = targs[i] if i < len(targs) else T.INVALID
            tn = TypeName(name, t)
        else:
            tp = T.TypeParam(name, i)
            tps.append(tp)
            tn = TypeName(name, tp)
        scope.insert(name, tn)
    for i, name in enumerate(names):
        c = cnodes[i] if i < len(cnodes) else None
        core_node = _core_node(c)
        if core_node is not None:
            ct: T.Type = T.Interface(union=True)
            ct.core = res.resolve_type(core_node, scope)  # type: ignore[attr-defined]
        else:
            ct = res.resolve_type(c, scope) if c is not None else T.ANY_T
        bound = ct.underlying() if isinstance(ct.underlying(), T.Interface) else None
        if targs is None:
            tp = tps[i]
            tp.constraint = ct
            tp.basic = T.is_method_set(ct)
            tp.core = bound.core if bound is not None else None
            tp.bound = bound  # type: ignore[attr-defined]
        else:
            tn = scope.names.get(name)
            t = tn.type if tn is not None else None
            if isinstance(t, T.Named) and T.is_shape(t):
                # the parameter's own copy of its shape
                sh = T.Named(t.name, t.pkg_path, t.pkg_name, t.under, bound=t.bound, tparam=i)
                tn.type = sh  # type: ignore[union-attr]
                if bound is not None and bound.all_methods():
                    # a shape with the constraint's methods: calls go through the dictionary
                    sh.bound = bound
                    rebound.append((sh, c))
    if rebound:
        # the constraints may name the type parameters themselves (`Set() P`): resolve
        # them again now that those names stand for the shapes with methods
        for sh, c in rebound:
            ct = res.resolve_type(c, scope) if c is not None else T.ANY_T
            if isinstance(ct.underlying(), T.Interface):
                sh.bound = ct.underlying()  # type: ignore[assignment]
    if owner is not None:
        owner.tparams = tps


def _identity_parts(ts: list[T.Type]) -> list[int]:
    """Ids of the type parameters and method-carrying shapes inside ts: two of them can
    share a spelling and still be different types."""
    return [id(x) for t in ts for x in T.parts(t)
            if isinstance(x, T.TypeParam) or isinstance(x, T.Named) and x.bound is not None]


def _tparam_decls(tps: Node | None) -> tuple[list[str], list[Node | None]]:
    """Names and constraint nodes of a type parameter list."""
    names: list[str] = []
    cnodes: list[Node | None] = []
    for d in named_children(tps) if tps is not None else []:
        if d.type != "type_parameter_declaration":
            continue
        for nm in d.children_by_field_name("name"):
            names.append(text(nm))
            cnodes.append(d.child_by_field_name("type"))
    return names, cnodes


class GenericType:
    """A generic type declaration and its instances, one per list of type arguments."""

    def __init__(self, res: Resolver, named: T.Named, spec: Node, fi: FileInfo,
                 tps: Node) -> None:
        self.res, self.named, self.spec, self.fi = res, named, spec, fi
        self.names, self.constraint_nodes = _tparam_decls(tps)
        self.instances: dict[tuple[str, ...], T.Named] = {}
        self._basic: list[bool] | None = None

    def basic_flags(self) -> list[bool]:
        """For each type parameter: is its constraint methods-only (pointer arguments
        share the `*uint8` shape)?"""
        if self._basic is None:
            holder = types.SimpleNamespace()
            bind_type_params(self.res, Scope(self.fi.scope), self.names, self.constraint_nodes,
                             None, holder)
            self._basic = [tp.basic for tp in getattr(holder, "tparams", [])]
        return self._basic

    def instance(self, targs: list[T.Type]) -> T.Named:
        if any(T.has_shape(t) for t in targs) and not all(T.has_shape(t) for t in targs):
            # in instantiated code a type with one shaped argument is shaped whole
            # (`StrPair[B]` = `Pair[string, B]` is Pair[go.shape.string,go.shape.int]);
            # arguments built from shapes (`indirect[K, V]`) keep their methods here
            from .lower import shapify
            basic = self.basic_flags()
            targs = [t if T.has_shape(t) else shapify(t, basic[i] if i < len(basic) else True)
                     for i, t in enumerate(targs)]
        key = tuple(T.link_string(t) for t in targs)
        # a shape that carries its constraint's methods is its own type argument
        # (and type parameters of different declarations may share a name)
        ckey = key + tuple(_identity_parts(targs))
        inst = self.instances.get(ckey)
        if inst is not None:
            return inst
        shown = self._shown_targs(targs)
        inst = self.instances.get(ckey)  # made while an argument's structure was read
        if inst is not None:
            return inst
        g = self.named
        inst = T.Named(f"{g.name}[{','.join(shown)}]", g.pkg_path, g.pkg_name)
        inst.origin = g
        inst.targs = list(targs)
        inst.methods = InstanceMethods(self, inst)  # type: ignore[assignment]
        self.instances[ckey] = inst

        def resolve() -> None:
            scope = Scope(self.fi.scope)
            bind_type_params(self.res, scope, self.names, self.constraint_nodes, targs, None)
            inst.under = T.INVALID
            inst.under = self.res.resolve_type(self.spec.child_by_field_name("type"), scope)
        inst.lazy = resolve
        return inst

    def _shown_targs(self, targs: list[T.Type]) -> list[str]:
        """The type arguments as the instance's name spells them. The compiler names a
        type instantiated with types made of shapes (`Pointer[node[go.shape.int]]`, in
        instantiated code) by those arguments' own shapes, except for an argument whose
        structure is still being read, as it is when the instance is a part of it
        (`entry[go.shape.int]` has a field `Pointer[entry[go.shape.int]]`)."""
        from .lower import shapify
        basic = self.basic_flags()
        out = []
        for i, t in enumerate(targs):
            if isinstance(t, T.Named) and not T.is_shape(t) and t.origin is not None \
                    and T.has_shape(t):
                t.underlying()  # read it now, as the compiler reads a type whole
                if t.under is not T.INVALID:
                    t = shapify(t, basic[i] if i < len(basic) else True)
            out.append(T.link_string(t))
        return out


# The package being analyzed, by number. Imported packages' resolvers outlive it, and so
# do the stand-ins made on them (instance methods, `F[int]` as a value): a stand-in made
# for an earlier package is made again, so that this package compiles its own.
_PACKAGE = [0]


def next_package() -> None:
    _PACKAGE[0] += 1


class InstanceMethods(dict):
    """The methods of a generic type's instance, made on first use: each is a stand-in
    with the instance's signature that the lowering phase calls through the shaped body."""

    def __init__(self, gen: GenericType, inst: T.Named) -> None:
        super().__init__()
        self.gen, self.inst = gen, inst

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        m = dict.get(self, name)
        if m is not None and m.epoch == _PACKAGE[0]:
            return m
        gm = self.gen.named.methods.get(name)
        if gm is None:
            return default
        res = getattr(gm, "owner_res", None) or self.gen.res
        res.ensure_sig(gm)
        sig = res.instance_signature(gm, self.inst.targs, res.generic_decl(gm))
        ptr = bool(getattr(gm, "ptr_recv", False))
        base = self.inst.name
        m = ir.Func(f"(*{base}).{name}" if ptr else f"{base}.{name}", sig, res.decl_pos(gm))
        m.body = None
        m.is_wrapper = True
        m.epoch = _PACKAGE[0]  # type: ignore[attr-defined]
        res.standins.append(m)
        m.generic_origin = gm  # type: ignore[attr-defined]
        m.targs = list(self.inst.targs)  # type: ignore[attr-defined]
        m.ptr_recv = ptr  # type: ignore[attr-defined]
        m.recv_named = self.inst  # type: ignore[attr-defined]
        for attr in ("owner_res", "qual"):  # not std_record: its tags are the generic's
            if hasattr(gm, attr):
                setattr(m, attr, getattr(gm, attr))
        self[name] = m
        return m


def _directives_before(n: Node) -> list[str]:
    """The `//go:` directive comments directly above a declaration."""
    out = []
    c = n.prev_sibling
    while c is not None and c.type == "comment" and c.end_point.row >= n.start_point.row - 1 - len(out):
        t = text(c)
        if t.startswith("//go:"):
            out.append(t.split()[0])
        c = c.prev_sibling
    return out


def _unquote(s: str) -> str:
    if len(s) >= 2 and s[0] in "\"`":
        return s[1:-1]
    return s
