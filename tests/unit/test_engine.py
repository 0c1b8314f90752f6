"""Unit tests of the index, renderers, glossary marking and sandbox: no mkdocs."""
from __future__ import annotations

from pathlib import Path
import re

import pytest

from kb import item_page, markup, tables, templating
from kb.errors import ContentError, ContentErrors
from kb.glossary import Glossary, TermMark
from kb.site import KnowledgeBase
from tests.support.project import MINIMAL_DOCS, REPO, load_kb, write_docs


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    docs = tmp_path / "docs"
    write_docs(docs, MINIMAL_DOCS)
    return load_kb(docs, org={"city": "测试"})


def test_backlinks_both_directions(kb):
    problem, measure = kb.index.get("problem-01"), kb.index.get("measure-01")
    assert [m.id for m in kb.index.referring(problem, "measure", "problems")] == ["measure-01"]
    assert [p.id for p in kb.index.related(measure, "problems")] == ["problem-01"]
    # Control: the measure does not refer to itself and the policy has no measures.
    assert kb.index.referring(kb.index.get("policy-alpha"), "measure", "policies") == []


def test_lookups_by_type_and_tag(kb):
    assert [i.id for i in kb.index.of_type("problem")] == ["problem-01"]
    assert [i.id for i in kb.index.by_tag["警示教育"]] == ["practice-01"]
    assert "作风建设" not in kb.index.by_tag


def test_relative_links_from_nested_pages(kb):
    assert markup.link_by_id(kb.index, "problems/checklist.md", "measure-01") == "[强化担当，落实责任](../measures/measure-01.md)"
    assert markup.link_by_id(kb.index, "index.md", "measure-01") == "[强化担当，落实责任](measures/measure-01.md)"
    with pytest.raises(KeyError):
        markup.link_by_id(kb.index, "index.md", "measure-99")


def test_checklist_has_manifestations_causes_and_measures(kb):
    text = tables.problem_checklist(kb.index, "problems/checklist.md")
    assert "## 问题一：主体责任压力传导不够" in text
    assert "重业务，轻清廉建设" in text and "压力传导执行力度不够" in text
    assert "[强化担当，落实责任](../measures/measure-01.md)" in text
    assert "编辑归纳：措施要求落实一岗双责" in text
    assert "问题二" not in text


def test_matrix_marks_editorial_mapping(kb):
    text = tables.problem_measure_matrix(kb.index, "measures/matrix.md")
    row = next(line for line in text.splitlines() if line.startswith("| [问题一"))
    assert row.endswith('| <span class="kb-cell-label">措施一</span>○ |')  # the label shows on phone cards
    assert "问题一 × 措施一：措施要求落实一岗双责" in text


def relations_and_source(kb, item_id: str) -> str:
    """An item's relations and source as the build writes them, links to docs paths."""
    item = kb.index.get(item_id)
    return item_page.relations(kb.index, item, href=lambda path: path) + item_page.source(kb.index, item)


def test_relations_are_grouped_by_kind_and_the_source_follows(kb):
    problem_footer = relations_and_source(kb, "problem-01")
    assert "<strong>整改措施</strong>" in problem_footer and "<strong>相关政策</strong>" in problem_footer
    assert "<strong>相关术语</strong>" in problem_footer and "测试报告 二、1" in problem_footer
    term_footer = relations_and_source(kb, "term-yigang")
    assert "<strong>被引用于</strong>" in term_footer
    assert '<li>存在问题 · <a href="problems/problem-01.md">主体责任压力传导不够</a></li>' in term_footer
    assert "<strong>整改措施</strong>" not in term_footer


def test_self_check_lists_each_manifestation(kb):
    text = tables.self_check(kb.index, "self-check.md")
    assert text.count('<input type="checkbox"') == 2
    assert re.search(r'<label class="kb-check kb-nomark"><input type="checkbox" id="kb-check-problem-01-1-[0-9a-f]{8}"> '
                     r"重业务，轻清廉建设。</label>", text)


