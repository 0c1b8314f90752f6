"""The one loader: reads every page under docs/ once and validates it against the model.

Both the mkdocs glue and every script call `load_content`; nothing else parses
front matter.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
import difflib
import os
from pathlib import Path
import re
import unicodedata

from . import copylint, forks, model
from .errors import ContentError
from .frontmatter import SourcePage, decode_source, read_page
from .markdown_text import fenced_lines, headings
from .markdown_text import sections as markdown_sections
from .memo import BytesMemo

TEMPLATE_MARKERS = ("{{", "{%", "{#")
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._/\-]+$")
_ORG_VARIABLE = re.compile(r"\{\{\s*org\.(\w+)\s*\}\}")
RENDER_MACROS_HINT = "知识库不允许关闭模板沙箱，请删除这一行"


@dataclass
class Page:
    """Any Markdown file under docs/, typed or not."""

    path: str
    source: SourcePage
    item: model.Item | None = None
    # The front matter the theme reads (title, description, hide, search), validated;
    # the glue hands the theme these values, never the raw front matter.
    theme_meta: dict = field(default_factory=dict)

    @property
    def audience(self) -> str:
        if self.item:
            return self.item.audience
        return self.source.meta.get("audience", model.DEFAULT_AUDIENCE)

    @property
    def title(self) -> str:
        if self.item:
            return self.item.title
        return str(self.source.meta.get("title") or "")


@dataclass
class Content:
    docs_dir: Path
    pages: dict[str, Page] = field(default_factory=dict)
    items: dict[str, model.Item] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    # Ids of pages that have errors of their own: references to them are not reported again.
    broken_ids: set[str] = field(default_factory=set)
    # Docs-relative paths of the Markdown files that could not be read at all (not in `pages`).
    unreadable: set[str] = field(default_factory=set)
    # The copy lint's warnings (errors go to `errors`), and its safe fixes by page.
    warnings: list[ContentError] = field(default_factory=list)
    edits: dict[str, list[copylint.Edit]] = field(default_factory=dict)
    # Docs-relative paths of the files that are not pages (images, attachments, assets).
    static_files: list[str] = field(default_factory=list)
    record: str = ""


@dataclass
class _ReadPage:
    """One page's file read on its own: its front matter and body (or why they could not
    be read) and the copy lint's findings. Made in a fork when the pages are shared out."""

    source: SourcePage | None
    error: ContentError | None
    findings: list[copylint.Finding]
    # The file could not be opened (it went away, or may not be read): raised where one
    # process would have raised it, as itself, so that the scripts' messages for it hold.
    unopened: OSError | None = None


def _read(docs_dir: Path, rel: str, record: str) -> _ReadPage:
    try:
        data = (docs_dir / rel).read_bytes()
    except OSError as error:
        return _ReadPage(None, None, [], unopened=error)
    try:
        source, error = read_page(data, rel), None
    except ContentError as unreadable:
        source, error = None, unreadable
    return _ReadPage(source, error, _findings(rel, data, source, record))


def load_content(docs_dir: Path | str, *, tags: dict[str, str] | None = None,
                 variables: dict[str, str] | None = None, reviewed_assets: frozenset[str] = frozenset(),
                 record: str = "", forked: bool = False) -> Content:
    """Read and validate every page. `variables` are the redacted names (`org`) that
    one-line fields other than id and title may use as `{{ org.name }}`; `reviewed_assets`
    the stylesheets and scripts mkdocs.yml lists, the only ones docs/ may hold; `record`
    the source report's text, which the copy lint never overrules (kb/copylint.py).
    forked=True reads the files on every core (kb/forks.py; never under `mkdocs serve`,
    whose threads make forking unsafe); the content is the same."""
    docs_dir = Path(docs_dir)
    content = Content(docs_dir=docs_dir, tags=tags or {}, variables=variables or {}, record=record)
    files = _docs_files(docs_dir, content, reviewed_assets)
    markdown_files = [rel for rel in files if rel.endswith(".md")]
    count = forks.processes(len(markdown_files)) if forked else 1
    read = dict(zip(markdown_files, forks.map_forked(lambda rel: _read(docs_dir, rel, record), markdown_files, count),
                    strict=True))
    for rel in files:
        if not rel.endswith(".md"):
            content.static_files.append(rel)
            continue
        if read[rel].unopened is not None:
            raise read[rel].unopened
        source, error, findings = read[rel].source, read[rel].error, read[rel].findings
        if source is None:
            # Only this page's own error: its id (from the file name) is known, so that the
            # pages that link to it are not blamed for a link that is right.
            content.unreadable.add(rel)
            if model.ID_PATTERN.match(Path(rel).stem):
                content.broken_ids.add(Path(rel).stem)
            _lint(content, rel, findings, error)
            continue
        page = Page(path=rel, source=source)
        content.pages[rel] = page
        _build_item(page, content)
        _lint(content, rel, findings, None)
        unreadable = source.unreadable_by_mkdocs
        if unreadable and not any(e.path == rel and e.line == unreadable.line for e in content.errors):
            content.errors.append(unreadable)
    _check_duplicate_ids(content)
    _check_relations(content)
    _check_repeats(content)
    return content


