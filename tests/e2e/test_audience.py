"""Internal pages (audience: internal) leave no trace in the public build,
and are complete in the internal build."""
from __future__ import annotations

from html.parser import HTMLParser
import json
from pathlib import Path

import pytest

from tests.support.htmlcheck import check_site
from tests.support.project import MINIMAL_DOCS, SITE_ASSETS, make_project, run_mkdocs
from tests.support.site import find_in_site, text_views

MARKER = "内部标记 XJ7Q"
INTERNAL_ID = "problem-99"
# Every form in which the internal page could leak: the marker, its ASCII part
# (alone or lowercased by a search tokenizer), and the id in paths and text.
NEEDLES = [MARKER, "XJ7Q", "xj7q", INTERNAL_ID]

INTERNAL_PROBLEM = f"""
    ---
    id: {INTERNAL_ID}
    type: problem
    audience: internal
    title: {MARKER} 问题
    source: 内部材料
    summary: {MARKER} 摘要
    report: [report-01]
    policies: [policy-alpha]
    terms: [term-yigang]
    tags: [警示教育]
    updated: 2026-11-20
    ---
    ## 主要表现

    - {MARKER} 的表现。

    ## 原因分析

    {MARKER} 的原因。
    """

# measure-01 answers both the public and the internal problem; the note on the
# internal relation is internal too.
MEASURE = f"""
    ---
    id: measure-01
    type: measure
    title: 强化担当，落实责任
    source: 测试报告 三、二是
    report: [report-01]
    status: 整改中
    problems:
      - id: problem-01
        editorial: 措施要求落实一岗双责，对应问题一。
      - id: {INTERNAL_ID}
        editorial: 对应{MARKER}的理由。
    ---
    ## 工作要求

    严格落实领导班子成员职责。
    """

# A public session that lists the internal problem, and a page with more generated lists.
SESSION = f"""
    ---
    id: session-01
    type: session
    title: 警示教育专题
    source: 测试
    date: 2026-11-25
    items: [problem-01, {INTERNAL_ID}]
    tags: [警示教育]
    ---
    本专题的学习内容。
    """
LISTS = """
    ---
    title: 宏参考
    ---
    # 宏参考

    共 {{ count("problem") }} 个问题。

    {{ item_list("problem") }}

    {{ recent_changes() }}
    """

DOCS = {
    **MINIMAL_DOCS,
    **SITE_ASSETS,
    f"problems/{INTERNAL_ID}.md": INTERNAL_PROBLEM,
    "measures/measure-01.md": MEASURE,
    "sessions/session-01.md": SESSION,
    "guide/macros.md": LISTS,
}
PUBLIC_PROBLEMS = 1  # problem-01


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("audience")
    project = make_project(root / "project", DOCS)
    public = run_mkdocs(project, site=root / "public")
    internal = run_mkdocs(project, site=root / "internal", env={"KB_AUDIENCE": "internal"})
    assert public.ok, public.output
    assert internal.ok, internal.output
    return public, internal


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_tbody = False
        self.rows = 0

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_tbody = True
        elif tag == "tr" and self.in_tbody:
            self.rows += 1

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_tbody = False


def table_rows(html: str) -> int:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def test_public_site_has_no_trace_of_the_internal_page(builds):
    public, _ = builds
    assert not (public.site / "problems" / INTERNAL_ID).exists()
    assert find_in_site(public.site, NEEDLES) == []
    # The scan looked inside the compressed and zipped files too.
    views = {label for path in (public.site / "sitemap.xml.gz", public.site / "exports" / "ledger.xlsx")
             for label, _ in text_views(path)}
    assert "sitemap.xml.gz!gunzip" in views and "ledger.xlsx!xl/worksheets/sheet1.xml" in views


