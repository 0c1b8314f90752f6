"""Small, shared views of Markdown source: lines outside code, link targets."""
from __future__ import annotations

import re
from typing import Iterator

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+\1")


def prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """(0-based offset, line) for lines outside fenced code, with inline code blanked."""
    fence = None
    for offset, line in enumerate(body.split("\n")):
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)[0]
            if fence is None:
                fence = marker
                continue
            if fence == marker:
                fence = None
                continue
        if fence is None:
            yield offset, _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
# Quoted or unquoted attribute values: `<a href=x/>` is valid HTML and must be checked too.
_HTML_REF = re.compile(r"\b(?:href|src)\s*=\s*(?:\"([^\"]+)\"|'([^']+)'|([^\s\"'>]+))", re.I)


def link_targets(body: str) -> Iterator[tuple[int, str]]:
    for offset, line in prose_lines(body):
        for pattern in (_MD_LINK, _REF_DEF, _HTML_REF):
            for match in pattern.finditer(line):
                yield offset, match.group(match.lastindex)
