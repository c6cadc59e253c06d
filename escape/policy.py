"""Policy phase: turn decisions into pass/fail for CI.

Three sources of violations, all checked against the decisions the analysis made:
- annotations in Go comments (`//escape:stack`, `//escape:noleak`, `//escape:heap-ok`,
  gcassert's `//gcassert:noescape`), scanned from the sources with tree-sitter;
- `--fail-on heap`: every heap decision not exempted by `//escape:heap-ok`;
- `--fail-on new` with a baseline: heap decisions the baseline does not record. Entries
  match by file, function and message (which names the variable or expression), never by
  line, so edits elsewhere in a file do not invalidate a baseline.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .decisions import LEAK_KINDS, Decision, Diagnostic

FAIL_ON = ("annotations", "heap", "new", "never")

# Annotation names, as written after `//`.
STACK = "escape:stack"
NOLEAK = "escape:noleak"
HEAP_OK = "escape:heap-ok"
GCASSERT_NOESCAPE = "gcassert:noescape"
KNOWN = (STACK, NOLEAK, HEAP_OK, GCASSERT_NOESCAPE)
# What a violation's `rule` can be: a failed assertion, or the --fail-on heap/new policy.
POLICY_RULES = (STACK, NOLEAK, GCASSERT_NOESCAPE, "heap", "new")
# gcassert directives escape does not check (they concern inlining and bounds checks).
GCASSERT_OTHER = ("gcassert:inline", "gcassert:bce")

HEAP_LEAK_KINDS = ("leaking_param", "leaking_param_content")

# Directives are written as Go writes them (`//go:noinline`): no space after the slashes
# or around the colon, and a name. `// escape: ...` in prose is not a directive.
_DIRECTIVE = re.compile(rb"^//([A-Za-z][A-Za-z_-]*):([A-Za-z][A-Za-z_-]*)(\s.*)?$", re.S)

BASELINE_VERSION = 1


@dataclass(frozen=True)
class Annotation:
    name: str                 # one of KNOWN
    file: str                 # display path
    line: int                 # where the comment is
    column: int
    target: int               # the source line it applies to
    reason: str = ""
    # For annotations that document a function: the spans of its receiver and parameter
    # lists as ((line, col), (line, col)) pairs, 1-based, end exclusive.
    params: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()
    func_lines: tuple[int, int] = (0, 0)

    @property
    def on_function(self) -> bool:
        return bool(self.func_lines[0])


@dataclass(frozen=True)
class Violation:
    rule: str          # escape:stack, escape:noleak, gcassert:noescape, heap, new
    file: str
    line: int
    column: int
    message: str       # one line, for people
    decision: Decision | None = None

    def line_text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"

    def to_dict(self) -> dict:
        d = {"rule": self.rule, "file": self.file, "line": self.line, "column": self.column,
             "message": self.message}
        if self.decision is not None:
            d["decision"] = {"kind": self.decision.kind, "message": self.decision.message,
                             "function": self.decision.function,
                             "subject": self.decision.subject}
        return d


@dataclass
class Annotations:
    items: list[Annotation] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Scanning


_DIRECTIVE_ANYWHERE = re.compile(rb"//([A-Za-z][A-Za-z_-]*):[A-Za-z]")


def _namespace_is_ours(ns: str) -> bool:
    """`escape`, `gcassert`, or a misspelling of one of them (not go:, nolint:, ...)."""
    return bool(difflib.get_close_matches(ns.lower(), ["escape", "gcassert"], n=1,
                                          cutoff=0.75))


def _mentions_directive(src: bytes) -> bool:
    """Whether a file may hold an annotation: only then is it parsed."""
    seen: set[bytes] = set()
    for m in _DIRECTIVE_ANYWHERE.finditer(src):
        ns = m.group(1)
        if ns not in seen:
            seen.add(ns)
            if _namespace_is_ours(ns.decode()):
                return True
    return False


def scan_annotations(display: str, src: bytes) -> Annotations:
    """Every annotation comment of one file, and errors for malformed ones."""
    out = Annotations()
    if not _mentions_directive(src):
        return out
    from .syntax import captures, parse

    sf = parse(Path(display), display, src)
    caps = captures("annotations", sf.root)
    lines = src.split(b"\n")
    funcs = {f.start_point.row: f for f in caps.get("func", [])}
    comment_rows = {c.start_point.row for c in caps.get("comment", [])
                    if c.start_point.row == c.end_point.row}
    for c in sorted(caps.get("comment", []), key=lambda n: n.start_byte):
        text = src[c.start_byte:c.end_byte]
        m = _DIRECTIVE.match(text)
        if not m:
            continue
        ns, name, rest = (m.group(1).decode(), m.group(2).decode(),
                          (m.group(3) or b"").decode("utf-8", "replace").strip())
        full = f"{ns}:{name}"
        row, col = c.start_point.row, c.start_point.column + 1
        if full not in KNOWN:
            if full in GCASSERT_OTHER:
                out.diagnostics.append(Diagnostic(
                    display, row + 1, col, f"//{full} is not checked by escape "
                    f"(only //{GCASSERT_NOESCAPE} is)", "warning"))
                continue
            if not _namespace_is_ours(ns):
                continue  # someone else's directive (//go:, //nolint:, //lint:, ...)
            guess = difflib.get_close_matches(full.lower(), KNOWN, n=1, cutoff=0.5)
            hint = f" (did you mean //{guess[0]}?)" if guess else \
                f" (valid: {', '.join('//' + k for k in KNOWN)})"
            out.diagnostics.append(Diagnostic(display, row + 1, col,
                                              f"unknown annotation //{full}{hint}", "error"))
            continue
        own_line = not lines[row][:c.start_point.column].strip()
        target = row
        if own_line:  # applies to the next line that is neither blank nor a comment
            target = row + 1
            while target < len(lines) and (not lines[target].strip()
                                           or target in comment_rows):
                target += 1
        # Only a comment on its own line can document the function below it.
        fn = funcs.get(target) if own_line else None
        params: list[tuple[tuple[int, int], tuple[int, int]]] = []
        func_lines = (0, 0)
        if fn is not None:
            for child in (fn.child_by_field_name("receiver"),
                          fn.child_by_field_name("parameters")):
                if child is not None:
                    params.append(((child.start_point.row + 1, child.start_point.column + 1),
                                   (child.end_point.row + 1, child.end_point.column + 1)))
            func_lines = (fn.start_point.row + 1, fn.end_point.row + 1)
        if full == NOLEAK and fn is None:
            out.diagnostics.append(Diagnostic(
                display, row + 1, col,
                f"//{NOLEAK} must be in the comment above a function declaration", "error"))
            continue
        if full == HEAP_OK and not rest:
            out.diagnostics.append(Diagnostic(
                display, row + 1, col, f"//{HEAP_OK} needs a reason: //{HEAP_OK} why",
                "error"))
            continue
        out.items.append(Annotation(full, display, row + 1, col, target + 1, rest,
                                    tuple(params), func_lines))
    return out


# ---------------------------------------------------------------------------------------
# Checking


def _inside(d: Decision, spans: Iterable[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
    pos = (d.line, d.column)
    return any(start <= pos < end for start, end in spans)


def check_annotations(decisions: list[Decision], anns: list[Annotation]) -> list[Violation]:
    by_line: dict[tuple[str, int], list[Decision]] = {}
    for d in decisions:
        by_line.setdefault((d.file, d.line), []).append(d)
    out: list[Violation] = []
    for a in anns:
        if a.name == STACK or (a.name == GCASSERT_NOESCAPE and not a.on_function):
            for d in by_line.get((a.file, a.target), []):
                if d.is_heap:
                    out.append(Violation(a.name, d.file, d.line, d.column,
                                         f"//{a.name} violated: {d.message}", d))
        elif a.name in (NOLEAK, GCASSERT_NOESCAPE):
            kinds = LEAK_KINDS if a.name == NOLEAK else HEAP_LEAK_KINDS + ("moved_to_heap",)
            for d in decisions:
                if d.file == a.file and d.kind in kinds and _inside(d, a.params):
                    out.append(Violation(a.name, d.file, d.line, d.column,
                                         f"//{a.name} violated: {d.message}", d))
    return out


def heap_ok_lines(anns: list[Annotation]) -> set[tuple[str, int]]:
    return {(a.file, a.target) for a in anns if a.name == HEAP_OK}


def unused_heap_ok(decisions: list[Decision], anns: list[Annotation]) -> list[Diagnostic]:
    heap = {(d.file, d.line) for d in decisions if d.is_heap}
    return [Diagnostic(a.file, a.line, a.column,
                       f"//{HEAP_OK} exempts line {a.target}, which has no heap decision",
                       "warning")
            for a in anns if a.name == HEAP_OK and (a.file, a.target) not in heap]


# ---------------------------------------------------------------------------------------
# Baselines

BaselineKey = tuple[str, str, str]


def _rel(path: Path | None, display: str, root: Path) -> str:
    if path is None:
        return display
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def baseline_entries(decisions: Iterable[tuple[Decision, Path | None]],
                     root: Path) -> list[dict]:
    """The heap decisions as baseline entries, paths relative to the baseline's directory."""
    out = []
    for d, path in decisions:
        if d.is_heap:
            out.append({"file": _rel(path, d.file, root), "function": d.function,
                        "kind": d.kind, "message": d.message, "line": d.line})
    return out


