"""Two builds of the same commit are byte-identical; one changed page changes only
that page and the pages, search index and exports that show its text."""
from __future__ import annotations

import os
from pathlib import Path
import shutil
import subprocess
import sys

import pytest

from tests.support.project import MINIMAL_DOCS, SITE_ASSETS, make_project
from tests.support.site import changed_files, snapshot

COMMIT_EPOCH = "1764000000"
DOCS = {**MINIMAL_DOCS, **SITE_ASSETS}
OLD_CAUSE = "压力传导执行力度不够。"
NEW_CAUSE = "压力传导执行力度不够，考核约束不强。"


def git(project: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"@{COMMIT_EPOCH} +0000", "GIT_COMMITTER_DATE": f"@{COMMIT_EPOCH} +0000"}
    result = subprocess.run(["git", "-c", "user.name=测试", "-c", "user.email=test@example.invalid",
                             "-c", "commit.gpgsign=false", *args],
                            cwd=project, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def build(project: Path, site: Path, *, epoch: str | None, hash_seed: str) -> Path:
    """mkdocs build with SOURCE_DATE_EPOCH and KB_VERSION as given (None: unset, taken from git)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": hash_seed}
    for name in ("KB_AUDIENCE", "KB_VERSION", "SOURCE_DATE_EPOCH"):
        env.pop(name, None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                            cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return site


@pytest.fixture(scope="module")
def committed(tmp_path_factory) -> Path:
    """A project in its own throwaway git repository, committed at COMMIT_EPOCH."""
    project = make_project(tmp_path_factory.mktemp("first") / "project", DOCS)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "测试提交")
    assert git(project, "log", "-1", "--format=%ct") == COMMIT_EPOCH
    return project


@pytest.fixture(scope="module")
def reference(committed, tmp_path_factory) -> dict[str, str]:
    """The reference build: date and version taken from git, hash seed 1."""
    site = build(committed, tmp_path_factory.mktemp("site-a") / "site", epoch=None, hash_seed="1")
    version = git(committed, "log", "-1", "--format=%h")
    assert f"版本 {version}" in (site / "index.html").read_text(encoding="utf-8")
    return snapshot(site)


def copy_project(committed: Path, root: Path) -> Path:
    target = root / "elsewhere" / "project"
    shutil.copytree(committed, target, symlinks=True)
    return target


def test_two_builds_are_byte_identical(committed, reference, tmp_path: Path):
    """Another folder, another hash seed, SOURCE_DATE_EPOCH given explicitly: the same bytes."""
    project = copy_project(committed, tmp_path)
    site = build(project, tmp_path / "out" / "site", epoch=COMMIT_EPOCH, hash_seed="2")
    second = snapshot(site)
    assert len(second) > 50
    differing = sorted(changed_files(reference, second))
    assert differing == [], differing


def test_empty_source_date_epoch_counts_as_unset(committed, reference, tmp_path: Path):
    """An empty SOURCE_DATE_EPOCH (as some CI systems export it) takes the commit date too."""
    site = build(copy_project(committed, tmp_path), tmp_path / "site", epoch="", hash_seed="3")
    assert sorted(changed_files(reference, snapshot(site))) == []


def test_changing_one_page_changes_only_what_shows_it(committed, reference, tmp_path: Path):
    """Control: the comparison does see changes. Editing the causes of problem-01 changes its
    page, the problem checklist that repeats them, the search index and the exports; nothing else."""
    project = copy_project(committed, tmp_path)
    page = project / "docs" / "problems" / "problem-01.md"
    text = page.read_text(encoding="utf-8")
    assert text.count(OLD_CAUSE) == 1
    page.write_text(text.replace(OLD_CAUSE, NEW_CAUSE), encoding="utf-8")
    site = build(project, tmp_path / "site", epoch=None, hash_seed="1")

    assert changed_files(reference, snapshot(site)) == {
        "problems/problem-01/index.html",
        "problems/checklist/index.html",
        "search/search_index.json",
        "exports/problems.csv",
        "exports/ledger.xlsx",
        "exports/knowledge-base.json",
    }
    assert NEW_CAUSE in (site / "problems" / "problem-01" / "index.html").read_text(encoding="utf-8")
