"""The attack corpus (tests/cases/attack/*.yml, format in its README.md).

Every case is a project built for real with `mkdocs build --strict` and checked with
`python scripts/check.py`. A case with `expect` must fail both, naming the file and
line in Chinese, with the same errors and no traceback. A case with `safe` must build,
and its pages are opened in Chromium: every element of the article is hovered and
clicked, and no dialog may open and no request may leave the site's folder.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
import re

import pytest
import yaml

from tests.support.browser import SEARCH_ITEM, chromium_fixture, open_search, record_requests, search_titles, serve_folder
from tests.support.project import MINIMAL_DOCS, make_project, run_mkdocs, run_script
from tests.support.site import find_in_site

CASES_DIR = Path(__file__).parents[1] / "cases" / "attack"
browser = chromium_fixture(scope="module")

FORKED = {"KB_PROCESSES": "2"}


def load_cases() -> list[dict]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        with open(path, encoding="utf-8") as handle:
            for case in yaml.safe_load(handle):
                assert ("expect" in case) != ("safe" in case), f"{path.name}: {case['id']} needs expect or safe"
                cases.append(case)
    ids = [case["id"] for case in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


CASES = load_cases()
REFUSED = [case for case in CASES if "expect" in case]
SAFE = [case for case in CASES if "safe" in case]


_REPEAT = re.compile(r"⟦(\d+)×(.+?)⟧", re.S)


def expand(text: str) -> str:
    """`⟦3000×[⟧` stands for 3,000 `[`: huge inputs stay readable in the corpus."""
    return _REPEAT.sub(lambda match: match.group(2) * int(match.group(1)), text)


def make_case_project(case: dict, root: Path) -> Path:
    docs = {**MINIMAL_DOCS, **{path: expand(text) for path, text in (case.get("files") or {}).items()}}
    project = make_project(root, docs)
    for path, text in (case.get("project_files") or {}).items():
        (project / path).write_text(expand(text), encoding="utf-8")
    for path, hex_bytes in (case.get("files_hex") or {}).items():
        target = project / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bytes.fromhex(hex_bytes))
    for path in case.get("dirs") or []:
        (project / "docs" / path).mkdir(parents=True, exist_ok=True)
    for path, target in (case.get("symlinks") or {}).items():
        link = project / "docs" / path
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, link)
    return project


_ERROR_LINE = re.compile(r"^(?!INFO|DEBUG)(?:(?:ERROR|WARNING)\s+-\s+)?(?:docs/)?([\w./\- \"']+?(?::\d+){0,2}): (?:\[(公开版|内部版)\] )?(.*)$")


def reported_errors(output: str, audience: str = "public") -> set[str]:
    """The `path:line: message` errors in a build's or check.py's output, without the
    docs/ prefix check.py adds, for one audience (check.py marks the errors that only
    one audience has)."""
    found = set()
    for line in output.splitlines():
        match = _ERROR_LINE.match(line.strip())
        if match and match.group(2) in (None, {"public": "公开版", "internal": "内部版"}[audience]):
            found.add(f"{match.group(1)}: {match.group(3)}")
    return found


@pytest.mark.parametrize("case", REFUSED, ids=[case["id"] for case in REFUSED])
def test_attack_is_refused_by_build_and_check(case: dict, tmp_path: Path):
    project = make_case_project(case, tmp_path / "project")
    # Both through forks even for a case's few pages (kb/forks.py, macros/forked_pages.py):
    # what is refused must not depend on which process read the page. Other suites build
    # small projects in one process.
    build = run_mkdocs(project, timeout=120, env=FORKED)
    check = run_script(project, "check.py", timeout=120, env=FORKED)
    check_output = check.stdout + check.stderr

    assert build.returncode == 1, f"{case['description']}: the build passed\n{build.output}"
    assert check.returncode == 1, f"{case['description']}: check.py passed\n{check_output}"
    for output in (build.output, check_output):
        assert "Traceback" not in output, output
        for needle in case["expect"]:
            assert needle in output, f"{case['description']}: missing {needle!r}\n{output}"
    build_errors = reported_errors(build.output)
    assert build_errors, build.output
    assert build_errors == reported_errors(check_output), f"build:\n{build.output}\ncheck.py:\n{check_output}"
    assert not (build.site / "index.html").exists(), "a failed build must publish nothing"


@pytest.mark.parametrize("case", SAFE, ids=[case["id"] for case in SAFE])
def test_attack_builds_inert(case: dict, tmp_path: Path, browser):
    project = make_case_project(case, tmp_path / "project")
    build = run_mkdocs(project, timeout=120, env=FORKED)
    assert build.ok, build.output
    check = run_script(project, "check.py", timeout=120, env=FORKED)
    assert check.returncode == 0, check.stdout + check.stderr

    for needle in case.get("absent") or []:
        if needle.startswith("file:"):
            assert not (build.site / needle[5:]).exists(), f"{needle[5:]} was published"
        else:
            assert not find_in_site(build.site, [needle]), f"{needle!r} was published"
    if case.get("internal_present"):
        # Control for `absent`: the internal build does publish what the public one leaves out.
        internal = run_mkdocs(project, env={"KB_AUDIENCE": "internal"}, site=tmp_path / "internal-site", timeout=120)
        assert internal.ok, internal.output
        missing = [path for path in case["internal_present"] if not (internal.site / path).exists()]
        assert missing == [], f"the internal build lacks {missing}"
    texts = [exercise_page(browser, build.site, page_path) for page_path in case["safe"]]
    for needle in case.get("visible") or []:
        assert needle in texts[0], f"{case['safe'][0]}: {needle!r} not shown\n{texts[0][:3000]}"
    if case.get("present"):
        assert_present(browser, build.site, case["safe"][0], case["present"])
    if case.get("search"):
        titles = search_without_script(browser, build.site, case["safe"][0], case["search"])
        assert titles, f"searching {case['search']!r} found nothing"


def exercise_page(browser, site: Path, page_path: str, *, offline: bool = False) -> str:
    """Open a built page over HTTP (as readers do; Material attaches its tooltips only
    there), or from file:// for an offline bundle, hover and click every element of the
    article, and return the article's text. Fails on any dialog or request outside the
    site, and if nothing in the article could be hovered at all."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    dialogs: list[str] = []
    exercised = 0
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        with contextlib.ExitStack() as stack:
            if offline:
                base = site.as_uri() + "/"
                requests = stack.enter_context(record_requests(context, allowed_dir=site))
            else:
                base = stack.enter_context(serve_folder(site))
                requests = stack.enter_context(record_requests(context, allowed_origin=base))
            url = base + page_path
            page.goto(url, wait_until="load")
            text = page.inner_text("article")
            count = page.locator("article *").count()
            for index in range(count):
                element = page.locator("article *").nth(index)
                # Following a link is the reader's choice, not a load: links to pages, files,
                # other sites and mail are hovered only; any other link (javascript:, data:, …)
                # is clicked like every other element.
                leaves = element.evaluate("e => e.closest('a[href]') !== null && /^(https?|mailto|file):/i.test(e.closest('a[href]').href)")
                try:
                    element.hover(timeout=500, force=True)
                    exercised += 1
                    if not leaves:
                        # A click event on the element itself: a mouse click at its centre could
                        # land on a link inside it (a table cell) and leave the page.
                        element.dispatch_event("click", timeout=500)
                except Exception:  # hidden or detached elements cannot be hovered
                    pass
                if page.url.split("#")[0] != url:
                    page.goto(url, wait_until="load")
            page.wait_for_timeout(300)  # let a delayed handler (setTimeout, animation) fire
        assert exercised > 0, f"{page_path}: nothing in the article could be hovered"
        assert dialogs == [], f"{page_path}: script ran and opened a dialog: {dialogs}"
        assert requests.outside == [], f"{page_path}: requests left the site: {requests.outside}"
        return text
    finally:
        context.close()