def _lint(content: Content, rel: str, findings: list[copylint.Finding], parse_error: ContentError | None) -> None:
    """The copy lint's findings of one page, recorded. A lint error on the line where reading
    stopped (`title: ***市…`, which YAML reads as an alias) says more than the YAML message
    and replaces it."""
    if parse_error is not None and not any(
            not f.error.warning and f.error.line == parse_error.line for f in findings):
        content.errors.append(parse_error)
    for finding in findings:
        (content.warnings if finding.error.warning else content.errors).append(finding.error)
        if finding.edit is not None:
            content.edits.setdefault(rel, []).append(finding.edit)


def _findings(rel: str, data: bytes, source: SourcePage | None, record: str) -> list[copylint.Finding]:
    """The copy lint of one page. A page that could not be read is linted as text."""
    if source is not None:
        spec = model.type_spec(source.meta.get("type")) if isinstance(source.meta.get("type"), str) else None
        typed = "type" in source.meta or "id" in source.meta
    else:
        folder = rel.split("/")[0]
        spec = next((s for s in model.TYPES.values() if s.folder == folder), None)
        # An item's file is named by its id, which starts with its type: problems/problem-05.md.
        typed = spec is not None and rel.count("/") == 1 and Path(rel).stem.startswith(f"{spec.name}-")
    return _linted(rel, data, typed, _text_keys(spec), record)


# Lint results of pages read before in this process, by name, bytes and what decides the
# findings: under `mkdocs serve` a rebuild lints only the pages that changed. Bounded like
# the front matter cache (kb/frontmatter.py).
# A page's findings by its bytes (kb/memo.py): a serve rebuild lints only the pages that changed.
_LINTED: BytesMemo[list[copylint.Finding]] = BytesMemo()


def _linted(rel: str, data: bytes, typed: bool, text_keys: frozenset[str], record: str) -> list[copylint.Finding]:
    def lint() -> list[copylint.Finding]:
        try:
            text = decode_source(data, rel)
        except ContentError:
            return []  # not text at all: the reading error says so
        return copylint.lint_page(rel, text, typed=typed, text_keys=text_keys, record=record)

    return _LINTED.get((rel, data, typed, text_keys, record), len(data), lint)


def _text_keys(spec: model.TypeSpec | None) -> frozenset[str]:
    """Front-matter keys whose value is one line of prose, linted like the body."""
    fields = model.COMMON_FIELDS + (spec.fields if spec else ())
    return frozenset({f.name for f in fields if f.kind == "line"} | {"title", "description"})


