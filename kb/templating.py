"""Page templates: Jinja's syntax, of which a page may use only output of text, of a
documented variable and calls of documented macros with literal arguments.

mkdocs-macros renders pages with a full Jinja environment, where page text can
reach `os` through `__globals__` and read secrets. The knowledge base turns
that rendering off and renders every page here instead. Jinja's parser reads the
page (the checks below name every piece of syntax outside the subset, with its
line); nothing of the page is compiled or run as code: `render` walks the parsed
tree and knows only the subset's four kinds of node (text, a string, a variable or
one of its names, a macro call with literal arguments), refusing any other. The
names are plain data and the bound macro functions, nothing else: no loader (so no
include/import), no default globals (no lipsum, cycler, joiner, namespace). Pages are
checked before the build starts, so a bad template stops the build before anything is
written.

Why not Jinja's own rendering (its immutable sandbox, as before): it compiles each page
to Python first, about a millisecond a page, for a language without a loop or a
condition: at 2,000 items two thirds of the build's template phase (1.39 → 0.47 s CPU)
and 13% of check.py's CPU. And a tree walker that evaluates four kinds of node has no
sandbox to escape.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
import functools
import re
import time

from jinja2 import Environment, TemplateSyntaxError, nodes

from .errors import ContentError

# Only Jinja's parser is used: its lexer's settings are what matter (the defaults, and
# the page's last newline kept). tests/support/jinja_sandbox.py holds the sandbox pages were
# rendered in before, which the tests compare `render` with.
_ENV = Environment(keep_trailing_newline=True)
# A page's template is parsed once per text, not once per use: the checks, the split
# listings and rendering read it, check.py renders every page for both audiences, and
# `mkdocs serve` renders them on every save. Bounded, so a long serve session cannot
# grow without end.
_TEMPLATE_CACHE_SIZE = 8192


@functools.lru_cache(maxsize=_TEMPLATE_CACHE_SIZE)
def _parsed(text: str) -> nodes.Template:
    """The page's template tree, read only (never changed: the cache hands out the same one)."""
    return _ENV.parse(text)


def _parse(text: str, path: str, first_line: int) -> nodes.Template:
    """The page's template tree, or the ContentError to show for it. Jinja's parser fails
    with more than its syntax error: Python's recursion limit on ~60 nested brackets, its
    integer limit on a 4,300-digit number. And some trees it makes without recursing are
    too deep for anything that walks them recursively (its own find_all, the checks):
    `{{ 1+1+…+1 }}`, `{{ org.a.a.…a }}`. Each is the editor's to fix, with a line."""
    try:
        template = _parsed(text)
    except TemplateSyntaxError as error:
        raise ContentError(path, first_line + (error.lineno or 1) - 1, f"模板语法错误：{_syntax_message(error)}",
                           _SYNTAX_HINT) from None
    except (RecursionError, ValueError, OverflowError, MemoryError):
        found = _DEEP_OR_LONG.search(text)
        raise ContentError(path, first_line + (text.count("\n", 0, found.start()) if found else 0),
                           _TOO_DEEP, _SYNTAX_HINT) from None
    if (line := _too_deep_at(text)) is not None:
        raise ContentError(path, first_line + line - 1, _TOO_DEEP, _SYNTAX_HINT)
    return template


_TOO_DEEP = "模板写法不对：表达式嵌套过深或数字过长"
# Where the parser's limits are likely met: a run of opening brackets, unary operators or
# calls, or a very long number.
_DEEP_OR_LONG = re.compile(r"(?:(?:[(\[{]|not\b|[-+~]|\w+\s*\()\s*){20,}|\d{1000,}")
# A page's tree is four levels deep (template, output, call, argument); far below what
# Python's recursion limit lets the walkers reach.
_MAX_DEPTH = 50


