"""Raw HTML that could run script in a reader's browser fails the build with `path:line`;
the same text in a code block, and ordinary HTML, build."""
from __future__ import annotations

import html
from pathlib import Path
import re

import pytest

from tests.conftest import MINIMAL_DOCS, make_project, run_mkdocs

PAGE = "guide/macros.md"
LINE = 8

UNSAFE = [
    ("script", "<script>alert(1)</script>", "页面中不允许使用 <script>"),
    ("iframe", '<iframe src="https://example.org/"></iframe>', "页面中不允许使用 <iframe>"),
    ("img-onerror", "<img src=x onerror=alert(1)>", "HTML 标签中不允许使用 on… 事件属性"),
    ("markdown-javascript-link", "[x](javascript:alert(1))", "链接中不允许使用 javascript: 地址"),
    ("html-javascript-href", '<a href="javascript:alert(document.cookie)">点我</a>', "链接中不允许使用 javascript: 等脚本地址"),
]


def page_with(text: str) -> str:
    """guide/macros.md with `text` starting on line 8 of the file."""
    return f"---\ntitle: 宏参考\n---\n# 宏参考\n\n见 CONTRIBUTING。\n\n{text}\n"


@pytest.mark.parametrize("snippet,message", [u[1:] for u in UNSAFE], ids=[u[0] for u in UNSAFE])
def test_unsafe_html_fails_with_path_and_line(snippet: str, message: str, tmp_path: Path):
    result = run_mkdocs(make_project(tmp_path / "project", {**MINIMAL_DOCS, PAGE: page_with(snippet)}))
    assert result.returncode != 0, result.output
    assert f"{PAGE}:{LINE}: {message}" in result.output, result.output
    assert "Traceback" not in result.output


def test_same_text_in_code_and_ordinary_html_build(tmp_path: Path):
    """Control: every snippet above inside a fenced code block (and in inline code), plus an
    ordinary <span class>, builds; the code shows the text escaped and nothing becomes a tag."""
    fenced = "```html\n" + "\n".join(u[1] for u in UNSAFE) + "\n```"
    inline = "行内代码：`<script>alert(1)</script>`。"
    text = f'{fenced}\n\n{inline}\n\n<span class="x">普通的行内标签</span>\n'
    result = run_mkdocs(make_project(tmp_path / "project", {**MINIMAL_DOCS, PAGE: page_with(text)}))
    assert result.ok, result.output

    page = result.html("guide/macros/index.html")
    assert '<span class="x">普通的行内标签</span>' in page
    code = html.unescape(re.sub(r"<[^>]+>", "", page[page.index('<div class="highlight">'):page.index("</pre>")]))
    for snippet in (u[1] for u in UNSAFE):
        assert snippet in code, snippet  # shown as text ...
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in page
    for tag in ("<script>alert", "<iframe", "<img src=x", '<img src="x"', 'href="javascript:', "onerror=alert(1)>"):
        assert tag not in page, tag  # ... never as markup
