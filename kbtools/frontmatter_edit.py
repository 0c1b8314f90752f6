"""Change a few top-level keys of a page's front matter and leave every other line as the
editor wrote it (comments, order, quoting, line endings): a tool's edit then shows in a pull
request as the lines it changed and nothing else.

Not a YAML round trip (ruamel.yaml would keep comments, but re-indents and re-quotes
values it did not change). Where each key and its value stand is read from PyYAML's node
marks, so a value over several lines (a block list, a quoted string that goes on at column
0) is replaced whole; the result is read back and compared with what was meant, and an edit
that would read differently is refused rather than written.
"""
from __future__ import annotations

import datetime as dt
import re

import yaml

from .new import yaml_scalar


class EditError(Exception):
    pass


_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


def _scalar(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()  # a bare date: the loader reads dates, and editors write them so
    return yaml_scalar(str(value))


def _load(text: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise EditError(f"front matter 不是有效的 YAML（{type(error).__name__}）") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EditError("front matter 不是“键: 值”的形式")
    return data


def _spans(text: str) -> dict[str, tuple[int, int, int]]:
    """Each top-level key → (first line, line of the value's end, column of the value's end),
    lines counted from 0 within the front matter."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise EditError(f"front matter 不是有效的 YAML（{type(error).__name__}）") from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise EditError("front matter 不是“键: 值”的形式")
    spans = {}
    for key, value in node.value:
        if key.value in spans:
            raise EditError(f"front matter 中有两个 {key.value}")
        spans[key.value] = (key.start_mark.line, value.end_mark.line, value.end_mark.column)
    return spans


def set_keys(text: str, values: dict[str, object], *, insert_before: tuple[str, ...] = ()) -> str:
    """`text` (a whole page) with each key of `values` set to that one-line value: the key's
    lines replaced where it stands, or a new line added before the first of `insert_before`
    (the relation keys, so lifecycle fields sit with the other fields), else at the end."""
    bom = text.startswith("\ufeff")
    lines = (text[1:] if bom else text).splitlines(keepends=True)  # each line keeps its own ending
    if not lines or lines[0].strip() != "---":
        raise EditError("页面开头没有 front matter（第一行应为 ---）")
    end = next((n for n in range(1, len(lines)) if _FENCE.match(lines[n].rstrip("\r\n"))), None)
    if end is None:
        raise EditError("front matter 没有结束行 ---")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    header = lines[1:end]
    before = _load("".join(header))
    for key, value in values.items():
        spans = _spans("".join(header))
        new_line = f"{key}: {_scalar(value)}"
        if key not in spans:
            at = min((spans[k][0] for k in insert_before if k in spans), default=len(header))
            header.insert(at, new_line + newline)
            continue
        first, last, column = spans[key]
        if column == 0 and last > first:  # a block value ends where the next key begins,
            last -= 1                     # after any blank lines and comments, which stay
            column = None
            while last > first and (not header[last].strip() or header[last].lstrip().startswith("#")):
                last -= 1
        rest = header[last][column:] if column is not None else ""
        comment = rest.strip()
        if comment.startswith("#"):  # a comment after the value stays with it
            new_line += "  " + comment
        ending = header[last][len(header[last].rstrip("\r\n")):] or newline
        header[first:last + 1] = [new_line + ending]
    after = _load("".join(header))
    expected = {**before, **{k: (v if isinstance(v, dt.date) else str(v)) for k, v in values.items()}}
    if after != expected:
        raise EditError("修改后的 front matter 读出来与预期不同，没有写入")
    return ("\ufeff" if bom else "") + "".join([lines[0], *header, *lines[end:]])
