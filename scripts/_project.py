"""Shared helpers for the scripts in this folder: where the project is, its mkdocs
settings, logging for command-line output, and the one validation entry point.

Everything here goes through the kb package (KnowledgeBase.load, the loader's
parser); the scripts never parse pages themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
import logging
import os
from pathlib import Path
import shutil
import sys

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from kb import model  # noqa: E402
from kb.errors import ContentError, ContentErrors  # noqa: E402
from kb.loader import Content, load_content, load_tags  # noqa: E402
from kb.site import BuildInfo, KnowledgeBase, build_info  # noqa: E402

# What a copy of the project needs to build (docs come separately).
ENGINE_PARTS = ("mkdocs.yml", "kb", "macros", "data", "vendor")

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


# -- mkdocs.yml ----------------------------------------------------------------


class _ConfigLoader(yaml.SafeLoader):
    """SafeLoader that reads mkdocs.yml without executing anything: tags such as
    `!!python/object/apply:` or `!ENV` become None instead of running code."""


def _ignore_tag(loader, suffix, node):
    return None


_ConfigLoader.add_multi_constructor("", _ignore_tag)


def read_yaml_file(path: Path, rel: str, loader=yaml.SafeLoader) -> dict:
    """A YAML mapping from a settings file; a ContentError naming the line otherwise."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=loader)  # SafeLoader or a safe subclass
    except FileNotFoundError:
        raise ContentError(rel, None, "文件不存在") from None
    except UnicodeDecodeError:
        raise ContentError(rel, None, "文件不是 UTF-8 编码", "请在编辑器中选择“另存为 → 编码 UTF-8”") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ContentError(rel, mark.line + 1 if mark else None, f"不是有效的 YAML（{error.problem or error.context}）",
                           "请检查缩进（只能用空格）和冒号（半角冒号后加空格）；值里有冒号时用英文双引号括起来") from None
    except yaml.YAMLError as error:
        raise ContentError(rel, None, f"不是有效的 YAML（{error}）") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(rel, 1, "应为“键: 值”的列表", "每行写成 键: 值")
    return data


def read_mkdocs_config(project_dir: Path = PROJECT_DIR) -> dict:
    return read_yaml_file(project_dir / "mkdocs.yml", "mkdocs.yml", _ConfigLoader)


def settings_errors(project: Project) -> list[ContentError]:
    """Problems in the settings editors touch: data/tags.yml and mkdocs.yml's extra.org."""
    errors = []
    if project.tags_file.exists():
        try:
            read_yaml_file(project.tags_file, "data/tags.yml")
        except ContentError as error:
            errors.append(error)
    extra = project.config.get("extra")
    org = extra.get("org") if isinstance(extra, dict) else None
    if org is not None and not isinstance(org, dict):
        errors.append(ContentError("mkdocs.yml", None, "extra.org 应为“名称: 值”的列表"))
    for name, value in (org or {}).items() if isinstance(org, dict) else ():
        line = _line_of_key(project.root / "mkdocs.yml", name)
        if name not in model.REDACTION_DEFAULTS:
            errors.append(ContentError("mkdocs.yml", line, f"extra.org 中有未知的名称“{name}”",
                                       f"可用的名称：{'、'.join(model.REDACTION_DEFAULTS)}"))
        elif value is None or not str(value).strip() or isinstance(value, (dict, list)):
            errors.append(ContentError("mkdocs.yml", line, f"extra.org.{name} 没有填写或不是一行文字",
                                       "请填写名称（用英文双引号括起来），或删除这一行以使用默认的“××”"))
    return errors


def _line_of_key(path: Path, key: str) -> int | None:
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip().startswith(f"{key}:"):
                    return number
    except OSError:
        pass
    return None


