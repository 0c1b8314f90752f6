"""mkdocs hooks: glue between mkdocs' events and the kb package, where the logic lives.

Besides one call per event, two things must sit here because they are mkdocs objects:
the stand-in for Material's search index (_SearchEntries) and escaping nav titles.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import logging
import os
from pathlib import Path
import sys
import time

from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import DuplicateFilter, get_relative_url, normalize_url

PROJECT_DIR = Path(__file__).resolve().parent.parent

log = logging.getLogger("mkdocs.plugins.kb")
# mkdocs-macros reports at INFO what it found in the macros package, six English lines on
# every build and rebuild; its warnings and errors still show (and fail strict builds).
logging.getLogger("mkdocs.plugins.mkdocs_macros").setLevel(logging.WARNING)


class _Engine:
    """The project modules used by one build.

    mkdocs loads this hook file once per process, so under `mkdocs serve` importing
    the engine at the top would keep its first version forever: there (and only
    there) the modules are imported afresh for a rebuild when a file in kb/ or macros/
    has changed, so that edits to them take effect (and a rebuild after an edit to a
    page keeps the engine, with what it has cached). A `mkdocs build`, or a build a
    script runs in its own process (bundle.py, handout.py), uses the modules already
    imported, so the script's objects and the build's are of the same classes.
    """

    def __init__(self, reload: bool):
        # mkdocs restores sys.path after loading a hook file, so the project goes on it here.
        if str(PROJECT_DIR) not in sys.path:
            sys.path.insert(0, str(PROJECT_DIR))
        if reload:
            for name in [n for n in sys.modules if n.split(".")[0] in ("kb", "macros")]:
                del sys.modules[name]
        self.settings = importlib.import_module("kb.settings")
        self.site = importlib.import_module("kb.site")
        self.errors = importlib.import_module("kb.errors")
        self.budget = importlib.import_module("kb.budget")
        self.nav_messages = importlib.import_module("kb.nav_messages")
        self.exports = importlib.import_module("kb.exports")
        self.glossary = importlib.import_module("kb.glossary")
        self.search_index = importlib.import_module("kb.search_index")
        self.build_report = importlib.import_module("kb.build_report")
        self.nav_cache = importlib.import_module("kb.nav_cache")
        self.state = importlib.import_module("macros.state")
        self.forked_pages = importlib.import_module("macros.forked_pages")
        self.forks = importlib.import_module("kb.forks")
        self.page_render = importlib.import_module("macros.page_render")


engine: _Engine | None = None
# Set by on_startup, which `mkdocs serve` calls once before its first build.
serving = False
# `--dirty`: only pages whose source changed are rebuilt.
dirty_builds = False
# The command line's command ("build", "serve"); None for a build a script runs in-process.
command: str | None = None
# Under `mkdocs serve`, the errors of a build whose pages show them instead of the content.
shown_errors: list[str] = []
_build: dict = {}


# The engine's source files when it was last imported under `mkdocs serve`.
_engine_files: tuple = ()


def on_startup(command, dirty):
    global serving, dirty_builds
    dirty_builds = dirty
    globals()["command"] = command  # the parameter has the global's name (mkdocs passes it by keyword)
    serving = command == "serve"
    _ClosingLine.install()


def _engine_changed() -> bool:
    global _engine_files
    files = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size)
                  for folder in ("kb", "macros") for path in sorted((PROJECT_DIR / folder).rglob("*.py")))
    changed, _engine_files = files != _engine_files, files
    return changed


@event_priority(100)  # before mkdocs-macros imports the macros package
def on_config(config):
    global engine
    _stop_background_exports()
    _build.clear()  # nothing of an earlier build in this process (mkdocs serve, or one that failed)
    _build.update(started=time.monotonic(), pages=0)
    shown_errors.clear()
    engine = _Engine(reload=serving and _engine_changed())
    engine.forked_pages.reset()
    try:
        settings = engine.settings.load_settings(
            PROJECT_DIR, docs_dir=config.docs_dir, site_name=config.site_name, extra=config.extra,
            reviewed_assets=[*config.extra_css, *config.extra_javascript],
        )
        engine.settings.pin_build_date(os.environ, settings.info)
        # A script that has just loaded and checked this content hands it over (state.offer),
        # so a bundle or handout build loads it once.
        kb = engine.state.take_offered(settings) or engine.site.KnowledgeBase.load(settings, forked=not serving)
    except engine.errors.ContentErrors as errors:
        _report(errors.errors, errors.warnings, config)
        if serving:
            # The browser shows the errors (every page does) instead of waiting for a build.
            shown_errors.extend(str(engine.errors.for_editor(error, config.docs_dir)) for error in errors.errors)
            engine.state.show_errors()
            return config
        raise PluginError(errors.summary()) from None
    # The copy lint's warnings, as check.py shows them: the build goes on (`--strict` stops).
    _report([], kb.warnings, config)
    engine.state.set_current(kb)
    if not (serving or dirty_builds):
        # The download files need nothing but the loaded content: a fork makes them while
        # this process sets up the pages (most of it on one core), and on_env takes them.
        _build["exports"] = engine.forks.in_background(
            functools.partial(engine.exports.build_exports, kb.index, kb.info.as_dict(), kb.info.timestamp),
            items=len(kb.index.items))
    _translate_nav_warnings(config)
    config.copyright = f"{config.copyright or ''} {kb.info.notice}".strip()
    return config


def _report(errors, warnings, config) -> None:
    for error in errors:
        log.error(str(engine.errors.for_editor(error, config.docs_dir)))
    for warning in warnings:
        log.warning(str(engine.errors.for_editor(warning, config.docs_dir)))


class _NavWarnings(logging.Filter):
    """mkdocs' English nav warnings, taken as the Chinese `path:line` errors check.py shows
    and reported with the page errors, so that the build stops before writing anything
    (mkdocs itself would write the site and only then abort on the warning)."""

    def __init__(self, config_text: str):
        super().__init__()
        self.config_text = config_text

    def filter(self, record):
        errors = engine.nav_messages.translate(record.getMessage(), self.config_text)
        if errors:
            engine.state.page_errors.extend(errors)
            return False
        return True


def _translate_nav_warnings(config) -> None:
    nav_log = logging.getLogger("mkdocs.structure.nav")
    for old in [f for f in nav_log.filters if type(f).__name__ == "_NavWarnings"]:
        nav_log.removeFilter(old)
    with open(config.config_file_path, encoding="utf-8") as handle:
        nav_log.addFilter(_NavWarnings(handle.read()))


def _generated_source(audience: str, docs_path: str, data: str | bytes) -> str:
    """For a dirty build (`mkdocs serve --dirty`, `mkdocs build --dirty`): the file under
    .cache/kb-generated/ holding a file the build generates (the Markdown of the parts of
    the ledger and of split listings, the exports), rewritten only when it changes. A dirty
    build rebuilds a page whose source is newer than its HTML, and a file given to mkdocs as
    content counts as changed every time: each save converted every part of every split
    listing again (half a second at 2,000 items, more with every part)."""
    source = _cache_path(audience, docs_path)
    data = data.encode("utf-8") if isinstance(data, str) else data
    if not source.is_file() or source.read_bytes() != data:
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(data)
    return str(source)


def _cache_root(audience: str) -> Path:
    return PROJECT_DIR / ".cache" / "kb-generated" / audience


def _cache_path(audience: str, docs_path: str) -> Path:
    path = _cache_root(audience) / docs_path
    # The folder is in the work tree, so a pull request could commit a link there that sends
    # the build's writes (and mkdocs' reads) to a file elsewhere on the machine.
    if os.path.realpath(path) != os.path.abspath(path):
        raise PluginError(f"{path.relative_to(PROJECT_DIR).as_posix()}：.cache/kb-generated/ 中有符号链接。"
                          "这个目录由构建生成，不属于仓库：请删除 .cache 目录（不要提交它）后重试")
    return path


def _prune_generated(audience: str, kept: set[str]) -> None:
    """Delete what .cache/kb-generated/<audience>/ holds beyond `kept` (the docs paths this
    build gave mkdocs from there): parts of a listing that has shrunk, pages of an earlier
    version. Links are removed, never followed: the folder itself is refused if it is one
    or lies in one (_cache_path), and os.walk does not enter a linked folder below it. A
    file that cannot be deleted stays: it is never read again."""
    root = _cache_path(audience, "")
    for folder, folders, names in os.walk(root, topdown=False):
        for name in [*names, *(f for f in folders if os.path.islink(os.path.join(folder, f)))]:
            path = os.path.join(folder, name)
            if Path(path).relative_to(root).as_posix() not in kept:
                with contextlib.suppress(OSError):
                    os.unlink(path)
        if folder != str(root):
            with contextlib.suppress(OSError):
                os.rmdir(folder)  # only if empty


# Audiences whose exports this process has made in a dirty build (see _add_generated_files).
_exports_made: set[str] = set()


def _add_generated_files(files, config):
    if shown_errors:
        return files
    kb = engine.state.current()
    audience = kb.index.audience
    for path in sorted(kb.index.excluded_paths()):
        file = files.get_file_from_path(path)
        if file is not None:
            files.remove(file)
    if dirty_builds and audience in _exports_made:
        # A dirty build rebuilds what changed where the editor is looking; the downloads stay
        # as the session's first build made them (the workbook was a third of each rebuild).
        for path in engine.exports.EXPORT_FILES:
            files.append(File.generated(config, path, abs_src_path=str(_cache_path(audience, path))))
    elif "exports" in _build:  # being made in the background: the content comes at on_env
        for path in engine.exports.EXPORT_FILES:
            files.append(File.generated(config, path, content=b""))
    else:
        for path, data in engine.exports.build_exports(kb.index, kb.info.as_dict(), kb.info.timestamp).items():
            source = {"abs_src_path": _generated_source(audience, path, data)} if dirty_builds else {"content": data}
            files.append(File.generated(config, path, **source))
        if dirty_builds:
            _exports_made.add(audience)
    for path, (_, markdown) in kb.generated_pages.items():
        source = {"abs_src_path": _generated_source(audience, path, markdown)} if dirty_builds else {"content": markdown}
        # Reached from their overview, like item pages: never in the nav, whatever mkdocs.yml's not_in_nav says.
        files.append(File.generated(config, path, inclusion=InclusionLevel.NOT_IN_NAV, **source))
    if dirty_builds:
        _prune_generated(audience, {file.src_uri for file in files
                                    if file.abs_src_path and Path(file.abs_src_path).is_relative_to(_cache_root(audience))})
    for path, page in kb.redirect_pages().items():
        files.append(File.generated(config, path, content=page))
    marker = engine.settings.audience_marker(audience, kb.info)
    files.append(File.generated(config, engine.settings.AUDIENCE_MARKER, content=marker))
    return files


def on_page_read_source(page, config):
    """The page's body as the loader read it. mkdocs would read the file again and parse its
    front matter a second time, for a Markdown and a meta on_page_markdown replaces with
    the loader's; None (mkdocs reads the file) for a page the loader does not hold."""
    if shown_errors or engine is None:
        return None
    kb = engine.state.current()
    path = page.file.src_uri
    if path not in kb.content.pages and path not in kb.generated_pages:
        return None
    # Not starting with "---", so mkdocs finds no front matter in it (nor, in a body
    # starting with "key: value" lines, anything that lasts: on_page_markdown sets both).
    return "\n" + kb.page_markdown(path)


