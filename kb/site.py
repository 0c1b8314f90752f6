"""The knowledge base for one build: content, index, checks, and page rendering.

Glue for any generator (mkdocs today) creates one `KnowledgeBase` per build
and asks it for everything; scripts use the same entry point.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import functools

from . import dashboard, item_page, ledger, markup, model, redirects, sanitize, search_index, split, tables, templating
from .copylint import record_text
from .errors import ContentError, ContentErrors, sort_key
from .exports import EXPORT_FILES
from .gitlog import page_history
from .glossary import Glossary, TermMark
from .index import ContentIndex
from .links import check_links
from .loader import Content, load_content
from .settings import BuildInfo, Settings
from .slots import PageSlots, swallowed_error

MACRO_NAMES = (
    "link", "type_index", "item_list", "problem_checklist", "problem_measure_matrix",
    "glossary", "self_check", "recent_changes", "tag_index", "ledger", "dashboard", "count",
)
VARIABLE_NAMES = ("org", "site_name", "build")
# Macros that list items: their output repeats the items' text, so it is marked as a
# listing, which the search index leaves out (the items have their own pages).
LISTING_MACROS = (
    "type_index", "item_list", "problem_checklist", "problem_measure_matrix",
    "glossary", "self_check", "recent_changes", "tag_index", "ledger", "dashboard",
)
LISTING_CLASS = search_index.LISTING_CLASS


def _bound(function, *bound):
    """`function` with its first arguments fixed, as a plain closure.

    Not functools.partial: a partial's public `.func` and `.args` would hand a
    page template the content index (`{{ link.args[0].content.docs_dir... }}`),
    and through it files on disk and internal items; a closure exposes only
    underscore attributes. Templates now read no attribute of a macro at all
    (kb/templating.py); the closure keeps that true should the subset ever grow."""
    def call(*args, **kwargs):
        return function(*bound, *args, **kwargs)
    return call


def _as_listing(function):
    def call(*args, **kwargs):
        return f'\n<div class="{LISTING_CLASS}" markdown>\n\n{function(*args, **kwargs)}\n\n</div>\n'
    return call


def _download_in_the_way(path: str) -> str | None:
    """The download (EXPORT_FILES) whose place a file at `path` of docs/ takes as a folder
    or holds inside one: `exports/ledger.csv/x.png`, the page `exports/ledger.csv.md` (its
    address is the folder exports/ledger.csv/), a file `exports` where the folder goes."""
    for download in EXPORT_FILES:
        if path.startswith(download + "/") or path.removesuffix(".md") == download or download.startswith(path + "/"):
            return download
    return None


@dataclass
class KnowledgeBase:
    settings: Settings
    content: Content
    index: ContentIndex
    history: list[tuple[str, str]] = field(default_factory=list)
    # The engine's HTML parts of pages, waiting in their Markdown as tokens (kb/slots.py).
    slots: PageSlots = field(default_factory=PageSlots)
    # Published addresses and redirects (urls/), checked with the pages; kb/redirects.py.
    addresses: redirects.Addresses = field(default_factory=redirects.Addresses.none)

    @classmethod
    def load(cls, settings: Settings, content: Content | None = None, *, forked: bool = False) -> KnowledgeBase:
        """Load, validate and index everything; raise ContentErrors if anything is wrong.
        `content` already read with these settings (the pages are the same for every
        audience; only the index differs) is used instead of reading docs/ again.
        forked=True reads the pages on every core (kb.loader.load_content)."""
        if content is None:
            content = load_content(settings.docs_dir, tags=settings.tags, variables=settings.org,
                                   reviewed_assets=settings.reviewed_assets, record=record_text(settings.project_dir),
                                   forked=forked)
        kb = cls(settings, content, ContentIndex(content, settings.audience), page_history(settings.docs_dir),
                 addresses=redirects.read(settings.project_dir, settings.docs_dir))
        errors = list(content.errors)
        errors += kb.check_pages()
        if errors:
            raise ContentErrors(errors, content.warnings)
        return kb

    def prepare_rendering(self) -> None:
        """Work that rendering any page may need, done now: before the pages are shared out
        over forks (kb/forks.py), or each fork would do it again."""
        for prepared in ("glossary", "last_updated", "splits", "ledger_parts"):
            getattr(self, prepared)

    @functools.cached_property
    def last_updated(self) -> dict[str, str]:
        """Docs path → the date each item last changed (git, else its `updated`), newest first."""
        return tables.last_updated(self.index, self.history)

    @property
    def warnings(self) -> list[ContentError]:
        """The copy lint's warnings: the build shows them and goes on (a strict build stops)."""
        return sorted(self.content.warnings, key=sort_key)

    @property
    def info(self) -> BuildInfo:
        return self.settings.info

    @property
    def org(self) -> dict[str, str]:
        return self.settings.org

    @property
    def site_name(self) -> str:
        return self.settings.site_name

    def check_pages(self) -> list[ContentError]:
        """Checks of the source that need no rendering: template code and links."""
        errors: list[ContentError] = []
        excluded = self.index.excluded_paths()
        names = self.names_for("index.md")
        macros = {name for name in MACRO_NAMES}
        variables = {name: names[name] for name in VARIABLE_NAMES}
        for path, page in self.content.pages.items():
            body, first = page.source.body, page.source.body_line
            errors += templating.check_template(body, path=path, first_line=first, macros=macros, variables=variables)
        errors += check_links(self.content, excluded=excluded, generated=frozenset(EXPORT_FILES))
        # The build writes the parts of a large ledger or listing there: an editor's file would be replaced.
        reserved = {ledger.LEDGER_PARTS_FOLDER: ledger.LEDGER_TITLE, **split.reserved_folders()}
        for path in sorted({*self.content.pages, *self.content.static_files}):
            if path in EXPORT_FILES:  # the build's own download replaces it, in any build
                errors.append(ContentError(path, 1, f"docs/{path} 是构建生成的下载文件的位置，放在这里的文件不会发布",
                                           "请把这个文件改名或移到别的目录"))
                continue
            if (download := _download_in_the_way(path)) is not None:  # a file cannot be a folder too
                errors.append(ContentError(path, 1, f"docs/{path} 与构建生成的下载文件 docs/{download} 的位置冲突，网站无法生成",
                                           "请把这个文件改名或移到别的目录"))
                continue
            folder = next((f for f in reserved if path.startswith(f + "/")), None)
            if folder is not None:
                errors.append(ContentError(path, 1, f"docs/{folder}/ 目录留给构建生成{reserved[folder]}的分页，不能放文件",
                                           "请把这个文件移到别的目录"))
        # A page that could not be read is still there: its address is not reported as gone.
        unreadable = {e.path for e in self.content.errors if e.path.endswith(".md")}
        shown = (set(self.content.pages) - excluded) | unreadable
        errors += redirects.check(self.addresses, pages=shown, all_pages=set(self.content.pages) | unreadable)
        return errors

    def redirect_pages(self) -> dict[str, str]:
        """Site file → HTML of the pages that send old addresses to where their page is now."""
        return redirects.redirect_pages(self.addresses, set(self.content.pages) - self.index.excluded_paths())

    def body_line(self, path: str) -> int:
        """The file line where a page's body starts (errors about the whole body point there)."""
        page = self.content.pages.get(path)
        return page.source.body_line if page else 1

    @functools.cached_property
    def generated_pages(self) -> dict[str, tuple[str, str]]:
        """Pages the build adds that are in no file of docs/ (the parts of a large ledger and
        of split listings, kb/split.py): docs-relative path → (title, Markdown). Engine output from escaped data, so no
        template runs on it."""
        parts = self.ledger_parts
        overview = ledger.LEDGER_PAGE if ledger.LEDGER_PAGE in self.content.pages else None
        pages = {part.path: (part.title, ledger.ledger_part_page(self.index, part, parts, overview)) for part in parts}
        return {**pages, **self.splits.pages()}

    @functools.cached_property
    def ledger_parts(self) -> list[split.Part]:
        """The ledger's parts (none when it fits on one page), for its page and the part pages."""
        return ledger.ledger_parts(self.index, self.info.date)

    @functools.cached_property
    def splits(self) -> split.Splits:
        """The listings too large for one page, split into parts (kb/split.py)."""
        shown = {path: page for path, page in self.content.pages.items() if path not in self.index.excluded_paths()}
        return split.Splits(self.index, split.listing_calls({path: page.source.body for path, page in shown.items()}),
                            {path: str(page.theme_meta.get("title") or "") for path, page in shown.items()})

    def page_markdown(self, path: str) -> str:
        """The page's Markdown as the loader read it: the body after the front matter."""
        if path in self.generated_pages:
            return self.generated_pages[path][1]
        return self.content.pages[path].source.body

    def theme_meta(self, path: str) -> dict:
        """The front matter the theme may read, as plain validated values."""
        if path in self.generated_pages:
            return {"title": self.generated_pages[path][0]}
        page = self.content.pages[path]
        meta = dict(page.theme_meta)
        item = self.index.by_path.get(path)
        if item is not None:
            meta["title"] = item.title
        return meta

    def finish_html(self, path: str, page_html: str, href_for, page_url: str) -> tuple[str, list[ContentError]]:
        """The published HTML of a page: the engine's HTML parts put in, glossary terms
        marked, then everything passed through the allowlist sanitizer, then the charts.
        Whatever the sanitizer removed, and any resource outside the site, is returned as
        errors naming the line of the page's source where it stands. `href_for(docs_path)`
        is the page's URL of a file of the site, or None; `page_url` the page's URL in the
        site ("guide/")."""
        swallowed = self.slots.swallowed(path, page_html)
        page_html = self.slots.fill(path, page_html, href_for, after_sanitize=False)
        marked = self.glossary.mark(page_html, href_for, own_target=path)
        cleaned, findings = sanitize.clean(marked)
        findings += sanitize.sources_outside(cleaned, page_url)
        cleaned = self.slots.fill(path, cleaned, href_for, after_sanitize=True)
        page = self.content.pages.get(path)
        body, first = (page.source.body, page.source.body_line) if page else ("", 1)
        errors = [
            ContentError(path, sanitize.find_line(body, finding.needles, first), f"页面中有不安全或不支持的内容：{finding.message}",
                         "知识库页面只能使用 Markdown 和常用的排版标签；会执行脚本、加载外部资源或改动页面样式的写法会被拒绝，请删除它")
            for finding in findings
        ]
        if swallowed:
            errors.append(swallowed_error(path, body, first))
        return cleaned, errors

    # -- pages ---------------------------------------------------------------

    def names_for(self, path: str) -> dict[str, object]:
        """The macros and variables a page may use, bound to that page."""
        i = self.index
        functions = {
            "link": _bound(markup.link_by_id, i, path),
            "type_index": _bound(tables.type_index, i, path),
            "item_list": _bound(tables.item_list, i, path),
            "problem_checklist": _bound(tables.problem_checklist, i, path),
            "problem_measure_matrix": _bound(tables.problem_measure_matrix, i, path),
            "glossary": _bound(tables.glossary, i, path),
            "self_check": _bound(tables.self_check, i, path),
            "recent_changes": lambda limit=8: tables.recent_changes(i, path, limit, history=self.history),
            "tag_index": _bound(tables.tag_index, i, path),
            "ledger": lambda: ledger.ledger_page(i, path, self.info.date, self.ledger_parts),
            "dashboard": lambda: dashboard.dashboard_page(i, path, self.info.date, functools.partial(self._place_chart, path)),
            "count": lambda type_name: len(i.of_type(model.known_type(type_name).name)),
        }
        assert set(functions) == set(MACRO_NAMES)
        functions = split.bind(functions, path, lambda: self.splits)
        for name in LISTING_MACROS:
            functions[name] = _as_listing(functions[name])
        return templating.bind(functions, org=dict(self.org), site_name=self.site_name, build=self.info.as_dict())

    def _place_chart(self, path: str, svg: str) -> str:
        # After the sanitizer, which admits no SVG from pages; the engine escapes what it draws.
        return self.slots.place(path, lambda href: f'<figure class="kb-chart">{svg}</figure>', after_sanitize=True)

    def render_page(self, path: str, markdown: str) -> str:
        """Final Markdown of a page: its template rendered, plus the engine's parts around an
        item's text (kb/item_page.py; tokens until finish_html fills them)."""
        if path not in self.content.pages:  # a part page the build adds (generated_pages): no template
            return markdown
        self.slots.start(path)
        body = templating.render(markdown, path=path, first_line=self.content.pages[path].source.body_line,
                                 names=self.names_for(path))
        item = self.index.by_path.get(path)
        if item is None:
            return body
        updated = self.last_updated.get(path)
        return item_page.item_markdown(self.index, item, body, functools.partial(self.slots.place, path),
                                       updated=markup.chinese_date(updated) if updated else None, today=self.info.date)

    def search_document(self, path: str, *, location: str, title: str, nav_titles: list[str], page_html: str) -> dict:
        """The page's entry in the search index. Items are known by their ID, short label
        (问题一, also 问题1) and aliases too, and sit under their type's name (they are not in
        the nav)."""
        item = self.index.by_path.get(path)
        if item is None:
            return search_index.document(location=location, title=title, path=nav_titles, page_html=page_html)
        keys = [item.id, markup.short_label(self.index, item), *(item.get("aliases") or [])]
        if item.spec.short_prefix:  # 问题一 is also typed 问题1
            keys.append(f"{item.spec.short_prefix}{self.index.positions[item.id]}")
        return search_index.document(location=location, title=item.title, path=[model.TYPE_PLURAL_LABELS[item.type]],
                                     keys=keys, page_html=page_html, summary=self._search_summary(item),
                                     boost=item.spec.search_boost,
                                     text_weight=item.spec.search_text_weight)

    @staticmethod
    def _search_summary(item: model.Item) -> str:
        """The item's summary, or its callout field (a term's definition), which its page may
        not show when the editor's own section says it (kb.item_page.facts)."""
        callout = item.spec.callout_field
        return item.summary or (str(item.get(callout) or "") if callout else "")

    def glossary_terms(self) -> list[model.Item]:
        return self.index.of_type("term")

    @functools.cached_property
    def glossary(self) -> Glossary:
        """The glossary terms to mark on every page, prepared once per build."""
        return Glossary([
            TermMark(surface, term.path, term.get("definition"))
            for term in self.glossary_terms()
            for surface in [term.title, *(term.get("aliases") or [])]
        ])
