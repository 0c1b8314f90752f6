"""Mark glossary terms in rendered HTML: each term's first occurrence on a page links
to its glossary entry with the definition as a tooltip.

Python-Markdown's `abbr` wraps terms only between word boundaries, and in
Chinese text there are none, so this works on the HTML text instead.
"""
from __future__ import annotations

from dataclasses import dataclass
import html
import re

from .html_tags import TAG

_SKIP = {"a", "abbr", "code", "pre", "kbd", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6", "nav", "button", "textarea", "title"}
# Elements marked with this class keep their text as is (facts lines, tags).
NO_MARK_CLASS = "kb-nomark"
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "param", "track"}


@dataclass(frozen=True)
class TermMark:
    surface: str  # the text to find
    target: str   # where it links: the term's page (a docs path), or an href as is
    definition: str


class Glossary:
    """Every term of a build, prepared once: one alternation of all surfaces, longest first,
    found with one scan per page, then applied to the stretches of text where a term starts. A link's URL is worked out only for the terms a page
    actually contains (it was worked out for every term on every page). The scan itself
    still grows with the glossary (a 50 KB page: 63 ms with 2,000 terms, 460 ms with 8,000)."""

    def __init__(self, terms: list[TermMark]):
        self.by_surface = {t.surface: t for t in sorted(terms, key=lambda t: -len(t.surface))}
        # Equal for two builds (audiences) that mark the same terms the same way.
        self.signature = hash(tuple(self.by_surface.values()))
        self.pattern = re.compile("|".join(re.escape(s) for s in self.by_surface)) if self.by_surface else None
        self.surfaces_span_tags = any("<" in s or ">" in s for s in self.by_surface)

    def mark(self, page_html: str, href_for=lambda target: target, own_target: str | None = None) -> str:
        """Link each term's first occurrence on the page, outside links, headings, code and
        elements marked `kb-nomark`; a term is not linked on its own page (`own_target`)."""
        if self.pattern is None:
            return page_html
        # Where a term occurs in the page, tags included: one scan in C. Most stretches of
        # text between tags hold none, and after the last one nothing is left to mark. No
        # occurrence spans a tag while no surface holds "<" or ">" (such a glossary scans
        # every stretch), so a stretch in which none starts is copied as is.
        starts = [m.start() for m in self.pattern.finditer(page_html)]
        if not starts:
            return page_html
        if self.surfaces_span_tags:
            starts = []
        next_start = 0  # the first occurrence at or after `position`
        done: set[str] = set()  # targets already marked on this page
        out: list[str] = []
        stack: list[str] = []
        position = 0

        def replace(match: re.Match) -> str:
            term = self.by_surface[match.group(0)]
            if term.target in done or term.target == own_target:
                return match.group(0)
            url = href_for(term.target)
            if url is None:  # the term's page is not in this site
                return match.group(0)
            done.add(term.target)
            href = html.escape(url, quote=True)
            title = html.escape(term.definition, quote=True)
            return f'<a class="kb-term" href="{href}" title="{title}">{match.group(0)}</a>'

        def has_term(end: int) -> bool:
            """Does an occurrence start between `position` and `end`?"""
            nonlocal next_start
            if not starts:
                return True
            while next_start < len(starts) and starts[next_start] < position:
                next_start += 1
            return next_start < len(starts) and starts[next_start] < end

        for tag in TAG.finditer(page_html):
            if starts and starts[-1] < position:
                break  # no occurrence left: the rest is copied below
            text = page_html[position:tag.start()]
            out.append(self.pattern.sub(replace, text) if has_term(tag.start()) and not _skipping(stack) else text)
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
        out.append(self.pattern.sub(replace, rest) if has_term(len(page_html)) and not _skipping(stack) else rest)
        return "".join(out)


def _skipping(stack: list[str]) -> bool:
    return any(name in _SKIP or name.endswith("!") for name in stack)
