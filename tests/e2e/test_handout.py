"""The printable handout (scripts/handout.py): a PDF whose Chinese text reads back as real
characters, with cover, clickable table of contents with page numbers, and page footers.

The negative control for the text check (the same kind of PDF set in Noto Sans CJK carries
Kangxi radicals in its ToUnicode maps, which pdftotext alone would hide) is
tests/e2e/test_offline_tools.py::test_negative_control_noto_cjk_maps_glyphs_to_radicals; it is
not repeated here.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
import re
import shutil
import subprocess

import pytest

from kbtools import offline as _offline
from kbtools.handout_html import extract_article, resolve, rewrite_fragment, stylesheets
from tests.support.project import MINIMAL_DOCS, make_project, run_script

needs_tools = pytest.mark.skipif(
    not (shutil.which("pdftotext") and Path(_offline.CHROMIUM_PATH).exists()
         and any(_offline.font_is_installed(f) for f in _offline.PDF_FONT_FAMILIES)),
    reason="needs chromium, poppler-utils and fonts-wqy-microhei (scripts/test.sh installs them)",
)

EPOCH = 1764000000  # run_script's SOURCE_DATE_EPOCH; KB_VERSION=test
BUILD_DATE = dt.datetime.fromtimestamp(EPOCH, tz=dt.UTC).date().isoformat()
SESSION = "session-report-reading"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(pdf: Path, layout: bool = False) -> list[str]:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@pytest.fixture(scope="module")
def session_pdf(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("handout") / "project")
    out = tmp_path_factory.mktemp("pdf") / "讲义.pdf"
    result = run_script(project, "handout.py", "--output", str(out), "--session", SESSION)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result


# -- the session handout of the real knowledge base ----------------------------------


@needs_tools
def test_known_phrases_read_back(session_pdf):
    pdf, _result = session_pdf
    flat = _flat(_offline.pdf_text(pdf))
    for phrase in ("督导调研报告导读", "主体责任压力传导不够", "第1页", "目录", "培训对象",
                   "全市文旅行业系统党员干部", "内容以在线版为准", f"构建于{BUILD_DATE}", "版本test",
                   "一岗双责", "加强学习，提高认识", "议程"):
        assert phrase in flat, phrase


@needs_tools
def test_no_radicals_in_extracted_text_or_tounicode_maps(session_pdf):
    pdf, _result = session_pdf
    cmap_text, cmaps = _offline.pdf_tounicode_text(pdf)
    assert cmaps > 0
    assert _offline.find_radicals(_offline.pdf_text(pdf)) == []
    assert _offline.find_radicals(cmap_text) == []
    cid_fonts = [f for f in _offline.pdf_fonts(pdf) if f.type.startswith("CID")]
    assert cid_fonts and all(f.embedded for f in cid_fonts)
    assert {f.name.split("+", 1)[-1] for f in cid_fonts} <= _offline.PDF_SAFE_FONT_NAMES


@needs_tools
def test_cover_toc_and_page_footers(session_pdf):
    pdf, _result = session_pdf
    pages = _pages(pdf)
    flat = [_flat(p) for p in pages]
    total = len(pages)
    assert total >= 10
    for number, text in enumerate(flat, 1):
        assert f"第{number}页/共{total}页" in text, number
    assert "培训讲义" in flat[0] and "督导调研报告导读" in flat[0] and "内容以在线版为准" in flat[0]
    assert flat[1].startswith("目录")
    # Each TOC line ends with the page on which the item really starts.
    toc = _pages(pdf, layout=True)[1]
    for marker, title in (("（problem-01）", "清廉建设主体责任压力传导不够，担当劲头仍显不足"),
                          ("（measure-05）", "提质增效，同频共振"),
                          ("（report-01）", "市纪委监委派驻纪检监察组关于全市文旅行业领域清廉建设工作的督导调研报告")):
        start = next(n for n, text in enumerate(flat, 1) if marker in text)
        assert start > 2
        assert re.search(re.escape(title) + r"\s+" + str(start) + r"\s*$", toc, re.M), (title, start)


@needs_tools
def test_toc_links_and_bookmarks_are_inside_the_pdf(session_pdf):
    data = session_pdf[0].read_bytes()
    assert data.count(b"/Dest") >= 15  # TOC entries and cross-references jump inside the document
    assert b"/URI" not in data  # no link points at a web address or a file
    assert b"/Outlines" in data


@needs_tools
def test_progress_and_final_line(session_pdf):
    pdf, result = session_pdf
    assert "构建网站" in result.stderr and "排版 PDF" in result.stderr
    assert re.search(re.escape(str(pdf)) + r"（\d+ 页，\d+(\.\d)? (MB|KB)）", result.stdout), result.stdout
    assert "Traceback" not in result.stderr


# -- the whole knowledge base, and errors --------------------------------------------


@needs_tools
def test_whole_knowledge_base_handout(tmp_path):
    project = make_project(tmp_path / "project", MINIMAL_DOCS)
    out = tmp_path / "all.pdf"
    result = run_script(project, "handout.py", "--output", str(out))
    assert result.returncode == 0, result.stderr
    flat = _flat(_offline.pdf_text(out))
    for phrase in ("知识库全部条目", "测试督导调研报告", "召开动员部署会议", "主体责任压力传导不够",
                   "强化担当，落实责任", "阿尔法规定", "一岗双责", "第1页"):
        assert phrase in flat, phrase
    assert _offline.find_radicals(_offline.pdf_tounicode_text(out)[0]) == []


def test_unknown_session_is_refused_in_chinese(tmp_path):
    project = make_project(tmp_path / "project")
    out = tmp_path / "x.pdf"
    result = run_script(project, "handout.py", "--output", str(out), "--session", "no-such-session")
    assert result.returncode == 1
    assert "找不到培训专题“no-such-session”" in result.stderr and SESSION in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


# -- reusing the built HTML (kbtools/handout_html.py) --------------------------------

PAGE = """<html><head><link rel="stylesheet" href="../assets/a.css"><link rel="icon" href="x.png"></head>
<body><article class="md-content__inner md-typeset">
<div class="kb-breadcrumb"><a href="../index.html">首页</a> › problem-01</div>
<h1 id="标题">标题<a class="headerlink" href="#标题" title="本节链接">&para;</a></h1>
<p>见<a href="#原因">下文</a>与<a href="../measures/measure-01.html#要求">措施</a>、<a href="../self-check.html">自查</a>、
<a class="kb-term" href="../terms/t.html" title="释义">术语</a>、<a href="https://example.org/">外站</a> &amp; &#x4e00;<br>
<img src="../assets/p.png" alt="图"></p>
<article><p>内层</p></article>
</article><footer>页脚</footer></body></html>"""


def test_extract_article_returns_the_inner_html():
    inner = extract_article(PAGE)
    assert inner.startswith("\n<div class=\"kb-breadcrumb\">") and inner.endswith("</article>\n")
    assert "页脚" not in inner and "<p>内层</p>" in inner
    assert stylesheets(PAGE) == ["../assets/a.css"]


def test_rewrite_fragment_for_one_document():
    included = {"problems/p.html": "kb-item-p", "measures/measure-01.html": "kb-item-m"}

    def anchor_for(path, fragment):
        if path not in included:
            return None
        return f"#{path}--{fragment}" if fragment else f"#{included[path]}"

    out = rewrite_fragment(extract_article(PAGE), page_path="problems/p.html", id_prefix="p--", anchor_for=anchor_for)
    assert "kb-breadcrumb" not in out and "首页" not in out and "&para;" not in out and "headerlink" not in out
    assert '<h1 id="p--标题">标题</h1>' in out
    assert '<a href="#problems/p.html--原因">下文</a>' in out
    assert '<a href="#measures/measure-01.html--要求">措施</a>' in out
    flat = out.replace("\n", "")
    assert "、自查、" in flat  # page not in the handout: text only
    assert "、术语、" in flat and "释义" not in out  # glossary marks: text only
    assert '<a href="https://example.org/">外站</a>' in out
    assert "&amp; &#x4e00;" in out and '<img src="assets/p.png" alt="图">' in out


def test_resolve_relative_urls():
    assert resolve("a/b.html", "../c.html#x") == ("c.html", "x")
    assert resolve("a/b.html", "#%E4%B8%80") == ("a/b.html", "一")
    assert resolve("a/b.html", "https://x.org/") is None
    assert resolve("a/b.html", "../../up.html") is None
