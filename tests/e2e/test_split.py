"""Listings too large for one page (kb/split.py), built by real mkdocs at the real budget: the
overview links every part, no page passes the budget, every entry is on exactly one part with
its own number, neighbours link each other, hostile titles stay text; a small site has no parts."""
from __future__ import annotations

from html.parser import HTMLParser
import json
import posixpath
import re

import pytest

from kb.split import PAGE_BYTES_GOAL, PAGE_BYTES_TARGET
from tests.support.project import make_project, run_mkdocs
from tests.support.rounds import ROUND_DOCS

PROBLEMS = 240  # with the text below, every splittable listing of the site passes the budget
TERMS = 150
HOSTILE_TITLES = {
    7: "<script>alert(1)</script>",
    8: '{: onclick="alert(1)" }',
    9: "[点我](javascript:alert(1))",
    10: "甲方 | 乙方",
}
TAGS = ("主体责任", "作风建设", "警示教育", "廉洁文化")
# Tags a maintainer let through data/tags.yml: markup, the overview's own name, a pipe, a path.
HOSTILE_TAGS = {"<script>alert(2)</script>": "说明 [x](javascript:alert(3))", "index": "与总览同名",
                "甲|乙": "竖线", "../../escape": "路径"}
HOSTILE_TAGGED = {11: '["<script>alert(2)</script>", "index"]', 12: '["甲|乙", "../../escape"]'}
# Folder of parts → the page that shows the overview.
LISTINGS = {
    "guide/tags": "guide/tags/index.html",
    "problems/checklist": "problems/checklist/index.html",
    "self-check": "self-check/index.html",
    "measures/matrix": "measures/matrix/index.html",
    "problems/list": "problems/index.html",
    "measures/list": "measures/index.html",
    "terms/glossary": "terms/index.html",
}


def _title(number: int, kind: str) -> str:
    return HOSTILE_TITLES.get(number, f"生成的{kind}{number}：关于清廉建设主体责任落实和作风建设常态长效的问题")


def _large_docs() -> dict[str, str]:
    docs = dict(ROUND_DOCS)
    summary = "这是一段较长的摘要，说明问题的主要表现、产生原因以及整改的总体思路和具体安排。" * 2
    for number in range(4, 4 + PROBLEMS):
        report = "report-01" if number % 3 else "report-02"
        tags = f"[{TAGS[number % 4]}, {TAGS[(number + 1) % 4]}]" if number not in HOSTILE_TAGGED else HOSTILE_TAGGED[number]
        problem_title = _title(number, "问题").replace('"', '\\"')
        docs[f"problems/problem-{number:03d}.md"] = (
            f'---\nid: problem-{number:03d}\ntype: problem\ntitle: "{problem_title}"\nsource: 测试\nsummary: {summary}\n'
            f"tags: {tags}\nreport: [{report}]\n---\n"
            "## 主要表现\n\n- 对主体责任的认识不到位，压力传导层层递减。\n- 日常监督流于形式，发现问题不及时。\n"
            "- 制度执行不严格，整改落实不彻底。\n\n## 原因分析\n\n思想认识不到位，责任落实不够有力。\n")
        docs[f"measures/measure-{number:03d}.md"] = (
            f"---\nid: measure-{number:03d}\ntype: measure\ntitle: 生成的措施{number}：压紧压实主体责任并健全日常监督机制\n"
            f"source: 测试\nsummary: {summary}\ntags: {tags}\nreport: [{report}]\nproblems: [problem-{number:03d}]\n---\n"
            f"## 工作要求\n\n- 要求的文字。\n")
    definition = "这是一个较长的术语释义，说明它在清廉建设工作中的含义、出处和通常的用法，供学习时对照。" * 3
    for number in range(1, TERMS + 1):
        title = "<b>粗体</b>术语 | 竖线" if number == 7 else f"生成的术语{number:03d}"
        docs[f"terms/term-gen-{number:03d}.md"] = (
            f'---\nid: term-gen-{number:03d}\ntype: term\ntitle: "{title}"\ndefinition: {definition}\nsource: 测试\n---\n'
            "## 释义\n\n释义正文。\n")
    # A training session on two problems of different reports: its handout prints their parts of the form.
    docs["sessions/session-split.md"] = (
        "---\nid: session-split\ntype: session\ntitle: 分页测试专题\ntrainees: 测试人员\nsource: 测试\n"
        "items: [problem-100, problem-102]\n---\n## 培训安排\n\n对照自查。\n")
    return docs


