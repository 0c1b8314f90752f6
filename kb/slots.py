"""Engine HTML that waits in a page's Markdown as a token until the page has been converted.

The parts the build adds to every item page (breadcrumb, facts, progress, relations,
source) and the dashboard's charts are the engine's own output from escaped data. Written
as Markdown they were most of the build's Markdown conversion (Python-Markdown's inline
patterns on hundreds of links a page); written as HTML they cost a string format. Each
waits in the Markdown as a token paragraph and takes its place after conversion:

- before the glossary marks and the sanitizer (`fill(..., after_sanitize=False)`): HTML
  fragments, which the allowlist then checks like everything else on the page;
- after the sanitizer (`after_sanitize=True`): the dashboard's SVG charts, which the
  allowlist would refuse (it admits no SVG from pages).

A token holds a secret made once per process, so no page written before the build can
name a slot; it is the same for both audiences, so check.py still converts a page whose
Markdown is the same for both only once. Links in a fragment are made when the slot is
filled, by `href(docs_path)`: the page's relative URL of that file in this build (web or
offline bundle), or None when the file is not in the site.
"""
from __future__ import annotations

from collections.abc import Callable
import re
import secrets

from .errors import ContentError

Href = Callable[[str], "str | None"]
Render = Callable[[Href], str]

_PROCESS_SECRET = secrets.token_hex(8)


class PageSlots:
    def __init__(self, secret: str = _PROCESS_SECRET):
        self._prefix = f"KBSLOT{secret}N"
        self._token = re.compile(r"(?:<p>\s*)?(" + self._prefix + r"\d+)(?:\s*</p>)?")
        # After the sanitizer only a token that is a paragraph of its own takes its part: the
        # sanitizer escapes `<` and `>` inside attribute values, so such a paragraph stands
        # between elements, never inside a tag (a page that put `{{ dashboard() }}` in an
        # attribute gets no SVG there). Any other token is removed.
        self._paragraph_token = re.compile(r"<p>\s*(" + self._prefix + r"\d+)\s*</p>|(" + self._prefix + r"\d+)")
        # page → stage (after_sanitize) → token → render
        self._slots: dict[str, dict[bool, dict[str, Render]]] = {}
        self._counts: dict[str, int] = {}

    def place(self, path: str, render: Render, *, after_sanitize: bool = False) -> str:
        """The token to write, as a paragraph of its own, where `render(href)` will stand."""
        number = self._counts.get(path, 0)
        self._counts[path] = number + 1
        token = f"{self._prefix}{number}"
        self._slots.setdefault(path, {}).setdefault(after_sanitize, {})[token] = render
        return token

    def start(self, path: str) -> None:
        """Forget what an earlier rendering of the page placed (a serve rebuild, an error)."""
        self._slots.pop(path, None)
        self._counts.pop(path, None)

    def swallowed(self, path: str, page_html: str) -> bool:
        """Whether an element the editor's text left open took in this page's first-stage
        parts: a raw `<div>`, `<details>`, `<pre>` keeps them from being paragraphs of their
        own (and the headings around them show as Markdown); a `<details markdown>` keeps
        them paragraphs, but inside it (hidden when it is closed)."""
        last = -1
        for token in self._slots.get(path, {}).get(False, {}):
            at = page_html.rfind(f"<p>{token}</p>")
            if at < 0 and token in page_html:
                return True
            last = max(last, at)
        # Counted, not parsed: str.count is cheap on every page, and the converted Markdown
        # before the last part closes every element it opens unless the text left one open.
        if last < 0:
            return False
        before = page_html[:last].lower()  # the editor's own tags keep the case written
        if "<!--" in before:  # commented-out tags are no elements (an unclosed comment runs on)
            before = _COMMENT.sub("", before)
        return any(before.count(f"<{name}") > before.count(f"</{name}") for name in _CONTAINERS)

    def fill(self, path: str, page_html: str, href: Href, *, after_sanitize: bool) -> str:
        """The page with this stage's tokens replaced by their HTML. After the last stage
        no token is left: one that names no slot of this page is removed."""
        stages = self._slots.get(path, {})
        renders = stages.pop(after_sanitize, {})
        if after_sanitize:
            self._slots.pop(path, None)
            self._counts.pop(path, None)
        if self._prefix not in page_html:
            return page_html

        if after_sanitize:
            return self._paragraph_token.sub(
                lambda m: renders[m.group(1)](href) if m.group(1) in renders else "", page_html)

        def replace(match: re.Match) -> str:
            render = renders.get(match.group(1))
            return render(href) if render is not None else match.group(0)

        return self._token.sub(replace, page_html)


# Elements whose end tag cannot be left out and that would hold what follows them.
_CONTAINERS = ("blockquote", "details", "div", "dl", "ol", "pre", "section", "table", "ul")
# Elements that have no end tag, so never stay open.
_VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_LINE_START_TAG = re.compile(r"^ {0,3}<", re.M)


def swallowed_error(path: str, body: str, first_line: int) -> ContentError:
    """The error for a page whose text leaves an element open over the engine's parts,
    at the first line starting an element the rest of the text does not close."""
    found = _unclosed_element(body)
    if found is None:
        line = first_line + max(0, len(body.rstrip().splitlines()) - 1)
        return ContentError(path, line, "正文中有 HTML 元素缺少结束标签，页面后面由系统生成的“关联内容”“来源”等被包了进去，无法正常显示",
                            "请为正文中的每个 HTML 标签（如 <div>、<details>、<pre>）补上对应的结束标签")
    offset, name = found
    return ContentError(path, first_line + body.count("\n", 0, offset),
                        f"正文中的 <{name}> 没有结束标签 </{name}>，页面后面由系统生成的“关联内容”“来源”等被包了进去，无法正常显示",
                        f"请在这部分内容的最后补上 </{name}>")


def _unclosed_element(body: str) -> tuple[int, str] | None:
    """(offset, name) of the first element starting a line (where Markdown takes raw HTML
    for a block) that more elements of its name open than close from there to the end;
    one pass from the end, linear in the text."""
    body = _COMMENT.sub(lambda comment: re.sub(r"[^\n]", " ", comment.group(0)), body)  # lines kept
    line_starts = {match.end() - 1 for match in _LINE_START_TAG.finditer(body)}
    balance: dict[str, int] = {}
    found = None
    for match in reversed(list(_TAG.finditer(body))):
        closing, name = match.group(1), match.group(2).lower()
        if name in _VOID_ELEMENTS:
            continue
        balance[name] = balance.get(name, 0) + (-1 if closing else 1)
        if not closing and balance[name] > 0 and match.start() in line_starts:
            found = (match.start(), name)
    return found
