"""Imported packages: the standard library from the shipped data, others as unknown.

A standard-library package is resolved from its declaration stub (the same resolver
that handles user code) and its functions carry the escape tags the compiler computed
when it built the library the normal way. A package outside the standard library is
unknown: calls into it are opaque, as for a callee the compiler knows nothing about.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import stdlib
from .graph import NUM_RESULTS, Leaks
from .resolve import Resolver
from .syntax import parse


class StdImporter:
    """Loads standard-library packages on first use; one instance per analysis run."""

    def __init__(self) -> None:
        self.cache: dict[str, Resolver | None] = {}
        self.missing: list[str] = []

    def __call__(self, path: str) -> Resolver | None:
        if path in self.cache:
            return self.cache[path]
        self.cache[path] = None  # guards import cycles
        pkg = stdlib.load_package(path) if stdlib.has_package(path) else None
        if pkg is None and stdlib.has_package("vendor/" + path):
            pkg = stdlib.load_package("vendor/" + path)  # what std packages import
        if pkg is None:
            if path not in self.missing:
                self.missing.append(path)
            return None
        from .lower import Lowerer  # late: lower imports resolve
        sf = parse(Path(f"$GOROOT/src/{path}/stub.go"), f"$GOROOT/src/{path}/stub.go",
                   pkg.stub.encode())
        res = Resolver([sf], path, self)
        res.line_map = [(stub_line, f"$GOROOT/src/{pkg.path}/{fname}", orig)
                        for stub_line, fname, orig in pkg.lines]
        res.reach = pkg.reach  # type: ignore[attr-defined]
        low = Lowerer(res)
        res.lowerer = low  # type: ignore[attr-defined]
        res.lazy = True
        res.generic_source = pkg.generic.get
        res.collect()
        for v in res.globals:
            v.owner = res  # type: ignore[attr-defined]
        for fn in res.funcs:
            fn.owner_res = res  # type: ignore[attr-defined]
            # the JSON text: decoded (by decode_tags) only for functions a call reaches
            fn.std_record = pkg.funcs.raw(fn.name)  # type: ignore[attr-defined]
            fn.qual = res.name  # type: ignore[attr-defined]
        self.cache[path] = res
        return res


def decode_tags(rec: dict[str, Any] | str | None, nparams: int) -> list[Leaks] | None:
    """The compiler's parameter tags for one function, receiver first (`rec`: the
    function's record, or its JSON text)."""
    if isinstance(rec, str):
        rec = json.loads(rec)
    if rec is None or rec.get("generic") or not rec.get("body", True) and not rec.get(
            "noescape"):
        return None
    out: list[Leaks] = []
    params = rec.get("params") or []
    for i in range(nparams):
        p = params[i] if i < len(params) else None
        if p is None:
            out.append(Leaks.heap_all())
            continue
        lk = Leaks()
        if p.get("moved"):
            lk = Leaks.heap_all()
        elif not p.get("reported"):
            # silent: a scalar (empty tag, decoded as a heap leak) or an unnamed parameter
            lk = Leaks() if p.get("name") in (None, "_", "") else Leaks.heap_all()
        else:
            # Leaks slots: 0 heap, 1 mutator, 2 callee, 3.. results
            for slot, key in ((0, "heap"), (1, "mutator"), (2, "callee")):
                if p.get(key) is not None:
                    lk.add(slot, int(p[key]))
            for r, d in enumerate((p.get("results") or [])[:NUM_RESULTS]):
                if d is not None:
                    lk.add(3 + r, int(d))
            lk = lk.encoded()
        out.append(lk)
    return out
