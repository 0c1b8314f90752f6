"""The project as the scripts see it: where it is, mkdocs.yml read by mkdocs itself,
the validated settings, logging for command-line output, and the one validation
entry point.

Everything goes through the kb package (settings, KnowledgeBase.load, the loader);
the tools never parse pages or settings files themselves.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
import functools
import logging
import os
from pathlib import Path
import posixpath
import shutil
import sys

from kb import forks, model
from kb.budget import within_budget
from kb.copylint import record_text
from kb.errors import ContentError, ContentErrors, display_path
from kb.loader import Content, load_content
from kb.settings import BuildInfo, Settings, build_info, load_settings, pin_build_date
from kb.site import KnowledgeBase

PROJECT_DIR = Path(__file__).resolve().parent.parent
# What a copy of the project needs to build (docs come separately).
ENGINE_PARTS = ("mkdocs.yml", "kb", "macros", "data", "vendor", "overrides")

AUDIENCE_LABELS = {"public": "公开版", "internal": "内部版"}

log = logging.getLogger("kb.scripts")


def setup_logging(verbose: bool = False) -> logging.Logger:
    """Plain messages on stderr: editors read them, so no level names or timestamps."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return log


# -- the project ------------------------------------------------------------------


class _quiet:
    """Silence a logger below WARNING for a moment (mkdocs announces what it loads)."""

    def __init__(self, name: str):
        self.logger = logging.getLogger(name)

    def __enter__(self):
        self.level = self.logger.level
        self.logger.setLevel(logging.WARNING)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)


def read_mkdocs_config(root: Path):
    """mkdocs.yml as mkdocs reads it (its own load_config, plugins and all); a ContentError
    naming the file otherwise."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs import exceptions
    from mkdocs.config import load_config
    import yaml

    try:
        with _quiet("mkdocs"):
            return load_config(str(root / "mkdocs.yml"))
    except (exceptions.ConfigurationError, OSError) as error:
        cause = error.__context__
        if isinstance(cause, yaml.MarkedYAMLError):
            mark = cause.problem_mark or cause.context_mark
            raise ContentError("mkdocs.yml", mark.line + 1 if mark else None, f"不是有效的 YAML（{cause.problem or cause.context}）",
                               "请检查缩进（只能用空格）和冒号（半角冒号后加空格）；值里有冒号时用英文双引号括起来") from None
        raise ContentError("mkdocs.yml", None, f"无法读取：{error}", "请对照 git 中的上一个版本检查最近的改动") from None


@dataclass
class Project:
    root: Path
    config: object  # mkdocs' MkDocsConfig

    @classmethod
    def load(cls, root: Path = PROJECT_DIR) -> Project:
        return cls(root=root, config=read_mkdocs_config(root))

    @property
    def docs_dir(self) -> Path:
        return Path(self.config.docs_dir).resolve()

    @property
    def site_dir(self) -> Path:
        return Path(self.config.site_dir).resolve()

    @property
    def site_name(self) -> str:
        return str(self.config.site_name or "")

    def settings(self, audience: str | None = None, info: BuildInfo | None = None) -> Settings:
        """The validated settings (kb.settings); raises ContentErrors."""
        return load_settings(self.root, docs_dir=self.docs_dir, site_name=self.site_name, extra=self.config.extra,
                             audience=audience or model.DEFAULT_AUDIENCE, info=info,
                             reviewed_assets=[*self.config.extra_css, *self.config.extra_javascript])

    def load_content(self) -> Content:
        """All pages through the kb loader (no index, no audience)."""
        settings = self.settings()
        return load_content(self.docs_dir, tags=settings.tags, variables=settings.org, reviewed_assets=settings.reviewed_assets,
                            record=record_text(self.root), forked=True)

    def display_path(self, docs_path: str) -> str:
        """A docs-relative page path as the editor should type or click it (docs/…)."""
        return display_path(self.docs_dir, docs_path)


def settings_errors(project: Project) -> list[ContentError]:
    """Problems in the settings editors touch: mkdocs.yml's extra.org and data/tags.yml."""
    try:
        project.settings()
    except ContentErrors as errors:
        return list(errors.errors)
    return []


