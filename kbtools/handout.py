"""打印讲义：把一个培训专题涉及的条目（或整个知识库）排成一份 PDF。

    python scripts/handout.py --output 讲义.pdf --session session-report-reading
    python scripts/handout.py --output 知识库全文.pdf              # 全部条目
    python scripts/handout.py --output 内部讲义.pdf --audience internal

讲义依次是：封面（网站名称、专题名称、培训对象、构建日期、版本、“内容以在线版为准”），
目录（可点击，带页码），培训专题页（有 --session 时），然后按类型分部分排列的各条目正文；
每页页脚有构建日期、版本和“第 N 页 / 共 M 页”。

不另写 Markdown 渲染：先像 bundle.py 一样严格构建一次网站（任何警告都会中止），再从构建出
的页面中取出正文（kbtools/handout_html.py），拼成一个 HTML，用 Debian 的 chromium 打印
（kbtools/offline.py 的 html_to_pdf）。字体用文泉驿微米黑（fonts-wqy-microhei）：它的
PDF 中复制出的中文是正常汉字；Noto CJK 会把“一”“页”等字变成外形相同的部首字符
（U+2E80–U+2FDF），见 tests/e2e/test_offline_tools.py。目录页码的做法：先打印一遍，用
pdftotext 找出每个条目所在的页，填进目录后再打印一遍。
"""
from __future__ import annotations

import html
import logging
from pathlib import Path
import re
import shutil
import tempfile
import time

from kb import model
from kb.markup import ordinal
from kb.settings import BuildInfo
from kb.site import KnowledgeBase

from . import offline
from .handout_html import extract_article, rewrite_fragment, stylesheets
from .project import AUDIENCE_LABELS, load_project, setup_logging
from .sitebuild import BuildFailed, build_offline_site, human_size, parse_arguments, prepare_build

log = logging.getLogger("kb.scripts")

HANDOUT_FILE = "kb-handout.html"
FORM_PART = "self-check-form"  # written at the site root, so the site's CSS paths work
# Reading order of the parts: the report, what it found, what to do, then reference material.
MAX_PASSES = 3

HANDOUT_CSS = """
.kb-handout { max-width: none; }
.kb-cover { min-height: 235mm; display: flex; flex-direction: column; justify-content: center;
            text-align: center; break-after: page; page-break-after: always; }
.kb-cover .kb-cover-site { font-size: 14pt; letter-spacing: .2em; margin: 0 0 2.5em; }
.kb-cover .kb-cover-kind { font-size: 16pt; margin: 0 0 .6em; }
.md-typeset .kb-cover h1 { font-size: 26pt; margin: 0 0 1.6em; }
.kb-cover .kb-cover-facts { font-size: 12pt; line-height: 2; margin: 0 0 3em; }
.kb-cover .kb-cover-build { font-size: 10pt; line-height: 1.9; color: #333; }
.kb-cover .kb-cover-internal { font-size: 12pt; font-weight: 700; border: 1pt solid #000;
                               display: inline-block; padding: .2em 1em; margin: 0 auto 2em; }
.kb-toc { break-after: page; page-break-after: always; }
.md-typeset .kb-toc h1 { text-align: center; }
.md-typeset .kb-toc ul { list-style: none; margin: 0; padding: 0; }
.md-typeset .kb-toc li { margin: 0; padding: 0; list-style: none; }
.md-typeset .kb-toc ul ul { margin: .2em 0 .8em 2em; }
.md-typeset .kb-toc a { display: flex; align-items: baseline; color: #000; text-decoration: none; }
.kb-toc .kb-toc-part > a { font-weight: 700; margin-top: .6em; }
.kb-toc .kb-toc-title { flex: 0 1 auto; }
.kb-toc .kb-toc-dots { flex: 1 1 2em; border-bottom: 1pt dotted #666; margin: 0 .4em; min-width: 2em; }
.kb-toc .kb-toc-page { flex: 0 0 2.5em; text-align: right; }
.kb-part { break-before: page; page-break-before: always; }
.md-typeset h1.kb-part-title { font-size: 20pt; text-align: center; margin: 0 0 1.2em; }
.kb-item + .kb-item { margin-top: 2.2em; padding-top: 1.2em; border-top: .5pt solid #999; }
.md-typeset .kb-item-kind { font-size: 9pt; color: #333; margin: 0; }
.md-typeset .kb-item h2:first-of-type { font-size: 16pt; margin-top: .2em; }
.md-typeset .kb-item h3 { font-size: 13pt; }
.md-typeset .kb-item h4 { font-size: 11pt; }
/* Nothing that introduces what follows ends a page: the kind line above an item's title,
   headings, and the bold labels of relation groups (相关政策, 整改措施…). */
.md-typeset .kb-item-kind, .md-typeset .kb-item p:has(> strong:only-child) { break-after: avoid; page-break-after: avoid; }
.kb-page-ref { font-size: 8.5pt; color: #333; white-space: nowrap; }
/* Terms are short: two columns, several to a page, a relation group's label and its
   entries on one run of text. */
#kb-part-term { column-count: 2; column-gap: 8mm; }
#kb-part-term .kb-part-title { column-span: all; }
.kb-item-term + .kb-item-term { margin-top: .9em; padding-top: .6em; }
.md-typeset .kb-item-term { font-size: 9.5pt; line-height: 1.6; }
.md-typeset .kb-item-term h2:first-of-type { font-size: 12pt; margin: 0 0 .2em; }
.md-typeset .kb-item-term h3 { font-size: 9.5pt; margin: .5em 0 .1em; }
.md-typeset .kb-item-term p { margin: .15em 0; }
.md-typeset .kb-item-term .kb-facts { display: none; }
.md-typeset .kb-item-term ul { display: inline; margin: 0; padding: 0; list-style: none; }
.md-typeset .kb-item-term ul li { display: inline; margin: 0; }
.md-typeset .kb-item-term ul li + li::before { content: "；"; }
.md-typeset .kb-item-term p:has(> strong:only-child) { display: inline; margin: 0 .2em 0 0; }
.md-typeset .kb-item-term p:has(> strong:only-child)::after { content: "："; }
.md-typeset .kb-item-term ul + p:has(> strong:only-child)::before { content: ""; display: block; }
"""


