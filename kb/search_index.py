"""Make Material's search index work for Chinese and cost less.

Material segments Chinese with `jieba.cut`, which keeps compounds whole
(打麻将, 整改措施), so a search for 麻将 or 措施 finds nothing. For every
entry this adds a `keywords` field with jieba's search-engine segmentation of
the title and text (sub-words of every compound), which the theme indexes but
never displays. The index is then written without ASCII escapes, which halves
the size of Chinese text.
"""
from __future__ import annotations

import functools
import json
import re

import jieba

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
KEYWORDS_FIELD = "keywords"

MAX_REGISTERED_WORD = 6

jieba.setLogLevel(60)


def register_words(words) -> None:
    """Teach jieba the glossary's terms, so that 纠治四风 is cut as 纠治 / 四风.

    Material's search plugin segments with the global jieba in the same
    process, so words added here reach the search index. Only short terms are
    added: a long dictionary entry would swallow the words inside it.
    """
    for word in words:
        if 2 <= len(word) <= MAX_REGISTERED_WORD and _HAN.fullmatch(word):
            jieba.add_word(word)


def subwords(text: str) -> list[str]:
    """Sub-words of the compounds in `text` that are not already tokens of it.

    Material has already cut the text into tokens joined by zero-width spaces;
    only tokens longer than two Han characters can hide a sub-word, so only
    those are cut again (and each distinct token once per build)."""
    tokens = [t for t in re.split(r"[\u200b\s]+", text) if t]
    if "\u200b" not in text:
        tokens = [w for run in _HAN.findall(text) for w in jieba.cut(run)]
    present = set(tokens)
    words: dict[str, None] = {}
    for token in tokens:
        if len(token) > 2 and _HAN.fullmatch(token):
            for word in _search_cut(token):
                if word not in present:
                    words[word] = None
    return list(words)


@functools.lru_cache(maxsize=100_000)
def _search_cut(token: str) -> tuple[str, ...]:
    return tuple(w for w in jieba.cut_for_search(token) if len(w) > 1 and w != token)


def enrich(index: dict) -> dict:
    for entry in index.get("docs", []):
        words = subwords(entry.get("title", "") + " " + entry.get("text", ""))
        if words:
            entry[KEYWORDS_FIELD] = "\u200b".join(words)
    return index


def rewrite(path) -> tuple[int, int]:
    """Enrich the index file in place; return (bytes before, bytes after)."""
    with open(path, encoding="utf-8") as handle:
        raw = handle.read()
    data = enrich(json.loads(raw))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return len(raw.encode("utf-8")), len(text.encode("utf-8"))
