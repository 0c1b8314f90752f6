"""Page history for readers: "edit this page" only when mkdocs.yml names a repository,
last-updated dates from git (right in shallow clones, else the front-matter date, else
none), and the 最近更新 page, seen in chromium."""
from __future__ import annotations

import os
from pathlib import Path
import subprocess

import pytest

from tests.support.browser import chromium_fixture, record_requests, serve_folder
from tests.support.project import MINIMAL_DOCS, REPO, make_project, run_mkdocs

browser = chromium_fixture(scope="module")

DOCS = {
    **MINIMAL_DOCS,
    "assets/kb.css": (REPO / "docs" / "assets" / "kb.css").read_text(encoding="utf-8"),
}
FIRST, SECOND = "1764000000", "1764500000"  # 2025-11-24 and 2025-11-30, UTC
REPOSITORY = "https://github.com/example/kb"


def git(project: Path, *args: str, epoch: str = FIRST) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"@{epoch} +0000", "GIT_COMMITTER_DATE": f"@{epoch} +0000"}
    result = subprocess.run(["git", "-c", "user.name=测试", "-c", "user.email=test@example.invalid",
                             "-c", "commit.gpgsign=false", "-c", "protocol.file.allow=always", *args],
                            cwd=project, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def assert_nav_lists_recent(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - 最近更新: recent.md\n" in text  # the real site's nav lists the page


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A knowledge base with two commits: everything on the 24th, measure-01 changed on the 30th."""
    project = make_project(tmp_path_factory.mktemp("history") / "project", DOCS)
    assert_nav_lists_recent(project)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "第一次提交")
    measure = project / "docs" / "measures" / "measure-01.md"
    measure.write_text(measure.read_text(encoding="utf-8").replace("严格落实", "认真落实"), encoding="utf-8")
    git(project, "commit", "-q", "-am", "修改措施一", epoch=SECOND)
    return project


def facts(site: Path, page: str) -> str:
    html = (site / page / "index.html").read_text(encoding="utf-8")
    start = html.index('class="kb-facts')
    return html[start:html.index("</div>", start)]


@pytest.fixture(scope="module")
def full_build(history: Path, tmp_path_factory) -> Path:
    result = run_mkdocs(history, site=tmp_path_factory.mktemp("full") / "site", env={"SOURCE_DATE_EPOCH": SECOND})
    assert result.ok, result.output
    return result.site


def test_dates_come_from_the_last_commit_of_each_page(full_build: Path):
    assert "<strong>最后更新</strong> 2025年11月30日" in facts(full_build, "measures/measure-01")
    # git wins over the front matter's `updated: 2026-11-01`
    assert "<strong>最后更新</strong> 2025年11月24日" in facts(full_build, "problems/problem-01")


def test_shallow_clone_falls_back_to_the_front_matter_date(history: Path, tmp_path: Path):
    """In a clone of depth 1 the only commit seems to add every file: its date would be
    wrong for every page, so pages fall back to `updated`, or show no date."""
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", history.as_uri(), str(shallow))
    assert git(shallow, "rev-parse", "--is-shallow-repository") == "true"
    result = run_mkdocs(shallow, env={"SOURCE_DATE_EPOCH": SECOND})
    assert result.ok, result.output
    assert "<strong>最后更新</strong> 2026年11月1日" in facts(result.site, "problems/problem-01")  # front matter
    assert "最后更新" not in facts(result.site, "measures/measure-01")  # neither: no date rather than a wrong one

    deeper = tmp_path / "deeper"
    git(tmp_path, "clone", "-q", "--depth", "2", history.as_uri(), str(deeper))
    result = run_mkdocs(deeper, env={"SOURCE_DATE_EPOCH": SECOND})
    assert result.ok, result.output
    # the change after the boundary is known exactly; the boundary's files are not
    assert "<strong>最后更新</strong> 2025年11月30日" in facts(result.site, "measures/measure-01")
    assert "<strong>最后更新</strong> 2026年11月1日" in facts(result.site, "problems/problem-01")


def test_outside_git_only_front_matter_dates_show(tmp_path: Path):
    result = run_mkdocs(make_project(tmp_path / "project", DOCS))
    assert result.ok, result.output
    assert "<strong>最后更新</strong> 2026年11月1日" in facts(result.site, "problems/problem-01")
    assert "最后更新" not in facts(result.site, "measures/measure-01")


def test_recent_changes_page_in_the_browser(full_build: Path, browser):
    page = browser.new_page()
    try:
        with serve_folder(full_build) as base, record_requests(page.context, allowed_origin=base) as requests:
            page.goto(base + "recent/")
            entries = page.locator("article li").all_inner_texts()
            assert page.locator("h1").first.inner_text().startswith("最近更新")
            assert entries[0] == "2025年11月30日 · 整改措施 · 强化担当，落实责任"
            assert all("2025年11月24日" in entry for entry in entries[1:]), entries
            assert len(entries) == 6  # every item of the test knowledge base, each once
            # the navigation leads there
            page.goto(base)
            page.locator("nav.md-nav--primary a.md-nav__link", has_text="最近更新").first.click()
            page.wait_for_url(base + "recent/")
        assert requests.outside == []
    finally:
        page.close()


EDIT = "a.md-content__button[rel=edit]"


@pytest.fixture(scope="module")
def with_repository(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("repo") / "project", DOCS)
    config = project / "mkdocs.yml"
    config.write_text(f"repo_url: {REPOSITORY}\nedit_uri: edit/main/docs/\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_mkdocs(project)
    assert result.ok, result.output
    return result.site


@pytest.fixture(scope="module")
def without_repository(tmp_path_factory) -> Path:
    result = run_mkdocs(make_project(tmp_path_factory.mktemp("norepo") / "project", DOCS))
    assert result.ok, result.output
    return result.site


def test_edit_link_when_a_repository_is_configured(with_repository: Path, browser):
    page = browser.new_page()
    try:
        with serve_folder(with_repository) as base, record_requests(page.context, allowed_origin=base) as requests:
            page.goto(base + "problems/problem-01/")
            page.wait_for_timeout(1000)  # time for the theme's scripts to ask for anything they would
            edit = page.locator(EDIT)
            assert edit.count() == 1 and edit.is_visible()
            assert edit.get_attribute("href") == f"{REPOSITORY}/edit/main/docs/problems/problem-01.md"
            assert edit.get_attribute("title") == "编辑此页"
            assert page.locator("a.md-source").first.get_attribute("href") == REPOSITORY
        # the repository link asks no API for stars and forks
        assert requests.outside == [], requests.outside
    finally:
        page.close()


def test_no_edit_link_without_a_repository(without_repository: Path, browser):
    page = browser.new_page()
    try:
        page.goto((without_repository / "problems" / "problem-01" / "index.html").as_uri())
        assert page.locator("h1").first.is_visible()
        assert page.locator(EDIT).count() == 0
        assert page.locator("a.md-source").count() == 0
    finally:
        page.close()
