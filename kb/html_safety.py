"""Refuse raw HTML that could run script in a reader's browser."""
from __future__ import annotations

import re

from .errors import ContentError
from .markdown_text import prose_lines

_RULES = (
    (re.compile(r"<\s*script\b", re.I), "页面中不允许使用 <script>"),
    (re.compile(r"<\s*(iframe|frame|object|embed|applet|base|meta)\b", re.I), "页面中不允许使用 <{0}>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "HTML 标签中不允许使用 on… 事件属性"),
    (re.compile(r"(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*(?:javascript|vbscript|data:text/html)", re.I), "链接中不允许使用 javascript: 等脚本地址"),
    (re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript):", re.I), "链接中不允许使用 javascript: 地址"),
    (re.compile(r"^\s*\[[^\]]+\]:\s*<?\s*(?:javascript|vbscript):", re.I), "链接中不允许使用 javascript: 地址"),
)
HINT = "知识库页面不能嵌入会执行脚本的内容，请删除它；需要交互功能请联系维护者"


def check_html_safety(body: str, *, path: str, first_line: int) -> list[ContentError]:
    errors = []
    for offset, line in prose_lines(body):
        for pattern, message in _RULES:
            match = pattern.search(line)
            if match:
                tag = match.group(1).lower() if match.groups() else ""
                errors.append(ContentError(path, first_line + offset, message.format(tag), HINT))
                break
    return errors
