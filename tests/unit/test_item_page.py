"""What the build adds around an item's text: names in the facts line, the editors'
reference line, a term's definition once."""
from __future__ import annotations

from pathlib import Path

from kb import item_page
from tests.support.project import MINIMAL_DOCS, load_kb, write_docs


def load(tmp_path: Path, **changed: str):
    docs = tmp_path / "docs"
    write_docs(docs, {**MINIMAL_DOCS, **changed})
    return load_kb(docs)


def test_the_id_is_one_reference_line_at_the_end_not_a_fact(tmp_path):
    kb = load(tmp_path)
    problem = kb.index.get("problem-01")
    header, footer = item_page.facts(problem), item_page.source(kb.index, problem)
    assert "problem-01" not in header and "编号" not in header
    assert footer.splitlines()[-1] == '<p class="kb-ref kb-nomark">引用编号：problem-01</p>'
    assert footer.count("problem-01") == 1  # control: the ID is there, once


def test_a_term_with_its_own_definition_section_has_no_second_definition(tmp_path):
    kb = load(tmp_path)
    header = item_page.facts(kb.index.get("term-yigang"))
    assert "kb-lead" not in header and "领导干部既要抓好业务工作" not in header and "admonition" not in header
    # Its one-line definition is still what search finds it by.
    document = kb.search_document("terms/term-yigang.md", location="terms/term-yigang/", title="一岗双责", nav_titles=[],
                                  page_html="<p>释义正文。</p>")
    assert "领导干部既要抓好业务工作" in str(document)


def test_a_term_without_the_section_leads_with_its_definition(tmp_path):
    term = MINIMAL_DOCS["terms/term-yigang.md"].replace("## 释义\n\n        释义正文。\n", "## 在报告中\n\n        问题一。\n")
    assert term != MINIMAL_DOCS["terms/term-yigang.md"]
    kb = load(tmp_path, **{"terms/term-yigang.md": term})
    header = item_page.facts(kb.index.get("term-yigang"))
    assert header.count("领导干部既要抓好业务工作") == 1 and 'class="kb-callout kb-lead"' in header
