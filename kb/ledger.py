"""整改台账 and 问题清单: the rows of the downloads and the ledger page, from the same groups.

The columns are declared once (LEDGER_COLUMNS): the CSV and XLSX write them, the XLSX adds
its validations from them, and scripts/import_ledger.py reads a filled-in sheet back by them.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import model, split
from .index import ContentIndex
from .markdown_text import bullet_points, plain_text
from .markup import link, md_text, named, short_label, table_cell
from .progress import status_badge
from .rectification import (
    NO_REPORT,
    NO_UNIT,
    STATUS_ORDER,
    LedgerGroup,
    LedgerRow,
    MeasureState,
    ledger_groups,
    natural_order,
    recurrence,
    round_label,
)

LEDGER_SHEET = "整改台账"
PROBLEM_SHEET = "问题清单"


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in the XLSX, in characters
    field: str = ""  # the measure's front matter key an import writes ("" for read-only columns)
    kind: str = "line"  # "line", "date" or "choice" (validated in the XLSX and on import)
    choices: tuple[str, ...] = ()


# The columns the import reads to find a row's measure and to check that the row is whole.
MEASURE_ID_COLUMN = "措施引用编号（请勿修改）"
PROBLEM_ID_COLUMN = "问题引用编号"
MEASURE_NAME_COLUMN = "整改措施"

LEDGER_COLUMNS = (
    Column("序号", 6),
    Column("督导报告", 16),
    Column("问题", 30),
    Column(MEASURE_NAME_COLUMN, 30),
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
    Column(MEASURE_ID_COLUMN, 14),
    Column(PROBLEM_ID_COLUMN, 14),
)
EDITABLE_COLUMNS = tuple(c for c in LEDGER_COLUMNS if c.field)

def requirements_text(measure: model.Item) -> str:
    points = bullet_points(measure.sections.get(model.SECTION_REQUIREMENTS, ""))
    if len(points) == 1:
        return plain_text(points[0])
    return "\n".join(f"{n}. {plain_text(p)}" for n, p in enumerate(points, start=1))


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
    rows = [["序号", "问题", "主要表现", "原因分析", "整改措施", "来源", PROBLEM_ID_COLUMN]]
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


def _status_cell(state: MeasureState) -> str:
    status = status_badge(state)
    if state.overdue:
        status += ' <strong class="kb-overdue">逾期</strong>'
    status += f"<br>时限 {state.deadline or model.STATUS_UNKNOWN}"
    if state.milestones:
        status += f"<br><small>阶段目标 {state.milestones_done}/{len(state.milestones)}</small>"
    return status


def _requirements_cell(measure: model.Item) -> str:
    points = bullet_points(measure.sections.get(model.SECTION_REQUIREMENTS, ""))
    return "<br>".join(md_text(plain_text(p)) for p in points)


def _group_table(index: ContentIndex, from_path: str, rows: list[LedgerRow]) -> list[str]:
    lines = [f'<div class="{LEDGER_CLASS}" markdown>', "", "| " + " | ".join(PAGE_COLUMNS) + " |",
             "|" + "---|" * len(PAGE_COLUMNS)]
    lines += [_row_line(index, from_path, row) for row in rows]
    return lines + ["", "</div>", ""]


def _row_line(index: ContentIndex, from_path: str, row: LedgerRow) -> str:
    state = row.state
    problem = link(index, from_path, row.problem, named(index, row.problem))
    if recurrence(index, row.problem).earlier:
        problem += ' <strong class="kb-recurring">问题反弹</strong>'
    measure = link(index, from_path, row.measure, named(index, row.measure))
    if row.editorial:
        measure += " <small>（编辑归纳）</small>"
    owner = " / ".join(md_text(v) for v in (state.owner_unit, state.owner) if v) or model.STATUS_UNKNOWN
    return "| " + " | ".join(table_cell(cell) for cell in (
        str(row.number), problem, measure, _requirements_cell(row.measure), owner, _status_cell(state),
    )) + " |"


# A ledger that would make a page over split.LISTING_BYTES is split per report (and a large
# report into parts) the way every large listing is (kb/split.py), with an overview on the ledger page.
LEDGER_TITLE = "整改台账"
LEDGER_PARTS_FOLDER = "measures/ledger"
LEDGER_PAGE = "measures/ledger.md"  # the overview the parts link back to


def ledger_parts(index: ContentIndex, today: str) -> list[split.Part]:
    """The pages of the ledger when it is too large for one (none when it fits), measured row by row."""
    measured = []
    for group in ledger_groups(index, today):
        where = split.part_path(LEDGER_PARTS_FOLDER, group.slug, 1)
        whole = split.Group(group.slug, group.title, tuple(group.rows), report=group.report)
        sizes = [split.estimated_bytes(_row_line(index, where, row)) + 1 for row in group.rows]
        measured.append((whole, sizes, split.estimated_bytes("\n".join(_group_facts(index, where, group)))))
    return [part for part, _ in split.cut_groups(LEDGER_TITLE, LEDGER_PARTS_FOLDER, measured)]


def ledger_part_page(index: ContentIndex, part: split.Part, parts: list[split.Part], overview: str | None) -> str:
    """The Markdown of one generated ledger page, with links to the overview (when the site
    has that page) and its neighbours."""
    group = LedgerGroup(part.group.report, list(part.group.entries))
    return split.part_page(part, parts, (overview, f"{LEDGER_TITLE}总览") if overview else None,
                           "\n".join(_group_table(index, part.path, list(part.entries))),
                           "\n".join(_group_facts(index, part.path, group)).strip())


def _group_facts(index: ContentIndex, from_path: str, group: LedgerGroup) -> list[str]:
    if group.report is None:
        return []
    facts = [f"督导轮次：{md_text(round_label(index, group.report))}"]
    if group.report.get("inspected_unit"):
        facts.append(f"督导调研对象：{md_text(group.report.get('inspected_unit'))}")
    return ["<small>" + " · ".join(facts) + f" · {link(index, from_path, group.report, '查看报告')}</small>", ""]


def _counts_line(states: list[MeasureState]) -> str:
    counts = {status: sum(1 for s in states if s.status == status) for status in STATUS_ORDER}
    overdue = sum(1 for s in states if s.overdue)
    summary = "、".join(f"{status} {count} 项" for status, count in counts.items() if count)
    return f"共 {len(states)} 项整改措施：{summary}" + (f"；其中 **逾期 {overdue} 项**" if overdue else "") + "。"


def _states(groups: list[LedgerGroup]) -> list[MeasureState]:
    return list({row.measure.id: row.state for group in groups for row in group.rows}.values())


def ledger_page(index: ContentIndex, from_path: str, today: str, parts: list[split.Part] | None = None) -> str:
    """整改台账 on the web: per report, numbered rows, each problem with its measures; an
    overview with a page per report when it would not fit on one (`parts`: ledger_parts, when
    the caller has them)."""
    groups = ledger_groups(index, today)
    if not groups:
        return "暂无整改措施。"
    parts = ledger_parts(index, today) if parts is None else parts
    if not parts:
        return _whole_ledger(index, from_path, groups)
    states = _states(groups)
    lines = [_counts_line(states), ""]
    lines += ["台账较长，按督导报告分页：", "", "| 督导报告 | 督导轮次 | 行数 | 整改状态 |", "|---|---|---:|---|"]
    for group in groups:
        group_states = _states([group])
        counts = "、".join(f"{s} {n}" for s in STATUS_ORDER if (n := sum(1 for g in group_states if g.status == s)))
        lines.append(f"| {split.group_cell(parts, group.slug, from_path)} | {md_text(round_label(index, group.report))} | {len(group.rows)} | {counts} |")
    return "\n".join(lines + [""] + _by_unit_counts(states))


def _whole_ledger(index: ContentIndex, from_path: str, groups: list[LedgerGroup]) -> str:
    """The ledger on one page: every report's rows, then each unit's measures."""
    states = _states(groups)
    lines = [_counts_line(states), ""]
    if len(groups) > 1:
        lines += [f"- [{md_text(group.title)}](#{group.anchor})（{len(group.rows)} 行）" for group in groups] + [""]
    for group in groups:
        heading = md_text(named(index, group.report)) if group.report else NO_REPORT
        lines += [f"## {heading} {{#{group.anchor}}}", ""]
        lines += _group_facts(index, from_path, group)
        lines += _group_table(index, from_path, group.rows)
    return "\n".join(lines + _by_unit(index, from_path, states))


def _by_unit_counts(states: list[MeasureState]) -> list[str]:
    """Per unit, how many measures stand where: the large ledger's summary (the measures are
    listed on the report pages)."""
    units: dict[str, list[MeasureState]] = {}
    for state in states:
        units.setdefault(state.owner_unit or NO_UNIT, []).append(state)
    lines = ["## 按责任单位 {#ledger-by-unit}", "", "| 责任单位 | 措施数 | 整改状态 | 逾期 |", "|---|---:|---|---:|"]
    for unit in sorted(units, key=lambda u: (u == NO_UNIT, natural_order(u))):
        mine = units[unit]
        counts = "、".join(f"{s} {n}" for s in STATUS_ORDER if (n := sum(1 for m in mine if m.status == s)))
        lines.append(f"| {md_text(unit)} | {len(mine)} | {counts} | {sum(1 for m in mine if m.overdue)} |")
    return lines + [""]


def _by_unit(index: ContentIndex, from_path: str, states: list) -> list[str]:
    """Each responsible unit's measures and where they stand: what a unit looks up first."""
    units: dict[str, list] = {}
    for state in states:
        units.setdefault(state.owner_unit or NO_UNIT, []).append(state)
    lines = ["## 按责任单位 {#ledger-by-unit}", ""]
    for unit in sorted(units, key=lambda u: (u == NO_UNIT, natural_order(u))):
        entries = "、".join(
            link(index, from_path, s.measure, short_label(index, s.measure)) + f"（{s.status}" + ("，逾期" if s.overdue else "") + "）"
            for s in units[unit])
        lines.append(f"- **{md_text(unit)}**：{entries}")
    return lines + [""]
