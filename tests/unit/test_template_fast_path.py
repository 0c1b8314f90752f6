"""kb/templating.render returns a page body with no `{{`, `{%` or `{#` as it is, without
parsing it. Proof that this is what Jinja's sandbox (how pages were rendered before, and
what test_template_walker.py holds render to) would give: Jinja's lexer starts a tag only at
those three (line statements and comments are off in the project's environment), keeps the
trailing newline (keep_trailing_newline=True) and changes only one thing in plain text: it
turns `\\r\\n` and `\\r` into `\\n`. The loader has already done that to every body
(kb/frontmatter.decode_source), so on what render receives the two are the same.
A body with any of the three markers, in a code block too, is still parsed and rendered."""
from __future__ import annotations

import random

import pytest

from kb import templating
from kb.errors import ContentError
from kb.frontmatter import read_page
from tests.support.jinja_sandbox import sandbox_environment


def sandboxed(text: str, **names) -> str:
    """What Jinja's sandbox makes of `text` (tests/support/jinja_sandbox.py)."""
    return sandbox_environment().from_string(text).render(**names)


def rendered(text: str, **names) -> str:
    return templating.render(text, path="docs/x.md", first_line=5, names=names)


# (body as the loader gives it, what the page shows): plain text that looks like template code.
PLAIN = [
    ("", ""),
    ("\n", "\n"),
    ("一行\n\n\n", "一行\n\n\n"),  # trailing newlines kept
    ("没有换行", "没有换行"),
    ("{ {org.city} }", "{ {org.city} }"),
    ("单个 { 和 } 以及 }} 和 %} 和 #}", "单个 { 和 } 以及 }} 和 %} 和 #}"),
    ("{-{ x }-}", "{-{ x }-}"),
    ("{\u200b{ config }}", "{\u200b{ config }}"),  # a zero-width space between the braces: text
    ("｛｛ config ｝｝ 全角括号", "｛｛ config ｝｝ 全角括号"),
    ("行\u2028分隔符\u2029段", "行\u2028分隔符\u2029段"),  # not newlines to Jinja
    ("```\n{ %raw% }\n```\n", "```\n{ %raw% }\n```\n"),
    ("# 标题\n\n- 列表 {\n- }\n\n\t缩进\n   ", "# 标题\n\n- 列表 {\n- }\n\n\t缩进\n   "),
    ("%% ## line statement? 不是\n# comment? 不是\n", "%% ## line statement? 不是\n# comment? 不是\n"),
]
# Bodies with template code: rendered, as in the sandbox.
TEMPLATED = [
    ("\\{{ org.city }}", "\\××"),  # a backslash does not escape in Jinja
    ("a {{ '{{' }} b\n", "a {{ b\n"),
    ("{% raw %}{{ x }}{% endraw %}\n\n", "{{ x }}\n\n"),
    ("{# 注释 #}正文\n", "正文\n"),
    ("{{ org.city }}\n", "××\n"),
]


@pytest.mark.parametrize("text, shown", PLAIN)
def test_plain_text_is_returned_as_is_and_is_what_the_sandbox_gives(text, shown):
    assert not templating.has_template(text)
    assert rendered(text) is text  # the fast path: no template was made
    assert sandboxed(text) == text == shown


@pytest.mark.parametrize("text, shown", TEMPLATED)
def test_template_code_still_goes_through_the_sandbox(text, shown):
    assert templating.has_template(text)
    assert rendered(text, org={"city": "××"}) == sandboxed(text, org={"city": "××"}) == shown


def test_a_random_sample_of_plain_text_renders_as_the_sandbox_would():
    """Strings of the characters that matter to Jinja's lexer, in every order (a fixed seed;
    no property-testing library for one property)."""
    alphabet = ["{", "}", "%", "#", "-", "+", " ", "\n", "\t", "\\", "'", '"', "x", "字", "\u200b", "`", "r", "aw"]
    generator = random.Random(11)
    tried = 0
    for _ in range(5000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 12)))
        if templating.has_template(text):
            continue
        tried += 1
        assert rendered(text) == sandboxed(text) == text, repr(text)
    assert tried > 1000


def test_crlf_is_gone_before_render_the_one_thing_the_sandbox_would_change():
    # The sandbox rewrites carriage returns; the fast path would keep them...
    assert sandboxed("a\r\nb\rc\r\n") == "a\nb\nc\n"
    assert rendered("a\r\nb\r\n") == "a\r\nb\r\n"
    # ...but no body reaches render with one: the loader turns a Windows file's lines into \n.
    page = read_page("---\r\ntitle: 标题\r\n---\r\n# 标题\r\n\r\n正文 { } }}\r\n旧 Mac\r".encode(), "guide/x.md")
    assert "\r" not in page.body
    assert rendered(page.body) == sandboxed(page.body) == page.body == "# 标题\n\n正文 { } }}\n旧 Mac\n"


def test_template_code_in_a_code_block_still_needs_raw():
    """As before: `{{` in a code block is template code (the sandbox refuses an unknown name,
    naming the line); {% raw %} shows it."""
    with pytest.raises(ContentError) as refused:
        rendered("说明：\n\n```\n{{ config }}\n```\n")
    assert refused.value.line == 5 + 3  # first_line 5, fourth line of the body
    assert rendered("```\n{% raw %}{{ config }}{% endraw %}\n```\n") == "```\n{{ config }}\n```\n"


@pytest.mark.parametrize("hostile", [
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "正文\n{{ org.__class__.__mro__ }}",
    "{{ ''.__class__ }}",
    "```\n{{ cycler.__init__.__globals__.os.environ }}\n```",
    "{%- for x in range(10**9) %}x{% endfor %}",
])
def test_a_hostile_page_is_still_refused(hostile):
    with pytest.raises(ContentError):
        rendered(hostile, org={"city": "××"})
    # And the check that runs before any build names it as well.
    assert templating.check_template(hostile, path="docs/x.md", first_line=1, macros=set(), variables={"org": {"city": "××"}})
