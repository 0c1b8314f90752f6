"""A build's pages read, rendered and sanitized on every core (`mkdocs build` only).

mkdocs runs each page's events and its Markdown conversion one page after another
(`_populate_page`, between the nav and env events). At 2,000 items that is half of
the build, and a second core sat idle. Here, at the nav event, the same function runs
for every page, the pages shared out over forks of the process (kb/forks.py); what it
set on each page comes back and is put on the page, and the errors the page events
collected and the log records are taken in page order, as one process would have
produced them. The pages are then left out of mkdocs' own loop (their inclusion is
set aside until the env event), so that no page is converted twice.

Not while other threads run (`mkdocs serve`: kb.forks.processes), nor under `--dirty`
(which reads only changed pages), and not for a small site.

What differs from one process, and why it is accepted: mkdocs' DEBUG line "Reading: …"
per page is not written (`-v` only); a DeprecationWarning raised while converting is
logged once per process rather than once; the log records of making a page object
for a page outside the nav come before the pages' own records (the objects are made
before the fork, so that they are shared).

Then, at the env event, each page's theme template (Material's base.html, a third of
what is left) is rendered in forks as well, by mkdocs' own `_build_page`, which writes
the page there (writing two thousand files is a second of system time on one core).
mkdocs' loop still builds every page here, in order, with its events, but the page's
template is a placeholder (PLACEHOLDER_TEMPLATE) and the post_page handler
(macros/hooks.py) gives mkdocs nothing to write; mkdocs' line saying so is left out for
the pages a fork wrote. The events around the template therefore run twice for a page, in the fork
(which made the page) and here (whose state lasts): that is safe only for handlers
known to allow it (TWICE_SAFE_HANDLERS), so any other plugin's handler of those events,
or of the env event (the env a page is rendered with must be final), keeps the rendering
in this process. What differs: the records of rendering pages come before those of the
theme's own templates (sitemap.xml, 404.html) and, with `-v`, before mkdocs' DEBUG lines
for the same page; the navigation cache's DEBUG line says the pages were rendered in
forks instead of counting its use.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
import logging
import os
import pickle
import re
import traceback

import jinja2
from mkdocs.commands import build as mkdocs_build
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from kb import forks

# What mkdocs' page population (the page events and Page.render) sets on a page, and so
# what comes back from a fork: mkdocs' own attributes, and the page's search index entry
# (macros/hooks.py on_page_content). `render` is the budget's wrapper (macros/hooks.py), a
# closure that stays behind. A test compares a forked build with a one-process build.
POPULATED = ("markdown", "meta", "content", "toc", "title", "_title_from_render", "present_anchor_ids",
             "links_to_anchors", "kb_search_entry")


@dataclass
class _PopulatedPage:
    """One page's population, as it travels back from a fork."""

    pid: int
    state: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # the page events' ContentErrors
    records: list = field(default_factory=list)  # log records, ready to be handled here
    failure: BaseException | None = None


@contextmanager
def _records_kept(records: list[logging.LogRecord]):
    """Every log record of this process kept instead of handled: where it would have
    been handled (Logger.handle, after the level check), until put back in page order."""
    handle = logging.Logger.handle

    def keep(logger, record):
        if not logger.disabled:
            records.append(_portable(record))

    logging.Logger.handle = keep
    try:
        yield
    finally:
        logging.Logger.handle = handle


def _replay(records: list[logging.LogRecord]) -> None:
    """Records kept in a fork, handled here as if logged here (so --strict counts warnings)."""
    for record in records:
        logging.getLogger(record.name).handle(record)


