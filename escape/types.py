"""Go type model used by the resolver: identity, printing, sizes and alignment on amd64.

Sizes follow the gc compiler's rules for linux/amd64 (`types/size.go`): 8-byte words,
fields laid out in order with natural alignment, and a struct whose last field has zero
size (but which is not itself zero-sized) gets one byte of padding before rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

PTR_SIZE = 8

# kinds of basic types
BOOL, INT, UINT, FLOAT, COMPLEX, STRING, UNSAFE_PTR, NIL = (
    "bool", "int", "uint", "float", "complex", "string", "unsafeptr", "nil")


class Type:
    """Base class of every Go type."""

    def underlying(self) -> Type:
        return self

    def __str__(self) -> str:
        return type_string(self)

    __repr__ = __str__


@dataclass(eq=False, repr=False)
class Basic(Type):
    name: str
    kind: str
    size: int
    untyped: bool = False
    signed: bool = True


@dataclass(eq=False, repr=False)
class Pointer(Type):
    elem: Type


@dataclass(eq=False, repr=False)
class Slice(Type):
    elem: Type


@dataclass(eq=False, repr=False)
class Array(Type):
    length: int
    elem: Type


@dataclass(eq=False, repr=False)
class Map(Type):
    key: Type
    elem: Type


@dataclass(eq=False, repr=False)
class Chan(Type):
    elem: Type
    dir: str = "both"  # "both", "send", "recv"


@dataclass(eq=False, repr=False)
class Param:
    name: str | None
    type: Type
    pos: tuple[int, int] | None = None


@dataclass(eq=False, repr=False)
class Signature(Type):
    params: list[Param]
    results: list[Param]
    variadic: bool = False
    recv: Param | None = None


@dataclass(eq=False, repr=False)
class Field:
    name: str
    type: Type
    embedded: bool = False
    pkg: str | None = None  # package path for unexported names


@dataclass(eq=False, repr=False)
class Struct(Type):
    fields: list[Field]


@dataclass(eq=False, repr=False)
class Interface(Type):
    methods: dict[str, Signature] = field(default_factory=dict)  # explicit methods
    embeds: list[Type] = field(default_factory=list)
    _all: dict[str, Signature] | None = None
    union: bool = False  # constraint interface with type terms
    core: Type | None = None  # a constraint's single type term (`*T`, `~[]E`), if it has one
    pkg: str = ""  # the declaring package's path (it qualifies unexported method names)

    def method_pkg(self, name: str) -> str:
        """The path of the package that declares method `name` (explicit or embedded)."""
        if name in self.methods:
            return self.pkg
        for e in self.embeds:
            u = e.underlying()
            if isinstance(u, Interface) and name in u.all_methods():
                return u.method_pkg(name)
        return self.pkg

    def all_methods(self) -> dict[str, Signature]:
        if self._all is None:
            out: dict[str, Signature] = {}
            self._all = out  # guard against cycles
            for e in self.embeds:
                u = e.underlying()
                if isinstance(u, Interface):
                    out.update(u.all_methods())
            out.update(self.methods)
            self._all = dict(sorted(out.items()))
        return self._all


@dataclass(eq=False, repr=False)
class TypeParam(Type):
    """A type parameter of a generic declaration (only seen while inferring type arguments)."""
    name: str
    index: int
    constraint: Type | None = None
    core: Type | None = None  # the single type term of the constraint (`~[]E`), if any
    basic: bool = True        # constraint has methods only (no type terms)

    def underlying(self) -> Type:
        return self.core.underlying() if self.core is not None else (self.constraint or ANY_T)


@dataclass(eq=False, repr=False)
class Tuple(Type):
    types: list[Type]


@dataclass(eq=False, repr=False)
class Named(Type):
    name: str
    pkg_path: str
    pkg_name: str
    under: Type | None = None
    methods: dict[str, object] = field(default_factory=dict)  # name -> resolver's func object
    type_params: bool = False
    alias_name: str | None = None  # printed name when it differs (e.g. byte, rune, any)

    lazy: object = None  # a callable that resolves `under` on first use
    # generics: an instance of a generic type keeps its origin and type arguments; a shape
    # type (package "go.shape") keeps the constraint whose methods its values may call
    origin: Named | None = None
    targs: list[Type] = field(default_factory=list)
    bound: Interface | None = None
    # a shape bound to a type parameter in an instance's scope: that parameter's index
    # (two parameters with one shape are still two types to the dictionary)
    tparam: int | None = None

    def underlying(self) -> Type:
        if self.under is None and self.lazy is not None:
            fn, self.lazy = self.lazy, None
            fn()  # type: ignore[operator]
        u = self.under
        seen = 0
        while isinstance(u, Named):
            u = u.under
            seen += 1
            if seen > 100:
                break
        return u if u is not None else INVALID


def _b(name: str, kind: str, size: int, signed: bool = True, untyped: bool = False) -> Basic:
    return Basic(name, kind, size, untyped=untyped, signed=signed)


BOOL_T = _b("bool", BOOL, 1)
STRING_T = _b("string", STRING, 16)
INT_T = _b("int", INT, 8)
INT8_T = _b("int8", INT, 1)
INT16_T = _b("int16", INT, 2)
INT32_T = _b("int32", INT, 4)
INT64_T = _b("int64", INT, 8)
UINT_T = _b("uint", INT, 8, signed=False)
UINT8_T = _b("uint8", INT, 1, signed=False)
UINT16_T = _b("uint16", INT, 2, signed=False)
UINT32_T = _b("uint32", INT, 4, signed=False)
UINT64_T = _b("uint64", INT, 8, signed=False)
UINTPTR_T = _b("uintptr", INT, 8, signed=False)
FLOAT32_T = _b("float32", FLOAT, 4)
FLOAT64_T = _b("float64", FLOAT, 8)
COMPLEX64_T = _b("complex64", COMPLEX, 8)
COMPLEX128_T = _b("complex128", COMPLEX, 16)
UNSAFE_POINTER_T = _b("unsafe.Pointer", UNSAFE_PTR, 8)
INVALID = _b("invalid type", "invalid", 8)

UNTYPED_BOOL = _b("untyped bool", BOOL, 1, untyped=True)
UNTYPED_INT = _b("untyped int", INT, 8, untyped=True)
UNTYPED_RUNE = _b("untyped rune", INT, 4, untyped=True)
UNTYPED_FLOAT = _b("untyped float", FLOAT, 8, untyped=True)
UNTYPED_COMPLEX = _b("untyped complex", COMPLEX, 16, untyped=True)
UNTYPED_STRING = _b("untyped string", STRING, 16, untyped=True)
UNTYPED_NIL = _b("untyped nil", NIL, 8, untyped=True)

BASIC_TYPES: dict[str, Type] = {
    t.name: t for t in (BOOL_T, STRING_T, INT_T, INT8_T, INT16_T, INT32_T, INT64_T, UINT_T,
                        UINT8_T, UINT16_T, UINT32_T, UINT64_T, UINTPTR_T, FLOAT32_T, FLOAT64_T,
                        COMPLEX64_T, COMPLEX128_T)
}
# byte and rune are identical to uint8 and int32 but keep their spelling when printed
BYTE_T = _b("byte", INT, 1, signed=False)
RUNE_T = _b("rune", INT, 4)
BASIC_TYPES["byte"] = BYTE_T
BASIC_TYPES["rune"] = RUNE_T
_CANON = {"byte": "uint8", "rune": "int32"}


def canon_name(t: Basic) -> str:
    return _CANON.get(t.name, t.name)

ERROR_T = Named("error", "", "", None)
ERROR_T.under = Interface({"Error": Signature([], [Param(None, STRING_T)])})
ANY_T = Interface()  # the `any` alias resolves to this exact object
COMPARABLE_T = Named("comparable", "", "", Interface(union=True))


def default_type(t: Type) -> Type:
    if isinstance(t, Basic) and t.untyped:
        return {UNTYPED_BOOL.name: BOOL_T, UNTYPED_INT.name: INT_T, UNTYPED_RUNE.name: RUNE_T,
                UNTYPED_FLOAT.name: FLOAT64_T, UNTYPED_COMPLEX.name: COMPLEX128_T,
                UNTYPED_STRING.name: STRING_T}.get(t.name, t)
    return t


def is_untyped(t: Type) -> bool:
    return isinstance(t, Basic) and t.untyped


# ---------------------------------------------------------------- predicates

def is_interface(t: Type) -> bool:
    return isinstance(t.underlying(), Interface)


def is_pointer(t: Type) -> bool:
    return isinstance(t.underlying(), Pointer)


def is_unsafe_pointer(t: Type) -> bool:
    """unsafe.Pointer (the standard library's stub declares it as a named pointer)."""
    if isinstance(t, Named):
        return t.pkg_path == "unsafe" and t.name == "Pointer"
    return isinstance(t, Basic) and t.kind == UNSAFE_PTR


def is_string(t: Type) -> bool:
    u = t.underlying()
    return isinstance(u, Basic) and u.kind == STRING


def is_integer(t: Type) -> bool:
    u = t.underlying()
    return isinstance(u, Basic) and u.kind == INT


def is_numeric(t: Type) -> bool:
    u = t.underlying()
    return isinstance(u, Basic) and u.kind in (INT, FLOAT, COMPLEX)


def is_boolean(t: Type) -> bool:
    u = t.underlying()
    return isinstance(u, Basic) and u.kind == BOOL


def is_basic(t: Type, name: str) -> bool:
    """Is t (through its underlying type) the basic type `name` (byte counts as uint8)?"""
    u = t.underlying()
    return isinstance(u, Basic) and canon_name(u) == name


def is_byte_slice(t: Type) -> bool:
    u = t.underlying()
    return isinstance(u, Slice) and is_basic(u.elem, "uint8")


def is_rune_slice(t: Type) -> bool:
    u = t.underlying()
    return isinstance(u, Slice) and is_basic(u.elem, "int32")


def is_method_set(t: Type, _depth: int = 0) -> bool:
    """Is a constraint basic (methods only, no type terms, not comparable)?"""
    u = t.underlying()
    if not isinstance(u, Interface) or _depth > 20:
        return True
    return not u.union and all(is_method_set(e, _depth + 1) for e in u.embeds)


def has_pointers(t: Type, _seen: set[int] | None = None) -> bool:
    u = t.underlying()
    if isinstance(u, Basic):
        return u.kind in (STRING, UNSAFE_PTR) or u is INVALID
    if isinstance(u, Array):
        return u.length > 0 and has_pointers(u.elem)
    if isinstance(u, Struct):
        seen = _seen or set()
        if id(u) in seen:
            return False
        seen.add(id(u))
        return any(has_pointers(f.type, seen) for f in u.fields)
    if isinstance(u, Tuple):
        return any(has_pointers(x) for x in u.types)
    return True


def is_direct_iface(t: Type) -> bool:
    """Is a value of type t stored directly in an interface's data word? (One word, and
    that word a pointer: `struct{ noCopy; *T }` too.)"""
    return sizeof(t) == PTR_SIZE and ptrdata(t) == PTR_SIZE


def ptrdata(t: Type, _depth: int = 0) -> int:
    """The length of the prefix of a t value that holds pointers."""
    if _depth > 200:
        return PTR_SIZE
    u = t.underlying()
    if isinstance(u, Basic):
        return PTR_SIZE if u.kind in (STRING, UNSAFE_PTR) else 0
    if isinstance(u, (Pointer, Chan, Map, Signature, Slice)):
        return PTR_SIZE
    if isinstance(u, Interface):
        return 2 * PTR_SIZE
    if isinstance(u, Array):
        p = ptrdata(u.elem, _depth + 1)
        return 0 if p == 0 or u.length == 0 else (u.length - 1) * sizeof(u.elem) + p
    if isinstance(u, Struct):
        last = 0
        for f, off in zip(u.fields, field_offsets(u)):
            p = ptrdata(f.type, _depth + 1)
            if p:
                last = off + p
        return last
    return 0


# ---------------------------------------------------------------- sizes

def size_align(t: Type, _depth: int = 0) -> tuple[int, int]:
    if _depth > 200:
        return PTR_SIZE, PTR_SIZE
    u = t.underlying()
    if isinstance(u, Basic):
        if u.kind == STRING:
            return 16, 8
        if u.kind == COMPLEX:
            return u.size, u.size // 2
        return u.size, max(1, u.size)
    if isinstance(u, (Pointer, Map, Chan, Signature)):
        return 8, 8
    if isinstance(u, Slice):
        return 24, 8
    if isinstance(u, Interface):
        return 16, 8
    if isinstance(u, Array):
        es, ea = size_align(u.elem, _depth + 1)
        return es * u.length, ea
    if isinstance(u, Struct):
        off, maxa = 0, 1
        last_zero = False
        for f in u.fields:
            fs, fa = size_align(f.type, _depth + 1)
            off = (off + fa - 1) // fa * fa
            off += fs
            maxa = max(maxa, fa)
            last_zero = fs == 0
        if last_zero and off > 0:
            off += 1
        off = (off + maxa - 1) // maxa * maxa
        return off, maxa
    if isinstance(u, Tuple):
        off, maxa = 0, 1
        for x in u.types:
            fs, fa = size_align(x, _depth + 1)
            off = (off + fa - 1) // fa * fa + fs
            maxa = max(maxa, fa)
        return (off + maxa - 1) // maxa * maxa, maxa
    return PTR_SIZE, PTR_SIZE


def field_offsets(t: Type) -> list[int]:
    """The byte offsets of struct type t's fields (amd64 layout)."""
    u = t.underlying()
    offs = []
    off = 0
    for f in u.fields if isinstance(u, Struct) else []:
        fs, fa = size_align(f.type)
        off = (off + fa - 1) // fa * fa
        offs.append(off)
        off += fs
    return offs


def field_offset(t: Type, fld: Field | None) -> int:
    """The offset of field fld in struct type t (0 if t has no such field)."""
    u = t.underlying()
    fields = u.fields if isinstance(u, Struct) else []
    return next((o for f, o in zip(fields, field_offsets(u)) if f is fld), 0)


def sizeof(t: Type) -> int:
    return size_align(t)[0]


def alignof(t: Type) -> int:
    return size_align(t)[1]


# ---------------------------------------------------------------- identity

def identical(a: Type, b: Type, _depth: int = 0) -> bool:
    if a is b:
        return True
    if _depth > 100:
        return False
    if isinstance(a, Named) or isinstance(b, Named):
        # each type parameter has its own copy of its shape; without methods to call
        # through the dictionary, copies of one shape are one type
        return is_shape(a) and is_shape(b) and a.bound is None and \
            b.bound is None and a.name == b.name  # type: ignore[union-attr]
    if type(a) is not type(b):
        return False
    d = _depth + 1
    if isinstance(a, Basic):
        return canon_name(a) == canon_name(b)  # type: ignore[arg-type]
    if isinstance(a, (Pointer, Slice)):
        return identical(a.elem, b.elem, d)  # type: ignore[attr-defined]
    if isinstance(a, Array):
        return a.length == b.length and identical(a.elem, b.elem, d)  # type: ignore[attr-defined]
    if isinstance(a, Map):
        return identical(a.key, b.key, d) and identical(a.elem, b.elem, d)  # type: ignore[attr-defined]
    if isinstance(a, Chan):
        return a.dir == b.dir and identical(a.elem, b.elem, d)  # type: ignore[attr-defined]
    if isinstance(a, Signature):
        assert isinstance(b, Signature)
        return (a.variadic == b.variadic and len(a.params) == len(b.params)
                and len(a.results) == len(b.results)
                and all(identical(x.type, y.type, d) for x, y in zip(a.params, b.params))
                and all(identical(x.type, y.type, d) for x, y in zip(a.results, b.results)))
    if isinstance(a, Struct):
        assert isinstance(b, Struct)
        return len(a.fields) == len(b.fields) and all(
            x.name == y.name and x.embedded == y.embedded and identical(x.type, y.type, d)
            for x, y in zip(a.fields, b.fields))
    if isinstance(a, Interface):
        assert isinstance(b, Interface)
        am, bm = a.all_methods(), b.all_methods()
        return am.keys() == bm.keys() and all(identical(am[k], bm[k], d) for k in am)
    if isinstance(a, Tuple):
        assert isinstance(b, Tuple)
        return len(a.types) == len(b.types) and all(
            identical(x, y, d) for x, y in zip(a.types, b.types))
    return False


# ---------------------------------------------------------------- printing

def default_pkg_name(path: str) -> str:
    """The package name an import path declares: a standard-library package's own, else
    by convention the last element, version suffixes dropped (`math/rand/v2` is `rand`)."""
    from . import stdlib
    if stdlib.has_package(path):
        name = stdlib.package_name(path)
        if name:
            return name
    last = path.rsplit("/", 1)[-1]
    if last.startswith("v") and last[1:].isdigit() and "/" in path:
        last = path.rsplit("/", 2)[-2]
    for pre in ("go-",):
        if last.startswith(pre):
            last = last[len(pre):]
    return last.replace("-", "_").replace(".", "_")


def type_string(t: Type, local_pkg: str = "", _depth: int = 0, symbol: bool = False) -> str:
    """The compiler's spelling of a type (`interface {}`, `struct { a int }`, `pkg.T`).
    With `symbol`, as in a symbol's name (a wrapper's), where `any` is `interface {}`."""
    if _depth > 50:
        return "..."
    d = _depth + 1

    def s(x: Type) -> str:
        return type_string(x, local_pkg, d, symbol)

    if t is ANY_T:
        return "interface {}" if symbol else "any"
    if isinstance(t, Named):
        if t.alias_name:
            return t.alias_name
        if not t.pkg_path or t.pkg_path == local_pkg or t.pkg_name == "main" and not local_pkg:
            return t.name
        return f"{t.pkg_name}.{t.name}"
    if isinstance(t, Basic):
        return t.name
    comp = _composite(t, s)
    if comp is not None:
        return comp
    if isinstance(t, Signature):
        return "func" + sig_string(t, local_pkg, d, symbol)
    if isinstance(t, Struct):
        if not t.fields:
            return "struct {}"
        parts = []
        for f in t.fields:
            name = f.name
            if f.pkg and f.pkg != local_pkg and not name[:1].isupper() and \
                    not (f.pkg == "main" and not local_pkg):
                name = f"{default_pkg_name(f.pkg)}.{name}"  # another package's unexported field
            parts.append(s(f.type) if f.embedded else f"{name} {s(f.type)}")
        return "struct { " + "; ".join(parts) + " }"
    if isinstance(t, Interface):
        ms = t.all_methods()
        if not ms and not t.union:
            return "interface {}"
        parts = [name + sig_string(sig, local_pkg, d, symbol) for name, sig in ms.items()]
        return "interface { " + "; ".join(parts) + " }"
    if isinstance(t, Tuple):
        return "(" + ", ".join(s(x) for x in t.types) + ")"
    if isinstance(t, TypeParam):
        return t.name
    return "?"


def _composite(t: Type, s: Callable[[Type], str]) -> str | None:
    """Pointer, slice, array, map and channel types spelled with `s` for their parts."""
    if isinstance(t, Pointer):
        return "*" + s(t.elem)
    if isinstance(t, Slice):
        return "[]" + s(t.elem)
    if isinstance(t, Array):
        return f"[{t.length}]" + s(t.elem)
    if isinstance(t, Map):
        return f"map[{s(t.key)}]{s(t.elem)}"
    if isinstance(t, Chan):
        if t.dir == "send":
            return "chan<- " + s(t.elem)
        if t.dir == "recv":
            return "<-chan " + s(t.elem)
        e = t.elem
        if isinstance(e, Chan) and e.dir == "recv":
            return f"chan ({s(e)})"
        return "chan " + s(e)
    return None


def _link_name(name: str, pkg: str | None) -> str:
    """A field or method name in a link string: unexported ones carry their package."""
    return name if name[:1].isupper() or not pkg else f"{pkg}.{name}"


def link_string(t: Type, _depth: int = 0) -> str:
    """The linker's spelling of a type: every named type qualified by its package path,
    unexported field and method names too (`*main.P`, `struct { main.s string }`)."""
    if _depth > 50:
        return "..."
    d = _depth + 1

    def s(x: Type) -> str:
        return link_string(x, d)

    if t is ANY_T:
        return "interface {}"
    if isinstance(t, Named):
        if t.alias_name in ("byte", "rune"):
            return {"byte": "uint8", "rune": "int32"}[t.alias_name]
        if t.alias_name == "any":
            return "interface {}"
        if not t.pkg_path:
            return t.name
        return f"{t.pkg_path}.{t.name}"
    if isinstance(t, Basic):
        return canon_name(t)
    comp = _composite(t, s)
    if comp is not None:
        return comp
    if isinstance(t, Signature):
        return "func" + _link_sig(t, d)
    if isinstance(t, Struct):
        if not t.fields:
            return "struct {}"
        parts = []
        for f in t.fields:
            name = _link_name(f.name, f.pkg)
            if not f.embedded:
                parts.append(f"{name} {s(f.type)}")
                continue
            base = f.type.elem if isinstance(f.type, Pointer) else f.type
            if isinstance(base, Named) and base.name == f.name:
                parts.append(s(f.type))
            else:
                # an embedded field named otherwise than its type (a generic instance,
                # an alias): `node = pkg.node[...]`
                parts.append(f"{name} = {s(f.type)}")
        return "struct { " + "; ".join(parts) + " }"
    if isinstance(t, Interface):
        ms = t.all_methods()
        if not ms:
            return "interface {}"
        parts = [_link_name(name, t.method_pkg(name)) + _link_sig(sig, d)
                 for name, sig in ms.items()]
        return "interface { " + "; ".join(parts) + " }"
    if isinstance(t, TypeParam):
        return t.name
    return "?"


def _link_sig(sig: Signature, depth: int) -> str:
    ps = []
    for i, p in enumerate(sig.params):
        if sig.variadic and i == len(sig.params) - 1 and isinstance(p.type, Slice):
            ps.append("..." + link_string(p.type.elem, depth))
        else:
            ps.append(link_string(p.type, depth))
    out = "(" + ", ".join(ps) + ")"
    if len(sig.results) == 1:
        out += " " + link_string(sig.results[0].type, depth)
    elif sig.results:
        out += " (" + ", ".join(link_string(r.type, depth) for r in sig.results) + ")"
    return out


def parts(t: Type, _depth: int = 0) -> Iterator[Type]:
    """t and the types it is spelled with: elements, keys, fields, parameters and results,
    an instance's type arguments (not a named type's underlying type)."""
    yield t
    if _depth > 20:
        return
    d = _depth + 1
    if isinstance(t, Named):
        subs: list[Type] = list(t.targs)
    elif isinstance(t, (Pointer, Slice, Array, Chan)):
        subs = [t.elem]
    elif isinstance(t, Map):
        subs = [t.key, t.elem]
    elif isinstance(t, Signature):
        subs = [p.type for p in t.params + t.results]
    elif isinstance(t, Struct):
        subs = [f.type for f in t.fields]
    else:
        return
    for x in subs:
        yield from parts(x, d)


def has_tparam(t: Type) -> bool:
    """Does t still mention a type parameter (or a type that did not resolve)?"""
    return any(isinstance(x, TypeParam) or x is INVALID for x in parts(t))


def is_shape(t: Type) -> bool:
    """Is t a shape type (`go.shape.*`, what instantiated code is compiled for)?"""
    return isinstance(t, Named) and t.pkg_path == "go.shape"


def has_shape(t: Type) -> bool:
    """Does t mention a shape type (a type argument of instantiated code)?"""
    return any(is_shape(x) for x in parts(t))


def sig_string(sig: Signature, local_pkg: str = "", _depth: int = 0,
               symbol: bool = False) -> str:
    def s(x: Type) -> str:
        return type_string(x, local_pkg, _depth, symbol)
    ps = []
    for i, p in enumerate(sig.params):
        if sig.variadic and i == len(sig.params) - 1 and isinstance(p.type, Slice):
            ps.append("..." + s(p.type.elem))
        else:
            ps.append(s(p.type))
    out = "(" + ", ".join(ps) + ")"
    if len(sig.results) == 1:
        out += " " + s(sig.results[0].type)
    elif sig.results:
        out += " (" + ", ".join(s(r.type) for r in sig.results) + ")"
    return out
