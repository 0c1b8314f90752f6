"""End to end: a small knowledge base built by real mkdocs --strict, asserted on its HTML."""
from __future__ import annotations

import json
import re

import pytest

from tests.support.project import MINIMAL_DOCS, make_project, run_mkdocs


def text_of(html: str) -> str:
    article = html[html.index("<article"):html.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("e2e") / "project", MINIMAL_DOCS)
    result = run_mkdocs(project)
    assert result.ok, result.output
    return result


def test_build_has_no_warnings(built):
    assert "WARNING" not in built.output and "ERROR" not in built.output


def test_item_page_gets_relations_without_editor_writing_them(built):
    problem = text_of(built.html("problems/problem-01/index.html"))
    assert "关联内容" in problem and "整改措施 强化担当，落实责任" in problem
    assert "编辑归纳：措施要求落实一岗双责" in problem
    # Control: the policy page lists the problem as a backlink, but not the unrelated measure.
    policy = text_of(built.html("policies/policy-alpha/index.html"))
    assert "涉及该政策的问题 主体责任压力传导不够" in policy
    assert "强化担当" not in policy


def test_breadcrumb_links_back_to_section(built):
    html = built.html("measures/measure-01/index.html")
    crumb = html.split('class="kb-breadcrumb"')[1].split("</div>")[0]
    assert '<a href="../">整改措施</a>' in crumb and '<a href="../../">首页</a>' in crumb
    assert ".md" not in crumb and "problems/" not in crumb
    assert crumb.endswith("› 措施一") and "measure-01" not in crumb  # a name, not the ID


def test_chinese_heading_anchors(built):
    html = built.html("problems/problem-01/index.html")
    assert 'id="主要表现"' in html and 'id="原因分析"' in html
    assert not re.search(r'id="_\d+"', html)


def test_type_index_counts_items(built):
    html = built.html("problems/index.html")
    table = html.split("<table")[1].split("</table>")[0]
    assert "共 1 项。" in html and table.count("<tr>") == 2  # header and one problem
    assert 'href="problem-01/">主体责任压力传导不够</a>' in table
    # Relations: report items by their number, policies by title; a problem's row names the
    # measures that answer it, a practice's the policies it carries out.
    assert 'href="../measures/measure-01/" title="强化担当，落实责任">措施一</a>' in table
    assert "阿尔法规定" not in table and "problem-01</td>" not in table
    practices = built.html("practices/index.html").split("<table")[1].split("</table>")[0]
    assert '相关政策：<a href="../policies/policy-alpha/">阿尔法规定</a>' in practices


def test_redactions_render_from_config(built):
    report = text_of(built.html("reports/report-01/index.html"))
    assert "××市的督导调研" in report and "***" not in report and "{{" not in report


def test_glossary_tooltip_on_first_occurrence(built):
    html = built.html("problems/problem-01/index.html")
    assert re.search(r'<a class="kb-term" href="../../terms/term-yigang/" title="领导干部[^"]*">一岗双责</a>', html)
    # Control: the term's own page does not link to itself.
    assert 'class="kb-term"' not in built.html("terms/term-yigang/index.html")


def test_item_pages_are_not_in_nav_but_sections_are(built):
    html = built.html("index.html")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[:nav.index("</nav>")]
    assert "problems/" in nav and "problem-01" not in nav


