"""Every link in the built HTML works: relative href/src resolve to files in the site,
#fragments to element ids. The checker is tests/support/htmlcheck.py."""
from __future__ import annotations

from pathlib import Path
import shutil

import pytest

from tests.support.htmlcheck import check_site
from tests.support.project import MINIMAL_DOCS, SITE_ASSETS, make_project, run_mkdocs

# mkdocs.yml loads the stylesheets in assets/ (extra_css), which MINIMAL_DOCS does not include; mkdocs
# does not check extra_css, so without it every page links a missing stylesheet.
DOCS = {**MINIMAL_DOCS, **SITE_ASSETS}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("links")
    result = run_mkdocs(make_project(root / "project", DOCS))
    assert result.ok, result.output
    return result


def test_every_link_and_anchor_in_the_site_resolves(built):
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) >= 20
    assert check_site(built.site) == []


def test_checker_reports_broken_links(built, tmp_path: Path):
    """Control: the checker finds a raw-HTML link to nowhere, a missing anchor and a missing
    image on a page of the built site, and accepts the working links next to them."""
    site = tmp_path / "site"
    shutil.copytree(built.site, site)
    (site / "control").mkdir()
    (site / "control" / "index.html").write_text(
        '<!doctype html><html><body>\n'
        '<h1 id="top">对照</h1>\n'
        '<a href="nowhere/">别处</a>\n'
        '<a href="../problems/problem-01/#不存在的锚点">锚点</a>\n'
        '<img src="missing.png">\n'
        '<a href="/problems/">绝对路径</a>\n'
        '<a href="../problems/">问题</a> <a href="../problems/problem-01/#原因分析">原因</a>\n'
        '<a href="#top">顶部</a> <a href="../exports/ledger.csv">台账</a> <a href="https://example.org/x">外链</a>\n'
        '</body></html>\n', encoding="utf-8")
    problems = check_site(site)
    assert [p.split(":")[:2] for p in problems] == [["control/index.html", str(n)] for n in (3, 4, 5, 6)], problems
    assert '"nowhere/"' in problems[0] and "目标文件不存在" in problems[0]
    assert "锚点“#不存在的锚点”在 problems/problem-01/index.html 中不存在" in problems[1]
    assert '"missing.png"' in problems[2]
    assert "绝对路径" in problems[3]


def test_raw_html_links_are_checked_before_the_build(tmp_path: Path):
    """The engine refuses raw-HTML links to missing pages in the source, quoted or not
    (an unquoted href used to pass the build and publish a broken link)."""
    page = ("---\ntitle: 宏参考\n---\n# 宏参考\n\n"
            '<a href="nowhere/">双引号</a>\n\n'
            "<a href='nowhere/'>单引号</a>\n\n"
            "<a href=nowhere/>不加引号</a>\n\n"
            '<a href="../problems/problem-01.md#原因分析">可用的链接</a>\n')
    result = run_mkdocs(make_project(tmp_path / "project", {**DOCS, "guide/macros.md": page}))
    assert result.returncode != 0
    for line in (6, 8, 10):
        assert f"guide/macros.md:{line}: 链接“nowhere/”指向的页面不存在" in result.output, result.output
    assert "guide/macros.md:12" not in result.output  # control: the working link is accepted
    assert "Traceback" not in result.output
