"""The published site in real Chromium, served over HTTP on loopback as an intranet would."""
from __future__ import annotations

import pytest

from tests.support.browser import chromium_fixture, open_search, record_requests, search_titles, serve_folder

browser = chromium_fixture(scope="module")


@pytest.fixture(scope="module")
def site_url(real_site):
    with serve_folder(real_site.site) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def plain(titles: list[str]) -> list[str]:
    """The titles, which must be text a reader can copy: no zero-width spaces (Material's own
    index joins jieba's words with them)."""
    assert not any("\u200b" in title for title in titles), titles
    return titles


def test_search_finds_words_inside_compounds(page, site_url):
    with record_requests(page.context, allowed_origin=site_url.rstrip("/")) as log:
        open_search(page, site_url)
        mahjong = plain(search_titles(page, "麻将"))
        measures = plain(search_titles(page, "措施"))
        nothing = search_titles(page, "量子隧穿")
    assert any("深化文旅为民" in title for title in mahjong), mahjong
    assert measures
    assert nothing == []  # control: a word the site does not contain finds nothing
    assert log.outside == []


def test_search_finds_a_glossary_term(page, site_url):
    open_search(page, site_url)
    titles = plain(search_titles(page, "一岗双责"))
    assert "一岗双责" in titles


def test_phone_width_pages_do_not_scroll_sideways(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        for path in ("", "measures/matrix/", "problems/", "policies/", "problems/problem-01/"):
            page.goto(site_url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, (path, width)
        page.goto(site_url + "measures/matrix/")
        # The matrix is stacked into one card per problem (kb-cards): nothing hides behind a
        # sideways scroll (tests/browser/test_layout.py measures the cards).
        hidden = page.evaluate("""() => [...document.querySelectorAll('.md-typeset__scrollwrap, .md-typeset table')]
                                        .map(e => e.scrollWidth - e.clientWidth)""")
        assert hidden and max(hidden) <= 1, hidden
        # Control: something really wider than the phone is detected.
        page.evaluate("document.querySelector('.md-content').append(Object.assign(document.createElement('div'), {style: 'width:900px;height:1px'}))")
        assert page.evaluate("document.documentElement.scrollWidth") > 375
    finally:
        context.close()


def test_term_tooltip_and_link(page, site_url):
    page.goto(site_url + "problems/problem-01/")
    term = page.locator("a.kb-term").first
    assert term.get_attribute("title")
    term.click()
    page.wait_for_load_state()
    assert "/terms/" in page.url
    assert page.locator("h1").first.inner_text().rstrip("¶") in {"清廉建设", "一岗双责", "主体责任"}


def test_no_request_leaves_the_site(page, site_url):
    with record_requests(page.context, allowed_origin=site_url.rstrip("/")) as log:
        for path in ("", "problems/checklist/", "terms/"):
            page.goto(site_url + path, wait_until="networkidle")
    assert log.outside == []
    assert any(url.endswith(".css") for url in log.urls)  # control: requests are being recorded