@event_priority(100)  # before mkdocs-macros, which renders the page from this Markdown
def on_page_markdown(markdown, page, config, files):
    """One reading of front matter: the theme gets the loader's validated values, escaped
    for the HTML they land in (Material prints `page.meta.title` and `description`
    unescaped), and the page body is the one the loader read."""
    if shown_errors:
        page.meta = {}
        return ""
    kb = engine.state.current()
    path = page.file.src_uri
    _render_within_budget(page, kb)
    page.meta = {
        key: Markup(escape(value)) if isinstance(value, str) else value
        for key, value in kb.theme_meta(path).items()
    }
    return kb.page_markdown(path)


def _render_within_budget(page, kb) -> None:
    """mkdocs converts the Markdown (page.render) between this hook and on_page_content;
    that step gets a time and recursion budget, and running out of it is an editor's
    error with the page's name, collected with the others (not a hang or a traceback)."""
    path = page.file.src_uri
    if engine.page_render.applies_to(page):  # one Markdown instance per process (macros/page_render.py)
        def render(config, files):
            engine.page_render.render(page, config, files)
    else:
        render = page.render

    def render_within_budget(config, files):
        try:
            engine.budget.within_budget(lambda: render(config, files), path=path, line=kb.body_line(path),
                                        size=len(page.markdown or ""))
        except engine.errors.ContentError as error:
            engine.state.page_errors.append(error)
            page.content = ""

    page.render = render_within_budget