def _docs_files(docs_dir: Path, content: Content, reviewed_assets: frozenset[str]) -> list[str]:
    """Every file under docs/ that mkdocs would publish, docs-relative and sorted.

    Whatever a pull request puts in docs/ is published, so the walk refuses what
    must not be: symbolic links (they can point at host files such as
    /proc/self/environ), Markdown under another extension (it would bypass the
    loader), and files of a type not on model.STATIC_FILE_TYPES."""
    found = []
    for folder, dirs, files in os.walk(docs_dir, followlinks=False):
        base = Path(folder)
        for name in sorted(dirs):
            rel = (base / name).relative_to(docs_dir).as_posix()
            if (base / name).is_symlink():
                content.errors.append(ContentError(rel, None, "docs 中不允许符号链接（symlink）", "请删除这个链接，把需要的文件本身放进来"))
            elif name.endswith(".md"):
                content.errors.append(ContentError(rel, None, "目录名不能以 .md 结尾", "请把目录改名，去掉 .md"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (base / d).is_symlink() and not d.endswith(".md"))
        for name in sorted(files):
            rel = (base / name).relative_to(docs_dir).as_posix()
            if any(part.startswith(".") for part in Path(rel).parts):
                continue  # mkdocs leaves out dot files (exclude_docs)
            error = _file_error(base / name, rel, reviewed_assets)
            if error:
                content.errors.append(error)
            else:
                found.append(rel)
    return sorted(found)


def _file_error(path: Path, rel: str, reviewed_assets: frozenset[str]) -> ContentError | None:
    if path.is_symlink():
        return ContentError(rel, None, "docs 中不允许符号链接（symlink）", "请删除这个链接，把需要的文件本身放进来")
    if not _SAFE_PATH.match(rel):
        return ContentError(rel, None, "文件名或目录名含有空格、中文或特殊符号", "请只用小写英文字母、数字和减号命名，例如 problem-05.md")
    suffix = path.suffix.lower()
    if suffix == ".md" and path.suffix != ".md":
        # mkdocs renders NAME.MD as a page, but the loader reads only .md: it would bypass every check.
        return ContentError(rel, None, f"扩展名必须是小写的 .md，不能是 {path.suffix}", "请把文件改名为小写 .md")
    if suffix in model.OTHER_MARKDOWN_SUFFIXES:
        return ContentError(rel, None, f"Markdown 页面的扩展名必须是 .md，不能是 {suffix}", "请把文件改名为 .md")
    if suffix == ".md":
        return None
    if suffix in model.ASSET_FILE_TYPES:
        if rel in reviewed_assets:
            return None
        return ContentError(rel, None, f"{suffix} 文件没有在 mkdocs.yml 的 extra_css 或 extra_javascript 中登记",
                            "样式表和脚本会在每个页面上生效（与主题文件同名时还会替换主题自己的文件），只能由维护者审核后"
                            "登记在 mkdocs.yml 中；内容附件请用 PDF 或图片")
    if suffix not in model.STATIC_FILE_TYPES:
        allowed = "、".join(sorted(model.STATIC_FILE_TYPES))
        return ContentError(rel, None, f"不允许发布 {suffix or '无扩展名'} 类型的文件",
                            f"附件只能是 {allowed}；网页、SVG 和脚本可能含有会执行的代码，请转换为 PDF 或图片")
    return None


def _err(content: Content, page: Page, line: int | None, message: str, hint: str = "") -> None:
    content.errors.append(ContentError(page.path, line, message, hint))


def _build_item(page: Page, content: Content) -> None:
    meta, lines = page.source.meta, page.source.key_lines
    if "type" not in meta and "id" not in meta:
        _check_untyped(page, content)
        return
    if "type" not in meta:
        _err(content, page, lines.get("id"), "有 id 但缺少 type", f"请加一行 type: ，可选值：{'、'.join(model.TYPES)}")
        return
    type_name = meta["type"]
    spec = model.type_spec(type_name) if isinstance(type_name, str) else None
    if spec is None:
        close = difflib.get_close_matches(str(type_name), model.TYPES, n=1)
        hint = f"是不是想写 {close[0]}？" if close else ""
        _err(content, page, lines.get("type"), f"未知的页面类型 type: {type_name}", f"{hint}可选值：{'、'.join(model.TYPES)}")
        return
    errors_before = len(content.errors)
    _check_theme_keys(page, content)
    allowed = model.allowed_keys(spec)
    for key in meta:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f"是不是想写 {close[0]}？" if close else f"{spec.label}页面可用的键：{'、'.join(sorted(allowed))}"
            if key == "render_macros":
                hint = RENDER_MACROS_HINT
            _err(content, page, lines.get(key), f"未知的键“{key}”", hint)
    fields = {}
    for name, fspec in model.field_specs(spec).items():
        if name not in meta or meta[name] is None or meta[name] == "":
            if fspec.required:
                _err(content, page, 1, f"缺少必填项 {name}（{fspec.label}）", f"请在 front matter 中加一行 {name}: ……")
            continue
        value = _check_field(fspec, meta[name], page, content)
        if value is not None:
            fields[name] = value
    title = fields.get("title")
    if spec.title_max_chars and title and len(title) > spec.title_max_chars:
        _err(content, page, lines.get("title"), f"{spec.label}的标题不能超过 {spec.title_max_chars} 个字",
             "术语会在每个页面中查找并标注，请写术语本身，解释写在 definition 中")
    item_id = fields.get("id")
    if item_id is not None:
        if not model.ID_PATTERN.match(item_id):
            _err(content, page, lines.get("id"), f"id“{item_id}”格式不对", "id 只能用小写英文字母、数字和减号，例如 problem-05")
        expected = f"{spec.folder}/{item_id}.md"
        if page.path != expected and model.ID_PATTERN.match(item_id):
            if (content.docs_dir / expected).exists():
                _err(content, page, lines.get("id"), f"编号“{item_id}”已被 {expected} 使用",
                     "编号必须唯一且不能重复使用，请换一个新编号，并把文件名改成“新编号.md”")
            else:
                _err(content, page, lines.get("id"), f"{spec.label}页面应保存为 docs/{expected}", "文件名必须与 id 一致，并放在该类型的目录下")
    sections = markdown_sections(page.source.body)
    for name in spec.sections:
        if not sections.get(name, "").strip():
            _missing_section(spec, name, name in sections, page, content)
        sections[name] = _reusable_section(sections.get(name, ""), name, page, content)
    relations = _read_relations(spec, page, content)
    if len(content.errors) > errors_before or item_id is None:
        if isinstance(meta.get("id"), str):
            content.broken_ids.add(meta["id"])
        if model.ID_PATTERN.match(Path(page.path).stem):
            content.broken_ids.add(Path(page.path).stem)
        return
    page.item = model.Item(
        id=item_id,
        type=spec.name,
        title=fields["title"],
        path=page.path,
        audience=fields.get("audience", model.DEFAULT_AUDIENCE),
        source=fields.get("source", ""),
        fields=fields,
        relations=relations,
        sections=sections,
        body=page.source.body,
        body_line=page.source.body_line,
        key_lines=dict(lines),
    )


_HEADING_LIKE = re.compile(r"^\s*(?P<quote>(?:>\s*)*)(?P<item>(?:[-*+]|\d+[.)、])\s+)?(?P<hashes>#{1,6})(?P<space>\s*)(?P<text>.*)$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(?P<text>[^*_]+)(?:\*\*|__)\s*(?:[:：]\s*)?$")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])")
_EDGE_PUNCTUATION = "：:。.，,、；;！!？?*_“”\"'"


