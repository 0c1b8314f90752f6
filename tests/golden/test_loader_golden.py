"""Golden cases for the loader: input files, expected messages (exact), no mkdocs involved."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb.errors import ContentErrors
from tests.support.golden import rewrite_key
from tests.support.project import load_kb, write_docs

CASES = sorted((Path(__file__).parents[1] / "cases" / "loader").glob("*.yml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_loader_case(case: Path, tmp_path: Path, update_golden: bool) -> None:
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    docs = tmp_path / "docs"
    write_docs(docs, spec["files"])
    expected = spec.get("errors") or []
    try:
        kb = load_kb(docs, audience=spec.get("audience", "public"))
        actual = []
    except ContentErrors as errors:
        kb, actual = None, [str(e) for e in errors.errors]
    if update_golden and actual != expected:
        rewrite_key(case, "errors", actual)
        expected = actual
    assert actual == expected, "the messages changed; if on purpose, run pytest --update-golden and review the diff"
    if kb is None:
        return
    for item_id, facts in (spec.get("index") or {}).items():
        item = kb.index.get(item_id)
        assert item is not None, item_id
        for label, ids in (facts.get("links") or {}).items():
            groups = dict(kb.index.grouped_links(item))
            assert [link.item.id for link in groups.get(label, [])] == ids, label


def test_cases_exist() -> None:
    assert len(CASES) >= 5
