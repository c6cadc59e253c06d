"""Parse phase: tree-sitter-go parsing and the query files in `queries/`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import tree_sitter as ts
import tree_sitter_go as tsg

Node = ts.Node


@functools.lru_cache(maxsize=1)
def language() -> ts.Language:
    return ts.Language(tsg.language())


def _queries_dir() -> Path:
    here = Path(__file__).resolve().parent
    for cand in (here / "queries", here.parent / "queries"):
        if cand.is_dir():
            return cand
    raise FileNotFoundError("queries/ directory not found next to the escape package")


@functools.cache
def query(name: str) -> ts.Query:
    text = (_queries_dir() / f"{name}.scm").read_text()
    return ts.Query(language(), text)


def captures(name: str, node: Node) -> dict[str, list[Node]]:
    return ts.QueryCursor(query(name)).captures(node)


def matches(name: str, node: Node) -> list[tuple[int, dict[str, list[Node]]]]:
    return ts.QueryCursor(query(name)).matches(node)


@dataclass
class SourceFile:
    path: Path
    display: str
    src: bytes
    tree: ts.Tree
    # start bytes of `new` identifiers parsed as NEW_STANDIN (see parse)
    new_calls: frozenset[int] = frozenset()

    @property
    def root(self) -> Node:
        return self.tree.root_node


class SyntaxProblem(Exception):
    def __init__(self, display: str, line: int, col: int, msg: str) -> None:
        super().__init__(f"{display}:{line}:{col}: {msg}")
        self.display, self.line, self.col, self.msg = display, line, col, msg


# tree-sitter-go parses `new(...)`'s argument as a type only; Go 1.26 allows any
# expression (`new(5)`, `new(s + "x")`). Such a call is parsed again with `new` spelled
# as this identifier of the same byte length, so every position stays the same.
NEW_STANDIN = "\u00f1w"


def parse(path: Path, display: str, src: bytes) -> SourceFile:
    parser = ts.Parser(language())
    tree = parser.parse(src)
    if tree.root_node.has_error and b"new" in src:
        offsets: set[int] = set()
        best, fixed = tree, src
        for _ in range(3):  # each pass may expose calls an error had hidden
            more = _failed_new_calls(best) - offsets
            if not more:
                break
            offsets |= more
            buf = bytearray(fixed)
            for off in more:
                buf[off:off + 3] = NEW_STANDIN.encode()
            fixed = bytes(buf)
            best = parser.parse(fixed)
        if best is not tree and _error_count(best.root_node) < _error_count(tree.root_node):
            return SourceFile(path, display, src, best, frozenset(offsets))
    return SourceFile(path, display, src, tree)


def _failed_new_calls(tree: ts.Tree) -> set[int]:
    """Start bytes of the `new` identifiers, followed by `(`, that sit in a part of the
    tree that failed to parse."""
    out = set()
    for ident in descendants(tree.root_node, "identifier"):
        if ident.text != b"new":
            continue
        nxt = ident.next_sibling
        call_failed = ident.parent is not None and ident.parent.type == "call_expression" \
            and (ident.parent.has_error or (ident.parent.parent is not None
                                              and ident.parent.parent.has_error))
        in_error = nxt is not None and nxt.type in ("(", "argument_list", "special_argument_list",
                                                    "ERROR") and _under_error(ident)
        if call_failed or in_error:
            out.add(ident.start_byte)
    return out


def _under_error(n: Node) -> bool:
    p = n.parent
    while p is not None:
        if p.type == "ERROR":
            return True
        p = p.parent
    return False


def _error_count(n: Node) -> int:
    return len(descendants(n, "ERROR")) + (1 if n.has_error else 0)


def first_syntax_error(f: SourceFile) -> SyntaxProblem | None:
    """The first syntax error of a file, worded the way cmd/compile words it for the
    common cases (`syntax error: unexpected }, expected expression`, `... at end of
    statement`, `... in argument list; possibly missing comma or )`, `non-declaration
    statement outside function body`), else a generic `syntax error: unexpected X`.

    Costs nothing on a file without errors beyond a look at its top-level declarations;
    the token-level wording runs only on a file tree-sitter found an error in."""
    top = _top_level_error(f)
    if not f.root.has_error:
        return top
    caps = captures("unsupported", f.root)
    nodes = caps.get("syntax.error", []) + caps.get("syntax.missing", [])
    if not nodes:
        # has_error can also be set by a MISSING node the query did not reach
        nodes = [f.root]
    n = min(nodes, key=lambda x: x.start_byte)
    worded = _compiler_wording(f, n)
    if worded is not None:
        off, msg = worded
        if top is not None and _offset_of(f, top) <= off:
            return top
        line, col = _line_col(f.src, off)
        return SyntaxProblem(f.display, line, col, msg)
    if top is not None:
        return top
    line, col = n.start_point.row + 1, n.start_point.column + 1
    if n.is_missing:
        what = f"missing {n.type}"
    else:
        tok = n.text.decode("utf-8", "replace").split("\n")[0][:20] if n.text else ""
        what = f"unexpected {tok}" if tok else "unexpected input"
    return SyntaxProblem(f.display, line, col, f"syntax error: {what}")


# ---------------------------------------------------------------- compiler wording

_DECLS = {"package_clause", "import_declaration", "function_declaration",
          "method_declaration", "type_declaration", "const_declaration", "var_declaration",
          "comment", "ERROR"}


def _top_level_error(f: SourceFile) -> SyntaxProblem | None:
    """Top-level shapes tree-sitter-go accepts and the compiler does not."""
    seen_decl = False
    for c in f.root.children:
        if not c.is_named:
            continue
        if c.type not in _DECLS:
            line, col = c.start_point.row + 1, c.start_point.column + 1
            return SyntaxProblem(f.display, line, col,
                                 "syntax error: non-declaration statement outside function "
                                 "body")
        if c.type == "import_declaration" and seen_decl:
            line, col = c.start_point.row + 1, c.start_point.column + 1
            return SyntaxProblem(f.display, line, col,
                                 "syntax error: imports must appear before other declarations")
        if c.type not in ("package_clause", "import_declaration", "comment"):
            seen_decl = True
    return None


def _offset_of(f: SourceFile, p: SyntaxProblem) -> int:
    lines = f.src.split(b"\n", p.line - 1)
    return sum(len(x) + 1 for x in lines[:p.line - 1]) + p.col - 1


def _line_col(src: bytes, off: int) -> tuple[int, int]:
    line = src.count(b"\n", 0, off) + 1
    return line, off - (src.rfind(b"\n", 0, off) + 1) + 1


_KEYWORDS = {"break", "case", "chan", "const", "continue", "default", "defer", "else",
             "fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map",
             "package", "range", "return", "select", "struct", "switch", "type", "var"}
_OPS = sorted("""<<= >>= &^= ... && || <- ++ -- == != <= >= := += -= *= /= %= &= |= ^= << >>
&^ + - * / % & | ^ < > = ! ( ) [ ] { } , ; . : ~""".split(), key=len, reverse=True)


@dataclass
class _Tok:
    kind: str   # name, keyword, literal, op, semi (lit: semicolon, newline, EOF)
    lit: str
    off: int

    def desc(self) -> str:
        if self.kind == "name":
            return f"name {self.lit}"
        if self.kind == "literal":
            return f"literal {self.lit}"
        if self.kind == "keyword":
            return f"keyword {self.lit}"
        if self.kind == "semi":
            return self.lit
        if self.lit == ",":
            return "comma"
        return self.lit


def _tokens(src: bytes, lex_errors: list[tuple[int, str]] | None = None) -> list[_Tok]:
    """Go's tokens with automatic semicolons (cmd/compile's scanner, simplified); the
    scanner's errors (`invalid character`, `newline in string`) go to lex_errors."""
    s = src.decode("utf-8", "replace")
    out: list[_Tok] = []
    errs = lex_errors if lex_errors is not None else []
    i, n = 0, len(s)
    nlsemi = False
    boff = 0  # byte offset of s[i]
    enc = functools.partial(str.encode, encoding="utf-8", errors="replace")

    def add(kind: str, lit: str, start: int) -> None:
        out.append(_Tok(kind, lit, start))

    while i < n:
        c = s[i]
        start_b = boff
        if c == "\n":
            if nlsemi:
                add("semi", "newline", start_b)
                nlsemi = False
            i += 1
            boff += 1
            continue
        if c in " \t\r":
            i += 1
            boff += 1
            continue
        if s.startswith("//", i):
            j = s.find("\n", i)
            j = n if j < 0 else j
            boff += len(enc(s[i:j]))
            i = j
            continue
        if s.startswith("/*", i):
            j = s.find("*/", i + 2)
            j = n if j < 0 else j + 2
            if nlsemi and "\n" in s[i:j]:
                add("semi", "newline", start_b)
                nlsemi = False
            boff += len(enc(s[i:j]))
            i = j
            continue
        j = i
        if c.isalpha() or c == "_":
            while j < n and (s[j].isalnum() or s[j] == "_"):
                j += 1
            word = s[i:j]
            kind = "keyword" if word in _KEYWORDS else "name"
            add(kind, word, start_b)
            nlsemi = kind == "name" or word in ("break", "continue", "fallthrough", "return")
        elif c.isdigit() or (c == "." and i + 1 < n and s[i + 1].isdigit()):
            while j < n and (s[j].isalnum() or s[j] in "._" or
                             (s[j] in "+-" and s[j - 1] in "eEpP" and not
                              s[i:j].lower().startswith("0x") or
                              s[j] in "+-" and s[j - 1] in "pP")):
                j += 1
            add("literal", s[i:j], start_b)
            nlsemi = True
        elif c in "\"'`":
            j = i + 1
            while j < n and s[j] != c:
                if c != "`" and s[j] == "\n":
                    errs.append((start_b + len(enc(s[i:j])),
                                 "newline in string" if c == '"' else
                                 "newline in rune literal"))
                    break
                j += 2 if (s[j] == "\\" and c != "`") else 1
            if j >= n:
                errs.append((start_b, "string literal not terminated" if c != "'" else
                             "rune literal not terminated"))
            j = min(j + 1, n)
            add("literal", s[i:j], start_b)
            nlsemi = True
        else:
            op = next((o for o in _OPS if s.startswith(o, i)), "")
            if not op:
                shown = f" '{c}'" if c.isprintable() else ""
                errs.append((start_b, f"invalid character U+{ord(c):04X}{shown}"))
                op = c
            j = i + len(op)
            if op == ";":
                add("semi", "semicolon", start_b)
            else:
                add("op", op, start_b)
            nlsemi = op in (")", "]", "}", "++", "--")
        boff += len(enc(s[i:j]))
        i = j
    if nlsemi:
        add("semi", "EOF", len(src))
    add("semi", "EOF", len(src))
    return out