def on_page_content(html, page, config, files):
    if shown_errors:
        return engine.build_report.error_page(shown_errors)
    kb = engine.state.current()

    def href_for(target):
        file = files.get_file_from_path(target)
        return get_relative_url(file.url, page.url) if file is not None else None

    path = page.file.src_uri
    try:
        cleaned, errors = engine.budget.within_budget(lambda: kb.finish_html(path, html, href_for, page.url),
                                                      path=path, line=kb.body_line(path), size=len(html))
    except engine.errors.ContentError as error:
        cleaned, errors = "", [error]
    engine.state.page_errors.extend(errors)
    if not isinstance(page.meta.get("title"), Markup) and page.title:
        # A title taken from the page's first heading is text too.
        page.meta["title"] = Markup(escape(page.title))
    # Made with the page, not when the theme renders it: in a `mkdocs build` this runs in the
    # forks (macros/forked_pages.py), and reading the page's text is most of the entry's cost.
    page.kb_search_entry = _search_entry(page, cleaned)
    return cleaned


def _search_entry(page, page_html: str) -> dict | None:
    """The page's entry in the search index (kb/search_index.py); None for a page left out."""
    if (page.meta.get("search") or {}).get("exclude"):
        return None
    kb = engine.state.current()
    path = page.file.src_uri
    title = kb.theme_meta(path).get("title") or _text(page.title)
    sections = [_text(section.title) for section in reversed(page.ancestors) if section.title]
    if sections and sections[-1] == title:  # a section's index page: 整改措施 under 整改措施
        sections.pop()
    return kb.search_document(path, location=page.url, title=title, nav_titles=sections, page_html=page_html)