def _normalized_heading(text: str) -> str:
    """A heading's text as it was meant: look-alike and full-width characters folded,
    spaces and invisible characters gone, numbering and punctuation at its ends dropped."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if not char.isspace() and char not in "\u200b\u200c\u200d\u2060\ufeff")
    return _NUMBERING.sub("", text.strip(_EDGE_PUNCTUATION)).strip(_EDGE_PUNCTUATION)


def _mistyped_heading(body: str, name: str) -> tuple[int, str, str] | None:
    """(line offset in the body, the line, what is wrong) of a line that was meant as
    the `## name` heading but is not one."""
    close: tuple[int, str, str] | None = None
    for offset, line, in_code in fenced_lines(body):
        if in_code:
            continue
        heading, bold = _HEADING_LIKE.match(line), _BOLD_LINE.match(line)
        text = heading.group("text").rstrip().rstrip("#") if heading else bold.group("text") if bold else None
        if text is None:
            continue
        normalized = _normalized_heading(text)
        if bold:
            reason = "这是加粗的文字，不是小标题"
        elif heading.group("quote"):
            reason = "小标题写在了引用（>）里"
        elif heading.group("item"):
            reason = "小标题写在了列表项里"
        elif not heading.group("space"):
            reason = "“#”和文字之间缺少空格，不会被当作小标题"
        elif len(heading.group("hashes")) != 2:
            reason = f"这是{'一二三四五六'[len(heading.group('hashes')) - 1]}级标题，必需的小节要用二级标题（两个 #）"
        else:
            reason = "小标题的文字要和规定的完全一致（不加编号、标点和空格）"
        if normalized == name:
            return offset, line.strip(), reason
        if close is None and difflib.SequenceMatcher(None, normalized, name).ratio() >= 0.75:
            close = (offset, line.strip(), "小标题的文字和规定的不一致")
    return close


def _missing_section(spec: model.TypeSpec, name: str, present: bool, page: Page, content: Content) -> None:
    """A required section that is not there: at its heading when that is empty, at the
    line meant as its heading when it is mistyped, else where the body starts."""
    body, first = page.source.body, page.source.body_line
    if present:
        offset = next(o for o, level, text in headings(body) if level == 2 and text == name)
        _err(content, page, first + offset, f"“## {name}”一节是空的", f"请在第 {first + offset} 行的小标题下面按报告原文写明内容")
        return
    mistyped = _mistyped_heading(body, name)
    if mistyped:
        offset, line, reason = mistyped
        _err(content, page, first + offset, f"小标题“{line}”写得不对：{reason}，{spec.label}页面因此缺少“## {name}”一节",
             f"把第 {first + offset} 行改成 `## {name}`")
        return
    _err(content, page, first, f"{spec.label}页面缺少“## {name}”一节或该节为空", f"请在正文中加入“## {name}”小标题并写明内容")


def fill_redactions(text: str, variables: dict[str, str]) -> tuple[str, list[str]]:
    """Replace `{{ org.name }}` with the configured redacted names; return unknown names."""
    values = {**model.REDACTION_DEFAULTS, **variables}
    unknown = [name for name in _ORG_VARIABLE.findall(text) if name not in values]
    return _ORG_VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text), unknown


def _reusable_section(text: str, name: str, page: Page, content: Content) -> str:
    """A required section is copied into checklists, ledgers and exports, where page
    macros cannot run: it may use redacted names and nothing else of the template language."""
    filled, unknown = fill_redactions(text, content.variables)
    if unknown or any(marker in filled for marker in TEMPLATE_MARKERS):
        offset = next((o for o, _, heading in headings(page.source.body) if heading == name), 0)
        _err(content, page, page.source.body_line + offset,
             f"“## {name}”一节会汇总到问题清单、台账和导出文件中，只能使用 {{{{ org.名称 }}}} 形式的隐去名称变量",
             "请把其他宏移到这一节之外")
    return filled


def _check_untyped(page: Page, content: Content) -> None:
    meta, lines = page.source.meta, page.source.key_lines
    for key in meta:
        if key not in model.UNTYPED_KEYS:
            hint = "普通页面可用的键：" + "、".join(model.UNTYPED_KEYS)
            if key == "render_macros":
                hint = RENDER_MACROS_HINT
            _err(content, page, lines.get(key), f"未知的键“{key}”", hint)
    if "audience" in meta and meta["audience"] not in model.AUDIENCES:
        _err(content, page, lines.get("audience"), f"audience 只能是 public 或 internal，不能是“{meta['audience']}”")
    title = meta.get("title")
    if title is not None:
        _check_line(model.FieldSpec("title", "line", label="标题"), title, page, content)
    if "tags" in meta:
        _check_tags(meta["tags"], page, content)
    _check_theme_keys(page, content)


def _check_theme_keys(page: Page, content: Content) -> None:
    """The front-matter keys the theme reads, with the values it understands."""
    meta, lines = page.source.meta, page.source.key_lines
    if isinstance(meta.get("title"), str):
        page.theme_meta["title"] = meta["title"].strip()
    if "description" in meta:
        description = _check_line(model.FieldSpec("description", "line", label="页面描述"), meta["description"], page, content)
        if description is not None:
            page.theme_meta["description"] = description
    if "hide" in meta:
        hide = meta["hide"]
        if not isinstance(hide, list) or not all(isinstance(v, str) and v in model.HIDE_VALUES for v in hide):
            _err(content, page, lines.get("hide"), "hide 应为列表，每项是 navigation、toc 或 footer",
                 "例如 hide: [navigation]")
        else:
            page.theme_meta["hide"] = list(hide)
    if "search" in meta:
        search = meta["search"]
        if not isinstance(search, dict) or set(search) - set(model.SEARCH_KEYS) or not all(isinstance(v, bool) for v in search.values()):
            _err(content, page, lines.get("search"), "search 只能写 exclude: true 或 exclude: false",
                 "例如让本页不进入搜索：search: 换行后缩进两格写 exclude: true")
        else:
            page.theme_meta["search"] = dict(search)


def _check_line(fspec: model.FieldSpec, value, page: Page, content: Content) -> str | None:
    line = page.source.key_lines.get(fspec.name)
    if not isinstance(value, str):
        example = f'{fspec.name}: "{value}"' if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
        hint = (f"写成数字、日期或 true/false 的值会被当作数字等，请用英文双引号括起来，例如 {example}" if example
                else "值里有冒号、方括号或以引号开头时，请用英文双引号把整个值括起来")
        _err(content, page, line, f"{fspec.name}（{fspec.label}）应为一行文字", hint)
        return None
    text = str(value).strip()
    if "\n" in text:
        _err(content, page, line, f"{fspec.name}（{fspec.label}）只能写一行")
        return None
    if fspec.name not in ("id", "title", "type"):
        text, unknown = fill_redactions(text, content.variables)
        if unknown:
            _err(content, page, line, f"未知的隐去名称变量 org.{unknown[0]}", f"可用的名称：{'、'.join(model.REDACTION_DEFAULTS)}")
            return None
    if fspec.max_chars and len(text) > fspec.max_chars:
        _err(content, page, line, f"{fspec.name}（{fspec.label}）不能超过 {fspec.max_chars} 个字", "请写简称")
        return None
    if fspec.blank_when_unknown and text == model.STATUS_UNKNOWN:
        _err(content, page, line, f"{fspec.name}（{fspec.label}）不用写“{model.STATUS_UNKNOWN}”",
             f"还不知道时删去这一行，网站会显示“{model.STATUS_UNKNOWN}”")
        return None
    if any(marker in text for marker in TEMPLATE_MARKERS):
        hint = "front matter 不经过模板渲染；需要显示这些符号时请改用全角符号"
        if fspec.name not in ("id", "title", "type"):
            hint = f"这里只能使用 {{{{ org.名称 }}}} 形式的隐去名称变量（名称见 mkdocs.yml 的 extra.org）；{hint}"
        _err(content, page, line, f"{fspec.name}（{fspec.label}）中不能出现 {{{{、{{% 或 {{#", hint)
        return None
    return text


_LIST_SEPARATOR = re.compile(r"[，、；;,]")
_FULLWIDTH_BRACKETS = ("【", "】", "［", "］", "〔", "〕", "「", "」")


def _list_written_as_text(key: str, value, page: Page, content: Content, fits) -> bool:
    """A list written in a way YAML reads as one text: without its square brackets, with
    full-width brackets, or with full-width commas between the values. Reported with the
    line to write (when every piece `fits`: a registered tag, an id); True if reported."""
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    for index, text in enumerate(texts):
        if not isinstance(text, str) or fits(text):
            continue
        unbracketed = text.strip().strip("".join(_FULLWIDTH_BRACKETS) + "[]").strip()
        parts = [part.strip() for part in _LIST_SEPARATOR.split(unbracketed) if part.strip()]
        brackets = any(mark in text for mark in _FULLWIDTH_BRACKETS)
        if not parts or not all(fits(part) for part in parts) or (len(parts) < 2 and not brackets):
            continue
        written = f"{key}: [{', '.join(parts)}]"
        if isinstance(value, list):
            if all(isinstance(v, str) for v in value):
                written = f"{key}: [{', '.join(value[:index] + parts + value[index + 1:])}]"
            else:  # entries with an editorial note: only this one changes
                written = f"把“{text}”分成 {', '.join(parts)} 几项"
        fullwidth = [mark for mark in "，、；" if mark in text]
        problems = []
        if isinstance(value, str):
            problems.append("没有写在英文方括号 [ ] 里" + ("（用了全角方括号）" if brackets else ""))
        if fullwidth:
            problems.append(f"值之间用了全角的“{fullwidth[0]}”")
        if not problems:
            problems.append("值之间的分隔符不对")
        line = page.source.item_lines.get((key, index), page.source.key_lines.get(key))
        _err(content, page, line, f"{key} 写得不对：{'，'.join(problems)}，YAML 会把整行当作一个值“{text}”",
             f"多个值写在英文方括号里，用半角逗号加空格分隔：{written}")
        return True
    return False


def _check_tags(value, page: Page, content: Content) -> list[str] | None:
    line = page.source.key_lines.get("tags")
    if content.tags and _list_written_as_text("tags", value, page, content, lambda text: text in content.tags):
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        _err(content, page, line, "tags（标签）应为列表", "例如 tags: [警示教育, 作风建设]")
        return None
    for index, tag in enumerate(value):
        if content.tags and tag not in content.tags:
            close = difflib.get_close_matches(tag, list(content.tags), n=1)
            hint = f"是不是想写“{close[0]}”？" if close else ""
            _err(content, page, page.source.item_lines.get(("tags", index), line),
                 f"未登记的标签“{tag}”", f"{hint}可用标签见 data/tags.yml；确需新标签请先在那里登记")
    return value


def _check_field(fspec: model.FieldSpec, value, page: Page, content: Content):
    line = page.source.key_lines.get(fspec.name)
    if fspec.kind in ("str", "line"):
        return _check_line(fspec, value, page, content)
    if fspec.kind == "choice":
        if value not in fspec.choices:
            _err(content, page, line, f"{fspec.name}（{fspec.label}）不能是“{value}”", _choice_hint(value, fspec.choices))
            return None
        return value
    if fspec.kind == "date":
        return _check_date(f"{fspec.name}（{fspec.label}）", value, page, content, line)
    if fspec.kind == "list[record]":
        return _check_records(fspec, value, page, content)
    if fspec.kind == "list[tag]":
        return _check_tags(value, page, content)
    if fspec.kind in ("list[line]", "list[id]"):
        if fspec.kind == "list[id]" and _list_written_as_text(
                fspec.name, value, page, content, lambda text: model.ID_PATTERN.match(text) is not None):
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            _err(content, page, line, f"{fspec.name}（{fspec.label}）应为列表，每项一行", f"例如 {fspec.name}: [第一项, 第二项]，或每项单独一行、以“  - ”开头")
            return None
        values = [str(v).strip() for v in value]
        if fspec.max_items and len(values) > fspec.max_items:
            _err(content, page, line, f"{fspec.name}（{fspec.label}）最多写 {fspec.max_items} 项", "只写报告或公开资料中确实用到的")
            return None
        for index, text in enumerate(values):
            item_line = page.source.item_lines.get((fspec.name, index), line)
            if any(marker in text for marker in TEMPLATE_MARKERS):
                _err(content, page, item_line, f"{fspec.name} 中不能出现 {{{{、{{% 或 {{#")
            if fspec.max_chars and len(text) > fspec.max_chars:
                _err(content, page, item_line, f"{fspec.name}（{fspec.label}）的每一项不能超过 {fspec.max_chars} 个字", "写术语的简短说法")
        return values
    raise AssertionError(fspec.kind)


def _choice_hint(value, choices) -> str:
    former = model.FORMER_STATUSES.get(value) if isinstance(value, str) else None
    if former in choices:
        return f"“{value}”已改称“{former}”，请写 {former}；可选值：{'、'.join(choices)}"
    return f"可选值：{'、'.join(choices)}"


def _check_date(what: str, value, page: Page, content: Content, line: int | None) -> str | None:
    text = str(value)
    try:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            raise ValueError
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        _err(content, page, line, f"{what}“{text}”不是有效日期", "请按 2026-11-28 的格式写年-月-日")
        return None


# A link in front matter goes to a web address; only these schemes are published as links.
# No spaces, quotes, angle brackets, backticks or backslashes: each would end the link in the
# Markdown it is written into, and no address needs them unescaped.
_URL = re.compile(r"^https?://[^\s/?#<>\"'`\\]+[^\s<>\"'`\\]*$")


def _check_records(fspec: model.FieldSpec, value, page: Page, content: Content) -> list[dict] | None:
    """A list of entries with the keys the model declares (milestones, evidence), each
    checked like a field of its own; an entry's errors point at its own line."""
    line = page.source.key_lines.get(fspec.name)
    keys = {r.name: r for r in fspec.record}
    required = [r.name for r in fspec.record if r.required]
    example = f"{fspec.name}: 换行后每项以“  - ”开头，写 " + "、".join(f"{r.name}（{r.label}）" for r in fspec.record)
    if not isinstance(value, list):
        _err(content, page, line, f"{fspec.name}（{fspec.label}）应为列表", example)
        return None
    records, ok = [], True
    for index, entry in enumerate(value):
        entry_line = page.source.item_lines.get((fspec.name, index), line)
        where = f"{fspec.name}（{fspec.label}）第 {index + 1} 项"
        if not isinstance(entry, dict):
            _err(content, page, entry_line, f"{where}应写成“键: 值”的形式", example)
            ok = False
            continue
        unknown = [str(k) for k in entry if k not in keys]
        missing = [k for k in required if entry.get(k) in (None, "")]
        if unknown or missing:
            problem = f"不认识的键：{'、'.join(unknown)}" if unknown else f"缺少 {'、'.join(missing)}"
            _err(content, page, entry_line, f"{where}{problem}", f"可用的键：{'、'.join(f'{r.name}（{r.label}）' for r in fspec.record)}")
            ok = False
            continue
        record = {}
        for name, raw in entry.items():
            spec = keys[name]
            what = f"{where}的 {name}（{spec.label}）"
            if spec.kind == "date":
                checked = _check_date(what, raw, page, content, entry_line)
            elif spec.kind == "bool":
                checked = raw if isinstance(raw, bool) else None
                if checked is None:
                    _err(content, page, entry_line, f"{what}只能写 true 或 false")
            elif spec.kind == "choice":
                checked = raw if raw in spec.choices else None
                if checked is None:
                    _err(content, page, entry_line, f"{what}不能是“{raw}”", f"可选值：{'、'.join(spec.choices)}")
            else:
                text = raw.strip() if isinstance(raw, str) else None
                if text is None or "\n" in text:
                    _err(content, page, entry_line, f"{what}应为一行文字", "值里有冒号、方括号或以引号开头时，请用英文双引号把整个值括起来")
                    text = None
                elif any(marker in text for marker in TEMPLATE_MARKERS):
                    _err(content, page, entry_line, f"{what}中不能出现 {{{{、{{% 或 {{#")
                    text = None
                elif spec.kind == "url" and not _URL.match(text):
                    _err(content, page, entry_line, f"{what}“{text}”不是网址",
                         "只能写 http:// 或 https:// 开头的网址；没有网址的材料只写 title（名称）即可")
                    text = None
                checked = text
            if checked is None:
                ok = False
            else:
                record[name] = checked
        records.append(record)
    return records if ok else None