def test_org_variables_render_in_sandbox(kb):
    body = kb.render_page("reports/report-01.md", "{{ org.city }}市的督导调研。")
    assert "测试市的督导调研。" in body and "{{" not in body
    assert "# 测试督导调研报告" in body  # header added to item pages
    plain = kb.render_page("index.md", "{{ count('problem') }} 个问题")
    assert plain == "1 个问题"


@pytest.mark.parametrize("payload", [
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ cycler.__init__.__globals__.os.environ }}",
    "{{ org.__class__.__mro__ }}",
    "{{ link.__globals__ }}",
    "{{ count.__code__ }}",
])
def test_sandbox_refuses_payloads(kb, payload):
    with pytest.raises(ContentError) as error:
        kb.render_page("index.md", "第一行\n" + payload)
    # Line 2 of the body; index.md's body starts at file line 4.
    assert (error.value.path, error.value.line) == ("index.md", 5)
    assert "已拒绝" in error.value.message or "未知的宏或变量" in error.value.message
    # In the words of the check that runs before any build (render refuses on its own too).
    names = kb.names_for("index.md")
    checked = templating.check_template("第一行\n" + payload, path="index.md", first_line=4,
                                        macros={n for n, v in names.items() if callable(v)},
                                        variables={n: v for n, v in names.items() if not callable(v)})
    assert checked and checked[0].message == error.value.message


def test_template_check_names_line():
    names = {"macros": {"link"}, "variables": {"org": {"city": "××"}, "site_name": "知识库"}}
    errors = templating.check_template("a\nb\n{{ config.extra }}", path="x.md", first_line=4, **names)
    assert [str(e).split("（")[0] for e in errors] == ["x.md:6: 未知的宏或变量“config”"]
    assert templating.check_template("{{ org.city }}{{ site_name }}{{ link('a') }}", path="x.md", first_line=4, **names) == []
    errors = templating.check_template("x\n{{ link }}\n{{ org.town }}\n{% for i in 'ab' %}{% endfor %}", path="x.md", first_line=1, **names)
    assert [(e.line, e.message) for e in errors] == [
        (2, "宏“link”后面要加括号"), (3, "“org”下没有“town”"), (4, "页面中不能使用{% for %} 循环")]


def test_glossary_marks_first_occurrence_outside_links_and_headings():
    html = '<h2>四风</h2><p><a href="x">四风</a>纠“四风”，再说四风</p><pre>四风</pre>'
    marked = Glossary([TermMark("四风", "../t/", "释义")]).mark(html)
    assert marked.count('class="kb-term"') == 1
    assert '<h2>四风</h2>' in marked and '<pre>四风</pre>' in marked
    assert '纠“<a class="kb-term" href="../t/" title="释义">四风</a>”' in marked


def test_errors_sorted_and_summarised():
    errors = ContentErrors([ContentError("b.md", 2, "乙"), ContentError("a.md", 9, "甲")])
    assert str(errors).splitlines() == ["a.md:9: 甲", "b.md:2: 乙"]
    assert "2 处内容错误" in errors.summary()


def test_glossary_links_are_worked_out_only_for_terms_on_the_page():
    """A page's cost does not grow with the glossary: only the terms it contains get a URL."""
    from kb.glossary import Glossary

    glossary = Glossary([TermMark(f"术语{n:04d}号", f"terms/t{n}.md", "释义") for n in range(2000)]
                        + [TermMark("四风", "terms/sifeng.md", "释义")])
    asked = []
    marked = glossary.mark("<p>纠四风，再纠四风</p>", lambda target: asked.append(target) or "../t/")
    assert asked == ["terms/sifeng.md"] and marked.count('class="kb-term"') == 1
    assert glossary.mark("<p>四风</p>", own_target="terms/sifeng.md") == "<p>四风</p>"  # not on its own page


