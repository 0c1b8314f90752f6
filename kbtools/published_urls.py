"""记录本站发布过的网址（urls/published.txt），供“页面移动后旧网址不失效”的检查使用。

    python scripts/record_urls.py      # 把公开版现有页面的网址加进记录（已有的行不动）

记录中的网址以后必须一直有页面，或在 urls/redirects.yml 中重定向到新页面；
`python scripts/check.py` 和构建都会检查（kb/redirects.py）。
"""
from __future__ import annotations

import argparse
import logging

from kb import model, redirects
from kb.loader import Content

from .project import Project, load_project, setup_logging

log = logging.getLogger("kb.scripts")


def public_pages(project: Project, content: Content | None = None) -> list[str]:
    """Docs paths of the pages the public site shows."""
    from kb.index import ContentIndex

    content = content or project.load_content()
    excluded = ContentIndex(content, model.DEFAULT_AUDIENCE).excluded_paths()
    return sorted(set(content.pages) - excluded)


def add_to_record(project: Project, pages: list[str]) -> list[str]:
    """Add the addresses of `pages` to urls/published.txt; the addresses added."""
    path = project.root / redirects.PUBLISHED_FILE
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    updated = redirects.record(existing, pages)
    added = sorted(set(updated.splitlines()) - set(existing.splitlines()) - {""})
    added = [line for line in added if not line.startswith("#")]
    if updated != existing:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(updated)
    return added


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    argparse.ArgumentParser(description="把公开版现有页面的网址加进 urls/published.txt（已有的行不动）。").parse_args(argv)
    project = load_project()
    added = add_to_record(project, public_pages(project))
    for address in added:
        log.info(f"已记录 {address}")
    log.info(f"{redirects.PUBLISHED_FILE}：新记录 {len(added)} 个网址。请把这个文件和页面一起提交。")
    return 0