_ENDERS = {")", "]", "}", "++", "--"}
_NO_EXPR = {")", "]", "}", ",", ";", ":", "=", ":="}
_BINARY = {"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "&^", "&&", "||", "==", "!=",
           "<", "<=", ">", ">=", "<-", ":=", "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=",
           "^=", "<<=", ">>=", "&^=", ","}
_LISTS = {"argument_list": "argument list; possibly missing comma or )",
          "literal_value": "composite literal; possibly missing comma or }",
          "parameter_list": "parameter list; possibly missing comma or )"}


def _ender(t: _Tok) -> bool:
    return t.kind in ("name", "literal") or (t.kind == "op" and t.lit in _ENDERS) or (
        t.kind == "keyword" and t.lit in ("break", "continue", "fallthrough", "return"))


def _enclosing(f: SourceFile, off: int) -> Node | None:
    n = f.root.descendant_for_byte_range(off, off)
    while n is not None and n.type not in _LISTS and n.type not in (
            "block", "field_declaration_list", "source_file", "for_clause"):
        n = n.parent
    return n


def _compiler_wording(f: SourceFile, err: Node) -> tuple[int, str] | None:
    lex: list[tuple[int, str]] = []
    toks = _tokens(f.src, lex)
    found = _parse_wording(f, err, toks)
    if lex and (found is None or lex[0][0] <= found[0]):
        return lex[0]
    return (found[0], "syntax error: " + found[1]) if found is not None else None