def test_glossary_skips_elements_marked_no_mark():
    html = '<div class="kb-facts kb-nomark"><p>标签 四风</p></div><p>四风</p>'
    marked = Glossary([TermMark("四风", "t/", "释义")]).mark(html)
    assert marked.startswith('<div class="kb-facts kb-nomark"><p>标签 四风</p></div>')
    assert marked.endswith('<p><a class="kb-term" href="t/" title="释义">四风</a></p>')


def test_reused_sections_have_redactions_filled(tmp_path):
    docs = tmp_path / "docs"
    files = dict(MINIMAL_DOCS)
    files["problems/problem-01.md"] = files["problems/problem-01.md"].replace("压力传导执行力度不够。", "{{ org.city }}市压力传导不够。")
    write_docs(docs, files)
    kb = load_kb(docs, org={"city": "测试"})
    assert "测试市压力传导不够" in tables.problem_checklist(kb.index, "problems/checklist.md")
    (docs / "problems/problem-01.md").write_text(
        (docs / "problems/problem-01.md").read_text(encoding="utf-8").replace("{{ org.city }}", "{{ count('problem') }}"), encoding="utf-8")
    with pytest.raises(ContentErrors) as error:
        load_kb(docs)
    assert "problems/problem-01.md:16: “## 原因分析”一节会汇总到问题清单" in str(error.value)


def test_recent_changes_from_history_then_updated_dates(kb):
    history = [("2026-11-20", "measures/measure-01.md"), ("2026-11-19", "measures/measure-01.md"), ("2026-11-18", "guide/index.md")]
    text = tables.recent_changes(kb.index, "index.md", 5, history=history)
    # The history's date first; an item it does not know by its `updated` date; none for the rest.
    assert text == ("- 2026年11月20日 · 整改措施 · [强化担当，落实责任](measures/measure-01.md)\n"
                    "- 2026年11月1日 · 存在问题 · [主体责任压力传导不够](problems/problem-01.md)")
    # Control: without history only the `updated` field is used.
    assert tables.recent_changes(kb.index, "index.md", 5) == "- 2026年11月1日 · 存在问题 · [主体责任压力传导不够](problems/problem-01.md)"
    assert tables.recent_changes(kb.index, "index.md", 1, history=history).count("\n- ") == 0  # bounded
    # The history wins over an older (or newer) `updated` date, and same-day changes keep its order.
    later = [("2026-10-01", "problems/problem-01.md"), ("2026-10-01", "measures/measure-01.md")]
    assert tables.recent_changes(kb.index, "index.md", 5, history=later).splitlines() == [
        "- 2026年10月1日 · 存在问题 · [主体责任压力传导不够](problems/problem-01.md)",
        "- 2026年10月1日 · 整改措施 · [强化担当，落实责任](measures/measure-01.md)"]


def test_matrix_becomes_a_list_when_the_grid_would_be_huge(kb, monkeypatch):
    grid = tables.problem_measure_matrix(kb.index, "measures/matrix.md")
    assert grid.startswith("<div class=\"kb-matrix kb-cards\" markdown>\n\n| 问题 \\ 措施")
    monkeypatch.setattr(tables, "MAX_MATRIX_CELLS", 0)
    listed = tables.problem_measure_matrix(kb.index, "measures/matrix.md")
    assert "|" not in listed.split("\n")[2]
    assert "(../problems/problem-01.md \"主体责任压力传导不够\")：[措施一](measure-01.md \"强化担当，落实责任\")○" in listed


def test_checklists_show_each_problem_in_full_numbered_as_everywhere(kb):
    # A checklist too large for one page is split into parts (kb/split.py), no longer cut down
    # to titles: the self-check keeps its boxes at any size.
    checklist = tables.problem_checklist(kb.index, "problems/checklist.md")
    assert "## 问题一：主体责任压力传导不够" in checklist and "重业务，轻清廉建设" in checklist
    assert '<input type="checkbox" id="kb-check-problem-01-1-' in tables.self_check(kb.index, "self-check.md")


