"""Where rectification stands: each measure's status, owner, deadline and evidence, the
ledger's rows grouped by report, problems found again in a later round, and the counts the
dashboard draws. Plain data from the content index; the ledger, dashboard and exports render it.

Overdue is decided against the build date (kb.settings.BuildInfo.date), never the clock, so
the same commit always builds the same site.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
import re

from . import model
from .index import ContentIndex
from .markup import short_label

NO_REPORT = "未注明报告"
# The address of the group of items without a report, in the ledger and split listings: no
# ID begins with a digit, so no report's group can take it.
NO_REPORT_SLUG = "0-no-report"
NO_UNIT = model.STATUS_UNKNOWN
NO_CATEGORY = "未分类"


def natural_order(label: str) -> list:
    """单位2 before 单位10: digits compared as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label)]


@dataclass(frozen=True)
class MeasureState:
    """One measure's rectification as this audience may see it."""

    measure: model.Item
    status: str  # one of model.RECTIFICATION_STATUSES, or model.STATUS_UNKNOWN
    overdue: bool
    owner_unit: str
    owner: str
    deadline: str
    milestones: tuple[dict, ...]
    evidence: tuple[dict, ...]  # internal evidence only in internal builds
    verified_by: str
    verified_on: str

    @property
    def done(self) -> bool:
        return self.status in model.STATUSES_DONE

    @property
    def known(self) -> bool:
        return self.status != model.STATUS_UNKNOWN

    @property
    def milestones_done(self) -> int:
        return sum(1 for m in self.milestones if m.get("done"))

    @property
    def recorded(self) -> bool:
        """Whether an editor has recorded anything about this measure's rectification."""
        return any((self.known, self.owner_unit, self.owner, self.deadline, self.milestones,
                    self.evidence, self.verified_by, self.verified_on))


def measure_state(index: ContentIndex, measure: model.Item, today: str) -> MeasureState:
    status = measure.get("status") or model.STATUS_UNKNOWN
    deadline = measure.get("deadline") or ""
    # ISO dates compare as text. A deadline that has passed counts against a measure that is
    # not done, whatever its status says (申请延期 included: the deadline is the one in force).
    overdue = bool(deadline) and deadline < today and status not in model.STATUSES_DONE
    evidence = tuple(e for e in measure.get("evidence") or [] if index.visible(e.get("audience", model.DEFAULT_AUDIENCE)))
    return MeasureState(
        measure=measure, status=status, overdue=overdue,
        owner_unit=measure.get("owner_unit") or "", owner=measure.get("owner") or "", deadline=deadline,
        milestones=tuple(sorted(measure.get("milestones") or [], key=lambda m: m["date"])),
        evidence=evidence,
        verified_by=measure.get("verified_by") or "", verified_on=measure.get("verified_on") or "",
    )


@dataclass(frozen=True)
class LedgerRow:
    number: int  # 序号 within its report
    problem: model.Item
    measure: model.Item
    state: MeasureState
    editorial: str | None  # why an editor linked the two, when the report does not say


