"""A page's Markdown converted by one Markdown instance per process, reset between pages.

mkdocs' `Page.render` makes a new `markdown.Markdown` for every page: each of the site's
extensions is imported, configured (its settings deep-copied) and registered again, for
a page of a few hundred characters. At 2,000 items that is 0.8 s of the conversion's 2 s
of CPU. Python-Markdown supports using one instance for many documents: `reset()`
between them clears what a conversion left (the stash of raw HTML, reference links, and
each registered extension's own state: footnotes, abbreviations, the table of contents).

`render` is mkdocs 1.6's `Page.render` (mkdocs is pinned) with the instance kept: mkdocs'
own processors of a page (raw HTML anchors, anchors, relative links, the title) are made
for each page, as there, and registered under their names, replacing the last page's. A
test converts the real pages and hostile sequences (an abbreviation, a footnote, a
reference link defined on one page and used on the next) both ways and compares them.
"""
from __future__ import annotations

import logging

import markdown
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.toc import get_toc

# (the build's config, its instance, counters to put back): the config is held, so that a
# later build's config can never be taken for it (as an id could).
_kept: tuple[object, markdown.Markdown, list] | None = None


def _instance(config) -> markdown.Markdown:
    global _kept
    if _kept is None or _kept[0] is not config:
        md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {})
        _kept = (config, md, _fresh_counters(md))
    return _kept[1]


def _fresh_counters(md: markdown.Markdown) -> list[tuple[object, int]]:
    """Counters that reset() moves on instead of clearing, as a new instance has them: the
    footnotes extension's `unique_prefix` (its ids with UNIQUE_IDS, fn:2-1) would otherwise
    count the pages converted before."""
    return [(extension, extension.unique_prefix) for extension in md.registeredExtensions
            if isinstance(getattr(extension, "unique_prefix", None), int)]


def applies_to(page) -> bool:
    """Whether the page converts as mkdocs' Page does (no plugin replaced its render, on its
    class or on the page itself)."""
    return getattr(page.render, "__func__", None) is mkdocs_pages.Page.render


def forget() -> None:
    """Let go of the instance (at the end of a build): mkdocs' processors of the last page
    it converted hold that build's files and pages."""
    global _kept
    _kept = None


def render(page, config, files) -> None:
    """What `page.render(config, files)` does, with the process's Markdown instance."""
    global _kept
    if page.markdown is None:
        raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
    md = _instance(config)
    try:
        md.reset()
        for extension, fresh in _kept[2]:
            extension.unique_prefix = fresh
        raw_html_ext = mkdocs_pages._RawHTMLPreprocessor()
        raw_html_ext._register(md)
        extract_anchors_ext = mkdocs_pages._ExtractAnchorsTreeprocessor(page.file, files, config)
        extract_anchors_ext._register(md)
        relative_path_ext = mkdocs_pages._RelativePathTreeprocessor(page.file, files, config)
        relative_path_ext._register(md)
        extract_title_ext = mkdocs_pages._ExtractTitleTreeprocessor()
        extract_title_ext._register(md)
        content = md.convert(page.markdown)
    except BaseException:
        _kept = None  # stopped half-way (a failure, the time budget's alarm): the next page starts afresh
        raise
    page.content = content
    page.toc = get_toc(getattr(md, "toc_tokens", []))
    page._title_from_render = extract_title_ext.title
    page.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
    if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = relative_path_ext.links_to_anchors
