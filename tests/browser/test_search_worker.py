"""The search worker (overrides/assets/javascripts/kb-search.js) run in Chromium on a small
index: its folding agrees with kb.search_index, its ranking puts the page about a word
first, it never matches single characters of a longer query, and it escapes what it shows."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb.search_index import fold, query_terms
from tests.support.browser import chromium_fixture

REPO = Path(__file__).resolve().parents[2]
WORKER = REPO / "overrides" / "assets" / "javascripts" / "kb-search.js"
QUERY_FILES = sorted((REPO / "tests" / "cases" / "search").glob("*.yml"))

browser = chromium_fixture(scope="module")

INDEX = {"config": {}, "docs": [
    {"l": "policies/p/", "t": "一岗双责", "p": ["政策制度"], "k": ["policy-p"], "x": "党风廉政建设责任制中的一岗双责。另一句。"},
    {"l": "terms/t/", "t": "一岗双责", "p": ["术语"], "k": ["term-t", "双责"], "x": "领导干部对一岗双责负责。", "b": 5, "w": 0.8},
    {"l": "a/", "t": "一线工作一览", "x": "一个岗位的责任，双方负责。"},
    {"l": "evil/", "t": "<img src=x onerror=alert(1)>", "p": ["<b>x</b>"], "x": "<script>alert(2)</script>含有麻将的句子。"},
    {"l": "measures/ledger/", "t": "整改台账", "p": ["整改措施"], "x": "每一行是一个问题。", "w": 0.5},
    {"l": "m/", "t": "建立台账制度并长期坚持执行", "x": "台账要长期坚持。"},
    {"l": "js/", "t": "脚本", "x": "constructor __proto__ toString"},
    {"l": "terms/s/", "t": "三会一课", "p": ["术语"], "k": ["term-s"], "x": "三会一课是制度。", "b": 5, "w": 0.8},
    {"l": "problems/p1/", "t": "主体责任压力传导不够", "k": ["problem-01", "问题一", "问题1"], "x": "一步一步推进。"},
    {"l": "problems/", "t": "问题清单", "x": "列出问题；问题很多；问题。"},
    {"l": "emoji/", "t": "表情", "x": "目标词" + "\U0001F600" * 100 + "。"},
    {"l": "url/", "t": "网址", "x": "见 https://example.org/a?b=1;c=2 中的说明文字。"},
    {"l": "long/", "t": "长文", "x": "开头。" + "前文" * 40 + "关键词出现在这里" + "后文" * 60 + "。"},
]}


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><title>worker</title>")
    page.add_script_tag(content=WORKER.read_text(encoding="utf-8"))
    page.evaluate("index => setup(index)", INDEX)
    yield page
    page.close()


def search(page, query):
    items = page.evaluate("q => search(q).items.map(group => group[0])", query)
    return items


def test_fold_is_the_same_in_the_worker_and_in_python(page):
    sample = "".join(chr(c) for c in [*range(0x20, 0x7F), *range(0xFF01, 0xFF5F), 0x3000, *range(0x2E80, 0x2FE0),
                                       *range(0xF900, 0xFB00), *range(0x4E00, 0x4E40)])
    assert page.evaluate("s => fold(s)", sample) == fold(sample)
    assert fold(sample) != sample  # control: the sample has characters that fold


def test_query_words_are_read_the_same_in_the_worker_and_in_python(page):
    queries = [entry["query"] for path in QUERY_FILES for entry in yaml.safe_load(path.read_text(encoding="utf-8"))]
    queries += ["a_b c", "--x--", "“”", "中文English混合 12３", "constructor", "__proto__ toString", "hasOwnProperty"]
    assert len(queries) > 100
    assert page.evaluate("qs => qs.map(queryTerms)", queries) == [query_terms(q) for q in queries]


def test_the_page_about_the_word_comes_first(page):
    assert [i["location"] for i in search(page, "一岗双责")] == ["terms/t/", "policies/p/"]
    assert [i["location"] for i in search(page, "台账")] == ["measures/ledger/", "m/"]
    assert [i["location"] for i in search(page, "TERM-T")] == ["terms/t/"]
    # Words that are names of every JavaScript object's properties are words like any other.
    assert [i["location"] for i in search(page, "constructor")] == ["js/"]


def test_single_characters_of_a_longer_query_are_not_matched_or_marked(page):
    results = search(page, "一岗双责")
    assert "a/" not in [i["location"] for i in results]  # 一线, 一览, 一个 share only single characters
    marked = page.evaluate("q => search(q).items.flatMap(g => [...(g[0].title + g[0].text).matchAll(/<mark>(.*?)<\\/mark>/g)].map(m => m[1]))", "一岗双责")
    assert marked and set(marked) == {"一岗双责"}
    # A query that is one character is matched as such.
    assert "a/" in [i["location"] for i in search(page, "览")]


def test_a_word_found_nowhere_is_cut_into_pieces_that_are_found(page):
    # 一岗双责 and 制度 are found (a trailing single character is dropped): pages with both
    # words, else pages with either, the missing word named.
    assert [i["location"] for i in search(page, "一岗双责呢")] == ["terms/t/", "policies/p/"]
    pieces = search(page, "一岗双责制度")
    assert [i["location"] for i in pieces[:2]] == ["terms/t/", "policies/p/"]
    assert {i["location"] for i in pieces[2:]} == {"m/", "terms/s/"}  # 制度 alone
    assert pieces[-1]["terms"] == {"一岗双责": False, "制度": True}
    # A word cut into pieces is still one of the words the reader typed: all are required.
    assert [i["location"] for i in search(page, "台账 龘龘制度龘")] == ["m/"]
    assert search(page, "量子隧穿") == []
    assert search(page, "   ，。") == []


def test_all_words_first_then_any_word_with_the_missing_ones_named(page):
    both = search(page, "台账 长期")
    assert [i["location"] for i in both] == ["m/"]
    either = search(page, "麻将 台账")
    assert {i["location"] for i in either} == {"evil/", "measures/ledger/", "m/"}
    assert all(False in i["terms"].values() for i in either)


def test_result_shows_path_and_the_sentence_that_matched(page):
    [first, _] = search(page, "一岗双责")
    assert first["text"].startswith('<span class="kb-search-path">术语</span>')
    assert '<span class="kb-search-snippet">领导干部对<mark>一岗双责</mark>负责。</span>' in first["text"]
    policy = search(page, "另一句")[0]
    assert policy["text"].endswith('<span class="kb-search-snippet"><mark>另一句</mark>。</span>')  # not the sentence before
    long = search(page, "关键词")[0]["text"]
    assert "…" in long and "开头" not in long and len(long) < 200


def test_what_the_index_holds_is_escaped(page):
    [evil] = search(page, "麻将")
    assert evil["title"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "&lt;b&gt;x&lt;/b&gt;" in evil["text"] and "&lt;script&gt;" in evil["text"]
    assert "<script" not in evil["text"] and "<b>" not in evil["text"]
    # ... and so is what the reader typed, when it is marked.
    assert search(page, "<script>") and "<script" not in search(page, "<script>")[0]["text"]


def test_a_pasted_phrase_is_cut_at_the_glossary_words(page):
    results = search(page, "三会一课和一岗双责")
    assert [i["location"] for i in results[:3]] == ["terms/s/", "terms/t/", "policies/p/"]
    marked = page.evaluate("q => search(q).items.flatMap(g => [...(g[0].title + g[0].text).matchAll(/<mark>(.*?)<\\/mark>/g)].map(m => m[1]))",
                           "三会一课和一岗双责")
    assert set(marked) <= {"三会一课", "一岗双责"}  # never 和一 or 岗双责
    # Characters found nowhere cost one try each, and the word after them is still found.
    assert [i["location"] for i in search(page, "龘" * 40 + "三会一课")] == ["terms/s/"]


def test_a_lone_character_beside_a_word_is_not_a_word_but_the_two_together_may_be(page):
    results = search(page, "问题 一")
    assert results[0]["location"] == "problems/p1/"  # its key 问题一
    assert "<mark>一</mark>" not in "".join(i["title"] + i["text"] for i in results)
    assert search(page, "问题1")[0]["location"] == "problems/p1/"


def test_snippets_keep_whole_characters_and_chinese_sentences(page):
    emoji = search(page, "目标词")[0]["text"]
    assert not page.evaluate("t => /[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]/.test(t)", emoji)
    url = search(page, "说明文字")[0]["text"]
    assert "a?b=1;c=2 中的<mark>说明文字</mark>。" in url  # a half-width ; or ? does not end a Chinese sentence


def test_ids_and_latin_words_are_not_sent_to_the_page_highlighter(page):
    """Material's on-page highlighter would mark them inside entities (&lt;) and pieces of IDs."""
    assert search(page, "TERM-T")[0]["terms"] == {}
    assert search(page, "三会一课")[0]["terms"] == {"三会一课": True}

