"""A moved page's old address keeps working: the record of published addresses
(urls/published.txt), the reviewed redirects (urls/redirects.yml), the check that fails
in Chinese when an address disappears, and redirect pages that can only lead into the site."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import redirects
from tests.support.browser import chromium_fixture, record_requests, serve_folder
from tests.support.project import MINIMAL_DOCS, REPO, make_project, run_mkdocs, run_script

browser = chromium_fixture(scope="module")

DOCS = {**MINIMAL_DOCS, "assets/kb.css": (REPO / "docs" / "assets" / "kb.css").read_text(encoding="utf-8")}
MACROS_PAGE = "---\ntitle: 宏参考\n---\n# 宏参考\n\n## 写法\n\n见 CONTRIBUTING。\n"


def output(result) -> str:
    return result.stdout + result.stderr


def published_project(root: Path) -> Path:
    """A test knowledge base whose addresses have been published (recorded)."""
    project = make_project(root, {**DOCS, "guide/macros.md": MACROS_PAGE})
    result = run_script(project, "record_urls.py")
    assert result.returncode == 0, output(result)
    assert "/guide/macros/\n" in (project / "urls" / "published.txt").read_text(encoding="utf-8")
    return project


def move_macros_page(project: Path) -> None:
    """guide/macros.md becomes guide/macro-reference.md, in the nav too."""
    (project / "docs" / "guide" / "macros.md").rename(project / "docs" / "guide" / "macro-reference.md")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "宏参考: guide/macros.md" in text
    config.write_text(text.replace("宏参考: guide/macros.md", "宏参考: guide/macro-reference.md"), encoding="utf-8")


def line_of(project: Path, address: str) -> int:
    lines = (project / "urls" / "published.txt").read_text(encoding="utf-8").splitlines()
    return lines.index(address) + 1


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> Path:
    project = published_project(tmp_path_factory.mktemp("moved") / "project")
    move_macros_page(project)
    return project


def test_published_site_passes(tmp_path: Path):
    """Control: nothing moved, the record and the site agree."""
    project = published_project(tmp_path / "project")
    assert run_mkdocs(project).ok
    assert run_script(project, "check.py").returncode == 0


def test_a_moved_page_without_redirect_fails_in_chinese(moved: Path):
    line = line_of(moved, "/guide/macros/")
    expected = (f"urls/published.txt:{line}: 已发布的网址 /guide/macros/ 现在既没有页面，也没有重定向，读者收藏的链接会失效"
                "（页面移动或改名后，请在 urls/redirects.yml 中加一行“guide/macros.md: 新的路径.md”")
    checked = run_script(moved, "check.py")
    assert checked.returncode == 1
    assert expected in output(checked), output(checked)
    built = run_mkdocs(moved)
    assert not built.ok
    assert expected in built.output, built.output
    for result in (output(checked), built.output):
        assert "Traceback" not in result
        assert result.count("已发布的网址") == 1  # only the page that went


@pytest.fixture(scope="module")
def redirected(moved: Path, tmp_path_factory) -> Path:
    redirects_file = moved / "urls" / "redirects.yml"
    redirects_file.write_text("guide/macros.md: guide/macro-reference.md\n", encoding="utf-8")
    try:
        result = run_mkdocs(moved, site=tmp_path_factory.mktemp("redirected") / "site")
        assert result.ok, result.output
        assert run_script(moved, "check.py").returncode == 0
    finally:
        redirects_file.unlink()
    return result.site


def test_the_old_address_lands_on_the_new_page(redirected: Path, browser):
    page_file = redirected / "guide" / "macros" / "index.html"
    assert page_file.is_file()
    assert 'href="../macro-reference/"' in page_file.read_text(encoding="utf-8")
    page = browser.new_page()
    try:
        with serve_folder(redirected) as base, record_requests(page.context, allowed_origin=base) as requests:
            page.goto(base + "guide/macros/#写法")
            page.wait_for_url(base + "guide/macro-reference/**", timeout=10_000)
            assert page.url.endswith("/guide/macro-reference/#%E5%86%99%E6%B3%95") or page.url.endswith("#写法")
            assert page.locator("h1").first.inner_text().startswith("宏参考")
            assert page.locator("h2#写法").is_visible()
        assert requests.outside == []
    finally:
        page.close()


def test_redirect_pages_are_not_in_the_sitemap_or_search(redirected: Path):
    assert "guide/macros/" not in (redirected / "sitemap.xml").read_text(encoding="utf-8")
    assert "guide/macros/" not in (redirected / "search" / "search_index.json").read_text(encoding="utf-8")


ATTACKS = {
    # hostile or careless targets and sources: each is refused at its own line
    "javascript": "guide/macros.md: javascript:alert(1)",
    "protocol-relative": "guide/macros.md: //evil.example/guide/",
    "offsite": "guide/macros.md: https://evil.example/",
    "quotes": "guide/macros.md: '\"><script>alert(1)</script>.md'",
    "attribute": "guide/macros.md: guide/macro-reference.md\" onload=\"alert(1)",
    "climb-target": "guide/macros.md: ../../index.md",
    "climb-source": "../../../../tmp/owned.md: guide/macro-reference.md",
    "anchor": "guide/macros.md: guide/macro-reference.md#写法",
    "uppercase": "Guide/Macros.md: guide/macro-reference.md",
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_hostile_redirects_are_refused(moved: Path, tmp_path: Path, name: str):
    redirects_file = moved / "urls" / "redirects.yml"
    redirects_file.write_text("# 第一行注释\n" + ATTACKS[name] + "\n", encoding="utf-8")
    try:
        checked = run_script(moved, "check.py")
        built = run_mkdocs(moved, site=tmp_path / "site")
    finally:
        redirects_file.unlink()
    assert checked.returncode == 1 and not built.ok
    for result in (output(checked), built.output):
        assert "urls/redirects.yml:2: " in result and "不是本站页面的路径" in result, result
        assert "Traceback" not in result
    assert not (tmp_path / "site").exists() or not list((tmp_path / "site").rglob("*.html"))
    assert not (Path("/tmp") / "owned").exists()


CARELESS = {
    "missing-target": ("guide/macros.md: guide/macro-ref.md", "重定向的目标 docs/guide/macro-ref.md 不存在"),
    "old-still-there": ("guide/index.md: guide/macro-reference.md", "旧页面 docs/guide/index.md 仍然存在"),
    "self": ("guide/macros.md: guide/macros.md", "指向它自己"),
    "list": ("- guide/macros.md", "应为“旧页面.md: 新页面.md”的列表"),
    "nested": ("guide/macros.md:\n  to: guide/macro-reference.md", "每行只能写一个旧页面和一个新页面"),
    "twice": ("guide/macros.md: guide/macro-reference.md\nguide/macros.md: guide/index.md", "写了两次"),
}


@pytest.mark.parametrize("name", sorted(CARELESS))
def test_careless_redirects_are_explained(moved: Path, name: str):
    text, message = CARELESS[name]
    redirects_file = moved / "urls" / "redirects.yml"
    redirects_file.write_text(text + "\n", encoding="utf-8")
    try:
        checked = run_script(moved, "check.py")
    finally:
        redirects_file.unlink()
    assert checked.returncode == 1
    assert message in output(checked), output(checked)
    assert "urls/redirects.yml:" in output(checked) and "Traceback" not in output(checked)


def test_a_redirect_to_an_internal_page_is_refused_in_the_public_build(tmp_path: Path):
    docs = {**DOCS, "guide/macros.md": MACROS_PAGE}
    docs["problems/problem-02.md"] = (MINIMAL_DOCS["problems/problem-01.md"].replace("problem-01", "problem-02")
                                      .replace("updated: 2026-11-01", "audience: internal"))
    project = make_project(tmp_path / "project", docs)
    (project / "urls").mkdir()
    (project / "urls" / "redirects.yml").write_text("problems/problem-09.md: problems/problem-02.md\n", encoding="utf-8")
    checked = run_script(project, "check.py")
    assert checked.returncode == 1
    assert "[公开版] 重定向的目标 docs/problems/problem-02.md 不存在" in output(checked), output(checked)
    internal = run_mkdocs(project, env={"KB_AUDIENCE": "internal"})
    assert internal.ok, internal.output  # the internal site has the page, and the redirect
    assert (internal.site / "problems" / "problem-09" / "index.html").is_file()


def test_an_unreadable_page_is_not_reported_as_gone(tmp_path: Path):
    """A page with a syntax error gets its own error only, not a second one about its address."""
    project = published_project(tmp_path / "project")
    page = project / "docs" / "guide" / "macros.md"
    page.write_text(MACROS_PAGE.replace("title: 宏参考", "title：宏参考"), encoding="utf-8")
    checked = run_script(project, "check.py")
    assert checked.returncode == 1
    assert "docs/guide/macros.md:2:" in output(checked)
    assert "已发布的网址" not in output(checked), output(checked)


def test_new_pages_are_recorded(tmp_path: Path):
    project = published_project(tmp_path / "project")
    result = run_script(project, "new.py", "problem", "新的问题")
    assert result.returncode == 0, output(result)
    assert "/problems/problem-02/\n" in (project / "urls" / "published.txt").read_text(encoding="utf-8")
    internal = run_script(project, "new.py", "problem", "内部问题", "--audience", "internal")
    assert internal.returncode == 0, output(internal)
    assert "/problems/problem-03/" not in (project / "urls" / "published.txt").read_text(encoding="utf-8")


def test_the_repository_records_every_public_page():
    """The committed record covers the real site (python scripts/record_urls.py adds what is missing)."""
    from kbtools.project import Project
    from kbtools.published_urls import public_pages

    recorded = (REPO / redirects.PUBLISHED_FILE).read_text(encoding="utf-8").splitlines()
    missing = [redirects.page_url(p) for p in public_pages(Project.load(REPO)) if redirects.page_url(p) not in recorded]
    assert missing == [], f"请运行 python scripts/record_urls.py 并提交 urls/published.txt：{missing}"


def test_redirect_html_escapes_by_construction():
    page = redirects.redirect_html("/guide/macros/", "/guide/macro-reference/")
    assert '<meta http-equiv="refresh" content="0; url=../macro-reference/">' in page
    assert 'location.replace("../macro-reference/" + location.hash)' in page
    assert redirects.redirect_html("/a/b/", "/") .count('href="../../"') == 2
    for hostile in ("javascript:alert(1)", "//evil.example", '"><script>', "../x.md", "https://evil.example/x.md"):
        assert not redirects._PAGE_PATH.fullmatch(hostile)