def test_split_cuts_runs_within_the_budget_in_order():
    from kb.split import cut, part_path

    assert cut("abcde", [4, 4, 4, 9, 1], 8) == [("a", "b"), ("c",), ("d",), ("e",)]  # an entry over the budget alone
    assert cut("", [], 8) == []
    assert part_path("guide/tags", "zhuti-zeren", 1) == "guide/tags/zhuti-zeren.md"
    assert part_path("guide/tags", "zhuti-zeren", 2) == "guide/tags/zhuti-zeren/2.md"
    # A group named "index" would take the overview's address.
    assert part_path("guide/tags", "index", 1) == "guide/tags/0-index.md"


def test_the_pages_calling_a_listing_are_found_with_their_literal_arguments():
    from kb.split import listing_calls

    pages = {"b.md": "{{ type_index('measure') }} {{ tag_index() }}", "a.md": "{{ type_index(type_name=\"measure\") }}",
             "c.md": "{{ link('x') }} {{ type_index('nonsense') }}", "d.md": "{{ tag_index(", "e.md": "{{ self_check () }}"}
    assert listing_calls(pages) == {("type_index", "measure"): ["a.md", "b.md"], ("tag_index", ""): ["b.md"],
                                    ("self_check", ""): ["e.md"]}
    # d.md names a listing but does not parse (check_template reports it): it calls nothing.
    assert listing_calls({"d.md": pages["d.md"] + ")}}"}) == {("tag_index", ""): ["d.md"]}  # control


def test_type_index_drops_relations_column_for_many_items(kb, monkeypatch):
    assert "| 关联 |" in tables.type_index(kb.index, "problems/index.md", "problem")
    monkeypatch.setattr(tables, "MAX_INDEX_WITH_RELATIONS", 0)
    table = tables.type_index(kb.index, "problems/index.md", "problem")
    assert "| 关联 |" not in table and "measure-01" not in table and "问题一：[主体责任压力传导不够](problem-01.md)" in table


def test_type_index_names_items_without_an_id_column(kb):
    table = tables.type_index(kb.index, "problems/index.md", "problem")
    header, _, row = [line for line in table.splitlines() if line.startswith("|")]
    assert header == "| 名称 | 摘要 | 关联 |"
    assert row.startswith("| 问题一：[主体责任压力传导不够](problem-01.md) |")
    assert "problem-01 |" not in row and "| problem-01" not in row
    # Only the relations readers scan a problem index for: its measures, not its policies.
    assert "整改措施：[措施一]" in row and "阿尔法规定" not in row
    policies = tables.type_index(kb.index, "policies/index.md", "policy")
    assert policies.splitlines()[4] == "| 名称 | 类别 | 摘要 |"  # no relations column for policies
    assert '| [阿尔法规定](policy-alpha.md) | <span class="kb-cell-label">类别</span>规定 | 一项测试规定 |' in policies


def test_sections_ignore_headings_inside_code_fences():
    from kb.markdown_text import headings, sections

    body = "## 主要表现\n\n- 甲\n\n```\n## 不是标题\n```\n\n### 小节\n\n乙\n\n## 原因分析\n\n丙\n"
    assert sections(body) == {"主要表现": "\n- 甲\n\n```\n## 不是标题\n```\n\n### 小节\n\n乙\n".strip("\n"), "原因分析": "丙"}
    assert [h[2] for h in headings(body)] == ["主要表现", "小节", "原因分析"]


def test_sections_shown_elsewhere_keep_their_links_working():
    from kb.markdown_text import rebase_links
    body = ('见[扫描件](problem-02.pdf)、[通报](../guide/notice.pdf#a "t")、[锚](#x)、[外](https://a.b/)、'
            '<a href="p.md">x</a>\n\n`[代码](x.md)`\n\n```\n[代码块](x.md)\n```\n[r]: ../a.md')
    rebased = rebase_links(body, "problems/problem-02.md", "self-check.md")
    assert rebased.split("\n")[0] == ('见[扫描件](problems/problem-02.pdf)、[通报](guide/notice.pdf#a "t")、'
                                      '[锚](problems/problem-02.md#x)、[外](https://a.b/)、<a href="problems/p.md">x</a>')
    assert "`[代码](x.md)`" in rebased and "[代码块](x.md)" in rebased and "[r]: a.md" in rebased
    assert rebase_links(body, "problems/problem-02.md", "problems/problem-02.md") == body


