"""The parts of an item page the build adds around the editor's text: breadcrumb, title and
facts above it; relations, backlinks and source below; a session's agenda and contents."""
from __future__ import annotations

from . import model
from .index import ContentIndex
from .markup import link, md_text, relative_link, section_index_path, short_label, table_cell
from .search_index import CALLOUT_CLASS, LISTING_CLASS

REFERENCE_CLASS = "kb-ref"
# A session page lists at most this many items (all those it names, then items sharing its tags).
MAX_SESSION_ITEMS_SHOWN = 60


def breadcrumb(index: ContentIndex, item: model.Item) -> str:
    home = relative_link(item.path, "index.md")
    section = relative_link(item.path, section_index_path(item.type))
    label = model.TYPE_PLURAL_LABELS[item.type]
    # Markdown links, not raw HTML, so that mkdocs validates and rewrites them. The page
    # itself by the name a reader knows (措施一, or its title), never its ID.
    here = table_cell(md_text(short_label(index, item)))
    return f'<div class="kb-breadcrumb" markdown="span">[首页]({home}) › [{label}]({section}) › {here}</div>'


def page_header(index: ContentIndex, item: model.Item, updated: str | None = None) -> str:
    """Breadcrumb, title and a one-line card of the item's facts, placed above the editor's
    text; `updated` is when the page last changed, as readers write dates."""
    # No ID here: readers know an item by its name; editors find the ID at the end of the page.
    facts = [f"**类型** {item.spec.label}"]
    facts += [f"**{field.label}** {table_cell(md_text(item.get(field.name)))}"
              for field in item.spec.fields if field.in_header and item.get(field.name)]
    if item.tags:
        facts.append("**标签** " + "、".join(md_text(tag) for tag in item.tags))
    if updated:
        facts.append(f"**最后更新** {md_text(updated)}")
    if item.audience == "internal":
        facts.append("**仅限内部**")
    lines = [breadcrumb(index, item), "", f"# {md_text(item.title)}", "", '<div class="kb-facts kb-nomark" markdown>', " · ".join(facts), "", "</div>", ""]
    callout = item.spec.callout_field
    label = model.field_specs(item.spec)[callout].label if callout else ""
    # A term's one-line definition leads its page, unless the editor wrote a 释义 section:
    # then that section is the page's definition (a box titled 释义 above a section 释义
    # said the same thing twice). The one line stays in the glossary and the tooltips.
    if callout and item.get(callout) and not item.sections.get(label, "").strip():
        lines += [f'<p class="{CALLOUT_CLASS} kb-lead" markdown="span">{md_text(item.get(callout))}</p>', ""]
    return "\n".join(lines)


def page_footer(index: ContentIndex, item: model.Item) -> str:
    """Relations and backlinks, then the source, added to every item page."""
    groups = index.grouped_links(item)
    # A session's page has just listed what it covers: "暂无关联内容" below that list would
    # contradict it, so a session without relations of its own has no such section.
    lists_items = item.spec.gathers_items and bool(index.session_items(item))
    lines = [""] if not groups and lists_items else ["", "## 关联内容 {#kb-relations}", ""]
    if not groups and not lists_items:
        lines.append("暂无关联内容。")
    for label, links in groups:
        lines.append(f"**{label}**")
        lines.append("")
        for entry in links:
            note = f" <small>（编辑归纳：{md_text(entry.editorial)}）</small>" if entry.editorial else ""
            # Every group heading names one type except "被引用于", which mixes them.
            badge = f"{entry.item.spec.label} · " if label == model.CITED_BY_LABEL else ""
            lines.append(f"- {badge}{link(index, item.path, entry.item)}{note}")
        lines.append("")
    lines += ["## 来源 {#kb-source}", "", md_text(item.source), ""]
    if any(r.editorial for r in item.relations) or any(r.editorial for _, r in index.backlinks.get(item.id, [])):
        lines += ["<small>标注“编辑归纳”的对应关系为本知识库编辑根据报告内容归纳，报告原文未逐条对应。</small>", ""]
    # For editors, who write IDs in front matter and in {{ link("…") }}: one small line, last.
    lines += [f'<p class="{REFERENCE_CLASS} kb-nomark" markdown="span">引用编号：{md_text(item.id)}</p>', ""]
    return "\n".join(lines)


def session_landing(index: ContentIndex, session: model.Item) -> str:
    """The body added to a training session page: facts, agenda and what it covers."""
    facts = []
    if session.get("date"):
        facts.append(f"**培训日期** {session.get('date')}")
    if session.get("trainees"):
        facts.append(f"**培训对象** {table_cell(md_text(session.get('trainees')))}")
    lines = ['<div class="kb-facts" markdown>', " · ".join(facts), "", "</div>", ""] if facts else []
    agenda = session.get("agenda") or []
    if agenda:
        lines += ["## 议程", ""] + [f"{n}. {md_text(step)}" for n, step in enumerate(agenda, 1)] + [""]
    covered = index.session_items(session)
    # The items the editor listed, then those sharing the session's tags, up to a limit: a
    # tag can hold hundreds of items, and the page must not grow with the knowledge base.
    listed = set(session.get("items") or [])
    shown = [i for i in covered if i.id in listed]
    shown += [i for i in covered if i.id not in listed][:max(0, MAX_SESSION_ITEMS_SHOWN - len(shown))]
    # The list repeats the items' summaries: marked as a listing, which search leaves out.
    lines += ["## 学习内容", "", f'<div class="{LISTING_CLASS}" markdown>', ""]
    for type_name in model.TYPES:
        group = [i for i in shown if i.type == type_name]
        if group:
            lines += [f"**{model.TYPE_PLURAL_LABELS[type_name]}**", ""]
            lines += [f"- {link(index, session.path, i)}" + (f"：{md_text(i.summary)}" if i.summary else "") for i in group]
            lines.append("")
    if not covered:
        lines.append("本专题尚未列出学习内容。")
    if len(covered) > len(shown):
        tags = "、".join(f"“{md_text(tag)}”" for tag in session.tags)
        lines.append(f"另有 {len(covered) - len(shown)} 个带有{tags}标签的条目，可在标签页查看。")
    lines += ["", "</div>", ""]
    return "\n".join(lines)
