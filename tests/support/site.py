"""Helpers for tests that look at a whole built site: snapshots and full-text views."""
from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path
import re
import zipfile


def snapshot(site: Path) -> dict[str, str]:
    """Every file under `site` (POSIX relative path) -> sha256 of its bytes."""
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*")) if path.is_file()
    }


def changed_files(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """Paths added, removed or changed between two snapshots."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _unescape_json(text: str) -> str:
    """Decode `\\uXXXX` escapes (also surrogate pairs), so escaped text is searchable too."""
    decoded = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def text_views(path: Path) -> list[tuple[str, str]]:
    """(label, text) views of one site file: raw UTF-8, `\\u` escapes decoded, zero-width
    word separators removed, and the members of zip files (.xlsx) and gzip files (sitemap.xml.gz)."""
    data = path.read_bytes()
    views: list[tuple[str, bytes]] = [(path.name, data)]
    if data[:2] == b"\x1f\x8b":
        views.append((f"{path.name}!gunzip", gzip.decompress(data)))
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                views.append((f"{path.name}!{name}", archive.read(name)))
    result = []
    for label, raw in views:
        text = raw.decode("utf-8", "replace")
        result.append((label, text))
        if "\\u" in text:
            text = _unescape_json(text)
            result.append((f"{label}!unescaped", text))
        # The Chinese search index separates words with zero-width spaces (内部\u200b标记).
        if "\u200b" in text:
            result.append((f"{label}!unsegmented", text.replace("\u200b", "")))
    return result


def find_in_site(site: Path, needles: list[str]) -> list[str]:
    """Every `file (view): needle` where a needle occurs anywhere in the site, in any view."""
    hits = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        for label, text in text_views(path):
            for needle in needles:
                if needle in text:
                    hits.append(f"{rel} ({label}): {needle}")
    return hits

