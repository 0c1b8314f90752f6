"""Under `mkdocs serve`, editing a page, the engine (kb/) or the macros package rebuilds with the change."""
from __future__ import annotations

import os
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support.project import MINIMAL_DOCS, make_project


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, text: str, timeout: float = 40) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if text in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{text!r} did not appear at {url}")


@pytest.fixture(params=[(), ("--dirty",)], ids=["serve", "serve-dirty"])
def served(tmp_path, request):
    """`mkdocs serve`, and `mkdocs serve --dirty` (what the README suggests for large sites:
    only the changed page is rebuilt, and the engine is imported again only when it changed)."""
    project = make_project(tmp_path / "project", MINIMAL_DOCS)
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000"}
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *request.param],
                               cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield project, f"http://127.0.0.1:{port}/", bool(request.param)
    finally:
        process.terminate()
        process.wait(timeout=10)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    time.sleep(1.1)  # distinct mtime for the watcher
    path.write_text(text.replace(old, new), encoding="utf-8")


def touch_page(project: Path, dirty: bool, n: int) -> None:
    """A dirty build rebuilds only the pages whose file changed: the page is saved again so
    that the engine's edit shows on it."""
    if dirty:
        page = project / "docs" / "problems" / "problem-01.md"
        edit(page, "改过的表现。", f"改过的表现。{'又' * n}")


def test_serve_rebuilds_on_page_engine_and_macros_edits(served):
    project, base, dirty = served
    url = base + "problems/problem-01/"
    page = wait_for(url, "关联内容")
    assert "关联条目一览" not in page and "改过的表现" not in page

    edit(project / "docs" / "problems" / "problem-01.md", "重业务，轻清廉建设。", "改过的表现。")
    wait_for(url, "改过的表现")

    edit(project / "kb" / "item_page.py", '"## 关联内容 {#kb-relations}"', '"## 关联条目一览 {#kb-relations}"')
    touch_page(project, dirty, 1)
    page = wait_for(url, "关联条目一览")
    assert "KBSLOT" not in page and "测试督导调研报告" in page and "引用编号" in page, page[-6000:]

    edit(project / "macros" / "__init__.py",
         "env.markdown = state.current().render_page(env.page.file.src_uri, env.markdown)",
         "env.markdown = state.current().render_page(env.page.file.src_uri, env.markdown) + '\\n\\n宏模块已重新载入\\n'")
    touch_page(project, dirty, 2)
    page = wait_for(url, "宏模块已重新载入")
    assert "KBSLOT" not in page and "测试督导调研报告" in page and "引用编号" in page, page[-6000:]


def test_a_dirty_build_converts_again_only_the_generated_parts_that_changed(tmp_path):
    """`serve --dirty` and `build --dirty` rebuild a page whose source is newer than its HTML;
    the parts of a split ledger are generated, and are rebuilt only when their Markdown changed
    (given to mkdocs as content, every part counted as changed on every save)."""
    from tests.support.project import run_mkdocs
    from tests.support.rounds import BUILT_AFTER_DEADLINE, ROUND_DOCS, epoch, ledger_rows

    docs = {**ROUND_DOCS, **ledger_rows({"report-01": 108, "report-02": 5}, first_number=4)}
    project = make_project(tmp_path / "project", docs)
    env = {"SOURCE_DATE_EPOCH": epoch(BUILT_AFTER_DEADLINE)}
    # Not --strict: mkdocs warns that a dirty build may leave the navigation of other pages stale.
    assert run_mkdocs(project, "--dirty", env=env, strict=False).ok
    folder = project / "site" / "measures" / "ledger"
    parts = {name: folder / name / "index.html" for name in ("report-01", "report-01/2", "report-02")}
    written = {name: path.stat().st_mtime_ns for name, path in parts.items()}
    # measure-02 is a row of report-02's part only: its unit changes, report-01's parts do not.
    edit(project / "docs" / "measures" / "measure-02.md", "owner_unit: 局办公室", "owner_unit: 局人事科")
    result = run_mkdocs(project, "--dirty", env=env, strict=False)
    assert result.ok and "ERROR" not in result.output, result.output
    rewritten = {name for name, path in parts.items() if path.stat().st_mtime_ns != written[name]}
    assert rewritten == {"report-02"}
    assert "局人事科" in parts["report-02"].read_text(encoding="utf-8")
    # A new process makes the downloads again (only a serve session keeps its first ones).
    assert "局人事科" in (project / "site" / "exports" / "ledger.csv").read_text(encoding="utf-8-sig")
    # Control: a build that is not dirty writes every part again.
    time.sleep(1.1)
    assert run_mkdocs(project, env=env).ok
    assert all(path.stat().st_mtime_ns != written[name] for name, path in parts.items())