def _read_relations(spec: model.TypeSpec, page: Page, content: Content) -> list[model.Relation]:
    relations: list[model.Relation] = []
    meta = page.source.meta
    for key in spec.relations:
        if key not in meta or meta[key] is None:
            if key in spec.required_relations:
                _err(content, page, 1, f"{spec.label}页面必须写 {key}（{model.OUTGOING_LABELS[key]}）", f"例如 {key}: [{model.RELATION_TARGETS[key]}-01]")
            continue
        value = meta[key]
        line = page.source.key_lines.get(key)
        if _list_written_as_text(key, value, page, content, lambda text: model.ID_PATTERN.match(text) is not None):
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            _err(content, page, line, f"{key} 应为编号列表", f"例如 {key}: [{model.RELATION_TARGETS[key]}-01]")
            continue
        if not value and key in spec.required_relations:
            _err(content, page, line, f"{key} 不能为空")
        seen = set()
        for index, entry in enumerate(value):
            entry_line = page.source.item_lines.get((key, index), line)
            editorial = None
            if isinstance(entry, dict):
                unknown = set(entry) - {"id", "editorial"}
                if unknown or "id" not in entry:
                    _err(content, page, entry_line, f"{key} 的条目只能写编号，或写成 id: 编号 加 editorial: 理由", f"不认识的键：{'、'.join(map(str, unknown))}" if unknown else "缺少 id")
                    continue
                editorial = entry.get("editorial")
                if not isinstance(editorial, str) or not editorial.strip() or "\n" in editorial.strip():
                    _err(content, page, entry_line, "editorial 应写一行理由，说明这条对应关系为何由编辑归纳")
                    continue
                editorial = editorial.strip()
                entry = entry["id"]
            if not isinstance(entry, str):
                _err(content, page, entry_line, f"{key} 中的“{entry}”不是编号", "编号是小写字母、数字和减号，例如 problem-01")
                continue
            if entry in seen:
                _err(content, page, entry_line, f"{key} 中“{entry}”重复出现")
                continue
            seen.add(entry)
            relations.append(model.Relation(key=key, target=entry, line=entry_line, editorial=editorial))
    return relations


