"""Work shared with forked copies of this process, on a machine with more than one core:
reading the pages (kb/loader.py), check.py's pages, and the conversion and rendering of a
build's pages (macros/forked_pages.py); and work done beside this process while it goes on
(in_background: a build's download files, made while the build sets up its pages).

Plain os.fork and a pipe rather than multiprocessing: the work is a closure over the
loaded knowledge base (and mkdocs' objects), which a fork inherits as it is (a pool
would pickle it), and only the results travel back. Where fork is not the safe default
(Windows has none, macOS' system libraries may not survive it, other threads are running),
and for few items, processes() says 1.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
import traceback
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a fork costs more than it saves.
MIN_ITEMS = 64
# A container may see more cores than its quota lets it use, and every fork holds memory
# of its own; a page's time budget (kb/budget.py) is wall-clock time on a shared core.
MAX_PROCESSES = 8
PROCESSES_VARIABLE = "KB_PROCESSES"  # "1" runs everything in this process; a number, that many


def processes(items: int) -> int:
    """How many processes share `items` items: what KB_PROCESSES says (the tests set it to
    run even small projects through forks), else the cores this process may use, one per
    MIN_ITEMS items (so forks start at twice MIN_ITEMS), at most MAX_PROCESSES; 1 where fork
    is not the safe default, and while other threads run (`mkdocs serve`, also with --clean,
    rebuilds beside its server's threads: a fork copies only the calling thread, and any
    lock another one held, of logging or of a stream, stays held in the fork forever)."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    wanted = os.environ.get(PROCESSES_VARIABLE, "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        return min(int(wanted), MAX_PROCESSES, max(1, items))
    return max(1, min(len(os.sched_getaffinity(0)), MAX_PROCESSES, items // MIN_ITEMS))


def map_forked(work: Callable[[T], R], items: Sequence[T], count: int | None = None, *,
               here: bool = True) -> list[R]:
    """[work(item) for item in items], the items shared out over `count` processes (this
    one and forks of it; by default processes()). A failure in a fork is raised here
    with its traceback. Results travel pickled: they must unpickle too. With here=False
    every share goes to a fork, so that nothing `work` does stays in this process but
    its results (this process waits)."""
    count = min(count, len(items)) if count else processes(len(items))
    if count <= 1 and here:
        return [work(item) for item in items]
    # What this process has buffered would otherwise be written again by each fork.
    sys.stdout.flush()
    sys.stderr.flush()
    # The objects made so far are left out of the garbage collector's passes in the forks,
    # which would otherwise write to each of them and so copy this process's memory into
    # every fork, page by page (a build of 2,000 items: 8% fewer copied pages, 1 s less CPU).
    frozen_by_caller = gc.get_freeze_count() > 0
    gc.freeze()
    children: list[tuple[int, int, int]] = []  # (share, pid, the pipe's end to read)
    read: set[int] = set()  # the forks whose result has been read
    try:
        for share in range(1 if here else 0, count):
            pid, reader = _start_fork(work, items[share::count], [r for _, _, r in children])
            children.append((share, pid, reader))
        shares = {0: [work(item) for item in items[0::count]]} if here else {}
        failures = []
        for share, pid, reader in children:
            state, value = _read_result(reader)
            read.add(pid)
            if state == "ok":
                shares[share] = value
            else:
                failures.append(value)
    finally:
        if not frozen_by_caller:
            gc.unfreeze()
        # Every fork ends here, also when this process fails or is interrupted: killed if
        # its result was not read (nobody will), then reaped, its pipe closed.
        for _, pid, reader in children:
            if pid not in read:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(reader)
    if failures:
        raise RuntimeError("a forked process failed:\n" + "\n".join(failures))
    results: list[R] = [None] * len(items)  # type: ignore[list-item]
    for share, values in shares.items():
        results[share::count] = values
    return results


class Pending(Generic[R]):
    """What `in_background` started: `result()` waits for it (later calls give the same
    value, or raise the same failure), `cancel()` stops it. One of the two must be called,
    or the fork is left to end unreaped."""

    def __init__(self, pid: int | None = None, reader: int | None = None, value: R | None = None):
        self._pid, self._reader, self._value = pid, reader, value
        self._failure: str | None = None

    def result(self) -> R:
        if self._pid is not None:
            whole = False
            try:
                state, value = _read_result(self._reader)
                whole = state == "ok"
            finally:
                # Interrupted while reading (KeyboardInterrupt), the fork may still be writing
                # to a pipe nobody reads: it is killed rather than waited for.
                self._end(kill=not whole)
            if state == "ok":
                self._value = value[0]
            else:
                self._failure = value
        if self._failure is not None:
            raise RuntimeError("a forked process failed:\n" + self._failure)
        return self._value

    def cancel(self) -> None:
        if self._pid is not None:
            self._end(kill=True)
            self._failure = "cancelled"

    def _end(self, kill: bool) -> None:
        pid, self._pid = self._pid, None
        _background_readers.discard(self._reader)
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.close(self._reader)  # first: a fork blocked writing to it then fails and ends
        os.waitpid(pid, 0)


# The pipes of background work still running here: every later fork closes its copies.
_background_readers: set[int] = set()


def in_background(work: Callable[[], R], items: int) -> Pending[R]:
    """work() in a fork while this process goes on, when processes(items) would share work
    out (else done here, now). The fork sees this process as it is at the call: work must
    need nothing this process does afterwards, and its result travels pickled."""
    if processes(items) <= 1:
        return Pending(value=work())
    sys.stdout.flush()
    sys.stderr.flush()
    pid, reader = _start_fork(lambda _: work(), [None], [])
    _background_readers.add(reader)
    return Pending(pid, reader)


def _read_result(reader: int) -> tuple[str, object]:
    """("ok", value) or ("failed", why) from a fork's pipe."""
    with os.fdopen(reader, "rb", closefd=False) as pipe:
        try:
            return pickle.load(pipe)
        except Exception as error:  # killed before its result was whole, or a result that does not unpickle
            return "failed", f"its result could not be read ({type(error).__name__}: {error})"


def _start_fork(work: Callable[[T], R], share: Sequence[T], other_readers: list[int]) -> tuple[int, int]:
    """A fork running work over its share (_run_share): its pid and the end of its pipe to
    read. The fork closes `other_readers`, the pipes of forks made before it."""
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        raise
    if pid == 0:
        _run_share(work, share, writer, [reader, *other_readers])
    os.close(writer)
    return pid, reader


def _run_share(work: Callable[[T], R], share: Sequence[T], writer: int, readers: list[int]) -> None:
    """In a fork: the share's results down the pipe, then out, whatever happens. Never
    returns: a fork that went back into its caller's code would run the rest of the
    build (or of check.py) a second time."""
    status = 1
    try:
        for reader in {*readers, *_background_readers}:  # its own pipe's other end, the other forks' pipes
            os.close(reader)
        try:
            payload = pickle.dumps(("ok", [work(item) for item in share]), protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        except BaseException:
            payload = pickle.dumps(("failed", traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(payload)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status)
