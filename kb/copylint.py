"""Chinese copy lint: the typing and pasting mistakes of a page, each at its line and
column, with a stable code, a Chinese message, and a fix where one is safe.

The loader runs it once on every page it reads (one pass over the lines), so the build,
`mkdocs serve`, check.py and check.py --fix report the same findings from the same code.

Spacing and punctuation between Chinese and Latin text are AutoCorrect's rules
(autocorrect-py, the Python build of the maintained Rust crate), applied only to prose:
front-matter keys, code spans and blocks, URLs and link targets, HTML tags, template code
`{{ … }}`/`{% … %}`, attribute lists and comments are masked before any rule sees a line.
The rules AutoCorrect lacks are here: look-alike characters, invisible characters pasted
from Word or web pages, trailing spaces, half-width `;` `!` `?` `(` `)` between Chinese
characters, and the three mistakes that break a page (`***`, `[[…]]`, a level-1 heading).

Two choices about AutoCorrect's rules, with their reasons:
- No space between digits and Chinese (`2022年10月16日`, `第3条`): the report and the
  official documents the pages quote never write one (GB/T 15835 and the 公文 style), so
  the insertions AutoCorrect proposes there are dropped. Latin letters get the space.
- Half-width brackets between Chinese become full-width `（）`, not `中文 (说明) 文字`:
  AutoCorrect's space-bracket rule is off, and so are its space rules for `-`, `+`, `|`,
  backticks and `$`, which would respace tables, ranges and code.
And one about the record: a finding whose text occurs word for word in the source report
(source/report.txt) is not reported, because there the report's own wording is what the
page must show.
"""
from __future__ import annotations

from dataclasses import dataclass
import difflib
import functools
import json
import os
from pathlib import Path
import re
import unicodedata

import autocorrect_py

from . import model
from .errors import ContentError
from .markdown_text import blank_inline_code, fenced_lines

RECORD_FILE = "source/report.txt"
FIX_HINT = "可运行 python scripts/check.py --fix 自动修改"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # for CONTRIBUTING and the summary
    warning: bool  # a warning fails only --strict; an error fails the build and the check
    fixable: bool  # check.py --fix corrects it


RULES = {rule.code: rule for rule in (
    Rule("ZH001", "报告中隐去的名称 ***", warning=False, fixable=False),
    Rule("ZH002", "维基式链接 [[…]]", warning=False, fixable=False),
    Rule("ZH003", "条目正文中的一级标题", warning=False, fixable=False),
    Rule("ZH004", "改变文字方向的控制字符", warning=False, fixable=False),
    Rule("ZH101", "中文与英文之间的空格、全角标点旁多余的空格", warning=True, fixable=True),
    Rule("ZH102", "中文中的半角标点", warning=True, fixable=True),
    Rule("ZH103", "全角的英文字母、数字和英文中的全角标点", warning=True, fixable=True),
    Rule("ZH104", "形近字符（康熙部首、兼容汉字）", warning=True, fixable=True),
    Rule("ZH105", "行尾空格", warning=True, fixable=True),
    Rule("ZH106", "看不见的字符和特殊空格（不换行空格、零宽字符、全角空格、正文中的 Tab）", warning=True, fixable=True),
    Rule("ZH201", "待填写的内容 TODO", warning=True, fixable=False),
)}

# AutoCorrect's configuration, set once for the process (the library keeps it globally).
AUTOCORRECT_RULES = {
    "space-word": 1, "fullwidth": 1, "no-space-fullwidth": 1, "no-space-fullwidth-quote": 1,
    "halfwidth-word": 1, "halfwidth-punctuation": 1,
    "space-punctuation": 0, "space-bracket": 0, "space-dash": 0, "space-backticks": 0, "space-dollar": 0,
    "spellcheck": 0,
}
autocorrect_py.load_config(json.dumps({"rules": AUTOCORRECT_RULES}))


