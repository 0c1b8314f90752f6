"""CPU time of a mkdocs build by phase: each plugin event, the Markdown conversion and the
theme's templates, for the project's build and bare Material's alike (`scripts/bench.py
--phases`). cProfile multiplies the cost of many small Python calls (Jinja's, the
engine's) several times over and so misleads about what dominates; this times the
phases themselves, in CPU time, which other programs on the machine do not inflate.

    python -m kbtools.phases mkdocs.yml SITE_DIR    (in the project; prints one JSON object)
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
import json
import logging
import sys
import time


def _timed(counter: Counter, key: Callable[..., str], function: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            counter[key(*args, **kwargs)] += time.process_time() - started
    return wrapper


def build_phases(config_file: str, site_dir: str) -> dict[str, float]:
    """Build the site once and return CPU seconds per phase. `pages: Markdown` is the
    conversion of every page (making Python-Markdown instances and converting: mkdocs makes
    one per page, the project one per process, macros/page_render.py), `pages: theme
    templates` the rendering of every page's template less the plugin events inside it;
    `other` is the rest (files, writing)."""
    import os

    from mkdocs.commands import build
    from mkdocs.config import load_config

    # One process: the pages' events and conversion in forks (macros/forked_pages.py) would
    # be counted as the nav event's, and only this process's share of them.
    os.environ["KB_PROCESSES"] = "1"
    import markdown
    from mkdocs.plugins import PluginCollection

    spent: Counter = Counter()
    PluginCollection.run_event = _timed(spent, lambda self, name, *a, **k: f"event: {name}", PluginCollection.run_event)
    for method in ("__init__", "convert"):  # neither calls the other; no plugin event converts Markdown
        setattr(markdown.Markdown, method, _timed(spent, lambda *a, **k: "pages: Markdown", getattr(markdown.Markdown, method)))
    build._build_page = _timed(spent, lambda *a, **k: "_build_page", build._build_page)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    config = load_config(config_file, site_dir=site_dir)
    started = time.process_time()
    build.build(config)
    total = time.process_time() - started
    # Events inside _build_page (page_context, post_page…) are counted as events, not templates.
    inside = sum(spent[f"event: {name}"] for name in ("page_context", "template_context", "post_page",
                                                      "pre_template", "post_template"))
    phases = {key: value for key, value in spent.items() if key != "_build_page" and value >= 0.005}
    phases["pages: theme templates"] = spent["_build_page"] - inside
    # The page_markdown event holds no conversion; page.render is called between events.
    phases["other"] = total - sum(phases.values())
    phases["total"] = total
    return {key: round(value, 2) for key, value in sorted(phases.items(), key=lambda kv: -kv[1])}


if __name__ == "__main__":
    print(json.dumps(build_phases(sys.argv[1], sys.argv[2]), ensure_ascii=False))
