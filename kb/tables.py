"""Site-wide tables and lists the macros put on section pages: type indexes, the problem
checklist, the problem-measure matrix, the glossary, the self-check, recent changes and tags
(the ledger and dashboard: kb.ledger, kb.dashboard). No mkdocs here; the content index in, Markdown out."""
from __future__ import annotations

import zlib

from . import model
from .index import ContentIndex
from .markdown_text import bullet_points, rebase_links
from .markup import chinese_date, link, md_text, ordinal, short_label, table_cell

MAX_INDEX_WITH_RELATIONS = 100
# Links per relation group in an index row: a report or policy can be cited by hundreds of
# items, which its own page lists; the index row names the first ones and how many more.
MAX_RELATED_IN_INDEX_ROW = 8


# The relation groups an index row names, per type: what a reader scans that index for
# (the measures that answer a problem, the problems a measure answers). Every group is on
# the item's own page; None names them all.
INDEX_RELATION_GROUPS: dict[str, tuple[str, ...] | None] = {
    "report": None,
    "practice": ("相关政策",),
    "problem": ("整改措施",),
    "measure": ("针对的问题",),
    "policy": (),
    "term": (),
    "session": None,
}


def cell_label(label: str) -> str:
    """A column's name inside a cell, shown only where the table is stacked into cards (phones)."""
    return f'<span class="kb-cell-label">{md_text(label)}</span>'


def type_index(index: ContentIndex, from_path: str, type_name: str) -> str:
    """Table of every visible item of a type: its name (问题一：title for numbered types,
    linked to its page), key fields, summary and the relations readers look for. No ID column:
    IDs are for editors, who find them at the end of each page."""
    model.known_type(type_name)
    items = index.of_type(type_name)
    if not items:
        return f"暂无{model.TYPE_PLURAL_LABELS[type_name]}。"
    count = f"共 {len(items)} 项。"
    return count + index_table(index, type_name, [index_row(index, from_path, item) for item in items])


def index_with_relations(index: ContentIndex, type_name: str) -> bool:
    # With many items the relations column would make the index outgrow any page; each item page has them.
    return len(index.of_type(type_name)) <= MAX_INDEX_WITH_RELATIONS and INDEX_RELATION_GROUPS.get(type_name) != ()


def index_table(index: ContentIndex, type_name: str, rows: list[str]) -> str:
    """The type index's table around rows written by index_row."""
    spec = model.known_type(type_name)
    extra = [model.field_specs(spec)[name] for name in spec.index_columns]
    header = ["名称"] + [f.label for f in extra] + ["摘要"] + (["关联"] if index_with_relations(index, type_name) else [])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + rows
    # kb-cards: stacked into one card per row on phones (docs/assets/kb.css).
    return f'\n\n<div class="kb-index kb-index-{type_name} kb-cards" markdown>\n\n' + "\n".join(lines) + "\n\n</div>\n"


def index_row(index: ContentIndex, from_path: str, item: model.Item) -> str:
    """One item's row of its type's index."""
    spec = item.spec
    extra = [model.field_specs(spec)[name] for name in spec.index_columns]
    groups = INDEX_RELATION_GROUPS.get(item.type)
    summary = item.summary or (item.get(spec.callout_field) if spec.callout_field else "")
    name = link(index, from_path, item)
    if spec.numbered:
        name = f"{md_text(short_label(index, item))}：{name}"
    cells = [name]
    cells += [cell_label(f.label) + table_cell(md_text(item.get(f.name))) if item.get(f.name) else "" for f in extra]
    cells.append(table_cell(md_text(summary)) if summary else "")
    if index_with_relations(index, item.type):
        related = []
        for label, links in index.grouped_links(item):
            if groups is not None and label not in groups:
                continue
            names = "、".join(link(index, from_path, entry.item, short_label(index, entry.item))
                             for entry in links[:MAX_RELATED_IN_INDEX_ROW])
            more = f" 等 {len(links)} 项" if len(links) > MAX_RELATED_IN_INDEX_ROW else ""
            related.append(f"{label}：{names}{more}")
        cells.append("<br>".join(related))
    return "| " + " | ".join(cells) + " |"


def _section(item: model.Item, name: str, from_path: str) -> str:
    """A section of an item as shown on another page, its relative links pointing from there."""
    return rebase_links(item.sections.get(name, ""), item.path, from_path).strip()


def problem_checklist(index: ContentIndex, from_path: str) -> str:
    """问题清单: every problem with its manifestations, causes and the measures that answer it
    (a list too large for one page is split into parts: kb/split.py)."""
    return "\n".join(checklist_entry(index, from_path, problem) for problem in index.of_type("problem")) or "暂无问题。"