@dataclass
class Project:
    root: Path
    config: dict = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path = PROJECT_DIR) -> Project:
        return cls(root=root, config=read_mkdocs_config(root))

    @property
    def docs_dir(self) -> Path:
        return (self.root / str(self.config.get("docs_dir") or "docs")).resolve()

    @property
    def site_dir(self) -> Path:
        return (self.root / str(self.config.get("site_dir") or "site")).resolve()

    @property
    def tags_file(self) -> Path:
        return self.root / "data" / "tags.yml"

    @property
    def org(self) -> dict:
        extra = self.config.get("extra") or {}
        org = extra.get("org") if isinstance(extra, dict) else None
        return org if isinstance(org, dict) else {}

    @property
    def site_name(self) -> str:
        return str(self.config.get("site_name") or "")

    def tags(self) -> dict[str, str]:
        return load_tags(self.tags_file)

    def load_content(self) -> Content:
        """All pages through the kb loader (no index, no audience)."""
        merged = {**model.REDACTION_DEFAULTS, **{k: str(v) for k, v in self.org.items()}}
        return load_content(self.docs_dir, tags=self.tags(), variables=merged)

    def display_path(self, docs_path: str) -> str:
        """A docs-relative page path as the editor should type or click it (docs/…)."""
        if not docs_path.endswith(".md") and not (self.docs_dir / docs_path).exists():
            return docs_path  # not a file, e.g. "环境变量 KB_AUDIENCE"
        full = self.docs_dir / docs_path
        try:
            return full.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return full.as_posix()


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


def validate(project: Project, info: BuildInfo | None = None) -> Validation:
    """Load the knowledge base exactly as the build does, once per audience, then render
    every page the audience sees through the sandbox (catching macro calls with wrong
    ids). Errors found for both audiences are reported once."""
    info = info or build_info(project.root)
    found: dict[tuple, Finding] = {}
    content: Content | None = None

    def add(error: ContentError, audience: str) -> None:
        key = (error.path, error.line or 0, error.message, error.hint)
        found.setdefault(key, Finding(error, set())).audiences.add(audience)

    for audience in model.AUDIENCES:
        try:
            kb = KnowledgeBase.load(
                project.docs_dir, audience=audience, tags_file=project.tags_file,
                org=project.org, site_name=project.site_name, info=info,
            )
        except ContentErrors as errors:
            for error in errors.errors:
                add(error, audience)
            continue
        content = kb.content
        excluded = kb.index.excluded_paths()
        to_html = markdown_converter(project)
        for path, page in kb.content.pages.items():
            if path in excluded:
                continue
            try:
                markdown = kb.render_page(path, page.source.body)
            except ContentError as error:
                add(error, audience)
                continue
            # The build's next steps: Markdown to HTML with the site's extensions, then the
            # glossary marks and the sanitizer; whatever it would refuse, check.py reports.
            _, unsafe = kb.finish_html(path, to_html(markdown), lambda target, here=path: _relative_url(target, here))
            for error in unsafe:
                add(error, audience)
    if content is None:
        content = project.load_content()
    findings = sorted(found.values(), key=lambda f: (f.error.path, f.error.line or 0, f.error.message))
    return Validation(findings, content)


def markdown_converter(project: Project):
    """Markdown to HTML the way the build converts pages: mkdocs' own reading of
    mkdocs.yml, with its markdown_extensions and their settings."""
    import markdown as python_markdown
    from mkdocs.config import load_config

    with _quiet("mkdocs"):
        config = load_config(str(project.root / "mkdocs.yml"))
    converter = python_markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)

    def convert(text: str) -> str:
        return converter.reset().convert(text)
    return convert


class _quiet:
    """Silence a logger's INFO lines (mkdocs announces the config it loads)."""

    def __init__(self, name: str):
        self.logger = logging.getLogger(name)

    def __enter__(self):
        self.level = self.logger.level
        self.logger.setLevel(logging.WARNING)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)


def _relative_url(target: str, page: str) -> str:
    """A URL from the page to a docs file, as mkdocs' directory URLs make it."""
    return os.path.relpath(target.removesuffix(".md") + "/", page.removesuffix(".md") + "/")


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
    if not env.get("SOURCE_DATE_EPOCH"):
        # The same date the build itself would take: the last commit's, never the clock.
        env["SOURCE_DATE_EPOCH"] = str(int(build_info(project_dir).timestamp.timestamp()))
    env.update(extra)
    return env


def is_problem_line(line: str) -> bool:
    """A mkdocs log line at WARNING or ERROR level."""
    stripped = line.lstrip()
    return stripped.startswith(("WARNING", "ERROR", "CRITICAL"))