def _portable(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its message made (its arguments may not pickle) and its traceback as text."""
    record.msg, record.args = record.getMessage(), None
    if record.exc_info:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
    return record


def _portable_error(error: BaseException) -> BaseException:
    """The error as it can travel back from a fork: itself if it pickles and unpickles
    (a PluginError does), else a RuntimeError with its traceback."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError("".join(traceback.format_exception(error)))


def _unexpected_attributes(before: dict, after: dict) -> list[str]:
    """Attributes the population set on a page that are not copied back from a fork."""
    return sorted(name for name, value in after.items()
                  if name not in POPULATED and name != "render" and (name not in before or before[name] is not value))


def populate(files: Files, config, page_errors: list) -> dict[File, InclusionLevel] | None:
    """Populate every page of the build in forks; the inclusion levels set aside (give them
    to `restore` at the env event), or None when the pages are left to mkdocs."""
    selected = files.documentation_pages(inclusion=InclusionLevel.is_included)
    count = forks.processes(len(selected))
    if count <= 1:
        return None
    for file in selected:  # as mkdocs' loop does, before the fork: the page objects are shared
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)

    def work(file: File) -> _PopulatedPage:
        page = file.page
        result = _PopulatedPage(pid=os.getpid())
        errors_before = len(page_errors)
        attributes_before = dict(vars(page))
        with _records_kept(result.records):
            try:
                mkdocs_build._populate_page(page, config, files)
            except Exception as error:
                result.failure = error if result.pid == parent else _portable_error(error)
        unexpected = _unexpected_attributes(attributes_before, vars(page))
        if unexpected and result.failure is None:
            # A plugin (or a newer mkdocs) keeps something new on the page: in a fork it would be lost.
            result.failure = RuntimeError(f"页面 {file.src_uri} 转换后多了 macros/forked_pages.py 不会从子进程带回的属性："
                                          f"{'、'.join(unexpected)}。请把它们加入 POPULATED，或设 KB_PROCESSES=1 构建")
        result.errors = page_errors[errors_before:]
        del page_errors[errors_before:]
        if result.pid != parent:
            state = vars(page)
            result.state = {name: state[name] for name in POPULATED if name in state}
            if "links_to_anchors" in result.state:  # keyed by File objects, which stay here
                result.state["links_to_anchors"] = {f.src_uri: anchors for f, anchors in result.state["links_to_anchors"].items()}
        return result

    parent = os.getpid()
    results = forks.map_forked(work, selected, count)
    for file, result in zip(selected, results, strict=True):
        if result.state:
            if "links_to_anchors" in result.state:
                result.state["links_to_anchors"] = {files.get_file_from_path(uri): anchors
                                                    for uri, anchors in result.state["links_to_anchors"].items()}
            vars(file.page).update(result.state)
        page_errors.extend(result.errors)
        _replay(result.records)
        if result.failure is not None:
            raise result.failure
    set_aside = {file: file.inclusion for file in selected}
    for file in selected:
        file.inclusion = InclusionLevel.EXCLUDED  # mkdocs' loop reads only included pages
    return set_aside


def restore(set_aside: dict[File, InclusionLevel] | None) -> None:
    for file, inclusion in (set_aside or {}).items():
        file.inclusion = inclusion


# The template mkdocs renders for a page a fork rendered and wrote: nothing
# (overrides/kb-rendered-in-fork.html); the post_page handler then gives mkdocs nothing to write.
PLACEHOLDER_TEMPLATE = "kb-rendered-in-fork.html"
# Handlers of the page_context event (besides the project's own, of which there are none)
# that may run twice for a page, once around the real template in a fork and once around
# the placeholder here. Material's search plugin adds the page's index entry (macros/hooks.py
# _SearchEntries), which only the run here keeps, and strips its data-search attributes
# from page.content, which a second run leaves as the first left it; the context it returns
# is the one it was given.
TWICE_SAFE_HANDLERS = frozenset({"material.plugins.search.plugin.SearchPlugin.on_page_context"})
# What the fork's own run of mkdocs' _build_page logs at DEBUG that mkdocs' loop here logs
# again for the same page (the "Running `…` event" lines are mkdocs' plugin collection's).
_REPEATED_HERE = ("Building page ", "Running `page_context` event", "Running `post_page` event")

_rendered: set[str] = set()  # here: the pages rendered in forks, by source, until mkdocs' loop reaches them
_written: set[str] = set()  # here: the pages a fork wrote, until mkdocs' line skipping them is left out
_own_templates: dict[str, object] = {}  # here: each page's own `template` in its meta (or _NO_OWN_TEMPLATE)
_captured_outputs: list[bool] | None = None  # in a fork, while `render` renders a page: whether mkdocs writes it
_NO_OWN_TEMPLATE = object()


@dataclass
class _RenderedPage:
    """One page's rendering, as it travels back from a fork."""

    written: bool = False  # mkdocs wrote it in the fork (an empty page it skips, here as in one process)
    records: list = field(default_factory=list)  # log records, ready to be handled here
    failure: BaseException | None = None


def _handler_name(handler) -> str:
    owner = getattr(handler, "__self__", None)
    if owner is None:
        return f"{handler.__module__}.{handler.__qualname__}"
    return f"{type(owner).__module__}.{type(owner).__qualname__}.{handler.__name__}"


