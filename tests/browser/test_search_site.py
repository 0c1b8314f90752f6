"""Search on the real knowledge base, typed into the search box in Chromium: the query sets
of tests/cases/search (one written with the search, one held out and never tuned on)
score as the README promises, and results read as a person expects."""
from __future__ import annotations

from pathlib import Path

import pytest

from kbtools.browser import result_count, search_results
from kbtools.search_eval import Outcome, Query, evaluate, failures, load_queries, summarize
from tests.support.browser import chromium_fixture, open_search, serve_folder
from tests.support.project import make_project, run_mkdocs

CASES = Path(__file__).resolve().parents[1] / "cases" / "search"

browser = chromium_fixture(scope="module")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    result = run_mkdocs(make_project(tmp_path_factory.mktemp("search") / "project"))
    assert result.ok, result.output
    return result.site


@pytest.mark.parametrize("name", ["queries.yml", "heldout.yml"])
def test_query_set_scores(site, browser, name):
    queries = load_queries(CASES / name)
    assert len(queries) >= 80 if name == "queries.yml" else len(queries) >= 60
    outcomes, summary = evaluate(site, queries, browser)
    report = "\n".join(failures(outcomes))
    assert summary["recall_at_10"] >= 0.98, report
    assert summary["precision_at_1"] >= 0.95, report
    assert summary["empty_answers"] == 0 and summary["false_answers"] == 0, report
    assert summary["result_problems"] == 0, report


def test_the_evaluation_can_fail():
    """Negative control for the scores above: a wrong first result, a result for a query
    that should find nothing and a missed page all count."""
    wrong = Outcome(Query("台账", "generated", "measures/ledger.md"), "measures/ledger/", {"measures/ledger/", "a/"},
                    [{"title": "甲"}], ["a/"], 0.01)
    nothing = Outcome(Query("足球", "none", None), None, set(), [{"title": "乙"}], ["b/"], 0.01)
    summary = summarize([wrong, nothing], index_bytes=0)
    assert summary["precision_at_1"] == 0 and summary["false_answers"] == 1 and summary["recall_at_10"] == 0.5
    assert len(failures([wrong, nothing])) == 2


@pytest.fixture(scope="module")
def search_page(site, browser):
    with serve_folder(site) as base:
        page = browser.new_page()
        open_search(page, base)
        yield page
        page.close()


def test_summary_pages_are_found_by_their_names(search_page):
    [ledger, *_] = search_results(search_page, "台账")[0]
    assert ledger["title"] == "整改台账" and ledger["path"] == "整改措施"
    [self_check, *_] = search_results(search_page, "自查")[0]
    assert self_check["title"] == "自查清单"


def test_a_result_reads_as_title_path_and_the_sentence_that_matched(search_page):
    results, _ = search_results(search_page, "一岗双责")
    first = results[0]
    assert first["title"] == "一岗双责" and first["path"] == "术语" and "/terms/term-yigang-shuangze/" in first["href"]
    assert "一岗双责" in first["snippet"] and len(first["snippet"]) < 120
    assert {mark for r in results for mark in r["marks"]} == {"一岗双责"}  # never 一 of 一线
    assert all("-" not in r["path"] for r in results)  # section titles, never an ID such as policy-one-post-two-duties
    assert 1 < result_count(search_page) < 30  # the pages that contain the word, not every page with 一 or 责
    search_results(search_page, "一")
    assert result_count(search_page) > 30  # control: a single character alone is matched everywhere


def test_following_a_result_highlights_the_word_on_the_page(site, browser):
    with serve_folder(site) as base:
        page = browser.new_page()
        open_search(page, base)
        first = search_results(page, "警示教育")[0][0]
        page.goto(first["href"], wait_until="load")
        page.wait_for_selector("mark[data-md-highlight]")
        marks = page.eval_on_selector_all("article mark[data-md-highlight]", "els => els.map(e => e.textContent)")
        page.close()
    assert marks and set(marks) == {"警示教育"}