@dataclass(frozen=True)
class Edit:
    """Replace `old`, which starts at `column` (1-based, in characters) of file line `line`, by `new`."""

    line: int
    column: int
    old: str
    new: str


@dataclass(frozen=True)
class Finding:
    error: ContentError
    edit: Edit | None = None


# -- characters ------------------------------------------------------------------------

_CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK_OR_PUNCT = _CJK + "\u3000-\u303f\uff00-\uffef"
HAS_CJK = re.compile(f"[{_CJK}]")
_CJK_CHAR = re.compile(f"[{_CJK_OR_PUNCT}]")
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
_PUNCT_NAMES = {",": "逗号", ";": "分号", ":": "冒号", "?": "问号", "!": "叹号", "(": "左括号", ")": "右括号", ".": "句点"}
# `.` is AutoCorrect's (it knows 3.5 and file.md); these are the ones it leaves between Chinese.
_HALF_BRACKETS = re.compile(r"\(([^()\n]*)\)")
_HALF_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK_OR_PUNCT}])[,;:?!()](?=[{_CJK_OR_PUNCT}])")

# Invisible or odd spaces pasted from Word and web pages: what they become.
INVISIBLE = {
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u3000": " ", "\t": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
}
_INVISIBLE_NAMES = {
    "\t": "制表符 Tab", "\u00a0": "不换行空格", "\u202f": "窄不换行空格", "\u2007": "数字空格", "\u3000": "全角空格",
    "\u200b": "零宽空格", "\u200c": "零宽不连字", "\u200d": "零宽连字", "\u2060": "零宽不换行",
    "\ufeff": "字节顺序标记（BOM）", "\u00ad": "软连字符",
}
_INVISIBLE_RE = re.compile("[" + "".join(INVISIBLE) + "]")
# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the marks U+200E/U+200F.
_DIRECTION_MARK = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Kangxi radicals (U+2F00–U+2FDF), CJK radicals supplement, and compatibility ideographs look
# like the unified ideographs NFKC maps them to, but search, sorting and the glossary do not
# find them: 「⼀岗双责」 is not 「一岗双责」.
_LOOKALIKE_RE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
_SPECIAL = re.compile("[" + "".join(INVISIBLE) + "\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def lookalike_target(char: str) -> str | None:
    target = unicodedata.normalize("NFKC", char)
    return target if target != char and len(target) == 1 else None


# -- what is not prose -----------------------------------------------------------------

MASK = "\x00"  # the loader refuses control characters in pages, so this is never text
_MASKED_INLINE = re.compile("|".join((
    r"</?[A-Za-z][^<>]*>|<![^<>]*>",  # HTML tags with their attributes
    r"<(?:https?|mailto|ftp):[^<>\s]*>",  # autolinks
    r"\]\([^()\s]*(?:\([^()]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)",  # link and image targets
    r"\]\[[^\]]*\]",  # reference link labels
    r"!(?=\[)",  # the image marker
    r"\[\^[^\]]*\]:?",  # footnotes
    r"\[[ xX]\](?=\s)",  # task list boxes
    r"\{\s*[:#.][^{}]*\}",  # attribute lists
    r"(?:https?|ftp)://[^\s<>()（）\u3000-\u303f\uff00-\uffef]+|www\.[^\s<>()（）\u3000-\u303f\uff00-\uffef]+",  # bare URLs
    r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);",  # character references
)))
_LINE_START_MARKUP = re.compile(
    r"^\s{0,3}\[[^\]]+\]:.*$"  # reference definitions: the whole line is a target
    r"|^\s*(?:!!!|\?\?\?\+?)\s+[\w-]+"  # admonition and collapsible block types
    r"|^\*\[[^\]]*\]:"  # abbreviation definitions (the explanation is prose)
)
_WIKI_LINK = re.compile(r"\[\[([^\[\]\n]+)\]\]")
_REDACTED = re.compile(r"\*{3}")
# The report hides the visit date as `***年***月***日`: one name (visit_date) for the whole date.
_REDACTED_DATE = re.compile(r"\*{3}年\*{3}月\*{3}日")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:\*[ \t]*){3,}$")
_TRAILING_SPACE = " \t\u00a0\u3000"
_LEADING_SPACE = " \t\u3000\u00a0"
# Template code, masked by a scan for its closing marks (a pattern such as `\{\{.*?\}\}`
# would rescan the rest of the line from every `{{` of a hostile line).
_TEMPLATE_MARKS = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))
_H1 = re.compile(r"^ {0,3}(?:(?:[-*+]|\d+[.)])\s+)?#(?!#)")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s")
_FM_KEY = re.compile(r"^([A-Za-z_][\w-]*):(?:[ \t]+|$)")
_FM_LIST_ITEM = re.compile(r"^\s+-\s+")
_FM_FENCE = re.compile(r"^-{3}[ \t]*$")
_FM_CLOSE = re.compile(r"^(?:-{3}|\.{3})[ \t]*$")
_TODO = re.compile(r"TODO")
_ID_PREFIX = re.compile(r"^([a-z]+)-[a-z0-9-]+$")
# What AutoCorrect may change: a segment with none of these is left alone without asking it.
_AUTOCORRECT_TRIGGER = re.compile(r"[A-Za-z0-9\uff01-\uff5e“”‘’]|[ ]")


