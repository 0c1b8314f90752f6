"""Check every local link and anchor in the Markdown source, naming file and line in Chinese.

mkdocs validates links too (and `--strict` fails on its warnings), but only in
English and not for raw HTML; this check runs first, before anything is built.
"""
from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote, urlsplit

from pymdownx.slugs import slugify

from .errors import ContentError
from .loader import Content
from .markdown_text import headings, link_targets, prose_lines
from .sanitize import normalize_url

SLUGIFY = slugify(case="lower")
# Anchors every item page gets from the renderers.
GENERATED_ANCHORS = {"kb-relations", "kb-source"}
_EXPLICIT_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}")
_HTML_ID = re.compile(r"\bid\s*=\s*[\"']([^\"']+)[\"']")


def page_anchors(body: str) -> set[str]:
    anchors = set(GENERATED_ANCHORS)
    counts: dict[str, int] = {}
    for _, _, text in headings(body):
        slug = SLUGIFY(re.sub(r"[*_`]", "", text), "-")
        if slug in counts:
            counts[slug] += 1
            slug = f"{slug}_{counts[slug]}"
        else:
            counts[slug] = 0
        anchors.add(slug)
    # Ids written in code blocks or inline code are text, not anchors.
    prose = "\n".join(line for _, line in prose_lines(body))
    anchors.update(_EXPLICIT_ID.findall(prose))
    anchors.update(_HTML_ID.findall(prose))
    return anchors


def resolve_target(from_path: str, target: str) -> str | None:
    """The docs-relative path a link in `from_path` points at; None for links that
    leave the site (a scheme or host) and for template code."""
    if "{{" in target or "{%" in target:
        return None
    # Read the target as a browser does: character references decoded, control
    # characters and spaces at the ends and tabs or newlines inside dropped. A target
    # with a scheme then shows as one (`jav&#x61;script&#58;…`) and is left to the
    # sanitizer, which decides what may be linked.
    target = normalize_url(html.unescape(target))
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    target_path = unquote(parts.path)
    if not target_path:
        return from_path
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), target_path))
    if target_path.endswith("/"):
        resolved = posixpath.join(resolved, "index.md")
    return resolved


def linked_files(content: Content, paths) -> set[str]:
    """Every docs path that the pages `paths` link to."""
    found = set()
    for path in paths:
        for _, target in link_targets(content.pages[path].source.body):
            resolved = resolve_target(path, target)
            if resolved is not None:
                found.add(resolved)
    return found


def check_links(content: Content, *, excluded: set[str], generated: frozenset[str] = frozenset()) -> list[ContentError]:
    errors = []
    anchors_cache: dict[str, set[str]] = {}
    for path, page in content.pages.items():
        if path in excluded:
            continue
        for offset, target in link_targets(page.source.body):
            line = page.source.body_line + offset
            resolved = resolve_target(path, target)
            if resolved is None:
                continue
            fragment = urlsplit(target).fragment
            if resolved.startswith(".."):
                errors.append(ContentError(path, line, f"链接“{target}”指向了 docs 目录之外", "请只链接知识库内的页面"))
                continue
            if resolved in excluded:
                what = "内部页面" if resolved.endswith(".md") else "只属于内部页面的附件"
                errors.append(ContentError(path, line, f"链接“{target}”指向{what}，公开版中不存在",
                                           "公开页面不能链接 audience: internal 的页面或它的附件；请删除链接，或把本页也设为 internal"))
                continue
            if resolved.endswith(".md"):
                if resolved in content.unreadable:
                    continue  # the page is there but has an error of its own, reported on it
                if resolved not in content.pages:
                    errors.append(ContentError(path, line, f"链接“{target}”指向的页面不存在",
                                               "请检查路径和文件名；页面改名后要同步修改链接（链接写相对路径，以 .md 结尾）"))
                    continue
            elif resolved not in generated and resolved not in content.static_files:
                errors.append(ContentError(path, line, f"链接“{target}”指向的文件不存在", "请检查路径和文件名"))
                continue
            if fragment and resolved.endswith(".md"):
                target_body = content.pages[resolved].source.body
                if "{{" in target_body or "{%" in target_body:
                    continue  # headings produced by macros are checked by mkdocs on the rendered page
                if resolved not in anchors_cache:
                    anchors_cache[resolved] = page_anchors(target_body)
                if unquote(fragment) not in anchors_cache[resolved]:
                    errors.append(ContentError(path, line, f"链接“{target}”中的锚点“#{fragment}”在目标页面中不存在",
                                               "锚点是小标题的文字（中文保留），例如 #原因分析；小标题改过后请同步修改"))
    return errors
