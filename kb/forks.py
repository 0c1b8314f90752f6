"""Work shared with forked copies of this process, on a machine with more than one core:
check.py's pages, and the conversion of a build's pages (macros/forked_pages.py).

Plain os.fork and a pipe rather than multiprocessing: the work is a closure over the
loaded knowledge base (and mkdocs' objects), which a fork inherits as it is (a pool
would pickle it), and only the results travel back. Where fork is not the safe default
(Windows has none, macOS' system libraries may not survive it), and for few items, the
work runs here.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
import os
import pickle
import signal
import sys
import traceback
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a fork costs more than it saves.
MIN_ITEMS = 64
PROCESSES_VARIABLE = "KB_PROCESSES"  # "1" runs everything in this process; a number, that many


def processes(items: int) -> int:
    """How many processes share `items` items: what KB_PROCESSES says (the tests
    set it to run even small projects through forks), else the cores this process may
    use, one per MIN_ITEMS items; 1 where fork is not the safe default."""
    if not sys.platform.startswith("linux"):
        return 1
    wanted = os.environ.get(PROCESSES_VARIABLE, "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        return min(int(wanted), max(1, items))
    return max(1, min(len(os.sched_getaffinity(0)), items // MIN_ITEMS))


def map_forked(work: Callable[[T], R], items: Sequence[T], count: int | None = None) -> list[R]:
    """[work(item) for item in items], the items shared out over `count` processes (this
    one and forks of it; by default processes()). A failure in a fork is raised here
    with its traceback."""
    count = min(count, len(items)) if count else processes(len(items))
    if count <= 1:
        return [work(item) for item in items]
    children = []
    for share in range(1, count):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the fork: its share of the items, the results down the pipe, and out
            os.close(reader)
            status = 0
            try:
                payload = ("ok", [work(item) for item in items[share::count]])
            except BaseException:
                payload, status = ("failed", traceback.format_exc()), 1
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(payload, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            os._exit(status)
        os.close(writer)
        children.append((share, pid, reader))
    try:
        shares = {0: [work(item) for item in items[0::count]]}
    except BaseException:
        for _, pid, reader in children:  # nobody will read their results: stop them
            os.close(reader)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    failures = []
    for share, pid, reader in children:
        with os.fdopen(reader, "rb") as pipe:
            try:
                state, value = pickle.load(pipe)
            except Exception as error:  # killed, or out of memory, before its result was whole
                state, value = "failed", f"the process ended without a whole result ({type(error).__name__})"
        os.waitpid(pid, 0)
        if state == "ok":
            shares[share] = value
        else:
            failures.append(value)
    if failures:
        raise RuntimeError("a forked process failed:\n" + "\n".join(failures))
    results: list[R] = [None] * len(items)  # type: ignore[list-item]
    for share, values in shares.items():
        results[share::count] = values
    return results