def baseline_document(entries: list[dict]) -> str:
    from . import GO_VERSION, __version__

    doc = {"baseline_version": BASELINE_VERSION, "tool": f"escape {__version__}",
           "go_version": GO_VERSION,
           "note": "Heap decisions accepted as of this file; matched by file, function and "
                   "message (line is informative only). Regenerate with "
                   "`escape baseline write`.",
           "entries": sorted(entries, key=lambda e: (e["file"], e["line"], e["function"],
                                                    e["message"]))}
    return json.dumps(doc, indent=2) + "\n"


class BaselineError(Exception):
    pass


def load_baseline(path: Path) -> Counter[BaselineKey]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise BaselineError(f"{path}: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise BaselineError(f"{path}: not a baseline file (invalid JSON: {e})") from None
    if not isinstance(doc, dict) or doc.get("baseline_version") != BASELINE_VERSION \
            or not isinstance(doc.get("entries"), list):
        raise BaselineError(f"{path}: not an escape baseline (want baseline_version "
                            f"{BASELINE_VERSION} and an entries list)")
    keys: Counter[BaselineKey] = Counter()
    for e in doc["entries"]:
        try:
            keys[(e["file"], e["function"], e["message"])] += 1
        except (KeyError, TypeError):
            raise BaselineError(f"{path}: malformed entry {e!r}") from None
    return keys


def new_heap(decisions: Iterable[tuple[Decision, Path | None]], baseline: Counter[BaselineKey],
             root: Path) -> list[Decision]:
    """Heap decisions beyond what the baseline records (each entry absorbs one decision)."""
    left = Counter(baseline)
    out = []
    for d, path in decisions:
        if not d.is_heap:
            continue
        key = (_rel(path, d.file, root), d.function, d.message)
        if left[key] > 0:
            left[key] -= 1
        else:
            out.append(d)
    return out


# ---------------------------------------------------------------------------------------
# The whole policy


@dataclass
class PolicyResult:
    violations: list[Violation] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.violations)


