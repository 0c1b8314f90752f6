"""Change a few top-level keys of a page's front matter and leave every other line as the
editor wrote it (comments, order, quoting, line endings): a tool's edit then shows in a pull
request as the lines it changed and nothing else.

Not a YAML round trip (ruamel.yaml would keep comments, but re-indents and re-quotes
values it did not change); the result is read back with PyYAML and compared with what was
meant, so an edit that would read differently is refused rather than written.
"""
from __future__ import annotations

import datetime as dt
import re

import yaml

from .new import yaml_scalar


class EditError(Exception):
    pass


_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def _scalar(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()  # a bare date: the loader reads dates, and editors write them so
    return yaml_scalar(str(value))


def set_keys(text: str, values: dict[str, object], *, insert_before: tuple[str, ...] = ()) -> str:
    """`text` (a whole page) with each key of `values` set to that one-line value: the key's
    lines replaced where it stands, or a new line added before the first of `insert_before`
    (the relation keys, so lifecycle fields sit with the other fields), else at the end."""
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    newline = "\r\n" if "\r\n" in body else "\n"
    lines = body.split(newline)
    if not lines or lines[0].strip() != "---":
        raise EditError("页面开头没有 front matter（第一行应为 ---）")
    try:
        end = next(n for n in range(1, len(lines)) if lines[n].rstrip() in ("---", "..."))
    except StopIteration:
        raise EditError("front matter 没有结束行 ---") from None
    before = yaml.safe_load(newline.join(lines[1:end])) or {}
    for key, value in values.items():
        start = next((n for n in range(1, end) if (m := _TOP_LEVEL_KEY.match(lines[n])) and m.group(1) == key), None)
        new_line = f"{key}: {_scalar(value)}"
        if start is None:
            at = next((n for n in range(1, end) if (m := _TOP_LEVEL_KEY.match(lines[n])) and m.group(1) in insert_before), end)
            lines.insert(at, new_line)
            end += 1
            continue
        stop = start + 1
        # The key's value goes on while lines are indented, or are `- ` items of a block list.
        while stop < end and (lines[stop][:1] in (" ", "\t", "-") or not lines[stop].strip()):
            stop += 1
        while stop > start + 1 and not lines[stop - 1].strip():  # blank lines before the next key stay
            stop -= 1
        lines[start:stop] = [new_line]
        end -= stop - start - 1
    after = yaml.safe_load(newline.join(lines[1:end])) or {}
    expected = {**before, **{k: (v if isinstance(v, dt.date) else str(v)) for k, v in values.items()}}
    if after != expected:
        raise EditError("修改后的 front matter 读出来与预期不同，没有写入")
    result = newline.join(lines)
    return ("\ufeff" if bom else "") + result
