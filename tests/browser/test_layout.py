"""What staff see in Debian's chromium at 1366 px and on a 375 px phone: names rather than
IDs, index tables that fit, the matrix as cards on a phone, term pages that say their
definition once. Geometry is measured on the real site's build."""
from __future__ import annotations

from pathlib import Path
import re

import pytest
import yaml

from tests.support.browser import chromium_fixture, serve_folder
from tests.support.project import REPO, make_project, run_mkdocs

browser = chromium_fixture(scope="module")

PHONE = {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
INDEXES = ("reports/", "practices/", "problems/", "measures/", "policies/")
ID = re.compile(r"\b(?:report|policy|practice|problem|measure|term|session)-[a-z0-9-]+\b")


def item_ids() -> set[str]:
    ids = set()
    for path in (REPO / "docs").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            front = yaml.safe_load(text.split("---\n", 2)[1]) or {}
            if "id" in front:
                ids.add(front["id"])
    return ids


def pages_of(site: Path) -> list[str]:
    """URL paths of every page a reader reads (the guide documents IDs on purpose)."""
    return sorted(p.relative_to(site).parent.as_posix() + "/" for p in site.rglob("index.html")
                  if not p.relative_to(site).as_posix().startswith(("guide/", "search/", "assets/")))


@pytest.fixture(scope="module")
def site_url(real_site):
    with serve_folder(real_site.site) as url:
        yield url


@pytest.fixture(scope="module")
def site_without_cards(tmp_path_factory):
    """Negative control: the same site with the phone card layout taken out of kb.css."""
    project = make_project(tmp_path_factory.mktemp("no-cards") / "project")
    css = project / "docs" / "assets" / "kb.css"
    text = css.read_text(encoding="utf-8")
    start = text.index("@media screen and (max-width: 44.9375em) {")
    end = text.index("\n}\n", start) + 3
    css.write_text(text[:start] + text[end:], encoding="utf-8")
    result = run_mkdocs(project)
    assert result.ok, result.output
    with serve_folder(result.site) as url:
        yield url


def visible_text(page) -> str:
    return page.evaluate("""() => {
        const parts = [];
        for (const selector of ['.md-content', '.md-header', '.md-nav--primary']) {
            const root = document.querySelector(selector);
            if (!root) continue;
            const copy = root.cloneNode(true);
            copy.querySelectorAll('.kb-ref').forEach(e => e.remove());
            document.body.appendChild(copy);
            parts.push(copy.innerText);
            copy.remove();
        }
        return parts.join('\\n');
    }""")


# -- names, not IDs ------------------------------------------------------------


def test_no_page_shows_an_id_except_the_editors_reference_line(browser, real_site, site_url):
    ids = item_ids()
    assert len(ids) > 40
    page = browser.new_context(**DESKTOP).new_page()
    paths = pages_of(real_site.site)
    assert "problems/problem-01/" in paths and "measures/matrix/" in paths and "./" in paths
    shown, references = {}, 0
    for path in ["" if p == "./" else p for p in paths]:
        page.goto(site_url + path)
        found = {m for m in ID.findall(visible_text(page)) if m in ids}
        if found:
            shown[path] = sorted(found)
        reference = page.locator(".kb-ref")
        if reference.count():
            references += 1
            # Control: the check finds the ID where it is meant to be, in the reference line.
            assert {m for m in ID.findall(reference.inner_text()) if m in ids}, path
            assert reference.inner_text().startswith("引用编号：")
    assert shown == {}
    assert references == len(ids)  # every item page ends with its reference line
    page.context.close()


def test_breadcrumb_ends_with_the_name(browser, site_url):
    page = browser.new_context(**DESKTOP).new_page()
    page.goto(site_url + "terms/term-yigang-shuangze/")
    assert page.locator(".kb-breadcrumb").inner_text() == "首页 › 术语 › 一岗双责"
    page.goto(site_url + "problems/problem-02/")
    assert page.locator(".kb-breadcrumb").inner_text() == "首页 › 存在问题 › 问题二"
    page.context.close()


# -- index tables ---------------------------------------------------------------


def table_geometry(page) -> dict:
    return page.evaluate("""() => {
        const table = document.querySelector('.kb-index table, .kb-matrix table');
        const wrap = table.closest('.md-typeset__scrollwrap') || table.parentElement;
        const cells = Array.from(table.querySelectorAll('tbody tr:first-child td')).map(td => td.getBoundingClientRect().width);
        // Material lets the table itself scroll (overflow: auto), inside a scrolling wrapper.
        const hidden = Math.max(wrap.scrollWidth - wrap.clientWidth, table.scrollWidth - table.clientWidth);
        return {scroll: wrap.clientWidth + hidden, client: wrap.clientWidth, cells: cells,
                article: document.querySelector('article').clientWidth,
                height: document.documentElement.scrollHeight,
                pageScroll: document.documentElement.scrollWidth};
    }""")


@pytest.mark.parametrize("path", INDEXES)
def test_index_tables_fit_the_column_at_1366(browser, site_url, path):
    page = browser.new_context(**DESKTOP).new_page()
    page.goto(site_url + path)
    geometry = table_geometry(page)
    assert geometry["scroll"] <= geometry["client"] + 1, geometry  # nothing behind a sideways scroll
    assert min(geometry["cells"]) >= 70, geometry  # no column squeezed to a few characters
    page.context.close()


def test_the_policies_index_reads_at_1366(browser, site_url):
    page = browser.new_context(**DESKTOP).new_page()
    page.goto(site_url + "policies/")
    geometry = table_geometry(page)
    name, kind, summary = geometry["cells"]
    assert summary >= 250 and name >= 150 and kind < 120, geometry
    assert geometry["height"] < 2500, geometry  # 15 policies; 5,474 px with the slug column
    page.context.close()


PHONE_PAGES = ("", *INDEXES, "measures/matrix/", "self-check/", "terms/", "problems/checklist/",
               "problems/problem-01/", "terms/term-yigang-shuangze/", "sessions/session-report-reading/")


def test_no_page_scrolls_sideways_on_a_phone(browser, site_url):
    page = browser.new_context(**PHONE).new_page()
    for path in PHONE_PAGES:
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.context.close()


def cards(page) -> list[dict]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('.kb-cards tbody tr')).map(tr => {
        const box = tr.getBoundingClientRect();
        const labels = Array.from(tr.querySelectorAll('.kb-cell-label')).filter(l => {
            const r = l.getBoundingClientRect();
            return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
        }).map(l => l.innerText);
        return {left: box.left, right: box.right, labels: labels, text: tr.innerText};
    })""")


def test_on_a_phone_the_matrix_is_one_card_per_problem_naming_its_measures(browser, site_url):
    page = browser.new_context(**PHONE).new_page()
    page.goto(site_url + "measures/matrix/")
    found = cards(page)
    assert len(found) == 4
    assert all(card["left"] >= 0 and card["right"] <= 375 for card in found), found
    # Problem one is answered by measures one, two and five (the report's mapping), all in view.
    assert [label.rstrip("：") for label in found[0]["labels"]] == ["措施一", "措施二", "措施五"], found[0]
    assert sum(len(card["labels"]) for card in found) == page.locator(".kb-matrix td .kb-cell-label").count()
    page.context.close()


def test_on_a_phone_an_index_row_is_a_card_with_its_summary_readable(browser, site_url):
    page = browser.new_context(**PHONE).new_page()
    page.goto(site_url + "policies/")
    widths = page.eval_on_selector_all(".kb-index tbody td:nth-child(3)", "tds => tds.map(td => td.getBoundingClientRect().width)")
    assert len(widths) == 15 and min(widths) >= 250, widths  # a summary gets the card's width
    page.context.close()


def test_without_the_card_layout_the_matrix_hides_measures_on_a_phone(browser, site_without_cards):
    """Negative control: the geometry checks above fail on the old layout."""
    page = browser.new_context(**PHONE).new_page()
    page.goto(site_without_cards + "measures/matrix/")
    geometry = table_geometry(page)
    assert geometry["scroll"] > geometry["client"], geometry  # the grid scrolls sideways
    out_of_view = page.evaluate("""() => Array.from(document.querySelectorAll('.kb-matrix thead th a'))
        .filter(a => a.getBoundingClientRect().right > window.innerWidth).length""")
    assert out_of_view >= 2
    page.goto(site_without_cards + "policies/")
    widths = page.eval_on_selector_all(".kb-index tbody td:nth-child(3)", "tds => tds.map(td => td.getBoundingClientRect().width)")
    assert min(widths) < 250
    page.context.close()


# -- term pages ---------------------------------------------------------------------


def test_a_term_page_gives_its_definition_once_without_linking_itself(browser, site_url):
    """Every real term has a 释义 section: that is its definition on its page (the one-line
    definition of the front matter is for the glossary and tooltips; tests/unit cover a term
    without the section)."""
    page = browser.new_context(**DESKTOP).new_page()
    for term, definition in (("term-sifeng", "形式主义、官僚主义、享乐主义和奢靡之风"),
                             ("term-yigang-shuangze", "两份责任")):
        page.goto(site_url + f"terms/{term}/")
        text = page.locator("article").inner_text()
        assert text.count(definition) == 1, (term, text)
        assert text.count("释义") == 1  # one heading, no box titled 释义 above it
        assert page.locator("article .admonition").count() == 0 and page.locator(".kb-lead").count() == 0
        assert page.locator(f"article a[href$='{term}/']").count() == 0
    page.goto(site_url + "terms/")
    # The glossary: each term's name links to its page, its definition is plain text.
    assert page.locator("article dd a").count() == 0
    assert page.locator("article dt a").count() == 21
    page.context.close()
