"""macros/page_render.py: one Markdown instance per process converts every page exactly as
mkdocs' own Page.render (a new instance per page) does, whatever the page before it left."""
from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
import pytest

from macros import page_render
from tests.support.project import REPO


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path_factory.mktemp("site")))


def rendered(page: Page) -> tuple:
    toc = [(item.title, item.id, item.level, [(c.title, c.id) for c in item.children]) for item in page.toc]
    links = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}
    return page.content, toc, page._title_from_render, page.present_anchor_ids, links


def both_ways(config, files: Files, sources: dict[str, str]) -> list[tuple[tuple, tuple]]:
    """Each page converted by mkdocs' Page.render and by page_render.render, in order."""
    results = []
    for path, markdown in sources.items():
        pages = []
        for convert in (Page.render, page_render.render):
            page = Page(None, files.get_file_from_path(path), config)
            page.markdown = markdown
            convert(page, config, files)
            pages.append(rendered(page))
        results.append((pages[0], pages[1]))
    return results


def files_for(config, paths) -> Files:
    return Files([File(path, config.docs_dir, config.site_dir, config.use_directory_urls) for path in paths])


def test_the_real_pages_convert_as_mkdocs_converts_them(config):
    docs = Path(config.docs_dir)
    paths = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    files = files_for(config, paths)
    sources = {}
    for path in paths:
        page = Page(None, files.get_file_from_path(path), config)
        page.read_source(config)
        sources[path] = page.markdown
    results = both_ways(config, files, sources)
    assert len(results) > 30 and any("<table>" in mkdocs[0] for mkdocs, _ in results)
    assert [path for path, (mkdocs, ours) in zip(sources, results, strict=True) if mkdocs != ours] == []


# What one page defines that a later page must never see: an abbreviation, a footnote, a
# reference link, an element left open, headings whose ids the table of contents counts.
DEFINES = """# 定义

HTML 与 ABBR 在这里有缩写。[^1] 见[参考][ref]。

## 重复 {#same}

## 重复

*[HTML]: 超文本标记语言
*[ABBR]: 缩写

[ref]: other.md#anchor
[^1]: 第一页的脚注。

<div markdown>

没有关上的块
"""
USES = """# 使用

HTML 与 ABBR 在这里没有缩写。[^1] 见[参考][ref]，[其他](other.md#anchor)。

## 重复

正文。
"""


def test_nothing_a_page_defines_reaches_the_next(config):
    files = files_for(config, ["a.md", "b.md", "other.md"])
    results = both_ways(config, files, {"a.md": DEFINES, "b.md": USES, "other.md": DEFINES})
    for mkdocs, ours in results:
        assert ours == mkdocs
    b = results[1][1][0]
    assert "<abbr" not in b and "超文本" not in b and "第一页的脚注" not in b and 'href="../other/#anchor"' in b
    assert "[参考][ref]" in b and 'id="重复"' in b  # the reference and the heading ids are the page's own
    # Control: an instance used again without reset() carries the first page into the second.
    import markdown

    md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    md.convert(DEFINES)
    assert "<abbr" in md.convert(USES)


def test_a_conversion_stopped_half_way_leaves_nothing_to_the_next_page(config):
    """The time budget stops a conversion with an alarm anywhere inside it; here a link
    lookup fails while the tree is being processed. The next page starts afresh."""
    class FailingFiles(Files):
        def get_file_from_path(self, path):
            if path.endswith("trap.md"):
                raise TimeoutError("预算用完")
            return super().get_file_from_path(path)

    files = FailingFiles([File(p, config.docs_dir, config.site_dir, config.use_directory_urls)
                          for p in ("a.md", "b.md", "trap.md", "other.md")])
    page = Page(None, files.get_file_from_path("a.md"), config)
    page.markdown = DEFINES.replace("没有关上的块", "[陷阱](trap.md)")
    with pytest.raises(TimeoutError):
        page_render.render(page, config, files)
    assert page_render._kept is None
    for mkdocs, ours in both_ways(config, files, {"b.md": USES}):
        assert ours == mkdocs