@dataclass
class LedgerGroup:
    """One report's part of the ledger (or the rows whose problem names no report)."""

    report: model.Item | None
    rows: list[LedgerRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.report.title if self.report else NO_REPORT

    @property
    def slug(self) -> str:
        """The group's name in addresses: the report's ID, or for problems without a report
        a name no ID can take (IDs begin with a letter)."""
        return self.report.id if self.report else NO_REPORT_SLUG

    @property
    def anchor(self) -> str:
        return f"ledger-{self.slug}"


def report_of(index: ContentIndex, item: model.Item) -> model.Item | None:
    reports = index.related(item, "report")
    return reports[0] if reports else None


def round_label(index: ContentIndex, report: model.Item | None) -> str:
    """How a report is named where rounds are compared: its round, else its short label."""
    if report is None:
        return NO_REPORT
    return report.get("round") or short_label(index, report)


def ledger_groups(index: ContentIndex, today: str) -> list[LedgerGroup]:
    """整改台账: per report, in the report's order, each problem with every measure for it."""
    states = {m.id: measure_state(index, m, today) for m in index.of_type("measure")}
    groups: dict[str | None, LedgerGroup] = {r.id: LedgerGroup(r) for r in index.of_type("report")}
    for problem in index.of_type("problem"):
        report = report_of(index, problem)
        group = groups.setdefault(report.id if report else None, LedgerGroup(report))
        for measure in index.referring(problem, "measure", "problems"):
            group.rows.append(LedgerRow(len(group.rows) + 1, problem, measure, states[measure.id],
                                        index.editorial_note(measure, "problems", problem.id)))
    return [group for group in groups.values() if group.rows]


@dataclass(frozen=True)
class Recurrence:
    earlier: tuple[model.Item, ...]  # problems of earlier rounds this one repeats
    later: tuple[model.Item, ...]  # problems of later rounds that repeat this one

    def __bool__(self) -> bool:
        return bool(self.earlier or self.later)


def recurrence(index: ContentIndex, problem: model.Item) -> Recurrence:
    """问题反弹: the problem is found again in a later round (or is itself such a finding)."""
    return Recurrence(tuple(index.related(problem, "repeats")), tuple(index.referring(problem, "problem", "repeats")))


@dataclass
class Tally:
    """Measures counted by status, for one bar of a chart and one row of its table."""

    label: str
    statuses: Counter = field(default_factory=Counter)
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def done(self) -> int:
        return sum(self.statuses[s] for s in model.STATUSES_DONE)

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def add(self, state: MeasureState) -> None:
        self.statuses[state.status] += 1
        self.overdue += state.overdue


# The order statuses are listed and stacked in: not started to finished, unknown last.
STATUS_ORDER = ("待整改", "申请延期", "整改中", "已整改", "长期坚持", "已销号", model.STATUS_UNKNOWN)
assert set(STATUS_ORDER) == {*model.RECTIFICATION_STATUSES, model.STATUS_UNKNOWN}
# A stable name per status for stylesheets (docs/assets/rectification.css colours them the same in tables and charts).
STATUS_CLASS = {"待整改": "todo", "申请延期": "extended", "整改中": "doing", "已整改": "done",
                "长期坚持": "ongoing", "已销号": "closed", model.STATUS_UNKNOWN: "unknown"}


@dataclass
class Dashboard:
    total: Tally
    by_round: list[Tally]
    by_unit: list[Tally]
    by_category: list[Tally]
    recurring: list[tuple[model.Item, tuple[model.Item, ...]]]  # later problem, the earlier ones
    problems_done: int  # problems in the ledger whose measures are all done
    problems: int  # problems in the ledger (with at least one measure)


def dashboard(index: ContentIndex, today: str) -> Dashboard:
    """Counts of the ledger's measures by status: in all, per round, per unit and per category
    (tag). The measures and rounds are the ledger's own (a round is the report of the problems a
    measure answers), so the dashboard and the ledger always agree; a measure answering
    problems of two rounds counts in each round, and once in the other charts."""
    total = Tally("全部整改措施")
    rounds: dict[str, Tally] = {}
    for report in index.of_type("report"):  # rounds in the reports' order
        rounds.setdefault(round_label(index, report), Tally(round_label(index, report)))
    states: dict[str, MeasureState] = {}
    counted: set[tuple[str, str]] = set()  # (round, measure): two reports may share a round
    groups = ledger_groups(index, today)
    for group in groups:
        label = round_label(index, group.report)
        tally = rounds.setdefault(label, Tally(label))
        for row in group.rows:
            if (label, row.measure.id) not in counted:
                counted.add((label, row.measure.id))
                tally.add(row.state)
            states.setdefault(row.measure.id, row.state)
    units: dict[str, Tally] = {}
    categories: dict[str, Tally] = {}
    for state in states.values():
        total.add(state)
        unit = state.owner_unit or NO_UNIT
        units.setdefault(unit, Tally(unit)).add(state)
        for tag in state.measure.tags or [NO_CATEGORY]:
            categories.setdefault(tag, Tally(tag)).add(state)
    recurring = [(p, r.earlier) for p in index.of_type("problem") if (r := recurrence(index, p)).earlier]
    rows_by_problem: dict[str, list[LedgerRow]] = {}
    for group in groups:
        for row in group.rows:
            rows_by_problem.setdefault(row.problem.id, []).append(row)
    problems_done = sum(1 for rows in rows_by_problem.values() if all(row.state.done for row in rows))
    by_unit = sorted(units.values(), key=lambda t: (t.label == NO_UNIT, -t.total, natural_order(t.label)))
    by_category = sorted(categories.values(), key=lambda t: (t.label == NO_CATEGORY, -t.total, t.label))
    return Dashboard(total, [t for t in rounds.values() if t.total], by_unit, by_category, recurring,
                     problems_done, len(rows_by_problem))