def _check_duplicate_ids(content: Content) -> None:
    for page in content.pages.values():
        item = page.item
        if item is None:
            continue
        first = content.items.get(item.id)
        if first is not None:
            content.errors.append(ContentError(
                page.path, item.line_of("id"), f"编号“{item.id}”已被 {first.path} 使用",
                "编号必须唯一且不能重复使用，请换一个新编号（文件名随之修改）",
            ))
            page.item = None
            continue
        content.items[item.id] = item


def _check_relations(content: Content) -> None:
    for item in list(content.items.values()):
        for relation in item.relations:
            target = content.items.get(relation.target)
            expected = model.RELATION_TARGETS[relation.key]
            if target is None and relation.target in content.broken_ids:
                continue
            if target is None:
                close = difflib.get_close_matches(relation.target, [i.id for i in content.items.values() if i.type == expected], n=1)
                hint = f"是不是想写 {close[0]}？" if close else "请检查编号是否写错，或对应页面是否已被删除或改名"
                content.errors.append(ContentError(item.path, relation.line, f"{relation.key} 引用的“{relation.target}”不存在", hint))
            elif target.type != expected:
                content.errors.append(ContentError(
                    item.path, relation.line,
                    f"“{relation.target}”是{target.spec.label}，不能写在 {relation.key}（{model.OUTGOING_LABELS[relation.key]}）下",
                    f"请把它移到 {_key_for_type(target.type)} 下，或改成正确的编号",
                ))
            elif target.id == item.id:
                content.errors.append(ContentError(item.path, relation.line, "页面不能引用自己"))
        for field_spec in item.spec.fields:
            if field_spec.kind != "list[id]":
                continue
            for index, ref in enumerate(item.get(field_spec.name) or []):
                if ref not in content.items and ref not in content.broken_ids:
                    line = content.pages[item.path].source.item_lines.get((field_spec.name, index), item.line_of(field_spec.name))
                    content.errors.append(ContentError(item.path, line, f"{field_spec.name} 中的“{ref}”不存在", "请检查编号是否写错"))


