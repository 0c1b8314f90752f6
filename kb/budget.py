"""A time and depth budget for the one step the engine does not control: converting a
page's Markdown to HTML (Python-Markdown and its extensions). Some inputs make that
step take minutes (30,000 `[` on a line) or exceed Python's recursion limit (hundreds
of nested lists or `<div markdown>`); within the budget they become a Chinese error
naming the page instead of a hang or a traceback."""
from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
import signal
import threading
from typing import TypeVar

from .errors import ContentError

# A page's budget grows with its length, so that the whole build stays within a fixed
# factor of what its content needs: ordinary Markdown converts at well over a megabyte a
# second here, the budget allows 10,000 characters a second on top of one second.
BASE_SECONDS = 1.0
CHARS_PER_SECOND = 10_000
T = TypeVar("T")


def seconds_for(size: int) -> float:
    return BASE_SECONDS + size / CHARS_PER_SECOND


class BudgetExceeded(BaseException):
    """A BaseException, so that the `except Exception:` blocks inside Python-Markdown's
    extensions cannot swallow it (the timer fires once)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise BudgetExceeded in this thread after `seconds`. Signals only reach the main
    thread, so elsewhere (mkdocs serve rebuilds in a worker thread) this limits nothing."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise BudgetExceeded()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            # Restored even if the alarm fires just here; an outer timer keeps running.
            signal.signal(signal.SIGALRM, previous)
            if outer_delay:
                signal.setitimer(signal.ITIMER_REAL, outer_delay)


def within_budget(convert: Callable[[], T], *, path: str, line: int, size: int) -> T:
    """`convert()` of a text of `size` characters, or a ContentError if it runs out of time
    (seconds_for(size)) or recursion depth."""
    seconds = seconds_for(size)
    try:
        with time_limit(seconds):
            return convert()
    except BudgetExceeded:
        raise ContentError(path, line, f"页面转换为网页超过 {seconds:.1f} 秒，已停止",
                           "请检查页面中是否有大量连续的方括号、星号、反引号或尖括号；长的内容请拆成几个页面") from None
    except RecursionError:
        raise ContentError(path, line, "页面中的列表、引用或 HTML 标签嵌套过深，无法转换为网页",
                           "请减少嵌套的层数（列表、引用块和 <div> 一般不超过 10 层）") from None
