"""Decisions are data: what the analysis concluded, independent of any output format."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# The closed vocabulary of decision kinds (the JSON schema's `kind` enum), and its groups.
KINDS = ("moved_to_heap", "escapes", "does_not_escape", "leaking_param",
         "leaking_param_content", "leaking_param_to_result", "param_does_not_escape",
         "zero_copy", "self_assignment", "devirtualized", "bounds_check_elided",
         "unsafe_uintptr", "imprecise_interface_call")
HEAP_KINDS = ("moved_to_heap", "escapes")
LEAK_KINDS = ("leaking_param", "leaking_param_content", "leaking_param_to_result")


@dataclass(frozen=True)
class Decision:
    file: str
    line: int
    column: int
    kind: str        # moved_to_heap, escapes, does_not_escape, leaking_param, ...
    message: str     # the compiler's exact text
    subject: str     # the variable or the printed expression
    function: str = ""
    # The compiler's -m=2 explanation lines for this decision (flow/from lines, without
    # the leading "file:line:col: "), in the compiler's order; empty when not computed.
    explanation: tuple[str, ...] = ()

    @property
    def is_heap(self) -> bool:
        return self.kind in HEAP_KINDS

    def compiler_line(self) -> str:
        if self.line == 0:  # compiler-made variables without a position (#next)
            return self.message
        col = f":{self.column}" if self.column < 255 else ""
        return f"{self.file}:{self.line}{col}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    column: int
    message: str
    severity: str = "error"  # error, unsupported, warning

    def line_text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"
