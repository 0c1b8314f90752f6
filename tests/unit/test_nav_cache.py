"""kb/nav_cache.py on mkdocs' own nav objects, and the copy of Material's block site_nav in
overrides/main.html. That the cached navigation is byte for byte Material's is checked on
real builds in tests/e2e/test_nav_cache.py."""
from __future__ import annotations

from pathlib import Path
import re

import material
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import get_navigation
from mkdocs.utils import normalize_url
import pytest

from kb.nav_cache import MAX_ENTRIES, SWITCH, NavCache
from tests.support.project import REPO

NAV = [{"首页": "index.md"}, {"报告": ["reports/index.md", {"清单": "reports/list.md"}]}, {"术语": "terms/index.md"},
       {"外部": "https://example.org/"}]
PAGES = ["index.md", "reports/index.md", "reports/list.md", "reports/report-01.md", "reports/report-02.md",
         "terms/index.md", "terms/term-a.md", "policies/policy-a.md"]


def site(tmp_path: Path, *, use_directory_urls: bool = True):
    (tmp_path / "docs").mkdir(parents=True)
    config = MkDocsConfig()
    config.load_dict({"site_name": "测试", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site"),
                      "use_directory_urls": use_directory_urls, "nav": NAV,
                      "not_in_nav": "/reports/report-*.md\n/terms/term-*.md\n/policies/*.md"})
    assert config.validate() == ([], [])
    files = Files([File(path, config.docs_dir, config.site_dir, use_directory_urls) for path in PAGES])
    nav = get_navigation(files, config)
    return nav, {path: files.get_file_from_path(path).page for path in PAGES}


def new_cache(**kwargs) -> NavCache:
    return NavCache(lambda target, page: normalize_url(target, page=page), **kwargs)


def test_item_pages_of_one_folder_share_a_key_and_other_folders_do_not(tmp_path):
    nav, pages = site(tmp_path)
    cache = new_cache()
    report_1, report_2 = cache.key(pages["reports/report-01.md"], nav), cache.key(pages["reports/report-02.md"], nav)
    assert report_1 is not None and report_1 == report_2
    # Same depth, another folder: the links differ (../ against ../../reports/), so the key does.
    term, policy = cache.key(pages["terms/term-a.md"], nav), cache.key(pages["policies/policy-a.md"], nav)
    assert len({report_1, term, policy}) == 3
    assert "../" in report_1 and "../../reports/" in policy  # the key is the links as printed
    assert "https://example.org/" in report_1


def test_in_the_offline_build_the_key_follows_the_html_addresses(tmp_path):
    nav, pages = site(tmp_path, use_directory_urls=False)
    cache = new_cache()
    report = cache.key(pages["reports/report-01.md"], nav)
    assert report == cache.key(pages["reports/report-02.md"], nav)
    assert "index.html" in report and "list.html" in report  # reports/list.html from reports/report-01.html
    assert report != cache.key(pages["terms/term-a.md"], nav)


@pytest.mark.parametrize("path", ["index.md", "reports/index.md", "reports/list.md", "terms/index.md"])
def test_pages_in_the_nav_are_never_cached(tmp_path, path):
    nav, pages = site(tmp_path)
    assert new_cache().key(pages[path], nav) is None


def test_nothing_is_cached_while_a_nav_entry_is_active(tmp_path):
    """mkdocs marks the page being built and its sections active; a page outside the nav
    never is, but if an entry were, that page's nav would differ from the others'."""
    nav, pages = site(tmp_path)
    cache = new_cache()
    item = pages["reports/report-01.md"]
    assert cache.key(item, nav) is not None
    pages["reports/list.md"].active = True  # also marks the section 报告
    assert cache.key(item, nav) is None
    pages["reports/list.md"].active = False
    assert cache.key(item, nav) is not None


def test_a_nav_entry_carrying_its_own_pages_turns_the_cache_off(tmp_path):
    """nav-item.html compares the page with an entry's `pages` (Material's blog views)."""
    nav, pages = site(tmp_path)
    nav.items[1].pages = []
    assert new_cache().key(pages["reports/report-01.md"], nav) is None


def test_the_switch_turns_it_off_and_the_template_then_uses_materials_block(tmp_path):
    nav, pages = site(tmp_path)
    cache = new_cache(environ={SWITCH: "off"})
    assert not cache.enabled and cache.key(pages["reports/report-01.md"], nav) is None
    assert new_cache(environ={SWITCH: "on"}).enabled and new_cache(environ={}).enabled
    assert new_cache(environ={SWITCH: " OFF "}).enabled is False


def test_put_get_and_a_new_nav_starts_empty(tmp_path):
    nav, pages = site(tmp_path)
    cache = new_cache()
    key = cache.key(pages["reports/report-01.md"], nav)
    assert not cache.has(key) and not cache.has(None)
    assert cache.put(key, "<nav>1</nav>") == "<nav>1</nav>" and cache.has(key)
    assert cache.get(key) == "<nav>1</nav>" and cache.reused == 1
    assert cache.put(None, "<nav>x</nav>") == "<nav>x</nav>" and not cache.has(None)
    other_nav, other_pages = site(tmp_path / "other")
    assert not cache.has(cache.key(other_pages["reports/report-01.md"], other_nav))


def test_extra_targets_are_part_of_the_key(tmp_path):
    nav, pages = site(tmp_path)
    plain = new_cache().key(pages["reports/report-01.md"], nav)
    with_logo = new_cache(extra_targets=["assets/logo.png", None, ""]).key(pages["reports/report-01.md"], nav)
    assert with_logo == (*plain, "../../assets/logo.png")


def test_the_number_of_renderings_kept_is_bounded():
    cache = new_cache()
    for number in range(MAX_ENTRIES + 5):
        cache.put((str(number),), "nav")
    assert cache.has(("0",)) and not cache.has((str(MAX_ENTRIES),))


def test_the_copy_of_materials_block_site_nav_is_materials_but_for_the_nav_line():
    """overrides/main.html carries Material's block site_nav with one line changed. When
    Material changes that block, this fails: copy the new block and change the line again."""
    block = re.compile(r"\{% block site_nav %\}(.*?)\{% endblock %\}", re.S)
    base = (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    (materials,) = block.findall(base)
    ours = block.search((REPO / "overrides" / "main.html").read_text(encoding="utf-8")).group(1)
    switch = "{% if kb_nav_cache is not defined or not kb_nav_cache.enabled %}{{ super() }}{% else %}"
    assert ours.startswith(switch) and ours.endswith("{% endif %}")
    copy = ours[len(switch):-len("{% endif %}")]
    include = '{% include "partials/nav.html" %}'
    cached = re.search(r"\{% set nav_key = .*?\{% endif %\}", copy).group(0)
    assert include in cached
    assert copy.replace(cached, include) == materials
