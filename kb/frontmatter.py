"""Reading one Markdown file: encoding checks, front matter split, line-aware YAML.

Every failure becomes a ContentError naming the file and line, with a fix an
editor who barely knows YAML can follow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import re

import yaml

from .errors import ContentError
from .memo import BytesMemo

MAX_PAGE_BYTES = 1_000_000
FENCE = "---"
# mkdocs reads front matter with this pattern (mkdocs.utils.meta.YAML_RE): it opens with
# `---` and closes at the first `---` or `...` line, spaces and tabs allowed after them.
_OPENING = re.compile(r"^-{3}[ \t]*$")
_CLOSING = re.compile(r"^(?:-{3}|\.{3})[ \t]*$")
# Limits on front matter, checked on the YAML event stream before anything is built
# from it, so that an alias bomb or deep nesting cannot hang or crash the loader.
MAX_DEPTH = 8
# The one explicit YAML tag an editor might write (`!!str 2024`, which keeps 2024 text);
# any other (`!!python/…`, `!!int abc`, `!x`) is refused: every value here is text or a list.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map")}
MAX_SCALAR_CHARS = 5_000

_FULLWIDTH_COLON_KEY = re.compile(r"^\s*(?:-\s*)?[A-Za-z_][\w-]*\s*：")
_MISSING_SPACE_KEY = re.compile(r"^\s*(?:-\s*)?([A-Za-z_][\w-]*):(?=[^\s/])")
_FULLWIDTH_SPACE = "\u3000"


@dataclass
class SourcePage:
    path: str
    meta: dict = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[tuple[str, int], int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    has_front_matter: bool = False
    # Set when mkdocs' own reading of the front matter would fail (it would then
    # publish the front matter as page text); the loader reports it unless a field
    # check has already named the same line.
    unreadable_by_mkdocs: ContentError | None = None


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text so the model validates them itself."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# PyYAML's own parser is pure Python: at 2,000 pages it took 1.6 s of every build and
# check. libyaml (the C parser PyYAML ships with) reads the same front matter about ten
# times faster. It reads every page first; whenever it finds a problem, the page is read
# again by the pure-Python parser, whose messages and line numbers the editor sees (and
# which mkdocs itself uses). tests/unit/test_frontmatter_parsers.py checks that both
# readings agree on every front matter in the repository and the test cases.
USE_LIBYAML = yaml.__with_libyaml__


if USE_LIBYAML:
    class _FastLoader(yaml.CSafeLoader):
        """_Loader on libyaml."""

    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def decode_source(data: bytes, path: str) -> str:
    if not data.strip():
        raise ContentError(path, None, "文件是空的", "请删除该文件，或用 python scripts/new.py 重新生成页面")
    if len(data) > MAX_PAGE_BYTES:
        size = len(data) / 1_000_000
        raise ContentError(
            path, None, f"文件过大（{size:.1f} MB），单个页面不能超过 1 MB",
            "请把内容拆分成几个页面，图片和附件不要直接写进 Markdown",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContentError(path, 1, "文件是 UTF-16 编码，知识库只接受 UTF-8", "请在编辑器中选择“另存为 → 编码 UTF-8”后重新提交")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ContentError(path, line, "文件中含有空字符（NUL），可能是二进制文件或编码错误", "请用纯文本编辑器以 UTF-8 重新保存")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
        _refuse_control_characters(text, path)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        guess = ""
        try:
            data.decode("gb18030")
            guess = "，看起来是 GBK/GB2312 编码（Windows 记事本的“ANSI”）"
        except UnicodeDecodeError:
            pass
        raise ContentError(path, line, f"文件不是 UTF-8 编码{guess}", "请在编辑器中选择“另存为 → 编码 UTF-8”后重新提交") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Characters no page needs and several readers refuse: PyYAML stops with a ReaderError,
# openpyxl cannot write them into the ledger, browsers drop them from URLs (a way to hide
# `javascript:`). Tab, line feed and carriage return are text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _refuse_control_characters(text: str, path: str, first_line: int = 1) -> None:
    match = CONTROL_CHARACTERS.search(text)
    if match:
        line = first_line + text.count("\n", 0, match.start())
        raise ContentError(path, line, f"含有看不见的控制字符（U+{ord(match.group(0)):04X}）",
                           "通常是从其他软件复制时带进来的；请删除这一行中看不见的字符，或重新输入这一行")


def split_front_matter(text: str, path: str) -> tuple[list[str] | None, str, int]:
    """Return (front matter lines or None, body, 1-based line where the body starts).

    The boundaries are the ones mkdocs uses, so that the loader and mkdocs never
    disagree on where front matter ends."""
    lines = text.split("\n")
    if lines and lines[0].strip() == FENCE and not _OPENING.match(lines[0]):
        if lines[0][:1].isspace():
            raise ContentError(path, 1, "front matter 开头的 --- 前面有空格", "--- 必须顶格写在文件第一行")
        raise ContentError(path, 1, "front matter 开头的 --- 后面有多余的字符", "--- 这一行不要写其他文字")
    if not lines or not _OPENING.match(lines[0]):
        if re.match(r"^\s*(id|type|title)\s*[:：]", lines[0] if lines else ""):
            raise ContentError(path, 1, "front matter 缺少开头的 --- 行", "文件第一行必须是三个减号 ---，front matter 结束处再写一行 ---")
        return None, text, 1
    for number, line in enumerate(lines[1:], start=2):
        if _CLOSING.match(line):
            if not line.startswith(FENCE):
                raise ContentError(path, number, "front matter 用 ... 结束", "请把这一行改成三个减号 ---")
            if number == len(lines):
                raise ContentError(path, number, "结束 front matter 的 --- 是文件的最后一行，后面没有换行",
                                   "请在 --- 后面换行并写正文")
            meta_lines = lines[1 : number - 1]
            body = "\n".join(lines[number:])
            _reject_second_front_matter(lines, number, path)
            return meta_lines, body, number + 1
        if line.strip() in (FENCE, "..."):
            raise ContentError(path, number, f"“{line.strip()}”的前后有多余的空格或字符", "结束 front matter 的 --- 必须顶格单独写一行")
    raise ContentError(path, 1, "front matter 没有结束的 --- 行", "在最后一个“键: 值”行之后加一行 ---，再写正文")


_RESOLVER = yaml.resolver.Resolver()
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def check_yaml_shape(text: str, path: str, first_line: int) -> ContentError | None:
    if USE_LIBYAML:
        try:
            return _check_yaml_shape(text, path, first_line, yaml.CSafeLoader, fast=True)
        except (yaml.YAMLError, _ReadAgain):
            pass
    return _check_yaml_shape(text, path, first_line, yaml.SafeLoader)


class _ReadAgain(Exception):
    """libyaml found a problem: the pure-Python parser reads the page and reports it."""


def _check_yaml_shape(text: str, path: str, first_line: int, loader, fast: bool = False) -> ContentError | None:
    """Refuse anchors, aliases, merge keys, deep nesting and huge values before the YAML
    is composed: PyYAML would expand an alias bomb into gigabytes and recurse on deep
    nesting. Front matter needs none of these.

    Returns the first value mkdocs could not read: mkdocs parses front matter again with
    PyYAML's SafeLoader, which reads plain dates as dates and fails on one that does not
    exist (2026-02-30); it then shows the front matter as page text. The loader reports
    it (unless a field check names the same line first), so both readings agree."""
    depth = 0
    unreadable = None
    try:
        for event in yaml.parse(text, Loader=loader):
            line = first_line + event.start_mark.line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ContentError(path, line, "front matter 中不能使用 YAML 的锚点（&）和别名（*）",
                                   "请把值直接写出来；值以 & 或 * 开头时请用英文双引号括起来")
            tag = getattr(event, "tag", None)
            if tag and tag not in _PLAIN_TAGS:
                raise ContentError(path, line, f"front matter 中不能使用 YAML 标签 {tag.replace('tag:yaml.org,2002:', '!!')}",
                                   "请把值直接写成文字")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ContentError(path, line, f"front matter 嵌套超过 {MAX_DEPTH} 层", "front matter 只需要“键: 值”和简单的列表")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent):
                # A plain scalar's style is None from PyYAML's parser and "" from libyaml.
                if event.value == "<<" and not event.style:
                    raise ContentError(path, line, "front matter 中不能使用 YAML 的合并键 <<", "请把值直接写出来")
                if len(event.value) > MAX_SCALAR_CHARS:
                    raise ContentError(path, line, f"front matter 中的值超过 {MAX_SCALAR_CHARS} 个字符", "长的内容请写在正文中")
                # A double-quoted value can spell one with an escape ("\x1b").
                _refuse_control_characters(event.value, path, line)
                if unreadable is None and not event.style and _is_impossible_date(event.value):
                    unreadable = ContentError(path, line, f"“{event.value}”看起来像日期，但不是有效日期",
                                              "请写成有效的年-月-日，或用英文双引号把它括起来")
    except yaml.MarkedYAMLError:
        if fast:
            raise _ReadAgain() from None
        return None  # reported with its line by the parse that follows
    except yaml.YAMLError as error:
        raise ContentError(path, first_line, f"front matter 不是有效的 YAML：{error}", "请检查缩进和冒号") from None
    return unreadable


def _is_impossible_date(value: str) -> bool:
    """A plain value SafeLoader reads as a timestamp, and fails to (2026-02-30)."""
    if _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != _TIMESTAMP_TAG:
        return False
    try:
        yaml.SafeLoader("").construct_yaml_timestamp(yaml.ScalarNode(_TIMESTAMP_TAG, value))
    except ValueError:
        return True
    return False


def _reject_second_front_matter(lines: list[str], closing: int, path: str) -> None:
    rest = lines[closing:]
    for offset, line in enumerate(rest):
        if not line.strip():
            continue
        if line.rstrip() == FENCE and offset + 1 < len(rest) and re.match(r"^[A-Za-z_][\w-]*\s*[:：]", rest[offset + 1]):
            raise ContentError(path, closing + offset + 1, "出现了第二段 front matter", "一个文件只能有一段 front matter，请把两段合并到文件开头的一对 --- 之间")
        return


def parse_front_matter(meta_lines: list[str], path: str, first_line: int = 2) -> SourcePage:
    page = SourcePage(path=path, has_front_matter=True)
    for offset, line in enumerate(meta_lines):
        number = first_line + offset
        if "\t" in line:
            raise ContentError(path, number, "front matter 中有制表符（Tab）", "YAML 只能用空格缩进，请把 Tab 换成两个空格")
        if _FULLWIDTH_COLON_KEY.match(line):
            raise ContentError(path, number, "键名后面用了全角冒号“：”", "请改成半角冒号“:”，并在冒号后加一个空格，例如 title: 标题")
        if line.startswith(_FULLWIDTH_SPACE) or (line.strip() and line.lstrip(" ").startswith(_FULLWIDTH_SPACE)):
            raise ContentError(path, number, "front matter 中用全角空格缩进", "请把全角空格换成半角空格")
        missing = _MISSING_SPACE_KEY.match(line)
        if missing and not line.strip().startswith(("http:", "https:")):
            raise ContentError(path, number, f"“{missing.group(1)}:”后面缺少空格", f"请写成 {missing.group(1)}: 值（冒号后加一个半角空格）")
    text = "\n".join(meta_lines)
    if not text.strip():
        return page
    page.unreadable_by_mkdocs = check_yaml_shape(text, path, first_line)
    if USE_LIBYAML:
        try:
            return _compose(page, text, path, first_line, _FastLoader)
        except (yaml.YAMLError, ValueError, KeyError, TypeError, ContentError):
            pass  # read again below, for the message the editor sees
    return _compose(page, text, path, first_line, _Loader)


def _compose(page: SourcePage, text: str, path: str, first_line: int, loader_class) -> SourcePage:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return page
        _reject_duplicate_keys(node, path, first_line)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        raise ContentError(path, line, f"front matter 不是有效的 YAML：{_explain_yaml(error)}", _yaml_hint(error)) from None
    except yaml.YAMLError as error:
        raise ContentError(path, first_line, f"front matter 不是有效的 YAML：{error}", "请检查缩进和冒号") from None
    except (ValueError, KeyError, TypeError) as error:  # a value PyYAML's constructors reject
        raise ContentError(path, first_line, f"front matter 中有无法读取的值（{error}）", "请用英文双引号把这个值括起来") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ContentError(path, first_line, "front matter 必须是“键: 值”的列表", "每行写成 键: 值，例如 title: 标题")
    page.meta = data
    for key_node, value_node in node.value:
        key = key_node.value
        page.key_lines[key] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.SequenceNode):
            for index, child in enumerate(value_node.value):
                page.item_lines[(key, index)] = first_line + child.start_mark.line
    return page


def _reject_duplicate_keys(node, path: str, first_line: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = getattr(key_node, "value", None)
            line = first_line + key_node.start_mark.line
            if isinstance(key, str) and key in seen:
                raise ContentError(path, line, f"键“{key}”重复出现（第一次在第 {seen[key]} 行）", "同一个键只能写一次，请删除或合并其中一个")
            if isinstance(key, str):
                seen[key] = line
            _reject_duplicate_keys(value_node, path, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _reject_duplicate_keys(child, path, first_line)


_YAML_PROBLEMS = {
    "mapping values are not allowed here": "这一行出现了多余的冒号。值里有冒号时，请把整个值用英文双引号括起来",
    "could not find expected ':'": "缺少冒号，或上一行的引号没有闭合",
    "found character '\\t' that cannot start any token": "有制表符（Tab），请换成空格",
    "did not find expected key": "缩进不一致，请检查这一行和上一行的空格数",
    "found undefined alias": "以 * 开头的值会被当作 YAML 别名，请用英文双引号括起来",
    "did not find expected '-' indicator": "列表项缩进不一致",
    "found unexpected end of stream": "引号没有闭合",
    "found unknown escape character": "双引号中的反斜杠 \\ 需要写成 \\\\，或改用单引号",
    "expected <block end>, but found '<scalar>'": "以引号开头的值后面又跟了文字。请把整个值放进一对引号中",
    "expected <block end>, but found '<block sequence start>'": "列表项的缩进不一致：同一列表的“- ”要上下对齐",
    "expected <block end>": "缩进不一致，请检查这一行和上一行的空格数",
    "expected ',' or ']'": "以 [ 开头的值会被当作列表，这里的方括号没有闭合。列表写成 [值一, 值二]；文字以 [ 开头时请用英文双引号把整个值括起来",
    "expected ',' or '}'": "以 { 开头的值会被当作“键: 值”的集合，这里的花括号没有闭合。文字以 { 开头时请用英文双引号把整个值括起来",
}


def _explain_yaml(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or ""
    for english, chinese in _YAML_PROBLEMS.items():
        if english in problem or english in str(error.context or ""):
            return chinese
    return problem or "无法解析"


def _yaml_hint(error: yaml.MarkedYAMLError) -> str:
    return "front matter 写法见 CONTRIBUTING.md；不熟悉 YAML 时可用 python scripts/new.py 生成模板"


# Pages read before in this process, by name and bytes (kb/memo.py). Nothing changes a
# SourcePage after it is read; a page with a mistake is remembered with its error.
_READ: BytesMemo[SourcePage | ContentError] = BytesMemo()


def _read_or_error(data: bytes, path: str) -> SourcePage | ContentError:
    try:
        return _read_page(data, path)
    except ContentError as error:
        return error


def read_page(data: bytes, path: str) -> SourcePage:
    result = _READ.get((path, data), len(data), lambda: _read_or_error(data, path))
    if isinstance(result, ContentError):
        raise result
    return result


def _read_page(data: bytes, path: str) -> SourcePage:
    text = decode_source(data, path)
    meta_lines, body, body_line = split_front_matter(text, path)
    if meta_lines is None:
        return SourcePage(path=path, body=body, body_line=1)
    page = parse_front_matter(meta_lines, path)
    page.body = body
    page.body_line = body_line
    return page
