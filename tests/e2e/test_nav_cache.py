"""Material's navigation rendered once per folder of item pages (kb/nav_cache.py, used by
overrides/main.html) gives the same site, byte for byte, as Material rendering it on every
page (KB_NAV_CACHE=off): on the published site, the internal one and the offline bundle.

The knowledge base is the real one plus a ledger long enough to be split, so the pages
outside the nav sit at every depth the site has: item pages (two folders deep, one in the
offline bundle) and the ledger's parts under the ledger page (three and four deep).
Negative controls: the navigation differs between pages that must not share it, and a
cache with a key too coarse (a real build of a changed copy of kb/nav_cache.py) is caught.
"""
from __future__ import annotations

import os
from pathlib import Path
import re
import shutil
import subprocess
import sys

import pytest

from tests.e2e.test_serve_reload import edit, free_port, wait_for
from tests.support.project import MINIMAL_DOCS, BuildResult, make_project, run_mkdocs, run_script, write_docs
from tests.support.rounds import ledger_rows
from tests.support.site import changed_files, snapshot

OFF = {"KB_NAV_CACHE": "off"}
INTERNAL = {"KB_AUDIENCE": "internal"}
REUSED = re.compile(r"navigation cache (?:on|off \(KB_NAV_CACHE\)): (\d+) renderings kept, reused on (\d+) pages")
# Built pages and where they sit: in the nav or not, and how deep.
IN_NAV = ("index.html", "guide/index.html", "problems/checklist/index.html", "measures/ledger/index.html")
OUTSIDE_NAV = ("problems/problem-01/index.html", "problems/problem-02/index.html", "terms/term-xuncha/index.html",
               "policies/policy-four-forms/index.html", "problems/problem-100/index.html",
               "measures/ledger/report-01/index.html", "measures/ledger/report-01/2/index.html", "404.html")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("navcache") / "project")
    extra = ledger_rows({"report-01": 100}, first_number=100)
    # A page that hides the navigation: the cached navigation goes into its hidden sidebar.
    extra["problems/problem-100.md"] = extra["problems/problem-100.md"].replace("type: problem\n",
                                                                                "type: problem\nhide: [navigation]\n")
    write_docs(root / "docs", extra)
    return root


def build(project: Path, site: Path, env: dict | None = None) -> BuildResult:
    # In one process, where the build's log counts the cache's use (a build whose pages are
    # rendered in forks is compared with one process in tests/e2e/test_forked_pages.py).
    result = run_mkdocs(project, "-v", site=site, env={"KB_PROCESSES": "1", **(env or {})})
    assert result.ok, result.output[-3000:]
    return result


def reused(output: str) -> tuple[int, int]:
    """(renderings kept, pages that reused one) from the build's debug log."""
    found = REUSED.findall(output)
    assert len(found) == 1, "no report of the navigation cache in the build's log"
    return tuple(int(n) for n in found[0])


@pytest.fixture(scope="module")
def builds(project, tmp_path_factory) -> dict[str, BuildResult]:
    sites = tmp_path_factory.mktemp("sites")
    return {"public": build(project, sites / "public"), "public-off": build(project, sites / "public-off", OFF),
            "internal": build(project, sites / "internal", INTERNAL),
            "internal-off": build(project, sites / "internal-off", {**INTERNAL, **OFF})}


def primary_nav(html: str) -> str:
    """The sidebar with the primary navigation, up to the table of contents' sidebar."""
    start = html.index('data-md-type="navigation"')
    return html[start:html.index('<div class="md-sidebar md-sidebar--secondary"', start)].rstrip()


def without_nav(html: str) -> str:
    nav = primary_nav(html)
    return html.replace(nav, "")


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_the_site_is_the_same_with_and_without_the_cache(builds, audience):
    cached, uncached = builds[audience], builds[f"{audience}-off"]
    kept, pages = reused(cached.output)
    # One rendering per folder of item pages and per depth of the ledger's parts and of the
    # checklist's and self-check's (104 problems split them too: kb/split.py); the other pages reused one.
    assert 7 <= kept <= 14 and pages > 200, (kept, pages)
    assert reused(uncached.output) == (0, 0)
    assert changed_files(snapshot(cached.site), snapshot(uncached.site)) == set()


@pytest.mark.parametrize("path", IN_NAV + OUTSIDE_NAV)
def test_the_navigation_of_each_kind_of_page_is_materials(builds, path):
    cached, uncached = primary_nav(builds["public"].html(path)), primary_nav(builds["public-off"].html(path))
    assert 'class="md-nav md-nav--primary"' in cached and "整改台账" in cached
    assert cached == uncached


