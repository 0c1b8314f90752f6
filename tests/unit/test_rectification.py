"""Plain functions of rectification: overdue, the ledger's text cells, and front matter edits
that change only the lines they mean to."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kb import model
from kb.markdown_text import plain_text
from kb.rectification import dashboard, ledger_groups, measure_state
from kbtools.frontmatter_edit import EditError, set_keys
from tests.support.project import load_kb, write_docs
from tests.support.rounds import ROUND_DOCS


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    docs = write_docs(tmp_path_factory.mktemp("rounds") / "docs", ROUND_DOCS)
    return load_kb(docs)


def with_fields(item: model.Item, **fields) -> model.Item:
    return dataclasses.replace(item, fields={**item.fields, **fields})


@pytest.mark.parametrize(("status", "deadline", "today", "overdue"), [
    ("整改中", "2026-06-30", "2026-06-30", False),  # due today is not late
    ("整改中", "2026-06-30", "2026-07-01", True),
    ("申请延期", "2026-06-30", "2026-07-01", True),  # the deadline in force is the one written
    ("待整改", "2026-06-30", "2026-07-01", True),
    (None, "2026-06-30", "2026-07-01", True),  # no status recorded, deadline passed
    ("已整改", "2026-06-30", "2026-07-01", False),
    ("已销号", "2026-06-30", "2026-07-01", False),
    ("长期坚持", "2026-06-30", "2026-07-01", False),
    ("整改中", None, "2099-01-01", False),  # no deadline, never overdue
])
def test_overdue_against_the_build_date(kb, status, deadline, today, overdue):
    measure = with_fields(kb.index.get("measure-01"), status=status, deadline=deadline)
    state = measure_state(kb.index, measure, today)
    assert state.overdue is overdue
    assert state.status == (status or model.STATUS_UNKNOWN)


def test_ledger_groups_follow_the_reports_and_number_rows_within_each(kb):
    groups = ledger_groups(kb.index, "2026-07-01")
    assert [(g.report.id, [(r.number, r.problem.id, r.measure.id) for r in g.rows]) for g in groups] == [
        ("report-01", [(1, "problem-01", "measure-01"), (2, "problem-01", "measure-03")]),
        ("report-02", [(1, "problem-02", "measure-02"), (2, "problem-03", "measure-02")]),
    ]


def test_dashboard_counts_each_measure_once(kb):
    data = dashboard(kb.index, "2026-07-01")
    assert data.total.total == 3 and data.total.done == 1 and data.total.overdue == 1
    assert [(t.label, t.total) for t in data.by_round] == [("第一轮", 2), ("第二轮", 1)]
    assert [(p.id, [e.id for e in earlier]) for p, earlier in data.recurring] == [("problem-02", ["problem-01"])]


@pytest.mark.parametrize(("markdown", "text"), [
    ("严格落实**领导班子**职责。", "严格落实领导班子职责。"),
    ("见[阿尔法规定](../policies/policy-alpha.md)。", "见阿尔法规定。"),
    ("`代码`与<span>标签</span>", "代码与标签"),
    (r"1\. 不是列表 \*也不是强调\*", "1. 不是列表 *也不是强调*"),
    ("私用区\uE0007\uE001字符", "私用区7字符"),  # the placeholders this uses cannot come from a page
])
def test_plain_text_is_what_a_reader_sees(markdown, text):
    assert plain_text(markdown) == text


PAGE = """---
# 编辑写的注释
id: measure-09
title: "措施：九"
status: 待整改
milestones:
  - date: 2026-01-01
    text: 第一步

# 关系
problems: [problem-01]
---

## 工作要求

