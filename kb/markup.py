"""Writing Markdown from the model: numbers, labels, escaped text, table cells and links
between pages. Every Markdown link is a relative link to a `.md` file, which mkdocs
validates and rewrites for both the web site and the offline bundle; the parts of item
pages written as HTML (kb/slots.py) get their URLs from the build, through `html_link`."""
from __future__ import annotations

from collections.abc import Callable
import html
import re

from . import model
from .index import ContentIndex, relative_link

CHINESE_NUMERALS = "一二三四五六七八九十"


def ordinal(number: int) -> str:
    if 1 <= number <= 10:
        return CHINESE_NUMERALS[number - 1]
    if number < 20:
        return "十" + CHINESE_NUMERALS[number - 11]
    return str(number)


def chinese_date(value) -> str:
    """2026-11-01 (text or a date) as readers write it: 2026年11月1日."""
    year, month, day = str(value)[:10].split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def short_label(index: ContentIndex, item: model.Item) -> str:
    """Report items are known by their number in the report (问题一, 措施二); the rest by title."""
    prefix = item.spec.short_prefix
    return f"{prefix}{ordinal(index.positions[item.id])}" if prefix else item.title


def named(index: ContentIndex, item: model.Item) -> str:
    """问题一：标题 for numbered items, the title for the others: what a reader calls it."""
    label = short_label(index, item)
    return f"{label}：{item.title}" if label != item.title else item.title


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def table_cell(text: str) -> str:
    """Markdown safe inside a Markdown table cell."""
    return _UNESCAPED_PIPE.sub("\\|", text).replace("\n", " ")


# Characters Python-Markdown reads as markup and lets a backslash escape.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def md_text(value) -> str:
    """Front-matter or data text as Markdown that shows exactly that text, on one line:
    Markdown punctuation backslash-escaped, then `<`, `&` and quotes as HTML entities.

    Front matter is text, never markup: a title such as `<img onerror=…>` or
    `{: onclick=… }` must show literally, wherever it is placed."""
    one_line = " ".join(str(value).split())
    return html.escape(_MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line), quote=True)


def link(index: ContentIndex, from_path: str, item: model.Item, text: str | None = None) -> str:
    """A Markdown link to an item; when the text is not the title, the title shows on hover."""
    label = text if text is not None else item.title
    hover = "" if label == item.title else ' "' + html.escape(" ".join(item.title.split()), quote=True) + '"'
    return f"[{table_cell(md_text(label))}]({relative_link(from_path, item.path)}{table_cell(hover)})"


def html_text(value) -> str:
    """Front-matter or data text as HTML that shows exactly that text, on one line (the
    HTML counterpart of md_text, for the parts the engine writes as HTML: kb/slots.py)."""
    return html.escape(" ".join(str(value).split()), quote=True)


def html_link(href: Callable[[str], str | None], item: model.Item, label: str | None = None) -> str:
    """An HTML link to an item (the counterpart of `link`); its text alone when the item's
    page is not in the site. `href(docs_path)` is the page's URL of a file."""
    shown = label if label is not None else item.title
    url = href(item.path)
    if url is None:
        return html_text(shown)
    hover = "" if shown == item.title else f' title="{html_text(item.title)}"'
    return f'<a href="{html.escape(url, quote=True)}"{hover}>{html_text(shown)}</a>'


def link_by_id(index: ContentIndex, from_path: str, item_id: str, text: str | None = None) -> str:
    item = index.get(item_id)
    if item is None:
        raise KeyError(item_id)
    return link(index, from_path, item, text)


def section_index_path(type_name: str) -> str:
    return f"{model.TYPES[type_name].folder}/index.md"