@event_priority(100)  # before any other plugin looks at the files
def on_env(env, config, files):
    set_aside = _build.pop("set_aside", None)  # the pages were converted in forks (on_nav)
    engine.forked_pages.restore(set_aside)
    # One rendering of Material's navigation for the pages it is the same for (overrides/main.html);
    # new for every build, so `mkdocs serve` never shows an old nav. The links it prints go
    # through the theme's `url` filter, which is normalize_url relative to the page.
    env.globals["kb_nav_cache"] = _build["nav_cache"] = engine.nav_cache.NavCache(
        lambda target, page: normalize_url(target, page=page),
        extra_targets=[config.extra.get("homepage"), config.theme.get("logo")], environ=os.environ)
    # Every page has been converted by now and none written: stop here, with every finding listed.
    pages = files.documentation_pages()
    _build["pages"] = len(pages)
    if shown_errors:
        return env
    errors = sorted(engine.state.page_errors, key=engine.errors.sort_key)
    if errors:
        _report(errors, [], config)
        if serving:
            shown_errors.extend(str(engine.errors.for_editor(error, config.docs_dir)) for error in errors)
            for file in pages:
                if file.page is not None:
                    file.page.content = engine.build_report.error_page(shown_errors)
            return env
        raise PluginError(engine.errors.ContentErrors(errors).summary())
    if "exports" in _build:  # made in the background (on_config); mkdocs copies the files after this event
        _take_background_exports(files)
    if set_aside is not None:  # the pages' templates in forks too (the only env handler: see rendering_stays_here)
        reason = engine.forked_pages.rendering_stays_here(config, env, {"env": on_env, "post_page": on_post_page}, files)
        if reason is None:
            _build["rendered_in_forks"] = engine.forked_pages.render(files, config, _build["nav"], env)
        else:
            log.debug(f"The pages' templates are rendered in one process: {reason}")
    return env


