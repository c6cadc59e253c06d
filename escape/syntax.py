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

    @property
    def root(self) -> Node:
        return self.tree.root_node


class SyntaxProblem(Exception):
    def __init__(self, display: str, line: int, col: int, msg: str) -> None:
        super().__init__(f"{display}:{line}:{col}: {msg}")
        self.display, self.line, self.col, self.msg = display, line, col, msg


def parse(path: Path, display: str, src: bytes) -> SourceFile:
    parser = ts.Parser(language())
    tree = parser.parse(src)
    return SourceFile(path, display, src, tree)


def first_syntax_error(f: SourceFile) -> SyntaxProblem | None:
    if not f.root.has_error:
        return None
    caps = captures("unsupported", f.root)
    nodes = caps.get("syntax.error", []) + caps.get("syntax.missing", [])
    if not nodes:
        # has_error can also be set by a MISSING node the query did not reach
        nodes = [f.root]
    n = min(nodes, key=lambda x: x.start_byte)
    line, col = n.start_point.row + 1, n.start_point.column + 1
    if n.is_missing:
        what = f"missing {n.type}"
    else:
        tok = n.text.decode("utf-8", "replace").split("\n")[0][:20] if n.text else ""
        what = f"unexpected {tok}" if tok else "unexpected input"
    return SyntaxProblem(f.display, line, col, f"syntax error: {what}")


def text(n: Node) -> str:
    return n.text.decode("utf-8", "surrogateescape") if n.text is not None else ""


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
