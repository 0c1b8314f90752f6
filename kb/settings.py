"""Site settings, read and validated once per build: the redacted names (`extra.org` in
mkdocs.yml), the tag vocabulary (data/tags.yml), the audience and the build info.

The mkdocs glue and every script call `load_settings` with what mkdocs' own
`load_config` read, so there is one reading and one set of messages. Problems are
Chinese ContentErrors naming `mkdocs.yml:line` or `data/tags.yml:line`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
import datetime as dt
import difflib
import os
from pathlib import Path

import yaml

from . import model
from .errors import ContentError, ContentErrors
from .frontmatter import CONTROL_CHARACTERS
from .gitlog import last_commit

AUDIENCE_ENV = "KB_AUDIENCE"
TAGS_FILE = "data/tags.yml"
CONFIG_FILE = "mkdocs.yml"
# A file in every build saying which audience the folder holds, so that a deploy script
# (scripts/build.py) or a person can tell an internal site from a public one.
AUDIENCE_MARKER = "kb-audience.txt"
AUDIENCE_NAMES = {"public": "公开版", "internal": "内部版（仅限内部）"}


@dataclass(frozen=True)
class BuildInfo:
    date: str
    version: str
    timestamp: dt.datetime

    def as_dict(self) -> dict:
        return {"date": self.date, "version": self.version}

    @property
    def notice(self) -> str:
        """The line every page's footer, the offline bundle and the handout carry."""
        return f"构建于 {self.date} · 版本 {self.version} · 内容以在线版为准"


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    docs_dir: Path
    site_name: str
    org: dict[str, str]  # every redacted name, with its default where mkdocs.yml sets none
    tags: dict[str, str]  # tag -> one-line description
    audience: str
    info: BuildInfo
    # Stylesheets and scripts mkdocs.yml lists (extra_css, extra_javascript): the only
    # .css and .js files docs/ may hold. Any other would be published as is, and one
    # named like a theme file would replace Material's own script on every page.
    reviewed_assets: frozenset[str] = frozenset()


def load_settings(project_dir: Path | str, *, docs_dir: Path | str, site_name: str, extra: Mapping | None,
                  audience: str | None = None, environ: Mapping[str, str] = os.environ,
                  info: BuildInfo | None = None, reviewed_assets: Iterable[object] = ()) -> Settings:
    """Everything a build needs besides the pages. `extra` is mkdocs.yml's `extra` as
    mkdocs read it; `audience` None means the KB_AUDIENCE environment variable (public
    by default). Raises ContentErrors listing every problem."""
    project_dir = Path(project_dir)
    errors: list[ContentError] = []
    org = _org(extra, _config_lines(project_dir / CONFIG_FILE), errors)
    tags = _tags(project_dir / TAGS_FILE, errors)
    if audience is None:
        audience = environ.get(AUDIENCE_ENV, "").strip() or model.DEFAULT_AUDIENCE
        if audience not in model.AUDIENCES:
            errors.append(ContentError(f"环境变量 {AUDIENCE_ENV}", None, f"不认识的值“{audience}”", "只能是 public（默认）或 internal"))
    if errors:
        raise ContentErrors(errors)
    # mkdocs gives extra_javascript entries as objects with a `path`, extra_css as strings.
    assets = frozenset(str(getattr(asset, "path", asset)) for asset in reviewed_assets)
    return Settings(project_dir=project_dir, docs_dir=Path(docs_dir), site_name=str(site_name or ""), org=org,
                    tags=tags, audience=audience, info=info or build_info(project_dir, environ), reviewed_assets=assets)


def build_info(project_dir: Path, environ: Mapping[str, str] = os.environ) -> BuildInfo:
    """Build date and version from SOURCE_DATE_EPOCH or the last commit, never the clock,
    so two builds of one commit are byte-identical."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    version = environ.get("KB_VERSION", "")
    if not epoch or not version:
        commit = last_commit(project_dir)
        if commit:
            epoch = epoch or commit[0]
            version = version or commit[1]
    if not epoch:
        # Outside a git checkout with no SOURCE_DATE_EPOCH there is nothing better than the clock.
        epoch = str(int(dt.datetime.now(tz=dt.UTC).timestamp()))
    stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return BuildInfo(date=stamp.date().isoformat(), version=version or "未提交版本", timestamp=stamp)


def pin_build_date(environ: MutableMapping[str, str], info: BuildInfo) -> None:
    """Set SOURCE_DATE_EPOCH to the build date unless it is set: mkdocs dates the sitemap
    from it, so every build of one commit is byte-identical. (An empty value counts as
    unset, as in build_info; mkdocs would fail on int("").) The one place it is pinned,
    for the hooks, the in-process builds of the scripts and their child processes."""
    if not environ.get("SOURCE_DATE_EPOCH"):
        environ["SOURCE_DATE_EPOCH"] = str(int(info.timestamp.timestamp()))


def audience_marker(audience: str, info: BuildInfo) -> str:
    """The marker file's text: the audience on the first line, for scripts; then for people."""
    return f"{audience}\n本目录是清廉建设知识库的{AUDIENCE_NAMES[audience]}，{info.notice}。\n"