def _check_repeats(content: Content) -> None:
    """`repeats` points back in time: at a problem of an earlier report (reports are in the
    order of their IDs, as everywhere on the site), so a problem cannot repeat one of its own
    round or a later one, and no two problems can repeat each other."""
    def report_of(item: model.Item) -> str | None:
        return next((r.target for r in item.relations if r.key == "report" and r.target in content.items), None)

    for item in content.items.values():
        for relation in item.relations:
            target = content.items.get(relation.target)
            if relation.key != "repeats" or target is None or target.type != "problem" or target.id == item.id:
                continue
            own, earlier = report_of(item), report_of(target)
            if own is None or earlier is None:
                missing = item.id if own is None else target.id
                content.errors.append(ContentError(item.path, relation.line, f"repeats 要比较两个问题所属的督导报告，但 {missing} 没有写 report（所属报告）",
                                                   "请给两个问题都写上 report: [报告编号]"))
            elif earlier >= own:
                content.errors.append(ContentError(
                    item.path, relation.line, f"repeats 只能写更早一轮督导中的问题：{target.id} 属于 {earlier}，不在本问题的 {own} 之前",
                    "报告的先后按编号判断（report-01 早于 report-02）；问题反弹写在后一轮的问题页面上，指向前一轮的问题"))


def _key_for_type(type_name: str) -> str:
    for key, target in model.RELATION_TARGETS.items():
        if target == type_name:
            return key
    return "（无对应的关系键）"
