"""The loader reads front matter with libyaml, and with PyYAML's pure-Python parser whenever
libyaml finds a problem (kb/frontmatter.py). Both readings must agree: on every page of the
knowledge base and on every front matter in the test corpora (good, bad and hostile)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb import frontmatter
from kb.errors import ContentError
from kb.memo import BytesMemo

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "cases"


def _texts() -> list[tuple[str, str]]:
    texts = [(path.relative_to(REPO).as_posix(), path.read_text(encoding="utf-8")) for path in sorted((REPO / "docs").rglob("*.md"))]
    for folder in ("loader", "bad", "attack"):
        for case_file in sorted((CASES / folder).glob("*.yml")):
            data = yaml.safe_load(case_file.read_text(encoding="utf-8"))
            for number, case in enumerate(data if isinstance(data, list) else [data]):
                for name, text in ((case or {}).get("files") or {}).items():
                    if isinstance(text, str) and name.endswith(".md"):
                        texts.append((f"{case_file.name}#{number}:{name}", text))
    return texts


# Where YAML parsers are known to differ: plain scalars with colons, quotes and escapes,
# implicit types (dates, sexagesimal, octal, .inf, yes/no), block scalars, complex keys,
# directives, odd whitespace and line breaks, tags, anchors and deep nesting.
TRICKY = [
    "title: a: b", "title: 'unclosed", 'title: "bad \\q escape"', "- a list\n- at the root", "title: [a, b",
    "title: |\n  block\n  text", "title: >-\n  folded\n  text", "title: ！", "title: a\u0085b", "title: a\u2028b",
    "updated: 2026-02-30", "updated: 2026-1-5", "updated: 2026-02-28T25:00:00", "updated: 2026-02-28 10:00:00 +8",
    "x: 1e3", "x: 0x1F", "x: 0o17", "x: 017", "x: .inf", "x: ~", "x: yes", "x: On", "x: 12:30:00", "x: 1_000",
    "a: &x 1\nb: *x", "a: !!python/object:os.system x", "a: !custom x", "a: !!str 2024", "a: !!binary aGk=",
    "a:\n" + "".join("  " * n + f"k{n}:\n" for n in range(1, 11)) + "  " * 11 + "v: 1",
    "title: a\tb", "? complex key\n: value", "title: 'it''s'", "title: a\ntitle: b", "title: # only a comment",
    "# only a comment", "%YAML 1.1\n---\ntitle: a", 'title: "\\x1b"', "title: \ufeffa", "title: a\n  b\n  c",
    "tags: [监督执纪，主体责任]", 'title: "a" b', "title: @at", "title: `backtick", "key with space: v",
    "title: |\n\tindented", "title: a\r\nsource: b", "title: 'a\n\n  b'", "title:   ", "title: -", "title: - a",
    "title: {a: 1, b: [1, 2]}", "title: [[[[[[[[[[1]]]]]]]]]]", "<<: {a: 1}", "'<<': {a: 1}", "title: 'a' # c",
    "title: \"a\\\nb\"", "title: a #no-space-comment", "title: a#hash", "title: *", "title: &", "title: !",
    "title: %", "title: ?", "title: >", "title: |", "title: ,", "title: [a]b", "title: {a}b", "title: 中文：冒号",
]
TEXTS = _texts() + [(f"tricky-{n}.md", f"---\n{body}\n---\n\n正文\n") for n, body in enumerate(TRICKY)]


def _read(text: str, name: str):
    try:
        page = frontmatter._read_page(text.encode("utf-8"), name)  # not the cache: each reading afresh
    except ContentError as error:
        return ("error", str(error))
    return ("page", page.meta, page.key_lines, page.item_lines, page.body_line,
            str(page.unreadable_by_mkdocs) if page.unreadable_by_mkdocs else None)


def test_the_corpus_is_large_and_varied():
    assert len(TEXTS) > 250
    outcomes = [_read(text, name)[0] for name, text in TEXTS]
    assert outcomes.count("error") > 40 and outcomes.count("page") > 150


def test_libyaml_and_pure_python_read_every_front_matter_alike(monkeypatch):
    assert frontmatter.USE_LIBYAML, "PyYAML's wheel (requirements.txt) ships libyaml"
    fast = [_read(text, name) for name, text in TEXTS]
    monkeypatch.setattr(frontmatter, "USE_LIBYAML", False)
    slow = [_read(text, name) for name, text in TEXTS]
    different = [name for (name, _), a, b in zip(TEXTS, fast, slow, strict=True) if a != b]
    assert different == []


def test_pages_read_again_come_from_memory_which_stays_bounded(monkeypatch):
    """Under `mkdocs serve` every saved version of a page is remembered; the memory is
    emptied before it passes its limit, and a changed page is always read afresh."""
    monkeypatch.setattr(frontmatter, "_READ", BytesMemo(limit_bytes=200))
    page = "---\ntitle: 甲\n---\n正文\n".encode()
    first = frontmatter.read_page(page, "a.md")
    assert frontmatter.read_page(page, "a.md") is first  # the same bytes: from memory
    changed = frontmatter.read_page(page.replace("甲".encode(), "乙".encode()), "a.md")
    assert changed.meta == {"title": "乙"}
    for n in range(20):
        frontmatter.read_page(page + b"x" * n, "a.md")
    assert frontmatter._READ.held_bytes <= 200 and len(frontmatter._READ.entries) < 20
    # A page with a mistake is refused again from memory, with the same message.
    bad = b"---\ntitle: [\n---\n"
    with pytest.raises(ContentError) as once:
        frontmatter.read_page(bad, "b.md")
    with pytest.raises(ContentError) as twice:
        frontmatter.read_page(bad, "b.md")
    assert str(once.value) == str(twice.value)

