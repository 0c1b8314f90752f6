"""A knowledge base with rectification under way and a second inspection round: test
fixtures only (the published content records no statuses, and has one report).

Built on MINIMAL_DOCS (report-01, problem-01, measure-01). Known numbers:
- report-01 (第一轮): problem-01 ← measure-01 (整改中, deadline 2026-06-30, 局办公室),
  measure-03 (待整改, deadline 2027-03-31, no unit, two milestones, public and internal evidence);
- report-02 (第二轮): problem-02 repeats problem-01 ← measure-02 (已销号, 局办公室, verified,
  deadline 2026-05-31 passed but done); problem-03 ← measure-02 too (two ledger rows for one measure);
- three measures: 整改中 1, 已销号 1, 待整改 1; two with 局办公室, one without a unit.
Built on 2026-07-01 (BUILT_AFTER_DEADLINE), measure-01 is overdue; on 2026-06-01, nothing is.
"""
from __future__ import annotations

import calendar
import datetime as dt
import itertools

from tests.support.project import MINIMAL_DOCS, REPO, SITE_ASSETS


def epoch(day: str) -> str:
    """SOURCE_DATE_EPOCH for noon UTC of an ISO date: the build date the site counts from."""
    return str(calendar.timegm(dt.datetime.fromisoformat(day + "T12:00:00").timetuple()))


BUILT_BEFORE_DEADLINE = "2026-06-01"
BUILT_AFTER_DEADLINE = "2026-07-01"
PUBLIC_EVIDENCE = "专题学习会议通知"
INTERNAL_EVIDENCE = "内部会议纪要XQ9"

ROUND_DOCS: dict[str, str] = {
    **MINIMAL_DOCS,
    **SITE_ASSETS,
    # The published ledger and dashboard pages, as editors wrote them.
    **{f"measures/{name}": (REPO / "docs" / "measures" / name).read_text(encoding="utf-8") for name in ("ledger.md", "progress.md")},
    # MINIMAL_DOCS' report, as the first round.
    "reports/report-01.md": MINIMAL_DOCS["reports/report-01.md"].replace(
        "        source: 测试报告 开头段\n", "        source: 测试报告 开头段\n        round: 第一轮\n        inspected_unit: 测试局\n"),
    "reports/report-02.md": """
        ---
        id: report-02
        type: report
        title: 第二轮测试督导报告
        source: 第二轮报告 开头段
        round: 第二轮
        inspected_unit: 测试局
        ---
        ## 基本情况

        第二轮督导。
        """,
    "problems/problem-02.md": """
        ---
        id: problem-02
        type: problem
        title: 压力传导仍然不够
        source: 第二轮报告 二、1
        report: [report-02]
        repeats: [problem-01]
        ---
        ## 主要表现

        - 仍以口头强调为主。

        ## 原因分析

        整改不彻底。
        """,
    "problems/problem-03.md": """
        ---
        id: problem-03
        type: problem
        title: 台账记录不全
        source: 第二轮报告 二、2
        report: [report-02]
        ---
        ## 主要表现

        - 台账缺项。

        ## 原因分析

        制度执行不严。
        """,
    "measures/measure-01.md": """
        ---
        id: measure-01
        type: measure
        title: 强化担当，落实责任
        source: 测试报告 三、二是
        tags: [警示教育]
        status: 整改中
        owner_unit: 局办公室
        owner: 分管副局长
        deadline: 2026-06-30
        report: [report-01]
        problems:
          - id: problem-01
            editorial: 措施要求落实一岗双责，对应问题一。
        ---
        ## 工作要求

        - 严格落实领导班子成员职责。
        - 每季度**专题**研究一次，见[阿尔法规定](../policies/policy-alpha.md)。
        """,
    "measures/measure-02.md": """
        ---
        id: measure-02
        type: measure
        title: 建立压力传导机制
        source: 第二轮报告 三、一是
        status: 已销号
        owner_unit: 局办公室
        deadline: 2026-05-31
        verified_by: 派驻纪检监察组
        verified_on: 2026-05-30
        report: [report-02]
        problems: [problem-02, problem-03]
        ---
        ## 工作要求

        - 建立压力传导机制。
        """,
    "measures/measure-03.md": """
        ---
        id: measure-03
        type: measure
        title: 开展专题学习
        source: 测试报告 三、三是
        status: 待整改
        deadline: 2027-03-31
        milestones:
          - date: 2026-09-30
            text: 制定学习计划
            done: true
          - date: 2027-03-31
            text: 完成专题学习
        evidence:
          - title: 专题学习会议通知
            url: https://example.org/notice
            date: 2026-09-01
          - title: 内部会议纪要XQ9
            audience: internal
        report: [report-01]
        problems: [problem-01]
        ---
        ## 工作要求

        - 开展专题学习。
        """,
}


def ledger_rows(rows_per_report: dict[str, int], *, first_number: int) -> dict[str, str]:
    """Generated problem-NNN and measure-NNN pages (one ledger row each, numbered from
    `first_number`), so many for a report that its ledger is split into parts."""
    docs: dict[str, str] = {}
    numbers = itertools.count(first_number)
    for report, rows in rows_per_report.items():
        for number in itertools.islice(numbers, rows):
            docs[f"problems/problem-{number:03d}.md"] = (
                f"---\nid: problem-{number:03d}\ntype: problem\ntitle: 生成的问题{number}\nsource: 测试\nreport: [{report}]\n---\n"
                "## 主要表现\n\n- 表现。\n\n## 原因分析\n\n原因。\n")
            docs[f"measures/measure-{number:03d}.md"] = (
                f"---\nid: measure-{number:03d}\ntype: measure\ntitle: 生成的措施{number}\nsource: 测试\nreport: [{report}]\n"
                f"problems: [problem-{number:03d}]\n---\n## 工作要求\n\n- {'要求的文字。' * 20}\n")
    return docs
