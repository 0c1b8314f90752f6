"""Every numbered item of the source report has its own page.

The items are found in report.txt itself (section 一:典型做法 ``1、``…, section 二:
存在问题 ``1、``…, section 三: 整改举措 ``一是``…), so a report with more or fewer
items is checked without editing this file. An item is covered when a page of the
matching type has a ``source`` that names the item's locator, e.g.
``督导调研报告 一、2`` or ``督导调研报告 三、四是``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import re

import pytest

from kb.loader import load_content
from tests.support.project import reviewed_assets

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
# The source report lives in the repository, unchanged (source/README.md).
REPORT = REPO / "source" / "report.txt"

LOCATOR_PREFIX = "督导调研报告 "
# Which page type holds the items of each top-level section of the report.
SECTION_TYPES = {"一": "practice", "二": "problem", "三": "measure"}

_CHINESE_NUMERALS = "一二三四五六七八九十"
# A top-level heading: "一、工作开展情况及典型做法" at the start of a line.
_SECTION = re.compile(rf"^([{_CHINESE_NUMERALS}]+)、(.*)$", re.MULTILINE)
# A numbered item: "1、提高政治站位，……。" at the start of a line; the heading runs to the first 。
_NUMBERED = re.compile(r"^(\d+)、([^。\n]*)", re.MULTILINE)
# An ordinal item: "一是加强学习，提高认识。" at the start of a line or right after 。 or ；
_ORDINAL = re.compile(rf"(?:^|(?<=[。；]))[ \t]*([{_CHINESE_NUMERALS}]+是)([^。\n]*)", re.MULTILINE)


@dataclass(frozen=True)
class ReportItem:
    section: str  # 一 / 二 / 三
    label: str  # "2" or "四是"
    heading: str
    page_type: str

    @property
    def locator(self) -> str:
        return f"{LOCATOR_PREFIX}{self.section}、{self.label}"

    def describe(self) -> str:
        return f"{self.section}、{self.label}「{self.heading}」"


def find_items(report_text: str) -> list[ReportItem]:
    """The report's items, section by section, in order of appearance.

    A section's items are its numbered lines (``1、``) when it has any, otherwise
    its ordinals (``一是``); ordinals inside a numbered item (典型做法四 has its own
    一是/二是/三是) are therefore not counted as items.
    """
    headings = list(_SECTION.finditer(report_text))
    items: list[ReportItem] = []
    for index, heading in enumerate(headings):
        section = heading.group(1)
        page_type = SECTION_TYPES.get(section)
        if page_type is None:
            continue
        end = headings[index + 1].start() if index + 1 < len(headings) else len(report_text)
        body = report_text[heading.end():end]
        matches = list(_NUMBERED.finditer(body)) or list(_ORDINAL.finditer(body))
        for match in matches:
            items.append(ReportItem(section, match.group(1), match.group(2).strip(), page_type))
    return items


def load_pages(docs_dir: Path = DOCS) -> list[dict]:
    """Type, source and path of every typed page, read by the engine's one loader."""
    content = load_content(docs_dir, reviewed_assets=frozenset(reviewed_assets()))
    assert not content.errors, "\n".join(map(str, content.errors))
    return [{"type": item.type, "source": item.source, "_path": item.path} for item in content.items.values()]


def _cites(source: object, locator: str) -> bool:
    # "督导调研报告 一、1" must not be satisfied by "督导调研报告 一、10".
    return re.search(re.escape(locator) + r"(?![0-9])", str(source or "")) is not None


def missing_items(items: list[ReportItem], pages: list[dict]) -> list[ReportItem]:
    return [
        item for item in items
        if not any(page.get("type") == item.page_type and _cites(page.get("source"), item.locator)
                   for page in pages)
    ]


@pytest.fixture(scope="module")
def report_text() -> str:
    if not REPORT.exists():
        pytest.fail(f"找不到报告原文 {REPORT}（它应随仓库提供，见 source/README.md）")
    return REPORT.read_text(encoding="utf-8")


def test_every_report_item_has_a_page(report_text):
    items = find_items(report_text)
    assert items, "在报告原文中没有找到任何条目，正则表达式需要检查"
    missing = missing_items(items, load_pages())
    assert not missing, "以下报告条目没有对应页面：\n" + "\n".join(
        f"- {item.describe()}：缺少 type 为 {item.page_type}、source 含“{item.locator}”的页面"
        for item in missing
    )


def test_no_raw_redaction_marks_in_docs():
    offenders = []
    for path in sorted(DOCS.rglob("*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "***" in line:
                offenders.append(f"{path.relative_to(REPO).as_posix()}:{number}: {line.strip()}")
    assert not offenders, "报告中以 *** 隐去的名称必须写成 {{ org.… }} 变量：\n" + "\n".join(offenders)


# --- negative controls: the checks above can fail -------------------------------------

def test_regexes_find_every_item_of_the_real_report(report_text):
    items = find_items(report_text)
    counts = {section: sum(1 for item in items if item.section == section) for section in SECTION_TYPES}
    assert counts == {"一": 4, "二": 4, "三": 5}
    assert [item.locator for item in items if item.section == "三"] == [
        f"{LOCATOR_PREFIX}三、{ordinal}是" for ordinal in "一二三四五"
    ]
    assert items[0].heading == "提高政治站位，强化组织领导，营造清廉建设浓厚氛围"
    assert items[-1].heading == "提质增效，同频共振"
    # 典型做法四's own 一是/二是/三是 are part of item 一、4, not items of their own.
    assert all(item.label.isdigit() for item in items if item.section in ("一", "二"))


def _insert_after_line(text: str, prefix: str, new_line: str) -> str:
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    return "\n".join(lines[: index + 1] + [new_line] + lines[index + 1:])


def test_extra_practice_in_a_synthetic_report_is_reported_missing(report_text):
    synthetic = _insert_after_line(
        report_text, "4、坚持问题导向", "5、虚构的第五项做法。仅用于测试。"
    )
    assert synthetic.index("5、虚构") < synthetic.index("二、存在的主要问题")
    missing = missing_items(find_items(synthetic), load_pages())
    assert [item.locator for item in missing] == [f"{LOCATOR_PREFIX}一、5"]
    assert missing[0].page_type == "practice"
    assert missing[0].heading == "虚构的第五项做法"


def test_extra_measure_in_a_synthetic_report_is_reported_missing(report_text):
    synthetic = report_text.replace(
        "而不断努力。", "而不断努力。六是虚构举措，仅用于测试。", 1
    )
    missing = missing_items(find_items(synthetic), load_pages())
    assert [item.locator for item in missing] == [f"{LOCATOR_PREFIX}三、六是"]


def test_a_page_of_another_type_does_not_cover_an_item():
    items = [ReportItem("一", "1", "示例", "practice"), ReportItem("一", "10", "示例", "practice")]
    pages = [{"type": "policy", "source": "督导调研报告 一、1"},
             {"type": "practice", "source": "督导调研报告 一、10"}]
    assert [item.locator for item in missing_items(items, pages)] == [f"{LOCATOR_PREFIX}一、1"]
