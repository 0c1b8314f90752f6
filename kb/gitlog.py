"""What git knows about the content: the last commit (build date and version) and which
pages changed recently. Empty answers outside a git checkout."""
from __future__ import annotations

from pathlib import Path
import subprocess


def last_commit(project_dir: Path) -> tuple[str, str] | None:
    """(commit time as epoch seconds, short hash) of HEAD, or None."""
    commit = _git(project_dir, "log", "-1", "--format=%ct %h")
    if not commit:
        return None
    epoch, short_hash = commit.split()
    return epoch, short_hash


def page_history(docs_dir: Path, limit: int = 200) -> list[tuple[str, str]]:
    """(commit date, docs-relative path) of recently committed page changes, newest first.

    Read from git so that "recent changes" needs no hand-kept list and two builds
    of one commit agree; empty outside a git checkout."""
    log = _git(docs_dir, "log", f"-n{limit}", "--format=@%cs", "--name-only", "--no-renames", "--", ".")
    prefix = _git(docs_dir, "rev-parse", "--show-prefix")
    history, date = [], ""
    for line in log.splitlines():
        if line.startswith("@"):
            date = line[1:]
        elif line.strip() and line.startswith(prefix) and line.endswith(".md"):
            history.append((date, line[len(prefix):]))
    return history


def _git(directory: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=directory, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""
