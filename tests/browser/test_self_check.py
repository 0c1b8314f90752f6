"""The self-check (自查清单) as staff use it, in Debian's chromium: tick on a phone, reload,
the ticks and the count are still there, "清除勾选" clears them; printed, every box is empty
and the form has a notes line per point and the sign-off fields; the same from the offline
bundle opened via file:// with no network."""
from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.support.browser import chromium_fixture, record_requests, serve_folder
from tests.support.project import make_project, run_mkdocs, unzipped_bundle

browser = chromium_fixture(scope="module")

BOXES = "input[type=checkbox][id^=kb-check-]"
PHONE = {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("self-check") / "project")


@pytest.fixture(scope="module")
def site_url(project):
    result = run_mkdocs(project)
    assert result.ok, result.output
    with serve_folder(result.site) as url:
        yield url


@pytest.fixture(scope="module")
def site_without_script(tmp_path_factory):
    """Negative control: the same site built without docs/assets/self-check.js."""
    project = make_project(tmp_path_factory.mktemp("no-script") / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - assets/self-check.js" in text
    config.write_text(text.replace("extra_javascript:\n  - assets/self-check.js", "extra_javascript: []\n#"), encoding="utf-8")
    (project / "docs" / "assets" / "self-check.js").unlink()
    result = run_mkdocs(project)
    assert result.ok, result.output
    assert "self-check.js" not in result.html("self-check/index.html")
    with serve_folder(result.site) as url:
        yield url


def state(page) -> list[bool]:
    return page.eval_on_selector_all(BOXES, "boxes => boxes.map(b => b.checked)")


def tick_three(page) -> None:
    labels = page.locator("label.kb-check")
    for n in (0, 4, 9):  # tapping the text ticks the box: the label holds both
        labels.nth(n).tap()


def test_every_box_has_its_text_as_accessible_name(browser, site_url):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(site_url + "self-check/")
    boxes = page.get_by_role("checkbox")
    assert boxes.count() == 17
    names = page.eval_on_selector_all(BOXES, "bs => bs.map(b => b.labels.length ? b.labels[0].innerText.trim() : '')")
    assert len(names) == 17 and all(len(name) > 5 for name in names), names
    assert page.get_by_role("checkbox", name="清廉建设工作给行政业务工作让路的现象时有发生。").count() == 1
    assert not any(page.eval_on_selector_all(BOXES, "bs => bs.map(b => b.disabled)"))
    context.close()


def test_ticks_survive_a_reload_on_a_phone_and_reset_clears_them(browser, site_url):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(site_url + "self-check/")
    assert page.locator(".kb-check-count").inner_text() == "已勾选 0 / 17"
    tick_three(page)
    assert page.locator(".kb-check-count").inner_text() == "已勾选 3 / 17"
    ticked = state(page)
    assert sum(ticked) == 3
    page.reload()
    assert state(page) == ticked
    assert page.locator(".kb-check-count").inner_text() == "已勾选 3 / 17"
    # Another page does not show this page's ticks: the problem checklist has no boxes,
    # and a fresh browser profile starts empty.
    other = browser.new_context(**PHONE).new_page()
    other.goto(site_url + "self-check/")
    assert sum(state(other)) == 0
    other.context.close()
    page.get_by_role("button", name="清除勾选").tap()
    assert sum(state(page)) == 0 and page.locator(".kb-check-count").inner_text() == "已勾选 0 / 17"
    page.reload()
    assert sum(state(page)) == 0
    context.close()


def test_without_the_script_ticks_do_not_survive(browser, site_without_script):
    """Negative control for the reload test: it fails when the script is missing."""
    page = browser.new_context(**PHONE).new_page()
    page.goto(site_without_script + "self-check/")
    tick_three(page)
    assert sum(state(page)) == 3
    page.reload()
    assert sum(state(page)) == 0
    assert page.locator(".kb-check-count").count() == 0
    page.context.close()


def ink_inside(page, n: int) -> int:
    """Dark pixels inside the n-th box (its border left out), counted on a screenshot of it."""
    png = page.locator(BOXES).nth(n).screenshot(animations="disabled", scale="device")
    return page.evaluate("""async (b64) => {
        const blob = await (await fetch('data:image/png;base64,' + b64)).blob();
        const bitmap = await createImageBitmap(blob);
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d');
        context.drawImage(bitmap, 0, 0);
        const inset = Math.ceil(bitmap.width / 4);
        const data = context.getImageData(inset, inset, bitmap.width - 2 * inset, bitmap.height - 2 * inset).data;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 3 * 160) dark++;
        return dark;
    }""", base64.b64encode(png).decode("ascii"))


def test_printed_boxes_are_empty_and_the_form_has_notes_and_sign_off(browser, site_url):
    page = browser.new_context(viewport={"width": 900, "height": 900}).new_page()
    page.goto(site_url + "self-check/")
    page.locator("label.kb-check").nth(0).click()
    assert state(page)[:2] == [True, False]
    # Control: on screen the ticked box has ink inside it, the empty one none.
    assert ink_inside(page, 0) > 0 and ink_inside(page, 1) == 0
    assert not page.locator(".kb-signoff").is_visible()
    page.emulate_media(media="print")
    assert ink_inside(page, 0) == 0 and ink_inside(page, 1) == 0  # printed: the ticked box is empty too
    assert page.locator(BOXES).nth(0).is_checked()  # though it is still ticked on the page
    assert not page.locator(".kb-check-bar").is_visible()
    fields = page.locator(".kb-signoff-field").all_inner_texts()
    assert fields == ["单位：", "自查人：", "日期：", "签字："]
    assert page.locator(".kb-signoff").is_visible()
    notes = page.eval_on_selector_all(".kb-self-check li", "lis => lis.map(li => getComputedStyle(li, '::after').content)")
    assert len(notes) == 17 and set(notes) == {'"备注："'}
    page.context.close()


def test_headings_go_down_one_level_at_a_time(browser, site_url):
    page = browser.new_context().new_page()
    page.goto(site_url + "self-check/")
    levels = page.eval_on_selector_all(".md-content h1, .md-content h2, .md-content h3, .md-content h4",
                                       "hs => hs.map(h => Number(h.tagName[1]))")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    page.context.close()


def test_ticks_are_kept_in_the_offline_bundle_opened_from_file(browser, project, tmp_path):
    root = unzipped_bundle(project, tmp_path)
    context = browser.new_context(**PHONE, offline=True)
    page = context.new_page()
    with record_requests(context, allowed_dir=root) as log:
        page.goto((root / "index.html").as_uri())
        assert page.locator("a[href='self-check.html']").count() > 0  # reached from the home page
        page.goto((root / "self-check.html").as_uri())
        assert page.url.startswith("file://") and page.url.endswith("self-check.html")
        tick_three(page)
        ticked = state(page)
        page.reload()
        assert state(page) == ticked and sum(ticked) == 3
        assert page.locator(".kb-check-count").inner_text() == "已勾选 3 / 17"
        page.get_by_role("button", name="清除勾选").tap()
        page.reload()
        assert sum(state(page)) == 0
    assert log.outside == []
    context.close()