def _parse_wording(f: SourceFile, err: Node, toks: list[_Tok]) -> tuple[int, str] | None:
    start = err.start_byte
    i = next((k for k, t in enumerate(toks) if t.off >= start), len(toks) - 1)
    if err.is_missing:
        t = toks[i]
        # the missing token is reported at the token after it
        if err.type == "}":
            return t.off, f"unexpected {t.desc()}, expected }}"
        if err.type in (")", "]"):
            ctx = err.parent.type if err.parent is not None else ""
            if ctx in _LISTS:
                return t.off, f"unexpected {t.desc()} in {_LISTS[ctx]}"
            return t.off, f"unexpected {t.desc()}, expected {err.type}"
        if err.type in ("identifier", "field_identifier") and i > 0 and toks[i - 1].lit == ".":
            return t.off, f"unexpected {t.desc()}, expected name or ("
        if err.type == "identifier":
            return t.off, f"unexpected {t.desc()}, expected expression"
        if err.type == ";":
            return t.off, f"unexpected {t.desc()}, expected semicolon or newline"
        return None
    end = err.end_byte
    # scan the tokens of the error region (and the one after it) for the first pair the
    # compiler's parser would stop at
    k0 = max(i - 1, 0)
    for k in range(k0, len(toks) - 1):
        a, b = toks[k], toks[k + 1]
        if a.off > end:
            break
        if a.kind == "keyword" and a.lit == "else" and not (
                b.lit == "if" or b.lit == "{"):
            return b.off, "else must be followed by if or statement block"
        if a.kind == "keyword" and a.lit == "func" and b.lit not in ("(",) and \
                k > 0 and toks[k - 1].kind in ("op",) and toks[k - 1].lit in _BINARY | {"("}:
            return b.off, f"unexpected {b.desc()}, expected ("
        if a.kind == "op" and a.lit == "." and b.kind != "name" and b.lit != "(":
            return b.off, f"unexpected {b.desc()}, expected name or ("
        if b.kind == "keyword" and b.lit in ("case", "default"):
            ctx = _enclosing(f, b.off)
            if ctx is not None and ctx.type == "block":
                return b.off, f"unexpected {b.desc()}, expected }}"
        if a.kind == "op" and a.lit in _BINARY and (b.kind == "semi" or b.lit in _NO_EXPR):
            ctx = _enclosing(f, a.off)
            if a.lit == "," and ctx is not None and ctx.type == "field_declaration_list":
                return a.off, ("unexpected comma in struct type; possibly missing semicolon "
                               "or newline or }")
            if not (a.lit == "," and b.lit in ")]}" and ctx is not None and
                    ctx.type in _LISTS):
                return b.off, f"unexpected {b.desc()}, expected expression"
        if _ender(a) and b.kind in ("name", "literal", "keyword") and b.lit != "else" or (
                _ender(a) and b.kind == "op" and b.lit in ("++", "--") and a.lit in _ENDERS):
            ctx = _enclosing(f, b.off)
            if ctx is not None and ctx.type in _LISTS:
                return b.off, f"unexpected {b.desc()} in {_LISTS[ctx.type]}"
            if ctx is not None and ctx.type == "block":
                return b.off, f"unexpected {b.desc()} at end of statement"
            if ctx is not None and ctx.type == "source_file" and b.kind != "keyword":
                return b.off, "non-declaration statement outside function body"
        if a.kind == "op" and a.lit == "}" and k > 0 and _enclosing(f, a.off) is not None \
                and _enclosing(f, a.off).type == "source_file":  # type: ignore[union-attr]
            return a.off, "non-declaration statement outside function body"
    if err.parent is not None and err.parent.type == "source_file" and toks[i].kind == "keyword" \
            and toks[i].lit == "var" and i + 2 < len(toks) and toks[i + 2].kind == "semi":
        return toks[i + 2].off, f"unexpected {toks[i + 2].desc()}, expected type"
    return None


def text(n: Node) -> str:
    t = n.text  # each access copies the bytes out of the tree: read it once
    return t.decode("utf-8", "surrogateescape") if t is not None else ""


def named_children(n: Node) -> list[Node]:
    return [c for c in n.named_children if c.type != "comment"]


def descendants(n: Node, kind: str, stop: str | None = None) -> list[Node]:
    """All nodes of type `kind` below n (n included), in document order, not looking
    inside nodes of type `stop`."""
    out, stack = [], [n]
    while stack:
        x = stack.pop()
        if x.type == kind:
            out.append(x)
        if x.type != stop:
            stack.extend(reversed(x.named_children))
    return out