def test_a_later_build_gets_an_instance_of_its_own(config, tmp_path):
    """A rebuild under `mkdocs serve` loads the config again, with its own extensions' settings."""
    files = files_for(config, ["a.md", "other.md"])
    page = Page(None, files.get_file_from_path("a.md"), config)
    page.markdown = USES
    page_render.render(page, config, files)
    first = page_render._kept[1]
    page_render.render(page, config, files)
    assert page_render._kept[1] is first  # the same build: kept
    again = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    page_render.render(page, again, files)
    assert page_render._kept[0] is again and page_render._kept[1] is not first


def test_only_for_pages_that_convert_as_mkdocs_page_does(config):
    class OwnPage(Page):
        def render(self, config, files):
            self.content = "插件自己转换"

    files = files_for(config, ["a.md"])
    assert page_render.applies_to(Page(None, files.get_file_from_path("a.md"), config))
    assert not page_render.applies_to(OwnPage(None, files.get_file_from_path("a.md"), config))
    replaced = Page(None, files.get_file_from_path("a.md"), config)
    replaced.render = lambda config, files: None  # a plugin's own, on the page itself
    assert not page_render.applies_to(replaced)


def test_footnote_ids_with_unique_ids_do_not_count_the_pages_before(tmp_path):
    """With the footnotes' UNIQUE_IDS, reset() moves a counter on: ids would depend on the
    pages converted before in the process (and so on KB_PROCESSES)."""
    unique = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    unique["mdx_configs"]["footnotes"]["UNIQUE_IDS"] = True
    files = files_for(unique, ["a.md", "b.md", "c.md"])
    page = "正文。[^1]\n\n[^1]: 脚注。\n"
    results = both_ways(unique, files, {"a.md": page, "b.md": page, "c.md": page})
    for mkdocs, ours in results:
        assert ours == mkdocs
    assert 'id="fnref:2-1"' in results[2][1][0]  # the id a new instance gives (control: it is there)


def test_the_instance_is_let_go_at_the_end_of_a_build(config):
    files = files_for(config, ["a.md"])
    page = Page(None, files.get_file_from_path("a.md"), config)
    page.markdown = USES
    page_render.render(page, config, files)
    assert page_render._kept is not None
    page_render.forget()
    assert page_render._kept is None


# What careless editors leave at the end of a page: a fence, a details block, an admonition,
# a Markdown block and a list never closed, a table without its rows, a half definition list.
CARELESS = [
    "# 一\n\n```python\nprint('没有关上的代码块')\n",
    "# 二\n\n??? note \"没有内容的折叠块\"\n",
    "# 三\n\n!!! warning\n    提示\n\n    - [ ] 待办\n    - [x] 已办\n",
    "# 四\n\n<details markdown>\n<summary>摘要</summary>\n\n- 列表\n",
    "# 五\n\n| 甲 | 乙 |\n|---|\n",
    "# 六\n\n术语\n:   定义\n\n术语二\n:",
    "# 七\n\n<div markdown=\"1\">\n\n~~~\n代码\n",
    "# 八\n\n正常的页面：[链接](a.md)，`代码`，**粗体**。\n\n- 一\n- 二\n",
]


def test_careless_pages_in_a_row_convert_as_mkdocs_converts_them(config):
    paths = [f"p{n}.md" for n in range(len(CARELESS))]
    files = files_for(config, ["a.md", *paths])
    sources = dict(zip(paths, CARELESS, strict=True))
    for order in (paths, list(reversed(paths))):
        results = both_ways(config, files, {path: sources[path] for path in order})
        assert [path for path, (mkdocs, ours) in zip(order, results, strict=True) if mkdocs != ours] == []
    last = both_ways(config, files, {"p7.md": CARELESS[-1]})[0][1][0]
    assert "<ul>" in last and 'href="../a/"' in last  # control: the normal page converts as itself