def test_exports_keep_formulas_as_text():
    """A title such as =HYPERLINK(…) from a pull request must not become a live formula."""
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from kb.exports import _csv, xlsx
    rows = [["标题", "说明"], ['=HYPERLINK("https://example.org/","点我")', "-2+3"], ["普通文字", "@SUM(1)"]]
    book = load_workbook(io.BytesIO(xlsx({"台账": rows}, dt.datetime(2026, 1, 1))))
    cells = [(cell.value, cell.data_type) for row in book["台账"].iter_rows(min_row=2) for cell in row]
    assert cells == [('=HYPERLINK("https://example.org/","点我")', "s"), ("-2+3", "s"), ("普通文字", "s"), ("@SUM(1)", "s")]
    assert _csv(rows).decode("utf-8-sig").splitlines()[1:] == ['"\'=HYPERLINK(""https://example.org/"",""点我"")",\'-2+3',
                                                               "普通文字,'@SUM(1)"]


def test_golden_rewrite_keeps_the_rest_of_the_case(tmp_path):
    from tests.support.golden import rewrite_key
    case = tmp_path / "case.yml"
    case.write_text("description: 说明\nfiles:\n  a.md: |\n    ---\n    title: x\n    ---\nerrors:\n  - old\nindex: {}\n", encoding="utf-8")
    rewrite_key(case, "errors", ["a.md:2: 新的说明"])
    assert case.read_text(encoding="utf-8") == (
        "description: 说明\nfiles:\n  a.md: |\n    ---\n    title: x\n    ---\nerrors:\n- 'a.md:2: 新的说明'\nindex: {}\n")
    rewrite_key(case, "errors", [])
    assert "errors" not in case.read_text(encoding="utf-8")
    rewrite_key(case, "errors", ["x"])
    assert case.read_text(encoding="utf-8").endswith("index: {}\nerrors:\n- x\n")


HOSTILE_LINES = [
    "### 小结" + " " * 20000 + "完",  # the heading pattern once took minutes on 1,000 spaces
    "](" * 60000, "](a \"" * 20000, "`" * 30000, "``a`" * 10000, "<a a" * 20000, "<!--" * 20000,
    "a" * 200000, "[" * 30000 + "](x.md)", "{: " * 20000, "&#" * 30000, "url(中" * 20000,
    "{{" * 30000, "{%" * 30000, "中" + " " * 30000 + "中", "中文" * 30000 + " " * 30000, "***" * 20000,
    "[[" * 30000, "# " + " " * 30000 + "原因分析x", "**" + " " * 30000 + "x", "\u3000" * 30000 + "中",
    "中,文" * 20000, "A中" * 30000,
]


