"""What a build tells the editor in Chinese: the closing summary in the console, and
under `mkdocs serve` the page that shows a failed build's errors in the browser."""
from __future__ import annotations

from collections.abc import Sequence
import html

# The English line mkdocs ends a successful build with; the Chinese summary follows it.
MKDOCS_CLOSING_LINE = "Documentation built in"


def built(pages: int, seconds: float) -> str:
    return f"构建完成：{pages} 个页面，用时 {seconds:.1f} 秒"


def built_with_errors(count: int) -> str:
    return f"构建完成，但有 {count} 处错误：浏览器中的页面显示了这些错误，请按提示修改并保存，页面会自动刷新"


def failed(strict_warnings: bool) -> str:
    if strict_warnings:
        return "构建失败：有警告（--strict 时警告也算失败），网站没有更新。请按上面 WARNING 开头的提示修改后重试"
    return "构建失败：构建程序本身出错（不是页面内容的问题），网站没有更新。请把上面的信息发给维护者"


def error_page(errors: Sequence[str]) -> str:
    """The body every page shows under `mkdocs serve` while the content has errors:
    each `docs/…:行号: 说明` escaped, nothing of the broken page itself."""
    items = "\n".join(f"<li><code>{html.escape(where)}</code>{html.escape(text)}</li>"
                      for where, text in (_split(error) for error in errors))
    return (
        '<div class="kb-build-errors" role="alert" style="border:3px solid #c62828;background:#fff3f3;'
        'color:#7f0000;padding:1em 1.5em;margin:1em 0;border-radius:6px">\n'
        '<h1 style="color:#c62828;margin-top:0">内容有错误，页面暂时无法显示</h1>\n'
        f"<p>共 {len(errors)} 处错误（终端中也有同样的提示）。请按说明修改并保存，"
        "本页会自动刷新；全部改好后恢复正常显示。</p>\n"
        f"<ul>\n{items}\n</ul>\n</div>\n"
    )


def _split(error: str) -> tuple[str, str]:
    """`docs/a.md:4: 说明` → ("docs/a.md:4: ", "说明"); a message without a place stays whole."""
    where, separator, text = error.partition(": ")
    if separator and " " not in where:
        return where + separator, text
    return "", error
