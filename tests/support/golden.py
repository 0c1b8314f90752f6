"""Golden files: the expected output stored in the case file, rewritten on request.

`pytest --update-golden` calls `rewrite_key` instead of asserting, so a deliberate change
of a message is one command and a reviewed diff, not hand-editing YAML."""
from __future__ import annotations

from pathlib import Path
import re

import yaml

_TOP_LEVEL_KEY = re.compile(r"^[A-Za-z_][\w-]*:", re.M)


class _Dumper(yaml.SafeDumper):
    """Page texts as literal blocks (`|`), as a person writes them; PyYAML falls back to a
    quoted string for text a block cannot hold (trailing spaces, control characters, BOM)."""


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def rewrite_key(path: Path, key: str, value) -> None:
    """Replace the top-level `key:` block of a YAML case file with `value`, leaving the
    rest of the file (comments, block scalars) as it is; append it if missing."""
    text = path.read_text(encoding="utf-8")
    block = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, width=1000, sort_keys=False) if value else ""
    block = block.removesuffix("...\n")  # the end-of-document mark after a kept final newline
    match = re.search(rf"^{re.escape(key)}:.*$", text, re.M)
    if match is None:
        text = text.rstrip("\n") + "\n" + block
    else:
        following = _TOP_LEVEL_KEY.search(text, match.end())
        end = following.start() if following else len(text)
        text = text[: match.start()] + block + text[end:]
    path.write_text(text, encoding="utf-8")
