"""检查知识库：与构建使用同一套校验，公开版和内部版都检查，并做中文文案检查。

    python scripts/check.py                      # 检查全部页面
    python scripts/check.py docs/problems/problem-05.md   # 只检查、只显示这些文件（快）
    python scripts/check.py --strict             # 有警告（排版、待填写的 TODO）也算失败
    python scripts/check.py --fix                # 先自动改正能安全改正的排版问题，再检查
    python scripts/check.py --format github      # 另外输出 GitHub 的注释（拉取请求中显示在出错的行上）

错误（exit 1）按“文件:行号: 说明（修改建议）”列出，文案检查的错误和警告按
“文件:行号:列号: 代码 说明”列出（规则见 kb/copylint.py 和 CONTRIBUTING.md）。警告默认
不影响结果（exit 0），加 --strict 时算失败。构建（mkdocs build/serve）报告的是同样的内容。
无论是否指定文件，都会加载整个知识库，这样编号引用和链接才能正确核对；指定了文件时只渲染
这些文件的正文（宏和 HTML 的检查），它们的错误与检查全部时相同。
"""
from __future__ import annotations

import argparse
from dataclasses import replace
import functools
import logging
from pathlib import Path

from kb import copylint
from kb.errors import ContentError, sort_key
from kb.frontmatter import read_page

from .project import Project, load_project, settings_errors, setup_logging, validate

log = logging.getLogger("kb.scripts")
BOM = b"\xef\xbb\xbf"
# Fixing can make a new finding (a space added after a full-width letter became
# half-width): a few rounds, each from a fresh reading of the pages.
FIX_ROUNDS = 3


# -- fixing ---------------------------------------------------------------------


def fix_pages(project: Project, prefixes: list[str] | None) -> list[ContentError]:
    """Make the copy lint's safe fixes in the selected pages; return the findings fixed."""
    fixed: list[ContentError] = []
    for _ in range(FIX_ROUNDS):
        content = project.load_content()
        fixable = {path: edits for path, edits in content.edits.items() if _matches(path, prefixes)}
        if not fixable:
            break
        changed = False
        for path, edits in sorted(fixable.items()):
            done = fix_file(project.docs_dir / path, path, edits)
            if done:
                changed = True
                fixed += [w for w in content.warnings if w.path == path and _edit_at(w, done)]
        if not changed:
            break
    return fixed


def _edit_at(warning: ContentError, edits: list[copylint.Edit]) -> bool:
    return any(edit.line == warning.line and edit.column == warning.column for edit in edits)


def fix_file(file: Path, path: str, edits: list[copylint.Edit]) -> list[copylint.Edit]:
    """Write the edits into the file, keeping its BOM and line ends; return the edits made.
    Edits of the front matter are kept only if the page then reads as it did, values
    aside (a fix must never break the YAML or change a key)."""
    data = file.read_bytes()
    bom = data.startswith(BOM)
    text = data[len(BOM):].decode("utf-8") if bom else data.decode("utf-8")
    before = _reading(data, path)
    for attempt in (edits, [e for e in edits if before is None or e.line >= before.body_line]):
        new_text = copylint.apply_edits(text, attempt)
        if new_text == text:
            return []
        new_data = (BOM if bom else b"") + new_text.encode("utf-8")
        after = _reading(new_data, path)
        if before is None or (after is not None and _same_shape(before, after)):
            file.write_bytes(new_data)
            return attempt
    return []


def _reading(data: bytes, path: str):
    try:
        return read_page(data, path)
    except ContentError:
        return None


def _same_shape(before, after) -> bool:
    """The same keys on the same lines, the same body start, values of the same kinds."""
    return (before.key_lines == after.key_lines and before.body_line == after.body_line
            and {k: type(v) for k, v in before.meta.items()} == {k: type(v) for k, v in after.meta.items()})


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
    parser = argparse.ArgumentParser(description="检查知识库内容（公开版和内部版），并做中文文案检查。")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="只检查和显示这些文件或目录（默认全部）：仍加载整个知识库，但只渲染这些页面的正文")
    parser.add_argument("--strict", action="store_true", help="警告（排版、待填写的 TODO）也视为失败")
    parser.add_argument("--fix", action="store_true", help="先自动改正能安全改正的排版问题（空格、标点、形近字、看不见的字符、行尾空格），再检查")
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
    if args.fix:
        fixed = fix_pages(project, prefixes)
        for warning in fixed:
            log.info(f"已改正 {_shown(project, replace(warning, hint='', warning=False))}")
        files = len({w.path for w in fixed})
        log.info(f"--fix：在 {files} 个文件中改正了 {len(fixed)} 处。" if fixed else "--fix：没有可以自动改正的地方。")
    # Only the named files' pages are rendered: rendering a page reports errors in that
    # page alone, so theirs are all found, in a fraction of the time of the whole site.
    result = validate(project, rendered=None if prefixes is None else functools.partial(_matches, prefixes=prefixes))
    content = result.content

    shown = [f for f in result.findings if _matches(f.error.path, prefixes)]
    hidden = len(result.findings) - len(shown)
    pages = [p for p in sorted(content.pages) if _matches(p, prefixes)] if content else []
    if prefixes is not None:
        # Files that could not even be read are not in content.pages; still count them.
        pages = sorted(set(pages) | {f.error.path for f in shown if f.error.path.endswith(".md")})
    warnings = [w for w in (content.warnings if content else []) if _matches(w.path, prefixes)]

    for finding in shown:
        text = finding.render(project)
        log.error(text)
        _annotate(args, "error", project.display_path(finding.error.path), finding.error.line, text, finding.error.column)
    for warning in sorted(warnings, key=sort_key):
        text = _shown(project, warning)
        log.warning(text)
        _annotate(args, "error" if args.strict else "warning", project.display_path(warning.path), warning.line, text, warning.column)
    if hidden:
        log.info(f"另有 {hidden} 处错误在其他文件中，未显示（不带参数运行 python scripts/check.py 可查看全部）。")
    if prefixes is not None and "" not in prefixes:
        log.info("只渲染了所选文件的正文：其他文件的宏结果和 HTML 没有检查，提交前请不带参数运行一次 python scripts/check.py。")

    items = sum(1 for p in pages if p in content.pages and content.pages[p].item is not None) if content else 0
    fixable = sum(1 for w in warnings if copylint.RULES[w.code].fixable) if not args.fix else 0
    tip = f"{fixable} 条警告可以用 python scripts/check.py --fix 自动改正。" if fixable else ""
    if shown:
        log.error(f"检查未通过：发现 {len(shown)} 处错误。请按上面的提示逐条修改后重新运行 python scripts/check.py。{tip}")
        return 1
    if warnings and args.strict:
        log.error(f"检查未通过（--strict）：有 {len(warnings)} 条警告。{tip}")
        return 1
    note = f"（另有 {len(warnings)} 条警告，请尽量修改{'；' + tip if tip else ''}）" if warnings else ""
    log.info(f"检查通过：{len(pages)} 个页面，{items} 个条目{note}")
    return 0


def _shown(project: Project, error: ContentError) -> str:
    return str(replace(error, path=project.display_path(error.path)))
