"""Errors addressed to editors: always a file, a line where there is one, and a fix, in Chinese."""
from __future__ import annotations

from dataclasses import dataclass, replace
import os
from pathlib import Path


@dataclass(frozen=True)
class ContentError(Exception):
    path: str
    line: int | None
    message: str
    hint: str = ""
    # Set by the copy lint (kb/copylint.py): the column of the mistake, the rule's stable
    # code, and whether it is a warning (shown, fails only --strict) rather than an error.
    column: int | None = None
    code: str = ""
    warning: bool = False

    def __reduce__(self):
        # Exceptions pickle through their args and __dict__, which a frozen dataclass
        # refuses to set; the forks of check.py and of the build send errors back pickled.
        return (type(self), (self.path, self.line, self.message, self.hint, self.column, self.code, self.warning))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.line and self.column:
            where += f":{self.column}"
        text = f"{where}: "
        if self.code:
            text += f"{self.code} "
        if self.warning:
            text += "警告："
        text += self.message
        if self.hint:
            text += f"（{self.hint}）"
        return text


def sort_key(error: ContentError) -> tuple:
    return (error.path, error.line or 0, error.column or 0, error.message)


class ContentErrors(Exception):
    """Several content errors, reported together so editors fix them in one go."""

    def __init__(self, errors: list[ContentError], warnings: list[ContentError] | None = None):
        self.errors = sorted(errors, key=sort_key)
        # The warnings of the same pages: a build that stops on the errors still shows them,
        # as check.py does.
        self.warnings = sorted(warnings or [], key=sort_key)
        super().__init__("\n".join(str(e) for e in self.errors))

    def summary(self) -> str:
        return f"发现 {len(self.errors)} 处内容错误，构建已中止，未发布任何内容。请按上面的提示逐条修改后重试。"


def display_path(docs_dir: str | os.PathLike, path: str, cwd: str | os.PathLike | None = None) -> str:
    """A docs-relative page path as the editor should type or click it (docs/…, from the
    folder the command runs in); a path that is not a page in docs/ (mkdocs.yml,
    data/tags.yml, an environment variable's name) as it is."""
    # The folders with their links followed, the file itself never: a symlinked page is
    # named by its own path, not by where it points.
    full = Path(os.path.realpath(docs_dir)) / path
    if not path.endswith(".md") and not os.path.lexists(full):
        return path
    try:
        return full.relative_to(os.path.realpath(cwd or os.getcwd())).as_posix()
    except ValueError:
        return full.as_posix()


def for_editor(error: ContentError, docs_dir: str | os.PathLike) -> ContentError:
    """The error with its path as `display_path` writes it: the build and check.py say the same."""
    return replace(error, path=display_path(docs_dir, error.path))

