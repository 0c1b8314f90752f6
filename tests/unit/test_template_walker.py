"""kb/templating.render walks the parsed template instead of having Jinja compile it to
Python. Proof that pages render as Jinja's sandbox rendered them: the same text for every
page of the real site (both audiences) and for random pages of the subset, and the same
file line (and, for a macro's failure, the same message) when a page fails."""
from __future__ import annotations

import random
import traceback

import pytest

from kb import model, templating
from kb.errors import ContentError, ContentErrors
from kb.site import KnowledgeBase
from kbtools.project import Project
from tests.support.jinja_sandbox import sandbox_environment
from tests.support.project import MINIMAL_DOCS, REPO, load_kb, write_docs

_TEMPLATE_NAME = "<template>"


def sandboxed(text: str, *, path: str, first_line: int, names) -> str:
    """What render did before: Jinja's immutable sandbox compiled the page and ran it, and
    a failure's line was read from the compiled template's frame in the traceback."""
    try:
        template = sandbox_environment().from_string(text)
        template.name = _TEMPLATE_NAME
        return template.render(**names)
    except Exception as error:
        line = first_line
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename == _TEMPLATE_NAME and frame.lineno:
                line = first_line + frame.lineno - 1
                break
        raise _SandboxFailed(line, error) from None


class _SandboxFailed(Exception):
    def __init__(self, line: int, error: Exception):
        super().__init__(line, error)
        self.line, self.error = line, error


def both(kb: KnowledgeBase, path: str, text: str, first_line: int = 1):
    """(walker's result, sandbox's result); each is the text or ("error", line, message)."""
    results = []
    for renderer in (templating.render, sandboxed):
        kb.slots.start(path)  # the macros place their parts afresh, as in one rendering
        try:
            results.append(renderer(text, path=path, first_line=first_line, names=kb.names_for(path)))
        except ContentError as error:
            results.append(("error", error.line, error.message))
        except _SandboxFailed as failed:
            results.append(("error", failed.line, f"宏调用出错：{templating._describe(failed.error)}"))
    return results


@pytest.mark.parametrize("audience", model.AUDIENCES)
def test_every_page_of_the_real_site_renders_as_in_the_sandbox(audience):
    project = Project.load(REPO)
    kb = KnowledgeBase.load(project.settings(audience), project.load_content())
    templated = [path for path, page in kb.content.pages.items()
                 if templating.has_template(page.source.body) and path not in kb.index.excluded_paths()]
    assert len(templated) >= 20  # control: the site's pages do use macros
    for path in templated:
        page = kb.content.pages[path]
        walked, compiled = both(kb, path, page.source.body, page.source.body_line)
        assert walked == compiled, path
        assert isinstance(walked, str), walked  # the real site renders


@pytest.fixture
def kb(tmp_path):
    write_docs(tmp_path / "docs", MINIMAL_DOCS)
    return load_kb(tmp_path / "docs", org={"city": "测试 City &amp; <b>"})  # letters, markup: shown as is


# Pieces of page text: plain text, the subset, and mistakes an editor makes in it.
PIECES = [
    "正文", "\n", "\n\n", " ", "{", "}", "%", "#", "'", '"', "```\n", "- ",
    "{{ org.city }}", "{{ site_name }}", "{{ build.date }}", "{{ 'a{{b' }}", '{{ "引号" }}',
    '{{ link("problem-01") }}', "{{ link('measure-01') }}", '{{ count("problem") }}',
    '{{ link(\n"problem-01"\n) }}', '{{\nlink("practice-01")\n}}', '{{ item_list("problem") }}',
    '{{ problem_checklist() }}', '{{ glossary() }}', '{{ tag_index() }}', '{{ type_index("measure") }}',
    "{% raw %}{{ x }}{% endraw %}", "{# 注释\n两行 #}", "{{- org.city -}}", "{%- raw -%} a {%- endraw -%}",
    # Keyword arguments, and mistakes: an ID that does not exist, wrong arguments.
    '{{ count(type_name="measure") }}', '{{ recent_changes(limit=1) }}', '{{ item_list("measure", limit=2) }}',
    '{{ link(item_id="problem-01") }}', '{{ count(kind="problem") }}', '{{ recent_changes(2, limit=1) }}',
    '{{ link("problem-77") }}', '{{ link() }}', '{{ count("nope") }}', '{{ link("problem-01", "x", "y") }}',
]


def subset(kb: KnowledgeBase) -> dict:
    """check_template's macros and variables for a page of `kb`."""
    names = kb.names_for("index.md")
    macros = {name for name, value in names.items() if callable(value)}
    return {"macros": macros, "variables": {name: value for name, value in names.items() if name not in macros}}


def test_random_pages_of_the_subset_render_as_in_the_sandbox(kb):
    generator = random.Random(7)
    failed = rendered = keyworded = 0
    for _ in range(1500):
        text = "".join(generator.choice(PIECES) for _ in range(generator.randint(1, 8)))
        try:
            templating._parsed(text)
        except Exception:
            continue  # a syntax error: the same code reports it in both (the parser is Jinja's)
        if templating.check_template(text, path="x.md", first_line=3, **subset(kb)):
            continue  # outside the subset: refused before any build (see the test below)
        walked, compiled = both(kb, "index.md", text, first_line=3)
        assert walked == compiled, repr(text)
        keyworded += "=" in text
        if isinstance(walked, tuple):
            failed += 1
        else:
            rendered += 1
    assert failed > 100 and rendered > 300  # controls: both outcomes were tried
    assert keyworded > 200  # and keyword arguments, rendered and refused by the macro


