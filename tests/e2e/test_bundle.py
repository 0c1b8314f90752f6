"""The offline training bundle (scripts/bundle.py) of the real knowledge base, unzipped and
opened from file:// in Debian's chromium, and the print stylesheet (docs/assets/print.css).

Every bundle is built once per module; the browser checks block and record every request,
so "no request leaves the folder" is checked wherever a page is opened.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
import re
import subprocess
import zipfile

import pytest

from kbtools.browser import search_results
from tests.support.browser import chromium_fixture, open_search, record_requests, search_titles
from tests.support.htmlcheck import check_site
from tests.support.project import MINIMAL_DOCS, make_project, run_script

browser = chromium_fixture(scope="module")  # one playwright at a time per process

EPOCH = 1764000000  # what run_script sets as SOURCE_DATE_EPOCH (and KB_VERSION=test)
BUILD_DATE = dt.datetime.fromtimestamp(EPOCH, tz=dt.UTC).date().isoformat()
BUILD_LINE = f"构建于 {BUILD_DATE} · 版本 test · 内容以在线版为准"
SESSION = "session-report-reading"


def _bundle(project: Path, output: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_script(project, "bundle.py", "--output", str(output), *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _unzip(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(target)
    (root,) = list(target.iterdir())  # one folder
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("bundle") / "project")


@pytest.fixture(scope="module")
def whole(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("whole-zip") / "培训离线包.zip"
    result = _bundle(project, out)
    return out, result, _unzip(out, tmp_path_factory.mktemp("whole"))


@pytest.fixture(scope="module")
def session(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("session-zip") / "专题.zip"
    result = _bundle(project, out, "--session", SESSION)
    return out, result, _unzip(out, tmp_path_factory.mktemp("session"))


# -- the zip ---------------------------------------------------------------------


def test_readme_reads_on_windows(whole):
    """Older Notepad guesses the encoding of a file without a BOM and shows UTF-8 Chinese
    as mojibake; lines end in CRLF."""
    data = (whole[2] / "README.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "离线包" in text and "\r\n" in text and "\n" not in text.replace("\r\n", "")


def test_zip_unpacks_to_one_folder_with_index_html(whole):
    archive, result, root = whole
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {root.name}
    assert f"{root.name}/index.html" in names
    assert (root / "index.html").is_file() and (root / "search" / "search_index.js").is_file()
    # 404.html and the sitemaps need a web server; the shim is vendored, source maps dropped.
    assert not (root / "404.html").exists() and not list(root.rglob("*.map"))
    assert (root / "assets/javascripts/vendor/iframe-worker/shim.js").is_file()


def test_progress_lines_and_final_path_and_size(whole):
    archive, result, _root = whole
    assert "构建网站" in result.stderr and "打包" in result.stderr
    size = re.escape(str(archive)) + r"（\d+(\.\d)? (MB|KB)）"
    assert re.search(r"离线包：" + size, result.stdout), result.stdout
    assert "Traceback" not in result.stderr


def test_same_project_gives_byte_identical_bundles(project, whole, tmp_path):
    archive, _result, _root = whole
    again = tmp_path / "again.zip"
    _bundle(project, again)
    assert again.read_bytes() == archive.read_bytes()


def test_nothing_refers_outside_the_folder(whole):
    _archive, _result, root = whole
    texts = [p.read_text(encoding="utf-8") for p in root.rglob("*.html")]
    assert not [t for t in texts if "unpkg.com" in t or "fonts.googleapis" in t or "fonts.gstatic" in t]


def test_every_link_and_anchor_resolves(whole):
    assert check_site(whole[2]) == []


def test_every_page_states_build_date_version_and_authority(whole):
    pages = sorted(whole[2].rglob("*.html"))
    assert len(pages) > 50
    assert [p.name for p in pages if BUILD_LINE not in p.read_text(encoding="utf-8")] == []


# -- in the browser, from file:// ------------------------------------------------------


def _flat(titles: list[str]) -> list[str]:
    assert not any("\u200b" in t for t in titles), titles  # Material's own index has zero-width spaces
    return titles


def test_search_works_offline_without_leaving_the_folder(whole, browser):
    root = whole[2]
    page = browser.new_page()
    with record_requests(page.context, allowed_dir=root) as requests:
        open_search(page, (root / "index.html").as_uri())
        yigang, _ = search_results(page, "一岗双责")
        majiang = _flat(search_titles(page, "麻将"))
        ledger, _ = search_results(page, "台账")
        nothing, _ = search_results(page, "足球联赛")
    page.close()
    assert yigang[0]["title"] == "一岗双责" and yigang[0]["path"] == "术语", yigang[0]
    assert yigang[0]["href"].endswith("terms/term-yigang-shuangze.html?h=%E4%B8%80%E5%B2%97%E5%8F%8C%E8%B4%A3")
    assert {mark for r in yigang for mark in r["marks"]} == {"一岗双责"}
    assert majiang, "搜索“麻将”没有结果"
    assert ledger[0]["title"] == "整改台账" and nothing == []
    assert requests.outside == []
    assert any("search_index.js" in u for u in requests.urls) and any("shim.js" in u for u in requests.urls)


def _sample_links(page, limit: int = 12) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    local = sorted({h for h in hrefs if h.startswith("file:")})
    step = max(1, len(local) // limit)
    return local[::step][:limit]


@pytest.mark.parametrize("start", ["index.html", "problems/problem-01.html"])
def test_sampled_links_open_and_anchors_exist(whole, browser, start):
    root = whole[2]
    page = browser.new_page()
    with record_requests(page.context, allowed_dir=root) as requests:
        page.goto((root / start).as_uri())
        links = _sample_links(page)
        assert len(links) >= 10
        broken = []
        for url in links:
            page.goto(url, wait_until="domcontentloaded")  # a missing file raises net::ERR_FILE_NOT_FOUND
            if "#" in url and not page.evaluate(
                    "() => !!document.getElementById(decodeURIComponent(location.hash.slice(1)))"):
                broken.append(url)
            if BUILD_LINE not in page.inner_text(".md-copyright"):
                broken.append(f"{url}: 页脚没有构建信息")
    page.close()
    assert broken == []
    assert requests.outside == []


def test_session_bundle_opens_on_its_landing_page(session, browser):
    _archive, _result, root = session
    assert (root / "index.html").is_file() and (root / "site" / "index.html").is_file()
    page = browser.new_page()
    with record_requests(page.context, allowed_dir=root) as requests:
        page.goto((root / "index.html").as_uri())
        page.wait_for_url(f"**/site/sessions/{SESSION}.html")
        page.wait_for_load_state("load")
        assert page.inner_text("article h1").startswith("督导调研报告导读")
        agenda = page.eval_on_selector_all("article h2#议程 + ol > li", "els => els.map(e => e.textContent)")
        assert len(agenda) == 5 and agenda[0].startswith("报告概况")
        assert BUILD_LINE in page.inner_text(".md-copyright")
        # The site's home stays reachable, and is the real home, not the entry page again.
        page.click(".md-header__button.md-logo")
        page.wait_for_load_state("load")
        assert page.url.endswith("/site/index.html")
        assert page.inner_text("article h1").startswith("清廉建设知识库")
        # Back goes to the session page; the entry page replaced itself and is not in the history.
        page.go_back()
        assert page.url.endswith(f"/site/sessions/{SESSION}.html")
        open_search(page)
        assert any("一岗双责" in t for t in _flat(search_titles(page, "一岗双责")))
    page.close()
    assert requests.outside == []


def test_session_bundle_links_stay_inside_the_site(session):
    root = session[2]
    # check_site reports links that leave the folder it is given: no page of site/ links to
    # the entry page above it, so the entry page can never be reached again (no loop).
    assert check_site(root / "site") == []
    assert check_site(root) == []
    entry = (root / "index.html").read_text(encoding="utf-8")
    assert f"site/sessions/{SESSION}.html" in entry and "site/index.html" in entry and BUILD_LINE in entry


def test_unknown_session_is_refused_in_chinese(project, tmp_path):
    out = tmp_path / "x.zip"
    result = run_script(project, "bundle.py", "--output", str(out), "--session", "no-such-session")
    assert result.returncode == 1
    assert "找不到培训专题“no-such-session”" in result.stderr
    assert SESSION in result.stderr and "督导调研报告导读" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_content_error_fails_with_path_and_line(tmp_path):
    broken = dict(MINIMAL_DOCS)
    broken["problems/problem-01.md"] = MINIMAL_DOCS["problems/problem-01.md"].replace(
        "policies: [policy-alpha]", "policies: [policy-missing]")
    project = make_project(tmp_path / "project", broken)
    out = tmp_path / "x.zip"
    result = run_script(project, "bundle.py", "--output", str(out))
    assert result.returncode == 1
    assert re.search(r"problems/problem-01\.md:\d+: .*policy-missing", result.stderr), result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_any_build_warning_fails_the_bundle(tmp_path):
    """Strict like `mkdocs build --strict`: an anchor missing from a page whose headings
    come from a macro is only a warning of mkdocs' (the engine cannot see it before the
    build), and it fails the bundle."""
    guide = "---\ntitle: 使用说明\n---\n# 使用说明\n\n见[问题清单](../problems/checklist.md#不存在的锚点)。\n"
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, "guide/index.md": guide})
    out = tmp_path / "x.zip"
    result = run_script(project, "bundle.py", "--output", str(out))
    assert result.returncode == 1, result.stderr
    assert "警告：" in result.stderr and "不存在的锚点" in result.stderr and "打包失败" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


# -- print stylesheet ---------------------------------------------------------------

CHROME = {
    "header": ".md-header",
    "primary sidebar": ".md-sidebar--primary",
    "table of contents": ".md-sidebar--secondary",
    "search": ".md-search",
    "breadcrumb": ".kb-breadcrumb",
}
KEPT = {"relations": "#kb-relations", "build line": ".md-copyright"}
VISIBLE_JS = """sels => Object.fromEntries(Object.entries(sels).map(([k, s]) => {
    const e = document.querySelector(s);
    if (!e) return [k, null];
    const r = e.getBoundingClientRect();
    return [k, getComputedStyle(e).display !== 'none' && getComputedStyle(e).visibility !== 'hidden'
                && r.width > 0 && r.height > 0];
}))"""


def test_print_media_hides_the_web_app_and_keeps_the_document(whole, browser, tmp_path):
    root = whole[2]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    with record_requests(page.context, allowed_dir=root) as requests:
        page.goto((root / "problems" / "problem-01.html").as_uri())
        page.emulate_media(media="screen")  # control: on screen, the furniture is there
        assert page.evaluate(VISIBLE_JS, CHROME) == {k: True for k in CHROME}
        page.emulate_media(media="print")
        assert page.evaluate(VISIBLE_JS, CHROME) == {k: False for k in CHROME}
        assert page.evaluate(VISIBLE_JS, KEPT) == {k: True for k in KEPT}
        colors_js = """() => [getComputedStyle(document.querySelector('article p')).color,
                              getComputedStyle(document.querySelector('article h1')).color,
                              getComputedStyle(document.querySelector('#kb-relations ~ ul a')).color,
                              getComputedStyle(document.body).backgroundColor]"""
        black_on_white = ["rgb(0, 0, 0)"] * 3 + ["rgb(255, 255, 255)"]
        assert page.evaluate(colors_js) == black_on_white
        page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")  # dark mode
        assert page.evaluate(colors_js) == black_on_white
        page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'default')")
        shot = tmp_path / "print.png"
        page.screenshot(path=str(shot), full_page=True)
        pdf = tmp_path / "print.pdf"
        page.pdf(path=str(pdf), format="A4")
    page.close()
    assert requests.outside == []
    assert shot.stat().st_size > 10_000
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    assert "清廉建设主体责任压力传导不够" in flat and "关联内容" in flat and re.sub(r"\s+", "", BUILD_LINE) in flat
    # No web-app text, and internal links print as their text, without addresses.
    for noise in ("跳转至", "回到页面顶部", "搜索", ".html", "首页›"):
        assert noise not in flat, noise


def test_printed_tables_keep_rows_whole_and_repeat_headers(whole, browser):
    page = browser.new_page()
    page.goto((whole[2] / "measures" / "ledger.html").as_uri())
    page.emulate_media(media="print")
    styles = page.evaluate("""() => [getComputedStyle(document.querySelector('article tbody tr')).breakInside,
                                      getComputedStyle(document.querySelector('article thead')).display,
                                      getComputedStyle(document.querySelector('article h2, article h1')).breakAfter]""")
    page.close()
    assert styles == ["avoid", "table-header-group", "avoid"]