def checklist_entry(index: ContentIndex, from_path: str, problem: model.Item) -> str:
    """One problem of the checklist, numbered as everywhere (问题三 is the third problem)."""
    measures = index.referring(problem, "measure", "problems")
    number = index.positions[problem.id]
    parts = [f"## 问题{ordinal(number)}：{md_text(problem.title)}", "", f"<small>{link(index, from_path, problem, '查看详情')}</small>", ""]
    parts += ["### 主要表现", "", _section(problem, model.SECTION_MANIFESTATIONS, from_path), ""]
    parts += ["### 原因分析", "", _section(problem, model.SECTION_CAUSES, from_path), ""]
    parts += ["### 整改措施", ""]
    if measures:
        for measure in measures:
            note = index.editorial_note(measure, "problems", problem.id)
            suffix = f" <small>（编辑归纳：{md_text(note)}）</small>" if note else ""
            parts.append(f"- {link(index, from_path, measure)}{suffix}")
    else:
        parts.append("尚未对应整改措施。")
    parts.append("")
    return "\n".join(parts)


# Above this many cells the grid would dwarf its content; a list per problem says the same.
MAX_MATRIX_CELLS = 400


def problem_measure_matrix(index: ContentIndex, from_path: str) -> str:
    """Problems as rows, measures as columns; ● where a measure addresses a problem."""
    problems, measures = index.of_type("problem"), index.of_type("measure")
    if not problems or not measures:
        return "暂无问题或整改措施。"
    if len(problems) * len(measures) > MAX_MATRIX_CELLS:
        return _problem_measure_list(index, from_path, problems)
    header = ["问题 \\ 措施"] + [link(index, from_path, m, f"措施{ordinal(n)}") for n, m in enumerate(measures, 1)]
    rows = ["| " + " | ".join(header) + " |", "|---|" + ":---:|" * len(measures)]
    notes = []
    for number, problem in enumerate(problems, start=1):
        cells = [link(index, from_path, problem, f"问题{ordinal(number)}：{problem.title}")]
        for m_number, measure in enumerate(measures, start=1):
            if problem in index.related(measure, "problems"):
                note = index.editorial_note(measure, "problems", problem.id)
                cells.append(cell_label(f"措施{ordinal(m_number)}") + ("○" if note else "●"))
                if note:
                    notes.append(f"- 问题{ordinal(number)} × 措施{ordinal(m_number)}：{md_text(note)}")
            else:
                cells.append("")
        rows.append("| " + " | ".join(cells) + " |")
    legend = [f"- 措施{ordinal(n)}：{link(index, from_path, m)}" for n, m in enumerate(measures, 1)]
    # kb-cards: on a phone each problem is a card listing the measures that answer it.
    text = ('<div class="kb-matrix kb-cards" markdown>\n\n' + "\n".join(rows) + "\n\n</div>\n\n"
            + "●：报告明确的对应关系；○：编辑归纳的对应关系（理由见下）。\n\n" + "\n".join(legend))
    if notes:
        text += "\n\n**编辑归纳的理由**\n\n" + "\n".join(notes)
    return text + "\n"


def _problem_measure_list(index: ContentIndex, from_path: str, problems: list[model.Item]) -> str:
    return matrix_list([matrix_entry(index, from_path, problem) for problem in problems])


def matrix_list(entries: list[str]) -> str:
    """The matrix as a list, around entries written by matrix_entry."""
    return "\n".join(["条目较多，按问题列出对应的整改措施（○ 为编辑归纳）。", "", *entries]) + "\n"


def matrix_entry(index: ContentIndex, from_path: str, problem: model.Item) -> str:
    """A problem and the measures that answer it, as one line of the matrix's list."""
    measures = index.referring(problem, "measure", "problems")
    marks = "、".join(
        link(index, from_path, m, short_label(index, m)) + ("○" if index.editorial_note(m, "problems", problem.id) else "")
        for m in measures
    ) or "尚未对应整改措施"
    number = index.positions[problem.id]
    return f"- {link(index, from_path, problem, f'问题{ordinal(number)}：{problem.title}')}：{marks}"


def glossary(index: ContentIndex, from_path: str) -> str:
    terms = index.of_type("term")  # in pinyin order, as on paper
    if not terms:
        return "暂无术语。"
    return glossary_body([glossary_entry(index, from_path, term) for term in terms])


def glossary_entry(index: ContentIndex, from_path: str, term: model.Item) -> str:
    aliases = term.get("aliases") or []
    also = f"（又称：{'、'.join(md_text(a) for a in aliases)}）" if aliases else ""
    return "\n".join([f"{link(index, from_path, term)}{also}", f":   {md_text(term.get('definition'))}", ""])


def glossary_body(entries: list[str]) -> str:
    # Every term is defined right here, under its own linked name: a definition marked with
    # links (a term underlined inside its own definition) would only send the reader around.
    return '<div class="kb-nomark" markdown>\n\n' + "\n".join(entries) + "\n</div>\n"


def self_check_points(problem: model.Item, from_path: str) -> list[str]:
    """What a unit checks itself against for a problem, as Markdown: the editor's 自查要点
    (front matter `self_check`, plain text) or else the report's 主要表现, as written."""
    # A blank line would be a box without a name: left out.
    written = [md_text(line) for line in problem.get(model.SELF_CHECK_FIELD) or [] if str(line).strip()]
    if written:
        return written
    return bullet_points(_section(problem, model.SECTION_MANIFESTATIONS, from_path))


