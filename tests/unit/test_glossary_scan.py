"""The glossary's shortcut (only stretches of text where a term starts are scanned, and
nothing after the last one) marks exactly what a scan of every stretch marks: checked
against that scan, kept here as the reference, on random HTML with the constructs the
marking treats specially."""
from __future__ import annotations

import html
import random

import pytest

from kb import glossary
from kb.glossary import Glossary, TermMark
from kb.html_tags import TAG


def reference_mark(terms: Glossary, page_html: str, href_for=lambda t: t, own_target=None) -> str:
    """The marking before the shortcut: every stretch of text between tags is scanned."""
    done, out, stack, position = set(), [], [], 0

    def replace(match):
        term = terms.by_surface[match.group(0)]
        if term.target in done or term.target == own_target:
            return match.group(0)
        url = href_for(term.target)
        if url is None:
            return match.group(0)
        done.add(term.target)
        return (f'<a class="kb-term" href="{html.escape(url, quote=True)}" '
                f'title="{html.escape(term.definition, quote=True)}">{match.group(0)}</a>')

    for tag in TAG.finditer(page_html):
        text = page_html[position:tag.start()]
        out.append(text if glossary._skipping(stack) else terms.pattern.sub(replace, text))
        out.append(tag.group(0))
        position = tag.end()
        if tag.group(2):
            name = tag.group(2).lower()
            closing, self_closing = tag.group(1) == "/", tag.group(3).rstrip().endswith("/")
            if name in glossary._VOID or self_closing:
                continue
            if closing:
                if name in stack or f"{name}!" in stack:
                    while stack and stack.pop() not in (name, f"{name}!"):
                        pass
            else:
                stack.append(f"{name}!" if glossary.NO_MARK_CLASS in tag.group(3) else name)
    rest = page_html[position:]
    out.append(rest if glossary._skipping(stack) else terms.pattern.sub(replace, rest))
    return "".join(out)


FRAGMENTS = [
    "<p>", "</p>", '<a href="x">', "</a>", "<h2>", "</h2>", "<code>", "</code>", "<pre>", "</pre>",
    '<div class="kb-facts kb-nomark">', "</div>", "<div>", "<br>", "<br/>", "<!-- 四风 -->", "<!--", "-->",
    '<span title="四风问题">', "</span>", '<img src="四风.png"/>', " a < b ", "&amp;", "<", ">", "<P>", "</P >",
    "纠正", "四风", "四风问题", "问题", "形式主义", "官僚", "主义", "，", "\n", "x",
]


def random_page(rng: random.Random) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 40)))


@pytest.mark.parametrize("surfaces", [
    ["四风", "四风问题", "形式主义", "主义"],
    ["四风", "官僚<主义", "问题>"],  # surfaces with < or >: every stretch is scanned
])
def test_shortcut_marks_what_scanning_every_stretch_marks(surfaces):
    terms = Glossary([TermMark(s, f"terms/t{n}.md", f"释义{n}") for n, s in enumerate(surfaces)])
    rng = random.Random(20261130)
    differing = 0
    for _ in range(4000):
        page = random_page(rng)
        own = rng.choice([None, "terms/t0.md"])
        missing = rng.choice([None, "terms/t1.md"])

        def href(target, missing=missing):
            return None if target == missing else "../" + target
        expected = reference_mark(terms, page, href, own)
        assert terms.mark(page, href, own) == expected, page
        differing += expected != page
    assert differing > 500  # the pages do contain terms to mark


def test_a_surface_holding_a_bracket_needs_every_stretch_scanned():
    """Control: the shortcut is only sound while no surface holds "<" or ">". Here "p>四风"
    matches across the tag's end, so no occurrence starts in the text "四风"; taking the
    shortcut anyway would leave 四风 unmarked, which the comparison above would catch."""
    terms = Glossary([TermMark("p>四风", "t1.md", "释义"), TermMark("四风", "t2.md", "释义")])
    page = "<p>四风</p>"
    expected = reference_mark(terms, page)
    assert 'class="kb-term"' in expected and terms.surfaces_span_tags
    assert terms.mark(page) == expected
    terms.surfaces_span_tags = False  # the shortcut taken where it must not be
    assert terms.mark(page) != expected
