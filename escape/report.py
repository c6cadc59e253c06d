"""Report phase: format decisions, diagnostics and policy violations. Formatters only format."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import GO_VERSION, __version__
from .decisions import HEAP_KINDS, Decision, Diagnostic
from .policy import POLICY_RULES, Violation

JSON_SCHEMA_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass
class ReportPackage:
    dir: str
    decisions: list[Decision]
    diagnostics: list[Diagnostic]
    paths: dict[str, Path] = field(default_factory=dict)  # display -> absolute path


@dataclass
class Report:
    """Everything one run says, in output order; the input of every formatter."""

    packages: list[ReportPackage]
    errors: list[str] = field(default_factory=list)       # loader/internal one-liners
    violations: list[Violation] = field(default_factory=list)
    policy_diagnostics: list[Diagnostic] = field(default_factory=list)
    fail_on: str = "annotations"
    baseline: str | None = None
    status: int = 0


# ---------------------------------------------------------------------------------------
# JSON


def _decision_json(d: Decision) -> dict:
    out = {"file": d.file, "line": d.line, "column": d.column, "kind": d.kind,
           "message": d.message, "function": d.function, "subject": d.subject,
           "heap": d.is_heap}
    if d.explanation:
        from .why import parse_explanation

        out["explanation"] = list(d.explanation)
        out["path"] = [p.to_dict() for p in parse_explanation(d.explanation)]
    return out


def _diagnostic_json(g: Diagnostic) -> dict:
    return {"file": g.file, "line": g.line, "column": g.column, "severity": g.severity,
            "message": g.message}


def json_document(report: Report) -> str:
    """One JSON document for a run (schema: schemas/escape-output.schema.json).

    Decisions keep the analysis order, which is the compiler's line order.
    """
    doc = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "escape", "version": __version__},
        "go_version": GO_VERSION,
        "packages": [
            {"dir": p.dir,
             "decisions": [_decision_json(d) for d in p.decisions],
             "diagnostics": [_diagnostic_json(g) for g in p.diagnostics]}
            for p in report.packages
        ],
        "errors": list(report.errors),
        "policy": {"fail_on": report.fail_on, "baseline": report.baseline,
                   "diagnostics": [_diagnostic_json(g) for g in report.policy_diagnostics]},
        "violations": [v.to_dict() for v in report.violations],
        "exit_status": report.status,
    }
    return json.dumps(doc, indent=2) + "\n"


# ---------------------------------------------------------------------------------------
# SARIF 2.1.0

# One rule per decision kind, plus the policy rules. (id, name, short text, help text)
RULES: list[tuple[str, str, str, str]] = [
    ("moved_to_heap", "MovedToHeap", "A variable is moved to the heap",
     "The variable's address outlives the function (it is returned, stored in a heap "
     "value or a global, captured by an escaping closure, or too large for the stack), "
     "so the compiler allocates it on the heap. Each such variable costs an allocation "
     "and garbage-collector work."),
    ("escapes", "EscapesToHeap", "A value escapes to the heap",
     "The value (a composite literal, new, make, a closure, a conversion to an "
     "interface, a string or slice built at run time) flows somewhere that outlives the "
     "function, so it is allocated on the heap."),
    ("does_not_escape", "DoesNotEscape", "A value stays on the stack",
     "The compiler keeps this value on the stack."),
    ("leaking_param", "LeakingParam", "A parameter leaks to the heap",
     "The pointer passed in this parameter is stored somewhere that outlives the call; "
     "callers' arguments move to the heap."),
    ("leaking_param_content", "LeakingParamContent", "What a parameter points to leaks",
     "Values reachable through this parameter outlive the call."),
    ("leaking_param_to_result", "LeakingParamToResult", "A parameter flows to a result",
     "The parameter (or what it points to) is returned; the caller decides whether it "
     "escapes."),
    ("param_does_not_escape", "ParamDoesNotEscape", "A parameter does not escape",
     "Arguments passed in this parameter can stay on the caller's stack."),
    ("zero_copy", "ZeroCopyConversion", "A string/[]byte conversion needs no copy",
     "The compiler converts without copying."),
    ("self_assignment", "SelfAssignment", "A self-assignment is ignored",
     "An assignment of a value to a field of itself is ignored by the analysis."),
    ("devirtualized", "Devirtualized", "An interface call is devirtualized",
     "The dynamic type is known, so the call is made directly."),
    ("bounds_check_elided", "BoundsCheckElided", "An index bounds check is elided",
     "The index is provably in range."),
    ("unsafe_uintptr", "UnsafeUintptr", "A uintptr argument is kept alive",
     "unsafe.Pointer converted to uintptr in a call argument keeps its object alive."),
    ("imprecise_interface_call", "ImpreciseInterfaceCall",
     "A method call on an interface-shaped type parameter",
     "The method is called through the generic dictionary, so its arguments leak."),
    ("escape:stack", "AnnotationStack", "//escape:stack assertion failed",
     "A line marked //escape:stack has a heap allocation."),
    ("escape:noleak", "AnnotationNoLeak", "//escape:noleak assertion failed",
     "A function marked //escape:noleak has a parameter that leaks."),
    ("gcassert:noescape", "GcassertNoEscape", "//gcassert:noescape assertion failed",
     "A line or function marked //gcassert:noescape has a heap allocation or a parameter "
     "that leaks to the heap."),
    ("heap", "HeapPolicy", "Heap allocation (--fail-on heap)",
     "Every heap decision fails with --fail-on heap unless its line carries "
     "//escape:heap-ok REASON."),
    ("new", "NewHeapAllocation", "Heap allocation not in the baseline",
     "A heap decision that the baseline (escape baseline write) does not record."),
]
_RULE_INDEX = {r[0]: i for i, r in enumerate(RULES)}
_LEVEL = {"error": "error", "unsupported": "warning", "warning": "warning", "note": "note"}


def _default_level(rule: str) -> str:
    """Policy rules fail (error), heap decisions warn, every other decision is a note."""
    if rule in POLICY_RULES:
        return "error"
    return "warning" if rule in HEAP_KINDS else "note"


def _artifact(file: str, paths: dict[str, Path], root: Path) -> dict:
    path = paths.get(file)
    if path is not None:
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
            return {"uri": rel, "uriBaseId": "%SRCROOT%"}
        except ValueError:
            return {"uri": path.resolve().as_uri()}
    rel = file[2:] if file.startswith("./") else file
    return {"uri": rel, "uriBaseId": "%SRCROOT%"}


def _location(file: str, line: int, column: int, paths: dict[str, Path], root: Path) -> dict:
    region: dict = {"startLine": max(line, 1)}
    if column > 0:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": _artifact(file, paths, root),
                                 "region": region}}


def _fingerprint(d: Decision, uri: str) -> str:
    key = "\x00".join((uri, d.function, d.message))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def sarif_document(report: Report, root: Path | None = None) -> str:
    """SARIF 2.1.0 for code scanning.

    Level policy: a policy violation is `error` (reported under the rule it violates, in
    place of the decision); any other heap decision (moved to heap, escapes to heap) is
    `warning`; every other decision is `note`. Paths are relative to `root` (the working
    directory) under %SRCROOT%. Columns are the compiler's byte columns (the same as
    code points on ASCII lines).
    """
    root = root or Path.cwd()
    paths: dict[str, Path] = {}
    for p in report.packages:
        paths.update(p.paths)
    violated = {id(v.decision) for v in report.violations if v.decision is not None}
    results: list[dict] = []
    for p in report.packages:
        for d in p.decisions:
            if id(d) in violated:  # reported once, under the rule it violates
                continue
            level = "warning" if d.is_heap else "note"
            loc = _location(d.file, d.line, d.column, paths, root)
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            results.append({
                "ruleId": d.kind, "ruleIndex": _RULE_INDEX[d.kind], "level": level,
                "message": {"text": d.message + (f" (in {d.function})" if d.function else "")},
                "locations": [loc],
                "partialFingerprints": {"escapeDecision/v1": _fingerprint(d, uri)},
                "properties": {"function": d.function, "subject": d.subject},
            })
    for v in report.violations:
        results.append({
            "ruleId": v.rule, "ruleIndex": _RULE_INDEX[v.rule], "level": "error",
            "message": {"text": v.message},
            "locations": [_location(v.file, v.line, v.column, paths, root)],
        })
    notifications = []
    for p in report.packages:
        for g in p.diagnostics:
            notifications.append({
                "level": _LEVEL.get(g.severity, "warning"),
                "message": {"text": g.message},
                "locations": [_location(g.file, g.line, g.column, paths, root)],
            })
    for g in report.policy_diagnostics:
        notifications.append({
            "level": _LEVEL.get(g.severity, "warning"), "message": {"text": g.message},
            "locations": [_location(g.file, g.line, g.column, paths, root)]})
    for e in report.errors:
        notifications.append({"level": "warning" if e.startswith("warning:") else "error",
                              "message": {"text": e}})
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "escape", "version": __version__,
                "semanticVersion": __version__,
                "rules": [{
                    "id": rid, "name": name,
                    "shortDescription": {"text": short},
                    "fullDescription": {"text": help_text},
                    "help": {"text": help_text},
                    "defaultConfiguration": {"level": _default_level(rid)},
                    "properties": {"tags": ["performance", "go", f"go-{GO_VERSION}"]},
                } for rid, name, short, help_text in RULES],
            }},
            "invocations": [{"executionSuccessful": report.status in (0, 1),
                             "exitCode": report.status,
                             "toolExecutionNotifications": notifications}],
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(doc, indent=2) + "\n"
