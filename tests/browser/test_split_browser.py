"""A self-check split into parts (kb/split.py) as staff use it, in Debian's chromium: each part
is a form of its own whose ticks survive a reload and stay on that part, printed with its
sign-off fields; the same from the offline bundle opened via file://."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_self_check import BOXES, state
from tests.e2e.test_split import _large_docs, with_hostile_tags
from tests.support.browser import chromium_fixture, record_requests, serve_folder
from tests.support.project import make_project, run_mkdocs, unzipped_bundle

browser = chromium_fixture(scope="module")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return with_hostile_tags(make_project(tmp_path_factory.mktemp("split-browser") / "project", _large_docs()))


@pytest.fixture(scope="module")
def site(project):
    result = run_mkdocs(project, timeout=600)
    assert result.ok, result.output
    with serve_folder(result.site) as url:
        yield url


def _part_urls(page, base: str) -> list[str]:
    page.goto(base + "self-check/")
    hrefs = page.eval_on_selector_all("article a[href*='report-']", "as => as.map(a => a.href)")
    return list(dict.fromkeys(h for h in hrefs if "/self-check/" in h))


def test_each_part_keeps_its_own_ticks_across_reloads(browser, site):
    page = browser.new_context().new_page()
    first, second = _part_urls(page, site)[:2]
    page.goto(first)
    total = page.locator(BOXES).count()
    assert total > 20 and page.locator(".kb-check-count").inner_text() == f"已勾选 0 / {total}"
    page.locator("label.kb-check").nth(0).click()
    page.locator("label.kb-check").nth(5).click()
    page.reload()
    assert sum(state(page)) == 2 and page.locator(".kb-check-count").inner_text() == f"已勾选 2 / {total}"
    # Another part is another form: none of the first part's ticks show there.
    page.goto(second)
    assert page.locator(BOXES).count() > 0 and sum(state(page)) == 0
    page.locator("label.kb-check").nth(0).click()
    page.goto(first)
    assert sum(state(page)) == 2  # and ticking there did not touch the first
    page.context.close()


def test_a_part_prints_as_a_form_with_its_sign_off(browser, site):
    page = browser.new_context(viewport={"width": 900, "height": 900}).new_page()
    page.goto(_part_urls(page, site)[0])
    assert not page.locator(".kb-signoff").is_visible()
    links = page.locator("p.kb-part-links")
    assert links.count() == 2 and links.first.is_visible() and "→" in links.first.inner_text()
    page.emulate_media(media="print")
    assert page.locator(".kb-signoff").is_visible()
    assert not links.first.is_visible() and not links.last.is_visible()  # no navigation on paper
    assert page.locator(".kb-signoff-field").all_inner_texts() == ["单位：", "自查人：", "日期：", "签字："]
    page.context.close()


def test_parts_work_in_the_offline_bundle_opened_from_file(browser, project, tmp_path):
    root = unzipped_bundle(project, tmp_path)
    context = browser.new_context(offline=True)
    page = context.new_page()
    with record_requests(context, allowed_dir=root) as log:
        page.goto((root / "self-check.html").as_uri())
        link = page.locator("article a[href^='self-check/report-']").first
        link.click()
        assert page.url.startswith("file://") and "/self-check/report-" in page.url
        page.locator("label.kb-check").nth(1).click()
        page.reload()
        assert state(page)[:2] == [False, True]
        # The neighbour and the overview are reached from the part.
        page.get_by_role("link", name="自查清单总览").first.click()
        assert page.url.endswith("/self-check.html")
    assert log.outside == []
    context.close()