def search_without_script(browser, site: Path, page_path: str, query: str) -> list[str]:
    """Type a query into Material's search and hover every result: result titles and
    snippets are HTML made from the pages, so a script in them would run here."""
    context = browser.new_context()
    dialogs: list[str] = []
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        with serve_folder(site) as base, record_requests(context, allowed_origin=base) as requests:
            open_search(page, base + page_path)
            titles = search_titles(page, query)
            results = page.locator(SEARCH_ITEM)
            for index in range(results.count()):
                results.nth(index).hover(force=True)
            page.wait_for_timeout(300)
        assert dialogs == [], f"search for {query!r}: script ran: {dialogs}"
        assert requests.outside == [], f"search for {query!r}: requests left the site: {requests.outside}"
        return titles
    finally:
        context.close()


def assert_present(browser, site: Path, page_path: str, selectors: list[str]) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((site / page_path).as_uri(), wait_until="load")
        missing = [selector for selector in selectors if page.locator(f"article {selector}").count() == 0]
        assert missing == [], f"{page_path}: the rich content lost {missing}"
    finally:
        context.close()


def test_dialog_and_request_checks_can_fail(browser, tmp_path: Path):
    """Negative control: the same page walk sees a script that runs on click and a
    request to another host."""
    site = tmp_path / "site"
    (site / "x").mkdir(parents=True)
    (site / "x" / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><article><p onclick="alert(1)">点我</p>'
        '<img src="https://example.org/track.png" alt=""></article>', encoding="utf-8")
    with pytest.raises(AssertionError, match="opened a dialog"):
        exercise_page(browser, site, "x/index.html")
    with pytest.raises(AssertionError, match="opened a dialog"):
        exercise_page(browser, site, "x/index.html", offline=True)
    (site / "x" / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><article><p>文字</p><img src="https://example.org/track.png" alt=""></article>',
        encoding="utf-8")
    with pytest.raises(AssertionError, match="requests left the site"):
        exercise_page(browser, site, "x/index.html")


