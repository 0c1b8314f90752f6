"""Page templates run in a Jinja sandbox that knows only the documented macros.

mkdocs-macros renders pages with a full Jinja environment, where page text can
reach `os` through `__globals__` and read secrets. The knowledge base turns
that rendering off and renders every page here instead: an immutable sandbox,
no loader (so no include/import), no default globals (no lipsum, cycler,
joiner, namespace), strict undefined, and only plain data and bound functions
as names. Pages are checked before the build starts, so a bad template stops
the build before anything is written.
"""
from __future__ import annotations

import traceback
from typing import Callable, Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.meta import find_undeclared_variables
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import ContentError

# The file name Jinja gives the compiled code of a string template; used to find
# the template line of a runtime error in the traceback.
TEMPLATE_NAME = "<template>"
_FORBIDDEN_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def make_environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.globals.clear()
    return env


_ENV = make_environment()


def has_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def check_template(text: str, *, path: str, first_line: int, allowed_names: set[str]) -> list[ContentError]:
    """Static checks of a page's template code, with the file line of each problem."""
    if not has_template(text):
        return []
    try:
        ast = _ENV.parse(text)
    except TemplateSyntaxError as error:
        return [ContentError(path, first_line + (error.lineno or 1) - 1, f"模板语法错误：{error.message}",
                             "宏要写成 {{ 宏名(参数) }}；只想显示花括号时请用 {% raw %}…{% endraw %} 包起来")]
    errors = []
    for node in ast.find_all(_FORBIDDEN_NODES):
        errors.append(ContentError(path, first_line + node.lineno - 1, "页面中不允许使用 include、import 或 extends", "只能使用 docs/guide/macros.md 中列出的宏"))
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        name = getattr(node, "attr", None)
        if name is None and isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        if isinstance(name, str) and name.startswith("_"):
            errors.append(ContentError(path, first_line + node.lineno - 1, f"模板试图访问受保护的属性“{name}”，已拒绝",
                                       "页面中只能使用 docs/guide/macros.md 中列出的宏和变量"))
    # `self` is resolved by Jinja itself, so it never counts as undeclared.
    special = {n.name for n in ast.find_all(nodes.Name) if n.name == "self"}
    for name in sorted((find_undeclared_variables(ast) | special) - allowed_names):
        line = next((n.lineno for n in ast.find_all(nodes.Name) if n.name == name), 1)
        errors.append(ContentError(path, first_line + line - 1, f"未知的宏或变量“{name}”",
                                   "可用的宏和变量见 docs/guide/macros.md；只想显示花括号时请用 {% raw %}…{% endraw %}"))
    return errors


def render(text: str, *, path: str, first_line: int, names: Mapping[str, object]) -> str:
    """Render a page body in the sandbox; any failure is a ContentError naming the line."""
    if not has_template(text):
        return text
    try:
        template = _ENV.from_string(text)
        template.name = TEMPLATE_NAME
        return template.render(**names)
    except TemplateSyntaxError as error:
        raise ContentError(path, first_line + (error.lineno or 1) - 1, f"模板语法错误：{error.message}") from None
    except SecurityError as error:
        raise ContentError(path, _template_line(error, first_line), "模板试图访问不允许的内容，已拒绝执行",
                           "页面中只能使用 docs/guide/macros.md 中列出的宏和变量") from None
    except UndefinedError as error:
        raise ContentError(path, _template_line(error, first_line), f"未知的宏或变量：{error.message}",
                           "可用的宏和变量见 docs/guide/macros.md") from None
    except ContentError:
        raise
    except (KeyError, ValueError, TypeError) as error:
        raise ContentError(path, _template_line(error, first_line), f"宏调用出错：{_describe(error)}",
                           "请对照 docs/guide/macros.md 检查宏名、参数和编号") from None


def _describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"找不到编号“{error.args[0]}”（或它在当前可见范围内不存在）"
    return str(error)


def _template_line(error: BaseException, first_line: int) -> int:
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename == TEMPLATE_NAME and frame.lineno:
            return first_line + frame.lineno - 1
    return first_line


def bind(functions: Mapping[str, Callable], **values) -> dict[str, object]:
    names: dict[str, object] = dict(values)
    names.update(functions)
    return names
