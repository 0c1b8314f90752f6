"""Small, shared views of Markdown source: lines outside code, link targets."""
from __future__ import annotations

import bisect
from collections.abc import Iterator
import posixpath
import re
from urllib.parse import urlsplit

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")

# Every pattern here runs on text from pull requests, so each is written to take time
# linear in the line (no nested or adjacent quantifiers that can backtrack over the same
# characters); tests/unit/test_engine.py times them on long hostile lines.


def fenced_lines(body: str) -> Iterator[tuple[int, str, bool]]:
    """(0-based offset, line, whether the line is fenced code or a fence itself)."""
    fence = None
    for offset, line in enumerate(body.split("\n")):
        match = _FENCE.match(line)
        if match and fence is None:
            fence = match.group(1)[0]
            yield offset, line, True
        elif match and fence == match.group(1)[0]:
            fence = None
            yield offset, line, True
        else:
            yield offset, line, fence is not None


def prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """(0-based offset, line) for lines outside fenced code, with inline code blanked."""
    for offset, line, in_code in fenced_lines(body):
        if not in_code:
            yield offset, blank_inline_code(line)


def blank_inline_code(line: str, fill: str = " ") -> str:
    """The line with every code span (a run of backticks up to the next run of the same
    length) replaced by `fill` characters, as many as it had."""
    runs = [match.span() for match in _BACKTICKS.finditer(line)]
    if len(runs) < 2:
        return line
    later_runs: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        later_runs.setdefault(end - start, []).append(index)
    chars = list(line)
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = later_runs[end - start]
        position = bisect.bisect_right(same, index)
        if position == len(same):
            index += 1
            continue
        closing = same[position]
        chars[start:runs[closing][1]] = fill * (runs[closing][1] - start)
        index = closing + 1
    return "".join(chars)


_HEADING_START = re.compile(r"^(#{1,6})\s+(\S.*)$")
_TRAILING_ATTRIBUTES = re.compile(r"\{[^{}]*\}$")


def _heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, without a closing `#` run or `{ attr list }`."""
    match = _HEADING_START.match(line)
    if match is None:
        return None
    text = match.group(2).rstrip()
    text = text.rstrip("#").rstrip() or text
    text = _TRAILING_ATTRIBUTES.sub("", text).rstrip() or text
    return len(match.group(1)), text


def headings(body: str) -> list[tuple[int, int, str]]:
    """(line offset in body, level, text) of every Markdown heading outside code fences."""
    found = []
    for offset, line, in_code in fenced_lines(body):
        heading = None if in_code else _heading(line)
        if heading:
            found.append((offset, *heading))
    return found


def sections(body: str) -> dict[str, str]:
    """The Markdown under each `## heading`, up to the next heading of level 1 or 2."""
    lines = body.split("\n")
    bounds = [(offset, level, text) for offset, level, text in headings(body) if level <= 2]
    result = {}
    for position, (offset, level, text) in enumerate(bounds):
        if level == 2:
            end = bounds[position + 1][0] if position + 1 < len(bounds) else len(lines)
            result.setdefault(text, "\n".join(lines[offset + 1:end]).strip("\n"))
    return result


# No `(`, `]` or quotes inside the parts, so a line of `](](…` or `](a "` is read in one pass.
_MD_LINK = re.compile(r"\]\(\s*<?([^()\[\]\s<>]+)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
# Quoted or unquoted attribute values: `<a href=x/>` is valid HTML and must be checked too.
# Only inside a tag: `&lt;img src=x&gt;` is text.
_HTML_REF = re.compile(r"<[A-Za-z][^<>]*?\b(?:href|src)\s*=\s*(?:\"([^\"]+)\"|'([^']+)'|([^\s\"'>]+))", re.I)


def link_targets(body: str) -> Iterator[tuple[int, str]]:
    for offset, line in prose_lines(body):
        for pattern in (_MD_LINK, _REF_DEF, _HTML_REF):
            for match in pattern.finditer(line):
                yield offset, match.group(match.lastindex)


def rebase_links(body: str, source_path: str, target_path: str) -> str:
    """The Markdown of a section of `source_path` shown on `target_path` (checklists,
    ledger): its relative links rewritten to point at the same files from there."""
    if source_path == target_path:
        return body

    def rebase(target: str) -> str:
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or target.startswith(("/", "{{", "{%")):
            return target
        if not parts.path:  # `#anchor` on the source page
            return posixpath.relpath(source_path, posixpath.dirname(target_path) or ".") + target
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), parts.path))
        rebased = posixpath.relpath(resolved, posixpath.dirname(target_path) or ".")
        if parts.path.endswith("/"):
            rebased += "/"
        return rebased + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")

    lines = body.split("\n")
    for offset, blanked in prose_lines(body):
        # Matched on the line with inline code blanked (same length), replaced in the original.
        spans = sorted({match.span(match.lastindex) for pattern in (_MD_LINK, _REF_DEF, _HTML_REF)
                        for match in pattern.finditer(blanked)}, reverse=True)
        line = lines[offset]
        for start, end in spans:
            line = line[:start] + rebase(line[start:end]) + line[end:]
        lines[offset] = line
    return "\n".join(lines)


_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.、])\s+(.*)$")


def bullet_points(markdown: str) -> list[str]:
    """The bullet points of a section, or its paragraphs when it has none."""
    bullets = [m.group(1).strip() for m in map(_BULLET.match, markdown.split("\n")) if m]
    if bullets:
        return bullets
    return [p.strip() for p in re.split(r"\n\s*\n", markdown) if p.strip()]


_INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")
_TAG = re.compile(r"<[^>]+>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")


def plain_text(markdown: str) -> str:
    """Inline Markdown as the text a reader sees, for spreadsheet cells: link texts without
    their targets, no emphasis marks or tags. (A regular expression, not a Markdown
    conversion per cell: sections are the editors' plain bullet points, and this runs for
    every row of every build.)"""
    # Escaped punctuation (\*) is text: set aside first so that no rule below reads it as markup.
    escaped: list[str] = []

    def set_aside(match: re.Match) -> str:
        escaped.append(match.group(1))
        return f"\uE000{len(escaped) - 1}\uE001"

    text = _ESCAPE.sub(set_aside, markdown.replace("\uE000", "").replace("\uE001", ""))
    text = _INLINE_LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    return re.sub("\uE000(\\d+)\uE001", lambda m: escaped[int(m.group(1))], text).strip()
