"""A quiet, Chinese console, and under `mkdocs serve` a content error shown in the open
browser page (mkdocs 1.6's reload loop would otherwise leave it waiting for a build that
never succeeds); fixing the page brings it back. Real `mkdocs serve`, real chromium."""
from __future__ import annotations

import os
from pathlib import Path
import re
import subprocess
import sys

import pytest

from tests.e2e.test_serve_reload import edit, free_port, wait_for
from tests.support.browser import chromium_fixture
from tests.support.project import MINIMAL_DOCS, REPO, make_project

browser = chromium_fixture(scope="module")

DOCS = {**MINIMAL_DOCS, "assets/kb.css": (REPO / "docs" / "assets" / "kb.css").read_text(encoding="utf-8")}
BANNER = ".kb-build-errors"
TITLE = "主体责任压力传导不够"
SUMMARY = re.compile(r"INFO    -  构建完成(：\d+ 个页面，用时 [\d.]+ 秒|，但有 \d+ 处错误)")


@pytest.fixture(params=[(), ("--dirty",)], ids=["serve", "serve-dirty"])
def served(tmp_path, request):
    project = make_project(tmp_path / "project", DOCS)
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000"}
    with open(log, "w", encoding="utf-8") as console:
        process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *request.param],
                                   cwd=project, env=env, stdout=console, stderr=subprocess.STDOUT)
    try:
        yield project, f"http://127.0.0.1:{port}/", log
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_broken_page_shows_its_error_in_the_browser_until_fixed(served, browser):
    project, base, log = served
    url = base + "problems/problem-01/"
    wait_for(url, "关联内容")
    page_file = project / "docs" / "problems" / "problem-01.md"
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(url)
        assert TITLE in page.locator("h1").first.inner_text()
        assert page.locator(BANNER).count() == 0  # control: a good page has no banner

        # 1. front matter an editor mistypes: the build cannot even read the page
        edit(page_file, f"title: {TITLE}", f"title：{TITLE}")
        banner = page.locator(BANNER)
        banner.wait_for(state="visible", timeout=30_000)  # the open page reloads by itself
        text = banner.inner_text()
        assert "内容有错误，页面暂时无法显示" in text
        assert "docs/problems/problem-01.md:4: " in text and "全角冒号" in text, text

        edit(page_file, f"title：{TITLE}", f"title: {TITLE}")
        banner.wait_for(state="detached", timeout=30_000)
        assert TITLE in page.locator("h1").first.inner_text()

        # 2. a page that reads but must not be published (found after rendering)
        edit(page_file, "压力传导执行力度不够。", "压力传导执行力度不够。<script>alert(1)</script>")
        banner.wait_for(state="visible", timeout=30_000)
        assert "docs/problems/problem-01.md:" in banner.inner_text() and "script" in banner.inner_text()
        edit(page_file, "压力传导执行力度不够。<script>alert(1)</script>", "压力传导执行力度不够。")
        banner.wait_for(state="detached", timeout=30_000)
        assert TITLE in page.locator("h1").first.inner_text()
        assert dialogs == []
    finally:
        page.close()

    console = log.read_text(encoding="utf-8")
    assert "Traceback" not in console
    assert "The server will appear stuck" not in console  # no rebuild failed: each showed its errors
    assert "构建完成，但有" in console and "浏览器中的页面显示了这些错误" in console
    assert "Building prefix dict" not in console  # Material's own indexer (jieba) never runs
    # Every build ends with one Chinese summary, right after mkdocs' English line when there is
    # one: mkdocs drops that line when a rebuild takes as long as an earlier one (see below).
    lines = [line for line in console.splitlines() if line.strip()]
    starts = [n for n, line in enumerate(lines) if line.endswith("Building documentation...")]
    assert len(starts) >= 3  # the first build and rebuilds (two quick saves may share one)
    for start, end in zip(starts, starts[1:] + [len(lines)], strict=True):
        build = lines[start:end]
        if end == len(lines) and not any(line.endswith("Reloading browsers") for line in build):
            continue  # a rebuild still under way as the test ends (the page was back before it)
        summaries = [n for n, line in enumerate(build) if SUMMARY.search(line)]
        assert len(summaries) == 1, build
        closing = [n for n, line in enumerate(build) if "Documentation built in" in line]
        assert closing in ([], [summaries[0] - 1]), build


def run(project: Path, *args: str, banner_off: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000"}
    env.pop("KB_AUDIENCE", None)
    if not banner_off:
        env.pop("NO_MKDOCS_2_WARNING")
    return subprocess.run([sys.executable, "-m", "mkdocs", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300)


def test_build_console_is_quiet_and_ends_in_chinese(tmp_path: Path):
    project = make_project(tmp_path / "project", DOCS)
    result = run(project, "build", "--strict")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "Documentation built in" in lines[-2]
    assert re.fullmatch(r"INFO    -  构建完成：\d+ 个页面，用时 [\d.]+ 秒", lines[-1]), lines[-2:]
    # the macros plugin's INFO lines are off, and the README's variable silences Material's banner
    assert "[macros]" not in result.stderr and "NO_MKDOCS_2_WARNING" not in result.stderr + result.stdout
    noisy = run(project, "build", "--strict", banner_off=False)  # control: the banner is there without it
    assert "NO_MKDOCS_2_WARNING" in noisy.stderr + noisy.stdout
    for text in (Path(REPO / "README.md").read_text(encoding="utf-8"), Path(REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")):
        assert "NO_MKDOCS_2_WARNING=1 mkdocs serve" in text


# mkdocs' command line drops a message its build logger has logged before. Under `mkdocs serve`
# a rebuild that takes as long as an earlier one (to the hundredth of a second) therefore
# has no "Documentation built in" line; here every duration has been "logged before".
_EVERY_DURATION_SEEN = """
import sys
from mkdocs import utils
from mkdocs.__main__ import cli

class SeenEveryDuration(utils.DuplicateFilter):
    def __init__(self):
        super().__init__()
        self.msgs.update(f"Documentation built in {n / 100:.2f} seconds" for n in range(30000))

utils.DuplicateFilter = SeenEveryDuration
sys.argv = ["mkdocs", *sys.argv[1:]]
cli()
"""


def test_summary_follows_a_build_whose_english_line_mkdocs_drops(tmp_path: Path):
    project = make_project(tmp_path / "project", DOCS)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000"}
    env.pop("KB_AUDIENCE", None)
    result = subprocess.run([sys.executable, "-c", _EVERY_DURATION_SEEN, "build", "--strict"], cwd=project,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Documentation built in" not in result.stderr  # control: mkdocs dropped its line
    assert "Cleaning site directory" in result.stderr  # control: mkdocs' other lines are there
    lines = result.stderr.strip().splitlines()
    assert SUMMARY.fullmatch(lines[-1]) and "个页面" in lines[-1], lines[-3:]
    assert sum(bool(SUMMARY.search(line)) for line in lines) == 1


def test_build_with_content_errors_fails_and_publishes_nothing(tmp_path: Path):
    """Control: outside `mkdocs serve` a broken page still fails the build, with no site written."""
    docs = {**DOCS, "problems/problem-01.md": DOCS["problems/problem-01.md"].replace(f"title: {TITLE}", f"title：{TITLE}")}
    project = make_project(tmp_path / "project", docs)
    result = run(project, "build", "--strict", "-d", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "docs/problems/problem-01.md:4: 键名后面用了全角冒号" in result.stderr
    assert "构建完成" not in result.stderr and "内容有错误，页面暂时无法显示" not in result.stderr
    assert not list((tmp_path / "site").rglob("*.html"))
