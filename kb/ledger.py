"""整改台账 and 问题清单: the rows of the downloads and the ledger page, from the same groups.

The columns are declared once (LEDGER_COLUMNS): the CSV and XLSX write them, the XLSX adds
its validations from them, and scripts/import_ledger.py reads a filled-in sheet back by them.
"""
from __future__ import annotations

from dataclasses import dataclass
import re

from . import model
from .index import ContentIndex
from .markdown_text import bullet_points
from .markup import link, md_text, short_label, table_cell
from .rectification import NO_REPORT, NO_UNIT, STATUS_CLASS, STATUS_ORDER, LedgerGroup, ledger_groups, recurrence, round_label

LEDGER_SHEET = "整改台账"
PROBLEM_SHEET = "问题清单"


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in the XLSX, in characters
    field: str = ""  # the measure's front matter key an import writes ("" for read-only columns)
    kind: str = "line"  # "line", "date" or "choice" (validated in the XLSX and on import)
    choices: tuple[str, ...] = ()


LEDGER_COLUMNS = (
    Column("序号", 6),
    Column("督导报告", 16),
    Column("问题", 30),
    Column("整改措施", 30),
    Column("工作要求", 60),
    Column("对应关系", 20),
    Column("责任单位", 16, "owner_unit"),
    Column("责任人", 12, "owner"),
    Column("完成时限", 12, "deadline", "date"),
    Column("整改状态", 12, "status", "choice", model.RECTIFICATION_STATUSES),
    Column("是否逾期", 8),
    Column("验收人", 12, "verified_by"),
    Column("验收日期", 12, "verified_on", "date"),
    # Last and marked: the import finds the measure by it; people read the names before it.
    Column("措施引用编号（请勿修改）", 14),
    Column("问题引用编号", 14),
)
MEASURE_ID_COLUMN = "措施引用编号（请勿修改）"
EDITABLE_COLUMNS = tuple(c for c in LEDGER_COLUMNS if c.field)

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")
_TAG = re.compile(r"<[^>]+>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")


def plain_text(markdown: str) -> str:
    """Inline Markdown as the text a reader sees, for spreadsheet cells: link texts without
    their targets, no emphasis marks or tags. (A regular expression, not a Markdown
    conversion per cell: sections are the editors' plain bullet points, and this runs for
    every row of every build.)"""
    text = _LINK.sub(r"\1", markdown)
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    return _ESCAPE.sub(r"\1", text).strip()


def requirements_text(measure: model.Item) -> str:
    points = bullet_points(measure.sections.get(model.SECTION_REQUIREMENTS, ""))
    if len(points) == 1:
        return plain_text(points[0])
    return "\n".join(f"{n}. {plain_text(p)}" for n, p in enumerate(points, start=1))


def named(index: ContentIndex, item: model.Item) -> str:
    """问题一：标题 for numbered items, the title for the others: what a reader calls it."""
    label = short_label(index, item)
    return f"{label}：{item.title}" if label != item.title else item.title


def ledger_rows(index: ContentIndex, today: str) -> list[list[str]]:
    """整改台账 for download: one row per problem and measure that addresses it."""
    rows = [[c.header for c in LEDGER_COLUMNS]]
    for group in ledger_groups(index, today):
        report = named(index, group.report) if group.report else NO_REPORT
        for row in group.rows:
            state = row.state
            rows.append([
                str(row.number), report, named(index, row.problem), named(index, row.measure),
                requirements_text(row.measure),
                f"编辑归纳：{row.editorial}" if row.editorial else "报告明确",
                state.owner_unit, state.owner, state.deadline,
                state.status if state.known else "",  # blank, to be filled in
                "是" if state.overdue else "",
                state.verified_by, state.verified_on,
                row.measure.id, row.problem.id,
            ])
    return rows


def problem_rows(index: ContentIndex) -> list[list[str]]:
    rows = [["序号", "问题", "主要表现", "原因分析", "整改措施", "来源", "问题引用编号"]]
    for number, problem in enumerate(index.of_type("problem"), start=1):
        measures = index.referring(problem, "measure", "problems")
        rows.append([
            str(number), named(index, problem),
            "\n".join(plain_text(p) for p in bullet_points(problem.sections.get(model.SECTION_MANIFESTATIONS, ""))),
            plain_text(problem.sections.get(model.SECTION_CAUSES, "").strip()),
            "\n".join(named(index, m) for m in measures),
            problem.source, problem.id,
        ])
    return rows