def test_pages_that_must_not_share_a_navigation_do_not(builds):
    """Negative controls for the comparisons above: these navigations differ, so a cache
    handing one page another's would be seen."""
    site = builds["public"]
    nav = {path: primary_nav(site.html(path)) for path in IN_NAV + OUTSIDE_NAV}
    # In the nav or not, in the same folder: only the page in the nav has an active entry.
    assert "md-nav__link--active" in nav["problems/checklist/index.html"]
    assert "md-nav__link--active" not in nav["problems/problem-01/index.html"]
    assert nav["problems/checklist/index.html"] != nav["problems/problem-01/index.html"]
    # Same depth, another folder: the links differ (../ against ../../problems/).
    assert nav["problems/problem-01/index.html"] != nav["terms/term-xuncha/index.html"]
    assert 'href="../"' in nav["problems/problem-01/index.html"]
    assert 'href="../../problems/"' in nav["terms/term-xuncha/index.html"]
    # Under the ledger page, one and two levels down.
    assert nav["measures/ledger/report-01/index.html"] != nav["measures/ledger/report-01/2/index.html"]
    # What is shared: the item pages of one folder, even one hiding the navigation.
    assert nav["problems/problem-01/index.html"] == nav["problems/problem-02/index.html"]
    assert nav["problems/problem-100/index.html"].replace(" hidden>", " >", 1) == nav["problems/problem-01/index.html"]
    assert 'data-md-type="navigation" hidden>' in nav["problems/problem-100/index.html"]


def mutated_build(project: Path, tmp_path: Path, old: str, new: str) -> BuildResult:
    """A real build of a copy of the project whose kb/nav_cache.py has `old` replaced."""
    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    source = copy / "kb" / "nav_cache.py"
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1
    source.write_text(text.replace(old, new), encoding="utf-8")
    return build(copy, tmp_path / "site")


@pytest.mark.parametrize("old, new, wrong", [
    # A key without the page's address: every item page gets the first folder's navigation.
    ("return tuple(self._relative_url(target, page) for target in self._targets)", "return ()",
     {"terms/term-xuncha/index.html", "problems/problem-01/index.html"}),
    # A key of the address's depth alone: item pages in another folder get the first folder's links.
    ("return tuple(self._relative_url(target, page) for target in self._targets)",
     "return (str(page.url).count('/'),)", {"terms/term-xuncha/index.html", "problems/problem-01/index.html"}),
], ids=["no-address", "depth-only"])
def test_a_cache_keyed_too_coarsely_is_caught(project, builds, tmp_path, old, new, wrong):
    broken = mutated_build(project, tmp_path, old, new)
    uncached = builds["public-off"]
    changed = changed_files(snapshot(broken.site), snapshot(uncached.site))
    assert changed & wrong, sorted(changed)[:20]
    # Only pages' navigations differ: the comparison points at the navigation.
    for path in changed:
        assert path.endswith(".html"), path
        assert without_nav(broken.html(path)) == without_nav(uncached.html(path)), path
        assert primary_nav(broken.html(path)) != primary_nav(uncached.html(path)), path


def test_the_offline_bundle_is_the_same_with_and_without_the_cache(project, tmp_path):
    """The bundle is built with use_directory_urls: false (item pages one folder deep, .html
    links) and zipped reproducibly: the two archives are the same bytes."""
    archives, logs = {}, {}
    for name, env in (("cached", {"KB_PROCESSES": "1"}), ("uncached", {"KB_PROCESSES": "1", **OFF})):  # counted in one process
        archives[name] = tmp_path / f"{name}.zip"
        result = run_script(project, "bundle.py", "--output", str(archives[name]), "--verbose", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        logs[name] = result.stdout + result.stderr
    kept, pages = reused(logs["cached"])
    assert kept >= 7 and pages > 200, (kept, pages)
    assert reused(logs["uncached"]) == (0, 0)
    assert archives["cached"].read_bytes() == archives["uncached"].read_bytes()


def test_under_serve_a_changed_nav_shows_on_pages_that_share_one(tmp_path):
    """`mkdocs serve` rebuilds after mkdocs.yml changes: the renderings of the last build
    are not reused (the hook makes a new cache for every build)."""
    project = make_project(tmp_path / "project", MINIMAL_DOCS)
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000"}
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                               cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        urls = [f"http://127.0.0.1:{port}/{path}" for path in ("problems/problem-01/", "measures/measure-01/")]
        for url in urls:
            assert "培训专题改名" not in primary_nav(wait_for(url, "培训专题"))
        edit(project / "mkdocs.yml", "  - 培训专题: sessions/index.md", "  - 培训专题改名: sessions/index.md")
        for url in urls:
            assert "培训专题改名" in primary_nav(wait_for(url, "培训专题改名"))
    finally:
        process.terminate()
        process.wait(timeout=10)