class Section:
    """One page of the site in the handout: an item's page, or another page of the site (the
    blank self-check form); its anchor and finished HTML."""

    def __init__(self, item: model.Item | None, *, key: str = "", file: str = "", title: str = "", kind: str = ""):
        self.item = item
        self.key = key or (item.id if item else "")
        self.file = file or (page_file(item) if item else "")
        self.title = title or (item.title if item else "")
        self.anchor = f"kb-item-{self.key}"
        # Also the marker that finds the section's page in the PDF.
        self.kind = kind or (f"{item.spec.label}（{item.id}）" if item else "")
        self.type = item.type if item else key
        self.html = ""
        self.page: int | None = None


# The blank self-check form (docs/self-check.md), printed empty with notes lines and sign-off
# fields by print.css; in every handout, since a session's agenda is to check oneself against it.
SELF_CHECK_PAGE = "self-check.html"


def self_check_form() -> Section:
    # The kind line finds the form's page in the PDF: it must not be the title the TOC shows.
    return Section(None, key="self-check-form", file=SELF_CHECK_PAGE, title="自查清单",
                   kind="自查表（空白，可复印填写）")


def self_check_forms(kb: KnowledgeBase, items: list[model.Item] | None) -> list[Section]:
    """The blank form, or when the self-check is split into parts (kb/split.py) the parts that
    hold the given items' problems (every part when none does, or for the whole knowledge base)."""
    parts = kb.splits.parts.get(("self_check", ""), [])
    if not parts:
        return [self_check_form()]
    wanted = {i.id for i in items or [] if i.type == "problem"}
    chosen = [p for p in parts if wanted & {e.id for e in p.entries}] or parts
    # Each kind line names its part and ends alike, so that no marker is found inside another's.
    return [Section(None, key=f"self-check-form-{n}", file=p.path[:-3] + ".html", title=p.title,
                    kind=f"自查表（{p.title}，空白，可复印填写）") for n, p in enumerate(chosen, start=1)]


