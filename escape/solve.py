"""Solve phase: propagate from every root location over the graph's incoming edges.

For each root, a shortest-path walk (minimum dereferences, clamped at zero) finds
every location whose value reaches it. If an address reaches a root that outlives
the location, the location escapes; parameters reached from the heap or from their
function's results record leaks. Newly escaping locations are walked again as roots.
"""

from __future__ import annotations

from collections import deque

from . import ir
from .graph import CALLS, ESCAPES, MUTATES, NUM_RESULTS, PERSISTS, Batch, Location


def _contains_closure(outer: ir.Func | None, inner: ir.Func | None) -> bool:
    """Is `inner` a function literal nested (at any depth) inside `outer`?"""
    if outer is None or inner is None or outer is inner:
        return False
    f = inner.parent
    while f is not None:
        if f is outer:
            return True
        f = f.parent
    return False


class Solver:
    def __init__(self, b: Batch) -> None:
        self.b = b
        self.results_lost: set[int] = set()

    def outlives(self, root: Location, other: Location) -> bool:
        b = self.b
        if root.attrs & ESCAPES:
            return True
        if root is b.mutator or root is b.callee:
            return False
        if root.param_out:
            if _contains_closure(other.fn, root.fn) and id(root.fn) not in self.results_lost:
                return False
            return True
        if root.fn is other.fn and root.fn is not None and root.loop_depth < other.loop_depth:
            return True
        if _contains_closure(root.fn, other.fn):
            return True
        return False

    def walk_all(self) -> None:
        b = self.b
        todo: deque[Location] = deque()

        def enqueue(loc: Location) -> None:
            if not loc.queued_all:
                loc.queued_all = True
                if loc.attrs & ESCAPES:
                    todo.appendleft(loc)
                else:
                    todo.append(loc)

        for loc in b.all_locs:
            todo.appendleft(loc)
            loc.queued_all = True
        for special in (b.mutator, b.callee, b.heap):
            todo.appendleft(special)
            special.queued_all = True
        gen = 0
        while todo:
            root = todo.popleft()
            root.queued_all = False
            gen += 1
            self.walk_one(root, gen, enqueue)

    def walk_one(self, root: Location, gen: int, enqueue) -> None:  # type: ignore[no-untyped-def]
        b = self.b
        root.walkgen = gen
        root.derefs = 0
        root.dst = None
        if root.attrs & CALLS and isinstance(root.n, ir.Expr) and root.n.op == "closure":
            fn = root.n.func
            if fn is not None and b.in_batch(fn) and id(fn) not in self.results_lost:
                self.results_lost.add(id(fn))
                for r in fn.results:
                    loc = b.old_loc(r)
                    if loc is not None:
                        enqueue(loc)
        todo: deque[Location] = deque([root])
        popleft = todo.popleft
        push = todo.append
        pred = b.g._pred  # the DiGraph's own predecessor dicts (no view objects)
        explain = b.explain
        outlives = self.outlives
        # (root.attrs is read afresh each time: the walk can reach the root again)
        while todo:
            loc = popleft()
            loc.queued_one = 0
            derefs = loc.derefs
            new_attrs = 0
            if derefs < 0:
                derefs = 0
                if outlives(root, loc):
                    if explain is not None and not loc.attrs & ESCAPES:
                        b.emit(explain.escapes(b, root, loc))
                    new_attrs |= ESCAPES | PERSISTS | MUTATES | CALLS
                elif root.attrs & PERSISTS:
                    new_attrs |= PERSISTS
            if derefs == 0:
                new_attrs |= root.attrs & (MUTATES | CALLS)
            if loc.param:
                if outlives(root, loc):
                    if explain is not None and not loc.attrs & ESCAPES:
                        b.emit(explain.leaks(b, root, loc, derefs))
                    self.leak_to(loc, root, derefs)
                if root.attrs & MUTATES:
                    loc.leaks.add(1, derefs)  # type: ignore[union-attr]
                if root.attrs & CALLS:
                    loc.leaks.add(2, derefs)  # type: ignore[union-attr]
            if new_attrs & ~loc.attrs:
                loc.attrs |= new_attrs
                enqueue(loc)
                if loc.attrs & ESCAPES:
                    continue
            for src, data in pred[loc].items():
                if src.attrs & ESCAPES:
                    continue
                d = derefs + data["derefs"]
                if src.walkgen != gen or src.derefs > d:
                    src.walkgen = gen
                    src.derefs = d
                    src.dst = loc
                    if src.queued_one != gen:
                        src.queued_one = gen
                        push(src)

    def leak_to(self, loc: Location, sink: Location, derefs: int) -> None:
        if not sink.has(ESCAPES) and sink.param_out and sink.fn is loc.fn:
            ri = sink.result_index - 1
            if ri < NUM_RESULTS:
                loc.leaks.add(3 + ri, derefs)  # type: ignore[union-attr]
                return
        loc.leaks.add(0, derefs)  # type: ignore[union-attr]