@event_priority(-100)  # the last: a page a fork rendered and wrote is not written again (forked_pages.render)
def on_post_page(output, page, config):
    return engine.forked_pages.rendered_page(output, page)


def on_post_build(config):
    engine.page_render.forget()  # its last page's processors hold the whole build
    if left := engine.forked_pages.unwritten_pages():
        raise PluginError(f"在子进程中渲染的页面，mkdocs 没有处理到：{'、'.join(left)}（macros/forked_pages.py）。"
                          "请设 KB_PROCESSES=1 构建，并报告这个问题")
    if _build.pop("rendered_in_forks", False):  # each fork had a cache of its own, gone with it
        log.debug("navigation cache: the pages were rendered in forks (KB_PROCESSES=1 counts its use)")
    elif "nav_cache" in _build:
        log.debug(_build["nav_cache"].report())
    if command:
        _ClosingLine.pending = (engine.build_report.built_with_errors(len(shown_errors)) if shown_errors else
                                engine.build_report.built(_build["pages"], time.monotonic() - _build["started"]))


def on_build_error(error):
    _stop_background_exports()
    if engine is not None:  # None when the engine itself could not be imported
        engine.forked_pages.reset()
        engine.page_render.forget()
    # A content error's summary is already Chinese (mkdocs logs it next); other failures get one.
    _ClosingLine.pending = None
    if command and not isinstance(error, PluginError):
        log.error(engine.build_report.failed(strict_warnings="strict mode" in str(error)))


def _take_background_exports(files) -> None:
    made = _build.pop("exports").result()
    if set(made) != set(engine.exports.EXPORT_FILES):
        raise PluginError(f"kb/exports.py 的 build_exports 做出的文件（{'、'.join(sorted(made))}）"
                          "与 EXPORT_FILES 不一致，请改成一致")
    for path, data in made.items():
        file = files.get_file_from_path(path)
        if file is None:  # another plugin took it out of the files
            raise PluginError(f"下载文件 {path} 不在网站的文件中了：是 mkdocs.yml 中别的插件去掉了它吗？"
                              "请设 KB_PROCESSES=1 构建，并报告这个问题")
        file.content_bytes = data


def _stop_background_exports() -> None:
    """A build that failed, or one started after it, leaves no fork making its downloads."""
    pending = _build.pop("exports", None)
    if pending is not None:
        pending.cancel()


