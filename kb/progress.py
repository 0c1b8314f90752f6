"""What an item's page shows about rectification, under its title: a measure's status, owner,
deadline, milestones and evidence; a problem found again in a later round (问题反弹)."""
from __future__ import annotations

from . import model
from .index import ContentIndex
from .markup import html_link, html_text, named
from .rectification import STATUS_CLASS, MeasureState, measure_state, recurrence
from .slots import Href


def status_badge(state: MeasureState) -> str:
    """The status as text beside a bar of its colour (docs/assets/rectification.css)."""
    return f'<span class="kb-status kb-status--{STATUS_CLASS[state.status]}">{state.status}</span>'


def measure_block(index: ContentIndex, measure: model.Item, today: str) -> str:
    """HTML (kb/slots.py): the measure's status, owner, deadline, milestones, evidence, sign-off."""
    state = measure_state(index, measure, today)
    status = status_badge(state)
    if state.overdue:
        status += f' <strong class="kb-overdue">逾期</strong>（完成时限 {html_text(state.deadline)}，统计至 {html_text(today)}）'
    if not state.recorded:
        return (f'<div class="kb-progress">\n<p><strong>整改状态</strong> {status}：报告没有载明责任单位、完成时限和整改进展，'
                "由责任单位按实际情况补充。</p>\n</div>")
    facts = [f"<strong>整改状态</strong> {status}"]
    for label, value in (("责任单位", state.owner_unit), ("责任人", state.owner), ("完成时限", state.deadline)):
        facts.append(f"<strong>{label}</strong> {html_text(value) if value else model.STATUS_UNKNOWN}")
    html = ['<div class="kb-progress">', f"<p>{' · '.join(facts)}</p>"]
    if state.milestones:
        html.append(f"<p><strong>阶段目标</strong>（已完成 {state.milestones_done}/{len(state.milestones)}）</p>\n<ul>")
        html += [f"<li>{'✓ 已完成' if m.get('done') else '○ 未完成'} · {html_text(m['date'])} · {html_text(m['text'])}</li>"
                 for m in state.milestones]
        html.append("</ul>")
    if state.evidence:
        html.append("<p><strong>佐证材料</strong></p>\n<ul>")
        for entry in state.evidence:
            # The address is checked by the loader (http or https only) and the page is sanitized.
            title = (f'<a href="{html_text(entry["url"])}">{html_text(entry["title"])}</a>' if entry.get("url")
                     else html_text(entry["title"]))
            extra = [html_text(entry["date"])] if entry.get("date") else []
            if entry.get("audience") == "internal":
                extra.append("仅限内部")
            html.append(f"<li>{title}" + (f"（{'，'.join(extra)}）" if extra else "") + "</li>")
        html.append("</ul>")
    if state.verified_by or state.verified_on:
        html.append(f"<p><strong>验收</strong> {html_text(state.verified_by) if state.verified_by else model.STATUS_UNKNOWN}"
                    f" · {html_text(state.verified_on) if state.verified_on else '日期待明确'}</p>")
    return "\n".join(html + ["</div>"])


def has_recurrence(index: ContentIndex, problem: model.Item) -> bool:
    return bool(recurrence(index, problem))


def problem_block(index: ContentIndex, problem: model.Item, href: Href) -> str:
    """HTML (kb/slots.py): a 问题反弹 box naming the earlier or later problem ("" if none)."""
    found = recurrence(index, problem)
    if not found:
        return ""
    html = ['<div class="admonition warning">', '<p class="admonition-title">问题反弹</p>']
    if found.earlier:
        earlier = "、".join(html_link(href, p, named(index, p)) for p in found.earlier)
        html.append(f"<p>这个问题此前的督导中已经指出过：{earlier}。</p>")
    if found.later:
        later = "、".join(html_link(href, p, named(index, p)) for p in found.later)
        html.append(f"<p>这个问题在后续督导中再次出现：{later}。</p>")
    return "\n".join(html + ["</div>"])