def _check_id(problem: model.Item, number: int, point: str) -> str:
    # The wording is part of the id: when an editor rewrites a point, a tick kept in a
    # reader's browser for the old wording no longer applies to the new one.
    return f"kb-check-{problem.id}-{number}-{zlib.crc32(point.encode('utf-8')):08x}"


# Printed with the form (print.css shows it, the screen does not): who checked, where and when.
SIGNOFF_FIELDS = ("单位", "自查人", "日期", "签字")


def self_check(index: ContentIndex, from_path: str) -> str:
    """自查清单: for each problem, the points a unit checks itself against, as real
    checkboxes with their text as label. docs/assets/self-check.js keeps the ticks in the
    reader's browser; print.css prints the boxes empty, with a line for notes under each
    point and the sign-off fields at the end. (A form too large for one page is split into
    parts, each a form of its own: kb/split.py.)"""
    problems = index.of_type("problem")
    if not problems:
        return "暂无问题。"
    return self_check_form([self_check_entry(index, from_path, problem) for problem in problems])


def self_check_entry(index: ContentIndex, from_path: str, problem: model.Item) -> str:
    """One problem's boxes on the self-check form, numbered as everywhere."""
    lines = [f"## 对照问题{ordinal(index.positions[problem.id])}：{md_text(problem.title)}", ""]
    # The label holds the checkbox and the text, so the text is the box's accessible
    # name and clicking it ticks the box; glossary terms are not linked inside it.
    for point_number, point in enumerate(self_check_points(problem, from_path), start=1):
        lines.append(f'- <label class="kb-check kb-nomark"><input type="checkbox" id="{_check_id(problem, point_number, point)}"> '
                     f"{point}</label>")
    lines += ["", f"<small>原因分析与整改措施见 {link(index, from_path, problem, '问题详情')}。</small>", ""]
    return "\n".join(lines)


def self_check_form(entries: list[str]) -> str:
    """The self-check form around entries written by self_check_entry."""
    signoff = "".join(f'<span class="kb-signoff-field">{name}：</span>' for name in SIGNOFF_FIELDS)
    # On paper the page's own words about ticking in the browser give way to this line.
    how = '<p class="kb-print-only">请对照本单位情况，符合的在方框内打“√”，在备注栏写明情况和整改打算；填写完毕由自查人签字。</p>\n\n'
    return ('<div class="kb-self-check" markdown>\n\n' + how + "\n".join(entries)
            + f'\n<p class="kb-signoff">{signoff}</p>\n\n</div>\n')


# The recent-changes list stays short whatever number a page asks for.
MAX_RECENT_CHANGES = 50


def recent_changes(index: ContentIndex, from_path: str, limit: int = 8, *,
                   history: list[tuple[str, str]] | None = None) -> str:
    """The most recently changed items, newest first: each item's date from the version
    history (date, docs path; newest first) when it has one, else its `updated` date;
    items with neither are left out."""
    limit = max(1, min(int(limit), MAX_RECENT_CHANGES))
    dates = last_updated(index, history)
    # A stable sort: changes of one day keep the history's order (newest commit first).
    entries = sorted(((date, index.by_path[path]) for path, date in dates.items()), key=lambda entry: entry[0], reverse=True)
    if not entries:
        return "暂无更新记录。"
    return "\n".join(f"- {chinese_date(date)} · {item.spec.label} · {link(index, from_path, item)}"
                     for date, item in entries[:limit])


def last_updated(index: ContentIndex, history: list[tuple[str, str]] | None) -> dict[str, str]:
    """Docs path → date (2026-11-01) an item last changed: its last commit, else its `updated`."""
    dates = {}
    for date, path in history or []:
        dates.setdefault(path, date)
    ordered = {path: dates[path] for path in dates if path in index.by_path}
    for item in index.items.values():
        if item.path not in ordered and item.get("updated"):
            ordered[item.path] = str(item.get("updated"))[:10]
    return ordered


def item_list(index: ContentIndex, from_path: str, type_name: str) -> str:
    model.known_type(type_name)
    items = index.of_type(type_name)
    return "\n".join(f"- {link(index, from_path, item)}" for item in items) or f"暂无{model.TYPE_PLURAL_LABELS[type_name]}。"


def tag_index(index: ContentIndex, from_path: str) -> str:
    lines = []
    for tag in sorted(index.by_tag):
        lines += [f"## {md_text(tag)}", ""] + tag_description(index, tag)
        lines += [tag_entry(index, from_path, item) for item in index.by_tag[tag]]
        lines.append("")
    return "\n".join(lines) or "暂无标签。"


def tag_description(index: ContentIndex, tag: str) -> list[str]:
    description = index.content.tags.get(tag, "")
    return [md_text(description), ""] if description else []


def tag_entry(index: ContentIndex, from_path: str, item: model.Item) -> str:
    return f"- {item.spec.label} · {link(index, from_path, item)}"