@functools.lru_cache(maxsize=4)
def _record(path: str, mtime: float) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def record_text(project_dir: str | os.PathLike | None) -> str:
    """The source report, the page text no typography rule may overrule; "" when the
    project has none (a test project, the benchmark)."""
    if project_dir is None:
        return ""
    path = Path(project_dir) / RECORD_FILE
    try:
        return _record(str(path), path.stat().st_mtime)
    except (OSError, UnicodeDecodeError):
        return ""


# -- the page --------------------------------------------------------------------------


def lint_page(path: str, text: str, *, typed: bool, text_keys: frozenset[str] = frozenset(),
              record: str = "") -> list[Finding]:
    """Every finding of one page. `text` is the decoded file (line ends normalized);
    `typed` says whether the page is an item (its title comes from front matter, so a
    level-1 heading in the body is an error); `text_keys` are the front-matter keys
    whose values are one line of prose (title, summary, source, …)."""
    linter = _PageLinter(path, record)
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):  # everywhere, code and front matter included
        linter.direction_marks(line, number)
    body_start = 0
    if lines and _FM_FENCE.match(lines[0]):
        close = next((i for i in range(1, len(lines)) if _FM_CLOSE.match(lines[i])), len(lines))
        linter.front_matter(lines[1:close], 2, text_keys)
        body_start = close + 1
    linter.body(lines[body_start:], body_start + 1, typed)
    return linter.findings


