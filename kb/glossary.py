"""Mark glossary terms in rendered HTML: each term's first occurrence on a page links
to its glossary entry with the definition as a tooltip.

Python-Markdown's `abbr` wraps terms only between word boundaries, and in
Chinese text there are none, so this works on the HTML text instead.
"""
from __future__ import annotations

from dataclasses import dataclass
import functools
import html
import re

_SKIP = {"a", "abbr", "code", "pre", "kbd", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6", "nav", "button", "textarea", "title"}
# Linear on any input: a tag's attributes stop at the next `<`, an unclosed comment runs to the end.
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^<>]*)>|<!--.*?(?:-->|\Z)", re.S)
# Elements marked with this class keep their text as is (facts lines, tags).
NO_MARK_CLASS = "kb-nomark"
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "param", "track"}


@dataclass(frozen=True)
class TermMark:
    surface: str  # the text to find
    href: str
    definition: str


@functools.lru_cache(maxsize=8)
def _pattern(surfaces: tuple[str, ...]) -> re.Pattern:
    """One alternation of all terms, longest first; built once per build, not per page."""
    return re.compile("|".join(re.escape(s) for s in surfaces))


def _skipping(stack: list[str]) -> bool:
    return any(name in _SKIP or name.endswith("!") for name in stack)


def mark_terms(page_html: str, terms: list[TermMark]) -> str:
    if not terms:
        return page_html
    by_surface = {t.surface: t for t in sorted(terms, key=lambda t: -len(t.surface))}
    pattern = _pattern(tuple(by_surface))
    done: set[str] = set()  # hrefs already marked on this page
    out: list[str] = []
    stack: list[str] = []
    position = 0

    def mark(text: str) -> str:
        def replace(match: re.Match) -> str:
            term = by_surface[match.group(0)]
            if term.href in done:
                return match.group(0)
            done.add(term.href)
            title = html.escape(term.definition, quote=True)
            return f'<a class="kb-term" href="{html.escape(term.href, quote=True)}" title="{title}">{match.group(0)}</a>'
        return pattern.sub(replace, text)

    for tag in _TAG.finditer(page_html):
        text = page_html[position:tag.start()]
        out.append(text if _skipping(stack) else mark(text))
        out.append(tag.group(0))
        position = tag.end()
        if tag.group(2):
            name = tag.group(2).lower()
            closing, self_closing = tag.group(1) == "/", tag.group(3).rstrip().endswith("/")
            if name in _VOID or self_closing:
                continue
            if closing:
                if name in stack or f"{name}!" in stack:
                    while stack and stack.pop() not in (name, f"{name}!"):
                        pass
            else:
                # A "!" suffix marks an element whose subtree is skipped like <code>.
                stack.append(f"{name}!" if NO_MARK_CLASS in tag.group(3) else name)
    rest = page_html[position:]
    out.append(rest if _skipping(stack) else mark(rest))
    return "".join(out)
