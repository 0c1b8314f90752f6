"""What an item's page shows about rectification, under its title: a measure's status, owner,
deadline, milestones and evidence; a problem found again in a later round (问题反弹)."""
from __future__ import annotations

from . import model
from .index import ContentIndex
from .markup import link, md_text, named
from .rectification import STATUS_CLASS, MeasureState, measure_state, recurrence


def status_badge(state: MeasureState) -> str:
    """The status as text beside a bar of its colour (docs/assets/rectification.css)."""
    return f'<span class="kb-status kb-status--{STATUS_CLASS[state.status]}">{state.status}</span>'


def measure_block(index: ContentIndex, measure: model.Item, today: str) -> str:
    state = measure_state(index, measure, today)
    status = status_badge(state)
    if state.overdue:
        status += f' <strong class="kb-overdue">逾期</strong>（完成时限 {state.deadline}，统计至 {today}）'
    if not state.recorded:
        return (f'<div class="kb-progress" markdown>\n\n**整改状态** {status}：报告没有载明责任单位、完成时限和整改进展，'
                "由责任单位按实际情况补充。\n\n</div>\n")
    facts = [f"**整改状态** {status}"]
    for label, value in (("责任单位", state.owner_unit), ("责任人", state.owner), ("完成时限", state.deadline)):
        facts.append(f"**{label}** {md_text(value) if value else model.STATUS_UNKNOWN}")
    lines = ['<div class="kb-progress" markdown>', "", " · ".join(facts), ""]
    if state.milestones:
        lines += [f"**阶段目标**（已完成 {state.milestones_done}/{len(state.milestones)}）", ""]
        lines += [f"- {'✓ 已完成' if m.get('done') else '○ 未完成'} · {m['date']} · {md_text(m['text'])}" for m in state.milestones]
        lines.append("")
    if state.evidence:
        lines += ["**佐证材料**", ""]
        for entry in state.evidence:
            # The address is checked by the loader (http or https only) and the page is sanitized.
            title = f"[{md_text(entry['title'])}](<{entry['url']}>)" if entry.get("url") else md_text(entry["title"])
            extra = [entry["date"]] if entry.get("date") else []
            if entry.get("audience") == "internal":
                extra.append("仅限内部")
            lines.append(f"- {title}" + (f"（{'，'.join(extra)}）" if extra else ""))
        lines.append("")
    if state.verified_by or state.verified_on:
        lines += [f"**验收** {md_text(state.verified_by) or model.STATUS_UNKNOWN} · {state.verified_on or '日期待明确'}", ""]
    return "\n".join(lines + ["</div>", ""])


def problem_block(index: ContentIndex, problem: model.Item) -> str:
    found = recurrence(index, problem)
    if not found:
        return ""
    lines = ['!!! warning "问题反弹"', ""]
    if found.earlier:
        earlier = "、".join(link(index, problem.path, p, named(index, p)) for p in found.earlier)
        lines.append(f"    这个问题此前的督导中已经指出过：{earlier}。")
    if found.later:
        later = "、".join(link(index, problem.path, p, named(index, p)) for p in found.later)
        lines.append(f"    这个问题在后续督导中再次出现：{later}。")
    return "\n".join(lines) + "\n"
