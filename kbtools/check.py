"""检查知识库：与构建使用同一套校验，公开版和内部版都检查，并做中文排版检查。

    python scripts/check.py                      # 检查全部页面
    python scripts/check.py docs/problems/problem-05.md   # 只显示这些文件的问题
    python scripts/check.py --strict             # 有排版提示或待填写内容也算失败
    python scripts/check.py --format github      # 另外输出 GitHub 的注释（拉取请求中显示在出错的行上）

错误（exit 1）按“文件:行号: 说明（修改建议）”列出。排版提示和待填写的 TODO
按“文件:行号:列号: 警告：……”列出，默认不影响结果（exit 0），加 --strict 时算失败。
无论是否指定文件，都会加载整个知识库，这样编号引用和链接才能正确核对。
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
import logging
from pathlib import Path
import re

from kb.frontmatter import decode_source
from kb.loader import Content
from kb.markdown_text import prose_lines

from .project import Project, load_project, settings_errors, setup_logging, validate

log = logging.getLogger("kb.scripts")

# -- CJK typography -------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_NAMES = {",": "逗号", ";": "分号", ":": "冒号", "?": "问号", "!": "叹号", "(": "左括号", ")": "右括号"}
_HALF_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[,;:?!()](?=[{_CJK}])")
# Markup that is not prose: link destinations, HTML tags, template code, attribute lists.
_NOT_PROSE = (
    re.compile(r"(?<=\])\([^()\s]*(?:\([^()]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)"),  # [text](target "title")
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$"),  # [ref]: target
    re.compile(r"<[A-Za-z/!][^>]*>"),  # <tag …>, </tag>, <!-- …, <https://…>
    re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"),  # template code
    re.compile(r"\{\s*[:#.][^}]*\}"),  # attribute lists {: .class} {#id}
)
TODO_MARK = re.compile(r"TODO")


@dataclass(frozen=True)
class TextWarning:
    path: str
    line: int
    column: int
    message: str


def _blank(text: str) -> str:
    for pattern in _NOT_PROSE:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def typography_warnings(path: str, body: str, body_line: int) -> list[TextWarning]:
    """Half-width , ; : ? ! ( ) directly between two CJK characters, in prose only
    (fenced code, inline code, link targets, HTML and template code are skipped)."""
    found = []
    for offset, line in prose_lines(body):
        for match in _HALF_BETWEEN_CJK.finditer(_blank(line)):
            mark = match.group(0)
            found.append(TextWarning(
                path, body_line + offset, match.start() + 1,
                f"中文之间用了半角{_NAMES[mark]}“{mark}”，应改为全角“{HALF_TO_FULL[mark]}”",
            ))
    return found


def todo_warnings(path: str, text: str, body: str, body_line: int) -> list[TextWarning]:
    """TODO placeholders left by scripts/new.py, in the front matter and in the prose."""
    found = []
    lines = text.split("\n")
    for number in range(1, min(body_line, len(lines) + 1)):
        line = lines[number - 1]
        if line.lstrip().startswith("#"):
            continue  # YAML comment
        for match in TODO_MARK.finditer(line):
            found.append(TextWarning(path, number, match.start() + 1, "还有待填写的内容（TODO）"))
    for offset, line in prose_lines(body):
        line = re.sub(r"<!--.*?-->", lambda m: " " * len(m.group(0)), line)
        for match in TODO_MARK.finditer(line):
            found.append(TextWarning(path, body_line + offset, match.start() + 1, "还有待填写的内容（TODO）"))
    return found


def page_warnings(project: Project, content: Content, paths: list[str]) -> list[TextWarning]:
    warnings: list[TextWarning] = []
    for path in paths:
        page = content.pages.get(path)
        if page is None:
            continue  # the page could not be read at all; that is already an error
        text = decode_source((project.docs_dir / path).read_bytes(), path)
        source = page.source
        warnings += typography_warnings(path, source.body, source.body_line)
        warnings += todo_warnings(path, text, source.body, source.body_line)
    return sorted(warnings, key=lambda w: (w.path, w.line, w.column))


# -- selection ------------------------------------------------------------------


def selected_paths(project: Project, arguments: list[str]) -> list[str] | None:
    """Docs-relative prefixes to report on, or None for everything. Raises SystemExit(2)
    for a path outside docs/."""
    if not arguments:
        return None
    prefixes = []
    for argument in arguments:
        path = Path(argument).resolve()
        try:
            rel = path.relative_to(project.docs_dir).as_posix()
        except ValueError:
            log.error(f"{argument}: 不在知识库的 docs 目录（{project.display_path('.')}）中")
            raise SystemExit(2) from None
        if not path.exists():
            log.error(f"{argument}: 文件不存在")
            raise SystemExit(2)
        prefixes.append("" if rel == "." else rel + "/" if path.is_dir() else rel)
    return prefixes


def _matches(path: str, prefixes: list[str] | None) -> bool:
    if prefixes is None:
        return True
    return any(path == p or (p.endswith("/") and path.startswith(p)) or p == "" for p in prefixes)


# -- GitHub annotations ---------------------------------------------------------


def github_annotation(level: str, path: str, line: int | None, message: str, column: int | None = None) -> str:
    """A workflow command GitHub shows on the file's line in a pull request
    (`::error file=…,line=…::…`). Values are escaped as the runner expects, so a message
    or a file name cannot end the command early or start another one."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    where = [f"file={prop(path)}"]
    if line:
        where.append(f"line={line}")
        if column:
            where.append(f"col={column}")
    return f"::{level} {','.join(where)}::{data(message)}"