class _PageLinter:
    def __init__(self, path: str, record: str):
        self.path = path
        self.record = record
        self.findings: list[Finding] = []

    def add(self, code: str, line: int, column: int, message: str, hint: str = "", edit: Edit | None = None) -> None:
        rule = RULES[code]
        if rule.fixable and edit is not None:
            hint = f"{hint}；{FIX_HINT}" if hint else FIX_HINT
        error = ContentError(self.path, line, message, hint, column=column, code=code, warning=rule.warning)
        self.findings.append(Finding(error, edit if rule.fixable else None))

    # -- front matter --

    def front_matter(self, lines: list[str], first_line: int, text_keys: frozenset[str]) -> None:
        key = None
        for offset, line in enumerate(lines):
            number = first_line + offset
            end = self.trailing_space(line, number)
            if line.lstrip().startswith("#"):
                continue  # a YAML comment (new.py writes its hints there)
            for match in _TODO.finditer(line):
                self.add("ZH201", number, match.start() + 1, "还有待填写的内容（TODO）", "请按报告原文填写，或删除这一行")
            key_match = _FM_KEY.match(line)
            item_match = _FM_LIST_ITEM.match(line)
            if key_match:
                key, start = key_match.group(1), key_match.end()
            elif item_match:
                start = item_match.end()
            else:
                continue
            self.redactions(line, line, number, start, key=key)
            span = _scalar_span(line[start:end]) if key_match and key in text_keys else None
            if span is None:
                self.characters(line, number, start, end)
            else:
                self.characters(line, number, start, start + span[0])
                self.prose(line[start + span[0]:start + span[1]], number, start + span[0], at_line_start=False)
                self.characters(line, number, start + span[1], end)

    # -- body --

    def body(self, lines: list[str], first_line: int, typed: bool) -> None:
        in_comment = in_list = indented_code = False
        previous_blank, previous_prose = True, ""
        for offset, line, in_fence in fenced_lines("\n".join(lines)):
            number = first_line + offset
            blank = not line.strip()
            indented = line.startswith(("    ", "\t"))
            if in_fence:
                previous_blank, previous_prose = False, ""
                continue
            if not blank and not indented:
                indented_code = False
                in_list = bool(_LIST_ITEM.match(line)) or (in_list and not previous_blank)
            elif indented and previous_blank and not in_list and not in_comment:
                indented_code = True  # four spaces after a blank line, outside a list: a code block
            if indented_code and not blank:
                previous_blank, previous_prose = False, ""
                continue
            end = self.trailing_space(line, number)
            masked, in_comment = _mask(line, in_comment)
            self.todo(masked, number)
            self.wiki_links(masked, number)
            masked = _WIKI_LINK.sub(lambda m: MASK * len(m.group(0)), masked)
            if not _THEMATIC_BREAK.match(line):
                self.redactions(masked, line, number, 0, key=None)
            if typed:
                self.level_one_heading(masked, number, previous_prose)
            for match in re.finditer(f"[^{MASK}]+", masked[:end]):
                self.prose(line[match.start():match.end()], number, match.start(), at_line_start=match.start() == 0)
            previous_blank = blank
            previous_prose = "" if blank else masked

    # -- rules --

    def trailing_space(self, line: str, number: int) -> int:
        """Report spaces at the end of the line; return where they start (the line's length if none)."""
        end = len(line.rstrip(_TRAILING_SPACE))
        if end == len(line):
            return end
        self.add("ZH105", number, end + 1, "行尾有多余的空格",
                 "请删除（行尾的两个空格在 Markdown 中是看不见的换行；需要换行时请另起一段）",
                 Edit(number, end + 1, line[end:], ""))
        return end

    def todo(self, masked: str, number: int) -> None:
        for match in _TODO.finditer(masked):
            self.add("ZH201", number, match.start() + 1, "还有待填写的内容（TODO）", "请按报告原文填写，或删除这一行")

    def direction_marks(self, line: str, number: int) -> None:
        """Bidirectional controls make the text shown differ from the text stored (“已销号”
        shown for 号销已): an error wherever it stands, since a reviewer cannot see it."""
        for match in _DIRECTION_MARK.finditer(line):
            self.add("ZH004", number, match.start() + 1,
                     f"有改变文字方向的控制字符（U+{ord(match.group(0)):04X}）：页面上显示的文字会和实际写的不一样",
                     "请删除这个看不见的字符：删掉它前后的字，再重新输入")

    def wiki_links(self, masked: str, number: int) -> None:
        for match in _WIKI_LINK.finditer(masked):
            target = match.group(1).strip()
            self.add("ZH002", number, match.start() + 1, f"“[[{target}]]”是维基式链接，网站不支持，会原样显示成方括号",
                     _wiki_hint(self.path, target))

    def redactions(self, searched: str, line: str, number: int, start: int, *, key: str | None) -> None:
        """`***` in `searched` (the line, or the line with non-prose masked) from `start` on."""
        covered = 0
        for match in _REDACTED.finditer(searched, start):
            if match.start() < covered or (match.start() > start and searched[match.start() - 1] == "*"):
                continue  # part of a date or of a longer run of stars, reported at its start
            run_end = match.end()
            while run_end < len(line) and line[run_end] == "*":
                run_end += 1
            date = _REDACTED_DATE.match(line, match.start())
            covered = date.end() if date else run_end
            value = line[start:].strip().strip("\"'").strip() if key else ""
            self.add("ZH001", number, match.start() + 1, "“***”是报告中隐去的名称，网站上会显示成粗斜体或星号",
                     _redaction_hint(key, line, match.start(), value))

    def level_one_heading(self, masked: str, number: int, previous_prose: str) -> None:
        if _H1.match(masked):
            self.add("ZH003", number, masked.index("#") + 1,
                     "条目页面的正文中不能写一级标题（“# ”）：页面的大标题由 front matter 的 title 自动生成",
                     f"请把第 {number} 行的“# ”改成“## ”（二级标题）")
        elif _SETEXT_H1.match(masked) and previous_prose.strip(MASK + " ") and not _LIST_ITEM.match(previous_prose):
            self.add("ZH003", number - 1, 1, "条目页面的正文中不能写一级标题（下一行的 === 把这一行变成了一级标题）",
                     f"请删除第 {number} 行的 ===，并在第 {number - 1} 行开头写“## ”（二级标题）")

    def characters(self, line: str, number: int, start: int, end: int) -> None:
        """Look-alike and invisible characters outside prose (values that are not one line of
        text, such as lists): reported and fixed one by one, nothing else changed."""
        for match in _SPECIAL.finditer(line, start, end):
            self.character(match.group(0), number, match.start(), leading=False)

    def character(self, char: str, number: int, index: int, leading: bool, between_cjk: bool = False) -> str | None:
        """Report one look-alike or invisible character at `index` (0-based) of the line;
        return what it becomes, or None when it is fine. A space character leading the line
        (Word's first-line indent) or between two Chinese characters (which take no space)
        is deleted, elsewhere it becomes a plain space."""
        if char in INVISIBLE:
            new = "" if leading or between_cjk else INVISIBLE[char]
            self.add("ZH106", number, index + 1,
                     f"有看不见的字符或特殊空格（{_INVISIBLE_NAMES[char]}，U+{ord(char):04X}），多半是从 Word 或网页复制时带进来的",
                     "请删除" if not new else "请换成普通空格", Edit(number, index + 1, char, new))
            return new
        if _LOOKALIKE_RE.match(char):
            target = lookalike_target(char)
            if target:
                kind = "康熙部首" if "\u2f00" <= char <= "\u2fdf" else "部首补充" if char < "\u2f00" else "兼容汉字"
                self.add("ZH104", number, index + 1,
                         f"“{char}”是{kind}（U+{ord(char):04X}），只是看起来像汉字“{target}”：搜索、排序和术语标注都找不到它",
                         f"请改成“{target}”", Edit(number, index + 1, char, target))
                return target
        return None

    def prose(self, segment: str, number: int, offset: int, *, at_line_start: bool) -> None:
        """One run of prose starting at `offset` of the line: its characters, half-width
        punctuation between Chinese, then AutoCorrect's rules."""
        kept: list[tuple[int, str]] = []  # (index in segment, character) of the prepared text
        leading = at_line_start
        if not _SPECIAL.search(segment):  # the usual case: nothing to replace before AutoCorrect
            self.typography_of(segment, segment, range(len(segment) + 1), number, offset)
            return
        for index, char in enumerate(segment):
            leading = leading and char in _LEADING_SPACE
            if leading and char in " \t":
                kept.append((index, char))  # Markdown's indentation
                continue
            between = bool(_CJK_CHAR.match(segment[index - 1:index]) and _CJK_CHAR.match(segment[index + 1:index + 2]))
            replacement = self.character(char, number, offset + index, leading, between)
            kept.extend([(index, char)] if replacement is None else [(index, c) for c in replacement])
        prepared = "".join(char for _, char in kept)
        self.typography_of(segment, prepared, [index for index, _ in kept] + [len(segment)], number, offset)

    def typography_of(self, segment: str, prepared: str, positions, number: int, offset: int) -> None:
        """Half-width punctuation between Chinese and AutoCorrect's rules on `prepared` (the
        segment with its special characters replaced); `positions` maps its indexes back."""
        if not HAS_CJK.search(prepared):
            return
        punctuated = _HALF_BRACKETS.sub(_full_brackets, prepared)
        punctuated = _HALF_BETWEEN_CJK.sub(lambda m: HALF_TO_FULL[m.group(0)], punctuated)
        corrected = autocorrect_py.format(punctuated) if _AUTOCORRECT_TRIGGER.search(punctuated) else punctuated
        if corrected == prepared:
            return
        for i1, i2, new in _differences(prepared, corrected):
            old = prepared[i1:i2]
            start = positions[i1]
            if segment[start:start + len(old)] != old:
                continue  # overlaps a character fixed above: found again once that is fixed
            self.typography(prepared, i1, i2, new, number, offset + start)

    def typography(self, prepared: str, i1: int, i2: int, new: str, number: int, index: int) -> None:
        old = prepared[i1:i2]
        left = prepared[i1 - 1] if i1 > 0 else ""
        right = prepared[i2] if i2 < len(prepared) else ""
        hint = ""
        if not old.strip() and not new.strip():  # spaces added or removed
            code = "ZH101"
            if new and not old:
                if _digit_beside_cjk(left, right):
                    return  # no space between digits and Chinese (see the module's note)
                message, hint = f"「{left}{right}」中间应加一个空格（中文与英文之间）", "请在中文与英文之间加一个半角空格"
            else:
                message, hint = f"「{left}{old}{right}」中多了空格（全角标点和引号旁边不加空格）", "请删除这个空格"
        elif any(char in HALF_TO_FULL for char in old) and any(char in HALF_TO_FULL.values() for char in new):
            code = "ZH102"
            marks = list(dict.fromkeys(char for char in old if char in HALF_TO_FULL))
            message = ("中文中用了半角" + "和".join(f"{_PUNCT_NAMES[m]}“{m}”" for m in marks) + "，应改为全角"
                       + "和".join(f"“{HALF_TO_FULL[m]}”" for m in marks))
        elif any("\uff01" <= char <= "\uff5e" for char in old):
            code = "ZH103"
            message = f"“{old.strip()}”是全角字符：英文字母、数字和英文中的标点应写成半角“{new.strip()}”"
        else:
            code = "ZH101"
            message = f"“{old}”应改为“{new}”"
        context = prepared[max(0, i1 - 6):i2 + 6]
        if self.record and HAS_CJK.search(context) and len(context) >= 4 and context in self.record:
            return  # the report itself writes it so: the page shows the record as it is
        self.add(code, number, index + 1, message, hint, Edit(number, index + 1, old, new))


