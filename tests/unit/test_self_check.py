"""The self-check form the engine writes (kb/tables.py self_check): what each box says,
its id, the headings and the sign-off fields. The browser side is tests/browser/test_self_check.py."""
from __future__ import annotations

from pathlib import Path
import re

import pytest

from kb import tables
from tests.support.project import MINIMAL_DOCS, load_kb, write_docs

PROBLEM_WITH_POINTS = MINIMAL_DOCS["problems/problem-01.md"].replace(
    "updated: 2026-11-01\n",
    "updated: 2026-11-01\n"
    "        self_check:\n"
    "          - 本单位班子成员是否把清廉建设列入年度重点工作？\n"
    "          - '<input type=\"checkbox\" onclick=\"alert(1)\"></label><b>粗</b> **星** [链接](http://x.example)'\n",
)


def build(tmp_path: Path, problem: str):
    docs = tmp_path / "docs"
    write_docs(docs, {**MINIMAL_DOCS, "problems/problem-01.md": problem})
    return load_kb(docs)


def boxes(text: str) -> list[tuple[str, str]]:
    return re.findall(r'<label class="kb-check kb-nomark"><input type="checkbox" id="([^"]+)"> (.*?)</label>$', text, re.M)


def test_falls_back_to_the_reports_manifestations(tmp_path):
    text = tables.self_check(build(tmp_path, MINIMAL_DOCS["problems/problem-01.md"]).index, "self-check.md")
    assert [label for _, label in boxes(text)] == ["重业务，轻清廉建设。", "针对一岗双责多以口头强调为主。"]


def test_editor_written_points_replace_the_manifestations_and_stay_text(tmp_path):
    text = tables.self_check(build(tmp_path, PROBLEM_WITH_POINTS).index, "self-check.md")
    labels = [label for _, label in boxes(text)]
    assert labels[0] == "本单位班子成员是否把清廉建设列入年度重点工作？"
    assert "重业务" not in text  # control: the fallback is not added as well
    # A hostile line is text: no second input, no closing label, no markup, no link.
    assert text.count("<input") == 2
    assert "&lt;input" in labels[1] and "&lt;/label&gt;" in labels[1] and r"\*\*星\*\*" in labels[1]
    assert "](http" not in labels[1]


def test_ids_are_unique_and_change_with_the_wording(tmp_path):
    first = [i for i, _ in boxes(tables.self_check(build(tmp_path / "a", MINIMAL_DOCS["problems/problem-01.md"]).index, "self-check.md"))]
    reworded = MINIMAL_DOCS["problems/problem-01.md"].replace("重业务，轻清廉建设。", "重业务、轻清廉建设。")
    second = [i for i, _ in boxes(tables.self_check(build(tmp_path / "b", reworded).index, "self-check.md"))]
    assert len(set(first)) == 2 and all(i.startswith("kb-check-problem-01-") for i in first)
    assert first[0] != second[0] and first[1] == second[1]


def test_headings_follow_the_page_title_and_the_form_has_sign_off_fields(tmp_path):
    text = tables.self_check(build(tmp_path, MINIMAL_DOCS["problems/problem-01.md"]).index, "self-check.md")
    assert re.findall(r"^(#+) ", text, re.M) == ["##"]  # under the page's h1, never h3
    assert [f for f in ("单位", "自查人", "日期", "签字") if f"{f}：" in text] == ["单位", "自查人", "日期", "签字"]


def test_a_self_check_line_must_be_text(tmp_path):
    problem = MINIMAL_DOCS["problems/problem-01.md"].replace("updated: 2026-11-01\n", "updated: 2026-11-01\n        self_check: [[嵌套]]\n")
    with pytest.raises(Exception) as error:
        build(tmp_path, problem)
    assert "self_check" in str(error.value) and "problems/problem-01.md" in str(error.value)


@pytest.mark.parametrize("value, labels", [
    ('"本单位是否建立了责任清单？"', ["本单位是否建立了责任清单？"]),  # one line written without a list
    ('["", "  "]', ["重业务，轻清廉建设。", "针对一岗双责多以口头强调为主。"]),  # only blanks: the report's text
    ('[]', ["重业务，轻清廉建设。", "针对一岗双责多以口头强调为主。"]),
])
def test_careless_self_check_values(tmp_path, value, labels):
    problem = MINIMAL_DOCS["problems/problem-01.md"].replace("updated: 2026-11-01\n", f"updated: 2026-11-01\n        self_check: {value}\n")
    text = tables.self_check(build(tmp_path, problem).index, "self-check.md")
    assert [label for _, label in boxes(text)] == labels
    assert text.count("<input") == len(labels)  # never a box without its text