def evaluate(decisions: list[tuple[Decision, Path | None]], anns: Annotations, fail_on: str,
             baseline: Counter[BaselineKey] | None, baseline_root: Path) -> PolicyResult:
    """Violations of the annotations and of the --fail-on policy, in decision order."""
    res = PolicyResult(diagnostics=list(anns.diagnostics))
    if fail_on == "never":
        return res
    plain = [d for d, _ in decisions]
    res.violations.extend(check_annotations(plain, anns.items))
    res.diagnostics.extend(unused_heap_ok(plain, anns.items))
    exempt = heap_ok_lines(anns.items)
    if fail_on == "heap":
        for d in plain:
            if d.is_heap and (d.file, d.line) not in exempt:
                res.violations.append(Violation("heap", d.file, d.line, d.column,
                                                f"heap allocation: {d.message}", d))
    elif fail_on == "new" and baseline is not None:
        for d in new_heap(decisions, baseline, baseline_root):
            if (d.file, d.line) not in exempt:
                res.violations.append(Violation("new", d.file, d.line, d.column,
                                                f"new heap allocation (not in baseline): "
                                                f"{d.message}", d))
    order = {id(d): i for i, (d, _) in enumerate(decisions)}
    res.violations.sort(key=lambda v: (order.get(id(v.decision), 1 << 30), v.rule))
    return res
