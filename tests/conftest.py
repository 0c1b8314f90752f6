"""Fixtures and settings shared by every test folder; the helpers are in tests/support."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.project import MINIMAL_DOCS, make_project, run_mkdocs


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the expected output of the golden cases (tests/cases/loader) from what the code gives now")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The real docs/ built once with --strict, for the tests that only read or serve the
    result (never write into it)."""
    result = run_mkdocs(make_project(tmp_path_factory.mktemp("real") / "project"))
    assert result.ok, result.output
    return result


@pytest.fixture
def minimal_project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", MINIMAL_DOCS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skip is a failure: scripts/test.sh installs every tool and font the tests use,
    so a test that skips means the machine was not set up, and must not pass silently."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"测试被跳过，视为失败（请运行 bash scripts/test.sh 安装所需软件）：{reason}"