def test_error_parity_parser_reads_both_formats():
    build = ("INFO    -  Building documentation to directory: /tmp/a b/site\n"
             "ERROR   -  guide/index.md:7: 不允许（提示）\nERROR   -  发现 1 处内容错误")
    check = "docs/guide/index.md:7: 不允许（提示）\ndocs/a.md:3: [内部版] 只有内部版\n检查未通过"
    assert reported_errors(build) == reported_errors(check) == {"guide/index.md:7: 不允许（提示）"}
    # The copy lint's lines carry a column and a code, and its warnings count too.
    lint = "docs/a.md:3:5: ZH001 隐去（提示）\nWARNING -  docs/a.md:4:1: ZH105 警告：行尾"
    assert reported_errors(lint) == {"a.md:3:5: ZH001 隐去（提示）", "a.md:4:1: ZH105 警告：行尾"}
    assert reported_errors(check, "internal") == {"guide/index.md:7: 不允许（提示）", "a.md:3: 只有内部版"}


def test_tooltip_check_can_fail(browser, tmp_path: Path):
    """Negative control for the tooltips: Material shows a `title` with innerHTML, so a
    title that decodes to markup runs on hover. Written into a built page past the
    sanitizer, the page walk must catch it; the sanitizer's own output must not."""
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, "guide/index.md":
                           "---\ntitle: 使用说明\n---\n# 使用说明\n\n[悬停](../index.md \"<img src=# onerror=alert(7)>\")\n"})
    build = run_mkdocs(project)
    assert build.ok, build.output
    page = build.site / "guide" / "index.html"
    published = page.read_text(encoding="utf-8")
    assert 'title="&amp;lt;img src=# onerror=alert(7)&amp;gt;"' in published
    exercise_page(browser, build.site, "guide/index.html")  # the published page is inert
    page.write_text(published.replace("&amp;lt;img src=# onerror=alert(7)&amp;gt;", "&lt;img src=# onerror=alert(7)&gt;"),
                    encoding="utf-8")
    with pytest.raises(AssertionError, match="opened a dialog"):
        exercise_page(browser, build.site, "guide/index.html")


def test_hostile_text_is_inert_in_the_offline_bundle(browser, tmp_path: Path):
    """The trainer's bundle of the hostile-text case, unzipped and opened from file://
    with nothing outside the folder reachable: the same pages, no script, no loads."""
    import zipfile

    case = next(c for c in SAFE if c["id"] == "hostile-text-in-every-field")
    project = make_case_project(case, tmp_path / "project")
    bundle = tmp_path / "bundle.zip"
    result = run_script(project, "bundle.py", "--output", str(bundle), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "unzipped")
    site = min((path.parent for path in (tmp_path / "unzipped").rglob("index.html")), key=lambda folder: len(folder.parts))
    text = exercise_page(browser, site, "policies/policy-alpha.html", offline=True)
    assert case["visible"][0] in text
    exercise_page(browser, site, "terms/term-yigang.html", offline=True)
    exercise_page(browser, site, "sessions/session-01.html", offline=True)
