"""A build's pages read, rendered and sanitized on every core (`mkdocs build` only).

mkdocs runs each page's events and its Markdown conversion one page after another
(`_populate_page`, between the nav and env events). At 2,000 items that is half of
the build, and a second core sat idle. Here, at the nav event, the same function runs
for every page, the pages shared out over forks of the process (kb/forks.py); what it
set on each page comes back and is put on the page, and the errors the page events
collected and the log records are taken in page order, as one process would have
produced them. The pages are then left out of mkdocs' own loop (their inclusion is
set aside until the env event), so nothing runs twice.

Not under `mkdocs serve` (its server threads make forking unsafe) or `--dirty` (which
reads only changed pages), and not for a small site (kb.forks.processes).

What differs from one process, and why it is accepted: mkdocs' DEBUG line "Reading: …"
per page is not written (`-v` only); a DeprecationWarning raised while converting is
logged once per process rather than once; the log records of making a page object
for a page outside the nav come before the pages' own records (the objects are made
before the fork, so that they are shared).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
import logging
import os
import pickle
import traceback

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
class _Page:
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

    def work(file: File) -> _Page:
        page = file.page
        result = _Page(pid=os.getpid())
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
        for record in result.records:
            logging.getLogger(record.name).handle(record)
        if result.failure is not None:
            raise result.failure
    set_aside = {file: file.inclusion for file in selected}
    for file in selected:
        file.inclusion = InclusionLevel.EXCLUDED  # mkdocs' loop reads only included pages
    return set_aside


def restore(set_aside: dict[File, InclusionLevel] | None) -> None:
    for file, inclusion in (set_aside or {}).items():
        file.inclusion = inclusion
