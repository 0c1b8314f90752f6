"""kb/forks.py: check.py's and the build's pages shared out over forks of the process."""
from __future__ import annotations

import gc
import os
import time

import pytest

from kb import forks


def pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def test_results_in_order_and_really_from_several_processes():
    results = forks.map_forked(pid_and_square, list(range(300)), count=3)
    assert [square for _, square in results] == [n * n for n in range(300)]
    assert len({pid for pid, _ in results}) == 3
    assert results[0][0] == os.getpid()  # this process does a share too


def test_with_here_false_every_share_is_a_fork_and_nothing_stays_here():
    touched = []

    def work(n: int) -> tuple[int, int]:
        touched.append(n)  # in a fork: lost with it
        return pid_and_square(n)

    results = forks.map_forked(work, list(range(50)), count=2, here=False)
    assert [square for _, square in results] == [n * n for n in range(50)]
    assert len({pid for pid, _ in results}) == 2 and os.getpid() not in {pid for pid, _ in results}
    assert touched == []
    # Control: with a share here, this process does work and keeps what it did.
    forks.map_forked(work, list(range(50)), count=2)
    assert touched == list(range(0, 50, 2))


def test_one_fork_alone_when_asked_for_none_here():
    results = forks.map_forked(pid_and_square, list(range(5)), count=1, here=False)
    assert len({pid for pid, _ in results}) == 1 and results[0][0] != os.getpid()


def test_the_garbage_collector_is_left_as_it_was():
    """The objects are frozen while the forks run (so that a fork's collector does not copy
    them all) and unfrozen after, also when the work fails."""
    def work(n: int) -> int:
        if n == 3:
            raise ValueError("第 3 项出错")
        return gc.get_freeze_count()

    frozen = forks.map_forked(work, list(range(3)), count=2)
    assert min(frozen) > 1000  # really frozen while working, here and in the fork
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError):
        forks.map_forked(work, list(range(6)), count=2)
    assert gc.get_freeze_count() == 0


def test_one_process_runs_here():
    results = forks.map_forked(pid_and_square, list(range(10)), count=1)
    assert {pid for pid, _ in results} == {os.getpid()}
    assert forks.map_forked(pid_and_square, [], count=2) == []


def test_a_failure_in_a_fork_is_raised_here_with_its_traceback():
    def work(n: int) -> int:
        if n == 7:  # item 7 goes to the second process of two
            raise ValueError("第 7 项出错")
        return n

    with pytest.raises(RuntimeError, match="第 7 项出错"):
        forks.map_forked(work, list(range(20)), count=2)


def test_a_failure_here_stops_the_forks(tmp_path):
    marker = tmp_path / "children"

    def work(n: int) -> int:
        if os.getpid() != parent:
            with open(marker, "a", encoding="utf-8") as out:
                out.write(f"{os.getpid()}\n")
        elif n == 0:
            deadline = time.monotonic() + 30
            while not marker.exists() and time.monotonic() < deadline:  # the fork is at work
                time.sleep(0.01)
            raise ValueError("本进程出错")
        return n

    parent = os.getpid()
    with pytest.raises(ValueError, match="本进程出错"):
        forks.map_forked(work, list(range(100_000)), count=2)
    child = int(marker.read_text(encoding="utf-8").split()[0])
    with pytest.raises(ChildProcessError):  # already reaped: no process left behind
        os.waitpid(child, os.WNOHANG)


@pytest.mark.parametrize(("variable", "items", "expected"), [
    ("", 10, 1),  # a small project: not worth a fork
    ("", 10_000, min(len(os.sched_getaffinity(0)), 10_000 // forks.MIN_ITEMS)),
    ("1", 10_000, 1),
    ("2", 10, 2),  # asked for: forks even for a few pages
    ("3", 2, 2),
    ("x", 10, 1),
])
def test_how_many_processes(monkeypatch, variable, items, expected):
    monkeypatch.setenv(forks.PROCESSES_VARIABLE, variable)
    assert forks.processes(items) == expected


def test_a_fork_killed_before_its_result_is_a_failure_here():
    def work(n: int) -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), 9)  # as the kernel's out-of-memory killer would
        return n

    parent = os.getpid()
    with pytest.raises(RuntimeError, match="could not be read"):
        forks.map_forked(work, list(range(10)), count=2)
    assert forks.map_forked(lambda n: n, list(range(10)), count=2) == list(range(10))  # control


def test_a_fork_whose_result_does_not_pickle_fails_here_and_never_returns(tmp_path):
    """The fork says why, and ends: it must not go on into its caller's code (which would
    run the rest of a build a second time)."""
    marker = tmp_path / "escaped"
    parent = os.getpid()
    try:
        with pytest.raises(RuntimeError, match="pickle"):
            forks.map_forked(lambda n: (lambda: n), list(range(4)), count=2)
    finally:
        if os.getpid() != parent:  # only a fork that escaped gets here
            marker.write_text(str(os.getpid()), encoding="utf-8")
            os._exit(0)
    assert not marker.exists()


def test_a_result_that_does_not_unpickle_fails_here():
    """ContentErrors pickles, but its __init__ cannot take back what it pickled."""
    from kb.errors import ContentError, ContentErrors

    with pytest.raises(RuntimeError, match="could not be read"):
        forks.map_forked(lambda n: ContentErrors([ContentError("a.md", n, "错")]), list(range(4)), count=2)


