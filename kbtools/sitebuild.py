"""Build the site in this process for the offline bundle and the handout.

Both scripts need the same thing: the real mkdocs.yml (so the hooks, the macros
module and `theme.custom_dir` resolve exactly as in `mkdocs build`), with a few
keys replaced for offline use, built strictly into a folder of our choice:

* the Material `offline` plugin (`use_directory_urls: false`, the search index
  inlined as `search/search_index.js`);
* `theme.font: false`, so nothing is fetched from Google Fonts;
* `extra.polyfills` pointing at the vendored iframe-worker shim (the offline
  plugin then adds no unpkg.com URL; see kbtools/offline.py);
* no `repo_url`, so Material makes no request to the GitHub API.

`mkdocs.config.load_config(config_file=<repo>/mkdocs.yml, **overrides)` keeps the
config file's folder as the base for every relative path; a generated config
with `INHERIT` would have to sit in the project folder for that.

Strictness is mkdocs' own `--strict`: every WARNING of the `mkdocs` loggers
(our hooks log under `mkdocs.plugins.kb`) aborts the build. Errors come back as
`BuildFailed` with a Chinese message and no traceback; the messages themselves
(including the engine's `路径:行号` content errors) have already been logged.
"""
from __future__ import annotations

import argparse
from dataclasses import replace
import logging
import os
from pathlib import Path
import time

from kb import model
from kb.errors import ContentErrors
from kb.settings import AUDIENCE_ENV, BuildInfo, build_info, pin_build_date
from kb.site import KnowledgeBase

from .offline import IFRAME_WORKER_SITE_PATH, find_external_references, vendor_iframe_worker
from .project import AUDIENCE_LABELS, Project

log = logging.getLogger("kb.scripts")

# Files of a normal build that make no sense without a web server. 404.html uses
# root-absolute URLs on purpose (a server serves it for any path); opened from a
# folder those would point outside it.
SERVER_ONLY_FILES = ("404.html", "sitemap.xml", "sitemap.xml.gz")


class BuildFailed(Exception):
    """The build or a check of its output failed; the message is for the reader."""


class _MkdocsFormatter(logging.Formatter):
    """mkdocs' warnings and errors with a Chinese level word, everything else as is."""

    LEVELS = {logging.WARNING: "警告", logging.ERROR: "错误", logging.CRITICAL: "错误"}

    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        word = self.LEVELS.get(record.levelno)
        if word and record.name.startswith("mkdocs"):
            return f"{word}：{message}"
        return message


def parse_arguments(description: str, suffix: str, output_help: str, session_help: str,
                    argv: list[str] | None) -> argparse.Namespace:
    """The options bundle.py and handout.py share; `--output` must end in `suffix`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--output", required=True, type=Path, help=output_help)
    parser.add_argument("--session", metavar="ID", help=session_help)
    parser.add_argument("--audience", choices=model.AUDIENCES, default=model.DEFAULT_AUDIENCE,
                        help="public（公开版，默认）或 internal（内部版）")
    parser.add_argument("--verbose", action="store_true", help="显示 mkdocs 的全部日志")
    args = parser.parse_args(argv)
    args.output = args.output.expanduser().resolve()
    if args.output.suffix.lower() != suffix:
        parser.error(f"--output 应是 {suffix} 文件，不能是 {args.output.name}")
    quiet_build_logs(args.verbose)
    return args


def quiet_build_logs(verbose: bool = False) -> None:
    """Show mkdocs' warnings and errors (they make the build fail), not its info lines."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_MkdocsFormatter("%(message)s"))
    logging.getLogger("mkdocs").setLevel(logging.DEBUG if verbose else logging.WARNING)
    # kbtools.offline's helpers log English detail lines (file copied, zip sha256): only with --verbose.
    logging.getLogger("kbtools.offline").setLevel(logging.DEBUG if verbose else logging.WARNING)


def prepare_environment(project: Project, audience: str) -> BuildInfo:
    """Pin SOURCE_DATE_EPOCH (from the last commit unless set) and the audience for the hooks,
    which an in-process mkdocs build reads from the environment as `mkdocs build` does."""
    info = build_info(project.root)
    pin_build_date(os.environ, info)
    os.environ[AUDIENCE_ENV] = audience
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return info


def load_knowledge_base(project: Project, audience: str, info: BuildInfo) -> KnowledgeBase:
    """The content exactly as the build will see it; BuildFailed with `路径:行号` lines logged."""
    try:
        return KnowledgeBase.load(project.settings(audience, info), forked=True)
    except ContentErrors as errors:
        for error in errors.errors:
            log.error(str(replace(error, path=project.display_path(error.path))))
        raise BuildFailed(errors.summary()) from None


