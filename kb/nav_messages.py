"""mkdocs' warnings about the navigation (`nav` in mkdocs.yml), in the editors' words.

mkdocs checks the nav itself and, under `--strict`, fails on its English warnings. The
build (through a logging filter in the hooks) and check.py (which runs mkdocs' nav code
on the same files) both show these instead, naming the page or the line of mkdocs.yml."""
from __future__ import annotations

import re

from .errors import ContentError

_OMITTED = re.compile(r'^The following pages exist in the docs directory, but are not included in the "nav" configuration:\n(.*)$', re.S)
_NOT_FOUND = re.compile(r"^A reference to '(.+)' is included in the 'nav' configuration, which is not found in the documentation files\.$")


def translate(message: str, config_text: str) -> list[ContentError] | None:
    """The Chinese errors for one of mkdocs' nav warnings; None for any other message.
    `config_text` is mkdocs.yml, to find the line of a nav entry."""
    omitted = _OMITTED.match(message)
    if omitted:
        paths = [line.strip().removeprefix("- ").strip() for line in omitted.group(1).splitlines() if line.strip()]
        return [ContentError(path, 1, "这个页面没有列入导航（mkdocs.yml 的 nav），读者找不到它",
                             "请在 mkdocs.yml 的 nav 中加入这个页面；条目页面请放在对应类型的目录中（例如 docs/problems/）")
                for path in paths]
    missing = _NOT_FOUND.match(message)
    if missing:
        target = missing.group(1)
        line = next((number for number, text in enumerate(config_text.split("\n"), 1) if text.rstrip().endswith(target)), None)
        return [ContentError("mkdocs.yml", line, f"导航（nav）中的“{target}”在这一版网站中不存在",
                             "请检查文件名；仅限内部（audience: internal）的页面不能列入导航，否则公开版会缺页")]
    return None