def test_processes_are_capped(monkeypatch):
    monkeypatch.setenv(forks.PROCESSES_VARIABLE, "64")
    assert forks.processes(10_000) == forks.MAX_PROCESSES


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_one_process_where_fork_is_not_safe(monkeypatch, platform):
    """An editor's Windows or macOS machine: no fork, whatever is asked (Linux is the control)."""
    monkeypatch.setenv(forks.PROCESSES_VARIABLE, "4")
    monkeypatch.setattr(forks.sys, "platform", platform)
    assert forks.processes(10_000) == 1
    monkeypatch.setattr(forks.sys, "platform", "linux")
    assert forks.processes(10_000) == 4


def test_one_process_while_another_thread_runs(monkeypatch):
    """`mkdocs serve` rebuilds beside its server's threads (also with --clean, which tells
    the hooks it is a build): no fork then. The control is the same call with the thread gone."""
    import threading

    monkeypatch.setenv(forks.PROCESSES_VARIABLE, "4")
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)
    server.start()
    try:
        assert forks.processes(10_000) == 1
    finally:
        stop.set()
        server.join()
    assert forks.processes(10_000) == 4


def test_objects_frozen_by_the_caller_stay_frozen():
    gc.freeze()
    try:
        forks.map_forked(pid_and_square, list(range(4)), count=2)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


# -- work beside this process (in_background) -------------------------------------


def test_background_work_runs_in_a_fork_while_this_process_goes_on(monkeypatch, tmp_path):
    monkeypatch.setenv(forks.PROCESSES_VARIABLE, "2")
    go = tmp_path / "go"

    def work() -> tuple[int, str]:
        # Waits for this process to go on after the call: done in the call, it would wait in vain.
        deadline = time.monotonic() + 20
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return os.getpid(), "went on" if go.exists() else "waited in vain"

    pending = forks.in_background(work, items=1000)
    go.write_text("", encoding="utf-8")
    pid, answer = pending.result()
    assert answer == "went on" and pid != os.getpid()
    assert pending.result() == (pid, "went on")  # read once; asked again, the same value
    with pytest.raises(ChildProcessError):  # the fork has been reaped
        os.waitpid(pid, os.WNOHANG)


def test_background_work_is_done_here_and_now_when_forks_are_not_used(monkeypatch):
    for variable, items in (("1", 1000), ("", 3)):  # asked for one process; a small project
        monkeypatch.setenv(forks.PROCESSES_VARIABLE, variable)
        done: list[int] = []

        def work(done=done) -> str:
            done.append(os.getpid())
            return "made"

        pending = forks.in_background(work, items=items)
        assert done == [os.getpid()]  # already done, here
        assert pending.result() == "made"
        pending.cancel()  # nothing to stop: no error


def test_a_failure_in_background_is_raised_when_the_result_is_asked_for(monkeypatch):
    monkeypatch.setenv(forks.PROCESSES_VARIABLE, "2")

    def work():
        raise ValueError("台账生成出错")

    pending = forks.in_background(work, items=1000)  # no error yet: this process goes on
    with pytest.raises(RuntimeError, match="台账生成出错") as raised:
        pending.result()
    assert "Traceback" in str(raised.value)
    with pytest.raises(RuntimeError, match="台账生成出错"):  # asked again: the same failure, not None
        pending.result()


def test_cancelled_background_work_is_stopped_and_reaped(monkeypatch, tmp_path):
    monkeypatch.setenv(forks.PROCESSES_VARIABLE, "2")
    finished = tmp_path / "finished"

    def work():
        time.sleep(2)
        finished.write_text("", encoding="utf-8")

    pending = forks.in_background(work, items=1000)
    pid = pending._pid
    pending.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    with pytest.raises(RuntimeError, match="cancelled"):  # no result to give
        pending.result()
    time.sleep(2.5)
    assert not finished.exists()  # killed, not left to finish
    # Control: the same work, waited for, finishes.
    forks.in_background(work, items=1000).result()
    assert finished.exists()


def test_an_unread_large_result_never_hangs_its_reader(monkeypatch):
    """A result larger than the pipe holds keeps the fork writing until it is read; read
    half-way and interrupted, the fork is killed rather than waited for."""
    monkeypatch.setenv(forks.PROCESSES_VARIABLE, "2")
    pending = forks.in_background(lambda: "台账" * 1_000_000, items=1000)
    pid = pending._pid
    real_load = forks.pickle.load

    def interrupted(pipe):
        pipe.read(1000)
        raise KeyboardInterrupt

    monkeypatch.setattr(forks.pickle, "load", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pending.result()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    monkeypatch.setattr(forks.pickle, "load", real_load)
    assert forks.in_background(lambda: "台账" * 1_000_000, items=1000).result() == "台账" * 1_000_000  # control


def test_later_forks_do_not_hold_a_background_pipe(monkeypatch):
    """A fork made while background work runs closes its copy of that work's pipe."""
    monkeypatch.setenv(forks.PROCESSES_VARIABLE, "2")
    pending = forks.in_background(lambda: time.sleep(1) or "made", items=1000)
    reader = pending._reader

    def is_open(fd: int) -> bool:
        try:
            os.fstat(fd)
            return True
        except OSError:
            return False

    try:
        seen = forks.map_forked(lambda n: (os.getpid(), is_open(reader)), list(range(4)), count=2)
        in_fork = [open_ for pid, open_ in seen if pid != os.getpid()]
        assert in_fork and not any(in_fork)
        assert is_open(reader)  # control: here it is open, waiting to be read
    finally:
        assert pending.result() == "made"