def prepare_build(project: Project, audience: str, session_id: str | None) -> tuple[BuildInfo, KnowledgeBase, model.Item | None]:
    """What bundle.py and handout.py do first: pin the build date, check the content, find the session."""
    info = prepare_environment(project, audience)
    log.info(f"检查内容（{AUDIENCE_LABELS[audience]}）…")
    kb = load_knowledge_base(project, audience, info)
    return info, kb, find_session(kb, session_id) if session_id else None


def find_session(kb: KnowledgeBase, session_id: str) -> model.Item:
    item = kb.index.get(session_id)
    if item is not None and item.spec.gathers_items:
        return item
    sessions = kb.index.of_type("session")
    if sessions:
        listing = "；".join(f"{s.id}（{s.title}）" for s in sessions)
        hint = f"可用的培训专题：{listing}"
    else:
        hint = "知识库中还没有培训专题，请先在 docs/sessions/ 中新建（python scripts/new.py session 标题）"
    what = f"“{session_id}”不是培训专题" if item is not None else f"找不到培训专题“{session_id}”"
    raise BuildFailed(f"{what}。{hint}")


def offline_overrides(project: Project) -> dict:
    """Top-level mkdocs.yml keys replaced for the offline build (each replaces the whole key)."""
    from mkdocs.utils.yaml import yaml_load

    with open(project.root / "mkdocs.yml", encoding="utf-8") as handle:
        raw = yaml_load(handle)
    theme = dict(raw.get("theme") or {})
    theme["font"] = False
    plugins = list(raw.get("plugins") or [])
    names = [next(iter(p)) if isinstance(p, dict) else p for p in plugins]
    if "offline" not in names and "material/offline" not in names:
        plugins.append("offline")
    extra = dict(raw.get("extra") or {})
    polyfills = [p for p in extra.get("polyfills") or [] if "iframe-worker" not in str(p)]
    extra["polyfills"] = polyfills + [IFRAME_WORKER_SITE_PATH]
    overrides = {"theme": theme, "plugins": plugins, "extra": extra}
    if raw.get("repo_url"):
        overrides["repo_url"] = ""  # Material would fetch repository facts from api.github.com
    return overrides


def build_site(project: Project, site_dir: Path, audience: str, *, overrides: dict | None = None,
               kb: KnowledgeBase | None = None) -> None:
    """The one way the tools build the site: `mkdocs build --strict` in this process, with
    the real mkdocs.yml (plus `overrides`), into `site_dir`. `kb`, when the caller has
    already loaded and checked the content for this audience, is handed to the hooks so
    the content is loaded once. BuildFailed if mkdocs fails or warns."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    prepare_environment(project, audience)
    try:
        config = load_config(config_file=str(project.root / "mkdocs.yml"), site_dir=str(site_dir),
                             strict=True, **(overrides or {}))
        if kb is not None:
            from macros import state  # the hooks take it instead of loading the content again

            state.offer(kb)
        build(config)
    except exceptions.MkDocsException as error:  # Abort, BuildError, ConfigurationError
        # The reasons were logged above; mkdocs' own summary is English ("Aborted with …").
        raise BuildFailed(f"网站构建失败（{error}）。请按上面的提示修改后重试，"
                          "也可先运行 python scripts/check.py") from None


def build_offline_site(project: Project, site_dir: Path, info: BuildInfo, kb: KnowledgeBase | None = None) -> float:
    """Strict in-process build of the offline variant into `site_dir`; returns seconds taken.

    Afterwards the vendored shim is in place, server-only files are gone, and
    the output has been checked: nothing loads from outside the folder and
    every page carries the build line.
    """
    started = time.monotonic()
    build_site(project, site_dir, os.environ.get(AUDIENCE_ENV) or model.DEFAULT_AUDIENCE,
               overrides=offline_overrides(project), kb=kb)
    vendor_iframe_worker(site_dir)
    for name in SERVER_ONLY_FILES:
        (site_dir / name).unlink(missing_ok=True)
    for source_map in site_dir.rglob("*.map"):  # only read by browser developer tools
        source_map.unlink()
    check_offline_site(site_dir, info)
    return time.monotonic() - started


def check_offline_site(site_dir: Path, info: BuildInfo) -> None:
    """The bundle's promises, checked on the files: fail rather than ship a broken bundle."""
    external = find_external_references(site_dir)
    if external:
        listing = "；".join(f"{path}: {', '.join(urls)}" for path, urls in external.items())
        raise BuildFailed(f"离线网站仍会从外部加载资源：{listing}")
    line = info.notice  # the hooks append it to `copyright`: every page's footer
    pages = sorted(site_dir.rglob("*.html"))
    if not pages:
        raise BuildFailed("构建结果中没有任何页面")
    for page in pages:
        with open(page, encoding="utf-8") as handle:
            text = handle.read()
        rel = page.relative_to(site_dir).as_posix()
        if line not in text:
            raise BuildFailed(f"{rel} 中缺少构建信息“{line}”")
        if "unpkg.com/iframe-worker" in text:
            raise BuildFailed(f"{rel} 仍引用 unpkg.com 上的 iframe-worker")


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"