def _annotate(args, level: str, path: str, line: int | None, text: str, column: int | None = None) -> None:
    """With --format github, the line the editor reads again as an annotation on stdout."""
    if args.format == "github":
        where = f"{path}:{line}:{column}: " if column else f"{path}:{line}: " if line else f"{path}: "
        print(github_annotation(level, path, line, text.removeprefix(where), column), flush=True)


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    parser = argparse.ArgumentParser(description="检查知识库内容（公开版和内部版），并检查中文排版。")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="只显示这些文件或目录中的问题（默认全部）")
    parser.add_argument("--strict", action="store_true", help="排版提示和待填写内容（TODO）也视为失败")
    parser.add_argument("--format", choices=("text", "github"), default="text",
                        help="github：另外在标准输出中写 GitHub 注释，拉取请求的改动页面上会在出错的行旁显示")
    args = parser.parse_args(argv)

    project = load_project()
    prefixes = selected_paths(project, args.paths)
    broken_settings = settings_errors(project)
    if broken_settings:
        for error in broken_settings:
            log.error(str(error))
            _annotate(args, "error", error.path, error.line, str(error))
        log.error(f"检查未通过：设置文件中有 {len(broken_settings)} 处错误，请先改正它们。")
        return 1
    result = validate(project)
    content = result.content

    shown = [f for f in result.findings if _matches(f.error.path, prefixes)]
    hidden = len(result.findings) - len(shown)
    pages = [p for p in sorted(content.pages) if _matches(p, prefixes)]
    if prefixes is not None:
        # Files that could not even be read are not in content.pages; still count them.
        pages = sorted(set(pages) | {f.error.path for f in shown if f.error.path.endswith(".md")})
    warnings = page_warnings(project, content, pages)

    for finding in shown:
        text = finding.render(project)
        log.error(text)
        _annotate(args, "error", project.display_path(finding.error.path), finding.error.line, text)
    for warning in warnings:
        text = f"{project.display_path(warning.path)}:{warning.line}:{warning.column}: 警告：{warning.message}"
        log.warning(text)
        _annotate(args, "error" if args.strict else "warning", project.display_path(warning.path), warning.line, text, warning.column)
    if hidden:
        log.info(f"另有 {hidden} 处错误在其他文件中，未显示（不带参数运行 python scripts/check.py 可查看全部）。")

    items = sum(1 for p in pages if p in content.pages and content.pages[p].item is not None)
    if shown:
        log.error(f"检查未通过：发现 {len(shown)} 处错误。请按上面的提示逐条修改后重新运行 python scripts/check.py。")
        return 1
    if warnings and args.strict:
        log.error(f"检查未通过（--strict）：有 {len(warnings)} 条警告。")
        return 1
    note = f"（另有 {len(warnings)} 条警告，请尽量修改）" if warnings else ""
    log.info(f"检查通过：{len(pages)} 个页面，{items} 个条目{note}")
    return 0