def load_project() -> Project:
    """The project of this scripts folder; a Chinese message and exit 1 if mkdocs.yml is unreadable."""
    try:
        return Project.load()
    except ContentError as error:
        log.error(str(error))
        log.error("mkdocs.yml 无法读取，请先改正它。")
        raise SystemExit(1) from None


# -- validation ----------------------------------------------------------------


@dataclass
class Finding:
    error: ContentError
    audiences: set[str]

    def render(self, project: Project) -> str:
        error = replace(self.error, path=project.display_path(self.error.path))
        if self.audiences != set(model.AUDIENCES):
            only = "、".join(AUDIENCE_LABELS[a] for a in model.AUDIENCES if a in self.audiences)
            error = replace(error, message=f"[{only}] {error.message}")
        return str(error)


@dataclass
class Validation:
    findings: list[Finding]
    content: Content | None  # the loaded pages, also when the knowledge base has errors

    @property
    def ok(self) -> bool:
        return not self.findings


def validate(project: Project, info: BuildInfo | None = None, *,
             rendered: Callable[[str], bool] | None = None) -> Validation:
    """Read the pages once, index them as the build does for each audience, then render
    every page the audience sees through the sandbox, Markdown, the budget and the
    sanitizer. Errors found for both audiences are reported once.

    `rendered(path)` picks the pages to render (by default all): the others are still
    read, indexed and checked for links, and rendering a page reports only errors in
    that page, so a picked page's errors are the full check's."""
    info = info or build_info(project.root)
    found: dict[tuple, Finding] = {}
    try:
        content = project.load_content()  # once: the pages are the same for both audiences
    except ContentErrors as errors:  # the settings themselves are broken
        return Validation([Finding(error, set(model.AUDIENCES)) for error in errors.errors], None)

    def add(error: ContentError, audience: str) -> None:
        key = (error.path, error.line or 0, error.message, error.hint)
        found.setdefault(key, Finding(error, set())).audiences.add(audience)

    loaded: dict[str, KnowledgeBase] = {}
    for audience in model.AUDIENCES:
        try:
            loaded[audience] = KnowledgeBase.load(project.settings(audience, info), content)
        except ContentErrors as errors:
            for error in errors.errors:
                add(error, audience)
            continue
        for error in nav_errors(project, loaded[audience].index.excluded_paths()):
            add(error, audience)
    shown_to = {audience: set(kb.content.pages) - kb.index.excluded_paths() for audience, kb in loaded.items()}
    to_html = markdown_converter(project)

    def page_errors(path: str) -> list[tuple[ContentError, str]]:
        """What the build of each audience would refuse in the page. Most pages come out of
        the sandbox the same for both audiences: such a page is converted and sanitized once."""
        errors: list[tuple[ContentError, str]] = []
        converted: dict[tuple, list[ContentError]] = {}
        for audience, kb in loaded.items():
            if path not in shown_to[audience]:
                continue
            page = kb.content.pages[path]
            try:
                markdown = kb.render_page(path, page.source.body)
            except ContentError as error:
                errors.append((error, audience))
                continue
            # The build's next steps: Markdown to HTML with the site's extensions (within the
            # same budget), then the glossary marks and the sanitizer; whatever the build
            # would refuse, check.py reports.
            key = (markdown, kb.glossary.signature)
            if key not in converted:
                converted[key] = _conversion_errors(kb, to_html, path, page.source.body_line, markdown)
            errors += [(error, audience) for error in converted[key]]
        return errors

    # Every page is independent of the others now: the pages are shared out over the
    # machine's cores (kb/forks.py), as the build shares out its own (macros/forked_pages.py).
    to_render = [path for path in sorted(content.pages) if rendered is None or rendered(path)]
    if forks.processes(len(to_render)) > 1:  # else a page needs only what it uses, made when it does
        for kb in loaded.values():
            kb.prepare_rendering()
    for errors in forks.map_forked(page_errors, to_render):
        for error, audience in errors:
            add(error, audience)
    findings = sorted(found.values(), key=lambda f: (f.error.path, f.error.line or 0, f.error.message))
    return Validation(findings, content)


