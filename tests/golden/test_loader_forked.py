"""Reading the pages on every core (kb/loader.py, forked=True) gives the content one
process gives: the same pages, items, errors in the same order, warnings, fixes and
files. Over the real docs and every bad and careless input of the golden corpora,
with three processes (KB_PROCESSES=3) even where the pages are few."""
from __future__ import annotations

import os
from pathlib import Path
import threading

import pytest

from kb import frontmatter, loader
from kb.loader import load_content
from kb.settings import load_settings
from tests.golden import test_bad_inputs, test_careless_editor
from tests.support.project import MINIMAL_DOCS, REPO, reviewed_assets, write_docs


def read(docs: Path, forked: bool):
    # Nothing read before in this process: the forks would inherit what it remembers of a
    # page's front matter and lint, and read nothing themselves.
    loader._LINTED.entries.clear()
    frontmatter._READ.entries.clear()
    settings = load_settings(REPO, docs_dir=docs, site_name="测试", extra=None, reviewed_assets=reviewed_assets())
    return load_content(docs, tags=settings.tags, variables=settings.org, reviewed_assets=settings.reviewed_assets,
                        forked=forked)


def read_by_processes(docs: Path, monkeypatch) -> set[int]:
    """The processes that read pages in a forked load (a side channel: the loader's reading function)."""
    assert threading.active_count() == 1, "another thread runs in the test process: no forks (kb/forks.py)"
    seen = docs.parent / "readers.txt"
    read_one = loader._read

    def noted(docs_dir, rel, record):
        with open(seen, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return read_one(docs_dir, rel, record)

    monkeypatch.setattr(loader, "_read", noted)
    read(docs, forked=True)
    monkeypatch.setattr(loader, "_read", read_one)
    pids = set(map(int, seen.read_text(encoding="utf-8").split()))
    seen.unlink()
    return pids


CASES = ([("bad", p) for p in test_bad_inputs.CASE_PATHS] + [("careless", p) for p in test_careless_editor.CASE_PATHS])


def case_docs(kind: str, path: Path) -> dict:
    if kind == "bad":
        return test_bad_inputs.case_files(test_bad_inputs.load_case(path))
    case = test_careless_editor.load_case(path)
    return {**MINIMAL_DOCS, **{rel: text.encode("utf-8") for rel, text in case["files"].items()}}


@pytest.mark.parametrize(("kind", "case_path"), CASES, ids=[f"{k}-{p.stem}" for k, p in CASES])
def test_forked_reading_gives_the_content_of_one_process(kind, case_path, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_PROCESSES", "3")
    docs = tmp_path / "docs"
    write_docs(docs, case_docs(kind, case_path))
    alone, forked = read(docs, forked=False), read(docs, forked=True)
    assert forked == alone
    assert forked.errors == alone.errors and forked.warnings == alone.warnings  # in the same order, too
    assert len(read_by_processes(docs, monkeypatch) - {os.getpid()}) == 2  # this process and two forks read


def test_real_docs_read_in_forks(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_PROCESSES", "3")
    docs = REPO / "docs"
    alone, forked = read(docs, forked=False), read(docs, forked=True)
    assert len(forked.pages) > 50 and forked == alone
    # The comparison is not of one process with itself: three read the pages.
    copy = tmp_path / "docs"
    write_docs(copy, {rel: (docs / rel).read_bytes() for rel in alone.pages})
    assert len(read_by_processes(copy, monkeypatch) - {os.getpid()}) == 2


def test_the_comparison_sees_a_difference(tmp_path, monkeypatch):
    """Control: content that differs in one finding is not equal."""
    monkeypatch.setenv("KB_PROCESSES", "3")
    docs = tmp_path / "docs"
    write_docs(docs, MINIMAL_DOCS)
    before = read(docs, forked=True)
    page = docs / "guide" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n中文English混排。\n", encoding="utf-8")
    after = read(docs, forked=True)
    assert after != before and len(after.warnings) + len(after.errors) > len(before.warnings) + len(before.errors)


def test_a_file_that_cannot_be_opened_fails_as_in_one_process(tmp_path, monkeypatch):
    """The scripts turn an OSError into a message of their own: a fork must not turn it into another error."""
    monkeypatch.setenv("KB_PROCESSES", "3")
    docs = tmp_path / "docs"
    write_docs(docs, MINIMAL_DOCS)
    read_bytes = Path.read_bytes
    # The second page goes to the first fork (the shares are every third page).
    vanishing = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))[1]

    def gone(path):  # the page is deleted between the listing of docs/ and its reading
        if path.relative_to(docs).as_posix() == vanishing:
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", gone)
    for forked in (False, True):
        with pytest.raises(FileNotFoundError, match=vanishing):
            read(docs, forked=forked)


# Pages a hostile or careless pull request could hold, read in forks as in one process.
HOSTILE_PAGES = {
    "guide/deep-list.md": "---\ntitle: " + "[" * 100_000 + "\n---\n正文\n",
    "guide/deep-map.md": "---\ntitle: x\nsource: " + "{a: " * 20_000 + "\n---\n",
    "guide/nul.md": "---\ntitle: \x00\n---\n\x00正文\n",
    "guide/bom.md": "\ufeff---\ntitle: 有BOM\n---\n正文\n",
    "guide/latin-1.md": b"---\ntitle: \xe9\xe9\n---\n\xff\xfe\n",
    "guide/alias.md": "---\ntitle: &a x\nsource: *a\n---\n",
    "guide/long.md": "---\ntitle: 很长\n---\n" + "中文English混排，half,width。\n" * 50_000,
}


def test_hostile_pages_read_in_forks_as_in_one_process(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_PROCESSES", "3")
    docs = tmp_path / "docs"
    write_docs(docs, {**MINIMAL_DOCS, **{rel: text if isinstance(text, bytes) else text.encode("utf-8")
                                          for rel, text in HOSTILE_PAGES.items()}})
    alone, forked = read(docs, forked=False), read(docs, forked=True)
    assert len(alone.errors) >= 5 and alone.warnings  # the pages are refused or warned about, not passed
    assert forked == alone and forked.errors == alone.errors
