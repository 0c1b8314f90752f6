"""The knowledge base of the current build, shared by the hooks and the macros module."""
from __future__ import annotations

_current = None
# Errors found while rendering this build's pages (templates, unsafe HTML). They are
# collected rather than raised so that one build lists all of them, as check.py does,
# and the hooks stop the build before anything is written.
page_errors: list = []


_showing_errors = False


def set_current(kb) -> None:
    global _current, _showing_errors
    _current = kb
    _showing_errors = False
    page_errors.clear()


def show_errors() -> None:
    """Under `mkdocs serve`, this build's pages show the content's errors: no knowledge base."""
    global _current, _showing_errors
    _current = None
    _showing_errors = True


def showing_errors() -> bool:
    return _showing_errors


_offered = None


def offer(kb) -> None:
    """A knowledge base a script has loaded for the build it is about to run in-process."""
    global _offered
    _offered = kb


def take_offered(settings):
    """The offered knowledge base if it was loaded with these settings, else None; either
    way the offer is used up."""
    global _offered
    kb, _offered = _offered, None
    if kb is not None and kb.settings == settings:
        return kb
    return None


def current():
    if _current is None:
        raise RuntimeError("知识库尚未加载：请检查 mkdocs.yml 的 hooks 中是否包含 macros/hooks.py")
    return _current
