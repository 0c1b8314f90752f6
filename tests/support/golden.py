"""Golden files: the expected output stored in the case file, rewritten on request.

`pytest --update-golden` calls `rewrite_key` instead of asserting, so a deliberate change
of a message is one command and a reviewed diff, not hand-editing YAML."""
from __future__ import annotations

from pathlib import Path
import re

import yaml

_TOP_LEVEL_KEY = re.compile(r"^[A-Za-z_][\w-]*:", re.M)


def rewrite_key(path: Path, key: str, value) -> None:
    """Replace the top-level `key:` block of a YAML case file with `value`, leaving the
    rest of the file (comments, block scalars) as it is; append it if missing."""
    text = path.read_text(encoding="utf-8")
    block = yaml.safe_dump({key: value}, allow_unicode=True, width=1000, sort_keys=False) if value else ""
    match = re.search(rf"^{re.escape(key)}:.*$", text, re.M)
    if match is None:
        text = text.rstrip("\n") + "\n" + block
    else:
        following = _TOP_LEVEL_KEY.search(text, match.end())
        end = following.start() if following else len(text)
        text = text[: match.start()] + block + text[end:]
    path.write_text(text, encoding="utf-8")
