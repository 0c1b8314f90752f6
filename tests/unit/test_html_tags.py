"""kb/html_tags.py, the tag expression the glossary and the search text share: a tag's
quoted attributes may hold ">" and "<", and any page is read in linear time."""
from __future__ import annotations

import signal

import pytest

from kb import search_index
from kb.glossary import Glossary, TermMark
from kb.html_tags import TAG

GLOSSARY = Glossary([TermMark("一岗双责", "terms/term-yigang.md", "领导干部的双重责任")])


@pytest.mark.parametrize("tag", ['<span title="说明>一岗双责">', "<span title='说明>一岗双责'>", '<a title="a<b>一岗双责" href="#x">'])
def test_a_quoted_attribute_holding_angle_brackets_is_part_of_its_tag(tag):
    match = TAG.search(tag + "正文")
    assert match is not None and match.group(0) == tag


def test_the_glossary_leaves_a_tooltip_alone_and_marks_the_text():
    """A tooltip an editor wrote with ">" in it: the term in the tooltip is not linked (that
    put a link inside the attribute, and the sanitizer refused the page for it); the same term
    in the text is (the control that the glossary marks at all)."""
    page = '<p><span title="说明>一岗双责">提示</span>：正文提到一岗双责。</p>'
    marked = GLOSSARY.mark(page)
    assert marked.startswith('<p><span title="说明>一岗双责">提示</span>：正文提到<a class="kb-term"'), marked
    assert marked.count('class="kb-term"') == 1


def test_the_search_text_leaves_a_tooltip_out():
    text = search_index.page_text('<p><span title="说明>不是正文">提示</span>正文</p>')
    assert text.blocks == ["提示正文"]


def _within(seconds: int, work):
    def hung(signum, frame):
        raise TimeoutError("reading the page did not end")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        return work()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("page", ["<p>" + "<a" * 200_000, "<p>" + "<a title='x" * 100_000, "<p>" + '<a b="<' * 100_000])
def test_a_long_run_of_unclosed_tags_is_read_in_linear_time(page):
    """Each "<" is tried once. With the tag's name and attributes able to share characters this
    took over a second at 400 "<a" and did not end at 2,000, and with "<" allowed in them a
    minute at 200,000; the alarm turns a hang into a failure (a sub-second read is expected)."""
    assert _within(60, lambda: search_index.page_text(page)).blocks
    assert _within(60, lambda: GLOSSARY.mark(page + "一岗双责")).endswith("</a>")