class _Links(HTMLParser):
    """The links of a page's article, as site paths."""

    def __init__(self, page: str):
        super().__init__()
        self.page, self.hrefs, self.inside = page, [], False

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.inside = True
        if tag == "a" and self.inside:
            href = dict(attrs).get("href") or ""
            if href and not href.startswith(("#", "http")):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), href.split("#")[0]))
                self.hrefs.append(target + "/index.html" if not target.endswith(".html") else target)

    def handle_endtag(self, tag):
        if tag == "article":
            self.inside = False


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.names.update(name for name, _ in attrs)


def _event_handlers(html: str) -> set[str]:
    parser = _Attributes()
    parser.feed(html)
    return {name for name in parser.names if name.startswith("on")}


def links_of(result, page: str) -> list[str]:
    parser = _Links(page)
    parser.feed(result.html(page))
    return parser.hrefs


def with_hostile_tags(project):
    tags = project / "data" / "tags.yml"
    lines = "".join(f"{json.dumps(tag, ensure_ascii=False)}: {json.dumps(about, ensure_ascii=False)}\n"
                    for tag, about in HOSTILE_TAGS.items())
    tags.write_text(tags.read_text(encoding="utf-8") + lines, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    result = run_mkdocs(with_hostile_tags(make_project(tmp_path_factory.mktemp("split") / "project", _large_docs())), timeout=600)
    assert result.ok, result.output  # --strict: every link between the parts and the overviews resolves
    return result


def _parts(result, folder: str) -> list[str]:
    return sorted(p.relative_to(result.site).as_posix() for p in (result.site / folder).glob("*/**/index.html"))


def _ordered_parts(result, folder: str) -> list[str]:
    """The parts in the overview's order (each group's first part, then its later parts)."""
    overview = LISTINGS[folder]
    listed = [href for href in links_of(result, overview) if href.startswith(folder + "/")]
    return list(dict.fromkeys(listed))


@pytest.mark.parametrize("folder", LISTINGS)
def test_the_overview_links_every_part_and_each_part_its_neighbours(large, folder):
    parts = _parts(large, folder)
    assert len(parts) > 1, folder
    # Each group's first part and its later parts, in reading order: a group's later parts sit in
    # the group's folder, so the overview lists the group (first part) and then "另见 第 2 部分".
    order = _ordered_parts(large, folder)
    assert sorted(order) == parts  # every part linked from the overview, nothing else in the folder
    for page in parts:
        assert LISTINGS[folder] in links_of(large, page), page  # back to the overview
    # Following "→" from the first part reaches every part once.
    seen, page = [], order[0]
    while page:
        seen.append(page)
        html = large.html(page)
        following = re.findall(r'<a href="([^"]+)">[^<]* →</a>', html)
        page = posixpath.normpath(posixpath.join(posixpath.dirname(page), following[0])) + "/index.html" if following else None
        if page:
            assert re.search(r'<a href="[^"]+">← ', large.html(page)), page  # and back
    assert sorted(seen) == parts


def test_no_page_of_the_site_passes_the_budget(large):
    sizes = {p.relative_to(large.site).as_posix(): p.stat().st_size for p in large.site.glob("**/*.html")}
    assert max(sizes.values()) < PAGE_BYTES_GOAL, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    # Each part within the target the estimate aims at (well under the goal).
    parts = {p: sizes[p] for folder in LISTINGS for p in _parts(large, folder)}
    assert max(parts.values()) < PAGE_BYTES_TARGET, sorted(parts.items(), key=lambda kv: -kv[1])[:3]
    # Control: the listings are large: each overview would be the whole listing otherwise.
    assert sum(sizes[p] for p in _parts(large, "self-check")) > PAGE_BYTES_GOAL


def test_every_problem_is_on_exactly_one_part_with_its_own_number(large):
    numbers, boxes = [], []
    for page in _parts(large, "self-check"):
        html = large.html(page)
        numbers += [int(n) for n in re.findall(r"<h2 id=[^>]*>对照问题(\d+)：", html)]
        numbers += [10] * html.count(">对照问题十：")  # 问题一 … 问题十九 are written in words
        boxes += re.findall(r'<input[^>]* id="(kb-check-problem-[^"]+)"', html)
    problems = 3 + PROBLEMS
    words = sum(1 for n in numbers if n == 10)
    assert len(set(boxes)) == len(boxes) and {b.split("-")[3] for b in boxes} >= {f"{n:03d}" for n in range(4, 4 + PROBLEMS)}
    digits = sorted(n for n in numbers if n != 10)
    assert digits == list(range(20, problems + 1)) and words == 1  # 20 … 243 once each
    # The checklist too: each problem's page linked once ("查看详情"), across all parts.
    details = [href for page in _parts(large, "problems/checklist") for href in links_of(large, page)
               if href.startswith("problems/problem-")]
    assert sorted(details) == sorted(set(details)) and len(details) >= PROBLEMS


def test_tag_parts_hold_each_tagged_item_once_per_tag(large):
    entries = []
    for page in _parts(large, "guide/tags"):
        tag = re.search(r"<h1[^>]*>标签：([^<（]+)", large.html(page)).group(1)
        entries += [(tag, href) for href in links_of(large, page) if href.startswith(("problems/problem-", "measures/measure-"))]
    assert len(entries) == len(set(entries))
    assert len(entries) == 2 * 2 * PROBLEMS + 1  # two tags on each generated item, practice-01's tag
    assert ("index", "problems/problem-011/index.html") in entries and ("甲|乙", "measures/measure-012/index.html") in entries


def test_hostile_tags_stay_text_and_take_no_address_of_another(large):
    parts = _parts(large, "guide/tags")
    assert "guide/tags/0-index/index.html" in parts  # not guide/tags/index.html: the overview stays
    assert "标签较长" in large.html("guide/tags/index.html")
    assert all(p.startswith("guide/tags/") and ".." not in p for p in parts)
    assert "guide/tags/escape/index.html" in parts
    html = "".join(large.html(p) for p in parts) + large.html("guide/tags/index.html")
    assert "<script>alert(2)" not in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html and "[x](javascript:alert(3))" in html
    assert "标签：甲|乙" in html and ">甲|乙</a>" in html  # a whole cell of the overview, not two


def test_a_self_check_part_is_a_form_of_its_own(large):
    page = _parts(large, "self-check")[0]
    html = large.html(page)
    assert html.count('<div class="kb-self-check">') == 1 and 'class="kb-signoff"' in html
    assert html.count('type="checkbox"') > 20
    # The overview is not a form: the ticks belong to the parts.
    assert 'id="kb-check-' not in large.html("self-check/index.html") and "自查清单较长" in large.html("self-check/index.html")


def test_hostile_titles_stay_text_on_the_parts(large):
    pages = [p for folder in LISTINGS for p in _parts(large, folder)]
    html = "".join(large.html(p) for p in pages)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert _event_handlers('<b onclick="x">') == {"onclick"}  # the check can fail
    assert not _event_handlers(html) and '{: onclick="alert(1)" }' in html  # text of a heading, not an attribute
    assert 'href="javascript:' not in html and "[点我](javascript:alert(1))" in html
    assert "甲方 | 乙方" in html
    assert "&lt;b&gt;粗体&lt;/b&gt;术语 | 竖线" in html and "<b>粗体</b>" not in html
    # Control: the parts do show titles (the generated ones) as text.
    assert "生成的问题11：关于清廉建设主体责任落实和作风建设常态长效的问题" in html


def test_the_handout_prints_the_parts_of_the_form_its_problems_are_on(large):
    from kb.settings import load_settings
    from kb.site import KnowledgeBase
    from kbtools.handout import FORM_PART, collect_sections
    from tests.support.project import reviewed_assets

    project = large.site.parent  # its data/tags.yml has the hostile tags
    kb = KnowledgeBase.load(load_settings(project, docs_dir=project / "docs", site_name="测试", extra=None,
                                          audience="public", reviewed_assets=reviewed_assets()))
    parts = kb.splits.parts[("self_check", "")]
    session = kb.index.get("session-split")
    forms = dict(collect_sections(kb, session)[1])[FORM_PART]
    holding = [p for p in parts if {"problem-100", "problem-102"} & {e.id for e in p.entries}]
    assert len(holding) == 2 and [f.file for f in forms] == [p.path[:-3] + ".html" for p in holding]
    assert [f.title for f in forms] == [p.title for p in holding]
    # The whole knowledge base's handout prints every part; no marker is inside another.
    everything = dict(collect_sections(kb, None)[1])[FORM_PART]
    assert len(everything) == len(parts) > 2
    kinds = [f.kind for f in everything]
    assert not any(a != b and a in b for a in kinds for b in kinds)


def test_a_small_site_has_no_parts(tmp_path):
    result = run_mkdocs(make_project(tmp_path / "project", ROUND_DOCS))
    assert result.ok, result.output
    for folder in LISTINGS:
        assert not (result.site / folder).exists() or _parts(result, folder) == [], folder
    assert "第 1 部分" not in result.html("self-check/index.html") and 'id="kb-check-problem-01-1-' in result.html("self-check/index.html")


def test_contributing_names_every_reserved_folder():
    from kb.ledger import LEDGER_PARTS_FOLDER
    from kb.split import reserved_folders
    from tests.support.project import REPO

    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for folder in [*reserved_folders(), LEDGER_PARTS_FOLDER]:
        assert f"`docs/{folder}/`" in text or (folder.endswith("/list") and "下的 `list/`" in text), folder