class _ClosingLine(logging.Handler):
    """Writes the Chinese summary right after mkdocs' English closing line: mkdocs logs that
    line after the last plugin event, so it is caught on its way through mkdocs' logger
    (this handler comes after mkdocs' own, which has printed it by then).

    mkdocs' command line drops a message its build logger has logged before
    (`DuplicateFilter` on `mkdocs.commands.build`), so under `mkdocs serve` a rebuild that
    takes as long as an earlier one, to the hundredth of a second, has no English line and
    the line never reaches this handler. A filter placed before mkdocs' own sees it first
    and then logs the summary at once: the editor gets one after every build."""

    pending: str | None = None

    def emit(self, record):
        if _ClosingLine.pending and record.getMessage().startswith(engine.build_report.MKDOCS_CLOSING_LINE):
            summary, _ClosingLine.pending = _ClosingLine.pending, None
            log.info(summary)

    @staticmethod
    def summary_of_dropped_line(record) -> bool:
        if _ClosingLine.pending and record.getMessage().startswith(engine.build_report.MKDOCS_CLOSING_LINE):
            build_log = logging.getLogger("mkdocs.commands.build")
            if any(isinstance(f, DuplicateFilter) and record.msg in getattr(f, "msgs", ()) for f in build_log.filters):
                summary, _ClosingLine.pending = _ClosingLine.pending, None
                log.info(summary)
        return True  # never drops a record itself

    @classmethod
    def install(cls):
        mkdocs_log = logging.getLogger("mkdocs")
        if not any(type(h).__name__ == cls.__name__ for h in mkdocs_log.handlers):
            mkdocs_log.addHandler(cls(logging.INFO))
        build_log = logging.getLogger("mkdocs.commands.build")
        if not any(getattr(f, "__name__", "") == "summary_of_dropped_line" for f in build_log.filters):
            build_log.filters.insert(0, cls.summary_of_dropped_line)  # before mkdocs' DuplicateFilter


class _SearchEntries:
    """Stands in for the index object of Material's search plugin, which calls these two
    methods: each page's entry comes from kb (its own text, keys and section titles, see
    kb/search_index.py), so Material's segmenting indexer never runs, and the file it
    writes is the one the project's worker (overrides/assets/javascripts/kb-search.js) reads."""

    def __init__(self, search_config):
        # The theme's on-page highlighter reads `separator` from the index's settings.
        self.config = {key: search_config[key] for key in ("lang", "separator", "pipeline")}
        self.entries: dict[str, dict] = {}

    def add_entry_from_context(self, page):
        if shown_errors:
            return
        # Made by on_page_content: a page is only built here after it was converted (under
        # --dirty, an unchanged page is neither).
        entry = page.kb_search_entry
        if entry is not None:
            self.entries[page.url] = entry

    def generate_search_index(self, previous):
        # Under `mkdocs serve --dirty` only the changed pages were added this time.
        entries = {**getattr(previous, "entries", {}), **self.entries}
        return engine.search_index.index_json(self.config, entries.values())


@event_priority(-100)  # the last: the pages are populated here, with the nav as every plugin left it
def on_nav(nav, config, files):
    """Titles written in mkdocs.yml's nav are text: the theme prints them unescaped in the
    navigation, the tabs and the page title of every page. Then, in a `mkdocs build`, every
    page is read, rendered and sanitized here, in forks (half of a large build's work)."""
    for item in _nav_items(nav.items):
        title = vars(item).get("title")  # only a title given in mkdocs.yml (pages otherwise use theirs)
        if isinstance(title, str) and not isinstance(title, Markup):
            item.title = Markup(escape(title))
    if not (serving or dirty_builds or shown_errors):
        # The pages are read, rendered and sanitized now, on every core (macros/forked_pages.py).
        engine.state.current().prepare_rendering()
        _build["set_aside"] = engine.forked_pages.populate(files, config, engine.state.page_errors)
        _build["nav"] = nav
    return nav


def _nav_items(items):
    for item in items:
        yield item
        yield from _nav_items(getattr(item, "children", None) or [])


def _text(value) -> str:
    return str(value.unescape() if isinstance(value, Markup) else value or "")


def on_files(files, config):
    search = config.plugins.get("material/search")
    if search is not None and search.config.enabled:
        if not hasattr(search, "search_index"):
            raise PluginError("Material 的 search 插件没有 search_index 属性：本项目替换它来写搜索索引，"
                              "升级 mkdocs-material 后请检查 macros/hooks.py 的 _SearchEntries")
        search.search_index = _SearchEntries(search.config)
    return _add_generated_files(files, config)
