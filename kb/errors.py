"""Errors addressed to editors: always a file, a line where there is one, and a fix, in Chinese."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentError(Exception):
    path: str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"（{self.hint}）"
        return text


class ContentErrors(Exception):
    """Several content errors, reported together so editors fix them in one go."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(errors, key=lambda e: (e.path, e.line or 0, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))

    def summary(self) -> str:
        return f"发现 {len(self.errors)} 处内容错误，构建已中止，未发布任何内容。请按上面的提示逐条修改后重试。"
