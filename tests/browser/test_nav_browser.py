"""The navigation rendered once for all the item pages of a folder (kb/nav_cache.py), in
Debian's chromium: on a 375 px phone an item page's drawer opens and its links, top level
and nested, lead to the pages they name; on a page in the nav its entry is highlighted."""
from __future__ import annotations

import re

import pytest

from tests.support.browser import chromium_fixture, serve_folder
from tests.support.project import make_project, run_mkdocs

browser = chromium_fixture(scope="module")

PHONE = {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
ITEM_PAGES = ("problems/problem-01/", "terms/term-xuncha/", "policies/policy-four-forms/")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("nav-browser") / "project")
    result = run_mkdocs(project, "-v")
    assert result.ok, result.output[-3000:]
    # The item pages below got a navigation rendered for another page of their folder.
    reused = re.search(r"navigation cache on: \d+ renderings kept, reused on (\d+) pages", result.output)
    assert reused and int(reused.group(1)) > 30, result.output[-3000:]
    with serve_folder(result.site) as url:
        yield url


def drawer_left(page) -> float:
    return page.locator(".md-sidebar--primary").bounding_box()["x"]


def open_drawer(page) -> None:
    assert drawer_left(page) < 0  # closed: off the left edge of the screen
    page.locator('label.md-header__button[for="__drawer"]').click()
    page.wait_for_function("document.querySelector('.md-sidebar--primary').getBoundingClientRect().x >= 0")


def within_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375


def heading(page) -> str:
    return page.locator("article h1").first.inner_text().rstrip("¶").strip()


@pytest.mark.parametrize("path", ITEM_PAGES)
def test_on_a_phone_an_item_pages_drawer_opens_and_its_links_lead_there(browser, site_url, path):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(site_url + path)
    practices = page.locator(".md-nav--primary a.md-nav__link", has_text="典型做法")
    assert not within_screen(practices)  # negative control: hidden until the drawer opens
    open_drawer(page)
    assert within_screen(practices)
    assert page.locator(".md-nav--primary .md-nav__link--active").count() == 0  # not in the nav
    practices.click()
    page.wait_for_url(site_url + "practices/")
    assert heading(page) == "典型做法"

    # A nested entry: the section's toggle, then its page.
    page.goto(site_url + path)
    open_drawer(page)
    section = page.locator(".md-nav--primary li.md-nav__item--nested", has_text="存在问题").first
    checklist = section.locator("a.md-nav__link", has_text="问题清单")
    assert not within_screen(checklist)
    section.locator("label.md-nav__link[for]").first.click()
    page.wait_for_function("""() => { const link = [...document.querySelectorAll('.md-nav--primary a.md-nav__link')]
        .find(a => a.textContent.includes('问题清单')); const box = link.getBoundingClientRect();
        return box.x >= 0 && box.right <= 375; }""")
    checklist.click()
    page.wait_for_url(site_url + "problems/checklist/")
    assert heading(page) == "问题清单"
    context.close()


def active_entries(page) -> list[tuple[str, str]]:
    return page.locator(".md-nav--primary a.md-nav__link--active").evaluate_all(
        "links => links.map(a => [a.textContent.trim(), getComputedStyle(a).color])")


def test_on_a_page_in_the_nav_its_entry_is_highlighted(browser, site_url):
    page = browser.new_page(**DESKTOP)
    page.goto(site_url + "problems/checklist/")
    active = active_entries(page)
    assert [text for text, _ in active] == ["问题清单"]
    plain = page.locator(".md-nav--primary a.md-nav__link", has_text="典型做法").evaluate("a => getComputedStyle(a).color")
    assert active[0][1] != plain  # highlighted: another colour than the other entries
    # Negative control: the item page next to it, in the same folder, highlights nothing.
    page.goto(site_url + "problems/problem-01/")
    assert active_entries(page) == []
    page.close()
