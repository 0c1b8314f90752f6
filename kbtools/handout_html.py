"""Reuse the built site's HTML in a handout: cut out a page's article and make it
fit into one long document.

No Markdown is rendered here: the pages were rendered by the mkdocs build, and
this module only moves their finished HTML around, token by token (standard
library `html.parser`):

* `extract_article` returns the inner HTML of Material's
  `<article class="md-content__inner">`;
* `rewrite_fragment` prepares that HTML for a document that holds many pages:
  every `id` gets a per-page prefix (two pages both have `#主要表现`), links to
  pages that are in the handout become `#anchors`, links to pages that are not
  become plain text, glossary marks and `¶` permalinks and the breadcrumb go, and
  image paths are made relative to the site root, where the handout HTML is.
"""
from __future__ import annotations

from collections.abc import Callable
import html
from html.parser import HTMLParser
import posixpath
import re
from urllib.parse import unquote, urlsplit

VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
})

# Elements left out of the handout, by class: permalinks, the breadcrumb, edit buttons.
DROP_CLASSES = frozenset({"headerlink", "kb-breadcrumb", "kb-ref", "md-content__button", "md-source-file"})
# Links that are decoration on paper: glossary marks become their plain text.
UNWRAP_LINK_CLASSES = frozenset({"kb-term"})

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _classes(attrs: list[tuple[str, str | None]]) -> set[str]:
    for name, value in attrs:
        if name == "class" and value:
            return set(value.split())
    return set()


def _start_tag(tag: str, attrs: list[tuple[str, str | None]], close: bool = False) -> str:
    parts = [tag]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + (" />" if close else ">")


class _ArticleFinder(HTMLParser):
    """Offsets of the first <article class="md-content__inner"> and its matching end tag."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        # HTMLParser counts lines by "\n" only (not by str.splitlines' other separators).
        self._lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.start: int | None = None
        self.end: int | None = None
        self._depth = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag != "article" or self.end is not None:
            return
        if self.start is None:
            if "md-content__inner" in _classes(attrs):
                self.start = self._offset() + len(self.get_starttag_text())
                self._depth = 1
        else:
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "article" and self.start is not None and self.end is None:
            self._depth -= 1
            if self._depth == 0:
                self.end = self._offset()


def extract_article(page_html: str) -> str:
    """Inner HTML of the page's main article (Material's `md-content__inner`)."""
    finder = _ArticleFinder(page_html)
    finder.feed(page_html)
    finder.close()
    if finder.start is None or finder.end is None:
        raise ValueError("页面中没有找到正文（<article class=\"md-content__inner\">）")
    return page_html[finder.start:finder.end]


def resolve(page_path: str, url: str) -> tuple[str, str] | None:
    """(site-relative path, fragment) of a relative URL on `page_path`; None for other URLs.

    An empty path means the page itself ("#frag")."""
    if _SCHEME.match(url) or url.startswith("//"):
        return None
    parts = urlsplit(url)
    path = unquote(parts.path)
    fragment = unquote(parts.fragment)
    if not path:
        return page_path, fragment
    if path.startswith("/"):
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path))
    if resolved.startswith(".."):
        return None
    return resolved, fragment


class _Rewriter(HTMLParser):
    def __init__(self, page_path: str, id_prefix: str, anchor_for: Callable[[str, str], str | None]):
        super().__init__(convert_charrefs=False)
        self.page_path = page_path
        self.id_prefix = id_prefix
        self.anchor_for = anchor_for
        self.out: list[str] = []
        self._skip = 0  # depth inside a dropped element
        self._links: list[str] = []  # closing tag for each open <a>

    # -- tags ----------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, close=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, close=True)

    def _start(self, tag: str, attrs, close: bool) -> None:
        opens = not close and tag not in VOID_ELEMENTS
        if self._skip:
            self._skip += opens
            return
        classes = _classes(attrs)
        if classes & DROP_CLASSES:
            self._skip = 1 if opens else 0
            return
        if tag == "a":
            replacement = self._link(attrs, classes)
            if replacement is None:
                if opens:
                    self._links.append("")
                return
            attrs = replacement
            if opens:
                self._links.append("</a>")
        new_attrs = []
        for name, value in attrs:
            if name == "id" and value:
                value = self.id_prefix + value
            elif name == "src" and value:
                value = self._asset(value)
            new_attrs.append((name, value))
        self.out.append(_start_tag(tag, new_attrs, close))

    def _link(self, attrs, classes) -> list | None:
        """The <a>'s new attributes, or None to keep only its text."""
        if classes & UNWRAP_LINK_CLASSES:
            return None
        href = dict(attrs).get("href")
        if href is None:
            return attrs
        target = resolve(self.page_path, href)
        if target is None:
            return attrs  # https:, mailto: … stay as they are
        anchor = self.anchor_for(*target)
        if anchor is None:
            return None
        return [(n, anchor if n == "href" else v) for n, v in attrs if n != "title"]

    def _asset(self, url: str) -> str:
        target = resolve(self.page_path, url)
        return url if target is None else target[0]

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= 1
            return
        if tag == "a" and self._links:
            self.out.append(self._links.pop())
            return
        self.out.append(f"</{tag}>")

    # -- text ----------------------------------------------------------------

    def handle_data(self, data):
        if not self._skip:
            self.out.append(data)

    def handle_entityref(self, name):
        if not self._skip:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self._skip:
            self.out.append(f"&#{name};")

    def handle_comment(self, data):
        pass


def rewrite_fragment(fragment: str, *, page_path: str, id_prefix: str,
                     anchor_for: Callable[[str, str], str | None]) -> str:
    """`fragment` (HTML of the page at site-relative `page_path`) made fit for one document.

    `anchor_for(site_path, fragment)` returns the new `href` for a link to another
    page (or to this one), or None to drop the link and keep its text."""
    rewriter = _Rewriter(page_path, id_prefix, anchor_for)
    rewriter.feed(fragment)
    rewriter.close()
    return "".join(rewriter.out)


def stylesheets(page_html: str) -> list[str]:
    """The `href`s of a page's `<link rel="stylesheet">` tags, in order."""
    found: list[str] = []

    class _Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
                found.append(a["href"])

    parser = _Links()
    parser.feed(page_html)
    parser.close()
    return found