def glossary_of(kb: KnowledgeBase, items: list[model.Item]) -> list[model.Item]:
    """The terms a session's items refer to and the session does not list itself, in the
    glossary's (pinyin) order: the handout explains the words its pages use."""
    listed = {i.id for i in items}
    used = {t.id for i in items for t in kb.index.related(i, "terms")}
    return [t for t in kb.index.of_type("term") if t.id in used and t.id not in listed]


def page_file(item: model.Item) -> str:
    """Site path of an item's page in the offline build (use_directory_urls: false)."""
    return item.path[:-3] + ".html"


def shift_headings(fragment: str, by: int = 1) -> str:
    """h1 → h2 …: the part titles are the handout's h1, so the PDF outline nests properly."""
    def shift(match: re.Match) -> str:
        level = min(int(match.group(2)) + by, 6)
        return f"<{match.group(1)}h{level}"
    return re.sub(r"<(/?)h([1-6])(?=[\s>])", shift, fragment)


def collect_sections(kb: KnowledgeBase, session: model.Item | None) -> tuple[Section | None, list[tuple[str, list[Section]]]]:
    items = kb.index.session_items(session) if session else [
        i for t in model.READING_ORDER for i in kb.index.of_type(t)]
    if session is not None:
        items += glossary_of(kb, items)
    parts = []
    for type_name in model.READING_ORDER:
        group = [Section(i) for i in items if i.type == type_name]
        if group:
            parts.append((type_name, group))
    extra = [i for i in items if i.type not in model.READING_ORDER]
    if extra:  # a session may list another session; show it last rather than lose it
        parts.append(("session", [Section(i) for i in extra]))
    if kb.index.of_type("problem"):
        parts.append((FORM_PART, self_check_forms(kb, items if session else None)))
    return (Section(session) if session else None), parts


def fill_sections(site_dir: Path, intro: Section | None, parts) -> None:
    sections = ([intro] if intro else []) + [s for _, group in parts for s in group]
    anchors = {s.file: s.anchor for s in sections}
    prefixes = {s.file: f"{s.key}--" for s in sections}

    def anchor_for(path: str, fragment: str) -> str | None:
        if path not in anchors:
            return None  # not in the handout: keep the text, drop the link
        return f"#{prefixes[path]}{fragment}" if fragment else f"#{anchors[path]}"

    for section in sections:
        path = section.file
        with open(site_dir / path, encoding="utf-8") as handle:
            article = extract_article(handle.read())
        fragment = rewrite_fragment(article, page_path=path, id_prefix=prefixes[path], anchor_for=anchor_for)
        section.html = shift_headings(fragment)


def cover_html(site_name: str, session: model.Item | None, info: BuildInfo, audience: str) -> str:
    e = html.escape
    lines = [f'<p class="kb-cover-site">{e(site_name)}</p>']
    if session is not None:
        lines += ['<p class="kb-cover-kind">培训讲义</p>', f"<h1>{e(session.title)}</h1>"]
        facts = []
        if session.get("trainees"):
            facts.append(f"培训对象：{e(session.get('trainees'))}")
        if session.get("date"):
            facts.append(f"培训日期：{e(str(session.get('date')))}")
        if facts:
            lines.append('<p class="kb-cover-facts">' + "<br>".join(facts) + "</p>")
    else:
        lines += ['<p class="kb-cover-kind">讲义</p>', "<h1>知识库全部条目</h1>"]
    if audience != model.DEFAULT_AUDIENCE:
        lines.append('<p><span class="kb-cover-internal">内部版 · 仅限内部使用</span></p>')
    lines.append(f'<p class="kb-cover-build">构建于 {e(info.date)} · 版本 {e(info.version)}<br>'
                 "本讲义由知识库自动生成，内容以在线版为准。</p>")
    return '<section class="kb-cover">\n' + "\n".join(lines) + "\n</section>"


def _toc_entry(href: str, title: str, page: int | None) -> str:
    number = "" if page is None else str(page)
    return (f'<a href="#{href}"><span class="kb-toc-title">{html.escape(title)}</span>'
            f'<span class="kb-toc-dots"></span><span class="kb-toc-page">{number}</span></a>')


def part_title(number: int, type_name: str) -> str:
    name = "自查表" if type_name == FORM_PART else model.TYPE_PLURAL_LABELS[type_name]
    return f"{ordinal(number)}、{name}"


