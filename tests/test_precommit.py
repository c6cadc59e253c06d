"""The pre-commit hook, for real: pre-commit installs this checkout and runs it on a repo."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the hook needs to install; fixtures and tests are left out to keep the copy small.
_SKIP = ("fixtures/", "tests/", "build/", "benchmarks/")

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("pre-commit")
                                is None, reason="needs git and pre-commit")


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def _hook_repo(dest: Path) -> str:
    """This checkout's files (committed or not) as a one-commit repository; its sha."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True)
    if listed.returncode == 0:
        names = listed.stdout.splitlines()
    else:  # not a git checkout: take the source tree as it is
        names = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()
                 and not any(part.startswith(".venv") for part in p.parts)]
    for name in names:
        src = ROOT / name
        if name.startswith(_SKIP) or not src.is_file():
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / name, follow_symlinks=False)
    if (ROOT / "escape" / "queries").is_symlink():
        (dest / "escape" / "queries").unlink(missing_ok=True)
        (dest / "escape" / "queries").symlink_to("../queries")
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "hook under test", cwd=dest)
    return git("rev-parse", "HEAD", cwd=dest)


GOOD = """package main

var sink *int

func main() {
	x := 1 //escape:heap-ok kept for the demo
	sink = &x
	y := 2 //escape:stack
	_ = &y
}
"""


def test_pre_commit_hook_passes_and_fails(tmp_path):
    hook_repo = tmp_path / "escape-hook"
    hook_repo.mkdir()
    sha = _hook_repo(hook_repo)
    project = tmp_path / "project"
    (project / "cmd" / "app").mkdir(parents=True)
    (project / "cmd" / "app" / "main.go").write_text(GOOD)
    (project / "README.md").write_text("not Go\n")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo.as_uri()}\n    rev: {sha}\n    hooks:\n"
        "      - id: escape\n")
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)

    def pre_commit() -> subprocess.CompletedProcess:
        return subprocess.run(["pre-commit", "run", "--all-files", "--color", "never"],
                              cwd=project, env=env, capture_output=True, text=True,
                              timeout=900)

    ok = pre_commit()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "escape (Go escape analysis)" in ok.stdout and "Passed" in ok.stdout

    (project / "cmd" / "app" / "main.go").write_text(GOOD.replace("_ = &y", "sink = &y"))
    git("add", "-A", cwd=project)
    bad = pre_commit()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "cmd/app/main.go:8:2: //escape:stack violated: moved to heap: y" in bad.stdout
