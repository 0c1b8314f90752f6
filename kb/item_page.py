"""The parts of an item page the build adds around the editor's text: breadcrumb, title and
facts above it; relations, backlinks and source below; a session's agenda and contents.

The headings stay Markdown (the table of contents and the permalinks come from them); what
lies between them is written as HTML and waits in the Markdown as a slot (kb/slots.py),
because converting the same parts as Markdown was most of the build's conversion time."""
from __future__ import annotations

from collections.abc import Callable

from . import model, progress
from .index import ContentIndex
from .markup import html_link, html_text, md_text, section_index_path, short_label
from .search_index import CALLOUT_CLASS, LISTING_CLASS
from .slots import Href, Render

REFERENCE_CLASS = "kb-ref"
# A session page lists at most this many items (all those it names, then items sharing its tags).
MAX_SESSION_ITEMS_SHOWN = 60

Place = Callable[[Render], str]


def item_markdown(index: ContentIndex, item: model.Item, body: str, place: Place, *,
                  updated: str | None = None, today: str = "") -> str:
    """The page's final Markdown: the editor's `body` with the engine's parts around it;
    `place(render)` returns the token that stands for a part until the page is converted."""
    parts = [place(lambda href: breadcrumb(index, item, href)), f"# {md_text(item.title)}",
             place(lambda href: facts(item, updated))]
    if item.type == "measure":
        parts.append(place(lambda href: progress.measure_block(index, item, today)))
    elif item.type == "problem" and progress.has_recurrence(index, item):
        parts.append(place(lambda href: progress.problem_block(index, item, href)))
    parts.append(body)
    if item.spec.gathers_items:
        if session_facts(item):
            parts.append(place(lambda href: session_facts(item)))
        if item.get("agenda"):
            parts += ["## 议程", place(lambda href: agenda(item))]
        parts += ["## 学习内容", place(lambda href: session_contents(index, item, href))]
    if relations_shown(index, item):
        parts += ["## 关联内容 {#kb-relations}", place(lambda href: relations(index, item, href))]
    parts += ["## 来源 {#kb-source}", place(lambda href: source(index, item))]
    return "\n\n".join(parts) + "\n"


def breadcrumb(index: ContentIndex, item: model.Item, href: Href) -> str:
    label = html_text(model.TYPE_PLURAL_LABELS[item.type])
    section_url = href(section_index_path(item.type))
    section = f'<a href="{html_text(section_url)}">{label}</a>' if section_url is not None else label
    home_url = href("index.md")
    home = f'<a href="{html_text(home_url)}">首页</a>' if home_url is not None else "首页"
    # The page itself by the name a reader knows (措施一, or its title), never its ID.
    return f'<div class="kb-breadcrumb">{home} › {section} › {html_text(short_label(index, item))}</div>'


def facts(item: model.Item, updated: str | None = None) -> str:
    """A one-line card of the item's facts under its title (no ID: readers know an item by
    its name; editors find the ID at the end of the page), and a term's definition;
    `updated` is when the page last changed, as readers write dates."""
    shown = [f"<strong>类型</strong> {html_text(item.spec.label)}"]
    shown += [f"<strong>{html_text(field.label)}</strong> {html_text(item.get(field.name))}"
              for field in item.spec.fields if field.in_header and item.get(field.name)]
    if item.tags:
        shown.append("<strong>标签</strong> " + "、".join(html_text(tag) for tag in item.tags))
    if updated:
        shown.append(f"<strong>最后更新</strong> {html_text(updated)}")
    if item.audience == "internal":
        shown.append("<strong>仅限内部</strong>")
    html = f'<div class="kb-facts kb-nomark">\n<p>{" · ".join(shown)}</p>\n</div>'
    callout = item.spec.callout_field
    label = model.field_specs(item.spec)[callout].label if callout else ""
    # A term's one-line definition leads its page, unless the editor wrote a 释义 section:
    # then that section is the page's definition (a box titled 释义 above a section 释义
    # said the same thing twice). The one line stays in the glossary and the tooltips.
    if callout and item.get(callout) and not item.sections.get(label, "").strip():
        html += f'\n<p class="{CALLOUT_CLASS} kb-lead">{html_text(item.get(callout))}</p>'
    return html