def _conversion_errors(kb: KnowledgeBase, to_html, path: str, line: int, markdown: str) -> list[ContentError]:
    try:
        page_html = within_budget(functools.partial(to_html, markdown), path=path, line=line, size=len(markdown))
        _, unsafe = within_budget(
            functools.partial(kb.finish_html, path, page_html, functools.partial(_relative_url, page=path), _page_url(path)),
            path=path, line=line, size=len(page_html))
    except ContentError as error:
        return [error]
    return unsafe


def nav_errors(project: Project, excluded: set[str]) -> list[ContentError]:
    """What mkdocs' own nav check says of this audience's files (a page missing from the
    nav, a nav entry that is not there), in the same words the build shows."""
    from mkdocs.structure.files import get_files
    from mkdocs.structure.nav import get_navigation

    from kb import nav_messages

    files = get_files(project.config)
    for path in excluded:
        file = files.get_file_from_path(path)
        if file is not None:
            files.remove(file)
    nav_log = logging.getLogger("mkdocs.structure.nav")
    records: list[logging.LogRecord] = []
    collector = logging.Handler(logging.WARNING)
    collector.emit = records.append
    nav_log.addHandler(collector)
    propagate, nav_log.propagate = nav_log.propagate, False
    try:
        get_navigation(files, project.config)
    finally:
        nav_log.removeHandler(collector)
        nav_log.propagate = propagate
    config_text = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    errors: list[ContentError] = []
    for record in records:
        message = record.getMessage()
        errors += nav_messages.translate(message, config_text) or [
            ContentError("mkdocs.yml", None, f"导航（nav）有问题：{message}", "请对照 mkdocs.yml 的 nav 检查")]
    return errors


def markdown_converter(project: Project):
    """Markdown to HTML the way the build converts pages: the markdown_extensions of
    mkdocs.yml with their settings, as mkdocs read them."""
    import markdown as python_markdown

    def new_converter():
        return python_markdown.Markdown(extensions=project.config.markdown_extensions,
                                        extension_configs=project.config.mdx_configs)

    converter = new_converter()

    def convert(text: str) -> str:
        nonlocal converter
        try:
            return converter.reset().convert(text)
        except BaseException:
            # reset() leaves the block parser's state of an interrupted conversion (recursion,
            # the budget's alarm): the next page would convert as if inside a list. mkdocs
            # makes a converter per page; here only an interrupted one is replaced.
            converter = new_converter()
            raise
    return convert


def _page_url(path: str) -> str:
    """A page's URL in the site as mkdocs makes it with directory URLs ("guide/index.md" →
    "guide/", "a/b.md" → "a/b/", "index.md" → "")."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def _relative_url(target: str, page: str) -> str:
    """A URL from the page to a docs file, as mkdocs' directory URLs make it."""
    return posixpath.relpath(_page_url(target) or ".", _page_url(page) or ".") + "/"


# -- copies of the engine and mkdocs runs --------------------------------------


def copy_engine(target: Path, project_dir: Path = PROJECT_DIR) -> Path:
    """Copy what a build needs (config, engine, data, vendored assets) into `target`;
    the caller writes target/docs."""
    target.mkdir(parents=True, exist_ok=True)
    for part in ENGINE_PARTS:
        source = project_dir / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, target / part)
    return target


def mkdocs_environment(project_dir: Path = PROJECT_DIR, **extra: str) -> dict[str, str]:
    """Environment for a reproducible `mkdocs build`."""
    env = dict(os.environ)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    env.update(extra)
    pin_build_date(env, build_info(project_dir, env))
    return env


def is_problem_line(line: str) -> bool:
    """A mkdocs log line at WARNING or ERROR level."""
    stripped = line.lstrip()
    return stripped.startswith(("WARNING", "ERROR", "CRITICAL"))