# -- the ledger page -------------------------------------------------------------------------

LEDGER_CLASS = "kb-ledger"
# The page's columns; rectification.css labels each cell with its header when the table is stacked on phones.
PAGE_COLUMNS = ("序号", "问题", "整改措施", "工作要求", "责任单位 / 责任人", "整改状态 / 完成时限")


def _status_cell(state) -> str:
    status = f'<span class="kb-status kb-status--{STATUS_CLASS[state.status]}">{state.status}</span>'
    if state.overdue:
        status += ' <strong class="kb-overdue">逾期</strong>'
    status += f"<br>时限 {state.deadline or model.STATUS_UNKNOWN}"
    if state.milestones:
        status += f"<br><small>阶段目标 {state.milestones_done}/{len(state.milestones)}</small>"
    return status


def _requirements_cell(measure: model.Item) -> str:
    points = bullet_points(measure.sections.get(model.SECTION_REQUIREMENTS, ""))
    return "<br>".join(md_text(plain_text(p)) for p in points)


def _group_table(index: ContentIndex, from_path: str, group: LedgerGroup) -> list[str]:
    lines = [f'<div class="{LEDGER_CLASS}" markdown>', "", "| " + " | ".join(PAGE_COLUMNS) + " |",
             "|" + "---|" * len(PAGE_COLUMNS)]
    for row in group.rows:
        state = row.state
        problem = link(index, from_path, row.problem, named(index, row.problem))
        if recurrence(index, row.problem).earlier:
            problem += ' <strong class="kb-recurring">问题反弹</strong>'
        measure = link(index, from_path, row.measure, named(index, row.measure))
        if row.editorial:
            measure += " <small>（编辑归纳）</small>"
        owner = " / ".join(md_text(v) for v in (state.owner_unit, state.owner) if v) or model.STATUS_UNKNOWN
        lines.append("| " + " | ".join(table_cell(cell) for cell in (
            str(row.number), problem, measure, _requirements_cell(row.measure), owner, _status_cell(state),
        )) + " |")
    return lines + ["", "</div>", ""]


def ledger_page(index: ContentIndex, from_path: str, today: str) -> str:
    """整改台账 on the web: per report, numbered rows, each problem with its measures."""
    groups = ledger_groups(index, today)
    if not groups:
        return "暂无整改措施。"
    states = {row.measure.id: row.state for group in groups for row in group.rows}
    counts = {status: sum(1 for s in states.values() if s.status == status) for status in STATUS_ORDER}
    overdue = sum(1 for s in states.values() if s.overdue)
    summary = "、".join(f"{status} {count} 项" for status, count in counts.items() if count)
    lines = [f"共 {len(states)} 项整改措施：{summary}" + (f"；其中 **逾期 {overdue} 项**" if overdue else "") + "。", ""]
    if len(groups) > 1:
        lines += [f"- [{md_text(group.title)}](#{group.anchor})（{len(group.rows)} 行）" for group in groups] + [""]
    for group in groups:
        heading = md_text(named(index, group.report)) if group.report else NO_REPORT
        lines += [f"## {heading} {{#{group.anchor}}}", ""]
        if group.report is not None:
            facts = [f"督导轮次：{md_text(round_label(index, group.report))}"]
            if group.report.get("inspected_unit"):
                facts.append(f"督导调研对象：{md_text(group.report.get('inspected_unit'))}")
            lines += ["<small>" + " · ".join(facts) + f" · {link(index, from_path, group.report, '查看报告')}</small>", ""]
        lines += _group_table(index, from_path, group)
    return "\n".join(lines + _by_unit(index, from_path, list(states.values())))


def _by_unit(index: ContentIndex, from_path: str, states: list) -> list[str]:
    """Each responsible unit's measures and where they stand: what a unit looks up first."""
    units: dict[str, list] = {}
    for state in states:
        units.setdefault(state.owner_unit or NO_UNIT, []).append(state)
    lines = ["## 按责任单位 {#ledger-by-unit}", ""]
    for unit in sorted(units, key=lambda u: (u == NO_UNIT, u)):
        entries = "、".join(
            link(index, from_path, s.measure, short_label(index, s.measure)) + f"（{s.status}" + ("，逾期" if s.overdue else "") + "）"
            for s in units[unit])
        lines.append(f"- **{md_text(unit)}**：{entries}")
    return lines + [""]