def toc_html(intro: Section | None, parts) -> str:
    lines = ['<nav class="kb-toc">', "<h1>目录</h1>", "<ul>"]
    if intro is not None:
        lines.append(f'<li class="kb-toc-part">{_toc_entry(intro.anchor, "培训专题：" + intro.title, intro.page)}</li>')
    for number, (type_name, group) in enumerate(parts, 1):
        lines.append(f'<li class="kb-toc-part">{_toc_entry("kb-part-" + type_name, part_title(number, type_name), group[0].page)}')
        lines.append("<ul>")
        lines += [f"<li>{_toc_entry(s.anchor, s.title, s.page)}</li>" for s in group]
        lines.append("</ul></li>")
    lines += ["</ul>", "</nav>"]
    return "\n".join(lines)


# A link to another part of the handout: `#kb-item-<key>` or `#<key>--<fragment>`.
_INTERNAL_LINK = re.compile(r'<a href="#(?:kb-item-([^"]+?)|([^"]+?)--[^"]*)"[^>]*>.*?</a>', re.S)


def with_page_numbers(fragment: str, pages: dict[str, int | None]) -> str:
    """Each link to another part of the handout followed by its page on paper（第 N 页）.
    Chromium's PDF printer has no CSS target-counter(), so the numbers come from the
    previous pass's PDF, like the table of contents'."""
    def number(match: re.Match) -> str:
        page = pages.get(match.group(1) or match.group(2))
        return match.group(0) + (f'<span class="kb-page-ref">（第 {page} 页）</span>' if page else "")
    return _INTERNAL_LINK.sub(number, fragment)


def section_html(section: Section, pages: dict[str, int | None] | None = None) -> str:
    body = with_page_numbers(section.html, pages) if pages else section.html
    return (f'<section class="kb-item kb-item-{html.escape(section.type)}" id="{section.anchor}">\n'
            f'<p class="kb-item-kind">{html.escape(section.kind)}</p>\n{body}\n</section>')


def handout_html(site_dir: Path, title: str, cover: str, intro: Section | None, parts) -> str:
    with open(site_dir / "index.html", encoding="utf-8") as handle:
        css = stylesheets(handle.read())
    head = "\n".join(f'<link rel="stylesheet" href="{html.escape(href)}">' for href in css)
    body = [cover, toc_html(intro, parts)]
    sections = ([intro] if intro else []) + [s for _, group in parts for s in group]
    pages = {s.key: s.page for s in sections}
    if intro is not None:
        body.append(f'<div class="kb-part" id="kb-part-session">\n{section_html(intro, pages)}\n</div>')
    for number, (type_name, group) in enumerate(parts, 1):
        body.append(f'<div class="kb-part" id="kb-part-{type_name}">\n'
                    f'<h1 class="kb-part-title">{html.escape(part_title(number, type_name))}</h1>')
        body += [section_html(s, pages) for s in group]
        body.append("</div>")
    return f"""<!doctype html>
<html lang="zh-CN" dir="ltr">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
{head}
<style>{HANDOUT_CSS}</style>
</head>
<body>
<div class="md-typeset kb-handout">
{chr(10).join(body)}
</div>
</body>
</html>
"""


def pdf_pages(pdf: Path) -> list[str]:
    """Whitespace-free text of each page (pdftotext ends every page with a form feed)."""
    pages = offline.pdf_text(pdf).split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [re.sub(r"\s+", "", p) for p in pages]


def pdf_page_count(pdf: Path) -> int:
    with open(pdf, "rb") as handle:
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", handle.read()))


def locate(sections: list[Section], pages: list[str]) -> dict[str, int | None]:
    found = {}
    for section in sections:
        marker = re.sub(r"\s+", "", section.kind)
        found[section.anchor] = next((n for n, text in enumerate(pages, 1) if marker in text), None)
    return found