def test_exports_and_search_index(built):
    csv = (built.site / "exports" / "problems.csv").read_bytes().decode("utf-8-sig")
    # Names a reader knows first; the ID last, for tools that read the file back.
    assert "1,问题一：主体责任压力传导不够," in csv and "措施一：强化担当，落实责任" in csv and csv.rstrip().endswith(",problem-01")
    data = json.loads((built.site / "exports" / "knowledge-base.json").read_text(encoding="utf-8"))
    assert {i["id"] for i in data["items"]} == {"report-01", "policy-alpha", "practice-01", "problem-01", "measure-01", "term-yigang"}
    raw = (built.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert not re.search(r"\\u[4-9][0-9a-f]{3}", raw) and "主体责任" in raw
    assert "\u200b" not in raw  # Material's index joins jieba's words with zero-width spaces
    docs = {d["l"]: d for d in json.loads(raw)["docs"]}
    problem = docs["problems/problem-01/"]
    assert problem["t"] == "主体责任压力传导不够" and problem["p"] == ["存在问题"]
    assert problem["k"][:2] == ["problem-01", "问题一"]
    assert "压力传导执行力度不够。" in problem["x"]
    # What the build adds around every item is not the item's text: its relations, source, facts.
    assert "关联内容" not in problem.get("h", []) and "强化担当" not in problem["x"] and "编号" not in problem["x"]


def test_validation_error_names_file_and_line(tmp_path):
    files = dict(MINIMAL_DOCS)
    files["measures/measure-01.md"] = files["measures/measure-01.md"].replace("id: problem-01", "id: problem-0l")
    result = run_mkdocs(make_project(tmp_path / "p", files))
    assert not result.ok
    assert "measures/measure-01.md:8: problems 引用的“problem-0l”不存在（是不是想写 problem-01？）" in result.output
    # The path as check.py prints it, from the project folder: docs/ first.
    assert "ERROR   -  docs/measures/measure-01.md:8: " in result.output
    assert "Traceback" not in result.output


def test_removing_a_referenced_page_fails(tmp_path):
    files = {k: v for k, v in MINIMAL_DOCS.items() if k != "policies/policy-alpha.md"}
    result = run_mkdocs(make_project(tmp_path / "p", files))
    assert not result.ok
    assert "reports/report-01.md:6: policies 引用的“policy-alpha”不存在" in result.output


def test_builds_with_the_mkdocs_command_from_another_folder(tmp_path):
    """The `mkdocs` command does not put the project on sys.path; the hooks must."""
    import os
    import shutil
    import subprocess

    project = make_project(tmp_path / "p", MINIMAL_DOCS)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000"}
    env.pop("PYTHONPATH", None)
    result = subprocess.run([shutil.which("mkdocs"), "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / "out")],
                            cwd=elsewhere, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "problems" / "problem-01" / "index.html").exists()


def test_nav_titles_from_mkdocs_yml_are_text(tmp_path):
    """A nav title in mkdocs.yml is printed by the theme in every page's navigation: written
    as HTML it must show as text."""
    project = make_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    hostile = "自查<img src=x onerror=alert(1)>&amp;清单"
    text = config.read_text(encoding="utf-8")
    assert "  - 自查清单: self-check.md" in text
    config.write_text(text.replace("  - 自查清单: self-check.md", f"  - '{hostile}': self-check.md"), encoding="utf-8")
    result = run_mkdocs(project)
    assert result.ok, result.output
    home = (result.site / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in home
    assert "自查&lt;img src=x onerror=alert(1)&gt;&amp;amp;清单" in home


def test_a_page_can_stay_out_of_search(tmp_path):
    """`search: exclude: true` in front matter keeps a page out of the index (the control: the
    same page without it is in)."""
    files = dict(MINIMAL_DOCS)
    guide = "---\ntitle: 使用说明\n{extra}---\n\n# 使用说明\n\n本页只供编辑参考。\n"
    files["guide/index.md"] = guide.format(extra="search:\n  exclude: true\n")
    excluded = run_mkdocs(make_project(tmp_path / "excluded", files))
    files["guide/index.md"] = guide.format(extra="")
    included = run_mkdocs(make_project(tmp_path / "included", files))
    assert excluded.ok and included.ok, excluded.output + included.output

    def locations(result):
        raw = (result.site / "search" / "search_index.json").read_text(encoding="utf-8")
        return {d["l"] for d in json.loads(raw)["docs"]}

    assert "guide/" in locations(included) and "guide/" not in locations(excluded)



def test_not_found_page_and_footnote_links_speak_chinese(tmp_path):
    files = dict(MINIMAL_DOCS)
    files["guide/index.md"] = "---\ntitle: 使用说明\n---\n# 使用说明\n\n见报告原文[^1]。\n\n[^1]: 督导调研报告第二部分。\n"
    result = run_mkdocs(make_project(tmp_path / "p", files))
    assert result.ok, result.output
    missing = result.site.joinpath("404.html").read_text(encoding="utf-8")
    assert "找不到这个页面" in missing and "回到首页" in missing and '?q="' in missing
    assert "Not found" not in missing
    guide = result.html("guide/index.html")
    assert 'title="返回正文中第 1 个脚注处"' in guide and "Jump back" not in guide


def test_a_build_prints_no_macros_plugin_chatter(built):
    """mkdocs-macros' INFO lines (what it found in the macros package) are switched off."""
    assert "[macros]" not in built.output and "Documentation built" in built.output



def test_a_tooltip_with_angle_brackets_builds_and_stays_a_tooltip(tmp_path):
    """A careless editor's tooltip with ">" in it (and the glossary's term in it): the page
    builds, the tooltip is the editor's, and only the text's term is linked. The glossary used
    to put its link inside the attribute, and the sanitizer then refused the page for an
    attribute and a link the editor never wrote."""
    page = '---\ntitle: 使用说明\n---\n# 使用说明\n\n<span title="步骤>一岗双责">提示</span>：正文提到一岗双责。\n'
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, "guide/index.md": page})
    result = run_mkdocs(project, site=tmp_path / "site")
    assert result.ok, result.output
    html = (result.site / "guide" / "index.html").read_text(encoding="utf-8")
    # The tooltip escaped once more for Material's tooltips, which show it through innerHTML
    # (kb/sanitize.py tooltip_text): the reader sees 步骤>一岗双责.
    assert '<span title="步骤&amp;gt;一岗双责">提示</span>：正文提到<a class="kb-term" href="../terms/term-yigang/"' in html