- 要求。
"""


def test_set_keys_changes_only_its_lines():
    result = set_keys(PAGE, {"status": "整改中", "owner_unit": "局办公室: 综合科", "deadline": dt.date(2026, 12, 31)},
                      insert_before=("problems",))
    assert result.splitlines() == [
        "---", "# 编辑写的注释", "id: measure-09", 'title: "措施：九"', "status: 整改中",
        "milestones:", "  - date: 2026-01-01", "    text: 第一步", "", "# 关系",
        'owner_unit: "局办公室: 综合科"', "deadline: 2026-12-31",
        "problems: [problem-01]", "---", "", "## 工作要求", "", "- 要求。",
    ]


def test_set_keys_replaces_a_block_value_and_keeps_crlf_and_bom():
    page = "\ufeff" + PAGE.replace("\n", "\r\n")
    result = set_keys(page, {"milestones": "见会议纪要"})
    assert result.startswith("\ufeff---\r\n") and "\n" not in result.replace("\r\n", "")
    assert "milestones: 见会议纪要\r\n\r\n# 关系" in result and "第一步" not in result


def test_set_keys_refuses_a_page_without_front_matter():
    with pytest.raises(EditError):
        set_keys("## 工作要求\n", {"status": "整改中"})
    with pytest.raises(EditError):
        set_keys("---\nid: x\n", {"status": "整改中"})


def test_set_keys_handles_what_editors_write():
    # A quoted value that goes on at column 0 is one value, not a key of its own.
    quoted = '---\nid: m\nsource: "测试报告 三、三是\nowner: 见附件"\n---\n'
    assert set_keys(quoted, {"owner": "局长"}).splitlines()[2:4] == ['source: "测试报告 三、三是', 'owner: 见附件"']
    # A comment after the value stays; a quoted key is the same key.
    assert "status: 整改中  # 报告未写明" in set_keys("---\nstatus: 待整改  # 报告未写明\n---\n", {"status": "整改中"})
    assert set_keys('---\n"owner": 甲\n---\n', {"owner": "乙"}) == "---\nowner: 乙\n---\n"
    # Mixed line endings: each line keeps its own.
    assert set_keys("---\r\nid: m\nstatus: 待整改\r\n---\n", {"status": "整改中"}) == "---\r\nid: m\nstatus: 整改中\r\n---\n"
    # What cannot be read is refused, never half-written.
    for broken in ('---\nsource: "不闭合\n---\n', "---\nowner: 甲\nowner: 乙\n---\n", "---\n- 列表\n---\n"):
        with pytest.raises(EditError):
            set_keys(broken, {"owner": "丙"})


def test_a_measure_counts_once_in_a_round_that_two_reports_share(tmp_path):
    docs = dict(ROUND_DOCS)
    docs["reports/report-02.md"] = docs["reports/report-02.md"].replace("round: 第二轮", "round: 第一轮")
    docs["measures/measure-02.md"] = docs["measures/measure-02.md"].replace("problems: [problem-02, problem-03]",
                                                                            "problems: [problem-01, problem-02]")
    shared = load_kb(write_docs(tmp_path / "docs", docs))
    data = dashboard(shared.index, "2026-07-01")
    assert [(t.label, t.total, t.done) for t in data.by_round] == [("第一轮", 3, 1)]
    assert (data.total.total, data.problems_done, data.problems) == (3, 1, 2)  # problem-03 has no measure now
    # Control: in their own rounds, measure-02 counts in 第二轮 and problem-02 is done.
    data = dashboard(load_kb(write_docs(tmp_path / "own", dict(ROUND_DOCS))).index, "2026-07-01")
    assert [(t.label, t.total) for t in data.by_round] == [("第一轮", 2), ("第二轮", 1)]
    assert (data.problems_done, data.problems) == (2, 3)


def test_page_slots_take_only_their_own_tokens():
    from kb.slots import PageSlots

    slots = PageSlots()
    token = slots.place("measures/progress.md", lambda href: "<svg>图</svg>", after_sanitize=True)
    forged = "KBSLOT0123456789abcdefN0"  # what a page could write: not this process's secret
    page = f"<p>{token}</p><p>{forged}</p>"
    assert slots.fill("measures/progress.md", page, str, after_sanitize=False) == page  # not its stage yet
    assert slots.fill("measures/progress.md", page, str, after_sanitize=True) == f"<svg>图</svg><p>{forged}</p>"
    # A part goes into the page that placed it, once: another page with the token gets nothing.
    other = PageSlots()
    other_token = other.place("a.md", lambda href: f"<p>{href('b.md')}</p>")
    assert other.fill("b.md", f"<p>{other_token}</p>", str, after_sanitize=False) == f"<p>{other_token}</p>"
    assert other.fill("b.md", f"<p>{other_token}</p>", str, after_sanitize=True) == ""
    assert other.fill("a.md", f"<p>{other_token}</p>", lambda path: "URL", after_sanitize=False) == "<p>URL</p>"
    assert other.fill("a.md", f"<p>{other_token}</p>", str, after_sanitize=False) == f"<p>{other_token}</p>"  # once


def test_a_chart_goes_only_where_its_token_is_a_paragraph():
    """A page that puts `{{ dashboard() }}` inside an attribute gets no SVG inside a tag: after
    the sanitizer, only a paragraph of its own takes a chart."""
    from kb import sanitize
    from kb.slots import PageSlots

    slots = PageSlots()
    inside = slots.place("p.md", lambda href: '<svg class="甲"></svg>', after_sanitize=True)
    alone = slots.place("p.md", lambda href: '<svg class="乙"></svg>', after_sanitize=True)
    cleaned, _ = sanitize.clean(f'<img alt="<p>{inside}</p>" src="a.png"><p title="{inside}">x</p>\n<p>{alone}</p>')
    filled = slots.fill("p.md", cleaned, str, after_sanitize=True)
    assert "甲" not in filled and "KBSLOT" not in filled
    assert filled.endswith('<svg class="乙"></svg>')  # control: the paragraph token takes its chart


def test_the_workbook_is_made_again_only_when_a_cell_or_the_build_time_changes(tmp_path, monkeypatch):
    """Under mkdocs serve every rebuild makes the exports; the workbook is kept by its cells."""
    from kb import exports
    from kb.memo import BytesMemo

    monkeypatch.setattr(exports, "_WORKBOOKS", BytesMemo())  # empty; the module's own is left as it was
    kb = load_kb(write_docs(tmp_path / "a", dict(ROUND_DOCS)))
    stamp = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)
    first = exports.build_exports(kb.index, {"date": "2026-07-01", "version": "t"}, stamp)["exports/ledger.xlsx"]
    again = exports.build_exports(kb.index, {"date": "2026-07-01", "version": "t"}, stamp)["exports/ledger.xlsx"]
    assert again == first and len(exports._WORKBOOKS.entries) == 1
    # Controls: a changed cell (the owner of measure-01) and a later build time each make a new workbook.
    changed = ROUND_DOCS["measures/measure-01.md"].replace("局办公室", "局人事科")
    assert changed != ROUND_DOCS["measures/measure-01.md"]
    other = load_kb(write_docs(tmp_path / "b", {**ROUND_DOCS, "measures/measure-01.md": changed}))
    edited = exports.build_exports(other.index, {"date": "2026-07-01", "version": "t"}, stamp)["exports/ledger.xlsx"]
    later = exports.build_exports(kb.index, {"date": "2026-07-01", "version": "t"}, stamp + dt.timedelta(days=1))
    assert edited != first and later["exports/ledger.xlsx"] != first and len(exports._WORKBOOKS.entries) == 3
