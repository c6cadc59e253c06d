"""Report phase: format decisions and diagnostics. Formatters only format."""

from __future__ import annotations

from collections.abc import Iterable

from .decisions import Decision, Diagnostic


def text_lines(decisions: Iterable[Decision]) -> list[str]:
    return [d.compiler_line() for d in decisions]


def diagnostic_lines(diags: Iterable[Diagnostic]) -> list[str]:
    return [d.line_text() for d in diags]
