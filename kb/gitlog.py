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


def page_history(docs_dir: Path) -> list[tuple[str, str]]:
    """(commit date, docs-relative path) of the last commit that changed each page,
    newest first: one `git log` for all pages, so the cost grows with the history, not
    with one process per page. Two builds of one commit agree.

    In a shallow clone the oldest commit fetched looks as if it added every file; a page
    whose last change is in such a commit has no known date and is left out (the page
    then shows its front-matter `updated` date, or none). Empty outside a git checkout."""
    prefix = _git(docs_dir, "rev-parse", "--show-prefix")
    log = _git(docs_dir, "log", "--format=@%H %cs", "--name-only", "--no-renames", "--", ".")
    boundary = _shallow_boundary(docs_dir)
    history, seen = [], set()
    date, in_boundary = "", False
    for line in log.splitlines():
        if line.startswith("@"):
            commit, date = line[1:].split()
            in_boundary = commit in boundary
        elif line.startswith(prefix) and line.endswith(".md"):
            path = line[len(prefix):]
            if path not in seen:
                seen.add(path)
                if not in_boundary:
                    history.append((date, path))
    return history


def _shallow_boundary(directory: Path) -> set[str]:
    """The commits a shallow clone stops at (git lists them in its `shallow` file)."""
    if _git(directory, "rev-parse", "--is-shallow-repository") != "true":
        return set()
    path = Path(directory) / _git(directory, "rev-parse", "--git-path", "shallow")
    try:
        return set(path.read_text(encoding="utf-8").split())
    except OSError:
        return set()


def _git(directory: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=directory, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""