def test_text_scanners_take_linear_time_on_hostile_lines():
    """Every pattern the engine runs on pull-request text, on lines built to make a
    backtracking pattern take hours. This guards against hangs (an alarm fails the test
    after 30 s for all of them together); speed itself is measured by scripts/bench.py."""
    import signal

    from kb import copylint, glossary, loader, markdown_text, sanitize
    from kbtools import offline

    def too_slow(*_):
        raise AssertionError("a text scanner did not finish on a hostile line")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(30)
    try:
        for line in HOSTILE_LINES:
            body = f"## 小节\n\n{line}\n"
            markdown_text.headings(body)
            list(markdown_text.link_targets(body))
            markdown_text.rebase_links(body, "problems/problem-01.md", "self-check.md")
            glossary.Glossary([glossary.TermMark("小节", "../t/", "释义")]).mark(f"<p>{line}</p>")
            sanitize.clean(f"<p>{line}</p>")
            offline.css_urls(line)
            copylint.lint_page("problems/problem-01.md", f"---\ntitle: {line}\n---\n{body}", typed=True,
                               text_keys=frozenset({"title"}))
            loader._mistyped_heading(body, "原因分析")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_index_rows_and_session_pages_do_not_grow_with_the_knowledge_base(tmp_path):
    """A report cited by 80 practices, and a session sharing their tag: the report's index row
    names the first practices and how many there are, the session lists a bounded number."""
    from kb import item_page, tables

    docs = tmp_path / "docs"
    files = dict(MINIMAL_DOCS)
    for n in range(2, 82):
        files[f"practices/practice-{n:02d}.md"] = files["practices/practice-01.md"].replace(
            "id: practice-01", f"id: practice-{n:02d}").replace("召开动员部署会议", f"做法{n:02d}")
    files["sessions/session-01.md"] = """
        ---
        id: session-01
        type: session
        title: 警示教育专题
        source: 本知识库培训安排
        tags: [警示教育]
        items: [problem-01]
        ---
        ## 培训说明

        说明。
        """
    write_docs(docs, files)
    kb = load_kb(docs)
    row = next(line for line in tables.type_index(kb.index, "reports/index.md", "report").splitlines() if "report-01" in line)
    assert row.count("practice-") == tables.MAX_RELATED_IN_INDEX_ROW and "等 81 项" in row
    landing = item_page.session_contents(kb.index, kb.index.get("session-01"), href=lambda path: path)
    assert landing.count("<li>") == item_page.MAX_SESSION_ITEMS_SHOWN
    assert "problem-01" in landing  # the items it names come first
    assert f"另有 {82 - item_page.MAX_SESSION_ITEMS_SHOWN} 个带有“警示教育”标签的条目" in landing


def test_only_a_page_that_lists_nothing_says_it_has_no_relations(tmp_path):
    from kb import item_page

    docs = tmp_path / "docs"
    files = dict(MINIMAL_DOCS)
    files["terms/term-lone.md"] = """
        ---
        id: term-lone
        type: term
        title: 孤立术语
        definition: 没有任何关联的术语。
        source: 公开资料
        ---
        ## 释义

        正文。
        """
    files["sessions/session-01.md"] = """
        ---
        id: session-01
        type: session
        title: 专题
        source: 本知识库培训安排
        items: [problem-01]
        ---
        ## 培训说明

        说明。
        """
    write_docs(docs, files)
    kb = load_kb(docs)
    lone = kb.index.get("term-lone")
    assert item_page.relations_shown(kb.index, lone) and "暂无关联内容" in item_page.relations(kb.index, lone, str)
    session = kb.render_page("sessions/session-01.md", "说明。")
    assert "暂无关联内容" not in session and "关联内容" not in session and "## 来源" in session


def test_the_glossary_is_in_pinyin_order_everywhere(tmp_path):
    """One order on the web and on paper: the glossary page and every list of terms (the
    handout takes index.of_type) follow the pinyin of the titles, not code points or IDs."""
    from kb import tables

    docs = tmp_path / "docs"
    files = dict(MINIMAL_DOCS)  # its term-yigang is 一岗双责
    assert "title: 一岗双责" in files["terms/term-yigang.md"]
    for number, title in enumerate(["中心组", "巡察", "四风", "警示教育"], start=1):
        files[f"terms/term-{number}.md"] = (f"---\nid: term-{number}\ntype: term\ntitle: {title}\n"
                                            f"definition: 释义。\nsource: 公开资料\n---\n## 释义\n\n正文。\n")
    write_docs(docs, files)
    kb = load_kb(docs)
    expected = ["警示教育", "四风", "巡察", "一岗双责", "中心组"]  # jing, si, xun, yi, zhong
    assert [t.title for t in kb.index.of_type("term")] == expected
    assert sorted(expected) != expected  # control: code-point order would differ
    page = tables.glossary(kb.index, "terms/index.md")
    assert [page.index(title) for title in expected] == sorted(page.index(title) for title in expected)


