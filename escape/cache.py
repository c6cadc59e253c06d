"""Result cache: a package whose inputs have not changed costs only their hash.

The key covers everything a package's result depends on: the analyzer itself (its version
and a fingerprint of its code, data and query files), the options that change the output,
and every file's display name and bytes. A package's result never depends on other
packages of the tree (imports outside the standard library are opaque callees), so the key
needs nothing else. Entries are JSON files under the user cache directory; a cache that
cannot be read or written is silently bypassed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

from .decisions import Decision, Diagnostic

CACHE_FORMAT = 1


def default_dir() -> Path:
    env = os.environ.get("ESCAPE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "escape"


@functools.cache
def analyzer_fingerprint() -> str:
    """Changes whenever the installed analyzer's code, data or queries change."""
    from . import GO_VERSION, __version__

    h = hashlib.sha256(f"{CACHE_FORMAT}\x00{__version__}\x00{GO_VERSION}".encode())
    here = Path(__file__).resolve().parent
    for sub in ("", "data", "queries"):
        d = here / sub
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            if e.is_file() and not e.name.endswith(".pyc"):
                st = e.stat()
                h.update(f"{sub}/{e.name}\x00{st.st_size}\x00{st.st_mtime_ns}\x00".encode())
    return h.hexdigest()


class ResultCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or default_dir()) / f"v{CACHE_FORMAT}"
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(sources: list[tuple[str, bytes]], options: str) -> str:
        h = hashlib.sha256(analyzer_fingerprint().encode())
        h.update(b"\x00" + options.encode() + b"\x00")
        for display, src in sources:
            h.update(display.encode() + b"\x00" + len(src).to_bytes(8, "little") + src)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            doc = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return doc

    def put(self, key: str, doc: dict) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass


def encode(decisions: list[Decision], diagnostics: list[Diagnostic],
           explain_lines: list[str], failed: bool) -> dict:
    return {
        "decisions": [[d.file, d.line, d.column, d.kind, d.message, d.subject, d.function,
                       list(d.explanation)] for d in decisions],
        "diagnostics": [[g.file, g.line, g.column, g.message, g.severity]
                        for g in diagnostics],
        "explain_lines": list(explain_lines),
        "failed": failed,
    }


def decode(doc: dict) -> tuple[list[Decision], list[Diagnostic], list[str], bool]:
    decisions = [Decision(f, ln, col, kind, msg, subj, fn, tuple(expl))
                 for f, ln, col, kind, msg, subj, fn, expl in doc["decisions"]]
    diagnostics = [Diagnostic(f, ln, col, msg, sev) for f, ln, col, msg, sev in
                   doc["diagnostics"]]
    return decisions, diagnostics, list(doc["explain_lines"]), bool(doc["failed"])