@pytest.mark.parametrize("dirty", [True, False], ids=["serve-dirty", "serve"])
def test_under_serve_dirty_the_downloads_stay_as_the_session_began(tmp_path, dirty):
    """`serve --dirty` rebuilds what changed where the editor is looking; the exports (the
    workbook was a third of each rebuild) stay as the first build made them. A plain `serve`
    (the control) makes them again."""
    from tests.support.rounds import ROUND_DOCS

    project = make_project(tmp_path / "project", ROUND_DOCS)
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000"}
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *(["--dirty"] if dirty else [])],
                               cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_for(base + "measures/measure-02/", "局办公室")
        assert "局办公室" in fetch(base + "exports/ledger.csv")
        edit(project / "docs" / "measures" / "measure-02.md", "owner_unit: 局办公室", "owner_unit: 局人事科")
        wait_for(base + "measures/measure-02/", "局人事科")
        ledger = fetch(base + "exports/ledger.csv")
        assert ("局人事科" in ledger) is not dirty, ledger
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_link_committed_under_the_dirty_build_cache_is_refused(tmp_path):
    """.cache/kb-generated/ is in the work tree: a pull request that commits a link there must
    not make a dirty build write (or publish) a file elsewhere."""
    from tests.support.project import run_mkdocs
    from tests.support.rounds import BUILT_AFTER_DEADLINE, ROUND_DOCS, epoch, ledger_rows

    docs = {**ROUND_DOCS, **ledger_rows({"report-01": 108, "report-02": 5}, first_number=4)}
    env = {"SOURCE_DATE_EPOCH": epoch(BUILT_AFTER_DEADLINE)}
    outside = tmp_path / "outside.txt"
    outside.write_text("机器上的文件", encoding="utf-8")
    project = make_project(tmp_path / "project", docs)
    link = project / ".cache" / "kb-generated" / "public" / "exports" / "ledger.csv"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    result = run_mkdocs(project, "--dirty", env=env, strict=False)
    assert not result.ok and ".cache/kb-generated/ 中有符号链接" in result.output and "Traceback" not in result.output
    assert outside.read_text(encoding="utf-8") == "机器上的文件"
    # A linked folder is refused too; control: without links the same dirty build passes.
    link.unlink()
    folder = project / ".cache" / "kb-generated" / "public" / "measures"
    folder.symlink_to(tmp_path, target_is_directory=True)
    assert "中有符号链接" in run_mkdocs(project, "--dirty", env=env, strict=False).output
    folder.unlink()
    assert run_mkdocs(project, "--dirty", env=env, strict=False).ok
    assert not (tmp_path / "ledger").exists()


def test_a_dirty_build_deletes_what_it_no_longer_generates(tmp_path):
    """.cache/kb-generated/ holds what the latest dirty build generated and nothing more: a
    part left from an earlier build goes, and a link there is removed, not followed."""
    from tests.support.project import run_mkdocs
    from tests.support.rounds import BUILT_AFTER_DEADLINE, ROUND_DOCS, epoch, ledger_rows

    docs = {**ROUND_DOCS, **ledger_rows({"report-01": 108, "report-02": 5}, first_number=4)}
    env = {"SOURCE_DATE_EPOCH": epoch(BUILT_AFTER_DEADLINE)}
    project = make_project(tmp_path / "project", docs)
    assert run_mkdocs(project, "--dirty", env=env, strict=False).ok
    cache = project / ".cache" / "kb-generated" / "public"
    made = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert "measures/ledger/report-01/2.md" in made and "exports/ledger.csv" in made
    stale = cache / "measures" / "ledger" / "report-09" / "3.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("# 早先的分页\n", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("机器上的文件", encoding="utf-8")
    (cache / "measures" / "old-link.md").symlink_to(outside)
    (cache / "linked-folder").symlink_to(tmp_path, target_is_directory=True)

    assert run_mkdocs(project, "--dirty", env=env, strict=False).ok
    assert not stale.exists() and not stale.parent.exists()
    assert not os.path.lexists(cache / "measures" / "old-link.md") and not os.path.lexists(cache / "linked-folder")
    assert outside.read_text(encoding="utf-8") == "机器上的文件" and (tmp_path / "outside.txt").exists()
    # Control: what the build generates stays.
    assert sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file()) == made
    # The audience's folder itself a link (to a folder holding someone's file): refused, nothing deleted.
    shutil.rmtree(cache)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "measures").mkdir(parents=True)
    (elsewhere / "measures" / "notes.md").write_text("别人的文件", encoding="utf-8")
    cache.symlink_to(elsewhere, target_is_directory=True)
    result = run_mkdocs(project, "--dirty", env=env, strict=False)
    assert not result.ok and "中有符号链接" in result.output
    assert (elsewhere / "measures" / "notes.md").read_text(encoding="utf-8") == "别人的文件"