def render_pdf(site_dir: Path, output: Path, *, title: str, cover: str, intro, parts, footer: str) -> int:
    """Print the handout, filling in the table of contents' page numbers; returns the page count."""
    from playwright.sync_api import sync_playwright

    sections = ([intro] if intro else []) + [s for _, group in parts for s in group]
    source = site_dir / HANDOUT_FILE
    can_number = shutil.which("pdftotext") is not None
    if not can_number:
        log.warning("注意：没有 pdftotext（apt-get install poppler-utils），目录中不标页码")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=offline.CHROMIUM_PATH, args=list(offline.CHROMIUM_ARGS))
        try:
            for attempt in range(1, MAX_PASSES + 1):
                with open(source, "w", encoding="utf-8") as handle:
                    handle.write(handout_html(site_dir, title, cover, intro, parts))
                log.info(f"排版 PDF（第 {attempt} 遍）…")
                offline.html_to_pdf(source, output, footer_html=footer, browser=browser, outline=True)
                if not can_number:
                    return pdf_page_count(output)
                pages = pdf_pages(output)
                found = locate(sections, pages)
                missing = [a for a, n in found.items() if n is None]
                if missing:
                    raise BuildFailed(f"在 PDF 中找不到这些条目的位置：{'、'.join(missing)}")
                if all(s.page == found[s.anchor] for s in sections):
                    return len(pages)
                for section in sections:
                    section.page = found[section.anchor]
        finally:
            browser.close()
    raise BuildFailed(f"排版 {MAX_PASSES} 遍后目录页码仍不稳定")


def check_text(output: Path) -> None:
    """The promise of the handout: its Chinese text copies and searches as real characters."""
    if not shutil.which("pdftotext"):
        return
    text = offline.pdf_text(output)
    cmap_text, _count = offline.pdf_tounicode_text(output)
    radicals = sorted(set(offline.find_radicals(text)) | set(offline.find_radicals(cmap_text)))
    if radicals:
        raise BuildFailed(f"PDF 中的文字会被复制成部首字符（{''.join(radicals)}）：请安装 fonts-wqy-microhei")


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    args = parse_arguments("生成打印讲义（PDF）：培训专题的条目，或整个知识库。", ".pdf", "输出的 PDF 文件，如 讲义.pdf",
                           "培训专题编号；不给则收入全部条目", argv)
    output = args.output

    project = load_project()
    label = AUDIENCE_LABELS[args.audience]
    started = time.monotonic()
    try:
        if not any(offline.font_is_installed(f) for f in offline.PDF_FONT_FAMILIES):
            raise BuildFailed(f"没有安装讲义所需的中文字体（{'、'.join(offline.PDF_FONT_FAMILIES)} 之一）。"
                              f"请运行：sudo apt-get install -y {offline.PDF_FONT_APT_PACKAGE}")
        if not Path(offline.CHROMIUM_PATH).exists():
            raise BuildFailed(f"找不到 chromium（{offline.CHROMIUM_PATH}）。请运行：sudo apt-get install -y chromium")
        info, kb, session = prepare_build(project, args.audience, args.session)
        intro, parts = collect_sections(kb, session)
        if not parts and intro is None:
            raise BuildFailed("没有可以收入讲义的条目")
        title = f"{session.title if session else '知识库全部条目'} · {project.site_name}"
        footer = html.escape(f"{project.site_name} · 构建于 {info.date} · 版本 {info.version}") + "　　第 {page} 页 / 共 {pages} 页"
        with tempfile.TemporaryDirectory(prefix="kb-handout-") as temp:
            site_dir = Path(temp) / "site"
            log.info(f"构建网站（{label}）…")
            seconds = build_offline_site(project, site_dir, info, kb)
            log.info(f"网站构建完成，用时 {seconds:.1f} 秒；取出 {sum(len(g) for _, g in parts) + bool(intro)} 个页面的正文…")
            fill_sections(site_dir, intro, parts)
            page_count = render_pdf(site_dir, output, title=title, cover=cover_html(project.site_name, session, info, args.audience),
                                    intro=intro, parts=parts, footer=footer)
        check_text(output)
    except BuildFailed as error:
        log.error(f"生成讲义失败：{error}")
        return 1
    except OSError as error:
        log.error(f"生成讲义失败：无法读写文件（{error}）")
        return 1
    log.info(f"完成，共用时 {time.monotonic() - started:.1f} 秒。")
    print(f"讲义：{output}（{page_count} 页，{human_size(output.stat().st_size)}）")
    return 0