@pytest.mark.parametrize("text, line", [
    ("a\n{% for x in 'ab' %}{{ x }}{% endfor %}", 4),
    ("{% set x = 1 %}", 3),
    ("\n\n{{ org.__class__ }}", 5),
    ("{{ config }}", 3),
    ("{{ link }}", 3),
    ("{{ org }}", 3),
    ("{{ org.town }}", 3),
    ("{{ link(org.city) }}", 3),
    ("{{ link(*'ab') }}", 3),
    ("{{ 'x'.upper() }}", 3),
    ("{{ 1 + 1 }}", 3),
    ("{{ [1][0] }}", 3),
    ('{{ link("problem-01")|upper }}', 3),
    ("{{ link(True) }}", 3),
    ("{{ link(none) }}", 3),
    ('{{ link("problem-01", -1) }}', 3),
    ('{{ site_name("x") }}', 3),
    ('{{ org("city") }}', 3),
    ('\n{{ org.city("x") }}', 4),
    # Jinja refuses a repeated keyword when compiling and drops _loop_vars/_block_vars.
    ('{{ count(type_name="nope", type_name="problem") }}', 3),
    ('{{ recent_changes(limit=1, limit=2) }}', 3),
    ('{{ count("problem", _loop_vars="x") }}', 3),
    ('{{ count("problem", _block_vars="x") }}', 3),
])
def test_code_outside_the_subset_is_refused_in_the_checks_words(kb, text, line):
    """The checks before the build refuse it first; render refuses it on its own as well,
    with the same message and line, and calls no macro."""
    names = kb.names_for("index.md")
    checked = templating.check_template(text, path="x.md", first_line=3, **subset(kb))
    assert checked, text
    calls = []
    spied = {n: (lambda *a, _f=v, **k: calls.append(a) or _f(*a, **k)) if callable(v) else v for n, v in names.items()}
    with pytest.raises(ContentError) as refused:
        templating.render(text, path="x.md", first_line=3, names=spied)
    assert (refused.value.line, refused.value.message) == (line, checked[0].message)
    assert calls == []  # no macro ran


def test_a_refused_node_after_macros_stops_the_page_there(kb):
    """Nodes are rendered in order: macros before the refused node have run (as in Jinja),
    the refused node's own macro has not, and the page fails at the refused node's line."""
    calls = []
    names = {n: (lambda *a, _n=n, _f=v, **k: calls.append(_n) or _f(*a, **k)) if callable(v) else v
             for n, v in kb.names_for("index.md").items()}
    text = '{{ link("problem-01") }}\n{{ count(type_name="a", type_name="b") }}{{ link("measure-01") }}'
    with pytest.raises(ContentError) as refused:
        templating.render(text, path="x.md", first_line=3, names=names)
    assert refused.value.line == 4
    assert calls == ["link"]


@pytest.mark.parametrize("text", [
    "{{ link(" + "(" * 150 + '"problem-01"' + ")" * 150 + ") }}",  # Python's recursion limit in Jinja's parser
    "{{ link(" + "9" * 5000 + ") }}",  # Python's limit on converting long integers
    # Trees Jinja's parser makes without recursing, too deep for what walks them (find_all).
    "{{ " + "1 + " * 1000 + "1 }}",
    "{{ org" + ".a" * 1000 + " }}",
    "{{ org.city" + "|x" * 1000 + " }}",
    "{{ " + "1 and " * 1000 + "1 }}",
    "{{ " + "not " * 300 + "1 }}",
])
def test_what_breaks_jinjas_parser_is_the_editors_error(tmp_path, text):
    """Not a traceback: the checks before the build, the split listings and render each
    give the editor's error (or, for the listings, nothing to split)."""
    with pytest.raises(ContentError) as failed:
        templating.render(text, path="x.md", first_line=3, names={})
    assert (failed.value.line, failed.value.message) == (3, "模板写法不对：表达式嵌套过深或数字过长")
    with pytest.raises(ContentError) as lower:  # the line where it stands
        templating.render("说明\n\n" + text, path="x.md", first_line=3, names={})
    assert lower.value.line == 5
    checked = templating.check_template(text, path="x.md", first_line=3, macros={"link"}, variables={})
    assert [(e.line, e.message) for e in checked] == [(3, failed.value.message)]
    assert templating.macro_calls(text) == []
    # A page holding it stops the knowledge base's loading with the error, not a traceback.
    docs = tmp_path / "docs"
    write_docs(docs, {**MINIMAL_DOCS, "guide/macros.md": "---\ntitle: 宏\n---\n# 宏\n\n" + text + "\n"})
    with pytest.raises(ContentErrors) as errors:
        load_kb(docs)
    assert [(e.path, e.line) for e in errors.value.errors] == [("guide/macros.md", 6)]