def rendering_stays_here(config, env: jinja2.Environment, own_handlers: dict[str, object], files: Files) -> str | None:
    """Why the pages' templates cannot be rendered in forks (None: they can). `own_handlers`
    are the project's handlers of the env and post_page events, which must be the only
    ones: the env the pages are rendered with is then final, and the page the fork made is
    the page mkdocs writes."""
    # mkdocs writes static files and the theme's templates first, then the pages, which
    # replace any of them written at the same place; the forks write the pages before them.
    others = {f.dest_uri for f in files if not f.is_documentation_page()}
    others |= {*config.theme.static_templates, *config.extra_templates}
    if clash := sorted(f.src_uri for f in files.documentation_pages() if f.dest_uri in others):
        return f"{', '.join(clash)} is written where a static file or a template is"
    events = config.plugins.events
    if list(events["env"]) != [own_handlers["env"]]:
        return "another plugin handles the env event"
    if list(events["post_page"]) != [own_handlers["post_page"]]:
        return "another plugin handles the post_page event"
    others = [_handler_name(h) for h in events["page_context"] if _handler_name(h) not in TWICE_SAFE_HANDLERS]
    if others:
        return f"page_context is handled by {', '.join(others)}"
    try:
        env.get_template(PLACEHOLDER_TEMPLATE)
    except jinja2.TemplateNotFound:
        return f"the theme has no {PLACEHOLDER_TEMPLATE}"
    return None


def render(files: Files, config, nav, env: jinja2.Environment) -> bool:
    """Render and write every page in forks, as mkdocs' loop would (call at the env event,
    when `rendering_stays_here` says nothing). Returns whether it did: then mkdocs' loop
    renders the placeholder, and `rendered_page` gives it nothing to write."""
    reset()
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)  # mkdocs' loop's list
    count = forks.processes(len(doc_files))
    if count <= 1:
        return False

    def work(file: File) -> _RenderedPage:  # in a fork: what the page's events do there is lost with it
        global _captured_outputs
        result = _RenderedPage()
        _captured_outputs = captured = []
        try:
            with _records_kept(result.records):
                try:
                    # mkdocs' private function, as mkdocs' own loop calls it (mkdocs is pinned).
                    mkdocs_build._build_page(file.page, config, doc_files, nav, env,
                                             excluded=file.inclusion.is_excluded())
                except Exception as error:
                    result.failure = _portable_error(error)
        finally:
            _captured_outputs = None
        # mkdocs' loop here logs these lines again for the page (an empty page's "Page skipped" too).
        result.records = [record for record in result.records if not _repeated_here(record, file)]
        if result.failure is None:
            result.written = captured[-1]
        return result

    # Every page in a fork (this process waits): the events around a page's template then
    # run twice for it only as the module's note says, once in a fork and once here.
    results = forks.map_forked(work, doc_files, count, here=False)
    for result in results:  # in page order
        _replay(result.records)
        if result.failure is not None:
            raise result.failure
    for file, result in zip(doc_files, results, strict=True):
        meta = file.page.meta
        _own_templates[file.src_uri] = meta.get("template", _NO_OWN_TEMPLATE)
        meta["template"] = PLACEHOLDER_TEMPLATE
        _rendered.add(file.src_uri)
        if result.written:
            _written.add(file.src_uri)
    build_log = logging.getLogger(mkdocs_build.__name__)
    if _skip_line_of_written_page not in build_log.filters:
        build_log.addFilter(_skip_line_of_written_page)
    return True


_SKIP_LINE = re.compile(r"Page skipped: '(.*)'\. Generated empty output\.", re.S)


def _skip_line_of_written_page(record: logging.LogRecord) -> bool:
    """Leaves out mkdocs' "Page skipped" line for a page a fork wrote (once: a second one is news)."""
    if _written and (skipped := _SKIP_LINE.fullmatch(record.getMessage())) and skipped.group(1) in _written:
        _written.discard(skipped.group(1))
        return False
    return True


def _repeated_here(record: logging.LogRecord, file: File) -> bool:
    message = record.getMessage()
    skipped = _SKIP_LINE.fullmatch(message)  # mkdocs' _build_page
    return ((skipped is not None and skipped.group(1) == file.src_uri)
            or (record.levelno == logging.DEBUG and message.startswith(_REPEATED_HERE)))


def rendered_page(output: str, page: Page) -> str:
    """The last post_page handler: in a fork, while `render` renders a page, mkdocs writes
    the page it made; here, for a page a fork rendered, nothing to write in place of the
    placeholder (the page's meta as it was)."""
    if _captured_outputs is not None:
        _captured_outputs.append(bool(output.strip()))  # as mkdocs' _build_page decides
        return output
    source = page.file.src_uri
    if source not in _rendered:
        return output
    _rendered.discard(source)
    own = _own_templates.pop(source)
    if own is _NO_OWN_TEMPLATE:
        page.meta.pop("template", None)
    else:
        page.meta["template"] = own
    return ""


def unwritten_pages() -> list[str]:
    """Pages rendered in forks that mkdocs' loop has not reached (at the end of a build: none)."""
    left = sorted(_rendered)
    reset()
    return left


def reset() -> None:
    """Forget what a build left (call when a build starts and when one fails): a later
    build in this process must never be handed pages rendered for an earlier one."""
    global _captured_outputs
    _rendered.clear()
    _written.clear()
    _own_templates.clear()
    _captured_outputs = None
