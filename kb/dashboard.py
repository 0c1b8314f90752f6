"""整改进展: counts of measures by status, drawn as SVG bar charts at build time.

No script: a chart reads the same offline and on paper. Each chart is an image with a name
and a text alternative (role="img", <title>, <desc>) and is followed by a table of its
numbers. Every label comes from editors' text and is escaped here; the SVG is put into the
page after the sanitizer has run (kb/slots.py), since the allowlist admits no SVG
from pages.
"""
from __future__ import annotations

import html

from . import model
from .index import ContentIndex, relative_link
from .ledger import LEDGER_PAGE
from .markup import link, md_text, named
from .rectification import NO_CATEGORY, NO_UNIT, STATUS_CLASS, STATUS_ORDER, Tally, dashboard

# Narrow enough to stay legible when a phone scales it to its width (about 0.7×). Each row is a
# line of text (the label at the left, its figures right-aligned) above a bar as wide as the
# chart, so no figure ever runs past the edge, however long the bar.
WIDTH = 480
ROW_HEIGHT = 46
BAR_HEIGHT = 16
FONT_SIZE = 15
LEGEND_ROW = 24
# 14 characters of label and about 24 of figures (“57/132 · 43% · 逾期 50”) share a line.
LABEL_MAX_CHARS = 14


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def _describe(tally: Tally) -> str:
    parts = [f"{status} {tally.statuses[status]} 项" for status in STATUS_ORDER if tally.statuses[status]]
    text = f"{tally.label}：共 {tally.total} 项，" + "、".join(parts) + f"，完成 {tally.done} 项（{tally.percent_done}%）"
    return text + (f"，逾期 {tally.overdue} 项" if tally.overdue else "")


def _legend(statuses: list[str]) -> tuple[list[str], int]:
    """Legend entries, wrapped onto as many rows as the width needs; the height they take."""
    parts, x, y = [], 0, 0
    for status in statuses:
        width = 26 + FONT_SIZE * len(status)
        if x and x + width > WIDTH:
            x, y = 0, y + LEGEND_ROW
        parts.append(f'<rect class="kb-chart__bar kb-status--{STATUS_CLASS[status]}" x="{x}" y="{y + 4}" width="14" height="14"/>')
        parts.append(f'<text class="kb-chart__text" x="{x + 20}" y="{y + 16}">{html.escape(status)}</text>')
        x += width + 12
    return parts, y + LEGEND_ROW + 8


def bar_chart(chart_id: str, title: str, tallies: list[Tally]) -> str:
    """Horizontal bars, one per tally, stacked by status and drawn to one scale."""
    statuses = [s for s in STATUS_ORDER if any(t.statuses[s] for t in tallies)]
    largest = max((t.total for t in tallies), default=0) or 1
    legend, top = _legend(statuses)
    height = top + ROW_HEIGHT * len(tallies)
    esc = html.escape
    parts = [
        f'<svg class="kb-chart__svg" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-size="{FONT_SIZE}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{esc("；".join(_describe(t) for t in tallies))}。</desc>',
        *legend,
    ]
    for row, tally in enumerate(tallies):
        y = top + row * ROW_HEIGHT
        parts.append(f'<text class="kb-chart__text" x="0" y="{y + FONT_SIZE}"><title>{esc(tally.label)}</title>{esc(_short(tally.label))}</text>')
        figure = f"{tally.done}/{tally.total} · {tally.percent_done}%" + (f" · 逾期 {tally.overdue}" if tally.overdue else "")
        parts.append(f'<text class="kb-chart__text" x="{WIDTH}" y="{y + FONT_SIZE}" text-anchor="end">{esc(figure)}</text>')
        offset, bar_top = 0.0, y + FONT_SIZE + 6
        for status in statuses:
            count = tally.statuses[status]
            if not count:
                continue
            width = WIDTH * count / largest
            parts.append(
                f'<rect class="kb-chart__bar kb-status--{STATUS_CLASS[status]}" x="{offset:.1f}" y="{bar_top}" '
                f'width="{width:.1f}" height="{BAR_HEIGHT}"><title>{esc(tally.label)}：{esc(status)} {count} 项</title></rect>')
            offset += width
    parts.append("</svg>")
    return "".join(parts)


def data_table(group_label: str, tallies: list[Tally]) -> str:
    statuses = [s for s in STATUS_ORDER if any(t.statuses[s] for t in tallies)]
    header = [group_label, "措施数", *statuses, "逾期", "完成率"]
    rows = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for tally in tallies:
        cells = [md_text(tally.label), str(tally.total), *(str(tally.statuses[s]) for s in statuses),
                 str(tally.overdue), f"{tally.percent_done}%"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def dashboard_page(index: ContentIndex, from_path: str, today: str, place_chart) -> str:
    """The dashboard's Markdown. `place_chart(svg)` returns the text that stands for a chart
    until the page has been sanitized, when the chart takes its place."""
    data = dashboard(index, today)
    total = data.total
    if not total.total:
        return "暂无整改措施。"
    unknown = total.statuses[model.STATUS_UNKNOWN]
    lines = [
        f"统计截至 {today}（构建日期；逾期按这一天计算）。完成指{'、'.join(model.STATUSES_DONE)}。", "",
        '<div class="kb-figures" markdown>', "",
        f"- **{total.total}** 项整改措施",
        f"- **{total.done}** 项已完成（{total.percent_done}%）",
        f"- **{total.statuses['整改中']}** 项整改中",
        f"- **{total.overdue}** 项逾期",
        f"- **{data.problems_done} / {data.problems}** 个问题的措施全部完成",
        "", "</div>", "",
    ]
    if unknown:
        lines += [f"其中 {unknown} 项尚未填写整改状态（显示为“{model.STATUS_UNKNOWN}”）：报告没有载明，"
                  f"由各单位在[整改台账]({relative_link(from_path, LEDGER_PAGE)})中补充。", ""]
    sections = [
        ("按整改状态", "范围", [total], "status"),
        ("按督导轮次", "督导轮次", data.by_round, "round"),
        ("按责任单位", "责任单位", data.by_unit, "unit"),
        ("按类别", "类别（标签）", data.by_category, "category"),
    ]
    for heading, group_label, tallies, slug in sections:
        if not tallies:
            continue
        lines += [f"## {heading} {{#progress-{slug}}}", ""]
        lines += [place_chart(bar_chart(f"kb-chart-{slug}", f"整改进展{heading}", tallies)), ""]
        lines += [data_table(group_label, tallies), ""]
    notes = []
    if any(t.label == NO_UNIT for t in data.by_unit):
        notes.append(f"“{NO_UNIT}”：尚未填写责任单位的措施。")
    if any(t.label == NO_CATEGORY for t in data.by_category):
        notes.append(f"“{NO_CATEGORY}”：没有标签的措施；有多个标签的措施在每个类别中各计一次。")
    lines += [" ".join(notes), ""] if notes else []
    lines += ["## 问题反弹 {#progress-recurring}", ""]
    if data.recurring:
        lines.append(f"以下 {len(data.recurring)} 个问题在后续督导中再次出现：")
        lines.append("")
        for problem, earlier in data.recurring:
            before = "、".join(link(index, from_path, e, named(index, e)) for e in earlier)
            lines.append(f"- {link(index, from_path, problem, named(index, problem))}：此前见 {before}")
    else:
        lines.append("没有记录在后续督导中再次出现的问题。")
    return "\n".join(lines) + "\n"