def relations_shown(index: ContentIndex, item: model.Item) -> bool:
    """A session's page has just listed what it covers: "暂无关联内容" below that list would
    contradict it, so a session without relations of its own has no such section."""
    return bool(index.grouped_links(item)) or not (item.spec.gathers_items and index.session_items(item))


def relations(index: ContentIndex, item: model.Item, href: Href) -> str:
    """Relations and backlinks, by kind."""
    groups = index.grouped_links(item)
    if not groups:
        return "<p>暂无关联内容。</p>"
    html = []
    for label, links in groups:
        html.append(f"<p><strong>{html_text(label)}</strong></p>\n<ul>")
        for entry in links:
            note = f" <small>（编辑归纳：{html_text(entry.editorial)}）</small>" if entry.editorial else ""
            # Every group heading names one type except "被引用于", which mixes them.
            badge = f"{html_text(entry.item.spec.label)} · " if label == model.CITED_BY_LABEL else ""
            html.append(f"<li>{badge}{html_link(href, entry.item)}{note}</li>")
        html.append("</ul>")
    return "\n".join(html)


def source(index: ContentIndex, item: model.Item) -> str:
    """The source, the note on editorial relations, and the ID for editors, who write IDs in
    front matter and in {{ link("…") }}: one small line, last."""
    html = [f"<p>{html_text(item.source)}</p>"]
    if any(r.editorial for r in item.relations) or any(r.editorial for _, r in index.backlinks.get(item.id, [])):
        html.append("<p><small>标注“编辑归纳”的对应关系为本知识库编辑根据报告内容归纳，报告原文未逐条对应。</small></p>")
    html.append(f'<p class="{REFERENCE_CLASS} kb-nomark">引用编号：{html_text(item.id)}</p>')
    return "\n".join(html)


def session_facts(session: model.Item) -> str:
    """A training session's date and trainees ("" when it gives neither)."""
    shown = []
    if session.get("date"):
        shown.append(f"<strong>培训日期</strong> {html_text(session.get('date'))}")
    if session.get("trainees"):
        shown.append(f"<strong>培训对象</strong> {html_text(session.get('trainees'))}")
    return f'<div class="kb-facts">\n<p>{" · ".join(shown)}</p>\n</div>' if shown else ""


def agenda(session: model.Item) -> str:
    steps = "\n".join(f"<li>{html_text(step)}</li>" for step in session.get("agenda") or [])
    return f"<ol>\n{steps}\n</ol>"


def session_contents(index: ContentIndex, session: model.Item, href: Href) -> str:
    """What a training session covers: the items the editor listed, then those sharing the
    session's tags, up to a limit (a tag can hold hundreds of items, and the page must not
    grow with the knowledge base). The list repeats the items' summaries: marked as a
    listing, which search leaves out."""
    covered = index.session_items(session)
    listed = set(session.get("items") or [])
    shown = [i for i in covered if i.id in listed]
    shown += [i for i in covered if i.id not in listed][:max(0, MAX_SESSION_ITEMS_SHOWN - len(shown))]
    html = [f'<div class="{LISTING_CLASS}">']
    for type_name in model.TYPES:
        group = [i for i in shown if i.type == type_name]
        if group:
            html.append(f"<p><strong>{html_text(model.TYPE_PLURAL_LABELS[type_name])}</strong></p>\n<ul>")
            html += [f"<li>{html_link(href, i)}" + (f"：{html_text(i.summary)}" if i.summary else "") + "</li>" for i in group]
            html.append("</ul>")
    if not covered:
        html.append("<p>本专题尚未列出学习内容。</p>")
    if len(covered) > len(shown):
        tags = "、".join(f"“{html_text(tag)}”" for tag in session.tags)
        html.append(f"<p>另有 {len(covered) - len(shown)} 个带有{tags}标签的条目，可在标签页查看。</p>")
    html.append("</div>")
    return "\n".join(html)