@functools.lru_cache(maxsize=_TEMPLATE_CACHE_SIZE)
def _too_deep_at(text: str) -> int | None:
    """The template line of the first node deeper than _MAX_DEPTH in the page's (parsed)
    tree, measured without recursing; None when none is."""
    stack = [(_parsed(text), 1)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return node.lineno or 1
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return None


def has_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


# The template language a page may use: output of text, of a documented variable
# (`{{ site_name }}`, `{{ org.city }}`) and calls of documented macros with literal
# arguments. No loops, conditions, assignments, macros of its own, filters or
# arithmetic: without them, a page's cost is bounded by its length, and nothing in it
# can recurse, loop or build huge values (`{{ 'a' * 10**9 }}`).
_NODE_NAMES = {
    nodes.For: "{% for %} 循环", nodes.If: "{% if %} 判断", nodes.Macro: "{% macro %} 定义",
    nodes.CallBlock: "{% call %}", nodes.FilterBlock: "{% filter %}", nodes.With: "{% with %}",
    nodes.Assign: "{% set %} 赋值", nodes.AssignBlock: "{% set %} 赋值", nodes.Block: "{% block %}",
    nodes.Filter: "过滤器（|）", nodes.Test: "is 判断", nodes.CondExpr: "if … else 表达式",
    nodes.BinExpr: "运算符", nodes.UnaryExpr: "运算符", nodes.Compare: "比较", nodes.Concat: "~ 拼接",
    nodes.Getitem: "[…] 取值", nodes.Slice: "切片", nodes.List: "列表", nodes.Tuple: "元组",
    nodes.Dict: "字典", nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "import",
    nodes.Extends: "extends", nodes.Call: "调用", nodes.Const: "数字或 true/false 等值",
}
_SYNTAX_HINT = "宏要写成 {{ 宏名(参数) }}；只想显示花括号时请用 {% raw %}…{% endraw %} 包起来"
SUBSET_HINT = "页面中只能写 {{ 宏名(参数) }}、{{ org.名称 }}、{{ site_name }}、{{ build.date }}，见 docs/guide/macros.md；只想显示花括号时请用 {% raw %}…{% endraw %}"
# Budget of one page's rendering: the macros' output and the time they may take.
MAX_OUTPUT_CHARS = 8_000_000
MAX_SECONDS = 20.0


def check_template(text: str, *, path: str, first_line: int, macros: set[str],
                   variables: Mapping[str, object]) -> list[ContentError]:
    """Static checks of a page's template code, with the file line of each problem.

    `macros` are the callable names; `variables` maps the other names to their
    values (a mapping's keys are the attributes a page may read)."""
    if not has_template(text):
        return []
    try:
        ast = _parse(text, path, first_line)
    except ContentError as error:
        return [error]
    errors: list[ContentError] = []

    def fail(node: nodes.Node, message: str, hint: str = SUBSET_HINT) -> None:
        errors.append(ContentError(path, first_line + (node.lineno or 1) - 1, message, hint))

    for output in ast.body:
        if isinstance(output, nodes.Output):
            for child in output.nodes:
                _check_output(child, macros, variables, fail)
        else:
            fail(output, f"页面中不能使用{_describe_node(output)}")
    return errors


def macro_calls(text: str) -> list[tuple[str, tuple]]:
    """The macros a page calls, with their literal arguments, in order; nothing for a page
    whose template does not parse (check_template reports it)."""
    if not has_template(text):
        return []
    try:
        ast = _parse(text, "", 1)
    except ContentError:
        return []
    return [(call.node.name, tuple(argument.value for argument in [*call.args, *(k.value for k in call.kwargs)]
                                   if isinstance(argument, nodes.Const)))
            for call in ast.find_all(nodes.Call) if isinstance(call.node, nodes.Name)]


def _literal_arguments(call: nodes.Call) -> bool:
    """Whether every argument is a string or an integer written out (not true/false/none)."""
    return all(isinstance(a, nodes.Const) and isinstance(a.value, (str, int)) and not isinstance(a.value, bool)
               for a in [*call.args, *(keyword.value for keyword in call.kwargs)])


def _bad_keyword(call: nodes.Call) -> str | None:
    """A keyword given twice (Jinja refuses it when compiling) or starting with "_" (Jinja
    drops `_loop_vars` and `_block_vars` silently): no macro has such a parameter."""
    seen: set[str] = set()
    for keyword in call.kwargs:
        if keyword.key in seen or keyword.key.startswith("_"):
            return keyword.key
        seen.add(keyword.key)
    return None


def _describe_node(node: nodes.Node) -> str:
    for kind, name in _NODE_NAMES.items():
        if isinstance(node, kind):
            return name
    return "这种模板写法"


def _check_output(node, macros, variables, fail) -> None:
    if isinstance(node, nodes.TemplateData):
        return
    # Name the attack rather than the first unsupported piece of syntax around it.
    protected = [attribute.attr for attribute in node.find_all(nodes.Getattr) if attribute.attr.startswith("_")]
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        protected.insert(0, node.attr)
    if protected:
        fail(node, f"模板试图访问受保护的属性“{protected[-1]}”，已拒绝")
        return
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return
    if isinstance(node, nodes.Name):
        if node.name in macros:
            fail(node, f"宏“{node.name}”后面要加括号", f"请写成 {{{{ {node.name}(…) }}}}，参数见 docs/guide/macros.md")
        elif node.name in variables and isinstance(variables[node.name], str):
            return
        elif node.name in variables:
            fail(node, f"变量“{node.name}”要写出具体名称", f"例如 {{{{ {node.name}.{next(iter(variables[node.name]), '名称')} }}}}")
        else:
            fail(node, f"未知的宏或变量“{node.name}”", "可用的宏和变量见 docs/guide/macros.md；只想显示花括号时请用 {% raw %}…{% endraw %}")
        return
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        owner = variables.get(node.node.name)
        if node.attr.startswith("_"):
            fail(node, f"模板试图访问受保护的属性“{node.attr}”，已拒绝")
        elif node.node.name not in variables and node.node.name not in macros:
            fail(node, f"未知的宏或变量“{node.node.name}”", "可用的宏和变量见 docs/guide/macros.md")
        elif not isinstance(owner, Mapping) or node.attr not in owner:
            names = "、".join(owner) if isinstance(owner, Mapping) else "无"
            fail(node, f"“{node.node.name}”下没有“{node.attr}”", f"可用的名称：{names}")
        return
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
        name = node.node.name
        if name not in macros:
            fail(node, f"未知的宏或变量“{name}”", "可用的宏和变量见 docs/guide/macros.md；只想显示花括号时请用 {% raw %}…{% endraw %}")
            return
        if node.dyn_args is not None or node.dyn_kwargs is not None or not _literal_arguments(node):
            fail(node, f"宏“{name}”的参数只能是写在引号中的文字或整数", f"例如 {{{{ {name}(\"problem-01\") }}}}")
        elif (keyword := _bad_keyword(node)) is not None:
            fail(node, f"宏“{name}”的参数名“{keyword}”写了两次或不能使用", "每个参数只写一次，参数名见 docs/guide/macros.md")
        return
    if isinstance(node, nodes.Call):
        fail(node, "宏只能直接按名称调用", "例如 {{ link(\"problem-01\") }}，可用的宏见 docs/guide/macros.md")
        return
    if isinstance(node, nodes.Getattr):
        fail(node, "页面中只能读取 org、build 下的一层名称", "例如 {{ org.city }}，见 docs/guide/macros.md")
        return
    fail(node, f"页面中不能使用{_describe_node(node)}")


# Jinja's English syntax messages, matched in order, and what they mean to an editor.
_SYNTAX_MESSAGES = (
    (re.compile(r"unexpected end of template", re.I), "模板没有结束（缺少 }} 或 %}，或 {% raw %} 没有对应的 {% endraw %}）"),
    (re.compile(r"Missing end of comment tag"), "注释没有结束：{# 后面缺少 #}"),
    (re.compile(r"unknown tag", re.I), "不认识的模板语句"),
    (re.compile(r"tag name expected"), "{% 后面缺少语句"),
    (re.compile(r"""unexpected char ['"]['"]['"]|unexpected char '"'"""), "引号没有配对"),
    (re.compile(r"unexpected char"), "模板中有不能使用的字符"),
    (re.compile(r"unexpected '\}'|unexpected '\)'|unexpected '\]'|expected '\)'|expected '\]'"), "括号或花括号不配对"),
    (re.compile(r"Expected an expression|unexpected 'end of print statement'|unexpected 'end of statement block'"),
     "{{ }} 或 {% %} 中缺少内容，或运算符后面缺少值"),
    (re.compile(r"expected token|unexpected ','"), "括号、引号或逗号不配对"),
)


def _syntax_message(error: TemplateSyntaxError) -> str:
    """Jinja's English syntax messages, in words an editor can act on; never the English."""
    message = error.message or ""
    for pattern, chinese in _SYNTAX_MESSAGES:
        if pattern.search(message):
            return chinese
    return "写法不对：请对照 docs/guide/macros.md 检查花括号、括号、引号和逗号"


def render(text: str, *, path: str, first_line: int, names: Mapping[str, object]) -> str:
    """Render a page body; any failure is a ContentError naming the line.

    The output is made piece by piece so that a page whose macros would produce more
    than MAX_OUTPUT_CHARS, or run longer than MAX_SECONDS, stops with an error instead
    of exhausting memory or hanging the build."""
    if not has_template(text):
        return text
    template = _parse(text, path, first_line)
    started = time.monotonic()
    size = 0
    chunks: list[str] = []
    for node in _output_nodes(template, path, first_line):
        try:
            chunk = _value(node, names)
        except _Refused:
            raise _refusal(node, names, path, first_line) from None
        except ContentError:
            raise
        except Exception as error:  # any failure of a macro is the editor's to fix, with a line
            raise ContentError(path, first_line + (node.lineno or 1) - 1, f"宏调用出错：{_describe(error)}",
                               "请对照 docs/guide/macros.md 检查宏名、参数和编号") from None
        size += len(chunk)
        chunks.append(chunk)
        if size > MAX_OUTPUT_CHARS or time.monotonic() - started > MAX_SECONDS:
            raise ContentError(path, first_line, "页面的宏输出过多或耗时过长，已停止",
                               "请减少本页调用的宏（例如同一个表格只放一次），或把内容拆到几个页面")
    return "".join(chunks)


class _Refused(Exception):
    """Template code outside the subset: `render` says why in the checks' words (_refusal)."""


def _refusal(node: nodes.Node, names: Mapping[str, object], path: str, first_line: int) -> ContentError:
    """The error for template code `render` refuses: in the words of the checks before the
    build (check_template), which name the attack rather than the first piece of syntax.
    The checks refuse whatever the walker does (tests/unit/test_template_walker.py); the
    last line is for a difference between the two, should one ever come in."""
    found: list[ContentError] = []

    def fail(where: nodes.Node, message: str, hint: str = SUBSET_HINT) -> None:
        found.append(ContentError(path, first_line + (where.lineno or 1) - 1, message, hint))

    macros = {name for name, value in names.items() if callable(value)}
    _check_output(node, macros, {name: value for name, value in names.items() if name not in macros}, fail)
    return found[0] if found else ContentError(path, first_line + (node.lineno or 1) - 1, "页面中不能使用这种模板写法", SUBSET_HINT)


def _output_nodes(template: nodes.Template, path: str, first_line: int) -> Iterator[nodes.Node]:
    for statement in template.body:
        if not isinstance(statement, nodes.Output):
            raise ContentError(path, first_line + (statement.lineno or 1) - 1,
                               f"页面中不能使用{_describe_node(statement)}", SUBSET_HINT)
        yield from statement.nodes


def _value(node: nodes.Node, names: Mapping[str, object]) -> str:
    """The text one output node puts in the page: what Jinja's rendering (autoescape off,
    strict undefined) gives for the four kinds of node a page may use."""
    if isinstance(node, nodes.TemplateData):
        return node.data
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value
    if isinstance(node, nodes.Name):
        value = _name(node.name, names)
        if not isinstance(value, str):
            raise _Refused
        return value
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        owner = _name(node.node.name, names)
        if node.attr.startswith("_") or not isinstance(owner, Mapping) or node.attr not in owner:
            raise _Refused
        return str(owner[node.attr])
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
        function = _name(node.node.name, names)
        if (not callable(function) or node.dyn_args is not None or node.dyn_kwargs is not None
                or not _literal_arguments(node) or _bad_keyword(node) is not None):
            raise _Refused
        return str(function(*(a.value for a in node.args), **{k.key: k.value.value for k in node.kwargs}))
    raise _Refused


def _name(name: str, names: Mapping[str, object]) -> object:
    if name not in names:
        raise _Refused
    return names[name]


def _describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"找不到编号“{error.args[0]}”（或它在当前可见范围内不存在）"
    if isinstance(error, TypeError):
        return "参数的个数或写法不对"
    if isinstance(error, RecursionError):
        return "嵌套过深"
    return str(error) or type(error).__name__


def bind(functions: Mapping[str, Callable], **values) -> dict[str, object]:
    names: dict[str, object] = dict(values)
    names.update(functions)
    return names
