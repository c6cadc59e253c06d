"""Report phase: format decisions and diagnostics. Formatters only format."""

from __future__ import annotations

import json
from collections.abc import Iterable

from . import GO_VERSION, __version__
from .decisions import Decision, Diagnostic

JSON_SCHEMA_VERSION = 1


def text_lines(decisions: Iterable[Decision]) -> list[str]:
    return [d.compiler_line() for d in decisions]


def diagnostic_lines(diags: Iterable[Diagnostic]) -> list[str]:
    return [d.line_text() for d in diags]


def json_document(packages: Iterable[tuple[str, list[Decision], list[Diagnostic]]]) -> str:
    """One JSON document for a run: every package's decisions and diagnostics.

    Keys are stable (documented in schemas/escape-output.schema.json); decisions keep
    the analysis order, which is the compiler's line order.
    """
    doc = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "escape", "version": __version__},
        "go_version": GO_VERSION,
        "packages": [
            {
                "dir": pkg_dir,
                "decisions": [{
                    "file": d.file, "line": d.line, "column": d.column, "kind": d.kind,
                    "message": d.message, "function": d.function, "subject": d.subject,
                    "heap": d.is_heap,
                } for d in decisions],
                "diagnostics": [{
                    "file": g.file, "line": g.line, "column": g.column,
                    "severity": g.severity, "message": g.message,
                } for g in diags],
            }
            for pkg_dir, decisions, diags in packages
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"
