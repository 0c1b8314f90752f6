"""What a page contributes to search (kb/search_index.py), on HTML as the build renders it."""
from __future__ import annotations

import json
from pathlib import Path

import material

from kb.search_index import LISTING_CLASS, clean_text, document, fold, index_json, page_text, query_terms

ITEM_PAGE = """
<div class="kb-breadcrumb"><a href="../../">首页</a> › <a href="../">存在问题</a> › problem-01</div>
<h1 id="t">主体责任压力传导不够<a class="headerlink" href="#t" title="本节链接">¶</a></h1>
<div class="kb-facts kb-nomark"><p><strong>编号</strong> problem-01 · <strong>类型</strong> 问题</p></div>
<div class="admonition abstract kb-callout"><p class="admonition-title">摘要</p><p>一句话概括。</p></div>
<h2 id="x">主要表现<a class="headerlink" href="#x">¶</a></h2>
<p>部分班子成员针对<a class="kb-term" href="../../terms/t/" title="领导干部……">一岗双责</a>
多以口头强调为主。<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p>
<script>alert(1)</script>
<h2 id="kb-relations">关联内容</h2>
<p><strong>整改措施</strong></p><ul><li><a href="../../measures/m/">强化担当，落实责任</a></li></ul>
<div class="admonition warning"><p class="admonition-title">编辑写的提示</p><p>提示正文。</p></div>
<h2 id="kb-source">来源</h2><p>督导调研报告 二、1</p>
<div class="footnote"><hr><ol><li id="fn:1"><p>脚注正文。<a class="footnote-backref" href="#fnref:1">↩</a></p></li></ol></div>
"""


def test_item_page_text_is_its_own_text():
    text = page_text(ITEM_PAGE)
    assert text.heading_one == "主体责任压力传导不够"
    assert text.headings == ["主要表现"]
    assert text.blocks == ["一句话概括。", "部分班子成员针对一岗双责多以口头强调为主。", "脚注正文。"]


def test_what_the_build_adds_is_not_text():
    """Negative controls: each left-out part is really in the HTML above."""
    for added in ("problem-01", "编号", "首页", "¶", "摘要", "alert", "强化担当", "关联内容", "来源", "督导调研报告", "↩",
                  "编辑写的提示", "提示正文。"):
        assert added in ITEM_PAGE
        assert added not in page_text(ITEM_PAGE).text, added
    assert "领导干部" not in page_text(ITEM_PAGE).text  # a tooltip is an attribute, never text


def test_an_editors_box_keeps_its_title_the_builds_callout_does_not():
    html = ('<div class="admonition abstract kb-callout"><p class="admonition-title">释义</p><p>定义。</p></div>'
            '<div class="admonition warning"><p class="admonition-title">注意事项</p><p>提示正文。</p></div>')
    assert page_text(html).blocks == ["定义。", "注意事项", "提示正文。"]


def test_listing_output_is_left_out_but_the_page_around_it_stays():
    html = (f'<h1>整改台账</h1><p>每一行是一个问题。</p><div class="{LISTING_CLASS}"><h2>问题一：甲</h2>'
            '<table><tr><td>加强学习</td></tr></table></div><h2>下载</h2><p>Excel 表格</p>')
    text = page_text(html)
    assert text.blocks == ["每一行是一个问题。", "Excel 表格"]
    assert text.headings == ["下载"]


def test_soft_line_breaks_between_chinese_are_not_spaces_but_latin_words_keep_theirs():
    assert clean_text("整改\n措施 Excel  表格\u200b清单") == "整改措施 Excel 表格清单"
    assert clean_text("标题\u202e反向\u2066隔离\u2069") == "标题反向隔离"  # bidirectional controls
    assert page_text("<p>多以口头\n强调为主</p>").blocks == ["多以口头强调为主"]


def test_unclosed_and_stray_tags_do_not_lose_or_leak_text():
    text = page_text('<div class="kb-listing"><p>列表</div><p>正文</p></span></p><p>再一段')
    assert text.blocks == ["正文", "再一段"]


def test_document_has_short_fields_and_drops_what_repeats_the_title():
    entry = document(location="problems/problem-01/", title="主体责任压力传导不够", path=["存在问题"],
                     keys=["problem-01", "问题一", "problem-01", ""], page_html=ITEM_PAGE, boost=5, text_weight=0.8)
    assert entry == {
        "l": "problems/problem-01/", "t": "主体责任压力传导不够", "p": ["存在问题"],
        "k": ["problem-01", "问题一"], "h": ["主要表现"],
        "x": "一句话概括。\n部分班子成员针对一岗双责多以口头强调为主。\n脚注正文。", "b": 5, "w": 0.8,
    }
    with_summary = document(location="x/", title="甲", page_html="<p>正文。</p>", summary="一句话\n摘要。")
    assert with_summary["x"] == "一句话摘要。\n正文。"
    assert document(location="x/", title="甲", page_html="<p>正文。</p>", summary="正文。")["x"] == "正文。"
    home = document(location="", title="首页", page_html="<h1>清廉建设知识库</h1><p>正文</p>", text_weight=1)
    assert home["k"] == ["清廉建设知识库"] and "w" not in home and "p" not in home


def test_index_file_is_utf8_without_escapes():
    raw = index_json({"separator": "[\\s]+"}, [{"l": "", "t": "首页"}])
    assert "首页" in raw and "\\u" not in raw.replace("[\\\\s]", "")
    assert json.loads(raw)["docs"] == [{"l": "", "t": "首页"}]


def test_fold_keeps_one_character_for_one():
    samples = {
        "ｐｒｏｂｌｅｍ－０４": "problem-04",
        "Measure-02": "measure-02",
        "\u3000自查清单\u3000": " 自查清单 ",
        "\u2f00\u5c97双责": "一岗双责",        # a Kangxi radical that looks like 一
        "\uf900": "\u8c48",                   # a compatibility ideograph
        "“一岗双责”，【四风】。": "“一岗双责”,【四风】。",
    }
    for raw, folded in samples.items():
        assert fold(raw) == folded and len(fold(raw)) == len(raw)


def test_query_terms_split_at_spaces_and_punctuation_but_keep_ids():
    assert query_terms("  一岗双责  ") == ["一岗双责"]
    assert query_terms("“一岗双责”？") == ["一岗双责"]
    assert query_terms("《中央八项规定》") == ["中央八项规定"]
    assert query_terms("整改\u3000台账 整改") == ["整改", "台账"]
    assert query_terms("ＰＲＯＢＬＥＭ－０４") == ["problem-04"]
    assert query_terms("-- ，。") == []
    assert query_terms("e\u0301cole") == ["e\u0301cole"]  # a combining accent is part of its word
    assert len(query_terms(" ".join(f"词{n}" for n in range(20)))) == 8


def test_material_still_names_the_worker_the_site_replaces():
    """overrides/main.html swaps this file name for the project's worker; a Material upgrade
    that renames it would silently bring lunr back."""
    base = Path(material.__file__).parent / "templates" / "base.html"
    override = Path(__file__).resolve().parents[2] / "overrides" / "main.html"
    name = "assets/javascripts/workers/search.a7633da7.min.js"
    assert name in base.read_text(encoding="utf-8")
    assert name in override.read_text(encoding="utf-8")