def test_public_lists_drop_the_internal_page(builds):
    public, _ = builds
    assert check_site(public.site) == []  # no link left pointing at the removed page
    assert table_rows(public.html("problems/index.html")) == PUBLIC_PROBLEMS
    assert "共 1 个问题" in public.html("guide/macros/index.html")
    assert "1 个问题" in public.html("index.html")
    data = json.loads((public.site / "exports" / "knowledge-base.json").read_text(encoding="utf-8"))
    assert sorted(i["id"] for i in data["items"] if i["type"] == "problem") == ["problem-01"]
    measure = next(i for i in data["items"] if i["id"] == "measure-01")
    assert [r["id"] for r in measure["relations"] if r["key"] == "problems"] == ["problem-01"]
    # The public problem is still listed everywhere (the lists are not simply empty).
    for page in ("problems/checklist/index.html", "self-check/index.html", "measures/ledger/index.html",
                 "measures/matrix/index.html", "sessions/session-01/index.html", "guide/macros/index.html",
                 "policies/policy-alpha/index.html", "reports/report-01/index.html", "measures/measure-01/index.html"):
        assert "主体责任压力传导不够" in public.html(page), page
    assert "召开动员部署会议" in public.html("guide/tags/index.html")  # the public item under 警示教育
    session = next(i for i in data["items"] if i["id"] == "session-01")
    assert session["fields"]["items"] == ["problem-01"]


def test_internal_site_has_the_internal_page(builds):
    """Control: the same project built for internal readers shows the page everywhere."""
    _, internal = builds
    page = internal.html(f"problems/{INTERNAL_ID}/index.html")
    assert MARKER in page and "仅限内部" in page
    hits = {hit.split(" ")[0] for hit in find_in_site(internal.site, [MARKER])}
    for path in (f"problems/{INTERNAL_ID}/index.html", "problems/index.html", "problems/checklist/index.html",
                 "measures/measure-01/index.html", "policies/policy-alpha/index.html", "guide/tags/index.html",
                 "sessions/session-01/index.html", "guide/macros/index.html", "search/search_index.json",
                 "exports/knowledge-base.json", "exports/problems.csv", "exports/ledger.csv", "exports/ledger.xlsx"):
        assert path in hits, path
    assert table_rows(internal.html("problems/index.html")) == PUBLIC_PROBLEMS + 1
    data = json.loads((internal.site / "exports" / "knowledge-base.json").read_text(encoding="utf-8"))
    assert next(i for i in data["items"] if i["id"] == "session-01")["fields"]["items"] == ["problem-01", INTERNAL_ID]
    assert "共 2 个问题" in internal.html("guide/macros/index.html")
    assert check_site(internal.site) == []


def test_public_page_linking_an_internal_page_fails(tmp_path: Path):
    practice = MINIMAL_DOCS["practices/practice-01.md"].rstrip() + f"\n\n        另见[内部问题](../problems/{INTERNAL_ID}.md)。\n"
    project = make_project(tmp_path / "project", {**DOCS, "practices/practice-01.md": practice})
    public = run_mkdocs(project, site=tmp_path / "public")
    assert public.returncode != 0
    assert f"practices/practice-01.md:15: 链接“../problems/{INTERNAL_ID}.md”指向内部页面，公开版中不存在" in public.output, public.output
    assert "Traceback" not in public.output
    # Control: the internal build of the same project has the page, so the link is fine there.
    internal = run_mkdocs(project, site=tmp_path / "internal", env={"KB_AUDIENCE": "internal"})
    assert internal.ok, internal.output


def test_unknown_audience_fails(tmp_path: Path):
    project = make_project(tmp_path / "project", MINIMAL_DOCS)
    result = run_mkdocs(project, env={"KB_AUDIENCE": "bogus"})
    assert result.returncode != 0
    assert "环境变量 KB_AUDIENCE: 不认识的值“bogus”" in result.output, result.output
    assert "只能是 public（默认）或 internal" in result.output
    assert "Traceback" not in result.output
    # Control: the two known values are accepted (the public one explicitly).
    assert run_mkdocs(project, env={"KB_AUDIENCE": "public"}).ok