def _full_brackets(match: re.Match) -> str:
    """Half-width brackets in a Chinese sentence become full-width as a pair: after Chinese
    (`方案(2024年3月)`, `中文(OA)`) or around Chinese (`Word(文档)`); not brackets of code or
    a formula that merely hold some Chinese (`=HYPERLINK("…","点我")`)."""
    before = match.string[match.start() - 1] if match.start() else ""
    inside = match.group(1)
    if _CJK_CHAR.match(before) or (inside and _CJK_CHAR.match(inside[0]) and _CJK_CHAR.match(inside[-1])):
        return f"（{inside}）"
    return match.group(0)


def _differences(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of each change from `old` to `new`, adjacent changes
    joined. The rules here add or remove spaces and swap one character for another, so
    one walk through both texts finds them in linear time (difflib is quadratic on a long
    line); anything else is compared by difflib on lines of ordinary length, and not at all
    on a longer one."""
    changes: list[list] = []

    def change(start: int, end: int, text: str) -> None:
        if changes and changes[-1][1] == start:
            changes[-1][1], changes[-1][2] = end, changes[-1][2] + text
        else:
            changes.append([start, end, text])

    i = j = 0
    while i < len(old) and j < len(new):
        if old[i] == new[j]:
            i, j = i + 1, j + 1
        elif new[j] == " " and new[j + 1:j + 2] == old[i]:
            change(i, i, " ")
            j += 1
        elif old[i] == " " and old[i + 1:i + 2] == new[j]:
            change(i, i + 1, "")
            i += 1
        else:
            change(i, i + 1, new[j])
            i, j = i + 1, j + 1
    if i < len(old) or j < len(new):
        change(i, len(old), new[j:])
    result = [(start, end, text) for start, end, text in changes]
    if _apply(old, result) == new:
        return result
    if len(old) > 2000:
        return []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(i1, i2, new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _apply(text: str, changes: list[tuple[int, int, str]]) -> str:
    parts, position = [], 0
    for start, end, replacement in changes:
        parts += [text[position:start], replacement]
        position = end
    return "".join(parts) + text[position:]


def _digit_beside_cjk(left: str, right: str) -> bool:
    digit = re.compile(r"[0-9%]")
    return bool((digit.match(left) and HAS_CJK.match(right)) or (HAS_CJK.match(left) and digit.match(right)))


def _scalar_span(value: str) -> tuple[int, int] | None:
    """Where the text of a one-line YAML scalar sits in `value`; None for lists, maps,
    block scalars and anything quoted with escapes."""
    stripped = value.rstrip()
    if not stripped or stripped[0] in "[{|>&!*%@`":
        return None
    if stripped[0] in "\"'":
        if len(stripped) < 2 or stripped[-1] != stripped[0] or "\\" in stripped or stripped.count(stripped[0]) != 2:
            return None
        return 1, len(stripped) - 1
    comment = stripped.find(" #")
    return 0, comment if comment >= 0 else len(stripped)


def _mask(line: str, in_comment: bool) -> tuple[str, bool]:
    """The line with everything that is not prose replaced by MASK characters (same
    length), and whether an HTML comment is still open at its end."""
    masked = blank_inline_code(line, fill=MASK)
    position = 0
    while True:
        if in_comment:
            end = masked.find("-->", position)
            stop = len(masked) if end < 0 else end + 3
            masked = masked[:position] + MASK * (stop - position) + masked[stop:]
            if end < 0:
                return masked, True
            in_comment, position = False, stop
        opened = masked.find("<!--", position)
        if opened < 0:
            break
        in_comment, position = True, opened
    masked = _mask_template(masked)
    for pattern in (_LINE_START_MARKUP, _MASKED_INLINE):
        masked = pattern.sub(lambda m: MASK * len(m.group(0)), masked)
    return masked, False


def _mask_template(line: str) -> str:
    """Template code `{{ … }}`, `{% … %}`, `{# … #}` masked; an unclosed one to the end of the line."""
    position = 0
    while True:
        starts = [(line.find(opening, position), opening, closing) for opening, closing in _TEMPLATE_MARKS]
        starts = [start for start in starts if start[0] >= 0]
        if not starts:
            return line
        start, _, closing = min(starts)
        end = line.find(closing, start + 2)
        stop = len(line) if end < 0 else end + 2
        line = line[:start] + MASK * (stop - start) + line[stop:]
        position = stop


def _wiki_hint(path: str, target: str) -> str:
    match = _ID_PREFIX.match(target)
    spec = next((s for s in model.TYPES.values() if match and s.name == match.group(1)), None)
    relations = "条目之间的对应关系请写在 front matter 的关系键中（例如 problems: [problem-04]）"
    if spec is None:
        return f"请改成普通链接 [文字](相对路径.md)，链接写相对路径，以 .md 结尾；{relations}"
    target_path = f"{spec.folder}/{target}.md"
    relative = os.path.relpath(target_path, os.path.dirname(path) or ".").replace(os.sep, "/")
    key = next((k for k, t in model.RELATION_TARGETS.items() if t == spec.name), None)
    relation = f"；若要写明对应关系，请在 front matter 的 {key} 中加上 {target}" if key else ""
    return (f"请改成普通链接 [条目标题]({relative})，"
            f"或在必需小节之外写 {{{{ link(\"{target}\") }}}}（自动使用条目标题）{relation}")


def _redaction_hint(key: str | None, line: str, position: int, value: str = "") -> str:
    names = "、".join(model.REDACTIONS)
    guess = _guess_redaction(line, position)
    variable = f"{{{{ org.{guess} }}}}" if guess else "{{ org.名称 }}"
    if key in ("id", "type", "title"):
        return (f"{key} 中不能使用隐去名称变量：请删去 ***，写成 {key}: {value.replace('***', '')}"
                "（现有条目的标题都这样写，例如“市委巡察办……”），全称写在正文中")
    where = f"（{guess}：{model.REDACTIONS[guess].meaning}）" if guess else ""
    quote = "；front matter 中的值以 {{ 开头时，要用英文双引号把整个值括起来" if key else ""
    return (f"请改成隐去名称变量 {variable}{where}，可用的名称：{names}（见 CONTRIBUTING.md“隐去的名称”）{quote}；"
            "若是想加粗并倾斜，请写成 **_文字_**")


@functools.lru_cache(maxsize=1)
def _redaction_contexts() -> list[tuple[str, str, int]]:
    """(name, report text quoted in its explanation, which of the quote's `***` it is).
    An explanation that starts "同上句" is about the previous name's sentence, second `***`."""
    contexts = []
    previous: list[str] = []
    for name, redaction in model.REDACTIONS.items():
        quotes = [q for q in re.findall(r"[“<《]([^“”<>《》]*\*{3}[^“”<>《》]*)", redaction.meaning)]
        second = redaction.meaning.startswith("同上句") or "第二处" in redaction.meaning
        if redaction.meaning.startswith("同上句") and previous:
            quotes = previous
        for quote in quotes:
            count = quote.count("***")
            contexts.append((name, quote, 1 if second and count > 1 else 0))
        previous = quotes or previous
    return contexts


def _guess_redaction(line: str, position: int) -> str | None:
    """The REDACTIONS name whose quoted report text matches the page best around the
    `***` at `position` (characters equal when the quote is laid over the line); None when
    nothing matches or several match equally."""
    if _REDACTED_DATE.match(line, position):
        return "visit_date"
    scores: dict[str, int] = {}
    for name, quote, which in _redaction_contexts():
        stars = [m.start() for m in re.finditer(r"\*{3}", quote)][which]
        origin = position - stars
        score = sum(1 for i, char in enumerate(quote)
                    if char != "*" and 0 <= origin + i < len(line) and line[origin + i] == char)
        scores[name] = max(scores.get(name, 0), score)
    best = max(scores.values(), default=0)
    winners = [name for name, score in scores.items() if score == best]
    return winners[0] if best >= 2 and len(winners) == 1 else None


# -- fixing ----------------------------------------------------------------------------


def apply_edits(text: str, edits: list[Edit]) -> str:
    """`text` (a decoded file, any line ends) with the edits made. Edits name lines as the
    lint counted them (\\r\\n, \\r and \\n each end a line); each line keeps its own end.
    An edit that no longer matches the text, or overlaps one already made, is left out
    (the next run finds it again)."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    by_line: dict[int, list[Edit]] = {}
    for edit in edits:
        by_line.setdefault(edit.line, []).append(edit)
    for number, line_edits in by_line.items():
        index = (number - 1) * 2
        if not 0 <= index < len(parts):
            continue
        line = parts[index]
        limit = len(line)
        # From the right, so that the columns of the edits still to make stay where they were.
        for edit in sorted(line_edits, key=lambda e: (e.column, len(e.old)), reverse=True):
            start = edit.column - 1
            end = start + len(edit.old)
            if end > limit or line[start:end] != edit.old:
                continue
            line = line[:start] + edit.new + line[end:]
            limit = start
        parts[index] = line
    return "".join(parts)