def test_editors_see_paths_from_the_project_folder(tmp_path):
    from kb.errors import display_path

    docs = tmp_path / "docs"
    (docs / "guide").mkdir(parents=True)
    (docs / "guide" / "index.md").write_text("# 使用说明\n", encoding="utf-8")
    (docs / "guide" / "link.md").symlink_to(docs / "guide" / "index.md")
    assert display_path(docs, "guide/index.md", cwd=tmp_path) == "docs/guide/index.md"
    assert display_path(docs, "guide/link.md", cwd=tmp_path) == "docs/guide/link.md"  # not where it points
    assert display_path(docs, "mkdocs.yml", cwd=tmp_path) == "mkdocs.yml"  # not a page in docs/
    assert display_path(docs, "guide/index.md", cwd=docs / "guide") == "index.md"
    (tmp_path / "elsewhere").mkdir()
    assert display_path(docs, "guide/index.md", cwd=tmp_path / "elsewhere") == str(docs / "guide" / "index.md")



def test_template_syntax_errors_are_all_chinese():
    """Jinja's own messages are English ("unexpected '}', expected ')'"); an editor sees none."""
    broken = ["{{ link('a' }}", "{{ link('a') }", "{% %}", "{{ link('a',, 'b') }}", "{{ 1 + }}", "{{ link(!) }}",
              "{{ }}", "{{ link('a') | }}", "{{ 'a }}", "{{ link('a')) }}", "{# x", "{{ link('a') }} {% endfor %}",
              "{{ link('a') {{ }}", "{{ link['a'] ] }}", "{{ link('a')\n"]
    allowed = re.compile(r"\{% (?:end)?raw %\}|docs/guide/macros\.md")
    for text in broken:
        errors = templating.check_template(text, path="x.md", first_line=1, macros={"link"}, variables={})
        assert errors, text
        for error in errors:
            assert not re.search(r"[A-Za-z]{2,}", allowed.sub("", error.message + error.hint)), (text, str(error))


def test_an_element_left_open_over_the_engine_parts_is_named_where_it_opens():
    from kb.slots import swallowed_error

    # A void element never stays open; the nested div closes, the outer one does not.
    error = swallowed_error("problems/problem-05.md", "<img src=a.png>\n\n<div>\n<div>内</div>\n<br>\n", 8)
    assert (error.line, "<div>" in error.message, "</div>" in error.hint) == (10, True, True)
    # Where no line starts an element left open, the error stands at the text's last line.
    fallback = swallowed_error("problems/problem-05.md", "正文\n\n文字 <div>\n\n", 8)
    assert fallback.line == 10 and "缺少结束标签" in fallback.message


def test_check_converts_the_page_after_an_interrupted_one_as_if_alone():
    # Python-Markdown's reset() leaves the block parser's state of a conversion that was
    # interrupted (recursion, budget): check.py's next page converted as if inside a list.
    from kbtools.project import Project, markdown_converter

    to_html = markdown_converter(Project.load(REPO))
    page = "## 原因分析\n\n原因。\n"
    alone = to_html(page)
    with pytest.raises(RecursionError):
        to_html("- " * 1000 + "x\n")
    assert to_html(page) == alone and "<p>原因。</p>" in alone


def test_neighbour_links_of_a_lone_part_are_nothing():
    """A listing of one part and no overview page has no links: no stray attribute-list text."""
    import markdown

    from kb.split import NEIGHBOUR_LINKS_CLASS, Group, Part, neighbour_links

    group = Group(slug="all", title="", entries=())
    one = Part(listing="问题清单", path="problems/checklist/all/index.md", group=group, entries=(), number=1, count=1)
    assert neighbour_links(one, [one], None) == ""
    # Control: with an overview the links are one paragraph of their own class.
    html = markdown.markdown(neighbour_links(one, [one], ("problems/checklist.md", "问题清单总览")), extensions=["attr_list"])
    assert html.startswith(f'<p class="{NEIGHBOUR_LINKS_CLASS}"><a href=') and "{:" not in html