def read_audience_marker(site_dir: Path) -> str | None:
    """The audience a built folder holds, from its marker file; None if it has none."""
    marker = Path(site_dir) / AUDIENCE_MARKER
    if not marker.is_file():
        return None
    with open(marker, encoding="utf-8") as handle:
        first = handle.readline().strip()
    return first if first in model.AUDIENCES else None


# -- extra.org ------------------------------------------------------------------------


def _config_lines(path: Path) -> dict[tuple[str, ...], int]:
    """Line of every mapping key in mkdocs.yml, by its path of keys (('extra', 'org', 'city')).
    Only composed, never constructed: mkdocs.yml's python tags are not run here."""
    try:
        with open(path, encoding="utf-8") as handle:
            root = yaml.compose(handle, Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return {}  # mkdocs itself reports a broken mkdocs.yml before anything here runs
    lines: dict[tuple[str, ...], int] = {}

    def walk(node, keys: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    lines[(*keys, key_node.value)] = key_node.start_mark.line + 1
                    walk(value_node, (*keys, key_node.value))
    walk(root, ())
    return lines


def _org(extra: Mapping | None, lines: dict[tuple[str, ...], int], errors: list[ContentError]) -> dict[str, str]:
    org = (extra or {}).get("org") if isinstance(extra, Mapping) else None
    if org is None:
        return dict(model.REDACTION_DEFAULTS)
    if not isinstance(org, Mapping):
        errors.append(ContentError(CONFIG_FILE, lines.get(("extra", "org")), "extra.org 应为“名称: 值”的列表",
                                   "每行写成 名称: \"值\"，例如 city: \"××\""))
        return dict(model.REDACTION_DEFAULTS)
    values = dict(model.REDACTION_DEFAULTS)
    for name, value in org.items():
        line = lines.get(("extra", "org", str(name)))
        if name not in model.REDACTION_DEFAULTS:
            close = difflib.get_close_matches(str(name), model.REDACTION_DEFAULTS, n=1)
            hint = f"是不是想写 {close[0]}？" if close else ""
            errors.append(ContentError(CONFIG_FILE, line, f"extra.org 中有未知的名称“{name}”",
                                       f"{hint}可用的名称：{'、'.join(model.REDACTION_DEFAULTS)}"))
        elif not isinstance(value, str) or not value.strip() or "\n" in value or CONTROL_CHARACTERS.search(value):
            errors.append(ContentError(CONFIG_FILE, line, f"extra.org.{name} 没有填写或不是一行文字",
                                       f"请填写名称并用英文双引号括起来（例如 {name}: \"××\"），或删除这一行以使用默认的“{model.REDACTION_DEFAULTS[name]}”"))
        elif any(marker in value for marker in ("{{", "{%", "{#")):
            errors.append(ContentError(CONFIG_FILE, line, f"extra.org.{name} 中不能出现 {{{{、{{% 或 {{#", "这里只填名称本身"))
        else:
            values[name] = value.strip()
    return values


# -- data/tags.yml --------------------------------------------------------------------


def _tags(path: Path, errors: list[ContentError]) -> dict[str, str]:
    """The controlled tag vocabulary: `标签: 一行说明` per line."""
    if not path.exists():
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        errors.append(ContentError(TAGS_FILE, None, "文件不是 UTF-8 编码", "请在编辑器中选择“另存为 → 编码 UTF-8”"))
        return {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        errors.append(ContentError(TAGS_FILE, mark.line + 1 if mark else None, f"不是有效的 YAML（{error.problem or error.context}）",
                                   "每行写成 标签: 说明（半角冒号后加空格）；说明里有冒号时用英文双引号括起来"))
        return {}
    except yaml.YAMLError as error:  # e.g. a control character the YAML reader refuses
        errors.append(ContentError(TAGS_FILE, None, f"不是有效的 YAML（{error}）", "请删除看不见的字符，每行写成 标签: 说明"))
        return {}
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        errors.append(ContentError(TAGS_FILE, root.start_mark.line + 1, "应为“标签: 说明”的列表", "每行写成 标签: 说明"))
        return {}
    tags: dict[str, str] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or not isinstance(value_node, yaml.ScalarNode):
            errors.append(ContentError(TAGS_FILE, line, "每个标签只能有一行文字说明", "写成 标签: 说明"))
            continue
        tag, description = key_node.value.strip(), value_node.value.strip()
        if CONTROL_CHARACTERS.search(tag + description):
            errors.append(ContentError(TAGS_FILE, line, "含有看不见的控制字符", "请删除这一行中看不见的字符，或重新输入这一行"))
        elif not tag or "\n" in tag or any(marker in tag for marker in ("{{", "{%", "{#", "[", "]", ",")):
            errors.append(ContentError(TAGS_FILE, line, f"标签名“{tag}”不能为空，也不能含有方括号、逗号或 {{{{", "标签名用简短的中文词语"))
        elif tag in tags:
            errors.append(ContentError(TAGS_FILE, line, f"标签“{tag}”重复登记", "同一个标签只写一行"))
        else:
            tags[tag] = description
    return tags
